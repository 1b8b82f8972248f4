import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseLab } from '../../../main/engine/lab/labFile'
import { release, releasedLineMap } from '../../../main/engine/lab/release'
import { parseCourse } from '../../../main/engine/lab/course'

const small = readFileSync(new URL('../../fixtures/small.lab.md', import.meta.url), 'utf8')
const errs = (text: string) => parseLab(text, 'x.lab.md').diagnostics.filter((d) => d.severity === 'error')
const fm = (body: string) => `---\nid: t\ntitle: T\nversion: "1"\nkernel: "6.18"\nauthors: [A]\nlicense: MIT\n---\n${body}`

describe('lab file format', () => {
  it('parses front matter, scenarios, libs and exercises', () => {
    const { lab, diagnostics } = parseLab(small, 'small.lab.md')
    expect(diagnostics).toEqual([])
    expect(lab.meta).toMatchObject({ id: 'small-close', version: '1.0', kernels: ['6.5', '6.18'], authors: ['Lab Author'], license: 'CC-BY-SA-4.0', edition: 'instructor' })
    expect(lab.scenarios.map((s) => s.name)).toEqual(['open-close'])
    expect(lab.scenarios[0]!.fenceLine).toBe(14)
    expect(lab.scenarios[0]!.code.split('\n')[0]).toBe('process app {')
    expect([...lab.libs.keys()]).toEqual(['dev'])
    expect(lab.exercises.map((e) => [e.id, e.kind, e.points, e.tests.length])).toEqual([['first-fd', 'predict', 1, 0], ['safe-close', 'implement', 5, 2]])
    const sc = lab.exercises[1]!
    expect(sc.tests.map((t) => [t.testName, t.hidden, t.uses])).toEqual([['visible', false, ['dev']], ['secret', true, ['dev']]])
    expect(sc.defines).toEqual(['my_close'])
    expect(lab.exercises[0]!.solution!.code.trim()).toBe('3')
  })

  it('keeps version text as written and rejects mainline in files', () => {
    const text = fm('').replace('version: "1"', 'version: 1.10').replace('kernel: "6.18"', 'kernel: mainline')
    const { lab, diagnostics } = parseLab(text, 'x.lab.md')
    expect(lab.meta.version).toBe('1.10')
    expect(diagnostics).toContainEqual(expect.objectContaining({ code: 'profile', line: 5, message: expect.stringContaining('concrete version') }))
  })

  it('reports unknown profiles, missing keys and YAML errors with positions', () => {
    expect(errs('---\nid: t\nkernel: "5.4"\n---\n')).toEqual(expect.arrayContaining([
      expect.objectContaining({ code: 'profile', line: 3, message: expect.stringContaining("unknown profile '5.4'") }),
      expect.objectContaining({ code: 'front-matter', message: expect.stringContaining("needs 'title'") }),
    ]))
    const y = errs('---\nid: [unclosed\n---\n')
    expect(y[0]).toMatchObject({ code: 'yaml', line: 2 })
    expect(errs('no front matter')[0]).toMatchObject({ code: 'front-matter', line: 1, col: 1 })
    expect(errs('---\nid: x\n')[0]).toMatchObject({ code: 'front-matter', message: expect.stringContaining('no closing') })
  })

  it('deeply nested YAML: a few errors in words, never the runtime\'s stack overflow message', () => {
    const ds = parseLab(fm('\n```yaml exercise=e\n' + '['.repeat(50_000) + '\n```\n'), 'x.lab.md').diagnostics.filter((d) => d.code === 'yaml')
    expect(ds.length).toBeGreaterThan(0)
    expect(ds.length).toBeLessThanOrEqual(6)
    expect(ds[0]).toMatchObject({ line: 11, message: 'exercise e: nesting too deep' })
    expect(ds.map((d) => d.message).join('\n')).not.toMatch(/call stack/i)
    expect(new Set(ds.map((d) => `${d.line}:${d.col}:${d.message}`)).size).toBe(ds.length)
  })

  it('a block rejected at its fence is not reported again as missing where it is named', () => {
    const text = fm('\n```c lib=l frob\nint f() { return 1; }\n```\n\n```c scenario=s uses=l schedule=v2:1\nprocess app {}\n```\n\n'
      + '```yaml exercise=e frob\nkind: predict\n```\n\n```text solution=e\n1\n```\n\n'
      + '```yaml exercise=g\nkind: predict\nprompt: p\nobserve: x\nscenario: t\n```\n\n```c scenario=t bound=x\nprocess app {}\n```\n\n```text solution=g frob\n1\n```\n')
    const ds = errs(text)
    expect(ds.map((d) => d.code)).toEqual(['fence', 'fence', 'fence', 'fence', 'fence'])
    expect(ds.map((d) => d.message).join('\n')).toContain("unknown attribute 'frob' on an exercise block")
  })

  it('reports several fence errors in one file, each with line and column', () => {
    const text = fm([
      '```c scenario=z frobnicate',
      'process p {}',
      '```',
      '```c scenario=a',
      'process p {}',
      '```',
      '```c scenario=a',
      'process p {}',
      '```',
      '```python scenario=b',
      '```',
      '```c test=nope name=t',
      '```',
      '```c scenario=x kernel=7.0 expect=maybe',
      '```',
      '```c senario=typo',
      '```',
      '```c scenario=u uses=nolib',
      'process p {}',
      '```',
    ].join('\n'))
    const ds = parseLab(text, 'x.lab.md').diagnostics
    expect(ds.map((d) => [d.line, d.col, d.code, d.severity])).toEqual([
      [9, 17, 'fence', 'error'],
      [18, 4, 'fence', 'error'],
      [22, 17, 'profile', 'error'],
      [22, 28, 'fence', 'error'],
      [24, 6, 'fence', 'warning'],
      [15, 1, 'duplicate', 'error'],
      [26, 1, 'block', 'error'],
      [20, 1, 'exercise', 'error'],
    ])
  })

  it('checks exercises: kind, solution, tests, predict fields', () => {
    const text = fm([
      '```yaml exercise=e1', 'kind: guess', 'prompt: x', '```',
      '```yaml exercise=e2', 'kind: implement', 'prompt: write it', '```',
      '```yaml exercise=e3', 'kind: predict', 'prompt: p', 'scenario: missing', '```',
      '```text solution=e3', '4', '```',
    ].join('\n'))
    const ds = errs(text)
    expect(ds).toEqual(expect.arrayContaining([
      expect.objectContaining({ line: 10, col: 7, message: expect.stringContaining('kind is predict, provoke or implement') }),
      expect.objectContaining({ message: expect.stringContaining('e2: needs a solution block') }),
      expect.objectContaining({ message: expect.stringContaining('e2: an implement exercise needs at least one test') }),
      expect.objectContaining({ message: expect.stringContaining('observe') }),
      expect.objectContaining({ line: 20, message: expect.stringContaining("scenario 'missing' is not defined") }),
    ]))
  })
})

describe('release', () => {
  it('removes solutions and hidden blocks and marks the student edition', () => {
    const { lab } = parseLab(small, 'small.lab.md')
    const out = release(lab)
    expect(out).not.toContain('solution=')
    expect(out).not.toContain('name=secret')
    expect(out).toContain('name=visible')
    expect(out).toContain('starter=safe-close')
    expect(out).toContain('edition: student')
    const again = parseLab(out, 'student.lab.md')
    expect(again.diagnostics).toEqual([])
    expect(again.lab.meta.edition).toBe('student')
    expect(again.lab.exercises.map((e) => [e.id, e.solution, e.tests.map((t) => t.testName)])).toEqual([['first-fd', null, []], ['safe-close', null, ['visible']]])
    // Idempotent, and the prose is kept byte for byte.
    expect(release(again.lab)).toBe(out)
    expect(out).toContain('An illustration that the engine ignores:\n\n```c\nstruct file *f = fget(fd);\n```')
  })

  it('a predict exercise whose scenario is hidden still parses in the student edition', () => {
    const text = small.replace('```c scenario=open-close', '```c scenario=open-close hidden')
    const { lab, diagnostics } = parseLab(text, 'h.lab.md')
    expect(diagnostics).toEqual([])
    const out = parseLab(release(lab), 'h.lab.md')
    expect(out.diagnostics).toEqual([])
    expect(out.lab.scenarios).toEqual([])
    expect(out.lab.exercises[0]!.scenario).toBe('open-close')
  })

  it('drops the misconceptions of hidden tests (they name and describe the test), keeps the visible ones', () => {
    // Lab 5's checked-mode: `matches` is visible, `mismatch`, `threaded` and `racing-close` hidden.
    const file = new URL('../../../labs/05-struct-fd.lab.md', import.meta.url)
    const { lab } = parseLab(readFileSync(file, 'utf8'), '05-struct-fd.lab.md')
    const before = lab.exercises.find((e) => e.id === 'checked-mode')!
    expect(before.misconceptions.map((m) => m.when.test)).toEqual(['mismatch', 'matches', 'threaded', 'racing-close'])
    const out = release(lab)
    const again = parseLab(out, '05-struct-fd.lab.md')
    expect(again.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
    const after = again.lab.exercises.find((e) => e.id === 'checked-mode')!
    expect(after.misconceptions.map((m) => m.when.test)).toEqual(['matches'])
    expect(out).not.toContain('error-path-skips-fdput')
    expect(out).not.toContain('use-after-fdput\n')
    // Predict exercises whose scenario is visible keep theirs: the student can run the scenario.
    const pf = again.lab.exercises.find((e) => e.id === 'pos-flags')!
    expect(pf.misconceptions.length).toBe(lab.exercises.find((e) => e.id === 'pos-flags')!.misconceptions.length)
    expect(release(again.lab)).toBe(out)
  })

  it('drops a whole misconceptions list whose tests are all hidden, and choice ones of a hidden scenario', () => {
    const text = small.replace('```c scenario=open-close', '```c scenario=open-close hidden')
    const withMc = text.replace(/(```yaml exercise=first-fd\n)/, '$1misconceptions:\n  - choice: "4"\n    id: wrong-four\n    explain: |\n      the right answer is given away here\n')
    const parsed = parseLab(withMc, 'h.lab.md')
    expect(parsed.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
    expect(parsed.lab.exercises[0]!.misconceptions.map((m) => m.id)).toEqual(['wrong-four'])
    const out = release(parsed.lab)
    expect(out).not.toContain('misconceptions:')
    expect(out).not.toContain('given away')
    expect(parseLab(out, 'h.lab.md').diagnostics).toEqual([])
  })

  it('releasedLineMap sends every kept line of every course lab to the same text in the release', () => {
    for (const f of ['01-what-an-fd-is', '05-struct-fd', '06-sharing-the-table', '07-binder-deferred-close', '09-capstone-pipeline']) {
      const text = readFileSync(new URL(`../../../labs/${f}.lab.md`, import.meta.url), 'utf8')
      const { lab } = parseLab(text, `${f}.lab.md`)
      const out = release(lab).split('\n')
      const map = releasedLineMap(lab)
      const lines = text.split('\n')
      let kept = 0
      lines.forEach((l, i) => {
        const to = map(i + 1)
        if (out[to - 1] === l && (i === 0 || map(i) !== to)) kept++
      })
      // Every line that is not dropped maps to itself in the student edition, in order.
      expect(kept, f).toBe(out.length - 1)
    }
  })

  it('a byte-order mark does not hide the front matter; release keeps it and marks the edition', () => {
    const { lab, diagnostics } = parseLab('\uFEFF' + small, 'small.lab.md')
    expect(diagnostics).toEqual([])
    expect(lab.meta.id).toBe('small-close')
    const out = release(lab)
    expect(out.startsWith('\uFEFF---\n')).toBe(true)
    expect(parseLab(out, 's.lab.md').lab.meta.edition).toBe('student')
    expect(out).toBe('\uFEFF' + release(parseLab(small, 'small.lab.md').lab))
  })

  it('keeps CRLF line endings', () => {
    const { lab } = parseLab(small.replace(/\n/g, '\r\n'), 'small.lab.md')
    const out = release(lab)
    expect(out.includes('\r\n')).toBe(true)
    expect(out.replace(/\r\n/g, '').includes('\n')).toBe(false)
  })
})

describe('course index', () => {
  it('lists labs in order with optional titles', () => {
    const { course, diagnostics } = parseCourse('title: FDs\nlabs:\n  - file: 01-a.lab.md\n  - file: 02-b.lab.md\n    title: Binder\n', 'course.yaml')
    expect(diagnostics).toEqual([])
    expect(course).toEqual({ title: 'FDs', labs: [{ file: '01-a.lab.md', title: null, line: 3, col: 5 }, { file: '02-b.lab.md', title: 'Binder', line: 4, col: 5 }] })
  })
  it('rejects paths outside the folder and duplicates', () => {
    const { diagnostics } = parseCourse('title: X\nlabs:\n  - ../x.lab.md\n  - a.lab.md\n  - a.lab.md\n  - file: notes.txt\n', 'course.yaml')
    expect(diagnostics.map((d) => [d.line, d.col, d.message])).toEqual([
      [3, 5, expect.stringContaining('labs[0]')], [5, 5, 'labs[2]: a.lab.md is listed twice'], [6, 5, expect.stringContaining('labs[3]')],
    ])
    expect(parseCourse('labs: 3\n', 'c.yaml').diagnostics.map((d) => [d.line, d.col])).toEqual([[1, 1], [1, 7]])
  })
})

describe('predict exercises with choices', () => {
  it('the solution must be one of the choices', () => {
    const text = `---\nid: t\ntitle: T\nversion: "1"\nkernel: "6.18"\nauthors: [A]\nlicense: MIT\n---\n` + [
      '```c scenario=s', 'process p { observe("k", 1); }', '```',
      '```yaml exercise=e', 'kind: predict', 'prompt: which?', 'observe: k', 'scenario: s', 'choices: [task work, delayed list]', '```',
      '```text solution=e', 'inline', '```',
    ].join('\n')
    const ds = parseLab(text, 'c.lab.md').diagnostics
    expect(ds.map((d) => [d.line, d.message])).toEqual([[20, 'exercise e: the solution "inline" is not one of the choices']])
    expect(parseLab(text.replace('\ninline\n', '\n Task  Work\n'), 'c.lab.md').diagnostics).toEqual([])
  })
})
