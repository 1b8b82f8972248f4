/**
 * errno values (x86_64), as returned negated by kernel functions.
 * @kernel include/uapi/asm-generic/errno-base.h, include/uapi/asm-generic/errno.h, include/linux/errno.h
 */
export const EPERM = 1
export const ENOENT = 2
export const ESRCH = 3
export const EINTR = 4
export const EIO = 5
export const ENXIO = 6
export const E2BIG = 7
export const ENOEXEC = 8
export const EBADF = 9
export const ECHILD = 10
export const EAGAIN = 11
export const ENOMEM = 12
export const EACCES = 13
export const EFAULT = 14
export const EBUSY = 16
export const EEXIST = 17
export const ENODEV = 19
export const ENOTDIR = 20
export const EISDIR = 21
export const EINVAL = 22
export const ENFILE = 23
export const EMFILE = 24
export const ENOTTY = 25
export const ENOSPC = 28
export const ESPIPE = 29
export const EPIPE = 32
export const ERANGE = 34
export const EDEADLK = 35
export const ENAMETOOLONG = 36
export const ENOLCK = 37
export const ENOSYS = 38
export const ENOTEMPTY = 39
export const ELOOP = 40
export const ENOTSOCK = 88
export const EOPNOTSUPP = 95
export const EAFNOSUPPORT = 97
export const EADDRINUSE = 98
export const ECONNREFUSED = 111
export const EINPROGRESS = 115
export const ERESTARTSYS = 512
export const ERESTARTNOINTR = 513
export const ERESTARTNOHAND = 514
export const ERESTART_RESTARTBLOCK = 516

export const ERRNO_NAMES: Readonly<Record<number, string>> = {
  1: 'EPERM', 2: 'ENOENT', 3: 'ESRCH', 4: 'EINTR', 5: 'EIO', 6: 'ENXIO', 7: 'E2BIG', 8: 'ENOEXEC',
  9: 'EBADF', 10: 'ECHILD', 11: 'EAGAIN', 12: 'ENOMEM', 13: 'EACCES', 14: 'EFAULT', 16: 'EBUSY',
  17: 'EEXIST', 19: 'ENODEV', 20: 'ENOTDIR', 21: 'EISDIR', 22: 'EINVAL', 23: 'ENFILE', 24: 'EMFILE',
  25: 'ENOTTY', 28: 'ENOSPC', 29: 'ESPIPE', 32: 'EPIPE', 34: 'ERANGE', 35: 'EDEADLK', 36: 'ENAMETOOLONG', 37: 'ENOLCK',
  38: 'ENOSYS', 39: 'ENOTEMPTY', 40: 'ELOOP', 88: 'ENOTSOCK', 95: 'EOPNOTSUPP', 97: 'EAFNOSUPPORT',
  98: 'EADDRINUSE', 111: 'ECONNREFUSED', 115: 'EINPROGRESS',
  512: 'ERESTARTSYS', 513: 'ERESTARTNOINTR', 514: 'ERESTARTNOHAND', 516: 'ERESTART_RESTARTBLOCK',
}

export const ERRNO_TEXT: Readonly<Record<number, string>> = {
  1: 'Operation not permitted', 2: 'No such file or directory', 3: 'No such process',
  4: 'Interrupted system call', 5: 'Input/output error', 9: 'Bad file descriptor', 10: 'No child processes',
  11: 'Resource temporarily unavailable', 12: 'Cannot allocate memory', 13: 'Permission denied',
  14: 'Bad address', 16: 'Device or resource busy', 17: 'File exists', 19: 'No such device',
  20: 'Not a directory', 21: 'Is a directory', 22: 'Invalid argument', 23: 'Too many open files in system',
  24: 'Too many open files', 25: 'Inappropriate ioctl for device', 28: 'No space left on device', 29: 'Illegal seek', 32: 'Broken pipe',
  38: 'Function not implemented', 88: 'Socket operation on non-socket', 95: 'Operation not supported',
  // Kernel-internal restart codes (never seen by user space), with strace's wording.
  512: 'To be restarted if SA_RESTART is set', 513: 'To be restarted', 514: 'To be restarted if no handler',
  516: 'Interrupted by signal',
}

export function errnoByName(name: string): number | undefined {
  for (const [k, v] of Object.entries(ERRNO_NAMES)) if (v === name) return Number(k)
  return undefined
}

/** IS_ERR_VALUE for the negative-errno convention. */
export const IS_ERR_VALUE = (x: number): boolean => x < 0 && x >= -4095
export const EWOULDBLOCK = EAGAIN
export const ENOIOCTLCMD = 515
