// The browser host's entry (loaded by renderer/web.html before the app): it installs the same
// FdlabApi as window.fdlab that the Electron preload exposes, so the renderer reaches either host
// only through window.fdlab and never imports host code.
import type { FdlabApi } from '../../../preload/contract'
import { createWebApi } from './api'

// Where a preload already installed the API (web.html opened inside Electron), it stays the host.
if (!('fdlab' in window)) Object.defineProperty(window, 'fdlab', { value: createWebApi() satisfies FdlabApi, enumerable: true })
