/**
 * The engine worker's message protocol and its client, independent of the worker kind: Node's
 * worker_threads in the Electron host (main/host/node/engineHost.ts), a Web Worker in the browser host
 * (main/host/browser/). Pure: no Node, DOM or Electron imports.
 */
import { SESSION_COMMANDS, type Progress, type SessionCommands } from '../../../preload/contract'

export type SessionMethod = keyof SessionCommands

export type ToWorker = { readonly t: 'call'; readonly id: number; readonly method: SessionMethod; readonly args: readonly unknown[] }
export type FromWorker =
  | { readonly t: 'result'; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly t: 'result'; readonly id: number; readonly ok: false; readonly error: string }
  | { readonly t: 'progress'; readonly payload: Progress }
  | { readonly t: 'ready' }

/** What a worker looks like to the client, whatever its kind. */
export interface WorkerLike {
  postMessage(msg: ToWorker): void
  /** Register the one message listener. */
  onMessage(listener: (msg: FromWorker) => void): void
  /** Called when the worker dies on its own (crash, out of memory). */
  onExit(listener: (reason: string) => void): void
  terminate(): void
}

export class CancelledError extends Error {
  constructor(message = 'cancelled') {
    super(message)
    this.name = 'CancelledError'
  }
}

const SETUP: ReadonlySet<SessionMethod> = new Set(['sessionLoad', 'sessionRestore', 'sessionEdit', 'sessionScenario', 'sessionProfile'])

/**
 * Calls session methods in a worker. `cancel()` terminates the worker (the only way to stop a
 * synchronous engine loop), starts a new one and replays the calls that set the session up
 * (load, edit, scenario, profile), so the user keeps the lab and the source, at step 0.
 */
export class EngineClient {
  private worker: WorkerLike
  private nextId = 1
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  private readonly setup: { method: SessionMethod; args: readonly unknown[] }[] = []
  private restarting: Promise<void> | null = null
  private crashes: number[] = []
  private broken: string | null = null
  generation = 0

  constructor(private readonly spawn: () => WorkerLike, private readonly onProgress: (p: Progress) => void = () => {}) {
    this.worker = this.start()
  }

  private start(): WorkerLike {
    const w = this.spawn()
    const gen = ++this.generation
    w.onMessage((msg) => {
      if (gen !== this.generation) return
      if (msg.t === 'progress') return this.onProgress(msg.payload)
      if (msg.t !== 'result') return
      const p = this.pending.get(msg.id)
      if (!p) return
      this.pending.delete(msg.id)
      if (msg.ok) p.resolve(msg.value)
      else p.reject(new Error(msg.error))
    })
    w.onExit((reason) => {
      if (gen !== this.generation) return
      this.failAll(new Error(`engine worker stopped: ${reason}`))
      const now = Date.now()
      this.crashes = [...this.crashes.filter((t) => now - t < 10_000), now]
      if (this.crashes.length > 3) {
        // Crash loop (a missing or broken worker file): stop respawning, say why on every call.
        this.broken = reason
        this.generation++
        return
      }
      void this.restart()
    })
    return w
  }

  private failAll(err: Error): void {
    const all = [...this.pending.values()]
    this.pending.clear()
    for (const p of all) p.reject(err)
  }

  private send(method: SessionMethod, args: readonly unknown[]): Promise<unknown> {
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      this.worker.postMessage({ t: 'call', id, method, args })
    })
  }

  private restart(): Promise<void> {
    this.worker = this.start()
    const r = this.replaySetup().finally(() => {
      if (this.restarting === r) this.restarting = null
    })
    this.restarting = r
    return r
  }

  private async replaySetup(): Promise<void> {
    for (const c of this.setup) {
      try {
        await this.send(c.method, c.args)
      } catch {
        // A setup call that failed before fails again; the session reports it on the next call.
      }
    }
  }

  async call(method: SessionMethod, args: readonly unknown[]): Promise<unknown> {
    if (!(SESSION_COMMANDS as readonly string[]).includes(method)) throw new Error(`not a session method: ${method}`)
    if (this.restarting) await this.restarting
    if (this.broken) throw new Error(`the engine worker cannot start: ${this.broken}`)
    if (method === 'sessionLoad') this.setup.length = 0
    if (SETUP.has(method)) {
      // Kept in order: an edit belongs to the scenario (or exercise) chosen before it, so only an
      // edit or a scenario choice right after one of its own kind replaces it. The profile is
      // one for all: only the latest counts. Every restore is kept.
      const last = this.setup.at(-1)
      if (method === 'sessionProfile') {
        const i = this.setup.findIndex((c) => c.method === method)
        if (i >= 0) this.setup.splice(i, 1)
      } else if ((method === 'sessionEdit' || method === 'sessionScenario') && last?.method === method) this.setup.pop()
      this.setup.push({ method, args })
    }
    return this.send(method, args)
  }

  /** Whether a request is in flight. */
  get busy(): boolean {
    return this.pending.size > 0
  }

  /** Stop whatever runs now. Returns whether something was running. */
  async cancel(): Promise<boolean> {
    const wasBusy = this.busy
    if (!wasBusy) return false
    this.generation++ // ignore the old worker from now on
    this.worker.terminate()
    this.failAll(new CancelledError('cancelled by the user'))
    await this.restart()
    return true
  }

  dispose(): void {
    this.generation++
    this.worker.terminate()
    this.failAll(new CancelledError('engine host closed'))
  }
}

/** The worker side: answer calls with a session object (any object with the session methods). */
export function serveSession(
  session: Partial<Record<SessionMethod, (...args: never[]) => unknown>>,
  post: (msg: FromWorker) => void,
): (msg: ToWorker) => void {
  return (msg) => {
    if (!msg || msg.t !== 'call' || typeof msg.id !== 'number') return
    try {
      if (!(SESSION_COMMANDS as readonly string[]).includes(msg.method)) throw new Error(`unknown method ${String(msg.method)}`)
      const fn = session[msg.method] as ((...a: unknown[]) => unknown) | undefined
      if (typeof fn !== 'function') throw new Error(`the session has no ${msg.method}`)
      const value = fn.apply(session, msg.args as unknown[])
      post({ t: 'result', id: msg.id, ok: true, value })
    } catch (e) {
      post({ t: 'result', id: msg.id, ok: false, error: e instanceof Error ? e.message : String(e) })
    }
  }
}
