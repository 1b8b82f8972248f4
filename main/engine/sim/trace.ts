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
const KIND_FIELDS: readonly (readonly string[])[] = KINDS.map((k) => FIELDS[k])
/** Row kind numbers: the kinds' index in FIELDS (checked below). */
const K_ENTER = 0, K_EXIT = 1, K_SYS_ENTER = 2, K_SYS_EXIT = 3, K_FD = 4, K_BIT = 5, K_REF = 6, K_TASK_WORK = 7
const K_LOCK = 8, K_RCU = 9, K_DELAYED_FPUT = 10, K_TASK = 11, K_PRINTK = 12, K_NOTE = 13, K_VIOLATION = 14, K_USER = 15
if (KINDS.join() !== 'enter,exit,sys_enter,sys_exit,fd,bit,ref,task_work,lock,rcu,delayed_fput,task,printk,note,violation,user') {
  throw new Error('trace: the row kind numbers do not match FIELDS')
}

/** Rows per row chunk, values per value chunk. */
const ROWS = 4096, VALS = 16384
/**
 * Value tags. A value is a tag and an int32: T_NUM the number itself, T_F64 the index of a number
 * that is not an int32 in `doubles`, T_STR a string's number in the string table, T_LIST the
 * length of the list whose values follow.
 */
const T_NUM = 0, T_STR = 1, T_TRUE = 2, T_FALSE = 3, T_NULL = 4, T_UNDEF = 5, T_LIST = 6, T_F64 = 7
/**
 * A row's thread and step are int32s (the thread shares its word with the kind: tid << 8 | kind);
 * one out of that range is stored as these markers and kept in a map by event index.
 */
const TID_WIDE = -(2 ** 23), STEP_WIDE = -(2 ** 31)
/**
 * Slots of the string cache (see strAt): a writer that sees the same string again and again at one
 * place (a field of one kind, an argument of one kernel function) finds its number there without a
 * lookup in the string table. Slots below FIELD_SLOTS are the emit fields' (0-15 one each, 16-43
 * four each: see enumAt), the rest are hashed from (function name, argument) by enterNo/exitNo.
 */
const SLOTS = 1024, SLOT_MASK = SLOTS - 1, FIELD_SLOTS = 64
/** What an unused cache slot holds: a string (so the comparison sees strings only), with its real number. */
const UNUSED_SLOT = '\u0000'

/**
 * The trace sink. `on` turns every event off (the fast path for benchmarks and replays);
 * the sanitizer does not depend on it.
 *
 * The log is compact: one row per event in typed arrays (kind and thread, step, where its fields
 * start: 12 bytes) and the fields in two more (a tag and an int32 each: 5 bytes; strings are
 * numbers in a string table, other numbers than int32s are kept aside), appended in one place
 * (`emit`, and `enterNo`/`exitNo` for kernel functions). Event objects are built only when
 * something reads them: `at(i)` builds one, `kind(i)`/`stepAt(i)`/`tidAt(i)` read a column without
 * building anything, and `events` (kept for readers written against the array) builds the events
 * not built before.
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
  private headChunks: Int32Array[] = []
  private stepChunks: Int32Array[] = []
  private offChunks: Uint32Array[] = []
  private heads = new Int32Array(0)
  private steps = new Int32Array(0)
  private offs = new Uint32Array(0)
  private row = ROWS
  private tagChunks: Uint8Array[] = []
  private valChunks: Int32Array[] = []
  private tags = new Uint8Array(0)
  private vals = new Int32Array(0)
  private col = VALS
  /** Index of the current value chunk's first value. */
  private valBase = -VALS
  private doubles: number[] = []
  private wideTids: Map<number, number> | null = null
  private wideSteps: Map<number, number> | null = null
  private readonly strings: string[] = []
  private readonly stringNo = new Map<string, number>()
  private built: TraceEvent[] = []
  // The string cache (allocated with the first chunk): slot -> string last written there, its number.
  private cacheStr: string[] = []
  private cacheNo = new Int32Array(0)

  constructor(on = true) {
    this.on = on
  }

  emit(ev: TraceInput): void {
    if (!this.on) return
    const i = this.n
    // One case per kind (the common ones first): each reads its fields by name (FIELDS order), a
    // site that sees one shape.
    switch (ev.e) {
      case 'enter': this.newRow(K_ENTER); this.enumAt(ev.fn, 36); this.list(ev.args); break
      case 'exit': this.newRow(K_EXIT); this.enumAt(ev.fn, 40); this.value(ev.ret); break
      case 'bit': this.newRow(K_BIT); this.strAt(ev.files, 2); this.enumAt(ev.map, 16); this.num(ev.index); this.num(ev.value); break
      case 'lock': this.newRow(K_LOCK); this.strAt(ev.lock, 4); this.enumAt(ev.op, 20); break
      case 'rcu': this.newRow(K_RCU); this.enumAt(ev.op, 24); this.valueAt(ev.what, 12); break
      case 'ref': this.newRow(K_REF); this.strAt(ev.file, 7); this.num(ev.from); this.num(ev.to); this.num(ev.raw); break
      case 'fd': this.newRow(K_FD); this.strAt(ev.files, 8); this.num(ev.fd); this.valueAt(ev.from, 13); this.valueAt(ev.to, 14); break
      case 'note': this.newRow(K_NOTE); this.valueAt(ev.text, 11); break
      case 'sys_enter': this.newRow(K_SYS_ENTER); this.enumAt(ev.name, 28); this.list(ev.args); break
      case 'sys_exit': this.newRow(K_SYS_EXIT); this.enumAt(ev.name, 32); this.num(ev.ret); this.list(ev.args); break
      case 'task_work': this.newRow(K_TASK_WORK); this.num(ev.task); this.str(ev.op); this.value(ev.fn); this.value(ev.obj); break
      case 'delayed_fput': this.newRow(K_DELAYED_FPUT); this.str(ev.op); this.value(ev.file); break
      case 'task': this.newRow(K_TASK); this.str(ev.op); this.num(ev.task); this.value(ev.detail); break
      case 'printk': this.newRow(K_PRINTK); this.value(ev.text); break
      case 'violation': this.newRow(K_VIOLATION); this.str(ev.rule); this.str(ev.severity); this.value(ev.message); break
      case 'user': this.newRow(K_USER); this.str(ev.what); this.value(ev.text); this.value(ev.line); this.value(ev.col); break
      default: throw new Error(`unknown trace event kind '${(ev as { e: string }).e}'`)
    }
    this.n = i + 1
    if (this.listener) this.listener(this.at(i))
  }

  // One method per frequent kind, the fields as arguments: the same row emit() writes, without an
  // event object per call (the kernel's hot paths call these; emit() stays for every kind).

  /** emit({ e: 'lock', lock, op }) */
  lock(lock: string, op: 'acquire' | 'release' | 'block'): void {
    if (!this.on) return
    const i = this.n
    this.newRow(K_LOCK); this.strAt(lock, 4); this.enumAt(op, 20)
    this.done(i)
  }

  /** emit({ e: 'rcu', op, what }) */
  rcu(op: 'read_lock' | 'read_unlock' | 'call_rcu' | 'gp_start' | 'gp_end' | 'callback', what: string): void {
    if (!this.on) return
    const i = this.n
    this.newRow(K_RCU); this.enumAt(op, 24); this.valueAt(what, 12)
    this.done(i)
  }

  /** emit({ e: 'ref', file, from, to, raw }) */
  ref(file: string, from: number, to: number, raw: number): void {
    if (!this.on) return
    const i = this.n
    this.newRow(K_REF); this.strAt(file, 7); this.num(from); this.num(to); this.num(raw)
    this.done(i)
  }

  /** emit({ e: 'bit', files, map, index, value }) */
  bit(files: string, map: 'open_fds' | 'close_on_exec' | 'full_fds_bits' | 'next_fd' | 'max_fds', index: number, value: number): void {
    if (!this.on) return
    const i = this.n
    this.newRow(K_BIT); this.strAt(files, 2); this.enumAt(map, 16); this.num(index); this.num(value)
    this.done(i)
  }

  /** emit({ e: 'fd', files, fd, from, to }) */
  fd(files: string, fd: number, from: string | null, to: string | null): void {
    if (!this.on) return
    const i = this.n
    this.newRow(K_FD); this.strAt(files, 8); this.num(fd); this.valueAt(from, 13); this.valueAt(to, 14)
    this.done(i)
  }

  /** emit({ e: 'note', text }) */
  note(text: string): void {
    if (!this.on) return
    const i = this.n
    this.newRow(K_NOTE); this.valueAt(text, 11)
    this.done(i)
  }

  /** emit({ e: 'sys_enter', name, args }) */
  sysEnter(name: string, args: readonly TraceArg[]): void {
    if (!this.on) return
    const i = this.n
    this.newRow(K_SYS_ENTER); this.enumAt(name, 28); this.list(args)
    this.done(i)
  }

  /** emit({ e: 'sys_exit', name, ret, args }) */
  sysExit(name: string, ret: number, args: readonly TraceArg[]): void {
    if (!this.on) return
    const i = this.n
    this.newRow(K_SYS_EXIT); this.enumAt(name, 32); this.num(ret); this.list(args)
    this.done(i)
  }

  /** emit({ e: 'enter', fn, args }) */
  enterArgs(fn: string, args: readonly TraceArg[]): void {
    if (!this.on) return
    const i = this.n
    this.newRow(K_ENTER); this.enumAt(fn, 36); this.list(args)
    this.done(i)
  }

  /** emit({ e: 'exit', fn, ret }) */
  exitRet(fn: string, ret: TraceArg): void {
    if (!this.on) return
    const i = this.n
    this.newRow(K_EXIT); this.enumAt(fn, 40); this.valueAt(ret, 15)
    this.done(i)
  }

  /** The event @i is written: count it, show it to the listener. */
  private done(i: number): void {
    this.n = i + 1
    if (this.listener) this.listener(this.at(i))
  }

  /**
   * The number of string @s in this log's string table (added if new). A writer that emits the
   * same string many times (a kernel function's name) may keep the number, for this log, and pass
   * it to enterNo/exitNo instead of the string.
   */
  intern(s: string): number {
    let no = this.stringNo.get(s)
    if (no === undefined) {
      no = this.strings.length
      this.strings.push(s)
      this.stringNo.set(s, no)
    }
    return no
  }

  /** A kernel function's entry with its arguments `args[from..]`, converted by `conv` (no array built). */
  enter(fn: string, args: ArrayLike<unknown>, from: number, conv: (v: unknown) => TraceArg): void {
    if (!this.on) return
    this.enterNo(this.intern(fn), args, from, conv)
  }

  /**
   * enter() with the function's name as its string number (intern): numbers and strings are
   * stored as they are, other arguments as `conv` converts them.
   */
  enterNo(fn: number, args: ArrayLike<unknown>, from: number, conv: (v: unknown) => TraceArg): void {
    if (!this.on) return
    const i = this.n
    this.newRow(K_ENTER)
    this.put(T_STR, fn)
    const count = args.length - from
    this.put(T_LIST, count < 0 ? 0 : count)
    const slot = fn * 8
    for (let a = from; a < args.length; a++) {
      const v = args[a]
      if (typeof v === 'number') this.num(v)
      else {
        const c = typeof v === 'string' ? v : conv(v)
        if (typeof c === 'string') this.strAt(c, FIELD_SLOTS + ((slot + a) & SLOT_MASK))
        else this.value(c)
      }
    }
    this.n = i + 1
    if (this.listener) this.listener(this.at(i))
  }

  /** A kernel function's return. */
  exit(fn: string, ret: TraceArg): void {
    if (!this.on) return
    const i = this.n
    this.newRow(K_EXIT)
    this.str(fn)
    this.value(ret)
    this.n = i + 1
    if (this.listener) this.listener(this.at(i))
  }

  /** exit() with the function's name as its string number and the result converted by `conv` (as enterNo). */
  exitNo(fn: number, ret: unknown, conv: (v: unknown) => TraceArg): void {
    if (!this.on) return
    const i = this.n
    this.newRow(K_EXIT)
    this.put(T_STR, fn)
    if (typeof ret === 'number') this.num(ret)
    else if (ret === undefined) this.put(T_NULL, 0)
    else {
      const c = typeof ret === 'string' ? ret : conv(ret)
      if (typeof c === 'string') this.strAt(c, FIELD_SLOTS + ((fn * 8 + 7) & SLOT_MASK))
      else this.value(c)
    }
    this.n = i + 1
    if (this.listener) this.listener(this.at(i))
  }

  private newRow(kind: number): void {
    if (this.row === ROWS) this.addRows()
    const r = this.row++
    const tid = this.tid
    const step = this.step
    this.heads[r] = ((tid << 8) >> 8 === tid && tid !== TID_WIDE ? tid << 8 : this.wideTid(tid)) | kind
    this.steps[r] = (step | 0) === step && step !== STEP_WIDE ? step : this.wideStep(step)
    this.offs[r] = this.valBase + this.col
  }

  private addRows(): void {
    this.heads = new Int32Array(ROWS); this.headChunks.push(this.heads)
    this.steps = new Int32Array(ROWS); this.stepChunks.push(this.steps)
    this.offs = new Uint32Array(ROWS); this.offChunks.push(this.offs)
    this.row = 0
    if (this.cacheNo.length === 0) {
      this.cacheStr = new Array<string>(FIELD_SLOTS + SLOTS).fill(UNUSED_SLOT)
      this.cacheNo = new Int32Array(FIELD_SLOTS + SLOTS).fill(this.intern(UNUSED_SLOT))
    }
  }

  private wideTid(tid: number): number {
    (this.wideTids ??= new Map()).set(this.n, tid)
    return TID_WIDE << 8
  }

  private wideStep(step: number): number {
    (this.wideSteps ??= new Map()).set(this.n, step)
    return STEP_WIDE
  }

  /** Append a value: @v is an int32 (a number that may not be one goes through num()). */
  private put(tag: number, v: number): void {
    if (this.col === VALS) {
      this.tags = new Uint8Array(VALS); this.tagChunks.push(this.tags)
      this.vals = new Int32Array(VALS); this.valChunks.push(this.vals)
      this.valBase += VALS
      this.col = 0
    }
    const c = this.col++
    this.tags[c] = tag
    this.vals[c] = v
  }

  private num(v: number): void {
    if ((v | 0) === v && (v !== 0 || 1 / v > 0)) this.put(T_NUM, v)
    else {
      this.put(T_F64, this.doubles.length)
      this.doubles.push(v)
    }
  }

  private list(v: readonly unknown[]): void {
    this.put(T_LIST, v.length)
    for (let a = 0; a < v.length; a++) this.value(v[a])
  }

  private str(v: string): void {
    this.put(T_STR, this.intern(v))
  }

  /**
   * strAt() for a field whose values are a few names (a lock op, a bitmap's name): one of four
   * slots from @slot by the name's first character and length, so names that alternate keep theirs.
   */
  private enumAt(v: string, slot: number): void {
    this.strAt(v, slot + ((v.charCodeAt(0) + v.length) & 3))
  }

  /** str() through cache slot @slot: the same string as last time there needs no table lookup. */
  private strAt(v: string, slot: number): void {
    if (this.cacheStr[slot] === v) {
      this.put(T_STR, this.cacheNo[slot]!)
      return
    }
    const no = this.intern(v)
    this.cacheStr[slot] = v
    this.cacheNo[slot] = no
    this.put(T_STR, no)
  }

  private value(v: unknown): void {
    switch (typeof v) {
      case 'number': this.num(v); return
      case 'string': this.str(v); return
      case 'boolean': this.put(v ? T_TRUE : T_FALSE, 0); return
      case 'undefined': this.put(T_UNDEF, 0); return
      default:
        if (v === null) this.put(T_NULL, 0)
        else this.str(String(v))
    }
  }

  /** value() with a string through cache slot @slot. */
  private valueAt(v: unknown, slot: number): void {
    if (typeof v === 'string') this.strAt(v, slot)
    else if (v === null) this.put(T_NULL, 0)
    else this.value(v)
  }

  private read(j: number): unknown {
    const v = this.valChunks[(j / VALS) | 0]![j % VALS]!
    switch (this.tagChunks[(j / VALS) | 0]![j % VALS]) {
      case T_NUM: return v
      case T_STR: return this.strings[v]!
      case T_F64: return this.doubles[v]!
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
    return KINDS[this.headChunks[(i / ROWS) | 0]![i % ROWS]! & 255]!
  }

  stepAt(i: number): number {
    const s = this.stepChunks[(i / ROWS) | 0]![i % ROWS]!
    return s === STEP_WIDE ? this.wideSteps!.get(i)! : s
  }

  tidAt(i: number): number {
    const t = this.headChunks[(i / ROWS) | 0]![i % ROWS]! >> 8
    return t === TID_WIDE ? this.wideTids!.get(i)! : t
  }

  /** Event `i` as an object (built now; `events` keeps the ones it built). */
  at(i: number): TraceEvent {
    if (i < this.built.length) return this.built[i]!
    const kind = this.headChunks[(i / ROWS) | 0]![i % ROWS]! & 255
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
    this.headChunks = []; this.stepChunks = []; this.offChunks = []
    this.tagChunks = []; this.valChunks = []
    this.row = ROWS
    this.col = VALS
    this.valBase = -VALS
    this.doubles = []
    this.wideTids = null
    this.wideSteps = null
    this.built = []
  }

  /** Bytes held by the compact log (rows, fields, numbers kept aside and the string table's characters). */
  get bytes(): number {
    let chars = 0
    for (const s of this.strings) chars += s.length
    return this.headChunks.length * ROWS * (4 + 4 + 4) + this.valChunks.length * VALS * (1 + 4) + this.doubles.length * 8 + chars * 2
  }
}
