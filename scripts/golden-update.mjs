// `npm run golden:update`: rewrite the golden traces of the labs' scenarios
// (test/labs/__golden__/), then review the difference with `git diff` like any code change.
import { spawnSync } from 'node:child_process'

const r = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--project', 'unit', 'test/labs/golden.test.ts'], {
  stdio: 'inherit',
  env: { ...process.env, FDLAB_GOLDEN_UPDATE: '1' },
})
process.exit(r.status ?? 1)
