/**
 * Running what a lab file contains: scenarios and exercise tests, each with its expectation
 * (expect=pass|violation|blocked|fail, rule=NAME), under each of its kernel profiles; and
 * judging exercise answers (implement and provoke answers are lab C; predict answers are values).
 */
import type { Diagnostic } from './diagnostics'
import type { ProfileName, Variants } from '../sim/profile'
import { blockKernels, normalizeAnswer, type Exercise, type Lab, type LabBlock } from './labFile'

export { normalizeAnswer }
import type { Source } from './labc'
import { runSources, type RunOutcome, type RunSpec } from './run'
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
}

export interface BlockRunOptions {
  /** Command-line --kernel: replaces the block's and the lab's profiles. */
  readonly kernel?: ProfileName
  readonly schedule?: readonly number[]
  readonly policy?: SchedulePolicy
  readonly trace?: boolean
  readonly maxSteps?: number
  /** Interpreter limits (statements, call depth) of each run; the grader's --budget. */
  readonly limits?: RunSpec['limits']
  readonly explorer?: Explorer
}

export interface BlockResult {
  readonly block: LabBlock
  readonly profile: ProfileName
  readonly pass: boolean
  /** Why it failed (empty when it passed). */
  readonly reasons: readonly string[]
  /** The run shown for it: the failing or witnessing interleaving when one was searched for. */
  readonly outcome: RunOutcome
  readonly explored: { readonly runs: number; readonly complete: boolean } | null
  /** Said about the run (an explore block checked on the default schedule only...). */
  readonly note?: string
}

/** The lab C sources of a block: its libs (uses=), the answer (for tests), then the block. */
export function blockSources(lab: Lab, block: LabBlock, answer?: Source | null): Source[] {
  const out: Source[] = []
  const seen = new Set<string>()
  const addLib = (name: string): void => {
    const lib = lab.libs.get(name)
    if (!lib || seen.has(name)) return
    seen.add(name)
    out.push({ code: lib.code, file: lab.file, lineOffset: lib.fenceLine })
  }
  for (const u of block.uses) addLib(u)
  if (answer) out.push(answer)
  if (block.code.trim()) out.push({ code: block.code, file: lab.file, lineOffset: block.fenceLine })
  return out
}

export function profilesOf(lab: Lab, block: LabBlock, opts: BlockRunOptions): readonly ProfileName[] {
  return opts.kernel ? [opts.kernel] : blockKernels(lab, block)
}

function variantsOf(lab: Lab, block: LabBlock): Partial<Variants> {
  return { ...lab.meta.variants, ...(block.variants ?? {}) }
}

/** What a run must show for its block to pass; returns the reasons it does not. */
export function judge(block: LabBlock, o: RunOutcome): string[] {
  const reasons: string[] = []
  const errors = o.diagnostics.filter((d) => d.severity === 'error')
  if (errors.length || !o.ran) return errors.map((d) => `${d.line}:${d.col}: ${d.message}`)
  const viol = o.violations.filter((v) => v.severity === 'violation')
  const crashed = o.runtimeErrors.length > 0
  const expectFailed = o.expectFailures.length > 0
  if (o.status === 'schedule-mismatch') reasons.push(`the schedule does not fit this program: the thread it names cannot run at micro-step ${o.steps + 1}`)
  if (o.status === 'budget') reasons.push(...o.runtimeErrors.map((d) => `${d.line}:${d.col}: ${d.message}`))
  if (block.expect !== 'fail') {
    for (const d of [...o.runtimeErrors.filter((d) => d.code !== 'budget'), ...o.expectFailures]) reasons.push(`${d.line}:${d.col}: ${d.message}`)
  } else if (!crashed && !expectFailed) reasons.push('expected an expect() to fail or a run-time error, but the run was clean')
  if (block.expect === 'blocked') {
    if (o.status !== 'blocked') reasons.push(`expected the run to end blocked, but it ended ${o.status}`)
  } else if (o.status === 'blocked') {
    reasons.push(`the run ended blocked: ${blockedThreads(o)}`)
  }
  if (block.expect === 'violation') {
    if (!viol.length) reasons.push('expected a sanitizer violation, but there was none')
  } else if (block.expect !== 'fail' && viol.length) {
    reasons.push(...viol.map((v) => `violation ${v.rule} at step ${v.step}: ${v.message}`))
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

/** Run one block under one profile and judge it. */
export function runBlock(lab: Lab, block: LabBlock, profile: ProfileName, opts: BlockRunOptions = {}, answer?: Source | null): BlockResult {
  const spec: RunSpec = {
    sources: blockSources(lab, block, answer), profile, variants: variantsOf(lab, block),
    schedule: opts.schedule ?? block.schedule ?? undefined, policy: opts.policy, trace: opts.trace ?? true, maxSteps: opts.maxSteps, limits: opts.limits,
  }
  if (block.explore && opts.explorer && !opts.schedule) {
    // Every interleaving must pass, or (violation/blocked/fail) some interleaving must show it.
    const searchCounterexample = block.expect === 'pass'
    const want = searchCounterexample ? (o: RunOutcome) => judge(block, o).length > 0 : (o: RunOutcome) => judge(block, o).length === 0
    const r = opts.explorer(spec, { bound: block.bound, want })
    const explored = { runs: r.runs, complete: r.complete }
    if (searchCounterexample) {
      if (r.witness) return { block, profile, pass: false, reasons: [`an interleaving fails (schedule ${formatSchedule(r.witness.schedule)}):`, ...judge(block, r.witness)], outcome: r.witness, explored }
      const base = runSources(spec)
      const reasons = r.complete ? judge(block, base) : [`exploration stopped after ${r.runs} runs without covering every interleaving`]
      return { block, profile, pass: reasons.length === 0, reasons, outcome: base, explored }
    }
    if (r.witness) return { block, profile, pass: true, reasons: [], outcome: r.witness, explored }
    const base = runSources(spec)
    return { block, profile, pass: false, reasons: [`no interleaving shows the expected ${block.expect}${block.rule ? ` (${block.rule})` : ''} in ${r.runs} runs${r.complete ? '' : ' (search incomplete)'}`], outcome: base, explored }
  }
  const outcome = runSources(spec)
  const reasons = judge(block, outcome)
  const note = block.explore && !opts.schedule ? 'explore: no explorer available here, checked on the default schedule only' : undefined
  return { block, profile, pass: reasons.length === 0, reasons, outcome, explored: null, note }
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
    if (!block || !ex.observe) return { exercise: ex, points: 0, maxPoints: ex.points, tests, problems: ['the exercise has nothing that computes the answer'], expected }
    let right = true
    for (const profile of profilesOf(lab, block, opts)) {
      const r = runBlock(lab, block, profile, { ...opts, explorer: undefined })
      tests.push({ ...r, hidden: block.hidden })
      const vals = r.outcome.observations.get(ex.observe)
      const v = vals && vals.length ? String(vals[vals.length - 1]) : null
      if (v === null) { problems.push(`[${profile}] the scenario never called observe("${ex.observe}", ...)`); right = false; continue }
      expected.set(profile, v)
      if (normalizeAnswer(v) !== normalizeAnswer(answer)) right = false
    }
    if (!right && !problems.length) problems.push(`the answer ${JSON.stringify(answer.trim())} is not what the kernel does`)
    return { exercise: ex, points: right ? ex.points : 0, maxPoints: ex.points, tests, problems, expected }
  }
  const source: Source = { code: answer, file: at.file, lineOffset: at.lineOffset }
  if (ex.kind === 'implement') {
    for (const name of ex.defines) {
      if (!new RegExp(`\\b${name}\\s*\\(`).test(answer)) problems.push(`the answer must define ${name}()`)
    }
  }
  const starterUses = ex.starter?.uses ?? []
  for (const t of ex.tests) {
    const withUses: LabBlock = starterUses.length ? { ...t, uses: [...new Set([...starterUses, ...t.uses])] } : t
    for (const profile of profilesOf(lab, t, opts)) {
      const r = runBlock(lab, withUses, profile, opts, source)
      tests.push({ ...r, block: t, hidden: t.hidden })
    }
  }
  const passed = tests.filter((t) => t.pass).length
  const points = tests.length ? (ex.points * passed) / tests.length : 0
  return { exercise: ex, points: problems.length ? 0 : points, maxPoints: ex.points, tests, problems, expected }
}

export interface LabCheck {
  readonly diagnostics: readonly Diagnostic[]
  readonly scenarios: readonly BlockResult[]
  readonly exercises: readonly ExerciseResult[]
  readonly ok: boolean
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
  const ok = !diagnostics.some((d) => d.severity === 'error') && scenarios.every((r) => r.pass) &&
    exercises.every((e) => e.problems.length === 0 && e.tests.every((t) => t.pass))
  return { diagnostics, scenarios, exercises, ok }
}
