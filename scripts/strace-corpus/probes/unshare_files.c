/* Spec section 7.3: unshare(CLONE_FILES) gives a private copy, also per thread. */
#include "common.h"
#include <pthread.h>
static volatile int step;
static void *thr(void *arg) {
  (void)arg;
  unshare(CLONE_FILES);                    /* private copy in this thread */
  close(3);
  open("f", O_RDONLY);                     /* 3 in the copy */
  open("f", O_RDONLY);                     /* 5 in the copy */
  return 0;
}
int main(void) {
  only_std_fds();
  open_file("f", O_RDWR);                  /* 3 */
  open_file("f", O_RDWR);                  /* 4 */
  unshare(CLONE_FILES);                    /* not shared: no copy */
  pthread_t t;
  pthread_create(&t, 0, thr, 0);
  pthread_join(t, 0);
  fcntl(3, F_GETFD);                       /* still open in the main thread */
  fcntl(5, F_GETFD);                       /* EBADF here */
  open("f", O_RDONLY);                     /* 5 */
  return 0;
}
