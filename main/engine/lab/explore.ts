/**
 * The engine's interleaving explorer applied to lab blocks (scenarios and tests marked
 * `explore`): it enumerates the schedules of a compiled program, and each distinct outcome's
 * shortest schedule is replayed by the lab runner, which judges it like any run (expectations,
 * run-time errors, violations). The first (shortest) run that is what the caller wants is the
 * witness: a counterexample for `expect=pass`, a demonstration for the other expectations.
 */
import { explore, type ExploreOptions } from '../machine/explorer'
import { frontEnd } from './labc'
import type { Explorer, ExploreResult } from './labRun'
import { load, runInstance, type RunOutcome, type RunSpec } from './run'

export interface LabExplorerOptions {
  readonly maxRuns?: number
  readonly onProgress?: ExploreOptions['onProgress']
  readonly shouldStop?: ExploreOptions['shouldStop']
}

export function labExplorer(opts: LabExplorerOptions = {}): Explorer {
  return (spec, { bound, want }) => exploreSpec(spec, bound, want, opts)
}

export function exploreSpec(spec: RunSpec, bound: number | null, want: (o: RunOutcome) => boolean, opts: LabExplorerOptions = {}): ExploreResult {
  const fe = frontEnd(spec.sources, spec.profile)
  if (!fe.ok) return { runs: 0, complete: true, witness: null }
  // Quiet runs keep going past a kernel-side lab C error, so that the search covers every schedule;
  // the witness is then replayed normally (where such an error stops the run and fails it).
  const quiet: RunSpec = { ...spec, trace: false, limits: { ...spec.limits, containKernelErrors: true } }
  let r: ReturnType<typeof explore>
  try {
    r = explore(() => load(fe.program, quiet).machine, {
      bound: bound ?? undefined, maxRuns: opts.maxRuns, maxSteps: spec.maxSteps, onProgress: opts.onProgress, shouldStop: opts.shouldStop,
    })
  } catch {
    // The model failed on some schedule: report an incomplete search rather than crash.
    return { runs: 0, complete: false, witness: null }
  }
  const schedules = [...r.outcomes.map((o) => o.schedule), ...r.violations.map((v) => v.schedule)]
    .sort((a, b) => a.length - b.length)
  const seen = new Set<string>()
  for (const schedule of schedules) {
    const key = schedule.join(',')
    if (seen.has(key)) continue
    seen.add(key)
    const replay: RunSpec = { ...spec, schedule, trace: spec.trace ?? true }
    const o = runInstance(load(fe.program, replay), replay)
    if (want(o)) return { runs: r.runs, complete: r.complete, witness: o }
  }
  return { runs: r.runs, complete: r.complete, witness: null }
}
