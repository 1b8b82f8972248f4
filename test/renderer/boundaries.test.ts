// The renderer imports no engine or host code at run time: each host installs window.fdlab (the
// preload in Electron, main/host/browser/index.ts in the browser build), and only the browser
// host bundles the engine, into its Web Worker.
import { describe, expect, it } from 'vitest'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

const ROOT = join(import.meta.dirname, '../..')
function walk(dir: string, out: string[] = []): string[] {
  for (const n of readdirSync(dir)) {
    const p = join(dir, n)
    if (statSync(p).isDirectory()) walk(p, out)
    else if (/\.(ts|tsx)$/.test(n)) out.push(p)
  }
  return out
}

describe('renderer import boundary', () => {
  it('renderer/src imports nothing from main/ at run time, and nothing from electron', () => {
    const bad: string[] = []
    for (const f of walk(join(ROOT, 'renderer/src'))) {
      const src = readFileSync(f, 'utf8')
      for (const m of src.matchAll(/^\s*import\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]/gm)) {
        const isType = !!m[1]
        const spec = m[2]!
        if (/(^|\/)main\//.test(spec) && !isType) bad.push(`${relative(ROOT, f)}: ${spec}`)
        if (spec === 'electron') bad.push(`${relative(ROOT, f)}: electron`)
      }
      for (const m of src.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
        if (/(^|\/)main\//.test(m[1]!)) bad.push(`${relative(ROOT, f)}: dynamic ${m[1]}`)
      }
    }
    expect(bad).toEqual([])
  })
  it('the engine reaches the browser only through main/host/browser/worker.ts', () => {
    const importers = walk(join(ROOT, 'main/host/browser')).filter((f) => /from\s+['"][^'"]*common\/session['"]/.test(readFileSync(f, 'utf8')))
    expect(importers.map((f) => relative(ROOT, f))).toEqual(['main/host/browser/worker.ts'])
  })
  it('the browser host imports nothing from the renderer (it installs window.fdlab, as the preload does)', () => {
    const bad = walk(join(ROOT, 'main/host/browser')).flatMap((f) =>
      [...readFileSync(f, 'utf8').matchAll(/from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]!).filter((s) => /(^|\/)renderer\//.test(s)).map((s) => `${relative(ROOT, f)}: ${s}`))
    expect(bad).toEqual([])
  })
})
