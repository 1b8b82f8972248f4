/**
 * The session: one open lab (or strace log), the scenario in the editor, and its run. Shared by
 * both hosts: it runs inside the engine worker (worker_threads in Electron, a Web Worker in the
 * browser). Pure apart from what the worker entry passes in; every kernel fact it reports comes
 * from the engine (snapshots, trace events, formatters, the lab parser and lab C front end).
 *
 * A facade over four parts (./session/): the document (the file, the editor key, edits,
 * the profile, compiling), the run (one RunTimeline, lab or replay), the terminal's command table,
 * and the exercises (Run tests' results, the test an exercise was opened on); plus the explorer's
 * outcomes and class grading. Each request maps to those parts and says what changed.
 */
import {
  exerciseKeyText,
  type AnswerRequest, type CompareRequest, type CompareView, type Completion, type Diagnostic, type ExploreRequest, type FileText, type GradeRequest, type GradeView, type LabView,
  type LanguageInfo, type OpenTestRequest, type Progress, type ProfileName, type RestoreRequest, type SessionCommands, type SessionUpdate, type Snapshot, type StepKind, type TimelineMark, type ViewRequest,
} from '../../../preload/contract'
import { editorNames, parseSchedule, encodeSchedule, perfettoTrace } from '../../engine'
import type { RunTimeline } from './runTimeline'
import type { Compiled } from './labScenario'
import { C, stepLines } from './terminal'
import { parseShell } from './shellCommands'
import { labView } from './labView'
import { LabDocument } from './session/document'
import { Run } from './session/run'
import { Exercises } from './session/exercises'
import { Explorations } from './session/explorations'
import { gradeClass } from './session/grading'
import { completions, runCommand, type CommandTarget } from './session/commands'

export interface SessionDeps {
  readonly progress?: (p: Progress) => void
  /** Wall clock for submissions (the host's, never the engine's). */
  readonly now?: () => Date
  readonly appVersion?: string
}

export class Session implements SessionCommands {
  private rev = 0
  private readonly doc = new LabDocument()
  private readonly run = new Run()
  private readonly exercises = new Exercises()
  private readonly explored = new Explorations()
  /** What terminal commands act on. */
  private readonly commands: CommandTarget = {
    run: () => this.sessionRun(),
    step: (kind, count) => this.sessionStep(kind, count),
    back: (count) => this.sessionBack(count),
    goto: (step) => this.sessionGoto(step),
    runToLabel: (name) => this.runToLabel(name),
    reset: () => this.sessionReset(),
    explore: (req) => this.sessionExplore(req),
    openOutcome: (index) => this.sessionOpenOutcome(index),
    shell: (line) => this.shell(line),
    say: (lines) => this.up({ output: lines }),
    setGraph: (on) => { this.run.graph = on },
    snapshot: () => this.timeline().view().snapshot,
    wide: () => this.wide(),
    why: (step) => this.run.tl ? this.run.tl.why(step) : [C.red('usage: why N (a step with a finding)')],
  }

  constructor(private readonly deps: SessionDeps = {}) {}

  // -------------------------------------------------------------------------------------------
  // Helpers

  private up(u: Omit<SessionUpdate, 'rev'>): SessionUpdate {
    return { rev: ++this.rev, ...u }
  }

  /** The named test the editor's exercise runs, if it was opened on one. */
  private test(): string | undefined {
    return this.exercises.testFor(this.doc.scenario)
  }

  private compile(): Compiled | null {
    return this.doc.compile(this.test())
  }

  private diagnostics(): Diagnostic[] {
    return this.doc.diagnostics(this.test())
  }

  private notRunnable(): string | null {
    return this.doc.notRunnable(this.test())
  }

  /** The run, started when first needed: the log's replay, the editor's program, or the shell alone. */
  private timeline(): RunTimeline {
    const { run, doc } = this
    if (run.tl) return run.tl
    if (doc.kind === 'strace' && doc.file) return run.startReplay(doc.file, doc.profile)
    const c = this.compile()
    return c?.program && c.runs !== undefined && (c.runs || !doc.onExercise)
      ? run.startLab(c, doc.profile, { budget: 1_000_000 })
      : run.startEmpty(doc.profile, doc.lab?.meta.variants)
  }

  private view(): LabView | null {
    return this.doc.lab ? this.exercises.decorate(labView(this.doc.lab)) : null
  }

  private state(output: string[] = [], extra: Omit<SessionUpdate, 'rev'> = {}): SessionUpdate {
    const marks = this.run.marks()
    return this.up({ run: this.runView(), ...(marks ? { marks } : {}), output, ...extra })
  }

  private runView() {
    return this.run.view(this.doc.lab, this.doc.editorFile())
  }

  /** The reason the editor's program cannot start, as an update, when no run exists yet. */
  private cannotStart(): SessionUpdate | null {
    const why = this.notRunnable()
    return why && !this.run.tl ? this.up({ error: why, output: [C.yellow(why)] }) : null
  }

  // -------------------------------------------------------------------------------------------
  // Commands

  sessionLoad(file: FileText): SessionUpdate {
    const { doc, run } = this
    const { diagnostics } = doc.open(file)
    this.exercises.clear()
    this.explored.clear()
    run.reset()
    if (doc.kind === 'strace') {
      const tl = run.startReplay(file, doc.profile)
      const r = tl.record
      const summary = `${r.syscalls} system call(s) in ${r.processes} process(es), ${r.checked} outcome(s) checked against the model: `
        + `${r.mismatchCount} mismatch(es), ${r.undecidedCount} undecided, ${r.inferred.length} inferred fd(s)`
      return this.up({
        kind: 'strace', title: file.name, lab: null, scenario: null, source: file.text, sourceName: file.name, diagnostics: [], fileProblems: [],
        run: this.runView(), marks: tl.marks() ?? [], explore: null, error: null,
        output: [C.bold(`opened strace log ${file.name}`) + C.dim(` (${tl.total} events, kernel ${doc.profile})`), (r.mismatchCount ? C.red : C.green)(summary)],
      })
    }
    const lab = doc.lab!
    const errs = diagnostics.filter((d) => d.severity === 'error')
    const output = [C.bold(`opened ${lab.meta.title || file.name}`) + C.dim(` · ${lab.scenarios.length} scenario(s), ${lab.exercises.length} exercise(s), kernel ${lab.meta.kernels.join(', ')}`)]
    for (const d of diagnostics) output.push((d.severity === 'error' ? C.red : C.yellow)(`${d.file}:${d.line}:${d.col}: ${d.severity}: ${d.message}`))
    return this.up({
      kind: 'lab', title: lab.meta.title || file.name, lab: this.view(), scenario: doc.scenario, source: doc.source(),
      sourceName: doc.editorFile(), diagnostics: this.diagnostics(), profile: doc.profile, run: null, marks: [],
      fileProblems: diagnostics.map((d) => ({ file: d.file, line: d.line, col: d.col, severity: d.severity, code: d.code, message: d.message })),
      explore: null, error: errs.length ? `${errs.length} error(s) in the lab file` : null, output,
    })
  }

  sessionEdit(source: string): SessionUpdate {
    if (this.doc.kind !== 'lab' || !this.doc.scenario) return this.up({ error: 'open a lab first' })
    const changed = this.doc.edit(source)
    this.run.reset()
    if (changed) this.explored.clear()
    return this.up({ diagnostics: this.diagnostics(), run: null, marks: [], error: null, ...(changed ? { explore: null } : {}) })
  }

  sessionScenario(name: string): SessionUpdate {
    const doc = this.doc
    if (!doc.lab) return this.up({ error: 'open a lab first' })
    const key = doc.keyOf(name)
    if (!key) return this.up({ error: `no scenario or exercise '${name}' in this lab` })
    if (key !== doc.scenario) {
      this.explored.clear()
      this.exercises.dropOverride()
    }
    doc.scenario = key
    this.run.reset()
    return this.up({ explore: this.explored.any ? undefined : null, scenario: key, source: doc.source(), sourceName: doc.editorFile(), diagnostics: this.diagnostics(), run: null, marks: [], error: null })
  }

  sessionProfile(profile: ProfileName): SessionUpdate {
    const doc = this.doc
    if (profile !== doc.profile) this.explored.clear()
    doc.profile = profile
    this.run.reset()
    if (doc.kind === 'strace' && doc.file) {
      const tl = this.run.startReplay(doc.file, profile)
      return this.up({ profile, run: this.runView(), marks: tl.marks() ?? [], output: [C.dim(`kernel profile ${profile}: ${tl.record.mismatchCount} mismatch(es)`)] })
    }
    return this.up({ profile, diagnostics: this.diagnostics(), run: null, marks: [], explore: this.explored.any ? undefined : null, output: [C.dim(`kernel profile ${profile}`)] })
  }

  sessionRun(): SessionUpdate {
    const no = this.cannotStart()
    if (no) return no
    const tl = this.timeline()
    const from = this.run.begin()
    const status = tl.run()
    const lines = this.run.forward(from, false)
    const v = this.run.violations()
    return this.state([...lines, (v ? C.boldRed : C.dim)(`run ${status} at step ${tl.cursor}${v ? ` · ${v} violation(s): type why N` : ''}`)], { error: null })
  }

  sessionStep(kind: StepKind, count: number): SessionUpdate {
    const no = this.cannotStart()
    if (no) return no
    const tl = this.timeline()
    const from = this.run.begin()
    const n = tl.step(kind, count)
    const out = n === 0 ? [C.dim(`step ${tl.cursor}: nothing left to run (${tl.ended ?? 'waiting'})`)] : this.run.forward(from, this.run.graph)
    return this.state(out, { error: null })
  }

  sessionBack(count: number): SessionUpdate {
    const tl = this.run.tl
    if (!tl) return this.up({ error: 'nothing to step back from' })
    tl.goto(tl.cursor - count)
    this.run.spanFrom = tl.cursor - 1
    // No terminal line: the step counter and the panes say where we are.
    return this.state([])
  }

  sessionGoto(step: number): SessionUpdate {
    const tl = this.run.tl
    if (!tl) return this.up({ error: 'nothing ran yet' })
    this.run.spanFrom = step > tl.cursor && step - tl.cursor <= 1 ? tl.cursor : Math.max(0, step - 1)
    if (step > tl.total) {
      // Past the known run: run forward to it.
      tl.goto(tl.total)
      tl.step('micro', step - tl.total)
    } else tl.goto(step)
    return this.state([])
  }

  sessionReset(): SessionUpdate {
    const tl = this.run.tl
    if (!tl) return this.up({ run: null, output: [C.dim('reset')] })
    tl.goto(0)
    this.run.spanFrom = 0
    return this.state([C.dim('⟲ step 0')])
  }

  sessionExplore(req: ExploreRequest): SessionUpdate {
    const why = this.notRunnable() ?? (this.doc.kind !== 'lab' ? 'open a lab scenario to explore its interleavings' : null)
    if (why) return this.up({ error: why, output: [C.yellow(why)] })
    const { view, output } = this.explored.explore(this.compile()!, this.doc.profile, req, (p) => this.deps.progress?.(p))
    return this.up({ explore: view, output, error: null })
  }

  sessionOpenOutcome(index: number): SessionUpdate {
    const e = this.explored.get(index)
    const c = this.compile()
    if (!e || !c?.program) return this.up({ error: `no explored outcome ${index}` })
    this.run.reset()
    const tl = this.run.startLab(c, this.doc.profile, { schedule: e.schedule })
    tl.run()
    tl.goto(0)
    return this.state([C.bold(`outcome [${index}]: ${e.summary}`), C.dim(`schedule ${encodeSchedule(e.schedule)} · step through it, or scrub the timeline`)], { error: null })
  }

  sessionView(req: ViewRequest): SessionUpdate {
    const tl = this.run.tl
    if (!tl) return this.up({})
    tl.setWindow(req.from, req.to)
    return this.up({ run: this.runView() })
  }

  /**
   * Run tests: the answer judged by the grader (main/grading) on the exercise's visible tests,
   * so the app shows what `fdlab grade` will say of them: status, message, expected versus actual,
   * the misconception the lab names, and the failing interleaving's schedule.
   */
  sessionAnswer(req: AnswerRequest): SessionUpdate {
    const lab = this.doc.lab
    const ex = lab?.exercises.find((e) => e.id === req.exercise)
    if (!lab || !ex) return this.up({ error: `no exercise '${req.exercise}'` })
    this.doc.edits.set(exerciseKeyText(ex.id), req.answer)
    const output = this.exercises.answer(lab, ex, req.answer)
    return this.up({ lab: this.view(), output, error: null })
  }

  /** Open an exercise's test with an answer as a run that follows a schedule (a failing interleaving). */
  sessionOpenTest(req: OpenTestRequest): SessionUpdate {
    const doc = this.doc
    const ex = doc.lab?.exercises.find((e) => e.id === req.exercise)
    if (!doc.lab || !ex) return this.up({ error: `no exercise '${req.exercise}' in the open lab` })
    if (ex.kind === 'predict') return this.up({ error: `exercise ${ex.id} is a prediction: open its scenario instead` })
    if (!ex.tests.some((t) => t.testName === req.test)) return this.up({ error: `exercise ${ex.id} has no test '${req.test}' in the open lab (open the instructor's lab for hidden tests)` })
    const schedule = parseSchedule(req.schedule)
    if (typeof schedule === 'string') return this.up({ error: `schedule: ${schedule}` })
    const key = exerciseKeyText(ex.id)
    if (key !== doc.scenario) this.explored.clear()
    doc.scenario = key
    doc.edits.set(key, req.answer)
    this.exercises.openOn(ex.id, req.test)
    if (req.profile) doc.profile = req.profile
    this.run.reset()
    const c = this.compile()
    const base = { scenario: key, source: doc.source(), sourceName: doc.editorFile(), diagnostics: this.diagnostics(), profile: doc.profile, explore: null, marks: [] as TimelineMark[] }
    if (!c?.program || !c.runs) {
      const why = this.notRunnable() ?? 'nothing to run'
      return this.up({ ...base, run: null, error: why, output: [C.yellow(why)] })
    }
    const tl = this.run.startLab(c, doc.profile, { schedule, budget: 1_000_000 })
    const status = tl.run()
    const v = this.run.violations()
    tl.goto(0)
    return this.state([
      C.bold(`exercise ${ex.id}, test ${req.test}${req.profile ? ` [${req.profile}]` : ''}: the failing interleaving`),
      C.dim(`schedule ${req.schedule.length > 120 ? `${req.schedule.slice(0, 120)}…` : req.schedule} · ${status} after ${tl.total} micro-steps${v ? `, ${v} violation(s)` : ''} · step through it, or scrub the timeline`),
    ], { ...base, error: null })
  }

  /** Grade submission files against the open lab, which must be the instructor's (session/grading.ts). */
  sessionGrade(req: GradeRequest): GradeView {
    const { doc } = this
    if (doc.kind !== 'lab' || !doc.lab || !doc.file) return { report: null, outputs: [], answers: {}, warnings: [], error: 'open the instructor\'s lab first (with its solutions and hidden tests)' }
    return gradeClass(doc.file, req, (p) => this.deps.progress?.(p))
  }

  sessionSubmission(student: string): FileText | null {
    if (!this.doc.lab || !this.doc.file) return null
    return this.doc.submission(student, this.deps.now?.() ?? new Date(), this.deps.appVersion ?? '0.1.0')
  }

  sessionRestore(req: RestoreRequest): SessionUpdate {
    if (!this.doc.lab) return this.up({ error: 'open a lab first' })
    if (this.doc.restore(req.edits)) {
      this.run.reset()
      this.explored.clear()
      return this.up({ source: this.doc.source(), diagnostics: this.diagnostics(), run: null, marks: [], explore: null })
    }
    return this.up({})
  }

  sessionPerfetto(): FileText | null {
    const tl = this.run.tl
    if (!tl || tl.total === 0) return null
    const { machine: m, events } = tl.exportSource()
    const threads = m.threads.map((t) => ({ tid: t.tid, pid: t.task.tgid, comm: t.task.comm }))
    const { doc } = this
    const name = `${(doc.lab?.meta.id ?? doc.file?.name ?? 'run').replace(/[^\w.-]+/g, '_')}-${(doc.scenario ?? 'log').replace(/[^\w.-]+/g, '_')}.perfetto.json`
    const trace = perfettoTrace(events.filter((e) => e.step <= tl.cursor), threads, { kernel: doc.profile, scenario: doc.scenario ?? '', steps: String(tl.cursor) })
    return { name, text: JSON.stringify(trace) }
  }

  /** The editor's scenario run to its end on a separate timeline (the session's run is kept). */
  sessionCompare(req: CompareRequest): CompareView {
    const { doc } = this
    const base = { profile: req.profile, variants: req.variants, scenario: doc.scenario, steps: 0, violations: [] }
    if (doc.kind !== 'lab' || !doc.lab || !doc.scenario) return { ...base, status: 'error', error: 'open a lab scenario to compare' }
    const c = doc.compileUnder(req.profile)!
    if (!c.program || !c.runs) {
      const errs = [...c.editor.filter((d) => d.severity === 'error'), ...c.elsewhere]
      return { ...base, status: 'error', error: errs.length ? `does not compile under ${req.profile}: ${errs[0]!.message}` : 'nothing to run' }
    }
    const compiled = req.variants === 'none' ? { ...c, variants: {} } : c
    const tl = Run.toEnd(compiled, req.profile)
    const status = tl.ended ?? 'paused'
    const snap = tl.view().snapshot
    return {
      ...base, status: status === 'paused' ? 'paused' : status === 'schedule-mismatch' ? 'error' : status, steps: tl.total, error: tl.error,
      violations: snap.violations.map((v) => ({ rule: v.rule, step: v.step, message: v.message, severity: v.severity })),
    }
  }

  sessionLabFile(): FileText | null {
    return this.doc.labFile()
  }

  sessionLanguage(): LanguageInfo {
    return { profile: this.doc.profile, ...editorNames(this.doc.profile) }
  }

  sessionComplete(line: string): Completion {
    const s = this.run.tl?.view().snapshot
    return completions(line, { pids: s?.tasks.map((t) => t.pid) ?? [], fileIds: s?.files.map((f) => f.id) ?? [] })
  }

  sessionTerminal(line: string): SessionUpdate {
    return runCommand(line, this.commands)
  }

  // -------------------------------------------------------------------------------------------
  // Terminal operations that are not requests of their own

  /** Run (or go back) to where a lab C `label NAME;` is first reached. */
  private runToLabel(name: string): SessionUpdate {
    const no = this.cannotStart()
    if (no) return no
    const tl = this.timeline()
    const refused = tl.refusal('label')
    if (refused) return this.up({ output: [C.red(refused)] })
    const known = tl.labelStep(name)
    if (known !== null) {
      tl.goto(known)
      return this.state([C.dim(`→ label ${name} (step ${known})`)])
    }
    const from = this.run.begin()
    const at = tl.runUntilLabel(name)
    if (at === null) return this.state([...this.run.forward(from, false), C.yellow(`label ${name} was not reached (run ${tl.ended ?? 'paused'})`)])
    return this.state([...this.run.forward(from, false), C.dim(`→ label ${name} (step ${at})`)])
  }

  /** A snapshot listing every fd of every table (for ls -l and fdinfo), built on demand. */
  private wide(): Snapshot {
    const m = this.timeline().machineAtCursor()
    const max = Math.max(64, ...m.tables().map((t) => t.fdt.max_fds))
    return m.snapshot({ window: [0, Math.min(max, 65536)] })
  }

  /** A typed system call, run by the live shell process at the cursor. */
  private shell(line: string): SessionUpdate {
    const call = parseShell(line)
    if (typeof call === 'string') return this.up({ output: [C.red(call)], error: call })
    const tl = this.timeline()
    const refused = tl.refusal('shell')
    if (refused) return this.up({ output: [C.yellow(refused)] })
    const from = this.run.begin()
    tl.shell(line, call)
    const out = stepLines(tl.eventsSince(from), this.run.graph)
    const extra = tl.lastInput()?.out
    if (extra) out.push(C.dim(`  → ${extra}`))
    return this.state(out)
  }
}

export function createSession(deps: SessionDeps = {}): Session {
  return new Session(deps)
}

export type { LabView }
