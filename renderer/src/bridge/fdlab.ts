/**
 * The only module that touches window.fdlab. Each host installs the API there before the app
 * starts: in Electron the preload (preload/index.ts), in a plain browser (`npm run web`, the page
 * renderer/web.html) the browser host (main/host/browser/index.ts). The renderer imports no host
 * code.
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
  // The preload installs the API before the page's scripts run; the browser host's entry runs
  // among them, in whatever order the bundler chose. Either way it is there by the load event.
  if (!window.fdlab && document.readyState !== 'complete') await new Promise((r) => window.addEventListener('load', r, { once: true }))
  if (!window.fdlab) throw new Error('no host: window.fdlab is missing (open the app through Electron or `npm run web`)')
  api = window.fdlab
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
