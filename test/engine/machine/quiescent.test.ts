/**
 * Machine.quiescent(): no user thread inside the kernel and every system thread parked at its
 * wait point (Sched.idle). The invariant checks run only there (checkInvariants).
 */
import { describe, it, expect } from 'vitest'
import { createMachine } from '../../../main/engine'
import { O_CREAT, O_RDWR } from '../../../main/engine/kernel/include/flags'

describe('Machine.quiescent', () => {
  it('holds with every system thread at its wait point, not while one runs a work or a user thread is in the kernel', () => {
    const m = createMachine({ profile: '6.18' })
    m.spawnProcess({ comm: 'p', program: function* (u) {
      const fd = yield* u.sys('open', '/tmp/q', O_RDWR | O_CREAT, 0o644)
      yield* u.sys('close', fd)
    } })
    const system = m.threads.filter((t) => t.kind === 'system')
    expect(system.map((t) => t.task.comm).length).toBeGreaterThanOrEqual(2)
    let sawUserInKernel = false
    let sawSystemAtWork = false
    // Run the user thread first, then the system threads, one step at a time.
    for (let n = 0; n < 10_000; n++) {
      const en = m.enabled()
      if (en.length === 0) break
      const th = en.find((t) => t.kind !== 'system') ?? en[0]!
      m.step(th.tid)
      const userIn = m.threads.some((t) => !t.done && t.kind !== 'system' && t.task.in_kernel)
      const sysBusy = m.threads.some((t) => t.kind === 'system' && t.pending !== null && !t.pending.idle)
      sawUserInKernel ||= userIn
      sawSystemAtWork ||= sysBusy && !userIn
      expect(m.quiescent()).toBe(!userIn && !sysBusy)
    }
    expect(sawUserInKernel).toBe(true)
    // close() of the last reference frees the file after a grace period: the RCU thread works.
    expect(sawSystemAtWork).toBe(true)
    // At the end every system thread is parked at its wait point.
    for (const t of system) expect(t.pending?.idle, `${t.task.comm}: ${t.pending?.what}`).toBe(true)
    expect(m.quiescent()).toBe(true)
  })
})
