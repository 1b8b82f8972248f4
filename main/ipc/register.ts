/**
 * Registers one ipcMain handler per contract command. Every call is checked before it reaches a
 * handler: the sending frame must be the app (protocol and host, see main/host/common/security.ts), and the
 * arguments must pass the contract's checks. No Electron import: main/index.ts passes ipcMain in,
 * tests pass a fake.
 */
import { CONTRACT, COMMAND_NAMES, type CommandName, type Handlers } from '../../preload/contract'
import { checkArgs } from '../../preload/checks'
import { isTrustedSender } from '../host/common/security'

export interface IpcEventLike {
  readonly senderFrame?: { readonly url: string } | null
}
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => unknown): void
  removeHandler(channel: string): void
}

export class IpcRejected extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'IpcRejected'
  }
}

const BY_CHANNEL = new Map<string, CommandName>(COMMAND_NAMES.map((n) => [CONTRACT[n].channel, n]))

/** The guarded listener for one channel; throws for a channel the contract does not have. */
export function guardedListener(channel: string, handlers: Handlers, devUrl?: string) {
  const name = BY_CHANNEL.get(channel)
  if (!name) throw new IpcRejected(`unknown IPC channel '${channel}'`)
  const spec = CONTRACT[name]
  const fn = handlers[name] as (...args: unknown[]) => unknown
  if (typeof fn !== 'function') throw new Error(`no handler for ${name}`)
  return async (event: IpcEventLike, ...args: unknown[]): Promise<unknown> => {
    const url = event?.senderFrame?.url
    if (!isTrustedSender(url, devUrl)) throw new IpcRejected(`${channel}: sender ${JSON.stringify(url ?? null)} is not the app`)
    const err = checkArgs(spec.args, args)
    if (err) throw new IpcRejected(`${channel}: ${err}`)
    return fn(...args)
  }
}

/** Register every contract command; returns the channels registered. */
export function registerIpc(ipcMain: IpcMainLike, handlers: Handlers, devUrl?: string): string[] {
  const channels: string[] = []
  for (const name of COMMAND_NAMES) {
    const channel = CONTRACT[name].channel
    ipcMain.removeHandler(channel)
    ipcMain.handle(channel, guardedListener(channel, handlers, devUrl))
    channels.push(channel)
  }
  return channels
}
