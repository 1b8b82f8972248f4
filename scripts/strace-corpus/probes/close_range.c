/* Spec section 6.6 and cases 9, 10: close_range arguments, CLOEXEC, UNSHARE, then exec. */
#include "common.h"
#include <pthread.h>
static void *thr(void *arg) {
  (void)arg;
  sys_close_range(5, ~0U, CLOSE_RANGE_UNSHARE);   /* private copy without 5.. */
  fcntl(6, F_GETFD);                               /* EBADF here */
  open("f", O_RDONLY);                             /* 5 in the private table */
  return 0;
}
int main(int argc, char **argv) {
  if (argc > 1) {                                  /* the new image: which fds survived? */
    for (int fd = 3; fd < 12; fd++) fcntl(fd, F_GETFD);
    return 0;
  }
  only_std_fds();
  for (int i = 0; i < 6; i++) open_file("f", O_RDONLY);  /* 3..8 */
  sys_close_range(5, 4, 0);                        /* EINVAL */
  sys_close_range(3, ~0U, 1);                      /* EINVAL: 1 is not a flag */
  sys_close_range(3, ~0U, 8);                      /* EINVAL */
  sys_close_range(100, 200, 0);                    /* 0: nothing open there */
  sys_close_range(100, 200, CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC);
  sys_close_range(8, 8, 0);                        /* closes 8 */
  fcntl(8, F_GETFD);                               /* EBADF */
  pthread_t t;
  pthread_create(&t, 0, thr, 0);
  pthread_join(t, 0);
  fcntl(6, F_GETFD);                               /* still open in the main thread */
  open("f", O_RDONLY);                             /* 8 */
  sys_close_range(3, 5, CLOSE_RANGE_CLOEXEC);      /* marks 3, 4, 5 */
  fcntl(3, F_GETFD);
  close(4);
  open("f", O_RDONLY);                             /* 4, cloexec clear */
  fcntl(4, F_GETFD);
  sys_close_range(7, ~0U, CLOSE_RANGE_UNSHARE);    /* not shared: no copy; closes 7, 8 */
  fcntl(7, F_GETFD);
  char *av[] = { argv[0], "after-exec", 0 };
  execv(argv[0], av);
  return 1;
}
