// fails: bad-fd; misconception: work-on-the-error-path
long submit(unsigned int fd) {
  struct task_struct *w = create_io_thread(io_worker, NULL, 0);
  if (IS_ERR(w))
    return PTR_ERR(w);
  CLASS(fd, f)(fd);
  if (fd_empty(f))
    return -EBADF;
  return 0;
}
