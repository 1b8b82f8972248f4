#!/usr/bin/env node
// `npm run bench`: the same fd work in the engine and, in the same run, in a small C program
// against the real kernel (gcc). Prints figures; the last line is `ratio engine/kernel: X` for the
// dup+close loop with tracing off. A benchmark prints figures; nothing here is a pass/fail test.
import { build } from 'esbuild'
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve, dirname } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const tmp = mkdtempSync(join(tmpdir(), 'fdlab-bench-'))
const iters = Number(process.env.BENCH_ITERS ?? 200000)
try {
  const out = join(tmp, 'engine.bench.mjs')
  await build({ entryPoints: [join(root, 'test/bench/engine.bench.ts')], outfile: out, bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' })
  const eng = spawnSync(process.execPath, [out, String(iters)], { encoding: 'utf8', maxBuffer: 1 << 26 })
  if (eng.status !== 0) { console.error(eng.stderr); process.exit(1) }
  const rows = eng.stdout.trim().split('\n').map((l) => JSON.parse(l))
  let kernel = null
  try {
    execFileSync('gcc', ['-O2', '-o', join(tmp, 'kernel'), join(root, 'test/bench/kernel.c')])
    kernel = JSON.parse(execFileSync(join(tmp, 'kernel'), [String(iters * 5)], { encoding: 'utf8' }).trim())
  } catch (e) {
    console.error(`kernel side unavailable (gcc?): ${e.message}`)
  }
  const fmt = (n) => Math.round(n).toLocaleString('en-US')
  for (const r of rows.filter((r) => r.kind === 'dupclose')) {
    console.log(`engine ${r.profile.padEnd(4)} dup+close, tracing ${r.trace ? 'on ' : 'off'}: ${fmt(r.opsPerSec)} syscalls/s (${fmt(r.ops)} syscalls, ${r.steps.toLocaleString('en-US')} micro-steps, ${r.ms.toFixed(0)} ms)`)
  }
  for (const r of rows.filter((r) => r.kind === 'dupclose-fast')) {
    console.log(`engine ${r.profile.padEnd(4)} dup+close, fast path, tracing ${r.trace ? 'on ' : 'off'}: ${fmt(r.opsPerSec)} syscalls/s (${fmt(r.ops)} syscalls, ${r.ms.toFixed(0)} ms)`)
  }
  for (const r of rows.filter((r) => r.kind === 'bigtable')) {
    console.log(`engine table of ${fmt(r.n)} fds: ${r.ms.toFixed(0)} ms, ${r.usPerDup.toFixed(2)} us per dup, max_fds ${fmt(r.maxFds)}`)
  }
  if (kernel) console.log(`kernel 6.18 dup+close: ${fmt(kernel.opsPerSec)} syscalls/s (${fmt(kernel.ops)} syscalls, ${kernel.ms.toFixed(0)} ms)`)
  const pick = (kind, trace) => rows.find((r) => r.kind === kind && r.trace === trace && r.profile === '6.18')
  if (kernel) {
    console.log(`ratio engine/kernel, stepped engine (every micro-step a scheduling point): ${(pick('dupclose', false).opsPerSec / kernel.opsPerSec).toFixed(3)} tracing off, ${(pick('dupclose', true).opsPerSec / kernel.opsPerSec).toFixed(3)} full tracing`)
    console.log(`ratio engine/kernel with full tracing: ${(pick('dupclose-fast', true).opsPerSec / kernel.opsPerSec).toFixed(3)}`)
    console.log(`ratio engine/kernel: ${(pick('dupclose-fast', false).opsPerSec / kernel.opsPerSec).toFixed(3)}`)
  }
} finally {
  rmSync(tmp, { recursive: true, force: true })
}
