/* Errors decided outside the fd table: argument checks before any fd work, unreadable user
 * pointers, and state the table does not hold (accept queues, pids, sysctls). No fd is created;
 * the open() after each shows the lowest free fd is still the same. */
#include "common.h"
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x0008U
#endif
#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif
#ifndef MFD_HUGE_SHIFT
#define MFD_HUGE_SHIFT 26
#endif
int main(void) {
  only_std_fds();
  char name[300];
  memset(name, 'n', sizeof name - 1);
  name[sizeof name - 1] = 0;
  int p[2];
  memfd_create(name, 0);                                 /* EINVAL: name longer than 249 */
  memfd_create("x", MFD_EXEC | MFD_NOEXEC_SEAL);         /* EINVAL */
  memfd_create("x", MFD_HUGETLB | (34U << MFD_HUGE_SHIFT)); /* ENODEV: no 16 GB pages */
  memfd_create(NULL, 0);                                 /* EFAULT */
  syscall(SYS_pipe2, NULL, 0);                           /* EFAULT */
  syscall(SYS_open, (char *)1, O_RDONLY);                /* EFAULT, not ENOENT */
  syscall(SYS_creat, (char *)1, 0644);                   /* EFAULT */
  syscall(SYS_openat, AT_FDCWD, (char *)1, O_RDONLY);    /* EFAULT */
  open_file("f", O_RDONLY);                              /* 3 */
  syscall(SYS_timerfd_create, 12345, 0);                 /* EINVAL: unknown clock */
  syscall(SYS_timerfd_create, CLOCK_MONOTONIC, 0x4000);  /* EINVAL: flag it does not take */
  syscall(SYS_pidfd_getfd, 99, 0, 1);                    /* EINVAL before fd 99 is looked up */
  int pfd = (int)syscall(SYS_pidfd_open, getpid(), 0);   /* 4 */
  syscall(SYS_pidfd_getfd, pfd, 0, 1);                   /* EINVAL: unknown flags */
  syscall(SYS_pidfd_open, 4194000, 0);                   /* ESRCH */
  syscall(SYS_pidfd_open, getpid(), 0x1);                /* EINVAL */
  socketpair(AF_INET, SOCK_STREAM, 0, p);                /* EOPNOTSUPP */
  socketpair(12345, SOCK_STREAM, 0, p);                  /* EAFNOSUPPORT */
  socketpair(AF_UNIX, SOCK_STREAM, 99, p);               /* EPROTONOSUPPORT */
  socket(12345, SOCK_STREAM, 0);                         /* EAFNOSUPPORT */
  socket(AF_UNIX, SOCK_STREAM, 99);                      /* EPROTONOSUPPORT */
  open_file("f", O_RDONLY);                              /* 5 */
  int s = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0); /* 6 */
  accept(s, 0, 0);                                       /* EINVAL: not listening */
  struct sockaddr_un a = { .sun_family = AF_UNIX };
  bind(s, (struct sockaddr *)&a, sizeof(sa_family_t));   /* autobind */
  listen(s, 1);
  accept(s, 0, 0);                                       /* EAGAIN: empty queue */
  accept4(s, 0, 0, SOCK_CLOEXEC);                        /* EAGAIN */
  accept4(s, 0, 0, 0x1);                                 /* EINVAL: bad flags */
  open_file("f", O_RDONLY);                              /* 7 */
  /* vm.memfd_noexec is per pid namespace and may only be raised: raise it in a new one */
  if (unshare(CLONE_NEWPID) == 0) {
    pid_t c = fork();
    if (c == 0) {
      int fd = open("/proc/sys/vm/memfd_noexec", O_WRONLY);
      write(fd, "2", 1);
      close(fd);
      memfd_create("x", MFD_EXEC);                       /* EACCES */
      memfd_create("x", 0);                              /* 8: sealed noexec, allowed */
      memfd_create("x", MFD_NOEXEC_SEAL);                /* ok */
      _exit(0);
    }
    waitpid(c, 0, 0);
  }
  open_file("f", O_RDONLY);                              /* 8 */
  return 0;
}
