/**
 * Shared state of the lab C checker: the program being built, scopes, diagnostics and helpers.
 * checkExpr.ts (expressions and calls) and checker.ts (statements and declarations) build on it.
 */
import type { DiagCode, Diagnostic } from '../diagnostics'
import type { ProfileName } from '../../sim/profile'
import type {
  DriverDef, FuncDef, KthreadDef, Param, Pos, ProcessDef, ThreadStmt, TopDecl, TypeSyntax, VarDecl,
} from './ast'
import type { LabApi } from './api'
import { constEval } from './consteval'
import { resolveType, sizeOfTy, T, type Ty } from './types'

export type Mode = 'kernel' | 'user' | 'any'

export interface StructField { readonly ty: Ty; readonly index: number; readonly pos: Pos }
export interface StructInfo {
  readonly name: string
  readonly fields: Map<string, StructField>
  readonly order: string[]
  /** Predeclared by lab C (struct flock), usable in user code. */
  readonly builtin: boolean
  readonly pos: Pos
}

/** A checked lab C program: the units' declarations, resolved and annotated. */
export interface Program {
  readonly profile: ProfileName
  readonly api: LabApi
  readonly processes: ProcessDef[]
  readonly kthreads: KthreadDef[]
  readonly drivers: DriverDef[]
  readonly funcs: Map<string, FuncDef>
  readonly globals: VarDecl[]
  readonly structs: Map<string, StructInfo>
  readonly consts: Map<string, bigint>
  /** The file each top-level declaration came from (for runtime messages). */
  readonly fileOf: Map<TopDecl, string>
  /** Engine devices the program asked for with #include (e.g. 'binder' for /dev/binder). */
  readonly devices: Set<string>
}

export interface Local {
  readonly name: string
  readonly ty: Ty
  readonly slot: number
  readonly decl: VarDecl | Param | ThreadStmt
  readonly frame: number
}

export interface BodyCtx {
  mode: Mode
  frame: { id: number; size: number }
  scopes: Map<string, Local>[]
  /** Return type; `null` in process/thread/fork bodies (return exits with an optional status). */
  ret: Ty | null
  what: string
  loops: number
  breakable: number
  /** In a process, thread or fork body (thread/fork/exec allowed). */
  user: boolean
}

let frameIds = 0

export class CheckerBase {
  file = ''
  ctx: BodyCtx | null = null
  readonly prog: Program

  constructor(readonly api: LabApi, readonly diags: Diagnostic[]) {
    this.prog = {
      profile: api.profile, api, processes: [], kthreads: [], drivers: [], funcs: new Map(), globals: [],
      structs: new Map(), consts: new Map(), fileOf: new Map(), devices: new Set(),
    }
  }

  err(pos: Pos, code: DiagCode, message: string, severity: 'error' | 'warning' = 'error'): void {
    this.diags.push({ file: this.file, line: pos.line, col: pos.col, severity, code, message })
  }

  knownStruct = (name: string): boolean => this.api.isKernelStruct(name) || this.prog.structs.has(name)

  resolveTy(ts: TypeSyntax): Ty {
    const r = resolveType(ts, this.knownStruct)
    if (typeof r === 'string') {
      this.err(ts.pos, 'unknown-name', r)
      return T.err
    }
    return r
  }

  /** Is this type a kernel object (or contains one) that user code may not hold? */
  isKernelTy(t: Ty): boolean {
    switch (t.k) {
      case 'struct': return this.api.isKernelStruct(t.name) || (this.prog.structs.has(t.name) && !this.prog.structs.get(t.name)!.builtin)
      case 'ptr': return t.to.k !== 'int' && t.to.k !== 'void' && this.isKernelTy(t.to)
      case 'array': return this.isKernelTy(t.elem)
      case 'fn': return true
      default: return false
    }
  }

  constLookup = (name: string): bigint | undefined => {
    if (this.ctx) for (let i = this.ctx.scopes.length - 1; i >= 0; i--) if (this.ctx.scopes[i]!.has(name)) return undefined
    return this.prog.consts.get(name) ?? this.api.constant(name)
  }

  private sizing = new Set<string>()
  sizeofStruct = (name: string): number | undefined => {
    const s = this.prog.structs.get(name)
    if (s) {
      if (this.sizing.has(name)) return 8
      this.sizing.add(name)
      try { return Math.max(1, [...s.fields.values()].reduce((n, f) => n + sizeOfTy(f.ty, this.sizeofStruct), 0)) } finally { this.sizing.delete(name) }
    }
    // SIM: a kernel struct lab C cannot lay out reports 64, except where the kernel's size is modelled (struct fd).
    return this.api.isKernelStruct(name) ? this.api.structSize(name) ?? 64 : undefined
  }

  constValue(e: Parameters<typeof constEval>[0], what: string): bigint | null {
    const r = constEval(e, this.constLookup, this.sizeofStruct)
    if (typeof r === 'string') {
      this.err(e.pos, 'type-mismatch', `${what} must be a constant expression: ${r}`)
      return null
    }
    return r
  }

  // ---- scopes ----
  enterBody(mode: Mode, what: string, ret: Ty | null, user: boolean, frame?: BodyCtx['frame'], scopes?: Map<string, Local>[]): BodyCtx {
    const ctx: BodyCtx = {
      mode, what, ret, user, loops: 0, breakable: 0,
      frame: frame ?? { id: ++frameIds, size: 0 },
      scopes: scopes ?? [new Map()],
    }
    this.ctx = ctx
    return ctx
  }

  pushScope(): void { this.ctx!.scopes.push(new Map()) }
  popScope(): void { this.ctx!.scopes.pop() }

  declareLocal(name: string, ty: Ty, decl: Local['decl'], pos: Pos): Local {
    const ctx = this.ctx!
    const top = ctx.scopes[ctx.scopes.length - 1]!
    if (top.has(name)) this.err(pos, 'redefined', `'${name}' is already declared in this scope`)
    const l: Local = { name, ty, slot: ctx.frame.size++, decl, frame: ctx.frame.id }
    top.set(name, l)
    return l
  }

  lookupLocal(name: string): Local | undefined {
    const ctx = this.ctx
    if (!ctx) return undefined
    for (let i = ctx.scopes.length - 1; i >= 0; i--) {
      const l = ctx.scopes[i]!.get(name)
      if (l) return l
    }
    return undefined
  }

  /** Names visible here, for "did you mean" suggestions. */
  visibleNames(): string[] {
    const out: string[] = []
    if (this.ctx) for (const s of this.ctx.scopes) out.push(...s.keys())
    out.push(...this.prog.funcs.keys(), ...this.prog.consts.keys(), ...this.prog.globals.map((g) => g.name))
    out.push(...this.api.all().filter((f) => this.api.fn(f.name) === f).map((f) => f.name), ...this.api.constants().keys())
    return out
  }

  suggest(name: string): string {
    let best = ''
    let bestD = Infinity
    for (const n of this.visibleNames()) {
      const d = editDistance(name, n, 3)
      if (d < bestD) { bestD = d; best = n }
    }
    return bestD <= Math.min(2, Math.floor(name.length / 3)) ? ` (did you mean '${best}'?)` : ''
  }
}

/** Edit distance with transpositions (optimal string alignment), giving up above `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1
  let prev2: number[] = []
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const cur = [i]
    let rowMin = i
    for (let j = 1; j <= b.length; j++) {
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2]! + 1)
      cur.push(v)
      rowMin = Math.min(rowMin, v)
    }
    if (rowMin > max) return max + 1
    prev2 = prev
    prev = cur
  }
  return prev[b.length]!
}
