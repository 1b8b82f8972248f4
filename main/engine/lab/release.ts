/**
 * The student edition of a lab: solution blocks and hidden blocks (tests and scenarios) removed,
 * `edition: student` set in the front matter, everything else byte for byte. Idempotent.
 *
 * Misconceptions whose trigger the student edition no longer has are removed too: one keyed to a
 * hidden test (`test: NAME`) names that test and says what it probes, and can never be shown
 * once the test is gone; one keyed to a predict choice whose scenario is hidden says why a choice
 * is wrong, and so which one is right, with nothing in the student edition to run. A list that
 * becomes empty loses its `misconceptions:` key. Visible tests and visible scenarios keep theirs
 * (a student can run those anyway).
 */
import { LineCounter, parseDocument, isMap, isScalar, isSeq, type Node as YamlNode } from 'yaml'
import type { Exercise, Lab } from './labFile'
import { frontMatter, splitLines } from './markdown'

export function release(lab: Lab): string {
  const lines = splitLines(lab.source)
  const eol = lab.source.includes('\r\n') ? '\r\n' : '\n'
  const { drop, fmEnd } = plan(lab, lines)
  const out: string[] = []
  lines.forEach((l, i) => {
    if (drop.has(i + 1)) return
    if (i === fmEnd) out.push('edition: student')
    out.push(l)
  })
  return out.join(eol)
}

/**
 * Where each line of the lab ends up in its released edition (1-based; a dropped line maps to the
 * line before the gap it leaves). The grader quotes student-facing messages with these numbers,
 * those of the file the student has.
 */
export function releasedLineMap(lab: Lab): (line: number) => number {
  const lines = splitLines(lab.source)
  const { drop, fmEnd } = plan(lab, lines)
  const map: number[] = [0]
  let n = 0
  for (let l = 1; l <= lines.length; l++) {
    if (l === fmEnd + 1) n++ // the inserted 'edition: student' line
    if (!drop.has(l)) n++
    map.push(n)
  }
  return (line) => map[line] ?? line
}

/** The lines release() drops (1-based), and the index of the front matter's closing line (-1: none). */
function plan(lab: Lab, lines: readonly string[]): { drop: Set<number>; fmEnd: number } {
  const drop = new Set<number>()
  for (const b of lab.blocks) {
    if (b.role !== 'solution' && !b.hidden) continue
    for (let l = b.fenceLine; l <= b.closeLine; l++) drop.add(l)
    // Take one blank line with it, so that removing a block leaves no double gap.
    const after = b.closeLine + 1
    const before = b.fenceLine - 1
    if (isBlank(lines[after - 1]) && (before < 1 || isBlank(lines[before - 1]) || drop.has(before))) drop.add(after)
  }
  for (const ex of lab.exercises) for (const l of hiddenMisconceptionLines(lab, ex)) drop.add(l)
  const fm = frontMatter(lines)
  const fmEnd = fm && fm !== 'unclosed' ? fm.endLine - 1 : -1
  // An existing edition line is replaced by the one inserted before the closing line.
  for (let i = 1; i < fmEnd; i++) if (/^edition\s*:/.test(lines[i]!)) drop.add(i + 1)
  return { drop, fmEnd }
}

function isBlank(l: string | undefined): boolean {
  return l !== undefined && l.trim() === ''
}

/** File lines (1-based) of the exercise header's misconceptions whose trigger is hidden. */
function hiddenMisconceptionLines(lab: Lab, ex: Exercise): number[] {
  const hiddenTests = new Set(ex.tests.filter((t) => t.hidden).map((t) => t.testName))
  const scenarioName = ex.scenario ?? ex.tests[0]?.testName ?? null
  const scenarioHidden = ex.kind === 'predict' && (ex.scenario
    ? lab.scenarios.some((b) => b.name === ex.scenario && b.hidden)
    : ex.tests.length > 0 && ex.tests[0]!.hidden)
  const hides = (o: Record<string, unknown>): boolean => {
    const when = (o.when && typeof o.when === 'object' ? o.when : o) as Record<string, unknown>
    if (when.test !== undefined) return hiddenTests.has(String(when.test))
    return when.choice !== undefined && scenarioHidden && scenarioName !== null
  }
  if (!ex.misconceptions.length || (!hiddenTests.size && !scenarioHidden)) return []
  const lc = new LineCounter()
  const doc = parseDocument(ex.header.code, { lineCounter: lc })
  const root = doc.contents
  if (doc.errors.length || !isMap(root)) return []
  const pair = root.items.find((p) => isScalar(p.key) && p.key.value === 'misconceptions')
  const seq = pair?.value
  if (!pair || !isSeq(seq)) return []
  // Code line N is file line fenceLine + N.
  const lineOf = (offset: number): number => ex.header.fenceLine + lc.linePos(offset).line
  const items = seq.items as YamlNode[]
  const starts = items.map((it) => lineOf(it.range?.[0] ?? 0))
  const seqEnd = lineOf(Math.max(0, (seq.range?.[1] ?? 1) - 1))
  const out: number[] = []
  let kept = 0
  items.forEach((it, i) => {
    const o = (it as { toJSON(): unknown }).toJSON()
    if (!o || typeof o !== 'object' || !hides(o as Record<string, unknown>)) { kept++; return }
    const last = i + 1 < items.length ? starts[i + 1]! - 1 : seqEnd
    for (let l = starts[i]!; l <= last; l++) out.push(l)
  })
  if (!kept && out.length) {
    const keyLine = lineOf((pair.key as YamlNode).range?.[0] ?? 0)
    for (let l = keyLine; l < starts[0]!; l++) out.push(l)
  }
  return out
}
