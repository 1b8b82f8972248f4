// fails: second-bad,threaded; misconception: class-needs-fdput
long same_file(unsigned int a, unsigned int b) {
  CLASS(fd, fa)(a);
  if (fd_empty(fa))
    return -EBADF;
  CLASS(fd, fb)(b);
  if (fd_empty(fb)) {
    fdput(fa);
    return -EBADF;
  }
  return fd_file(fa) == fd_file(fb);
}
