/**
 * The traced kernel-function definer. A kernel function is written once, as a generator whose
 * yields are scheduling points; kfunc adds the enter/exit trace events (function_graph) without
 * changing its body.
 */
import type { KGen, Sim } from './context'
import { traceArg } from './kfunc_common'

export { traceArg, at, simNote, tracedStub, tracepoint, probe, type Tracepoint, type TracepointProbe } from './kfunc_common'

/** Any context `k`: kernel functions take the kernel's (kernel/include/kernel.ts Kernel). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnySim = Sim<any>

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

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KFunc<A extends unknown[], R, K extends AnySim = any> = ((k: K, ...args: A) => KGen<R>) & { readonly kname: string }

/** Define a traced kernel function (generator form). */
export function kfunc<K extends AnySim, A extends unknown[], R>(name: string, body: (k: K, ...args: A) => KGen<R>): KFunc<A, R, K> {
  const traced = function* (k: K, args: A): KGen<R> {
    const t = k.trace
    t.enter(name, args, 0, traceArg)
    const r = yield* body(k, ...args)
    t.exit(name, traceArg(r))
    return r
  }
  // With tracing off the body's own generator is returned: no wrapper frame on the hot path.
  const fn = (k: K, ...args: A): KGen<R> => (k.trace.on ? traced(k, args) : body(k, ...args))
  Object.defineProperty(fn, 'name', { value: name })
  Object.defineProperty(fn, 'kname', { value: name })
  KFUNCS.set(name, fn)
  return fn as KFunc<A, R, K>
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KFuncSync<A extends unknown[], R, K extends AnySim = any> = ((k: K, ...args: A) => R) & { readonly kname: string }

/** Define a traced kernel helper that touches no shared state on its own (no scheduling point). */
export function kfuncSync<K extends AnySim, A extends unknown[], R>(name: string, body: (k: K, ...args: A) => R): KFuncSync<A, R, K> {
  const fn = (k: K, ...args: A): R => {
    const t = k.trace
    if (t.on) t.enter(name, args, 0, traceArg)
    const r = body(k, ...args)
    if (t.on) t.exit(name, traceArg(r))
    return r
  }
  Object.defineProperty(fn, 'name', { value: name })
  Object.defineProperty(fn, 'kname', { value: name })
  return fn as KFuncSync<A, R, K>
}

