/* clone3 and clone with CLONE_PIDFD: the pidfd arrives inside the arguments. */
#include "common.h"
#include <linux/sched.h>
#include <poll.h>
int main(void) {
  only_std_fds();
  open_file("f", O_RDONLY);                       /* 3 */
  int pidfd = -1;
  struct clone_args ca = { .flags = CLONE_PIDFD, .pidfd = (unsigned long)&pidfd, .exit_signal = SIGCHLD };
  long pid = syscall(SYS_clone3, &ca, sizeof ca);  /* pidfd 4 */
  if (pid == 0) {
    close(3);
    fcntl(4, F_GETFD);                             /* the pidfd is not in the child */
    syscall(SYS_exit, 0);
  }
  struct pollfd pf = { pidfd, POLLIN, 0 };
  poll(&pf, 1, -1);
  waitid(P_PIDFD, pidfd, 0, WEXITED);
  fcntl(3, F_GETFD);                               /* still open in the parent */
  int pidfd2 = -1;
  /* raw clone(CLONE_PIDFD): x86_64 order is flags, stack, parent_tid, child_tid, tls */
  pid = syscall(SYS_clone, CLONE_PIDFD | SIGCHLD, 0, &pidfd2, 0, 0);  /* pidfd 5 */
  if (pid == 0) syscall(SYS_exit, 0);
  waitpid((pid_t)pid, 0, 0);
  fcntl(pidfd2, F_GETFD);                          /* 1 */
  struct clone_args cf = { .flags = CLONE_FILES | CLONE_PIDFD, .pidfd = (unsigned long)&pidfd, .exit_signal = SIGCHLD };
  pid = syscall(SYS_clone3, &cf, sizeof cf);       /* pidfd 6, shared table */
  if (pid == 0) {
    open("f", O_RDONLY);                           /* 7 in the shared table */
    syscall(SYS_exit, 0);
  }
  waitpid((pid_t)pid, 0, 0);
  fcntl(7, F_GETFD);                               /* open: the child opened it in our table */
  return 0;
}
