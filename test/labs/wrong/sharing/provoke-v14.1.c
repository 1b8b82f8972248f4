// fails: v14-under-low-count; misconception: only-clone-files-adds-a-sharer
process app {
  int fd = open("/tmp/r", O_RDWR | O_CREAT, 0644);
  int kid = fork { char b[1]; read(fd, b, 1); exit(0); };
  char buf[1];
  read(fd, buf, 1);
  waitpid(kid, NULL, 0);
}
