/**
 * Grading: one submission judged against the instructor's lab. Pure (no Node, no clock): the
 * caller reads files and computes their hashes. Every exercise is judged from the instructor's lab
 * alone (its tests, hidden ones included, and its solution for the integrity check); the
 * submission contributes its answers and nothing else.
 *
 * Statuses of a test run: passed, failed, budget (a run or a search stopped at a limit: never a
 * pass), error (the answer does not compile, or the engine failed), not_gradable (no answer).
 */
import {
  parseLab, type Exercise, type Lab, type LabBlock, release, releasedLineMap, judgeExercise, normalizeAnswer,
  runBlock, type BlockRunOptions, type Explorer, type TestResult, labExplorer, runSources, formatSchedule,
  formatStrace, type Diagnostic, fences, parseInfo, splitLines, type ProfileName,
} from '../engine'
import { statusOf, verdictOf, type TestStatus } from './verdict'
import { checkFixedForm, isProvokeTarget } from './integrity'
import { DEFAULT_MAX_BYTES, parseSubmission } from './submission'
import { labNames } from './similarity'

/** Version of the grader's semantics and output formats (recorded in reports and shards). */
export const GRADER_VERSION = 'fdlab-grade/1'

export type Visibility = 'visible' | 'hidden' | 'after_due_date' | 'after_published'
export const VISIBILITIES: readonly Visibility[] = ['visible', 'hidden', 'after_due_date', 'after_published']

export interface Budget {
  /** Micro-steps per run (the machine's budget). */
  readonly steps: number
  /** Interleavings per explored test. */
  readonly runs: number
  /** Lab C statements per run (a loop that never ends stops here). */
  readonly statements: number
}
export const DEFAULT_BUDGET: Budget = { steps: 20_000, runs: 20_000, statements: 100_000 }

export interface GradeOptions {
  readonly budget?: Partial<Budget>
  readonly maxBytes?: number
  /** Trace lines kept for a failed run's "actual" (0: none). */
  readonly traceLines?: number
}

export interface GradingLab {
  readonly lab: Lab
  /** sha256 of the instructor's lab file, and of its released (student) edition. */
  readonly sha256: string
  readonly releasedSha256: string
  readonly maxScore: number
  readonly budget: Budget
  readonly maxBytes: number
  readonly traceLines: number
  /** Visibility of each test, by EXERCISE/TEST. */
  readonly visibility: ReadonlyMap<string, Visibility>
  /** Provoke tests (EXERCISE/TEST/PROFILE) whose solution passes the integrity check. */
  readonly integrity: ReadonlySet<string>
  /** Instructor-lab line → the same line in the released edition (what students have). */
  readonly studentLine: (line: number) => number
  /** Names the lab and lab C give meaning to (kept by programKey; an answer's own names are not). */
  readonly names: ReadonlySet<string>
  /** Results of exercises by answer text (grading is deterministic, so a cache is exact). */
  readonly cache: Map<string, ExerciseReport>
}

export interface Where { readonly file: string; readonly line: number; readonly col: number }

export interface TestReport {
  /** Test name, with the profile when the exercise runs under more than one. */
  readonly name: string
  readonly test: string
  readonly profile: ProfileName | null
  readonly status: TestStatus
  readonly visibility: Visibility
  /** The test's code is not in the student edition (never quoted to students). */
  readonly code_hidden: boolean
  readonly score: number
  readonly max_score: number
  /** For the instructor: everything the run said. */
  readonly message: string
  /** For the student: the same without anything from hidden code. */
  readonly student_message: string
  readonly where: Where | null
  readonly expected: string | null
  readonly actual: string | null
  readonly explored: { readonly runs: number; readonly complete: boolean } | null
  /** The failing (or budget-stopped) run's schedule, replayable with --schedule. */
  readonly schedule: string | null
  /** The failing run's system calls (strace-style), for tests whose code students have. */
  readonly trace: readonly string[]
  /** The misconceptions the lab keys to this failing test (several when the author named several). */
  readonly misconceptions: readonly { readonly id: string; readonly explain: string }[]
}

export type ExerciseStatus = 'passed' | 'partial' | 'failed' | 'error' | 'budget' | 'not_gradable'

export interface ExerciseReport {
  readonly id: string
  readonly kind: Exercise['kind']
  readonly title: string
  readonly score: number
  readonly max_score: number
  readonly status: ExerciseStatus
  readonly answered: boolean
  readonly problems: readonly string[]
  readonly misconceptions: readonly { readonly id: string; readonly explain: string }[]
  readonly tests: readonly TestReport[]
}

export interface SubmissionEntry {
  /** The input file as given (folders expanded). */
  readonly file: string
  /** The name of its results/NAME.json and feedback/NAME.md. */
  readonly name: string
  readonly sha256: string
  readonly student: string
  readonly status: 'graded' | 'rejected'
  readonly reason: string | null
  readonly warnings: readonly string[]
  readonly score: number
  readonly max_score: number
  readonly exercises: readonly ExerciseReport[]
}

export interface SubmissionInput {
  readonly file: string
  readonly name: string
  readonly sha256: string
  readonly bytes: Uint8Array
  /** The file's size when `bytes` holds only its start (an oversized file is not read whole). */
  readonly size?: number
  /** Why the file could not be read (not a regular file, permissions...). */
  readonly unreadable?: string
}

/** Misconceptions as the lab format will carry them (read optionally until that lands). */
interface Misconception { readonly when: { readonly choice?: string; readonly test?: string }; readonly id: string; readonly explain: string }
const misconceptionsOf = (ex: Exercise): readonly Misconception[] => (ex as Exercise & { misconceptions?: readonly Misconception[] }).misconceptions ?? []

const round = (x: number): number => Math.round(x * 1e6) / 1e6

/**
 * Parse the instructor's lab for grading. Returns the diagnostics instead when it is unusable
 * (errors, or a student edition: no solutions and no hidden tests).
 */
export function prepareLab(text: string, file: string, sha256: (s: string) => string, opts: GradeOptions = {}): { glab: GradingLab | null; problems: string[]; diagnostics: readonly Diagnostic[] } {
  const { lab, diagnostics } = parseLab(text, file)
  const problems: string[] = []
  if (diagnostics.some((d) => d.severity === 'error')) problems.push('the lab file has errors')
  if (lab.meta.edition === 'student') problems.push('this is a student edition (solutions and hidden tests removed): grade with the instructor\'s lab')
  if (!lab.exercises.length && !problems.length) problems.push('the lab has no exercises')
  if (problems.length) return { glab: null, problems, diagnostics }
  const budget: Budget = { ...DEFAULT_BUDGET, ...(opts.budget ?? {}) }
  const { visibility, bad } = testVisibility(lab)
  if (bad.length) return { glab: null, problems: bad, diagnostics }
  const glab: GradingLab = {
    lab, sha256: sha256(text), releasedSha256: sha256(release(lab)),
    maxScore: round(lab.exercises.reduce((n, e) => n + e.points, 0)),
    budget, maxBytes: opts.maxBytes ?? DEFAULT_MAX_BYTES, traceLines: opts.traceLines ?? 40, visibility,
    integrity: new Set(), cache: new Map(), studentLine: releasedLines(lab), names: labNames(lab),
  }
  for (const ex of lab.exercises) addIntegrity(glab, ex)
  return { glab, problems, diagnostics }
}

/**
 * Where the lab says a provoke exercise's bug lives: its solution shows it, the fixed form does
 * not. Such tests then also check that an answer's finding goes away in the fixed form.
 */
function addIntegrity(g: GradingLab, ex: Exercise): void {
  const { lab, budget } = g
  const integrity = g.integrity as Set<string>
  if (ex.kind !== 'provoke' || !ex.solution) return
  for (const t of ex.tests) {
    for (const p of t.kernels ?? lab.meta.kernels) if (integrityApplies(lab, ex, t, p, budget)) integrity.add(`${ex.id}/${t.testName}/${p}`)
  }
}

const fixedLimits = (b: Budget) => ({ maxSteps: b.steps, maxRuns: b.runs, maxStatements: b.statements })

/** Whether the provoke integrity check applies to a test run: the lab's own solution shows the bug and its fixed form does not. */
export function integrityApplies(lab: Lab, ex: Exercise, t: LabBlock, profile: ProfileName, budget: Budget = DEFAULT_BUDGET): boolean {
  if (ex.kind !== 'provoke' || !ex.solution || !isProvokeTarget(t)) return false
  const c = checkFixedForm(lab, withStarterUses(ex, t), profile, ex.solution.code, answerFile(ex), fixedLimits(budget))
  return !c.showsWhenFixed && c.finished
}

/**
 * The provoke integrity check of an answer's passing run (where integrityApplies): its fixed form
 * must not show the finding. `failed` with the message to give, else a note for the pass message.
 */
export function fixedFormVerdict(lab: Lab, ex: Exercise, t: LabBlock, profile: ProfileName, answer: string, file: string, budget: Budget = DEFAULT_BUDGET): { failed: boolean; budget?: true; message: string } {
  const c = checkFixedForm(lab, withStarterUses(ex, t), profile, answer, file, fixedLimits(budget))
  if (!c.showsWhenFixed && !c.finished) {
    return {
      failed: true, budget: true,
      message: `the bug shows, but your scenario's fixed form (${c.form.changes.join('; ') || 'unchanged'}) did not finish${c.runs !== null ? ` (${c.runs} interleaving${c.runs === 1 ? '' : 's'} explored)` : ''}: a limit, or a search not covered, so it does not show that the bug goes away where it is fixed; not a proof, so not a pass`,
    }
  }
  if (!c.showsWhenFixed) return { failed: false, message: c.form.changes.length ? `; and not where the bug is fixed (${c.form.changes.join('; ')})` : '' }
  return {
    failed: true,
    message: `your scenario shows the finding even where the bug is fixed (${c.form.changes.join('; ') || 'unchanged: it does not use the buggy form the exercise is about'})${c.schedule ? `, schedule ${formatSchedule(c.schedule)}` : ''}: it must show the bug where the lab says it lives, not a different misuse or a crash`,
  }
}

/**
 * The app's "Run tests" (practice): the lab as the student has it (either edition), judged by
 * its visible tests only, with the grader's statuses, messages and schedules. Hidden tests never
 * run here. The provoke integrity check is prepared per exercise on first use (`practiceExercise`).
 */
export function practiceLab(lab: Lab, opts: GradeOptions = {}): GradingLab {
  const visible: Lab = { ...lab, exercises: lab.exercises.map((e) => ({ ...e, tests: e.tests.filter((t) => !t.hidden) })) }
  return {
    lab: visible, sha256: '', releasedSha256: '',
    maxScore: round(lab.exercises.reduce((n, e) => n + e.points, 0)),
    budget: { ...DEFAULT_BUDGET, ...(opts.budget ?? {}) }, maxBytes: opts.maxBytes ?? DEFAULT_MAX_BYTES, traceLines: opts.traceLines ?? 40,
    visibility: testVisibility(visible).visibility, integrity: new Set(), cache: new Map(), studentLine: (l) => l, names: labNames(lab),
  }
}

const practiced = new WeakMap<GradingLab, Set<string>>()
/** Judge one answer of a practice lab (see practiceLab) on its visible tests. */
export function practiceExercise(g: GradingLab, exerciseId: string, answer: string): ExerciseReport | null {
  const ex = g.lab.exercises.find((e) => e.id === exerciseId)
  if (!ex) return null
  const done = practiced.get(g) ?? new Set<string>()
  practiced.set(g, done)
  if (!done.has(ex.id)) {
    done.add(ex.id)
    addIntegrity(g, ex)
  }
  return gradeExercise(g, ex, answer)
}

/**
 * Visibility of each test: `visibility=` on its fence (visible, hidden, after_due_date,
 * after_published); else `after_due_date` for a `hidden` test (its code is not in the student
 * edition) and `visible` for the others.
 */
function testVisibility(lab: Lab): { visibility: Map<string, Visibility>; bad: string[] } {
  const lines = splitLines(lab.source)
  const byLine = new Map<number, string>()
  for (const f of fences(lines, lab.bodyLine)) {
    const info = parseInfo(f.info, f.infoCol)
    if ('error' in info) continue
    const v = info.attrs.find((a) => a.key === 'visibility')?.value
    if (v) byLine.set(f.openLine, v)
  }
  const out = new Map<string, Visibility>()
  const bad: string[] = []
  for (const ex of lab.exercises) {
    for (const t of ex.tests) {
      const v = byLine.get(t.fenceLine)
      if (v !== undefined && !(VISIBILITIES as readonly string[]).includes(v)) bad.push(`${lab.file}:${t.fenceLine}: visibility=${v}: one of ${VISIBILITIES.join(', ')}`)
      out.set(`${ex.id}/${t.testName}`, v && (VISIBILITIES as readonly string[]).includes(v) ? v as Visibility : t.hidden ? 'after_due_date' : 'visible')
    }
  }
  return { visibility: out, bad }
}

const answerFile = (ex: Exercise): string => `${ex.id}.answer`

/**
 * Where each line of the instructor's lab ends up in the released edition (release.ts computes it
 * from the same plan as release() itself). Messages to students use these line numbers, those of
 * the file they have.
 */
function releasedLines(lab: Lab): (line: number) => number {
  return releasedLineMap(lab)
}

function withStarterUses(ex: Exercise, t: LabBlock): LabBlock {
  const su = ex.starter?.uses ?? []
  return su.length ? { ...t, uses: [...new Set([...su, ...t.uses])] } : t
}

/**
 * The lab's own solutions graded as answers (each exercise with a solution): every test run they
 * do not pass. Under a budget too low for the lab (or a lab at fault) every answer would lose
 * those points too, so the instructor is told before anything is graded.
 */
export function solutionShortfalls(g: GradingLab): { readonly exercise: Exercise; readonly test: TestReport }[] {
  const out: { exercise: Exercise; test: TestReport }[] = []
  for (const ex of g.lab.exercises) {
    if (!ex.solution || ex.kind === 'predict') continue
    for (const t of gradeExercise(g, ex, ex.solution.code).tests) if (t.status !== 'passed') out.push({ exercise: ex, test: t })
  }
  return out
}

/**
 * A solution shortfall as a `FILE:LINE:COL: warning[budget]: ...` line at the solution's fence in
 * lab file @labFile, ending with what the instructor can do about it (@fix).
 */
export function shortfallWarning(labFile: string, s: { readonly exercise: Exercise; readonly test: TestReport }, fix: string): string {
  return `${labFile}:${s.exercise.solution!.fenceLine + 1}:1: warning[budget]: exercise ${s.exercise.id} test ${s.test.name}: the lab's own solution gets ${s.test.status} under this budget (${s.test.message.slice(0, 300)}); every answer will be too: ${fix}`
}

/** Grade one submission file. Never throws for anything in the file. */
export function gradeSubmission(g: GradingLab, input: SubmissionInput): SubmissionEntry {
  const { lab } = g
  const base = { file: input.file, name: input.name, sha256: input.sha256, max_score: g.maxScore }
  if (input.unreadable) return { ...base, student: '', status: 'rejected', reason: `cannot read the file: ${input.unreadable}`, warnings: [], score: 0, exercises: [] }
  if (input.size !== undefined && input.size > g.maxBytes) {
    return { ...base, student: '', status: 'rejected', reason: `oversized: ${input.size} bytes (the limit is ${g.maxBytes}; an exported submission is a few kilobytes)`, warnings: [], score: 0, exercises: [] }
  }
  const p = parseSubmission(input.bytes, { id: lab.meta.id, version: lab.meta.version, releasedSha256: g.releasedSha256 }, lab.exercises.map((e) => e.id), g.maxBytes)
  if (!p.ok) return { ...base, student: p.student, status: 'rejected', reason: p.reason, warnings: [], score: 0, exercises: [] }
  const exercises = lab.exercises.map((ex) => gradeExercise(g, ex, p.answers.get(ex.id)))
  const score = round(exercises.reduce((n, e) => n + e.score, 0))
  return { ...base, student: p.student, status: 'graded', reason: null, warnings: p.warnings, score, exercises }
}

/** Judge one answer (undefined: not answered). Cached by answer text. */
export function gradeExercise(g: GradingLab, ex: Exercise, answer: string | undefined): ExerciseReport {
  const key = `${ex.id}\u0000${answer ?? '\u0001'}`
  const hit = g.cache.get(key)
  if (hit) return hit
  // The same program spelled with other spacing or comments runs the same way: a result in which
  // every test passed (no line numbers in it) is reused for it.
  const pkey = answer !== undefined && ex.kind !== 'predict' ? programKey(ex.id, answer, g.names) : null
  const phit = pkey ? g.cache.get(pkey) : undefined
  if (phit) return phit
  let r: ExerciseReport
  try {
    r = answer === undefined || !answer.trim() ? unanswered(g, ex) : ex.kind === 'predict' ? gradePredict(g, ex, answer) : gradeCode(g, ex, answer)
  } catch (e) {
    // The engine failed on this answer: an error for this exercise, never a crash of the batch.
    r = engineFailure(g, ex, e)
  }
  if (g.cache.size < 20_000) {
    g.cache.set(key, r)
    if (pkey && r.status === 'passed' && r.tests.every((t) => t.status === 'passed')) g.cache.set(pkey, r)
  }
  return r
}

/**
 * A key for the program an answer spells: comments and spacing dropped, tokens kept, each
 * preprocessor line kept whole (its line ends matter), and a space kept wherever removing it
 * could make two tokens one (`a - -b` is not `a--b`). With `keep`, the names the answer
 * introduces itself (not the lab's, not lab C's) are renamed in order of first appearance, so a
 * program with its own variables renamed has the same key. Null when a line continuation makes
 * that unsafe.
 */
export function programKey(exId: string, code: string, keep?: ReadonlySet<string>): string | null {
  if (/\\\r?\n/.test(code)) return null
  // Tokens, each with whether white space came before it; preprocessor lines whole.
  const toks: { t: string; gap: boolean; pp: boolean }[] = []
  let gap = false
  for (const m of code.matchAll(PROGRAM_TOKEN)) {
    const t = m[0]
    if (t.trimStart().startsWith('#')) { toks.push({ t: t.replace(/\/\/.*$/, '').replace(/\s+/g, ' ').trim(), gap: false, pp: true }); gap = false; continue }
    if (/^\s/.test(t) || t.startsWith('//') || t.startsWith('/*')) { gap = true; continue }
    toks.push({ t, gap, pp: false })
    gap = false
  }
  // Names the answer declares (after a C type, `struct TAG`, or as `struct TAG {`), never the lab's or lab C's.
  const declared = new Set<string>()
  if (keep) {
    toks.forEach((x, i) => {
      if (x.pp || !/^[A-Za-z_]\w*$/.test(x.t) || keep.has(x.t) || C_WORDS.has(x.t)) return
      if (toks[i - 1]?.t === 'struct' && toks[i + 1]?.t === '{') { declared.add(x.t); return }
      let j = i - 1
      while (toks[j]?.t === '*') j--
      const ty = toks[j]
      if (ty && (TYPE_WORDS.has(ty.t) || toks[j - 1]?.t === 'struct')) declared.add(x.t)
    })
  }
  const renamed = new Map<string, string>()
  const out: string[] = []
  let prev = ''
  for (const x of toks) {
    if (x.pp) { out.push(`\n${x.t}\n`); prev = ''; continue }
    if (prev && x.gap && glue(prev[prev.length - 1]!, x.t[0]!)) out.push(' ')
    let t = x.t
    if (declared.has(t)) {
      const r = renamed.get(t) ?? `\u0004${renamed.size}`
      renamed.set(t, r)
      t = r
    }
    out.push(t)
    prev = x.t
  }
  return `${exId}\u0002${out.join('\u0003')}`
}

const glue = (a: string, b: string): boolean => (/\w/.test(a) && /\w/.test(b)) || (OP.includes(a) && OP.includes(b))
const TYPE_WORDS = new Set(['int', 'long', 'char', 'void', 'short', 'unsigned', 'signed', 'bool'])
const OP = '-+*/%&|^<>=!.'
const C_WORDS = new Set(['auto', 'break', 'case', 'char', 'const', 'continue', 'default', 'do', 'double', 'else', 'enum', 'extern', 'float', 'for',
  'goto', 'if', 'int', 'long', 'register', 'return', 'short', 'signed', 'sizeof', 'static', 'struct', 'switch', 'typedef', 'union', 'unsigned',
  'void', 'volatile', 'while', 'bool', 'true', 'false', 'NULL', 'process', 'thread', 'driver', 'kthread', 'label', 'join'])
// Preprocessor lines (to the line end), white space, comments, literals, words, operators.
const PROGRAM_TOKEN = /^[ \t]*#[^\n]*|[ \t\f\v]+|\r?\n|\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|$)|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|\w+|->|\+\+|--|<<=|>>=|[<>=!]=|&&|\|\||<<|>>|[-+*/%&|^]=|\S/gm

/**
 * The explorer for graded tests: the lab's explorer, except that when the default interleaving
 * already stops at a limit (a loop that never ends, endless output), the search is not run over
 * every other interleaving of a runaway program: the verdict is `budget` either way, and a
 * search of thousands of runaway runs would take minutes.
 */
function gradingExplorer(g: GradingLab): Explorer {
  const inner = labExplorer({ maxRuns: g.budget.runs })
  return (spec, o) => {
    const first = runSources({ ...spec, trace: false })
    const limited = first.status === 'budget' || first.runtimeErrors.some((d) => d.code === 'budget' || d.code === 'recursion')
    if (limited) return { runs: 1, complete: false, witness: o.want(first) ? runSources(spec) : null }
    return inner(spec, o)
  }
}

function limitsOf(g: GradingLab): BlockRunOptions['limits'] {
  return { maxStatements: g.budget.statements }
}

function profilesOfTest(g: GradingLab, t: LabBlock): readonly ProfileName[] {
  return t.kernels ?? g.lab.meta.kernels
}

/** The test runs of an exercise, in grading order, with their share of the points. */
function runsOf(g: GradingLab, ex: Exercise): { t: LabBlock; profile: ProfileName | null; name: string }[] {
  if (ex.kind === 'predict') return [{ t: predictBlock(g.lab, ex) ?? ex.header, profile: null, name: 'answer' }]
  const out: { t: LabBlock; profile: ProfileName; name: string }[] = []
  for (const t of ex.tests) {
    const ps = profilesOfTest(g, t)
    for (const p of ps) out.push({ t, profile: p, name: ps.length > 1 || g.lab.meta.kernels.length > 1 ? `${t.testName} [${p}]` : t.testName })
  }
  return out
}

function predictBlock(lab: Lab, ex: Exercise): LabBlock | undefined {
  return ex.scenario ? lab.scenarios.find((s) => s.name === ex.scenario) : ex.tests[0]
}

function visibilityOf(g: GradingLab, ex: Exercise, t: LabBlock): Visibility {
  if (ex.kind === 'predict') return t.hidden ? 'after_due_date' : 'visible'
  return g.visibility.get(`${ex.id}/${t.testName}`) ?? (t.hidden ? 'after_due_date' : 'visible')
}

function emptyTest(g: GradingLab, ex: Exercise, run: { t: LabBlock; profile: ProfileName | null; name: string }, share: number, status: TestStatus, message: string): TestReport {
  return {
    name: run.name, test: run.t.testName, profile: run.profile, status, visibility: visibilityOf(g, ex, run.t), code_hidden: run.t.hidden,
    score: 0, max_score: share, message, student_message: message, where: null, expected: null, actual: null,
    explored: null, schedule: null, trace: [], misconceptions: [],
  }
}

function unanswered(g: GradingLab, ex: Exercise): ExerciseReport {
  const runs = runsOf(g, ex)
  const share = runs.length ? ex.points / runs.length : 0
  const tests = runs.map((r) => emptyTest(g, ex, r, round(share), 'not_gradable', 'no answer: the submission has no answer to this exercise, or an empty one'))
  return { id: ex.id, kind: ex.kind, title: ex.title, score: 0, max_score: ex.points, status: 'not_gradable', answered: false, problems: [], misconceptions: [], tests }
}

function engineFailure(g: GradingLab, ex: Exercise, e: unknown): ExerciseReport {
  const runs = runsOf(g, ex)
  const share = runs.length ? ex.points / runs.length : 0
  const msg = `the simulator failed on this answer (${e instanceof Error ? e.message : String(e)}); reported as an error, not a grade`
  const tests = runs.map((r) => emptyTest(g, ex, r, round(share), 'error', msg))
  return { id: ex.id, kind: ex.kind, title: ex.title, score: 0, max_score: ex.points, status: 'error', answered: true, problems: [msg], misconceptions: [], tests }
}

function gradePredict(g: GradingLab, ex: Exercise, answer: string): ExerciseReport {
  const opts: BlockRunOptions = { trace: false, maxSteps: g.budget.steps, limits: limitsOf(g) }
  const er = judgeExercise(g.lab, ex, answer, opts)
  const run = runsOf(g, ex)[0]!
  const computed = er.tests.map((t) => ({ t, v: verdictOf(t) }))
  const labFault = computed.find((c) => c.v !== 'pass' && !er.expected.has(c.t.profile))
  // One value when every profile gives it; else each value with its profile.
  const values = [...new Set(er.expected.values())]
  const expected = values.length === 1 ? values[0]! : [...er.expected].map(([p, v]) => `${v} [${p}]`).join(', ')
  const right = !labFault && er.points === ex.points && er.problems.length === 0
  const status: TestStatus = labFault ? 'error' : right ? 'passed' : 'failed'
  // A misconception explains a wrong answer, never a scenario of the lab's that could not run.
  const mis = status !== 'failed' ? [] : misconceptionsOf(ex).filter((m) => m.when.choice !== undefined && normalizeAnswer(m.when.choice) === normalizeAnswer(answer)).map((m) => ({ id: m.id, explain: m.explain }))
  const message = labFault
    ? `the lab's scenario could not compute the answer under ${labFault.t.profile} (${labFault.t.reasons.join('; ') || labFault.v}); an error of the lab, not of the answer: 0 points until the lab is fixed and the class graded again`
    : right ? `right: ${answer.trim()}` : `your answer ${JSON.stringify(answer.trim().slice(0, 200))} is not what the kernel does; the kernel gives ${expected}`
  const test: TestReport = {
    ...emptyTest(g, ex, run, ex.points, status, message),
    score: right ? ex.points : 0, expected: labFault ? null : expected, actual: answer.trim().slice(0, 200), misconceptions: mis,
  }
  return {
    id: ex.id, kind: ex.kind, title: ex.title, score: test.score, max_score: ex.points, status: right ? 'passed' : labFault ? 'error' : 'failed',
    answered: true, problems: right || labFault ? [] : [message], misconceptions: mis, tests: [test],
  }
}

function gradeCode(g: GradingLab, ex: Exercise, answer: string): ExerciseReport {
  const { lab } = g
  const file = answerFile(ex)
  const explorer = gradingExplorer(g)
  const opts: BlockRunOptions = { trace: false, maxSteps: g.budget.steps, explorer, limits: limitsOf(g) }
  const er = judgeExercise(lab, ex, answer, opts, { file, lineOffset: 0 })
  const runs = runsOf(g, ex)
  const share = runs.length ? ex.points / runs.length : 0
  const tests: TestReport[] = []
  const mis: { id: string; explain: string }[] = []
  er.tests.forEach((r, i) => {
    const run = runs[i]!
    let status = statusOf(verdictOf(r))
    let d = describe(r, status, file, r.block.hidden, answer, g)
    // Provoke integrity: the bug must not show where it is fixed.
    const ikey = `${ex.id}/${r.block.testName}/${r.profile}`
    if (status === 'passed' && ex.kind === 'provoke' && g.integrity.has(ikey)) {
      const c = fixedFormVerdict(lab, ex, r.block, r.profile, answer, file, g.budget)
      if (!c.failed) d = { ...d, message: d.message + c.message, student: d.student + c.message }
      else if (c.budget) {
        status = 'budget'
        d = { ...d, message: c.message, student: c.message, expected: 'the finding with the buggy form, none with the fixed form', actual: 'the fixed form did not finish' }
      } else {
        status = 'failed'
        d = { ...d, message: c.message, student: c.message, expected: 'the finding with the buggy form, none with the fixed form', actual: 'the finding with both' }
      }
    }
    const failed = status !== 'passed'
    // A misconception explains a run that shows the mistake: a failure. A budget stop or an answer
    // that does not compile shows nothing about it (its message says what happened instead).
    const ms = status === 'failed' ? misconceptionsOf(ex).filter((x) => x.when.test === r.block.testName).map((x) => ({ id: x.id, explain: x.explain })) : []
    for (const m of ms) if (!mis.some((x) => x.id === m.id)) mis.push(m)
    let trace: string[] = []
    if ((status === 'failed') && r.outcome.ran && g.traceLines > 0) {
      const replay = runBlock(lab, withStarterUses(ex, r.block), r.profile, { trace: true, maxSteps: g.budget.steps, limits: limitsOf(g), schedule: r.outcome.schedule }, { code: answer, file, lineOffset: 0 })
      const lines = formatStrace(replay.outcome.events, { steps: true })
      trace = lines.length > g.traceLines ? ['...', ...lines.slice(-g.traceLines)] : lines
    }
    tests.push({
      name: run.name, test: r.block.testName, profile: r.profile, status, visibility: visibilityOf(g, ex, r.block), code_hidden: r.block.hidden,
      score: status === 'passed' ? round(share) : 0, max_score: round(share), message: d.message, student_message: d.student, where: d.where,
      expected: d.expected, actual: d.actual, explored: r.explored ? { runs: r.explored.runs, complete: r.explored.complete } : null,
      // A failure's run, or the interleaving that demonstrates a provoked bug.
      schedule: (failed || (r.explored && r.block.expect !== 'pass')) && r.outcome.ran && r.outcome.schedule.length ? formatSchedule(r.outcome.schedule) : null,
      trace, misconceptions: ms,
    })
  })
  const passed = tests.filter((t) => t.status === 'passed').length
  const problems = [...er.problems]
  const score = problems.length ? 0 : round(tests.length ? (ex.points * passed) / tests.length : 0)
  const status: ExerciseStatus = problems.length || tests.every((t) => t.status === 'error') ? 'error'
    : passed === tests.length ? 'passed'
      : passed > 0 ? 'partial'
        : tests.some((t) => t.status === 'failed') ? 'failed' : tests.some((t) => t.status === 'budget') ? 'budget' : 'error'
  return { id: ex.id, kind: ex.kind, title: ex.title, score, max_score: ex.points, status, answered: true, problems, misconceptions: mis, tests }
}

interface Described { message: string; student: string; where: Where | null; expected: string | null; actual: string | null }

const EXPECTATION: Record<string, string> = {
  pass: 'every expect() holds, no run-time error, no sanitizer violation, and the run ends',
  violation: 'a sanitizer violation',
  blocked: 'the run ends with every thread waiting',
  fail: 'an expect() fails or the code faults',
}

/** The messages of one test run: full for the instructor, without hidden code for the student. */
function describe(r: TestResult, status: TestStatus, answerFile: string, codeHidden: boolean, answer: string, g: GradingLab): Described {
  const o = r.outcome
  const inAnswer = (d: Diagnostic): boolean => d.file === answerFile
  const loc = (d: Diagnostic): string => inAnswer(d) ? `your answer, line ${d.line}, col ${d.col}` : `${d.file}:${d.line}:${d.col}`
  // For students: lab lines renumbered as in the released edition; quoted source lines that are not the answer's redacted.
  const studentText = (text: string): string => {
    let t = text.replace(new RegExp(`${escapeRe(g.lab.file)}:(\\d+):(\\d+)`, 'g'), (_, l: string, c: string) => `${g.lab.file}:${g.studentLine(Number(l))}:${c}`)
    if (codeHidden) t = t.replace(/in lab C (.*?) \((\d+:\d+)\)/g, (m, src: string) => (answer.includes(src.trim()) ? m : 'in lab C (the test\'s code)'))
    return t
  }
  const whereOf = (ds: readonly Diagnostic[]): Where | null => {
    const d = ds.find(inAnswer)
    return d ? { file: d.file, line: d.line, col: d.col } : null
  }
  const expected = `${EXPECTATION[r.block.expect] ?? r.block.expect}${r.block.rule ? ` (rule ${r.block.rule})` : ''}`
  if (status === 'passed') {
    const searched = r.block.expect !== 'pass'
    const shown = `${r.block.expect === 'violation' ? `the sanitizer reports ${r.block.rule ?? 'a violation'}` : r.block.expect === 'blocked' ? 'the run ends blocked' : 'the expected failure happens'}`
    const how = !r.explored ? (searched ? shown : 'every expectation met') : searched
      ? `${shown} in an interleaving (found while exploring ${r.explored.runs} run${r.explored.runs === 1 ? '' : 's'})`
      : `every interleaving is clean (${r.explored.runs} explored${r.explored.complete ? ', all covered' : ''})`
    return { message: how, student: how, where: null, expected: null, actual: null }
  }
  if (status === 'error') {
    const errs = [...o.diagnostics.filter((d) => d.severity === 'error'), ...o.runtimeErrors.filter((d) => d.code === 'engine')]
    const full = errs.map((d) => `${loc(d)}: ${d.message}`)
    const safe = errs.map((d) => inAnswer(d) || !codeHidden ? `${loc(d)}: ${d.message}` : 'the test\'s code does not compile with your answer (a name your answer redefines or leaves out?)')
    const head = o.ran ? 'the simulator failed' : 'does not compile'
    return { message: `${head}: ${full.join('; ')}`, student: studentText(`${head}: ${[...new Set(safe)].join('; ')}`), where: whereOf(errs), expected: null, actual: null }
  }
  if (status === 'budget') {
    const lim = o.runtimeErrors.filter((d) => d.code === 'budget' || d.code === 'recursion')
    const parts = lim.map((d) => `${loc(d)}: ${d.message}`)
    const safe = lim.map((d) => inAnswer(d) || !codeHidden ? `${loc(d)}: ${d.message}` : d.message)
    if (r.explored && !r.explored.complete && !lim.length) {
      const s = `the search stopped at its bound after ${r.explored.runs} interleaving${r.explored.runs === 1 ? '' : 's'} without covering every one: not a proof, so not a pass`
      parts.push(s)
      safe.push(s)
    }
    return { message: parts.join('; '), student: studentText(safe.join('; ')), where: whereOf(lim), expected, actual: 'the run did not finish' }
  }
  // failed
  const full: string[] = []
  const safe: string[] = []
  const actual: string[] = []
  const actualSafe: string[] = []
  if (r.explored) {
    const n = `${r.explored.runs} interleaving${r.explored.runs === 1 ? '' : 's'} explored${r.explored.complete ? ', every one covered' : ', search incomplete'}`
    const sought = r.block.expect === 'violation' ? (r.block.rule ? `the sanitizer's ${r.block.rule}` : 'a sanitizer violation') : r.block.expect === 'blocked' ? 'a run that ends blocked' : 'a failed expect() or a fault'
    const s = r.block.expect === 'pass'
      ? `an interleaving fails (the shortest, found while exploring ${r.explored.runs} run${r.explored.runs === 1 ? '' : 's'})`
      : `no interleaving shows ${sought} (${n})`
    full.push(s)
    safe.push(s)
    if (r.block.expect !== 'pass') {
      const a = r.explored.runs === 1 ? 'not shown in the one interleaving explored' : `not shown in any of the ${r.explored.runs} interleavings explored`
      actual.push(a)
      actualSafe.push(a)
    }
  }
  for (const d of o.expectFailures) {
    full.push(`${loc(d)}: ${d.message}`)
    actual.push(d.message)
    const s = inAnswer(d) || !codeHidden ? `${loc(d)}: ${d.message}` : 'an expect() of the test failed'
    safe.push(s)
    actualSafe.push(inAnswer(d) || !codeHidden ? d.message : 'an expect() of the test failed')
  }
  for (const d of o.runtimeErrors) {
    full.push(`${loc(d)}: ${d.message}`)
    actual.push(`run-time error: ${d.message}`)
    safe.push(inAnswer(d) || !codeHidden ? `${loc(d)}: ${d.message}` : `run-time error: ${d.message}`)
    actualSafe.push(`run-time error: ${d.message}`)
  }
  // A violation the sanitizer located in a lab C line of the answer ("in lab C SRC (L:C)", the
  // answer's own line numbers) is said to be there, as other messages about the answer are.
  const answerLines = splitLines(answer)
  let violationWhere: Where | null = null
  for (const v of o.violations.filter((v) => v.severity === 'violation')) {
    const msg = v.message.replace(/in lab C (.*?) \((\d+):(\d+)\)/, (m, src: string, l: string, c: string) => {
      if (!src.trim() || !answerLines[Number(l) - 1]?.includes(src.trim())) return m
      violationWhere ??= { file: answerFile, line: Number(l), col: Number(c) }
      return `in your answer, line ${l}, col ${c} (${src.trim()})`
    })
    const s = `sanitizer: ${v.rule} at step ${v.step} (thread ${v.tid}): ${msg}`
    full.push(s); safe.push(s); actual.push(s); actualSafe.push(s)
  }
  for (const reason of r.reasons) {
    // An explored test's "no interleaving shows" is said once, above.
    if (r.explored && /^no interleaving shows/.test(reason)) continue
    if (/^expected |^the run ended blocked|^no interleaving shows|^the schedule does not fit/.test(reason)) {
      full.push(reason)
      // A hidden test's expectation names only a rule and a status: no code.
      safe.push(reason.replace(/: .* at .*$/, ''))
      actual.push(reason)
      actualSafe.push(reason)
    }
  }
  if (!full.length) full.push(...r.reasons)
  if (!safe.length) safe.push('the test failed')
  const whereList = [...o.expectFailures, ...o.runtimeErrors]
  return {
    message: full.join('; '), student: studentText(safe.join('; ')), where: whereOf(whereList) ?? violationWhere, expected,
    actual: studentText((codeHidden ? actualSafe : actual).join('; ')) || null,
  }
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
