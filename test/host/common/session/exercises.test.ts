// The session's exercises: Run tests keeps each exercise's results for its card, and an exercise
// opened on a named test runs that test until the editor moves to another key.
import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseLab } from '../../../../main/engine/lab/labFile'
import { labView } from '../../../../main/host/common/labView'
import { Exercises } from '../../../../main/host/common/session/exercises'

const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '')
const { lab } = parseLab(readFileSync(join(import.meta.dirname, '../../../fixtures/mini.lab.md'), 'utf8'), 'mini.lab.md')
const ex = (id: string) => lab.exercises.find((e) => e.id === id)!

describe('Exercises', () => {
  it("judges an answer and keeps the results for the exercise's card", () => {
    const x = new Exercises()
    expect(x.decorate(labView(lab)).exercises.every((e) => e.results === null)).toBe(true)
    const right = x.answer(lab, ex('first-fd'), '3').map(strip)
    expect(right[0]).toMatch(/^exercise first-fd: 1 of 1 check\(s\) pass/)
    const wrong = x.answer(lab, ex('first-fd'), '4').map(strip)
    expect(wrong[0]).toMatch(/^exercise first-fd: 0 of 1 check\(s\) pass/)
    const card = x.decorate(labView(lab)).exercises.find((e) => e.id === 'first-fd')!
    expect(card.results).toMatchObject([{ name: 'your prediction', ok: false }])
    x.clear()
    expect(x.decorate(labView(lab)).exercises.find((e) => e.id === 'first-fd')!.results).toBeNull()
  })

  it('runs the test an exercise was opened on, for that exercise only, until dropped', () => {
    const x = new Exercises()
    expect(x.testFor('exercise:safe-close')).toBeUndefined()
    x.openOn('safe-close', 'closes-it')
    expect(x.testFor('exercise:safe-close')).toBe('closes-it')
    expect(x.testFor('open-close')).toBeUndefined()
    expect(x.testFor(null)).toBeUndefined()
    x.dropOverride()
    expect(x.testFor('exercise:safe-close')).toBeUndefined()
  })
})
