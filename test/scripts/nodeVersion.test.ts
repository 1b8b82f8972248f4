/**
 * What each command needs from Node.js (scripts/node-version.mjs): `npm start` stops at once with a
 * clear message on a Node older than Electron 45 needs, and says what each command needs.
 */
import { describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
// @ts-expect-error: a plain Node script without type declarations
import { atLeast, check, NEEDS } from '../../scripts/node-version.mjs'

const ROOT = join(import.meta.dirname, '../..')
const run = (cmd: string, version: string) => spawnSync(process.execPath, ['scripts/node-version.mjs', cmd], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, FDLAB_NODE_VERSION: version } })

describe('node-version', () => {
  it('compares versions numerically', () => {
    expect(atLeast('22.12.0', '22.12.0')).toBe(true)
    expect(atLeast('v22.9.0', '22.12.0')).toBe(false)
    expect(atLeast('24.0.0', '22.12.0')).toBe(true)
    expect(atLeast('20.20.2', '20.19.0')).toBe(true)
    expect(atLeast('20.18.9', '20.19.0')).toBe(false)
  })

  it('npm start needs what Electron needs', () => {
    const electron = (JSON.parse(readFileSync(join(ROOT, 'node_modules/electron/package.json'), 'utf8')) as { engines: { node: string } }).engines.node
    expect(electron.replace(/[>= ]/g, '')).toBe(NEEDS.start.version)
  })

  it('stops npm start on Node 20 with a message naming both versions and what each command needs', () => {
    const r = run('start', '20.20.2')
    expect(r.status).toBe(1)
    expect(r.stderr).toContain('`npm start` needs Node.js 22.12.0 or newer (Electron 45 requires it); this is Node.js 20.20.2')
    expect(r.stderr).toContain('test 20.19.0')
    expect(run('start', '22.12.0').status).toBe(0)
    expect(run('test', '20.19.0').status).toBe(0)
    expect(run('test', '18.20.0').status).toBe(1)
    expect(check('nonsense', '24.0.0')).toMatch(/unknown command/)
  })
})
