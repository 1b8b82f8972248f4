// The IPC boundary, with Electron's ipcMain/ipcRenderer replaced by a tiny in-memory pair that
// behaves like them (invoke → the registered handler, unknown channel → rejection). Everything
// behind it is real: the contract, the preload's generated API, registerIpc, the handlers, the
// settings store, the bundled-labs reader and the engine worker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CONTRACT, COMMAND_NAMES, EVENTS, EVENT_NAMES, type FdlabApi } from '../../preload/contract'
import { createFdlabApi, type IpcRendererLike } from '../../preload/bridge'
import { IpcRejected, guardedListener, registerIpc, type IpcEventLike, type IpcMainLike } from '../../main/ipc/register'
import { createHandlers } from '../../main/ipc/handlers'
import { SettingsStore } from '../../main/host/node/settingsStore'
import { BundledLabs, FileHandles } from '../../main/host/node/userFiles'
import { createEngineHost } from '../../main/host/node/engineHost'
import type { EngineClient } from '../../main/host/common/rpc'
import { buildWorker } from '../host/helpers/buildWorker'

class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, (event: IpcEventLike, ...args: unknown[]) => unknown>()
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => unknown) {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`)
    this.handlers.set(channel, listener)
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel)
  }
  /** What Electron does for ipcRenderer.invoke from a frame at `url`. */
  async invoke(url: string | null, channel: string, ...args: unknown[]): Promise<unknown> {
    const h = this.handlers.get(channel)
    if (!h) throw new Error(`No handler registered for '${channel}'`)
    // Electron structured-clones arguments; so do we.
    return h({ senderFrame: url === null ? null : { url } }, ...structuredClone(args))
  }
}

function rendererOver(ipcMain: FakeIpcMain, url: string): IpcRendererLike {
  return {
    invoke: (channel, ...args) => ipcMain.invoke(url, channel, ...args),
    on: () => undefined,
    removeListener: () => undefined,
  }
}

let ipcMain: FakeIpcMain
let engine: EngineClient
let api: FdlabApi
let dialogsAsked: string[] = []
const APP = 'app://fdlab/index.html'

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fdlab-ipc-'))
  const labsDir = join(dir, 'labs')
  mkdirSync(labsDir)
  writeFileSync(join(labsDir, '01-close.lab.md'), '---\nid: close-path\ntitle: The close path\n---\n# Hi\n')
  writeFileSync(join(dir, 'picked.lab.md'), '---\nid: picked\ntitle: Picked\n---\n')
  mkdirSync(join(dir, 'subs', 'late'), { recursive: true })
  writeFileSync(join(dir, 'subs', 'ada.json'), '{"format": "fdlab-submission", "version": 1, "lab": {"id": "close-path", "version": "1"}, "answers": {}}')
  writeFileSync(join(dir, 'subs', 'late', 'bob.json'), Buffer.from([0xff, 0x00, 0xfe]))
  writeFileSync(join(dir, 'subs', '.hidden.json'), '{}')
  engine = createEngineHost({ workerFile: await buildWorker(join(import.meta.dirname, '../../main/host/node/worker.ts')) })
  ipcMain = new FakeIpcMain()
  registerIpc(ipcMain, createHandlers({
    info: { host: 'electron', version: '0.0.0-test', platform: 'linux' },
    engine,
    store: new SettingsStore(join(dir, 'userData')),
    files: new FileHandles(),
    labs: new BundledLabs(labsDir),
    dialogs: {
      showOpen: async (kind) => { dialogsAsked.push(`open:${kind}`); return join(dir, 'picked.lab.md') },
      showSave: async (name) => { dialogsAsked.push(`save:${name}`); return join(dir, name) },
      showOpenMany: async (mode) => { dialogsAsked.push(`open-many:${mode}`); return [join(dir, 'subs')] },
    },
    setDirty: () => undefined,
    onMenuStateChanged: () => undefined,
  }))
  api = createFdlabApi(rendererOver(ipcMain, APP))
})
afterAll(() => engine.dispose())

describe('contract', () => {
  it('every command has a distinct area:verb channel and a handler', () => {
    const channels = COMMAND_NAMES.map((n) => CONTRACT[n].channel)
    expect(new Set(channels).size).toBe(channels.length)
    for (const c of channels) expect(c).toMatch(/^[a-z]+:[a-z-]+$/)
    expect([...ipcMain.handlers.keys()].sort()).toEqual([...channels].sort())
  })
  it('the preload API is generated from the contract: one named function per command and event, nothing else', () => {
    expect(Object.keys(api).sort()).toEqual([...COMMAND_NAMES, ...EVENT_NAMES].sort())
    expect(Object.keys(api)).not.toContain('invoke')
    for (const n of EVENT_NAMES) expect(EVENTS[n].channel).toMatch(/^[a-z]+:[a-z-]+$/)
  })
  it('a handler map missing a command is refused at registration', () => {
    const handlers = createHandlers({} as never)
    const partial = { ...handlers } as Record<string, unknown>
    delete partial.readLab
    expect(() => registerIpc(new FakeIpcMain(), partial as never)).toThrow(/no handler for readLab/)
  })
})

describe('calls through the bridge', () => {
  it('answers valid calls', async () => {
    expect(await api.getAppInfo()).toEqual({ host: 'electron', version: '0.0.0-test', platform: 'linux' })
    expect(await api.listLabs()).toEqual([{ file: '01-close.lab.md', id: 'close-path', title: 'The close path' }])
    expect((await api.readLab('01-close.lab.md')).text).toContain('The close path')
    const s = await api.setSettings({ theme: 'light' })
    expect(s.theme).toBe('light')
    expect((await api.getSettings()).theme).toBe('light')
  })
  it('session calls reach the engine worker', async () => {
    const u = await api.sessionLoad({ name: 'x.lab.md', text: '---\ntitle: X\n---\n' })
    expect(u.rev).toBeGreaterThan(0)
    expect(u.title).toBe('X')
  })
  it('opening a file goes through the dialog; the renderer gets a handle, never a path', async () => {
    dialogsAsked = []
    const f = await api.openFile('lab')
    expect(dialogsAsked).toEqual(['open:lab'])
    expect(f?.name).toBe('picked.lab.md')
    expect(f?.handle).toMatch(/^[0-9a-f]{24}$/)
    expect(JSON.stringify(f)).not.toContain(tmpdir())
    const recent = await api.listRecent()
    expect(recent[0]?.name).toBe('picked.lab.md')
    expect(JSON.stringify(recent)).not.toContain(tmpdir())
    expect((await api.openRecent(recent[0]!.id))?.text).toContain('Picked')
    expect(await api.openRecent('0123456789abcdef')).toBeNull()
    // Saving with the handle writes in place without a dialog.
    dialogsAsked = []
    const r = await api.saveFile({ suggestedName: 'ignored.lab.md', text: 'new', handle: f!.handle! })
    expect(r).toMatchObject({ saved: true, name: 'picked.lab.md' })
    expect(dialogsAsked).toEqual([])
  })
})

describe('grading through the bridge', () => {
  it('a folder of submissions is read in main (recursively, bytes and hashes; no path reaches the page) and graded in the worker', async () => {
    dialogsAsked = []
    const files = await api.openSubmissions('folder')
    expect(dialogsAsked).toEqual(['open-many:folder'])
    expect(files.map((f) => f.file)).toEqual(['subs/ada.json', 'subs/late/bob.json'])
    expect(files[1]).toMatchObject({ data: Buffer.from([0xff, 0x00, 0xfe]).toString('base64'), size: 3 })
    expect(files[1]!.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(JSON.stringify(files)).not.toContain(tmpdir())
    // The open lab has no exercises: it cannot grade, and says why.
    await api.sessionLoad({ name: 'x.lab.md', text: '---\nid: x\ntitle: X\n---\n' })
    const v = await api.sessionGrade({ files })
    expect(v.error).toMatch(/this lab cannot grade/)
    expect(v.report).toBeNull()
  })
  it('bad grading arguments are rejected by main', async () => {
    const ok = { file: 'a.json', data: '', size: 0, sha256: '0'.repeat(64) }
    for (const args of [[{ files: [{ ...ok, data: '<not base64>' }] }], [{ files: [{ ...ok, sha256: 'x' }] }], [{ files: [{ ...ok, path: '/etc/passwd' }] }], [{ files: 'a' }]]) {
      await expect(ipcMain.invoke(APP, 'session:grade', ...args)).rejects.toThrow(IpcRejected)
    }
    await expect(ipcMain.invoke(APP, 'file:open-submissions', '/etc')).rejects.toThrow(IpcRejected)
    await expect(ipcMain.invoke(APP, 'session:open-test', { exercise: 'a', test: 'b', profile: '5.4', schedule: 'v1:1', answer: '' })).rejects.toThrow(IpcRejected)
  })
})

describe('rejections', () => {
  it('an unknown channel is rejected', async () => {
    await expect(ipcMain.invoke(APP, 'shell:exec', 'rm -rf /')).rejects.toThrow(/No handler/)
    expect(() => guardedListener('shell:exec', createHandlers({} as never))).toThrow(IpcRejected)
  })
  it('bad arguments are rejected by main (even if a page skips the preload checks)', async () => {
    const bad: [string, unknown[]][] = [
      ['lab:read', ['../../etc/passwd']],
      ['lab:read', ['01-close.lab.md', 'extra']],
      ['lab:read', [42]],
      ['file:open', ['/etc/passwd']],
      ['file:open-recent', ['../x']],
      ['settings:set', [{ theme: 'neon' }]],
      ['settings:set', [{ theme: 'dark', evil: true }]],
      ['settings:set', [{ fontSize: 1e9 }]],
      ['session:step', ['micro', -1]],
      ['session:step', ['sideways', 1]],
      ['session:goto', [1.5]],
      ['session:goto', ['3']],
      ['session:load', [{ name: 'a', text: 'x'.repeat(8 * 1024 * 1024 + 1) }]],
      ['session:load', [{ name: 'a', text: 'x', handle: '../../x' }]],
      ['session:profile', ['5.4']],
      ['file:save', [{ suggestedName: 'a', text: 'b', path: '/etc/passwd' }]],
      ['session:view', [{ from: 0 }]],
    ]
    for (const [channel, args] of bad) {
      await expect(ipcMain.invoke(APP, channel, ...args), `${channel} ${JSON.stringify(args).slice(0, 60)}`).rejects.toThrow(IpcRejected)
    }
  })
  it('the preload refuses bad arguments before sending', async () => {
    await expect((api.readLab as (x: unknown) => Promise<unknown>)(7)).rejects.toThrow(/argument 1 must be string/)
  })
  it('a sender from another origin is rejected', async () => {
    for (const url of ['app://fdlab.evil/index.html', 'app://evil/index.html', 'https://example.org/', 'file:///index.html', 'http://127.0.0.1:4780/', null]) {
      await expect(ipcMain.invoke(url, 'app:info'), String(url)).rejects.toThrow(/is not the app/)
    }
  })
})
