/**
 * Reading a submission file (`fdlab-submission` v1, as the app exports it, main/host/common/labView.ts):
 * the student's name as typed, the lab it answers (id, version, sha256 of the edition the student
 * had), and the answers by exercise id. Nothing else in the file is used: a `score`, `grade` or
 * `tests` field changes nothing. Every way a file can be unusable is a reason, never an exception.
 */

export const SUBMISSION_FORMAT = 'fdlab-submission'
export const SUBMISSION_VERSION = 1
/** Default size limit of a submission file (the app's exports are a few kilobytes). */
export const DEFAULT_MAX_BYTES = 1 << 20
/** Longest answer read (a longer one is rejected as unusable rather than run). */
export const MAX_ANSWER_CHARS = 64 * 1024

export interface LabIdentity { readonly id: string; readonly version: string; readonly releasedSha256: string }

export interface ParsedSubmission {
  readonly ok: true
  readonly student: string
  /** Answers by exercise id (own string properties only). */
  readonly answers: ReadonlyMap<string, string>
  readonly warnings: readonly string[]
}

export interface RejectedSubmission { readonly ok: false; readonly reason: string; readonly student: string }

const KNOWN_KEYS = new Set(['format', 'version', 'lab', 'student', 'answers', 'app', 'time'])

/** Parse and check a submission's bytes against the lab being graded. */
export function parseSubmission(bytes: Uint8Array, lab: LabIdentity, exerciseIds: readonly string[], maxBytes = DEFAULT_MAX_BYTES): ParsedSubmission | RejectedSubmission {
  const reject = (reason: string, student = ''): RejectedSubmission => ({ ok: false, reason, student })
  if (bytes.length === 0) return reject('empty file')
  if (bytes.length > maxBytes) return reject(`oversized: ${bytes.length} bytes (the limit is ${maxBytes}; an exported submission is a few kilobytes)`)
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    // A file saved in another encoding still says whose it is (Latin-1 reads any bytes).
    return reject('not a submission: the file is not UTF-8 text (binary data or random bytes)', salvageName(new TextDecoder('latin1').decode(bytes)))
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  const t = text.trim()
  if (!t) return reject('empty file (only white space)')
  if (t[0] !== '{') {
    if (/^---\r?\n/.test(t) && /\nid\s*:/.test(t)) return reject('another format: this is a lab file, not a submission (export one from the app: File > Export submission)')
    if (t[0] === '[') return reject('another format: a JSON list, not an fdlab-submission object')
    return reject('another format: not JSON (an fdlab submission is a JSON object with "format": "fdlab-submission")')
  }
  let j: unknown
  try {
    j = JSON.parse(t)
  } catch (e) {
    // The runtime's own wording is not shown: an unclosed object is a truncated file, anything
    // else is located (line and column of the text as the student's editor shows it).
    if (!balanced(t)) {
      const end = text.trimEnd()
      const line = end.split('\n').length
      return reject(`truncated JSON at line ${line}, col ${end.length - end.lastIndexOf('\n')}: the file ends before the object is closed (${bytes.length} bytes)`, salvageName(text))
    }
    // The runtime names a position for some errors only ("Unexpected token" has none): else find it.
    const at = /position (\d+)/.exec((e as Error).message)?.[1] ?? jsonErrorAt(t)
    if (at === null) return reject('not valid JSON (export the submission again from the app)', salvageName(text))
    // Positions in the file as given (the text before the trimmed start counts).
    const before = text.slice(0, text.indexOf(t) + Number(at))
    const line = before.split('\n').length
    const col = before.length - before.lastIndexOf('\n')
    return reject(`not valid JSON at line ${line}, col ${col} (export the submission again from the app)`, salvageName(text))
  }
  if (!j || typeof j !== 'object' || Array.isArray(j)) return reject('another format: not a JSON object')
  const o = j as Record<string, unknown>
  const student = cleanName(own(o, 'student'))
  if (own(o, 'format') !== SUBMISSION_FORMAT) {
    const f = own(o, 'format')
    return reject(`another format: ${typeof f === 'string' ? `"format": ${JSON.stringify(f.slice(0, 60))}` : 'no "format" field'}, not "${SUBMISSION_FORMAT}"`, student)
  }
  if (own(o, 'version') !== SUBMISSION_VERSION) return reject(`submission format version ${JSON.stringify(own(o, 'version'))} is not supported (this grader reads version ${SUBMISSION_VERSION})`, student)
  const l = own(o, 'lab')
  if (!l || typeof l !== 'object' || Array.isArray(l)) return reject('the submission does not say which lab it answers (no "lab" object)', student)
  const labO = l as Record<string, unknown>
  const id = own(labO, 'id')
  const version = own(labO, 'version')
  if (id !== lab.id) return reject(`another lab: the submission answers lab ${JSON.stringify(typeof id === 'string' ? id.slice(0, 80) : id)}, not "${lab.id}"`, student)
  if (version !== lab.version) return reject(`another version of the lab: the submission answers version ${JSON.stringify(typeof version === 'string' ? version.slice(0, 40) : version)} of "${lab.id}", this is version "${lab.version}"`, student)
  const warnings: string[] = []
  const sha = own(labO, 'sha256')
  if (sha !== lab.releasedSha256) {
    warnings.push(`lab hash mismatch: the student's copy of "${lab.id}" ${lab.version} (sha256 ${typeof sha === 'string' ? sha.slice(0, 64) : 'missing'}) is not the released edition (sha256 ${lab.releasedSha256}); graded against the instructor's lab`)
  }
  if (typeof own(o, 'student') !== 'string' || !student) warnings.push('no student name in the submission')
  const extra = Object.keys(o).filter((k) => !KNOWN_KEYS.has(k)).sort()
  if (extra.length) warnings.push(`ignored field${extra.length === 1 ? '' : 's'} ${extra.slice(0, 8).map((k) => JSON.stringify(k.slice(0, 40))).join(', ')} (only the answers are graded)`)
  const a = own(o, 'answers')
  const answers = new Map<string, string>()
  if (a === undefined) warnings.push('no "answers" object: every exercise is unanswered')
  else if (!a || typeof a !== 'object' || Array.isArray(a)) return reject('"answers" is not an object of exercise id → answer text', student)
  else {
    const ids = new Set(exerciseIds)
    for (const k of Object.keys(a).sort()) {
      const v = (a as Record<string, unknown>)[k]
      if (!ids.has(k)) { warnings.push(`answer to unknown exercise ${JSON.stringify(k.slice(0, 60))} ignored`); continue }
      if (typeof v !== 'string') { warnings.push(`the answer to ${k} is not text; treated as unanswered`); continue }
      if (v.length > MAX_ANSWER_CHARS) { warnings.push(`the answer to ${k} is longer than ${MAX_ANSWER_CHARS} characters; treated as unanswered`); continue }
      answers.set(k, v)
    }
  }
  return { ok: true, student, answers, warnings }
}

/**
 * The student's name from a file that cannot be read as a submission (cut off, broken JSON,
 * another encoding), so the class table still says whose row it is: the first `"student": "..."`.
 */
function salvageName(text: string): string {
  const m = /"student"\s*:\s*"((?:\\.|[^"\\\n])*)"/.exec(text.slice(0, 64 * 1024))
  if (!m) return ''
  try { return cleanName(JSON.parse(`"${m[1]}"`)) } catch { return cleanName(m[1]) }
}

/** Short codes of the reasons a file is rejected, for `FILE:LINE:COL: error[CODE]: reason` lines. */
const REJECT_CODES: readonly (readonly [RegExp, string])[] = [
  [/^empty file/, 'empty'], [/^oversized/, 'oversized'], [/^not a submission: the file is not UTF-8/, 'encoding'],
  [/^truncated JSON/, 'truncated'], [/^not valid JSON/, 'json'], [/^another format/, 'format'],
  [/^submission format version/, 'format-version'], [/^the submission does not say which lab|^another lab:/, 'lab'],
  [/^another version of the lab/, 'lab-version'], [/^"answers" is not/, 'answers'], [/^cannot read the file/, 'unreadable'],
]

/** A rejected row as a compiler-style diagnostic (at the line and column the reason names, else 1:1). */
export function rejectionDiagnostic(file: string, reason: string): { file: string; line: number; col: number; severity: 'error'; code: string; message: string } {
  const at = /at line (\d+), col (\d+)/.exec(reason)
  const code = REJECT_CODES.find(([re]) => re.test(reason))?.[1] ?? 'rejected'
  return { file, line: at ? Number(at[1]) : 1, col: at ? Number(at[2]) : 1, severity: 'error', code, message: reason }
}

function own(o: Record<string, unknown>, k: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined
}

/** A student name fit for a CSV cell and a Markdown heading: no control characters, 200 chars. */
export function cleanName(v: unknown): string {
  if (typeof v !== 'string') return ''
  // eslint-disable-next-line no-control-regex
  return v.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim().slice(0, 200)
}

/** Offset of the first character where `t` stops being JSON (null if none is found). */
function jsonErrorAt(t: string): number | null {
  let i = 0
  const ws = (): void => { while (i < t.length && ' \t\r\n'.includes(t[i]!)) i++ }
  const fail = (): never => { throw i }
  const str = (): void => {
    if (t[i] !== '"') fail()
    i++
    while (i < t.length && t[i] !== '"') {
      if (t.charCodeAt(i) < 0x20) fail()
      i += t[i] === '\\' ? 2 : 1
    }
    if (i >= t.length) fail()
    i++
  }
  const value = (depth: number): void => {
    ws()
    if (depth > 10_000) fail()
    const c = t[i]
    if (c === '"') return str()
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']'
      i++; ws()
      if (t[i] === close) { i++; return }
      for (;;) {
        if (c === '{') { ws(); str(); ws(); if (t[i] !== ':') fail(); i++ }
        value(depth + 1); ws()
        if (t[i] === ',') { i++; continue }
        if (t[i] === close) { i++; return }
        fail()
      }
    }
    const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(t.slice(i, i + 400))
    if (!m) fail()
    i += m![0].length
  }
  try {
    value(0); ws()
    return i < t.length ? i : null
  } catch (e) {
    return typeof e === 'number' ? e : null
  }
}

/** Whether braces and brackets outside strings balance (a cut-off file does not). */
function balanced(t: string): boolean {
  let depth = 0
  let inStr = false
  for (let i = 0; i < t.length; i++) {
    const c = t[i]
    if (inStr) {
      if (c === '\\') i++
      else if (c === '"') inStr = false
    } else if (c === '"') inStr = true
    else if (c === '{' || c === '[') depth++
    else if (c === '}' || c === ']') depth--
  }
  return depth === 0 && !inStr
}
