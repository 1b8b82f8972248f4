import { describe, expect, it } from 'vitest'
import {
  APP_ENTRY, CSP, META_CSP, allowNavigation, allowRequest, isAppUrl, isTrustedSender, securityHeaders, windowOpenDecision,
} from '../../../main/host/common/security'

const directives = (csp: string) => new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k!, v]))

describe('CSP', () => {
  it('allows only the app itself', () => {
    const d = directives(CSP)
    expect(d.get('default-src')).toEqual(["'none'"])
    expect(d.get('script-src')).toEqual(["'self'"])
    expect(d.get('connect-src')).toEqual(["'self'"])
    expect(d.get('worker-src')).toEqual(["'self'"])
    expect(d.get('object-src')).toEqual(["'none'"])
    expect(d.get('frame-ancestors')).toEqual(["'none'"])
    expect(d.get('require-trusted-types-for')).toEqual(["'script'"])
    expect(CSP).not.toMatch(/unsafe-eval|https?:|\*/)
    expect(d.get('script-src')).not.toContain("'unsafe-inline'")
  })
  it('the meta form is the header without frame-ancestors', () => {
    expect(META_CSP).not.toContain('frame-ancestors')
    expect(CSP.replace("; frame-ancestors 'none'", '')).toBe(META_CSP)
  })
  it('is sent with the other security headers', () => {
    const h = securityHeaders()
    expect(h['Content-Security-Policy']).toBe(CSP)
    expect(h['X-Content-Type-Options']).toBe('nosniff')
  })
})

describe('app URLs and senders (protocol + host, never .origin)', () => {
  it('trusts the app scheme and host only', () => {
    expect(isAppUrl(APP_ENTRY)).toBe(true)
    expect(isAppUrl('app://fdlab/assets/x.js')).toBe(true)
    // new URL('app://fdlab.evil/').origin === 'null' === new URL('app://fdlab/').origin
    expect(new URL('app://fdlab.evil/').origin).toBe(new URL('app://fdlab/').origin)
    expect(isAppUrl('app://fdlab.evil/index.html')).toBe(false)
    expect(isAppUrl('app://evil/index.html')).toBe(false)
    expect(isAppUrl('app://user@fdlab/index.html')).toBe(false)
    expect(isAppUrl('https://fdlab/index.html')).toBe(false)
    expect(isAppUrl('file:///index.html')).toBe(false)
    expect(isAppUrl('not a url')).toBe(false)
  })
  it('trusts the dev server only when given, with the same port', () => {
    expect(isAppUrl('http://localhost:5173/', undefined)).toBe(false)
    expect(isAppUrl('http://localhost:5173/', 'http://localhost:5173')).toBe(true)
    expect(isAppUrl('http://localhost:5174/', 'http://localhost:5173')).toBe(false)
    expect(isAppUrl('http://evil.example:5173/', 'http://evil.example:5173')).toBe(false)
  })
  it('rejects senders without a frame or from elsewhere', () => {
    expect(isTrustedSender('app://fdlab/index.html')).toBe(true)
    expect(isTrustedSender(undefined)).toBe(false)
    expect(isTrustedSender(null)).toBe(false)
    expect(isTrustedSender('https://example.org/')).toBe(false)
  })
})

describe('navigation, window.open and requests', () => {
  it('keeps the window on the app', () => {
    expect(allowNavigation('app://fdlab/index.html')).toBe(true)
    expect(allowNavigation('https://example.org/')).toBe(false)
    expect(allowNavigation('file:///etc/passwd')).toBe(false)
  })
  it('never opens windows; https goes to the system browser, other schemes nowhere', () => {
    expect(windowOpenDecision('https://www.kernel.org/doc/')).toEqual({ action: 'deny', openExternally: true })
    expect(windowOpenDecision('http://example.org/')).toEqual({ action: 'deny', openExternally: false })
    expect(windowOpenDecision('file:///bin/sh')).toEqual({ action: 'deny', openExternally: false })
    expect(windowOpenDecision('javascript:alert(1)')).toEqual({ action: 'deny', openExternally: false })
    expect(windowOpenDecision('https://user:pw@example.org/')).toEqual({ action: 'deny', openExternally: false })
  })
  it('loads no remote content', () => {
    expect(allowRequest('app://fdlab/assets/a.js')).toBe(true)
    expect(allowRequest('devtools://devtools/bundled/x')).toBe(true)
    expect(allowRequest('https://cdn.jsdelivr.net/npm/monaco-editor/min/vs/loader.js')).toBe(false)
    expect(allowRequest('http://127.0.0.1:8080/')).toBe(false)
    expect(allowRequest('blob:app://fdlab/1234')).toBe(true)
    expect(allowRequest('blob:https://evil.example/1234')).toBe(false)
  })
})
