// fails: v2,v2-any-schedule; misconception: borrow-rule-conditions
#include <linux/android/binder.h>
process app {
  int b = open("/dev/binder", O_RDWR);
  ioctl(b, BINDER_FREE_FD, b);           // the deferred close keeps the rule
}
