// fails: own-fd; misconception: pin-until-after-fdput
int deferred_close(unsigned int fd) {
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
  struct file *file = file_close_fd(fd);
#else
  struct file *file = close_fd_get_file(fd);
#endif
  if (!file) return -EBADF;
  get_file(file);
  filp_close(file, current->files);
  fput(file);                       // the pin dropped inside the ioctl: too early
  return 0;
}
