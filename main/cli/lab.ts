/**
 * `fdlab check`, `fdlab run` and `fdlab release`: lab files from the command line. A folder
 * (a course) works wherever a lab does: its course.yaml gives the order, else *.lab.md by name.
 */
import { perfettoTrace, mergeTraces, type PerfettoTrace } from '../engine/machine/perfetto'
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync, copyFileSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'
import { resolveProfileName, UnknownProfileError, type ProfileName } from '../engine'
import { formatDiagnostic, sortDiagnostics, type Diagnostic } from '../engine/lab/diagnostics'
import { parseLab, type Lab, type LabBlock } from '../engine/lab/labFile'
import { COURSE_INDEX, parseCourse } from '../engine/lab/course'
import { release } from '../engine/lab/release'
import { checkLab, runBlock, profilesOf, type BlockResult, type BlockRunOptions, type Explorer } from '../engine/lab/labRun'
import type { RunOutcome } from '../engine/lab/run'
import { formatFunctionGraph, formatStrace } from '../engine/machine/format'
import { formatSchedule, parseSchedule } from '../engine/lab/schedule'
import { labExplorer } from '../engine/lab/explore'
import { parseArgs, type CliIo } from './io'

export const CHECK_HELP = `usage: fdlab check [--kernel 6.5|6.18|mainline] [--trace] [--quiet] LAB|DIR...
Parses and type-checks each lab, runs every scenario under each of its kernel profiles, and runs
every exercise's tests against its solution. Prints each failure with its trace and schedule.
Exit status: 0 when everything passes, 1 on any failure, 2 on usage errors.`

export const RUN_HELP = `usage: fdlab run LAB|DIR [--scenario NAME]... [--trace] [--schedule S] [--kernel 6.5|6.18|mainline] [--perfetto FILE]
Runs scenarios (all of them, or each NAME; EXERCISE/TEST runs a test against the solution) and
prints the system calls strace-style; --trace adds the kernel paths function_graph-style.
--schedule replays thread choices: "v1:100*46,10,11" (as printed after a run) or a file holding them.
--perfetto FILE writes the runs as a Chrome/Perfetto trace (JSON trace events) for ui.perfetto.dev.
Exit status: 0 when every run meets its block's expectation, 1 otherwise.`

export const RELEASE_HELP = `usage: fdlab release LAB|DIR -o OUTDIR
Writes the student edition of each lab to OUTDIR: solutions and hidden blocks removed,
'edition: student' in the front matter. A course folder's course.yaml is copied too.`

/** The explorer for blocks marked `explore` (replaceable, e.g. with progress reporting). */
let explorer: Explorer | undefined = labExplorer()
export function setLabExplorer(e: Explorer | undefined): void {
  explorer = e
}

interface LoadedLab { readonly path: string; readonly lab: Lab; readonly diagnostics: readonly Diagnostic[] }

/** Expand LAB|DIR arguments into lab files (course order for folders). */
export function labFiles(paths: readonly string[]): { files: string[]; errors: string[] } {
  const files: string[] = []
  const errors: string[] = []
  for (const p of paths) {
    let st
    try { st = statSync(p) } catch { errors.push(`${p}: no such file or directory`); continue }
    if (!st.isDirectory()) { files.push(p); continue }
    const index = join(p, COURSE_INDEX)
    if (existsSync(index)) {
      const { course, diagnostics } = parseCourse(readFileSync(index, 'utf8'), index)
      for (const d of diagnostics) errors.push(formatDiagnostic(d))
      for (const e of course.labs) {
        const f = join(p, e.file)
        if (existsSync(f)) files.push(f)
        else errors.push(`${index}: lists ${e.file}, which does not exist`)
      }
    } else {
      const labs = readdirSync(p).filter((n) => n.endsWith('.lab.md')).sort()
      if (!labs.length) errors.push(`${p}: no *.lab.md files and no ${COURSE_INDEX}`)
      files.push(...labs.map((n) => join(p, n)))
    }
  }
  return { files, errors }
}

function loadLabs(paths: readonly string[], io: CliIo, cmd: string): LoadedLab[] | null {
  const { files, errors } = labFiles(paths)
  for (const e of errors) io.err(`fdlab ${cmd}: ${e}`)
  if (errors.length) return null
  const out: LoadedLab[] = []
  for (const f of files) {
    let text: string
    try { text = readFileSync(f, 'utf8') } catch (e) { io.err(`fdlab ${cmd}: cannot read ${f}: ${(e as Error).message}`); return null }
    const { lab, diagnostics } = parseLab(text, f)
    out.push({ path: f, lab, diagnostics })
  }
  return out
}

function kernelOpt(opts: Map<string, string[]>, io: CliIo, cmd: string): ProfileName | undefined | null {
  const k = opts.get('kernel')?.[0]
  if (k === undefined) return undefined
  try {
    return resolveProfileName(k)
  } catch (e) {
    if (e instanceof UnknownProfileError) { io.err(`fdlab ${cmd}: ${e.message}`); return null }
    throw e
  }
}

function printDiagnostics(ds: readonly Diagnostic[], io: CliIo): void {
  for (const d of sortDiagnostics(ds)) (d.severity === 'error' ? io.err : io.out)(formatDiagnostic(d))
}

function traceLines(o: RunOutcome, full: boolean): string[] {
  return full ? formatFunctionGraph(o.events) : formatStrace(o.events, { steps: true })
}

function printResult(r: BlockResult, io: CliIo, label: string, showTrace: boolean, verbose: boolean): void {
  const o = r.outcome
  const ex = r.explored ? ` [${r.explored.runs} interleavings${r.explored.complete ? '' : ', incomplete'}]` : r.note ? ` (${r.note})` : ''
  if (r.pass) {
    if (verbose) io.out(`ok    ${label} [${r.profile}] ${o.status}, ${o.steps} steps${ex}`)
    return
  }
  io.out(`FAIL  ${label} [${r.profile}] ${o.status}, ${o.steps} steps${ex}`)
  for (const reason of r.reasons) io.out(`      ${reason}`)
  printDiagnostics(o.diagnostics.filter((d) => d.severity === 'warning'), io)
  if (o.ran) {
    io.out('      trace:')
    for (const l of traceLines(o, showTrace)) io.out(`        ${l}`)
    io.out(`      schedule: ${formatSchedule(o.schedule)}`)
  }
}

export function checkCommand(argv: readonly string[], io: CliIo): number {
  const { opts, pos, error } = parseArgs(argv, ['trace', 'quiet', 'help'])
  if (error) { io.err(`fdlab check: ${error}`); return 2 }
  if (opts.has('help')) { io.out(CHECK_HELP); return 0 }
  if (!pos.length) { io.err(CHECK_HELP); return 2 }
  const kernel = kernelOpt(opts, io, 'check')
  if (kernel === null) return 2
  const labs = loadLabs(pos, io, 'check')
  if (!labs) return 2
  const quiet = opts.has('quiet')
  const runOpts: BlockRunOptions = { kernel, trace: true, explorer }
  let failed = 0
  let total = 0
  for (const { path, lab, diagnostics } of labs) {
    printDiagnostics(diagnostics, io)
    if (diagnostics.some((d) => d.severity === 'error')) { io.out(`FAIL  ${path}: the lab file has errors`); failed++; continue }
    const r = checkLab(lab, diagnostics, runOpts)
    for (const s of r.scenarios) {
      total++
      if (!s.pass) failed++
      printResult(s, io, `${path}: scenario ${s.block.name}`, opts.has('trace'), !quiet)
    }
    for (const e of r.exercises) {
      for (const p of e.problems) { io.out(`FAIL  ${path}: exercise ${e.exercise.id}: solution: ${p}`); failed++ }
      for (const t of e.tests) {
        total++
        if (!t.pass) failed++
        const name = e.exercise.kind === 'predict' ? `exercise ${e.exercise.id} (computes the answer)` : `exercise ${e.exercise.id} test ${t.block.testName}${t.hidden ? ' (hidden)' : ''}`
        printResult(t, io, `${path}: ${name}`, opts.has('trace'), !quiet)
      }
      if (e.exercise.kind === 'predict' && !e.problems.length && !quiet) io.out(`ok    ${path}: exercise ${e.exercise.id}: the answer ${[...e.expected.values()][0] ?? ''} matches the engine`)
    }
  }
  io.out(`${failed ? 'FAILED' : 'passed'}: ${total - Math.min(failed, total)} of ${total} runs passed in ${labs.length} lab${labs.length === 1 ? '' : 's'}`)
  return failed ? 1 : 0
}

function findBlocks(lab: Lab, names: readonly string[]): { blocks: { block: LabBlock; answer: LabBlock | null; label: string }[]; missing: string[] } {
  const blocks: { block: LabBlock; answer: LabBlock | null; label: string }[] = []
  const missing: string[] = []
  if (!names.length) for (const s of lab.scenarios) blocks.push({ block: s, answer: null, label: `scenario ${s.name}` })
  for (const n of names) {
    const s = lab.scenarios.find((x) => x.name === n)
    if (s) { blocks.push({ block: s, answer: null, label: `scenario ${n}` }); continue }
    const [exId, testName] = n.split('/')
    const ex = lab.exercises.find((e) => e.id === exId)
    const t = ex?.tests.find((x) => x.testName === testName)
    if (ex && t) blocks.push({ block: t, answer: ex.solution, label: `exercise ${exId} test ${testName}` })
    else missing.push(n)
  }
  return { blocks, missing }
}

export function runCommand(argv: readonly string[], io: CliIo): number {
  const { opts, pos, error } = parseArgs(argv, ['trace', 'help', 'quiet'])
  if (error) { io.err(`fdlab run: ${error}`); return 2 }
  if (opts.has('help')) { io.out(RUN_HELP); return 0 }
  if (!pos.length) { io.err(RUN_HELP); return 2 }
  const kernel = kernelOpt(opts, io, 'run')
  if (kernel === null) return 2
  let schedule: number[] | undefined
  const s = opts.get('schedule')?.[0]
  if (s !== undefined) {
    let text = s
    if (!/^(v\d+:)?[\d,*\s]*$/.test(s) && existsSync(s)) text = readFileSync(s, 'utf8')
    const r = parseSchedule(text)
    if (typeof r === 'string') { io.err(`fdlab run: --schedule: ${r}`); return 2 }
    schedule = r
  }
  const labs = loadLabs(pos, io, 'run')
  if (!labs) return 2
  const names = opts.get('scenario') ?? []
  let failed = 0
  let ran = 0
  const found = new Set<string>()
  const perfetto = opts.get('perfetto')?.[0]
  const traces: PerfettoTrace[] = []
  for (const { path, lab, diagnostics } of labs) {
    printDiagnostics(diagnostics, io)
    if (diagnostics.some((d) => d.severity === 'error')) { failed++; continue }
    const { blocks } = findBlocks(lab, names)
    for (const { block, answer, label } of blocks) {
      found.add(block.role === 'test' ? `${block.name}/${block.testName}` : block.name)
      for (const profile of profilesOf(lab, block, { kernel })) {
        ran++
        const src = answer ? { code: answer.code, file: lab.file, lineOffset: answer.fenceLine } : null
        const r = runBlock(lab, block, profile, { kernel, schedule, trace: true }, src)
        const o = r.outcome
        if (perfetto && o.ran) traces.push(perfettoTrace(o.events, o.machine?.threads.map((t) => ({ tid: t.tid, pid: t.task.tgid, comm: t.task.comm })) ?? [], {}, { idBase: traces.length * 100_000, label: `${label} [${profile}] ` }))
        io.out(`== ${path}: ${label} [${profile}]${block.title ? ` ${block.title}` : ''}`)
        printDiagnostics(o.diagnostics, io)
        if (o.ran) {
          for (const l of traceLines(o, opts.has('trace'))) io.out(l)
          if (o.output) io.out(`-- output --\n${o.output.replace(/\n$/, '')}`)
          for (const [k, v] of o.observations) io.out(`observe ${k} = ${v.map(String).join(', ')}`)
          for (const d of [...o.expectFailures, ...o.runtimeErrors]) io.out(formatDiagnostic(d))
          for (const v of o.violations) io.out(`${v.severity} ${v.rule} at step ${v.step} (thread ${v.tid}): ${v.message}`)
          io.out(`status: ${o.status}, ${o.steps} micro-steps; expectation ${block.expect}${block.rule ? ` (${block.rule})` : ''}: ${r.pass ? 'met' : 'NOT met'}`)
          for (const reason of r.reasons) io.out(`  ${reason}`)
          io.out(`schedule: ${formatSchedule(o.schedule)}`)
        }
        if (!r.pass) failed++
      }
    }
  }
  const missing = names.filter((n) => !found.has(n))
  for (const n of missing) io.err(`fdlab run: no scenario or EXERCISE/TEST named '${n}'`)
  if (missing.length) return 2
  if (!ran) { io.err('fdlab run: nothing to run (no scenarios)'); return 1 }
  if (perfetto) { writeFileSync(perfetto, JSON.stringify(mergeTraces(traces))); io.out(`perfetto: ${traces.length} run(s) written to ${perfetto}`) }
  return failed ? 1 : 0
}

export function releaseCommand(argv: readonly string[], io: CliIo): number {
  const { opts, pos, error } = parseArgs(argv, ['help'])
  if (error) { io.err(`fdlab release: ${error}`); return 2 }
  if (opts.has('help')) { io.out(RELEASE_HELP); return 0 }
  const out = opts.get('o')?.[0] ?? opts.get('output')?.[0]
  if (!pos.length || !out) { io.err(RELEASE_HELP); return 2 }
  const labs = loadLabs(pos, io, 'release')
  if (!labs) return 2
  let bad = 0
  for (const l of labs) {
    printDiagnostics(l.diagnostics, io)
    if (l.diagnostics.some((d) => d.severity === 'error')) { io.err(`fdlab release: ${l.path} has errors; not released`); bad++ }
  }
  if (bad) return 1
  const outDir = resolve(out)
  for (const l of labs) {
    if (resolve(l.path, '..') === outDir) { io.err(`fdlab release: refusing to overwrite ${l.path} (choose another output folder)`); return 2 }
  }
  mkdirSync(outDir, { recursive: true })
  const names = new Set<string>()
  for (const l of labs) {
    const name = basename(l.path)
    if (names.has(name)) { io.err(`fdlab release: two labs are named ${name}`); return 2 }
    names.add(name)
    writeFileSync(join(outDir, name), release(l.lab))
    const kept = l.lab.exercises.reduce((n, e) => n + e.tests.filter((t) => !t.hidden).length, 0)
    const dropped = l.lab.blocks.filter((b) => b.role === 'solution' || b.hidden).length
    io.out(`released ${l.path} -> ${join(outDir, name)} (${dropped} block${dropped === 1 ? '' : 's'} removed, ${kept} visible test${kept === 1 ? '' : 's'} kept)`)
  }
  for (const p of pos) {
    const idx = join(p, COURSE_INDEX)
    if (existsSync(idx) && statSync(p).isDirectory()) copyFileSync(idx, join(outDir, COURSE_INDEX))
  }
  return 0
}
