/**
 * Interactive system calls: the one-line syntax of the terminal and `fdlab sh`
 * (`open /tmp/a O_RDWR|O_CREAT 0644`, `dup2 3 7`, `close 3`, `pipe`, `fcntl 3 F_SETFD FD_CLOEXEC`).
 * A shell process runs queued lines one by one; while the queue is empty it waits for input.
 */
import * as FL from '../kernel/include/flags'
import type { SysArg } from '../kernel/syscalls'
import { SYSCALLS } from '../kernel/syscalls'
import { formatRet } from './format'
import type { Program } from './user'
import type { Flock } from '../kernel/fs/locks'

export type ParsedCommand = { ok: true; name: string; args: SysArg[]; out?: 'fds' } | { ok: false; error: string; column: number }

const SYMBOLS: Record<string, number> = Object.fromEntries(
  Object.entries(FL).filter(([k, v]) => typeof v === 'number' && /^[A-Z_0-9]+$/.test(k)) as [string, number][],
)

function value(tok: string): number | null {
  const parts = tok.split('|')
  let v = 0
  for (const p of parts) {
    if (/^-?0x[0-9a-f]+$/i.test(p)) v |= parseInt(p, 16)
    else if (/^-?0[0-7]+$/.test(p)) v |= parseInt(p, 8)
    else if (/^-?\d+$/.test(p)) { if (parts.length === 1) return Number(p); v |= Number(p) }
    else if (p in SYMBOLS) v |= SYMBOLS[p]!
    else return null
  }
  return v
}

/** Parse one interactive line into a system call. */
export function parseCommand(line: string): ParsedCommand {
  const toks: { t: string; col: number }[] = []
  const re = /"([^"]*)"|(\S+)/g
  let m: RegExpExecArray | null
  while ((m = re.exec(line))) toks.push({ t: m[1] ?? m[2]!, col: m.index + 1 })
  if (toks.length === 0) return { ok: false, error: 'empty command', column: 1 }
  const name = toks[0]!.t
  if (!(name in SYSCALLS) && name !== 'pipe' && name !== 'pipe2') return { ok: false, error: `unknown system call '${name}'`, column: 1 }
  const rest = toks.slice(1)
  const args: SysArg[] = []
  const pathArg = (i: number): boolean => (name === 'open' || name === 'creat' || name === 'mkfifo' || name === 'execve' || name === 'memfd_create') ? i === 0 : name === 'openat' ? i === 1 : false
  for (let i = 0; i < rest.length; i++) {
    const { t, col } = rest[i]!
    if (pathArg(i)) { args.push(t); continue }
    if ((name === 'read' || name === 'write') && i === 1) {
      const n = value(t)
      args.push(name === 'write' && n === null ? Uint8Array.from(t, (ch) => ch.charCodeAt(0) & 0xff) : new Uint8Array(n ?? 0))
      continue
    }
    if (name === 'fcntl' && i === 2 && /^F_(OFD_)?(SETLKW?|GETLK)$/.test(rest[1]?.t ?? '')) {
      const type = value(t)
      if (type === null) return { ok: false, error: `bad lock type '${t}'`, column: col }
      const fl: Flock = { l_type: type, l_whence: FL.SEEK_SET, l_start: value(rest[3]?.t ?? '0') ?? 0, l_len: value(rest[4]?.t ?? '0') ?? 0, l_pid: 0 }
      args.push(fl)
      break
    }
    const v = value(t)
    if (v === null) return { ok: false, error: `cannot read '${t}' as a number or flag name`, column: col }
    args.push(v)
  }
  if (name === 'pipe' || name === 'pipe2' || name === 'socketpair') {
    args.splice(name === 'socketpair' ? 3 : 0, 0, new Int32Array(2))
    return { ok: true, name, args, out: 'fds' }
  }
  return { ok: true, name, args }
}

/**
 * A user process that runs queued command lines, reporting each result through @report.
 * It waits (blocked, not busy) while the queue is empty.
 */
export function shellProgram(queue: string[], report: (line: string, result: string) => void): Program {
  return function* (u) {
    for (;;) {
      yield { obj: `user:${u.tid}`, w: false, what: 'shell: wait for a command', enabled: () => queue.length > 0 }
      const line = queue.shift()!
      if (line.trim() === 'exit') return 0
      const c = parseCommand(line)
      if (!c.ok) { report(line, `error: ${c.error} (column ${c.column})`); continue }
      yield* u.stmt('stmt', line, 0, 0)
      const r = yield* u.sys(c.name, ...c.args)
      const fds = c.out === 'fds' ? ` [${Array.from(c.args.find((a) => a instanceof Int32Array) as Int32Array).join(', ')}]` : ''
      report(line, `${formatRet(r)}${r >= 0 ? fds : ''}`)
    }
  }
}
