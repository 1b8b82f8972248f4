/**
 * Time travel over an strace log replayed through the engine (engine/strace: the Replayer over an
 * EngineModel, the kernel's answers in the log as the oracle). The unit of this timeline is the
 * log event: step N is the state after the first N events. Going back replays from the start
 * (the replay is deterministic); views of visited steps are cached, as in the lab timeline.
 */
import { ViewCache } from './viewCache'
import { type Machine, type TraceEvent, parseAll, printable, type StraceEvent, Replayer, type ReplayRecord, EngineModel } from '../../engine'
import type { RunView, StepKind, TimelineMark } from '../../../preload/contract'
import type { EndStatus, ShellInput, StepView } from './timeline'
import { type RunTimeline, type TimelineOp } from './runTimeline'
import { C, stepLines } from './terminal'

const CACHE_MAX = 2048
const PREFETCH = 128

/** A log event as the terminal prints it (its text from the log, control characters escaped). */
function describe(e: StraceEvent): string {
  return printable(describeRaw(e))
}

function describeRaw(e: StraceEvent): string {
  switch (e.type) {
    case 'syscall': return `[pid ${e.pid}] ${e.toString()}`
    case 'start': return `[pid ${e.pid}] ${e.name}(${e.argsText} <unfinished ...>`
    case 'exit': return `[pid ${e.pid}] +++ ${e.how}${e.code !== undefined ? ` with ${e.code}` : ''}${e.signal ? ` by ${e.signal}` : ''} +++`
    case 'signal': return `[pid ${e.pid}] --- ${e.signal} ---`
    case 'info': return e.text
    case 'unparsed': return `(unparsed) ${e.text}`
    case 'alias': return `(pid ${e.from} is ${e.to})`
  }
}

/** A step's view, with the trace events a one-step move to it prints (eventsSince(step - 1) with the model there). */
type ReplayView = StepView & { readonly moved: readonly TraceEvent[] }

export class ReplayTimeline implements RunTimeline {
  readonly events: readonly StraceEvent[]
  readonly record: ReplayRecord
  private model!: EngineModel
  private replayer!: Replayer
  private fed = 0
  /**
   * Where each log event's trace events end: the trace's length after the first n events is
   * `ends[n]`. A log event's trace is the slice between its neighbours' ends, not the events of
   * one step number: the engine's micro-steps move the step counter inside one log event.
   */
  private ends: number[] = [0]
  cursor = 0
  ended: EndStatus | null = 'done'
  readonly error: string | null = null
  private readonly cache = new ViewCache<ReplayView>(CACHE_MAX)
  private marksGiven = false
  private readonly byLine = new Map<number, { expected: string; model: string; undecided: boolean }>()

  constructor(readonly text: string, readonly name: string, readonly profile: string) {
    this.events = parseAll(text)
    // One full replay for the record (mismatches, undecided calls) and the timeline marks.
    const model = new EngineModel({ profile, trace: false })
    const r = new Replayer(model, { file: name })
    for (const e of this.events) r.event(e)
    this.record = r.finish(text.split('\n').length)
    for (const x of this.record.mismatches) this.byLine.set(x.line, { expected: x.expected, model: x.model, undecided: false })
    for (const x of this.record.undecided) this.byLine.set(x.line, { expected: x.expected, model: `${x.model} (${x.reason})`, undecided: true })
    this.rebuild()
  }

  get total(): number {
    return this.events.length
  }

  get m(): Machine {
    return this.model.machine
  }

  private rebuild(): void {
    // nothing reads the machine left behind again: its trace's memory goes to the new one's
    this.model?.machine.dispose()
    this.model = new EngineModel({ profile: this.profile, trace: true })
    this.replayer = new Replayer(this.model, { file: this.name })
    this.fed = 0
    this.ends = [this.model.machine.trace.length]
  }

  /**
   * Feed events until @n have been replayed. Each log event starts at the step of its number
   * (its micro-steps count on from there), so the trace's step numbers point at log events.
   */
  private seek(n: number): void {
    if (this.fed > n) this.rebuild()
    const m = this.model.machine
    while (this.fed < n) {
      m.stepNo = this.fed + 1
      m.trace.step = this.fed + 1
      this.replayer.event(this.events[this.fed]!)
      this.fed++
      this.ends.push(m.trace.length)
    }
  }

  /** The trace events of log events (from, to], the model at @to or beyond (built now). */
  private traceOf(from: number, to: number): TraceEvent[] {
    return from < to ? this.model.machine.trace.slice(this.ends[from]!, this.ends[to]!) : []
  }

  step(_kind: StepKind, count = 1): number {
    const from = this.cursor
    this.cursor = Math.min(this.total, this.cursor + count)
    // One step forward again after stepping back: its view is cached with the events the move
    // prints, so the model stays where it is. Bringing it to the cursor would replay the log from
    // its start (the model only moves forward): hundreds of milliseconds in a long log, for
    // nothing shown.
    if (!this.cachedMove(from)) this.seek(this.cursor)
    return this.cursor - from
  }

  /** The cached view of a one-step move from @from to the cursor, when the model is elsewhere. */
  private cachedMove(from: number): ReplayView | undefined {
    if (this.fed === this.cursor || this.cursor !== from + 1) return undefined
    return this.cache.get(this.cursor)
  }

  run(): EndStatus {
    this.cursor = this.total
    this.seek(this.total)
    return 'done'
  }

  goto(n: number): void {
    const target = Math.max(0, Math.min(n, this.total))
    this.cursor = target
    if (this.cache.has(target)) return
    const start = this.fed <= target && target - this.fed <= PREFETCH ? this.fed : Math.max(0, target - PREFETCH)
    this.seek(start)
    while (this.fed < target) {
      this.put(this.fed, this.buildView())
      this.seek(this.fed + 1)
    }
  }

  setWindow(from: number, to: number): void {
    this.cache.setWindow(from, to)
  }

  private put(step: number, v: ReplayView): void {
    this.cache.put(step, v)
  }

  private buildView(): ReplayView {
    const m = this.model.machine
    const n = this.fed
    // What the last log event did: also what a one-step move here prints.
    const moved = n > 0 ? this.traceOf(n - 1, n) : []
    const e = n > 0 ? this.events[n - 1]! : null
    const next = n < this.total ? this.events[n]! : null
    return {
      snapshot: m.snapshot({ window: this.cache.window }),
      events: moved,
      location: e && 'line' in e ? { line: e.line, col: 1 } : null,
      stack: e && 'pid' in e ? [`pid ${e.pid}`, describe(e)] : [],
      next: next ? describe(next) : '',
      labPos: null,
      inline: [],
      moved,
    }
  }

  view(): StepView {
    const hit = this.cache.get(this.cursor)
    if (hit) return hit
    this.seek(this.cursor)
    const v = this.buildView()
    this.put(this.cursor, v)
    return v
  }

  machineAtCursor(): Machine {
    this.seek(this.cursor)
    return this.model.machine
  }

  eventsUpTo(upto: number): readonly TraceEvent[] {
    this.seek(Math.min(upto, this.total))
    return this.model.machine.trace.slice()
  }

  /** The log lines of events (from, to], each with the model's verdict when it disagreed. */
  lines(from: number, to: number): { text: string; mismatch: string | null }[] {
    const out: { text: string; mismatch: string | null }[] = []
    for (let i = from; i < to && i < this.total; i++) {
      const e = this.events[i]!
      const bad = 'line' in e ? this.byLine.get(e.line) : undefined
      out.push({
        text: `${String(i + 1).padStart(5)}  ${describe(e)}`,
        mismatch: bad ? `${bad.undecided ? 'undecided' : 'MISMATCH'}: the kernel said ${printable(bad.expected)}, the model ${bad.model}` : null,
      })
    }
    return out
  }

  /** Marks for the scrubber: mismatches, undecided calls and execs (given once). */
  marks(): TimelineMark[] | null {
    if (this.marksGiven) return null
    this.marksGiven = true
    const out: TimelineMark[] = []
    this.events.forEach((e, i) => {
      const bad = 'line' in e ? this.byLine.get(e.line) : undefined
      if (bad) out.push({ step: i + 1, kind: bad.undecided ? 'note' : 'violation', label: `${bad.undecided ? 'undecided' : 'mismatch'} at line ${e.line}` })
      if (e.type === 'syscall' && e.name === 'execve' && e.ret === 0) out.push({ step: i + 1, kind: 'label', label: `exec ${e.pid}` })
    })
    return out
  }

  /** The trace events the move from @from printed (the model brought to the cursor, unless the move's view is cached). */
  eventsSince(from: number): TraceEvent[] {
    const cached = this.cachedMove(from)
    if (cached) return [...cached.moved]
    this.seek(this.cursor)
    return this.traceOf(from, this.cursor)
  }

  /** The log lines replayed (the last 400), each mismatch under its line; with @graph and a short move, the model's function_graph. */
  forwardLines(from: number, graph: boolean): string[] {
    const lines = this.lines(from, this.cursor)
    const shown = lines.length > 400 ? lines.slice(-400) : lines
    return [
      ...(lines.length > 400 ? [C.dim(`… ${lines.length - 400} earlier lines`)] : []),
      ...shown.flatMap((l) => [l.text, ...(l.mismatch ? [C.boldRed(`       ${l.mismatch}`)] : [])]),
      ...(graph && this.cursor - from <= 20 ? stepLines(this.eventsSince(from), true, 200).map((x) => C.dim(x)) : []),
    ]
  }

  /** What the event at the cursor changed (a log event is one step; no system call spans several). */
  change(_spanFrom: number): RunView['change'] {
    const cur = this.cursor
    const one = this.view().snapshot.changed
    return { step: { from: Math.max(0, cur - 1), to: cur, changed: one, slots: [], refs: [], nextFd: [] }, syscall: null }
  }

  traceLines(_spanFrom: number): RunView['trace'] {
    return []
  }

  /** The log line of event @step and the model's verdict on it. */
  why(step: number): string[] {
    return this.lines(Math.max(0, step - 1), step).flatMap((l) => [l.text, l.mismatch ?? C.dim('the model agrees with the kernel here')])
  }

  exportSource(): { machine: Machine; events: readonly TraceEvent[] } {
    const machine = this.machineAtCursor()
    return { machine, events: machine.trace.slice() }
  }

  refusal(op: TimelineOp): string | null {
    return op === 'label' ? 'a replayed log has no labels: goto N' : 'a replayed log cannot take new system calls: open a lab, or start without one'
  }

  labelStep(_name: string): number | null {
    throw new Error(this.refusal('label')!)
  }

  runUntilLabel(_name: string): number | null {
    throw new Error(this.refusal('label')!)
  }

  shell(): void {
    throw new Error(this.refusal('shell')!)
  }

  lastInput(): ShellInput | undefined {
    return undefined
  }
}
