// fails: jump; misconception: goto-after-the-class-is-the-bug
long check_fd(unsigned int cmd, unsigned long arg) {
  long ret = -EINVAL;
  CLASS(fd, f)(arg);
  if (cmd == 0)
    goto out;
  ret = -EBADF;
  if (fd_empty(f))
    goto out;
  ret = fd_file(f)->f_flags & O_ACCMODE;
out:
  return ret;
}
