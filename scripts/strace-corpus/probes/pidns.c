/* PID namespaces: clone returns the child's pid in the parent's namespace, strace names every
 * task by its pid in the tracer's namespace. After unshare(CLONE_NEWPID) the first child is pid 1
 * of the new namespace; its own children get 2, 3, ... as clone results. Tasks are identified by
 * the log's pid prefix. */
#include "common.h"
#include <linux/sched.h>
#include <pthread.h>
static int fds[2];
static void *thr(void *a) { (void)a; int d = dup(fds[0]); close(d); return 0; }
static void inner(void) {
  /* pid 1 of a new namespace: its clone results are small numbers */
  int f = open_file("f", O_RDWR);
  for (int i = 0; i < 3; i++) {
    pid_t b = fork();
    if (b == 0) {
      close(f);
      dup2(fds[1], 9);
      int g = open_file("f", O_RDONLY);
      close(g);
      _exit(0);
    }
    waitpid(b, 0, 0);
  }
  pthread_t t;
  pthread_create(&t, 0, thr, 0);
  pthread_join(t, 0);
  pid_t v = vfork();
  if (v == 0) _exit(0);
  close(f);
}
int main(void) {
  only_std_fds();
  pipe(fds);                                /* 3, 4 */
  /* clone3(CLONE_NEWPID): the child is pid 1 of a new namespace */
  struct clone_args ca = { .flags = CLONE_NEWPID, .exit_signal = SIGCHLD };
  pid_t c = (pid_t)syscall(SYS_clone3, &ca, sizeof ca);
  if (c == 0) { inner(); _exit(0); }
  waitpid(c, 0, 0);
  /* unshare(CLONE_NEWPID): the caller stays, its next child is pid 1 of a new namespace */
  if (unshare(CLONE_NEWPID) != 0) return 1;
  pid_t a = fork();                         /* a pid of the tracer's namespace */
  if (a == 0) { inner(); _exit(0); }
  waitpid(a, 0, 0);
  open_file("f", O_RDONLY);                 /* 5 */
  return 0;
}
