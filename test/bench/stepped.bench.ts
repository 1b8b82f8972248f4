/**
 * Where a stepped micro-step's time goes (`node scripts/bench-stepped.mjs`): the stepped dup+close
 * loop of `npm run bench` (6.18, tracing off) taken apart in layers, each in CPU time per syscall,
 * medians of interleaved rounds:
 *   fast path                 the same work as plain functions (the reference of `ratio stepped/fast`)
 *   stepped, m.run()          the full stepped engine: scheduler, schedule, thread driver, kernel code
 *   stepped, thread only      the same program driven by the thread driver alone (no scheduler,
 *                             no schedule, no per-step bookkeeping): the kernel code as generators
 *   generator floor           a synthetic kernel path with the shape of dup (its kfunc calls, its
 *                             generator helpers, its 9 scheduling points) doing no work at all: what
 *                             the generator machinery costs per syscall before any kernel work, with
 *                             plain `yield*` delegation and with trampolined calls
 * A benchmark prints figures; nothing here is a pass/fail test.
 */
import { createMachine } from '../../main/engine/machine/Machine'
import { runFast } from '../../main/engine/machine/fast'
import { frames } from '../../main/engine/machine/drive'
import { userApi } from '../../main/engine/machine/user'
import { kfunc } from '../../main/engine/sim/kfunc'
import type { KGen, Sched } from '../../main/engine/sim/context'
import type { Kernel } from '../../main/engine/kernel/include/kernel'

const scale = Number(process.env.BENCH_SCALE ?? 1)
const rounds = Math.max(5, Number(process.env.BENCH_ROUNDS ?? 7))

function cpuNs(f: () => number): number {
  const t0 = process.cpuUsage()
  const ops = f()
  const u = process.cpuUsage(t0)
  return ((u.user + u.system) * 1000) / ops
}

function fast(n: number): number {
  const m = createMachine({ trace: false, profile: '6.18' })
  runFast(m, { comm: 'bench', program: (sys) => {
    const fd = sys('open', '/tmp/bench', 0o102, 0o644)
    for (let i = 0; i < n; i++) sys('close', sys('dup', fd))
  } })
  return n * 2
}

function program(n: number) {
  return function* (u: { sys: (name: string, ...a: (number | string)[]) => KGen<number> }): KGen<void> {
    const fd = yield* u.sys('open', '/tmp/bench', 0o102, 0o644)
    for (let i = 0; i < n; i++) {
      const d = yield* u.sys('dup', fd)
      yield* u.sys('close', d)
    }
  }
}

let stepsPerSyscall = 0
function stepped(n: number): number {
  const m = createMachine({ trace: false, profile: '6.18' })
  m.spawnProcess({ comm: 'bench', program: program(n) as never })
  const r = m.run({ maxSteps: Number.MAX_SAFE_INTEGER })
  if (r.status !== 'done') throw new Error(r.status)
  stepsPerSyscall = r.steps / (n * 2)
  return n * 2
}

function threadOnly(n: number): number {
  const m = createMachine({ trace: false, profile: '6.18', replay: true })
  const task = m.createTask({ comm: 'bench' })
  m.k.current = task
  const f = frames(program(n)(userApi(m, { task, results: [], end: null }) as never))
  while (!f.next().done) { /* every micro-step, no scheduler */ }
  return n * 2
}

/** The shape of sys_dup (6.18) with no work: kfunc calls, generator helpers, 9 scheduling points. */
function shape(kf: <A extends unknown[], R>(name: string, body: (k: Kernel, ...a: A) => KGen<R>) => (k: Kernel, ...a: A) => KGen<R>) {
  const S: Sched = { obj: 'o', w: true, what: 'x' }
  const k = { trace: { on: false } } as unknown as Kernel
  function* lock(): KGen<void> { yield S }
  const fget_rcu = kf('fget_rcu', function* (): KGen<number> { yield S; yield S; return 1 })
  const fget_files = kf('fget_files', function* (kk: Kernel): KGen<number> { yield* lock(); const f = yield* fget_rcu(kk); yield* lock(); return f })
  const fget_raw = kf('fget_raw', function* (kk: Kernel): KGen<number> { return yield* fget_files(kk) })
  const alloc_fd = kf('alloc_fd', function* (): KGen<number> { yield* lock(); yield S; yield* lock(); return 3 })
  const get_unused = kf('get_unused', function* (kk: Kernel): KGen<number> { return yield* alloc_fd(kk) })
  const fd_install = kf('fd_install', function* (): KGen<void> { yield S; yield S })
  const exit_loop = kf('exit_loop', function* (): KGen<void> { /* no work pending */ })
  const sys_dup = kf('sys_dup', function* (kk: Kernel): KGen<number> { const f = yield* fget_raw(kk); const fd = yield* get_unused(kk); yield* fd_install(kk); return fd + f })
  function* do_syscall(body: () => KGen<number>): KGen<number> { const r = yield* body(); yield* exit_loop(k); return r }
  function* userSyscall(): KGen<number> { yield S; return yield* do_syscall(() => sys_dup(k)) }
  return function* (n: number): KGen<number> { let s = 0; for (let i = 0; i < n; i++) s += yield* userSyscall(); return s }
}
const plainKf = <A extends unknown[], R>(_name: string, body: (k: Kernel, ...a: A) => KGen<R>) => body
const floorPlain = shape(plainKf)
const floorTrampolined = shape(kfunc)
function floor(n: number, trampolined: boolean): number {
  const g = trampolined ? frames(floorTrampolined(n)) : floorPlain(n)
  while (!g.next().done) { /* 9 scheduling points a syscall */ }
  return n
}

const layers: [string, () => number][] = [
  ['fast path', () => cpuNs(() => fast(Math.round(200_000 * scale)))],
  ['stepped, m.run()', () => cpuNs(() => stepped(Math.round(20_000 * scale)))],
  ['stepped, thread only (no scheduler)', () => cpuNs(() => threadOnly(Math.round(20_000 * scale)))],
  ['generator floor, yield* delegation', () => cpuNs(() => floor(Math.round(100_000 * scale), false))],
  ['generator floor, trampolined calls', () => cpuNs(() => floor(Math.round(100_000 * scale), true))],
]
for (const [, f] of layers) f() // warm up
const results = layers.map(() => [] as number[])
for (let r = 0; r < rounds; r++) layers.forEach(([, f], i) => results[i]!.push(f()))
const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]! }
console.log(`node ${process.version}; ${rounds} interleaved rounds; CPU ns per dup/close syscall, median (min-max); ${stepsPerSyscall.toFixed(1)} micro-steps per syscall`)
layers.forEach(([name], i) => {
  const xs = results[i]!
  console.log(`${name.padEnd(38)} ${median(xs).toFixed(0).padStart(6)} ns  (${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)})`)
})
const [f, run, thread] = [median(results[0]!), median(results[1]!), median(results[2]!)]
console.log(`scheduler and bookkeeping: ${(run - thread).toFixed(0)} ns a syscall (${(((run - thread) / run) * 100).toFixed(0)}% of stepped)`)
console.log(`ratio stepped/fast: ${(f / run).toFixed(3)}; the same with the generator floor alone: ${(f / median(results[4]!)).toFixed(3)}`)
