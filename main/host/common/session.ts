/**
 * The session: one open lab (or strace log), the scenario in the editor, and its run. Shared by
 * both hosts: it runs inside the engine worker (worker_threads in Electron, a Web Worker in the
 * browser). Pure apart from what the worker entry passes in; every kernel fact it reports comes
 * from the engine (snapshots, trace events, formatters, the lab parser and lab C front end).
 */
import type {
  AnswerRequest, CompareRequest, CompareView, Completion, Diagnostic, ExerciseView, ExploreRequest, ExploreView, FileText, GradeRequest, GradeView, LabView, LanguageInfo,
  OpenTestRequest, Progress, ProfileName, RestoreRequest, RunView, SessionCommands, SessionUpdate, StepKind, TestFeedback, TimelineMark, ViewRequest,
} from '../../../preload/contract'
import {
  parseLab, type Lab, editorNames, type Diagnostic as EngineDiagnostic, type TraceEvent, type Interp,
  parseSchedule, explore, encodeSchedule, changesBetween, firstAfter, syscallStart, formatFunctionGraph,
  perfettoTrace,
} from '../../engine'
import { practiceExercise, practiceLab, prepareLab, gradeSubmission, type GradingLab, type SubmissionEntry, type TestReport } from '../../grading/grade'
import { buildReport, canvasCsv, feedbackMarkdown, gradesCsv, gradescopeResults, labHeader, moodleCsv, outputNames, reportJson } from '../../grading/report'
import { parseSubmission } from '../../grading/submission'
import { Timeline } from './timeline'
import { ReplayTimeline } from './replayTimeline'
import { compile, createFor, explorerFactory, isLabStopError, labExplorer, type Compiled } from './labScenario'
import { C, completions, fdinfo, fdtLines, fileLines, helpText, lsFd, psLines, stepLines } from './terminal'
import { isSyscallLine, parseShell } from './shellCommands'
import { labView, looksLikeLab, scenarioKey, sourceFor, spliceLab, submission } from './labView'
import { sha256Hex } from './sha256'

export interface SessionDeps {
  readonly progress?: (p: Progress) => void
  /** Wall clock for submissions (the host's, never the engine's). */
  readonly now?: () => Date
  readonly appVersion?: string
}

const MAX_MARKS = 5000

export class Session implements SessionCommands {
  private rev = 0
  private kind: 'none' | 'lab' | 'strace' = 'none'
  private file: FileText | null = null
  private lab: Lab | null = null
  private scenario: string | null = null
  private readonly edits = new Map<string, string>()
  private profile: ProfileName = '6.18'
  private tl: Timeline | ReplayTimeline | null = null
  private graph = true
  private marksKey = ''
  private compiled: { key: string; c: Compiled } | null = null
  /** The lab C runtime of the timeline's current machine (expect failures, errors, output). */
  private rt: Interp | null = null
  private rtSeen = { rt: null as Interp | null, errors: 0, output: 0 }
  private explored: { schedule: number[]; summary: string }[] = []
  /** The micro-step the last forward move started from ("this step" spans it to the cursor). */
  private spanFrom = 0
  private readonly results = new Map<string, ExerciseView['results']>()
  private readonly misconceptions = new Map<string, { id: string; explain: string }[]>()
  /** The grader's view of the open lab for Run tests (visible tests only), made on first use. */
  private practice: GradingLab | null = null
  /** An exercise opened on a named test (a failing schedule from the results): that test runs, not the first public one. */
  private testOverride: { key: string; test: string } | null = null

  constructor(private readonly deps: SessionDeps = {}) {}

  // -------------------------------------------------------------------------------------------
  // Helpers

  private up(u: Omit<SessionUpdate, 'rev'>): SessionUpdate {
    return { rev: ++this.rev, ...u }
  }

  private editorFile(): string {
    return `${(this.scenario ?? 'scenario').replace(/^exercise:/, '')}.c`
  }

  /** The editor's text compiled with what it runs with (cached per scenario, profile and text). */
  private compile(): Compiled | null {
    if (!this.lab || !this.scenario) return null
    const source = this.source()
    const test = this.testOverride?.key === this.scenario ? this.testOverride.test : undefined
    const key = `${this.scenario}\u0000${this.profile}\u0000${test ?? ''}\u0000${source}`
    if (this.compiled?.key !== key) this.compiled = { key, c: compile(this.lab, this.scenario, source, this.editorFile(), this.profile, test) }
    return this.compiled.c
  }

  private source(): string {
    return this.edits.get(this.scenario ?? '') ?? (this.lab && this.scenario ? sourceFor(this.lab, this.scenario) : '')
  }

  private diagnostics(): Diagnostic[] {
    return (this.compile()?.editor ?? []).map(toDiag)
  }

  private timeline(): Timeline | ReplayTimeline {
    if (this.tl) return this.tl
    if (this.kind === 'strace' && this.file) return (this.tl = new ReplayTimeline(this.file.text, this.file.name, this.profile))
    const c = this.compile()
    const budget = 1_000_000
    this.tl = c?.program && c.runs !== undefined && (c.runs || !this.scenario?.startsWith('exercise:'))
      ? new Timeline({ profile: this.profile, variants: c.variants, create: createFor(c, this.profile, (rt) => { this.rt = rt }), isStopError: isLabStopError, budget })
      : new Timeline({ profile: this.profile, variants: this.lab?.meta.variants, budget })
    return this.tl
  }

  /** What a forward move from @from printed: log lines for a replay, trace lines for a run. */
  private forward(from: number, graph: boolean): string[] {
    const tl = this.tl!
    if (tl instanceof ReplayTimeline) {
      const lines = tl.lines(from, tl.cursor)
      const shown = lines.length > 400 ? lines.slice(-400) : lines
      return [
        ...(lines.length > 400 ? [C.dim(`… ${lines.length - 400} earlier lines`)] : []),
        ...shown.flatMap((l) => [l.text, ...(l.mismatch ? [C.boldRed(`       ${l.mismatch}`)] : [])]),
        ...(graph && tl.cursor - from <= 20 ? stepLines(this.eventsSince(from), true, 200).map((x) => C.dim(x)) : []),
      ]
    }
    return [...stepLines(this.eventsSince(from), graph), ...this.labLines(from, tl.cursor)]
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

  private resetRun(): void {
    this.tl = null
    this.rt = null
    this.marksKey = ''
    this.spanFrom = 0
  }

  /** Explorer results belong to the scenario, source and profile they were computed for. */
  private dropExplored(): void {
    this.explored = []
  }

  private runView(): RunView | null {
    const tl = this.tl
    if (!tl) return null
    const v = tl.view()
    const atEnd = tl.cursor === tl.total
    const status: RunView['status'] = tl.total === 0 && !tl.ended ? 'ready'
      : atEnd && tl.ended ? (tl.ended === 'schedule-mismatch' ? 'error' : tl.ended) : 'paused'
    return {
      cursor: tl.cursor, total: tl.total, status, snapshot: v.snapshot, location: v.location, stack: v.stack, next: v.next, events: v.events,
      change: this.change(), elsewhere: this.elsewhere(), inline: v.inline, trace: this.traceLines(), stdout: (this.rt?.output ?? '').slice(-20_000),
    }
  }

  /** What changed in the step just taken and in the current thread's system call so far. */
  private change(): RunView['change'] {
    const tl = this.tl!
    const cur = tl.cursor
    if (tl instanceof ReplayTimeline) {
      const one = tl.view().snapshot.changed
      return { step: { from: Math.max(0, cur - 1), to: cur, changed: one, slots: [], refs: [], nextFd: [] }, syscall: null }
    }
    const from = Math.min(this.spanFrom, Math.max(0, cur - 1))
    // The trace of the machine holds every event up to its step: enough when it is at or past the cursor.
    const evs = tl.m.stepNo >= cur ? tl.m.trace.events : tl.eventsUpTo(cur)
    const step = changesBetween(evs, from, cur)
    const tid = tl.m.schedule[cur - 1]
    const start = tid === undefined ? null : syscallStart(evs, tid, cur)
    const syscall = start === null ? null : changesBetween(evs, Math.max(0, start - 1), cur)
    return { step, syscall }
  }

  /** The Trace tab: function_graph lines of the current syscall (or of the step), the step's own lines marked. */
  private traceLines(): RunView['trace'] {
    const tl = this.tl!
    if (tl instanceof ReplayTimeline) return []
    const cur = tl.cursor
    const evs = tl.m.stepNo >= cur ? tl.m.trace.events : tl.eventsUpTo(cur)
    const tid = tl.m.schedule[cur - 1]
    const spanFrom = Math.min(this.spanFrom, Math.max(0, cur - 1))
    const start = tid === undefined ? null : syscallStart(evs, tid, cur)
    const from = start === null ? spanFrom : Math.min(spanFrom, Math.max(0, start - 1))
    const end = firstAfter(evs, cur)
    let i = firstAfter(evs, from, end)
    i = Math.max(i, end - 800)
    const lines = formatFunctionGraph(evs.slice(i, end), { state: true })
    const out = lines.slice(-300).map((text) => {
      const plain = text.replace(/\x1b\[[0-9;]*m/g, '')
      const step = Number(/^\s*(\d+)\)/.exec(plain)?.[1] ?? 0)
      return { step, text: plain, current: step > spanFrom }
    })
    return out
  }

  /** Lab code the editor does not show, when the current thread is in it (a lib of the lab). */
  private elsewhere(): RunView['elsewhere'] {
    const tl = this.tl
    if (!(tl instanceof Timeline) || !this.lab) return null
    const p = tl.labPosition()
    if (!p || p.file === this.editorFile()) return null
    // Only while lab code runs: user code (no kernel frame), or inside a driver operation the lab
    // defines (a frame like marker_fops.flush); not a stale position once the kernel moved on.
    const stack = tl.view().stack
    if (stack.length > 1 && !stack.slice(1).some((f) => /^\w+\.\w+$/.test(f))) return null
    const text = p.file === this.lab.file ? (this.lab.source.split(/\r?\n/)[p.line - 1] ?? '') : ''
    const block = [...this.lab.libs.entries()].find(([, b]) => p.line > b.fenceLine && p.line < b.closeLine)?.[0] ?? ''
    return { file: p.file, line: p.line, col: p.col, text: text.trim(), block }
  }

  /** Timeline marks, recomputed when the known run grew (the machine is then at its end). */
  private marks(): TimelineMark[] | undefined {
    const tl = this.tl
    if (tl instanceof ReplayTimeline) return tl.marks() ?? undefined
    if (!tl || tl.m.stepNo !== tl.total) return undefined
    const key = `${tl.total}:${tl.m.trace.events.length}`
    if (key === this.marksKey) return undefined
    this.marksKey = key
    const out: TimelineMark[] = []
    for (const e of tl.m.trace.events) {
      if (e.e === 'violation') out.push({ step: e.step, kind: e.severity, label: e.rule })
      else if (e.e === 'user' && e.what === 'label') out.push({ step: e.step, kind: 'label', label: e.text })
      else if (e.e === 'sys_exit' && out.length < MAX_MARKS) out.push({ step: e.step, kind: 'syscall', label: e.name })
    }
    return out
  }

  private state(output: string[] = [], extra: Omit<SessionUpdate, 'rev'> = {}): SessionUpdate {
    const marks = this.marks()
    return this.up({ run: this.runView(), ...(marks ? { marks } : {}), output, ...extra })
  }

  /** Trace events of micro-steps (from, to] (the machine is at `to`). */
  private eventsSince(from: number): TraceEvent[] {
    const evs = this.tl!.m.trace.events
    let i = evs.length
    while (i > 0 && evs[i - 1]!.step > from) i--
    return evs.slice(i)
  }

  private notRunnable(): string | null {
    if (this.kind !== 'lab' || !this.scenario) return null
    const c = this.compile()
    if (!c) return null
    if (this.scenario.startsWith('exercise:') && !c.runs) return 'nothing to run for this exercise: write your answer, then press Run tests'
    const errs = [...c.editor.filter((d) => d.severity === 'error'), ...c.elsewhere]
    if (errs.length) return `fix the ${errs.length} error(s) first: ${errs.slice(0, 3).map((d) => `${d.file}:${d.line}:${d.col}: ${d.message}`).join('; ')}`
    return null
  }

  // -------------------------------------------------------------------------------------------
  // Commands

  sessionLoad(file: FileText): SessionUpdate {
    this.file = file
    this.edits.clear()
    this.results.clear()
    this.misconceptions.clear()
    this.practice = null
    this.testOverride = null
    this.explored = []
    this.compiled = null
    this.resetRun()
    if (!looksLikeLab(file)) {
      this.kind = 'strace'
      this.lab = null
      this.scenario = null
      const tl = new ReplayTimeline(file.text, file.name, this.profile)
      this.tl = tl
      const r = tl.record
      const summary = `${r.syscalls} system call(s) in ${r.processes} process(es), ${r.checked} outcome(s) checked against the model: `
        + `${r.mismatchCount} mismatch(es), ${r.undecidedCount} undecided, ${r.inferred.length} inferred fd(s)`
      return this.up({
        kind: 'strace', title: file.name, lab: null, scenario: null, source: file.text, sourceName: file.name, diagnostics: [],
        run: this.runView(), marks: tl.marks() ?? [], explore: null, error: null,
        output: [C.bold(`opened strace log ${file.name}`) + C.dim(` (${tl.total} events, kernel ${this.profile})`), (r.mismatchCount ? C.red : C.green)(summary)],
      })
    }
    const { lab, diagnostics } = parseLab(file.text, file.name)
    this.kind = 'lab'
    this.lab = lab
    this.profile = lab.meta.kernels[0] ?? '6.18'
    this.scenario = lab.scenarios[0]?.name ?? null
    const errs = diagnostics.filter((d) => d.severity === 'error')
    const output = [C.bold(`opened ${lab.meta.title || file.name}`) + C.dim(` · ${lab.scenarios.length} scenario(s), ${lab.exercises.length} exercise(s), kernel ${lab.meta.kernels.join(', ')}`)]
    for (const d of diagnostics) output.push((d.severity === 'error' ? C.red : C.yellow)(`${d.file}:${d.line}:${d.col}: ${d.severity}: ${d.message}`))
    return this.up({
      kind: 'lab', title: lab.meta.title || file.name, lab: this.view(), scenario: this.scenario, source: this.source(),
      sourceName: `${this.scenario ?? 'scenario'}.c`, diagnostics: this.diagnostics(), profile: this.profile, run: null, marks: [],
      explore: null, error: errs.length ? `${errs.length} error(s) in the lab file` : null, output,
    })
  }

  sessionEdit(source: string): SessionUpdate {
    if (this.kind !== 'lab' || !this.scenario) return this.up({ error: 'open a lab first' })
    const changed = this.edits.get(this.scenario) !== source
    this.edits.set(this.scenario, source)
    this.resetRun()
    if (changed) this.dropExplored()
    return this.up({ diagnostics: this.diagnostics(), run: null, marks: [], error: null, ...(changed ? { explore: null } : {}) })
  }

  sessionScenario(name: string): SessionUpdate {
    if (!this.lab) return this.up({ error: 'open a lab first' })
    const key = scenarioKey(this.lab, name)
    if (!key) return this.up({ error: `no scenario or exercise '${name}' in this lab` })
    if (key !== this.scenario) this.dropExplored()
    if (key !== this.scenario) this.testOverride = null
    this.scenario = key
    this.resetRun()
    return this.up({ explore: this.explored.length ? undefined : null, scenario: key, source: this.source(), sourceName: `${key.replace(/^exercise:/, '')}.c`, diagnostics: this.diagnostics(), run: null, marks: [], error: null })
  }

  sessionProfile(profile: ProfileName): SessionUpdate {
    if (profile !== this.profile) this.dropExplored()
    this.profile = profile
    this.resetRun()
    if (this.kind === 'strace' && this.file) {
      const tl = (this.tl = new ReplayTimeline(this.file.text, this.file.name, profile))
      return this.up({ profile, run: this.runView(), marks: tl.marks() ?? [], output: [C.dim(`kernel profile ${profile}: ${tl.record.mismatchCount} mismatch(es)`)] })
    }
    return this.up({ profile, diagnostics: this.diagnostics(), run: null, marks: [], explore: this.explored.length ? undefined : null, output: [C.dim(`kernel profile ${profile}`)] })
  }

  sessionRun(): SessionUpdate {
    const why = this.notRunnable()
    if (why && !this.tl) return this.up({ error: why, output: [C.yellow(why)] })
    const tl = this.timeline()
    const from = tl.cursor
    this.spanFrom = from
    const status = tl.run()
    const lines = this.forward(from, false)
    const v = tl.view().snapshot.violations.filter((x) => x.severity === 'violation').length
    return this.state([...lines, (v ? C.boldRed : C.dim)(`run ${status} at step ${tl.cursor}${v ? ` · ${v} violation(s): type why N` : ''}`)], { error: null })
  }

  sessionStep(kind: StepKind, count: number): SessionUpdate {
    const why = this.notRunnable()
    if (why && !this.tl) return this.up({ error: why, output: [C.yellow(why)] })
    const tl = this.timeline()
    const from = tl.cursor
    this.spanFrom = from
    const n = tl.step(kind, count)
    const out = n === 0 ? [C.dim(`step ${tl.cursor}: nothing left to run (${tl.ended ?? 'waiting'})`)] : this.forward(from, this.graph)
    return this.state(out, { error: null })
  }

  sessionBack(count: number): SessionUpdate {
    const tl = this.tl
    if (!tl) return this.up({ error: 'nothing to step back from' })
    tl.goto(tl.cursor - count)
    this.spanFrom = tl.cursor - 1
    // No terminal line: the step counter and the panes say where we are.
    return this.state([])
  }

  sessionGoto(step: number): SessionUpdate {
    const tl = this.tl
    if (!tl) return this.up({ error: 'nothing ran yet' })
    this.spanFrom = step > tl.cursor && step - tl.cursor <= 1 ? tl.cursor : Math.max(0, step - 1)
    if (step > tl.total) {
      // Past the known run: run forward to it.
      tl.goto(tl.total)
      tl.step('micro', step - tl.total)
    } else tl.goto(step)
    return this.state([])
  }

  sessionReset(): SessionUpdate {
    if (!this.tl) return this.up({ run: null, output: [C.dim('reset')] })
    this.tl.goto(0)
    this.spanFrom = 0
    return this.state([C.dim('⟲ step 0')])
  }

  sessionExplore(req: ExploreRequest): SessionUpdate {
    const why = this.notRunnable() ?? (this.kind !== 'lab' ? 'open a lab scenario to explore its interleavings' : null)
    if (why) return this.up({ error: why, output: [C.yellow(why)] })
    const c = this.compile()!
    const r = explore(explorerFactory(c, this.profile), {
      bound: req.bound, maxRuns: req.maxRuns, progressEvery: 250,
      onProgress: (p) => this.deps.progress?.({ what: 'explore', done: p.runs, total: null }),
    })
    this.explored = [
      ...r.violations.map((v) => ({ schedule: v.schedule, summary: `✖ ${v.rule}: ${v.message}` })),
      ...r.outcomes.map((o) => ({
        schedule: o.schedule,
        summary: `${o.status}: ${o.threads.map((t) => `${t.comm}/${t.tid} ${t.results.join(' ') || '—'}`).join(' · ')}${o.violations.length ? ` · ${o.violations.length} violation(s)` : ''}`,
      })),
    ]
    const view: ExploreView = {
      explored: r.runs, complete: r.complete,
      outcomes: this.explored.map((e, index) => ({ index, summary: e.summary, violations: e.summary.startsWith('✖') ? 1 : 0, schedule: encodeSchedule(e.schedule) })),
    }
    const out = [
      C.bold(`explored ${r.runs} interleaving(s)${r.complete ? '' : ` (stopped: ${r.stoppedBy})`} with preemption bound ${req.bound}: ${r.outcomes.length} outcome(s), ${r.violations.length} violation(s)`),
      ...this.explored.map((e, i) => `  [${i}] ${e.summary.startsWith('✖') ? C.red(e.summary) : e.summary}  ${C.dim(encodeSchedule(e.schedule))}`),
      C.dim('open one with: outcome N'),
    ]
    return this.up({ explore: view, output: out, error: null })
  }

  sessionOpenOutcome(index: number): SessionUpdate {
    const e = this.explored[index]
    const c = this.compile()
    if (!e || !c?.program) return this.up({ error: `no explored outcome ${index}` })
    this.resetRun()
    this.tl = new Timeline({ profile: this.profile, variants: c.variants, create: createFor(c, this.profile, (rt) => { this.rt = rt }), isStopError: isLabStopError, schedule: e.schedule })
    this.tl.run()
    this.tl.goto(0)
    return this.state([C.bold(`outcome [${index}]: ${e.summary}`), C.dim(`schedule ${encodeSchedule(e.schedule)} · step through it, or scrub the timeline`)], { error: null })
  }

  sessionView(req: ViewRequest): SessionUpdate {
    if (!this.tl) return this.up({})
    this.tl.setWindow(req.from, req.to)
    return this.up({ run: this.runView() })
  }

  /**
   * Run tests: the answer judged by the grader (main/grading) on the exercise's visible tests,
   * so the app shows what `fdlab grade` will say of them: status, message, expected versus actual,
   * the misconception the lab names, and the failing interleaving's schedule.
   */
  sessionAnswer(req: AnswerRequest): SessionUpdate {
    const lab = this.lab
    const ex = lab?.exercises.find((e) => e.id === req.exercise)
    if (!lab || !ex) return this.up({ error: `no exercise '${req.exercise}'` })
    this.edits.set(`exercise:${ex.id}`, req.answer)
    this.practice ??= practiceLab(lab)
    const rep = practiceExercise(this.practice, ex.id, req.answer)!
    const predict = ex.kind === 'predict'
    const results: TestFeedback[] = [
      ...(predict ? [] : rep.problems.filter((p) => !rep.tests.some((t) => t.student_message.includes(p))).map((p): TestFeedback => ({ name: 'your answer', ok: false, status: 'error', message: p }))),
      ...rep.tests.map((t) => feedbackOf(t, predict)),
    ]
    this.results.set(ex.id, results)
    const mis = rep.misconceptions.map((m) => ({ id: m.id, explain: m.explain }))
    this.misconceptions.set(ex.id, mis)
    const hidden = ex.tests.filter((t) => t.hidden).length
    const out = [
      C.bold(`exercise ${ex.id}: ${results.filter((x) => x.ok).length} of ${results.length} check(s) pass${hidden ? C.dim(` (+ ${hidden} hidden test(s) when graded)`) : ''}`),
      ...(results.length || predict ? [] : [C.dim('  no public tests: the hidden tests run when graded')]),
      ...results.map((x) => (x.ok ? C.green(`  ✓ ${x.name}`) : C.red(`  ✖ ${x.name} (${x.status ?? 'failed'}): ${x.message}`))),
      ...mis.map((m) => C.yellow(`  ? ${m.explain}`)),
    ]
    return this.up({ lab: this.view(), output: out, error: null })
  }

  /** Open an exercise's test with an answer as a run that follows a schedule (a failing interleaving). */
  sessionOpenTest(req: OpenTestRequest): SessionUpdate {
    const lab = this.lab
    const ex = lab?.exercises.find((e) => e.id === req.exercise)
    if (!lab || !ex) return this.up({ error: `no exercise '${req.exercise}' in the open lab` })
    if (ex.kind === 'predict') return this.up({ error: `exercise ${ex.id} is a prediction: open its scenario instead` })
    if (!ex.tests.some((t) => t.testName === req.test)) return this.up({ error: `exercise ${ex.id} has no test '${req.test}' in the open lab (open the instructor's lab for hidden tests)` })
    const schedule = parseSchedule(req.schedule)
    if (typeof schedule === 'string') return this.up({ error: `schedule: ${schedule}` })
    const key = `exercise:${ex.id}`
    if (key !== this.scenario) this.dropExplored()
    this.scenario = key
    this.edits.set(key, req.answer)
    this.testOverride = { key, test: req.test }
    if (req.profile) this.profile = req.profile
    this.resetRun()
    const c = this.compile()
    const base = { scenario: key, source: this.source(), sourceName: this.editorFile(), diagnostics: this.diagnostics(), profile: this.profile, explore: null, marks: [] as TimelineMark[] }
    if (!c?.program || !c.runs) {
      const why = this.notRunnable() ?? 'nothing to run'
      return this.up({ ...base, run: null, error: why, output: [C.yellow(why)] })
    }
    this.tl = new Timeline({ profile: this.profile, variants: c.variants, create: createFor(c, this.profile, (rt) => { this.rt = rt }), isStopError: isLabStopError, schedule, budget: 1_000_000 })
    const status = this.tl.run()
    const v = this.tl.view().snapshot.violations.filter((x) => x.severity === 'violation').length
    this.tl.goto(0)
    return this.state([
      C.bold(`exercise ${ex.id}, test ${req.test}${req.profile ? ` [${req.profile}]` : ''}: the failing interleaving`),
      C.dim(`schedule ${req.schedule.length > 120 ? `${req.schedule.slice(0, 120)}…` : req.schedule} · ${status} after ${this.tl.total} micro-steps${v ? `, ${v} violation(s)` : ''} · step through it, or scrub the timeline`),
    ], { ...base, error: null })
  }

  /**
   * Grade submission files against the open lab, which must be the instructor's (solutions and
   * hidden tests): the same judgement and output files as `fdlab grade` (main/grading), one
   * submission at a time with progress. Cancelled by terminating the worker.
   */
  sessionGrade(req: GradeRequest): GradeView {
    const none = { report: null, outputs: [], answers: {} }
    if (this.kind !== 'lab' || !this.lab || !this.file) return { ...none, error: 'open the instructor\'s lab first (with its solutions and hidden tests)' }
    const { glab, problems } = prepareLab(this.file.text, this.file.name, sha256Hex)
    if (!glab) return { ...none, error: `this lab cannot grade: ${problems.join('; ')}` }
    const names = outputNames(req.files.map((f) => f.file))
    const entries: SubmissionEntry[] = []
    const answers: Record<string, Record<string, string>> = {}
    const total = req.files.length
    this.deps.progress?.({ what: 'grade', done: 0, total })
    req.files.forEach((f, i) => {
      const bytes = fromBase64(f.data)
      const name = names.get(f.file)!
      entries.push(gradeSubmission(glab, { file: f.file, name, sha256: f.sha256, bytes, size: f.size }))
      const p = parseSubmission(bytes, { id: glab.lab.meta.id, version: glab.lab.meta.version, releasedSha256: glab.releasedSha256 }, glab.lab.exercises.map((e) => e.id), glab.maxBytes)
      if (p.ok) answers[name] = Object.fromEntries(p.answers)
      this.deps.progress?.({ what: 'grade', done: i + 1, total })
    })
    const report = buildReport(labHeader(glab), glab.budget, entries)
    const outputs = [
      { path: 'report.json', text: reportJson(report) },
      { path: 'grades.csv', text: gradesCsv(report) },
      { path: 'canvas.csv', text: canvasCsv(report) },
      { path: 'moodle.csv', text: moodleCsv(report) },
      ...report.submissions.flatMap((s) => [
        { path: `results/${s.name}.json`, text: gradescopeResults(report, s) },
        { path: `feedback/${s.name}.md`, text: feedbackMarkdown(report, s) },
      ]),
    ]
    return { error: null, report, outputs, answers }
  }

  private view(): LabView | null {
    if (!this.lab) return null
    const v = labView(this.lab)
    return { ...v, exercises: v.exercises.map((e) => ({ ...e, results: this.results.get(e.id) ?? null, misconceptions: this.misconceptions.get(e.id) ?? [] })) }
  }

  sessionSubmission(student: string): FileText | null {
    if (!this.lab || !this.file) return null
    return submission(this.lab, this.file, this.edits, student, this.deps.now?.() ?? new Date(), this.deps.appVersion ?? '0.1.0')
  }

  sessionRestore(req: RestoreRequest): SessionUpdate {
    if (!this.lab) return this.up({ error: 'open a lab first' })
    let current = false
    for (const { key, text } of req.edits) {
      const k = scenarioKey(this.lab, key)
      if (!k) continue
      this.edits.set(k, text)
      if (k === this.scenario) current = true
    }
    if (current) {
      this.resetRun()
      this.dropExplored()
      return this.up({ source: this.source(), diagnostics: this.diagnostics(), run: null, marks: [], explore: null })
    }
    return this.up({})
  }

  sessionPerfetto(): FileText | null {
    const tl = this.tl
    if (!tl || tl.total === 0) return null
    const m = tl instanceof ReplayTimeline ? tl.m : tl.machineAtCursor()
    const events = tl instanceof ReplayTimeline ? tl.m.trace.events : tl.eventsUpTo(tl.cursor)
    const threads = m.threads.map((t) => ({ tid: t.tid, pid: t.task.tgid, comm: t.task.comm }))
    const name = `${(this.lab?.meta.id ?? this.file?.name ?? 'run').replace(/[^\w.-]+/g, '_')}-${(this.scenario ?? 'log').replace(/[^\w.-]+/g, '_')}.perfetto.json`
    const trace = perfettoTrace(events.filter((e) => e.step <= tl.cursor), threads, { kernel: this.profile, scenario: this.scenario ?? '', steps: String(tl.cursor) })
    return { name, text: JSON.stringify(trace) }
  }

  sessionCompare(req: CompareRequest): CompareView {
    const base = { profile: req.profile, variants: req.variants, scenario: this.scenario, steps: 0, violations: [] }
    if (this.kind !== 'lab' || !this.lab || !this.scenario) return { ...base, status: 'error', error: 'open a lab scenario to compare' }
    const c = compile(this.lab, this.scenario, this.source(), this.editorFile(), req.profile)
    if (!c.program || !c.runs) {
      const errs = [...c.editor.filter((d) => d.severity === 'error'), ...c.elsewhere]
      return { ...base, status: 'error', error: errs.length ? `does not compile under ${req.profile}: ${errs[0]!.message}` : 'nothing to run' }
    }
    const compiled = req.variants === 'none' ? { ...c, variants: {} } : c
    const tl = new Timeline({ profile: req.profile, variants: compiled.variants, create: createFor(compiled, req.profile), isStopError: isLabStopError, budget: 1_000_000 })
    const status = tl.run()
    const snap = tl.view().snapshot
    return {
      ...base, status: status === 'paused' ? 'paused' : status === 'schedule-mismatch' ? 'error' : status, steps: tl.total, error: tl.error,
      violations: snap.violations.map((v) => ({ rule: v.rule, step: v.step, message: v.message, severity: v.severity })),
    }
  }

  sessionLabFile(): FileText | null {
    if (!this.file) return null
    if (!this.lab) return this.file
    return { name: this.file.name, text: spliceLab(this.lab, this.edits) }
  }

  sessionLanguage(): LanguageInfo {
    return { profile: this.profile, ...editorNames(this.profile) }
  }

  sessionComplete(line: string): Completion {
    const s = this.tl?.view().snapshot
    return completions(line, s?.tasks.map((t) => t.pid) ?? [], s?.files.map((f) => f.id) ?? [])
  }

  sessionTerminal(line: string): SessionUpdate {
    const w = line.trim().split(/\s+/)
    const cmd = w[0] ?? ''
    const n = (i: number, d: number) => {
      const v = Number(w[i] ?? d)
      return Number.isInteger(v) && v > 0 ? v : d
    }
    const snap = () => this.tl?.view().snapshot ?? this.timeline().view().snapshot
    const say = (lines: string[]) => this.up({ output: lines })
    switch (cmd) {
      case '': return say([])
      case 'help': case '?': return say(helpText())
      case 'run': return this.sessionRun()
      case 'step': case 'next': case 'n': return this.sessionStep('over', n(1, 1))
      case 'stepi': case 's': return this.sessionStep('into', n(1, 1))
      case 'micro': return this.sessionStep('micro', n(1, 1))
      case 'back': case 'b': return this.sessionBack(n(1, 1))
      case 'goto': case 'until':
        if (w[1] && /^\d+$/.test(w[1])) return this.sessionGoto(Number(w[1]))
        return w[1] ? this.runToLabel(w[1]) : say([C.red('usage: goto N, or goto LABEL (a lab C label)')])
      case 'reset': return this.sessionReset()
      case 'explore': return this.sessionExplore({ bound: w[1] && /^\d+$/.test(w[1]) ? Number(w[1]) : 2, maxRuns: 100000 })
      case 'outcome': return w[1] && /^\d+$/.test(w[1]) ? this.sessionOpenOutcome(Number(w[1])) : say([C.red('usage: outcome N (after explore)')])
      case 'clear': return say(['\x1b[2J\x1b[H'])
      case 'trace':
        if (w[1] === 'on' || w[1] === 'off') { this.graph = w[1] === 'on'; return say([C.dim(`function_graph lines ${w[1]}`)]) }
        return say([C.red('usage: trace on|off')])
      case 'ps': return say(psLines(snap()))
      case 'ls': {
        const m = /^\/proc\/(\d+)\/fd\/?$/.exec(w[w.length - 1] ?? '')
        return m ? say(lsFd(this.wide(), Number(m[1]))) : say([C.red('usage: ls -l /proc/PID/fd')])
      }
      case 'cat': {
        const m = /^\/proc\/(\d+)\/fdinfo\/(\d+)$/.exec(w[1] ?? '')
        return m ? say(fdinfo(this.wide(), Number(m[1]), Number(m[2]))) : say([C.red('usage: cat /proc/PID/fdinfo/N')])
      }
      case 'fdt': return w[1] && /^\d+$/.test(w[1]) ? say(fdtLines(snap(), Number(w[1]))) : say([C.red('usage: fdt PID')])
      case 'file': return w[1] ? say(fileLines(snap(), w[1])) : say([C.red('usage: file ID (e.g. file#3)')])
      case 'why': return say(this.why(Number(w[1])))
      default:
        if (isSyscallLine(line)) return this.shell(line.trim())
        return say([C.red(`${cmd}: unknown command`) + C.dim(' (type help)')])
    }
  }

  /** Run (or go back) to where a lab C `label NAME;` is first reached. */
  private runToLabel(name: string): SessionUpdate {
    const why = this.notRunnable()
    if (why && !this.tl) return this.up({ error: why, output: [C.yellow(why)] })
    const tl = this.timeline()
    if (tl instanceof ReplayTimeline) return this.up({ output: [C.red('a replayed log has no labels: goto N')] })
    const known = tl.labelStep(name)
    if (known !== null) {
      tl.goto(known)
      return this.state([C.dim(`→ label ${name} (step ${known})`)])
    }
    const from = tl.cursor
    this.spanFrom = from
    const at = tl.runUntilLabel(name)
    if (at === null) return this.state([...this.forward(from, false), C.yellow(`label ${name} was not reached (run ${tl.ended ?? 'paused'})`)])
    return this.state([...this.forward(from, false), C.dim(`→ label ${name} (step ${at})`)])
  }

  /** A snapshot listing every fd of every table (for ls -l and fdinfo), built on demand. */
  private wide() {
    const m = this.timeline().machineAtCursor()
    const max = Math.max(64, ...m.tables().map((t) => t.fdt.max_fds))
    return m.snapshot({ window: [0, Math.min(max, 65536)] })
  }

  private why(step: number): string[] {
    const tl = this.tl
    if (tl instanceof ReplayTimeline) return tl.lines(Math.max(0, step - 1), step).flatMap((l) => [l.text, l.mismatch ?? C.dim('the model agrees with the kernel here')])
    if (!tl || !Number.isInteger(step)) return [C.red('usage: why N (a step with a finding)')]
    const evs = tl.eventsUpTo(tl.total)
    const v = evs.find((e) => e.e === 'violation' && e.step === step)
    if (!v || v.e !== 'violation') return [C.red(`no finding at step ${step}`)]
    const tid = v.tid
    const lastUser = [...evs].reverse().find((e) => e.tid === tid && e.e === 'user' && e.step <= step)
    const from = lastUser ? evs.indexOf(lastUser) : 0
    const path = evs.slice(from).filter((e) => e.step <= step && e.tid === tid)
    return [C.boldRed(`${v.severity}: ${v.rule}`), `  ${v.message}`, C.dim(`the path of thread ${tid} that led there:`), ...stepLines(path, true, 200)]
  }

  private shell(line: string): SessionUpdate {
    const call = parseShell(line)
    if (typeof call === 'string') return this.up({ output: [C.red(call)], error: call })
    const tl = this.timeline()
    if (tl instanceof ReplayTimeline) return this.up({ output: [C.yellow('a replayed log cannot take new system calls: open a lab, or start without one')] })
    const from = tl.cursor
    this.spanFrom = from
    tl.shell(line, call)
    const out = stepLines(this.eventsSince(from), this.graph)
    const extra = tl.lastInput()?.out
    if (extra) out.push(C.dim(`  → ${extra}`))
    return this.state(out)
  }
}

/** One test of the grader's report as the exercise card shows it. */
function feedbackOf(t: TestReport, predict: boolean): TestFeedback {
  return {
    name: predict ? 'your prediction' : t.name, ok: t.status === 'passed', status: t.status, message: t.status === 'passed' && predict ? '' : t.student_message,
    test: t.test, profile: t.profile, expected: t.expected, actual: t.actual, where: t.where ? { line: t.where.line, col: t.where.col } : null,
    misconceptions: t.misconceptions, explored: t.explored, schedule: predict || t.status !== 'failed' ? null : t.schedule,
  }
}

/** Bytes of a base64 string (the host's reading of a submission file). */
function fromBase64(b64: string): Uint8Array {
  const bin = atob(b64)
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}

function toDiag(d: EngineDiagnostic): Diagnostic {
  return { line: d.line, col: d.col, endLine: d.line, endCol: d.col + 1, severity: d.severity, message: `${d.message} [${d.code}]` }
}

export function createSession(deps: SessionDeps = {}): Session {
  return new Session(deps)
}

export type { LabView }
