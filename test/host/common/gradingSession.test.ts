// The app's side of grading, in the session the engine worker runs (both hosts): Run tests is the
// grader's judgement of the visible tests; a failing test opens as a run that follows its
// schedule; a class is graded against the open instructor's lab with the same outputs as
// `fdlab grade`. Real engine, real labs, no mocks.
import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { createSession } from '../../../main/host/common/session'
import { sha256Hex } from '../../../main/grading/node/inputs'
import type { Progress, SubmissionFile } from '../../../preload/contract'
import { LABS, gradingLab, solutions, studentEdition, submissionText, grade } from '../../grading/helpers'
import { WRONG } from '../../grading/wrong'

const closeText = readFileSync(LABS['close-path'], 'utf8')
const closeName = basename(LABS['close-path'].pathname)
const WRONG_CLOSE = WRONG['close-path']['my-close']![3]!.answer

function fileOf(name: string, text: string | Uint8Array): SubmissionFile {
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text
  return { file: name, data: Buffer.from(bytes).toString('base64'), size: bytes.length, sha256: sha256Hex(bytes) }
}

describe('Run tests is the grader on the visible tests', () => {
  it('a wrong implement answer: failed tests with message, expected, actual and a schedule; no hidden test runs', () => {
    const s = createSession()
    s.sessionLoad({ name: closeName, text: closeText })
    const u = s.sessionAnswer({ exercise: 'my-close', answer: WRONG_CLOSE })
    const ex = u.lab!.exercises.find((e) => e.id === 'my-close')!
    const failed = ex.results!.filter((r) => !r.ok)
    expect(failed.length).toBeGreaterThan(0)
    const t = failed.find((r) => r.test === 'closes-the-fd')!
    expect(t.status).toBe('failed')
    expect(t.message).toContain('expect failed: !fd_is_open(getpid(), f)')
    expect(t.expected).toBeTruthy()
    expect(t.actual).toBeTruthy()
    expect(t.schedule).toMatch(/^v1:/)
    // Only visible tests: the grader's hidden ones are not in the card.
    const hidden = gradingLab('close-path').lab.exercises.find((e) => e.id === 'my-close')!.tests.filter((x) => x.hidden).map((x) => x.testName)
    for (const r of ex.results!) expect(hidden).not.toContain(r.test)
    // The grader says the same of this test.
    const g = gradingLab('close-path')
    const { text, lab } = studentEdition('close-path')
    const e = grade(g, submissionText(lab, text, 'Ada', { ...solutions(g.lab), 'my-close': WRONG_CLOSE }))
    const gt = e.exercises.find((x) => x.id === 'my-close')!.tests.find((x) => x.name === t.name)!
    expect(gt.status).toBe('failed')
    expect(gt.schedule).toBe(t.schedule)
  })

  it('the solution passes every visible test; an answer that does not compile is an error saying where, never a pass', () => {
    const s = createSession()
    s.sessionLoad({ name: closeName, text: closeText })
    const sol = solutions(gradingLab('close-path').lab)['my-close']!
    const ok = s.sessionAnswer({ exercise: 'my-close', answer: sol }).lab!.exercises.find((e) => e.id === 'my-close')!.results!
    expect(ok.length).toBeGreaterThan(0)
    expect(ok.every((r) => r.ok && r.status === 'passed')).toBe(true)
    const bad = s.sessionAnswer({ exercise: 'my-close', answer: 'long my_close(unsigned int fd) { return frobnicate( ; }' }).lab!.exercises.find((e) => e.id === 'my-close')!.results!
    expect(bad.some((r) => r.ok)).toBe(false)
    expect(bad.some((r) => r.status === 'error' && /line 1/.test(r.message))).toBe(true)
  })

  it('a failing schedule opens as a run of that test with the answer, from step 0, and steps', () => {
    const s = createSession()
    s.sessionLoad({ name: closeName, text: closeText })
    const t = s.sessionAnswer({ exercise: 'my-close', answer: WRONG_CLOSE }).lab!.exercises.find((e) => e.id === 'my-close')!.results!.find((r) => r.test === 'closes-the-fd' && !r.ok)!
    const u = s.sessionOpenTest({ exercise: 'my-close', test: t.test!, profile: t.profile ?? null, schedule: t.schedule!, answer: WRONG_CLOSE })
    expect(u.error).toBeNull()
    expect(u.scenario).toBe('exercise:my-close')
    expect(u.source).toBe(WRONG_CLOSE)
    expect(u.run!.cursor).toBe(0)
    expect(u.run!.total).toBeGreaterThan(10)
    const stepped = s.sessionStep('over', 1)
    expect(stepped.run!.cursor).toBeGreaterThan(0)
    const end = s.sessionGoto(u.run!.total)
    expect(end.run!.status).not.toBe('paused')
    expect(s.sessionOpenTest({ exercise: 'my-close', test: 'no-such-test', profile: null, schedule: 'v1:100', answer: 'x' }).error).toMatch(/no test/)
    expect(s.sessionOpenTest({ exercise: 'my-close', test: t.test!, profile: null, schedule: 'v9:1', answer: WRONG_CLOSE }).error).toMatch(/schedule/)
  })
})

describe('grading a class in the session', () => {
  it('right, wrong and broken submissions: the rows, the feedback and the outputs of fdlab grade', () => {
    const progress: Progress[] = []
    const s = createSession({ progress: (p) => progress.push(p) })
    s.sessionLoad({ name: closeName, text: closeText })
    const g = gradingLab('close-path')
    const { text, lab } = studentEdition('close-path')
    const right = submissionText(lab, text, 'Ada', solutions(g.lab))
    const wrong = submissionText(lab, text, 'Bob', { ...solutions(g.lab), 'my-close': WRONG_CLOSE })
    const v = s.sessionGrade({ files: [fileOf('class/ada.json', right), fileOf('class/bob.json', wrong), fileOf('class/broken.json', right.slice(0, 100))] })
    expect(v.error).toBeNull()
    const r = v.report!
    expect(r.submissions.map((x) => [x.student, x.status])).toEqual([['Ada', 'graded'], ['Bob', 'graded'], ['', 'rejected']])
    expect(r.submissions[0]!.score).toBe(g.maxScore)
    expect(r.submissions[1]!.score).toBeLessThan(g.maxScore)
    expect(r.submissions[2]!.reason).toMatch(/truncated JSON/)
    // The same judgement as the command line's for the same bytes.
    expect(r.submissions[1]!.exercises).toEqual(grade(g, wrong, 'class/bob.json').exercises)
    expect(v.outputs.map((o) => o.path)).toEqual(['report.json', 'grades.csv', 'canvas.csv', 'moodle.csv', 'results/ada.json', 'feedback/ada.md', 'results/bob.json', 'feedback/bob.md', 'results/broken.json', 'feedback/broken.md'])
    expect(v.outputs.find((o) => o.path === 'grades.csv')!.text.split('\r\n')[3]).toMatch(/^class\/broken\.json,,rejected,"truncated JSON at line 6, col 15: /)
    expect(v.outputs.find((o) => o.path === 'feedback/bob.md')!.text.replace(/\\/g, '')).toContain('expect failed: !fd_is_open(getpid(), f)')
    expect(v.answers.bob!['my-close']).toBe(WRONG_CLOSE)
    expect(progress.at(-1)).toEqual({ what: 'grade', done: 3, total: 3 })
    // A hidden test of the instructor's lab opens as a run too.
    const failing = r.submissions[1]!.exercises.find((x) => x.id === 'my-close')!.tests.find((t) => t.status === 'failed' && t.schedule)!
    const u = s.sessionOpenTest({ exercise: 'my-close', test: failing.test, profile: failing.profile, schedule: failing.schedule!, answer: v.answers.bob!['my-close']! })
    expect(u.error).toBeNull()
    expect(u.run!.total).toBeGreaterThan(0)
  })

  it('warns as fdlab grade does: one student on two graded files; a lab whose own solution fails', () => {
    const g = gradingLab('close-path')
    const { text, lab } = studentEdition('close-path')
    const right = submissionText(lab, text, 'Ada', solutions(g.lab))
    const again = submissionText(lab, text, 'Ada', { ...solutions(g.lab), 'my-close': WRONG_CLOSE })
    const s = createSession()
    s.sessionLoad({ name: closeName, text: closeText })
    const v = s.sessionGrade({ files: [fileOf('class/ada.json', right), fileOf('class/ada-late.json', again)] })
    expect(v.error).toBeNull()
    // In the report's order (by file name), as fdlab grade prints it.
    expect(v.warnings).toEqual(['class/ada.json:1:1: warning[student]: graded (Ada), the same student name as class/ada-late.json: canvas.csv and moodle.csv get a row for each; keep one'])
    // The lab at fault: its solution of my-close is a wrong answer. Every answer would lose those
    // points, so the instructor is told where the solution is.
    const solution = solutions(g.lab)['my-close']!
    expect(closeText).toContain(solution)
    const broken = closeText.replace(solution, WRONG_CLOSE)
    const fence = g.lab.exercises.find((e) => e.id === 'my-close')!.solution!.fenceLine + 1
    s.sessionLoad({ name: closeName, text: broken })
    const w = s.sessionGrade({ files: [fileOf('class/ada.json', right)] }).warnings
    expect(w.length).toBeGreaterThan(0)
    for (const line of w) expect(line).toMatch(new RegExp(`^${closeName.replace(/\./g, '\\.')}:${fence}:1: warning\\[budget\\]: exercise my-close test `))
  })

  it('a student edition cannot grade: it says so', () => {
    const s = createSession()
    s.sessionLoad({ name: closeName, text: studentEdition('close-path').text })
    const v = s.sessionGrade({ files: [] })
    expect(v.error).toMatch(/student edition/)
    expect(v.report).toBeNull()
  })
})
