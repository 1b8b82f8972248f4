#!/usr/bin/env node
// `npm run bench`: the same fd work in the engine and in a small C program against the real
// kernel (gcc), in alternating rounds: engine, kernel, engine, kernel... (at least five each), so
// that a machine busy with other work slows both sides alike. Both sides are timed in CPU time of
// their own process (user + system, the kernel's work for the syscalls included), which other
// work on the machine moves far less than wall-clock time. Prints every round, then the
// median and spread (min-max) of each figure, then the ratios taken from the medians:
//   ratio traced/untraced: X   fast path, tracing on / off (6.18 profile)
//   ratio stepped/fast: X      stepped engine (every micro-step a scheduling point) / fast path, tracing off
//   ratio engine/kernel: X     fast path, tracing off / the kernel's dup+close (the last line)
// Before the counted rounds come warm-up rounds, printed and left out of the medians: the engine's
// loops reach their steady rate only after V8 has optimised them (the traced loop ran about 3x
// slower in its first round than from its fourth on, with deoptimisations in the first rounds),
// and the kernel's loop has no such start. The figures are the steady rates.
// A benchmark prints figures; nothing here is a pass/fail test.
//
//   BENCH_ROUNDS=N (default 5, at least 5)  BENCH_WARMUP=N (default 3)  BENCH_SCALE=F (loop sizes, default 1)
import { build } from 'esbuild'
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve, dirname } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const tmp = mkdtempSync(join(tmpdir(), 'fdlab-bench-'))
const rounds = Math.max(5, Number(process.env.BENCH_ROUNDS ?? 5))
const warmup = Math.max(0, Number(process.env.BENCH_WARMUP ?? 3))
const scale = Number(process.env.BENCH_SCALE ?? 1)
const kernelIters = Math.round(500_000 * scale)
const fmt = (n) => Math.round(n).toLocaleString('en-US')
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const h = s.length >> 1; return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2 }

let child = null
try {
  const out = join(tmp, 'engine.bench.mjs')
  await build({ entryPoints: [join(root, 'test/bench/engine.bench.ts')], outfile: out, bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' })
  let kernelBin = join(tmp, 'kernel')
  try {
    execFileSync('gcc', ['-O2', '-o', kernelBin, join(root, 'test/bench/kernel.c')])
  } catch (e) {
    console.error(`kernel side unavailable (gcc?): ${e.message}`)
    kernelBin = null
  }

  child = spawn(process.execPath, ['--expose-gc', out], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, BENCH_SCALE: String(scale) } })
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]()
  const nextLine = async () => {
    const r = await lines.next()
    if (r.done) throw new Error('the engine benchmark ended early')
    return JSON.parse(r.value)
  }
  const { setup } = await nextLine()

  console.log(`node ${process.version}, ${process.arch}; ${warmup} warm-up rounds (not counted), then ${rounds} rounds, engine and kernel alternating (BENCH_WARMUP, BENCH_ROUNDS, BENCH_SCALE=${scale}); rates per second of CPU time`)
  for (const b of setup.bigtable) console.log(`engine table of ${fmt(b.n)} fds: ${b.ms.toFixed(0)} ms, ${b.usPerDup.toFixed(2)} us per dup, max_fds ${fmt(b.maxFds)}`)

  const engineRounds = []
  const kernelRounds = []
  const short = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${(n / 1e3).toFixed(0)}k`)
  for (let i = 1 - warmup; i <= rounds; i++) {
    child.stdin.write('round\n')
    const e = await nextLine()
    let k = null
    if (kernelBin) k = JSON.parse(execFileSync(kernelBin, [String(kernelIters)], { encoding: 'utf8' }).trim()).opsPerSec
    if (i >= 1) {
      engineRounds.push(e)
      if (k !== null) kernelRounds.push(k)
    }
    const side = (p) => `fast ${short(e[`fast_${p}`])} traced ${short(e[`fastTraced_${p}`])} stepped ${short(e[`stepped_${p}`])} traced ${short(e[`steppedTraced_${p}`])}`
    const label = i >= 1 ? `round ${i}` : `warm-up ${i + warmup} (not counted)`
    console.log(`${label}: engine 6.18 ${side('6_18')} | 6.5 ${side('6_5')} | kernel ${k === null ? '-' : short(k)}  (dup+close syscalls/s)`)
  }
  child.stdin.write('quit\n')

  const figure = (label, xs) => {
    const m = median(xs)
    const lo = Math.min(...xs), hi = Math.max(...xs)
    console.log(`${label.padEnd(46)} median ${fmt(m).padStart(11)} syscalls/s, spread ${fmt(lo)}-${fmt(hi)} (${(((hi - lo) / m) * 100).toFixed(0)}% of the median)`)
    return m
  }
  const med = {}
  for (const [p, name] of [['6_18', '6.18'], ['6_5', '6.5']]) {
    med[`fast_${p}`] = figure(`engine ${name} fast path, tracing off`, engineRounds.map((r) => r[`fast_${p}`]))
    med[`fastTraced_${p}`] = figure(`engine ${name} fast path, full tracing`, engineRounds.map((r) => r[`fastTraced_${p}`]))
    med[`stepped_${p}`] = figure(`engine ${name} stepped, tracing off`, engineRounds.map((r) => r[`stepped_${p}`]))
    med[`steppedTraced_${p}`] = figure(`engine ${name} stepped, full tracing`, engineRounds.map((r) => r[`steppedTraced_${p}`]))
  }
  const kmed = kernelRounds.length ? figure('kernel dup+close (this machine)', kernelRounds) : null
  const r0 = engineRounds[0]
  const bpe = setup.bytesPerEvent
  console.log(`trace: ${r0.eventsPerOp_6_18.toFixed(1)} events per syscall (6.18); memory per event ${bpe.measured === null ? '?' : bpe.measured.toFixed(1)} bytes measured (heap and buffers after GC), ${bpe.held.toFixed(1)} bytes held by the compact log`)
  console.log(`micro-steps per syscall: ${r0.stepsPerOp_6_18.toFixed(1)} (6.18), ${r0.stepsPerOp_6_5.toFixed(1)} (6.5)`)
  console.log(`ratio traced/untraced, 6.5: ${(med.fastTraced_6_5 / med.fast_6_5).toFixed(3)}; ratio stepped/fast, 6.5: ${(med.stepped_6_5 / med.fast_6_5).toFixed(3)}`)
  console.log(`ratio stepped traced/fast traced: ${(med.steppedTraced_6_18 / med.fastTraced_6_18).toFixed(3)}`)
  console.log(`ratio traced/untraced: ${(med.fastTraced_6_18 / med.fast_6_18).toFixed(3)}`)
  console.log(`ratio stepped/fast: ${(med.stepped_6_18 / med.fast_6_18).toFixed(3)}`)
  if (kmed !== null) {
    console.log(`ratio engine/kernel, stepped engine: ${(med.stepped_6_18 / kmed).toFixed(3)}; with full tracing: ${(med.fastTraced_6_18 / kmed).toFixed(3)}`)
    console.log(`ratio engine/kernel: ${(med.fast_6_18 / kmed).toFixed(3)}`)
  }
} finally {
  if (child && child.exitCode === null) child.kill()
  rmSync(tmp, { recursive: true, force: true })
}
