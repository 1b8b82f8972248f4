/**
 * The engine's purity: no wall clock or unseeded randomness; every exported kernel function
 * documents the kernel source it mirrors. (Its imports, no platform, UI, host code or package,
 * are the layer check's: scripts/check-layers.mjs, test/engine/layers.test.ts.)
 */
import { describe, it, expect } from 'vitest'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

const root = join(__dirname, '../../main/engine')
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n)
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : []
  })
}
const all = files(root)

describe('main/engine purity', () => {
  it('uses no wall clock and no unseeded randomness', () => {
    const bad = all.filter((f) => /\bDate\.now\(|\bnew Date\(|Math\.random\(|performance\.now\(|setTimeout\(|setInterval\(/.test(readFileSync(f, 'utf8')))
    expect(bad.map((f) => relative(root, f))).toEqual([])
  })
  it('documents every exported kernel function with an @kernel tag', () => {
    const missing: string[] = []
    for (const f of all.filter((x) => x.includes('/kernel/') && !x.includes('/include/'))) {
      const src = readFileSync(f, 'utf8')
      for (const m of src.matchAll(/export const (\w+) = kfunc(?:Sync)?\(/g)) {
        const before = src.slice(Math.max(0, m.index! - 700), m.index)
        const doc = before.slice(before.lastIndexOf('/**'))
        if (!doc.includes('@kernel')) missing.push(`${relative(root, f)}: ${m[1]}`)
      }
    }
    expect(missing).toEqual([])
  })
})
