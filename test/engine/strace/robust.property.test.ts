/**
 * The replayer never throws on a damaged log: real logs with lines dropped, repeated, swapped,
 * cut, their numbers changed, CRLF endings, garbage lines, fed in random chunks. Whatever the
 * damage, replay returns a record (mismatches, unparsed lines) and its counts add up.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { fixtureLogs, readFixture, replayText } from './helpers'

const logs = fixtureLogs().map((n) => readFixture(n).split(/\r?\n/).slice(0, 400))

type Edit = { kind: 'drop' | 'dup' | 'swap' | 'cut' | 'num' | 'garbage'; at: number; n: number }
const edit: fc.Arbitrary<Edit> = fc.record({
  kind: fc.constantFrom('drop', 'dup', 'swap', 'cut', 'num', 'garbage'),
  at: fc.nat(), n: fc.nat(),
})

function apply(lines: string[], e: Edit): string[] {
  if (!lines.length) return lines
  const i = e.at % lines.length
  const l = lines[i]!
  const out = [...lines]
  switch (e.kind) {
    case 'drop': out.splice(i, 1); break
    case 'dup': out.splice(i, 0, l); break
    case 'swap': { const j = e.n % lines.length; out[i] = lines[j]!; out[j] = l; break }
    case 'cut': out[i] = l.slice(0, e.n % (l.length + 1)); break
    case 'num': out[i] = l.replace(/\d+/g, (m) => ((e.n % 7 === 0 ? -1 : 1) * ((Number(m) + e.n) % 1030)).toString()); break
    case 'garbage': out[i] = String.fromCharCode(...Array.from({ length: e.n % 60 }, (_, k) => (e.at * 31 + k * 17) % 0x2fff)); break
  }
  return out
}

describe('replay of damaged logs never throws', () => {
  it('random edits of every fixture log, CRLF or LF, in random chunks', () => {
    fc.assert(fc.property(
      fc.nat({ max: logs.length - 1 }), fc.array(edit, { minLength: 1, maxLength: 12 }), fc.boolean(), fc.integer({ min: 1, max: 4096 }), fc.boolean(),
      (li, edits, crlf, chunk, filtered) => {
        const lines = edits.reduce(apply, logs[li]!)
        const text = lines.join(crlf ? '\r\n' : '\n')
        const r = replayText(text, { chunk, filtered, file: 'damaged.log' })
        expect(r.mismatchCount).toBeGreaterThanOrEqual(r.mismatches.length)
        expect(r.unparsedCount).toBe(r.unparsed.length)
        for (const u of r.unparsed) expect(u.line).toBeGreaterThanOrEqual(1)
        for (const m of r.mismatches) expect(m.line).toBeGreaterThanOrEqual(1)
      },
    ), { numRuns: 300 })
  })
})
