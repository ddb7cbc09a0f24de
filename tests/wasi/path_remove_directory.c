// path_remove_directory: removing empty directories, and the errors for
// non-empty ones, files, symlinks, missing names, ".", trailing slashes,
// rights and bad fds.
// SETUP: mkdir -p scratch/empty scratch/empty2 scratch/full/x scratch/keep && printf 'data\n' > scratch/file.txt && ln -s keep scratch/dirlink
// CHECK: test ! -e scratch/empty && test ! -e scratch/empty2 && test -d scratch/full/x && test -d scratch/keep && test -L scratch/dirlink
#include <errno.h>
#include <unistd.h>

#include "path_check.h"

int main(void)
{
    __wasi_fd_t sub;
    expect("path_remove_directory", __wasi_path_remove_directory(SANDBOX, "empty"), 0);
    expect_true("path_remove_directory: it is gone", !exists(SANDBOX, "empty"));
    expect("path_remove_directory trailing slash", __wasi_path_remove_directory(SANDBOX, "empty2/"), 0);
    expect("path_remove_directory missing", __wasi_path_remove_directory(SANDBOX, "empty"), __WASI_ERRNO_NOENT);
    expect("path_remove_directory non-empty", __wasi_path_remove_directory(SANDBOX, "full"),
           __WASI_ERRNO_NOTEMPTY);
    expect("path_remove_directory a file", __wasi_path_remove_directory(SANDBOX, "file.txt"),
           __WASI_ERRNO_NOTDIR);
    expect("path_remove_directory a file with a trailing slash",
           __wasi_path_remove_directory(SANDBOX, "file.txt/"), __WASI_ERRNO_NOTDIR);
    expect("path_remove_directory a symlink to a directory",
           __wasi_path_remove_directory(SANDBOX, "dirlink"), __WASI_ERRNO_NOTDIR);
    expect("path_remove_directory a symlink to a directory with a trailing slash",
           __wasi_path_remove_directory(SANDBOX, "dirlink/"), __WASI_ERRNO_NOTDIR);
    expect("path_remove_directory .", __wasi_path_remove_directory(SANDBOX, "."), __WASI_ERRNO_INVAL);
    expect("path_remove_directory full/x/..", __wasi_path_remove_directory(SANDBOX, "full/x/.."),
           __WASI_ERRNO_INVAL);
    expect("path_remove_directory ..", __wasi_path_remove_directory(SANDBOX, ".."), __WASI_ERRNO_NOTCAPABLE);
    expect("path_remove_directory empty path", __wasi_path_remove_directory(SANDBOX, ""), __WASI_ERRNO_NOENT);
    expect("path_remove_directory bad fd", __wasi_path_remove_directory(77, "keep"), __WASI_ERRNO_BADF);

    expect("path_open full as a directory",
           __wasi_path_open(SANDBOX, 0, "full", __WASI_OFLAGS_DIRECTORY,
                            RIGHTS_DIR | __WASI_RIGHTS_PATH_REMOVE_DIRECTORY, 0, 0, &sub), 0);
    expect("path_create_directory through it",
           __wasi_path_create_directory(sub, "y"), 0);
    expect("path_remove_directory through it", __wasi_path_remove_directory(sub, "y"), 0);
    expect("fd_fdstat_set_rights: drop path_remove_directory", __wasi_fd_fdstat_set_rights(sub, RIGHTS_DIR, 0), 0);
    expect("path_remove_directory without path_remove_directory",
           __wasi_path_remove_directory(sub, "x"), __WASI_ERRNO_NOTCAPABLE);
    expect_true("path_remove_directory without the right: still there", exists(SANDBOX, "full/x"));

    errno = 0;
    expect_true("rmdir(2) via libc: ENOTEMPTY", rmdir("/sandbox/full") < 0 && errno == ENOTEMPTY);
    return finish();
}
