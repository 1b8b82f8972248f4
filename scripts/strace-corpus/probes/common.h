/* Shared helpers for the fdlab strace-corpus probes. Each probe is run under `strace -f` by
 * ../record.sh in a scratch folder (its working directory); it prints nothing that matters:
 * the strace log is the record. Files are created relative to the working directory. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef F_DUPFD_QUERY
#define F_DUPFD_QUERY (1024 + 3)
#endif
#ifndef CLOSE_RANGE_UNSHARE
#define CLOSE_RANGE_UNSHARE (1U << 1)
#endif
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

static inline int sys_close_range(unsigned a, unsigned b, unsigned flags) {
  return (int)syscall(SYS_close_range, a, b, flags);
}

/* Start from fds 0-2 only, as the spec's probes did. */
static inline void only_std_fds(void) { sys_close_range(3, ~0U, 0); }

static inline int open_file(const char *name, int flags) {
  return open(name, flags | O_CREAT, 0644);
}
