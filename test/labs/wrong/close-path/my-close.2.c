// fails: closes-the-fd,kept-alive,posix-locks,sync-teardown; misconception: flush-drops-reference
long my_close(unsigned int fd) {
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
  struct file *f = file_close_fd(fd);
  if (!f) return -EBADF;
  return filp_flush(f, current->files);
#else
  struct file *f = close_fd_get_file(fd);
  if (!f) return -EBADF;
  return 0;
#endif
}
