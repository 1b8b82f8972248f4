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

function dependent(a: Pending, b: Pending): boolean {
  if (a.tid === b.tid) return true
  // A thread's first step touches nothing shared.
  if (a.obj.startsWith('start:') || b.obj.startsWith('start:')) return false
  if (a.obj === '*' || b.obj === '*') return true
  // Grace periods ('rcu') read every task's read-side state ('rcu:PID').
  if ((a.obj === 'rcu' && b.obj.startsWith('rcu:')) || (b.obj === 'rcu' && a.obj.startsWith('rcu:'))) return true
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

interface Frame {
  /** Enabled threads at this state, and every thread's next step (enabled or not). */
  enabled: Pending[]
  next: Map<number, Pending>
  backtrack: Set<number>
  done: Set<number>
  /** The step taken from this state on the current path, its thread and vector clock. */
  step: Pending | null
  clock: Clock | null
  /** Per-thread clocks before the step. */
  threadClocks: Map<number, Clock>
  preempt: number
  last: number | null
}

/**
 * Dynamic partial-order reduction (Flanagan and Godefroid, POPL 2005), stateless: at each state
 * one thread is explored first; a backtracking point is added where the path shows two dependent
 * steps of different threads that are not ordered by happens-before (vector clocks). With `por:
 * false` every enabled thread is explored at every state (the naive enumeration).
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

  const visit = (m: Machine, threadClocks: Map<number, Clock>, preempt: number, last: number | null, sleep: Pending[]): void => {
    if (stop()) return
    const depth = prefix.length
    const en = m.enabled()
    if (en.length === 0 || depth >= maxSteps) {
      const live = m.threads.some((t) => !t.done && t.kind !== 'system')
      record(m, depth >= maxSteps && en.length ? 'budget' : live ? 'blocked' : 'done')
      return
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
        const cp = threadClocks.get(tid)!
        for (let i = depth - 1; i >= 0; i--) {
          const f = frames[i]!
          const s = f.step!
          if (s.tid === tid || !dependent(s, p)) continue
          if (i <= (cp.get(s.tid) ?? -1)) break // happens-before: ordered already
          if (f.enabled.some((q) => q.tid === tid)) { if (allowed(f, tid)) f.backtrack.add(tid) }
          else for (const q of f.enabled) if (allowed(f, q.tid)) f.backtrack.add(q.tid)
          break
        }
      }
    }

    const frame: Frame = { enabled, next, backtrack: new Set(), done: new Set(), step: null, clock: null, threadClocks, preempt, last }
    frames[depth] = frame
    const order = [...enabled].sort((a, b) => (a.tid === last ? -1 : b.tid === last ? 1 : a.tid - b.tid)).filter((p) => allowed(frame, p.tid))
    if (order.length === 0) { frames.length = depth; return }
    if (por) frame.backtrack.add(order[0]!.tid)
    else for (const p of order) frame.backtrack.add(p.tid)
    let first = true
    const explored: Pending[] = []
    const asleep = (t: number): boolean => por && sleep.some((z) => z.tid === t)
    for (;;) {
      if (stop()) break
      const tid = order.map((p) => p.tid).find((t) => frame.backtrack.has(t) && !frame.done.has(t) && !asleep(t))
        ?? [...frame.backtrack].find((t) => !frame.done.has(t) && !asleep(t) && enabled.some((p) => p.tid === t))
      if (tid === undefined) {
        // The first choice may be asleep: then try any awake enabled thread once (sleep sets).
        if (explored.length === 0 && por) {
          const awake = order.find((p) => !asleep(p.tid) && !frame.done.has(p.tid))
          if (awake) { frame.backtrack.add(awake.tid); continue }
        }
        break
      }
      frame.done.add(tid)
      const child = first ? m : replay()
      first = false
      const p = enabled.find((q) => q.tid === tid)!
      // Vector clock of this step: after its thread's previous steps and every dependent step.
      let c = new Map(threadClocks.get(tid)!)
      for (let i = 0; i < depth; i++) if (dependent(frames[i]!.step!, p)) c = join(c, frames[i]!.clock!)
      c.set(tid, depth)
      frame.step = p
      frame.clock = c
      const nextClocks = new Map(threadClocks)
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
      const lastEnabled = last !== null && enabled.some((q) => q.tid === last)
      const childSleep = por ? [...sleep, ...explored].filter((z) => !dependent(z, p)) : []
      visit(child, nextClocks, preempt + (lastEnabled && tid !== last ? 1 : 0), tid, childSleep)
      explored.push(p)
      prefix.pop()
    }
    frames.length = depth
  }

  visit(factory(), new Map(), 0, null, [])
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
