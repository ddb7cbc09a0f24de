// path_symlink: creating symlinks whose targets stay inside the directory fd
// (relative, judged from the link's own directory), refusing absolute and
// climbing targets with notcapable, and the usual creation errors.
// SETUP: mkdir -p scratch/dir/deep && printf 'data\n' > scratch/file.txt
// CHECK: test "$(readlink scratch/l1)" = file.txt && test "$(readlink scratch/dir/deep/up)" = ../../file.txt
// CHECK: test ! -e scratch/abs && test ! -L scratch/abs && test ! -L scratch/dir/out && test ! -L scratch/l5
#include <errno.h>
#include <unistd.h>

#include "path_check.h"

int main(void)
{
    char buf[32];
    __wasi_fd_t sub;
    expect("path_symlink", __wasi_path_symlink("file.txt", SANDBOX, "l1"), 0);
    expect("path_symlink: read through it", get_file(SANDBOX, FOLLOW, "l1", buf, sizeof buf), 0);
    expect_true("path_symlink: the target's content", strcmp(buf, "data\n") == 0);
    expect("path_symlink dangling", __wasi_path_symlink("nowhere", SANDBOX, "l2"), 0);
    expect("path_symlink to a directory", __wasi_path_symlink("dir/deep", SANDBOX, "l3"), 0);
    expect("path_symlink climbing back inside", __wasi_path_symlink("../../file.txt", SANDBOX, "dir/deep/up"), 0);
    expect("path_symlink with . and .. that stay inside", __wasi_path_symlink("./dir/../file.txt", SANDBOX, "l4"), 0);
    expect("path_symlink onto an existing name", __wasi_path_symlink("file.txt", SANDBOX, "l1"), __WASI_ERRNO_EXIST);
    expect("path_symlink onto an existing directory", __wasi_path_symlink("file.txt", SANDBOX, "dir"),
           __WASI_ERRNO_EXIST);
    expect("path_symlink in a missing directory", __wasi_path_symlink("x", SANDBOX, "nodir/l"), __WASI_ERRNO_NOENT);
    expect("path_symlink through a file", __wasi_path_symlink("x", SANDBOX, "file.txt/l"), __WASI_ERRNO_NOTDIR);
    expect("path_symlink new name with a trailing slash", __wasi_path_symlink("x", SANDBOX, "l5/"),
           __WASI_ERRNO_NOENT);
    expect("path_symlink empty target", __wasi_path_symlink("", SANDBOX, "l6"), __WASI_ERRNO_NOENT);
    expect("path_symlink new name out of the sandbox", __wasi_path_symlink("x", SANDBOX, "../l7"),
           __WASI_ERRNO_NOTCAPABLE);
    /* Targets that would leave the sandbox (see also sandbox_symlink_target). */
    expect("path_symlink absolute target", __wasi_path_symlink("/etc/passwd", SANDBOX, "abs"),
           __WASI_ERRNO_NOTCAPABLE);
    expect("path_symlink target climbing out from a subdirectory",
           __wasi_path_symlink("../../../file.txt", SANDBOX, "dir/deep/out"), __WASI_ERRNO_NOTCAPABLE);
    expect("path_symlink target climbing out after going down",
           __wasi_path_symlink("dir/../../x", SANDBOX, "l8"), __WASI_ERRNO_NOTCAPABLE);
    expect("path_symlink bad fd", __wasi_path_symlink("x", 33, "l9"), __WASI_ERRNO_BADF);

    /* Depth counts from the fd the link is made through, so a link that
     * climbs above a subdirectory fd is refused even though it would stay
     * inside the preopen. */
    expect("path_open dir", __wasi_path_open(SANDBOX, 0, "dir", __WASI_OFLAGS_DIRECTORY, RIGHTS_DIR, 0, 0, &sub), 0);
    expect("path_symlink through a subdirectory fd", __wasi_path_symlink("deep", sub, "l10"), 0);
    expect("path_symlink through a subdirectory fd climbing above it",
           __wasi_path_symlink("../file.txt", sub, "out"), __WASI_ERRNO_NOTCAPABLE);
    expect("fd_fdstat_set_rights: drop path_symlink",
           __wasi_fd_fdstat_set_rights(sub, RIGHTS_DIR & ~__WASI_RIGHTS_PATH_SYMLINK, 0), 0);
    expect("path_symlink without path_symlink", __wasi_path_symlink("deep", sub, "l11"), __WASI_ERRNO_NOTCAPABLE);

    errno = 0;
    expect_true("symlink(2) via libc", symlink("file.txt", "/sandbox/libc") == 0);
    expect_true("symlink(2) via libc: EEXIST", symlink("file.txt", "/sandbox/libc") < 0 && errno == EEXIST);
    return finish();
}
