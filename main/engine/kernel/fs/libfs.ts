/**
 * file_operations of the simulated world's ordinary files: tmpfs regular files, directories,
 * /dev/null and the terminal.
 * @kernel mm/shmem.c (shmem_file_operations), fs/libfs.c (simple_dir_operations),
 *         drivers/char/mem.c (null_fops), drivers/tty/tty_io.c (tty_fops)
 * SIM: data lives in inode.data; no page cache, no terminal line discipline. The tmpfs is mounted
 * with size=16m: a write past 16 MiB gives ENOSPC (a bound on the simulation's memory).
 */
import type { KGen } from '../../sim/context'
import type { Kernel } from '../include/kernel'
import type { File, FileOperations, ReadResult } from '../include/types'
import { EINVAL, EISDIR, ENOSPC } from '../include/errno'

/** The simulated tmpfs's size (mount -o size=16m). */
export const TMPFS_SIZE = 16 << 20
import { SEEK_CUR, SEEK_END, SEEK_SET, O_APPEND } from '../include/flags'

function* generic_file_llseek(_k: Kernel, file: File, offset: number, whence: number): KGen<number> {
  let pos: number
  if (whence === SEEK_SET) pos = offset
  else if (whence === SEEK_CUR) pos = file.f_pos + offset
  else if (whence === SEEK_END) pos = file.f_inode.i_size + offset
  else return -EINVAL
  if (pos < 0) return -EINVAL
  file.f_pos = pos
  return pos
}

export const regular_fops: FileOperations = {
  name: 'shmem_file_operations',
  *read(_k, file, count, pos): KGen<ReadResult> {
    const data = file.f_inode.data
    const start = Math.min(pos.v, data.length)
    const n = Math.max(0, Math.min(count, data.length - start))
    const out = data.slice(start, start + n)
    pos.v = start + n
    return { n, data: out }
  },
  *write(_k, file, buf, pos): KGen<number> {
    const inode = file.f_inode
    if (file.f_flags & O_APPEND) pos.v = inode.i_size
    const end = pos.v + buf.length
    if (end > TMPFS_SIZE) return -ENOSPC // shmem_write_begin: the mount's size is used up
    if (end > inode.data.length) {
      const grown = new Uint8Array(end)
      grown.set(inode.data)
      inode.data = grown
    }
    inode.data.set(buf, pos.v)
    inode.i_size = Math.max(inode.i_size, end)
    pos.v = end
    return buf.length
  },
  llseek: generic_file_llseek,
}

export const dir_fops: FileOperations = {
  name: 'simple_dir_operations',
  iterate_shared: true,
  *read(): KGen<number> { return -EISDIR },
  llseek: generic_file_llseek,
}

export const null_fops: FileOperations = {
  name: 'null_fops',
  *read(): KGen<ReadResult> { return { n: 0, data: new Uint8Array(0) } },
  *write(_k, _file, buf): KGen<number> { return buf.length },
  *llseek(): KGen<number> { return 0 },
}

export const tty_fops: FileOperations = {
  name: 'tty_fops',
  // SIM: the terminal never has input; reads return 0 (end of file) instead of blocking.
  *read(): KGen<ReadResult> { return { n: 0, data: new Uint8Array(0) } },
  *write(_k, _file, buf): KGen<number> { return buf.length },
}
