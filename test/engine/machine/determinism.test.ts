/**
 * Same input and same schedule give the same trace, bit for bit; machines share no state.
 */
import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import { createMachine, type Machine, type UserApi } from '../../../main/engine'
import { formatFunctionGraph } from '../../../main/engine/machine/format'
import { checkInvariants } from '../../../main/engine/machine/invariants'
import { CLONE_FILES, CLONE_THREAD, CLONE_SIGHAND, CLONE_VM, O_RDWR, O_CREAT, O_CLOEXEC } from '../../../main/engine/kernel/include/flags'

const THREAD = CLONE_VM | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD
type Call = [string, ...number[]]

function scenario(calls: Call[], profile: string, threads: boolean): Machine {
  const m = createMachine({ profile, checkInvariants: true })
  const body = function* (u: UserApi, list: Call[]) {
    for (const [name, ...args] of list) {
      if (name === 'open') yield* u.sys('open', `/tmp/f${args[0]}`, O_RDWR | O_CREAT | (args[1] ? O_CLOEXEC : 0), 0o644)
      else if (name === 'pipe') yield* u.sys('pipe2', new Int32Array(2), args[0] ? O_CLOEXEC : 0)
      else yield* u.sys(name, ...args)
    }
  }
  m.spawnProcess({ comm: 'p', program: function* (u) {
    if (threads) yield* u.sys('clone', { flags: THREAD, program: (t) => body(t, calls.slice(0, calls.length >> 1)) })
    yield* body(u, threads ? calls.slice(calls.length >> 1) : calls)
  } })
  return m
}

const callArb: fc.Arbitrary<Call> = fc.oneof(
  fc.tuple(fc.constant('open'), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 1 })),
  fc.tuple(fc.constant('close'), fc.integer({ min: -2, max: 70 })),
  fc.tuple(fc.constant('dup'), fc.integer({ min: 0, max: 8 })),
  fc.tuple(fc.constant('dup2'), fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 140 })),
  fc.tuple(fc.constant('dup3'), fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 8 }), fc.constantFrom(0, O_CLOEXEC, 1)),
  fc.tuple(fc.constant('fcntl'), fc.integer({ min: 0, max: 8 }), fc.constantFrom(0, 1, 2, 3, 1030), fc.integer({ min: -1, max: 100 })),
  fc.tuple(fc.constant('close_range'), fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 200 }), fc.constantFrom(0, 2, 4, 1)),
  fc.tuple(fc.constant('pipe'), fc.integer({ min: 0, max: 1 })),
  fc.tuple(fc.constant('unshare'), fc.constant(CLONE_FILES)),
) as fc.Arbitrary<Call>

describe('determinism and invariants', () => {
  it('the same scenario gives the same trace twice, in both profiles', () => {
    const calls: Call[] = [['open', 1, 0], ['dup2', 3, 9], ['pipe', 1], ['close', 3], ['close_range', 4, 100, 0]]
    for (const profile of ['6.5', '6.18']) {
      const a = scenario(calls, profile, true); a.run({ policy: 'round-robin' })
      const b = scenario(calls, profile, true); b.run({ policy: 'round-robin' })
      expect(formatFunctionGraph(b.k.trace.events)).toEqual(formatFunctionGraph(a.k.trace.events))
      expect(JSON.stringify(b.snapshot())).toEqual(JSON.stringify(a.snapshot()))
    }
  })
  it('a recorded schedule replays the same run', () => {
    const calls: Call[] = [['open', 1, 0], ['dup', 3], ['close', 3], ['open', 2, 1]]
    const a = scenario(calls, '6.18', true); a.run({ policy: 'round-robin' })
    const b = scenario(calls, '6.18', true); b.run({ schedule: a.schedule })
    expect(b.schedule).toEqual(a.schedule)
    expect(formatFunctionGraph(b.k.trace.events)).toEqual(formatFunctionGraph(a.k.trace.events))
  })
  it('random syscall sequences, one or two threads, either profile: invariants hold, nothing throws, no violation', () => {
    fc.assert(fc.property(fc.array(callArb, { maxLength: 25 }), fc.constantFrom('6.5', '6.18'), fc.boolean(), fc.constantFrom('sequential', 'round-robin'), (calls, profile, threads, policy) => {
      const m = scenario(calls, profile, threads)
      const r = m.run({ policy: policy as 'sequential' })
      expect(r.status).toBe('done')
      expect(checkInvariants(m)).toBe(0)
      expect(m.violations.filter((v) => v.severity === 'violation')).toEqual([])
      // every struct file was torn down exactly once and freed
      for (const f of m.k.filp_cache.all) expect(f.mem === 'free' || f.mem === 'rcu_free').toBe(true)
    }), { numRuns: 150 })
  })
})
