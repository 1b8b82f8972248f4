// fails: own-fd; misconception: pin-until-after-fdput
struct deferred_close { struct callback_head twork; struct file *file; };
void do_close_fd(struct callback_head *twork) {
  struct deferred_close *dc = container_of(twork, struct deferred_close, twork);
  kfree(dc);
}
int deferred_fd_closer(unsigned int fd) {
  if (current->flags & PF_KTHREAD) return -ESRCH;
  struct deferred_close *dc = kzalloc(sizeof(struct deferred_close), GFP_KERNEL);
  init_task_work(&dc->twork, do_close_fd);
  if (task_work_add(current, &dc->twork, TWA_RESUME)) { kfree(dc); return -ESRCH; }
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
  struct file *file = file_close_fd(fd);
#else
  struct file *file = close_fd_get_file(fd);
#endif
  if (!file) return -EBADF;
  filp_close(file, current->files);            // no pin: the table's reference was the last
  return 0;
}
