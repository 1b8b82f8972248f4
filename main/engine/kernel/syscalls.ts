/**
 * The system call table: name → kernel entry, with the kernel's argument conversions
 * (fds arrive as unsigned int, so -1 becomes 4294967295).
 * @kernel arch/x86/entry/syscalls/syscall_64.tbl, include/linux/syscalls.h
 * Process calls (fork, clone, execve, exit) need the machine's thread services; their user-side
 * halves live in machine/user.ts.
 */
import type { KGen } from '../sim/context'
import type { Kernel } from './include/kernel'
import type { Rlimit } from './include/types'
import { EFAULT, EINVAL, ENOSYS } from './include/errno'
import { AT_FDCWD } from './include/flags'
import { sys_close, sys_creat, sys_open, sys_openat } from './fs/open'
import { fd_install, get_unused_fd_flags, sys_close_range, sys_dup, sys_dup2, sys_dup3 } from './fs/file'
import { sys_fcntl } from './fs/fcntl'
import { do_pipe2 } from './fs/pipe'
import { ksys_lseek, ksys_pread64, ksys_read, ksys_write } from './fs/read_write'
import { sys_ioctl } from './fs/ioctl'
import { __sys_accept4, __sys_socket, __sys_socketpair, receive_fd, sock_alloc_file } from './fs/socket'
import {
  do_epoll_create, do_epoll_ctl, do_eventfd, do_inotify_init, do_signalfd4, sys_memfd_create, sys_pidfd_open,
  sys_timerfd_create,
} from './fs/misc_fds'
import { flock_lock_inode, LOCK_NB, LOCK_UN, type Flock } from './fs/locks'
import { fdget, fdput } from './fs/file'
import { ksys_unshare } from './kernel/fork'
import { do_prlimit } from './kernel/sys'
import { kernel_wait4 } from './kernel/exit'
import { do_mknodat, S_IFIFO } from './fs/namei'
import { EBADF } from './include/errno'
import { fput } from './fs/file_table'
import { sys_execve } from './fs/exec'

/** A system call argument as user programs pass it. */
export type SysArg = number | string | Uint8Array | Int32Array | Flock | Rlimit | null | undefined

const u32 = (v: SysArg): number => (typeof v === 'number' ? v >>> 0 : 0)
const int = (v: SysArg): number => (typeof v === 'number' ? v | 0 : 0)
const long = (v: SysArg): number => (typeof v === 'number' ? v : 0)
const str = (v: SysArg): string | null => (typeof v === 'string' ? v : null)
const buf = (v: SysArg): Uint8Array | null => (v instanceof Uint8Array ? v : null)
const ints = (v: SysArg): Int32Array | null => (v instanceof Int32Array ? v : null)
/** A user pointer to struct rlimit: anything else is a fault (copy_from_user fails). */
const rlim = (v: SysArg): Rlimit | null => (v !== null && typeof v === 'object' && !(v instanceof Uint8Array) && !(v instanceof Int32Array) &&
  typeof (v as Rlimit).rlim_cur === 'number' && typeof (v as Rlimit).rlim_max === 'number' ? (v as Rlimit) : null)
const rlimOut = (v: SysArg): Rlimit | null => (v !== null && typeof v === 'object' && !(v instanceof Uint8Array) && !(v instanceof Int32Array) ? (v as Rlimit) : null)
const flock = (v: SysArg): Flock | null => (v !== null && typeof v === 'object' && typeof (v as Flock).l_type === 'number' ? (v as Flock) : null)

export type SyscallHandler = (k: Kernel, args: readonly SysArg[]) => KGen<number>

function* efault(): KGen<number> {
  return -EFAULT
}

/*
 * The calls with no kernel function of their own to run: module-level generators, not one made
 * at each call (a generator function created per call made getpid cost twice a failing dup).
 */
function* einval(): KGen<number> {
  return -EINVAL
}

/** getpid(2) (kernel/sys.c SYSCALL_DEFINE0(getpid)): the thread group id. */
function* sys_getpid(k: Kernel): KGen<number> {
  return k.current.tgid
}

/** gettid(2) (kernel/sys.c SYSCALL_DEFINE0(gettid)). */
function* sys_gettid(k: Kernel): KGen<number> {
  return k.current.pid
}

/** getppid(2) (kernel/sys.c SYSCALL_DEFINE0(getppid)): the parent's thread group id, 0 without one. */
function* sys_getppid(k: Kernel): KGen<number> {
  return k.current.real_parent?.tgid ?? 0
}

/** flock(2) (fs/locks.c SYSCALL_DEFINE2(flock)). */
function* sys_flock(k: Kernel, fd: number, cmd: number): KGen<number> {
  const f = yield* fdget(k, fd)
  if (!f.file) return -EBADF
  const r = cmd & ~LOCK_NB & ~(1 | 2 | LOCK_UN) ? -EINVAL : yield* flock_lock_inode(k, f.file, cmd)
  yield* fdput(k, f)
  return r
}

/** recvmsg(2) with SCM_RIGHTS: install @n received files (SIM: their origin is outside the model). */
function* sys_recvmsg_scm(k: Kernel, fd: number, n: number, cloexec: boolean, out: Int32Array | null): KGen<number> {
  const f = yield* fdget(k, fd)
  if (!f.file) return -EBADF
  yield* fdput(k, f)
  for (let i = 0; i < n; i++) {
    const file = yield* sock_alloc_file(k, 0)
    if (typeof file === 'number') return file
    const r = yield* receive_fd(k, file, cloexec ? 0o2000000 : 0)
    if (r < 0) { yield* fput(k, file); return k.oracle ? k.oracle.ret : 0 }
    if (out) out[i] = r
  }
  return k.oracle ? k.oracle.ret : 0
}

export const SYSCALLS: Readonly<Record<string, SyscallHandler>> = {
  open: (k, a) => (str(a[0]) === null ? efault() : sys_open(k, str(a[0])!, int(a[1]), int(a[2]))),
  openat: (k, a) => (str(a[1]) === null ? efault() : sys_openat(k, int(a[0] ?? AT_FDCWD), str(a[1])!, int(a[2]), int(a[3]))),
  creat: (k, a) => (str(a[0]) === null ? efault() : sys_creat(k, str(a[0])!, int(a[1]))),
  close: (k, a) => sys_close(k, u32(a[0])),
  close_range: (k, a) => sys_close_range(k, u32(a[0]), u32(a[1]), u32(a[2])),
  dup: (k, a) => sys_dup(k, u32(a[0])),
  dup2: (k, a) => sys_dup2(k, u32(a[0]), u32(a[1])),
  dup3: (k, a) => sys_dup3(k, u32(a[0]), u32(a[1]), int(a[2])),
  fcntl: (k, a) => sys_fcntl(k, u32(a[0]), u32(a[1]), flock(a[2]) ?? long(a[2])),
  pipe: (k, a) => (ints(a[0]) ? do_pipe2(k, ints(a[0])!, 0) : efault()),
  pipe2: (k, a) => (ints(a[0]) ? do_pipe2(k, ints(a[0])!, int(a[1])) : efault()),
  read: (k, a) => ksys_read(k, u32(a[0]), buf(a[1]), buf(a[1])?.length ?? long(a[2])),
  write: (k, a) => ksys_write(k, u32(a[0]), buf(a[1]), buf(a[1])?.length ?? long(a[2])),
  lseek: (k, a) => ksys_lseek(k, u32(a[0]), long(a[1]), u32(a[2])),
  pread64: (k, a) => ksys_pread64(k, u32(a[0]), buf(a[1]), buf(a[1])?.length ?? long(a[2]), long(a[3]), false),
  pwrite64: (k, a) => ksys_pread64(k, u32(a[0]), buf(a[1]), buf(a[1])?.length ?? long(a[2]), long(a[3]), true),
  ioctl: (k, a) => sys_ioctl(k, u32(a[0]), u32(a[1]), long(a[2])),
  socket: (k, a) => __sys_socket(k, int(a[0]), int(a[1]), int(a[2])),
  socketpair: (k, a) => (ints(a[3]) ? __sys_socketpair(k, int(a[0]), int(a[1]), int(a[2]), ints(a[3])!) : efault()),
  accept: (k, a) => __sys_accept4(k, u32(a[0]), 0),
  accept4: (k, a) => __sys_accept4(k, u32(a[0]), int(a[1])),
  eventfd: (k, a) => do_eventfd(k, u32(a[0]), 0),
  eventfd2: (k, a) => do_eventfd(k, u32(a[0]), int(a[1])),
  epoll_create: (k, a) => (int(a[0]) <= 0 ? einval() : do_epoll_create(k, 0)),
  epoll_create1: (k, a) => do_epoll_create(k, int(a[0])),
  epoll_ctl: (k, a) => do_epoll_ctl(k, u32(a[0]), int(a[1]), u32(a[2]), u32(a[3]), long(a[4])),
  memfd_create: (k, a) => sys_memfd_create(k, str(a[0]) ?? '', u32(a[1])),
  timerfd_create: (k, a) => sys_timerfd_create(k, int(a[0]), int(a[1])),
  signalfd: (k, a) => do_signalfd4(k, int(a[0]), 0),
  signalfd4: (k, a) => do_signalfd4(k, int(a[0]), int(a[1])),
  inotify_init: (k) => do_inotify_init(k, 0),
  inotify_init1: (k, a) => do_inotify_init(k, int(a[0])),
  pidfd_open: (k, a) => sys_pidfd_open(k, int(a[0]), u32(a[1])),
  flock: (k, a) => sys_flock(k, u32(a[0]), u32(a[1])),
  recvmsg_scm: (k, a) => sys_recvmsg_scm(k, u32(a[0]), int(a[1]), int(a[2]) !== 0, ints(a[3])),
  unshare: (k, a) => ksys_unshare(k, long(a[0])),
  getrlimit: (k, a) => (rlimOut(a[1]) ? do_prlimit(k, k.current, int(a[0]), null, rlimOut(a[1])) : efault()),
  setrlimit: (k, a) => (rlim(a[1]) ? do_prlimit(k, k.current, int(a[0]), rlim(a[1]), null) : efault()),
  prlimit64: (k, a) => (a[2] != null && !rlim(a[2]) ? efault()
    : do_prlimit(k, int(a[0]) === 0 ? k.current : k.tasks.get(int(a[0])) ?? null, int(a[1]), rlim(a[2]), rlimOut(a[3]))),
  wait4: (k, a) => kernel_wait4(k, int(a[0]), ints(a[1])),
  mknodat: (k, a) => (str(a[1]) === null ? efault() : do_mknodat(k, str(a[1])!, int(a[2]))),
  mkfifo: (k, a) => (str(a[0]) === null ? efault() : do_mknodat(k, str(a[0])!, S_IFIFO | int(a[1]))),
  getpid: (k) => sys_getpid(k),
  gettid: (k) => sys_gettid(k),
  getppid: (k) => sys_getppid(k),
}

function* sys_ni_syscall(): KGen<number> {
  return -ENOSYS
}

/**
 * The kernel half of system call @name (the sys_call_table lookup): a table entry, execve's
 * sys_execve (the machine then replaces the program: machine/user.ts), or -ENOSYS for a name the
 * kernel does not know (sys_ni_syscall). Callers run it inside do_syscall (kernel/entry.ts).
 * @kernel arch/x86/entry/syscall_64.c x64_sys_call()
 */
export function sys_call(k: Kernel, name: string, args: readonly SysArg[]): KGen<number> {
  if (name === 'execve') return sys_execve(k, String(args[0]))
  const h = SYSCALLS[name]
  return h ? h(k, args) : sys_ni_syscall()
}

/** Calls handled by the machine (they create, replace or end threads). */
export const PROCESS_SYSCALLS = ['fork', 'vfork', 'clone', 'clone3', 'execve', 'exit', 'exit_group'] as const

export function* unknownSyscall(): KGen<number> {
  return -ENOSYS
}

export { fd_install, get_unused_fd_flags }
