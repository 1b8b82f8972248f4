#!/usr/bin/env node
// The import rule of the whole app, checked (`npm test` runs it through test/engine/layers.test.ts).
//
// Every source file under main/, preload/, renderer/ and scripts/ belongs to exactly one row of
// LAYERS (the first whose pattern matches its path); a file no row claims is an error, so new
// code cannot escape the rules. A row says which rows it may import from (its own row always)
// and which packages (bare specifiers). Every import counts: `import`, `import type`,
// `export ... from`, side-effect `import 'x'` and `import('x')` (dynamic, or a type written
// `import('x').T`). An import of a file that has no row is an error too.
//
// Engine layers, bottom up (a layer imports only from layers below it and itself):
//   sim < kernel < machine < lab, strace; main/engine/index.ts is the one entry from outside.
//
// Usage: node scripts/check-layers.mjs [ROOT]   (prints FILE:LINE:COL: error[layer]: message,
// exits 1 when there is any). As a module: checkLayers(root) returns the diagnostics.
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs'
import { join, relative, dirname, resolve, posix } from 'node:path'
import { fileURLToPath } from 'node:url'

const NODE = /^node:/
const ELECTRON = /^electron(\/|$)/
const YAML = /^yaml$/

/**
 * The rule table. `files`: which paths the row claims (a RegExp on the path from the root, '/'
 * separated). `may`: the rows it may import (its own is implied); a name ending in ':type' allows
 * type-only imports of that row. `packages`: the bare specifiers it may import.
 */
export const LAYERS = [
  // ---- the engine (pure TypeScript: no package, no platform) ----
  { name: 'engine/index', files: /^main\/engine\/index\.ts$/, may: ['engine/sim', 'engine/kernel', 'engine/machine', 'engine/lab', 'engine/strace'], packages: [] },
  { name: 'engine/sim', files: /^main\/engine\/(fast\/)?sim\//, may: [], packages: [] },
  { name: 'engine/kernel', files: /^main\/engine\/(fast\/|stepped\/)?kernel\//, may: ['engine/sim'], packages: [] },
  { name: 'engine/machine', files: /^main\/engine\/machine\//, may: ['engine/sim', 'engine/kernel'], packages: [] },
  { name: 'engine/lab', files: /^main\/engine\/lab\//, may: ['engine/sim', 'engine/kernel', 'engine/machine'], packages: [YAML] },
  { name: 'engine/strace', files: /^main\/engine\/strace\//, may: ['engine/sim', 'engine/kernel', 'engine/machine'], packages: [] },

  // ---- outside the engine: only main/engine/index.ts is imported ----
  // Platform-free host code (session, timelines, terminal, lab view): no node:*, no DOM, no electron.
  { name: 'host/common', files: /^main\/host\/common\//, may: ['engine/index', 'grading', 'preload/contract'], packages: [YAML] },
  // Node-only host code (worker_threads engine host, worker entry, web server, settings, user files).
  { name: 'host/node', files: /^main\/host\/node\//, may: ['host/common', 'engine/index', 'grading', 'grading/node', 'preload/contract'], packages: [NODE] },
  // The browser host (DOM, a Web Worker running the engine).
  { name: 'host/browser', files: /^main\/host\/browser\//, may: ['host/common', 'engine/index', 'preload/contract'], packages: [] },
  // Grading: the engine's index only; node:* only in grading/node (worker pool, files).
  { name: 'grading/node', files: /^main\/grading\/node\//, may: ['grading', 'engine/index'], packages: [NODE] },
  { name: 'grading', files: /^main\/grading\//, may: ['engine/index'], packages: [] },
  { name: 'cli', files: /^main\/cli\//, may: ['engine/index', 'grading', 'grading/node', 'host/common', 'host/node'], packages: [NODE] },
  // The Electron layer (it reads the submissions an instructor opens with grading's Node reader).
  { name: 'electron', files: /^main\/([^/]+\.ts|ipc\/)/, may: ['host/node', 'host/common', 'preload/contract', 'grading/node'], packages: [ELECTRON, NODE] },
  // The bridge's contract (types, limits, defaults), its argument checks and the submission-file
  // format, shared by both sides of the bridge.
  { name: 'preload/contract', files: /^preload\/(contract|checks|submissionFiles)\.ts$/, may: ['engine/index:type', 'grading:type'], packages: [] },
  { name: 'preload', files: /^preload\//, may: ['preload/contract'], packages: [ELECTRON] },
  // The renderer: UI only; it reaches main through preload's contract, never main/**.
  { name: 'renderer', files: /^renderer\/src\//, may: ['preload/contract'], packages: [/^react(-dom)?(\/|$)/, /^monaco-editor(\/|$)/, /^@monaco-editor\//, /^@xterm\//, /^xterm(\/|$)/, /^marked$/] },
  // Build, test and benchmark scripts (plain Node): no app code.
  { name: 'scripts', files: /^scripts\//, may: [], packages: [NODE, /^esbuild$/, /^vite$/, /^@vitejs\//, /^typescript$/, /^electron$/, /^@babel\/(parser|traverse|generator|types)$/] },
]

/**
 * Imports the rows above do not allow, allowed by name (none today): while code moves between
 * layers, an entry here lets the check pass and says why. Each entry: importing file (RegExp),
 * imported file (RegExp), why, and typeOnly when only type imports are allowed.
 */
export const EXCEPTIONS = []

const SOURCE = /\.(ts|tsx|mts|cts|mjs|cjs|js)$/
const SCANNED = ['main', 'preload', 'renderer', 'scripts']

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue
    const p = join(dir, name)
    if (statSync(p).isDirectory()) walk(p, out)
    else if (SOURCE.test(name) && !name.endsWith('.d.ts')) out.push(p)
  }
  return out
}

export function rowOf(path) {
  return LAYERS.find((r) => r.files.test(path)) ?? null
}

/** Line and column (1-based) of offset @i in @src. */
function position(src, i) {
  let line = 1
  let last = -1
  for (let j = src.indexOf('\n'); j !== -1 && j < i; j = src.indexOf('\n', j + 1)) { line++; last = j }
  return [line, i - last]
}

/** Blank out comments (keeping offsets), so imports quoted in comments are not read. */
function stripComments(src) {
  let out = ''
  let i = 0
  const n = src.length
  while (i < n) {
    const c = src[i]
    const d = src[i + 1]
    if (c === '/' && d === '/') {
      const e = src.indexOf('\n', i)
      const end = e === -1 ? n : e
      out += ' '.repeat(end - i)
      i = end
    } else if (c === '/' && d === '*') {
      const e = src.indexOf('*/', i + 2)
      const end = e === -1 ? n : e + 2
      out += src.slice(i, end).replace(/[^\n]/g, ' ')
      i = end
    } else if (c === '"' || c === "'" || c === '`') {
      let j = i + 1
      while (j < n && src[j] !== c) { if (src[j] === '\\') j++; else if (c !== '`' && src[j] === '\n') break; j++ }
      out += src.slice(i, j + 1)
      i = j + 1
    } else { out += c; i++ }
  }
  return out
}

/** Every import specifier of @src: { spec, index (of the specifier), typeOnly }. */
export function importsOf(src) {
  const s = stripComments(src)
  const found = []
  const statement = /(^|[;}\n])[ \t]*(import|export)[ \t]+(type[ \t]+)?((?:\{[^}]*\}|\*(?:[ \t]+as[ \t]+[\w$]+)?|[\w$]+(?:[ \t]*,[ \t]*(?:\{[^}]*\}|\*[ \t]+as[ \t]+[\w$]+))?)[ \t\n]*from[ \t]*)?(['"])([^'"\n]+)\5/g
  for (const m of s.matchAll(statement)) {
    if (m[2] === 'export' && !m[4]) continue // export 'x' is not a form
    const typeOnly = Boolean(m[3]) || (m[4] !== undefined && /^\{\s*(type\s+[\w$]+(\s+as\s+[\w$]+)?\s*,?\s*)+\}/.test(m[4].trim().replace(/\s*from\s*$/, '')))
    found.push({ spec: m[6], index: m.index + m[0].length - m[6].length - 2, typeOnly })
  }
  for (const m of s.matchAll(/\bimport\(\s*(['"])([^'"\n]+)\1\s*\)/g)) {
    // `import('x').T` in a type position is type-only; a call is a dynamic import (a value).
    const after = s.slice(m.index + m[0].length, m.index + m[0].length + 1)
    const before = s.slice(Math.max(0, m.index - 20), m.index)
    const typeOnly = after === '.' && !/\bawait\s*$|\(\s*$/.test(before) ? /[:<|,(]\s*$|typeof\s*$/.test(before) : false
    found.push({ spec: m[2], index: m.index + m[0].indexOf(m[1]), typeOnly })
  }
  return found
}

/** The repo path @spec names from @file, or null when it is a package. */
function resolveSpec(root, file, spec) {
  if (!spec.startsWith('.') && !spec.startsWith('/')) return null
  const base = posix.normalize(posix.join(posix.dirname(file), spec))
  const tries = [base, `${base}.ts`, `${base}.tsx`, `${base}.mjs`, `${base}.js`, `${base}/index.ts`, `${base}/index.tsx`, base.replace(/\.js$/, '.ts')]
  for (const t of tries) if (existsSync(join(root, t)) && statSync(join(root, t)).isFile()) return t
  return base
}

function allowed(row, targetRow, typeOnly) {
  if (targetRow === row) return true
  return row.may.includes(targetRow.name) || (typeOnly && row.may.includes(`${targetRow.name}:type`))
}

/** Check every file under @root; returns the diagnostics as `FILE:LINE:COL: error[layer]: message`. */
export function checkLayers(root) {
  const out = []
  const files = []
  for (const d of SCANNED) if (existsSync(join(root, d))) walk(join(root, d), files)
  for (const abs of files.sort()) {
    const path = relative(root, abs).split('\\').join('/')
    const row = rowOf(path)
    if (!row) {
      out.push(`${path}:1:1: error[layer]: no row of the layer table (scripts/check-layers.mjs) claims this file: add it to a layer`)
      continue
    }
    const src = readFileSync(abs, 'utf8')
    for (const imp of importsOf(src)) {
      const [line, col] = position(src, imp.index)
      const at = `${path}:${line}:${col}: error[layer]: `
      const target = resolveSpec(root, path, imp.spec)
      const kind = imp.typeOnly ? 'a type import of' : 'an import of'
      if (target === null) {
        if (row.packages.some((p) => p.test(imp.spec))) continue
        out.push(`${at}${row.name} may not import the package '${imp.spec}'`)
        continue
      }
      const trow = rowOf(target)
      if (!trow) {
        out.push(`${at}${kind} '${imp.spec}' (${target}), which no row of the layer table claims`)
        continue
      }
      if (allowed(row, trow, imp.typeOnly)) continue
      if (EXCEPTIONS.some((e) => e.from.test(path) && e.to.test(target) && (!e.typeOnly || imp.typeOnly))) continue
      const hint = trow.name.startsWith('engine/') && !row.name.startsWith('engine/')
        ? ' (outside the engine, import only main/engine/index.ts)'
        : trow.name.startsWith('engine/') ? ' (engine layers: sim < kernel < machine < lab, strace)' : ''
      out.push(`${at}${row.name} may not import ${trow.name}: ${kind} '${imp.spec}'${hint}`)
    }
  }
  return out
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'))
  const diags = checkLayers(root)
  for (const d of diags) console.log(d)
  if (diags.length) {
    console.log(`check-layers: ${diags.length} error(s)`)
    process.exit(1)
  }
}
