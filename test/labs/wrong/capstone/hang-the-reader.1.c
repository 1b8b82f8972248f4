// fails: hangs,hangs-6.5; misconception: eof-needs-every-writer
process sh {
  int fds[2];
  pipe(fds);
  int writer = fork {
    close(fds[0]);
    write(fds[1], "x", 1);
    exit(0);                  // "the writer never closes its end": exit closes it
  };
  close(fds[1]);
  char buf[1];
  while (read(fds[0], buf, 1) > 0) { }
  waitpid(writer, NULL, 0);
}
