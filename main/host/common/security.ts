/**
 * Security policy of the app, as pure data and pure functions (no Electron import): the one
 * Content-Security-Policy (sent as a header by both hosts and emitted as a <meta> into the built
 * index.html), the app's origin, and the navigation / window.open / sender decisions that
 * main/index.ts wires into Electron. Everything here is unit-tested under Node.
 */

/** The renderer is served from a privileged custom scheme, never from file://. */
export const APP_SCHEME = 'app'
export const APP_HOST = 'fdlab'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
export const APP_ENTRY = `${APP_ORIGIN}/index.html`

/**
 * Trusted Types policies the page may create: ours (the renderer's for Monaco's worker, the
 * browser host's for the engine worker, each allowing only its own URLs) and the ones Monaco
 * creates. Anything else (a script injected through a lab file, a CDN loader) is refused by the
 * browser.
 */
export const TRUSTED_TYPES_POLICIES = [
  'fdlab-worker', 'fdlab-engine-worker', 'dompurify', 'defaultWorkerFactory', 'diffEditorWidget', 'diffReview',
  'domLineBreaksComputer', 'editorGhostText', 'editorViewLayer', 'richScreenReaderContent',
  'standaloneColorizer', 'stickyScrollViewLayer', 'tokenizeToString',
] as const

const DIRECTIVES: readonly (readonly [string, string])[] = [
  ['default-src', "'none'"],
  ['script-src', "'self'"],
  // Monaco and xterm.js inject <style> elements: without 'unsafe-inline' they lose their colours.
  ['style-src', "'self' 'unsafe-inline'"],
  ['img-src', "'self' data:"],
  ['font-src', "'self' data:"],
  ['connect-src', "'self'"],
  ['worker-src', "'self'"],
  ['base-uri', "'none'"],
  ['form-action', "'none'"],
  ['object-src', "'none'"],
  ['frame-src', "'none'"],
  ['frame-ancestors', "'none'"],
  ['require-trusted-types-for', "'script'"],
  ['trusted-types', TRUSTED_TYPES_POLICIES.join(' ')],
]

/** The production CSP: the header of every page response in both hosts. */
export const CSP = DIRECTIVES.map(([k, v]) => `${k} ${v}`).join('; ')

/** The same policy as a <meta>: browsers ignore frame-ancestors there, so it is left out. */
export const META_CSP = DIRECTIVES.filter(([k]) => k !== 'frame-ancestors').map(([k, v]) => `${k} ${v}`).join('; ')

/** The other response headers both hosts send with every file. */
export function securityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=(), bluetooth=()',
    'Cache-Control': 'no-cache',
  }
}

function parse(url: string): URL | null {
  try {
    return new URL(url)
  } catch {
    return null
  }
}

/**
 * Whether `url` belongs to the app. Compares protocol and host: for a custom scheme, Node's
 * `new URL('app://fdlab/x').origin` is the string "null", so comparing origins would trust
 * `app://fdlab.evil/` too. `devUrl` (the dev server, only when the app is not packaged) is
 * compared the same way, port included.
 */
export function isAppUrl(url: string, devUrl?: string): boolean {
  const u = parse(url)
  if (!u) return false
  if (u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.username === '' && u.password === '') return true
  if (devUrl) {
    const d = parse(devUrl)
    if (d && (d.protocol === 'http:') && u.protocol === d.protocol && u.host === d.host
      && (d.hostname === 'localhost' || d.hostname === '127.0.0.1')) return true
  }
  return false
}

/** The sender of an IPC message: a frame URL (event.senderFrame.url), or nothing if the frame is gone. */
export function isTrustedSender(frameUrl: string | null | undefined, devUrl?: string): boolean {
  return typeof frameUrl === 'string' && isAppUrl(frameUrl, devUrl)
}

/** will-navigate / will-redirect: stay inside the app, never load anything else in the window. */
export function allowNavigation(url: string, devUrl?: string): boolean {
  return isAppUrl(url, devUrl)
}

/**
 * window.open and target=_blank: never open a window. Plain https links (a lab's references to
 * kernel docs) go to the system browser; every other scheme is dropped.
 */
export function windowOpenDecision(url: string): { action: 'deny'; openExternally: boolean } {
  const u = parse(url)
  return { action: 'deny', openExternally: !!u && u.protocol === 'https:' && u.username === '' && u.password === '' }
}

/**
 * Requests the window's session may make (webRequest.onBeforeRequest): the app scheme, devtools
 * internals, and the dev server when not packaged. No remote content, ever.
 */
export function allowRequest(url: string, devUrl?: string): boolean {
  if (isAppUrl(url, devUrl)) return true
  const u = parse(url)
  if (!u) return false
  return u.protocol === 'devtools:' || u.protocol === 'data:' || (u.protocol === 'blob:' && isAppUrl(url.slice(5), devUrl))
}
