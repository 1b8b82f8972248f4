/**
 * Builds the renderer's API from the contract over any ipcRenderer-like transport. The preload
 * passes Electron's ipcRenderer; tests pass a fake. Arguments are checked here too (the renderer
 * gets an early, clear error), and again in main, which trusts nothing from the page.
 */
import { CONTRACT, EVENTS, COMMAND_NAMES, EVENT_NAMES, type FdlabApi } from './contract'
import { checkArgs } from './checks'

export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown
}

export function createFdlabApi(ipc: IpcRendererLike): FdlabApi {
  const api: Record<string, unknown> = {}
  for (const name of COMMAND_NAMES) {
    const spec = CONTRACT[name]
    api[name] = (...args: unknown[]) => {
      const err = checkArgs(spec.args, args)
      if (err) return Promise.reject(new TypeError(`fdlab.${name}: ${err}`))
      return ipc.invoke(spec.channel, ...args)
    }
  }
  for (const name of EVENT_NAMES) {
    const spec = EVENTS[name]
    api[name] = (listener: (payload: unknown) => void) => {
      if (typeof listener !== 'function') throw new TypeError(`fdlab.${name}: listener must be a function`)
      const wrapped = (_event: unknown, payload: unknown) => {
        if (spec.payload(payload)) listener(payload)
      }
      ipc.on(spec.channel, wrapped)
      return () => void ipc.removeListener(spec.channel, wrapped)
    }
  }
  return Object.freeze(api) as unknown as FdlabApi
}
