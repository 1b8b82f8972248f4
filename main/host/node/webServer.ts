/**
 * The browser host's HTTP server (`npm run web`, and the end-to-end tests): the built renderer
 * and the bundled labs as static files, on 127.0.0.1 only. No file-system or engine API: the
 * engine runs in a Web Worker inside the page (main/host/browser/), and opening or saving a
 * user's file goes through the browser's pickers and downloads.
 */
import { createServer, type Server } from 'node:http'
import { readdir } from 'node:fs/promises'
import { serveStatic, type StaticRoot, type StaticResponse } from './staticFiles'
import { securityHeaders } from '../common/security'

export const DEFAULT_WEB_PORT = 4780

export interface WebServerOptions {
  readonly rendererDir: string
  readonly labsDir: string
  /** 0 picks a free port (tests). */
  readonly port: number
}

export interface WebServer {
  readonly url: string
  readonly port: number
  close(): Promise<void>
}

/** Parse PORT: an integer 0..65535, else the fixed default. */
export function portFromEnv(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_WEB_PORT
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`PORT must be an integer from 0 to 65535, got '${value}'`)
  return n
}

/** The labs folder's file list (names of *.lab.md and course index files), as JSON. */
async function labsIndex(dir: string): Promise<StaticResponse> {
  let names: string[] = []
  try {
    names = (await readdir(dir)).filter((n) => !n.startsWith('.') && /\.(lab\.md|md|ya?ml|json)$/.test(n)).sort()
  } catch {
    names = []
  }
  const body = new TextEncoder().encode(JSON.stringify({ files: names }))
  return {
    status: 200,
    headers: { ...securityHeaders(), 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(body.byteLength) },
    body,
  }
}

/**
 * Only answer requests addressed to this server by name (127.0.0.1 or localhost with our port):
 * a page elsewhere that rebinds its DNS name to 127.0.0.1 gets nothing.
 */
export function hostAllowed(hostHeader: string | undefined, port: number): boolean {
  return hostHeader === `127.0.0.1:${port}` || hostHeader === `localhost:${port}`
}

export async function handleWebRequest(method: string, rawUrl: string, host: string | undefined, port: number,
  roots: readonly StaticRoot[], labsDir: string): Promise<StaticResponse> {
  if (!hostAllowed(host, port)) {
    return { status: 421, headers: { ...securityHeaders(), 'Content-Type': 'text/plain' }, body: new TextEncoder().encode('misdirected request\n') }
  }
  let pathname: string
  try {
    pathname = new URL(rawUrl, `http://127.0.0.1:${port}`).pathname
  } catch {
    return { status: 400, headers: { ...securityHeaders() }, body: null }
  }
  if ((method === 'GET' || method === 'HEAD') && pathname === '/labs/index.json') return labsIndex(labsDir)
  return serveStatic(method, pathname, roots)
}

export function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const roots: StaticRoot[] = [
    // web.html: the renderer with the browser host (index.html is the Electron page).
    { prefix: '/', dir: opts.rendererDir, index: 'web.html' },
    { prefix: '/labs/', dir: opts.labsDir, only: ['.md', '.yaml', '.yml', '.json'] },
  ]
  let port = opts.port
  const server: Server = createServer((req, res) => {
    handleWebRequest(req.method ?? 'GET', req.url ?? '/', req.headers.host, port, roots, opts.labsDir)
      .then((r) => {
        res.writeHead(r.status, r.headers)
        res.end(r.body ?? undefined)
      })
      .catch(() => {
        res.writeHead(500, securityHeaders())
        res.end()
      })
  })
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject)
    server.listen(opts.port, '127.0.0.1', () => {
      const addr = server.address()
      port = typeof addr === 'object' && addr ? addr.port : opts.port
      resolvePromise({
        url: `http://127.0.0.1:${port}/`,
        port,
        close: () => new Promise<void>((r) => {
          server.closeAllConnections?.()
          server.close(() => r())
        }),
      })
    })
  })
}
