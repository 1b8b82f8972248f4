/**
 * The built renderer's two pages: index.html (Electron; the preload installs window.fdlab) loads
 * no browser host, and web.html (`npm run web`) adds it. Neither page bundles the kernel: the
 * engine runs in the browser host's Web Worker, a bundle of its own. Runs after the build.
 */
import { describe, expect, it } from 'vitest'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from './helpers/browser'

const DIR = join(ROOT, 'out/renderer')
/** The scripts a page loads: its entry and the chunks that entry imports, transitively. */
function scriptsOf(page: string): Map<string, string> {
  const out = new Map<string, string>()
  const add = (file: string) => {
    if (out.has(file)) return
    const text = readFileSync(join(DIR, file), 'utf8')
    out.set(file, text)
    for (const m of text.matchAll(/(?:from|import)\s*["']\.\/([\w.-]+\.js)["']/g)) add(`assets/${m[1]}`)
  }
  for (const m of readFileSync(join(DIR, page), 'utf8').matchAll(/<script[^>]*\ssrc="\.\/([^"]+)"/g)) add(m[1]!)
  return out
}
const has = (scripts: Map<string, string>, s: string) => [...scripts.values()].some((t) => t.includes(s))

describe('the built pages', () => {
  it('index.html loads no browser host; web.html loads it', () => {
    expect(existsSync(join(DIR, 'web.html')), 'build first: npm run build').toBe(true)
    // The browser host's own Trusted Types policy names its code.
    expect(has(scriptsOf('index.html'), 'fdlab-engine-worker')).toBe(false)
    expect(has(scriptsOf('web.html'), 'fdlab-engine-worker')).toBe(true)
  })
  it('neither page bundles the kernel; the engine worker does', () => {
    const kernel = '____fput'
    for (const page of ['index.html', 'web.html']) expect(has(scriptsOf(page), kernel), page).toBe(false)
    const web = [...scriptsOf('web.html').values()].join('\n')
    const worker = web.match(/\bworker-[\w-]+\.js\b/)?.[0]
    expect(worker, 'the engine worker is referenced by the browser host').toBeTruthy()
    expect(readFileSync(join(DIR, 'assets', worker!), 'utf8')).toContain(kernel)
  })
})
