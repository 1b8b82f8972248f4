/** Writing a grade report's files into OUTDIR (Node side). */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Visibility } from '../grade'
import { canvasCsv, feedbackMarkdown, gradesCsv, gradescopeResults, moodleCsv, reportJson, type GradeReport } from '../report'

export interface WriteOptions { readonly reveal: ReadonlySet<Visibility>; readonly assignment?: string }

/** Every output file, by path relative to OUTDIR, in a fixed order. */
export function outputFiles(r: GradeReport, o: WriteOptions): [string, string][] {
  const files: [string, string][] = [
    ['report.json', reportJson(r)],
    ['grades.csv', gradesCsv(r)],
    ['canvas.csv', canvasCsv(r, o.assignment)],
    ['moodle.csv', moodleCsv(r, o.assignment)],
  ]
  for (const s of r.submissions) {
    files.push([`results/${s.name}.json`, gradescopeResults(r, s)])
    files.push([`feedback/${s.name}.md`, feedbackMarkdown(r, s, o.reveal)])
  }
  return files
}

/** Write them; results/ and feedback/ end up holding exactly this run's files. */
export function writeOutputs(outDir: string, r: GradeReport, o: WriteOptions): number {
  const files = outputFiles(r, o)
  for (const d of ['results', 'feedback']) mkdirSync(join(outDir, d), { recursive: true })
  const keep = new Set(files.map(([p]) => p))
  for (const [d, ext] of [['results', '.json'], ['feedback', '.md']] as const) {
    for (const n of readdirSync(join(outDir, d))) if (n.endsWith(ext) && !keep.has(`${d}/${n}`)) rmSync(join(outDir, d, n))
  }
  for (const [p, text] of files) writeFileSync(join(outDir, p), text)
  return files.length
}
