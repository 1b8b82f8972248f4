// fails: lookup; misconception: class-needs-fdput
long check_fd(unsigned int cmd, unsigned long arg) {
  long ret = -EINVAL;
  if (cmd == 0)
    goto out;
  CLASS(fd, f)(arg);
  ret = -EBADF;
  if (fd_empty(f))
    goto out;
  ret = fd_file(f)->f_flags & O_ACCMODE;
  fdput(f);
out:
  return ret;
}
