import { createMachine } from '../../main/engine'
import { runFast } from '../../main/engine/machine/fast'
const mode = process.argv[2] ?? 'fastTraced'
const n = Number(process.argv[3] ?? 20000)
for (let rep = 0; rep < 8; rep++) {
  const trace = mode.includes('Traced')
  const m = createMachine({ trace, profile: '6.18' })
  const t0 = performance.now()
  if (mode.startsWith('fast')) {
    runFast(m, { comm: 'bench', program: (sys) => {
      const fd = sys('open', '/tmp/bench', 0o102, 0o644)
      for (let i = 0; i < n; i++) sys('close', sys('dup', fd))
    } })
    m.run()
  } else {
    m.spawnProcess({ comm: 'bench', program: function* (u) {
      const fd = yield* u.sys('open', '/tmp/bench', 0o102, 0o644)
      for (let i = 0; i < n; i++) { const d = yield* u.sys('dup', fd); yield* u.sys('close', d) }
    } })
    m.run({ maxSteps: Number.MAX_SAFE_INTEGER })
  }
  const ms = performance.now() - t0
  console.log(mode, n * 2 / ms * 1000, 'syscalls/s', m.k.trace.length, 'events')
}
