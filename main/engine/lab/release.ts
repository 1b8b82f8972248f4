/**
 * The student edition of a lab: solution blocks and hidden blocks (tests and scenarios) removed,
 * `edition: student` set in the front matter, everything else byte for byte. Idempotent.
 */
import type { Lab } from './labFile'
import { splitLines } from './markdown'

export function release(lab: Lab): string {
  const lines = splitLines(lab.source)
  const eol = lab.source.includes('\r\n') ? '\r\n' : '\n'
  const drop = new Set<number>()
  for (const b of lab.blocks) {
    if (b.role !== 'solution' && !b.hidden) continue
    for (let l = b.fenceLine; l <= b.closeLine; l++) drop.add(l)
    // Take one blank line with it, so that removing a block leaves no double gap.
    const after = b.closeLine + 1
    const before = b.fenceLine - 1
    if (isBlank(lines[after - 1]) && (before < 1 || isBlank(lines[before - 1]) || drop.has(before))) drop.add(after)
  }
  const out: string[] = []
  let fmEnd = -1
  if (lines[0]?.trimEnd() === '---') {
    for (let i = 1; i < lines.length; i++) if (lines[i]!.trimEnd() === '---' || lines[i]!.trimEnd() === '...') { fmEnd = i; break }
  }
  lines.forEach((l, i) => {
    const ln = i + 1
    if (drop.has(ln)) return
    if (fmEnd > 0 && i > 0 && i < fmEnd && /^edition\s*:/.test(l)) return
    if (i === fmEnd) out.push('edition: student')
    out.push(l)
  })
  return out.join(eol)
}

function isBlank(l: string | undefined): boolean {
  return l !== undefined && l.trim() === ''
}
