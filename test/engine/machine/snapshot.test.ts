/**
 * Snapshots stay small however many slots hold one file: the holders list names at most
 * `fdHolders` table slots per file (default 256) and counts the rest, so a file dup'ed into
 * thousands of slots does not make every step's update hundreds of kilobytes.
 */
import { describe, expect, it } from 'vitest'
import { createMachine } from '../../../main/engine'
import { O } from '../../helpers/kernel'

describe('snapshot holders', () => {
  // The process then blocks reading an empty pipe, its table still full.
  const m = createMachine({ trace: false })
  m.spawnProcess({ comm: 'dups', program: function* (u) {
    const fd = yield* u.sys('open', '/tmp/a', O.RDWR | O.CREAT, 0o644)
    for (let i = 0; i < 299; i++) yield* u.sys('dup', fd)
    const p = new Int32Array(2)
    yield* u.sys('pipe', p)
    yield* u.sys('read', p[0]!, new Uint8Array(1), 1)
    return 0
  } })
  expect(m.run().status).toBe('blocked')

  it('lists the first 256 slots of a file held by 300 and counts the other 44', () => {
    const f = m.snapshot().files.find((x) => x.path === '/tmp/a')!
    expect(f.count).toBe(300)
    expect(f.holders.filter((h) => h.kind === 'fd')).toHaveLength(256)
    expect(f.omittedFdHolders).toBe(44)
    expect(f.holders.some((h) => h.kind === 'other'), 'omitted slots are named holders, not unexplained references').toBe(false)
  })

  it('lists every slot when asked for more, and says nothing is omitted', () => {
    const f = m.snapshot({ fdHolders: 1000 }).files.find((x) => x.path === '/tmp/a')!
    expect(f.holders.filter((h) => h.kind === 'fd')).toHaveLength(300)
    expect(f.omittedFdHolders).toBeUndefined()
    expect(JSON.stringify(m.snapshot()).length).toBeLessThan(JSON.stringify(m.snapshot({ fdHolders: 1000 })).length)
  })
})
