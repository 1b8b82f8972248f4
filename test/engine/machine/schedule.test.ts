/**
 * The machine's schedule record and its run loop: `schedule` lists the thread of every micro-step
 * (kept as runs of one thread, written out when read), whether the steps came from run() under
 * either policy, a given schedule, or step() one at a time; run() stops exactly at `until` and at
 * the step budget, and counts preemptions as before.
 */
import { describe, expect, it } from 'vitest'
import { createMachine, type Machine, type UserApi } from '../../../main/engine'

function twoProcesses(): Machine {
  const m = createMachine({ trace: false })
  const body = function* (u: UserApi) {
    const fd = yield* u.sys('open', '/tmp/f', 0o102, 0o644)
    for (let i = 0; i < 3; i++) yield* u.sys('close', yield* u.sys('dup', fd))
  }
  m.spawnProcess({ comm: 'a', program: body })
  m.spawnProcess({ comm: 'b', program: body })
  return m
}

/** The same steps taken one at a time with step(), recording the thread of each. */
function stepByStep(choose: (m: Machine) => number): { m: Machine; seen: number[] } {
  const m = twoProcesses()
  const seen: number[] = []
  for (;;) {
    const en = m.enabled()
    if (en.length === 0) break
    const tid = choose(m)
    m.step(tid)
    seen.push(tid)
  }
  return { m, seen }
}

describe('the schedule record', () => {
  it('lists the thread of every step, read at any moment, as the same growing array', () => {
    const { m, seen } = stepByStep((mm) => {
      const en = mm.enabled()
      // switch often: the user thread with the lower count of steps so far
      return en[mm.stepNo % en.length]!.tid
    })
    expect(m.schedule).toEqual(seen)
    expect(m.schedule.length).toBe(m.stepNo)

    const m2 = twoProcesses()
    m2.run({ until: 7 })
    const early = m2.schedule
    expect(early.length).toBe(7)
    m2.run({ until: 40, policy: 'round-robin' })
    expect(m2.schedule).toBe(early) // the same array, brought up to date
    expect(early.length).toBe(40)
    m2.run()
    expect(m2.schedule.length).toBe(m2.stepNo)
  })

  it('replaying the recorded schedule gives the same schedule, preemptions and results', () => {
    for (const policy of ['sequential', 'round-robin'] as const) {
      const a = twoProcesses()
      expect(a.run({ policy }).status).toBe('done')
      const b = twoProcesses()
      expect(b.run({ schedule: a.schedule }).status).toBe('done')
      expect(b.schedule).toEqual(a.schedule)
      expect(b.preemptions).toBe(a.preemptions)
      expect(b.threads.map((t) => t.results)).toEqual(a.threads.map((t) => t.results))
    }
  })

  it('run() stops exactly at until and at the step budget, even inside a long run of one thread', () => {
    const a = twoProcesses()
    expect(a.run({ until: 13 }).status).toBe('paused')
    expect(a.stepNo).toBe(13)
    expect(a.run({ until: 13 }).status).toBe('paused')
    expect(a.stepNo).toBe(13)
    const b = twoProcesses()
    expect(b.run({ maxSteps: 21 })).toMatchObject({ status: 'budget', steps: 21 })
    expect(b.run({ maxSteps: 22, until: 30 })).toMatchObject({ status: 'budget', steps: 22 })
    const c = twoProcesses()
    const full = c.run()
    const d = twoProcesses()
    d.run({ until: 5 })
    d.run({ until: 50 })
    expect(d.run()).toMatchObject({ status: full.status, steps: full.steps })
    expect(d.schedule).toEqual(c.schedule)
    expect(d.preemptions).toBe(c.preemptions)
  })
})
