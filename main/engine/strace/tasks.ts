/**
 * The replayer's view of the processes of a log: tasks (named by the log's pid prefix), their
 * processes and fd tables, and what is known of the fds a root table inherited.
 */
import type { SyscallEvent } from './parse'
import type { IntervalSet } from './intervals'

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

