/**
 * Lab C parser: recursive descent with C's precedence. On a syntax error it records a
 * diagnostic, skips to the end of the statement or declaration and goes on, so one file can
 * report several errors. It never throws to its caller.
 */
import { destructorStmt, KERNEL_CLASSES, KERNEL_FREES, kernelClass, kernelFree } from './classes'
import type { Diagnostic } from '../diagnostics'
import type {
  AssignOp, BinOp, Block, DriverDef, Expr, FuncDef, Param, Pos, Stmt, SwitchCase, TopDecl, TypeSyntax, Unit, VarDecl,
} from './ast'
import { lex, type Include, type Token } from './lexer'
import { INT_TYPES, TYPE_WORDS } from './types'
import { preprocess } from './preprocess'
import { DEFAULT_PROFILE, type ProfileName } from '../../sim/profile'

class ParseError extends Error {}

const ASSIGN_OPS = new Set(['=', '+=', '-=', '*=', '/=', '%=', '<<=', '>>=', '&=', '|=', '^='])
const BIN_PREC: Record<string, number> = {
  '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5, '==': 6, '!=': 6, '<': 7, '<=': 7, '>': 7, '>=': 7,
  '<<': 8, '>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '%': 10,
}
const INT_WORDS = new Set(['char', 'short', 'int', 'long'])
/** Nesting limit for expressions and statements: deeper input is an error, not a stack overflow. */
const MAX_DEPTH = 200

export interface ParseOptions {
  /** Lines before the block in the lab file (positions are reported in the lab file). */
  readonly lineOffset?: number
  /** The kernel profile #if LINUX_VERSION_CODE conditions are evaluated for (default 6.18). */
  readonly profile?: ProfileName
}

export function parseUnit(src: string, file: string, diags: Diagnostic[], opts: ParseOptions = {}): Unit {
  const text = preprocess(src, file, opts.lineOffset ?? 0, opts.profile ?? DEFAULT_PROFILE, diags)
  const includes: Include[] = []
  const p = new Parser(text, file, opts.lineOffset ?? 0, diags, includes)
  return { file, decls: p.unit(), includes }
}

/** Parse a single expression (for predict answers and the terminal). */
export function parseExpression(src: string, file: string, diags: Diagnostic[]): Expr | null {
  const p = new Parser(src, file, 0, diags, [])
  return p.standaloneExpr()
}

class Parser {
  private readonly toks: Token[]
  private i = 0
  private depth = 0

  constructor(private readonly src: string, private readonly file: string, lineOffset: number, private readonly diags: Diagnostic[], includes: Include[]) {
    this.toks = lex(src, file, lineOffset, diags, includes)
  }

  // ---- token helpers ----
  private get t(): Token { return this.toks[this.i]! }
  /** The current token's kind, read through a call so that TypeScript does not narrow it. */
  private kind(): Token['kind'] { return this.toks[this.i]!.kind }
  private peek(n = 1): Token { return this.toks[Math.min(this.i + n, this.toks.length - 1)]! }
  private pos(t: Token = this.t): Pos { return { line: t.line, col: t.col } }
  private is(text: string, t: Token = this.t): boolean { return (t.kind === 'punct' || t.kind === 'kw') && t.text === text }
  private next(): Token { const t = this.t; if (t.kind !== 'eof') this.i++; return t }
  private accept(text: string): boolean { if (this.is(text)) { this.next(); return true } return false }
  private describe(t: Token): string {
    switch (t.kind) {
      case 'eof': return 'end of block'
      case 'eol': return 'end of line'
      case 'str': return 'a string'
      case 'int': case 'char': return `'${t.text}'`
      default: return `'${t.text}'`
    }
  }
  private fail(message: string, t: Token = this.t): never {
    this.diags.push({ file: this.file, line: t.line, col: t.col, severity: 'error', code: 'syntax', message })
    throw new ParseError(message)
  }
  private expect(text: string, what?: string): Token {
    if (this.is(text)) return this.next()
    return this.fail(`expected '${text}'${what ? ` ${what}` : ''}, found ${this.describe(this.t)}`)
  }
  private ident(what: string): string {
    const t = this.t
    if (t.kind === 'ident') { this.next(); return t.text }
    if (t.kind === 'kw') return this.fail(`'${t.text}' is a keyword and cannot be used as ${what}`)
    return this.fail(`expected ${what}, found ${this.describe(t)}`)
  }
  private enter(): void { if (++this.depth > MAX_DEPTH) this.fail('nesting too deep') }

  /** Skip to the end of the current statement: after ';' at this level, or before '}'. */
  private syncStmt(): void {
    const start = this.i
    let depth = 0
    while (this.t.kind !== 'eof') {
      if (this.is('{') || this.is('(') || this.is('[')) depth++
      else if (this.is(')') || this.is(']')) depth = Math.max(0, depth - 1)
      else if (this.is('}')) {
        if (depth === 0) { if (this.i === start) this.next(); return }
        depth--
        if (depth === 0) { this.next(); if (this.is(';')) this.next(); return }
      } else if (this.is(';') && depth === 0) { this.next(); return }
      this.next()
    }
  }

  /** Skip to the next thing that can start a top-level declaration. */
  private syncTop(): void {
    let depth = 0
    const start = this.i
    while (this.t.kind !== 'eof') {
      if (this.is('{')) depth++
      else if (this.is('}')) { depth--; if (depth <= 0) { this.next(); this.accept(';'); if (this.i > start) return; continue } }
      else if (depth <= 0 && this.is(';')) { this.next(); return }
      else if (depth <= 0 && this.i > start && this.startsTopDecl()) return
      this.next()
    }
  }

  private startsTopDecl(): boolean {
    const t = this.t
    if (t.kind === 'define') return true
    if (t.kind === 'kw') return ['process', 'kthread', 'driver', 'struct', 'enum', 'static', 'const', 'unsigned', 'signed', 'extern', 'inline'].includes(t.text)
    return t.kind === 'ident' && TYPE_WORDS.has(t.text) && this.peek().kind !== 'punct'
  }

  // ---- types ----
  private startsType(t: Token = this.t): boolean {
    if (t.kind === 'kw') return ['const', 'volatile', 'unsigned', 'signed', 'struct'].includes(t.text)
    return t.kind === 'ident' && TYPE_WORDS.has(t.text)
  }

  /** Base type plus pointer stars (the declarator's name is parsed by the caller). */
  private type(): TypeSyntax {
    const pos = this.pos()
    let isConst = false
    while (this.is('const') || this.is('volatile')) { if (this.next().text === 'const') isConst = true }
    let base: string
    if (this.is('struct')) {
      this.next()
      base = `struct ${this.ident('a struct name')}`
    } else if (this.is('unsigned') || this.is('signed')) {
      const words = [this.next().text]
      while (this.t.kind === 'ident' && INT_WORDS.has(this.t.text)) words.push(this.next().text)
      base = words.join(' ')
      if (!(base in INT_TYPES)) this.fail(`unknown type '${base}'`)
    } else if (this.t.kind === 'ident' && TYPE_WORDS.has(this.t.text)) {
      const words = [this.next().text]
      if (INT_WORDS.has(words[0]!)) while (this.t.kind === 'ident' && INT_WORDS.has(this.t.text)) words.push(this.next().text)
      base = words.join(' ')
      if (INT_WORDS.has(words[0]!) && !(base in INT_TYPES)) this.fail(`unknown type '${base}'`)
    } else {
      return this.fail(`expected a type, found ${this.describe(this.t)}`)
    }
    while (this.is('const') || this.is('volatile')) { if (this.next().text === 'const') isConst = true }
    let ptr = 0
    while (this.is('*')) { this.next(); ptr++; while (this.is('const') || this.is('volatile')) this.next() }
    return { pos, base, ptr, isConst }
  }

  /** After a base type: `name`, `name[N]`, or a function pointer `(*name)(params)`. */
  private declarator(ty: TypeSyntax, allowAbstract = false): { name: string; type: TypeSyntax; arrayLen: Expr | 'auto' | null; pos: Pos } {
    const pos = this.pos()
    if (this.is('(') && this.is('*', this.peek())) {
      this.next(); this.next()
      const name = allowAbstract && this.is(')') ? '' : this.ident('a name')
      this.expect(')')
      this.expect('(')
      const { params, variadic } = this.paramList(true)
      return { name, pos, arrayLen: null, type: { ...ty, fn: { params: params.map((q) => q.type), variadic } } }
    }
    let name = ''
    if (!(allowAbstract && (this.is(',') || this.is(')') || this.is('[')))) name = this.ident('a name')
    let arrayLen: Expr | 'auto' | null = null
    if (this.accept('[')) {
      arrayLen = this.is(']') ? 'auto' : this.expr()
      this.expect(']')
      if (this.is('[')) this.fail('multi-dimensional arrays are not supported')
    }
    return { name, type: ty, arrayLen, pos }
  }

  private paramList(abstractOk: boolean): { params: Param[]; variadic: boolean } {
    const params: Param[] = []
    let variadic = false
    if (this.t.kind === 'ident' && this.t.text === 'void' && this.is(')', this.peek())) { this.next(); this.next(); return { params, variadic } }
    if (this.accept(')')) return { params, variadic }
    for (;;) {
      if (this.accept('...')) { variadic = true; break }
      const ty = this.type()
      const d = this.declarator(ty, abstractOk)
      params.push({ kind: 'param', pos: d.pos, type: d.arrayLen !== null ? { ...d.type, ptr: d.type.ptr + 1 } : d.type, name: d.name, arrayParam: d.arrayLen !== null })
      if (!this.accept(',')) break
    }
    this.expect(')', 'after the parameters')
    return { params, variadic }
  }

  // ---- top level ----
  unit(): TopDecl[] {
    const out: TopDecl[] = []
    while (this.t.kind !== 'eof') {
      const before = this.i
      try {
        this.topDecl(out)
      } catch (e) {
        if (!(e instanceof ParseError)) throw e
        this.syncTop()
      }
      if (this.i === before && this.kind() !== 'eof') this.next()
    }
    return out
  }

  private topDecl(out: TopDecl[]): void {
    const t = this.t
    const pos = this.pos()
    if (t.kind === 'define') {
      this.next()
      const name = this.ident('a macro name')
      if (this.is('(') && this.t.col === this.toks[this.i - 1]!.col + name.length) this.fail('function-like macros are not supported')
      if (this.t.kind === 'eol') this.fail(`#define ${name} needs a value`)
      const value = this.expr()
      if (this.kind() !== 'eol') this.fail(`unexpected ${this.describe(this.t)} after the value of #define ${name}`)
      this.next()
      out.push({ kind: 'define', pos, name, value })
      return
    }
    if (this.is('process') || this.is('kthread')) {
      const kind = this.next().text as 'process' | 'kthread'
      const name = this.ident(`a ${kind} name`)
      const caps: { name: string; pos: Pos }[] = []
      if (kind === 'process' && this.accept('(')) {
        // process NAME(CAP_SYS_RESOURCE) { }: a privileged process (its capabilities).
        while (!this.is(')')) {
          const cpos = this.pos()
          caps.push({ name: this.ident('a capability (CAP_SYS_RESOURCE)'), pos: cpos })
          if (!this.accept(',')) break
        }
        this.expect(')')
      }
      const body = this.block()
      this.accept(';')
      out.push(kind === 'process' && caps.length ? { kind, pos, name, body, caps } : { kind, pos, name, body })
      return
    }
    if (this.is('driver')) { out.push(this.driver()); return }
    if (this.is('struct') && this.peek().kind === 'ident' && this.is('{', this.peek(2))) {
      this.next()
      const name = this.ident('a struct name')
      this.expect('{')
      const fields: VarDecl[] = []
      while (!this.is('}') && this.t.kind !== 'eof') {
        const ty = this.type()
        for (;;) {
          const d = this.declarator(ty)
          fields.push({ kind: 'decl', pos: d.pos, type: d.type, name: d.name, arrayLen: d.arrayLen, init: null, isStatic: false })
          if (!this.accept(',')) break
        }
        this.expect(';', 'after a struct field')
      }
      this.expect('}')
      this.expect(';', 'after a struct definition')
      out.push({ kind: 'struct', pos, name, fields })
      return
    }
    if (this.is('enum')) {
      this.next()
      if (this.t.kind === 'ident') this.next()
      this.expect('{')
      const items: { name: string; value: Expr | null; pos: Pos }[] = []
      while (!this.is('}')) {
        const ipos = this.pos()
        const name = this.ident('an enumerator name')
        const value = this.accept('=') ? this.expr() : null
        items.push({ name, value, pos: ipos })
        if (!this.accept(',')) break
      }
      this.expect('}')
      this.expect(';', 'after an enum')
      out.push({ kind: 'enum', pos, items })
      return
    }
    if (this.is('typedef') || this.is('union') || this.is('goto')) this.fail(`'${t.text}' is not supported in lab C`)
    let isStatic = false
    while (this.is('static') || this.is('extern') || this.is('inline')) { if (this.next().text === 'static') isStatic = true }
    if (!this.startsType()) {
      if (t.kind === 'ident' && this.is('{', this.peek())) this.fail(`unknown top-level block '${t.text}' (expected process, kthread or driver)`)
      this.fail(`expected a declaration (process, kthread, driver, function, variable, struct, enum or #define), found ${this.describe(t)}`)
    }
    const ty = this.type()
    const d = this.declarator(ty)
    if (this.is('(') && !d.type.fn && d.arrayLen === null) {
      out.push(this.funcRest(d.pos, d.name, d.type, isStatic))
      return
    }
    out.push({ kind: 'global', pos: d.pos, decl: this.declRest(d, isStatic) })
    while (this.accept(',')) {
      const d2 = this.declarator(ty)
      out.push({ kind: 'global', pos: d2.pos, decl: this.declRest(d2, isStatic) })
    }
    this.expect(';', 'after a declaration')
  }

  private funcRest(pos: Pos, name: string, ret: TypeSyntax, isStatic: boolean): FuncDef {
    this.expect('(')
    const { params, variadic } = this.paramList(false)
    let body: Block | null = null
    if (!this.accept(';')) body = this.block()
    return { kind: 'func', pos, name, ret, params, variadic, body, isStatic }
  }

  private driver(): DriverDef {
    const pos = this.pos()
    this.next()
    const name = this.ident('a driver name')
    this.expect('{')
    const hooks: FuncDef[] = []
    while (!this.is('}') && this.t.kind !== 'eof') {
      const before = this.i
      try {
        while (this.is('static') || this.is('inline')) this.next()
        const ty = this.type()
        const hpos = this.pos()
        const hname = this.ident('a file operation name')
        const f = this.funcRest(hpos, hname, ty, false)
        if (!f.body) this.fail(`file operation '${hname}' needs a body`)
        f.driver = name
        hooks.push(f)
      } catch (e) {
        if (!(e instanceof ParseError)) throw e
        this.syncStmt()
      }
      if (this.i === before) this.next()
    }
    this.expect('}')
    this.accept(';')
    return { kind: 'driver', pos, name, hooks }
  }

  private declRest(d: { name: string; type: TypeSyntax; arrayLen: Expr | 'auto' | null; pos: Pos }, isStatic: boolean): VarDecl {
    const cleanup = this.cleanupAttr()
    let init: Expr | null = null
    if (this.accept('=')) init = this.is('{') ? this.initList() : this.assignment()
    const decl: VarDecl = { kind: 'decl', pos: d.pos, type: d.type, name: d.name, arrayLen: d.arrayLen, init, isStatic }
    if (cleanup?.kind === 'attr') {
      decl.cleanup = cleanup
      const p = cleanup.fnPos
      decl.cleanupStmt = { kind: 'expr', pos: p, expr: { kind: 'call', pos: p, callee: { kind: 'name', pos: p, name: cleanup.fn }, args: [{ kind: 'addr', pos: p, arg: { kind: 'name', pos: d.pos, name: d.name } }] } }
    } else if (cleanup?.kind === 'free') {
      decl.cleanup = cleanup
      const f = kernelFree(cleanup.name)
      if (!f) this.fail(`unknown __free class '${cleanup.name}' (lab C knows ${KERNEL_FREES.map((k) => k.name).join(', ')})`)
      decl.cleanupStmt = destructorStmt(f, d.name, cleanup.namePos)
    }
    return decl
  }

  /** `__attribute__((cleanup(fn)))`, `__attribute__((__cleanup__(fn)))`, the kernel's `__cleanup(fn)`, or `__free(NAME)`. */
  private cleanupAttr(): { kind: 'attr'; fn: string; fnPos: Pos } | { kind: 'free'; name: string; namePos: Pos } | undefined {
    const t = this.t
    if (t.kind === 'ident' && t.text === '__free' && this.is('(', this.peek())) {
      this.next(); this.next()
      const namePos = this.pos()
      const name = this.ident('a __free class name (fput)')
      this.expect(')')
      return { kind: 'free', name, namePos }
    }
    if (t.kind !== 'ident' || (t.text !== '__attribute__' && t.text !== '__cleanup')) return undefined
    this.next()
    const wrapped = t.text === '__attribute__'
    if (wrapped) {
      this.expect('('); this.expect('(')
      const a = this.ident('an attribute name')
      if (a !== 'cleanup' && a !== '__cleanup__') this.fail(`lab C supports only the cleanup attribute, not '${a}'`)
    }
    this.expect('(')
    const fnPos = this.pos()
    const fn = this.ident('a cleanup function name')
    this.expect(')')
    if (wrapped) { this.expect(')'); this.expect(')') }
    return { kind: 'attr', fn, fnPos }
  }

  /** `CLASS(NAME, var)(args);` (include/linux/cleanup.h): a variable with a constructor and a destructor. */
  private classDecl(): VarDecl {
    this.next()
    this.expect('(')
    const clsTok = this.t
    const cls = this.ident('a class name (fd, fd_raw, fd_pos)')
    this.expect(',')
    const pos = this.pos()
    const name = this.ident('a variable name')
    this.expect(')')
    this.expect('(', 'after CLASS(NAME, var): the constructor arguments')
    const args = this.args()
    this.expect(';', 'after CLASS(...)(...)')
    const c = kernelClass(cls)
    if (!c) this.fail(`unknown class '${cls}' (lab C knows ${KERNEL_CLASSES.map((k) => k.name).join(', ')})`, clsTok)
    const call = (fn: string, a: Expr[]): Expr => ({ kind: 'call', pos, callee: { kind: 'name', pos, name: fn }, args: a })
    return {
      kind: 'decl', pos, type: { pos, base: c.type, ptr: 0, isConst: false }, name, arrayLen: null, init: call(c.ctor, args), isStatic: false,
      cleanup: { kind: 'class', cls, args }, cleanupStmt: destructorStmt(c, name, pos),
    }
  }

  private initList(): Expr {
    const pos = this.pos()
    this.expect('{')
    const items: Expr[] = []
    const fields: (string | null)[] = []
    while (!this.is('}')) {
      if (this.accept('.')) {
        fields.push(this.ident('a field name'))
        this.expect('=', 'after the field name')
      } else fields.push(null)
      items.push(this.is('{') ? this.initList() : this.assignment())
      if (!this.accept(',')) break
    }
    this.expect('}', 'to close the initializer')
    return { kind: 'init', pos, items, fields }
  }

  // ---- statements ----
  private block(): Block {
    const pos = this.pos()
    this.expect('{')
    const body: Stmt[] = []
    while (!this.is('}') && this.t.kind !== 'eof') {
      const before = this.i
      try {
        this.stmtInto(body)
      } catch (e) {
        if (!(e instanceof ParseError)) throw e
        this.syncStmt()
      }
      if (this.i === before) this.next()
    }
    const end = this.pos()
    if (this.t.kind === 'eof') this.fail(`missing '}' to close the block opened at ${pos.line}:${pos.col}`)
    this.next()
    return { kind: 'block', pos, body, end }
  }

  /** A statement; declarations with several declarators push several nodes. */
  private stmtInto(out: Stmt[]): void {
    if (this.t.kind === 'ident' && this.t.text === 'CLASS' && this.is('(', this.peek())) { out.push(this.classDecl()); return }
    if (this.t.kind === 'ident' && this.is(':', this.peek())) {
      const pos = this.pos()
      const name = this.next().text
      this.next()
      out.push({ kind: 'target', pos, name })
      return
    }
    if (this.startsType() || this.is('static')) {
      const isStatic = this.accept('static')
      const ty = this.type()
      for (;;) {
        const d = this.declarator(ty)
        out.push(this.declRest(d, isStatic))
        if (!this.accept(',')) break
      }
      this.expect(';', 'after a declaration')
      return
    }
    out.push(this.stmt())
  }

  private stmt(): Stmt {
    this.enter()
    try { return this.stmtInner() } finally { this.depth-- }
  }

  private stmtInner(): Stmt {
    const t = this.t
    const pos = this.pos()
    if (this.is('{')) return this.block()
    if (this.accept(';')) return { kind: 'empty', pos }
    if (t.kind === 'kw') {
      switch (t.text) {
        case 'if': {
          this.next(); this.expect('(')
          const test = this.expr()
          this.expect(')')
          const then = this.subStmt()
          const els = this.accept('else') ? this.subStmt() : null
          return { kind: 'if', pos, test, then, else: els }
        }
        case 'while': {
          this.next(); this.expect('(')
          const test = this.expr()
          this.expect(')')
          return { kind: 'while', pos, test, body: this.subStmt() }
        }
        case 'do': {
          this.next()
          const body = this.subStmt()
          this.expect('while', "after the body of 'do'")
          this.expect('(')
          const test = this.expr()
          this.expect(')')
          this.expect(';')
          return { kind: 'dowhile', pos, body, test }
        }
        case 'for': {
          this.next(); this.expect('(')
          let init: Stmt | null = null
          if (!this.accept(';')) {
            if (this.startsType()) {
              const ds: Stmt[] = []
              const ty = this.type()
              for (;;) { ds.push(this.declRest(this.declarator(ty), false)); if (!this.accept(',')) break }
              this.expect(';')
              init = ds.length === 1 ? ds[0]! : { kind: 'block', pos, body: ds, end: pos }
            } else {
              init = { kind: 'expr', pos: this.pos(), expr: this.expr() }
              this.expect(';')
            }
          }
          const test = this.is(';') ? null : this.expr()
          this.expect(';')
          const update = this.is(')') ? null : this.expr()
          this.expect(')')
          return { kind: 'for', pos, init, test, update, body: this.subStmt() }
        }
        case 'switch': return this.switchStmt()
        case 'break': this.next(); this.expect(';'); return { kind: 'break', pos }
        case 'continue': this.next(); this.expect(';'); return { kind: 'continue', pos }
        case 'return': {
          this.next()
          const value = this.is(';') ? null : this.expr()
          this.expect(';', 'after return')
          return { kind: 'return', pos, value }
        }
        case 'thread': {
          this.next()
          const name = this.ident('a thread name')
          const body = this.block()
          this.accept(';')
          return { kind: 'thread', pos, name, body }
        }
        case 'fork': {
          if (!this.is('{', this.peek())) break
          this.next()
          const e: Expr = { kind: 'fork', pos, body: this.block() }
          this.accept(';')
          return { kind: 'expr', pos, expr: e }
        }
        case 'exec': {
          this.next(); this.expect('(')
          const args = this.args()
          const image = this.is('{') ? this.block() : null
          if (!image) this.expect(';', 'after exec(...)')
          else this.accept(';')
          return { kind: 'exec', pos, args, image }
        }
        case 'label': {
          this.next()
          const name = this.ident('a label name')
          this.expect(';', 'after the label')
          return { kind: 'label', pos, name }
        }
        case 'expect': {
          this.next(); this.expect('(')
          const start = this.t
          const cond = this.assignment()
          const text = this.src.slice(start.off, this.toks[this.i - 1]!.end)
          let message: string | null = null
          if (this.accept(',')) {
            if (this.t.kind !== 'str') this.fail('the message of expect(cond, "message") must be a string')
            message = this.next().text
            while (this.t.kind === 'str') message += this.next().text
          }
          this.expect(')')
          this.expect(';')
          return { kind: 'expect', pos, cond, message, text }
        }
        case 'case': case 'default': this.fail(`'${t.text}' outside a switch`)
        // eslint-disable-next-line no-fallthrough
        case 'else': this.fail("'else' without a matching 'if'")
        // eslint-disable-next-line no-fallthrough
        case 'goto': {
          this.next()
          const name = this.ident('a label name')
          this.expect(';', 'after goto LABEL')
          return { kind: 'goto', pos, name }
        }
        case 'typedef': case 'union': this.fail(`'${t.text}' is not supported in lab C`)
        // eslint-disable-next-line no-fallthrough
        case 'process': case 'kthread': case 'driver': this.fail(`'${t.text}' blocks are only allowed at the top level`)
        // eslint-disable-next-line no-fallthrough
        default: break
      }
    }
    const e = this.expr()
    this.expect(';', 'after the expression')
    return { kind: 'expr', pos, expr: e }
  }

  /** The body of if/while/for: a declaration there is a C error. */
  private subStmt(): Stmt {
    if (this.startsType()) this.fail('a declaration is not allowed here: wrap it in { }')
    return this.stmt()
  }

  private switchStmt(): Stmt {
    const pos = this.pos()
    this.next(); this.expect('(')
    const test = this.expr()
    this.expect(')')
    this.expect('{')
    const cases: SwitchCase[] = []
    while (!this.is('}') && this.t.kind !== 'eof') {
      const cpos = this.pos()
      let ctest: Expr | null
      if (this.accept('case')) { ctest = this.conditional(); this.expect(':', 'after the case value') }
      else if (this.accept('default')) { ctest = null; this.expect(':', "after 'default'") }
      else this.fail(`expected 'case' or 'default' in switch, found ${this.describe(this.t)}`)
      const body: Stmt[] = []
      while (!this.is('case') && !this.is('default') && !this.is('}') && this.kind() !== 'eof') {
        const before = this.i
        try { this.stmtInto(body) } catch (e) { if (!(e instanceof ParseError)) throw e; this.syncStmt() }
        if (this.i === before) this.next()
      }
      cases.push({ pos: cpos, test: ctest, body })
    }
    this.expect('}')
    return { kind: 'switch', pos, test, cases }
  }

  // ---- expressions ----
  standaloneExpr(): Expr | null {
    try {
      const e = this.expr()
      if (this.t.kind !== 'eof') this.fail(`unexpected ${this.describe(this.t)} after the expression`)
      return e
    } catch (e) {
      if (!(e instanceof ParseError)) throw e
      return null
    }
  }

  private expr(): Expr {
    return this.assignment()
  }

  private assignment(): Expr {
    this.enter()
    try {
      const pos = this.pos()
      const left = this.conditional()
      if (this.t.kind === 'punct' && ASSIGN_OPS.has(this.t.text)) {
        const op = this.next().text as AssignOp
        const value = this.is('{') ? this.fail('an initializer list is only allowed in a declaration') : this.assignment()
        return { kind: 'assign', pos, op, target: left, value }
      }
      return left
    } finally { this.depth-- }
  }

  private conditional(): Expr {
    const pos = this.pos()
    const test = this.binary(1)
    if (this.accept('?')) {
      // `a ? b : c ? d : ...` recurses here: each '?' is a level of nesting.
      try {
        this.enter()
        const then = this.assignment()
        this.expect(':', "in 'cond ? a : b'")
        const els = this.conditional()
        return { kind: 'cond', pos, test, then, else: els }
      } finally { this.depth-- }
    }
    return test
  }

  private binary(minPrec: number): Expr {
    // A chain `a + b + c ...` is built here without recursion, but it is a tree as deep as it is
    // long, which the checker and the interpreter walk recursively: each operator counts as a
    // level of nesting.
    const depth = this.depth
    try {
      let left = this.unary()
      for (;;) {
        const t = this.t
        const prec = t.kind === 'punct' ? BIN_PREC[t.text] : undefined
        if (prec === undefined || prec < minPrec) return left
        this.enter()
        this.next()
        const right = this.binary(prec + 1)
        const pos = { line: t.line, col: t.col }
        left = t.text === '&&' || t.text === '||'
          ? { kind: 'logical', pos, op: t.text, left, right }
          : { kind: 'binary', pos, op: t.text as BinOp, left, right }
      }
    } finally { this.depth = depth }
  }

  private unary(): Expr {
    this.enter()
    try {
      const t = this.t
      const pos = this.pos()
      if (t.kind === 'punct') {
        switch (t.text) {
          case '-': case '+': case '!': case '~': this.next(); return { kind: 'unary', pos, op: t.text, arg: this.unary() }
          case '*': this.next(); return { kind: 'deref', pos, arg: this.unary() }
          case '&': this.next(); return { kind: 'addr', pos, arg: this.unary() }
          case '++': case '--': this.next(); return { kind: 'incdec', pos, op: t.text, prefix: true, target: this.unary() }
          case '(':
            if (this.startsType(this.peek())) {
              this.next()
              const type = this.type()
              this.expect(')', 'after the cast type')
              return { kind: 'cast', pos, type, arg: this.unary() }
            }
            break
          default: break
        }
      }
      if (this.is('sizeof')) {
        this.next()
        if (this.is('(') && this.startsType(this.peek())) {
          this.next()
          const type = this.type()
          this.expect(')')
          return { kind: 'sizeof', pos, type, arg: null }
        }
        const arg = this.unary()
        return { kind: 'sizeof', pos, type: null, arg }
      }
      return this.postfix(this.primary())
    } finally { this.depth-- }
  }

  private postfix(e: Expr): Expr {
    // Like binary(): each suffix (call, index, member, ++) nests the tree one level deeper.
    const depth = this.depth
    try { return this.suffixes(e) } finally { this.depth = depth }
  }

  private suffixes(e: Expr): Expr {
    for (;;) {
      const pos = this.pos()
      if (this.is('(') || this.is('[') || this.is('->') || this.is('.') || this.is('++') || this.is('--')) this.enter()
      if (this.accept('(')) { e = { kind: 'call', pos: e.pos, callee: e, args: this.args() }; continue }
      if (this.accept('[')) { const index = this.expr(); this.expect(']'); e = { kind: 'index', pos: e.pos, obj: e, index }; continue }
      if (this.is('->') || this.is('.')) {
        const arrow = this.next().text === '->'
        const npos = this.pos()
        e = { kind: 'member', pos: npos, obj: e, name: this.ident('a field name'), arrow }
        continue
      }
      if (this.is('++') || this.is('--')) { e = { kind: 'incdec', pos, op: this.next().text as '++' | '--', prefix: false, target: e }; continue }
      return e
    }
  }

  /** Arguments after '(' up to and including ')'. */
  private args(): Expr[] {
    const args: Expr[] = []
    if (this.accept(')')) return args
    for (;;) {
      if (this.startsType()) {
        const pos = this.pos()
        args.push({ kind: 'type', pos, type: this.type() })
      } else args.push(this.assignment())
      if (!this.accept(',')) break
    }
    this.expect(')', 'after the arguments')
    return args
  }

  private primary(): Expr {
    const t = this.t
    const pos = this.pos()
    switch (t.kind) {
      case 'int': case 'char': this.next(); return { kind: 'int', pos, value: t.value ?? 0n }
      case 'str': {
        let value = this.next().text
        while (this.t.kind === 'str') value += this.next().text
        return { kind: 'str', pos, value }
      }
      case 'ident':
        if (t.text === 'clone' && this.is('(', this.peek())) {
          // clone(FLAGS) { child }: a child task with exactly these clone flags.
          const save = this.i
          this.next(); this.next()
          const args = this.args()
          if (this.is('{')) {
            if (args.length !== 1) this.fail('clone takes the clone flags: clone(CLONE_FILES | SIGCHLD) { child code }', t)
            return { kind: 'fork', pos, body: this.block(), flags: args[0]! }
          }
          this.i = save
        }
        this.next()
        return { kind: 'name', pos, name: t.text }
      case 'kw':
        if (t.text === 'fork') {
          this.next()
          if (this.is('(')) this.fail("lab C forks with a block: fork { child code } (the child cannot return into the parent's code)")
          return { kind: 'fork', pos, body: this.block() }
        }
        if (t.text === 'exec') this.fail('exec(...) is a statement')
        if (t.text === 'expect') this.fail('expect(...) is a statement')
        return this.fail(`unexpected keyword '${t.text}'`)
      case 'punct':
        if (t.text === '(') {
          this.next()
          const e = this.expr()
          this.expect(')')
          return e
        }
        if (t.text === '{') return this.fail('an initializer list is only allowed in a declaration')
        return this.fail(`expected an expression, found '${t.text}'`)
      default:
        return this.fail(`expected an expression, found ${this.describe(t)}`)
    }
  }
}
