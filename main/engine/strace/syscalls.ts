/**
 * Log-side vocabulary for decoding strace's text: how a call uses an fd argument, and the
 * symbolic names strace prints for flags and commands. What each system call means to the
 * replayer is declared once in calls.ts; the kernel's behaviour lives in the engine.
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
