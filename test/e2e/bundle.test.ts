/**
 * The shipped app names no host it could load from: every URL in the built bundles (out/renderer,
 * out/main, out/preload) is a reviewed one that is never fetched: XML namespaces, the local web
 * host, and links inside library messages (React's error decoder, Monaco's help texts). A CDN
 * default (a loader package's) would appear here and fail. Runs after the build (npm test builds).
 */
import { describe, expect, it } from 'vitest'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from './helpers/browser'

/** Hosts that appear in the bundle and why none of them is ever fetched. */
const REVIEWED: Record<string, string> = {
  'www.w3.org': 'XML namespace names (SVG, XHTML, MathML) in React and Monaco',
  '127.0.0.1': 'the browser host listens here (main/host web server)',
  'react.dev': "React's production error messages link its error decoder",
  'github.com': "Monaco's warnings and product metadata name its repositories",
  'code.visualstudio.com': "links inside Monaco's help texts",
  'microsoft.com': 'a Monaco Markdown-link test string',
  'tc39.es': 'a comment of a bundled library',
  'caniuse.com': 'a comment of a bundled library',
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n)
    return statSync(p).isDirectory() ? files(p) : /\.(js|cjs|mjs|html|css|json)$/.test(n) ? [p] : []
  })
}

describe('the built app', () => {
  it('names no remote host but reviewed ones, and no CDN', () => {
    expect(existsSync(join(ROOT, 'out/renderer/index.html')), 'build first: npm run build').toBe(true)
    const found = new Map<string, string>()
    for (const dir of ['out/renderer', 'out/main', 'out/preload']) {
      for (const f of files(join(ROOT, dir))) {
        for (const m of readFileSync(f, 'utf8').matchAll(/\b(?:https?|wss?):\/\/([a-zA-Z0-9.-]+)/g)) found.set(m[1]!, f.slice(ROOT.length + 1))
      }
    }
    const unknown = [...found].filter(([host]) => !(host in REVIEWED)).map(([host, f]) => `${host} (in ${f})`)
    expect(unknown).toEqual([])
    expect([...found.keys()].filter((h) => /cdn|jsdelivr|unpkg|cdnjs|googleapis|gstatic/.test(h))).toEqual([])
  })
})
