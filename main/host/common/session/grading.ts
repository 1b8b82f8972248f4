/**
 * Grading a class in the app: submission files against the open lab, which must be the
 * instructor's (solutions and hidden tests): the same judgement and output files as `fdlab grade`
 * (main/grading), one submission at a time with progress. Cancelled by terminating the worker.
 */
import type { FileText, GradeRequest, GradeView, Progress } from '../../../../preload/contract'
import { prepareLab, gradeSubmission, shortfallWarning, solutionShortfalls, type SubmissionEntry } from '../../../grading/grade'
import { buildReport, sameStudentWarnings, canvasCsv, feedbackMarkdown, gradesCsv, gradescopeResults, labHeader, moodleCsv, outputNames, reportJson } from '../../../grading/report'
import { parseSubmission } from '../../../grading/submission'
import { sha256Hex } from '../sha256'

export function gradeClass(file: FileText, req: GradeRequest, progress?: (p: Progress) => void): GradeView {
  const none = { report: null, outputs: [], answers: {}, warnings: [] }
  const { glab, problems } = prepareLab(file.text, file.name, sha256Hex)
  if (!glab) return { ...none, error: `this lab cannot grade: ${problems.join('; ')}` }
  // The lab's own solutions must pass under the grading budget, or every answer loses those points.
  const warnings = solutionShortfalls(glab).map((s) => shortfallWarning(file.name, s, 'fix the lab (fdlab check), or grade with fdlab grade --budget'))
  const names = outputNames(req.files.map((f) => f.file))
  const entries: SubmissionEntry[] = []
  const answers: Record<string, Record<string, string>> = {}
  const total = req.files.length
  progress?.({ what: 'grade', done: 0, total })
  req.files.forEach((f, i) => {
    const bytes = fromBase64(f.data)
    const name = names.get(f.file)!
    entries.push(gradeSubmission(glab, { file: f.file, name, sha256: f.sha256, bytes, size: f.size }))
    const p = parseSubmission(bytes, { id: glab.lab.meta.id, version: glab.lab.meta.version, releasedSha256: glab.releasedSha256 }, glab.lab.exercises.map((e) => e.id), glab.maxBytes)
    if (p.ok) answers[name] = Object.fromEntries(p.answers)
    progress?.({ what: 'grade', done: i + 1, total })
  })
  const report = buildReport(labHeader(glab), glab.budget, entries)
  const outputs = [
    { path: 'report.json', text: reportJson(report) },
    { path: 'grades.csv', text: gradesCsv(report) },
    { path: 'canvas.csv', text: canvasCsv(report) },
    { path: 'moodle.csv', text: moodleCsv(report) },
    ...report.submissions.flatMap((s) => [
      { path: `results/${s.name}.json`, text: gradescopeResults(report, s) },
      { path: `feedback/${s.name}.md`, text: feedbackMarkdown(report, s) },
    ]),
  ]
  return { error: null, report, outputs, answers, warnings: [...warnings, ...sameStudentWarnings(report)] }
}

/** Bytes of a base64 string (the host's reading of a submission file). */
function fromBase64(b64: string): Uint8Array {
  const bin = atob(b64)
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}
