// fails: lost-before-fix; misconception: a-joined-thread-still-shares
process app {
  struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
  int a = open("/tmp/l", O_RDWR | O_CREAT, 0644);
  fcntl(a, F_SETLK, &fl);
  thread t { char c[1]; pread(a, c, 1, 0); }
  join(t);
  exec("/bin/true") {
    expect(posix_locks("/tmp/l") == 1, "the lock survives exec");
  }
}
