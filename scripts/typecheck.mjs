// Typecheck every project. TypeScript 7 (native) cannot `tsc -b --noEmit` (TS6310), so each
// project is checked on its own with `tsc -p ... --noEmit`.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
const projects = ['tsconfig.engine.json', 'tsconfig.common.json', 'tsconfig.node.json', 'tsconfig.web.json', 'tsconfig.test.json']
let failed = 0
for (const p of projects) {
  const r = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', p, '--noEmit'], { stdio: 'inherit' })
  if (r.status !== 0) { failed++; console.error(`typecheck failed: ${p}`) }
}
process.exit(failed ? 1 : 0)
