/**
 * open(2) and close(2) and the per-close flush.
 * @kernel fs/open.c (do_sys_openat2, do_dentry_open, filp_flush, filp_close, SYSCALL_DEFINE1(close)),
 *         fs/namei.c do_filp_open() (SIM: a lookup in the lab's small file tree)
 * Profiles: v6.5 close(2) = close_fd() → filp_close() → fput() (deferred); since v6.6 close(2) =
 * file_close_fd() → filp_flush() → fput_close_sync() (__fput runs inside close).
 */
import type { KGen } from '../../sim/context'
import type { Kernel } from '../include/kernel'
import { kfunc, tracedStub } from '../../sim/kfunc'
import type { File, FileOperations, FlOwner, Inode } from '../include/types'
import {
  EBADF, EEXIST, EINTR, EINVAL, EISDIR, ENOENT, ENOTDIR, ENXIO, ERESTARTNOHAND, ERESTARTNOINTR, ERESTARTSYS,
  ERESTART_RESTARTBLOCK,
} from '../include/errno'
import {
  AT_FDCWD, FMODE_ATOMIC_POS, FMODE_CREATED, FMODE_OPENED, FMODE_PATH, FMODE_READ, FMODE_STREAM, FMODE_WRITE, FMODE_WRITER,
  O_ACCMODE, O_CLOEXEC, O_CREAT, O_DIRECTORY, O_EXCL, O_NOCTTY, O_PATH, O_TRUNC, O_WRONLY, O_RDWR, VALID_OPEN_FLAGS,
} from '../include/flags'
import { file_count } from '../include/file_ref'
import { alloc_empty_file, fput, fput_close, fput_close_sync } from './file_table'
import { close_fd, fd_install, file_close_fd, get_unused_fd_flags, put_unused_fd } from './file'
import { locks_remove_posix } from './locks'
import { pipe_fops } from './pipe'
import { regular_fops, dir_fops, null_fops, tty_fops } from './libfs'
import { RULE } from '../../sim/rules'

/**
 * filp_flush - the per-close part of closing: ->flush, dnotify, POSIX locks (v6.6+)
 * @kernel fs/open.c filp_flush()
 */
export const filp_flush = kfunc('filp_flush', function* (k: Kernel, filp: File, id: FlOwner): KGen<number> {
  yield { obj: filp.id, w: false, what: `file_count ${filp.id}` }
  if (file_count(k, filp) === 0) {
    k.printk.push('VFS: Close: file count is 0')
    k.report(RULE.V16, 'violation', `VFS: Close: file count is 0 (${filp.id}): CHECK_DATA_CORRUPTION`, [filp.id])
    return 0
  }
  let retval = 0
  if (filp.f_op.flush) {
    if (k.trace.on) k.trace.emit({ e: 'enter', fn: `${filp.f_op.name}.flush`, args: [filp.id, id.id] })
    retval = yield* filp.f_op.flush(k, filp, id)
    if (k.trace.on) k.trace.emit({ e: 'exit', fn: `${filp.f_op.name}.flush`, ret: retval })
  }
  if (!(filp.f_mode & FMODE_PATH)) {
    tracedStub(k, 'dnotify_flush', [filp.id, id.id], 'directory notifications are not modelled')
    yield* locks_remove_posix(k, filp, id)
  }
  return retval
})

/**
 * filp_close - flush and drop one reference (the deferred form of close)
 * @kernel fs/open.c filp_close()
 * Profiles: one body per version, chosen here: v6.5 flushes inline and ends in fput();
 * v6.6+ calls filp_flush() and (v6.15+) ends in fput_close().
 */
export const filp_close = kfunc('filp_close', (k: Kernel, filp: File, id: FlOwner): KGen<number> => {
  return k.profile.close_sync_fput ? filp_close_v6_18(k, filp, id) : filp_close_v6_5(k, filp, id)
})

/** filp_close (v6.5): the flush steps written out, then fput(). */
function* filp_close_v6_5(k: Kernel, filp: File, id: FlOwner): KGen<number> {
  yield { obj: filp.id, w: false, what: `file_count ${filp.id}` }
  if (file_count(k, filp) === 0) {
    k.printk.push('VFS: Close: file count is 0')
    k.report(RULE.V16, 'violation', `VFS: Close: file count is 0 (${filp.id}): CHECK_DATA_CORRUPTION`, [filp.id])
    return 0
  }
  let retval = 0
  if (filp.f_op.flush) {
    if (k.trace.on) k.trace.emit({ e: 'enter', fn: `${filp.f_op.name}.flush`, args: [filp.id, id.id] })
    retval = yield* filp.f_op.flush(k, filp, id)
    if (k.trace.on) k.trace.emit({ e: 'exit', fn: `${filp.f_op.name}.flush`, ret: retval })
  }
  if (!(filp.f_mode & FMODE_PATH)) {
    tracedStub(k, 'dnotify_flush', [filp.id, id.id], 'directory notifications are not modelled')
    yield* locks_remove_posix(k, filp, id)
  }
  yield* fput(k, filp)
  return retval
}

/** filp_close (v6.15+): filp_flush(), then fput_close(). */
function* filp_close_v6_18(k: Kernel, filp: File, id: FlOwner): KGen<number> {
  const retval = yield* filp_flush(k, filp, id)
  yield* fput_close(k, filp)
  return retval
}

/** The four restart codes become EINTR: close is never restarted, the table entry is gone. */
function mapRestart(retval: number): number {
  if (retval === -ERESTARTSYS || retval === -ERESTARTNOINTR || retval === -ERESTARTNOHAND || retval === -ERESTART_RESTARTBLOCK) return -EINTR
  return retval
}

/**
 * sys_close - close(2)
 * @kernel fs/open.c SYSCALL_DEFINE1(close)
 * The fd is gone whatever the return value: close is never restarted.
 * Profiles: one body per version, chosen here: v6.5 close_fd() (deferred fput); v6.6+
 * file_close_fd(), filp_flush() and a synchronous fput_close_sync().
 */
export const sys_close = kfunc('sys_close', (k: Kernel, fd: number): KGen<number> => {
  return k.profile.close_sync_fput ? sys_close_v6_18(k, fd) : sys_close_v6_5(k, fd)
})

/** SYSCALL_DEFINE1(close) (v6.5). */
function* sys_close_v6_5(k: Kernel, fd: number): KGen<number> {
  const retval = yield* close_fd(k, fd)
  return mapRestart(retval)
}

/** SYSCALL_DEFINE1(close) (v6.15+). */
function* sys_close_v6_18(k: Kernel, fd: number): KGen<number> {
  const file = yield* file_close_fd(k, fd)
  if (!file) return -EBADF
  const retval = yield* filp_flush(k, file, k.current.files!)
  // We're returning to user space. Don't bother with any delayed fput() cases.
  yield* fput_close_sync(k, file)
  return mapRestart(retval)
}

/** The file_operations a lookup installs for an inode (SIM: instead of i_fop from the filesystem). */
export function fopsFor(k: Kernel, inode: Inode): FileOperations {
  switch (inode.kind) {
    case 'dir': return dir_fops
    case 'fifo': case 'pipe': return pipe_fops
    case 'chr': {
      if (inode.path === '/dev/null' || inode.path === '/dev/zero') return null_fops
      if (inode.path.startsWith('/dev/pts/') || inode.path === '/dev/tty') return tty_fops
      const drv = inode.i_cdev ? k.drivers.get(inode.i_cdev) : undefined
      return drv ?? null_fops
    }
    default: return regular_fops
  }
}

/**
 * do_dentry_open - attach the inode to the new file and call ->open
 * @kernel fs/open.c do_dentry_open()
 */
export const do_dentry_open = kfunc('do_dentry_open', function* (k: Kernel, f: File, inode: Inode, mnt: string): KGen<number> {
  f.f_inode = inode
  f.f_path = { mnt, dentry: inode }
  // The open-time flags do not stay in f_flags (F_GETFL and fdinfo never show them).
  f.f_flags &= ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC)
  if (f.f_flags & O_PATH) {
    f.f_mode = FMODE_PATH | FMODE_OPENED
    f.f_op = { name: 'empty_fops' }
    return 0
  }
  if (f.f_mode & FMODE_WRITE) {
    inode.i_writecount++
    f.f_mode |= FMODE_WRITER
  } else if (f.f_mode & FMODE_READ) inode.i_readcount++
  f.f_op = fopsFor(k, inode)
  if (inode.kind === 'reg' || inode.kind === 'dir') f.f_mode |= FMODE_ATOMIC_POS
  // Pipes and sockets are streams; a character device is one only if its driver says so
  // (stream_open), so a lab driver's llseek and *pos work as in the kernel.
  if (inode.kind === 'fifo' || inode.kind === 'pipe' || inode.kind === 'sock') f.f_mode |= FMODE_STREAM
  if (f.f_op.open) {
    const err = yield* f.f_op.open(k, inode, f)
    if (err) return err
  }
  f.f_mode |= FMODE_OPENED
  return 0
})

/**
 * do_filp_open - path walk and open
 * @kernel fs/namei.c do_filp_open()
 * SIM: a lookup in the simulated tree (or, in a replay, the outcome the log recorded).
 */
export const do_filp_open = kfunc('do_filp_open', function* (k: Kernel, dfd: number, path: string, flags: number): KGen<File | number> {
  yield { obj: 'vfs', w: (flags & O_CREAT) !== 0, what: `path walk ${path}` }
  let inode: Inode | null
  let created = false
  if (k.oracle) {
    if (k.oracle.ret < 0) return k.oracle.ret
    inode = k.vfs.lookup(path) ?? k.vfs.create(path, k.oracle.kind ?? (flags & O_DIRECTORY ? 'dir' : 'reg'))
    if (!inode) return -ENOENT
    created = k.oracle.created === true
  } else {
    void dfd
    inode = k.vfs.lookup(path)
    if (inode && flags & O_CREAT && flags & O_EXCL) return -EEXIST
    if (!inode) {
      if (!(flags & O_CREAT)) return -ENOENT
      const parent = path.slice(0, path.lastIndexOf('/')) || '/'
      const p = k.vfs.lookup(parent)
      if (!p) return -ENOENT
      if (p.kind !== 'dir') return -ENOTDIR
      inode = k.vfs.create(path, 'reg')
      if (!inode) return -ENOENT
      created = true
    }
    if (flags & O_DIRECTORY && inode.kind !== 'dir') return -ENOTDIR
    if (inode.kind === 'dir' && (flags & O_ACCMODE) !== 0 && !(flags & O_PATH)) return -EISDIR
    if (inode.kind === 'chr' && inode.i_cdev && !k.drivers.has(inode.i_cdev)) return -ENXIO
  }
  if (!(flags & O_PATH) && flags & O_TRUNC && inode.kind === 'reg' && (flags & (O_WRONLY | O_RDWR))) {
    inode.data = new Uint8Array(0)
    inode.i_size = 0
  }
  const f = yield* alloc_empty_file(k, flags & ~O_CLOEXEC)
  if (typeof f === 'number') return f
  const err = yield* do_dentry_open(k, f, inode, inode.path.startsWith('/tmp') ? 'tmpfs' : inode.path.startsWith('/dev') ? 'devtmpfs' : 'rootfs')
  if (err) {
    yield* fput(k, f)
    return err
  }
  if (created) f.f_mode |= FMODE_CREATED // atomic_open/vfs_create set it (fcntl F_CREATED_QUERY)
  return f
})

/**
 * do_sys_openat2 - reserve an fd, open, install (or give the fd back)
 * @kernel fs/open.c do_sys_openat2()
 */
export const do_sys_openat2 = kfunc('do_sys_openat2', function* (k: Kernel, dfd: number, filename: string, flags: number, mode: number): KGen<number> {
  void mode
  flags &= VALID_OPEN_FLAGS // build_open_how: open(2)/openat(2) ignore unknown bits (openat2 rejects them)
  if (typeof filename !== 'string') return -EINVAL
  if (filename === '') return -ENOENT
  const fd = yield* get_unused_fd_flags(k, flags)
  if (fd < 0) return fd
  const f = yield* do_filp_open(k, dfd, filename, flags)
  if (typeof f === 'number') {
    yield* put_unused_fd(k, fd)
    return f
  }
  yield* fd_install(k, fd, f)
  return fd
})

/**
 * sys_openat - openat(2)
 * @kernel fs/open.c SYSCALL_DEFINE4(openat)
 */
export const sys_openat = kfunc('sys_openat', function* (k: Kernel, dfd: number, filename: string, flags: number, mode: number): KGen<number> {
  return yield* do_sys_openat2(k, dfd, filename, flags, mode)
})

/**
 * sys_open - open(2)
 * @kernel fs/open.c SYSCALL_DEFINE3(open)
 */
export const sys_open = kfunc('sys_open', function* (k: Kernel, filename: string, flags: number, mode: number): KGen<number> {
  return yield* do_sys_openat2(k, AT_FDCWD, filename, flags, mode)
})

/**
 * sys_creat - creat(2) = open(O_CREAT|O_WRONLY|O_TRUNC)
 * @kernel fs/open.c SYSCALL_DEFINE2(creat)
 */
export const sys_creat = kfunc('sys_creat', function* (k: Kernel, pathname: string, mode: number): KGen<number> {
  return yield* do_sys_openat2(k, AT_FDCWD, pathname, O_CREAT | O_WRONLY | O_TRUNC, mode)
})

