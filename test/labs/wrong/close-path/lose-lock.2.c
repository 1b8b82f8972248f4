// fails: note-appears,no-violation; misconception: lock-belongs-to-fd
process app {
  struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
  int fd = open("/tmp/data", O_RDWR | O_CREAT, 0600);
  fcntl(fd, F_SETLK, &fl);
  int pid = fork { close(fd); exit(0); };   // another table: the parent's lock stays
  waitpid(pid, NULL, 0);
}
