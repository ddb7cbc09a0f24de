// path_open: creating, truncating and opening files and directories, the
// host open mode and rights the new fd gets, symlinks in the final component,
// trailing slashes, and every error the checks in front of openat give.
// SETUP: mkdir scratch/sub && printf 'data\n' > scratch/file.txt && ln -s file.txt scratch/link && ln -s sub scratch/dirlink
// CHECK: test "$(cat scratch/created.txt)" = "written"
// CHECK: test ! -e scratch/new && test ! -e scratch/nodir
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "path_check.h"

static void rights_of(__wasi_fd_t fd, __wasi_rights_t *base, __wasi_rights_t *inh)
{
    __wasi_fdstat_t st;
    *base = *inh = 0;
    if (__wasi_fd_fdstat_get(fd, &st) == 0) {
        *base = st.fs_rights_base;
        *inh = st.fs_rights_inheriting;
    }
}

int main(void)
{
    char buf[64];
    __wasi_fd_t fd, sub;

    /* Creating, writing and reading back. */
    expect("path_open creat", put_file(SANDBOX, "created.txt", "written"), 0);
    expect("path_open read back", get_file(SANDBOX, 0, "created.txt", buf, sizeof buf), 0);
    expect_true("path_open read back: content is what was written", strcmp(buf, "written") == 0);
    expect("path_open creat|excl on an existing file",
           try_open(SANDBOX, 0, "file.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, RIGHTS_RW),
           __WASI_ERRNO_EXIST);
    expect("path_open creat on an existing file", try_open(SANDBOX, 0, "file.txt", __WASI_OFLAGS_CREAT, RIGHTS_RO), 0);
    expect("path_open missing file", try_open(SANDBOX, 0, "missing", 0, RIGHTS_RO), __WASI_ERRNO_NOENT);
    expect("path_open creat in a missing directory",
           try_open(SANDBOX, 0, "nodir/x", __WASI_OFLAGS_CREAT, RIGHTS_RW), __WASI_ERRNO_NOENT);
    expect("path_open empty path", try_open(SANDBOX, 0, "", 0, RIGHTS_RO), __WASI_ERRNO_NOENT);
    expect("path_open a file as a directory in the middle",
           try_open(SANDBOX, 0, "file.txt/x", 0, RIGHTS_RO), __WASI_ERRNO_NOTDIR);
    expect("path_open oflags directory on a file",
           try_open(SANDBOX, 0, "file.txt", __WASI_OFLAGS_DIRECTORY, RIGHTS_RO), __WASI_ERRNO_NOTDIR);
    expect("path_open trailing slash on a file", try_open(SANDBOX, 0, "file.txt/", 0, RIGHTS_RO),
           __WASI_ERRNO_NOTDIR);
    expect("path_open creat with a trailing slash",
           try_open(SANDBOX, 0, "new/", __WASI_OFLAGS_CREAT, RIGHTS_RW), __WASI_ERRNO_ISDIR);
    expect("path_open a directory for writing", try_open(SANDBOX, 0, "sub", 0, RIGHTS_RW),
           __WASI_ERRNO_ISDIR);
    expect("path_open a directory for reading", try_open(SANDBOX, 0, "sub", 0, RIGHTS_RO), 0);
    expect("path_open trailing slash on a directory", try_open(SANDBOX, 0, "sub/", 0, RIGHTS_RO), 0);
    expect("path_open .", try_open(SANDBOX, 0, ".", __WASI_OFLAGS_DIRECTORY, RIGHTS_DIR), 0);
    expect("path_open sub/..", try_open(SANDBOX, 0, "sub/..", __WASI_OFLAGS_DIRECTORY, RIGHTS_DIR), 0);
    expect("path_open sub/../file.txt", try_open(SANDBOX, 0, "sub/../file.txt", 0, RIGHTS_RO), 0);
    expect("path_open ./sub//../file.txt", try_open(SANDBOX, 0, "./sub//../file.txt", 0, RIGHTS_RO), 0);

    /* Truncation. */
    expect("path_open trunc", try_open(SANDBOX, 0, "created.txt", __WASI_OFLAGS_TRUNC, RIGHTS_RW), 0);
    __wasi_filestat_t st;
    expect("path_open trunc: filestat", __wasi_path_filestat_get(SANDBOX, 0, "created.txt", &st), 0);
    expect_true("path_open trunc: size is 0", st.size == 0);
    expect("path_open trunc on a directory",
           try_open(SANDBOX, 0, "sub", __WASI_OFLAGS_TRUNC, RIGHTS_RW), __WASI_ERRNO_ISDIR);
    expect("path_open creat again", put_file(SANDBOX, "created.txt", "written"), 0);

    /* Append: writes land at the end whatever the offset. */
    expect("path_open fdflags append",
           __wasi_path_open(SANDBOX, 0, "appended.txt", __WASI_OFLAGS_CREAT, RIGHTS_RW, 0,
                            __WASI_FDFLAGS_APPEND, &fd), 0);
    {
        __wasi_ciovec_t iov = {(const uint8_t *)"ab", 2};
        __wasi_size_t n;
        __wasi_filesize_t pos;
        int ok = __wasi_fd_write(fd, &iov, 1, &n) == 0 &&
                 __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos) == 0 &&
                 __wasi_fd_write(fd, &iov, 1, &n) == 0 && __wasi_fd_close(fd) == 0;
        expect_true("path_open fdflags append: writes and seeks", ok);
        expect("path_open fdflags append: read back", get_file(SANDBOX, 0, "appended.txt", buf, sizeof buf), 0);
        expect_true("path_open fdflags append: second write went to the end", strcmp(buf, "abab") == 0);
    }
    expect("path_open fdflags sync", __wasi_path_open(SANDBOX, 0, "created.txt", 0, RIGHTS_RW, 0,
                                                      __WASI_FDFLAGS_SYNC, &fd), 0);
    expect("path_open fdflags sync: close", __wasi_fd_close(fd), 0);

    /* Symlinks in the final component. */
    expect("path_open symlink without follow", try_open(SANDBOX, 0, "link", 0, RIGHTS_RO), __WASI_ERRNO_LOOP);
    expect("path_open symlink with follow", get_file(SANDBOX, FOLLOW, "link", buf, sizeof buf), 0);
    expect_true("path_open symlink with follow: reads the target", strcmp(buf, "data\n") == 0);
    expect("path_open symlink to a directory, oflags directory, without follow",
           try_open(SANDBOX, 0, "dirlink", __WASI_OFLAGS_DIRECTORY, RIGHTS_RO), __WASI_ERRNO_NOTDIR);
    expect("path_open symlink to a directory, oflags directory, with follow",
           try_open(SANDBOX, FOLLOW, "dirlink", __WASI_OFLAGS_DIRECTORY, RIGHTS_RO), 0);
    expect("path_open symlink to a directory with a trailing slash",
           try_open(SANDBOX, 0, "dirlink/", 0, RIGHTS_RO), 0);
    expect("path_open symlink in the middle", try_open(SANDBOX, 0, "dirlink/../file.txt", 0, RIGHTS_RO), 0);
    expect("path_open creat|excl on a symlink",
           try_open(SANDBOX, FOLLOW, "link", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, RIGHTS_RW),
           __WASI_ERRNO_EXIST);

    /* The new fd's rights: what was asked for, minus what its type cannot use. */
    expect("path_open file with directory rights asked for",
           open_at(SANDBOX, 0, "file.txt", 0, RIGHTS_RO | __WASI_RIGHTS_PATH_OPEN, &fd), 0);
    __wasi_rights_t base, inh;
    rights_of(fd, &base, &inh);
    expect_true("path_open file: base rights are the file ones asked for", base == RIGHTS_RO);
    expect("path_open file: close", __wasi_fd_close(fd), 0);

    /* A directory opened through path_open is a directory fd in its own right. */
    expect("path_open sub as a directory",
           __wasi_path_open(SANDBOX, 0, "sub", __WASI_OFLAGS_DIRECTORY, RIGHTS_DIR | __WASI_RIGHTS_FD_READ,
                            RIGHTS_RW | RIGHTS_DIR, 0, &sub), 0);
    rights_of(sub, &base, &inh);
    expect_true("path_open sub: base rights are the directory ones asked for", base == RIGHTS_DIR);
    expect_true("path_open sub: inheriting rights are the ones asked for", inh == (RIGHTS_RW | RIGHTS_DIR));
    expect("path_open through the opened directory: creat", put_file(sub, "inner.txt", "inner"), 0);
    expect("path_open through the opened directory: read back via the preopen",
           get_file(SANDBOX, 0, "sub/inner.txt", buf, sizeof buf), 0);
    expect_true("path_open through the opened directory: content", strcmp(buf, "inner") == 0);
    expect("path_open .. from the opened directory", try_open(sub, 0, "../file.txt", 0, RIGHTS_RO),
           __WASI_ERRNO_NOTCAPABLE);
    expect("path_open rights beyond the directory's inheriting rights",
           try_open(sub, 0, "inner.txt", 0, RIGHTS_RW | __WASI_RIGHTS_FD_ALLOCATE), __WASI_ERRNO_NOTCAPABLE);

    /* Rights on the directory fd. */
#define NARROW (__WASI_RIGHTS_PATH_CREATE_FILE | __WASI_RIGHTS_PATH_FILESTAT_SET_SIZE)
    expect("fd_fdstat_set_rights: drop path_create_file and path_filestat_set_size",
           __wasi_fd_fdstat_set_rights(sub, RIGHTS_DIR & ~NARROW, RIGHTS_RW), 0);
    expect("path_open creat without path_create_file",
           try_open(sub, 0, "other.txt", __WASI_OFLAGS_CREAT, RIGHTS_RW), __WASI_ERRNO_NOTCAPABLE);
    expect("path_open without creat still works", try_open(sub, 0, "inner.txt", 0, RIGHTS_RW), 0);
    expect("path_open trunc without path_filestat_set_size",
           try_open(sub, 0, "inner.txt", __WASI_OFLAGS_TRUNC, RIGHTS_RW), __WASI_ERRNO_NOTCAPABLE);
    expect("path_open fdflags dsync without fd_datasync or fd_sync",
           __wasi_path_open(sub, 0, "inner.txt", 0, RIGHTS_RW, 0, __WASI_FDFLAGS_DSYNC, &fd),
           __WASI_ERRNO_NOTCAPABLE);
    expect("path_open fdflags rsync without fd_sync",
           __wasi_path_open(sub, 0, "inner.txt", 0, RIGHTS_RO, 0, __WASI_FDFLAGS_RSYNC, &fd),
           __WASI_ERRNO_NOTCAPABLE);
    expect("fd_fdstat_set_rights: drop path_open",
           __wasi_fd_fdstat_set_rights(sub, RIGHTS_DIR & ~(NARROW | __WASI_RIGHTS_PATH_OPEN),
                                       RIGHTS_RW), 0);
    expect("path_open without path_open", try_open(sub, 0, "inner.txt", 0, RIGHTS_RO), __WASI_ERRNO_NOTCAPABLE);
    expect("path_open: close sub", __wasi_fd_close(sub), 0);
    expect("path_open on a closed fd", try_open(sub, 0, "inner.txt", 0, RIGHTS_RO), __WASI_ERRNO_BADF);
    expect("path_open on a bad fd", try_open(99, 0, "file.txt", 0, RIGHTS_RO), __WASI_ERRNO_BADF);
    expect("path_open on a file fd", try_open(1, 0, "file.txt", 0, RIGHTS_RO), __WASI_ERRNO_NOTDIR);

    /* Flag bits preview1 does not define. */
    expect("path_open oflags 0x10", try_open(SANDBOX, 0, "file.txt", 0x10, RIGHTS_RO), __WASI_ERRNO_INVAL);
    expect("path_open oflags creat|directory",
           try_open(SANDBOX, 0, "new", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_DIRECTORY, RIGHTS_DIR), __WASI_ERRNO_INVAL);
    expect("path_open lookupflags 2", try_open(SANDBOX, 2, "file.txt", 0, RIGHTS_RO), __WASI_ERRNO_INVAL);
    expect("path_open fdflags 0x20",
           __wasi_path_open(SANDBOX, 0, "file.txt", 0, RIGHTS_RO, 0, 0x20, &fd), __WASI_ERRNO_INVAL);
    expect("path_open rights bit 40", try_open(SANDBOX, 0, "file.txt", 0, (__wasi_rights_t)1 << 40),
           __WASI_ERRNO_INVAL);

    /* Through libc, which finds the preopen and asks for rights itself. */
    int h = open("/sandbox/file.txt", O_RDONLY);
    expect_true("open(2) via libc", h >= 0 && read(h, buf, 5) == 5 && close(h) == 0);
    errno = 0;
    expect_true("open(2) via libc: missing file gives ENOENT", open("/sandbox/missing", O_RDONLY) < 0 && errno == ENOENT);
    errno = 0;
    expect_true("open(2) via libc: O_CREAT|O_EXCL gives EEXIST",
                open("/sandbox/file.txt", O_WRONLY | O_CREAT | O_EXCL, 0644) < 0 && errno == EEXIST);
    errno = 0;
    expect_true("open(2) via libc: O_NOFOLLOW on a symlink gives ELOOP",
                open("/sandbox/link", O_RDONLY | O_NOFOLLOW) < 0 && errno == ELOOP);
    h = open("/sandbox/link", O_RDONLY);
    expect_true("open(2) via libc: follows a symlink by default", h >= 0 && close(h) == 0);
    return finish();
}
