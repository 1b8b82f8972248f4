// fails: v2-under-low-count; misconception: borrow-breaks-without-a-closer
process app {
  int fd = open("/tmp/r", O_RDWR | O_CREAT, 0644);
  char buf[1];
  int pid = fork { close(fd); exit(0); };   // a fork child closes its own copy
  read(fd, buf, 1);
  waitpid(pid, NULL, 0);
}
