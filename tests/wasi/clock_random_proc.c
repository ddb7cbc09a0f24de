// Clocks, random_get, sched_yield, proc_raise and proc_exit.
// STATUS: 42
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <wasi/api.h>
#include "wasi_test.h"

static const char *clock_names[] = {"realtime", "monotonic", "process_cputime", "thread_cputime"};

int main(void)
{
    for (__wasi_clockid_t id = 0; id < 4; id++) {
        __wasi_timestamp_t res = 0, t1 = 0, t2 = 0;
        __wasi_errno_t e1 = __wasi_clock_res_get(id, &res);
        __wasi_errno_t e2 = __wasi_clock_time_get(id, 1, &t1);
        /* Burn a little CPU so the CPU-time clocks advance too. */
        volatile unsigned x = 0;
        for (int i = 0; i < 2000000; i++)
            x = x + (unsigned)i;
        (void)x;
        __wasi_errno_t e3 = __wasi_clock_time_get(id, 1, &t2);
        printf("ok clock %s: res_get %u, resolution %s, time_get %u/%u, advances %s\n", clock_names[id],
               e1, res > 0 && res <= 1000000000ull ? "in (0, 1s]" : "BAD", e2, e3, t2 > t1 ? "yes" : "NO");
    }
    __wasi_timestamp_t now;
    if (__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 0, &now) != 0)
        return 1;
    printf("ok clock realtime after 2020: %s\n", now > 1577836800ull * 1000000000ull ? "yes" : "NO");
    /* libc's own view agrees with the raw call. */
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    printf("ok clock_gettime(CLOCK_MONOTONIC): %s\n", ts.tv_sec > 0 || ts.tv_nsec > 0 ? "non-zero" : "ZERO");

    __wasi_timestamp_t dummy;
    printf("ok clock_res_get unknown clock 4: errno %u (inval %u)\n", __wasi_clock_res_get(4, &dummy),
           __WASI_ERRNO_INVAL);
    printf("ok clock_time_get unknown clock 99: errno %u\n", __wasi_clock_time_get(99, 0, &dummy));
    printf("ok clock_time_get out-of-bounds result: errno %u (fault %u)\n",
           __wasi_clock_time_get(0, 0, (__wasi_timestamp_t *)0xfffffffcu), __WASI_ERRNO_FAULT);

    /* random_get: a large buffer is filled completely, straight into memory. */
    static uint8_t big[1 << 20];
    memset(big, 0, sizeof big);
    __wasi_errno_t e = __wasi_random_get(big, sizeof big);
    unsigned counts[256] = {0};
    for (size_t i = 0; i < sizeof big; i++)
        counts[big[i]]++;
    unsigned minc = ~0u, maxc = 0;
    for (int i = 0; i < 256; i++) {
        if (counts[i] < minc) minc = counts[i];
        if (counts[i] > maxc) maxc = counts[i];
    }
    printf("ok random_get 1 MiB: errno %u, every byte value seen %s\n", e,
           minc > 3000 && maxc < 5200 ? "about equally often" : "UNEVENLY");
    uint8_t a[16], b[16];
    if (__wasi_random_get(a, sizeof a) != 0 || __wasi_random_get(b, sizeof b) != 0)
        return 1;
    printf("ok random_get twice differs: %s\n", memcmp(a, b, 16) ? "yes" : "NO");
    printf("ok random_get zero length: errno %u\n", __wasi_random_get(a, 0));
    printf("ok random_get out of bounds: errno %u\n", __wasi_random_get((uint8_t *)0xfffffff0u, 32));

    printf("ok sched_yield: errno %u\n", __wasi_sched_yield());
    /* Signals ignored by default do nothing; stopping is refused. */
    printf("ok proc_raise none: errno %u\n", test_proc_raise(TEST_SIGNAL_NONE));
    printf("ok proc_raise chld (ignored by default): errno %u\n", test_proc_raise(TEST_SIGNAL_CHLD));
    printf("ok proc_raise stop: errno %u (notsup %u)\n", test_proc_raise(TEST_SIGNAL_STOP), __WASI_ERRNO_NOTSUP);
    printf("ok proc_raise unknown signal 31: errno %u\n", test_proc_raise(31));
    fflush(stdout);
    __wasi_proc_exit(42);
    printf("NOT REACHED\n");
    return 0;
}
