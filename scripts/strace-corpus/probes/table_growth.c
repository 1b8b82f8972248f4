/* Spec section 2.5 and 7.1: table growth by dup2 to high fds, forks of big tables, and the
 * reserved-slot case (a thread blocked in open() of a FIFO holds its fd reserved). */
#include "common.h"
#include <pthread.h>
#include <sys/stat.h>
#include <time.h>
static void *opener(void *arg) {
  (void)arg;
  open("fifo", O_RDONLY);                          /* blocks: fd 3 reserved until a writer comes */
  return 0;
}
int main(void) {
  only_std_fds();
  dup2(0, 63); dup2(0, 64); dup2(0, 127); dup2(0, 128); dup2(0, 1000); dup2(0, 5000);
  pid_t pid = fork();
  if (pid == 0) {
    fcntl(5000, F_GETFD);
    open("/dev/null", O_RDONLY);                   /* 3 */
    _exit(0);
  }
  waitpid(pid, 0, 0);
  sys_close_range(63, ~0U, 0);
  unlink("fifo");
  mkfifo("fifo", 0600);
  pthread_t t;
  pthread_create(&t, 0, opener, 0);
  struct timespec ts = { 0, 50000000 };
  nanosleep(&ts, 0);
  close(3);                                        /* EBADF: reserved, not installed */
  dup2(0, 3);                                      /* EBUSY */
  open("/dev/null", O_RDONLY);                     /* 4 */
  pid = fork();
  if (pid == 0) {
    open("/dev/null", O_RDONLY);                   /* 3: free in the child */
    _exit(0);
  }
  waitpid(pid, 0, 0);
  int w = open("fifo", O_WRONLY);                  /* wakes the opener: it gets 3; this is 5 */
  pthread_join(t, 0);
  close(w);
  fcntl(3, F_GETFD);
  return 0;
}
