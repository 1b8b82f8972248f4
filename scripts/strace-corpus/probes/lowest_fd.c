/* Spec case 1 and section 2.4: lowest free fd, holes, F_DUPFD with a high `from` not moving next_fd. */
#include "common.h"
int main(void) {
  only_std_fds();
  int a = open_file("f", O_RDWR);        /* 3 */
  open_file("f", O_RDWR);                /* 4 */
  close(a);
  open("f", O_RDONLY);                   /* 3 again */
  fcntl(0, F_DUPFD, 10);                 /* 10 */
  open("f", O_RDONLY);                   /* 5 */
  fcntl(0, F_DUPFD, 2);                  /* 6 */
  close(4);
  fcntl(0, F_DUPFD, 2);                  /* 4: fills the hole */
  dup2(0, 30);                           /* does not change the next allocation */
  open("f", O_RDONLY);                   /* 7 */
  close(0);
  open("f", O_RDONLY);                   /* 0 is reused */
  open("/nonexistent/x", O_RDONLY);      /* ENOENT allocates nothing */
  open("f", O_RDONLY);                   /* 8 */
  for (int i = 0; i < 70; i++) open("f", O_RDONLY); /* grow past 64 */
  sys_close_range(20, 40, 0);
  open("f", O_RDONLY);                   /* 20 */
  return 0;
}
