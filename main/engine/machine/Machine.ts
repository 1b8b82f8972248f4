/**
 * The machine: boots a kernel context, runs threads as micro-steps under a deterministic
 * scheduler, records the schedule, and answers questions about the state.
 */
import type { DelayedWork, Kernel, KGen, Oracle, Sched, Violation } from '../sim/context'
import { getProfile, type Profile, type Variants } from '../sim/profile'
import { TraceLog, type TraceArg } from '../sim/trace'
import { traceArg, resolveKfunc } from '../sim/kfunc'
import type { File, FilesStruct, Task } from '../kernel/include/types'
import { CLONE_FILES, CLONE_PIDFD, CLONE_SIGHAND, CLONE_THREAD, CLONE_VFORK, CLONE_VM, INR_OPEN_CUR, INR_OPEN_MAX, O_RDWR, PF_KTHREAD } from '../kernel/include/flags'
import { ENOSYS } from '../kernel/include/errno'
import { createVfs } from '../kernel/fs/vfs_tree'
import { newFilesStruct, expand_files } from '../kernel/fs/file'
import { spin_lock, spin_unlock } from '../kernel/kernel/locking'
import { alloc_empty_file, delayed_fput } from '../kernel/fs/file_table'
import { do_dentry_open } from '../kernel/fs/open'
import { get_file } from '../kernel/include/file_ref'
import { newTask, newSignal, kernel_clone } from '../kernel/kernel/fork'
import { do_exit } from '../kernel/kernel/exit'
import { gracePeriodOver } from '../kernel/kernel/rcupdate'
import { sys_execve } from '../kernel/fs/exec'
import { do_syscall } from '../kernel/kernel/entry'
import { SYSCALLS, type SysArg } from '../kernel/syscalls'
import { ExecSignal, ExitSignal, type CloneRequest, type Program, type UserApi } from './user'
import { checkInvariants } from './invariants'
import { fastSyscall, fastClone, fastExit } from './fast'
import { buildSnapshot, type SnapshotOptions } from './snapshot'
import type { Snapshot } from './snapshotTypes'
import { endOfRunChecks } from './sanitizer'
import { frames, runToEnd } from './drive'

export interface MachineOptions {
  /** '6.5', '6.18' or 'mainline' (default 6.18). An unknown name throws UnknownProfileError. */
  profile?: string
  variants?: Partial<Variants>
  /** Record trace events (default true). */
  trace?: boolean
  /** Check the structural invariants (spec §1.8) at every quiescent point. */
  checkInvariants?: boolean
  /** RLIMIT_NOFILE of the first processes (default 1024/4096). */
  nofile?: { cur: number; max: number }
  /** Replay mode: threads are not scheduled; the replayer drives tasks with syscallNow(). */
  replay?: boolean
  /** fs.nr_open (default 1048576) */
  nr_open?: number
  /**
   * Replay mode only: run syscallNow/cloneNow/exitNow on the fast path (the same kernel code as
   * plain functions; identical traces, no scheduling points to stop at).
   */
  fast?: boolean
}

export type ThreadKind = 'user' | 'kthread' | 'system'

/** A user thread's program, for startThread (the machine runs its phases: see advance()). */
class UserBody {
  constructor(readonly program: Program) {}
}

/** The machine's own per-thread state. */
interface Internal {
  /** A kernel or system thread's code; null for a user thread. */
  readonly body: ((k: Kernel) => KGen<void>) | null
  /** A user thread's first program; null for others. */
  readonly user: Program | null
  phase: 'start' | 'body' | 'program' | 'exit'
}

export interface Thread {
  readonly tid: number
  readonly task: Task
  readonly kind: ThreadKind
  /**
   * What the thread runs now: created at its first micro-step (after its start step). The machine
   * drives a user thread's phases itself (program, exec's new program, do_exit), so no wrapper
   * generator sits between every micro-step and the code that yields it. Kernel calls run as a
   * stack of frames (machine/drive.ts): a micro-step resumes only the frame that yields.
   */
  gen: Iterator<Sched, void> | null
  pending: Sched | null
  done: boolean
  /** Syscall results, in order (part of an explorer outcome). */
  readonly results: { name: string; ret: number }[]
}

export type SchedulePolicy = 'sequential' | 'round-robin'

export interface RunOptions {
  /** Thread ids to choose at each micro-step, in order; after it ends, the policy decides. */
  schedule?: readonly number[]
  policy?: SchedulePolicy
  /** Stop after this many micro-steps in total (the step budget). */
  maxSteps?: number
  /** Stop at this micro-step number (time travel). */
  until?: number
}

export type RunStatus = 'done' | 'blocked' | 'budget' | 'paused' | 'schedule-mismatch'

export interface RunResult {
  readonly status: RunStatus
  readonly steps: number
  readonly violations: readonly Violation[]
}

export const SCHEDULE_FORMAT = 1

let machineSerial = 0

export class Machine {
  readonly k: Kernel
  readonly profile: Profile
  readonly threads: Thread[] = []
  readonly opts: MachineOptions
  /** Micro-steps executed so far. */
  stepNo = 0
  /** The thread chosen at each micro-step. */
  readonly schedule: number[] = []
  /** Micro-steps at which a thread switch happened while the previous thread was still runnable. */
  preemptions = 0
  private last: Thread | null = null
  private readonly byTid = new Map<number, Thread>()
  /** For debugging only: distinguishes machines in tests (no behaviour depends on it). */
  readonly serial = ++machineSerial
  /** The /dev/pts/0 file shared by processes that start with stdio. */
  private tty: File | null = null
  /** Labels reached (lab C `label NAME;`), micro-step of first arrival. */
  readonly labels = new Map<string, number>()

  constructor(opts: MachineOptions = {}) {
    this.opts = opts
    this.profile = getProfile(opts.profile ?? '6.18', opts.variants)
    const trace = new TraceLog(opts.trace ?? true)
    const violations: Violation[] = []
    const m = this
    const delayedWork: DelayedWork = { id: 'delayed_fput_work', name: 'delayed_fput', pending: false, due: 0, func: delayed_fput }
    const k: Kernel = {
      profile: this.profile,
      current: null as unknown as Task,
      trace,
      jiffies: 0,
      tasks: new Map(),
      nextPid: 100,
      delayed_fput_list: { first: null },
      delayed_fput_work: delayedWork,
      workqueue: [delayedWork],
      rcu: { completed: 0, gp: null, callbacks: [] },
      vfs: createVfs(() => k),
      sysctl_nr_open: opts.nr_open ?? 1048576,
      files_stat: { nr_files: 0, max_files: 2466170 },
      drivers: new Map(),
      filp_cache: { all: [], free: [] },
      ids: {},
      report(rule, severity, message, objects = []) {
        const v: Violation = { rule, severity, message, step: m.stepNo, tid: k.current?.pid ?? 0, objects, traceIndex: trace.length }
        violations.push(v)
        if (trace.on) trace.emit({ e: 'violation', rule, severity, message })
      },
      violations,
      work_exited: { next: null, func: null, container: null },
      all_files_structs: new Set(),
      live_fds: new Set(),
      overrides: new Map(),
      oracle: null,
      threads: {
        start: (task, body, kind) => m.startThread(task, body, kind === 'kthread' ? 'kthread' : 'user'),
        kill: (task) => m.kill(task),
      },
      printk: [],
    }
    this.k = k
    const swapper = newTask(k, 0, 'swapper/0', newSignal(k, INR_OPEN_CUR, INR_OPEN_MAX), PF_KTHREAD)
    k.current = swapper
    if (!opts.replay) this.startSystemThreads()
  }

  get violations(): readonly Violation[] {
    return this.k.violations
  }

  // ---------------------------------------------------------------------------------------
  // Creating tasks

  /** The terminal file every process's fds 0, 1, 2 refer to (created on first use). */
  private ttyFile(): KGen<File> {
    const m = this
    return (function* () {
      if (m.tty && m.tty.mem === 'live') {
        yield* get_file(m.k, m.tty)
        return m.tty
      }
      const k = m.k
      const f = yield* alloc_empty_file(k, O_RDWR)
      if (typeof f === 'number') throw new Error('cannot allocate the terminal file')
      yield* do_dentry_open(k, f, k.vfs.lookup('/dev/pts/0')!, 'devpts')
      m.tty = f
      return f
    })()
  }

  /** Run a kernel generator to completion outside any schedule (boot-time setup). */
  private runNow<R>(task: Task, g: KGen<R>, quiet = false): R {
    const k = this.k
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
          this.settleNow()
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
   * task's own read sections could hold one) and run their callbacks.
   */
  settle(): void {
    this.settleNow()
  }

  private settleNow(): void {
    const k = this.k
    const rcu = k.rcu
    const cur = k.current
    for (;;) {
      const i = rcu.callbacks.findIndex((c) => gracePeriodOver(c.waitFor))
      if (i < 0) return
      const cb = rcu.callbacks.splice(i, 1)[0]!
      rcu.completed++
      if (k.trace.on) k.trace.emit({ e: 'rcu', op: 'gp_end', what: `grace period for ${cb.what} (synchronous)` })
      cur.irq_count++
      try {
        const g = cb.head.func ? resolveKfunc(cb.head.func)(k, cb.head) : null
        if (g) runToEnd(g) // callbacks do not block
      } finally { cur.irq_count-- }
    }
  }

  /** Replay: forget an exited task (reaped by its parent). */
  reapNow(tid: number): void {
    const t = this.k.tasks.get(tid)
    if (t && t.state !== 'running') { t.state = 'dead'; this.k.tasks.delete(tid) }
  }

  /** A new task with its own files_struct; fds 0-2 on /dev/pts/0 unless `stdio` is false. */
  createTask(opts: { comm: string; pid?: number; stdio?: boolean; nofile?: { cur: number; max: number } }): Task {
    const k = this.k
    const pid = opts.pid ?? k.nextPid
    if (pid >= k.nextPid) k.nextPid = pid + 1
    const lim = opts.nofile ?? this.opts.nofile ?? { cur: INR_OPEN_CUR, max: INR_OPEN_MAX }
    const task = newTask(k, pid, opts.comm.slice(0, 15), newSignal(k, lim.cur, lim.max))
    task.files = newFilesStruct(k)
    k.tasks.set(pid, task)
    if (opts.stdio !== false) {
      const files = task.files
      for (let fd = 0; fd < 3; fd++) {
        // Boot-time setup (the inherited terminal), not part of the run's trace.
        const f = fd === 0 ? this.runNow(task, this.ttyFile(), true) : this.runNow(task, get_file(k, this.tty!), true)
        files.fdt.fd[fd] = f
        files.fdt.open_fds.set(fd)
      }
      files.next_fd = 3
    }
    return task
  }

  /** Spawn a user process running @program (pid from 100 upward). */
  spawnProcess(opts: { comm: string; program: Program; pid?: number; stdio?: boolean; nofile?: { cur: number; max: number } }): Task {
    const task = this.createTask(opts)
    if (this.k.trace.on) this.emitAs(task, { e: 'task', op: 'spawn', task: task.pid, detail: `process ${task.comm}` })
    this.startThread(task, this.userBody(opts.program), 'user')
    return task
  }

  /** Spawn a kernel thread (PF_KTHREAD, no files) running kernel code. */
  spawnKthread(comm: string, body: (k: Kernel) => KGen<void>, pid?: number): Task {
    const k = this.k
    const p = pid ?? k.nextPid
    if (p >= k.nextPid) k.nextPid = p + 1
    const task = newTask(k, p, comm.slice(0, 15), newSignal(k, INR_OPEN_CUR, INR_OPEN_MAX), PF_KTHREAD)
    k.tasks.set(p, task)
    this.startThread(task, function* (kk: Kernel) {
      task.in_kernel = true
      yield* body(kk)
      yield* do_exit(kk, 0)
    }, 'kthread')
    return task
  }

  /** Register a character-device driver reachable as /dev/NAME. */
  registerDriver(name: string, ops: import('../kernel/include/types').FileOperations): void {
    this.k.drivers.set(name, ops)
    this.k.vfs.create(`/dev/${name}`, 'chr')
  }

  private emitAs(task: Task, ev: Parameters<TraceLog['emit']>[0]): void {
    const t = this.k.trace
    const tid = t.tid
    t.tid = task.pid
    t.emit(ev)
    t.tid = tid
  }

  startThread(task: Task, body: ((k: Kernel) => KGen<void>) | UserBody, kind: ThreadKind): void {
    if (this.opts.replay && kind !== 'system') return
    const th: Thread & Internal = {
      tid: task.pid, task, kind, gen: null, pending: { obj: `start:${task.pid}`, w: false, what: 'start' }, done: false, results: [],
      body: body instanceof UserBody ? null : body, user: body instanceof UserBody ? body.program : null, phase: 'start',
    }
    this.threads.push(th)
    this.byTid.set(task.pid, th)
  }

  /** The body of a user thread: the program, exec replacing it, then do_exit (driven by step()). */
  userBody(program: Program): UserBody {
    return new UserBody(program)
  }

  /**
   * Run thread @th from where it stopped to its next scheduling point (its next yield), moving
   * a user thread on through its phases: the program, a new program after exec, do_exit with the
   * exit code (the program's return value, exit(2), or 137 when killed).
   */
  private advance(th: Thread & Internal): IteratorResult<Sched, void> {
    const k = this.k
    if (th.gen === null) {
      if (th.user === null) { th.phase = 'body'; th.gen = frames(th.body!(k)) } else th.gen = frames(this.program(th, th.user))
    }
    for (;;) {
      let r: IteratorResult<Sched, void | number>
      try {
        r = th.gen!.next()
      } catch (e) {
        if (th.phase !== 'program') throw e
        if (e instanceof ExecSignal) { th.gen = frames(this.program(th, e.program)); continue }
        if (e instanceof ExitSignal) { th.gen = frames(this.exit(th, e.code)); continue }
        th.phase = 'body' // as a crashed generator: the thread ends at its next step, no do_exit
        throw e
      }
      if (!r.done || th.phase !== 'program') return r as IteratorResult<Sched, void>
      th.gen = frames(this.exit(th, typeof r.value === 'number' ? r.value : 0))
    }
  }

  private program(th: Thread & Internal, program: Program): KGen<void> {
    if (th.task.sigkill) return this.exit(th, 137)
    th.phase = 'program'
    return program(this.userApi(th.task)) as KGen<void>
  }

  private exit(th: Thread & Internal, code: number): KGen<void> {
    th.phase = 'exit'
    return do_exit(this.k, code)
  }

  /** The UserApi a program of @task sees. */
  userApi(task: Task): UserApi {
    const m = this
    const k = this.k
    return {
      pid: task.tgid,
      tid: task.pid,
      task,
      k,
      sys(name, ...args) {
        return m.userSyscall(task, name, args)
      },
      *stmt(what, text, line, col, obj) {
        if (task.sigkill) throw new ExitSignal(137)
        yield { obj: obj ?? `user:${task.pid}`, w: obj !== undefined, what: `${what} ${text}` }
        if (what === 'label' && !m.labels.has(text)) m.labels.set(text, m.stepNo)
        if (k.trace.on) k.trace.emit({ e: 'user', what, text, line, col })
      },
    }
  }

  private *userSyscall(task: Task, name: string, args: (SysArg | Program | CloneRequest)[]): KGen<number> {
    const k = this.k
    if (task.sigkill) throw new ExitSignal(137)
    const th = this.byTid.get(task.pid)
    const targs = k.trace.on ? args.map((a) => (typeof a === 'function' ? 'program' : traceArg(a))) : []
    // The user-mode instruction that enters the kernel: a scheduling point at the boundary.
    yield { obj: `user:${task.pid}`, w: false, what: `syscall ${name}` }
    if (task.sigkill) throw new ExitSignal(137)
    let ret: number
    switch (name) {
      case 'fork': case 'vfork': case 'clone': case 'clone3': {
        const req: CloneRequest = name === 'fork' ? { flags: 17, program: args[0] as Program }
          : name === 'vfork' ? { flags: CLONE_VM | CLONE_VFORK | 17, program: args[0] as Program }
          : (args[0] as CloneRequest)
        const m = this
        // The child's body starts at its first micro-step, with k.current = the child.
        const body = m.userBody(req.program) as unknown as (kk: Kernel) => KGen<void>
        ret = yield* do_syscall(k, name, targs, () => kernel_clone(k, { flags: req.flags, pidfd: req.pidfd, body }))
        break
      }
      case 'execve': {
        ret = yield* do_syscall(k, name, targs.slice(0, 1), () => sys_execve(k, String(args[0])))
        if (ret === 0) {
          th?.results.push({ name, ret })
          const next = (args.find((a) => typeof a === 'function') as Program | undefined) ?? (function* () { return 0 })
          throw new ExecSignal(next)
        }
        break
      }
      case 'exit': case 'exit_group': {
        const code = typeof args[0] === 'number' ? args[0] : 0
        if (k.trace.on) k.trace.emit({ e: 'sys_enter', name, args: targs })
        if (name === 'exit_group') {
          for (const t of k.tasks.values()) if (t !== task && t.tgid === task.tgid && t.state === 'running') this.kill(t)
        }
        throw new ExitSignal(code)
      }
      default: {
        const h = SYSCALLS[name]
        ret = yield* do_syscall(k, name, targs, () => (h ? h(k, args as SysArg[]) : (function* () { return -ENOSYS })()))
      }
    }
    th?.results.push({ name, ret })
    if (task.sigkill) throw new ExitSignal(137)
    return ret
  }

  kill(task: Task): void {
    task.sigkill = true
    if (this.opts.replay && task.state === 'running') {
      // Replay: the victim's exit runs at once (the log shows it as it happened).
      this.runNow(task, do_exit(this.k, 137))
    }
  }

  // ---------------------------------------------------------------------------------------
  // System threads

  private startSystemThreads(): void {
    const k = this.k
    const rcuTask = newTask(k, 10, 'rcu_preempt', newSignal(k, INR_OPEN_CUR, INR_OPEN_MAX), PF_KTHREAD)
    const kworker = newTask(k, 11, 'kworker/0:1', newSignal(k, INR_OPEN_CUR, INR_OPEN_MAX), PF_KTHREAD)
    const tick = newTask(k, 12, 'tick', newSignal(k, INR_OPEN_CUR, INR_OPEN_MAX), PF_KTHREAD)
    for (const t of [rcuTask, kworker, tick]) { t.in_kernel = true; k.tasks.set(t.pid, t) }
    const rcu = k.rcu
    this.startThread(rcuTask, function* (kk) {
      for (;;) {
        yield {
          obj: 'rcu.gp', w: true, what: 'rcu: invoke a callback whose grace period is over',
          enabled: () => rcu.callbacks.some((c) => gracePeriodOver(c.waitFor)),
        }
        const i = rcu.callbacks.findIndex((c) => gracePeriodOver(c.waitFor))
        const cb = rcu.callbacks.splice(i, 1)[0]!
        rcu.completed++
        if (kk.trace.on) {
          kk.trace.emit({ e: 'rcu', op: 'gp_end', what: `grace period for ${cb.what}${cb.waitFor.length ? ` (waited for ${cb.waitFor.map(([t]) => t.pid).join(', ')})` : ''}` })
          kk.trace.emit({ e: 'rcu', op: 'callback', what: cb.what })
        }
        rcuTask.irq_count++ // RCU callbacks run in softirq context
        if (cb.head.func) yield* resolveKfunc(cb.head.func)(kk, cb.head)
        rcuTask.irq_count--
      }
    }, 'system')
    this.startThread(kworker, function* (kk) {
      for (;;) {
        yield { obj: 'workqueue', w: true, what: 'kworker: run due work', enabled: () => kk.workqueue.some((w) => w.pending && w.due <= kk.jiffies) }
        const w = kk.workqueue.find((x) => x.pending && x.due <= kk.jiffies)!
        w.pending = false
        yield* w.func(kk)
      }
    }, 'system')
    this.startThread(tick, function* (kk) {
      for (;;) {
        yield { obj: 'workqueue', w: true, what: 'tick: jiffies++', enabled: () => kk.workqueue.some((w) => w.pending && w.due > kk.jiffies) }
        kk.jiffies++
      }
    }, 'system')
  }

  // ---------------------------------------------------------------------------------------
  // Scheduling

  thread(tid: number): Thread | undefined {
    return this.byTid.get(tid)
  }

  /** Threads that can take a micro-step now. */
  enabled(): Thread[] {
    const out: Thread[] = []
    for (const t of this.threads) {
      if (t.done || !t.pending) continue
      if (t.pending.enabled && !t.pending.enabled()) continue
      out.push(t)
    }
    return out
  }

  /** True when every thread is between system calls, sleeping in user mode, or finished. */
  quiescent(): boolean {
    for (const t of this.threads) {
      if (t.done || t.kind === 'system') continue
      if (t.task.in_kernel) return false
    }
    for (const t of this.threads) if (t.kind === 'system' && t.pending && !/^(rcu: invoke|kworker: run|tick)/.test(t.pending.what)) return false
    return true
  }

  /** Execute one micro-step of thread @tid. */
  step(tid: number): void {
    const th = this.byTid.get(tid)
    if (!th || th.done || !th.pending) throw new Error(`thread ${tid} cannot run`)
    if (th.pending.enabled && !th.pending.enabled()) throw new Error(`thread ${tid} is blocked`)
    const k = this.k
    if (this.last && this.last !== th && !this.last.done && this.isEnabled(this.last)) this.preemptions++
    this.last = th
    this.stepNo++
    this.schedule.push(tid)
    k.current = th.task
    k.trace.step = this.stepNo
    k.trace.tid = tid
    const r = this.advance(th as Thread & Internal)
    if (r.done) {
      th.done = true
      th.pending = null
    } else th.pending = r.value
    if (this.opts.checkInvariants && this.quiescent()) checkInvariants(this)
  }

  isEnabled(th: Thread): boolean {
    return !th.done && th.pending !== null && (!th.pending.enabled || th.pending.enabled())
  }

  /** The thread the policy picks among @enabled. */
  pick(enabled: Thread[], policy: SchedulePolicy): Thread {
    const user = enabled.filter((t) => t.kind !== 'system')
    const last = this.last
    if (user.length) {
      if (last && !last.done && user.includes(last)) {
        if (policy === 'sequential') return last
        // round-robin: switch only at user-mode boundaries
        if (last.task.in_kernel) return last
        const later = user.filter((t) => t.tid > last.tid)
        return later[0] ?? user[0]!
      }
      return user[0]!
    }
    return enabled[0]!
  }

  /** Run until nothing can run, the schedule/budget ends, or `until` is reached. */
  run(opts: RunOptions = {}): RunResult {
    const policy = opts.policy ?? 'sequential'
    const maxSteps = opts.maxSteps ?? 2_000_000
    const sched = opts.schedule
    let i = 0
    for (;;) {
      if (opts.until !== undefined && this.stepNo >= opts.until) return this.result('paused')
      if (this.stepNo >= maxSteps) {
        if (this.enabled().length === 0) break
        return this.result('budget')
      }
      let th: Thread
      const last = this.last
      if (sched && i < sched.length) {
        const want = sched[i++]!
        const t = this.byTid.get(want)
        if (!t || !this.isEnabled(t)) return this.result('schedule-mismatch')
        th = t
      } else if (policy === 'sequential' && last !== null && last.kind !== 'system' && this.isEnabled(last)) {
        th = last // the policy keeps the running thread: no need to look at the others
      } else {
        const en = this.enabled()
        if (en.length === 0) break
        th = this.pick(en, policy)
      }
      this.step(th.tid)
    }
    const live = this.threads.some((t) => !t.done && t.kind !== 'system')
    if (!live) this.finish()
    return this.result(live ? 'blocked' : 'done')
  }

  private finished = false
  /** The end-of-run checks (leaks, task work that never ran), once per machine. */
  finish(): void {
    if (this.finished) return
    this.finished = true
    endOfRunChecks(this)
  }

  private result(status: RunStatus): RunResult {
    return { status, steps: this.stepNo, violations: this.k.violations }
  }

  // ---------------------------------------------------------------------------------------
  // Replay support

  /**
   * Run one system call of task @tid to completion at once, with @oracle supplying outcomes
   * the fd table does not decide. Used by the strace replayer (replay mode).
   */
  syscallNow(tid: number, name: string, args: readonly SysArg[], oracle: Oracle | null = null): number {
    const task = this.k.tasks.get(tid)
    if (!task) throw new Error(`no task ${tid}`)
    if (this.opts.fast) return fastSyscall(this, task, name, args, oracle, false)
    const k = this.k
    k.oracle = oracle
    const saved = k.current
    try {
      const targs = args.map(traceArg) as TraceArg[]
      const h = SYSCALLS[name]
      k.current = task // handlers may read current while building their generator
      const body = () => (name === 'execve' ? sys_execve(k, String(args[0])) : h ? h(k, args) : (function* () { return -ENOSYS })())
      return this.runNow(task, do_syscall(k, name, targs, body))
    } finally {
      k.oracle = null
      k.current = saved
    }
  }

  /** Replay: clone/fork/vfork of @tid producing child @childPid (no program runs). */
  cloneNow(tid: number, flags: number, childPid: number, pidfd?: Int32Array): number {
    const task = this.k.tasks.get(tid)
    if (!task) throw new Error(`no task ${tid}`)
    const k = this.k
    const f = flags & CLONE_VFORK ? flags & ~CLONE_VFORK : flags // the replay does not wait for the child
    const fixed = f & CLONE_THREAD ? f | CLONE_SIGHAND | CLONE_VM : f
    if (this.opts.fast) return fastClone(this, task, fixed, childPid, pidfd)
    return this.runNow(task, do_syscall(k, 'clone', [fixed], () => kernel_clone(k, { flags: fixed, pid: childPid, pidfd, body: function* () { /* replay */ } })))
  }

  /** Replay: the task exits. */
  exitNow(tid: number, code: number): void {
    const task = this.k.tasks.get(tid)
    if (!task || task.state !== 'running') return
    if (this.opts.fast) { fastExit(this, task, code); return }
    this.runNow(task, do_exit(this.k, code))
  }

  /** Replay: install a file of unknown origin at @fd of task @tid (an inherited fd). */
  inheritFd(tid: number, fd: number, opts: { flags?: number; path?: string; kind?: import('../kernel/include/types').InodeKind } = {}): File {
    const task = this.k.tasks.get(tid)!
    const k = this.k
    return this.runNow(task, (function* () {
      const f = yield* alloc_empty_file(k, opts.flags ?? O_RDWR)
      if (typeof f === 'number') throw new Error('ENFILE while inheriting')
      const path = opts.path ?? `/inherited/${task.pid}/${fd}`
      const inode = k.vfs.lookup(path) ?? k.vfs.create(path, opts.kind ?? 'reg')!
      yield* do_dentry_open(k, f, inode, 'inherited')
      const files = task.files!
      const { fdt } = files
      if (fd >= fdt.max_fds) {
        yield* spin_lock(k, files.file_lock)
        yield* expand_files(k, files, fd)
        yield* spin_unlock(k, files.file_lock)
      }
      files.fdt.fd[fd] = f
      files.fdt.open_fds.set(fd)
      const w = Math.floor(fd / 64)
      if (files.fdt.open_fds.wordFull(w)) files.fdt.full_fds_bits.set(w)
      while (files.next_fd < files.fdt.max_fds && files.fdt.open_fds.test(files.next_fd)) files.next_fd++
      return f
    })())
  }

  // ---------------------------------------------------------------------------------------
  // Views

  snapshot(opts: SnapshotOptions = {}): Snapshot {
    return buildSnapshot(this, opts)
  }

  /** Tables in use (live files_structs), in creation order. */
  tables(): FilesStruct[] {
    return [...this.k.all_files_structs].filter((f) => !f.freed)
  }
}

export function createMachine(opts: MachineOptions = {}): Machine {
  return new Machine(opts)
}

export { CLONE_FILES, CLONE_THREAD, CLONE_SIGHAND, CLONE_VM, CLONE_PIDFD }
