// path_readlink: reading symlink targets into guest memory, cut off at the
// buffer's end, and the errors for non-links, missing names and rights.
// SETUP: mkdir scratch/dir && printf 'data\n' > scratch/file.txt && ln -s file.txt scratch/link && ln -s ../outside/secret.txt scratch/escape && ln -s dir scratch/dirlink && ln -s ../link scratch/dir/up
#include <errno.h>
#include <unistd.h>

#include "path_check.h"

int main(void)
{
    char buf[64];
    __wasi_size_t n = 0;
    __wasi_fd_t sub;
    memset(buf, '#', sizeof buf);
    expect("path_readlink", __wasi_path_readlink(SANDBOX, "link", (uint8_t *)buf, sizeof buf, &n), 0);
    expect_true("path_readlink: the target, no NUL added", n == 8 && memcmp(buf, "file.txt#", 9) == 0);
    memset(buf, '#', sizeof buf);
    expect("path_readlink into a short buffer", __wasi_path_readlink(SANDBOX, "link", (uint8_t *)buf, 4, &n), 0);
    expect_true("path_readlink into a short buffer: cut off at 4 bytes", n == 4 && memcmp(buf, "file#", 5) == 0);
    expect("path_readlink into an empty buffer", __wasi_path_readlink(SANDBOX, "link", (uint8_t *)buf, 0, &n), 0);
    expect_true("path_readlink into an empty buffer: 0 bytes", n == 0);
    /* Reading a link's text is harmless even when the target is outside. */
    expect("path_readlink a link pointing outside", __wasi_path_readlink(SANDBOX, "escape", (uint8_t *)buf, sizeof buf, &n), 0);
    expect_true("path_readlink a link pointing outside: its text", n == 21 && memcmp(buf, "../outside/secret.txt", 21) == 0);
    expect("path_readlink in a subdirectory", __wasi_path_readlink(SANDBOX, "dir/up", (uint8_t *)buf, sizeof buf, &n), 0);
    expect("path_readlink through a symlinked directory",
           __wasi_path_readlink(SANDBOX, "dirlink/up", (uint8_t *)buf, sizeof buf, &n), 0);
    expect_true("path_readlink through a symlinked directory: its text", n == 7 && memcmp(buf, "../link", 7) == 0);

    expect("path_readlink a file", __wasi_path_readlink(SANDBOX, "file.txt", (uint8_t *)buf, sizeof buf, &n),
           __WASI_ERRNO_INVAL);
    expect("path_readlink a file into an empty buffer",
           __wasi_path_readlink(SANDBOX, "file.txt", (uint8_t *)buf, 0, &n), __WASI_ERRNO_INVAL);
    expect("path_readlink a directory", __wasi_path_readlink(SANDBOX, "dir", (uint8_t *)buf, sizeof buf, &n),
           __WASI_ERRNO_INVAL);
    expect("path_readlink a symlink with a trailing slash (follows it)",
           __wasi_path_readlink(SANDBOX, "dirlink/", (uint8_t *)buf, sizeof buf, &n), __WASI_ERRNO_INVAL);
    expect("path_readlink missing", __wasi_path_readlink(SANDBOX, "missing", (uint8_t *)buf, sizeof buf, &n),
           __WASI_ERRNO_NOENT);
    expect("path_readlink through a file", __wasi_path_readlink(SANDBOX, "file.txt/x", (uint8_t *)buf, sizeof buf, &n),
           __WASI_ERRNO_NOTDIR);
    expect("path_readlink empty path", __wasi_path_readlink(SANDBOX, "", (uint8_t *)buf, sizeof buf, &n),
           __WASI_ERRNO_NOENT);
    expect("path_readlink out of the sandbox",
           __wasi_path_readlink(SANDBOX, "../outside/secret.txt", (uint8_t *)buf, sizeof buf, &n),
           __WASI_ERRNO_NOTCAPABLE);
    expect("path_readlink bad fd", __wasi_path_readlink(44, "link", (uint8_t *)buf, sizeof buf, &n), __WASI_ERRNO_BADF);

    expect("path_open . without path_readlink",
           __wasi_path_open(SANDBOX, 0, ".", __WASI_OFLAGS_DIRECTORY, RIGHTS_DIR & ~__WASI_RIGHTS_PATH_READLINK, 0, 0,
                            &sub), 0);
    expect("path_readlink without path_readlink", __wasi_path_readlink(sub, "link", (uint8_t *)buf, sizeof buf, &n),
           __WASI_ERRNO_NOTCAPABLE);

    errno = 0;
    ssize_t r = readlink("/sandbox/link", buf, sizeof buf);
    expect_true("readlink(2) via libc", r == 8 && memcmp(buf, "file.txt", 8) == 0);
    expect_true("readlink(2) via libc: EINVAL on a file", readlink("/sandbox/file.txt", buf, sizeof buf) < 0 && errno == EINVAL);
    return finish();
}
