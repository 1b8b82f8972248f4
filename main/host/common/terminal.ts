/**
 * What the terminal prints: the answers of its inspection commands (ps, ls -l /proc/PID/fd,
 * fdinfo, fdt, file) and the trace lines of a step. The commands themselves are a table
 * (session/commands.ts). Text comes from engine snapshots and the engine's trace formatters;
 * nothing here computes kernel state. Output lines carry ANSI colours (xterm.js renders them;
 * violations are red).
 */
import { type Snapshot, type TraceEvent, formatFunctionGraph, formatStrace } from '../../engine'

export const C = {
  red: (s: string) => `\x1b[31m${s}\x1b[0m`,
  boldRed: (s: string) => `\x1b[1;31m${s}\x1b[0m`,
  green: (s: string) => `\x1b[32m${s}\x1b[0m`,
  yellow: (s: string) => `\x1b[33m${s}\x1b[0m`,
  cyan: (s: string) => `\x1b[36m${s}\x1b[0m`,
  dim: (s: string) => `\x1b[2m${s}\x1b[0m`,
  bold: (s: string) => `\x1b[1m${s}\x1b[0m`,
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
