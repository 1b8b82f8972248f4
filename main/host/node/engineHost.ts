/**
 * The Electron host's engine: the session runs in a worker_threads worker (main/host/node/worker.ts,
 * built to out/main/engineWorker.js), so a long run or exploration never blocks the window, and
 * can be cancelled by terminating the worker. Plain Node: tested for real under Vitest.
 */
import { Worker } from 'node:worker_threads'
import type { Progress } from '../../../preload/contract'
import { EngineClient, type FromWorker, type WorkerLike } from '../common/rpc'

export interface EngineHostOptions {
  /** The built worker entry (out/main/engineWorker.js). */
  readonly workerFile: string
  readonly onProgress?: (p: Progress) => void
  /** Heap limit of the worker in MB (a runaway lab must not take main down with it). */
  readonly maxHeapMb?: number
}

export function spawnNodeWorker(file: string, maxHeapMb = 1024): WorkerLike {
  const w = new Worker(file, { resourceLimits: { maxOldGenerationSizeMb: maxHeapMb }, stdout: false, stderr: false })
  let terminated = false
  return {
    postMessage: (msg) => w.postMessage(msg),
    onMessage: (listener) => void w.on('message', (m: FromWorker) => listener(m)),
    onExit: (listener) => {
      w.on('error', (e) => { if (!terminated) listener(e.message) })
      w.on('exit', (code) => { if (!terminated) listener(`exit code ${code}`) })
    },
    terminate: () => {
      terminated = true
      void w.terminate()
    },
  }
}

export function createEngineHost(opts: EngineHostOptions): EngineClient {
  return new EngineClient(() => spawnNodeWorker(opts.workerFile, opts.maxHeapMb), opts.onProgress)
}
