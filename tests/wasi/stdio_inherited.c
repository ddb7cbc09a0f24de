// stdin, stdout and stderr are the host's: a line typed at wisp reaches the
// guest's fd 0, its writes to fd 1 and 2 reach wisp's, and their fdstat
// says what they are.
// STDIN: a line for the guest
// RUN: --env X=1
// CHECK: grep -qx "to stderr" stderr
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

int main(void)
{
    char line[128] = "";
    if (!fgets(line, sizeof line, stdin))
        return 1;
    line[strcspn(line, "\n")] = 0;
    printf("ok fd_read on stdin: \"%s\"\n", line);
    printf("ok stdin at end: %s\n", fgets(line, sizeof line, stdin) ? "NO" : "yes");
    fprintf(stderr, "to stderr\n");

    __wasi_fdstat_t st;
    __wasi_errno_t e = __wasi_fd_fdstat_get(0, &st);
    printf("ok fd_fdstat_get stdin: errno %u, readable %s, writable %s\n", e,
           (st.fs_rights_base & __WASI_RIGHTS_FD_READ) ? "yes" : "no",
           (st.fs_rights_base & __WASI_RIGHTS_FD_WRITE) ? "yes" : "no");
    e = __wasi_fd_fdstat_get(1, &st);
    printf("ok fd_fdstat_get stdout: errno %u, writable %s\n", e,
           (st.fs_rights_base & __WASI_RIGHTS_FD_WRITE) ? "yes" : "no");
    /* Not inheritable: stdio hands nothing down. */
    printf("ok stdout inheriting rights: %s\n", st.fs_rights_inheriting ? "SOME" : "none");
    /* A write to stdin (opened read-only by the harness) is refused. */
    __wasi_ciovec_t iov = {(const uint8_t *)"x", 1};
    __wasi_size_t n;
    e = __wasi_fd_write(0, &iov, 1, &n);
    printf("ok fd_write to stdin: errno %u (notcapable %u)\n", e, __WASI_ERRNO_NOTCAPABLE);
    /* fd 3 is not open without preopens. */
    e = __wasi_fd_fdstat_get(3, &st);
    printf("ok fd_fdstat_get fd 3 without preopens: errno %u (badf %u)\n", e, __WASI_ERRNO_BADF);
    return 0;
}
