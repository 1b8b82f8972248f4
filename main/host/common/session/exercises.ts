/**
 * The session's exercises: Run tests (the grader's judgement of an answer on the exercise's visible
 * tests, main/grading), the results and misconceptions each exercise card shows, and the test an
 * exercise was opened on (a failing interleaving from the results runs that test, not the first
 * public one).
 */
import { exerciseKeyText, type ExerciseView, type LabView, type TestFeedback } from '../../../../preload/contract'
import type { Lab } from '../../../engine'
import { practiceExercise, practiceLab, type GradingLab, type TestReport } from '../../../grading/grade'
import { C } from '../terminal'

type Exercise = Lab['exercises'][number]

export class Exercises {
  private readonly results = new Map<string, ExerciseView['results']>()
  private readonly misconceptions = new Map<string, { id: string; explain: string }[]>()
  /** The grader's view of the open lab for Run tests (visible tests only), made on first use. */
  private practice: GradingLab | null = null
  /** An exercise opened on a named test: the editor key text and the test. */
  private override: { key: string; test: string } | null = null

  /** Forget everything (another file was opened). */
  clear(): void {
    this.results.clear()
    this.misconceptions.clear()
    this.practice = null
    this.override = null
  }

  /** The named test the editor key @key runs, if the exercise was opened on one. */
  testFor(key: string | null): string | undefined {
    return this.override !== null && this.override.key === key ? this.override.test : undefined
  }

  /** Run exercise @id's answer on test @test from now on. */
  openOn(id: string, test: string): void {
    this.override = { key: exerciseKeyText(id), test }
  }

  /** Back to the first public test (the editor moved to another key). */
  dropOverride(): void {
    this.override = null
  }

  /** Judge @answer to @ex with the grader on the visible tests; the results are kept for the card. Returns the terminal lines. */
  answer(lab: Lab, ex: Exercise, answer: string): string[] {
    this.practice ??= practiceLab(lab)
    const rep = practiceExercise(this.practice, ex.id, answer)!
    const predict = ex.kind === 'predict'
    const results: TestFeedback[] = [
      ...(predict ? [] : rep.problems.filter((p) => !rep.tests.some((t) => t.student_message.includes(p))).map((p): TestFeedback => ({ name: 'your answer', ok: false, status: 'error', message: p }))),
      ...rep.tests.map((t) => feedbackOf(t, predict)),
    ]
    this.results.set(ex.id, results)
    const mis = rep.misconceptions.map((m) => ({ id: m.id, explain: m.explain }))
    this.misconceptions.set(ex.id, mis)
    const hidden = ex.tests.filter((t) => t.hidden).length
    return [
      C.bold(`exercise ${ex.id}: ${results.filter((x) => x.ok).length} of ${results.length} check(s) pass${hidden ? C.dim(` (+ ${hidden} hidden test(s) when graded)`) : ''}`),
      ...(results.length || predict ? [] : [C.dim('  no public tests: the hidden tests run when graded')]),
      ...results.map((x) => (x.ok ? C.green(`  ✓ ${x.name}`) : C.red(`  ✖ ${x.name} (${x.status ?? 'failed'}): ${x.message}`))),
      ...mis.map((m) => C.yellow(`  ? ${m.explain}`)),
    ]
  }

  /** The lab's view with each exercise's last results and misconceptions. */
  decorate(v: LabView): LabView {
    return { ...v, exercises: v.exercises.map((e) => ({ ...e, results: this.results.get(e.id) ?? null, misconceptions: this.misconceptions.get(e.id) ?? [] })) }
  }
}

/** One test of the grader's report as the exercise card shows it. */
export function feedbackOf(t: TestReport, predict: boolean): TestFeedback {
  return {
    name: predict ? 'your prediction' : t.name, ok: t.status === 'passed', status: t.status, message: t.status === 'passed' && predict ? '' : t.student_message,
    test: t.test, profile: t.profile, expected: t.expected, actual: t.actual, where: t.where ? { line: t.where.line, col: t.where.col } : null,
    misconceptions: t.misconceptions, explored: t.explored, schedule: predict || t.status !== 'failed' ? null : t.schedule,
  }
}
