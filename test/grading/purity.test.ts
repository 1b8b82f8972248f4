/**
 * The grading core (main/grading/*.ts) is pure so the app's engine worker can grade too: it
 * imports the engine and itself, never Node, Electron, React, the host or the CLI. Node-only
 * parts (files, worker threads) live in main/grading/node/.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const dir = new URL('../../main/grading/', import.meta.url).pathname

describe('main/grading is pure', () => {
  it('its top-level modules import only the engine (its index) and each other', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts'))
    expect(files.sort()).toEqual(['grade.ts', 'integrity.ts', 'report.ts', 'shard.ts', 'similarity.ts', 'submission.ts', 'verdict.ts'])
    const bad: string[] = []
    for (const f of files) {
      for (const m of readFileSync(join(dir, f), 'utf8').matchAll(/^import[^'"]*['"]([^'"]+)['"]/gm)) {
        const spec = m[1]!
        if (!(spec.startsWith('./') && !spec.startsWith('./node/')) && spec !== '../engine') bad.push(`${f}: ${spec}`)
      }
    }
    expect(bad).toEqual([])
  })
})
