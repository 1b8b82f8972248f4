/**
 * The fast path: the same kernel code, derived into plain functions by scripts/gen-fast.mjs,
 * run without a scheduler for work that needs no interleaving (benchmarks, strace replays).
 * Micro-steps are still counted, so traces match the stepped engine's event for event
 * (test/engine/machine/fast.test.ts). A run that would have to wait for another thread stops with
 * FastPathBlocked.
 */
import type { Machine } from './Machine'
import type { CallbackFn, File, Task } from '../kernel/include/types'
import type { SysArg } from '../kernel/syscalls'
import type { Oracle } from '../kernel/include/kernel'
import { traceArg } from '../sim/kfunc'
import type { TraceArg } from '../sim/trace'
import { O_RDWR } from '../kernel/include/flags'
import { sys_call as fast_sys_call } from '../fast/kernel/syscalls'
import { do_syscall as fast_do_syscall } from '../fast/kernel/kernel/entry'
import { do_exit as fast_do_exit } from '../fast/kernel/kernel/exit'
import { kernel_clone as fast_kernel_clone } from '../fast/kernel/kernel/fork'
import { fastRun, FastPathBlocked } from '../sim/kfunc.fast'
import type { Kernel as FastKernel } from '../fast/kernel/include/kernel'
import type { CallbackFn as FastCallbackFn } from '../fast/kernel/include/types'
import { callbackForms } from '../sim/kfunc_forms'
import { ____fput, file_free_rcu } from '../kernel/fs/file_table'
import { ____fput as fast_____fput, file_free_rcu as fast_file_free_rcu, alloc_empty_file as fast_alloc_empty_file } from '../fast/kernel/fs/file_table'
import { do_dentry_open as fast_do_dentry_open } from '../fast/kernel/fs/open'
import { get_file as fast_get_file } from '../fast/kernel/include/file_ref'
import type { File as FastFile } from '../fast/kernel/include/types'
import { free_fdtable_rcu } from '../kernel/fs/file'
import { free_fdtable_rcu as fast_free_fdtable_rcu } from '../fast/kernel/fs/file'
import { binder_do_fd_close } from '../kernel/drivers/android/binder'
import { binder_do_fd_close as fast_binder_do_fd_close } from '../fast/kernel/drivers/android/binder'

/**
 * The one bridge between the forms' types: the machine's kernel seen by the fast path. The fast
 * path's types are generated from the same declarations with KGen<R> = R, so they differ exactly
 * where a field holds a kernel function (f_op methods, callbacks): those return a generator in
 * one form and the value in the other. The values, classes and constants (TraceLog, Bitmap,
 * Profile, errno, flags) are the kernel's own: the fast path imports them.
 */
export const fastKernelOf = (m: Machine): FastKernel => m.k as unknown as FastKernel

/**
 * Every kernel function the kernel queues as a callback (init_task_work, call_rcu), in both forms.
 * One form may queue it and the other run it (sim/kfunc_forms.ts); each form's resolveKfunc()
 * finds its own function through the maps filled here. A callback missing here would run in the
 * wrong form: test/engine/machine/fastForms.test.ts checks that every one the kernel queues is listed.
 */
export const CALLBACK_FORMS: ReadonlyArray<readonly [CallbackFn, FastCallbackFn]> = [
  [____fput, fast_____fput],
  [file_free_rcu, fast_file_free_rcu],
  [free_fdtable_rcu, fast_free_fdtable_rcu],
  [binder_do_fd_close, fast_binder_do_fd_close],
]
for (const [stepped, fast] of CALLBACK_FORMS) {
  if (stepped.kname !== fast.kname) throw new Error(`CALLBACK_FORMS pairs ${stepped.kname} with ${fast.kname}`)
  callbackForms.toFast.set(stepped, fast)
  callbackForms.toStepped.set(fast, stepped)
}

export { FastPathBlocked }

export type FastSys = (name: string, ...args: SysArg[]) => number

/** The last machine's settle, made once (a replay enters the fast path millions of times). */
let settleOf: Machine | null = null
let settleFn: (() => void) | null = null

function enter(m: Machine, task: Task): void {
  const k = m.k
  k.current = task
  k.trace.tid = task.pid
  fastRun.trace = k.trace
  fastRun.step = m.stepNo
  if (settleOf !== m) {
    settleOf = m
    settleFn = () => m.settle()
  }
  fastRun.settle = settleFn
}

function leave(m: Machine, tid: number): void {
  // No schedule is recorded: a fast-path run has one thread, so there was no choice to record
  // (a replay's log grows without bound; the timeline replays fast runs by their input).
  void tid
  m.stepNo = fastRun.step
  fastRun.trace = null
  fastRun.settle = null
}

/** One micro-step in user mode (a thread's start, a syscall's entry instruction). */
function userStep(m: Machine): void {
  fastRun.step++
  m.k.trace.step = fastRun.step
}

const NO_TRACE_ARGS: readonly TraceArg[] = Object.freeze([])

/** The trace arguments of a syscall: its own argument list when every one is a number or a string (no copy). */
function traceArgs(args: readonly SysArg[]): readonly TraceArg[] {
  for (let i = 0; i < args.length; i++) {
    const t = typeof args[i]
    if (t !== 'number' && t !== 'string') return args.map(traceArg)
  }
  return args as readonly TraceArg[]
}

/**
 * The call in progress, for the one body closure below (made once: do_syscall takes the body as a
 * closure, and a closure per call is an allocation per replayed line). Saved and restored around
 * each call, so a nested fast-path call (none today) would still see its own.
 */
let curKernel: FastKernel | null = null
let curName = ''
let curArgs: readonly SysArg[] = NO_TRACE_ARGS as readonly SysArg[]
const body = (): number => fast_sys_call(curKernel!, curName, curArgs)

/**
 * The terminal file of a machine whose processes make their system calls on the fast path (a
 * replay, runFast): a new reference to @existing while it lives, else a new file, opened by the
 * fast path's own functions so that its file operations are the fast path's too (a stepped
 * form's f_op.write would hand the fast path a generator). Boot-time setup: not traced, and no
 * micro-step is counted.
 */
export function fastTtyFile(m: Machine, task: Task, existing: File | null): File {
  const k = m.k
  const t = k.trace
  const saved = { current: k.current, on: t.on, tid: t.tid, step: t.step, stepNo: m.stepNo }
  t.on = false
  enter(m, task)
  try {
    const f = fastKernelOf(m)
    // The two forms' File types differ only in their function-valued fields (KGen<R> = R).
    if (existing && existing.mem === 'live') return fast_get_file(f, existing as unknown as FastFile) as unknown as File
    const file = fast_alloc_empty_file(f, O_RDWR)
    if (typeof file === 'number') throw new Error('cannot allocate the terminal file')
    fast_do_dentry_open(f, file, f.vfs.lookup('/dev/pts/0')!, 'devpts')
    return file as unknown as File
  } finally {
    leave(m, task.pid)
    m.stepNo = saved.stepNo
    k.current = saved.current
    t.on = saved.on
    t.tid = saved.tid
    t.step = saved.step
  }
}

/** One system call on the fast path, with the stepped engine's user-mode boundary step. */
export function fastSyscall(m: Machine, task: Task, name: string, args: readonly SysArg[], oracle: Oracle | null = null, boundary = true): number {
  const k = m.k
  enter(m, task)
  k.oracle = oracle
  const sk = curKernel, sn = curName, sa = curArgs
  try {
    if (boundary) userStep(m)
    const targs = k.trace.on ? traceArgs(args) : NO_TRACE_ARGS
    const f = fastKernelOf(m)
    curKernel = f
    curName = name
    curArgs = args
    return fast_do_syscall(f, name, targs as TraceArg[], body)
  } finally {
    curKernel = sk
    curName = sn
    curArgs = sa
    k.oracle = null
    leave(m, task.pid)
  }
}

/** Replay: clone on the fast path (no program runs in the child). */
export function fastClone(m: Machine, task: Task, flags: number, childPid: number, pidfd?: Int32Array): number {
  const k = m.k
  enter(m, task)
  try {
    const f = fastKernelOf(m)
    return fast_do_syscall(f, 'clone', [flags], () => fast_kernel_clone(f, { flags, pid: childPid, pidfd, body: function* () { /* replay */ } as never }))
  } finally { leave(m, task.pid) }
}

/** do_exit on the fast path. */
export function fastExit(m: Machine, task: Task, code: number): void {
  enter(m, task)
  try { fast_do_exit(fastKernelOf(m), code) } finally { leave(m, task.pid) }
}

/**
 * Run one single-threaded process on the fast path: @program calls sys() synchronously.
 * Afterwards the machine's system threads (kworker, RCU) finish as usual via m.run().
 */
export function runFast(m: Machine, opts: { comm: string; program: (sys: FastSys, task: Task) => number | void }): Task {
  const task = m.createTask({ comm: opts.comm, fastStdio: true })
  if (m.k.trace.on) {
    const t = m.k.trace
    t.tid = task.pid
    t.step = m.stepNo
    t.emit({ e: 'task', op: 'spawn', task: task.pid, detail: `process ${task.comm}` })
  }
  enter(m, task)
  userStep(m) // the thread's start
  leave(m, task.pid)
  const sys: FastSys = (name, ...args) => fastSyscall(m, task, name, args)
  const r = opts.program(sys, task)
  fastExit(m, task, typeof r === 'number' ? r : 0)
  return task
}
