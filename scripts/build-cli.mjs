// Bundles the `fdlab` command (main/cli/index.ts) into out/cli/fdlab.mjs with esbuild.
// Runs in `prepare`, so `npx fdlab` works right after `npm ci`.
import { build } from 'esbuild'
import { fileURLToPath } from 'node:url'
import { dirname, resolve } from 'node:path'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
// The engine's fast path is generated from the kernel source first (scripts/gen-fast.mjs).
process.argv.push('--quiet')
await import('./gen-fast.mjs')
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
