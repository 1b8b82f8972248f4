/**
 * Serves the built renderer (and, in the browser host, the bundled labs) as static files.
 * The same function backs Electron's `protocol.handle('app', ...)` and the `npm run web` HTTP
 * server, so the headers and path checks under test are the production ones.
 * Read-only by construction: GET and HEAD of files under the given roots, nothing else.
 */
import { readFile, stat } from 'node:fs/promises'
import { extname, resolve, sep } from 'node:path'
import { securityHeaders } from '../common/security'

export interface StaticRoot {
  /** URL path prefix, with leading and trailing slash ("/" or "/labs/"). */
  readonly prefix: string
  readonly dir: string
  /** Only these file name endings are served from this root (e.g. ".md" for labs). */
  readonly only?: readonly string[]
  /** The page served for "/" (default index.html; the browser host serves web.html). */
  readonly index?: string
}

export interface StaticResponse {
  readonly status: number
  readonly headers: Record<string, string>
  readonly body: Uint8Array | null
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.log': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
}

function text(status: number, msg: string): StaticResponse {
  return {
    status,
    headers: { ...securityHeaders(), 'Content-Type': 'text/plain; charset=utf-8' },
    body: new TextEncoder().encode(msg + '\n'),
  }
}

/**
 * Resolve a URL path inside a root, or null when it would leave it. WHATWG URL parsing already
 * folds "/../" and "%2e%2e/", but "%2e%2e%2f" and "..%5c" survive into the decoded path, so the
 * check is done on the decoded, resolved file name.
 */
export function resolveInside(dir: string, relative: string): string | null {
  let decoded: string
  try {
    decoded = decodeURIComponent(relative)
  } catch {
    return null
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null
  // No dot files or dot folders (".git", "..", ".env").
  if (decoded.split('/').some((seg) => seg.startsWith('.'))) return null
  const root = resolve(dir)
  const full = resolve(root, '.' + sep + decoded)
  if (full !== root && !full.startsWith(root + sep)) return null
  return full
}

/** Answer one request for `pathname` (already split from the URL, not yet decoded). */
export async function serveStatic(method: string, pathname: string, roots: readonly StaticRoot[]): Promise<StaticResponse> {
  if (method !== 'GET' && method !== 'HEAD') {
    const r = text(405, 'method not allowed')
    return { ...r, headers: { ...r.headers, Allow: 'GET, HEAD' } }
  }
  const root = [...roots].sort((a, b) => b.prefix.length - a.prefix.length).find((r) => pathname.startsWith(r.prefix))
  if (!root) return text(404, 'not found')
  const file = resolveInside(root.dir, pathname === '/' ? root.index ?? 'index.html' : pathname.slice(root.prefix.length))
  if (!file) return text(403, 'forbidden')
  if (root.only && !root.only.some((end) => file.endsWith(end))) return text(404, 'not found')
  let body: Uint8Array
  try {
    const st = await stat(file)
    if (!st.isFile()) return text(404, 'not found')
    body = await readFile(file)
  } catch {
    return text(404, 'not found')
  }
  const headers = {
    ...securityHeaders(),
    'Content-Type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': String(body.byteLength),
  }
  return { status: 200, headers, body: method === 'HEAD' ? null : body }
}

/** The Fetch form, for Electron's protocol.handle(). */
export async function serveRequest(request: { method: string; url: string }, roots: readonly StaticRoot[]): Promise<Response> {
  const r = await serveStatic(request.method, new URL(request.url).pathname, roots)
  return new Response(r.body as ConstructorParameters<typeof Response>[0], { status: r.status, headers: r.headers })
}
