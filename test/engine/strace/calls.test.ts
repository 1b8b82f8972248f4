/**
 * The declarations of calls.ts (each system call declared once, the sets derived) and the
 * overlap-window planner (planner.ts: data in, a plan out).
 */
import { describe, expect, it } from 'vitest'
import { CALLS, CLONE_CALLS, FD_CREATORS, IGNORED, TABLE_WRITERS, WINDOW_WRITERS } from '../../../main/engine/strace/calls'
import { planOrder, MODE_UNKNOWN, type Slot } from '../../../main/engine/strace/planner'
import { StraceReader, type SyscallEvent } from '../../../main/engine/strace/parse'
import * as F from '../../../main/engine/kernel/include/flags'

function events(lines: string[]): SyscallEvent[] {
  const out: SyscallEvent[] = []
  const r = new StraceReader({ onEvent: (e) => { if (e.type === 'syscall') out.push(e) } })
  r.push(lines.join('\n') + '\n')
  r.end()
  return out
}

/** Slots from a list of open fds (mode O_RDWR); everything else free. */
const slots = (open: number[]) => (fd: number): Slot => (open.includes(fd) ? F.O_RDWR : false)

describe('calls.ts', () => {
  it('declares each call once; the sets are derived from the declarations', () => {
    for (const n of TABLE_WRITERS) expect(CALLS.get(n)!.writes).toBe(true)
    for (const n of WINDOW_WRITERS) expect(CALLS.get(n)!.predict).toBeDefined()
    for (const n of CLONE_CALLS) expect(TABLE_WRITERS.has(n)).toBe(true)
    for (const n of FD_CREATORS) expect(TABLE_WRITERS.has(n)).toBe(true)
    for (const n of IGNORED) {
      expect(CALLS.get(n)!.replay).toBeUndefined()
      expect(TABLE_WRITERS.has(n)).toBe(false)
    }
    // every call that is not ignored says what it does
    for (const [n, c] of CALLS) if (!c.ignored && n !== 'recvmmsg' && n !== 'clone2') expect(c.replay, n).toBeDefined()
    expect([...CLONE_CALLS].sort()).toEqual(['clone', 'clone2', 'clone3', 'fork', 'vfork'])
    expect(CALLS.get('brk')!.marker).toBe(true)
    expect(CALLS.get('newfstatat')!.procPath).toBe(1)
    expect(CALLS.get('fchmodat2')!.since).toEqual([6, 6])
  })
})

describe('planner.ts', () => {
  it('orders overlapping calls so that every logged result holds (close before the open that reuses the fd)', () => {
    const q = events([
      '1 openat(AT_FDCWD, "a", O_RDONLY <unfinished ...>',
      '2 close(3 <unfinished ...>',
      '1 <... openat resumed>) = 3',
      '2 <... close resumed>) = 0',
    ])
    // fd 3 is open before the window: the open can only have returned 3 after the close
    expect(planOrder({ calls: q, slot: slots([0, 1, 2, 3]), predictorOf: (n) => CALLS.get(n)?.predict })).toEqual([1, 0])
  })
  it('keeps a call that ended before another started first', () => {
    const q = events([
      '1 close(3) = 0',
      '2 openat(AT_FDCWD, "a", O_RDONLY) = 3',
    ])
    expect(planOrder({ calls: q, slot: slots([0, 1, 2, 3]), predictorOf: (n) => CALLS.get(n)?.predict })).toEqual([0, 1])
    // the other way round is impossible: the open could not have returned 3 while 3 was open
    const r = events(['2 openat(AT_FDCWD, "a", O_RDONLY) = 3', '1 close(3) = 0'])
    expect(planOrder({ calls: r, slot: slots([0, 1, 2, 3]), predictorOf: (n) => CALLS.get(n)?.predict })).toBeNull()
  })
  it('an undetermined (inherited) slot below an allocation must have been open', () => {
    const q = events(['1 dup(0) = 4'])
    const slot = (fd: number): Slot => (fd <= 2 ? F.O_RDWR : fd === 3 ? undefined : false)
    expect(planOrder({ calls: q, slot, predictorOf: (n) => CALLS.get(n)?.predict })).toEqual([0])
    void MODE_UNKNOWN
  })
  it('gives up within its budget (no recursion whose depth follows the window)', () => {
    // 300 overlapping closes of fds that are all free: no order gives their results
    const lines: string[] = []
    for (let i = 0; i < 300; i++) lines.push(`${i + 1} close(${100 + i} <unfinished ...>`)
    for (let i = 0; i < 300; i++) lines.push(`${i + 1} <... close resumed>) = 0`)
    const q = events(lines)
    expect(q).toHaveLength(300)
    expect(planOrder({ calls: q, slot: slots([0, 1, 2]), predictorOf: (n) => CALLS.get(n)?.predict, budget: 1000 })).toBeNull()
    // and finds the order when one exists
    const open = Array.from({ length: 400 }, (_, i) => i)
    expect(planOrder({ calls: q, slot: slots(open), predictorOf: (n) => CALLS.get(n)?.predict })).toHaveLength(300)
  })
})
