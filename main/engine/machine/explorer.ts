/**
 * The interleaving explorer: enumerate a scenario's schedules, report every distinct outcome and
 * every violation with the shortest schedule that reaches it.
 *
 * Stateless search (paused generators cannot be copied): every branch re-executes the scenario
 * from a fresh machine along its schedule prefix, as CHESS does.
 * Partial-order reduction: dynamic POR (Flanagan-Godefroid) with vector clocks. Two steps are
 * dependent when they access the same object and one writes, or either is global ('*': thread
 * creation, exit, sleeping on a condition). Preemption bounding (--bound N): at most N switches
 * away from a thread that could have continued.
 */
import type { Machine } from './Machine'
import type { Violation } from '../sim/context'

export interface ExploreOptions {
  /** Preemption bound (default: none). */
  bound?: number
  /** Partial-order reduction (default true). */
  por?: boolean
  /** Stop after this many complete runs (default 1,000,000). */
  maxRuns?: number
  /** Micro-steps per run before it counts as a runaway (default 100,000). */
  maxSteps?: number
  /** Called every `progressEvery` runs. */
  onProgress?: (p: ExploreProgress) => void
  progressEvery?: number
  /** Polled between runs: true stops the search (partial result). */
  shouldStop?: () => boolean
  /** Extra text for an outcome's key (e.g. lab-level expectation results). */
  outcomeKey?: (m: Machine) => string
}

export interface ExploreProgress { runs: number; outcomes: number; violations: number; steps: number }

export interface ThreadResult { tid: number; comm: string; results: string[] }

export interface Outcome {
  /** Canonical text of the final state: equal keys are the same outcome. */
  readonly key: string
  readonly status: 'done' | 'blocked' | 'budget' | 'error'
  readonly threads: readonly ThreadResult[]
  readonly violations: readonly string[]
  /** The shortest schedule that reaches it. */
  schedule: number[]
  count: number
}

export interface ViolationFinding {
  readonly rule: string
  readonly message: string
  schedule: number[]
  count: number
}

export interface ExploreResult {
  readonly runs: number
  readonly steps: number
  readonly complete: boolean
  readonly stoppedBy: 'done' | 'maxRuns' | 'stopped'
  readonly outcomes: Outcome[]
  readonly violations: ViolationFinding[]
}

interface Pending { tid: number; obj: string; w: boolean }

/**
 * Objects with parts: a step on `X` (the whole) conflicts with a step on any `X:part`; steps on
 * different parts do not. `rcu` is the callback queue with the read-side state of every task
 * (`call_rcu` records the readers present), `rcu:PID` one task's read-side state; `filp_cache`
 * the struct file cache with its allocation count, `filp_cache:nr_files` the count alone and
 * `filp_cache:free` the free list alone.
 */
const WHOLES = new Set(['rcu', 'filp_cache'])

function partOf(part: string, whole: string): boolean {
  return WHOLES.has(whole) && part.length > whole.length && part.charCodeAt(whole.length) === 58 /* : */ && part.startsWith(whole)
}

/** The whole that `obj` is a part of, or null. */
function wholeOf(obj: string): string | null {
  const i = obj.indexOf(':')
  if (i < 0) return null
  const w = obj.slice(0, i)
  return WHOLES.has(w) ? w : null
}

/**
 * `rcu.gp`: the rcu thread's step that invokes the first callback whose grace period is over. It
 * reads every task's read-side state (dependent with `rcu:PID`) but commutes with `call_rcu`
 * (`rcu`): whenever both can run, a callback is already due, the invocation takes it (the
 * oldest due), and `call_rcu` appends a newer one, in either order. (Only the display counter
 * of grace periods differs.)
 */
const RCU_GP = 'rcu.gp'

function dependent(a: Pending, b: Pending): boolean {
  if (a.tid === b.tid) return true
  // A thread's first step touches nothing shared.
  if (a.obj.startsWith('start:') || b.obj.startsWith('start:')) return false
  if (a.obj === '*' || b.obj === '*') return true
  if (partOf(a.obj, b.obj) || partOf(b.obj, a.obj)) return true
  if ((a.obj === RCU_GP && b.obj.startsWith('rcu:')) || (b.obj === RCU_GP && a.obj.startsWith('rcu:'))) return true
  return a.obj === b.obj && (a.w || b.w)
}

/** Normalise a violation message so the same finding under different steps is one finding. */
function violationKey(v: Violation): string {
  return `${v.rule}: ${v.message}`
}

function outcomeOf(m: Machine, status: Outcome['status'], extra = ''): Omit<Outcome, 'schedule' | 'count'> {
  const threads: ThreadResult[] = m.threads
    .filter((t) => t.kind !== 'system')
    .map((t) => ({ tid: t.tid, comm: t.task.comm, results: [...t.results.map((r) => `${r.name}=${r.ret}`), ...(t.done ? [] : [`blocked: ${t.pending?.what ?? '?'}`])] }))
  const violations = [...new Set(m.violations.map(violationKey))].sort()
  const key = JSON.stringify({ status, threads: threads.map((t) => [t.tid, t.results]), violations, ...(extra ? { extra } : {}) })
  return { key, status, threads, violations }
}

type Clock = Map<number, number>

function join(a: Clock, b: Clock): Clock {
  const c = new Map(a)
  for (const [k, v] of b) if ((c.get(k) ?? -1) < v) c.set(k, v)
  return c
}

type Undo = [Map<number, number>, number, number | undefined]

/**
 * Where each thread last did each kind of step on the current path (indices into the path), so
 * that "the last step of thread U dependent with P" is a lookup, not a walk back along the path
 * (a walk makes the search quadratic in the schedule's length). Updated when a step is taken and
 * undone when the search backtracks over it.
 */
class LastSteps {
  private readonly any = new Map<string, Map<number, number>>()
  private readonly write = new Map<string, Map<number, number>>()
  /** Last step on any part of each whole (`rcu:PID` for `rcu`...). */
  private readonly anyPart = new Map<string, Map<number, number>>()
  /** Last global ('*') step, last step that is not a thread start. */
  private readonly star = new Map<number, number>()
  private readonly nonStart = new Map<number, number>()
  readonly tids = new Set<number>()

  private static table(t: Map<string, Map<number, number>>, obj: string): Map<number, number> {
    let m = t.get(obj)
    if (!m) { m = new Map(); t.set(obj, m) }
    return m
  }

  private static set(map: Map<number, number>, tid: number, i: number, undo: Undo[]): void {
    undo.push([map, tid, map.get(tid)])
    map.set(tid, i)
  }

  /** Record step `p` at path index `i`; the changes are appended to `undo`. */
  apply(p: Pending, i: number, undo: Undo[]): void {
    this.tids.add(p.tid)
    if (p.obj.startsWith('start:')) return
    LastSteps.set(this.nonStart, p.tid, i, undo)
    if (p.obj === '*') { LastSteps.set(this.star, p.tid, i, undo); return }
    LastSteps.set(LastSteps.table(this.any, p.obj), p.tid, i, undo)
    if (p.w) LastSteps.set(LastSteps.table(this.write, p.obj), p.tid, i, undo)
    const whole = wholeOf(p.obj)
    if (whole !== null) LastSteps.set(LastSteps.table(this.anyPart, whole), p.tid, i, undo)
  }

  static revert(undo: Undo[]): void {
    for (let k = undo.length - 1; k >= 0; k--) {
      const [map, tid, prev] = undo[k]!
      if (prev === undefined) map.delete(tid)
      else map.set(tid, prev)
    }
    undo.length = 0
  }

  private static later(i: number, v: number | undefined): number {
    return v !== undefined && v > i ? v : i
  }

  /** Index of thread `u`'s last step on the path that is dependent with `p` (another thread's), or -1. */
  lastDependent(u: number, p: Pending): number {
    if (p.obj.startsWith('start:')) return -1
    if (p.obj === '*') return this.nonStart.get(u) ?? -1
    let i = this.star.get(u) ?? -1
    i = LastSteps.later(i, (p.w ? this.any : this.write).get(p.obj)?.get(u))
    if (WHOLES.has(p.obj)) i = LastSteps.later(i, this.anyPart.get(p.obj)?.get(u))
    const whole = wholeOf(p.obj)
    if (whole !== null) i = LastSteps.later(i, this.any.get(whole)?.get(u))
    if (p.obj === RCU_GP) i = LastSteps.later(i, this.anyPart.get('rcu')?.get(u))
    else if (whole === 'rcu') i = LastSteps.later(i, this.any.get(RCU_GP)?.get(u))
    return i
  }
}

interface Frame {
  /** The machine at this state, until its first child takes it over (later children replay). */
  m: Machine | null
  /** Enabled threads at this state, and every thread's next step (enabled or not). */
  enabled: Pending[]
  next: Map<number, Pending>
  backtrack: Set<number>
  done: Set<number>
  /** The step taken from this state on the current path, its vector clock, and its LastSteps changes. */
  step: Pending | null
  clock: Clock | null
  undo: Undo[]
  /** Per-thread clocks before the step. */
  threadClocks: Map<number, Clock>
  preempt: number
  last: number | null
  /** Threads in the order tried, the steps already explored from here, the sleep set on arrival. */
  order: Pending[]
  explored: Pending[]
  sleep: Pending[]
}

/**
 * Dynamic partial-order reduction (Flanagan and Godefroid, POPL 2005), stateless: at each state
 * one thread is explored first; a backtracking point is added where the path shows two dependent
 * steps of different threads that are not ordered by happens-before (vector clocks). With `por:
 * false` every enabled thread is explored at every state (the naive enumeration).
 *
 * The depth-first search keeps its own stack of frames (one per state on the current path): no
 * recursion, so a schedule of any length (a thread spinning until the step budget) explores
 * without touching the JavaScript stack's limit.
 */
export function explore(factory: () => Machine, opts: ExploreOptions = {}): ExploreResult {
  const por = opts.por ?? true
  const bound = opts.bound ?? Infinity
  const maxRuns = opts.maxRuns ?? 1_000_000
  const maxSteps = opts.maxSteps ?? 100_000
  const every = opts.progressEvery ?? 1000
  const outcomes = new Map<string, Outcome>()
  const findings = new Map<string, ViolationFinding>()
  let runs = 0
  let steps = 0
  let stoppedBy: ExploreResult['stoppedBy'] = 'done'
  const frames: Frame[] = []
  const prefix: number[] = []
  const lastSteps = new LastSteps()

  const replay = (): Machine => {
    const m = factory()
    for (const tid of prefix) m.step(tid)
    steps += prefix.length
    return m
  }

  const record = (m: Machine, status: Outcome['status'], error?: string): void => {
    runs++
    const o = outcomeOf(m, status, [error ? `error: ${error}` : '', opts.outcomeKey ? opts.outcomeKey(m) : ''].filter(Boolean).join('; '))
    const prev = outcomes.get(o.key)
    if (!prev) outcomes.set(o.key, { ...o, schedule: [...prefix], count: 1 })
    else {
      prev.count++
      if (prefix.length < prev.schedule.length) prev.schedule = [...prefix]
    }
    for (const v of m.violations) {
      const key = violationKey(v)
      const f = findings.get(key)
      if (!f) findings.set(key, { rule: v.rule, message: v.message, schedule: [...prefix], count: 1 })
      else {
        f.count++
        if (prefix.length < f.schedule.length) f.schedule = [...prefix]
      }
    }
    if (opts.onProgress && runs % every === 0) opts.onProgress({ runs, outcomes: outcomes.size, violations: findings.size, steps })
  }

  const stop = (): boolean => {
    if (stoppedBy !== 'done') return true
    if (runs >= maxRuns) { stoppedBy = 'maxRuns'; return true }
    if (opts.shouldStop && opts.shouldStop()) { stoppedBy = 'stopped'; return true }
    return false
  }

  const allowed = (f: Frame, tid: number): boolean => {
    const lastEnabled = f.last !== null && f.enabled.some((p) => p.tid === f.last)
    return !(lastEnabled && tid !== f.last && f.preempt >= bound)
  }

  /** Arrive at the state `m` (after `prefix`): record it if final, else push its frame. */
  const arrive = (m: Machine, threadClocks: Map<number, Clock>, preempt: number, last: number | null, sleep: Pending[]): boolean => {
    if (stop()) return false
    const depth = prefix.length
    const en = m.enabled()
    if (en.length === 0 || depth >= maxSteps) {
      const live = m.threads.some((t) => !t.done && t.kind !== 'system')
      record(m, depth >= maxSteps && en.length ? 'budget' : live ? 'blocked' : 'done')
      return false
    }
    const enabled: Pending[] = en.map((t) => ({ tid: t.tid, obj: t.pending!.obj, w: t.pending!.w }))
    const next = new Map<number, Pending>()
    for (const t of m.threads) if (!t.done && t.pending) next.set(t.tid, { tid: t.tid, obj: t.pending.obj, w: t.pending.w })
    // New threads inherit the clock of the step that created them.
    const prevClock = depth > 0 ? frames[depth - 1]!.clock! : new Map<number, number>()
    for (const tid of next.keys()) if (!threadClocks.has(tid)) threadClocks.set(tid, new Map(prevClock))

    if (por) {
      // Race detection: for each thread's next step, the last dependent step of another thread
      // that does not happen-before it gets a backtracking point.
      for (const [tid, p] of next) {
        let i = -1
        let by = -1
        for (const u of lastSteps.tids) {
          if (u === tid) continue
          const j = lastSteps.lastDependent(u, p)
          if (j > i) { i = j; by = u }
        }
        if (i < 0) continue
        if (i <= (threadClocks.get(tid)!.get(by) ?? -1)) continue // happens-before: ordered already
        const f = frames[i]!
        if (f.enabled.some((q) => q.tid === tid)) { if (allowed(f, tid)) f.backtrack.add(tid) }
        else for (const q of f.enabled) if (allowed(f, q.tid)) f.backtrack.add(q.tid)
      }
    }

    const frame: Frame = {
      m, enabled, next, backtrack: new Set(), done: new Set(), step: null, clock: null, undo: [], threadClocks, preempt, last,
      order: [], explored: [], sleep,
    }
    frame.order = [...enabled].sort((a, b) => (a.tid === last ? -1 : b.tid === last ? 1 : a.tid - b.tid)).filter((p) => allowed(frame, p.tid))
    if (frame.order.length === 0) return false
    if (por) frame.backtrack.add(frame.order[0]!.tid)
    else for (const p of frame.order) frame.backtrack.add(p.tid)
    frames.push(frame)
    return true
  }

  /** The next thread to try from `frame`, or undefined when it is finished. */
  const choose = (frame: Frame): number | undefined => {
    const asleep = (t: number): boolean => por && frame.sleep.some((z) => z.tid === t)
    for (;;) {
      const tid = frame.order.map((p) => p.tid).find((t) => frame.backtrack.has(t) && !frame.done.has(t) && !asleep(t))
        ?? [...frame.backtrack].find((t) => !frame.done.has(t) && !asleep(t) && frame.enabled.some((p) => p.tid === t))
      if (tid !== undefined) return tid
      // The first choice may be asleep: then try any awake enabled thread once (sleep sets).
      if (frame.explored.length === 0 && por) {
        const awake = frame.order.find((p) => !asleep(p.tid) && !frame.done.has(p.tid))
        if (awake) { frame.backtrack.add(awake.tid); continue }
      }
      return undefined
    }
  }

  arrive(factory(), new Map(), 0, null, [])
  while (frames.length > 0) {
    const depth = frames.length - 1
    const frame = frames[depth]!
    LastSteps.revert(frame.undo)
    const tid = stop() ? undefined : choose(frame)
    if (tid === undefined) {
      // Backtrack: this state is finished; its parent's step is explored.
      frames.pop()
      if (depth > 0) {
        const parent = frames[depth - 1]!
        parent.explored.push(parent.step!)
        prefix.pop()
      }
      continue
    }
    frame.done.add(tid)
    const child = frame.m ?? replay()
    frame.m = null
    const p = frame.enabled.find((q) => q.tid === tid)!
    // Vector clock of this step: after its thread's previous steps and every dependent step
    // (each thread's last dependent step suffices: a thread's clocks only grow).
    let c = new Map(frame.threadClocks.get(tid)!)
    for (const u of lastSteps.tids) {
      if (u === tid) continue
      const j = lastSteps.lastDependent(u, p)
      if (j >= 0) c = join(c, frames[j]!.clock!)
    }
    c.set(tid, depth)
    frame.step = p
    frame.clock = c
    lastSteps.apply(p, depth, frame.undo)
    const nextClocks = new Map(frame.threadClocks)
    nextClocks.set(tid, c)
    prefix.push(tid)
    try {
      child.step(tid)
    } catch (e) {
      // A crash in one interleaving is an outcome of its own; the search goes on.
      steps++
      record(child, 'error', (e as Error).message)
      prefix.pop()
      continue
    }
    steps++
    const last = frame.last
    const lastEnabled = last !== null && frame.enabled.some((q) => q.tid === last)
    const childSleep = por ? [...frame.sleep, ...frame.explored].filter((z) => !dependent(z, p)) : []
    if (!arrive(child, nextClocks, frame.preempt + (lastEnabled && tid !== last ? 1 : 0), tid, childSleep)) {
      frame.explored.push(p)
      prefix.pop()
    }
  }
  return {
    runs, steps, complete: stoppedBy === 'done', stoppedBy,
    outcomes: [...outcomes.values()].sort((a, b) => a.key.localeCompare(b.key)),
    violations: [...findings.values()].sort((a, b) => a.rule.localeCompare(b.rule) || a.message.localeCompare(b.message)),
  }
}

/** Schedules as text: `v1:100*3,101,100*2` (format version, then run-length thread ids). */
export function encodeSchedule(s: readonly number[]): string {
  const parts: string[] = []
  for (let i = 0; i < s.length;) {
    let j = i
    while (j < s.length && s[j] === s[i]) j++
    parts.push(j - i > 1 ? `${s[i]}*${j - i}` : String(s[i]))
    i = j
  }
  return `v1:${parts.join(',')}`
}

export function decodeSchedule(text: string): number[] | { error: string } {
  const m = /^v(\d+):(.*)$/.exec(text.trim())
  if (!m) return { error: 'a schedule starts with its format version, e.g. v1:100*3,101' }
  if (m[1] !== '1') return { error: `schedule format v${m[1]} is not supported (this fdlab writes v1)` }
  const out: number[] = []
  if (m[2] === '') return out
  for (const part of m[2]!.split(',')) {
    const pm = /^(\d+)(?:\*(\d+))?$/.exec(part.trim())
    if (!pm) return { error: `bad schedule element '${part}'` }
    const n = pm[2] ? Number(pm[2]) : 1
    if (n > 10_000_000) return { error: `schedule element '${part}' is too long` }
    for (let i = 0; i < n; i++) out.push(Number(pm[1]))
  }
  return out
}
