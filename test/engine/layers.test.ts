/**
 * The import rule (scripts/check-layers.mjs): the repository keeps it, and the checker catches
 * each kind of break in a small tree of its own.
 */
import { describe, expect, it } from 'vitest'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
// @ts-expect-error: a plain Node script, without type declarations
import { checkLayers, importsOf, rowOf } from '../../scripts/check-layers.mjs'

const check = checkLayers as (root: string) => string[]
const FORMAT = /^[^:\s]+:\d+:\d+: error\[layer\]: .+$/

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'fdlab-layers-'))
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), text)
  }
  return root
}

function diagnostics(files: Record<string, string>): string[] {
  const root = tree(files)
  try {
    return check(root)
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
}

/** A tree where every layer is in order. */
const CLEAN: Record<string, string> = {
  'main/engine/sim/trace.ts': 'export class TraceLog {}\n',
  'main/engine/kernel/fs/file.ts': "import type { TraceLog } from '../../sim/trace'\nexport const t: TraceLog | null = null\n",
  'main/engine/machine/Machine.ts': "import { t } from '../kernel/fs/file'\nexport const m = t\n",
  'main/engine/index.ts': "export { m } from './machine/Machine'\n",
  'main/cli/index.ts': "import { m } from '../engine/index'\nimport { readFileSync } from 'node:fs'\nexport const x = [m, readFileSync]\n",
}

describe('the layer check', () => {
  it('passes on this repository', () => {
    expect(check(join(__dirname, '../..'))).toEqual([])
  })

  it('passes on a tree in order', () => {
    expect(diagnostics(CLEAN)).toEqual([])
  })

  it('catches an upward import in the engine, at its line and column', () => {
    const d = diagnostics({ ...CLEAN, 'main/engine/sim/trace.ts': "// the sink\nimport { m } from '../machine/Machine'\nexport class TraceLog { m = m }\n" })
    expect(d).toEqual(["main/engine/sim/trace.ts:2:19: error[layer]: engine/sim may not import engine/machine: an import of '../machine/Machine' (engine layers: sim < kernel < machine < lab, strace)"])
    expect(d[0]).toMatch(FORMAT)
  })

  it('counts a type-only import (and a type written import("x").T)', () => {
    const d = diagnostics({
      ...CLEAN,
      'main/engine/sim/context.ts': "import type { Task } from '../kernel/fs/file'\nexport type K = { t: import('../kernel/fs/file').Task }\nexport type T = Task\n",
    })
    expect(d).toEqual([
      "main/engine/sim/context.ts:1:27: error[layer]: engine/sim may not import engine/kernel: a type import of '../kernel/fs/file' (engine layers: sim < kernel < machine < lab, strace)",
      "main/engine/sim/context.ts:2:29: error[layer]: engine/sim may not import engine/kernel: a type import of '../kernel/fs/file' (engine layers: sim < kernel < machine < lab, strace)",
    ])
  })

  it('catches a deep engine import from outside the engine (only index.ts is the surface)', () => {
    const d = diagnostics({ ...CLEAN, 'preload/index.ts': "import type { TraceLog } from '../main/engine/sim/trace'\nexport type T = TraceLog\n" })
    expect(d).toEqual(["preload/index.ts:1:31: error[layer]: preload may not import engine/sim: a type import of '../main/engine/sim/trace' (outside the engine, import only main/engine/index.ts)"])
  })

  it('catches a host importing a deep engine module (target layout)', () => {
    const d = diagnostics({ ...CLEAN, 'main/host/common/session.ts': "import { t } from '../../engine/kernel/fs/file'\nexport const s = t\n" })
    expect(d).toHaveLength(1)
    expect(d[0]).toMatch(/^main\/host\/common\/session\.ts:1:19: error\[layer\]: host\/common may not import engine\/kernel/)
  })

  it('catches a package a layer may not use', () => {
    const d = diagnostics({ ...CLEAN, 'main/host/common/store.ts': "import { readFileSync } from 'node:fs'\nexport const r = readFileSync\n" })
    expect(d).toEqual(["main/host/common/store.ts:1:30: error[layer]: host/common may not import the package 'node:fs'"])
  })

  it('fails a file no row claims, and an import of one', () => {
    const d = diagnostics({ ...CLEAN, 'main/newplace/x.ts': 'export const x = 1\n', 'main/cli/y.ts': "import { x } from '../newplace/x'\nexport const y = x\n" })
    expect(d).toEqual([
      "main/cli/y.ts:1:19: error[layer]: an import of '../newplace/x' (main/newplace/x.ts), which no row of the layer table claims",
      'main/newplace/x.ts:1:1: error[layer]: no row of the layer table (scripts/check-layers.mjs) claims this file: add it to a layer',
    ])
  })

  it('reads every form of import, and none in comments', () => {
    const src = [
      "import a from './a'",
      "import * as b from './b'",
      "import c, { d } from './c'",
      "import type { E } from './e'",
      "import { type F, type G } from './f'",
      "import './side-effect'",
      "export { h } from './h'",
      "export * from './i'",
      'import {',
      '  j,',
      "} from './j'",
      "const k = await import('./k')",
      "// import { no } from './comment'",
      "/* import('./comment2') */",
      "const s = \"import { no } from './string'\"",
    ].join('\n')
    const found = (importsOf as (s: string) => { spec: string; typeOnly: boolean }[])(src)
    expect(found.map((i) => `${i.spec}${i.typeOnly ? ' (type)' : ''}`)).toEqual(['./a', './b', './c', './e (type)', './f (type)', './side-effect', './h', './i', './j', './k'])
  })

  it('places the engine layers and the hosts of the target layout', () => {
    const name = (p: string): string | undefined => (rowOf as (p: string) => { name: string } | null)(p)?.name
    expect(name('main/engine/sim/kfunc.ts')).toBe('engine/sim')
    expect(name('main/engine/fast/kernel/fs/file.ts')).toBe('engine/kernel')
    expect(name('main/engine/kernel/include/kernel.ts')).toBe('engine/kernel')
    expect(name('main/host/common/session.ts')).toBe('host/common')
    expect(name('main/host/node/worker.ts')).toBe('host/node')
    expect(name('main/host/browser/api.ts')).toBe('host/browser')
    expect(name('main/ipc/handlers.ts')).toBe('electron')
    expect(name('renderer/src/App.tsx')).toBe('renderer')
  })
})
