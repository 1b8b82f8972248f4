/**
 * The fast path (scripts/gen-fast.mjs derives it from the kernel source) gives the same trace as
 * the stepped engine, event for event, for single-threaded runs, in both profiles.
 */
import { describe, it, expect } from 'vitest'
import { createMachine, type Machine } from '../../../main/engine'
import { runFast, FastPathBlocked } from '../../../main/engine/machine/fast'
import { formatFunctionGraph } from '../../../main/engine/machine/format'
import { O_RDWR, O_CREAT, O_CLOEXEC, F_SETLK, F_WRLCK, SEEK_SET, CLOSE_RANGE_CLOEXEC } from '../../../main/engine/kernel/include/flags'
import type { SysArg } from '../../../main/engine/kernel/syscalls'

type Call = () => [string, ...SysArg[]]
const script: Call[] = [
  () => ['open', '/tmp/a', O_RDWR | O_CREAT, 0o644],
  () => ['open', '/tmp/b', O_RDWR | O_CREAT | O_CLOEXEC, 0o644],
  () => ['dup', 3],
  () => ['dup2', 3, 70],
  () => ['fcntl', 3, F_SETLK, { l_type: F_WRLCK, l_whence: SEEK_SET, l_start: 0, l_len: 10, l_pid: 0 }],
  () => ['open', '/tmp/a', O_RDWR],
  () => ['close', 7],
  () => ['pipe2', new Int32Array(2), O_CLOEXEC],
  () => ['write', 8, new Uint8Array([1, 2, 3])],
  () => ['read', 7, new Uint8Array(2)],
  () => ['close', 3],
  () => ['close', 3],
  () => ['close_range', 4, 6, CLOSE_RANGE_CLOEXEC],
  () => ['dup2', 70, 4],
  () => ['close_range', 0, 200, 0],
]

function stepped(profile: string): Machine {
  const m = createMachine({ profile })
  m.spawnProcess({ comm: 'p', program: function* (u) { for (const c of script) { const [n, ...a] = c(); yield* u.sys(n, ...a) } } })
  m.run()
  return m
}
function fast(profile: string): Machine {
  const m = createMachine({ profile })
  runFast(m, { comm: 'p', program: (sys) => { for (const c of script) { const [n, ...a] = c(); sys(n, ...a) } } })
  m.run()
  return m
}

describe('fast path', () => {
  it('refuses to wait for another thread (a read on an empty pipe with a writer)', () => {
    const m = createMachine()
    expect(() => runFast(m, { comm: 'p', program: (sys) => {
      const fds = new Int32Array(2)
      sys('pipe', fds)
      sys('read', fds[0]!, new Uint8Array(1))
    } })).toThrow(FastPathBlocked)
  })
  for (const profile of ['6.5', '6.18']) {
    it(`${profile}: identical function_graph trace, step numbers and final snapshot`, () => {
      const a = stepped(profile)
      const b = fast(profile)
      expect(b.k.trace.events.length).toBeGreaterThan(500)
      expect(formatFunctionGraph(b.k.trace.events)).toEqual(formatFunctionGraph(a.k.trace.events))
      expect(b.stepNo).toBe(a.stepNo)
      const view = (m: Machine) => { const s = m.snapshot(); return JSON.stringify({ ...s, threads: s.threads.filter((t) => t.kind === 'system') }, null, 1) }
      expect(view(b)).toEqual(view(a))
      expect(b.violations).toEqual(a.violations)
    })
  }
})

describe('the terminal of a fast-path process', () => {
  // fds 0-2 refer to the terminal file, opened at boot. Opened by the stepped form, its f_op was
  // the stepped form's, and a fast-path write(1) returned a generator object instead of a count.
  it('runFast: write(1) and read(0) return counts; closing the terminal runs its release', () => {
    const m = createMachine({ trace: true })
    const got: number[] = []
    runFast(m, { comm: 'tty', program: (sys) => {
      got.push(sys('write', 1, new Uint8Array(3)), sys('close', 0), sys('close', 1), sys('close', 2))
      return 0
    } })
    expect(got).toEqual([3, 0, 0, 0])
  })

  it('a replay machine: write(2) on the inherited terminal returns its count, and boot adds no micro-step', () => {
    const m = createMachine({ replay: true, fast: true, trace: true })
    const t = m.createTask({ comm: 'r', pid: 100 })
    expect(m.stepNo).toBe(0)
    expect(m.trace.length).toBe(0)
    expect(m.syscallNow(t.pid, 'write', [2, new Uint8Array(5)])).toBe(5)
  })
})
