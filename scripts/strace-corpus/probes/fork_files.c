/* Spec section 7.1 and case 11: fork copies the table; closes in one process do not affect the other. */
#include "common.h"
int main(void) {
  only_std_fds();
  int a = open_file("f", O_RDWR);            /* 3 */
  open_file("f", O_RDWR | O_CLOEXEC);        /* 4 */
  dup2(a, 100);                              /* a high fd: the child's table is 128 slots */
  pid_t pid = fork();
  if (pid == 0) {
    fcntl(4, F_GETFD);                       /* 1 */
    lseek(a, 100, SEEK_SET);
    close(a);
    fcntl(a, F_GETFD);                       /* EBADF in the child */
    open("f", O_RDONLY);                     /* 3 in the child */
    fcntl(100, F_GETFD);
    _exit(0);
  }
  waitpid(pid, 0, 0);
  lseek(a, 0, SEEK_CUR);                     /* 100: shared offset */
  fcntl(a, F_GETFD);                         /* still open */
  open("f", O_RDONLY);                       /* 5 */
  return 0;
}
