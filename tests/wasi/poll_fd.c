// poll_oneoff with descriptor subscriptions mixed with clocks: several
// events reported at once, regular files always ready (fd_read nbytes =
// size - offset), per-subscription errors (badf, notcapable) reported in
// their events without failing the call, a FIFO that is empty, then has
// data, then hangs up.
// SETUP: mkfifo scratch/fifo && printf 0123456789 > scratch/ten.txt
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

#define PRE 3
#define MS 1000000ull

static __wasi_subscription_t clock_sub(__wasi_userdata_t ud, __wasi_timestamp_t timeout)
{
    __wasi_subscription_t s;
    memset(&s, 0, sizeof s);
    s.userdata = ud;
    s.u.tag = __WASI_EVENTTYPE_CLOCK;
    s.u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    s.u.u.clock.timeout = timeout;
    return s;
}

static __wasi_subscription_t fd_sub(__wasi_userdata_t ud, __wasi_eventtype_t type, __wasi_fd_t fd)
{
    __wasi_subscription_t s;
    memset(&s, 0, sizeof s);
    s.userdata = ud;
    s.u.tag = type;
    if (type == __WASI_EVENTTYPE_FD_READ)
        s.u.u.fd_read.file_descriptor = fd;
    else
        s.u.u.fd_write.file_descriptor = fd;
    return s;
}

static __wasi_timestamp_t now(void)
{
    __wasi_timestamp_t t = 0;
    if (__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t) != 0)
        return 0;
    return t;
}

static void run(const char *what, const __wasi_subscription_t *in, __wasi_size_t nin, unsigned hi)
{
    __wasi_event_t ev[8];
    __wasi_size_t n = 99;
    memset(ev, 0xaa, sizeof ev);
    __wasi_timestamp_t t0 = now();
    __wasi_errno_t e = __wasi_poll_oneoff(in, ev, nin, &n);
    __wasi_timestamp_t el = now() - t0;
    printf("ok poll_oneoff %s: errno %u, %zu event(s)", what, e, e ? 0 : n);
    for (__wasi_size_t i = 0; e == 0 && i < n && i < 8; i++) {
        printf(" [userdata %llu type %u error %u", (unsigned long long)ev[i].userdata, ev[i].type,
               ev[i].error);
        if (ev[i].type != __WASI_EVENTTYPE_CLOCK)
            printf(" nbytes %llu flags %u", (unsigned long long)ev[i].fd_readwrite.nbytes,
                   ev[i].fd_readwrite.flags);
        printf("]");
    }
    printf(", within %u ms: %s\n", hi, el < hi * MS ? "yes" : "NO");
}

static __wasi_fd_t open_file(const char *path, __wasi_rights_t rights, __wasi_fdflags_t fl)
{
    __wasi_fd_t fd = 0xffffffffu;
    __wasi_errno_t e = __wasi_path_open(PRE, 0, path, 0, rights, 0, fl, &fd);
    printf("ok path_open %s: errno %u\n", path, e);
    return fd;
}

int main(void)
{
    __wasi_subscription_t s[6];
    const __wasi_rights_t R = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_POLL_FD_READWRITE |
                              __WASI_RIGHTS_FD_SEEK;
    const __wasi_rights_t W = __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_POLL_FD_READWRITE;

    /* Two clocks and stdout: stdout can be written at once. */
    s[0] = clock_sub(1, 10 * MS);
    s[1] = clock_sub(2, 5000 * MS);
    s[2] = fd_sub(3, __WASI_EVENTTYPE_FD_WRITE, 1);
    run("two clocks + stdout write", s, 3, 1000);

    /* A regular file: ready for both, nbytes = what is left to read. */
    __wasi_fd_t ten = open_file("ten.txt", R | W, 0);
    __wasi_filesize_t off;
    __wasi_errno_t e = __wasi_fd_seek(ten, 3, __WASI_WHENCE_SET, &off);
    s[0] = fd_sub(10, __WASI_EVENTTYPE_FD_READ, ten);
    s[1] = fd_sub(11, __WASI_EVENTTYPE_FD_WRITE, ten);
    s[2] = clock_sub(12, 5000 * MS);
    run("file read + write + 5 s clock", s, 3, 1000);
    e = __wasi_fd_seek(ten, 0, __WASI_WHENCE_END, &off);
    s[0] = fd_sub(13, __WASI_EVENTTYPE_FD_READ, ten);
    run("file read at its end", s, 1, 1000);

    /* Errors belong to their own events; the others are still reported. */
    __wasi_fd_t ro = open_file("ten.txt", R, 0);
    __wasi_fd_t nopoll = open_file("ten.txt", __WASI_RIGHTS_FD_READ, 0);
    s[0] = fd_sub(20, __WASI_EVENTTYPE_FD_READ, 99);
    s[1] = fd_sub(21, __WASI_EVENTTYPE_FD_WRITE, ro);
    s[2] = fd_sub(22, __WASI_EVENTTYPE_FD_READ, nopoll);
    s[3] = fd_sub(23, __WASI_EVENTTYPE_FD_READ, ro);
    s[4] = clock_sub(24, 5000 * MS);
    s[5] = fd_sub(25, __WASI_EVENTTYPE_FD_READ, PRE);
    printf("ok errno numbers: badf %u, notcapable %u\n", __WASI_ERRNO_BADF, __WASI_ERRNO_NOTCAPABLE);
    run("badf, write on read-only, no poll right, good read, 5 s clock, directory", s, 6, 1000);

    /* A FIFO: empty, so only the clock fires. */
    __wasi_fd_t rd = open_file("fifo", R, __WASI_FDFLAGS_NONBLOCK);
    __wasi_fd_t wr = open_file("fifo", W, __WASI_FDFLAGS_NONBLOCK);
    s[0] = fd_sub(30, __WASI_EVENTTYPE_FD_READ, rd);
    s[1] = clock_sub(31, 30 * MS);
    run("empty FIFO read + 30 ms clock", s, 2, 2000);
    char buf[16];
    __wasi_iovec_t iv = {(uint8_t *)buf, sizeof buf};
    __wasi_size_t n;
    printf("ok fd_read empty nonblocking FIFO: errno %u (again %u)\n", __wasi_fd_read(rd, &iv, 1, &n),
           __WASI_ERRNO_AGAIN);
    __wasi_ciovec_t cv = {(const uint8_t *)"hello", 5};
    e = __wasi_fd_write(wr, &cv, 1, &n);
    printf("ok fd_write 5 bytes into the FIFO: errno %u\n", e);
    s[0] = fd_sub(32, __WASI_EVENTTYPE_FD_READ, rd);
    s[1] = fd_sub(33, __WASI_EVENTTYPE_FD_WRITE, wr);
    s[2] = clock_sub(34, 5000 * MS);
    run("FIFO with data: read + write + 5 s clock", s, 3, 1000);

    /* The writer goes away: readable with hangup, then hangup alone. */
    printf("ok fd_close writer: errno %u\n", __wasi_fd_close(wr));
    s[0] = fd_sub(35, __WASI_EVENTTYPE_FD_READ, rd);
    s[1] = clock_sub(36, 5000 * MS);
    run("FIFO after the writer closed", s, 2, 1000);
    e = __wasi_fd_read(rd, &iv, 1, &n);
    printf("ok fd_read the 5 bytes: errno %u, %zu bytes\n", e, n);
    run("drained FIFO after the writer closed", s, 2, 1000);
    return 0;
}
