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
