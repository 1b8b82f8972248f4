/**
 * Snapshots: frozen, JSON-safe views of the machine at one micro-step, built on demand for what
 * the UI shows (ids instead of pointers). The renderer draws these and computes nothing else.
 */
import type { ProfileName } from '../sim/profile'
import type { Violation } from '../sim/context'

export interface Snapshot {
  readonly step: number
  readonly profile: ProfileName
  readonly jiffies: number
  readonly threads: readonly ThreadView[]
  readonly tasks: readonly TaskView[]
  readonly tables: readonly FilesView[]
  readonly files: readonly FileView[]
  readonly delayedFput: DelayedFputView
  readonly rcu: RcuView
  readonly locks: readonly LockView[]
  readonly violations: readonly Violation[]
  /** What the last micro-step changed (ids), so panes can highlight it. */
  readonly changed: ChangedView
}

export interface ChangedView {
  /** "files#1:3" for fd 3 of files#1 (slot or bits). */
  readonly fds: readonly string[]
  readonly tables: readonly string[]
  readonly files: readonly string[]
  readonly tasks: readonly number[]
  readonly taskWork: readonly number[]
  readonly delayedFput: boolean
  readonly rcu: boolean
  readonly locks: boolean
}

export interface ThreadView {
  readonly tid: number
  readonly comm: string
  readonly kind: 'user' | 'kthread' | 'system'
  readonly status: 'runnable' | 'blocked' | 'done'
  /** What the thread will do at its next micro-step ("spin_lock files#1.file_lock"). */
  readonly next: string
  readonly current: boolean
}

export interface TaskView {
  readonly pid: number
  readonly tgid: number
  readonly comm: string
  readonly flags: readonly string[]
  readonly state: string
  readonly files: string | null
  readonly inKernel: boolean
  readonly atomic: boolean
  readonly rcuReader: boolean
  readonly notifyResume: boolean
  readonly rlimitNofile: { readonly cur: number; readonly max: number }
  /** task_works, head first (the order task_work_run will run them). */
  readonly taskWorks: readonly { readonly fn: string; readonly obj: string | null }[]
  readonly workExited: boolean
  /** Live struct fds; `word` is 6.18's struct fd word (kernel/api.ts fd.word) in hex, null in 6.5. */
  readonly fdsLive: readonly { readonly id: string; readonly fd: number; readonly file: string | null; readonly light: boolean; readonly kind: string; readonly posLocked: boolean; readonly word?: string | null }[]
}

export interface FdSlotView {
  readonly fd: number
  /** File id, or null for a reserved slot (open bit set, slot empty). */
  readonly file: string | null
  readonly cloexec: boolean
  readonly reserved: boolean
}

export interface FilesView {
  readonly id: string
  readonly count: number
  readonly next_fd: number
  readonly max_fds: number
  readonly embedded: boolean
  readonly resize_in_progress: boolean
  readonly lockOwner: number | null
  /** Tasks using this table. */
  readonly users: readonly number[]
  /** Open or reserved slots inside the requested window, ascending. */
  readonly slots: readonly FdSlotView[]
  /** Total open (incl. reserved) fds in the table. */
  readonly openCount: number
  /** The window of fds these views cover. */
  readonly window: { readonly from: number; readonly to: number }
  /** 64-bit words as 16-digit hex, word 0 first, within the window. */
  readonly open_fds: readonly string[]
  readonly close_on_exec: readonly string[]
  readonly full_fds_bits: readonly string[]
}

export type HolderView =
  | { readonly kind: 'fd'; readonly files: string; readonly fd: number }
  | { readonly kind: 'fdget'; readonly task: number; readonly fd: number; readonly light: boolean }
  | { readonly kind: 'pin'; readonly label: string }
  | { readonly kind: 'transaction'; readonly label: string }
  | { readonly kind: 'other'; readonly count: number }

export interface FileView {
  readonly id: string
  readonly gen: number
  readonly path: string
  readonly kind: string
  readonly ops: string
  /** file_count(f): the references, in both profiles. */
  readonly count: number
  /** The profile's raw field: f_count (6.5) or f_ref (6.18, references minus one). */
  readonly raw: { readonly field: 'f_count' | 'f_ref'; readonly value: string }
  readonly f_mode: readonly string[]
  readonly f_flags: string
  readonly f_pos: number
  readonly mem: 'live' | 'dying' | 'rcu_free' | 'free'
  readonly holders: readonly HolderView[]
  /** Table slots holding the file beyond the ones `holders` lists (SnapshotOptions.fdHolders); absent when none. */
  readonly omittedFdHolders?: number
  /** Where the teardown is queued, when dying. */
  readonly queued: 'task_work' | 'delayed_fput' | 'rcu' | null
}

export interface DelayedFputView {
  readonly files: readonly string[]
  readonly workPending: boolean
  readonly due: number | null
}

export interface RcuView {
  readonly completed: number
  readonly gp: { readonly seq: number; readonly waitFor: readonly number[] } | null
  readonly callbacks: readonly { readonly what: string; readonly gp: number }[]
  readonly readers: readonly number[]
}

export interface LockView {
  readonly id: string
  readonly kind: 'posix' | 'ofd' | 'flock'
  readonly owner: string
  readonly type: 'F_RDLCK' | 'F_WRLCK'
  readonly start: number
  readonly end: number
  readonly inode: string
  readonly file: string
}
