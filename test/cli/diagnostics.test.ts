/**
 * One diagnostic format everywhere (FILE:LINE:COL: severity[code]: message), every problem of a
 * file in one pass, and the inputs that used to be accepted silently.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { checkCommand, runCommand } from '../../main/cli/lab'
import { exploreCommand } from '../../main/cli/explore'
import { main } from '../../main/cli/index'
import { parseLab } from '../../main/engine/lab/labFile'
import { formatDiagnostic } from '../../main/engine/lab/diagnostics'
import { frontEnd } from '../../main/engine/lab/labc'
import { SANITIZER_RULES } from '../../main/engine/lab/rules'
import { RULE } from '../../main/engine/sim/rules'
import { runSources } from '../../main/engine/lab/run'
import { formatRet, straceArgs } from '../../main/engine/machine/format'

export const FORMAT = /^[^\s:][^:]*:\d+:\d+: (error|warning)\[[a-z-]+\]: \S/
const dir = mkdtempSync(join(tmpdir(), 'fdlab-diag-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function io() {
  const out: string[] = []
  const err: string[] = []
  return { io: { out: (s: string) => { out.push(s) }, err: (s: string) => { err.push(s) } }, out, err, all: () => [...out, ...err].join('\n').split('\n') }
}

const head = (id = 'd', kernel = '[6.5, 6.18]') => `---\nid: ${id}\ntitle: D\nversion: "1"\nkernel: ${kernel}\nauthors: [a]\nlicense: MIT\n---\n`
const write = (name: string, text: string): string => { const f = join(dir, name); writeFileSync(f, text); return f }

/** Lines that carry a position must be in the one format. */
function positioned(lines: readonly string[]): string[] {
  return lines.map((l) => l.trim()).filter((l) => /^\S+:\d+:\d+:/.test(l))
}

describe('one pass, one format', () => {
  const f = write('many.lab.md', `${head()}
\`\`\`c scenario=a uses=nolib
process p { int x = CLASS; }
\`\`\`

\`\`\`c scenario=b bogus=1
process p { }
\`\`\`

\`\`\`c scenario=c rule=no-such-rule
process p { }
\`\`\`

\`\`\`c scenario=d
#ifdef FDLAB_FILE_REFT
int x;
#endif
process p { }
\`\`\`
`)
  it('check reports the lab file errors and every block\'s lab C errors at once', () => {
    const c = io()
    expect(checkCommand([f], c.io)).toBe(1)
    const ds = positioned(c.all())
    for (const l of ds) expect(l).toMatch(FORMAT)
    expect(ds.map((l) => /\[([a-z-]+)\]/.exec(l)![1])).toEqual(['block', 'unknown-name', 'fence', 'rule', 'macro'])
    expect(ds[0]).toBe(`${f}:10:1: error[block]: uses=nolib: no lib=nolib block in this lab`)
    expect(ds[1]).toBe(`${f}:11:21: error[unknown-name]: unknown name 'CLASS'`)
    expect(ds[4]).toMatch(/:23:8: error\[macro\]: unknown macro FDLAB_FILE_REFT: no profile defines it \(known: .*FDLAB_FILE_REF_T/)
  })

  it('run and explore use the same format for lab C errors and run-time errors', async () => {
    const g = write('rt.lab.md', `${head('rt', '6.18')}
\`\`\`c scenario=bad
process p { int x = CLASS; }
\`\`\`

\`\`\`c scenario=crash
process p {
  int a[2];
  int i = 5;
  a[i] = 1;
}
\`\`\`
`)
    const r = io()
    expect(runCommand([g], r.io)).toBe(1)
    const rl = positioned(r.all())
    expect(rl.length).toBeGreaterThan(1)
    for (const l of rl) expect(l.replace(/^the run stopped at a limit, so it shows nothing: /, '')).toMatch(FORMAT)
    expect(rl).toContain(`${g}:11:21: error[unknown-name]: unknown name 'CLASS'`)
    expect(rl).toContain(`${g}:18:3: error[runtime]: index 5 is out of bounds (length 2)`)
    const c = io()
    expect(checkCommand([g], c.io)).toBe(1)
    expect(positioned(c.all())).toContain(`${g}:11:21: error[unknown-name]: unknown name 'CLASS'`)
    const e = io()
    expect(await exploreCommand([g, '--scenario', 'bad'], e.io)).toBe(1)
    expect(positioned(e.all())).toEqual([`${g}:11:21: error[unknown-name]: unknown name 'CLASS'`])
  })

  it('YAML errors use the file\'s line numbers only', () => {
    const { diagnostics } = parseLab(`${head()}\n\`\`\`yaml exercise=e\nkind: predict\nprompt: x: y\n\`\`\`\n`, 'y.lab.md')
    const y = diagnostics.find((d) => d.code === 'yaml')!
    expect(formatDiagnostic(y)).toBe('y.lab.md:12:9: error[yaml]: exercise e: Nested mappings are not allowed in compact mappings')
  })

  it('check shows lab C warnings', () => {
    const g = write('warn.lab.md', `${head('w', '6.18')}
\`\`\`c scenario=s
int close_fd(unsigned int fd) { return 0; }
process p { }
\`\`\`
`)
    const c = io()
    expect(checkCommand([g], c.io)).toBe(0)
    expect(positioned(c.all())).toEqual([expect.stringMatching(new RegExp(`^${g}:11:5: warning\\[shadow\\]: 'close_fd' hides the kernel function`))])
  })
})

describe('what used to be accepted silently', () => {
  it('kernel: [] is an error', () => {
    const { diagnostics } = parseLab(head('k', '[]'), 'k.lab.md')
    expect(diagnostics.map(formatDiagnostic)).toEqual(['k.lab.md:5:9: error[profile]: kernel: the list is empty; name at least one profile (6.5, 6.18)'])
  })

  it('two labs with one id in a course is an error at the second id', () => {
    const course = join(dir, 'course')
    mkdirSync(course)
    writeFileSync(join(course, 'a.lab.md'), `${head('same', '6.18')}\n\`\`\`c scenario=s\nprocess p { }\n\`\`\`\n`)
    writeFileSync(join(course, 'b.lab.md'), `${head('same', '6.18')}\n\`\`\`c scenario=s\nprocess p { }\n\`\`\`\n`)
    const c = io()
    expect(checkCommand([course], c.io)).toBe(1)
    expect(positioned(c.all())).toEqual([`${join(course, 'b.lab.md')}:2:1: error[course]: lab id 'same' is also the id of ${join(course, 'a.lab.md')}: the labs of a course need distinct ids (submissions name their lab by id)`])
  })

  it('a course index that lists a missing lab says where', () => {
    const course = join(dir, 'course2')
    mkdirSync(course)
    writeFileSync(join(course, 'course.yaml'), 'title: T\nlabs:\n  - file: gone.lab.md\n')
    const c = io()
    expect(checkCommand([course], c.io)).toBe(2)
    expect(c.err).toEqual([`${join(course, 'course.yaml')}:3:5: error[course]: lists gone.lab.md, which does not exist`])
  })

  it('--kernel 6.5 skips a block marked kernel=6.18 and says so', () => {
    const g = write('k618.lab.md', `${head('k618')}\n\`\`\`c scenario=new kernel=6.18\nprocess p { observe("x", 1); }\n\`\`\`\n\n\`\`\`c scenario=any\nprocess p { }\n\`\`\`\n`)
    const c = io()
    expect(checkCommand([g, '--kernel', '6.5'], c.io)).toBe(0)
    expect(c.out).toContain(`skip  ${g}: scenario new: skipped: the block runs only under 6.18 (kernel=6.18), not under --kernel 6.5`)
    expect(c.out.some((l) => l.includes('scenario new [6.5]'))).toBe(false)
    const r = io()
    expect(runCommand([g, '--scenario', 'new', '--kernel', '6.5'], r.io)).toBe(1)
    expect(r.all().join('\n')).toContain('skipped: the block runs only under 6.18')
  })

  it('fdlab profiles --json prints JSON; unknown arguments are errors', async () => {
    const c = io()
    expect(await main(['profiles', '--json'], c.io)).toBe(0)
    const j = JSON.parse(c.out.join('\n')) as { default: string; profiles: { name: string; file_ref_t: boolean }[]; variants: string[] }
    expect(j.default).toBe('6.18')
    expect(j.profiles.map((p) => [p.name, p.file_ref_t])).toEqual([['6.5', false], ['6.18', true]])
    expect(j.variants).toContain('files_count_too_low')
    const bad = io()
    expect(await main(['profiles', '--jsn'], bad.io)).toBe(2)
  })
})

describe('authoring tools', () => {
  const g = write('ex.lab.md', `${head('ex', '6.18')}
\`\`\`yaml exercise=e
kind: implement
points: 4
prompt: write f returning 2
defines: [f]
\`\`\`

\`\`\`c starter=e
int f(void) { return 1; }
\`\`\`

\`\`\`c solution=e
int f(void) { return 2; }
\`\`\`

\`\`\`c test=e name=t
kthread k { expect(f() == 2); }
\`\`\`

\`\`\`c test=e name=secret hidden
kthread k { expect(f() + f() == 4); }
\`\`\`

\`\`\`yaml exercise=weak
kind: implement
prompt: anything
\`\`\`

\`\`\`c starter=weak
int g(void) { return 1; }
\`\`\`

\`\`\`c solution=weak
int g(void) { return 1; }
\`\`\`

\`\`\`c test=weak name=t
kthread k { expect(g() >= 0); }
\`\`\`
`)
  it('check warns when a starter passes all its tests', () => {
    const c = io()
    expect(checkCommand([g, '--quiet'], c.io)).toBe(0)
    expect(positioned(c.all())).toEqual([`${g}:38:1: warning[starter-passes]: exercise weak: the starter already passes all 1 test run, so the tests cannot tell an answer from the starting point; add a test the starter fails`])
  })

  it('check --answer EXERCISE=FILE judges an answer as grading does, hidden tests included', () => {
    const wrong = write('wrong.c', 'int f(void) { while (1); return 2; }\n')
    const c = io()
    expect(checkCommand([g, '--answer', `e=${wrong}`], c.io)).toBe(1)
    const t = c.all().join('\n')
    expect(t).toContain(`BUDGET ${g}: exercise e test t [6.18]`)
    expect(t).toContain(`BUDGET ${g}: exercise e test secret (hidden) [6.18]`)
    expect(t).toContain(`score ${g}: exercise e: 0 of 4 points`)
    const half = write('half.c', 'int n;\nint f(void) { n++; return n == 1 ? 2 : 3; }\n')
    const h = io()
    expect(checkCommand([g, '--answer', `e=${half}`, '--quiet'], h.io)).toBe(1)
    expect(h.all().join('\n')).toContain(`score ${g}: exercise e: 2 of 4 points`)
    const none = io()
    expect(checkCommand([g, '--answer', `nope=${half}`], none.io)).toBe(2)
  })
})

describe('the sanitizer rule table', () => {
  it('lists every rule the engine reports', () => {
    const root = new URL('../../main/engine/', import.meta.url)
    const ids = new Set<string>()
    const walk = (d: URL): void => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) { if (e.name !== 'fast' && e.name !== 'stepped') walk(new URL(`${e.name}/`, d)); continue }
        if (!e.name.endsWith('.ts') || e.name === 'rules.ts') continue
        const text = readFileSync(new URL(e.name, d), 'utf8')
        // Report sites name their rule from sim/rules.ts RULE, never by a string literal.
        expect([e.name, /report\((?:\w+ \? )?'/.test(text)]).toEqual([e.name, false])
        for (const m of text.matchAll(/report\((?:\w+ \? )?RULE\.(\w+)(?: : RULE\.(\w+))?/g)) {
          for (const name of [m[1], m[2]]) if (name) ids.add((RULE as Record<string, string>)[name] ?? `unknown RULE.${name}`)
        }
      }
    }
    walk(root)
    expect([...ids].sort()).toEqual(SANITIZER_RULES.map((r) => r.id).sort())
    expect(Object.values(RULE).sort()).toEqual(SANITIZER_RULES.map((r) => r.id).sort())
  })
  it('every example fires its rule', () => {
    for (const r of SANITIZER_RULES.filter((x) => x.example)) {
      const o = runSources({ sources: [{ code: r.example, file: `${r.id}.c` }], profile: '6.18' })
      expect([r.id, o.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)]).toEqual([r.id, []])
      expect([r.id, o.violations.some((v) => v.rule === r.id)]).toEqual([r.id, true])
    }
  })
  it('frontEnd diagnostics of any example have the format', () => {
    for (const r of SANITIZER_RULES) for (const d of frontEnd([{ code: r.example, file: 'x.c' }], '6.5').diagnostics) expect(formatDiagnostic(d)).toMatch(FORMAT)
  })
})

describe("messages in the user's language", () => {
  it('flags are printed symbolically; restart codes are named and explained', () => {
    expect(straceArgs('unshare', [0x400])).toBe('CLONE_FILES')
    expect(straceArgs('unshare', [0x400 | 0x200])).toBe('CLONE_FS|CLONE_FILES')
    expect(straceArgs('clone', [0x400 | 0x100 | 17])).toBe('flags=CLONE_VM|CLONE_FILES|SIGCHLD')
    expect(straceArgs('fcntl', [3, 2, 1])).toBe('3, F_SETFD, FD_CLOEXEC')
    expect(straceArgs('dup3', [3, 4, 0o2000000])).toBe('3, 4, O_CLOEXEC')
    expect(formatRet(-512)).toBe('? ERESTARTSYS (To be restarted if SA_RESTART is set; kernel-internal: the call is restarted or fails with EINTR)')
    expect(formatRet(-28)).toBe('-1 ENOSPC (No space left on device)')
  })
})

describe('docs/sanitizer-rules.md', () => {
  const doc = readFileSync(new URL('../../docs/sanitizer-rules.md', import.meta.url), 'utf8')
  it('has a row for every rule and shows every example', () => {
    for (const r of SANITIZER_RULES) {
      expect(doc).toContain(`| \`${r.id}\` | ${r.severity} | ${r.fires} |`)
      if (r.example) expect(doc).toContain(`### \`${r.id}\`\n\n\`\`\`c\n${r.example}\n\`\`\``)
    }
  })
})

describe('docs/fdlab-macros.md', () => {
  it('lists every FDLAB_ name with its value under each profile', async () => {
    const { FDLAB_MACROS } = await import('../../main/engine/lab/labc/preprocess')
    const { getProfile } = await import('../../main/engine/sim/profile')
    const doc = readFileSync(new URL('../../docs/fdlab-macros.md', import.meta.url), 'utf8')
    for (const m of FDLAB_MACROS) {
      const key = m.slice(6).toLowerCase() as keyof ReturnType<typeof getProfile>
      const yes = (p: '6.5' | '6.18') => (getProfile(p)[key] ? 'yes' : 'no')
      expect(doc).toMatch(new RegExp(`\\| \`${m}\` \\| [^|]+ \\| ${yes('6.5')} \\| ${yes('6.18')} \\|`))
    }
  })
})

describe('a wrong predict solution', () => {
  it('is a diagnostic at the solution that says what the engine computed under each profile', () => {
    const g = write('predict.lab.md', `${head('pr')}
\`\`\`c scenario=s
process p {
  int fd = open("/tmp/a", O_RDWR | O_CREAT, 0600);
  observe("fd", fd);
}
\`\`\`

\`\`\`yaml exercise=which
kind: predict
prompt: which fd?
observe: fd
scenario: s
\`\`\`

\`\`\`text solution=which
4
\`\`\`
`)
    const c = io()
    expect(checkCommand([g, '--quiet'], c.io)).toBe(1)
    expect(positioned(c.all())).toEqual([`${g}:25:1: error[exercise]: exercise which: solution: the answer "4" is not what the kernel does: the engine computed 3 under 6.5 and 6.18`])
  })
})
