// fails: kept-since-fix; misconception: cloexec-is-the-regression
process app {
  struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
  int p[2];
  pipe(p);
  int a = open("/tmp/l", O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  fcntl(a, F_SETLK, &fl);
  thread t { char c[1]; read(p[0], c, 1); }
  exec("/bin/true") {
    expect(posix_locks("/tmp/l") == 1, "the lock survives exec");
  }
}
