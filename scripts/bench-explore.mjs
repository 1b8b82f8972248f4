#!/usr/bin/env node
// Benchmark of the interleaving explorer on the race catalogue (labs/08-races.lab.md and the
// deferred-close labs): for each race, explores every interleaving (DPOR with sleep sets) and
// prints the runs (schedules), states (micro-steps executed) and their rates. Goal: each race
// explored exhaustively in under a second. The last line is `slowest race: N ms (M of T over 1 s)`
// (an incomplete exploration counts as over).
//
//   node scripts/bench-explore.mjs [--kernel 6.18|6.5|both] [--repeat N] [--max-runs N] [--only NAME] [--json]
//
// Timings are the explorer alone (the scenario compiled once, a fresh machine per run), the same
// search `fdlab explore` and `fdlab check` do, best of --repeat runs, in CPU time of this process
// (which other work on a shared machine moves far less than wall-clock time).
import { build } from 'esbuild'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve, dirname } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const argv = process.argv.slice(2)
const opt = (name, def) => {
  const i = argv.indexOf(`--${name}`)
  return i >= 0 ? argv[i + 1] : def
}
const kernelOpt = opt('kernel', '6.18')
const profiles = kernelOpt === 'both' ? ['6.18', '6.5'] : [kernelOpt]
const repeat = Number(opt('repeat', '3'))
const maxRuns = Number(opt('max-runs', '200000'))
const json = argv.includes('--json')
const only = opt('only', null)

// [lab file, scenario, form]
const RACES = [
  ['08-races.lab.md', 'close-vs-read', 'correct'],
  ['08-races.lab.md', 'close-vs-read-count-too-low', 'broken'],
  ['08-races.lab.md', 'close-vs-dup2', 'correct'],
  ['08-races.lab.md', 'dup2-vs-fget', 'correct'],
  ['08-races.lab.md', 'dup2-vs-raw-lookup', 'broken'],
  ['08-races.lab.md', 'ioctl-close-deferred', 'correct'],
  ['08-races.lab.md', 'ioctl-close-naive', 'broken'],
  ['08-races.lab.md', 'exec-keeps-locks', 'correct'],
  ['08-races.lab.md', 'exec-loses-locks', 'broken'],
  ['07-binder-deferred-close.lab.md', 'workqueue', 'broken'],
  ['07-binder-deferred-close.lab.md', 'deferred-close/racing-reader', 'correct'],
]

const dir = mkdtempSync(join(tmpdir(), 'fdlab-bench-explore-'))
try {
  const entry = join(dir, 'bench-entry.mjs')
  const src = (p) => JSON.stringify(join(root, p))
  await build({
    stdin: {
      contents: [
        `export { parseLab } from ${src('main/engine/lab/labFile.ts')}`,
        `export { blockSources } from ${src('main/engine/lab/labRun.ts')}`,
        `export { frontEnd } from ${src('main/engine/lab/labc/index.ts')}`,
        `export { load } from ${src('main/engine/lab/run.ts')}`,
        `export { explore } from ${src('main/engine/machine/explorer.ts')}`,
      ].join('\n'),
      resolveDir: root, loader: 'ts', sourcefile: 'bench-entry.ts',
    },
    bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: entry, logLevel: 'warning',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  })
  const { parseLab, blockSources, frontEnd, load, explore } = await import(pathToFileURL(entry).href)

  const labs = new Map()
  const lab = (f) => {
    if (!labs.has(f)) labs.set(f, parseLab(readFileSync(join(root, 'labs', f), 'utf8'), f).lab)
    return labs.get(f)
  }
  const rows = []
  if (!json) {
    console.log(`node ${process.version}, ${process.arch}; best of ${repeat}; ms of CPU time`)
    console.log(`${'race'.padEnd(44)} ${'form'.padEnd(8)} ${'kernel'.padEnd(6)} ${'runs'.padStart(7)} ${'states'.padStart(9)} ${'ms'.padStart(8)} ${'runs/s'.padStart(8)} ${'states/s'.padStart(10)}  findings`)
  }
  for (const profile of profiles) {
    for (const [file, name, form] of RACES) {
      if (only && !name.includes(only)) continue
      const l = lab(file)
      let block = l.scenarios.find((s) => s.name === name)
      let answer = null
      if (!block) {
        const [ex, test] = name.split('/')
        const e = l.exercises.find((x) => x.id === ex)
        block = e.tests.find((t) => t.testName === test)
        const uses = [...new Set([...(e.starter?.uses ?? []), ...block.uses])]
        block = { ...block, uses }
        answer = { code: e.solution.code, file, lineOffset: e.solution.fenceLine }
      }
      const sources = blockSources(l, block, answer)
      const fe = frontEnd(sources, profile)
      if (!fe.ok) { console.error(`${file} ${name} [${profile}]: does not compile`); process.exitCode = 1; continue }
      const spec = { sources, profile, variants: { ...l.meta.variants, ...(block.variants ?? {}) }, trace: false, limits: { containKernelErrors: true } }
      let best = null
      for (let i = 0; i < repeat; i++) {
        const t0 = process.cpuUsage()
        const r = explore(() => load(fe.program, spec).machine, { maxRuns })
        const u = process.cpuUsage(t0)
        const ms = (u.user + u.system) / 1000
        if (!best || ms < best.ms) best = { ms, r }
      }
      const { ms, r } = best
      const row = {
        race: `${file.replace('.lab.md', '')}:${name}`, form, kernel: profile, runs: r.runs, states: r.steps, complete: r.complete,
        ms: Math.round(ms * 10) / 10, runsPerSec: Math.round(r.runs / (ms / 1000)), statesPerSec: Math.round(r.steps / (ms / 1000)),
        findings: [...new Set(r.violations.map((v) => v.rule))],
      }
      rows.push(row)
      if (!json) {
        console.log(`${row.race.padEnd(44)} ${form.padEnd(8)} ${profile.padEnd(6)} ${String(row.runs).padStart(7)} ${String(row.states).padStart(9)} ${row.ms.toFixed(1).padStart(8)} ${String(row.runsPerSec).padStart(8)} ${String(row.statesPerSec).padStart(10)}  ${row.findings.join(',') || '-'}${row.complete ? '' : ' (INCOMPLETE)'}${ms > 1000 ? '  > 1 s' : ''}`)
      }
    }
  }
  if (json) console.log(JSON.stringify(rows, null, 2))
  else {
    const incomplete = rows.filter((r) => !r.complete)
    if (incomplete.length) console.log(`${incomplete.length} of ${rows.length} incomplete (stopped at --max-runs ${maxRuns})`)
    const slowest = rows.reduce((a, b) => (b.ms > a.ms ? b : a), rows[0] ?? { ms: 0 })
    const over = rows.filter((r) => r.ms > 1000 || !r.complete).length
    console.log(`slowest race: ${Math.round(slowest.ms)} ms (${over} of ${rows.length} over 1 s)`)
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
