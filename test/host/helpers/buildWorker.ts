// Bundles a worker entry with esbuild into a temporary folder, so tests run the real worker code
// under Node (electron-vite builds the same entry for the app).
import { build } from 'esbuild'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export async function buildWorker(entry: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'fdlab-worker-'))
  const outfile = join(dir, 'worker.mjs')
  await build({ entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'error',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" } })
  return outfile
}
