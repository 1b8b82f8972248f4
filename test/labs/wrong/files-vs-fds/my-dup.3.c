// fails: o-path; misconception: fget-accepts-o-path
int my_dup(unsigned int oldfd) {
  struct file *file = fget(oldfd);
  if (!file) return -EBADF;
  int newfd = get_unused_fd_flags(0);
  if (newfd < 0) {
    fput(file);
    return newfd;
  }
  fd_install(newfd, file);
  return newfd;
}
