import { mkdtempSync, readFileSync, writeFileSync, readdirSync, mkdirSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { checkCommand, releaseCommand, runCommand } from '../../main/cli/lab'
import { formatSchedule, parseSchedule } from '../../main/engine/lab/schedule'

const binder = readFileSync(new URL('../fixtures/binder.lab.md', import.meta.url), 'utf8')
const small = readFileSync(new URL('../fixtures/small.lab.md', import.meta.url), 'utf8')
const dir = mkdtempSync(join(tmpdir(), 'fdlab-cli-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function io() {
  const out: string[] = []
  const err: string[] = []
  return { io: { out: (s: string) => { out.push(s) }, err: (s: string) => { err.push(s) } }, out, err, text: () => out.join('\n') }
}

describe('fdlab check / run / release', () => {
  const course = join(dir, 'course')
  mkdirSync(course)
  writeFileSync(join(course, '02-binder.lab.md'), binder)
  writeFileSync(join(course, '01-small.lab.md'), small)
  writeFileSync(join(course, 'course.yaml'), 'title: T\nlabs:\n  - file: 02-binder.lab.md\n')

  it('check passes a good lab and exits 0', () => {
    const c = io()
    expect(checkCommand([join(course, '02-binder.lab.md')], c.io)).toBe(0)
    expect(c.text()).toMatch(/passed: 16 of 16 runs passed in 1 lab$/)
    expect(c.text()).toContain('ok    ')
  })

  it('check fails a lab whose solution fails a hidden test, printing the trace and schedule', () => {
    const c = io()
    expect(checkCommand([join(course, '01-small.lab.md')], c.io)).toBe(1)
    const t = c.text()
    expect(t).toContain('FAIL  ' + join(course, '01-small.lab.md') + ': exercise safe-close test secret (hidden) [6.5]')
    expect(t).toMatch(/\[pid 100\] ioctl\(3, 16385, 3\) = 0/)
    expect(t).toMatch(/schedule: v1:100\*\d+/)
    expect(t).toMatch(/FAILED: 6 of 8 runs passed/)
  })

  it('a folder means its course.yaml order; --kernel narrows to one profile; unknown profiles are errors', () => {
    const c = io()
    expect(checkCommand([course, '--kernel', 'mainline', '--quiet'], c.io)).toBe(0)
    expect(c.text()).toBe('passed: 8 of 8 runs passed in 1 lab')
    const bad = io()
    expect(checkCommand([course, '--kernel', '5.4'], bad.io)).toBe(2)
    expect(bad.err.join('\n')).toContain("unknown kernel profile '5.4'")
    const none = io()
    expect(checkCommand([join(dir, 'nope')], none.io)).toBe(2)
  })

  it('check reports lab-file errors with file, line and column', () => {
    const f = join(dir, 'broken.lab.md')
    writeFileSync(f, binder.replace('return close_fd(fd);', 'return close_fd(fd, 1);'))
    const c = io()
    expect(checkCommand([f], c.io)).toBe(1)
    // The compile error is listed once, at the top; each run that could not start points to it.
    expect(c.err.concat(c.out).filter((l) => l.includes('error[arg-count]'))).toEqual([`${f}:25:40: error[arg-count]: 'close_fd' takes 1 argument, got 2`])
    expect(c.text()).toContain(`ERROR ${f}: scenario naive [6.5] not-run, 0 steps\n      the sources do not compile (1 error, listed above)`)
    expect(c.text()).toMatch(/FAILED: 14 of 16 runs passed/)
  })

  it('run prints strace lines (and function_graph with --trace), and replays a printed schedule', () => {
    const f = join(course, '02-binder.lab.md')
    const a = io()
    expect(runCommand([f, '--scenario', 'naive', '--kernel', '6.18'], a.io)).toBe(0)
    const t = a.text()
    expect(t).toContain('[pid 100] ioctl(3, 0, 3) = 0')
    expect(t).toContain('violation V2 at step')
    const sched = /schedule: (\S+)/.exec(t)![1]!
    const b = io()
    expect(runCommand([f, '--scenario', 'naive', '--kernel', '6.18', '--schedule', sched, '--trace'], b.io)).toBe(0)
    expect(b.text()).toContain('naive_fops.unlocked_ioctl(')
    expect(b.text()).toContain(`schedule: ${sched}`)
    const c = io()
    expect(runCommand([f, '--scenario', 'deferred/own-fd', '--kernel', '6.5'], c.io)).toBe(0)
    expect(c.text()).toContain('expectation pass: met')
    const d = io()
    expect(runCommand([f, '--scenario', 'missing'], d.io)).toBe(2)
    expect(d.err.join()).toContain("no scenario or EXERCISE/TEST named 'missing'")
    const e = io()
    expect(runCommand([f, '--schedule', 'x,y'], e.io)).toBe(2)
    const g = io()
    expect(runCommand([f, '--scenario', 'naive', '--kernel', '6.18', '--schedule', 'v1:100*3,555'], g.io)).toBe(1)
    expect(g.text()).toContain('the schedule does not fit this program: the thread it names cannot run at micro-step 4')
  })

  it('release writes the student edition of each lab of a folder, and copies course.yaml', () => {
    const out = join(dir, 'student')
    const c = io()
    expect(releaseCommand([course, '-o', out], c.io)).toBe(0)
    expect(readdirSync(out).sort()).toEqual(['02-binder.lab.md', 'course.yaml'])
    const s = readFileSync(join(out, '02-binder.lab.md'), 'utf8')
    expect(s).not.toContain('solution=')
    expect(s).not.toContain('hidden')
    expect(s).toContain('name=other-fd')
    expect(s).toContain('edition: student')
    expect(c.text()).toContain('(5 blocks removed, 2 visible tests kept)')
    const again = io()
    expect(checkCommand([join(out, '02-binder.lab.md'), '--quiet'], again.io)).toBe(0)
    const self = io()
    expect(releaseCommand([join(course, '02-binder.lab.md'), '-o', course], self.io)).toBe(2)
  })

  it('release copies the data files a lab names (the capstone\'s strace log)', () => {
    const src = join(dir, 'with-data')
    mkdirSync(join(src, 'data'), { recursive: true })
    writeFileSync(join(src, 'data', 'log.strace'), '1 close(3) = 0\n')
    writeFileSync(join(src, 'data', 'unused.txt'), 'not named by the lab\n')
    writeFileSync(join(dir, 'outside.txt'), 'not part of the course\n')
    symlinkSync(join(dir, 'outside.txt'), join(src, 'data', 'link.txt'))
    writeFileSync(join(src, '03-data.lab.md'), small.replace(/\n# /, '\nReplay `data/log.strace` (next to this lab); `data/missing.log` is not there; `data/link.txt` is a link.\n\n# '))
    const out = join(dir, 'with-data-student')
    const c = io()
    expect(releaseCommand([src, '-o', out], c.io)).toBe(0)
    expect(readdirSync(out).sort()).toEqual(['03-data.lab.md', 'data'])
    expect(readdirSync(join(out, 'data'))).toEqual(['log.strace'])
    expect(readFileSync(join(out, 'data', 'log.strace'), 'utf8')).toBe('1 close(3) = 0\n')
    expect(c.text()).toContain('data/log.strace')
  })

  it('the course\'s student edition is complete: the capstone\'s log is copied', () => {
    const out = join(dir, 'course-student')
    const c = io()
    expect(releaseCommand([new URL('../../labs/09-capstone-pipeline.lab.md', import.meta.url).pathname, '-o', out], c.io)).toBe(0)
    expect(readFileSync(join(out, 'data', 'pipeline.strace'), 'utf8')).toBe(readFileSync(new URL('../../labs/data/pipeline.strace', import.meta.url), 'utf8'))
  })
})

describe('schedules as text', () => {
  it('round-trips runs of one thread', () => {
    const s = [100, 100, 100, 101, 10, 10, 100]
    expect(formatSchedule(s)).toBe('v1:100*3,101,10*2,100')
    expect(parseSchedule(formatSchedule(s))).toEqual(s)
    expect(parseSchedule('100*3,101,10*2,100')).toEqual(s)
    expect(parseSchedule('v2:100')).toMatch(/format v2 is not supported/)
    expect(parseSchedule('100 100\n101')).toEqual([100, 100, 101])
    expect(parseSchedule('{"format":1,"schedule":[5,6]}')).toEqual([5, 6])
    expect(parseSchedule('1,a')).toMatch(/list of thread ids/)
  })

  it('check --answer applies the grader\'s provoke integrity check: a scenario whose own driver breaks V2 scores 0, as fdlab grade says', () => {
    const lab = new URL('../../labs/07-binder-deferred-close.lab.md', import.meta.url).pathname
    const own = join(dir, 'own-driver.c')
    writeFileSync(own, 'driver mine {\n  long ioctl(struct file *filp, unsigned int cmd, unsigned long arg) { return close_fd(arg); }\n}\nprocess app {\n  int b = open("/dev/mine", O_RDWR);\n  ioctl(b, 0, b);\n}\n')
    const c = io()
    expect(checkCommand([lab, '--quiet', '--kernel', '6.18', '--answer', `provoke-v2=${own}`], c.io)).toBe(1)
    expect(c.text()).toContain('FAIL  ')
    expect(c.text()).toContain('your scenario shows the finding even where the bug is fixed')
    expect(c.text()).toContain('exercise provoke-v2: 0 of 2 points')
    // A scenario that loops where the bug is fixed shows nothing about the fix: BUDGET, 0 points.
    const loops = join(dir, 'fix-loops.c')
    writeFileSync(loops, '#include <linux/android/binder.h>\nprocess app {\n  int b = open("/dev/binder", O_RDWR);\n  int cmd = BINDER_CLOSE_NAIVE;\n  if (cmd == BINDER_FREE_FD) { while (1) { } }\n  ioctl(b, cmd, b);\n}\n')
    const b = io()
    expect(checkCommand([lab, '--quiet', '--kernel', '6.18', '--answer', `provoke-v2=${loops}`], b.io)).toBe(1)
    expect(b.text()).toMatch(/^BUDGET \S+: exercise provoke-v2 test v2 \[6\.18\] integrity$/m)
    expect(b.text()).toContain('exercise provoke-v2: 0 of 2 points')
    // The grader's budget (20,000 micro-steps), not check's: a scenario that spins 30,000 steps first is BUDGET, as fdlab grade says.
    const slow = join(dir, 'slow.c')
    writeFileSync(slow, '#include <linux/android/binder.h>\nprocess app {\n  int b = open("/dev/binder", O_RDWR);\n  for (int i = 0; i < 30000; i++) { }\n  ioctl(b, BINDER_CLOSE_NAIVE, b);\n}\n')
    const s = io()
    expect(checkCommand([lab, '--kernel', '6.18', '--answer', `provoke-v2=${slow}`], s.io)).toBe(1)
    expect(s.text()).toMatch(/^BUDGET \S+: exercise provoke-v2 test v2 \[6\.18\] budget/m)
    expect(s.text()).not.toMatch(/^ok /m)
    // The lab's own kind of answer (the buggy form the exercise is about) keeps its points.
    const naive = join(dir, 'naive.c')
    writeFileSync(naive, '#include <linux/android/binder.h>\nprocess app {\n  int b = open("/dev/binder", O_RDWR);\n  ioctl(b, BINDER_CLOSE_NAIVE, b);\n}\n')
    const ok = io()
    expect(checkCommand([lab, '--quiet', '--kernel', '6.18', '--answer', `provoke-v2=${naive}`], ok.io)).toBe(0)
    expect(ok.text()).toContain('exercise provoke-v2: 2 of 2 points')
  })
})
