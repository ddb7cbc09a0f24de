// Regression: hard links and renames across preopens. With /rw writable and
// /ro granted read-only, linking or renaming /ro/file into /rw would hand
// the guest a writable name for a read-only file (or take it away from the
// read-only tree); both must fail notcapable and leave /ro untouched, while
// rw -> rw keeps working.
// RUN: --dir {scratch}/rw::/rw --dir-ro {scratch}/ro::/ro
// SETUP: mkdir scratch/rw scratch/ro scratch/ro/sub && printf 'original\n' > scratch/ro/file && printf 'mine\n' > scratch/rw/a
// CHECK: test "$(cat scratch/ro/file)" = original && test "$(stat -c %h scratch/ro/file)" = 1 && test "$(ls scratch/ro)" = "$(printf 'file\nsub')"
// CHECK: test ! -e scratch/rw/x && test ! -e scratch/rw/y && test -f scratch/rw/c && test "$(stat -c %h scratch/rw/c)" = 2
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "path_check.h"

#define RW 3
#define RO 4

int main(void)
{
    char buf[32];
    __wasi_fd_t fd;
    __wasi_prestat_t pre;
    expect("fd_prestat_get 3", __wasi_fd_prestat_get(RW, &pre), 0);
    expect("fd_prestat_get 4", __wasi_fd_prestat_get(RO, &pre), 0);

    expect("path_link /ro/file -> /rw/x", __wasi_path_link(RO, 0, "file", RW, "x"), __WASI_ERRNO_NOTCAPABLE);
    expect("path_link /ro/file -> /rw/x with follow", __wasi_path_link(RO, FOLLOW, "file", RW, "x"),
           __WASI_ERRNO_NOTCAPABLE);
    expect("path_rename /ro/file -> /rw/x", __wasi_path_rename(RO, "file", RW, "x"), __WASI_ERRNO_NOTCAPABLE);
    expect("path_rename /ro/sub -> /rw/y", __wasi_path_rename(RO, "sub", RW, "y"), __WASI_ERRNO_NOTCAPABLE);
    expect("path_link /rw/a -> /ro/x", __wasi_path_link(RW, 0, "a", RO, "x"), __WASI_ERRNO_NOTCAPABLE);
    expect("path_rename /rw/a -> /ro/file (replacing it)", __wasi_path_rename(RW, "a", RO, "file"),
           __WASI_ERRNO_NOTCAPABLE);
    expect("path_link /ro/file -> /ro/x", __wasi_path_link(RO, 0, "file", RO, "x"), __WASI_ERRNO_NOTCAPABLE);
    expect("path_rename /ro/file -> /ro/x", __wasi_path_rename(RO, "file", RO, "x"), __WASI_ERRNO_NOTCAPABLE);
    expect("path_symlink in /rw to ../ro/file", __wasi_path_symlink("../ro/file", RW, "y"), __WASI_ERRNO_NOTCAPABLE);
    expect("path_link via .. from /rw", __wasi_path_link(RW, 0, "../ro/file", RW, "x"), __WASI_ERRNO_NOTCAPABLE);

    /* A directory opened under /ro inherits the read-only grant. */
    expect("path_open /ro/sub as a directory asking for link and rename rights",
           __wasi_path_open(RO, 0, "sub", __WASI_OFLAGS_DIRECTORY,
                            __WASI_RIGHTS_PATH_LINK_SOURCE | __WASI_RIGHTS_PATH_RENAME_SOURCE, 0, 0, &fd),
           __WASI_ERRNO_NOTCAPABLE);
    expect("path_open /ro/sub as a directory",
           __wasi_path_open(RO, 0, "sub", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_PATH_OPEN, 0, 0, &fd), 0);
    expect("path_link from the opened /ro/sub", __wasi_path_link(fd, 0, "..", RW, "x"), __WASI_ERRNO_NOTCAPABLE);
    expect("path_rename from the opened /ro/sub", __wasi_path_rename(fd, "../file", RW, "x"),
           __WASI_ERRNO_NOTCAPABLE);

    /* libc sees the two preopens and still gets notcapable. */
    errno = 0;
    expect_true("link(2) via libc /ro/file -> /rw/x: ENOTCAPABLE", link("/ro/file", "/rw/x") < 0 && errno == ENOTCAPABLE);
    errno = 0;
    expect_true("rename(3) via libc /ro/file -> /rw/x: ENOTCAPABLE",
                rename("/ro/file", "/rw/x") < 0 && errno == ENOTCAPABLE);

    /* The read-only file is as it was; rw -> rw works. */
    expect("/ro/file still readable", get_file(RO, 0, "file", buf, sizeof buf), 0);
    expect_true("/ro/file unchanged", strcmp(buf, "original\n") == 0);
    expect("path_link /rw/a -> /rw/b", __wasi_path_link(RW, 0, "a", RW, "b"), 0);
    expect("path_rename /rw/b -> /rw/c", __wasi_path_rename(RW, "b", RW, "c"), 0);
    expect("/rw/c readable", get_file(RW, 0, "c", buf, sizeof buf), 0);
    expect_true("/rw/c is /rw/a", strcmp(buf, "mine\n") == 0);
    return finish();
}
