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
 * The fields of each kind after `e`, in the order an event object lists them (`seq`, `step` and
 * `tid` follow). The compact log stores them in this order; `args` is an argument list.
 */
const FIELDS: { readonly [K in TraceEventKind]: readonly string[] } = {
  enter: ['fn', 'args'],
  exit: ['fn', 'ret'],
  sys_enter: ['name', 'args'],
  sys_exit: ['name', 'ret', 'args'],
  fd: ['files', 'fd', 'from', 'to'],
  bit: ['files', 'map', 'index', 'value'],
  ref: ['file', 'from', 'to', 'raw'],
  task_work: ['task', 'op', 'fn', 'obj'],
  lock: ['lock', 'op'],
  rcu: ['op', 'what'],
  delayed_fput: ['op', 'file'],
  task: ['op', 'task', 'detail'],
  printk: ['text'],
  note: ['text'],
  violation: ['rule', 'severity', 'message'],
  user: ['what', 'text', 'line', 'col'],
}
const KINDS = Object.keys(FIELDS) as TraceEventKind[]
const KIND_NO = new Map<string, number>(KINDS.map((k, i) => [k, i]))
const KIND_FIELDS: readonly (readonly string[])[] = KINDS.map((k) => FIELDS[k])

/** Value tags of the compact log. */
const ROWS = 4096, VALS = 16384
const T_NUM = 0, T_STR = 1, T_TRUE = 2, T_FALSE = 3, T_NULL = 4, T_UNDEF = 5, T_LIST = 6

/**
 * The trace sink. `on` turns every event off (the fast path for benchmarks and replays);
 * the sanitizer does not depend on it.
 *
 * The log is compact: one row per event in typed arrays (kind, step, thread, where its fields
 * start) and the fields in two more (a tag and a number each; strings are numbers in a string
 * table), appended in one place (`emit`). Event objects are built only when something reads them:
 * `at(i)` builds one, `kind(i)`/`stepAt(i)`/`tidAt(i)` read a column without building anything,
 * and `events` (kept for readers written against the array) builds the events not built before.
 */
export class TraceLog {
  on: boolean
  /** Current micro-step and thread, maintained by the machine. */
  step = 0
  tid = 0
  /** Optional observer (for streaming output while a long run goes on). */
  listener: ((ev: TraceEvent) => void) | null = null

  private n = 0
  /** `seq` of the first event held (the log may be cleared). */
  private base = 0
  // Rows in chunks of ROWS events, fields in chunks of VALS values: appending never copies.
  private kindChunks: Uint8Array[] = []
  private stepChunks: Float64Array[] = []
  private tidChunks: Int32Array[] = []
  private offChunks: Uint32Array[] = []
  private kinds = new Uint8Array(0)
  private steps = new Float64Array(0)
  private tids = new Int32Array(0)
  private offs = new Uint32Array(0)
  private row = ROWS
  private nv = 0
  private tagChunks: Uint8Array[] = []
  private valChunks: Float64Array[] = []
  private tags = new Uint8Array(0)
  private vals = new Float64Array(0)
  private col = VALS
  private readonly strings: string[] = []
  private readonly stringNo = new Map<string, number>()
  private built: TraceEvent[] = []

  constructor(on = true) {
    this.on = on
  }

  emit(ev: TraceInput): void {
    if (!this.on) return
    const kind = KIND_NO.get(ev.e)
    if (kind === undefined) throw new Error(`unknown trace event kind '${ev.e}'`)
    const i = this.n
    this.newRow(kind)
    // One case per kind: each reads its fields by name (FIELDS order), a site that sees one shape.
    switch (ev.e) {
      case 'enter': this.str(ev.fn); this.list(ev.args); break
      case 'exit': this.str(ev.fn); this.value(ev.ret); break
      case 'sys_enter': this.str(ev.name); this.list(ev.args); break
      case 'sys_exit': this.str(ev.name); this.put(T_NUM, ev.ret); this.list(ev.args); break
      case 'fd': this.str(ev.files); this.put(T_NUM, ev.fd); this.value(ev.from); this.value(ev.to); break
      case 'bit': this.str(ev.files); this.str(ev.map); this.put(T_NUM, ev.index); this.put(T_NUM, ev.value); break
      case 'ref': this.str(ev.file); this.put(T_NUM, ev.from); this.put(T_NUM, ev.to); this.put(T_NUM, ev.raw); break
      case 'task_work': this.put(T_NUM, ev.task); this.str(ev.op); this.value(ev.fn); this.value(ev.obj); break
      case 'lock': this.str(ev.lock); this.str(ev.op); break
      case 'rcu': this.str(ev.op); this.value(ev.what); break
      case 'delayed_fput': this.str(ev.op); this.value(ev.file); break
      case 'task': this.str(ev.op); this.put(T_NUM, ev.task); this.value(ev.detail); break
      case 'printk': case 'note': this.value(ev.text); break
      case 'violation': this.str(ev.rule); this.str(ev.severity); this.value(ev.message); break
      case 'user': this.str(ev.what); this.value(ev.text); this.value(ev.line); this.value(ev.col); break
    }
    this.n = i + 1
    if (this.listener) this.listener(this.at(i))
  }

  /** A kernel function's entry with its arguments `args[from..]`, converted by `conv` (no array built). */
  enter(fn: string, args: ArrayLike<unknown>, from: number, conv: (v: unknown) => TraceArg): void {
    if (!this.on) return
    const i = this.n
    this.newRow(0) // enter
    this.str(fn)
    const count = args.length - from
    this.put(T_LIST, count < 0 ? 0 : count)
    for (let a = from; a < args.length; a++) this.value(conv(args[a]))
    this.n = i + 1
    if (this.listener) this.listener(this.at(i))
  }

  /** A kernel function's return. */
  exit(fn: string, ret: TraceArg): void {
    if (!this.on) return
    const i = this.n
    this.newRow(1) // exit
    this.str(fn)
    this.value(ret)
    this.n = i + 1
    if (this.listener) this.listener(this.at(i))
  }

  private newRow(kind: number): void {
    if (this.row === ROWS) {
      this.kinds = new Uint8Array(ROWS); this.kindChunks.push(this.kinds)
      this.steps = new Float64Array(ROWS); this.stepChunks.push(this.steps)
      this.tids = new Int32Array(ROWS); this.tidChunks.push(this.tids)
      this.offs = new Uint32Array(ROWS); this.offChunks.push(this.offs)
      this.row = 0
    }
    const r = this.row++
    this.kinds[r] = kind
    this.steps[r] = this.step
    this.tids[r] = this.tid
    this.offs[r] = this.nv
  }

  private put(tag: number, v: number): void {
    if (this.col === VALS) {
      this.tags = new Uint8Array(VALS); this.tagChunks.push(this.tags)
      this.vals = new Float64Array(VALS); this.valChunks.push(this.vals)
      this.col = 0
    }
    const c = this.col++
    this.tags[c] = tag
    this.vals[c] = v
    this.nv++
  }

  private list(v: readonly unknown[]): void {
    this.put(T_LIST, v.length)
    for (let a = 0; a < v.length; a++) this.value(v[a])
  }

  private str(v: string): void {
    let no = this.stringNo.get(v)
    if (no === undefined) {
      no = this.strings.length
      this.strings.push(v)
      this.stringNo.set(v, no)
    }
    this.put(T_STR, no)
  }

  private value(v: unknown): void {
    switch (typeof v) {
      case 'number': this.put(T_NUM, v); return
      case 'string': this.str(v); return
      case 'boolean': this.put(v ? T_TRUE : T_FALSE, 0); return
      case 'undefined': this.put(T_UNDEF, 0); return
      default:
        if (v === null) this.put(T_NULL, 0)
        else this.str(String(v))
    }
  }

  private read(j: number): unknown {
    const v = this.valChunks[(j / VALS) | 0]![j % VALS]!
    switch (this.tagChunks[(j / VALS) | 0]![j % VALS]) {
      case T_NUM: return v
      case T_STR: return this.strings[v]!
      case T_TRUE: return true
      case T_FALSE: return false
      case T_NULL: return null
      default: return undefined
    }
  }

  private tagAt(j: number): number {
    return this.tagChunks[(j / VALS) | 0]![j % VALS]!
  }

  private offAt(i: number): number {
    return this.offChunks[(i / ROWS) | 0]![i % ROWS]!
  }

  /** Number of events held. */
  get length(): number {
    return this.n
  }

  /** The kind of event `i`, without building it. */
  kind(i: number): TraceEventKind {
    return KINDS[this.kindChunks[(i / ROWS) | 0]![i % ROWS]!]!
  }

  stepAt(i: number): number {
    return this.stepChunks[(i / ROWS) | 0]![i % ROWS]!
  }

  tidAt(i: number): number {
    return this.tidChunks[(i / ROWS) | 0]![i % ROWS]!
  }

  /** Event `i` as an object (built now; `events` keeps the ones it built). */
  at(i: number): TraceEvent {
    if (i < this.built.length) return this.built[i]!
    const kind = this.kindChunks[(i / ROWS) | 0]![i % ROWS]!
    const ev: Record<string, unknown> = { e: KINDS[kind] }
    const fields = KIND_FIELDS[kind]!
    let j = this.offAt(i)
    for (let f = 0; f < fields.length; f++) {
      if (this.tagAt(j) === T_LIST) {
        const len = this.valChunks[(j / VALS) | 0]![j % VALS]!
        j++
        const list = new Array<unknown>(len)
        for (let a = 0; a < len; a++) list[a] = this.read(j++)
        ev[fields[f]!] = list
      } else {
        const v = this.read(j++)
        if (v !== undefined) ev[fields[f]!] = v
      }
    }
    ev.seq = this.base + i
    ev.step = this.stepAt(i)
    ev.tid = this.tidAt(i)
    return ev as unknown as TraceEvent
  }

  /** Events `from` up to `to` (exclusive), built. */
  slice(from = 0, to = this.n): TraceEvent[] {
    const out: TraceEvent[] = []
    for (let i = Math.max(0, from); i < Math.min(to, this.n); i++) out.push(this.at(i))
    return out
  }

  /**
   * Every event as an object, for readers that want an array: the events not read this way
   * before are built now and kept (the array grows with the log).
   */
  get events(): readonly TraceEvent[] {
    for (let i = this.built.length; i < this.n; i++) this.built.push(this.at(i))
    return this.built
  }

  /** Drop every event held (their `seq` numbers are not reused). */
  clear(): void {
    this.base += this.n
    this.n = 0
    this.nv = 0
    this.kindChunks = []; this.stepChunks = []; this.tidChunks = []; this.offChunks = []
    this.tagChunks = []; this.valChunks = []
    this.row = ROWS
    this.col = VALS
    this.built = []
  }

  /** Bytes held by the compact log (rows, fields and the string table's characters). */
  get bytes(): number {
    let chars = 0
    for (const s of this.strings) chars += s.length
    return this.kindChunks.length * ROWS * (1 + 8 + 4 + 4) + this.valChunks.length * VALS * (1 + 8) + chars * 2
  }
}
