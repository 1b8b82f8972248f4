/**
 * One system call dispatch (kernel/syscalls.ts sys_call) serves a program's calls (machine/user.ts),
 * the replayer's stepped calls (machine/replayDriver.ts) and its fast-path calls (machine/fast.ts):
 * table entries, execve, and -ENOSYS for an unknown name.
 */
import { describe, it, expect } from 'vitest'
import { createMachine } from '../../../main/engine'
import { ENOENT, ENOSYS } from '../../../main/engine/kernel/include/errno'
import { O_CREAT, O_RDWR } from '../../../main/engine/kernel/include/flags'

describe('sys_call', () => {
  it('a program, a stepped replay and a fast replay get the same results', () => {
    const calls: [string, (string | number)[]][] = [
      ['open', ['/tmp/d', O_RDWR | O_CREAT, 0o644]],
      ['dup', [3]],
      ['no_such_call', [1]],
      ['execve', ['/no/such/file']],
      ['close', [4]],
    ]
    const program: number[] = []
    const m = createMachine()
    m.spawnProcess({ comm: 'p', program: function* (u) {
      for (const [name, args] of calls) program.push(yield* u.sys(name, ...args))
    } })
    m.run()
    const replay = (fast: boolean) => {
      const r = createMachine({ replay: true, fast })
      const t = r.createTask({ comm: 'p', pid: 100 })
      return calls.map(([name, args]) => r.syscallNow(t.pid, name, args))
    }
    expect(program).toEqual([3, 4, -ENOSYS, -ENOENT, 0])
    expect(replay(false)).toEqual(program)
    expect(replay(true)).toEqual(program)
  })
})
