/**
 * What changed over a span of micro-steps, from the trace: the slots, refcounts, next_fd values
 * and objects touched between two steps. The UI highlights "this step" (the statement or
 * function step just taken, often many micro-steps) and "this syscall" (since the current
 * thread entered its system call) with it; a snapshot's own `changed` covers one micro-step.
 */
import type { TraceEvent, TraceEventKind } from '../sim/trace'
import type { ChangedView } from './snapshotTypes'

/**
 * What the readers of a run's trace need: the compact log itself (sim/trace.ts TraceLog), whose
 * columns they read without building an event and whose events they build one at a time (none
 * kept), or events in an array (asTrace).
 */
export interface TraceReader {
  readonly length: number
  /** Event @i as an object. */
  at(i: number): TraceEvent
  kind(i: number): TraceEventKind
  stepAt(i: number): number
  tidAt(i: number): number
  /** Events @from up to @to (exclusive), as objects. */
  slice(from?: number, to?: number): TraceEvent[]
}

/** @events as a TraceReader (a TraceLog is one already). */
export function asTrace(events: readonly TraceEvent[] | TraceReader): TraceReader {
  if (!Array.isArray(events)) return events as TraceReader
  const a = events as readonly TraceEvent[]
  return {
    length: a.length,
    at: (i) => a[i]!,
    kind: (i) => a[i]!.e,
    stepAt: (i) => a[i]!.step,
    tidAt: (i) => a[i]!.tid,
    slice: (from, to) => a.slice(from, to),
  }
}

export interface SlotChange { readonly files: string; readonly fd: number; readonly from: string | null; readonly to: string | null; readonly step: number }
export interface RefChange { readonly file: string; readonly from: number; readonly to: number }
export interface NextFdChange { readonly files: string; readonly from: number | null; readonly to: number }

export interface SpanChange {
  /** Micro-steps (from, to]. */
  readonly from: number
  readonly to: number
  readonly changed: ChangedView
  /** Each slot changed in the span: its file before the span and after it. */
  readonly slots: readonly SlotChange[]
  /** Each file whose count moved: before the span and after it. */
  readonly refs: readonly RefChange[]
  readonly nextFd: readonly NextFdChange[]
}

/** Index of the first event whose step is greater than @step (events are in step order). */
export function firstAfter(trace: readonly TraceEvent[] | TraceReader, step: number, end = trace.length): number {
  const r = asTrace(trace)
  let lo = 0
  let hi = end
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (r.stepAt(mid) > step) hi = mid
    else lo = mid + 1
  }
  return lo
}

/** The objects a run of trace events touched: a snapshot's `changed` (one micro-step) or a span's. */
export class ChangedSet {
  private readonly fds = new Set<string>()
  private readonly tables = new Set<string>()
  private readonly files = new Set<string>()
  private readonly tasks = new Set<number>()
  private readonly taskWork = new Set<number>()
  private delayedFput = false
  private rcu = false
  private locks = false

  add(e: TraceEvent): void {
    switch (e.e) {
      case 'fd': this.fds.add(`${e.files}:${e.fd}`); this.tables.add(e.files); if (e.from) this.files.add(e.from); if (e.to) this.files.add(e.to); break
      case 'bit': this.tables.add(e.files); if (e.map === 'open_fds' || e.map === 'close_on_exec') this.fds.add(`${e.files}:${e.index}`); break
      case 'ref': this.files.add(e.file); break
      case 'task_work': this.taskWork.add(e.task); break
      case 'delayed_fput': this.delayedFput = true; if (e.file) this.files.add(e.file); break
      case 'rcu': this.rcu = true; break
      case 'task': this.tasks.add(e.task); break
      // The Locks pane shows file locks (POSIX, OFD, flock), not kernel spinlocks and mutexes.
      case 'note': if (/^(lock |flock )/.test(e.text)) this.locks = true; break
      default: break
    }
  }

  view(): ChangedView {
    return {
      fds: [...this.fds], tables: [...this.tables], files: [...this.files], tasks: [...this.tasks], taskWork: [...this.taskWork],
      delayedFput: this.delayedFput, rcu: this.rcu, locks: this.locks,
    }
  }
}

/** The changes made by the events of micro-steps (from, to]. */
export function changesBetween(trace: readonly TraceEvent[] | TraceReader, from: number, to: number): SpanChange {
  const events = asTrace(trace)
  const end = firstAfter(events, to)
  const start = firstAfter(events, from, end)
  const touched = new ChangedSet()
  const slots = new Map<string, { files: string; fd: number; from: string | null; to: string | null; step: number }>()
  const refs = new Map<string, { file: string; from: number; to: number }>()
  const next = new Map<string, { files: string; from: number | null; to: number }>()
  for (let i = start; i < end; i++) {
    const e = events.at(i)
    touched.add(e)
    switch (e.e) {
      case 'fd': {
        const key = `${e.files}:${e.fd}`
        const s = slots.get(key)
        if (s) { s.to = e.to; s.step = e.step } else slots.set(key, { files: e.files, fd: e.fd, from: e.from, to: e.to, step: e.step })
        break
      }
      case 'bit':
        if (e.map === 'next_fd') {
          const n = next.get(e.files)
          if (n) n.to = e.value
          else next.set(e.files, { files: e.files, from: previousNextFd(events, start, e.files), to: e.value })
        }
        break
      case 'ref': {
        const r = refs.get(e.file)
        if (r) r.to = e.to; else refs.set(e.file, { file: e.file, from: e.from, to: e.to })
        break
      }
      default: break
    }
  }
  return {
    from, to,
    changed: touched.view(),
    slots: [...slots.values()].filter((s) => s.from !== s.to),
    refs: [...refs.values()],
    nextFd: [...next.values()].filter((n) => n.from !== n.to),
  }
}

/** next_fd of table @files before event index @before, if an earlier event recorded it (a bounded look back). */
function previousNextFd(events: TraceReader, before: number, files: string): number | null {
  for (let i = before - 1, n = 0; i >= 0 && n < 50_000; i--, n++) {
    if (events.kind(i) !== 'bit') continue
    const e = events.at(i)
    if (e.e === 'bit' && e.map === 'next_fd' && e.files === files) return e.value
  }
  return null
}

/**
 * The micro-step at which thread @tid entered the system call it is in at step @at (or whose
 * exit is at @at), or null when it is not in one. Looks back at most @limit events.
 */
export function syscallStart(trace: readonly TraceEvent[] | TraceReader, tid: number, at: number, limit = 20_000): number | null {
  const events = asTrace(trace)
  const end = firstAfter(events, at)
  for (let i = end - 1, n = 0; i >= 0 && n < limit; i--, n++) {
    if (events.tidAt(i) !== tid) continue
    const kind = events.kind(i)
    if (kind === 'sys_exit' && events.stepAt(i) < at) return null
    if (kind === 'sys_enter') return events.stepAt(i)
  }
  return null
}
