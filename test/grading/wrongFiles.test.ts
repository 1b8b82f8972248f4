/**
 * The curriculum's wrong answers (test/labs/wrong/LABID/EXERCISE.N.c|txt: at least three plausible
 * mistakes per exercise, each naming on its first line the tests it fails and the misconception it
 * shows), each graded as a class would hand it in: the right answers to every other exercise, this
 * wrong one to its exercise, released, exported by the app and graded. Each must lose exactly the
 * points of the tests it names (every other test and exercise keeps its points), fail them as a
 * failure (never a budget stop or an error), and the feedback must carry the misconception it names.
 */
import { describe, expect, it } from 'vitest'
import { buildReport, feedbackMarkdown, gradescopeResults, labHeader, revealed } from '../../main/grading/report'
import { curriculumWrongs, gradingLab, LAB_IDS, releaseAnswerExportGrade, solutions } from './helpers'

for (const which of LAB_IDS) {
  describe(`${which}: the curriculum's wrong answers, graded`, () => {
    const wrongs = curriculumWrongs(which)

    it('every exercise has at least three, and each names an exercise of the lab', () => {
      const g = gradingLab(which)
      for (const ex of g.lab.exercises) expect(wrongs.filter((w) => w.exercise === ex.id).length, ex.id).toBeGreaterThanOrEqual(3)
      for (const w of wrongs) expect(g.lab.exercises.map((x) => x.id), w.file).toContain(w.exercise)
    })

    for (const w of wrongs) {
      it(`${w.file} loses exactly the points of the tests it names, with its misconception`, async () => {
        const g = gradingLab(which)
        const exDef = g.lab.exercises.find((x) => x.id === w.exercise)!
        const { e } = await releaseAnswerExportGrade(which, { ...solutions(g.lab), [w.exercise]: w.answer }, 'Wrong Answer')
        expect(e.status).toBe('graded')
        expect(e.warnings).toEqual([])
        const ex = e.exercises.find((x) => x.id === w.exercise)!
        // The tests it fails, by name (every profile a test runs under counts as that test; a predict has one, its answer).
        const named = exDef.kind === 'predict' ? ['answer'] : [...w.fails].sort()
        expect(named.length, `${w.file}: the first line names the tests that fail`).toBeGreaterThan(0)
        const failing = ex.tests.filter((t) => t.status !== 'passed')
        // The grader's provoke-integrity check (the finding must vanish where the bug is fixed) may
        // fail a test the lab runner alone passes: such a test fails with that check's message.
        const integrity = failing.filter((t) => t.message.startsWith('your scenario shows the finding even where the bug is fixed')).map((t) => t.test)
        expect([...new Set(failing.map((t) => (exDef.kind === 'predict' ? t.name : t.test)).filter((n) => !integrity.includes(n) || named.includes(n)))].sort(), `${w.file}: ${JSON.stringify(failing.map((t) => [t.name, t.status, t.message]))}`).toEqual(named)
        // A wrong answer fails because its runs show the mistake: never a budget stop or an error.
        for (const t of failing) expect(t.status, `${w.file}: ${t.name}: ${t.message}`).toBe('failed')
        expect(ex.problems.filter((p) => /does not compile|must define/.test(p)), w.file).toEqual([])
        // Exactly those points are lost: the other tests of the exercise and every other exercise keep theirs.
        const lost = failing.reduce((n, t) => n + t.max_score, 0)
        expect(lost).toBeGreaterThan(0)
        expect(ex.score, w.file).toBeCloseTo(ex.max_score - lost, 4)
        expect(e.score, w.file).toBeCloseTo(g.maxScore - lost, 4)
        for (const x of e.exercises) if (x.id !== w.exercise) expect(x.status, `${w.file}: ${x.id}`).toBe('passed')
        for (const t of ex.tests) if (t.status === 'passed') expect(t.score, `${w.file}: ${t.name}`).toBeCloseTo(t.max_score, 6)
        for (const t of failing) {
          expect(t.score).toBe(0)
          expect(t.student_message.length, `${w.file}: ${t.name}`).toBeGreaterThan(10)
          expect(t.expected, `${w.file}: ${t.name}`).toBeTruthy()
        }
        if (exDef.kind === 'predict') {
          expect(failing[0]!.student_message).toContain('the kernel gives')
          expect(failing[0]!.actual).toBe(w.answer.trim())
        }
        // The misconception it names: on the exercise, on a failed test, and in the feedback (the
        // student's, once every test's result is released; a predict's at once) and in Gradescope's output.
        expect(w.misconception, `${w.file}: the first line names its misconception`).not.toBeNull()
        const want = (exDef.misconceptions ?? []).find((m) => m.id === w.misconception)
        expect(want, `${w.file}: ${w.misconception} is one the lab names for ${w.exercise}`).toBeDefined()
        expect(ex.misconceptions.map((m) => m.id), w.file).toContain(w.misconception)
        expect(failing.some((t) => t.misconceptions.some((m) => m.id === w.misconception)), w.file).toBe(true)
        const r = buildReport(labHeader(g), g.budget, [e])
        const line = `- what this usually means (${w.misconception}): `
        // The explanation as the lab author wrote it (Markdown: code spans and emphasis kept), every line of it.
        const [first, ...more] = want!.explain.trim().split('\n')
        const shown = feedbackMarkdown(r, e, revealed(exDef.kind === 'predict' ? 'visible' : 'after_due_date'))
        expect(shown, w.file).toContain(line + first)
        for (const l of more) if (l.trim()) expect(shown, w.file).toContain(`\n  ${l}`)
        expect(gradescopeResults(r, e), w.file).toContain(JSON.stringify(line).slice(1, -1))
      }, 120_000)
    }
  })
}
