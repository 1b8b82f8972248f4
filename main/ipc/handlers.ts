/**
 * The desktop host's implementation of the contract. Session commands go to the engine worker;
 * the rest are file dialogs, the bundled course, settings, recent files and drafts. No Electron
 * import: main/index.ts passes the dialogs in, tests pass fakes.
 */
import { MAX_SUBMISSION_BYTES, MAX_SUBMISSIONS, SESSION_COMMANDS, type AppInfo, type Handlers, type OpenKind } from '../../preload/contract'
import { expandInputs, readInput } from '../grading/node/inputs'
import type { EngineClient } from '../host/common/rpc'
import type { SettingsStore } from '../host/node/settingsStore'
import type { BundledLabs, FileHandles } from '../host/node/userFiles'

export interface Dialogs {
  /** A path the user chose, or null if cancelled. */
  showOpen(kind: OpenKind): Promise<string | null>
  showSave(suggestedName: string): Promise<string | null>
  /** Submission files, or one folder (read recursively); [] if cancelled. */
  showOpenMany(mode: 'files' | 'folder'): Promise<string[]>
}

export interface HandlerDeps {
  readonly info: AppInfo
  readonly engine: Pick<EngineClient, 'call' | 'cancel'>
  readonly store: SettingsStore
  readonly files: FileHandles
  readonly labs: BundledLabs
  readonly dialogs: Dialogs
  readonly setDirty: (dirty: boolean) => void
  /** Called when the recent list or settings changed (the menu shows both). */
  readonly onMenuStateChanged: () => void
}

export function createHandlers(d: HandlerDeps): Handlers {
  const session = Object.fromEntries(
    SESSION_COMMANDS.map((name) => [name, (...args: unknown[]) => d.engine.call(name, args)]),
  ) as unknown as Pick<Handlers, (typeof SESSION_COMMANDS)[number]>
  return {
    ...session,
    getAppInfo: () => d.info,
    getSettings: () => d.store.settings,
    setSettings: (patch) => {
      const s = d.store.updateSettings(patch)
      d.onMenuStateChanged()
      return s
    },
    listLabs: () => d.labs.list(),
    readLab: (file) => d.labs.read(file),
    openFile: async (kind) => {
      const path = await d.dialogs.showOpen(kind)
      if (!path) return null
      const file = d.files.open(path)
      d.store.addRecent(path)
      d.onMenuStateChanged()
      return file
    },
    openSubmissions: async (mode) => {
      const paths = await d.dialogs.showOpenMany(mode)
      if (!paths.length) return []
      // The files as `fdlab grade` reads them: folders recursively, each file's bytes up to the limit + 1, its hash over every byte.
      const { files } = expandInputs(paths)
      const base = mode === 'folder' && paths[0] ? paths[0].replace(/[\\/]+$/, '').replace(/[^\\/]*$/, '') : ''
      return files.slice(0, MAX_SUBMISSIONS).map((f) => {
        const r = readInput(f, '', MAX_SUBMISSION_BYTES)
        const file = mode === 'folder' ? f.slice(base.length) : (f.split(/[\\/]/).pop() ?? f)
        return { file, data: Buffer.from(r.bytes).toString('base64'), size: r.size ?? r.bytes.length, sha256: r.sha256 }
      })
    },
    listRecent: () => d.store.recentEntries(),
    openRecent: (id) => {
      const path = d.store.recentPath(id)
      return path ? d.files.open(path) : null
    },
    saveFile: async (req) => {
      const path = d.files.pathOf(req.handle) ?? (await d.dialogs.showSave(req.suggestedName))
      if (!path) return { saved: false, name: null, handle: null }
      const { name, handle } = d.files.write(path, req.text)
      return { saved: true, name, handle }
    },
    setDirty: (dirty) => {
      d.setDirty(dirty)
      return dirty
    },
    draftSave: (key, text) => d.store.saveDraft(key, text),
    draftLoad: (key) => d.store.loadDraft(key),
    sessionCancel: () => d.engine.cancel(),
  }
}
