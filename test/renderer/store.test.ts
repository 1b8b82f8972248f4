import { describe, expect, it } from 'vitest'
import { share, store } from '../../renderer/src/state/store'
import { lineOf } from '../../renderer/src/panes/InstructionsPane'

describe('share: an update keeps the objects of the parts it did not change', () => {
  it('returns the previous object for equal parts and new objects up the changed path', () => {
    const prev = { a: { x: [1, 2, { y: 'z' }] }, b: { c: [3] }, n: 1 }
    const next = { a: { x: [1, 2, { y: 'z' }] }, b: { c: [4] }, n: 1 }
    const out = share(prev, next)
    expect(out).toEqual(next)
    expect(out.a).toBe(prev.a)
    expect(out.b).not.toBe(prev.b)
    expect(out.b.c).toEqual([4])
    expect(share(prev, structuredClone(prev))).toBe(prev)
  })
  it('copies nothing it does not have to: a changed part without shared parts is the update\'s own object', () => {
    const next = { a: { x: [1, 2] }, b: { y: [3], z: 4 }, c: [{ k: 1 }, { k: 2 }] }
    const out = share({ a: { x: [1, 2] }, b: { y: [3], z: 5 }, c: [{ k: 1 }, { k: 3 }] }, next)
    // b changed in z and keeps its equal y: a new b with the previous y; c's second element is next's own.
    expect(out).not.toBe(next)
    expect(out.b).not.toBe(next.b)
    expect(out.c[1]).toBe(next.c[1])
    expect(out.b.y).not.toBe(next.b.y)
    // Nothing equal inside: next's objects themselves, unchanged.
    const fresh = { p: { q: 1 }, r: [2] }
    expect(share({ p: { q: 0 }, r: [3] }, fresh)).toBe(fresh)
    expect(fresh).toEqual({ p: { q: 1 }, r: [2] })
  })
  it('treats added or removed keys and elements, and type changes, as changes', () => {
    expect(share({ a: 1 }, { a: 1, b: 2 })).toEqual({ a: 1, b: 2 })
    expect(share({ a: 1, b: 2 }, { a: 1 })).toEqual({ a: 1 })
    expect(share([1, 2], [1])).toEqual([1])
    expect(share([1], { 0: 1 })).toEqual({ 0: 1 })
    expect(share({ a: null }, { a: { b: 1 } })).toEqual({ a: { b: 1 } })
  })
  it('the store merges an update with the unchanged parts kept', () => {
    store.resetSession()
    const marks = [{ step: 1, kind: 'syscall' as const, label: 'dup' }]
    store.apply({ rev: 1, marks, title: 't' })
    const kept = store.get().session.marks
    store.apply({ rev: 2, marks: structuredClone(marks), title: 'u' })
    expect(store.get().session.marks).toBe(kept)
    expect(store.get().session.title).toBe('u')
    store.resetSession()
  })
})

describe('store.apply: the panes change once the terminal has taken the text in', () => {
  it('merges an update after its text is written, and later updates after it, in order', async () => {
    store.resetSession()
    let written!: () => void
    const off = store.onOutput(() => new Promise<void>((res) => { written = res }))
    const first = store.apply({ rev: 1, kind: 'strace', title: 'a', output: ['line'] })
    const second = store.apply({ rev: 2, title: 'b' })
    await Promise.resolve()
    expect(store.get().session.title).toBe('')
    written()
    await first
    expect(store.get().session.title).toBe('a')
    await second
    expect(store.get().session).toMatchObject({ kind: 'strace', title: 'b' })
    off()
    store.resetSession()
  })
  it('merges at once when no one waits, with the request\'s end in the same state', () => {
    store.resetSession()
    store.busy('step')
    expect(store.get().ui.busy).toBe('step')
    void store.apply({ rev: 1, title: 't', output: ['x'] }, { busy: null })
    expect(store.get().session.title).toBe('t')
    expect(store.get().ui.busy).toBeNull()
    store.resetSession()
  })
})

describe('lineOf', () => {
  it('gives line n (1-based) of a text, or "" past its end', () => {
    expect(lineOf('a\nbb\nccc', 1)).toBe('a')
    expect(lineOf('a\nbb\nccc', 2)).toBe('bb')
    expect(lineOf('a\nbb\nccc', 3)).toBe('ccc')
    expect(lineOf('a\nbb\nccc', 4)).toBe('')
    expect(lineOf('a\n', 2)).toBe('')
  })
})
