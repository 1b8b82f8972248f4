/**
 * The traced kernel-function definer. A kernel function is written once, as a generator whose
 * yields are scheduling points; kfunc adds the enter/exit trace events (function_graph) without
 * changing its body.
 */
import type { KGen, Sched, Sim } from './context'
import type { TraceLog } from './trace'
import { traceArg } from './kfunc_common'
import { callbackForms } from './kfunc_forms'
import { CALL } from './kframe'

export { traceArg, at, simNote, tracedStub, tracepoint, probe, type Tracepoint, type TracepointProbe } from './kfunc_common'

/** Any context `k`: kernel functions take the kernel's (kernel/include/kernel.ts Kernel). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnySim = Sim<any>

/**
 * The stepped form of callback @f (task work, an RCU callback), which the fast path may have
 * queued: its twin from machine/fast.ts's table (sim/kfunc_forms.ts), else @f itself.
 */
export function resolveKfunc<F extends object>(f: F): F {
  return (callbackForms.toStepped.get(f) as F | undefined) ?? f
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KFunc<A extends unknown[], R, K extends AnySim = any> = ((k: K, ...args: A) => KGen<R>) & { readonly kname: string }

/** The value of a trampolined call request: a KCall's first step yields it (see KCall; shared with sim/kframe.ts). */
export { CALL }

/**
 * A call of a kernel function, trampolined: what `kfunc(...)` returns in the stepped form. The
 * caller writes `yield* f(k, ...)` as always. The call's first step runs the body up to its
 * first scheduling point: a body that returns before any (a lookup that finds nothing to do)
 * ends the caller's `yield*` at once, with no frame of its own. Otherwise the call yields a call
 * request (the call object itself: `value` CALL, the body's generator in `gen`, what the body
 * yielded in `first`), which the caller's `yield*` passes up unchanged to the thread driver
 * (machine/drive.ts). The driver pushes the body on the thread's stack of frames and from then
 * on resumes only the top frame at each micro-step, so a micro-step costs the same at any call
 * depth. When the body returns, the driver resumes the caller with the value, which its `yield*`
 * hands to this object's second step: the `yield*` ends with that value. A body's exception is
 * thrown into the caller, so try/finally in kernel code runs as before. Traced: enter is emitted
 * at the call's first step and exit when it returns, the same moments as a traced wrapper
 * generator.
 *
 * The call object is its own iterator and its own iterator result (the driver reads `value`,
 * `done`, `gen` and `first`): no allocation per call beyond this object and the body's generator.
 */
export class KCall<R = unknown> {
  value: unknown = CALL
  done = false
  /** What the body yielded at the call's first step (a Sched, or a nested call request). */
  first: IteratorResult<Sched, R> | null = null
  /** 0: not started, 1: running in its own frame, 2: returned. */
  private state = 0
  constructor(
    /** The body's generator (untraced), or null until a traced call starts. */
    public gen: KGen<R> | null,
    /** Traced calls only: the kernel function, its body and arguments. */
    private readonly name: string,
    private readonly body: ((k: AnySim, ...args: never[]) => KGen<R>) | null,
    private readonly k: AnySim | null,
    private readonly args: unknown[] | null,
  ) {}

  [Symbol.iterator](): this {
    return this
  }

  next(ret?: unknown): this | IteratorResult<Sched, R> {
    if (this.state === 0) {
      const k = this.k
      if (k !== null) {
        // Traced: enter, then the body's generator (as the traced wrapper generator did).
        k.trace.enter(this.name, this.args!, 0, traceArg)
        this.gen = this.body!(k, ...(this.args as never[]))
      }
      const r = this.gen!.next()
      if (r.done === true) {
        this.state = 2
        if (k !== null) k.trace.exit(this.name, traceArg(r.value))
        return r
      }
      this.state = 1
      this.first = r
      return this
    }
    if (this.state !== 1) throw new Error(`${this.name} resumed after it returned`)
    // The body returned @ret: the driver resumed the caller with it, whose yield* asks us.
    this.state = 2
    this.first = null
    if (this.k !== null) this.k.trace.exit(this.name, traceArg(ret))
    this.value = ret
    this.done = true
    return this
  }

  throw(e: unknown): never {
    this.state = 2
    throw e
  }
}

/** Define a traced kernel function (generator form; calls are trampolined: see KCall). */
export function kfunc<K extends AnySim, A extends unknown[], R>(name: string, body: (k: K, ...args: A) => KGen<R>): KFunc<A, R, K> {
  const b = body as unknown as (k: AnySim, ...args: never[]) => KGen<R>
  const fn = (k: K, ...args: A): KGen<R> =>
    (k.trace.on ? new KCall<R>(null, name, b, k, args) : new KCall<R>(body(k, ...args), name, null, null, null)) as unknown as KGen<R>
  Object.defineProperty(fn, 'name', { value: name })
  Object.defineProperty(fn, 'kname', { value: name })
  return fn as KFunc<A, R, K>
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KFuncSync<A extends unknown[], R, K extends AnySim = any> = ((k: K, ...args: A) => R) & { readonly kname: string }

/** Define a traced kernel helper that touches no shared state on its own (no scheduling point). */
export function kfuncSync<K extends AnySim, A extends unknown[], R>(name: string, body: (k: K, ...args: A) => R): KFuncSync<A, R, K> {
  let log: TraceLog | null = null
  let no = 0
  const fn = (k: K, ...args: A): R => {
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
  return fn as KFuncSync<A, R, K>
}

