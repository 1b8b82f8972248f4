#!/usr/bin/env node
// What each command needs from Node.js, checked before it starts (`node scripts/node-version.mjs
// COMMAND`): Electron 45 (`npm start`) requires Node 22.12; the tests, the browser host and the
// command line tool run on Node 20.19 (vite 8 and electron-vite 6 support 20.19 and 22.12+).
// FDLAB_NODE_VERSION overrides the version checked (for this script's own test).
import { pathToFileURL } from 'node:url'

export const NEEDS = {
  start: { version: '22.12.0', why: 'Electron 45 requires it' },
  test: { version: '20.19.0', why: 'vite 8 and electron-vite 6 require it' },
  web: { version: '20.19.0', why: 'vite 8 and electron-vite 6 require it' },
  cli: { version: '20.19.0', why: 'the command line tool is built for it' },
}

const parts = (v) => v.replace(/^v/, '').split('.').map((n) => Number.parseInt(n, 10) || 0)

/** True when version @have is at least @need (both "MAJOR.MINOR.PATCH", an optional leading v). */
export function atLeast(have, need) {
  const a = parts(have), b = parts(need)
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0)
  return true
}

/** The message for @command on Node @have, or null when it is new enough. */
export function check(command, have) {
  const need = NEEDS[command]
  if (!need) return `fdlab: unknown command "${command}" (one of: ${Object.keys(NEEDS).join(', ')})`
  if (atLeast(have, need.version)) return null
  const others = Object.entries(NEEDS).filter(([c]) => c !== command).map(([c, n]) => `${c} ${n.version}`).join(', ')
  return `fdlab: \`npm ${command === 'cli' ? 'exec fdlab' : command === 'web' ? 'run web' : command}\` needs Node.js ${need.version} or newer (${need.why}); this is Node.js ${have.replace(/^v/, '')}. What each command needs: ${command} ${need.version}, ${others}.`
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const msg = check(process.argv[2] ?? '', process.env.FDLAB_NODE_VERSION || process.versions.node)
  if (msg) { console.error(msg); process.exit(1) }
}
