/** Shared by the curriculum tests: the course's labs, parsed, in course order. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseLab, type Lab } from '../../main/engine/lab/labFile'
import { parseCourse } from '../../main/engine/lab/course'

export const LABS = new URL('../../labs/', import.meta.url).pathname
export const WRONG = new URL('./wrong/', import.meta.url).pathname
export const GOLDEN = new URL('./__golden__/', import.meta.url).pathname

/** The lab files named by labs/course.yaml, in order. */
export function courseFiles(): string[] {
  const { course } = parseCourse(readFileSync(join(LABS, 'course.yaml'), 'utf8'), 'course.yaml')
  return course.labs.map((l) => l.file)
}

const cache = new Map<string, Lab>()
export function loadLab(file: string): Lab {
  let lab = cache.get(file)
  if (!lab) {
    const parsed = parseLab(readFileSync(join(LABS, file), 'utf8'), file)
    const errors = parsed.diagnostics.filter((d) => d.severity === 'error')
    if (errors.length) throw new Error(`${file}: ${errors.map((d) => `${d.line}:${d.col}: ${d.message}`).join('; ')}`)
    lab = parsed.lab
    cache.set(file, lab)
  }
  return lab
}
