/* vfork + exec and posix_spawn with file actions (what shells and libraries do). */
#include "common.h"
#include <spawn.h>
extern char **environ;
int main(void) {
  only_std_fds();
  int p[2];
  pipe(p);                                 /* 3, 4 */
  open_file("f", O_RDONLY | O_CLOEXEC);    /* 5 */
  pid_t pid = vfork();
  if (pid == 0) {
    dup2(p[1], 1);
    close(p[0]);
    close(p[1]);
    execl("/bin/echo", "echo", "hi", (char *)0);
    _exit(127);
  }
  close(p[1]);
  char buf[16];
  read(p[0], buf, sizeof buf);
  waitpid(pid, 0, 0);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addclose(&fa, 3);
  char *av[] = { "ls", "-l", "/proc/self/fd/", 0 };
  posix_spawn(&pid, "/bin/ls", &fa, 0, av, environ);
  waitpid(pid, 0, 0);
  return 0;
}
