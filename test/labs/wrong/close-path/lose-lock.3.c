// fails: note-appears,no-violation; misconception: lock-belongs-to-fd
process app {
  struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
  int fd = open("/tmp/data", O_RDWR | O_CREAT, 0600);
  fcntl(fd, F_OFD_SETLK, &fl);             // an OFD lock belongs to the open file
  int other = open("/tmp/data", O_RDONLY);
  close(other);
}
