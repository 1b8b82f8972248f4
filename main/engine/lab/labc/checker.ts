/**
 * The lab C type checker: declarations, statements, bodies. It resolves every name against the
 * lab's declarations, the kernel API of the profile and the syscall table, annotates the tree
 * for the interpreter (types, slots, call targets) and reports every problem it finds.
 */
import { OVERRIDABLE_KERNEL_FUNCTIONS } from './overrides'
import type { Diagnostic } from '../diagnostics'
import type { Block, Expr, FuncDef, Pos, Stmt, TopDecl, Unit, VarDecl } from './ast'
import { kernelClass, kernelFree } from './classes'
import { blockTargets } from './walk'
import { PRELUDE, type LabApi } from './api'
import {
  BINDER_CLOSE_NAIVE, BINDER_FREE_FD, BINDER_RECV_FD, BINDER_SEND_FD, BINDER_SET_CONTEXT_MGR,
} from '../../kernel/drivers/android/binder'
import { type Program, type StructInfo } from './checkBase'
import { ExprChecker, isZeroLiteral } from './checkExpr'
import { inferModes } from './modes'
import { parseUnit } from './parser'
import { utf8Encode } from '../utf8'
import { assignable, isCharPtr, sameTy, T, tyToString, type Ty } from './types'

export type { Program, StructInfo } from './checkBase'

/** The file operations a lab driver may define, with their kernel signatures. */
export const FILE_OPERATIONS: Readonly<Record<string, string>> = {
  unlocked_ioctl: 'long unlocked_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)',
  flush: 'int flush(struct file *filp, fl_owner_t id)',
  release: 'int release(struct inode *inode, struct file *filp)',
  fasync: 'int fasync(int fd, struct file *filp, int on)',
  read: 'ssize_t read(struct file *filp, char *buf, size_t count, loff_t *pos)',
  write: 'ssize_t write(struct file *filp, const char *buf, size_t count, loff_t *pos)',
  llseek: 'loff_t llseek(struct file *filp, loff_t offset, int whence)',
  open: 'int open(struct inode *inode, struct file *filp)',
}
const HOOK_ALIASES: Readonly<Record<string, string>> = { ioctl: 'unlocked_ioctl' }

/** Engine devices a program can ask for by including their header. */
export const ENGINE_DEVICES: Readonly<Record<string, { name: string; path: string; constants: Readonly<Record<string, number>> }>> = {
  'linux/android/binder.h': {
    name: 'binder', path: '/dev/binder',
    constants: { BINDER_SET_CONTEXT_MGR, BINDER_SEND_FD, BINDER_RECV_FD, BINDER_FREE_FD, BINDER_CLOSE_NAIVE },
  },
}

/** Type-check the units of one program (a scenario or a test with its libraries and answer). */
export function checkProgram(units: readonly Unit[], api: LabApi, diags: Diagnostic[]): Program {
  const c = new Checker(api, diags)
  c.run(units)
  return c.prog
}

class Checker extends ExprChecker {
  private readonly labels = new Set<string>()

  run(units: readonly Unit[]): void {
    const pre: Diagnostic[] = []
    const all: { decl: TopDecl; file: string }[] = []
    for (const d of parseUnit(PRELUDE, '<prelude>', pre).decls) all.push({ decl: d, file: '<prelude>' })
    for (const u of units) for (const d of u.decls) all.push({ decl: d, file: u.file })
    for (const x of all) this.prog.fileOf.set(x.decl, x.file)
    for (const u of units) for (const inc of u.includes ?? []) this.include(inc.header)
    this.collect(all)
    inferModes(all, this.prog.funcs, new Set(this.prog.globals.map((g) => g.name)), this.api, this.diags)
    for (const { decl, file } of all) {
      this.file = file
      switch (decl.kind) {
        case 'func': if (decl.body) this.funcBody(decl); break
        case 'driver': for (const h of decl.hooks) this.funcBody(h); break
        case 'process': {
          for (const c of decl.caps ?? []) {
            if (c.name !== 'CAP_SYS_RESOURCE') this.err(c.pos, 'unsupported', `process ${decl.name}(${c.name}): lab C models only CAP_SYS_RESOURCE (raise the hard RLIMIT_NOFILE)`)
          }
          const ctx = this.enterBody('user', `process ${decl.name}`, null, true)
          this.block(decl.body, false)
          this.checkJumps(decl.body)
          decl.frameSize = ctx.frame.size
          break
        }
        case 'kthread': {
          const ctx = this.enterBody('kernel', `kthread ${decl.name}`, null, false)
          this.block(decl.body, false)
          this.checkJumps(decl.body)
          decl.frameSize = ctx.frame.size
          break
        }
        default: break
      }
      this.ctx = null
    }
  }

  /** Headers that bring an engine device: its constants become names, the loader registers it. */
  private include(header: string): void {
    const dev = ENGINE_DEVICES[header.replace(/^uapi\//, '')]
    if (!dev || this.prog.devices.has(dev.name)) return
    this.prog.devices.add(dev.name)
    for (const [k, v] of Object.entries(dev.constants)) if (!this.prog.consts.has(k)) this.prog.consts.set(k, BigInt(v))
  }

  /** First pass: every top-level name, so that order of declaration does not matter. */
  private collect(all: readonly { decl: TopDecl; file: string }[]): void {
    const p = this.prog
    const seen = new Map<string, string>()
    const unique = (kind: string, name: string, pos: { line: number; col: number }): boolean => {
      const key = `${kind === 'process' || kind === 'kthread' ? 'task' : kind === 'driver' ? 'driver' : 'name'}:${name}`
      const prev = seen.get(key)
      if (prev) { this.err(pos, 'redefined', `'${name}' is already defined (as a ${prev})`); return false }
      seen.set(key, kind)
      return true
    }
    // Structs first (types), then constants in order, then functions and globals.
    for (const { decl, file } of all) {
      this.file = file
      if (decl.kind === 'struct' && unique('struct', `struct ${decl.name}`, decl.pos)) {
        if (this.api.isKernelStruct(decl.name)) { this.err(decl.pos, 'redefined', `struct ${decl.name} is a kernel struct`); continue }
        p.structs.set(decl.name, { name: decl.name, fields: new Map(), order: [], builtin: file === '<prelude>', pos: decl.pos })
      }
    }
    for (const { decl, file } of all) {
      this.file = file
      if (decl.kind !== 'struct') continue
      const s = p.structs.get(decl.name)
      if (!s || s.order.length) continue
      for (const f of decl.fields) {
        let ty = this.resolveTy(f.type)
        if (f.arrayLen !== null) {
          const n = f.arrayLen === 'auto' ? null : this.constValue(f.arrayLen, 'an array length')
          if (f.arrayLen === 'auto') this.err(f.pos, 'syntax', 'a struct field array needs a length')
          ty = { k: 'array', elem: ty, len: n === null ? 1 : Number(n) }
        }
        if (ty.k === 'void') this.err(f.pos, 'type-mismatch', `field '${f.name}' cannot be void`)
        if (ty.k === 'struct' && ty.name === decl.name) { this.err(f.pos, 'type-mismatch', `struct ${decl.name} cannot contain itself`); continue }
        if (s.fields.has(f.name)) { this.err(f.pos, 'redefined', `duplicate member '${f.name}'`); continue }
        f.ty = ty
        s.fields.set(f.name, { ty, index: s.order.length, pos: f.pos })
        s.order.push(f.name)
      }
    }
    for (const { decl, file } of all) {
      this.file = file
      if (decl.kind === 'enum') {
        let next = 0n
        for (const it of decl.items) {
          const v = it.value ? this.constValue(it.value, `the value of ${it.name}`) ?? next : next
          if (unique('constant', it.name, it.pos)) p.consts.set(it.name, v)
          next = BigInt.asIntN(64, v + 1n)
        }
      } else if (decl.kind === 'define') {
        const v = this.constValue(decl.value, `#define ${decl.name}`)
        if (unique('constant', decl.name, decl.pos) && v !== null) p.consts.set(decl.name, v)
      }
    }
    for (const { decl, file } of all) {
      this.file = file
      switch (decl.kind) {
        case 'func': this.signature(decl, unique); break
        case 'global': {
          if (!unique('global variable', decl.decl.name, decl.pos)) break
          this.globalDecl(decl.decl)
          break
        }
        case 'process': case 'kthread':
          if (unique(decl.kind, decl.name, decl.pos)) (decl.kind === 'process' ? p.processes : p.kthreads).push(decl as never)
          break
        case 'driver': {
          if (!unique('driver', decl.name, decl.pos)) break
          p.drivers.push(decl)
          const hooks = new Set<string>()
          for (const h of decl.hooks) {
            const op = HOOK_ALIASES[h.name] ?? h.name
            if (hooks.has(op)) this.err(h.pos, 'redefined', `driver ${decl.name} defines ${op} twice`)
            hooks.add(op)
            this.hookSignature(decl.name, h, op)
          }
          break
        }
        default: break
      }
    }
  }

  private signature(f: FuncDef, unique: (kind: string, name: string, pos: { line: number; col: number }) => boolean): void {
    const params = f.params.map((q) => { const t = this.resolveTy(q.type); q.ty = t; return t })
    const ret = this.resolveTy(f.ret)
    f.ty = { k: 'fn', params, ret, variadic: f.variadic }
    if (f.variadic) this.err(f.pos, 'unsupported', 'lab C functions cannot be variadic')
    const prev = this.prog.funcs.get(f.name)
    if (prev) {
      // A prototype followed by the definition (or the reverse) is fine when they agree.
      if (prev.body && f.body) { this.err(f.pos, 'redefined', `function '${f.name}' is already defined at ${prev.pos.line}:${prev.pos.col}`); return }
      if (prev.ty && !sameTy(prev.ty, f.ty)) this.err(f.pos, 'type-mismatch', `'${f.name}' was declared as ${tyToString(prev.ty)}`)
      if (f.body) this.prog.funcs.set(f.name, f)
      return
    }
    if (!unique('function', f.name, f.pos)) return
    if (this.api.fn(f.name)?.kind === 'kernel' && !OVERRIDABLE_KERNEL_FUNCTIONS.includes(f.name)) {
      this.err(f.pos, 'shadow', `'${f.name}' hides the kernel function of the same name from lab code only: the engine's kernel paths (system calls, drivers, task work) still call the kernel's own ${f.name}, never this one; rename it (only ${OVERRIDABLE_KERNEL_FUNCTIONS.join(', ')} can replace the engine's)`, 'warning')
    }
    this.prog.funcs.set(f.name, f)
  }

  private hookSignature(driver: string, h: FuncDef, op: string): void {
    const params = h.params.map((q) => { const t = this.resolveTy(q.type); q.ty = t; return t })
    const ret = this.resolveTy(h.ret)
    h.ty = { k: 'fn', params, ret, variadic: false }
    const want = FILE_OPERATIONS[op]
    if (!want) {
      this.err(h.pos, 'unknown-name', `'${h.name}' is not a file operation lab C drivers support (${[...Object.keys(FILE_OPERATIONS), 'ioctl'].join(', ')})`)
      return
    }
    const proto = parseUnit(want + ';', '<fops>', []).decls[0] as FuncDef
    const wantParams = proto.params.map((q) => this.resolveTy(q.type))
    if (params.length !== wantParams.length) {
      this.err(h.pos, 'arg-count', `driver ${driver}: ${op} takes ${wantParams.length} parameters: ${want}`)
      return
    }
    params.forEach((t, i) => {
      const w = wantParams[i]!
      const ok = (t.k === 'int' && w.k === 'int') || sameTy(t, w) || (t.k === 'ptr' && w.k === 'ptr' && (t.to.k === 'void' || w.to.k === 'void'))
      if (!ok) this.err(h.params[i]!.pos, 'type-mismatch', `driver ${driver}: parameter ${i + 1} of ${op} is ${tyToString(w)}, not ${tyToString(t)} (${want})`)
    })
    if (ret.k !== 'int' && ret.k !== 'err') this.err(h.pos, 'type-mismatch', `driver ${driver}: ${op} returns an integer (${want})`)
  }

  private globalDecl(d: VarDecl): void {
    let ty = this.resolveTy(d.type)
    if (ty.k === 'void') { this.err(d.pos, 'type-mismatch', `variable '${d.name}' cannot be void`); ty = T.err }
    ty = this.arrayTy(d, ty)
    d.ty = ty
    d.slot = this.prog.globals.length
    this.prog.globals.push(d)
    if (d.init) {
      this.enterBody('kernel', `the initializer of ${d.name}`, null, false)
      this.initializer(ty, d.init, true)
      this.ctx = null
    }
  }

  private arrayTy(d: VarDecl, elem: Ty): Ty {
    if (d.arrayLen === null) return elem
    let len: number
    if (d.arrayLen === 'auto') {
      const init = d.init
      if (init?.kind === 'init') len = init.items.length
      else if (init?.kind === 'str') len = utf8Encode(init.value).length + 1
      else { this.err(d.pos, 'syntax', `array '${d.name}' needs a length or an initializer`); len = 1 }
    } else {
      const v = this.constValue(d.arrayLen, 'an array length')
      len = v === null ? 1 : Number(v)
    }
    if (len <= 0 || len > 1 << 20) { this.err(d.pos, 'type-mismatch', `array '${d.name}' length must be between 1 and ${1 << 20}`); len = 1 }
    if (elem.k === 'array' || elem.k === 'void') this.err(d.pos, 'unsupported', `arrays of ${tyToString(elem)} are not supported`)
    return { k: 'array', elem, len }
  }

  private initializer(ty: Ty, init: Expr, constant: boolean): void {
    if (init.kind === 'init') {
      init.ty = ty
      if (ty.k === 'array') {
        if (init.items.length > ty.len) this.err(init.pos, 'type-mismatch', `too many initializers for ${tyToString(ty)}`)
        init.items.forEach((x, i) => {
          if (init.fields[i]) this.err(x.pos, 'syntax', 'designated initializers name struct members, not array elements')
          this.initializer(ty.elem, x, constant)
        })
        return
      }
      if (ty.k === 'struct') {
        const s = this.prog.structs.get(ty.name)
        if (!s) { this.err(init.pos, 'type-mismatch', `${tyToString(ty)} cannot be initialized with a list`); return }
        let pos = 0
        init.items.forEach((x, i) => {
          const fname = init.fields[i] ?? s.order[pos]
          const f = fname === undefined ? undefined : s.fields.get(fname)
          if (!f) { this.err(x.pos, 'unknown-field', fname ? `struct ${s.name} has no member '${fname}'` : `too many initializers for struct ${s.name}`); return }
          pos = f.index + 1
          this.initializer(f.ty, x, constant)
        })
        return
      }
      this.err(init.pos, 'type-mismatch', `${tyToString(ty)} cannot be initialized with a list`)
      return
    }
    if (ty.k === 'array') {
      if (init.kind === 'str' && ty.elem.k === 'int' && ty.elem.bits === 8) {
        init.ty = T.str
        if (utf8Encode(init.value).length + 1 > ty.len) this.err(init.pos, 'type-mismatch', `the string does not fit in ${tyToString(ty)}`)
        return
      }
      this.expr(init)
      this.err(init.pos, 'type-mismatch', `an array is initialized with { ... }${ty.elem.k === 'int' && ty.elem.bits === 8 ? ' or a string' : ''}`)
      return
    }
    const t = this.expr(init)
    const why = assignable(ty, t, isZeroLiteral(init))
    if (why) this.err(init.pos, 'type-mismatch', why)
    if (constant && t.k === 'int' && init.kind !== 'int') this.constValue(init, 'a global initializer')
    else if (constant && !['int', 'str', 'name', 'unary', 'cast'].includes(init.kind)) this.err(init.pos, 'type-mismatch', 'a global initializer must be a constant')
  }

  private funcBody(f: FuncDef): void {
    const ret = f.ty && f.ty.k === 'fn' ? f.ty.ret : T.err
    const mode = f.mode ?? 'any'
    const ctx = this.enterBody(mode, `function ${f.name}`, ret, mode === 'user')
    for (const q of f.params) {
      let t = q.ty ?? T.err
      if (t.k === 'void') { this.err(q.pos, 'type-mismatch', `parameter '${q.name}' cannot be void`); t = T.err }
      if (!q.name) this.err(q.pos, 'syntax', 'a parameter needs a name in a function definition')
      if (mode === 'user' && this.isKernelTy(t)) this.err(q.pos, 'wrong-context', `${tyToString(t)} is a kernel object: user code cannot hold one`)
      q.slot = this.declareLocal(q.name, t, q, q.pos).slot
    }
    this.block(f.body!, false)
    this.checkJumps(f.body!)
    f.frameSize = ctx.frame.size
    if (ret.k !== 'void' && ret.k !== 'err' && !endsWithReturn(f.body!)) {
      this.err(f.body!.end, 'missing-return', `'${f.name}' can reach its end without returning a value (it would return 0)`, 'warning')
    }
  }

  // ---- statements ----
  private block(b: Block, scope = true): void {
    if (scope) this.pushScope()
    for (const s of b.body) this.stmt(s)
    if (scope) this.popScope()
  }

  private sub(s: Stmt): void {
    this.pushScope()
    this.stmt(s)
    this.popScope()
  }

  private stmt(s: Stmt): void {
    const ctx = this.ctx!
    switch (s.kind) {
      case 'block': this.block(s); return
      case 'decl': this.localDecl(s); return
      case 'thread': {
        if (!ctx.user) this.err(s.pos, 'wrong-context', 'thread NAME { ... } is only allowed in process, thread and fork bodies')
        s.ty = T.int
        s.slot = this.declareLocal(s.name, T.int, s, s.pos).slot
        this.nested(s.body)
        return
      }
      case 'expr': this.expr(s.expr); return
      case 'if': this.scalar(s.test, 'the condition of if'); this.sub(s.then); if (s.else) this.sub(s.else); return
      case 'while': case 'dowhile':
        this.scalar(s.test, `the condition of ${s.kind === 'while' ? 'while' : 'do-while'}`)
        ctx.loops++; ctx.breakable++
        this.sub(s.body)
        ctx.loops--; ctx.breakable--
        return
      case 'for':
        this.pushScope()
        if (s.init) this.stmt(s.init)
        if (s.test) this.scalar(s.test, 'the condition of for')
        if (s.update) this.expr(s.update)
        ctx.loops++; ctx.breakable++
        this.sub(s.body)
        ctx.loops--; ctx.breakable--
        this.popScope()
        return
      case 'switch': {
        this.intExpr(s.test, 'the value of switch')
        const seen = new Set<bigint>()
        let dflt = false
        ctx.breakable++
        this.pushScope()
        for (const c of s.cases) {
          if (c.test) {
            const v = this.constValue(c.test, 'a case label')
            if (v !== null) {
              if (seen.has(v)) this.err(c.pos, 'redefined', `duplicate case value ${v}`)
              seen.add(v)
              c.value = v
            }
          } else {
            if (dflt) this.err(c.pos, 'redefined', "duplicate 'default'")
            dflt = true
          }
          for (const x of c.body) this.stmt(x)
        }
        this.popScope()
        ctx.breakable--
        return
      }
      case 'break': if (!ctx.breakable) this.err(s.pos, 'bad-statement', "'break' outside a loop or switch"); return
      case 'continue': if (!ctx.loops) this.err(s.pos, 'bad-statement', "'continue' outside a loop"); return
      case 'return': this.returnStmt(s); return
      case 'exec': {
        if (!ctx.user) this.err(s.pos, 'wrong-context', 'exec(...) is only allowed in process, thread and fork bodies')
        if (s.args.length < 1) this.err(s.pos, 'arg-count', 'exec takes a path: exec("/bin/prog") { new image }')
        s.args.forEach((a, i) => {
          const t = this.expr(a)
          if (t.k !== 'err' && !isCharPtr(t)) this.err(a.pos, 'type-mismatch', `argument ${i + 1} of exec must be a string`)
        })
        if (s.image) {
          const saved = this.ctx!
          const ctx2 = this.enterBody('user', 'exec image', null, true, undefined, [...saved.scopes, new Map()])
          // The new image's main(argc, argv): argv[0] is the path, then the arguments, then NULL.
          const argvTy: Ty = { k: 'array', elem: T.str, len: s.args.length + 1 }
          const synth = (name: string, ty: Ty): VarDecl => ({ kind: 'decl', pos: s.pos, type: { pos: s.pos, base: 'int', ptr: 0, isConst: false }, name, arrayLen: null, init: null, isStatic: false, ty })
          const argc = synth('argc', T.int)
          const argv = synth('argv', argvTy)
          s.argcSlot = argc.slot = this.declareLocal('argc', T.int, argc, s.pos).slot
          s.argvSlot = argv.slot = this.declareLocal('argv', argvTy, argv, s.pos).slot
          this.block(s.image, false)
          this.checkJumps(s.image)
          s.frameSize = ctx2.frame.size
          this.ctx = saved
        }
        return
      }
      case 'goto': case 'target': return // checkJumps, per body
      case 'label':
        if (this.labels.has(s.name)) this.err(s.pos, 'redefined', `label '${s.name}' is used twice: run-to-label would be ambiguous`, 'warning')
        this.labels.add(s.name)
        return
      case 'expect': this.scalar(s.cond, 'the condition of expect'); return
      case 'empty': return
    }
  }

  private nested(body: Block): void {
    const ctx = this.ctx!
    const saved = { loops: ctx.loops, breakable: ctx.breakable, ret: ctx.ret, mode: ctx.mode, user: ctx.user }
    ctx.loops = 0; ctx.breakable = 0; ctx.ret = null
    this.block(body)
    this.checkJumps(body, 'thread or fork body')
    Object.assign(ctx, saved)
  }

  /**
   * goto and its targets in one body (a function, process, thread, fork child, exec image): every
   * goto names a target of this body that lies in a block enclosing the goto (possibly nested in
   * plain { } blocks there), so the interpreter can leave scopes outward and enter blocks inward.
   * Jumping into an if, loop or switch body is not supported; jumping past a declaration is
   * allowed, as in C, and leaves that variable uninitialised (the run reports a read of it).
   */
  private checkJumps(body: Block, what = this.ctx?.what ?? 'body'): void {
    const all = new Map<string, Pos>()
    // Every target of this body (not of nested thread/fork/exec bodies), for duplicates and messages.
    const collect = (x: Stmt): void => {
      switch (x.kind) {
        case 'target': {
          const prev = all.get(x.name)
          if (prev) this.err(x.pos, 'redefined', `label '${x.name}' is already defined at ${prev.line}:${prev.col}`)
          else all.set(x.name, x.pos)
          return
        }
        case 'block': for (const y of x.body) collect(y); return
        case 'if': collect(x.then); if (x.else) collect(x.else); return
        case 'while': case 'dowhile': collect(x.body); return
        case 'for': if (x.init) collect(x.init); collect(x.body); return
        case 'switch': for (const c of x.cases) for (const y of c.body) collect(y); return
        default: return
      }
    }
    collect(body)
    const used = new Set<string>()
    const visit = (s: Stmt, stack: Block[]): void => {
      switch (s.kind) {
        case 'block': { const st = [...stack, s]; for (const x of s.body) visit(x, st); return }
        case 'goto': {
          used.add(s.name)
          if (stack.some((b) => blockTargets(b).has(s.name))) return
          if (all.has(s.name)) this.err(s.pos, 'unsupported', `goto ${s.name}: lab C jumps only to a label in an enclosing { } block (not into an if, loop or switch body)`)
          else this.err(s.pos, 'unknown-name', `goto ${s.name}: no label '${s.name}:' in this ${what}`)
          return
        }
        case 'if': visit(s.then, stack); if (s.else) visit(s.else, stack); return
        case 'while': case 'dowhile': visit(s.body, stack); return
        case 'for': if (s.init) visit(s.init, stack); visit(s.body, stack); return
        case 'switch': for (const c of s.cases) for (const x of c.body) visit(x, stack); return
        default: return
      }
    }
    visit(body, [])
    for (const [name, pos] of all) if (!used.has(name)) this.err(pos, 'bad-statement', `label '${name}' defined but not used`, 'warning')
  }

  override checkForkBody(e: Extract<Expr, { kind: 'fork' }>): void {
    this.nested(e.body)
  }

  private returnStmt(s: Extract<Stmt, { kind: 'return' }>): void {
    const ctx = this.ctx!
    if (ctx.ret === null) {
      if (s.value) this.intExpr(s.value, `the exit status of ${ctx.what}`)
      return
    }
    if (ctx.ret.k === 'void') {
      if (s.value) { this.expr(s.value); this.err(s.value.pos, 'type-mismatch', `${ctx.what} returns void`) }
      return
    }
    if (!s.value) { if (ctx.ret.k !== 'err') this.err(s.pos, 'type-mismatch', `${ctx.what} must return ${tyToString(ctx.ret)}`); return }
    const t = this.expr(s.value)
    const why = assignable(ctx.ret, t, isZeroLiteral(s.value))
    if (why) this.err(s.value.pos, 'type-mismatch', `return value of ${ctx.what}: ${why}`)
  }

  private localDecl(d: VarDecl): void {
    const ctx = this.ctx!
    if (d.isStatic) this.err(d.pos, 'unsupported', 'static local variables are not supported: use a global variable')
    let ty = this.resolveTy(d.type)
    if (ty.k === 'void') { this.err(d.pos, 'type-mismatch', `variable '${d.name}' cannot be void`); ty = T.err }
    if (ctx.mode === 'user' && this.isKernelTy(ty)) {
      this.err(d.type.pos, 'wrong-context', `${tyToString(ty)} is a kernel object: user code cannot hold one (it sees fds)`)
    }
    ty = this.arrayTy(d, ty)
    if (d.cleanup?.kind === 'class' || d.cleanup?.kind === 'free') {
      const free = d.cleanup.kind === 'free'
      const c = free ? kernelFree((d.cleanup as { name: string }).name)! : kernelClass((d.cleanup as { cls: string }).cls)!
      const what = free ? `__free(${c.name})` : `CLASS(${c.name})`
      if (c.profiles && !c.profiles.includes(this.api.profile)) {
        this.err(free ? (d.cleanup as { namePos: Pos }).namePos : d.pos, 'not-in-profile', `${what} is not defined in kernel ${this.api.profile} (only in ${c.profiles.join(', ')})`)
      }
    }
    if (d.init) this.initializer(ty, d.init, false)
    d.ty = ty
    d.slot = this.declareLocal(d.name, ty, d, d.pos).slot
    if (d.cleanupStmt) {
      if (d.cleanup?.kind === 'attr' && !this.prog.funcs.has(d.cleanup.fn)) {
        this.err(d.cleanup.fnPos, 'unknown-name', `the cleanup function '${d.cleanup.fn}' must be a lab function taking a pointer to the variable (${tyToString(ty)} *)`)
      } else this.stmt(d.cleanupStmt)
    }
  }
}

function endsWithReturn(s: Stmt): boolean {
  switch (s.kind) {
    case 'return': return true
    case 'block': return s.body.length > 0 && endsWithReturn(s.body[s.body.length - 1]!)
    case 'if': return s.else !== null && endsWithReturn(s.then) && endsWithReturn(s.else)
    case 'while': return s.test.kind === 'int' && s.test.value !== 0n
    case 'for': return s.test === null
    case 'switch': return s.cases.some((c) => !c.test) && s.cases.every((c) => c.body.length > 0 && endsWithReturn(c.body[c.body.length - 1]!))
    case 'expr': return s.expr.kind === 'call' && s.expr.callee.kind === 'name' && ['BUG_ON', 'exit', '_exit'].includes(s.expr.callee.name) && s.expr.callee.name !== 'BUG_ON'
    default: return false
  }
}

export type { LabApi }
