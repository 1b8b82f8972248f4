/**
 * Time travel over one run of the engine. A run is data: how to build the machine (a fresh
 * machine plus the scenario's processes), the schedule (the thread chosen at each micro-step)
 * and the inputs typed at given steps (interactive system calls). Paused generators cannot be
 * copied, so going back re-executes from the start (determinism makes that exact), and the views
 * of recently visited steps are cached so that stepping back and forth is instant. Views are
 * built on demand by the engine for the visible fd window only.
 */
import { ViewCache } from './viewCache'
import {
  formatFunctionGraph, changesBetween, firstAfter, syscallStart, createMachine, type Machine, type RunStatus,
  type Program, type Variants, type Snapshot, type TraceEvent, type TraceReader, type KGen, type Sched,
} from '../../engine'
import type { ProfileName, RunView, SourceSpan, StepKind, TimelineMark } from '../../../preload/contract'
import type { ShellCall } from './shellCommands'
import type { RunTimeline, TimelineOp } from './runTimeline'
import { C, stepLines } from './terminal'
import { InlineTracker, StackTracker } from './timelineTrackers'

/** Where a thread's lab C code is (file and position), read after each micro-step. */
export type PosProbe = () => { readonly file: string; readonly line: number; readonly col: number } | null

/** What loading a scenario into a machine gives back. */
export interface Loaded {
  readonly probe?: PosProbe
  /** The file name of the editor's source: positions in it are highlighted. */
  readonly editorFile?: string
  /** The statements reached since the last call, each with the trace length when it was reached. */
  readonly takeMarks?: () => { at: number; file: string; line: number }[]
}

export type EndStatus = RunStatus | 'error'

export interface RunSpec {
  readonly profile: ProfileName
  readonly variants?: Partial<Variants>
  /** A fresh machine with the scenario loaded (absent: an empty machine). */
  readonly create?: () => { readonly machine: Machine; readonly loaded: Loaded }
  /** Micro-step budget of one request (runaway lab code stops here). */
  readonly budget?: number
  /** A known schedule to follow (an explorer outcome, a stored schedule). */
  readonly schedule?: readonly number[]
  /** Errors that stop a run (lab C kernel errors): the message is kept, the run ends 'error'. */
  readonly isStopError?: (e: unknown) => boolean
}

/** One interactive system call, typed at micro-step `step`. */
export interface ShellInput {
  readonly step: number
  readonly text: string
  readonly call: ShellCall
  /** Filled by the shell program when the call returns (pipe fds, bytes read). */
  out?: string
  done?: boolean
}

export interface StepView {
  readonly snapshot: Snapshot
  readonly events: readonly TraceEvent[]
  readonly location: SourceSpan | null
  readonly stack: readonly string[]
  readonly next: string
  /** The lab C position of the current thread in any file (a lib of the lab too), if it runs lab C code. */
  readonly labPos: { readonly file: string; readonly line: number; readonly col: number } | null
  /** What the last execution of each editor line did (results, fd slots, refcounts), from the trace. */
  readonly inline: readonly { readonly line: number; readonly text: string }[]
}

const CACHE_MAX = 2048
const PREFETCH = 128
export const SHELL_COMM = 'sh'
const WAIT = 'read command'

const MAX_MARKS = 5000

export class Timeline implements RunTimeline {
  m: Machine
  private tracker = new StackTracker()
  private inlineVals = new InlineTracker()
  /** Known choices: schedule[i] is the thread that ran micro-step i+1. */
  schedule: number[] = []
  readonly inputs: ShellInput[] = []
  cursor = 0
  /** How the known part of the run ended, once it did. */
  ended: EndStatus | null = null
  /** The error that stopped the run (lab C kernel error), if any. */
  error: string | null = null
  private loaded: Loaded = {}
  private endChecked = false
  private readonly cache = new ViewCache<StepView>(CACHE_MAX)
  private shellTid: number | null = null
  private shellSpawnStep: number | null = null
  private marksKey = ''

  constructor(readonly spec: RunSpec) {
    this.m = this.build()
    if (spec.schedule) this.schedule = [...spec.schedule]
  }

  get total(): number {
    return this.schedule.length
  }

  get budget(): number {
    return this.spec.budget ?? 2_000_000
  }

  private build(): Machine {
    let m: Machine
    if (this.spec.create) {
      const r = this.spec.create()
      m = r.machine
      this.loaded = r.loaded
    } else {
      m = createMachine({ profile: this.spec.profile, variants: this.spec.variants, trace: true })
      this.loaded = {}
    }
    this.tracker = new StackTracker()
    this.inlineVals = new InlineTracker()
    this.endChecked = false
    return m
  }

  /** One micro-step of @tid, with the lab C position probe and stop errors handled. */
  private doStep(tid: number): void {
    const m = this.m
    try {
      m.step(tid)
    } catch (e) {
      if (!this.spec.isStopError?.(e)) throw e
      this.error = e instanceof Error ? e.message : String(e)
      this.ended = 'error'
      this.schedule.length = m.stepNo
      return
    }
    const p = this.loaded.probe?.()
    if (p) this.tracker.at(m.stepNo, tid, p)
    if (this.loaded.editorFile) {
      const marks = this.loaded.takeMarks?.() ?? []
      this.inlineVals.consume(m.trace, this.loaded.editorFile, tid, m.stepNo, marks)
      this.inlineVals.finish(m.trace.length, marks, this.loaded.editorFile, tid, m.stepNo)
    }
  }

  /** The end-of-run sanitizer checks (leaks at exit), once per machine, when every task is gone. */
  private finishRun(): void {
    const m = this.m
    if (this.endChecked) return
    const live = m.threads.some((t) => !t.done && t.kind !== 'system')
    if (!live) {
      this.endChecked = true
      m.finish()
    }
  }

  /** The interactive shell process: runs the typed calls in order, waiting for the next one. */
  private shellProgram(m: Machine): Program {
    const inputs = this.inputs
    return function* (u): KGen<number> {
      for (let i = 0; ; i++) {
        const wait: Sched = { obj: `user:${u.tid}`, w: false, what: WAIT, enabled: () => i < inputs.length && inputs[i]!.step <= m.stepNo }
        yield wait
        const inp = inputs[i]!
        yield* u.stmt('stmt', inp.text, 0, 0)
        const ret = yield* u.sys(inp.call.name, ...inp.call.args)
        inp.done = true
        if (inp.call.out === 'fds' && ret >= 0) inp.out = `[${Array.from(inp.call.args.find((a) => a instanceof Int32Array) as Int32Array).join(', ')}]`
        else if (inp.call.name === 'read' && ret > 0) {
          const buf = inp.call.args.find((a) => a instanceof Uint8Array) as Uint8Array
          inp.out = JSON.stringify(new TextDecoder().decode(buf.subarray(0, ret)))
        }
      }
    }
  }

  /** Apply the inputs due at the machine's current step (the shell is spawned when first needed). */
  private applyInputs(m: Machine): void {
    if (this.shellSpawnStep === m.stepNo && this.shellTid === null) this.spawnShell(m)
  }

  private spawnShell(m: Machine): void {
    const task = m.spawnProcess({ comm: SHELL_COMM, program: this.shellProgram(m) })
    this.shellTid = task.pid
  }

  /** Bring the machine to micro-step @n of the known schedule (n ≤ total). */
  private seek(n: number): void {
    if (this.m.stepNo > n) {
      this.shellTid = null
      const old = this.m
      this.m = this.build()
      // nothing reads the machine left behind again: its trace's memory goes to the new one's
      old.dispose()
    }
    const m = this.m
    while (m.stepNo < n) {
      this.applyInputs(m)
      this.doStep(this.schedule[m.stepNo]!)
    }
    this.applyInputs(m)
    if (n === this.schedule.length && (this.ended === 'done' || this.ended === 'blocked')) this.finishRun()
    this.tracker.consume(m.trace)
  }

  private pickNext(): number | null {
    const m = this.m
    if (this.ended === 'error' && m.stepNo >= this.schedule.length) return null
    if (m.stepNo < this.schedule.length) {
      const want = this.schedule[m.stepNo]!
      const th = m.thread(want)
      if (th && m.isEnabled(th)) return want
      // A stored schedule that no longer fits (the source changed): follow the policy from here.
      this.schedule.length = m.stepNo
    }
    const en = m.enabled()
    if (!en.length) return null
    return m.pick(en, 'sequential').tid
  }

  /** One micro-step from the machine's position; extends the schedule when past its end. */
  private stepOnce(): boolean {
    const m = this.m
    this.applyInputs(m)
    const tid = this.pickNext()
    if (tid === null) {
      if (this.ended !== 'error') {
        this.ended = this.finalStatus()
        this.finishRun()
      }
      return false
    }
    if (m.stepNo === this.schedule.length) this.schedule.push(tid)
    this.doStep(tid)
    return this.ended !== 'error'
  }

  private finalStatus(): RunStatus {
    const live = this.m.threads.filter((t) => !t.done && t.kind !== 'system' && t.tid !== this.shellTid)
    return live.length ? 'blocked' : 'done'
  }

  /** Step forward from the cursor. `over`: to the current thread's next lab C statement; `into`: to the next kernel function entry or exit. */
  step(kind: StepKind, count = 1): number {
    // Micro-steps forward again over known steps whose views are cached (after stepping back):
    // the machine is ahead and its trace holds them. Bringing it to the cursor would re-run the
    // lab from its start (a machine only moves forward), for nothing shown.
    const to = this.cursor + count
    if (kind === 'micro' && this.m.stepNo > this.cursor && (to === this.m.stepNo || (to < this.m.stepNo && this.cache.has(to)))) {
      this.cursor += count
      return count
    }
    this.seek(this.cursor)
    const m = this.m
    const start = m.stepNo
    const limit = start + Math.min(this.budget, 1_000_000)
    for (let c = 0; c < count; c++) {
      const tid = this.pickNext()
      if (tid === null) { this.stepOnce(); break }
      const from = m.trace.length
      const before = this.tracker.lab.get(tid)
      if (!this.stepOnce()) break
      if (kind === 'micro') continue
      for (;;) {
        const evs = m.trace
        let hit = false
        for (let i = from; i < evs.length; i++) {
          const e = evs.kind(i)
          if (kind === 'into' && (e === 'enter' || e === 'exit' || e === 'sys_enter' || e === 'sys_exit')) hit = true
          if (kind === 'over' && e === 'user' && evs.tidAt(i) === tid && evs.stepAt(i) > start) hit = true
        }
        if (kind === 'over') {
          // Lab C code: stop when the thread reached another statement (the probe saw it move);
          // the shell has no probe: stop at its next statement's 'user' event.
          const th = m.thread(tid)
          // Lab code the editor does not show (a lib of the lab) is stepped over as part of the
          // statement that called it, unless the step started there.
          const shown = (p: { file: string } | undefined) => !this.loaded.editorFile || p?.file === this.loaded.editorFile
          const moved = this.loaded.probe
            ? this.tracker.movedAt(m.stepNo, tid) && !this.sameStatement(tid, before) && (!shown(before) || shown(this.tracker.lab.get(tid)))
            : hit
          if (moved || !th || th.done || (th.pending?.what === WAIT)) break
        } else if (hit) break
        if (m.stepNo >= limit) { this.ended = 'budget'; break }
        if (!this.stepOnce()) break
      }
    }
    this.cursor = m.stepNo
    this.tracker.consume(m.trace)
    return this.cursor - start
  }

  private sameStatement(tid: number, before: { file: string; line: number; col: number } | undefined): boolean {
    const now = this.tracker.lab.get(tid)
    return !!before && !!now && before.file === now.file && before.line === now.line && before.col === now.col
  }

  /** Run to the end (or the budget) with the default scheduler. */
  run(): EndStatus {
    this.seek(this.cursor)
    const m = this.m
    const limit = m.stepNo + this.budget
    for (;;) {
      if (m.stepNo >= limit) { this.ended = 'budget'; break }
      if (!this.stepOnce()) break
    }
    this.cursor = m.stepNo
    this.tracker.consume(m.trace)
    return this.ended ?? 'paused'
  }

  goto(n: number): void {
    const target = Math.max(0, Math.min(n, this.schedule.length))
    this.cursor = target
    if (!this.cache.has(target)) this.prefetch(target)
  }

  /** Fill the view cache for the steps just before @target, ending with the machine at @target. */
  private prefetch(target: number): void {
    const from = this.m.stepNo <= target && target - this.m.stepNo <= PREFETCH ? this.m.stepNo : Math.max(0, target - PREFETCH)
    this.seek(from)
    while (this.m.stepNo < target) {
      this.put(this.m.stepNo, this.buildView())
      this.stepOnce()
    }
    this.tracker.consume(this.m.trace)
  }

  /** The micro-step at which lab C `label NAME;` was first reached in the known run, if it was. */
  labelStep(name: string): number | null {
    if (this.m.stepNo !== this.total) this.seek(this.total)
    return this.m.labels.get(name) ?? null
  }

  /** Run on from the cursor until label NAME is reached (the cursor stops there), or the run ends. */
  runUntilLabel(name: string): number | null {
    this.seek(this.cursor)
    const m = this.m
    const limit = m.stepNo + this.budget
    while (!m.labels.has(name) && m.stepNo < limit) if (!this.stepOnce()) break
    this.cursor = m.stepNo
    this.tracker.consume(m.trace)
    return m.labels.get(name) ?? null
  }

  /** Type an interactive system call at the cursor: the future after the cursor is discarded. */
  shell(text: string, call: ShellCall): void {
    this.truncate()
    const m = this.m
    if (this.shellTid === null) {
      this.shellSpawnStep = m.stepNo
      this.spawnShell(m)
    }
    const input: ShellInput = { step: m.stepNo, text, call }
    this.inputs.push(input)
    const tid = this.shellTid!
    const limit = m.stepNo + 100_000
    // Run the shell until the call returned and it waits for the next one (or it exits or blocks):
    // its choices join the schedule.
    while (m.stepNo < limit) {
      const th = m.thread(tid)
      if (!th || th.done || !m.isEnabled(th)) break
      if (input.done && th.pending?.what === WAIT) break
      this.schedule.push(tid)
      this.doStep(tid)
    }
    this.cursor = m.stepNo
    this.ended = null
    this.tracker.consume(m.trace)
  }

  /** Drop everything after the cursor (an input changes history from here on). */
  private truncate(): void {
    this.seek(this.cursor)
    this.schedule.length = this.cursor
    // An input typed at the cursor step has not started there: it belongs to the future too.
    while (this.inputs.length && this.inputs[this.inputs.length - 1]!.step >= this.cursor) this.inputs.pop()
    if (this.shellSpawnStep !== null && this.shellSpawnStep > this.cursor) { this.shellSpawnStep = null }
    this.cache.dropAfter(this.cursor)
    this.ended = null
  }

  get shellPid(): number | null {
    return this.shellTid
  }

  /** The last output of an input (pipe fds...), for the terminal. */
  lastInput(): ShellInput | undefined {
    return this.inputs[this.inputs.length - 1]
  }

  setWindow(from: number, to: number): void {
    this.cache.setWindow(from, to)
  }

  private put(step: number, v: StepView): void {
    this.cache.put(step, v)
  }

  private buildView(): StepView {
    const m = this.m
    this.tracker.consume(m.trace)
    const snapshot = m.snapshot({ window: this.cache.window })
    const evs = m.trace
    let i = evs.length
    while (i > 0 && evs.stepAt(i - 1) === m.stepNo && m.stepNo > 0) i--
    const events = evs.slice(i)
    const tid = m.schedule[m.schedule.length - 1] ?? null
    const th = tid !== null ? m.thread(tid) : undefined
    const en = m.enabled()
    const nextTid = m.stepNo < this.schedule.length ? this.schedule[m.stepNo]! : en.length ? m.pick(en, 'sequential').tid : null
    const nextTh = nextTid !== null ? m.thread(nextTid) : undefined
    const lab = tid !== null ? this.tracker.lab.get(tid) : undefined
    const editor = this.loaded.editorFile
    const location = lab && editor ? (lab.file === editor ? { line: lab.line, col: lab.col } : null)
      : tid !== null ? this.tracker.where.get(tid) ?? null : null
    return {
      snapshot,
      events,
      location,
      stack: tid !== null && th ? [`${th.task.comm}:${tid}`, ...(this.tracker.stacks.get(tid) ?? [])] : [],
      next: nextTh?.pending ? `${nextTh.task.comm}:${nextTh.tid} ${nextTh.pending.what}` : '',
      labPos: lab ? { file: lab.file, line: lab.line, col: lab.col } : null,
      inline: this.loaded.editorFile ? this.inlineVals.view() : [],
    }
  }

  /** The view at the cursor (cached, or built now). */
  view(): StepView {
    const hit = this.cache.get(this.cursor, true)
    if (hit) return hit
    this.seek(this.cursor)
    const v = this.buildView()
    this.put(this.cursor, v)
    return v
  }

  /** Where the current thread's lab C code is at the cursor (any file). */
  labPosition(): StepView['labPos'] {
    return this.view().labPos
  }

  /** The machine at the cursor (for terminal inspection). */
  machineAtCursor(): Machine {
    this.seek(this.cursor)
    return this.m
  }

  /** Every trace event of the known run up to @upto (the machine is brought there). */
  eventsUpTo(upto: number): readonly TraceEvent[] {
    this.seek(Math.min(upto, this.schedule.length))
    return this.m.trace.slice()
  }

  /** The machine's trace, the machine brought to @upto first unless it is there or beyond (it then holds every event up to @upto). */
  private traceUpTo(upto: number): TraceReader {
    if (this.m.stepNo < upto) this.seek(Math.min(upto, this.schedule.length))
    return this.m.trace
  }

  /** The events of the steps (from, cursor]: the machine is at the cursor or beyond. */
  eventsSince(from: number): TraceEvent[] {
    const trace = this.traceUpTo(this.cursor)
    return trace.slice(firstAfter(trace, from), firstAfter(trace, this.cursor))
  }

  /** The trace lines of the move (strace lines, or function_graph lines with @graph). */
  forwardLines(from: number, graph: boolean): string[] {
    return stepLines(this.eventsSince(from), graph)
  }

  change(spanFrom: number): RunView['change'] {
    const cur = this.cursor
    const from = Math.min(spanFrom, Math.max(0, cur - 1))
    // The trace of the machine holds every event up to its step: enough when it is at or past the cursor.
    const evs = this.traceUpTo(cur)
    const step = changesBetween(evs, from, cur)
    const tid = this.m.schedule[cur - 1]
    const start = tid === undefined ? null : syscallStart(evs, tid, cur)
    const syscall = start === null ? null : changesBetween(evs, Math.max(0, start - 1), cur)
    return { step, syscall }
  }

  /** function_graph lines of the current syscall (or of the step), the step's own lines marked. */
  traceLines(spanFrom: number): RunView['trace'] {
    const cur = this.cursor
    const evs = this.traceUpTo(cur)
    const tid = this.m.schedule[cur - 1]
    const span = Math.min(spanFrom, Math.max(0, cur - 1))
    const start = tid === undefined ? null : syscallStart(evs, tid, cur)
    const from = start === null ? span : Math.min(span, Math.max(0, start - 1))
    const end = firstAfter(evs, cur)
    let i = firstAfter(evs, from, end)
    i = Math.max(i, end - 800)
    const lines = formatFunctionGraph(evs.slice(i, end), { state: true })
    return lines.slice(-300).map((text) => {
      const plain = text.replace(/\x1b\[[0-9;]*m/g, '')
      const step = Number(/^\s*(\d+)\)/.exec(plain)?.[1] ?? 0)
      return { step, text: plain, current: step > span }
    })
  }

  /** Findings, labels and syscall exits, recomputed when the known run grew (the machine is then at its end). */
  marks(): TimelineMark[] | null {
    if (this.m.stepNo !== this.total) return null
    const trace = this.m.trace
    const key = `${this.total}:${trace.length}`
    if (key === this.marksKey) return null
    this.marksKey = key
    const out: TimelineMark[] = []
    for (let i = 0; i < trace.length; i++) {
      const kind = trace.kind(i)
      if (kind !== 'violation' && kind !== 'user' && kind !== 'sys_exit') continue
      const e = trace.at(i)
      if (e.e === 'violation') out.push({ step: e.step, kind: e.severity, label: e.rule })
      else if (e.e === 'user' && e.what === 'label') out.push({ step: e.step, kind: 'label', label: e.text })
      else if (e.e === 'sys_exit' && out.length < MAX_MARKS) out.push({ step: e.step, kind: 'syscall', label: e.name })
    }
    return out
  }

  /** The finding at @step and the path of its thread since its last lab C statement. */
  why(step: number): string[] {
    if (!Number.isInteger(step)) return [C.red('usage: why N (a step with a finding)')]
    const evs = this.eventsUpTo(this.total)
    const v = evs.find((e) => e.e === 'violation' && e.step === step)
    if (!v || v.e !== 'violation') return [C.red(`no finding at step ${step}`)]
    const tid = v.tid
    const lastUser = [...evs].reverse().find((e) => e.tid === tid && e.e === 'user' && e.step <= step)
    const from = lastUser ? evs.indexOf(lastUser) : 0
    const path = evs.slice(from).filter((e) => e.step <= step && e.tid === tid)
    return [C.boldRed(`${v.severity}: ${v.rule}`), `  ${v.message}`, C.dim(`the path of thread ${tid} that led there:`), ...stepLines(path, true, 200)]
  }

  exportSource(): { machine: Machine; events: readonly TraceEvent[] } {
    const machine = this.machineAtCursor()
    return { machine, events: this.eventsUpTo(this.cursor) }
  }

  refusal(_op: TimelineOp): string | null {
    return null
  }
}
