/**
 * Which lab C functions are kernel code and which are user code. Nobody writes it down: a
 * function that calls the kernel API, reads `current` or a kernel global, or is used as a
 * callback or a file operation is kernel code; one that makes system calls, uses errno or
 * starts threads is user code; one that does neither may be called from both. Calls propagate
 * it. A function with evidence of both is an error.
 */
import type { Diagnostic } from '../diagnostics'
import type { FuncDef, Pos, TopDecl } from './ast'
import type { LabApi } from './api'
import { walkStmt } from './walk'

interface Evidence { readonly what: string; readonly pos: Pos }
interface Info { kernel: Evidence | null; user: Evidence | null; calls: { f: FuncDef; pos: Pos }[]; file: string }

export function inferModes(
  decls: readonly { decl: TopDecl; file: string }[],
  funcs: ReadonlyMap<string, FuncDef>,
  globals: ReadonlySet<string>,
  api: LabApi,
  diags: Diagnostic[],
): void {
  const info = new Map<FuncDef, Info>()
  const forced = new Map<FuncDef, Evidence>()
  const scan = (body: Parameters<typeof walkStmt>[0], inf: Info | null, locals: Set<string>): void => {
    const callees = new Set<unknown>()
    walkStmt(body, {
      stmt: (s) => {
        if (s.kind === 'decl') locals.add(s.name)
        if (inf && !inf.user && (s.kind === 'thread' || s.kind === 'exec')) inf.user = { what: s.kind === 'thread' ? 'starts a thread' : 'calls exec', pos: s.pos }
      },
      expr: (e) => {
        if (e.kind === 'fork' && inf && !inf.user) inf.user = { what: 'forks', pos: e.pos }
        if (e.kind === 'call' && e.callee.kind === 'name') callees.add(e.callee)
        if (e.kind === 'call' && e.callee.kind === 'name' && !locals.has(e.callee.name)) {
          const n = e.callee.name
          const f = funcs.get(n)
          if (f) { inf?.calls.push({ f, pos: e.pos }); return }
          const a = api.fn(n)
          if (!a || !inf) return
          if (a.context === 'kernel' && !inf.kernel) inf.kernel = { what: `calls ${n}()`, pos: e.pos }
          if (a.context === 'user' && !inf.user) inf.user = { what: `calls ${n}()`, pos: e.pos }
          return
        }
        if (e.kind === 'name' && !locals.has(e.name) && !callees.has(e)) {
          const f = funcs.get(e.name)
          // A function named outside a call is a callback: kernel code.
          if (f && !forced.has(f)) forced.set(f, { what: 'is used as a callback', pos: e.pos })
          if (!inf) return
          if ((e.name === 'current' || e.name === 'jiffies' || globals.has(e.name)) && !inf.kernel) inf.kernel = { what: `uses ${e.name}`, pos: e.pos }
          if (e.name === 'errno' && !inf.user) inf.user = { what: 'uses errno', pos: e.pos }
        }
      },
    })
  }
  for (const { decl, file } of decls) {
    if (decl.kind === 'func' && decl.body) {
      const inf: Info = { kernel: null, user: null, calls: [], file }
      info.set(decl, inf)
      scan(decl.body, inf, new Set(decl.params.map((p) => p.name)))
    } else if (decl.kind === 'driver') {
      for (const h of decl.hooks) {
        const inf: Info = { kernel: { what: `is a file operation of driver ${decl.name}`, pos: h.pos }, user: null, calls: [], file }
        info.set(h, inf)
        if (h.body) scan(h.body, inf, new Set(h.params.map((p) => p.name)))
      }
    } else if (decl.kind === 'process' || decl.kind === 'kthread') {
      scan(decl.body, null, new Set())
    }
  }
  for (const [f, ev] of forced) {
    const inf = info.get(f)
    if (inf && !inf.kernel) inf.kernel = ev
  }
  // Propagate along calls to a fixed point: a caller of kernel code is kernel code.
  let changed = true
  while (changed) {
    changed = false
    for (const inf of info.values()) {
      for (const c of inf.calls) {
        const ci = info.get(c.f)
        if (!ci) continue
        if (ci.kernel && !inf.kernel) { inf.kernel = { what: `calls ${c.f.name}(), which ${ci.kernel.what}`, pos: c.pos }; changed = true }
        if (ci.user && !inf.user) { inf.user = { what: `calls ${c.f.name}(), which ${ci.user.what}`, pos: c.pos }; changed = true }
      }
    }
  }
  for (const [f, inf] of info) {
    if (inf.kernel && inf.user) {
      f.mode = 'kernel'
      diags.push({
        file: inf.file, line: f.pos.line, col: f.pos.col, severity: 'error', code: 'wrong-context',
        message: `'${f.name}' mixes user code (it ${inf.user.what} at ${inf.user.pos.line}:${inf.user.pos.col}) and kernel code (it ${inf.kernel.what} at ${inf.kernel.pos.line}:${inf.kernel.pos.col})`,
      })
    } else f.mode = inf.kernel ? 'kernel' : inf.user ? 'user' : 'any'
  }
}
