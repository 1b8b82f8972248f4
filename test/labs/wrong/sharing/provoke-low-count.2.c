// fails: v2-under-low-count; misconception: borrow-breaks-without-a-closer
process app {
  int fd = open("/tmp/r", O_RDWR | O_CREAT, 0644);
  char buf[1];
  read(fd, buf, 1);
  close(fd);                                // after the read returned: the borrow is over
}
