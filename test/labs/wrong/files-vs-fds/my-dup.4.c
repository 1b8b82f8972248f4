// fails: same-file,clears-cloexec,o-path; misconception: install-without-reference
int my_dup(unsigned int oldfd) {
  struct file *file = files_lookup_fd_raw(current->files, oldfd);
  if (!file) return -EBADF;
  int newfd = get_unused_fd_flags(0);
  if (newfd < 0) return newfd;
  fd_install(newfd, file);
  return newfd;
}
