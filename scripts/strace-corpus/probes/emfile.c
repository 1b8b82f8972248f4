/* Spec section 2.6 and case 5: EMFILE under a lowered RLIMIT_NOFILE (setrlimit and prlimit64). */
#include "common.h"
#include <sys/socket.h>
int main(void) {
  only_std_fds();
  dup2(0, 20);                             /* above the limit set below: stays usable */
  struct rlimit rl = { 10, 10 };
  setrlimit(RLIMIT_NOFILE, &rl);
  getrlimit(RLIMIT_NOFILE, &rl);
  int last = -1;
  for (int i = 0; i < 9; i++) last = open_file("f", O_RDONLY);   /* 3..9, then EMFILE */
  dup(0);                                  /* EMFILE */
  fcntl(0, F_DUPFD, 5);                    /* EMFILE */
  fcntl(0, F_DUPFD, 10);                   /* EINVAL */
  dup2(0, 10);                             /* EBADF */
  open("/nonexistent/x", O_RDONLY);        /* EMFILE, not ENOENT */
  fcntl(20, F_GETFD);                      /* above the limit, still open */
  close(20);
  close(last);                             /* one slot free */
  int p[2];
  pipe(p);                                 /* EMFILE: needs two */
  socketpair(AF_UNIX, SOCK_STREAM, 0, p);  /* EMFILE */
  socket(AF_UNIX, SOCK_STREAM, 0);         /* 9 */
  dup2(0, 9);                              /* onto an open fd: fine */
  struct rlimit nl = { 16, 16 };
  prlimit(0, RLIMIT_NOFILE, &nl, &rl);     /* prlimit64 raises to 16 */
  pipe(p);                                 /* 10, 11 */
  dup(0);                                  /* 12 */
  struct rlimit low = { 4, 16 };
  syscall(SYS_prlimit64, getpid(), RLIMIT_NOFILE, &low, 0);
  dup(0);                                  /* EMFILE */
  fcntl(12, F_GETFD);                      /* above the limit, usable */
  close(12);
  return 0;
}
