/**
 * Golden traces: every scenario of every lab, under each of its profiles, as `fdlab run --trace`
 * prints it (source line numbers left out, so prose edits do not churn them; a scenario whose
 * kernel-level trace exceeds MAX_LINES keeps its syscall-level trace), committed under
 * test/labs/__golden__/LABID/SCENARIO.trace and reviewed like code. This test fails when a trace
 * changes, when one is missing and when one is left over; `npm run golden:update` rewrites them.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCommand } from '../../main/cli/lab'
import { courseFiles, GOLDEN, LABS, loadLab } from './helpers'

const UPDATE = process.env.FDLAB_GOLDEN_UPDATE === '1'

/** Longest kernel-level trace kept; longer ones (loops of a thousand syscalls) keep the syscall level. */
const MAX_LINES = 5000

function run(labFile: string, scenario: string, trace: boolean): string {
  const out: string[] = []
  const args = [join(LABS, labFile), '--scenario', scenario, ...(trace ? ['--trace'] : [])]
  const status = runCommand(args, { out: (s) => { out.push(s) }, err: (s) => { out.push(`stderr: ${s}`) } })
  const text = out.join('\n').split(LABS).join('labs/').replace(/ \(line \d+\)$/gm, '')
  return `${text}\nexit status: ${status}\n`
}

function goldenTrace(labFile: string, scenario: string): string {
  const full = run(labFile, scenario, true)
  const lines = full.split('\n').length
  if (lines <= MAX_LINES) return full
  return `# syscall level only: the kernel-level trace has ${lines} lines\n${run(labFile, scenario, false)}`
}

describe('golden traces', () => {
  const files = courseFiles()
  const expected = new Set<string>()
  for (const f of files) {
    const lab = loadLab(f)
    for (const s of lab.scenarios) {
      const rel = `${lab.meta.id}/${s.name}.trace`
      expected.add(rel)
      it(`${rel}`, () => {
        const now = goldenTrace(f, s.name)
        const path = join(GOLDEN, rel)
        if (UPDATE) {
          mkdirSync(join(GOLDEN, lab.meta.id), { recursive: true })
          writeFileSync(path, now)
          return
        }
        expect(existsSync(path), `${rel} is missing: run npm run golden:update and review the new trace`).toBe(true)
        expect(now, `${rel} changed: review the difference, then npm run golden:update`).toBe(readFileSync(path, 'utf8'))
      }, 60_000)
    }
  }
  it('no trace is left over from a removed scenario', () => {
    const present = existsSync(GOLDEN) ? readdirSync(GOLDEN, { recursive: true, encoding: 'utf8' }).filter((p) => p.endsWith('.trace')).map((p) => p.split('\\').join('/')) : []
    const stale = present.filter((p) => !expected.has(p))
    if (UPDATE) for (const p of stale) rmSync(join(GOLDEN, p))
    else expect(stale, 'remove these with npm run golden:update').toEqual([])
  })
})
