// fails: posix-locks; misconception: locks-go-at-last-close
long my_close(unsigned int fd) {
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
  struct file *f = file_close_fd(fd);
  if (!f) return -EBADF;
  fput_close_sync(f);
  return 0;
#else
  struct file *f = close_fd_get_file(fd);
  if (!f) return -EBADF;
  fput(f);
  return 0;
#endif
}
