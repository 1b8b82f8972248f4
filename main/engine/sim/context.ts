/**
 * What the simulator gives kernel code, knowing no kernel type: the scheduling point (`Sched`,
 * `KGen`), findings (`Violation`) and the simulator's services (`Sim`: profile, trace sink,
 * reports, id counters, overrides, printk). The kernel's own globals, and `Kernel` (the context
 * `k` every kernel function takes: those globals plus these services) are declared in
 * kernel/include/kernel.ts.
 */
import type { Profile } from './profile'
import type { TraceLog } from './trace'
import type { RuleId } from './rules'

/**
 * A scheduling point. Kernel code yields one of these *before* each access to shared state; the
 * scheduler may switch threads there. `obj` names the object accessed (for partial-order
 * reduction: two steps conflict when they touch the same object and one of them writes); '*'
 * conflicts with everything. `enabled`, when present, tells whether the thread can proceed
 * (a spinlock that is free, a wait queue that was woken).
 */
export interface Sched {
  readonly obj: string
  readonly w: boolean
  readonly what: string
  readonly enabled?: () => boolean
  /**
   * A system thread's wait point (rcu_gp_kthread, worker_thread, tick_handle_periodic): a thread
   * parked here is between works, so the machine is quiescent there (Machine.quiescent()).
   */
  readonly idle?: true
  /**
   * A one-point helper's code after its point (see SchedPoint): the thread driver runs it when
   * the thread is next scheduled, before the caller resumes.
   */
  readonly then?: () => void
}

/** A kernel path that can be suspended between micro-steps. */
export type KGen<R> = Generator<Sched, R, void>

/**
 * What a one-point helper returns: a helper whose only scheduling point is its first step and
 * that returns nothing (spin_lock, spin_unlock, mutex_lock, mutex_unlock, rcu_read_lock,
 * rcu_read_unlock). It does its work before the point, then returns the point with the rest of
 * its work as `then`; callers write `yield spin_lock(k, lock)`. The thread driver
 * (machine/drive.ts) runs `then` when the thread is next scheduled, before the caller resumes:
 * the same steps, in the same places, as a generator helper called by `yield*`, without a
 * generator per call. In the fast path (scripts/gen-fast.mjs) it is a plain function: `void`.
 */
export type SchedPoint = Sched

/** A sanitizer finding, as data. */
export interface Violation {
  readonly rule: RuleId
  readonly severity: 'violation' | 'note'
  readonly message: string
  readonly step: number
  readonly tid: number
  /** Ids of the objects involved. */
  readonly objects: readonly string[]
  /** Index in the trace of the event that reported it. */
  readonly traceIndex: number
}

/**
 * The simulator's services, as the context `k` carries them (kernel/include/kernel.ts `Kernel`
 * extends this with the kernel's globals). @K is the context type kernel functions take.
 */
/** What kernel code may ask of the machine that runs it (@K the kernel context, @T its task). */
export interface ThreadServices<K, T> {
  /** Start a schedulable thread for @task running @body (user programs start in user mode). */
  start(task: T, body: (k: K) => KGen<void>, kind: 'user' | 'kthread'): void
  /** SIGKILL @task: it exits at its next return to user mode (or at once if it is sleeping). */
  kill(task: T): void
}

/** A replay's oracle: what the log says about the call being replayed (@Kind: the kinds of object a call can create). */
export interface Oracle<Kind extends string = string> {
  /** The call's result in the log: >= 0, or a negative errno. */
  readonly ret: number
  /** The kind of object a successful open/creation produced (from -y decorations or the call). */
  readonly kind?: Kind
  /** Whether a successful open created the file (FMODE_CREATED); undefined when the log cannot tell. */
  readonly created?: boolean
}

/**
 * The simulator's services, which kernel code reaches through its context `k` (@K the kernel
 * context, @T its task, @O the replay oracle): the profile, the trace, the sanitizer's reports,
 * a lab's overrides, the replay oracle and the machine's threads. The kernel's own globals are
 * kernel/include/kernel.ts `Kernel`, which extends this.
 */
export interface Sim<K = unknown, T = unknown, O = unknown> {
  readonly profile: Profile
  readonly trace: TraceLog
  /** Id counters for display names. */
  readonly ids: Record<string, number>
  /** Sanitizer: report a finding (never throws). Rule ids come from sim/rules.ts `RULE`. */
  report(rule: RuleId, severity: 'violation' | 'note', message: string, objects?: readonly string[]): void
  readonly violations: Violation[]
  /**
   * Kernel functions a lab replaces by its own (an exercise implements binder_deferred_fd_close):
   * callers that support it look the name up here first.
   */
  readonly overrides: Map<string, (k: K, ...args: never[]) => KGen<unknown>>
  /** Console output of printk. */
  readonly printk: string[]
  /**
   * Replay oracle (strace replay only): outcomes the fd table does not decide, taken from the log
   * for the call being replayed. null in simulations.
   */
  oracle: O | null
  /** The machine's thread services, for fork/clone/exit/exec (machine/ implements them). */
  readonly threads: ThreadServices<K, T>
}

export function nextId(k: { readonly ids: Record<string, number> }, kind: string): string {
  const n = (k.ids[kind] ?? 0) + 1
  k.ids[kind] = n
  return `${kind}#${n}`
}
