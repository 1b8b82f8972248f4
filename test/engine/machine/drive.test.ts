/**
 * The thread driver (machine/drive.ts) with trampolined kernel calls (sim/kfunc.ts KCall):
 * call and return through the stack of frames, exceptions thrown into the caller with its
 * try/finally run, calls that end before their first scheduling point, deep recursion, and the
 * trace events of traced calls in the same order as plain generator delegation; one-point helpers
 * (sim/context.ts SchedPoint), whose work after the point runs when the thread resumes.
 */
import { describe, expect, it } from 'vitest'
import { frames, runToEnd } from '../../../main/engine/machine/drive'
import { kfunc, KCall } from '../../../main/engine/sim/kfunc'
import type { KGen, Sched, SchedPoint } from '../../../main/engine/sim/context'
import { createMachine } from '../../../main/engine/machine/Machine'
import { newSpinLock, spin_lock, spin_unlock } from '../../../main/engine/kernel/kernel/locking'
import type { Kernel } from '../../../main/engine/kernel/include/kernel'
import { TraceLog } from '../../../main/engine/sim/trace'

const kernel = (trace: boolean): Kernel => ({ trace: new TraceLog(trace) }) as unknown as Kernel
const at = (what: string): Sched => ({ obj: 'x', w: true, what })

/** Every Sched the code yields, in order, and its return value. */
function drain<R>(g: KGen<R>): { steps: string[]; ret: R } {
  const steps: string[] = []
  const ret = runToEnd(g, (s) => steps.push(s.what))
  return { steps, ret }
}

const leaf = kfunc('leaf', function* (_k: Kernel, n: number): KGen<number> {
  yield at(`leaf ${n}`)
  return n * 2
})
const quiet = kfunc('quiet', function* (_k: Kernel, n: number): KGen<number> {
  return n + 1 // returns before any scheduling point
})
const mid = kfunc('mid', function* (k: Kernel, n: number): KGen<number> {
  const a = yield* quiet(k, n)
  yield at(`mid ${a}`)
  const b = yield* leaf(k, a)
  return b + (yield* quiet(k, 0))
})

describe('trampolined kernel calls', () => {
  it('return values reach the caller; a call without scheduling points takes no step', () => {
    for (const trace of [false, true]) {
      const k = kernel(trace)
      expect(drain(mid(k, 1))).toEqual({ steps: ['mid 2', 'leaf 2'], ret: 5 })
    }
  })

  it('a micro-step resumes only the top frame: the stack holds one frame per kernel call', () => {
    const k = kernel(false)
    const f = frames(mid(k, 1))
    expect(f.next().value).toMatchObject({ what: 'mid 2' })
    expect(f.depth).toBe(2) // the root call object, mid's body
    expect(f.next().value).toMatchObject({ what: 'leaf 2' })
    expect(f.depth).toBe(3) // ... and leaf's body
    const r = f.next()
    expect(r).toMatchObject({ done: true, value: 5 })
    expect(f.depth).toBe(0)
  })

  it('Sched records reach the driver unchanged (the objects the kernel code yields)', () => {
    const s = at('mine')
    const k = kernel(false)
    const inner = kfunc('inner', function* (): KGen<void> { yield s })
    const outer = kfunc('outer', function* (kk: Kernel): KGen<void> { yield* inner(kk) })
    expect(frames(outer(k)).next().value).toBe(s)
  })

  it('exceptions are thrown into the caller: its catch and finally run, at any depth', () => {
    const log: string[] = []
    const boom = kfunc('boom', function* (): KGen<number> {
      yield at('boom')
      throw new Error('bad')
    })
    const boomAtOnce = kfunc('boomAtOnce', function* (): KGen<number> {
      throw new Error('at once')
    })
    const guard = kfunc('guard', function* (k: Kernel, f: (k: Kernel) => KGen<number>): KGen<number> {
      try {
        return yield* f(k)
      } finally {
        log.push('guard finally')
      }
    })
    const top = kfunc('top', function* (k: Kernel): KGen<string> {
      const out: string[] = []
      for (const f of [boom, boomAtOnce]) {
        try {
          yield* guard(k, f)
        } catch (e) {
          out.push((e as Error).message)
        }
      }
      yield at('after')
      return out.join(',')
    })
    const k = kernel(true)
    expect(drain(top(k))).toEqual({ steps: ['boom', 'after'], ret: 'bad,at once' })
    expect(log).toEqual(['guard finally', 'guard finally'])
    // Uncaught: out of next(), and the stack is over.
    const f = frames(guard(kernel(false), boom))
    f.next()
    expect(() => f.next()).toThrow('bad')
    expect(f.next()).toMatchObject({ done: true })
  })

  it('plain generator helpers called by yield* (not kfuncs) still nest inside a frame', () => {
    const k = kernel(false)
    function* helper(n: number): KGen<number> {
      yield at(`helper ${n}`)
      return (yield* leaf(k, n)) + 1
    }
    const f = kfunc('f', function* (): KGen<number> {
      return yield* helper(3)
    })
    expect(drain(f(k))).toEqual({ steps: ['helper 3', 'leaf 3'], ret: 7 })
  })

  it('deep recursion: 20,000 nested calls, no JavaScript stack growth per step', () => {
    const k = kernel(false)
    const rec: (k: Kernel, n: number) => KGen<number> = kfunc('rec', function* (kk: Kernel, n: number): KGen<number> {
      if (n === 0) return 0
      yield at('down')
      const r = yield* rec(kk, n - 1)
      return r + 1
    })
    const f = frames(rec(k, 20_000))
    let steps = 0
    let r = f.next()
    let deepest = 0
    while (!r.done) { steps++; deepest = Math.max(deepest, f.depth); r = f.next() }
    expect(r.value).toBe(20_000)
    expect(steps).toBe(20_000)
    expect(deepest).toBe(20_001)
  })

  it('traced calls emit enter and exit in the order plain delegation did', () => {
    const k = kernel(true)
    drain(mid(k, 1))
    expect(k.trace.events.map((e) => (e.e === 'enter' ? `> ${e.fn}` : e.e === 'exit' ? `< ${e.fn} ${String(e.ret)}` : e.e))).toEqual([
      '> mid', '> quiet', '< quiet 2', '> leaf', '< leaf 4', '> quiet', '< quiet 1', '< mid 5',
    ])
  })

  it('a kernel call is a KCall: its own iterator, driven by any trampolining driver', () => {
    const c = leaf(kernel(false), 1) as unknown as KCall<number>
    expect(c).toBeInstanceOf(KCall)
    expect(c[Symbol.iterator]()).toBe(c)
  })
})

describe('one-point helpers (yield helper(...): the work after the point runs when the thread resumes)', () => {
  /** A one-point helper that logs before its point and, as `then`, after it. */
  const point = (log: string[], name: string, fail = false): SchedPoint => {
    log.push(`${name} before`)
    return { obj: name, w: true, what: name, then: () => {
      log.push(`${name} after`)
      if (fail) throw new Error(`${name} failed`)
    } }
  }

  it('then runs at the next resume, before the frame that yielded the point goes on', () => {
    const log: string[] = []
    const k = kernel(false)
    const inner = kfunc('inner', function* (): KGen<number> {
      yield point(log, 'p1')
      log.push('inner after p1')
      yield point(log, 'p2')
      return 7
    })
    const outer = kfunc('outer', function* (kk: Kernel): KGen<number> {
      const r = yield* inner(kk) // p2's then runs before inner returns to here
      log.push('outer got ' + r)
      yield point(log, 'p3')
      return r
    })
    const f = frames(outer(k))
    expect(f.next().value).toMatchObject({ what: 'p1' })
    expect(log).toEqual(['p1 before']) // nothing after the point yet
    expect(f.next().value).toMatchObject({ what: 'p2' })
    expect(log).toEqual(['p1 before', 'p1 after', 'inner after p1', 'p2 before'])
    expect(f.next().value).toMatchObject({ what: 'p3' })
    expect(log.slice(4)).toEqual(['p2 after', 'outer got 7', 'p3 before'])
    expect(f.next()).toMatchObject({ done: true, value: 7 })
    expect(log.slice(7)).toEqual(['p3 after'])
  })

  it('an exception from then is thrown into the frame at its yield: catch and finally run', () => {
    const log: string[] = []
    const k = kernel(false)
    const callee = kfunc('callee', function* (): KGen<void> {
      try {
        yield point(log, 'bad', true)
        log.push('not reached')
      } finally {
        log.push('callee finally')
      }
    })
    const caller = kfunc('caller', function* (kk: Kernel): KGen<string> {
      try {
        yield* callee(kk)
      } catch (e) {
        yield point(log, 'after catch')
        return (e as Error).message
      }
      return 'no exception'
    })
    expect(drain(caller(k))).toEqual({ steps: ['bad', 'after catch'], ret: 'bad failed' })
    expect(log).toEqual(['bad before', 'bad after', 'callee finally', 'after catch before', 'after catch after'])
    // Uncaught: out of next(), and the stack is over.
    const f = frames(callee(k))
    f.next()
    expect(() => f.next()).toThrow('bad failed')
    expect(f.next()).toMatchObject({ done: true })
  })

  it('a blocked point: the thread waits there, and its then (taking the lock) runs only when it is resumed', () => {
    const m = createMachine({ trace: false })
    const lock = newSpinLock('demo_lock')
    const order: string[] = []
    m.spawnKthread('a', function* (k) {
      yield spin_lock(k, lock)
      order.push(`a holds ${lock.owner?.comm}`)
      yield { obj: 'x', w: true, what: 'a works' }
      yield spin_unlock(k, lock)
      order.push(`a released: ${lock.owner === null}`)
    }, 200)
    m.spawnKthread('b', function* (k) {
      yield spin_lock(k, lock)
      order.push(`b holds ${lock.owner?.comm}`)
      yield spin_unlock(k, lock)
    }, 201)
    // a takes the lock (its point, then its then at its next step), b reaches its point and waits
    m.step(200) // a: from its start to its spin_lock point
    m.step(201) // b: the same
    expect(lock.owner).toBe(null) // both at the point; neither then has run
    m.step(200) // a's then: a holds it; a at 'a works'
    expect(lock.owner?.comm).toBe('a')
    expect(m.isEnabled(m.thread(201)!)).toBe(false)
    expect(() => m.step(201)).toThrow('blocked')
    m.step(200) // a at spin_unlock (its then not run yet: still held)
    expect(lock.owner?.comm).toBe('a')
    expect(m.isEnabled(m.thread(201)!)).toBe(false)
    m.step(200) // a's unlock runs
    expect(lock.owner).toBe(null)
    expect(m.isEnabled(m.thread(201)!)).toBe(true)
    m.run()
    expect(order).toEqual(['a holds a', 'a released: true', 'b holds b'])
    expect(m.violations).toEqual([])
  })
})
