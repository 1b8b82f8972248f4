/**
 * The machine: boots a kernel context, runs threads as micro-steps under a deterministic
 * scheduler, records the schedule, and answers questions about the state.
 * Its parts elsewhere: the kernel's own threads' bodies (kernel/kernel/rcupdate.ts,
 * workqueue.ts, time.ts), the user-mode ABI its user threads run on (user.ts), and the
 * synchronous driver for setup and strace replay (replayDriver.ts).
 */
import type { KGen, Sched, Violation } from '../sim/context'
import type { DelayedWork, Kernel, Oracle } from '../kernel/include/kernel'
import { getProfile, type Profile, type Variants } from '../sim/profile'
import { TraceLog } from '../sim/trace'
import type { File, FilesStruct, InodeKind, Task } from '../kernel/include/types'
import { CLONE_FILES, CLONE_PIDFD, CLONE_SIGHAND, CLONE_THREAD, CLONE_VM, INR_OPEN_CUR, INR_OPEN_MAX, O_RDWR, PF_KTHREAD } from '../kernel/include/flags'
import { COMPILED_FORM, GENERATOR_FORM, formForTests, type KernelForm } from './kernelForm'
import type { SysArg } from '../kernel/syscalls'
import { UserBody, userApi, type Program, type ProgramEnd } from './user'
import * as replay from './replayDriver'
import { checkInvariants } from './invariants'
import { buildSnapshot, type SnapshotOptions } from './snapshot'
import type { Snapshot } from './snapshotTypes'
import { endOfRunChecks } from './sanitizer'
import { frames } from './drive'
import { fastTtyFile } from './fast'

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
  /**
   * The kernel's stepped form (machine/kernelForm.ts): 'compiled' (resumable frames derived by
   * scripts/gen-stepped.mjs) or 'generators' (the source). Default: compiled for untraced machines
   * that are not replays, else generators.
   */
  form?: 'generators' | 'compiled'
}

export type ThreadKind = 'user' | 'kthread' | 'system'

/** The machine's own per-thread state. */
interface Internal {
  /** A kernel or system thread's code; null for a user thread. */
  readonly body: ((k: Kernel) => KGen<void>) | null
  /** A user thread's first program; null for others. */
  readonly user: Program | null
  phase: 'start' | 'body' | 'program' | 'exit'
  /** How the program ended inside a system call, until advance() takes it (user.ts). */
  end: ProgramEnd | null
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
  /**
   * The schedule as runs of consecutive micro-steps of one thread: the thread of each run and
   * the step number where it starts. A long run costs nothing per step (a growing array of one
   * entry per step did, at every step of the engine's hottest loop); `schedule` writes it out.
   */
  private readonly runTid: number[] = []
  private readonly runStart: number[] = []
  /** `schedule` as written out so far, and the run its next entry falls in. */
  private readonly written: number[] = []
  private writtenRun = 0
  /** Micro-steps at which a thread switch happened while the previous thread was still runnable. */
  preemptions = 0
  private last: Thread | null = null
  /** opts.checkInvariants, read once. */
  private readonly invariantsOn: boolean
  private readonly byTid = new Map<number, Thread>()
  /** For debugging only: distinguishes machines in tests (no behaviour depends on it). */
  readonly serial = ++machineSerial
  /** The /dev/pts/0 file shared by processes that start with stdio. */
  private tty: File | null = null
  /** Labels reached (lab C `label NAME;`), micro-step of first arrival. */
  readonly labels = new Map<string, number>()
  /** The kernel's form this machine runs, from boot to end (kernelForm.ts). */
  readonly form: KernelForm

  constructor(opts: MachineOptions = {}) {
    this.opts = opts
    const form = opts.form ?? (opts.replay ? 'generators' : formForTests.forced ?? (opts.trace === false ? 'compiled' : 'generators'))
    if (form === 'compiled' && opts.replay) throw new Error('a replay runs the generator form (the replayer calls it directly)')
    this.form = form === 'compiled' ? COMPILED_FORM : GENERATOR_FORM
    const { createVfs, delayed_fput, newTask, newSignal } = this.form
    this.invariantsOn = opts.checkInvariants === true
    this.profile = getProfile(opts.profile ?? '6.18', opts.variants)
    const trace = new TraceLog(opts.trace ?? true)
    const violations: Violation[] = []
    const m = this
    const delayedWork: DelayedWork = { id: 'delayed_fput_work', name: 'delayed_fput', pending: false, due: 0, func: delayed_fput }
    const k: Kernel = {
      // The simulator's services (sim/context.ts Sim)
      profile: this.profile,
      trace,
      ids: {},
      report(rule, severity, message, objects = []) {
        const v: Violation = { rule, severity, message, step: m.stepNo, tid: k.current?.pid ?? 0, objects, traceIndex: trace.length }
        violations.push(v)
        if (trace.on) trace.emit({ e: 'violation', rule, severity, message })
      },
      violations,
      overrides: new Map(),
      printk: [],
      // The kernel's globals (kernel/include/kernel.ts Kernel)
      current: null as unknown as Task,
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
      work_exited: { next: null, func: null, container: null },
      all_files_structs: new Set(),
      live_fds: new Set(),
      oracle: null,
      threads: {
        start: (task, body, kind) => m.startThread(task, body, kind === 'kthread' ? 'kthread' : 'user'),
        kill: (task) => m.kill(task),
      },
    }
    this.k = k
    const swapper = newTask(k, 0, 'swapper/0', newSignal(k, INR_OPEN_CUR, INR_OPEN_MAX), PF_KTHREAD)
    k.current = swapper
    if (!opts.replay) this.startSystemThreads()
  }

  /**
   * The thread chosen at each micro-step. The same array every time, brought up to date when
   * read (appending only the steps taken since the last read).
   */
  get schedule(): readonly number[] {
    const out = this.written
    let r = this.writtenRun
    while (out.length < this.stepNo) {
      while (r + 1 < this.runStart.length && this.runStart[r + 1]! <= out.length) r++
      const end = r + 1 < this.runStart.length ? this.runStart[r + 1]! : this.stepNo
      const tid = this.runTid[r]!
      for (let i = out.length; i < end; i++) out.push(tid)
    }
    this.writtenRun = r
    return out
  }

  get violations(): readonly Violation[] {
    return this.k.violations
  }

  /** The trace log, for hosts (which never reach into `k`). */
  get trace(): TraceLog { return this.k.trace }

  // ---------------------------------------------------------------------------------------
  // Creating tasks

  /** The terminal file every process's fds 0, 1, 2 refer to (created on first use). */
  private ttyFile(): KGen<File> {
    const m = this
    return (function* () {
      if (m.tty && m.tty.mem === 'live') {
        yield* m.form.get_file(m.k, m.tty)
        return m.tty
      }
      const k = m.k
      const f = yield* m.form.alloc_empty_file(k, O_RDWR)
      if (typeof f === 'number') throw new Error('cannot allocate the terminal file')
      yield* m.form.do_dentry_open(k, f, k.vfs.lookup('/dev/pts/0')!, 'devpts')
      m.tty = f
      return f
    })()
  }

  /**
   * A new task with its own files_struct; fds 0-2 on /dev/pts/0 unless `stdio` is false. Its
   * system calls run on the fast path in a `fast` machine, or with `fastStdio` (runFast): the
   * terminal file is then the fast path's (machine/fast.ts fastTtyFile).
   */
  createTask(opts: { comm: string; pid?: number; stdio?: boolean; nofile?: { cur: number; max: number }; fastStdio?: boolean }): Task {
    const k = this.k
    const pid = opts.pid ?? k.nextPid
    if (pid >= k.nextPid) k.nextPid = pid + 1
    const lim = opts.nofile ?? this.opts.nofile ?? { cur: INR_OPEN_CUR, max: INR_OPEN_MAX }
    const task = this.form.newTask(k, pid, opts.comm.slice(0, 15), this.form.newSignal(k, lim.cur, lim.max))
    task.files = this.form.newFilesStruct(k)
    k.tasks.set(pid, task)
    if (opts.stdio !== false) {
      const files = task.files
      for (let fd = 0; fd < 3; fd++) {
        // Boot-time setup (the inherited terminal), not part of the run's trace.
        const f = this.opts.fast || opts.fastStdio ? (this.tty = fastTtyFile(this, task, this.tty))
          : fd === 0 ? replay.runNow(this, task, this.ttyFile(), true) : replay.runNow(this, task, this.form.get_file(k, this.tty!), true)
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
    this.startThread(task, new UserBody(opts.program), 'user')
    return task
  }

  /** Spawn a kernel thread (PF_KTHREAD, no files) running kernel code. */
  spawnKthread(comm: string, body: (k: Kernel) => KGen<void>, pid?: number): Task {
    const k = this.k
    const p = pid ?? k.nextPid
    if (p >= k.nextPid) k.nextPid = p + 1
    const task = this.form.newTask(k, p, comm.slice(0, 15), this.form.newSignal(k, INR_OPEN_CUR, INR_OPEN_MAX), PF_KTHREAD)
    k.tasks.set(p, task)
    const m = this
    this.startThread(task, function* (kk: Kernel) {
      task.in_kernel = true
      yield* body(kk)
      yield* m.form.do_exit(kk, 0)
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
      body: body instanceof UserBody ? null : body, user: body instanceof UserBody ? body.program : null, phase: 'start', end: null,
    }
    this.threads.push(th)
    this.byTid.set(task.pid, th)
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
    return this.landed(th, this.resume(th))
  }

  /** The thread's code run to its next scheduling point (or end), as it stands. */
  private resume(th: Thread & Internal): IteratorResult<Sched, void | number> {
    try {
      return th.gen!.next()
    } catch (e) {
      if (th.phase === 'program') th.phase = 'body' // as a crashed generator: the thread ends at its next step, no do_exit
      throw e
    }
  }

  /**
   * After a resume that gave @r: a program that ended (inside a system call, or by returning)
   * gives way to what follows it (exec's new image, do_exit), run to its first scheduling point.
   */
  private landed(th: Thread & Internal, r: IteratorResult<Sched, void | number>): IteratorResult<Sched, void> {
    for (;;) {
      if (th.end !== null) {
        // The program ended inside a system call (user.ts): its generator is dropped, not resumed.
        const end = th.end
        th.end = null
        th.gen = frames('exec' in end ? this.program(th, end.exec) : this.exit(th, end.exit))
      } else if (!r.done || th.phase !== 'program') return r as IteratorResult<Sched, void>
      else th.gen = frames(this.exit(th, typeof r.value === 'number' ? r.value : 0))
      r = this.resume(th)
    }
  }

  private program(th: Thread & Internal, program: Program): KGen<void> {
    if (th.task.sigkill) return this.exit(th, 137)
    th.phase = 'program'
    return program(userApi(this, th)) as KGen<void>
  }

  private exit(th: Thread & Internal, code: number): KGen<void> {
    th.phase = 'exit'
    return this.form.do_exit(this.k, code)
  }

  kill(task: Task): void {
    task.sigkill = true
    if (this.opts.replay && task.state === 'running') {
      // Replay: the victim's exit runs at once (the log shows it as it happened).
      replay.runNow(this, task, this.form.do_exit(this.k, 137))
    }
  }

  // ---------------------------------------------------------------------------------------
  // System threads

  private startSystemThreads(): void {
    const k = this.k
    const { newTask, newSignal, rcu_gp_kthread, worker_thread, tick_handle_periodic } = this.form
    const rcuTask = newTask(k, 10, 'rcu_preempt', newSignal(k, INR_OPEN_CUR, INR_OPEN_MAX), PF_KTHREAD)
    const kworker = newTask(k, 11, 'kworker/0:1', newSignal(k, INR_OPEN_CUR, INR_OPEN_MAX), PF_KTHREAD)
    const tick = newTask(k, 12, 'tick', newSignal(k, INR_OPEN_CUR, INR_OPEN_MAX), PF_KTHREAD)
    for (const t of [rcuTask, kworker, tick]) { t.in_kernel = true; k.tasks.set(t.pid, t) }
    this.startThread(rcuTask, rcu_gp_kthread, 'system')
    this.startThread(kworker, worker_thread, 'system')
    this.startThread(tick, tick_handle_periodic, 'system')
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
    // A system thread is quiescent at its wait point (Sched.idle: rcu_gp_kthread, worker_thread, tick_handle_periodic).
    for (const t of this.threads) if (t.kind === 'system' && t.pending && !t.pending.idle) return false
    return true
  }

  /** Execute one micro-step of thread @tid. */
  step(tid: number): void {
    const th = this.byTid.get(tid)
    if (!th || th.done || !th.pending) throw new Error(`thread ${tid} cannot run`)
    if (th.pending.enabled && !th.pending.enabled()) throw new Error(`thread ${tid} is blocked`)
    this.stepThread(th as Thread & Internal)
  }

  /** One micro-step of @th, which can take it (step() and run() have checked). */
  private stepThread(th: Thread & Internal): void {
    const last = this.last
    if (last !== th) {
      if (last && !last.done && this.isEnabled(last)) this.preemptions++
      this.last = th
      this.runTid.push(th.tid)
      this.runStart.push(this.stepNo)
    }
    this.microStep(th)
  }

  /** The micro-step itself, @th being the running thread already: its scheduling point next, or done. */
  private microStep(th: Thread & Internal): IteratorResult<Sched, void> {
    const k = this.k
    this.stepNo++
    k.current = th.task
    k.trace.step = this.stepNo
    k.trace.tid = th.tid
    const r = this.advance(th)
    if (r.done) {
      th.done = true
      th.pending = null
    } else th.pending = r.value
    if (this.invariantsOn && this.quiescent()) checkInvariants(this)
    return r
  }

  /**
   * Micro-steps of @th, the running thread, while it can go on, up to step @limit: the sequential
   * policy's common case, one thread alone for long stretches, without stepThread's check for a
   * thread switch (there is none) nor run()'s look at the other threads between its steps.
   */
  private runAlone(th: Thread & Internal, limit: number): void {
    if (th.gen !== null && !this.invariantsOn) {
      // microStep's work, with what does not change between the steps of one thread read once.
      const k = this.k
      const trace = k.trace
      const task = th.task
      const tid = th.tid
      for (;;) {
        const n = ++this.stepNo
        k.current = task
        trace.step = n
        trace.tid = tid
        let r = this.resume(th)
        if (r.done === true || th.end !== null) {
          r = this.landed(th, r)
          if (r.done === true) {
            th.done = true
            th.pending = null
            return
          }
        }
        const p = r.value as Sched
        th.pending = p
        if (n >= limit) return
        if (p.enabled !== undefined && !p.enabled()) return
      }
    }
    for (;;) {
      const r = this.microStep(th)
      if (r.done || this.stepNo >= limit) return
      const p = r.value
      if (p.enabled !== undefined && !p.enabled()) return
    }
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
        // The policy keeps the running thread while it can go on: no need to look at the others,
        // nor at the options again until it stops or reaches the step limit.
        this.runAlone(last as Thread & Internal, opts.until !== undefined && opts.until < maxSteps ? opts.until : maxSteps)
        continue
      } else {
        const en = this.enabled()
        if (en.length === 0) break
        th = this.pick(en, policy)
      }
      this.stepThread(th as Thread & Internal)
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

  /**
   * The machine is not used again: its trace's memory goes to the machines made after it (see
   * TraceLog.dispose). Its trace reads as empty from now on.
   */
  dispose(): void {
    this.k.trace.dispose()
  }

  private result(status: RunStatus): RunResult {
    return { status, steps: this.stepNo, violations: this.k.violations }
  }

  // ---------------------------------------------------------------------------------------
  // Synchronous driving (setup, strace replay): replayDriver.ts

  /**
   * Synchronous mode only: end pending RCU grace periods (no other task runs, so only the current
   * task's own read sections could hold one) and run their callbacks.
   */
  settle(): void {
    replay.settle(this)
  }

  /**
   * Run one system call of task @tid to completion at once, with @oracle supplying outcomes
   * the fd table does not decide. Used by the strace replayer (replay mode).
   */
  syscallNow(tid: number, name: string, args: readonly SysArg[], oracle: Oracle | null = null): number {
    return replay.syscallNow(this, tid, name, args, oracle)
  }

  /** Replay: clone/fork/vfork of @tid producing child @childPid (no program runs). */
  cloneNow(tid: number, flags: number, childPid: number, pidfd?: Int32Array): number {
    return replay.cloneNow(this, tid, flags, childPid, pidfd)
  }

  /** Replay: the task exits. */
  exitNow(tid: number, code: number): void {
    replay.exitNow(this, tid, code)
  }

  /** Replay: forget an exited task (reaped by its parent). */
  reapNow(tid: number): void {
    replay.reapNow(this, tid)
  }

  /** Replay: install a file of unknown origin at @fd of task @tid (an inherited fd). */
  inheritFd(tid: number, fd: number, opts: { flags?: number; path?: string; kind?: InodeKind } = {}): File {
    return replay.inheritFd(this, tid, fd, opts)
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
