/**
 * mknodat(2) for FIFOs (mkfifo(3)).
 * @kernel fs/namei.c do_mknodat()
 * SIM: only S_IFIFO and S_IFREG nodes; no permissions.
 */
import type { KGen } from '../../sim/context'
import type { Kernel } from '../include/kernel'
import { kfunc } from '../../sim/kfunc'
import { EEXIST, EINVAL, ENOENT } from '../include/errno'

export const S_IFMT = 0o170000
export const S_IFIFO = 0o010000
export const S_IFREG = 0o100000

/**
 * do_mknodat - create a FIFO or regular file node at @filename
 * @kernel fs/namei.c do_mknodat()
 * SIM: only S_IFIFO and S_IFREG nodes; no permissions, no umask.
 * Returns: 0, -EEXIST, -ENOENT (no parent) or -EINVAL (another node type).
 */
export const do_mknodat = kfunc('do_mknodat', function* (k: Kernel, filename: string, mode: number): KGen<number> {
  yield { obj: 'vfs', w: true, what: `mknod ${filename}` }
  if (k.vfs.lookup(filename)) return -EEXIST
  const parent = filename.slice(0, filename.lastIndexOf('/')) || '/'
  if (!k.vfs.lookup(parent)) return -ENOENT
  const type = mode & S_IFMT
  if (type !== S_IFIFO && type !== S_IFREG && type !== 0) return -EINVAL
  k.vfs.create(filename, type === S_IFIFO ? 'fifo' : 'reg')
  return 0
})
