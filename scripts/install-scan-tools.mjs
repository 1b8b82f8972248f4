// Installs the security scanner the e2e security test uses (electronegativity, pinned) into
// .cache/electronegativity, outside the app's dependency tree: its old typescript-estree would
// otherwise load the project's TypeScript 7, which has no JavaScript API. .ci/run calls this
// before `npm test`; developers run `npm run setup:scan` once. No test installs anything.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const SCAN_VERSION = '1.10.3'
const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const dir = join(root, '.cache', 'electronegativity')
const bin = join(dir, 'node_modules/.bin/electronegativity')

if (existsSync(bin)) {
  console.log(`electronegativity ${SCAN_VERSION}: already installed in .cache/electronegativity`)
} else {
  mkdirSync(dir, { recursive: true })
  const r = spawnSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', dir, `@doyensec/electronegativity@${SCAN_VERSION}`], { stdio: 'inherit' })
  if (r.status !== 0 || !existsSync(bin)) {
    console.error(`electronegativity ${SCAN_VERSION} could not be installed into .cache/electronegativity`)
    process.exit(1)
  }
  console.log(`electronegativity ${SCAN_VERSION}: installed in .cache/electronegativity`)
}
