/**
 * A course: a folder of lab files plus a small index (`course.yaml`) giving their order and
 * titles. Without an index, the folder's `*.lab.md` files are taken in name order.
 *
 *   title: File descriptors in the Linux kernel
 *   labs:
 *     - file: 03-close-path.lab.md
 *     - file: 02-binder.lab.md
 *       title: Binder's deferred close      # optional: overrides the lab's own title in menus
 */
import { LineCounter, parseDocument, isMap, isScalar, isSeq, type Node as YamlNode } from 'yaml'
import type { Diagnostic } from './diagnostics'
import { reportYamlErrors } from './labFile'

export const COURSE_INDEX = 'course.yaml'

export interface CourseEntry {
  readonly file: string
  readonly title: string | null
  /** Where the entry is in course.yaml (1-based), for diagnostics about it. */
  readonly line?: number
  readonly col?: number
}
export interface Course { readonly title: string; readonly labs: readonly CourseEntry[] }

export function parseCourse(text: string, file: string): { course: Course; diagnostics: Diagnostic[] } {
  const diags: Diagnostic[] = []
  const err = (line: number, col: number, message: string): void => { diags.push({ file, line, col, severity: 'error', code: 'course', message }) }
  const lc = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: true, uniqueKeys: true })
  reportYamlErrors(doc.errors, (l, c) => [l, c], err)
  if (doc.errors.length) return { course: { title: '', labs: [] }, diagnostics: diags }
  const at = (n: YamlNode | null | undefined): [number, number] => {
    const p = lc.linePos(n?.range?.[0] ?? 0)
    return [p.line, p.col]
  }
  const root = doc.contents
  if (!isMap(root)) { err(1, 1, 'a course index is a mapping with title and labs'); return { course: { title: '', labs: [] }, diagnostics: diags } }
  const node = (k: string): YamlNode | null => (root.items.find((p) => isScalar(p.key) && p.key.value === k)?.value as YamlNode | undefined) ?? null
  const tn = node('title')
  const title = isScalar(tn) && typeof tn.value === 'string' ? tn.value : ''
  if (!title) err(...(tn ? at(tn) : [1, 1] as [number, number]), "the course index needs a 'title' (a string)")
  const labs: CourseEntry[] = []
  const ln = node('labs')
  if (!isSeq(ln)) err(...(ln ? at(ln) : [1, 1] as [number, number]), "the course index needs 'labs', a list of { file, title? }")
  else {
    for (const [i, item] of ln.items.entries()) {
      const x = (item as YamlNode).toJSON() as unknown
      const e = typeof x === 'string' ? { file: x } : x as Record<string, unknown> | null
      const [l, c] = at(item as YamlNode)
      if (!e || typeof e !== 'object' || typeof e.file !== 'string' || !e.file.endsWith('.lab.md') || e.file.includes('..') || e.file.includes('/') || e.file.includes('\\')) {
        err(l, c, `labs[${i}]: file must be a *.lab.md name inside the course folder`)
        continue
      }
      if (labs.some((q) => q.file === e.file)) { err(l, c, `labs[${i}]: ${e.file} is listed twice`); continue }
      labs.push({ file: e.file, title: typeof e.title === 'string' ? e.title : null, line: l, col: c })
    }
  }
  return { course: { title, labs }, diagnostics: diags }
}

/**
 * Problems across the labs of one course (or one command line): two labs with one id (a
 * submission names its lab by id, so the grader could not tell them apart).
 */
export function checkCourseLabs(labs: readonly { readonly file: string; readonly id: string; readonly source: string }[]): Diagnostic[] {
  const out: Diagnostic[] = []
  const first = new Map<string, string>()
  for (const l of labs) {
    if (!l.id) continue
    const prev = first.get(l.id)
    if (prev === undefined) { first.set(l.id, l.file); continue }
    const lines = l.source.split('\n')
    const i = lines.findIndex((x) => /^id\s*:/.test(x))
    out.push({
      file: l.file, line: i >= 0 ? i + 1 : 1, col: 1, severity: 'error', code: 'course',
      message: `lab id '${l.id}' is also the id of ${prev}: the labs of a course need distinct ids (submissions name their lab by id)`,
    })
  }
  return out
}
