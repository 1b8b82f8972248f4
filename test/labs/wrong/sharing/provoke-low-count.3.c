// fails: v2-under-low-count; misconception: borrow-breaks-without-a-closer
process app {
  int fd = open("/tmp/r", O_RDWR | O_CREAT, 0644);
  char buf[1];
  close(fd);                                // the same thread: before the read, never during it
  read(fd, buf, 1);
}
