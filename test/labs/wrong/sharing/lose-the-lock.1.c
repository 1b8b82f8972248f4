// fails: lost-before-fix; misconception: exec-drops-posix-locks
process app {
  struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
  int a = open("/tmp/l", O_RDWR | O_CREAT, 0644);
  fcntl(a, F_SETLK, &fl);
  int b = dup(a);
  exec("/bin/true") {
    expect(posix_locks("/tmp/l") == 1, "the lock survives exec");
  }
}
