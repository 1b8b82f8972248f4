// What the two build-time derivations of the kernel source share (scripts/gen-fast.mjs: the fast
// path in main/engine/fast/; scripts/gen-stepped.mjs: the compiled stepped form in
// main/engine/stepped/): reading the source, which modules a derived tree shares with the source
// instead of copying, relinking the copies' imports, and writing or checking the derived folder.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
/** The engine's source folder: every path below is relative to it (`sim/trace.ts`). */
export const src = join(root, 'main/engine')
/** Modules whose generators are iterators, not kernel paths: never rewritten (so shared). */
export const NOT_KERNEL_CODE = new Set(['kernel/include/bitmap.ts'])

const rel = (from, to) => relative(from, to).replace(/\\/g, '/')

/** The .ts files under @d, recursively. */
export function walk(d) {
  return readdirSync(d).flatMap((n) => {
    const p = join(d, n)
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : []
  })
}

/** The engine's modules under @dirs (path -> text). */
export function readSources(dirs) {
  const sources = new Map()
  for (const d of dirs) for (const f of walk(join(src, d))) sources.set(rel(src, f), readFileSync(f, 'utf8'))
  return sources
}

const SPEC = /(\bfrom\s+|\bimport\s*\(\s*)'(\.[^']*)'/g

/** The engine-relative paths (`sim/trace.ts`) of the relative imports of @code, a module at @at. */
function importsOf(code, at) {
  return [...code.matchAll(SPEC)].map((m) => rel(src, resolve(dirname(join(src, at)), m[2])) + '.ts')
}

/**
 * The modules a derived tree shares with the source instead of copying: those the rewrite left
 * unchanged and whose imports are all such modules (so both forms share their values and types).
 */
export function sharedModules(sources, rewritten) {
  const shared = new Set([...sources.keys()].filter((at) => rewritten.get(at) === sources.get(at)))
  for (let changed = true; changed;) {
    changed = false
    for (const at of shared) {
      if (importsOf(sources.get(at), at).some((dep) => sources.has(dep) && !shared.has(dep))) { shared.delete(at); changed = true }
    }
  }
  return shared
}

/**
 * @code (a copy at @at in @out) with each relative import that @target maps (the imported module's
 * engine path without `.ts` -> the engine path to import instead, or null to keep the import as it
 * is: another copy in @out) pointed at that module of the source.
 */
export function relink(code, at, out, target) {
  return code.replace(SPEC, (all, head, spec) => {
    const dep = target(rel(src, resolve(dirname(join(src, at)), spec)))
    return dep === null ? all : `${head}'${rel(dirname(join(out, at)), join(src, dep))}'`
  })
}

/**
 * The derived folder @out (a folder of main/engine), made by @script: `write(files)` regenerates it
 * (what changed written, what is no longer generated removed), `check(files)` names the files that
 * differ (null when none). @hint says how to mend a stale folder.
 */
export function derivedFolder(out, script, hint) {
  const name = `main/engine/${rel(src, out)}/`
  const onDisk = () => {
    const files = new Map()
    if (existsSync(out)) for (const f of walk(out)) files.set(rel(out, f), readFileSync(f, 'utf8'))
    return files
  }
  // [stale or missing, not generated]
  const diff = (want, have) => [[...want].filter(([at, text]) => have.get(at) !== text).map(([at]) => at), [...have.keys()].filter((at) => !want.has(at))]
  return {
    write(want, { quiet = false } = {}) {
      const [stale, extra] = diff(want, onDisk())
      for (const at of stale) {
        mkdirSync(dirname(join(out, at)), { recursive: true })
        writeFileSync(join(out, at), want.get(at))
      }
      for (const at of extra) {
        rmSync(join(out, at))
        // a folder left empty goes too (git keeps no empty folders, so a fresh checkout has none)
        for (let d = dirname(join(out, at)); d !== out && readdirSync(d).length === 0; d = dirname(d)) rmSync(d, { recursive: true })
      }
      if (!quiet) console.log(`${script}: ${want.size} files in ${name.slice(0, -1)} (${stale.length} written, ${extra.length} removed)`)
    },
    check(want) {
      const have = onDisk()
      const [stale, extra] = diff(want, have)
      if (!stale.length && !extra.length) return null
      const list = [...stale.map((at) => `  ${have.has(at) ? 'differs' : 'missing'}: ${name}${at}`), ...extra.map((at) => `  not generated: ${name}${at}`)]
      return `${script} --check: ${name} is stale: regenerating it would change ${list.length} file(s):\n${list.join('\n')}\n${hint}`
    },
    /** The command line: --check (exit 1 when stale), --quiet, else regenerate. */
    main(generate, check) {
      const quiet = process.argv.includes('--quiet')
      if (process.argv.includes('--check')) {
        const problem = check()
        if (problem) {
          console.error(problem)
          process.exit(1)
        }
        if (!quiet) console.log(`${script} --check: ${name} is up to date`)
      } else this.write(generate(), { quiet })
    },
  }
}
