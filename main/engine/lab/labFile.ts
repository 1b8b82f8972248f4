/**
 * Lab files (`*.lab.md`): YAML front matter, Markdown prose, and fenced blocks the engine
 * understands. The fence's info string starts with the language (so forges highlight it) and
 * names the block's role:
 *
 *   ```c scenario=close-basic            a runnable scenario
 *   ```c lib=binderish                   shared code, pulled in with uses=binderish
 *   ```yaml exercise=deferred-close      an exercise: kind, points, prompt...
 *   ```c starter=deferred-close          the code the student starts from
 *   ```c solution=deferred-close         the reference answer (removed by release)
 *   ```c test=deferred-close name=same-fd hidden    a test of the exercise (hidden: removed by release)
 *
 * Other fences (no role) are illustrations and are ignored. Parsing never throws: problems are
 * diagnostics with the file, line and column.
 */
import { LineCounter, parseDocument, isMap, isScalar, type Node as YamlNode, type YAMLError } from 'yaml'
import type { Diagnostic, DiagCode } from './diagnostics'
import { fences, frontMatter, parseInfo, splitLines, type InfoAttr } from './markdown'
import { parseSchedule } from './schedule'
import { RULE_IDS } from './rules'
import { PROFILE_NAMES, VARIANT_NAMES, type ProfileName, type Variants } from '../sim/profile'
import { labelsIn, parseSlides, type Slide } from './slides'

export type { Slide }

export type BlockRole = 'scenario' | 'lib' | 'exercise' | 'starter' | 'solution' | 'test'
export const ROLES: readonly BlockRole[] = ['scenario', 'lib', 'exercise', 'starter', 'solution', 'test']
export type Expectation = 'pass' | 'violation' | 'blocked' | 'fail'
export const EXPECTATIONS: readonly Expectation[] = ['pass', 'violation', 'blocked', 'fail']
export type ExerciseKind = 'predict' | 'provoke' | 'implement'

export interface LabMeta {
  readonly id: string
  readonly title: string
  readonly version: string
  /** Concrete profiles the lab runs under, in order (a lab with two runs each scenario twice). */
  readonly kernels: readonly ProfileName[]
  readonly authors: readonly string[]
  readonly license: string
  readonly variants: Partial<Variants>
  readonly description: string
  /** 'student' for the output of release (solutions and hidden tests removed). */
  readonly edition: 'instructor' | 'student'
  /** Front matter `reading_time` / `doing_time` ("25 min", "1 h 30 min"), in minutes; null when absent. */
  readonly readingMinutes: number | null
  readonly doingMinutes: number | null
}

export interface LabBlock {
  readonly role: BlockRole
  /** scenario/lib name, or the exercise id for exercise/starter/solution/test. */
  readonly name: string
  /** Test name (test blocks), else the same as name. */
  readonly testName: string
  readonly lang: string
  readonly code: string
  /** Line of the opening fence: the code's first line is fenceLine + 1. */
  readonly fenceLine: number
  readonly closeLine: number
  readonly hidden: boolean
  /** Profiles from kernel=..., else null (the lab's). */
  readonly kernels: readonly ProfileName[] | null
  readonly variants: Partial<Variants> | null
  readonly uses: readonly string[]
  readonly expect: Expectation
  /** The sanitizer rule the block expects (expect=violation rule=NAME). */
  readonly rule: string | null
  /** Check every interleaving (the explorer), not only the default schedule. */
  readonly explore: boolean
  readonly bound: number | null
  /** A stored schedule to run (schedule=v1:100*3,101,...). */
  readonly schedule: readonly number[] | null
  readonly title: string
}

export interface Exercise {
  readonly id: string
  readonly kind: ExerciseKind
  readonly points: number
  readonly title: string
  readonly prompt: string
  /** predict: the observe() key whose value is the answer. */
  readonly observe: string | null
  /** predict: the scenario that computes it (default: the exercise's first test). */
  readonly scenario: string | null
  /** predict: offered answers (optional). */
  readonly choices: readonly string[]
  /** implement: functions the answer must define. */
  readonly defines: readonly string[]
  /** Named misconceptions a wrong predict choice or a failing test shows (contract item 5). */
  readonly misconceptions: readonly Misconception[]
  readonly header: LabBlock
  readonly starter: LabBlock | null
  readonly solution: LabBlock | null
  readonly tests: readonly LabBlock[]
}

export interface Misconception {
  readonly when: { readonly choice?: string; readonly test?: string }
  readonly id: string
  readonly explain: string
}

export interface Lab {
  readonly file: string
  readonly source: string
  readonly meta: LabMeta
  readonly blocks: readonly LabBlock[]
  readonly scenarios: readonly LabBlock[]
  readonly libs: ReadonlyMap<string, LabBlock>
  readonly exercises: readonly Exercise[]
  /** Line where the body (after the front matter) starts. */
  readonly bodyLine: number
  /** The lab cut into slides for presenter mode (see slides.ts). */
  readonly slides: readonly Slide[]
}

export interface ParsedLab { readonly lab: Lab; readonly diagnostics: Diagnostic[] }

/** Limits of a lab file (docs/limits.md): its size in bytes and its number of role blocks. */
export const MAX_LAB_BYTES = 1 << 20
export const MAX_LAB_BLOCKS = 1000

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/
const ID_RE = /^[a-z0-9][a-z0-9-]*$/
const CODE_LANGS = new Set(['c', 'labc'])
const META_KEYS = new Set(['id', 'title', 'version', 'kernel', 'authors', 'author', 'license', 'variants', 'description', 'edition', 'reading_time', 'doing_time'])
const EXERCISE_KEYS = new Set(['kind', 'points', 'title', 'prompt', 'observe', 'scenario', 'choices', 'defines', 'misconceptions'])

export function parseLab(text: string, file: string): ParsedLab {
  const diags: Diagnostic[] = []
  const d = (line: number, col: number, code: DiagCode, message: string, severity: 'error' | 'warning' = 'error'): void => {
    diags.push({ file, line, col, severity, code, message })
  }
  if (text.length > MAX_LAB_BYTES) {
    // Nothing of it is parsed: the limit bounds the memory and time every command spends on a file.
    d(1, 1, 'limit', `lab file size limit: this file has ${text.length} characters, more than ${MAX_LAB_BYTES} (1 MiB); split it into several labs`)
    const meta: LabMeta = { id: '', title: '', version: '', kernels: ['6.18'], authors: [], license: '', variants: {}, description: '', edition: 'instructor', readingMinutes: null, doingMinutes: null }
    // bodyLine past the end: none of its text is shown as instructions either.
    return { lab: { file, source: text, meta, blocks: [], scenarios: [], libs: new Map(), exercises: [], slides: [], bodyLine: Number.MAX_SAFE_INTEGER }, diagnostics: diags }
  }
  const lines = splitLines(text)
  const fm = frontMatter(lines)
  let meta: LabMeta = {
    id: '', title: '', version: '', kernels: ['6.18'], authors: [], license: '', variants: {}, description: '', edition: 'instructor',
    readingMinutes: null, doingMinutes: null,
  }
  let bodyLine = 1
  if (fm === null) d(1, 1, 'front-matter', 'a lab file starts with YAML front matter between two --- lines (id, title, version, kernel, authors, license)')
  else if (fm === 'unclosed') { d(1, 1, 'front-matter', "the front matter's opening --- has no closing ---"); bodyLine = lines.length + 1 }
  else {
    meta = parseMeta(fm.yaml, fm.startLine, d)
    bodyLine = fm.endLine + 1
  }

  const blocks: LabBlock[] = []
  const broken = new Set<string>()
  for (const f of fences(lines, bodyLine)) {
    const info = parseInfo(f.info, f.infoCol)
    if ('error' in info) { d(f.openLine, info.col, 'fence', info.error); continue }
    const roleAttrs = info.attrs.filter((a) => (ROLES as readonly string[]).includes(a.key))
    if (roleAttrs.length === 0) {
      const kv = info.attrs.find((a) => a.value !== null)
      if (kv && (CODE_LANGS.has(info.lang) || info.lang === 'yaml')) {
        d(f.openLine, kv.col, 'fence', `fence attributes without a role are ignored; a role is one of ${ROLES.map((r) => r + '=').join(', ')}`, 'warning')
      }
      continue
    }
    if (!f.closed) { d(f.openLine, 1, 'fence', 'this fenced block is never closed'); continue }
    if (blocks.length >= MAX_LAB_BLOCKS) {
      d(f.openLine, 1, 'limit', `block limit: a lab file has at most ${MAX_LAB_BLOCKS} blocks with a role; this one and the rest are not read`)
      break
    }
    if (roleAttrs.length > 1) { d(f.openLine, roleAttrs[1]!.col, 'fence', `a block has one role, not ${roleAttrs.map((a) => a.key).join(' and ')}`); continue }
    const b = block(f.openLine, f.closeLine, f.content, info.lang, f.infoCol, roleAttrs[0]!, info.attrs, d)
    if (b) blocks.push(b)
    // Already reported at its fence: what names it is not reported again as missing.
    else if (roleAttrs[0]!.value) broken.add(`${roleAttrs[0]!.key}=${roleAttrs[0]!.value}`)
  }

  const scenarios: LabBlock[] = []
  const libs = new Map<string, LabBlock>()
  const headers = new Map<string, LabBlock>()
  for (const b of blocks) {
    if (b.role === 'scenario') {
      if (scenarios.some((s) => s.name === b.name)) d(b.fenceLine, 1, 'duplicate', `scenario '${b.name}' is defined twice`)
      else scenarios.push(b)
    } else if (b.role === 'lib') {
      if (libs.has(b.name)) d(b.fenceLine, 1, 'duplicate', `lib '${b.name}' is defined twice`)
      else libs.set(b.name, b)
    } else if (b.role === 'exercise') {
      if (headers.has(b.name)) d(b.fenceLine, 1, 'duplicate', `exercise '${b.name}' is defined twice`)
      else headers.set(b.name, b)
    }
  }
  for (const b of blocks) {
    for (const u of b.uses) if (!libs.has(u) && !broken.has(`lib=${u}`)) d(b.fenceLine, 1, 'block', `uses=${u}: no lib=${u} block in this lab`)
  }
  const exercises: Exercise[] = []
  for (const [id, h] of headers) {
    const ex = exercise(id, h, blocks.filter((b) => b.name === id && b.role !== 'exercise'), meta, scenarios, d, broken)
    if (ex) exercises.push(ex)
  }
  for (const b of blocks) {
    if ((b.role === 'starter' || b.role === 'solution' || b.role === 'test') && !headers.has(b.name) && !broken.has(`exercise=${b.name}`)) {
      d(b.fenceLine, 1, 'exercise', `${b.role}=${b.name}: no exercise=${b.name} block in this lab`)
    }
  }
  const labels = new Map(scenarios.map((s) => [s.name, labelsIn(s.code)] as const))
  const slides = parseSlides(lines, bodyLine, meta.title, labels, d)
  return { lab: { file, source: text, meta, blocks, scenarios, libs, exercises, bodyLine, slides }, diagnostics: diags }
}

/** The YAML parser's message without its own position (relative to the YAML text, not the file). */
function yamlMessage(m: string): string {
  const first = m.split('\n')[0]!.replace(/ at line \d+, column \d+:?\s*$/, '')
  // The YAML library turns a stack overflow on deeply nested text into an error of its own:
  // say what it means, never the JavaScript runtime's words.
  return /call stack/i.test(first) ? 'nesting too deep' : first
}

/** YAML errors reported at most this many times per block (one broken line can cascade). */
const MAX_YAML_ERRORS = 5

/**
 * Report the errors of one YAML text: each position and message once, the first
 * MAX_YAML_ERRORS of them, then how many more there were. @at maps a YAML (line, col) to the
 * lab file's.
 */
export function reportYamlErrors(
  errors: readonly YAMLError[],
  at: (line: number, col: number) => [number, number], say: (line: number, col: number, message: string) => void, prefix = '',
): void {
  const seen = new Set<string>()
  let shown = 0
  let more = 0
  let last: [number, number] = at(1, 1)
  for (const e of errors) {
    const p = e.linePos?.[0]
    const [line, col] = at(p?.line ?? 1, p?.col ?? 1)
    const message = `${prefix}${yamlMessage(e.message)}`
    const key = `${line}:${col}:${message}`
    if (seen.has(key)) continue
    seen.add(key)
    if (shown < MAX_YAML_ERRORS) { say(line, col, message); shown++; last = [line, col] } else more++
  }
  if (more) say(last[0], last[1], `${prefix}${more} more YAML error${more === 1 ? '' : 's'} (fix the first ones)`)
}

const article = (word: string): string => (/^[aeiou]/.test(word) ? 'an' : 'a')

type Report = (line: number, col: number, code: DiagCode, message: string, severity?: 'error' | 'warning') => void

function parseMeta(yamlText: string, startLine: number, d: Report): LabMeta {
  const lc = new LineCounter()
  const doc = parseDocument(yamlText, { lineCounter: lc, prettyErrors: true, uniqueKeys: true })
  const at = (node: YamlNode | null | undefined): [number, number] => {
    const off = node?.range?.[0] ?? 0
    const p = lc.linePos(off)
    return [startLine + p.line, p.col]
  }
  reportYamlErrors(doc.errors, (l, c) => [startLine + l, c], (l, c, m) => d(l, c, 'yaml', m), 'front matter: ')
  const meta = {
    id: '', title: '', version: '', kernels: ['6.18'] as ProfileName[], authors: [] as string[], license: '',
    variants: {} as Partial<Variants>, description: '', edition: 'instructor' as 'instructor' | 'student',
    readingMinutes: null as number | null, doingMinutes: null as number | null,
  }
  if (doc.errors.length) return meta
  const root = doc.contents
  if (!isMap(root)) { d(startLine + 1, 1, 'front-matter', 'the front matter must be a YAML mapping (key: value lines)'); return meta }
  const get = (key: string): YamlNode | null => {
    const pair = root.items.find((p) => isScalar(p.key) && p.key.value === key)
    return (pair?.value as YamlNode | undefined) ?? null
  }
  for (const p of root.items) {
    const k = isScalar(p.key) ? String(p.key.value) : ''
    if (!META_KEYS.has(k)) { const [l, c] = at(p.key as YamlNode); d(l, c, 'front-matter', `unknown front matter key '${k}' (known: ${[...META_KEYS].join(', ')})`, 'warning') }
  }
  const str = (key: string, required: boolean): string => {
    const n = get(key)
    if (n === null) {
      if (required) d(startLine + 1, 1, 'front-matter', `the front matter needs '${key}'`)
      return ''
    }
    if (isScalar(n) && (typeof n.value === 'string' || typeof n.value === 'number')) {
      // Keep the text as written: `version: 1.10` stays "1.10".
      return typeof n.value === 'number' ? (n.source ?? String(n.value)) : n.value
    }
    const [l, c] = at(n)
    d(l, c, 'front-matter', `'${key}' must be a string`)
    return ''
  }
  meta.id = str('id', true)
  if (meta.id && !ID_RE.test(meta.id)) { const [l, c] = at(get('id')); d(l, c, 'front-matter', `id '${meta.id}' must be lowercase letters, digits and dashes`) }
  meta.title = str('title', true)
  meta.version = str('version', true)
  meta.license = str('license', true)
  meta.description = str('description', false)
  const ed = str('edition', false)
  if (ed === 'student') meta.edition = 'student'
  else if (ed && ed !== 'instructor') { const [l, c] = at(get('edition')); d(l, c, 'front-matter', "edition is 'instructor' or 'student'") }
  const kn = get('kernel')
  if (kn === null) d(startLine + 1, 1, 'front-matter', "the front matter needs 'kernel' (6.5, 6.18, or a list of both)")
  else {
    const js = kn.toJSON() as unknown
    const list = Array.isArray(js) ? js : [js]
    const ks: ProfileName[] = []
    for (const v of list) {
      const s = typeof v === 'number' ? (isScalar(kn) ? (kn.source ?? String(v)) : String(v)) : String(v)
      const [l, c] = at(kn)
      if (s === 'mainline') d(l, c, 'profile', "kernel: lab files store a concrete version (6.5 or 6.18); 'mainline' is only a command-line alias")
      else if (!(PROFILE_NAMES as readonly string[]).includes(s)) d(l, c, 'profile', `kernel: unknown profile '${s}' (known: ${PROFILE_NAMES.join(', ')})`)
      else if (ks.includes(s as ProfileName)) d(l, c, 'profile', `kernel: ${s} is listed twice`)
      else ks.push(s as ProfileName)
    }
    if (ks.length) meta.kernels = ks
    else if (!list.length) { const [l, c] = at(kn); d(l, c, 'profile', 'kernel: the list is empty; name at least one profile (6.5, 6.18)') }
  }
  const au = get('authors') ?? get('author')
  if (au === null) d(startLine + 1, 1, 'front-matter', "the front matter needs 'authors'")
  else {
    const js = au.toJSON() as unknown
    const list = Array.isArray(js) ? js : [js]
    if (list.some((x) => typeof x !== 'string') || list.length === 0) { const [l, c] = at(au); d(l, c, 'front-matter', "'authors' is a name or a list of names") }
    meta.authors = list.filter((x): x is string => typeof x === 'string')
  }
  for (const [key, field] of [['reading_time', 'readingMinutes'], ['doing_time', 'doingMinutes']] as const) {
    const t = str(key, false)
    if (!t) continue
    const m = minutes(t)
    if (m === null) { const [l, c] = at(get(key)); d(l, c, 'front-matter', `${key} is a duration such as "25 min" or "1 h 30 min"`) }
    else meta[field] = m
  }
  const va = get('variants')
  if (va !== null) meta.variants = variants(va.toJSON(), (msg) => { const [l, c] = at(va); d(l, c, 'front-matter', msg) })
  return meta
}

/** "25 min", "1 h", "1 h 30 min", "90" (minutes) → minutes; null when malformed. */
export function minutes(text: string): number | null {
  const t = text.trim()
  if (/^\d+$/.test(t)) return Number(t)
  const m = /^(?:(\d+)\s*h)?\s*(?:(\d+)\s*min)?$/.exec(t)
  if (!m || (m[1] === undefined && m[2] === undefined)) return null
  return Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)
}

function variants(js: unknown, err: (m: string) => void): Partial<Variants> {
  const out: Partial<Variants> = {}
  const known = VARIANT_NAMES as readonly string[]
  const set = (name: string, v: unknown): void => {
    if (!known.includes(name)) { err(`unknown variant '${name}' (known: ${known.join(', ')})`); return }
    if (typeof v !== 'boolean') { err(`variant '${name}' must be true or false`); return }
    out[name as keyof Variants] = v
  }
  if (Array.isArray(js)) for (const n of js) set(String(n), true)
  else if (js && typeof js === 'object') for (const [k, v] of Object.entries(js)) set(k, v)
  else if (typeof js === 'string') for (const n of js.split(',').filter(Boolean)) set(n.trim(), true)
  else err('variants is a list of names or a map of name: true/false')
  return out
}

const BLOCK_ATTRS: Readonly<Record<BlockRole, readonly string[]>> = {
  scenario: ['hidden', 'kernel', 'variants', 'uses', 'expect', 'rule', 'explore', 'bound', 'schedule', 'title'],
  lib: ['kernel'],
  exercise: [],
  starter: ['uses'],
  solution: [],
  test: ['name', 'hidden', 'kernel', 'variants', 'uses', 'expect', 'rule', 'explore', 'bound', 'schedule', 'title', 'visibility'],
}

function block(open: number, close: number, code: string, lang: string, langCol: number, role: InfoAttr, attrs: InfoAttr[], d: Report): LabBlock | null {
  const r = role.key as BlockRole
  if (!role.value) { d(open, role.col, 'fence', `${r}= needs a name: ${r}=NAME`); return null }
  if (!NAME_RE.test(role.value)) { d(open, role.col, 'fence', `'${role.value}' is not a valid name (letters, digits, '-', '_', '.')`); return null }
  const wantLang = r === 'exercise' ? ['yaml'] : r === 'solution' || r === 'starter' ? ['c', 'labc', 'text'] : ['c', 'labc']
  if (!wantLang.includes(lang)) { d(open, langCol, 'fence', `${article(r)} ${r} block is written in ${wantLang.join(' or ')}, not '${lang || '(no language)'}'`); return null }
  let ok = true
  const get = (k: string): InfoAttr | undefined => attrs.find((a) => a.key === k)
  for (const a of attrs) {
    if (a === role) continue
    if (!BLOCK_ATTRS[r].includes(a.key)) { d(open, a.col, 'fence', `unknown attribute '${a.key}' on ${article(r)} ${r} block${BLOCK_ATTRS[r].length ? ` (known: ${BLOCK_ATTRS[r].join(', ')})` : ''}`); ok = false }
    if (attrs.filter((x) => x.key === a.key).length > 1 && attrs.find((x) => x.key === a.key) === a) { d(open, a.col, 'fence', `attribute '${a.key}' is given twice`); ok = false }
  }
  const flag = (k: string): boolean => {
    const a = get(k)
    if (!a) return false
    if (a.value !== null && a.value !== 'true' && a.value !== 'false') { d(open, a.col, 'fence', `'${k}' is a flag: write ${k} or ${k}=false`); ok = false }
    return a.value !== 'false'
  }
  const list = (k: string): string[] => (get(k)?.value ?? '').split(',').map((s) => s.trim()).filter(Boolean)
  let kernels: ProfileName[] | null = null
  const ka = get('kernel')
  if (ka) {
    kernels = []
    for (const k of list('kernel')) {
      if (k === 'mainline') { d(open, ka.col, 'profile', "kernel=: lab files store a concrete version (6.5 or 6.18), not 'mainline'"); ok = false }
      else if (!(PROFILE_NAMES as readonly string[]).includes(k)) { d(open, ka.col, 'profile', `kernel=: unknown profile '${k}' (known: ${PROFILE_NAMES.join(', ')})`); ok = false }
      else kernels.push(k as ProfileName)
    }
    if (!kernels.length) { if (ok) d(open, ka.col, 'profile', 'kernel= needs a profile'); ok = false }
  }
  let vs: Partial<Variants> | null = null
  const va = get('variants')
  if (va) vs = variants(va.value ?? '', (m) => { d(open, va.col, 'fence', m); ok = false })
  const ea = get('expect')
  const expect = (ea?.value ?? 'pass') as Expectation
  if (ea && !EXPECTATIONS.includes(expect)) { d(open, ea.col, 'fence', `expect= is one of ${EXPECTATIONS.join(', ')}`); ok = false }
  const rule = get('rule')?.value ?? null
  if (get('rule') && !rule) { d(open, get('rule')!.col, 'fence', 'rule= needs a sanitizer rule name'); ok = false }
  else if (rule && !RULE_IDS.has(rule)) {
    d(open, get('rule')!.col, 'rule', `rule=${rule}: the sanitizer has no rule '${rule}' (known: ${[...RULE_IDS].join(', ')}; docs/sanitizer-rules.md)`)
    ok = false
  }
  let bound: number | null = null
  const ba = get('bound')
  if (ba) {
    bound = /^\d+$/.test(ba.value ?? '') ? Number(ba.value) : null
    if (bound === null) { d(open, ba.col, 'fence', 'bound= is a number of preemptions'); ok = false }
  }
  let schedule: number[] | null = null
  const sa = get('schedule')
  if (sa) {
    const r = parseSchedule(sa.value ?? '')
    if (typeof r === 'string') { d(open, sa.col, 'fence', `schedule=: ${r}`); ok = false }
    else schedule = r
  }
  const testName = r === 'test' ? get('name')?.value ?? '' : role.value
  if (r === 'test' && (!testName || !NAME_RE.test(testName))) { d(open, get('name')?.col ?? role.col, 'fence', 'a test block needs name=NAME'); ok = false }
  if (!ok) return null
  return {
    role: r, name: role.value, testName, lang, code, fenceLine: open, closeLine: close, hidden: flag('hidden'), kernels,
    variants: vs, uses: list('uses'), expect, rule, explore: flag('explore'), bound, schedule, title: get('title')?.value ?? '',
  }
}

function exercise(id: string, h: LabBlock, parts: LabBlock[], meta: LabMeta, scenarios: readonly LabBlock[], d: Report, broken: ReadonlySet<string>): Exercise | null {
  const lc = new LineCounter()
  const doc = parseDocument(h.code, { lineCounter: lc, prettyErrors: true, uniqueKeys: true })
  const base = h.fenceLine
  const at = (node: YamlNode | null | undefined): [number, number] => {
    const p = lc.linePos(node?.range?.[0] ?? 0)
    return [base + p.line, p.col]
  }
  reportYamlErrors(doc.errors, (l, c) => [base + l, c], (l, c, m) => d(l, c, 'yaml', m), `exercise ${id}: `)
  if (doc.errors.length) return null
  const root = doc.contents
  if (!isMap(root)) { d(base + 1, 1, 'exercise', `exercise ${id}: the block is a YAML mapping (kind, points, prompt...)`); return null }
  const node = (k: string): YamlNode | null => (root.items.find((p) => isScalar(p.key) && p.key.value === k)?.value as YamlNode | undefined) ?? null
  for (const p of root.items) {
    const k = isScalar(p.key) ? String(p.key.value) : ''
    if (!EXERCISE_KEYS.has(k)) { const [l, c] = at(p.key as YamlNode); d(l, c, 'exercise', `exercise ${id}: unknown key '${k}' (known: ${[...EXERCISE_KEYS].join(', ')})`) }
  }
  let ok = true
  const err = (n: YamlNode | null, m: string): void => { const [l, c] = n ? at(n) : [base + 1, 1]; d(l, c, 'exercise', `exercise ${id}: ${m}`); ok = false }
  const kind = node('kind')?.toJSON() as unknown
  if (kind !== 'predict' && kind !== 'provoke' && kind !== 'implement') err(node('kind'), 'kind is predict, provoke or implement')
  const pointsN = node('points')
  const points = pointsN ? pointsN.toJSON() as unknown : 1
  if (typeof points !== 'number' || !Number.isFinite(points) || points < 0) err(pointsN, 'points is a number ≥ 0')
  const sval = (k: string): string | null => {
    const n = node(k)
    if (!n) return null
    const v = n.toJSON() as unknown
    if (typeof v !== 'string' && typeof v !== 'number') { err(n, `${k} must be a string`); return null }
    return String(v)
  }
  const slist = (k: string): string[] => {
    const n = node(k)
    if (!n) return []
    const v = n.toJSON() as unknown
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' && typeof x !== 'number')) { err(n, `${k} is a list of strings`); return [] }
    return v.map(String)
  }
  const prompt = sval('prompt') ?? ''
  if (!prompt) err(node('prompt'), 'needs a prompt')
  const observe = sval('observe')
  const scenario = sval('scenario')
  const choices = slist('choices')
  const defines = slist('defines')
  const misconceptions: Misconception[] = []
  const mn = node('misconceptions')
  if (mn) {
    const v = mn.toJSON() as unknown
    if (!Array.isArray(v)) err(mn, 'misconceptions is a list of { choice: ANSWER | test: NAME, id: NAME, explain: TEXT }')
    else {
      for (const item of v as unknown[]) {
        const o = (item && typeof item === 'object' ? item : {}) as Record<string, unknown>
        const when = (o.when && typeof o.when === 'object' ? o.when : o) as Record<string, unknown>
        const choice = when.choice === undefined ? undefined : String(when.choice)
        const test = when.test === undefined ? undefined : String(when.test)
        const mid = typeof o.id === 'string' ? o.id : ''
        const explain = typeof o.explain === 'string' ? o.explain.trim() : ''
        if ((choice === undefined) === (test === undefined) || !ID_RE.test(mid) || !explain) {
          err(mn, 'each misconception has either choice: or test:, an id (lowercase letters, digits, dashes) and explain: text')
          continue
        }
        misconceptions.push({ when: choice !== undefined ? { choice } : { test }, id: mid, explain })
      }
    }
  }
  const one = (role: BlockRole): LabBlock | null => {
    const bs = parts.filter((b) => b.role === role)
    for (const b of bs.slice(1)) { d(b.fenceLine, 1, 'duplicate', `exercise ${id} has two ${role} blocks`); ok = false }
    return bs[0] ?? null
  }
  const starter = one('starter')
  const solution = one('solution')
  const tests = parts.filter((b) => b.role === 'test')
  const names = new Set<string>()
  for (const t of tests) {
    if (names.has(t.testName)) { d(t.fenceLine, 1, 'duplicate', `exercise ${id} has two tests named ${t.testName}`); ok = false }
    names.add(t.testName)
  }
  if (meta.edition === 'instructor' && !solution && !broken.has(`solution=${id}`)) err(null, 'needs a solution block (release removes it from the student edition)')
  if (kind === 'predict') {
    if (!observe) err(node('observe'), 'a predict exercise names the observe() key that holds the answer: observe: KEY')
    // The student edition may lack a hidden scenario or test that computes the answer.
    const student = meta.edition === 'student'
    if (scenario && !student && !scenarios.some((s) => s.name === scenario) && !broken.has(`scenario=${scenario}`)) err(node('scenario'), `scenario '${scenario}' is not defined in this lab`)
    if (!scenario && !tests.length && !student) err(null, 'a predict exercise needs scenario: NAME or a test block that computes the answer')
    if (solution && solution.lang !== 'text') { d(solution.fenceLine, 1, 'exercise', `exercise ${id}: the solution of a predict exercise is a text block (the answer)`); ok = false }
    if (solution && choices.length && !choices.some((c) => normalizeAnswer(c) === normalizeAnswer(solution.code))) {
      d(solution.fenceLine + 1, 1, 'exercise', `exercise ${id}: the solution ${JSON.stringify(solution.code.trim())} is not one of the choices`)
      ok = false
    }
  } else if (kind === 'implement' || kind === 'provoke') {
    if (!tests.length && meta.edition === 'instructor') err(null, `${article(kind)} ${kind} exercise needs at least one test block`)
    if (solution && solution.lang === 'text') { d(solution.fenceLine, 1, 'exercise', `exercise ${id}: the solution of ${article(kind)} ${kind} exercise is lab C code`); ok = false }
  }
  for (const m of misconceptions) {
    if (m.when.choice !== undefined) {
      if (kind !== 'predict') err(mn, `misconception ${m.id}: choice: applies to predict exercises (use test: NAME)`)
      else if (solution && normalizeAnswer(m.when.choice) === normalizeAnswer(solution.code)) err(mn, `misconception ${m.id}: choice ${JSON.stringify(m.when.choice)} is the right answer`)
    } else if (meta.edition === 'instructor' && !names.has(m.when.test!)) err(mn, `misconception ${m.id}: exercise ${id} has no test named ${m.when.test}`)
  }
  if (!ok) return null
  return {
    id, kind: kind as ExerciseKind, points: points as number, title: sval('title') ?? id, prompt, observe, scenario, choices, defines,
    misconceptions, header: h, starter, solution, tests,
  }
}

/** Normalize a predicted value for comparison: trimmed, integers compared as numbers. */
export function normalizeAnswer(s: string): string {
  const t = s.trim()
  if (/^[-+]?(0x[0-9a-f]+|\d+)$/i.test(t)) {
    const neg = t.startsWith('-')
    const v = BigInt(t.replace(/^[-+]/, ''))
    return (neg ? -v : v).toString()
  }
  return t.replace(/\s+/g, ' ').toLowerCase()
}

/** Profiles a block runs under: its kernel= attribute, else the lab's. */
export function blockKernels(lab: Lab, b: LabBlock): readonly ProfileName[] {
  return b.kernels ?? lab.meta.kernels
}
