/**
 * The names lab C code can call, and their C signatures, per kernel profile:
 * - kernel API (kernel conventions: negative errno, NULL), callable from kernel code only;
 * - system calls (libc conventions: -1 and errno), callable from user code only;
 * - lab builtins (expectation queries, printf/printk, kmalloc, string helpers).
 *
 * Signatures are written as C prototypes and parsed by the lab C parser, so the table reads like
 * a header file. build() merges them with the engine's kernel API registry (kernel/api.ts).
 */
import type { Diagnostic } from '../diagnostics'
import * as errno from '../../kernel/include/errno'
import * as flags from '../../kernel/include/flags'
import { PROFILE_NAMES, type ProfileName } from '../../sim/profile'
import { KERNEL_API, SYSCALL_API, type ApiType } from '../../kernel/api'
import { parseUnit } from './parser'
import { resolveType, T, type Ty } from './types'

export type ApiKind = 'kernel' | 'syscall' | 'builtin'
export type ApiContext = 'kernel' | 'user' | 'any'

export interface ApiFn {
  readonly name: string
  readonly kind: ApiKind
  readonly context: ApiContext
  readonly ty: Extract<Ty, { k: 'fn' }>
  readonly paramNames: readonly string[]
  /** Fewer arguments are allowed down to this many (open's mode, fcntl's arg). */
  readonly minArgs: number
  /** The C prototype, for hover and docs. */
  readonly proto: string
  readonly doc: string
  /** Profiles where the name exists; null: all. */
  readonly profiles: readonly ProfileName[] | null
  /** The kernel source that defines it (from the engine's registry), and its context rule. */
  readonly source?: string
  readonly contextDoc?: string
}

export interface FieldDef {
  readonly ty: Ty
  readonly writable: boolean
  readonly profiles: readonly ProfileName[] | null
  readonly doc: string
}

/** Kernel structs lab C knows; their fields are read-only views of the engine's objects. */
export const KERNEL_STRUCTS = ['file', 'task_struct', 'files_struct', 'fdtable', 'fd', 'inode', 'callback_head', 'mutex', 'delayed_work', 'work_struct', 'spinlock_t'] as const

const P65: readonly ProfileName[] = ['6.5']
const P618: readonly ProfileName[] = ['6.18']

type Row = readonly [proto: string, doc: string, profiles?: readonly ProfileName[]]

const KERNEL_ROWS: readonly Row[] = [
  ['struct fd fdget(unsigned int fd)', 'Look up fd in current->files. Light (borrowed, uncounted) when the table is not shared, cloned (counted, FDPUT_FPUT) otherwise. Pair with fdput().'],
  ['struct fd fdget_raw(unsigned int fd)', 'fdget() that also accepts O_PATH files.'],
  ['struct fd fdget_pos(unsigned int fd)', 'fdget() that also takes f_pos_lock when the file may be shared (FDPUT_POS_UNLOCK). Pair with fdput_pos().'],
  ['void fdput(struct fd f)', 'End an fdget()/fdget_raw(): fput() only if the reference was cloned (FDPUT_FPUT).'],
  ['void fdput_pos(struct fd f)', 'End an fdget_pos(): unlock f_pos_lock if taken, then fdput().'],
  ['struct file *fd_file(struct fd f)', 'The file of a struct fd (NULL when empty). SIM: v6.5 spelled it f.file; both profiles accept fd_file().'],
  ['bool fd_empty(struct fd f)', 'True when fdget() found no file.'],
  ['struct file *fget(unsigned int fd)', 'Take a real reference to the file at fd (NULL if not open or O_PATH). Pair with fput().'],
  ['struct file *fget_raw(unsigned int fd)', 'fget() that also accepts O_PATH files.'],
  ['void fput(struct file *file)', 'Drop a reference. The last one defers __fput() to task work (user task) or the delayed list (kthread, interrupt, exiting task).'],
  ['struct file *get_file(struct file *f)', 'Take an extra reference to a file you already hold; returns f.'],
  ['long file_count(struct file *f)', 'The number of references (file_count()): f_count in 6.5, f_ref + 1 in 6.18, 0 once dead.'],
  ['int close_fd(unsigned int fd)', 'Detach fd from current->files and filp_close() it. -EBADF if not open.'],
  ['struct file *file_close_fd(unsigned int fd)', 'Detach fd from current->files and return its file with the table\'s reference (NULL if not open). The caller must filp_close() it.', P618],
  ['struct file *close_fd_get_file(unsigned int fd)', 'v6.5 name of file_close_fd(): detach fd and return its file with the table\'s reference.', P65],
  ['int filp_close(struct file *filp, fl_owner_t id)', 'Flush, remove the POSIX locks of id, then drop one reference (fput; fput_close in 6.18).'],
  ['int filp_flush(struct file *filp, fl_owner_t id)', 'Flush and remove POSIX locks without dropping the reference (close(2) since 6.6).', P618],
  ['void fd_install(unsigned int fd, struct file *file)', 'Publish file at the reserved fd; consumes the reference.'],
  ['int get_unused_fd_flags(unsigned int flags)', 'Reserve the lowest free fd (O_CLOEXEC sets close-on-exec). Negative errno on failure.'],
  ['void put_unused_fd(unsigned int fd)', 'Release a reserved fd that was never installed.'],
  ['void init_task_work(struct callback_head *twork, void (*func)(struct callback_head *))', 'Set the callback of a task work node.'],
  ['int task_work_add(struct task_struct *task, struct callback_head *work, int notify)', 'Queue work on task (TWA_RESUME: runs before it returns to user space). -ESRCH once the task ran exit_task_work().'],
  ['struct task_struct *get_current(void)', 'The running task (same as current).'],
  ['bool in_interrupt(void)', 'True in hard/soft interrupt context.'],
  ['void might_sleep(void)', 'Annotate that the code may sleep: a violation in atomic context (spinlock held, RCU read side).'],
  ['void spin_lock(spinlock_t *lock)', 'Take a spinlock (atomic context until spin_unlock).'],
  ['void spin_unlock(spinlock_t *lock)', 'Release a spinlock.'],
  ['void mutex_lock(struct mutex *lock)', 'Take a sleeping lock.'],
  ['void mutex_unlock(struct mutex *lock)', 'Release a sleeping lock.'],
  ['void rcu_read_lock(void)', 'Enter an RCU read-side critical section.'],
  ['void rcu_read_unlock(void)', 'Leave an RCU read-side critical section.'],
  ['void synchronize_rcu(void)', 'Sleep until a grace period has passed.'],
  ['void call_rcu(struct callback_head *head, void (*func)(struct callback_head *))', 'Run func after a grace period (in the rcu system thread, softirq context).'],
  ['void INIT_DELAYED_WORK(struct delayed_work *dwork, void (*func)(struct work_struct *))', 'Set the function of a delayed work item.'],
  ['bool schedule_delayed_work(struct delayed_work *dwork, unsigned long delay)', 'Queue dwork on the kworker after delay jiffies; false if already pending.'],
  ['bool flush_delayed_work(struct delayed_work *dwork)', 'Run a pending delayed work now and wait for it.'],
  ['void flush_delayed_fput(void)', 'Run the delayed-fput list in the caller\'s context.'],
  ['void __fput_sync(struct file *file)', 'Drop a reference; if it was the last, run __fput() now. 6.5: kernel threads only (BUG_ON).'],
  ['void fput_close(struct file *file)', 'fput() for the table\'s reference, optimised for the last one (6.15+).', P618],
  ['void fput_close_sync(struct file *file)', '__fput_sync() for the table\'s reference (close(2) since 6.15).', P618],
  ['struct fdtable *files_fdtable(struct files_struct *files)', 'The current fdtable of files.'],
  ['struct file *files_lookup_fd_raw(struct files_struct *files, unsigned int fd)', 'Unreferenced slot read (table unshared, or file_lock / RCU held).'],
  ['struct file *files_lookup_fd_locked(struct files_struct *files, unsigned int fd)', 'Unreferenced slot read with file_lock held.'],
  ['void set_close_on_exec(unsigned int fd, int flag)', 'Set or clear FD_CLOEXEC of fd in current->files.'],
  ['bool get_close_on_exec(unsigned int fd)', 'Whether fd has FD_CLOEXEC.'],
  ['int printk(const char *fmt, ...)', 'Print to the kernel log (shown in the trace). printf-style %d %u %ld %lu %x %s %p %c.'],
  ['void *kmalloc(size_t size, gfp_t flags)', 'Allocate a lab struct: kmalloc(sizeof(struct NAME), GFP_KERNEL). SIM: the memory is a typed object, never raw bytes.'],
  ['void *kzalloc(size_t size, gfp_t flags)', 'kmalloc() with every field zeroed (lab C always zeroes).'],
  ['void kfree(const void *objp)', 'Free a kmalloc()ed object; using it afterwards is a use-after-free.'],
  ['bool IS_ERR(const void *ptr)', 'True for an ERR_PTR() value.'],
  ['long PTR_ERR(const void *ptr)', 'The negative errno inside an ERR_PTR().'],
  ['void *ERR_PTR(long error)', 'Encode a negative errno as a pointer.'],
  ['bool WARN_ON(long condition)', 'If condition holds, report a warning (a violation in fdlab); returns condition.'],
  ['void BUG_ON(long condition)', 'If condition holds, the kernel oopses: the thread stops with an error.'],
  ['void cond_resched(void)', 'An explicit scheduling point.'],
]

const SYSCALL_ROWS: readonly (readonly [proto: string, doc: string, minArgs?: number])[] = [
  ['int open(const char *pathname, int flags, umode_t mode)', 'Open a path (O_CREAT creates it). Returns the lowest free fd, or -1 and errno.', 2],
  ['int openat(int dirfd, const char *pathname, int flags, umode_t mode)', 'open() relative to dirfd (AT_FDCWD).', 3],
  ['int creat(const char *pathname, umode_t mode)', 'open(pathname, O_CREAT|O_WRONLY|O_TRUNC, mode).'],
  ['int close(int fd)', 'Close fd. The fd is gone even when close reports an error.'],
  ['int close_range(unsigned int first, unsigned int last, unsigned int flags)', 'Close (or mark close-on-exec) every fd in [first, last].'],
  ['int dup(int oldfd)', 'Duplicate oldfd onto the lowest free fd.'],
  ['int dup2(int oldfd, int newfd)', 'Make newfd refer to oldfd\'s file, closing what newfd had.'],
  ['int dup3(int oldfd, int newfd, int flags)', 'dup2() with O_CLOEXEC; EINVAL when oldfd == newfd.'],
  ['int fcntl(int fd, int cmd, ...)', 'F_DUPFD, F_GETFD/F_SETFD, F_GETFL/F_SETFL with an int; F_SETLK, F_SETLKW, F_GETLK and F_OFD_* with a struct flock *.', 2],
  ['ssize_t read(int fd, void *buf, size_t count)', 'Read up to count bytes into buf.'],
  ['ssize_t write(int fd, const void *buf, size_t count)', 'Write count bytes of buf.'],
  ['ssize_t pread(int fd, void *buf, size_t count, off_t offset)', 'Read at offset without moving f_pos.'],
  ['ssize_t pwrite(int fd, const void *buf, size_t count, off_t offset)', 'Write at offset without moving f_pos.'],
  ['off_t lseek(int fd, off_t offset, int whence)', 'Move f_pos (SEEK_SET, SEEK_CUR, SEEK_END).'],
  ['int pipe(int pipefd[2])', 'Create a pipe: pipefd[0] reads, pipefd[1] writes.'],
  ['int pipe2(int pipefd[2], int flags)', 'pipe() with O_CLOEXEC / O_NONBLOCK.'],
  ['int socketpair(int domain, int type, int protocol, int sv[2])', 'A connected pair of sockets.'],
  ['int ioctl(int fd, unsigned long request, unsigned long arg)', 'Call the driver\'s unlocked_ioctl (through fdget).', 2],
  ['int flock(int fd, int operation)', 'BSD lock on the open file (LOCK_SH, LOCK_EX, LOCK_UN, LOCK_NB).'],
  ['int unshare(int flags)', 'unshare(CLONE_FILES): take a private copy of the fd table.'],
  ['int eventfd(unsigned int initval, int flags)', 'An eventfd file.'],
  ['int epoll_create1(int flags)', 'An epoll instance.'],
  ['pid_t getpid(void)', 'The process id (tgid).'],
  ['pid_t gettid(void)', 'The thread id.'],
  ['pid_t getppid(void)', 'The parent\'s process id.'],
  ['pid_t waitpid(pid_t pid, int *wstatus, int options)', 'Wait for a child to exit (wstatus may be NULL).'],
  ['pid_t wait(int *wstatus)', 'Wait for any child.'],
  ['int sched_yield(void)', 'Give up the CPU: a scheduling point.'],
  ['void exit(int status)', 'End the process (exit_group): files are closed, task work runs.'],
  ['void _exit(int status)', 'Same as exit() in lab C.'],
]

const BUILTIN_ROWS: readonly (readonly [proto: string, doc: string, context: ApiContext, minArgs?: number])[] = [
  ['int printf(const char *fmt, ...)', 'Format and write(1, ...) the text: a real write(2) on the terminal.', 'user'],
  ['void perror(const char *s)', 'Write "s: strerror(errno)" to fd 2.', 'user'],
  ['const char *strerror(int errnum)', 'The text of an errno value.', 'any'],
  ['size_t strlen(const char *s)', 'Length of a string or a NUL-terminated buffer.', 'any'],
  ['int strcmp(const char *a, const char *b)', 'Compare two strings.', 'any'],
  ['void join(int tid)', 'Wait until the named thread has exited (pthread_join).', 'user'],
  ['int violations(void)', 'How many sanitizer violations were reported so far (notes not counted).', 'any'],
  ['int notes(void)', 'How many sanitizer notes were reported so far.', 'any'],
  ['bool no_violations(void)', 'True when no violation was reported so far.', 'any'],
  ['bool violated(const char *rule)', 'True when a violation or note with this rule name was reported.', 'any'],
  ['bool fd_is_open(int pid, int fd)', 'Whether fd is installed in the table of process pid.', 'any'],
  ['int fd_count(int pid)', 'How many fds process pid has installed.', 'any'],
  ['long fd_refcount(int pid, int fd)', 'file_count() of the file at fd in process pid, or -1 if none.', 'any'],
  ['int files_count(int pid)', 'files_struct.count of process pid (tasks sharing its table), 0 if it has none.', 'any'],
  ['int task_works(int pid)', 'How many task works are queued on task pid.', 'any'],
  ['int delayed_fputs(void)', 'How many files wait on the delayed-fput list.', 'any'],
  ['int posix_locks(const char *path)', 'How many POSIX (fcntl) locks are held on the file at path.', 'any'],
  ['int open_files(void)', 'How many struct files are alive (allocated and not yet freed).', 'any'],
  ['void observe(const char *key, ...)', 'Record an integer or a string under key: predict exercises compare answers with it.', 'any', 2],
]

/** Constants lab C knows: every flag and errno name of the engine's headers, plus a few lab ones. */
function buildConstants(): Map<string, bigint> {
  const m = new Map<string, bigint>()
  for (const mod of [flags, errno] as Record<string, unknown>[]) {
    for (const [k, v] of Object.entries(mod)) if (/^[A-Z][A-Z0-9_]*$/.test(k) && typeof v === 'number' && Number.isInteger(v)) m.set(k, BigInt(v))
  }
  const extra: Record<string, number> = {
    GFP_KERNEL: 0xcc0, GFP_ATOMIC: 0x820, STDIN_FILENO: 0, STDOUT_FILENO: 1, STDERR_FILENO: 2,
    AF_UNIX: 1, LOCK_SH: 1, LOCK_EX: 2, LOCK_NB: 4, LOCK_UN: 8, WNOHANG: 1,
    O_ASYNC: flags.FASYNC, EXIT_SUCCESS: 0, EXIT_FAILURE: 1, HZ: 250,
  }
  for (const [k, v] of Object.entries(extra)) if (!m.has(k)) m.set(k, BigInt(v))
  return m
}

const kernelStructKnown = (n: string): boolean => (KERNEL_STRUCTS as readonly string[]).includes(n) || n === 'flock'

function parseProto(proto: string): { name: string; ty: Extract<Ty, { k: 'fn' }>; paramNames: string[] } {
  const diags: Diagnostic[] = []
  const unit = parseUnit(proto + ';', '<api>', diags)
  const f = unit.decls[0]
  if (diags.length || !f || f.kind !== 'func') throw new Error(`bad API prototype: ${proto}: ${diags.map((d) => d.message).join('; ')}`)
  const res = (ts: Parameters<typeof resolveType>[0]): Ty => {
    const r = resolveType(ts, kernelStructKnown)
    if (typeof r === 'string') throw new Error(`bad API prototype: ${proto}: ${r}`)
    return r
  }
  return {
    name: f.name,
    ty: { k: 'fn', params: f.params.map((p) => res(p.type)), ret: res(f.ret), variadic: f.variadic },
    paramNames: f.params.map((p) => p.name),
  }
}

function fieldsTable(): Map<string, Map<string, FieldDef>> {
  const f = (ty: Ty, doc: string, profiles: readonly ProfileName[] | null = null, writable = false): FieldDef => ({ ty, doc, profiles, writable })
  const m = new Map<string, Map<string, FieldDef>>()
  const add = (s: string, fields: Record<string, FieldDef>): void => { m.set(s, new Map(Object.entries(fields))) }
  add('task_struct', {
    pid: f(T.int, 'Thread id (the kernel\'s pid).'),
    tgid: f(T.int, 'Thread-group id (user space\'s pid).'),
    comm: f(T.str, 'Command name.'),
    flags: f(T.uint, 'PF_* flags (PF_KTHREAD, PF_EXITING).'),
    files: f(T.sptr('files_struct'), 'The fd table this task uses (NULL after exit_files and in kthreads).'),
    real_parent: f(T.sptr('task_struct'), 'The parent task.'),
  })
  add('files_struct', {
    count: f(T.int, 'How many tasks share this table (exact since 5.11).'),
    next_fd: f(T.uint, 'Allocation hint: every fd below it is open.'),
    fdt: f(T.sptr('fdtable'), 'The current fdtable.'),
    file_lock: f(T.struct('spinlock_t'), 'Serialises every table update: spin_lock(&files->file_lock).'),
    resize_in_progress: f(T.bool, 'An expand_fdtable() is running.'),
  })
  add('fdtable', {
    max_fds: f(T.uint, 'Capacity in slots (a multiple of 64).'),
    fd: f({ k: 'array', elem: T.sptr('file'), len: -1 }, 'The slots: fdt->fd[n] is the file at fd n or NULL.'),
  })
  add('file', {
    f_count: f(T.long, 'v6.5 reference count (atomic_long_t f_count), raw.', P65),
    f_ref: f(T.long, 'v6.18 file_ref_t raw value: references minus one (-1 when no reference left, dead zone after).', P618),
    f_mode: f(INT_FMODE, 'FMODE_* bits.'),
    f_flags: f(T.uint, 'O_* flags from open.'),
    f_pos: f(T.long, 'File position, shared by every fd referring to this file.'),
    f_inode: f(T.sptr('inode'), 'The inode.'),
    f_pos_lock: f(T.struct('mutex'), 'Serialises f_pos updates (fdget_pos).'),
    private_data: f(T.voidp, 'Driver state: the only writable field.', null, true),
  })
  add('inode', {
    i_ino: f(T.ulong, 'Inode number.'),
    i_size: f(T.long, 'Size in bytes.'),
  })
  add('fd', {
    file: f(T.sptr('file'), 'v6.5 struct fd: the file (NULL when empty).', P65),
    flags: f(T.uint, 'v6.5 struct fd: FDPUT_FPUT | FDPUT_POS_UNLOCK.', P65),
  })
  return m
}
const INT_FMODE: Ty = { k: 'int', name: 'fmode_t', bits: 32, signed: false }

/** The user-space structs lab C predeclares (written as lab C). */
export const PRELUDE = 'struct flock { short l_type; short l_whence; off_t l_start; off_t l_len; pid_t l_pid; };'

export interface LabApi {
  readonly profile: ProfileName
  /** A callable name visible in this profile. */
  fn(name: string): ApiFn | undefined
  /** Profiles (other than this one) where a name exists, for "not in this profile" errors. */
  otherProfiles(name: string): ProfileName[]
  constant(name: string): bigint | undefined
  field(struct: string, name: string): FieldDef | undefined
  /** Profiles where a field exists, when it does not in this one. */
  fieldOtherProfiles(struct: string, name: string): ProfileName[]
  isKernelStruct(name: string): boolean
  /** Every function (all profiles), for docs and completion. */
  all(): readonly ApiFn[]
  constants(): ReadonlyMap<string, bigint>
  structFields(struct: string): ReadonlyMap<string, FieldDef> | undefined
}

let tables: { fns: ApiFn[]; consts: Map<string, bigint>; fields: Map<string, Map<string, FieldDef>> } | null = null


/** A registry type as a C type (the registry's `callback` is a struct callback_head *). */
function cType(t: ApiType): string {
  return t === 'callback' ? 'struct callback_head *' : t
}

/**
 * The table: the engine's kernel API registry (docs, profiles, kernel sources, and the entries
 * this file has no row for) merged with the rows above, whose C signatures follow the kernel's
 * own (init_task_work + task_work_add, call_rcu(head, func), INIT_DELAYED_WORK + a delayed_work).
 */
function build(): NonNullable<typeof tables> {
  const fns: ApiFn[] = []
  const push = (proto: string, kind: ApiKind, context: ApiContext, doc: string, profiles: readonly ProfileName[] | null, minArgs?: number, extra: Partial<ApiFn> = {}): void => {
    let p: ReturnType<typeof parseProto>
    try { p = parseProto(proto) } catch { return } // a registry type lab C cannot spell (struct rlimit *)
    fns.push({ name: p.name, kind, context, ty: p.ty, paramNames: p.paramNames, minArgs: minArgs ?? p.ty.params.length, proto, doc, profiles, ...extra })
  }
  const reg = new Map(Object.values(KERNEL_API).map((e) => [e.name, e]))
  const mine = new Set<string>()
  for (const [proto, doc, profiles] of KERNEL_ROWS) {
    const name = parseProto(proto).name
    mine.add(name)
    const r = reg.get(name)
    push(proto, 'kernel', 'kernel', r?.doc ?? doc, r?.profiles ?? profiles ?? null, undefined, { source: r?.kernel, contextDoc: r?.context })
  }
  for (const r of reg.values()) {
    if (mine.has(r.name) || r.name === 'printk') continue
    const variadic = r.params.some((q) => q.type === '...')
    const params = r.params.filter((q) => q.type !== '...').map((q) => `${cType(q.type)} ${q.name}`)
    const proto = `${cType(r.ret)} ${r.name}(${params.length ? params.join(', ') : 'void'}${variadic ? ', ...' : ''})`
    push(proto, 'kernel', 'kernel', r.doc, r.profiles ?? null, undefined, { source: r.kernel, contextDoc: r.context })
  }
  const mySys = new Set<string>()
  for (const [proto, doc, minArgs] of SYSCALL_ROWS) {
    const name = parseProto(proto).name
    mySys.add(name)
    push(proto, 'syscall', 'user', SYSCALL_API[name]?.doc ?? doc, null, minArgs)
  }
  for (const [name, r] of Object.entries(SYSCALL_API)) {
    // execve and wait4 are lab C's exec { } and waitpid(); the rest pass through as written.
    if (mySys.has(name) || name === 'execve' || name === 'wait4') continue
    const params = r.params.map((q) => q.replace(/\?$/, '').replace(/(\w+)\[\d*\]$/, '*$1'))
    const min = r.params.filter((q) => !q.endsWith('?')).length
    push(`long ${name}(${params.length ? params.join(', ') : 'void'})`, 'syscall', 'user', r.doc, null, min)
  }
  for (const [proto, doc, context, minArgs] of BUILTIN_ROWS) push(proto, 'builtin', context, doc, null, minArgs)
  return { fns, consts: buildConstants(), fields: fieldsTable() }
}

export function getApi(profile: ProfileName): LabApi {
  tables ??= build()
  const t = tables
  const inProfile = (ps: readonly ProfileName[] | null): boolean => ps === null || ps.includes(profile)
  const byName = new Map<string, ApiFn>()
  for (const f of t.fns) if (inProfile(f.profiles) && !byName.has(f.name)) byName.set(f.name, f)
  return {
    profile,
    fn: (name) => byName.get(name),
    otherProfiles: (name) => [...new Set(t.fns.filter((f) => f.name === name && !inProfile(f.profiles)).flatMap((f) => f.profiles ?? []))],
    constant: (name) => t.consts.get(name),
    field: (s, n) => {
      const d = t.fields.get(s)?.get(n)
      return d && inProfile(d.profiles) ? d : undefined
    },
    fieldOtherProfiles: (s, n) => {
      const d = t.fields.get(s)?.get(n)
      return d && !inProfile(d.profiles) ? [...(d.profiles ?? [])] : []
    },
    isKernelStruct: (n) => (KERNEL_STRUCTS as readonly string[]).includes(n),
    all: () => t.fns,
    constants: () => t.consts,
    structFields: (s) => t.fields.get(s),
  }
}
