/** Shared by the grading tests: the shipped labs, their released editions, submissions as the app writes them. */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { parseLab, type Lab } from '../../main/engine/lab/labFile'
import { release } from '../../main/engine/lab/release'
import { prepareLab, gradeSubmission, type GradingLab, type SubmissionEntry } from '../../main/grading/grade'
import { sha256Hex } from '../../main/grading/node/inputs'

/** The shipped labs by lab id (the id submissions name), in course order (ids.test.ts pins this against labs/course.yaml). */
export const LAB_FILES = {
  'fd-table': '01-what-an-fd-is.lab.md',
  'files-vs-fds': '02-files-and-descriptors.lab.md',
  'close-path': '03-close-path.lab.md',
  procrastination: '04-procrastination.lab.md',
  'struct-fd': '05-struct-fd.lab.md',
  sharing: '06-sharing-the-table.lab.md',
  'binder-deferred-close': '07-binder-deferred-close.lab.md',
  races: '08-races.lab.md',
  capstone: '09-capstone-pipeline.lab.md',
} as const
export type LabId = keyof typeof LAB_FILES
export const LAB_IDS = Object.keys(LAB_FILES) as LabId[]

export const LABS = Object.fromEntries(LAB_IDS.map((id) => [id, new URL(`../../labs/${LAB_FILES[id]}`, import.meta.url)])) as Record<LabId, URL>

const cache = new Map<string, GradingLab>()

export function gradingLab(which: LabId): GradingLab {
  const hit = cache.get(which)
  if (hit) return hit
  const text = readFileSync(LABS[which], 'utf8')
  const { glab, problems } = prepareLab(text, basename(LABS[which].pathname), sha256Hex)
  if (!glab) throw new Error(problems.join('; '))
  cache.set(which, glab)
  return glab
}

/** The student edition as `fdlab release` writes it, parsed. */
export function studentEdition(which: LabId): { text: string; lab: Lab } {
  const text = release(parseLab(readFileSync(LABS[which], 'utf8'), 'x.lab.md').lab)
  return { text, lab: parseLab(text, basename(LABS[which].pathname)).lab }
}

/** The solutions of a lab's exercises, by id. */
export function solutions(lab: Lab): Record<string, string> {
  const out: Record<string, string> = {}
  for (const e of lab.exercises) if (e.solution) out[e.id] = e.solution.code
  return out
}

/** A submission file as the app exports it (main/host/common/labView.ts submission()). */
export function submissionText(lab: Lab, releasedText: string, student: string, answers: Record<string, string>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    format: 'fdlab-submission', version: 1,
    lab: { id: lab.meta.id, version: lab.meta.version, sha256: sha256Hex(releasedText) },
    student, answers, app: '0.1.0', time: '2026-12-01T10:00:00.000Z', ...extra,
  }, null, 2) + '\n'
}

export function grade(g: GradingLab, text: string | Uint8Array, file = 'sub.json'): SubmissionEntry {
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text
  return gradeSubmission(g, { file, name: basename(file).replace(/\.json$/, ''), sha256: sha256Hex(bytes), bytes })
}

/** test name → status of one exercise in an entry. */
export function statuses(e: SubmissionEntry, exercise: string): Record<string, string> {
  const ex = e.exercises.find((x) => x.id === exercise)
  if (!ex) throw new Error(`no exercise ${exercise}`)
  return Object.fromEntries(ex.tests.map((t) => [t.name, t.status]))
}

/**
 * The whole loop for one student: the lab released (`fdlab release`), answered in the app, exported
 * by the app's own code (main/host/common/labView.ts submission()), graded against the instructor's lab.
 */
export async function releaseAnswerExportGrade(which: LabId, answers: Record<string, string>, student = 'Ada'): Promise<{ g: GradingLab; e: SubmissionEntry; file: string }> {
  const { submission } = await import('../../main/host/common/labView')
  const g = gradingLab(which)
  const { text, lab } = studentEdition(which)
  const edits = new Map(Object.entries(answers).map(([k, v]) => [`exercise:${k}`, v]))
  const f = submission(lab, { name: LAB_FILES[which], text }, edits, student, new Date(Date.UTC(2026, 11, 1)), '0.1.0')
  return { g, e: grade(g, f.text, f.name), file: f.text }
}

/** A wrong answer the curriculum keeps (test/labs/wrong/LABID/EXERCISE.N.c|txt), with what its first line names. */
export interface CurriculumWrong { readonly file: string; readonly exercise: string; readonly answer: string; readonly fails: readonly string[]; readonly misconception: string | null }

export const WRONG_DIR = new URL('../labs/wrong/', import.meta.url)

/** The curriculum's wrong answers of one lab, in file-name order (format: test/labs/wrongAnswers.test.ts). */
export function curriculumWrongs(which: LabId): CurriculumWrong[] {
  const dir = new URL(`${which}/`, WRONG_DIR)
  if (!existsSync(dir)) return []
  return readdirSync(dir).sort().filter((n) => /\.\d+\.(c|txt)$/.test(n)).map((name) => {
    const text = readFileSync(new URL(name, dir), 'utf8')
    const nl = text.indexOf('\n')
    const head = text.slice(0, nl)
    const mc = /misconception:\s*([a-z0-9-]+)/.exec(head)
    const fails = /fails:\s*([A-Za-z0-9_.,\s-]+?)\s*(;|$)/.exec(head)
    return {
      file: `${which}/${name}`, exercise: name.replace(/\.\d+\.(c|txt)$/, ''), answer: text.slice(nl + 1),
      fails: fails ? fails[1]!.split(',').map((s) => s.trim()).filter(Boolean) : [], misconception: mc ? mc[1]! : null,
    }
  })
}
