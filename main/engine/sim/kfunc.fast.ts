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
 * instead of one shared wrapper calling every body through apply(). When every parameter is
 * required, its traced path is a function of the site's own too (enter, the body, exit: each call
 * with one callee, where one traced path shared by every kernel function calls all the bodies and
 * can inline none), which names the function through @st and converts arguments with @conv.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KfuncSite<R> = (body: (...a: any[]) => R, traced: (self: unknown, args: IArguments) => R, st: TracedState, conv: typeof traceArg) => (k: any, ...args: any[]) => R

/** A kernel function's name as its traced path needs it: its number in the last log written to. */
export class TracedState {
  log: TraceLog | null = null
  no = 0
  constructor(readonly name: string) {}

  /** The name's number in log @t (now the last log written to). */
  attach(t: TraceLog): number {
    this.log = t
    this.no = t.intern(this.name)
    return this.no
  }
}

/** The traced path of a site whose body reads `this` or its arguments object (one shared function). */
function callTraced<R>(st: TracedState, f: (...a: unknown[]) => R, self: unknown, args: IArguments): R {
  const t = (args[0] as AnySim).trace
  const no = st.log === t ? st.no : st.attach(t)
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

export function kfunc<K extends AnySim, A extends unknown[], R>(name: string, body: (k: K, ...args: A) => R, site?: KfuncSite<R>): KFunc<A, R, K> {
  // The shared traced path's closure stays tiny, so inlining it into a caller costs the untraced
  // path nothing.
  const st = new TracedState(name)
  const f = body as (...a: unknown[]) => R
  const traced = (self: unknown, args: IArguments): R => callTraced(st, f, self, args)
  const fn = site ? site(body, traced, st, traceArg) : function (this: unknown, k: K): R {
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
