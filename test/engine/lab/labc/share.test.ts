/**
 * Sharing the fd table: clone(FLAGS) { } in lab C (CLONE_FILES without CLONE_THREAD: two
 * processes, one table), create_io_thread (kernel code that creates a task sharing
 * current->files), the V2 "no clone under a light borrow" rule it provokes, and V14 (an inexact
 * files_struct.count).
 */
import { describe, expect, it } from 'vitest'
import { runSources, type RunOutcome, type RunSpec } from '../../../../main/engine/lab/run'
import type { ProfileName } from '../../../../main/engine/sim/profile'

const run = (code: string, profile: ProfileName = '6.18', extra: Partial<RunSpec> = {}): RunOutcome =>
  runSources({ sources: [{ code, file: 't.c' }], profile, ...extra })
const obs = (o: RunOutcome, k: string): string[] | undefined => o.observations.get(k)?.map(String)
const errors = (o: RunOutcome): string[] => o.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.line}:${d.col}: ${d.message}`)
const rules = (o: RunOutcome): string[] => [...new Set(o.violations.filter((v) => v.severity === 'violation').map((v) => v.rule))]

describe('clone(FLAGS) { child }', () => {
  for (const p of ['6.5', '6.18'] as const) {
    it(`CLONE_FILES without CLONE_THREAD: another process sharing the table (${p})`, () => {
      const o = run(`process app {
  int fd = open("/tmp/a", O_RDWR | O_CREAT, 0600);
  int me = getpid();
  int kid = clone(CLONE_FILES | SIGCHLD) {
    observe("child_is_process", getpid() != me);
    observe("count_in_child", files_count(me));
    close(fd);                      // closes it in the one shared table
    exit(0);
  };
  int st = 0;
  expect(waitpid(kid, &st, 0) == kid);
  observe("parent_sees_closed", !fd_is_open(me, fd));
  observe("count_after", files_count(me));
}`, p)
      expect(errors(o)).toEqual([])
      expect([...o.expectFailures, ...o.runtimeErrors]).toEqual([])
      expect([obs(o, 'child_is_process'), obs(o, 'count_in_child'), obs(o, 'parent_sees_closed'), obs(o, 'count_after')])
        .toEqual([['1'], ['2'], ['1'], ['1']])
      expect(rules(o)).toEqual([])
    })
  }

  it('without CLONE_FILES the child gets a copy, as with fork', () => {
    const o = run(`process app {
  int fd = open("/tmp/a", O_RDWR | O_CREAT, 0600);
  int kid = clone(SIGCHLD) { close(fd); exit(0); };
  waitpid(kid, NULL, 0);
  observe("still_open", fd_is_open(getpid(), fd));
}`)
    expect(errors(o)).toEqual([])
    expect(obs(o, 'still_open')).toEqual(['1'])
  })

  it('clone takes one flags argument and is user code only', () => {
    expect(errors(run('process app { clone(CLONE_FILES, 0) { exit(0); }; }'))).toEqual(['1:15: clone takes the clone flags: clone(CLONE_FILES | SIGCHLD) { child code }'])
    expect(errors(run('kthread k { clone(CLONE_FILES) { }; }')).join('\n')).toMatch(/clone\(FLAGS\) \{ \.\.\. \} is only allowed in process/)
  })
})

describe('create_io_thread: kernel code that creates a task', () => {
  const src = (shared: boolean): string => `int victim;
int worker(void *arg) {
  close_fd(victim);                 // the shared table's reference: dropped
  return 0;
}
driver uring {
  long ioctl(struct file *filp, unsigned int cmd, unsigned long arg) {
    victim = arg;
    struct fd f = fdget(arg);       // light when files->count == 1
    if (fd_empty(f)) return -EBADF;
    create_io_thread(worker, NULL, 0);   // the table becomes shared under the borrow
    expect(current->files->count == ${shared ? 3 : 2});
    fdput(f);
    return 0;
  }
}
process app {
  int u = open("/dev/uring", O_RDWR);
  int fd = open("/tmp/x", O_RDWR | O_CREAT, 0600);
${shared ? `  int p[2];
  pipe(p);
  thread t { char b[1]; read(p[0], b, 1); }   // the table is shared before the ioctl
  ioctl(u, 0, fd);
  write(p[1], "x", 1);
  join(t);` : '  ioctl(u, 0, fd);'}
}`

  for (const p of ['6.5', '6.18'] as const) {
    it(`creating a task that shares current->files under a light borrow breaks V2; with counted borrows it is safe (${p})`, () => {
      // Single-threaded: ioctl(2)'s own fdget of the driver file and the driver's fdget are light.
      const bad = run(src(false), p)
      expect(errors(bad)).toEqual([])
      expect(bad.expectFailures).toEqual([])
      expect(rules(bad)).toContain('V2')
      expect(bad.violations.find((v) => v.rule === 'V2')!.message).toContain('clone(CLONE_FILES) by app/100 while it holds a light fdget borrow')
      expect(bad.events.some((e) => e.e === 'enter' && (e as { fn?: string }).fn === 'create_io_thread')).toBe(true)
      // A thread already shares the table: every fdget clones a reference, nothing is borrowed.
      const ok = run(src(true), p)
      expect(errors(ok)).toEqual([])
      expect([...ok.expectFailures, ...ok.runtimeErrors]).toEqual([])
      expect(rules(ok)).toEqual([])
    })
  }

  it('the worker is a task of the same thread group, PF_IO_WORKER, sharing the table', () => {
    const o = run(`int worker(void *arg) {
  observe("io_worker", (current->flags & PF_IO_WORKER) != 0);
  return 0;
}
driver uring {
  long ioctl(struct file *filp, unsigned int cmd, unsigned long arg) {
    struct task_struct *t = create_io_thread(worker, NULL, 0);
    if (IS_ERR(t)) return PTR_ERR(t);
    observe("same_group", t->tgid == current->tgid && t->pid != current->pid);
    observe("shares", t->files == current->files);
    observe("count", current->files->count);
    return 0;
  }
}
process app {
  int u = open("/dev/uring", O_RDWR);
  ioctl(u, 0, 0);
}`)
    expect(errors(o)).toEqual([])
    expect([...o.expectFailures, ...o.runtimeErrors]).toEqual([])
    expect([obs(o, 'same_group'), obs(o, 'shares'), obs(o, 'count'), obs(o, 'io_worker')]).toEqual([['1'], ['1'], ['2'], ['1']])
    expect(rules(o)).toEqual(['V2'])   // ioctl(2)'s own light fdget of the driver file
  })
})

describe('V14: files_struct.count must be exact', () => {
  const threads = `process app {
  int fd = open("/tmp/a", O_RDWR | O_CREAT, 0600);
  thread t { read(fd, NULL, 0); }
  join(t);
}`
  it('is clean when clone counts every task sharing the table', () => {
    const o = run(threads)
    expect(rules(o)).toEqual([])
  })

  it('catches a clone that does not raise the count (variant files_count_too_low)', () => {
    const o = run(threads, '6.18', { variants: { files_count_too_low: true } })
    expect(rules(o)).toContain('V14')
    const v = o.violations.find((x) => x.rule === 'V14')!
    expect(v.message).toMatch(/copy_files\(CLONE_FILES\) for \d+: files#\d+->count is 1 but 2 task\(s\) use the table/)
  })
})
