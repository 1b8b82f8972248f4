/**
 * `fdlab check`, `fdlab run` and `fdlab release`: lab files from the command line. A folder
 * (a course) works wherever a lab does: its course.yaml gives the order, else *.lab.md by name.
 */
import {
  perfettoTrace, mergeTraces, type PerfettoTrace, resolveProfileName, UnknownProfileError, type ProfileName,
  formatDiagnostic, sortDiagnostics, type Diagnostic, MAX_LAB_BYTES, parseLab, type Lab, type LabBlock,
  COURSE_INDEX, checkCourseLabs, parseCourse, release, checkLab, compileLab, judgeExercise, runBlock, profilesOf,
  skippedUnder, type BlockResult, type BlockRunOptions, type ExerciseResult, type Explorer, describeFinding,
  type RunOutcome, formatFunctionGraph, formatStrace, formatSchedule, parseSchedule, labExplorer,
} from '../engine'
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, lstatSync, writeFileSync, copyFileSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { parseArgs, readText, type CliIo } from './io'
import { DEFAULT_BUDGET, fixedFormVerdict, integrityApplies } from '../grading/grade'

export const CHECK_HELP = `usage: fdlab check [--kernel 6.5|6.18|mainline] [--trace] [--quiet] [--answer EXERCISE=FILE]... LAB|DIR...
Parses and type-checks each lab (every error of a file in one pass), runs every scenario under
each of its kernel profiles, and runs every exercise's tests against its solution. Prints each
failure with its trace and schedule, and warns when a starter already passes all its tests.
Each run ends pass, FAIL, BUDGET (it stopped at a limit: never a pass) or ERROR (it did not
compile, or fdlab failed). A block marked kernel=P is skipped, and said so, under another --kernel.
--answer EXERCISE=FILE judges FILE as the answer to EXERCISE instead, as grading does: every
test, hidden ones included, the grader's default budget, the provoke integrity check
(docs/grading.md §6), and the points.
Exit status: 0 when everything passes, 1 on any failure, 2 on usage errors or unreadable files,
3 on an internal error (a bug in fdlab). Limits and verdicts: docs/limits.md.`

export const RUN_HELP = `usage: fdlab run LAB|DIR [--scenario NAME]... [--trace] [--schedule S] [--kernel 6.5|6.18|mainline] [--perfetto FILE]
Runs scenarios (all of them, or each NAME; EXERCISE/TEST runs a test against the solution) and
prints the system calls strace-style; --trace adds the kernel paths function_graph-style.
--schedule replays thread choices: "v1:100*46,10,11" (as printed after a run) or a file holding them.
--perfetto FILE writes the runs as a Chrome/Perfetto trace (JSON trace events) for ui.perfetto.dev.
Exit status: 0 when every run meets its block's expectation, 1 otherwise (a run stopped at a
limit never does), 2 on usage errors, 3 on an internal error (a bug in fdlab).`

export const RELEASE_HELP = `usage: fdlab release LAB|DIR -o OUTDIR
Writes the student edition of each lab to OUTDIR: solutions and hidden blocks removed,
'edition: student' in the front matter, misconceptions of hidden tests removed. A course
folder's course.yaml and the data files a lab names (data/NAME) are copied too.`

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
      const ct = readText(index, MAX_LAB_BYTES)
      if ('error' in ct) { errors.push(ct.error); continue }
      const { course, diagnostics } = parseCourse(ct.text, index)
      for (const d of diagnostics) errors.push(formatDiagnostic(d))
      if (diagnostics.some((d) => d.severity === 'error')) continue
      for (const e of course.labs) {
        const f = join(p, e.file)
        if (existsSync(f)) files.push(f)
        else errors.push(formatDiagnostic({ file: index, line: e.line ?? 1, col: e.col ?? 1, severity: 'error', code: 'course', message: `lists ${e.file}, which does not exist` }))
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
  for (const e of errors) io.err(/^\S+:\d+:\d+: (error|warning)\[/.test(e) ? e : `fdlab ${cmd}: ${e}`)
  if (errors.length) return null
  const out: LoadedLab[] = []
  for (const f of files) {
    const r = readText(f, MAX_LAB_BYTES)
    if ('error' in r) { io.err(r.error.includes('error[') ? r.error : `fdlab ${cmd}: ${r.error}`); return null }
    const { lab, diagnostics } = parseLab(r.text, f)
    out.push({ path: f, lab, diagnostics })
  }
  // Two labs with one id (in a course, or given together) cannot be told apart by a grader.
  const dup = checkCourseLabs(out.map((l) => ({ file: l.path, id: l.lab.meta.id, source: l.lab.source })))
  return out.map((l) => ({ ...l, diagnostics: [...l.diagnostics, ...dup.filter((d) => d.file === l.path)] }))
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

function printResult(r: BlockResult, io: CliIo, label: string, showTrace: boolean, verbose: boolean, compileShown = false): void {
  const o = r.outcome
  const ex = r.explored ? ` [${r.explored.runs} interleavings${r.explored.complete ? '' : ', incomplete'}]` : r.note ? ` (${r.note})` : ''
  if (r.pass) {
    if (verbose) io.out(`ok    ${label} [${r.profile}] ${o.status}, ${o.steps} steps${ex}`)
    return
  }
  const tag = r.verdict === 'budget' ? 'BUDGET ' : r.verdict === 'error' ? 'ERROR ' : 'FAIL  '
  io.out(`${tag}${label} [${r.profile}] ${o.status}, ${o.steps} steps${ex}`)
  if (compileShown && !o.ran) {
    const n = o.diagnostics.filter((d) => d.severity === 'error').length
    io.out(`      the sources do not compile (${n} error${n === 1 ? '' : 's'}, listed above)`)
    return
  }
  for (const reason of r.reasons) io.out(`      ${reason}`)
  if (!compileShown) printDiagnostics(o.diagnostics.filter((d) => d.severity === 'warning'), io)
  if (o.ran) {
    io.out('      trace:')
    for (const l of traceLines(o, showTrace)) io.out(`        ${l}`)
    io.out(`      schedule: ${formatSchedule(o.schedule)}`)
  }
}

function printExercise(
  e: ExerciseResult, path: string, io: CliIo, showTrace: boolean, verbose: boolean, what: string, compileShown = false,
  at: { file: string; line: number } = { file: path, line: e.exercise.solution ? e.exercise.solution.fenceLine + 1 : e.exercise.header.fenceLine },
): { total: number; failed: number } {
  let total = 0
  let failed = 0
  // Problems of the answer itself, at the answer (the solution block, or the --answer file).
  for (const p of e.problems) {
    io.out(formatDiagnostic({ file: at.file, line: at.line, col: 1, severity: 'error', code: 'exercise', message: `exercise ${e.exercise.id}: ${what}: ${p}` }))
    failed++
  }
  for (const t of e.tests) {
    total++
    if (!t.pass) failed++
    const name = e.exercise.kind === 'predict' ? `exercise ${e.exercise.id} (computes the answer)` : `exercise ${e.exercise.id} test ${t.block.testName}${t.hidden ? ' (hidden)' : ''}`
    printResult(t, io, `${path}: ${name}`, showTrace, verbose, compileShown)
  }
  if (e.exercise.kind === 'predict' && !e.problems.length && verbose) io.out(`ok    ${path}: exercise ${e.exercise.id}: the answer ${[...e.expected.values()][0] ?? ''} matches the engine`)
  return { total, failed }
}

/** --answer EXERCISE=FILE: the answers to judge instead of the solutions. */
function answersOpt(opts: Map<string, string[]>, io: CliIo): Map<string, { text: string; file: string }> | null {
  const out = new Map<string, { text: string; file: string }>()
  for (const a of opts.get('answer') ?? []) {
    const eq = a.indexOf('=')
    if (eq <= 0) { io.err(`fdlab check: --answer takes EXERCISE=FILE, not '${a}'`); return null }
    const id = a.slice(0, eq)
    const file = a.slice(eq + 1)
    const r = readText(file, MAX_LAB_BYTES, 'answer')
    if ('error' in r) { io.err(r.error.includes('error[') ? r.error : `fdlab check: --answer ${id}: ${r.error}`); return null }
    out.set(id, { text: r.text, file })
  }
  return out
}

export function checkCommand(argv: readonly string[], io: CliIo): number {
  const { opts, pos, error } = parseArgs(argv, ['trace', 'quiet', 'help'])
  if (error) { io.err(`fdlab check: ${error}`); return 2 }
  if (opts.has('help')) { io.out(CHECK_HELP); return 0 }
  if (!pos.length) { io.err(CHECK_HELP); return 2 }
  const kernel = kernelOpt(opts, io, 'check')
  if (kernel === null) return 2
  const answers = answersOpt(opts, io)
  if (!answers) return 2
  const labs = loadLabs(pos, io, 'check')
  if (!labs) return 2
  const quiet = opts.has('quiet')
  const showTrace = opts.has('trace')
  const runOpts: BlockRunOptions = { kernel, trace: true, explorer }
  let failed = 0
  let total = 0
  if (answers.size) {
    // Judge the given answers as grading does: every test of the exercise, hidden ones included,
    // under the grader's default budget (docs/grading.md §2), which is tighter than check's.
    const answerOpts: BlockRunOptions = {
      kernel, trace: true, explorer: labExplorer({ maxRuns: DEFAULT_BUDGET.runs }),
      maxSteps: DEFAULT_BUDGET.steps, limits: { maxStatements: DEFAULT_BUDGET.statements },
    }
    let found = 0
    let points = 0
    let max = 0
    for (const { path, lab, diagnostics } of labs) {
      for (const [id, a] of answers) {
        const ex = lab.exercises.find((e) => e.id === id)
        if (!ex) continue
        found++
        printDiagnostics(diagnostics.filter((d) => d.severity === 'error'), io)
        if (diagnostics.some((d) => d.severity === 'error')) { io.out(`ERROR ${path}: the lab file has errors`); failed++; continue }
        const r = judgeExercise(lab, ex, a.text, answerOpts, { file: a.file, lineOffset: 0 })
        const c = printExercise(r, path, io, showTrace, !quiet, 'answer', false, { file: a.file, line: 1 })
        // A provoke answer's passing run must also not show the finding where the bug is fixed
        // (the grader's own check, docs/grading.md §6).
        let lost = 0
        for (const t of r.tests) {
          if (!t.pass || r.problems.length || !integrityApplies(lab, ex, t.block, t.profile)) continue
          const v = fixedFormVerdict(lab, ex, t.block, t.profile, a.text, a.file)
          if (!v.failed) continue
          io.out(`${v.budget ? 'BUDGET ' : 'FAIL  '}${path}: exercise ${ex.id} test ${t.block.testName}${t.hidden ? ' (hidden)' : ''} [${t.profile}] integrity`)
          io.out(`      ${v.message}`)
          lost++
        }
        total += c.total
        failed += c.failed + lost
        const got = lost ? Math.max(0, r.points - (r.maxPoints * lost) / r.tests.length) : r.points
        points += got
        max += r.maxPoints
        io.out(`score ${path}: exercise ${ex.id}: ${+got.toFixed(2)} of ${r.maxPoints} points`)
      }
    }
    const missing = [...answers.keys()].filter((id) => !labs.some((l) => l.lab.exercises.some((e) => e.id === id)))
    for (const id of missing) io.err(`fdlab check: --answer: no exercise '${id}' in ${pos.join(', ')}`)
    if (missing.length || !found) return 2
    io.out(`${failed ? 'FAILED' : 'passed'}: ${total - Math.min(failed, total)} of ${total} runs passed; ${+points.toFixed(2)} of ${max} points`)
    return failed ? 1 : 0
  }
  for (const { path, lab, diagnostics } of labs) {
    // Every problem of the file in one pass: the lab file's, then every block's lab C.
    const compiled = compileLab(lab, runOpts)
    const fileErrors = diagnostics.some((d) => d.severity === 'error')
    printDiagnostics([...diagnostics, ...compiled], io)
    if (fileErrors) { io.out(`ERROR ${path}: the lab file has errors`); failed++; continue }
    const r = checkLab(lab, diagnostics, runOpts)
    printDiagnostics(r.warnings, io)
    for (const b of [...lab.scenarios, ...lab.exercises.flatMap((e) => (e.kind === 'predict' ? [] : e.tests))]) {
      const why = skippedUnder(b, runOpts)
      if (why && !quiet) io.out(`skip  ${path}: ${b.role === 'test' ? `exercise ${b.name} test ${b.testName}` : `scenario ${b.name}`}: ${why}`)
    }
    for (const s of r.scenarios) {
      total++
      if (!s.pass) failed++
      printResult(s, io, `${path}: scenario ${s.block.name}`, showTrace, !quiet, true)
    }
    for (const e of r.exercises) {
      const c = printExercise(e, path, io, showTrace, !quiet, 'solution', true)
      total += c.total
      failed += c.failed
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
    if (!/^(v\d+:)?[\d,*\s]*$/.test(s) && existsSync(s)) {
      const r = readText(s, 64 << 20, 'schedule file')
      if ('error' in r) { io.err(`fdlab run: --schedule: ${r.error}`); return 2 }
      text = r.text
    }
    const r = parseSchedule(text)
    if (typeof r === 'string') { io.err(`fdlab run: --schedule: ${r}`); return 2 }
    schedule = r
  }
  const labs = loadLabs(pos, io, 'run')
  if (!labs) return 2
  const names = opts.get('scenario') ?? []
  let failed = 0
  let ran = 0
  let skipped = 0
  const found = new Set<string>()
  const perfetto = opts.get('perfetto')?.[0]
  const traces: PerfettoTrace[] = []
  for (const { path, lab, diagnostics } of labs) {
    printDiagnostics(diagnostics, io)
    if (diagnostics.some((d) => d.severity === 'error')) { failed++; continue }
    const { blocks } = findBlocks(lab, names)
    for (const { block, answer, label } of blocks) {
      found.add(block.role === 'test' ? `${block.name}/${block.testName}` : block.name)
      const why = skippedUnder(block, { kernel })
      if (why) { io.out(`== ${path}: ${label}: ${why}`); skipped++ }
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
          for (const v of o.violations) io.out(describeFinding(o, v))
          io.out(`status: ${o.status}, ${o.steps} micro-steps; expectation ${block.expect}${block.rule ? ` (${block.rule})` : ''}: ${r.pass ? 'met' : 'NOT met'} (verdict: ${r.verdict})`)
          for (const reason of r.reasons) io.out(`  ${reason}`)
          io.out(`schedule: ${formatSchedule(o.schedule)}`)
        } else io.out(`status: not run (the sources do not compile); expectation ${block.expect}: NOT met (verdict: ${r.verdict})`)
        if (!r.pass) failed++
      }
    }
  }
  const missing = names.filter((n) => !found.has(n))
  for (const n of missing) io.err(`fdlab run: no scenario or EXERCISE/TEST named '${n}'`)
  if (missing.length) return 2
  if (!ran) { io.err(skipped ? `fdlab run: nothing ran: every block asked for is marked for another kernel than --kernel ${kernel}` : 'fdlab run: nothing to run (no scenarios)'); return 1 }
  if (perfetto) { writeFileSync(perfetto, JSON.stringify(mergeTraces(traces))); io.out(`perfetto: ${traces.length} run(s) written to ${perfetto}`) }
  return failed ? 1 : 0
}

/** Relative paths under data/ that a lab's text names (no `..`, no absolute paths). */
export function dataFilesOf(source: string): string[] {
  const out = new Set<string>()
  for (const m of source.matchAll(/(?<![\w./-])(?:\.\/)?(data\/[A-Za-z0-9_][A-Za-z0-9_.-]*(?:\/[A-Za-z0-9_][A-Za-z0-9_.-]*)*)/g)) {
    const p = m[1]!.replace(/\.+$/, '')
    if (!p.split('/').some((seg) => seg === '..' || seg === '.')) out.add(p)
  }
  return [...out].sort()
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
    // Data files the lab names by a relative path (`data/pipeline.strace`) go with it.
    for (const rel of dataFilesOf(l.lab.source)) {
      const src = join(dirname(l.path), rel)
      if (!existsSync(src) || !lstatSync(src).isFile()) continue // a regular file, not a link out of the folder
      mkdirSync(dirname(join(outDir, rel)), { recursive: true })
      copyFileSync(src, join(outDir, rel))
      io.out(`copied ${src} -> ${join(outDir, rel)}`)
    }
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
