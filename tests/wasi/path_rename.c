// path_rename: renaming files and directories within and between directory
// fds, replacing, trailing slashes, and the errors POSIX rename gives.
// SETUP: mkdir -p scratch/d1 scratch/d2 scratch/full/x scratch/empty && printf 'a\n' > scratch/a && printf 'b\n' > scratch/b && ln -s d1 scratch/dirlink
// CHECK: test "$(cat scratch/b)" = a && test -d scratch/moved && test -d scratch/full/x && test -L scratch/dirlink && test "$(ls outside)" = secret.txt
#include <errno.h>
#include <stdio.h>

#include "path_check.h"

int main(void)
{
    char buf[16];
    __wasi_fd_t sub;
    expect("path_rename a file", __wasi_path_rename(SANDBOX, "a", SANDBOX, "c"), 0);
    expect_true("path_rename a file: old name gone, new one there", !exists(SANDBOX, "a") && exists(SANDBOX, "c"));
    expect("path_rename onto an existing file", __wasi_path_rename(SANDBOX, "c", SANDBOX, "b"), 0);
    expect("path_rename onto an existing file: read", get_file(SANDBOX, 0, "b", buf, sizeof buf), 0);
    expect_true("path_rename onto an existing file: replaced", strcmp(buf, "a\n") == 0 && !exists(SANDBOX, "c"));
    expect("path_rename a directory", __wasi_path_rename(SANDBOX, "d1", SANDBOX, "moved"), 0);
    expect("path_rename a directory with trailing slashes", __wasi_path_rename(SANDBOX, "moved/", SANDBOX, "m2/"), 0);
    expect("path_rename it back", __wasi_path_rename(SANDBOX, "m2", SANDBOX, "moved"), 0);
    expect("path_rename a directory onto an empty one", __wasi_path_rename(SANDBOX, "d2", SANDBOX, "empty"), 0);
    expect("path_rename a directory onto a non-empty one", __wasi_path_rename(SANDBOX, "empty", SANDBOX, "full"),
           __WASI_ERRNO_NOTEMPTY);
    expect("path_rename a file onto a directory", __wasi_path_rename(SANDBOX, "b", SANDBOX, "empty"),
           __WASI_ERRNO_ISDIR);
    expect("path_rename a directory onto a file", __wasi_path_rename(SANDBOX, "empty", SANDBOX, "b"),
           __WASI_ERRNO_NOTDIR);
    expect("path_rename a directory into itself", __wasi_path_rename(SANDBOX, "full", SANDBOX, "full/x/y"),
           __WASI_ERRNO_INVAL);
    expect("path_rename a file with a trailing slash", __wasi_path_rename(SANDBOX, "b/", SANDBOX, "c"),
           __WASI_ERRNO_NOTDIR);
    expect("path_rename a file to a name with a trailing slash", __wasi_path_rename(SANDBOX, "b", SANDBOX, "c/"),
           __WASI_ERRNO_NOTDIR);
    expect("path_rename a symlink to a directory with a trailing slash",
           __wasi_path_rename(SANDBOX, "dirlink/", SANDBOX, "c"), __WASI_ERRNO_NOTDIR);
    expect("path_rename missing", __wasi_path_rename(SANDBOX, "nope", SANDBOX, "c"), __WASI_ERRNO_NOENT);
    expect("path_rename into a missing directory", __wasi_path_rename(SANDBOX, "b", SANDBOX, "nodir/c"),
           __WASI_ERRNO_NOENT);
    expect("path_rename through a file", __wasi_path_rename(SANDBOX, "b/x", SANDBOX, "c"), __WASI_ERRNO_NOTDIR);
    expect("path_rename .", __wasi_path_rename(SANDBOX, ".", SANDBOX, "c"), __WASI_ERRNO_INVAL);
    expect("path_rename out of the sandbox", __wasi_path_rename(SANDBOX, "b", SANDBOX, "../outside/b"),
           __WASI_ERRNO_NOTCAPABLE);
    expect("path_rename from outside the sandbox",
           __wasi_path_rename(SANDBOX, "../outside/secret.txt", SANDBOX, "stolen"), __WASI_ERRNO_NOTCAPABLE);
    expect("path_rename bad fd", __wasi_path_rename(SANDBOX, "b", 60, "c"), __WASI_ERRNO_BADF);
    expect("path_rename bad old fd", __wasi_path_rename(61, "b", SANDBOX, "c"), __WASI_ERRNO_BADF);

    /* Between two directory fds: rename_source on one, rename_target on the other. */
    expect("path_open moved with path_rename_target only",
           __wasi_path_open(SANDBOX, 0, "moved", __WASI_OFLAGS_DIRECTORY,
                            __WASI_RIGHTS_PATH_RENAME_TARGET | __WASI_RIGHTS_PATH_FILESTAT_GET, 0, 0, &sub), 0);
    expect("path_rename between two fds", __wasi_path_rename(SANDBOX, "b", sub, "inner"), 0);
    expect("path_rename from an fd without path_rename_source",
           __wasi_path_rename(sub, "inner", SANDBOX, "b"), __WASI_ERRNO_NOTCAPABLE);
    expect("fd_fdstat_set_rights: drop path_rename_target",
           __wasi_fd_fdstat_set_rights(sub, __WASI_RIGHTS_PATH_FILESTAT_GET, 0), 0);
    expect("path_rename into an fd without path_rename_target",
           __wasi_path_rename(SANDBOX, "empty", sub, "e"), __WASI_ERRNO_NOTCAPABLE);
    expect("path_rename back by the preopen", __wasi_path_rename(SANDBOX, "moved/inner", SANDBOX, "b"), 0);

    errno = 0;
    expect_true("rename(3) via libc: ENOENT", rename("/sandbox/nope", "/sandbox/x") < 0 && errno == ENOENT);
    return finish();
}
