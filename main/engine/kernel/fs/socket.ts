/**
 * Sockets, reduced to their fds: socket, socketpair, accept4 and SCM_RIGHTS reception.
 * @kernel net/socket.c (__sys_socket, __sys_socketpair, do_accept, sock_alloc_file),
 *         fs/file.c receive_fd(), net/core/scm.c scm_detach_fds()
 * SIM: no protocol state; a listening socket always has a connection ready; data is not carried.
 */
import type { KGen } from '../../sim/context'
import type { Kernel } from '../include/kernel'
import { kfunc } from '../../sim/kfunc'
import type { File, FileOperations, Inode } from '../include/types'
import { EAFNOSUPPORT, EBADF, EINVAL, ENOTSOCK } from '../include/errno'
import { FMODE_OPENED, FMODE_STREAM, O_CLOEXEC, O_NONBLOCK, O_RDWR, SOCK_CLOEXEC, SOCK_NONBLOCK } from '../include/flags'
import { alloc_empty_file, fput } from './file_table'
import { fd_install, fdget, fdput, get_unused_fd_flags, put_unused_fd } from './file'

export const socket_file_ops: FileOperations = { name: 'socket_file_ops' }

function sockInode(k: Kernel): Inode {
  const ino = (k.ids['ino'] = (k.ids['ino'] ?? 1000) + 1)
  return {
    id: `inode#${ino}`, i_ino: ino, kind: 'sock', data: new Uint8Array(0), i_size: 0, i_flctx: null, i_readcount: 0,
    i_writecount: 0, i_pipe: null, i_cdev: null, path: `socket:[${ino}]`,
  }
}

/**
 * sock_alloc_file - a struct file for a new socket
 * @kernel net/socket.c sock_alloc_file()
 */
export const sock_alloc_file = kfunc('sock_alloc_file', function* (k: Kernel, flags: number): KGen<File | number> {
  const f = yield* alloc_empty_file(k, O_RDWR | (flags & O_NONBLOCK))
  if (typeof f === 'number') return f
  const inode = sockInode(k)
  f.f_inode = inode
  f.f_path = { mnt: 'sockfs', dentry: inode }
  f.f_op = socket_file_ops
  f.f_mode |= FMODE_OPENED | FMODE_STREAM
  return f
})

function* sockMapFd(k: Kernel, flags: number): KGen<number> {
  const fd = yield* get_unused_fd_flags(k, flags & O_CLOEXEC)
  if (fd < 0) return fd
  const f = yield* sock_alloc_file(k, flags)
  if (typeof f === 'number') { yield* put_unused_fd(k, fd); return f }
  yield* fd_install(k, fd, f)
  return fd
}

/**
 * __sys_socket - socket(2)
 * @kernel net/socket.c __sys_socket()
 */
export const __sys_socket = kfunc('__sys_socket', function* (k: Kernel, family: number, type: number, protocol: number): KGen<number> {
  void protocol
  if ((type & ~(SOCK_CLOEXEC | SOCK_NONBLOCK)) & ~0xf) return -EINVAL
  if (family < 0 || family >= 46) return -EAFNOSUPPORT
  return yield* sockMapFd(k, type & (SOCK_CLOEXEC | SOCK_NONBLOCK))
})

/**
 * __sys_socketpair - socketpair(2)
 * @kernel net/socket.c __sys_socketpair()
 */
export const __sys_socketpair = kfunc('__sys_socketpair', function* (k: Kernel, family: number, type: number, protocol: number, usockvec: Int32Array): KGen<number> {
  void family; void protocol
  if ((type & ~(SOCK_CLOEXEC | SOCK_NONBLOCK)) & ~0xf) return -EINVAL
  const flags = type & (SOCK_CLOEXEC | SOCK_NONBLOCK)
  const fd1 = yield* get_unused_fd_flags(k, flags & O_CLOEXEC)
  if (fd1 < 0) return fd1
  const fd2 = yield* get_unused_fd_flags(k, flags & O_CLOEXEC)
  if (fd2 < 0) { yield* put_unused_fd(k, fd1); return fd2 }
  const f1 = yield* sock_alloc_file(k, flags)
  const f2 = yield* sock_alloc_file(k, flags)
  if (typeof f1 === 'number' || typeof f2 === 'number') {
    if (typeof f1 !== 'number') yield* fput(k, f1)
    if (typeof f2 !== 'number') yield* fput(k, f2)
    yield* put_unused_fd(k, fd1)
    yield* put_unused_fd(k, fd2)
    return typeof f1 === 'number' ? f1 : (f2 as number)
  }
  usockvec[0] = fd1
  usockvec[1] = fd2
  yield* fd_install(k, fd1, f1)
  yield* fd_install(k, fd2, f2)
  return 0
})

/**
 * do_accept - accept4(2): a new socket fd for a connection
 * @kernel net/socket.c __sys_accept4(), do_accept()
 */
export const __sys_accept4 = kfunc('__sys_accept4', function* (k: Kernel, fd: number, flags: number): KGen<number> {
  if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK)) return -EINVAL
  const f = yield* fdget(k, fd)
  if (!f.file) return -EBADF
  let ret: number
  if (f.file.f_op !== socket_file_ops && !k.oracle) ret = -ENOTSOCK
  else ret = yield* sockMapFd(k, flags)
  yield* fdput(k, f)
  return ret
})

/**
 * receive_fd - install a file received in SCM_RIGHTS (or from pidfd_getfd)
 * @kernel fs/file.c receive_fd()
 */
export const receive_fd = kfunc('receive_fd', function* (k: Kernel, file: File, o_flags: number): KGen<number> {
  tracedStub(k, 'security_file_receive', [file.id])
  const new_fd = yield* get_unused_fd_flags(k, o_flags)
  if (new_fd < 0) return new_fd
  yield* fd_install(k, new_fd, file)
  return new_fd
})

function tracedStub(k: Kernel, fn: string, args: string[]): void {
  if (!k.trace.on) return
  k.trace.emit({ e: 'enter', fn, args })
  k.trace.emit({ e: 'note', text: 'SIM: LSM hook' })
  k.trace.emit({ e: 'exit', fn, ret: 0 })
}
