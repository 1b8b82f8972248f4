// The browser host's engine worker (a Web Worker): the same session module as the desktop host's
// worker_threads worker, answering the same calls. This folder is the only place in the web
// build that bundles engine code.
import { createSession } from '../common/session'
import { serveSession, type FromWorker, type ToWorker } from '../common/rpc'

const scope = self as unknown as { postMessage(m: FromWorker): void; onmessage: ((e: MessageEvent<ToWorker>) => void) | null }
const post = (m: FromWorker) => scope.postMessage(m)
const session = createSession({ progress: (payload) => post({ t: 'progress', payload }) })
const serve = serveSession(session, post)
scope.onmessage = (e) => serve(e.data)
post({ t: 'ready' })
