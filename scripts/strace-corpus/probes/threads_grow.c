/* Spec section 2.5: a table shared by threads grows (expand_fdtable calls synchronize_rcu when
 * files->count > 1), and close_range/unshare copies of a grown table. */
#include "common.h"
#include <pthread.h>
static volatile int go;
static void *thr(void *arg) {
  (void)arg;
  while (!go) sched_yield();
  dup2(0, 200);                            /* grows the shared table again, from this thread */
  unshare(CLONE_FILES);                    /* private copy sized to the last open fd */
  open("f", O_RDONLY | O_CREAT, 0644);     /* 3 in the copy */
  return 0;
}
int main(void) {
  only_std_fds();
  pthread_t t;
  pthread_create(&t, 0, thr, 0);
  dup2(0, 100);                            /* 64 -> 128 slots with count 2 */
  open_file("f", O_RDONLY);                /* 3 */
  go = 1;
  pthread_join(t, 0);
  fcntl(200, F_GETFD);                     /* the thread's dup2 happened before its unshare */
  open("f", O_RDONLY);                     /* 4 */
  return 0;
}
