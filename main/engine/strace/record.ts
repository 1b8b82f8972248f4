/**
 * The record of a replay: what was checked, mismatched, undecided, unchecked, decided outside
 * the fd table, unsupported and ignored, per call name too, and whether the log was filtered.
 * The replayer reports outcomes here; this file decides where each one is counted.
 */
import type { SyscallEvent } from './parse'
import { errnoName } from './errnos'

/** A value shown in a mismatch: text, or a raw result (an fd, 0, or -errno) formatted when needed. */
export type Shown = string | number

/** A raw result as strace shows it: `3`, `-1 EBADF`. */
export function fmt(ret: number): string {
  return ret >= 0 ? String(ret) : `-1 ${errnoName(-ret)}`
}
const show = (v: Shown): string => (typeof v === 'number' ? (Number.isNaN(v) ? '?' : fmt(v)) : v)
/** What a disagreement was about: text, or an fd number. */
const about = (v: Shown): string => (typeof v === 'number' ? `fd ${v}` : v)


export interface Mismatch {
  line: number
  pid: number
  call: string
  /** The log's outcome (the kernel's answer). */
  expected: string
  /** The model's outcome. */
  model: string
}
export interface Undecided extends Mismatch {
  reason: string
}

/** What the replay did with the calls of one name. */
export interface CallReport {
  /** Outcomes compared with the model (agreements and mismatches). */
  checked: number
  mismatches: number
  /** Disagreements that overlapping calls or unknown state could explain. */
  undecided: number
  /** Outcomes not compared (filtered logs, facts the model cannot know, features newer than the profile). */
  unchecked: number
  /** Errors something other than the fd table decided: the log is followed, nothing is created. */
  elsewhere: number
  /** Calls (or forms of a call) the model does not implement. */
  unsupported: number
}

/** One JSON line per log (`fdlab replay --json`). The first fields are the contract other tools rely on. */
export interface ReplayRecord {
  file: string
  lines: number
  syscalls: number
  fdSyscalls: number
  checked: number
  mismatches: Mismatch[]
  unparsed: { line: number; text: string }[]
  unsupported: Record<string, number>
  inherited: { pid: number; fd: number }[]
  processes: number
  undecided: Undecided[]
  inferred: { line: number; pid: number; fd: number }[]
  unchecked: number
  ignored: Record<string, number>
  filtered: boolean
  kernel: string
  /** Counts when a list was cut at `maxListed`. */
  mismatchCount: number
  undecidedCount: number
  unparsedCount: number
  /** Groups of overlapping calls of threads sharing a table, and how many were replayed in an order the log allows. */
  overlapWindows: { total: number; ordered: number }
  /** Calls whose logged error was decided outside the fd table (followed, not judged). */
  decidedElsewhere: number
  /** Per call name: what was checked, unchecked, decided elsewhere and unsupported. */
  calls: Record<string, CallReport>
}


/** An outcome held until the log is known to be filtered or not. */
export interface Held {
  ok: boolean
  overlap: boolean
  unordered: boolean
  line: number
  pid: number
  call: string
  expected: string
  model: string
  what: string
  name: string
}



export class Tally {
  syscalls = 0
  fdSyscalls = 0
  checked = 0
  unchecked = 0
  readonly mismatches: Mismatch[] = []
  mismatchCount = 0
  readonly undecided: Undecided[] = []
  undecidedCount = 0
  readonly unparsed: { line: number; text: string }[] = []
  unparsedCount = 0
  readonly unsupported: Record<string, number> = Object.create(null) as Record<string, number>
  readonly ignored: Record<string, number> = Object.create(null) as Record<string, number>
  readonly inherited: { pid: number; fd: number; line: number; by: number }[] = []
  readonly inferred: { line: number; pid: number; fd: number }[] = []
  elsewhereCount = 0
  readonly calls: Record<string, CallReport> = Object.create(null) as Record<string, CallReport>
  processes = 0
  /** Windows replayed, and for how many an order the log allows was found. */
  windows = 0
  windowsOrdered = 0
  /** A call every libc process makes was seen (the log is not filtered). */
  sawMarker = false
  filteredSeen = false
  private decided: 'complete' | 'filtered' | undefined
  private held: Held[] = []

  constructor(
    private readonly maxListed: number,
    /** Forced reading of the log: filtered (true), complete (false), or detect (undefined). */
    private readonly forceFiltered: boolean | undefined,
  ) {}

  /** The report of @name (the last two names asked for are cached: calls often alternate). */
  stat(name: string): CallReport {
    if (name === this.lastName) return this.lastStat!
    if (name === this.prevName) {
      const s = this.prevStat!
      this.prevName = this.lastName
      this.prevStat = this.lastStat
      this.lastName = name
      this.lastStat = s
      return s
    }
    const s = (this.calls[name] ??= { checked: 0, mismatches: 0, undecided: 0, unchecked: 0, elsewhere: 0, unsupported: 0 })
    this.prevName = this.lastName
    this.prevStat = this.lastStat
    this.lastName = name
    this.lastStat = s
    return s
  }
  private lastName: string | undefined
  private lastStat: CallReport | undefined
  private prevName: string | undefined
  private prevStat: CallReport | undefined

  /** The log's error was decided outside the fd table: followed (no fd created), not judged. */
  elsewhere(e: SyscallEvent): void {
    this.elsewhereCount++
    this.stat(e.name).elsewhere++
  }

  /** A call, or a form of it (@key, e.g. `ioctl(TCGETS)`), the model does not implement. */
  unsup(e: SyscallEvent, key: string = e.name): void {
    this.unsupported[key] = (this.unsupported[key] ?? 0) + 1
    this.stat(e.name).unsupported++
  }

  /** An outcome the model cannot judge (counted per call). */
  uncheck(e: SyscallEvent): void {
    this.unchecked++
    this.stat(e.name).unchecked++
  }

  ignore(name: string): void {
    this.ignored[name] = (this.ignored[name] ?? 0) + 1
  }

  unparsedLine(line: number, text: string): void {
    this.unparsedCount++
    if (this.unparsed.length < this.maxListed) this.unparsed.push({ line, text })
  }

  inferredFd(line: number, pid: number, fd: number): void {
    if (this.inferred.length < this.maxListed) this.inferred.push({ line, pid, fd })
  }

  /**
   * Whether the log is filtered. Until a marker call shows up (or 2000 calls went by without
   * one), outcomes are held and classified once it is known.
   */
  filterState(): 'complete' | 'filtered' | 'unknown' {
    if (this.forceFiltered !== undefined) return this.forceFiltered ? 'filtered' : 'complete'
    if (this.decided) return this.decided
    if (this.sawMarker) return this.decide('complete')
    if (this.syscalls > 2000) return this.decide('filtered')
    return 'unknown'
  }

  private decide(d: 'complete' | 'filtered'): 'complete' | 'filtered' {
    this.decided = d
    const held = this.held
    this.held = []
    for (const h of held) {
      if (d === 'filtered') {
        this.unchecked++
        this.stat(h.name).unchecked++
      } else this.record(h)
    }
    return d
  }

  get filtered(): boolean {
    const f = this.filterState() === 'filtered'
    if (f) this.filteredSeen = true
    return f
  }

  mismatch(m: Mismatch): void {
    this.mismatchCount++
    if (this.mismatches.length < this.maxListed) this.mismatches.push(m)
  }

  undecide(e: SyscallEvent, pid: number, expected: Shown, model: Shown, reason: string): void {
    this.undecidedCount++
    this.stat(e.name).undecided++
    if (this.undecided.length < this.maxListed) {
      this.undecided.push({ line: e.line, pid, call: e.toString(), expected: show(expected), model: show(model), reason })
    }
  }

  /**
   * The common case of outcome(), without its arguments: @e agreed with the model in a log known
   * to be complete. Returns false (and counts nothing) otherwise; then call outcome().
   */
  agreed(e: SyscallEvent): boolean {
    if (this.decided !== 'complete' && this.forceFiltered !== false) return false
    this.checked++
    this.stat(e.name).checked++
    return true
  }

  /**
   * Records one decided outcome of @e (by task @pid). Returns @ok. A disagreement is a mismatch,
   * or undecided when overlapping calls could explain it (@overlap, asked only then), or
   * unchecked in a filtered log.
   */
  outcome(e: SyscallEvent, pid: number, ok: boolean, expected: Shown, model: Shown, what: Shown, overlap: () => boolean, unordered: boolean): boolean {
    const st = this.filterState()
    if (st === 'filtered') {
      this.filteredSeen = true
      this.uncheck(e)
      return ok
    }
    if (ok && st === 'complete') {
      this.checked++
      this.stat(e.name).checked++
      return ok
    }
    const h: Held = ok
      ? { ok, overlap: false, line: e.line, pid, call: '', expected: '', model: '', what: '', unordered: false, name: e.name }
      : { ok, overlap: overlap(), line: e.line, pid, call: e.toString(), expected: show(expected), model: show(model), what: about(what), unordered, name: e.name }
    if (st === 'unknown') {
      this.held.push(h)
      if (this.held.length > 10_000) this.decide('filtered')
    } else this.record(h)
    return ok
  }

  private record(h: Held): void {
    const st = this.stat(h.name)
    if (h.ok) {
      this.checked++
      st.checked++
      return
    }
    if (h.overlap) {
      st.undecided++
      this.undecidedCount++
      if (this.undecided.length < this.maxListed) {
        const why = h.unordered
          ? 'calls of other threads overlapped on this table and no order of them gives every logged result'
          : 'calls of other threads overlapped on this table'
        this.undecided.push({ line: h.line, pid: h.pid, call: h.call, expected: h.expected, model: h.model, reason: `${why}${h.what ? ` (${h.what})` : ''}` })
      }
      return
    }
    this.checked++
    st.checked++
    st.mismatches++
    this.mismatch({ line: h.line, pid: h.pid, call: h.call, expected: h.expected, model: h.model })
  }

  /** The record of the replay of @file (@lines lines) under kernel @kernel. */
  finish(file: string, lines: number, kernel: string): ReplayRecord {
    if (this.filterState() === 'unknown') this.decide('filtered')
    if (this.decided === 'filtered') this.filteredSeen = true
    // In a filtered log an fd beyond 0-2 that shows up unannounced may come from a call that was
    // filtered out as well as from the parent: it is reported as inferred, not inherited.
    const inherited: { pid: number; fd: number }[] = []
    for (const i of this.inherited) {
      if (this.filteredSeen && i.fd > 2) this.inferredFd(i.line, i.by, i.fd)
      else inherited.push({ pid: i.pid, fd: i.fd })
    }
    return {
      file,
      lines,
      syscalls: this.syscalls,
      fdSyscalls: this.fdSyscalls,
      checked: this.checked,
      mismatches: this.mismatches,
      unparsed: this.unparsed,
      unsupported: { ...this.unsupported },
      inherited,
      processes: this.processes,
      undecided: this.undecided,
      inferred: this.inferred,
      unchecked: this.unchecked,
      ignored: { ...this.ignored },
      filtered: this.filteredSeen,
      kernel,
      mismatchCount: this.mismatchCount,
      undecidedCount: this.undecidedCount,
      unparsedCount: this.unparsedCount,
      overlapWindows: { total: this.windows, ordered: this.windowsOrdered },
      decidedElsewhere: this.elsewhereCount,
      calls: { ...this.calls },
    }
  }
}
