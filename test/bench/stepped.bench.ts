/**
 * Where a stepped micro-step's time goes (`node scripts/bench-stepped.mjs`): the stepped dup+close
 * loop of `npm run bench` (6.18, tracing off) taken apart in layers, each in CPU time per syscall,
 * medians of interleaved rounds:
 *   fast path                 the same work as plain functions (the reference of `ratio stepped/fast`)
 *   stepped, m.run()          the full stepped engine: scheduler, schedule, thread driver, kernel code;
 *                             in both stepped forms: `generators` (the kernel source) and `compiled`
 *                             (main/engine/stepped/, resumable frames derived by scripts/gen-stepped.mjs,
 *                             what an untraced machine runs)
 *   stepped, thread only      the same program driven by the thread driver alone (no scheduler,
 *                             no schedule, no per-step bookkeeping), in both forms
 *   generator floor           a synthetic kernel path with the shape of dup (its kfunc calls, its
 *                             one-point helpers, its 10 scheduling points) doing no work at all: what
 *                             the generator machinery costs per syscall before any kernel work, with
 *                             plain `yield*` delegation and with trampolined calls
 *   resumable frames          the same shape with no generators (each function a resume function
 *                             over a frame object): the floor of the compiled form's machinery
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
function stepped(n: number, form: 'generators' | 'compiled'): number {
  const m = createMachine({ trace: false, profile: '6.18', form })
  m.spawnProcess({ comm: 'bench', program: program(n) as never })
  const r = m.run({ maxSteps: Number.MAX_SAFE_INTEGER })
  if (r.status !== 'done') throw new Error(r.status)
  stepsPerSyscall = r.steps / (n * 2)
  return n * 2
}

function threadOnly(n: number, form: 'generators' | 'compiled'): number {
  // Not a replay machine (a replay runs the generator form): system threads are never scheduled here.
  const m = createMachine({ trace: false, profile: '6.18', form })
  const task = m.createTask({ comm: 'bench' })
  m.k.current = task
  const f = frames(program(n)(userApi(m, { task, results: [], end: null }) as never))
  while (!f.next().done) { /* every micro-step, no scheduler */ }
  return n * 2
}

/**
 * The shape of sys_dup (6.18) with no work: kfunc calls, one-point helpers (the locks: a Sched
 * with its `then`, as spin_lock), 10 scheduling points.
 */
function shape(kf: <A extends unknown[], R>(name: string, body: (k: Kernel, ...a: A) => KGen<R>) => (k: Kernel, ...a: A) => KGen<R>) {
  const S: Sched = { obj: 'o', w: true, what: 'x' }
  const k = { trace: { on: false } } as unknown as Kernel
  const lock = (): Sched => ({ obj: 'o', w: true, what: 'x', then: () => { /* taken */ } })
  const fget_rcu = kf('fget_rcu', function* (): KGen<number> { yield S; yield S; return 1 })
  const fget_files = kf('fget_files', function* (kk: Kernel): KGen<number> { yield lock(); const f = yield* fget_rcu(kk); yield lock(); return f })
  const fget_raw = kf('fget_raw', function* (kk: Kernel): KGen<number> { return yield* fget_files(kk) })
  const alloc_fd = kf('alloc_fd', function* (): KGen<number> { yield lock(); yield S; yield lock(); return 3 })
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
  while (!g.next().done) { /* 10 scheduling points a syscall */ }
  return n
}

/**
 * The same shape without generators: each function a resume function over a frame of its own
 * (its program counter and locals), a call a pushed frame, as a compiled stepped form of the
 * kernel (a transform like gen-fast's, to resumable frames) could run it. What the machinery
 * would cost per syscall then: the measure of how far the stepped engine is from its limit.
 */
const resumable = (() => {
  const S: Sched = { obj: 'o', w: true, what: 'x' }
  const Next = { Call: 0, Yield: 1, Return: 2 } as const
  type Next = (typeof Next)[keyof typeof Next]
  type Fn = (f: Frame, input: number, d: Driver) => Next
  class Frame { pc = 0; a = 0; b = 0; constructor(readonly fn: Fn) {} }
  class Driver {
    readonly stack: Frame[]
    out: Sched | null = null
    ret = 0
    callee: Frame | null = null
    constructor(root: Frame) { this.stack = [root] }
    next(): Sched | null {
      const stack = this.stack
      let input = this.ret
      for (;;) {
        const top = stack[stack.length - 1]!
        const r = top.fn(top, input, this)
        if (r === Next.Yield) { this.ret = 0; return this.out }
        if (r === Next.Call) { stack.push(this.callee!); input = 0; continue }
        stack.pop()
        if (stack.length === 0) return null
        input = this.ret
      }
    }
  }
  const call = (d: Driver, fn: Fn): Next => { d.callee = new Frame(fn); return Next.Call }
  const yld = (d: Driver, s: Sched): Next => { d.out = s; return Next.Yield }
  const ret = (d: Driver, v: number): Next => { d.ret = v; return Next.Return }
  const lock: Fn = (f, _i, d) => (f.pc++ === 0 ? yld(d, { obj: 'o', w: true, what: 'x', then: () => { /* taken */ } }) : ret(d, 0))
  const fget_rcu: Fn = (f, _i, d) => (f.pc < 2 ? (f.pc++, yld(d, S)) : ret(d, 1))
  const fget_files: Fn = (f, i, d) => {
    switch (f.pc++) { case 0: return call(d, lock); case 1: return call(d, fget_rcu); case 2: f.a = i; return call(d, lock); default: return ret(d, f.a) }
  }
  const fget_raw: Fn = (f, i, d) => (f.pc++ === 0 ? call(d, fget_files) : ret(d, i))
  const alloc_fd: Fn = (f, _i, d) => {
    switch (f.pc++) { case 0: return call(d, lock); case 1: return yld(d, S); case 2: return call(d, lock); default: return ret(d, 3) }
  }
  const get_unused: Fn = (f, i, d) => (f.pc++ === 0 ? call(d, alloc_fd) : ret(d, i))
  const fd_install: Fn = (f, _i, d) => (f.pc < 2 ? (f.pc++, yld(d, S)) : ret(d, 0))
  const exit_loop: Fn = (_f, _i, d) => ret(d, 0)
  const sys_dup: Fn = (f, i, d) => {
    switch (f.pc++) { case 0: return call(d, fget_raw); case 1: f.a = i; return call(d, get_unused); case 2: f.b = i; return call(d, fd_install); default: return ret(d, f.a + f.b) }
  }
  const do_syscall: Fn = (f, i, d) => {
    switch (f.pc++) { case 0: return call(d, sys_dup); case 1: f.a = i; return call(d, exit_loop); default: return ret(d, f.a) }
  }
  const userSyscall: Fn = (f, i, d) => {
    switch (f.pc++) { case 0: return yld(d, S); case 1: return call(d, do_syscall); default: return ret(d, i) }
  }
  function run(n: number): number {
    const loop: Fn = (f, i, d) => {
      if (f.pc++ > 0) f.a += i
      return f.pc <= n ? call(d, userSyscall) : ret(d, f.a)
    }
    const d = new Driver(new Frame(loop))
    while (d.next() !== null) { /* 10 scheduling points a syscall */ }
    return n
  }
  return { run }
})()

const layers: [string, () => number][] = [
  ['fast path', () => cpuNs(() => fast(Math.round(200_000 * scale)))],
  ['stepped, m.run(), generators', () => cpuNs(() => stepped(Math.round(20_000 * scale), 'generators'))],
  ['stepped, thread only, generators', () => cpuNs(() => threadOnly(Math.round(20_000 * scale), 'generators'))],
  ['stepped, m.run(), compiled', () => cpuNs(() => stepped(Math.round(20_000 * scale), 'compiled'))],
  ['stepped, thread only, compiled', () => cpuNs(() => threadOnly(Math.round(20_000 * scale), 'compiled'))],
  ['generator floor, yield* delegation', () => cpuNs(() => floor(Math.round(100_000 * scale), false))],
  ['generator floor, trampolined calls', () => cpuNs(() => floor(Math.round(100_000 * scale), true))],
  ['the same floor as resumable frames', () => cpuNs(() => resumable.run(Math.round(100_000 * scale)))],
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
const [f, run, thread, crun, cthread] = [0, 1, 2, 3, 4].map((i) => median(results[i]!)) as [number, number, number, number, number]
console.log(`scheduler and bookkeeping: generators ${(run - thread).toFixed(0)} ns a syscall (${(((run - thread) / run) * 100).toFixed(0)}% of stepped), compiled ${(crun - cthread).toFixed(0)} ns (${(((crun - cthread) / crun) * 100).toFixed(0)}%)`)
console.log(`ratio stepped/fast (the issue's figure): generators ${(f / run).toFixed(3)}, compiled ${(f / crun).toFixed(3)}; the generator floor alone: ${(f / median(results[6]!)).toFixed(3)}; resumable frames alone: ${(f / median(results[7]!)).toFixed(3)}`)
