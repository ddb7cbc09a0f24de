/* WASI functions that touch no files: arguments and environment, clocks,
 * random bytes, process exit and signals, sched_yield, and the
 * print_greeting extension (witx/ext/greeting.witx). */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "wasi/wasi.h"
#include "wasi_impl.h"

/* Lay out strings the way args_get/environ_get promise: pointers at ptrs,
 * the NUL-terminated strings packed from buf. The glue has checked both
 * ranges against the sizes *_sizes_get reports. */
static wasi_errno_t store_strings(const struct wasi_guest_memory *mem, char *const *s, uint32_t n,
                                  uint32_t ptrs, uint32_t buf)
{
    uint8_t *p = wasi_guest_ptr(mem, ptrs);
    uint8_t *b = wasi_guest_ptr(mem, buf);
    uint32_t off = 0;
    for (uint32_t i = 0; i < n; i++) {
        size_t len = strlen(s[i]) + 1;
        wasi_le_store_u32(p + 4 * (size_t)i, buf + off);
        memcpy(b + off, s[i], len);
        off += (uint32_t)len;
    }
    return WASI_ERRNO_SUCCESS;
}

/* Sizes must fit the guest's 32-bit size type. */
static wasi_errno_t sizes(uint32_t n, uint64_t bytes, wasi_size_t *count, wasi_size_t *size)
{
    if (bytes > UINT32_MAX)
        return WASI_ERRNO_OVERFLOW;
    *count = n;
    *size = (wasi_size_t)bytes;
    return WASI_ERRNO_SUCCESS;
}

wasi_errno_t wasi_impl_args_get(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    uint32_t argv, uint32_t argv_buf)
{
    return store_strings(mem, ctx->args, ctx->argc, argv, argv_buf);
}

wasi_errno_t wasi_impl_args_sizes_get(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_size_t *argc, wasi_size_t *argv_buf_size)
{
    (void)mem;
    return sizes(ctx->argc, ctx->args_bytes, argc, argv_buf_size);
}

wasi_errno_t wasi_impl_environ_get(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    uint32_t environ, uint32_t environ_buf)
{
    return store_strings(mem, ctx->env, ctx->envc, environ, environ_buf);
}

wasi_errno_t wasi_impl_environ_sizes_get(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_size_t *environc, wasi_size_t *environ_buf_size)
{
    (void)mem;
    return sizes(ctx->envc, ctx->env_bytes, environc, environ_buf_size);
}

static clockid_t host_clock(wasi_clockid_t id)
{
    switch (id) {
    case WASI_CLOCKID_REALTIME: return CLOCK_REALTIME;
    case WASI_CLOCKID_MONOTONIC: return CLOCK_MONOTONIC;
    case WASI_CLOCKID_PROCESS_CPUTIME_ID: return CLOCK_PROCESS_CPUTIME_ID;
    default: return CLOCK_THREAD_CPUTIME_ID; /* the glue rejected anything else */
    }
}

wasi_errno_t wasi_impl_clock_res_get(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_clockid_t id, wasi_timestamp_t *resolution)
{
    (void)ctx, (void)mem;
    struct timespec t;
    if (clock_getres(host_clock(id), &t) != 0)
        return wasi_errno_from_host(errno);
    *resolution = wasi_timestamp_from(t);
    if (*resolution == 0)
        *resolution = 1; /* the witx promises a non-zero resolution */
    return WASI_ERRNO_SUCCESS;
}

wasi_errno_t wasi_impl_clock_time_get(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_clockid_t id, wasi_timestamp_t precision, wasi_timestamp_t *time)
{
    (void)ctx, (void)mem, (void)precision;
    struct timespec t;
    if (clock_gettime(host_clock(id), &t) != 0)
        return wasi_errno_from_host(errno);
    *time = wasi_timestamp_from(t);
    return WASI_ERRNO_SUCCESS;
}

wasi_errno_t wasi_impl_random_get(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    uint8_t *buf, wasi_size_t buf_len)
{
    (void)ctx, (void)mem;
    /* Straight into guest memory: no host buffer of a guest-chosen size. */
    size_t done = 0;
    while (done < buf_len) {
        ssize_t n = getrandom(buf + done, buf_len - done, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return wasi_errno_from_host(errno);
        }
        done += (size_t)n;
    }
    return WASI_ERRNO_SUCCESS;
}

void wasi_impl_proc_exit(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_exitcode_t rval)
{
    (void)mem;
    ctx->exit_requested = true;
    ctx->exit_code = rval;
}

/* The host signal for a preview1 signal number (0 for none). */
static int host_signal(wasi_signal_t sig)
{
    static const int map[WASI_SIGNAL__COUNT] = {
        0, SIGHUP, SIGINT, SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGKILL,
        SIGUSR1, SIGSEGV, SIGUSR2, SIGPIPE, SIGALRM, SIGTERM, SIGCHLD, SIGCONT, SIGSTOP,
        SIGTSTP, SIGTTIN, SIGTTOU, SIGURG, SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF, SIGWINCH,
        SIGPOLL, SIGPWR, SIGSYS,
    };
    return sig < WASI_SIGNAL__COUNT ? map[sig] : 0;
}

/* The guest is a process of its own: a signal whose default action ends a
 * process ends the guest (never wisp's host process), one that is ignored
 * by default does nothing, and stopping is not something a guest can do. */
wasi_errno_t wasi_impl_proc_raise(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_signal_t sig)
{
    (void)mem;
    int host = host_signal(sig);
    switch (host) {
    case 0:
    case SIGCHLD:
    case SIGCONT:
    case SIGURG:
    case SIGWINCH:
        return WASI_ERRNO_SUCCESS;
    case SIGSTOP:
    case SIGTSTP:
    case SIGTTIN:
    case SIGTTOU:
        return WASI_ERRNO_NOTSUP;
    default:
        ctx->raised_signal = host;
        return WASI_ERRNO_SUCCESS;
    }
}

wasi_errno_t wasi_impl_sched_yield(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem)
{
    (void)ctx, (void)mem;
    sched_yield();
    return WASI_ERRNO_SUCCESS;
}

/* The worked example of docs/adding-a-wasi-function.md. It writes to the
 * guest's fd 1, so it honours a closed or renumbered stdout like fd_write. */
wasi_errno_t wasi_impl_print_greeting(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem)
{
    (void)mem;
    static const char msg[] = "Hello World from the new print_greeting syscall in WASI\n";
    struct wasi_fd *out;
    wasi_errno_t err = wasi_fd_lookup(ctx, 1, WASI_RIGHTS_FD_WRITE, &out);
    if (err)
        return err;
    size_t done = 0;
    while (done < sizeof msg - 1) {
        ssize_t n = write(out->host, msg + done, sizeof msg - 1 - done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return wasi_errno_from_host(errno);
        }
        done += (size_t)n;
    }
    return WASI_ERRNO_SUCCESS;
}
