// fails: hangs,hangs-6.5; misconception: eof-needs-every-writer
process sh {
  int fds[2];
  pipe(fds);
  int writer = fork {
    close(fds[0]);
    int copy = dup(fds[1]);   // two write-end fds in the writer, both closed when it exits
    write(copy, "x", 1);
    exit(0);
  };
  close(fds[1]);
  char buf[1];
  while (read(fds[0], buf, 1) > 0) { }
  waitpid(writer, NULL, 0);
}
