/**
 * The synchronous driver: runs kernel code to completion at once, outside any schedule. Used for
 * boot-time setup (the inherited terminal) and by the strace replayer (a machine created with
 * `replay: true`, whose tasks run no programs: the replayer makes each logged call with
 * syscallNow/cloneNow/exitNow). Machine's methods of the same names delegate here.
 *
 * It runs the same kernel functions as the stepped machine: a wait that the current task cannot
 * pass lets time pass first (settle: grace periods end and their callbacks run, through the RCU
 * thread's own rcu_core()), and with `fast: true` the calls run on the fast path (machine/fast.ts).
 */
import type { KGen } from '../sim/context'
import type { Oracle } from '../kernel/include/kernel'
import { traceArg } from '../sim/kfunc'
import type { TraceArg } from '../sim/trace'
import type { File, InodeKind, Task } from '../kernel/include/types'
import { CLONE_SIGHAND, CLONE_THREAD, CLONE_VFORK, CLONE_VM, O_RDWR } from '../kernel/include/flags'
import { expand_files } from '../kernel/fs/file'
import { spin_lock, spin_unlock } from '../kernel/kernel/locking'
import { alloc_empty_file } from '../kernel/fs/file_table'
import { do_dentry_open } from '../kernel/fs/open'
import { kernel_clone } from '../kernel/kernel/fork'
import { do_exit } from '../kernel/kernel/exit'
import { rcu_core } from '../kernel/kernel/rcupdate'
import { do_syscall } from '../kernel/kernel/entry'
import { sys_call, type SysArg } from '../kernel/syscalls'
import { fastSyscall, fastClone, fastExit } from './fast'
import type { Machine } from './Machine'
import { frames, runToEnd } from './drive'

/** Run a kernel generator to completion outside any schedule (boot-time setup, replay). */
export function runNow<R>(m: Machine, task: Task, g: KGen<R>, quiet = false): R {
  const k = m.k
  const saved = k.current
  const wasOn = k.trace.on
  if (quiet) k.trace.on = false
  k.current = task
  try {
    const f = frames(g)
    for (;;) {
      const r = f.next()
      if (r.done) return r.value
      if (r.value.enabled && !r.value.enabled()) {
        // Synchronous mode (setup, replay): let time pass for the waiter: grace periods end,
        // due work runs. Anything else that blocks cannot make progress here.
        settle(m)
        if (!r.value.enabled()) throw new Error(`blocked at ${r.value.what}`)
      }
    }
  } finally {
    k.current = saved
    k.trace.on = wasOn
  }
}

/**
 * Synchronous mode only: end pending RCU grace periods (no other task runs, so only the current
 * task's own read sections could hold one) and run their callbacks, in the current task.
 */
export function settle(m: Machine): void {
  const k = m.k
  const cur = k.current
  const irq = cur.irq_count
  try {
    for (;;) {
      if (!runToEnd(rcu_core(k, true))) return // callbacks do not block
    }
  } finally {
    // A replay goes on after a model error: a callback that threw leaves no softirq context behind.
    cur.irq_count = irq
  }
}

/**
 * Run one system call of task @tid to completion at once, with @oracle supplying outcomes
 * the fd table does not decide. Used by the strace replayer (replay mode).
 */
export function syscallNow(m: Machine, tid: number, name: string, args: readonly SysArg[], oracle: Oracle | null = null): number {
  const task = m.k.tasks.get(tid)
  if (!task) throw new Error(`no task ${tid}`)
  if (m.opts.fast) return fastSyscall(m, task, name, args, oracle, false)
  const k = m.k
  k.oracle = oracle
  const saved = k.current
  try {
    const targs = args.map(traceArg) as TraceArg[]
    k.current = task // handlers may read current while building their generator
    return runNow(m, task, do_syscall(k, name, targs, () => sys_call(k, name, args)))
  } finally {
    k.oracle = null
    k.current = saved
  }
}

/** Replay: clone/fork/vfork of @tid producing child @childPid (no program runs). */
export function cloneNow(m: Machine, tid: number, flags: number, childPid: number, pidfd?: Int32Array): number {
  const task = m.k.tasks.get(tid)
  if (!task) throw new Error(`no task ${tid}`)
  const k = m.k
  const f = flags & CLONE_VFORK ? flags & ~CLONE_VFORK : flags // the replay does not wait for the child
  const fixed = f & CLONE_THREAD ? f | CLONE_SIGHAND | CLONE_VM : f
  if (m.opts.fast) return fastClone(m, task, fixed, childPid, pidfd)
  return runNow(m, task, do_syscall(k, 'clone', [fixed], () => kernel_clone(k, { flags: fixed, pid: childPid, pidfd, body: function* () { /* replay */ } })))
}

/** Replay: the task exits. */
export function exitNow(m: Machine, tid: number, code: number): void {
  const task = m.k.tasks.get(tid)
  if (!task || task.state !== 'running') return
  if (m.opts.fast) { fastExit(m, task, code); return }
  runNow(m, task, do_exit(m.k, code))
}

/** Replay: forget an exited task (reaped by its parent). */
export function reapNow(m: Machine, tid: number): void {
  const t = m.k.tasks.get(tid)
  if (t && t.state !== 'running') { t.state = 'dead'; m.k.tasks.delete(tid) }
}

/** Replay: install a file of unknown origin at @fd of task @tid (an inherited fd). */
export function inheritFd(m: Machine, tid: number, fd: number, opts: { flags?: number; path?: string; kind?: InodeKind } = {}): File {
  const task = m.k.tasks.get(tid)!
  const k = m.k
  return runNow(m, task, (function* () {
    const f = yield* alloc_empty_file(k, opts.flags ?? O_RDWR)
    if (typeof f === 'number') throw new Error('ENFILE while inheriting')
    const path = opts.path ?? `/inherited/${task.pid}/${fd}`
    const inode = k.vfs.lookup(path) ?? k.vfs.create(path, opts.kind ?? 'reg')!
    yield* do_dentry_open(k, f, inode, 'inherited')
    const files = task.files!
    const { fdt } = files
    if (fd >= fdt.max_fds) {
      yield spin_lock(k, files.file_lock)
      yield* expand_files(k, files, fd)
      yield spin_unlock(k, files.file_lock)
    }
    files.fdt.fd[fd] = f
    files.fdt.open_fds.set(fd)
    const w = Math.floor(fd / 64)
    if (files.fdt.open_fds.wordFull(w)) files.fdt.full_fds_bits.set(w)
    while (files.next_fd < files.fdt.max_fds && files.fdt.open_fds.test(files.next_fd)) files.next_fd++
    return f
  })())
}
