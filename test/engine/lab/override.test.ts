/**
 * An exercise replaces the engine Binder's binder_deferred_fd_close with the student's code.
 */
import { describe, it, expect } from 'vitest'
import { runSources } from '../../../main/engine/lab/run'

const lab = (body: string) => runSources({ sources: [{ file: 't.c', code: `#include <linux/android/binder.h>
void binder_deferred_fd_close(int fd) {
${body}
}
process app {
  int b = open("/dev/binder", O_RDWR);
  ioctl(b, BINDER_FREE_FD, b);
}` }], profile: '6.18' })

describe('overriding binder_deferred_fd_close', () => {
  it("runs the lab's version: a close without the pin breaks the fdget rules", () => {
    const o = lab('  struct file *f = file_close_fd(fd);\n  if (!f) return;\n  filp_close(f, current->files);')
    // The one kernel function the engine calls through the lab: no warning about hiding it.
    expect(o.diagnostics.map((d) => d.code)).toEqual([])
    expect(o.violations.map((v) => v.rule)).toContain('V2')
  })
  it('a lab function named like a kernel function the engine never calls through the lab is a warning', () => {
    const o = runSources({ sources: [{ file: 't.c', code: 'int close_fd(unsigned int fd) { return 0; }\nprocess app { close(0); }' }], profile: '6.18' })
    expect(o.diagnostics.map((d) => [d.severity, d.code, d.line])).toEqual([['warning', 'shadow', 1]])
    expect(o.diagnostics[0]!.message).toContain("the engine's kernel paths (system calls, drivers, task work) still call the kernel's own close_fd")
  })
  it('a correct version (pin, filp_close, fput after the ioctl via task work) is clean', () => {
    const o = runSources({ sources: [{ file: 't.c', code: `#include <linux/android/binder.h>
struct file *pinned;
struct callback_head twork;
void drop(struct callback_head *h) { fput(pinned); }
void binder_deferred_fd_close(int fd) {
  struct file *f = file_close_fd(fd);
  if (!f) return;
  get_file(f);
  pinned = f;
  filp_close(f, current->files);
  init_task_work(&twork, drop);
  task_work_add(current, &twork, TWA_RESUME);
}
process app {
  int b = open("/dev/binder", O_RDWR);
  ioctl(b, BINDER_FREE_FD, b);
}` }], profile: '6.18' })
    expect(o.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
    expect(o.violations.filter((v) => v.severity === 'violation')).toEqual([])
  })
})
