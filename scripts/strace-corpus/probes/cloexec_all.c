/* Every creator's close-on-exec request gives FD_CLOEXEC (F_GETFD = 1), every creator without it
 * gives 0; FIOCLEX and FIONCLEX set and clear it on any open fd (the VFS handles them first). */
#include "common.h"
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/un.h>
static void getfd(int fd) { fcntl(fd, F_GETFD); }
int main(void) {
  only_std_fds();
  int p[2], sv[2];
  getfd(open_file("f", O_RDONLY | O_CLOEXEC));
  getfd(open_file("f", O_RDONLY));
  getfd(openat(AT_FDCWD, "f", O_RDONLY | O_CLOEXEC));
  getfd(open("f", O_PATH | O_CLOEXEC));
  getfd(eventfd(0, EFD_CLOEXEC));
  getfd(eventfd(0, 0));
  sigset_t m; sigemptyset(&m); sigaddset(&m, SIGUSR1);
  getfd(signalfd(-1, &m, SFD_CLOEXEC));
  getfd(timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC));
  getfd(inotify_init1(IN_CLOEXEC));
  getfd(epoll_create1(EPOLL_CLOEXEC));
  getfd(epoll_create(1));
  getfd(memfd_create("m", MFD_CLOEXEC));
  getfd(memfd_create("m", 0));
  int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  getfd(s);
  getfd(socket(AF_UNIX, SOCK_DGRAM, 0));
  pipe2(p, O_CLOEXEC); getfd(p[0]); getfd(p[1]);
  socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv); getfd(sv[0]); getfd(sv[1]);
  getfd(dup3(p[0], 40, O_CLOEXEC));
  getfd(dup2(p[0], 41));
  getfd(fcntl(p[0], F_DUPFD_CLOEXEC, 42));
  getfd(fcntl(p[0], F_DUPFD, 43));
  getfd(dup(p[0]));
  getfd((int)syscall(SYS_pidfd_open, getpid(), 0));
  struct sockaddr_un a = { .sun_family = AF_UNIX };
  bind(s, (struct sockaddr *)&a, sizeof(sa_family_t));
  socklen_t al = sizeof a;
  getsockname(s, (struct sockaddr *)&a, &al);
  listen(s, 2);
  int c1 = socket(AF_UNIX, SOCK_STREAM, 0);
  connect(c1, (struct sockaddr *)&a, al);
  int c2 = socket(AF_UNIX, SOCK_STREAM, 0);
  connect(c2, (struct sockaddr *)&a, al);
  getfd(accept4(s, 0, 0, SOCK_CLOEXEC));
  getfd(accept(s, 0, 0));
  /* SCM_RIGHTS with and without MSG_CMSG_CLOEXEC */
  for (int flags = 0; flags <= 1; flags++) {
    char ch = 'x';
    struct iovec iov = { &ch, 1 };
    char ctl[CMSG_SPACE(sizeof(int))];
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl };
    struct cmsghdr *h = CMSG_FIRSTHDR(&mh);
    h->cmsg_level = SOL_SOCKET; h->cmsg_type = SCM_RIGHTS; h->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(h), &p[1], sizeof(int));
    sendmsg(sv[0], &mh, 0);
    struct msghdr rh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl };
    recvmsg(sv[1], &rh, flags ? MSG_CMSG_CLOEXEC : 0);
    int got; memcpy(&got, CMSG_DATA(CMSG_FIRSTHDR(&rh)), sizeof got);
    getfd(got);
  }
  /* FIOCLEX / FIONCLEX on every kind of fd */
  int kinds[] = { 3, p[0], s, sv[0], 7, 8, 9, 10, 14 };
  for (unsigned i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
    ioctl(kinds[i], FIONCLEX); getfd(kinds[i]);
    ioctl(kinds[i], FIOCLEX); getfd(kinds[i]);
  }
  int op = open("f", O_PATH);
  ioctl(op, FIOCLEX);                       /* O_PATH: EBADF (fdget) */
  ioctl(200, FIOCLEX);                      /* EBADF */
  return 0;
}
