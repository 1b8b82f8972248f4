/**
 * One declaration per kernel fact: every lab C kernel function is one KERNEL_FUNCS entry
 * (rt/kapi.ts) and every readable kernel struct field one KERNEL_FIELDS entry (kernel/api.ts);
 * the checker, the interpreter, completion and hover (editorNames), `fdlab doc` (describeName)
 * and the snapshots read those entries and nothing else.
 *
 * That every declared function also runs is test/engine/lab/labc/docs.test.ts: each one appears in a `c`
 * example of docs/lab-c.md, and every example compiles and runs clean under its profiles.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { describeName, editorNames, getApi, suggestNames } from '../../../../main/engine/lab/labc/api'
import { KERNEL_FUNCS } from '../../../../main/engine/lab/labc/rt/kapi'
import { BUILTIN_IMPL, SYSCALL_IMPL } from '../../../../main/engine/lab/labc/rt/user'
import { KERNEL_FIELDS, readField } from '../../../../main/engine/kernel/api'
import { instantiate, runSources } from '../../../../main/engine/lab/run'
import { PROFILE_NAMES, type ProfileName } from '../../../../main/engine/sim/profile'
import { main } from '../../../../main/cli/index'

const nameOf = (proto: string): string => /(\w+)\s*\(/.exec(proto)![1]!
const profilesOf = (ps: readonly ProfileName[] | undefined): readonly ProfileName[] => ps ?? PROFILE_NAMES

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n)
    return statSync(p).isDirectory() ? (n === 'fast' || n === 'stepped' || n === 'node_modules' ? [] : files(p)) : /\.tsx?$/.test(n) ? [p] : []
  })
}

function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  return main(argv, { out: (s) => { out += s + '\n' }, err: (s) => { err += s + '\n' } }).then((code) => ({ code, out, err }))
}

describe('one declaration per kernel function', () => {
  it('each kernel function is declared once per profile', () => {
    for (const p of PROFILE_NAMES) {
      const names = KERNEL_FUNCS.filter((f) => profilesOf(f.profiles).includes(p)).map((f) => nameOf(f.proto))
      expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([])
    }
  })

  it('the checker, the interpreter, the editor and fdlab doc read that declaration', () => {
    for (const f of KERNEL_FUNCS) {
      const name = nameOf(f.proto)
      for (const p of PROFILE_NAMES) {
        const api = getApi(p).fn(name)
        if (!profilesOf(f.profiles).includes(p)) {
          if (api?.kind === 'kernel') expect(api.proto, `${name} in ${p}`).not.toBe(f.proto)
          continue
        }
        // The checker's entry and the interpreter's implementation are the declaration's.
        expect(api, `${name} in ${p}`).toBeDefined()
        expect(api!.proto).toBe(f.proto)
        expect(api!.doc).toBe(f.doc)
        expect(api!.impl).toBe(f.impl)
        // Completion and hover.
        const ed = editorNames(p).functions.find((x) => x.name === name)
        expect(ed, `${name} in the editor (${p})`).toMatchObject({ proto: f.proto, doc: f.doc })
      }
      // fdlab doc.
      expect(describeName(name).some((d) => d.proto === f.proto && d.doc === f.doc)).toBe(true)
    }
  })

  it('every declared function, system call and built-in type-checks and has an implementation', () => {
    for (const p of PROFILE_NAMES) {
      for (const f of getApi(p).all()) {
        expect(typeof f.impl, f.name).toBe('function')
        expect(f.ty.k).toBe('fn')
      }
    }
  })

  it('every system call and built-in implementation belongs to a declaration (no orphans)', () => {
    const declared = new Set(PROFILE_NAMES.flatMap((p) => getApi(p).all().map((f) => f.name)))
    expect(Object.keys(SYSCALL_IMPL).filter((n) => !declared.has(n))).toEqual([])
    expect(Object.keys(BUILTIN_IMPL).filter((n) => !declared.has(n))).toEqual([])
  })

  it('no second table of kernel functions exists in the sources', () => {
    // Each prototype string appears in exactly one source file: its declaration.
    const src = [...files('main'), ...files('renderer/src'), ...files('preload')].map((p) => ({ p, text: readFileSync(p, 'utf8') }))
    for (const f of KERNEL_FUNCS) {
      const at = src.filter((s) => s.text.includes(`'${f.proto}'`)).map((s) => s.p)
      expect(at, f.proto).toEqual([join('main', 'engine', 'lab', 'labc', 'rt', 'kapi.ts')])
    }
    // The old registries are gone.
    for (const s of src) expect(s.text, s.p).not.toMatch(/\b(KERNEL_API|SYSCALL_API|KERNEL_IMPL|KERNEL_ROWS)\b/)
  })

  it('fdget has one documentation everywhere', () => {
    const docs = new Set<string>()
    for (const p of PROFILE_NAMES) {
      docs.add(getApi(p).fn('fdget')!.doc)
      docs.add(editorNames(p).functions.find((x) => x.name === 'fdget')!.doc)
    }
    for (const d of describeName('fdget')) docs.add(d.doc)
    expect(docs.size).toBe(1)
  })

  it('runs kernel functions through the declaration (a driver calls a sample of them)', () => {
    for (const p of PROFILE_NAMES) {
      const o = runSources({
        profile: p, sources: [{
          file: 't.c', code: `driver d {
  long ioctl(struct file *filp, unsigned int cmd, unsigned long arg) {
    struct fd f = fdget(arg);
    expect(fd_file(f) == filp);
    expect(!fd_empty(f));
    expect(file_count(filp) == 1);
    fdput(f);
    struct file *g = fget(arg);
    expect(file_count(filp) == 2);
    fput(g);
    expect(get_close_on_exec(arg) == 0);
    return 0;
  }
}
process app {
  int fd = open("/dev/d", O_RDWR);
  expect(ioctl(fd, 0, fd) == 0);
}`,
        }],
      })
      expect(o.diagnostics).toEqual([])
      expect([...o.expectFailures, ...o.runtimeErrors]).toEqual([])
      expect(o.status).toBe('done')
    }
  })
})

describe('one declaration per readable struct field', () => {
  it('the checker, the editor and fdlab doc read KERNEL_FIELDS', () => {
    for (const d of KERNEL_FIELDS) {
      for (const p of PROFILE_NAMES) {
        const f = getApi(p).field(d.struct, d.name)
        if (!profilesOf(d.profiles).includes(p)) { expect(f).toBeUndefined(); continue }
        expect(f?.decl, `${d.struct}.${d.name} (${p})`).toBe(d)
        expect(f!.doc).toBe(d.doc)
        expect(editorNames(p).fields.find((x) => x.struct === d.struct && x.name === d.name)).toMatchObject({ doc: d.doc, type: d.type, source: d.source })
      }
      expect(describeName(`${d.struct}.${d.name}`)).toEqual([expect.objectContaining({ kind: 'field', doc: d.doc, source: d.source })])
    }
  })

  it('lab C reads the values the declarations read, and so do the snapshots', () => {
    for (const p of PROFILE_NAMES) {
      const raw = p === '6.5' ? 'f_count' : 'f_ref'
      const spec = {
        profile: p, sources: [{
          file: 't.c', code: `driver d {
  long ioctl(struct file *filp, unsigned int cmd, unsigned long arg) {
    observe("count", current->files->count);
    observe("next_fd", current->files->next_fd);
    observe("max_fds", current->files->fdt->max_fds);
    observe("raw", filp->${raw});
    observe("pos", filp->f_pos);
    return 0;
  }
}
process app {
  int fd = open("/dev/d", O_RDWR);
  dup(fd);
  ioctl(fd, 0, 0);
  label after;
}`,
        }],
      }
      const o = runSources(spec)
      expect([...o.expectFailures, ...o.runtimeErrors, ...o.diagnostics]).toEqual([])
      const get = (k: string): string => String(o.observations.get(k)?.[0])
      // The same values through the declarations, on a machine run to the same point.
      const first = instantiate(spec).instance!.machine
      first.run({ maxSteps: 200_000 })
      const at = first.labels.get('after')!
      const m = instantiate(spec).instance!.machine
      m.run({ until: at })
      const files = [...m.tables()].find((t) => t.fdt.fd[3])!
      const file = files.fdt.fd[3]!
      expect(get('count')).toBe(String(readField('files_struct', 'count', files, m.k)))
      expect(get('max_fds')).toBe(String(readField('fdtable', 'max_fds', files.fdt, m.k)))
      expect(get('raw')).toBe(String(readField('file', raw, file, m.k)))
      expect(get('next_fd')).toBe('5')
      const snap = m.snapshot()
      const tv = snap.tables.find((t) => t.id === files.id)!
      expect(tv.count).toBe(readField('files_struct', 'count', files, m.k))
      expect(tv.next_fd).toBe(readField('files_struct', 'next_fd', files, m.k))
      expect(tv.max_fds).toBe(readField('fdtable', 'max_fds', files.fdt, m.k))
      expect(snap.files.find((f) => f.id === file.id)!.raw.field).toBe(raw)
    }
  })
})

describe('fdlab doc', () => {
  it('prints a function: prototype, doc, source, profiles (exit 0)', async () => {
    const r = await cli(['doc', 'fdget'])
    expect(r.code).toBe(0)
    expect(r.out).toContain('struct fd fdget(unsigned int fd)')
    expect(r.out).toContain(getApi('6.18').fn('fdget')!.doc)
    expect(r.out).toMatch(/source: .*fs\/file\.c/)
    expect(r.out).toMatch(/profiles: 6\.5, 6\.18/)
  })

  it('prints a profile-specific function, and says when --kernel lacks it (exit 1)', async () => {
    const r = await cli(['doc', 'file_close_fd'])
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/profiles: 6\.18\b/)
    const r2 = await cli(['doc', 'file_close_fd', '--kernel', '6.5'])
    expect(r2.code).toBe(1)
    expect(r2.err).toContain("'file_close_fd' does not exist in kernel 6.5 (only in 6.18)")
  })

  it('prints a constant with its header', async () => {
    const r = await cli(['doc', 'FDPUT_FPUT'])
    expect(r.code).toBe(0)
    expect(r.out).toContain('#define FDPUT_FPUT 1')
    expect(r.out).toContain('include/linux/file.h')
  })

  it('prints a struct field, by STRUCT.FIELD, STRUCT->FIELD or FIELD', async () => {
    for (const n of ['files_struct.count', 'files_struct->count', 'struct files_struct.count']) {
      const r = await cli(['doc', n])
      expect(r.code, n).toBe(0)
      expect(r.out).toContain('struct files_struct { int count; }')
      expect(r.out).toContain('include/linux/fdtable.h')
    }
    const r = await cli(['doc', 'f_ref', '--json'])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.out)).toEqual([expect.objectContaining({ kind: 'field', struct: 'file', profiles: ['6.18'] })])
  })

  it('prints kernel values and cleanup classes', async () => {
    const e = await cli(['doc', 'EMPTY_FD'])
    expect(e.code).toBe(0)
    expect(e.out).toContain('struct fd EMPTY_FD')
    expect(e.out).toMatch(/profiles: 6\.18\b/)
    const c = await cli(['doc', 'CLASS(fd_pos)'])
    expect(c.code).toBe(0)
    expect(c.out).toContain('fdput_pos')
    expect(c.out).toMatch(/profiles: 6\.18\b/)
    const all = await cli(['doc', 'CLASS', '--json'])
    expect(JSON.parse(all.out).map((d: { name: string }) => d.name)).toEqual(['CLASS(fd)', 'CLASS(fd_raw)', 'CLASS(fd_pos)', 'CLASS(get_unused_fd)'])
    const free = await cli(['doc', '__free(fput)'])
    expect(free.code).toBe(0)
    expect(free.out).toContain('DEFINE_FREE(fput')
    const take = await cli(['doc', 'take_fd'])
    expect(take.code).toBe(0)
    expect(take.out).toContain('#define take_fd(var) __get_and_null(var, -EBADF)')
  })

  it('an unknown name is an error with suggestions (exit 1); usage errors exit 2', async () => {
    const r = await cli(['doc', 'fdgett'])
    expect(r.code).toBe(1)
    expect(r.out).toBe('')
    expect(r.err).toContain("unknown name 'fdgett'")
    expect(r.err).toContain("'fdget'")
    expect(suggestNames('fdput_pso')).toContain('fdput_pos')
    expect((await cli(['doc'])).code).toBe(2)
    expect((await cli(['doc', 'a', 'b'])).code).toBe(2)
    expect((await cli(['doc', 'fdget', '--kernel', '9.9'])).code).toBe(2)
    expect((await cli(['doc', '--help'])).code).toBe(0)
  })
})
