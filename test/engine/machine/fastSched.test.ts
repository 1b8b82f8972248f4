/**
 * The fast path writes `yield { ..., enabled: () => X }` out as
 * `__sched(), X || (__schedSettle(), X || __schedBlocked())` (scripts/gen-fast.mjs): one micro-step,
 * then the condition, then time may pass (settle), then the fast path stops. These tests hold a
 * spinlock by another task and check each branch on the generated spin_lock.
 */
import { describe, expect, it } from 'vitest'
import { createMachine } from '../../../main/engine/machine/Machine'
import { FastPathBlocked, fastKernelOf } from '../../../main/engine/machine/fast'
import { spin_lock } from '../../../main/engine/fast/kernel/kernel/locking'
import { fastRun } from '../../../main/engine/sim/kfunc.fast'
import { newSpinLock } from '../../../main/engine/kernel/kernel/locking'

function setup() {
  const m = createMachine({ replay: true, fast: true })
  const me = m.createTask({ comm: 'me' })
  const other = m.createTask({ comm: 'other' })
  const k = fastKernelOf(m)
  k.current = me as never
  return { m, k, me, other }
}

describe('fast path: a scheduling point with a condition', () => {
  it('takes a free lock in one micro-step, without settling', () => {
    const { k, me } = setup()
    const lock = newSpinLock('l')
    let settled = 0
    fastRun.step = 10
    fastRun.settle = () => { settled++ }
    try {
      spin_lock(k, lock as never)
    } finally {
      fastRun.settle = null
    }
    expect(lock.owner).toBe(me)
    expect(fastRun.step).toBe(11)
    expect(settled).toBe(0)
  })

  it('lets time pass once when the lock is held, and goes on if that released it', () => {
    const { k, me, other } = setup()
    const lock = newSpinLock('l')
    lock.owner = other
    let settled = 0
    fastRun.settle = () => { settled++; lock.owner = null }
    try {
      spin_lock(k, lock as never)
    } finally {
      fastRun.settle = null
    }
    expect(settled).toBe(1)
    expect(lock.owner).toBe(me)
  })

  it('stops with FastPathBlocked when the lock stays held', () => {
    const { k, other } = setup()
    const lock = newSpinLock('l')
    lock.owner = other
    let settled = 0
    fastRun.settle = () => { settled++ }
    try {
      expect(() => spin_lock(k, lock as never)).toThrow(FastPathBlocked)
    } finally {
      fastRun.settle = null
    }
    expect(settled).toBe(1)
    expect(lock.owner).toBe(other)
  })
})
