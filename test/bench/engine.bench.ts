/**
 * Engine side of `npm run bench`: the same fd work as bench/kernel.c, in the model.
 *
 * Run by scripts/bench.mjs as a long-lived child: each line `round` on stdin runs one round of
 * every engine loop and answers with one JSON line, so the parent can alternate engine and kernel
 * rounds (a busy machine then moves both sides alike). `node engine.bench.mjs once` runs a single
 * round and exits.
 */
import { createMachine } from '../../main/engine/machine/Machine'
import { runFast } from '../../main/engine/machine/fast'
import { TraceLog } from '../../main/engine/sim/trace'

interface Loop { ops: number; ms: number; steps: number; events: number }

/**
 * Milliseconds of CPU time this process used since @from (user + system): on a machine shared
 * with other work, CPU time moves far less than wall-clock time.
 */
function cpuMs(from: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(from)
  return (u.user + u.system) / 1000
}

function dupClose(iterations: number, trace: boolean, profile: string): Loop {
  const m = createMachine({ trace, profile })
  m.spawnProcess({ comm: 'bench', program: function* (u) {
    const fd = yield* u.sys('open', '/tmp/bench', 0o102, 0o644)
    for (let i = 0; i < iterations; i++) {
      const d = yield* u.sys('dup', fd)
      yield* u.sys('close', d)
    }
  } })
  const t0 = process.cpuUsage()
  const r = m.run({ maxSteps: Number.MAX_SAFE_INTEGER })
  const events = m.k.trace.length
  // as a host drops a machine it will not read again (its trace's memory goes to the next one)
  m.dispose()
  const ms = cpuMs(t0)
  if (r.status !== 'done') throw new Error(r.status)
  return { ops: iterations * 2, ms, steps: r.steps, events }
}

function dupCloseFast(iterations: number, trace: boolean, profile: string): Loop {
  const m = createMachine({ trace, profile })
  const t0 = process.cpuUsage()
  runFast(m, { comm: 'bench', program: (sys) => {
    const fd = sys('open', '/tmp/bench', 0o102, 0o644)
    for (let i = 0; i < iterations; i++) sys('close', sys('dup', fd))
  } })
  m.run()
  const events = m.k.trace.length
  m.dispose()
  return { ops: iterations * 2, ms: cpuMs(t0), steps: m.stepNo, events }
}

function bigTable(n: number): { n: number; ms: number; maxFds: number } {
  const m = createMachine({ trace: false, nofile: { cur: n + 16, max: n + 16 } })
  let max = 0
  m.spawnProcess({ comm: 'big', nofile: { cur: n + 16, max: n + 16 }, program: function* (u) {
    const fd = yield* u.sys('open', '/tmp/big', 0o102, 0o644)
    for (let i = 0; i < n; i++) yield* u.sys('dup', fd)
    max = u.task.files!.fdt.max_fds
  } })
  const t0 = process.cpuUsage()
  m.run({ maxSteps: Number.MAX_SAFE_INTEGER })
  return { n, ms: cpuMs(t0), maxFds: max }
}

/**
 * Memory per trace event: a traced fast-path run kept alive, measured after a full GC (JS heap
 * plus typed-array buffers), and the compact log's own count of the bytes it holds.
 */
function bytesPerEvent(iterations: number): { measured: number | null; held: number } {
  const gc = (globalThis as { gc?: () => void }).gc
  const mem = (): number => { const u = process.memoryUsage(); return u.heapUsed + u.arrayBuffers }
  // the chunks earlier machines left would hold this run's events in memory counted before it
  TraceLog.dropPool()
  if (gc) gc()
  const before = mem()
  const m = createMachine({ trace: true, profile: '6.18' })
  runFast(m, { comm: 'bench', program: (sys) => {
    const fd = sys('open', '/tmp/bench', 0o102, 0o644)
    for (let i = 0; i < iterations; i++) sys('close', sys('dup', fd))
  } })
  m.run()
  if (gc) gc()
  const after = mem()
  const n = m.k.trace.length
  return { measured: gc && n ? (after - before) / n : null, held: m.k.trace.bytes / n }
}

const scale = Number(process.env.BENCH_SCALE ?? 1)
const rate = (r: Loop): number => (r.ops / r.ms) * 1000

function round(): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const profile of ['6.18', '6.5']) {
    const p = profile.replace('.', '_')
    const fastOff = dupCloseFast(Math.round(250_000 * scale), false, profile)
    const fastOn = dupCloseFast(Math.round(5_000 * scale), true, profile)
    const stepOff = dupClose(Math.round(25_000 * scale), false, profile)
    const stepOn = dupClose(Math.round(2_500 * scale), true, profile)
    out[`fast_${p}`] = rate(fastOff)
    out[`fastTraced_${p}`] = rate(fastOn)
    out[`stepped_${p}`] = rate(stepOff)
    out[`steppedTraced_${p}`] = rate(stepOn)
    out[`eventsPerOp_${p}`] = fastOn.events / fastOn.ops
    out[`stepsPerOp_${p}`] = stepOff.steps / stepOff.ops
  }
  return out
}

function setup(): Record<string, unknown> {
  // Warm up every loop once, then the one-off figures.
  for (const profile of ['6.18', '6.5']) {
    dupCloseFast(5000, false, profile); dupCloseFast(500, true, profile)
    dupClose(2000, false, profile); dupClose(200, true, profile)
  }
  const big = [10_000, 100_000, 1_000_000].map((n) => { const r = bigTable(n); return { ...r, usPerDup: (r.ms * 1000) / n } })
  return { bytesPerEvent: bytesPerEvent(20_000), bigtable: big }
}

if (process.argv[2] === 'once') {
  console.log(JSON.stringify({ setup: setup() }))
  console.log(JSON.stringify(round()))
} else {
  console.log(JSON.stringify({ setup: setup() }))
  let buf = ''
  process.stdin.setEncoding('utf8')
  process.stdin.on('data', (d: string) => {
    buf += d
    let i
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i).trim()
      buf = buf.slice(i + 1)
      if (line === 'round') console.log(JSON.stringify(round()))
      else if (line === 'quit') process.exit(0)
    }
  })
}
