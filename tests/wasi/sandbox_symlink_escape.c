// Regression: symlinks and ".." that lead out of the preopen. A symlink
// planted in the sandbox pointing at ../outside or at an absolute path must
// not let open, stat, readdir or any other path call reach the outside, and
// ".." must never climb above the preopen, however it is spelled.
// SETUP: mkdir scratch/a && ln -s ../outside scratch/escape && ln -s ../outside/secret.txt scratch/secretlink && ln -s / scratch/root && ln -s /etc scratch/etc && ln -s "$PWD/outside" scratch/abs_outside && ln -s a/../.. scratch/sneaky && ln -s escape scratch/indirect
// CHECK: test "$(cat outside/secret.txt)" = secret && test "$(ls outside)" = secret.txt
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "path_check.h"

static void no_secret(const char *what, const char *path, __wasi_lookupflags_t lf)
{
    char buf[64], line[160];
    __wasi_errno_t e = get_file(SANDBOX, lf, path, buf, sizeof buf);
    snprintf(line, sizeof line, "%s: open %s", what, path);
    expect(line, e, __WASI_ERRNO_NOTCAPABLE);
    if (strstr(buf, "secret"))
        printf("FAIL %s: the secret was read\n", what);
}

int main(void)
{
    __wasi_filestat_t st;
    __wasi_fd_t fd;

    /* Symlinks to the outside, met in the middle or at the end of a path. */
    no_secret("symlink to ../outside in the middle", "escape/secret.txt", 0);
    no_secret("symlink to ../outside in the middle, follow", "escape/secret.txt", FOLLOW);
    no_secret("symlink to ../outside/secret.txt, follow", "secretlink", FOLLOW);
    no_secret("symlink to / in the middle", "root/etc/passwd", 0);
    no_secret("symlink to /etc in the middle", "etc/passwd", 0);
    no_secret("symlink to the outside by absolute path", "abs_outside/secret.txt", 0);
    no_secret("symlink to a/../..", "sneaky/outside/secret.txt", 0);
    no_secret("symlink to a symlink to ../outside", "indirect/secret.txt", 0);
    expect("symlink to ../outside: secretlink without follow is a loop, not a read",
           get_file(SANDBOX, 0, "secretlink", (char[8]){0}, 8), __WASI_ERRNO_LOOP);
    expect("symlink to ../outside: path_filestat_get with follow",
           __wasi_path_filestat_get(SANDBOX, FOLLOW, "escape", &st), __WASI_ERRNO_NOTCAPABLE);
    expect("symlink to ../outside: path_filestat_get through it",
           __wasi_path_filestat_get(SANDBOX, 0, "escape/secret.txt", &st), __WASI_ERRNO_NOTCAPABLE);
    expect("symlink to /: path_filestat_get with follow", __wasi_path_filestat_get(SANDBOX, FOLLOW, "root", &st),
           __WASI_ERRNO_NOTCAPABLE);
    expect("symlink to ../outside: path_filestat_get without follow sees the link",
           __wasi_path_filestat_get(SANDBOX, 0, "escape", &st), 0);
    expect("symlink to ../outside: open as a directory with follow (readdir)",
           __wasi_path_open(SANDBOX, FOLLOW, "escape", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR, 0, 0, &fd),
           __WASI_ERRNO_NOTCAPABLE);
    expect("symlink to /: open as a directory with follow (readdir)",
           __wasi_path_open(SANDBOX, FOLLOW, "root", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR, 0, 0, &fd),
           __WASI_ERRNO_NOTCAPABLE);
    expect("symlink to ../outside: path_filestat_set_times with follow",
           __wasi_path_filestat_set_times(SANDBOX, FOLLOW, "secretlink", 0, 0, __WASI_FSTFLAGS_MTIM_NOW),
           __WASI_ERRNO_NOTCAPABLE);
    expect("symlink to ../outside: path_open creat through it",
           try_open(SANDBOX, 0, "escape/new.txt", __WASI_OFLAGS_CREAT, RIGHTS_RW), __WASI_ERRNO_NOTCAPABLE);
    expect("symlink to ../outside: path_open trunc with follow",
           try_open(SANDBOX, FOLLOW, "secretlink", __WASI_OFLAGS_TRUNC, RIGHTS_RW), __WASI_ERRNO_NOTCAPABLE);
    expect("symlink to ../outside: path_unlink_file through it",
           __wasi_path_unlink_file(SANDBOX, "escape/secret.txt"), __WASI_ERRNO_NOTCAPABLE);
    expect("symlink to ../outside: path_rename through it",
           __wasi_path_rename(SANDBOX, "escape/secret.txt", SANDBOX, "got"), __WASI_ERRNO_NOTCAPABLE);

    /* libc: opendir, stat, fopen through the links. */
    errno = 0;
    DIR *d = opendir("/sandbox/escape");
    expect_true("opendir(3) via libc through a symlink to ../outside: ENOTCAPABLE", !d && errno == ENOTCAPABLE);
    if (d)
        closedir(d);
    errno = 0;
    d = opendir("/sandbox/root/");
    expect_true("opendir(3) via libc through a symlink to /: ENOTCAPABLE", !d && errno == ENOTCAPABLE);
    if (d)
        closedir(d);
    struct stat s;
    errno = 0;
    expect_true("stat(2) via libc through a symlink to ../outside: ENOTCAPABLE",
                stat("/sandbox/secretlink", &s) < 0 && errno == ENOTCAPABLE);
    errno = 0;
    FILE *f = fopen("/sandbox/escape/secret.txt", "r");
    expect_true("fopen(3) via libc through a symlink to ../outside: ENOTCAPABLE", !f && errno == ENOTCAPABLE);
    if (f)
        fclose(f);

    /* ".." escapes. */
    no_secret("../outside/secret.txt", "../outside/secret.txt", 0);
    no_secret("a/../../outside/secret.txt", "a/../../outside/secret.txt", 0);
    no_secret("./a/./../../outside/secret.txt", "./a/./../../outside/secret.txt", 0);
    no_secret("a//..//..//outside//secret.txt", "a//..//..//outside//secret.txt", 0);
    expect("..: path_filestat_get a/../../outside", __wasi_path_filestat_get(SANDBOX, 0, "a/../../outside", &st),
           __WASI_ERRNO_NOTCAPABLE);
    expect("..: path_filestat_get ..", __wasi_path_filestat_get(SANDBOX, 0, "..", &st), __WASI_ERRNO_NOTCAPABLE);
    expect("..: path_open .. as a directory",
           __wasi_path_open(SANDBOX, 0, "..", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR, 0, 0, &fd),
           __WASI_ERRNO_NOTCAPABLE);
    expect("..: path_create_directory ../made", __wasi_path_create_directory(SANDBOX, "../outside/made"),
           __WASI_ERRNO_NOTCAPABLE);
    expect("..: absolute guest path", __wasi_path_filestat_get(SANDBOX, 0, "/outside", &st), __WASI_ERRNO_NOTCAPABLE);
    errno = 0;
    f = fopen("/sandbox/../outside/secret.txt", "r");
    expect_true("fopen(3) via libc of /sandbox/../outside/secret.txt fails", !f);
    if (f)
        fclose(f);
    expect_true("a/.. still works inside", exists(SANDBOX, "a/../a"));
    return finish();
}
