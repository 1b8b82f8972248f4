#!/usr/bin/env node
// `npm run web`: the browser host. Serves the built renderer (out/renderer) and the bundled labs
// on 127.0.0.1 only, on the port in PORT (default 4780), and prints the URL. The server code is
// main/host/node/webServer.ts, bundled by `electron-vite build` into out/main/webServer.js.
import { existsSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { dirname, resolve } from 'node:path'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const serverJs = resolve(root, 'out/main/webServer.js')
const rendererDir = resolve(root, 'out/renderer')
if (!existsSync(serverJs) || !existsSync(resolve(rendererDir, 'web.html'))) {
  console.error('fdlab web: the app is not built; run `npm run web` (it builds first) or `npx electron-vite build`.')
  process.exit(1)
}
const { startWebServer, portFromEnv } = await import(pathToFileURL(serverJs).href)
let port
try {
  port = portFromEnv(process.env.PORT)
} catch (e) {
  console.error(`fdlab web: ${e.message}`)
  process.exit(2)
}
try {
  const server = await startWebServer({ rendererDir, labsDir: resolve(root, 'labs'), port })
  console.log(`fdlab is served at ${server.url} (127.0.0.1 only; Ctrl+C stops it)`)
  const stop = () => server.close().then(() => process.exit(0))
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
} catch (e) {
  console.error(`fdlab web: cannot listen on 127.0.0.1:${port}: ${e.code ?? e.message}`)
  process.exit(1)
}
