// fails: jump; misconception: any-goto-around-fdget-is-the-bug
long check_fd(unsigned int cmd, unsigned long arg) {
  long ret = -EINVAL;
  if (cmd == 0)
    goto out;
  {
    CLASS(fd, f)(arg);
    ret = -EBADF;
    if (!fd_empty(f))
      ret = fd_file(f)->f_flags & O_ACCMODE;
  }
out:
  return ret;
}
