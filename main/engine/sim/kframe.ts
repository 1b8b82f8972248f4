/**
 * The compiled stepped form's kfunc. scripts/gen-stepped.mjs derives main/engine/stepped/ from
 * the kernel source: each kernel generator becomes a plain function returning a KFrame, whose
 * resume function runs the body from its program counter (`pc`) to its next scheduling point,
 * call or return; its locals live in the function's closure. The generated modules import this
 * module's kfunc where the source imports sim/kfunc's (its other helpers are sim/kfunc's own).
 *
 * A resume returns what the frame does next:
 *   a Sched       a scheduling point (as the generator's `yield`), `pc` already set to after it
 *   CALLS         a call: `callee` holds what the call expression returned (a KFrame, or a
 *                 generator/KCall from code this transform left as generators, lab code, overrides)
 *   DONE          a return: `ret` holds the value
 *   TAIL          a tail call (`return` of a delegated call): `callee` holds it, which takes this frame's place
 * The thread driver (machine/drive.ts Frames) runs KFrames and generators on one stack. Kernel
 * code has no try statement around a yield (the transform leaves such a generator as it is), so an
 * exception in a KFrame simply leaves it: the driver throws it into the frame below.
 *
 * A KFrame is also an iterator with a KCall's protocol (sim/kfunc.ts), so generator code can still
 * delegate to it (`yield` with a star) (Machine's wrappers, lab code, generators left uncompiled): its first `next()` is a
 * call request (the frame itself) that the driver answers by pushing the frame; when it returns, the
 * driver resumes the caller, whose delegation asks the frame once more and gets the value.
 */
import type { TraceLog } from './trace'
import { traceArg } from './kfunc_common'

/*
 * This module imports no module that the fast path rewrites (sim/context.ts), so gen-fast shares
 * it instead of copying it: Sched is sim/context.ts's, written out structurally.
 */
/** A scheduling point (sim/context.ts Sched). */
interface Sched { readonly obj: string; readonly w: boolean; readonly what: string; readonly then?: () => void }

/**
 * The value of a call request (sim/kfunc.ts KCall, and a KFrame asked by a delegating generator).
 * A Sched-shaped constant, so the types of the yielded values stay one shape.
 */
export const CALL: Sched = Object.freeze({ obj: '', w: false, what: 'call' })

/** What a resume returns for a call (the callee in `callee`). */
export const CALLS = Symbol('call')
/** What a resume returns for a return (the value in `ret`). */
export const DONE = Symbol('return')
/** What a resume returns for a tail call (the callee in `callee` takes the frame's place). */
export const TAIL = Symbol('tail call')

export type Resume = (f: KFrame, input: unknown) => Sched | typeof CALLS | typeof DONE | typeof TAIL

/*
 * The classes below, made at every call or scheduling point, declare their fields (`declare`) and
 * set them in the constructor only: a field written with an initializer or as a constructor
 * parameter is emitted (ES2022 class fields) as a definition that runs before the constructor's
 * own assignment, which cost about 4% of a compiled stepped syscall.
 */
export class KFrame {
  /** Where the body resumes next (0: its start). */
  declare pc: number
  /** The call the body makes (set before CALLS). */
  declare callee: unknown
  /** The body's return value (set before DONE). */
  declare ret: unknown
  /** Whether a generator caller has had the call request (see next()). */
  private declare asked: boolean
  declare readonly resume: Resume
  constructor(resume: Resume) {
    this.pc = 0
    this.callee = undefined
    this.ret = undefined
    this.asked = false
    this.resume = resume
  }

  [Symbol.iterator](): this {
    return this
  }

  /**
   * A delegating generator: first a call request, the frame itself (not done: its `done` is
   * undefined; the driver, which checks for a KFrame first, pushes it), then the value the driver
   * resumed the caller with. A frame has no `value` and `done` fields of its own: every call
   * makes one, and only a generator's delegation reads them.
   */
  next(ret?: unknown): IteratorResult<unknown, unknown> {
    if (!this.asked) {
      this.asked = true
      return this as unknown as IteratorResult<unknown, unknown>
    }
    return { value: ret, done: true }
  }

  throw(e: unknown): never {
    throw e
  }
}

/** What this module needs of the context `k`. */
interface AnySim { readonly trace: TraceLog }

/**
 * A traced call of a compiled body: enter when the call starts, the body as its callee, exit when
 * it returns (the same moments as sim/kfunc.ts KCall). An exception leaves without exit, as there.
 */
function tracedCall(name: string, body: (k: AnySim, ...args: unknown[]) => unknown, k: AnySim, args: unknown[]): KFrame {
  return new KFrame((f, input) => {
    if (f.pc === 0) {
      k.trace.enter(name, args, 0, traceArg)
      f.pc = 1
      f.callee = body(k, ...args)
      return CALLS
    }
    k.trace.exit(name, traceArg(input))
    f.ret = input
    return DONE
  })
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KFunc<A extends unknown[], R, K extends AnySim = any> = ((k: K, ...args: A) => KFrame) & { readonly kname: string; readonly __r?: R }

/**
 * A wrapper written at the kfunc's own site by scripts/gen-stepped.mjs, with the body's own
 * parameters: untraced, it calls the body directly (no rest arguments); traced, it passes the
 * context and the arguments to @traced.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KfuncSite = (body: (...a: any[]) => unknown, traced: (k: AnySim, args: unknown[]) => KFrame) => (k: any, ...args: any[]) => unknown

/** Define a kernel function (compiled form): the body returns a KFrame; traced calls wrap it (tracedCall). */
export function kfunc<K extends AnySim, A extends unknown[], R>(name: string, body: (k: K, ...args: A) => unknown, site?: KfuncSite): KFunc<A, R, K> {
  const b = body as unknown as (k: AnySim, ...args: unknown[]) => unknown
  const traced = (k: AnySim, args: unknown[]): KFrame => tracedCall(name, b, k, args)
  const fn = site ? site(b, traced) : (k: K, ...args: A): unknown => (k.trace.on ? traced(k, args) : body(k, ...args))
  Object.defineProperty(fn, 'name', { value: name })
  Object.defineProperty(fn, 'kname', { value: name })
  return fn as unknown as KFunc<A, R, K>
}

/**
 * A scheduling point whose `what` is a template (`read fd[${fd}]`): the template's values are
 * taken at the point and the text is made when first read. An untraced run reads no `what`
 * (snapshots and reports of blocked threads do), so its points cost no string building.
 * gen-stepped writes such a point as `new SchedFmt(obj, w, $fmtN, ...values)`.
 */
export class SchedFmt implements Sched {
  declare readonly obj: string
  declare readonly w: boolean
  private declare text: string | undefined
  private declare readonly fmt: (a: unknown, b: unknown, c: unknown, d: unknown) => string
  private declare readonly a: unknown
  private declare readonly b: unknown
  private declare readonly c: unknown
  private declare readonly d: unknown
  constructor(obj: string, w: boolean, fmt: (a: unknown, b: unknown, c: unknown, d: unknown) => string, a?: unknown, b?: unknown, c?: unknown, d?: unknown) {
    this.obj = obj
    this.w = w
    this.text = undefined
    this.fmt = fmt
    this.a = a
    this.b = b
    this.c = c
    this.d = d
  }

  get what(): string {
    if (this.text === undefined) this.text = this.fmt(this.a, this.b, this.c, this.d)
    return this.text
  }
}

/**
 * A one-point helper's point (sim/context.ts SchedPoint: spin_lock, spin_unlock, rcu_read_lock...)
 * in the compiled form: the helper's `then` is a module-level function of the values it reads
 * (@a, @b, @c, taken when the point is made), so a lock or unlock makes one object and no
 * closure. scripts/gen-stepped.mjs writes `new SchedThen(obj, w, text, fmt, fa, fn, a, b, c)`;
 * `what` is @text, or made by @fmt from @fa when first read (as SchedFmt).
 */
export class SchedThen implements Sched {
  declare readonly obj: string
  declare readonly w: boolean
  /** `what` once made (see whatOf). */
  declare text: string | undefined
  declare readonly fmt: ((a: unknown) => string) | undefined
  declare readonly fa: unknown
  declare readonly fn: (a: unknown, b: unknown, c: unknown) => void
  declare readonly a: unknown
  declare readonly b: unknown
  declare readonly c: unknown
  constructor(obj: string, w: boolean, text: string | undefined, fmt: ((a: unknown) => string) | undefined, fa: unknown, fn: (a: unknown, b: unknown, c: unknown) => void, a?: unknown, b?: unknown, c?: unknown) {
    this.obj = obj
    this.w = w
    this.text = text
    this.fmt = fmt
    this.fa = fa
    this.fn = fn
    this.a = a
    this.b = b
    this.c = c
  }

  get what(): string {
    return whatOf(this)
  }

  /** The helper's work after its point (the thread driver calls it as the point's `then`). */
  then(): void {
    this.fn(this.a, this.b, this.c)
  }
}

/**
 * SchedThen with the helper's `enabled` (a lock: runnable while it is free), a function of the
 * same values. A class of its own, not a subclass: a derived constructor's call of its base
 * cost about 3% of a compiled stepped syscall.
 */
export class SchedWaitThen implements Sched {
  declare readonly obj: string
  declare readonly w: boolean
  declare text: string | undefined
  declare readonly fmt: ((a: unknown) => string) | undefined
  declare readonly fa: unknown
  declare readonly fn: (a: unknown, b: unknown, c: unknown) => void
  declare readonly en: (a: unknown, b: unknown, c: unknown) => boolean
  declare readonly a: unknown
  declare readonly b: unknown
  declare readonly c: unknown
  constructor(
    obj: string, w: boolean, text: string | undefined, fmt: ((a: unknown) => string) | undefined, fa: unknown,
    fn: (a: unknown, b: unknown, c: unknown) => void, en: (a: unknown, b: unknown, c: unknown) => boolean, a?: unknown, b?: unknown, c?: unknown,
  ) {
    this.obj = obj
    this.w = w
    this.text = text
    this.fmt = fmt
    this.fa = fa
    this.fn = fn
    this.en = en
    this.a = a
    this.b = b
    this.c = c
  }

  get what(): string {
    return whatOf(this)
  }

  then(): void {
    this.fn(this.a, this.b, this.c)
  }

  enabled(): boolean {
    return this.en(this.a, this.b, this.c)
  }
}

/** A one-point helper's `what`: its text, made by its formatter the first time it is read. */
function whatOf(p: SchedThen | SchedWaitThen): string {
  if (p.text === undefined) p.text = p.fmt!(p.fa)
  return p.text
}
