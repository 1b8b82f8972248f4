// fails: matches,racing-close,threaded; misconception: double-fdput
long checked_mode(unsigned int fd, unsigned int want) {
  struct fd f = fdget(fd);
  if (fd_empty(f)) return -EBADF;
  long mode = fd_file(f)->f_flags & O_ACCMODE;
  fdput(f);
  if (mode != want) return -EINVAL;
  fdput(f);
  return mode;
}
