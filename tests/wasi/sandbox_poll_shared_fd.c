// Regression: poll_oneoff gave one host pollfd to every descriptor
// subscription, so a guest repeating one fd more often than RLIMIT_NOFILE
// (20000 here) got errno inval from ppoll for a valid call. Subscriptions on
// the same fd now share a pollfd; a shared one still reports each direction
// only when that direction is ready. stdin is made the real /dev/null (a
// character device, so it is polled rather than settled at once).
// SETUP: ln -s /dev/null stdin
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

static int failures;

static void check(const char *what, int cond)
{
    printf("%s %s\n", cond ? "ok" : "FAIL", what);
    failures += !cond;
}

int main(void)
{
    enum { N = 65536 };
    __wasi_subscription_t *s = calloc(N, sizeof *s);
    __wasi_event_t *ev = calloc(N, sizeof *ev);
    if (!s || !ev)
        return 2;
    __wasi_fdstat_t st;
    check("fd 0 is a character device",
          __wasi_fd_fdstat_get(0, &st) == 0 && st.fs_filetype == __WASI_FILETYPE_CHARACTER_DEVICE);
    for (uint32_t i = 0; i < N; i++) {
        s[i].userdata = 1000000 + i;
        s[i].u.tag = __WASI_EVENTTYPE_FD_READ;
        s[i].u.u.fd_read.file_descriptor = 0;
    }
    __wasi_size_t n = 0;
    __wasi_errno_t e = __wasi_poll_oneoff(s, ev, N, &n);
    check("poll_oneoff 65536 fd_read subscriptions on fd 0: success", e == 0);
    check("poll_oneoff 65536 on fd 0: 65536 events", n == N);
    int good = 1;
    for (uint32_t i = 0; i < n && i < N; i++)
        good &= ev[i].userdata == 1000000 + i && ev[i].type == __WASI_EVENTTYPE_FD_READ && ev[i].error == 0;
    check("poll_oneoff 65536 on fd 0: every event readable, in order, no error", good);

    /* 30000 on fd 0 among clocks that are not due: only the fd events. */
    for (uint32_t i = 0; i < 40000; i++) {
        memset(&s[i], 0, sizeof s[i]);
        s[i].userdata = i;
        if (i % 4 == 0) {
            s[i].u.tag = __WASI_EVENTTYPE_CLOCK;
            s[i].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
            s[i].u.u.clock.timeout = 3600ull * 1000000000ull;
        } else {
            s[i].u.tag = __WASI_EVENTTYPE_FD_READ;
            s[i].u.u.fd_read.file_descriptor = 0;
        }
    }
    e = __wasi_poll_oneoff(s, ev, 40000, &n);
    check("poll_oneoff 30000 fd_read on fd 0 among 10000 far clocks: success", e == 0);
    check("poll_oneoff fd 0 among far clocks: the 30000 fd events only", n == 30000 && ev[0].userdata == 1);

    /* Subscriptions on fd 0 for writing: it is read-only, so each reports
     * notcapable at once, beside the readable ones sharing the fd. */
    for (uint32_t i = 0; i < 30000; i++) {
        memset(&s[i], 0, sizeof s[i]);
        s[i].userdata = i;
        s[i].u.tag = (i & 1) ? __WASI_EVENTTYPE_FD_WRITE : __WASI_EVENTTYPE_FD_READ;
        s[i].u.u.fd_read.file_descriptor = 0;
    }
    e = __wasi_poll_oneoff(s, ev, 30000, &n);
    good = e == 0 && n == 30000;
    for (uint32_t i = 0; good && i < n; i++)
        good &= ev[i].error == ((i & 1) ? __WASI_ERRNO_NOTCAPABLE : 0);
    check("poll_oneoff 15000 read + 15000 write on read-only fd 0: reads ready, writes notcapable", good);
    free(s);
    free(ev);
    return failures ? 1 : 0;
}
