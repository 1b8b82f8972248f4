/* Spec section 7.2: clone(CLONE_FILES) shares one table both ways; a vfork child has its own copy. */
#include "common.h"
static char stack[65536];
static int child(void *arg) {
  (void)arg;
  int fd = open("f", O_RDONLY);            /* 4: same table */
  close(3);                                /* closes the parent's 3 */
  fcntl(fd, F_SETFD, FD_CLOEXEC);
  return 0;
}
int main(void) {
  only_std_fds();
  open_file("f", O_RDWR);                  /* 3 */
  pid_t pid = clone(child, stack + sizeof stack, CLONE_FILES | SIGCHLD, 0);
  waitpid(pid, 0, 0);
  fcntl(3, F_GETFD);                       /* EBADF: closed by the child */
  fcntl(4, F_GETFD);                       /* 1: set by the child */
  open("f", O_RDONLY);                     /* 3 */
  pid = vfork();
  if (pid == 0) {
    close(3);                              /* the vfork child's own copy */
    _exit(0);
  }
  fcntl(3, F_GETFD);                       /* still open in the parent */
  pid = fork();
  if (pid == 0) {
    pid_t g = clone(child, stack + sizeof stack, CLONE_FILES | SIGCHLD, 0);
    waitpid(g, 0, 0);
    fcntl(3, F_GETFD);                     /* EBADF in this process */
    _exit(0);
  }
  waitpid(pid, 0, 0);
  fcntl(3, F_GETFD);                       /* the fork child's table was a copy */
  return 0;
}
