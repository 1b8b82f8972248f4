/**
 * Conditional compilation, as kernel code does it for version differences:
 *
 *   #if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
 *     f = file_close_fd(fd);
 *   #else
 *     f = close_fd_get_file(fd);
 *   #endif
 *
 * Evaluated per kernel profile before lexing. Lines of inactive branches and the directives
 * themselves become blank, so line numbers do not move. Supported: #if, #elif, #else, #endif,
 * #ifdef and #ifndef (of the profile's CONFIG_ and feature names), defined(NAME).
 */
import type { Diagnostic } from '../diagnostics'
import type { ProfileName } from '../../sim/profile'
import { getProfile, PROFILE_NAMES } from '../../sim/profile'
import type { Expr } from './ast'
import { constBinary } from './consteval'
import { parseExpression } from './parser'

export function versionCode(profile: ProfileName): bigint {
  const [a, b] = profile.split('.').map((x) => BigInt(x))
  return (a! << 16n) + (b! << 8n)
}

/** Names #ifdef sees: the profile's features, spelled FDLAB_<FEATURE> (e.g. FDLAB_FILE_REF_T). */
function definedNames(profile: ProfileName): Set<string> {
  const p = getProfile(profile) as unknown as Record<string, unknown>
  const names = new Set<string>(['LINUX_VERSION_CODE', 'KERNEL_VERSION'])
  for (const [k, v] of Object.entries(p)) if (v === true) names.add(`FDLAB_${k.toUpperCase()}`)
  return names
}

/** Every FDLAB_ name any profile defines (a name outside it is a typo, not an undefined feature). */
export const FDLAB_MACROS: readonly string[] = (() => {
  const all = new Set<string>()
  for (const n of PROFILE_NAMES) {
    for (const [k, v] of Object.entries(getProfile(n) as unknown as Record<string, unknown>)) if (typeof v === 'boolean') all.add(`FDLAB_${k.toUpperCase()}`)
  }
  return [...all].sort()
})()

const DIRECTIVE = /^\s*#\s*(if|ifdef|ifndef|elif|else|endif)\b(.*)$/

export function preprocess(src: string, file: string, lineOffset: number, profile: ProfileName, diags: Diagnostic[]): string {
  if (!src.includes('#')) return src
  const lines = src.split('\n')
  const names = definedNames(profile)
  const err = (i: number, message: string): void => {
    diags.push({ file, line: lineOffset + i + 1, col: 1, severity: 'error', code: 'syntax', message })
  }
  // Each open #if: whether its current branch is active, whether any branch was taken, the line.
  const stack: { active: boolean; taken: boolean; line: number; sawElse: boolean }[] = []
  const live = (): boolean => stack.every((s) => s.active)
  const out: string[] = []
  lines.forEach((l, i) => {
    const m = DIRECTIVE.exec(l)
    if (!m) { out.push(live() ? l : ''); return }
    const [, dir, rest] = m as unknown as [string, string, string]
    const arg = rest.replace(/\/\/.*$/, '').replace(/\/\*.*?\*\//g, '').trim()
    const outer = stack.slice(0, -1).every((s) => s.active)
    for (const m of arg.matchAll(/\bFDLAB_\w+/g)) {
      if (!FDLAB_MACROS.includes(m[0])) {
        diags.push({
          file, line: lineOffset + i + 1, col: l.indexOf(m[0]) + 1, severity: 'error', code: 'macro',
          message: `unknown macro ${m[0]}: no profile defines it (known: ${FDLAB_MACROS.join(', ')}; docs/lab-c.md)`,
        })
      }
    }
    switch (dir) {
      case 'if': case 'ifdef': case 'ifndef': {
        const parentLive = live()
        let v = false
        if (dir === 'if') v = evaluate('#if', arg, i, names, profile, err)
        else {
          if (!/^[A-Za-z_]\w*$/.test(arg)) err(i, `#${dir} takes a name`)
          v = names.has(arg) === (dir === 'ifdef')
        }
        stack.push({ active: parentLive && v, taken: v, line: i, sawElse: false })
        break
      }
      case 'elif': {
        const top = stack[stack.length - 1]
        if (!top) { err(i, '#elif without #if'); break }
        if (top.sawElse) err(i, '#elif after #else')
        const v = !top.taken && evaluate('#elif', arg, i, names, profile, err)
        top.active = stack.slice(0, -1).every((s) => s.active) && v
        top.taken ||= v
        break
      }
      case 'else': {
        const top = stack[stack.length - 1]
        if (!top) { err(i, '#else without #if'); break }
        if (top.sawElse) err(i, 'a second #else')
        top.sawElse = true
        top.active = outer && !top.taken
        top.taken = true
        break
      }
      case 'endif':
        if (!stack.pop()) err(i, '#endif without #if')
        break
    }
    out.push('')
  })
  for (const s of stack) err(s.line, '#if without #endif')
  return out.join('\n')
}

function evaluate(dir: string, text: string, i: number, names: Set<string>, profile: ProfileName, err: (i: number, m: string) => void): boolean {
  if (!text) { err(i, `${dir} needs a condition`); return false }
  const ds: Diagnostic[] = []
  const e = parseExpression(text, '<#if>', ds)
  if (!e || ds.length) { err(i, `${dir}: ${ds[0]?.message ?? 'cannot parse the condition'}`); return false }
  try {
    return ev(e, names, profile) !== 0n
  } catch (x) {
    err(i, `${dir}: ${(x as Error).message}`)
    return false
  }
}

function ev(e: Expr, names: Set<string>, profile: ProfileName): bigint {
  switch (e.kind) {
    case 'int': return e.value
    case 'name':
      if (e.name === 'LINUX_VERSION_CODE') return versionCode(profile)
      // Feature names are defined as 1; undefined names are 0 in #if, as in C.
      return names.has(e.name) ? 1n : 0n
    case 'call': {
      if (e.callee.kind === 'name' && e.callee.name === 'KERNEL_VERSION' && e.args.length === 3) {
        const [a, b, c] = e.args.map((x) => ev(x, names, profile)) as [bigint, bigint, bigint]
        return (a << 16n) + (b << 8n) + (c > 255n ? 255n : c)
      }
      if (e.callee.kind === 'name' && e.callee.name === 'defined' && e.args.length === 1 && e.args[0]!.kind === 'name') {
        return names.has(e.args[0]!.name) ? 1n : 0n
      }
      throw new Error('only KERNEL_VERSION(a, b, c) and defined(NAME) may be called in #if')
    }
    case 'unary': {
      const a = ev(e.arg, names, profile)
      return e.op === '!' ? (a === 0n ? 1n : 0n) : e.op === '-' ? -a : e.op === '~' ? ~a : a
    }
    case 'logical': {
      const a = ev(e.left, names, profile) !== 0n
      if (e.op === '&&') return a && ev(e.right, names, profile) !== 0n ? 1n : 0n
      return a || ev(e.right, names, profile) !== 0n ? 1n : 0n
    }
    case 'binary': {
      const r = constBinary(e.op, ev(e.left, names, profile), ev(e.right, names, profile))
      if (typeof r === 'string') throw new Error(r)
      return r
    }
    case 'cond': return ev(e.test, names, profile) !== 0n ? ev(e.then, names, profile) : ev(e.else, names, profile)
    default: throw new Error('not a constant condition')
  }
}
