// fails: same,threaded; misconception: half-converted
long same_file(unsigned int a, unsigned int b) {
  CLASS(fd, fa)(a);
  if (fd_empty(fa))
    return -EBADF;
  struct fd fb = fdget(b);
  if (fd_empty(fb))
    return -EBADF;
  return fd_file(fa) == fd_file(fb);
}
