// fails: posix-locks; misconception: fput-removes-posix-locks
struct twcb { struct callback_head twork; struct file *file; };
void do_fd_close(struct callback_head *twork) {
  struct twcb *t = container_of(twork, struct twcb, twork);
  fput(t->file);
  kfree(t);
}
int deferred_close(unsigned int fd) {
  struct twcb *t = kzalloc(sizeof(struct twcb), GFP_KERNEL);
  init_task_work(&t->twork, do_fd_close);
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
  t->file = file_close_fd(fd);
#else
  t->file = close_fd_get_file(fd);
#endif
  if (!t->file) { kfree(t); return -EBADF; }
  task_work_add(current, &t->twork, TWA_RESUME);   // the table's reference, dropped later: no filp_close
  return 0;
}
