/**
 * Nothing exhausts the machine: each limit (docs/limits.md) stops what hits it with a message
 * that names the limit and where it was hit, in the one diagnostic format.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { MAX_LAB_BLOCKS, MAX_LAB_BYTES, parseLab } from '../../../main/engine/lab/labFile'
import { formatDiagnostic } from '../../../main/engine/lab/diagnostics'
import { runSources } from '../../../main/engine/lab/run'
import { LIMITS } from '../../../main/engine/lab/labc/rt/interp'
import { checkCommand } from '../../../main/cli/lab'
import { main } from '../../../main/cli/index'

const FORMAT = /^[^\s:][^:]*:\d+:\d+: (error|warning)\[[a-z-]+\]: \S/
const HEAD = '---\nid: l\ntitle: L\nversion: "1"\nkernel: 6.18\nauthors: [a]\nlicense: MIT\n---\n'
const dir = mkdtempSync(join(tmpdir(), 'fdlab-limits-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function io() {
  const lines: string[] = []
  return { io: { out: (s: string) => { lines.push(s) }, err: (s: string) => { lines.push(s) } }, lines }
}

const run = (code: string, limits = {}, maxSteps?: number) => runSources({ sources: [{ code, file: 'l.c' }], profile: '6.18', limits, maxSteps })

describe('run limits', () => {
  it('the defaults are stated', () => {
    expect(LIMITS).toEqual({ maxStatements: 1_000_000, maxDepth: 200, maxOutput: 1 << 20, maxMemory: 64 << 20 })
  })
  it('statements: kernel code that never yields', () => {
    const o = run('kthread k {\n  int i = 0;\n  while (1) i++;\n}', { maxStatements: 1000 })
    expect(formatDiagnostic(o.limit!)).toBe('l.c:3:13: error[budget]: statement limit: 1000 lab C statements executed (a loop that never ends?)')
  })
  it('micro-steps: a user loop', () => {
    const o = run('process p {\n  for (;;) ;\n}', {}, 500)
    expect(o.status).toBe('budget')
    expect(formatDiagnostic(o.limit!)).toMatch(/^l\.c:2:\d+: error\[budget\]: micro-step limit: the run took 500 micro-steps without ending/)
  })
  it('recursion', () => {
    const o = run('int f(int n) { return f(n); }\nkthread k { f(1); }', { maxDepth: 30 })
    expect(formatDiagnostic(o.limit!)).toBe('l.c:1:23: error[recursion]: recursion limit: more than 30 nested lab C calls (in f; a recursion that never ends?)')
  })
  it('memory: arrays declared in a loop count as allocated', () => {
    const o = run('process p {\n  while (1) {\n    char b[100000];\n    b[0] = 1;\n  }\n}', { maxMemory: 1 << 20 })
    expect(o.limit).toEqual(expect.objectContaining({ code: 'memory', line: 3 }))
    expect(o.limit!.message).toMatch(/^memory limit: lab C allocated more than 1 MiB/)
  })
  it('memory: kfree gives it back', () => {
    const o = run('struct s { int a[1000]; };\nkthread k {\n  for (int i = 0; i < 200; i++) kfree(kmalloc(sizeof(struct s), GFP_KERNEL));\n}', { maxMemory: 64 << 10 })
    expect(o.limit).toBeNull()
    expect(o.status).toBe('done')
  })
  it('output', () => {
    const o = run('process p {\n  while (1) printf("0123456789");\n}', { maxOutput: 1000 })
    expect(o.limit).toEqual(expect.objectContaining({ code: 'output', line: 2 }))
    expect(o.output.length).toBe(1000)
  })
  it('the simulated tmpfs is 16 MiB: a write past it gives ENOSPC, not a host allocation', () => {
    const o = run('process p {\n  int fd = open("/tmp/big", O_RDWR | O_CREAT, 0600);\n  lseek(fd, 1099511627776, SEEK_SET);\n  observe("w", write(fd, "x", 1));\n  observe("e", errno);\n}')
    expect(o.limit).toBeNull()
    expect([...o.observations.get('w')!, ...o.observations.get('e')!].map(String)).toEqual(['-1', '28'])
  })
})

describe('lab file limits', () => {
  it(`a lab file larger than ${MAX_LAB_BYTES} characters is not parsed`, () => {
    const r = parseLab(HEAD + 'x'.repeat(MAX_LAB_BYTES), 'big.lab.md')
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([expect.stringMatching(/^big\.lab\.md:1:1: error\[limit\]: lab file size limit: /)])
    expect(r.lab.blocks).toEqual([])
  })
  it(`at most ${MAX_LAB_BLOCKS} blocks`, () => {
    const body = Array.from({ length: MAX_LAB_BLOCKS + 5 }, (_, i) => `\`\`\`c scenario=s${i}\nprocess p { }\n\`\`\`\n`).join('')
    const r = parseLab(HEAD + body, 'many.lab.md')
    expect(r.lab.blocks.length).toBe(MAX_LAB_BLOCKS)
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([`many.lab.md:${9 + 3 * MAX_LAB_BLOCKS}:1: error[limit]: block limit: a lab file has at most ${MAX_LAB_BLOCKS} blocks with a role; this one and the rest are not read`])
  })
  it('the CLI does not read a file past the limit, and says so in the diagnostic format', () => {
    const f = join(dir, 'huge.lab.md')
    writeFileSync(f, 'x'.repeat(MAX_LAB_BYTES + 10))
    const c = io()
    expect(checkCommand([f], c.io)).toBe(2)
    expect(c.lines).toHaveLength(1)
    expect(c.lines[0]).toMatch(FORMAT)
    expect(c.lines[0]).toContain('lab file size limit')
  })
  it('reading errors are said in words, not with the runtime message', async () => {
    const c = io()
    expect(await main(['check', dir + '/nope.lab.md'], c.io)).toBe(2)
    expect(c.lines.join('\n')).toBe(`fdlab check: ${dir}/nope.lab.md: no such file or directory`)
  })
})
