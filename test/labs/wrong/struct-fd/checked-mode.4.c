// fails: racing-close; misconception: use-after-fdput
long checked_mode(unsigned int fd, unsigned int want) {
  struct fd f = fdget(fd);
  if (fd_empty(f)) return -EBADF;
  struct file *file = fd_file(f);
  fdput(f);
  long mode = file->f_flags & O_ACCMODE;
  if (mode != want) return -EINVAL;
  return mode;
}
