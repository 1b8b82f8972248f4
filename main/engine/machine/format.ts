/**
 * Printing a run: strace-style system calls and ftrace function_graph-style kernel paths.
 */
import { TraceLog, type TraceArg, type TraceEvent, type TraceEventKind } from '../sim/trace'
import { ERRNO_NAMES, ERRNO_TEXT } from '../kernel/include/errno'
import * as F from '../kernel/include/flags'
import {
  formatOpenFlags, F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_GETFL, F_SETFL, F_GETLK, F_SETLK, F_SETLKW,
  F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW, F_DUPFD_QUERY, FD_CLOEXEC, O_CLOEXEC, CLOSE_RANGE_UNSHARE, CLOSE_RANGE_CLOEXEC,
} from '../kernel/include/flags'
import * as FLAGS from '../kernel/include/flags'

/** CLONE_* names by bit, from the kernel's flag constants (exit signal in the low byte). */
const CLONE_BITS: readonly [number, string][] = Object.entries(FLAGS)
  .filter(([k, v]) => k.startsWith('CLONE_') && typeof v === 'number' && v > 0xff && (v & (v - 1)) === 0)
  .map(([k, v]) => [v as number, k] as [number, string])
  .sort((a, b) => a[0] - b[0])

/** Flags as the kernel spells them: CLONE_FILES|CLONE_FS, with any unknown rest in hex. */
export function formatBits(v: number, bits: readonly [number, string][], zero = '0'): string {
  if (!v) return zero
  const out: string[] = []
  let rest = v
  for (const [b, n] of bits) if (rest & b) { out.push(n); rest &= ~b }
  if (rest) out.push(`0x${rest.toString(16)}`)
  return out.join('|')
}

const SIGNALS: Record<number, string> = { 17: 'SIGCHLD' }
function formatCloneFlags(v: number): string {
  const sig = v & 0xff
  const f = formatBits(v & ~0xff, CLONE_BITS, '')
  return [f, sig ? SIGNALS[sig] ?? String(sig) : ''].filter(Boolean).join('|') || '0'
}

const FCNTL_NAMES: Record<number, string> = {
  [F_DUPFD]: 'F_DUPFD', [F_DUPFD_CLOEXEC]: 'F_DUPFD_CLOEXEC', [F_GETFD]: 'F_GETFD', [F_SETFD]: 'F_SETFD',
  [F_GETFL]: 'F_GETFL', [F_SETFL]: 'F_SETFL', [F_GETLK]: 'F_GETLK', [F_SETLK]: 'F_SETLK', [F_SETLKW]: 'F_SETLKW',
  [F_OFD_GETLK]: 'F_OFD_GETLK', [F_OFD_SETLK]: 'F_OFD_SETLK', [F_OFD_SETLKW]: 'F_OFD_SETLKW', [F_DUPFD_QUERY]: 'F_DUPFD_QUERY',
}

const IOCTL_NAMES: Record<number, string> = {
  0x5451: 'FIOCLEX', 0x5450: 'FIONCLEX', 0x5421: 'FIONBIO', 0x541b: 'FIONREAD', 0x5401: 'TCGETS',
  0x40046207: 'BINDER_SET_CONTEXT_MGR', 0x4008620a: 'BINDER_SEND_FD', 0x4008620b: 'BINDER_RECV_FD',
  0x4008620c: 'BINDER_FREE_FD', 0x4008620d: 'BINDER_CLOSE_NAIVE',
}

function arg(a: TraceArg): string {
  if (typeof a === 'string' && /^[a-z_]+#\d+(\.\d+)?(\.[a-z_]+)?$/.test(a)) return a
  if (typeof a === 'string') return a === 'program' || a === 'obj' || a.startsWith('buf[') || a.startsWith('int[') ? a : JSON.stringify(a)
  return String(a)
}

/** One strace line for a sys_exit event. */
export function straceArgs(name: string, args: readonly TraceArg[]): string {
  const a = args.map(arg)
  switch (name) {
    case 'open': return [a[0], formatOpenFlags(Number(args[1] ?? 0)), ...(Number(args[1]) & 0o100 ? [`0${Number(args[2] ?? 0).toString(8)}`] : [])].join(', ')
    case 'openat': return [args[0] === -100 ? 'AT_FDCWD' : a[0], a[1], formatOpenFlags(Number(args[2] ?? 0)), ...(Number(args[2]) & 0o100 ? [`0${Number(args[3] ?? 0).toString(8)}`] : [])].join(', ')
    case 'fcntl': {
      const cmd = Number(args[1])
      const rest = cmd === F_SETFD ? [formatBits(Number(args[2] ?? 0), [[FD_CLOEXEC, 'FD_CLOEXEC']])] : cmd === F_SETFL ? [formatOpenFlags(Number(args[2] ?? 0))] : a.slice(2)
      return [a[0], FCNTL_NAMES[cmd] ?? a[1], ...rest].join(', ')
    }
    case 'unshare': return formatCloneFlags(Number(args[0] ?? 0))
    case 'clone': {
      // Lab C threads pass kernel_clone_args ("{flags=0x50f00}"); replayed logs pass the number.
      const f = typeof args[0] === 'number' ? args[0] : Number(/flags=(0x[0-9a-f]+|\d+)/.exec(String(args[0] ?? ''))?.[1] ?? NaN)
      return Number.isNaN(f) ? a.join(', ') : ['flags=' + formatCloneFlags(f), ...a.slice(1)].join(', ')
    }
    case 'dup3': return [a[0], a[1], formatBits(Number(args[2] ?? 0), [[O_CLOEXEC, 'O_CLOEXEC']])].join(', ')
    case 'close_range': return [a[0], a[1], formatBits(Number(args[2] ?? 0), [[CLOSE_RANGE_UNSHARE, 'CLOSE_RANGE_UNSHARE'], [CLOSE_RANGE_CLOEXEC, 'CLOSE_RANGE_CLOEXEC']])].join(', ')
    case 'ioctl': return [a[0], IOCTL_NAMES[Number(args[1])] ?? a[1], ...a.slice(2)].join(', ')
    case 'setrlimit': case 'getrlimit': {
      // The struct is printed as strace does: {rlim_cur=16, rlim_max=4096}, unquoted.
      const r = typeof args[1] === 'string' && args[1].startsWith('{') ? args[1] : a[1]
      return [Number(args[0]) === F.RLIMIT_NOFILE ? 'RLIMIT_NOFILE' : a[0], r, ...a.slice(2)].join(', ')
    }
    case 'pipe2': return [a[0], formatBits(Number(args[1] ?? 0), [[O_CLOEXEC, 'O_CLOEXEC'], [F.O_NONBLOCK, 'O_NONBLOCK']])].join(', ')
    default: return a.join(', ')
  }
}

export function formatRet(ret: number): string {
  if (ret <= -512 && ret >= -516) {
    // A restart code: the kernel restarts the call (or turns it into EINTR) on the way out.
    const n = -ret
    return `? ${ERRNO_NAMES[n] ?? `E${n}`} (${ERRNO_TEXT[n] ?? 'To be restarted'}; kernel-internal: the call is restarted or fails with EINTR)`
  }
  if (ret < 0 && ret >= -4095) {
    const n = -ret
    return `-1 ${ERRNO_NAMES[n] ?? `E${n}`} (${ERRNO_TEXT[n] ?? 'Unknown error'})`
  }
  return String(ret)
}

export interface FormatOptions {
  /** Include state events (fd slots, refcounts, task work) as comments. */
  state?: boolean
  /** Prefix lines with the micro-step number. */
  steps?: boolean
}

/**
 * What the printers read: the compact log itself (events are built one at a time, only those
 * printed; nothing is kept) or an array of events.
 */
export type TraceSource = readonly TraceEvent[] | TraceLog

function reader(src: TraceSource): { n: number; at: (i: number) => TraceEvent; kind: (i: number) => TraceEventKind } {
  if (src instanceof TraceLog) return { n: src.length, at: (i) => src.at(i), kind: (i) => src.kind(i) }
  return { n: src.length, at: (i) => src[i]!, kind: (i) => src[i]!.e }
}

/** strace -f style: one line per completed system call. */
export function formatStrace(events: TraceSource, opts: FormatOptions = {}): string[] {
  const out: string[] = []
  const r = reader(events)
  for (let i = 0; i < r.n; i++) {
    const k = r.kind(i)
    if (k !== 'sys_exit' && k !== 'task' && k !== 'violation') continue
    const e = r.at(i)
    if (e.e === 'sys_exit') {
      const line = `[pid ${e.tid}] ${e.name}(${straceArgs(e.name, e.args)}) = ${formatRet(e.ret)}`
      out.push(opts.steps ? `${String(e.step).padStart(5)}  ${line}` : line)
    } else if (e.e === 'task' && e.op === 'exit') {
      out.push(`${opts.steps ? `${String(e.step).padStart(5)}  ` : ''}[pid ${e.task}] +++ exited with ${e.detail.replace('exit code ', '')} +++`)
    } else if (e.e === 'violation') {
      out.push(`${opts.steps ? `${String(e.step).padStart(5)}  ` : ''}!!! ${e.severity} ${e.rule}: ${e.message}`)
    }
  }
  return out
}

function stateText(e: TraceEvent): string | null {
  switch (e.e) {
    case 'fd': return `${e.files} fd[${e.fd}]: ${e.from ?? 'NULL'} -> ${e.to ?? 'NULL'}`
    case 'bit': return e.map === 'next_fd' ? `${e.files} next_fd = ${e.value}` : e.map === 'max_fds' ? `${e.files} max_fds = ${e.value}` : `${e.files} ${e.map}[${e.index}] = ${e.value}`
    case 'ref': return `${e.file} refcount ${e.from} -> ${e.to}`
    case 'task_work': return `task_work ${e.op} ${e.fn}${e.obj ? `(${e.obj})` : ''} on ${e.task}`
    case 'lock': return `${e.op} ${e.lock}`
    case 'rcu': return `rcu ${e.op} ${e.what}`
    case 'delayed_fput': return `delayed_fput_list ${e.op} ${e.file ?? ''}`.trim()
    case 'task': return `task ${e.task} ${e.op}: ${e.detail}`
    case 'note': return e.text
    case 'printk': return `printk: ${e.text}`
    default: return null
  }
}

/**
 * function_graph style: nested kernel calls per thread, leaf calls on one line, system calls
 * as strace lines, violations marked `!!!`.
 */
export function formatFunctionGraph(events: TraceSource, opts: FormatOptions = {}): string[] {
  const out: string[] = []
  const depth = new Map<number, number>()
  const pad = (e: TraceEvent): string => `${String(e.step).padStart(5)}) ${String(e.tid).padStart(4)} | `
  const r = reader(events)
  for (let i = 0; i < r.n; i++) {
    const e = r.at(i)
    const d = depth.get(e.tid) ?? 0
    const ind = '  '.repeat(d)
    switch (e.e) {
      case 'enter': {
        const next = i + 1 < r.n && r.kind(i + 1) === 'exit' ? r.at(i + 1) : undefined
        if (next && next.e === 'exit' && next.fn === e.fn && next.tid === e.tid) {
          out.push(`${pad(e)}${ind}${e.fn}(${e.args.map(arg).join(', ')}) = ${arg(next.ret)};`)
          i++
        } else {
          out.push(`${pad(e)}${ind}${e.fn}(${e.args.map(arg).join(', ')}) {`)
          depth.set(e.tid, d + 1)
        }
        break
      }
      case 'exit': {
        const nd = Math.max(0, d - 1)
        depth.set(e.tid, nd)
        out.push(`${pad(e)}${'  '.repeat(nd)}} /* ${e.fn} = ${arg(e.ret)} */`)
        break
      }
      case 'sys_enter':
        out.push(`${pad(e)}${ind}=> ${e.name}(${straceArgs(e.name, e.args)})`)
        break
      case 'sys_exit':
        out.push(`${pad(e)}${ind}<= ${e.name}(${straceArgs(e.name, e.args)}) = ${formatRet(e.ret)}`)
        break
      case 'violation':
        out.push(`${pad(e)}${ind}!!! ${e.severity} ${e.rule}: ${e.message}`)
        break
      case 'user':
        out.push(`${pad(e)}${ind}# ${e.what === 'label' ? `label ${e.text}` : e.text}${e.line ? ` (line ${e.line})` : ''}`)
        break
      default:
        if (opts.state !== false) {
          const s = stateText(e)
          if (s) out.push(`${pad(e)}${ind}/* ${s} */`)
        }
    }
  }
  return out
}
