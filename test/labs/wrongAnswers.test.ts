/**
 * Wrong answers, kept as files: test/labs/wrong/LABID/EXERCISE.N.c (implement, provoke) or
 * EXERCISE.N.txt (predict). Each is a plausible mistake, and must fail for the reason its first
 * line names:
 *
 *   // fails: TEST[,TEST...]; misconception: ID      (.c: exactly these tests fail, ID is reported)
 *   # misconception: ID                               (.txt: the answer is on the next line)
 *
 * Every exercise of every lab has at least three, its starter (if it has one) scores less than
 * full points, and its solution scores full points.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { judgeExercise, normalizeAnswer } from '../../main/engine/lab/labRun'
import { labExplorer } from '../../main/engine/lab/explore'
import { courseFiles, loadLab, WRONG } from './helpers'

interface WrongFile { file: string; answer: string; fails: string[]; misconception: string | null }

function parseWrong(dir: string, name: string): WrongFile {
  const text = readFileSync(join(dir, name), 'utf8')
  const nl = text.indexOf('\n')
  const head = text.slice(0, nl)
  const answer = text.slice(nl + 1)
  const mc = /misconception:\s*([a-z0-9-]+)/.exec(head)
  const fails = /fails:\s*([A-Za-z0-9_.,\s-]+?)\s*(;|$)/.exec(head)
  return { file: name, answer, fails: fails ? fails[1]!.split(',').map((s) => s.trim()).filter(Boolean) : [], misconception: mc ? mc[1]! : null }
}

for (const labFile of courseFiles()) {
  const lab = loadLab(labFile)
  const dir = join(WRONG, lab.meta.id)
  const files = existsSync(dir) ? readdirSync(dir).sort() : []
  describe(`${labFile}: wrong answers`, () => {
    it('every wrong-answer file names an exercise of this lab', () => {
      for (const f of files) expect(lab.exercises.map((e) => e.id), f).toContain(f.replace(/\.\d+\.(c|txt)$/, ''))
    })
    for (const ex of lab.exercises) {
      const mine = files.filter((f) => f.replace(/\.\d+\.(c|txt)$/, '') === ex.id)
      it(`${ex.id}: at least three wrong answers, the solution passes, the starter fails`, () => {
        expect(mine.length, `${ex.id} needs three wrong answers in ${dir}`).toBeGreaterThanOrEqual(3)
        for (const f of mine) expect(f.endsWith(ex.kind === 'predict' ? '.txt' : '.c'), f).toBe(true)
        const answers = mine.map((f) => {
          const w = parseWrong(dir, f)
          return ex.kind === 'predict' ? normalizeAnswer(w.answer) : w.answer.replace(/\s+/g, ' ').trim()
        })
        expect(new Set(answers).size, `${ex.id}: the wrong answers are distinct`).toBe(answers.length)
        const opts = { explorer: labExplorer() }
        const good = judgeExercise(lab, ex, ex.solution!.code, opts)
        expect(good.problems).toEqual([])
        expect(good.points).toBe(ex.points)
        expect(good.misconceptions).toEqual([])
        if (ex.starter) expect(judgeExercise(lab, ex, ex.starter.code, opts).points).toBeLessThan(ex.points)
      }, 120_000)
      for (const f of mine) {
        it(`${ex.id}: ${f} fails for the reason it names`, () => {
          const w = parseWrong(dir, f)
          const r = judgeExercise(lab, ex, w.answer, { explorer: labExplorer() })
          expect(r.points, 'a wrong answer must not score full points').toBeLessThan(ex.points)
          if (ex.kind === 'predict') {
            expect(r.problems.join('\n')).toMatch(/is not what the kernel does/)
          } else {
            expect(w.fails.length, `${f}: the first line names the tests that must fail (// fails: A,B; misconception: ID)`).toBeGreaterThan(0)
            expect(r.problems, 'a plausible wrong answer compiles and defines what it must').toEqual([])
            // A wrong answer fails because its runs show the bug: never a budget stop or an error.
            for (const t of r.tests) if (!t.pass) expect(t.verdict, `${f}: ${t.block.testName} [${t.profile}] ${t.reasons.join('; ')}`).toBe('fail')
            const failed = [...new Set(r.tests.filter((t) => !t.pass).map((t) => t.block.testName))].sort()
            expect(failed, `${f}: failing tests ${JSON.stringify(r.tests.filter((t) => !t.pass).map((t) => [t.block.testName, t.profile, t.reasons]))}`).toEqual([...w.fails].sort())
          }
          if (w.misconception) expect(r.misconceptions.map((m) => m.id)).toContain(w.misconception)
          else expect.fail(`${f}: name the misconception this answer shows on its first line`)
        }, 120_000)
      }
    }
  })
}
