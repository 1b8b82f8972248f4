/**
 * `fdlab similarity LAB SUBMISSION|DIR... [--json] [--min-tokens N]`: pairs of submissions whose
 * implement answers are the same after normalising names and white space, starter code excluded.
 * Offline: nothing leaves the machine.
 */
import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { parseLab, release } from '../engine'
import { parseSubmission } from '../grading/submission'
import { similarPairs, similarityTable, type SimilarityInput } from '../grading/similarity'
import { expandInputs, readInput, sha256Hex } from '../grading/node/inputs'
import { parseArgs, type CliIo } from './io'

export const SIMILARITY_HELP = `usage: fdlab similarity LAB SUBMISSION|DIR... [--json] [--min-tokens N]
Lists pairs of submissions whose implement answers are identical after normalising: comments and
white space removed, the names an answer introduces renamed in order of appearance, answers left
as the starter code excluded, answers under N tokens (default 12) skipped. A table, or JSON with
--json. Nothing leaves this machine. Exit status: 0 (pairs or not), 2 unusable arguments or LAB.`

export function similarityCommand(argv: readonly string[], io: CliIo): number {
  const { opts, pos, error } = parseArgs(argv, ['help', 'json'])
  if (error) { io.err(`fdlab similarity: ${error}`); return 2 }
  if (opts.has('help')) { io.out(SIMILARITY_HELP); return 0 }
  if (pos.length < 2) { io.err(SIMILARITY_HELP); return 2 }
  const minS = opts.get('min-tokens')?.[0]
  const min = minS === undefined ? 12 : Number(minS)
  if (!Number.isInteger(min) || min < 1) { io.err('fdlab similarity: --min-tokens is a number'); return 2 }
  const [labPath, ...subs] = pos
  let text: string
  try { text = readFileSync(labPath!, 'utf8') } catch (e) { io.err(`fdlab similarity: cannot read ${labPath}: ${(e as Error).message}`); return 2 }
  const { lab, diagnostics } = parseLab(text, basename(labPath!))
  if (diagnostics.some((d) => d.severity === 'error')) { io.err(`fdlab similarity: ${labPath}: the lab file has errors`); return 2 }
  const { files, errors } = expandInputs(subs)
  for (const e of errors) io.err(`fdlab similarity: ${e}`)
  if (errors.length) return 2
  const released = lab.meta.edition === 'student' ? text : release(lab)
  const inputs: SimilarityInput[] = []
  for (const f of files) {
    const inp = readInput(f, f, 1 << 20)
    const p = parseSubmission(inp.size !== undefined && inp.size > 1 << 20 ? new Uint8Array(0) : inp.bytes, { id: lab.meta.id, version: lab.meta.version, releasedSha256: sha256Hex(released) }, lab.exercises.map((e) => e.id))
    if (!p.ok) { io.err(`fdlab similarity: skipped ${f}: ${p.reason}`); continue }
    inputs.push({ file: f, student: p.student, answers: p.answers })
  }
  const pairs = similarPairs(lab, inputs, min)
  if (opts.has('json')) io.out(JSON.stringify({ lab: { id: lab.meta.id, version: lab.meta.version }, submissions: inputs.length, pairs }, null, 2))
  else {
    io.out(pairs.length ? similarityTable(pairs) : 'no two submissions share a normalised implement answer')
    io.out(`${pairs.length} pair${pairs.length === 1 ? '' : 's'} among ${inputs.length} submissions`)
  }
  return 0
}
