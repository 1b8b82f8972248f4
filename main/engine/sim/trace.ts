/**
 * Trace events: what a run did, in order. Plain data (ids and primitives only), so a run can be
 * printed as strace and as ftrace's function_graph, diffed as a golden file and sent over IPC.
 */
export type TraceArg = number | string | boolean | null

export type TraceEvent =
  /** A kernel function was entered (kfunc). */
  | { readonly e: 'enter'; readonly seq: number; readonly step: number; readonly tid: number; readonly fn: string; readonly args: readonly TraceArg[] }
  /** A kernel function returned. */
  | { readonly e: 'exit'; readonly seq: number; readonly step: number; readonly tid: number; readonly fn: string; readonly ret: TraceArg }
  /** A system call entered from user space (strace's view). */
  | { readonly e: 'sys_enter'; readonly seq: number; readonly step: number; readonly tid: number; readonly name: string; readonly args: readonly TraceArg[] }
  /** A system call returned to user space: `ret` is the raw kernel value (negative errno). */
  | { readonly e: 'sys_exit'; readonly seq: number; readonly step: number; readonly tid: number; readonly name: string; readonly ret: number; readonly args: readonly TraceArg[] }
  /** State: a table slot changed. */
  | { readonly e: 'fd'; readonly seq: number; readonly step: number; readonly tid: number; readonly files: string; readonly fd: number; readonly from: string | null; readonly to: string | null }
  /** State: a bitmap bit or next_fd changed. */
  | { readonly e: 'bit'; readonly seq: number; readonly step: number; readonly tid: number; readonly files: string; readonly map: 'open_fds' | 'close_on_exec' | 'full_fds_bits' | 'next_fd' | 'max_fds'; readonly index: number; readonly value: number }
  /** State: a file's reference count (file_count view) changed. */
  | { readonly e: 'ref'; readonly seq: number; readonly step: number; readonly tid: number; readonly file: string; readonly from: number; readonly to: number; readonly raw: number }
  /** State: task work queued, run, or the list closed. */
  | { readonly e: 'task_work'; readonly seq: number; readonly step: number; readonly tid: number; readonly task: number; readonly op: 'add' | 'run' | 'exited' | 'fail' | 'cancel'; readonly fn: string; readonly obj: string | null }
  /** State: a lock was taken or released. */
  | { readonly e: 'lock'; readonly seq: number; readonly step: number; readonly tid: number; readonly lock: string; readonly op: 'acquire' | 'release' | 'block' }
  /** State: RCU reader sections, callbacks and grace periods. */
  | { readonly e: 'rcu'; readonly seq: number; readonly step: number; readonly tid: number; readonly op: 'read_lock' | 'read_unlock' | 'call_rcu' | 'gp_start' | 'gp_end' | 'callback'; readonly what: string }
  /** State: the delayed-fput list. */
  | { readonly e: 'delayed_fput'; readonly seq: number; readonly step: number; readonly tid: number; readonly op: 'add' | 'take'; readonly file: string | null }
  /** A task was created, exec'd, exited or blocked/woken. */
  | { readonly e: 'task'; readonly seq: number; readonly step: number; readonly tid: number; readonly op: 'spawn' | 'exit' | 'exec' | 'block' | 'wake' | 'reap'; readonly task: number; readonly detail: string }
  /** printk() output. */
  | { readonly e: 'printk'; readonly seq: number; readonly step: number; readonly tid: number; readonly text: string }
  /** SIM: a step the model traces but does not model as state (LSM, IMA, cdev, module refs...). */
  | { readonly e: 'note'; readonly seq: number; readonly step: number; readonly tid: number; readonly text: string }
  /** The sanitizer reported a finding (see Violation). */
  | { readonly e: 'violation'; readonly seq: number; readonly step: number; readonly tid: number; readonly rule: string; readonly severity: 'violation' | 'note'; readonly message: string }
  /** A user-space statement boundary (lab C) or label. */
  | { readonly e: 'user'; readonly seq: number; readonly step: number; readonly tid: number; readonly what: 'stmt' | 'label' | 'expect'; readonly text: string; readonly line: number; readonly col: number }

export type TraceEventKind = TraceEvent['e']

/** Events without the fields the sink fills in. */
type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never
export type TraceInput = DistributiveOmit<TraceEvent, 'seq' | 'step' | 'tid'>

/**
 * The trace sink. `on` turns every event off (the fast path for benchmarks and replays);
 * the sanitizer does not depend on it.
 */
export class TraceLog {
  on: boolean
  readonly events: TraceEvent[] = []
  private seq = 0
  /** Current micro-step and thread, maintained by the machine. */
  step = 0
  tid = 0
  /** Optional observer (for streaming output while a long run goes on). */
  listener: ((ev: TraceEvent) => void) | null = null

  constructor(on = true) {
    this.on = on
  }

  emit(ev: TraceInput): void {
    if (!this.on) return
    // The input is a fresh literal at every call site: complete it in place (no second object).
    const full = ev as { seq: number; step: number; tid: number } & TraceInput
    full.seq = this.seq++
    full.step = this.step
    full.tid = this.tid
    this.events.push(full as TraceEvent)
    if (this.listener) this.listener(full as TraceEvent)
  }

  get length(): number {
    return this.events.length
  }
}
