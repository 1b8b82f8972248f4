// The one timeline interface the session travels runs through, checked on both implementations:
// a lab C scenario run by the engine (Timeline) and an strace log replayed (ReplayTimeline).
// The same contract for both; then what each does its own way, and what a replay refuses.
import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseLab } from '../../../main/engine/lab/labFile'
import { compile, createFor, isLabStopError } from '../../../main/host/common/labScenario'
import { Timeline } from '../../../main/host/common/timeline'
import { ReplayTimeline } from '../../../main/host/common/replayTimeline'
import type { RunTimeline } from '../../../main/host/common/runTimeline'
import { parseShell, type ShellCall } from '../../../main/host/common/shellCommands'

const FIX = join(import.meta.dirname, '../../fixtures')
const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '')

function labTimeline(): Timeline {
  const { lab } = parseLab(readFileSync(join(FIX, 'mini.lab.md'), 'utf8'), 'mini.lab.md')
  const source = lab.scenarios.find((s) => s.name === 'open-close')!.code
  const c = compile(lab, 'open-close', source, 'open-close.c', '6.18')
  return new Timeline({ profile: '6.18', variants: c.variants, create: createFor(c, '6.18'), isStopError: isLabStopError, budget: 1_000_000 })
}
const replayTimeline = () => new ReplayTimeline(readFileSync(join(FIX, 'demo.strace.log'), 'utf8'), 'demo.strace.log', '6.18')

const IMPLEMENTATIONS: [string, () => RunTimeline][] = [['Timeline (lab C)', labTimeline], ['ReplayTimeline (strace log)', replayTimeline]]

describe.each(IMPLEMENTATIONS)('RunTimeline contract: %s', (_name, make) => {
  it('runs to the end from step 0', () => {
    const tl = make()
    expect(tl.cursor).toBe(0)
    expect(tl.run()).toBe('done')
    expect(tl.ended).toBe('done')
    expect(tl.error).toBeNull()
    expect(tl.total).toBeGreaterThan(3)
    expect(tl.cursor).toBe(tl.total)
  })

  it('travels back and forth to identical views', () => {
    const tl = make()
    tl.run()
    const at = new Map<number, string>()
    for (let n = tl.total; n >= 0; n--) {
      tl.goto(n)
      at.set(n, JSON.stringify(tl.view().snapshot))
    }
    for (const n of [2, tl.total, 1, 3]) {
      tl.goto(n)
      expect(tl.cursor).toBe(n)
      expect(JSON.stringify(tl.view().snapshot)).toBe(at.get(n))
    }
    tl.goto(tl.total + 10)
    expect(tl.cursor).toBe(tl.total)
  })

  it('steps forward and prints what the move did', () => {
    const tl = make()
    expect(tl.step('micro', 2)).toBe(2)
    expect(tl.cursor).toBe(2)
    tl.run()
    expect(tl.forwardLines(0, false).length).toBeGreaterThan(0)
    tl.goto(2)
    const ch = tl.change(1)
    expect(ch.step.to).toBe(2)
    expect(Array.isArray(tl.traceLines(1))).toBe(true)
  })

  it('travels over the compact trace: stepping, views, changes, trace lines and marks keep no event object', () => {
    const tl = make()
    tl.step('micro', 3)
    tl.view(); tl.change(0); tl.traceLines(0); tl.forwardLines(0, true)
    tl.run()
    tl.marks()
    for (const n of [tl.total - 1, 2, tl.total]) {
      tl.goto(n)
      tl.view(); tl.change(Math.max(0, n - 2)); tl.traceLines(Math.max(0, n - 2))
    }
    tl.step('micro')
    const trace = tl.machineAtCursor().trace
    expect(trace.length).toBeGreaterThan(10)
    // TraceLog keeps the objects `events` built; nothing on these paths may ask for it.
    expect((trace as unknown as { built: unknown[] }).built.length).toBe(0)
  })

  it('steps forward again over cached steps as a first pass did, without moving its machine', () => {
    const machineOf = (t: RunTimeline) => (t as unknown as { m: object }).m
    const first = make()
    const total = (first.run(), first.total)
    const fresh = make()
    const seen: string[] = []
    for (let n = 0; n < total; n++) {
      fresh.step('micro')
      seen.push(JSON.stringify([fresh.forwardLines(n, true).map(strip), fresh.view().snapshot, fresh.change(n), fresh.traceLines(n)]))
    }
    const tl = make()
    tl.run()
    // Back to step 0 one step at a time (the views on the way are cached), then forward again.
    for (let n = tl.total; n > 0; n--) tl.goto(n - 1)
    const machine = machineOf(tl)
    for (let n = 0; n < total; n++) {
      expect(tl.step('micro')).toBe(1)
      expect(JSON.stringify([tl.forwardLines(n, true).map(strip), tl.view().snapshot, tl.change(n), tl.traceLines(n)])).toBe(seen[n])
    }
    // Every step came from the views cached on the way back: the machine did not move.
    expect(machineOf(tl)).toBe(machine)
  })

  it('gives its marks once per known run, then null until it grows', () => {
    const tl = make()
    tl.run()
    expect(Array.isArray(tl.marks())).toBe(true)
    expect(tl.marks()).toBeNull()
  })

  it('exports the machine and the events up to the cursor', () => {
    const tl = make()
    tl.run()
    const { machine, events } = tl.exportSource()
    expect(machine.stepNo).toBeGreaterThanOrEqual(tl.cursor)
    expect(events.length).toBeGreaterThan(0)
  })
})

describe('what each timeline does its own way', () => {
  it('a lab run: labels, function_graph trace lines, findings for why, typed calls', () => {
    const tl = labTimeline()
    expect(tl.refusal('label')).toBeNull()
    expect(tl.refusal('shell')).toBeNull()
    const at = tl.runUntilLabel('after_open')!
    expect(at).toBeGreaterThan(0)
    expect(tl.cursor).toBe(at)
    expect(tl.labelStep('after_open')).toBe(at)
    expect(tl.traceLines(0).some((l) => /do_sys_open|openat|fd_install/.test(l.text))).toBe(true)
    expect(tl.forwardLines(0, false).map(strip).join('\n')).toMatch(/open\("\/tmp\/a"/)
    expect(strip(tl.why(Number.NaN)[0]!)).toBe('usage: why N (a step with a finding)')
    expect(strip(tl.why(1)[0]!)).toBe('no finding at step 1')
    const call = parseShell('close 0') as ShellCall
    tl.shell('close 0', call)
    expect(tl.lastInput()?.done).toBe(true)
  })

  it('a replay stepped forward again over cached steps prints what a first pass printed, without replaying the log', () => {
    const first = replayTimeline()
    const printed: string[][] = []
    for (let n = 0; n < first.total; n++) {
      first.step('micro')
      printed.push(first.forwardLines(n, true).map(strip))
    }
    const tl = replayTimeline()
    tl.goto(tl.total)
    const model = tl.m
    for (let n = tl.total; n > 0; n--) tl.goto(n - 1)
    for (let n = 0; n < tl.total; n++) {
      tl.step('micro')
      expect(tl.forwardLines(n, true).map(strip)).toEqual(printed[n])
      expect(JSON.stringify(tl.view().snapshot)).toBe(JSON.stringify((first.goto(n + 1), first.view().snapshot)))
    }
    // The model stayed at the end of the log: every step came from the views cached on the way back.
    expect(tl.m).toBe(model)
  })

  it('a replay step holds and prints the trace of its own log event, each event once', () => {
    const tl = replayTimeline()
    const own: number[][] = []
    const printed: number[][] = []
    for (let n = 0; n < tl.total; n++) {
      tl.step('micro')
      printed.push(tl.eventsSince(n).map((e) => e.seq))
      own.push(tl.view().events.map((e) => e.seq))
    }
    // The log events' traces follow each other with nothing repeated or left out, up to the end.
    const seqs = own.flat()
    const all = tl.exportSource().events.map((e) => e.seq)
    expect(seqs).toEqual(all.slice(all.length - seqs.length))
    expect(printed).toEqual(own)
    // A system call the model runs itself (not one whose file comes from the log, as openat's)
    // has its entry first in its own trace (the step counter moves inside it).
    let traced = 0
    for (let n = 0; n < tl.total; n++) {
      const e = tl.events[n]!
      if (e.type !== 'syscall' || !['close', 'dup', 'dup2', 'dup3', 'clone'].includes(e.name)) continue
      tl.goto(n + 1)
      expect(tl.view().events[0]).toMatchObject({ e: 'sys_enter', name: e.name })
      traced++
    }
    expect(traced).toBeGreaterThan(2)
  })

  it('a replayed log cannot drive the terminal: its control characters are printed escaped', () => {
    const text = ['100 execve("/bin/x", ["x"], 0x7ffd /* 1 vars */) = 0', '100 write(1, "\u001b[2J\u009b31m", 9) = 9', '\u001b]0;title\u0007junk', ''].join('\n')
    const tl = new ReplayTimeline(text, 'esc.log', '6.18')
    tl.step('micro', 3)
    const lines = tl.forwardLines(0, true)
    // The log's own lines (printed uncoloured) hold no control character at all.
    for (const l of lines.slice(0, 3)) expect(l).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/)
    expect(lines[1]).toContain('write(1, "\\x1b[2J\\x9b31m", 9) = 9')
    expect(lines[2]).toContain('(unparsed) \\x1b]0;title\\x07junk')
    expect(strip(tl.why(2)[0]!)).toContain('\\x1b[2J')
  })

  it('a replay: log lines, one-event changes, no trace lines; labels and typed calls refused with a reason', () => {
    const tl = replayTimeline()
    tl.step('micro', 4)
    expect(tl.forwardLines(0, false).map(strip)[3]).toMatch(/^\s+4\s+\[pid 1000\] openat\(AT_FDCWD, "\/etc\/hostname"/)
    expect(tl.change(0)).toMatchObject({ step: { from: 3, to: 4 }, syscall: null })
    expect(tl.traceLines(0)).toEqual([])
    expect(strip(tl.why(4)[0]!)).toMatch(/openat/)
    expect(tl.refusal('label')).toBe('a replayed log has no labels: goto N')
    expect(tl.refusal('shell')).toMatch(/cannot take new system calls/)
    expect(() => tl.labelStep('x')).toThrow(/no labels/)
    expect(() => tl.shell()).toThrow(/cannot take/)
    expect(tl.lastInput()).toBeUndefined()
  })
})
