/* WASI poll_oneoff: waits on clocks and descriptors at once with one host
 * ppoll(), whose timeout comes from the nearest clock deadline, and reports
 * every subscription that is ready when it returns. */
#define _GNU_SOURCE /* ppoll */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "wasi/wasi.h"
#include "wasi_impl.h"

/* Longest single host wait; a later deadline just takes another round. */
#define MAX_WAIT_NS (86400ull * 1000000000ull)

/* What one subscription needs between the setup and the reports. */
struct watch {
    wasi_timestamp_t deadline; /* clock: when, on its own clock */
    wasi_filesize_t nbytes;    /* ready: what to report */
    int32_t pfd;               /* fd: index into the pollfd array, else -1 */
    wasi_errno_t error;        /* reported at once, in the event */
    bool ready;                /* reported at once (errors, regular files) */
};

static wasi_timestamp_t now_ns(clockid_t c)
{
    struct timespec t;
    if (clock_gettime(c, &t) != 0)
        return 0;
    return wasi_timestamp_from(t);
}

/* A regular file is always ready; what remains to read is its size past
 * the offset. */
static wasi_filesize_t file_remaining(int host)
{
    struct stat st;
    off_t at = lseek(host, 0, SEEK_CUR);
    if (at < 0 || fstat(host, &st) != 0 || st.st_size <= at)
        return 0;
    return (wasi_filesize_t)(st.st_size - at);
}

/* Set up one descriptor subscription: an error or an always-ready file is
 * settled here, anything else gets a pollfd. Subscriptions on the same
 * guest fd share one pollfd (slot_of maps guest fd to pollfd index), so the
 * pollfd count never exceeds the open descriptors: ppoll refuses more than
 * RLIMIT_NOFILE entries, which a guest repeating one fd could otherwise
 * reach with a perfectly valid call. */
static void watch_fd(struct wasi_ctx *ctx, const wasi_subscription_t *s, struct watch *w,
                     struct pollfd *pfds, uint32_t *npfds, int32_t *slot_of)
{
    const bool rd = s->u.tag == WASI_EVENTTYPE_FD_READ;
    const wasi_fd_t fd = rd ? s->u.u.fd_read.file_descriptor : s->u.u.fd_write.file_descriptor;
    struct wasi_fd *f;
    w->error = wasi_fd_lookup(ctx, fd,
                              WASI_RIGHTS_POLL_FD_READWRITE |
                                  (rd ? WASI_RIGHTS_FD_READ : WASI_RIGHTS_FD_WRITE),
                              &f);
    if (w->error) {
        w->ready = true;
        return;
    }
    if (f->type == WASI_FILETYPE_REGULAR_FILE) {
        w->ready = true;
        w->nbytes = rd ? file_remaining(f->host) : 0;
        return;
    }
    if (slot_of[fd] < 0) {
        slot_of[fd] = (int32_t)*npfds;
        pfds[*npfds].fd = f->host;
        pfds[*npfds].events = 0;
        pfds[*npfds].revents = 0;
        (*npfds)++;
    }
    w->pfd = slot_of[fd];
    pfds[w->pfd].events |= rd ? POLLIN : POLLOUT;
}

/* Clocks are realtime or monotonic. CPU-time clocks do not advance while
 * the guest waits here, so a wait on one could never end: such a
 * subscription is answered at once with errno notsup in its event.
 * Precision is ignored (the host's timers are finer than any guest asks).
 * fd_write events report nbytes 0: Linux has no cheap way to ask how much
 * room a pipe or socket has. */
wasi_errno_t wasi_impl_poll_oneoff(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    const wasi_subscription_t *in, wasi_event_t *out, wasi_size_t nsubscriptions, wasi_size_t *nevents)
{
    (void)mem;
    if (nsubscriptions == 0)
        return WASI_ERRNO_INVAL; /* waiting for nothing would never end */

    /* Both bounded by the glue's limit on nsubscriptions. */
    struct watch *w = calloc(nsubscriptions, sizeof *w);
    struct pollfd *pfds = calloc(nsubscriptions, sizeof *pfds);
    /* Bounded by the fd table (at most max_fds entries). */
    int32_t *slot_of = malloc((ctx->nfds ? ctx->nfds : 1) * sizeof *slot_of);
    if (!w || !pfds || !slot_of) {
        free(w);
        free(pfds);
        free(slot_of);
        return WASI_ERRNO_NOMEM;
    }
    for (uint32_t i = 0; i < ctx->nfds; i++)
        slot_of[i] = -1;
    static const clockid_t host_clock[2] = {CLOCK_REALTIME, CLOCK_MONOTONIC};
    const wasi_timestamp_t start[2] = {now_ns(host_clock[0]), now_ns(host_clock[1])};
    uint32_t npfds = 0;
    bool any_clock = false;
    for (uint32_t i = 0; i < nsubscriptions; i++) {
        const wasi_subscription_t *s = &in[i];
        w[i].pfd = -1;
        if (s->u.tag != WASI_EVENTTYPE_CLOCK) {
            watch_fd(ctx, s, &w[i], pfds, &npfds, slot_of);
            continue;
        }
        const wasi_subscription_clock_t *c = &s->u.u.clock;
        if (c->id != WASI_CLOCKID_REALTIME && c->id != WASI_CLOCKID_MONOTONIC) {
            w[i].error = WASI_ERRNO_NOTSUP;
            w[i].ready = true;
            continue;
        }
        if (c->flags & WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME)
            w[i].deadline = c->timeout;
        else if (c->timeout > UINT64_MAX - start[c->id])
            w[i].deadline = UINT64_MAX;
        else
            w[i].deadline = start[c->id] + c->timeout;
        any_clock = true;
    }

    wasi_errno_t err = WASI_ERRNO_SUCCESS;
    uint32_t n = 0;
    for (;;) {
        wasi_timestamp_t now[2] = {0, 0};
        if (any_clock) {
            now[0] = now_ns(host_clock[0]);
            now[1] = now_ns(host_clock[1]);
        }
        /* The wait ends at the nearest deadline, or at once if something is
         * already settled (the pollfds are still asked, so every ready
         * descriptor is reported together). */
        bool settled = false;
        wasi_timestamp_t wait = UINT64_MAX;
        for (uint32_t i = 0; i < nsubscriptions && !settled; i++) {
            if (w[i].ready) {
                settled = true;
            } else if (in[i].u.tag == WASI_EVENTTYPE_CLOCK) {
                wasi_clockid_t id = in[i].u.u.clock.id;
                wasi_timestamp_t left = w[i].deadline > now[id] ? w[i].deadline - now[id] : 0;
                if (left < wait)
                    wait = left;
            }
        }
        if (settled)
            wait = 0;
        struct timespec ts;
        const struct timespec *tsp = NULL;
        if (wait != UINT64_MAX) {
            if (wait > MAX_WAIT_NS)
                wait = MAX_WAIT_NS;
            ts.tv_sec = (time_t)(wait / 1000000000u);
            ts.tv_nsec = (long)(wait % 1000000000u);
            tsp = &ts;
        }
        int r = ppoll(pfds, npfds, tsp, NULL);
        if (r < 0) {
            if (errno == EINTR)
                continue; /* the next round waits only for what is left */
            err = wasi_errno_from_host(errno);
            break;
        }
        if (any_clock) {
            now[0] = now_ns(host_clock[0]);
            now[1] = now_ns(host_clock[1]);
        }
        for (uint32_t i = 0; i < nsubscriptions; i++) {
            const wasi_subscription_t *s = &in[i];
            wasi_event_t *e = &out[n];
            if (w[i].ready) {
                e->error = w[i].error;
                e->fd_readwrite.nbytes = w[i].nbytes;
            } else if (s->u.tag == WASI_EVENTTYPE_CLOCK) {
                if (now[s->u.u.clock.id] < w[i].deadline)
                    continue;
            } else {
                /* The pollfd may be shared with the other direction: only
                 * this subscription's event, or a condition that ends
                 * both, makes it ready. */
                const bool rd = s->u.tag == WASI_EVENTTYPE_FD_READ;
                const struct pollfd *p = &pfds[w[i].pfd];
                const short got =
                    (short)(p->revents & ((rd ? POLLIN : POLLOUT) | POLLERR | POLLHUP | POLLNVAL));
                if (!got)
                    continue;
                if (got & POLLNVAL) {
                    e->error = WASI_ERRNO_BADF;
                } else {
                    int avail;
                    if (rd && ioctl(p->fd, FIONREAD, &avail) == 0 && avail > 0)
                        e->fd_readwrite.nbytes = (wasi_filesize_t)avail;
                    if (got & POLLHUP)
                        e->fd_readwrite.flags = WASI_EVENTRWFLAGS_FD_READWRITE_HANGUP;
                }
            }
            e->userdata = s->userdata;
            e->type = s->u.tag;
            n++;
        }
        /* A wait can end with nothing to report: a realtime clock that was
         * set back, or the host timer rounding. Then wait again. */
        if (n)
            break;
    }
    free(w);
    free(pfds);
    free(slot_of);
    *nevents = n;
    return err;
}
