/**
 * The session's document: the file that is open (a lab or an strace log), the editor key of what
 * the editor holds (a scenario, or an exercise's answer), the texts edited per key, and the kernel
 * profile. It compiles the editor's text with what it runs with, cached per key, profile, test and
 * text. It knows nothing of runs, the terminal or grading.
 */
import { parseEditorKey, type Diagnostic, type EditorKey, type FileText, type ProfileName } from '../../../../preload/contract'
import { parseLab, type Lab, type Diagnostic as EngineDiagnostic } from '../../../engine'
import { compile, type Compiled } from '../labScenario'
import { editorKeyOf, looksLikeLab, sourceFor, spliceLab, submission } from '../labView'

export type DocumentKind = 'none' | 'lab' | 'strace'

export class LabDocument {
  kind: DocumentKind = 'none'
  file: FileText | null = null
  lab: Lab | null = null
  /** The editor key's text (preload/contract.ts EditorKey) of what the editor holds. */
  scenario: string | null = null
  /** Edited texts by editor key text (scenarios and exercise answers). */
  readonly edits = new Map<string, string>()
  profile: ProfileName = '6.18'
  private compiled: { key: string; c: Compiled } | null = null

  /** Open @file: a lab (parsed; its first scenario in the editor, its first profile) or an strace log. */
  open(file: FileText): { diagnostics: readonly EngineDiagnostic[] } {
    this.file = file
    this.edits.clear()
    this.compiled = null
    if (!looksLikeLab(file)) {
      this.kind = 'strace'
      this.lab = null
      this.scenario = null
      return { diagnostics: [] }
    }
    const { lab, diagnostics } = parseLab(file.text, file.name)
    this.kind = 'lab'
    this.lab = lab
    this.profile = lab.meta.kernels[0] ?? '6.18'
    this.scenario = lab.scenarios[0]?.name ?? null
    return { diagnostics }
  }

  get key(): EditorKey | null {
    return this.scenario === null ? null : parseEditorKey(this.scenario)
  }

  /** Whether the editor holds an exercise's answer. */
  get onExercise(): boolean {
    return this.key?.kind === 'exercise'
  }

  /** The editor key text for @name (a scenario, an exercise key or id), or null if the lab has neither. */
  keyOf(name: string): string | null {
    return this.lab ? editorKeyOf(this.lab, name) : null
  }

  /** The file name the editor's text compiles as (`NAME.c`, the exercise id for an answer). */
  editorFile(): string {
    const k = this.key
    return `${k === null ? 'scenario' : k.kind === 'exercise' ? k.id : k.name}.c`
  }

  /** The editor's text: the edit, else the lab's own code (the scenario, the exercise's starter). */
  source(): string {
    return this.edits.get(this.scenario ?? '') ?? (this.lab && this.scenario ? sourceFor(this.lab, this.scenario) : '')
  }

  /** Set the text of the current key; whether it changed. */
  edit(source: string): boolean {
    const changed = this.edits.get(this.scenario!) !== source
    this.edits.set(this.scenario!, source)
    return changed
  }

  /** Take texts by key (names as sessionScenario takes them; unknown ones skipped); whether the current key's text was among them. */
  restore(edits: readonly { key: string; text: string }[]): boolean {
    let current = false
    for (const { key, text } of edits) {
      const k = this.keyOf(key)
      if (!k) continue
      this.edits.set(k, text)
      if (k === this.scenario) current = true
    }
    return current
  }

  /** The editor's text compiled with what it runs with (@test: a named test of an exercise). */
  compile(test?: string): Compiled | null {
    if (!this.lab || !this.scenario) return null
    const source = this.source()
    const key = `${this.scenario}\u0000${this.profile}\u0000${test ?? ''}\u0000${source}`
    if (this.compiled?.key !== key) this.compiled = { key, c: compile(this.lab, this.scenario, source, this.editorFile(), this.profile, test) }
    return this.compiled.c
  }

  /** The editor's text compiled under another profile, uncached (a comparison run). */
  compileUnder(profile: ProfileName): Compiled | null {
    if (!this.lab || !this.scenario) return null
    return compile(this.lab, this.scenario, this.source(), this.editorFile(), profile)
  }

  diagnostics(test?: string): Diagnostic[] {
    return (this.compile(test)?.editor ?? []).map(toDiag)
  }

  /** Why the editor's text cannot run now, or null (nothing open counts as runnable: the shell). */
  notRunnable(test?: string): string | null {
    if (this.kind !== 'lab' || !this.scenario) return null
    const c = this.compile(test)
    if (!c) return null
    if (this.onExercise && !c.runs) return 'nothing to run for this exercise: write your answer, then press Run tests'
    const errs = [...c.editor.filter((d) => d.severity === 'error'), ...c.elsewhere]
    if (errs.length) return `fix the ${errs.length} error(s) first: ${errs.slice(0, 3).map((d) => `${d.file}:${d.line}:${d.col}: ${d.message}`).join('; ')}`
    return null
  }

  /** The lab file with the edited scenarios written back (Save Lab); an strace log as opened. */
  labFile(): FileText | null {
    if (!this.file) return null
    if (!this.lab) return this.file
    return { name: this.file.name, text: spliceLab(this.lab, this.edits) }
  }

  submission(student: string, now: Date, appVersion: string): FileText | null {
    if (!this.lab || !this.file) return null
    return submission(this.lab, this.file, this.edits, student, now, appVersion)
  }
}

function toDiag(d: EngineDiagnostic): Diagnostic {
  return { line: d.line, col: d.col, endLine: d.line, endCol: d.col + 1, severity: d.severity, message: `${d.message} [${d.code}]` }
}
