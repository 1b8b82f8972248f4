/**
 * check, run and explore compose a test the same way (composeTest): the starter's uses=
 * libraries included, so what explore prints replays under run, and a budget stop is never
 * reported as a pass by any command.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { checkCommand, runCommand } from '../../main/cli/lab'
import { exploreCommand } from '../../main/cli/explore'

const dir = mkdtempSync(join(tmpdir(), 'fdlab-labcmd-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function io() {
  const out: string[] = []
  const err: string[] = []
  return { io: { out: (s: string) => { out.push(s) }, err: (s: string) => { err.push(s) } }, out, err, text: () => [...out, ...err].join('\n') }
}

const HEAD = `---
id: cmds
title: Commands
version: "1"
kernel: 6.18
authors: [T]
license: MIT
---
`

const LAB = `${HEAD}
\`\`\`c lib=dev
#define CLOSE_FD 0x4001
driver dev {
  long ioctl(struct file *filp, unsigned int cmd, unsigned long arg) {
    if (cmd == CLOSE_FD) return close_fd(arg);
    return -EINVAL;
  }
}
\`\`\`

\`\`\`yaml exercise=uaf
kind: provoke
prompt: make the naive close free the file under the ioctl
\`\`\`

\`\`\`c starter=uaf uses=dev
process app { int b = open("/dev/dev", O_RDWR); }
\`\`\`

\`\`\`c solution=uaf
process app {
  int b = open("/dev/dev", O_RDWR);
  ioctl(b, CLOSE_FD, b);
}
\`\`\`

\`\`\`c test=uaf name=v2 explore expect=violation rule=V2
\`\`\`
`

describe('one composition of a test for check, run and explore', () => {
  const f = join(dir, 'cmds.lab.md')
  writeFileSync(f, LAB)

  it("run --scenario EXERCISE/TEST includes the starter's uses= libraries, as check does", () => {
    const c = io()
    expect(checkCommand([f, '--quiet'], c.io)).toBe(0)
    const r = io()
    expect(runCommand([f, '--scenario', 'uaf/v2'], r.io)).toBe(0)
    expect(r.text()).toContain('expectation violation (V2): met (verdict: pass)')
  })

  it('the schedule explore prints replays under run', async () => {
    const e = io()
    expect(await exploreCommand([f, '--scenario', 'uaf/v2'], e.io)).toBe(0)
    const line = e.out.find((l) => l.startsWith('replay: fdlab run '))
    expect(line).toBeDefined()
    const schedule = /--schedule (\S+)/.exec(line!)![1]!
    const r = io()
    expect(runCommand([f, '--scenario', 'uaf/v2', '--kernel', '6.18', '--schedule', schedule], r.io)).toBe(0)
    expect(r.text()).toContain(`schedule: ${schedule}`)
  })
})

describe('no command reports a budget stop as a pass', () => {
  const f = join(dir, 'spin.lab.md')
  writeFileSync(f, `${HEAD}
\`\`\`c scenario=spin explore
driver spin {
  long ioctl(struct file *f, unsigned int cmd, unsigned long arg) {
    while (1) { }
    return 0;
  }
}
process app {
  int d = open("/dev/spin", O_RDWR);
  ioctl(d, 0, 0);
  expect(0);
}
\`\`\`
`)
  it('check', () => {
    const c = io()
    expect(checkCommand([f], c.io)).toBe(1)
    expect(c.text()).toMatch(/^BUDGET .*scenario spin \[6\.18\] budget/m)
    expect(c.text()).toContain('statement limit: 1000000 lab C statements executed')
  })
  it('run', () => {
    const c = io()
    expect(runCommand([f], c.io)).toBe(1)
    expect(c.text()).toContain('expectation pass: NOT met (verdict: budget)')
  })
  it('explore', async () => {
    const c = io()
    expect(await exploreCommand([f, '--scenario', 'spin'], c.io)).toBe(1)
    expect(c.text()).toContain('expectation pass: NOT met (budget: an interleaving stopped at a limit)')
  })
})

describe('a search the explorer cannot finish is never a verdict', () => {
  // Kernel code that spins on a lab global takes one micro-step per iteration: the search goes
  // as deep as the micro-step limit. Whatever the explorer does with that (stop at the limit, or
  // fail), the result is budget or an internal error, and no JavaScript message reaches the user.
  const f = join(dir, 'deep.lab.md')
  writeFileSync(f, `${HEAD}
\`\`\`c scenario=deep explore expect=violation
int go;
driver spin {
  long ioctl(struct file *f, unsigned int cmd, unsigned long arg) {
    if (cmd == 1) { go = 1; return 0; }
    while (go) { }
    return 0;
  }
}
process app {
  int d = open("/dev/spin", O_RDWR);
  thread t { ioctl(d, 1, 0); }
  ioctl(d, 2, 0);
}
\`\`\`
`)
  it('check', () => {
    const c = io()
    expect(checkCommand([f], c.io)).toBe(1)
    expect(c.text()).toMatch(/^(BUDGET|ERROR) .*scenario deep/m)
    expect(c.text()).not.toMatch(/no interleaving shows|RangeError|call stack/)
  })
  it('explore', async () => {
    const c = io()
    expect(await exploreCommand([f, '--scenario', 'deep'], c.io)).toBe(1)
    expect(c.text()).toMatch(/internal error|stopped at a limit/)
    expect(c.text()).not.toMatch(/RangeError|call stack/)
  })
})
