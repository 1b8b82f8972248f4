import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseLab } from '../../main/engine/lab/labFile'
import { release } from '../../main/engine/lab/release'
import { frontEnd } from '../../main/engine/lab/labc'
import { EVERY_CONSTRUCT } from './fixtures/programs'

const small = readFileSync(new URL('./fixtures/small.lab.md', import.meta.url), 'utf8')

/** Tokens lab C programs are made of, so that random programs get past the lexer often. */
const TOKENS = [
  'process', 'kthread', 'driver', 'thread', 'fork', 'exec', 'label', 'expect', 'if', 'else', 'while', 'for', 'do', 'switch', 'case',
  'default', 'break', 'continue', 'return', 'struct', 'enum', 'int', 'long', 'unsigned', 'char', 'void', 'const', 'static', 'sizeof',
  '#define', '{', '}', '(', ')', '[', ']', ';', ',', '.', '->', '*', '&', '=', '==', '+=', '++', '-', '!', '?', ':', '<<', '&&',
  'x', 'fd', 'f', 'file', 'fput', 'fget', 'close', 'open', 'current', 'NULL', 'errno', 'O_RDWR', '0', '1', '42', '"s"', "'c'", '\n',
]

describe('robustness (fast-check)', () => {
  it('random and truncated lab files never throw, and release output parses', () => {
    fc.assert(fc.property(fc.nat(small.length), fc.string(), (cut, junk) => {
      for (const text of [small.slice(0, cut), small.slice(0, cut) + junk, junk]) {
        const { lab } = parseLab(text, 'p.lab.md')
        const out = release(lab)
        const again = parseLab(out, 'p.lab.md')
        expect(release(again.lab)).toBe(out)
      }
    }), { numRuns: 300 })
  })

  it('lab files with random fence lines never throw', () => {
    const line = fc.oneof(fc.constantFrom('```', '```c', '~~~', '```c scenario=a', '```yaml exercise=e', '```c test=e name=t hidden',
      '```text solution=e', 'kind: predict', 'prompt: x', '---', 'process p { }', ''), fc.string())
    fc.assert(fc.property(fc.array(line, { maxLength: 40 }), (lines) => {
      const text = '---\nid: a\ntitle: A\nversion: "1"\nkernel: "6.18"\nauthors: [x]\nlicense: MIT\n---\n' + lines.join('\n')
      const { lab, diagnostics } = parseLab(text, 'p.lab.md')
      for (const d of diagnostics) expect(d.line).toBeGreaterThanOrEqual(1)
      release(lab)
    }), { numRuns: 300 })
  })

  it('random token soups and truncated programs never throw in the front end', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 80 }), fc.nat(EVERY_CONSTRUCT.length), (toks, cut) => {
      for (const code of [toks.join(' '), EVERY_CONSTRUCT.slice(0, cut), EVERY_CONSTRUCT.slice(cut)]) {
        for (const profile of ['6.5', '6.18'] as const) {
          const r = frontEnd([{ code, file: 'p.c' }], profile)
          for (const d of r.diagnostics) {
            expect(d.line).toBeGreaterThanOrEqual(1)
            expect(d.col).toBeGreaterThanOrEqual(1)
          }
        }
      }
    }), { numRuns: 300 })
  })

  it('arbitrary strings never throw in the front end', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (code) => {
      frontEnd([{ code, file: 'p.c' }], '6.18')
    }), { numRuns: 500 })
  })
})
