/**
 * The committed fast path (main/engine/fast/, scripts/gen-fast.mjs) is what the generator makes
 * from today's kernel source, and every kernel callback that one form may queue and the other run
 * has both forms in machine/fast.ts's table.
 */
import { describe, it, expect } from 'vitest'
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { CALLBACK_FORMS } from '../../../main/engine/machine/fast'

const repo = join(__dirname, '../../..')

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n)
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : []
  })
}

describe('the generated fast path', () => {
  it('is up to date with the kernel source (node scripts/gen-fast.mjs --check)', () => {
    const r = spawnSync(process.execPath, ['scripts/gen-fast.mjs', '--check'], { cwd: repo, encoding: 'utf8' })
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
  })

  it('pairs every callback the kernel queues with its fast-path form', () => {
    const queued = new Set<string>()
    for (const f of files(join(repo, 'main/engine/kernel'))) {
      const src = readFileSync(f, 'utf8')
      for (const m of src.matchAll(/\binit_task_work\([^,()]+,\s*(\w+)\)/g)) queued.add(m[1]!)
      for (const m of src.matchAll(/\bcall_rcu\(k,[^\n]*?,\s*(\w+),[^,\n]*\)/g)) queued.add(m[1]!)
    }
    expect(queued.size).toBeGreaterThanOrEqual(4)
    const listed = CALLBACK_FORMS.map(([stepped, fast]) => {
      expect(fast.kname).toBe(stepped.kname)
      expect(fast).not.toBe(stepped)
      return stepped.kname
    })
    expect([...queued].sort()).toEqual([...listed].sort())
  })
})
