/* Every kind of fd creator: pipes, sockets, accept4, eventfd, epoll, memfd, timerfd, signalfd,
 * inotify, pidfd_open, and fds received with SCM_RIGHTS. */
#include "common.h"
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/un.h>
static void send_fd(int sock, int fd) {
  char c = 'x';
  struct iovec iov = { &c, 1 };
  char ctl[CMSG_SPACE(sizeof(int))];
  struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl };
  struct cmsghdr *h = CMSG_FIRSTHDR(&m);
  h->cmsg_level = SOL_SOCKET; h->cmsg_type = SCM_RIGHTS; h->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(h), &fd, sizeof fd);
  sendmsg(sock, &m, 0);
}
static void recv_fd(int sock, int flags) {
  char c;
  struct iovec iov = { &c, 1 };
  char ctl[CMSG_SPACE(sizeof(int))];
  struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl };
  recvmsg(sock, &m, flags);
}
int main(void) {
  only_std_fds();
  int p[2];
  pipe(p);                                         /* 3, 4 */
  pipe2(p, O_CLOEXEC | O_NONBLOCK);                /* 5, 6 */
  int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);  /* 7 */
  struct sockaddr_un a = { .sun_family = AF_UNIX, .sun_path = "sock" };
  unlink("sock");
  bind(s, (struct sockaddr *)&a, sizeof a);
  listen(s, 4);
  pid_t pid = fork();
  if (pid == 0) {
    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    connect(c, (struct sockaddr *)&a, sizeof a);
    int f = open("f", O_RDONLY | O_CREAT, 0644);
    send_fd(c, f);
    _exit(0);
  }
  int conn = accept4(s, 0, 0, SOCK_CLOEXEC);       /* 8 */
  recv_fd(conn, 0);                                /* fd 9 arrives */
  waitpid(pid, 0, 0);
  int sv[2];
  socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);          /* 10, 11 */
  send_fd(sv[0], p[0]);
  recv_fd(sv[1], MSG_CMSG_CLOEXEC);                /* 12, cloexec */
  fcntl(12, F_GETFD);
  int e = eventfd(0, EFD_CLOEXEC);                 /* 13 */
  int ep = epoll_create1(EPOLL_CLOEXEC);           /* 14 */
  struct epoll_event ev = { .events = EPOLLIN, .data.fd = e };
  epoll_ctl(ep, EPOLL_CTL_ADD, e, &ev);
  int d = dup(e);                                  /* 15 */
  close(e);
  epoll_ctl(ep, EPOLL_CTL_DEL, e, &ev);            /* EBADF: fd 13 closed */
  epoll_ctl(ep, EPOLL_CTL_DEL, d, &ev);            /* ENOENT: registered as (file, 13) */
  epoll_create(1);                                 /* 13 */
  memfd_create("probe", MFD_CLOEXEC);              /* 16 */
  timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);    /* 17 */
  sigset_t m; sigemptyset(&m); sigaddset(&m, SIGUSR1);
  int sfd = signalfd(-1, &m, SFD_CLOEXEC);         /* 18 */
  signalfd(sfd, &m, 0);                            /* same fd back */
  int in = inotify_init1(IN_CLOEXEC);              /* 19 */
  inotify_add_watch(in, ".", IN_CREATE);
  int pfd = (int)syscall(SYS_pidfd_open, getpid(), 0);  /* 20, always cloexec */
  fcntl(pfd, F_GETFD);
  syscall(SYS_pidfd_getfd, pfd, 3, 0);             /* 21, cloexec */
  syscall(SYS_pidfd_getfd, pfd, 99, 0);            /* EBADF (in the target) */
  int fds[2];
  socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds);  /* 22, 23 */
  eventfd(0, 0);                                   /* 24 */
  return 0;
}
