// fails: one-fd; misconception: always-lock-f-pos
long pos_peek(unsigned int fd) {
  struct fd f = fdget(fd);
  if (fd_empty(f)) return -EBADF;
  mutex_lock(&fd_file(f)->f_pos_lock);
  note_lock(fd_file(f));
  long pos = fd_file(f)->f_pos;
  mutex_unlock(&fd_file(f)->f_pos_lock);
  fdput(f);
  return pos;
}
