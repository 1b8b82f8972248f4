/**
 * The only module that touches window.fdlab. In Electron the preload put the API there; in a
 * plain browser (`npm run web`) the browser host in renderer/web-host/ provides the same API,
 * loaded on demand so the desktop app never downloads it.
 */
import type { FdlabApi } from '../../../preload/contract'

declare global {
  interface Window {
    fdlab?: FdlabApi
  }
}

let api: FdlabApi | null = null

export async function connect(): Promise<FdlabApi> {
  if (api) return api
  if (window.fdlab) api = window.fdlab
  else api = (await import('../../web-host/api')).createWebApi()
  return api
}

export function fdlab(): FdlabApi {
  if (!api) throw new Error('fdlab API used before connect()')
  return api
}

/** Tests and fixtures install a ready API. */
export function setApi(a: FdlabApi): void {
  api = a
}
