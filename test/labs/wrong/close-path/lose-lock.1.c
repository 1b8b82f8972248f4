// fails: note-appears,no-violation; misconception: lock-belongs-to-fd
process app {
  struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
  int fd = open("/tmp/data", O_RDWR | O_CREAT, 0600);
  fcntl(fd, F_SETLK, &fl);
  close(fd);          // closes the locking fd itself: it does not stay open
}
