// A simulated slow disk for the store benchmark: preloaded into qflow-bench's child process (LD_PRELOAD), it makes
// every fsync and fdatasync take QFLOW_FSYNC_DELAY_US microseconds longer (default 2000), the commit cost of a
// virtual machine on network storage. Only `make bench` builds it; the product never loads it.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static atomic_long calls;
static long delay_us = -1;

/// The number of fsync/fdatasync calls delayed so far; qflow-bench reads it through dlsym to prove the shim is in.
long qflow_slow_fsync_calls(void) { return atomic_load(&calls); }

/// The delay added to each call, in microseconds.
long qflow_slow_fsync_delay_us(void) {
    if (delay_us < 0) {
        const char *text = getenv("QFLOW_FSYNC_DELAY_US");
        long value = text ? strtol(text, NULL, 10) : 2000;
        delay_us = value < 0 ? 0 : value;
    }
    return delay_us;
}

static void pause_for_disk(void) {
    atomic_fetch_add(&calls, 1);
    long us = qflow_slow_fsync_delay_us();
    struct timespec t = {us / 1000000, (us % 1000000) * 1000};
    while (nanosleep(&t, &t) == -1 && errno == EINTR) {}
}

int fsync(int fd) {
    static int (*real)(int);
    if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    int result = real(fd);
    pause_for_disk();
    return result;
}

int fdatasync(int fd) {
    static int (*real)(int);
    if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
    int result = real(fd);
    pause_for_disk();
    return result;
}
