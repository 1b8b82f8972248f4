/**
 * `fdlab grade` as an instructor runs it (the bundled CLI, worker threads and all): a class folder
 * with broken files in it, byte-identical outputs whatever --jobs, shards merged into exactly the
 * single run, the merge's refusals, exit statuses, and the GNU parallel recipe of docs/grading.md
 * run on this machine with 4 shards.
 */
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LABS, gradingLab, solutions, studentEdition, submissionText } from './helpers'
import { WRONG } from './wrong'

const root = resolve(new URL('../..', import.meta.url).pathname)
const bin = join(root, 'bin/fdlab.mjs')
const dir = mkdtempSync(join(tmpdir(), 'fdlab-grade-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function newest(d: string): number {
  let t = 0
  for (const n of readdirSync(d)) {
    const p = join(d, n)
    const st = statSync(p)
    t = Math.max(t, st.isDirectory() ? newest(p) : st.mtimeMs)
  }
  return t
}

beforeAll(() => {
  // The bundle is what instructors run; rebuild it when the sources are newer (npm test builds it first).
  const cli = join(root, 'out/cli/fdlab.mjs')
  if (!existsSync(cli) || statSync(cli).mtimeMs < newest(join(root, 'main'))) {
    const r = spawnSync(process.execPath, [join(root, 'scripts/build-cli.mjs')], { cwd: root, encoding: 'utf8' })
    if (r.status !== 0) throw new Error(r.stderr)
  }
}, 120_000)

function fdlab(args: string[], cwd = dir): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 26 })
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr }
}

/** Every file under a folder, by relative path → content. */
function tree(d: string): Map<string, string> {
  const out = new Map<string, string>()
  const walk = (p: string): void => {
    for (const n of readdirSync(p).sort()) {
      const f = join(p, n)
      if (statSync(f).isDirectory()) walk(f)
      else out.set(relative(d, f), readFileSync(f, 'utf8'))
    }
  }
  walk(d)
  return out
}

const labPath = LABS['binder-deferred-close'].pathname
const { text: released, lab: student } = studentEdition('binder-deferred-close')
const sol = solutions(gradingLab('binder-deferred-close').lab)
const wrong = WRONG['binder-deferred-close']['deferred-close']!

mkdirSync(join(dir, 'class/late'), { recursive: true })
const put = (name: string, body: string | Uint8Array): void => writeFileSync(join(dir, 'class', name), body)
put('ada.submission.json', submissionText(student, released, 'Ada Lovelace', sol))
put('bob.submission.json', submissionText(student, released, 'Bob', { ...sol, 'deferred-close': wrong[0]!.answer, pin: '2' }))
put('cy.submission.json', submissionText(student, released, 'Cy', { ...sol, 'deferred-close': wrong[1]!.answer }))
put('late/dee.submission.json', submissionText(student, released, 'Dee', { light: '1', threaded: '1', 'provoke-v2': WRONG['binder-deferred-close']['provoke-v2']![3]!.answer }))
put('eve.submission.json', submissionText(student, released, 'Eve', { ...sol, 'deferred-close': 'int deferred_close(unsigned int fd) {\n  return deferred_close(fd);\n}\n' }, { score: 21 }))
put('hal.submission.json', submissionText(student, released, 'Hal', sol).replace(/"sha256": "[0-9a-f]{64}"/, `"sha256": "${'0'.repeat(64)}"`))
put('empty.json', '')
put('noise.bin', new Uint8Array(randomBytes(3000)))
put('cut.submission.json', submissionText(student, released, 'Cut', sol).slice(0, 400))
put('lab-by-mistake.lab.md', readFileSync(labPath, 'utf8'))
put('other.submission.json', submissionText(student, released, 'Olga', sol).replace('"binder-deferred-close"', '"races"'))
put('huge.json', `{"format":"fdlab-submission","pad":"${'x'.repeat(1_100_000)}"}`)
const INPUTS = 12

describe('fdlab grade on a class folder with broken files in it', () => {
  let single: Map<string, string>
  let singleOut = ''
  let singleErr = ''
  beforeAll(() => {
    const r = fdlab(['grade', labPath, 'class', '-o', 'out-j1', '--jobs', '1'])
    expect(r.err).not.toContain('internal error')
    expect(r.code).toBe(0)
    singleOut = r.out
    singleErr = r.err
    single = tree(join(dir, 'out-j1'))
  }, 300_000)

  it('warns when two graded files name the same student (the LMS files would get two rows)', () => {
    mkdirSync(join(dir, 'again'), { recursive: true })
    writeFileSync(join(dir, 'again', 'ada-2.json'), readFileSync(join(dir, 'class', 'ada.submission.json')))
    const r = fdlab(['grade', labPath, 'class/ada.submission.json', 'class/hal.submission.json', 'again/ada-2.json', '-o', 'out-dup', '--quiet', '--jobs', '1'])
    expect(r.code).toBe(0)
    expect(r.out.split('\n').filter((l) => l.includes('warning[student]'))).toEqual([
      'class/ada.submission.json:1:1: warning[student]: graded (Ada Lovelace), the same student name as again/ada-2.json: canvas.csv and moodle.csv get a row for each; keep one',
    ])
  })

  it('warns, at the solution, when the lab\'s own solution does not pass under the budget given (every answer would lose those points)', () => {
    const low = fdlab(['grade', labPath, 'class/ada.submission.json', '-o', 'out-low', '--budget', 'runs=1', '--quiet'])
    expect(low.code).toBe(0)
    expect(low.err).toMatch(/^\S+\.lab\.md:\d+:1: warning\[budget\]: exercise deferred-close test own-fd \[6\.5\]: the lab's own solution gets budget under this budget/m)
    // The default budget fits the shipped lab's solutions: no warning.
    expect(singleErr).not.toContain('warning[budget]')
  })

  it('lists rejected rows (and warnings) as FILE:LINE:COL: severity[code]: message, with the student where the file says', () => {
    const lines = singleOut.split('\n')
    expect(lines).toContain('class/empty.json:1:1: error[empty]: rejected: empty file')
    expect(lines.find((l) => l.startsWith('class/cut.submission.json:'))).toMatch(/^class\/cut\.submission\.json:\d+:\d+: error\[truncated\]: rejected \(Cut\): truncated JSON at line \d+, col \d+: /)
    expect(lines.find((l) => l.startsWith('class/other.submission.json:'))).toMatch(/^class\/other\.submission\.json:1:1: error\[lab\]: rejected \(Olga\): another lab: /)
    expect(lines.find((l) => l.startsWith('class/noise.bin:'))).toMatch(/^class\/noise\.bin:1:1: error\[encoding\]: rejected: not a submission/)
    expect(lines.find((l) => l.startsWith('class/hal.submission.json:'))).toMatch(/^class\/hal\.submission\.json:1:1: warning\[submission\]: graded \(Hal\), lab hash mismatch/)
    expect(lines.filter((l) => /: error\[/.test(l))).toHaveLength(6)
    // The class table names the student of a cut-off file.
    expect(single.get('grades.csv')!.split('\r\n').find((l) => l.startsWith('class/cut.submission.json'))).toMatch(/^class\/cut\.submission\.json,Cut,rejected,/)
  })

  it('writes every output, one row per input file, rejected ones with their reason', () => {
    const report = JSON.parse(single.get('report.json')!)
    expect(report.lab).toMatchObject({ id: 'binder-deferred-close', version: '1.0', max_score: 21 })
    expect(report.grader).toBe('fdlab-grade/1')
    expect(report.submissions.map((s: { file: string }) => s.file)).toEqual([
      'class/ada.submission.json', 'class/bob.submission.json', 'class/cut.submission.json', 'class/cy.submission.json', 'class/empty.json',
      'class/eve.submission.json', 'class/hal.submission.json', 'class/huge.json', 'class/lab-by-mistake.lab.md', 'class/late/dee.submission.json',
      'class/noise.bin', 'class/other.submission.json',
    ])
    const by = (f: string) => report.submissions.find((s: { file: string }) => s.file === `class/${f}`)
    expect(by('ada.submission.json')).toMatchObject({ status: 'graded', score: 21, student: 'Ada Lovelace' })
    expect(by('bob.submission.json').score).toBeCloseTo(21 - 1 - 2 * 8 / 12, 4)
    expect(by('eve.submission.json')).toMatchObject({ status: 'graded', score: 21 - 8 })
    expect(by('hal.submission.json')).toMatchObject({ status: 'graded', score: 21 })
    expect(by('hal.submission.json').warnings[0]).toMatch(/^lab hash mismatch/)
    expect(by('late/dee.submission.json').score).toBe(1)
    for (const [f, reason] of [['empty.json', /^empty file$/], ['noise.bin', /not UTF-8/], ['cut.submission.json', /^truncated JSON/],
      ['lab-by-mistake.lab.md', /this is a lab file/], ['other.submission.json', /another lab/], ['huge.json', /^oversized: 1100\d\d\d bytes/]] as const) {
      expect(by(f), f).toMatchObject({ status: 'rejected', score: 0 })
      expect(by(f).reason, f).toMatch(reason)
    }
    const grades = single.get('grades.csv')!.split('\r\n')
    expect(grades[0]).toBe('file,student,status,reason,warnings,score,max_score,light,threaded,provoke-v2,pin,deferred-close,deferred-fd-closer')
    expect(grades).toHaveLength(INPUTS + 2)
    expect(grades[1]).toBe('class/ada.submission.json,Ada Lovelace,graded,,,21,21,1,1,2,1,8,8')
    expect(grades.find((l) => l.startsWith('class/empty.json'))).toBe('class/empty.json,,rejected,empty file,,0,21,,,,,,')
    expect(single.get('canvas.csv')!.split('\r\n').filter(Boolean)).toHaveLength(2 + 6)
    for (const n of ['ada', 'bob', 'cut', 'cy', 'empty', 'eve', 'hal', 'huge', 'lab-by-mistake.lab.md', 'dee', 'noise.bin', 'other']) {
      expect(single.has(`results/${n}.json`), n).toBe(true)
      expect(single.has(`feedback/${n}.md`), n).toBe(true)
    }
    const gs = JSON.parse(single.get('results/bob.json')!)
    expect(gs.tests.filter((t: { status: string }) => t.status === 'failed').map((t: { name: string }) => t.name))
      .toEqual(['pin: answer', 'deferred-close: own-fd [6.5]', 'deferred-close: own-fd [6.18]'])
    expect(single.get('feedback/dee.md')).toContain('your scenario shows the finding even where the bug is fixed')
  })

  it('the same inputs give byte-identical outputs whatever --jobs', () => {
    const r = fdlab(['grade', labPath, 'class', '-o', 'out-j3', '--jobs', '3'])
    expect(r.code).toBe(0)
    expect(r.err).toMatch(/grading 12\/12 \(6 rejected\)/)
    expect(tree(join(dir, 'out-j3'))).toEqual(single)
  }, 300_000)

  it('--shard I/N slices by hash; --merge gives exactly the single run', () => {
    const covered: string[] = []
    for (let i = 0; i < 3; i++) {
      const r = fdlab(['grade', labPath, 'class', '-o', `shard-${i}`, '--shard', `${i}/3`, '--jobs', '1', '--quiet'])
      expect(r.code).toBe(0)
      const rep = JSON.parse(readFileSync(join(dir, `shard-${i}/report.json`), 'utf8'))
      expect(rep.shard).toMatchObject({ index: i, count: 3, inputs: INPUTS })
      expect(rep.submissions).toHaveLength(4)
      covered.push(...rep.shard.covers)
    }
    expect(new Set(covered).size).toBe(INPUTS)
    const m = fdlab(['grade', '--merge', 'shard-0', 'shard-1', 'shard-2', '-o', 'merged'])
    // The merge lists the rejected rows as the single run does.
    expect(m.out.split('\n').filter((l) => /: (error|warning)\[/.test(l))).toEqual(singleOut.split('\n').filter((l) => /: (error|warning)\[/.test(l)))
    expect(m.code).toBe(0)
    expect(tree(join(dir, 'merged'))).toEqual(single)
  }, 300_000)

  it('--merge refuses a missing shard, a shard given twice, another lab, another grader, a non-shard report', () => {
    const refuse = (args: string[], why: RegExp): void => {
      const r = fdlab(['grade', '--merge', ...args, '-o', 'refused'])
      expect(r.code, args.join(' ')).toBe(1)
      expect(r.err).toMatch(why)
      expect(r.err).toContain('refused; nothing written')
    }
    refuse(['shard-0', 'shard-2'], /shard 1\/3 is missing/)
    refuse(['shard-0', 'shard-1', 'shard-2', 'shard-1'], /shard 1\/3 given twice|graded twice/)
    refuse(['out-j1'], /not a shard's report/)
    const rep = JSON.parse(readFileSync(join(dir, 'shard-1/report.json'), 'utf8'))
    mkdirSync(join(dir, 'forged-grader'), { recursive: true })
    writeFileSync(join(dir, 'forged-grader/report.json'), JSON.stringify({ ...rep, grader: 'fdlab-grade/0' }))
    refuse(['shard-0', 'forged-grader', 'shard-2'], /graded by fdlab-grade\/0/)
    mkdirSync(join(dir, 'forged-lab'), { recursive: true })
    writeFileSync(join(dir, 'forged-lab/report.json'), JSON.stringify({ ...rep, lab: { ...rep.lab, sha256: 'f'.repeat(64) } }))
    refuse(['shard-0', 'forged-lab', 'shard-2'], /shards of different labs/)
    mkdirSync(join(dir, 'forged-covers'), { recursive: true })
    writeFileSync(join(dir, 'forged-covers/report.json'), JSON.stringify({ ...rep, submissions: rep.submissions.slice(1) }))
    refuse(['shard-0', 'forged-covers', 'shard-2'], /do not match the submissions it says it covered/)
    expect(existsSync(join(dir, 'refused'))).toBe(false)
  })

  it('exit status 2 for unusable arguments or an unusable LAB', () => {
    writeFileSync(join(dir, 'student.lab.md'), released)
    const cases: [string[], RegExp][] = [
      [['grade', 'nope.lab.md', 'class', '-o', 'x'], /cannot read nope\.lab\.md/],
      [['grade', 'student.lab.md', 'class', '-o', 'x'], /student edition/],
      [['grade', labPath, '-o', 'x'], /no submissions given/],
      [['grade', labPath, 'missing-folder', '-o', 'x'], /missing-folder: no such file/],
      [['grade', labPath, 'class', '-o', 'x', '--shard', '4/4'], /I counts from 0/],
      [['grade', labPath, 'class', '-o', 'x', '--budget', 'time=5'], /--budget takes steps=N,runs=N/],
      [['grade', labPath, 'class', '-o', 'x', '--jobs', '0'], /--jobs/],
      [['grade', labPath, 'class'], /usage: fdlab grade/],
    ]
    for (const [args, why] of cases) {
      const r = fdlab(args)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.err, args.join(' ')).toMatch(why)
    }
    expect(existsSync(join(dir, 'x'))).toBe(false)
    expect(fdlab(['grade', '--help']).code).toBe(0)
  })

  const hasParallel = spawnSync('parallel', ['--version'], { encoding: 'utf8' }).status === 0
  it.skipIf(!hasParallel)('the GNU parallel recipe of docs/grading.md, 4 shards on this machine, merges into the single run', () => {
    const docs = readFileSync(join(root, 'docs/grading.md'), 'utf8')
    // The recipe as documented, with fdlab as this checkout's bin and this test's lab and class.
    const m = /```sh recipe=parallel-local\n([\s\S]*?)```/.exec(docs)
    expect(m, 'docs/grading.md has the local GNU parallel recipe').not.toBeNull()
    const script = m![1]!.replaceAll('fdlab ', `"${process.execPath}" "${bin}" `).replaceAll('LAB.lab.md', `"${labPath}"`).replaceAll('submissions/', 'class/')
    const r = spawnSync('bash', ['-euo', 'pipefail', '-c', script], { cwd: dir, encoding: 'utf8' })
    expect(r.stderr).not.toContain('refused')
    expect(r.status, r.stderr).toBe(0)
    expect(readdirSync(join(dir, 'shards')).sort()).toEqual(['0', '1', '2', '3'])
    expect(tree(join(dir, 'graded'))).toEqual(single)
  }, 300_000)
})
