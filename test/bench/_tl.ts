import { TraceLog } from '../../main/engine/sim/trace'
const N = 1_000_000
for (let rep = 0; rep < 15; rep++) {
  const t = new TraceLog(true)
  const t0 = performance.now()
  for (let i = 0; i < N; i += 4) {
    t.step = i
    t.emit({ e: 'bit', files: 'files#1', map: 'open_fds', index: 4, value: 1 })
    t.enter('alloc_fd', [0, 1024, 0], 0, (x) => x as number)
    t.emit({ e: 'rcu', op: 'read_lock', what: `bench/${100}` })
    t.exit('alloc_fd', 4)
  }
  const ms = performance.now() - t0
  console.log(`${(ms * 1e6 / N).toFixed(0)} ns/event, ${(t.bytes / N).toFixed(1)} bytes/event`)
}
