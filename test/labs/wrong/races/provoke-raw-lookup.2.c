// fails: found; misconception: race-needs-a-sharer
process racer {
  int d = open("/dev/rawget", O_RDWR);
  int a = open("/tmp/a", O_WRONLY | O_CREAT, 0644);
  thread t { close(a); }
  join(t);                                 // the close is over before the ioctl starts
  ioctl(d, 0, a);
}
