// Red team: a hostile guest trying to gain rights it was not given. With
// /rw writable (fd 3) and /ro read-only (fd 4): opening with more rights
// than the directory hands down, directory fds used for what their parent
// lacked, fd_fdstat_set_rights widening, fd_renumber onto stdio, preopens
// and itself, and closing preopens to reuse their numbers. The read-only
// tree must come out unchanged.
// RUN: --dir {scratch}/rw::/rw --dir-ro {scratch}/ro::/ro
// SETUP: mkdir -p scratch/rw scratch/ro/sub && printf 'original\n' > scratch/ro/file && printf 'deep\n' > scratch/ro/sub/deep && printf 'mine\n' > scratch/rw/mine
// CHECK: test "$(cat scratch/ro/file)" = original && test "$(cat scratch/ro/sub/deep)" = deep && test "$(ls scratch/ro)" = "$(printf 'file\nsub')" && test "$(ls scratch/ro/sub)" = deep
// CHECK: test "$(cat scratch/rw/mine)" = mine && test "$(ls scratch/rw)" = mine
// CHECK: test "$(cat outside/secret.txt)" = secret && test "$(ls outside)" = secret.txt
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

#define RW 3
#define RO 4

#include "check.h"

#define R(x) __WASI_RIGHTS_##x
#define FILE_RO (R(FD_READ) | R(FD_SEEK) | R(FD_TELL) | R(FD_FILESTAT_GET))
#define DIR_LOOK (R(PATH_OPEN) | R(FD_READDIR) | R(PATH_FILESTAT_GET) | R(FD_FILESTAT_GET))

static __wasi_errno_t open_(__wasi_fd_t dir, const char *path, __wasi_oflags_t of, __wasi_rights_t base,
                            __wasi_rights_t inh, __wasi_fdflags_t ff, __wasi_fd_t *fd)
{
    *fd = 0xffffffffu;
    return __wasi_path_open(dir, 0, path, of, base, inh, ff, fd);
}

static __wasi_errno_t try_open(__wasi_fd_t dir, const char *path, __wasi_oflags_t of, __wasi_rights_t base,
                               __wasi_rights_t inh, __wasi_fdflags_t ff)
{
    __wasi_fd_t fd;
    __wasi_errno_t e = open_(dir, path, of, base, inh, ff, &fd);
    if (e == 0)
        (void)!__wasi_fd_close(fd);
    return e;
}

static __wasi_errno_t write_str(__wasi_fd_t fd, const char *s)
{
    __wasi_ciovec_t v = {(const uint8_t *)s, strlen(s)};
    __wasi_size_t n;
    return __wasi_fd_write(fd, &v, 1, &n);
}

static __wasi_rights_t base_of(__wasi_fd_t fd)
{
    __wasi_fdstat_t st;
    if (__wasi_fd_fdstat_get(fd, &st) != 0)
        return 0;
    return st.fs_rights_base;
}

static __wasi_rights_t inheriting_of(__wasi_fd_t fd)
{
    __wasi_fdstat_t st;
    if (__wasi_fd_fdstat_get(fd, &st) != 0)
        return 0;
    return st.fs_rights_inheriting;
}

/* The name a preopen number reports, or the errno. */
static void prestat(const char *what, __wasi_fd_t fd, const char *want_name, __wasi_errno_t want)
{
    __wasi_prestat_t ps;
    char name[32] = {0};
    __wasi_errno_t e = __wasi_fd_prestat_get(fd, &ps);
    if (e == 0 && ps.u.dir.pr_name_len < sizeof name)
        e = __wasi_fd_prestat_dir_name(fd, (uint8_t *)name, ps.u.dir.pr_name_len);
    expect(what, e, want);
    if (want == 0 && strcmp(name, want_name) != 0) {
        printf("FAIL %s: name %s, expected %s\n", what, name, want_name);
        failures++;
    }
}

int main(void)
{
    __wasi_fd_t fd, sub, sub2;
    __wasi_filestat_t st;
    __wasi_size_t n;
    uint8_t buf[64];

    /* More than the read-only preopen hands down. */
    expect("ro: path_open file for writing", try_open(RO, "file", 0, R(FD_WRITE), 0, 0), __WASI_ERRNO_NOTCAPABLE);
    expect("ro: path_open file asking fd_write only as inheriting", try_open(RO, "file", 0, R(FD_READ), R(FD_WRITE), 0),
           __WASI_ERRNO_NOTCAPABLE);
    expect("ro: path_open file with fd_allocate", try_open(RO, "file", 0, R(FD_READ) | R(FD_ALLOCATE), 0, 0),
           __WASI_ERRNO_NOTCAPABLE);
    expect("ro: path_open file with fd_filestat_set_size", try_open(RO, "file", 0, R(FD_FILESTAT_SET_SIZE), 0, 0),
           __WASI_ERRNO_NOTCAPABLE);
    expect("ro: path_open file with fd_filestat_set_times", try_open(RO, "file", 0, R(FD_FILESTAT_SET_TIMES), 0, 0),
           __WASI_ERRNO_NOTCAPABLE);
    expect("ro: path_open trunc with no rights at all", try_open(RO, "file", __WASI_OFLAGS_TRUNC, 0, 0, 0),
           __WASI_ERRNO_NOTCAPABLE);
    expect("ro: path_open creat", try_open(RO, "new", __WASI_OFLAGS_CREAT, R(FD_READ), 0, 0), __WASI_ERRNO_NOTCAPABLE);
    expect("ro: path_open with fdflags sync", try_open(RO, "file", 0, R(FD_READ), 0, __WASI_FDFLAGS_SYNC),
           __WASI_ERRNO_NOTCAPABLE);
    expect("ro: path_open with fdflags dsync", try_open(RO, "file", 0, R(FD_READ), 0, __WASI_FDFLAGS_DSYNC),
           __WASI_ERRNO_NOTCAPABLE);
    expect("ro: path_open with every right there is", try_open(RO, "file", 0, 0x1fffffffull, 0x1fffffffull, 0),
           __WASI_ERRNO_NOTCAPABLE);
    expect("ro: path_open with a right past the last one", try_open(RO, "file", 0, 1ull << 40, 0, 0), __WASI_ERRNO_INVAL);
    expect("ro: path_open file read-only works", try_open(RO, "file", 0, FILE_RO, 0, 0), 0);

    /* A directory fd below /ro: it can never hand down more than /ro. */
    expect("ro: path_open sub asking to hand down fd_write", try_open(RO, "sub", __WASI_OFLAGS_DIRECTORY, DIR_LOOK, R(FD_WRITE), 0),
           __WASI_ERRNO_NOTCAPABLE);
    expect("ro: path_open sub asking for path_create_file", try_open(RO, "sub", __WASI_OFLAGS_DIRECTORY, DIR_LOOK | R(PATH_CREATE_FILE), 0, 0),
           __WASI_ERRNO_NOTCAPABLE);
    expect("ro: path_open . asking for path_unlink_file", try_open(RO, ".", __WASI_OFLAGS_DIRECTORY, R(PATH_UNLINK_FILE), 0, 0),
           __WASI_ERRNO_NOTCAPABLE);
    expect("ro: path_open sub as a directory", open_(RO, "sub", __WASI_OFLAGS_DIRECTORY, DIR_LOOK, FILE_RO, 0, &sub), 0);
    expect("ro sub: path_open deep for writing", try_open(sub, "deep", 0, R(FD_WRITE), 0, 0), __WASI_ERRNO_NOTCAPABLE);
    expect("ro sub: path_open deep with trunc", try_open(sub, "deep", __WASI_OFLAGS_TRUNC, R(FD_READ), 0, 0),
           __WASI_ERRNO_NOTCAPABLE);
    expect("ro sub: path_create_directory", __wasi_path_create_directory(sub, "made"), __WASI_ERRNO_NOTCAPABLE);
    expect("ro sub: path_unlink_file deep", __wasi_path_unlink_file(sub, "deep"), __WASI_ERRNO_NOTCAPABLE);
    expect("ro sub: path_symlink", __wasi_path_symlink("deep", sub, "l"), __WASI_ERRNO_NOTCAPABLE);
    expect("ro sub: fd_filestat_set_times", __wasi_fd_filestat_set_times(sub, 0, 0, __WASI_FSTFLAGS_MTIM_NOW),
           __WASI_ERRNO_NOTCAPABLE);
    expect("ro sub: fd_fdstat_set_rights widening base to path_create_file",
           __wasi_fd_fdstat_set_rights(sub, DIR_LOOK | R(PATH_CREATE_FILE), FILE_RO), __WASI_ERRNO_NOTCAPABLE);
    expect("ro sub: fd_fdstat_set_rights widening inheriting to fd_write",
           __wasi_fd_fdstat_set_rights(sub, DIR_LOOK, FILE_RO | R(FD_WRITE)), __WASI_ERRNO_NOTCAPABLE);
    expect("ro sub: path_open sub2 handing down more than sub may",
           try_open(sub, ".", __WASI_OFLAGS_DIRECTORY, DIR_LOOK, FILE_RO | R(FD_ADVISE), 0), __WASI_ERRNO_NOTCAPABLE);
    expect("ro sub: fd_fdstat_set_rights narrowing to path_open only", __wasi_fd_fdstat_set_rights(sub, R(PATH_OPEN), R(FD_READ)), 0);
    expect("ro sub: fd_fdstat_set_rights back to what it had", __wasi_fd_fdstat_set_rights(sub, DIR_LOOK, FILE_RO),
           __WASI_ERRNO_NOTCAPABLE);
    expect("ro sub: fd_readdir after narrowing", __wasi_fd_readdir(sub, buf, sizeof buf, 0, &n), __WASI_ERRNO_NOTCAPABLE);
    expect("ro sub: path_open deep with fd_seek after narrowing", try_open(sub, "deep", 0, R(FD_READ) | R(FD_SEEK), 0, 0),
           __WASI_ERRNO_NOTCAPABLE);
    expect("ro sub: path_open deep with fd_read after narrowing", try_open(sub, "deep", 0, R(FD_READ), 0, 0), 0);
    expect("ro sub: path_open . as a directory asking path_open (sub hands down fd_read only)",
           try_open(sub, ".", __WASI_OFLAGS_DIRECTORY, R(PATH_OPEN), R(FD_READ), 0), __WASI_ERRNO_NOTCAPABLE);
    expect("ro: path_open sub as sub2", open_(RO, "sub", __WASI_OFLAGS_DIRECTORY, R(PATH_OPEN), R(FD_READ), 0, &sub2), 0);
    expect("ro sub2: path_open .. (above sub2)", try_open(sub2, "..", __WASI_OFLAGS_DIRECTORY, 0, 0, 0), __WASI_ERRNO_NOTCAPABLE);
    (void)!__wasi_fd_close(sub2);
    (void)!__wasi_fd_close(sub);

    /* A directory fd below /rw that asked for little: it may not use what
     * /rw could have given it. */
    expect("rw: path_open . with path_open only, handing down fd_read",
           open_(RW, ".", __WASI_OFLAGS_DIRECTORY, R(PATH_OPEN), R(FD_READ), 0, &sub), 0);
    expect("rw small: path_open mine for writing", try_open(sub, "mine", 0, R(FD_WRITE), 0, 0), __WASI_ERRNO_NOTCAPABLE);
    expect("rw small: path_open creat", try_open(sub, "new", __WASI_OFLAGS_CREAT, R(FD_READ), 0, 0), __WASI_ERRNO_NOTCAPABLE);
    expect("rw small: path_create_directory", __wasi_path_create_directory(sub, "made"), __WASI_ERRNO_NOTCAPABLE);
    expect("rw small: path_filestat_get", __wasi_path_filestat_get(sub, 0, "mine", &st), __WASI_ERRNO_NOTCAPABLE);
    expect("rw small: fd_readdir", __wasi_fd_readdir(sub, buf, sizeof buf, 0, &n), __WASI_ERRNO_NOTCAPABLE);
    expect("rw small: path_open mine for reading", try_open(sub, "mine", 0, R(FD_READ), 0, 0), 0);
    (void)!__wasi_fd_close(sub);
    /* fd_write on a directory is isdir; fd_read asked for a directory is
     * dropped, not kept for later. */
    expect("rw: path_open . asking fd_read|fd_write as base",
           try_open(RW, ".", __WASI_OFLAGS_DIRECTORY, R(PATH_OPEN) | R(FD_READ) | R(FD_WRITE), 0, 0), __WASI_ERRNO_ISDIR);
    expect("rw: path_open . asking fd_read as base",
           open_(RW, ".", __WASI_OFLAGS_DIRECTORY, R(PATH_OPEN) | R(FD_READ), 0, 0, &sub), 0);
    expect_true("rw: the directory fd holds neither fd_read nor fd_write", !(base_of(sub) & (R(FD_READ) | R(FD_WRITE))));
    expect("rw dir: fd_write", write_str(sub, "x"), __WASI_ERRNO_ISDIR);
    expect("rw dir: fd_fdstat_set_rights to gain fd_write", __wasi_fd_fdstat_set_rights(sub, R(PATH_OPEN) | R(FD_WRITE), 0),
           __WASI_ERRNO_NOTCAPABLE);
    expect_true("rw dir: inheriting is empty", inheriting_of(sub) == 0);
    (void)!__wasi_fd_close(sub);
    /* Non-directories hand nothing down. */
    expect("rw: path_open mine asking to hand down fd_read", open_(RW, "mine", 0, R(FD_READ), R(FD_READ), 0, &fd), 0);
    expect_true("rw: the file's inheriting rights are empty", inheriting_of(fd) == 0);
    expect("rw file: fd_fdstat_set_rights inheriting fd_read", __wasi_fd_fdstat_set_rights(fd, R(FD_READ), R(FD_READ)),
           __WASI_ERRNO_NOTCAPABLE);
    expect("rw file: fd_write without the right", write_str(fd, "x"), __WASI_ERRNO_NOTCAPABLE);
    expect("rw file: fd_pwrite without the right", __wasi_fd_pwrite(fd, &(__wasi_ciovec_t){(const uint8_t *)"x", 1}, 1, 0, &n),
           __WASI_ERRNO_NOTCAPABLE);
    expect("rw file: fd_filestat_set_size without the right", __wasi_fd_filestat_set_size(fd, 0), __WASI_ERRNO_NOTCAPABLE);
    expect("rw file: fd_allocate without the right", __wasi_fd_allocate(fd, 0, 100), __WASI_ERRNO_NOTCAPABLE);
    expect("rw file: path_open on a file fd", try_open(fd, ".", 0, 0, 0, 0), __WASI_ERRNO_NOTDIR);
    expect("rw file: fd_readdir on a file fd", __wasi_fd_readdir(fd, buf, sizeof buf, 0, &n), __WASI_ERRNO_NOTDIR);
    expect("rw file: sock_accept on a file fd", __wasi_sock_accept(fd, 0, &sub), __WASI_ERRNO_NOTSOCK);
    (void)!__wasi_fd_close(fd);
    /* A right granted without the access mode to back it. */
    expect("rw: path_open mine with fd_filestat_set_size but no fd_write",
           open_(RW, "mine", 0, R(FD_FILESTAT_SET_SIZE) | R(FD_ALLOCATE), 0, 0, &fd), 0);
    __wasi_errno_t e = __wasi_fd_filestat_set_size(fd, 0);
    expect_true("rw file without fd_write: fd_filestat_set_size fails at the host", e != 0);
    e = __wasi_fd_allocate(fd, 0, 4096);
    expect_true("rw file without fd_write: fd_allocate fails at the host", e != 0);
    (void)!__wasi_fd_close(fd);

    /* Renumbering. */
    expect("fd_renumber 4 onto itself", __wasi_fd_renumber(RO, RO), 0);
    prestat("fd_prestat_get 4 after renumbering onto itself", RO, "/ro", 0);
    expect("fd_renumber 1 onto itself", __wasi_fd_renumber(1, 1), 0);
    expect("fd_renumber 4 onto an unused number", __wasi_fd_renumber(RO, 40), __WASI_ERRNO_BADF);
    expect("fd_renumber an unused number onto 4", __wasi_fd_renumber(40, RO), __WASI_ERRNO_BADF);
    expect("fd_renumber 4 onto 0xffffffff", __wasi_fd_renumber(RO, 0xffffffffu), __WASI_ERRNO_BADF);
    /* A read-only file moved onto stdin: it stays read-only there. */
    expect("ro: path_open file for reading", open_(RO, "file", 0, FILE_RO, 0, 0, &fd), 0);
    expect("fd_renumber the ro file onto stdin", __wasi_fd_renumber(fd, 0), 0);
    expect("fd 0: fd_write", write_str(0, "x"), __WASI_ERRNO_NOTCAPABLE);
    expect("fd 0: fd_fdstat_set_rights widening", __wasi_fd_fdstat_set_rights(0, FILE_RO | R(FD_WRITE), 0),
           __WASI_ERRNO_NOTCAPABLE);
    __wasi_iovec_t iv = {buf, sizeof buf};
    expect("fd 0: fd_read reads the file", __wasi_fd_read(0, &iv, 1, &n), 0);
    expect_true("fd 0: the file's bytes", n == 9 && memcmp(buf, "original\n", 9) == 0);
    expect("the old number is free", __wasi_fd_close(fd), __WASI_ERRNO_BADF);
    /* The read-only preopen moved over the writable one: 3 is read-only now. */
    expect("fd_renumber 4 (ro) onto 3 (rw)", __wasi_fd_renumber(RO, RW), 0);
    prestat("fd_prestat_get 3 after the move", RW, "/ro", 0);
    prestat("fd_prestat_get 4 after the move", RO, "", __WASI_ERRNO_BADF);
    expect("fd 3: path_open file for writing", try_open(RW, "file", 0, R(FD_WRITE), 0, 0), __WASI_ERRNO_NOTCAPABLE);
    expect("fd 3: path_open creat", try_open(RW, "made", __WASI_OFLAGS_CREAT, R(FD_READ), 0, 0), __WASI_ERRNO_NOTCAPABLE);
    expect("fd 3: path_filestat_get mine (that was /rw's)", __wasi_path_filestat_get(RW, 0, "mine", &st), __WASI_ERRNO_NOENT);
    /* Closed preopen numbers are reused by plain files, which are not
     * preopens and not directories. */
    expect("fd_close 3", __wasi_fd_close(RW), 0);
    expect("path_open from the closed 3", try_open(RW, "file", 0, R(FD_READ), 0, 0), __WASI_ERRNO_BADF);
    expect("fd_prestat_get 3 after close", __wasi_fd_prestat_get(RW, &(__wasi_prestat_t){0}), __WASI_ERRNO_BADF);
    expect("fd_close 3 again", __wasi_fd_close(RW), __WASI_ERRNO_BADF);
    return failures ? 1 : 0;
}
