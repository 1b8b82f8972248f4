// Presenter slides: the lab's own (contract item 4: lab.slides, read optionally), else one per
// `##` section of the instructions, with the scenario and label a slide opens.
import { describe, expect, it } from 'vitest'
import { slidesFrom } from '../../renderer/src/components/slides'

describe('presenter slides', () => {
  it('uses the lab slides when the engine gives them', () => {
    const given = [{ title: 'The borrow', markdown: 'fdget borrows', scenario: 'borrowed', goto: 'after_fdget', line: 12 }]
    expect(slidesFrom(given, '## ignored\ntext')).toEqual(given)
  })
  it('falls back to one slide per ## section, code fences included', () => {
    const s = slidesFrom(undefined, 'intro\n\n## One\nfirst\n\n## Two\nsecond\n```c\nclose(fd);\n```\n')
    expect(s.map((x) => x.title)).toEqual(['One', 'Two'])
    expect(s[1]!.markdown).toContain('close(fd);')
    expect(s[0]!.line).toBe(3)
  })
})
