/**
 * The application menu. Menu items send a named action to the renderer (the same actions its
 * toolbar and shortcuts use), except the few that only main can do (recent files, zoom, quit).
 */
import { Menu, type MenuItemConstructorOptions } from 'electron'
import type { MenuAction, RecentEntry } from '../preload/contract'

export interface MenuDeps {
  readonly send: (action: MenuAction) => void
  readonly recent: () => readonly RecentEntry[]
  readonly openRecent: (id: string) => void
  readonly clearRecent: () => void
  readonly theme: () => 'dark' | 'light' | 'system'
  readonly isMac: boolean
  readonly devTools: boolean
}

export function menuTemplate(deps: MenuDeps): MenuItemConstructorOptions[] {
  const act = (label: string, action: MenuAction, accelerator?: string): MenuItemConstructorOptions =>
    ({ label, accelerator, click: () => deps.send(action) })
  const recent = deps.recent()
  const theme = deps.theme()
  const radio = (label: string, value: 'dark' | 'light' | 'system', action: MenuAction): MenuItemConstructorOptions =>
    ({ label, type: 'radio', checked: theme === value, click: () => deps.send(action) })
  return [
    ...(deps.isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        act('Open Lab…', 'open-lab', 'CmdOrCtrl+O'),
        act('Open strace Log…', 'open-strace', 'CmdOrCtrl+Shift+O'),
        act('Course Labs…', 'show-labs', 'CmdOrCtrl+L'),
        {
          label: 'Open Recent',
          submenu: recent.length
            ? [
                ...recent.map((r): MenuItemConstructorOptions => ({ label: r.name, click: () => deps.openRecent(r.id) })),
                { type: 'separator' },
                { label: 'Clear Recent', click: () => deps.clearRecent() },
              ]
            : [{ label: 'No recent labs', enabled: false }],
        },
        { type: 'separator' },
        act('Save Lab', 'save-lab', 'CmdOrCtrl+S'),
        act('Save Lab As…', 'save-lab-as', 'CmdOrCtrl+Shift+S'),
        act('Export Submission…', 'export-submission', 'CmdOrCtrl+E'),
        { type: 'separator' },
        deps.isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: '&Run',
      submenu: [
        act('Run', 'run', 'F5'),
        act('Step Over', 'step', 'F10'),
        act('Step Into', 'step-into', 'F11'),
        act('Micro-step', 'step-micro', 'Alt+F10'),
        act('Step Back', 'step-back', 'Shift+F10'),
        act('Reset', 'reset', 'CmdOrCtrl+Shift+F5'),
        { type: 'separator' },
        act('Explore Interleavings', 'explore', 'CmdOrCtrl+F5'),
        act('Cancel', 'cancel', 'CmdOrCtrl+.'),
      ],
    },
    {
      label: '&View',
      submenu: [
        act('Toggle Instructions', 'toggle-left', 'CmdOrCtrl+1'),
        act('Toggle State Panes', 'toggle-right', 'CmdOrCtrl+2'),
        act('Toggle Terminal', 'toggle-bottom', 'CmdOrCtrl+`'),
        act('Presenter Mode', 'presenter', 'CmdOrCtrl+Shift+P'),
        { type: 'separator' },
        {
          label: 'Theme',
          submenu: [radio('Dark', 'dark', 'theme-dark'), radio('Light', 'light', 'theme-light'), radio('System', 'system', 'theme-system')],
        },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(deps.devTools ? [{ role: 'toggleDevTools' as const }] : []),
      ],
    },
    { role: 'windowMenu' },
  ]
}

export function installMenu(deps: MenuDeps): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(deps)))
}
