/**
 * The browser host: the same FdlabApi as the Electron preload, implemented inside the page. The
 * session runs in a Web Worker (./worker.ts) through the same RPC client as the desktop host, so
 * a long run can be cancelled by terminating it. Bundled labs come from the static server;
 * settings, recent files and drafts live in localStorage; open and save use pickers and downloads.
 */
import {
  CONTRACT, COMMAND_NAMES, DEFAULT_SETTINGS, SESSION_COMMANDS, type Commands, type FdlabApi, type FileText, type Handlers,
  type LabEntry, type Progress, type RecentEntry, type Settings,
} from '../../../preload/contract'
import { checkArgs } from '../../../preload/checks'
import { EngineClient, type FromWorker, type WorkerLike } from '../common/rpc'
import { COURSE_INDEX, courseEntry, courseOrder } from '../common/labCatalog'
import workerUrl from './worker.ts?worker&url'
import { download, pickFile, pickSubmissions } from './files'

const KEY = { settings: 'fdlab.settings', recent: 'fdlab.recent', draft: 'fdlab.draft:' }
const MAX_RECENT = 10
const MAX_RECENT_TEXT = 1024 * 1024

type ScriptUrlPolicy = { createScriptURL(u: string): unknown }
let policy: ScriptUrlPolicy | null | undefined

/**
 * The engine worker's URL as the Worker constructor accepts it under
 * `require-trusted-types-for 'script'`: through the host's own policy ("fdlab-engine-worker",
 * allowed by the CSP), which turns this one bundled URL, and nothing else, into a TrustedScriptURL.
 */
function engineWorkerUrl(): string {
  const url = new URL(workerUrl, import.meta.url).href
  if (policy === undefined) {
    const tt = (window as unknown as { trustedTypes?: { createPolicy(n: string, o: { createScriptURL(u: string): string }): ScriptUrlPolicy } }).trustedTypes
    policy = tt?.createPolicy('fdlab-engine-worker', {
      createScriptURL: (u) => {
        if (u !== url) throw new TypeError(`not the engine worker: ${u}`)
        return u
      },
    }) ?? null
  }
  return policy ? (policy.createScriptURL(url) as string) : url
}

function spawnWebWorker(): WorkerLike {
  const w = new Worker(engineWorkerUrl(), { type: 'module', name: 'fdlab-engine' })
  let terminated = false
  return {
    postMessage: (m) => w.postMessage(m),
    onMessage: (l) => { w.onmessage = (e: MessageEvent<FromWorker>) => l(e.data) },
    onExit: (l) => { w.onerror = (e) => { if (!terminated) { e.preventDefault(); l(e.message || 'worker error') } } },
    terminate: () => { terminated = true; w.terminate() },
  }
}

function readJson<T>(key: string, fallback: T): T {
  try {
    const v = localStorage.getItem(key)
    return v ? (JSON.parse(v) as T) : fallback
  } catch {
    return fallback
  }
}
/** Whether it was stored (storage full or disabled: it is not; the caller says so where it matters). */
function writeJson(key: string, v: unknown): boolean {
  try {
    localStorage.setItem(key, JSON.stringify(v))
    return true
  } catch {
    return false
  }
}

async function fetchText(path: string): Promise<string> {
  const r = await fetch(path, { credentials: 'same-origin' })
  if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`)
  return r.text()
}

export function createWebApi(): FdlabApi {
  const progress = new Set<(p: Progress) => void>()
  const engine = new EngineClient(spawnWebWorker, (p) => progress.forEach((l) => l(p)))
  let dirty = false
  window.addEventListener('beforeunload', (e) => { if (dirty) e.preventDefault() })

  const remember = (f: FileText) => {
    if (f.text.length > MAX_RECENT_TEXT) return
    const list = readJson<(RecentEntry & { text: string })[]>(KEY.recent, []).filter((r) => r.name !== f.name)
    const id = Math.random().toString(36).slice(2, 12)
    writeJson(KEY.recent, [{ id, name: f.name, text: f.text }, ...list].slice(0, MAX_RECENT))
  }
  const settings = (): Settings => ({ ...DEFAULT_SETTINGS, ...readJson<Partial<Settings>>(KEY.settings, {}) })

  const session = Object.fromEntries(SESSION_COMMANDS.map((n) => [n, (...args: unknown[]) => engine.call(n, args)]))
  const handlers: Handlers = {
    ...(session as unknown as Pick<Handlers, (typeof SESSION_COMMANDS)[number]>),
    getAppInfo: () => ({ host: 'web', version: import.meta.env.VITE_APP_VERSION ?? '0.1.0', platform: navigator.platform || 'web' }),
    getSettings: settings,
    setSettings: (patch) => {
      const s = { ...settings(), ...patch }
      writeJson(KEY.settings, s)
      return s
    },
    listLabs: async (): Promise<LabEntry[]> => {
      const index = JSON.parse(await fetchText('labs/index.json')) as { files?: unknown }
      const files = Array.isArray(index.files) ? index.files.filter((f): f is string => typeof f === 'string') : []
      const course = files.includes(COURSE_INDEX) ? await fetchText(`labs/${COURSE_INDEX}`) : null
      return Promise.all(courseOrder(files, course).map(async (l) => courseEntry(l.file, await fetchText(`labs/${encodeURIComponent(l.file)}`), l.title)))
    },
    readLab: async (file) => ({ name: file, text: await fetchText(`labs/${encodeURIComponent(file)}`) }),
    openFile: async (kind) => {
      const f = await pickFile(kind)
      if (f) remember(f)
      return f
    },
    openSubmissions: (mode) => pickSubmissions(mode),
    listRecent: () => readJson<RecentEntry[]>(KEY.recent, []).map(({ id, name }) => ({ id, name })),
    openRecent: (id) => {
      const r = readJson<(RecentEntry & { text: string })[]>(KEY.recent, []).find((x) => x.id === id)
      return r ? { name: r.name, text: r.text } : null
    },
    saveFile: (req) => {
      download(req.suggestedName, req.text)
      return { saved: true, name: req.suggestedName, handle: null }
    },
    setDirty: (d) => (dirty = d),
    draftSave: (key, text) => writeJson(KEY.draft + key, text),
    draftLoad: (key) => readJson<string | null>(KEY.draft + key, null),
    sessionCancel: () => engine.cancel(),
  }

  const api: Record<string, unknown> = {}
  for (const name of COMMAND_NAMES) {
    const fn = handlers[name] as (...a: unknown[]) => unknown
    api[name] = async (...args: unknown[]) => {
      const err = checkArgs(CONTRACT[name].args, args)
      if (err) throw new TypeError(`fdlab.${name}: ${err}`)
      return fn(...args)
    }
  }
  api.onMenu = () => () => undefined
  api.onFileOpened = () => () => undefined
  api.onProgress = (l: (p: Progress) => void) => {
    progress.add(l)
    return () => void progress.delete(l)
  }
  return Object.freeze(api) as unknown as FdlabApi
}

export type { Commands }
