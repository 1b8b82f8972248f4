/**
 * read(2), write(2), lseek(2), pread64(2), pwrite64(2).
 * @kernel fs/read_write.c (ksys_read, ksys_write, vfs_read, vfs_write, ksys_lseek, ksys_pread64)
 * The position is the struct file's f_pos: shared by every fd that refers to the same file.
 */
import type { KGen } from '../../sim/context'
import type { Kernel } from '../include/kernel'
import { kfunc } from '../../sim/kfunc'
import type { File, ReadResult } from '../include/types'
import { EBADF, EFAULT, EINVAL, ESPIPE } from '../include/errno'
import { FMODE_READ, FMODE_STREAM, FMODE_WRITE } from '../include/flags'
import { checkFileMem } from '../include/file_ref'
import { fdget, fdget_pos, fdput, fdput_pos } from './file'

/**
 * vfs_read
 * @kernel fs/read_write.c vfs_read()
 */
export const vfs_read = kfunc('vfs_read', function* (k: Kernel, file: File, buf: Uint8Array | null, count: number, pos: { v: number }): KGen<number> {
  if (!(file.f_mode & FMODE_READ)) return -EBADF
  if (!file.f_op.read) return -EINVAL
  if (count < 0) return -EINVAL
  if (k.oracle) return k.oracle.ret
  const r = yield* file.f_op.read(k, file, count, pos)
  if (typeof r === 'number') return r
  if (buf) buf.set(r.data.subarray(0, Math.min(buf.length, r.n)))
  return r.n
})

/**
 * vfs_write
 * @kernel fs/read_write.c vfs_write()
 */
export const vfs_write = kfunc('vfs_write', function* (k: Kernel, file: File, buf: Uint8Array, pos: { v: number }): KGen<number> {
  if (!(file.f_mode & FMODE_WRITE)) return -EBADF
  if (!file.f_op.write) return -EINVAL
  if (k.oracle) return k.oracle.ret
  return yield* file.f_op.write(k, file, buf, pos)
})

function* rw(k: Kernel, fd: number, buf: Uint8Array | null, count: number, write: boolean): KGen<number> {
  const f = yield* fdget_pos(k, fd)
  const file = f.file
  let ret = -EBADF
  if (file) {
    const stream = (file.f_mode & FMODE_STREAM) !== 0
    const pos = { v: stream ? 0 : file.f_pos }
    if (!(count >= 0)) ret = -EINVAL // rw_verify_area: (ssize_t)count < 0
    else if (!buf && count > 0 && !k.oracle) ret = -EFAULT // access_ok: no user buffer
    else ret = write ? yield* vfs_write(k, file, buf ?? new Uint8Array(count), pos) : yield* vfs_read(k, file, buf, count, pos)
    checkFileMem(k, file, write ? 'ksys_write' : 'ksys_read', f.gen)
    if (ret >= 0 && !stream && !k.oracle) {
      yield { obj: file.id, w: true, what: `${file.id}->f_pos = ${pos.v}` }
      file.f_pos = pos.v
    }
    yield* fdput_pos(k, f)
  }
  return ret
}

/**
 * ksys_read - read(2)
 * @kernel fs/read_write.c ksys_read()
 */
export const ksys_read = kfunc('ksys_read', function* (k: Kernel, fd: number, buf: Uint8Array | null, count: number): KGen<number> {
  return yield* rw(k, fd, buf, count, false)
})

/**
 * ksys_write - write(2)
 * @kernel fs/read_write.c ksys_write()
 */
export const ksys_write = kfunc('ksys_write', function* (k: Kernel, fd: number, buf: Uint8Array | null, count: number): KGen<number> {
  return yield* rw(k, fd, buf, count, true)
})

/**
 * ksys_lseek - lseek(2)
 * @kernel fs/read_write.c ksys_lseek()
 */
export const ksys_lseek = kfunc('ksys_lseek', function* (k: Kernel, fd: number, offset: number, whence: number): KGen<number> {
  const f = yield* fdget_pos(k, fd)
  const file = f.file
  if (!file) return -EBADF
  let ret: number
  if (whence > 4) ret = -EINVAL
  else if (file.f_mode & FMODE_STREAM || !file.f_op.llseek) ret = -ESPIPE
  else if (k.oracle) ret = k.oracle.ret
  else ret = yield* file.f_op.llseek(k, file, offset, whence)
  yield* fdput_pos(k, f)
  return ret
})

/**
 * ksys_pread64 / ksys_pwrite64 - positional I/O: f_pos is neither used nor changed
 * @kernel fs/read_write.c ksys_pread64(), ksys_pwrite64()
 */
export const ksys_pread64 = kfunc('ksys_pread64', function* (k: Kernel, fd: number, buf: Uint8Array | null, count: number, off: number, write: boolean): KGen<number> {
  if (off < 0) return -EINVAL
  const f = yield* fdget(k, fd)
  const file = f.file
  let ret = -EBADF
  if (file) {
    if (file.f_mode & FMODE_STREAM) ret = -ESPIPE
    else if (!(count >= 0)) ret = -EINVAL
    else if (!buf && count > 0 && !k.oracle) ret = -EFAULT
    else {
      const pos = { v: off }
      ret = write ? yield* vfs_write(k, file, buf ?? new Uint8Array(count), pos) : yield* vfs_read(k, file, buf, count, pos)
    }
    yield* fdput(k, f)
  }
  return ret
})

export type { ReadResult }
