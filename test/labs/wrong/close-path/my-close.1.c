// fails: sync-teardown; misconception: close-defers-in-618
long my_close(unsigned int fd) {
  return close_fd(fd);
}
