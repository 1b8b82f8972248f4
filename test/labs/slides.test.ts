/** Slides (contract item 4) and misconceptions (item 5) as parseLab exposes them. */
import { describe, expect, it } from 'vitest'
import { parseLab } from '../../main/engine/lab/labFile'
import { judgeExercise } from '../../main/engine/lab/labRun'
import { minutes } from '../../main/engine/lab/labFile'

const FM = `---
id: t
title: The lab title
version: "1"
kernel: "6.18"
authors: [a]
license: MIT
reading_time: 1 h 5 min
doing_time: 40 min
---
`

describe('slides', () => {
  it('one slide per ## section when the lab has no slide comments', () => {
    const { lab, diagnostics } = parseLab(`${FM}# Title\n\nintro\n\n## One\n\ntext\n\n\`\`\`c\n## not a heading\n\`\`\`\n\n## Two\nmore\n`, 't.lab.md')
    expect(diagnostics).toEqual([])
    expect(lab.slides.map((s) => [s.title, s.line])).toEqual([['Title', 11], ['One', 15], ['Two', 23]])
    expect(lab.slides[1]!.markdown).toBe('## One\n\ntext\n\n```c\n## not a heading\n```')
    expect(lab.slides[0]!.scenario).toBeUndefined()
  })
  it('slide comments cut the lab, and may drive a scenario to a label', () => {
    const src = `${FM}# Title\n<!-- slide -->\n## A\n\`\`\`c scenario=s\nprocess app {\n  label here;\n}\n\`\`\`\n<!-- slide scenario=s goto=here -->\nno heading\n<!-- slide scenario=s -->\n## C\n`
    const { lab, diagnostics } = parseLab(src, 't.lab.md')
    expect(diagnostics).toEqual([])
    expect(lab.slides.map((s) => ({ title: s.title, line: s.line, scenario: s.scenario, goto: s.goto }))).toEqual([
      { title: 'Title', line: 11, scenario: undefined, goto: undefined },
      { title: 'A', line: 12, scenario: undefined, goto: undefined },
      { title: 'The lab title', line: 19, scenario: 's', goto: 'here' },
      { title: 'C', line: 21, scenario: 's', goto: undefined },
    ])
    expect(lab.slides[2]!.markdown).toBe('no heading')
  })
  it('a marker inside a fence does not count; bad markers are diagnosed with their position', () => {
    const src = `${FM}\`\`\`text\n<!-- slide -->\n\`\`\`\n<!-- slide scenario=nope -->\nx\n<!-- slide goto=l -->\ny\n<!-- slide scenario=s goto=missing wat=1 -->\n\`\`\`c scenario=s\nprocess app { }\n\`\`\`\n`
    const { lab, diagnostics } = parseLab(src, 't.lab.md')
    expect(diagnostics.map((d) => [d.line, d.col, d.severity, d.message])).toEqual([
      [14, 1, 'error', "slide: no scenario named 'nope' in this lab"],
      [16, 1, 'error', 'slide: goto= needs scenario= (the scenario to run to the label)'],
      [18, 36, 'warning', "unknown attribute 'wat' on a slide marker (known: scenario, goto)"],
      [18, 1, 'error', "slide: scenario 's' has no 'label missing;'"],
    ])
    expect(lab.slides.map((s) => s.line)).toEqual([11, 14, 16, 18])
  })
})

describe('front matter times', () => {
  it('reads reading_time and doing_time in minutes', () => {
    const { lab } = parseLab(`${FM}# x\n`, 't.lab.md')
    expect([lab.meta.readingMinutes, lab.meta.doingMinutes]).toEqual([65, 40])
    expect([minutes('25 min'), minutes('2 h'), minutes('90'), minutes('soon')]).toEqual([25, 120, 90, null])
    const bad = parseLab(FM.replace('40 min', 'a while') + '# x\n', 't.lab.md')
    expect(bad.diagnostics.map((d) => d.message)).toEqual(['doing_time is a duration such as "25 min" or "1 h 30 min"'])
  })
})

describe('misconceptions', () => {
  const src = `${FM}
\`\`\`c scenario=s
process app { int fd = open("/tmp/a", O_RDWR | O_CREAT, 0600); dup(fd); observe("refs", fd_refcount(getpid(), fd)); }
\`\`\`

\`\`\`yaml exercise=p
kind: predict
prompt: refs?
observe: refs
scenario: s
choices: ["1", "2", "3"]
misconceptions:
  - choice: "1"
    id: dup-copies-the-file
    explain: dup makes a second fd for the same struct file.
  - when: { choice: "3" }
    id: counts-fds-not-refs
    explain: three fds are open, but the count is per file.
\`\`\`

\`\`\`text solution=p
2
\`\`\`

\`\`\`yaml exercise=i
kind: implement
prompt: f
defines: [f]
misconceptions:
  - test: two
    id: off-by-one
    explain: f(1) is 2.
\`\`\`

\`\`\`c solution=i
int f(int x) { return x + 1; }
\`\`\`

\`\`\`c test=i name=one
process app { expect(f(0) == 1); }
\`\`\`

\`\`\`c test=i name=two
process app { expect(f(1) == 2); }
\`\`\`
`
  it('are parsed onto the exercise and reported for the answers that show them', () => {
    const { lab, diagnostics } = parseLab(src, 't.lab.md')
    expect(diagnostics).toEqual([])
    const p = lab.exercises.find((e) => e.id === 'p')!
    expect(p.misconceptions).toEqual([
      { when: { choice: '1' }, id: 'dup-copies-the-file', explain: 'dup makes a second fd for the same struct file.' },
      { when: { choice: '3' }, id: 'counts-fds-not-refs', explain: 'three fds are open, but the count is per file.' },
    ])
    expect(judgeExercise(lab, p, '1').misconceptions.map((m) => m.id)).toEqual(['dup-copies-the-file'])
    expect(judgeExercise(lab, p, ' 3 ').misconceptions.map((m) => m.id)).toEqual(['counts-fds-not-refs'])
    expect(judgeExercise(lab, p, '2').misconceptions).toEqual([])
    expect(judgeExercise(lab, p, '7').misconceptions).toEqual([])
    const i = lab.exercises.find((e) => e.id === 'i')!
    expect(judgeExercise(lab, i, 'int f(int x) { return 1; }').misconceptions).toEqual([{ id: 'off-by-one', explain: 'f(1) is 2.' }])
    expect(judgeExercise(lab, i, 'int f(int x) { return x + 1; }').misconceptions).toEqual([])
  })
  it('are checked: the right answer, an unknown test, a malformed entry', () => {
    const bad = src.replace('choice: "1"', 'choice: "2"').replace('test: two', 'test: three').replace('id: counts-fds-not-refs', 'id: Bad Id')
    const msgs = parseLab(bad, 't.lab.md').diagnostics.map((d) => d.message)
    expect(msgs).toEqual([
      'exercise p: each misconception has either choice: or test:, an id (lowercase letters, digits, dashes) and explain: text',
      'exercise p: misconception dup-copies-the-file: choice "2" is the right answer',
      'exercise i: misconception off-by-one: exercise i has no test named three',
    ])
  })
})
