// fails: second-bad,threaded; misconception: fd-empty-still-needed
long same_file(unsigned int a, unsigned int b) {
  CLASS(fd, fa)(a);
  if (fd_empty(fa))
    return -EBADF;
  CLASS(fd, fb)(b);
  return fd_file(fa) == fd_file(fb);
}
