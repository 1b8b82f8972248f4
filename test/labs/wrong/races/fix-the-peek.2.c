// fails: reads-flags,dup2-race,close-race; misconception: fget-without-fput
long peek_flags(unsigned int fd) {
  struct file *f = fget(fd);
  if (!f) return -EBADF;
  return f->f_flags & O_ACCMODE;
}
