#!/usr/bin/env node
// Derives the engine's compiled stepped form from the one source of kernel code (decisions.md:
// kernel functions are written once; other forms are derived at build time). The stepped engine
// runs kernel code as generators; a generator's resume costs more than the kernel work of a
// micro-step. Here each kernel generator becomes a resumable frame (a state machine): a plain
// function that returns a KFrame (sim/kframe.ts) whose resume function runs the body from its
// program counter to the next scheduling point, call or return. The thread driver
// (machine/drive.ts) runs KFrames and generators on one stack of frames, so a function this
// transform does not cover stays a generator and runs as before.
// main/engine/stepped/ is committed, so a reviewer reads the code that runs; never edit it by hand.
//   node scripts/gen-stepped.mjs           regenerate main/engine/stepped/ (after any change to kernel/ or sim/)
//   node scripts/gen-stepped.mjs --check   exit 1, naming the files, if regenerating would change it
//   node scripts/gen-stepped.mjs --report  list the generators left as generators, and why
// The transform (on the syntax tree; @babel/parser, @babel/traverse, @babel/generator):
//   function* f(k, a) { BODY }  ->  function f(k, a) { let LOCALS; return new KFrame(($f, $in) => {
//                                     for (;;) switch ($f.pc) { case 0: ... } }) }
//   yield E            -> $f.pc = N; return E; case N:              (a scheduling point, a Sched)
//   yield { obj, w, what: `..${a}..` } -> ... return new SchedFmt(obj, w, $fmtN, a) (the text made when read)
//   x = yield* E       -> $f.pc = N; $f.callee = E; return CALLS; case N: x = $in   (a call)
//   return E           -> $f.ret = E; return DONE
//   return yield* E    -> $f.callee = E; return TAIL          (a tail call: the callee replaces the frame)
//   function* f(k, a) { S; return yield* E }  (no other yield or return) -> function f(k, a) { S; return E }
//                         (no frame at all: the caller starts E itself)
//   function h(k, l): SchedPoint { PRE; return { obj, w, what, enabled: () => E, then: () => { B } } }
//                      -> function h(k, l) { PRE; return new SchedWaitThen(obj, w, .., $h$then, $h$enabled, l, me, k) }
//                         with $h$then = (l, me, k) => { B } at the module's level (a one-point helper: no closure per call)
//   if / loops holding a yield become jumps between cases ($f.pc = N; continue $resume);
//   `let`/`const` are hoisted to the function (renamed where two blocks use one name).
//   Before that, a yield inside an expression is moved out where order allows:
//   `if (!(yield* f()))` -> `const $t = yield* f(); if (!$t)`, and `x = c ? yield* a : yield* b`
//   -> `if (c) x = yield* a; else x = yield* b`.
// A generator the transform does not cover (try, switch or labels around a yield, a yield left
// inside an expression, a closure over a loop's variable, a nested function declaration) stays a
// generator: --report lists them. bitmap.ts's iterators are not kernel paths: never rewritten.
// test/engine/machine/stepped.test.ts proves both forms give identical traces and results.
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from '@babel/parser'
import _traverse from '@babel/traverse'
import _generate from '@babel/generator'
import * as t from '@babel/types'
import { src, NOT_KERNEL_CODE, readSources, sharedModules, relink, derivedFolder } from './gen-derived.mjs'

const traverse = _traverse.default ?? _traverse
const generateCode = _generate.default ?? _generate

const out = join(src, 'stepped')
/** The compiled form's kfunc: the generated modules import it where the source imports sim/kfunc. */
const STEPPED_KFUNC = 'sim/kframe'
const folder = derivedFolder(out, 'gen-stepped',
  'The compiled stepped form is derived from main/engine/kernel: run `node scripts/gen-stepped.mjs` and commit main/engine/stepped/.')

class Unsupported extends Error {}

/** Whether @node holds a yield outside nested functions. */
function hasYield(node) {
  let found = false
  const visit = (n) => {
    if (found || !n || typeof n.type !== 'string') return
    if (n.type === 'YieldExpression') { found = true; return }
    if (t.isFunction(n)) return
    for (const key of t.VISITOR_KEYS[n.type] ?? []) {
      const v = n[key]
      if (Array.isArray(v)) v.forEach(visit)
      else visit(v)
    }
  }
  visit(node)
  return found
}

/** Whether the path @p still reaches the root through the nodes' own children (not a node of a replaced statement). */
function attached(p) {
  for (let q = p; q.parentPath; q = q.parentPath) {
    if (q.removed || !q.node || !q.parentPath.node) return false
    const c = q.listKey ? q.parentPath.node[q.listKey]?.[q.key] : q.parentPath.node[q.key]
    if (c !== q.node) return false
  }
  return true
}

/** Whether the path @p is at @node or below it. */
function within(p, node) {
  return p.node === node || p.findParent((q) => q.node === node) !== null
}

/**
 * Move yields out of expressions where the order of evaluation allows (see the header). Works
 * on the generator's body path; throws Unsupported for a yield it cannot move.
 */
function normalize(fnPath) {
  let n = 0
  const temp = () => t.identifier(`$y${n++}`)
  fnPath.traverse({
    Function(p) { p.skip() },
    YieldExpression(p) {
      // a yield of a statement replaced below (its copy in the new statement is visited on its own)
      if (!attached(p)) return
      const stmt = p.getStatementParent()
      // Supported in place: `yield E;`, `x = yield E;`, `const x = yield E;`, `return yield E;`
      const parent = p.parentPath
      if (parent.isExpressionStatement()) return
      const simpleTarget = (l) => t.isIdentifier(l) || (t.isMemberExpression(l) && !l.computed && t.isIdentifier(l.object))
      if (parent.isAssignmentExpression({ operator: '=' }) && p.key === 'right' && parent.parentPath.isExpressionStatement() && simpleTarget(parent.node.left)) return
      if (parent.isVariableDeclarator() && p.key === 'init' && parent.parentPath.node.declarations.length === 1 && t.isIdentifier(parent.node.id)) return
      if (parent.isReturnStatement()) return
      // c ? yield* a : yield* b as a statement's value: an if statement.
      const cond = p.findParent((q) => q.isConditionalExpression() && (within(p, q.node.consequent) || within(p, q.node.alternate)))
      if (cond && !hasYield(cond.node.test)) {
        const cp = cond.parentPath
        const ret = (e) => t.cloneNode(e, true)
        if (cp.isReturnStatement()) {
          cp.replaceWith(t.ifStatement(cond.node.test, t.returnStatement(ret(cond.node.consequent)), t.returnStatement(ret(cond.node.alternate))))
          return
        }
        if (cp.isAssignmentExpression({ operator: '=' }) && cp.parentPath.isExpressionStatement() && simpleTarget(cp.node.left)) {
          const asg = (e) => t.expressionStatement(t.assignmentExpression('=', t.cloneNode(cp.node.left, true), ret(e)))
          cp.parentPath.replaceWith(t.ifStatement(cond.node.test, asg(cond.node.consequent), asg(cond.node.alternate)))
          return
        }
        if (cp.isVariableDeclarator() && t.isIdentifier(cp.node.id) && cp.parentPath.node.declarations.length === 1) {
          const id = cp.node.id.name
          const asg = (e) => t.expressionStatement(t.assignmentExpression('=', t.identifier(id), ret(e)))
          const decl = cp.parentPath
          decl.replaceWithMultiple([t.variableDeclaration('let', [t.variableDeclarator(t.identifier(id))]), t.ifStatement(cond.node.test, asg(cond.node.consequent), asg(cond.node.alternate))])
          return
        }
        throw new Unsupported(`a yield in a conditional expression (${cp.node.type} in ${cp.parentPath.node.type})`)
      }
      // The yield is evaluated first in its statement: a temporary before the statement.
      let q = p
      while (q.parentPath !== stmt) {
        const up = q.parentPath
        const first = (up.isUnaryExpression() && q.key === 'argument') ||
          ((up.isBinaryExpression() || up.isLogicalExpression()) && q.key === 'left') ||
          (up.isMemberExpression() && q.key === 'object') ||
          (up.isTSNonNullExpression() || up.isTSAsExpression() || up.isParenthesizedExpression()) ||
          (up.isConditionalExpression() && q.key === 'test') ||
          (up.isVariableDeclarator() && q.key === 'init' && up.parentPath.node.declarations[0] === up.node) ||
          (up.isVariableDeclaration() && q.key === 0) ||
          (up.isAssignmentExpression({ operator: '=' }) && q.key === 'right' && t.isIdentifier(up.node.left)) ||
          (up.isExpressionStatement())
        if (!first) throw new Unsupported('a yield not evaluated first in its statement')
        q = up
      }
      const ok = (stmt.isIfStatement() && within(p, stmt.node.test)) || stmt.isExpressionStatement() || stmt.isVariableDeclaration() || stmt.isReturnStatement()
      if (!ok) throw new Unsupported(`a yield inside ${stmt.node.type}`)
      const id = temp()
      const y = p.node
      p.replaceWith(t.cloneNode(id))
      const decl = t.variableDeclaration('const', [t.variableDeclarator(t.cloneNode(id), y)])
      if (stmt.parentPath.isBlockStatement() || stmt.parentPath.isProgram()) stmt.insertBefore(decl)
      else stmt.replaceWith(t.blockStatement([decl, stmt.node]))
    },
  })
}

/**
 * Hoist every `let`/`const`/`var` of the function's body to one declaration list (renaming a
 * name that two blocks declare), turning declarations into assignments. Returns the names.
 */
function hoist(fnPath) {
  const names = new Set(fnPath.node.params.flatMap((p) => Object.keys(t.getBindingIdentifiers(p))))
  const hoisted = []
  const loopDecl = new Set()
  fnPath.traverse({
    Function(p) { p.skip() },
    VariableDeclaration(p) {
      for (const d of p.node.declarations) {
        for (const name of Object.keys(t.getBindingIdentifiers(d.id))) {
          let nn = name
          if (names.has(name)) {
            nn = p.scope.generateUid(name).replace(/^_/, '$')
            p.scope.rename(name, nn)
          }
          names.add(nn)
          hoisted.push(nn)
          if (p.findParent((q) => q.isLoop() && q.isDescendant(fnPath))) loopDecl.add(nn)
        }
      }
    },
  })
  // A closure over a variable declared in a loop would see one variable for all iterations.
  fnPath.traverse({
    Function(p) {
      p.traverse({
        Identifier(q) {
          if (!loopDecl.has(q.node.name) || !q.isReferencedIdentifier()) return
          const b = q.scope.getBinding(q.node.name)
          if (b && b.path.findParent((x) => x === p)) return // the closure's own
          throw new Unsupported('a closure over a loop variable')
        },
      })
      p.skip()
    },
  })
  fnPath.traverse({
    Function(p) { p.skip() },
    VariableDeclaration(p) {
      const assigns = p.node.declarations.map((d) => {
        const init = d.init ?? (p.node.kind === 'var' ? null : t.identifier('undefined'))
        if (init === null) return null
        const id = t.isIdentifier(d.id) ? t.identifier(d.id.name) : d.id
        return t.assignmentExpression('=', id, init)
      }).filter(Boolean)
      const expr = assigns.length === 0 ? null : assigns.length === 1 ? assigns[0] : t.sequenceExpression(assigns)
      if (p.parentPath.isForStatement() && p.key === 'init') { if (expr) p.replaceWith(expr); else p.remove(); return }
      if (p.parentPath.isForXStatement() && p.key === 'left') {
        const d = p.node.declarations[0]
        p.replaceWith(t.isIdentifier(d.id) ? t.identifier(d.id.name) : d.id)
        return
      }
      if (expr) p.replaceWith(t.expressionStatement(expr))
      else p.remove()
    },
  })
  return hoisted
}

/** Module-level formatters of scheduling points' `what` (see lazyWhat), per module being transformed. */
let formatters = []

/**
 * `yield { obj: O, w: W, what: `text ${a} ${b}` }` -> `yield new SchedFmt(O, W, $fmtN, a, b)`: the
 * values are taken at the point, as the template would take them, and the text is made only when
 * something reads `what` (a snapshot, a report of a blocked thread; an untraced run reads none).
 * null for any other point (other keys, no template, more than 4 values).
 */
function lazyWhat(arg) {
  if (!t.isObjectExpression(arg) || arg.properties.length !== 3) return null
  const byKey = {}
  for (const pr of arg.properties) {
    if (!t.isObjectProperty(pr) || pr.computed || !t.isIdentifier(pr.key)) return null
    byKey[pr.key.name] = pr.value
  }
  const { obj, w, what } = byKey
  if (!obj || !w || !what || !t.isTemplateLiteral(what) || what.expressions.length === 0 || what.expressions.length > 4) return null
  if ([obj, w, ...what.expressions].some((e) => hasYield(e))) return null
  const params = what.expressions.map((_, i) => t.identifier(`$${i}`))
  const id = t.identifier(`$fmt${formatters.length}`)
  formatters.push(t.variableDeclaration('const', [t.variableDeclarator(id, t.arrowFunctionExpression(params, t.templateLiteral(what.quasis, params)))]))
  return t.newExpression(t.identifier('SchedFmt'), [obj, w, t.cloneNode(id), ...what.expressions])
}

/**
 * A one-point helper (sim/context.ts SchedPoint: `function spin_lock(k, lock): SchedPoint`, whose
 * last statement returns `{ obj, w, what, enabled?: () => E, then: () => { BODY } }`) returns a
 * point object of a class instead (sim/kframe.ts SchedThen, SchedWaitThen), so that a lock or
 * unlock makes no closures: `then` and `enabled` become module-level functions of the helper's
 * variables they read (at most 3: parameters and constants of the helper, taken when the point
 * is made, as the closures would have seen them), and `what` a formatter as in lazyWhat.
 * Throws Unsupported for any other shape (the helper is then left as it is).
 */
function compilePointHelper(fnPath, name) {
  const body = fnPath.node.body.body
  const last = body[body.length - 1]
  if (!t.isReturnStatement(last) || !t.isObjectExpression(last.argument)) throw new Unsupported('a one-point helper whose last statement returns no object literal')
  const byKey = {}
  for (const pr of last.argument.properties) {
    if (!t.isObjectProperty(pr) || pr.computed || !t.isIdentifier(pr.key)) throw new Unsupported('a one-point helper point with a computed or spread key')
    byKey[pr.key.name] = pr.value
  }
  const { obj, w, what, enabled, then } = byKey
  if (Object.keys(byKey).some((x) => !['obj', 'w', 'what', 'enabled', 'then'].includes(x))) throw new Unsupported('a one-point helper point with other keys')
  if (!obj || !w || !what || !then) throw new Unsupported('a one-point helper point without obj, w, what and then')
  const arrows = [then, ...(enabled ? [enabled] : [])]
  if (!arrows.every((a) => t.isArrowFunctionExpression(a) && a.params.length === 0)) throw new Unsupported('a one-point helper whose then/enabled is no arrow without parameters')
  // Moved to the module's level, they would read another `this` and `arguments`.
  for (const a of arrows) t.traverseFast(a.body, (x) => { if (t.isThisExpression(x) || t.isIdentifier(x, { name: 'arguments' })) throw new Unsupported('a one-point helper whose then/enabled reads this or arguments') })
  // Other returns (an early return of another point) are not this shape.
  let returns = 0
  fnPath.traverse({ Function(p) { p.skip() }, ReturnStatement() { returns++ } })
  if (returns !== 1) throw new Unsupported('a one-point helper with more than one return')
  // The helper's variables the closures read: its parameters and its own top-level constants.
  const retPath = fnPath.get('body.body').at(-1)
  const captured = []
  const thenPaths = retPath.get('argument.properties').filter((pp) => ['then', 'enabled'].includes(pp.node.key.name)).map((pp) => pp.get('value'))
  for (const ap of thenPaths) {
    ap.traverse({
      Identifier(q) {
        if (!q.isReferencedIdentifier()) return
        const b = q.scope.getBinding(q.node.name)
        if (!b || b.scope !== fnPath.scope) return
        if (!b.constant) throw new Unsupported(`a one-point helper whose closures read the variable ${q.node.name}, which changes`)
        if (!captured.includes(q.node.name)) captured.push(q.node.name)
      },
    })
  }
  if (captured.length > 3) throw new Unsupported('a one-point helper whose closures read more than 3 variables')
  const params = captured.map((c) => t.identifier(c))
  const fnId = (kind) => t.identifier(`$${name}$${kind}`)
  pointHelpers.push(t.variableDeclaration('const', [t.variableDeclarator(fnId('then'), t.arrowFunctionExpression(params.map((x) => t.cloneNode(x)), then.body))]))
  if (enabled) pointHelpers.push(t.variableDeclaration('const', [t.variableDeclarator(fnId('enabled'), t.arrowFunctionExpression(params.map((x) => t.cloneNode(x)), enabled.body))]))
  // `what`: a string as it is, or a template of one value made when read.
  let text, fmt = t.identifier('undefined'), fa = t.identifier('undefined')
  if (t.isStringLiteral(what)) text = what
  else if (t.isTemplateLiteral(what) && what.expressions.length === 1) {
    text = t.identifier('undefined')
    const id = t.identifier(`$fmt${formatters.length}`)
    formatters.push(t.variableDeclaration('const', [t.variableDeclarator(id, t.arrowFunctionExpression([t.identifier('$0')], t.templateLiteral(what.quasis, [t.identifier('$0')])))]))
    fmt = t.cloneNode(id)
    fa = what.expressions[0]
  } else throw new Unsupported('a one-point helper whose what is neither a string nor a template of one value')
  const args = [obj, w, text, fmt, fa, fnId('then'), ...(enabled ? [fnId('enabled')] : []), ...captured.map((c) => t.identifier(c))]
  last.argument = t.newExpression(t.identifier(enabled ? 'SchedWaitThen' : 'SchedThen'), args)
  fnPath.node.returnType = null
}

/** Module-level `then`/`enabled` functions of one-point helpers (compilePointHelper), per module being transformed. */
let pointHelpers = []

/** Whether @p is a one-point helper: a function declared to return SchedPoint. */
function isPointHelper(p) {
  const rt = p.node.returnType?.typeAnnotation
  return p.isFunctionDeclaration() && !p.node.generator && t.isTSTypeReference(rt) && t.isIdentifier(rt.typeName, { name: 'SchedPoint' })
}

/** Compile a normalized, hoisted generator body (statements) into the cases of a resume function. */
function compileBody(stmts, temps) {
  const cases = [] // { label, body: [] }
  let cur = { label: 0, body: [] }
  cases.push(cur)
  let next = 1
  const newLabel = () => next++
  const PC = () => t.memberExpression(t.identifier('$f'), t.identifier('pc'))
  const setPc = (l) => t.expressionStatement(t.assignmentExpression('=', PC(), t.numericLiteral(l)))
  const jumpStmts = (l) => [setPc(l), t.continueStatement(t.identifier('$resume'))]
  const emit = (s) => cur.body.push(s)
  const mark = (l) => { cur = { label: l, body: [] }; cases.push(cur) }
  const retStmts = (e) => [
    t.expressionStatement(t.assignmentExpression('=', t.memberExpression(t.identifier('$f'), t.identifier('ret')), e ?? t.identifier('undefined'))),
    t.returnStatement(t.identifier('DONE')),
  ]
  /** Targets of break/continue: { label (JS label or null), brk, cont, exploded } */
  const targets = []

  /** Rewrite, in a statement left as it is, the returns and the break/continue that leave it for an exploded target. */
  function rewriteVerbatim(stmt) {
    const holder = t.blockStatement([stmt])
    traverse(t.file(t.program([t.expressionStatement(t.functionExpression(null, [], holder))])), {
      Function(p) { if (p.node.body !== holder) p.skip() },
      ReturnStatement(p) { p.replaceWith(t.blockStatement(retStmts(p.node.argument))); p.skip() },
      'BreakStatement|ContinueStatement'(p) {
        const isBreak = p.isBreakStatement()
        const label = p.node.label?.name ?? null
        // Inside the verbatim statement, is the target a loop or switch of its own?
        let q = p.parentPath
        while (q && q.node !== holder) {
          if (label === null ? (isBreak ? q.isLoop() || q.isSwitchStatement() : q.isLoop()) : q.isLabeledStatement() && q.node.label.name === label) return
          q = q.parentPath
        }
        for (let i = targets.length - 1; i >= 0; i--) {
          const tg = targets[i]
          if (label === null ? (isBreak || tg.cont !== null) : tg.label === label) {
            const l = isBreak ? tg.brk : tg.cont
            if (l === null) throw new Unsupported('continue to a label that is no loop')
            p.replaceWith(t.blockStatement(jumpStmts(l)))
            p.skip()
            return
          }
        }
        throw new Unsupported('break/continue target not found')
      },
    }, undefined, undefined)
    return holder.body.length === 1 ? holder.body[0] : holder
  }

  function callOrYield(y, after) {
    const l = newLabel()
    emit(setPc(l))
    if (y.delegate) {
      emit(t.expressionStatement(t.assignmentExpression('=', t.memberExpression(t.identifier('$f'), t.identifier('callee')), y.argument)))
      emit(t.returnStatement(t.identifier('CALLS')))
    } else emit(t.returnStatement(lazyWhat(y.argument) ?? y.argument ?? t.identifier('undefined')))
    mark(l)
    if (after) after(t.identifier('$in'))
  }

  function stmt(s, label = null) {
    if (!hasYield(s)) { emit(rewriteVerbatim(s)); return }
    switch (s.type) {
      case 'BlockStatement': s.body.forEach((x) => stmt(x)); return
      case 'ExpressionStatement': {
        const e = s.expression
        if (t.isYieldExpression(e) && !hasYield(e.argument ?? t.nullLiteral())) return callOrYield(e, null)
        if (t.isAssignmentExpression(e) && t.isYieldExpression(e.right) && !hasYield(e.right.argument ?? t.nullLiteral()) && !hasYield(e.left)) {
          return callOrYield(e.right, (v) => emit(t.expressionStatement(t.assignmentExpression(e.operator, e.left, v))))
        }
        throw new Unsupported('a yield inside an expression statement')
      }
      case 'ReturnStatement':
        if (t.isYieldExpression(s.argument) && s.argument.delegate && !hasYield(s.argument.argument)) {
          // `return yield* f()`: a tail call (the callee takes this frame's place; its value is this one's)
          emit(t.expressionStatement(t.assignmentExpression('=', t.memberExpression(t.identifier('$f'), t.identifier('callee')), s.argument.argument)))
          emit(t.returnStatement(t.identifier('TAIL')))
          return
        }
        if (t.isYieldExpression(s.argument) && !hasYield(s.argument.argument ?? t.nullLiteral())) return callOrYield(s.argument, (v) => retStmts(v).forEach(emit))
        throw new Unsupported('a yield inside a return')
      case 'IfStatement': {
        if (hasYield(s.test)) throw new Unsupported('a yield in an if test')
        const lElse = newLabel()
        const lEnd = s.alternate ? newLabel() : lElse
        emit(t.ifStatement(t.unaryExpression('!', s.test), t.blockStatement(jumpStmts(lElse))))
        stmt(s.consequent)
        if (s.alternate) {
          jumpStmts(lEnd).forEach(emit)
          mark(lElse)
          stmt(s.alternate)
        }
        mark(lEnd)
        return
      }
      case 'WhileStatement': case 'ForStatement': {
        if (hasYield(s.test ?? t.nullLiteral()) || (s.type === 'ForStatement' && (hasYield(s.init ?? t.nullLiteral()) || hasYield(s.update ?? t.nullLiteral())))) throw new Unsupported('a yield in a loop header')
        if (s.type === 'ForStatement' && s.init) emit(t.isExpression(s.init) ? t.expressionStatement(s.init) : s.init)
        const lTop = newLabel(), lCont = newLabel(), lEnd = newLabel()
        mark(lTop)
        if (s.test) emit(t.ifStatement(t.unaryExpression('!', s.test), t.blockStatement(jumpStmts(lEnd))))
        targets.push({ label, brk: lEnd, cont: lCont })
        stmt(s.body)
        targets.pop()
        mark(lCont)
        if (s.type === 'ForStatement' && s.update) emit(t.expressionStatement(s.update))
        jumpStmts(lTop).forEach(emit)
        mark(lEnd)
        return
      }
      case 'DoWhileStatement': {
        if (hasYield(s.test)) throw new Unsupported('a yield in a loop header')
        const lTop = newLabel(), lCont = newLabel(), lEnd = newLabel()
        mark(lTop)
        targets.push({ label, brk: lEnd, cont: lCont })
        stmt(s.body)
        targets.pop()
        mark(lCont)
        emit(t.ifStatement(s.test, t.blockStatement(jumpStmts(lTop))))
        mark(lEnd)
        return
      }
      case 'ForOfStatement': {
        if (hasYield(s.right) || s.await) throw new Unsupported('a yield in a loop header')
        // The iteration protocol written out: for (x of xs) B -> it = xs[Symbol.iterator](); loop: r = it.next(); if (r.done) end; x = r.value; B
        const it = t.identifier(`$it${temps.length}`), r = t.identifier(`$r${temps.length}`)
        temps.push(it.name, r.name)
        emit(t.expressionStatement(t.assignmentExpression('=', it, t.callExpression(t.memberExpression(s.right, t.memberExpression(t.identifier('Symbol'), t.identifier('iterator')), true), []))))
        const lTop = newLabel(), lEnd = newLabel()
        mark(lTop)
        emit(t.expressionStatement(t.assignmentExpression('=', r, t.callExpression(t.memberExpression(it, t.identifier('next')), []))))
        emit(t.ifStatement(t.memberExpression(r, t.identifier('done')), t.blockStatement(jumpStmts(lEnd))))
        emit(t.expressionStatement(t.assignmentExpression('=', s.left, t.memberExpression(r, t.identifier('value')))))
        targets.push({ label, brk: lEnd, cont: lTop })
        stmt(s.body)
        targets.pop()
        jumpStmts(lTop).forEach(emit)
        mark(lEnd)
        return
      }
      case 'SwitchStatement': {
        if (hasYield(s.discriminant) || s.cases.some((c) => c.test && hasYield(c.test))) throw new Unsupported('a yield in a switch header')
        // Cases as jumps: the tests in order (===, as switch compares), then the bodies in order (fall-through kept).
        const d = t.identifier(`$sw${temps.length}`)
        temps.push(d.name)
        emit(t.expressionStatement(t.assignmentExpression('=', d, s.discriminant)))
        const lEnd = newLabel()
        const labels = s.cases.map(() => newLabel())
        s.cases.forEach((c, i) => { if (c.test) emit(t.ifStatement(t.binaryExpression('===', d, c.test), t.blockStatement(jumpStmts(labels[i])))) })
        const def = s.cases.findIndex((c) => !c.test)
        jumpStmts(def >= 0 ? labels[def] : lEnd).forEach(emit)
        targets.push({ label, brk: lEnd, cont: null })
        s.cases.forEach((c, i) => { mark(labels[i]); c.consequent.forEach((x) => stmt(x)) })
        targets.pop()
        mark(lEnd)
        return
      }
      case 'LabeledStatement':
        if (t.isLoop(s.body) || t.isSwitchStatement(s.body)) return stmt(s.body, s.label.name)
        throw new Unsupported('a label around a yield')
      default:
        throw new Unsupported(`a yield inside ${s.type}`)
    }
  }
  stmts.forEach((s) => stmt(s))
  retStmts(null).forEach(emit)
  return cases.map((c) => t.switchCase(t.numericLiteral(c.label), c.body))
}

/**
 * A generator whose only yield is its last statement, `return yield* E` (get_unused_fd_flags,
 * fget_raw, sys_open...), with no other return: a plain function returning E, the callee itself
 * (a KFrame, or a generator), instead of a frame of its own that would start, call E and give
 * its place to it. Its statements before run when it is called rather than when its frame would
 * have been started; a caller always starts what it calls at once (the compiled form's `CALLS`
 * and `TAIL`, a generator's `yield*`), with nothing in between. false for any other generator.
 */
function compileTailOnly(fnPath) {
  const body = fnPath.node.body.body
  const last = body[body.length - 1]
  if (!t.isReturnStatement(last) || !t.isYieldExpression(last.argument, { delegate: true })) return false
  let yields = 0
  let returns = 0
  fnPath.traverse({ Function(p) { p.skip() }, YieldExpression() { yields++ }, ReturnStatement() { returns++ } })
  if (yields !== 1 || returns !== 1) return false
  last.argument = last.argument.argument
  fnPath.node.generator = false
  fnPath.node.returnType = null
  return true
}

/** Compile the generator at @fnPath in place (a function returning a KFrame); throws Unsupported. */
function compileGenerator(fnPath) {
  const body = fnPath.node.body
  t.traverseFast(body, (n) => {
    if (t.isTryStatement(n) && hasYield(n)) throw new Unsupported('a yield inside try')
  })
  fnPath.traverse({
    FunctionDeclaration(p) { throw new Unsupported('a nested function declaration') },
    Function(p) { p.skip() },
  })
  normalize(fnPath)
  const names = hoist(fnPath)
  const temps = []
  const cases = compileBody(fnPath.node.body.body, temps)
  names.push(...temps)
  const resume = t.arrowFunctionExpression([t.identifier('$f'), t.identifier('$in')], t.blockStatement([
    t.labeledStatement(t.identifier('$resume'), t.forStatement(null, null, null, t.switchStatement(t.memberExpression(t.identifier('$f'), t.identifier('pc')), cases))),
  ]))
  const stmts = []
  if (names.length) stmts.push(t.variableDeclaration('let', names.map((n) => t.variableDeclarator(t.identifier(n)))))
  stmts.push(t.returnStatement(t.newExpression(t.identifier('KFrame'), [resume])))
  fnPath.node.body = t.blockStatement(stmts)
  fnPath.node.generator = false
  fnPath.node.returnType = null
}

/**
 * `kfunc('name', function (k, a) {...})` gets a third argument: a wrapper written with the body's
 * own parameters that calls the body directly when tracing is off (one callee per call site, no
 * rest arguments), as gen-fast does for the fast path. Bodies that read `this` or `arguments`, or
 * whose parameters are not plain names, keep kfunc's shared wrapper.
 */
function addKfuncSites(ast) {
  traverse(ast, {
    CallExpression(p) {
      const n = p.node
      if (!t.isIdentifier(n.callee, { name: 'kfunc' }) || n.arguments.length !== 2 || !t.isStringLiteral(n.arguments[0])) return
      const fn = n.arguments[1]
      if (!t.isFunctionExpression(fn) && !t.isArrowFunctionExpression(fn)) return
      if (fn.params.length === 0 || !fn.params.every((q) => t.isIdentifier(q) && !q.optional)) return
      let usesThis = false
      t.traverseFast(fn.body, (x) => { if (t.isThisExpression(x) || t.isIdentifier(x, { name: 'arguments' })) usesThis = true })
      if (usesThis) return
      const names = fn.params.map((q) => q.name)
      const id = (x) => t.identifier(x)
      const site = t.arrowFunctionExpression([id('__body'), id('__traced')], t.functionExpression(null, names.map(id), t.blockStatement([
        t.returnStatement(t.conditionalExpression(
          t.memberExpression(t.memberExpression(id(names[0]), id('trace')), id('on')),
          t.callExpression(id('__traced'), [id(names[0]), t.arrayExpression(names.slice(1).map(id))]),
          t.callExpression(id('__body'), names.map(id)),
        )),
      ])))
      n.arguments.push(site)
    },
  })
}

/** The compiled form of module @code (engine-relative path @rel), and the generators left as they were. */
export function transform(code, rel) {
  if (NOT_KERNEL_CODE.has(rel)) return { code, left: [] }
  if (!/function\*|\*\w+\(|\): SchedPoint \{/.test(code)) return { code, left: [] }
  const ast = parse(code, { sourceType: 'module', plugins: ['typescript'] })
  formatters = []
  pointHelpers = []
  const left = []
  let compiled = 0
  let points = 0
  const gens = []
  traverse(ast, {
    Function(p) {
      if (p.node.generator) gens.push(p)
      else if (isPointHelper(p)) {
        const saved = t.cloneNode(p.node, true)
        try {
          compilePointHelper(p, p.node.id.name)
          points++
        } catch (e) {
          if (!(e instanceof Unsupported)) throw new Error(`${rel} ${p.node.id.name}: ${e.stack}`)
          p.replaceWith(saved)
          left.push(`${rel} ${p.node.id.name}: ${e.message}`)
        }
      }
    },
  })
  // Inner generators first (an outer one may then still compile around a compiled inner one).
  for (const p of gens.reverse()) {
    const name = p.node.id?.name ?? (p.parentPath.isVariableDeclarator() ? p.parentPath.node.id.name : p.parentPath.isCallExpression() && t.isStringLiteral(p.parentPath.node.arguments[0]) ? p.parentPath.node.arguments[0].value : p.isObjectMethod() ? p.node.key.name : '(anonymous)')
    if (p.isClassMethod()) { left.push(`${rel} ${name}: a generator class method`); continue }
    const saved = t.cloneNode(p.node, true)
    try {
      if (!compileTailOnly(p)) compileGenerator(p)
      compiled++
    } catch (e) {
      if (!(e instanceof Unsupported)) throw new Error(`${rel} ${name}: ${e.stack}`)
      p.replaceWith(saved)
      left.push(`${rel} ${name}: ${e.message}`)
    }
  }
  if (compiled === 0 && points === 0) return { code, left }
  addKfuncSites(ast)
  // kfunc, KFrame, CALLS and DONE come from the compiled form's kfunc (STEPPED_KFUNC); the other
  // helpers (kfuncSync, tracepoint, tracedStub...) are sim/kfunc's own.
  const up = relative(dirname(join(src, rel)), join(src, STEPPED_KFUNC)).replace(/\\/g, '/')
  const used = (n) => { let u = false; t.traverseFast(ast.program, (x) => { if (t.isIdentifier(x, { name: n })) u = true }); return u }
  const names = ['KFrame', 'CALLS', 'DONE', 'TAIL', ...['SchedFmt', 'SchedThen', 'SchedWaitThen'].filter(used)]
  // the formatters after the imports (they use none of the module's names); the one-point
  // helpers' functions at the end (they use the module's names, read when they run)
  const firstNonImport = ast.program.body.findIndex((d) => !t.isImportDeclaration(d))
  ast.program.body.splice(firstNonImport < 0 ? ast.program.body.length : firstNonImport, 0, ...formatters)
  ast.program.body.push(...pointHelpers)
  for (const d of ast.program.body) {
    if (!t.isImportDeclaration(d) || !/\/sim\/kfunc$/.test(d.source.value)) continue
    const i = d.specifiers.findIndex((sp) => t.isImportSpecifier(sp) && sp.imported.name === 'kfunc' && d.importKind !== 'type' && sp.importKind !== 'type')
    if (i < 0) continue
    names.push('kfunc')
    d.specifiers.splice(i, 1)
  }
  ast.program.body = ast.program.body.filter((d) => !(t.isImportDeclaration(d) && d.specifiers.length === 0 && /\/sim\/kfunc$/.test(d.source.value)))
  ast.program.body.unshift(t.importDeclaration(names.map((n) => t.importSpecifier(t.identifier(n), t.identifier(n))), t.stringLiteral(up.startsWith('.') ? up : './' + up)))
  let outCode = generateCode(ast, { retainLines: false, comments: true, jsescOption: { minimal: true, quotes: 'single' } }).code
  return { code: outCode, left }
}

/** Every file of main/engine/stepped/ (path inside it -> text), and the generators left. */
export function generate() {
  const sources = readSources(['kernel'])
  const left = []
  const rewritten = new Map([...sources].map(([rel, code]) => {
    const r = transform(code, rel)
    left.push(...r.left)
    return [rel, r.code]
  }))
  // A module left unchanged whose imports are all unchanged is shared, as in gen-fast.
  const shared = sharedModules(sources, rewritten)
  const files = new Map()
  for (const [rel, code] of rewritten) {
    if (shared.has(rel)) continue
    const linked = relink(code, rel, out, (dep) => (sources.has(`${dep}.ts`) && !shared.has(`${dep}.ts`) ? null : dep))
    files.set(rel, `// GENERATED by scripts/gen-stepped.mjs from main/engine/${rel}: do not edit (regenerate: node scripts/gen-stepped.mjs).\n// @ts-nocheck\n${linked}`)
  }
  return { files, left }
}

export function writeStepped({ quiet = false } = {}) {
  folder.write(generate().files, { quiet })
}

export function checkStepped() {
  return folder.check(generate().files)
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--report')) {
    const { left } = generate()
    console.log(left.length ? left.join('\n') : 'every kernel generator is compiled')
  } else folder.main(() => generate().files, checkStepped)
}
