/**
 * Running what a lab file contains: scenarios and exercise tests, each with its expectation
 * (expect=pass|violation|blocked|fail, rule=NAME), under each of its kernel profiles; and
 * judging exercise answers (implement and provoke answers are lab C; predict answers are values).
 */
import { formatDiagnostic, sortDiagnostics, type Diagnostic } from './diagnostics'
import { frontEnd } from './labc'
import type { ProfileName, Variants } from '../sim/profile'
import { blockKernels, normalizeAnswer, type Exercise, type Lab, type LabBlock } from './labFile'

export { normalizeAnswer }
import type { Source } from './labc'
import { describeFinding, runSources, type RunOutcome, type RunSpec } from './run'
import type { SchedulePolicy } from '../machine/Machine'
import { formatSchedule } from './schedule'

/** Searches interleavings for one that satisfies @want (the engine's explorer plugs in here). */
export type Explorer = (spec: RunSpec, opts: { bound: number | null; want: (o: RunOutcome) => boolean }) => ExploreResult

export interface ExploreResult {
  /** Runs (schedules) executed. */
  readonly runs: number
  /** False when the search stopped early (budget): "none found" is then not a proof. */
  readonly complete: boolean
  /** The first (shortest) run that satisfies `want`, if any. */
  readonly witness: RunOutcome | null
  /** A run of the search that stopped at a limit (the verdict is then `budget`), replayed. */
  readonly limit?: RunOutcome | null
  /** The search itself failed (an internal error): the verdict is `error`, never pass or fail. */
  readonly error?: { readonly message: string; readonly outcome: RunOutcome | null } | null
}

export interface BlockRunOptions {
  /** Command-line --kernel: replaces the block's and the lab's profiles. */
  readonly kernel?: ProfileName
  readonly schedule?: readonly number[]
  readonly policy?: SchedulePolicy
  readonly trace?: boolean
  readonly maxSteps?: number
  /** Lab C limits (statements, recursion, memory, output); defaults: LIMITS. */
  readonly limits?: RunSpec['limits']
  readonly explorer?: Explorer
}

/**
 * What a block's run(s) amount to: `pass` (the expectation holds), `fail` (it does not),
 * `budget` (some run behind the verdict stopped at a limit: statements, micro-steps, recursion,
 * memory, output; it proves nothing and satisfies no expectation), `error` (the sources do not
 * compile, or the engine or the explorer failed).
 */
export type Verdict = 'pass' | 'fail' | 'budget' | 'error'

export interface BlockResult {
  readonly block: LabBlock
  readonly profile: ProfileName
  /** True iff verdict is 'pass'. */
  readonly pass: boolean
  readonly verdict: Verdict
  /** Why it did not pass (empty when it passed). */
  readonly reasons: readonly string[]
  /** The run shown for it: the failing or witnessing interleaving when one was searched for. */
  readonly outcome: RunOutcome
  readonly explored: { readonly runs: number; readonly complete: boolean } | null
  /** Said about the run (an explore block checked on the default schedule only...). */
  readonly note?: string
}

/** The exercise a test, starter or solution block belongs to. */
function exerciseOf(lab: Lab, block: LabBlock): Exercise | undefined {
  return block.role === 'scenario' || block.role === 'lib' ? undefined : lab.exercises.find((e) => e.id === block.name)
}

/**
 * The lab C sources of a test or scenario, as every command, the app and the grader run it: the
 * libraries of the exercise's starter (uses=) and of the block, the answer (for tests), then the
 * block's own code.
 */
export function composeTest(lab: Lab, block: LabBlock, answer?: Source | null): Source[] {
  const out: Source[] = []
  const seen = new Set<string>()
  const addLib = (name: string): void => {
    const lib = lab.libs.get(name)
    if (!lib || seen.has(name)) return
    seen.add(name)
    out.push({ code: lib.code, file: lab.file, lineOffset: lib.fenceLine })
  }
  const starterUses = block.role === 'test' ? exerciseOf(lab, block)?.starter?.uses ?? [] : []
  for (const u of starterUses) addLib(u)
  for (const u of block.uses) addLib(u)
  if (answer) out.push(answer)
  if (block.code.trim()) out.push({ code: block.code, file: lab.file, lineOffset: block.fenceLine })
  return out
}

/** @deprecated the same as composeTest (kept for callers written before it). */
export const blockSources = composeTest

/**
 * The profiles a block runs under: --kernel replaces the lab's profiles, but a block marked
 * kernel=P runs only under P (none, when --kernel names another: see skippedUnder).
 */
export function profilesOf(lab: Lab, block: LabBlock, opts: BlockRunOptions): readonly ProfileName[] {
  if (!opts.kernel) return blockKernels(lab, block)
  if (block.kernels && !block.kernels.includes(opts.kernel)) return []
  return [opts.kernel]
}

/** Why a block does not run under --kernel (null when it does). */
export function skippedUnder(block: LabBlock, opts: BlockRunOptions): string | null {
  if (!opts.kernel || !block.kernels || block.kernels.includes(opts.kernel)) return null
  return `skipped: the block runs only under ${block.kernels.join(', ')} (kernel=${block.kernels.join(',')}), not under --kernel ${opts.kernel}`
}

function variantsOf(lab: Lab, block: LabBlock): Partial<Variants> {
  return { ...lab.meta.variants, ...(block.variants ?? {}) }
}

/** The verdict of one run judged against its block (reasons from judge()). */
export function verdict(o: RunOutcome, reasons: readonly string[]): Verdict {
  if (!o.ran || o.diagnostics.some((d) => d.severity === 'error') || o.internalError) return 'error'
  if (o.limit || o.status === 'budget') return 'budget'
  return reasons.length ? 'fail' : 'pass'
}

/** What a run must show for its block to pass; returns the reasons it does not. */
export function judge(block: LabBlock, o: RunOutcome): string[] {
  const reasons: string[] = []
  const errors = o.diagnostics.filter((d) => d.severity === 'error')
  if (errors.length || !o.ran) return errors.length ? errors.map(formatDiagnostic) : ['the sources did not run']
  // An internal error or a limit decides nothing: it satisfies no expectation, whatever else happened.
  if (o.internalError) return [formatDiagnostic(o.internalError)]
  if (o.limit) return [`the run stopped at a limit, so it shows nothing: ${formatDiagnostic(o.limit)}`]
  if (o.status === 'budget') return ['the run stopped at a limit, so it shows nothing']
  const viol = o.violations.filter((v) => v.severity === 'violation')
  const crashed = o.runtimeErrors.length > 0
  const expectFailed = o.expectFailures.length > 0
  if (o.status === 'schedule-mismatch') reasons.push(`the schedule does not fit this program: the thread it names cannot run at micro-step ${o.steps + 1}`)
  if (block.expect !== 'fail') {
    for (const d of [...o.runtimeErrors, ...o.expectFailures]) reasons.push(formatDiagnostic(d))
  } else if (!crashed && !expectFailed) reasons.push('expected an expect() to fail or a run-time error, but the run was clean')
  if (block.expect === 'blocked') {
    if (o.status !== 'blocked') reasons.push(`expected the run to end blocked, but it ended ${o.status}`)
  } else if (o.status === 'blocked') {
    reasons.push(`the run ended blocked: ${blockedThreads(o)}`)
  }
  if (block.expect === 'violation') {
    if (!viol.length) reasons.push('expected a sanitizer violation, but there was none')
  } else if (block.expect !== 'fail' && viol.length) {
    reasons.push(...viol.map((v) => describeFinding(o, v)))
  }
  if (block.rule && !o.violations.some((v) => v.rule === block.rule)) {
    reasons.push(`expected a finding of rule ${block.rule}, but the sanitizer reported ${o.violations.map((v) => v.rule).join(', ') || 'nothing'}`)
  }
  return reasons
}

function blockedThreads(o: RunOutcome): string {
  const m = o.machine
  if (!m) return ''
  const stuck = m.threads.filter((t) => !t.done && t.kind !== 'system').map((t) => `${t.task.comm}/${t.tid} at ${t.pending?.what ?? '?'}`)
  return stuck.join('; ') || 'no thread can run'
}

function result(block: LabBlock, profile: ProfileName, outcome: RunOutcome, reasons: readonly string[], explored: BlockResult['explored'], v?: Verdict, note?: string): BlockResult {
  const vd = v ?? verdict(outcome, reasons)
  return { block, profile, pass: vd === 'pass', verdict: vd, reasons: vd === 'pass' ? [] : reasons, outcome, explored, ...(note ? { note } : {}) }
}

/** Run one block under one profile and judge it (a test with @answer: the answer composed in). */
export function runBlock(lab: Lab, block: LabBlock, profile: ProfileName, opts: BlockRunOptions = {}, answer?: Source | null): BlockResult {
  const spec: RunSpec = {
    sources: composeTest(lab, block, answer), profile, variants: variantsOf(lab, block),
    schedule: opts.schedule ?? block.schedule ?? undefined, policy: opts.policy, trace: opts.trace ?? true, maxSteps: opts.maxSteps,
    limits: opts.limits,
  }
  if (block.explore && opts.explorer && !opts.schedule) {
    // Every interleaving must pass, or (violation/blocked/fail) some interleaving must show it.
    const searchCounterexample = block.expect === 'pass'
    const want = searchCounterexample ? (o: RunOutcome) => judge(block, o).length > 0 : (o: RunOutcome) => judge(block, o).length === 0
    let r: ExploreResult
    try {
      r = opts.explorer(spec, { bound: block.bound, want })
    } catch {
      r = { runs: 0, complete: false, witness: null, error: { message: 'internal error: the explorer failed on this block; this is a bug in fdlab, not in the lab', outcome: null } }
    }
    const explored = { runs: r.runs, complete: r.complete }
    if (r.error) {
      const base = r.error.outcome ?? runSources(spec)
      return result(block, profile, base, [r.error.message], explored, 'error')
    }
    if (r.limit) {
      return result(block, profile, r.limit, [`an interleaving stopped at a limit (schedule ${formatSchedule(r.limit.schedule)}), so the search shows nothing:`, ...judge(block, r.limit)], explored, 'budget')
    }
    const w = r.witness
    if (w && (w.limit || w.internalError || !w.ran)) return result(block, profile, w, judge(block, w), explored)
    if (searchCounterexample) {
      if (w) return result(block, profile, w, [`an interleaving fails (schedule ${formatSchedule(w.schedule)}):`, ...judge(block, w)], explored, 'fail')
      const base = runSources(spec)
      const baseReasons = judge(block, base)
      const v = verdict(base, baseReasons)
      if (v !== 'pass') return result(block, profile, base, baseReasons, explored, v)
      // The search hit its run limit before covering every interleaving: "none found" proves nothing.
      if (!r.complete) return result(block, profile, base, [`exploration stopped after ${r.runs} runs without covering every interleaving`], explored, 'budget')
      return result(block, profile, base, [], explored, 'pass')
    }
    if (w) return result(block, profile, w, [], explored, 'pass')
    const base = runSources(spec)
    const v = verdict(base, ['-'])
    return result(block, profile, base, [
      ...(v === 'fail' ? [] : judge(block, base)),
      `no interleaving shows the expected ${block.expect}${block.rule ? ` (${block.rule})` : ''} in ${r.runs} runs${r.complete ? '' : ' (search incomplete)'}`,
    ], explored, v)
  }
  const outcome = runSources(spec)
  const note = block.explore && !opts.schedule ? 'explore: no explorer available here, checked on the default schedule only' : undefined
  return result(block, profile, outcome, judge(block, outcome), null, undefined, note)
}

export interface TestResult extends BlockResult { readonly hidden: boolean }

export interface ExerciseResult {
  readonly exercise: Exercise
  readonly points: number
  readonly maxPoints: number
  readonly tests: readonly TestResult[]
  /** Problems with the answer itself (does not compile, misses a function, wrong value). */
  readonly problems: readonly string[]
  /** predict: the value the engine computed, per profile. */
  readonly expected: ReadonlyMap<ProfileName, string>
  /** The exercise's named misconceptions this answer shows (its wrong choice, or a failed test). */
  readonly misconceptions: readonly { readonly id: string; readonly explain: string }[]
}

/** Misconceptions triggered by a predict answer that was wrong, or by the tests that failed. */
function misconceptionsOf(ex: Exercise, answer: string, right: boolean, tests: readonly TestResult[]): { id: string; explain: string }[] {
  const failed = new Set(tests.filter((t) => !t.pass).map((t) => t.block.testName))
  const out: { id: string; explain: string }[] = []
  for (const m of ex.misconceptions ?? []) {
    const hit = m.when.choice !== undefined
      ? !right && normalizeAnswer(m.when.choice) === normalizeAnswer(answer)
      : m.when.test !== undefined && failed.has(m.when.test)
    if (hit && !out.some((o) => o.id === m.id)) out.push({ id: m.id, explain: m.explain })
  }
  return out
}

/**
 * Judge an answer to an exercise: code for implement/provoke (run against every test, hidden
 * ones too), a value for predict (compared with what the engine computes). Score: all or
 * nothing per test, weighted evenly, times the exercise's points.
 */
export function judgeExercise(
  lab: Lab, ex: Exercise, answer: string, opts: BlockRunOptions = {},
  at: { readonly file: string; readonly lineOffset: number } = { file: `${ex.id}.answer`, lineOffset: 0 },
): ExerciseResult {
  const problems: string[] = []
  const expected = new Map<ProfileName, string>()
  const tests: TestResult[] = []
  if (ex.kind === 'predict') {
    const block = ex.scenario ? lab.scenarios.find((s) => s.name === ex.scenario) : ex.tests[0]
    if (!block || !ex.observe) return { exercise: ex, points: 0, maxPoints: ex.points, tests, problems: ['the exercise has nothing that computes the answer'], expected, misconceptions: [] }
    let right = true
    const profiles = profilesOf(lab, block, opts)
    if (!profiles.length) return { exercise: ex, points: 0, maxPoints: ex.points, tests, problems: [skippedUnder(block, opts) ?? 'nothing computes the answer under this profile'], expected, misconceptions: [] }
    for (const profile of profiles) {
      const r = runBlock(lab, block, profile, { ...opts, explorer: undefined })
      tests.push({ ...r, hidden: block.hidden })
      // A run cut short (a limit, an error, a stored schedule that does not fit) has not computed
      // the answer: the value it observed last may be an early one.
      const cut = r.verdict === 'budget' || r.verdict === 'error' ? r.verdict : r.outcome.status === 'schedule-mismatch' ? r.outcome.status : null
      if (cut) {
        problems.push(`[${profile}] the scenario that computes the answer did not finish (${cut}): ${r.reasons[0] ?? ''}`)
        right = false
        continue
      }
      const vals = r.outcome.observations.get(ex.observe)
      const v = vals && vals.length ? String(vals[vals.length - 1]) : null
      if (v === null) { problems.push(`[${profile}] the scenario never called observe("${ex.observe}", ...)`); right = false; continue }
      expected.set(profile, v)
      if (normalizeAnswer(v) !== normalizeAnswer(answer)) right = false
    }
    if (!right && !problems.length) {
      const byValue = new Map<string, ProfileName[]>()
      for (const [p, v] of expected) byValue.set(v, [...(byValue.get(v) ?? []), p])
      const computed = [...byValue].map(([v, ps]) => `${v} under ${ps.join(' and ')}`).join(', ')
      problems.push(`the answer ${JSON.stringify(answer.trim())} is not what the kernel does: the engine computed ${computed}`)
    }
    return { exercise: ex, points: right ? ex.points : 0, maxPoints: ex.points, tests, problems, expected, misconceptions: misconceptionsOf(ex, answer, right, []) }
  }
  const source: Source = { code: answer, file: at.file, lineOffset: at.lineOffset }
  if (ex.kind === 'implement') {
    for (const name of ex.defines) {
      if (!new RegExp(`\\b${name}\\s*\\(`).test(answer)) problems.push(`the answer must define ${name}()`)
    }
  }
  for (const t of ex.tests) {
    for (const profile of profilesOf(lab, t, opts)) {
      const r = runBlock(lab, t, profile, opts, source)
      tests.push({ ...r, hidden: t.hidden })
    }
  }
  const passed = tests.filter((t) => t.pass).length
  const points = tests.length ? (ex.points * passed) / tests.length : 0
  return { exercise: ex, points: problems.length ? 0 : points, maxPoints: ex.points, tests, problems, expected, misconceptions: misconceptionsOf(ex, answer, false, tests) }
}

/**
 * Compile everything of a lab that runs (scenarios; each test with the solution, else the
 * starter; starters with their tests) under each of its profiles, without running it: every
 * lab C diagnostic of the file in one pass, duplicates (a lib compiled with several blocks)
 * once. Profiles a block does not run under (kernel=) are not compiled for it.
 */
export function compileLab(lab: Lab, opts: BlockRunOptions = {}): Diagnostic[] {
  const seen = new Set<string>()
  const out: Diagnostic[] = []
  const add = (sources: Source[], profile: ProfileName): void => {
    for (const d of frontEnd(sources, profile).diagnostics) {
      const key = formatDiagnostic(d)
      if (seen.has(key)) continue
      seen.add(key)
      out.push(d)
    }
  }
  const src = (b: LabBlock | null | undefined): Source | null => (b && b.lang !== 'text' ? { code: b.code, file: lab.file, lineOffset: b.fenceLine } : null)
  for (const s of lab.scenarios) for (const p of profilesOf(lab, s, opts)) add(composeTest(lab, s), p)
  for (const ex of lab.exercises) {
    if (ex.kind === 'predict') continue
    for (const t of ex.tests) {
      for (const p of profilesOf(lab, t, opts)) {
        const sol = src(ex.solution)
        if (sol) add(composeTest(lab, t, sol), p)
        const st = src(ex.starter)
        // A starter may be unfinished: its problems are warnings (students start from it).
        if (st) for (const d of frontEnd(composeTest(lab, t, st), p).diagnostics.filter((x) => x.file === lab.file && x.line > ex.starter!.fenceLine && x.line < ex.starter!.closeLine)) {
          const w: Diagnostic = { ...d, severity: 'warning', message: `starter: ${d.message}` }
          const key = formatDiagnostic(w)
          if (!seen.has(key)) { seen.add(key); out.push(w) }
        }
      }
    }
  }
  return sortDiagnostics(out)
}

export interface LabCheck {
  readonly diagnostics: readonly Diagnostic[]
  readonly scenarios: readonly BlockResult[]
  readonly exercises: readonly ExerciseResult[]
  /** Said about the lab's design (a starter that already passes every test of its exercise). */
  readonly warnings: readonly Diagnostic[]
  readonly ok: boolean
}

/**
 * A warning when an exercise's starter already passes all its tests: the exercise then proves
 * nothing (the tests cannot tell a finished answer from the starting point).
 */
export function starterWarnings(lab: Lab, opts: BlockRunOptions = {}): Diagnostic[] {
  const out: Diagnostic[] = []
  for (const ex of lab.exercises) {
    if (ex.kind === 'predict' || !ex.starter || ex.starter.lang === 'text' || !ex.tests.length) continue
    const r = judgeExercise(lab, ex, ex.starter.code, opts, { file: lab.file, lineOffset: ex.starter.fenceLine })
    if (r.tests.length && r.tests.every((t) => t.pass) && !r.problems.length) {
      out.push({
        file: lab.file, line: ex.starter.fenceLine, col: 1, severity: 'warning', code: 'starter-passes',
        message: `exercise ${ex.id}: the starter already passes all ${r.tests.length} test run${r.tests.length === 1 ? '' : 's'}, so the tests cannot tell an answer from the starting point; add a test the starter fails`,
      })
    }
  }
  return out
}

/** Everything `fdlab check` verifies for one parsed lab. */
export function checkLab(lab: Lab, diagnostics: readonly Diagnostic[], opts: BlockRunOptions = {}): LabCheck {
  const scenarios: BlockResult[] = []
  for (const s of lab.scenarios) for (const p of profilesOf(lab, s, opts)) scenarios.push(runBlock(lab, s, p, opts))
  const exercises: ExerciseResult[] = []
  for (const ex of lab.exercises) {
    if (!ex.solution) continue
    exercises.push(judgeExercise(lab, ex, ex.solution.code, opts, { file: lab.file, lineOffset: ex.solution.fenceLine }))
  }
  const warnings = starterWarnings(lab, opts)
  const ok = !diagnostics.some((d) => d.severity === 'error') && scenarios.every((r) => r.pass) &&
    exercises.every((e) => e.problems.length === 0 && e.tests.every((t) => t.pass))
  return { diagnostics, scenarios, exercises, warnings, ok }
}
