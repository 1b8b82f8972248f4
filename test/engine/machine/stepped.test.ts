/**
 * The compiled stepped form (scripts/gen-stepped.mjs derives main/engine/stepped/ from the kernel
 * source: resumable frames instead of generators) behaves as the generator form: every scenario of
 * every shipped lab, under each of its profiles, gives the same `fdlab run` output in both forms,
 * traced (function_graph, step numbers, violations, expectations) and untraced (results, steps).
 * Also: the driver runs compiled frames and generators on one stack (a generator calling a
 * compiled function and the reverse, exceptions across both, tail calls).
 */
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runCommand } from '../../../main/cli/lab'
import { exploreCommand } from '../../../main/cli/explore'
import { createMachine } from '../../../main/engine'
import { formForTests } from '../../../main/engine/machine/kernelForm'
import { frames, runToEnd } from '../../../main/engine/machine/drive'
import { KFrame, CALLS as CALLS_, DONE as DONE_ } from '../../../main/engine/sim/kframe'
import { kfunc } from '../../../main/engine/sim/kfunc'
import type { KGen, Sched } from '../../../main/engine/sim/context'
import { courseFiles, LABS, loadLab } from '../../labs/helpers'

function run(labFile: string, scenario: string, trace: boolean, form: 'generators' | 'compiled'): string {
  formForTests.forced = form
  try {
    const out: string[] = []
    const args = [join(LABS, labFile), '--scenario', scenario, ...(trace ? ['--trace'] : [])]
    const status = runCommand(args, { out: (s) => { out.push(s) }, err: (s) => { out.push(`stderr: ${s}`) } })
    return `${out.join('\n')}\nexit status: ${status}\n`
  } finally {
    formForTests.forced = null
  }
}

afterEach(() => { formForTests.forced = null })

describe('compiled stepped form', () => {
  it('is what an untraced machine runs, and a traced or replaying one does not', () => {
    expect(createMachine({ trace: false }).form.name).toBe('compiled')
    expect(createMachine({ trace: true }).form.name).toBe('generators')
    expect(createMachine({ trace: false, replay: true }).form.name).toBe('generators')
    formForTests.forced = 'compiled'
    expect(createMachine({ trace: true }).form.name).toBe('compiled')
  })

  it('runs kernel code as compiled frames (a syscall in flight has KFrames on its stack)', () => {
    const m = createMachine({ trace: false })
    let seen = 0
    m.spawnProcess({ comm: 'p', program: function* (u) { const fd = yield* u.sys('open', '/tmp/a', 0o102, 0o644); yield* u.sys('dup', fd) } })
    const p = m.threads.find((t) => t.task.comm === 'p')!
    for (let e = m.enabled(); e.length; e = m.enabled()) {
      m.step(e.includes(p) ? p.tid : e[0]!.tid)
      const st = (p.gen as unknown as { stack?: unknown[] } | null)?.stack
      if (st?.some((f) => f instanceof KFrame)) seen++
    }
    expect(seen).toBeGreaterThan(10)
  })

  it('the explorer finds the same interleavings, outcomes and schedules in both forms', async () => {
    const explore = async (form: 'generators' | 'compiled', scenario: string): Promise<string> => {
      formForTests.forced = form
      try {
        const out: string[] = []
        const code = await exploreCommand([join(LABS, '08-races.lab.md'), '--scenario', scenario, '--json'], { out: (s) => { out.push(s) }, err: (s) => { out.push(`stderr: ${s}`) } })
        return `${code}\n${out.join('\n')}`.replace(/"(elapsedMs|ms|seconds)":\s*[\d.]+/g, '"$1":0')
      } finally {
        formForTests.forced = null
      }
    }
    for (const scenario of ['close-vs-read', 'close-vs-read-count-too-low']) {
      const gen = await explore('generators', scenario)
      expect(gen).toMatch(/"outcomes"/)
      expect(await explore('compiled', scenario)).toBe(gen)
    }
  }, 300_000)

  const files = courseFiles()
  for (const f of files) {
    const lab = loadLab(f)
    for (const s of lab.scenarios) {
      for (const trace of [true, false]) {
        it(`${lab.meta.id}/${s.name}${trace ? ' --trace' : ''}: the same output in both forms`, () => {
          const gen = run(f, s.name, trace, 'generators')
          const cmp = run(f, s.name, trace, 'compiled')
          expect(cmp.length).toBeGreaterThan(0)
          expect(cmp).toBe(gen)
        }, 120_000)
      }
    }
  }
})

describe('the thread driver with compiled frames and generators on one stack', () => {
  const S = (what: string): Sched => ({ obj: 'o', w: true, what })
  // A compiled function by hand (the shape gen-stepped writes): two points, then a call, then its value + 1.
  const leaf = kfunc('leaf', function* (_k: unknown, n: number): KGen<number> { yield S(`leaf ${n}`); if (n < 0) throw new Error('negative'); return n })
  const k = { trace: { on: false } }
  it('a generator calls a compiled frame, which calls a generator, and exceptions cross both', () => {
    const compiled = (n: number): KFrame => new KFrame((f, input) => {
      switch (f.pc) {
        case 0: f.pc = 1; return S('c0')
        case 1: f.pc = 2; f.callee = leaf(k as never, n); return CALLS_
        default: f.ret = (input as number) + 1; return DONE_
      }
    })
    const whats: string[] = []
    const root = function* (): KGen<number> {
      const a = (yield* compiled(1) as unknown as KGen<number>)
      let caught = ''
      try { yield* compiled(-1) as unknown as KGen<number> } catch (e) { caught = (e as Error).message }
      return a * 10 + (caught === 'negative' ? 1 : 0)
    }
    expect(runToEnd(root(), (s) => { whats.push(s.what) })).toBe(21)
    expect(whats).toEqual(['c0', 'leaf 1', 'c0', 'leaf -1'])
    const f = frames(root())
    f.next()
    expect(f.depth).toBe(2) // the root generator and the compiled frame
  })
})
