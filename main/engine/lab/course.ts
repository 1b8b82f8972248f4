/**
 * A course: a folder of lab files plus a small index (`course.yaml`) giving their order and
 * titles. Without an index, the folder's `*.lab.md` files are taken in name order.
 *
 *   title: File descriptors in the Linux kernel
 *   labs:
 *     - file: 01-close-path.lab.md
 *     - file: 02-binder.lab.md
 *       title: Binder's deferred close      # optional: overrides the lab's own title in menus
 */
import { LineCounter, parseDocument } from 'yaml'
import type { Diagnostic } from './diagnostics'

export const COURSE_INDEX = 'course.yaml'

export interface CourseEntry { readonly file: string; readonly title: string | null }
export interface Course { readonly title: string; readonly labs: readonly CourseEntry[] }

export function parseCourse(text: string, file: string): { course: Course; diagnostics: Diagnostic[] } {
  const diags: Diagnostic[] = []
  const err = (line: number, col: number, message: string): void => { diags.push({ file, line, col, severity: 'error', code: 'front-matter', message }) }
  const lc = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: true, uniqueKeys: true })
  for (const e of doc.errors) err(e.linePos?.[0]?.line ?? 1, e.linePos?.[0]?.col ?? 1, e.message.split('\n')[0]!)
  if (doc.errors.length) return { course: { title: '', labs: [] }, diagnostics: diags }
  const js = doc.toJSON() as unknown
  if (!js || typeof js !== 'object' || Array.isArray(js)) { err(1, 1, 'a course index is a mapping with title and labs'); return { course: { title: '', labs: [] }, diagnostics: diags } }
  const o = js as Record<string, unknown>
  const title = typeof o.title === 'string' ? o.title : ''
  if (!title) err(1, 1, "the course index needs a 'title'")
  const labs: CourseEntry[] = []
  if (!Array.isArray(o.labs)) err(1, 1, "the course index needs 'labs', a list of { file, title? }")
  else {
    for (const [i, x] of o.labs.entries()) {
      const e = typeof x === 'string' ? { file: x } : x as Record<string, unknown>
      if (!e || typeof e !== 'object' || typeof e.file !== 'string' || !e.file.endsWith('.lab.md') || e.file.includes('..') || e.file.startsWith('/')) {
        err(1, 1, `labs[${i}]: file must be a *.lab.md name inside the course folder`)
        continue
      }
      if (labs.some((l) => l.file === e.file)) { err(1, 1, `labs[${i}]: ${e.file} is listed twice`); continue }
      labs.push({ file: e.file, title: typeof e.title === 'string' ? e.title : null })
    }
  }
  return { course: { title, labs }, diagnostics: diags }
}
