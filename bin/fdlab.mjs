#!/usr/bin/env node
// The `fdlab` command. The CLI is bundled by `npm ci` (prepare); build it on demand otherwise.
import { existsSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { dirname, resolve } from 'node:path'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const { check } = await import(pathToFileURL(resolve(root, 'scripts/node-version.mjs')).href)
const tooOld = check('cli', process.versions.node)
if (tooOld) { console.error(tooOld); process.exit(2) }
const cli = resolve(root, 'out/cli/fdlab.mjs')
if (!existsSync(cli)) await import(pathToFileURL(resolve(root, 'scripts/build-cli.mjs')).href)
const { main } = await import(pathToFileURL(cli).href)
process.exitCode = await main(process.argv.slice(2))
