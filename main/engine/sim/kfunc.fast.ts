/**
 * The fast path's kfunc: the generated kernel in main/engine/fast/ imports this module where the
 * stepped kernel imports sim/kfunc.ts (scripts/gen-fast.mjs links it; it is not copied).
 * Kernel functions are plain functions; trace events are the same as the stepped engine's.
 */
import type { TraceLog } from './trace'
import { traceArg } from './kfunc_common'
import { callbackForms } from './kfunc_forms'

export { traceArg, at, simNote, tracedStub, tracepoint, probe, type Tracepoint, type TracepointProbe } from './kfunc_common'

/** What this module needs of the context `k` (the stepped Sim or the fast path's). */
interface AnySim { readonly trace: TraceLog }

/**
 * The fast-path form of callback @f (task work, an RCU callback), which the stepped engine may
 * have queued: its twin from machine/fast.ts's table (sim/kfunc_forms.ts), else @f itself.
 */
export function resolveKfunc<F extends object>(f: F): F {
  return (callbackForms.toFast.get(f) as F | undefined) ?? f
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KFunc<A extends unknown[], R, K extends AnySim = any> = ((k: K, ...args: A) => R) & { readonly kname: string }
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KFuncSync<A extends unknown[], R, K extends AnySim = any> = KFunc<A, R, K>

/**
 * A wrapper written at the kfunc's own site (scripts/gen-fast.mjs adds it): it calls the body
 * directly with the body's own parameters, so each call site sees one callee (and can inline it)
 * instead of one shared wrapper calling every body through apply().
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KfuncSite<R> = (body: (...a: any[]) => R, traced: (self: unknown, args: IArguments) => R, tracedN: TracedN<R>) => (k: any, ...args: any[]) => R
/**
 * The traced path of a site whose body takes the context and @n (at most 5) required parameters:
 * the site passes its arguments as they are, so no arguments object is made.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TracedN<R> = (n: number, k: any, a?: unknown, b?: unknown, c?: unknown, d?: unknown, e?: unknown) => R

/** A kernel function as its traced path needs it: the body, and its name's number in the last log written to. */
interface TracedState<R> { readonly name: string; readonly f: (...a: unknown[]) => R; log: TraceLog | null; no: number }

function callTraced<R>(st: TracedState<R>, self: unknown, args: IArguments): R {
  const t = (args[0] as AnySim).trace
  if (t !== st.log) { st.log = t; st.no = t.intern(st.name) }
  const no = st.no
  const f = st.f
  t.enterNo(no, args, 1, traceArg)
  let r: R
  // Direct calls for the usual arities (no apply through the arguments object).
  if (self !== undefined) r = Reflect.apply(f, self, args)
  else {
    switch (args.length) {
      case 1: r = f(args[0]); break
      case 2: r = f(args[0], args[1]); break
      case 3: r = f(args[0], args[1], args[2]); break
      case 4: r = f(args[0], args[1], args[2], args[3]); break
      case 5: r = f(args[0], args[1], args[2], args[3], args[4]); break
      default: r = Reflect.apply(f, self, args)
    }
  }
  t.exitNo(no, r, traceArg)
  return r
}

function callTracedN<R>(st: TracedState<R>, n: number, k: AnySim, a: unknown, b: unknown, c: unknown, d: unknown, e: unknown): R {
  const t = k.trace
  if (t !== st.log) { st.log = t; st.no = t.intern(st.name) }
  const no = st.no
  t.enterN(no, n, a, b, c, d, e, traceArg)
  // The body ignores the arguments past its own (its parameters are all required: see gen-fast).
  const r = st.f(k, a, b, c, d, e)
  t.exitNo(no, r, traceArg)
  return r
}

export function kfunc<K extends AnySim, A extends unknown[], R>(name: string, body: (k: K, ...args: A) => R, site?: KfuncSite<R>): KFunc<A, R, K> {
  // The traced path is one shared function (callTraced); the closure each kfunc hands to its site
  // stays tiny, so inlining it into a caller costs the untraced path nothing.
  const st: TracedState<R> = { name, f: body as (...a: unknown[]) => R, log: null, no: 0 }
  const traced = (self: unknown, args: IArguments): R => callTraced(st, self, args)
  const tracedN: TracedN<R> = (n, k2, a, b, c, d, e) => callTracedN(st, n, k2 as AnySim, a, b, c, d, e)
  const fn = site ? site(body, traced, tracedN) : function (this: unknown, k: K): R {
    // eslint-disable-next-line prefer-rest-params
    if (!k.trace.on) return Reflect.apply(body, this, arguments)
    // eslint-disable-next-line prefer-rest-params
    return traced(this, arguments)
  }
  Object.defineProperty(fn, 'name', { value: name })
  Object.defineProperty(fn, 'kname', { value: name })
  return fn as KFunc<A, R, K>
}
export const kfuncSync = kfunc

/** Thrown when a fast-path run would have to wait for another thread. */
export class FastPathBlocked extends Error {}

/** The fast path's scheduler: counts micro-steps and lets time pass for a waiter, never switches. */
export const fastRun: { trace: TraceLog | null; step: number; settle: (() => void) | null } = { trace: null, step: 0, settle: null }

/**
 * __sched(enabled) written out by gen-fast for `enabled: () => X` (no closure per call):
 * `__sched(), X || (__schedSettle(), X || __schedBlocked())`.
 */
export function __schedSettle(): void {
  if (fastRun.settle) fastRun.settle()
}
export function __schedBlocked(): never {
  throw new FastPathBlocked('the fast path cannot wait for another thread (use the stepped engine)')
}

export function __sched(enabled?: () => boolean): void {
  fastRun.step++
  if (fastRun.trace) fastRun.trace.step = fastRun.step
  if (enabled && !enabled()) {
    if (fastRun.settle) fastRun.settle()
    if (!enabled()) throw new FastPathBlocked('the fast path cannot wait for another thread (use the stepped engine)')
  }
}
