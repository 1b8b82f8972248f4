// The engine worker of the Electron host (worker_threads): one session, answering calls from
// main/host/common/rpc.ts's EngineClient. Built to out/main/engineWorker.js.
import { parentPort } from 'node:worker_threads'
import { createSession } from '../common/session'
import { serveSession, type FromWorker, type ToWorker } from '../common/rpc'

if (!parentPort) throw new Error('main/host/node/worker.ts must run in a worker thread')
const port = parentPort
const post = (m: FromWorker) => port.postMessage(m)
const session = createSession({ progress: (payload) => post({ t: 'progress', payload }) })
port.on('message', serveSession(session, post) as (m: ToWorker) => void)
post({ t: 'ready' })
