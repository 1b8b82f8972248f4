/**
 * The worker pool: entries come back in input order whatever the number of workers, and a worker
 * that dies costs only the submission it was grading (a rejected row saying so); the others are
 * graded by a replacement worker, with one job as with many. The worker here is a stand-in that grades nothing (the real
 * one is exercised through the bundled CLI in cli.test.ts): what is tested is the pool.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { gradeInputs } from '../../main/grading/node/pool'
import type { SubmissionInput } from '../../main/grading/grade'
import { gradingLab } from './helpers'

const dir = mkdtempSync(join(tmpdir(), 'fdlab-pool-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const worker = join(dir, 'worker.mjs')
writeFileSync(worker, `
import { parentPort } from 'node:worker_threads'
parentPort.on('message', ({ id, input }) => {
  if (input.file.includes('die')) process.exit(3)
  if (input.file.includes('oom')) { const a = []; for (;;) a.push(new Array(1e6).fill(1)) }
  parentPort.postMessage({ kind: 'done', id, entry: { file: input.file, name: input.name, sha256: input.sha256, student: 'w', status: 'graded', reason: null, warnings: [], score: input.bytes.length, max_score: 13, exercises: [] } })
})
parentPort.postMessage({ kind: 'ready' })
`)

const inputs = (names: string[]): SubmissionInput[] => names.map((n, i) => ({ file: n, name: n, sha256: String(i), bytes: new Uint8Array(i + 1) }))

describe('grading worker pool', () => {
  it('returns entries in input order for any number of workers', async () => {
    const ins = inputs(['a', 'b', 'c', 'd', 'e', 'f', 'g'])
    for (const jobs of [1, 2, 3, 7]) {
      const done: number[] = []
      const out = await gradeInputs(gradingLab('races'), ins, { jobs, workerFile: worker, init: { labText: '', labFile: 'x', opts: {} }, onEntry: (n) => done.push(n) })
      expect(out.map((e) => e.file)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g'])
      expect(done).toEqual([1, 2, 3, 4, 5, 6, 7])
      // Every number of jobs grades in workers (one job is one worker).
      expect(out.map((e) => e.score)).toEqual([1, 2, 3, 4, 5, 6, 7])
    }
  })

  it('a worker that exits or runs out of memory costs one row; the rest are graded (with one job too)', async () => {
    const ins = inputs(['a', 'die', 'b', 'oom', 'c', 'd'])
    for (const jobs of [1, 2]) {
      const out = await gradeInputs(gradingLab('races'), ins, { jobs, workerFile: worker, heapMb: 64, init: { labText: '', labFile: 'x', opts: {} } })
      expect(out.map((e) => [e.file, e.status])).toEqual([['a', 'graded'], ['die', 'rejected'], ['b', 'graded'], ['oom', 'rejected'], ['c', 'graded'], ['d', 'graded']])
      expect(out[1]!.reason).toMatch(/^the grader's worker stopped while grading this submission \(exit code 3\)/)
      expect(out[3]!.reason).toMatch(/^the grader's worker stopped while grading this submission/)
      expect(out[3]!.max_score).toBe(gradingLab('races').maxScore)
    }
  }, 60_000)

  it('the row of a submission whose worker died still names its student', async () => {
    const g = gradingLab('races')
    const bytes = new TextEncoder().encode(JSON.stringify({ format: 'fdlab-submission', version: 1, lab: { id: g.lab.meta.id, version: g.lab.meta.version, sha256: g.releasedSha256 }, student: 'Dora', answers: {} }))
    const out = await gradeInputs(g, [{ file: 'die.json', name: 'die', sha256: 'x', bytes }, ...inputs(['a'])], { jobs: 2, workerFile: worker, init: { labText: '', labFile: 'x', opts: {} } })
    expect(out[0]).toMatchObject({ status: 'rejected', student: 'Dora' })
  }, 60_000)
})
