/**
 * The terminal's command language as a table: each command's names, its help lines, how its
 * arguments complete and what it does (through the `CommandTarget` the session provides). A line
 * whose first word is not a command but a system call runs in the live shell process. The
 * terminal pane only forwards lines; help and completion are derived from this table.
 */
import type { Completion, ExploreRequest, SessionUpdate, Snapshot, StepKind } from '../../../../preload/contract'
import { C, fdinfo, fdtLines, fileLines, lsFd, psLines } from '../terminal'
import { CONSTANT_NAMES, SHELL_SYSCALLS, SYSCALL_NAMES, isSyscallLine } from '../shellCommands'

/** What commands act on: the session's operations, as the terminal may use them. */
export interface CommandTarget {
  run(): SessionUpdate
  step(kind: StepKind, count: number): SessionUpdate
  back(count: number): SessionUpdate
  goto(step: number): SessionUpdate
  runToLabel(name: string): SessionUpdate
  reset(): SessionUpdate
  explore(req: ExploreRequest): SessionUpdate
  openOutcome(index: number): SessionUpdate
  /** A typed system call (the line, trimmed). */
  shell(line: string): SessionUpdate
  /** Terminal lines as an update. */
  say(lines: string[]): SessionUpdate
  setGraph(on: boolean): void
  /** The snapshot at the cursor (the fd window the panes show). */
  snapshot(): Snapshot
  /** A snapshot listing every fd of every table (ls -l, fdinfo). */
  wide(): Snapshot
  why(step: number): string[]
}

/** What an argument can complete to. */
export interface CompletionContext {
  readonly pids: readonly number[]
  readonly fileIds: readonly string[]
}

export interface TerminalCommand {
  /** The name, then its aliases. */
  readonly names: readonly [string, ...string[]]
  /** Help lines: usage and what it does. */
  readonly help: readonly (readonly [usage: string, text: string])[]
  /** Candidates for the word being typed after the command (default: constants and paths). */
  readonly complete?: (word: string, c: CompletionContext) => readonly string[]
  /** @w: the line's words, the command first. */
  run(w: readonly string[], t: CommandTarget): SessionUpdate
}

/** A positive integer argument, else @d. */
function count(word: string | undefined, d: number): number {
  const v = Number(word ?? d)
  return Number.isInteger(v) && v > 0 ? v : d
}

const isNumber = (w: string | undefined): w is string => !!w && /^\d+$/.test(w)
const usage = (t: CommandTarget, text: string) => t.say([C.red(`usage: ${text}`)])

export const COMMANDS: readonly TerminalCommand[] = [
  {
    names: ['help', '?'], help: [['help', 'this list']],
    run: (_w, t) => t.say(helpText()),
  },
  {
    names: ['run'], help: [['run', 'run to the end (or the step budget)']],
    run: (_w, t) => t.run(),
  },
  {
    names: ['step', 'next', 'n'], help: [['step [N]', 'step over N lab C statements (default 1)']],
    run: (w, t) => t.step('over', count(w[1], 1)),
  },
  {
    names: ['stepi', 's'], help: [['stepi [N]', 'step into: to the next kernel function entry or exit']],
    run: (w, t) => t.step('into', count(w[1], 1)),
  },
  {
    names: ['micro'], help: [['micro [N]', 'N micro-steps']],
    run: (w, t) => t.step('micro', count(w[1], 1)),
  },
  {
    names: ['back', 'b'], help: [['back [N]', 'N micro-steps back']],
    run: (w, t) => t.back(count(w[1], 1)),
  },
  {
    names: ['goto', 'until'], help: [['goto N', 'jump to micro-step N'], ['goto LABEL', 'run (or go back) to a lab C label']],
    run: (w, t) => isNumber(w[1]) ? t.goto(Number(w[1])) : w[1] ? t.runToLabel(w[1]) : usage(t, 'goto N, or goto LABEL (a lab C label)'),
  },
  {
    names: ['reset'], help: [['reset', 'back to step 0']],
    run: (_w, t) => t.reset(),
  },
  {
    names: ['explore'], help: [['explore [BOUND]', 'explore every interleaving of the scenario (preemption bound, default 2)']],
    run: (w, t) => t.explore({ bound: isNumber(w[1]) ? Number(w[1]) : 2, maxRuns: 100000 }),
  },
  {
    names: ['outcome'], help: [['outcome N', 'open explored outcome N as a run']],
    run: (w, t) => isNumber(w[1]) ? t.openOutcome(Number(w[1])) : usage(t, 'outcome N (after explore)'),
  },
  {
    names: ['ps'], help: [['ps', 'processes and threads']],
    run: (_w, t) => t.say(psLines(t.snapshot())),
  },
  {
    names: ['ls'], help: [['ls -l /proc/PID/fd', "a process's open fds"]],
    complete: (word, c) => word.startsWith('/') ? c.pids.map((p) => `/proc/${p}/fd`) : ['-l', ...c.pids.map((p) => `/proc/${p}/fd`)],
    run: (w, t) => {
      const m = /^\/proc\/(\d+)\/fd\/?$/.exec(w[w.length - 1] ?? '')
      return m ? t.say(lsFd(t.wide(), Number(m[1]))) : usage(t, 'ls -l /proc/PID/fd')
    },
  },
  {
    names: ['cat'], help: [['cat /proc/PID/fdinfo/N', "an fd's position, flags and refcount"]],
    complete: (_word, c) => c.pids.map((p) => `/proc/${p}/fdinfo/`),
    run: (w, t) => {
      const m = /^\/proc\/(\d+)\/fdinfo\/(\d+)$/.exec(w[1] ?? '')
      return m ? t.say(fdinfo(t.wide(), Number(m[1]), Number(m[2]))) : usage(t, 'cat /proc/PID/fdinfo/N')
    },
  },
  {
    names: ['fdt'], help: [['fdt PID', "a process's fd table: next_fd, max_fds, bitmaps"]],
    complete: (_word, c) => c.pids.map(String),
    run: (w, t) => isNumber(w[1]) ? t.say(fdtLines(t.snapshot(), Number(w[1]))) : usage(t, 'fdt PID'),
  },
  {
    names: ['file'], help: [['file ID', 'a struct file and every holder of a reference (file#3)']],
    complete: (_word, c) => [...c.fileIds],
    run: (w, t) => w[1] ? t.say(fileLines(t.snapshot(), w[1])) : usage(t, 'file ID (e.g. file#3)'),
  },
  {
    names: ['why'], help: [['why N', 'the trace that led to the finding at step N']],
    run: (w, t) => t.say(t.why(Number(w[1]))),
  },
  {
    names: ['trace'], help: [['trace on|off', 'print function_graph lines while stepping']],
    complete: () => ['on', 'off'],
    run: (w, t) => {
      if (w[1] !== 'on' && w[1] !== 'off') return usage(t, 'trace on|off')
      t.setGraph(w[1] === 'on')
      return t.say([C.dim(`function_graph lines ${w[1]}`)])
    },
  },
  {
    names: ['clear'], help: [['clear', 'clear the terminal (also Ctrl+L)']],
    run: (_w, t) => t.say(['\x1b[2J\x1b[H']),
  },
]

const BY_NAME = new Map(COMMANDS.flatMap((c) => c.names.map((n) => [n, c] as const)))

/** Answer one terminal line: a command, a system call for the shell process, or an error. */
export function runCommand(line: string, t: CommandTarget): SessionUpdate {
  const w = line.trim().split(/\s+/)
  const name = w[0] ?? ''
  if (name === '') return t.say([])
  const cmd = BY_NAME.get(name)
  if (cmd) return cmd.run(w, t)
  if (isSyscallLine(line)) return t.shell(line.trim())
  return t.say([C.red(`${name}: unknown command`) + C.dim(' (type help)')])
}

export function helpText(): string[] {
  const rows = COMMANDS.flatMap((c) => c.help)
  const w = Math.max(...rows.map(([u]) => u.length))
  return [
    C.bold('commands'),
    ...rows.map(([u, text]) => `  ${u.padEnd(w)}  ${C.dim(text)}`),
    C.bold('interactive system calls') + C.dim(' (run in a live process "sh"; flags as in C: O_RDWR|O_CLOEXEC)'),
    ...Object.values(SHELL_SYSCALLS).map((u) => `  ${u}`),
  ]
}

/** Everything a line could complete to, given the words before the cursor. */
export function completions(line: string, c: CompletionContext): Completion {
  const m = /(\S*)$/.exec(line)!
  const word = m[1]!
  const start = line.length - word.length
  const before = line.slice(0, start).trim().split(/\s+/).filter(Boolean)
  const complete = before.length ? BY_NAME.get(before[0]!)?.complete : undefined
  const pool = before.length === 0 ? [...COMMANDS.map((x) => x.names[0]), ...SYSCALL_NAMES]
    : complete ? complete(word, c)
    : [...CONSTANT_NAMES, '/tmp/', '/dev/null', '/dev/pts/0']
  // Flags: complete the part after the last '|'.
  const bar = word.lastIndexOf('|')
  const head = bar >= 0 ? word.slice(0, bar + 1) : ''
  const tail = bar >= 0 ? word.slice(bar + 1) : word
  const cands = [...new Set(pool)].filter((x) => x.startsWith(tail) && x !== tail).sort().map((x) => head + x)
  return { start, candidates: cands.slice(0, 200) }
}
