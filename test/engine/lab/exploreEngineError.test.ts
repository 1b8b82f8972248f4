/**
 * An interleaving on which the engine failed during the search (an `error` outcome) that does not
 * fail again when replayed is still an internal error: verdict `error`, never `budget` (no limit
 * was hit) and never pass.
 */
import { describe, expect, it, vi } from 'vitest'

vi.mock('../../../main/engine/machine/explorer', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../main/engine/machine/explorer')>()
  return {
    ...real,
    explore: (...args: Parameters<typeof real.explore>) => {
      const r = real.explore(...args)
      const first = r.outcomes[0]!
      return { ...r, outcomes: [...r.outcomes, { ...first, key: 'error: boom', status: 'error' as const }] }
    },
  }
})

const { parseLab } = await import('../../../main/engine/lab/labFile')
const { runBlock } = await import('../../../main/engine/lab/labRun')
const { labExplorer } = await import('../../../main/engine/lab/explore')

describe('an engine failure inside the search', () => {
  it('is an error, not a limit', () => {
    const text = '---\nid: v\ntitle: V\nversion: "1"\nkernel: 6.18\nauthors: [T]\nlicense: MIT\n---\n```c scenario=s explore\nprocess app { int fd = open("/tmp/a", O_RDWR | O_CREAT, 0600); close(fd); }\n```\n'
    const { lab } = parseLab(text, 'v.lab.md')
    const r = runBlock(lab, lab.scenarios[0]!, '6.18', { explorer: labExplorer({ maxRuns: 100 }) })
    expect(r.verdict).toBe('error')
    expect(r.reasons.join('\n')).toContain('internal error')
  })
})
