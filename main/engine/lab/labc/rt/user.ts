/**
 * User space as lab C sees it: system calls with libc conventions (-1 and errno), printf,
 * threads, forks and exec, and the query helpers expectations use.
 */
import type { KGen } from '../../../sim/context'
import type { CallbackHead, File, Rlimit } from '../../../kernel/include/types'
import type { Flock } from '../../../kernel/fs/locks'
import { file_count } from '../../../kernel/include/file_ref'
import { ERRNO_TEXT } from '../../../kernel/include/errno'
import {
  CLONE_FILES, CLONE_FS, CLONE_SIGHAND, CLONE_SYSVSEM, CLONE_THREAD, CLONE_VM, O_CREAT, O_TRUNC, O_WRONLY, RLIM_INFINITY,
} from '../../../kernel/include/flags'
import type { Program as EngineProgram, UserApi } from '../../../machine/user'
import type { Block, Expr, Pos } from '../ast'
import { utf8Decode, utf8Encode } from '../../utf8'
import { formatC } from './format'
import type { Env, Interp } from './interp'
import type { Impl } from './kapi'
import { copyValue, IntRef, LabStruct, PtrArray, type Value } from './values'

const num = (v: Value): number => Number(BigInt.asIntN(64, v as bigint))
const big = (n: number | boolean): bigint => BigInt(typeof n === 'boolean' ? (n ? 1 : 0) : n)

/** A thread created by `thread NAME { }`: CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM, as pthread_create. */
export const THREAD_FLAGS = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM

function u(rt: Interp, env: Env, pos: Pos): UserApi {
  const x = env.th.u
  if (!x) rt.err(env, pos, 'internal: a system call from kernel code')
  return x
}

/** libc: a negative kernel return becomes -1 with errno set. */
function libc(env: Env, ret: number): bigint {
  if (ret < 0 && ret >= -4095) {
    env.th.errno = BigInt(-ret)
    return -1n
  }
  return BigInt(ret)
}

function* sys(rt: Interp, env: Env, call: Extract<Expr, { kind: 'call' }>, name: string, ...args: Parameters<UserApi['sys']>[1][]): KGen<bigint> {
  return libc(env, yield* u(rt, env, call.pos).sys(name, ...args))
}

/** A buffer argument: a char array (or string), checked against the count C would trust. */
function buffer(rt: Interp, env: Env, call: Extract<Expr, { kind: 'call' }>, v: Value, count: Value, writeInto: boolean): Uint8Array {
  if (v === null) rt.err(env, call.pos, 'NULL buffer')
  const n = num(count)
  if (typeof v === 'string') {
    if (writeInto) rt.err(env, call.pos, 'cannot read into a string literal: use a char array')
    const b = utf8Encode(v)
    if (n > b.length + 1) rt.err(env, call.pos, `count ${n} is larger than the ${b.length + 1}-byte string`)
    return n <= b.length ? b.subarray(0, n) : Uint8Array.from([...b, 0])
  }
  if (!(v instanceof Uint8Array)) return rt.err(env, call.pos, 'the buffer must be a char array')
  if (n < 0 || n > v.length) rt.err(env, call.pos, `count ${n} overflows the ${v.length}-byte buffer`)
  return v.subarray(0, n)
}

function intsOut(rt: Interp, env: Env, call: Extract<Expr, { kind: 'call' }>, v: Value, n: number): BigInt64Array {
  if (!(v instanceof BigInt64Array) || v.length < n) return rt.err(env, call.pos, `needs an int array of ${n} elements`)
  return v
}

function* withInts(rt: Interp, env: Env, call: Extract<Expr, { kind: 'call' }>, arr: Value, n: number, run: (out: Int32Array) => KGen<bigint>): KGen<Value> {
  const dst = intsOut(rt, env, call, arr, n)
  const out = new Int32Array(n)
  const r = yield* run(out)
  if (r >= 0n) for (let i = 0; i < n; i++) dst[i] = BigInt(out[i]!)
  return r
}

function toFlock(s: LabStruct): Flock {
  const [t, w, st, len, pid] = s.fields as bigint[]
  return { l_type: Number(t), l_whence: Number(w), l_start: Number(st), l_len: Number(len), l_pid: Number(pid) }
}

function writeStatus(v: Value, status: number): void {
  if (v instanceof IntRef) v.set(BigInt(status))
  else if (v instanceof BigInt64Array && v.length) v[0] = BigInt(status)
}

export const SYSCALL_IMPL: Readonly<Record<string, Impl>> = {
  open: (rt, a, env, call) => sys(rt, env, call, 'open', pathArg(rt, env, call, a[0]!), num(a[1]!), num(a[2] ?? 0n)),
  openat: (rt, a, env, call) => sys(rt, env, call, 'openat', num(a[0]!), pathArg(rt, env, call, a[1]!), num(a[2]!), num(a[3] ?? 0n)),
  creat: (rt, a, env, call) => sys(rt, env, call, 'open', pathArg(rt, env, call, a[0]!), O_CREAT | O_WRONLY | O_TRUNC, num(a[1]!)),
  close: (rt, a, env, call) => sys(rt, env, call, 'close', num(a[0]!)),
  close_range: (rt, a, env, call) => sys(rt, env, call, 'close_range', num(a[0]!), num(a[1]!), num(a[2]!)),
  dup: (rt, a, env, call) => sys(rt, env, call, 'dup', num(a[0]!)),
  dup2: (rt, a, env, call) => sys(rt, env, call, 'dup2', num(a[0]!), num(a[1]!)),
  dup3: (rt, a, env, call) => sys(rt, env, call, 'dup3', num(a[0]!), num(a[1]!), num(a[2]!)),
  *fcntl(rt, a, env, call) {
    const arg = a[2] ?? 0n
    if (arg instanceof LabStruct) {
      const fl = toFlock(arg)
      const r = yield* sys(rt, env, call, 'fcntl', num(a[0]!), num(a[1]!), fl)
      arg.fields.splice(0, 5, BigInt(fl.l_type), BigInt(fl.l_whence), BigInt(fl.l_start), BigInt(fl.l_len), BigInt(fl.l_pid))
      return r
    }
    if (arg === null) rt.err(env, call.pos, 'fcntl with a NULL struct flock *')
    return yield* sys(rt, env, call, 'fcntl', num(a[0]!), num(a[1]!), num(arg))
  },
  read: (rt, a, env, call) => sys(rt, env, call, 'read', num(a[0]!), buffer(rt, env, call, a[1]!, a[2]!, true)),
  write: (rt, a, env, call) => sys(rt, env, call, 'write', num(a[0]!), buffer(rt, env, call, a[1]!, a[2]!, false)),
  pread: (rt, a, env, call) => sys(rt, env, call, 'pread64', num(a[0]!), buffer(rt, env, call, a[1]!, a[2]!, true), 0, num(a[3]!)),
  pwrite: (rt, a, env, call) => sys(rt, env, call, 'pwrite64', num(a[0]!), buffer(rt, env, call, a[1]!, a[2]!, false), 0, num(a[3]!)),
  lseek: (rt, a, env, call) => sys(rt, env, call, 'lseek', num(a[0]!), num(a[1]!), num(a[2]!)),
  pipe: (rt, a, env, call) => withInts(rt, env, call, a[0]!, 2, (out) => sys(rt, env, call, 'pipe', out)),
  pipe2: (rt, a, env, call) => withInts(rt, env, call, a[0]!, 2, (out) => sys(rt, env, call, 'pipe2', out, num(a[1]!))),
  socketpair: (rt, a, env, call) => withInts(rt, env, call, a[3]!, 2, (out) => sys(rt, env, call, 'socketpair', num(a[0]!), num(a[1]!), num(a[2]!), out)),
  ioctl: (rt, a, env, call) => sys(rt, env, call, 'ioctl', num(a[0]!), num(a[1]!), num(a[2] ?? 0n)),
  flock: (rt, a, env, call) => sys(rt, env, call, 'flock', num(a[0]!), num(a[1]!)),
  unshare: (rt, a, env, call) => sys(rt, env, call, 'unshare', num(a[0]!)),
  eventfd: (rt, a, env, call) => sys(rt, env, call, 'eventfd2', num(a[0]!), num(a[1]!)),
  epoll_create1: (rt, a, env, call) => sys(rt, env, call, 'epoll_create1', num(a[0]!)),
  *getrlimit(rt, a, env, call) {
    const s = a[1]
    const out: Rlimit = { rlim_cur: 0, rlim_max: 0 }
    const r = yield* sys(rt, env, call, 'getrlimit', num(a[0]!), s instanceof LabStruct ? out : null)
    if (r === 0n && s instanceof LabStruct) { s.fields[0] = fromRlim(out.rlim_cur); s.fields[1] = fromRlim(out.rlim_max) }
    return r
  },
  setrlimit: (rt, a, env, call) => {
    const s = a[1]
    const lim: Rlimit | null = s instanceof LabStruct ? { rlim_cur: toRlim(s.fields[0] as bigint), rlim_max: toRlim(s.fields[1] as bigint) } : null
    return sys(rt, env, call, 'setrlimit', num(a[0]!), lim)
  },
  getpid: (rt, _a, env, call) => sys(rt, env, call, 'getpid'),
  gettid: (rt, _a, env, call) => sys(rt, env, call, 'gettid'),
  getppid: (rt, _a, env, call) => sys(rt, env, call, 'getppid'),
  *waitpid(rt, a, env, call) {
    const st = new Int32Array(1)
    const r = yield* sys(rt, env, call, 'wait4', num(a[0]!), st)
    if (r > 0n) writeStatus(a[1]!, st[0]!)
    return r
  },
  *wait(rt, a, env, call) {
    const st = new Int32Array(1)
    const r = yield* sys(rt, env, call, 'wait4', -1, st)
    if (r > 0n) writeStatus(a[0]!, st[0]!)
    return r
  },
  *sched_yield(rt, _a, env, call) {
    // Give the CPU away: runnable again once another thread has taken a step, or when no other
    // thread can (SIM: the default schedule would otherwise keep running a polling loop).
    const api = u(rt, env, call.pos)
    const s = rt.sched
    if (rt.k.trace.on) rt.k.trace.emit({ e: 'user', what: 'stmt', text: 'sched_yield()', line: call.pos.line, col: call.pos.col })
    if (!s) { yield* api.stmt('stmt', 'sched_yield()', call.pos.line, call.pos.col); return 0n }
    const me = api.tid
    const mark = s.stepNo()
    yield { obj: `user:${me}`, w: false, what: 'sched_yield', enabled: () => s.ranSince(mark, me) || !s.othersCanRun(me) }
    return 0n
  },
  *exit(rt, a, env, call) { yield* u(rt, env, call.pos).sys('exit_group', num(a[0]!)); return null },
  *_exit(rt, a, env, call) { yield* u(rt, env, call.pos).sys('exit_group', num(a[0]!)); return null },
}

/** rlim_t (unsigned 64-bit) to the engine's number: RLIM_INFINITY (~0UL) and anything beyond stay infinite. */
function toRlim(v: bigint): number {
  const u = BigInt.asUintN(64, v)
  return u >= BigInt(RLIM_INFINITY) ? RLIM_INFINITY : Number(u)
}
const fromRlim = (n: number): bigint => (n >= RLIM_INFINITY ? (1n << 64n) - 1n : BigInt(n))

function pathArg(rt: Interp, env: Env, call: Extract<Expr, { kind: 'call' }>, v: Value): string {
  if (typeof v === 'string') return v
  if (v instanceof Uint8Array) return utf8Decode(v)
  return rt.err(env, call.pos, 'NULL path')
}

const str = (v: Value): string => (typeof v === 'string' ? v : v instanceof Uint8Array ? utf8Decode(v) : '')

function* userWrite(rt: Interp, env: Env, call: Extract<Expr, { kind: 'call' }>, fd: number, text: string): KGen<bigint> {
  rt.appendOutput(text, env, call.pos)
  const b = utf8Encode(text)
  if (b.length === 0) return 0n
  return yield* sys(rt, env, call, 'write', fd, b)
}

/** Builtins: printf and friends, join, and the query helpers (no micro-step: they observe). */
export const BUILTIN_IMPL: Readonly<Record<string, Impl>> = {
  *printf(rt, a, env, call) {
    const r = yield* userWrite(rt, env, call, 1, formatC(str(a[0]!), a.slice(1)))
    return r < 0n ? r : BigInt(utf8Encode(formatC(str(a[0]!), a.slice(1))).length)
  },
  *perror(rt, a, env, call) {
    const e = Number(env.th.errno)
    yield* userWrite(rt, env, call, 2, `${str(a[0]!) ? `${str(a[0]!)}: ` : ''}${ERRNO_TEXT[e] ?? `Unknown error ${e}`}\n`)
    return null
  },
  strerror: (_rt, a) => value(ERRNO_TEXT[num(a[0]!)] ?? `Unknown error ${num(a[0]!)}`),
  snprintf(rt, a, env, call) {
    const dst = a[0]
    if (!(dst instanceof Uint8Array)) return rt.err(env, call.pos, 'snprintf writes into a char array')
    const n = num(a[1]!)
    if (n < 0 || n > dst.length) return rt.err(env, call.pos, `size ${n} overflows the ${dst.length}-byte buffer`)
    const text = utf8Encode(formatC(str(a[2]!), a.slice(3)))
    if (n > 0) {
      const k = Math.min(text.length, n - 1)
      dst.set(text.subarray(0, k))
      dst[k] = 0
    }
    return value(BigInt(text.length))
  },
  atoi: (_rt, a) => {
    const m = /^\s*([+-]?\d+)/.exec(str(a[0]!))
    return value(m ? BigInt.asIntN(32, BigInt(m[1]!)) : 0n)
  },
  strlen: (_rt, a) => value(big(utf8Encode(str(a[0]!)).length)),
  strcmp: (_rt, a) => { const x = str(a[0]!), y = str(a[1]!); return value(x < y ? -1n : x > y ? 1n : 0n) },
  *join(rt, a, env, call) {
    const tid = num(a[0]!)
    const task = rt.k.tasks.get(tid)
    const done = (): boolean => !task || task.state === 'zombie' || task.state === 'dead'
    u(rt, env, call.pos)
    rt.k.trace.on && rt.k.trace.emit({ e: 'user', what: 'stmt', text: `join(${tid})`, line: call.pos.line, col: call.pos.col })
    yield { obj: `user:${rt.k.current.pid}`, w: false, what: `join thread ${tid}`, enabled: done }
    return null
  },
  violations: (rt) => value(big(rt.k.violations.filter((v) => v.severity === 'violation').length)),
  notes: (rt) => value(big(rt.k.violations.filter((v) => v.severity === 'note').length)),
  no_violations: (rt) => value(big(!rt.k.violations.some((v) => v.severity === 'violation'))),
  violated: (rt, a) => value(big(rt.k.violations.some((v) => v.rule === str(a[0]!)))),
  fd_is_open: (rt, a) => value(big(fileAt(rt, num(a[0]!), num(a[1]!)) !== null)),
  fd_count: (rt, a) => {
    const files = rt.k.tasks.get(num(a[0]!))?.files
    return value(big(files ? files.fdt.fd.filter((f) => f !== null).length : 0))
  },
  fd_refcount: (rt, a) => {
    const f = fileAt(rt, num(a[0]!), num(a[1]!))
    return value(f ? big(file_count(rt.k, f)) : -1n)
  },
  files_count: (rt, a) => value(big(rt.k.tasks.get(num(a[0]!))?.files?.count ?? 0)),
  task_works: (rt, a) => {
    const t = rt.k.tasks.get(num(a[0]!))
    let n = 0
    for (let w: CallbackHead | null = t?.task_works ?? null; w && w !== rt.k.work_exited; w = w.next) n++
    return value(big(n))
  },
  delayed_fputs: (rt) => {
    let n = 0
    for (let f: File | null = rt.k.delayed_fput_list.first; f; f = f.f_llist) n++
    return value(big(n))
  },
  posix_locks: (rt, a) => value(big(rt.k.vfs.lookup(str(a[0]!))?.i_flctx?.flc_posix.length ?? 0)),
  open_files: (rt) => value(big(rt.k.filp_cache.all.filter((f) => f.mem === 'live').length)),
  observe(rt, a) {
    const key = str(a[0]!)
    const v = a[1]
    const list = rt.observations.get(key) ?? []
    list.push(typeof v === 'bigint' ? v : str(v ?? null))
    rt.observations.set(key, list)
    return value(null)
  },
}

function fileAt(rt: Interp, pid: number, fd: number): File | null {
  const files = rt.k.tasks.get(pid)?.files
  if (!files || fd < 0 || fd >= files.fdt.max_fds) return null
  return files.fdt.fd[fd] ?? null
}

function* value<T>(v: T): KGen<T> {
  return v
}

/**
 * fork { body }: the child runs a copy of the variables, then exits. clone(FLAGS) { body }: the
 * same with exactly these clone flags (CLONE_FILES without CLONE_THREAD: another process that
 * shares the fd table; with CLONE_VM the child shares the variables too).
 */
export function* forkBody(rt: Interp, body: Block, env: Env, pos: Pos, flags?: bigint): KGen<Value> {
  const api = u(rt, env, pos)
  const f = flags === undefined ? null : Number(BigInt.asUintN(32, flags))
  const frame = f !== null && f & CLONE_VM ? env.frame : env.frame.map(copyValue)
  const child: EngineProgram = function* (cu) {
    return yield* rt.userMain(body, { frame, th: { u: cu, errno: env.th.errno, depth: 0 }, file: env.file })
  }
  if (f === null) return libc(env, yield* api.sys('fork', child))
  return libc(env, yield* api.sys('clone', { flags: f, program: child }))
}

/** thread NAME { body }: shares the variables (the same frame) and the fd table. */
export function* threadBody(rt: Interp, body: Block, env: Env, pos: Pos): KGen<Value> {
  const api = u(rt, env, pos)
  const frame = env.frame
  const program: EngineProgram = function* (tu) {
    return yield* rt.userMain(body, { frame, th: { u: tu, errno: 0n, depth: 0 }, file: env.file })
  }
  return libc(env, yield* api.sys('clone', { flags: THREAD_FLAGS, program }))
}

/**
 * exec("/path", args...) { image }: on success the image replaces the program, with argc and argv
 * (argv[0] = the path, then the arguments, then NULL) as its main would get them; on failure
 * errno is set.
 */
export function* execImage(rt: Interp, args: Value[], image: Block | null, frameSize: number, env: Env, pos: Pos, argcSlot?: number, argvSlot?: number): KGen<void> {
  const api = u(rt, env, pos)
  const file = env.file
  // The strings are copied now: execve reads them before the old image is gone.
  const argv = args.map((a) => str(a))
  const program: EngineProgram = function* (iu) {
    if (!image) return 0
    const frame: Value[] = new Array(frameSize)
    if (argcSlot !== undefined) frame[argcSlot] = BigInt(argv.length)
    if (argvSlot !== undefined) frame[argvSlot] = new PtrArray([...argv, null])
    return yield* rt.userMain(image, { frame, th: { u: iu, errno: 0n, depth: 0 }, file })
  }
  libc(env, yield* api.sys('execve', str(args[0] ?? null), program))
}

/** A system call with plain int and string arguments: made as written, libc conventions. */
export function passThrough(name: string): Impl {
  return function* (rt, args, env, call) {
    const r = yield* u(rt, env, call.pos).sys(name, ...args.map((v) => (typeof v === 'bigint' ? Number(BigInt.asIntN(64, v)) : typeof v === 'string' || v instanceof Uint8Array ? v : null)))
    return libc(env, r)
  }
}
