// fails: v14-under-low-count; misconception: only-clone-files-adds-a-sharer
process app {
  int fd = open("/tmp/r", O_RDWR | O_CREAT, 0644);
  int d = dup(fd);
  char buf[1];
  read(d, buf, 1);
  read(fd, buf, 1);
}
