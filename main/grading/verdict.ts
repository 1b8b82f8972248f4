/**
 * Test statuses of the grader, derived from the lab runner's results through ONE function,
 * `verdictOf` (the cross-helper contract: when the lab runner's own `BlockResult.verdict` lands,
 * this is the one place that changes).
 */
import type { BlockResult } from '../engine/lab/labRun'

export type Verdict = 'pass' | 'fail' | 'budget' | 'error'

/** What students and LMSs see for one test run. */
export type TestStatus = 'passed' | 'failed' | 'budget' | 'error' | 'not_gradable'

const LIMIT_CODES = new Set(['budget', 'recursion'])

/**
 * pass iff the block passed; `error` when the sources did not compile or the engine itself
 * failed; `budget` when a run behind the verdict stopped at a limit (statements, micro-steps,
 * recursion) or an exploration stopped before covering every interleaving without finding what
 * it looked for; `fail` otherwise. A budget stop is never a pass.
 */
export function verdictOf(r: BlockResult): Verdict {
  const o = r.outcome
  if (!o.ran || o.diagnostics.some((d) => d.severity === 'error')) return 'error'
  if (o.runtimeErrors.some((d) => d.code === 'engine')) return 'error'
  if (r.pass) {
    // A pass resting on a run that hit a limit is not a pass.
    if (o.status === 'budget' || o.runtimeErrors.some((d) => LIMIT_CODES.has(d.code))) return 'budget'
    return 'pass'
  }
  if (o.status === 'budget' || o.runtimeErrors.some((d) => LIMIT_CODES.has(d.code))) return 'budget'
  if (r.explored && !r.explored.complete) {
    // A counterexample found before the bound is a real failure; "none found" is not a proof.
    const found = r.reasons[0]?.startsWith('an interleaving fails') ?? false
    if (!found) return 'budget'
  }
  return 'fail'
}

export function statusOf(v: Verdict): TestStatus {
  return v === 'pass' ? 'passed' : v === 'fail' ? 'failed' : v
}
