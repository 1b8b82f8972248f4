/**
 * V14 (spec §10.3): files_struct.count equals the number of tasks whose files points to it.
 * Too low is caught where the count is changed or trusted; a count that outlives its tasks
 * (something other than a task holding a count, like the old /proc get_files_struct) at the
 * end of the run.
 */
import { describe, expect, it } from 'vitest'
import { createMachine } from '../../../main/engine'
import { O } from '../../helpers/kernel'

describe('V14: files_struct.count is exact', () => {
  it('a clean run reports nothing', () => {
    const m = createMachine({ profile: '6.18' })
    m.spawnProcess({ comm: 'app', program: function* (u) { yield* u.sys('open', '/tmp/a', O.RDWR | O.CREAT, 0o600) } })
    m.run()
    expect(m.violations.filter((v) => v.rule === 'V14')).toEqual([])
  })

  it('a count held by something that is not a task is reported at the end of the run', () => {
    const m = createMachine({ profile: '6.18' })
    const t = m.spawnProcess({ comm: 'app', program: function* (u) { yield* u.sys('getpid'); yield* u.sys('getpid') } })
    // A reference to the table taken the way /proc used to (get_files_struct), never put.
    t.files!.count++
    m.run()
    const v = m.violations.filter((x) => x.rule === 'V14')
    expect(v.map((x) => x.message)).toEqual([expect.stringMatching(/->count is 1 at the end of the run but 0 task\(s\) use the table/)])
  })

  it('a count lower than its tasks is reported when the light fdget trusts it', () => {
    const m = createMachine({ profile: '6.5' })
    const t = m.spawnProcess({
      comm: 'app',
      program: function* (u) {
        const fd = yield* u.sys('open', '/tmp/a', O.RDWR | O.CREAT, 0o600)
        yield* u.sys('clone', { flags: 0x00000100 | 0x00000200 | 0x00000400 | 0x00000800 | 0x00010000, program: function* (c) { yield* c.sys('getpid') } })
        t.files!.count = 1 // as if copy_files had not raised it
        yield* u.sys('read', fd, new Uint8Array(1))
      },
    })
    m.run()
    expect(m.violations.some((x) => x.rule === 'V14' && /takes the light path/.test(x.message))).toBe(true)
  })
})
