// The preload: exposes the contract's named functions as window.fdlab, never ipcRenderer itself.
// Built as one CommonJS file (out/preload/index.cjs): sandboxed preloads cannot be ES modules
// and cannot load split chunks.
import { contextBridge, ipcRenderer } from 'electron'
import { createFdlabApi } from './bridge'

contextBridge.exposeInMainWorld('fdlab', createFdlabApi(ipcRenderer))
