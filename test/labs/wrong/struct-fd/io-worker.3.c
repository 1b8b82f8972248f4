// fails: shared; misconception: fdget-without-fdput
long submit(unsigned int fd) {
  struct fd f = fdget(fd);
  if (fd_empty(f))
    return -EBADF;
  struct task_struct *w = create_io_thread(io_worker, NULL, 0);
  if (IS_ERR(w))
    return PTR_ERR(w);
  return 0;
}
