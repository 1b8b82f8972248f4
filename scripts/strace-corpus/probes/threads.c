/* Spec case 12: threads share the table; concurrent opens and closes overlap in the log. */
#include "common.h"
#include <pthread.h>
static void *worker(void *arg) {
  long n = (long)arg;
  for (int i = 0; i < 40; i++) {
    int fd = open("f", O_RDONLY);
    if (i % 3 == (int)n % 3) { char c; read(fd, &c, 1); }
    int d = dup(fd);
    close(fd);
    close(d);
  }
  return 0;
}
int main(void) {
  only_std_fds();
  close(open_file("f", O_RDWR));
  pthread_t t[4];
  for (long i = 0; i < 4; i++) pthread_create(&t[i], 0, worker, (void *)i);
  for (int i = 0; i < 4; i++) pthread_join(t[i], 0);
  int fd = open("f", O_RDONLY);            /* 3 again: everything was closed */
  close(fd);
  close(fd);                               /* EBADF */
  return 0;
}
