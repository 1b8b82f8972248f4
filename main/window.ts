/**
 * The main window. The security-relevant webPreferences are written out literally in the
 * BrowserWindow call (a static scanner cannot see through a spread). The window's bounds are
 * remembered between runs; closing with unsaved changes asks first.
 */
import { BrowserWindow, dialog, screen } from 'electron'
import { placeWindow, MIN_SIZE, type WindowState } from './host/node/settingsStore'

export interface MainWindowOptions {
  readonly preload: string
  readonly state: WindowState
  readonly saveState: (s: WindowState) => void
  /** Whether the renderer reported unsaved changes (fdlab.setDirty). */
  readonly isDirty: () => boolean
}

export function createMainWindow(opts: MainWindowOptions): BrowserWindow {
  const displays = screen.getAllDisplays().map((d) => d.workArea)
  const place = placeWindow(opts.state, displays)
  const win = new BrowserWindow({
    ...place,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    show: false,
    title: 'fdlab',
    backgroundColor: '#16181d',
    webPreferences: {
      preload: opts.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      disableBlinkFeatures: 'Auxclick',
    },
  })
  if (opts.state.maximized) win.maximize()
  win.once('ready-to-show', () => win.show())

  let timer: ReturnType<typeof setTimeout> | null = null
  const remember = () => {
    if (timer) clearTimeout(timer)
    timer = setTimeout(() => {
      if (win.isDestroyed()) return
      opts.saveState({ bounds: win.isMaximized() ? opts.state.bounds : win.getNormalBounds(), maximized: win.isMaximized() })
    }, 400)
  }
  win.on('resize', remember)
  win.on('move', remember)
  win.on('maximize', remember)
  win.on('unmaximize', remember)

  win.on('close', (e) => {
    opts.saveState({ bounds: win.getNormalBounds(), maximized: win.isMaximized() })
    if (!opts.isDirty()) return
    const choice = dialog.showMessageBoxSync(win, {
      type: 'question',
      buttons: ['Discard changes and close', 'Cancel'],
      defaultId: 1,
      cancelId: 1,
      message: 'The lab has unsaved changes.',
      detail: 'Your edits are autosaved as a draft, but the lab file itself was not saved.',
    })
    if (choice === 1) e.preventDefault()
  })
  return win
}
