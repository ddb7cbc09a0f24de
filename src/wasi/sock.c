/* WASI sock_* functions on sockets the embedder handed in (preview1 cannot
 * create or connect sockets): accepting connections, receiving and sending
 * straight between the socket and guest memory, and shutting down. */
#define _GNU_SOURCE /* accept4 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "wasi/wasi.h"
#include "wasi_impl.h"

/* A socket operation on something else is notsock whatever its rights,
 * the answer POSIX gives and the one that tells the guest why. */
static wasi_errno_t lookup_socket(struct wasi_ctx *ctx, wasi_fd_t fd, wasi_rights_t need,
                                  struct wasi_fd **out)
{
    struct wasi_fd *f;
    wasi_errno_t err = wasi_fd_lookup(ctx, fd, 0, &f);
    if (err)
        return err;
    if (!wasi_is_socket(f->type))
        return WASI_ERRNO_NOTSOCK;
    if ((f->base & need) != need)
        return WASI_ERRNO_NOTCAPABLE;
    *out = f;
    return WASI_ERRNO_SUCCESS;
}

/* The guest buffers for one host call: at most IOV_MAX non-empty ones (a
 * short transfer is legal), and no more bytes than a 32-bit count holds.
 * The iovec and ciovec records have the same two fields. */
static int gather(const struct wasi_guest_memory *mem, const wasi_iovec_t *r,
                  const wasi_ciovec_t *w, uint32_t n, struct iovec *out)
{
    uint64_t room = UINT32_MAX;
    int k = 0;
    for (uint32_t i = 0; i < n && k < IOV_MAX && room; i++) {
        uint32_t buf = r ? r[i].buf : w[i].buf;
        uint32_t len = r ? r[i].buf_len : w[i].buf_len;
        if (len == 0)
            continue;
        uint64_t take = len < room ? len : room;
        out[k].iov_base = wasi_guest_ptr(mem, buf);
        out[k].iov_len = (size_t)take;
        room -= take;
        k++;
    }
    return k;
}

/* The connection gets the rights of a socket of its type and nothing to
 * hand down; the listening socket's own rights do not limit it (preview1
 * sockets come from the embedder with no inheriting rights at all). */
wasi_errno_t wasi_impl_sock_accept(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, wasi_fdflags_t flags, wasi_fd_t *new_fd)
{
    (void)mem;
    struct wasi_fd *f;
    wasi_errno_t err = lookup_socket(ctx, fd, WASI_RIGHTS_SOCK_ACCEPT, &f);
    if (err)
        return err;
    if (flags & ~WASI_FDFLAGS_NONBLOCK)
        return WASI_ERRNO_INVAL;
    int host;
    do
        host = accept4(f->host, NULL, NULL,
                       SOCK_CLOEXEC | ((flags & WASI_FDFLAGS_NONBLOCK) ? SOCK_NONBLOCK : 0));
    while (host < 0 && errno == EINTR);
    if (host < 0)
        return wasi_errno_from_host(errno);
    struct wasi_fd entry = {
        .used = true,
        .owned = true,
        .host = host,
        .type = wasi_filetype_of_fd(host),
    };
    entry.base = wasi_rights_for_type(entry.type);
    if ((err = wasi_fd_insert(ctx, &entry, new_fd))) {
        close(host);
        return err;
    }
    return WASI_ERRNO_SUCCESS;
}

wasi_errno_t wasi_impl_sock_recv(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, const wasi_iovec_t *ri_data, uint32_t ri_data_len, wasi_riflags_t ri_flags, wasi_size_t *ro_datalen, wasi_roflags_t *ro_flags)
{
    struct wasi_fd *f;
    wasi_errno_t err = lookup_socket(ctx, fd, WASI_RIGHTS_FD_READ, &f);
    if (err)
        return err;
    struct iovec v[IOV_MAX];
    struct msghdr msg = {.msg_iov = v};
    msg.msg_iovlen = (size_t)gather(mem, ri_data, NULL, ri_data_len, v);
    int host_flags = 0;
    if (ri_flags & WASI_RIFLAGS_RECV_PEEK)
        host_flags |= MSG_PEEK;
    if (ri_flags & WASI_RIFLAGS_RECV_WAITALL)
        host_flags |= MSG_WAITALL;
    ssize_t n;
    do
        n = recvmsg(f->host, &msg, host_flags);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return wasi_errno_from_host(errno);
    *ro_datalen = (wasi_size_t)n;
    *ro_flags = (msg.msg_flags & MSG_TRUNC) ? WASI_ROFLAGS_RECV_DATA_TRUNCATED : 0;
    return WASI_ERRNO_SUCCESS;
}

/* MSG_NOSIGNAL: a peer that went away must give the guest errno pipe, not
 * end wisp with SIGPIPE. */
wasi_errno_t wasi_impl_sock_send(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, const wasi_ciovec_t *si_data, uint32_t si_data_len, wasi_siflags_t si_flags, wasi_size_t *so_datalen)
{
    struct wasi_fd *f;
    wasi_errno_t err = lookup_socket(ctx, fd, WASI_RIGHTS_FD_WRITE, &f);
    if (err)
        return err;
    if (si_flags != 0)
        return WASI_ERRNO_INVAL; /* preview1 defines none */
    struct iovec v[IOV_MAX];
    struct msghdr msg = {.msg_iov = v};
    msg.msg_iovlen = (size_t)gather(mem, NULL, si_data, si_data_len, v);
    ssize_t n;
    do
        n = sendmsg(f->host, &msg, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return wasi_errno_from_host(errno);
    *so_datalen = (wasi_size_t)n;
    return WASI_ERRNO_SUCCESS;
}

wasi_errno_t wasi_impl_sock_shutdown(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, wasi_sdflags_t how)
{
    (void)mem;
    struct wasi_fd *f;
    wasi_errno_t err = lookup_socket(ctx, fd, WASI_RIGHTS_SOCK_SHUTDOWN, &f);
    if (err)
        return err;
    int host_how;
    switch (how) {
    case WASI_SDFLAGS_RD: host_how = SHUT_RD; break;
    case WASI_SDFLAGS_WR: host_how = SHUT_WR; break;
    case WASI_SDFLAGS_RD | WASI_SDFLAGS_WR: host_how = SHUT_RDWR; break;
    default: return WASI_ERRNO_INVAL; /* neither direction */
    }
    return shutdown(f->host, host_how) == 0 ? WASI_ERRNO_SUCCESS : wasi_errno_from_host(errno);
}
