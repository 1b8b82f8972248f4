/**
 * The close-on-exec bit is written only when it changes to clear: set, or cleared only if set.
 * Kernel commit fc90888d07b8 ("vfs: conditionally clear close-on-exec flag", 2015: in 6.5 and
 * 6.18) made __clear_close_on_exec / __set_close_on_exec test the bit before clearing it, so an
 * allocation without O_CLOEXEC (the common case) does not dirty the bitmap's cache line. The
 * trace shows the writes the kernel makes: no `close_on_exec[fd] = 0` for a bit already clear.
 */
import { describe, it, expect } from 'vitest'
import { runProcess, O } from '../../helpers/kernel'
import type { TraceEvent } from '../../../main/engine/sim/trace'

const F_GETFD = 1, F_SETFD = 2, FD_CLOEXEC = 1

type Bit = Extract<TraceEvent, { e: 'bit' }>
const cloexecWrites = (events: readonly TraceEvent[], from: number, to: number): string[] =>
  events.slice(from, to).filter((e): e is Bit => e.e === 'bit' && e.map === 'close_on_exec').map((e) => `${e.index}=${e.value}`)

for (const profile of ['6.18', '6.5']) {
  describe(`close_on_exec writes (${profile})`, () => {
    it('an allocation without O_CLOEXEC writes no bit when it is clear, and clears a stale set bit', () => {
      const marks: number[] = []
      let fd1 = -1, fd2 = -1, fd3 = -1, flags = -1
      const { m } = runProcess(function* (sys, u) {
        marks.push(u.k.trace.length)
        fd1 = yield* sys('open', '/tmp/a', O.CREAT | O.RDWR, 0o644) // fresh slot, bit clear
        marks.push(u.k.trace.length)
        fd2 = yield* sys('open', '/tmp/b', O.CREAT | O.RDWR | O.CLOEXEC, 0o644) // set
        marks.push(u.k.trace.length)
        yield* sys('close', fd2) // __put_unused_fd leaves the bit set (stale)
        marks.push(u.k.trace.length)
        fd3 = yield* sys('dup', fd1) // reuses fd2's number: its stale bit is cleared
        flags = yield* sys('fcntl', fd3, F_GETFD, 0)
        marks.push(u.k.trace.length)
      }, { profile })
      const ev = m.k.trace.events
      expect(fd3).toBe(fd2)
      expect(flags).toBe(0)
      expect(cloexecWrites(ev, marks[0]!, marks[1]!)).toEqual([])
      expect(cloexecWrites(ev, marks[1]!, marks[2]!)).toEqual([`${fd2}=1`])
      expect(cloexecWrites(ev, marks[2]!, marks[3]!)).toEqual([])
      expect(cloexecWrites(ev, marks[3]!, marks[4]!)).toEqual([`${fd3}=0`])
    })

    it('fcntl(F_SETFD) sets the bit, and clears it only when set', () => {
      const marks: number[] = []
      const got: number[] = []
      const { m } = runProcess(function* (sys, u) {
        const fd = yield* sys('open', '/tmp/a', O.CREAT | O.RDWR, 0o644)
        marks.push(u.k.trace.length)
        yield* sys('fcntl', fd, F_SETFD, 0) // clear, already clear: no write
        marks.push(u.k.trace.length)
        yield* sys('fcntl', fd, F_SETFD, FD_CLOEXEC)
        got.push(yield* sys('fcntl', fd, F_GETFD, 0))
        marks.push(u.k.trace.length)
        yield* sys('fcntl', fd, F_SETFD, 0)
        got.push(yield* sys('fcntl', fd, F_GETFD, 0))
        marks.push(u.k.trace.length)
      }, { profile })
      const ev = m.k.trace.events
      expect(got).toEqual([FD_CLOEXEC, 0])
      expect(cloexecWrites(ev, marks[0]!, marks[1]!)).toEqual([])
      expect(cloexecWrites(ev, marks[1]!, marks[2]!)).toHaveLength(1)
      expect(cloexecWrites(ev, marks[2]!, marks[3]!)).toHaveLength(1)
      expect(cloexecWrites(ev, marks[2]!, marks[3]!)[0]).toMatch(/=0$/)
    })
  })
}
