/**
 * The simulated world's file tree: /, /tmp, /dev/null, /dev/zero, /dev/pts/0, the drivers under
 * /dev, and whatever O_CREAT makes.
 * SIM: one dentry per inode, paths as strings, no permissions, no symlinks, no mounts beyond names.
 */
import type { Vfs } from '../include/kernel'
import type { Inode, InodeKind } from '../include/types'
import { newPipe } from './pipe'
import type { Kernel } from '../include/kernel'

export function createVfs(k: () => Kernel): Vfs {
  const nodes = new Map<string, Inode>()
  let ino = 0
  const make = (path: string, kind: InodeKind, cdev: string | null = null): Inode => {
    const inode: Inode = {
      id: `inode#${++ino}`, i_ino: ino, kind, data: new Uint8Array(0), i_size: 0, i_flctx: null, i_readcount: 0,
      i_writecount: 0, i_pipe: kind === 'fifo' ? newPipe(k()) : null, i_cdev: cdev, path,
    }
    nodes.set(path, inode)
    return inode
  }
  for (const d of ['/', '/tmp', '/dev', '/dev/pts', '/bin', '/etc', '/proc']) make(d, 'dir')
  make('/dev/null', 'chr')
  make('/dev/zero', 'chr')
  make('/dev/pts/0', 'chr')
  make('/bin/true', 'reg')
  make('/bin/sh', 'reg')
  const norm = (p: string): string => (p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p)
  return {
    lookup: (path) => nodes.get(norm(path)) ?? null,
    create: (path, kind) => {
      const p = norm(path)
      const existing = nodes.get(p)
      if (existing) return existing
      if (kind === 'chr') return make(p, 'chr', p.startsWith('/dev/') ? p.slice(5) : null)
      return make(p, kind)
    },
    all: () => nodes.values(),
  }
}
