import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { labNames, normalise, similarPairs } from '../../main/grading/similarity'
import { similarityCommand } from '../../main/cli/similarity'
import { gradingLab, solutions, studentEdition, submissionText, LABS } from './helpers'
import { WRONG } from './wrong'

const lab = () => gradingLab('binder-deferred-close').lab
const sol = () => solutions(lab())['deferred-close']!
// The solution with its own names changed, reformatted and commented: the same answer.
const disguised = () => sol()
  .replace(/twcb/g, 'ctx').replace(/do_fd_close/g, 'closer_cb').replace(/binder_twcb/g, 'my_ctx')
  .replace(/\n\s+/g, '\n      ').replace(/;/g, ';  // done\n')
const own = `int deferred_close(unsigned int fd) {
  struct file *f = file_close_fd(fd);
  if (f == NULL) { return -EBADF; }
  filp_close(f, current->files);
  return 0;
}
`

describe('similar answers', () => {
  it('renaming and reformatting does not hide a copy; the starter and different answers are not pairs', () => {
    const keep = labNames(lab())
    expect(normalise(disguised(), keep)).toEqual(normalise(sol(), keep))
    expect(normalise(own, keep)).not.toEqual(normalise(sol(), keep))
    const starter = WRONG['binder-deferred-close']['deferred-close']![0]!.answer
    const subs = [
      { file: 'a.json', student: 'A', answers: new Map([['deferred-close', sol()]]) },
      { file: 'b.json', student: 'B', answers: new Map([['deferred-close', disguised()]]) },
      { file: 'c.json', student: 'C', answers: new Map([['deferred-close', own]]) },
      { file: 'd.json', student: 'D', answers: new Map([['deferred-close', starter]]) },
      { file: 'e.json', student: 'E', answers: new Map([['deferred-close', starter.replace('close_fd(fd)', 'close_fd( fd )')]]) },
    ]
    const pairs = similarPairs(lab(), subs)
    expect(pairs.map((p) => [p.exercise, p.a.file, p.b.file])).toEqual([['deferred-close', 'a.json', 'b.json']])
    expect(pairs[0]!.tokens).toBeGreaterThan(50)
  })

  const dir = mkdtempSync(join(tmpdir(), 'fdlab-sim-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  it('fdlab similarity prints the table, skips unusable files, and works from the student edition', () => {
    const { text, lab: student } = studentEdition('binder-deferred-close')
    mkdirSync(join(dir, 'subs'))
    writeFileSync(join(dir, 'student.lab.md'), text)
    writeFileSync(join(dir, 'subs/ann.json'), submissionText(student, text, 'Ann', { 'deferred-close': sol() }))
    writeFileSync(join(dir, 'subs/ben.json'), submissionText(student, text, 'Ben', { 'deferred-close': disguised() }))
    writeFileSync(join(dir, 'subs/cat.json'), submissionText(student, text, 'Cat', { 'deferred-close': own }))
    writeFileSync(join(dir, 'subs/junk.json'), '{"truncated": ')
    for (const labFile of [LABS['binder-deferred-close'].pathname, join(dir, 'student.lab.md')]) {
      const out: string[] = [], err: string[] = []
      expect(similarityCommand([labFile, join(dir, 'subs')], { out: (s) => out.push(s), err: (s) => err.push(s) })).toBe(0)
      const lines = out.join('\n').split('\n')
      expect(lines[0]).toMatch(/^exercise\s+submission\s+student\s+submission\s+student\s+tokens$/)
      expect(lines[1]).toMatch(new RegExp(`^deferred-close\\s+${join(dir, 'subs/ann.json').replace(/[.]/g, '\\.')}\\s+Ann\\s+.*ben\\.json\\s+Ben\\s+\\d+$`))
      expect(lines[2]).toBe('1 pair among 3 submissions')
      expect(err.join('\n')).toMatch(/skipped .*junk\.json: truncated JSON/)
    }
    void gradingLab
  })
})
