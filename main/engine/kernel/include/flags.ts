/**
 * Flag values (x86_64 uapi), verbatim kernel names.
 * @kernel include/uapi/asm-generic/fcntl.h, include/linux/fs.h, include/linux/sched.h,
 *         include/linux/task_work.h, include/uapi/linux/sched.h, include/uapi/linux/close_range.h
 */
// open(2) flags (octal in the uapi header)
export const O_ACCMODE = 0o3
export const O_RDONLY = 0o0
export const O_WRONLY = 0o1
export const O_RDWR = 0o2
export const O_CREAT = 0o100
export const O_EXCL = 0o200
export const O_NOCTTY = 0o400
export const O_TRUNC = 0o1000
export const O_APPEND = 0o2000
export const O_NONBLOCK = 0o4000
export const O_DSYNC = 0o10000
export const FASYNC = 0o20000
export const O_DIRECT = 0o40000
export const O_LARGEFILE = 0o100000
export const O_DIRECTORY = 0o200000
export const O_NOFOLLOW = 0o400000
export const O_NOATIME = 0o1000000
export const O_CLOEXEC = 0o2000000
export const O_SYNC = 0o4010000
export const O_PATH = 0o10000000
export const O_TMPFILE = 0o20200000
/** Flags open(2) accepts (VALID_OPEN_FLAGS). */
export const VALID_OPEN_FLAGS =
  O_RDONLY | O_WRONLY | O_RDWR | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND | O_NONBLOCK | O_DSYNC |
  FASYNC | O_DIRECT | O_LARGEFILE | O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC | O_PATH | O_TMPFILE

export const AT_FDCWD = -100

// f_mode bits
export const FMODE_READ = 1 << 0
export const FMODE_WRITE = 1 << 1
export const FMODE_LSEEK = 1 << 2
export const FMODE_PREAD = 1 << 3
export const FMODE_PWRITE = 1 << 4
export const FMODE_EXEC = 1 << 5
export const FMODE_PATH = 1 << 14
export const FMODE_ATOMIC_POS = 1 << 15
export const FMODE_WRITER = 1 << 16
export const FMODE_OPENED = 1 << 19
/** The open created the file (fcntl F_CREATED_QUERY), v6.12 FMODE_CREATED. */
export const FMODE_CREATED = 1 << 20
export const FMODE_STREAM = 1 << 21
export const FMODE_BACKING = 1 << 24
export const FMODE_NEED_UNMOUNT = 1 << 28
export const FMODE_NOACCOUNT = 1 << 29

// struct fd flag bits
export const FDPUT_FPUT = 1
export const FDPUT_POS_UNLOCK = 2

// fcntl
export const F_DUPFD = 0
export const F_GETFD = 1
export const F_SETFD = 2
export const F_GETFL = 3
export const F_SETFL = 4
export const F_GETLK = 5
export const F_SETLK = 6
export const F_SETLKW = 7
export const F_SETOWN = 8
export const F_GETOWN = 9
export const F_OFD_GETLK = 36
export const F_OFD_SETLK = 37
export const F_OFD_SETLKW = 38
export const F_DUPFD_CLOEXEC = 1024 + 6
export const F_DUPFD_QUERY = 1024 + 3
export const F_CREATED_QUERY = 1024 + 4
export const FD_CLOEXEC = 1
export const F_RDLCK = 0
export const F_WRLCK = 1
export const F_UNLCK = 2
/** Flags F_SETFL may change (SETFL_MASK). */
export const SETFL_MASK = O_APPEND | O_NONBLOCK | FASYNC | O_DIRECT | O_NOATIME

// lseek whence
export const SEEK_SET = 0
export const SEEK_CUR = 1
export const SEEK_END = 2

// close_range
export const CLOSE_RANGE_UNSHARE = 1 << 1
export const CLOSE_RANGE_CLOEXEC = 1 << 2

// clone flags
export const CSIGNAL = 0x000000ff
export const CLONE_VM = 0x00000100
export const CLONE_FS = 0x00000200
export const CLONE_FILES = 0x00000400
export const CLONE_SIGHAND = 0x00000800
export const CLONE_PIDFD = 0x00001000
export const CLONE_PTRACE = 0x00002000
export const CLONE_VFORK = 0x00004000
export const CLONE_PARENT = 0x00008000
export const CLONE_THREAD = 0x00010000
export const CLONE_NEWNS = 0x00020000
export const CLONE_SYSVSEM = 0x00040000
export const CLONE_SETTLS = 0x00080000
export const CLONE_PARENT_SETTID = 0x00100000
export const CLONE_CHILD_CLEARTID = 0x00200000
export const CLONE_DETACHED = 0x00400000
export const CLONE_UNTRACED = 0x00800000
/** include/uapi/linux/sched.h: clone I/O context (io_uring workers). */
export const CLONE_IO = 0x80000000
export const CLONE_CHILD_SETTID = 0x01000000

// task flags
export const PF_EXITING = 0x00000004
/** include/linux/sched.h: an io_uring worker (create_io_thread). */
export const PF_IO_WORKER = 0x00000010
export const PF_KTHREAD = 0x00200000

// task_work notify modes
export const TWA_NONE = 0
export const TWA_RESUME = 1
export const TWA_SIGNAL = 2
export const TWA_SIGNAL_NO_IPI = 3
export const TWA_NMI_CURRENT = 4

// resource limits
export const RLIMIT_NOFILE = 7
export const RLIM_INFINITY = Number.MAX_SAFE_INTEGER
export const INR_OPEN_CUR = 1024
export const INR_OPEN_MAX = 4096
export const NR_OPEN_DEFAULT = 64
export const BITS_PER_LONG = 64

// socket / misc creation flags share O_CLOEXEC and O_NONBLOCK values on x86_64
export const SOCK_STREAM = 1
export const SOCK_DGRAM = 2
export const SOCK_CLOEXEC = O_CLOEXEC
export const SOCK_NONBLOCK = O_NONBLOCK
export const EFD_CLOEXEC = O_CLOEXEC
export const EFD_NONBLOCK = O_NONBLOCK
export const EFD_SEMAPHORE = 1
export const EPOLL_CLOEXEC = O_CLOEXEC
export const MFD_CLOEXEC = 1
export const MFD_ALLOW_SEALING = 2
export const TFD_CLOEXEC = O_CLOEXEC
export const TFD_NONBLOCK = O_NONBLOCK
export const SFD_CLOEXEC = O_CLOEXEC
export const SFD_NONBLOCK = O_NONBLOCK
export const IN_CLOEXEC = O_CLOEXEC
export const IN_NONBLOCK = O_NONBLOCK
export const PIDFD_NONBLOCK = O_NONBLOCK
export const EPOLL_CTL_ADD = 1
export const EPOLL_CTL_DEL = 2
export const EPOLL_CTL_MOD = 3
export const FIOCLEX = 0x5451
export const FIONCLEX = 0x5450
export const FIONBIO = 0x5421
export const FIOASYNC = 0x5452

/** Names of flag words, for printing and for lab C. */
export const OPEN_FLAG_NAMES: ReadonlyArray<readonly [string, number]> = [
  ['O_WRONLY', O_WRONLY], ['O_RDWR', O_RDWR], ['O_CREAT', O_CREAT], ['O_EXCL', O_EXCL], ['O_NOCTTY', O_NOCTTY],
  ['O_TRUNC', O_TRUNC], ['O_APPEND', O_APPEND], ['O_NONBLOCK', O_NONBLOCK], ['O_DSYNC', O_DSYNC], ['O_ASYNC', FASYNC],
  ['O_DIRECT', O_DIRECT], ['O_LARGEFILE', O_LARGEFILE], ['O_DIRECTORY', O_DIRECTORY], ['O_NOFOLLOW', O_NOFOLLOW],
  ['O_NOATIME', O_NOATIME], ['O_CLOEXEC', O_CLOEXEC], ['O_PATH', O_PATH],
]

export function formatOpenFlags(flags: number): string {
  const acc = flags & O_ACCMODE
  const parts = [acc === O_RDONLY ? 'O_RDONLY' : acc === O_WRONLY ? 'O_WRONLY' : acc === O_RDWR ? 'O_RDWR' : `0${acc.toString(8)}`]
  let rest = flags & ~O_ACCMODE
  for (const [name, bit] of OPEN_FLAG_NAMES) {
    if (bit === O_WRONLY || bit === O_RDWR) continue
    if (name === 'O_TMPFILE') continue
    if ((rest & bit) === bit && bit !== 0) { parts.push(name); rest &= ~bit }
  }
  if (rest) parts.push(`0${rest.toString(8)}`)
  return parts.join('|')
}

/** include/uapi/asm-generic/signal.h: the exit signal fork and clone(..., SIGCHLD) give a child. */
export const SIGCHLD = 17

/** include/uapi/linux/capability.h: override resource limits (raise a hard RLIMIT_NOFILE up to fs.nr_open). */
export const CAP_SYS_RESOURCE = 24

/** include/linux/preempt.h: the fields of preempt_count(). */
export const PREEMPT_MASK = 0x000000ff
export const SOFTIRQ_OFFSET = 0x00000100
export const HARDIRQ_OFFSET = 0x00010000
