/**
 * The traced kernel-function definer. A kernel function is written once, as a generator whose
 * yields are scheduling points; kfunc adds the enter/exit trace events (function_graph) without
 * changing its body.
 */
import type { KGen, Kernel } from './context'
import type { TraceLog } from './trace'
import { traceArg } from './kfunc_common'

export { traceArg, at, simNote, tracedStub } from './kfunc_common'

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
  // The name's number in the string table of the last log written to (one log per machine).
  let log: TraceLog | null = null
  let no = 0
  const traced = function* (k: Kernel, args: A): KGen<R> {
    const t = k.trace
    if (t !== log) { log = t; no = t.intern(name) }
    t.enterNo(no, args, 0, traceArg)
    const r = yield* body(k, ...args)
    t.exitNo(no, r, traceArg)
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
  let log: TraceLog | null = null
  let no = 0
  const fn = (k: Kernel, ...args: A): R => {
    const t = k.trace
    if (t.on) {
      if (t !== log) { log = t; no = t.intern(name) }
      t.enterNo(no, args, 0, traceArg)
    }
    const r = body(k, ...args)
    if (t.on) {
      if (t !== log) { log = t; no = t.intern(name) }
      t.exitNo(no, r, traceArg)
    }
    return r
  }
  Object.defineProperty(fn, 'name', { value: name })
  Object.defineProperty(fn, 'kname', { value: name })
  return fn as KFuncSync<A, R>
}

