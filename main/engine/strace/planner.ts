/**
 * The overlap-window planner: data in, a plan out.
 *
 * Calls of threads sharing a table that overlapped in the log may have taken effect in any order
 * that keeps each call between its first and its last line (a call that ended before another
 * started comes first). Given those calls and a view of the table's slots before them, `planOrder`
 * searches (depth first, within a budget) for an order in which every call gets the result the
 * log shows, judging only by which fds are in use and their access modes. Each call's effect on
 * the slots is its declaration's `predict` (calls.ts); the search never touches the model.
 */
import { intArg, type SyscallEvent } from './parse'
import { OPEN_NAMES, PROC_FD_PATH, procFdOf } from './decode'
import type { FdNeed } from './syscalls'
import * as F from '../kernel/include/flags'

/**
 * A slot as the planner sees it: false when free, else the open file's f_flags access bits
 * (O_ACCMODE and O_PATH), or MODE_UNKNOWN; undefined for an inherited fd the log has not decided.
 */
export type Slot = number | false | undefined
export const MODE_UNKNOWN = -1
export const OPEN_MODE_MASK = F.O_ACCMODE | F.O_PATH
/** Longest window held before it is replayed in completion order. */
export const MAX_WINDOW = 256

/** [fd, new slot value] */
export type Change = [number, number | false]

/** What a predictor may ask and record while the planner tries an order. */
export class Prediction {
  readonly out: Change[] = []
  private readonly taken = new Set<number>()
  readonly ok: boolean
  readonly bad: boolean
  constructor(readonly e: SyscallEvent, readonly slot: (fd: number) => Slot) {
    this.ok = e.ret !== null && e.ret >= 0 && !e.errno
    this.bad = e.errno === 'EBADF'
  }

  modeOf(fd: number | undefined): number {
    if (fd === undefined) return MODE_UNKNOWN
    const o = this.slot(fd)
    return typeof o === 'number' ? o : MODE_UNKNOWN
  }

  /** Whether a use of @fd with @need is possible given the logged result. */
  use(fd: number | undefined, need: FdNeed = 'any'): boolean {
    if (fd === undefined || fd < 0) return true
    const o = this.slot(fd)
    if (this.ok) return o !== false && (o === undefined || modeAllows(o, need))
    if (this.bad) return o === false || o === undefined || !modeAllows(o, need) || o === MODE_UNKNOWN
    return o !== false
  }

  /** Lowest-free allocation from @start that the log says returned @n, of a file with @mode. */
  allocTo(start: number, n: number, mode: number): boolean {
    if (n < start || n - start > 1 << 16) return false
    for (let fd = start; fd < n; fd++) {
      if (this.taken.has(fd)) continue
      const o = this.slot(fd)
      if (o === false) return false
      if (o === undefined) this.out.push([fd, MODE_UNKNOWN]) // an inherited fd: it must have been open
    }
    if (this.taken.has(n)) return false
    const o = this.slot(n)
    if (o !== false && o !== undefined) return false
    this.out.push([n, mode])
    this.taken.add(n)
    return true
  }

  set(fd: number, v: number | false): void {
    this.out.push([fd, v])
  }
}

/** Whether a file opened with @mode allows a call that needs @need (fdget, FMODE_READ, ...). */
export function modeAllows(mode: number, need: FdNeed): boolean {
  if (mode === MODE_UNKNOWN || need === 'raw' || need === 'dirfd') return true
  if (mode & F.O_PATH) return false
  const acc = mode & F.O_ACCMODE
  if (need === 'read') return acc !== F.O_WRONLY
  if (need === 'write') return acc !== F.O_RDONLY
  return true
}

/** A call's prediction: whether its logged result is possible, its slot changes in @p.out. */
export type Predictor = (e: SyscallEvent, p: Prediction) => boolean

/**
 * The slot changes of @e if its logged result is possible in the slots @slot shows, else null.
 * A stat/readlink/access/open of /proc/self/fd/N also says whether N is open.
 */
export function predictCall(e: SyscallEvent, slot: (fd: number) => Slot, predictor: Predictor | undefined): Change[] | null {
  const p = new Prediction(e, slot)
  if (PROC_FD_PATH[e.name] !== undefined) {
    const pf = procFdOf(e)
    if (pf && pf.who !== 'self' && pf.who !== 'thread-self') return p.out
    if (pf) {
      const o = slot(pf.fd)
      const open = o !== false
      if (p.ok && !open) return null
      if (e.errno === 'ENOENT' && open && o !== undefined) return null
      if (!OPEN_NAMES.has(e.name)) return p.out
    }
  }
  if (!predictor) return p.out
  return predictor(e, p) ? p.out : null
}

/** The input of the planner: the held calls (in completion order) and the slots before them. */
export interface WindowInput {
  calls: readonly SyscallEvent[]
  slot(fd: number): Slot
  predictorOf(name: string): Predictor | undefined
  /** Orders tried before giving up (default 20,000). */
  budget?: number
}

/**
 * An order of @in.calls (indices) that keeps every call inside its lines and gives every logged
 * result, or null if none was found within the budget.
 */
export function planOrder(input: WindowInput): number[] | null {
  const q = input.calls
  const n = q.length
  if (n <= 1) return n === 1 ? [0] : []
  const overlay = new Map<number, number | false>()
  const slot = (fd: number): Slot => {
    const o = overlay.get(fd)
    if (o !== undefined) return o
    if (fd < 0) return false
    return input.slot(fd)
  }
  const preds: number[][] = q.map(() => [])
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) if (q[j]!.line < q[i]!.startLine) preds[i]!.push(j)
  }
  const done = new Array<boolean>(n).fill(false)
  const order: number[] = []
  let budget = input.budget ?? 20_000
  // an explicit stack (no recursion whose depth follows the window's length)
  const tried: number[] = [-1]
  const saved: (readonly (readonly [number, number | false | undefined])[])[] = []
  while (tried.length > 0) {
    if (order.length === n) return order
    const depth = tried.length - 1
    let i = tried[depth]! + 1
    let advanced = false
    for (; i < n; i++) {
      if (done[i] || preds[i]!.some((j) => !done[j])) continue
      if (--budget < 0) return null
      const changes = predictCall(q[i]!, slot, input.predictorOf(q[i]!.name))
      if (changes === null) continue
      saved.push(changes.map(([fd]) => [fd, overlay.get(fd)] as const))
      for (const [fd, v] of changes) overlay.set(fd, v)
      done[i] = true
      order.push(i)
      tried[depth] = i
      tried.push(-1)
      advanced = true
      break
    }
    if (advanced) continue
    // no call fits here: undo the previous choice and try the next one at that depth
    tried.pop()
    if (tried.length === 0) return null
    const last = order.pop()!
    done[last] = false
    for (const [fd, v] of saved.pop()!) {
      if (v === undefined) overlay.delete(fd)
      else overlay.set(fd, v)
    }
  }
  return null
}

// ---------------------------------------------------------------------------------------------
// Predictors shared by several declarations (calls.ts)

/** Calls that only use their fd arguments: every use must be possible (one bad one for EBADF). */
export function predictUses(uses: readonly { arg: number; need: FdNeed }[]): Predictor {
  const fds = uses.filter((u) => u.need !== 'dirfd')
  return (e, p) => {
    if (p.bad && fds.length > 1) return fds.some((u) => p.use(intArg(e.arg(u.arg)), u.need))
    for (const u of fds) if (!p.use(intArg(e.arg(u.arg)), u.need)) return false
    return true
  }
}

/** One-fd creators without fd arguments: the lowest free fd, opened read-write. */
export const predictCreate: Predictor = (e, p) => !p.ok || p.allocTo(0, e.ret!, F.O_RDWR)
