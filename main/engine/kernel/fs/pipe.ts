/**
 * Pipes and FIFOs: a byte buffer with reader and writer counts; readers block while it is empty
 * and writers exist, and see end-of-file once the last writer is gone.
 * @kernel fs/pipe.c (do_pipe2, create_pipe_files, pipe_read, pipe_write, pipe_release)
 */
import type { KGen } from '../../sim/context'
import type { Kernel } from '../include/kernel'
import { nextId } from '../../sim/context'
import { kfunc } from '../../sim/kfunc'
import type { File, FileOperations, Inode, PipeInodeInfo, ReadResult } from '../include/types'
import { EAGAIN, EINVAL, ENXIO, EPIPE } from '../include/errno'
import { FMODE_OPENED, FMODE_STREAM, O_CLOEXEC, O_DIRECT, O_NONBLOCK, O_RDONLY, O_WRONLY, FMODE_READ, FMODE_WRITE } from '../include/flags'
import { newWaitQueue, wait_event } from '../kernel/locking'
import { alloc_empty_file, fput } from './file_table'
import { fd_install, get_unused_fd_flags, put_unused_fd } from './file'

export const PIPE_BUF_SIZE = 65536

export function newPipe(k: Kernel): PipeInodeInfo {
  const id = nextId(k, 'pipe')
  return { id, buf: [], capacity: PIPE_BUF_SIZE, readers: 0, writers: 0, rd_wait: newWaitQueue(`${id}.rd_wait`), wr_wait: newWaitQueue(`${id}.wr_wait`) }
}

export const pipe_fops: FileOperations = {
  name: 'pipefifo_fops',
  /** fifo_open: a reader waits for a writer and a writer for a reader, unless O_NONBLOCK. */
  *open(k, inode, file): KGen<number> {
    const pipe = inode.i_pipe!
    yield { obj: pipe.id, w: true, what: `fifo_open ${inode.path}` }
    const rd = (file.f_mode & FMODE_READ) !== 0
    const wr = (file.f_mode & FMODE_WRITE) !== 0
    if (rd) pipe.readers++
    if (wr) pipe.writers++
    if (rd && !wr && pipe.writers === 0 && !(file.f_flags & O_NONBLOCK)) {
      const err = yield* wait_event(k, pipe.rd_wait, () => pipe.writers > 0, `fifo_open ${inode.path}: wait for a writer`, true)
      if (err) { pipe.readers--; return err }
    }
    if (wr && !rd && pipe.readers === 0) {
      if (file.f_flags & O_NONBLOCK) { pipe.writers--; return -ENXIO }
      const err = yield* wait_event(k, pipe.wr_wait, () => pipe.readers > 0, `fifo_open ${inode.path}: wait for a reader`, true)
      if (err) { pipe.writers--; return err }
    }
    return 0
  },
  *read(k, file, count): KGen<number | ReadResult> {
    const pipe = file.f_inode.i_pipe!
    if (count === 0) return 0
    yield { obj: pipe.id, w: true, what: `pipe_read ${pipe.id}` }
    if (pipe.buf.length === 0 && pipe.writers > 0) {
      if (file.f_flags & O_NONBLOCK) return -EAGAIN
      const err = yield* wait_event(k, pipe.rd_wait, () => pipe.buf.length > 0 || pipe.writers === 0, `pipe_read ${pipe.id}`, true)
      if (err) return err
    }
    const n = Math.min(count, pipe.buf.length)
    const data = Uint8Array.from(pipe.buf.splice(0, n))
    return { n, data }
  },
  *write(k, file, buf): KGen<number> {
    const pipe = file.f_inode.i_pipe!
    yield { obj: pipe.id, w: true, what: `pipe_write ${pipe.id}` }
    if (pipe.readers === 0) return -EPIPE // and SIGPIPE (SIM: not delivered)
    let done = 0
    while (done < buf.length) {
      if (pipe.buf.length >= pipe.capacity) {
        if (file.f_flags & O_NONBLOCK) return done || -EAGAIN
        const err = yield* wait_event(k, pipe.wr_wait, () => pipe.buf.length < pipe.capacity || pipe.readers === 0, `pipe_write ${pipe.id}`, true)
        if (err) return done || err
        yield { obj: pipe.id, w: true, what: `pipe_write ${pipe.id}` }
        if (pipe.readers === 0) return done || -EPIPE
      }
      const n = Math.min(buf.length - done, pipe.capacity - pipe.buf.length)
      for (let i = 0; i < n; i++) pipe.buf.push(buf[done + i]!)
      done += n
    }
    return done
  },
  *release(_k, inode, file): KGen<number> {
    const pipe = inode.i_pipe!
    yield { obj: pipe.id, w: true, what: `pipe_release ${pipe.id}` }
    if (file.f_mode & FMODE_READ) pipe.readers--
    if (file.f_mode & FMODE_WRITE) pipe.writers--
    return 0
  },
}

function newPipeInode(k: Kernel, pipe: PipeInodeInfo): Inode {
  const ino = (k.ids['ino'] = (k.ids['ino'] ?? 1000) + 1)
  return {
    id: `inode#${ino}`, i_ino: ino, kind: 'pipe', data: new Uint8Array(0), i_size: 0, i_flctx: null, i_readcount: 0,
    i_writecount: 0, i_pipe: pipe, i_cdev: null, path: `pipe:[${ino}]`,
  }
}

/**
 * create_pipe_files - the two struct files of a new pipe
 * @kernel fs/pipe.c create_pipe_files()
 */
export const create_pipe_files = kfunc('create_pipe_files', function* (k: Kernel, flags: number): KGen<[File, File] | number> {
  const pipe = newPipe(k)
  const inode = newPipeInode(k, pipe)
  const w = yield* alloc_empty_file(k, O_WRONLY | (flags & (O_NONBLOCK | O_DIRECT)))
  if (typeof w === 'number') return w
  const r = yield* alloc_empty_file(k, O_RDONLY | (flags & O_NONBLOCK))
  if (typeof r === 'number') { yield* fput(k, w); return r }
  for (const f of [w, r]) {
    f.f_inode = inode
    f.f_path = { mnt: 'pipefs', dentry: inode }
    f.f_op = pipe_fops
    f.f_mode |= FMODE_OPENED | FMODE_STREAM
    f.private_data = pipe
  }
  pipe.readers = 1
  pipe.writers = 1
  return [r, w]
})

/**
 * do_pipe2 - pipe(2)/pipe2(2)
 * @kernel fs/pipe.c do_pipe2(), __do_pipe_flags()
 */
export const do_pipe2 = kfunc('do_pipe2', function* (k: Kernel, fildes: Int32Array, flags: number): KGen<number> {
  if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT)) return -EINVAL
  const files = yield* create_pipe_files(k, flags)
  if (typeof files === 'number') return files
  const [r, w] = files
  const fd0 = yield* get_unused_fd_flags(k, flags)
  if (fd0 < 0) { yield* fput(k, r); yield* fput(k, w); return fd0 }
  const fd1 = yield* get_unused_fd_flags(k, flags)
  if (fd1 < 0) { yield* put_unused_fd(k, fd0); yield* fput(k, r); yield* fput(k, w); return fd1 }
  fildes[0] = fd0
  fildes[1] = fd1
  yield* fd_install(k, fd0, r)
  yield* fd_install(k, fd1, w)
  return 0
})
