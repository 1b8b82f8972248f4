/**
 * Engine side of `npm run bench`: the same fd work as bench/kernel.c, in the model.
 * Prints JSON lines that scripts/bench.mjs turns into figures.
 */
import { createMachine } from '../../main/engine'
import { runFast } from '../../main/engine/machine/fast'

function dupClose(iterations: number, trace: boolean, profile: string): { ops: number; ms: number; steps: number } {
  const m = createMachine({ trace, profile })
  m.spawnProcess({ comm: 'bench', program: function* (u) {
    const fd = yield* u.sys('open', '/tmp/bench', 0o102, 0o644)
    for (let i = 0; i < iterations; i++) {
      const d = yield* u.sys('dup', fd)
      yield* u.sys('close', d)
    }
  } })
  const t0 = performance.now()
  const r = m.run({ maxSteps: Number.MAX_SAFE_INTEGER })
  const ms = performance.now() - t0
  if (r.status !== 'done') throw new Error(r.status)
  return { ops: iterations * 2, ms, steps: r.steps }
}

function dupCloseFast(iterations: number, trace: boolean, profile: string): { ops: number; ms: number; steps: number } {
  const m = createMachine({ trace, profile })
  const t0 = performance.now()
  runFast(m, { comm: 'bench', program: (sys) => {
    const fd = sys('open', '/tmp/bench', 0o102, 0o644)
    for (let i = 0; i < iterations; i++) sys('close', sys('dup', fd))
  } })
  m.run()
  return { ops: iterations * 2, ms: performance.now() - t0, steps: m.stepNo }
}

function bigTable(n: number): { n: number; ms: number; maxFds: number } {
  const m = createMachine({ trace: false, nofile: { cur: n + 16, max: n + 16 } })
  let max = 0
  m.spawnProcess({ comm: 'big', nofile: { cur: n + 16, max: n + 16 }, program: function* (u) {
    const fd = yield* u.sys('open', '/tmp/big', 0o102, 0o644)
    for (let i = 0; i < n; i++) yield* u.sys('dup', fd)
    max = u.task.files!.fdt.max_fds
  } })
  const t0 = performance.now()
  m.run({ maxSteps: Number.MAX_SAFE_INTEGER })
  return { n, ms: performance.now() - t0, maxFds: max }
}

const arg = Number(process.argv[2] ?? 200000)
dupClose(5000, false, '6.18') // warm up
for (const trace of [false, true]) {
  for (const profile of ['6.18', '6.5']) {
    const iters = trace ? Math.floor(arg / 4) : arg
    const r = dupClose(iters, trace, profile)
    console.log(JSON.stringify({ kind: 'dupclose', trace, profile, ...r, opsPerSec: (r.ops / r.ms) * 1000 }))
  }
}
dupCloseFast(5000, false, '6.18')
for (const trace of [false, true]) {
  for (const profile of ['6.18', '6.5']) {
    const iters = trace ? Math.floor(arg / 2) : arg * 4
    const r = dupCloseFast(iters, trace, profile)
    console.log(JSON.stringify({ kind: 'dupclose-fast', trace, profile, ...r, opsPerSec: (r.ops / r.ms) * 1000 }))
  }
}
for (const n of [10_000, 100_000, 1_000_000]) {
  const r = bigTable(n)
  console.log(JSON.stringify({ kind: 'bigtable', ...r, usPerDup: (r.ms * 1000) / n }))
}
