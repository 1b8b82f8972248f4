/**
 * The sanitizer's borrow and count rules (V2, V3, V5) observe the kernel through tracepoints
 * (machine/sanitizer.ts); each finding keeps the step and the place in the trace it had when the
 * checks ran inside the kernel functions: between the same two events.
 */
import { describe, expect, it } from 'vitest'
import { runSources } from '../../../main/engine/lab/run'
import type { TraceEvent } from '../../../main/engine/sim/trace'

const SCEN: Record<string, string> = {
  double_fdput: 'driver d { long ioctl(struct file *f, unsigned int cmd, unsigned long arg) { struct fd a = fdget(arg); fdput(a); fdput(a); return 0; } }\nprocess p { int b = open("/dev/d", O_RDWR); ioctl(b, 0, b); }',
  mismatch: 'driver d { long ioctl(struct file *f, unsigned int cmd, unsigned long arg) { struct fd a = fdget(arg); fdput_pos(a); return 0; } }\nprocess p { int b = open("/dev/d", O_RDWR); ioctl(b, 0, b); }',
  pos_twice: 'driver d { long ioctl(struct file *f, unsigned int cmd, unsigned long arg) { struct fd a = fdget_pos(arg); fdput_pos(a); fdput_pos(a); return 0; } }\nprocess p { int b = open("/tmp/x", O_RDWR | O_CREAT, 0600); int c = dup(b); int d = open("/dev/d", O_RDWR); ioctl(d, 0, b); }',
  forget: 'driver d { long ioctl(struct file *f, unsigned int cmd, unsigned long arg) { struct fd a = fdget(arg); return 0; } }\nprocess p { int b = open("/dev/d", O_RDWR); ioctl(b, 0, b); close(b); }',
  v5: 'driver d { long ioctl(struct file *f, unsigned int cmd, unsigned long arg) { int fd = get_unused_fd_flags(0); get_file(f); fd_install(fd, f); put_unused_fd(fd); return fd; } }\nprocess p { int b = open("/dev/d", O_RDWR); ioctl(b, 0, 0); }',
  borrowed: 'driver d { long ioctl(struct file *f, unsigned int cmd, unsigned long arg) { struct fd a = BORROWED_FD(f); return 0; } }\nprocess p { int b = open("/dev/d", O_RDWR); ioctl(b, 0, 0); }',
  v2close: 'driver d { long ioctl(struct file *f, unsigned int cmd, unsigned long arg) { return close_fd(arg); } }\nprocess p { int b = open("/dev/d", O_RDWR); ioctl(b, 0, b); }',
}

function describeEvent(e: TraceEvent | undefined): string {
  if (!e) return 'end'
  switch (e.e) {
    case 'enter': case 'exit': return `${e.e} ${e.fn}`
    case 'violation': return `violation ${e.rule}`
    case 'lock': return `lock ${e.op}`
    case 'ref': return `ref ${e.from}->${e.to}`
    case 'sys_exit': return `sys_exit ${e.name}`
    default: return e.e
  }
}

describe('sanitizer findings keep their place in the trace', () => {
  it.each([
    ['double_fdput', '6.18', 'V3', 16, 'enter fdput', 'exit fdput'],
    ['double_fdput', '6.5', 'V3', 16, 'enter fdput', 'exit fdput'],
    ['mismatch', '6.18', 'V3', 16, 'enter fdput_pos', 'exit fdput_pos'],
    ['mismatch', '6.5', 'V3', 16, 'enter fdput_pos', 'exit fdput_pos'],
    ['pos_twice', '6.18', 'bad-unlock', 41, 'enter fdput_pos', 'violation V3'],
    ['pos_twice', '6.18', 'V3', 41, 'violation bad-unlock', 'exit fdput_pos'],
    ['pos_twice', '6.5', 'bad-unlock', 41, 'enter fdput_pos', 'violation V3'],
    ['pos_twice', '6.5', 'V3', 41, 'violation bad-unlock', 'exit fdput_pos'],
    ['forget', '6.18', 'V2', 16, 'exit sys_ioctl', 'sys_exit ioctl'],
    ['forget', '6.5', 'V2', 16, 'exit sys_ioctl', 'sys_exit ioctl'],
    ['v5', '6.18', 'V5', 21, 'lock acquire', 'enter __put_unused_fd'],
    ['v5', '6.5', 'V5', 21, 'lock acquire', 'enter __put_unused_fd'],
    ['borrowed', '6.18', 'V2', 14, 'exit sys_ioctl', 'sys_exit ioctl'],
    ['v2close', '6.18', 'V2', 20, 'ref 1->0', 'enter __fput_deferred'],
    ['v2close', '6.5', 'V2', 19, 'ref 1->0', 'enter task_work_add'],
  ] as const)('%s (%s): %s at step %i, between %s and %s', (name, profile, rule, step, before, after) => {
    const o = runSources({ sources: [{ code: SCEN[name]!, file: `${name}.c` }], profile })
    const v = o.violations.find((x) => x.rule === rule)!
    expect(v).toBeDefined()
    expect([v.step, describeEvent(o.events[v.traceIndex - 1]), describeEvent(o.events[v.traceIndex + 1])]).toEqual([step, before, after])
  })
})
