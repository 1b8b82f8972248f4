// fails: found; misconception: race-needs-a-sharer
process racer {
  int d = open("/dev/rawget", O_RDWR);
  int a = open("/tmp/a", O_WRONLY | O_CREAT, 0644);
  int pid = fork { close(a); exit(0); };   // the child's table is a copy
  ioctl(d, 0, a);
  waitpid(pid, NULL, 0);
}
