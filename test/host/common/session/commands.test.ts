// The terminal's command table: dispatch by name and alias, argument checks, help and completion
// derived from the table; lines that are system calls go to the shell. A recording target stands
// in for the session (session.test.ts drives the real one).
import { describe, expect, it } from 'vitest'
import { COMMANDS, completions, helpText, runCommand, type CommandTarget } from '../../../../main/host/common/session/commands'
import { SYSCALL_NAMES } from '../../../../main/host/common/shellCommands'
import type { SessionUpdate, Snapshot } from '../../../../preload/contract'

const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '')

const SNAP = {
  tasks: [{ pid: 100, tgid: 100, comm: 'app', state: 'R', files: 'files#1' }],
  threads: [{ tid: 100, status: 'runnable', next: 'close' }],
  tables: [], files: [],
} as unknown as Snapshot

function target() {
  const calls: string[] = []
  let graph: boolean | null = null
  const said = (lines: string[]): SessionUpdate => ({ rev: 0, output: lines })
  const rec = (what: string) => (...args: unknown[]): SessionUpdate => {
    calls.push([what, ...args.map((a) => JSON.stringify(a))].join(' '))
    return { rev: 0 }
  }
  const t: CommandTarget = {
    run: rec('run'), step: rec('step'), back: rec('back'), goto: rec('goto'), runToLabel: rec('label'), reset: rec('reset'),
    explore: rec('explore'), openOutcome: rec('outcome'), shell: rec('shell'), say: said,
    setGraph: (on) => { graph = on },
    snapshot: () => SNAP, wide: () => SNAP, why: (n) => [`why ${n}`],
  }
  return { t, calls, graph: () => graph }
}

const run = (line: string) => {
  const x = target()
  const u = runCommand(line, x.t)
  return { calls: x.calls, out: (u.output ?? []).map(strip), graph: x.graph() }
}

describe('the command table', () => {
  it('gives every command a unique name, help lines and a handler', () => {
    const names = COMMANDS.flatMap((c) => c.names)
    expect(new Set(names).size).toBe(names.length)
    for (const c of COMMANDS) expect(c.help.length).toBeGreaterThan(0)
    // A command never hides a system call of the same name (the shell would be unreachable).
    for (const n of names) expect(SYSCALL_NAMES).not.toContain(n)
  })

  it('dispatches names and aliases with their counts', () => {
    expect(run('step').calls).toEqual(['step "over" 1'])
    expect(run('n 3').calls).toEqual(['step "over" 3'])
    expect(run('next 2').calls).toEqual(['step "over" 2'])
    expect(run('s 2').calls).toEqual(['step "into" 2'])
    expect(run('stepi').calls).toEqual(['step "into" 1'])
    expect(run('micro 5').calls).toEqual(['step "micro" 5'])
    expect(run('micro -1').calls).toEqual(['step "micro" 1'])
    expect(run('micro x').calls).toEqual(['step "micro" 1'])
    expect(run('b').calls).toEqual(['back 1'])
    expect(run('back 4').calls).toEqual(['back 4'])
    expect(run('  run  ').calls).toEqual(['run'])
    expect(run('reset').calls).toEqual(['reset'])
  })

  it('goto takes a step number or a label; outcome and explore take numbers', () => {
    expect(run('goto 12').calls).toEqual(['goto 12'])
    expect(run('until after_open').calls).toEqual(['label "after_open"'])
    expect(run('goto').out).toEqual(['usage: goto N, or goto LABEL (a lab C label)'])
    expect(run('explore').calls).toEqual(['explore {"bound":2,"maxRuns":100000}'])
    expect(run('explore 3').calls).toEqual(['explore {"bound":3,"maxRuns":100000}'])
    expect(run('outcome 1').calls).toEqual(['outcome 1'])
    expect(run('outcome x').out).toEqual(['usage: outcome N (after explore)'])
  })

  it('inspection commands read the snapshot, and say how to use them when the argument is wrong', () => {
    expect(run('ps').out[1]).toMatch(/^\s+100\s+100 app/)
    expect(run('fdt').out).toEqual(['usage: fdt PID'])
    expect(run('fdt 7').out).toEqual(['fdt: no process 7 with an fd table'])
    expect(run('ls').out).toEqual(['usage: ls -l /proc/PID/fd'])
    expect(run('cat /proc/1/fd').out).toEqual(['usage: cat /proc/PID/fdinfo/N'])
    expect(run('file').out).toEqual(['usage: file ID (e.g. file#3)'])
    expect(run('why 9').out).toEqual(['why 9'])
  })

  it('trace on|off switches the function_graph lines', () => {
    expect(run('trace off')).toMatchObject({ graph: false, out: ['function_graph lines off'] })
    expect(run('trace on')).toMatchObject({ graph: true, out: ['function_graph lines on'] })
    expect(run('trace maybe')).toMatchObject({ graph: null, out: ['usage: trace on|off'] })
  })

  it('sends system calls to the shell and rejects anything else', () => {
    expect(run('  close 3 ').calls).toEqual(['shell "close 3"'])
    expect(run('frobnicate 3').out).toEqual(['frobnicate: unknown command (type help)'])
    expect(run('').out).toEqual([])
  })

  it('lists every help line of the table, then the system calls', () => {
    const help = helpText().map(strip)
    const rows = COMMANDS.flatMap((c) => c.help)
    expect(help[0]).toBe('commands')
    expect(help.slice(1, 1 + rows.length).map((l) => l.trim().split(/\s{2,}/))).toEqual(rows.map(([u, t]) => [u, t]))
    expect(help[1 + rows.length]).toMatch(/^interactive system calls/)
    expect(help).toContain('  dup2 OLDFD NEWFD')
  })
})

describe('completion', () => {
  const c = { pids: [100, 101], fileIds: ['file#1', 'file#2'] }
  it('completes command names and system calls first', () => {
    expect(completions('ou', c)).toEqual({ start: 0, candidates: ['outcome'] })
    expect(completions('st', c).candidates).toEqual(expect.arrayContaining(['step', 'stepi']))
    expect(completions('dup', c).candidates).toEqual(expect.arrayContaining(['dup2', 'dup3']))
    // Aliases are accepted but not offered.
    expect(completions('', c).candidates).not.toContain('until')
  })
  it("completes a command's arguments from its table entry", () => {
    expect(completions('ls ', c)).toEqual({ start: 3, candidates: ['-l', '/proc/100/fd', '/proc/101/fd'] })
    expect(completions('ls -l /', c).candidates).toEqual(['/proc/100/fd', '/proc/101/fd'])
    expect(completions('cat /proc/1', c).candidates).toEqual(['/proc/100/fdinfo/', '/proc/101/fdinfo/'])
    expect(completions('fdt 10', c).candidates).toEqual(['100', '101'])
    expect(completions('file f', c).candidates).toEqual(['file#1', 'file#2'])
    expect(completions('trace o', c).candidates).toEqual(['off', 'on'])
  })
  it('completes flags after the last | for system calls and other commands', () => {
    expect(completions('open /tmp/a O_RDWR|O_CLOE', c)).toEqual({ start: 12, candidates: ['O_RDWR|O_CLOEXEC'] })
    expect(completions('close /dev/n', c).candidates).toEqual(['/dev/null'])
  })
})
