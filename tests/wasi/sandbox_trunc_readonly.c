// Regression: O_TRUNC through a read-only grant. Opening with oflags trunc
// empties a file even when the fd is opened for reading only, so a --dir-ro
// preopen, or a directory fd whose rights were narrowed to drop fd_write and
// path_filestat_set_size, must refuse it (notcapable) and leave the file
// intact.
// RUN: --dir-ro {scratch}/ro::/ro --dir {scratch}/rw::/rw
// SETUP: mkdir scratch/ro scratch/rw && printf 'keep me\n' > scratch/ro/file && printf 'keep me too\n' > scratch/rw/file && printf 'x\n' > scratch/rw/other
// CHECK: test "$(cat scratch/ro/file)" = "keep me" && test "$(cat scratch/rw/file)" = "keep me too"
// CHECK: test ! -e scratch/ro/new && test ! -e scratch/rw/new
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "path_check.h"

#define RO 3
#define RW 4

int main(void)
{
    char buf[32];
    __wasi_fd_t fd;
    __wasi_fdstat_t fst;

    expect("path_open trunc in a read-only preopen, read rights",
           try_open(RO, 0, "file", __WASI_OFLAGS_TRUNC, __WASI_RIGHTS_FD_READ), __WASI_ERRNO_NOTCAPABLE);
    expect("path_open trunc in a read-only preopen, no rights",
           try_open(RO, 0, "file", __WASI_OFLAGS_TRUNC, 0), __WASI_ERRNO_NOTCAPABLE);
    expect("path_open trunc in a read-only preopen, write rights",
           try_open(RO, 0, "file", __WASI_OFLAGS_TRUNC, RIGHTS_RW), __WASI_ERRNO_NOTCAPABLE);
    expect("path_open write in a read-only preopen", try_open(RO, 0, "file", 0, RIGHTS_RW), __WASI_ERRNO_NOTCAPABLE);
    expect("path_open creat in a read-only preopen",
           try_open(RO, 0, "new", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_READ), __WASI_ERRNO_NOTCAPABLE);
    expect("path_open read in a read-only preopen", get_file(RO, 0, "file", buf, sizeof buf), 0);
    expect_true("path_open read in a read-only preopen: intact", strcmp(buf, "keep me\n") == 0);
    errno = 0;
    expect_true("open(2) via libc O_RDONLY|O_TRUNC in /ro: ENOTCAPABLE",
                open("/ro/file", O_RDONLY | O_TRUNC) < 0 && errno == ENOTCAPABLE);
    errno = 0;
    expect_true("open(2) via libc O_WRONLY|O_TRUNC in /ro: ENOTCAPABLE",
                open("/ro/file", O_WRONLY | O_TRUNC) < 0 && errno == ENOTCAPABLE);
    errno = 0;
    FILE *f = fopen("/ro/file", "w");
    expect_true("fopen(3) via libc \"w\" in /ro: ENOTCAPABLE", !f && errno == ENOTCAPABLE);
    if (f)
        fclose(f);

    /* Narrowing a writable preopen: inheriting loses fd_write (and
     * fd_filestat_set_size), the base loses path_filestat_set_size. */
    expect("fd_fdstat_get /rw", __wasi_fd_fdstat_get(RW, &fst), 0);
    __wasi_rights_t inh = fst.fs_rights_inheriting & ~(__WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE);
    expect("fd_fdstat_set_rights /rw: drop fd_write from inheriting only",
           __wasi_fd_fdstat_set_rights(RW, fst.fs_rights_base, inh), 0);
    expect("path_open trunc after dropping fd_write from inheriting, read rights",
           try_open(RW, 0, "file", __WASI_OFLAGS_TRUNC, __WASI_RIGHTS_FD_READ), __WASI_ERRNO_NOTCAPABLE);
    expect("path_open write after dropping fd_write from inheriting",
           try_open(RW, 0, "file", 0, __WASI_RIGHTS_FD_WRITE), __WASI_ERRNO_NOTCAPABLE);
    expect("fd_fdstat_set_rights /rw: drop path_filestat_set_size too",
           __wasi_fd_fdstat_set_rights(RW, fst.fs_rights_base & ~__WASI_RIGHTS_PATH_FILESTAT_SET_SIZE, inh), 0);
    expect("path_open trunc after narrowing, read rights",
           try_open(RW, 0, "file", __WASI_OFLAGS_TRUNC, __WASI_RIGHTS_FD_READ), __WASI_ERRNO_NOTCAPABLE);
    expect("path_open trunc after narrowing, no rights",
           try_open(RW, 0, "file", __WASI_OFLAGS_TRUNC, 0), __WASI_ERRNO_NOTCAPABLE);
    expect("path_open trunc|creat after narrowing",
           try_open(RW, 0, "new", __WASI_OFLAGS_TRUNC | __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_READ),
           __WASI_ERRNO_NOTCAPABLE);
    errno = 0;
    expect_true("open(2) via libc O_RDONLY|O_TRUNC in the narrowed /rw: ENOTCAPABLE",
                open("/rw/file", O_RDONLY | O_TRUNC) < 0 && errno == ENOTCAPABLE);
    expect("path_open read after narrowing", __wasi_path_open(RW, 0, "file", 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd), 0);
    expect("fd_fdstat_get of the file", __wasi_fd_fdstat_get(fd, &fst), 0);
    expect_true("the file fd has no fd_write", !(fst.fs_rights_base & __WASI_RIGHTS_FD_WRITE));
    expect("fd_write on it", __wasi_fd_write(fd, &(__wasi_ciovec_t){(const uint8_t *)"x", 1}, 1, &(__wasi_size_t){0}),
           __WASI_ERRNO_NOTCAPABLE);
    expect("fd_close", __wasi_fd_close(fd), 0);
    expect("path_open read in /rw", get_file(RW, 0, "file", buf, sizeof buf), 0);
    expect_true("path_open read in /rw: intact", strcmp(buf, "keep me too\n") == 0);
    return finish();
}
