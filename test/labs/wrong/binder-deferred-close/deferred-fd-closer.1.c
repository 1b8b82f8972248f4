// fails: kthread,rcu-callback; misconception: task-work-in-kthread
struct deferred_close { struct callback_head twork; struct file *file; };
void do_close_fd(struct callback_head *twork) {
  struct deferred_close *dc = container_of(twork, struct deferred_close, twork);
  if (dc->file) fput(dc->file);
  kfree(dc);
}
int deferred_fd_closer(unsigned int fd) {
  struct deferred_close *dc = kzalloc(sizeof(struct deferred_close), GFP_KERNEL);
  init_task_work(&dc->twork, do_close_fd);
  if (task_work_add(current, &dc->twork, TWA_RESUME)) { kfree(dc); return -ESRCH; }
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
  struct file *file = file_close_fd(fd);
#else
  struct file *file = close_fd_get_file(fd);
#endif
  if (!file) return -EBADF;
  get_file(file);
  filp_close(file, current->files);
  dc->file = file;
  return 0;
}
