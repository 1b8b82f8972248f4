/* Threads busy in system calls when another thread calls exit_group: strace may see a task
 * killed at syscall entry (`???( <unfinished ...>`). */
#include "common.h"
#include <pthread.h>
static void *spin(void *a) { (void)a; for (;;) { int d = dup(0); close(d); } return 0; }
int main(void) {
  only_std_fds();
  pthread_t t[3];
  for (int i = 0; i < 3; i++) pthread_create(&t[i], 0, spin, 0);
  for (int i = 0; i < 2000; i++) { int d = dup(1); close(d); }
  syscall(SYS_exit_group, 0);
  return 0;
}
