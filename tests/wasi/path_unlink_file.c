// path_unlink_file: removing files and symlinks (never what a symlink points
// to), and the errors for directories, missing names, trailing slashes,
// rights and bad fds.
// SETUP: mkdir scratch/dir && printf 'a\n' > scratch/f1 && printf 'b\n' > scratch/f2 && printf 'c\n' > scratch/target && ln -s target scratch/link && ln -s dir scratch/dirlink && ln -s ../outside/secret.txt scratch/escape
// CHECK: test ! -e scratch/f1 && test -f scratch/f2 && test -f scratch/target && test ! -L scratch/link && test -L scratch/dirlink && test -d scratch/dir
// CHECK: test "$(cat outside/secret.txt)" = secret && test ! -L scratch/escape
#include <errno.h>
#include <unistd.h>

#include "path_check.h"

int main(void)
{
    __wasi_fd_t sub;
    expect("path_unlink_file", __wasi_path_unlink_file(SANDBOX, "f1"), 0);
    expect_true("path_unlink_file: it is gone", !exists(SANDBOX, "f1"));
    expect("path_unlink_file missing", __wasi_path_unlink_file(SANDBOX, "f1"), __WASI_ERRNO_NOENT);
    expect("path_unlink_file a symlink", __wasi_path_unlink_file(SANDBOX, "link"), 0);
    expect_true("path_unlink_file a symlink: the target stays", exists(SANDBOX, "target"));
    expect("path_unlink_file a symlink pointing out of the sandbox", __wasi_path_unlink_file(SANDBOX, "escape"), 0);
    expect("path_unlink_file a directory", __wasi_path_unlink_file(SANDBOX, "dir"), __WASI_ERRNO_ISDIR);
    expect("path_unlink_file a directory with a trailing slash", __wasi_path_unlink_file(SANDBOX, "dir/"),
           __WASI_ERRNO_ISDIR);
    expect("path_unlink_file a file with a trailing slash", __wasi_path_unlink_file(SANDBOX, "f2/"),
           __WASI_ERRNO_NOTDIR);
    expect("path_unlink_file a symlink to a directory with a trailing slash",
           __wasi_path_unlink_file(SANDBOX, "dirlink/"), __WASI_ERRNO_NOTDIR);
    expect("path_unlink_file missing with a trailing slash", __wasi_path_unlink_file(SANDBOX, "nope/"),
           __WASI_ERRNO_NOENT);
    expect("path_unlink_file .", __wasi_path_unlink_file(SANDBOX, "."), __WASI_ERRNO_ISDIR);
    expect("path_unlink_file through a file", __wasi_path_unlink_file(SANDBOX, "f2/x"), __WASI_ERRNO_NOTDIR);
    expect("path_unlink_file ..", __wasi_path_unlink_file(SANDBOX, "../outside/secret.txt"),
           __WASI_ERRNO_NOTCAPABLE);
    expect("path_unlink_file empty path", __wasi_path_unlink_file(SANDBOX, ""), __WASI_ERRNO_NOENT);
    expect("path_unlink_file bad fd", __wasi_path_unlink_file(1000, "f2"), __WASI_ERRNO_BADF);

    expect("path_open . as a directory without path_unlink_file",
           __wasi_path_open(SANDBOX, 0, ".", __WASI_OFLAGS_DIRECTORY, RIGHTS_DIR & ~__WASI_RIGHTS_PATH_UNLINK_FILE,
                            0, 0, &sub), 0);
    expect("path_unlink_file without path_unlink_file", __wasi_path_unlink_file(sub, "f2"),
           __WASI_ERRNO_NOTCAPABLE);
    expect_true("path_unlink_file without the right: still there", exists(SANDBOX, "f2"));

    errno = 0;
    expect_true("unlink(2) via libc: missing gives ENOENT", unlink("/sandbox/f1") < 0 && errno == ENOENT);
    return finish();
}
