/**
 * Replay of real `strace -f` logs through the fd model, with the log as the oracle.
 *
 * The Replayer consumes the events of a StraceReader (parse.ts) one at a time, in bounded memory,
 * and drives a ReplayModel (model.ts; the engine). It is split by idea:
 *  - calls.ts declares every system call once: its fd arguments, whether it writes the table or
 *    creates a task, its effect and checks (a method here), its prediction for the planner;
 *  - tasks.ts is the process tree: tasks named by the log's pid prefix, tables, held-back events
 *    of pids not known yet (children whose parent's clone has not returned, children of clones
 *    made inside another pid namespace);
 *  - inherited.ts decides the fds a root table inherited from the log's evidence;
 *  - planner.ts orders overlapping calls of threads sharing a table (data in, a plan out);
 *  - record.ts counts every outcome (checked, mismatch, undecided, unchecked, decided outside the
 *    fd table, unsupported, ignored; per call name) and detects filtered logs.
 *
 * What is judged: only what the fd table decides (fd numbers, EBADF, EMFILE, close-on-exec, what
 * exec, fork and close_range leave, record locks, F_GETFL, F_DUPFD_QUERY, F_CREATED_QUERY,
 * /proc/self/fd/N). An error something else decided (argument checks, user pointers, accept
 * queues, pids, sysctls) is followed: no fd is created, the call is counted as decided
 * elsewhere, and an fd argument looked up before the error is still checked.
 *
 * Order of overlapping calls. A call takes effect somewhere between its first line and its
 * result line. While fd-table calls of threads sharing a table overlap, the finished calls on
 * that table are held (a "window"); when none is in flight any more the planner looks for an
 * order that keeps every call inside its lines and gives every logged result; the calls then run
 * through the model in that order and are checked as usual. If no such order is found they run
 * in the order they finished and a disagreement is `undecided` (listed, never a mismatch). After
 * a disagreement the model is corrected to the log's outcome, so that later calls are checked
 * against the kernel's real state. A call never finished (killed, detached, end of log) is
 * undecided.
 *
 * Filtered logs (`-e trace=...`, detected when none of the calls every libc process makes
 * shows up, or forced with `filtered`): checks that unseen calls could affect are `unchecked`.
 */
import { intArg, intArray, parseFlagWord, parseQuoted, structField } from './parse'
import type { ExitEvent, StraceEvent, SyscallEvent } from './parse'
import type { ModelArg, ModelOracle, ReplayModel } from './model'
import { errnoNumber, isRestart } from './errnos'
import { Tally, type ReplayRecord, type Shown } from './record'
import { InheritedFds } from './inherited'
import { ProcessTree, type Origin, type Proc, type Queued, type Table, type Task } from './tasks'
import { CALLS, type CallDecl } from './calls'
import { MAX_WINDOW, MODE_UNKNOWN, OPEN_MODE_MASK, planOrder, type Slot } from './planner'
import {
  UNKNOWN_NOFILE, OPEN_BEFORE_FD, OPEN_NAMES, decidedElsewhere, beforeFdLookup, DOMAINS, CLONE_NEWPID,
  OPEN_AND_CREATE_FLAGS, cloneArgs, scmRights, scmPidfds, procFdOf, VFS_IOCTLS, fdIoctl, parseRlimit,
  Flock, parseFlock, flockText, GETFL_MASK, hex, decorKind,
} from './decode'
import { ALWAYS_CLOEXEC, CLONE_FLAGS, CREATE_FLAGS, CREATOR_CLOEXEC, FCNTL_CMDS, FCNTL_PATH_OK, OPEN_FLAGS, type FdNeed, type FdUse } from './syscalls'
import * as F from '../kernel/include/flags'

const ENOENT = 2
const EBADF = 9
const EAGAIN = 11
const EMFILE = 24
const EINVAL = 22
const MAP_ANONYMOUS = 0x20
const NO_NAMES: Readonly<Record<string, number>> = {}
const NO_ALLOC_OPTS: { flags?: number; cloexec?: boolean } = Object.freeze({})
export { UNKNOWN_NOFILE }
export type { CallReport, Mismatch, ReplayRecord, Undecided } from './record'

export interface ReplayOptions {
  /** Name printed in the record's `file` field. */
  file: string
  /** RLIMIT_NOFILE of the root processes (`--nofile N`); otherwise inferred from the log. */
  nofile?: number
  /** Force the filtered (true) or complete (false) reading; default: detect. */
  filtered?: boolean
  /** The interleaving of tasks is unknown (an `-ff` set without timestamps). */
  orderUnknown?: boolean
  /** Longest list kept for mismatches, undecided, unparsed, inferred (default 1000). */
  maxListed?: number
  /**
   * Hold the calls of threads whose table-writing calls overlap and replay them in an order the
   * log allows (default true). With false every call runs when its result line is read, so the
   * model's state after event N always includes event N (for stepping through a log), and a
   * disagreement under overlap is undecided.
   */
  orderWindows?: boolean
  /** Called for each modelled call with its kernel trace (`--trace`). */
  onTrace?: (line: number, pid: number, call: string, trace: string[]) => void
}

// ---------------------------------------------------------------------------------------------
// State


// ---------------------------------------------------------------------------------------------

export class Replayer {
  private readonly model: ReplayModel
  private readonly opts: ReplayOptions
  private readonly maxListed: number
  private readonly tree: ProcessTree
  private clonesInFlight = 0
  private started = false
  /** While a window's calls are replayed: in an order the log allows, or in completion order. */
  private windowMode: 'none' | 'ordered' | 'unordered' = 'none'
  /** Children created from a clone still in flight, by parent. */
  private readonly speculated = new Map<Task, { child: number; pidfd: number }>()

  /** Line of the event being replayed. */
  private line = 0
  private readonly rec: Tally
  private readonly inh: InheritedFds

  /** Whether the profile's kernel is at least version @v. */
  private profileHas(v: readonly [number, number]): boolean {
    const [maj, min] = this.model.profile.split('.').map(Number)
    return maj! > v[0] || (maj === v[0] && min! >= v[1])
  }

  get features(): ReplayModel['features'] {
    return this.model.features
  }

  constructor(model: ReplayModel, opts: ReplayOptions) {
    this.model = model
    this.opts = opts
    this.maxListed = opts.maxListed ?? 1000
    this.rec = new Tally(this.maxListed, opts.filtered)
    this.inh = new InheritedFds(model, this.rec.inherited, () => this.line)
    this.tree = new ProcessTree(model)
  }

  // -------------------------------------------------------------------------------------------
  // Events

  /** Feed one event (in log order). Never throws on any input. */
  event(e: StraceEvent): void {
    try {
      this.dispatch(e)
    } catch (err) {
      // A replay must go on: a model exception is reported as a mismatch of that line.
      const line = 'line' in e ? e.line : 0
      const pid = 'pid' in e ? e.pid : 0
      const expected = e.type === 'syscall' ? (e.errno ? `${e.retText} ${e.errno}` : e.retText || '?') : e.type
      this.rec.mismatch({ line, pid, call: e.type === 'syscall' ? e.toString() : e.type, expected, model: `model error: ${String(err instanceof Error ? err.message : err)}` })
    }
  }

  private dispatch(e: StraceEvent): void {
    switch (e.type) {
      case 'unparsed':
        this.rec.unparsedLine(e.line, e.text)
        return
      case 'alias': {
        const t = this.tree.tasks.get(e.from)
        if (t && !this.tree.tasks.has(e.to)) {
          this.tree.tasks.delete(e.from)
          t.tid = e.to
          if (t.proc.pid === e.from) t.proc.pid = e.to
          this.tree.tasks.set(e.to, t)
        }
        return
      }
      case 'info':
      case 'signal':
        return
      case 'start':
      case 'syscall':
      case 'exit': {
        const t = this.taskFor(e.pid, e)
        if (!t) return
        if (e.type === 'start') this.onStart(e.name, e.line, e.argsText, t)
        else if (e.type === 'syscall') this.onSyscall(e, t)
        else this.onExit(e, t)
      }
    }
  }

  /** The task of @pid; creates a root, or holds the event back while a clone is in flight. */
  private taskFor(pid: number, e: StraceEvent): Task | undefined {
    const t = this.tree.tasks.get(pid)
    if (t) return t
    if (this.tree.adoptable.length > 0 && pid > 0) return this.tree.adopt(pid)
    if (this.started && this.clonesInFlight > 0 && !this.tree.buffered.has(pid)) {
      const c = this.speculate(pid)
      if (c) return c
    }
    if (this.started && (this.clonesInFlight > 0 || this.tree.buffered.has(pid))) {
      this.tree.hold(pid, e)
      if (this.tree.bufferedCount > 100_000) this.flushBuffered()
      return undefined
    }
    return this.spawnRoot(pid)
  }

  private spawnRoot(pid: number): Task {
    this.started = true
    const nofile = this.opts.nofile
    const mtid = this.tree.mtidFor(pid)
    this.model.spawn(mtid, 'root', nofile !== undefined ? { cur: nofile, max: nofile } : { cur: UNKNOWN_NOFILE, max: UNKNOWN_NOFILE })
    const origin: Origin = { pid, resolved: new Map(), cloexecKnown: false }
    const table = this.tree.tableInfo(mtid, null)
    table.origin = origin
    const proc: Proc = { pid, limitKnown: nofile !== undefined, limitInferred: false, tasks: new Set() }
    this.rec.processes++
    return this.tree.addTask(pid, mtid, proc, table)
  }

  private flushBuffered(): void {
    const pids = [...this.tree.buffered.keys()]
    for (const pid of pids) this.releaseBuffered(pid, true)
  }

  /** Replays the held-back events of @pid (now known, or a new root when @asRoot). */
  private releaseBuffered(pid: number, asRoot: boolean): void {
    const list = this.tree.take(pid)
    if (!list) return
    if (asRoot && !this.tree.tasks.has(pid)) this.spawnRoot(pid)
    const t = this.tree.tasks.get(pid)
    if (t) t.reordered = true
    for (const e of list) this.event(e)
    if (t) t.reordered = false
  }

  private onStart(name: string, line: number, argsText: string, t: Task): void {
    const decl = CALLS.get(name)
    const writer = decl?.writes === true
    const clone = decl?.clone === true
    if (t.inflight) this.endInflight(t)
    const win = this.opts.orderWindows !== false && writer && decl!.predict !== undefined
    t.inflight = { win, name, line, table: t.table, writer, clone, argsText: clone ? argsText : '' }
    if (writer) t.table.inflight++
    if (clone) this.clonesInFlight++
    if (win) {
      t.table.winWriters++
      t.table.win ??= []
    }
  }

  private endInflight(t: Task): void {
    const f = t.inflight
    if (!f) return
    t.inflight = null
    if (f.writer) f.table.inflight--
    if (f.clone) this.clonesInFlight--
    if (f.win) f.table.winWriters--
  }

  private onExit(e: ExitEvent, t: Task): void {
    if (e.how === 'superseded') return // the exec that follows ends the other threads
    this.endInflight(t)
    if (t.table.win !== null) this.closeWindow(t.table)
    this.endTask(t, e.code ?? 128)
    this.afterCloneSettled()
  }

  private endTask(t: Task, code: number): void {
    this.endInflight(t)
    this.model.exit(t.mtid, code)
    this.tree.remove(t)
  }

  /** When no clone is in flight, held-back pids can no longer be anyone's child: new roots. */
  private afterCloneSettled(): void {
    if (this.clonesInFlight === 0 && this.tree.buffered.size > 0) this.flushBuffered()
  }

  // -------------------------------------------------------------------------------------------
  // Calls

  private onSyscall(e: SyscallEvent, t: Task): void {
    this.rec.syscalls++
    this.line = e.line
    if (e.startPid !== e.pid) {
      const s = this.tree.tasks.get(e.startPid)
      if (s) this.endInflight(s)
    }
    this.endInflight(t)
    const decl = CALLS.get(e.name)
    if (decl?.marker) this.rec.sawMarker = true
    if (e.unfinished) {
      if (decl?.writes) {
        this.rec.fdSyscalls++
        this.undecide(e, t, '(never finished)', '-', 'the call was cut short (killed, detached or end of log): its effect is unknown')
      }
      if (t.table.win !== null && t.table.winWriters === 0) this.closeWindow(t.table)
      this.afterCloneSettled()
      return
    }
    const tb = t.table
    if (e.ret === null && isRestart(e.errno)) {
      // interrupted, to be restarted: no effect on the table
      if (tb.win !== null && tb.winWriters === 0) this.closeWindow(tb)
      this.afterCloneSettled()
      return
    }
    if (tb.win !== null) {
      if (decl?.predict !== undefined || decl?.uses !== undefined || decl?.procPath !== undefined) {
        tb.win.push({ e, t })
        this.rec.syscalls-- // counted when it is replayed
        if (tb.winWriters === 0 || tb.win.length > MAX_WINDOW) this.closeWindow(tb)
        return
      }
      if (decl?.writes) this.closeWindow(tb)
    }
    this.dispatchCall(e, t, decl)
    if (tb.win !== null && tb.winWriters === 0) this.closeWindow(tb)
  }

  private dispatchCall(e: SyscallEvent, t: Task, decl: CallDecl | undefined): void {
    if (decl?.since && !this.profileHas(decl.since)) {
      // newer than the profile's kernel: the log is followed, nothing is checked
      if (decl.creates) this.foreignCreator(e, t, `${e.name}(v${decl.since.join('.')})`)
      else {
        this.rec.fdSyscalls++
        this.unsup(e, `${e.name}(v${decl.since.join('.')})`)
      }
    } else if (decl?.procPath !== undefined && this.procFd(e, t)) {
      // a stat, readlink or access of /proc/self/fd/N: checked above
    } else if (decl?.replay) decl.replay(this, e, t)
    else if (decl?.ignored) this.rec.ignore(e.name)
    else this.unsupportedCall(e, t)
    if (decl?.writes) t.table.lastModEnd = e.line
    if (decl?.clone) this.afterCloneSettled()
  }

  private unsupportedCall(e: SyscallEvent, t: Task): void {
    this.unsup(e)
    // a result that may be an fd (unknown calls, ioctls) is remembered, so that its first use is inferred
    if (e.ret !== null && e.ret > 2 && e.ret < 1 << 20) {
      const tb = t.table
      ;(tb.suspects ??= new Set()).add(e.ret)
      if (tb.suspects.size > 4096) tb.suspects.clear()
    }
  }

  // -------------------------------------------------------------------------------------------
  // Outcomes

  private overlapped(e: SyscallEvent, t: Task): boolean {
    if (t.table.copyUncertain) return true
    if (this.windowMode === 'ordered') return false
    if (this.windowMode === 'unordered') return true
    const tb = t.table
    return tb.inflight > 0 || tb.lastModEnd > e.startLine || t.reordered || tb.copyUncertain || (this.opts.orderUnknown === true && tb.shared)
  }

  private undecide(e: SyscallEvent, t: Task, expected: Shown, model: Shown, reason: string): void {
    this.rec.undecide(e, t.tid, expected, model, reason)
  }

  /** One decided outcome (see Tally.outcome). Returns whether the model agreed. */
  private outcome(e: SyscallEvent, t: Task, ok: boolean, expected: Shown, model: Shown, what: Shown = ''): boolean {
    if (ok && this.rec.agreed(e)) return true
    return this.rec.outcome(e, t.tid, ok, expected, model, what, () => this.overlapped(e, t), this.windowMode === 'unordered')
  }

  elsewhere(e: SyscallEvent): void {
    this.rec.elsewhere(e)
  }

  unsup(e: SyscallEvent, key: string = e.name): void {
    this.rec.unsup(e, key)
  }

  uncheck(e: SyscallEvent): void {
    this.rec.uncheck(e)
  }

  private logRet(e: SyscallEvent): number {
    if (e.ret === null) return Number.NaN
    if (e.ret >= 0) return e.ret
    const n = errnoNumber(e.errno)
    return n === undefined ? -1000 : -n
  }

  private trace(e: SyscallEvent, t: Task): void {
    if (!this.opts.onTrace || !this.model.drainTrace) return
    const lines = this.model.drainTrace()
    if (lines.length) this.opts.onTrace(e.line, t.tid, e.toString(), lines)
  }

  /** Runs a model call; model exceptions become undefined (reported by the caller). */
  private run(e: SyscallEvent, t: Task, name: string, args: readonly ModelArg[], oracle: ModelOracle | null): number {
    if (!this.opts.onTrace) return this.model.syscall(t.mtid, name, args, oracle)
    if (this.model.drainTrace) this.model.drainTrace() // set-up (inherited fds) is not part of the call's path
    const r = this.model.syscall(t.mtid, name, args, oracle)
    this.trace(e, t)
    return r
  }

  /** A correction: makes the model's state match the log after a disagreement (not checked). */
  private fix(t: Task, name: string, args: readonly ModelArg[]): number {
    const r = this.model.syscall(t.mtid, name, args, null)
    if (this.opts.onTrace && this.model.drainTrace) this.model.drainTrace()
    return r
  }

  // -------------------------------------------------------------------------------------------
  // Undetermined (inherited) fds

  /**
   * Before an allocation of @need fds the log says failed with EMFILE. With two (pipe,
   * socketpair), EMFILE says only that fewer than two were free: no fd is decided open.
   */
  private prepareEmfile(e: SyscallEvent, t: Task, start: number, need = 1): void {
    const tb = t.table
    if (!t.proc.limitKnown) {
      // the limit was never shown: the kernel's answer tells us it is at most the @need-th free fd
      let c = Math.max(this.model.lowestFree(t.mtid, start), start)
      for (let i = 1; i < need; i++) c = this.nextFree(t, c + 1)
      this.inferLimitAtMost(e, t, c)
      return
    }
    if (tb.origin === null || need > 1) return
    const lim = this.model.nofile(t.mtid).cur
    if (lim - start > 1 << 16) return
    for (const [a, b] of tb.known.gaps(start, lim)) for (let fd = a; fd < b; fd++) this.inh.resolve(t, fd, true)
  }

  /** The lowest fd >= @from free in the model, counting undetermined (inherited) fds as free. */
  private nextFree(t: Task, from: number): number {
    return this.model.lowestFree(t.mtid, from)
  }

  /**
   * The limit was never shown, and a failure says that @x is at or above it. Not inferred while
   * calls of other threads overlap (another thread's close explains an EBADF as well).
   */
  private inferLimitAtMost(e: SyscallEvent, t: Task, x: number): void {
    if (t.proc.limitKnown || this.overlapped(e, t)) return
    if (this.model.nofile(t.mtid).cur <= x) return
    this.setLimit(t, x, false)
    t.proc.limitInferred = true
  }

  /** A success needs RLIMIT_NOFILE above @x: an inferred limit that says otherwise was wrong. */
  private needLimitAbove(t: Task, x: number): void {
    if (!t.proc.limitInferred || t.proc.limitKnown) return
    if (this.model.nofile(t.mtid).cur > x) return
    this.setLimit(t, UNKNOWN_NOFILE, false)
    t.proc.limitInferred = false
  }

  private setLimit(t: Task, cur: number, known: boolean): void {
    const max = Math.max(cur, this.model.nofile(t.mtid).max)
    this.model.syscall(t.mtid, 'prlimit64', [t.mtid, F.RLIMIT_NOFILE, { rlim_cur: cur, rlim_max: max }, null], { ret: 0 })
    if (this.model.drainTrace) this.model.drainTrace()
    if (known) {
      t.proc.limitKnown = true
      t.proc.limitInferred = false
    }
  }

  // -------------------------------------------------------------------------------------------
  // Checks

  /**
   * EBADF-or-not for one fd argument, decided from the model's table (open, reserved, free) and
   * the open file's mode. Returns whether the model agreed.
   */
  useFd(e: SyscallEvent, t: Task, fd: number, need: FdNeed, logBad: boolean): boolean {
    if (fd < 0 || fd > 0x7fffffff) {
      // negative fds become huge unsigned ints: never open
      return this.outcome(e, t, logBad, logBad ? 'EBADF' : 'ok', 'EBADF', fd)
    }
    if (!this.inh.prepareUse(t, fd, logBad, need)) {
      this.undecide(e, t, 'EBADF', '?', `fd ${fd} was inherited and never shown: EBADF may come from its mode or from it being closed`)
      return true
    }
    const st = this.model.slot(t.mtid, fd)
    let modelBad = st !== 'open'
    let modeUnknown = false
    if (!modelBad && need !== 'raw' && need !== 'dirfd') {
      const f = this.model.file(t.mtid, fd)
      if (f) {
        const acc = f.flags & F.O_ACCMODE
        const path = (f.flags & F.O_PATH) !== 0
        if (path) modelBad = true
        else if (need === 'read' && acc === F.O_WRONLY) modelBad = true
        else if (need === 'write' && acc === F.O_RDONLY) modelBad = true
        modeUnknown = !f.modeKnown
      }
    }
    if (modelBad === logBad) return this.outcome(e, t, true, '', '')
    if (modelBad && !logBad) {
      // the log used an fd the model does not have
      if (st === 'reserved') {
        this.undecide(e, t, 'ok', 'reserved', `fd ${fd} is reserved by an allocation in flight`)
        return false
      }
      if (st === 'free' && this.mayBeInvisible(t, fd)) {
        this.infer(e, t, fd)
        return true
      }
      const agreed = this.outcome(e, t, false, 'ok', st === 'open' ? 'EBADF (mode)' : 'EBADF', fd)
      if (st === 'free') this.model.inherit(t.mtid, fd, { modeKnown: false, cloexec: false })
      return agreed
    }
    // the model has it open, the log says EBADF
    if (modeUnknown) {
      this.undecide(e, t, 'EBADF', 'ok', `fd ${fd} refers to a file of unknown mode (inherited or inferred)`)
      return false
    }
    const agreed = this.outcome(e, t, false, 'EBADF', 'ok', fd)
    if (st === 'open') this.fix(t, 'close', [fd])
    t.table.known.add(fd)
    return agreed
  }

  private mayBeInvisible(t: Task, fd: number): boolean {
    return this.rec.filtered || t.table.invisible || (t.table.suspects?.has(fd) ?? false)
  }

  private infer(e: SyscallEvent, t: Task, fd: number): void {
    this.model.inherit(t.mtid, fd, { modeKnown: false, cloexec: false, path: `/inferred/${t.proc.pid}/${fd}` })
    t.table.known.add(fd)
    this.rec.inferredFd(e.line, t.tid, fd)
  }

  /** Compares one allocation and corrects the model to the log. */
  private checkAlloc(e: SyscallEvent, t: Task, logFd: number, modelFd: number, opts: { flags?: number; cloexec?: boolean } = NO_ALLOC_OPTS): boolean {
    const ok = logFd === modelFd || (Number.isNaN(logFd) && modelFd < 0)
    const agreed = this.outcome(e, t, ok, logFd, modelFd)
    if (!ok) this.correctAlloc(t, logFd, modelFd, opts)
    if (logFd >= 0) t.table.known.add(logFd)
    return agreed
  }

  /** After a disagreement about a new fd, make the model hold the log's fd. */
  private correctAlloc(t: Task, logFd: number, modelFd: number, opts: { flags?: number; cloexec?: boolean }): void {
    if (modelFd >= 0 && logFd >= 0) {
      const cloexec = this.model.cloexec(t.mtid, modelFd)
      if (this.model.slot(t.mtid, logFd) === 'open') this.fix(t, 'close', [logFd])
      if (this.fix(t, 'dup2', [modelFd, logFd]) === logFd) {
        this.fix(t, 'close', [modelFd])
        if (cloexec) this.fix(t, 'fcntl', [logFd, F.F_SETFD, F.FD_CLOEXEC])
      }
    } else if (modelFd >= 0) {
      this.fix(t, 'close', [modelFd])
    } else if (logFd >= 0) {
      if (this.model.slot(t.mtid, logFd) === 'open') this.fix(t, 'close', [logFd])
      this.model.inherit(t.mtid, logFd, { flags: opts.flags ?? F.O_RDWR, modeKnown: opts.flags !== undefined, cloexec: opts.cloexec ?? false })
    }
  }

  // -------------------------------------------------------------------------------------------
  // Effects and checks of the calls (declared in calls.ts)

  /** Calls that only use fds. */
  genericUse(e: SyscallEvent, t: Task, uses: readonly { arg: number; need: FdNeed; path?: number; flags?: number }[]): void {
    this.rec.fdSyscalls++
    if (e.errno === 'EFAULT') {
      // a user pointer may be copied before the fd is looked up (epoll_ctl, signalfd4): no claim
      this.elsewhere(e)
      return
    }
    const logBad = e.errno === 'EBADF'
    const looked: { arg: number; need: FdNeed }[] = []
    for (const u of uses) {
      const fd = intArg(e.arg(u.arg))
      if (fd === undefined) continue
      if (u.need === 'dirfd') {
        // a dirfd is looked at only for a relative path (or an empty one with AT_EMPTY_PATH)
        if (fd === F.AT_FDCWD) continue
        const p = parseQuoted(e.arg(u.path ?? u.arg + 1))
        const flagText = u.flags !== undefined ? e.arg(u.flags) : undefined
        const emptyOk = flagText !== undefined && flagText.includes('AT_EMPTY_PATH')
        if (p && p.value.startsWith('/')) continue
        if (p && p.value === '' && !emptyOk) continue
      }
      looked.push(u)
    }
    if (looked.length === 1 || !logBad) {
      for (const u of looked) this.useFd(e, t, intArg(e.arg(u.arg))!, u.need, logBad)
    } else if (looked.length > 1) this.someBad(e, t, looked)
  }

  /** EBADF from a call with several fds: at least one of them must be bad in the model. */
  private someBad(e: SyscallEvent, t: Task, uses: readonly { arg: number; need: FdNeed }[]): void {
    let anyBad = false
    for (const u of uses) {
      const fd = intArg(e.arg(u.arg))
      if (fd === undefined) continue
      if (fd < 0) { anyBad = true; continue }
      if (this.inh.undetermined(t.table, fd) && !this.inh.materialize(t, fd)) { anyBad = true; continue }
      if (this.model.slot(t.mtid, fd) !== 'open') anyBad = true
      else {
        const f = this.model.file(t.mtid, fd)
        if (f && (!f.modeKnown || f.flags & F.O_PATH)) anyBad = true
        else if (f && u.need === 'read' && (f.flags & F.O_ACCMODE) === F.O_WRONLY) anyBad = true
        else if (f && u.need === 'write' && (f.flags & F.O_ACCMODE) === F.O_RDONLY) anyBad = true
      }
    }
    this.outcome(e, t, anyBad, 'EBADF', 'ok')
  }

  /** A creator the model does not implement: the fd is installed where the log says, unchecked. */
  foreignCreator(e: SyscallEvent, t: Task, key: string = e.name): void {
    this.rec.fdSyscalls++
    this.unsup(e, key)
    if (e.name === 'io_uring_setup' || e.name === 'fanotify_init') t.table.invisible = true
    if (e.name === 'pidfd_getfd') {
      // the flags are checked before the pidfd is looked up; EBADF may be the target's fd
      const pidfd = intArg(e.arg(0))
      if (pidfd !== undefined && !beforeFdLookup(e)) this.useFd(e, t, pidfd, 'any', e.errno === 'EBADF' && this.model.slot(t.mtid, pidfd) !== 'open')
      if (e.ret !== null && e.ret < 0 && e.errno !== 'EBADF') this.elsewhere(e)
    }
    const ret = e.ret
    if (ret === null || ret < 0) return
    if (e.name === 'pidfd_getfd') {
      // receive_fd: the lowest free fd, always close-on-exec
      this.installAt(e, t, ret, true, true)
      return
    }
    if (this.inh.undetermined(t.table, ret)) this.inh.resolve(t, ret, false)
    if (this.model.slot(t.mtid, ret) === 'open') this.fix(t, 'close', [ret])
    let cloexec = ALWAYS_CLOEXEC.has(e.name)
    const c = CREATOR_CLOEXEC[e.name]
    if (c) {
      const w = parseFlagWord(e.arg(c[0]), OPEN_AND_CREATE_FLAGS)
      if (w && w.value & c[1]) cloexec = true
    }
    this.model.inherit(t.mtid, ret, { flags: F.O_RDWR, modeKnown: true, cloexec, kind: 'anon', path: `/anon/${e.name}` })
    t.table.known.add(ret)
  }

  /** One-fd creators the model implements. */
  create(e: SyscallEvent, t: Task, name: string, args: readonly ModelArg[], start = 0, kind: ModelOracle['kind'] = 'anon', inputFd?: { fd: number; need: FdNeed }, created?: boolean): void {
    this.rec.fdSyscalls++
    const logFd = this.logRet(e)
    if (Number.isNaN(logFd)) return
    if (logFd < 0 && decidedElsewhere(e, inputFd !== undefined)) {
      // followed: no fd; an fd argument looked up before the error was open
      if (inputFd && !beforeFdLookup(e)) this.useFd(e, t, inputFd.fd, inputFd.need, false)
      this.elsewhere(e)
      return
    }
    if (inputFd) {
      const bad = e.errno === 'EBADF'
      if (!this.inh.prepareUse(t, inputFd.fd, bad, inputFd.need)) {
        this.undecide(e, t, logFd, '?', `fd ${inputFd.fd} was inherited and never shown`)
        return
      }
    }
    if (logFd >= 0) {
      this.needLimitAbove(t, logFd)
      this.inh.prepareAlloc(t, start, logFd)
    } else if (logFd === -EMFILE) this.prepareEmfile(e, t, start)
    const oracle: ModelOracle = { ret: logFd === -EMFILE || logFd === -EBADF ? 0 : logFd, kind: decorKind(e.retDecor) ?? kind, created }
    const m = this.run(e, t, name, args, oracle)
    this.checkAlloc(e, t, logFd, m)
    if (logFd >= 0 && created === undefined && (name === 'open' || name === 'openat' || name === 'creat')) this.model.learnCreated(t.mtid, logFd, undefined)
  }

  /** dup2/dup3 and the rlimit they check. */
  dup23(e: SyscallEvent, t: Task, three: boolean): void {
    this.rec.fdSyscalls++
    const oldfd = intArg(e.arg(0))
    const newfd = intArg(e.arg(1))
    if (oldfd === undefined || newfd === undefined) return this.undecodable(e, t)
    const flags = three ? (parseFlagWord(e.arg(2), OPEN_FLAGS)?.value ?? 0) : 0
    const logRet = this.logRet(e)
    const logBad = logRet === -EBADF
    if (oldfd >= 0 && !this.inh.prepareUse(t, oldfd, logBad && (newfd < 0 || oldfd === newfd || !this.newfdBeyondLimit(t, newfd)), 'raw')) {
      this.undecide(e, t, logRet, '?', `fd ${oldfd} was inherited and never shown`)
      return
    }
    if (!three && oldfd === newfd && newfd >= 0 && this.inh.undetermined(t.table, newfd) && !this.inh.materialize(t, newfd)) {
      this.inh.resolve(t, newfd, !logBad)
    }
    // EBADF with an open oldfd: newfd is at or above RLIMIT_NOFILE
    if (logBad && newfd >= 0 && oldfd !== newfd && this.model.slot(t.mtid, oldfd) === 'open') this.inferLimitAtMost(e, t, newfd)
    if (logRet >= 0 && newfd >= 0) this.needLimitAbove(t, newfd)
    const wasOpen = newfd >= 0 && this.model.slot(t.mtid, newfd) === 'open'
    const m = this.run(e, t, three ? 'dup3' : 'dup2', three ? [oldfd, newfd, flags] : [oldfd, newfd], null)
    const ok = m === logRet
    this.outcome(e, t, ok, logRet, m)
    if (!ok) {
      // correct: the log's target must hold oldfd's file, or be untouched
      if (logRet >= 0 && m < 0) {
        if (this.model.slot(t.mtid, oldfd) !== 'open') this.model.inherit(t.mtid, oldfd, { modeKnown: false })
        this.fix(t, 'dup2', [oldfd, newfd])
      } else if (logRet < 0 && m >= 0 && m !== oldfd && !wasOpen) {
        this.fix(t, 'close', [m])
      }
    }
    if (newfd >= 0 && logRet >= 0) t.table.known.add(newfd)
  }

  private newfdBeyondLimit(t: Task, newfd: number): boolean {
    return newfd >= this.model.nofile(t.mtid).cur
  }

  close(e: SyscallEvent, t: Task): void {
    this.rec.fdSyscalls++
    const fd = intArg(e.arg(0))
    if (fd === undefined) return this.undecodable(e, t)
    const logRet = this.logRet(e)
    const logBad = logRet === -EBADF
    if (fd >= 0 && fd <= 0x7fffffff && this.inh.undetermined(t.table, fd) && !this.inh.materialize(t, fd)) this.inh.resolve(t, fd, !logBad)
    const st = fd >= 0 && fd <= 0x7fffffff ? this.model.slot(t.mtid, fd) : 'free'
    if (st === 'free' && !logBad && this.mayBeInvisible(t, fd)) this.infer(e, t, fd)
    const m = this.run(e, t, 'close', [fd >>> 0], null)
    // close always detaches the fd, whatever a flush returns: compare closed-or-EBADF
    const ok = (m === -EBADF) === logBad
    this.outcome(e, t, ok, logRet, m, fd)
    if (!ok && fd >= 0 && this.model.slot(t.mtid, fd) === 'open') this.fix(t, 'close', [fd])
    if (fd >= 0) t.table.known.add(fd)
  }

  closeRange(e: SyscallEvent, t: Task): void {
    this.rec.fdSyscalls++
    const a = intArg(e.arg(0))
    const b = intArg(e.arg(1))
    const flags = parseFlagWord(e.arg(2), { CLOSE_RANGE_UNSHARE: F.CLOSE_RANGE_UNSHARE, CLOSE_RANGE_CLOEXEC: F.CLOSE_RANGE_CLOEXEC })?.value
    if (a === undefined || b === undefined || flags === undefined) return this.undecodable(e, t)
    const logRet = this.logRet(e)
    const lo = a >>> 0
    const hi = b >>> 0
    const m = this.run(e, t, 'close_range', [lo, hi, flags], null)
    this.outcome(e, t, m === logRet, logRet, m)
    if (m === 0) {
      this.tree.refreshTable(t)
      const tb = t.table
      if (tb.origin !== null && lo <= hi) {
        if (flags & F.CLOSE_RANGE_CLOEXEC) {
          if (tb.known.gaps(lo, Math.min(hi, 0x7fffffff) + 1).length > 0) tb.cloexecFuzzy = true
        } else tb.known.addRange(lo, Math.min(hi, 0x7fffffff) + 1)
      }
    }
  }

  fcntl(e: SyscallEvent, t: Task): void {
    this.rec.fdSyscalls++
    const fd = intArg(e.arg(0))
    const cmdText = e.arg(1)
    const cmd = cmdText === undefined ? undefined : (FCNTL_CMDS[cmdText] ?? intArg(cmdText))
    if (fd === undefined || cmd === undefined) return this.undecodable(e, t)
    const logRet = this.logRet(e)
    const logBad = logRet === -EBADF
    const need: FdNeed = FCNTL_PATH_OK.has(cmd) ? 'raw' : 'any'
    if (cmd === F.F_DUPFD || cmd === F.F_DUPFD_CLOEXEC) {
      const from = intArg(e.arg(2)) ?? 0
      if (!this.inh.prepareUse(t, fd, logBad, 'raw')) {
        this.undecide(e, t, logRet, '?', `fd ${fd} was inherited and never shown`)
        return
      }
      const fromU = from < 0 ? 0xffffffff : from
      if (logRet === -EINVAL && this.model.slot(t.mtid, fd) === 'open') this.inferLimitAtMost(e, t, Math.min(fromU, UNKNOWN_NOFILE))
      if (logRet >= 0) {
        this.needLimitAbove(t, logRet)
        this.inh.prepareAlloc(t, fromU, logRet)
      }
      else if (logRet === -EMFILE) this.prepareEmfile(e, t, fromU)
      const m = this.run(e, t, 'fcntl', [fd, cmd, from], null)
      this.checkAlloc(e, t, logRet, m)
      return
    }
    if (cmd === F.F_DUPFD_QUERY && !this.model.features.fcntl_dupfd_query) {
      // a command newer than the profile's kernel (v6.10): the log is followed
      this.unsup(e, 'fcntl(F_DUPFD_QUERY, v6.10)')
      this.useFd(e, t, fd, 'raw', logBad && this.model.slot(t.mtid, fd) !== 'open')
      return
    }
    if (cmd === F.F_GETFD || cmd === F.F_SETFD || cmd === F.F_DUPFD_QUERY) {
      if (!this.inh.prepareUse(t, fd, logBad, 'raw')) return
      if (cmd === F.F_GETFD && this.inh.undetermined(t.table, fd)) this.inh.resolve(t, fd, !logBad)
      if (cmd === F.F_DUPFD_QUERY) {
        const other = intArg(e.arg(2))
        if (other !== undefined && other >= 0 && this.inh.undetermined(t.table, other)) {
          if (!this.inh.materialize(t, other) && logRet !== -EBADF) this.inh.resolve(t, other, true)
        }
      }
      const arg = cmd === F.F_GETFD ? 0 : (parseFlagWord(e.arg(2), { FD_CLOEXEC: F.FD_CLOEXEC })?.value ?? 0)
      const m = this.run(e, t, 'fcntl', [fd, cmd, arg], null)
      const ok = m === logRet
      this.outcome(e, t, ok, logRet, m, cmd === F.F_GETFD ? 'FD_CLOEXEC' : '')
      if (!ok && cmd === F.F_GETFD && logRet >= 0 && m >= 0) this.fix(t, 'fcntl', [fd, F.F_SETFD, logRet])
      else if (!ok && m === -EBADF && logRet >= 0) this.model.inherit(t.mtid, fd, { modeKnown: false, cloexec: cmd === F.F_GETFD && logRet === 1 })
      return
    }
    if (cmd === F.F_SETLK || cmd === F.F_SETLKW || cmd === F.F_OFD_SETLK || cmd === F.F_OFD_SETLKW || cmd === F.F_GETLK || cmd === F.F_OFD_GETLK) {
      const fl = parseFlock(e.arg(2))
      if (fl) return this.lock(e, t, fd, cmd, fl)
    }
    if (cmd === F.F_GETFL && logRet >= 0) return this.getfl(e, t, fd, logRet)
    if (cmd === F.F_SETFL && logRet === 0) {
      // the status flags change: later F_GETFL answers depend on it
      if (!this.useFd(e, t, fd, 'any', false)) return
      const f = this.model.file(t.mtid, fd)
      if (!f || f.flags & F.O_PATH) return
      const m = this.run(e, t, 'fcntl', [fd, F.F_SETFL, parseFlagWord(e.arg(2), OPEN_FLAGS)?.value ?? 0], null)
      if (m !== 0) this.outcome(e, t, false, '0', m)
      return
    }
    if (cmd === F.F_CREATED_QUERY && logRet >= 0) return this.createdQuery(e, t, fd, logRet)
    // other commands: the fd must be open (and not O_PATH unless allowed); the rest is decided elsewhere
    this.useFd(e, t, fd, need, logBad)
    if (logRet < 0 && logRet !== -EBADF) this.elsewhere(e)
  }

  /**
   * A stat, readlink, access or open of /proc/self/fd/N, /proc/thread-self/fd/N, /proc/PID/fd/N
   * or /dev/fd/N: success says fd N is open in that task's table, ENOENT that it is not. Returns
   * false when the path is not one of those (the call is handled as usual).
   */
  procFd(e: SyscallEvent, t: Task): boolean {
    const pf = procFdOf(e)
    if (!pf) return false
    const opening = OPEN_NAMES.has(e.name)
    if (!opening) this.rec.fdSyscalls++
    let target: Task | undefined = t
    if (pf.who === 'self') target = this.tree.tasks.get(t.proc.pid) ?? t
    else if (pf.who !== 'thread-self') target = t.nsForeign ? undefined : this.tree.tasks.get(pf.who)
    const logRet = this.logRet(e)
    if (!target || (logRet < 0 && logRet !== -ENOENT)) {
      if (!opening) {
        if (!target) this.uncheck(e)
        else this.elsewhere(e)
      }
      return !opening
    }
    this.useFd(e, target, pf.fd, 'raw', logRet === -ENOENT)
    return !opening
  }

  /** Whether the task @pid of the log is (or was) traced: a lock it holds is the model's business. */
  private traced(pid: number): boolean {
    return this.tree.tasks.has(pid) || this.tree.exited.has(pid)
  }

  /**
   * POSIX and OFD record locks. F_SETLK* compares the result (0, EAGAIN on a conflict, EBADF when
   * the fd's mode does not allow the lock type); F_GETLK* compares the answer strace printed
   * (the kernel overwrites the query: F_UNLCK keeps the range, a conflict shows the lock).
   */
  private lock(e: SyscallEvent, t: Task, fd: number, cmd: number, fl: Flock): void {
    const logRet = this.logRet(e)
    const logBad = logRet === -EBADF
    const f0 = this.model.file(t.mtid, fd)
    const isPath = f0 !== undefined && (f0.flags & F.O_PATH) !== 0
    // EBADF from the fd itself (closed, O_PATH), or from the lock type and the file's mode
    if (!this.useFd(e, t, fd, 'any', logBad && (f0 === undefined || isPath))) return
    if (this.model.slot(t.mtid, fd) !== 'open' || isPath) return
    const f = this.model.file(t.mtid, fd)
    if (logRet < 0 && logRet !== -EBADF && logRet !== -EAGAIN) {
      this.elsewhere(e) // EINVAL, EFAULT, EINTR, EDEADLK, ENOLCK: decided by the arguments or the lock graph
      return
    }
    const get = cmd === F.F_GETLK || cmd === F.F_OFD_GETLK
    if (get) {
      if (logRet < 0) return
      const logConflict = fl.l_type !== F.F_UNLCK
      // the query's type is lost (overwritten): a read lock query finds what any query finds
      const q: Flock = logConflict
        ? { l_type: F.F_WRLCK, l_whence: F.SEEK_SET, l_start: fl.l_start, l_len: fl.l_len, l_pid: 0 }
        : { l_type: F.F_RDLCK, l_whence: fl.l_whence, l_start: fl.l_start, l_len: fl.l_len, l_pid: 0 }
      const m = this.run(e, t, 'fcntl', [fd, cmd, q], null)
      if (m < 0) {
        this.outcome(e, t, false, '0', m)
        return
      }
      const modelConflict = q.l_type !== F.F_UNLCK
      if (logConflict && !modelConflict && !(fl.l_pid > 0 && this.traced(fl.l_pid))) {
        this.undecide(e, t, flockText(fl), 'F_UNLCK', 'the lock may be held by a process outside the log')
        return
      }
      const ok = logConflict ? modelConflict && q.l_type === fl.l_type : !modelConflict
      this.outcome(e, t, ok, flockText(fl), modelConflict ? flockText(q) : 'F_UNLCK', 'lock answer')
      return
    }
    // F_SETLKW blocked until the holder let go: at its result line the model runs it as F_SETLK
    const setCmd = cmd === F.F_SETLKW ? F.F_SETLK : cmd === F.F_OFD_SETLKW ? F.F_OFD_SETLK : cmd
    const q: Flock = { ...fl }
    const m = this.run(e, t, 'fcntl', [fd, setCmd, q], null)
    if (m === logRet) {
      this.outcome(e, t, true, '', '')
      return
    }
    const undo = (): void => { if (m === 0) this.fix(t, 'fcntl', [fd, setCmd, { ...fl, l_type: F.F_UNLCK }]) }
    if (logRet === -EAGAIN && m === 0) {
      undo()
      this.undecide(e, t, 'EAGAIN', '0', 'the conflicting lock may be held by a process outside the log')
      return
    }
    if (logRet === -EBADF && f && !f.modeKnown) {
      undo()
      this.undecide(e, t, 'EBADF', m, `fd ${fd} refers to a file of unknown mode (inherited or inferred)`)
      return
    }
    if (m === -EAGAIN && setCmd !== cmd) {
      this.undecide(e, t, logRet, 'EAGAIN', 'a blocking lock waited for its holder')
      return
    }
    undo()
    this.outcome(e, t, false, logRet, m, 'lock')
  }

  /** F_GETFL: the access mode and the status flags the model holds (open-time flags never show). */
  private getfl(e: SyscallEvent, t: Task, fd: number, logRet: number): void {
    if (!this.useFd(e, t, fd, 'raw', false)) return
    const f = this.model.file(t.mtid, fd)
    if (!f) return
    if (!f.modeKnown) {
      this.uncheck(e)
      return
    }
    const m = this.run(e, t, 'fcntl', [fd, F.F_GETFL, 0], null)
    const ok = m >= 0 && (m & GETFL_MASK) === (logRet & GETFL_MASK)
    this.outcome(e, t, ok, hex(logRet & GETFL_MASK), m < 0 ? m : hex(m & GETFL_MASK), 'F_GETFL')
  }

  /** F_CREATED_QUERY (6.12): whether the open that made the file created it, when the model knows. */
  private createdQuery(e: SyscallEvent, t: Task, fd: number, logRet: number): void {
    if (!this.useFd(e, t, fd, 'raw', false)) return
    const f = this.model.file(t.mtid, fd)
    if (!f) return
    if (!this.model.features.fcntl_created_query) {
      this.unsup(e, 'fcntl(F_CREATED_QUERY, v6.12)')
      return
    }
    if (f.created === undefined) {
      this.uncheck(e)
      this.model.learnCreated(t.mtid, fd, logRet === 1)
      return
    }
    const m = this.run(e, t, 'fcntl', [fd, F.F_CREATED_QUERY, 0], null)
    this.outcome(e, t, m === logRet, logRet, m, 'F_CREATED_QUERY')
    if (m !== logRet) this.model.learnCreated(t.mtid, fd, logRet === 1)
  }

  ioctl(e: SyscallEvent, t: Task): void {
    const req = e.arg(1)
    const fd = intArg(e.arg(0))
    if (fd === undefined) return this.undecodable(e, t)
    this.rec.fdSyscalls++
    const logRet = this.logRet(e)
    const vfs = req === undefined ? undefined : VFS_IOCTLS[req]
    if (vfs !== undefined) {
      // handled by do_vfs_ioctl on any open fd, before the driver
      const on = vfs === F.FIONBIO || vfs === F.FIOASYNC ? intArray(e.arg(2))?.[0] : 0
      if (on === undefined || (logRet < 0 && logRet !== -EBADF)) {
        this.useFd(e, t, fd, 'any', logRet === -EBADF)
        if (logRet < 0 && logRet !== -EBADF) this.elsewhere(e)
        return
      }
      if (!this.inh.prepareUse(t, fd, logRet === -EBADF, 'any')) return
      const m = this.run(e, t, 'ioctl', [fd, vfs, on], null)
      this.outcome(e, t, m === logRet, logRet, m)
      return
    }
    const route = fdIoctl(req)
    if (route) {
      // a command that returns a new fd (namespace fds, pty peers, KVM): installed where the log says
      if (!beforeFdLookup(e)) this.useFd(e, t, fd, 'any', logRet === -EBADF)
      if (route === 'pidfd_ns' && !this.model.features.pidfd_ns_ioctls) {
        this.unsup(e, 'ioctl(PIDFD_GET_*_NAMESPACE, v6.11)')
        if (logRet >= 0) this.installAt(e, t, logRet, true, false)
        return
      }
      if (logRet >= 0) this.installAt(e, t, logRet, true, true)
      else if (logRet !== -EBADF) this.elsewhere(e)
      return
    }
    this.unsup(e)
    this.useFd(e, t, fd, 'any', e.errno === 'EBADF')
    if (e.ret !== null && e.ret > 2) {
      ;(t.table.suspects ??= new Set()).add(e.ret)
    }
  }

  /**
   * An fd installed by a route the model does not implement (fd-returning ioctls, SCM_PIDFD,
   * SO_PEERPIDFD, pidfd_getfd): the kernel gave the lowest free fd (@check: compared with the
   * model's), and the fd is installed at @n so that numbering stays right.
   */
  installAt(e: SyscallEvent, t: Task, n: number, cloexec: boolean, check: boolean): void {
    if (n < 0) return
    this.needLimitAbove(t, n)
    this.inh.prepareAlloc(t, 0, n)
    if (check && !t.table.invisible && !this.rec.filtered) {
      const m = this.model.lowestFree(t.mtid, 0)
      this.outcome(e, t, m === n, n, m, 'the lowest free fd')
    }
    if (this.model.slot(t.mtid, n) === 'open') this.fix(t, 'close', [n])
    this.model.inherit(t.mtid, n, { flags: F.O_RDWR, modeKnown: false, cloexec, kind: 'anon', path: `/anon/${e.name}` })
    t.table.known.add(n)
  }

  /** getsockopt: SO_PEERPIDFD returns a new pidfd in the option value. */
  getsockopt(e: SyscallEvent, t: Task, uses: readonly FdUse[]): void {
    const opt = e.arg(2) ?? ''
    if (opt !== 'SO_PEERPIDFD' && !opt.startsWith('0x4d ') && opt !== '0x4d' && opt !== '77') {
      this.genericUse(e, t, uses)
      return
    }
    this.rec.fdSyscalls++
    const fd = intArg(e.arg(0))
    const logRet = this.logRet(e)
    if (fd !== undefined) this.useFd(e, t, fd, 'any', logRet === -EBADF)
    if (logRet < 0) {
      if (logRet !== -EBADF) this.elsewhere(e)
      return
    }
    const got = intArray(e.arg(3))?.[0]
    if (got !== undefined) this.installAt(e, t, got, true, true)
  }

  /** pipe/pipe2/socketpair: two fds in an array argument. */
  pair(e: SyscallEvent, t: Task, name: 'pipe2' | 'socketpair'): void {
    this.rec.fdSyscalls++
    const logRet = this.logRet(e)
    if (logRet < 0 && decidedElsewhere(e, false)) {
      this.elsewhere(e)
      return
    }
    const arrIdx = name === 'pipe2' ? 0 : 3
    const fds = intArray(e.arg(arrIdx))
    let args: ModelArg[]
    const out = new Int32Array(2)
    if (name === 'pipe2') {
      const flags = e.name === 'pipe' ? 0 : (parseFlagWord(e.arg(1), OPEN_AND_CREATE_FLAGS)?.value ?? 0)
      args = [out, flags]
    } else {
      const dom = parseFlagWord(e.arg(0), DOMAINS)?.value ?? 1
      const type = parseFlagWord(e.arg(1), CREATE_FLAGS)?.value ?? 1
      const proto = intArg(e.arg(2)) ?? 0
      args = [dom, type, proto, out]
    }
    if (logRet === 0 && fds && fds.length === 2) {
      this.inh.prepareAlloc(t, 0, fds[0]!)
      t.table.known.add(fds[0]!)
      this.inh.prepareAlloc2(t, fds[0]!, fds[1]!)
    } else if (logRet === -EMFILE) this.prepareEmfile(e, t, 0, 2)
    const oracleRet = logRet === -EMFILE ? 0 : logRet
    const m = this.run(e, t, name, args, { ret: oracleRet, kind: name === 'pipe2' ? 'pipe' : 'sock' })
    if (logRet === 0 && fds && fds.length === 2) {
      if (m !== 0) {
        this.outcome(e, t, false, `[${fds[0]}, ${fds[1]}]`, m)
        this.correctAlloc(t, fds[0]!, -1, { flags: name === 'pipe2' ? F.O_RDONLY : F.O_RDWR })
        this.correctAlloc(t, fds[1]!, -1, { flags: name === 'pipe2' ? F.O_WRONLY : F.O_RDWR })
      } else {
        this.checkAlloc(e, t, fds[0]!, out[0]!)
        this.checkAlloc(e, t, fds[1]!, out[1]!)
      }
    } else {
      this.outcome(e, t, m === logRet, logRet, m === 0 ? `[${out[0]}, ${out[1]}]` : m)
      if (m === 0 && logRet !== 0) {
        this.fix(t, 'close', [out[0]!])
        this.fix(t, 'close', [out[1]!])
      }
    }
  }

  /** recvmsg/recvmmsg: fds arriving with SCM_RIGHTS are allocated in the receiver. */
  recvmsg(e: SyscallEvent, t: Task): void {
    this.rec.fdSyscalls++
    const fd = intArg(e.arg(0))
    if (fd === undefined) return this.undecodable(e, t)
    const logRet = this.logRet(e)
    this.useFd(e, t, fd, 'any', logRet === -EBADF)
    if (logRet < 0) return
    const msg = e.arg(1)
    const got = scmRights(msg)
    if (got.length === 0) {
      this.scmPidfd(e, t, msg)
      return
    }
    const flags = e.arg(2) ?? ''
    const cloexec = flags.includes('MSG_CMSG_CLOEXEC')
    for (let i = 0; i < got.length; i++) {
      this.inh.prepareAlloc(t, 0, got[i]!)
      t.table.known.add(got[i]!)
    }
    const out = new Int32Array(got.length)
    if (this.model.supports('recvmsg_scm')) {
      const m = this.run(e, t, 'recvmsg_scm', [fd, got.length, cloexec ? 1 : 0, out], { ret: logRet, kind: 'reg' })
      if (m < 0) {
        this.outcome(e, t, false, `[${got.join(', ')}]`, m)
        for (const g of got) this.correctAlloc(t, g, -1, { flags: F.O_RDWR, cloexec })
        return
      }
      for (let i = 0; i < got.length; i++) this.checkAlloc(e, t, got[i]!, out[i]!, { cloexec })
    } else {
      this.unsup(e, 'recvmsg(SCM_RIGHTS)')
      for (const g of got) this.correctAlloc(t, g, -1, { flags: F.O_RDWR, cloexec })
    }
    this.scmPidfd(e, t, msg)
  }

  /**
   * SCM_PIDFD (SO_PASSPIDFD sockets, v6.5): scm_pidfd_recv installs a pidfd after the SCM_RIGHTS
   * fds. strace 6.1 does not print its number: the kernel took the lowest free fd.
   */
  private scmPidfd(e: SyscallEvent, t: Task, msg: string | undefined): void {
    for (const c of scmPidfds(msg)) {
      const n = c ?? this.model.lowestFree(t.mtid, 0)
      this.installAt(e, t, n, true, c !== undefined)
    }
  }

  sendmsg(e: SyscallEvent, t: Task, uses: readonly FdUse[]): void {
    this.genericUse(e, t, uses)
    if (e.errno === 'EBADF') return
    // the fds passed must be open in the sender (scm_fp_copy uses fget_raw)
    for (const fd of scmRights(e.arg(1))) this.useFd(e, t, fd, 'raw', false)
  }

  mmap(e: SyscallEvent, t: Task): void {
    const flags = e.arg(3) ?? ''
    const fd = intArg(e.arg(4))
    if (flags.includes('MAP_ANONYMOUS') || (parseFlagWord(flags, NO_NAMES)?.value ?? 0) & MAP_ANONYMOUS || fd === undefined || fd === -1) {
      this.rec.ignore(e.name)
      return
    }
    this.rec.fdSyscalls++
    this.useFd(e, t, fd, 'any', e.errno === 'EBADF')
  }

  open(e: SyscallEvent, t: Task): void {
    const name = e.name
    let dirfd = F.AT_FDCWD
    let pathArg: string | undefined
    let flags = 0
    let mode = 0
    if (name === 'open') {
      pathArg = e.arg(0)
      flags = parseFlagWord(e.arg(1), OPEN_FLAGS)?.value ?? 0
      mode = intArg(e.arg(2)) ?? 0
    } else if (name === 'creat') {
      pathArg = e.arg(0)
      flags = F.O_CREAT | F.O_WRONLY | F.O_TRUNC
      mode = intArg(e.arg(1)) ?? 0
    } else {
      dirfd = intArg(e.arg(0)) ?? F.AT_FDCWD
      pathArg = e.arg(1)
      if (name === 'openat2') {
        const how = e.arg(2)
        flags = parseFlagWord(structField(how, 'flags'), OPEN_FLAGS)?.value ?? 0
        mode = intArg(structField(how, 'mode')) ?? 0
      } else {
        flags = parseFlagWord(e.arg(2), OPEN_FLAGS)?.value ?? 0
        mode = intArg(e.arg(3)) ?? 0
      }
    }
    const quoted = parseQuoted(pathArg)
    const path = quoted?.value ?? ''
    const logRet = this.logRet(e)
    if (logRet < 0 && (OPEN_BEFORE_FD.has(e.errno ?? '') || (quoted === undefined && logRet !== -EMFILE))) {
      // build_open_flags and getname fail before an fd is reserved (an unreadable path included)
      this.rec.fdSyscalls++
      this.elsewhere(e)
      return
    }
    const created = flags & F.O_CREAT ? (flags & F.O_EXCL ? true : undefined) : false
    this.procFd(e, t) // opening /proc/self/fd/N also says whether fd N is open
    // the dirfd is looked at during the path walk, after the fd is reserved
    if (dirfd !== F.AT_FDCWD && !path.startsWith('/') && path !== '') {
      if (!this.inh.prepareUse(t, dirfd, logRet === -EBADF, 'dirfd')) return
    }
    const kind = decorKind(e.retDecor) ?? (flags & F.O_DIRECTORY ? 'dir' : 'reg')
    const modelName = name === 'creat' ? 'creat' : name === 'open' ? 'open' : 'openat'
    const args: ModelArg[] = modelName === 'creat' ? [path, mode] : modelName === 'open' ? [path, flags, mode] : [F.AT_FDCWD, path, flags, mode]
    if (!Number.isNaN(logRet) && logRet === -EBADF && dirfd !== F.AT_FDCWD) {
      // EBADF from the dirfd: the walk failed after the reservation
      this.rec.fdSyscalls++
      this.inh.prepareAlloc(t, 0, this.model.lowestFree(t.mtid, 0))
      const m = this.run(e, t, modelName, args, { ret: -EBADF, kind })
      this.useFd(e, t, dirfd, 'dirfd', true)
      if (m >= 0) this.fix(t, 'close', [m])
      return
    }
    this.create(e, t, modelName, args, 0, kind, undefined, created)
  }

  undecodable(e: SyscallEvent, _t: Task): void {
    this.unsup(e, `${e.name}(undecoded)`)
  }

  // -------------------------------------------------------------------------------------------
  // Process calls

  clone(e: SyscallEvent, t: Task): void {
    this.rec.fdSyscalls++
    const ret = e.ret
    const spec = this.speculated.get(t)
    this.speculated.delete(t)
    if (ret === null || ret < 0) return
    const { flags, pidfdLog } = cloneArgs(e.name, e.argsText)
    const child = ret
    const wantPidfd = (flags & F.CLONE_PIDFD) !== 0 && pidfdLog !== undefined
    if (spec && (spec.child === child || t.nsForeign)) {
      // created when its first line appeared: only the pidfd is left to compare
      if (wantPidfd) this.checkAlloc(e, t, pidfdLog!, spec.pidfd, { cloexec: true })
      return
    }
    if (t.nsForeign) {
      // the result is the child's pid in the caller's namespace: the child is named by the log's
      // prefix, a pid nobody created yet (held back while clones were in flight, or still to come)
      if (wantPidfd) this.inh.prepareAlloc(t, 0, pidfdLog!)
      const held = [...this.tree.buffered.keys()].find((p) => !this.tree.tasks.has(p))
      const r = this.spawnChild(t, flags, held ?? -1, wantPidfd, e.startLine)
      if (r.ret < 0) {
        this.outcome(e, t, false, child, r.ret)
        return
      }
      if (wantPidfd) this.checkAlloc(e, t, pidfdLog!, r.pidfd, { cloexec: true })
      if (held !== undefined) this.releaseBuffered(held, false)
      else this.tree.adoptable.push(r.task!)
      return
    }
    if (this.tree.tasks.has(child)) return // a pid seen before its clone (already spawned as a root): keep it
    if (wantPidfd) this.inh.prepareAlloc(t, 0, pidfdLog!)
    const r = this.spawnChild(t, flags, child, wantPidfd, e.startLine)
    if (this.opts.onTrace) this.trace(e, t)
    if (r.ret < 0) {
      this.outcome(e, t, false, child, r.ret)
      this.spawnRoot(child)
    } else if (wantPidfd) this.checkAlloc(e, t, pidfdLog!, r.pidfd, { cloexec: true })
    this.releaseBuffered(child, false)
  }

  /** Creates the child task in the model and the replayer. */
  private spawnChild(t: Task, flags: number, child: number, wantPidfd: boolean, cloneStart: number): { ret: number; pidfd: number; task?: Task } {
    if (t.table.win !== null) this.closeWindow(t.table)
    // the copy happened somewhere inside the clone: calls of other threads that ended or were
    // in flight meanwhile may be in it or not
    const unsure = t.table.winWriters > 0 || t.table.lastModEnd > cloneStart
    const pidfd = new Int32Array(1).fill(-1)
    if (this.model.drainTrace && !this.opts.onTrace) this.model.drainTrace()
    const childM = this.tree.mtidFor(child)
    const r = this.model.clone(t.mtid, flags, childM, wantPidfd ? pidfd : undefined)
    if (r < 0) return { ret: r, pidfd: -1 }
    const thread = (flags & F.CLONE_THREAD) !== 0
    const proc: Proc = thread ? t.proc : { pid: child, limitKnown: t.proc.limitKnown, limitInferred: t.proc.limitInferred, tasks: new Set() }
    if (!thread) this.rec.processes++
    const table = this.model.table(childM)?.id === t.table.id ? t.table : this.tree.tableInfo(childM, t.table)
    if (table !== t.table && unsure) table.copyUncertain = true
    const task = this.tree.addTask(child, childM, proc, table)
    if (child < 0) this.tree.tasks.delete(child) // named when its pid shows up (adopt)
    task.nsForeign = thread ? t.nsForeign : t.nsForeign || t.childNsForeign || (flags & CLONE_NEWPID) !== 0
    task.childNsForeign = thread ? t.childNsForeign : false
    return { ret: r, pidfd: pidfd[0]!, task }
  }

  /**
   * A pid nobody created yet shows up while exactly one clone is in flight: it is that clone's
   * child (strace prints a child's first lines before its parent's clone returns). It is created
   * now, with the flags the clone's first line shows, so that its calls keep their place in the
   * log's order. Returns undefined when the parent cannot be told.
   */
  private speculate(pid: number): Task | undefined {
    if (this.clonesInFlight !== 1) return undefined
    let parent: Task | undefined
    for (const t of this.tree.tasks.values()) if (t.inflight?.clone) parent = t
    if (!parent || !parent.inflight || this.speculated.has(parent)) return undefined
    const { flags } = cloneArgs(parent.inflight.name, parent.inflight.argsText)
    if (parent.inflight.name === 'clone' && !/flags=/.test(parent.inflight.argsText)) return undefined
    const r = this.spawnChild(parent, flags, pid, (flags & F.CLONE_PIDFD) !== 0, parent.inflight.line)
    if (r.ret < 0) return undefined
    this.speculated.set(parent, { child: pid, pidfd: r.pidfd })
    return this.tree.tasks.get(pid)
  }

  execve(e: SyscallEvent, t: Task, uses: readonly FdUse[] | undefined): void {
    this.rec.fdSyscalls++
    const ret = this.logRet(e)
    if (ret !== 0) {
      if (uses && ret === -EBADF) this.genericUse(e, t, uses)
      return // a failed exec closes nothing
    }
    // de_thread: the other threads of the process are gone
    for (const o of [...t.proc.tasks]) if (o !== t && o.tid !== e.startPid && o.tid !== t.proc.pid) this.endTask(o, 0)
    let execer = t
    if (e.startPid !== e.pid) {
      const s = this.tree.tasks.get(e.startPid)
      if (s && s !== t) {
        if (this.model.table(t.mtid) === undefined) {
          // the leader was gone: the thread takes its pid
          this.endTask(t, 0)
          this.tree.tasks.delete(s.tid)
          s.tid = t.tid
          this.tree.tasks.set(s.tid, s)
          execer = s
        } else this.endTask(s, 0)
      }
    }
    const before = execer.table
    if (before.origin !== null && (!before.origin.cloexecKnown || before.cloexecFuzzy)) {
      for (const [fd, v] of before.origin.resolved) if (v && this.inh.undetermined(before, fd)) this.inh.resolve(execer, fd, true)
    }
    const path = parseQuoted(e.arg(e.name === 'execveat' ? 1 : 0))?.value ?? ''
    const m = this.run(e, execer, 'execve', [path], { ret: 0 })
    this.outcome(e, execer, m === 0, '0', m)
    this.tree.refreshTable(execer)
    const tb = execer.table
    if (tb.origin !== null && (!tb.origin.cloexecKnown || tb.cloexecFuzzy)) {
      // undetermined fds that were close-on-exec are gone, the others stay: a fresh unknown
      tb.origin = { pid: execer.proc.pid, resolved: new Map(), cloexecKnown: true }
      tb.cloexecFuzzy = false
    }
  }

  unshare(e: SyscallEvent, t: Task): void {
    const flags = parseFlagWord(e.arg(0), CLONE_FLAGS)?.value ?? 0
    if (flags & CLONE_NEWPID && e.ret === 0) t.childNsForeign = true
    if (!(flags & F.CLONE_FILES)) {
      this.rec.ignore('unshare')
      return
    }
    this.rec.fdSyscalls++
    const logRet = this.logRet(e)
    if (logRet !== 0) return // refused for reasons outside the table (EPERM, EINVAL for other flags)
    const m = this.run(e, t, 'unshare', [F.CLONE_FILES], null)
    this.outcome(e, t, m === 0, '0', m)
    this.tree.refreshTable(t)
  }

  /** setrlimit/prlimit64/getrlimit for RLIMIT_NOFILE. */
  rlimit(e: SyscallEvent, t: Task): void {
    const name = e.name
    const resIdx = name === 'prlimit64' ? 1 : 0
    if (e.arg(resIdx) !== 'RLIMIT_NOFILE') {
      this.rec.ignore(name)
      return
    }
    this.rec.fdSyscalls++
    if (e.ret !== 0) return
    let target = t
    if (name === 'prlimit64') {
      const pid = intArg(e.arg(0)) ?? 0
      if (pid !== 0 && pid !== t.proc.pid) {
        const o = this.tree.tasks.get(pid)
        if (!o) return
        target = o
      }
    }
    const newArg = name === 'getrlimit' ? undefined : e.arg(resIdx + 1)
    const oldArg = name === 'prlimit64' ? e.arg(3) : name === 'getrlimit' ? e.arg(1) : undefined
    const old = parseRlimit(oldArg)
    if (old) {
      if (target.proc.limitKnown) {
        const have = this.model.nofile(target.mtid)
        this.outcome(e, t, have.cur === old.rlim_cur, `rlim_cur=${old.rlim_cur}`, `rlim_cur=${have.cur}`)
      } else this.setLimit(target, Math.min(old.rlim_cur, UNKNOWN_NOFILE), true)
    }
    const nw = parseRlimit(newArg)
    if (nw) this.setLimit(target, Math.min(nw.rlim_cur, UNKNOWN_NOFILE), true)
  }

  // -------------------------------------------------------------------------------------------
  // Windows of overlapping calls

  /**
   * Replays the calls held while table-writing calls of several threads overlapped. They may
   * have taken effect in any order that keeps each call between its first and its last line (a
   * call that ended before another started comes first). A depth-first search over those
   * orders, on fd occupancy alone, looks for one in which every call gets the result the log
   * shows; the calls are then replayed through the model in that order and checked as usual. If
   * no such order is found within the search budget, they are replayed in the order they
   * finished and a disagreement is undecided. So is a disagreement in a window closed while
   * some of its calls were still in flight (their effects may belong before the held calls).
   */
  private closeWindow(tb: Table): void {
    const q = tb.win
    // Closed while calls are still in flight (a clone, exec or exit of a thread, a full window):
    // their effects may belong before some of the held calls, so the order found is only a guess.
    const partial = tb.winWriters > 0
    tb.win = partial ? [] : null
    if (!q || q.length === 0) return
    this.rec.windows++
    const order = q.length > 1 ? this.findOrder(q) : [0]
    if (order && !partial) this.rec.windowsOrdered++
    const prev = this.windowMode
    this.windowMode = order && !partial ? 'ordered' : 'unordered'
    try {
      for (const i of order ?? q.map((_, k) => k)) {
        const { e, t } = q[i]!
        if (!this.tree.tasks.has(t.tid) || this.tree.tasks.get(t.tid) !== t) continue
        this.rec.syscalls++
        this.line = e.line
        this.dispatchCall(e, t, CALLS.get(e.name))
      }
    } finally {
      this.windowMode = prev
    }
  }

  /** The planner's view of @tb before the held calls: free, open with a mode, or undetermined. */
  private findOrder(q: Queued[]): number[] | null {
    const mtid = q[0]!.t.mtid
    const tb = q[0]!.t.table
    const model = this.model
    return planOrder({
      calls: q.map((x) => x.e),
      predictorOf: (name) => CALLS.get(name)?.predict,
      slot: (fd: number): Slot => {
        if (this.inh.undetermined(tb, fd)) {
          const v = tb.origin!.resolved.get(fd)
          return v === undefined ? undefined : v ? MODE_UNKNOWN : false
        }
        if (model.slot(mtid, fd) === 'free') return false
        const f = model.file(mtid, fd)
        return f && f.modeKnown ? f.flags & OPEN_MODE_MASK : MODE_UNKNOWN
      },
    })
  }

  /** Ends the replay (pending calls were already flushed by the reader) and builds the record. */
  finish(lines: number): ReplayRecord {
    this.flushBuffered()
    for (const tb of [...this.tree.tables.values()]) if (tb.win !== null) this.closeWindow(tb)
    return this.rec.finish(this.opts.file, lines, this.model.profile)
  }
}

/** Replays a whole log given as events (tests, small logs). */
export function replayEvents(model: ReplayModel, events: Iterable<StraceEvent>, opts: ReplayOptions, lines: number): ReplayRecord {
  const r = new Replayer(model, opts)
  for (const e of events) r.event(e)
  return r.finish(lines)
}
