// fails: found; misconception: race-needs-a-sharer
process racer {
  int d = open("/dev/rawget", O_RDWR);
  int a = open("/tmp/a", O_WRONLY | O_CREAT, 0644);
  int keep = dup(a);                       // a second reference: the close never drops the last
  thread t { close(a); }
  ioctl(d, 0, a);
}
