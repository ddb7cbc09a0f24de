// path_link: hard links within the sandbox and between two directory fds,
// following (by the walk, never by the kernel) or not following a source
// symlink, and the errors.
// SETUP: mkdir scratch/dir && printf 'data\n' > scratch/file.txt && ln -s file.txt scratch/link && ln -s ../outside/secret.txt scratch/escape
// CHECK: test "$(stat -c %h outside/secret.txt)" = 1 && test ! -e scratch/x_escape && test ! -e scratch/x_escape2
#include <errno.h>
#include <unistd.h>

#include "path_check.h"

int main(void)
{
    __wasi_filestat_t a, b;
    __wasi_fd_t sub;
    expect("path_link", __wasi_path_link(SANDBOX, 0, "file.txt", SANDBOX, "hard"), 0);
    expect("path_link: filestat both", __wasi_path_filestat_get(SANDBOX, 0, "file.txt", &a) |
                                           __wasi_path_filestat_get(SANDBOX, 0, "hard", &b), 0);
    expect_true("path_link: same inode, 2 links", a.ino == b.ino && b.nlink == 2);
    expect("path_link into a subdirectory", __wasi_path_link(SANDBOX, 0, "file.txt", SANDBOX, "dir/hard2"), 0);

    /* Without follow the symlink itself is linked; with follow, its target. */
    expect("path_link a symlink without follow", __wasi_path_link(SANDBOX, 0, "link", SANDBOX, "x_nofollow"), 0);
    expect_true("path_link a symlink without follow: a new symlink",
                type_of(SANDBOX, 0, "x_nofollow") == __WASI_FILETYPE_SYMBOLIC_LINK);
    expect("path_link a symlink with follow", __wasi_path_link(SANDBOX, FOLLOW, "link", SANDBOX, "x_follow"), 0);
    expect_true("path_link a symlink with follow: the target file",
                type_of(SANDBOX, 0, "x_follow") == __WASI_FILETYPE_REGULAR_FILE);
    expect("path_link a symlink out of the sandbox with follow",
           __wasi_path_link(SANDBOX, FOLLOW, "escape", SANDBOX, "x_escape"), __WASI_ERRNO_NOTCAPABLE);
    expect("path_link a path out of the sandbox",
           __wasi_path_link(SANDBOX, 0, "../outside/secret.txt", SANDBOX, "x_escape2"), __WASI_ERRNO_NOTCAPABLE);
    expect("path_link to a path out of the sandbox",
           __wasi_path_link(SANDBOX, 0, "file.txt", SANDBOX, "../outside/x"), __WASI_ERRNO_NOTCAPABLE);

    expect("path_link onto an existing name", __wasi_path_link(SANDBOX, 0, "file.txt", SANDBOX, "hard"),
           __WASI_ERRNO_EXIST);
    expect("path_link missing source", __wasi_path_link(SANDBOX, 0, "missing", SANDBOX, "x1"), __WASI_ERRNO_NOENT);
    expect("path_link into a missing directory", __wasi_path_link(SANDBOX, 0, "file.txt", SANDBOX, "nodir/x"),
           __WASI_ERRNO_NOENT);
    expect("path_link a directory", __wasi_path_link(SANDBOX, 0, "dir", SANDBOX, "x2"), __WASI_ERRNO_PERM);
    expect("path_link new name with a trailing slash", __wasi_path_link(SANDBOX, 0, "file.txt", SANDBOX, "x3/"),
           __WASI_ERRNO_NOENT);
    expect("path_link existing new name with a trailing slash",
           __wasi_path_link(SANDBOX, 0, "file.txt", SANDBOX, "hard/"), __WASI_ERRNO_EXIST);
    expect("path_link source with a trailing slash", __wasi_path_link(SANDBOX, 0, "file.txt/", SANDBOX, "x4"),
           __WASI_ERRNO_NOTDIR);
    expect("path_link lookupflags 2", __wasi_path_link(SANDBOX, 2, "file.txt", SANDBOX, "x5"), __WASI_ERRNO_INVAL);
    expect("path_link bad old fd", __wasi_path_link(50, 0, "file.txt", SANDBOX, "x6"), __WASI_ERRNO_BADF);
    expect("path_link bad new fd", __wasi_path_link(SANDBOX, 0, "file.txt", 51, "x6"), __WASI_ERRNO_BADF);

    /* Between two directory fds: each needs its own right. */
    expect("path_open dir with path_link_target only",
           __wasi_path_open(SANDBOX, 0, "dir", __WASI_OFLAGS_DIRECTORY,
                            __WASI_RIGHTS_PATH_LINK_TARGET | __WASI_RIGHTS_PATH_FILESTAT_GET, 0, 0, &sub), 0);
    expect("path_link between two fds", __wasi_path_link(SANDBOX, 0, "file.txt", sub, "hard3"), 0);
    expect("path_link from an fd without path_link_source",
           __wasi_path_link(sub, 0, "hard3", SANDBOX, "x7"), __WASI_ERRNO_NOTCAPABLE);
    expect("fd_fdstat_set_rights: drop path_link_target",
           __wasi_fd_fdstat_set_rights(sub, __WASI_RIGHTS_PATH_FILESTAT_GET, 0), 0);
    expect("path_link into an fd without path_link_target",
           __wasi_path_link(SANDBOX, 0, "file.txt", sub, "hard4"), __WASI_ERRNO_NOTCAPABLE);
    expect_true("path_link without the right: nothing made", !exists(SANDBOX, "x7") && !exists(SANDBOX, "dir/hard4"));

    errno = 0;
    expect_true("link(2) via libc", link("/sandbox/file.txt", "/sandbox/libc") == 0);
    expect_true("link(2) via libc: EEXIST", link("/sandbox/file.txt", "/sandbox/libc") < 0 && errno == EEXIST);
    return finish();
}
