/**
 * Lab C expression checking: name resolution, types, calls against the kernel API and the
 * syscall table of the lab's profile, and where user and kernel code may go.
 */
import type { Expr, FuncDef, Pos } from './ast'
import type { ApiFn } from './api'
import { kernelTake, type KernelTake } from './classes'
import { EBADF } from '../../kernel/include/errno'
import { CheckerBase, type Mode } from './checkBase'
import {
  arithTy, assignable, isCharPtr, isInt, isPtrLike, isScalar, sizeOfTy, T, tyToString, type Ty,
} from './types'

const BUILTIN_NAMES: Record<string, { ty: Ty; mode: Mode; doc: string }> = {
  current: { ty: T.sptr('task_struct'), mode: 'kernel', doc: 'the running task' },
  jiffies: { ty: T.ulong, mode: 'kernel', doc: 'the logical clock' },
  errno: { ty: T.int, mode: 'user', doc: 'the error number of the last failed system call' },
  NULL: { ty: T.null, mode: 'any', doc: 'the null pointer' },
  true: { ty: T.bool, mode: 'any', doc: '1' },
  false: { ty: T.bool, mode: 'any', doc: '0' },
}
export const BUILTIN_VALUE_NAMES: readonly string[] = Object.keys(BUILTIN_NAMES)

export function isZeroLiteral(e: Expr): boolean {
  return (e.kind === 'int' && e.value === 0n) || (e.kind === 'cast' && isZeroLiteral(e.arg))
}

export class ExprChecker extends CheckerBase {
  /** Check a lab C body (statement checker, defined in checker.ts). */
  checkForkBody(_e: Extract<Expr, { kind: 'fork' }>): void { /* overridden */ }

  expr(e: Expr): Ty {
    const t = this.exprInner(e)
    e.ty = t
    return t
  }

  /** A condition (if, while, &&, !): an integer or a pointer. */
  scalar(e: Expr, what: string): Ty {
    const t = this.expr(e)
    if (!isScalar(t)) this.err(e.pos, 'type-mismatch', `${what} must be an integer or a pointer, not ${tyToString(t)}`)
    return t
  }

  intExpr(e: Expr, what: string): Ty {
    const t = this.expr(e)
    if (t.k !== 'int' && t.k !== 'err') this.err(e.pos, 'type-mismatch', `${what} must be an integer, not ${tyToString(t)}`)
    return t
  }

  private modeErr(pos: Pos, name: string, kind: 'kernel' | 'user', what: string): void {
    if (kind === 'kernel') {
      this.err(pos, 'wrong-context', `'${name}' is ${what}: user code reaches the kernel only through system calls (libc conventions: -1 and errno)`)
    } else {
      this.err(pos, 'wrong-context', `'${name}' is ${what}: kernel code calls the kernel API (kernel conventions: negative errno, NULL)`)
    }
  }

  private exprInner(e: Expr): Ty {
    const ctx = this.ctx!
    switch (e.kind) {
      case 'int': return e.value >= -(1n << 31n) && e.value < 1n << 31n ? T.int : T.long
      case 'str': return T.str
      case 'name': return this.name(e)
      case 'unary': {
        if (e.op === '!') { this.scalar(e.arg, "the operand of '!'"); return T.int }
        const t = this.intExpr(e.arg, `the operand of '${e.op}'`)
        return arithTy(t, t)
      }
      case 'binary': return this.binary(e)
      case 'logical':
        this.scalar(e.left, `the left operand of '${e.op}'`)
        this.scalar(e.right, `the right operand of '${e.op}'`)
        return T.int
      case 'assign': {
        const tt = this.lvalue(e.target)
        const vt = this.expr(e.value)
        if (e.op === '=') {
          const why = assignable(tt, vt, isZeroLiteral(e.value))
          if (why) this.err(e.value.pos, 'type-mismatch', why)
        } else {
          if (tt.k !== 'int' && tt.k !== 'err') this.err(e.target.pos, 'type-mismatch', `'${e.op}' needs an integer on the left, not ${tyToString(tt)}`)
          if (vt.k !== 'int' && vt.k !== 'err') this.err(e.value.pos, 'type-mismatch', `'${e.op}' needs an integer on the right, not ${tyToString(vt)}`)
        }
        return tt
      }
      case 'incdec': {
        const t = this.lvalue(e.target)
        if (t.k !== 'int' && t.k !== 'err') this.err(e.pos, 'type-mismatch', `'${e.op}' needs an integer, not ${tyToString(t)}`)
        return t
      }
      case 'cond': {
        this.scalar(e.test, 'the condition')
        const a = this.expr(e.then), b = this.expr(e.else)
        if (a.k === 'int' && b.k === 'int') return arithTy(a, b)
        if (a.k === 'err' || b.k === 'err') return T.err
        if (b.k === 'null' || isZeroLiteral(e.else)) return a
        if (a.k === 'null' || isZeroLiteral(e.then)) return b
        if (!assignable(a, b) && !assignable(b, a)) return a.k === 'ptr' && a.to.k === 'void' ? b : a
        this.err(e.pos, 'type-mismatch', `the two branches of '?:' have different types: ${tyToString(a)} and ${tyToString(b)}`)
        return T.err
      }
      case 'call': return this.call(e)
      case 'index': {
        const ot = this.expr(e.obj)
        this.intExpr(e.index, 'an array index')
        if (ot.k === 'array') return ot.elem
        if (ot.k === 'ptr' && (ot.to.k === 'int' || ot.to.k === 'ptr')) return ot.to
        if (ot.k !== 'err') this.err(e.pos, 'type-mismatch', `cannot index ${tyToString(ot)}`)
        return T.err
      }
      case 'member': return this.member(e)
      case 'cast': {
        const to = this.resolveTy(e.type)
        const from = this.expr(e.arg)
        if (to.k === 'void' || to.k === 'err' || from.k === 'err') return to
        if (to.k === 'int' && from.k === 'int') return to
        if (to.k === 'ptr' && (isPtrLike(from) || isZeroLiteral(e.arg))) {
          if (from.k === 'ptr' && from.to.k !== 'void' && to.to.k !== 'void' && assignable(to, from)) {
            this.err(e.pos, 'type-mismatch', `cannot cast ${tyToString(from)} to ${tyToString(to)}: lab C objects have one type (use container_of)`)
          }
          return to
        }
        this.err(e.pos, 'type-mismatch', `cannot cast ${tyToString(from)} to ${tyToString(to)}`)
        return to
      }
      case 'sizeof': {
        const t = e.type ? this.resolveTy(e.type) : this.expr(e.arg!)
        e.value = BigInt(sizeOfTy(t, this.sizeofStruct))
        return INT_SIZE_T
      }
      case 'fork':
        if (!ctx.user) this.err(e.pos, 'wrong-context', `${e.flags ? 'clone(FLAGS)' : 'fork'} { ... } is only allowed in process, thread and fork bodies`)
        if (e.flags) this.intExpr(e.flags, 'the flags of clone')
        this.checkForkBody(e)
        return T.int
      case 'addr': {
        const a = e.arg
        if (a.kind === 'name' && !this.lookupLocal(a.name) && this.prog.funcs.has(a.name)) {
          const f = this.expr(a)
          return f.k === 'fn' ? { k: 'ptr', to: f } : T.err
        }
        const t = this.lvalue(a, true)
        if (t.k === 'struct' || t.k === 'int' || t.k === 'err') return t.k === 'err' ? t : T.ptr(t)
        this.err(e.pos, 'unsupported', `cannot take the address of ${tyToString(t)}`)
        return T.err
      }
      case 'deref': {
        const t = this.expr(e.arg)
        if (t.k === 'ptr' && t.to.k !== 'void') return t.to
        if (t.k !== 'err') this.err(e.pos, 'type-mismatch', `cannot dereference ${tyToString(t)}`)
        return T.err
      }
      case 'init':
        this.err(e.pos, 'syntax', 'an initializer list is only allowed in a declaration')
        for (const x of e.items) this.expr(x)
        return T.err
      case 'type':
        this.err(e.pos, 'syntax', 'a type is only allowed as an argument of container_of() and sizeof()')
        return T.err
    }
  }

  private name(e: Extract<Expr, { kind: 'name' }>): Ty {
    const ctx = this.ctx!
    const l = this.lookupLocal(e.name)
    if (l) {
      if (l.frame !== ctx.frame.id) {
        this.err(e.pos, 'unknown-name', `'${e.name}' belonged to the program image that exec replaced`)
        return T.err
      }
      e.ref = { kind: 'local', decl: l.decl }
      return l.ty
    }
    const c = this.prog.consts.get(e.name)
    if (c !== undefined) { e.ref = { kind: 'const', value: c }; return c >= -(1n << 31n) && c < 1n << 31n ? T.int : T.long }
    const g = this.prog.globals.find((x) => x.name === e.name)
    if (g) {
      if (ctx.mode === 'user') this.err(e.pos, 'wrong-context', `'${e.name}' is a kernel global variable: user code cannot read kernel memory`)
      e.ref = { kind: 'global', decl: g }
      return g.ty ?? T.err
    }
    const f = this.prog.funcs.get(e.name)
    if (f) { e.ref = { kind: 'func', decl: f }; return f.ty ?? T.err }
    const b = BUILTIN_NAMES[e.name]
    if (b) {
      if (b.mode === 'kernel' && ctx.mode === 'user') this.modeErr(e.pos, e.name, 'kernel', 'kernel state')
      if (b.mode === 'user' && ctx.mode === 'kernel') this.modeErr(e.pos, e.name, 'user', 'a user-space variable')
      e.ref = { kind: 'builtin', name: e.name }
      return b.ty
    }
    const kv = this.api.value(e.name)
    if (kv) {
      if (ctx.mode === 'user') this.modeErr(e.pos, e.name, 'kernel', 'a kernel value')
      e.ref = { kind: 'builtin', name: e.name }
      return kv.ty
    }
    const k = this.api.constant(e.name)
    if (k !== undefined) { e.ref = { kind: 'const', value: k }; return k >= -(1n << 31n) && k < 1n << 31n ? T.int : T.long }
    if (this.api.fn(e.name)) {
      this.err(e.pos, 'unsupported', `'${e.name}' is an API function: call it, it cannot be used as a value`)
      return T.err
    }
    this.unknown(e.pos, e.name)
    return T.err
  }

  unknown(pos: Pos, name: string): void {
    const other = this.api.otherProfiles(name)
    if (other.length) {
      const twin = name === 'file_close_fd' ? ' (6.5 calls it close_fd_get_file)' : name === 'close_fd_get_file' ? ' (6.8+ calls it file_close_fd)' : ''
      this.err(pos, 'not-in-profile', `'${name}' does not exist in the ${this.api.profile} profile; it exists in ${other.join(', ')}${twin}`)
      return
    }
    this.err(pos, 'unknown-name', `unknown name '${name}'${this.suggest(name)}`)
  }

  private binary(e: Extract<Expr, { kind: 'binary' }>): Ty {
    const a = this.expr(e.left), b = this.expr(e.right)
    if (a.k === 'err' || b.k === 'err') return T.int
    const cmp = ['==', '!=', '<', '<=', '>', '>='].includes(e.op)
    if (a.k === 'int' && b.k === 'int') {
      e.opTy = arithTy(a, b)
      return cmp ? T.int : e.opTy
    }
    if ((e.op === '==' || e.op === '!=') && (isPtrLike(a) || isZeroLiteral(e.left)) && (isPtrLike(b) || isZeroLiteral(e.right))) {
      if (a.k === 'ptr' && b.k === 'ptr' && assignable(a, b) && assignable(b, a)) {
        this.err(e.pos, 'type-mismatch', `comparing different pointer types ${tyToString(a)} and ${tyToString(b)}`)
      }
      return T.int
    }
    if (isPtrLike(a) || isPtrLike(b)) {
      this.err(e.pos, 'unsupported', `'${e.op}' on pointers is not supported in lab C (no pointer arithmetic)`)
      return T.err
    }
    this.err(e.pos, 'type-mismatch', `'${e.op}' cannot combine ${tyToString(a)} and ${tyToString(b)}`)
    return T.err
  }

  /** Check an assignable expression and return its type. */
  lvalue(e: Expr, forAddress = false): Ty {
    const t = this.expr(e)
    switch (e.kind) {
      case 'name': {
        const r = e.ref
        if (!r) return t
        if (r.kind === 'local') {
          if (r.decl.kind === 'thread') { this.err(e.pos, 'read-only', `'${e.name}' names a thread and cannot be assigned`); return t }
          if (r.decl.kind === 'decl' && r.decl.type.isConst && r.decl.type.ptr === 0 && !forAddress) this.err(e.pos, 'read-only', `'${e.name}' is const`)
          if (t.k === 'array' && !forAddress) this.err(e.pos, 'type-mismatch', `cannot assign to the array '${e.name}' (assign its elements)`)
          return t
        }
        if (r.kind === 'global') {
          if (r.decl.type.isConst && r.decl.type.ptr === 0 && !forAddress) this.err(e.pos, 'read-only', `'${e.name}' is const`)
          return t
        }
        if (r.kind === 'builtin' && r.name === 'errno') return t
        this.err(e.pos, 'read-only', `'${e.name}' cannot be assigned`)
        return t
      }
      case 'index':
        if (e.obj.kind === 'member' && !this.fieldWritable(e.obj) && !forAddress) this.err(e.pos, 'read-only', 'kernel objects are read-only in lab C: change them through the kernel API')
        if (e.obj.ty && isCharPtr(e.obj.ty) && e.obj.ty.k === 'ptr' && e.obj.ty.isConst) this.err(e.pos, 'read-only', 'a string is read-only (copy it into a char array)')
        return t
      case 'member':
        if (!this.fieldWritable(e) && !forAddress) this.err(e.pos, 'read-only', `'${e.name}' is read-only: kernel objects change only through the kernel API`)
        return t
      case 'deref': return t
      default:
        if (t.k !== 'err') this.err(e.pos, 'type-mismatch', 'this expression cannot be assigned')
        return t
    }
  }

  private member(e: Extract<Expr, { kind: 'member' }>): Ty {
    const ot = this.expr(e.obj)
    if (ot.k === 'err') return T.err
    let st: Ty | null = null
    if (e.arrow) {
      if (ot.k === 'ptr' && ot.to.k === 'struct') st = ot.to
      else { this.err(e.pos, 'type-mismatch', `'->' needs a pointer to a struct, not ${tyToString(ot)}${ot.k === 'struct' ? " (use '.')" : ''}`); return T.err }
    } else {
      if (ot.k === 'struct') st = ot
      else { this.err(e.pos, 'type-mismatch', `'.' needs a struct, not ${tyToString(ot)}${ot.k === 'ptr' ? " (use '->')" : ''}`); return T.err }
    }
    const sname = (st as Extract<Ty, { k: 'struct' }>).name
    const lab = this.prog.structs.get(sname)
    if (lab) {
      const f = lab.fields.get(e.name)
      if (!f) { this.err(e.pos, 'unknown-field', `struct ${sname} has no member '${e.name}'`); return T.err }
      return f.ty
    }
    const f = this.api.field(sname, e.name)
    if (!f) {
      const other = this.api.fieldOtherProfiles(sname, e.name)
      const hint = sname === 'file' && (e.name === 'f_count' || e.name === 'f_ref') ? '; read the count with file_count(f) in both profiles' : sname === 'fd' ? '; use fd_file(f)' : ''
      if (other.length) this.err(e.pos, 'not-in-profile', `struct ${sname} has no member '${e.name}' in the ${this.api.profile} profile (it exists in ${other.join(', ')})${hint}`)
      else this.err(e.pos, 'unknown-field', `struct ${sname} has no member '${e.name}' that lab C can read`)
      return T.err
    }
    return f.ty
  }

  /** Is this member expression a writable field? (Kernel fields are read-only but private_data.) */
  fieldWritable(e: Extract<Expr, { kind: 'member' }>): boolean {
    const ot = e.obj.ty
    const st = ot && (ot.k === 'ptr' ? ot.to : ot)
    if (!st || st.k !== 'struct') return true
    if (this.prog.structs.has(st.name)) return true
    return this.api.field(st.name, e.name)?.writable ?? true
  }

  // ---- calls ----
  /** take_fd(var), no_free_ptr(var): the variable's value; the variable is left disarmed. */
  private takeMacro(e: Extract<Expr, { kind: 'call' }>, take: KernelTake): Ty {
    const name = take.name
    if (take.profiles && !take.profiles.includes(this.api.profile)) {
      this.err(e.callee.pos, 'not-in-profile', `'${name}' is not defined in kernel ${this.api.profile} (only in ${take.profiles.join(', ')})`)
      return T.err
    }
    if (this.ctx!.mode === 'user') this.modeErr(e.callee.pos, name, 'kernel', 'a kernel macro')
    const a = e.args[0]
    if (e.args.length !== 1 || !a || a.kind !== 'name') {
      this.err(e.pos, 'arg-count', `${name}(VAR) takes one variable`)
      return T.err
    }
    const t = this.expr(a)
    if (take.leaves === 'EBADF' ? t.k !== 'int' : t.k !== 'ptr' && t.k !== 'err') {
      this.err(a.pos, 'type-mismatch', `${name} takes ${take.leaves === 'EBADF' ? 'an int fd variable' : 'a pointer variable'}, not ${tyToString(t)}`)
    }
    e.target = { kind: 'take', name, leaves: take.leaves === 'EBADF' ? BigInt(-EBADF) : null }
    return t
  }

  private call(e: Extract<Expr, { kind: 'call' }>): Ty {
    const ctx = this.ctx!
    const c = e.callee
    if (c.kind === 'name' && !this.lookupLocal(c.name) && !this.prog.globals.some((g) => g.name === c.name)) {
      const name = c.name
      const f = this.prog.funcs.get(name)
      if (f) {
        c.ref = { kind: 'func', decl: f }
        c.ty = f.ty
        e.target = { kind: 'func', decl: f }
        this.labCallMode(e.pos, f)
        return this.args(e, name, f.ty && f.ty.k === 'fn' ? f.ty : null, f.params.length, f.params.map((p) => p.name))
      }
      if (name === 'container_of') return this.containerOf(e)
      const take = kernelTake(name)
      if (take) return this.takeMacro(e, take)
      const api = this.api.fn(name)
      if (api) {
        c.ref = { kind: 'builtin', name }
        e.target = api.kind === 'kernel' ? { kind: 'kernel', name } : api.kind === 'syscall' ? { kind: 'syscall', name } : { kind: 'builtin', name }
        if (api.context === 'kernel' && ctx.mode === 'user') this.modeErr(c.pos, name, 'kernel', 'a kernel function')
        else if (api.context === 'user' && ctx.mode === 'kernel') this.modeErr(c.pos, name, 'user', api.kind === 'syscall' ? 'a system call' : 'a user-space function')
        return this.apiCall(e, api)
      }
      for (const a of e.args) this.expr(a)
      if (BUILTIN_NAMES[name] || this.prog.consts.has(name) || this.api.constant(name) !== undefined) {
        this.err(c.pos, 'not-callable', `'${name}' is not a function`)
      } else this.unknown(c.pos, name)
      return T.err
    }
    const ct = this.expr(c)
    const fnTy = ct.k === 'fn' ? ct : ct.k === 'ptr' && ct.to.k === 'fn' ? ct.to : null
    if (!fnTy) {
      for (const a of e.args) this.expr(a)
      if (ct.k !== 'err') this.err(e.pos, 'not-callable', `cannot call ${tyToString(ct)}`)
      return T.err
    }
    e.target = { kind: 'pointer' }
    if (ctx.mode === 'user') this.err(e.pos, 'wrong-context', 'calls through function pointers are kernel code (callbacks)')
    return this.args(e, 'the function pointer', fnTy, fnTy.params.length, [])
  }

  private labCallMode(pos: Pos, f: FuncDef): void {
    const m = this.ctx!.mode
    if (f.mode === 'kernel' && m === 'user') this.err(pos, 'wrong-context', `'${f.name}' is kernel code: user code reaches the kernel only through system calls`)
    if (f.mode === 'user' && m === 'kernel') this.err(pos, 'wrong-context', `'${f.name}' is user code (it makes system calls): kernel code cannot call it`)
  }

  private countErr(e: Extract<Expr, { kind: 'call' }>, name: string, min: number, max: number | null): void {
    const range = max === null ? `at least ${min}` : min === max ? `${min}` : `${min} to ${max}`
    this.err(e.pos, 'arg-count', `${name} takes ${range} argument${max === 1 && min === 1 ? '' : 's'}, got ${e.args.length}`)
  }

  private args(e: Extract<Expr, { kind: 'call' }>, name: string, ty: Extract<Ty, { k: 'fn' }> | null, min: number, names: readonly string[]): Ty {
    const argTys = e.args.map((a) => this.expr(a))
    if (!ty) return T.err
    const max = ty.variadic ? null : ty.params.length
    if (e.args.length < min || (max !== null && e.args.length > max)) this.countErr(e, `'${name}'`, min, max)
    for (let i = 0; i < Math.min(e.args.length, ty.params.length); i++) {
      const why = assignable(ty.params[i]!, argTys[i]!, isZeroLiteral(e.args[i]!))
      if (why) this.err(e.args[i]!.pos, 'type-mismatch', `argument ${i + 1}${names[i] ? ` (${names[i]})` : ''} of '${name}': ${why}`)
    }
    return ty.ret
  }

  private apiCall(e: Extract<Expr, { kind: 'call' }>, api: ApiFn): Ty {
    const name = api.name
    if (name === 'kmalloc' || name === 'kzalloc') {
      const a0 = e.args[0]
      if (a0 && a0.kind === 'sizeof' && a0.type && a0.type.base.startsWith('struct ') && a0.type.ptr === 0) {
        const s = a0.type.base.slice(7)
        if (this.prog.structs.has(s) && !this.prog.structs.get(s)!.builtin) e.alloc = s
        else if (this.knownStruct(s)) this.err(a0.pos, 'unsupported', `struct ${s} is a kernel object: create it with the kernel API, not ${name}`)
      } else if (a0) {
        this.err(a0.pos, 'unsupported', `lab C allocates typed objects: ${name}(sizeof(struct NAME), GFP_KERNEL)`)
      }
    }
    const ret = this.args(e, name, api.ty, api.minArgs, api.paramNames)
    if (name === 'printf' || name === 'printk') this.format(e)
    else if (name === 'fcntl' && e.args.length > 3) this.countErr(e, "'fcntl'", 2, 3)
    else if (name === 'fcntl' && e.args[2]) {
      const t = e.args[2].ty!
      const ok = t.k === 'int' || t.k === 'err' || (t.k === 'ptr' && t.to.k === 'struct' && t.to.name === 'flock')
      if (!ok) this.err(e.args[2].pos, 'type-mismatch', `argument 3 of 'fcntl' must be an integer or a struct flock *, not ${tyToString(t)}`)
    } else if (name === 'observe') {
      if (e.args.length > 2) this.countErr(e, "'observe'", 2, 2)
      const t = e.args[1]?.ty
      if (t && t.k !== 'int' && t.k !== 'err' && !isCharPtr(t)) this.err(e.args[1]!.pos, 'type-mismatch', `observe() records an integer or a string, not ${tyToString(t)}`)
    } else if (name === 'join' && e.args[0]) {
      const a = e.args[0]
      if (!(a.kind === 'name' && a.ref?.kind === 'local' && a.ref.decl.kind === 'thread')) this.err(a.pos, 'type-mismatch', 'join() takes the name of a thread started with thread NAME { ... }')
    }
    return ret
  }

  private containerOf(e: Extract<Expr, { kind: 'call' }>): Ty {
    e.target = { kind: 'builtin', name: 'container_of' }
    if (this.ctx!.mode === 'user') this.modeErr(e.callee.pos, 'container_of', 'kernel', 'a kernel macro')
    if (e.args.length !== 3) { for (const a of e.args) if (a.kind !== 'type') this.expr(a); this.countErr(e, "'container_of'", 3, 3); return T.err }
    const [p, ty, m] = e.args as [Expr, Expr, Expr]
    const pt = this.expr(p)
    if (ty.kind !== 'type' || ty.type.ptr !== 0 || !ty.type.base.startsWith('struct ')) {
      this.err(ty.pos, 'type-mismatch', 'the second argument of container_of is a struct type: container_of(ptr, struct NAME, member)')
      return T.err
    }
    const sname = ty.type.base.slice(7)
    const s = this.prog.structs.get(sname)
    if (!s) { this.err(ty.pos, 'unknown-name', `container_of needs a struct defined in the lab, not 'struct ${sname}'`); return T.err }
    ty.ty = T.struct(sname)
    if (m.kind !== 'name') { this.err(m.pos, 'type-mismatch', 'the third argument of container_of is a member name'); return T.err }
    const f = s.fields.get(m.name)
    if (!f) { this.err(m.pos, 'unknown-field', `struct ${sname} has no member '${m.name}'`); return T.err }
    if (pt.k !== 'err' && !(pt.k === 'ptr' && assignable(T.ptr(f.ty), pt) === null)) {
      this.err(p.pos, 'type-mismatch', `container_of: the pointer is ${tyToString(pt)} but member '${m.name}' is ${tyToString(f.ty)}`)
    }
    return T.sptr(sname)
  }

  /** printf/printk: the conversions must match the arguments. */
  private format(e: Extract<Expr, { kind: 'call' }>): void {
    const fmt = e.args[0]
    if (!fmt || fmt.kind !== 'str') return
    const specs: { conv: string; pos: Pos }[] = []
    const re = /%[-+ #0]*[0-9]*(?:\.[0-9]+)?(hh|h|ll|l|z)?([diouxXcspn%])?/g
    let m: RegExpExecArray | null
    while ((m = re.exec(fmt.value))) {
      const conv = m[2]
      if (conv === '%') continue
      if (!conv || conv === 'n') { this.err(fmt.pos, 'type-mismatch', `unsupported conversion '${m[0]}' in the format string`); return }
      specs.push({ conv, pos: fmt.pos })
    }
    const rest = e.args.slice(1)
    if (rest.length !== specs.length) {
      this.err(e.pos, 'arg-count', `the format string has ${specs.length} conversion${specs.length === 1 ? '' : 's'} but ${rest.length} argument${rest.length === 1 ? ' follows' : 's follow'}`)
      return
    }
    specs.forEach((s, i) => {
      const a = rest[i]!
      const t = a.ty ?? T.err
      if (t.k === 'err') return
      const ok = s.conv === 's' ? isCharPtr(t) : s.conv === 'p' ? isPtrLike(t) : isInt(t)
      if (!ok) this.err(a.pos, 'type-mismatch', `%${s.conv} expects ${s.conv === 's' ? 'a string' : s.conv === 'p' ? 'a pointer' : 'an integer'}, got ${tyToString(t)}`)
    })
  }
}

const INT_SIZE_T: Ty = { k: 'int', name: 'size_t', bits: 64, signed: false }
