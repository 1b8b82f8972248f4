/**
 * The thread driver: runs a thread's kernel code as a stack of frames (trampolined kfunc calls,
 * sim/kfunc.ts KCall), so that a micro-step resumes only the frame that yields it.
 *
 * With plain `yield*` delegation, resuming a thread resumes every generator on the delegation
 * chain (the program, the syscall entry, each kernel function down to the one that yields): the
 * cost of a micro-step grows with the call depth. Here a kfunc call yields a call request; the
 * driver pushes the callee's generator and from then on resumes only the top frame. When the top
 * returns, it is popped and the caller resumes with the value (its `yield*` ends with it); when it
 * throws, the exception is thrown into the caller, so try/finally in kernel code runs as before.
 * Sched records reach the scheduler unchanged (the very objects the kernel code yields).
 *
 * A one-point helper (`yield spin_lock(k, lock)`: sim/context.ts SchedPoint) is no frame at all:
 * its point carries the rest of its work as `then`, which the driver runs when the thread is
 * resumed, before the frame that yielded it; an exception from `then` is thrown into that frame
 * at its `yield`, as it would have come out of the helper's `yield*`.
 */
import type { KGen, Sched } from '../sim/context'
import { CALL, type KCall } from '../sim/kfunc'
import { KFrame, CALLS, DONE, TAIL } from '../sim/kframe'

type Frame = Iterator<unknown, unknown, unknown> | KFrame

/**
 * A thread's kernel code from @root, as an iterator with a generator's `next()`: each call runs
 * to the next scheduling point (the Sched yielded, unchanged) or to the end (the root's return
 * value); an exception that no frame catches is thrown out of `next()` and ends the stack.
 */
export class Frames<R> implements Iterator<Sched, R, void> {
  /** Callers, bottom (the root) first; the running frame is the last. */
  private readonly stack: Frame[]
  /**
   * The Sched returned last when it has a `then` (a one-point helper's work after its point), run
   * first at the next call; called as the point's method (the compiled form's points are objects
   * of a class, sim/kframe.ts SchedThen).
   */
  private point: Sched | undefined = undefined
  /** The result returned for a compiled frame's scheduling point (one per thread: read before the next call). */
  private readonly res: { value: Sched; done: false } = { value: undefined as unknown as Sched, done: false }

  constructor(root: KGen<R>) {
    this.stack = [root as Frame]
  }

  /** Number of frames (for tests: the kernel call depth). */
  get depth(): number {
    return this.stack.length
  }

  next(): IteratorResult<Sched, R> {
    const stack = this.stack
    if (stack.length === 0) return { value: undefined as R, done: true }
    let top = stack[stack.length - 1]!
    let input: unknown = undefined
    let failed = false
    let error: unknown = undefined
    const point = this.point
    if (point !== undefined) {
      this.point = undefined
      try {
        point.then!()
      } catch (e) {
        failed = true
        error = e
      }
    }
    for (;;) {
      if (top instanceof KFrame) {
        // A compiled frame (sim/kframe.ts): it has no try around a call, so an exception leaves it.
        let out: Sched | typeof CALLS | typeof DONE | typeof TAIL
        if (failed) out = DONE
        else {
          try {
            out = top.resume(top, input)
          } catch (e) {
            failed = true
            error = e
            out = DONE
          }
        }
        if (out === CALLS) {
          // Push the callee: a compiled frame starts at its resume; anything else (a generator, a
          // KCall) at its next(), below.
          top = top.callee as Frame
          stack.push(top)
          input = undefined
          continue
        }
        if (out === TAIL) {
          // `return yield* f()`: the callee takes the frame's place (its value is the frame's).
          top = top.callee as Frame
          stack[stack.length - 1] = top
          input = undefined
          continue
        }
        if (out === DONE) {
          stack.pop()
          if (stack.length === 0) {
            if (failed) throw error
            return { value: top.ret as R, done: true }
          }
          input = top.ret
          top = stack[stack.length - 1]!
          continue
        }
        if (out.then !== undefined) this.point = out
        const res = this.res
        res.value = out
        return res
      }
      let r: IteratorResult<unknown, unknown>
      try {
        r = failed ? top.throw!(error) : top.next(input)
      } catch (e) {
        // The top frame threw: its caller gets the exception at its yield*.
        stack.pop()
        if (stack.length === 0) throw e
        top = stack[stack.length - 1]!
        failed = true
        error = e
        continue
      }
      failed = false
      if (r.done === true) {
        if (stack.length === 1) {
          stack.pop()
          return r as IteratorResult<Sched, R>
        }
        // The top returned: resume its caller with the value.
        stack.pop()
        top = stack[stack.length - 1]!
        input = r.value
        continue
      }
      // A call request (the KCall itself, passed up by every yield* on the way): push the
      // callee, whose first step already ran, and look at what it yielded (a nested request
      // when it called another kernel function before its first scheduling point). A compiled
      // frame's request (sim/kframe.ts KFrame, from a generator's yield*) is the frame itself,
      // which has not started: it is pushed and run above.
      if (r instanceof KFrame) {
        top = r as unknown as Frame
        stack.push(top)
        input = undefined
        continue
      }
      while (r.value === CALL) {
        const c = r as unknown as KCall
        top = c.gen as Frame
        stack.push(top)
        r = c.first!
        if (r instanceof KFrame) break
      }
      if (r instanceof KFrame) {
        top = r as unknown as Frame
        stack.push(top)
        input = undefined
        continue
      }
      if ((r.value as Sched).then !== undefined) this.point = r.value as Sched
      return r as IteratorResult<Sched, R>
    }
  }

  [Symbol.iterator](): this {
    return this
  }
}

/** @root as a stack of frames (see Frames). */
export function frames<R>(root: KGen<R>): Frames<R> {
  return new Frames(root)
}

/**
 * Run @g to its end outside any schedule, handing each scheduling point to @onSched (which
 * returns normally to proceed or throws).
 */
export function runToEnd<R>(g: KGen<R>, onSched?: (s: Sched) => void): R {
  const f = new Frames(g)
  for (;;) {
    const r = f.next()
    if (r.done) return r.value
    if (onSched) onSched(r.value)
  }
}
