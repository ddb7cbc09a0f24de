// path_create_directory: mkdirat below the directory fd, with the errors
// POSIX gives for existing names, missing or non-directory parents and
// trailing slashes, plus rights and bad fds.
// SETUP: printf 'data\n' > scratch/file.txt && ln -s nowhere scratch/dangling && ln -s ../outside scratch/escape
// CHECK: test -d scratch/a/b && test -d scratch/slashed && test -d scratch/up
// CHECK: test ! -e scratch/nowhere && test "$(ls outside)" = secret.txt
#include <errno.h>
#include <sys/stat.h>

#include "path_check.h"

int main(void)
{
    __wasi_fd_t sub;
    expect("path_create_directory", __wasi_path_create_directory(SANDBOX, "a"), 0);
    expect_true("path_create_directory: it is a directory",
                type_of(SANDBOX, 0, "a") == __WASI_FILETYPE_DIRECTORY);
    expect("path_create_directory nested", __wasi_path_create_directory(SANDBOX, "a/b"), 0);
    expect("path_create_directory trailing slash", __wasi_path_create_directory(SANDBOX, "slashed//"), 0);
    expect("path_create_directory a/b/../../up", __wasi_path_create_directory(SANDBOX, "a/b/../../up"), 0);
    expect("path_create_directory existing directory", __wasi_path_create_directory(SANDBOX, "a"),
           __WASI_ERRNO_EXIST);
    expect("path_create_directory existing file", __wasi_path_create_directory(SANDBOX, "file.txt"),
           __WASI_ERRNO_EXIST);
    expect("path_create_directory existing file with a trailing slash",
           __wasi_path_create_directory(SANDBOX, "file.txt/"), __WASI_ERRNO_EXIST);
    expect("path_create_directory .", __wasi_path_create_directory(SANDBOX, "."), __WASI_ERRNO_EXIST);
    expect("path_create_directory a/..", __wasi_path_create_directory(SANDBOX, "a/.."), __WASI_ERRNO_EXIST);
    /* The final symlink is the name itself, never followed: not even with
     * a trailing slash, so a dangling link does not create its target. */
    expect("path_create_directory dangling symlink", __wasi_path_create_directory(SANDBOX, "dangling"),
           __WASI_ERRNO_EXIST);
    expect("path_create_directory dangling symlink with a trailing slash",
           __wasi_path_create_directory(SANDBOX, "dangling/"), __WASI_ERRNO_EXIST);
    expect("path_create_directory below a symlink out of the sandbox",
           __wasi_path_create_directory(SANDBOX, "escape/made"), __WASI_ERRNO_NOTCAPABLE);
    expect("path_create_directory missing parent", __wasi_path_create_directory(SANDBOX, "missing/x"),
           __WASI_ERRNO_NOENT);
    expect("path_create_directory file as parent", __wasi_path_create_directory(SANDBOX, "file.txt/x"),
           __WASI_ERRNO_NOTDIR);
    expect("path_create_directory empty path", __wasi_path_create_directory(SANDBOX, ""), __WASI_ERRNO_NOENT);
    expect("path_create_directory ..", __wasi_path_create_directory(SANDBOX, "../x"), __WASI_ERRNO_NOTCAPABLE);
    expect("path_create_directory absolute", __wasi_path_create_directory(SANDBOX, "/x"),
           __WASI_ERRNO_NOTCAPABLE);
    expect("path_create_directory bad fd", __wasi_path_create_directory(42, "x"), __WASI_ERRNO_BADF);
    expect("path_create_directory on a file fd", __wasi_path_create_directory(0, "x"), __WASI_ERRNO_NOTDIR);

    expect("path_open a as a directory",
           __wasi_path_open(SANDBOX, 0, "a", __WASI_OFLAGS_DIRECTORY, RIGHTS_DIR, RIGHTS_RW, 0, &sub), 0);
    expect("path_create_directory through it", __wasi_path_create_directory(sub, "c"), 0);
    expect("fd_fdstat_set_rights: drop path_create_directory",
           __wasi_fd_fdstat_set_rights(sub, RIGHTS_DIR & ~__WASI_RIGHTS_PATH_CREATE_DIRECTORY, RIGHTS_RW), 0);
    expect("path_create_directory without path_create_directory",
           __wasi_path_create_directory(sub, "d"), __WASI_ERRNO_NOTCAPABLE);
    expect_true("path_create_directory without the right: nothing made", !exists(SANDBOX, "a/d"));

    /* libc's mkdir, through the preopen. */
    errno = 0;
    expect_true("mkdir(2) via libc", mkdir("/sandbox/libc", 0755) == 0);
    expect_true("mkdir(2) via libc: EEXIST", mkdir("/sandbox/libc", 0755) < 0 && errno == EEXIST);
    return finish();
}
