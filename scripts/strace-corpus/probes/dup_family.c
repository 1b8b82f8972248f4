/* Spec section 6 and cases 2, 3, 5: dup, dup2, dup3, fcntl(F_DUPFD*) and their errors. */
#include "common.h"
int main(void) {
  only_std_fds();
  struct rlimit rl = { 64, 64 };
  setrlimit(RLIMIT_NOFILE, &rl);
  int a = open_file("f", O_RDWR | O_CLOEXEC);   /* 3 */
  int b = open_file("g", O_RDWR);               /* 4 */
  dup(a);                                       /* 5, cloexec cleared */
  dup(-1);                                      /* EBADF */
  dup(100);                                     /* EBADF */
  dup(INT_MAX);                                 /* EBADF */
  dup2(a, a);                                   /* 3, keeps FD_CLOEXEC */
  fcntl(a, F_GETFD);
  dup2(7, 7);                                   /* EBADF */
  dup2(a, b);                                   /* 4: replaces g, clears cloexec */
  fcntl(b, F_GETFD);
  dup2(77, 5);                                  /* EBADF, 5 stays open */
  fcntl(5, F_GETFD);
  dup2(a, 64);                                  /* EBADF: newfd = RLIMIT_NOFILE */
  dup2(a, 63);                                  /* 63 */
  dup3(a, a, 0);                                /* EINVAL */
  dup3(50, 50, 0);                              /* EINVAL even though 50 is closed */
  dup3(a, 6, O_NONBLOCK);                       /* EINVAL */
  dup3(a, 6, O_CLOEXEC);                        /* 6 with cloexec */
  fcntl(6, F_GETFD);
  dup3(a, 6, 0);                                /* 6, cloexec cleared */
  fcntl(6, F_GETFD);
  dup3(77, 8, 0);                               /* EBADF */
  dup3(a, 64, 0);                               /* EBADF */
  fcntl(a, F_DUPFD, 64);                        /* EINVAL: from = RLIMIT_NOFILE */
  fcntl(a, F_DUPFD, -1);                        /* EINVAL */
  fcntl(a, F_DUPFD, 20);                        /* 20 */
  fcntl(a, F_DUPFD_CLOEXEC, 20);                /* 21 */
  fcntl(21, F_GETFD);
  fcntl(a, F_SETFD, 0xff);                      /* reads back as 1 */
  fcntl(a, F_GETFD);
  fcntl(a, F_SETFD, 2);                         /* reads back as 0 */
  fcntl(a, F_GETFD);
  fcntl(99, F_GETFD);                           /* EBADF */
  fcntl(a, F_DUPFD_QUERY, 5);
  fcntl(a, F_DUPFD_QUERY, 999);                 /* EBADF */
  int p[2];
  pipe(p);
  dup2(p[1], 9);                                /* replacing nothing */
  close(p[1]);
  dup2(a, 9);                                   /* replaces the last pipe writer */
  return 0;
}
