/**
 * Visibility on a lab of its own: visibility= on test fences (visible, hidden, after_due_date,
 * after_published), what feedback shows at each moment, what Gradescope is told, an unknown
 * value refused, and misconceptions shown with the failure they explain.
 */
import { describe, expect, it } from 'vitest'
import { parseLab } from '../../main/engine/lab/labFile'
import { release } from '../../main/engine/lab/release'
import { prepareLab, type GradingLab } from '../../main/grading/grade'
import { buildReport, feedbackMarkdown, gradescopeResults, labHeader, revealed } from '../../main/grading/report'
import { sha256Hex } from '../../main/grading/node/inputs'
import { grade, submissionText } from './helpers'

const LAB = `---
id: vis
title: Visibility
version: "2"
kernel: "6.18"
authors: [T]
license: MIT
---

\`\`\`yaml exercise=ret
kind: implement
points: 4
prompt: Write \`long answer(void)\` returning 42.
defines: [answer]
\`\`\`

\`\`\`c lib=dev
driver dev { long ioctl(struct file *filp, unsigned int cmd, unsigned long arg) { return answer(); } }
\`\`\`

\`\`\`c starter=ret uses=dev
long answer(void) { return 0; }
\`\`\`

\`\`\`c solution=ret
long answer(void) { return 42; }
\`\`\`

\`\`\`c test=ret name=shown
process app { int d = open("/dev/dev", O_RDWR); expect(ioctl(d, 0, 0) == 42, "shown: the answer is 42"); }
\`\`\`

\`\`\`c test=ret name=published visibility=after_published
process app { int d = open("/dev/dev", O_RDWR); expect(ioctl(d, 0, 0) > 41, "published-check"); }
\`\`\`

\`\`\`c test=ret name=late hidden
process app { int secret_probe = open("/dev/dev", O_RDWR); expect(ioctl(secret_probe, 0, 0) < 43, "late-check"); }
\`\`\`

\`\`\`c test=ret name=never hidden visibility=hidden
process app { int never_seen = open("/dev/dev", O_RDWR); expect(ioctl(never_seen, 0, 0) != 7, "never-check"); }
\`\`\`
`

function setup(text = LAB): GradingLab {
  const { glab, problems } = prepareLab(text, 'vis.lab.md', sha256Hex)
  if (!glab) throw new Error(problems.join('; '))
  return glab
}

describe('visibility on test fences', () => {
  it('parses, releases and defaults as documented', () => {
    const g = setup()
    expect([...g.visibility]).toEqual([['ret/shown', 'visible'], ['ret/published', 'after_published'], ['ret/late', 'after_due_date'], ['ret/never', 'hidden']])
    expect(parseLab(LAB, 'vis.lab.md').diagnostics).toEqual([])
  })

  it('feedback shows each test only from the moment its visibility allows; hidden never, hidden code never', () => {
    const g = setup()
    const student = parseLab(release(g.lab), 'vis.lab.md').lab
    const e = grade(g, submissionText(student, release(g.lab), 'S', { ret: 'long answer(void) { return 7; }' }))
    expect(e.exercises[0]!.tests.map((t) => [t.name, t.status])).toEqual([['shown', 'failed'], ['published', 'failed'], ['late', 'passed'], ['never', 'failed']])
    const r = buildReport(labHeader(g), g.budget, [e])
    const at = (lvl: 'visible' | 'after_published' | 'after_due_date') => feedbackMarkdown(r, e, revealed(lvl))
    expect(at('visible')).toContain('### shown')
    expect(at('visible')).not.toContain('### published')
    expect(at('visible')).toContain('3 more test runs are graded and not shown yet')
    expect(at('after_published')).toContain('### published')
    expect(at('after_published')).not.toContain('### late')
    expect(at('after_due_date')).toContain('### late')
    for (const lvl of ['visible', 'after_published', 'after_due_date'] as const) {
      const md = at(lvl)
      expect(md).not.toContain('### never')
      expect(md).not.toContain('never-check')
      expect(md).not.toContain('never_seen')
      expect(md).not.toContain('secret_probe')
      expect(md).not.toMatch(/Score: \d/)
    }
    expect(at('visible')).toContain('shown: the answer is 42')
    const gs = JSON.parse(gradescopeResults(r, e))
    expect(gs.tests.map((t: { visibility: string }) => t.visibility)).toEqual(['visible', 'after_published', 'after_due_date', 'hidden'])
    const never = gs.tests[3]
    expect(never.output).not.toContain('never-check')
    expect(never.output).toContain('an expect() of the test failed')
    // The instructor's report has everything.
    expect(e.exercises[0]!.tests[3]!.message).toContain('never-check')
  })

  it('an unknown visibility makes the lab unusable for grading', () => {
    const { glab, problems } = prepareLab(LAB.replace('visibility=after_published', 'visibility=soon'), 'vis.lab.md', sha256Hex)
    expect(glab).toBeNull()
    expect(problems.join()).toMatch(/vis\.lab\.md:\d+: visibility=soon: one of visible, hidden, after_due_date, after_published/)
  })

  it('a misconception the lab names is shown with the failure it explains', () => {
    const g = setup()
    const ex = g.lab.exercises[0] as unknown as { misconceptions: unknown }
    ex.misconceptions = [{ when: { test: 'shown' }, id: 'returns-zero', explain: 'The starter returns 0: the driver passes your return value straight to user space.\nRead **`ioctl`**\'s return <b>as is</b> (`<b>` and `f->f_flags` in code as written).\n' }]
    const student = parseLab(release(g.lab), 'vis.lab.md').lab
    const e = grade(g, submissionText(student, release(g.lab), 'S', { ret: 'long answer(void) { return 0; }' }))
    expect(e.exercises[0]!.misconceptions).toEqual([{ id: 'returns-zero', explain: expect.stringContaining('straight to user space') }])
    const md = feedbackMarkdown(buildReport(labHeader(g), g.budget, [e]), e)
    // The author's Markdown kept (code spans, emphasis), raw HTML shown as text, its second line inside the item.
    expect(md).toContain("- what this usually means (returns-zero): The starter returns 0: the driver passes your return value straight to user space.\n  Read **`ioctl`**'s return &lt;b>as is&lt;/b> (`<b>` and `f->f_flags` in code as written).\n")
  })
})
