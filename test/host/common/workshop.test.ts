// The session faults a workshop would hit (issue 12), on the shipped labs and the real engine:
// a detached file stays listed with its holders, a statement step reports everything it changed,
// a terminal call with a missing argument is an error with its column, explorer results belong
// to their scenario, the restored answers reach the submission, and a run exports as a Perfetto trace.
import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createSession } from '../../../main/host/common/session'
import type { SessionUpdate, TraceEvent } from '../../../preload/contract'
const ROOT = join(import.meta.dirname, '../../..')

const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '')
const out = (u: SessionUpdate) => (u.output ?? []).map(strip)
const lab = (file: string) => ({ name: file, text: readFileSync(join(ROOT, 'labs', file), 'utf8') })

/** Walk a run micro-step by micro-step; at each step every file whose last count is > 0 must be listed. */
function checkDetached(file: string, scenario: string, profile: '6.5' | '6.18'): { steps: number; detachedSeen: number } {
  const s = createSession()
  s.sessionLoad(lab(file))
  s.sessionProfile(profile)
  s.sessionScenario(scenario)
  s.sessionTerminal('trace off')
  const counts = new Map<string, number>()
  let steps = 0
  let detachedSeen = 0
  for (;;) {
    const u = s.sessionStep('micro', 1)
    const run = u.run!
    if (run.cursor === steps) break
    steps = run.cursor
    for (const e of run.events) if (e.e === 'ref') counts.set(e.file, e.to)
    const listed = new Set(run.snapshot.files.map((f) => f.id))
    const inTables = new Set(run.snapshot.tables.flatMap((t) => t.slots.map((x) => x.file)))
    for (const [f, n] of counts) {
      if (n <= 0) continue
      expect(listed.has(f), `${scenario} step ${steps}: ${f} has ${n} reference(s) but is not drawn`).toBe(true)
      if (!inTables.has(f)) {
        detachedSeen++
        const view = run.snapshot.files.find((x) => x.id === f)!
        expect(view.count).toBe(n)
        expect(view.holders.length).toBeGreaterThan(0)
      }
    }
    if (steps > 5000) break
  }
  return { steps, detachedSeen }
}

describe('the objects a lab is about stay on screen', () => {
  it('lab 1 (6.5): the file being closed is drawn from pick_file to its last fput', () => {
    const r = checkDetached('03-close-path.lab.md', 'where-release-runs-65', '6.5')
    expect(r.detachedSeen).toBeGreaterThan(0)
  })
  it('lab 2 (6.18): the pinned file is drawn after filp_close drops the table reference', () => {
    const r = checkDetached('07-binder-deferred-close.lab.md', 'pin-count', '6.18')
    expect(r.detachedSeen).toBeGreaterThan(0)
  })
})

describe('a statement step reports everything it changed', () => {
  it('stepping over close(fd) shows the emptied slot and the count that fell, not only the last micro-step', () => {
    const s = createSession()
    s.sessionLoad(lab('03-close-path.lab.md'))
    s.sessionScenario('where-release-runs')
    s.sessionTerminal('trace off')
    let u = s.sessionStep('over', 1)
    for (let i = 0; i < 5 && !/close\(3\)/.test(strip((u.output ?? []).join('\n'))); i++) u = s.sessionStep('over', 1)
    const step = u.run!.change.step
    expect(step.to).toBe(u.run!.cursor)
    expect(step.to - step.from).toBeGreaterThan(1)
    expect(step.slots.some((x) => x.fd === 3 && x.from !== null && x.to === null)).toBe(true)
    expect(step.refs.length).toBeGreaterThan(0)
    // The last micro-step alone did not empty the slot: the span is what shows it.
    expect(u.run!.snapshot.changed.fds).not.toContain(`${step.slots[0]!.files}:3`)
    // Inline values: what each line's last execution did, from the trace.
    const inline = new Map(u.run!.inline.map((v) => [v.line, v.text]))
    expect(inline.get(2)).toMatch(/open\(\) = 3/)
    expect(inline.get(3)).toMatch(/fd 3: file#\d+→∅.*close\(\) = 0/)
  })
  it('"this syscall" spans the current system call while micro-stepping inside it', () => {
    const s = createSession()
    s.sessionTerminal('trace off')
    s.sessionTerminal('open /tmp/a O_RDWR|O_CREAT 0644')
    // Type close, then go back into the middle of it.
    const c = s.sessionTerminal('close 3')
    const end = c.run!.cursor
    const mid = s.sessionGoto(end - 2)
    const sys = mid.run!.change.syscall
    expect(sys).not.toBeNull()
    expect(sys!.from).toBeLessThan(end - 3)
  })
})

describe('the terminal', () => {
  it('a system call with a missing argument is an error with its column, and runs nothing', () => {
    const s = createSession()
    const before = s.sessionTerminal('open /tmp/a O_RDWR|O_CREAT 0644').run!.cursor
    const close = s.sessionTerminal('close')
    expect(out(close).join('\n')).toMatch(/^terminal:1:7: error\[shell-args\]: close: missing argument FD/)
    const dup2 = s.sessionTerminal('dup2 3')
    expect(out(dup2).join('\n')).toMatch(/^terminal:1:8: error\[shell-args\]: dup2: missing argument NEWFD/)
    const snap = s.sessionTerminal('ps')
    expect(snap.run).toBeUndefined()
    const fds = s.sessionStep('micro', 1).run!.snapshot.tables[0]!.slots.map((x) => x.fd)
    expect(fds).toEqual([0, 1, 2, 3])
    expect(before).toBeGreaterThan(0)
  })
})

describe('explorer results belong to their scenario', () => {
  it('switching scenario, editing or changing profile drops them; opening an old outcome is refused', () => {
    const s = createSession()
    s.sessionLoad(lab('07-binder-deferred-close.lab.md'))
    s.sessionScenario('naive')
    const e = s.sessionExplore({ bound: 1, maxRuns: 2000 })
    expect(e.explore!.outcomes.length).toBeGreaterThan(0)
    const sw = s.sessionScenario('deferred')
    expect(sw.explore).toBeNull()
    expect(s.sessionOpenOutcome(0).error).toMatch(/no explored outcome/)
    s.sessionScenario('naive')
    s.sessionExplore({ bound: 1, maxRuns: 2000 })
    expect(s.sessionEdit('process app { }\n').explore).toBeNull()
  })
})

describe('answers kept by the renderer', () => {
  it('restored texts reach the submission and the editor of their exercise', () => {
    const s = createSession({ now: () => new Date(0) })
    s.sessionLoad(lab('07-binder-deferred-close.lab.md'))
    const r = s.sessionRestore({ edits: [{ key: 'exercise:deferred-close', text: '/* mine */\n' }, { key: 'light', text: '1' }, { key: 'nope', text: 'x' }] })
    expect(r.error).toBeUndefined()
    const sub = JSON.parse(s.sessionSubmission('ada')!.text) as { answers: Record<string, string> }
    expect(sub.answers).toEqual({ 'deferred-close': '/* mine */\n', light: '1' })
    expect(s.sessionScenario('exercise:deferred-close').source).toBe('/* mine */\n')
  })
})

describe('Perfetto export', () => {
  it('a run becomes Chrome trace events: named threads, nested slices, refcount counters', () => {
    const s = createSession()
    s.sessionLoad(lab('03-close-path.lab.md'))
    s.sessionScenario('where-release-runs')
    s.sessionRun()
    const f = s.sessionPerfetto()!
    expect(f.name).toMatch(/\.perfetto\.json$/)
    const t = JSON.parse(f.text) as { traceEvents: { name: string; ph: string; tid?: number; args?: Record<string, unknown> }[] }
    const ev = t.traceEvents
    expect(ev.some((e) => e.ph === 'M' && e.name === 'thread_name' && /app:\d+/.test(String(e.args?.name)))).toBe(true)
    expect(ev.some((e) => e.ph === 'B' && e.name === 'sys_close')).toBe(true)
    expect(ev.some((e) => e.ph === 'B' && e.name === 'filp_close')).toBe(true)
    expect(ev.some((e) => e.ph === 'C' && /refcount/.test(e.name))).toBe(true)
    // Every B has its E on the same thread, properly nested.
    const stacks = new Map<number, string[]>()
    for (const e of ev) {
      if (e.ph === 'B') { const st = stacks.get(e.tid!) ?? []; st.push(e.name); stacks.set(e.tid!, st) }
      if (e.ph === 'E') expect(stacks.get(e.tid!)!.pop()).toBe(e.name)
    }
    for (const st of stacks.values()) expect(st).toEqual([])
  })
})

describe('names, not numbers', () => {
  it('clone and close_range flags, dup3 and pipe2 flags print symbolically; ioctl commands by name in the call path', async () => {
    const { straceArgs } = await import('../../../main/engine/machine/format')
    expect(straceArgs('unshare', [0x400])).toBe('CLONE_FILES')
    expect(straceArgs('unshare', [0x400 | 0x200 | 0x80000000])).toBe('CLONE_FS|CLONE_FILES|CLONE_IO')
    expect(straceArgs('clone', ['{flags=0x50f00}'])).toBe('flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM')
    expect(straceArgs('close_range', [3, 4294967295, 4])).toBe('3, 4294967295, CLOSE_RANGE_CLOEXEC')
    expect(straceArgs('dup3', [3, 7, 0o2000000])).toBe('3, 7, O_CLOEXEC')
    expect(straceArgs('setrlimit', [7, '{rlim_cur=16, rlim_max=4096}'])).toBe('RLIMIT_NOFILE, {rlim_cur=16, rlim_max=4096}')
    const s = createSession()
    s.sessionLoad(lab('07-binder-deferred-close.lab.md'))
    s.sessionScenario('naive')
    let u = s.sessionStep('micro', 1)
    for (let i = 0; i < 300 && !u.run!.stack.some((x) => x.startsWith('ioctl(')); i++) u = s.sessionStep('micro', 1)
    expect(u.run!.stack.find((x) => x.startsWith('ioctl('))).toMatch(/^ioctl\(3, BINDER_CLOSE_NAIVE, 3\)$/)
  })
})

describe('fdlab run --perfetto FILE', () => {
  it('writes every run of the scenario (each kernel profile) as one Chrome trace', async () => {
    const { runCommand } = await import('../../../main/cli/lab')
    const { mkdtempSync, readFileSync: read } = await import('node:fs')
    const { tmpdir } = await import('node:os')
    const file = join(mkdtempSync(join(tmpdir(), 'fdlab-perfetto-')), 'run.json')
    const out: string[] = []
    const code = runCommand([join(ROOT, 'labs/07-binder-deferred-close.lab.md'), '--scenario', 'naive', '--perfetto', file], { out: (x) => out.push(x), err: (x) => out.push(x) })
    expect(code).toBe(0)
    expect(out.at(-1)).toMatch(/perfetto: 2 run\(s\) written/)
    const t = JSON.parse(read(file, 'utf8')) as { traceEvents: { ph: string; name: string; args?: { name?: string } }[] }
    const names = t.traceEvents.filter((e) => e.ph === 'M' && e.name === 'process_name').map((e) => e.args?.name)
    expect(names).toEqual(expect.arrayContaining([expect.stringMatching(/\[6\.5\] app \(pid 100\)/), expect.stringMatching(/\[6\.18\] app \(pid 100\)/)]))
    expect(t.traceEvents.some((e) => e.ph === 'B' && e.name === 'sys_ioctl')).toBe(true)
  })
})

describe('compare', () => {
  it('runs the scenario under the other kernel profile and keeps the current run', () => {
    const s = createSession()
    s.sessionLoad(lab('07-binder-deferred-close.lab.md'))
    s.sessionScenario('naive')
    const before = s.sessionStep('over', 2).run!
    const c = s.sessionCompare({ profile: '6.18', variants: 'same' })
    expect(c.error).toBeNull()
    expect(c.steps).toBeGreaterThan(20)
    expect(c.violations.map((v) => v.rule)).toContain('V2')
    // The run on screen is where it was.
    expect(s.sessionStep('micro', 1).run!.cursor).toBe(before.cursor + 1)
    expect(s.sessionCompare({ profile: '6.5', variants: 'none' }).violations.map((v) => v.rule)).toContain('V2')
  })
})

describe('inline values in kernel-mode lab code', () => {
  it('each driver line shows what it did: the detach, the pin, the put', () => {
    const s = createSession()
    s.sessionLoad(lab('07-binder-deferred-close.lab.md'))
    s.sessionScenario('pin-count')
    const r = s.sessionRun()
    const inline = new Map(r.run!.inline.map((v) => [v.line, v.text]))
    expect(inline.get(7)).toMatch(/^fd 4: file#\d+→∅/)
    expect(inline.get(10)).toMatch(/^file#\d+ 1→2$/)
    expect(inline.get(11)).toMatch(/file#\d+ 2→1/)
    expect(inline.get(13)).toMatch(/file#\d+ 1→0/)
  })
})
