import { describe, expect, it } from 'vitest'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SettingsStore, placeWindow, sanitizeSettings, DEFAULT_SIZE } from '../../../main/host/node/settingsStore'

const tmp = () => mkdtempSync(join(tmpdir(), 'fdlab-store-'))

describe('settings store', () => {
  it('persists settings, window state, recent files and drafts', () => {
    const dir = tmp()
    const a = new SettingsStore(dir)
    a.updateSettings({ theme: 'light', panes: { left: false, right: true, bottom: true } })
    a.setWindowState({ bounds: { x: 10, y: 20, width: 1200, height: 800 }, maximized: true })
    const id = a.addRecent('/home/u/labs/01.lab.md')
    a.saveDraft('lab:close-path', 'int main;')
    const b = new SettingsStore(dir)
    expect(b.settings.theme).toBe('light')
    expect(b.settings.panes.left).toBe(false)
    expect(b.windowState).toEqual({ bounds: { x: 10, y: 20, width: 1200, height: 800 }, maximized: true })
    expect(b.recentEntries()).toEqual([{ id, name: '01.lab.md' }])
    expect(b.recentPath(id)).toBe('/home/u/labs/01.lab.md')
    expect(b.loadDraft('lab:close-path')).toBe('int main;')
    expect(b.loadDraft('other')).toBeNull()
  })
  it('keeps at most ten recent files, newest first, without duplicates', () => {
    const s = new SettingsStore(tmp())
    for (let i = 0; i < 12; i++) s.addRecent(`/l/${i}.lab.md`)
    s.addRecent('/l/5.lab.md')
    const names = s.recentEntries().map((r) => r.name)
    expect(names).toHaveLength(10)
    expect(names[0]).toBe('5.lab.md')
    expect(new Set(names).size).toBe(10)
  })
  it('falls back to defaults for a damaged or hostile file', () => {
    const dir = tmp()
    writeFileSync(join(dir, 'fdlab-state.json'), JSON.stringify({
      settings: { theme: '<script>', fontSize: 1e6, panes: 'x' },
      window: { bounds: { x: 'a', y: 0, width: 10, height: 10 } },
      recent: [{ id: '../x', path: '/etc/passwd', name: 'p' }, 7],
    }))
    const s = new SettingsStore(dir)
    expect(s.settings).toEqual(sanitizeSettings({}))
    expect(s.windowState.bounds).toBeNull()
    expect(s.recentEntries()).toEqual([])
    writeFileSync(join(dir, 'fdlab-state.json'), '{ not json')
    expect(new SettingsStore(dir).settings.theme).toBe('dark')
  })
})

describe('window placement', () => {
  const screen = { x: 0, y: 0, width: 1920, height: 1080 }
  it('restores bounds that are on a display', () => {
    expect(placeWindow({ bounds: { x: 100, y: 50, width: 1200, height: 800 }, maximized: false }, [screen]))
      .toEqual({ x: 100, y: 50, width: 1200, height: 800 })
  })
  it('forgets bounds on a display that is gone', () => {
    const p = placeWindow({ bounds: { x: 2500, y: 50, width: 1200, height: 800 }, maximized: false }, [screen])
    expect(p).toEqual({ width: DEFAULT_SIZE.width, height: DEFAULT_SIZE.height })
  })
  it('fits the default size to a small display', () => {
    expect(placeWindow({ bounds: null, maximized: false }, [{ x: 0, y: 0, width: 1280, height: 720 }])).toEqual({ width: 1280, height: 720 })
  })
})
