/**
 * ReplayModel over the engine: a Machine in replay mode, driven call by call with syscallNow,
 * cloneNow, exitNow and inheritFd. All kernel decisions are the engine's; this file only
 * translates and answers the replayer's questions about table slots.
 */
import { createMachine, type Machine } from '../machine/Machine'
import { formatFunctionGraph } from '../machine/format'
import { fastSyscall } from '../machine/fast'
import { SYSCALLS, type SysArg } from '../kernel/syscalls'
import type { File, Task } from '../kernel/include/types'
import { F_SETFD, FD_CLOEXEC, FMODE_CREATED, O_RDWR } from '../kernel/include/flags'
import type { InheritOptions, ModelArg, ModelFeatures, ModelOracle, ReplayModel, SlotState } from './model'

export interface EngineModelOptions {
  /** '6.5', '6.18' or 'mainline' (default 6.18). */
  profile?: string
  /** Record kernel traces (for --trace). */
  trace?: boolean
}

export class EngineModel implements ReplayModel {
  readonly machine: Machine
  readonly profile: string
  readonly features: ModelFeatures
  /** Files installed with a guessed mode (inherited or inferred). */
  private readonly guessed = new WeakSet<File>()
  /** Files whose open may or may not have created them (O_CREAT without O_EXCL, inherited). */
  private readonly createdUnknown = new WeakSet<File>()
  private traced = 0

  constructor(opts: EngineModelOptions = {}) {
    this.machine = createMachine({ profile: opts.profile ?? '6.18', replay: true, fast: true, trace: opts.trace ?? false })
    this.profile = this.machine.profile.name
    const p = this.machine.profile
    this.features = { fcntl_dupfd_query: p.fcntl_dupfd_query, fcntl_created_query: p.fcntl_created_query, pidfd_thread: p.pidfd_thread, pidfd_ns_ioctls: p.pidfd_ns_ioctls }
  }

  private lastTid = -1
  private lastTask: Task | undefined

  private task(tid: number): Task | undefined {
    // the replayer asks about the same task several times per call (the cache is dropped
    // whenever tasks may come, go or change places: spawn, clone, exit, execve)
    let t = this.lastTask
    if (tid !== this.lastTid || t === undefined) {
      t = this.machine.k.tasks.get(tid)
      this.lastTid = tid
      this.lastTask = t
    }
    return t && t.state !== 'dead' ? t : undefined
  }

  private forget(): void {
    this.lastTid = -1
    this.lastTask = undefined
  }

  spawn(tid: number, comm: string, nofile: { cur: number; max: number }): void {
    this.forget()
    this.machine.createTask({ comm, pid: tid, stdio: false, nofile })
  }

  clone(tid: number, flags: number, childTid: number, pidfd?: Int32Array): number {
    this.forget()
    return this.machine.cloneNow(tid, flags, childTid, pidfd)
  }

  supports(name: string): boolean {
    return name === 'execve' || name in SYSCALLS
  }

  syscall(tid: number, name: string, args: readonly ModelArg[], oracle: ModelOracle | null): number {
    if (name === 'execve') this.forget()
    // the machine runs on the fast path: call it with the task already at hand (syscallNow would
    // look it up again); a task not found (or dead) goes through syscallNow, which says so
    const t = this.task(tid)
    if (t !== undefined) return fastSyscall(this.machine, t, name, args as readonly SysArg[], oracle, false)
    return this.machine.syscallNow(tid, name, args as readonly SysArg[], oracle)
  }

  exit(tid: number, code: number): void {
    this.forget()
    if (this.task(tid)) this.machine.exitNow(tid, code)
    // A replay never runs the parent's wait4: the task is reaped at once, as wait4 would have
    // (otherwise every process of a long log stays in k.tasks, and the sanitizer's per-fput scans
    // over all tasks make the replay quadratic).
    const t = this.machine.k.tasks.get(tid)
    if (t && (t.state === 'zombie' || t.state === 'dead')) this.machine.reapNow(tid)
  }

  inherit(tid: number, fd: number, opts: InheritOptions): void {
    const f = this.machine.inheritFd(tid, fd, { flags: opts.flags ?? O_RDWR, path: opts.path, kind: opts.kind })
    if (opts.modeKnown === false) this.guessed.add(f)
    this.createdUnknown.add(f)
    if (opts.cloexec) this.machine.syscallNow(tid, 'fcntl', [fd, F_SETFD, FD_CLOEXEC], null)
  }

  slot(tid: number, fd: number): SlotState {
    const files = this.task(tid)?.files
    if (!files || fd < 0) return 'free'
    const fdt = files.fdt
    if (fd >= fdt.max_fds) return 'free'
    if (fdt.fd[fd]) return 'open'
    return fdt.open_fds.test(fd) ? 'reserved' : 'free'
  }

  cloexec(tid: number, fd: number): boolean {
    const files = this.task(tid)?.files
    if (!files || fd < 0 || fd >= files.fdt.max_fds) return false
    return files.fdt.close_on_exec.test(fd)
  }

  file(tid: number, fd: number): { flags: number; modeKnown: boolean; created: boolean | undefined } | undefined {
    const f = this.fileAt(tid, fd)
    if (!f) return undefined
    return { flags: f.f_flags, modeKnown: !this.guessed.has(f), created: this.createdUnknown.has(f) ? undefined : (f.f_mode & FMODE_CREATED) !== 0 }
  }

  private fileAt(tid: number, fd: number): File | undefined {
    const files = this.task(tid)?.files
    if (!files || fd < 0 || fd >= files.fdt.max_fds) return undefined
    return files.fdt.fd[fd] ?? undefined
  }

  learnCreated(tid: number, fd: number, created: boolean | undefined): void {
    const f = this.fileAt(tid, fd)
    if (!f) return
    if (created === undefined) {
      this.createdUnknown.add(f)
      return
    }
    this.createdUnknown.delete(f)
    if (created) f.f_mode |= FMODE_CREATED
    else f.f_mode &= ~FMODE_CREATED
  }

  table(tid: number): { id: string; count: number } | undefined {
    const files = this.task(tid)?.files
    return files ? { id: files.id, count: files.count } : undefined
  }

  lowestFree(tid: number, start: number): number {
    const files = this.task(tid)?.files
    if (!files) return start
    const fdt = files.fdt
    let fd = start
    while (fd < fdt.max_fds && fdt.open_fds.test(fd)) fd++
    return fd
  }

  nofile(tid: number): { cur: number; max: number } {
    const t = this.task(tid)
    const r = t?.signal.rlim_nofile
    return r ? { cur: r.rlim_cur, max: r.rlim_max } : { cur: 0, max: 0 }
  }

  drainTrace(): string[] {
    const trace = this.machine.k.trace
    if (trace.length === this.traced) return []
    const out = formatFunctionGraph(trace.slice(this.traced))
    this.traced = trace.length
    if (trace.length > 100_000) {
      trace.clear()
      this.traced = 0
    }
    return out
  }
}
