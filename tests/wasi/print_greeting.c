// print_greeting, wisp's witx extension (witx/ext/greeting.witx): it writes
// to the guest's fd 1, whatever that is now, and honours its rights.
// CHECK: test "$(cat scratch/greeting.txt)" = "Hello World from the new print_greeting syscall in WASI"
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>
#include "wasi_test.h"

int main(void)
{
    fflush(stdout);
    uint16_t e = test_print_greeting();
    printf("ok print_greeting to stdout: errno %u\n", e);
    fflush(stdout);

    /* Without fd_write on fd 1 it is refused like fd_write would be. */
    __wasi_fdstat_t st;
    if (__wasi_fd_fdstat_get(1, &st) != 0)
        return 1;
    if (__wasi_fd_fdstat_set_rights(1, st.fs_rights_base & ~__WASI_RIGHTS_FD_WRITE, 0) != 0)
        return 1;
    e = test_print_greeting();
    /* stdout is unwritable now; report through the exit status. */
    if (e != __WASI_ERRNO_NOTCAPABLE)
        return 10;

    /* A file renumbered onto fd 1 receives the greeting. */
    __wasi_fd_t f;
    if (__wasi_path_open(3, 0, "greeting.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC,
                         __WASI_RIGHTS_FD_WRITE, 0, 0, &f) != 0)
        return 11;
    if (__wasi_fd_renumber(f, 1) != 0)
        return 12;
    if (test_print_greeting() != 0)
        return 13;
    /* With fd 1 closed there is nowhere to print: badf. */
    if (__wasi_fd_close(1) != 0)
        return 14;
    if (test_print_greeting() != __WASI_ERRNO_BADF)
        return 15;
    return 0;
}
