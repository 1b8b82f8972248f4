/**
 * The session's run: the timeline being travelled (a lab run or a replayed log, through the one
 * RunTimeline interface), the lab C runtime of its current machine (failed expects, crashes,
 * printf output), and where the last forward move started. It builds the run view the panes show.
 */
import type { FileText, ProfileName, RunView, TimelineMark } from '../../../../preload/contract'
import type { Lab, Interp } from '../../../engine'
import { Timeline } from '../timeline'
import { ReplayTimeline } from '../replayTimeline'
import type { RunTimeline } from '../runTimeline'
import { createFor, isLabStopError, type Compiled } from '../labScenario'
import { C } from '../terminal'

export class Run {
  tl: RunTimeline | null = null
  /** The micro-step the last forward move started from ("this step" spans it to the cursor). */
  spanFrom = 0
  /** Print function_graph lines while stepping (terminal `trace on|off`). */
  graph = true
  /** The lab C runtime of the timeline's current machine. */
  private rt: Interp | null = null
  private rtSeen = { rt: null as Interp | null, errors: 0, output: 0 }

  /** No run (the document or the profile changed). */
  reset(): void {
    this.tl = null
    this.rt = null
    this.spanFrom = 0
  }

  /** A run of compiled lab C (@schedule: follow these thread choices first). */
  startLab(c: Compiled, profile: ProfileName, opts: { schedule?: readonly number[]; budget?: number } = {}): Timeline {
    const tl = new Timeline({ profile, variants: c.variants, create: createFor(c, profile, (rt) => { this.rt = rt }), isStopError: isLabStopError, ...opts })
    this.tl = tl
    return tl
  }

  /** A run with no lab program: the interactive shell alone. */
  startEmpty(profile: ProfileName, variants: Lab['meta']['variants'] | undefined): Timeline {
    const tl = new Timeline({ profile, variants, budget: 1_000_000 })
    this.tl = tl
    return tl
  }

  startReplay(file: FileText, profile: ProfileName): ReplayTimeline {
    const tl = new ReplayTimeline(file.text, file.name, profile)
    this.tl = tl
    return tl
  }

  /** The timeline moves forward from the cursor: remember where, for "this step". */
  begin(): number {
    const from = this.tl!.cursor
    this.spanFrom = from
    return from
  }

  /** What a forward move from @from printed: the timeline's lines, then lab C findings. */
  forward(from: number, graph: boolean): string[] {
    const tl = this.tl!
    return [...tl.forwardLines(from, graph), ...this.labLines(from, tl.cursor)]
  }

  /** Lab C findings produced by micro-steps (from, to]: failed expects, crashes, printf output. */
  private labLines(from: number, to: number): string[] {
    const rt = this.rt
    const out: string[] = []
    if (!rt) return out
    for (const f of rt.expectFailures) {
      if (f.step > from && f.step <= to) out.push(C.boldRed(`✖ ${f.file}:${f.pos.line}:${f.pos.col}: expect failed: ${f.message ? `${f.message} (${f.text})` : f.text} [step ${f.step}, thread ${f.tid}]`))
    }
    if (this.rtSeen.rt !== rt) this.rtSeen = { rt, errors: 0, output: 0 }
    for (const e of rt.userErrors.slice(this.rtSeen.errors)) out.push(C.boldRed(`✖ ${e.file}:${e.pos.line}:${e.pos.col}: ${e.message} (the thread crashed)`))
    if (rt.output.length > this.rtSeen.output) out.push(...rt.output.slice(this.rtSeen.output).replace(/\n$/, '').split('\n'))
    this.rtSeen = { rt, errors: rt.userErrors.length, output: rt.output.length }
    if (this.tl?.error && to === this.tl.total) out.push(C.boldRed(`✖ the run stopped: ${this.tl.error}`))
    return out
  }

  /** The run pane's view at the cursor (@lab and @editorFile: to show lab code the editor does not). */
  view(lab: Lab | null, editorFile: string): RunView | null {
    const tl = this.tl
    if (!tl) return null
    const v = tl.view()
    const atEnd = tl.cursor === tl.total
    const status: RunView['status'] = tl.total === 0 && !tl.ended ? 'ready'
      : atEnd && tl.ended ? (tl.ended === 'schedule-mismatch' ? 'error' : tl.ended) : 'paused'
    return {
      cursor: tl.cursor, total: tl.total, status, snapshot: v.snapshot, location: v.location, stack: v.stack, next: v.next, events: v.events,
      change: tl.change(this.spanFrom), elsewhere: this.elsewhere(lab, editorFile), inline: v.inline, trace: tl.traceLines(this.spanFrom), stdout: (this.rt?.output ?? '').slice(-20_000),
    }
  }

  /** Lab code the editor does not show, when the current thread is in it (a lib of the lab). */
  private elsewhere(lab: Lab | null, editorFile: string): RunView['elsewhere'] {
    const tl = this.tl
    if (!tl || !lab) return null
    const p = tl.view().labPos
    if (!p || p.file === editorFile) return null
    // Only while lab code runs: user code (no kernel frame), or inside a driver operation the lab
    // defines (a frame like marker_fops.flush); not a stale position once the kernel moved on.
    const stack = tl.view().stack
    if (stack.length > 1 && !stack.slice(1).some((f) => /^\w+\.\w+$/.test(f))) return null
    const text = p.file === lab.file ? (lab.source.split(/\r?\n/)[p.line - 1] ?? '') : ''
    const block = [...lab.libs.entries()].find(([, b]) => p.line > b.fenceLine && p.line < b.closeLine)?.[0] ?? ''
    return { file: p.file, line: p.line, col: p.col, text: text.trim(), block }
  }

  /** Timeline marks when they changed. */
  marks(): TimelineMark[] | undefined {
    return this.tl?.marks() ?? undefined
  }

  /** A run of @c to its end on a timeline of its own (a comparison: the session's run is kept). */
  static toEnd(c: Compiled, profile: ProfileName): Timeline {
    const tl = new Timeline({ profile, variants: c.variants, create: createFor(c, profile), isStopError: isLabStopError, budget: 1_000_000 })
    tl.run()
    return tl
  }

  /** How many violations (not notes) the view at the cursor shows. */
  violations(): number {
    return this.tl!.view().snapshot.violations.filter((x) => x.severity === 'violation').length
  }
}
