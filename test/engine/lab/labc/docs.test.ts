import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { runSources } from '../../../../main/engine/lab/run'
import { getApi } from '../../../../main/engine/lab/labc/api'
import { PROFILE_NAMES, type ProfileName } from '../../../../main/engine/sim/profile'
import { parseLab } from '../../../../main/engine/lab/labFile'
import { checkLab, judgeExercise } from '../../../../main/engine/lab/labRun'

const doc = readFileSync(new URL('../../../../docs/lab-c.md', import.meta.url), 'utf8')
const format = readFileSync(new URL('../../../../docs/lab-format.md', import.meta.url), 'utf8')

/** The ```c blocks of a Markdown text, with the line each starts on. */
function cBlocks(md: string): { code: string; line: number }[] {
  const out: { code: string; line: number }[] = []
  const lines = md.split('\n')
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '```c') continue
    let j = i + 1
    while (lines[j] !== '```') j++
    out.push({ code: lines.slice(i + 1, j).join('\n'), line: i + 1 })
    i = j
  }
  return out
}

describe('docs/lab-c.md', () => {
  const blocks = cBlocks(doc)

  it('has examples', () => {
    expect(blocks.length).toBeGreaterThan(12)
  })

  for (const b of blocks) {
    const only = /^\/\/ profile: (\S+)/.exec(b.code)?.[1] as ProfileName | undefined
    for (const profile of only ? [only] : PROFILE_NAMES) {
      it(`the example at line ${b.line} compiles and its expectations hold (${profile})`, () => {
        const o = runSources({ sources: [{ code: b.code, file: 'lab-c.md', lineOffset: b.line }], profile })
        expect(o.diagnostics).toEqual([])
        expect([...o.expectFailures, ...o.runtimeErrors]).toEqual([])
        expect(o.status).toBe('done')
        expect(o.violations.filter((v) => v.severity === 'violation')).toEqual([])
      })
    }
  }

  it('shows every kernel API function, system call and builtin in a c example', () => {
    const all = new Set(PROFILE_NAMES.flatMap((p) => getApi(p).all().map((f) => f.name)))
    const code = blocks.map((b) => b.code).join('\n')
    const missing = [...all].filter((n) => !new RegExp(`\\b${n}\\s*\\(`).test(code))
    expect(missing).toEqual([])
  })
})

describe('docs/lab-format.md', () => {
  it('its complete example lab parses and checks', () => {
    const m = /<!-- example:start -->\n````markdown\n([\s\S]*?)\n````\n<!-- example:end -->/.exec(format)
    expect(m).not.toBeNull()
    const { lab, diagnostics } = parseLab(m![1]!, 'example.lab.md')
    expect(diagnostics).toEqual([])
    const r = checkLab(lab, diagnostics)
    expect(r.scenarios.filter((s) => !s.pass).map((s) => [s.block.name, s.profile, s.reasons])).toEqual([])
    expect(r.exercises.flatMap((e) => e.tests.filter((t) => !t.pass).map((t) => [e.exercise.id, t.block.testName, t.reasons]))).toEqual([])
    expect(r.ok).toBe(true)
  })
})

describe('docs/first-lab.md', () => {
  const tutorial = readFileSync(new URL('../../../../docs/first-lab.md', import.meta.url), 'utf8')
  const m = /<!-- tutorial:start -->\n````markdown\n([\s\S]*?)\n````\n<!-- tutorial:end -->/.exec(tutorial)
  it('its lab parses and checks with no warning', () => {
    expect(m).not.toBeNull()
    const { lab, diagnostics } = parseLab(m![1]!, 'cloexec.lab.md')
    expect(diagnostics).toEqual([])
    const r = checkLab(lab, diagnostics)
    expect(r.warnings).toEqual([])
    expect(r.ok).toBe(true)
  })
  it('the lazy answer it shows scores 0, its starter fails a test', () => {
    const { lab } = parseLab(m![1]!, 'cloexec.lab.md')
    const ex = lab.exercises.find((e) => e.id === 'mark-it')!
    expect(judgeExercise(lab, ex, 'long mark_cloexec(unsigned int fd) { return 0; }').points).toBe(0)
    expect(judgeExercise(lab, ex, ex.starter!.code).tests.some((t) => !t.pass)).toBe(true)
  })
})
