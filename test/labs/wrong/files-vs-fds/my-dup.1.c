// fails: clears-cloexec; misconception: dup-copies-cloexec
int my_dup(unsigned int oldfd) {
  struct file *file = fget_raw(oldfd);
  if (!file) return -EBADF;
  int newfd = get_unused_fd_flags(get_close_on_exec(oldfd) ? O_CLOEXEC : 0);
  if (newfd < 0) {
    fput(file);
    return newfd;
  }
  fd_install(newfd, file);
  return newfd;
}
