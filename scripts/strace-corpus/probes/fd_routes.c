/* fds that arrive by routes other than the creators: namespace ioctls that return a new fd,
 * SCM_PIDFD control messages, getsockopt(SO_PEERPIDFD), pidfd_getfd. Each is installed at the
 * number the log shows (the open() after them shows the next lowest free fd). */
#include "common.h"
#include <sys/socket.h>
#include <sys/un.h>
#ifndef SO_PASSPIDFD
#define SO_PASSPIDFD 76
#endif
#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77
#endif
#ifndef SCM_PIDFD
#define SCM_PIDFD 0x04
#endif
#define NSIO 0xb7
#define NS_GET_USERNS _IO(NSIO, 0x1)
#define NS_GET_PARENT _IO(NSIO, 0x2)
#define PIDFS_IOCTL_MAGIC 0xFF
#define PIDFD_GET_PID_NAMESPACE _IO(PIDFS_IOCTL_MAGIC, 5)
#define PIDFD_GET_USER_NAMESPACE _IO(PIDFS_IOCTL_MAGIC, 9)
int main(void) {
  only_std_fds();
  int ns = open("/proc/self/ns/pid", O_RDONLY);       /* 3 */
  ioctl(ns, NS_GET_USERNS);                           /* 4: a new fd */
  ioctl(ns, NS_GET_PARENT);                           /* EPERM: the initial namespace */
  int pfd = (int)syscall(SYS_pidfd_open, getpid(), 0);/* 5 */
  ioctl(pfd, PIDFD_GET_PID_NAMESPACE, 0);             /* 6 (the argument must be 0) */
  ioctl(pfd, PIDFD_GET_USER_NAMESPACE, 0);            /* 7 */
  fcntl(7, F_GETFD);                                  /* close-on-exec */
  open_file("f", O_RDONLY);                           /* 8 */
  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);            /* 9, 10 */
  int one = 1;
  setsockopt(sv[1], SOL_SOCKET, SO_PASSPIDFD, &one, sizeof one);
  write(sv[0], "x", 1);
  char ch;
  struct iovec iov = { &ch, 1 };
  char ctl[CMSG_SPACE(sizeof(int)) * 2];
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl };
  recvmsg(sv[1], &mh, 0);                             /* SCM_PIDFD: 11 */
  int pp = -1;
  socklen_t l = sizeof pp;
  getsockopt(sv[0], SOL_SOCKET, SO_PEERPIDFD, &pp, &l); /* 12 */
  fcntl(pp, F_GETFD);
  syscall(SYS_pidfd_getfd, pfd, 8, 0);                /* 13 */
  open_file("f", O_RDONLY);                           /* 14 */
  close(4);
  ioctl(ns, NS_GET_USERNS);                           /* 4 again */
  return 0;
}
