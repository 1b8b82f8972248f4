/* What fcntl tells: F_GETFL (access mode and status flags, no open-time flags), F_DUPFD_QUERY
 * (same struct file? 6.10+), F_CREATED_QUERY (did this open create the file? 6.12+). */
#include "common.h"
#ifndef F_CREATED_QUERY
#define F_CREATED_QUERY (1024 + 4)
#endif
int main(void) {
  only_std_fds();
  unlink("q");
  int a = open("q", O_RDWR | O_CREAT | O_EXCL, 0644);   /* 3, created */
  int b = open("q", O_RDONLY | O_CREAT, 0644);          /* 4, not created */
  int c = open("q", O_WRONLY | O_APPEND | O_NONBLOCK);  /* 5 */
  int d = dup(a);                                       /* 6 */
  int e = open("q", O_PATH);                            /* 7 */
  fcntl(a, F_CREATED_QUERY);
  fcntl(b, F_CREATED_QUERY);
  fcntl(d, F_CREATED_QUERY);
  fcntl(e, F_CREATED_QUERY);
  fcntl(a, F_DUPFD_QUERY, d);                           /* 1 */
  fcntl(a, F_DUPFD_QUERY, b);                           /* 0 */
  fcntl(a, F_DUPFD_QUERY, 99);                          /* EBADF */
  fcntl(e, F_DUPFD_QUERY, e);                           /* 1 */
  fcntl(a, F_GETFL);
  fcntl(b, F_GETFL);
  fcntl(c, F_GETFL);
  fcntl(e, F_GETFL);
  fcntl(c, F_SETFL, O_NONBLOCK);
  fcntl(c, F_GETFL);
  fcntl(e, F_SETFL, O_NONBLOCK);                        /* EBADF: O_PATH */
  int p[2];
  pipe2(p, O_NONBLOCK);                                 /* 8, 9 */
  fcntl(p[0], F_GETFL);
  fcntl(p[1], F_GETFL);
  fcntl(p[0], 12345);                                   /* EINVAL */
  return 0;
}
