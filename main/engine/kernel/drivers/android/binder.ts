/**
 * A Binder-like driver, reduced to its file-descriptor handling: fds carried in transactions
 * (pinned by a fixup), installed on receive, closed on free through binder_deferred_fd_close().
 * @kernel drivers/android/binder.c (binder_translate_fd, binder_apply_fd_fixups,
 *         binder_deferred_fd_close, binder_do_fd_close, binder_ioctl)
 * SIM: one context manager receives every transaction; the ioctl commands below stand in for
 * BINDER_WRITE_READ with BC_TRANSACTION/BR_TRANSACTION/BC_FREE_BUFFER, one fd per command.
 */
import type { KGen } from '../../../sim/context'
import type { Kernel } from '../../include/kernel'
import { nextId } from '../../../sim/context'
import { kfunc } from '../../../sim/kfunc'
import type { CallbackHead, File, FileOperations } from '../../include/types'
import { EAGAIN, EBADF, EINVAL, EPERM } from '../../include/errno'
import { O_CLOEXEC, TWA_RESUME } from '../../include/flags'
import { get_file, checkFileMem } from '../../include/file_ref'
import { close_fd, close_fd_get_file, fd_install, fget, file_close_fd, get_unused_fd_flags } from '../../fs/file'
import { fput } from '../../fs/file_table'
import { filp_close } from '../../fs/open'
import { init_task_work, task_work_add } from '../../kernel/task_work'

export const BINDER_SET_CONTEXT_MGR = 0x40046207
/** SIM: send a transaction carrying fd `arg` to the context manager (BC_TRANSACTION, BINDER_TYPE_FD). */
export const BINDER_SEND_FD = 0x4008620a
/** SIM: receive the oldest transaction and install its fd (BR_TRANSACTION): returns the new fd. */
export const BINDER_RECV_FD = 0x4008620b
/** SIM: free a received buffer whose FDA holds fd `arg` (BC_FREE_BUFFER): the deferred close. */
export const BINDER_FREE_FD = 0x4008620c
/** SIM: the naive fix that closes fd `arg` at once from inside the ioctl (the 2018 bug). */
export const BINDER_CLOSE_NAIVE = 0x4008620d

export interface BinderTransaction { readonly id: string; file: File; from: number }
export interface BinderProc { readonly id: string; pid: number; todo: BinderTransaction[]; looper_need_return: boolean }
interface BinderContext { mgr: BinderProc | null }

const contexts = new WeakMap<Kernel, BinderContext>()
function ctxOf(k: Kernel): BinderContext {
  let c = contexts.get(k)
  if (!c) { c = { mgr: null }; contexts.set(k, c) }
  return c
}

/** struct binder_task_work_cb */
interface BinderTaskWorkCb { readonly id: string; twork: CallbackHead; file: File | null }

/**
 * binder_do_fd_close - task work: drop the pin taken by binder_deferred_fd_close()
 * @kernel drivers/android/binder.c binder_do_fd_close()
 */
export const binder_do_fd_close = kfunc('binder_do_fd_close', function* (k: Kernel, twork: CallbackHead): KGen<void> {
  const twcb = twork.container as BinderTaskWorkCb
  const f = twcb.file!
  f.pins = f.pins.filter((p) => p !== twcb.id)
  yield* fput(k, f)
})

/**
 * binder_deferred_fd_close - close an fd from inside an ioctl without breaking fdget()
 * @kernel drivers/android/binder.c binder_deferred_fd_close()
 * Detach the fd, pin the file, filp_close() (never the last reference), and drop the pin from
 * task work, which runs only after the ioctl returned and its fdput() happened.
 */
export const binder_deferred_fd_close = kfunc('binder_deferred_fd_close', function* (k: Kernel, fd: number): KGen<void> {
  const twcb: BinderTaskWorkCb = { id: nextId(k, 'twcb'), twork: { next: null, func: null, container: null }, file: null }
  twcb.twork.container = twcb
  init_task_work(twcb.twork, binder_do_fd_close)
  twcb.file = k.profile.file_close_fd ? yield* file_close_fd(k, fd) : yield* close_fd_get_file(k, fd)
  if (twcb.file) {
    // pin it until binder_do_fd_close(); see comments there
    yield* get_file(k, twcb.file)
    twcb.file.pins.push(twcb.id)
    yield* filp_close(k, twcb.file, k.current.files!)
    yield* task_work_add(k, k.current, twcb.twork, TWA_RESUME)
  }
})

/**
 * binder_translate_fd - pin the sender's file in the transaction
 * @kernel drivers/android/binder.c binder_translate_fd()
 */
export const binder_translate_fd = kfunc('binder_translate_fd', function* (k: Kernel, fd: number, target: BinderProc): KGen<number> {
  const file = yield* fget(k, fd)
  if (!file) return -EBADF
  const t: BinderTransaction = { id: nextId(k, 'txn'), file, from: k.current.pid }
  file.pins.push(t.id)
  yield { obj: target.id, w: true, what: `queue ${t.id} to ${target.id}` }
  target.todo.push(t)
  return 0
})

/**
 * binder_apply_fd_fixups - install the received file at a new close-on-exec fd
 * @kernel drivers/android/binder.c binder_apply_fd_fixups()
 */
export const binder_apply_fd_fixups = kfunc('binder_apply_fd_fixups', function* (k: Kernel, proc: BinderProc, t: BinderTransaction): KGen<number> {
  void proc
  const fd = yield* get_unused_fd_flags(k, O_CLOEXEC)
  if (fd < 0) {
    t.file.pins = t.file.pins.filter((p) => p !== t.id)
    yield* fput(k, t.file)
    return fd
  }
  t.file.pins = t.file.pins.filter((p) => p !== t.id)
  yield* fd_install(k, fd, t.file) // consumes the transaction's reference
  return fd
})

/**
 * binder_ioctl
 * @kernel drivers/android/binder.c binder_ioctl()
 */
export const binder_ioctl = kfunc('binder_ioctl', function* (k: Kernel, filp: File, cmd: number, arg: number): KGen<number> {
  const proc = filp.private_data as BinderProc
  const ctx = ctxOf(k)
  let ret: number
  switch (cmd) {
    case BINDER_SET_CONTEXT_MGR:
      if (ctx.mgr) return -EPERM
      ctx.mgr = proc
      return 0
    case BINDER_SEND_FD:
      if (!ctx.mgr) return -EINVAL
      return yield* binder_translate_fd(k, arg, ctx.mgr)
    case BINDER_RECV_FD: {
      yield { obj: proc.id, w: true, what: `dequeue from ${proc.id}` }
      const t = proc.todo.shift()
      if (!t) return -EAGAIN
      return yield* binder_apply_fd_fixups(k, proc, t)
    }
    case BINDER_FREE_FD: {
      // An exercise may replace the deferred close with the student's implementation.
      const impl = (k.overrides.get('binder_deferred_fd_close') as ((kk: Kernel, fd: number) => KGen<unknown>) | undefined) ?? binder_deferred_fd_close
      yield* impl(k, arg)
      proc.looper_need_return = true
      ret = 0
      break
    }
    case BINDER_CLOSE_NAIVE:
      ret = yield* close_fd(k, arg)
      break
    default:
      return -EINVAL
  }
  // The ioctl still uses its file after the command (as binder does with proc state).
  checkFileMem(k, filp, 'binder_ioctl')
  return ret
})

export const binder_fops: FileOperations = {
  name: 'binder_fops',
  *open(k, _inode, file): KGen<number> {
    const proc: BinderProc = { id: nextId(k, 'binder_proc'), pid: k.current.tgid, todo: [], looper_need_return: false }
    file.private_data = proc
    return 0
  },
  unlocked_ioctl: (k, file, cmd, arg) => binder_ioctl(k, file, cmd, arg),
  *release(k, _inode, file): KGen<number> {
    const proc = file.private_data as BinderProc
    const ctx = ctxOf(k)
    if (ctx.mgr === proc) ctx.mgr = null
    for (const t of proc.todo.splice(0)) {
      t.file.pins = t.file.pins.filter((p) => p !== t.id)
      yield* fput(k, t.file) // a transaction torn down before delivery drops its pinned file
    }
    return 0
  },
}
