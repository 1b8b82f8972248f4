/* Spec section 3 and case 6: close errors. */
#include "common.h"
int main(void) {
  only_std_fds();
  int a = open_file("f", O_RDWR);
  close(a);
  close(a);            /* EBADF */
  close(-1);           /* EBADF */
  close(-100);         /* EBADF */
  close(INT_MAX);      /* EBADF */
  close(100000);       /* EBADF */
  int p[2];
  pipe(p);
  close(p[0]);
  close(p[1]);
  close(p[0]);         /* EBADF */
  open("f", O_RDONLY); /* 3 */
  close(2);
  open("f", O_RDONLY); /* 2 */
  write(2, "x", 1);    /* EBADF: read-only */
  return 0;
}
