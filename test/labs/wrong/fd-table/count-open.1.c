// fails: above-next-fd,grown-table; misconception: next-fd-bounds-the-table
int count_open_fds(void) {
  int n = 0;
  rcu_read_lock();
  struct files_struct *files = current->files;
  struct fdtable *fdt = files_fdtable(files);
  for (unsigned int i = 0; i < files->next_fd; i++)
    if (fdt->fd[i]) n++;
  rcu_read_unlock();
  return n;
}
