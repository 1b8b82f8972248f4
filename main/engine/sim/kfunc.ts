/**
 * The traced kernel-function definer. A kernel function is written once, as a generator whose
 * yields are scheduling points; kfunc adds the enter/exit trace events (function_graph) without
 * changing its body.
 */
import type { KGen, Kernel } from './context'
import type { TraceArg } from './trace'

export function traceArg(v: unknown): TraceArg {
  if (v === null || v === undefined) return null
  switch (typeof v) {
    case 'number': case 'string': case 'boolean': return v
    case 'bigint': return Number(v)
    case 'function': return (v as { kname?: string }).kname ?? (v.name || 'fn')
    case 'object': {
      const o = v as { id?: unknown; file?: { id?: unknown } | null; length?: number }
      if (typeof o.id === 'string') return o.id
      if (v instanceof Uint8Array) return `buf[${v.length}]`
      if (v instanceof Int32Array) return `int[${v.length}]`
      const any = v as { func?: { kname?: string; name?: string } | null; l_type?: number; l_start?: number; l_len?: number; flags?: number; rlim_cur?: number; rlim_max?: number }
      if ('func' in any && 'next' in any) return `callback_head(${any.func?.kname ?? any.func?.name ?? 'NULL'})`
      if (typeof any.l_type === 'number') return `{l_type=${['F_RDLCK', 'F_WRLCK', 'F_UNLCK'][any.l_type] ?? any.l_type}, l_start=${any.l_start}, l_len=${any.l_len}}`
      if (typeof any.rlim_cur === 'number') return `{rlim_cur=${any.rlim_cur}, rlim_max=${any.rlim_max}}`
      if (typeof any.flags === 'number') return `{flags=0x${any.flags.toString(16)}}`
      return 'obj'
    }
    default: return null
  }
}

/**
 * Every kernel function by name. Callbacks (task work, RCU) queued by one form of the engine may be
 * run by the other (the fast path hands over to the stepped machine's system threads): they are
 * called through resolveKfunc(), which picks this form's function of the same name.
 */
const KFUNCS = new Map<string, unknown>()
export function resolveKfunc<F>(f: F): F {
  const n = (f as { kname?: string } | null)?.kname
  return (n ? (KFUNCS.get(n) as F | undefined) : undefined) ?? f
}

export type KFunc<A extends unknown[], R> = ((k: Kernel, ...args: A) => KGen<R>) & { readonly kname: string }

/** Define a traced kernel function (generator form). */
export function kfunc<A extends unknown[], R>(name: string, body: (k: Kernel, ...args: A) => KGen<R>): KFunc<A, R> {
  const traced = function* (k: Kernel, args: A): KGen<R> {
    const t = k.trace
    t.emit({ e: 'enter', fn: name, args: args.map(traceArg) })
    const r = yield* body(k, ...args)
    t.emit({ e: 'exit', fn: name, ret: traceArg(r) })
    return r
  }
  // With tracing off the body's own generator is returned: no wrapper frame on the hot path.
  const fn = (k: Kernel, ...args: A): KGen<R> => (k.trace.on ? traced(k, args) : body(k, ...args))
  Object.defineProperty(fn, 'name', { value: name })
  Object.defineProperty(fn, 'kname', { value: name })
  KFUNCS.set(name, fn)
  return fn as KFunc<A, R>
}

export type KFuncSync<A extends unknown[], R> = ((k: Kernel, ...args: A) => R) & { readonly kname: string }

/** Define a traced kernel helper that touches no shared state on its own (no scheduling point). */
export function kfuncSync<A extends unknown[], R>(name: string, body: (k: Kernel, ...args: A) => R): KFuncSync<A, R> {
  const fn = (k: Kernel, ...args: A): R => {
    const t = k.trace
    if (t.on) t.emit({ e: 'enter', fn: name, args: args.map(traceArg) })
    const r = body(k, ...args)
    if (t.on) t.emit({ e: 'exit', fn: name, ret: traceArg(r) })
    return r
  }
  Object.defineProperty(fn, 'name', { value: name })
  Object.defineProperty(fn, 'kname', { value: name })
  return fn as KFuncSync<A, R>
}

/** A scheduling point before an access to shared object `obj`. */
export function at(obj: string, w: boolean, what: string): { obj: string; w: boolean; what: string } {
  return { obj, w, what }
}

/** A SIM note: a step fdlab traces but does not model as state. */
export function simNote(k: Kernel, text: string): void {
  if (k.trace.on) k.trace.emit({ e: 'note', text })
}

/** A traced call to a kernel function whose state fdlab does not model (LSM, IMA, fsnotify...). */
export function tracedStub(k: Kernel, fn: string, args: readonly TraceArg[], note: string): void {
  if (!k.trace.on) return
  k.trace.emit({ e: 'enter', fn, args })
  k.trace.emit({ e: 'note', text: `SIM: ${note}` })
  k.trace.emit({ e: 'exit', fn, ret: null })
}
