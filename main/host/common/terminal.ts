/**
 * The terminal's commands, answered by the session: the terminal pane only forwards lines. Text
 * comes from engine snapshots and the engine's trace formatters; nothing here computes kernel
 * state. Output lines carry ANSI colours (xterm.js renders them; violations are red).
 */
import { type Snapshot, type TraceEvent, formatFunctionGraph, formatStrace } from '../../engine'
import { CONSTANT_NAMES, SHELL_SYSCALLS, SYSCALL_NAMES } from './shellCommands'

export const C = {
  red: (s: string) => `\x1b[31m${s}\x1b[0m`,
  boldRed: (s: string) => `\x1b[1;31m${s}\x1b[0m`,
  green: (s: string) => `\x1b[32m${s}\x1b[0m`,
  yellow: (s: string) => `\x1b[33m${s}\x1b[0m`,
  cyan: (s: string) => `\x1b[36m${s}\x1b[0m`,
  dim: (s: string) => `\x1b[2m${s}\x1b[0m`,
  bold: (s: string) => `\x1b[1m${s}\x1b[0m`,
}

export const COMMANDS: Readonly<Record<string, string>> = {
  help: 'this list',
  run: 'run to the end (or the step budget)',
  'step [N]': 'step over N lab C statements (default 1)',
  'stepi [N]': 'step into: to the next kernel function entry or exit',
  'micro [N]': 'N micro-steps',
  'back [N]': 'N micro-steps back',
  'goto N': 'jump to micro-step N',
  'goto LABEL': 'run (or go back) to a lab C label',
  reset: 'back to step 0',
  'explore [BOUND]': 'explore every interleaving of the scenario (preemption bound, default 2)',
  'outcome N': 'open explored outcome N as a run',
  ps: 'processes and threads',
  'ls -l /proc/PID/fd': "a process's open fds",
  'cat /proc/PID/fdinfo/N': "an fd's position, flags and refcount",
  'fdt PID': "a process's fd table: next_fd, max_fds, bitmaps",
  'file ID': 'a struct file and every holder of a reference (file#3)',
  'why N': 'the trace that led to the finding at step N',
  'trace on|off': 'print function_graph lines while stepping',
  clear: 'clear the terminal (also Ctrl+L)',
}

export function helpText(): string[] {
  const w = Math.max(...Object.keys(COMMANDS).map((k) => k.length))
  return [
    C.bold('commands'),
    ...Object.entries(COMMANDS).map(([k, v]) => `  ${k.padEnd(w)}  ${C.dim(v)}`),
    C.bold('interactive system calls') + C.dim(' (run in a live process "sh"; flags as in C: O_RDWR|O_CLOEXEC)'),
    ...Object.values(SHELL_SYSCALLS).map((u) => `  ${u}`),
  ]
}

/** Colour one formatted trace line: violations red, syscall results dim. */
export function colour(line: string): string {
  if (line.includes('!!! violation')) return C.boldRed(line)
  if (line.includes('!!! note')) return C.yellow(line)
  return line
}

/** The lines a step prints: strace lines, and the function_graph when tracing is on. */
export function stepLines(events: readonly TraceEvent[], graph: boolean, max = 400): string[] {
  const lines = graph ? formatFunctionGraph(events, { state: true }) : formatStrace(events, { steps: true })
  if (lines.length <= max) return lines.map(colour)
  return [...lines.slice(0, max).map(colour), C.dim(`… ${lines.length - max} more lines (use goto/step to look closer)`)]
}

export function psLines(s: Snapshot): string[] {
  const out = [C.dim('  PID  TGID COMM             STATE   FILES      STATUS    NEXT')]
  for (const t of s.tasks) {
    const th = s.threads.find((x) => x.tid === t.pid)
    out.push(`${String(t.pid).padStart(5)} ${String(t.tgid).padStart(5)} ${t.comm.padEnd(16)} ${t.state.padEnd(7)} ${(t.files ?? '-').padEnd(10)} ${(th?.status ?? '-').padEnd(9)} ${th?.next ?? ''}`)
  }
  return out
}

export function lsFd(s: Snapshot, pid: number): string[] {
  const t = s.tasks.find((x) => x.pid === pid)
  if (!t) return [C.red(`ls: cannot access '/proc/${pid}/fd': No such file or directory`)]
  const table = s.tables.find((x) => x.id === t.files)
  if (!table) return [C.dim('total 0')]
  const files = new Map(s.files.map((f) => [f.id, f]))
  const out = [`total ${table.openCount}`]
  for (const slot of table.slots) {
    const f = slot.file ? files.get(slot.file) : undefined
    const mode = f ? `l${f.f_mode.includes('FMODE_READ') ? 'r' : '-'}${f.f_mode.includes('FMODE_WRITE') ? 'w' : '-'}x------` : 'l---------'
    out.push(`${mode} 1 ${t.comm} ${t.comm} 64 ${String(slot.fd).padStart(3)} -> ${slot.reserved ? C.dim('(reserved)') : `${f?.path ?? '?'} ${C.dim(`[${slot.file}]`)}`}`)
  }
  if (table.openCount > table.slots.length) out.push(C.dim(`… fds outside ${table.window.from}-${table.window.to - 1} not listed`))
  return out
}

export function fdinfo(s: Snapshot, pid: number, fd: number): string[] {
  const t = s.tasks.find((x) => x.pid === pid)
  const table = t ? s.tables.find((x) => x.id === t.files) : undefined
  const slot = table?.slots.find((x) => x.fd === fd)
  const f = slot?.file ? s.files.find((x) => x.id === slot.file) : undefined
  if (!t || !slot || !f) return [C.red(`cat: /proc/${pid}/fdinfo/${fd}: No such file or directory`)]
  return [
    `pos:\t${f.f_pos}`,
    `flags:\t${f.f_flags}${slot.cloexec ? '|O_CLOEXEC' : ''}`,
    `mode:\t${f.f_mode.join('|')}`,
    `file:\t${f.id} ${f.path} (${f.kind}, ${f.ops})`,
    `count:\t${f.count} (file_count; ${f.raw.field} = ${f.raw.value})`,
  ]
}

export function fdtLines(s: Snapshot, pid: number): string[] {
  const t = s.tasks.find((x) => x.pid === pid)
  const table = t ? s.tables.find((x) => x.id === t.files) : undefined
  if (!t || !table) return [C.red(`fdt: no process ${pid} with an fd table`)]
  return [
    `${C.bold(table.id)} count ${table.count} · users ${table.users.join(', ')} · ${table.embedded ? 'embedded fdtab' : 'allocated fdtable'}`,
    `next_fd ${table.next_fd} · max_fds ${table.max_fds} · ${table.openCount} open${table.resize_in_progress ? ' · resize in progress' : ''}${table.lockOwner !== null ? ` · file_lock held by ${table.lockOwner}` : ''}`,
    `open_fds      ${table.open_fds.map((w) => '0x' + w).join(' ')}`,
    `close_on_exec ${table.close_on_exec.map((w) => '0x' + w).join(' ')}`,
    `full_fds_bits ${table.full_fds_bits.map((w) => '0x' + w).join(' ')}`,
    C.dim(`(words of 64 bits, word 0 first, fds ${table.window.from}-${table.window.to - 1})`),
  ]
}

export function fileLines(s: Snapshot, id: string): string[] {
  const f = s.files.find((x) => x.id === id)
  if (!f) return [C.red(`file: no ${id} at this step (known: ${s.files.map((x) => x.id).join(', ') || 'none'})`)]
  const holders = f.holders.map((h) => {
    switch (h.kind) {
      case 'fd': return `  fd ${h.fd} of ${h.files}            counted`
      case 'fdget': return `  fdget by ${h.task} on fd ${h.fd}   ${h.light ? C.yellow('light: borrowed, not counted') : 'counted'}`
      case 'pin': return `  ${h.label}   counted`
      case 'transaction': return `  transaction ${h.label}   counted`
      case 'other': return `  ${h.count} other reference(s)`
    }
  })
  return [
    `${C.bold(f.id)} ${f.path} (${f.kind}, ${f.ops}) · memory ${f.mem}${f.queued ? ` · __fput queued on ${f.queued}` : ''}`,
    `file_count ${f.count} · ${f.raw.field} = ${f.raw.value} · ${f.f_flags} · f_pos ${f.f_pos} · ${f.f_mode.join('|')}`,
    'holders:',
    ...(holders.length ? holders : ['  none']),
    ...(f.omittedFdHolders ? [`  … and ${f.omittedFdHolders} more fd slot(s)`] : []),
  ]
}

/** Everything a line could complete to, given the words before the cursor. */
export function completions(line: string, pids: readonly number[], fileIds: readonly string[]): { start: number; candidates: string[] } {
  const m = /(\S*)$/.exec(line)!
  const word = m[1]!
  const start = line.length - word.length
  const before = line.slice(0, start).trim().split(/\s+/).filter(Boolean)
  let pool: string[]
  if (before.length === 0) pool = [...Object.keys(COMMANDS).map((k) => k.split(' ')[0]!), ...SYSCALL_NAMES]
  else if (before[0] === 'ls') pool = word.startsWith('/') ? pids.map((p) => `/proc/${p}/fd`) : ['-l', ...pids.map((p) => `/proc/${p}/fd`)]
  else if (before[0] === 'cat') pool = pids.map((p) => `/proc/${p}/fdinfo/`)
  else if (before[0] === 'fdt') pool = pids.map(String)
  else if (before[0] === 'file') pool = [...fileIds]
  else if (before[0] === 'trace') pool = ['on', 'off']
  else pool = [...CONSTANT_NAMES, '/tmp/', '/dev/null', '/dev/pts/0']
  // Flags: complete the part after the last '|'.
  const bar = word.lastIndexOf('|')
  const head = bar >= 0 ? word.slice(0, bar + 1) : ''
  const tail = bar >= 0 ? word.slice(bar + 1) : word
  const cands = [...new Set(pool)].filter((c) => c.startsWith(tail) && c !== tail).sort().map((c) => head + c)
  return { start, candidates: cands.slice(0, 200) }
}
