// fails: v2,v2-any-schedule; misconception: borrow-rule-conditions
#include <linux/android/binder.h>
process app {
  int b = open("/dev/binder", O_RDWR);
  int fds[2];
  pipe(fds);
  thread t { char c[1]; read(fds[0], c, 1); }
  sched_yield();
  ioctl(b, BINDER_CLOSE_NAIVE, b);       // a shared table: fdget took a real reference
  write(fds[1], "x", 1);
  join(t);
}
