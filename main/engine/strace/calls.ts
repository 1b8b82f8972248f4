/**
 * Every system call the replayer knows, declared once: how it uses or changes the fd table (the
 * sets below are derived from these declarations), its effect on the model and what it checks
 * (`replay`, a Replayer method), and what it predicts for the order of overlapping calls
 * (`predict`, for the planner). Adding a system call is one declaration here and a test.
 */
import { intArg, intArray, parseFlagWord, parseQuoted, structField, type SyscallEvent } from './parse'
import { DOMAINS, fdIoctl, PROC_FD_PATH, scmRights } from './decode'
import { OPEN_MODE_MASK, predictCreate, predictUses, type Predictor } from './planner'
import { CREATE_FLAGS, OPEN_FLAGS, type FdNeed, type FdUse } from './syscalls'
import type { Replayer } from './replay'
import type { Task } from './tasks'
import * as F from '../kernel/include/flags'

export interface CallDecl {
  /** Uses existing fds only: these arguments are looked up (EBADF checks). */
  readonly uses?: readonly FdUse[]
  /** Creates one fd, returned as the result (lowest free fd unless noted). */
  readonly creates?: boolean
  /** Its effect on the table can make an overlapping call's result depend on order. */
  readonly writes?: boolean
  /** Creates a task (clone family). */
  readonly clone?: boolean
  /** Never reads or changes an fd table (counted as ignored). */
  readonly ignored?: boolean
  /** Effect on the model and the checks. */
  readonly replay?: (r: Replayer, e: SyscallEvent, t: Task) => void
  /** Its effect on which fds are in use, for ordering overlapping calls (the planner). */
  readonly predict?: Predictor
  /** Every process linked with a libc makes it: a log that shows it is not filtered. */
  readonly marker?: boolean
  /** Index of a path argument that may name /proc/self/fd/N (a check of whether N is open). */
  readonly procPath?: number
  /**
   * The kernel version that added the call, when it is newer than the oldest profile (6.5): a
   * replay in an older profile follows the log for it (unsupported, nothing checked).
   */
  readonly since?: readonly [number, number]
}

const u = (arg: number, need: FdNeed = 'any'): FdUse => ({ arg, need })
const d = (arg: number, path: number, flags?: number): FdUse => ({ arg, need: 'dirfd', path, flags })

const calls = new Map<string, CallDecl>()
/**
 * Every declaration has all fields, in one order: the replayer reads them for every line, and
 * objects of one shape keep those reads cheap.
 */
function shaped(d: CallDecl): CallDecl {
  return {
    uses: d.uses, creates: d.creates, writes: d.writes, clone: d.clone, ignored: d.ignored, replay: d.replay,
    predict: d.predict, marker: d.marker, procPath: d.procPath, since: d.since,
  }
}
function declare(names: string | readonly string[], decl: CallDecl): void {
  for (const n of typeof names === 'string' ? [names] : names) {
    if (calls.has(n)) throw new Error(`system call ${n} declared twice`)
    // each name gets its own object, so that per-name facts (marker, procPath) can be added below
    calls.set(n, shaped(decl))
  }
}
/** Adds per-name facts to declared calls. */
function also(names: readonly string[], extra: Partial<CallDecl>): void {
  for (const n of names) calls.set(n, shaped({ ...calls.get(n), ...extra }))
}

/** A call that only uses fds: EBADF checks of @uses. */
function user(...uses: FdUse[]): CallDecl {
  return { uses, replay: (r, e, t) => r.genericUse(e, t, uses), predict: predictUses(uses) }
}

// ---------------------------------------------------------------------------------------------
// Calls that use fds

declare(['read', 'readv', 'pread64', 'preadv', 'preadv2'], user(u(0, 'read')))
declare(['write', 'writev', 'pwrite64', 'pwritev', 'pwritev2'], user(u(0, 'write')))
declare(['lseek', '_llseek'], user(u(0)))
declare(['fstat', 'fstatfs', 'fchdir'], user(u(0, 'raw')))
declare(['newfstatat', 'fstatat64', 'faccessat2', 'utimensat'], user(d(0, 1, 3)))
declare('fchmodat2', { ...user(d(0, 1, 3)), since: [6, 6] })
declare('statx', user(d(0, 1, 2)))
declare(['getxattrat', 'setxattrat', 'listxattrat', 'removexattrat'], { ...user(d(0, 1, 2)), since: [6, 13] })
declare(['faccessat', 'readlinkat', 'mkdirat', 'mknodat', 'unlinkat', 'fchmodat', 'futimesat', 'mount_setattr'], user(d(0, 1)))
declare(['file_getattr', 'file_setattr'], { ...user(d(0, 1)), since: [6, 17] })
declare('fchownat', user(d(0, 1, 4)))
declare('symlinkat', user(d(1, 0)))
declare(['renameat', 'renameat2', 'move_mount'], user(d(0, 1), d(2, 3)))
declare('linkat', user(d(0, 1, 4), d(2, 3)))
declare('name_to_handle_at', user(d(0, 1, 4)))
declare([
  'fchmod', 'fchown', 'fsync', 'fdatasync', 'syncfs', 'ftruncate', 'fallocate', 'fadvise64', 'readahead',
  'sync_file_range', 'flock', 'getdents', 'getdents64', 'fgetxattr', 'fsetxattr', 'flistxattr', 'fremovexattr',
  'vmsplice', 'bind', 'listen', 'connect', 'getsockname', 'getpeername', 'shutdown', 'setsockopt', 'sendto',
  'recvfrom', 'sendmmsg', 'epoll_wait', 'epoll_pwait', 'epoll_pwait2', 'inotify_add_watch', 'inotify_rm_watch',
  'timerfd_settime', 'timerfd_gettime', 'pidfd_send_signal', 'fanotify_mark', 'io_uring_enter', 'io_uring_register',
  'mq_timedsend', 'mq_timedreceive', 'mq_notify', 'mq_getsetattr', 'quotactl_fd', 'fsconfig', 'landlock_add_rule',
  'landlock_restrict_self', 'cachestat', 'process_madvise', 'process_mrelease',
], user(u(0)))
declare('sendfile', user(u(0, 'write'), u(1, 'read')))
declare('splice', user(u(0), u(2)))
declare('tee', user(u(0), u(1)))
declare('copy_file_range', user(u(0, 'read'), u(2, 'write')))
declare('epoll_ctl', user(u(0), u(2)))
{
  const setns = user(u(0))
  declare('setns', {
    ...setns,
    replay: (r, e, t) => {
      // joining a pid namespace (nstype CLONE_NEWPID, or 0 with a pid namespace fd) moves the children
      const ns = e.arg(1) ?? ''
      if (e.ret === 0 && (ns === 'CLONE_NEWPID' || ns === '0')) t.childNsForeign = true
      setns.replay!(r, e, t)
    },
  })
}
{
  const execveat = [d(0, 1, 4)]
  declare('execveat', { uses: execveat, writes: true, replay: (r, e, t) => r.execve(e, t, execveat) })
  declare('execve', { writes: true, replay: (r, e, t) => r.execve(e, t, undefined) })
}
{
  const sendmsg = [u(0)]
  declare('sendmsg', {
    uses: sendmsg,
    replay: (r, e, t) => r.sendmsg(e, t, sendmsg),
    predict: predictUses(sendmsg),
  })
  const getsockopt = [u(0)]
  declare('getsockopt', { uses: getsockopt, replay: (r, e, t) => r.getsockopt(e, t, getsockopt), predict: predictUses(getsockopt) })
}
declare('mmap', {
  replay: (r, e, t) => r.mmap(e, t),
  predict: (e, p) => (e.arg(3) ?? '').includes('MAP_ANONYMOUS') || p.use(intArg(e.arg(4))),
})

// ---------------------------------------------------------------------------------------------
// Calls that create fds

/** A one-fd creator the engine implements, with its arguments decoded for the model. */
function creator(model: string, args: (e: SyscallEvent) => (number | string)[], kind?: 'sock'): CallDecl {
  return { creates: true, writes: true, replay: (r, e, t) => r.create(e, t, model, args(e), 0, kind), predict: predictCreate }
}
const cflags = (e: SyscallEvent, i: number): number => parseFlagWord(e.arg(i), CREATE_FLAGS)?.value ?? 0

const predictOpen: Predictor = (e, p) => {
  if (!p.ok) return true
  let mode = F.O_WRONLY
  if (e.name !== 'creat') {
    const w = e.name === 'openat2' ? structField(e.arg(2), 'flags') : e.arg(e.name === 'open' ? 1 : 2)
    mode = (parseFlagWord(w, OPEN_FLAGS)?.value ?? 0) & OPEN_MODE_MASK
  }
  return p.allocTo(0, e.ret!, mode)
}
declare(['open', 'openat', 'openat2', 'creat'], { creates: true, writes: true, replay: (r, e, t) => r.open(e, t), predict: predictOpen })
declare('dup', {
  creates: true,
  writes: true,
  replay: (r, e, t) => {
    const fd = intArg(e.arg(0))
    if (fd === undefined) return r.undecodable(e, t)
    if (fd < 0 || fd > 0x7fffffff) {
      r.useFd(e, t, fd, 'raw', e.errno === 'EBADF')
      return
    }
    r.create(e, t, 'dup', [fd], 0, 'anon', { fd, need: 'raw' })
  },
  predict: (e, p) => {
    const fd = intArg(e.arg(0))
    if (!p.use(fd, 'raw')) return false
    return !p.ok || p.allocTo(0, e.ret!, p.modeOf(fd))
  },
})
declare('socket', creator('socket', (e) => [parseFlagWord(e.arg(0), DOMAINS)?.value ?? 1, parseFlagWord(e.arg(1), CREATE_FLAGS)?.value ?? 1, intArg(e.arg(2)) ?? 0], 'sock'))
{
  const accept: Predictor = (e, p) => p.use(intArg(e.arg(0))) && (!p.ok || p.allocTo(0, e.ret!, F.O_RDWR))
  declare(['accept', 'accept4'], {
    creates: true,
    writes: true,
    replay: (r, e, t) => {
      const fd = intArg(e.arg(0))
      if (fd === undefined) return r.undecodable(e, t)
      r.create(e, t, 'accept4', [fd, e.name === 'accept4' ? cflags(e, 3) : 0], 0, 'sock', { fd, need: 'any' })
    },
    predict: accept,
  })
}
declare('eventfd', creator('eventfd2', (e) => [intArg(e.arg(0)) ?? 0, 0]))
declare('eventfd2', creator('eventfd2', (e) => [intArg(e.arg(0)) ?? 0, cflags(e, 1)]))
declare('epoll_create', creator('epoll_create', (e) => [intArg(e.arg(0)) ?? 1]))
declare('epoll_create1', creator('epoll_create1', (e) => [cflags(e, 0)]))
declare('memfd_create', creator('memfd_create', (e) => [parseQuoted(e.arg(0))?.value ?? '', cflags(e, 1)]))
declare('timerfd_create', creator('timerfd_create', (e) => [e.arg(0) === 'CLOCK_REALTIME' ? 0 : 1, cflags(e, 1)]))
declare('inotify_init', creator('inotify_init1', () => [0]))
declare('inotify_init1', creator('inotify_init1', (e) => [cflags(e, 0)]))
declare('pidfd_open', {
  creates: true,
  writes: true,
  replay: (r, e, t) => {
    const flags = cflags(e, 1)
    if (flags & F.O_EXCL && !r.features.pidfd_thread) {
      // PIDFD_THREAD is newer than the profile's kernel (v6.9): the log is followed
      r.unsup(e, 'pidfd_open(PIDFD_THREAD, v6.9)')
      if (e.ret !== null && e.ret >= 0) r.installAt(e, t, e.ret, true, true)
      return
    }
    r.create(e, t, 'pidfd_open', [intArg(e.arg(0)) ?? 0, flags])
  },
  predict: predictCreate,
})
{
  // signalfd(-1, ...) creates; signalfd(fd, ...) updates an existing signalfd and returns it
  const signalfd = (flagsArg: number | undefined): CallDecl => ({
    writes: true,
    replay: (r, e, t) => {
      const fd = intArg(e.arg(0))
      if (fd === undefined) return r.undecodable(e, t)
      if (fd === -1) r.create(e, t, 'signalfd4', [-1, flagsArg === undefined ? 0 : cflags(e, flagsArg)])
      else r.genericUse(e, t, [u(0)])
    },
    predict: (e, p) => {
      const fd = intArg(e.arg(0))
      if (fd === -1) return !p.ok || p.allocTo(0, e.ret!, F.O_RDWR)
      return p.use(fd)
    },
  })
  declare('signalfd', signalfd(undefined))
  declare('signalfd4', signalfd(3))
}
/** Creators the engine lacks: the fd is installed where the log says. */
declare([
  'open_by_handle_at', 'memfd_secret', 'fanotify_init', 'pidfd_getfd', 'userfaultfd', 'perf_event_open', 'io_uring_setup',
  'open_tree', 'fsopen', 'fsmount', 'fspick', 'mq_open', 'landlock_create_ruleset',
], { creates: true, writes: true, replay: (r, e, t) => r.foreignCreator(e, t) })
declare('open_tree_attr', { creates: true, writes: true, replay: (r, e, t) => r.foreignCreator(e, t), since: [6, 15] })
{
  const pair: Predictor = (e, p) => {
    if (!p.ok) return true
    const fds = intArray(e.arg(e.name === 'socketpair' ? 3 : 0))
    if (!fds || fds.length !== 2) return true
    const pipe = e.name !== 'socketpair'
    return p.allocTo(0, fds[0]!, pipe ? F.O_RDONLY : F.O_RDWR) && p.allocTo(0, fds[1]!, pipe ? F.O_WRONLY : F.O_RDWR)
  }
  declare(['pipe', 'pipe2'], { writes: true, replay: (r, e, t) => r.pair(e, t, 'pipe2'), predict: pair })
  declare('socketpair', { writes: true, replay: (r, e, t) => r.pair(e, t, 'socketpair'), predict: pair })
}
declare('recvmsg', {
  writes: true,
  replay: (r, e, t) => r.recvmsg(e, t),
  predict: (e, p) => {
    if (!p.use(intArg(e.arg(0)))) return false
    if (!p.ok) return true
    for (const fd of scmRights(e.arg(1))) if (!p.allocTo(0, fd, -1)) return false
    return true
  },
})
declare('recvmmsg', { writes: true })

// ---------------------------------------------------------------------------------------------
// Calls that change the table

declare('close', {
  writes: true,
  replay: (r, e, t) => r.close(e, t),
  predict: (e, p) => {
    const fd = intArg(e.arg(0))
    if (fd === undefined) return true
    const o = p.slot(fd)
    if (p.bad) return o === false || o === undefined
    if (o === false) return false
    p.set(fd, false)
    return true
  },
})
declare('close_range', { writes: true, replay: (r, e, t) => r.closeRange(e, t) })
declare(['dup2', 'dup3'], {
  writes: true,
  replay: (r, e, t) => r.dup23(e, t, e.name === 'dup3'),
  predict: (e, p) => {
    const o = intArg(e.arg(0))
    const n = intArg(e.arg(1))
    if (o === undefined || n === undefined || !p.ok) return true
    if (p.slot(o) === false) return false
    p.set(n, p.modeOf(o))
    return true
  },
})
declare(['fcntl', 'fcntl64'], {
  writes: true,
  replay: (r, e, t) => r.fcntl(e, t),
  predict: (e, p) => {
    const fd = intArg(e.arg(0))
    const cmd = e.arg(1)
    if (cmd === 'F_DUPFD' || cmd === 'F_DUPFD_CLOEXEC') {
      if (!p.ok) {
        if (!p.bad || fd === undefined) return true
        const o = p.slot(fd)
        return o === false || o === undefined
      }
      if (fd !== undefined && p.slot(fd) === false) return false
      return p.allocTo(intArg(e.arg(2)) ?? 0, e.ret!, p.modeOf(fd))
    }
    if (p.bad && (cmd === 'F_GETFD' || cmd === 'F_SETFD')) {
      const o = fd === undefined ? undefined : p.slot(fd)
      return o === false || o === undefined
    }
    return p.use(fd, cmd === 'F_GETFL' || cmd === 'F_GETFD' || cmd === 'F_SETFD' || cmd === 'F_DUPFD_QUERY' || cmd === 'F_CREATED_QUERY' ? 'raw' : 'any')
  },
})
declare('ioctl', {
  writes: true,
  replay: (r, e, t) => r.ioctl(e, t),
  predict: (e, p) => {
    const req = e.arg(1)
    if (!p.use(intArg(e.arg(0)), req === 'FIOCLEX' || req === 'FIONCLEX' ? 'raw' : 'any')) return false
    // namespace and pidfd ioctls that return a new fd
    return !p.ok || fdIoctl(req) === undefined || p.allocTo(0, e.ret!, -1)
  },
})
declare('unshare', { writes: true, replay: (r, e, t) => r.unshare(e, t) })
declare(['setrlimit', 'prlimit64'], { writes: true, replay: (r, e, t) => r.rlimit(e, t) })
declare('getrlimit', { replay: (r, e, t) => r.rlimit(e, t) })
declare(['clone', 'clone3', 'fork', 'vfork'], { writes: true, clone: true, replay: (r, e, t) => r.clone(e, t) })
declare('clone2', { writes: true, clone: true })

// ---------------------------------------------------------------------------------------------
// Calls that never touch an fd table (counted in `syscalls` and `ignored`)

declare([
  'brk', 'munmap', 'mprotect', 'madvise', 'mremap', 'msync', 'mlock', 'munlock', 'mlockall', 'munlockall', 'mincore',
  'arch_prctl', 'set_tid_address', 'set_robust_list', 'get_robust_list', 'rseq', 'prctl',
  'rt_sigaction', 'rt_sigprocmask', 'rt_sigreturn', 'rt_sigsuspend', 'rt_sigpending', 'rt_sigtimedwait', 'sigaltstack',
  'rt_sigqueueinfo', 'rt_tgsigqueueinfo', 'kill', 'tkill', 'tgkill', 'pause', 'alarm', 'setitimer', 'getitimer',
  'getpid', 'getppid', 'gettid', 'getuid', 'geteuid', 'getgid', 'getegid', 'getresuid', 'getresgid', 'getgroups',
  'setuid', 'setgid', 'setreuid', 'setregid', 'setresuid', 'setresgid', 'setgroups', 'setfsuid', 'setfsgid',
  'getpgrp', 'getpgid', 'setpgid', 'getsid', 'setsid', 'capget', 'capset', 'personality',
  'futex', 'futex_waitv', 'sched_yield', 'sched_getaffinity', 'sched_setaffinity', 'sched_getparam',
  'sched_setparam', 'sched_getscheduler', 'sched_setscheduler', 'sched_get_priority_max', 'sched_get_priority_min',
  'getpriority', 'setpriority', 'ioprio_get', 'ioprio_set',
  'nanosleep', 'clock_nanosleep', 'clock_gettime', 'clock_getres', 'clock_settime', 'gettimeofday', 'time', 'times',
  'getrandom', 'uname', 'sysinfo', 'getcpu', 'getrusage', 'umask', 'sync',
  'wait4', 'waitid', 'exit', 'exit_group', 'restart_syscall',
  'access', 'stat', 'lstat', 'statfs', 'chdir', 'chroot', 'getcwd', 'mkdir', 'rmdir', 'unlink', 'rename', 'link', 'symlink',
  'readlink', 'chmod', 'chown', 'lchown', 'utime', 'utimes', 'mknod', 'truncate', 'getxattr', 'lgetxattr', 'setxattr',
  'lsetxattr', 'listxattr', 'llistxattr', 'removexattr', 'lremovexattr',
  'select', 'pselect6', 'poll', 'ppoll',
  'membarrier', 'mbind', 'set_mempolicy', 'get_mempolicy', 'migrate_pages', 'move_pages', 'pkey_alloc', 'pkey_free',
  'pkey_mprotect', 'process_vm_readv', 'process_vm_writev', 'ptrace', 'syslog', 'vhangup', 'acct', 'reboot',
  'sethostname', 'setdomainname', 'iopl', 'ioperm', 'adjtimex', 'clock_adjtime', 'swapon', 'swapoff', 'mount',
  'umount2', 'pivot_root', 'shmget', 'shmat', 'shmdt', 'shmctl', 'semget', 'semop', 'semctl', 'semtimedop', 'msgget',
  'msgsnd', 'msgrcv', 'msgctl', 'kcmp', 'sched_getattr', 'sched_setattr', 'seccomp',
  'set_thread_area', 'get_thread_area', 'modify_ldt', 'riscv_flush_icache', 'cacheflush', 'socketcall',
  'landlock_create_ruleset_version', 'map_shadow_stack', 'lsm_get_self_attr', 'lsm_set_self_attr', 'lsm_list_modules',
  // a task killed at syscall entry, before strace could read the call's number: it never ran
  '???',
], { ignored: true })

// none of these is in strace's %file, %desc, %network, %process, %signal or %ipc classes
also(['brk', 'mprotect', 'munmap', 'arch_prctl', 'set_tid_address', 'set_robust_list', 'rseq', 'futex'], { marker: true })
for (const [n, i] of Object.entries(PROC_FD_PATH)) also([n], { procPath: i })

// ---------------------------------------------------------------------------------------------
// Derived

/** Every declaration, by name as strace prints it. */
export const CALLS: ReadonlyMap<string, CallDecl> = calls
/** Calls that create exactly one fd. */
export const FD_CREATORS: ReadonlySet<string> = names((c) => c.creates === true)
/** Calls whose effect on the table can make an in-flight neighbour's result depend on order. */
export const TABLE_WRITERS: ReadonlySet<string> = names((c) => c.writes === true)
export const CLONE_CALLS: ReadonlySet<string> = names((c) => c.clone === true)
export const IGNORED: ReadonlySet<string> = names((c) => c.ignored === true)
/** Table writers whose effect on which fds are in use the planner understands. */
export const WINDOW_WRITERS: ReadonlySet<string> = names((c) => c.writes === true && c.predict !== undefined)

function names(pred: (c: CallDecl) => boolean): ReadonlySet<string> {
  const out = new Set<string>()
  for (const [n, c] of calls) if (pred(c)) out.add(n)
  return out
}
