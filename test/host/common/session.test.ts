// The session and its timeline, driving the real engine: interactive system calls, time travel,
// terminal answers, lab loading with live diagnostics from the lab C front end, Save Lab and
// submissions.
import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createSession } from '../../../main/host/common/session'
import { SettingsStore } from '../../../main/host/node/settingsStore'
import { exerciseKeyText, type SessionUpdate, type Snapshot } from '../../../preload/contract'

const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '')
const out = (u: SessionUpdate) => (u.output ?? []).map(strip)
const slots = (s: Snapshot) => s.tables[0]!.slots.map((x) => `${x.fd}:${x.file}`)
const LAB = readFileSync(join(import.meta.dirname, '../../fixtures/mini.lab.md'), 'utf8')

describe('interactive system calls on the engine', () => {
  it('runs each call in a live process and prints it strace-style', () => {
    const s = createSession()
    s.sessionTerminal('trace off')
    const a = s.sessionTerminal('open /tmp/a O_RDWR|O_CREAT 0644')
    expect(out(a).join('\n')).toMatch(/\[pid 100\] open\("\/tmp\/a", O_RDWR\|O_CREAT, 0644\) = 3/)
    expect(slots(a.run!.snapshot)).toEqual(['0:file#1', '1:file#1', '2:file#1', '3:file#2'])
    const d = s.sessionTerminal('dup 3')
    expect(out(d).join('\n')).toMatch(/dup\(3\) = 4/)
    expect(d.run!.snapshot.files.find((f) => f.id === 'file#2')!.count).toBe(2)
    const c = s.sessionTerminal('close 3')
    expect(out(c).join('\n')).toMatch(/close\(3\) = 0/)
    expect(c.run!.snapshot.files.find((f) => f.id === 'file#2')!.count).toBe(1)
    expect(out(s.sessionTerminal('close 3')).join('\n')).toMatch(/close\(3\) = -1 EBADF/)
    const p = s.sessionTerminal('pipe')
    expect(out(p).join('\n')).toMatch(/→ \[3, 5\]/)
  })

  it('prints function_graph lines with step numbers when tracing is on', () => {
    const s = createSession()
    const lines = out(s.sessionTerminal('close 0')).join('\n')
    expect(lines).toMatch(/^\s+\d+\)\s+100 \| .*file_close_fd/m)
    expect(lines).toMatch(/<= close\(0\) = 0/)
  })

  it('rejects lines that are neither commands nor system calls', () => {
    const s = createSession()
    expect(out(s.sessionTerminal('frobnicate 3'))[0]).toMatch(/unknown command/)
    expect(out(s.sessionTerminal('dup2 3 banana'))[0]).toMatch(/cannot read 'banana'/)
  })
})

describe('time travel', () => {
  it('steps back and forward to identical snapshots', () => {
    const s = createSession()
    s.sessionTerminal('open /tmp/a O_RDWR|O_CREAT')
    s.sessionTerminal('dup2 3 9')
    const end = s.sessionTerminal('close 3')
    const total = end.run!.total
    const seen = new Map<number, string>()
    for (let i = total; i > 0; i--) {
      const u = s.sessionBack(1)
      expect(u.run!.cursor).toBe(i - 1)
      seen.set(i - 1, JSON.stringify(u.run!.snapshot))
    }
    expect(s.sessionGoto(0).run!.snapshot.tables[0]!.slots).toHaveLength(3)
    // Forward again along the recorded schedule: the same states, bit for bit.
    for (let i = 1; i < total; i++) {
      const u = s.sessionStep('micro', 1)
      expect(u.run!.cursor).toBe(i)
      expect(JSON.stringify(u.run!.snapshot)).toBe(seen.get(i))
    }
  })

  it('goto N lands on N and the fd table is the one the engine had then', () => {
    const s = createSession()
    s.sessionTerminal('trace off')
    const open = s.sessionTerminal('open /tmp/a O_RDWR|O_CREAT')
    const atOpen = open.run!.cursor
    s.sessionTerminal('close 3')
    const back = s.sessionGoto(atOpen)
    expect(back.run!.cursor).toBe(atOpen)
    expect(slots(back.run!.snapshot)).toContain('3:file#2')
    expect(back.run!.status).toBe('paused')
  })

  it('a call typed after stepping back replaces the future', () => {
    const s = createSession()
    s.sessionTerminal('trace off')
    const first = s.sessionTerminal('open /tmp/a O_RDWR|O_CREAT')
    s.sessionTerminal('open /tmp/b O_RDWR|O_CREAT')
    s.sessionGoto(first.run!.cursor)
    const u = s.sessionTerminal('dup 0')
    expect(out(u).join('\n')).toMatch(/dup\(0\) = 4/)
    expect(slots(u.run!.snapshot)).toEqual(['0:file#1', '1:file#1', '2:file#1', '3:file#2', '4:file#1'])
    expect(u.run!.total).toBe(u.run!.cursor)
  })

  it('the fd window can be moved over a large table', () => {
    const s = createSession()
    s.sessionTerminal('trace off')
    s.sessionTerminal('dup2 0 700')
    const v = s.sessionView({ from: 640, to: 704 })
    const t = v.run!.snapshot.tables[0]!
    expect(t.window).toEqual({ from: 640, to: 704 })
    expect(t.slots.map((x) => x.fd)).toEqual([700])
    expect(t.max_fds).toBeGreaterThanOrEqual(704)
  })
})

describe('terminal inspection', () => {
  it('answers ps, ls -l /proc/PID/fd, cat /proc/PID/fdinfo/N, fdt and file from the snapshot', () => {
    const s = createSession()
    s.sessionTerminal('open /tmp/a O_RDWR|O_CREAT')
    s.sessionTerminal('fcntl 3 F_SETFD FD_CLOEXEC')
    expect(out(s.sessionTerminal('ps')).join('\n')).toMatch(/100\s+100 sh/)
    const ls = out(s.sessionTerminal('ls -l /proc/100/fd'))
    expect(ls).toContain('total 4')
    expect(ls.join('\n')).toMatch(/ 3 -> \/tmp\/a \[file#2\]/)
    const info = out(s.sessionTerminal('cat /proc/100/fdinfo/3')).join('\n')
    expect(info).toMatch(/flags:\t.*O_CLOEXEC/)
    expect(info).toMatch(/count:\t1 /)
    expect(out(s.sessionTerminal('cat /proc/100/fdinfo/9'))[0]).toMatch(/No such file/)
    expect(out(s.sessionTerminal('fdt 100')).join('\n')).toMatch(/next_fd 4 · max_fds 64/)
    expect(out(s.sessionTerminal('file file#2')).join('\n')).toMatch(/fd 3 of files#1/)
  })
  it('completes commands, paths and flag names', () => {
    const s = createSession()
    expect(s.sessionComplete('cl').candidates).toEqual(['clear', 'close', 'close_range'])
    expect(s.sessionComplete('open /tmp/a O_RDWR|O_CL')).toEqual({ start: 12, candidates: ['O_RDWR|O_CLOEXEC'] })
    expect(s.sessionComplete('trace o').candidates).toEqual(['off', 'on'])
  })
})

describe('labs', () => {
  it('loads a lab: instructions without the role blocks, scenarios, exercises, the first scenario in the editor', () => {
    const s = createSession()
    const u = s.sessionLoad({ name: 'mini.lab.md', text: LAB })
    expect(u.kind).toBe('lab')
    expect(u.lab!.id).toBe('mini-close')
    expect(u.lab!.profiles).toEqual(['6.5', '6.18'])
    expect(u.profile).toBe('6.5')
    expect(u.lab!.scenarios.map((x) => x.name)).toEqual(['open-close'])
    expect(u.lab!.exercises.map((e) => `${e.id}:${e.kind}:${e.points}`)).toEqual(['first-fd:predict:1', 'safe-close:implement:5'])
    expect(u.lab!.markdown).toContain('# Closing a file')
    expect(u.lab!.markdown).not.toContain('process app')
    expect(u.lab!.markdown).not.toContain('solution')
    expect(u.source).toMatch(/^process app \{/)
    expect(u.sourceName).toBe('open-close.c')
  })
  it('reports lab C errors with editor line and column, and clears them when fixed', () => {
    const s = createSession()
    s.sessionLoad({ name: 'mini.lab.md', text: LAB })
    const bad = s.sessionEdit('process app {\n  int fd = open("/tmp/a", O_RDWR\n  close(fd);\n}\n')
    expect(bad.diagnostics!.length).toBeGreaterThan(0)
    expect(bad.diagnostics![0]!.line).toBeGreaterThanOrEqual(2)
    expect(bad.diagnostics![0]!.severity).toBe('error')
    const unknown = s.sessionEdit('process app {\n  frobnicate(3);\n}\n')
    expect(unknown.diagnostics!.some((d) => d.line === 2 && /frobnicate/.test(d.message))).toBe(true)
    const good = s.sessionEdit('process app {\n  int fd = open("/tmp/a", O_RDWR | O_CREAT, 0644);\n  close(fd);\n}\n')
    expect(good.diagnostics).toEqual([])
  })
  it('switches to an exercise answer and back', () => {
    const s = createSession()
    s.sessionLoad({ name: 'mini.lab.md', text: LAB })
    const ex = s.sessionScenario('safe-close')
    expect(ex.scenario).toBe('exercise:safe-close')
    expect(ex.source).toMatch(/int my_close/)
    expect(s.sessionScenario('nope').error).toMatch(/no scenario/)
  })
  it('Save Lab writes the edited scenario back into its block and nothing else', () => {
    const s = createSession()
    s.sessionLoad({ name: 'mini.lab.md', text: LAB })
    s.sessionEdit('process app {\n  close(0);\n}\n')
    const saved = s.sessionLabFile()!.text
    expect(saved).toContain('```c scenario=open-close\nprocess app {\n  close(0);\n}\n```')
    expect(saved.replace('process app {\n  close(0);\n}', '')).toBe(LAB.replace(/process app \{\n  int fd = open[\s\S]*?\n\}(?=\n```\n\nAn illustration)/, ''))
  })
  it('a submission carries the answers and the lab hash, never a grade', () => {
    const s = createSession({ now: () => new Date('2026-01-02T03:04:05Z'), appVersion: '9.9.9' })
    s.sessionLoad({ name: 'mini.lab.md', text: LAB })
    s.sessionAnswer({ exercise: 'first-fd', answer: '3' })
    s.sessionScenario('safe-close')
    s.sessionEdit('int my_close(unsigned int fd) { return 0; }\n')
    const sub = s.sessionSubmission('Ada Lovelace')!
    expect(sub.name).toBe('mini-close-Ada_Lovelace.submission.json')
    const j = JSON.parse(sub.text)
    expect(j).toEqual({
      format: 'fdlab-submission', version: 1,
      lab: { id: 'mini-close', version: '1.0', sha256: createHash('sha256').update(LAB).digest('hex') },
      student: 'Ada Lovelace', answers: { 'first-fd': '3', 'safe-close': 'int my_close(unsigned int fd) { return 0; }\n' },
      app: '9.9.9', time: '2026-01-02T03:04:05.000Z',
    })
    expect(sub.text).not.toMatch(/grade|score|points/)
  })
  it('anything that is not a lab opens as an strace log', () => {
    const s = createSession()
    const u = s.sessionLoad({ name: 'ls.strace', text: '1234 openat(AT_FDCWD, "/etc/x", O_RDONLY) = 3\n' })
    expect(u.kind).toBe('strace')
    expect(out(u)[0]).toMatch(/opened strace log ls\.strace \(1 events, kernel 6\.18\)/)
  })
})

describe('lab C scenarios on the engine', () => {
  const load = () => {
    const s = createSession()
    s.sessionLoad({ name: 'mini.lab.md', text: LAB })
    s.sessionTerminal('trace off')
    return s
  }
  it('steps over lab C statements, highlighting each line of the editor in turn', () => {
    const s = load()
    const lines: number[] = []
    for (let i = 0; i < 6; i++) lines.push(s.sessionStep('over', 1).run!.location!.line)
    expect(lines).toEqual([2, 3, 4, 5, 6, 7])
  })
  it('runs to the end: strace lines, the fd table on the way, no findings', () => {
    const s = load()
    const r = s.sessionRun()
    expect(out(r).join('\n')).toMatch(/\[pid 100\] open\("\/tmp\/a", O_RDWR\|O_CREAT, 0644\) = 3[\s\S]*close\(3\) = 0/)
    expect(r.run!.status).toBe('done')
    expect(r.run!.snapshot.violations).toEqual([])
    expect(r.marks!.filter((m) => m.kind === 'label').map((m) => m.label)).toEqual(['after_open'])
    const label = r.marks!.find((m) => m.kind === 'label')!
    const at = s.sessionGoto(label.step)
    expect(slots(at.run!.snapshot)).toContain('3:file#2')
  })
  it('runs to a lab C label, and goes back to it', () => {
    const s = load()
    const u = s.sessionTerminal('goto after_open')
    expect(out(u).at(-1)).toMatch(/→ label after_open \(step \d+\)/)
    expect(slots(u.run!.snapshot)).toContain('3:file#2')
    expect(u.run!.location?.line).toBe(6) // past the label: close(fd) is next
    s.sessionRun()
    const back = s.sessionTerminal('goto after_open')
    expect(back.run!.cursor).toBe(u.run!.cursor)
    expect(out(s.sessionTerminal('goto nowhere')).at(-1)).toMatch(/label nowhere was not reached/)
  })

  it('explores the scenario and opens an outcome as a run', () => {
    const s = load()
    const e = s.sessionExplore({ bound: 0, maxRuns: 200 })
    expect(e.explore!.explored).toBeGreaterThan(0)
    expect(e.explore!.outcomes.length).toBeGreaterThan(0)
    expect(e.explore!.outcomes[0]!.schedule).toMatch(/^v1:/)
    const o = s.sessionOpenOutcome(e.explore!.outcomes.length - 1)
    expect(o.run!.cursor).toBe(0)
    expect(o.run!.total).toBeGreaterThan(10)
  })
  it('judges exercises: a prediction, and an implementation against its public tests', () => {
    const s = load()
    const right = s.sessionAnswer({ exercise: 'first-fd', answer: '3' })
    expect(right.lab!.exercises[0]!.results).toMatchObject([{ name: 'your prediction', ok: true, message: '', status: 'passed' }])
    const wrong = s.sessionAnswer({ exercise: 'first-fd', answer: '4' })
    // The grader's words: expected versus actual.
    expect(wrong.lab!.exercises[0]!.results![0]).toMatchObject({ ok: false, status: 'failed', actual: '4' })
    expect(wrong.lab!.exercises[0]!.results![0]!.message).toMatch(/the kernel gives 3/)
    const impl = s.sessionAnswer({ exercise: 'safe-close', answer: 'int my_close(unsigned int fd) {\n  return close_fd(fd);\n}\n' })
    const res = impl.lab!.exercises[1]!.results!
    expect(res.map((r) => r.name)).toEqual(['visible [6.5]', 'visible [6.18]'])
    expect(res.every((r) => r.ok)).toBe(true)
    expect(out(impl).join('\n')).toMatch(/hidden test/)
    const missing = s.sessionAnswer({ exercise: 'safe-close', answer: 'int other(void) { return 0; }\n' })
    expect(missing.lab!.exercises[1]!.results![0]).toMatchObject({ ok: false, message: 'the answer must define my_close()' })
  })
  it('runs the exercise answer in the editor with its public test', () => {
    const s = load()
    s.sessionScenario('safe-close')
    const r = s.sessionRun()
    expect(out(r).join('\n')).toMatch(/ioctl\(3, 16385, 7\) = -1 EBADF/)
  })
  it('a run that breaks a kernel rule shows the violation, marks it and explains it', () => {
    const s = load()
    const naive = [
      'driver dev {',
      '  long ioctl(struct file *filp, unsigned int cmd, unsigned long arg) {',
      '    return close_fd(arg);',
      '  }',
      '}',
      'process app {',
      '  int b = open("/dev/dev", O_RDWR);',
      '  ioctl(b, 1, b);',
      '}',
    ].join('\n')
    expect(s.sessionEdit(naive).diagnostics).toEqual([])
    const r = s.sessionRun()
    const v = r.run!.snapshot.violations.filter((x) => x.severity === 'violation')
    expect(v.length).toBeGreaterThan(0)
    const mark = r.marks!.find((m) => m.kind === 'violation')!
    expect(mark.step).toBe(v[0]!.step)
    expect(out(r).join('\n')).toMatch(/!!! violation/)
    const why = s.sessionTerminal(`why ${mark.step}`).output!.map(strip)
    expect(why[0]).toMatch(/^violation: /)
    expect(why.join('\n')).toMatch(/close_fd|file_close_fd|filp_close/)
    // At the step of the finding, the kernel code of the driver is the current line.
    const at = s.sessionGoto(mark.step)
    expect(at.run!.location?.line).toBe(3)
  })
  it('does not run code with errors, and says why', () => {
    const s = load()
    s.sessionEdit('process app { frobnicate(); }\n')
    const r = s.sessionRun()
    expect(r.error).toMatch(/fix the 1 error/)
    expect(r.run).toBeUndefined()
  })
})

describe('strace logs replayed through the engine', () => {
  const LOG = readFileSync(join(import.meta.dirname, '../../fixtures/demo.strace.log'), 'utf8')
  it('steps through the log event by event; every process\'s fd table is the engine\'s', () => {
    const s = createSession()
    const u = s.sessionLoad({ name: 'demo.strace.log', text: LOG })
    expect(out(u)[1]).toMatch(/12 system call\(s\) in 2 process\(es\), 7 outcome\(s\) checked against the model: 0 mismatch/)
    expect(u.run!.total).toBe(15)
    s.sessionTerminal('trace off')
    const a = s.sessionStep('over', 5)
    expect(out(a).at(-1)).toMatch(/^\s+5 +\[pid 1000\] dup2\(3, 10\) = 10$/)
    expect(a.run!.location).toEqual({ line: 5, col: 1 })
    expect(slots(a.run!.snapshot)).toEqual(expect.arrayContaining(['3:file#4', '10:file#4']))
    const forked = s.sessionStep('over', 1)
    expect(forked.run!.snapshot.tables).toHaveLength(2)
    const end = s.sessionRun()
    expect(end.run!.status).toBe('done')
    expect(out(end).join('\n')).toMatch(/close\(3\) = -1 EBADF/)
    const back = s.sessionGoto(4)
    expect(slots(back.run!.snapshot)).toContain('3:file#4')
    expect(slots(back.run!.snapshot)).not.toContain('10:file#4')
  })
  it('a log the model disagrees with shows the mismatch, marked on the timeline', () => {
    const s = createSession()
    const bad = LOG.replace(/close\(10\) +=  ?0/, 'close(10) = -1 EBADF (Bad file descriptor)')
    expect(bad).not.toBe(LOG)
    const u = s.sessionLoad({ name: 'bad.strace.log', text: bad })
    expect(out(u)[1]).toMatch(/1 mismatch/)
    expect(u.marks).toContainEqual({ step: 11, kind: 'violation', label: 'mismatch at line 11' })
    s.sessionTerminal('trace off')
    expect(out(s.sessionRun()).join('\n')).toMatch(/MISMATCH: the kernel said -1 EBADF, the model 0/)
    expect(out(s.sessionTerminal('why 11'))[1]).toMatch(/MISMATCH/)
  })
})


describe('autosaved drafts of earlier versions', () => {
  it('restore under the keys the app computes now (exercise:ID spelling), into the session and the submission', () => {
    // Drafts as an earlier version stored them: the settings store's draft names spelled out by hand.
    const store = new SettingsStore(mkdtempSync(join(tmpdir(), 'fdlab-drafts-')))
    store.saveDraft('mini-close@1.0:exercise:first-fd', '3')
    store.saveDraft('mini-close@1.0:exercise:safe-close', 'int my_close(unsigned int fd) { return 1; }\n')
    store.saveDraft('mini-close@1.0:open-close', 'process app {\n  close(0);\n}\n')
    const s = createSession({ now: () => new Date(0) })
    const lab = s.sessionLoad({ name: 'mini.lab.md', text: LAB }).lab!
    // What the renderer's restoreAll asks for and gives the session.
    const lk = `${lab.id}@${lab.version}`
    const keys = [...lab.scenarios.map((x) => x.name), ...lab.exercises.map((e) => exerciseKeyText(e.id))]
    const edits = keys.map((key) => ({ key, text: store.loadDraft(`${lk}:${key}`) })).filter((e): e is { key: string; text: string } => e.text !== null)
    expect(edits.map((e) => e.key)).toEqual(['open-close', 'exercise:first-fd', 'exercise:safe-close'])
    const u = s.sessionRestore({ edits })
    expect(u.source).toBe('process app {\n  close(0);\n}\n')
    expect(JSON.parse(s.sessionSubmission('Ada')!.text).answers).toEqual({ 'first-fd': '3', 'safe-close': 'int my_close(unsigned int fd) { return 1; }\n' })
    expect(s.sessionScenario(exerciseKeyText('safe-close')).source).toMatch(/return 1;/)
  })
})

describe("a lab file's own problems", () => {
  it('are sent with the lab at FILE:LINE:COL (the Problems tab lists them); a good lab and a log have none', () => {
    const s = createSession()
    const broken = '---\nid: b\ntitle: B\nversion: "1"\nkernel: ["6.18"]\nauthors: [a]\nlicense: MIT\n---\n\n# B\n\n```c exercise=e kind=nonsense points=1\n```\n'
    const u = s.sessionLoad({ name: 'b.lab.md', text: broken })
    expect(u.fileProblems?.length).toBeGreaterThan(0)
    expect(u.fileProblems![0]).toMatchObject({ file: 'b.lab.md', severity: 'error' })
    expect(u.error).toMatch(/error\(s\) in the lab file/)
    expect(s.sessionLoad({ name: 'mini.lab.md', text: LAB }).fileProblems).toEqual([])
    expect(s.sessionLoad({ name: 'demo.strace.log', text: '100 close(3) = 0\n' }).fileProblems).toEqual([])
  })
})
