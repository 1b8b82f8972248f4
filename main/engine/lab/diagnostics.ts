/**
 * Diagnostics: what the lab parser, the lab C front end and the interpreter report. Plain data
 * with a file, a 1-based line and column, a stable code and a message; never an exception.
 */

export type Severity = 'error' | 'warning'

/** Stable diagnostic codes (documented in docs/lab-c.md and docs/lab-format.md). */
export type DiagCode =
  // lab files
  | 'front-matter' | 'fence' | 'block' | 'exercise' | 'duplicate' | 'profile' | 'yaml'
  // lab C
  | 'syntax' | 'unknown-name' | 'arg-count' | 'type-mismatch' | 'wrong-context' | 'read-only'
  | 'unknown-field' | 'not-in-profile' | 'redefined' | 'bad-statement' | 'not-callable' | 'unsupported'
  | 'missing-return'
  // running
  | 'runtime' | 'budget' | 'recursion' | 'memory' | 'output' | 'expect' | 'violation' | 'blocked' | 'engine'
  // limits of lab files and courses
  | 'limit' | 'course' | 'rule' | 'macro' | 'shadow' | 'starter-passes' | 'kernel-skip'

export interface Diagnostic {
  readonly file: string
  readonly line: number
  readonly col: number
  readonly severity: Severity
  readonly code: DiagCode
  readonly message: string
}

/** "file:line:col: error[code]: message", the format compilers use (editors link it). */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col}: ${d.severity}[${d.code}]: ${d.message}`
}

export function hasErrors(ds: readonly Diagnostic[]): boolean {
  return ds.some((d) => d.severity === 'error')
}

/** Sort by position, keeping the report order for equal positions. */
export function sortDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  return ds
    .map((d, i) => ({ d, i }))
    .sort((a, b) => a.d.file.localeCompare(b.d.file) || a.d.line - b.d.line || a.d.col - b.d.col || a.i - b.i)
    .map((x) => x.d)
}
