/* Spec case 8 and decisions.md: O_PATH and file modes decide EBADF on open fds. */
#include "common.h"
#include <sys/stat.h>
#include <sys/file.h>
int main(void) {
  only_std_fds();
  int w = open_file("f", O_WRONLY | O_TRUNC);  /* 3 */
  write(w, "hello", 5);
  char buf[8];
  read(w, buf, 1);                         /* EBADF: write-only */
  int r = open("f", O_RDONLY);             /* 4 */
  read(r, buf, 5);
  write(r, "x", 1);                        /* EBADF: read-only */
  int p = open("f", O_PATH);               /* 5 */
  read(p, buf, 1);                         /* EBADF */
  write(p, "x", 1);                        /* EBADF */
  struct stat st;
  fstat(p, &st);                           /* works */
  fcntl(p, F_GETFL);                       /* works */
  fcntl(p, F_SETFD, FD_CLOEXEC);           /* works */
  struct flock fl = { .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1 };
  fcntl(p, F_SETLK, &fl);                  /* EBADF */
  flock(p, LOCK_SH);                       /* EBADF */
  fchmod(p, 0600);                         /* EBADF */
  lseek(p, 0, SEEK_SET);                   /* EBADF */
  int d = dup(p);                          /* 6: works */
  fcntl(d, F_GETFL);
  dup2(p, p);                              /* O_PATH counts as open */
  int dir = open(".", O_PATH | O_DIRECTORY);
  openat(dir, "f", O_RDONLY);              /* an O_PATH dir works as dirfd */
  fstatat(dir, "f", &st, 0);
  close(p);
  close(d);
  close(dir);
  read(p, buf, 1);                         /* EBADF: closed */
  return 0;
}
