/**
 * Inherited fds. A root process starts with fds the log never shows being created. Each fd of a
 * root table is "undetermined" until the log decides it: a successful use, or an allocation that
 * skipped it, means it was open (it is installed in the model and listed); an allocation that
 * returned it, or an unambiguous EBADF, means it was free. The decision is shared by every table
 * copied from the root before either touched the fd (the table's Origin).
 */
import type { ReplayModel } from './model'
import type { FdNeed } from './syscalls'
import type { Table, Task } from './tasks'

export class InheritedFds {
  constructor(
    private readonly model: ReplayModel,
    /** fds found open, in the order found (the record's `inherited`). */
    private readonly found: { pid: number; fd: number; line: number; by: number }[],
    /** Line of the event being replayed. */
    private readonly line: () => number,
  ) {}

  undetermined(tb: Table, fd: number): boolean {
    return tb.origin !== null && fd >= 0 && !tb.known.has(fd)
  }

  /** Decides fd in @t's table from log evidence (@open), or from the origin if it already knows. */
  resolve(t: Task, fd: number, open: boolean): void {
    const tb = t.table
    const o = tb.origin!
    let v = o.resolved.get(fd)
    if (v === undefined) {
      v = open
      o.resolved.set(fd, v)
      if (v) this.found.push({ pid: o.pid, fd, line: this.line(), by: t.tid })
    }
    if (v && this.model.slot(t.mtid, fd) === 'free') this.model.inherit(t.mtid, fd, { modeKnown: false, cloexec: false, path: `/inherited/${o.pid}/${fd}` })
    tb.known.add(fd)
  }

  /** The origin already decided @fd (for another table): apply it here. Returns false if undecided. */
  materialize(t: Task, fd: number): boolean {
    const tb = t.table
    if (!this.undetermined(tb, fd)) return true
    const v = tb.origin!.resolved.get(fd)
    if (v === undefined) return false
    this.resolve(t, fd, v)
    return true
  }

  /** Before an allocation from @start that the log says returned @n: fds below were open, @n was free. */
  prepareAlloc(t: Task, start: number, n: number): void {
    const tb = t.table
    if (tb.origin === null || n < start || tb.known.covers(start, n + 1)) return
    for (const [a, b] of tb.known.gaps(start, n + 1)) {
      for (let fd = a; fd < b; fd++) this.resolve(t, fd, fd !== n)
    }
  }

  /**
   * Before a call that uses @fd: decides an undetermined fd from the log's outcome. Returns false
   * when the log cannot decide it (EBADF that a file mode could also explain).
   */
  prepareUse(t: Task, fd: number, logBad: boolean, need: FdNeed): boolean {
    const tb = t.table
    if (!this.undetermined(tb, fd)) return true
    if (this.materialize(t, fd)) return true
    if (!logBad) {
      this.resolve(t, fd, true)
      return true
    }
    if (need === 'raw' || need === 'dirfd') {
      this.resolve(t, fd, false)
      return true
    }
    return false
  }

  /** The second fd of a pair: lowest free with the first one taken. */
  prepareAlloc2(t: Task, first: number, n: number): void {
    const tb = t.table
    if (tb.origin === null) return
    for (const [a, b] of tb.known.gaps(0, n + 1)) {
      for (let fd = a; fd < b; fd++) if (fd !== first) this.resolve(t, fd, fd !== n)
    }
  }
}
