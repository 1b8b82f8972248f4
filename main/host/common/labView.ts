/**
 * What the session shows of a parsed lab (engine/lab/labFile.ts): the Markdown, scenarios and
 * exercises for the panes, the editor source of a scenario or exercise, the lab file with the
 * user's edits spliced back in (Save Lab), and the submission file (answers, never a grade).
 */
import { editorKeyText, exerciseKeyText, parseEditorKey, type ExerciseView, type FileText, type LabView } from '../../../preload/contract'
import type { Lab } from '../../engine'
import { sha256Hex } from './sha256'

const ROLE_FENCE = /^\s*(`{3,}|~{3,})\s*\S*.*\b(scenario|lib|exercise|starter|solution|test)=/

/** Labs are Markdown with front matter; anything else opened is taken as an strace log. */
export function looksLikeLab(file: FileText): boolean {
  return /\.lab\.md$|\.md$/i.test(file.name) || /^---\r?\n/.test(file.text)
}

/**
 * @lines with each role block (scenario, lib, exercise, starter, solution, test) replaced by what
 * @put gives for its role and opening line, or kept as written when @put gives null.
 */
function replaceRoleBlocks(lines: readonly string[], put: (role: string, open: string) => readonly string[] | null): string[] {
  const out: string[] = []
  let fence: string | null = null
  let keep = false
  for (const l of lines) {
    if (fence) {
      if (keep) out.push(l)
      if (l.trim().startsWith(fence)) fence = null
      continue
    }
    const m = ROLE_FENCE.exec(l)
    if (m) {
      fence = m[1]!
      const r = put(m[2]!, l)
      keep = r === null
      out.push(...(r ?? [l]))
      continue
    }
    out.push(l)
  }
  return out
}

/** The prose: the body after the front matter, without the role blocks (they live in the editor and the exercises). */
export function labMarkdown(lab: Lab): string {
  const lines = lab.source.split(/\r?\n/).slice(Math.max(0, lab.bodyLine - 1))
  // An exercise's card and a scenario's "open" button are drawn where their blocks were.
  const out = replaceRoleBlocks(lines, (role, l) => {
    const ex = /\bexercise=([\w.-]+)/.exec(l)
    const sc = /\bscenario=([\w.-]+)/.exec(l)
    if (role === 'exercise' && ex) return ['```fdlab-exercise', ex[1]!, '```']
    if (role === 'scenario' && sc) return ['```fdlab-scenario', sc[1]!, '```']
    return []
  })
  // The pane shows the title already: drop a leading "# Title" that repeats it.
  const first = out.findIndex((l) => l.trim() !== '')
  if (first >= 0 && /^#\s+/.test(out[first]!) && out[first]!.replace(/^#\s+/, '').trim() === lab.meta.title.trim()) out.splice(first, 1)
  return out.join('\n')
}

/**
 * The lab's slides, for the projector: scenario and lib code as written, an exercise as its prompt,
 * and no starter, solution or test (hidden ones included), as the Instructions pane shows none.
 */
function slidesOf(lab: Lab): LabView['slides'] {
  if (lab.slides.length === 0) return undefined
  const prompt = (open: string): readonly string[] => {
    const ex = lab.exercises.find((e) => e.id === /\bexercise=([\w.-]+)/.exec(open)?.[1])
    return ex ? ['', `> **Exercise ${ex.title || ex.id}** (${ex.kind}): ${ex.prompt.trim().replace(/\s*\n\s*/g, ' ')}`, ''] : []
  }
  return lab.slides.map((x) => ({
    title: x.title, line: x.line,
    markdown: replaceRoleBlocks(x.markdown.split('\n'), (role, open) => (role === 'exercise' ? prompt(open) : role === 'scenario' || role === 'lib' ? null : [])).join('\n'),
    ...(x.scenario ? { scenario: x.scenario } : {}), ...(x.goto ? { goto: x.goto } : {}),
  }))
}

export function labView(lab: Lab): LabView {
  const slides = slidesOf(lab)
  return {
    ...(slides ? { slides } : {}),
    id: lab.meta.id,
    title: lab.meta.title,
    version: lab.meta.version,
    profiles: lab.meta.kernels,
    markdown: labMarkdown(lab),
    scenarios: lab.scenarios.map((s) => ({ name: s.name, title: s.title || s.name, uses: [...s.uses] })),
    libs: [...lab.libs.values()].map((b) => ({ name: b.name, code: b.code, line: b.fenceLine + 1 })),
    exercises: lab.exercises.map((e): ExerciseView => ({
      id: e.id, kind: e.kind, points: e.points, title: e.title, prompt: e.prompt, hasStarter: !!e.starter, results: null,
      uses: [...new Set([...(e.starter?.uses ?? []), ...(e.tests.find((t) => !t.hidden)?.uses ?? [])])],
      choices: [...e.choices], tests: e.tests.filter((t) => !t.hidden).map((t) => t.testName), hiddenTests: e.tests.filter((t) => t.hidden).length,
    })),
  }
}

/**
 * The editor key's text for @name: a scenario's name, or an exercise's key text (given as such, or
 * as the bare exercise id); null if the lab has neither.
 */
export function editorKeyOf(lab: Lab, name: string): string | null {
  if (lab.scenarios.some((s) => s.name === name)) return name
  const k = parseEditorKey(name)
  const id = k.kind === 'exercise' ? k.id : k.name
  return lab.exercises.some((e) => e.id === id) ? editorKeyText({ kind: 'exercise', id }) : null
}

export function sourceFor(lab: Lab, key: string): string {
  const k = parseEditorKey(key)
  if (k.kind === 'exercise') return lab.exercises.find((e) => e.id === k.id)?.starter?.code ?? ''
  return lab.scenarios.find((s) => s.name === k.name)?.code ?? ''
}

/** The lab file with edited scenarios written back into their fenced blocks. */
export function spliceLab(lab: Lab, edits: ReadonlyMap<string, string>): string {
  const nl = lab.source.includes('\r\n') ? '\r\n' : '\n'
  const lines = lab.source.split(/\r?\n/)
  const blocks = lab.scenarios.filter((s) => edits.has(s.name)).sort((a, b) => b.fenceLine - a.fenceLine)
  for (const b of blocks) {
    const code = edits.get(b.name)!.replace(/\r?\n$/, '').split(/\r?\n/)
    // fenceLine is the 1-based line of the opening fence; the code runs until the closing fence.
    lines.splice(b.fenceLine, b.closeLine - b.fenceLine - 1, ...code)
  }
  return lines.join(nl)
}

export const SUBMISSION_FORMAT = 'fdlab-submission'

/** A submission: identity as typed, the lab it answers (id, version, hash), the answers. No grade. */
export function submission(lab: Lab, file: FileText, edits: ReadonlyMap<string, string>, student: string, now: Date, appVersion: string): FileText {
  const answers: Record<string, string> = {}
  for (const e of lab.exercises) {
    const a = edits.get(exerciseKeyText(e.id))
    if (a !== undefined) answers[e.id] = a
  }
  const body = {
    format: SUBMISSION_FORMAT,
    version: 1,
    lab: { id: lab.meta.id, version: lab.meta.version, sha256: sha256Hex(file.text) },
    student,
    answers,
    app: appVersion,
    time: now.toISOString(),
  }
  const safe = student.replace(/[^\w.-]+/g, '_').slice(0, 60) || 'student'
  return { name: `${lab.meta.id}-${safe}.submission.json`, text: JSON.stringify(body, null, 2) + '\n' }
}
