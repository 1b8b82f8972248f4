// fails: one-fd,after-dup,threaded; misconception: fdput-pos-pairing
long pos_peek(unsigned int fd) {
  struct fd f = fdget_pos(fd);
  if (fd_empty(f)) return -EBADF;
  note_lock(fd_file(f));
  long pos = fd_file(f)->f_pos;
  fdput(f);
  return pos;
}
