// poll_oneoff with clock subscriptions: relative and absolute timeouts on
// the monotonic and realtime clocks (elapsed time checked loosely), expired
// deadlines firing at once, the nearest of several deadlines winning,
// CPU-time clocks (notsup in the event), and the call's own errors.
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

#define MS 1000000ull

static __wasi_timestamp_t now(__wasi_clockid_t id)
{
    __wasi_timestamp_t t = 0;
    if (__wasi_clock_time_get(id, 1, &t) != 0)
        return 0;
    return t;
}

static __wasi_subscription_t clock_sub(__wasi_userdata_t ud, __wasi_clockid_t id,
                                       __wasi_timestamp_t timeout, int abs)
{
    __wasi_subscription_t s;
    memset(&s, 0, sizeof s);
    s.userdata = ud;
    s.u.tag = __WASI_EVENTTYPE_CLOCK;
    s.u.u.clock.id = id;
    s.u.u.clock.timeout = timeout;
    s.u.u.clock.precision = 0;
    s.u.u.clock.flags = abs ? __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME : 0;
    return s;
}

/* Poll, and print the events and whether the wait took [lo, hi) ms. */
static void run(const char *what, const __wasi_subscription_t *in, __wasi_size_t nin, unsigned lo,
                unsigned hi)
{
    __wasi_event_t ev[8];
    __wasi_size_t n = 99;
    memset(ev, 0xaa, sizeof ev);
    __wasi_timestamp_t t0 = now(__WASI_CLOCKID_MONOTONIC);
    __wasi_errno_t e = __wasi_poll_oneoff(in, ev, nin, &n);
    __wasi_timestamp_t el = now(__WASI_CLOCKID_MONOTONIC) - t0;
    printf("ok poll_oneoff %s: errno %u, %zu event(s)", what, e, e ? 0 : n);
    for (__wasi_size_t i = 0; e == 0 && i < n && i < 8; i++)
        printf(" [userdata %llu type %u error %u]", (unsigned long long)ev[i].userdata, ev[i].type,
               ev[i].error);
    printf(", waited in [%u, %u) ms: %s\n", lo, hi,
           el >= lo * MS && el < hi * MS ? "yes" : "NO");
}

int main(void)
{
    __wasi_subscription_t s[4];

    s[0] = clock_sub(42, __WASI_CLOCKID_MONOTONIC, 50 * MS, 0);
    run("monotonic relative 50 ms", s, 1, 50, 2000);
    s[0] = clock_sub(7, __WASI_CLOCKID_REALTIME, 30 * MS, 0);
    run("realtime relative 30 ms", s, 1, 30, 2000);
    s[0] = clock_sub(1, __WASI_CLOCKID_MONOTONIC, now(__WASI_CLOCKID_MONOTONIC) + 50 * MS, 1);
    run("monotonic absolute now + 50 ms", s, 1, 40, 2000);
    s[0] = clock_sub(2, __WASI_CLOCKID_REALTIME, now(__WASI_CLOCKID_REALTIME) + 50 * MS, 1);
    run("realtime absolute now + 50 ms", s, 1, 40, 2000);

    /* Deadlines already passed fire at once. */
    s[0] = clock_sub(3, __WASI_CLOCKID_MONOTONIC, 0, 0);
    run("relative 0", s, 1, 0, 1000);
    s[0] = clock_sub(4, __WASI_CLOCKID_MONOTONIC, 1, 1);
    run("monotonic absolute in the past", s, 1, 0, 1000);
    s[0] = clock_sub(5, __WASI_CLOCKID_REALTIME, now(__WASI_CLOCKID_REALTIME) - 1000 * MS, 1);
    run("realtime absolute 1 s ago", s, 1, 0, 1000);

    /* The nearest deadline ends the wait; the far ones are not reported. */
    s[0] = clock_sub(10, __WASI_CLOCKID_MONOTONIC, 0xffffffffffffffffull, 0);
    s[1] = clock_sub(11, __WASI_CLOCKID_REALTIME, 5000 * MS, 0);
    s[2] = clock_sub(12, __WASI_CLOCKID_MONOTONIC, 20 * MS, 0);
    s[3] = clock_sub(13, __WASI_CLOCKID_MONOTONIC, 0xffffffffffffffffull, 1);
    run("forever, 5 s, 20 ms, absolute max", s, 4, 20, 2000);
    /* Several expired at once: all of them, in order. */
    s[0] = clock_sub(20, __WASI_CLOCKID_MONOTONIC, 0, 0);
    s[1] = clock_sub(21, __WASI_CLOCKID_REALTIME, 5000 * MS, 0);
    s[2] = clock_sub(22, __WASI_CLOCKID_REALTIME, 1, 1);
    run("0, 5 s, realtime absolute 1 ns", s, 3, 0, 1000);

    /* CPU-time clocks cannot end a wait: notsup, in the event. */
    s[0] = clock_sub(30, __WASI_CLOCKID_PROCESS_CPUTIME_ID, 10 * MS, 0);
    run("process cputime", s, 1, 0, 1000);
    s[0] = clock_sub(31, __WASI_CLOCKID_THREAD_CPUTIME_ID, 10 * MS, 0);
    s[1] = clock_sub(32, __WASI_CLOCKID_MONOTONIC, 5000 * MS, 0);
    run("thread cputime with a 5 s monotonic", s, 2, 0, 1000);

    /* Errors of the call itself. */
    __wasi_event_t ev[2];
    __wasi_size_t n;
    printf("ok poll_oneoff no subscriptions: errno %u (inval %u)\n", __wasi_poll_oneoff(s, ev, 0, &n),
           __WASI_ERRNO_INVAL);
    s[0] = clock_sub(40, 4, 0, 0);
    printf("ok poll_oneoff clock id 4: errno %u\n", __wasi_poll_oneoff(s, ev, 1, &n));
    s[0] = clock_sub(41, __WASI_CLOCKID_MONOTONIC, 0, 0);
    s[0].u.u.clock.flags = 2;
    printf("ok poll_oneoff unknown subclockflags bit: errno %u\n", __wasi_poll_oneoff(s, ev, 1, &n));
    s[0] = clock_sub(42, __WASI_CLOCKID_MONOTONIC, 0, 0);
    s[0].u.tag = 3;
    printf("ok poll_oneoff unknown event type 3: errno %u\n", __wasi_poll_oneoff(s, ev, 1, &n));
    s[0] = clock_sub(43, __WASI_CLOCKID_MONOTONIC, 0, 0);
    printf("ok poll_oneoff events out of bounds: errno %u (fault %u)\n",
           __wasi_poll_oneoff(s, (__wasi_event_t *)0xfffffff0u, 1, &n), __WASI_ERRNO_FAULT);
    printf("ok poll_oneoff subscriptions misaligned: errno %u\n",
           __wasi_poll_oneoff((const __wasi_subscription_t *)((char *)s + 4), ev, 1, &n));
    return 0;
}
