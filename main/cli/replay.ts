/**
 * `fdlab replay LOG... [--json] [--trace] [--nofile N] [--kernel 6.5|6.18|mainline]`
 * `fdlab replay --ff PREFIX ...`
 *
 * Replays `strace -f` logs through the model with the log as the oracle (main/engine/strace).
 * Files are streamed in chunks, so logs of hundreds of MB replay in bounded memory.
 * Exit status: 0 when nothing mismatches, 1 when something does, 2 when an input is unusable.
 */
import { isAscii } from 'node:buffer'
import { open, readdir } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import {
  StraceReader, findCallClose, parseLine, Replayer, type ReplayRecord, EngineModel, resolveProfileName,
  UnknownProfileError, printable,
} from '../engine'
import { parseArgs } from './io'

export interface ReplayIo {
  out(s: string): void
  err(s: string): void
  /** Streams a file's text in chunks (default: node:fs, UTF-8, 1 MiB chunks). */
  readFile?(path: string): AsyncIterable<string>
  /** Names in a folder (for --ff PREFIX; default: node:fs). */
  listDir?(dir: string): Promise<string[]>
}

const HELP = `usage: fdlab replay LOG... [options]
       fdlab replay --ff PREFIX [options]

Replays strace logs (strace -f -o LOG PROGRAM) through the fd model; the kernel's answers in the
log are the oracle. Each LOG is one run; an -ff set (PREFIX.PID files) is one run.

options:
  --json            one JSON line per run on stdout
  --trace           print the kernel path of each modelled call, function_graph-style
  --nofile N        RLIMIT_NOFILE of the traced program (default: read from the log, else inferred)
  --kernel K        kernel profile: 6.5, 6.18 or mainline (default 6.18)
  --ff PREFIX       replay the -ff set PREFIX.* as one run (repeatable)
  --filtered        the log was recorded with -e trace=... (checks unseen calls could change are unchecked)
  --complete        the log is not filtered (default: detected)
  --max-listed N    longest list of mismatches/undecided/unparsed kept per run (default 1000)
  --calls           list, per call name, what was checked, unchecked, decided elsewhere, unsupported

exit status: 0 nothing mismatches, 1 something mismatches, 2 an input is unusable`

/**
 * A file's text in 1 MiB chunks. Read into one reused buffer (no stream machinery); an ASCII chunk
 * (nearly every strace log) is copied into a string as is, any other one is decoded as UTF-8 up
 * to its last whole character (the rest waits for the next chunk).
 */
export async function* nodeReadFile(path: string): AsyncIterable<string> {
  const fh = await open(path, 'r')
  try {
    const buf = Buffer.allocUnsafe(1 << 20)
    let carry = 0 // bytes of an incomplete character kept at the buffer's start
    for (;;) {
      const { bytesRead } = await fh.read(buf, carry, buf.length - carry, null)
      const n = carry + bytesRead
      if (bytesRead === 0) {
        if (n > 0) yield buf.toString('utf8', 0, n) // a truncated character: U+FFFD, as a decoder would
        return
      }
      if (carry === 0 && isAscii(buf.subarray(0, n))) {
        yield buf.toString('latin1', 0, n)
        continue
      }
      const cut = utf8Boundary(buf, n)
      yield buf.toString('utf8', 0, cut)
      buf.copy(buf, 0, cut, n)
      carry = n - cut
    }
  } finally {
    await fh.close()
  }
}

/** The end of the last whole UTF-8 character in buf[0, n) (n itself unless a character is cut). */
function utf8Boundary(buf: Buffer, n: number): number {
  // look back at most 3 bytes for the lead byte of a sequence that does not fit
  for (let i = n - 1; i >= 0 && i >= n - 3; i--) {
    const c = buf[i]!
    if (c < 0x80) return n // ASCII: everything before is whole
    if (c >= 0xc0) {
      const len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2
      return i + len > n ? i : n
    }
  }
  return n
}

async function nodeListDir(dir: string): Promise<string[]> {
  return readdir(dir)
}

interface RunOptions {
  profile: string
  trace: boolean
  nofile: number | undefined
  filtered: boolean | undefined
  maxListed: number
}

export async function replayCommand(argv: readonly string[], io: ReplayIo): Promise<number> {
  const { opts, pos, error } = parseArgs(argv, ['json', 'trace', 'help', 'filtered', 'complete', 'calls', 'h'])
  if (error) {
    io.err(`fdlab replay: ${error}\n\n${HELP}`)
    return 2
  }
  if (opts.has('help') || opts.has('h')) {
    io.out(HELP)
    return 0
  }
  const ff = opts.get('ff') ?? []
  if (pos.length === 0 && ff.length === 0) {
    io.err(`fdlab replay: no log given\n\n${HELP}`)
    return 2
  }
  let profile: string
  try {
    profile = resolveProfileName(opts.get('kernel')?.at(-1) ?? '6.18')
  } catch (e) {
    if (e instanceof UnknownProfileError) {
      io.err(`fdlab replay: ${e.message}`)
      return 2
    }
    throw e
  }
  const nofileText = opts.get('nofile')?.at(-1)
  const nofile = nofileText === undefined ? undefined : Number(nofileText)
  if (nofile !== undefined && (!Number.isInteger(nofile) || nofile < 1 || nofile > 1 << 30)) {
    io.err(`fdlab replay: --nofile needs a positive integer, not '${nofileText}'`)
    return 2
  }
  const maxText = opts.get('max-listed')?.at(-1)
  const maxListed = maxText === undefined ? 1000 : Number(maxText)
  const run: RunOptions = {
    profile, trace: opts.has('trace'), nofile,
    filtered: opts.has('filtered') ? true : opts.has('complete') ? false : undefined,
    maxListed: Number.isInteger(maxListed) && maxListed >= 0 ? maxListed : 1000,
  }
  const json = opts.has('json')
  const readFile = io.readFile ?? nodeReadFile
  const listDir = io.listDir ?? nodeListDir
  let status = 0
  const runs: { name: string; source: () => AsyncIterable<string>; orderUnknown: boolean }[] = []
  for (const p of pos) runs.push({ name: p, source: () => readFile(p), orderUnknown: false })
  for (const prefix of ff) {
    let files: { pid: number; path: string }[]
    try {
      files = await ffFiles(prefix, listDir)
    } catch (e) {
      io.err(`fdlab replay: cannot list ${prefix}.*: ${(e as Error).message}`)
      status = 2
      continue
    }
    if (files.length === 0) {
      io.err(`fdlab replay: no files ${prefix}.PID`)
      status = 2
      continue
    }
    const timed = await firstLinesTimed(files.map((f) => f.path), readFile)
    runs.push({ name: prefix, source: () => mergeFf(files, readFile, timed), orderUnknown: !timed })
  }
  for (const r of runs) {
    let rec: ReplayRecord
    try {
      rec = await replayOne(r.name, r.source(), run, r.orderUnknown, io)
    } catch (e) {
      io.err(`fdlab replay: ${r.name}: ${(e as Error).message}`)
      status = 2
      continue
    }
    const unusable = rec.syscalls === 0
    if (json) io.out(JSON.stringify(rec))
    else printHuman(rec, io, opts.has('calls'))
    if (unusable) {
      io.err(`fdlab replay: ${r.name}: no system call lines: not an strace log?`)
      status = 2
    } else if (rec.mismatchCount > 0 && status === 0) status = 1
  }
  return status
}

async function replayOne(name: string, src: AsyncIterable<string>, o: RunOptions, orderUnknown: boolean, io: ReplayIo): Promise<ReplayRecord> {
  const model = new EngineModel({ profile: o.profile, trace: o.trace })
  const replayer = new Replayer(model, {
    file: name, nofile: o.nofile, filtered: o.filtered, orderUnknown, maxListed: o.maxListed,
    onTrace: o.trace ? (line, pid, call, trace) => {
      io.out(`${name}:${line} [pid ${pid}] ${printable(call)}`)
      for (const t of trace) io.out(`    ${t}`)
    } : undefined,
  })
  const reader = new StraceReader({ onEvent: (e) => replayer.event(e) })
  for await (const chunk of src) reader.push(chunk)
  reader.end()
  return replayer.finish(reader.lines)
}

function printHuman(r: ReplayRecord, io: ReplayIo, calls: boolean): void {
  const unsup = Object.entries(r.unsupported).sort((a, b) => b[1] - a[1])
  io.out(`${r.file}: ${r.lines} lines, ${r.syscalls} system calls (${r.fdSyscalls} on fds), ${r.processes} processes, kernel ${r.kernel}${r.filtered ? ', filtered log' : ''}`)
  io.out(`  checked ${r.checked} outcomes: ${r.mismatchCount} mismatch${r.mismatchCount === 1 ? '' : 'es'}, ${r.undecidedCount} undecided${r.unchecked ? `, ${r.unchecked} unchecked` : ''}${r.decidedElsewhere ? `, ${r.decidedElsewhere} decided outside the fd table` : ''}`)
  const names = Object.keys(r.calls).sort()
  const only = (k: 'unchecked' | 'elsewhere' | 'unsupported'): string =>
    names.filter((n) => r.calls[n]![k] > 0 && r.calls[n]!.checked === 0).join(' ')
  if (!calls && names.length) {
    const unchecked = only('unchecked')
    if (unchecked) io.out(`  never checked: ${unchecked}`)
  }
  if (calls && names.length) {
    io.out('  call                    checked  mismatch  undecided  unchecked  elsewhere  unsupported')
    for (const n of names) {
      const c = r.calls[n]!
      io.out(`  ${n.padEnd(22)} ${String(c.checked).padStart(8)} ${String(c.mismatches).padStart(9)} ${String(c.undecided).padStart(10)} ${String(c.unchecked).padStart(10)} ${String(c.elsewhere).padStart(10)} ${String(c.unsupported).padStart(12)}`)
    }
  }
  if (r.inherited.length) io.out(`  inherited fds: ${r.inherited.map((i) => `${i.pid}:${i.fd}`).join(' ')}`)
  if (r.inferred.length) io.out(`  inferred fds: ${r.inferred.map((i) => `${i.pid}:${i.fd}@${i.line}`).join(' ')}`)
  if (unsup.length) io.out(`  not modelled: ${unsup.map(([n, c]) => `${n} ${c}`).join(', ')}`)
  if (r.unparsedCount) io.out(`  unparsed lines: ${r.unparsedCount}${r.unparsed.length ? ` (first at line ${r.unparsed[0]!.line})` : ''}`)
  // Each finding at its line of the log, in the one diagnostic form (FILE:LINE:COL: severity[code]: message).
  for (const m of r.mismatches) io.out(`${r.file}:${m.line}:1: error[mismatch]: [pid ${m.pid}] ${printable(m.call)}: the kernel said ${printable(m.expected)}, the model ${m.model}`)
  for (const u of r.undecided.slice(0, LISTED)) io.out(`${r.file}:${u.line}:1: note[undecided]: [pid ${u.pid}] ${printable(u.call)}: ${u.reason}`)
  if (r.undecidedCount > LISTED) io.out(`  ... ${r.undecidedCount - LISTED} more undecided (--json lists them)`)
  for (const u of r.unparsed.slice(0, LISTED)) io.out(`${r.file}:${u.line}:1: warning[unparsed]: not an strace line this replay reads: ${clip(u.text)}`)
  if (r.unparsedCount > LISTED) io.out(`  ... ${r.unparsedCount - LISTED} more unparsed lines (--json lists them)`)
}

/** Undecided calls and unparsed lines printed per log (all mismatches are: each one matters). */
const LISTED = 20

/** A log line shown in a message: one line, at most 120 characters, control characters escaped. */
function clip(text: string): string {
  const one = printable(text)
  return one.length > 120 ? `${one.slice(0, 117)}...` : one
}

// ---------------------------------------------------------------------------------------------
// -ff sets

async function ffFiles(prefix: string, listDir: (d: string) => Promise<string[]>): Promise<{ pid: number; path: string }[]> {
  const dir = dirname(prefix)
  const base = basename(prefix)
  const out: { pid: number; path: string }[] = []
  for (const n of await listDir(dir)) {
    if (!n.startsWith(`${base}.`)) continue
    const tail = n.slice(base.length + 1)
    if (!/^\d+$/.test(tail)) continue
    out.push({ pid: Number(tail), path: join(dir, n) })
  }
  return out.sort((a, b) => a.pid - b.pid)
}

const STAMP = /^\s*(\d+):(\d+):(\d+)(\.\d+)?\s|^\s*(\d+\.\d+)\s/

/** Seconds of a line's timestamp (-t, -tt, -ttt, -r), or undefined. */
function stampOf(line: string): number | undefined {
  const m = STAMP.exec(line)
  if (!m) return undefined
  if (m[5] !== undefined) return Number(m[5])
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) + (m[4] ? Number(m[4]) : 0)
}

async function firstLinesTimed(paths: string[], readFile: (p: string) => AsyncIterable<string>): Promise<boolean> {
  for (const p of paths) {
    for await (const chunk of readFile(p)) {
      const nl = chunk.indexOf('\n')
      const first = nl < 0 ? chunk : chunk.slice(0, nl)
      if (stampOf(first) === undefined) return false
      break
    }
  }
  return true
}

/** Lines of a file, streamed. */
async function* linesOf(path: string, readFile: (p: string) => AsyncIterable<string>): AsyncGenerator<string> {
  let rest = ''
  for await (const chunk of readFile(path)) {
    const text = rest + chunk
    let start = 0
    let nl = text.indexOf('\n')
    while (nl >= 0) {
      yield text.slice(start, nl)
      start = nl + 1
      nl = text.indexOf('\n', start)
    }
    rest = text.slice(start)
  }
  if (rest) yield rest
}

/**
 * An -ff set as one `-f`-style log: each line gets its file's pid as prefix. With timestamps the
 * files are merged in time order, and a call that other threads' lines fall inside of (from its
 * start to its end: start + `-T` duration, or else the next line of its own file) is split into
 * `<unfinished ...>` and `<... resumed>` lines, as `strace -f` prints it, so that the replayer
 * sees the overlap. Without timestamps the files follow one another in pid order (and the
 * replayer is told that the interleaving is unknown).
 */
async function* mergeFf(files: { pid: number; path: string }[], readFile: (p: string) => AsyncIterable<string>, timed: boolean): AsyncGenerator<string> {
  if (!timed) {
    for (const f of files) {
      const buf: string[] = []
      for await (const l of linesOf(f.path, readFile)) {
        buf.push(`${f.pid} ${l}\n`)
        if (buf.length >= 4096) yield buf.splice(0).join('')
      }
      if (buf.length) yield buf.join('')
    }
    return
  }
  interface Src { pid: number; it: AsyncGenerator<string>; line: string | undefined; t: number; next: string | undefined; nextT: number }
  const srcs: Src[] = []
  for (const f of files) {
    const it = linesOf(f.path, readFile)
    const a = await it.next()
    const b = a.done ? undefined : await it.next()
    const line = a.done ? undefined : a.value
    const next = b && !b.done ? b.value : undefined
    srcs.push({ pid: f.pid, it, line, t: line ? (stampOf(line) ?? 0) : Infinity, next, nextT: next ? (stampOf(next) ?? Infinity) : Infinity })
  }
  const ends: { t: number; text: string }[] = []
  const out: string[] = []
  for (;;) {
    let best: Src | undefined
    for (const s of srcs) if (s.line !== undefined && (!best || s.t < best.t)) best = s
    let endIdx = -1
    for (let i = 0; i < ends.length; i++) if (endIdx < 0 || ends[i]!.t < ends[endIdx]!.t) endIdx = i
    if (endIdx >= 0 && (!best || ends[endIdx]!.t <= best.t)) {
      out.push(ends[endIdx]!.text)
      ends.splice(endIdx, 1)
    } else if (best) {
      const line = best.line!
      const t = best.t
      // advance this file
      best.line = best.next
      best.t = best.nextT
      const n = best.line === undefined ? undefined : await best.it.next()
      best.next = n && !n.done ? n.value : undefined
      best.nextT = best.next ? (stampOf(best.next) ?? best.t) : Infinity
      const r = parseLine(line, 0)
      let split = false
      if (r.kind === 'call' && r.phase === 'whole') {
        const end = r.duration !== undefined ? t + r.duration : best.t === Infinity ? t : best.t
        let nextMin = Infinity
        for (const s of srcs) if (s !== best && s.line !== undefined && s.t < nextMin) nextMin = s.t
        for (const e of ends) if (e.t < nextMin) nextMin = e.t
        const open = line.indexOf(`${r.name}(`)
        const close = open < 0 ? -1 : findCallClose(line, open + r.name.length + 1, line.length)
        if (nextMin <= end && close > 0) {
          out.push(`${best.pid} ${line.slice(0, close)} <unfinished ...>\n`)
          ends.push({ t: end, text: `${best.pid} <... ${r.name} resumed>${line.slice(close)}\n` })
          split = true
        }
      }
      if (!split) out.push(`${best.pid} ${line}\n`)
    } else break
    if (out.length >= 4096) yield out.splice(0).join('')
  }
  if (out.length) yield out.join('')
}

/** For main/cli/commands.ts: `{ name: 'replay', ... }`. */
export const replayCliCommand = {
  name: 'replay',
  summary: 'replay strace -f logs through the model, the kernel as the oracle (--json, --trace)',
  run: (argv: readonly string[], io: ReplayIo) => replayCommand(argv, io),
}
