/**
 * Lab C lexer. Positions are 1-based lines and columns in the lab file: a fenced block starts at
 * `lineOffset + 1`. Errors never throw; they become diagnostics and the lexer moves on.
 */
import type { Diagnostic } from '../diagnostics'

export type TokKind = 'ident' | 'kw' | 'int' | 'char' | 'str' | 'punct' | 'define' | 'eol' | 'eof'

export interface Token {
  readonly kind: TokKind
  /** Source text (for strings: the decoded value; for ints: the literal). */
  readonly text: string
  readonly line: number
  readonly col: number
  /** Integer value of int and char literals. */
  readonly value?: bigint
  /** Offsets in the block's source text: [off, end). */
  readonly off: number
  readonly end: number
}

export const KEYWORDS: ReadonlySet<string> = new Set([
  'if', 'else', 'while', 'do', 'for', 'break', 'continue', 'return', 'switch', 'case', 'default',
  'struct', 'enum', 'sizeof', 'static', 'const', 'volatile', 'unsigned', 'signed', 'extern', 'inline',
  'process', 'kthread', 'driver', 'thread', 'fork', 'exec', 'label', 'expect', 'goto', 'typedef', 'union',
])

// Longest first, so that the lexer takes the longest match.
const PUNCTS = [
  '<<=', '>>=', '...', '->', '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '+=', '-=', '*=', '/=', '%=',
  '&=', '|=', '^=', '+', '-', '*', '/', '%', '<', '>', '=', '!', '~', '&', '|', '^', '?', ':', ';', ',', '.', '(', ')',
  '{', '}', '[', ']',
]

const ESCAPES: Record<string, number> = { n: 10, t: 9, r: 13, '0': 0, '\\': 92, "'": 39, '"': 34, a: 7, b: 8, f: 12, v: 11, e: 27 }

const MAX_U64 = (1n << 64n) - 1n

/** An `#include` line: the header named, and where. */
export interface Include { readonly header: string; readonly line: number; readonly col: number }

export function lex(src: string, file: string, lineOffset: number, diags: Diagnostic[], includes: Include[] = []): Token[] {
  const toks: Token[] = []
  let i = 0
  let line = lineOffset + 1
  let col = 1
  let inDefine = false
  const err = (l: number, c: number, message: string): void => {
    diags.push({ file, line: l, col: c, severity: 'error', code: 'syntax', message })
  }
  const adv = (n: number): void => {
    for (let j = 0; j < n; j++) {
      if (src.charCodeAt(i) === 10) { line++; col = 1 } else col++
      i++
    }
  }
  while (i < src.length) {
    const c = src[i]!
    if (c === '\n') {
      if (inDefine) { toks.push({ kind: 'eol', text: '\n', line, col, off: i, end: i }); inDefine = false }
      adv(1)
      continue
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') { adv(1); continue }
    if (c === '\\' && src[i + 1] === '\n' && inDefine) { adv(2); continue }
    if (c === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n') adv(1)
      continue
    }
    if (c === '/' && src[i + 1] === '*') {
      const l = line, cc = col
      adv(2)
      while (i < src.length && !(src[i] === '*' && src[i + 1] === '/')) adv(1)
      if (i >= src.length) { err(l, cc, 'unterminated comment'); break }
      adv(2)
      continue
    }
    const l = line, cc = col
    if (c === '#') {
      let j = i + 1
      while (src[j] === ' ' || src[j] === '\t') j++
      let k = j
      while (k < src.length && /[A-Za-z_]/.test(src[k]!)) k++
      const word = src.slice(j, k)
      if (word === 'define') {
        toks.push({ kind: 'define', text: '#define', line: l, col: cc, off: i, end: k })
        inDefine = true
        adv(k - i)
        continue
      }
      if (word === 'include') {
        // Harmless: a lab may keep `#include <linux/fs.h>` for readers. Recorded, then skipped:
        // a few headers make an engine device available (linux/android/binder.h: /dev/binder).
        let e = i
        while (e < src.length && src[e] !== '\n') e++
        const m = /^#\s*include\s*[<"]([^>"]+)[>"]/.exec(src.slice(i, e))
        if (m) includes.push({ header: m[1]!, line: l, col: cc })
        while (i < src.length && src[i] !== '\n') adv(1)
        continue
      }
      err(l, cc, word ? `unsupported preprocessor directive '#${word}' (lab C has #define NAME value, #include lines, and #if/#ifdef/#elif/#else/#endif)` : "stray '#'")
      while (i < src.length && src[i] !== '\n') adv(1)
      continue
    }
    if (/[A-Za-z_]/.test(c)) {
      let j = i + 1
      while (j < src.length && /[A-Za-z0-9_]/.test(src[j]!)) j++
      const text = src.slice(i, j)
      toks.push({ kind: KEYWORDS.has(text) ? 'kw' : 'ident', text, line: l, col: cc, off: i, end: j })
      adv(j - i)
      continue
    }
    if (/[0-9]/.test(c)) {
      let j = i
      let value: bigint | null = null
      let digits: string
      if (c === '0' && (src[i + 1] === 'x' || src[i + 1] === 'X')) {
        j = i + 2
        while (j < src.length && /[0-9A-Fa-f_]/.test(src[j]!)) j++
        digits = src.slice(i + 2, j).replace(/_/g, '')
        value = digits ? BigInt('0x' + digits) : null
      } else if (c === '0' && (src[i + 1] === 'b' || src[i + 1] === 'B')) {
        j = i + 2
        while (j < src.length && /[01_]/.test(src[j]!)) j++
        digits = src.slice(i + 2, j).replace(/_/g, '')
        value = digits ? BigInt('0b' + digits) : null
      } else {
        while (j < src.length && /[0-9_]/.test(src[j]!)) j++
        digits = src.slice(i, j).replace(/_/g, '')
        if (digits.length > 1 && digits[0] === '0') {
          value = /^[0-7]+$/.test(digits) ? BigInt('0o' + digits.slice(1)) : null
          if (value === null) { err(l, cc, `invalid octal literal '${digits}'`); value = 0n }
        } else value = BigInt(digits)
      }
      // C integer suffixes (u, l, ul, ll, ull) are accepted and ignored: every lab C int is 64-bit.
      while (j < src.length && /[uUlL]/.test(src[j]!)) j++
      if (j < src.length && /[A-Za-z0-9_.]/.test(src[j]!)) {
        let k = j
        while (k < src.length && /[A-Za-z0-9_.]/.test(src[k]!)) k++
        err(l, cc, `invalid number '${src.slice(i, k)}'`)
        j = k
        value = 0n
      }
      if (value === null) { err(l, cc, `invalid number '${src.slice(i, j)}'`); value = 0n }
      if (value > MAX_U64) { err(l, cc, `integer literal '${src.slice(i, j)}' does not fit in 64 bits`); value = 0n }
      toks.push({ kind: 'int', text: src.slice(i, j), line: l, col: cc, value: BigInt.asIntN(64, value), off: i, end: j })
      adv(j - i)
      continue
    }
    if (c === '"' || c === "'") {
      const quote = c
      let j = i + 1
      const codes: number[] = []
      let closed = false
      while (j < src.length) {
        const d = src[j]!
        if (d === '\n') break
        if (d === quote) { closed = true; j++; break }
        if (d === '\\') {
          const e = src[j + 1] ?? ''
          if (e === 'x') {
            let k = j + 2
            while (k < j + 4 && /[0-9A-Fa-f]/.test(src[k] ?? '')) k++
            if (k === j + 2) { err(line, col + (j - i), 'invalid \\x escape'); codes.push(0) } else codes.push(parseInt(src.slice(j + 2, k), 16))
            j = k
            continue
          }
          if (/[0-7]/.test(e) && e !== '0' || (e === '0' && /[0-7]/.test(src[j + 2] ?? ''))) {
            let k = j + 1
            while (k < j + 4 && /[0-7]/.test(src[k] ?? '')) k++
            codes.push(parseInt(src.slice(j + 1, k), 8) & 0xff)
            j = k
            continue
          }
          const v = ESCAPES[e]
          if (v === undefined) { err(line, col + (j - i), `unknown escape '\\${e}'`); codes.push(e.charCodeAt(0) || 0) } else codes.push(v)
          j += 2
          continue
        }
        const cp = src.codePointAt(j)!
        codes.push(cp)
        j += cp > 0xffff ? 2 : 1
      }
      if (!closed) err(l, cc, quote === '"' ? 'unterminated string' : 'unterminated character constant')
      if (quote === '"') {
        toks.push({ kind: 'str', text: String.fromCodePoint(...codes), line: l, col: cc, off: i, end: j })
      } else {
        if (closed && codes.length !== 1) err(l, cc, codes.length === 0 ? 'empty character constant' : 'character constant has more than one character')
        toks.push({ kind: 'char', text: src.slice(i, j), line: l, col: cc, value: BigInt(codes[0] ?? 0), off: i, end: j })
      }
      adv(j - i)
      continue
    }
    const p = PUNCTS.find((q) => src.startsWith(q, i))
    if (p) {
      toks.push({ kind: 'punct', text: p, line: l, col: cc, off: i, end: i + p.length })
      adv(p.length)
      continue
    }
    // One error per code point (an emoji is two UTF-16 units); invisible ones by their number.
    const cp = src.codePointAt(i)!
    const ch = String.fromCodePoint(cp)
    const shown = /^[\p{L}\p{N}\p{P}\p{S}]$/u.test(ch) ? `'${ch}'` : `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`
    err(l, cc, `unexpected character ${shown}`)
    adv(ch.length)
  }
  if (inDefine) toks.push({ kind: 'eol', text: '\n', line, col, off: i, end: i })
  toks.push({ kind: 'eof', text: '', line, col, off: i, end: i })
  return toks
}
