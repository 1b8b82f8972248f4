/**
 * Shapes of the kernel objects fdlab models, reduced to what the labs observe.
 * @kernel include/linux/fs.h, include/linux/fdtable.h, include/linux/sched.h, include/linux/file_ref.h,
 *         include/linux/file.h, include/linux/filelock.h, include/linux/pipe_fs_i.h
 * Objects reference each other directly, as the kernel's pointers do; `id` only names them for
 * traces and snapshots (SIM: the kernel uses the address).
 */
import type { Bitmap } from './bitmap'
import type { KGen } from '../../sim/context'
import type { Kernel } from './kernel'

/** A wait queue head (wait_queue_head_t). Tasks sleeping on it are woken by wake_up(). */
export interface WaitQueue {
  readonly id: string
  waiters: Task[]
}

/** spinlock_t. SIM: an owner field checked by lockdep_assert_held(). */
export interface SpinLock {
  readonly id: string
  owner: Task | null
}

/** struct mutex (sleeping lock). */
export interface Mutex {
  readonly id: string
  owner: Task | null
  wait: WaitQueue
}

/** struct callback_head: a task_work / RCU callback node, embedded in its container. */
export interface CallbackHead {
  next: CallbackHead | null
  func: CallbackFn | null
  /** SIM: the containing object (container_of), e.g. the struct file of f_task_work. */
  container: unknown
}
export type CallbackFn = ((k: Kernel, head: CallbackHead) => KGen<void>) & { readonly kname?: string }

/** file_operations. Every hook is optional, as in the kernel. */
export interface FileOperations {
  readonly name: string
  /** SIM: the module owning f_op ("" for built-in); fops_get/fops_put are traced with a note. */
  readonly owner?: string
  open?: (k: Kernel, inode: Inode, file: File) => KGen<number>
  flush?: (k: Kernel, file: File, id: FlOwner) => KGen<number>
  release?: (k: Kernel, inode: Inode, file: File) => KGen<number>
  fasync?: (k: Kernel, fd: number, file: File, on: number) => KGen<number>
  read?: (k: Kernel, file: File, count: number, pos: { v: number }) => KGen<number | ReadResult>
  write?: (k: Kernel, file: File, data: Uint8Array, pos: { v: number }) => KGen<number>
  llseek?: (k: Kernel, file: File, offset: number, whence: number) => KGen<number>
  unlocked_ioctl?: (k: Kernel, file: File, cmd: number, arg: number) => KGen<number>
  /** Directories have iterate_shared; fdget_pos always locks them. */
  iterate_shared?: boolean
}
export interface ReadResult { n: number; data: Uint8Array }

/** fl_owner_t: the files_struct for POSIX locks, the struct file for OFD locks and flocks. */
export type FlOwner = FilesStruct | File

/** struct file_lock (POSIX, OFD or flock), reduced. */
export interface FileLock {
  readonly id: string
  fl_owner: FlOwner
  fl_flags: number // FL_POSIX | FL_FLOCK | FL_OFDLCK
  fl_type: number // F_RDLCK | F_WRLCK
  fl_pid: number
  fl_start: number
  fl_end: number
  fl_file: File
}
export const FL_POSIX = 1
export const FL_FLOCK = 2
export const FL_OFDLCK = 1024
export const FL_CLOSE = 64
export const OFFSET_MAX = Number.MAX_SAFE_INTEGER

/** struct file_lock_context (inode->i_flctx). */
export interface FileLockContext {
  flc_posix: FileLock[]
  flc_flock: FileLock[]
  flc_wait: WaitQueue
}

export type InodeKind = 'reg' | 'dir' | 'chr' | 'fifo' | 'pipe' | 'sock' | 'anon' | 'lnk'

/** struct inode, reduced. */
export interface Inode {
  readonly id: string
  readonly i_ino: number
  readonly kind: InodeKind
  /** SIM: file contents for regular files and /dev/null-like devices. */
  data: Uint8Array
  i_size: number
  i_flctx: FileLockContext | null
  i_readcount: number
  i_writecount: number
  /** For pipes and FIFOs. */
  i_pipe: PipeInodeInfo | null
  /** For character devices: the driver whose ops open() installs (SIM: instead of a cdev lookup). */
  i_cdev: string | null
  /** The anon-inode class ("[eventfd]", "[eventpoll]", ...) for anon inodes. */
  anon_name?: string
  /** SIM: path of the dentry (one hard link per inode). */
  path: string
}

/** struct pipe_inode_info, reduced to a byte FIFO with reader/writer counts. */
export interface PipeInodeInfo {
  readonly id: string
  buf: number[]
  readonly capacity: number
  readers: number
  writers: number
  rd_wait: WaitQueue
  wr_wait: WaitQueue
}

/** struct path. SIM: a mount name and the inode's path instead of vfsmount and dentry. */
export interface Path {
  mnt: string
  dentry: Inode
}

/** file_ref_t (v6.13+). The raw value is references minus one, with dead and saturation zones. */
export interface FileRef {
  refcnt: number
}

/** atomic_long_t (v6.5 f_count). */
export interface AtomicLong {
  counter: number
}

/** What state the memory of a struct file is in (SIM: the allocator's view). */
export type FileMemState = 'live' | 'dying' | 'rcu_free' | 'free'

/** struct file. */
export interface File {
  /** The memory slot ("file#3"); a recycled slot keeps its id and bumps `gen`. */
  readonly id: string
  /** Allocation generation of this memory slot (SIM: detects use of a recycled struct file). */
  gen: number
  /** 6.18: file_ref_t f_ref. */
  f_ref: FileRef
  /** 6.5: atomic_long_t f_count. */
  f_count: AtomicLong
  f_mode: number
  f_flags: number
  f_pos: number
  f_pos_lock: Mutex
  f_op: FileOperations
  f_path: Path
  f_inode: Inode
  private_data: unknown
  /** epoll instances watching this file (f_ep). */
  f_ep: File[] | null
  /** Embedded callback_head for ____fput (f_task_work; f_rcuhead in v6.5). */
  f_task_work: CallbackHead
  /** llist node for delayed_fput_list (f_llist). */
  f_llist: File | null
  /** SIM: memory state for the sanitizer. */
  mem: FileMemState
  /** SIM: named extra references (get_file pins) for the "who holds a reference" view. */
  pins: string[]
}

/** struct fdtable. */
export interface Fdtable {
  readonly id: string
  max_fds: number
  fd: (File | null)[]
  open_fds: Bitmap
  close_on_exec: Bitmap
  full_fds_bits: Bitmap
  /** SIM: true for files_struct.fdtab, the embedded 64-slot table. */
  readonly embedded: boolean
}

/** struct files_struct. */
export interface FilesStruct {
  readonly id: string
  count: number
  /**
   * SIM, variant files_count_too_low only: sharers whose clone(CLONE_FILES) the variant hides
   * from __fget_light's count check (never from the table's lifetime).
   */
  count_hidden?: number
  resize_in_progress: boolean
  resize_wait: WaitQueue
  fdt: Fdtable
  fdtab: Fdtable
  file_lock: SpinLock
  next_fd: number
  /** SIM: freed by put_files_struct. */
  freed: boolean
  /**
   * SIM: the names its scheduling points give its parts (Sched.obj, `${id}.fd` and so on), made
   * once with the table rather than as a new string at every step.
   */
  readonly obj: FilesStructObjs
}

/** SIM: the parts of a files_struct as scheduling points name them (FilesStruct.obj). */
export interface FilesStructObjs {
  readonly fd: string
  readonly fdt: string
  readonly open_fds: string
  readonly resize: string
  readonly count: string
}

export interface Rlimit {
  rlim_cur: number
  rlim_max: number
}

/** struct signal_struct, reduced: shared by the threads of a thread group. */
export interface SignalStruct {
  readonly id: string
  rlim_nofile: Rlimit
  nr_threads: number
}

/** struct fd: the result of fdget(). v6.12+ packs it into one word; the model keeps the parts. */
export interface StructFd {
  readonly id: string
  file: File | null
  /** The generation of `file` when the fd was taken (SIM: detects use after free/recycle). */
  gen: number
  /** FDPUT_FPUT | FDPUT_POS_UNLOCK */
  flags: number
  /** The fd number it came from (for messages). */
  fd: number
  /** fdget, fdget_raw or fdget_pos: fdput must match. */
  kind: 'fdget' | 'fdget_raw' | 'fdget_pos'
  owner: Task
  released: boolean
}

export type TaskState = 'running' | 'blocked' | 'zombie' | 'dead'

/** struct task_struct, reduced. */
export interface Task {
  readonly id: string
  /** The task's own id (kernel pid; "tid" to user space). */
  readonly pid: number
  /** Thread group id ("pid" to user space). */
  tgid: number
  comm: string
  flags: number
  files: FilesStruct | null
  /** Head of the LIFO task_works list, or the work_exited sentinel. */
  task_works: CallbackHead | null
  signal: SignalStruct
  real_parent: Task | null
  exit_code: number
  /**
   * SIM: the effective capabilities of the task's cred (a bit per CAP_*), copied to children.
   * Absent: none (the default: no simulated task is privileged).
   */
  cap_effective?: number
  // -- SIM: execution context, not kernel fields --
  state: TaskState
  /** In a system call (or a kernel path): true from syscall entry to return to user mode. */
  in_kernel: boolean
  /** TIF_NOTIFY_RESUME */
  notify_resume: boolean
  /** TIF_NOTIFY_SIGNAL */
  notify_signal: boolean
  /** Spinlocks held / preempt_disable depth: atomic context when > 0. */
  preempt_count: number
  /** Nesting of rcu_read_lock(). */
  rcu_read_lock_nesting: number
  /** SIM: read sections entered so far, so a grace period waits only for sections older than it. */
  rcu_sections: number
  /** SIM: what its rcu_read_lock()/rcu_read_unlock() points name (Sched.obj `rcu:PID`), made once. */
  readonly rcu_obj: string
  /** Hard/soft interrupt context (in_interrupt()). */
  irq_count: number
  /**
   * SIM: the sanitizer's shadow: live struct fd values taken by this task (fdget/fdget_raw/fdget_pos,
   * BORROWED_FD, CLONED_FD) and not yet fdput. Only machine/sanitizer.ts writes it.
   */
  fds_live: StructFd[]
  /** Locks held, for lockdep-style checks and blocking. */
  held: (SpinLock | Mutex)[]
  /** The wait queue this task sleeps on. */
  blocked_on: WaitQueue | null
  /** SIM: a pending SIGKILL (exit_group, de_thread): the task exits at its next chance. */
  sigkill: boolean
  /** vfork parent waiting for exec/exit. */
  vfork_done: WaitQueue | null
}
