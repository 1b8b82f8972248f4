/**
 * Test statuses of the grader: the lab runner's verdict of each test (labRun.ts decides it once
 * for check, run, explore, the app and the grader), mapped to the statuses students see.
 */
import type { BlockResult } from '../engine'

export type Verdict = 'pass' | 'fail' | 'budget' | 'error'

/** What students and LMSs see for one test run. */
export type TestStatus = 'passed' | 'failed' | 'budget' | 'error' | 'not_gradable'

/** A budget stop or an unfinished search is `budget`, never a pass (labRun.ts verdict()). */
export function verdictOf(r: BlockResult): Verdict {
  return r.verdict
}

export function statusOf(v: Verdict): TestStatus {
  return v === 'pass' ? 'passed' : v === 'fail' ? 'failed' : v
}
