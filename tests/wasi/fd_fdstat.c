// fd_fdstat_get, fd_fdstat_set_flags, fd_fdstat_set_rights: file types,
// flags that take effect (append, nonblock), sync flags that Linux cannot
// change after open (notsup), and rights that only ever narrow: every call
// checked here fails with notcapable once its right is dropped.
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

#define PRE 3
#define FILE_RIGHTS (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK | \
                     __WASI_RIGHTS_FD_TELL | __WASI_RIGHTS_FD_FILESTAT_GET |                  \
                     __WASI_RIGHTS_FD_FDSTAT_SET_FLAGS | __WASI_RIGHTS_FD_ADVISE |             \
                     __WASI_RIGHTS_FD_SYNC | __WASI_RIGHTS_FD_DATASYNC)

static __wasi_fd_t open_file(const char *path, __wasi_oflags_t oflags, __wasi_rights_t rights,
                             __wasi_fdflags_t fdflags, __wasi_errno_t *err)
{
    __wasi_fd_t fd = 0xffffffffu;
    *err = __wasi_path_open(PRE, 0, path, oflags, rights, 0, fdflags, &fd);
    return fd;
}

static const char *yes(int c) { return c ? "yes" : "no"; }

int main(void)
{
    __wasi_errno_t e;
    __wasi_fdstat_t st;
    __wasi_size_t n;
    __wasi_filesize_t off;

    /* The preopen: a directory that can open files but not read bytes. */
    e = __wasi_fd_fdstat_get(PRE, &st);
    printf("ok fd_fdstat_get preopen: errno %u, filetype %u, flags %u, path_open %s, fd_read %s, "
           "inheriting fd_read %s\n",
           e, st.fs_filetype, st.fs_flags, yes(st.fs_rights_base & __WASI_RIGHTS_PATH_OPEN),
           yes(st.fs_rights_base & __WASI_RIGHTS_FD_READ),
           yes(st.fs_rights_inheriting & __WASI_RIGHTS_FD_READ));
    printf("ok fd_fdstat_get fd 99: errno %u (badf %u)\n", __wasi_fd_fdstat_get(99, &st),
           __WASI_ERRNO_BADF);

    /* A file gets exactly the rights it asked for (all allowed for files). */
    __wasi_fd_t fd = open_file("f.txt", __WASI_OFLAGS_CREAT, FILE_RIGHTS, 0, &e);
    printf("ok path_open f.txt: errno %u\n", e);
    e = __wasi_fd_fdstat_get(fd, &st);
    printf("ok fd_fdstat_get file: errno %u, filetype %u, flags %u, rights as asked %s, "
           "inheriting %llu\n",
           e, st.fs_filetype, st.fs_flags, yes(st.fs_rights_base == FILE_RIGHTS),
           (unsigned long long)st.fs_rights_inheriting);

    /* append: set, seen, and effective (the write goes to the end). */
    __wasi_ciovec_t v = {(const uint8_t *)"0123456789", 10};
    e = __wasi_fd_write(fd, &v, 1, &n);
    printf("ok fd_write 10 bytes: errno %u\n", e);
    e = __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_APPEND);
    printf("ok fd_fdstat_set_flags append: errno %u\n", e);
    e = __wasi_fd_fdstat_get(fd, &st);
    printf("ok fd_fdstat_get sees append: errno %u, flags %u\n", e, st.fs_flags);
    e = __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &off);
    v.buf = (const uint8_t *)"AB";
    v.buf_len = 2;
    e = __wasi_fd_write(fd, &v, 1, &n);
    e = __wasi_fd_tell(fd, &off);
    printf("ok fd_write after seek 0 with append lands at the end: errno %u, offset %llu\n", e,
           (unsigned long long)off);

    /* nonblock on top, then both off again. */
    e = __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_APPEND | __WASI_FDFLAGS_NONBLOCK);
    printf("ok fd_fdstat_set_flags append|nonblock: errno %u\n", e);
    e = __wasi_fd_fdstat_get(fd, &st);
    printf("ok fd_fdstat_get: flags %u\n", st.fs_flags);
    e = __wasi_fd_fdstat_set_flags(fd, 0);
    printf("ok fd_fdstat_set_flags 0: errno %u\n", e);
    e = __wasi_fd_fdstat_get(fd, &st);
    printf("ok fd_fdstat_get: flags %u\n", st.fs_flags);

    /* Linux cannot switch synchronized I/O on or off after open. */
    printf("ok fd_fdstat_set_flags sync: errno %u (notsup %u)\n",
           __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_SYNC), __WASI_ERRNO_NOTSUP);
    printf("ok fd_fdstat_set_flags dsync: errno %u\n",
           __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_DSYNC));
    printf("ok fd_fdstat_set_flags rsync: errno %u\n",
           __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_RSYNC));
    printf("ok fd_fdstat_set_flags unknown bit 32: errno %u (inval %u)\n",
           __wasi_fd_fdstat_set_flags(fd, 32), __WASI_ERRNO_INVAL);
    printf("ok fd_fdstat_set_flags fd 99: errno %u\n", __wasi_fd_fdstat_set_flags(99, 0));

    /* Opened with dsync: reported, and keeping it while toggling append is fine. */
    __wasi_fd_t ds = open_file("f.txt", 0, FILE_RIGHTS, __WASI_FDFLAGS_DSYNC, &e);
    printf("ok path_open with dsync: errno %u\n", e);
    e = __wasi_fd_fdstat_get(ds, &st);
    printf("ok fd_fdstat_get dsync file: flags %u\n", st.fs_flags);
    printf("ok fd_fdstat_set_flags dsync|append on it: errno %u\n",
           __wasi_fd_fdstat_set_flags(ds, __WASI_FDFLAGS_DSYNC | __WASI_FDFLAGS_APPEND));
    printf("ok fd_fdstat_set_flags append (dropping dsync): errno %u\n",
           __wasi_fd_fdstat_set_flags(ds, __WASI_FDFLAGS_APPEND));
    __wasi_fd_t sy = open_file("f.txt", 0, FILE_RIGHTS, __WASI_FDFLAGS_SYNC, &e);
    e = __wasi_fd_fdstat_get(sy, &st);
    printf("ok fd_fdstat_get sync file: flags %u\n", st.fs_flags);
    printf("ok fd_fdstat_set_flags rsync on a sync file (same host state): errno %u\n",
           __wasi_fd_fdstat_set_flags(sy, __WASI_FDFLAGS_RSYNC));
    printf("ok fd_close: %u %u\n", __wasi_fd_close(ds), __wasi_fd_close(sy));

    /* Rights only narrow. */
    printf("ok fd_fdstat_set_rights widening base: errno %u (notcapable %u)\n",
           __wasi_fd_fdstat_set_rights(fd, FILE_RIGHTS | __WASI_RIGHTS_FD_ALLOCATE, 0),
           __WASI_ERRNO_NOTCAPABLE);
    printf("ok fd_fdstat_set_rights widening inheriting: errno %u\n",
           __wasi_fd_fdstat_set_rights(fd, FILE_RIGHTS, __WASI_RIGHTS_FD_READ));
    printf("ok fd_fdstat_set_rights unchanged: errno %u\n",
           __wasi_fd_fdstat_set_rights(fd, FILE_RIGHTS, 0));
    printf("ok fd_fdstat_set_rights unknown bit 2^40: errno %u\n",
           __wasi_fd_fdstat_set_rights(fd, 1ull << 40, 0));
    printf("ok fd_fdstat_set_rights fd 99: errno %u\n", __wasi_fd_fdstat_set_rights(99, 0, 0));

    char buf[8];
    __wasi_iovec_t rv = {(uint8_t *)buf, sizeof buf};
    __wasi_filestat_t fst;
    e = __wasi_fd_fdstat_set_rights(fd, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_TELL, 0);
    printf("ok fd_fdstat_set_rights to read+tell: errno %u\n", e);
    e = __wasi_fd_fdstat_get(fd, &st);
    printf("ok fd_fdstat_get shows the narrowed rights: %s\n",
           yes(st.fs_rights_base == (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_TELL)));
    printf("ok fd_read still allowed: errno %u\n", __wasi_fd_read(fd, &rv, 1, &n));
    printf("ok fd_tell still allowed: errno %u\n", __wasi_fd_tell(fd, &off));
    printf("ok fd_write after narrowing: errno %u\n", __wasi_fd_write(fd, &v, 1, &n));
    printf("ok fd_seek after narrowing: errno %u\n", __wasi_fd_seek(fd, 1, __WASI_WHENCE_SET, &off));
    printf("ok fd_pread after narrowing: errno %u\n", __wasi_fd_pread(fd, &rv, 1, 0, &n));
    printf("ok fd_filestat_get after narrowing: errno %u\n", __wasi_fd_filestat_get(fd, &fst));
    printf("ok fd_fdstat_set_flags after narrowing: errno %u\n", __wasi_fd_fdstat_set_flags(fd, 0));
    printf("ok fd_advise after narrowing: errno %u\n",
           __wasi_fd_advise(fd, 0, 0, __WASI_ADVICE_NORMAL));
    printf("ok fd_sync after narrowing: errno %u\n", __wasi_fd_sync(fd));
    printf("ok fd_datasync after narrowing: errno %u\n", __wasi_fd_datasync(fd));
    printf("ok fd_fdstat_set_rights winning fd_write back: errno %u\n",
           __wasi_fd_fdstat_set_rights(fd, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0));
    e = __wasi_fd_fdstat_set_rights(fd, 0, 0);
    printf("ok fd_fdstat_set_rights to nothing: errno %u\n", e);
    printf("ok fd_read with no rights: errno %u\n", __wasi_fd_read(fd, &rv, 1, &n));
    printf("ok fd_fdstat_get needs no right: errno %u\n", __wasi_fd_fdstat_get(fd, &st));
    printf("ok fd_close needs no right: errno %u\n", __wasi_fd_close(fd));

    /* A directory's inheriting rights narrow what later opens may get. */
    __wasi_fd_t sub;
    e = __wasi_path_create_directory(PRE, "d");
    e = __wasi_path_open(PRE, 0, "d", __WASI_OFLAGS_DIRECTORY,
                         __WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_FD_READDIR |
                             __WASI_RIGHTS_PATH_CREATE_FILE,
                         __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0, &sub);
    printf("ok path_open directory d: errno %u\n", e);
    e = __wasi_fd_fdstat_set_rights(sub, __WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_PATH_CREATE_FILE,
                                    __WASI_RIGHTS_FD_READ);
    printf("ok fd_fdstat_set_rights narrowing a directory's inheriting: errno %u\n", e);
    __wasi_fd_t w;
    printf("ok path_open for writing under it now: errno %u\n",
           __wasi_path_open(sub, 0, "x", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, 0, 0, &w));
    printf("ok fd_readdir after dropping fd_readdir: errno %u\n",
           __wasi_fd_readdir(sub, (uint8_t *)buf, sizeof buf, 0, &n));
    return 0;
}
