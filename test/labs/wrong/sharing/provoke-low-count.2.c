// fails: v2-under-low-count; misconception: borrow-breaks-without-a-closer
process app {
  int fd = open("/tmp/r", O_RDWR | O_CREAT, 0644);
  char buf[1];
  thread t { char b[1]; read(fd, b, 1); }   // two readers, nobody drops the table's reference
  read(fd, buf, 1);
  join(t);
}
