/* An execve from a non-leader thread: strace prints "superseded by execve in pid N"; the
 * table keeps its fds minus the close-on-exec ones. */
#include "common.h"
#include <pthread.h>
#include <time.h>
static char *self;
static void *thr(void *arg) {
  (void)arg;
  struct timespec ts = { 0, 20000000 };
  nanosleep(&ts, 0);
  char *av[] = { self, "after-exec", 0 };
  execv(self, av);
  return 0;
}
int main(int argc, char **argv) {
  if (argc > 1) {
    fcntl(3, F_GETFD);                             /* open, flag cleared */
    fcntl(4, F_GETFD);                             /* EBADF: was cloexec */
    open("f", O_RDONLY);                           /* 4 */
    return 0;
  }
  self = argv[0];
  only_std_fds();
  open_file("f", O_RDONLY);                        /* 3 */
  open_file("f", O_RDONLY | O_CLOEXEC);            /* 4 */
  pthread_t t;
  pthread_create(&t, 0, thr, 0);
  struct timespec ts = { 5, 0 };
  nanosleep(&ts, 0);
  return 1;
}
