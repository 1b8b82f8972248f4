/**
 * The one interface the session travels a run through. Two timelines implement it: `Timeline`
 * (a lab C scenario, an exercise's test or the interactive shell, run by the engine) and
 * `ReplayTimeline` (an strace log replayed through the engine model). What differs between them
 * (what a forward move prints, what changed, the marks, `why N`) is behind these methods; what one
 * of them cannot do at all is refused with a reason (`refusal`), never found out by asking which
 * class it is.
 */
import type { Machine, TraceEvent } from '../../engine'
import type { RunView, StepKind, TimelineMark } from '../../../preload/contract'
import type { ShellCall } from './shellCommands'
import type { EndStatus, ShellInput, StepView } from './timeline'

/** What a timeline may be unable to do: run to a lab C label, take a typed system call. */
export type TimelineOp = 'label' | 'shell'

export interface RunTimeline {
  /** The micro-step (or, in a replay, the log event) shown. */
  readonly cursor: number
  /** How far the run is known. */
  readonly total: number
  /** How the known run ended, once it did. */
  readonly ended: EndStatus | null
  /** The error that stopped the run, if any. */
  readonly error: string | null

  /** Step forward from the cursor; the number of steps taken. */
  step(kind: StepKind, count?: number): number
  /** Run to the end (or the budget). */
  run(): EndStatus
  goto(n: number): void
  /** The fd window the views show. */
  setWindow(from: number, to: number): void
  /** The view at the cursor. */
  view(): StepView
  /** The machine at the cursor (terminal inspection). */
  machineAtCursor(): Machine
  /** Trace events of micro-steps (from, cursor], the machine being at the cursor. */
  eventsSince(from: number): TraceEvent[]

  /** Terminal lines for the forward move from @from to the cursor (@graph: function_graph lines). */
  forwardLines(from: number, graph: boolean): string[]
  /** What changed in the step just taken and in the current thread's system call so far (@spanFrom: where the move started). */
  change(spanFrom: number): RunView['change']
  /** The Trace tab's lines around the cursor. */
  traceLines(spanFrom: number): RunView['trace']
  /** Scrubber marks when they changed since last asked, else null. */
  marks(): TimelineMark[] | null
  /** `why N`: what led to the finding at step @step. */
  why(step: number): string[]
  /** The machine and trace events a Perfetto export is made from. */
  exportSource(): { readonly machine: Machine; readonly events: readonly TraceEvent[] }

  /** Why this timeline cannot do @op, or null when it can. */
  refusal(op: TimelineOp): string | null
  /** The step at which lab C `label NAME;` was first reached in the known run ('label'). */
  labelStep(name: string): number | null
  /** Run on until label NAME is reached or the run ends ('label'). */
  runUntilLabel(name: string): number | null
  /** Type a system call at the cursor ('shell'). */
  shell(text: string, call: ShellCall): void
  /** The last typed call, with its output (pipe fds...). */
  lastInput(): ShellInput | undefined
}
