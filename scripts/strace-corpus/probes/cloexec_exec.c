/* Spec sections 6.5 and 7.4, case 14: O_CLOEXEC, F_SETFD, FIOCLEX/FIONCLEX, dup3 and exec; a failed exec closes nothing. */
#include "common.h"
int main(int argc, char **argv) {
  if (argc > 1) {
    for (int fd = 0; fd < 14; fd++) fcntl(fd, F_GETFD);
    return 0;
  }
  only_std_fds();
  open_file("f", O_RDONLY | O_CLOEXEC);   /* 3: closed by exec */
  int b = open_file("f", O_RDONLY);       /* 4: survives */
  fcntl(b, F_SETFD, FD_CLOEXEC);          /* 4 now cloexec ... */
  fcntl(b, F_SETFD, 0);                   /* ... and not again */
  int c = open_file("f", O_RDONLY);       /* 5 */
  ioctl(c, FIOCLEX);                      /* 5 closed by exec */
  int d = open_file("f", O_RDONLY);       /* 6 */
  ioctl(d, FIOCLEX);
  ioctl(d, FIONCLEX);                     /* 6 survives */
  dup3(b, 7, O_CLOEXEC);                  /* 7 closed by exec */
  fcntl(b, F_DUPFD_CLOEXEC, 9);           /* 9 closed by exec */
  int p[2];
  pipe2(p, O_CLOEXEC);                    /* 8, 10 */
  ioctl(99, FIOCLEX);                     /* EBADF */
  char *bad[] = { "/nonexistent/prog", 0 };
  execv(bad[0], bad);                     /* ENOENT: nothing closed */
  fcntl(3, F_GETFD);
  char *av[] = { argv[0], "after-exec", 0 };
  execv(argv[0], av);
  return 1;
}
