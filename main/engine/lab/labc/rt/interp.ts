/**
 * The lab C interpreter: a tree walker whose evaluation functions are generators, so that every
 * system call and kernel API call runs on the engine's micro-steps (threads interleave inside
 * kernel paths). In user code each statement is also a micro-step (u.stmt). Expressions that
 * cannot reach a scheduling point take a synchronous fast path.
 */
import type { KGen } from '../../../sim/context'
import type { Kernel } from '../../../kernel/include/kernel'
import type { File, FilesStruct, Fdtable, Inode, StructFd, Task } from '../../../kernel/include/types'
import type { UserApi } from '../../../machine/user'
import { checkFileMem } from '../../../kernel/include/file_ref'
import type { KernelArrayView } from '../../../kernel/api'
import type { Block, Expr, FuncDef, Pos, Stmt, VarDecl } from '../ast'
import type { Program } from '../checker'
import { blockTargets } from '../walk'
import { T, convertInt, type Ty } from '../types'
import { utf8Encode } from '../../utf8'
import {
  convert, copyValue, ErrPtr, IntRef, isFunc, isLimitError, KArray, LabCError, LabStruct, PtrArray, truthy, Uninit, zeroValue,
  type Containers, type ExpectFailure, type Value,
} from './values'
import { RULE } from '../../../sim/rules'

/** Per-thread interpreter state. */
export interface ThreadState {
  /** The user API when running user code; null in kernel code. */
  readonly u: UserApi | null
  errno: bigint
  depth: number
}

export interface Env {
  frame: Value[]
  readonly th: ThreadState
  readonly file: string
}

export interface RuntimeHooks {
  /** Kernel API, syscalls and builtins: name → implementation. */
  call(rt: Interp, name: string, kind: 'kernel' | 'syscall' | 'builtin', args: Value[], argExprs: readonly Expr[], env: Env, call: Extract<Expr, { kind: 'call' }>): KGen<Value>
  /** fork/thread/exec (user code). */
  /** fork { } (flags undefined) or clone(flags) { }. */
  fork(rt: Interp, body: Block, env: Env, pos: Pos, flags?: bigint): KGen<Value>
  thread(rt: Interp, body: Block, env: Env, pos: Pos): KGen<Value>
  exec(rt: Interp, args: Value[], image: Block | null, frameSize: number, env: Env, pos: Pos, argcSlot?: number, argvSlot?: number): KGen<void>
}

export interface InterpOptions {
  /** Lab C statements (user and kernel) a run may execute. */
  readonly maxStatements: number
  /** Nested lab C function calls per thread. */
  readonly maxDepth: number
  /**
   * Keep going after a kernel-side lab C error (the explorer's quiet runs): the kernel entry
   * point returns -EFAULT (or ends the kthread) and the error is recorded, so the search can
   * continue and the outcome differs. Normal runs stop at the error instead.
   */
  readonly containKernelErrors?: boolean
  /** Bytes of program output (printf, perror, write to the terminal) a run may produce. */
  readonly maxOutput?: number
  /** Bytes of simulated memory lab C may allocate in a run (kmalloc'd objects, arrays). */
  readonly maxMemory?: number
}

/** Default limits of a run (docs/limits.md states them). */
export const LIMITS = {
  maxStatements: 1_000_000,
  maxDepth: 200,
  maxOutput: 1 << 20,
  maxMemory: 64 << 20,
} as const

const mib = (n: number): string => (n % (1 << 20) === 0 ? `${n >> 20} MiB` : `${n} bytes`)

class Ret { constructor(readonly value: Value) {} }
/** A goto on its way out to the block that holds its label. */
class GotoC { constructor(readonly label: string, readonly pos: Pos) {} }
const BRK = Symbol('break')
const CONT = Symbol('continue')
type Completion = undefined | typeof BRK | typeof CONT | Ret | GotoC

const pureCache = new WeakMap<Expr, boolean>()

export class Interp {
  readonly globals: Value[] = []
  readonly observations = new Map<string, (bigint | string)[]>()
  readonly expectFailures: ExpectFailure[] = []
  /** Run-time errors of user code (each ended its thread, as a crash would). */
  readonly userErrors: LabCError[] = []
  /** Kernel-side errors contained by `containKernelErrors`. */
  readonly kernelErrors: LabCError[] = []
  readonly containers: Containers = new WeakMap()
  output = ''
  statements = 0
  /** Simulated bytes allocated so far (kmalloc'd objects, arrays), minus kfree'd objects. */
  memory = 0
  /** The first limit this run hit (the run stops there). */
  limitHit: LabCError | null = null
  lastPos: { file: string; pos: Pos } | null = null
  /** The last lab C statement of each thread (by tid): where a finding's threads were. */
  readonly posByTid = new Map<number, { file: string; pos: Pos }>()
  /** The last user-code statement of each thread: the system call a kernel path came from. */
  readonly userPosByTid = new Map<number, { file: string; pos: Pos }>()
  /** Engine callbacks made for lab functions (task work, RCU, delayed work), one per function. */
  readonly callbacks = new Map<FuncDef, unknown>()
  /** The scheduler's view, for sched_yield (set by the loader). */
  sched: { readonly stepNo: () => number; readonly ranSince: (step: number, tid: number) => boolean; readonly othersCanRun: (tid: number) => boolean } | null = null

  constructor(
    readonly prog: Program,
    readonly k: Kernel,
    readonly hooks: RuntimeHooks,
    readonly opts: InterpOptions,
    /** Source line text for traces: file → line → text. */
    readonly lineText: (file: string, line: number) => string,
    /** Mark a label reached (the machine's run-to-label). */
    readonly onLabel: (name: string) => void,
  ) {}

  err(env: Env, pos: Pos, message: string, code: LabCError['code'] = 'runtime'): never {
    const e = new LabCError(code, env.file, pos, message, env.th.u === null)
    if (code !== 'runtime') this.limitHit ??= e
    throw e
  }

  /** Program output: appended, within the output limit. */
  appendOutput(text: string, env: Env, pos: Pos): void {
    const max = this.opts.maxOutput ?? LIMITS.maxOutput
    if (this.output.length + text.length > max) {
      this.output += text.slice(0, Math.max(0, max - this.output.length))
      this.err(env, pos, `output limit: the run printed more than ${mib(max)} (a print in a loop that never ends?)`, 'output')
    }
    this.output += text
  }

  /** Account for @bytes of simulated memory (negative when freed), within the memory limit. */
  charge(bytes: number, env: Env, pos: Pos): void {
    const max = this.opts.maxMemory ?? LIMITS.maxMemory
    this.memory += bytes
    if (bytes > 0 && this.memory > max) {
      this.err(env, pos, `memory limit: lab C allocated more than ${mib(max)} of simulated memory in this run (kmalloc'd objects and arrays; an allocation in a loop?)`, 'memory')
    }
  }

  /** Simulated size of a value of type @t (bytes; kernel objects count as 64). */
  sizeOf(t: Ty | undefined, depth = 0): number {
    if (!t || depth > 8) return 8
    switch (t.k) {
      case 'int': return Math.max(1, t.bits >> 3)
      case 'array': return Math.max(0, t.len) * this.sizeOf(t.elem, depth + 1)
      case 'struct': {
        const s = this.prog.structs.get(t.name)
        if (!s) return 64
        let n = 0
        for (const f of s.order) n += this.sizeOf(s.fields.get(f)!.ty, depth + 1)
        return Math.max(n, 1)
      }
      default: return 8
    }
  }

  zero(t: Ty | undefined): Value {
    return zeroValue(t ?? T.err, this.prog, this.k, this.containers)
  }

  /** Initialize the kernel globals (constant initializers, checked). */
  initGlobals(): void {
    for (const g of this.prog.globals) {
      const env: Env = { frame: [], th: { u: null, errno: 0n, depth: 0 }, file: '' }
      let v = this.zero(g.ty)
      if (g.init) {
        const gen = this.initValue(g.ty!, g.init, env, v)
        const r = gen.next()
        if (!r.done) this.err(env, g.pos, 'a global initializer must be a constant')
        v = r.value
      }
      this.globals[g.slot!] = v
    }
  }

  // ---- statements ----

  private tick(env: Env, pos: Pos): void {
    this.lastPos = { file: env.file, pos }
    const tid = this.k.current?.pid
    if (tid !== undefined) {
      this.posByTid.set(tid, this.lastPos)
      if (env.th.u) this.userPosByTid.set(tid, this.lastPos)
    }
    if (++this.statements > this.opts.maxStatements) {
      this.err(env, pos, `statement limit: ${this.opts.maxStatements} lab C statements executed (a loop that never ends?)`, 'budget')
    }
  }

  /** A user-mode statement boundary: one micro-step. */
  private *stmtPoint(env: Env, pos: Pos, what: 'stmt' | 'label' | 'expect' = 'stmt', text?: string): KGen<void> {
    this.tick(env, pos)
    const u = env.th.u
    if (u) yield* u.stmt(what, text ?? this.lineText(env.file, pos.line), pos.line, pos.col)
  }

  /**
   * A block. @enter: the goto target to start at (a goto from outside jumped into this block).
   * Scoped cleanups (CLASS, __cleanup) run in reverse order when control leaves their scope:
   * at the end of the block, on return, break, continue and goto out, and on a goto backwards
   * past their declaration. A goto forwards past a declaration leaves the variable uninitialised
   * (its cleanup, if any, still runs at the end of the scope, as in C).
   */
  *block(b: Block, env: Env, enter?: string): KGen<Completion> {
    const scoped: VarDecl[] = []
    let c: Completion
    let i = 0
    let target = enter
    let from = -1
    let jumpPos: Pos | null = null
    for (;;) {
      if (target !== undefined) {
        const j = blockTargets(b).get(target)!
        if (from >= 0 && j <= from) {
          // Backwards: the declarations at j..from go out of scope.
          yield* this.cleanups(scoped, (d) => b.body.indexOf(d) >= j, env)
        } else {
          // Forwards (or into this block): the declarations jumped over are in scope, uninitialised.
          for (let x = from + 1; x < j; x++) this.skipDecl(b.body[x]!, env, jumpPos, scoped)
        }
        const s = b.body[j]!
        if (s.kind === 'target') { i = j + 1; target = undefined } else {
          // The label is inside a nested block: enter it there.
          const t = target
          target = undefined
          c = yield* this.block(s as Block, env, t)
          if (c instanceof GotoC && blockTargets(b).has(c.label)) { from = j; target = c.label; jumpPos = c.pos; continue }
          if (c !== undefined) break
          i = j + 1
        }
      }
      let jumped = false
      for (; i < b.body.length; i++) {
        const s = b.body[i]!
        c = yield* this.stmt(s, env)
        if (s.kind === 'decl' && s.cleanupStmt) scoped.push(s)
        if (c instanceof GotoC && blockTargets(b).has(c.label)) { from = i; target = c.label; jumpPos = c.pos; jumped = true; break }
        if (c !== undefined) break
      }
      if (!jumped) break
    }
    yield* this.cleanups(scoped, () => true, env)
    return c
  }

  /** A declaration a goto jumped over: its variable exists, uninitialised. */
  private skipDecl(s: Stmt, env: Env, jump: Pos | null, scoped: VarDecl[]): void {
    if (s.kind !== 'decl') return
    env.frame[s.slot!] = new Uninit(s.name, s.pos, jump)
    if (s.cleanupStmt) scoped.push(s)
  }

  /** Run (and forget) the cleanups of the scoped variables @which selects, last declared first. */
  private *cleanups(scoped: VarDecl[], which: (d: VarDecl) => boolean, env: Env): KGen<void> {
    for (let k = scoped.length - 1; k >= 0; k--) {
      const d = scoped[k]!
      if (!which(d)) continue
      scoped.splice(k, 1)
      const c = d.cleanup
      if (this.k.trace.on) this.k.trace.emit({ e: 'note', text: `cleanup of ${d.name} (${d.pos.line}:${d.pos.col}): ${c?.kind === 'class' ? `CLASS(${c.cls})` : c?.kind === 'free' ? `__free(${c.name})` : '__cleanup'}` })
      yield* this.stmt(d.cleanupStmt!, env)
    }
  }

  /** A read of a variable a goto left uninitialised: reported, then read as zero. */
  private uninitRead(u: Uninit, t: Ty | undefined): Value {
    this.k.report(RULE.uninit_value, 'violation',
      `use of uninitialised '${u.name}': its initialisation at ${u.decl.line}:${u.decl.col} was jumped over${u.jump ? ` by the goto at ${u.jump.line}:${u.jump.col}` : ''} (gcc compiles this silently; clang rejects a jump into the scope of a cleanup variable)`, [])
    return this.zero(t)
  }

  /**
   * Run a user body (process, thread, fork child, exec image). A lab C run-time error in user
   * code ends the thread like a crash (status 139, SIGSEGV); one in kernel code stops the run.
   */
  *userMain(b: Block, env: Env): KGen<number> {
    try {
      return yield* this.body(b, env)
    } catch (e) {
      // A limit stops the whole run, not only this thread: it is never a crash the test could expect.
      if (e instanceof LabCError && !e.kernel && !isLimitError(e)) {
        this.userErrors.push(e)
        if (this.k.trace.on) this.k.trace.emit({ e: 'note', text: `lab C error at ${e.pos.line}:${e.pos.col}: ${e.message}` })
        return 139
      }
      throw e
    }
  }

  /** Run a body (process, thread, fork child, exec image, kthread): returns the exit status. */
  *body(b: Block, env: Env): KGen<number> {
    const c = yield* this.block(b, env)
    if (c instanceof Ret && typeof c.value === 'bigint') return Number(BigInt.asIntN(32, c.value))
    return 0
  }

  private *stmt(s: Stmt, env: Env): KGen<Completion> {
    switch (s.kind) {
      case 'block': return yield* this.block(s, env)
      case 'decl': {
        yield* this.stmtPoint(env, s.pos)
        if (s.ty?.k === 'array' || s.ty?.k === 'struct') this.charge(this.sizeOf(s.ty), env, s.pos)
        let v = this.zero(s.ty)
        if (s.init) v = s.init.kind === 'init' || s.ty?.k === 'array' ? yield* this.initValue(s.ty!, s.init, env, v) : storeValue(yield* this.ev(s.init, env), s.ty)
        env.frame[s.slot!] = v
        return undefined
      }
      case 'expr':
        yield* this.stmtPoint(env, s.pos)
        yield* this.ev(s.expr, env)
        return undefined
      case 'if':
        yield* this.stmtPoint(env, s.pos)
        if (truthy(yield* this.ev(s.test, env))) return yield* this.stmt(s.then, env)
        return s.else ? yield* this.stmt(s.else, env) : undefined
      case 'while':
        for (;;) {
          yield* this.stmtPoint(env, s.pos)
          if (!truthy(yield* this.ev(s.test, env))) return undefined
          const c = yield* this.stmt(s.body, env)
          if (c === BRK) return undefined
          if (c instanceof Ret || c instanceof GotoC) return c
        }
      case 'dowhile':
        for (;;) {
          const c = yield* this.stmt(s.body, env)
          if (c === BRK) return undefined
          if (c instanceof Ret || c instanceof GotoC) return c
          yield* this.stmtPoint(env, s.test.pos)
          if (!truthy(yield* this.ev(s.test, env))) return undefined
        }
      case 'for': {
        if (s.init) { const c = yield* this.stmt(s.init, env); if (c) return c }
        for (;;) {
          yield* this.stmtPoint(env, s.pos)
          if (s.test && !truthy(yield* this.ev(s.test, env))) return undefined
          const c = yield* this.stmt(s.body, env)
          if (c === BRK) return undefined
          if (c instanceof Ret || c instanceof GotoC) return c
          if (s.update) yield* this.ev(s.update, env)
        }
      }
      case 'switch': {
        yield* this.stmtPoint(env, s.pos)
        const v = yield* this.ev(s.test, env)
        let i = s.cases.findIndex((c) => c.value !== undefined && c.value === v)
        if (i < 0) i = s.cases.findIndex((c) => c.test === null)
        if (i < 0) return undefined
        for (; i < s.cases.length; i++) {
          for (const x of s.cases[i]!.body) {
            const c = yield* this.stmt(x, env)
            if (c === BRK) return undefined
            if (c !== undefined) return c
          }
        }
        return undefined
      }
      case 'break': yield* this.stmtPoint(env, s.pos); return BRK
      case 'continue': yield* this.stmtPoint(env, s.pos); return CONT
      case 'return':
        yield* this.stmtPoint(env, s.pos)
        return new Ret(s.value ? yield* this.ev(s.value, env) : null)
      case 'thread': {
        yield* this.stmtPoint(env, s.pos)
        env.frame[s.slot!] = yield* this.hooks.thread(this, s.body, env, s.pos)
        return undefined
      }
      case 'exec': {
        yield* this.stmtPoint(env, s.pos)
        const args: Value[] = []
        for (const a of s.args) args.push(yield* this.ev(a, env))
        yield* this.hooks.exec(this, args, s.image, s.frameSize ?? 0, env, s.pos, s.argcSlot, s.argvSlot)
        return undefined
      }
      case 'label':
        yield* this.stmtPoint(env, s.pos, 'label', s.name)
        if (!env.th.u) {
          if (this.k.trace.on) this.k.trace.emit({ e: 'user', what: 'label', text: s.name, line: s.pos.line, col: s.pos.col })
          this.onLabel(s.name)
        }
        return undefined
      case 'expect': {
        yield* this.stmtPoint(env, s.pos, 'expect', s.text)
        const ok = truthy(yield* this.ev(s.cond, env))
        if (!ok) {
          const tr = this.k.trace
          this.expectFailures.push({ file: env.file, pos: s.pos, text: s.text, message: s.message, step: tr.step, tid: tr.tid })
          if (tr.on) tr.emit({ e: 'note', text: `expect failed at ${s.pos.line}:${s.pos.col}: ${s.message ?? s.text}` })
        }
        return undefined
      }
      case 'goto':
        yield* this.stmtPoint(env, s.pos)
        return new GotoC(s.name, s.pos)
      case 'target': return undefined
      case 'empty': return undefined
    }
  }

  /** Array and struct initializers. */
  *initValue(t: Ty, init: Expr, env: Env, into: Value): KGen<Value> {
    if (init.kind === 'str' && (into instanceof Uint8Array)) {
      into.set(utf8Encode(init.value).subarray(0, into.length - 1))
      return into
    }
    if (init.kind !== 'init') return storeValue(yield* this.ev(init, env), t)
    if (t.k === 'array') {
      for (const [i, x] of init.items.entries()) this.storeElem(into, i, yield* this.initValue(t.elem, x, env, this.elem(into, i)), t.elem, env, x.pos)
      return into
    }
    if (t.k === 'struct' && into instanceof LabStruct) {
      const s = this.prog.structs.get(t.name)!
      let pos = 0
      for (const [i, x] of init.items.entries()) {
        const fname = init.fields[i] ?? s.order[pos]!
        const f = s.fields.get(fname)!
        pos = f.index + 1
        into.fields[f.index] = yield* this.initValue(f.ty, x, env, into.fields[f.index]!)
      }
    }
    return into
  }

  // ---- expressions ----

  /** Can this expression be evaluated without reaching a scheduling point? */
  private isPure(e: Expr): boolean {
    const c = pureCache.get(e)
    if (c !== undefined) return c
    let r: boolean
    switch (e.kind) {
      case 'int': case 'str': case 'sizeof': case 'type': r = true; break
      case 'name': r = e.ref?.kind !== 'global'; break
      case 'unary': case 'cast': case 'deref': r = this.isPure(e.arg); break
      case 'addr': r = e.arg.kind === 'name'; break
      case 'binary': case 'logical': r = this.isPure(e.left) && this.isPure(e.right); break
      case 'cond': r = this.isPure(e.test) && this.isPure(e.then) && this.isPure(e.else); break
      case 'index': r = this.isPure(e.obj) && this.isPure(e.index) && !(e.obj.ty?.k === 'array' && e.obj.ty.len < 0); break
      case 'init': r = e.items.every((x) => this.isPure(x)); break
      default: r = false
    }
    pureCache.set(e, r)
    return r
  }

  *ev(e: Expr, env: Env): KGen<Value> {
    if (this.isPure(e)) return this.pure(e, env)
    switch (e.kind) {
      case 'name': {
        const g = e.ref!
        if (g.kind === 'global') {
          yield { obj: `global:${e.name}`, w: false, what: `read ${e.name}` }
          return this.globals[g.decl.slot!]!
        }
        return this.pure(e, env)
      }
      case 'unary': return this.unary(e, yield* this.ev(e.arg, env), env)
      case 'cast': return this.cast(e, yield* this.ev(e.arg, env))
      case 'deref': return this.deref(e, yield* this.ev(e.arg, env), env)
      case 'addr': return yield* this.addr(e, env)
      case 'binary': {
        const a = yield* this.ev(e.left, env)
        const b = yield* this.ev(e.right, env)
        return this.binary(e, a, b, env)
      }
      case 'logical': {
        const a = truthy(yield* this.ev(e.left, env))
        if (e.op === '&&' ? !a : a) return e.op === '&&' ? 0n : 1n
        return truthy(yield* this.ev(e.right, env)) ? 1n : 0n
      }
      case 'cond': return truthy(yield* this.ev(e.test, env)) ? yield* this.ev(e.then, env) : yield* this.ev(e.else, env)
      case 'assign': {
        const ref = yield* this.lref(e.target, env)
        const v = yield* this.ev(e.value, env)
        return yield* this.assign(e, ref, v, env)
      }
      case 'incdec': {
        const ref = yield* this.lref(e.target, env)
        return yield* this.incdec(e, ref, env)
      }
      case 'index': {
        const o = yield* this.ev(e.obj, env)
        const i = yield* this.ev(e.index, env)
        if (o instanceof KArray) {
          yield { obj: o.obj, w: false, what: `read ${o.obj}[${i}]` }
        }
        return this.index(e, o, i, env)
      }
      case 'member': {
        const o = yield* this.ev(e.obj, env)
        return yield* this.member(e, o, env)
      }
      case 'call': return yield* this.call(e, env)
      case 'fork': return yield* this.hooks.fork(this, e.body, env, e.pos, e.flags ? this.int(yield* this.ev(e.flags, env), env, e.flags.pos) : undefined)
      default: return this.pure(e, env)
    }
  }

  /** Synchronous evaluation of an expression with no scheduling point in it. */
  pure(e: Expr, env: Env): Value {
    switch (e.kind) {
      case 'int': return e.value
      case 'str': return e.value
      case 'sizeof': return e.value ?? 8n
      case 'type': return null
      case 'name': {
        const r = e.ref!
        switch (r.kind) {
          case 'local': {
            const v = env.frame[r.decl.slot!]
            // Reported once: the read leaves the zero value behind (SIM).
            return v instanceof Uninit ? (env.frame[r.decl.slot!] = this.uninitRead(v, e.ty)) : v ?? this.zero(e.ty)
          }
          case 'const': return r.value
          case 'func': return r.decl
          case 'global': return this.globals[r.decl.slot!]!
          case 'builtin':
            switch (r.name) {
              case 'current': return this.k.current
              case 'jiffies': return BigInt(this.k.jiffies)
              case 'errno': return env.th.errno
              case 'NULL': return null
              case 'true': return 1n
              case 'false': return 0n
              default: return this.prog.api.value(r.name)?.decl.read(this) ?? null
            }
        }
        break
      }
      case 'unary': return this.unary(e, this.pure(e.arg, env), env)
      case 'cast': return this.cast(e, this.pure(e.arg, env))
      case 'deref': return this.deref(e, this.pure(e.arg, env), env)
      case 'addr': {
        const a = e.arg
        if (a.kind !== 'name' || !a.ref) break
        const r = a.ref
        if (r.kind === 'func') return r.decl
        if (r.kind === 'global') return this.addrOfValue(a, this.globals[r.decl.slot!]!, env)
        if (r.kind === 'local') {
          const slot = r.decl.slot!
          const fr = env.frame
          const t = a.ty
          const get = (): Value => { const v = fr[slot]; return v instanceof Uninit ? (fr[slot] = this.uninitRead(v, t)) : v ?? null }
          if (t && t.k === 'int') return new IntRef(() => (get() ?? 0n) as bigint, (v) => { fr[slot] = convertInt(v, t) }, a.name)
          // SIM: a struct's address is the object itself, so &x of an uninitialised x reads it now.
          return this.addrOfValue(a, get(), env)
        }
        if (r.kind === 'builtin' && r.name === 'errno') {
          const th = env.th
          return new IntRef(() => th.errno, (v) => { th.errno = convertInt(v, T.int) }, 'errno')
        }
        break
      }
      case 'binary': return this.binary(e, this.pure(e.left, env), this.pure(e.right, env), env)
      case 'logical': {
        const a = truthy(this.pure(e.left, env))
        if (e.op === '&&' ? !a : a) return e.op === '&&' ? 0n : 1n
        return truthy(this.pure(e.right, env)) ? 1n : 0n
      }
      case 'cond': return truthy(this.pure(e.test, env)) ? this.pure(e.then, env) : this.pure(e.else, env)
      case 'index': return this.index(e, this.pure(e.obj, env), this.pure(e.index, env), env)
      case 'init': return null
      default: break
    }
    return this.err(env, e.pos, `internal: cannot evaluate ${e.kind} here`)
  }

  private unary(e: Extract<Expr, { kind: 'unary' }>, v: Value, env: Env): Value {
    if (e.op === '!') return truthy(v) ? 0n : 1n
    const x = this.int(v, env, e.pos)
    const u = e.ty?.k === 'int' && !e.ty.signed
    const w = (r: bigint): bigint => (u ? BigInt.asUintN(64, r) : BigInt.asIntN(64, r))
    switch (e.op) {
      case '-': return w(-x)
      case '+': return x
      case '~': return w(~x)
    }
  }

  private cast(e: Extract<Expr, { kind: 'cast' }>, v: Value): Value {
    const t = e.ty
    if (!t || t.k === 'void') return v
    if (t.k === 'int' && typeof v === 'bigint') return convertInt(v, t)
    if (t.k === 'ptr' && v === 0n) return null
    return v
  }

  int(v: Value, env: Env, pos: Pos): bigint {
    if (typeof v === 'bigint') return v
    return this.err(env, pos, 'internal: expected an integer')
  }

  private binary(e: Extract<Expr, { kind: 'binary' }>, a: Value, b: Value, env: Env): Value {
    const op = e.op
    if (typeof a !== 'bigint' || typeof b !== 'bigint') {
      // Pointer comparison: identity, with the literal 0 standing for NULL.
      const x = a === 0n ? null : a
      const y = b === 0n ? null : b
      const same = x === y || (x instanceof ErrPtr && y instanceof ErrPtr && x.err === y.err)
      return (op === '==' ? same : !same) ? 1n : 0n
    }
    const unsigned = e.opTy?.k === 'int' && !e.opTy.signed
    const wrap = (r: bigint): bigint => (unsigned ? BigInt.asUintN(64, r) : BigInt.asIntN(64, r))
    const x = unsigned ? BigInt.asUintN(64, a) : a
    const y = unsigned ? BigInt.asUintN(64, b) : b
    switch (op) {
      case '+': return wrap(x + y)
      case '-': return wrap(x - y)
      case '*': return wrap(x * y)
      case '/': if (y === 0n) this.err(env, e.pos, 'division by zero'); return wrap(x / y)
      case '%': if (y === 0n) this.err(env, e.pos, 'division by zero'); return wrap(x % y)
      case '<<': if (y < 0n || y > 63n) this.err(env, e.pos, `shift by ${y} (C leaves it undefined)`); return wrap(x << y)
      case '>>': if (y < 0n || y > 63n) this.err(env, e.pos, `shift by ${y} (C leaves it undefined)`); return wrap(x >> y)
      case '&': return wrap(x & y)
      case '|': return wrap(x | y)
      case '^': return wrap(x ^ y)
      case '==': return x === y ? 1n : 0n
      case '!=': return x !== y ? 1n : 0n
      case '<': return x < y ? 1n : 0n
      case '<=': return x <= y ? 1n : 0n
      case '>': return x > y ? 1n : 0n
      case '>=': return x >= y ? 1n : 0n
    }
  }

  private nullCheck(v: Value, env: Env, pos: Pos, what: string): void {
    if (v === null || v === 0n) this.err(env, pos, `NULL pointer dereference (${what})`)
    if (v instanceof ErrPtr) this.err(env, pos, `dereference of ERR_PTR(${v.err}) (${what}): check IS_ERR() first`)
    if (v instanceof LabStruct && v.freed) this.err(env, pos, `use after kfree of ${v.id} (${what})`)
  }

  private deref(e: Extract<Expr, { kind: 'deref' }>, v: Value, env: Env): Value {
    this.nullCheck(v, env, e.pos, '*')
    if (v instanceof IntRef) return v.get()
    return v
  }

  private *addr(e: Extract<Expr, { kind: 'addr' }>, env: Env): KGen<Value> {
    const a = e.arg
    if (a.kind === 'name' && a.ref?.kind === 'func') return a.ref.decl
    const t = a.ty
    if (t && t.k === 'int') {
      const ref = yield* this.lref(a, env)
      return new IntRef(() => ref.get() as bigint, (v) => ref.set(convertInt(v, t)), ref.what)
    }
    const v = yield* this.ev(a, env)
    return this.addrOfValue(a, v, env)
  }

  private addrOfValue(a: Expr, v: Value, env: Env): Value {
    if (v === null) this.err(env, a.pos, 'address of a missing object')
    return v
  }

  private index(e: Extract<Expr, { kind: 'index' }>, o: Value, iv: Value, env: Env): Value {
    const i = this.int(iv, env, e.pos)
    this.nullCheck(o, env, e.pos, 'index')
    const len = this.lengthOf(o)
    if (i < 0n || i >= BigInt(len)) this.err(env, e.pos, `index ${i} is out of bounds (length ${len})`)
    if (o instanceof KArray) return o.get(Number(i))
    if (typeof o === 'string') return BigInt(utf8Encode(o)[Number(i)] ?? 0)
    return convert(this.elem(o, Number(i)), e.ty)
  }

  lengthOf(o: Value): number {
    if (o instanceof Uint8Array || o instanceof BigInt64Array) return o.length
    if (o instanceof PtrArray) return o.items.length
    if (o instanceof KArray) return o.length()
    if (typeof o === 'string') return utf8Encode(o).length + 1
    return 0
  }

  private elem(o: Value, i: number): Value {
    if (o instanceof Uint8Array) return BigInt(o[i]!)
    if (o instanceof BigInt64Array) return o[i]!
    if (o instanceof PtrArray) return o.items[i]!
    return null
  }

  private storeElem(o: Value, i: number, v: Value, t: Ty | undefined, env: Env, pos: Pos): void {
    if (i < 0 || i >= this.lengthOf(o)) this.err(env, pos, `index ${i} is out of bounds (length ${this.lengthOf(o)})`)
    if (o instanceof Uint8Array) o[i] = Number(BigInt.asUintN(8, v as bigint))
    else if (o instanceof BigInt64Array) o[i] = BigInt.asIntN(64, convert(v, t) as bigint)
    else if (o instanceof PtrArray) o.items[i] = v
    else this.err(env, pos, 'this array is read-only')
  }

  // ---- members: lab structs and read-only kernel objects ----

  private *member(e: Extract<Expr, { kind: 'member' }>, o: Value, env: Env): KGen<Value> {
    this.nullCheck(o, env, e.pos, `${e.arrow ? '->' : '.'}${e.name}`)
    if (o instanceof LabStruct) {
      const f = this.prog.structs.get(o.name)!.fields.get(e.name)!
      return o.fields[f.index]!
    }
    return yield* this.kernelField(o as object, e, env)
  }

  /** A kernel struct field, read as its one declaration (kernel/api.ts KERNEL_FIELDS) says. */
  private *kernelField(o: object, e: Extract<Expr, { kind: 'member' }>, env: Env): KGen<Value> {
    const t = e.obj.ty
    const st = t && (t.k === 'ptr' ? t.to : t)
    const sname = st && st.k === 'struct' ? st.name : ''
    const id = (o as { id?: string }).id ?? sname
    const d = this.prog.api.field(sname, e.name)?.decl
    if (!d) return this.err(env, e.pos, `internal: no field ${e.name} on ${id}`)
    if (d.access !== 'none') {
      yield { obj: id, w: false, what: sname === 'task_struct' ? `read ${(o as Task).comm}->${e.name}` : `read ${id}->${e.name}` }
      // The memory is checked when the read happens, after the scheduling point before it.
      if (d.access === 'mem') checkFileMem(this.k, o as File, `lab C ${this.lineText(env.file, e.pos.line).slice(0, 60)} (${e.pos.line}:${e.pos.col})`)
    } else if (sname === 'file') {
      checkFileMem(this.k, o as File, `lab C ${this.lineText(env.file, e.pos.line).slice(0, 60)} (${e.pos.line}:${e.pos.col})`)
    }
    const v = d.read(o as never, this.k)
    if (typeof v === 'number') return BigInt(Math.trunc(v))
    if (typeof v === 'boolean') return v ? 1n : 0n
    if (v !== null && typeof v === 'object' && 'at' in v && 'length' in v && 'obj' in v) {
      const a = v as KernelArrayView
      return new KArray(a.obj, () => a.length(), (i) => a.at(i) as Value)
    }
    return v as Value
  }

  // ---- lvalues ----

  private *lref(e: Expr, env: Env): KGen<{ get(): Value; set(v: Value): void; what: string }> {
    switch (e.kind) {
      case 'name': {
        const r = e.ref!
        if (r.kind === 'local') {
          const slot = r.decl.slot!
          const fr = env.frame
          const t = e.ty
          return { get: () => { const v = fr[slot]; return v instanceof Uninit ? (fr[slot] = this.uninitRead(v, t)) : v ?? null }, set: (v) => { fr[slot] = v }, what: e.name }
        }
        if (r.kind === 'global') {
          const slot = r.decl.slot!
          return { get: () => this.globals[slot]!, set: (v) => { this.globals[slot] = v }, what: e.name }
        }
        if (r.kind === 'builtin' && r.name === 'errno') {
          const th = env.th
          return { get: () => th.errno, set: (v) => { th.errno = convertInt(v as bigint, T.int) }, what: 'errno' }
        }
        break
      }
      case 'index': {
        const o = yield* this.ev(e.obj, env)
        const i = this.int(yield* this.ev(e.index, env), env, e.pos)
        this.nullCheck(o, env, e.pos, 'index')
        const len = this.lengthOf(o)
        if (i < 0n || i >= BigInt(len)) this.err(env, e.pos, `index ${i} is out of bounds (length ${len})`)
        const idx = Number(i)
        if (typeof o === 'string') this.err(env, e.pos, 'a string literal is read-only')
        return { get: () => this.elem(o, idx), set: (v) => this.storeElem(o, idx, v, e.ty, env, e.pos), what: `[${idx}]` }
      }
      case 'member': {
        const o = yield* this.ev(e.obj, env)
        this.nullCheck(o, env, e.pos, `${e.arrow ? '->' : '.'}${e.name}`)
        if (o instanceof LabStruct) {
          const f = this.prog.structs.get(o.name)!.fields.get(e.name)!
          return { get: () => o.fields[f.index]!, set: (v) => { o.fields[f.index] = v }, what: `${o.id}.${e.name}` }
        }
        if (e.name === 'private_data') {
          const f = o as File
          checkFileMem(this.k, f, `lab C write of private_data (${e.pos.line}:${e.pos.col})`)
          return { get: () => (f.private_data ?? null) as Value, set: (v) => { f.private_data = v }, what: `${f.id}.private_data` }
        }
        break
      }
      case 'deref': {
        const v = yield* this.ev(e.arg, env)
        this.nullCheck(v, env, e.pos, '*')
        if (v instanceof IntRef) return { get: () => v.get(), set: (x) => v.set(x as bigint), what: v.what }
        break
      }
      default: break
    }
    return this.err(env, e.pos, 'internal: not an lvalue')
  }

  private *assign(e: Extract<Expr, { kind: 'assign' }>, ref: { get(): Value; set(v: Value): void; what: string }, v: Value, env: Env): KGen<Value> {
    const t = e.target.ty
    let nv: Value
    if (e.op === '=') nv = storeValue(v, t)
    else {
      const op = e.op.slice(0, -1) as Extract<Expr, { kind: 'binary' }>['op']
      const fake = { kind: 'binary', pos: e.pos, op, left: e.target, right: e.value, opTy: arith(t, e.value.ty) } as Extract<Expr, { kind: 'binary' }>
      nv = convert(this.binary(fake, ref.get(), v, env), t)
    }
    if (e.target.kind === 'name' && e.target.ref?.kind === 'global') yield { obj: `global:${e.target.name}`, w: true, what: `write ${e.target.name}` }
    ref.set(nv)
    return nv
  }

  private *incdec(e: Extract<Expr, { kind: 'incdec' }>, ref: { get(): Value; set(v: Value): void }, env: Env): KGen<Value> {
    const old = this.int(ref.get(), env, e.pos)
    const nv = convert(BigInt.asIntN(64, e.op === '++' ? old + 1n : old - 1n), e.target.ty) as bigint
    if (e.target.kind === 'name' && e.target.ref?.kind === 'global') yield { obj: `global:${e.target.name}`, w: true, what: `write ${e.target.name}` }
    ref.set(nv)
    return e.prefix ? nv : old
  }

  // ---- calls ----

  private *call(e: Extract<Expr, { kind: 'call' }>, env: Env): KGen<Value> {
    const target = e.target!
    if (target.kind === 'take') {
      // __get_and_null(var, leaves): the value, and the variable disarmed.
      const ref = yield* this.lref(e.args[0]!, env)
      const v = ref.get()
      ref.set(target.leaves)
      return v
    }
    if (target.kind === 'builtin' && target.name === 'container_of') {
      const p = yield* this.ev(e.args[0]!, env)
      this.nullCheck(p, env, e.pos, 'container_of')
      const c = this.containers.get(p as object)
      const want = (e.args[1]!.ty as { name?: string } | undefined)?.name
      const member = (e.args[2] as { name?: string }).name
      if (!c || c.owner.name !== want || c.field !== member) this.err(env, e.pos, `container_of: this pointer is not the ${member} member of a struct ${want}`)
      return c.owner
    }
    const args: Value[] = []
    for (const a of e.args) args.push(a.kind === 'type' ? null : yield* this.ev(a, env))
    if (target.kind === 'func') return yield* this.callLab(target.decl, args, env, e.pos)
    if (target.kind === 'pointer') {
      const f = yield* this.ev(e.callee, env)
      if (!isFunc(f)) return this.err(env, e.pos, 'call through a NULL function pointer')
      return yield* this.callLab(f, args, env, e.pos)
    }
    return yield* this.hooks.call(this, target.name, target.kind, args, e.args, env, e)
  }

  /** Call a lab function with already evaluated arguments. */
  *callLab(f: FuncDef, args: readonly Value[], env: Env, pos: Pos): KGen<Value> {
    const th = env.th
    if (th.depth >= this.opts.maxDepth) this.err(env, pos, `recursion limit: more than ${this.opts.maxDepth} nested lab C calls (in ${f.name}; a recursion that never ends?)`, 'recursion')
    const frame: Value[] = new Array(f.frameSize ?? f.params.length)
    f.params.forEach((p, i) => { frame[p.slot!] = convert(args[i] ?? null, p.ty) })
    th.depth++
    try {
      const c = yield* this.block(f.body!, { frame, th, file: this.prog.fileOf.get(f) ?? this.fileOfHook(f) ?? env.file })
      const ret = f.ty && f.ty.k === 'fn' ? f.ty.ret : T.void
      if (c instanceof Ret) return convert(c.value, ret)
      return ret.k === 'void' ? null : this.zero(ret)
    } finally {
      th.depth--
    }
  }

  private fileOfHook(f: FuncDef): string | undefined {
    if (!f.driver) return undefined
    const d = this.prog.drivers.find((x) => x.name === f.driver)
    return d ? this.prog.fileOf.get(d) : undefined
  }

  /** Run kernel code entered from the engine (a hook, a callback, a kthread body). */
  *kernelEntry<R>(g: KGen<R>, onError: R): KGen<R> {
    try {
      return yield* g
    } catch (e) {
      if (e instanceof LabCError && e.kernel && this.opts.containKernelErrors && !isLimitError(e)) {
        this.kernelErrors.push(e)
        return onError
      }
      throw e
    }
  }

  /** A kernel entry into lab code (hook, callback, kthread): a fresh kernel-mode thread state. */
  kernelEnv(file: string, frameSize: number): Env {
    return { frame: new Array(frameSize), th: { u: null, errno: 0n, depth: 0 }, file }
  }

  fileOf(f: FuncDef): string {
    return this.prog.fileOf.get(f) ?? this.fileOfHook(f) ?? ''
  }

  /** The file of a process, kthread or other top-level body. */
  fileOfDecl(d: VarDecl | object): string {
    return this.prog.fileOf.get(d as never) ?? ''
  }
}

function arith(a: Ty | undefined, b: Ty | undefined): Ty {
  const u = (t: Ty | undefined): boolean => !!t && t.k === 'int' && !t.signed && t.bits === 64
  return u(a) || u(b) ? T.ulong : T.long
}

/** The value stored by an assignment: struct and array values are copied, as in C. */
function storeValue(v: Value, t: Ty | undefined): Value {
  if (t && (t.k === 'struct' || t.k === 'array')) return copyValue(v)
  return convert(v, t)
}
