// The Electron host's engine worker, for real under Node: the built worker entry answers session
// calls; a runaway request is cancelled by terminating the worker, which is started again with
// the session set up as before; a crashed worker is replaced.
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { readFileSync } from 'node:fs'
import { createEngineHost } from '../../../main/host/node/engineHost'
import { CancelledError, type EngineClient } from '../../../main/host/common/rpc'
import type { Progress } from '../../../preload/contract'
import { buildWorker } from '../helpers/buildWorker'

let testWorker: string
let realWorker: string
const hosts: EngineClient[] = []
beforeAll(async () => {
  testWorker = await buildWorker(join(import.meta.dirname, 'fixtures/testWorker.ts'))
  realWorker = await buildWorker(join(import.meta.dirname, '../../../main/host/node/worker.ts'))
})
afterEach(() => {
  for (const h of hosts.splice(0)) h.dispose()
})
const host = (file: string, onProgress?: (p: Progress) => void) => {
  const h = createEngineHost({ workerFile: file, onProgress })
  hosts.push(h)
  return h
}

describe('engine host (worker_threads)', () => {
  it('runs the real session in a worker', async () => {
    const h = host(realWorker)
    const u = (await h.call('sessionLoad', [{ name: 'a.lab.md', text: '---\ntitle: A lab\n---\n' }])) as { title: string }
    expect(u.title).toBe('A lab')
  })

  it('rejects a method that is not a session command', async () => {
    const h = host(realWorker)
    await expect(h.call('constructor' as never, [])).rejects.toThrow(/not a session method/)
  })

  it('cancels a runaway request, respawns, and replays the setup calls', async () => {
    const h = host(testWorker)
    await h.call('sessionLoad', [{ name: 'lab-1', text: '' }])
    const gen = h.generation
    const running = h.call('sessionRun', []).then(() => 'finished', (e: unknown) => e)
    await new Promise((r) => setTimeout(r, 100))
    expect(h.busy).toBe(true)
    const t0 = Date.now()
    expect(await h.cancel()).toBe(true)
    expect(await running).toBeInstanceOf(CancelledError)
    expect(Date.now() - t0).toBeLessThan(2000)
    expect(h.generation).toBeGreaterThan(gen)
    // The new worker knows the lab again.
    expect(await h.call('sessionTerminal', ['ps'])).toEqual({ rev: 2, output: ['ps (loaded: lab-1)'] })
    expect(await h.cancel()).toBe(false)
  })

  it('cancels a long exploration of a real lab and keeps the lab loaded', async () => {
    const seen: Progress[] = []
    const h = host(realWorker, (p) => seen.push(p))
    const text = readFileSync(join(import.meta.dirname, '../../fixtures/mini.lab.md'), 'utf8')
    await h.call('sessionLoad', [{ name: 'mini.lab.md', text }])
    // Two threads racing on the table: far more interleavings than the test waits for.
    await h.call('sessionEdit', ['process app {\n  thread t {\n    for (int j = 0; j < 20; j++) close(dup(0));\n  }\n  for (int i = 0; i < 20; i++) close(dup(0));\n}\n'])
    const exploring = h.call('sessionExplore', [{ bound: 64, maxRuns: 10_000_000 }]).then(() => 'finished', (e: unknown) => e)
    await expect.poll(() => seen.length, { timeout: 20_000 }).toBeGreaterThan(0)
    expect(await h.cancel()).toBe(true)
    expect(await exploring).toBeInstanceOf(CancelledError)
    // The new worker has the lab again: the scenario runs.
    const u = (await h.call('sessionRun', [])) as { run: { status: string; snapshot: { threads: { comm: string }[] } } }
    expect(u.run.status).toBe('done')
    // ... with the edited scenario (the edit was replayed too): two threads of app.
    expect(u.run.snapshot.threads.filter((t) => t.comm === 'app').length).toBe(2)
  })

  it('after a cancel, every edited text is back under its own scenario or exercise (Save Lab, the submission)', async () => {
    const seen: Progress[] = []
    const h = host(realWorker, (p) => seen.push(p))
    const text = readFileSync(join(import.meta.dirname, '../../fixtures/mini.lab.md'), 'utf8')
    await h.call('sessionLoad', [{ name: 'mini.lab.md', text }])
    const racy = 'process app {\n  thread t {\n    for (int j = 0; j < 20; j++) close(dup(0));\n  }\n  for (int i = 0; i < 20; i++) close(dup(0));\n}\n'
    const answer = 'int my_close(unsigned int fd) {\n  return -1; // mine\n}\n'
    await h.call('sessionEdit', [racy]) // the scenario open-close
    await h.call('sessionScenario', ['safe-close'])
    await h.call('sessionEdit', [answer]) // the exercise's answer
    await h.call('sessionScenario', ['open-close'])
    const exploring = h.call('sessionExplore', [{ bound: 64, maxRuns: 10_000_000 }]).then(() => 'finished', (e: unknown) => e)
    await expect.poll(() => seen.length, { timeout: 20_000 }).toBeGreaterThan(0)
    expect(await h.cancel()).toBe(true)
    expect(await exploring).toBeInstanceOf(CancelledError)
    const lab = (await h.call('sessionLabFile', [])) as { text: string }
    expect(lab.text).toContain('for (int i = 0; i < 20; i++) close(dup(0));')
    expect(lab.text).not.toContain('// mine')
    const sub = (await h.call('sessionSubmission', ['s'])) as { text: string }
    expect(JSON.parse(sub.text).answers).toEqual({ 'safe-close': answer })
  })

  it('grades a class in the worker with progress, cancels it, and keeps the instructor\'s lab loaded', async () => {
    const seen: Progress[] = []
    const h = host(realWorker, (p) => seen.push(p))
    const lab = readFileSync(join(import.meta.dirname, '../../../labs/03-close-path.lab.md'), 'utf8')
    await h.call('sessionLoad', [{ name: '03-close-path.lab.md', text: lab }])
    // Two thousand different answers (no two share a result): far more than the test waits for.
    const file = (i: number) => {
      const text = JSON.stringify({ format: 'fdlab-submission', version: 1, lab: { id: 'close-path', version: '1.0', sha256: '' }, student: `s${i}`, answers: { 'my-close': `long my_close(unsigned int fd) { return ${i}; }` } })
      return { file: `s${i}.json`, data: Buffer.from(text).toString('base64'), size: text.length, sha256: i.toString(16).padStart(64, '0') }
    }
    const files = Array.from({ length: 2000 }, (_, i) => file(i))
    const grading = h.call('sessionGrade', [{ files }]).then(() => 'finished', (e: unknown) => e)
    await expect.poll(() => seen.filter((p) => p.what === 'grade' && p.done > 0).length, { timeout: 60_000 }).toBeGreaterThan(0)
    expect(await h.cancel()).toBe(true)
    expect(await grading).toBeInstanceOf(CancelledError)
    expect(seen.every((p) => p.what !== 'grade' || p.total === 2000)).toBe(true)
    // The new worker has the lab again: it grades.
    const v = (await h.call('sessionGrade', [{ files: [file(0)] }])) as { error: string | null; report: { submissions: { status: string; student: string }[] } }
    expect(v.error).toBeNull()
    expect(v.report.submissions).toMatchObject([{ status: 'graded', student: 's0' }])
  })

  it('forwards progress while a request runs', async () => {
    const seen: Progress[] = []
    const h = host(testWorker, (p) => seen.push(p))
    await h.call('sessionExplore', [{ bound: 0, maxRuns: 1 }])
    expect(seen.map((p) => p.done)).toEqual([0, 1, 2])
  })

  it('replaces a worker that dies, failing the call in flight', async () => {
    const h = host(testWorker)
    await h.call('sessionLoad', [{ name: 'lab-2', text: '' }])
    await expect(h.call('sessionReset', [])).rejects.toThrow(/engine worker stopped: exit code 3/)
    expect(await h.call('sessionTerminal', ['ls'])).toEqual({ rev: 2, output: ['ls (loaded: lab-2)'] })
  })

  it('stops respawning a worker that cannot start, and says why', async () => {
    const h = host(join(import.meta.dirname, 'no-such-worker.mjs'))
    await expect(h.call('sessionTerminal', ['x'])).rejects.toThrow(/engine worker stopped/)
    await new Promise((r) => setTimeout(r, 500))
    await expect(h.call('sessionTerminal', ['x'])).rejects.toThrow(/cannot start/)
  })
})
