/* /proc/self/fd/N and /proc/PID/fd/N: stat, readlink and open say whether fd N is open. */
#include "common.h"
#include <sys/stat.h>
int main(void) {
  only_std_fds();
  int a = open_file("f", O_RDONLY);         /* 3 */
  struct stat st;
  char buf[256], path[64];
  stat("/proc/self/fd/3", &st);             /* 0 */
  stat("/proc/self/fd/4", &st);             /* ENOENT */
  lstat("/proc/self/fd/3", &st);            /* 0 */
  readlink("/proc/self/fd/3", buf, sizeof buf);
  readlink("/proc/self/fd/7", buf, sizeof buf); /* ENOENT */
  open("/proc/self/fd/3", O_RDONLY);        /* 4: a new open of f */
  open("/proc/self/fd/9", O_RDONLY);        /* ENOENT */
  snprintf(path, sizeof path, "/proc/%d/fd/4", getpid());
  stat(path, &st);                          /* 0 */
  snprintf(path, sizeof path, "/proc/%d/fd/5", getpid());
  stat(path, &st);                          /* ENOENT */
  pid_t c = fork();
  if (c == 0) {
    close(a);
    stat("/proc/self/fd/3", &st);           /* ENOENT in the child */
    snprintf(path, sizeof path, "/proc/%d/fd/3", getppid());
    stat(path, &st);                        /* 0: the parent's */
    _exit(0);
  }
  waitpid(c, 0, 0);
  close(a);
  fstatat(AT_FDCWD, "/proc/self/fd/3", &st, 0);
  faccessat(AT_FDCWD, "/proc/self/fd/4", F_OK, 0);
  return 0;
}
