#!/usr/bin/env node
// Derives the engine's fast path from the one source of kernel code (decisions.md: "a fast path
// ... may be derived from that one source, for example a build-time transform that turns the
// generator form into plain functions"). main/engine/fast/ is committed, so a reviewer reads the
// code that runs; it is never edited by hand.
//   node scripts/gen-fast.mjs           regenerate main/engine/fast/ (after any change to kernel/ or sim/)
//   node scripts/gen-fast.mjs --check   exit 1, naming the files, if regenerating would change it
//                                       (`npm test`, `npm run build` and the CLI build run this)
// The rewrite, on the source text:
//   function* f(...)  -> function f(...)        *method(...) -> method(...)
//   yield* expr       -> expr                   yield { ... } -> __sched({ ... })
//   yield { ..., enabled: () => X } -> __sched(), (X) || (__schedSettle(), (X) || __schedBlocked())
//     (X is a condition without effects: tested in place, no closure)
//   return { obj, w, what, then: () => { BODY } } -> yield { obj, w, what } then BODY, rewritten as
//     above (a one-point helper, sim/context.ts SchedPoint, run in place)
//   yield f(...) -> f(...)  (the call of a one-point helper)
//   type SchedPoint = Sched -> type SchedPoint = void
//   tracedStub(k, ...) -> k.trace.on && tracedStub(k, ...)   (its argument list is built only when traced)
//   type KGen<R> = Generator<...> -> type KGen<R> = R
//   import ... from '<..>/sim/kfunc' -> import ... from '<..>/sim/kfunc.fast' (the fast path's kfunc,
//     written by hand: imported where it is, not copied)
//   kfunc('name', function (k, a) {...}) -> kfunc('name', function (k, a) {...}, SITE): SITE is a
//     wrapper written with the body's own parameters, so each kernel function has its own caller
//     of its body (one callee per call site, which the JIT can inline; sim/kfunc.fast.ts); traced,
//     when every parameter is required, a traced path of its own (enter, the body, exit) takes its
//     arguments as they are, else the shared one (__traced) reads its arguments object
// A module that the rewrite leaves unchanged and that imports only such modules (errno, flags,
// bitmap, the trace log, profiles) is not copied: the fast path imports the original, so both
// forms share its values and types (one TraceLog class, one Bitmap class).
// __sched() runs no scheduler: it counts the micro-step for the trace and refuses to block
// (the fast path is for runs with one runnable thread: benchmarks and strace replays).
// test/engine/machine/fast.test.ts proves both forms give identical traces.
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { src, NOT_KERNEL_CODE, readSources, sharedModules, relink, derivedFolder } from './gen-derived.mjs'

const out = join(src, 'fast')
const DIRS = ['kernel', 'sim']
/**
 * The fast path's kfunc, written by hand (plain functions, __sched): the generated modules import
 * it where the stepped ones import sim/kfunc. It is neither rewritten nor copied.
 */
const FAST_KFUNC = 'sim/kfunc.fast'
const folder = derivedFolder(out, 'gen-fast',
  'The fast path is derived from main/engine/kernel and main/engine/sim: run `node scripts/gen-fast.mjs` and commit main/engine/fast/.')

/** Index just past the `}` that closes the `{` before @start (strings, templates, comments aware). */
function matchBrace(code, start) {
  const stack = ['{'] // '{' code braces, '`' template, '${' template expression
  let j = start
  while (j < code.length && stack.length) {
    const top = stack[stack.length - 1]
    const c = code[j]
    if (top === '`') {
      if (c === '\\') { j += 2; continue }
      if (c === '`') { stack.pop(); j++; continue }
      if (c === '$' && code[j + 1] === '{') { stack.push('${'); j += 2; continue }
      j++
      continue
    }
    if (c === '"' || c === "'") {
      j++
      while (j < code.length && code[j] !== c) j += code[j] === '\\' ? 2 : 1
      j++
      continue
    }
    if (c === '/' && code[j + 1] === '/') { while (j < code.length && code[j] !== '\n') j++; continue }
    if (c === '/' && code[j + 1] === '*') { j = code.indexOf('*/', j + 2) + 2; continue }
    if (c === '`') { stack.push('`'); j++; continue }
    if (c === '{') { stack.push('{'); j++; continue }
    if (c === '}') { stack.pop(); j++; continue }
    j++
  }
  return j
}

/** Index just past the template literal that starts at @j (a backtick). */
function skipTemplate(code, j) {
  j++
  while (j < code.length && code[j] !== '`') {
    if (code[j] === '\\') { j += 2; continue }
    if (code[j] === '$' && code[j + 1] === '{') { j = matchBrace(code, j + 2); continue }
    j++
  }
  return j + 1
}

/** Split an object literal's body at its top-level commas. */
function topLevelParts(body) {
  const parts = []
  let depth = 0
  let start = 0
  for (let j = 0; j < body.length; j++) {
    const c = body[j]
    if (c === '"' || c === "'") { j++; while (j < body.length && body[j] !== c) j += body[j] === '\\' ? 2 : 1; continue }
    if (c === '`') { j = skipTemplate(body, j) - 1; continue }
    if (c === '(' || c === '[' || c === '{') depth++
    else if (c === ')' || c === ']' || c === '}') depth--
    else if (c === ',' && depth === 0) { parts.push(body.slice(start, j)); start = j + 1 }
  }
  parts.push(body.slice(start))
  return parts.map((p) => p.trim()).filter(Boolean)
}

/**
 * Replace `yield { obj, w, what, enabled? }` with `__sched()` or `__sched(enabled)`: the fast
 * path needs only the step count and the condition, so the record itself is never built.
 */
function rewriteYieldObjects(code) {
  let outStr = ''
  let i = 0
  const re = /\byield\s+\{/g
  let m
  while ((m = re.exec(code))) {
    const j = matchBrace(code, m.index + m[0].length)
    const body = code.slice(m.index + m[0].length, j - 1)
    const en = topLevelParts(body).find((p) => /^enabled\s*:/.test(p))
    const fn = en?.replace(/^enabled\s*:\s*/, '')
    // `enabled: () => EXPR`: EXPR is tested in place (as __sched(enabled) would: after the step)
    const arrow = fn !== undefined ? /^\(\)\s*=>\s*([^{][\s\S]*)$/.exec(fn) : null
    outStr += code.slice(i, m.index) +
      (arrow ? `__sched(), (${arrow[1]}) || (__schedSettle(), (${arrow[1]}) || __schedBlocked())` : fn !== undefined ? `__sched(${fn})` : '__sched()')
    i = j
    re.lastIndex = j
  }
  return outStr + code.slice(i)
}

/**
 * A one-point helper (sim/context.ts SchedPoint) returns its point with the rest of its work as
 * `then`: `return { obj, w, what, then: () => { BODY } }`. The fast path runs it in place: the
 * point (a `yield { obj, w, what }`, rewritten by rewriteYieldObjects) followed by BODY, as the
 * generator helper it stands for was written.
 */
function rewritePointReturns(code) {
  let outStr = ''
  let i = 0
  const re = /^([ \t]*)return\s+\{/gm
  let m
  while ((m = re.exec(code))) {
    const j = matchBrace(code, m.index + m[0].length)
    const parts = topLevelParts(code.slice(m.index + m[0].length, j - 1))
    const then = parts.find((p) => /^then\s*:/.test(p))
    const body = then !== undefined ? /^then\s*:\s*\(\)\s*=>\s*\{([\s\S]*)\}$/.exec(then) : null
    if (!body) continue
    const indent = m[1]
    const lines = body[1].replace(/^[ \t]*\n/, '').replace(/\n[ \t]*$/, '').split('\n')
    const rest = lines.map((l) => (l.startsWith(indent + '  ') ? indent + l.slice(indent.length + 2) : l)).join('\n')
    outStr += code.slice(i, m.index) + `${indent}yield { ${parts.filter((p) => p !== then).join(', ')} }\n${rest}`
    i = j
    re.lastIndex = j
  }
  return outStr + code.slice(i)
}

/** Index of the `)` that closes the `(` at @start (strings, templates, comments aware), or -1. */
function matchParenAt(code, start) {
  let depth = 0
  for (let j = start; j < code.length; j++) {
    const c = code[j]
    if (c === '"' || c === "'") { j++; while (j < code.length && code[j] !== c) j += code[j] === '\\' ? 2 : 1; continue }
    if (c === '`') { j = skipTemplate(code, j) - 1; continue }
    if (c === '/' && code[j + 1] === '/') { while (j < code.length && code[j] !== '\n') j++; continue }
    if (c === '/' && code[j + 1] === '*') { j = code.indexOf('*/', j + 2) + 1; continue }
    if (c === '(') depth++
    else if (c === ')' && --depth === 0) return j
  }
  return -1
}

/** The names of a TypeScript parameter list, or null for a form the site wrapper does not copy. */
function paramNames(params) {
  const parts = []
  let depth = 0
  let start = 0
  for (let j = 0; j < params.length; j++) {
    const c = params[j]
    if (c === '(' || c === '[' || c === '{' || c === '<') depth++
    else if (c === ')' || c === ']' || c === '}' || (c === '>' && params[j - 1] !== '=')) depth--
    else if (c === ',' && depth === 0) { parts.push(params.slice(start, j)); start = j + 1 }
  }
  parts.push(params.slice(start))
  const names = []
  for (const p of parts) {
    const t = p.trim()
    if (t === '') continue
    const m = /^([A-Za-z_$][\w$]*)\s*(\?\s*)?(:|=|$)/.exec(t)
    if (!m) return null // rest parameters, destructuring
    names.push(m[1])
    if (m[2] || m[3] === '=') names.optional = true
  }
  return names.length > 0 ? names : null
}

/**
 * `kfunc('name', function (k: Kernel, fd: number): R { ... })` gets a third argument: a wrapper
 * written here, with the body's own parameters, that calls the body directly when tracing is off
 * (see KfuncSite in sim/kfunc.fast.ts). Bodies that read `this` or `arguments` keep the shared one.
 */
function addKfuncSites(code) {
  const re = /\bkfunc(?:Sync)?\(\s*'[^'\\]*'\s*,\s*/g
  let out = ''
  let i = 0
  let m
  while ((m = re.exec(code))) {
    const bodyStart = m.index + m[0].length
    let p = bodyStart
    if (code.startsWith('function', p)) {
      p += 8
      while (/\s/.test(code[p])) p++
    }
    if (code[p] !== '(') continue
    const pClose = matchParenAt(code, p)
    if (pClose < 0) continue
    const brace = code.indexOf('{', pClose)
    if (brace < 0 || !/^\s*(:[^{}()]*)?\s*(=>)?\s*$/.test(code.slice(pClose + 1, brace))) continue
    const bodyEnd = matchBrace(code, brace + 1)
    let q = bodyEnd
    while (/\s/.test(code[q])) q++
    if (code[q] !== ')') continue
    if (/\bthis\b|\barguments\b/.test(code.slice(bodyStart, bodyEnd))) continue
    const params = code.slice(p + 1, pClose)
    const names = paramNames(params)
    if (!names) continue
    const ps = params.trim().replace(/,\s*$/, '')
    const args = names.join(', ')
    const k = names[0]
    if (!names.optional && names.length <= 6) {
      // Every parameter required and at most 5 after the context: the traced path is a function
      // of this site's own (its own call of the body, its own calls of the log's writers, each
      // with one callee), taking the arguments as they are.
      const pad = [...names.slice(1), ...Array(6 - names.length).fill('undefined')].join(', ')
      out += code.slice(i, bodyEnd) +
        `, (__body, __traced, __st, __conv) => { ` +
        `const __tr = function (${ps}) { const __t = ${k}.trace; const __no = __st.log === __t ? __st.no : __st.attach(__t); __t.enterN(__no, ${names.length - 1}, ${pad}, __conv); const __r = __body(${args}); __t.exitNo(__no, __r, __conv); return __r }; ` +
        `return function (this: unknown, ${ps}) { return ${k}.trace.on ? __tr(${args}) : __body(${args}) } }`
    } else {
      // Else the traced path reads them from the arguments object (one shared function).
      out += code.slice(i, bodyEnd) +
        `, (__body, __traced) => function (this: unknown, ${ps}) { return ${k}.trace.on ? __traced(this, arguments) : __body(${args}) }`
    }
    i = bodyEnd
    re.lastIndex = bodyEnd
  }
  return out + code.slice(i)
}

function transform(code, rel) {
  if (NOT_KERNEL_CODE.has(rel)) return code
  if (rel === 'sim/context.ts') {
    return code.replace(/export type KGen<R> = Generator<Sched, R, void>/, 'export type KGen<R> = R').replace(/export type SchedPoint = Sched\b/, 'export type SchedPoint = void')
  }
  let c = rewriteYieldObjects(rewritePointReturns(code))
  // `yield spin_lock(k, lock)`: a one-point helper's call, a plain call in the fast path
  c = c.replace(/^([ \t]*)yield (?=[A-Za-z_$][\w$]*\()/gm, '$1')
  c = c.replace(/\byield\*\s*/g, '')
  c = c.replace(/function\*\s*/g, 'function ')
  c = c.replace(/^(\s*)\*(\w+)\(/gm, '$1$2(')
  c = addKfuncSites(c)
  // tracedStub(k, name, [args], note) does nothing untraced: test first, so the args are not built
  c = c.replace(/(^[ \t]*|\)[ \t]+|\belse[ \t]+)tracedStub\((\w+),/gm, '$1$2.trace.on && tracedStub($2,')
  if (c.includes('__sched(')) {
    // written as the source's own import of sim/kfunc, which generate() links to FAST_KFUNC
    const up = relative(dirname(join(src, rel)), join(src, 'sim/kfunc')).replace(/\\/g, '/')
    const names = c.includes('__schedSettle(') ? '__sched, __schedSettle, __schedBlocked' : '__sched'
    c = `import { ${names} } from '${up.startsWith('.') ? up : './' + up}'\n` + c
  }
  return c
}

/**
 * Every file of main/engine/fast/, as a Map from its path inside fast/ to its text. Modules the
 * rewrite leaves unchanged, and whose imports are all such modules, are shared: not copied, and
 * the copies import the original instead.
 */
export function generate() {
  const sources = readSources(DIRS)
  sources.delete(`${FAST_KFUNC}.ts`)
  const rewritten = new Map([...sources].map(([rel, code]) => [rel, transform(code, rel)]))
  const shared = sharedModules(sources, rewritten)
  const files = new Map()
  for (const [rel, code] of rewritten) {
    if (shared.has(rel) || rel === 'sim/kfunc.ts') continue
    const linked = relink(code, rel, out, (dep) => (dep === 'sim/kfunc' ? FAST_KFUNC : shared.has(`${dep}.ts`) ? dep : null))
    files.set(rel, `// GENERATED by scripts/gen-fast.mjs from main/engine/${rel}: do not edit (regenerate: node scripts/gen-fast.mjs).\n${linked}`)
  }
  return files
}

/** Regenerate main/engine/fast/: write what changed, remove what is no longer generated. */
export function writeFast({ quiet = false } = {}) {
  folder.write(generate(), { quiet })
}

/** null when main/engine/fast/ is what generate() makes, else a message naming the files that differ. */
export function checkFast() {
  return folder.check(generate())
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) folder.main(generate, checkFast)
