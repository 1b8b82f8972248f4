/**
 * Electron main: app lifecycle and wiring only. Every policy lives in a pure module that is
 * unit-tested under Node (main/host/common/security.ts, main/ipc/*, main/host/**); this file and
 * main/window.ts / main/menu.ts are the only ones that import Electron at run time, and they are
 * never executed on the build machines (no Electron binary there).
 */
import { app, BrowserWindow, dialog, ipcMain, protocol, session, shell } from 'electron'
import { join } from 'node:path'
import { APP_ENTRY, APP_HOST, APP_SCHEME, allowNavigation, allowRequest, windowOpenDecision } from './host/common/security'
import { serveRequest } from './host/node/staticFiles'
import { SettingsStore } from './host/node/settingsStore'
import { BundledLabs, FileHandles } from './host/node/userFiles'
import { createEngineHost } from './host/node/engineHost'
import { registerIpc } from './ipc/register'
import { createHandlers } from './ipc/handlers'
import { installMenu } from './menu'
import { createMainWindow } from './window'
import { EVENTS, type Events, type OpenKind } from '../preload/contract'

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
])
app.enableSandbox()

// The dev server is trusted only when running unpackaged from source.
const DEV_URL = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined

if (!app.requestSingleInstanceLock()) app.quit()

let win: BrowserWindow | null = null
let dirty = false

function send<E extends keyof Events>(event: E, payload: Events[E]): void {
  if (win && !win.isDestroyed()) win.webContents.send(EVENTS[event].channel, payload)
}

app.on('web-contents-created', (_e, contents) => {
  contents.on('will-navigate', (e, url) => {
    if (!allowNavigation(url, DEV_URL)) e.preventDefault()
  })
  contents.on('will-redirect', (e, url) => {
    if (!allowNavigation(url, DEV_URL)) e.preventDefault()
  })
  contents.on('will-attach-webview', (e) => e.preventDefault())
  contents.setWindowOpenHandler(({ url }) => {
    if (windowOpenDecision(url).openExternally) void shell.openExternal(url)
    return { action: 'deny' }
  })
})

const FILTERS: Record<OpenKind, Electron.FileFilter[]> = {
  lab: [{ name: 'fdlab labs', extensions: ['md'] }],
  strace: [{ name: 'strace logs', extensions: ['log', 'txt', 'strace', '*'] }],
  any: [{ name: 'All files', extensions: ['*'] }],
}

void app.whenReady().then(() => {
  const ses = session.defaultSession
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
  ses.setPermissionCheckHandler(() => false)
  ses.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !allowRequest(details.url, DEV_URL) }))

  const rendererDir = join(import.meta.dirname, '../renderer')
  protocol.handle(APP_SCHEME, (request) => {
    if (new URL(request.url).host !== APP_HOST) return new Response(null, { status: 404 })
    return serveRequest(request, [{ prefix: '/', dir: rendererDir }])
  })

  const store = new SettingsStore(app.getPath('userData'))
  const files = new FileHandles()
  const labs = new BundledLabs(app.isPackaged ? join(process.resourcesPath, 'labs') : join(app.getAppPath(), 'labs'))
  const engine = createEngineHost({
    workerFile: join(import.meta.dirname, 'engineWorker.js'),
    onProgress: (p) => send('onProgress', p),
  })

  const refreshMenu = () => installMenu({
    send: (action) => send('onMenu', action),
    recent: () => store.recentEntries(),
    openRecent: (id) => {
      const path = store.recentPath(id)
      if (!path) return
      try {
        send('onFileOpened', files.open(path))
      } catch (e) {
        dialog.showErrorBox('Cannot open file', e instanceof Error ? e.message : String(e))
      }
    },
    clearRecent: () => {
      store.clearRecent()
      refreshMenu()
    },
    theme: () => store.settings.theme,
    isMac: process.platform === 'darwin',
    devTools: !app.isPackaged,
  })

  registerIpc(ipcMain, createHandlers({
    info: { host: 'electron', version: app.getVersion(), platform: process.platform },
    engine,
    store,
    files,
    labs,
    dialogs: {
      showOpen: async (kind) => {
        const r = await dialog.showOpenDialog(win!, { properties: ['openFile'], filters: FILTERS[kind] })
        return r.canceled ? null : r.filePaths[0] ?? null
      },
      showOpenMany: async (mode) => {
        const r = await dialog.showOpenDialog(win!, { properties: mode === 'folder' ? ['openDirectory'] : ['openFile', 'multiSelections'], filters: mode === 'folder' ? undefined : [{ name: 'fdlab submissions', extensions: ['json'] }, { name: 'All files', extensions: ['*'] }] })
        return r.canceled ? [] : r.filePaths
      },
      showSave: async (name) => {
        const r = await dialog.showSaveDialog(win!, { defaultPath: name })
        return r.canceled ? null : r.filePath ?? null
      },
    },
    setDirty: (d) => {
      dirty = d
      win?.setDocumentEdited(d)
    },
    onMenuStateChanged: refreshMenu,
  }), DEV_URL)

  win = createMainWindow({
    preload: join(import.meta.dirname, '../preload/index.cjs'),
    state: store.windowState,
    saveState: (s) => store.setWindowState(s),
    isDirty: () => dirty,
  })
  refreshMenu()
  void win.loadURL(DEV_URL ?? APP_ENTRY)

  app.on('second-instance', () => {
    if (win) {
      if (win.isMinimized()) win.restore()
      win.focus()
    }
  })
  app.on('before-quit', () => engine.dispose())
})

app.on('window-all-closed', () => app.quit())
