/**
 * The shipped curriculum (labs/): every lab passes `fdlab check`; the explorer finds a violation
 * (or the failure) in every broken race form and none in each correct one; the exercises' starter
 * code fails the hidden tests the solution passes (so the tests can fail).
 */
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { checkCommand } from '../../main/cli/lab'
import { parseLab, type Lab } from '../../main/engine/lab/labFile'
import { judgeExercise, runBlock } from '../../main/engine/lab/labRun'
import { labExplorer } from '../../main/engine/lab/explore'
import { parseCourse } from '../../main/engine/lab/course'
import { replayCommand } from '../../main/cli/replay'

const LABS = new URL('../../labs/', import.meta.url).pathname
const load = (f: string): Lab => {
  const { lab, diagnostics } = parseLab(readFileSync(join(LABS, f), 'utf8'), f)
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([])
  return lab
}
function io() {
  const out: string[] = []
  const err: string[] = []
  return { io: { out: (s: string) => { out.push(s) }, err: (s: string) => { err.push(s) } }, out, err }
}

describe('the course index', () => {
  it('lists every lab in labs/, in order, and nothing else', () => {
    const { course, diagnostics } = parseCourse(readFileSync(join(LABS, 'course.yaml'), 'utf8'), 'course.yaml')
    expect(diagnostics).toEqual([])
    const files = readdirSync(LABS).filter((n) => n.endsWith('.lab.md')).sort()
    expect(course.labs.map((l) => l.file)).toEqual(files)
    const readme = readFileSync(join(LABS, 'README.md'), 'utf8')
    for (const f of files) expect(readme).toContain(`(${f})`)
  })
})

describe('fdlab check on every lab', () => {
  for (const f of readdirSync(LABS).filter((n) => n.endsWith('.lab.md')).sort()) {
    it(`${f} passes`, () => {
      const c = io()
      const status = checkCommand(['--quiet', join(LABS, f)], c.io)
      const text = c.out.join('\n')
      expect(c.err.join('\n') + text.split('\n').filter((l) => l.startsWith('FAIL')).join('\n')).toBe('')
      expect(text).toMatch(/passed: (\d+) of \1 runs passed in 1 lab$/)
      expect(status).toBe(0)
    }, 60_000)
  }
  it('the close-path lab runs under both profiles', () => {
    expect(load('03-close-path.lab.md').meta.kernels).toEqual(['6.5', '6.18'])
    expect(load('07-binder-deferred-close.lab.md').meta.kernels).toEqual(['6.5', '6.18'])
  })
})

describe('the race catalogue', () => {
  const lab = load('08-races.lab.md')
  const explorer = labExplorer()
  const pairs: [correct: string, broken: string, rule: string | null][] = [
    ['close-vs-read', 'close-vs-read-count-too-low', 'V2'],
    ['dup2-vs-fget', 'dup2-vs-raw-lookup', 'use-after-free'],
    ['ioctl-close-deferred', 'ioctl-close-naive', 'V2'],
    ['exec-keeps-locks', 'exec-loses-locks', null],
  ]
  for (const [correct, broken, rule] of pairs) {
    it(`${broken}: some interleaving breaks it; ${correct}: none does`, () => {
      const b = lab.scenarios.find((s) => s.name === broken)!
      const c = lab.scenarios.find((s) => s.name === correct)!
      expect(b.explore && c.explore).toBe(true)
      const rb = runBlock(lab, b, '6.18', { explorer })
      expect(rb.pass, rb.reasons.join('\n')).toBe(true)
      if (rule) expect(rb.outcome.violations.map((v) => v.rule)).toContain(rule)
      else expect(rb.outcome.expectFailures.length).toBeGreaterThan(0)
      // ...which the default schedule alone does not show for the real races
      const rc = runBlock(lab, c, '6.18', { explorer })
      expect([rc.pass, rc.explored?.complete, rc.reasons]).toEqual([true, true, []])
      expect(rc.explored!.runs).toBeGreaterThanOrEqual(1)
      expect(rc.outcome.violations.filter((v) => v.severity === 'violation')).toEqual([])
    }, 60_000)
  }
  it('the variants are named in the blocks and documented in the text', () => {
    const b = (n: string) => lab.scenarios.find((s) => s.name === n)!
    expect(b('close-vs-read-count-too-low').variants).toEqual({ files_count_too_low: true })
    expect(b('exec-loses-locks').variants).toEqual({ exec_unshare_before_de_thread: true })
    const text = readFileSync(join(LABS, '08-races.lab.md'), 'utf8')
    expect(text).toMatch(/`files_count_too_low`[^\n]*\*\*hypothetical\*\*/)
    expect(text).toMatch(/`exec_unshare_before_de_thread`[^\n]*5\.11/)
  })
  it('the correct races really interleave: more than one outcome is explored', () => {
    const r = runBlock(lab, lab.scenarios.find((s) => s.name === 'close-vs-read')!, '6.18', { explorer })
    expect(r.explored!.runs).toBeGreaterThan(10)
  })
  it('POSIX vs OFD: a note in one, nothing in the other, never a violation', () => {
    const p = runBlock(lab, lab.scenarios.find((s) => s.name === 'posix-lock-lost')!, '6.18')
    expect(p.pass).toBe(true)
    expect(p.outcome.violations.map((v) => [v.rule, v.severity])).toEqual([['posix-lock-lost', 'note']])
    const o = runBlock(lab, lab.scenarios.find((s) => s.name === 'ofd-lock-kept')!, '6.18')
    expect([o.pass, o.outcome.violations]).toEqual([true, []])
  })
})

describe('exercises: the starter fails, the solution passes', () => {
  const cases: [file: string, ex: string, failing: string[]][] = [
    ['03-close-path.lab.md', 'my-close', ['sync-teardown']],
    ['07-binder-deferred-close.lab.md', 'deferred-close', ['own-fd']],
    ['08-races.lab.md', 'fix-the-peek', ['dup2-race']],
  ]
  for (const [file, id, failing] of cases) {
    it(`${file} ${id}`, () => {
      const lab = load(file)
      const ex = lab.exercises.find((e) => e.id === id)!
      const opts = { explorer: labExplorer() }
      const good = judgeExercise(lab, ex, ex.solution!.code, opts)
      expect(good.problems).toEqual([])
      expect(good.points).toBe(ex.points)
      const bad = judgeExercise(lab, ex, ex.starter!.code, opts)
      expect(bad.points).toBeLessThan(ex.points)
      const failed = new Set(bad.tests.filter((t) => !t.pass).map((t) => t.block.testName))
      for (const f of failing) expect(failed).toContain(f)
      expect(bad.tests.filter((t) => !t.pass).every((t) => t.hidden)).toBe(true)
    }, 60_000)
  }
  it('a wrong prediction scores nothing, the right one full points', () => {
    const lab = load('03-close-path.lab.md')
    const ex = lab.exercises.find((e) => e.id === 'pending-618')!
    expect(judgeExercise(lab, ex, '1').points).toBe(ex.points)
    expect(judgeExercise(lab, ex, '0').points).toBe(0)
    const ex65 = lab.exercises.find((e) => e.id === 'pending-65')!
    expect(judgeExercise(lab, ex65, '0').points).toBe(ex65.points)
  })
  it('a provoke answer that does not provoke scores nothing', () => {
    const lab = load('07-binder-deferred-close.lab.md')
    const ex = lab.exercises.find((e) => e.id === 'provoke-v2')!
    expect(judgeExercise(lab, ex, ex.starter!.code, { explorer: labExplorer() }).points).toBe(0)
    expect(judgeExercise(lab, ex, ex.solution!.code, { explorer: labExplorer() }).points).toBe(ex.points)
  })
})

describe('every lab is a complete lesson (issue 11)', () => {
  const { course } = parseCourse(readFileSync(join(LABS, 'course.yaml'), 'utf8'), 'course.yaml')
  const labs = course.labs.map((l) => load(l.file))
  it('the whole course fits two workshop days (reading + doing ≤ 2 × 6 h)', () => {
    let total = 0
    for (const lab of labs) {
      expect(lab.meta.readingMinutes, `${lab.meta.id}: reading_time`).toBeGreaterThan(0)
      expect(lab.meta.doingMinutes, `${lab.meta.id}: doing_time`).toBeGreaterThan(0)
      total += lab.meta.readingMinutes! + lab.meta.doingMinutes!
    }
    expect(total).toBeLessThanOrEqual(2 * 6 * 60)
  })
  for (const lab of labs) {
    it(`${lab.meta.id}: objectives, kernel pointers, graded exercises, misconceptions, slides`, () => {
      expect(lab.source).toMatch(/^## Objectives$/m)
      expect(lab.source, 'names kernel source files').toMatch(/(fs|kernel|include|drivers)\/[a-z_/]+\.[ch]\b/)
      expect(lab.exercises.length).toBeGreaterThanOrEqual(3)
      const graded = lab.exercises.filter((e) => e.kind === 'implement' || e.kind === 'provoke')
      expect(graded.length, 'at least one implement or provoke exercise').toBeGreaterThanOrEqual(1)
      for (const e of graded) expect(e.tests.some((t) => t.hidden), `${e.id} has a hidden test`).toBe(true)
      for (const e of lab.exercises) {
        expect(e.solution, `${e.id} has a reference solution`).not.toBeNull()
        expect(e.misconceptions.length, `${e.id} names the misconceptions of wrong answers`).toBeGreaterThan(0)
        if (e.kind === 'predict') {
          const right = e.solution!.code.trim()
          for (const c of e.choices) {
            if (c === right) continue
            expect(e.misconceptions.some((m) => m.when.choice === c), `${e.id}: the wrong choice ${c} names its misconception`).toBe(true)
          }
        }
      }
      const driven = lab.slides.filter((s) => s.scenario)
      expect(driven.length, 'slides that drive a scenario').toBeGreaterThanOrEqual(2)
      expect(driven.some((s) => s.goto), 'a slide that runs to a label').toBe(true)
      for (const s of lab.slides) {
        const prose = s.markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1\s*$/gm, '')
        expect((prose.match(/^## /gm) ?? []).length, `one section per slide (slide at line ${s.line})`).toBeLessThanOrEqual(1)
      }
    })
  }
})

describe('the capstone log', () => {
  const log = join(LABS, 'data', 'pipeline.strace')
  it('is a real strace -f log of the pipeline, scrubbed of the recording machine', () => {
    const text = readFileSync(log, 'utf8')
    expect(text).toMatch(/execve\("\/usr\/bin\/sh", \["sh", "-c", "cat in.txt \| wc -l > out.txt"\]/)
    expect(text).not.toMatch(/\/tmp\/|\/work\/|\/root\//)
    expect(text).toContain('getcwd("/home/student/lab", 4096) = 18')
  })
  it('replays with zero mismatches, and the lab quotes its lines as they are', async () => {
    const out: string[] = []
    const status = await replayCommand(['--json', log], { out: (s) => { out.push(s) }, err: (s) => { out.push(s) } })
    expect(status).toBe(0)
    const rec = JSON.parse(out.join('\n')) as { mismatches: unknown[]; undecided: unknown[]; checked: number }
    expect(rec.mismatches).toEqual([])
    expect(rec.undecided).toEqual([])
    expect(rec.checked).toBeGreaterThan(50)
    const lines = readFileSync(log, 'utf8').split('\n')
    const lab = readFileSync(join(LABS, '09-capstone-pipeline.lab.md'), 'utf8')
    const quoted = [...lab.matchAll(/^ *(\d+) (\d+ .*)$/gm)]
    expect(quoted.length).toBeGreaterThan(40)
    for (const [, n, rest] of quoted) expect(lines[Number(n) - 1], `line ${n}`).toBe(rest)
  })
})
