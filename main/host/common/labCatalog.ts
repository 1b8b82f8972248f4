/**
 * The built-in course as a list: file name, id and title from each lab's front matter. Pure (the
 * callers read the files: main from disk, the browser host over HTTP), so both hosts list labs
 * the same way.
 */
import { parse } from 'yaml'
import type { LabEntry } from '../../../preload/contract'
import { COURSE_INDEX, parseCourse } from '../../engine'

export { COURSE_INDEX }

export const LAB_FILE = /^[\w][\w.-]*\.lab\.md$/

/** Front matter fields used for listing; the lab loader does the real parsing. */
export function labEntryFromText(file: string, text: string): LabEntry {
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n/.exec(text)
  let meta: Record<string, unknown> = {}
  if (m) {
    try {
      const v = parse(m[1]!) as unknown
      if (v && typeof v === 'object') meta = v as Record<string, unknown>
    } catch {
      meta = {}
    }
  }
  const base = file.replace(/\.lab\.md$/, '')
  return {
    file,
    id: typeof meta.id === 'string' ? meta.id : base,
    title: typeof meta.title === 'string' ? meta.title : base,
  }
}

/** Labs in course order: file names sort by their number prefix ("01-", "02-"...). */
export function sortLabFiles(files: readonly string[]): string[] {
  return files.filter((f) => LAB_FILE.test(f)).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
}

/**
 * The course in order: the labs listed by the folder's course index (course.yaml), with its title
 * overrides, then any other lab file of the folder by name. Without an index: by name.
 */
export function courseOrder(files: readonly string[], courseText: string | null): { file: string; title: string | null }[] {
  const labs = sortLabFiles(files)
  if (courseText === null) return labs.map((file) => ({ file, title: null }))
  const { course } = parseCourse(courseText, COURSE_INDEX)
  const listed = course.labs.filter((l) => labs.includes(l.file))
  const rest = labs.filter((f) => !listed.some((l) => l.file === f)).map((file) => ({ file, title: null }))
  return [...listed.map((l) => ({ file: l.file, title: l.title })), ...rest]
}

/** A lab entry with the course's title override, if any. */
export function courseEntry(file: string, text: string, title: string | null): LabEntry {
  const e = labEntryFromText(file, text)
  return title ? { ...e, title } : e
}
