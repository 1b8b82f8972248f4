// The one test command (`npm test`): typecheck, build the app and the CLI, run every Vitest
// project, and end with one plain line "N passed, N failed" (CI reads that line).
import { spawnSync } from 'node:child_process'
import { readFileSync, mkdirSync, existsSync } from 'node:fs'

const run = (cmd, args, opts = {}) => spawnSync(cmd, args, { stdio: 'inherit', ...opts }).status ?? 1
let setupFailed = 0
for (const [label, args] of [
  ['check that the committed fast path is up to date', ['scripts/gen-fast.mjs', '--check', '--quiet']],
  ['check that the committed compiled stepped form is up to date', ['scripts/gen-stepped.mjs', '--check', '--quiet']],
  ['typecheck', ['scripts/typecheck.mjs']],
  ['build cli', ['scripts/build-cli.mjs']],
  ['build app', ['node_modules/electron-vite/bin/electron-vite.js', 'build']],
]) {
  const status = run(process.execPath, args)
  if (status !== 0) { console.error(`${label} failed`); setupFailed++ }
}
mkdirSync('out', { recursive: true })
const report = 'out/vitest-report.json'
const status = run(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', `--reporter=json`, `--outputFile.json=${report}`, ...process.argv.slice(2)])
let passed = 0, failed = setupFailed
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, 'utf8'))
  passed += r.numPassedTests
  failed += r.numFailedTests + (r.numTotalTestSuites && r.testResults?.filter((t) => t.status === 'failed' && t.assertionResults.length === 0).length || 0)
} else failed++
console.log(`${passed} passed, ${failed} failed`)
process.exit(status !== 0 || failed > 0 ? 1 : 0)
