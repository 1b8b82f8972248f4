/**
 * `fdlab sh`: run system calls typed one per line (the terminal's syntax) in a fresh process,
 * printing strace lines and, with --trace, the kernel paths function_graph-style.
 */
import { readFileSync } from 'node:fs'
import {
  createMachine, UnknownProfileError, VARIANT_NAMES, type Variants, shellProgram, formatFunctionGraph,
  formatStrace,
} from '../engine'
import { parseArgs, readText, type CliIo } from './io'

export const SH_HELP = `usage: fdlab sh [--kernel 6.5|6.18|mainline] [--variant NAME]... [--trace] [-c 'CALL; CALL'] [FILE|-]
Runs system calls, one per line or separated by ';', in a process with fds 0-2 on /dev/pts/0.
  open /tmp/a O_RDWR|O_CREAT 0644     dup2 3 7     close 3     pipe     fcntl 3 F_SETFD FD_CLOEXEC
Prints each call strace-style; --trace adds the kernel path (function_graph).`

export function shCommand(argv: readonly string[], io: CliIo, stdin: () => string = () => readFileSync(0, 'utf8')): number {
  const { opts, pos, error } = parseArgs(argv, ['trace', 'help', 'json'])
  if (error) { io.err(`fdlab sh: ${error}`); return 2 }
  if (opts.has('help')) { io.out(SH_HELP); return 0 }
  const variants: Partial<Variants> = {}
  for (const v of opts.get('variant') ?? []) {
    if (!(VARIANT_NAMES as string[]).includes(v)) { io.err(`fdlab sh: unknown variant '${v}' (known: ${VARIANT_NAMES.join(', ')})`); return 2 }
    variants[v as keyof Variants] = true
  }
  let text: string
  if (opts.has('c')) text = opts.get('c')!.join(';')
  else if (pos[0] && pos[0] !== '-') {
    const r = readText(pos[0], 1 << 20, 'input')
    if ('error' in r) { io.err(r.error.includes('error[') ? r.error : `fdlab sh: ${r.error}`); return 2 }
    text = r.text
  } else text = stdin()
  const lines = text.split(/[;\n]/).map((l) => l.replace(/#.*$/, '').trim()).filter(Boolean)
  let m
  try {
    m = createMachine({ profile: opts.get('kernel')?.[0] ?? '6.18', variants, trace: true, checkInvariants: true })
  } catch (e) {
    if (e instanceof UnknownProfileError) { io.err(`fdlab sh: ${e.message}`); return 2 }
    throw e
  }
  const queue = [...lines, 'exit']
  let errors = 0
  m.spawnProcess({ comm: 'sh', program: shellProgram(queue, (line, result) => { if (result.startsWith('error')) { errors++; io.err(`${line}: ${result}`) } }) })
  const r = m.run()
  const ev = m.trace
  for (const l of opts.has('trace') ? formatFunctionGraph(ev) : formatStrace(ev)) io.out(l)
  if (r.status !== 'done') io.err(`fdlab sh: run ended ${r.status}`)
  return errors || m.violations.some((v) => v.severity === 'violation') ? 1 : 0
}
