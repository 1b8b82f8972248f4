/**
 * `fdlab sh`, the interactive-syscall syntax it shares with the terminal, and the CLI entry.
 */
import { describe, it, expect } from 'vitest'
import { parseCommand } from '../../main/engine/machine/shell'
import { shCommand } from '../../main/cli/sh'
import { main } from '../../main/cli/index'
import { O_CREAT, O_RDWR, F_SETFD, FD_CLOEXEC } from '../../main/engine/kernel/include/flags'

function io() {
  const out: string[] = []
  const err: string[] = []
  return { out, err, io: { out: (s: string) => { out.push(s) }, err: (s: string) => { err.push(s) } } }
}

describe('interactive syscall lines', () => {
  it('reads paths, flag words, octal modes and flag names', () => {
    expect(parseCommand('open /tmp/a O_RDWR|O_CREAT 0644')).toEqual({ ok: true, name: 'open', args: ['/tmp/a', O_RDWR | O_CREAT, 0o644] })
    expect(parseCommand('fcntl 3 F_SETFD FD_CLOEXEC')).toEqual({ ok: true, name: 'fcntl', args: [3, F_SETFD, FD_CLOEXEC] })
    expect(parseCommand('dup2 3 7')).toEqual({ ok: true, name: 'dup2', args: [3, 7] })
  })
  it('rejects unknown calls and unreadable arguments with a column', () => {
    expect(parseCommand('frobnicate 3')).toMatchObject({ ok: false, column: 1 })
    expect(parseCommand('close three')).toMatchObject({ ok: false, column: 7 })
  })
})

describe('fdlab sh', () => {
  it('prints each call strace-style, in the chosen profile', () => {
    const t = io()
    expect(shCommand(['--kernel', '6.5', '-c', 'open /tmp/a O_RDWR|O_CREAT 0644; dup2 3 7; close 3; close 3'], t.io)).toBe(0)
    expect(t.out).toEqual([
      '[pid 100] open("/tmp/a", O_RDWR|O_CREAT, 0644) = 3',
      '[pid 100] dup2(3, 7) = 7',
      '[pid 100] close(3) = 0',
      '[pid 100] close(3) = -1 EBADF (Bad file descriptor)',
      '[pid 100] +++ exited with 0 +++',
    ])
  })
  it('--trace prints the kernel path; the 6.5 close defers __fput to task work', () => {
    const t = io()
    shCommand(['--kernel', '6.5', '--trace', '-c', 'open /tmp/a O_RDWR|O_CREAT 0644; close 3'], t.io)
    const text = t.out.join('\n')
    expect(text).toMatch(/close_fd\(3\) \{/)
    const ran = text.search(/____fput\(file#\d+\.f_task_work\) \{/)
    expect(ran).toBeGreaterThan(0)
    expect(text.indexOf('<= close(3) = 0')).toBeLessThan(ran)
  })
  it('an unknown profile or variant is an error, never a substitute', () => {
    const t = io()
    expect(shCommand(['--kernel', '6.7', '-c', 'close 3'], t.io)).toBe(2)
    expect(t.err.join('')).toMatch(/unknown kernel profile '6.7'/)
    expect(shCommand(['--variant', 'nope', '-c', 'close 3'], t.io)).toBe(2)
  })
  it('a line it cannot read is reported and the exit status is 1', () => {
    const t = io()
    expect(shCommand(['-c', 'close x'], t.io)).toBe(1)
    expect(t.err.join('')).toMatch(/close x: error: cannot read 'x'/)
  })
})

describe('fdlab', () => {
  it('--help lists the commands; an unknown command exits 2', async () => {
    const t = io()
    expect(await main(['--help'], t.io)).toBe(0)
    for (const c of ['sh', 'check', 'run', 'release', 'replay', 'explore', 'profiles']) expect(t.out.join('\n')).toContain(`  ${c}`)
    expect(await main(['nope'], t.io)).toBe(2)
  })
})
