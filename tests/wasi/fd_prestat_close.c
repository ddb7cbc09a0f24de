// fd_prestat_get, fd_prestat_dir_name and fd_close: the preopen's name
// (exact length, no terminator written, nametoolong for a short buffer),
// badf for stdio, files and unopened numbers, and closing preopens and stdio.
// RUN: --dir {scratch}::/sandbox --dir-ro {outside}::/ro
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

int main(void)
{
    __wasi_errno_t e;
    __wasi_prestat_t ps;
    char name[32];

    e = __wasi_fd_prestat_get(3, &ps);
    printf("ok fd_prestat_get 3: errno %u, tag %u, pr_name_len %zu\n", e, ps.tag,
           ps.u.dir.pr_name_len);
    memset(name, '#', sizeof name);
    e = __wasi_fd_prestat_dir_name(3, (uint8_t *)name, ps.u.dir.pr_name_len);
    printf("ok fd_prestat_dir_name exact length: errno %u, \"%.8s\", byte after untouched %s\n", e,
           name, name[8] == '#' ? "yes" : "NO");
    memset(name, '#', sizeof name);
    e = __wasi_fd_prestat_dir_name(3, (uint8_t *)name, sizeof name);
    printf("ok fd_prestat_dir_name larger buffer: errno %u, no terminator written %s\n", e,
           name[8] == '#' ? "yes" : "NO");
    memset(name, '#', sizeof name);
    e = __wasi_fd_prestat_dir_name(3, (uint8_t *)name, 4);
    printf("ok fd_prestat_dir_name short buffer: errno %u (nametoolong %u), untouched %s\n", e,
           __WASI_ERRNO_NAMETOOLONG, name[0] == '#' ? "yes" : "NO");
    e = __wasi_fd_prestat_dir_name(3, (uint8_t *)0xfffffffeu, 8);
    printf("ok fd_prestat_dir_name out of bounds: errno %u\n", e);

    e = __wasi_fd_prestat_get(4, &ps);
    memset(name, 0, sizeof name);
    __wasi_errno_t e2 = __wasi_fd_prestat_dir_name(4, (uint8_t *)name, ps.u.dir.pr_name_len);
    printf("ok fd_prestat_get 4 (read-only grant): errno %u/%u, name %s\n", e, e2, name);
    printf("ok fd_prestat_get 5 (end of preopens): errno %u (badf %u)\n", __wasi_fd_prestat_get(5, &ps),
           __WASI_ERRNO_BADF);
    for (__wasi_fd_t fd = 0; fd < 3; fd++)
        printf("ok fd_prestat_get stdio %u: errno %u, dir_name errno %u\n", fd,
               __wasi_fd_prestat_get(fd, &ps), __wasi_fd_prestat_dir_name(fd, (uint8_t *)name, 8));
    printf("ok fd_prestat_get 0xffffffff: errno %u\n", __wasi_fd_prestat_get(0xffffffffu, &ps));

    __wasi_fd_t f;
    e = __wasi_path_open(3, 0, "x", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, 0, 0, &f);
    printf("ok fd_prestat_get on an opened file: errno %u\n", __wasi_fd_prestat_get(f, &ps));
    printf("ok fd_close file: errno %u\n", __wasi_fd_close(f));
    printf("ok fd_close file again: errno %u\n", __wasi_fd_close(f));
    printf("ok fd_close 99: errno %u\n", __wasi_fd_close(99));

    /* Closing a preopen is allowed; its number and name are gone. */
    printf("ok fd_close preopen 3: errno %u\n", __wasi_fd_close(3));
    printf("ok fd_prestat_get 3 after close: errno %u\n", __wasi_fd_prestat_get(3, &ps));
    printf("ok fd_prestat_dir_name 3 after close: errno %u\n",
           __wasi_fd_prestat_dir_name(3, (uint8_t *)name, 8));
    printf("ok path_open through closed 3: errno %u\n",
           __wasi_path_open(3, 0, "x", 0, 0, 0, 0, &f));
    e = __wasi_path_open(4, 0, "secret.txt", 0, __WASI_RIGHTS_FD_READ, 0, 0, &f);
    printf("ok path_open under /ro takes the lowest free number: errno %u, fd %u\n", e, f);
    printf("ok fd_prestat_get on it: errno %u\n", __wasi_fd_prestat_get(f, &ps));

    /* stdio can be closed too (wisp's own stdin stays open). */
    printf("ok fd_close stdin: errno %u\n", __wasi_fd_close(0));
    char c;
    __wasi_iovec_t v = {(uint8_t *)&c, 1};
    __wasi_size_t n;
    printf("ok fd_read closed stdin: errno %u\n", __wasi_fd_read(0, &v, 1, &n));
    return 0;
}
