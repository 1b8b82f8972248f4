/**
 * The kernel's own globals, and `Kernel`: the context `k` every kernel function takes first. It
 * stands in for `current`, the per-CPU state and the global kernel objects, and carries the
 * simulator's services (sim/context.ts `Sim`: profile, trace, reports, ids, overrides, printk,
 * the replay oracle and the machine's thread services).
 * SIM: the kernel has no such object; its globals are variables and `current` a per-CPU pointer.
 */
import type { KGen, Oracle as SimOracle, Sim, ThreadServices as SimThreadServices } from '../../sim/context'
import type { CallbackHead, File, FileOperations, FilesStruct, Inode, StructFd, Task } from './types'

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

/** What kernel code may ask of the machine that runs it (a simulator service, sim/context.ts). */
export type ThreadServices = SimThreadServices<Kernel, Task>

/** What the log says about the call being replayed (a simulator service, sim/context.ts). */
export type Oracle = SimOracle<Inode['kind']>

/** The simulated file system (the lab's small tree, or the replay oracle). */
export interface Vfs {
  lookup(path: string): Inode | null
  create(path: string, kind: Inode['kind']): Inode | null
  /** Every inode in the tree, for snapshots. */
  all(): Iterable<Inode>
}

export interface Kernel extends Sim<Kernel, Task, Oracle> {
  /** The task running now; set by the scheduler on every resume. */
  current: Task
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
  /** Sentinel of task_work_run at exit (work_exited). */
  readonly work_exited: CallbackHead
  /**
   * SIM: the sanitizer's shadow state: every live struct fd of every task (its checks walk this,
   * not every task). Only machine/sanitizer.ts writes it (and `Task.fds_live`).
   */
  readonly live_fds: Set<StructFd>
  /** Any files_struct ever created, for snapshots and invariants (freed ones removed). */
  readonly all_files_structs: Set<FilesStruct>
}
