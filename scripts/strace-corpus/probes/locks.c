/* POSIX and OFD record locks: a write lock needs an fd open for writing and a read lock one open
 * for reading (EBADF otherwise); conflicts between processes (POSIX) and between open files
 * (OFD) give EAGAIN; F_GETLK and F_OFD_GETLK describe the conflicting lock. */
#include "common.h"
#include <sys/file.h>
static int lk(int fd, int cmd, short type, off_t start, off_t len) {
  struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len };
  return fcntl(fd, cmd, &fl);
}
int main(void) {
  only_std_fds();
  int rw = open_file("lk", O_RDWR);         /* 3 */
  int ro = open("lk", O_RDONLY);            /* 4 */
  int wo = open("lk", O_WRONLY);            /* 5 */
  int pa = open("lk", O_PATH);              /* 6 */
  lk(ro, F_SETLK, F_WRLCK, 0, 10);          /* EBADF: not open for writing */
  lk(wo, F_SETLK, F_RDLCK, 0, 10);          /* EBADF: not open for reading */
  lk(ro, F_OFD_SETLK, F_WRLCK, 0, 10);      /* EBADF */
  lk(wo, F_OFD_SETLK, F_RDLCK, 0, 10);      /* EBADF */
  lk(pa, F_SETLK, F_RDLCK, 0, 10);          /* EBADF: O_PATH */
  lk(ro, F_SETLK, F_UNLCK, 0, 10);          /* 0: unlock needs no mode */
  lk(rw, F_SETLK, F_WRLCK, 0, 10);          /* 0 */
  lk(ro, F_SETLK, F_RDLCK, 20, 10);         /* 0: same owner (the table) */
  lk(ro, F_OFD_SETLK, F_RDLCK, 0, 5);       /* EAGAIN: OFD owner is the file */
  lk(ro, F_OFD_GETLK, F_RDLCK, 0, 5);       /* the POSIX F_WRLCK 0+10, with its process's pid */
  lk(rw, F_OFD_SETLK, F_RDLCK, 100, 10);    /* 0 */
  lk(wo, F_OFD_SETLK, F_WRLCK, 100, 10);    /* EAGAIN: another file */
  lk(wo, F_OFD_GETLK, F_WRLCK, 100, 10);    /* the OFD read lock, l_pid -1 */
  lk(rw, F_SETLK, F_WRLCK, 0, 0);           /* EAGAIN: the OFD read lock at 100 conflicts */
  lk(rw, F_SETLK, 99, 0, 10);               /* EINVAL */
  pid_t c = fork();
  if (c == 0) {
    lk(rw, F_SETLK, F_WRLCK, 0, 10);        /* EAGAIN: parent's POSIX lock */
    lk(rw, F_GETLK, F_WRLCK, 0, 10);        /* the parent's lock */
    lk(rw, F_SETLK, F_RDLCK, 50, 10);       /* 0 */
    lk(rw, F_OFD_SETLK, F_WRLCK, 200, 10);  /* 0: OFD on the shared file */
    lk(ro, F_GETLK, F_RDLCK, 0, 100);       /* the parent's write lock */
    _exit(0);
  }
  waitpid(c, 0, 0);
  lk(rw, F_GETLK, F_WRLCK, 50, 10);         /* F_UNLCK: the child's lock went with it */
  lk(rw, F_OFD_GETLK, F_WRLCK, 200, 10);    /* F_UNLCK: the OFD lock is the file's own */
  lk(wo, F_OFD_GETLK, F_WRLCK, 200, 10);    /* the OFD lock, l_pid -1 */
  close(ro);                                /* drops this process's POSIX locks on the inode */
  lk(wo, F_OFD_GETLK, F_WRLCK, 0, 10);      /* F_UNLCK */
  flock(rw, LOCK_EX | LOCK_NB);             /* 0 */
  flock(wo, LOCK_SH | LOCK_NB);             /* EWOULDBLOCK */
  flock(pa, LOCK_SH);                       /* EBADF: O_PATH */
  return 0;
}
