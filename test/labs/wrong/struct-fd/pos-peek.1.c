// fails: after-dup,threaded; misconception: fdget-locks-f-pos
long pos_peek(unsigned int fd) {
  struct fd f = fdget(fd);
  if (fd_empty(f)) return -EBADF;
  note_lock(fd_file(f));
  long pos = fd_file(f)->f_pos;
  fdput(f);
  return pos;
}
