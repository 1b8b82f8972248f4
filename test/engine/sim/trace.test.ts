/**
 * The compact trace log: what goes in comes out, event for event, across its storage chunks.
 */
import { describe, it, expect } from 'vitest'
import { TraceLog, type TraceInput, type TraceArg } from '../../../main/engine/sim/trace'
import { createMachine } from '../../../main/engine'
import { formatFunctionGraph, formatStrace } from '../../../main/engine/machine/format'
import { O_RDWR, O_CREAT } from '../../../main/engine/kernel/include/flags'

const SAMPLES: TraceInput[] = [
  { e: 'enter', fn: 'alloc_fd', args: [0, 1024, 'files#1', true, null, -3.5] },
  { e: 'exit', fn: 'alloc_fd', ret: 4 },
  { e: 'exit', fn: 'fd_install', ret: null },
  { e: 'sys_enter', name: 'open', args: ['/tmp/a', 66, 420] },
  { e: 'sys_exit', name: 'open', ret: -2, args: ['/tmp/a', 66, 420] },
  { e: 'fd', files: 'files#1', fd: 3, from: null, to: 'file#2' },
  { e: 'bit', files: 'files#1', map: 'open_fds', index: 3, value: 1 },
  { e: 'ref', file: 'file#2', from: 1, to: 2, raw: 1 },
  { e: 'task_work', task: 100, op: 'add', fn: '____fput', obj: 'file#2' },
  { e: 'lock', lock: 'files#1.file_lock', op: 'acquire' },
  { e: 'rcu', op: 'read_lock', what: 'app/100' },
  { e: 'delayed_fput', op: 'take', file: null },
  { e: 'task', op: 'exit', task: 100, detail: 'exit code 0' },
  { e: 'printk', text: 'hello' },
  { e: 'note', text: 'SIM: not modelled' },
  { e: 'violation', rule: 'V2', severity: 'violation', message: 'last reference dropped' },
  { e: 'user', what: 'label', text: 'after_close', line: 12, col: 3 },
  { e: 'enter', fn: 'exit_to_user_mode_loop', args: [] },
]

describe('compact trace log', () => {
  it('gives back every kind of event as it was emitted, with seq, step and tid', () => {
    const t = new TraceLog(true)
    const want: unknown[] = []
    // enough events to cross several row and value chunks
    for (let i = 0; i < 20_000; i++) {
      const ev = SAMPLES[i % SAMPLES.length]!
      t.step = i >> 2
      t.tid = 100 + (i % 3)
      t.emit(structuredClone(ev))
      want.push({ ...structuredClone(ev), seq: i, step: i >> 2, tid: 100 + (i % 3) })
    }
    expect(t.length).toBe(20_000)
    for (const i of [0, 1, 17, 4095, 4096, 4097, 16_383, 16_384, 19_999]) {
      expect(t.at(i)).toEqual(want[i])
      expect(t.kind(i)).toBe((want[i] as { e: string }).e)
      expect(t.stepAt(i)).toBe(i >> 2)
      expect(t.tidAt(i)).toBe(100 + (i % 3))
    }
    expect(t.events).toEqual(want)
    expect(t.slice(4090, 4100)).toEqual(want.slice(4090, 4100))
  })

  it('enter/exit write the same events as emit', () => {
    const a = new TraceLog(true)
    const b = new TraceLog(true)
    a.emit({ e: 'enter', fn: 'f', args: [1, 'x'] })
    a.emit({ e: 'exit', fn: 'f', ret: 'file#1' })
    b.enter('f', ['skip', 1, 'x'], 1, (v) => v as number)
    b.exit('f', 'file#1')
    expect(b.events).toEqual(a.events)
  })

  it('enterNo/exitNo (the name as its string number, arguments converted) write the same events as emit', () => {
    const a = new TraceLog(true)
    const b = new TraceLog(true)
    const conv = (v: unknown): TraceArg => (v === undefined ? null : typeof v === 'object' && v ? (v as { id: string }).id : (v as TraceArg))
    const file = { id: 'file#2' }
    for (let i = 0; i < 3; i++) {
      a.emit({ e: 'enter', fn: 'fd_install', args: [4, 'file#2', null, true] })
      a.emit({ e: 'exit', fn: 'fd_install', ret: 'file#2' })
      a.emit({ e: 'exit', fn: 'fd_install', ret: null })
      a.emit({ e: 'exit', fn: 'fd_install', ret: -9 })
      const no = b.intern('fd_install')
      b.enterNo(no, [{ id: 'k' }, 4, file, undefined, true], 1, conv)
      b.exitNo(no, file, conv)
      b.exitNo(no, undefined, conv)
      b.exitNo(no, -9, conv)
    }
    expect(b.events).toEqual(a.events)
  })

  it('the per-kind methods (fields as arguments) write the same events as emit', () => {
    const a = new TraceLog(true)
    const b = new TraceLog(true)
    for (let i = 0; i < 3; i++) {
      for (const t of [a, b]) { t.step = i; t.tid = 100 + i }
      a.emit({ e: 'lock', lock: 'files#1.file_lock', op: 'acquire' }); b.lock('files#1.file_lock', 'acquire')
      a.emit({ e: 'lock', lock: 'files#1.file_lock', op: 'release' }); b.lock('files#1.file_lock', 'release')
      a.emit({ e: 'rcu', op: 'read_lock', what: 'app/100' }); b.rcu('read_lock', 'app/100')
      a.emit({ e: 'ref', file: 'file#2', from: 1, to: 2, raw: 2 ** 40 }); b.ref('file#2', 1, 2, 2 ** 40)
      a.emit({ e: 'bit', files: 'files#1', map: 'open_fds', index: i, value: 1 }); b.bit('files#1', 'open_fds', i, 1)
      a.emit({ e: 'fd', files: 'files#1', fd: i, from: null, to: 'file#2' }); b.fd('files#1', i, null, 'file#2')
      a.emit({ e: 'fd', files: 'files#1', fd: i, from: 'file#2', to: null }); b.fd('files#1', i, 'file#2', null)
      a.emit({ e: 'note', text: 'SIM: x' }); b.note('SIM: x')
      a.emit({ e: 'sys_enter', name: 'dup', args: [3, 'x', null, true] }); b.sysEnter('dup', [3, 'x', null, true])
      a.emit({ e: 'sys_exit', name: 'dup', ret: -9, args: [3] }); b.sysExit('dup', -9, [3])
      a.emit({ e: 'enter', fn: 'f', args: ['file#2', 1] }); b.enterArgs('f', ['file#2', 1])
      a.emit({ e: 'exit', fn: 'f', ret: null }); b.exitRet('f', null)
      a.emit({ e: 'exit', fn: 'f', ret: 'file#2' }); b.exitRet('f', 'file#2')
    }
    expect(b.events).toEqual(a.events)
    expect(b.bytes).toBe(a.bytes)
  })

  it('keeps numbers that are not int32s, and threads and steps out of the row range, exactly', () => {
    const t = new TraceLog(true)
    const odd = [2 ** 31, -(2 ** 31), 2 ** 31 - 1, 2 ** 53, -0, 0, NaN, 0.5, -3.25, Infinity, 0xc000000000000000]
    const want: unknown[] = []
    odd.forEach((v, i) => {
      t.tid = [100, 2 ** 23, -(2 ** 23), 2 ** 30, -1][i % 5]!
      t.step = [7, 2 ** 31, -(2 ** 31), 2 ** 40, 2 ** 31 - 1][i % 5]!
      const evs: TraceInput[] = [
        { e: 'bit', files: 'files#1', map: 'next_fd', index: v, value: v },
        { e: 'ref', file: 'file#2', from: v, to: v, raw: v },
        { e: 'enter', fn: 'f', args: [v, 'x', v] },
        { e: 'exit', fn: 'f', ret: v },
        { e: 'user', what: 'stmt', text: 'x', line: v, col: v },
      ]
      for (const ev of evs) {
        want.push({ ...ev, seq: want.length, step: t.step, tid: t.tid })
        t.emit(ev)
      }
    })
    expect(t.events).toEqual(want)
    for (let i = 0; i < want.length; i++) {
      expect(Object.is(t.at(i).step, (want[i] as { step: number }).step)).toBe(true)
      expect(t.tidAt(i)).toBe((want[i] as { tid: number }).tid)
    }
    // -0 stays -0 (toEqual would not tell)
    expect(Object.is((t.at(4 * 5).e === 'bit' && (t.at(4 * 5) as { index: number }).index), -0)).toBe(true)
  })

  it('clear drops the events; seq numbers go on', () => {
    const t = new TraceLog(true)
    t.emit({ e: 'note', text: 'a' })
    t.emit({ e: 'note', text: 'b' })
    void t.events
    t.clear()
    expect(t.length).toBe(0)
    expect(t.events).toEqual([])
    t.emit({ e: 'note', text: 'c' })
    expect(t.at(0)).toMatchObject({ text: 'c', seq: 2 })
  })

  it('finds each event across chunk ends, from the last one first, after clear() reuses the chunks, and for one event larger than a chunk', () => {
    const t = new TraceLog(true)
    const fill = (count: number, salt: number): unknown[] => {
      const want: unknown[] = []
      for (let i = 0; i < count; i++) {
        const ev = SAMPLES[(i * 7 + salt) % SAMPLES.length]!
        // steps that repeat (no step word), change, and jump
        t.step = salt * 1000 + (i % 5 === 0 ? i * 3 : i >> 3)
        t.tid = i % 11 === 0 ? 2 ** 30 + i : 100
        t.emit(structuredClone(ev))
        want.push({ ...structuredClone(ev), seq: want.length, step: t.step, tid: t.tid })
      }
      return want
    }
    const base = (want: unknown[], b: number): unknown[] => want.map((ev) => ({ ...(ev as object), seq: (ev as { seq: number }).seq + b }))
    const first = fill(30_000, 0)
    // read the way snapshot.ts does: the last event first, then backwards
    expect(t.stepAt(29_999)).toBe((first[29_999] as { step: number }).step)
    for (let i = 29_999; i > 29_000; i--) expect(t.at(i)).toEqual(first[i])
    expect(t.events).toEqual(first)
    t.clear()
    const second = fill(9_000, 3)
    expect(t.events).toEqual(base(second, 30_000))
    // one event with more values than a chunk holds, between two ordinary ones
    const args = Array.from({ length: 70_000 }, (_, i) => (i % 3 ? i : `a${i % 7}`))
    t.step = 5; t.tid = 7
    t.emit({ e: 'note', text: 'before' })
    t.emit({ e: 'enter', fn: 'big', args })
    t.emit({ e: 'note', text: 'after' })
    expect(t.at(9_001)).toEqual({ e: 'enter', fn: 'big', args, seq: 39_001, step: 5, tid: 7 })
    expect(t.at(9_002)).toMatchObject({ e: 'note', text: 'after', step: 5, tid: 7 })
    expect(t.kind(9_000)).toBe('note')
  })

  it('a log made after another was disposed writes into its chunks and reads back exactly; the disposed log reads as empty', () => {
    const fill = (t: TraceLog, count: number, salt: number): unknown[] => {
      const want: unknown[] = []
      for (let i = 0; i < count; i++) {
        const ev = SAMPLES[(i * 5 + salt) % SAMPLES.length]!
        t.step = i >> 2
        t.tid = 100 + salt
        t.emit(structuredClone(ev))
        want.push({ ...structuredClone(ev), seq: want.length, step: t.step, tid: t.tid })
      }
      return want
    }
    const a = new TraceLog(true)
    fill(a, 60_000, 1)
    a.dispose()
    expect(a.length).toBe(0)
    expect(a.events).toEqual([])
    const b = new TraceLog(true)
    const want = fill(b, 50_000, 2)
    expect(b.events).toEqual(want)
    // the disposed log written again starts in chunks of its own: b's events stay as they were
    fill(a, 40_000, 3)
    expect(b.slice(0, 50_000)).toEqual(want)
    TraceLog.dropPool()
  })

  it('after clear(), a chunk that held an event larger than a chunk takes ordinary events again', () => {
    const t = new TraceLog(true)
    const args = Array.from({ length: 100_000 }, (_, i) => i)
    t.emit({ e: 'enter', fn: 'big', args })
    t.emit({ e: 'note', text: 'after' })
    expect(t.at(0)).toMatchObject({ e: 'enter', args })
    t.clear()
    // 2 words each: more than 2^16 words, all of them in the first chunk if it were filled to its end
    for (let i = 0; i < 60_000; i++) {
      t.step = i
      t.note(`n${i % 10}`)
    }
    for (const i of [0, 32_767, 32_768, 40_000, 59_999]) expect(t.at(i)).toMatchObject({ e: 'note', text: `n${i % 10}`, step: i })
  })

  it('a wide step repeated on the next event, and a step back to the one before it, read back exactly', () => {
    const t = new TraceLog(true)
    const steps = [3, 2 ** 40, 2 ** 40, 3, 3, 0.5, 0.5, 3, -(2 ** 31), -(2 ** 31), -(2 ** 30), -(2 ** 30), 4, NaN, NaN, 4]
    for (const s of steps) {
      t.step = s
      t.note('x')
    }
    expect(steps.map((_, i) => t.stepAt(i))).toEqual(steps)
    expect(t.slice().map((ev) => ev.step)).toEqual(steps)
  })

  it('an object argument converts as conv says each time: cached by its id only, and not after its slot held another string', () => {
    const t = new TraceLog(true)
    const conv = (v: unknown): TraceArg => {
      if (v === null || typeof v !== 'object') return v as TraceArg
      const o = v as { id?: string; n?: number }
      return typeof o.id === 'string' ? o.id : `n=${o.n}`
    }
    const fn = t.intern('f')
    const file = { id: 'file#2' }
    const other = { id: 'file#3' }
    const counter = { n: 1 }
    const want: unknown[] = []
    const call = (a: unknown, shown: TraceArg, ret: unknown, retShown: TraceArg): void => {
      t.enterN(fn, 1, a, 0, 0, 0, 0, conv)
      t.exitNo(fn, ret, conv)
      want.push({ e: 'enter', fn: 'f', args: [shown], seq: want.length, step: 0, tid: 0 })
      want.push({ e: 'exit', fn: 'f', ret: retShown, seq: want.length, step: 0, tid: 0 })
    }
    for (let i = 0; i < 3; i++) {
      call(file, 'file#2', file, 'file#2')
      call('file#9', 'file#9', 'x', 'x') // the same slots, another string: file's cached number is gone
      call(file, 'file#2', other, 'file#3')
      counter.n = i
      call(counter, `n=${i}`, counter, `n=${i}`) // converted to something else than an id: converted again each time
      counter.n = i + 10
      call(counter, `n=${i + 10}`, counter, `n=${i + 10}`)
      call(null, null, true, true)
    }
    expect(t.events).toEqual(want)
  })

  it('a listener sees each event as it is written', () => {
    const t = new TraceLog(true)
    const seen: unknown[] = []
    t.listener = (ev) => seen.push(ev)
    for (let i = 0; i < 3000; i++) {
      t.step = i >> 1
      t.lock('files#1.file_lock', i % 2 ? 'release' : 'acquire')
    }
    expect(seen).toEqual(t.slice())
  })

  it('printers read the compact log and the event array alike', () => {
    const m = createMachine({ trace: true })
    m.spawnProcess({ comm: 'app', program: function* (u) {
      const fd = yield* u.sys('open', '/tmp/a', O_RDWR | O_CREAT, 0o644)
      yield* u.sys('close', yield* u.sys('dup', fd))
    } })
    m.run()
    const t = m.k.trace
    expect(formatFunctionGraph(t)).toEqual(formatFunctionGraph(t.slice()))
    expect(formatStrace(t, { steps: true })).toEqual(formatStrace(t.slice(), { steps: true }))
    expect(formatStrace(t).some((l) => l.includes('dup(3) = 4'))).toBe(true)
  })
})
