/**
 * Bad input to any system call (negative fds, unknown flags, out-of-range values, wrong types)
 * gets an errno, never an exception, and leaves the tables consistent.
 */
import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import { createMachine } from '../../../main/engine'
import { SYSCALLS, type SysArg } from '../../../main/engine/kernel/syscalls'
import { checkInvariants } from '../../../main/engine/machine/invariants'

const names = Object.keys(SYSCALLS).filter((n) => n !== 'wait4') // wait4 with no child is ECHILD; covered below
const argArb: fc.Arbitrary<SysArg> = fc.oneof(
  fc.integer({ min: -5, max: 70 }),
  fc.constantFrom(-1, 0x7fffffff, 0xffffffff, 4294967295, -2147483648, 2 ** 40, 1024, 1048576, Number.MAX_SAFE_INTEGER),
  fc.integer(),
  fc.constantFrom('/tmp/x', '', '/nonexistent/y', '/dev/null', '/tmp', 'relative'),
  fc.constant(null),
  fc.constant(undefined),
  fc.constant(new Uint8Array(3)),
  fc.constant(new Int32Array(2)),
  fc.record({ l_type: fc.integer({ min: -1, max: 3 }), l_whence: fc.integer({ min: -1, max: 3 }), l_start: fc.integer({ min: -10, max: 10 }), l_len: fc.integer({ min: -10, max: 10 }), l_pid: fc.integer({ min: -1, max: 2 }) }),
)

describe('bad input', () => {
  it('random calls with random arguments never throw, in both profiles', () => {
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.constantFrom(...names), fc.array(argArb, { maxLength: 5 })), { minLength: 1, maxLength: 12 }),
      fc.constantFrom('6.5', '6.18'),
      (calls, profile) => {
        const m = createMachine({ profile, trace: false, checkInvariants: true })
        const rets: number[] = []
        m.spawnProcess({ comm: 'fuzz', program: function* (u) {
          for (const [name, args] of calls) rets.push(yield* u.sys(name, ...args))
        } })
        const r = m.run({ maxSteps: 200_000 })
        expect(['done', 'blocked']).toContain(r.status)
        for (const v of rets) expect(Number.isFinite(v)).toBe(true)
        expect(checkInvariants(m)).toBe(0)
      }), { numRuns: Number(process.env.FDLAB_FUZZ_RUNS ?? 300) })
  })
  it('fds arrive as unsigned int: -1 is 4294967295, out of range, EBADF', () => {
    const m = createMachine()
    const out: number[] = []
    m.spawnProcess({ comm: 'p', program: function* (u) {
      for (const c of ['close', 'dup', 'fcntl', 'read', 'ioctl']) out.push(yield* u.sys(c, -1, 1, 1))
      out.push(yield* u.sys('no_such_call'))
    } })
    m.run()
    expect(out).toEqual([-9, -9, -9, -9, -9, -38])
  })
})
