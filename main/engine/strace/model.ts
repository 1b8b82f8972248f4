/**
 * The interface between the strace replayer (log side) and the fd model (kernel side).
 *
 * The replayer decodes strace text, keeps the process tree, decides what the log can and cannot
 * tell, and compares outcomes. Everything the kernel decides (fd numbers, EBADF, EMFILE, what exec
 * and close_range close, copies at fork and unshare) is computed by the model behind this
 * interface: the engine (`engineModel.ts`, over Machine.syscallNow and friends).
 */

/** A system call argument in the engine's conventions (kernel/syscalls.ts). */
export type ModelArg = number | string | Int32Array | { rlim_cur: number; rlim_max: number } | ModelFlock | null

/** struct flock for fcntl's lock commands (the model writes F_GETLK answers into it). */
export interface ModelFlock {
  l_type: number
  l_whence: number
  l_start: number
  l_len: number
  l_pid: number
}

/** What the log says about outcomes the fd table does not decide. */
export interface ModelOracle {
  /** The call's result in the log: >= 0, or a negative errno. */
  readonly ret: number
  /** The kind of object a successful open produced (from `-y` decorations or the call). */
  readonly kind?: 'reg' | 'dir' | 'chr' | 'fifo' | 'pipe' | 'sock' | 'anon' | 'lnk'
  /** Whether a successful open created the file; undefined when the log cannot tell. */
  readonly created?: boolean
}

export interface ModelFeatures {
  /** fcntl F_DUPFD_QUERY (v6.10). */
  readonly fcntl_dupfd_query: boolean
  /** fcntl F_CREATED_QUERY (v6.12). */
  readonly fcntl_created_query: boolean
  /** pidfd_open(PIDFD_THREAD) (v6.9). */
  readonly pidfd_thread: boolean
  /** ioctl(pidfd, PIDFD_GET_*_NAMESPACE) (v6.11). */
  readonly pidfd_ns_ioctls: boolean
}

export type SlotState = 'free' | 'reserved' | 'open'

export interface InheritOptions {
  /** f_flags of the file (access mode, O_PATH); default O_RDWR. */
  flags?: number
  /** The mode is a guess (inherited or inferred file): EBADF from a mode check is undecided. */
  modeKnown?: boolean
  cloexec?: boolean
  kind?: ModelOracle['kind']
  path?: string
}

export interface ReplayModel {
  /** Kernel profile name in use ('6.5' or '6.18'). */
  readonly profile: string
  /** What the profile's kernel has of the features added after 6.5 that a log may show. */
  readonly features: ModelFeatures
  /** A root process (no parent in the log) with an empty fd table. */
  spawn(tid: number, comm: string, nofile: { cur: number; max: number }): void
  /**
   * clone/fork/vfork/clone3 by @tid creating @childTid, with CLONE_* @flags. With CLONE_PIDFD the
   * pidfd number is written to pidfd[0]. Returns the child tid or a negative errno.
   */
  clone(tid: number, flags: number, childTid: number, pidfd?: Int32Array): number
  /** Whether `syscall` implements @name. */
  supports(name: string): boolean
  /** Runs one system call of @tid to completion now; returns the raw kernel value (fd, 0, -errno). */
  syscall(tid: number, name: string, args: readonly ModelArg[], oracle: ModelOracle | null): number
  /** The task ends (exit, exit_group, killed, or killed by another thread's exec). */
  exit(tid: number, code: number): void
  /** Installs a file of unknown origin at @fd (an inherited or inferred fd). */
  inherit(tid: number, fd: number, opts: InheritOptions): void
  /** State of slot @fd in @tid's table. */
  slot(tid: number, fd: number): SlotState
  /** Whether @fd is close-on-exec in @tid's table. */
  cloexec(tid: number, fd: number): boolean
  /**
   * f_flags of the file at @fd, whether its mode is known, and whether the model knows if its open
   * created the file (F_CREATED_QUERY); undefined if the slot is empty.
   */
  file(tid: number, fd: number): { flags: number; modeKnown: boolean; created: boolean | undefined } | undefined
  /** The log told what the model could not: whether the file at @fd was created by its open. */
  learnCreated(tid: number, fd: number, created: boolean | undefined): void
  /** Identity of @tid's fd table and how many tasks share it; undefined for an unknown or dead task. */
  table(tid: number): { id: string; count: number } | undefined
  /** The lowest fd >= @start that is neither open nor reserved. */
  lowestFree(tid: number, start: number): number
  /** RLIMIT_NOFILE of @tid's process. */
  nofile(tid: number): { cur: number; max: number }
  /** Kernel trace of the calls run since the last call, function_graph-style (for --trace). */
  drainTrace?(): string[]
}
