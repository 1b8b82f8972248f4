/**
 * The engine's interleaving explorer applied to lab blocks (scenarios and tests marked
 * `explore`): it enumerates the schedules of a compiled program, and each distinct outcome's
 * shortest schedule is replayed by the lab runner, which judges it like any run (expectations,
 * run-time errors, violations). The first (shortest) run that is what the caller wants is the
 * witness: a counterexample for `expect=pass`, a demonstration for the other expectations.
 *
 * Verdicts are never made up: a run of the search that stops at a limit (statements,
 * micro-steps, recursion, memory, output) ends the search and is reported as `limit` (verdict
 * `budget`); a failure of the explorer or of the engine is reported as `error`.
 */
import { explore, type ExploreOptions, type ExploreResult as EngineExploreResult } from '../machine/explorer'
import { frontEnd } from './labc'
import type { Program } from './labc/checker'
import type { Interp } from './labc/rt/interp'
import type { Explorer, ExploreResult } from './labRun'
import { load, runInstance, MAX_MICRO_STEPS, type RunOutcome, type RunSpec } from './run'

/** Runs a block's search may take when the caller sets none (the search is then incomplete). */
export const DEFAULT_MAX_RUNS = 50_000

export interface LabExplorerOptions {
  readonly maxRuns?: number
  readonly onProgress?: ExploreOptions['onProgress']
  readonly shouldStop?: ExploreOptions['shouldStop']
}

export function labExplorer(opts: LabExplorerOptions = {}): Explorer {
  return (spec, { bound, want }) => exploreSpec(spec, bound, want, opts)
}

/** The engine search of a compiled program, stopped at the first run that hits a limit. */
export interface LabSearch {
  readonly result: EngineExploreResult | null
  /** A run stopped at a limit: the search stopped there (its message). */
  readonly limitHit: string | null
  /** The schedule of the run that hit the limit, when the search stopped inside it (else null). */
  readonly limitSchedule: readonly number[] | null
  /** The explorer itself failed (never shown as a verdict). */
  readonly failed: boolean
}

/**
 * Run the engine's explorer over @program: quiet runs (no trace) that keep going past a
 * kernel-side lab C error so that the search covers every schedule (the witness is replayed
 * normally, where such an error stops the run); a limit stops the search.
 */
export function searchProgram(program: Program, spec: RunSpec, bound: number | null, opts: LabExplorerOptions & { progressEvery?: number } = {}): LabSearch {
  const quiet: RunSpec = { ...spec, trace: false, limits: { ...spec.limits, containKernelErrors: true } }
  let last: Interp | null = null
  let lastMachine: { stepNo: number; schedule: readonly number[] } | null = null
  let limitHit: string | null = null
  let limitSchedule: number[] | null = null
  const maxSteps = spec.maxSteps ?? MAX_MICRO_STEPS
  const shouldStop = (): boolean => {
    // The search stops inside the run that hit the limit (the engine records no outcome for it):
    // keep its schedule, so that the run shown is the one that stopped.
    if (last?.limitHit) { limitHit ??= last.limitHit.message; limitSchedule ??= lastMachine ? [...lastMachine.schedule] : null; return true }
    if (lastMachine && lastMachine.stepNo >= maxSteps) {
      limitHit ??= `micro-step limit: a run took ${maxSteps} micro-steps without ending`
      limitSchedule ??= [...lastMachine.schedule]
      return true
    }
    return opts.shouldStop ? opts.shouldStop() : false
  }
  try {
    const result = explore(() => { const i = load(program, quiet); last = i.rt; lastMachine = i.machine; return i.machine }, {
      bound: bound ?? undefined, maxRuns: opts.maxRuns ?? DEFAULT_MAX_RUNS, maxSteps,
      onProgress: opts.onProgress, progressEvery: opts.progressEvery, shouldStop,
    })
    if (last !== null && (last as Interp).limitHit) limitHit ??= (last as Interp).limitHit!.message
    if (!limitHit && result.outcomes.some((o) => o.status === 'budget')) limitHit = 'micro-step limit'
    return { result, limitHit, limitSchedule, failed: false }
  } catch {
    // A crash of the search (not of one run: those are outcomes): an internal error.
    return { result: null, limitHit, limitSchedule, failed: true }
  }
}

export function exploreSpec(spec: RunSpec, bound: number | null, want: (o: RunOutcome) => boolean, opts: LabExplorerOptions = {}): ExploreResult {
  const fe = frontEnd(spec.sources, spec.profile)
  if (!fe.ok) return { runs: 0, complete: true, witness: null }
  const replay = (schedule: readonly number[]): RunOutcome => {
    const r: RunSpec = { ...spec, schedule, trace: spec.trace ?? true }
    return runInstance(load(fe.program, r), r)
  }
  // The default schedule first: a run that stops at a limit there needs no search to decide.
  const base = replay(spec.schedule ?? [])
  if (base.internalError) return { runs: 1, complete: false, witness: null, error: { message: base.internalError.message, outcome: base } }
  if (base.limit) return { runs: 1, complete: false, witness: null, limit: base }
  const s = searchProgram(fe.program, spec, bound, opts)
  if (s.failed || !s.result) {
    return { runs: 0, complete: false, witness: null, error: { message: 'internal error: the explorer failed on this block; this is a bug in fdlab, not in the lab', outcome: null } }
  }
  const r = s.result
  // Runs that stopped at a limit or crashed the engine come first: they decide the verdict.
  const bad = r.outcomes.filter((o) => o.status === 'budget' || o.status === 'error').sort((a, b) => a.schedule.length - b.schedule.length)
  for (const o of bad) {
    const run = replay(o.schedule)
    if (run.internalError) return { runs: r.runs, complete: r.complete, witness: null, error: { message: `internal error on schedule ${o.schedule.length} micro-steps long: ${run.internalError.message}`, outcome: run } }
    if (run.limit || run.status === 'budget') return { runs: r.runs, complete: r.complete, witness: null, limit: run }
  }
  if (s.limitHit || bad.length) {
    // The run the search stopped in, replayed; if the replay does not stop where the quiet run did
    // (it should), still a limit, never a verdict, placed at the block.
    const run = replay(s.limitSchedule ?? bad[0]?.schedule ?? [])
    if (run.internalError) return { runs: r.runs, complete: r.complete, witness: null, error: { message: run.internalError.message, outcome: run } }
    // No limit was hit: the search's runs failed inside the engine (and their replay did not).
    if (!s.limitHit && !run.limit && bad.every((o) => o.status === 'error')) {
      return { runs: r.runs, complete: r.complete, witness: null, error: { message: 'internal error: the engine failed on an interleaving of the search; this is a bug in fdlab, not in the lab', outcome: run } }
    }
    const at = spec.sources[spec.sources.length - 1]
    const where = { file: at?.file ?? '', line: Math.max(1, at?.lineOffset ?? 1), col: 1 }
    return { runs: r.runs, complete: r.complete, witness: null, limit: run.limit ? run : { ...run, status: 'budget', limit: { ...where, severity: 'error', code: 'budget', message: s.limitHit ?? 'a run of the search stopped at a limit' } } }
  }
  const schedules = [...r.outcomes.map((o) => o.schedule), ...r.violations.map((v) => v.schedule)]
    .sort((a, b) => a.length - b.length)
  const seen = new Set<string>()
  for (const schedule of schedules) {
    const key = schedule.join(',')
    if (seen.has(key)) continue
    seen.add(key)
    const o = replay(schedule)
    if (o.internalError) return { runs: r.runs, complete: r.complete, witness: null, error: { message: o.internalError.message, outcome: o } }
    if (o.limit) return { runs: r.runs, complete: r.complete, witness: null, limit: o }
    if (want(o)) return { runs: r.runs, complete: r.complete, witness: o }
  }
  return { runs: r.runs, complete: r.complete, witness: null }
}
