import { describe, expect, it } from 'vitest'
// Only the thin Electron layer may import Electron at run time: everything else must run (and is
// tested) under plain Node and in the browser.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

const ROOT = join(import.meta.dirname, '../..')
const ALLOWED = new Set(['main/index.ts', 'main/window.ts', 'main/menu.ts', 'preload/index.ts'])
/** Files that hold Electron code only as text: the scan writes a deliberately insecure app to prove it can fail. */
const TEXT_ONLY = new Set(['scripts/security-scan.mjs'])

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) walk(p, out)
    else if (/\.(ts|tsx|mts|cts|js|mjs)$/.test(name)) out.push(p)
  }
  return out
}

/** Runtime imports of 'electron' (import type and comments do not count). */
export function runtimeElectronImports(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '')
  const hits: string[] = []
  const re = /(?:^|[;\s])import\s+(?!type\b)([^'";]*?)\s*from\s*['"](electron(?:\/[\w/]+)?)['"]|import\s*\(\s*['"]electron['"]\s*\)|require\s*\(\s*['"]electron['"]\s*\)|^\s*import\s+['"]electron['"]/gm
  for (const m of code.matchAll(re)) {
    // `import { type A, type B } from 'electron'` is type-only too.
    const clause = m[1]
    if (clause && /^\{[^}]*\}$/.test(clause.trim()) && clause.replace(/[{}]/g, '').split(',').every((s) => s.trim() === '' || s.trim().startsWith('type '))) continue
    hits.push(m[0].trim())
  }
  return hits
}

describe('electron import boundary', () => {
  it('the detector sees runtime imports and ignores type-only ones', () => {
    expect(runtimeElectronImports("import { app } from 'electron'")).toHaveLength(1)
    expect(runtimeElectronImports("const { app } = require('electron')")).toHaveLength(1)
    expect(runtimeElectronImports("await import('electron')")).toHaveLength(1)
    expect(runtimeElectronImports("import 'electron'")).toHaveLength(1)
    expect(runtimeElectronImports("import type { BrowserWindow } from 'electron'")).toHaveLength(0)
    expect(runtimeElectronImports("import { type BrowserWindow } from 'electron'")).toHaveLength(0)
    expect(runtimeElectronImports("// import { app } from 'electron'")).toHaveLength(0)
  })

  it('only main/index.ts, main/window.ts, main/menu.ts and preload/index.ts import electron at run time', () => {
    const offenders: string[] = []
    for (const top of ['main', 'preload', 'renderer', 'scripts']) {
      let files: string[] = []
      try {
        files = walk(join(ROOT, top))
      } catch {
        continue
      }
      for (const f of files) {
        const rel = relative(ROOT, f).split('\\').join('/')
        if (ALLOWED.has(rel) || TEXT_ONLY.has(rel)) continue
        if (runtimeElectronImports(readFileSync(f, 'utf8')).length) offenders.push(rel)
      }
    }
    expect(offenders).toEqual([])
  })
})
