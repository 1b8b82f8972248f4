// Bundles the `fdlab` command (main/cli/index.ts) into out/cli/fdlab.mjs with esbuild.
// Runs in `prepare`, so `npx fdlab` works right after `npm ci`.
import { build } from 'esbuild'
import { fileURLToPath } from 'node:url'
import { dirname, resolve } from 'node:path'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
// The engine's committed fast path and compiled stepped form must match the kernel source
// (scripts/gen-fast.mjs --check, scripts/gen-stepped.mjs --check).
const { checkFast } = await import('./gen-fast.mjs')
const { checkStepped } = await import('./gen-stepped.mjs')
const stale = checkFast() ?? checkStepped()
if (stale) {
  console.error(stale)
  process.exit(1)
}
await build({
  entryPoints: { fdlab: resolve(root, 'main/cli/index.ts'), 'grade-worker': resolve(root, 'main/cli/worker.ts') },
  outdir: resolve(root, 'out/cli'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outExtension: { '.js': '.mjs' },
  sourcemap: true,
  logLevel: 'warning',
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
})
