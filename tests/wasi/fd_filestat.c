// fd_filestat_get, fd_filestat_set_size, fd_filestat_set_times, fd_advise,
// fd_allocate, fd_sync, fd_datasync: effects on a file, directories (isdir
// for content operations), contradictory time flags (inval), and badf.
// CHECK: test "$(stat -c %Y scratch/t.txt)" = 1000000000
// CHECK: test "$(stat -c %X scratch/t.txt)" = 1500000000
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

#define PRE 3
#define ALL_FILE (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK |         \
                  __WASI_RIGHTS_FD_TELL | __WASI_RIGHTS_FD_FILESTAT_GET |                          \
                  __WASI_RIGHTS_FD_FILESTAT_SET_SIZE | __WASI_RIGHTS_FD_FILESTAT_SET_TIMES |       \
                  __WASI_RIGHTS_FD_ADVISE | __WASI_RIGHTS_FD_ALLOCATE | __WASI_RIGHTS_FD_SYNC |    \
                  __WASI_RIGHTS_FD_DATASYNC)
#define SEC 1000000000ull

static __wasi_filestat_t stat_of(__wasi_fd_t fd, __wasi_errno_t *e)
{
    __wasi_filestat_t st;
    memset(&st, 0, sizeof st);
    *e = __wasi_fd_filestat_get(fd, &st);
    return st;
}

int main(void)
{
    __wasi_errno_t e;
    __wasi_fd_t fd;
    e = __wasi_path_open(PRE, 0, "t.txt", __WASI_OFLAGS_CREAT, ALL_FILE, 0, 0, &fd);
    printf("ok path_open t.txt: errno %u\n", e);
    __wasi_ciovec_t v = {(const uint8_t *)"abcdef", 6};
    __wasi_size_t n;
    e = __wasi_fd_write(fd, &v, 1, &n);

    __wasi_filestat_t st = stat_of(fd, &e);
    printf("ok fd_filestat_get file: errno %u, filetype %u, size %llu, nlink %llu, ino non-zero %s, "
           "mtim after 2020 %s\n",
           e, st.filetype, (unsigned long long)st.size, (unsigned long long)st.nlink,
           st.ino ? "yes" : "NO", st.mtim > 1577836800ull * SEC ? "yes" : "NO");
    __wasi_filestat_t dst = stat_of(PRE, &e);
    printf("ok fd_filestat_get preopen: errno %u, filetype %u, same device %s\n", e, dst.filetype,
           dst.dev == st.dev ? "yes" : "NO");
    printf("ok fd_filestat_get fd 99: errno %u (badf %u)\n", __wasi_fd_filestat_get(99, &st),
           __WASI_ERRNO_BADF);

    /* Sizes. */
    e = __wasi_fd_filestat_set_size(fd, 3);
    st = stat_of(fd, &e);
    printf("ok fd_filestat_set_size shrink to 3: size %llu\n", (unsigned long long)st.size);
    e = __wasi_fd_filestat_set_size(fd, 10);
    printf("ok fd_filestat_set_size grow to 10: errno %u\n", e);
    char buf[16];
    memset(buf, 'z', sizeof buf);
    __wasi_iovec_t rv = {(uint8_t *)buf, sizeof buf};
    e = __wasi_fd_pread(fd, &rv, 1, 0, &n);
    printf("ok grown file reads back: %zu bytes, \"%.3s\" then zeros %s\n", n, buf,
           n == 10 && memcmp(buf + 3, "\0\0\0\0\0\0\0", 7) == 0 ? "yes" : "NO");
    printf("ok fd_filestat_set_size 2^63: errno %u (fbig %u)\n",
           __wasi_fd_filestat_set_size(fd, 1ull << 63), __WASI_ERRNO_FBIG);
    printf("ok fd_filestat_set_size on a directory: errno %u (isdir %u)\n",
           __wasi_fd_filestat_set_size(PRE, 0), __WASI_ERRNO_ISDIR);
    printf("ok fd_filestat_set_size fd 99: errno %u\n", __wasi_fd_filestat_set_size(99, 0));

    /* Times. */
    e = __wasi_fd_filestat_set_times(fd, 1500000000ull * SEC + 250, 1400000000ull * SEC,
                                     __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM);
    st = stat_of(fd, &e);
    printf("ok fd_filestat_set_times atim+mtim: atim %llu.%09llu, mtim %llu\n",
           (unsigned long long)(st.atim / SEC), (unsigned long long)(st.atim % SEC),
           (unsigned long long)(st.mtim / SEC));
    e = __wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_MTIM_NOW);
    __wasi_filestat_t st2 = stat_of(fd, &e);
    printf("ok fd_filestat_set_times mtim_now: mtim recent %s, atim kept %s\n",
           st2.mtim > 1577836800ull * SEC ? "yes" : "NO", st2.atim == st.atim ? "yes" : "NO");
    e = __wasi_fd_filestat_set_times(fd, 0, 1000000000ull * SEC, __WASI_FSTFLAGS_MTIM);
    printf("ok fd_filestat_set_times mtim only: errno %u\n", e);
    e = __wasi_fd_filestat_set_times(fd, 0, 0, 0);
    st2 = stat_of(fd, &e);
    printf("ok fd_filestat_set_times no flags changes nothing: %s\n",
           st2.mtim == 1000000000ull * SEC && st2.atim == st.atim ? "yes" : "NO");
    printf("ok fd_filestat_set_times atim with atim_now: errno %u (inval %u)\n",
           __wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW),
           __WASI_ERRNO_INVAL);
    printf("ok fd_filestat_set_times mtim with mtim_now: errno %u\n",
           __wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW));
    printf("ok fd_filestat_set_times unknown flag 16: errno %u\n",
           __wasi_fd_filestat_set_times(fd, 0, 0, 16));
    printf("ok fd_filestat_set_times fd 99: errno %u\n",
           __wasi_fd_filestat_set_times(99, 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    __wasi_fd_t sub;
    e = __wasi_path_create_directory(PRE, "sub");
    e = __wasi_path_open(PRE, 0, "sub", __WASI_OFLAGS_DIRECTORY,
                         __WASI_RIGHTS_FD_FILESTAT_SET_TIMES | __WASI_RIGHTS_FD_FILESTAT_GET, 0, 0,
                         &sub);
    e = __wasi_fd_filestat_set_times(sub, 0, 1234 * SEC, __WASI_FSTFLAGS_MTIM);
    st2 = stat_of(sub, &e);
    printf("ok fd_filestat_set_times on a directory: mtim %llu\n",
           (unsigned long long)(st2.mtim / SEC));

    /* Advice: every kind is accepted; it changes nothing visible. */
    for (__wasi_advice_t a = 0; a <= __WASI_ADVICE_NOREUSE; a++)
        printf("ok fd_advise advice %u: errno %u\n", a, __wasi_fd_advise(fd, 0, 10, a));
    printf("ok fd_advise advice 6: errno %u\n", __wasi_fd_advise(fd, 0, 10, 6));
    printf("ok fd_advise offset 2^63: errno %u\n",
           __wasi_fd_advise(fd, 1ull << 63, 0, __WASI_ADVICE_NORMAL));
    printf("ok fd_advise on a directory: errno %u\n",
           __wasi_fd_advise(PRE, 0, 0, __WASI_ADVICE_NORMAL));
    printf("ok fd_advise fd 99: errno %u\n", __wasi_fd_advise(99, 0, 0, __WASI_ADVICE_NORMAL));

    /* Allocation grows the file, never shrinks it. */
    e = __wasi_fd_allocate(fd, 100, 4000);
    st = stat_of(fd, &e);
    printf("ok fd_allocate 100+4000: size %llu\n", (unsigned long long)st.size);
    e = __wasi_fd_allocate(fd, 0, 10);
    st = stat_of(fd, &e);
    printf("ok fd_allocate inside the file: errno %u, size %llu\n", e, (unsigned long long)st.size);
    printf("ok fd_allocate length 0: errno %u\n", __wasi_fd_allocate(fd, 0, 0));
    printf("ok fd_allocate past 2^63: errno %u\n", __wasi_fd_allocate(fd, 1ull << 62, 3ull << 61));
    printf("ok fd_allocate on a directory: errno %u\n", __wasi_fd_allocate(PRE, 0, 1));
    printf("ok fd_allocate fd 99: errno %u\n", __wasi_fd_allocate(99, 0, 1));

    /* Durability. */
    printf("ok fd_sync file: errno %u\n", __wasi_fd_sync(fd));
    printf("ok fd_datasync file: errno %u\n", __wasi_fd_datasync(fd));
    printf("ok fd_sync preopen directory: errno %u\n", __wasi_fd_sync(PRE));
    printf("ok fd_datasync preopen directory: errno %u\n", __wasi_fd_datasync(PRE));
    printf("ok fd_sync fd 99: errno %u\n", __wasi_fd_sync(99));
    printf("ok fd_datasync fd 99: errno %u\n", __wasi_fd_datasync(99));

    /* Without the rights. */
    e = __wasi_fd_fdstat_set_rights(fd, __WASI_RIGHTS_FD_READ, 0);
    printf("ok fd_filestat_set_size without right: errno %u (notcapable %u)\n",
           __wasi_fd_filestat_set_size(fd, 0), __WASI_ERRNO_NOTCAPABLE);
    printf("ok fd_filestat_set_times without right: errno %u\n",
           __wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    printf("ok fd_allocate without right: errno %u\n", __wasi_fd_allocate(fd, 0, 1));

    /* Leave t.txt with known times for the CHECK lines. */
    __wasi_fd_t t2;
    e = __wasi_path_open(PRE, 0, "t.txt", 0, __WASI_RIGHTS_FD_FILESTAT_SET_TIMES, 0, 0, &t2);
    e = __wasi_fd_filestat_set_times(t2, 1500000000ull * SEC, 1000000000ull * SEC,
                                     __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM);
    printf("ok fd_filestat_set_times for the host check: errno %u\n", e);
    return 0;
}
