/**
 * The desktop host's small persistent state, in the user-data folder: settings, window bounds,
 * recent labs and editor drafts (autosave). Node only (no Electron): main/index.ts passes the
 * folder. Every file read back is validated; a damaged file falls back to defaults.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { basename, join } from 'node:path'
import { DEFAULT_SETTINGS, type Settings, type SettingsPatch, type RecentEntry } from '../../../preload/contract'

export interface Bounds { readonly x: number; readonly y: number; readonly width: number; readonly height: number }
export interface WindowState { readonly bounds: Bounds | null; readonly maximized: boolean }

export const DEFAULT_SIZE = { width: 1440, height: 900 }
export const MIN_SIZE = { width: 900, height: 600 }
const MAX_RECENT = 10

interface Stored {
  settings: Settings
  window: WindowState
  recent: { id: string; path: string; name: string }[]
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)

export function sanitizeSettings(raw: unknown): Settings {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>
  const panes = (r.panes && typeof r.panes === 'object' ? r.panes : {}) as Record<string, unknown>
  return {
    theme: r.theme === 'light' || r.theme === 'dark' || r.theme === 'system' ? r.theme : DEFAULT_SETTINGS.theme,
    panes: {
      left: typeof panes.left === 'boolean' ? panes.left : true,
      right: typeof panes.right === 'boolean' ? panes.right : true,
      bottom: typeof panes.bottom === 'boolean' ? panes.bottom : true,
    },
    fontSize: isNum(r.fontSize) && r.fontSize >= 8 && r.fontSize <= 40 ? Math.round(r.fontSize) : DEFAULT_SETTINGS.fontSize,
    traceOn: typeof r.traceOn === 'boolean' ? r.traceOn : DEFAULT_SETTINGS.traceOn,
  }
}

export function sanitizeWindowState(raw: unknown): WindowState {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>
  const b = r.bounds as Record<string, unknown> | undefined
  const bounds = b && isNum(b.x) && isNum(b.y) && isNum(b.width) && isNum(b.height)
    && b.width >= MIN_SIZE.width && b.height >= MIN_SIZE.height && b.width < 20000 && b.height < 20000
    ? { x: Math.round(b.x), y: Math.round(b.y), width: Math.round(b.width), height: Math.round(b.height) }
    : null
  return { bounds, maximized: r.maximized === true }
}

/**
 * Where to put the window: the saved bounds if at least 100×100 px of them are on one of the
 * current displays (a monitor may have been unplugged since), otherwise the default size, centred
 * on the primary display by the window manager (x/y omitted).
 */
export function placeWindow(saved: WindowState, displays: readonly Bounds[]): Partial<Bounds> & { width: number; height: number } {
  const b = saved.bounds
  if (b) {
    const visible = displays.some((d) => {
      const w = Math.min(b.x + b.width, d.x + d.width) - Math.max(b.x, d.x)
      const h = Math.min(b.y + b.height, d.y + d.height) - Math.max(b.y, d.y)
      return w >= 100 && h >= 100
    })
    if (visible) return { ...b }
  }
  const d = displays[0]
  return {
    width: d ? Math.min(DEFAULT_SIZE.width, d.width) : DEFAULT_SIZE.width,
    height: d ? Math.min(DEFAULT_SIZE.height, d.height) : DEFAULT_SIZE.height,
  }
}

export class SettingsStore {
  private data: Stored
  private readonly file: string
  private readonly draftsDir: string

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true })
    this.file = join(dir, 'fdlab-state.json')
    this.draftsDir = join(dir, 'drafts')
    this.data = this.load()
  }

  private load(): Stored {
    let raw: Record<string, unknown> = {}
    try {
      raw = JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, unknown>
    } catch {
      raw = {}
    }
    const recent = Array.isArray(raw.recent) ? raw.recent : []
    return {
      settings: sanitizeSettings(raw.settings),
      window: sanitizeWindowState(raw.window),
      recent: recent
        .filter((e): e is { id: string; path: string; name: string } =>
          !!e && typeof e.id === 'string' && /^[\w-]{1,64}$/.test(e.id) && typeof e.path === 'string' && typeof e.name === 'string')
        .slice(0, MAX_RECENT),
    }
  }

  private save(): void {
    const tmp = `${this.file}.tmp`
    writeFileSync(tmp, JSON.stringify(this.data, null, 2))
    renameSync(tmp, this.file)
  }

  get settings(): Settings {
    return this.data.settings
  }

  updateSettings(patch: SettingsPatch): Settings {
    this.data.settings = sanitizeSettings({ ...this.data.settings, ...patch })
    this.save()
    return this.data.settings
  }

  get windowState(): WindowState {
    return this.data.window
  }

  setWindowState(state: WindowState): void {
    this.data.window = sanitizeWindowState(state)
    this.save()
  }

  /** Recent files, newest first; ids are stable hashes of the path (the renderer never sees paths). */
  get recent(): readonly { id: string; path: string; name: string }[] {
    return this.data.recent
  }

  recentEntries(): RecentEntry[] {
    return this.data.recent.map(({ id, name }) => ({ id, name }))
  }

  addRecent(path: string): string {
    const id = createHash('sha256').update(path).digest('hex').slice(0, 16)
    this.data.recent = [{ id, path, name: basename(path) }, ...this.data.recent.filter((r) => r.id !== id)].slice(0, MAX_RECENT)
    this.save()
    return id
  }

  recentPath(id: string): string | null {
    return this.data.recent.find((r) => r.id === id)?.path ?? null
  }

  clearRecent(): void {
    this.data.recent = []
    this.save()
  }

  private draftFile(key: string): string {
    return join(this.draftsDir, createHash('sha256').update(key).digest('hex').slice(0, 32) + '.txt')
  }

  saveDraft(key: string, text: string): boolean {
    mkdirSync(this.draftsDir, { recursive: true })
    // Saved on every keystroke: written aside and renamed, so a crash never leaves half a draft.
    const file = this.draftFile(key)
    writeFileSync(`${file}.tmp`, text)
    renameSync(`${file}.tmp`, file)
    return true
  }

  loadDraft(key: string): string | null {
    try {
      return readFileSync(this.draftFile(key), 'utf8')
    } catch {
      return null
    }
  }
}
