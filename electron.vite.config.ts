import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'
import type { Plugin } from 'vite'
import { CSP, META_CSP } from './main/host/common/security'

// The production CSP is the single source of truth (main/host/common/security.ts): sent as a header by both
// hosts and emitted here as a <meta> into the built index.html. The dev server alone needs inline
// scripts (React refresh preamble) and its websocket.
const DEV_CSP = CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
  .replace("connect-src 'self'", "connect-src 'self' ws://localhost:* ws://127.0.0.1:*")
  .replace(/; require-trusted-types-for 'script'; trusted-types [^;]+/, '')

const cspMeta = (): Plugin => ({
  name: 'fdlab-csp-meta',
  apply: 'build',
  transformIndexHtml: () => [
    { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: META_CSP }, injectTo: 'head-prepend' },
  ],
})

const r = (p: string) => resolve(import.meta.dirname, p)

export default defineConfig({
  main: {
    build: {
      outDir: r('out/main'),
      rolldownOptions: {
        input: {
          index: r('main/index.ts'),
          engineWorker: r('main/host/node/worker.ts'),
          webServer: r('main/host/node/webServer.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: r('out/preload'),
      rolldownOptions: {
        input: { index: r('preload/index.ts') },
        // A sandboxed preload must be one CommonJS file.
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
      },
    },
  },
  renderer: {
    root: r('renderer'),
    base: './',
    plugins: [react(), cspMeta()],
    server: { host: '127.0.0.1', headers: { 'Content-Security-Policy': DEV_CSP } },
    worker: { format: 'es' },
    build: {
      outDir: r('out/renderer'),
      minify: true,
      sourcemap: false,
      chunkSizeWarningLimit: 6000,
      // index.html is the Electron page; web.html adds the browser host (main/host/browser/).
      rolldownOptions: {
        input: { index: r('renderer/index.html'), web: r('renderer/web.html') },
        // The page runs no engine code (the engine runs in the browser host's Web Worker, a
        // separate build): of the engine it keeps only what it calls (the course index parser),
        // not every module that the engine index re-exports.
        treeshake: { moduleSideEffects: (id: string) => !/[\\/]main[\\/]engine[\\/]/.test(id) },
      },
    },
  },
})
