/* Threads busy in system calls when another thread calls exit_group: strace may catch a thread
 * killed at syscall entry before it could read the call's number, and prints `???( <unfinished
 * ...>` (record.sh retries until the log shows one). */
#include "common.h"
#include <pthread.h>
static void *spin(void *a) { (void)a; for (;;) { int d = dup(0); close(d); } return 0; }
int main(void) {
  only_std_fds();
  pthread_t t[8];
  for (int i = 0; i < 8; i++) pthread_create(&t[i], 0, spin, 0);
  for (int i = 0; i < 200; i++) { int d = dup(1); close(d); }
  syscall(SYS_exit_group, 0);
  return 0;
}
