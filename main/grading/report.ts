/**
 * What `fdlab grade` writes, as pure functions of the report: report.json, grades.csv,
 * canvas.csv, moodle.csv, results/NAME.json (Gradescope) and feedback/NAME.md. Same report, same
 * bytes: nothing here reads a clock or depends on the order submissions were graded in.
 */
import type { ExerciseReport, GradingLab, SubmissionEntry, TestReport, Visibility, Budget } from './grade'
import { GRADER_VERSION } from './grade'

export interface ShardInfo {
  readonly index: number
  readonly count: number
  /** How many inputs the whole batch has, and the digest of their (file, sha256) list. */
  readonly inputs: number
  readonly inputs_sha256: string
  /** The sha256 of each submission this shard graded. */
  readonly covers: readonly string[]
}

export const REPORT_FORMAT = 'fdlab-grade-report'

export interface GradeReport {
  readonly format: typeof REPORT_FORMAT
  readonly version: 1
  readonly grader: string
  readonly lab: {
    readonly id: string; readonly version: string; readonly title: string; readonly sha256: string; readonly released_sha256: string
    readonly max_score: number
    readonly exercises: readonly { readonly id: string; readonly kind: string; readonly title: string; readonly points: number }[]
  }
  readonly budget: Budget
  /** Present in a shard's report: which slice it graded (merge checks these). */
  readonly shard?: ShardInfo
  readonly submissions: readonly SubmissionEntry[]
}

export function labHeader(g: GradingLab): GradeReport['lab'] {
  const { meta, exercises } = g.lab
  return {
    id: meta.id, version: meta.version, title: meta.title, sha256: g.sha256, released_sha256: g.releasedSha256, max_score: g.maxScore,
    exercises: exercises.map((e) => ({ id: e.id, kind: e.kind, title: e.title, points: e.points })),
  }
}

/**
 * One student, several graded files (a resubmission): the LMS files would get a row for each. A
 * `FILE:1:1: warning[student]: ...` line for each file after the first of its student.
 */
export function sameStudentWarnings(r: GradeReport): string[] {
  const first = new Map<string, string>()
  const out: string[] = []
  for (const e of r.submissions) {
    if (e.status !== 'graded' || !e.student) continue
    const f = first.get(e.student)
    if (f === undefined) first.set(e.student, e.file)
    else out.push(`${e.file}:1:1: warning[student]: graded (${e.student}), the same student name as ${f}: canvas.csv and moodle.csv get a row for each; keep one`)
  }
  return out
}

/** Entries in their one stable order: by file as given, then by hash. */
export function sortEntries<T extends { file: string; sha256: string }>(es: readonly T[]): T[] {
  return [...es].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.sha256 < b.sha256 ? -1 : a.sha256 > b.sha256 ? 1 : 0))
}

export function buildReport(lab: GradeReport['lab'], budget: Budget, entries: readonly SubmissionEntry[], shard?: GradeReport['shard']): GradeReport {
  return { format: REPORT_FORMAT, version: 1, grader: GRADER_VERSION, lab, budget, ...(shard ? { shard } : {}), submissions: sortEntries(entries) }
}

export function reportJson(r: GradeReport): string {
  return JSON.stringify(r, null, 2) + '\n'
}

/**
 * Output names (results/NAME.json, feedback/NAME.md) for input files: the base name without
 * `.json`/`.submission.json`, made safe, and unique in file order.
 */
export function outputNames(files: readonly string[]): Map<string, string> {
  const out = new Map<string, string>()
  const used = new Set<string>()
  for (const f of [...files].sort()) {
    const base = f.split(/[\\/]/).pop() ?? f
    let n = base.replace(/\.submission\.json$|\.json$/i, '').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').slice(0, 80) || 'submission'
    if (used.has(n.toLowerCase())) {
      let i = 2
      while (used.has(`${n}-${i}`.toLowerCase())) i++
      n = `${n}-${i}`
    }
    used.add(n.toLowerCase())
    out.set(f, n)
  }
  return out
}

// ---------------------------------------------------------------- CSV

/** One CSV cell: quoted when needed; text that a spreadsheet would run as a formula is defused. */
export function csvCell(v: string | number | null): string {
  if (v === null) return ''
  if (typeof v === 'number') return fmtNum(v)
  let s = v
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export function fmtNum(x: number): string {
  const r = Math.round(x * 10000) / 10000
  return Object.is(r, -0) ? '0' : String(r)
}

function csv(rows: readonly (readonly (string | number | null)[])[]): string {
  return rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n'
}

/** grades.csv: one row per input file, rejected ones included, a column per exercise. */
export function gradesCsv(r: GradeReport): string {
  const ex = r.lab.exercises
  const rows: (string | number | null)[][] = [['file', 'student', 'status', 'reason', 'warnings', 'score', 'max_score', ...ex.map((e) => e.id)]]
  for (const s of r.submissions) {
    rows.push([
      s.file, s.student, s.status, s.reason ?? '', s.warnings.join(' | '), s.score, s.max_score,
      ...ex.map((e) => s.exercises.find((x) => x.id === e.id)?.score ?? null),
    ])
  }
  return csv(rows)
}

/** The assignment column's header in the LMS files (Canvas matches an existing `Title (ID)`). */
export function assignmentTitle(r: GradeReport, override?: string): string {
  return override ?? `${r.lab.title} (${r.lab.id})`
}

/**
 * canvas.csv: Canvas's gradebook import (Student, ID, SIS User ID, SIS Login ID, Section, the
 * assignment; a Points Possible row). Only graded submissions with a student name: a rejected
 * file would overwrite a grade with nothing.
 */
export function canvasCsv(r: GradeReport, assignment?: string): string {
  const rows: (string | number | null)[][] = [
    ['Student', 'ID', 'SIS User ID', 'SIS Login ID', 'Section', assignmentTitle(r, assignment)],
    ['Points Possible', '', '', '', '', r.lab.max_score],
  ]
  for (const s of r.submissions) if (s.status === 'graded' && s.student) rows.push([s.student, '', '', '', '', s.score])
  return csv(rows)
}

/**
 * moodle.csv: for Moodle's grade import (columns are mapped at import: map Student to username
 * or email). Grade and feedback come together: a feedback column alone would wipe the grades.
 */
export function moodleCsv(r: GradeReport, assignment?: string): string {
  const t = assignmentTitle(r, assignment)
  const rows: (string | number | null)[][] = [['Student', `Assignment: ${t}`, `Feedback: ${t}`]]
  for (const s of r.submissions) if (s.status === 'graded' && s.student) rows.push([s.student, s.score, shortFeedback(s)])
  return csv(rows)
}

function shortFeedback(s: SubmissionEntry): string {
  return s.exercises.map((e) => `${e.id}: ${e.status === 'not_gradable' ? 'no answer' : `${fmtNum(e.score)}/${fmtNum(e.max_score)}`}`).join('; ')
}

// ---------------------------------------------------------------- Gradescope

const STATUS_WORD: Record<string, string> = {
  passed: 'passed', failed: 'failed', budget: 'stopped at a limit (never a pass)', error: 'error', not_gradable: 'no answer',
}

/** results/NAME.json: Gradescope's results.json for one submission. */
export function gradescopeResults(r: GradeReport, s: SubmissionEntry): string {
  const out: Record<string, unknown> = {
    score: s.score,
    output: s.status === 'rejected'
      ? `This submission could not be graded: ${s.reason}. Export it again from fdlab (File > Export submission) and resubmit.`
      : [`${r.lab.title} (${r.lab.id} ${r.lab.version}), graded by fdlab.`, ...s.warnings.map((w) => `Warning: ${w}`)].join('\n\n'),
    output_format: 'md',
    test_output_format: 'md',
    test_name_format: 'text',
    visibility: 'visible',
    stdout_visibility: 'hidden',
    tests: s.exercises.flatMap((e, ei) => e.tests.map((t, ti) => ({
      score: t.score,
      max_score: t.max_score,
      status: t.status === 'passed' ? 'passed' : 'failed',
      name: `${e.id}: ${t.name}`,
      name_format: 'text',
      number: `${ei + 1}.${ti + 1}`,
      output: testMarkdown(e, t, true),
      output_format: 'md',
      tags: [e.id, e.kind, t.status],
      visibility: t.visibility,
      extra_data: { fdlab: { status: t.status, profile: t.profile, schedule: t.schedule, explored: t.explored, where: t.where } },
    }))),
    extra_data: {
      fdlab: { grader: r.grader, lab: { id: r.lab.id, version: r.lab.version, sha256: r.lab.sha256 }, file: s.file, sha256: s.sha256, student: s.student, status: s.status, reason: s.reason, warnings: s.warnings },
    },
  }
  return JSON.stringify(out, null, 2) + '\n'
}

// ---------------------------------------------------------------- feedback

const REVEAL_ORDER: readonly Visibility[] = ['visible', 'after_published', 'after_due_date']

/** Which visibilities feedback shows at a given moment (never `hidden`). */
export function revealed(level: 'visible' | 'after_published' | 'after_due_date'): ReadonlySet<Visibility> {
  if (level === 'visible') return new Set(['visible'])
  if (level === 'after_published') return new Set(['visible', 'after_published'])
  return new Set(REVEAL_ORDER)
}

/** Markdown-safe text: no emphasis, HTML, code spans or links from names and messages. */
function mdEscape(s: string): string {
  return s.replace(/([\\`*_<>|])/g, '\\$1').replace(/\[(?=[^\]]*\]\()/g, '\\[').replace(/^#/, '\\#')
}

/**
 * A lab author's Markdown (a misconception's explanation) inside a list item: its code spans and
 * emphasis kept, raw HTML outside code spans shown as text (a code span shows `<b>` and `->` as
 * written), its further lines indented so they stay in the item.
 */
function mdAuthored(s: string): string {
  const noHtml = s.trim().split(/(`[^`\n]*`)/).map((part, i) => (i % 2 ? part : part.replace(/<(?=[A-Za-z/!?])/g, '&lt;'))).join('')
  return noHtml.split('\n').map((l, i) => (i === 0 || !l.trim() ? l : `  ${l}`)).join('\n')
}

/** One test's feedback in Markdown (student-facing: never quotes hidden code). */
function testMarkdown(e: ExerciseReport, t: TestReport, withSchedule: boolean): string {
  const lines: string[] = []
  lines.push(`**${STATUS_WORD[t.status] ?? t.status}**: ${mdEscape(t.student_message)}`)
  if (t.status !== 'passed' && t.status !== 'not_gradable') {
    if (t.expected) lines.push(`- expected: ${mdEscape(t.expected)}`)
    if (t.actual) lines.push(`- actual: ${mdEscape(t.actual)}`)
    if (t.where) lines.push(`- where: your answer, line ${t.where.line}, column ${t.where.col}`)
    for (const m of t.misconceptions) lines.push(`- what this usually means (${mdEscape(m.id)}): ${mdAuthored(m.explain)}`)
    if (t.explored) lines.push(`- interleavings: ${t.explored.runs} explored${t.explored.complete ? ', every one covered' : ', the search stopped before covering every one'}`)
    if (withSchedule && t.schedule) lines.push(`- the run shown, as a schedule (replay it with \`--schedule\`): \`${t.schedule}\``)
    if (!t.code_hidden && t.trace.length) lines.push('', 'System calls of the failing run:', '', '```', ...t.trace, '```')
  }
  if (t.status === 'passed' && withSchedule && t.schedule) lines.push(`- the interleaving that shows it (replay it with \`--schedule\`): \`${t.schedule}\``)
  if (e.kind === 'predict' && t.status === 'passed') lines.length = 1
  return lines.join('\n')
}

/** feedback/NAME.md: per exercise, what passed and what failed, and why. */
export function feedbackMarkdown(r: GradeReport, s: SubmissionEntry, show: ReadonlySet<Visibility> = revealed('visible')): string {
  const out: string[] = []
  out.push(`# ${mdEscape(r.lab.title)}: feedback${s.student ? ` for ${mdEscape(s.student)}` : ''}`, '')
  out.push(`Lab \`${r.lab.id}\` version ${mdEscape(r.lab.version)}; submission \`${mdEscape(s.file.split(/[\\/]/).pop() ?? s.file)}\` (sha256 ${s.sha256.slice(0, 12)}).`, '')
  if (s.status === 'rejected') {
    out.push(`**This submission could not be graded**: ${mdEscape(s.reason ?? '')}.`, '', 'Nothing was run. Export the submission again from fdlab (File > Export submission) and hand in that file.', '')
    return out.join('\n')
  }
  for (const w of s.warnings) out.push(`> Warning: ${mdEscape(w)}`, '')
  const allShown = s.exercises.every((e) => e.tests.every((t) => show.has(t.visibility)))
  out.push(allShown ? `**Score: ${fmtNum(s.score)} / ${fmtNum(s.max_score)}**` : `Score: shown when every test's results are released (some tests are graded but not shown yet).`, '')
  for (const e of s.exercises) {
    const shown = e.tests.filter((t) => show.has(t.visibility))
    const notShown = e.tests.length - shown.length
    const scoreText = notShown ? '' : `: ${fmtNum(e.score)} / ${fmtNum(e.max_score)}`
    out.push(`## ${mdEscape(e.id)} (${e.kind}): ${mdEscape(e.title)}${scoreText}`, '')
    if (!e.answered) { out.push('No answer: this exercise was left empty, so nothing was run.', ''); continue }
    for (const p of e.problems) if (e.kind !== 'predict') out.push(`- ${mdEscape(p)}`)
    if (e.problems.length && e.kind !== 'predict') out.push('')
    for (const t of shown) out.push(`### ${mdEscape(t.name)}`, '', testMarkdown(e, t, true), '')
    if (notShown) out.push(`${notShown} more test run${notShown === 1 ? ' is' : 's are'} graded and not shown yet.`, '')
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n')
}
