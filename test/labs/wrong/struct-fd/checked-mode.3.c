// fails: matches,mismatch,threaded,racing-close; misconception: fdput-pos-pairing
long checked_mode(unsigned int fd, unsigned int want) {
  struct fd f = fdget_pos(fd);
  if (fd_empty(f)) return -EBADF;
  long mode = fd_file(f)->f_flags & O_ACCMODE;
  fdput(f);
  if (mode != want) return -EINVAL;
  return mode;
}
