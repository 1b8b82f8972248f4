/**
 * Similar answers: pairs of submissions whose implement answers are the same once normalised.
 * Normalising removes comments, preprocessor-free white space and the names the answer introduces
 * (every identifier that is neither a C keyword nor a name the lab itself uses is renamed in order
 * of first appearance), so renaming variables and reformatting does not hide a copy. An answer
 * that normalises to the exercise's starter code is left out (it is not the student's work), as
 * are answers shorter than a few tokens. Pure: nothing leaves the machine.
 */
import { type Lab, getApi, KERNEL_STRUCTS, PRELUDE, PROFILE_NAMES } from '../engine'

const KEYWORDS = new Set([
  'auto', 'break', 'case', 'char', 'const', 'continue', 'default', 'do', 'double', 'else', 'enum', 'extern', 'float', 'for', 'goto',
  'if', 'int', 'long', 'register', 'return', 'short', 'signed', 'sizeof', 'static', 'struct', 'switch', 'typedef', 'union',
  'unsigned', 'void', 'volatile', 'while', 'bool', 'true', 'false', 'NULL', 'process', 'thread', 'driver', 'kthread',
  'include', 'define', 'if', 'ifdef', 'ifndef', 'endif', 'elif', 'defined',
])

const TOKEN = /\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|$)|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|[A-Za-z_]\w*|0[xX][0-9a-fA-F]+|\d+|->|\+\+|--|<<=|>>=|[<>=!]=|&&|\|\||<<|>>|[-+*/%&|^]=|\S/g

/** Tokens of lab C text, comments dropped. */
export function tokens(code: string): string[] {
  const out: string[] = []
  for (const m of code.matchAll(TOKEN)) {
    const t = m[0]
    if (t.startsWith('//') || t.startsWith('/*')) continue
    out.push(t)
  }
  return out
}

/**
 * Names kept as they are: lab C's kernel API, system calls, constants, kernel structs and their
 * fields, and every name in the lab's own code other than its solutions (libs, scenarios,
 * starters, tests). The names an answer introduces itself are renamed.
 */
export function labNames(lab: Lab): Set<string> {
  const names = new Set<string>(KERNEL_STRUCTS)
  for (const t of tokens(PRELUDE)) if (/^[A-Za-z_]/.test(t)) names.add(t)
  for (const p of PROFILE_NAMES) {
    const api = getApi(p)
    for (const f of api.all()) names.add(f.name)
    for (const c of api.constants().keys()) names.add(c)
    for (const st of KERNEL_STRUCTS) for (const f of api.structFields(st)?.keys() ?? []) names.add(f)
  }
  for (const b of lab.blocks) {
    if (b.role === 'solution' || b.role === 'exercise') continue
    for (const t of tokens(b.code)) if (/^[A-Za-z_]/.test(t)) names.add(t)
  }
  return names
}

/** The normalised token sequence of an answer. */
export function normalise(code: string, keep: ReadonlySet<string>): string[] {
  const renamed = new Map<string, string>()
  return tokens(code).map((t) => {
    if (!/^[A-Za-z_]/.test(t) || KEYWORDS.has(t) || keep.has(t)) return t
    let r = renamed.get(t)
    if (!r) { r = `$${renamed.size + 1}`; renamed.set(t, r) }
    return r
  })
}

export interface SimilarityInput { readonly file: string; readonly student: string; readonly answers: ReadonlyMap<string, string> }

export interface SimilarPair {
  readonly exercise: string
  readonly a: { readonly file: string; readonly student: string }
  readonly b: { readonly file: string; readonly student: string }
  /** Normalised tokens of the shared answer. */
  readonly tokens: number
}

/** Pairs of identical normalised implement answers, by exercise (lab order), then files. */
export function similarPairs(lab: Lab, subs: readonly SimilarityInput[], minTokens = 12): SimilarPair[] {
  const keep = labNames(lab)
  const out: SimilarPair[] = []
  for (const ex of lab.exercises) {
    if (ex.kind !== 'implement') continue
    const starter = ex.starter ? normalise(ex.starter.code, keep).join(' ') : null
    const groups = new Map<string, { file: string; student: string; n: number }[]>()
    for (const s of [...subs].sort((x, y) => (x.file < y.file ? -1 : x.file > y.file ? 1 : 0))) {
      const a = s.answers.get(ex.id)
      if (a === undefined) continue
      const norm = normalise(a, keep)
      const key = norm.join(' ')
      if (norm.length < minTokens || key === starter) continue
      const g = groups.get(key) ?? []
      g.push({ file: s.file, student: s.student, n: norm.length })
      groups.set(key, g)
    }
    for (const g of groups.values()) {
      for (let i = 0; i < g.length; i++) for (let j = i + 1; j < g.length; j++) {
        out.push({ exercise: ex.id, a: { file: g[i]!.file, student: g[i]!.student }, b: { file: g[j]!.file, student: g[j]!.student }, tokens: g[i]!.n })
      }
    }
  }
  return out.sort((x, y) => {
    const ex = lab.exercises.findIndex((e) => e.id === x.exercise) - lab.exercises.findIndex((e) => e.id === y.exercise)
    return ex || (x.a.file < y.a.file ? -1 : x.a.file > y.a.file ? 1 : x.b.file < y.b.file ? -1 : x.b.file > y.b.file ? 1 : 0)
  })
}

/** The pairs as a plain-text table. */
export function similarityTable(pairs: readonly SimilarPair[]): string {
  const rows = [['exercise', 'submission', 'student', 'submission', 'student', 'tokens'], ...pairs.map((p) => [p.exercise, p.a.file, p.a.student, p.b.file, p.b.student, String(p.tokens)])]
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(w[i]!))).join('  ')).join('\n')
}
