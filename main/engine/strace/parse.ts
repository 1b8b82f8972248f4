/**
 * A streaming, allocation-light parser for strace 5.x/6.x text output.
 *
 * `parseLine` turns one line into a `RawLine` (a syscall, the start of an unfinished call, the
 * rest of a resumed call, a signal, an exit, a message of strace itself, or "unparsed").
 * `StraceReader` consumes text in chunks of any size, splits lines, and merges
 * `<unfinished ...>` / `<... resumed>` pairs into whole calls; memory stays bounded by the
 * number of threads with a call in flight (plus one partial line).
 *
 * Nothing here throws on any input: a line it cannot read becomes an `unparsed` event with its
 * line number. Pure TypeScript: no node:*, no DOM.
 */

// ---------------------------------------------------------------------------------------------
// Types

/** The fields every line may carry in front of its body. */
export interface LinePrefix {
  /** Thread id from a `PID  `, `[pid N] ` or `N<comm> ` prefix; -1 when the line has none. */
  pid: number
  /** Command name from `--decode-pids=comm` (`5907<sh> `), if present. */
  comm: string | undefined
  /** Timestamp text as printed (`-t`, `-tt`, `-ttt`, `-r`), if present. */
  time: string | undefined
}

/** How a call's line ended. */
export type CallPhase =
  /** `name(args) = ret`: the whole call on one line. */
  | 'whole'
  /** `name(args <unfinished ...>` (or `<pid changed to N ...>`, `<detached ...>`). */
  | 'unfinished'
  /** `<... name resumed>rest) = ret`. */
  | 'resumed'

/** A syscall line, or one half of a split call. */
export interface RawCall extends LinePrefix {
  kind: 'call'
  line: number
  phase: CallPhase
  name: string
  /** The argument text of this line (for `resumed`, the part after `resumed>`). */
  argsText: string
  /** Return value; null for `?`. Always null for `unfinished`. */
  ret: number | null
  /** The return token as printed, including a `-y` decoration (`3</etc/passwd>`). */
  retText: string
  /** Decoration after the returned number (`/etc/passwd` for `= 3</etc/passwd>`, `bash` for `= 12<bash>`). */
  retDecor: string | undefined
  /** errno name (`ENOENT`, `ERESTARTSYS`, `errno 523`), if the call failed or is to be restarted. */
  errno: string | undefined
  /** The errno text in parentheses (`No such file or directory`). */
  errText: string | undefined
  /** Other parenthesised text after the return value (`(flags O_RDWR)`, `(INJECTED)`, `(Timeout)`). */
  aux: string | undefined
  /** `-T` duration in seconds. */
  duration: number | undefined
  /** `<pid changed to N ...>`: the call finishes under pid N (a non-leader thread's execve). */
  pidChanged: number | undefined
  /** `<detached ...>`: strace detached during the call; it will not be resumed. */
  detached: boolean
}

export interface RawSignal extends LinePrefix {
  kind: 'signal'
  line: number
  /** `SIGCHLD`, or for `--- stopped by SIGSTOP ---` the stop signal. */
  signal: string
  /** The siginfo text (`{si_signo=SIGCHLD, ...}`), or `stopped` for a group-stop line. */
  info: string
}

export interface RawExit extends LinePrefix {
  kind: 'exit'
  line: number
  how: 'exited' | 'killed' | 'superseded'
  /** Exit status for `exited`. */
  code: number | undefined
  /** Signal for `killed`. */
  signal: string | undefined
  core: boolean
  /** For `superseded by execve in pid N`: N, the thread whose execve finishes under this pid. */
  by: number | undefined
}

/** A message of strace itself (`strace: Process 12 attached`) or a `-k` backtrace line. */
export interface RawInfo extends LinePrefix {
  kind: 'info'
  line: number
  text: string
  /** `strace: Process N attached` / `detached`. */
  attached: number | undefined
  detachedPid: number | undefined
}

export interface RawUnparsed {
  kind: 'unparsed'
  line: number
  text: string
  pid: number
}

export interface RawBlank {
  kind: 'blank'
  line: number
}

export type RawLine = RawCall | RawSignal | RawExit | RawInfo | RawUnparsed | RawBlank

// ---------------------------------------------------------------------------------------------
// Character codes

const SP = 32
const TAB = 9
const QUOTE = 34
const LPAREN = 40
const RPAREN = 41
const LBRACK = 91
const RBRACK = 93
const LBRACE = 123
const RBRACE = 125
const LT = 60
const GT = 62
const BACKSLASH = 92
const DOT = 46
const COLON = 58
const MINUS = 45
const PLUS = 43
const EQ = 61
const QMARK = 63

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57
}
function isNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95
}
function isUpperOrDigit(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95
}

// ---------------------------------------------------------------------------------------------
// Low-level scanners (shared with the argument helpers below)

/** Index just after the closing quote of a string whose opening quote is at `i - 1`. */
export function skipString(s: string, i: number, end: number): number {
  while (i < end) {
    const c = s.charCodeAt(i)
    if (c === BACKSLASH) i += 2
    else if (c === QUOTE) return i + 1
    else i++
  }
  return end
}

/**
 * If a `<` at `i` opens a decoration (`3</etc/passwd>`, `4<pipe:[12]>`, `5<TCP:[1.2.3.4:5->6.7.8.9:10]>`,
 * `0</dev/null<char 1:3>>`, `21<Bun Pool 0>`) or a marker (`<... resuming interrupted read ...>`,
 * `<unfinished ...>`), return the index just after its closing `>`; else -1. A `<` opens a
 * decoration only right after a digit (an fd or pid) and not as `<<` (`1<<CAP_CHOWN`).
 */
export function skipAngle(s: string, i: number, end: number): number {
  const prev = i > 0 ? s.charCodeAt(i - 1) : 0
  const next = i + 1 < end ? s.charCodeAt(i + 1) : 0
  if (next === LT || (i > 0 && s.charCodeAt(i - 1) === LT)) return -1
  const marker = next === DOT || (next >= 97 && next <= 122 && !isDigit(prev))
  if (!isDigit(prev) && !marker) return -1
  let depth = 0
  for (let j = i; j < end; j++) {
    const c = s.charCodeAt(j)
    if (c === LT) depth++
    else if (c === GT && s.charCodeAt(j - 1) !== MINUS) {
      depth--
      if (depth === 0) return j + 1
    } else if (c === QUOTE) {
      j = skipString(s, j + 1, end) - 1
    }
  }
  return -1
}

/**
 * From `i` (just inside a call's opening parenthesis, or at the start of a resumed part), find
 * the `)` that closes the call: the first `)` at depth 0 outside strings and decorations.
 * Returns -1 if there is none before `end`.
 */
export function findCallClose(s: string, i: number, end: number): number {
  let depth = 0
  while (i < end) {
    const c = s.charCodeAt(i)
    if (c === QUOTE) {
      i = skipString(s, i + 1, end)
      continue
    }
    if (c === LPAREN || c === LBRACK || c === LBRACE) depth++
    else if (c === RPAREN) {
      if (depth === 0) return i
      depth--
    } else if (c === RBRACK || c === RBRACE) {
      if (depth > 0) depth--
    } else if (c === LT) {
      const j = skipAngle(s, i, end)
      if (j > 0) {
        i = j
        continue
      }
    }
    i++
  }
  return -1
}

// ---------------------------------------------------------------------------------------------
// Prefix

/** Parses the prefix; writes into `out` and returns the index of the body. */
function parsePrefix(s: string, start: number, end: number, out: LinePrefix): number {
  let i = start
  out.pid = -1
  out.comm = undefined
  out.time = undefined
  // `[pid  N] ` or `[pid N<comm>] `
  const c0 = s.charCodeAt(start)
  if (c0 === LBRACK && s.startsWith('[pid', start)) {
    let j = start + 4
    while (j < end && s.charCodeAt(j) === SP) j++
    const d0 = j
    let pid = 0
    while (j < end && isDigit(s.charCodeAt(j))) pid = pid * 10 + (s.charCodeAt(j++) - 48)
    if (j > d0) {
      if (s.charCodeAt(j) === LT) {
        const close = s.indexOf('>]', j)
        if (close > 0 && close < end) {
          out.comm = s.slice(j + 1, close)
          j = close + 1
        }
      }
      if (s.charCodeAt(j) === RBRACK) {
        out.pid = pid
        i = j + 1
      }
    }
  } else if (isDigit(c0)) {
    // `PID  ` or `PID<comm> `; a number followed by '.' or ':' is a timestamp instead.
    let j = start
    let pid = 0
    while (j < end && isDigit(s.charCodeAt(j))) pid = pid * 10 + (s.charCodeAt(j++) - 48)
    const c = s.charCodeAt(j)
    if (c === SP || c === TAB) {
      out.pid = pid
      i = j
    } else if (c === LT) {
      const close = s.indexOf('> ', j)
      if (close > 0 && close < end) {
        out.pid = pid
        out.comm = s.slice(j + 1, close)
        i = close + 1
      }
    }
  }
  while (i < end && (s.charCodeAt(i) === SP || s.charCodeAt(i) === TAB)) i++
  // timestamp: -t (HH:MM:SS), -tt (.usec), -ttt (epoch.usec), -r (relative, right-aligned)
  if (i < end && isDigit(s.charCodeAt(i))) {
    let j = i
    let stamp = false
    while (j < end) {
      const c = s.charCodeAt(j)
      if (c === DOT || c === COLON) stamp = true
      else if (!isDigit(c)) break
      j++
    }
    if (stamp && (s.charCodeAt(j) === SP || j === end)) {
      let t = j
      let k = j
      while (k < end && s.charCodeAt(k) === SP) k++
      // `-ttt -r` prints `1795369381.523450 (+     0.000000) `
      if (s.charCodeAt(k) === LPAREN && s.charCodeAt(k + 1) === PLUS) {
        const close = s.indexOf(')', k)
        if (close > 0 && close < end) {
          t = close + 1
          k = close + 1
          while (k < end && s.charCodeAt(k) === SP) k++
        }
      }
      out.time = s.slice(i, t)
      i = k
    }
  }
  // `-n` (`[  59] `) and `-i` (`[00007f3a...] `) prefixes
  while (i < end && s.charCodeAt(i) === LBRACK && !s.startsWith('[pid', i)) {
    const close = s.indexOf(']', i)
    if (close < 0 || close >= end) break
    i = close + 1
    while (i < end && s.charCodeAt(i) === SP) i++
  }
  return i
}

// ---------------------------------------------------------------------------------------------
// Return values

/** Parses a decimal or 0x hex integer (with optional leading '-') in s[i, j). NaN if not one. */
export function parseIntAt(s: string, i: number, j: number): number {
  let neg = false
  if (i < j && s.charCodeAt(i) === MINUS) {
    neg = true
    i++
  }
  if (i >= j) return NaN
  let v = 0
  if (j - i > 2 && s.charCodeAt(i) === 48 && (s.charCodeAt(i + 1) | 32) === 120) {
    for (let k = i + 2; k < j; k++) {
      const c = s.charCodeAt(k) | 32
      let d: number
      if (c >= 48 && c <= 57) d = c - 48
      else if (c >= 97 && c <= 102) d = c - 87
      else return NaN
      v = v * 16 + d
    }
  } else {
    for (let k = i; k < j; k++) {
      const c = s.charCodeAt(k)
      if (c < 48 || c > 57) return NaN
      v = v * 10 + (c - 48)
    }
  }
  return neg ? -v : v
}

const UNFINISHED = ' <unfinished ...>'
const DETACHED = ' <detached ...>'

/**
 * Parses `= RET[<decor>] [ERRNO (text)] [(aux)] [<duration>]` starting at `i` (just after the
 * call's closing parenthesis). Returns false if it is not there.
 */
/** Spaces (strace pads the ` = ` of a result to column 40) and the `=`: one sticky match. */
const PAD_EQ = / *=/y

function parseResult(s: string, i: number, end: number, call: RawCall): boolean {
  PAD_EQ.lastIndex = i
  if (!PAD_EQ.test(s)) return false
  const eq = PAD_EQ.lastIndex - 1
  if (eq >= end) return false
  i = eq
  if (s.charCodeAt(i) !== EQ) return false
  i++
  while (i < end && s.charCodeAt(i) === SP) i++
  if (i >= end) return false
  // -T duration at the very end: ` <0.000012>`
  let e = end
  if (s.charCodeAt(e - 1) === GT) {
    const lt = s.lastIndexOf(' <', e)
    if (lt > i && isDigit(s.charCodeAt(lt + 2))) {
      const d = Number(s.slice(lt + 2, e - 1))
      if (d === d) {
        call.duration = d
        e = lt
      }
    }
  }
  const r0 = i
  if (s.charCodeAt(i) === QMARK) {
    call.ret = null
    i++
  } else {
    let j = i
    if (s.charCodeAt(j) === MINUS) j++
    while (j < e && isNameChar(s.charCodeAt(j))) j++
    const v = parseIntAt(s, i, j)
    if (v !== v) return false
    call.ret = v
    i = j
    if (s.charCodeAt(i) === LT) {
      const k = skipAngle(s, i, e)
      if (k > 0) {
        call.retDecor = s.slice(i + 1, k - 1)
        i = k
      }
    }
  }
  call.retText = s.slice(r0, i)
  while (i < e && s.charCodeAt(i) === SP) i++
  if (i >= e) return true
  const c = s.charCodeAt(i)
  if (c === 69 /* E */) {
    let j = i + 1
    while (j < e && isUpperOrDigit(s.charCodeAt(j))) j++
    call.errno = s.slice(i, j)
    i = j
    while (i < e && s.charCodeAt(i) === SP) i++
    if (s.charCodeAt(i) === LPAREN) {
      const close = matchParen(s, i, e)
      call.errText = s.slice(i + 1, close < 0 ? e : close)
      i = close < 0 ? e : close + 1
    }
  } else if (c === LPAREN && s.startsWith('(errno ', i)) {
    let close = s.indexOf(')', i)
    if (close >= e) close = -1
    call.errno = s.slice(i + 1, close < 0 ? e : close)
    i = close < 0 ? e : close + 1
  }
  while (i < e && s.charCodeAt(i) === SP) i++
  if (i < e) call.aux = s.slice(i, e)
  return true
}

/** Index of the `)` matching the `(` at i (outside strings), or -1. */
function matchParen(s: string, i: number, end: number): number {
  let depth = 0
  for (let j = i; j < end; j++) {
    const c = s.charCodeAt(j)
    if (c === QUOTE) j = skipString(s, j + 1, end) - 1
    else if (c === LPAREN) depth++
    else if (c === RPAREN && --depth === 0) return j
  }
  return -1
}

// ---------------------------------------------------------------------------------------------
// One line

function newCall(line: number, p: LinePrefix, phase: CallPhase, name: string, argsText: string): RawCall {
  return {
    kind: 'call', line, pid: p.pid, comm: p.comm, time: p.time, phase, name, argsText,
    ret: null, retText: '', retDecor: undefined, errno: undefined, errText: undefined, aux: undefined,
    duration: undefined, pidChanged: undefined, detached: false,
  }
}

/**
 * The reader's call record, reused line after line (the reader copies what it keeps): a line
 * costs no RawCall allocation. parseLine() hands out fresh records.
 */
const scratchCall: RawCall = newCall(0, { pid: -1, comm: undefined, time: undefined }, 'whole', '', '')

function reuseCall(line: number, p: LinePrefix, phase: CallPhase, name: string, argsText: string): RawCall {
  const c = scratchCall
  c.line = line
  c.pid = p.pid
  c.comm = p.comm
  c.time = p.time
  c.phase = phase
  c.name = name
  c.argsText = argsText
  c.ret = null
  c.retText = ''
  c.retDecor = undefined
  c.errno = undefined
  c.errText = undefined
  c.aux = undefined
  c.duration = undefined
  c.pidChanged = undefined
  c.detached = false
  return c
}

/**
 * System call names seen, by a hash of their text: a name is sliced out of a line once and then
 * reused (no string per line, and an interned key for the lookups that follow).
 */
const NAME_CACHE: (string | undefined)[] = new Array(512).fill(undefined)

function nameAt(s: string, b: number, j: number): string {
  const n = j - b
  const h = (n * 31 + s.charCodeAt(b) * 7 + s.charCodeAt(j - 1) * 3 + s.charCodeAt(b + (n >> 1))) & 511
  const hit = NAME_CACHE[h]
  if (hit !== undefined && hit.length === n) {
    let k = 0
    while (k < n && hit.charCodeAt(k) === s.charCodeAt(b + k)) k++
    if (k === n) return hit
  }
  const name = s.slice(b, j)
  if (n <= 40) NAME_CACHE[h] = name
  return name
}

function unparsed(line: number, text: string, pid: number): RawUnparsed {
  return { kind: 'unparsed', line, text, pid }
}

const scratchPrefix: LinePrefix = { pid: -1, comm: undefined, time: undefined }

/**
 * Text from a log made fit for a terminal: control characters (C0, DEL, C1) shown as `\xNN`,
 * as strace itself writes them inside strings. A log is untrusted: a raw escape sequence in it
 * must not clear, colour or retitle the terminal that prints it.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
}

/** Parses one line (without its newline). Never throws. */
export function parseLine(text: string, line: number): RawLine {
  return parseLineAt(text, 0, text.length, line, false)
}

/**
 * Parses the line s[start, stop) (without its newline; a reader passes a chunk and the line's
 * bounds, so no line string is made). With @reuse, a call comes back in the reader's scratch
 * record. Never throws.
 */
function parseLineAt(s: string, start: number, stop: number, line: number, reuse: boolean): RawLine {
  try {
    return parseLineUnsafe(s, start, stop, line, reuse)
  } catch {
    return unparsed(line, s.slice(start, stop), -1)
  }
}

function lineText(s: string, start: number, stop: number): string {
  return start === 0 && stop === s.length ? s : s.slice(start, stop)
}

function parseLineUnsafe(s: string, start: number, stop: number, line: number, reuse: boolean): RawLine {
  let end = stop
  if (end > start && s.charCodeAt(end - 1) === 13) end-- // CRLF
  while (end > start && s.charCodeAt(end - 1) === SP) end--
  if (end === start) return { kind: 'blank', line }
  const p = scratchPrefix
  const b = parsePrefix(s, start, end, p)
  const mk = reuse ? reuseCall : newCall
  if (b >= end) return p.pid >= 0 || p.time ? unparsed(line, lineText(s, start, stop), p.pid) : { kind: 'blank', line }
  const c0 = s.charCodeAt(b)

  // +++ exited with 0 +++ / +++ killed by SIGKILL (core dumped) +++ / +++ superseded by execve in pid N +++
  if (c0 === PLUS && s.startsWith('+++ ', b)) {
    const body = s.slice(b + 4, s.endsWith(' +++', end) ? end - 4 : end)
    const ex: RawExit = {
      kind: 'exit', line, pid: p.pid, comm: p.comm, time: p.time, how: 'exited', code: undefined,
      signal: undefined, core: false, by: undefined,
    }
    if (body.startsWith('exited with ')) {
      const v = parseIntAt(body, 12, body.length)
      if (v !== v) return unparsed(line, lineText(s, start, stop), p.pid)
      ex.code = v
    } else if (body.startsWith('killed by ')) {
      ex.how = 'killed'
      const sp = body.indexOf(' ', 10)
      ex.signal = body.slice(10, sp < 0 ? body.length : sp)
      ex.core = body.includes('(core dumped)')
    } else if (body.startsWith('superseded by execve in pid ')) {
      ex.how = 'superseded'
      const v = parseIntAt(body, 28, body.length)
      if (v !== v) return unparsed(line, lineText(s, start, stop), p.pid)
      ex.by = v
    } else return unparsed(line, lineText(s, start, stop), p.pid)
    return ex
  }

  // --- SIGCHLD {si_signo=SIGCHLD, ...} --- / --- stopped by SIGSTOP ---
  if (c0 === MINUS && s.startsWith('--- ', b)) {
    const stop = s.endsWith(' ---', end) ? end - 4 : end
    let j = b + 4
    if (s.startsWith('stopped by ', j)) {
      return { kind: 'signal', line, pid: p.pid, comm: p.comm, time: p.time, signal: s.slice(j + 11, stop).trim(), info: 'stopped' }
    }
    const sig0 = j
    while (j < stop && s.charCodeAt(j) !== SP) j++
    return {
      kind: 'signal', line, pid: p.pid, comm: p.comm, time: p.time,
      signal: s.slice(sig0, j), info: s.slice(Math.min(j + 1, stop), stop),
    }
  }

  // <... name resumed>rest) = ret
  if (c0 === LT && s.startsWith('<... ', b)) {
    const r = s.indexOf(' resumed>', b + 5)
    if (r < 0) return unparsed(line, lineText(s, start, stop), p.pid)
    if (r >= end) return unparsed(line, lineText(s, start, stop), p.pid)
    const name = nameAt(s, b + 5, r)
    let a = r + 9
    // `<... nanosleep resumed> <unfinished ...>) = ?`: the leader's call ended by another thread's exec
    if (s.startsWith(UNFINISHED, a)) a += UNFINISHED.length
    const call = mk(line, p, 'resumed', name, '')
    const close = findCallClose(s, a, end)
    if (close < 0) return unparsed(line, lineText(s, start, stop), p.pid)
    call.argsText = s.slice(a, close)
    if (!parseResult(s, close + 1, end, call)) return unparsed(line, lineText(s, start, stop), p.pid)
    return call
  }

  // strace: Process 123 attached / detached, other messages
  if (s.startsWith('strace: ', b)) {
    const info: RawInfo = {
      kind: 'info', line, pid: p.pid, comm: p.comm, time: p.time, text: s.slice(b, end),
      attached: undefined, detachedPid: undefined,
    }
    if (s.startsWith('Process ', b + 8)) {
      let j = b + 16
      const d0 = j
      while (j < end && isDigit(s.charCodeAt(j))) j++
      const pid = parseIntAt(s, d0, j)
      if (s.startsWith(' attached', j)) info.attached = pid
      else if (s.startsWith(' detached', j)) info.detachedPid = pid
    }
    return info
  }
  // -k backtrace lines: ` > /lib/x86_64-linux-gnu/libc.so.6(__write+0x14) [0xf7a2d]`
  if (c0 === GT && s.charCodeAt(b + 1) === SP) {
    return { kind: 'info', line, pid: p.pid, comm: p.comm, time: p.time, text: s.slice(b, end), attached: undefined, detachedPid: undefined }
  }

  // name(args) = ret; `???(` is a call strace could not name (a task killed at syscall entry)
  let j = b
  if (s.startsWith('???(', b)) j = b + 3
  else while (j < end && isNameChar(s.charCodeAt(j))) j++
  if (j === b || s.charCodeAt(j) !== LPAREN) return unparsed(line, lineText(s, start, stop), p.pid)
  const name = nameAt(s, b, j)
  const a = j + 1
  // unfinished forms
  if (s.charCodeAt(end - 1) === GT) {
    if (s.endsWith(UNFINISHED, end)) {
      return mk(line, p, 'unfinished', name, s.slice(a, end - UNFINISHED.length))
    }
    if (s.endsWith(' ...>', end)) {
      const pc = s.lastIndexOf(' <pid changed to ', end)
      if (pc >= a) {
        const call = mk(line, p, 'unfinished', name, s.slice(a, pc))
        let k = pc + 17
        const d0 = k
        while (k < end && isDigit(s.charCodeAt(k))) k++
        call.pidChanged = parseIntAt(s, d0, k)
        return call
      }
    }
    if (s.endsWith(DETACHED, end)) {
      const call = mk(line, p, 'unfinished', name, s.slice(a, end - DETACHED.length))
      call.detached = true
      return call
    }
  }
  const close = findCallClose(s, a, end)
  if (close < 0) return unparsed(line, lineText(s, start, stop), p.pid)
  const call = mk(line, p, 'whole', name, s.slice(a, close))
  if (!parseResult(s, close + 1, end, call)) return unparsed(line, lineText(s, start, stop), p.pid)
  return call
}

// ---------------------------------------------------------------------------------------------
// Arguments

/**
 * Index of the next top-level comma at or after @from (outside strings, brackets, braces,
 * parentheses and decorations), or the text's length. With @stopAtClose, an unmatched closing
 * bracket ends the scan too (the end of an enclosing struct).
 */
function nextTopLevelComma(text: string, from: number, stopAtClose = false): number {
  const end = text.length
  let depth = 0
  let i = from
  while (i < end) {
    const c = text.charCodeAt(i)
    if (c === QUOTE) {
      i = skipString(text, i + 1, end)
      continue
    }
    if (c === LPAREN || c === LBRACK || c === LBRACE) depth++
    else if (c === RPAREN || c === RBRACK || c === RBRACE) {
      if (depth === 0 && stopAtClose) return i
      if (depth > 0) depth--
    } else if (c === LT) {
      const k = skipAngle(text, i, end)
      if (k > 0) {
        i = k
        continue
      }
    } else if (c === 44 /* , */ && depth === 0) return i
    i++
  }
  return end
}

/**
 * Splits argument text at top-level commas. Each piece is trimmed. `""` gives [].
 */
export function splitArgs(text: string): string[] {
  const out: string[] = []
  let start = 0
  for (;;) {
    const c = nextTopLevelComma(text, start)
    if (c >= text.length) {
      const last = text.slice(start).trim()
      if (last !== '' || out.length > 0) out.push(last)
      return out
    }
    out.push(text.slice(start, c).trim())
    start = c + 1
  }
}

/** The n-th top-level argument (0-based) without splitting the rest; undefined if absent. */
export function argAt(text: string, n: number): string | undefined {
  let start = 0
  for (let idx = 0; ; idx++) {
    const c = nextTopLevelComma(text, start)
    if (idx === n) {
      const piece = text.slice(start, c).trim()
      return c >= text.length && piece === '' && n === 0 ? undefined : piece
    }
    if (c >= text.length) return undefined
    start = c + 1
  }
}

export interface FdArg {
  fd: number
  /** `-y`/`-yy` decoration (`/etc/passwd`, `pipe:[123]`, `TCP:[...]`). */
  decor: string | undefined
}

const NAMED_INTS: Readonly<Record<string, number>> = { AT_FDCWD: -100, NULL: 0 }

/**
 * Reads an integer argument: decimal, hex, negative, with optional decoration (`3</x>`), or a
 * few named constants (`AT_FDCWD`). Undefined if it is none of these.
 */
export function intArg(arg: string | undefined): number | undefined {
  if (arg === undefined) return undefined
  const end = arg.length
  let j = 0
  if (arg.charCodeAt(0) === MINUS) j++
  while (j < end && isNameChar(arg.charCodeAt(j))) j++
  const v = parseIntAt(arg, 0, j)
  // `3</path>` is a decorated fd; `34<<MFD_HUGE_SHIFT` is a shift (see parseFlagWord)
  if (v === v && (j === end || (arg.charCodeAt(j) === LT && arg.charCodeAt(j + 1) !== LT) || arg.charCodeAt(j) === SP)) return v
  const named = NAMED_INTS[arg.slice(0, j)]
  return named
}

export function fdArg(arg: string | undefined): FdArg | undefined {
  if (arg === undefined) return undefined
  const fd = intArg(arg)
  if (fd === undefined) return undefined
  const lt = arg.indexOf('<')
  const decor = lt > 0 && arg.charCodeAt(arg.length - 1) === GT ? arg.slice(lt + 1, -1) : undefined
  return { fd, decor }
}

/** Elements of an array argument (`[3, 4]`, `["sh", "-c"...]`, `[3<pipe:[1]>, 4<pipe:[1]>]`). */
export function arrayItems(arg: string | undefined): string[] | undefined {
  if (arg === undefined) return undefined
  const a = arg.trim()
  if (a.charCodeAt(0) !== LBRACK) return undefined
  const close = a.lastIndexOf(']')
  if (close < 0) return undefined
  return splitArgs(a.slice(1, close))
}

/** Integers of an array argument; `...` elements are skipped. */
export function intArray(arg: string | undefined): number[] | undefined {
  const items = arrayItems(arg)
  if (!items) return undefined
  const out: number[] = []
  for (const it of items) {
    const v = intArg(it)
    if (v !== undefined) out.push(v)
  }
  return out
}

/**
 * The value of `field=` inside the top level of a struct argument (`{flags=CLONE_VM, pidfd=0x7f}`).
 * Searches nested structs too when `deep` is set (first match wins). Undefined if absent.
 */
export function structField(text: string | undefined, field: string, deep = false): string | undefined {
  if (text === undefined) return undefined
  const end = text.length
  let depth = 0
  let i = 0
  let itemStart = -1
  while (i < end) {
    const c = text.charCodeAt(i)
    if (c === QUOTE) {
      i = skipString(text, i + 1, end)
      continue
    }
    if (c === LBRACE || c === LBRACK || c === LPAREN) {
      depth++
      if (c === LBRACE) itemStart = i + 1
    } else if (c === RBRACE || c === RBRACK || c === RPAREN) {
      if (depth > 0) depth--
    } else if (c === 44) itemStart = i + 1
    else if (c === LT) {
      const k = skipAngle(text, i, end)
      if (k > 0) {
        i = k
        continue
      }
    }
    if (c === EQ && itemStart >= 0 && (depth === 1 || (deep && depth >= 1))) {
      const key = text.slice(itemStart, i).trim()
      if (key === field) {
        // value runs to the next top-level ',' or closing brace at this depth
        return text.slice(i + 1, nextTopLevelComma(text, i + 1, true)).trim()
      }
    }
    i++
  }
  return undefined
}

/** Decodes a quoted strace string (`"a\tb"...`). `truncated` when followed by `...`. */
export function parseQuoted(arg: string | undefined): { value: string; truncated: boolean } | undefined {
  if (arg === undefined || arg.charCodeAt(0) !== QUOTE) return undefined
  let out = ''
  let i = 1
  const end = arg.length
  while (i < end) {
    const c = arg.charCodeAt(i)
    if (c === QUOTE) {
      return { value: out, truncated: arg.startsWith('...', i + 1) }
    }
    if (c === BACKSLASH && i + 1 < end) {
      const n = arg[i + 1]!
      if (n === 'n') out += '\n'
      else if (n === 't') out += '\t'
      else if (n === 'r') out += '\r'
      else if (n === 'v') out += '\v'
      else if (n === 'f') out += '\f'
      else if (n === 'x') {
        out += String.fromCharCode(parseInt(arg.slice(i + 2, i + 4), 16) || 0)
        i += 4
        continue
      } else if (n >= '0' && n <= '7') {
        let k = i + 1
        while (k < end && k < i + 4 && arg[k]! >= '0' && arg[k]! <= '7') k++
        out += String.fromCharCode(parseInt(arg.slice(i + 1, k), 8))
        i = k
        continue
      } else out += n
      i += 2
      continue
    }
    out += arg[i]
    i++
  }
  return { value: out, truncated: false }
}

/** Results of parseFlagWord by name table and text (flag words repeat: most lines show a few). */
const flagWordCache = new WeakMap<object, Map<string, { value: number; unknown: string[] }>>()

/**
 * Symbolic flag words (`O_RDWR|O_CLOEXEC|0x800`) to a number, given a name table; unknown names
 * are reported. The result is shared by equal calls: do not modify it.
 */
export function parseFlagWord(arg: string | undefined, names: Readonly<Record<string, number>>): { value: number; unknown: string[] } | undefined {
  if (arg === undefined) return undefined
  let cache = flagWordCache.get(names)
  if (!cache) flagWordCache.set(names, (cache = new Map()))
  const hit = cache.get(arg)
  if (hit) return hit
  const r = parseFlagWordUncached(arg, names)
  if (cache.size >= 4096) cache.clear()
  cache.set(arg, r)
  return r
}

function parseFlagWordUncached(arg: string, names: Readonly<Record<string, number>>): { value: number; unknown: string[] } {
  let value = 0
  const unknown: string[] = []
  for (const raw of arg.split('|')) {
    const t = raw.trim()
    if (t === '') continue
    const n = intArg(t)
    if (n !== undefined) {
      value |= n
      continue
    }
    // `34<<MFD_HUGE_SHIFT`: a value shifted by a named (or numeric) shift
    const sh = t.indexOf('<<')
    if (sh > 0) {
      const n = intArg(t.slice(0, sh))
      const by = t.slice(sh + 2)
      const b = names[by] ?? intArg(by)
      if (n !== undefined && b !== undefined && b < 53) {
        value = (value | (n * 2 ** b)) >>> 0 // flag words are 32 bits
        continue
      }
      unknown.push(t)
      continue
    }
    const v = names[t]
    if (v === undefined) unknown.push(t)
    else value |= v
  }
  return { value, unknown }
}

// ---------------------------------------------------------------------------------------------
// Events after merging

/** A whole system call: a one-line call, or an unfinished/resumed pair joined. */
export class SyscallEvent {
  // Fields are declared (no class-field initializers: with them every event would define each
  // property once as undefined before the constructor stores it) and set in one order below.
  declare readonly type: 'syscall'
  declare private _args: string[] | undefined
  /** Line of the line that completed the call (the only line for a one-line call). */
  declare readonly line: number
  /** Line where the call started (equal to `line` unless it was split). */
  declare readonly startLine: number
  /** Thread id that made the call (after an exec by a non-leader thread: the pid it finished under). */
  declare readonly pid: number
  declare readonly comm: string | undefined
  declare readonly time: string | undefined
  declare readonly name: string
  /** The whole argument text (both halves of a split call joined). */
  declare readonly argsText: string
  /** null for `= ?`, and for a call that never finished. */
  declare readonly ret: number | null
  declare readonly retText: string
  declare readonly retDecor: string | undefined
  declare readonly errno: string | undefined
  declare readonly errText: string | undefined
  declare readonly aux: string | undefined
  declare readonly duration: number | undefined
  /** Joined from an unfinished line and its resumed line. */
  declare readonly resumed: boolean
  /** Never finished: the task was killed, strace detached, or the log ended. */
  declare readonly unfinished: boolean
  /** A resumed line without its start (the log starts mid-call). */
  declare readonly orphan: boolean
  /** For an execve started by a non-leader thread and finished under the leader's pid: that thread. */
  declare readonly startPid: number
  constructor(
    line: number,
    startLine: number,
    pid: number,
    comm: string | undefined,
    time: string | undefined,
    name: string,
    argsText: string,
    ret: number | null,
    retText: string,
    retDecor: string | undefined,
    errno: string | undefined,
    errText: string | undefined,
    aux: string | undefined,
    duration: number | undefined,
    resumed: boolean,
    unfinished: boolean,
    orphan: boolean,
    startPid: number,
  ) {
    this.type = 'syscall'
    this.line = line
    this.startLine = startLine
    this.pid = pid
    this.comm = comm
    this.time = time
    this.name = name
    this.argsText = argsText
    this.ret = ret
    this.retText = retText
    this.retDecor = retDecor
    this.errno = errno
    this.errText = errText
    this.aux = aux
    this.duration = duration
    this.resumed = resumed
    this.unfinished = unfinished
    this.orphan = orphan
    this.startPid = startPid
    this._args = undefined
  }
  /** Top-level arguments (computed on first use). */
  get args(): string[] {
    return (this._args ??= splitArgs(this.argsText))
  }
  /** The n-th top-level argument without splitting all of them. */
  arg(n: number): string | undefined {
    if (this._args) return this._args[n]
    return argAt(this.argsText, n)
  }
  /** Text of the call as strace would print it whole. */
  toString(): string {
    const ret = this.ret === null && !this.retText ? '?' : this.retText
    const err = this.errno ? ` ${this.errno}${this.errText !== undefined ? ` (${this.errText})` : ''}` : ''
    return `${this.name}(${this.argsText})${this.unfinished ? ' <unfinished ...>' : ` = ${ret}${err}`}`
  }
}

/** A call that started and has not finished yet (emitted by the reader so that overlaps are visible). */
export interface StartEvent {
  type: 'start'
  line: number
  pid: number
  comm: string | undefined
  time: string | undefined
  name: string
  argsText: string
}

export interface SignalEvent { type: 'signal'; line: number; pid: number; comm: string | undefined; signal: string; info: string }
export interface ExitEvent {
  type: 'exit'
  line: number
  pid: number
  comm: string | undefined
  how: 'exited' | 'killed' | 'superseded'
  code: number | undefined
  signal: string | undefined
  core: boolean
  /** `superseded`: the thread whose execve completed under `pid`. */
  by: number | undefined
}
export interface InfoEvent { type: 'info'; line: number; pid: number; text: string; attached: number | undefined; detached: number | undefined }
export interface UnparsedEvent { type: 'unparsed'; line: number; text: string }
/**
 * strace writing to stderr prints no pid prefix while it traces a single process. When the
 * first prefixed line reveals that process's pid, earlier events (filed under `from`, the
 * reader's default pid) belong to `to`.
 */
export interface AliasEvent { type: 'alias'; line: number; from: number; to: number }

export type StraceEvent = SyscallEvent | StartEvent | SignalEvent | ExitEvent | InfoEvent | UnparsedEvent | AliasEvent

// ---------------------------------------------------------------------------------------------
// Streaming reader

export interface ReaderOptions {
  /** Called for every event, in log order. */
  onEvent: (e: StraceEvent) => void
  /**
   * pid for lines that carry none (a log of one process, or an `-ff` file `PREFIX.PID`);
   * default 0 until a prefixed line shows up.
   */
  defaultPid?: number
  /** Lines longer than this (characters) are reported unparsed and skipped. Default 16 Mi. */
  maxLineLength?: number
}

interface Pending {
  line: number
  pid: number
  comm: string | undefined
  time: string | undefined
  name: string
  argsText: string
  /** The thread that started the call, when it differs from the key it is filed under. */
  startPid: number
  pidChanged: number | undefined
}

const CLONE_NAMES: ReadonlySet<string> = new Set(['clone', 'clone2', 'clone3', 'fork', 'vfork'])

const ATTACHED_TAIL = /strace: Process (\d+) attached$/

/**
 * Streams strace text: `push(chunk)` any number of times, then `end()`. Events are delivered
 * synchronously through `onEvent`. Memory: one partial line plus one pending call per thread.
 */
export class StraceReader {
  /** Lines seen so far (including blank ones). */
  lines = 0
  /** Lines that produced an `unparsed` event. */
  unparsedCount = 0
  private rest = ''
  private readonly pending = new Map<number, Pending>()
  private readonly onEvent: (e: StraceEvent) => void
  private defaultPid: number
  /** The default pid is a placeholder that the first unknown prefixed pid replaces. */
  private defaultOpen: boolean
  private sawPrefixed = false
  private sawUnprefixed = false
  private sawCall = false
  /** Processes and threads believed alive (for unprefixed lines in stderr output). */
  private readonly live = new Set<number>()
  /** A prefixed pid known to be in `live` (and `sawPrefixed` set): -1 when none. */
  private lastLive = -1
  /** Pids announced as children (clone results, attach messages). */
  private readonly children = new Set<number>()
  private readonly maxLine: number
  /** stderr-mode output where strace's own message split a line: the first half, waiting. */
  private split: { text: string; line: number } | undefined
  private skippingLongLine = false
  private ended = false

  constructor(opts: ReaderOptions) {
    this.onEvent = opts.onEvent
    this.defaultPid = opts.defaultPid ?? 0
    this.defaultOpen = opts.defaultPid === undefined
    this.maxLine = opts.maxLineLength ?? 1 << 24
  }

  /** Feeds a chunk of text (any size, split anywhere). */
  push(chunk: string): void {
    if (this.ended || chunk.length === 0) return
    let start = 0
    let nl = chunk.indexOf('\n')
    if (nl < 0) {
      this.appendRest(chunk)
      return
    }
    // first line: leftover + head of this chunk
    if (this.rest.length > 0 || this.skippingLongLine) {
      const first = this.rest + chunk.slice(0, nl)
      this.rest = ''
      if (this.skippingLongLine) {
        this.skippingLongLine = false
        this.lines++
      } else this.handleLine(first, 0, first.length)
      start = nl + 1
      nl = chunk.indexOf('\n', start)
    }
    while (nl >= 0) {
      this.handleLine(chunk, start, nl)
      start = nl + 1
      nl = chunk.indexOf('\n', start)
    }
    if (start < chunk.length) this.appendRest(chunk.slice(start))
  }

  private appendRest(s: string): void {
    if (this.skippingLongLine) return
    this.rest += s
    if (this.rest.length > this.maxLine) {
      this.unparsedCount++
      this.onEvent({ type: 'unparsed', line: this.lines + 1, text: this.rest.slice(0, 200) + '... (line too long)' })
      this.rest = ''
      this.skippingLongLine = true
    }
  }

  /** Flushes the last line and reports calls still in flight as unfinished. Idempotent. */
  end(): void {
    if (this.ended) return
    if (this.rest.length > 0) {
      const r = this.rest
      this.rest = ''
      this.handleLine(r, 0, r.length)
    } else if (this.skippingLongLine) this.lines++
    if (this.split) {
      const sp = this.split
      this.split = undefined
      this.emitRaw(parseLine(sp.text, sp.line))
    }
    this.ended = true
    for (const [key, p] of [...this.pending]) {
      this.pending.delete(key)
      this.emitUnfinished(p, this.lines)
    }
  }

  /** Number of calls in flight (for tests and memory checks). */
  get inFlight(): number {
    return this.pending.size
  }

  /** Handles the line s[start, stop) (s: a chunk, or the line itself). */
  private handleLine(s: string, start: number, stop: number): void {
    const n = ++this.lines
    if (this.split === undefined) {
      const len = stop - start
      if (!(len > 30 && s.charCodeAt(stop - 1) === 100 /* d */)) {
        this.emitRaw(parseLineAt(s, start, stop, n, true))
        return
      }
    }
    const text = lineText(s, start, stop)
    // stderr mode: `clone(...SIGCHLDstrace: Process 6517 attached` + ` <unfinished ...>`
    if (this.split) {
      const sp = this.split
      this.split = undefined
      if (text.startsWith(' <unfinished ...>') || text.startsWith(') = ') || text.startsWith(', ')) {
        this.emitRaw(parseLine(sp.text + text, sp.line))
        return
      }
      this.emitRaw(parseLine(sp.text, sp.line))
    }
    if (text.length > 30 && text.charCodeAt(text.length - 1) === 100 /* d */ && !text.startsWith('strace: ')) {
      const m = ATTACHED_TAIL.exec(text)
      if (m && m.index > 0) {
        this.sawCall = true // the message interrupted a call's line: the process is not the attached one
        this.emitRaw({
          kind: 'info', line: n, pid: -1, comm: undefined, time: undefined, text: m[0],
          attached: Number(m[1]), detachedPid: undefined,
        })
        this.split = { text: text.slice(0, m.index), line: n }
        return
      }
    }
    this.emitRaw(parseLineAt(text, 0, text.length, n, true))
  }

  /**
   * The pid of a line. Unprefixed lines belong to the default pid, or (once prefixed lines have
   * been seen, as in strace's stderr output) to the only live process.
   */
  private pidOf(pid: number, line: number): number {
    if (pid >= 0) {
      // most lines are of the thread of the line before: known live (the cache is dropped
      // whenever `live` loses a pid)
      if (pid === this.lastLive) return pid
      if (!this.live.has(pid)) {
        if (this.defaultOpen && this.sawUnprefixed && !this.children.has(pid)) {
          this.defaultOpen = false
          this.live.delete(this.defaultPid)
          this.lastLive = -1
          this.onEvent({ type: 'alias', line, from: this.defaultPid, to: pid })
          const pend = this.pending.get(this.defaultPid)
          if (pend) {
            this.pending.delete(this.defaultPid)
            pend.pid = pid
            if (pend.startPid === this.defaultPid) pend.startPid = pid
            this.pending.set(pid, pend)
          }
          this.defaultPid = pid
        }
        this.live.add(pid)
      }
      this.sawPrefixed = true
      this.lastLive = pid
      return pid
    }
    this.sawUnprefixed = true
    if (this.sawPrefixed && this.live.size === 1) {
      for (const only of this.live) return only
    }
    this.live.add(this.defaultPid)
    return this.defaultPid
  }

  private noteChild(pid: number): void {
    this.children.add(pid)
    this.live.add(pid)
  }

  private emitRaw(r: RawLine): void {
    if (r.kind === 'call') {
      this.emitCall(r)
      return
    }
    const onEvent = this.onEvent
    switch (r.kind) {
      case 'blank':
        return
      case 'unparsed':
        this.unparsedCount++
        onEvent({ type: 'unparsed', line: r.line, text: r.text })
        return
      case 'info': {
        if (r.attached !== undefined) {
          // `strace -p N` announces the traced process before its first line
          if (!this.sawCall && this.defaultOpen) {
            this.defaultOpen = false
            this.defaultPid = r.attached
            this.live.add(r.attached)
          } else this.noteChild(r.attached)
        }
        const pid = r.pid >= 0 ? this.pidOf(r.pid, r.line) : -1
        onEvent({ type: 'info', line: r.line, pid, text: r.text, attached: r.attached, detached: r.detachedPid })
        return
      }
      case 'signal':
        onEvent({ type: 'signal', line: r.line, pid: this.pidOf(r.pid, r.line), comm: r.comm, signal: r.signal, info: r.info })
        return
      case 'exit': {
        const pid = this.pidOf(r.pid, r.line)
        this.lastLive = -1
        if (r.how !== 'superseded') this.live.delete(pid)
        else if (r.by !== undefined && r.by !== pid) this.live.delete(r.by)
        if (r.how === 'superseded' && r.by !== undefined) {
          // the thread `by` finished its execve under this pid: its pending execve moves here
          const mine = this.pending.get(pid)
          if (mine && mine.name !== 'execve' && mine.name !== 'execveat') {
            this.pending.delete(pid)
            this.emitUnfinished(mine, r.line)
          }
          const theirs = this.pending.get(r.by)
          if (theirs && r.by !== pid) {
            this.pending.delete(r.by)
            this.pending.set(pid, theirs)
          }
        } else {
          const p = this.pending.get(pid)
          if (p) {
            this.pending.delete(pid)
            this.emitUnfinished(p, r.line)
          }
        }
        onEvent({ type: 'exit', line: r.line, pid, comm: r.comm, how: r.how, code: r.code, signal: r.signal, core: r.core, by: r.by })
        return
      }
    }
  }

  private emitCall(r: RawCall): void {
    const pid = this.pidOf(r.pid, r.line)
    this.sawCall = true
    if (r.ret !== null && r.ret > 0 && r.phase !== 'unfinished' && CLONE_NAMES.has(r.name)) this.noteChild(r.ret)
    if (r.phase === 'whole') {
      this.onEvent(new SyscallEvent(
        r.line, r.line, pid, r.comm, r.time, r.name, r.argsText, r.ret, r.retText, r.retDecor, r.errno,
        r.errText, r.aux, r.duration, false, false, false, pid,
      ))
      return
    }
    if (r.phase === 'unfinished') {
      if (r.detached) {
        this.emitUnfinished({ line: r.line, pid, comm: r.comm, time: r.time, name: r.name, argsText: r.argsText, startPid: pid, pidChanged: undefined }, r.line)
        return
      }
      const prev = this.pending.get(pid)
      if (prev) {
        // a thread has one call in flight: an earlier start that was never resumed ends here
        this.pending.delete(pid)
        this.emitUnfinished(prev, r.line)
      }
      this.pending.set(pid, {
        line: r.line, pid, comm: r.comm, time: r.time, name: r.name, argsText: r.argsText, startPid: pid, pidChanged: r.pidChanged,
      })
      this.onEvent({ type: 'start', line: r.line, pid, comm: r.comm, time: r.time, name: r.name, argsText: r.argsText })
      return
    }
    // resumed
    let p = this.pending.get(pid)
    let key = pid
    if (!p || p.name !== r.name) {
      // an execve started by another thread (`<pid changed to N ...>` or superseded) finishing here
      for (const [k, q] of this.pending) {
        if (q.name === r.name && q.pidChanged === pid) {
          p = q
          key = k
          break
        }
      }
      if (p && p.name !== r.name) p = undefined
    }
    if (!p) {
      this.onEvent(new SyscallEvent(
        r.line, r.line, pid, r.comm, r.time, r.name, r.argsText, r.ret, r.retText, r.retDecor, r.errno,
        r.errText, r.aux, r.duration, true, false, true, pid,
      ))
      return
    }
    this.pending.delete(key)
    this.onEvent(new SyscallEvent(
      r.line, p.line, pid, r.comm ?? p.comm, p.time, r.name, joinArgs(p.argsText, r.argsText), r.ret, r.retText,
      r.retDecor, r.errno, r.errText, r.aux, r.duration, true, false, false, p.startPid,
    ))
  }

  private emitUnfinished(p: Pending, line: number): void {
    this.onEvent(new SyscallEvent(
      line, p.line, p.pid, p.comm, p.time, p.name, p.argsText.trimEnd(), null, '', undefined, undefined, undefined,
      undefined, undefined, false, true, false, p.startPid,
    ))
  }
}

/** Joins the two halves of a split call's arguments. */
export function joinArgs(first: string, rest: string): string {
  if (first.length === 0) return rest
  if (rest.length === 0) return first
  return first + rest
}

/** Parses a whole text at once (tests, small logs). */
export function parseAll(text: string, opts: Omit<ReaderOptions, 'onEvent'> = {}): StraceEvent[] {
  const out: StraceEvent[] = []
  const r = new StraceReader({ ...opts, onEvent: (e) => out.push(e) })
  r.push(text)
  r.end()
  return out
}
