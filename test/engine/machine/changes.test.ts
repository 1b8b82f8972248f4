// What a step changed: one accumulator for a snapshot's `changed` and for a span of steps.
import { describe, expect, it } from 'vitest'
import { ChangedSet } from '../../../main/engine/machine/changes'
import type { TraceEvent } from '../../../main/engine/sim/trace'

const ev = (e: Record<string, unknown>): TraceEvent => ({ seq: 0, step: 1, tid: 100, ...e }) as unknown as TraceEvent

describe('ChangedSet', () => {
  it('marks the slot, its table and both files of an fd change, and a count change', () => {
    const c = new ChangedSet()
    c.add(ev({ e: 'fd', files: 'files#1', fd: 3, from: 'file#2', to: null }))
    c.add(ev({ e: 'ref', file: 'file#2', from: 1, to: 0 }))
    const v = c.view()
    expect(v.fds).toEqual(['files#1:3'])
    expect(v.tables).toEqual(['files#1'])
    expect(v.files).toEqual(['file#2'])
  })
  it('a kernel spinlock is not a file lock: only a lock note marks the Locks pane', () => {
    const spin = new ChangedSet()
    spin.add(ev({ e: 'lock', lock: 'files#1.file_lock', op: 'acquire' }))
    expect(spin.view().locks).toBe(false)
    const posix = new ChangedSet()
    posix.add(ev({ e: 'note', text: 'lock lock#1: POSIX F_WRLCK 0-EOF on /tmp/l, owner files#1' }))
    expect(posix.view().locks).toBe(true)
    const flock = new ChangedSet()
    flock.add(ev({ e: 'note', text: 'flock on /tmp/l through file#3 released' }))
    expect(flock.view().locks).toBe(true)
  })
})
