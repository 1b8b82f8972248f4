// fails: first-bad; misconception: goto-past-class
long same_file(unsigned int a, unsigned int b) {
  long ret = -EBADF;
  CLASS(fd, fa)(a);
  if (fd_empty(fa))
    goto out;
  CLASS(fd, fb)(b);
  if (fd_empty(fb))
    goto out;
  ret = fd_file(fa) == fd_file(fb);
out:
  return ret;
}
