/**
 * The traced kernel-function definer. A kernel function is written once, as a generator whose
 * yields are scheduling points; kfunc adds the enter/exit trace events (function_graph) without
 * changing its body.
 */
import type { KGen, Kernel } from './context'
import { traceArg } from './kfunc_common'
import { callbackForms } from './kfunc_forms'

export { traceArg, at, simNote, tracedStub } from './kfunc_common'

/**
 * The stepped form of callback @f (task work, an RCU callback), which the fast path may have
 * queued: its twin from machine/fast.ts's table (sim/kfunc_forms.ts), else @f itself.
 */
export function resolveKfunc<F extends object>(f: F): F {
  return (callbackForms.toStepped.get(f) as F | undefined) ?? f
}

export type KFunc<A extends unknown[], R> = ((k: Kernel, ...args: A) => KGen<R>) & { readonly kname: string }

/** Define a traced kernel function (generator form). */
export function kfunc<A extends unknown[], R>(name: string, body: (k: Kernel, ...args: A) => KGen<R>): KFunc<A, R> {
  const traced = function* (k: Kernel, args: A): KGen<R> {
    const t = k.trace
    t.enter(name, args, 0, traceArg)
    const r = yield* body(k, ...args)
    t.exit(name, traceArg(r))
    return r
  }
  // With tracing off the body's own generator is returned: no wrapper frame on the hot path.
  const fn = (k: Kernel, ...args: A): KGen<R> => (k.trace.on ? traced(k, args) : body(k, ...args))
  Object.defineProperty(fn, 'name', { value: name })
  Object.defineProperty(fn, 'kname', { value: name })
  return fn as KFunc<A, R>
}

export type KFuncSync<A extends unknown[], R> = ((k: Kernel, ...args: A) => R) & { readonly kname: string }

/** Define a traced kernel helper that touches no shared state on its own (no scheduling point). */
export function kfuncSync<A extends unknown[], R>(name: string, body: (k: Kernel, ...args: A) => R): KFuncSync<A, R> {
  const fn = (k: Kernel, ...args: A): R => {
    const t = k.trace
    if (t.on) t.enter(name, args, 0, traceArg)
    const r = body(k, ...args)
    if (t.on) t.exit(name, traceArg(r))
    return r
  }
  Object.defineProperty(fn, 'name', { value: name })
  Object.defineProperty(fn, 'kname', { value: name })
  return fn as KFuncSync<A, R>
}

