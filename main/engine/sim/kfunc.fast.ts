/**
 * The fast path's kfunc (copied over sim/kfunc.ts in main/engine/fast/ by scripts/gen-fast.mjs):
 * kernel functions are plain functions; trace events are the same as the stepped engine's.
 */
import type { Kernel } from './context'
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

export type KFunc<A extends unknown[], R> = ((k: Kernel, ...args: A) => R) & { readonly kname: string }
export type KFuncSync<A extends unknown[], R> = KFunc<A, R>

export function kfunc<A extends unknown[], R>(name: string, body: (k: Kernel, ...args: A) => R): KFunc<A, R> {
  const fn = function (this: unknown, k: Kernel): R {
    const t = k.trace
    // eslint-disable-next-line prefer-rest-params
    if (!t.on) return (body as (...a: unknown[]) => R).apply(this, arguments as unknown as unknown[])
    t.enter(name, arguments, 1, traceArg)
    const r = (body as (...a: unknown[]) => R).apply(this, arguments as unknown as unknown[])
    t.exit(name, traceArg(r))
    return r
  } as unknown as (k: Kernel, ...args: A) => R
  Object.defineProperty(fn, 'name', { value: name })
  Object.defineProperty(fn, 'kname', { value: name })
  KFUNCS.set(name, fn)
  return fn as KFunc<A, R>
}
export const kfuncSync = kfunc

/** Thrown when a fast-path run would have to wait for another thread. */
export class FastPathBlocked extends Error {}

/** The fast path's scheduler: counts micro-steps and lets time pass for a waiter, never switches. */
export const fastRun: { trace: TraceLog | null; step: number; settle: (() => void) | null } = { trace: null, step: 0, settle: null }

export function __sched(enabled?: () => boolean): void {
  fastRun.step++
  if (fastRun.trace) fastRun.trace.step = fastRun.step
  if (enabled && !enabled()) {
    if (fastRun.settle) fastRun.settle()
    if (!enabled()) throw new FastPathBlocked('the fast path cannot wait for another thread (use the stepped engine)')
  }
}
