/**
 * The replayer's log-side logic on small logs, through the real engine. Each kernel fact the
 * replay checks is shown both ways: the kernel's answer passes, a wrong answer is a mismatch.
 */
import { describe, expect, it } from 'vitest'
import { replayCommand } from '../../../main/cli/replay'
import { readFixture, replayText } from './helpers'
import { printable } from '../../../main/engine/strace/parse'

/**
 * A log of one process after its exec, with only fds 0-2 left open (as the corpus probes do):
 * fds above 2 are then known to be free, not possibly inherited.
 */
function log(...lines: string[]): string {
  return ['100   execve("/bin/p", ["p"], 0x7ffc /* 3 vars */) = 0', '100   brk(NULL) = 0x5555', '100   close_range(3, 4294967295, 0) = 0', ...lines, ''].join('\n')
}
/** The same without closing anything: every fd may have been inherited. */
function bare(...lines: string[]): string {
  return ['100   execve("/bin/p", ["p"], 0x7ffc /* 3 vars */) = 0', '100   brk(NULL) = 0x5555', ...lines, ''].join('\n')
}
const run = (text: string, opts = {}) => replayText(text, { filtered: false, ...opts })

describe('fd numbers', () => {
  it('the lowest free fd: the kernel answer passes, another fd is a mismatch', () => {
    const good = run(log(
      '100   openat(AT_FDCWD, "a", O_RDONLY) = 3',
      '100   openat(AT_FDCWD, "b", O_RDONLY) = 4',
      '100   close(3) = 0',
      '100   openat(AT_FDCWD, "c", O_RDONLY) = 3',
      '100   fcntl(0, F_DUPFD, 10) = 10',
      '100   openat(AT_FDCWD, "d", O_RDONLY) = 5',
    ))
    expect(good.mismatches).toEqual([])
    expect(good.checked).toBeGreaterThanOrEqual(6)
    const bad = run(log(
      '100   openat(AT_FDCWD, "a", O_RDONLY) = 3',
      '100   openat(AT_FDCWD, "b", O_RDONLY) = 4',
      '100   close(3) = 0',
      '100   openat(AT_FDCWD, "c", O_RDONLY) = 5',
      '100   openat(AT_FDCWD, "d", O_RDONLY) = 3',
    ))
    expect(bad.mismatches.map((m) => [m.line, m.expected, m.model])).toEqual([[7, '5', '3']])
    expect(bad.mismatches[0]).toMatchObject({ pid: 100, call: 'openat(AT_FDCWD, "c", O_RDONLY) = 5' })
  })
  it('pipe2 and socketpair fds arrive in the array argument', () => {
    expect(run(log('100   pipe2([3, 4], O_CLOEXEC) = 0', '100   socketpair(AF_UNIX, SOCK_STREAM, 0, [5, 6]) = 0')).mismatches).toEqual([])
    const bad = run(log('100   pipe2([4, 3], 0) = 0'))
    expect(bad.mismatchCount).toBe(2)
  })
  it('SCM_RIGHTS fds are allocated in the receiver', () => {
    const msg = (fd: number) => `{msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="x", iov_len=1}], msg_iovlen=1, msg_control=[{cmsg_len=20, cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS, cmsg_data=[${fd}]}], msg_controllen=24, msg_flags=0}`
    const pre = ['100   socketpair(AF_UNIX, SOCK_DGRAM, 0, [3, 4]) = 0']
    expect(run(log(...pre, `100   recvmsg(4, ${msg(5)}, 0) = 1`)).mismatches).toEqual([])
    expect(run(log(...pre, `100   recvmsg(4, ${msg(7)}, 0) = 1`)).mismatchCount).toBe(1)
  })
  it('clone3 and clone with CLONE_PIDFD return a pidfd in the arguments', () => {
    const good = run(log(
      '100   clone3({flags=CLONE_PIDFD, pidfd=0x7ffc, exit_signal=SIGCHLD, stack=NULL, stack_size=0} => {pidfd=[3]}, 88) = 101',
      '100   clone(child_stack=NULL, flags=CLONE_PIDFD|SIGCHLD, parent_tid=[4]) = 102',
      '101   fcntl(3, F_GETFD) = -1 EBADF (Bad file descriptor)',
      '100   fcntl(4, F_GETFD) = 0x1 (flags FD_CLOEXEC)',
    ))
    expect(good.mismatches).toEqual([])
    expect(good.processes).toBe(3)
    expect(run(log('100   clone(child_stack=NULL, flags=CLONE_PIDFD|SIGCHLD, parent_tid=[9]) = 102')).mismatchCount).toBe(1)
  })
})

describe('EBADF', () => {
  it('a closed fd gives EBADF; success on it is a mismatch, so is EBADF on an open fd', () => {
    expect(run(log('100   close(3) = -1 EBADF (Bad file descriptor)', '100   read(5, 0x7ffc, 10) = -1 EBADF (Bad file descriptor)')).mismatches).toEqual([])
    expect(run(log('100   read(5, "x", 10) = 1')).mismatches.map((m) => m.line)).toEqual([4])
    expect(run(log('100   openat(AT_FDCWD, "a", O_RDONLY) = 3', '100   fstat(3, 0x7ffc) = -1 EBADF (Bad file descriptor)')).mismatchCount).toBe(1)
  })
  it('file modes explain EBADF: O_PATH, reading a write-only file, writing a read-only one', () => {
    const r = run(log(
      '100   openat(AT_FDCWD, "a", O_WRONLY|O_CREAT, 0644) = 3',
      '100   read(3, 0x7ffc, 1) = -1 EBADF (Bad file descriptor)',
      '100   openat(AT_FDCWD, "a", O_RDONLY) = 4',
      '100   write(4, "x", 1) = -1 EBADF (Bad file descriptor)',
      '100   openat(AT_FDCWD, "a", O_PATH) = 5',
      '100   read(5, 0x7ffc, 1) = -1 EBADF (Bad file descriptor)',
      '100   fstat(5, {st_mode=S_IFREG|0644, st_size=0, ...}) = 0',
      '100   fcntl(5, F_GETFL) = 0x200000 (flags O_RDONLY|O_PATH)',
      '100   dup(5) = 6',
    ))
    expect(r.mismatches).toEqual([])
    // but a read-only file read, or an O_PATH fstat, never gives EBADF
    expect(run(log('100   openat(AT_FDCWD, "a", O_RDONLY) = 3', '100   read(3, 0x7ffc, 1) = -1 EBADF (Bad file descriptor)')).mismatchCount).toBe(1)
  })
  it('a dirfd is only looked at for relative paths', () => {
    const r = run(log(
      '100   newfstatat(7, "/abs", 0x7ffc, 0) = 0',
      '100   openat(9, "/etc/x", O_RDONLY) = 3',
      '100   newfstatat(7, "rel", 0x7ffc, 0) = -1 EBADF (Bad file descriptor)',
    ))
    expect(r.mismatches).toEqual([])
  })
})

describe('dup2, dup3, fcntl, close_range', () => {
  it('argument checks decided by the table', () => {
    const r = run(log(
      '100   openat(AT_FDCWD, "a", O_RDONLY|O_CLOEXEC) = 3',
      '100   dup2(3, 3) = 3',
      '100   fcntl(3, F_GETFD) = 0x1 (flags FD_CLOEXEC)',
      '100   dup3(3, 3, 0) = -1 EINVAL (Invalid argument)',
      '100   dup3(3, 4, O_NONBLOCK) = -1 EINVAL (Invalid argument)',
      '100   dup3(3, 4, O_CLOEXEC) = 4',
      '100   fcntl(4, F_GETFD) = 0x1 (flags FD_CLOEXEC)',
      '100   dup2(3, 4) = 4',
      '100   fcntl(4, F_GETFD) = 0',
      '100   close_range(5, 4, 0) = -1 EINVAL (Invalid argument)',
      '100   close_range(3, 4294967295, 0) = 0',
      '100   fcntl(4, F_GETFD) = -1 EBADF (Bad file descriptor)',
    ))
    expect(r.mismatches).toEqual([])
    const bad = run(log('100   openat(AT_FDCWD, "a", O_RDONLY|O_CLOEXEC) = 3', '100   dup2(3, 4) = 4', '100   fcntl(4, F_GETFD) = 0x1 (flags FD_CLOEXEC)'))
    expect(bad.mismatches.map((m) => m.line)).toEqual([6])
  })
  it('RLIMIT_NOFILE from setrlimit: EMFILE, and EBADF/EINVAL at the limit', () => {
    const r = run(log(
      '100   prlimit64(0, RLIMIT_NOFILE, {rlim_cur=5, rlim_max=5}, NULL) = 0',
      '100   openat(AT_FDCWD, "a", O_RDONLY) = 3',
      '100   openat(AT_FDCWD, "a", O_RDONLY) = 4',
      '100   openat(AT_FDCWD, "a", O_RDONLY) = -1 EMFILE (Too many open files)',
      '100   dup2(0, 5) = -1 EBADF (Bad file descriptor)',
      '100   fcntl(0, F_DUPFD, 5) = -1 EINVAL (Invalid argument)',
    ))
    expect(r.mismatches).toEqual([])
    const bad = run(log('100   prlimit64(0, RLIMIT_NOFILE, {rlim_cur=5, rlim_max=5}, NULL) = 0', '100   dup2(0, 7) = 7'))
    expect(bad.mismatchCount).toBe(1)
  })
  it('an unknown RLIMIT_NOFILE is inferred from EMFILE instead of assumed', () => {
    const r = run(log(...[3, 4, 5, 6].map((fd) => `100   openat(AT_FDCWD, "a", O_RDONLY) = ${fd}`), '100   openat(AT_FDCWD, "a", O_RDONLY) = -1 EMFILE (Too many open files)', '100   dup(0) = -1 EMFILE (Too many open files)'))
    expect(r.mismatches).toEqual([])
  })
})

describe('processes', () => {
  it('fork copies the table, CLONE_FILES shares it, exec closes close-on-exec fds', () => {
    const r = run(log(
      '100   openat(AT_FDCWD, "a", O_RDONLY|O_CLOEXEC) = 3',
      '100   clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f) = 101',
      '101   close(3) = 0',
      '100   fcntl(3, F_GETFD) = 0x1 (flags FD_CLOEXEC)',
      '100   clone(child_stack=0x7f, flags=CLONE_FILES|SIGCHLD) = 102',
      '102   close(3) = 0',
      '100   fcntl(3, F_GETFD) = -1 EBADF (Bad file descriptor)',
      '100   openat(AT_FDCWD, "a", O_RDONLY|O_CLOEXEC) = 3',
      '100   openat(AT_FDCWD, "a", O_RDONLY) = 4',
      '100   execve("/bin/q", ["q"], 0x7ffc /* 3 vars */) = -1 ENOENT (No such file or directory)',
      '100   fcntl(3, F_GETFD) = 0x1 (flags FD_CLOEXEC)',
      '100   execve("/bin/true", ["true"], 0x7ffc /* 3 vars */) = 0',
      '100   fcntl(3, F_GETFD) = -1 EBADF (Bad file descriptor)',
      '100   fcntl(4, F_GETFD) = 0',
    ))
    expect(r.mismatches).toEqual([])
    expect(r.processes).toBe(3)
    const bad = run(log('100   openat(AT_FDCWD, "a", O_RDONLY|O_CLOEXEC) = 3', '100   execve("/bin/true", ["true"], 0x7ffc /* 3 vars */) = 0', '100   fcntl(3, F_GETFD) = 0'))
    expect(bad.mismatches.map((m) => m.line)).toEqual([6])
  })
  it("a child's lines before its parent's clone returned", () => {
    const r = run(log(
      '100   openat(AT_FDCWD, "a", O_RDONLY) = 3',
      '100   vfork( <unfinished ...>',
      '101   close(3) = 0',
      '101   execve("/bin/cat", ["cat"], 0x5 /* 6 vars */ <unfinished ...>',
      '100   <... vfork resumed>) = 101',
      '101   <... execve resumed>) = 0',
      '101   openat(AT_FDCWD, "b", O_RDONLY) = 3',
      '100   fcntl(3, F_GETFD) = 0',
    ))
    expect(r.mismatches).toEqual([])
    expect(r.processes).toBe(2)
  })
  it('threads share the table; an exec from a non-leader thread keeps it minus close-on-exec fds', () => {
    const r = run(log(
      '100   openat(AT_FDCWD, "a", O_RDONLY) = 3',
      '100   openat(AT_FDCWD, "a", O_RDONLY|O_CLOEXEC) = 4',
      '100   clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM, exit_signal=0, stack=0x7f, stack_size=0x7fff80} => {parent_tid=[101]}, 88) = 101',
      '101   close(3) = 0',
      '100   openat(AT_FDCWD, "a", O_RDONLY) = 3',
      '101   execve("/bin/true", ["/bin/true"], NULL <unfinished ...>',
      '100   <... clock_nanosleep resumed> <unfinished ...>) = ?',
      '100   +++ superseded by execve in pid 101 +++',
      '100   <... execve resumed>) = 0',
      '100   fcntl(3, F_GETFD) = 0',
      '100   fcntl(4, F_GETFD) = -1 EBADF (Bad file descriptor)',
    ))
    expect(r.mismatches).toEqual([])
    expect(r.processes).toBe(1)
  })
  it('unshare(CLONE_FILES) gives a thread a private copy', () => {
    const r = run(log(
      '100   openat(AT_FDCWD, "a", O_RDONLY) = 3',
      '100   clone3({flags=CLONE_VM|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD, exit_signal=0} => {parent_tid=[101]}, 88) = 101',
      '101   unshare(CLONE_FILES) = 0',
      '101   close(3) = 0',
      '100   fcntl(3, F_GETFD) = 0',
      '101   openat(AT_FDCWD, "a", O_RDONLY) = 3',
      '100   openat(AT_FDCWD, "a", O_RDONLY) = 4',
    ))
    expect(r.mismatches).toEqual([])
  })
})

describe('what the log cannot decide', () => {
  it('inherited fds are found from use and from allocations that skip them', () => {
    const r = run(bare('100   fcntl(1, F_DUPFD, 10) = 11', '100   write(7, "x", 1) = 1', '100   openat(AT_FDCWD, "a", O_RDONLY) = 3'))
    expect(r.mismatches).toEqual([])
    expect(r.inherited.map((i) => i.fd).sort((a, b) => a - b)).toEqual([0, 1, 2, 7, 10])
    expect(r.inherited.every((i) => i.pid === 100)).toBe(true)
  })
  it('EBADF on an inherited fd of unknown mode is undecided', () => {
    const r = run(bare('100   write(0, "x", 1) = 1', '100   read(0, 0x7ffc, 1) = -1 EBADF (Bad file descriptor)'))
    expect(r.mismatches).toEqual([])
    expect(r.undecidedCount).toBe(1)
  })
  it('overlapping calls of threads are checked in an order the log allows', () => {
    const pre = ['100   clone3({flags=CLONE_VM|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD, exit_signal=0} => {parent_tid=[101]}, 88) = 101']
    // 101's open started first and got 3; 100's open, inside it, got 4: 101 reserved first
    const r = run(log(...pre,
      '101   openat(AT_FDCWD, "a", O_RDONLY <unfinished ...>',
      '100   openat(AT_FDCWD, "b", O_RDONLY) = 4',
      '101   <... openat resumed>) = 3',
    ))
    expect(r.mismatches).toEqual([])
    expect(r.undecided).toEqual([])
    expect(r.checked).toBeGreaterThanOrEqual(3)
    expect(r.overlapWindows).toEqual({ total: 1, ordered: 1 })
    // without the overlap the same answer is a mismatch
    const seq = run(log(...pre, '100   openat(AT_FDCWD, "b", O_RDONLY) = 4'))
    expect(seq.mismatchCount).toBe(1)
  })
  it('with orderWindows off, every call runs at its result line and overlaps are undecided', () => {
    const pre = ['100   clone3({flags=CLONE_VM|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD, exit_signal=0} => {parent_tid=[101]}, 88) = 101']
    const r = run(log(...pre,
      '101   openat(AT_FDCWD, "a", O_RDONLY <unfinished ...>',
      '100   openat(AT_FDCWD, "b", O_RDONLY) = 4',
      '101   <... openat resumed>) = 3',
    ), { orderWindows: false })
    expect(r.mismatches).toEqual([])
    expect(r.undecided.map((u) => u.line)).toEqual([6])
    expect(r.overlapWindows.total).toBe(0)
  })
  it('overlapping calls that no order explains are undecided, never mismatches', () => {
    const pre = ['100   clone3({flags=CLONE_VM|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD, exit_signal=0} => {parent_tid=[101]}, 88) = 101']
    const r = run(log(...pre,
      '101   openat(AT_FDCWD, "a", O_RDONLY <unfinished ...>',
      '100   openat(AT_FDCWD, "b", O_RDONLY) = 5',
      '101   <... openat resumed>) = 3',
    ))
    expect(r.mismatches).toEqual([])
    expect(r.undecidedCount).toBeGreaterThanOrEqual(1)
    expect(r.undecided[0]!.reason).toMatch(/no order/)
    expect(r.overlapWindows).toEqual({ total: 1, ordered: 0 })
  })
  it('a call cannot be moved before a call that ended before it started', () => {
    const pre = ['100   clone3({flags=CLONE_VM|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD, exit_signal=0} => {parent_tid=[101]}, 88) = 101']
    // 100's close(3) ended before 101's open started: the open must have found 3 free
    const r = run(log(...pre,
      '100   openat(AT_FDCWD, "a", O_RDONLY) = 3',
      '100   close(3) = 0',
      '101   openat(AT_FDCWD, "b", O_RDONLY <unfinished ...>',
      '100   getpid() = 100',
      '101   <... openat resumed>) = 4',
    ))
    expect(r.mismatches.map((m) => [m.line, m.expected, m.model])).toEqual([[9, '4', '3']])
  })
  it('a call cut short (killed, end of log) is undecided', () => {
    const r = run(log('100   openat(AT_FDCWD, "fifo", O_RDONLY <unfinished ...>', '100   +++ killed by SIGKILL +++'))
    expect(r.undecided.map((u) => u.line)).toEqual([5])
    expect(r.mismatches).toEqual([])
  })
  it('a filtered log (-e trace=...) has unchecked outcomes and inferred fds, no mismatches', () => {
    const text = ['openat(AT_FDCWD, "a", O_RDONLY) = 5', 'read(7, "x", 1) = 1', 'close(3) = 0', 'openat(AT_FDCWD, "b", O_RDONLY) = 3', ''].join('\n')
    const r = replayText(text)
    expect(r.filtered).toBe(true)
    expect(r.mismatches).toEqual([])
    expect(r.unchecked).toBeGreaterThan(0)
    expect(r.checked).toBe(0)
  })
  it('fds of io_uring or an fd-returning ioctl are inferred at first use', () => {
    const r = run(log('100   io_uring_setup(8, {flags=0, sq_thread_cpu=0, sq_thread_idle=0}) = 3', '100   read(4, "x", 1) = 1', '100   ioctl(3, _IOC(_IOC_NONE, 0xae, 0x77, 0), 0) = 9', '100   close(9) = 0'))
    expect(r.mismatches).toEqual([])
    expect(r.inferred.map((i) => i.fd)).toEqual([4, 9])
    expect(r.unsupported).toMatchObject({ io_uring_setup: 1, ioctl: 1 })
  })
  it('an ioctl known to return a new fd installs it where the log says (no lowest-free check beside io_uring)', () => {
    const r = run(log('100   io_uring_setup(8, {flags=0, sq_thread_cpu=0, sq_thread_idle=0}) = 3', '100   ioctl(3, KVM_CREATE_VM, 0) = 9', '100   close(9) = 0', '100   fcntl(9, F_GETFD) = -1 EBADF (Bad file descriptor)'))
    expect(r.mismatches).toEqual([])
    expect(r.inferred).toEqual([])
    expect(r.unsupported).toEqual({ io_uring_setup: 1 })
  })
  it('every call the model does not cover is counted by name; fd-free calls are counted as ignored', () => {
    const r = run(log('100   mmap(NULL, 8192, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f', '100   frobnicate(1, 2) = 0', '100   frobnicate(3) = 0', '100   getpid() = 100'))
    expect(r.unsupported).toEqual({ frobnicate: 2 })
    expect(r.ignored).toMatchObject({ mmap: 1, getpid: 1, brk: 1 })
    expect(r.syscalls).toBe(7)
  })
  it('unparsed lines are listed with their numbers and the replay goes on', () => {
    const r = run(log('100   close(3) = -1 EBADF (Bad file descriptor)', 'garbage here', '100   close(4) = -1 EBADF (Bad file descriptor)'))
    expect(r.unparsed).toEqual([{ line: 5, text: 'garbage here' }])
    expect(r.checked).toBeGreaterThanOrEqual(3)
  })
})

describe('the JSON record', () => {
  it('has the fields other tools rely on, with these names', () => {
    const r = run(log('100   close(3) = -1 EBADF (Bad file descriptor)'))
    const j = JSON.parse(JSON.stringify(r))
    for (const k of ['file', 'lines', 'syscalls', 'fdSyscalls', 'checked', 'mismatches', 'unparsed', 'unsupported', 'inherited', 'processes']) expect(j).toHaveProperty(k)
    expect(j.lines).toBe(4)
    expect(j.inherited).toEqual([])
    expect(typeof j.unsupported).toBe('object')
  })
})

describe('fdlab replay', () => {
  const files: Record<string, string> = {
    'good.log': log('100   openat(AT_FDCWD, "a", O_RDONLY) = 3'),
    'bad.log': log('100   openat(AT_FDCWD, "a", O_RDONLY) = 4'),
    'empty.log': 'nothing to see\n',
  }
  const io = (out: string[], err: string[]) => ({
    out: (s: string) => out.push(s), err: (s: string) => err.push(s),
    async *readFile(p: string) {
      if (!(p in files)) throw new Error(`ENOENT: ${p}`)
      const t = files[p]!
      for (let i = 0; i < t.length; i += 7) yield t.slice(i, i + 7)
    },
  })
  it('--json prints one line per log; exit 0 without mismatches', async () => {
    const out: string[] = []
    const err: string[] = []
    expect(await replayCommand(['--json', '--complete', 'good.log', 'good.log'], io(out, err))).toBe(0)
    expect(out).toHaveLength(2)
    expect(JSON.parse(out[0]!)).toMatchObject({ file: 'good.log', mismatches: [], checked: 3, lines: 4 })
  })
  it('exit 1 on a mismatch, with the line in the human output', async () => {
    const out: string[] = []
    expect(await replayCommand(['--complete', 'bad.log'], io(out, []))).toBe(1)
    expect(out).toContain('bad.log:4:1: error[mismatch]: [pid 100] openat(AT_FDCWD, "a", O_RDONLY) = 4: the kernel said 4, the model 3')
  })
  it('unreadable lines are listed at their line, control characters escaped, and the replay goes on', async () => {
    files['junk.log'] = log('100   openat(AT_FDCWD, "a", O_RDONLY) = 3', '\u001b[31mnot strace', '100   close(3 = 0', '100   close(3) = 0')
    const out: string[] = []
    expect(await replayCommand(['--complete', 'junk.log'], io(out, []))).toBe(0)
    expect(out).toContain('junk.log:5:1: warning[unparsed]: not an strace line this replay reads: \\x1b[31mnot strace')
    expect(out).toContain('junk.log:6:1: warning[unparsed]: not an strace line this replay reads: 100   close(3 = 0')
    expect(out.join('\n')).not.toContain('\u001b')
  })
  it('printable escapes C0, DEL and C1 controls as strace does, and leaves other text alone', () => {
    expect(printable('a\u0000b\tc\u001b[1m\u007f\u009bé→')).toBe('a\\x00b\\x09c\\x1b[1m\\x7f\\x9bé→')
  })
  it('exit 2 for unusable input and bad options', async () => {
    expect(await replayCommand(['empty.log'], io([], []))).toBe(2)
    expect(await replayCommand(['missing.log'], io([], []))).toBe(2)
    expect(await replayCommand([], io([], []))).toBe(2)
    expect(await replayCommand(['--kernel', '2.4', 'good.log'], io([], []))).toBe(2)
    expect(await replayCommand(['--nofile', 'x', 'good.log'], io([], []))).toBe(2)
  })
  it('--kernel 6.5 and mainline run the same checks', async () => {
    for (const k of ['6.5', 'mainline']) {
      const out: string[] = []
      expect(await replayCommand(['--json', '--kernel', k, '--complete', 'good.log'], io(out, []))).toBe(0)
      expect(JSON.parse(out[0]!).kernel).toBe(k === 'mainline' ? '6.18' : '6.5')
    }
  })
  it('--trace prints the close path of the chosen profile', async () => {
    files['close.log'] = log('100   openat(AT_FDCWD, "a", O_RDONLY) = 3', '100   close(3) = 0')
    const out: string[] = []
    expect(await replayCommand(['--trace', '--complete', 'close.log'], io(out, []))).toBe(0)
    const text = out.join('\n')
    const close = text.slice(text.indexOf('close(3) = 0'))
    expect(close).toMatch(/file_close_fd/)
    expect(close.indexOf('filp_flush')).toBeGreaterThan(close.indexOf('file_close_fd'))
    const out65: string[] = []
    await replayCommand(['--trace', '--kernel', '6.5', '--complete', 'close.log'], io(out65, []))
    expect(out65.join('\n')).toMatch(/close_fd_get_file|pick_file/)
  })
  it('a real corpus log with one result changed is caught at that line', () => {
    const text = readFixture('probe-lowest_fd.log').split('\n')
    const i = text.findIndex((l) => l.includes('fcntl(0, F_DUPFD, 2)') && l.endsWith('= 4'))
    expect(i).toBeGreaterThan(0)
    text[i] = text[i]!.replace(/= 4$/, '= 8')
    const r = replayText(text.join('\n'))
    expect(r.mismatches[0]).toMatchObject({ line: i + 1, expected: '8', model: '4' })
  })
})
