/* Run with RLIMIT_NOFILE 8 set by the recorder (the log never shows it). EMFILE from a call that
 * needs two fds says only that fewer than two were free: the replayer must not invent an open fd. */
#include "common.h"
#include <sys/socket.h>
int main(void) {
  only_std_fds();
  int p[2], sv[2];
  for (int i = 0; i < 4; i++) open_file("f", O_RDONLY);  /* 3..6 */
  pipe(p);                                   /* EMFILE: only fd 7 free */
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);   /* EMFILE */
  int x = open_file("f", O_RDONLY);          /* 7 */
  open_file("f", O_RDONLY);                  /* EMFILE */
  close(x);
  close(3);
  pipe(p);                                   /* 3, 7 */
  close(p[0]);
  close(p[1]);
  close(4);
  close(5);
  pipe(p);                                   /* 3, 4 */
  return 0;
}
