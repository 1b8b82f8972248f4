#!/usr/bin/env node
// Where a stepped micro-step's time goes: the stepped dup+close loop of `npm run bench` taken
// apart in layers (fast path, full stepped engine, the thread driver alone without the scheduler,
// and the cost of the generator machinery with no kernel work). See test/bench/stepped.bench.ts.
//
//   BENCH_ROUNDS=N (default 7, at least 5)  BENCH_SCALE=F (loop sizes, default 1)
import { build } from 'esbuild'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const tmp = mkdtempSync(join(tmpdir(), 'fdlab-bench-stepped-'))
try {
  const out = join(tmp, 'stepped.bench.mjs')
  await build({ entryPoints: [join(root, 'test/bench/stepped.bench.ts')], outfile: out, bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' })
  const r = spawnSync(process.execPath, [out], { stdio: 'inherit' })
  process.exitCode = r.status ?? 1
} finally {
  rmSync(tmp, { recursive: true, force: true })
}
