/**
 * Plausible wrong answers to the exercises the three first graded labs shipped with, each with the
 * tests it must fail under each profile (test name without the profile → the profiles it fails
 * under; '*' every profile it runs under). The curriculum's own wrong answers, three or more for
 * every exercise of all nine labs, are graded by wrong-files.test.ts.
 */
export interface Wrong { readonly why: string; readonly answer: string; readonly fails: Readonly<Record<string, '*' | readonly string[]>> }

const predict = (...vals: string[]): Wrong[] => vals.map((v) => ({ why: `answers ${v}`, answer: v, fails: { answer: '*' } }))

export const WRONG: Record<'close-path' | 'binder-deferred-close' | 'races', Record<string, readonly Wrong[]>> = {
  'close-path': {
    'next-fd': predict('3', '5', '6'),
    'max-fds': predict('64', '74', '1024'),
    'double-close': predict('0', '-1', 'EBADF'),
    flushes: predict('1', '0', '3'),
    'pending-65': predict('1', '2', 'none'),
    'pending-618': predict('0', '2', '3'),
    'pending-dup2': predict('1', '2', '3'),
    delayed: predict('0', '2', '3'),
    'lose-lock': [
      { why: 'the starter: takes the lock and never loses it', fails: { 'note-appears': '*', 'no-violation': '*' }, answer: `process app {
  struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
  int fd = open("/tmp/data", O_RDWR | O_CREAT, 0600);
  fcntl(fd, F_SETLK, &fl);
}
` },
      { why: 'closes the locking fd itself (the lock goes with its fd: no surprise)', fails: { 'note-appears': '*', 'no-violation': '*' }, answer: `process app {
  struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
  int fd = open("/tmp/data", O_RDWR | O_CREAT, 0600);
  fcntl(fd, F_SETLK, &fl);
  close(fd);
}
` },
      { why: 'an OFD lock: closing another fd keeps it', fails: { 'note-appears': '*', 'no-violation': '*' }, answer: `process app {
  struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
  int fd = open("/tmp/data", O_RDWR | O_CREAT, 0600);
  fcntl(fd, F_OFD_SETLK, &fl);
  int other = open("/tmp/data", O_RDONLY);
  close(other);
}
` },
    ],
    'my-close': [
      { why: 'the starter close_fd: the last fput is deferred to task work', fails: { 'sync-teardown': '*' }, answer: `long my_close(unsigned int fd) {
  return close_fd(fd);
}
` },
      { why: 'no flush (the POSIX locks stay) and a deferred fput on 6.18', fails: { 'posix-locks': ['6.18'], 'sync-teardown': '*' }, answer: `long my_close(unsigned int fd) {
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
  struct file *f = file_close_fd(fd);
  if (!f) return -EBADF;
  fput(f);
  return 0;
#else
  struct file *f = close_fd_get_file(fd);
  if (!f) return -EBADF;
  return filp_close(f, current->files);
#endif
}
` },
      { why: 'no EBADF check: a NULL file flushed', fails: { 'bad-fd': '*' }, answer: `long my_close(unsigned int fd) {
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
  struct file *f = file_close_fd(fd);
  long r = filp_flush(f, current->files);
  fput_close_sync(f);
  return r;
#else
  struct file *f = close_fd_get_file(fd);
  return filp_close(f, current->files);
#endif
}
` },
      { why: 'returns 0 and closes nothing', fails: { 'closes-the-fd': '*', 'bad-fd': '*', 'posix-locks': '*', 'sync-teardown': '*', 'kept-alive': '*' }, answer: `long my_close(unsigned int fd) {
  return 0;
}
` },
    ],
  },
  'binder-deferred-close': {
    light: predict('0', '2', '3'),
    threaded: predict('1', '0', '3'),
    pin: predict('0', '2', '3'),
    'provoke-v2': [
      { why: 'the starter: opens Binder and does nothing', fails: { v2: '*', 'v2-any-schedule': '*' }, answer: `#include <linux/android/binder.h>
process app {
  int b = open("/dev/binder", O_RDWR);
}
` },
      { why: 'uses the fixed command (BINDER_FREE_FD): clean', fails: { v2: '*', 'v2-any-schedule': '*' }, answer: `#include <linux/android/binder.h>
process app {
  int b = open("/dev/binder", O_RDWR);
  ioctl(b, BINDER_FREE_FD, b);
}
` },
      { why: 'a scenario that merely crashes', fails: { v2: '*', 'v2-any-schedule': '*' }, answer: `#include <linux/android/binder.h>
process app {
  int b = open("/dev/binder", O_RDWR);
  int *p = 0;
  *p = 1;
}
` },
      { why: 'its own driver breaks V2: the bug is not where the lab says it lives', fails: { v2: '*', 'v2-any-schedule': '*' }, answer: `driver mine {
  long ioctl(struct file *filp, unsigned int cmd, unsigned long arg) { return close_fd(arg); }
}
process app {
  int b = open("/dev/mine", O_RDWR);
  ioctl(b, 0, b);
}
` },
    ],
    'deferred-close': [
      { why: 'the starter close_fd inside the ioctl', fails: { 'own-fd': '*' }, answer: `int deferred_close(unsigned int fd) {
  return close_fd(fd);     // the naive close: breaks the fdget rules when fd is the ioctl's own
}
` },
      { why: 'no EBADF check: get_file on NULL', fails: { 'bad-fd': '*' }, answer: `struct binder_twcb { struct callback_head twork; struct file *file; };
void do_fd_close(struct callback_head *twork) {
  struct binder_twcb *twcb = container_of(twork, struct binder_twcb, twork);
  fput(twcb->file);
  kfree(twcb);
}
int deferred_close(unsigned int fd) {
  struct binder_twcb *twcb = kzalloc(sizeof(struct binder_twcb), GFP_KERNEL);
  init_task_work(&twcb->twork, do_fd_close);
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
  twcb->file = file_close_fd(fd);
#else
  twcb->file = close_fd_get_file(fd);
#endif
  get_file(twcb->file);
  filp_close(twcb->file, current->files);
  task_work_add(current, &twcb->twork, TWA_RESUME);
  return 0;
}
` },
      { why: 'no pin: the table reference is dropped under the borrow', fails: { 'own-fd': '*' }, answer: `int deferred_close(unsigned int fd) {
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
  struct file *f = file_close_fd(fd);
#else
  struct file *f = close_fd_get_file(fd);
#endif
  if (!f) return -EBADF;
  filp_close(f, current->files);
  return 0;
}
` },
      { why: 'pins, but drops the pin inside the ioctl', fails: { 'own-fd': '*' }, answer: `int deferred_close(unsigned int fd) {
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
  struct file *f = file_close_fd(fd);
#else
  struct file *f = close_fd_get_file(fd);
#endif
  if (!f) return -EBADF;
  get_file(f);
  filp_close(f, current->files);
  fput(f);
  return 0;
}
` },
    ],
  },
  races: {
    'fix-the-peek': [
      { why: 'the starter: a raw lookup without a reference', fails: { 'dup2-race': '*', 'close-race': '*' }, answer: `long peek_flags(unsigned int fd) {
  struct file *f = files_lookup_fd_raw(current->files, fd);
  if (!f) return -EBADF;
  if (!f->f_mode) return -EBADF;
  return f->f_flags & O_ACCMODE;
}
` },
      { why: 'reads the file after its fput', fails: { 'dup2-race': '*', 'close-race': '*' }, answer: `long peek_flags(unsigned int fd) {
  struct file *f = fget(fd);
  if (!f) return -EBADF;
  fput(f);
  return f->f_flags & O_ACCMODE;
}
` },
      { why: 'no NULL check after fget', fails: { 'reads-flags': '*', 'close-race': '*' }, answer: `long peek_flags(unsigned int fd) {
  struct file *f = fget(fd);
  long r = f->f_flags & O_ACCMODE;
  fput(f);
  return r;
}
` },
    ],
  },
}
