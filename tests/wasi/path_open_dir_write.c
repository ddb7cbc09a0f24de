// path_open asking for fd_write on a directory is isdir, with or without
// oflags::directory, as openat(O_RDWR|O_DIRECTORY) is on POSIX. Other file
// rights asked for a directory (fd_read) are dropped, and fd_write among the
// *inheriting* rights is fine: a directory may hand down the right to write
// its files. oflags::directory on something else is still notdir or noent.
// SETUP: mkdir scratch/d && printf 'data\n' > scratch/f.txt && ln -s d scratch/dlink
// CHECK: test -d scratch/d && test "$(ls scratch/d)" = w.txt && test "$(cat scratch/d/w.txt)" = inner
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "path_check.h"

#define D __WASI_OFLAGS_DIRECTORY
#define W __WASI_RIGHTS_FD_WRITE
#define R __WASI_RIGHTS_FD_READ

int main(void)
{
    const __wasi_errno_t ISDIR = __WASI_ERRNO_ISDIR;
    __wasi_fd_t fd;

    expect("fd_write, no oflags", try_open(SANDBOX, 0, "d", 0, W), ISDIR);
    expect("fd_write, oflags directory", try_open(SANDBOX, 0, "d", D, W), ISDIR);
    expect("fd_read|fd_write, oflags directory", try_open(SANDBOX, 0, "d", D, R | W), ISDIR);
    expect("fd_write with directory rights, oflags directory", try_open(SANDBOX, 0, "d", D, RIGHTS_DIR | W), ISDIR);
    expect("fd_write, trailing slash", try_open(SANDBOX, 0, "d/", 0, W), ISDIR);
    expect("fd_write, trailing slash, oflags directory", try_open(SANDBOX, 0, "d/", D, W), ISDIR);
    expect("fd_write on ., oflags directory", try_open(SANDBOX, 0, ".", D, W), ISDIR);
    expect("fd_write on d/.., oflags directory", try_open(SANDBOX, 0, "d/..", D, W), ISDIR);
    expect("fd_write through a followed symlink, oflags directory", try_open(SANDBOX, FOLLOW, "dlink", D, W), ISDIR);
    expect("fd_write on a symlink not followed, oflags directory", try_open(SANDBOX, 0, "dlink", D, W),
           __WASI_ERRNO_NOTDIR);
    expect("fd_write on a file, oflags directory", try_open(SANDBOX, 0, "f.txt", D, W), __WASI_ERRNO_NOTDIR);
    expect("fd_write on a missing name, oflags directory", try_open(SANDBOX, 0, "missing", D, W),
           __WASI_ERRNO_NOENT);
    expect("fd_write, trunc, oflags directory", try_open(SANDBOX, 0, "d", D | __WASI_OFLAGS_TRUNC, W), ISDIR);

    /* Without fd_write it opens, and file rights asked for are dropped. */
    expect("fd_read, oflags directory", open_at(SANDBOX, 0, "d", D, RIGHTS_DIR | R, &fd), 0);
    __wasi_fdstat_t st;
    expect("fd_read, oflags directory: fd_fdstat_get", __wasi_fd_fdstat_get(fd, &st), 0);
    expect_true("fd_read, oflags directory: a directory fd", st.fs_filetype == __WASI_FILETYPE_DIRECTORY);
    expect_true("fd_read, oflags directory: fd_read dropped, the rest kept", st.fs_rights_base == RIGHTS_DIR);
    expect("fd_read, oflags directory: close", __wasi_fd_close(fd), 0);

    /* fd_write handed down is fine, and the new directory fd passes it on. */
    expect("fd_write among the inheriting rights, oflags directory",
           __wasi_path_open(SANDBOX, 0, "d", D, RIGHTS_DIR, RIGHTS_RW, 0, &fd), 0);
    expect("fd_write among the inheriting rights: fd_fdstat_get", __wasi_fd_fdstat_get(fd, &st), 0);
    expect_true("fd_write among the inheriting rights: base has no fd_write", !(st.fs_rights_base & W));
    expect_true("fd_write among the inheriting rights: inheriting keeps it", (st.fs_rights_inheriting & W) != 0);
    expect("fd_write among the inheriting rights: a file below opens for writing",
           put_file(fd, "w.txt", "inner"), 0);
    expect("fd_write among the inheriting rights: close", __wasi_fd_close(fd), 0);

    /* Through libc, which asks for fd_write on O_WRONLY and O_RDWR. */
    errno = 0;
    expect_true("open(2) via libc: O_RDWR|O_DIRECTORY on a directory gives EISDIR",
                open("/sandbox/d", O_RDWR | O_DIRECTORY) < 0 && errno == EISDIR);
    errno = 0;
    expect_true("open(2) via libc: O_WRONLY on a directory gives EISDIR",
                open("/sandbox/d", O_WRONLY) < 0 && errno == EISDIR);
    int h = open("/sandbox/d", O_RDONLY | O_DIRECTORY);
    expect_true("open(2) via libc: O_RDONLY|O_DIRECTORY on a directory works", h >= 0 && close(h) == 0);
    return finish();
}
