/**
 * Decoding of strace's argument text for the replayer: flag words, structs, control messages,
 * paths under /proc/self/fd, and which logged errors the fd table does not decide.
 */
import { argAt, arrayItems, intArg, intArray, parseFlagWord, parseQuoted, splitArgs, structField, type SyscallEvent } from './parse'
import type { ModelFlock, ModelOracle } from './model'
import { CLONE_FLAGS, CREATE_FLAGS, OPEN_FLAGS } from './syscalls'
import * as F from '../kernel/include/flags'

/** RLIMIT_NOFILE the model uses while the log has not shown the real one (fs.nr_open's default). */
export const UNKNOWN_NOFILE = 1 << 20

/** open/openat/creat/openat2 errors raised before an fd is reserved (build_open_flags, getname). */
export const OPEN_BEFORE_FD: ReadonlySet<string> = new Set(['EFAULT', 'EINVAL', 'ENAMETOOLONG', 'E2BIG'])
export const OPEN_NAMES: ReadonlySet<string> = new Set(['open', 'openat', 'openat2', 'creat'])

/**
 * Whether a creator's logged error was decided outside the fd table: anything but EMFILE (the
 * allocation) and EBADF on an fd argument. The open family is judged by the model for the errors
 * of its path walk (they come after the fd is reserved: EMFILE would have won).
 */
export function decidedElsewhere(e: SyscallEvent, hasFdArg: boolean): boolean {
  const err = e.errno
  if (err === 'EMFILE' || (err === 'EBADF' && hasFdArg)) return false
  if (OPEN_NAMES.has(e.name)) return OPEN_BEFORE_FD.has(err ?? '')
  return true
}

/** Whether @e's error comes from a check made before its fd argument was looked up. */
export function beforeFdLookup(e: SyscallEvent): boolean {
  const err = e.errno
  if (err === 'EFAULT') return true // copies from user memory often come first
  if (err !== 'EINVAL') return false
  if (e.name === 'pidfd_getfd') return true // if (flags) return -EINVAL; before fdget
  if (e.name === 'accept4') {
    const f = parseFlagWord(e.arg(3), CREATE_FLAGS)
    return !f || f.unknown.length > 0 || (f.value & ~(F.SOCK_CLOEXEC | F.SOCK_NONBLOCK)) !== 0
  }
  return false
}

export const DOMAINS: Readonly<Record<string, number>> = { AF_UNIX: 1, AF_LOCAL: 1, AF_INET: 2, AF_INET6: 10, AF_NETLINK: 16, AF_PACKET: 17 }
export const SIGNALS: Readonly<Record<string, number>> = {
  SIGCHLD: 17, SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGUSR1: 10, SIGUSR2: 12, SIGTERM: 15,
}

export const CLONE_NEWPID = 0x20000000
export const OPEN_AND_CREATE_FLAGS: Readonly<Record<string, number>> = { ...CREATE_FLAGS, ...OPEN_FLAGS }
export const CLONE_AND_SIGNALS: Readonly<Record<string, number>> = { ...CLONE_FLAGS, ...SIGNALS }

/** CLONE_* flags (and the pidfd, from the part printed at exit) of a clone-family call. */
export function cloneArgs(name: string, argsText: string): { flags: number; pidfdLog: number | undefined } {
  let flags = 0
  let pidfdLog: number | undefined
  if (name === 'fork') flags = 17
  else if (name === 'vfork') flags = F.CLONE_VFORK | F.CLONE_VM | 17
  else if (name === 'clone3') {
    const a0 = argAt(argsText, 0) ?? ''
    const arrow = a0.indexOf('=>')
    const inArgs = arrow >= 0 ? a0.slice(0, arrow) : a0
    flags = parseFlagWord(structField(inArgs.trim(), 'flags'), CLONE_FLAGS)?.value ?? 0
    if (arrow >= 0) pidfdLog = intArray(structField(a0.slice(arrow + 2).trim(), 'pidfd'))?.[0]
  } else {
    for (const a of splitArgs(argsText)) {
      if (a.startsWith('flags=')) flags = parseFlagWord(a.slice(6), CLONE_AND_SIGNALS)?.value ?? 0
      else if (a.startsWith('parent_tid=')) pidfdLog = intArray(a.slice(11))?.[0]
    }
    if (!(flags & F.CLONE_PIDFD)) pidfdLog = undefined
  }
  return { flags, pidfdLog }
}

/** fds in the SCM_RIGHTS control messages of a msghdr. */
export function scmRights(msg: string | undefined): number[] {
  if (!msg || !msg.includes('SCM_RIGHTS')) return []
  const ctl = structField(msg, 'msg_control')
  const out: number[] = []
  for (const c of arrayItems(ctl) ?? []) {
    if (structField(c, 'cmsg_type') !== 'SCM_RIGHTS') continue
    for (const v of intArray(structField(c, 'cmsg_data')) ?? []) out.push(v)
  }
  return out
}

/**
 * The SCM_PIDFD control messages of a msghdr: the fd when strace printed it, else undefined
 * (strace 6.1 shows `cmsg_type=0x4` with an SCM_??? comment and no data).
 */
export function scmPidfds(msg: string | undefined): (number | undefined)[] {
  if (!msg || !msg.includes('cmsg_type=')) return []
  if (!msg.includes('SCM_PIDFD') && !msg.includes('cmsg_type=0x4')) return []
  const out: (number | undefined)[] = []
  for (const c of arrayItems(structField(msg, 'msg_control')) ?? []) {
    const type = structField(c, 'cmsg_type') ?? ''
    if (structField(c, 'cmsg_level') !== 'SOL_SOCKET') continue
    if (type !== 'SCM_PIDFD' && type !== '0x4' && !type.startsWith('0x4 ')) continue
    out.push(intArray(structField(c, 'cmsg_data'))?.[0] ?? intArg(structField(c, 'cmsg_data')))
  }
  return out
}

/** Calls that may name /proc/self/fd/N, and the index of their path argument. */
export const PROC_FD_PATH: Readonly<Record<string, number>> = {
  stat: 0, lstat: 0, readlink: 0, access: 0, open: 0, creat: 0,
  newfstatat: 1, fstatat64: 1, statx: 1, readlinkat: 1, faccessat: 1, faccessat2: 1, openat: 1, openat2: 1,
}
export const PROC_FD_RE = /^(?:\/proc\/(self|thread-self|\d+)|\/dev)\/fd\/(\d+)$/

/** The task and fd a /proc/.../fd/N path names (an absolute path: the dirfd does not matter). */
export function procFdOf(e: SyscallEvent): { who: 'self' | 'thread-self' | number; fd: number } | undefined {
  const i = PROC_FD_PATH[e.name]
  if (i === undefined) return undefined
  const a = e.arg(i)
  if (a === undefined || !(a.startsWith('"/proc/') || a.startsWith('"/dev/fd/'))) return undefined
  const m = PROC_FD_RE.exec(parseQuoted(a)?.value ?? '')
  if (!m) return undefined
  const fd = Number(m[2])
  if (!(fd <= 0x7fffffff)) return undefined
  const who = m[1] === undefined ? 'self' : m[1] === 'self' || m[1] === 'thread-self' ? m[1] : Number(m[1])
  return { who, fd }
}

/** ioctl commands do_vfs_ioctl handles for any fd. */
export const VFS_IOCTLS: Readonly<Record<string, number>> = { FIOCLEX: F.FIOCLEX, FIONCLEX: F.FIONCLEX, FIONBIO: F.FIONBIO, FIOASYNC: F.FIOASYNC }

/** ioctl commands whose result is a new fd (close-on-exec) in the caller's table. */
export const FD_IOCTLS: ReadonlySet<string> = new Set([
  'NS_GET_USERNS', 'NS_GET_PARENT', 'TIOCGPTPEER', 'KVM_CREATE_VM', 'KVM_CREATE_VCPU', 'KVM_GET_STATS_FD',
  'VFIO_GROUP_GET_DEVICE_FD',
])
/** PIDFD_GET_{CGROUP,IPC,MNT,NET,PID,PID_FOR_CHILDREN,TIME,TIME_FOR_CHILDREN,USER,UTS}_NAMESPACE, v6.11. */
export const PIDFD_NS_IOCTL = /^(PIDFD_GET_[A-Z_]+_NAMESPACE|_IOC\(_IOC_NONE, 0xff, 0x(?:[1-9]|a), 0\))$/

export function fdIoctl(req: string | undefined): 'fd' | 'pidfd_ns' | undefined {
  if (req === undefined) return undefined
  if (FD_IOCTLS.has(req)) return 'fd'
  if (PIDFD_NS_IOCTL.test(req)) return 'pidfd_ns'
  return undefined
}

/** `{rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}` */
export function parseRlimit(text: string | undefined): { rlim_cur: number; rlim_max: number } | undefined {
  if (!text || text === 'NULL' || !text.startsWith('{')) return undefined
  const cur = rlimValue(structField(text, 'rlim_cur'))
  const max = rlimValue(structField(text, 'rlim_max'))
  if (cur === undefined || max === undefined) return undefined
  return { rlim_cur: cur, rlim_max: max }
}

export function rlimValue(v: string | undefined): number | undefined {
  if (v === undefined) return undefined
  if (v.includes('INFINITY')) return UNKNOWN_NOFILE
  let prod = 1
  for (const p of v.split('*')) {
    const n = intArg(p.trim())
    if (n === undefined) return undefined
    prod *= n
  }
  return prod
}

export type Flock = ModelFlock
export const LOCK_TYPES: Readonly<Record<string, number>> = { F_RDLCK: F.F_RDLCK, F_WRLCK: F.F_WRLCK, F_UNLCK: F.F_UNLCK }
export const WHENCE: Readonly<Record<string, number>> = { SEEK_SET: F.SEEK_SET, SEEK_CUR: F.SEEK_CUR, SEEK_END: F.SEEK_END }

/** `{l_type=F_WRLCK, l_whence=SEEK_SET, l_start=0, l_len=10[, l_pid=123]}` */
export function parseFlock(text: string | undefined): Flock | undefined {
  if (!text || !text.startsWith('{')) return undefined
  const type = parseFlagWord(structField(text, 'l_type'), LOCK_TYPES)
  const whence = parseFlagWord(structField(text, 'l_whence'), WHENCE)
  const start = intArg(structField(text, 'l_start'))
  const len = intArg(structField(text, 'l_len'))
  if (!type || type.unknown.length || !whence || whence.unknown.length || start === undefined || len === undefined) return undefined
  return { l_type: type.value, l_whence: whence.value, l_start: start, l_len: len, l_pid: intArg(structField(text, 'l_pid')) ?? 0 }
}

export function flockText(f: Flock): string {
  const type = f.l_type === F.F_RDLCK ? 'F_RDLCK' : f.l_type === F.F_WRLCK ? 'F_WRLCK' : f.l_type === F.F_UNLCK ? 'F_UNLCK' : String(f.l_type)
  return `${type} ${f.l_start}+${f.l_len}${f.l_pid ? ` pid ${f.l_pid}` : ''}`
}

/** The F_GETFL bits the model holds: access mode, O_PATH and the SETFL status flags. */
export const GETFL_MASK = F.O_ACCMODE | F.O_PATH | F.O_APPEND | F.O_NONBLOCK | F.O_DIRECT | F.O_NOATIME | F.FASYNC

export function hex(n: number): string {
  return `0x${(n >>> 0).toString(16)}`
}

/** The kind of object from a `-y` decoration. */
export function decorKind(d: string | undefined): ModelOracle['kind'] | undefined {
  if (!d) return undefined
  if (d.startsWith('pipe:')) return 'pipe'
  if (d.startsWith('socket:') || /^(UNIX|TCP|UDP|TCPv6|UDPv6|NETLINK|UNIX-STREAM|UNIX-DGRAM|UNIX-SEQPACKET)\b/.test(d)) return 'sock'
  if (d.startsWith('anon_inode:')) return 'anon'
  if (d.endsWith('>') && d.includes('<char ')) return 'chr'
  if (d.startsWith('/')) return d.includes('<char ') ? 'chr' : 'reg'
  return undefined
}

