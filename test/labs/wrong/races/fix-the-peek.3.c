// fails: dup2-race,close-race; misconception: use-after-fput
long peek_flags(unsigned int fd) {
  struct file *f = fget(fd);
  if (!f) return -EBADF;
  fput(f);
  return f->f_flags & O_ACCMODE;
}
