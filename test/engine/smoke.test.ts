import { describe, it, expect } from 'vitest'
import { runProcess, O } from '../helpers/kernel'

describe('smoke', () => {
  it('opens, dups and closes with the lowest free fd', () => {
    const { m, results } = runProcess(function* (sys) {
      const a = yield* sys('open', '/tmp/f', O.CREAT | O.RDWR, 0o644)
      const b = yield* sys('open', '/tmp/f', O.RDWR)
      yield* sys('close', a)
      yield* sys('open', '/tmp/f', O.RDWR)
      yield* sys('fcntl', 0, 0, 10)
      yield* sys('open', '/tmp/f', O.RDWR)
      void b
    })
    expect(results.map((r) => r.ret)).toEqual([3, 4, 0, 3, 10, 5])
    expect(m.violations).toEqual([])
  })
})
