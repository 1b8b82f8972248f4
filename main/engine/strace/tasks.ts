/**
 * The replayer's view of the processes of a log: tasks (named by the log's pid prefix), their
 * processes and fd tables, and what is known of the fds a root table inherited.
 */
import type { StraceEvent, SyscallEvent } from './parse'
import { IntervalSet } from './intervals'
import type { ReplayModel } from './model'

/** The state of a root table the log has not shown: decided fd by fd, shared by its copies. */
export interface Origin {
  pid: number
  /** fd → was open. */
  resolved: Map<number, boolean>
  /** Whether undetermined fds are known not to be close-on-exec (after the root's first exec). */
  cloexecKnown: boolean
}

export interface Table {
  id: string
  origin: Origin | null
  /** fds whose state this table has decided (touched, or resolved from the origin). */
  known: IntervalSet
  /** Table-writing calls in flight. */
  inflight: number
  /** Line of the last table-writing call that finished. */
  lastModEnd: number
  /** fds may appear without a visible creator (io_uring, fanotify, fd-returning ioctls). */
  invisible: boolean
  /** Results of ioctls and unknown calls that may be fds. */
  suspects: Set<number> | null
  /** close_range(CLOSE_RANGE_CLOEXEC) covered undetermined fds: their close-on-exec is unknown. */
  cloexecFuzzy: boolean
  users: number
  /** More than one task used it at some time (its tasks' calls may interleave). */
  shared: boolean
  /** Calls held while table-writing calls of its threads overlap (null: no window open). */
  win: Queued[] | null
  /** Window-writing calls in flight. */
  winWriters: number
  /**
   * Copied (fork, unshare) while table-writing calls of other threads were in flight: the copy
   * may hold their effects or not, so a disagreement in it is undecided.
   */
  copyUncertain: boolean
}

/** A finished call held in a window. */
export interface Queued {
  e: SyscallEvent
  t: Task
}

export interface Proc {
  pid: number
  limitKnown: boolean
  /** The model's limit was lowered from a failure the limit explains (EMFILE, EBADF, EINVAL), not read. */
  limitInferred: boolean
  tasks: Set<Task>
}

export interface InFlight {
  /** Counts toward its table's window. */
  win: boolean
  name: string
  argsText: string
  line: number
  table: Table
  writer: boolean
  clone: boolean
}

export interface Task {
  tid: number
  /** tid in the model (differs after an exec by a non-leader thread whose leader was gone). */
  mtid: number
  proc: Proc
  table: Table
  inflight: InFlight | null
  /** Its first lines were held back until its parent's clone returned. */
  reordered: boolean
  /**
   * It lives in a pid namespace other than the tracer's: the pids its clones return are not the
   * pids strace prints (tasks are identified by the log's prefix, never by a returned value).
   */
  nsForeign: boolean
  /** Its children land in another pid namespace (after unshare(CLONE_NEWPID) or setns). */
  childNsForeign: boolean
}


/** Model tids for log tids that cannot be used as they are (0, or reused): above PID_MAX_LIMIT. */
const SYNTHETIC_TID = 4_194_304

/**
 * The tasks of the log by the pid strace prints (never by a value a call returned: inside a pid
 * namespace those differ), their fd tables, and the events held back for pids not known yet.
 */
export class ProcessTree {
  readonly tasks = new Map<number, Task>()
  readonly tables = new Map<string, Table>()
  /** Events of pids that may be the child of a clone still in flight. */
  readonly buffered = new Map<number, StraceEvent[]>()
  bufferedCount = 0
  /** Model tids of live tasks. */
  private readonly usedMtids = new Set<number>()
  private synthetic = 0
  /**
   * Children of clones made inside another pid namespace, created when the clone returned but not
   * yet seen in the log: the next unknown pid of the log is the oldest of them.
   */
  readonly adoptable: Task[] = []
  /** Pids of processes that ended (a lock they held was the model's to know). */
  readonly exited = new Set<number>()

  constructor(private readonly model: ReplayModel) {}

  /** Holds @e back until @pid is known. */
  hold(pid: number, e: StraceEvent): void {
    let list = this.buffered.get(pid)
    if (!list) this.buffered.set(pid, (list = []))
    list.push(e)
    this.bufferedCount++
  }

  /** The held-back events of @pid, no longer held. */
  take(pid: number): StraceEvent[] | undefined {
    const list = this.buffered.get(pid)
    if (!list) return undefined
    this.buffered.delete(pid)
    this.bufferedCount -= list.length
    return list
  }

  /** @t ended: it leaves the tree and its table. */
  remove(t: Task): void {
    if (this.exited.size < 1 << 20) this.exited.add(t.proc.pid)
    this.usedMtids.delete(t.mtid)
    this.tasks.delete(t.tid)
    t.proc.tasks.delete(t)
    this.dropTableUser(t.table)
  }

  /** An unknown pid of the log is the oldest child of a clone made inside another pid namespace. */
  adopt(pid: number): Task {
    const c = this.adoptable.shift()!
    c.tid = pid
    if (c.proc.pid === -1) c.proc.pid = pid
    this.tasks.set(pid, c)
    return c
  }

  /** The model's tid for a log tid (a log without pid prefixes files everything under 0). */
  mtidFor(pid: number): number {
    let m = pid
    if (m <= 0 || this.usedMtids.has(m)) {
      m = SYNTHETIC_TID + this.synthetic++
    }
    this.usedMtids.add(m)
    return m
  }

  addTask(tid: number, mtid: number, proc: Proc, table: Table): Task {
    const t: Task = { tid, mtid, proc, table, inflight: null, reordered: false, nsForeign: false, childNsForeign: false }
    if (++table.users > 1) table.shared = true
    proc.tasks.add(t)
    this.tasks.set(tid, t)
    return t
  }

  /** The Table for the model table of @mtid: existing, or a copy of @from. */
  tableInfo(mtid: number, from: Table | null): Table {
    const id = this.model.table(mtid)?.id ?? `t${mtid}`
    let t = this.tables.get(id)
    if (t) return t
    t = {
      id, origin: from?.origin ?? null, known: from ? from.known.clone() : new IntervalSet(), inflight: 0, lastModEnd: 0,
      invisible: from?.invisible ?? false, suspects: from?.suspects ? new Set(from.suspects) : null,
      cloexecFuzzy: from?.cloexecFuzzy ?? false, users: 0, shared: false, win: null, winWriters: 0,
      copyUncertain: from ? from.copyUncertain || from.winWriters > 0 : false,
    }
    this.tables.set(id, t)
    return t
  }

  /** After a call that may have given @t a new table (exec, unshare, close_range UNSHARE). */
  refreshTable(t: Task): void {
    const id = this.model.table(t.mtid)?.id
    if (id === undefined || id === t.table.id) return
    const next = this.tableInfo(t.mtid, t.table)
    this.dropTableUser(t.table)
    if (++next.users > 1) next.shared = true
    t.table = next
  }

  dropTableUser(tb: Table): void {
    if (--tb.users <= 0) this.tables.delete(tb.id)
  }
}
