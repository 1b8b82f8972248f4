/**
 * Keyboard shortcuts and drag-and-drop. In Electron the menu's accelerators send the same actions
 * (so the page does not handle them twice); in the browser the page handles them itself.
 */
import type { HostKind, MenuAction } from '../../preload/contract'
import { onMenuAction, actions } from './state/actions'
import { store } from './state/store'
import { MAX_TEXT } from '../../preload/contract'

export function shortcutAction(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>): MenuAction | null {
  const mod = e.ctrlKey || e.metaKey
  const k = e.key
  if (k === 'F5' && !mod) return 'run'
  if (k === 'F5' && mod) return 'explore'
  if (k === 'F10' && e.shiftKey) return 'step-back'
  if (k === 'F10' && e.altKey) return 'step-micro'
  if (k === 'F10') return 'step'
  if (k === 'F11') return 'step-into'
  if (!mod) return null
  switch (k.toLowerCase()) {
    case 'o': return e.shiftKey ? 'open-strace' : 'open-lab'
    case 's': return e.shiftKey ? 'save-lab-as' : 'save-lab'
    case 'e': return 'export-submission'
    case 'l': return 'show-labs'
    case '1': return 'toggle-left'
    case '2': return 'toggle-right'
    case '`': return 'toggle-bottom'
    case 'p': return e.shiftKey ? 'presenter' : null
    case '.': return 'cancel'
    default: return null
  }
}

const F_KEYS = new Set(['F5', 'F10', 'F11'])

export function installShortcuts(host: HostKind): void {
  // Capture phase: the run keys work whichever pane has focus (Monaco would otherwise take
  // Shift+F10 for its context menu, and the terminal the F-keys).
  window.addEventListener('keydown', (e) => {
    if (store.get().ui.presenter) return
    const a = shortcutAction(e)
    if (!a) return
    if (F_KEYS.has(e.key)) e.stopPropagation()
    // Electron's menu accelerators already fire these; the browser needs them here.
    if (host === 'electron') return
    e.preventDefault()
    onMenuAction(a)
  }, true)
}

/** Focusable elements inside @root, in tab order (visible ones). */
export function focusables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>('button, [href], input, select, textarea, [tabindex]:not([tabindex="-1"])')]
    .filter((el) => !el.hasAttribute('disabled') && el.getClientRects().length > 0)
}

/** Keep Tab and Shift+Tab inside @root (a modal dialog). */
export function trapTab(e: { key: string; shiftKey: boolean; preventDefault(): void }, root: HTMLElement | null): void {
  if (e.key !== 'Tab' || !root) return
  const els = focusables(root)
  if (!els.length) return
  const i = els.indexOf(document.activeElement as HTMLElement)
  const next = e.shiftKey ? (i <= 0 ? els.length - 1 : i - 1) : (i < 0 || i === els.length - 1 ? 0 : i + 1)
  e.preventDefault()
  els[next]!.focus()
}

export function installDrop(): void {
  window.addEventListener('dragover', (e) => {
    if (e.dataTransfer?.types.includes('Files')) {
      e.preventDefault()
      e.dataTransfer.dropEffect = 'copy'
    }
  })
  window.addEventListener('drop', (e) => {
    const file = e.dataTransfer?.files[0]
    if (!file) return
    e.preventDefault()
    if (file.size > MAX_TEXT) {
      store.ui({ status: `${file.name} is too large (${file.size} bytes)` })
      return
    }
    void file.text().then((text) => actions.loadFile({ name: file.name, text }))
  })
}
