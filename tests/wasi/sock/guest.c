/* Guest half of the socket test: fds 3-5 are sockets the host handed in
 * (tests/wasi/sock/host.c): 3 a connected stream, 4 a listening socket with
 * one connection pending, 5 a datagram socket with one 100-byte message
 * waiting. Prints one line per check. */
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

static __wasi_size_t recv_str(__wasi_fd_t fd, char *buf, size_t cap, __wasi_riflags_t flags,
                              __wasi_errno_t *err, __wasi_roflags_t *roflags)
{
    __wasi_iovec_t iov = {(uint8_t *)buf, cap - 1};
    __wasi_size_t n = 0;
    *err = __wasi_sock_recv(fd, &iov, 1, flags, &n, roflags);
    buf[*err ? 0 : n] = 0;
    return n;
}

static __wasi_errno_t send_str(__wasi_fd_t fd, const char *s, __wasi_size_t *n)
{
    /* Two iovecs, to check they are sent in order as one message. */
    size_t half = strlen(s) / 2;
    __wasi_ciovec_t iov[2] = {{(const uint8_t *)s, half}, {(const uint8_t *)s + half, strlen(s) - half}};
    return __wasi_sock_send(fd, iov, 2, 0, n);
}

int main(void)
{
    char buf[256];
    __wasi_errno_t e;
    __wasi_roflags_t ro;
    __wasi_size_t n;
    __wasi_fdstat_t st;

    e = __wasi_fd_fdstat_get(3, &st);
    printf("ok fd_fdstat_get on a stream socket: errno %u, filetype %s, sock rights %s\n", e,
           st.fs_filetype == __WASI_FILETYPE_SOCKET_STREAM ? "socket_stream" : "OTHER",
           (st.fs_rights_base & __WASI_RIGHTS_SOCK_SHUTDOWN) ? "yes" : "no");
    n = recv_str(3, buf, 6, __WASI_RIFLAGS_RECV_PEEK, &e, &ro);
    printf("ok sock_recv peek: errno %u, %u bytes \"%s\"\n", e, (unsigned)n, buf);
    /* WAITALL for exactly what is there: it must not return early. */
    n = recv_str(3, buf, 16, __WASI_RIFLAGS_RECV_WAITALL, &e, &ro);
    printf("ok sock_recv: errno %u, %u bytes \"%s\", roflags %u\n", e, (unsigned)n, buf, ro);
    e = send_str(3, "ping from the guest", &n);
    printf("ok sock_send: errno %u, sent %u\n", e, (unsigned)n);
    e = __wasi_sock_shutdown(3, __WASI_SDFLAGS_WR);
    printf("ok sock_shutdown wr: errno %u\n", e);
    e = send_str(3, "after shutdown", &n);
    printf("ok sock_send after shutdown: errno %u (pipe %u), wisp still alive\n", e, __WASI_ERRNO_PIPE);
    e = __wasi_sock_shutdown(3, 0);
    printf("ok sock_shutdown with no direction: errno %u (inval %u)\n", e, __WASI_ERRNO_INVAL);

    __wasi_fd_t conn = 0;
    e = __wasi_sock_accept(4, 0, &conn);
    printf("ok sock_accept: errno %u, new fd is 6: %s\n", e, conn == 6 ? "yes" : "no");
    n = recv_str(conn, buf, sizeof buf, 0, &e, &ro);
    printf("ok sock_recv on accepted socket: errno %u, \"%s\"\n", e, buf);
    e = send_str(conn, "pong", &n);
    printf("ok sock_send on accepted socket: errno %u, sent %u\n", e, (unsigned)n);
    printf("ok sock_shutdown both: errno %u\n", __wasi_sock_shutdown(conn, __WASI_SDFLAGS_RD | __WASI_SDFLAGS_WR));
    printf("ok fd_close accepted: errno %u\n", __wasi_fd_close(conn));
    /* No more connections: a non-blocking listener says so instead of
     * blocking forever. */
    e = __wasi_fd_fdstat_set_flags(4, __WASI_FDFLAGS_NONBLOCK);
    printf("ok fd_fdstat_set_flags nonblock on listener: errno %u\n", e);
    e = __wasi_sock_accept(4, __WASI_FDFLAGS_NONBLOCK, &conn);
    printf("ok sock_accept with nothing pending: errno %u (again %u)\n", e, __WASI_ERRNO_AGAIN);
    e = __wasi_sock_accept(4, __WASI_FDFLAGS_APPEND, &conn);
    printf("ok sock_accept with a flag other than nonblock: errno %u (inval %u)\n", e, __WASI_ERRNO_INVAL);

    n = recv_str(5, buf, 11, 0, &e, &ro);
    printf("ok sock_recv datagram into 10 bytes: errno %u, %u bytes, data_truncated %s\n", e, (unsigned)n,
           (ro & __WASI_ROFLAGS_RECV_DATA_TRUNCATED) ? "yes" : "no");

    /* Error paths. */
    e = __wasi_sock_accept(3, 0, &conn);
    printf("ok sock_accept on a connected socket: errno %u (inval %u)\n", e, __WASI_ERRNO_INVAL);
    e = __wasi_sock_shutdown(1, __WASI_SDFLAGS_WR);
    printf("ok sock_shutdown on stdout: errno %s\n", e == __WASI_ERRNO_NOTSOCK || e == __WASI_ERRNO_NOTCAPABLE ? "notsock or notcapable" : "OTHER");
    n = recv_str(77, buf, sizeof buf, 0, &e, &ro);
    printf("ok sock_recv on an unopened fd: errno %u (badf %u)\n", e, __WASI_ERRNO_BADF);
    e = __wasi_fd_fdstat_set_rights(5, __WASI_RIGHTS_FD_READ, 0);
    printf("ok fd_fdstat_set_rights narrowing a socket to fd_read: errno %u\n", e);
    e = send_str(5, "x", &n);
    printf("ok sock_send without fd_write right: errno %u (notcapable %u)\n", e, __WASI_ERRNO_NOTCAPABLE);
    __wasi_iovec_t bad = {(uint8_t *)0xfffffff0u, 64};
    e = __wasi_sock_recv(5, &bad, 1, 0, &n, &ro);
    printf("ok sock_recv into an out-of-bounds buffer: errno %u (fault %u)\n", e, __WASI_ERRNO_FAULT);
    __wasi_iovec_t good = {(uint8_t *)buf, 8};
    e = __wasi_sock_recv(5, &good, 1, 4, &n, &ro);
    printf("ok sock_recv with unknown riflags: errno %u (inval %u)\n", e, __WASI_ERRNO_INVAL);
    return 0;
}
