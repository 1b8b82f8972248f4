/** errno names as strace prints them (x86_64), for decoding logs. */
const NAMES: readonly (readonly [string, number])[] = [
  ['EPERM', 1], ['ENOENT', 2], ['ESRCH', 3], ['EINTR', 4], ['EIO', 5], ['ENXIO', 6], ['E2BIG', 7], ['ENOEXEC', 8],
  ['EBADF', 9], ['ECHILD', 10], ['EAGAIN', 11], ['ENOMEM', 12], ['EACCES', 13], ['EFAULT', 14], ['ENOTBLK', 15],
  ['EBUSY', 16], ['EEXIST', 17], ['EXDEV', 18], ['ENODEV', 19], ['ENOTDIR', 20], ['EISDIR', 21], ['EINVAL', 22],
  ['ENFILE', 23], ['EMFILE', 24], ['ENOTTY', 25], ['ETXTBSY', 26], ['EFBIG', 27], ['ENOSPC', 28], ['ESPIPE', 29],
  ['EROFS', 30], ['EMLINK', 31], ['EPIPE', 32], ['EDOM', 33], ['ERANGE', 34], ['EDEADLK', 35], ['ENAMETOOLONG', 36],
  ['ENOLCK', 37], ['ENOSYS', 38], ['ENOTEMPTY', 39], ['ELOOP', 40], ['ENOMSG', 42], ['EIDRM', 43], ['ENOSTR', 60],
  ['ENODATA', 61], ['ETIME', 62], ['ENOSR', 63], ['EREMOTE', 66], ['ENOLINK', 67], ['EPROTO', 71], ['EBADMSG', 74],
  ['EOVERFLOW', 75], ['EBADFD', 77], ['EILSEQ', 84], ['ERESTART', 85], ['EUSERS', 87], ['ENOTSOCK', 88],
  ['EDESTADDRREQ', 89], ['EMSGSIZE', 90], ['EPROTOTYPE', 91], ['ENOPROTOOPT', 92], ['EPROTONOSUPPORT', 93],
  ['ESOCKTNOSUPPORT', 94], ['EOPNOTSUPP', 95], ['EPFNOSUPPORT', 96], ['EAFNOSUPPORT', 97], ['EADDRINUSE', 98],
  ['EADDRNOTAVAIL', 99], ['ENETDOWN', 100], ['ENETUNREACH', 101], ['ENETRESET', 102], ['ECONNABORTED', 103],
  ['ECONNRESET', 104], ['ENOBUFS', 105], ['EISCONN', 106], ['ENOTCONN', 107], ['ESHUTDOWN', 108],
  ['ETOOMANYREFS', 109], ['ETIMEDOUT', 110], ['ECONNREFUSED', 111], ['EHOSTDOWN', 112], ['EHOSTUNREACH', 113],
  ['EALREADY', 114], ['EINPROGRESS', 115], ['ESTALE', 116], ['EDQUOT', 122], ['ECANCELED', 125], ['ENOKEY', 126],
  ['EKEYEXPIRED', 127], ['EKEYREVOKED', 128], ['EKEYREJECTED', 129], ['EOWNERDEAD', 130], ['ENOTRECOVERABLE', 131],
  ['ERFKILL', 132], ['EHWPOISON', 133],
  ['ERESTARTSYS', 512], ['ERESTARTNOINTR', 513], ['ERESTARTNOHAND', 514], ['ENOIOCTLCMD', 515],
  ['ERESTART_RESTARTBLOCK', 516], ['EPROBE_DEFER', 517], ['EOPENSTALE', 518], ['ENOPARAM', 519],
  ['EBADHANDLE', 521], ['ENOTSUPP', 524], ['ENOTSYNC', 525], ['EIOCBQUEUED', 529],
]

const BY_NAME = new Map<string, number>(NAMES)
const BY_NUM = new Map<number, string>()
for (const [n, v] of NAMES) if (!BY_NUM.has(v)) BY_NUM.set(v, n)
BY_NAME.set('EWOULDBLOCK', 11)
BY_NAME.set('EDEADLOCK', 35)
BY_NAME.set('ENOTSUP', 95)

/** errno number for a name (`EBADF` → 9; `errno 523` → 523); undefined if unknown. */
export function errnoNumber(name: string | undefined): number | undefined {
  if (name === undefined) return undefined
  const v = BY_NAME.get(name)
  if (v !== undefined) return v
  if (name.startsWith('errno ')) {
    const n = Number(name.slice(6))
    return Number.isInteger(n) ? n : undefined
  }
  return undefined
}

/** errno name for a number (9 → `EBADF`). */
export function errnoName(n: number): string {
  return BY_NUM.get(n) ?? `errno ${n}`
}

/** Whether the errno asks for a restart: the call did not complete. */
export function isRestart(name: string | undefined): boolean {
  return name !== undefined && name.startsWith('ERESTART')
}
