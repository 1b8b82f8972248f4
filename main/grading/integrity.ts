/**
 * Integrity of provoke answers: a scenario that shows a bug must show it where the lab says the
 * bug lives and must not show it where the bug is fixed. The fixed form of an answer is the same
 * scenario with the buggy form replaced by the correct one: every historic or teaching variant the
 * test switches on turned off, and each buggy kernel entry point the engine keeps (BUGGY_FORMS)
 * replaced by its correct counterpart. A scenario that shows the finding in its fixed form too
 * (its own driver misusing the kernel, a crash that has nothing to do with the bug) does not score.
 *
 * The check applies to a test only where the lab's own solution passes it (the solution shows the
 * bug and its fixed form does not): that is how the lab says where the bug lives.
 */
import {
  type Lab, type LabBlock, blockSources, exploreSpec, runSources, type RunOutcome, type RunSpec,
  type ProfileName, type Variants,
} from '../engine'

/** Buggy forms the engine keeps for teaching, and the correct form of the same operation. */
export const BUGGY_FORMS: readonly { readonly buggy: string; readonly fixed: string; readonly what: string }[] = [
  { buggy: 'BINDER_CLOSE_NAIVE', fixed: 'BINDER_FREE_FD', what: "Binder's deferred close (BINDER_FREE_FD) instead of close_fd inside the ioctl (BINDER_CLOSE_NAIVE)" },
]

export interface FixedForm {
  readonly answer: string
  readonly variants: Partial<Variants>
  /** What was changed, for the message. */
  readonly changes: readonly string[]
}

/** The fixed form of a provoke answer for one test. */
export function fixedForm(lab: Lab, block: LabBlock, answer: string): FixedForm {
  const variants: Partial<Variants> = { ...lab.meta.variants, ...(block.variants ?? {}) }
  const changes: string[] = []
  const off: Partial<Variants> = {}
  for (const [k, v] of Object.entries(variants)) {
    off[k as keyof Variants] = false
    if (v) changes.push(`the variant ${k} switched off`)
  }
  let fixed = answer
  for (const f of BUGGY_FORMS) {
    const re = new RegExp(`\\b${f.buggy}\\b`, 'g')
    if (re.test(fixed)) { fixed = fixed.replace(re, f.fixed); changes.push(f.what) }
  }
  return { answer: fixed, variants: off, changes }
}

/** What a provoke test looks for: its rule, or any violation, or (expect=fail) a failed expect or crash. */
export function showsBug(block: LabBlock, o: RunOutcome): boolean {
  if (!o.ran) return false
  if (block.rule) return o.violations.some((v) => v.rule === block.rule)
  if (block.expect === 'violation') return o.violations.some((v) => v.severity === 'violation')
  if (block.expect === 'fail') return o.expectFailures.length > 0 || o.runtimeErrors.some((d) => d.code === 'runtime')
  if (block.expect === 'blocked') return o.status === 'blocked'
  return false
}

export interface IntegrityResult {
  /** True when the fixed form shows the bug too (the answer does not isolate it). */
  readonly showsWhenFixed: boolean
  readonly form: FixedForm
  readonly schedule: readonly number[] | null
  readonly runs: number | null
  /**
   * The fixed form compiled and its run (or search) finished: no limit, no engine failure, every
   * interleaving covered, or a witness found. A fixed form that did not finish proves nothing.
   */
  readonly finished: boolean
}

/** Run the fixed form of an answer (explored when the test is). */
export function checkFixedForm(
  lab: Lab, block: LabBlock, profile: ProfileName, answer: string, answerFile: string,
  limits: { readonly maxSteps?: number; readonly maxRuns?: number; readonly maxStatements?: number },
): IntegrityResult {
  const form = fixedForm(lab, block, answer)
  const spec: RunSpec = {
    sources: blockSources(lab, block, { code: form.answer, file: answerFile, lineOffset: 0 }),
    profile, variants: form.variants, trace: false, maxSteps: limits.maxSteps,
    limits: limits.maxStatements ? { maxStatements: limits.maxStatements } : undefined,
  }
  if (block.explore) {
    const r = exploreSpec(spec, block.bound, (o) => showsBug(block, o), { maxRuns: limits.maxRuns })
    const finished = r.witness !== null || (r.runs > 0 && r.complete && !r.limit && !r.error)
    return { showsWhenFixed: r.witness !== null, form, schedule: r.witness?.schedule ?? null, runs: r.runs, finished }
  }
  const o = runSources({ ...spec, schedule: block.schedule ?? undefined })
  const finished = o.ran && !o.limit && !o.internalError && o.status !== 'budget'
  return { showsWhenFixed: showsBug(block, o), form, schedule: showsBug(block, o) ? o.schedule : null, runs: null, finished }
}

export function isProvokeTarget(block: LabBlock): boolean {
  return block.expect === 'violation' || block.expect === 'fail' || block.expect === 'blocked'
}
