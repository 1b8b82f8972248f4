/**
 * The simulated kernel context `k`: the first parameter of every kernel function. It stands in
 * for `current`, the per-CPU state, the global kernel objects and the trace sink.
 */
import type { Profile } from './profile'
import type { TraceLog } from './trace'
import type {
  CallbackHead, File, FileOperations, FilesStruct, Inode, Task, WaitQueue,
} from '../kernel/include/types'

/**
 * A scheduling point. Kernel code yields one of these *before* each access to shared state; the
 * scheduler may switch threads there. `obj` names the object accessed (for partial-order
 * reduction: two steps conflict when they touch the same object and one of them writes); '*'
 * conflicts with everything. `enabled`, when present, tells whether the thread can proceed
 * (a spinlock that is free, a wait queue that was woken).
 */
export interface Sched {
  readonly obj: string
  readonly w: boolean
  readonly what: string
  readonly enabled?: () => boolean
}

/** A kernel path that can be suspended between micro-steps. */
export type KGen<R> = Generator<Sched, R, void>

/** A delayed_work (struct delayed_work), reduced: pending flag and the jiffy it is due. */
export interface DelayedWork {
  readonly id: string
  readonly name: string
  pending: boolean
  due: number
  func: ((k: Kernel) => KGen<void>) & { kname?: string }
}

export interface RcuCallback {
  readonly head: CallbackHead
  readonly what: string
  /** Sequence number of the grace period it waits for (for display). */
  readonly gp: number
  /** The readers inside an RCU read-side section when it was queued, with their section count. */
  readonly waitFor: ReadonlyArray<readonly [Task, number]>
}

/** RCU state: readers, the current grace period and queued callbacks. */
export interface RcuState {
  /** Completed grace periods. */
  completed: number
  /** The grace period in progress: the readers it waits for. */
  gp: { readonly seq: number; waitFor: Set<Task> } | null
  callbacks: RcuCallback[]
}

/** A sanitizer finding, as data. */
export interface Violation {
  readonly rule: string
  readonly severity: 'violation' | 'note'
  readonly message: string
  readonly step: number
  readonly tid: number
  /** Ids of the objects involved. */
  readonly objects: readonly string[]
  /** Index in the trace of the event that reported it. */
  readonly traceIndex: number
}

/** What kernel code may ask of the machine that runs it. */
export interface ThreadServices {
  /** Start a schedulable thread for @task running @body (user programs start in user mode). */
  start(task: Task, body: (k: Kernel) => KGen<void>, kind: 'user' | 'kthread'): void
  /** SIGKILL @task: it exits at its next return to user mode (or at once if it is sleeping). */
  kill(task: Task): void
}

/** What the log says about the call being replayed. */
export interface Oracle {
  /** The call's result in the log: >= 0, or a negative errno. */
  readonly ret: number
  /** The kind of object a successful open/creation produced (from -y decorations or the call). */
  readonly kind?: Inode['kind']
  /** Whether a successful open created the file (FMODE_CREATED); undefined when the log cannot tell. */
  readonly created?: boolean
}

/** The simulated file system (the lab's small tree, or the replay oracle). */
export interface Vfs {
  lookup(path: string): Inode | null
  create(path: string, kind: Inode['kind']): Inode | null
  /** Every inode in the tree, for snapshots. */
  all(): Iterable<Inode>
}

export interface Kernel {
  readonly profile: Profile
  /** The task running now; set by the scheduler on every resume. */
  current: Task
  readonly trace: TraceLog
  /** Logical clock advanced by the scheduler's clock thread. */
  jiffies: number
  readonly tasks: Map<number, Task>
  nextPid: number
  /** Global llist of files whose final __fput waits for the kworker. */
  delayed_fput_list: { first: File | null }
  readonly delayed_fput_work: DelayedWork
  readonly workqueue: DelayedWork[]
  readonly rcu: RcuState
  readonly vfs: Vfs
  /** fs.nr_open */
  sysctl_nr_open: number
  /** fs.file-max and the current count. */
  files_stat: { nr_files: number; max_files: number }
  /** Character-device drivers by name, reached by opening /dev/NAME. */
  readonly drivers: Map<string, FileOperations>
  /** Memory slots of struct files: all ever allocated, and the free list (LIFO, as a slab). */
  readonly filp_cache: { all: File[]; free: File[] }
  /** Id counters for display names. */
  readonly ids: Record<string, number>
  /** Sanitizer: report a finding (never throws). */
  report(rule: string, severity: 'violation' | 'note', message: string, objects?: readonly string[]): void
  readonly violations: Violation[]
  /** Sentinel of task_work_run at exit (work_exited). */
  readonly work_exited: CallbackHead
  /** Every live struct fd of every task (sanitizer checks walk this, not every task). */
  readonly live_fds: Set<import('../kernel/include/types').StructFd>
  /** Any files_struct ever created, for snapshots and invariants (freed ones removed). */
  readonly all_files_structs: Set<FilesStruct>
  /**
   * Replay oracle (strace replay only): outcomes the fd table does not decide, taken from the log
   * for the call being replayed. null in simulations.
   */
  oracle: Oracle | null
  /**
   * Kernel functions a lab replaces by its own (an exercise implements binder_deferred_fd_close):
   * callers that support it look the name up here first.
   */
  readonly overrides: Map<string, (k: Kernel, ...args: never[]) => KGen<unknown>>
  /** The machine's thread services, for fork/clone/exit/exec (machine/ implements them). */
  readonly threads: ThreadServices
  /** Console output of printk. */
  readonly printk: string[]
}

export function nextId(k: Kernel, kind: string): string {
  const n = (k.ids[kind] ?? 0) + 1
  k.ids[kind] = n
  return `${kind}#${n}`
}

/**
 * How many tasks use @files (task->files == files), counting at most @limit.
 */
export function files_users(k: Kernel, files: FilesStruct, limit = Infinity): number {
  let n = 0
  for (const t of k.tasks.values()) if (t.files === files && ++n >= limit) break
  return n
}

/**
 * Sanitizer rule V14 (count exactness, spec §10.3): files_struct.count equals the number of tasks
 * whose files points to it. While a task is being attached or detached the count may exceed the
 * registered users by the ones in flight (@pending); it may never be lower, since the light
 * fdget trusts count == 1 to mean "no other task can touch this table". Called where the count
 * changes or is trusted (copy_files, put_files_struct, __fget_light); machine/sanitizer.ts checks
 * for counts that outlive their users at the end of a run.
 */
export function check_files_count(k: Kernel, files: FilesStruct, pending: number, where: string): void {
  const users = files_users(k, files) + pending
  // Under the hypothetical variant files_count_too_low the sharers clone(CLONE_FILES) did not
  // count are invisible to the kernel's readers: the count they trust is the short one.
  const count = k.profile.variants.files_count_too_low ? files.count - (files.count_hidden ?? 0) : files.count
  if (count >= users) return
  const names: string[] = []
  for (const t of k.tasks.values()) if (t.files === files) names.push(`${t.comm}/${t.pid}`)
  k.report('V14', 'violation',
    `${where}: ${files.id}->count is ${count} but ${users} task(s) use the table (${names.join(', ')}${pending ? ` and ${pending} being attached` : ''}): files_struct.count must be exact (the light fdget trusts count == 1)`,
    [files.id])
}
