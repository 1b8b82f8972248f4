/**
 * Kernel facts recorded on 6.18 by the probes of scripts/strace-corpus/probes (issue 10), replayed
 * in both profiles. Each fact is also shown to bite: the same log with the kernel's answer changed
 * gives a mismatch (or, for what the fd table does not decide, is followed without a claim).
 */
import { describe, expect, it } from 'vitest'
import { intArg, parseFlagWord, StraceReader } from '../../../main/engine/strace/parse'
import { readFixture, replayText } from './helpers'
import type { ReplayRecord } from '../../../main/engine/strace/replay'

const PROFILES = ['6.18', '6.5'] as const

/** The log with line @n (1-based) changed by @edit; the edit must change something. */
function edited(name: string, n: number, edit: (line: string) => string): string {
  const lines = readFixture(name).split('\n')
  const before = lines[n - 1]!
  const after = edit(before)
  if (after === before) throw new Error(`edit of ${name}:${n} changed nothing: ${before}`)
  lines[n - 1] = after
  return lines.join('\n')
}

/** Line number (1-based) of the first line containing @needle. */
function lineOf(name: string, needle: string, from = 0): number {
  const lines = readFixture(name).split('\n')
  for (let i = from; i < lines.length; i++) if (lines[i]!.includes(needle)) return i + 1
  throw new Error(`${needle} not in ${name}`)
}

function clean(r: ReplayRecord): void {
  const detail = r.mismatches.map((m) => `line ${m.line} [${m.pid}] ${m.call}: kernel ${m.expected}, model ${m.model}`).join('\n')
  expect(detail).toBe('')
  expect(r.unparsed).toEqual([])
  expect(r.undecidedCount).toBe(0)
}

for (const profile of PROFILES) {
  const replay = (name: string, text = readFixture(name)): ReplayRecord => replayText(text, { file: name, profile })

  describe(`errors decided outside the fd table are followed, not judged (${profile})`, () => {
    it('elsewhere.c: memfd, timerfd, pidfd, socket families, EFAULT paths, accept queues, vm.memfd_noexec', () => {
      const r = replay('probe-elsewhere.log')
      clean(r)
      expect(r.inherited.map((i) => i.fd)).toEqual([0, 1, 2])
      // name too long, MFD_EXEC|MFD_NOEXEC_SEAL, no 16 GB pages, memfd_create(NULL), EACCES from the sysctl
      expect(r.calls['memfd_create']!.elsewhere).toBe(5)
      expect(r.calls['socketpair']!.elsewhere).toBe(3)
      expect(r.calls['socket']!.elsewhere).toBe(2)
      expect(r.calls['timerfd_create']!.elsewhere).toBe(2)
      expect(r.calls['pidfd_open']!.elsewhere).toBe(2)
      expect(r.calls['pidfd_getfd']!.elsewhere).toBe(2)
      expect(r.calls['pipe2']!.elsewhere).toBe(1)
      expect(r.calls['open']!.elsewhere).toBe(1)
      expect(r.calls['creat']!.elsewhere).toBe(1)
      expect(r.calls['accept']!.elsewhere).toBe(2)
      expect(r.calls['accept4']!.elsewhere).toBe(2)
      expect(r.decidedElsewhere).toBeGreaterThanOrEqual(22)
      // the opens after the failures are checked: no fd was created by them
      expect(r.calls['openat']!.checked).toBeGreaterThanOrEqual(6)
      expect(r.calls['openat']!.mismatches).toBe(0)
    })
    it('the fd argument looked up before such an error is still checked (accept on a closed fd bites)', () => {
      const n = lineOf('probe-elsewhere.log', 'accept(6, NULL, NULL)')
      const r = replay('probe-elsewhere.log', edited('probe-elsewhere.log', n, (l) => l.replace('accept(6,', 'accept(9,')))
      expect(r.mismatches.map((m) => m.line)).toContain(n)
    })
    it('pidfd_getfd with unknown flags: EINVAL comes before the pidfd is looked up (fd 99 is not judged)', () => {
      const r = replay('probe-elsewhere.log')
      expect(r.mismatches.filter((m) => m.call.startsWith('pidfd_getfd'))).toEqual([])
    })
  })

  describe(`facts the model holds (${profile})`, () => {
    it('locks.c: EBADF for a lock type the mode forbids, EAGAIN conflicts, F_GETLK and F_OFD_GETLK answers', () => {
      const r = replay('probe-locks.log')
      clean(r)
      expect(r.calls['fcntl']!.checked).toBeGreaterThanOrEqual(25)
      expect(r.calls['flock']!.checked).toBe(3)
    })
    it('locks.c bites: a write lock through a read-only fd that succeeded would be a mismatch', () => {
      const n = lineOf('probe-locks.log', 'fcntl(4, F_SETLK, {l_type=F_WRLCK')
      const r = replay('probe-locks.log', edited('probe-locks.log', n, (l) => l.replace(/= -1 EBADF.*$/, '= 0')))
      expect(r.mismatches.map((m) => m.line)).toContain(n)
    })
    it('locks.c bites: an F_GETLK answer of F_UNLCK where the model holds the parent\'s lock', () => {
      const n = lineOf('probe-locks.log', 'F_GETLK, {l_type=F_WRLCK')
      const r = replay('probe-locks.log', edited('probe-locks.log', n, (l) => l.replace('l_type=F_WRLCK', 'l_type=F_UNLCK').replace(/l_pid=\d+/, 'l_pid=0')))
      expect(r.mismatches.map((m) => m.line)).toEqual([n])
    })
    it('cloexec_all.c: every creator\'s close-on-exec flag, FIOCLEX and FIONCLEX on every kind of fd', () => {
      const r = replay('probe-cloexec_all.log')
      clean(r)
      expect(r.calls['fcntl']!.checked).toBeGreaterThanOrEqual(45)
      expect(r.calls['ioctl']!.checked).toBeGreaterThanOrEqual(20)
      expect(r.unsupported).toEqual({})
    })
    it('cloexec_all.c bites: MFD_CLOEXEC without FD_CLOEXEC would be a mismatch', () => {
      const m = lineOf('probe-cloexec_all.log', 'memfd_create("m", MFD_CLOEXEC)')
      const r = replay('probe-cloexec_all.log', edited('probe-cloexec_all.log', m + 1, (l) => l.replace(/= 0x1 \(flags FD_CLOEXEC\)$/, '= 0')))
      expect(r.mismatches.map((x) => x.line)).toEqual([m + 1])
    })
    it('fcntl_query.c: F_GETFL, F_DUPFD_QUERY and F_CREATED_QUERY are compared (the last two from 6.10/6.12)', () => {
      const r = replay('probe-fcntl_query.log')
      clean(r)
      if (profile === '6.18') {
        expect(r.unsupported).toEqual({})
        // fd 4 was opened with O_CREAT on an existing file: the model could not know, the log tells
        expect(r.calls['fcntl']!.unchecked).toBe(1)
      } else {
        expect(r.unsupported).toEqual({ 'fcntl(F_CREATED_QUERY, v6.12)': 4, 'fcntl(F_DUPFD_QUERY, v6.10)': 4 })
      }
    })
    it('fcntl_query.c bites: F_GETFL after F_SETFL(O_NONBLOCK) still showing O_APPEND', () => {
      const n = lineOf('probe-fcntl_query.log', '= 0x8801')
      const r = replay('probe-fcntl_query.log', edited('probe-fcntl_query.log', n, (l) => l.replace('= 0x8801', '= 0x8c01')))
      expect(r.mismatches.map((m) => m.line)).toEqual([n])
    })
    it('procfd.c: stat, readlink, access and open of /proc/self/fd/N and /proc/PID/fd/N say whether N is open', () => {
      const r = replay('probe-procfd.log')
      clean(r)
      expect(r.calls['newfstatat']!.checked).toBeGreaterThanOrEqual(7)
      expect(r.calls['readlink']!.checked).toBe(2)
      expect(r.calls['faccessat2']!.checked).toBe(1)
    })
    it('procfd.c bites: /proc/self/fd/4 found while the model has no fd 4', () => {
      const n = lineOf('probe-procfd.log', '"/proc/self/fd/4", 0x')
      const r = replay('probe-procfd.log', edited('probe-procfd.log', n, (l) => l.replace(/0x[0-9a-f]+, 0\) = -1 ENOENT.*$/, '{st_mode=S_IFREG|0644, st_size=0, ...}, 0) = 0')))
      expect(r.mismatches.map((m) => m.line)).toContain(n)
    })
  })

  describe(`routes and namespaces (${profile})`, () => {
    it('pidns.c: tasks in other pid namespaces are named by the log\'s prefix, not by clone\'s result', () => {
      const r = replay('probe-pidns.log')
      clean(r)
      expect(r.processes).toBe(11)
      expect(r.inherited.map((i) => i.fd)).toEqual([0, 1, 2])
      expect(r.inferred).toEqual([])
      // the children's dup2(4, 9) and close(5) inside the namespaces are checked
      expect(r.calls['dup2']!.checked).toBe(6)
    })
    it('fd_routes.c: namespace ioctls, SCM_PIDFD, SO_PEERPIDFD and pidfd_getfd install fds where the log says', () => {
      const r = replay('probe-fd_routes.log')
      clean(r)
      expect(r.inferred).toEqual([])
      if (profile === '6.5') expect(r.unsupported['ioctl(PIDFD_GET_*_NAMESPACE, v6.11)']).toBe(2)
      else expect(r.unsupported['ioctl(PIDFD_GET_*_NAMESPACE, v6.11)']).toBeUndefined()
    })
    it('fd_routes.c bites: NS_GET_USERNS returning a fd above the lowest free one', () => {
      const n = lineOf('probe-fd_routes.log', 'ioctl(3, NS_GET_USERNS)')
      const r = replay('probe-fd_routes.log', edited('probe-fd_routes.log', n, (l) => l.replace(/= 4$/, '= 5')))
      expect(r.mismatches.map((m) => m.line)).toContain(n)
    })
    it('killed_entry.c: threads killed at syscall entry (`???( <unfinished ...>`) are parsed; the call never ran', () => {
      const r = replay('probe-killed_entry.log')
      expect(r.mismatches).toEqual([])
      expect(r.unparsed).toEqual([])
      expect(r.ignored['???']).toBeGreaterThanOrEqual(1)
      expect(r.unsupported['???']).toBeUndefined()
      expect(r.inherited.map((i) => i.fd)).toEqual([0, 1, 2])
    })
    it('emfile_pair.c: EMFILE from pipe and socketpair with one free fd invents no open fd', () => {
      const r = replay('probe-emfile_pair.log')
      clean(r)
      expect(r.inherited.map((i) => i.fd)).toEqual([0, 1, 2])
      expect(r.inferred).toEqual([])
      expect(r.calls['pipe2']!.checked).toBeGreaterThanOrEqual(5)
      expect(r.calls['socketpair']!.checked).toBe(1)
    })
  })
}

describe('EFAULT says nothing about the fds (a user pointer may be copied before the lookup)', () => {
  it('epoll_ctl with a bad event pointer and a closed epoll fd is decided elsewhere, not a mismatch', () => {
    const r = replayText(['100 brk(NULL) = 0x1', '100 epoll_create1(0) = 3', '100 close(3) = 0', '100 epoll_ctl(3, EPOLL_CTL_ADD, 0, NULL) = -1 EFAULT (Bad address)', '100 epoll_ctl(3, EPOLL_CTL_ADD, 0, NULL) = -1 EPERM (Operation not permitted)', ''].join('\n'))
    expect(r.calls['epoll_ctl']!.elsewhere).toBe(1)
    // EPERM comes after the lookup: fd 3 must have been open, and it was closed
    expect(r.mismatches.map((m) => m.line)).toEqual([5])
  })
})

describe('calls newer than the profile are followed, not judged', () => {
  const text = ['100 brk(NULL) = 0x1', '100 fchmodat2(7, "x", 0644, 0) = -1 EBADF (Bad file descriptor)', '100 fchmodat2(AT_FDCWD, "x", 0644, 0) = 0', '100 open_tree_attr(AT_FDCWD, "/", OPEN_TREE_CLOEXEC, NULL, 0) = 3', '100 close(3) = 0', ''].join('\n')
  it('6.18 checks fchmodat2 (v6.6) and installs open_tree_attr (v6.15) where the log says', () => {
    const r = replayText(text, { profile: '6.18' })
    expect(r.mismatches).toEqual([])
    expect(r.calls['fchmodat2']!.checked).toBe(1)
    expect(r.unsupported).toEqual({ open_tree_attr: 1 })
  })
  it('6.5 counts them as unsupported by the profile and still numbers fds as the log does', () => {
    const r = replayText(text, { profile: '6.5' })
    expect(r.mismatches).toEqual([])
    expect(r.unsupported).toEqual({ 'fchmodat2(v6.6)': 2, 'open_tree_attr(v6.15)': 1 })
    expect(r.calls['close']!.checked).toBe(1)
  })
})

describe('parser facts', () => {
  it('`N<<NAME` in a flag word is a shift, not a decorated fd', () => {
    expect(intArg('34<<MFD_HUGE_SHIFT')).toBeUndefined()
    expect(intArg('3</dev/null>')).toBe(3)
    expect(parseFlagWord('MFD_HUGETLB|34<<MFD_HUGE_SHIFT', { MFD_HUGETLB: 4, MFD_HUGE_SHIFT: 26 })).toEqual({ value: (4 | (34 * 2 ** 26)) >>> 0, unknown: [] })
    expect(parseFlagWord('1<<UNKNOWN_SHIFT', {})!.unknown).toEqual(['1<<UNKNOWN_SHIFT'])
  })
  it('`???( <unfinished ...>` (a task killed at syscall entry) is parsed and replayed', () => {
    const events: string[] = []
    const reader = new StraceReader({ onEvent: (e) => events.push(e.type === 'syscall' ? `${e.name}${e.unfinished ? ' unfinished' : ''}` : e.type) })
    reader.push('123 ???( <unfinished ...>\n123 +++ killed by SIGKILL +++\n')
    reader.end()
    expect(events).toEqual(['start', '??? unfinished', 'exit'])
    const r = replayText(['100 dup(0) = 3', '100 ???( <unfinished ...>', '100 +++ killed by SIGKILL +++', ''].join('\n'))
    expect(r.unparsed).toEqual([])
    expect(r.mismatches).toEqual([])
  })
})

describe('the per-call report (fdlab replay --json / --calls)', () => {
  it('says per call name what was checked, unchecked, decided elsewhere and unsupported', async () => {
    const { replayCommand } = await import('../../../main/cli/replay')
    const { join } = await import('node:path')
    const { FIXTURES } = await import('./helpers')
    const file = join(FIXTURES, 'probe-elsewhere.log')
    const out: string[] = []
    expect(await replayCommand(['--json', file], { out: (s) => out.push(s), err: (s) => out.push(`ERR ${s}`) })).toBe(0)
    const r = JSON.parse(out[0]!) as ReplayRecord
    expect(r.calls['socketpair']).toEqual({ checked: 0, mismatches: 0, undecided: 0, unchecked: 0, elsewhere: 3, unsupported: 0 })
    expect(r.calls['pidfd_getfd']!.unsupported).toBe(2)
    expect(r.decidedElsewhere).toBe(Object.values(r.calls).reduce((a, c) => a + c.elsewhere, 0))
    expect(r.checked).toBe(Object.values(r.calls).reduce((a, c) => a + c.checked, 0))
    const human: string[] = []
    await replayCommand(['--calls', file], { out: (s) => human.push(s), err: (s) => human.push(`ERR ${s}`) })
    const text = human.join('\n')
    expect(text).toContain('decided outside the fd table')
    expect(text).toMatch(/\n {2}socketpair +0 +0 +0 +0 +3 +0\n/)
  })
})
