// fails: v2,v2-any-schedule; misconception: borrow-rule-conditions
#include <linux/android/binder.h>
process app {
  int b = open("/dev/binder", O_RDWR);
  int other = open("/tmp/other", O_RDWR | O_CREAT, 0600);
  ioctl(b, BINDER_CLOSE_NAIVE, other);   // closes another file: the borrowed one stays referenced
}
