// sock_accept, sock_recv, sock_send, sock_shutdown on things that are not
// sockets: notsock whatever the rights, badf for unopened numbers. (Real
// sockets are tested from the host with socketpairs, tests/wasi/sock/.)
#include <stdio.h>
#include <wasi/api.h>

static void try_all(const char *what, __wasi_fd_t fd)
{
    char buf[4] = "abc";
    __wasi_iovec_t iv = {(uint8_t *)buf, 3};
    __wasi_ciovec_t cv = {(const uint8_t *)buf, 3};
    __wasi_size_t n;
    __wasi_roflags_t rof;
    __wasi_fd_t nfd;
    printf("ok sock_accept %s: errno %u\n", what, __wasi_sock_accept(fd, 0, &nfd));
    printf("ok sock_recv %s: errno %u\n", what, __wasi_sock_recv(fd, &iv, 1, 0, &n, &rof));
    printf("ok sock_send %s: errno %u\n", what, __wasi_sock_send(fd, &cv, 1, 0, &n));
    printf("ok sock_shutdown %s: errno %u\n", what, __wasi_sock_shutdown(fd, __WASI_SDFLAGS_WR));
}

int main(void)
{
    __wasi_fd_t f;
    __wasi_errno_t e = __wasi_path_open(3, 0, "file", __WASI_OFLAGS_CREAT,
                                        __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0, 0, &f);
    printf("ok path_open file: errno %u\n", e);
    printf("ok errno numbers: notsock %u, badf %u\n", __WASI_ERRNO_NOTSOCK, __WASI_ERRNO_BADF);
    try_all("regular file", f);
    try_all("preopen directory", 3);
    try_all("stdout", 1);
    try_all("fd 99", 99);
    return 0;
}
