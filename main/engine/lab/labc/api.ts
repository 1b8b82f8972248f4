/**
 * The names lab C code can call, and their C signatures, per kernel profile:
 * - kernel API (kernel conventions: negative errno, NULL), callable from kernel code only;
 * - system calls (libc conventions: -1 and errno), callable from user code only;
 * - lab builtins (expectation queries, printf/printk, kmalloc, string helpers).
 *
 * Signatures are written as C prototypes and parsed by the lab C parser, so the tables read like a
 * header file. Each name is declared once: kernel functions in rt/kapi.ts (KERNEL_FUNCS), kernel
 * struct fields in kernel/api.ts (KERNEL_FIELDS), system calls and built-ins below. The checker,
 * completion and hover, `fdlab doc` and the interpreter read what getApi() builds from them.
 */
import type { Diagnostic } from '../diagnostics'
import * as errno from '../../kernel/include/errno'
import * as flags from '../../kernel/include/flags'
import { PROFILE_NAMES, type ProfileName } from '../../sim/profile'
import { KERNEL_FIELDS, kernelStructSize, type KernelField } from '../../kernel/api'
import { getProfile } from '../../sim/profile'
import { KERNEL_FUNCS, KERNEL_VALUES, sourceOf, type Impl, type KernelValue } from './rt/kapi'
import { KERNEL_CLASSES, KERNEL_FREES, KERNEL_TAKES } from './classes'
import { BUILTIN_IMPL, SYSCALL_IMPL, passThrough } from './rt/user'
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
  /** The kernel source that defines it (per profile when it moved), and its context rule. */
  readonly source?: string | Readonly<Record<ProfileName, string>>
  readonly contextDoc?: string
  /** Works on current->files (a kernel thread has none). */
  readonly needsFiles?: boolean
  /** What the interpreter runs. */
  readonly impl: Impl
}

export interface FieldDef {
  readonly ty: Ty
  readonly writable: boolean
  readonly profiles: readonly ProfileName[] | null
  readonly doc: string
  /** The one declaration (kernel/api.ts): type, doc, source, how it is read. */
  readonly decl: KernelField
}

/** Kernel structs lab C knows; their fields are read-only views of the engine's objects. */
export const KERNEL_STRUCTS = ['file', 'task_struct', 'files_struct', 'fdtable', 'fd', 'inode', 'callback_head', 'mutex', 'delayed_work', 'work_struct', 'spinlock_t'] as const

/** proto, doc, the kernel source of the system call, the fewest arguments (open's mode is optional). */
type SysRow = readonly [proto: string, doc: string, source: string | Readonly<Record<ProfileName, string>>, minArgs?: number]

const SYSCALL_ROWS: readonly SysRow[] = [
  ['int open(const char *pathname, int flags, umode_t mode)', 'Open a path (O_CREAT creates it). Returns the lowest free fd, or -1 and errno.', 'fs/open.c', 2],
  ['int openat(int dirfd, const char *pathname, int flags, umode_t mode)', 'open() relative to dirfd (AT_FDCWD).', 'fs/open.c', 3],
  ['int creat(const char *pathname, umode_t mode)', 'open(pathname, O_CREAT|O_WRONLY|O_TRUNC, mode).', 'fs/open.c'],
  ['int close(int fd)', 'Close fd. The fd is gone even when close reports an error (never retried: EINTR too).', 'fs/open.c'],
  ['int close_range(unsigned int first, unsigned int last, unsigned int flags)', 'Close (or mark close-on-exec with CLOSE_RANGE_CLOEXEC) every fd in [first, last]; CLOSE_RANGE_UNSHARE first takes a private copy of the table.', 'fs/file.c'],
  ['int dup(int oldfd)', 'Duplicate oldfd onto the lowest free fd (FD_CLOEXEC clear).', 'fs/file.c'],
  ['int dup2(int oldfd, int newfd)', 'Make newfd refer to oldfd\'s file, closing what newfd had. EBUSY if newfd is reserved by an open in flight.', 'fs/file.c'],
  ['int dup3(int oldfd, int newfd, int flags)', 'dup2() with O_CLOEXEC; EINVAL when oldfd == newfd.', 'fs/file.c'],
  ['int fcntl(int fd, int cmd, ...)', 'F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD/F_SETFD, F_GETFL/F_SETFL with an int; F_SETLK, F_SETLKW, F_GETLK and F_OFD_* with a struct flock *.', 'fs/fcntl.c', 2],
  ['ssize_t read(int fd, void *buf, size_t count)', 'Read up to count bytes into buf; blocks on an empty pipe that has writers.', 'fs/read_write.c'],
  ['ssize_t write(int fd, const void *buf, size_t count)', 'Write count bytes of buf.', 'fs/read_write.c'],
  ['ssize_t pread(int fd, void *buf, size_t count, off_t offset)', 'Read at offset without moving f_pos (pread64).', 'fs/read_write.c'],
  ['ssize_t pwrite(int fd, const void *buf, size_t count, off_t offset)', 'Write at offset without moving f_pos (pwrite64).', 'fs/read_write.c'],
  ['off_t lseek(int fd, off_t offset, int whence)', 'Move f_pos (SEEK_SET, SEEK_CUR, SEEK_END), shared by dups and fork children.', 'fs/read_write.c'],
  ['int pipe(int pipefd[2])', 'Create a pipe: pipefd[0] reads, pipefd[1] writes.', 'fs/pipe.c'],
  ['int pipe2(int pipefd[2], int flags)', 'pipe() with O_CLOEXEC / O_NONBLOCK.', 'fs/pipe.c'],
  ['int socket(int domain, int type, int protocol)', 'A socket fd.', 'net/socket.c'],
  ['int socketpair(int domain, int type, int protocol, int sv[2])', 'A connected pair of sockets.', 'net/socket.c'],
  ['int accept4(int fd, int flags)', 'A new socket fd for a connection. SIM: no address arguments.', 'net/socket.c'],
  ['int ioctl(int fd, unsigned long request, unsigned long arg)', 'FIOCLEX, FIONCLEX, or the driver\'s unlocked_ioctl (through fdget: light in a single-threaded process).', 'fs/ioctl.c', 2],
  ['int flock(int fd, int operation)', 'BSD lock owned by the open file description (LOCK_SH, LOCK_EX, LOCK_UN, LOCK_NB).', 'fs/locks.c'],
  ['int mkfifo(const char *pathname, umode_t mode)', 'Create a FIFO; opening it blocks until the other end opens (mknodat).', 'fs/namei.c'],
  ['int unshare(int flags)', 'unshare(CLONE_FILES): take a private copy of a shared fd table.', 'kernel/fork.c'],
  ['int eventfd(unsigned int initval, int flags)', 'An eventfd file (eventfd2).', 'fs/eventfd.c'],
  ['int epoll_create1(int flags)', 'An epoll instance.', 'fs/eventpoll.c'],
  ['int epoll_ctl(int epfd, int op, int fd, int events, long data)', 'Register (file, fd) in an epoll set. SIM: events and data as plain arguments.', 'fs/eventpoll.c'],
  ['int memfd_create(const char *name, unsigned int flags)', 'An anonymous tmpfs file.', 'mm/memfd.c'],
  ['int timerfd_create(int clockid, int flags)', 'A timerfd.', 'fs/timerfd.c'],
  ['int signalfd4(int fd, int flags)', 'A signalfd (fd -1 creates one). SIM: no mask argument.', 'fs/signalfd.c'],
  ['int inotify_init1(int flags)', 'An inotify fd.', 'fs/notify/inotify/inotify_user.c'],
  ['int pidfd_open(pid_t pid, unsigned int flags)', 'A pidfd (always close-on-exec).', 'kernel/pid.c'],
  ['int getrlimit(int resource, struct rlimit *rlim)', 'Read a resource limit (RLIMIT_NOFILE: 1024 soft, 4096 hard at start).', 'kernel/sys.c'],
  ['int setrlimit(int resource, const struct rlimit *rlim)', 'Set a resource limit. RLIMIT_NOFILE bounds new fds, not open ones; raising the hard limit above fs.nr_open is EPERM.', 'kernel/sys.c'],
  ['pid_t getpid(void)', 'The process id (tgid).', 'kernel/sys.c'],
  ['pid_t gettid(void)', 'The thread id.', 'kernel/sys.c'],
  ['pid_t getppid(void)', 'The parent\'s process id.', 'kernel/sys.c'],
  ['pid_t waitpid(pid_t pid, int *wstatus, int options)', 'Wait for a child to exit (wstatus may be NULL; wait4).', 'kernel/exit.c'],
  ['pid_t wait(int *wstatus)', 'Wait for any child (wait4(-1, ...)).', 'kernel/exit.c'],
  ['int sched_yield(void)', 'Give up the CPU: a scheduling point.', { '6.5': 'kernel/sched/core.c', '6.18': 'kernel/sched/syscalls.c' }],
  ['void exit(int status)', 'End the process (exit_group): files are closed, task work runs.', 'kernel/exit.c'],
  ['void _exit(int status)', 'Same as exit() in lab C (exit_group).', 'kernel/exit.c'],
]

const BUILTIN_ROWS: readonly (readonly [proto: string, doc: string, context: ApiContext, minArgs?: number])[] = [
  ['int printf(const char *fmt, ...)', 'Format and write(1, ...) the text: a real write(2) on the terminal.', 'user'],
  ['void perror(const char *s)', 'Write "s: strerror(errno)" to fd 2.', 'user'],
  ['const char *strerror(int errnum)', 'The text of an errno value.', 'any'],
  ['int snprintf(char *str, size_t size, const char *format, ...)', 'Format into a char array (at most size - 1 bytes and a NUL); returns the length the whole text needs. printf-style conversions.', 'any', 3],
  ['int atoi(const char *nptr)', 'The decimal integer at the start of a string (0 if none): an fd number passed in argv.', 'any'],
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
  m.set('RLIM_INFINITY', -1n) // include/uapi/asm-generic/resource.h: (~0UL); as rlim_t, 2^64 - 1
  return m
}

const kernelStructKnown = (n: string): boolean => (KERNEL_STRUCTS as readonly string[]).includes(n) || n === 'flock' || n === 'rlimit'

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

/** A field's C type (`T name[]` is an array of unknown length). */
function fieldTy(type: string): Ty {
  const arr = /^(.*?)\s*\w+\[\]$/.exec(type)
  const elem = parseProto(`${arr ? arr[1] : type} __field(void)`).ty.ret
  return arr ? { k: 'array', elem, len: -1 } : elem
}

function fieldsTable(): Map<string, Map<string, FieldDef>> {
  const m = new Map<string, Map<string, FieldDef>>()
  for (const d of KERNEL_FIELDS) {
    const fields = m.get(d.struct) ?? new Map<string, FieldDef>()
    fields.set(d.name, { ty: fieldTy(d.type), doc: d.doc, profiles: d.profiles ?? null, writable: d.writable ?? false, decl: d })
    m.set(d.struct, fields)
  }
  return m
}

/** The user-space structs lab C predeclares (written as lab C). */
export const PRELUDE = 'struct flock { short l_type; short l_whence; off_t l_start; off_t l_len; pid_t l_pid; }; struct rlimit { rlim_t rlim_cur; rlim_t rlim_max; };'

export interface LabApi {
  readonly profile: ProfileName
  /** A callable name visible in this profile. */
  fn(name: string): ApiFn | undefined
  /** Profiles (other than this one) where a name exists, for "not in this profile" errors. */
  otherProfiles(name: string): ProfileName[]
  constant(name: string): bigint | undefined
  /** A kernel macro that is a value (EMPTY_FD) in this profile, with its type. */
  value(name: string): { readonly ty: Ty; readonly decl: KernelValue } | undefined
  field(struct: string, name: string): FieldDef | undefined
  /** Profiles where a field exists, when it does not in this one. */
  fieldOtherProfiles(struct: string, name: string): ProfileName[]
  isKernelStruct(name: string): boolean
  /** sizeof(struct NAME) as this profile's kernel has it, where modelled (struct fd). */
  structSize(name: string): number | undefined
  /** Every function (all profiles), for docs and completion. */
  all(): readonly ApiFn[]
  constants(): ReadonlyMap<string, bigint>
  structFields(struct: string): ReadonlyMap<string, FieldDef> | undefined
}

let tables: { fns: ApiFn[]; consts: Map<string, bigint>; fields: Map<string, Map<string, FieldDef>>; values: { ty: Ty; decl: KernelValue }[] } | null = null


/**
 * The table: kernel functions (rt/kapi.ts KERNEL_FUNCS), system calls and built-ins (above), each
 * with its implementation; constants; the kernel struct fields (kernel/api.ts KERNEL_FIELDS).
 */
function build(): NonNullable<typeof tables> {
  const fns: ApiFn[] = []
  const push = (proto: string, kind: ApiKind, context: ApiContext, doc: string, impl: Impl | undefined, extra: Partial<ApiFn> = {}): void => {
    const p = parseProto(proto)
    if (!impl) throw new Error(`lab C API: '${p.name}' is declared without an implementation`)
    fns.push({ name: p.name, kind, context, ty: p.ty, paramNames: p.paramNames, minArgs: p.ty.params.length, proto, doc, profiles: null, impl, ...extra })
  }
  for (const f of KERNEL_FUNCS) {
    push(f.proto, 'kernel', 'kernel', f.doc, f.impl, { profiles: f.profiles ?? null, source: f.source, contextDoc: f.context, needsFiles: f.needsFiles })
  }
  for (const [proto, doc, source, minArgs] of SYSCALL_ROWS) {
    const name = parseProto(proto).name
    push(proto, 'syscall', 'user', doc, SYSCALL_IMPL[name] ?? passThrough(name), { source, ...(minArgs !== undefined ? { minArgs } : {}) })
  }
  for (const [proto, doc, context, minArgs] of BUILTIN_ROWS) {
    push(proto, 'builtin', context, doc, BUILTIN_IMPL[parseProto(proto).name], minArgs !== undefined ? { minArgs } : {})
  }
  return { fns, consts: buildConstants(), fields: fieldsTable(), values: KERNEL_VALUES.map((decl) => ({ ty: fieldTy(decl.type), decl })) }
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
    otherProfiles: (name) => [...new Set([
      ...t.fns.filter((f) => f.name === name && !inProfile(f.profiles)).flatMap((f) => f.profiles ?? []),
      ...t.values.filter((v) => v.decl.name === name && !inProfile(v.decl.profiles ?? null)).flatMap((v) => v.decl.profiles ?? []),
    ])],
    constant: (name) => t.consts.get(name),
    value: (name) => t.values.find((v) => v.decl.name === name && inProfile(v.decl.profiles ?? null)),
    field: (s, n) => {
      const d = t.fields.get(s)?.get(n)
      return d && inProfile(d.profiles) ? d : undefined
    },
    fieldOtherProfiles: (s, n) => {
      const d = t.fields.get(s)?.get(n)
      return d && !inProfile(d.profiles) ? [...(d.profiles ?? [])] : []
    },
    isKernelStruct: (n) => (KERNEL_STRUCTS as readonly string[]).includes(n),
    structSize: (n) => kernelStructSize(n, getProfile(profile)),
    all: () => t.fns,
    constants: () => t.consts,
    structFields: (s) => t.fields.get(s),
  }
}

/** The header that defines a constant, by its prefix (constants come from the engine's headers). */
const CONSTANT_HEADERS: readonly (readonly [RegExp, string])[] = [
  [/^E[A-Z0-9]+$/, 'include/uapi/asm-generic/errno-base.h, errno.h; include/linux/errno.h'],
  [/^(O_|F_|FD_CLOEXEC$|AT_FDCWD$|LOCK_|FASYNC$)/, 'include/uapi/asm-generic/fcntl.h, include/uapi/linux/fcntl.h'],
  [/^FDPUT_/, 'include/linux/file.h'],
  [/^FMODE_/, 'include/linux/fs.h'],
  [/^CLONE_/, 'include/uapi/linux/sched.h'],
  [/^CLOSE_RANGE_/, 'include/uapi/linux/close_range.h'],
  [/^TWA_/, 'include/linux/task_work.h'],
  [/^PF_/, 'include/linux/sched.h'],
  [/^(RLIMIT_|RLIM_)/, 'include/uapi/asm-generic/resource.h'],
  [/^CAP_/, 'include/uapi/linux/capability.h'],
  [/^SEEK_/, 'include/uapi/linux/fs.h'],
  [/^(GFP_)/, 'include/linux/gfp_types.h'],
  [/^(NR_OPEN|BITS_PER_LONG)/, 'include/linux/fdtable.h, include/asm-generic/bitsperlong.h'],
  [/^(STD\w+_FILENO|EXIT_)/, 'unistd.h, stdlib.h (libc)'],
  [/^(AF_|SOCK_)/, 'include/linux/socket.h, include/linux/net.h'],
  [/^HZ$/, 'include/asm-generic/param.h (SIM: CONFIG_HZ=250)'],
]

/** One name as `fdlab doc` and hover show it: a function, a constant or a struct field. */
export interface NameDoc {
  readonly kind: ApiKind | 'constant' | 'field' | 'class'
  readonly name: string
  /** C prototype (functions), `TYPE NAME` (fields). */
  readonly proto: string
  readonly doc: string
  readonly source: string | null
  readonly context: string | null
  readonly profiles: readonly ProfileName[]
  readonly value?: string
  readonly struct?: string
  readonly writable?: boolean
}

function sourceText(s: ApiFn['source']): string | null {
  if (s === undefined) return null
  if (typeof s === 'string') return s
  const vals = PROFILE_NAMES.map((p) => s[p])
  return vals.every((v) => v === vals[0]) ? vals[0]! : PROFILE_NAMES.map((p) => `${p}: ${s[p]}`).join('; ')
}

const everyProfile = (ps: readonly ProfileName[] | null): ProfileName[] => (ps ? PROFILE_NAMES.filter((p) => ps.includes(p)) : [...PROFILE_NAMES])

/**
 * Everything lab C declares under @name (a function may have one declaration per profile, a
 * field name may exist in several structs). `STRUCT.FIELD` or `STRUCT->FIELD` names one field.
 */
export function describeName(name: string): NameDoc[] {
  tables ??= build()
  const t = tables
  const out: NameDoc[] = []
  const cls = /^CLASS\(\s*(\w+)\s*\)$/.exec(name.trim())?.[1] ?? (name === 'CLASS' ? null : name)
  for (const c of KERNEL_CLASSES) {
    if (name === 'CLASS' || c.name === cls) {
      out.push({ kind: 'class', name: `CLASS(${c.name})`, proto: `CLASS(${c.name}, var)(int fd)  /* ${c.type} var = ${c.ctor}(fd); ${c.dtor}(var) at scope exit */`, doc: c.doc, source: c.source, context: 'kernel code', profiles: everyProfile(c.profiles ?? null) })
    }
  }
  const free = /^__free\(\s*(\w+)\s*\)$/.exec(name.trim())?.[1]
  for (const c of KERNEL_FREES) {
    if (name === '__free' || c.name === free) {
      out.push({ kind: 'class', name: `__free(${c.name})`, proto: `${c.type}var __free(${c.name}) = ...;  /* ${c.dtor}(var) at scope exit unless NULL or an ERR_PTR */`, doc: c.doc, source: c.source, context: 'kernel code', profiles: everyProfile(c.profiles ?? null) })
    }
  }
  if (free || name === '__free') return out
  for (const t of KERNEL_TAKES) {
    if (t.name === name) out.push({ kind: 'kernel', name, proto: `#define ${name}(var) __get_and_null(var, ${t.leaves === 'EBADF' ? '-EBADF' : 'NULL'})`, doc: t.doc, source: t.source, context: 'kernel code (a macro)', profiles: everyProfile(t.profiles ?? null) })
  }
  if (cls && name !== cls) return out
  const m = /^(?:struct\s+)?(\w+)\s*(?:\.|->)\s*(\w+)$/.exec(name.trim())
  const fieldName = m ? m[2]! : name
  const onlyStruct = m ? m[1]! : null
  if (!m) {
    for (const f of t.fns.filter((x) => x.name === name)) {
      out.push({
        kind: f.kind, name, proto: f.proto, doc: f.doc, source: sourceText(f.source),
        context: f.kind === 'kernel' ? (f.contextDoc ?? null) : f.context === 'user' ? 'user code' : null, profiles: everyProfile(f.profiles),
      })
    }
    for (const v of t.values.filter((x) => x.decl.name === name)) {
      out.push({ kind: 'constant', name, proto: `${v.decl.type} ${name}`, doc: v.decl.doc, source: v.decl.source, context: 'kernel code', profiles: everyProfile(v.decl.profiles ?? null) })
    }
    const c = t.consts.get(name)
    if (c !== undefined) {
      const header = CONSTANT_HEADERS.find(([re]) => re.test(name))?.[1] ?? null
      out.push({ kind: 'constant', name, proto: `#define ${name} ${c}`, doc: constantDoc(name, c), source: header, context: null, profiles: [...PROFILE_NAMES], value: constantValue(c) })
    }
  }
  for (const [st, fields] of t.fields) {
    if (onlyStruct && st !== onlyStruct) continue
    const d = fields.get(fieldName)
    if (!d) continue
    out.push({
      kind: 'field', name: `${st}.${fieldName}`, struct: st, proto: `${d.decl.type.replace(/\s*\w+\[\]$/, '')} ${fieldName}${d.ty.k === 'array' ? '[]' : ''}`,
      doc: d.doc, source: d.decl.source, context: null, profiles: everyProfile(d.profiles), writable: d.writable,
    })
  }
  return out
}

function constantValue(v: bigint): string {
  return v < 0n || v <= 9n ? String(v) : `${v} (0x${v.toString(16)})`
}

/** What the fd-related constants mean (the rest say their value). */
const CONSTANT_DOCS: Readonly<Record<string, string>> = {
  FDPUT_FPUT: 'struct fd flag: the reference is cloned (counted), so fdput() must fput() it. Clear: a light, borrowed reference.',
  FDPUT_POS_UNLOCK: 'struct fd flag: fdget_pos() took f_pos_lock, so fdput_pos() must unlock it.',
  TWA_NONE: 'task_work_add notify mode: queue only; the task is not told.',
  TWA_RESUME: 'task_work_add notify mode: run the work before the task returns to user space (TIF_NOTIFY_RESUME). What fput uses.',
  TWA_SIGNAL: 'task_work_add notify mode: like a signal, interrupting a sleep and kicking the CPU with an IPI (TIF_NOTIFY_SIGNAL).',
  TWA_SIGNAL_NO_IPI: 'task_work_add notify mode: TWA_SIGNAL without the IPI (the task will notice at its next kernel exit).',
  TWA_NMI_CURRENT: 'task_work_add notify mode: from NMI context, for current only (irq_work).',
  O_CLOEXEC: 'open/pipe2/dup3/socket flag: set the new fd\'s close-on-exec bit atomically.',
  FD_CLOEXEC: 'fcntl(F_GETFD/F_SETFD) bit: the fd is closed by execve.',
  F_DUPFD: 'fcntl: duplicate to the lowest free fd >= arg.',
  F_DUPFD_CLOEXEC: 'fcntl: F_DUPFD with close-on-exec set.',
  CLOSE_RANGE_UNSHARE: 'close_range flag: first take a private copy of a shared table (unshare_fd).',
  CLOSE_RANGE_CLOEXEC: 'close_range flag: set close-on-exec on the range instead of closing it.',
  CLONE_FILES: 'clone flag: share the fd table (files_struct.count + 1) instead of copying it.',
  CLONE_THREAD: 'clone flag: same thread group (needs CLONE_SIGHAND, which needs CLONE_VM).',
  RLIMIT_NOFILE: 'getrlimit/setrlimit resource: fds must stay below the soft limit (EMFILE); 1024 soft, 4096 hard at start.',
  PF_KTHREAD: 'task->flags: a kernel thread (no fd table; fput goes to the delayed list).',
  PF_EXITING: 'task->flags: the task is in do_exit.',
  PF_IO_WORKER: 'task->flags: an io_uring worker (create_io_thread).',
  CAP_SYS_RESOURCE: 'capability: may raise hard resource limits (process NAME(CAP_SYS_RESOURCE)).',
}

function constantDoc(name: string, v: bigint): string {
  const known = CONSTANT_DOCS[name]
  if (known) return known
  if (/^E[A-Z0-9]+$/.test(name) && v > 0n && v < 4096n) return `errno ${v}: kernel functions return -${name}; system calls return -1 with errno = ${name}.`
  if (name === 'RLIM_INFINITY') return 'No limit: (~0UL), 2^64 - 1 as rlim_t.'
  return `Constant ${name} = ${constantValue(v)}.`
}

/** Known names close to @name (edit distance, then shared prefix), for "did you mean". */
export function suggestNames(name: string, max = 5): string[] {
  tables ??= build()
  const t = tables
  const all = new Set<string>([...t.fns.map((f) => f.name), ...t.consts.keys(), ...t.values.map((v) => v.decl.name), ...KERNEL_TAKES.map((x) => x.name)])
  for (const fields of t.fields.values()) for (const n of fields.keys()) all.add(n)
  const key = name.replace(/^(?:struct\s+)?\w+\s*(?:\.|->)\s*/, '')
  const scored = [...all].map((n) => ({ n, d: editDistance(key.toLowerCase(), n.toLowerCase()) }))
    .filter((x) => x.d <= Math.max(2, Math.floor(key.length / 3)) || (key.length >= 3 && x.n.toLowerCase().includes(key.toLowerCase())))
  scored.sort((a, b) => a.d - b.d || a.n.localeCompare(b.n))
  return scored.slice(0, max).map((x) => x.n)
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!
    prev[0] = i
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1))
      diag = tmp
    }
  }
  return prev[b.length]!
}

/**
 * The names the editor offers (completion and hover) under @profile: exactly what the checker
 * accepts there, with the docs `fdlab doc` prints (the host's sessionLanguage sends this).
 */
export function editorNames(profile: ProfileName): {
  functions: { name: string; kind: ApiKind; proto: string; doc: string; source: string | null; context: string | null; profiles: ProfileName[] }[]
  constants: { name: string; value: string; doc?: string }[]
  fields: { struct: string; name: string; doc: string; type: string; source: string; profiles: ProfileName[] }[]
} {
  const api = getApi(profile)
  const functions = api.all().filter((f) => api.fn(f.name) === f).map((f) => ({
    name: f.name, kind: f.kind, proto: f.proto, doc: f.doc, source: f.source === undefined ? null : sourceOf(f as { source: NonNullable<ApiFn['source']> }, profile),
    context: f.contextDoc ?? null, profiles: everyProfile(f.profiles),
  }))
  for (const t of KERNEL_TAKES) {
    if (!t.profiles || t.profiles.includes(profile)) {
      functions.push({ name: t.name, kind: 'kernel', proto: `#define ${t.name}(var) __get_and_null(var, ${t.leaves === 'EBADF' ? '-EBADF' : 'NULL'})`, doc: t.doc, source: t.source, context: 'a macro', profiles: everyProfile(t.profiles ?? null) })
    }
  }
  const constants: { name: string; value: string; doc?: string }[] = [...api.constants()].map(([name, v]) => ({
    name, value: v < 0n || v > 9n ? `${v} (0x${(v < 0n ? -v : v).toString(16)})` : String(v), ...(CONSTANT_DOCS[name] ? { doc: CONSTANT_DOCS[name] } : {}),
  }))
  for (const v of KERNEL_VALUES) if (api.value(v.name)) constants.push({ name: v.name, value: `(${v.type}){0}`, doc: v.doc })
  const fields = KERNEL_STRUCTS.flatMap((st) => [...(api.structFields(st) ?? new Map<string, FieldDef>())]
    .filter(([n]) => api.field(st, n))
    .map(([name, d]) => ({ struct: st, name, doc: d.doc, type: d.decl.type, source: d.decl.source, profiles: everyProfile(d.profiles) })))
  return { functions, constants, fields }
}
