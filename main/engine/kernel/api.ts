/**
 * The kernel API lab C kernel code may call (drivers, callbacks, kernel functions), and the system
 * calls user code may make: names, signatures, docs, the profiles that have them, and the
 * implementation. The lab C type checker, completion and hover docs read this registry.
 * Conventions are the kernel's: negative errno, NULL for "no file".
 */
import type { KGen, Kernel } from '../sim/context'
import type { ProfileName } from '../sim/profile'
import type { CallbackHead, File, FilesStruct, Mutex, SpinLock, StructFd, Task } from './include/types'
import * as F from './fs/file'
import * as FT from './fs/file_table'
import * as O from './fs/open'
import { get_file, file_count, checkFileMem } from './include/file_ref'
import { init_task_work, task_work_add, task_work_cancel_match } from './kernel/task_work'
import { in_interrupt, might_sleep, spin_lock, spin_unlock, mutex_lock, mutex_unlock } from './kernel/locking'
import { rcu_read_lock, rcu_read_unlock, synchronize_rcu, call_rcu } from './kernel/rcupdate'
import { schedule_delayed_work } from './kernel/workqueue'
import { binder_deferred_fd_close } from './drivers/android/binder'

/** Types as lab C spells them. */
export type ApiType =
  | 'void' | 'int' | 'unsigned int' | 'long' | 'unsigned long' | 'bool' | 'const char *'
  | 'struct file *' | 'struct fd' | 'struct task_struct *' | 'struct files_struct *' | 'spinlock_t *' | 'struct mutex *'
  | 'callback' | '...'

/** A lab C callback as the engine runs it: kernel code taking the callback_head. */
export type KCallback = ((k: Kernel, head: CallbackHead) => KGen<void>) & { kname?: string }

export interface KernelApiEntry {
  readonly name: string
  readonly ret: ApiType
  readonly params: readonly { readonly name: string; readonly type: ApiType }[]
  readonly doc: string
  /** Kernel source of the real function. */
  readonly kernel: string
  /** Profiles that have this name (all when absent). */
  readonly profiles?: readonly ProfileName[]
  /** Context rule shown in docs ("may sleep", "file_lock held"...). */
  readonly context?: string
  readonly impl: (k: Kernel, args: readonly unknown[]) => KGen<unknown>
}

const p = (name: string, type: ApiType) => ({ name, type })
function* ret<T>(v: T): KGen<T> { return v }

const asFile = (v: unknown): File => v as File
const asFd = (v: unknown): StructFd => v as StructFd

export const KERNEL_API: Readonly<Record<string, KernelApiEntry>> = Object.fromEntries(([
  { name: 'fdget', ret: 'struct fd', params: [p('fd', 'unsigned int')], kernel: 'fs/file.c', context: 'process context',
    doc: 'Look up fd for the duration of a syscall. Borrows (no refcount) when current->files is not shared, else takes a reference (FDPUT_FPUT). Pair with fdput.',
    impl: (k, a) => F.fdget(k, Number(a[0]) >>> 0) },
  { name: 'fdget_raw', ret: 'struct fd', params: [p('fd', 'unsigned int')], kernel: 'fs/file.c',
    doc: 'fdget that also finds O_PATH files. Pair with fdput.', impl: (k, a) => F.fdget_raw(k, Number(a[0]) >>> 0) },
  { name: 'fdget_pos', ret: 'struct fd', params: [p('fd', 'unsigned int')], kernel: 'fs/file.c', context: 'may sleep',
    doc: 'fdget plus f_pos_lock when the position may be shared (FDPUT_POS_UNLOCK). Pair with fdput_pos.', impl: (k, a) => F.fdget_pos(k, Number(a[0]) >>> 0) },
  { name: 'fdput', ret: 'void', params: [p('f', 'struct fd')], kernel: 'include/linux/file.h',
    doc: 'End a struct fd from fdget/fdget_raw: fput only if fdget took a reference.', impl: (k, a) => F.fdput(k, asFd(a[0])) },
  { name: 'fdput_pos', ret: 'void', params: [p('f', 'struct fd')], kernel: 'fs/file.c',
    doc: 'Unlock f_pos_lock if fdget_pos took it, then fdput.', impl: (k, a) => F.fdput_pos(k, asFd(a[0])) },
  { name: 'fget', ret: 'struct file *', params: [p('fd', 'unsigned int')], kernel: 'fs/file.c',
    doc: 'Take a counted reference to the file at fd (NULL if none or O_PATH). Drop it with fput.', impl: (k, a) => F.fget(k, Number(a[0]) >>> 0) },
  { name: 'fget_raw', ret: 'struct file *', params: [p('fd', 'unsigned int')], kernel: 'fs/file.c',
    doc: 'fget that also finds O_PATH files.', impl: (k, a) => F.fget_raw(k, Number(a[0]) >>> 0) },
  { name: 'fput', ret: 'void', params: [p('file', 'struct file *')], kernel: 'fs/file_table.c', context: 'any',
    doc: 'Drop a reference. The last one queues __fput: task work (TWA_RESUME) in a user task, the delayed-fput list from a kthread or interrupt.',
    impl: (k, a) => FT.fput(k, asFile(a[0])) },
  { name: '__fput_sync', ret: 'void', params: [p('file', 'struct file *')], kernel: 'fs/file_table.c', context: 'may sleep; v6.5: kthreads only',
    doc: 'Drop a reference; if it was the last, run __fput now.', impl: (k, a) => FT.__fput_sync(k, asFile(a[0])) },
  { name: 'get_file', ret: 'struct file *', params: [p('file', 'struct file *')], kernel: 'include/linux/fs.h',
    doc: 'Take an extra reference to a file you already hold one to (a pin). Returns the file.', impl: (k, a) => get_file(k, asFile(a[0])) },
  { name: 'file_count', ret: 'long', params: [p('file', 'struct file *')], kernel: 'include/linux/fs.h',
    doc: 'The number of references (0 once dead). Reading it is racy, as in the kernel.', impl: (k, a) => ret(file_count(k, asFile(a[0]))) },
  { name: 'close_fd', ret: 'int', params: [p('fd', 'unsigned int')], kernel: 'fs/file.c', context: 'process context',
    doc: 'Detach fd from current->files and filp_close it. Returns 0, a ->flush error or -EBADF.', impl: (k, a) => F.close_fd(k, Number(a[0]) >>> 0) },
  { name: 'file_close_fd', ret: 'struct file *', params: [p('fd', 'unsigned int')], kernel: 'fs/file.c', profiles: ['6.18'],
    doc: 'Detach fd from current->files and return its file with the table\'s reference (NULL if not open). v6.8+ name of close_fd_get_file.',
    impl: (k, a) => F.file_close_fd(k, Number(a[0]) >>> 0) },
  { name: 'close_fd_get_file', ret: 'struct file *', params: [p('fd', 'unsigned int')], kernel: 'fs/file.c', profiles: ['6.5'],
    doc: 'Detach fd from current->files and return its file with the table\'s reference (NULL if not open). Renamed file_close_fd in v6.8.',
    impl: (k, a) => F.close_fd_get_file(k, Number(a[0]) >>> 0) },
  { name: 'filp_close', ret: 'int', params: [p('file', 'struct file *'), p('id', 'struct files_struct *')], kernel: 'fs/open.c',
    doc: 'The per-close flush (->flush, dnotify, POSIX locks of id) and one fput (deferred teardown).',
    impl: (k, a) => O.filp_close(k, asFile(a[0]), a[1] as FilesStruct) },
  { name: 'fd_install', ret: 'void', params: [p('fd', 'unsigned int'), p('file', 'struct file *')], kernel: 'fs/file.c',
    doc: 'Publish file at a reserved fd; consumes your reference. Never undo it afterwards.', impl: (k, a) => F.fd_install(k, Number(a[0]) >>> 0, asFile(a[1])) },
  { name: 'get_unused_fd_flags', ret: 'int', params: [p('flags', 'unsigned int')], kernel: 'fs/file.c',
    doc: 'Reserve the lowest free fd below RLIMIT_NOFILE (O_CLOEXEC honoured). -EMFILE when full.', impl: (k, a) => F.get_unused_fd_flags(k, Number(a[0])) },
  { name: 'put_unused_fd', ret: 'void', params: [p('fd', 'unsigned int')], kernel: 'fs/file.c',
    doc: 'Give back an fd reserved by get_unused_fd_flags that was never installed.', impl: (k, a) => F.put_unused_fd(k, Number(a[0]) >>> 0) },
  { name: 'task_work_add', ret: 'int', params: [p('task', 'struct task_struct *'), p('work', 'callback'), p('notify', 'int')], kernel: 'kernel/task_work.c',
    doc: 'Queue work to run when task returns to user space (TWA_RESUME) or exits. -ESRCH once the task ran exit_task_work: then the work will never run.',
    impl: (k, a) => task_work_add(k, a[0] as Task, a[1] as CallbackHead, Number(a[2])) },
  { name: 'task_work_cancel', ret: 'bool', params: [p('task', 'struct task_struct *'), p('work', 'callback')], kernel: 'kernel/task_work.c',
    doc: 'Remove a queued work that has not started running.', impl: function* (k, a) { return (yield* task_work_cancel_match(k, a[0] as Task, (w) => w === a[1])) !== null } },
  { name: 'in_interrupt', ret: 'bool', params: [], kernel: 'include/linux/preempt.h', doc: 'True in hard/soft interrupt context.', impl: (k) => ret(in_interrupt(k)) },
  { name: 'might_sleep', ret: 'void', params: [], kernel: 'include/linux/kernel.h', doc: 'Annotate a point that may sleep: a violation in atomic context.', impl: (k) => ret(might_sleep(k, 'might_sleep()')) },
  { name: 'spin_lock', ret: 'void', params: [p('lock', 'spinlock_t *')], kernel: 'include/linux/spinlock.h', doc: 'Take a spinlock: atomic context until spin_unlock.', impl: (k, a) => spin_lock(k, a[0] as SpinLock) },
  { name: 'spin_unlock', ret: 'void', params: [p('lock', 'spinlock_t *')], kernel: 'include/linux/spinlock.h', doc: 'Release a spinlock.', impl: (k, a) => spin_unlock(k, a[0] as SpinLock) },
  { name: 'mutex_lock', ret: 'void', params: [p('lock', 'struct mutex *')], kernel: 'kernel/locking/mutex.c', context: 'may sleep', doc: 'Take a sleeping lock.', impl: (k, a) => mutex_lock(k, a[0] as Mutex) },
  { name: 'mutex_unlock', ret: 'void', params: [p('lock', 'struct mutex *')], kernel: 'kernel/locking/mutex.c', doc: 'Release a sleeping lock.', impl: (k, a) => mutex_unlock(k, a[0] as Mutex) },
  { name: 'rcu_read_lock', ret: 'void', params: [], kernel: 'include/linux/rcupdate.h', doc: 'Enter an RCU read-side critical section (no sleeping inside).', impl: (k) => rcu_read_lock(k) },
  { name: 'rcu_read_unlock', ret: 'void', params: [], kernel: 'include/linux/rcupdate.h', doc: 'Leave an RCU read-side critical section.', impl: (k) => rcu_read_unlock(k) },
  { name: 'synchronize_rcu', ret: 'void', params: [], kernel: 'kernel/rcu/tree.c', context: 'may sleep', doc: 'Wait for a full grace period.', impl: (k) => synchronize_rcu(k) },
  { name: 'call_rcu', ret: 'void', params: [p('work', 'callback')], kernel: 'kernel/rcu/tree.c', doc: 'Run the callback after a grace period, in softirq context.',
    impl: (k, a) => { const h = a[0] as CallbackHead; return call_rcu(k, h, h.func!, h.func?.kname ?? 'callback') } },
  { name: 'schedule_delayed_work', ret: 'bool', params: [p('work', 'callback'), p('delay', 'unsigned long')], kernel: 'kernel/workqueue.c',
    doc: 'Run the callback in a kworker (a kernel thread) after delay jiffies.',
    impl: (k, a) => {
      const h = a[0] as CallbackHead
      const dw = { id: `work:${h.func?.kname ?? 'fn'}`, name: h.func?.kname ?? 'work', pending: false, due: 0, func: function* (kk: Kernel) { if (h.func) yield* h.func(kk, h) } }
      ;(k.workqueue as unknown as typeof dw[]).push(dw)
      return schedule_delayed_work(k, dw, Number(a[1]))
    } },
  { name: 'flush_delayed_fput', ret: 'void', params: [], kernel: 'fs/file_table.c', doc: 'Run the delayed-fput list now, in the caller (meant for boot-time use).', impl: (k) => FT.flush_delayed_fput(k) },
  { name: 'binder_deferred_fd_close', ret: 'void', params: [p('fd', 'int')], kernel: 'drivers/android/binder.c',
    doc: 'Binder\'s deferred close: file_close_fd, get_file, filp_close, task_work_add(binder_do_fd_close, TWA_RESUME).', impl: (k, a) => binder_deferred_fd_close(k, Number(a[0])) },
  { name: 'printk', ret: 'void', params: [p('fmt', 'const char *'), p('args', '...')], kernel: 'kernel/printk/printk.c', doc: 'Print to the kernel log (the terminal).',
    impl: (k, a) => { const text = formatPrintk(String(a[0]), a.slice(1)); k.printk.push(text); if (k.trace.on) k.trace.emit({ e: 'printk', text }); return ret(undefined) } },
] as KernelApiEntry[]).map((e) => [e.name, e]))

/** init_task_work for a lab C callback: a callback_head whose func runs @fn. */
export function makeCallbackHead(fn: KCallback, container: unknown = null): CallbackHead {
  const h: CallbackHead = { next: null, func: null, container }
  init_task_work(h, fn)
  return h
}

/** Check a file pointer a lab C value holds (use after free/recycle). */
export function checkFilePointer(k: Kernel, f: File, gen: number, where: string): boolean {
  return checkFileMem(k, f, where, gen)
}

export function apiFor(profile: ProfileName): KernelApiEntry[] {
  return Object.values(KERNEL_API).filter((e) => !e.profiles || e.profiles.includes(profile))
}

function formatPrintk(fmt: string, args: readonly unknown[]): string {
  let i = 0
  const s = fmt.replace(/%(-?\d*)(l{0,2}[dius]|p|x|%)/g, (_m, _w, c: string) => {
    if (c === '%') return '%'
    const v = args[i++]
    if (c === 'p') return v && typeof v === 'object' && 'id' in v ? String((v as { id: string }).id) : String(v)
    if (c.endsWith('x')) return Number(v).toString(16)
    return String(v && typeof v === 'object' && 'id' in v ? (v as { id: string }).id : v)
  })
  return s.replace(/^(KERN_\w+|<\d>)\s*/, '').replace(/\n$/, '')
}

/** The system calls user code may make, with their libc-style parameter lists (for docs and checks). */
export const SYSCALL_API: Readonly<Record<string, { params: readonly string[]; doc: string }>> = {
  open: { params: ['const char *path', 'int flags', 'mode_t mode?'], doc: 'Open a path; returns the lowest free fd.' },
  openat: { params: ['int dirfd', 'const char *path', 'int flags', 'mode_t mode?'], doc: 'open relative to dirfd (AT_FDCWD).' },
  creat: { params: ['const char *path', 'mode_t mode'], doc: 'open(path, O_CREAT|O_WRONLY|O_TRUNC, mode).' },
  close: { params: ['int fd'], doc: 'Close fd. The fd is gone whatever the result.' },
  close_range: { params: ['unsigned int first', 'unsigned int last', 'unsigned int flags'], doc: 'Close or mark close-on-exec (CLOSE_RANGE_CLOEXEC) every fd in [first, last]; CLOSE_RANGE_UNSHARE first.' },
  dup: { params: ['int oldfd'], doc: 'Duplicate to the lowest free fd (FD_CLOEXEC clear).' },
  dup2: { params: ['int oldfd', 'int newfd'], doc: 'Duplicate onto newfd, closing what was there. EBUSY if newfd is reserved by an open in flight.' },
  dup3: { params: ['int oldfd', 'int newfd', 'int flags'], doc: 'dup2 with O_CLOEXEC; EINVAL if oldfd == newfd.' },
  fcntl: { params: ['int fd', 'int cmd', 'long arg?'], doc: 'F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_GETFL, F_SETFL, F_SETLK, F_SETLKW, F_GETLK, F_OFD_*.' },
  pipe: { params: ['int fds[2]'], doc: 'A pipe: fds[0] reads, fds[1] writes.' },
  pipe2: { params: ['int fds[2]', 'int flags'], doc: 'pipe with O_CLOEXEC / O_NONBLOCK.' },
  read: { params: ['int fd', 'char buf[]', 'size_t count'], doc: 'Read; blocks on an empty pipe with writers.' },
  write: { params: ['int fd', 'const char *buf', 'size_t count'], doc: 'Write.' },
  lseek: { params: ['int fd', 'off_t offset', 'int whence'], doc: 'Move f_pos (shared by dups and fork children).' },
  ioctl: { params: ['int fd', 'unsigned long cmd', 'unsigned long arg'], doc: 'FIOCLEX, FIONCLEX, or the driver\'s unlocked_ioctl (with a light fdget in a single-threaded process).' },
  socket: { params: ['int domain', 'int type', 'int protocol'], doc: 'A socket fd.' },
  socketpair: { params: ['int domain', 'int type', 'int protocol', 'int sv[2]'], doc: 'Two connected socket fds.' },
  accept4: { params: ['int fd', 'int flags'], doc: 'A new socket fd for a connection.' },
  eventfd: { params: ['unsigned int initval', 'int flags'], doc: 'An eventfd.' },
  epoll_create1: { params: ['int flags'], doc: 'An epoll fd.' },
  epoll_ctl: { params: ['int epfd', 'int op', 'int fd', 'int events', 'long data'], doc: 'Register (file, fd) in an epoll set.' },
  memfd_create: { params: ['const char *name', 'unsigned int flags'], doc: 'An anonymous tmpfs file.' },
  timerfd_create: { params: ['int clockid', 'int flags'], doc: 'A timerfd.' },
  signalfd4: { params: ['int fd', 'int flags'], doc: 'A signalfd (fd -1 creates one).' },
  inotify_init1: { params: ['int flags'], doc: 'An inotify fd.' },
  pidfd_open: { params: ['pid_t pid', 'unsigned int flags'], doc: 'A pidfd (always close-on-exec).' },
  flock: { params: ['int fd', 'int op'], doc: 'LOCK_SH, LOCK_EX, LOCK_UN, LOCK_NB: owned by the open file description.' },
  mkfifo: { params: ['const char *path', 'mode_t mode'], doc: 'Create a FIFO; opening it blocks until the other end opens.' },
  unshare: { params: ['int flags'], doc: 'CLONE_FILES: take a private copy of a shared table.' },
  execve: { params: ['const char *path'], doc: 'Replace the image: close-on-exec fds close, the table is unshared.' },
  wait4: { params: ['pid_t pid', 'int *status'], doc: 'Wait for a child to exit (-1: any).' },
  getrlimit: { params: ['int resource', 'struct rlimit *rlim'], doc: 'RLIMIT_NOFILE.' },
  setrlimit: { params: ['int resource', 'const struct rlimit *rlim'], doc: 'RLIMIT_NOFILE: bounds new fds, not open ones.' },
  getpid: { params: [], doc: 'The process id (tgid).' },
  gettid: { params: [], doc: 'The thread id.' },
}
