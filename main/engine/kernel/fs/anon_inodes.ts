/**
 * Files without a path: one shared anonymous inode, a struct file per object.
 * @kernel fs/anon_inodes.c (anon_inode_getfile, anon_inode_getfd)
 */
import type { KGen } from '../../sim/context'
import type { Kernel } from '../include/kernel'
import { kfunc } from '../../sim/kfunc'
import type { File, FileOperations, Inode } from '../include/types'
import { FMODE_OPENED, FMODE_STREAM, O_ACCMODE, O_CLOEXEC, O_NONBLOCK } from '../include/flags'
import { alloc_empty_file } from './file_table'
import { fd_install, get_unused_fd_flags, put_unused_fd } from './file'

function anonInode(k: Kernel, name: string): Inode {
  const ino = (k.ids['ino'] = (k.ids['ino'] ?? 1000) + 1)
  return {
    id: `inode#${ino}`, i_ino: ino, kind: 'anon', data: new Uint8Array(0), i_size: 0, i_flctx: null, i_readcount: 0,
    i_writecount: 0, i_pipe: null, i_cdev: null, anon_name: name, path: `anon_inode:${name}`,
  }
}

/**
 * anon_inode_getfile - a struct file for @name with @fops
 * @kernel fs/anon_inodes.c anon_inode_getfile()
 * SIM: each file gets its own inode number so traces can tell them apart.
 */
export const anon_inode_getfile = kfunc('anon_inode_getfile', function* (k: Kernel, name: string, fops: FileOperations, priv: unknown, flags: number): KGen<File | number> {
  const f = yield* alloc_empty_file(k, flags & (O_ACCMODE | O_NONBLOCK))
  if (typeof f === 'number') return f
  const inode = anonInode(k, name)
  f.f_inode = inode
  f.f_path = { mnt: 'anon_inodefs', dentry: inode }
  f.f_op = fops
  f.private_data = priv
  f.f_mode |= FMODE_OPENED | FMODE_STREAM
  return f
})

/**
 * anon_inode_getfd - reserve an fd and install a new anonymous file there
 * @kernel fs/anon_inodes.c anon_inode_getfd()
 */
export const anon_inode_getfd = kfunc('anon_inode_getfd', function* (k: Kernel, name: string, fops: FileOperations, priv: unknown, flags: number): KGen<number> {
  const fd = yield* get_unused_fd_flags(k, flags & O_CLOEXEC)
  if (fd < 0) return fd
  const f = yield* anon_inode_getfile(k, name, fops, priv, flags)
  if (typeof f === 'number') {
    yield* put_unused_fd(k, fd)
    return f
  }
  yield* fd_install(k, fd, f)
  return fd
})

