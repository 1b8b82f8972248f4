/**
 * Judging the shipped labs with every code solution replaced by a non-terminating one (each
 * function and process starts with `while (1);`) scores 0: every test, hidden and explored ones
 * included, ends `budget` (or `error`), never `pass`.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseLab } from '../../../main/engine/lab/labFile'
import { judgeExercise } from '../../../main/engine/lab/labRun'
import { labExplorer } from '../../../main/engine/lab/explore'

const LABS = ['03-close-path.lab.md', '07-binder-deferred-close.lab.md', '08-races.lab.md']

/** Every function, process and kthread of @code begins with an endless loop. */
export function nonTerminating(code: string): string {
  return code.split('\n').map((l) => (/^(process \w+|kthread \w+|[A-Za-z].*\))\s*\{\s*$/.test(l) ? `${l}\n  while (1);` : l)).join('\n')
}

describe('non-terminating solutions score 0 on the shipped labs', () => {
  const explorer = labExplorer({ maxRuns: 2000 })
  for (const file of LABS) {
    const { lab, diagnostics } = parseLab(readFileSync(new URL(`../../../labs/${file}`, import.meta.url), 'utf8'), file)
    it(`${file} parses`, () => expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]))
    for (const ex of lab.exercises.filter((e) => e.kind !== 'predict' && e.solution)) {
      it(`${file}: ${ex.id}`, () => {
        const answer = nonTerminating(ex.solution!.code)
        expect(answer).toContain('while (1);')
        const r = judgeExercise(lab, ex, answer, { explorer })
        expect(r.tests.length).toBeGreaterThan(0)
        expect(r.tests.filter((t) => t.pass)).toEqual([])
        for (const t of r.tests) expect(['budget', 'error']).toContain(t.verdict)
        expect(r.points).toBe(0)
      })
    }
  }
})
