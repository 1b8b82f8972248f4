/**
 * goto, scoped cleanup (CLASS(fd, f)(n), __attribute__((cleanup(fn))), __cleanup(fn)) and the
 * hazard of a goto past the initialisation of a cleanup variable.
 */
import { describe, expect, it } from 'vitest'
import { runSources, type RunOutcome } from '../../../../main/engine/lab/run'
import type { ProfileName } from '../../../../main/engine/sim/profile'

const run = (code: string, profile: ProfileName = '6.18'): RunOutcome => runSources({ sources: [{ code, file: 't.c' }], profile })
const obs = (o: RunOutcome, k: string): string[] | undefined => o.observations.get(k)?.map(String)
const errors = (o: RunOutcome): string[] => o.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.line}:${d.col}: ${d.message}`)
const rules = (o: RunOutcome): string[] => o.violations.filter((v) => v.severity === 'violation').map((v) => v.rule)
const calls = (o: RunOutcome, name: string): number => o.events.filter((e) => e.e === 'enter' && (e as { fn?: string }).fn === name).length

describe('goto', () => {
  it('jumps forwards and backwards within a function, out of loops, and into nested blocks', () => {
    const o = run(`int f(int n) {
  int tries = 0;
again:
  tries++;
  if (tries < n) goto again;
  for (int i = 0; i < 10; i++) {
    if (i == 3) goto out;
  }
  tries = -1;
out:
  return tries;
}
process p {
  observe("three", f(3));
  int x = 0;
  goto inner;
  x = 100;
  {
    x = 200;
  inner:
    x++;
  }
  observe("x", x);
}`)
    expect(errors(o)).toEqual([])
    expect([...o.expectFailures, ...o.runtimeErrors]).toEqual([])
    expect([obs(o, 'three'), obs(o, 'x')]).toEqual([['3'], ['1']])
  })

  it('reports an unknown label, a duplicate label and a jump into a loop body', () => {
    const o = run(`process p {
  goto nowhere;
  goto inloop;
  while (0) { inloop: ; }
dup: ;
dup: ;
  goto dup;
}`)
    expect(errors(o)).toEqual([
      "2:3: goto nowhere: no label 'nowhere:' in this process p",
      '3:3: goto inloop: lab C jumps only to a label in an enclosing { } block (not into an if, loop or switch body)',
      "6:1: label 'dup' is already defined at 5:1",
    ])
  })
})

describe('scoped cleanup', () => {
  const driver = (body: string, extra = ''): string => `${extra}
driver d {
  long ioctl(struct file *filp, unsigned int cmd, unsigned long arg) {
${body}
  }
}
process app {
  int fd = open("/dev/d", O_RDWR);
  int r = ioctl(fd, 0, fd);
  observe("r", r);
  close(fd);
}`

  for (const p of ['6.5', '6.18'] as const) {
    it(`CLASS(fd, f)(n) calls fdput(f) when f leaves scope, on every path (${p})`, () => {
      const o = run(driver(`    if (cmd == 0) {
      CLASS(fd, f)(arg);
      if (fd_empty(f)) return -EBADF;
      if (fd_file(f) != filp) return -EINVAL;
    }
    CLASS(fd, g)(arg);
    return fd_empty(g) ? -EBADF : 7;`), p)
      expect(errors(o)).toEqual([])
      expect([...o.expectFailures, ...o.runtimeErrors]).toEqual([])
      expect(obs(o, 'r')).toEqual(['7'])
      // ioctl(2) itself takes one fdget/fdput pair around the driver's ioctl.
      expect(calls(o, 'fdget')).toBe(3)
      expect(calls(o, 'fdput')).toBe(3)
      expect(rules(o)).toEqual([])
    })
  }

  it('a missing cleanup is the V2 leak the sanitizer reports, and CLASS fixes it', () => {
    const leak = run(driver(`    struct fd f = fdget(arg);
    if (fd_file(f) != filp) return -EINVAL;
    return 0;`))
    expect(rules(leak)).toContain('V2')
    const fixed = run(driver(`    CLASS(fd, f)(arg);
    if (fd_file(f) != filp) return -EINVAL;
    return 0;`))
    expect(rules(fixed)).toEqual([])
  })

  it('__attribute__((cleanup(fn))) and __cleanup(fn) call fn(&var) in reverse order', () => {
    const o = run(driver(`    struct fd a __attribute__((cleanup(put_fd))) = fdget(arg);
    struct fd b __cleanup(put_fd) = fdget(999);
    return 0;`, `void put_fd(struct fd *p) { observe("put_empty", fd_empty(*p)); fdput(*p); }`))
    expect(errors(o)).toEqual([])
    expect([...o.expectFailures, ...o.runtimeErrors]).toEqual([])
    expect(obs(o, 'put_empty')).toEqual(['1', '0'])
    expect(calls(o, 'fdput')).toBe(3)
    expect(rules(o)).toEqual([])
  })

  it('a goto backwards past a cleanup variable runs its cleanup each time round', () => {
    const o = run(driver(`    int n = 0;
again:
    CLASS(fd, f)(arg);
    n++;
    if (n < 3) goto again;
    return n;`))
    expect(errors(o)).toEqual([])
    expect(obs(o, 'r')).toEqual(['3'])
    expect(calls(o, 'fdget')).toBe(4)
    expect(calls(o, 'fdput')).toBe(4)
    expect(rules(o)).toEqual([])
  })

  it('a goto past the initialisation of a cleanup variable: the cleanup runs on an uninitialised value (uninit-value)', () => {
    const o = run(driver(`    int ret = -EBADF;
    if (cmd == 0) goto out;
    CLASS(fd, f)(arg);
    ret = 0;
out:
    return ret;`))
    expect(errors(o)).toEqual([])
    expect(obs(o, 'r')).toEqual(['-1'])
    expect(rules(o)).toEqual(['uninit-value'])
    const v = o.violations.find((x) => x.rule === 'uninit-value')!
    expect(v.message).toContain("use of uninitialised 'f': its initialisation at 6:15 was jumped over by the goto at 5:19")
    // The same function without the jump over the declaration is clean.
    const ok = run(driver(`    int ret = -EBADF;
    if (cmd == 0) return ret;
    CLASS(fd, f)(arg);
    return 0;`))
    expect(rules(ok)).toEqual([])
  })

  it('CLASS(fd_raw) and CLASS(fd_pos) exist in 6.18 only', () => {
    const src = driver(`    CLASS(fd_pos, f)(arg);
    return fd_empty(f) ? -EBADF : 0;`)
    expect(errors(run(src, '6.18'))).toEqual([])
    expect(errors(run(src, '6.5'))).toEqual(['4:19: CLASS(fd_pos) is not defined in kernel 6.5 (only in 6.18)'])
    expect(errors(run(driver('    CLASS(nope, f)(arg);\n    return 0;')))).toEqual(['4:11: unknown class \'nope\' (lab C knows fd, fd_raw, fd_pos, get_unused_fd)'])
  })
})

describe('goto across bodies', () => {
  it('a goto cannot leave a thread, fork or exec body, nor a function', () => {
    const o = run(`int f(void) { goto top; return 0; }
process p {
top: ;
  thread t { goto top; }
  int k = fork { goto top; };
  exec("/bin/true") { goto top; }
  goto top;
}`)
    expect(errors(o)).toEqual([
      "1:15: goto top: no label 'top:' in this function f",
      "4:14: goto top: no label 'top:' in this thread or fork body",
      "5:18: goto top: no label 'top:' in this thread or fork body",
      "6:23: goto top: no label 'top:' in this exec image",
    ])
  })

  it('a goto that loops forever stops at the statement budget, as any loop does', () => {
    const o = run(`process p {
again:
  goto again;
}`)
    expect(o.status).toBe('budget')
    expect(o.runtimeErrors.map((d) => d.message).join('\n')).toMatch(/limit/)
  })
})

describe('__cleanup on other types', () => {
  it('an int cleanup variable gets a pointer to itself; a wrong cleanup signature is a type error', () => {
    const o = run(`void show(int *p) { observe("at_exit", *p); }
kthread k {
  {
    int x __cleanup(show) = 1;
    x = 42;
  }
  observe("after", 1);
}`)
    expect(errors(o)).toEqual([])
    expect([obs(o, 'at_exit'), obs(o, 'after')]).toEqual([['42'], ['1']])
    const bad = run(`void show(long v) { }
kthread k { struct fd f __cleanup(show) = EMPTY_FD; }`)
    expect(errors(bad).length).toBeGreaterThan(0)
    const missing = run('kthread k { int x __cleanup(nosuch) = 1; }')
    expect(errors(missing)).toEqual(["1:29: the cleanup function 'nosuch' must be a lab function taking a pointer to the variable (int *)"])
  })
})

describe('CLASS(get_unused_fd), take_fd, __free(fput), no_free_ptr (6.18)', () => {
  const drv = (body: string): string => `driver d {
  long ioctl(struct file *filp, unsigned int cmd, unsigned long arg) {
${body}
  }
}
process app {
  int fd = open("/dev/d", O_RDWR);
  observe("r", ioctl(fd, 0, fd));
  observe("open_fds", fd_count(getpid()));
}`

  it('a reserved fd is given back at the end of the scope unless take_fd() disarmed it', () => {
    // Installed and taken: the new fd stays (fd_count 2: the driver fd and the new one... plus stdio).
    const kept = run(drv(`    CLASS(get_unused_fd, nfd)(O_CLOEXEC);
    if (nfd < 0) return nfd;
    fd_install(nfd, get_file(filp));
    return take_fd(nfd);`))
    expect(errors(kept)).toEqual([])
    expect([...kept.expectFailures, ...kept.runtimeErrors]).toEqual([])
    expect(obs(kept, 'r')).toEqual(['4'])
    expect(obs(kept, 'open_fds')).toEqual(['5'])
    expect(rules(kept)).toEqual([])
    // An error path after the reservation: put_unused_fd runs by itself.
    const undone = run(drv(`    CLASS(get_unused_fd, nfd)(O_CLOEXEC);
    if (nfd < 0) return nfd;
    return -EINVAL;`))
    expect(obs(undone, 'open_fds')).toEqual(['4'])
    expect(calls(undone, 'put_unused_fd')).toBe(1)
    expect(rules(undone)).toEqual([])
  })

  it('__free(fput) drops the reference at the end of the scope; no_free_ptr hands it on', () => {
    const o = run(drv(`    long before = file_count(filp);
    {
      struct file *f __free(fput) = fget(arg);
      expect(file_count(filp) == before + 1);
    }
    expect(file_count(filp) == before);
    struct file *bad __free(fput) = fget(999);   // NULL: nothing to put
    struct file *kept;
    {
      struct file *g __free(fput) = fget(arg);
      kept = no_free_ptr(g);
      expect(g == NULL);
    }
    expect(file_count(filp) == before + 1);
    fput(kept);
    return 0;`))
    expect(errors(o)).toEqual([])
    expect([...o.expectFailures, ...o.runtimeErrors]).toEqual([])
    expect(obs(o, 'r')).toEqual(['0'])
    expect(rules(o)).toEqual([])
  })

  it('these are 6.18 names; in 6.5 they are errors', () => {
    const o = run(drv(`    CLASS(get_unused_fd, nfd)(0);
    struct file *f __free(fput) = fget(arg);
    return take_fd(nfd);`), '6.5')
    expect(errors(o)).toEqual([
      '3:26: CLASS(get_unused_fd) is not defined in kernel 6.5 (only in 6.18)',
      '4:27: __free(fput) is not defined in kernel 6.5 (only in 6.18)',
      "5:12: 'take_fd' is not defined in kernel 6.5 (only in 6.18)",
    ])
  })
})
