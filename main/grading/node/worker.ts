/**
 * The grading worker (worker_threads): parses the lab once, then grades the submissions it is
 * sent, one at a time, and posts each entry back. Bundled as out/cli/grade-worker.mjs.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { gradeSubmission, prepareLab, type GradeOptions, type SubmissionInput } from '../grade'
import { sha256Hex } from './inputs'

export interface WorkerInit { readonly tag: 'fdlab-grade'; readonly labText: string; readonly labFile: string; readonly opts: GradeOptions }
export type WorkerJob = { readonly id: number; readonly input: SubmissionInput }

export function startGradeWorker(): void {
  const init = workerData as WorkerInit | null
  if (!parentPort || init?.tag !== 'fdlab-grade') return
  const port = parentPort
  const { glab, problems } = prepareLab(init.labText, init.labFile, sha256Hex, init.opts)
  if (!glab) { port.postMessage({ kind: 'fatal', message: problems.join('; ') }); return }
  port.on('message', (job: WorkerJob) => {
    const entry = gradeSubmission(glab, job.input)
    port.postMessage({ kind: 'done', id: job.id, entry })
  })
  port.postMessage({ kind: 'ready' })
}
