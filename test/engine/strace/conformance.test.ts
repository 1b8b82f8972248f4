/**
 * Conformance: every log of the committed corpus (recorded with strace on a real 6.18 kernel by
 * scripts/strace-corpus/record.sh) replays through the engine with zero mismatches. The kernel
 * is the oracle: a mismatch here means the model is wrong (or the replayer misreads the log).
 */
import { describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { replayCommand } from '../../../main/cli/replay'
import { FIXTURES, fixtureFfSets, fixtureLogs, readFixture, replayText } from './helpers'

const logs = fixtureLogs()

/**
 * Logs on which the engine is known to disagree with the kernel, with the reason. They are
 * expected to fail (it.fails): when the engine is fixed, the test reports it and the entry goes.
 */
const KNOWN_ENGINE_ISSUES: Record<string, string> = {}

describe('the corpus', () => {
  it('has logs of probes and of real programs in every recorded format', () => {
    expect(logs.length).toBeGreaterThanOrEqual(30)
    for (const want of ['probe-lowest_fd.log', 'probe-threads.yy-ttT.log', 'probe-exec_thread.comm.log', 'probe-fork_files.stderr.log', 'gcc.log', 'make-j2.log', 'python-threads.log', 'sh-inherited.log']) {
      expect(logs).toContain(want)
    }
    for (const want of ['python-multiprocessing.log', 'node-libuv.log', 'xz-threads.log', 'git-commit.log', 'perl-socket.log', 'filtered-file-desc.log']) {
      expect(logs).toContain(want)
    }
    expect(fixtureFfSets()).toEqual(['ff-pipeline', 'ff-threads', 'ff-untimed-threads'])
  })
})

for (const profile of ['6.18', '6.5']) {
  describe(`every corpus log replays with zero mismatches (kernel ${profile})`, () => {
    for (const name of logs) {
      const known = KNOWN_ENGINE_ISSUES[name]
      ;(known ? it.fails : it)(known ? `${name} (known engine issue: ${known.slice(0, 60)}...)` : name, () => {
        const r = replayText(readFixture(name), { file: name, profile })
        const detail = r.mismatches.map((m) => `line ${m.line} [${m.pid}] ${m.call}: kernel ${m.expected}, model ${m.model}`).join('\n')
        expect(detail).toBe('')
        expect(r.mismatchCount).toBe(0)
        expect(r.unparsed).toEqual([])
        expect(r.syscalls).toBeGreaterThan(25)
        expect(r.processes).toBeGreaterThanOrEqual(1)
        if (name.startsWith('filtered-')) {
          // recorded with -e trace=...: nothing the unseen calls could change is checked
          expect(r.filtered).toBe(true)
          expect(r.checked).toBe(0)
          expect(r.unchecked).toBeGreaterThan(10)
          return
        }
        expect(r.filtered).toBe(false)
        // the probes run from a clean environment with fds 0-2 only: nothing else is inherited
        if (name.startsWith('probe-')) expect(r.inherited.map((i) => i.fd).sort((a, b) => a - b)).toEqual([0, 1, 2])
        // most of what the log decides is checked, not waved through as undecided
        expect(r.checked).toBeGreaterThan(10)
        expect(r.undecidedCount).toBeLessThan(Math.max(5, r.checked / 5))
      })
    }
  })
}

describe('-ff sets replay as one run each', () => {
  for (const set of fixtureFfSets()) {
    it(set, async () => {
      const out: string[] = []
      const code = await replayCommand(['--json', '--ff', join(FIXTURES, set, 'trace')], { out: (s) => out.push(s), err: (s) => out.push(`ERR ${s}`) })
      expect(out).toHaveLength(1)
      const r = JSON.parse(out[0]!)
      expect(r.mismatches).toEqual([])
      expect(r.unparsed).toEqual([])
      expect(r.checked).toBeGreaterThan(50)
      expect(code).toBe(0)
      if (set === 'ff-untimed-threads') expect(r.processes).toBe(1)
      // timed sets are merged and split like -f output, so their windows can be ordered
      if (set === 'ff-threads') expect(r.undecided).toEqual([])
    })
  }
})

describe('what the corpus shows', () => {
  it('the probes start from fds 0-2 inherited from the recorder', () => {
    const r = replayText(readFixture('probe-lowest_fd.log'))
    expect(r.inherited.map((i) => i.fd)).toEqual([0, 1, 2])
    expect(r.processes).toBe(1)
  })
  it('fds inherited beyond 0-2 are found from their use and from allocations that skip them', () => {
    // the shell runs with fds 7 and 10 open; dash's fcntl(1, F_DUPFD, 10) returns 11
    const r = replayText(readFixture('sh-inherited.log'))
    expect(r.inherited.map((i) => i.fd).sort((a, b) => a - b)).toEqual([0, 1, 2, 7, 10])
  })
  it('process trees: forks, vforks, threads and clone(CLONE_FILES)', () => {
    expect(replayText(readFixture('probe-clone_files.log')).processes).toBe(5)
    expect(replayText(readFixture('make-j2.log')).processes).toBeGreaterThan(5)
    expect(replayText(readFixture('probe-threads.log')).processes).toBe(1)
  })
  it('the fd kinds probe checks every creator, SCM_RIGHTS and CLONE_PIDFD', () => {
    const r = replayText(readFixture('probe-fd_kinds.log'))
    expect(r.checked).toBeGreaterThan(50)
    const c = replayText(readFixture('probe-clone3_pidfd.log'))
    expect(c.mismatches).toEqual([])
    expect(c.checked).toBeGreaterThan(20)
  })
  it('the same run in different formats gives the same checks', () => {
    const a = replayText(readFixture('probe-clone_files.log'))
    const b = replayText(readFixture('probe-clone_files.ttt.log'))
    expect(b.checked).toBe(a.checked)
    const c = replayText(readFixture('probe-dup_family.log'))
    const d = replayText(readFixture('probe-dup_family.r.log'))
    expect(d.checked).toBe(c.checked)
  })
  it('overlapping calls of threads are checked in an order the log allows, not left undecided', () => {
    for (const name of ['probe-threads.log', 'probe-threads.yy-ttT.log', 'python-multiprocessing.log', 'xz-threads.log']) {
      const r = replayText(readFixture(name))
      expect(r.overlapWindows.ordered).toBeGreaterThan(0)
      expect(r.undecidedCount).toBe(0)
    }
    // a thread blocked in open() of a FIFO holds fd 3 reserved while a fork copies the table:
    // the window closes before the open's result is known, so those outcomes stay undecided
    expect(replayText(readFixture('probe-table_growth.log')).undecidedCount).toBeGreaterThan(0)
  })
  it('replay does not depend on how the text is chunked', () => {
    const text = readFixture('probe-threads.yy-ttT.log')
    const whole = replayText(text)
    const chunked = replayText(text, { chunk: 97 })
    expect(chunked).toEqual(whole)
  })
})
