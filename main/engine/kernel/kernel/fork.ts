/**
 * Process and thread creation, and unshare(CLONE_FILES).
 * @kernel kernel/fork.c (copy_process, copy_files, kernel_clone, unshare_fd, unshare_files, ksys_unshare)
 * SIM: no mm, signal handlers or namespaces; a task's execution is the program the caller gives.
 */
import type { KGen } from '../../sim/context'
import type { Kernel } from '../include/kernel'
import { nextId } from '../../sim/context'
import { kfunc, tracepoint } from '../../sim/kfunc'
import type { FilesStruct, SignalStruct, Task } from '../include/types'
import { EINVAL } from '../include/errno'
import { CLONE_FILES, CLONE_FS, CLONE_IO, CLONE_PIDFD, CLONE_SIGHAND, CLONE_THREAD, CLONE_UNTRACED, CLONE_VFORK, CLONE_VM, PF_EXITING, PF_IO_WORKER } from '../include/flags'
import { do_exit } from './exit'
import { dup_fd, put_files_struct } from '../fs/file'
import { pidfd_for_clone } from '../fs/misc_fds'
import { newWaitQueue, wait_event } from './locking'

/** The bare task_struct fields every new task starts with. */
export function newTask(k: Kernel, pid: number, comm: string, signal: SignalStruct, flags = 0): Task {
  return {
    id: `task#${pid}`, pid, tgid: pid, comm, flags, files: null, task_works: null, signal, real_parent: null, exit_code: 0,
    state: 'running', in_kernel: false, notify_resume: false, notify_signal: false, preempt_count: 0,
    rcu_read_lock_nesting: 0, rcu_sections: 0, rcu_obj: `rcu:${pid}`, irq_count: 0, sigkill: false, fds_live: [], held: [], blocked_on: null, vfork_done: null,
  }
}

export function newSignal(k: Kernel, cur: number, max: number): SignalStruct {
  return { id: nextId(k, 'signal'), rlim_nofile: { rlim_cur: cur, rlim_max: max }, nr_threads: 1 }
}

/** SIM: tracepoint where copy_files(CLONE_FILES) shares a table (the sanitizer checks V14 there). */
const trace_copy_files_shared = tracepoint<Kernel, [FilesStruct, Task]>('copy_files_shared')

/** SIM: tracepoint where kernel_clone has checked its flags (the sanitizer checks V2 there). */
const trace_kernel_clone = tracepoint<Kernel, [number]>('kernel_clone')

/**
 * copy_files - share (CLONE_FILES) or copy the parent's table
 * @kernel kernel/fork.c copy_files()
 */
export const copy_files = kfunc('copy_files', function* (k: Kernel, clone_flags: number, tsk: Task): KGen<number> {
  const oldf = k.current.files
  if (!oldf) return 0
  if (clone_flags & CLONE_FILES) {
    yield { obj: oldf.obj.count, w: true, what: `atomic_inc ${oldf.id}->count` }
    oldf.count++
    if (k.profile.variants.files_count_too_low) {
      // The variant changes only what __fget_light sees (docs): the table's lifetime stays right.
      oldf.count_hidden = (oldf.count_hidden ?? 0) + 1
      if (k.trace.on) k.trace.emit({ e: 'note', text: `VARIANT files_count_too_low: ${oldf.id}->count looks unchanged to __fget_light (hypothetical bug)` })
    }
    tsk.files = oldf
    trace_copy_files_shared.probe?.(k, oldf, tsk)
    return 0
  }
  const newf = yield* dup_fd(k, oldf, null)
  if (typeof newf === 'number') return newf
  tsk.files = newf
  return 0
})

export interface CloneArgs {
  flags: number
  /** Where clone3/CLONE_PIDFD store the pidfd (parent side). */
  pidfd?: Int32Array
  /** The child's program (user space): set by the user API. */
  body: (k: Kernel) => KGen<void>
  /** SIM: the pid a replay wants the child to get. */
  pid?: number
}

/**
 * kernel_clone - fork(2), vfork(2), clone(2), clone3(2)
 * @kernel kernel/fork.c kernel_clone(), copy_process()
 * Returns: the child's pid, or -errno.
 */
export const kernel_clone = kfunc('kernel_clone', function* (k: Kernel, args: CloneArgs): KGen<number> {
  const flags = args.flags
  const parent = k.current
  if (flags & CLONE_THREAD && !(flags & CLONE_SIGHAND)) return -EINVAL
  if (flags & CLONE_SIGHAND && !(flags & CLONE_VM)) return -EINVAL
  trace_kernel_clone.probe?.(k, flags)
  yield { obj: '*', w: true, what: 'copy_process' }
  const pid = args.pid ?? k.nextPid
  if (pid >= k.nextPid) k.nextPid = pid + 1
  const signal = flags & CLONE_THREAD ? parent.signal : newSignal(k, parent.signal.rlim_nofile.rlim_cur, parent.signal.rlim_nofile.rlim_max)
  const child = newTask(k, pid, parent.comm, signal)
  if (flags & CLONE_THREAD) { child.tgid = parent.tgid; signal.nr_threads++ }
  child.real_parent = parent
  if (parent.cap_effective) child.cap_effective = parent.cap_effective // copy_creds
  const err = yield* copy_files(k, flags, child)
  if (err < 0) return err
  if (flags & CLONE_PIDFD) {
    const pfd = yield* pidfd_for_clone(k, pid)
    if (pfd < 0) {
      if (child.files) yield* put_files_struct(k, child.files)
      return pfd
    }
    if (args.pidfd) args.pidfd[0] = pfd
  }
  k.tasks.set(pid, child)
  if (k.trace.on) k.trace.emit({ e: 'task', op: 'spawn', task: pid, detail: `${flags & CLONE_THREAD ? 'thread' : 'process'} of ${parent.pid}${child.files === parent.files ? ', shares ' : ', copies '}${parent.files?.id ?? 'no files'}` })
  if (flags & CLONE_VFORK) child.vfork_done = newWaitQueue(`${child.id}.vfork_done`)
  k.threads.start(child, args.body, 'user')
  if (flags & CLONE_VFORK) {
    const done = child.vfork_done!
    yield* wait_event(k, done, () => child.vfork_done === null || child.state !== 'running' || (child.flags & PF_EXITING) !== 0, `vfork: wait for ${pid} to exec or exit`)
  }
  return pid
})

/**
 * create_io_thread - a worker task that shares the caller's mm, fs, files and signal handlers
 * @kernel kernel/fork.c create_io_thread()
 * io_uring makes its sqpoll thread and io-wq workers this way (io_uring/sqpoll.c, io_uring/io-wq.c):
 * a kernel path that, inside a system call, creates a task sharing current->files. A caller that
 * holds a light fdget borrow at that moment breaks the borrow rule (V2).
 * SIM: copy_process() and wake_up_new_task() in one (kernel_clone); the worker runs @fn in
 * kernel mode (PF_IO_WORKER, named iou-wrk-PID) and exits when @fn returns.
 * Returns: the new task, or -errno.
 */
export const create_io_thread = kfunc('create_io_thread', function* (k: Kernel, fn: (k: Kernel) => KGen<void>): KGen<Task | number> {
  const parent = k.current
  const flags = CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_IO | CLONE_VM | CLONE_UNTRACED
  const pid = yield* kernel_clone(k, {
    flags,
    body: function* (kk: Kernel): KGen<void> {
      kk.current.in_kernel = true
      yield* fn(kk)
      yield* do_exit(kk, 0)
    },
  })
  if (pid < 0) return pid
  const t = k.tasks.get(pid)!
  t.flags |= PF_IO_WORKER
  t.comm = `iou-wrk-${parent.pid}`.slice(0, 15)
  return t
})

/**
 * unshare_fd - a private copy of the table if it is shared
 * @kernel kernel/fork.c unshare_fd()
 */
export const unshare_fd = kfunc('unshare_fd', function* (k: Kernel, unshare_flags: number): KGen<FilesStruct | null | number> {
  const fd = k.current.files
  if (unshare_flags & CLONE_FILES && fd) {
    yield { obj: fd.obj.count, w: false, what: `atomic_read ${fd.id}->count` }
    if (fd.count > 1) return yield* dup_fd(k, fd, null)
  }
  return null
})

/**
 * ksys_unshare - unshare(2), CLONE_FILES part
 * @kernel kernel/fork.c ksys_unshare()
 */
export const ksys_unshare = kfunc('ksys_unshare', function* (k: Kernel, unshare_flags: number): KGen<number> {
  if (unshare_flags & ~(CLONE_FILES | CLONE_THREAD | CLONE_SIGHAND | CLONE_VM | 0x00000200 | 0x7e020000)) return -EINVAL
  const copy = yield* unshare_fd(k, unshare_flags)
  if (typeof copy === 'number') return copy
  if (copy) {
    const me = k.current
    yield { obj: `${me.id}.alloc_lock`, w: true, what: 'task_lock; current->files = copy' }
    const old = me.files!
    me.files = copy
    yield* put_files_struct(k, old)
  }
  return 0
})

/**
 * unshare_files - exec's private table
 * @kernel kernel/fork.c unshare_files()
 */
export const unshare_files = kfunc('unshare_files', function* (k: Kernel): KGen<number> {
  const copy = yield* unshare_fd(k, CLONE_FILES)
  if (typeof copy === 'number') return copy
  if (!copy) return 0
  const task = k.current
  const old = task.files!
  yield { obj: `${task.id}.alloc_lock`, w: true, what: 'task_lock; task->files = copy' }
  task.files = copy
  yield* put_files_struct(k, old)
  return 0
})
