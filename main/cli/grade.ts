/**
 * `fdlab grade LAB SUBMISSION|DIR... -o OUTDIR [--jobs N] [--shard I/N] [--budget ...]` and
 * `fdlab grade --merge SHARD_OUTDIR... -o OUTDIR`: grade a class against the instructor's lab.
 * The grading itself is main/grading/ (pure); this file reads arguments and files, runs the pool,
 * shows progress on stderr and writes the outputs.
 */
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { formatDiagnostic, sortDiagnostics } from '../engine'
import { DEFAULT_BUDGET, prepareLab, shortfallWarning, solutionShortfalls, type Budget, type SubmissionEntry } from '../grading/grade'
import { buildReport, labHeader, REPORT_FORMAT, revealed, sameStudentWarnings, type GradeReport } from '../grading/report'
import { inputsDigest, mergeShards, parseShard, selectShard, type ShardSpec } from '../grading/shard'
import { DEFAULT_MAX_BYTES, rejectionDiagnostic } from '../grading/submission'
import { expandInputs, readInputs, sha256Hex } from '../grading/node/inputs'
import { gradeInputs } from '../grading/node/pool'
import { writeOutputs } from '../grading/node/write'
import { parseArgs, processIo, type CliIo } from './io'

export const GRADE_HELP = `usage: fdlab grade LAB SUBMISSION|DIR... -o OUTDIR [--jobs N] [--shard I/N] [--budget steps=N,runs=N,statements=N]
       fdlab grade --merge SHARD_OUTDIR... -o OUTDIR
Grades fdlab submissions (the files the app exports) against the instructor's LAB (with its
solutions and hidden tests). Folders are read recursively; every file gets a row, unusable ones
as rejected with the reason. Writes into OUTDIR:
  report.json         everything, for the instructor (one entry per input file, in a stable order)
  grades.csv          one row per input file, a column per exercise
  canvas.csv          Canvas gradebook import      moodle.csv   Moodle grade import
  results/NAME.json   Gradescope results.json per submission
  feedback/NAME.md    feedback for the student (no hidden test code)
Options:
  --jobs N            grading workers (default: the number of cores)
  --shard I/N         grade only slice I of N (by submission hash); merge the shards with --merge
  --budget K=V,...    steps=N micro-steps per run (default ${DEFAULT_BUDGET.steps}), runs=N interleavings per
                      explored test (default ${DEFAULT_BUDGET.runs}), statements=N lab C statements per run
                      (default ${DEFAULT_BUDGET.statements}); a run that hits one is 'budget', never a pass
  --max-bytes N       larger files are rejected (default ${DEFAULT_MAX_BYTES})
  --reveal LEVEL      what feedback/NAME.md shows: visible (default), after_published or after_due_date
  --assignment TITLE  the assignment column of canvas.csv and moodle.csv (default "TITLE (LAB-ID)")
  --quiet             no progress on stderr
Exit status: 0 every input got a row, 1 outputs could not be written or a merge was refused,
2 unusable arguments or an unusable LAB.`

export interface GradeIo extends CliIo {
  /** Progress display (default: stderr as a bar on a terminal, else a few lines). */
  progress?: (done: number, total: number, rejected: number) => void
}

function workerFile(): string | null {
  try {
    const here = fileURLToPath(import.meta.url)
    if (!here.endsWith('.mjs')) return null
    const f = join(dirname(here), 'grade-worker.mjs')
    return existsSync(f) ? f : null
  } catch { return null }
}

export function parseBudget(s: string | undefined): Budget | string {
  const b: { steps: number; runs: number; statements: number } = { ...DEFAULT_BUDGET }
  if (s === undefined) return b
  for (const part of s.split(',').map((x) => x.trim()).filter(Boolean)) {
    const m = /^(steps|runs|statements)=(\d+)$/.exec(part)
    if (!m) return `--budget takes steps=N,runs=N,statements=N (got '${part}')`
    const v = Number(m[2])
    if (v < 1 || v > 1e9) return `--budget: ${m[1]} is between 1 and 1000000000`
    b[m[1] as 'steps' | 'runs' | 'statements'] = v
  }
  return b
}

function bar(io: GradeIo): (done: number, total: number, rejected: number) => void {
  if (io.progress) return io.progress
  const tty = process.stderr.isTTY === true && io.err === processIo.err
  const t0 = Date.now()
  let last = 0
  let lastTenth = -1
  return (done, total, rejected) => {
    const rate = done / Math.max(0.001, (Date.now() - t0) / 1000)
    const text = `grading ${done}/${total}${rejected ? ` (${rejected} rejected)` : ''} ${rate.toFixed(1)}/s`
    if (tty) {
      const now = Date.now()
      if (now - last < 100 && done < total) return
      last = now
      const w = 30
      const fill = total ? Math.round((w * done) / total) : w
      process.stderr.write(`\r[${'#'.repeat(fill)}${'.'.repeat(w - fill)}] ${text}${done === total ? '\n' : ''}`)
    } else {
      const tenth = total ? Math.floor((10 * done) / total) : 10
      if (tenth !== lastTenth) { lastTenth = tenth; io.err(text) }
    }
  }
}

export async function gradeCommand(argv: readonly string[], io: GradeIo): Promise<number> {
  const { opts, pos, error } = parseArgs(argv, ['help', 'merge', 'quiet'])
  if (error) { io.err(`fdlab grade: ${error}`); return 2 }
  if (opts.has('help')) { io.out(GRADE_HELP); return 0 }
  const out = opts.get('o')?.[0] ?? opts.get('output')?.[0]
  if (!out || !pos.length) { io.err(GRADE_HELP); return 2 }
  const reveal = opts.get('reveal')?.[0] ?? 'visible'
  if (reveal !== 'visible' && reveal !== 'after_published' && reveal !== 'after_due_date') { io.err('fdlab grade: --reveal is visible, after_published or after_due_date'); return 2 }
  const writeOpts = { reveal: revealed(reveal), assignment: opts.get('assignment')?.[0] }
  if (opts.has('merge')) return mergeCommand(pos, out, writeOpts, io)

  const [labPath, ...subs] = pos
  if (!subs.length) { io.err('fdlab grade: no submissions given (files or folders after LAB)'); return 2 }
  const budget = parseBudget(opts.get('budget')?.[0])
  if (typeof budget === 'string') { io.err(`fdlab grade: ${budget}`); return 2 }
  const jobsS = opts.get('jobs')?.[0]
  const jobs = jobsS === undefined ? availableParallelism() : Number(jobsS)
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 1024) { io.err('fdlab grade: --jobs is a number of workers (1 or more)'); return 2 }
  const maxS = opts.get('max-bytes')?.[0]
  const maxBytes = maxS === undefined ? DEFAULT_MAX_BYTES : Number(maxS)
  if (!Number.isInteger(maxBytes) || maxBytes < 1) { io.err('fdlab grade: --max-bytes is a number of bytes'); return 2 }
  let shard: ShardSpec | null = null
  const sh = opts.get('shard')?.[0]
  if (sh !== undefined) {
    const s = parseShard(sh)
    if (typeof s === 'string') { io.err(`fdlab grade: ${s}`); return 2 }
    shard = s
  }
  let labText: string
  try {
    if (statSync(labPath!).isDirectory()) { io.err(`fdlab grade: ${labPath} is a folder; give the lab file (*.lab.md) to grade against`); return 2 }
    labText = readFileSync(labPath!, 'utf8')
  } catch (e) { io.err(`fdlab grade: cannot read ${labPath}: ${(e as Error).message}`); return 2 }
  const labFile = basename(labPath!)
  const gradeOpts = { budget, maxBytes }
  const { glab, problems, diagnostics } = prepareLab(labText, labFile, sha256Hex, gradeOpts)
  if (!glab) {
    for (const d of sortDiagnostics(diagnostics).filter((x) => x.severity === 'error')) io.err(formatDiagnostic(d))
    io.err(`fdlab grade: ${labPath}: ${problems.join('; ')}`)
    return 2
  }
  // The lab's own solutions must pass under this budget, or every answer loses those points.
  for (const s of solutionShortfalls(glab)) io.err(shortfallWarning(labPath!, s, 'raise --budget (or fix the lab: fdlab check)'))
  const { files, errors } = expandInputs(subs)
  for (const e of errors) io.err(`fdlab grade: ${e}`)
  if (errors.length) return 2
  const outDir = resolve(out)
  const all = readInputs(files, maxBytes)
  const inputs = shard ? selectShard(all, shard) : all
  const progress = opts.has('quiet') ? null : bar(io)
  let rejected = 0
  progress?.(0, inputs.length, 0)
  let entries: SubmissionEntry[]
  try {
    entries = await gradeInputs(glab, inputs, {
      jobs, workerFile: workerFile(), init: { labText, labFile, opts: gradeOpts },
      onEntry: (done, e) => { if (e.status === 'rejected') rejected++; progress?.(done, inputs.length, rejected) },
    })
  } catch (e) {
    io.err(`fdlab grade: ${(e as Error).message}`)
    return 1
  }
  const shardInfo = shard ? {
    index: shard.index, count: shard.count, inputs: all.length, inputs_sha256: inputsDigest(all, sha256Hex),
    covers: [...inputs.map((i) => i.sha256)].sort(),
  } : undefined
  const report = buildReport(labHeader(glab), glab.budget, entries, shardInfo)
  try {
    mkdirSync(outDir, { recursive: true })
    writeOutputs(outDir, report, writeOpts)
  } catch (e) {
    io.err(`fdlab grade: cannot write ${out}: ${(e as Error).message}`)
    return 1
  }
  const graded = entries.filter((e) => e.status === 'graded')
  const warned = graded.filter((e) => e.warnings.length).length
  const mean = graded.length ? graded.reduce((n, e) => n + e.score, 0) / graded.length : 0
  io.out(`${shard ? `shard ${shard.index}/${shard.count}: ` : ''}${entries.length} submission${entries.length === 1 ? '' : 's'}: ${graded.length} graded` +
    ` (mean ${mean.toFixed(2)} of ${glab.maxScore}${warned ? `, ${warned} with warnings` : ''}), ${entries.length - graded.length} rejected; outputs in ${out}`)
  listRows(report, io)
  return 0
}

/** Rejected rows, and warnings of graded ones, as `FILE:LINE:COL: severity[code]: message` lines. */
function listRows(report: GradeReport, io: CliIo): void {
  for (const w of sameStudentWarnings(report)) io.out(w)
  for (const e of report.submissions) {
    const who = e.student ? ` (${e.student})` : ''
    if (e.status === 'rejected') {
      const d = rejectionDiagnostic(e.file, e.reason ?? 'rejected')
      io.out(`${d.file}:${d.line}:${d.col}: error[${d.code}]: rejected${who}: ${e.reason ?? ''}`)
    } else for (const w of e.warnings) io.out(`${e.file}:1:1: warning[submission]: graded${who}, ${w}`)
  }
}

function mergeCommand(dirs: readonly string[], out: string, writeOpts: Parameters<typeof writeOutputs>[2], io: CliIo): number {
  const reports: { path: string; report: GradeReport }[] = []
  for (const d of dirs) {
    const p = existsSync(d) && statSync(d).isDirectory() ? join(d, 'report.json') : d
    let r: GradeReport
    try { r = JSON.parse(readFileSync(p, 'utf8')) as GradeReport } catch (e) { io.err(`fdlab grade --merge: cannot read ${p}: ${(e as Error).message}`); return 2 }
    if (r?.format !== REPORT_FORMAT) { io.err(`fdlab grade --merge: ${p} is not an fdlab grade report`); return 2 }
    reports.push({ path: p, report: r })
  }
  const m = mergeShards(reports)
  if ('errors' in m) {
    for (const e of m.errors) io.err(`fdlab grade --merge: ${e}`)
    io.err('fdlab grade --merge: refused; nothing written')
    return 1
  }
  try {
    mkdirSync(resolve(out), { recursive: true })
    writeOutputs(resolve(out), m.report, writeOpts)
  } catch (e) {
    io.err(`fdlab grade --merge: cannot write ${out}: ${(e as Error).message}`)
    return 1
  }
  const rejected = m.report.submissions.filter((e) => e.status === 'rejected').length
  io.out(`merged ${reports.length} shard${reports.length === 1 ? '' : 's'}: ${m.report.submissions.length} submissions, ${rejected} rejected; outputs in ${out}`)
  listRows(m.report, io)
  return 0
}
