// main/index.ts wiring, with the Electron module replaced by a recorder: which policies it
// installs (permissions, requests, navigation, window.open, the app protocol, IPC). The policy
// functions themselves are tested in security.test.ts; this checks they are wired in.
// Not a run of real Electron (none can be downloaded here).
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CONTRACT, COMMAND_NAMES } from '../../preload/contract'
import { buildWorker } from '../host/helpers/buildWorker'

const rec = {
  schemes: [] as unknown[],
  sandbox: false,
  appOn: new Map<string, (...a: unknown[]) => unknown>(),
  permission: null as null | ((wc: unknown, p: string, cb: (ok: boolean) => void) => void),
  permissionCheck: null as null | ((...a: unknown[]) => boolean),
  beforeRequest: null as null | ((d: { url: string }, cb: (r: { cancel: boolean }) => void) => void),
  protocolHandler: null as null | ((req: Request) => Promise<Response> | Response),
  ipc: new Map<string, unknown>(),
  loaded: [] as string[],
  external: [] as string[],
}
const workerFile = await buildWorker(join(import.meta.dirname, '../../main/host/node/worker.ts'))
vi.mock('../../main/host/node/engineHost', async (orig) => {
  const real = await orig<typeof import('../../main/host/node/engineHost')>()
  return { ...real, createEngineHost: (o: { onProgress?: () => void }) => real.createEngineHost({ ...o, workerFile }) }
})

vi.mock('electron', () => {
  const userData = mkdtempSync(join(tmpdir(), 'fdlab-main-'))
  class BrowserWindow {
    webContents = { send: () => {} }
    constructor(_o: unknown) {}
    on() { return this }
    once() { return this }
    maximize() {}
    isDestroyed() { return false }
    isMinimized() { return false }
    loadURL(u: string) { rec.loaded.push(u); return Promise.resolve() }
    setDocumentEdited() {}
  }
  return {
    BrowserWindow,
    app: {
      isPackaged: true,
      enableSandbox: () => { rec.sandbox = true },
      requestSingleInstanceLock: () => true,
      quit: () => {},
      whenReady: () => Promise.resolve(),
      on: (ev: string, fn: (...a: unknown[]) => unknown) => { rec.appOn.set(ev, fn) },
      getPath: () => userData,
      getAppPath: () => userData,
      getVersion: () => '0.1.0',
    },
    protocol: {
      registerSchemesAsPrivileged: (s: unknown[]) => rec.schemes.push(...s),
      handle: (_s: string, fn: typeof rec.protocolHandler) => { rec.protocolHandler = fn },
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (fn: typeof rec.permission) => { rec.permission = fn },
        setPermissionCheckHandler: (fn: typeof rec.permissionCheck) => { rec.permissionCheck = fn },
        webRequest: { onBeforeRequest: (fn: typeof rec.beforeRequest) => { rec.beforeRequest = fn } },
      },
    },
    ipcMain: { handle: (ch: string, fn: unknown) => rec.ipc.set(ch, fn), removeHandler: (ch: string) => rec.ipc.delete(ch) },
    shell: { openExternal: (u: string) => { rec.external.push(u); return Promise.resolve() } },
    dialog: { showOpenDialog: async () => ({ canceled: true, filePaths: [] }), showSaveDialog: async () => ({ canceled: true }), showErrorBox: () => {}, showMessageBoxSync: () => 0 },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: () => {} },
  }
})

beforeAll(async () => {
  Object.assign(process, { resourcesPath: tmpdir() })
  await import('../../main/index')
  await new Promise((r) => setTimeout(r, 50))
})

describe('main/index.ts wiring', () => {
  it('registers the app scheme as privileged and enables the sandbox for all renderers', () => {
    expect(rec.schemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }])
    expect(rec.sandbox).toBe(true)
  })
  it('denies every permission request and check', () => {
    const answers: boolean[] = []
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) rec.permission!(null, p, (ok) => answers.push(ok))
    expect(answers).toEqual([false, false, false, false, false])
    expect(rec.permissionCheck!()).toBe(false)
  })
  it('cancels every request that is not the app', () => {
    const cancel = (url: string) => { let c: boolean | undefined; rec.beforeRequest!({ url }, (r) => { c = r.cancel }); return c }
    expect(cancel('app://fdlab/index.html')).toBe(false)
    expect(cancel('https://cdn.jsdelivr.net/x.js')).toBe(true)
    expect(cancel('http://localhost:5173/')).toBe(true) // packaged: no dev server
  })
  it('blocks navigation, webviews and window.open on every web contents', () => {
    const handlers = new Map<string, (...a: unknown[]) => void>()
    let openHandler: ((d: { url: string }) => { action: string }) | null = null
    const contents = { on: (ev: string, fn: (...a: unknown[]) => void) => handlers.set(ev, fn), setWindowOpenHandler: (fn: typeof openHandler) => { openHandler = fn } }
    rec.appOn.get('web-contents-created')!({}, contents)
    const prevented = (ev: string, url?: string) => { let p = false; handlers.get(ev)!({ preventDefault: () => { p = true } }, url); return p }
    expect(prevented('will-navigate', 'https://example.org/')).toBe(true)
    expect(prevented('will-navigate', 'app://fdlab/index.html')).toBe(false)
    expect(prevented('will-redirect', 'file:///etc/passwd')).toBe(true)
    expect(prevented('will-attach-webview')).toBe(true)
    expect(openHandler!({ url: 'https://docs.kernel.org/' })).toEqual({ action: 'deny' })
    expect(openHandler!({ url: 'file:///bin/sh' })).toEqual({ action: 'deny' })
    expect(rec.external).toEqual(['https://docs.kernel.org/'])
  })
  it('serves the renderer only for the app host', async () => {
    const other = await rec.protocolHandler!(new Request('app://evil/index.html'))
    expect(other.status).toBe(404)
  })
  it('registers exactly the contract channels and loads the app URL', () => {
    expect([...rec.ipc.keys()].sort()).toEqual(COMMAND_NAMES.map((n) => CONTRACT[n].channel).sort())
    expect(rec.loaded).toEqual(['app://fdlab/index.html'])
  })
})
