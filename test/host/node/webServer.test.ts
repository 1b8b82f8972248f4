// The browser host's server, for real: a Node HTTP server on 127.0.0.1 serving a temporary
// renderer folder and labs folder through the same code as `npm run web`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startWebServer, portFromEnv, DEFAULT_WEB_PORT, type WebServer } from '../../../main/host/node/webServer'
import { resolveInside, serveRequest } from '../../../main/host/node/staticFiles'
import { CSP } from '../../../main/host/common/security'

let server: WebServer
let root: string

/** A raw request (no URL normalisation by a client library), with a chosen Host header. */
function raw(path: string, opts: { method?: string; host?: string } = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method: opts.method ?? 'GET', headers: { host: opts.host ?? `127.0.0.1:${server.port}` } }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'fdlab-web-'))
  const rendererDir = join(root, 'renderer')
  const labsDir = join(root, 'labs')
  mkdirSync(join(rendererDir, 'assets'), { recursive: true })
  mkdirSync(labsDir)
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>fdlab (Electron page)</title>')
  writeFileSync(join(rendererDir, 'web.html'), '<!doctype html><title>fdlab</title>')
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)')
  writeFileSync(join(rendererDir, '.secret'), 'no')
  writeFileSync(join(root, 'outside.txt'), 'outside the served folders')
  writeFileSync(join(labsDir, '01-a.lab.md'), '---\ntitle: A\n---\n')
  writeFileSync(join(labsDir, 'notes.sh'), 'echo no')
  server = await startWebServer({ rendererDir, labsDir, port: 0 })
})
afterAll(() => server.close())

describe('web server', () => {
  it('listens on 127.0.0.1 and prints an http URL', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`)
  })
  it('serves the renderer with the browser host (web.html) at / with the production CSP header', async () => {
    const r = await raw('/')
    expect(r.status).toBe(200)
    expect(r.body).toBe('<!doctype html><title>fdlab</title>')
    expect(r.headers['content-security-policy']).toBe(CSP)
    expect(r.headers['x-content-type-options']).toBe('nosniff')
    const js = await raw('/assets/app.js')
    expect(js.headers['content-type']).toMatch(/^text\/javascript/)
  })
  it('serves the bundled labs and their list', async () => {
    expect((await raw('/labs/01-a.lab.md')).body).toContain('title: A')
    expect(JSON.parse((await raw('/labs/index.json')).body)).toEqual({ files: ['01-a.lab.md'] })
    expect((await raw('/labs/notes.sh')).status).toBe(404)
  })
  it('refuses path traversal and dot files', async () => {
    for (const p of ['/%2e%2e%2foutside.txt', '/..%2foutside.txt', '/labs/..%2f..%2foutside.txt', '/assets/%2e%2e/%2e%2e/outside.txt', '/..%5coutside.txt', '/.secret', '/%2esecret', '/a%00.js']) {
      const r = await raw(p)
      expect([403, 404], p).toContain(r.status)
      expect(r.body).not.toContain('outside the served folders')
    }
  })
  it('has no API: only GET and HEAD of files', async () => {
    expect((await raw('/', { method: 'POST' })).status).toBe(405)
    expect((await raw('/', { method: 'PUT' })).status).toBe(405)
    expect((await raw('/api/session')).status).toBe(404)
    const head = await raw('/', { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(head.body).toBe('')
  })
  it('answers only requests addressed to it by name (no DNS rebinding)', async () => {
    expect((await raw('/', { host: 'evil.example' })).status).toBe(421)
    expect((await raw('/', { host: `localhost:${server.port}` })).status).toBe(200)
  })
})

describe('PORT and paths', () => {
  it('parses PORT or falls back to the fixed default', () => {
    expect(portFromEnv(undefined)).toBe(DEFAULT_WEB_PORT)
    expect(portFromEnv('')).toBe(DEFAULT_WEB_PORT)
    expect(portFromEnv('8123')).toBe(8123)
    expect(() => portFromEnv('80a')).toThrow(/PORT/)
    expect(() => portFromEnv('70000')).toThrow(/PORT/)
  })
  it('resolveInside keeps every path inside the root', () => {
    expect(resolveInside('/srv/r', 'a/b.js')).toBe('/srv/r/a/b.js')
    expect(resolveInside('/srv/r', '%2e%2e%2fetc%2fpasswd')).toBeNull()
    expect(resolveInside('/srv/r', '/etc/passwd')).toBe('/srv/r/etc/passwd')
    expect(resolveInside('/srv/r', '%E0%A4%A')).toBeNull()
  })
  it('the Fetch form used by protocol.handle answers the same way', async () => {
    const ok = await serveRequest({ method: 'GET', url: 'app://fdlab/index.html' }, [{ prefix: '/', dir: join(root, 'renderer') }])
    expect(ok.status).toBe(200)
    expect(ok.headers.get('content-security-policy')).toBe(CSP)
    const bad = await serveRequest({ method: 'GET', url: 'app://fdlab/%2e%2e%2foutside.txt' }, [{ prefix: '/', dir: join(root, 'renderer') }])
    expect(bad.status).toBe(403)
  })
})
