/**
 * Grading past one machine: `--shard I/N` grades the submissions whose position in the list
 * ordered by content hash is I mod N, and records the lab, the grader, the budget, the whole
 * input list's digest and the hashes it covered; `--merge` checks that the shards fit together
 * and produces exactly the report one run over every input would.
 */
import type { SubmissionEntry } from './grade'
import { buildReport, type GradeReport, type ShardInfo } from './report'

export interface ShardSpec { readonly index: number; readonly count: number }

/** Parse "I/N" (0 ≤ I < N). */
export function parseShard(s: string): ShardSpec | string {
  const m = /^(\d+)\/(\d+)$/.exec(s.trim())
  if (!m) return `--shard takes I/N (for example 0/4), not '${s}'`
  const index = Number(m[1]), count = Number(m[2])
  if (count < 1 || count > 100_000) return '--shard: N is between 1 and 100000'
  if (index >= count) return `--shard: I counts from 0 and is less than N (got ${index}/${count})`
  return { index, count }
}

/** The inputs a shard grades: ordered by (sha256, file), every N-th from I. */
export function selectShard<T extends { file: string; sha256: string }>(inputs: readonly T[], shard: ShardSpec): T[] {
  const ordered = [...inputs].sort((a, b) => (a.sha256 < b.sha256 ? -1 : a.sha256 > b.sha256 ? 1 : a.file < b.file ? -1 : a.file > b.file ? 1 : 0))
  return ordered.filter((_, i) => i % shard.count === shard.index)
}

/** The digest of a whole input list (every shard of one batch records the same one). */
export function inputsDigest(inputs: readonly { file: string; sha256: string }[], sha256: (s: string) => string): string {
  return sha256([...inputs].map((i) => `${i.file}\t${i.sha256}\n`).sort().join(''))
}


/** Merge shard reports, or say why not. */
export function mergeShards(reports: readonly { path: string; report: GradeReport }[]): { report: GradeReport } | { errors: string[] } {
  const errors: string[] = []
  if (!reports.length) return { errors: ['nothing to merge'] }
  const first = reports[0]!
  const shardOf = (r: GradeReport): ShardInfo | undefined => r.shard
  for (const { path, report } of reports) {
    const s = shardOf(report)
    if (!s) { errors.push(`${path}: not a shard's report (graded without --shard)`); continue }
    if (report.grader !== first.report.grader) errors.push(`${path}: graded by ${report.grader}, ${first.path} by ${first.report.grader}`)
    if (report.lab.sha256 !== first.report.lab.sha256 || report.lab.id !== first.report.lab.id) errors.push(`${path}: lab ${report.lab.id} sha256 ${report.lab.sha256}, ${first.path} has ${first.report.lab.id} sha256 ${first.report.lab.sha256}: shards of different labs`)
    if (JSON.stringify(report.budget) !== JSON.stringify(first.report.budget)) errors.push(`${path}: graded with budget ${JSON.stringify(report.budget)}, ${first.path} with ${JSON.stringify(first.report.budget)}`)
    const f = shardOf(first.report)
    if (f && (s.count !== f.count || s.inputs_sha256 !== f.inputs_sha256 || s.inputs !== f.inputs)) errors.push(`${path}: shard ${s.index}/${s.count} of a different batch of submissions than ${first.path} (${f.index}/${f.count})`)
    const covered = new Set(report.submissions.map((e) => e.sha256))
    if (report.submissions.length !== s.covers.length || s.covers.some((h) => !covered.has(h))) errors.push(`${path}: its entries do not match the submissions it says it covered`)
  }
  if (errors.length) return { errors }
  const count = shardOf(first.report)!.count
  const seenIdx = new Map<number, string>()
  for (const { path, report } of reports) {
    const i = shardOf(report)!.index
    if (seenIdx.has(i)) errors.push(`shard ${i}/${count} given twice (${seenIdx.get(i)} and ${path})`)
    seenIdx.set(i, path)
  }
  for (let i = 0; i < count; i++) if (!seenIdx.has(i)) errors.push(`shard ${i}/${count} is missing: its submissions were not graded`)
  const byFile = new Map<string, string>()
  const entries: SubmissionEntry[] = []
  for (const { path, report } of reports) {
    for (const e of report.submissions) {
      const key = `${e.file}\t${e.sha256}`
      if (byFile.has(key)) { errors.push(`${e.file} (sha256 ${e.sha256.slice(0, 12)}) graded twice: in ${byFile.get(key)} and ${path}`); continue }
      byFile.set(key, path)
      entries.push(e)
    }
  }
  const total = shardOf(first.report)!.inputs
  if (!errors.length && entries.length !== total) errors.push(`the shards cover ${entries.length} submissions of ${total}: some are missing`)
  if (errors.length) return { errors }
  return { report: buildReport(first.report.lab, first.report.budget, entries) }
}
