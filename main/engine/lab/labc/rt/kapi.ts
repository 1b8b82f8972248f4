/**
 * The kernel API lab C kernel code may call, one declaration per function: the C prototype, the
 * doc, the kernel source that defines it, the profiles that have it, its context rule and the
 * implementation. The checker (labc/api.ts builds the lab's API from this table), completion and
 * hover (the host's sessionLanguage), `fdlab doc` and the interpreter (rt/load.ts) all read it;
 * test/engine/lab/labc/api.test.ts proves it.
 *
 * Each implementation runs the engine's own kernel function (so it emits the same trace and takes
 * the same micro-steps), with C's conversions at the boundary. Kernel conventions: negative
 * errno, NULL.
 */
import type { KGen } from '../../../sim/context'
import type { DelayedWork, Kernel } from '../../../kernel/include/kernel'
import type { ProfileName } from '../../../sim/profile'
import type { CallbackFn, CallbackHead, File, FilesStruct, FlOwner, Mutex, SpinLock, StructFd, Task } from '../../../kernel/include/types'
import {
  BORROWED_FD, CLONED_FD, close_fd, close_fd_get_file, fd_install, fdget, fdget_pos, fdget_raw, fdput, fdput_pos, fget, fget_raw, file_close_fd,
  files_lookup_fd_locked, files_lookup_fd_raw, get_close_on_exec, get_unused_fd_flags, put_unused_fd, set_close_on_exec,
} from '../../../kernel/fs/file'
import { __fput_sync, flush_delayed_fput, fput, fput_close, fput_close_sync } from '../../../kernel/fs/file_table'
import { filp_close, filp_flush } from '../../../kernel/fs/open'
import { file_count, get_file } from '../../../kernel/include/file_ref'
import { in_interrupt, might_sleep, mutex_is_locked, mutex_lock, mutex_unlock, spin_lock, spin_unlock } from '../../../kernel/kernel/locking'
import { call_rcu, rcu_read_lock, rcu_read_unlock, synchronize_rcu } from '../../../kernel/kernel/rcupdate'
import { init_task_work, task_work_add, task_work_cancel_match } from '../../../kernel/kernel/task_work'
import { flush_delayed_work, schedule_delayed_work } from '../../../kernel/kernel/workqueue'
import { binder_deferred_fd_close } from '../../../kernel/drivers/android/binder'
import { create_io_thread } from '../../../kernel/kernel/fork'
import { PREEMPT_MASK, SOFTIRQ_OFFSET } from '../../../kernel/include/flags'
import type { Expr, FuncDef } from '../ast'
import { T } from '../types'
import { formatC } from './format'
import type { Env, Interp } from './interp'
import { emptyFd, ErrPtr, LabStruct, truthy, type Value } from './values'
import { RULE } from '../../../sim/rules'

export type Impl = (rt: Interp, a: Value[], env: Env, call: Extract<Expr, { kind: 'call' }>) => KGen<Value>

const num = (v: Value): number => Number(BigInt.asIntN(64, v as bigint))
const big = (n: number | boolean): bigint => BigInt(typeof n === 'boolean' ? (n ? 1 : 0) : n)
const where = (rt: Interp, env: Env, call: Extract<Expr, { kind: 'call' }>): string => `lab C ${rt.lineText(env.file, call.pos.line).trim().slice(0, 50)} (${call.pos.line}:${call.pos.col})`

function fileArg(rt: Interp, v: Value, env: Env, call: Extract<Expr, { kind: 'call' }>, name: string): File {
  if (v === null) rt.err(env, call.pos, `${name}(NULL): NULL pointer dereference`)
  if (v instanceof ErrPtr) rt.err(env, call.pos, `${name}(ERR_PTR(${v.err})): check IS_ERR() first`)
  return v as File
}

/** The engine callback that runs lab function @f (task work, RCU callback). */
export function callbackFor(rt: Interp, f: FuncDef): CallbackFn {
  const cached = rt.callbacks.get(f)
  if (cached) return cached as CallbackFn
  const fn = function* (_k: Kernel, head: CallbackHead): KGen<void> {
    yield* rt.kernelEntry(rt.callLab(f, [head], rt.kernelEnv(rt.fileOf(f), 0), f.pos), null)
  }
  Object.defineProperty(fn, 'name', { value: f.name })
  Object.defineProperty(fn, 'kname', { value: f.name })
  rt.callbacks.set(f, fn)
  return fn as CallbackFn
}

function* yieldNothing(): KGen<void> { /* no micro-step */ }

function* pure<T>(v: T): KGen<T> {
  yield* yieldNothing()
  return v
}

export interface KernelFn {
  /** The C prototype, as the kernel declares it (lab C parses it: the name and types come from here). */
  readonly proto: string
  readonly doc: string
  /** The kernel source that defines it (file, or per profile when it moved). */
  readonly source: string | Readonly<Record<ProfileName, string>>
  /** Profiles that have this name (all when absent). */
  readonly profiles?: readonly ProfileName[]
  /** Context rule shown in docs ("may sleep", "process context"). */
  readonly context?: string
  /** Works on current->files: a kernel thread (no table) oopses. */
  readonly needsFiles?: boolean
  readonly impl: Impl
}

const P65: readonly ProfileName[] = ['6.5']
const P618: readonly ProfileName[] = ['6.18']
/** fdget/fdget_raw/fdget_pos: static inlines over __fdget* in 6.5, out-of-line in fs/file.c since v6.12. */
const FDGET_SRC = { '6.5': 'include/linux/file.h (inline over __fdget*, fs/file.c)', '6.18': 'fs/file.c' } as const

export const KERNEL_FUNCS: readonly KernelFn[] = [
  {
    proto: 'struct fd fdget(unsigned int fd)', source: FDGET_SRC, context: 'process context', needsFiles: true,
    doc: 'Look up fd in current->files for the duration of a syscall. Borrows (light: no reference) when the table is not shared (files->count == 1), else takes a reference (cloned: FDPUT_FPUT). Pair with fdput().',
    *impl(rt, a) { return yield* fdget(rt.k, num(a[0]!)) },
  },
  {
    proto: 'struct fd fdget_raw(unsigned int fd)', source: FDGET_SRC, needsFiles: true,
    doc: 'fdget() that also finds O_PATH files. Pair with fdput().',
    *impl(rt, a) { return yield* fdget_raw(rt.k, num(a[0]!)) },
  },
  {
    proto: 'struct fd fdget_pos(unsigned int fd)', source: FDGET_SRC, context: 'may sleep', needsFiles: true,
    doc: 'fdget() that also takes f_pos_lock when the position may be shared (FMODE_ATOMIC_POS and the file has more than one reference: FDPUT_POS_UNLOCK). Pair with fdput_pos().',
    *impl(rt, a) { return yield* fdget_pos(rt.k, num(a[0]!)) },
  },
  {
    proto: 'void fdput(struct fd f)', source: 'include/linux/file.h',
    doc: 'End a struct fd from fdget()/fdget_raw(): fput() only if fdget took a reference (FDPUT_FPUT). fdput of an empty struct fd does nothing.',
    *impl(rt, a) { yield* fdput(rt.k, a[0] as StructFd); return null },
  },
  {
    proto: 'void fdput_pos(struct fd f)', source: 'include/linux/file.h',
    doc: 'End an fdget_pos(): unlock f_pos_lock if it was taken (FDPUT_POS_UNLOCK), then fdput().',
    *impl(rt, a) { yield* fdput_pos(rt.k, a[0] as StructFd); return null },
  },
  {
    proto: 'struct file *fd_file(struct fd f)', source: 'include/linux/file.h',
    doc: 'The file of a struct fd (NULL when empty). 6.18: the word with its two low bits masked off; v6.5 spelled it f.file (both profiles accept fd_file()).',
    impl: (_rt, a) => pure((a[0] as StructFd).file),
  },
  {
    proto: 'bool fd_empty(struct fd f)', source: 'include/linux/file.h',
    doc: 'True when fdget() found no file (6.18: word == 0).',
    impl: (_rt, a) => pure(big(!(a[0] as StructFd).file)),
  },
  {
    proto: 'struct fd BORROWED_FD(struct file *f)', source: 'include/linux/file.h', profiles: P618,
    doc: 'A struct fd that borrows f: word = the pointer, no flag (v6.12+). The caller guarantees f outlives it; fdput() of it does nothing.',
    impl: (rt, a) => pure(BORROWED_FD(rt.k, a[0] as File | null)),
  },
  {
    proto: 'struct fd CLONED_FD(struct file *f)', source: 'include/linux/file.h', profiles: P618,
    doc: 'A struct fd that owns a reference the caller already took (fget): word = pointer | FDPUT_FPUT (v6.12+). fdput() drops it.',
    impl: (rt, a) => pure(CLONED_FD(rt.k, a[0] as File | null)),
  },
  {
    proto: 'struct file *fget(unsigned int fd)', source: 'fs/file.c', needsFiles: true,
    doc: 'Take a counted reference to the file at fd (NULL if not open or O_PATH). Drop it with fput().',
    *impl(rt, a) { return yield* fget(rt.k, num(a[0]!)) },
  },
  {
    proto: 'struct file *fget_raw(unsigned int fd)', source: 'fs/file.c', needsFiles: true,
    doc: 'fget() that also finds O_PATH files.',
    *impl(rt, a) { return yield* fget_raw(rt.k, num(a[0]!)) },
  },
  {
    proto: 'void fput(struct file *file)', source: 'fs/file_table.c', context: 'any',
    doc: 'Drop a reference. The last one queues __fput(): task work (TWA_RESUME) in a user task, the delayed-fput list from a kthread, an interrupt or an exiting task.',
    *impl(rt, a, env, call) {
      const f = fileArg(rt, a[0]!, env, call, 'fput')
      const i = f.pins.findIndex((p) => p.startsWith('lab:'))
      if (i >= 0) f.pins.splice(i, 1)
      yield* fput(rt.k, f)
      return null
    },
  },
  {
    proto: 'struct file *get_file(struct file *f)', source: 'include/linux/fs.h',
    doc: 'Take an extra reference to a file you already hold one to (a pin). Returns f.',
    *impl(rt, a, env, call) {
      const f = fileArg(rt, a[0]!, env, call, 'get_file')
      yield* get_file(rt.k, f)
      f.pins.push(`lab:get_file@${call.pos.line}`)
      return f
    },
  },
  {
    proto: 'long file_count(struct file *f)', source: 'include/linux/fs.h',
    doc: 'The number of references: f_count in 6.5, f_ref + 1 in 6.18 (file_ref_read), 0 once dead. Reading it is racy, as in the kernel.',
    impl: (rt, a, env, call) => pure(big(file_count(rt.k, fileArg(rt, a[0]!, env, call, 'file_count')))),
  },
  {
    proto: 'int close_fd(unsigned int fd)', source: 'fs/file.c', context: 'process context', needsFiles: true,
    doc: 'Detach fd from current->files and filp_close() it. Returns 0, a ->flush error or -EBADF.',
    *impl(rt, a) { return big(yield* close_fd(rt.k, num(a[0]!))) },
  },
  {
    proto: 'struct file *file_close_fd(unsigned int fd)', source: 'fs/file.c', profiles: P618, needsFiles: true,
    doc: 'Detach fd from current->files and return its file with the table\'s reference (NULL if not open). The caller must filp_close() it. v6.8+ name of close_fd_get_file().',
    *impl(rt, a) { return yield* file_close_fd(rt.k, num(a[0]!)) },
  },
  {
    proto: 'struct file *close_fd_get_file(unsigned int fd)', source: 'fs/file.c', profiles: P65, needsFiles: true,
    doc: 'Detach fd from current->files and return its file with the table\'s reference (NULL if not open). Renamed file_close_fd() in v6.8.',
    *impl(rt, a) { return yield* close_fd_get_file(rt.k, num(a[0]!)) },
  },
  {
    proto: 'int filp_close(struct file *filp, fl_owner_t id)', source: 'fs/open.c',
    doc: 'The per-close flush (->flush, dnotify, the POSIX locks of id), then one reference dropped (fput; fput_close in 6.18): the teardown is deferred.',
    *impl(rt, a, env, call) { return big(yield* filp_close(rt.k, fileArg(rt, a[0]!, env, call, 'filp_close'), a[1] as FlOwner)) },
  },
  {
    proto: 'int filp_flush(struct file *filp, fl_owner_t id)', source: 'fs/open.c', profiles: P618,
    doc: 'Flush and remove the POSIX locks of id without dropping the reference (close(2) since v6.6).',
    *impl(rt, a, env, call) { return big(yield* filp_flush(rt.k, fileArg(rt, a[0]!, env, call, 'filp_flush'), a[1] as FlOwner)) },
  },
  {
    proto: 'void fd_install(unsigned int fd, struct file *file)', source: 'fs/file.c', needsFiles: true,
    doc: 'Publish file at a reserved fd; consumes your reference. Never undo it afterwards.',
    *impl(rt, a, env, call) { yield* fd_install(rt.k, num(a[0]!), fileArg(rt, a[1]!, env, call, 'fd_install')); return null },
  },
  {
    proto: 'int get_unused_fd_flags(unsigned int flags)', source: 'fs/file.c', needsFiles: true,
    doc: 'Reserve the lowest free fd below RLIMIT_NOFILE (O_CLOEXEC sets close-on-exec). -EMFILE when full.',
    *impl(rt, a) { return big(yield* get_unused_fd_flags(rt.k, num(a[0]!))) },
  },
  {
    proto: 'void put_unused_fd(unsigned int fd)', source: 'fs/file.c', needsFiles: true,
    doc: 'Give back an fd reserved by get_unused_fd_flags() that was never installed.',
    *impl(rt, a) { yield* put_unused_fd(rt.k, num(a[0]!)); return null },
  },
  {
    proto: 'void init_task_work(struct callback_head *twork, void (*func)(struct callback_head *))', source: 'include/linux/task_work.h',
    doc: 'Set the callback of a task work node.',
    impl(rt, a, env, call) {
      if (a[0] === null) rt.err(env, call.pos, 'init_task_work(NULL, ...)')
      init_task_work(a[0] as CallbackHead, a[1] ? callbackFor(rt, a[1] as FuncDef) : (null as unknown as CallbackFn))
      return pure(null)
    },
  },
  {
    proto: 'int task_work_add(struct task_struct *task, struct callback_head *work, int notify)', source: 'kernel/task_work.c',
    doc: 'Queue work to run when task returns to user space (TWA_RESUME) or exits. -ESRCH once the task ran exit_task_work(): then the work will never run.',
    *impl(rt, a, env, call) {
      if (a[0] === null || a[1] === null) rt.err(env, call.pos, 'task_work_add with a NULL task or work')
      return big(yield* task_work_add(rt.k, a[0] as Task, a[1] as CallbackHead, num(a[2]!)))
    },
  },
  {
    proto: 'bool task_work_cancel(struct task_struct *task, struct callback_head *cb)', source: 'kernel/task_work.c', profiles: P618,
    doc: 'Remove the queued work cb if it has not started running; true if it was removed (v6.11+: the old function-matching form is task_work_cancel_func()).',
    *impl(rt, a, env, call) {
      if (a[0] === null) rt.err(env, call.pos, 'task_work_cancel(NULL, ...)')
      return big((yield* task_work_cancel_match(rt.k, a[0] as Task, (w) => w === a[1])) !== null)
    },
  },
  {
    proto: 'struct callback_head *task_work_cancel(struct task_struct *task, void (*func)(struct callback_head *))', source: 'kernel/task_work.c', profiles: P65,
    doc: 'Remove the last queued work whose callback is func, if it has not started running; returns it, or NULL (v6.5 form; v6.11 renamed it task_work_cancel_func()).',
    *impl(rt, a, env, call) {
      if (a[0] === null || a[1] === null) rt.err(env, call.pos, 'task_work_cancel with a NULL task or function')
      const fn = callbackFor(rt, a[1] as FuncDef)
      return (yield* task_work_cancel_match(rt.k, a[0] as Task, (w) => w.func === fn)) as Value
    },
  },
  {
    proto: 'struct task_struct *create_io_thread(int (*fn)(void *), void *arg, int node)', source: 'kernel/fork.c',
    doc: 'Create a worker task sharing current\'s mm, fs, files and signal handlers (CLONE_FILES|CLONE_THREAD|CLONE_IO...), as io_uring does for its sqpoll thread and io-wq workers; it runs fn(arg) in kernel mode and exits when fn returns. files->count goes up by one: a light fdget borrow held across this call is no longer safe (V2). Returns the task or an ERR_PTR. SIM: started at once (copy_process + wake_up_new_task).',
    *impl(rt, a, env, call) {
      const f = a[0] as FuncDef | null
      if (!f) return rt.err(env, call.pos, 'create_io_thread(NULL, ...)')
      const arg = a[1] ?? null
      const r = yield* create_io_thread(rt.k, function* (): KGen<void> {
        yield* rt.kernelEntry(rt.callLab(f, [arg], rt.kernelEnv(rt.fileOf(f), 0), f.pos), 0n)
      })
      return typeof r === 'number' ? new ErrPtr(BigInt(r)) : r
    },
  },
  {
    proto: 'struct task_struct *get_current(void)', source: 'arch/x86/include/asm/current.h',
    doc: 'The running task (same as current).',
    impl: (rt) => pure(rt.k.current),
  },
  {
    proto: 'bool in_interrupt(void)', source: 'include/linux/preempt.h',
    doc: 'True in hard/soft interrupt context.',
    impl: (rt) => pure(big(in_interrupt(rt.k))),
  },
  {
    proto: 'int preempt_count(void)', source: 'include/linux/preempt.h',
    doc: 'The current preemption count: spinlocks held and preempt_disable() in the low byte (PREEMPT_MASK), SOFTIRQ_OFFSET while serving a softirq (RCU callbacks). Non-zero: atomic context, no sleeping. SIM: no hard interrupts or NMIs are modelled.',
    impl: (rt) => pure(big((rt.k.current.preempt_count & PREEMPT_MASK) + rt.k.current.irq_count * SOFTIRQ_OFFSET)),
  },
  {
    proto: 'void might_sleep(void)', source: 'include/linux/kernel.h',
    doc: 'Annotate a point that may sleep: a violation in atomic context (spinlock held, RCU read side, interrupt).',
    impl(rt, _a, env, call) { might_sleep(rt.k, where(rt, env, call)); return pure(null) },
  },
  {
    proto: 'void spin_lock(spinlock_t *lock)', source: 'include/linux/spinlock.h',
    doc: 'Take a spinlock: atomic context until spin_unlock().',
    *impl(rt, a) { yield spin_lock(rt.k, a[0] as SpinLock); return null },
  },
  {
    proto: 'void spin_unlock(spinlock_t *lock)', source: 'include/linux/spinlock.h',
    doc: 'Release a spinlock.',
    *impl(rt, a) { yield spin_unlock(rt.k, a[0] as SpinLock); return null },
  },
  {
    proto: 'void mutex_lock(struct mutex *lock)', source: 'kernel/locking/mutex.c', context: 'may sleep',
    doc: 'Take a sleeping lock.',
    *impl(rt, a) { yield mutex_lock(rt.k, a[0] as Mutex); return null },
  },
  {
    proto: 'bool mutex_is_locked(struct mutex *lock)', source: 'kernel/locking/mutex.c',
    doc: 'Whether some task holds lock (a racy snapshot, as in the kernel). mutex_is_locked(&fd_file(f)->f_pos_lock) tells fdget_pos() (it took f_pos_lock: FDPUT_POS_UNLOCK) from fdget().',
    *impl(rt, a, env, call) {
      if (a[0] === null) rt.err(env, call.pos, 'mutex_is_locked(NULL)')
      return big(yield* mutex_is_locked(rt.k, a[0] as Mutex))
    },
  },
  {
    proto: 'void mutex_unlock(struct mutex *lock)', source: 'kernel/locking/mutex.c',
    doc: 'Release a sleeping lock.',
    *impl(rt, a) { yield mutex_unlock(rt.k, a[0] as Mutex); return null },
  },
  {
    proto: 'void rcu_read_lock(void)', source: 'include/linux/rcupdate.h',
    doc: 'Enter an RCU read-side critical section (no sleeping inside).',
    *impl(rt) { yield rcu_read_lock(rt.k); return null },
  },
  {
    proto: 'void rcu_read_unlock(void)', source: 'include/linux/rcupdate.h',
    doc: 'Leave an RCU read-side critical section.',
    *impl(rt) { yield rcu_read_unlock(rt.k); return null },
  },
  {
    proto: 'void synchronize_rcu(void)', source: 'kernel/rcu/tree.c', context: 'may sleep',
    doc: 'Sleep until a full grace period has passed.',
    *impl(rt) { yield* synchronize_rcu(rt.k); return null },
  },
  {
    proto: 'void call_rcu(struct callback_head *head, void (*func)(struct callback_head *))', source: 'kernel/rcu/tree.c',
    doc: 'Run func after a grace period (in the rcu system thread, softirq context).',
    *impl(rt, a, env, call) {
      if (a[0] === null || a[1] === null) rt.err(env, call.pos, 'call_rcu with a NULL head or function')
      const f = a[1] as FuncDef
      yield* call_rcu(rt.k, a[0] as CallbackHead, callbackFor(rt, f), f.name)
      return null
    },
  },
  {
    proto: 'void INIT_DELAYED_WORK(struct delayed_work *dwork, void (*func)(struct work_struct *))', source: 'include/linux/workqueue.h',
    doc: 'Set the function of a delayed work item.',
    impl(rt, a, env, call) {
      const dw = a[0] as DelayedWork | null
      if (!dw) return rt.err(env, call.pos, 'INIT_DELAYED_WORK(NULL, ...)')
      const f = a[1] as FuncDef | null
      const fn = function* (): KGen<void> {
        if (f) yield* rt.kernelEntry(rt.callLab(f, [dw], rt.kernelEnv(rt.fileOf(f), 0), f.pos), null)
      }
      Object.defineProperty(fn, 'kname', { value: f?.name ?? 'work' })
      dw.func = fn
      if (!rt.k.workqueue.includes(dw)) rt.k.workqueue.push(dw)
      return pure(null)
    },
  },
  {
    proto: 'bool schedule_delayed_work(struct delayed_work *dwork, unsigned long delay)', source: 'include/linux/workqueue.h',
    doc: 'Queue dwork on the kworker (a kernel thread) after delay jiffies; false if already pending.',
    *impl(rt, a, env, call) {
      const dw = a[0] as DelayedWork | null
      if (!dw) return rt.err(env, call.pos, 'schedule_delayed_work(NULL, ...)')
      if (!rt.k.workqueue.includes(dw)) rt.k.workqueue.push(dw)
      return big(yield* schedule_delayed_work(rt.k, dw, num(a[1]!)))
    },
  },
  {
    proto: 'bool flush_delayed_work(struct delayed_work *dwork)', source: 'kernel/workqueue.c',
    doc: 'Run a pending delayed work now and wait for it.',
    *impl(rt, a) { return big(yield* flush_delayed_work(rt.k, a[0] as DelayedWork)) },
  },
  {
    proto: 'void flush_delayed_fput(void)', source: 'fs/file_table.c',
    doc: 'Run the delayed-fput list now, in the caller\'s context (meant for boot-time use).',
    *impl(rt) { yield* flush_delayed_fput(rt.k); return null },
  },
  {
    proto: 'void __fput_sync(struct file *file)', source: 'fs/file_table.c', context: 'may sleep; v6.5: kernel threads only',
    doc: 'Drop a reference; if it was the last, run __fput() now. v6.5: BUG_ON(!(current->flags & PF_KTHREAD)).',
    *impl(rt, a, env, call) { yield* __fput_sync(rt.k, fileArg(rt, a[0]!, env, call, '__fput_sync')); return null },
  },
  {
    proto: 'void fput_close(struct file *file)', source: 'fs/file_table.c', profiles: P618,
    doc: 'fput() for the table\'s reference, optimised for the last one (file_ref_put_close, v6.15+).',
    *impl(rt, a, env, call) { yield* fput_close(rt.k, fileArg(rt, a[0]!, env, call, 'fput_close')); return null },
  },
  {
    proto: 'void fput_close_sync(struct file *file)', source: 'fs/file_table.c', profiles: P618,
    doc: '__fput_sync() for the table\'s reference (close(2) since v6.15).',
    *impl(rt, a, env, call) { yield* fput_close_sync(rt.k, fileArg(rt, a[0]!, env, call, 'fput_close_sync')); return null },
  },
  {
    proto: 'struct fdtable *files_fdtable(struct files_struct *files)', source: 'include/linux/fdtable.h',
    doc: 'The current fdtable of files (rcu_dereference_check of files->fdt).',
    *impl(rt, a, env, call) {
      const files = a[0] as FilesStruct | null
      if (!files) return rt.err(env, call.pos, 'files_fdtable(NULL)')
      yield { obj: files.id, w: false, what: `files_fdtable(${files.id})` }
      return files.fdt
    },
  },
  {
    proto: 'struct file *files_lookup_fd_raw(struct files_struct *files, unsigned int fd)', source: 'include/linux/fdtable.h',
    doc: 'Unreferenced slot read (table unshared, or file_lock / RCU held).',
    *impl(rt, a, env, call) {
      const files = a[0] as FilesStruct | null
      if (!files) return rt.err(env, call.pos, 'files_lookup_fd_raw(NULL, ...)')
      yield { obj: files.fdt.id, w: false, what: `files_lookup_fd_raw(${num(a[1]!)})` }
      return files_lookup_fd_raw(files, num(a[1]!))
    },
  },
  {
    proto: 'struct file *files_lookup_fd_locked(struct files_struct *files, unsigned int fd)', source: 'include/linux/fdtable.h',
    doc: 'Unreferenced slot read with file_lock held (lockdep-checked).',
    *impl(rt, a, env, call) {
      const files = a[0] as FilesStruct | null
      if (!files) return rt.err(env, call.pos, 'files_lookup_fd_locked(NULL, ...)')
      yield { obj: files.fdt.id, w: false, what: `files_lookup_fd_locked(${num(a[1]!)})` }
      return files_lookup_fd_locked(rt.k, files, num(a[1]!))
    },
  },
  {
    proto: 'void set_close_on_exec(unsigned int fd, int flag)', source: 'fs/file.c', needsFiles: true,
    doc: 'Set or clear FD_CLOEXEC of fd in current->files.',
    *impl(rt, a) { yield* set_close_on_exec(rt.k, num(a[0]!), truthy(a[1]!)); return null },
  },
  {
    proto: 'bool get_close_on_exec(unsigned int fd)', source: 'fs/file.c', needsFiles: true,
    doc: 'Whether fd has FD_CLOEXEC.',
    impl: (rt, a) => pure(big(get_close_on_exec(rt.k, num(a[0]!)))),
  },
  {
    proto: 'void binder_deferred_fd_close(int fd)', source: 'drivers/android/binder.c', needsFiles: true,
    doc: 'Binder\'s deferred close: file_close_fd(), get_file(), filp_close(), then task_work_add(binder_do_fd_close, TWA_RESUME). A lab function of this name replaces it (the deferred-close exercises).',
    *impl(rt, a) { yield* binder_deferred_fd_close(rt.k, num(a[0]!)); return null },
  },
  {
    proto: 'int printk(const char *fmt, ...)', source: 'kernel/printk/printk.c',
    doc: 'Print to the kernel log (shown in the trace). printf-style %d %u %ld %lu %x %s %p %c.',
    impl(rt, a) {
      const text = formatC(typeof a[0] === 'string' ? a[0] : '', a.slice(1))
      rt.k.printk.push(text)
      if (rt.k.trace.on) rt.k.trace.emit({ e: 'printk', text })
      return pure(big(text.length))
    },
  },
  {
    proto: 'void *kmalloc(size_t size, gfp_t flags)', source: 'include/linux/slab.h',
    doc: 'Allocate a lab struct: kmalloc(sizeof(struct NAME), GFP_KERNEL). SIM: the memory is a typed object, never raw bytes.',
    impl: (rt, _a, env, call) => pure(alloc(rt, env, call)),
  },
  {
    proto: 'void *kzalloc(size_t size, gfp_t flags)', source: 'include/linux/slab.h',
    doc: 'kmalloc() with every field zeroed (lab C always zeroes).',
    impl: (rt, _a, env, call) => pure(alloc(rt, env, call)),
  },
  {
    proto: 'void kfree(const void *objp)', source: 'mm/slub.c',
    doc: 'Free a kmalloc()ed object; using it afterwards is a use-after-free, freeing it twice a double free.',
    impl(rt, a, env, call) {
      const p = a[0]
      if (p === null || p === undefined) return pure(null)
      if (!(p instanceof LabStruct)) return rt.err(env, call.pos, 'kfree of an object kmalloc did not return')
      if (p.freed) {
        rt.k.report(RULE.double_free, 'violation', `kfree of ${p.id}, which was already freed (${call.pos.line}:${call.pos.col})`, [p.id])
        return pure(null)
      }
      p.freed = true
      rt.charge(-rt.sizeOf(T.struct(p.name)), env, call.pos)
      return pure(null)
    },
  },
  { proto: 'bool IS_ERR(const void *ptr)', source: 'include/linux/err.h', doc: 'True for an ERR_PTR() value.', impl: (_rt, a) => pure(big(a[0] instanceof ErrPtr)) },
  { proto: 'long PTR_ERR(const void *ptr)', source: 'include/linux/err.h', doc: 'The negative errno inside an ERR_PTR().', impl: (_rt, a) => pure(a[0] instanceof ErrPtr ? a[0].err : 0n) },
  { proto: 'void *ERR_PTR(long error)', source: 'include/linux/err.h', doc: 'Encode a negative errno as a pointer.', impl: (_rt, a) => pure(a[0] === 0n ? null : new ErrPtr(a[0] as bigint)) },
  {
    proto: 'bool WARN_ON(long condition)', source: 'include/asm-generic/bug.h',
    doc: 'If condition holds, report a warning (a violation in fdlab); returns condition.',
    impl(rt, a, env, call) {
      const c = truthy(a[0]!)
      if (c) rt.k.report(RULE.WARN_ON, 'violation', `WARNING: ${where(rt, env, call)}`, [])
      return pure(big(c))
    },
  },
  {
    proto: 'void BUG_ON(long condition)', source: 'include/asm-generic/bug.h',
    doc: 'If condition holds, the kernel oopses: the thread stops with an error.',
    impl(rt, a, env, call) {
      if (truthy(a[0]!)) {
        rt.k.report(RULE.BUG, 'violation', `kernel BUG at ${where(rt, env, call)}`, [])
        rt.err(env, call.pos, 'kernel BUG (BUG_ON condition true)')
      }
      return pure(null)
    },
  },
  {
    proto: 'void cond_resched(void)', source: 'include/linux/sched.h',
    doc: 'An explicit scheduling point.',
    *impl(rt) { yield { obj: `sched:${rt.k.current.pid}`, w: false, what: 'cond_resched' }; return null },
  },
]

/** A function declared needsFiles, called where current->files is NULL: the kernel would oops. */
export function needsFiles(rt: Interp, name: string, env: Env, call: Extract<Expr, { kind: 'call' }>): void {
  if (!rt.k.current.files) {
    rt.err(env, call.pos, `${name}: current->files is NULL (${rt.k.current.comm} is ${rt.k.current.flags & 0x00200000 ? 'a kernel thread' : 'exiting'} and has no fd table)`)
  }
}

/** A kernel macro that is a value, not a call (EMPTY_FD): lab C names it like a constant. */
export interface KernelValue {
  readonly name: string
  /** Its C type as lab C spells it. */
  readonly type: string
  readonly doc: string
  readonly source: string
  readonly profiles?: readonly ProfileName[]
  readonly read: (rt: Interp) => Value
}

export const KERNEL_VALUES: readonly KernelValue[] = [
  {
    name: 'EMPTY_FD', type: 'struct fd', source: 'include/linux/file.h', profiles: P618,
    doc: '#define EMPTY_FD (struct fd){0}: the empty struct fd (word 0), what fdget() returns for a bad fd (v6.12+). fd_empty() is true; fdput() of it does nothing.',
    read: (rt) => emptyFd(rt.k),
  },
]

/** The source of a declaration under a profile. */
export function sourceOf(f: Pick<KernelFn, 'source'>, profile: ProfileName): string {
  return typeof f.source === 'string' ? f.source : f.source[profile]
}

function alloc(rt: Interp, env: Env, call: Extract<Expr, { kind: 'call' }>): Value {
  if (!call.alloc) rt.err(env, call.pos, 'lab C allocates typed objects: kmalloc(sizeof(struct NAME), GFP_KERNEL)')
  rt.charge(rt.sizeOf(T.struct(call.alloc)), env, call.pos)
  return rt.zero(T.struct(call.alloc))
}
