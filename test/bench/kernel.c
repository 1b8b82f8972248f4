/* Kernel side of `npm run bench`: the same dup+close loop against the real kernel, timed in CPU
 * time of this process (user + system: the syscalls' kernel time included), as the engine side is. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    char path[] = "/tmp/fdlab-bench-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) { perror("mkstemp"); return 1; }
    unlink(path);
    struct timespec a, b;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
    for (long i = 0; i < n; i++) {
        int d = dup(fd);
        if (d < 0) { perror("dup"); return 1; }
        close(d);
    }
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
    double ms = (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
    printf("{\"kind\":\"kernel\",\"ops\":%ld,\"ms\":%.3f,\"opsPerSec\":%.1f}\n", 2 * n, ms, 2 * n / ms * 1000);
    return 0;
}
