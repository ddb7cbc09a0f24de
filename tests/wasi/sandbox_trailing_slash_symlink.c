// Regression: a trailing slash makes a final symlink be followed ("escape/"
// names the directory escape points to). When the link leads out of the
// preopen, "escape/" must fail like "escape/x" does, and the calls that act
// on a name (mkdir, rmdir, unlink, rename, symlink, link) must act on the
// link itself, never on what it points to.
// SETUP: ln -s ../outside scratch/escape && ln -s / scratch/root && ln -s ../outside/secret.txt scratch/secretlink && printf 'f\n' > scratch/file && mkdir scratch/dir
// CHECK: test "$(cat outside/secret.txt)" = secret && test "$(ls -A outside)" = secret.txt
// CHECK: test -L scratch/escape && test -L scratch/root && test -L scratch/secretlink && test -f scratch/file && test -d scratch/dir
#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "path_check.h"

int main(void)
{
    __wasi_filestat_t st;
    __wasi_fd_t fd;
    char buf[16];

    /* Looking through "link/". */
    expect("escape/: path_open", try_open(SANDBOX, 0, "escape/", 0, RIGHTS_RO), __WASI_ERRNO_NOTCAPABLE);
    expect("escape/: path_open as a directory",
           __wasi_path_open(SANDBOX, 0, "escape/", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR, 0, 0, &fd),
           __WASI_ERRNO_NOTCAPABLE);
    expect("root/: path_open as a directory",
           __wasi_path_open(SANDBOX, 0, "root/", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR, 0, 0, &fd),
           __WASI_ERRNO_NOTCAPABLE);
    expect("escape/: path_filestat_get", __wasi_path_filestat_get(SANDBOX, 0, "escape/", &st),
           __WASI_ERRNO_NOTCAPABLE);
    expect("escape//: path_filestat_get", __wasi_path_filestat_get(SANDBOX, 0, "escape//", &st),
           __WASI_ERRNO_NOTCAPABLE);
    expect("root/: path_filestat_get", __wasi_path_filestat_get(SANDBOX, 0, "root/", &st), __WASI_ERRNO_NOTCAPABLE);
    expect("escape/.: path_filestat_get", __wasi_path_filestat_get(SANDBOX, 0, "escape/.", &st),
           __WASI_ERRNO_NOTCAPABLE);
    expect("escape/: path_filestat_set_times", __wasi_path_filestat_set_times(SANDBOX, 0, "escape/", 0, 0,
           __WASI_FSTFLAGS_MTIM_NOW), __WASI_ERRNO_NOTCAPABLE);
    expect("secretlink/: path_open", get_file(SANDBOX, 0, "secretlink/", buf, sizeof buf), __WASI_ERRNO_NOTCAPABLE);
    expect("escape/: path_readlink", __wasi_path_readlink(SANDBOX, "escape/", (uint8_t *)buf, sizeof buf,
           &(__wasi_size_t){0}), __WASI_ERRNO_NOTCAPABLE);
    expect("escape/: path_link source", __wasi_path_link(SANDBOX, 0, "escape/", SANDBOX, "x"),
           __WASI_ERRNO_NOTCAPABLE);
    errno = 0;
    DIR *d = opendir("/sandbox/escape/");
    expect_true("escape/: opendir(3) via libc: ENOTCAPABLE", !d && errno == ENOTCAPABLE);
    if (d)
        closedir(d);

    /* Naming "link/": acts on the link, which is not a directory. */
    expect("escape/: path_create_directory", __wasi_path_create_directory(SANDBOX, "escape/"), __WASI_ERRNO_EXIST);
    expect("root/: path_create_directory", __wasi_path_create_directory(SANDBOX, "root/"), __WASI_ERRNO_EXIST);
    expect("escape/: path_remove_directory", __wasi_path_remove_directory(SANDBOX, "escape/"), __WASI_ERRNO_NOTDIR);
    expect("escape/: path_unlink_file", __wasi_path_unlink_file(SANDBOX, "escape/"), __WASI_ERRNO_NOTDIR);
    expect("secretlink/: path_unlink_file", __wasi_path_unlink_file(SANDBOX, "secretlink/"), __WASI_ERRNO_NOTDIR);
    expect("escape/: path_rename from", __wasi_path_rename(SANDBOX, "escape/", SANDBOX, "moved"),
           __WASI_ERRNO_NOTDIR);
    expect("escape/: path_rename onto", __wasi_path_rename(SANDBOX, "dir", SANDBOX, "escape/"),
           __WASI_ERRNO_NOTDIR);
    expect("escape/: path_rename a file onto it", __wasi_path_rename(SANDBOX, "file", SANDBOX, "escape/"),
           __WASI_ERRNO_NOTDIR);
    expect("escape/: path_symlink onto it", __wasi_path_symlink("file", SANDBOX, "escape/"), __WASI_ERRNO_EXIST);
    expect("escape/: path_link onto it", __wasi_path_link(SANDBOX, 0, "file", SANDBOX, "escape/"),
           __WASI_ERRNO_EXIST);
    expect("escape/made: path_create_directory", __wasi_path_create_directory(SANDBOX, "escape/made/"),
           __WASI_ERRNO_NOTCAPABLE);
    expect("escape/secret.txt/: path_unlink_file", __wasi_path_unlink_file(SANDBOX, "escape/secret.txt/"),
           __WASI_ERRNO_NOTCAPABLE);
    errno = 0;
    expect_true("escape/: mkdir(2) via libc: EEXIST", mkdir("/sandbox/escape/", 0755) < 0 && errno == EEXIST);
    errno = 0;
    expect_true("escape/: rmdir(2) via libc: ENOTDIR", rmdir("/sandbox/escape/") < 0 && errno == ENOTDIR);

    /* A trailing slash on a plain file or directory, for comparison. */
    expect("file/: path_open", try_open(SANDBOX, 0, "file/", 0, RIGHTS_RO), __WASI_ERRNO_NOTDIR);
    expect("dir/: path_filestat_get", __wasi_path_filestat_get(SANDBOX, 0, "dir/", &st), 0);
    return finish();
}
