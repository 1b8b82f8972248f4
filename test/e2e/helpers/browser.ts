// Real Chromium (Debian's, driven by playwright-core) against the built renderer, served by the
// same server code as `npm run web`. Every request that leaves the page's origin is aborted and
// recorded; console errors, page errors and CSP violations are collected for assertions.
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { startWebServer, type WebServer } from '../../../main/host/node/webServer'

export const ROOT = process.env.FDLAB_ROOT ?? resolve(import.meta.dirname, '../../..')
export const CHROMIUM = process.env.FDLAB_CHROMIUM ?? '/usr/bin/chromium'
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic', '--disable-features=Translate,OptimizationHints,MediaRouter',
]

export interface Harness {
  readonly server: WebServer
  readonly context: BrowserContext
  readonly page: Page
  readonly external: string[]
  readonly consoleErrors: string[]
  readonly pageErrors: string[]
  cspViolations(): Promise<string[]>
  close(): Promise<void>
}

export function builtRendererDir(): string {
  const dir = join(ROOT, 'out/renderer')
  if (!existsSync(join(dir, 'web.html'))) throw new Error('out/renderer is missing: run `npx electron-vite build` first (npm test does)')
  return dir
}

export async function openApp(opts: { labsDir?: string; viewport?: { width: number; height: number }; query?: string } = {}): Promise<Harness> {
  const server = await startWebServer({ rendererDir: builtRendererDir(), labsDir: opts.labsDir ?? join(ROOT, 'labs'), port: 0 })
  const origin = new URL(server.url).origin
  // A fresh, empty profile for every run.
  const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'fdlab-chromium-')), {
    executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true,
    viewport: opts.viewport ?? { width: 1600, height: 1000 }, acceptDownloads: true,
  })
  const external: string[] = []
  const consoleErrors: string[] = []
  const pageErrors: string[] = []
  await context.route('**/*', (route) => {
    const url = route.request().url()
    if (url.startsWith(origin + '/') || url.startsWith('data:') || url.startsWith('blob:' + origin)) return route.continue()
    external.push(url)
    return route.abort()
  })
  await context.addInitScript(() => {
    const w = window as unknown as { __csp: string[] }
    w.__csp = []
    document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective}: ${e.blockedURI} ${e.sample}`))
  })
  const page = context.pages()[0] ?? (await context.newPage())
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()) })
  page.on('pageerror', (e) => pageErrors.push(String(e)))
  page.on('worker', (w) => w.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(`[worker] ${m.text()}`) }))
  await page.goto(server.url + (opts.query ?? ''))
  return {
    server, context, page, external, consoleErrors, pageErrors,
    cspViolations: () => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp.slice()),
    close: async () => {
      await context.close()
      await server.close()
    },
  }
}

export function assertClean(h: Harness, csp: string[]): void {
  const problems = [
    ...h.external.map((u) => `external request: ${u}`),
    ...csp.map((v) => `CSP violation: ${v}`),
    ...h.consoleErrors.map((e) => `console error: ${e}`),
    ...h.pageErrors.map((e) => `page error: ${e}`),
  ]
  if (problems.length) throw new Error(problems.join('\n'))
}
