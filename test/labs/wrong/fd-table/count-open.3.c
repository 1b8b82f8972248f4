// fails: simple,above-next-fd,grown-table; misconception: slot-index-off-by-one
int count_open_fds(void) {
  int n = 0;
  rcu_read_lock();
  struct fdtable *fdt = files_fdtable(current->files);
  for (unsigned int i = 0; i <= fdt->max_fds; i++)
    if (fdt->fd[i]) n++;
  rcu_read_unlock();
  return n;
}
