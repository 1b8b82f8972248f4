/** What the Instructions pane gets from a lab file (main/host/common/labView.ts). */
import { describe, expect, it } from 'vitest'
import { parseLab } from '../../../main/engine/lab/labFile'
import { labView } from '../../../main/host/common/labView'

describe('labView', () => {
  it('a lab over the size limit shows none of its text: its error is all there is', () => {
    const text = `---\nid: big\ntitle: Big\nversion: "1"\nkernel: ["6.18"]\nauthors: [a]\nlicense: MIT\n---\n\n# Big\n\n${'x '.repeat(600_000)}\n`
    const { lab, diagnostics } = parseLab(text, 'big.lab.md')
    expect(diagnostics.map((d) => d.code)).toEqual(['limit'])
    expect(labView(lab).markdown).toBe('')
  })
})

describe('presenter slides', () => {
  it('keep the scenario and lib code, show an exercise as its prompt, and never project a solution or a test', async () => {
    const { readFileSync } = await import('node:fs')
    const text = readFileSync(new URL('../../fixtures/mini.lab.md', import.meta.url), 'utf8')
    const { lab } = parseLab(text, 'mini.lab.md')
    const slides = labView(lab).slides!
    expect(slides.length).toBeGreaterThan(0)
    const all = slides.map((s) => s.markdown).join('\n')
    expect(all).toContain('expect(fd == 3, "the lowest free fd is 3");') // the scenario
    expect(all).toContain('driver dev {') // the lib
    expect(all).toContain('> **Exercise first-fd** (predict): Which fd does the first open() return?')
    expect(all).toContain('so that closing the ioctl\'s own fd is safe.')
    expect(all).not.toMatch(/solution=|test=|exercise=|starter=|kind: predict|return close_fd\(fd\)|ioctl\(b, FREE_FD, b\)/)
    expect(all).not.toMatch(/^3$/m) // the predict exercise's solution
    expect(all).toContain('struct file *f = fget(fd);') // an ordinary code block stays
  })
})
