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
/**
 * The log's numbers (kinds, tags, word layout, chunk sizes, cache slots) are the members of one
 * const enum, L, which TypeScript and the bundlers write in place as number literals: a
 * module-level `const` becomes a variable in a bundle (esbuild, the CLI's and the benchmark's),
 * read and checked at every use on the hot path of every event.
 */
const enum L {
  /** Row kind numbers: the kinds' index in FIELDS (checked below). */
  K_ENTER = 0, K_EXIT = 1, K_SYS_ENTER = 2, K_SYS_EXIT = 3, K_FD = 4, K_BIT = 5, K_REF = 6, K_TASK_WORK = 7,
  K_LOCK = 8, K_RCU = 9, K_DELAYED_FPUT = 10, K_TASK = 11, K_PRINTK = 12, K_NOTE = 13, K_VIOLATION = 14, K_USER = 15,

  /**
   * The log is a tape of int32 words in chunks. An event is a head word (thread, kind, and whether a
   * step word follows), the step when it differs from the event before's, then its fields' values.
   * A value is one word: a tag in the low 3 bits and a 29-bit number above it: T_NUM the number
   * itself, T_F64 the index of a number that does not fit in `doubles`, T_STR a string's number in
   * the string table, T_LIST the length of the list whose values follow.
   */
  T_NUM = 0, T_STR = 1, T_TRUE = 2, T_FALSE = 3, T_NULL = 4, T_UNDEF = 5, T_LIST = 6, T_F64 = 7,
  TAG_BITS = 3, TAG_MASK = 7,
  W_TRUE = T_TRUE, W_FALSE = T_FALSE, W_NULL = T_NULL, W_UNDEF = T_UNDEF,
  /** Head word: thread << 6 | STEP_FOLLOWS | kind. */
  KIND_MASK = 31, STEP_FOLLOWS = 32, TID_SHIFT = 6,
  /**
   * A thread that does not fit in the head's 26 bits, or a step that is not an int32, is written as
   * these markers and kept in a map by event index (a wide step is written with every event):
   * -(2^25) and -(2^31).
   */
  TID_WIDE = -33554432, STEP_WIDE = -2147483648,
  /**
   * Words per chunk: the first chunks are small (a short run holds little) and each is twice the one
   * before, up to CHUNK. An event never spans chunks; one larger than CHUNK gets a chunk of its own.
   * Appending never copies. An event's place is (chunk << 16 | offset), so CHUNK is at most 2^16.
   */
  FIRST_CHUNK = 1024, CHUNK = 65536, CHUNK_SHIFT = 16, CHUNK_OFF = CHUNK - 1,
  /**
   * Slots of the string cache (see strAt): a writer that sees the same string again and again at one
   * place (a field of one kind, an argument of one kernel function) finds its number there without a
   * lookup in the string table. Slots below FIELD_SLOTS are the emit fields' (0-15 one each, 16-43
   * four each: see enumAt; 44-47 noteOf's), the rest are hashed from (function name, argument) by
   * enterNo/exitNo, and from (name, argument) for the argument lists of sysEnter, sysExit and enterArgs.
   */
  SLOTS = 1024, SLOT_MASK = SLOTS - 1, FIELD_SLOTS = 64,
}
if (KINDS.join() !== 'enter,exit,sys_enter,sys_exit,fd,bit,ref,task_work,lock,rcu,delayed_fput,task,printk,note,violation,user') {
  throw new Error('trace: the row kind numbers do not match FIELDS')
}
/** What an unused cache slot holds: a string (so the comparison sees strings only), with its real number. */
const UNUSED_SLOT = '\u0000'
/** What a cache slot's object is when its string is not an object's id. */
const NO_OBJECT: object = Object.freeze({})
/** lastStep before any event: no step equals it, so the first event writes its step. */
const NO_STEP = NaN
/**
 * Full-size chunks of logs that were disposed (TraceLog.dispose), taken by the logs written after
 * them: a machine built after another (a timeline going back, a benchmark's rounds) then writes
 * into memory already allocated and mapped, instead of fresh chunks that must be zeroed and faulted
 * in (about a sixth of a traced syscall's time). At most POOL_CHUNKS are kept (8 MB).
 */
const pool: Int32Array[] = []
const POOL_CHUNKS = 32

/**
 * The trace sink. `on` turns every event off (the fast path for benchmarks and replays);
 * the sanitizer does not depend on it.
 *
 * The log is compact: each event is a few int32 words appended to one tape (see T_NUM above: a
 * head word, maybe a step word, a word per value; strings are numbers in a string table, numbers
 * that do not fit are kept aside), written in one place per kind (`emit`, the per-kind methods and
 * `enterNo`/`exitNo` for kernel functions), with one capacity check per event. Readers find event
 * `i` through an index (its place and step) built when they first ask and extended as the log
 * grows. Event objects are built only when something reads them: `at(i)` builds one,
 * `kind(i)`/`stepAt(i)`/`tidAt(i)` read a word without building anything, and `events` (kept for
 * readers written against the array) builds the events not built before.
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
  /** The chunks (kept by clear() for reuse), and where each chunk before the current one ends. */
  private chunks: Int32Array[] = []
  private ends: number[] = []
  /**
   * The current chunk, its number, the next free word in it, and where events may end in it: at
   * most CHUNK words (so an event starts at an offset below 2^16), or the one event larger than that.
   */
  private tape: Int32Array = new Int32Array(0)
  private cur = -1
  private pos = 0
  private cap = 0
  /** The step of the last event written (a step word is written only when it changes). */
  private lastStep = NO_STEP
  private doubles: number[] = []
  private wideTids: Map<number, number> | null = null
  private wideSteps: Map<number, number> | null = null
  private readonly strings: string[] = []
  private readonly stringNo = new Map<string, number>()
  private built: TraceEvent[] = []
  // The string cache (allocated with the first chunk), one array of three entries per slot: at
  // slot * 3 the string last written there, then its word (its number, tagged), then the object (a
  // kernel function's argument or result) whose id is that string, or NO_OBJECT. One array, and a
  // slot's entries side by side: a hit reads one array.
  private cache: unknown[] = []
  // The readers' index: for events below `indexed`, the place of the head word and the step; the
  // scan goes on from chunk scanC, word scanP, with the step scanStep.
  private idxAt = new Int32Array(0)
  private idxStep = new Int32Array(0)
  private indexed = 0
  private scanC = 0
  private scanP = 0
  private scanStep = 0

  constructor(on = true) {
    this.on = on
  }

  emit(ev: TraceInput): void {
    if (!this.on) return
    const i = this.n
    // One case per kind (the common ones first): each reads its fields by name (FIELDS order), a
    // site that sees one shape.
    let t: Int32Array, p: number
    switch (ev.e) {
      case 'enter':
        p = this.begin(L.K_ENTER, 2 + ev.args.length); t = this.tape
        t[p++] = this.enumAt(ev.fn, 36); p = this.list(t, p, ev.args); break
      case 'exit':
        p = this.begin(L.K_EXIT, 2); t = this.tape
        t[p++] = this.enumAt(ev.fn, 40); t[p++] = this.value(ev.ret); break
      case 'bit':
        p = this.begin(L.K_BIT, 4); t = this.tape
        t[p++] = this.strAt(ev.files, 2); t[p++] = this.enumAt(ev.map, 16); t[p++] = this.num(ev.index); t[p++] = this.num(ev.value); break
      case 'lock':
        p = this.begin(L.K_LOCK, 2); t = this.tape
        t[p++] = this.strAt(ev.lock, 4); t[p++] = this.enumAt(ev.op, 20); break
      case 'rcu':
        p = this.begin(L.K_RCU, 2); t = this.tape
        t[p++] = this.enumAt(ev.op, 24); t[p++] = this.valueAt(ev.what, 12); break
      case 'ref':
        p = this.begin(L.K_REF, 4); t = this.tape
        t[p++] = this.strAt(ev.file, 7); t[p++] = this.num(ev.from); t[p++] = this.num(ev.to); t[p++] = this.num(ev.raw); break
      case 'fd':
        p = this.begin(L.K_FD, 4); t = this.tape
        t[p++] = this.strAt(ev.files, 8); t[p++] = this.num(ev.fd); t[p++] = this.valueAt(ev.from, 13); t[p++] = this.valueAt(ev.to, 14); break
      case 'note':
        p = this.begin(L.K_NOTE, 1); t = this.tape
        t[p++] = this.valueAt(ev.text, 11); break
      case 'sys_enter':
        p = this.begin(L.K_SYS_ENTER, 2 + ev.args.length); t = this.tape
        t[p++] = this.enumAt(ev.name, 28); p = this.list(t, p, ev.args); break
      case 'sys_exit':
        p = this.begin(L.K_SYS_EXIT, 3 + ev.args.length); t = this.tape
        t[p++] = this.enumAt(ev.name, 32); t[p++] = this.num(ev.ret); p = this.list(t, p, ev.args); break
      case 'task_work':
        p = this.begin(L.K_TASK_WORK, 4); t = this.tape
        t[p++] = this.num(ev.task); t[p++] = this.str(ev.op); t[p++] = this.value(ev.fn); t[p++] = this.value(ev.obj); break
      case 'delayed_fput':
        p = this.begin(L.K_DELAYED_FPUT, 2); t = this.tape
        t[p++] = this.str(ev.op); t[p++] = this.value(ev.file); break
      case 'task':
        p = this.begin(L.K_TASK, 3); t = this.tape
        t[p++] = this.str(ev.op); t[p++] = this.num(ev.task); t[p++] = this.value(ev.detail); break
      case 'printk':
        p = this.begin(L.K_PRINTK, 1); t = this.tape
        t[p++] = this.value(ev.text); break
      case 'violation':
        p = this.begin(L.K_VIOLATION, 3); t = this.tape
        t[p++] = this.str(ev.rule); t[p++] = this.str(ev.severity); t[p++] = this.value(ev.message); break
      case 'user':
        p = this.begin(L.K_USER, 4); t = this.tape
        t[p++] = this.str(ev.what); t[p++] = this.value(ev.text); t[p++] = this.value(ev.line); t[p++] = this.value(ev.col); break
      default: throw new Error(`unknown trace event kind '${(ev as { e: string }).e}'`)
    }
    this.pos = p
    this.n = i + 1
    if (this.listener) this.listener(this.at(i))
  }

  // One method per frequent kind, the fields as arguments: the same words emit() writes, without
  // an event object per call (the kernel's hot paths call these; emit() stays for every kind).

  /** emit({ e: 'lock', lock, op }) */
  lock(lock: string, op: 'acquire' | 'release' | 'block'): void {
    if (!this.on) return
    let p = this.begin(L.K_LOCK, 2)
    const t = this.tape
    t[p++] = this.strAt(lock, 4); t[p++] = this.enumAt(op, 20)
    this.done(p)
  }

  /** emit({ e: 'rcu', op, what }) */
  rcu(op: 'read_lock' | 'read_unlock' | 'call_rcu' | 'gp_start' | 'gp_end' | 'callback', what: string): void {
    if (!this.on) return
    let p = this.begin(L.K_RCU, 2)
    const t = this.tape
    t[p++] = this.enumAt(op, 24); t[p++] = this.valueAt(what, 12)
    this.done(p)
  }

  /** emit({ e: 'ref', file, from, to, raw }) */
  ref(file: string, from: number, to: number, raw: number): void {
    if (!this.on) return
    let p = this.begin(L.K_REF, 4)
    const t = this.tape
    t[p++] = this.strAt(file, 7); t[p++] = this.num(from); t[p++] = this.num(to); t[p++] = this.num(raw)
    this.done(p)
  }

  /** emit({ e: 'bit', files, map, index, value }) */
  bit(files: string, map: 'open_fds' | 'close_on_exec' | 'full_fds_bits' | 'next_fd' | 'max_fds', index: number, value: number): void {
    if (!this.on) return
    let p = this.begin(L.K_BIT, 4)
    const t = this.tape
    t[p++] = this.strAt(files, 2); t[p++] = this.enumAt(map, 16); t[p++] = this.num(index); t[p++] = this.num(value)
    this.done(p)
  }

  /** emit({ e: 'fd', files, fd, from, to }) */
  fd(files: string, fd: number, from: string | null, to: string | null): void {
    if (!this.on) return
    let p = this.begin(L.K_FD, 4)
    const t = this.tape
    t[p++] = this.strAt(files, 8); t[p++] = this.num(fd); t[p++] = this.valueAt(from, 13); t[p++] = this.valueAt(to, 14)
    this.done(p)
  }

  /** emit({ e: 'note', text }) */
  note(text: string): void {
    if (!this.on) return
    let p = this.begin(L.K_NOTE, 1)
    this.tape[p++] = this.valueAt(text, 11)
    this.done(p)
  }

  /**
   * emit({ e: 'note', text: make(key) }): the text's number is cached by @key (the same key gives
   * the same text), so a writer that would build or look up the text each time (a SIM note from
   * its constant) does neither when the key comes again.
   */
  noteOf(key: string, make: (key: string) => string): void {
    if (!this.on) return
    let p = this.begin(L.K_NOTE, 1)
    const slot = 44 + ((key.charCodeAt(0) + key.length) & 3)
    const c = this.cache
    if (c[slot * 3] === key) this.tape[p++] = c[slot * 3 + 1] as number
    else {
      const w = (this.intern(make(key)) << L.TAG_BITS) | L.T_STR
      c[slot * 3] = key
      c[slot * 3 + 1] = w
      this.tape[p++] = w
    }
    this.done(p)
  }

  /** emit({ e: 'sys_enter', name, args }) */
  sysEnter(name: string, args: readonly TraceArg[]): void {
    if (!this.on) return
    let p = this.begin(L.K_SYS_ENTER, 2 + args.length)
    const t = this.tape
    const w = this.enumAt(name, 28)
    t[p++] = w
    this.done(this.listAt(t, p, args, w >> L.TAG_BITS))
  }

  /** emit({ e: 'sys_exit', name, ret, args }) */
  sysExit(name: string, ret: number, args: readonly TraceArg[]): void {
    if (!this.on) return
    let p = this.begin(L.K_SYS_EXIT, 3 + args.length)
    const t = this.tape
    const w = this.enumAt(name, 32)
    t[p++] = w; t[p++] = this.num(ret)
    this.done(this.listAt(t, p, args, w >> L.TAG_BITS))
  }

  /** emit({ e: 'enter', fn, args }) */
  enterArgs(fn: string, args: readonly TraceArg[]): void {
    if (!this.on) return
    let p = this.begin(L.K_ENTER, 2 + args.length)
    const t = this.tape
    const w = this.enumAt(fn, 36)
    t[p++] = w
    this.done(this.listAt(t, p, args, w >> L.TAG_BITS))
  }

  /** emit({ e: 'exit', fn, ret }) */
  exitRet(fn: string, ret: TraceArg): void {
    if (!this.on) return
    let p = this.begin(L.K_EXIT, 2)
    const t = this.tape
    t[p++] = this.enumAt(fn, 40); t[p++] = this.valueAt(ret, 15)
    this.done(p)
  }

  /** The event ending before word @p is written: count it, show it to the listener. */
  private done(p: number): void {
    this.pos = p
    const i = this.n++
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
    const len = args.length
    const count = len > from ? len - from : 0
    let p = this.begin(L.K_ENTER, 2 + count)
    const t = this.tape
    t[p++] = (fn << L.TAG_BITS) | L.T_STR
    t[p++] = (count << L.TAG_BITS) | L.T_LIST
    const slot = fn * 8
    for (let a = from; a < len; a++) t[p++] = this.arg(args[a], slot + a, conv)
    this.done(p)
  }

  /**
   * enterNo() for a function called with the context and @n (at most 5) arguments, passed as
   * they are (no arguments object): `a` is the first argument after the context.
   */
  enterN(fn: number, n: number, a: unknown, b: unknown, c: unknown, d: unknown, e: unknown, conv: (v: unknown) => TraceArg): void {
    if (!this.on) return
    let p = this.begin(L.K_ENTER, 2 + n)
    const t = this.tape
    t[p++] = (fn << L.TAG_BITS) | L.T_STR
    t[p++] = (n << L.TAG_BITS) | L.T_LIST
    if (n > 0) {
      // the same cache slots as enterNo's (an argument's index counts the context)
      const slot = fn * 8
      t[p++] = this.arg(a, slot + 1, conv)
      if (n > 1) {
        t[p++] = this.arg(b, slot + 2, conv)
        if (n > 2) {
          t[p++] = this.arg(c, slot + 3, conv)
          if (n > 3) {
            t[p++] = this.arg(d, slot + 4, conv)
            if (n > 4) t[p++] = this.arg(e, slot + 5, conv)
          }
        }
      }
    }
    this.done(p)
  }

  /** The word of a kernel function's argument: numbers and strings as they are, others as @conv converts them. */
  private arg(v: unknown, slot: number, conv: (v: unknown) => TraceArg): number {
    if (typeof v === 'number') return this.num(v)
    if (typeof v === 'string') return this.strAt(v, L.FIELD_SLOTS + (slot & L.SLOT_MASK))
    if (typeof v === 'object' && v !== null) return this.objAt(v, L.FIELD_SLOTS + (slot & L.SLOT_MASK), conv)
    const c = conv(v)
    return typeof c === 'string' ? this.strAt(c, L.FIELD_SLOTS + (slot & L.SLOT_MASK)) : this.value(c)
  }

  /**
   * The word of object @v as @conv converts it, through cache slot @slot. An object converted to
   * its own `id` (kernel objects' ids never change) is kept in the slot with the id's number: the
   * same object there next time needs neither the conversion nor a string comparison.
   */
  private objAt(v: object, slot: number, conv: (v: unknown) => TraceArg): number {
    const cache = this.cache
    if (cache[slot * 3 + 2] === v) return cache[slot * 3 + 1] as number
    const c = conv(v)
    if (typeof c !== 'string') return this.value(c)
    const w = this.strAt(c, slot)
    if ((v as { id?: unknown }).id === c) cache[slot * 3 + 2] = v
    return w
  }

  /** A kernel function's return. */
  exit(fn: string, ret: TraceArg): void {
    if (!this.on) return
    let p = this.begin(L.K_EXIT, 2)
    const t = this.tape
    t[p++] = this.str(fn)
    t[p++] = this.value(ret)
    this.done(p)
  }

  /** exit() with the function's name as its string number and the result converted by `conv` (as enterNo). */
  exitNo(fn: number, ret: unknown, conv: (v: unknown) => TraceArg): void {
    if (!this.on) return
    let p = this.begin(L.K_EXIT, 2)
    const t = this.tape
    t[p++] = (fn << L.TAG_BITS) | L.T_STR
    if (typeof ret === 'number') t[p++] = this.num(ret)
    else if (ret === undefined) t[p++] = L.W_NULL
    else t[p++] = this.arg(ret, fn * 8 + 7, conv)
    this.done(p)
  }

  /**
   * Start event number `n` of @kind with room for @values values: its head word and, when the
   * step changed, its step word. Returns where its first value goes in `tape`.
   */
  private begin(kind: number, values: number): number {
    let p = this.pos
    if (p + values + 2 > this.cap) p = this.nextChunk(values + 2)
    const t = this.tape
    const tid = this.tid
    const step = this.step
    let head = ((tid << L.TID_SHIFT) >> L.TID_SHIFT === tid && tid !== L.TID_WIDE ? tid << L.TID_SHIFT : this.wideTid(tid)) | kind
    if (step !== this.lastStep) {
      head |= L.STEP_FOLLOWS
      if ((step | 0) === step && step !== L.STEP_WIDE) {
        t[p + 1] = step
        this.lastStep = step
      } else t[p + 1] = this.wideStep(step)
      t[p] = head
      return p + 2
    }
    t[p] = head
    return p + 1
  }

  /** Close the current chunk and go on in the next one, with room for @need words; returns where. */
  private nextChunk(need: number): number {
    if (this.cur >= 0) this.ends[this.cur] = this.pos
    const c = ++this.cur
    let chunk = this.chunks[c]
    if (chunk === undefined || chunk.length < need) {
      const size = Math.max(need, Math.min(L.CHUNK, L.FIRST_CHUNK << Math.min(c, 16)))
      // a full-size chunk from a disposed log when there is one (small logs keep small chunks)
      chunk = (size === L.CHUNK ? pool.pop() : undefined) ?? new Int32Array(size)
      this.chunks[c] = chunk
    }
    this.tape = chunk
    this.pos = 0
    // a chunk kept by clear() may be one that held an event larger than CHUNK
    this.cap = need > L.CHUNK ? need : Math.min(chunk.length, L.CHUNK)
    if (this.cache.length === 0) {
      const unused = (this.intern(UNUSED_SLOT) << L.TAG_BITS) | L.T_STR
      // filled by push: a packed array (one made with a length has holes, checked at every read)
      const cache: unknown[] = []
      for (let s = 0; s < L.FIELD_SLOTS + L.SLOTS; s++) cache.push(UNUSED_SLOT, unused, NO_OBJECT)
      this.cache = cache
    }
    return 0
  }

  private wideTid(tid: number): number {
    (this.wideTids ??= new Map()).set(this.n, tid)
    return L.TID_WIDE << L.TID_SHIFT
  }

  /** A wide step is not remembered as the last step: the next event writes its step again (the map is by event). */
  private wideStep(step: number): number {
    (this.wideSteps ??= new Map()).set(this.n, step)
    this.lastStep = NO_STEP
    return L.STEP_WIDE
  }

  /** The word of number @v: in place if it fits in 29 bits (and is not -0), else kept aside. */
  private num(v: number): number {
    if ((v << L.TAG_BITS) >> L.TAG_BITS === v && (v !== 0 || 1 / v > 0)) return v << L.TAG_BITS
    this.doubles.push(v)
    return ((this.doubles.length - 1) << L.TAG_BITS) | L.T_F64
  }

  /** Write list @v (its length, then its values) at @p in @t; returns the word after it. */
  private list(t: Int32Array, p: number, v: readonly unknown[]): number {
    t[p++] = (v.length << L.TAG_BITS) | L.T_LIST
    for (let a = 0; a < v.length; a++) t[p++] = this.value(v[a])
    return p
  }

  /**
   * list() whose strings go through the cache slots of name number @no's arguments (as a kernel
   * function's: enterNo), so the same argument as last time needs no lookup in the string table.
   */
  private listAt(t: Int32Array, p: number, v: readonly unknown[], no: number): number {
    t[p++] = (v.length << L.TAG_BITS) | L.T_LIST
    const slot = no * 8 + 1
    for (let a = 0; a < v.length; a++) {
      const x = v[a]
      t[p++] = typeof x === 'number' ? this.num(x) : typeof x === 'string' ? this.strAt(x, L.FIELD_SLOTS + ((slot + a) & L.SLOT_MASK)) : this.value(x)
    }
    return p
  }

  private str(v: string): number {
    return (this.intern(v) << L.TAG_BITS) | L.T_STR
  }

  /**
   * strAt() for a field whose values are a few names (a lock op, a bitmap's name): one of four
   * slots from @slot by the name's first character and length, so names that alternate keep theirs.
   */
  private enumAt(v: string, slot: number): number {
    return this.strAt(v, slot + ((v.charCodeAt(0) + v.length) & 3))
  }

  /** str() through cache slot @slot: the same string as last time there needs no table lookup. */
  private strAt(v: string, slot: number): number {
    const c = this.cache
    if (c[slot * 3] === v) return c[slot * 3 + 1] as number
    const w = (this.intern(v) << L.TAG_BITS) | L.T_STR
    c[slot * 3] = v
    c[slot * 3 + 1] = w
    c[slot * 3 + 2] = NO_OBJECT
    return w
  }

  private value(v: unknown): number {
    switch (typeof v) {
      case 'number': return this.num(v)
      case 'string': return this.str(v)
      case 'boolean': return v ? L.W_TRUE : L.W_FALSE
      case 'undefined': return L.W_UNDEF
      default: return v === null ? L.W_NULL : this.str(String(v))
    }
  }

  /** value() with a string through cache slot @slot. */
  private valueAt(v: unknown, slot: number): number {
    if (typeof v === 'string') return this.strAt(v, slot)
    if (v === null) return L.W_NULL
    return this.value(v)
  }

  private read(w: number): unknown {
    const v = w >> L.TAG_BITS
    switch (w & L.TAG_MASK) {
      case L.T_NUM: return v
      case L.T_STR: return this.strings[v]!
      case L.T_F64: return this.doubles[v]!
      case L.T_TRUE: return true
      case L.T_FALSE: return false
      case L.T_NULL: return null
      default: return undefined
    }
  }

  /** Index the events up to event @i (the readers' index is built as far as they read). */
  private indexTo(i: number): void {
    if (i >= this.n || i < 0) throw new RangeError(`trace event ${i} of ${this.n}`)
    let at = this.idxAt, steps = this.idxStep
    if (at.length <= i) {
      const size = Math.max(1024, at.length * 2, i + 1)
      at = new Int32Array(size); at.set(this.idxAt.subarray(0, this.indexed)); this.idxAt = at
      steps = new Int32Array(size); steps.set(this.idxStep.subarray(0, this.indexed)); this.idxStep = steps
    }
    let c = this.scanC, p = this.scanP, step = this.scanStep
    let t = this.chunks[c]!
    for (let e = this.indexed; e <= i; e++) {
      if (c < this.cur && p === this.ends[c]) { t = this.chunks[++c]!; p = 0 }
      at[e] = (c << L.CHUNK_SHIFT) | p
      const head = t[p++]!
      if (head & L.STEP_FOLLOWS) step = t[p++]!
      steps[e] = step
      const fields = KIND_FIELDS[head & L.KIND_MASK]!.length
      for (let f = 0; f < fields; f++) {
        const w = t[p++]!
        if ((w & L.TAG_MASK) === L.T_LIST) p += w >> L.TAG_BITS
      }
    }
    this.indexed = i + 1
    this.scanC = c; this.scanP = p; this.scanStep = step
  }

  /** The chunk and word of event @i's head. */
  private place(i: number): number {
    if (i >= this.indexed) this.indexTo(i)
    return this.idxAt[i]!
  }

  private headAt(i: number): number {
    const at = this.place(i)
    return this.chunks[at >>> L.CHUNK_SHIFT]![at & L.CHUNK_OFF]!
  }

  /** Number of events held. */
  get length(): number {
    return this.n
  }

  /** The kind of event `i`, without building it. */
  kind(i: number): TraceEventKind {
    return KINDS[this.headAt(i) & L.KIND_MASK]!
  }

  stepAt(i: number): number {
    if (i >= this.indexed) this.indexTo(i)
    const s = this.idxStep[i]!
    return s === L.STEP_WIDE ? this.wideSteps!.get(i)! : s
  }

  tidAt(i: number): number {
    const t = this.headAt(i) >> L.TID_SHIFT
    return t === L.TID_WIDE ? this.wideTids!.get(i)! : t
  }

  /** Event `i` as an object (built now; `events` keeps the ones it built). */
  at(i: number): TraceEvent {
    if (i < this.built.length) return this.built[i]!
    const place = this.place(i)
    const t = this.chunks[place >>> L.CHUNK_SHIFT]!
    let j = place & L.CHUNK_OFF
    const head = t[j++]!
    if (head & L.STEP_FOLLOWS) j++
    const kind = head & L.KIND_MASK
    const ev: Record<string, unknown> = { e: KINDS[kind] }
    const fields = KIND_FIELDS[kind]!
    for (let f = 0; f < fields.length; f++) {
      const w = t[j++]!
      if ((w & L.TAG_MASK) === L.T_LIST) {
        const len = w >> L.TAG_BITS
        const list = new Array<unknown>(len)
        for (let a = 0; a < len; a++) list[a] = this.read(t[j++]!)
        ev[fields[f]!] = list
      } else {
        const v = this.read(w)
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

  /** Drop every event held (their `seq` numbers are not reused; the chunks are, for what comes next). */
  clear(): void {
    this.base += this.n
    this.n = 0
    this.ends = []
    this.tape = new Int32Array(0)
    this.cap = 0
    this.cur = -1
    this.pos = 0
    this.lastStep = NO_STEP
    this.doubles = []
    this.wideTids = null
    this.wideSteps = null
    this.built = []
    this.indexed = 0
    this.scanC = 0; this.scanP = 0; this.scanStep = 0
  }

  /**
   * Drop every event held and hand the chunks to the logs made after this one (see `pool`): for
   * a log nobody reads again (Machine.dispose). Writing to it afterwards starts in new chunks.
   */
  dispose(): void {
    for (const c of this.chunks) if (c.length === L.CHUNK && pool.length < POOL_CHUNKS) pool.push(c)
    this.chunks = []
    this.clear()
  }

  /** Free the chunks disposed logs left for the next ones (for a measurement of the memory a log takes). */
  static dropPool(): void {
    pool.length = 0
  }

  /** Bytes held by the compact log (its chunks, its readers' index, numbers kept aside and the string table's characters). */
  get bytes(): number {
    let chars = 0
    for (const s of this.strings) chars += s.length
    let words = 0
    for (let c = 0; c <= this.cur; c++) words += this.chunks[c]!.length
    return words * 4 + this.idxAt.length * 8 + this.doubles.length * 8 + chars * 2
  }
}
