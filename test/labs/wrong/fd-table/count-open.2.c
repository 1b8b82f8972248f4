// fails: grown-table; misconception: table-is-64-slots
int count_open_fds(void) {
  int n = 0;
  rcu_read_lock();
  struct fdtable *fdt = files_fdtable(current->files);
  for (unsigned int i = 0; i < 64; i++)
    if (fdt->fd[i]) n++;
  rcu_read_unlock();
  return n;
}
