/**
 * The other fd-creating system calls, reduced to their fd handling: eventfd, epoll, memfd,
 * timerfd, signalfd, inotify, pidfd.
 * @kernel fs/eventfd.c, fs/eventpoll.c, mm/memfd.c, fs/timerfd.c, fs/signalfd.c,
 *         fs/notify/inotify/inotify_user.c, kernel/pid.c
 * SIM: counters, timers, signals and notifications are not modelled; each call validates its
 * flags as the kernel does and creates a file with the kernel's flag handling.
 */
import type { KGen } from '../../sim/context'
import type { Kernel } from '../include/kernel'
import { nextId } from '../../sim/context'
import { kfunc } from '../../sim/kfunc'
import type { FileOperations } from '../include/types'
import { EBADF, EEXIST, EINVAL, ENOENT, EPERM, ESRCH } from '../include/errno'
import {
  EFD_CLOEXEC, EFD_NONBLOCK, EFD_SEMAPHORE, EPOLL_CLOEXEC, EPOLL_CTL_ADD, EPOLL_CTL_DEL, EPOLL_CTL_MOD, IN_CLOEXEC,
  IN_NONBLOCK, MFD_ALLOW_SEALING, MFD_CLOEXEC, O_CLOEXEC, O_EXCL, O_NONBLOCK, O_RDONLY, O_RDWR, PIDFD_NONBLOCK, SFD_CLOEXEC,
  SFD_NONBLOCK, TFD_CLOEXEC, TFD_NONBLOCK,
} from '../include/flags'
import { anon_inode_getfd } from './anon_inodes'
import { fdget, fdput, fd_install, get_unused_fd_flags, put_unused_fd } from './file'
import { alloc_empty_file } from './file_table'
import { do_dentry_open } from './open'
import type { EventPoll } from './eventpoll'

const eventfd_fops: FileOperations = { name: 'eventfd_fops' }
export const eventpoll_fops: FileOperations = { name: 'eventpoll_fops' }
const timerfd_fops: FileOperations = { name: 'timerfd_fops' }
const signalfd_fops: FileOperations = { name: 'signalfd_fops' }
const inotify_fops: FileOperations = { name: 'inotify_fops' }
const pidfd_fops: FileOperations = { name: 'pidfd_fops' }

/**
 * do_eventfd - eventfd2(2)
 * @kernel fs/eventfd.c do_eventfd()
 */
export const do_eventfd = kfunc('do_eventfd', function* (k: Kernel, count: number, flags: number): KGen<number> {
  if (flags & ~(EFD_CLOEXEC | EFD_NONBLOCK | EFD_SEMAPHORE)) return -EINVAL
  return yield* anon_inode_getfd(k, '[eventfd]', eventfd_fops, { count }, O_RDWR | (flags & (EFD_CLOEXEC | EFD_NONBLOCK)))
})

/**
 * do_epoll_create - epoll_create1(2)
 * @kernel fs/eventpoll.c do_epoll_create()
 */
export const do_epoll_create = kfunc('do_epoll_create', function* (k: Kernel, flags: number): KGen<number> {
  if (flags & ~EPOLL_CLOEXEC) return -EINVAL
  const ep: EventPoll = { id: nextId(k, 'eventpoll'), items: [] }
  return yield* anon_inode_getfd(k, '[eventpoll]', eventpoll_fops, ep, O_RDWR | (flags & O_CLOEXEC))
})

/**
 * do_epoll_ctl - epoll_ctl(2): registrations are keyed by (file, fd)
 * @kernel fs/eventpoll.c do_epoll_ctl()
 */
export const do_epoll_ctl = kfunc('do_epoll_ctl', function* (k: Kernel, epfd: number, op: number, fd: number, events: number, data: number): KGen<number> {
  const f = yield* fdget(k, epfd)
  if (!f.file) return -EBADF
  const tf = yield* fdget(k, fd)
  let error = -EBADF
  if (tf.file) {
    error = -EINVAL
    const epf = f.file
    if (epf.f_op === eventpoll_fops && tf.file !== epf) {
      const ep = epf.private_data as EventPoll
      const tfile = tf.file
      yield { obj: ep.id, w: true, what: `epoll_ctl ${ep.id}` }
      const i = ep.items.findIndex((it) => it.file === tfile && it.fd === fd)
      if (op === EPOLL_CTL_ADD) {
        if (i >= 0) error = -EEXIST
        else {
          ep.items.push({ file: tfile, fd, events, data })
          tfile.f_ep = [...(tfile.f_ep ?? []), epf]
          error = 0
        }
      } else if (op === EPOLL_CTL_DEL) {
        if (i < 0) error = -ENOENT
        else {
          ep.items.splice(i, 1)
          if (!ep.items.some((it) => it.file === tfile)) tfile.f_ep = (tfile.f_ep ?? []).filter((x) => x !== epf)
          error = 0
        }
      } else if (op === EPOLL_CTL_MOD) {
        if (i < 0) error = -ENOENT
        else { ep.items[i] = { ...ep.items[i]!, events, data }; error = 0 }
      }
    }
    yield* fdput(k, tf)
  }
  yield* fdput(k, f)
  return error
})

/**
 * memfd_create(2): a tmpfs file with no name in the tree
 * @kernel mm/memfd.c SYSCALL_DEFINE2(memfd_create)
 */
export const sys_memfd_create = kfunc('sys_memfd_create', function* (k: Kernel, name: string, flags: number): KGen<number> {
  if (flags & ~(MFD_CLOEXEC | MFD_ALLOW_SEALING | 0x4 | 0x8 | 0x10 | (0x3f << 26))) return -EINVAL
  const fd = yield* get_unused_fd_flags(k, flags & MFD_CLOEXEC ? O_CLOEXEC : 0)
  if (fd < 0) return fd
  const f = yield* alloc_empty_file(k, O_RDWR)
  if (typeof f === 'number') { yield* put_unused_fd(k, fd); return f }
  const ino = (k.ids['ino'] = (k.ids['ino'] ?? 1000) + 1)
  yield* do_dentry_open(k, f, {
    id: `inode#${ino}`, i_ino: ino, kind: 'reg', data: new Uint8Array(0), i_size: 0, i_flctx: null, i_readcount: 0,
    i_writecount: 0, i_pipe: null, i_cdev: null, path: `/memfd:${name} (deleted)`,
  }, 'tmpfs')
  yield* fd_install(k, fd, f)
  return fd
})

/**
 * timerfd_create(2)
 * @kernel fs/timerfd.c SYSCALL_DEFINE2(timerfd_create)
 */
export const sys_timerfd_create = kfunc('sys_timerfd_create', function* (k: Kernel, clockid: number, flags: number): KGen<number> {
  if (flags & ~(TFD_CLOEXEC | TFD_NONBLOCK)) return -EINVAL
  if (![0, 1, 7, 8, 9].includes(clockid)) return -EINVAL
  return yield* anon_inode_getfd(k, '[timerfd]', timerfd_fops, { clockid }, O_RDWR | (flags & (TFD_CLOEXEC | TFD_NONBLOCK)))
})

/**
 * signalfd4(2) with fd -1 creates a new signalfd
 * @kernel fs/signalfd.c do_signalfd4()
 */
export const do_signalfd4 = kfunc('do_signalfd4', function* (k: Kernel, ufd: number, flags: number): KGen<number> {
  if (flags & ~(SFD_CLOEXEC | SFD_NONBLOCK)) return -EINVAL
  if (ufd === -1) return yield* anon_inode_getfd(k, '[signalfd]', signalfd_fops, {}, O_RDWR | (flags & (SFD_CLOEXEC | SFD_NONBLOCK)))
  const f = yield* fdget(k, ufd)
  if (!f.file) return -EBADF
  const ok = f.file.f_op === signalfd_fops
  yield* fdput(k, f)
  return ok ? ufd : -EINVAL
})

/**
 * inotify_init1(2)
 * @kernel fs/notify/inotify/inotify_user.c do_inotify_init()
 */
export const do_inotify_init = kfunc('do_inotify_init', function* (k: Kernel, flags: number): KGen<number> {
  if (flags & ~(IN_CLOEXEC | IN_NONBLOCK)) return -EINVAL
  return yield* anon_inode_getfd(k, 'inotify', inotify_fops, {}, O_RDONLY | (flags & (IN_CLOEXEC | IN_NONBLOCK)))
})

/**
 * pidfd_open(2): pidfds are always close-on-exec
 * @kernel kernel/pid.c SYSCALL_DEFINE2(pidfd_open), pidfd_create()
 */
export const sys_pidfd_open = kfunc('sys_pidfd_open', function* (k: Kernel, pid: number, flags: number): KGen<number> {
  // PIDFD_THREAD (O_EXCL) is known from v6.9
  if (flags & ~(PIDFD_NONBLOCK | (k.profile.pidfd_thread ? O_EXCL /* PIDFD_THREAD */ : 0))) return -EINVAL
  if (pid <= 0) return -EINVAL
  const t = k.tasks.get(pid)
  if (!k.oracle && (!t || t.state === 'dead')) return -ESRCH
  return yield* anon_inode_getfd(k, '[pidfd]', pidfd_fops, { pid }, O_RDWR | O_CLOEXEC | (flags & O_NONBLOCK))
})

/**
 * pidfd_prepare + fd_install for clone(CLONE_PIDFD)
 * @kernel kernel/fork.c pidfd_prepare()
 */
export function* pidfd_for_clone(k: Kernel, pid: number): KGen<number> {
  return yield* anon_inode_getfd(k, '[pidfd]', pidfd_fops, { pid }, O_RDWR | O_CLOEXEC)
}

export { EPERM }
