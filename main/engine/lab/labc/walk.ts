/** Generic traversal of lab C statements and expressions (pre-order). */
import type { Block, Expr, Stmt } from './ast'

export interface Visitor {
  expr?(e: Expr): void
  stmt?(s: Stmt): void
}

export function walkStmt(s: Stmt, v: Visitor): void {
  v.stmt?.(s)
  switch (s.kind) {
    case 'block': for (const x of s.body) walkStmt(x, v); break
    case 'decl': if (s.arrayLen && s.arrayLen !== 'auto') walkExpr(s.arrayLen, v); if (s.init) walkExpr(s.init, v); if (s.cleanupStmt) walkStmt(s.cleanupStmt, v); break
    case 'thread': walkStmt(s.body, v); break
    case 'expr': walkExpr(s.expr, v); break
    case 'if': walkExpr(s.test, v); walkStmt(s.then, v); if (s.else) walkStmt(s.else, v); break
    case 'while': walkExpr(s.test, v); walkStmt(s.body, v); break
    case 'dowhile': walkStmt(s.body, v); walkExpr(s.test, v); break
    case 'for':
      if (s.init) walkStmt(s.init, v)
      if (s.test) walkExpr(s.test, v)
      if (s.update) walkExpr(s.update, v)
      walkStmt(s.body, v)
      break
    case 'switch':
      walkExpr(s.test, v)
      for (const c of s.cases) { if (c.test) walkExpr(c.test, v); for (const x of c.body) walkStmt(x, v) }
      break
    case 'return': if (s.value) walkExpr(s.value, v); break
    case 'exec': for (const a of s.args) walkExpr(a, v); if (s.image) walkStmt(s.image, v); break
    case 'expect': walkExpr(s.cond, v); break
    default: break
  }
}

export function walkExpr(e: Expr, v: Visitor): void {
  v.expr?.(e)
  switch (e.kind) {
    case 'unary': case 'deref': case 'addr': case 'cast': walkExpr(e.arg, v); break
    case 'sizeof': if (e.arg) walkExpr(e.arg, v); break
    case 'binary': case 'logical': walkExpr(e.left, v); walkExpr(e.right, v); break
    case 'assign': walkExpr(e.target, v); walkExpr(e.value, v); break
    case 'incdec': walkExpr(e.target, v); break
    case 'cond': walkExpr(e.test, v); walkExpr(e.then, v); walkExpr(e.else, v); break
    case 'call': walkExpr(e.callee, v); for (const a of e.args) walkExpr(a, v); break
    case 'index': walkExpr(e.obj, v); walkExpr(e.index, v); break
    case 'member': walkExpr(e.obj, v); break
    case 'fork': walkStmt(e.body, v); break
    case 'init': for (const x of e.items) walkExpr(x, v); break
    default: break
  }
}

/** Targets reachable from a block's own statements through nested plain blocks: name -> index. */
export function blockTargets(b: Block): Map<string, number> {
  const cached = TARGETS.get(b)
  if (cached) return cached
  const m = new Map<string, number>()
  const inner = (s: Stmt): string[] => s.kind === 'target' ? [s.name] : s.kind === 'block' ? s.body.flatMap(inner) : []
  b.body.forEach((s, i) => { for (const n of inner(s)) if (!m.has(n)) m.set(n, i) })
  TARGETS.set(b, m)
  return m
}
const TARGETS = new WeakMap<Block, Map<string, number>>()

