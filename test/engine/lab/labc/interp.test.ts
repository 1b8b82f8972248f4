import { describe, expect, it } from 'vitest'
import { instantiate, runSources, type RunOutcome, type RunSpec } from '../../../../main/engine/lab/run'
import type { ProfileName } from '../../../../main/engine/sim/profile'
import { EVERY_CONSTRUCT } from '../../../fixtures/programs'

const run = (code: string, profile: ProfileName = '6.18', extra: Partial<RunSpec> = {}): RunOutcome => {
  const o = runSources({ sources: [{ code, file: 't.c' }], profile, ...extra })
  expect(o.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
  return o
}
const obs = (o: RunOutcome, k: string) => o.observations.get(k)?.map(String)
const sys = (o: RunOutcome) => o.events.filter((e) => e.e === 'sys_exit').map((e) => `${e.tid} ${(e as { name: string }).name}=${(e as { ret: number }).ret}`)
const clean = (o: RunOutcome) => {
  expect(o.expectFailures).toEqual([])
  expect(o.runtimeErrors).toEqual([])
}

describe('lab C at run time', () => {
  it('makes system calls with libc conventions and observes values', () => {
    for (const p of ['6.5', '6.18'] as const) {
      const o = run(`process app {
  int fd = open("/tmp/a", O_RDWR | O_CREAT, 0644);
  observe("fd", fd);
  expect(close(fd) == 0);
  int r = close(fd);
  observe("r", r); observe("errno", errno);
  observe("neg", close(-1));
}`, p)
      clean(o)
      expect(o.status).toBe('done')
      expect([obs(o, 'fd'), obs(o, 'r'), obs(o, 'errno'), obs(o, 'neg')]).toEqual([['3'], ['-1'], ['9'], ['-1']])
      expect(sys(o)).toEqual(['100 open=3', '100 close=0', '100 close=-9', '100 close=-9'])
    }
  })

  it('does 64-bit arithmetic with C conversions on stores', () => {
    const o = run(`process p {
  long big = 9223372036854775807;
  big = big + 1;
  observe("wrap", big);
  unsigned int u = -1; observe("u", u);
  int i = 4294967295; observe("i", i);
  unsigned long ul = -1; observe("ulcmp", ul == -1);
  char c = 300; observe("c", c);
  observe("div", -7 / 2); observe("mod", -7 % 2); observe("shift", 1 << 40);
  observe("size", sizeof(struct flock)); observe("sizeint", sizeof(int));
  int x = 5; x += 3; x <<= 1; x--; ++x; observe("x", x);
  observe("cond", x > 10 ? 1 : 2);
}`)
    clean(o)
    expect(['wrap', 'u', 'i', 'ulcmp', 'c', 'div', 'mod', 'shift', 'size', 'sizeint', 'x', 'cond'].map((k) => obs(o, k)?.[0])).toEqual([
      '-9223372036854775808', '4294967295', '-1', '1', '44', '-3', '-1', '1099511627776', '24', '4', '16', '1',
    ])
  })

  it('runs loops, switch fallthrough, recursion and function pointers', () => {
    const o = run(`int fact(int n) { return n <= 1 ? 1 : n * fact(n - 1); }
int classify(int v) {
  int r = 0;
  switch (v) { case 1: r += 1; case 2: r += 10; break; case 3: r = 100; break; default: r = -1; }
  return r;
}
process p {
  int sum = 0;
  for (int i = 0; i < 10; i++) { if (i == 3) continue; if (i == 8) break; sum += i; }
  int n = 0; while (1) { n++; if (n == 5) break; }
  int d = 0; do { d++; } while (d < 3);
  observe("sum", sum); observe("n", n); observe("d", d); observe("fact", fact(10));
  observe("c1", classify(1)); observe("c2", classify(2)); observe("c3", classify(3)); observe("c9", classify(9));
}`)
    clean(o)
    expect(['sum', 'n', 'd', 'fact', 'c1', 'c2', 'c3', 'c9'].map((k) => obs(o, k)?.[0])).toEqual(['25', '5', '3', '3628800', '11', '10', '100', '-1'])
  })

  it('moves bytes through a pipe with char arrays and formats printf', () => {
    const o = run(`process p {
  int fds[2];
  char out[8] = "hello";
  char in[8];
  expect(pipe(fds) == 0);
  expect(write(fds[1], out, strlen(out)) == 5);
  expect(read(fds[0], in, sizeof(in)) == 5);
  expect(strcmp(in, "hello") == 0);
  observe("in", in);
  printf("%s %d %5u|%-3x|%c %ld\\n", in, -3, 42, 255, 'A', 9223372036854775807);
}`)
    clean(o)
    expect(obs(o, 'in')).toEqual(['hello'])
    expect(o.output).toBe('hello -3    42|ff |A 9223372036854775807\n')
    expect(sys(o)).toContain('100 write=41')
  })

  it('threads share variables and the fd table; forks copy them; join waits', () => {
    const o = run(`process p {
  int shared = 1;
  int fd = open("/tmp/x", O_RDWR | O_CREAT, 0600);
  thread t { shared = 2; observe("count_in_thread", files_count(getpid())); close(fd); }
  join(t);
  observe("shared", shared);
  observe("open_after_thread", fd_is_open(getpid(), fd));
  int child = fork { shared = 3; observe("child_shared", shared); exit(7); };
  int status = 0;
  expect(waitpid(child, &status, 0) == child);
  observe("status", status >> 8);
  observe("parent_shared", shared);
}`)
    clean(o)
    expect(['count_in_thread', 'shared', 'open_after_thread', 'child_shared', 'status', 'parent_shared'].map((k) => obs(o, k)?.[0]))
      .toEqual(['2', '2', '0', '3', '7', '2'])
  })

  it('exec replaces the image and closes close-on-exec fds; a failed exec sets errno', () => {
    const o = run(`process p {
  int keep = open("/tmp/k", O_RDWR | O_CREAT, 0600);
  int gone = open("/tmp/g", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  exec("/nonexistent");
  observe("errno", errno);
  exec("/bin/true") {
    observe("keep", fd_is_open(getpid(), 3));
    observe("gone", fd_is_open(getpid(), 4));
    return 5;
  }
  observe("never", 1);
}`)
    clean(o)
    expect([obs(o, 'errno'), obs(o, 'keep'), obs(o, 'gone'), obs(o, 'never')]).toEqual([['2'], ['1'], ['0'], undefined])
    expect(o.events.some((e) => e.e === 'task' && e.op === 'exit' && e.detail.includes('5'))).toBe(true)
  })

  it('runs kthreads and drivers; a kthread final fput goes to the delayed list', () => {
    const o = run(`struct file *stash;
driver d {
  long ioctl(struct file *f, unsigned int cmd, unsigned long arg) {
    if (cmd == 1) { stash = get_file(f); return file_count(f); }
    return -ENOTTY;
  }
  ssize_t read(struct file *f, char *buf, size_t count, loff_t *pos) { buf[0] = 'k'; buf[1] = '!'; *pos += 2; return 2; }
  int release(struct inode *inode, struct file *f) { printk("release %p\\n", f); return 0; }
}
kthread reaper {
  while (stash == NULL) cond_resched();
  fput(stash);
  expect(delayed_fputs() == 1, "a kthread's last fput is deferred to the kworker");
}
process p {
  int fd = open("/dev/d", O_RDWR);
  char b[4];
  observe("read", read(fd, b, 4)); observe("b", b);
  observe("ioctl", ioctl(fd, 1, 0));
  observe("enotty", ioctl(fd, 2, 0)); observe("errno", errno);
  close(fd);
}`)
    clean(o)
    expect(['read', 'b', 'ioctl', 'enotty', 'errno'].map((k) => obs(o, k)?.[0])).toEqual(['2', 'k!', '2', '-1', '25'])
    expect(o.printk).toEqual(['release file#2\n'])
    const fns = o.events.filter((e) => e.e === 'enter').map((e) => (e as { fn: string }).fn)
    expect(fns).toContain('delayed_fput')
  })

  it('binder-style deferred close is clean; the naive close inside the ioctl breaks the fdget rules', () => {
    const lib = `struct twcb { struct callback_head twork; struct file *file; };
void do_close(struct callback_head *w) { struct twcb *t = container_of(w, struct twcb, twork); fput(t->file); kfree(t); }
int deferred(unsigned int fd) {
  struct twcb *t = kzalloc(sizeof(struct twcb), GFP_KERNEL);
  init_task_work(&t->twork, do_close);
  t->file = file_close_fd(fd);
  if (!t->file) { kfree(t); return -EBADF; }
  get_file(t->file);
  filp_close(t->file, current->files);
  return task_work_add(current, &t->twork, TWA_RESUME);
}
driver b { long ioctl(struct file *f, unsigned int cmd, unsigned long arg) { return cmd == 1 ? deferred(arg) : close_fd(arg); } }
process p { int fd = open("/dev/b", O_RDWR); observe("r", ioctl(fd, CMD, fd)); observe("open", fd_is_open(getpid(), fd)); }`
    const good = run(lib.replace('CMD', '1'))
    clean(good)
    expect(good.violations).toEqual([])
    expect([obs(good, 'r'), obs(good, 'open')]).toEqual([['0'], ['0']])
    const naive = run(lib.replace('CMD', '2'))
    expect(naive.violations.map((v) => v.rule)).toEqual(['V2'])
    // The task work runs after the ioctl returned, on the way back to user space.
    const ev = good.events.map((e) => e.e === 'sys_exit' ? `exit:${e.name}` : e.e === 'task_work' ? `tw:${e.op}:${e.fn}` : '').filter(Boolean)
    expect(ev.indexOf('tw:add:do_close')).toBeLessThan(ev.indexOf('exit:ioctl'))
    expect(ev.indexOf('tw:run:do_close')).toBeGreaterThan(ev.indexOf('exit:ioctl'))
  })

  it('sleeping under a spinlock is a violation; RCU callbacks run after a grace period', () => {
    const o = run(`spinlock_t l;
struct callback_head rh;
int ran;
void cb(struct callback_head *h) { ran = 1; }
kthread k {
  spin_lock(&l); might_sleep(); spin_unlock(&l);
  call_rcu(&rh, cb);
  expect(ran == 0, "not before a grace period");
  synchronize_rcu();
}`)
    clean(o)
    expect(o.violations.map((v) => v.rule)).toEqual(['might_sleep'])
    // The callback runs in the rcu thread once its grace period is over; synchronize_rcu() does
    // not wait for callbacks (rcu_barrier() would), so the run shows it after call_rcu.
    const ev = o.events
    const queued = ev.findIndex((e) => e.e === 'rcu' && e.op === 'call_rcu')
    const ranAt = ev.findIndex((e) => e.e === 'rcu' && e.op === 'callback')
    expect(queued).toBeGreaterThanOrEqual(0)
    expect(ranAt).toBeGreaterThan(queued)
  })

  it('stops runaway kernel code at the statement budget, with its line and column', () => {
    const o = run('kthread k {\n  int i = 0;\n  while (1) { i++; }\n}', '6.18', { limits: { maxStatements: 5000 } })
    expect(o.status).toBe('budget')
    expect(o.limit).toEqual(expect.objectContaining({ code: 'budget', line: 3, message: expect.stringContaining('statement limit: 5000 lab C statements') }))
    expect(o.runtimeErrors).toEqual([o.limit])
  })

  it('stops a user loop at the micro-step budget and reports where', () => {
    const o = run('process p {\n  int i = 0;\n  for (;;) i++;\n}', '6.18', { maxSteps: 3000 })
    expect(o.status).toBe('budget')
    expect(o.runtimeErrors).toEqual([expect.objectContaining({ code: 'budget', line: 3 })])
  })

  it('stops deep recursion at the recursion limit', () => {
    const o = run('int f(int n) { return f(n + 1); }\nprocess p { f(0); }', '6.18', { limits: { maxDepth: 50 } })
    expect(o.runtimeErrors).toEqual([expect.objectContaining({ code: 'recursion', line: 1, col: 23, message: expect.stringContaining('recursion limit') })])
    // A limit is not a crash the program could expect: the whole run stops, its verdict is budget.
    expect(o.status).toBe('budget')
    expect(o.limit?.code).toBe('recursion')
  })

  it('a user-code fault crashes the thread (status 139); a kernel NULL dereference stops the run', () => {
    const u = run('process p {\n  int z = 0;\n  int a[2];\n  a[z + 2] = 1;\n}\nprocess q { observe("q", 1); }')
    expect(u.runtimeErrors).toEqual([expect.objectContaining({ code: 'runtime', line: 4, col: 3, message: 'index 2 is out of bounds (length 2)' })])
    expect(obs(u, 'q')).toEqual(['1'])
    expect(u.events.some((e) => e.e === 'task' && e.op === 'exit' && e.detail.includes('139'))).toBe(true)
    const d = run('process p { int z = 0; int x = 1 / z; }')
    expect(d.runtimeErrors[0]).toMatchObject({ message: 'division by zero', line: 1, col: 34 })
    const k = run('driver d { long ioctl(struct file *f, unsigned int c, unsigned long a) { struct file *n = NULL; return n->f_flags; } }\nprocess p { int fd = open("/dev/d", O_RDWR); ioctl(fd, 0, 0); observe("after", 1); }')
    expect(k.status).toBe('error')
    expect(k.runtimeErrors).toEqual([expect.objectContaining({ line: 1, col: 107, message: expect.stringContaining('kernel oops: NULL pointer dereference') })])
    expect(obs(k, 'after')).toBeUndefined()
  })

  it('converts at the kernel boundary: an fd of -1 arrives as 4294967295', () => {
    const o = run(`int probe(void) { return file_close_fd(-1) == NULL && fget(4294967295) == NULL; }
driver d { long ioctl(struct file *f, unsigned int c, unsigned long a) { return probe(); } }
process p { int fd = open("/dev/d", O_RDWR); observe("r", ioctl(fd, -1, -1)); }`)
    clean(o)
    expect(obs(o, 'r')).toEqual(['1'])
    const args = o.events.filter((e) => e.e === 'enter' && (e.fn === 'file_close_fd' || e.fn === 'sys_ioctl')).map((e) => (e as unknown as { args: unknown[] }).args)
    expect(args).toEqual([[3, 4294967295, -1], [4294967295]])
  })

  it('records labels and expectation failures with positions', () => {
    const o = run('process p {\n  label start;\n  expect(1 == 2, "math");\n  label end;\n}')
    expect([...o.labels.keys()]).toEqual(['start', 'end'])
    expect(o.expectFailures).toEqual([expect.objectContaining({ line: 3, col: 3, message: expect.stringContaining('math (1 == 2)') })])
  })

  it('every construct runs (6.18)', () => {
    const o = run(EVERY_CONSTRUCT)
    clean(o)
    expect(o.status).toBe('done')
  })

  it('is deterministic and replays a schedule exactly', () => {
    const code = 'process a { int fd = open("/tmp/f", O_RDWR|O_CREAT, 0600); thread t { close(fd); } int r = dup(fd); observe("r", r); }'
    const a = run(code), b = run(code)
    expect(b.events).toEqual(a.events)
    const c = run(code, '6.18', { schedule: a.schedule })
    expect(c.events).toEqual(a.events)
  })

  it('threads interleave inside kernel paths', () => {
    const code = `process p {
  int fds[2];
  pipe(fds);
  thread t { close(fds[0]); }
  char b[1];
  observe("r", read(fds[0], b, 1));
}`
    const { instance } = instantiate({ sources: [{ code, file: 't.c' }], profile: '6.18' })
    const m = instance!.machine
    // Alternate between user threads at every micro-step where both can run.
    let last = 0
    for (let i = 0; i < 5000; i++) {
      const en = m.enabled()
      if (!en.length) break
      const users = en.filter((t) => t.kind !== 'system')
      const pick = users.find((t) => t.tid !== last) ?? users[0] ?? en[0]!
      last = pick.tid
      m.step(pick.tid)
    }
    const ev = m.k.trace.events
    const enter = ev.findIndex((e) => e.e === 'sys_enter' && e.name === 'close')
    const exit = ev.findIndex((e) => e.e === 'sys_exit' && e.name === 'close')
    const closer = ev[enter]!.tid
    expect(ev.slice(enter + 1, exit).some((e) => e.tid !== closer && e.e !== 'user')).toBe(true)
  })
})

describe('user functions', () => {
  it('may fork and start threads (they are user code)', () => {
    const o = run(`int spawn(int fd) {
  int pid = fork { close(fd); };
  thread t { observe("tid", gettid() > 100); }
  join(t);
  return pid;
}
process p { int fd = open("/tmp/s", O_RDWR | O_CREAT, 0600); int c = spawn(fd); waitpid(c, NULL, 0); observe("child", c > 100); }`)
    clean(o)
    expect([obs(o, 'tid'), obs(o, 'child')]).toEqual([['1'], ['1']])
  })
})

describe('the engine\'s Binder driver and sched_yield', () => {
  it('#include <linux/android/binder.h> gives /dev/binder; sched_yield lets the other process run', () => {
    const o = run(`#include <linux/android/binder.h>
process mgr {
  int b = open("/dev/binder", O_RDWR);
  expect(ioctl(b, BINDER_SET_CONTEXT_MGR, 0) == 0);
  int got = -1;
  while (got < 0) { got = ioctl(b, BINDER_RECV_FD, 0); if (got < 0) sched_yield(); }
  observe("received", got);
  observe("cloexec", fcntl(got, F_GETFD) & FD_CLOEXEC);
  expect(ioctl(b, BINDER_FREE_FD, got) == 0);
  expect(!fd_is_open(getpid(), got));
}
process client {
  int b = open("/dev/binder", O_RDWR);
  int f = open("/tmp/payload", O_RDWR | O_CREAT, 0600);
  while (ioctl(b, BINDER_SEND_FD, f) != 0) sched_yield();
}`)
    clean(o)
    expect(o.status).toBe('done')
    expect([obs(o, 'received'), obs(o, 'cloexec')]).toEqual([['4'], ['1']])
    expect(o.violations).toEqual([])
    const fns = o.events.filter((e) => e.e === 'enter').map((e) => (e as { fn: string }).fn)
    expect(fns).toEqual(expect.arrayContaining(['binder_translate_fd', 'binder_apply_fd_fixups', 'binder_deferred_fd_close', 'binder_do_fd_close']))
  })
  it('without the include there is no /dev/binder', () => {
    const o = run('process p { observe("fd", open("/dev/binder", O_RDWR)); observe("errno", errno); }')
    expect([obs(o, 'fd'), obs(o, 'errno')]).toEqual([['-1'], ['2']])
  })
})
