import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  StraceReader, SyscallEvent, argAt, arrayItems, fdArg, intArg, intArray, parseAll, parseFlagWord, parseLine,
  parseQuoted, splitArgs, structField, type RawCall, type StraceEvent,
} from '../../../main/engine/strace/parse'

function call(line: string): RawCall {
  const r = parseLine(line, 1)
  if (r.kind !== 'call') throw new Error(`not a call: ${JSON.stringify(r)}`)
  return r
}
function syscalls(evs: StraceEvent[]): SyscallEvent[] {
  return evs.filter((e): e is SyscallEvent => e.type === 'syscall')
}

describe('pid prefixes', () => {
  it('no prefix', () => {
    const c = call('openat(AT_FDCWD, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = 3')
    expect(c).toMatchObject({ pid: -1, name: 'openat', ret: 3, phase: 'whole' })
    expect(c.argsText).toBe('AT_FDCWD, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC')
  })
  it('-o file with -f: `PID  `', () => {
    expect(call('5909  close(3)                       = 0')).toMatchObject({ pid: 5909, name: 'close', ret: 0, argsText: '3' })
  })
  it('stderr with -f: `[pid  N] `', () => {
    expect(call('[pid  6468] set_robust_list(0x7fa196a5aa20, 24) = 0')).toMatchObject({ pid: 6468, name: 'set_robust_list', ret: 0 })
    expect(call('[pid 123456] getpid() = 123456')).toMatchObject({ pid: 123456, ret: 123456, argsText: '' })
  })
  it('--decode-pids=comm: `PID<comm> ` and `[pid N<comm>] `', () => {
    expect(call('5907<sh> close(3)                       = 0')).toMatchObject({ pid: 5907, comm: 'sh', name: 'close' })
    expect(call('[pid  6608<bash>] set_robust_list(0x7fd6c262ba20, 24) = 0')).toMatchObject({ pid: 6608, comm: 'bash' })
    expect(call('20<Bun Pool 0> read(3, "", 10) = 0')).toMatchObject({ pid: 20, comm: 'Bun Pool 0', name: 'read' })
  })
  it('--decode-pids=comm decorates returned and array pids', () => {
    const c = call('20<bash> clone(child_stack=0x7bb2, flags=CLONE_VM|CLONE_FILES|CLONE_THREAD, parent_tid=[21<Bun Pool 0>], tls=0x7bb2) = 21<Bun Pool 0>')
    expect(c).toMatchObject({ ret: 21, retDecor: 'Bun Pool 0' })
    expect(intArray(structField(`{${c.argsText}}`, 'parent_tid'))).toEqual([21])
    expect(call('getppid()                               = 6577<strace>')).toMatchObject({ ret: 6577, retDecor: 'strace' })
  })
})

describe('timestamps and durations', () => {
  it('-t', () => {
    expect(call('6455  17:43:01 close(5) = 0')).toMatchObject({ pid: 6455, time: '17:43:01', name: 'close' })
  })
  it('-tt with -T', () => {
    const c = call('6455  17:43:01.378228 pipe2([4, 5], 0) = 0 <0.000019>')
    expect(c).toMatchObject({ pid: 6455, time: '17:43:01.378228', name: 'pipe2', ret: 0, duration: 0.000019 })
  })
  it('-ttt without pid', () => {
    expect(call('1795369381.524305 brk(NULL) = 0x564f4e5da000')).toMatchObject({ pid: -1, time: '1795369381.524305', ret: 0x564f4e5da000 })
  })
  it('-r (relative, right-aligned)', () => {
    expect(call('     0.000283 brk(NULL)                 = 0x561c4c097000')).toMatchObject({ time: '0.000283', name: 'brk' })
  })
  it('-ttt -r together', () => {
    expect(call('1795369381.523450 (+     0.000000) execve("/usr/bin/true", ["true"], 0x7ffc /* 35 vars */) = 0'))
      .toMatchObject({ time: '1795369381.523450 (+     0.000000)', name: 'execve', ret: 0 })
  })
  it('-T on an error and on a resumed line', () => {
    const c = call('6455  <... close resumed>) = -1 EBADF (Bad file descriptor) <0.000018>')
    expect(c).toMatchObject({ phase: 'resumed', name: 'close', ret: -1, errno: 'EBADF', errText: 'Bad file descriptor', duration: 0.000018 })
  })
  it('-n and -i prefixes are skipped', () => {
    expect(call('[  59] [00007fcaa9a47ad7] execve("/usr/bin/true", ["true"], 0x7fff /* 35 vars */) = 0')).toMatchObject({ name: 'execve', ret: 0 })
  })
})

describe('-y / -yy decorations', () => {
  it('fd arguments and returns', () => {
    const c = call('6456  dup2(5<pipe:[8176]>, 1</tmp/fdlab-corpus/out> <unfinished ...>')
    expect(c.phase).toBe('unfinished')
    expect(splitArgs(c.argsText).map(fdArg)).toEqual([{ fd: 5, decor: 'pipe:[8176]' }, { fd: 1, decor: '/tmp/fdlab-corpus/out' }])
    const r = call('6456  <... dup2 resumed>)            = 1<pipe:[8176]>')
    expect(r).toMatchObject({ ret: 1, retDecor: 'pipe:[8176]', retText: '1<pipe:[8176]>' })
  })
  it('nested -yy decorations and sockets with ->', () => {
    const c = call('getpeername(0</dev/null<char 1:3>>, 0x7ffd4ee63f60, [16]) = -1 ENOTSOCK (Socket operation on non-socket)')
    expect(fdArg(argAt(c.argsText, 0))).toEqual({ fd: 0, decor: '/dev/null<char 1:3>' })
    expect(c.errno).toBe('ENOTSOCK')
    const t = call('connect(3<TCP:[127.0.0.1:40000->127.0.0.1:80]>, {sa_family=AF_INET, sin_port=htons(80)}, 16) = 0')
    expect(splitArgs(t.argsText)).toHaveLength(3)
    expect(fdArg(argAt(t.argsText, 0))?.decor).toBe('TCP:[127.0.0.1:40000->127.0.0.1:80]')
    const u = call('accept4(3<UNIX-STREAM:[8120]>, NULL, NULL, SOCK_CLOEXEC) = 4<UNIX-STREAM:[8120->8121]>')
    expect(u).toMatchObject({ ret: 4, retDecor: 'UNIX-STREAM:[8120->8121]' })
  })
  it('pipe2 fd array and memfd with "(deleted)"', () => {
    const c = call('pipe2([4<pipe:[8176]>, 5<pipe:[8176]>], 0) = 0')
    expect(intArray(argAt(c.argsText, 0))).toEqual([4, 5])
    const m = call('fstat(3</memfd:x (deleted)>, {st_mode=S_IFREG|0600, st_size=0, ...}) = 0')
    expect(splitArgs(m.argsText)).toHaveLength(2)
  })
  it('shifts (`1<<CAP_CHOWN`) are not decorations', () => {
    const c = call('capget({version=_LINUX_CAPABILITY_VERSION_3, pid=0}, {effective=1<<CAP_CHOWN|1<<CAP_KILL, permitted=1<<CAP_CHOWN, inheritable=0}) = 0')
    expect(splitArgs(c.argsText)).toHaveLength(2)
    expect(c.ret).toBe(0)
  })
})

describe('unfinished / resumed', () => {
  it('a pair is merged into one call with its start line', () => {
    const evs = parseAll([
      '5907  rt_sigprocmask(SIG_BLOCK, [CHLD],  <unfinished ...>',
      '5908  close(3)                       = 0',
      '5907  <... rt_sigprocmask resumed>[], 8) = 0',
    ].join('\n'))
    expect(evs.map((e) => e.type)).toEqual(['start', 'syscall', 'syscall'])
    const s = syscalls(evs)[1]!
    expect(s).toMatchObject({ pid: 5907, name: 'rt_sigprocmask', startLine: 1, line: 3, resumed: true, ret: 0 })
    expect(s.args).toEqual(['SIG_BLOCK', '[CHLD]', '[]', '8'])
  })
  it('resumed halves with structs (clone3 `=>`)', () => {
    const evs = parseAll([
      '100   clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, child_tid=0x7f3f69bbb990, parent_tid=0x7f3f69bbb990, exit_signal=0, stack=0x7f3f693bb000, stack_size=0x7fff80, tls=0x7f3f69bbb6c0} <unfinished ...>',
      '101   set_robust_list(0x7f3f69bbb9a0, 24) = 0',
      '100   <... clone3 resumed> => {parent_tid=[101]}, 88) = 101',
    ].join('\n'))
    const c = syscalls(evs).find((e) => e.name === 'clone3')!
    expect(c.ret).toBe(101)
    expect(c.args).toHaveLength(2)
    expect(c.args[0]).toContain('=> {parent_tid=[101]}')
  })
  it('a resumed line whose start is missing is an orphan', () => {
    const [e] = syscalls(parseAll('42    <... read resumed>"abc", 4096) = 3'))
    expect(e).toMatchObject({ orphan: true, name: 'read', ret: 3, pid: 42 })
  })
  it('calls still in flight at the end are reported unfinished', () => {
    const evs = parseAll('7     wait4(-1,  <unfinished ...>\n')
    const s = syscalls(evs)
    expect(s).toHaveLength(1)
    expect(s[0]).toMatchObject({ unfinished: true, name: 'wait4', ret: null })
  })
  it('a call killed mid-flight is closed by the +++ line', () => {
    const evs = parseAll('9     read(0,  <unfinished ...>\n9     +++ killed by SIGKILL +++\n')
    expect(evs.map((e) => e.type)).toEqual(['start', 'syscall', 'exit'])
    expect(syscalls(evs)[0]).toMatchObject({ unfinished: true, line: 2, startLine: 1 })
  })
  it('stderr output split by "strace: Process N attached"', () => {
    const evs = parseAll([
      'clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLDstrace: Process 6517 attached',
      ' <unfinished ...>',
      '[pid  6517] getpid( <unfinished ...>',
      '[pid  6516] <... clone resumed>, child_tidptr=0x7fb61e32aa10) = 6517',
      '[pid  6517] <... getpid resumed>)       = 6517',
    ].join('\n'))
    const types = evs.map((e) => e.type)
    expect(types).toContain('alias')
    const alias = evs.find((e) => e.type === 'alias')
    expect(alias).toMatchObject({ from: 0, to: 6516 })
    const clone = syscalls(evs).find((e) => e.name === 'clone')!
    expect(clone).toMatchObject({ pid: 6516, ret: 6517, resumed: true, startLine: 1 })
    expect(clone.args[1]).toBe('flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD')
    expect(evs.filter((e) => e.type === 'unparsed')).toEqual([])
  })
  it('stderr output split by the attach message, continued with the rest of the call', () => {
    const evs = parseAll('clone(child_stack=NULL, flags=SIGCHLDstrace: Process 7585 attached\n, child_tidptr=0x7f068a238a10) = 7585\n')
    const clone = syscalls(evs)[0]!
    expect(clone).toMatchObject({ name: 'clone', ret: 7585 })
    expect(evs.find((e) => e.type === 'info')).toMatchObject({ attached: 7585 })
  })
})

describe('signals and exits', () => {
  it('signal lines', () => {
    const r = parseLine('6455  --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=6456, si_uid=0, si_status=0, si_utime=0, si_stime=0} ---', 3)
    expect(r).toMatchObject({ kind: 'signal', pid: 6455, signal: 'SIGCHLD' })
    expect(r.kind === 'signal' && r.info.startsWith('{si_signo=SIGCHLD')).toBe(true)
    expect(parseLine('--- stopped by SIGSTOP ---', 1)).toMatchObject({ kind: 'signal', signal: 'SIGSTOP', info: 'stopped' })
  })
  it('+++ exited / killed / core dumped / superseded +++', () => {
    expect(parseLine('5908  +++ exited with 0 +++', 1)).toMatchObject({ kind: 'exit', pid: 5908, how: 'exited', code: 0 })
    expect(parseLine('+++ exited with 127 +++', 1)).toMatchObject({ kind: 'exit', pid: -1, code: 127 })
    expect(parseLine('77    +++ killed by SIGKILL +++', 1)).toMatchObject({ how: 'killed', signal: 'SIGKILL', core: false })
    expect(parseLine('77    +++ killed by SIGSEGV (core dumped) +++', 1)).toMatchObject({ how: 'killed', signal: 'SIGSEGV', core: true })
    expect(parseLine('6569  +++ superseded by execve in pid 6570 +++', 1)).toMatchObject({ how: 'superseded', by: 6570, pid: 6569 })
  })
  it('a non-leader thread execve finishes under the leader pid (superseded)', () => {
    const evs = parseAll([
      '6570  execve("/bin/true", ["/bin/true"], NULL <unfinished ...>',
      '6569  <... clock_nanosleep resumed> <unfinished ...>) = ?',
      '6569  +++ superseded by execve in pid 6570 +++',
      '6569  <... execve resumed>)             = 0',
    ].join('\n'))
    const ex = syscalls(evs).find((e) => e.name === 'execve')!
    expect(ex).toMatchObject({ pid: 6569, startPid: 6570, ret: 0, startLine: 1, line: 4 })
    expect(ex.args).toEqual(['"/bin/true"', '["/bin/true"]', 'NULL'])
    const ns = syscalls(evs).find((e) => e.name === 'clock_nanosleep')!
    expect(ns).toMatchObject({ ret: null, retText: '?' })
    expect(evs.filter((e) => e.type === 'unparsed')).toEqual([])
  })
  it('<pid changed to N ...> marks an execve that finishes under pid N', () => {
    const evs = parseAll([
      '201   execve("/bin/true", ["true", "x", "y"], 0x1 /* 1 var */ <pid changed to 200 ...>',
      '200   +++ superseded by execve in pid 201 +++',
      '200   <... execve resumed>) = 0',
    ].join('\n'))
    const r = parseLine('201   execve("/bin/true", ["true"], 0x1 /* 1 var */ <pid changed to 200 ...>', 1)
    expect(r).toMatchObject({ kind: 'call', phase: 'unfinished', pidChanged: 200 })
    const ex = syscalls(evs)[0]!
    expect(ex).toMatchObject({ pid: 200, startPid: 201, ret: 0, resumed: true })
  })
  it('<pid changed ...> without a superseded line is still joined by name', () => {
    const evs = parseAll('201   execve("/bin/true", ["true"], NULL <pid changed to 200 ...>\n200   <... execve resumed>) = 0\n')
    expect(syscalls(evs)[0]).toMatchObject({ pid: 200, startPid: 201, orphan: false })
  })
  it('<detached ...> ends a call that will not be resumed', () => {
    const evs = parseAll('5  read(0,  <detached ...>\n')
    expect(syscalls(evs)[0]).toMatchObject({ unfinished: true, name: 'read' })
  })
})

describe('return values', () => {
  it('= ?', () => {
    expect(call('5908  exit_group(0)                     = ?')).toMatchObject({ ret: null, retText: '?' })
  })
  it('hex returns', () => {
    expect(call('mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f86e3008000').ret).toBe(0x7f86e3008000)
  })
  it('negative returns with errno name and text', () => {
    expect(call('access("/etc/ld.so.preload", R_OK) = -1 ENOENT (No such file or directory)'))
      .toMatchObject({ ret: -1, errno: 'ENOENT', errText: 'No such file or directory' })
    expect(call('close(-1) = -1 EBADF (Bad file descriptor)')).toMatchObject({ errno: 'EBADF' })
    expect(call('openat(AT_FDCWD, "x", O_RDONLY) = -1 E2BIG (Argument list too long)')).toMatchObject({ errno: 'E2BIG' })
  })
  it('ERESTART* results', () => {
    expect(call('wait4(-1, 0x7ffc, 0, NULL) = ? ERESTARTSYS (To be restarted if SA_RESTART is set)'))
      .toMatchObject({ ret: null, errno: 'ERESTARTSYS', errText: 'To be restarted if SA_RESTART is set' })
    expect(call('clock_nanosleep(CLOCK_REALTIME, 0, {tv_sec=5, tv_nsec=0}, 0x7ffe) = ? ERESTART_RESTARTBLOCK (Interrupted by signal)'))
      .toMatchObject({ errno: 'ERESTART_RESTARTBLOCK' })
    expect(call('read(0, 0x7ffe, 1) = ? ERESTARTNOHAND (To be restarted if no handler)')).toMatchObject({ errno: 'ERESTARTNOHAND' })
  })
  it('auxiliary text after the value', () => {
    expect(call('fcntl(3, F_GETFL) = 0x8002 (flags O_RDWR|O_LARGEFILE)')).toMatchObject({ ret: 0x8002, aux: '(flags O_RDWR|O_LARGEFILE)' })
    expect(call('poll([{fd=3, events=POLLIN}], 1, 0) = 1 ([{fd=3, revents=POLLIN}])')).toMatchObject({ ret: 1, aux: '([{fd=3, revents=POLLIN}])' })
    expect(call('openat(AT_FDCWD, "/x", O_RDONLY) = -1 ENOENT (No such file or directory) (INJECTED)'))
      .toMatchObject({ errno: 'ENOENT', aux: '(INJECTED)' })
    expect(call('read(3, 0x1, 1) = -1 (errno 523)')).toMatchObject({ errno: 'errno 523' })
  })
  it('a " = " inside a string does not end the arguments', () => {
    const c = call('write(1, "a = b) = 3\\n", 11) = 11')
    expect(c.ret).toBe(11)
    expect(splitArgs(c.argsText)).toEqual(['1', '"a = b) = 3\\n"', '11'])
  })
})

describe('arguments', () => {
  it('truncated strings and arrays', () => {
    const c = call('read(3, "\\177ELF\\2\\1\\1\\3\\0\\0\\0\\0\\0\\0\\0\\0\\3\\0>\\0\\1\\0\\0\\0\\20t\\2\\0\\0\\0\\0\\0"..., 832) = 832')
    expect(splitArgs(c.argsText)).toHaveLength(3)
    expect(parseQuoted(argAt(c.argsText, 1))).toMatchObject({ truncated: true })
    const e = call('execve("/usr/bin/sh", ["sh", "-c", "echo hi | cat > /dev/null; ls / "...], 0x7ffe98511df0 /* 35 vars */) = 0')
    expect(arrayItems(argAt(e.argsText, 1))).toEqual(['"sh"', '"-c"', '"echo hi | cat > /dev/null; ls / "...'])
    const a = call('execve("/bin/x", ["x", "1", "2", ...], 0x7ffe /* 2 vars */) = 0')
    expect(arrayItems(argAt(a.argsText, 1))).toEqual(['"x"', '"1"', '"2"', '...'])
    expect(argAt(a.argsText, 2)).toBe('0x7ffe /* 2 vars */')
  })
  it('nested structs', () => {
    const c = call('recvmsg(3, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="x", iov_len=1}], msg_iovlen=1, msg_control=[{cmsg_len=20, cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS, cmsg_data=[7, 8]}], msg_controllen=24, msg_flags=0}, 0) = 1')
    expect(splitArgs(c.argsText)).toHaveLength(3)
    const ctl = structField(argAt(c.argsText, 1), 'msg_control')
    expect(intArray(structField(ctl, 'cmsg_data', true))).toEqual([7, 8])
    expect(structField(argAt(c.argsText, 1), 'msg_flags')).toBe('0')
  })
  it('/* N vars */ comments', () => {
    const c = call('execve("/usr/bin/cat", ["cat"], 0x55fc17ab2ab0 /* 35 vars */) = 0')
    expect(splitArgs(c.argsText)).toEqual(['"/usr/bin/cat"', '["cat"]', '0x55fc17ab2ab0 /* 35 vars */'])
  })
  it('restart_syscall(<... resuming ...>)', () => {
    const c = call('12    restart_syscall(<... resuming interrupted clock_nanosleep ...>) = 0')
    expect(c).toMatchObject({ name: 'restart_syscall', ret: 0, argsText: '<... resuming interrupted clock_nanosleep ...>' })
  })
  it('integers, named constants, flags and quoted strings', () => {
    expect(intArg('AT_FDCWD')).toBe(-100)
    expect(intArg('-1')).toBe(-1)
    expect(intArg('0x10')).toBe(16)
    expect(intArg('3</etc/passwd>')).toBe(3)
    expect(intArg('O_RDONLY')).toBeUndefined()
    expect(parseFlagWord('O_RDWR|O_CLOEXEC|0x40', { O_RDWR: 2, O_CLOEXEC: 0o2000000 })).toEqual({ value: 2 | 0o2000000 | 0x40, unknown: [] })
    expect(parseQuoted('"a\\tb\\x41\\101"')).toEqual({ value: 'a\tbAA', truncated: false })
  })
  it('unknown syscall names', () => {
    expect(call('syscall_0x1c3(0x1, 0x2) = -1 ENOSYS (Function not implemented)')).toMatchObject({ name: 'syscall_0x1c3', errno: 'ENOSYS' })
  })
})

describe('other lines', () => {
  it('strace messages and -k backtraces are info', () => {
    expect(parseLine('strace: Process 6517 attached', 1)).toMatchObject({ kind: 'info', attached: 6517 })
    expect(parseLine('strace: Process 6517 detached', 1)).toMatchObject({ kind: 'info', detachedPid: 6517 })
    expect(parseLine(' > /usr/lib/x86_64-linux-gnu/libc.so.6(__write+0x14) [0xf7a2d]', 1)).toMatchObject({ kind: 'info' })
  })
  it('garbage is unparsed with its line number, and the reader goes on', () => {
    const evs = parseAll('close(3) = 0\nthis is not strace\nclose(4 = 0\nopen(\n5  close(5) = 0\n')
    expect(evs.filter((e) => e.type === 'unparsed').map((e) => e.line)).toEqual([2, 3, 4])
    expect(syscalls(evs).map((e) => e.line)).toEqual([1, 5])
  })
  it('CRLF line ends and blank lines', () => {
    const evs = parseAll('close(3) = 0\r\n\r\n\nclose(4) = 0\r\n')
    expect(syscalls(evs).map((e) => e.argsText)).toEqual(['3', '4'])
  })
})

describe('streaming', () => {
  const log = [
    '5907  openat(AT_FDCWD, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = 3',
    '5907  clone(child_stack=NULL, flags=SIGCHLD <unfinished ...>',
    '5908  close(3)                       = 0',
    '5907  <... clone resumed>, child_tidptr=0x7f) = 5908',
    '5908  +++ exited with 0 +++',
    '5907  exit_group(0) = ?',
    '5907  +++ exited with 0 +++',
    '',
  ].join('\n')
  it('gives the same events for every chunking', () => {
    const whole = JSON.stringify(parseAll(log))
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: log.length }), { maxLength: 12 }), (cuts) => {
      const points = [...new Set(cuts)].sort((a, b) => a - b)
      const out: StraceEvent[] = []
      const r = new StraceReader({ onEvent: (e) => out.push(e) })
      let prev = 0
      for (const p of points) {
        r.push(log.slice(prev, p))
        prev = p
      }
      r.push(log.slice(prev))
      r.end()
      expect(JSON.stringify(out)).toBe(whole)
      expect(r.lines).toBe(7)
    }))
  })
  it('a line is parsed in place in its chunk: nothing after its end is read (one chunk = line by line)', () => {
    // each line lacks what the next one has: a parse that looked past its line would find it there
    const tricky = [
      '[pid 12<sh x', '>] close(3) = 0', '12<sh', '> close(3) = 0', '17:43:01.378228 (+', ') close(3) = 0',
      '[ 59', '] close(3) = 0', '5907  <... read', ' resumed>) = 1', '5907  close(3)', '= 0',
      '5907  close(3) = -1 (errno 5', ') x', '5907  close(3) = 3', '<x> y', '5907  read(3, "a"', ') = 1 <0.000012>',
      '5907  close(3)                       = 0', '+++ exited with 0 +++', '--- SIGCHLD {si_signo=SIGCHLD} ---',
      '5907  close(3) = 0   ', '5907  close(3) = 0\r', '', '5907  dup(0) = 3</dev/null', '>',
    ]
    const lineByLine = (text: string): string => {
      const out: StraceEvent[] = []
      const r = new StraceReader({ onEvent: (e) => out.push(e) })
      for (const l of text.split('\n')) r.push(`${l}\n`)
      r.end()
      return JSON.stringify(out)
    }
    fc.assert(fc.property(fc.array(fc.constantFrom(...tricky), { minLength: 1, maxLength: 12 }), (ls) => {
      const text = ls.join('\n')
      expect(JSON.stringify(parseAll(text + '\n'))).toBe(lineByLine(text))
    }), { numRuns: 1000 })
  })
  it('memory stays bounded: pending calls are per thread, lines are not kept', () => {
    const r = new StraceReader({ onEvent: () => {} })
    for (let i = 0; i < 20000; i++) {
      r.push(`${100 + (i % 8)}  read(3,  <unfinished ...>\n${100 + (i % 8)}  <... read resumed>"x", 1) = 1\n`)
    }
    expect(r.inFlight).toBe(0)
    r.push('100  read(3,  <unfinished ...>\n')
    expect(r.inFlight).toBe(1)
  })
  it('an over-long line is reported and skipped', () => {
    const out: StraceEvent[] = []
    const r = new StraceReader({ onEvent: (e) => out.push(e), maxLineLength: 100 })
    r.push('close(3) = 0\n' + 'x'.repeat(150))
    r.push('y'.repeat(150) + '\nclose(4) = 0\n')
    r.end()
    expect(out.map((e) => e.type)).toEqual(['syscall', 'unparsed', 'syscall'])
    expect(out[2]!.line).toBe(3)
  })
})

describe('never throws (property tests)', () => {
  const pieces = [
    '5907  ', '[pid  12] ', '12<sh> ', '17:43:01.378228 ', '<... ', ' resumed>', ' <unfinished ...>', ' <pid changed to 5 ...>',
    'close(', 'execve(', '"', '\\', '"...', '[', ']', '{', '}', '(', ')', '<', '>', '->', ' = ', '?', '-1', 'EBADF',
    ' (Bad file descriptor)', '0x7f', '3</x>', ', ', '+++ ', 'exited with ', ' +++', '--- ', 'SIGCHLD', ' ---',
    'strace: Process 5 attached', '\n', '\r\n', ' <0.000012>', '/* 3 vars */', '...',
  ]
  const tokenText = fc.array(fc.constantFrom(...pieces), { maxLength: 40 }).map((a) => a.join(''))
  it('random text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => {
      expect(() => parseAll(s)).not.toThrow()
    }), { numRuns: 2000 })
  })
  it('random strace-like token soup', () => {
    fc.assert(fc.property(tokenText, (s) => {
      const evs = parseAll(s)
      for (const e of evs) if (e.type === 'syscall') void e.args
    }), { numRuns: 3000 })
  })
  it('every prefix (truncation) of a real log, in random chunks', () => {
    const real = [
      '6455  17:43:01.378228 pipe2([4<pipe:[8176]>, 5<pipe:[8176]>], 0) = 0 <0.000019>',
      '6455  17:43:01.378862 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD <unfinished ...>',
      '6456  17:43:01.379197 dup2(5<pipe:[8176]>, 1</tmp/fdlab-corpus/out> <unfinished ...>',
      '6455  17:43:01.378991 <... clone resumed>, child_tidptr=0x7f544378aa10) = 6457 <0.000123>',
      '6456  17:43:01.379266 <... dup2 resumed>) = 1<pipe:[8176]> <0.000045>',
      '6457  17:43:01.379644 execve("/usr/bin/wc", ["wc", "-c"], 0x55 /* 35 vars */) = 0 <0.000300>',
      '6455  --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=6456, si_uid=0, si_status=0} ---',
      '6455  +++ exited with 0 +++',
    ].join('\n')
    fc.assert(fc.property(fc.integer({ min: 0, max: real.length }), fc.integer({ min: 1, max: 50 }), (cut, step) => {
      const text = real.slice(0, cut)
      const out: StraceEvent[] = []
      const r = new StraceReader({ onEvent: (e) => out.push(e) })
      for (let i = 0; i < text.length; i += step) r.push(text.slice(i, i + step))
      r.end()
      for (const e of out) if (e.type === 'syscall') void e.args
    }), { numRuns: 1500 })
  })
  it('argument helpers on random text', () => {
    fc.assert(fc.property(tokenText, fc.string({ maxLength: 50 }), (a, b) => {
      for (const s of [a, b]) {
        splitArgs(s); argAt(s, 1); intArg(s); fdArg(s); arrayItems(s); intArray(s); structField(s, 'x', true); parseQuoted(s)
        parseFlagWord(s, {})
      }
    }), { numRuns: 2000 })
  })
})
