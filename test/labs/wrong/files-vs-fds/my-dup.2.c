// fails: emfile-no-leak; misconception: error-path-leaks-reference
int my_dup(unsigned int oldfd) {
  struct file *file = fget_raw(oldfd);
  if (!file) return -EBADF;
  int newfd = get_unused_fd_flags(0);
  if (newfd < 0) return newfd;
  fd_install(newfd, file);
  return newfd;
}
