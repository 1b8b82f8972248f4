import { describe, expect, it } from 'vitest'
import { frontEnd } from '../../../../main/engine/lab/labc'
import type { ProfileName } from '../../../../main/engine/sim/profile'

import { EVERY_CONSTRUCT } from '../../../fixtures/programs'

const check = (code: string, profile: ProfileName = '6.18') => frontEnd([{ code, file: 't.c' }], profile)
const diag = (code: string, profile: ProfileName = '6.18') => check(code, profile).diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`)

describe('lab C front end', () => {
  it('accepts a program that uses every construct, in both profiles but for profile names', () => {
    expect(diag(EVERY_CONSTRUCT)).toEqual([])
    expect(diag(EVERY_CONSTRUCT, '6.5')).toEqual([
      expect.stringMatching(/^21:13 not-in-profile 'file_close_fd' does not exist in the 6.5 profile; it exists in 6.18 \(6.5 calls it close_fd_get_file\)/),
    ])
    expect(diag(EVERY_CONSTRUCT.replace('file_close_fd', 'close_fd_get_file'), '6.5')).toEqual([])
  })

  it('annotates modes, slots and call targets', () => {
    const { program } = check(EVERY_CONSTRUCT)
    expect(program.funcs.get('do_close')!.mode).toBe('kernel')
    expect(program.funcs.get('deferred_close')!.mode).toBe('kernel')
    expect(program.funcs.get('pure')!.mode).toBe('any')
    expect(program.drivers.map((d) => d.hooks.map((h) => h.name))).toEqual([['ioctl', 'flush', 'release', 'read']])
    expect(program.processes.map((p) => p.name)).toEqual(['app'])
    expect(program.kthreads.map((p) => p.name)).toEqual(['worker'])
    expect(program.consts.get('C')).toBe(6n)
    expect(program.globals.map((g) => [g.name, g.slot])).toEqual([['lock', 0], ['counter', 1], ['head', 2], ['saved', 3]])
    expect(program.processes[0]!.frameSize).toBeGreaterThan(10)
  })

  it('reports several syntax errors per file with line and column, and recovers', () => {
    const ds = diag(`process p {
  int x = ;
  if (x { }
  close(3)
  int y = 1;
}
process q { int z = 1 + ; }
int f( { }
kthread k { return; }
`)
    expect(ds).toEqual([
      "2:11 syntax expected an expression, found ';'",
      "3:9 syntax expected ')', found '{'",
      "5:3 syntax expected ';' after the expression, found 'int'",
      "7:25 syntax expected an expression, found ';'",
      "8:8 syntax expected a type, found '{'",
    ])
  })

  it('reports lexical errors', () => {
    expect(diag('process p { char *s = "abc; int c = \'ab\'; int d = 09; int e = 1 @ 2; }')).toEqual([
      '1:23 syntax unterminated string',
      "1:71 syntax expected ';' after a declaration, found end of block",
      "1:71 syntax missing '}' to close the block opened at 1:11",
    ])
    expect(diag("process p { int c = 'ab'; int d = 09; int e = 0x; }")).toEqual([
      '1:21 syntax character constant has more than one character',
      "1:35 syntax invalid octal literal '09'",
      "1:47 syntax invalid number '0x'",
    ])
    expect(diag('process p { int e = 1 @ 2; } /* open')).toEqual([
      "1:23 syntax unexpected character '@'",
      "1:25 syntax expected ';' after a declaration, found '2'",
      '1:30 syntax unterminated comment',
    ])
    // Invisible characters by number, one error per code point (an emoji is two UTF-16 units).
    expect(diag('process p { int z\u0000; \u{1F600} \u200B }')).toEqual([
      '1:18 syntax unexpected character U+0000',
      "1:21 syntax unexpected character '\u{1F600}'",
      '1:24 syntax unexpected character U+200B',
    ])
  })

  it('unknown names, with suggestions and profile hints', () => {
    expect(diag('process p { int fd = opne("/a", 0); clsoe(fd); frob(); }')).toEqual([
      "1:22 unknown-name unknown name 'opne' (did you mean 'open'?)",
      "1:37 unknown-name unknown name 'clsoe' (did you mean 'close'?)",
      "1:48 unknown-name unknown name 'frob'",
    ])
    expect(diag('int f(unsigned fd) { return PTR_ERR(close_fd_get_file(fd)); }')).toEqual([
      "1:37 not-in-profile 'close_fd_get_file' does not exist in the 6.18 profile; it exists in 6.5 (6.8+ calls it file_close_fd)",
    ])
    expect(diag('void f(struct file *x) { long a = x->f_ref; long b = x->f_count; struct wat *w; }', '6.5')).toEqual([
      '1:38 not-in-profile struct file has no member \'f_ref\' in the 6.5 profile (it exists in 6.18); read the count with file_count(f) in both profiles',
      '1:66 unknown-name unknown type \'struct wat\'',
    ])
  })

  it('argument counts and type mismatches against the kernel API', () => {
    expect(diag(`int f(unsigned int fd) {
  struct file *x = fget(fd, 1);
  fput();
  task_work_add(current, x, TWA_RESUME);
  int n = fget(fd);
  struct fd g = fdget(fd);
  fput(g);
  return x;
}`)).toEqual([
      "2:20 arg-count 'fget' takes 1 argument, got 2",
      "3:3 arg-count 'fput' takes 1 argument, got 0",
      '4:26 type-mismatch argument 2 (work) of \'task_work_add\': cannot use struct file * as struct callback_head *',
      '5:11 type-mismatch cannot use struct file * as int',
      "7:8 type-mismatch argument 1 (file) of 'fput': cannot use struct fd as struct file *",
      '8:10 type-mismatch return value of function f: cannot use struct file * as int',
    ])
  })

  it('keeps user code and kernel code apart', () => {
    expect(diag(`int k(void) { return close_fd(3); }
int u(void) { return close(3); }
void cb(struct callback_head *h) { }
process p { k(); fput(NULL); struct file *f; int x = current->pid; init_task_work(NULL, cb); }
kthread t { u(); close(1); errno = 0; thread x { } fork { } exec("/x"); }`)).toEqual([
      "4:13 wrong-context 'k' is kernel code: user code reaches the kernel only through system calls",
      "4:18 wrong-context 'fput' is a kernel function: user code reaches the kernel only through system calls (libc conventions: -1 and errno)",
      '4:30 wrong-context struct file * is a kernel object: user code cannot hold one (it sees fds)',
      "4:54 wrong-context 'current' is kernel state: user code reaches the kernel only through system calls (libc conventions: -1 and errno)",
      "4:68 wrong-context 'init_task_work' is a kernel function: user code reaches the kernel only through system calls (libc conventions: -1 and errno)",
      "5:13 wrong-context 'u' is user code (it makes system calls): kernel code cannot call it",
      "5:18 wrong-context 'close' is a system call: kernel code calls the kernel API (kernel conventions: negative errno, NULL)",
      "5:28 wrong-context 'errno' is a user-space variable: kernel code calls the kernel API (kernel conventions: negative errno, NULL)",
      '5:39 wrong-context thread NAME { ... } is only allowed in process, thread and fork bodies',
      '5:52 wrong-context fork { ... } is only allowed in process, thread and fork bodies',
      '5:61 wrong-context exec(...) is only allowed in process, thread and fork bodies',
    ])
    expect(diag('int mixed(void) { close(3); return close_fd(4); }')).toEqual([
      "1:5 wrong-context 'mixed' mixes user code (it calls close() at 1:19) and kernel code (it calls close_fd() at 1:36)",
      "1:19 wrong-context 'close' is a system call: kernel code calls the kernel API (kernel conventions: negative errno, NULL)",
    ])
    expect(diag('int g; process p { g = 1; }')).toEqual([
      "1:20 wrong-context 'g' is a kernel global variable: user code cannot read kernel memory",
    ])
  })

  it('read-only fields, const, redefinitions, bad statements, non-callables, unsupported', () => {
    expect(diag(`struct s { int a; int a; };
int f(void) { return 0; }
int f(void) { return 1; }
void g(struct file *x, struct files_struct *fs) {
  x->f_pos = 3; x->private_data = NULL; fs->fdt->fd[0] = NULL;
  const int c = 1; c = 2;
  break; continue;
  O_RDWR(1);
  x = x + 1;
  switch (1) { case 1: case 1: break; }
}
process a { } process a { }
void h(void) { return 1; }
int m(void) { }
`)).toEqual([
      "1:23 redefined duplicate member 'a'",
      "3:5 redefined function 'f' is already defined at 2:5",
      "5:6 read-only 'f_pos' is read-only: kernel objects change only through the kernel API",
      '5:50 read-only kernel objects are read-only in lab C: change them through the kernel API',
      "6:20 read-only 'c' is const",
      "7:3 bad-statement 'break' outside a loop or switch",
      "7:10 bad-statement 'continue' outside a loop",
      "8:3 not-callable 'O_RDWR' is not a function",
      "9:9 unsupported '+' on pointers is not supported in lab C (no pointer arithmetic)",
      '10:24 redefined duplicate case value 1',
      "12:15 redefined 'a' is already defined (as a process)",
      '13:23 type-mismatch function h returns void',
      "14:15 missing-return 'm' can reach its end without returning a value (it would return 0)",
    ])
  })

  it('checks driver file operations, printf formats, exec images, container_of and kmalloc', () => {
    expect(diag(`struct w { struct callback_head h; int n; };
driver d {
  long ioctl(struct file *f, unsigned int cmd) { return 0; }
  int mmap(struct file *f) { return 0; }
  int flush(struct file *f, fl_owner_t id) { return 0; }
  int flush(struct file *f, fl_owner_t id) { return 1; }
}
void cb(struct callback_head *h) { struct w *x = container_of(h, struct w, nope); struct file *y = kmalloc(sizeof(struct file), GFP_KERNEL); void *z = kmalloc(16, GFP_KERNEL); }
process p { int a = 1; printf("%d %s\\n", a, a); exec("/bin/x") { a = 2; } }
`)).toEqual([
      '3:8 arg-count driver d: unlocked_ioctl takes 3 parameters: long unlocked_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)',
      "4:7 unknown-name 'mmap' is not a file operation lab C drivers support (unlocked_ioctl, flush, release, fasync, read, write, llseek, open, ioctl)",
      '6:7 redefined driver d defines flush twice',
      "8:76 unknown-field struct w has no member 'nope'",
      '8:108 unsupported struct file is a kernel object: create it with the kernel API, not kmalloc',
      '8:160 unsupported lab C allocates typed objects: kmalloc(sizeof(struct NAME), GFP_KERNEL)',
      '9:45 type-mismatch %s expects a string, got int',
      "9:66 unknown-name 'a' belonged to the program image that exec replaced",
    ])
  })

  it('positions account for the block offset in the lab file', () => {
    const r = frontEnd([{ code: 'process p {\n  clsoe(1);\n}', file: 'lab.lab.md', lineOffset: 40 }], '6.18')
    expect(r.diagnostics.map((d) => [d.file, d.line, d.col])).toEqual([['lab.lab.md', 42, 3]])
  })

  it('rejects over-deep nesting without a stack overflow', () => {
    const deep = 'process p { int x = ' + '('.repeat(5000) + '1' + ')'.repeat(5000) + '; }'
    expect(diag(deep)[0]).toMatch(/syntax nesting too deep/)
  })

  it('rejects over-long operator and suffix chains (trees as deep as they are long) without a stack overflow', () => {
    const n = 100_000
    const chains = {
      binary: `kthread k { int x = 1${' + 1'.repeat(n)}; }`,
      index: `int a[2];\nkthread k { int x = a${'[0]'.repeat(n)}; }`,
      member: `kthread k { current${'->files'.repeat(n)}; }`,
      call: `int f(int x) { return x; }\nkthread k { f${'(1)'.repeat(n)}; }`,
      postinc: `kthread k { int x = 1; x${'++'.repeat(n)}; }`,
      conditional: `kthread k { int x = 1 ? 1${' : 1 ? 1'.repeat(n)} : 1; }`,
    }
    for (const [what, code] of Object.entries(chains)) expect(diag(code)[0], what).toMatch(/syntax nesting too deep/)
    // Chains of ordinary length stay fine.
    expect(diag(`kthread k { int x = 1${' + 1'.repeat(100)}; int y = 1 ? 2 : 3 ? 4 : 5; }`)).toEqual([])
  })
})
