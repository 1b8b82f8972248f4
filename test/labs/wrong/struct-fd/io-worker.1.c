// fails: alone,shared; misconception: no-clone-no-borrow-problem
long submit(unsigned int fd) {
  CLASS(fd, f)(fd);
  if (fd_empty(f))
    return -EBADF;
  return 0;
}
