// fails: dup2-race,close-race; misconception: unreferenced-lookup
long peek_flags(unsigned int fd) {
  rcu_read_lock();
  struct file *f = files_lookup_fd_raw(current->files, fd);
  long r = f ? (f->f_flags & O_ACCMODE) : -EBADF;
  rcu_read_unlock();
  return r;
}
