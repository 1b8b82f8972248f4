import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseLab } from '../../../main/engine/lab/labFile'
import { release } from '../../../main/engine/lab/release'
import { frontEnd } from '../../../main/engine/lab/labc'
import { EVERY_CONSTRUCT } from '../../fixtures/programs'
import { runSources } from '../../../main/engine/lab/run'

const small = readFileSync(new URL('../../fixtures/small.lab.md', import.meta.url), 'utf8')

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

describe('generated programs (fast-check)', () => {
  // Small well-formed lab C programs: user statements over a few variables and system calls,
  // kernel helpers called through a driver. They must run (or stop at a budget) without throwing.
  const v = fc.constantFrom('a', 'b', 'fd', 'n')
  const expr: fc.Arbitrary<string> = fc.letrec((tie) => ({
    e: fc.oneof({ depthSize: 'small', withCrossShrink: true },
      fc.integer({ min: -5, max: 70 }).map(String), v,
      fc.tuple(tie('e'), fc.constantFrom('+', '-', '*', '/', '%', '<<', '>>', '&', '|', '^', '==', '<', '&&', '||'), tie('e')).map(([x, o, y]) => `(${x} ${o} ${y})`),
      tie('e').map((x) => `(- ${x})`), tie('e').map((x) => `(!${x})`),
      fc.tuple(tie('e'), tie('e'), tie('e')).map(([c, x, y]) => `(${c} ? ${x} : ${y})`)),
  })).e as fc.Arbitrary<string>
  const call = fc.oneof(
    expr.map((x) => `close(${x});`), expr.map((x) => `dup(${x});`), fc.tuple(expr, expr).map(([x, y]) => `dup2(${x}, ${y});`),
    fc.constant('fd = open("/tmp/p", O_RDWR | O_CREAT, 0600);'), expr.map((x) => `ioctl(fd, 1, ${x});`), expr.map((x) => `observe("k", ${x});`),
    fc.constant('pipe(arr);'), expr.map((x) => `arr[${x} & 1] = ${x};`), fc.constant('{ thread t { close(fd); } }'), fc.constant('fork { close(fd); }'),
  )
  const stmt: fc.Arbitrary<string> = fc.letrec((tie) => ({
    s: fc.oneof({ depthSize: 'small' },
      fc.tuple(v, expr).map(([x, y]) => `${x} = ${y};`), call,
      fc.tuple(expr, tie('s'), tie('s')).map(([c, x, y]) => `if (${c}) { ${x} } else { ${y} }`),
      fc.tuple(expr, tie('s')).map(([c, x]) => `while (${c}) { ${x} n++; if (n > 5) break; }`),
      fc.tuple(expr, tie('s')).map(([c, x]) => `for (int i = 0; i < (${c} & 3); i++) { ${x} }`)),
  })).s as fc.Arbitrary<string>
  const driver = `driver d { long ioctl(struct file *f, unsigned int c, unsigned long a) {
    struct fd x = fdget(a); if (!fd_empty(x)) fdput(x);
    if (c == 1 && (a & 1)) { struct file *g = fget(a); if (g) fput(g); }
    return file_count(f);
  } }`

  it('run without throwing, deterministically', () => {
    fc.assert(fc.property(fc.array(stmt, { minLength: 1, maxLength: 8 }), fc.constantFrom('6.5', '6.18'), (body, profile) => {
      const code = `${driver}\nprocess p { int a = 1; int b = 2; int fd = -1; int n = 0; int arr[2]; int t2 = open("/dev/d", O_RDWR);\n${body.join('\n')}\n}`
      const spec = { sources: [{ code, file: 'g.c' }], profile: profile as '6.5' | '6.18', maxSteps: 20000, limits: { maxStatements: 20000 } }
      const o = runSources(spec)
      expect(o.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
      const again = runSources(spec)
      expect(again.schedule).toEqual(o.schedule)
      expect(again.violations.map((x) => x.rule)).toEqual(o.violations.map((x) => x.rule))
    }), { numRuns: 60 })
  })
})
