/**
 * Helpers shared by both forms of kfunc (sim/kfunc.ts and the fast path's sim/kfunc.fast.ts):
 * trace arguments, SIM notes, traced stubs, observers and tracepoints.
 */
import type { TraceArg, TraceLog } from './trace'

/** What the helpers below need of the context `k`. */
interface Traced { readonly trace: TraceLog }

/**
 * An observer of a kernel function, by name (machine/sanitizer.ts registers them: the sanitizer's
 * bookkeeping watches the kernel instead of living in its functions). `args` is the call's
 * arguments with the context `k` first: `[k, ...args]`. Observers keep their state on `k` (per
 * machine), never in module variables, and never yield: they are not scheduling points.
 */
export interface KfuncObserver {
  /** Before the function's enter event. */
  readonly before?: (args: ArrayLike<unknown>) => void
  /** After the enter event, before the body runs. */
  readonly enter?: (args: ArrayLike<unknown>) => void
  /** After the body returned @ret, before the exit event. */
  readonly exit?: (args: ArrayLike<unknown>, ret: unknown) => void
}

/** One name's observer, read by the kfunc wrappers on every call (`on` first: one test when unobserved). */
export interface ObserverCell {
  on: boolean
  before: ((args: ArrayLike<unknown>) => void) | null
  enter: ((args: ArrayLike<unknown>) => void) | null
  exit: ((args: ArrayLike<unknown>, ret: unknown) => void) | null
}

const CELLS = new Map<string, ObserverCell>()

/** The observer cell of @name (made on first use, by whichever of definer and observer comes first). */
export function observerCell(name: string): ObserverCell {
  let c = CELLS.get(name)
  if (!c) CELLS.set(name, (c = { on: false, before: null, enter: null, exit: null }))
  return c
}

/** Register @o as the observer of the kernel function @name (a tracepoint: `tracepoint:NAME`), one per name. */
export function observe(name: string, o: KfuncObserver): void {
  const c = observerCell(name)
  c.before = o.before ?? null
  c.enter = o.enter ?? null
  c.exit = o.exit ?? null
  c.on = c.before !== null || c.enter !== null || c.exit !== null
}

/**
 * SIM: a tracepoint: a named point inside a kernel function where an observer (the sanitizer) is
 * told what happens, as the kernel's own tracepoints (`trace_sys_exit()`) tell tracers. It traces
 * nothing and changes nothing; unobserved it is one test. Its observer's `enter` gets `[k, ...args]`.
 */
export function tracepoint<K, A extends unknown[]>(name: string): (k: K, ...args: A) => void {
  const c = observerCell(`tracepoint:${name}`)
  return function (this: unknown): void {
    // eslint-disable-next-line prefer-rest-params
    if (c.on && c.enter) c.enter(arguments)
  } as unknown as (k: K, ...args: A) => void
}

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
      if ('func' in any && 'next' in any) {
        // A callback_head embedded in its container: name it as the field (file#2.f_task_work).
        const c = (v as { container?: Record<string, unknown> & { id?: unknown } }).container
        const field = c && typeof c.id === 'string' ? Object.keys(c).find((key) => c[key] === v) : undefined
        return field ? `${c!.id as string}.${field}` : `callback_head(${any.func?.kname ?? any.func?.name ?? 'NULL'})`
      }
      if (typeof any.l_type === 'number') return `{l_type=${['F_RDLCK', 'F_WRLCK', 'F_UNLCK'][any.l_type] ?? any.l_type}, l_start=${any.l_start}, l_len=${any.l_len}}`
      if (typeof any.rlim_cur === 'number') return `{rlim_cur=${any.rlim_cur}, rlim_max=${any.rlim_max}}`
      if (typeof any.flags === 'number') return `{flags=0x${any.flags.toString(16)}}`
      return 'obj'
    }
    default: return null
  }
}

/** A scheduling point before an access to shared object `obj`. */
export function at(obj: string, w: boolean, what: string): { obj: string; w: boolean; what: string } {
  return { obj, w, what }
}

/** A SIM note: a step fdlab traces but does not model as state. */
export function simNote(k: Traced, text: string): void {
  if (k.trace.on) k.trace.emit({ e: 'note', text })
}

/** A traced call to a kernel function whose state fdlab does not model (LSM, IMA, fsnotify...). */
export function tracedStub(k: Traced, fn: string, args: readonly TraceArg[], note: string): void {
  if (!k.trace.on) return
  k.trace.emit({ e: 'enter', fn, args })
  k.trace.emit({ e: 'note', text: `SIM: ${note}` })
  k.trace.emit({ e: 'exit', fn, ret: null })
}
