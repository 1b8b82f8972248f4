import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseLab } from '../../../main/engine/lab/labFile'
import { checkLab, judgeExercise, normalizeAnswer, runBlock } from '../../../main/engine/lab/labRun'
import { frontEnd } from '../../../main/engine/lab/labc'

const text = readFileSync(new URL('../../fixtures/binder.lab.md', import.meta.url), 'utf8')
const { lab, diagnostics } = parseLab(text, 'binder.lab.md')
const ex = (id: string) => lab.exercises.find((e) => e.id === id)!

describe('running a lab', () => {
  it('checks every scenario under both profiles and every exercise solution', () => {
    expect(diagnostics).toEqual([])
    const r = checkLab(lab, diagnostics)
    expect(r.scenarios.map((s) => [s.block.name, s.profile, s.pass])).toEqual([
      ['naive', '6.5', true], ['naive', '6.18', true], ['stuck', '6.5', true], ['stuck', '6.18', true], ['dup-count', '6.5', true], ['dup-count', '6.18', true],
    ])
    expect(r.exercises.map((e) => [e.exercise.id, e.points, e.maxPoints, e.tests.length])).toEqual([['count', 1, 1, 2], ['deferred', 10, 10, 6], ['provoke-uaf', 3, 3, 2]])
    expect(r.ok).toBe(true)
    expect(r.scenarios.find((s) => s.block.name === 'stuck')!.outcome.status).toBe('blocked')
  })

  it('fails a block whose expectation is not met, with reasons', () => {
    const naive = lab.scenarios.find((s) => s.name === 'naive')!
    const asPass = runBlock(lab, { ...naive, expect: 'pass', rule: null }, '6.18')
    expect(asPass.pass).toBe(false)
    // The finding says where, in lab C: the reporting thread's statement, and the fdget by its fd and the line of its system call.
    expect(asPass.reasons[0]).toMatch(/^violation V2 at step \d+ \(pid 100 at binder\.lab\.md:25:33; fdget\(3\) by pid 100's system call at binder\.lab\.md:31:3\): last reference of file#\d+ dropped/)
    const wrongRule = runBlock(lab, { ...naive, rule: 'use-after-free' }, '6.18')
    expect(wrongRule.reasons).toEqual(['expected a finding of rule use-after-free, but the sanitizer reported V2'])
    const stuck = lab.scenarios.find((s) => s.name === 'stuck')!
    expect(runBlock(lab, { ...stuck, expect: 'pass' }, '6.5').reasons[0]).toMatch(/^the run ended blocked: app\/100 at /)
    const dup = lab.scenarios.find((s) => s.name === 'dup-count')!
    expect(runBlock(lab, { ...dup, expect: 'violation' }, '6.5').reasons).toEqual(['expected a sanitizer violation, but there was none'])
  })

  it('judges predict answers against what the engine computes', () => {
    expect(judgeExercise(lab, ex('count'), ' 2\n').points).toBe(1)
    expect(judgeExercise(lab, ex('count'), '0x2').points).toBe(1)
    const wrong = judgeExercise(lab, ex('count'), '1')
    expect([wrong.points, wrong.problems, [...wrong.expected]]).toEqual([0, ['the answer "1" is not what the kernel does: the engine computed 2 under 6.5 and 6.18'], [['6.5', '2'], ['6.18', '2']]])
    expect(normalizeAnswer('  Task  Work ')).toBe('task work')
  })

  it('judges implement answers on every test, hidden ones included', () => {
    const starter = judgeExercise(lab, ex('deferred'), ex('deferred').starter!.code)
    const byTest = starter.tests.map((t) => [t.block.testName, t.profile, t.pass, t.hidden])
    expect(byTest).toEqual([
      ['other-fd', '6.5', true, false], ['other-fd', '6.18', true, false], ['own-fd', '6.5', false, true], ['own-fd', '6.18', false, true],
      ['bad-fd', '6.5', true, true], ['bad-fd', '6.18', true, true],
    ])
    expect(starter.points).toBeCloseTo(10 * 4 / 6)
    const own = starter.tests.find((t) => t.block.testName === 'own-fd')!
    expect(own.reasons.join('\n')).toContain('violation V2')
    const broken = judgeExercise(lab, ex('deferred'), 'int my_close(unsigned int fd) { return fput(fd); }')
    expect(broken.points).toBe(0)
    expect(broken.tests.every((t) => t.verdict === 'error')).toBe(true)
    expect(broken.tests[0]!.reasons).toEqual([
      'deferred.answer:1:40: error[type-mismatch]: return value of function my_close: cannot use void as int',
      "deferred.answer:1:45: error[type-mismatch]: argument 1 (file) of 'fput': cannot use unsigned int as struct file *",
    ])
    const missing = judgeExercise(lab, ex('deferred'), 'int other(void) { return 0; }')
    expect(missing.problems).toEqual(['the answer must define my_close()'])
  })

  it('judges provoke answers: the student writes the scenario', () => {
    expect(judgeExercise(lab, ex('provoke-uaf'), 'process p { int b = open("/dev/dev", O_RDWR); ioctl(b, CLOSE_FD, b); }').points).toBe(3)
    const tame = judgeExercise(lab, ex('provoke-uaf'), 'process p { int b = open("/dev/dev", O_RDWR); ioctl(b, CLOSE_FD, 77); }')
    expect(tame.points).toBe(0)
    expect(tame.tests[0]!.reasons).toEqual(['expected a sanitizer violation, but there was none', 'expected a finding of rule V2, but the sanitizer reported nothing'])
  })
})

describe('#if LINUX_VERSION_CODE', () => {
  const code = `int f(unsigned int fd) {
  struct file *x;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
  x = file_close_fd(fd);
#elif defined(FDLAB_CLOSE_SYNC_FPUT)
  x = never(fd);
#else
  x = close_fd_get_file(fd);
#endif
#ifdef FDLAB_FILE_REF_T
  return x ? 1 : 0;
#else
  return x ? 2 : 0;
#endif
}`
  it('selects the branch of the profile and keeps line numbers', () => {
    for (const p of ['6.5', '6.18'] as const) expect(frontEnd([{ code, file: 'v.c' }], p).diagnostics).toEqual([])
    const bad = frontEnd([{ code: code.replace('file_close_fd', 'nope'), file: 'v.c' }], '6.18')
    expect(bad.diagnostics.map((d) => [d.line, d.code])).toEqual([[4, 'unknown-name']])
  })
  it('reports unbalanced and malformed directives with their lines', () => {
    const r = frontEnd([{ code: '#if\n#else\n#else\n#endif\n#endif\n#if KERNEL_VERSION(1)\n#elif\n', file: 'v.c', lineOffset: 10 }], '6.18')
    expect(r.diagnostics.map((d) => `${d.line} ${d.message}`)).toEqual([
      '11 #if needs a condition', '13 a second #else', '15 #endif without #if',
      '16 #if: only KERNEL_VERSION(a, b, c) and defined(NAME) may be called in #if', '16 #if without #endif', '17 #elif needs a condition',
    ])
  })
})
