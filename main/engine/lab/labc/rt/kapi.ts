/**
 * The kernel API as lab C kernel code calls it: each name runs the engine's own kernel function
 * (so it emits the same trace and takes the same micro-steps), with C's conversions at the
 * boundary. Kernel conventions: negative errno, NULL.
 */
import type { DelayedWork, KGen, Kernel } from '../../../sim/context'
import type { CallbackFn, CallbackHead, File, FilesStruct, FlOwner, Mutex, SpinLock, StructFd, Task } from '../../../kernel/include/types'
import {
  close_fd, close_fd_get_file, fd_install, fdget, fdget_pos, fdget_raw, fdput, fdput_pos, fget, fget_raw, file_close_fd,
  files_lookup_fd_locked, files_lookup_fd_raw, get_close_on_exec, get_unused_fd_flags, put_unused_fd, set_close_on_exec,
} from '../../../kernel/fs/file'
import { __fput_sync, flush_delayed_fput, fput, fput_close, fput_close_sync } from '../../../kernel/fs/file_table'
import { filp_close, filp_flush } from '../../../kernel/fs/open'
import { file_count, get_file } from '../../../kernel/include/file_ref'
import { in_interrupt, might_sleep, mutex_lock, mutex_unlock, spin_lock, spin_unlock } from '../../../kernel/kernel/locking'
import { call_rcu, rcu_read_lock, rcu_read_unlock, synchronize_rcu } from '../../../kernel/kernel/rcupdate'
import { init_task_work, task_work_add } from '../../../kernel/kernel/task_work'
import { flush_delayed_work, schedule_delayed_work } from '../../../kernel/kernel/workqueue'
import type { Expr, FuncDef } from '../ast'
import { T } from '../types'
import { formatC } from './format'
import type { Env, Interp } from './interp'
import { ErrPtr, LabStruct, truthy, type Value } from './values'

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

/** API functions that work on current->files: a kernel thread has none, and the kernel oopses. */
const NEEDS_FILES = new Set([
  'fdget', 'fdget_raw', 'fdget_pos', 'fget', 'fget_raw', 'close_fd', 'file_close_fd', 'close_fd_get_file', 'fd_install',
  'get_unused_fd_flags', 'put_unused_fd', 'set_close_on_exec', 'get_close_on_exec', 'binder_deferred_fd_close',
])

export function needsFiles(rt: Interp, name: string, env: Env, call: Extract<Expr, { kind: 'call' }>): void {
  if (NEEDS_FILES.has(name) && !rt.k.current.files) {
    rt.err(env, call.pos, `${name}: current->files is NULL (${rt.k.current.comm} is ${rt.k.current.flags & 0x00200000 ? 'a kernel thread' : 'exiting'} and has no fd table)`)
  }
}

export const KERNEL_IMPL: Readonly<Record<string, Impl>> = {
  *fdget(rt, a) { return yield* fdget(rt.k, num(a[0]!)) },
  *fdget_raw(rt, a) { return yield* fdget_raw(rt.k, num(a[0]!)) },
  *fdget_pos(rt, a) { return yield* fdget_pos(rt.k, num(a[0]!)) },
  *fdput(rt, a) { yield* fdput(rt.k, a[0] as StructFd); return null },
  *fdput_pos(rt, a) { yield* fdput_pos(rt.k, a[0] as StructFd); return null },
  fd_file: (_rt, a) => pure((a[0] as StructFd).file),
  fd_empty: (_rt, a) => pure(big(!(a[0] as StructFd).file)),
  *fget(rt, a) { return yield* fget(rt.k, num(a[0]!)) },
  *fget_raw(rt, a) { return yield* fget_raw(rt.k, num(a[0]!)) },
  *fput(rt, a, env, call) {
    const f = fileArg(rt, a[0]!, env, call, 'fput')
    const i = f.pins.findIndex((p) => p.startsWith('lab:'))
    if (i >= 0) f.pins.splice(i, 1)
    yield* fput(rt.k, f)
    return null
  },
  *get_file(rt, a, env, call) {
    const f = fileArg(rt, a[0]!, env, call, 'get_file')
    yield* get_file(rt.k, f)
    f.pins.push(`lab:get_file@${call.pos.line}`)
    return f
  },
  file_count: (rt, a, env, call) => pure(big(file_count(rt.k, fileArg(rt, a[0]!, env, call, 'file_count')))),
  *close_fd(rt, a) { return big(yield* close_fd(rt.k, num(a[0]!))) },
  *file_close_fd(rt, a) { return yield* file_close_fd(rt.k, num(a[0]!)) },
  *close_fd_get_file(rt, a) { return yield* close_fd_get_file(rt.k, num(a[0]!)) },
  *filp_close(rt, a, env, call) { return big(yield* filp_close(rt.k, fileArg(rt, a[0]!, env, call, 'filp_close'), a[1] as FlOwner)) },
  *filp_flush(rt, a, env, call) { return big(yield* filp_flush(rt.k, fileArg(rt, a[0]!, env, call, 'filp_flush'), a[1] as FlOwner)) },
  *fd_install(rt, a, env, call) { yield* fd_install(rt.k, num(a[0]!), fileArg(rt, a[1]!, env, call, 'fd_install')); return null },
  *get_unused_fd_flags(rt, a) { return big(yield* get_unused_fd_flags(rt.k, num(a[0]!))) },
  *put_unused_fd(rt, a) { yield* put_unused_fd(rt.k, num(a[0]!)); return null },
  init_task_work(rt, a, env, call) {
    if (a[0] === null) rt.err(env, call.pos, 'init_task_work(NULL, ...)')
    init_task_work(a[0] as CallbackHead, a[1] ? callbackFor(rt, a[1] as FuncDef) : (null as unknown as CallbackFn))
    return pure(null)
  },
  *task_work_add(rt, a, env, call) {
    if (a[0] === null || a[1] === null) rt.err(env, call.pos, 'task_work_add with a NULL task or work')
    return big(yield* task_work_add(rt.k, a[0] as Task, a[1] as CallbackHead, num(a[2]!)))
  },
  get_current: (rt) => pure(rt.k.current),
  in_interrupt: (rt) => pure(big(in_interrupt(rt.k))),
  might_sleep(rt, _a, env, call) { might_sleep(rt.k, where(rt, env, call)); return pure(null) },
  *spin_lock(rt, a) { yield* spin_lock(rt.k, a[0] as SpinLock); return null },
  *spin_unlock(rt, a) { yield* spin_unlock(rt.k, a[0] as SpinLock); return null },
  *mutex_lock(rt, a) { yield* mutex_lock(rt.k, a[0] as Mutex); return null },
  *mutex_unlock(rt, a) { yield* mutex_unlock(rt.k, a[0] as Mutex); return null },
  *rcu_read_lock(rt) { yield* rcu_read_lock(rt.k); return null },
  *rcu_read_unlock(rt) { yield* rcu_read_unlock(rt.k); return null },
  *synchronize_rcu(rt) { yield* synchronize_rcu(rt.k); return null },
  *call_rcu(rt, a, env, call) {
    if (a[0] === null || a[1] === null) rt.err(env, call.pos, 'call_rcu with a NULL head or function')
    const f = a[1] as FuncDef
    yield* call_rcu(rt.k, a[0] as CallbackHead, callbackFor(rt, f), f.name)
    return null
  },
  INIT_DELAYED_WORK(rt, a, env, call) {
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
  *schedule_delayed_work(rt, a, env, call) {
    const dw = a[0] as DelayedWork | null
    if (!dw) return rt.err(env, call.pos, 'schedule_delayed_work(NULL, ...)')
    if (!rt.k.workqueue.includes(dw)) rt.k.workqueue.push(dw)
    return big(yield* schedule_delayed_work(rt.k, dw, num(a[1]!)))
  },
  *flush_delayed_work(rt, a) { return big(yield* flush_delayed_work(rt.k, a[0] as DelayedWork)) },
  *flush_delayed_fput(rt) { yield* flush_delayed_fput(rt.k); return null },
  *__fput_sync(rt, a, env, call) { yield* __fput_sync(rt.k, fileArg(rt, a[0]!, env, call, '__fput_sync')); return null },
  *fput_close(rt, a, env, call) { yield* fput_close(rt.k, fileArg(rt, a[0]!, env, call, 'fput_close')); return null },
  *fput_close_sync(rt, a, env, call) { yield* fput_close_sync(rt.k, fileArg(rt, a[0]!, env, call, 'fput_close_sync')); return null },
  *files_fdtable(rt, a, env, call) {
    const files = a[0] as FilesStruct | null
    if (!files) return rt.err(env, call.pos, 'files_fdtable(NULL)')
    yield { obj: files.id, w: false, what: `files_fdtable(${files.id})` }
    return files.fdt
  },
  *files_lookup_fd_raw(rt, a, env, call) {
    const files = a[0] as FilesStruct | null
    if (!files) return rt.err(env, call.pos, 'files_lookup_fd_raw(NULL, ...)')
    yield { obj: files.fdt.id, w: false, what: `files_lookup_fd_raw(${num(a[1]!)})` }
    return files_lookup_fd_raw(files, num(a[1]!))
  },
  *files_lookup_fd_locked(rt, a, env, call) {
    const files = a[0] as FilesStruct | null
    if (!files) return rt.err(env, call.pos, 'files_lookup_fd_locked(NULL, ...)')
    yield { obj: files.fdt.id, w: false, what: `files_lookup_fd_locked(${num(a[1]!)})` }
    return files_lookup_fd_locked(rt.k, files, num(a[1]!))
  },
  *set_close_on_exec(rt, a) { yield* set_close_on_exec(rt.k, num(a[0]!), truthy(a[1]!)); return null },
  get_close_on_exec: (rt, a) => pure(big(get_close_on_exec(rt.k, num(a[0]!)))),
  printk(rt, a) {
    const text = formatC(typeof a[0] === 'string' ? a[0] : '', a.slice(1))
    rt.k.printk.push(text)
    if (rt.k.trace.on) rt.k.trace.emit({ e: 'printk', text })
    return pure(big(text.length))
  },
  kmalloc: (rt, _a, env, call) => pure(alloc(rt, env, call)),
  kzalloc: (rt, _a, env, call) => pure(alloc(rt, env, call)),
  kfree(rt, a, env, call) {
    const p = a[0]
    if (p === null || p === undefined) return pure(null)
    if (!(p instanceof LabStruct)) return rt.err(env, call.pos, 'kfree of an object kmalloc did not return')
    if (p.freed) {
      rt.k.report('double-free', 'violation', `kfree of ${p.id}, which was already freed (${call.pos.line}:${call.pos.col})`, [p.id])
      return pure(null)
    }
    p.freed = true
    rt.charge(-rt.sizeOf(T.struct(p.name)), env, call.pos)
    return pure(null)
  },
  IS_ERR: (_rt, a) => pure(big(a[0] instanceof ErrPtr)),
  PTR_ERR: (_rt, a) => pure(a[0] instanceof ErrPtr ? a[0].err : 0n),
  ERR_PTR: (_rt, a) => pure(a[0] === 0n ? null : new ErrPtr(a[0] as bigint)),
  WARN_ON(rt, a, env, call) {
    const c = truthy(a[0]!)
    if (c) rt.k.report('WARN_ON', 'violation', `WARNING: ${where(rt, env, call)}`, [])
    return pure(big(c))
  },
  BUG_ON(rt, a, env, call) {
    if (truthy(a[0]!)) {
      rt.k.report('BUG', 'violation', `kernel BUG at ${where(rt, env, call)}`, [])
      rt.err(env, call.pos, 'kernel BUG (BUG_ON condition true)')
    }
    return pure(null)
  },
  *cond_resched(rt) {
    yield { obj: `sched:${rt.k.current.pid}`, w: false, what: 'cond_resched' }
    return null
  },
}

function alloc(rt: Interp, env: Env, call: Extract<Expr, { kind: 'call' }>): Value {
  if (!call.alloc) rt.err(env, call.pos, 'lab C allocates typed objects: kmalloc(sizeof(struct NAME), GFP_KERNEL)')
  rt.charge(rt.sizeOf(T.struct(call.alloc)), env, call.pos)
  return rt.zero(T.struct(call.alloc))
}
