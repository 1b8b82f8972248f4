// The thin Electron layer (window, menu) with the Electron module replaced: these files are never
// executed against a real Electron here (no binary can be downloaded), so this checks what they
// ask Electron for. Not run in a real Electron: stated plainly in the docs.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { MenuItemConstructorOptions } from 'electron'

const created: { options: Record<string, unknown>; handlers: Map<string, (...a: unknown[]) => void>; maximized: boolean }[] = []
let messageBoxAnswer = 0
const messageBoxes: unknown[] = []
let appMenu: MenuItemConstructorOptions[] | null = null

vi.mock('electron', () => {
  class BrowserWindow {
    readonly handlers = new Map<string, (...a: unknown[]) => void>()
    maximizedFlag = false
    constructor(options: Record<string, unknown>) {
      created.push({ options, handlers: this.handlers, maximized: false })
    }
    on(ev: string, fn: (...a: unknown[]) => void) { this.handlers.set(ev, fn); return this }
    once(ev: string, fn: (...a: unknown[]) => void) { return this.on(ev, fn) }
    maximize() { created.at(-1)!.maximized = true }
    isMaximized() { return false }
    isDestroyed() { return false }
    getNormalBounds() { return { x: 1, y: 2, width: 1000, height: 700 } }
    show() {}
  }
  return {
    BrowserWindow,
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    dialog: { showMessageBoxSync: (_w: unknown, o: unknown) => { messageBoxes.push(o); return messageBoxAnswer } },
    Menu: {
      buildFromTemplate: (t: MenuItemConstructorOptions[]) => t,
      setApplicationMenu: (m: MenuItemConstructorOptions[]) => { appMenu = m },
    },
  }
})

const { createMainWindow } = await import('../../main/window')
const { menuTemplate, installMenu } = await import('../../main/menu')

beforeEach(() => {
  created.length = 0
  messageBoxes.length = 0
})

describe('main window', () => {
  it('is created sandboxed, isolated, without Node, with the CJS preload', () => {
    createMainWindow({ preload: '/app/out/preload/index.cjs', state: { bounds: null, maximized: false }, saveState: () => {}, isDirty: () => false })
    const wp = created[0]!.options.webPreferences as Record<string, unknown>
    expect(wp).toMatchObject({
      contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false, webSecurity: true, allowRunningInsecureContent: false,
      webviewTag: false, navigateOnDragDrop: false, experimentalFeatures: false,
    })
    expect(wp.preload).toMatch(/index\.cjs$/)
    expect(created[0]!.options.show).toBe(false)
  })
  it('restores saved bounds and the maximized state, and saves them on close', () => {
    const saved: unknown[] = []
    createMainWindow({ preload: 'p.cjs', state: { bounds: { x: 40, y: 30, width: 1300, height: 850 }, maximized: true }, saveState: (s) => saved.push(s), isDirty: () => false })
    expect(created[0]!.options).toMatchObject({ x: 40, y: 30, width: 1300, height: 850 })
    expect(created[0]!.maximized).toBe(true)
    created[0]!.handlers.get('close')!({ preventDefault: () => {} })
    expect(saved).toEqual([{ bounds: { x: 1, y: 2, width: 1000, height: 700 }, maximized: false }])
  })
  it('asks before closing with unsaved changes, and stays open on Cancel', () => {
    let dirty = true
    createMainWindow({ preload: 'p.cjs', state: { bounds: null, maximized: false }, saveState: () => {}, isDirty: () => dirty })
    const close = created[0]!.handlers.get('close')!
    let prevented = false
    messageBoxAnswer = 1
    close({ preventDefault: () => { prevented = true } })
    expect(prevented).toBe(true)
    expect(messageBoxes).toHaveLength(1)
    prevented = false
    messageBoxAnswer = 0
    close({ preventDefault: () => { prevented = true } })
    expect(prevented).toBe(false)
    dirty = false
    close({ preventDefault: () => { prevented = true } })
    expect(messageBoxes).toHaveLength(2)
  })
})

describe('application menu', () => {
  const flat = (items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] =>
    items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flat(i.submenu) : [])])

  it('offers open/save, recent labs, export, zoom, pane toggles and theme, each sending its action', () => {
    const sent: string[] = []
    const opened: string[] = []
    const t = menuTemplate({
      send: (a) => sent.push(a),
      recent: () => [{ id: 'abc', name: '07-binder.lab.md' }],
      openRecent: (id) => opened.push(id),
      clearRecent: () => {},
      theme: () => 'light',
      isMac: false,
      devTools: false,
    })
    const items = flat(t)
    const byLabel = (l: string) => items.find((i) => i.label === l)!
    for (const [label, action] of [
      ['Open Lab…', 'open-lab'], ['Save Lab', 'save-lab'], ['Save Lab As…', 'save-lab-as'], ['Export Submission…', 'export-submission'],
      ['Toggle Instructions', 'toggle-left'], ['Toggle State Panes', 'toggle-right'], ['Toggle Terminal', 'toggle-bottom'],
      ['Presenter Mode', 'presenter'], ['Run', 'run'], ['Step Back', 'step-back'], ['Dark', 'theme-dark'],
    ] as const) {
      ;(byLabel(label).click as () => void)()
      expect(sent.at(-1), label).toBe(action)
    }
    expect(byLabel('Light').checked).toBe(true)
    expect(byLabel('Dark').checked).toBe(false)
    ;(byLabel('07-binder.lab.md').click as () => void)()
    expect(opened).toEqual(['abc'])
    expect(items.map((i) => i.role)).toEqual(expect.arrayContaining(['zoomIn', 'zoomOut', 'resetZoom', 'quit']))
    expect(items.map((i) => i.role)).not.toContain('toggleDevTools')
    expect(byLabel('Open Lab…').accelerator).toBe('CmdOrCtrl+O')
  })
  it('installs the template as the application menu', () => {
    installMenu({ send: () => {}, recent: () => [], openRecent: () => {}, clearRecent: () => {}, theme: () => 'dark', isMac: true, devTools: true })
    const items = flat(appMenu!)
    expect(items.find((i) => i.label === 'No recent labs')?.enabled).toBe(false)
    expect(items.map((i) => i.role)).toContain('toggleDevTools')
    expect(items.map((i) => i.role)).toContain('appMenu')
  })
})
