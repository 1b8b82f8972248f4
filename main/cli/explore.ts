/**
 * `fdlab explore LAB|DIR --scenario NAME [--bound N] [--json] [--kernel P] [--max-runs N]`
 *
 * Enumerates a lab scenario's interleavings with the engine's explorer (stateless DPOR with sleep
 * sets, main/engine/machine/explorer.ts) and reports each distinct outcome and each violation with
 * the shortest schedule that reaches it, replayable with `fdlab run --schedule`. Each outcome's
 * schedule is replayed through the lab runner and judged against the block's expectation, so
 * failed `expect`s and run-time errors show too.
 *
 * Long searches print a progress line on stderr; SIGINT stops the search and prints the partial
 * result. When the CLI runs from its bundle the search runs in a worker thread (so the signal is
 * seen while the search runs); from sources (tests) it runs in-process and `io.shouldStop` stops it.
 *
 * Exit status: 0 the block's expectation holds over every interleaving explored (expect=pass: no
 * interleaving fails; violation/blocked/fail: some interleaving shows it) and the search was
 * complete; 1 it does not hold, or the search was incomplete; 2 usage errors; 130 interrupted.
 */
import { isMainThread, parentPort, workerData, Worker } from 'node:worker_threads'
import { fileURLToPath } from 'node:url'
import {
  resolveProfileName, UnknownProfileError, type ProfileName, formatDiagnostic, sortDiagnostics, MAX_LAB_BYTES,
  parseLab, type Lab, type LabBlock, composeTest, judge, profilesOf, verdict, type Verdict, searchProgram, load,
  runInstance, type RunSpec, frontEnd, type Source, formatSchedule, type ExploreProgress,
  type ExploreResult as EngineExploreResult, type Variants,
} from '../engine'
import { labFiles } from './lab'
import { parseArgs, readText, type CliIo } from './io'

export const EXPLORE_HELP = `usage: fdlab explore LAB|DIR --scenario NAME [--bound N] [--json] [--kernel 6.5|6.18|mainline] [--max-runs N]
Enumerates every interleaving of one scenario (or EXERCISE/TEST, run against the solution) with
partial-order reduction (DPOR with sleep sets) and prints each distinct outcome and each sanitizer
finding with the shortest schedule that reaches it; replay one with
  fdlab run LAB --scenario NAME --schedule S
--bound N limits preemptions (switches away from a thread that could go on) to N.
A progress line goes to stderr on long runs; Ctrl-C stops the search and prints what was found.
A run that stops at a limit (docs/limits.md) ends the search: the verdict is budget, never met.
Exit status: 0 the block's expectation holds over every interleaving and the search completed,
1 it does not hold, the search was incomplete or stopped at a limit, 2 usage errors,
3 internal error (a bug in fdlab), 130 interrupted.`

export interface ExploreIo extends CliIo {
  /** Polled between runs: true stops the search (tests; the CLI uses SIGINT). */
  shouldStop?: () => boolean
  /** Milliseconds between progress lines (default 1000). */
  progressMs?: number
  /** Wall clock for timings and progress (default Date.now). */
  now?: () => number
}

/** What one exploration found, in the order printed. */
export interface ExploreReport {
  readonly lab: string
  readonly scenario: string
  readonly profile: ProfileName
  readonly variants: readonly string[]
  readonly bound: number | null
  readonly expect: string
  readonly rule: string | null
  readonly runs: number
  readonly steps: number
  readonly complete: boolean
  readonly stoppedBy: string
  readonly ms: number
  readonly outcomes: readonly ReportedOutcome[]
  readonly violations: readonly ReportedFinding[]
  /** The block's expectation over the interleavings explored (verdict === 'pass'). */
  readonly met: boolean
  /** pass, fail, budget (some interleaving stopped at a limit) or error (internal). */
  readonly verdict: Verdict
  readonly reasons: readonly string[]
  readonly replay: string | null
}

export interface ReportedOutcome {
  readonly status: string
  readonly count: number
  readonly threads: readonly { tid: number; comm: string; results: readonly string[] }[]
  readonly findings: readonly string[]
  readonly schedule: string
  /** The replayed run judged against the block: empty when it meets the block's expectation. */
  readonly problems: readonly string[]
}

export interface ReportedFinding {
  readonly rule: string
  readonly severity: string
  readonly message: string
  readonly count: number
  readonly schedule: string
}

interface Job {
  readonly sources: readonly Source[]
  readonly profile: ProfileName
  readonly variants: Partial<Variants>
  readonly bound: number | null
  readonly maxRuns: number | undefined
}

type SearchResult = (EngineExploreResult & { limitHit: string | null; limitSchedule: readonly number[] | null }) | { error: string }

/** The search itself (in-process or in the worker). */
function search(job: Job, onProgress: (p: ExploreProgress) => void, shouldStop: () => boolean): SearchResult {
  const fe = frontEnd(job.sources, job.profile)
  if (!fe.ok) return { error: 'the scenario does not compile' }
  const spec: RunSpec = { sources: job.sources, profile: job.profile, variants: job.variants }
  const s = searchProgram(fe.program, spec, job.bound, { maxRuns: job.maxRuns ?? 1_000_000, onProgress, progressEvery: 200, shouldStop })
  if (s.failed || !s.result) return { error: 'internal error: the explorer failed on this scenario; this is a bug in fdlab, not in the lab' }
  return { ...s.result, limitHit: s.limitHit, limitSchedule: s.limitSchedule }
}

// Worker side: the bundled CLI starts itself as a worker to run one search.
const WORKER_TAG = 'fdlab-explore'
if (!isMainThread && parentPort && (workerData as { tag?: string } | null)?.tag === WORKER_TAG) {
  const { job, stop } = workerData as { job: Job; stop: SharedArrayBuffer }
  const flag = new Int32Array(stop)
  const port = parentPort
  const r = search(job, (p) => port.postMessage({ kind: 'progress', p }), () => Atomics.load(flag, 0) === 1)
  port.postMessage({ kind: 'done', r })
}

function selfModule(): string | null {
  try {
    const f = fileURLToPath(import.meta.url)
    return f.endsWith('.mjs') || f.endsWith('.js') ? f : null
  } catch { return null }
}

async function runSearch(job: Job, io: ExploreIo, progress: (p: ExploreProgress) => void): Promise<{ r: SearchResult; interrupted: boolean }> {
  const self = selfModule()
  if (!self || io.shouldStop) {
    const r = search(job, progress, io.shouldStop ?? (() => false))
    return { r, interrupted: false }
  }
  const stop = new SharedArrayBuffer(4)
  const flag = new Int32Array(stop)
  let interrupted = false
  const onSig = (): void => {
    if (interrupted) process.exit(130)
    interrupted = true
    Atomics.store(flag, 0, 1)
    io.err('fdlab explore: interrupted; finishing the current run (Ctrl-C again to quit at once)')
  }
  process.on('SIGINT', onSig)
  try {
    const w = new Worker(self, { workerData: { tag: WORKER_TAG, job, stop } })
    const r = await new Promise<SearchResult>((resolve, reject) => {
      w.on('message', (m: { kind: string; p?: ExploreProgress; r?: SearchResult }) => {
        if (m.kind === 'progress') progress(m.p!)
        else if (m.kind === 'done') resolve(m.r!)
      })
      w.on('error', () => resolve({ error: 'internal error: the explorer failed on this scenario; this is a bug in fdlab, not in the lab' }))
      w.on('exit', (code) => { if (code !== 0) resolve({ error: `internal error: the explorer stopped (exit ${code}); this is a bug in fdlab, not in the lab` }) })
    })
    await w.terminate()
    return { r, interrupted }
  } finally {
    process.off('SIGINT', onSig)
  }
}

function findBlock(lab: Lab, name: string): { block: LabBlock; answer: Source | null } | null {
  const s = lab.scenarios.find((x) => x.name === name)
  if (s) return { block: s, answer: null }
  const [exId, testName] = name.split('/')
  const ex = lab.exercises.find((e) => e.id === exId)
  const t = ex?.tests.find((x) => x.testName === testName)
  if (!ex || !t) return null
  return { block: t, answer: ex.solution ? { code: ex.solution.code, file: lab.file, lineOffset: ex.solution.fenceLine } : null }
}

/** Explore one block under one profile and judge each distinct outcome. */
export async function exploreBlock(
  lab: Lab, path: string, name: string, block: LabBlock, answer: Source | null, profile: ProfileName,
  opts: { bound: number | null; maxRuns?: number }, io: ExploreIo,
): Promise<{ report: ExploreReport; interrupted: boolean } | { error: string }> {
  const now = io.now ?? Date.now
  const sources = composeTest(lab, block, answer)
  const variants = { ...lab.meta.variants, ...(block.variants ?? {}) }
  const bound = opts.bound ?? block.bound
  const fe = frontEnd(sources, profile)
  if (!fe.ok) {
    return { error: sortDiagnostics(fe.diagnostics.filter((d) => d.severity === 'error')).map(formatDiagnostic).join('\n') }
  }
  const t0 = now()
  // The default schedule first: a run that stops at a limit (or fails inside the engine) there
  // decides the verdict without a search.
  {
    const spec: RunSpec = { sources, profile, variants, trace: false }
    const base = runInstance(load(fe.program, spec), spec)
    if (base.limit || base.internalError) {
      const d = (base.limit ?? base.internalError)!
      const v: Verdict = base.limit ? 'budget' : 'error'
      const schedule = formatSchedule(base.schedule)
      const report: ExploreReport = {
        lab: path, scenario: name, profile, variants: Object.entries(variants).filter(([, x]) => x).map(([k]) => k), bound,
        expect: block.expect, rule: block.rule ?? null, runs: 1, steps: base.steps, complete: false, stoppedBy: v === 'budget' ? 'limit' : 'internal error', ms: now() - t0,
        outcomes: [{ status: v === 'budget' ? 'budget' : 'error', count: 1, threads: [], findings: [], schedule, problems: [formatDiagnostic(d)] }],
        violations: [], met: false, verdict: v,
        reasons: [v === 'budget' ? `the default schedule stopped at a limit, so the search would prove nothing: ${formatDiagnostic(d)}` : formatDiagnostic(d)],
        replay: schedule,
      }
      return { report, interrupted: false }
    }
  }
  let lastPrint = t0
  const every = io.progressMs ?? 1000
  const progress = (p: ExploreProgress): void => {
    const t = now()
    if (t - lastPrint < every) return
    lastPrint = t
    const s = (t - t0) / 1000
    io.err(`fdlab explore: ${p.runs} runs, ${p.steps} micro-steps, ${p.outcomes} outcomes, ${p.violations} findings, ${s.toFixed(1)} s (${Math.round(p.runs / s)} runs/s)`)
  }
  const job: Job = { sources, profile, variants, bound, maxRuns: opts.maxRuns }
  const { r, interrupted } = await runSearch(job, io, progress)
  if ('error' in r) return { error: r.error }
  const ms = now() - t0

  // Replay each outcome's shortest schedule through the lab runner and judge it.
  const replaySpec = (schedule: readonly number[]): RunSpec => ({ sources, profile, variants, schedule, trace: false })
  const outcomes: ReportedOutcome[] = []
  const sorted = [...r.outcomes].sort((a, b) => a.schedule.length - b.schedule.length)
  let witness: string | null = null
  let anyFails = false
  let anyShows = false
  let limited: string | null = null
  let internal: string | null = null
  const severityOf = new Map<string, string>()
  for (const o of sorted) {
    const spec = replaySpec(o.schedule)
    const run = runInstance(load(fe.program, spec), spec)
    for (const v of run.violations) severityOf.set(`${v.rule}: ${v.message}`, v.severity)
    const problems = judge(block, run)
    const schedule = formatSchedule(o.schedule)
    const v = o.status === 'budget' && run.status !== 'budget' ? 'budget' : verdict(run, problems)
    if (v === 'budget') { limited ??= schedule; problems.length || problems.push('the run stopped at a limit, so it shows nothing') }
    else if (v === 'error') internal ??= schedule
    else if (block.expect === 'pass') {
      if (problems.length) { anyFails = true; witness ??= schedule }
    } else if (!problems.length) { anyShows = true; witness ??= schedule }
    outcomes.push({ status: v === 'budget' ? 'budget' : o.status, count: o.count, threads: o.threads, findings: o.violations, schedule, problems })
  }
  // The schedule of the run that stopped at the limit (it replays to the limit), not another outcome's.
  if (r.limitHit && !limited) limited = formatSchedule(r.limitSchedule ?? sorted[0]?.schedule ?? [])
  const violations: ReportedFinding[] = r.violations.map((v) => ({
    rule: v.rule, severity: severityOf.get(`${v.rule}: ${v.message}`) ?? 'violation', message: v.message, count: v.count, schedule: formatSchedule(v.schedule),
  }))
  const reasons: string[] = []
  if (internal) reasons.push(`internal error: the engine failed on an interleaving (schedule ${internal}); this is a bug in fdlab, not in the lab`)
  if (limited) reasons.push(`an interleaving stopped at a limit${r.limitHit ? ` (${r.limitHit})` : ''}, so the search proves nothing (schedule ${limited})`)
  if (block.expect === 'pass' && anyFails) reasons.push('some interleaving fails the scenario (see the outcomes marked FAILS)')
  if (block.expect !== 'pass' && !anyShows) reasons.push(`no interleaving shows the expected ${block.expect}${block.rule ? ` (${block.rule})` : ''}`)
  if (!r.complete && !limited && !(block.expect !== 'pass' && anyShows)) reasons.push(`the search stopped (${r.stoppedBy}) after ${r.runs} runs without covering every interleaving`)
  const verdictOfSearch: Verdict = internal ? 'error' : limited ? 'budget' : reasons.length ? 'fail' : 'pass'
  const report: ExploreReport = {
    lab: path, scenario: name, profile, variants: Object.entries(variants).filter(([, v]) => v).map(([k]) => k), bound,
    expect: block.expect, rule: block.rule ?? null, runs: r.runs, steps: r.steps, complete: r.complete, stoppedBy: r.stoppedBy, ms,
    outcomes, violations, met: verdictOfSearch === 'pass', verdict: verdictOfSearch, reasons, replay: witness ?? limited ?? internal,
  }
  return { report, interrupted }
}

function quote(s: string): string {
  return /^[\w./@:,*+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`
}

export function formatReport(rep: ExploreReport): string[] {
  const out: string[] = []
  const v = rep.variants.length ? ` variants: ${rep.variants.join(', ')}` : ''
  out.push(`== ${rep.lab}: scenario ${rep.scenario} [${rep.profile}]${v}${rep.bound !== null ? ` bound ${rep.bound}` : ''}`)
  const rate = rep.ms > 0 ? `, ${Math.round((rep.runs * 1000) / rep.ms)} runs/s` : ''
  out.push(`explored ${rep.runs} interleaving${rep.runs === 1 ? '' : 's'} (${rep.steps} micro-steps) in ${(rep.ms / 1000).toFixed(2)} s${rate}: ${rep.complete ? 'complete' : `INCOMPLETE (${rep.stoppedBy})`}`)
  out.push(`outcomes: ${rep.outcomes.length}`)
  rep.outcomes.forEach((o, i) => {
    const mark = o.status === 'budget' ? '  STOPPED AT A LIMIT' : o.problems.length ? (rep.expect === 'pass' ? '  FAILS' : '') : rep.expect !== 'pass' ? `  shows ${rep.expect}` : ''
    out.push(`  #${i + 1} ${o.status}, reached by ${o.count} run${o.count === 1 ? '' : 's'}${mark}`)
    for (const t of o.threads) out.push(`     ${t.comm}/${t.tid}: ${t.results.join(' ') || '(no system calls)'}`)
    for (const f of o.findings) out.push(`     finding ${f}`)
    if (rep.expect === 'pass' || o.status === 'budget') for (const p of o.problems) out.push(`     ${p}`)
    out.push(`     schedule: ${o.schedule}`)
  })
  out.push(`findings: ${rep.violations.length}`)
  for (const f of rep.violations) {
    out.push(`  ${f.severity} ${f.rule}: ${f.message} (${f.count} run${f.count === 1 ? '' : 's'})`)
    out.push(`     shortest schedule: ${f.schedule}`)
  }
  const exp = `${rep.expect}${rep.rule ? ` (${rep.rule})` : ''}`
  const why = rep.verdict === 'budget' ? ' (budget: an interleaving stopped at a limit)' : rep.verdict === 'error' ? ' (internal error)' : ''
  out.push(`expectation ${exp}: ${rep.met ? 'met' : 'NOT met'}${rep.met && rep.expect === 'pass' ? ' in every interleaving' : why}`)
  for (const r of rep.reasons) out.push(`  ${r}`)
  if (rep.replay) out.push(`replay: fdlab run ${quote(rep.lab)} --scenario ${quote(rep.scenario)} --kernel ${rep.profile} --schedule ${rep.replay}`)
  return out
}

export async function exploreCommand(argv: readonly string[], io: ExploreIo): Promise<number> {
  const { opts, pos, error } = parseArgs(argv, ['json', 'help', 'h'])
  if (error) { io.err(`fdlab explore: ${error}\n\n${EXPLORE_HELP}`); return 2 }
  if (opts.has('help') || opts.has('h')) { io.out(EXPLORE_HELP); return 0 }
  const names = opts.get('scenario') ?? []
  if (pos.length !== 1 || names.length !== 1) { io.err(`fdlab explore: give one LAB and one --scenario NAME\n\n${EXPLORE_HELP}`); return 2 }
  const name = names[0]!
  let kernel: ProfileName | undefined
  const k = opts.get('kernel')?.at(-1)
  if (k !== undefined) {
    try { kernel = resolveProfileName(k) } catch (e) {
      if (e instanceof UnknownProfileError) { io.err(`fdlab explore: ${e.message}`); return 2 }
      throw e
    }
  }
  const num = (key: string): number | null | undefined => {
    const s = opts.get(key)?.at(-1)
    if (s === undefined) return undefined
    return /^\d+$/.test(s) ? Number(s) : null
  }
  const bound = num('bound')
  const maxRuns = num('max-runs')
  if (bound === null) { io.err('fdlab explore: --bound takes a number of preemptions (0, 1, 2...)'); return 2 }
  if (maxRuns === null || maxRuns === 0) { io.err('fdlab explore: --max-runs takes a positive number'); return 2 }
  const { files, errors } = labFiles(pos)
  for (const e of errors) io.err(`fdlab explore: ${e}`)
  if (errors.length) return 2
  for (const path of files) {
    const rt = readText(path, MAX_LAB_BYTES)
    if ('error' in rt) { io.err(rt.error.includes('error[') ? rt.error : `fdlab explore: ${rt.error}`); return 2 }
    const { lab, diagnostics } = parseLab(rt.text, path)
    const found = findBlock(lab, name)
    if (!found) continue
    const errs = diagnostics.filter((d) => d.severity === 'error')
    if (errs.length) { for (const d of sortDiagnostics(errs)) io.err(formatDiagnostic(d)); return 1 }
    const json = opts.has('json')
    let status = 0
    const reports: ExploreReport[] = []
    for (const profile of profilesOf(lab, found.block, { kernel })) {
      const r = await exploreBlock(lab, path, name, found.block, found.answer, profile, { bound: bound ?? null, maxRuns: maxRuns ?? undefined }, io)
      if ('error' in r) {
        // Diagnostics print as they are (one format); other errors say where they come from.
        if (/^\S+:\d+:\d+: (error|warning)\[/.test(r.error)) io.err(r.error)
        else io.err(`fdlab explore: ${path}: ${name} [${profile}]: ${r.error}`)
        return 1
      }
      reports.push(r.report)
      if (!json) for (const l of formatReport(r.report)) io.out(l)
      if (!r.report.met) status = 1
      if (r.interrupted) { status = 130; break }
    }
    if (json) io.out(JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2))
    return status
  }
  io.err(`fdlab explore: no scenario or EXERCISE/TEST named '${name}' in ${pos[0]}`)
  return 2
}

/** For main/cli/commands.ts. */
export const exploreCliCommand = {
  name: 'explore',
  summary: 'enumerate a scenario\'s interleavings (DPOR): every outcome and violation with its shortest schedule',
  run: (argv: readonly string[], io: CliIo) => exploreCommand(argv, io),
}
