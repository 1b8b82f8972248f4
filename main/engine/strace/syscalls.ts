/**
 * What the replayer knows about each system call name as strace prints it: which arguments are
 * fds, which calls create fds, and which calls never touch an fd table. Log-side knowledge for
 * decoding strace's text; the kernel's behaviour lives in the engine.
 */
import * as F from '../kernel/include/flags'

/** How a call uses an fd argument (for EBADF checks). */
export type FdNeed =
  /** fdget: the fd must be open and not O_PATH. */
  | 'any'
  /** fdget_raw: O_PATH files are accepted. */
  | 'raw'
  /** the file must be open for reading (FMODE_READ). */
  | 'read'
  /** the file must be open for writing (FMODE_WRITE). */
  | 'write'
  /** a dirfd: only looked at for relative paths (or an empty path with AT_EMPTY_PATH); O_PATH accepted. */
  | 'dirfd'

export interface FdUse {
  /** Argument index. */
  arg: number
  need: FdNeed
  /** For `dirfd`: index of the path argument. */
  path?: number
  /** For `dirfd`: index of the flags argument that may hold AT_EMPTY_PATH. */
  flags?: number
}

const u = (arg: number, need: FdNeed = 'any'): FdUse => ({ arg, need })
const d = (arg: number, path: number, flags?: number): FdUse => ({ arg, need: 'dirfd', path, flags })

/**
 * fd arguments of calls that use existing fds (and create none). Calls not listed here and not
 * handled elsewhere are counted as unsupported (or ignored, see IGNORED).
 */
export const FD_USERS: Readonly<Record<string, readonly FdUse[]>> = {
  read: [u(0, 'read')], readv: [u(0, 'read')], pread64: [u(0, 'read')], preadv: [u(0, 'read')], preadv2: [u(0, 'read')],
  write: [u(0, 'write')], writev: [u(0, 'write')], pwrite64: [u(0, 'write')], pwritev: [u(0, 'write')], pwritev2: [u(0, 'write')],
  lseek: [u(0)], _llseek: [u(0)],
  fstat: [u(0, 'raw')], fstatfs: [u(0, 'raw')], fchdir: [u(0, 'raw')],
  newfstatat: [d(0, 1, 3)], fstatat64: [d(0, 1, 3)], statx: [d(0, 1, 2)],
  faccessat: [d(0, 1)], faccessat2: [d(0, 1, 3)], readlinkat: [d(0, 1)], mkdirat: [d(0, 1)], mknodat: [d(0, 1)],
  unlinkat: [d(0, 1)], fchmodat: [d(0, 1)], fchmodat2: [d(0, 1, 3)], fchownat: [d(0, 1, 4)], utimensat: [d(0, 1, 3)],
  futimesat: [d(0, 1)], symlinkat: [d(1, 0)], renameat: [d(0, 1), d(2, 3)], renameat2: [d(0, 1), d(2, 3)],
  linkat: [d(0, 1, 4), d(2, 3)], name_to_handle_at: [d(0, 1, 4)], execveat: [d(0, 1, 4)],
  getxattrat: [d(0, 1, 2)], setxattrat: [d(0, 1, 2)], listxattrat: [d(0, 1, 2)], removexattrat: [d(0, 1, 2)],
  fchmod: [u(0)], fchown: [u(0)], fsync: [u(0)], fdatasync: [u(0)], syncfs: [u(0)], ftruncate: [u(0)],
  fallocate: [u(0)], fadvise64: [u(0)], readahead: [u(0)], sync_file_range: [u(0)], flock: [u(0)],
  getdents: [u(0)], getdents64: [u(0)],
  fgetxattr: [u(0)], fsetxattr: [u(0)], flistxattr: [u(0)], fremovexattr: [u(0)],
  sendfile: [u(0, 'write'), u(1, 'read')], splice: [u(0), u(2)], tee: [u(0), u(1)], vmsplice: [u(0)],
  copy_file_range: [u(0, 'read'), u(2, 'write')],
  bind: [u(0)], listen: [u(0)], connect: [u(0)], getsockname: [u(0)], getpeername: [u(0)], shutdown: [u(0)],
  setsockopt: [u(0)], getsockopt: [u(0)], sendto: [u(0)], recvfrom: [u(0)], sendmsg: [u(0)], sendmmsg: [u(0)],
  epoll_wait: [u(0)], epoll_pwait: [u(0)], epoll_pwait2: [u(0)], epoll_ctl: [u(0), u(2)],
  inotify_add_watch: [u(0)], inotify_rm_watch: [u(0)],
  timerfd_settime: [u(0)], timerfd_gettime: [u(0)],
  pidfd_send_signal: [u(0)],
  fanotify_mark: [u(0)],
  io_uring_enter: [u(0)], io_uring_register: [u(0)],
  setns: [u(0)],
  mq_timedsend: [u(0)], mq_timedreceive: [u(0)], mq_notify: [u(0)], mq_getsetattr: [u(0)],
  quotactl_fd: [u(0)], fsconfig: [u(0)], mount_setattr: [d(0, 1)], move_mount: [d(0, 1), d(2, 3)],
  landlock_add_rule: [u(0)], landlock_restrict_self: [u(0)],
  file_getattr: [d(0, 1)], file_setattr: [d(0, 1)],
}

/**
 * Calls that never read or change an fd table (by name). They are counted in `syscalls` and in
 * `ignored`, never silently dropped.
 */
export const IGNORED: ReadonlySet<string> = new Set([
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
  'msgsnd', 'msgrcv', 'msgctl', 'get_mempolicy', 'kcmp', 'sched_getattr', 'sched_setattr', 'seccomp',
  'set_thread_area', 'get_thread_area', 'modify_ldt', 'riscv_flush_icache', 'cacheflush', 'socketcall',
  'landlock_create_ruleset_version', 'map_shadow_stack', 'lsm_get_self_attr', 'lsm_set_self_attr', 'lsm_list_modules',
  'getrlimit',
])

/** Calls that create exactly one fd, returned as the result (lowest free fd unless noted). */
export const FD_CREATORS: ReadonlySet<string> = new Set([
  'open', 'openat', 'openat2', 'creat', 'open_by_handle_at', 'dup', 'socket', 'accept', 'accept4', 'eventfd', 'eventfd2',
  'epoll_create', 'epoll_create1', 'memfd_create', 'memfd_secret', 'timerfd_create', 'inotify_init', 'inotify_init1',
  'fanotify_init', 'pidfd_open', 'pidfd_getfd', 'userfaultfd', 'perf_event_open', 'io_uring_setup', 'open_tree',
  'open_tree_attr', 'fsopen', 'fsmount', 'fspick', 'mq_open', 'landlock_create_ruleset',
])

/** Calls whose effect on the table can make an in-flight neighbour's result depend on order. */
export const TABLE_WRITERS: ReadonlySet<string> = new Set([
  ...FD_CREATORS, 'close', 'close_range', 'dup2', 'dup3', 'fcntl', 'fcntl64', 'pipe', 'pipe2', 'socketpair', 'recvmsg',
  'recvmmsg', 'execve', 'execveat', 'unshare', 'ioctl', 'signalfd', 'signalfd4', 'clone', 'clone3', 'fork', 'vfork',
  'setrlimit', 'prlimit64',
])

export const CLONE_CALLS: ReadonlySet<string> = new Set(['clone', 'clone3', 'fork', 'vfork', 'clone2'])

// ---------------------------------------------------------------------------------------------
// Symbolic names as strace prints them

export const OPEN_FLAGS: Readonly<Record<string, number>> = {
  O_RDONLY: F.O_RDONLY, O_WRONLY: F.O_WRONLY, O_RDWR: F.O_RDWR, O_CREAT: F.O_CREAT, O_EXCL: F.O_EXCL,
  O_NOCTTY: F.O_NOCTTY, O_TRUNC: F.O_TRUNC, O_APPEND: F.O_APPEND, O_NONBLOCK: F.O_NONBLOCK, O_NDELAY: F.O_NONBLOCK,
  O_DSYNC: F.O_DSYNC, O_ASYNC: F.FASYNC, FASYNC: F.FASYNC, O_DIRECT: F.O_DIRECT, O_LARGEFILE: F.O_LARGEFILE,
  O_DIRECTORY: F.O_DIRECTORY, O_NOFOLLOW: F.O_NOFOLLOW, O_NOATIME: F.O_NOATIME, O_CLOEXEC: F.O_CLOEXEC,
  O_SYNC: F.O_SYNC, O_RSYNC: F.O_SYNC, O_PATH: F.O_PATH, O_TMPFILE: F.O_TMPFILE, __O_SYNC: 0o4000000,
  __O_TMPFILE: 0o20000000,
}

export const CLONE_FLAGS: Readonly<Record<string, number>> = {
  CLONE_VM: F.CLONE_VM, CLONE_FS: F.CLONE_FS, CLONE_FILES: F.CLONE_FILES, CLONE_SIGHAND: F.CLONE_SIGHAND,
  CLONE_PIDFD: F.CLONE_PIDFD, CLONE_PTRACE: F.CLONE_PTRACE, CLONE_VFORK: F.CLONE_VFORK, CLONE_PARENT: F.CLONE_PARENT,
  CLONE_THREAD: F.CLONE_THREAD, CLONE_NEWNS: F.CLONE_NEWNS, CLONE_SYSVSEM: F.CLONE_SYSVSEM, CLONE_SETTLS: F.CLONE_SETTLS,
  CLONE_PARENT_SETTID: F.CLONE_PARENT_SETTID, CLONE_CHILD_CLEARTID: F.CLONE_CHILD_CLEARTID,
  CLONE_DETACHED: F.CLONE_DETACHED, CLONE_UNTRACED: F.CLONE_UNTRACED, CLONE_CHILD_SETTID: F.CLONE_CHILD_SETTID,
  CLONE_NEWCGROUP: 0x02000000, CLONE_NEWUTS: 0x04000000, CLONE_NEWIPC: 0x08000000, CLONE_NEWUSER: 0x10000000,
  CLONE_NEWPID: 0x20000000, CLONE_NEWNET: 0x40000000, CLONE_IO: 0x80000000, CLONE_CLEAR_SIGHAND: 0x100000000,
  CLONE_INTO_CGROUP: 0x200000000, CLONE_NEWTIME: 0x00000080,
}

export const FCNTL_CMDS: Readonly<Record<string, number>> = {
  F_DUPFD: F.F_DUPFD, F_GETFD: F.F_GETFD, F_SETFD: F.F_SETFD, F_GETFL: F.F_GETFL, F_SETFL: F.F_SETFL,
  F_GETLK: F.F_GETLK, F_SETLK: F.F_SETLK, F_SETLKW: F.F_SETLKW, F_SETOWN: F.F_SETOWN, F_GETOWN: F.F_GETOWN,
  F_OFD_GETLK: F.F_OFD_GETLK, F_OFD_SETLK: F.F_OFD_SETLK, F_OFD_SETLKW: F.F_OFD_SETLKW,
  F_DUPFD_CLOEXEC: F.F_DUPFD_CLOEXEC, F_DUPFD_QUERY: F.F_DUPFD_QUERY, F_CREATED_QUERY: F.F_CREATED_QUERY,
  F_GETLK64: F.F_GETLK, F_SETLK64: F.F_SETLK, F_SETLKW64: F.F_SETLKW,
  F_SETSIG: 10, F_GETSIG: 11, F_SETOWN_EX: 15, F_GETOWN_EX: 16, F_GETOWNER_UIDS: 17, F_SETLEASE: 1024,
  F_GETLEASE: 1025, F_NOTIFY: 1026, F_SETPIPE_SZ: 1031, F_GETPIPE_SZ: 1032, F_ADD_SEALS: 1033, F_GET_SEALS: 1034,
  F_GET_RW_HINT: 1035, F_SET_RW_HINT: 1036, F_GET_FILE_RW_HINT: 1037, F_SET_FILE_RW_HINT: 1038,
}

/** fcntl commands accepted on O_PATH files (fcntl_check_okay), 6.18. */
export const FCNTL_PATH_OK: ReadonlySet<number> = new Set([
  F.F_DUPFD, F.F_DUPFD_CLOEXEC, F.F_GETFD, F.F_SETFD, F.F_GETFL, F.F_DUPFD_QUERY, F.F_CREATED_QUERY,
])

/** Flag words shared by the creators: O_CLOEXEC/O_NONBLOCK aliases, SOCK_*, EFD_*, ... */
export const CREATE_FLAGS: Readonly<Record<string, number>> = {
  O_CLOEXEC: F.O_CLOEXEC, O_NONBLOCK: F.O_NONBLOCK, O_DIRECT: F.O_DIRECT, O_NOTIFICATION_PIPE: F.O_EXCL,
  SOCK_CLOEXEC: F.SOCK_CLOEXEC, SOCK_NONBLOCK: F.SOCK_NONBLOCK, SOCK_STREAM: F.SOCK_STREAM, SOCK_DGRAM: F.SOCK_DGRAM,
  SOCK_RAW: 3, SOCK_RDM: 4, SOCK_SEQPACKET: 5, SOCK_DCCP: 6, SOCK_PACKET: 10,
  EFD_CLOEXEC: F.EFD_CLOEXEC, EFD_NONBLOCK: F.EFD_NONBLOCK, EFD_SEMAPHORE: F.EFD_SEMAPHORE,
  EPOLL_CLOEXEC: F.EPOLL_CLOEXEC, TFD_CLOEXEC: F.TFD_CLOEXEC, TFD_NONBLOCK: F.TFD_NONBLOCK,
  SFD_CLOEXEC: F.SFD_CLOEXEC, SFD_NONBLOCK: F.SFD_NONBLOCK, IN_CLOEXEC: F.IN_CLOEXEC, IN_NONBLOCK: F.IN_NONBLOCK,
  PIDFD_NONBLOCK: F.PIDFD_NONBLOCK, PIDFD_THREAD: F.O_EXCL,
  MFD_CLOEXEC: F.MFD_CLOEXEC, MFD_ALLOW_SEALING: F.MFD_ALLOW_SEALING, MFD_HUGETLB: 4, MFD_NOEXEC_SEAL: 8, MFD_EXEC: 16,
  FAN_CLOEXEC: 1, FAN_NONBLOCK: 2, UFFD_USER_MODE_ONLY: 1, OPEN_TREE_CLOEXEC: F.O_CLOEXEC, OPEN_TREE_CLONE: 1,
  FSOPEN_CLOEXEC: 1, FSMOUNT_CLOEXEC: 1, FSPICK_CLOEXEC: 1, PERF_FLAG_FD_CLOEXEC: 8, IORING_SETUP_CLOEXEC: 0,
  MSG_CMSG_CLOEXEC: 0x40000000,
}

/** Where each creator's close-on-exec request is, as (argument index, bit) — for calls the engine lacks. */
export const CREATOR_CLOEXEC: Readonly<Record<string, readonly [number, number]>> = {
  fanotify_init: [0, 1], userfaultfd: [0, F.O_CLOEXEC], perf_event_open: [4, 8], open_tree: [2, F.O_CLOEXEC],
  open_tree_attr: [2, F.O_CLOEXEC], fsopen: [1, 1], fsmount: [1, 1], fspick: [2, 1], mq_open: [1, F.O_CLOEXEC],
  memfd_secret: [0, F.O_CLOEXEC], open_by_handle_at: [2, F.O_CLOEXEC],
}

/** Creators whose fd is always close-on-exec. */
export const ALWAYS_CLOEXEC: ReadonlySet<string> = new Set(['pidfd_open', 'pidfd_getfd', 'io_uring_setup', 'landlock_create_ruleset'])

export const RLIMIT_NOFILE_NAME = 'RLIMIT_NOFILE'
