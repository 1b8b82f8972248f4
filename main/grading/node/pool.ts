/**
 * Grading many submissions on every core: a pool of worker_threads workers, each with its own
 * parsed lab, fed one submission at a time. Results are put back in input order, so the outputs
 * do not depend on the number of workers. A worker that dies (out of memory on a pathological
 * answer) costs only the submission it was grading, which gets a rejected row saying so.
 */
import { existsSync } from 'node:fs'
import { Worker } from 'node:worker_threads'
import { gradeSubmission, type GradingLab, type SubmissionEntry, type SubmissionInput } from '../grade'
import { parseSubmission } from '../submission'
import type { WorkerInit } from './worker'

export interface PoolOptions {
  readonly jobs: number
  /** The bundled worker entry (out/cli/grade-worker.mjs); null (or a missing file) grades in this thread, without a heap limit. */
  readonly workerFile: string | null
  readonly init: Omit<WorkerInit, 'tag'>
  /** Heap limit per worker (MB). */
  readonly heapMb?: number
  readonly onEntry?: (done: number, entry: SubmissionEntry) => void
}

function crashed(g: GradingLab, input: SubmissionInput, why: string): SubmissionEntry {
  // The row still names its student (the file is read again here: parsing is cheap, running was not).
  const id = { id: g.lab.meta.id, version: g.lab.meta.version, releasedSha256: g.releasedSha256 }
  const student = input.unreadable ? '' : parseSubmission(input.bytes, id, [], g.maxBytes).student
  return {
    file: input.file, name: input.name, sha256: input.sha256, student, status: 'rejected',
    reason: `the grader's worker stopped while grading this submission (${why}); nothing else was affected`,
    warnings: [], score: 0, max_score: g.maxScore, exercises: [],
  }
}

/** Grade every input; entries come back in input order. */
export async function gradeInputs(glab: GradingLab, inputs: readonly SubmissionInput[], o: PoolOptions): Promise<SubmissionEntry[]> {
  const out: (SubmissionEntry | undefined)[] = new Array(inputs.length)
  let done = 0
  const finish = (id: number, e: SubmissionEntry): void => { out[id] = e; done++; o.onEntry?.(done, e) }
  const n = Math.max(1, Math.min(o.jobs, inputs.length))
  // One job is one worker too: a pathological answer then costs its own row, never the run (its
  // heap limit is the worker's). In this thread only without a bundled worker (a source checkout).
  if (!o.workerFile || !existsSync(o.workerFile)) {
    for (let i = 0; i < inputs.length; i++) {
      finish(i, gradeSubmission(glab, inputs[i]!))
      // Let the progress bar and signals through between submissions.
      await new Promise((r) => setImmediate(r))
    }
    return out as SubmissionEntry[]
  }
  const workerFile = o.workerFile
  let next = 0
  await new Promise<void>((resolveAll, rejectAll) => {
    let live = 0
    let failed = false
    const spawn = (): void => {
      if (next >= inputs.length) { if (live === 0) resolveAll(); return }
      live++
      const w = new Worker(workerFile, { workerData: { tag: 'fdlab-grade', ...o.init } satisfies WorkerInit, resourceLimits: { maxOldGenerationSizeMb: o.heapMb ?? 1024 } })
      let current: number | null = null
      const feed = (): void => {
        if (next >= inputs.length) { current = null; void w.terminate(); return }
        current = next++
        w.postMessage({ id: current, input: inputs[current] })
      }
      w.on('message', (m: { kind: string; id?: number; entry?: SubmissionEntry; message?: string }) => {
        if (m.kind === 'ready') feed()
        else if (m.kind === 'done') { finish(m.id!, m.entry!); feed() }
        else if (m.kind === 'fatal') { failed = true; rejectAll(new Error(m.message)) }
      })
      let ended = false
      const end = (why: string | null): void => {
        if (ended) return
        ended = true
        live--
        if (current !== null && why !== null) { finish(current, crashed(glab, inputs[current]!, why)); current = null }
        if (failed) return
        if (next < inputs.length) spawn()
        else if (live === 0) resolveAll()
      }
      w.on('error', (e) => end(e.message.split('\n')[0] ?? 'error'))
      w.on('exit', (code) => end(current !== null ? `exit code ${code}` : null))
    }
    for (let i = 0; i < n; i++) spawn()
  })
  return out as SubmissionEntry[]
}
