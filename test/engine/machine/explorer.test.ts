/**
 * The explorer: every distinct outcome and violation of a race, over all interleavings; partial-
 * order reduction proved by counting against the naive enumeration.
 */
import { describe, it, expect } from 'vitest'
import { createMachine, type Machine } from '../../../main/engine'
import { explore, encodeSchedule, decodeSchedule } from '../../../main/engine/machine/explorer'
import type { File } from '../../../main/engine/kernel/include/types'
import { get_file, file_ref_get } from '../../../main/engine/kernel/include/file_ref'
import { fput, file_free, alloc_empty_file } from '../../../main/engine/kernel/fs/file_table'
import { call_rcu, rcu_read_lock, rcu_read_unlock } from '../../../main/engine/kernel/kernel/rcupdate'
import type { CallbackHead } from '../../../main/engine/kernel/include/types'
import type { KGen } from '../../../main/engine/sim/context'
import { CLONE_FILES, CLONE_THREAD, CLONE_SIGHAND, CLONE_VM, O_RDWR, O_CREAT } from '../../../main/engine/kernel/include/flags'

const THREAD = CLONE_VM | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD

/** Thread A reads fd 3 while thread B closes it (the table is shared). */
function closeVsRead(variants: { files_count_too_low?: boolean } = {}, profile = '6.18'): () => Machine {
  return () => {
    const m = createMachine({ trace: false, profile, variants })
    m.spawnProcess({ comm: 'racer', program: function* (u) {
      yield* u.sys('open', '/tmp/r', O_RDWR | O_CREAT, 0o644)
      yield* u.sys('clone', { flags: THREAD, program: function* (t) { yield* t.sys('close', 3) } })
      yield* u.sys('read', 3, new Uint8Array(1))
    } })
    return m
  }
}

/** Two threads dup2 different files onto fd 5. */
function dup2Race(): () => Machine {
  return () => {
    const m = createMachine({ trace: false })
    m.spawnProcess({ comm: 'racer', program: function* (u) {
      yield* u.sys('open', '/tmp/a', O_RDWR | O_CREAT, 0o644)
      yield* u.sys('open', '/tmp/b', O_RDWR | O_CREAT, 0o644)
      yield* u.sys('clone', { flags: THREAD, program: function* (t) { yield* t.sys('dup2', 3, 5) } })
      yield* u.sys('dup2', 4, 5)
    } })
    return m
  }
}

/** A lookup's file_ref_get racing the last fput of the same file, from two kernel threads. */
function getVsPut(): () => Machine {
  return () => {
    const m = createMachine({ trace: false })
    let f: File | null = null
    m.spawnProcess({ comm: 'setup', program: function* (u) {
      yield* u.sys('open', '/tmp/g', O_RDWR | O_CREAT, 0o644)
      f = u.task.files!.fdt.fd[3]!
      yield* get_file(u.k, f) // a pin that outlives the process
    } })
    m.run()
    const getter = m.spawnKthread('getter', function* (k) {
      const got = yield* file_ref_get(k, f!)
      m.thread(getter.pid)!.results.push({ name: 'file_ref_get', ret: got ? 1 : 0 })
      if (got) yield* fput(k, f!)
    })
    m.spawnKthread('putter', function* (k) { yield* fput(k, f!) })
    return m
  }
}

/** A machine whose system threads have started (so the naive enumeration stays small). */
function started(profile: string): Machine {
  const m = createMachine({ trace: false, profile })
  m.run()
  return m
}

/**
 * Thread `a` queues callbacks A and B, then looks at what has run; the rcu thread invokes them
 * when due (at once: no reader). What `a` saw is part of the outcome.
 */
function rcuQueue(): () => Machine {
  return () => {
    const m = started('6.5')
    const ran: string[] = []
    const head = (): CallbackHead => ({ next: null, func: null, container: null })
    // The callbacks and the observers reach `ran` through steps of their own (shared state).
    const cb = (name: string) => function* (): KGen<void> { yield { obj: 'ran', w: true, what: 'run' }; ran.push(name) }
    const look = function* (): KGen<string> { yield { obj: 'ran', w: false, what: 'look' }; return ran.join('') }
    const a = m.spawnKthread('a', function* (k) {
      yield* call_rcu(k, head(), cb('A'), 'A')
      yield* call_rcu(k, head(), cb('B'), 'B')
      m.thread(a.pid)!.results.push({ name: `saw ${yield* look()}`, ret: 0 })
    })
    return Object.assign(m, { ran })
  }
}

/**
 * A reader's RCU read-side section against a callback queued by another thread: the reader looks
 * twice inside its section, the callback may run only when no section that began before it was
 * queued is still open. The reader's own points (rcu:PID) and the grace period's (rcu.gp) depend
 * on each other (explorer.ts dependent()): the reduction must keep their orders apart.
 */
function readerVsCallback(): () => Machine {
  return () => {
    const m = started('6.5')
    const ran: string[] = []
    const seen: string[] = []
    const look = function* (): KGen<void> { yield { obj: 'ran', w: false, what: 'look' }; seen.push(ran.join('') || '-') }
    m.spawnKthread('reader', function* (k) {
      yield rcu_read_lock(k)
      yield* look()
      yield* look()
      yield rcu_read_unlock(k)
    })
    m.spawnKthread('a', function* (k) {
      yield* call_rcu(k, { next: null, func: null, container: null }, function* (): KGen<void> { yield { obj: 'ran', w: true, what: 'run' }; ran.push('A') }, 'A')
    })
    return Object.assign(m, { ran, seen })
  }
}

/**
 * 6.5: a kthread frees two files (each free counts down, then queues the RCU callback that returns
 * the memory to the cache) and allocates one: which struct file it gets depends on where the rcu
 * thread's callbacks fall.
 */
function freeVsAlloc(): () => Machine {
  return () => {
    const m = createMachine({ trace: false, profile: '6.5' })
    const files: File[] = []
    m.spawnProcess({ comm: 'setup', program: function* (u) {
      yield* u.sys('open', '/tmp/f', O_RDWR | O_CREAT, 0o644)
      yield* u.sys('open', '/tmp/g', O_RDWR | O_CREAT, 0o644)
      files.push(u.task.files!.fdt.fd[3]!, u.task.files!.fdt.fd[4]!)
    } })
    m.run()
    const a = m.spawnKthread('a', function* (k) {
      yield* file_free(k, files[0]!)
      yield* file_free(k, files[1]!)
      const f = yield* alloc_empty_file(k, 0)
      m.thread(a.pid)!.results.push({ name: `alloc ${typeof f === 'number' ? f : f.id}`, ret: 0 })
    })
    return m
  }
}

describe('explorer', () => {
  it('close racing read on a shared table: read sees the file or EBADF, never a violation', () => {
    const r = explore(closeVsRead())
    expect(r.complete).toBe(true)
    const reads = new Set(r.outcomes.map((o) => o.threads.find((t) => t.results.some((x) => x.startsWith('read')))!.results.find((x) => x.startsWith('read'))))
    expect(reads).toEqual(new Set(['read=0', 'read=-9']))
    expect(r.violations).toEqual([])
  })

  it('the count-too-low variant lets fdget borrow on a shared table: some interleaving breaks V2', () => {
    const r = explore(closeVsRead({ files_count_too_low: true }))
    expect(r.violations.map((v) => v.rule)).toContain('V2')
    // ...and its schedule replays to the same finding
    const v = r.violations.find((x) => x.rule === 'V2')!
    const m = closeVsRead({ files_count_too_low: true })()
    m.run({ schedule: v.schedule })
    expect(m.violations.some((x) => x.rule === 'V2')).toBe(true)
  })

  it('partial-order reduction finds the same outcomes as the naive enumeration, with fewer runs', () => {
    const naive = explore(getVsPut(), { por: false })
    const por = explore(getVsPut())
    expect(naive.complete && por.complete).toBe(true)
    expect(por.outcomes.map((o) => o.key)).toEqual(naive.outcomes.map((o) => o.key))
    expect(por.violations.map((v) => v.message)).toEqual(naive.violations.map((v) => v.message))
    expect(por.outcomes.length).toBeGreaterThan(1)
    expect(por.runs).toBeLessThan(naive.runs)
  }, 300_000) // the naive enumeration takes about 12 s of CPU: room for a machine shared by other work

  it('the RCU callback queue (call_rcu against the rcu thread) reduces soundly: same outcomes as the naive enumeration', () => {
    const ranKey = (m: Machine): string => (m as Machine & { ran: string[] }).ran.join('')
    const naive = explore(rcuQueue(), { por: false, outcomeKey: ranKey })
    const por = explore(rcuQueue(), { outcomeKey: ranKey })
    expect(naive.complete && por.complete).toBe(true)
    expect(por.outcomes.map((o) => o.key)).toEqual(naive.outcomes.map((o) => o.key))
    expect(naive.outcomes.length).toBe(3) // a saw nothing, A, or AB
    expect(por.runs).toBeLessThan(naive.runs)
  })

  it('an RCU reader against a queued callback reduces soundly: same outcomes as the naive enumeration', () => {
    const key = (m: Machine): string => `${(m as Machine & { seen: string[] }).seen.join(',')}|${(m as Machine & { ran: string[] }).ran.join('')}`
    const naive = explore(readerVsCallback(), { por: false, outcomeKey: key })
    const por = explore(readerVsCallback(), { outcomeKey: key })
    expect(naive.complete && por.complete).toBe(true)
    expect(por.outcomes.map((o) => o.key)).toEqual(naive.outcomes.map((o) => o.key))
    // The callback ran before the section (A,A), after it (-,-), or between the looks (-,A): only
    // when it was queued before the section began, a grace period that needs not wait for it.
    expect(naive.outcomes.map((o) => JSON.parse(o.key).extra as string).sort()).toEqual(['-,-|A', '-,A|A', 'A,A|A'])
    expect(por.runs).toBeLessThan(naive.runs)
  })

  it('6.5 frees (count, then the RCU callback that returns the memory) against an allocation: same outcomes as naive', () => {
    const naive = explore(freeVsAlloc(), { por: false })
    const por = explore(freeVsAlloc())
    expect(naive.complete && por.complete).toBe(true)
    expect(por.outcomes.map((o) => o.key)).toEqual(naive.outcomes.map((o) => o.key))
    expect(por.violations.map((v) => v.message)).toEqual(naive.violations.map((v) => v.message))
    const allocs = new Set(naive.outcomes.map((o) => o.threads.flatMap((t) => t.results).find((r) => r.startsWith('alloc'))))
    expect(allocs.size).toBeGreaterThan(1)
    expect(por.runs).toBeLessThan(naive.runs)
  })

  it('dup2 racing dup2 onto one fd: both orders, no violation', () => {
    const r = explore(dup2Race())
    expect(r.complete).toBe(true)
    expect(r.violations).toEqual([])
    expect(r.outcomes.length).toBeGreaterThanOrEqual(1)
  })

  it('a preemption bound of 0 explores only the non-preemptive schedules', () => {
    const all = explore(closeVsRead())
    const b0 = explore(closeVsRead(), { bound: 0 })
    expect(b0.runs).toBeLessThan(all.runs)
    expect(b0.outcomes.length).toBeGreaterThan(0)
  })

  it('can be stopped and reports progress', () => {
    let calls = 0
    const r = explore(closeVsRead(), { por: false, progressEvery: 1, onProgress: () => { calls++ }, shouldStop: () => calls > 20 })
    expect(r.complete).toBe(false)
    expect(r.stoppedBy).toBe('stopped')
    expect(calls).toBeGreaterThan(0)
  })

  it('explores a schedule far deeper than the JavaScript stack (no recursion per step)', () => {
    // 12,000 dup+close pairs: over 100,000 micro-steps in one schedule, with a second process
    // so that the search has a choice at every step. A recursive search overflows the stack here.
    const loops = 12_000
    const factory = (): Machine => {
      const m = createMachine({ trace: false })
      m.spawnProcess({ comm: 'deep', program: function* (u) {
        const fd = yield* u.sys('open', '/tmp/deep', O_RDWR | O_CREAT, 0o644)
        for (let i = 0; i < loops; i++) yield* u.sys('close', yield* u.sys('dup', fd))
      } })
      m.spawnProcess({ comm: 'other', program: function* (u) { yield* u.sys('open', '/tmp/other', O_RDWR | O_CREAT, 0o644) } })
      return m
    }
    const r = explore(factory, { maxSteps: 10_000_000, maxRuns: 2 })
    expect(r.outcomes.every((o) => o.status === 'done')).toBe(true)
    expect(r.runs).toBeGreaterThanOrEqual(1)
    const longest = Math.max(...r.outcomes.map((o) => o.schedule.length))
    expect(longest).toBeGreaterThan(100_000)
    // the same at the step budget: the run that stops there is a 'budget' outcome, not a crash
    const b = explore(factory, { maxSteps: 50_000, maxRuns: 2 })
    expect(b.outcomes.map((o) => o.status)).toContain('budget')
    expect(b.outcomes.some((o) => o.status === 'error')).toBe(false)
  })

  it('schedules round-trip through their text form', () => {
    const s = [100, 100, 100, 101, 100, 100]
    expect(encodeSchedule(s)).toBe('v1:100*3,101,100*2')
    expect(decodeSchedule(encodeSchedule(s))).toEqual(s)
    expect(decodeSchedule('v9:1')).toHaveProperty('error')
    expect(decodeSchedule('garbage')).toHaveProperty('error')
  })
})
