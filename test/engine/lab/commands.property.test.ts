/**
 * Properties over random lab C programs and random lab files: no command throws, every
 * diagnostic has the one format, and no run exceeds its limits. Budgets are small so the
 * runaway programs the generator makes (endless loops, recursion, prints, allocations) end fast.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { parseLab } from '../../../main/engine/lab/labFile'
import { formatDiagnostic } from '../../../main/engine/lab/diagnostics'
import { runSources } from '../../../main/engine/lab/run'
import { checkLab, compileLab, runBlock } from '../../../main/engine/lab/labRun'
import { labExplorer } from '../../../main/engine/lab/explore'
import { checkCommand, runCommand } from '../../../main/cli/lab'
import { exploreCommand } from '../../../main/cli/explore'

const FORMAT = /^[^\s:][^:]*:\d+:\d+: (error|warning)\[[a-z-]+\]: \S/
const dir = mkdtempSync(join(tmpdir(), 'fdlab-prop-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const LIMITS = { maxStatements: 5000, maxDepth: 40, maxOutput: 2000, maxMemory: 1 << 20 }
const MAX_STEPS = 3000

/** Statements of user code (a process body), from tame to runaway. */
const userStmt: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: -3, max: 70 }).map((n) => `x = x + ${n};`),
  fc.constantFrom(
    'int fd = open("/tmp/a", O_RDWR | O_CREAT, 0600);', 'close(x);', 'dup(x);', 'dup2(x, 5);', 'x = dup(1);',
    'printf("%d\\n", x);', 'expect(x >= 0);', 'observe("x", x);', 'label here;', 'if (x > 3) x = 0;',
    'while (x < 10) x++;', 'for (int i = 0; i < 5; i++) close(i + 3);', 'thread t { close(3); }', 'fork { close(0); }',
    'while (1);', 'while (1) printf("spam spam spam\\n");', 'x = rec(x);', 'unshare(CLONE_FILES);', 'fcntl(x, F_SETFD, FD_CLOEXEC);',
    'char c[4]; read(x, c, 4);', 'int p[2]; pipe(p);', 'ioctl(x, 1, x);', 'ioctl(x, 2, 0);', 'x = x / 0;', 'int a[2]; a[x] = 1;',
    '{', '}', 'x = ;', 'unknown_fn(1);',
  ),
)

/** A driver that closes the fd it is asked to, loops, or allocates. */
const DRIVER = `struct blob { int a[1000]; };
driver dev {
  long ioctl(struct file *f, unsigned int cmd, unsigned long arg) {
    if (cmd == 1) return close_fd(arg);
    if (cmd == 2) { while (1) kmalloc(sizeof(struct blob), GFP_KERNEL); }
    return 0;
  }
}
int rec(int n) { return rec(n + 1); }`

const program = fc.array(userStmt, { maxLength: 12 }).map((ss) => `${DRIVER}\nprocess app {\n  int x = open("/dev/dev", O_RDWR);\n  ${ss.join('\n  ')}\n}\n`)

/** Fence lines and bodies a careless author could write. */
const fenceLine = fc.oneof(
  fc.constantFrom(
    '```c scenario=s', '```c scenario=s explore', '```c scenario=t expect=violation rule=V2', '```c scenario=u expect=blocked',
    '```c scenario=v expect=fail kernel=6.5', '```c scenario=w rule=nope', '```c lib=l', '```c scenario=x uses=l', '```c scenario=y uses=missing',
    '```yaml exercise=e', '```c starter=e', '```c solution=e', '```c test=e name=t', '```c test=e name=h hidden explore', '```text solution=p',
    '```yaml exercise=p', '```c scenario=s bogus', '```', '~~~', '---', 'kind: implement', 'kind: predict', 'prompt: do it', 'observe: x',
    'scenario: s', 'points: -1', 'defines: [f]', 'choices: [1, 2]', '#ifdef FDLAB_NOPE', '#endif', '<!-- slide -->',
  ),
  fc.string({ maxLength: 30 }),
)
const frontMatter = fc.oneof({ weight: 6, arbitrary: fc.constant('---\nid: p\ntitle: P\nversion: "1"\nkernel: [6.5, 6.18]\nauthors: [a]\nlicense: MIT\n---\n') }, { weight: 1, arbitrary: fc.constantFrom(
  '---\nid: p\ntitle: P\nversion: "1"\nkernel: []\nauthors: [a]\nlicense: MIT\n---\n',
  '---\nid: P!\nkernel: 5.4\n---\n', '---\nid: p\ntitle: [unclosed\n---\n', '', '---\n',
) })
const blockBody = fc.oneof(program, fc.constant('process p { }'), fc.constant('kind: implement\nprompt: write f\ndefines: [f]'),
  fc.constant('kind: predict\nprompt: how many?\nobserve: x\nscenario: s'), fc.constant('int f(void) { return 1; }'),
  fc.constant('kthread k { expect(f() == 1); }'), fc.constant('3'), fc.array(fc.oneof(userStmt, fenceLine), { maxLength: 5 }).map((l) => l.join('\n')))
const opener = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom('```c scenario=s', '```c scenario=s2 explore', '```c scenario=t expect=violation rule=V2', '```c scenario=u expect=blocked',
    '```c scenario=v expect=fail kernel=6.5', '```c scenario=w rule=nope', '```c lib=l', '```c scenario=x uses=l', '```c scenario=y uses=missing',
    '```yaml exercise=e', '```c starter=e', '```c solution=e', '```c test=e name=t', '```c test=e name=h hidden explore', '```text solution=p',
    '```yaml exercise=p', '```c scenario=z bogus') },
  { weight: 1, arbitrary: fenceLine },
)
const block = fc.tuple(opener, blockBody, fc.boolean(), fc.constantFrom('', 'Some prose.', '## A section', '<!-- slide -->'))
  .map(([open, body, closed, prose]) => `${prose}\n${open}\n${body}\n${closed || !open.startsWith('```') ? '```' : ''}\n`)
const labFile = fc.tuple(frontMatter, fc.array(block, { maxLength: 8 })).map(([fm, bs]) => fm + bs.join('\n'))

function io() {
  const lines: string[] = []
  return { io: { out: (s: string) => { lines.push(...s.split('\n')) }, err: (s: string) => { lines.push(...s.split('\n')) } }, lines }
}

describe('random lab C programs', () => {
  it('never throw, diagnostics have the format, runs stay within their limits', () => {
    const seen = { ran: 0, limited: 0 }
    fc.assert(fc.property(program, fc.constantFrom('6.5', '6.18') as fc.Arbitrary<'6.5' | '6.18'>, (code, profile) => {
      const o = runSources({ sources: [{ code, file: 'p.c' }], profile, limits: LIMITS, maxSteps: MAX_STEPS })
      if (o.ran) seen.ran++
      if (o.limit) seen.limited++
      for (const d of [...o.diagnostics, ...o.runtimeErrors, ...o.expectFailures]) expect(formatDiagnostic(d)).toMatch(FORMAT)
      expect(o.steps).toBeLessThanOrEqual(MAX_STEPS)
      expect(o.output.length).toBeLessThanOrEqual(LIMITS.maxOutput)
      if (o.status === 'budget') expect(o.limit).not.toBeNull()
      expect(o.internalError).toBeNull()
      // JavaScript runtime messages never reach a user.
      for (const d of o.runtimeErrors) expect(d.message).not.toMatch(/undefined|null|TypeError|RangeError|Cannot read|is not a function|Maximum call stack/)
    }), { numRuns: 150 })
    // The generator reaches the interesting cases: programs that run, and runs that hit a limit.
    expect(seen.ran).toBeGreaterThan(20)
    expect(seen.limited).toBeGreaterThan(5)
  })
})

describe('random lab files', () => {
  it('parse, compile, check and run without throwing; every diagnostic has the format; no verdict from a limit is a pass', () => {
    const explorer = labExplorer({ maxRuns: 200 })
    let runs = 0
    fc.assert(fc.property(labFile, (text) => {
      const { lab, diagnostics } = parseLab(text, 'r.lab.md')
      for (const d of [...diagnostics, ...compileLab(lab)]) expect(formatDiagnostic(d)).toMatch(FORMAT)
      const opts = { maxSteps: MAX_STEPS, limits: LIMITS, explorer }
      const c = checkLab(lab, diagnostics, opts)
      for (const r of [...c.scenarios, ...c.exercises.flatMap((e) => e.tests)]) {
        if (r.outcome.ran) runs++
        expect(r.pass).toBe(r.verdict === 'pass')
        if (r.outcome.limit) expect(r.verdict).not.toBe('pass')
        expect(r.outcome.steps).toBeLessThanOrEqual(MAX_STEPS)
      }
      for (const s of lab.scenarios) runBlock(lab, s, '6.18', opts)
    }), { numRuns: 120 })
    expect(runs).toBeGreaterThan(5)
  })

  it('the commands never throw and print positions only in the one format', async () => {
    // The CLI runs with its real limits: keep endless loops out of these programs' bodies.
    const tame = labFile.filter((t) => !t.includes('while (1)') && !t.includes('rec(x)') && !t.includes('ioctl(x, 2'))
    await fc.assert(fc.asyncProperty(tame, async (text) => {
      const f = join(dir, 'r.lab.md')
      writeFileSync(f, text)
      for (const cmd of [(x: ReturnType<typeof io>) => checkCommand([f], x.io), (x: ReturnType<typeof io>) => runCommand([f], x.io),
        (x: ReturnType<typeof io>) => exploreCommand([f, '--scenario', 's', '--max-runs', '50'], x.io)]) {
        const x = io()
        const rc = await cmd(x)
        expect([0, 1, 2]).toContain(rc)
        for (const l of x.lines.map((s) => s.trim()).filter((s) => /^\S+:\d+:\d+:/.test(s))) expect(l).toMatch(FORMAT)
        expect(x.lines.join('\n')).not.toMatch(/TypeError|RangeError|Cannot read prop|is not a function|at .*\.ts:\d+/)
      }
    }), { numRuns: 25 })
  })
})
