// fd_read, fd_write, fd_seek, fd_tell, fd_pread, fd_pwrite: data through
// several iovecs, offsets, and the error paths (badf, isdir, spipe on a
// FIFO, inval for bad whence or offsets, notcapable without the right).
// SETUP: mkfifo scratch/fifo
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

#define PRE 3
#define RW (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK | \
            __WASI_RIGHTS_FD_TELL | __WASI_RIGHTS_FD_FILESTAT_GET)

static __wasi_fd_t open_file(const char *path, __wasi_oflags_t oflags, __wasi_rights_t rights,
                             __wasi_errno_t *err)
{
    __wasi_fd_t fd = 0xffffffffu;
    *err = __wasi_path_open(PRE, 0, path, oflags, rights, 0, 0, &fd);
    return fd;
}

static __wasi_errno_t write_str(__wasi_fd_t fd, const char *s, __wasi_size_t *n)
{
    __wasi_ciovec_t v = {(const uint8_t *)s, strlen(s)};
    return __wasi_fd_write(fd, &v, 1, n);
}

static __wasi_errno_t read_buf(__wasi_fd_t fd, char *buf, size_t len, __wasi_size_t *n)
{
    __wasi_iovec_t v = {(uint8_t *)buf, len};
    return __wasi_fd_read(fd, &v, 1, n);
}

int main(void)
{
    __wasi_errno_t e;
    __wasi_size_t n = 0;
    __wasi_filesize_t off = 0;
    __wasi_fd_t fd = open_file("data.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, RW, &e);
    printf("ok path_open data.txt: errno %u\n", e);

    /* Gather write: the pieces land in order. */
    __wasi_ciovec_t wv[3] = {{(const uint8_t *)"hello ", 6}, {(const uint8_t *)"", 0},
                             {(const uint8_t *)"world\n", 6}};
    e = __wasi_fd_write(fd, wv, 3, &n);
    printf("ok fd_write 3 iovecs (one empty): errno %u, %zu bytes\n", e, n);
    e = __wasi_fd_tell(fd, &off);
    printf("ok fd_tell after write: errno %u, offset %llu\n", e, (unsigned long long)off);
    e = __wasi_fd_write(fd, wv, 0, &n);
    printf("ok fd_write no iovecs: errno %u, %zu bytes\n", e, n);

    /* Scatter read, with empty buffers first: they must not look like EOF. */
    e = __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &off);
    printf("ok fd_seek SET 0: errno %u, offset %llu\n", e, (unsigned long long)off);
    char a[5], b[100];
    memset(b, 0, sizeof b);
    __wasi_iovec_t rv[4] = {{(uint8_t *)a, 0}, {(uint8_t *)a, 0}, {(uint8_t *)a, 5},
                            {(uint8_t *)b, sizeof b}};
    e = __wasi_fd_read(fd, rv, 4, &n);
    printf("ok fd_read 4 iovecs (two empty): errno %u, %zu bytes, \"%.5s\" + \"%s\"\n", e, n, a,
           e == 0 && n == 12 && b[6] == '\n' ? "world\\n" : "WRONG");
    e = read_buf(fd, b, sizeof b, &n);
    printf("ok fd_read at end of file: errno %u, %zu bytes\n", e, n);

    /* Seeking. */
    e = __wasi_fd_seek(fd, -6, __WASI_WHENCE_CUR, &off);
    printf("ok fd_seek CUR -6: errno %u, offset %llu\n", e, (unsigned long long)off);
    e = __wasi_fd_seek(fd, -1, __WASI_WHENCE_END, &off);
    printf("ok fd_seek END -1: errno %u, offset %llu\n", e, (unsigned long long)off);
    e = __wasi_fd_seek(fd, 100, __WASI_WHENCE_END, &off);
    printf("ok fd_seek END +100 (past the end is fine): errno %u, offset %llu\n", e,
           (unsigned long long)off);
    off = 12345;
    e = __wasi_fd_seek(fd, -1, __WASI_WHENCE_SET, &off);
    printf("ok fd_seek SET -1: errno %u (inval %u)\n", e, __WASI_ERRNO_INVAL);
    e = __wasi_fd_seek(fd, -1000, __WASI_WHENCE_CUR, &off);
    printf("ok fd_seek CUR to a negative offset: errno %u\n", e);
    e = __wasi_fd_seek(fd, -1000, __WASI_WHENCE_END, &off);
    printf("ok fd_seek END to a negative offset: errno %u\n", e);
    e = __wasi_fd_seek(fd, 0, 3, &off);
    printf("ok fd_seek whence 3: errno %u\n", e);
    e = __wasi_fd_tell(fd, &off);
    printf("ok fd_tell unchanged by failed seeks: errno %u, offset %llu\n", e,
           (unsigned long long)off);

    /* Positioned I/O leaves the offset alone. */
    printf("ok fd_seek SET 2: errno %u\n", __wasi_fd_seek(fd, 2, __WASI_WHENCE_SET, &off));
    memset(b, 0, sizeof b);
    __wasi_iovec_t pv = {(uint8_t *)b, 5};
    e = __wasi_fd_pread(fd, &pv, 1, 6, &n);
    printf("ok fd_pread at 6: errno %u, %zu bytes \"%s\"\n", e, n, b);
    __wasi_ciovec_t xv = {(const uint8_t *)"XY", 2};
    e = __wasi_fd_pwrite(fd, &xv, 1, 20, &n);
    printf("ok fd_pwrite at 20 (past the end): errno %u, %zu bytes\n", e, n);
    e = __wasi_fd_tell(fd, &off);
    printf("ok fd_tell after pread/pwrite: errno %u, offset %llu\n", e, (unsigned long long)off);
    __wasi_filestat_t st;
    e = __wasi_fd_filestat_get(fd, &st);
    printf("ok size after pwrite: errno %u, %llu bytes\n", e, (unsigned long long)st.size);
    memset(b, 'z', sizeof b);
    pv.buf_len = 10;
    e = __wasi_fd_pread(fd, &pv, 1, 12, &n);
    printf("ok fd_pread over the hole: errno %u, %zu bytes, zeros %s, then \"%.2s\"\n", e, n,
           memcmp(b, "\0\0\0\0\0\0\0\0", 8) == 0 ? "yes" : "NO", b + 8);
    e = __wasi_fd_pread(fd, &pv, 1, 1000, &n);
    printf("ok fd_pread past the end: errno %u, %zu bytes\n", e, n);
    e = __wasi_fd_pread(fd, &pv, 1, 0x8000000000000000ull, &n);
    printf("ok fd_pread offset 2^63: errno %u\n", e);
    e = __wasi_fd_pwrite(fd, &xv, 1, 0x8000000000000000ull, &n);
    printf("ok fd_pwrite offset 2^63: errno %u\n", e);

    /* Out-of-bounds buffers are the glue's: fault. */
    __wasi_iovec_t bad = {(uint8_t *)0xfffffff0u, 100};
    e = __wasi_fd_read(fd, &bad, 1, &n);
    printf("ok fd_read buffer out of bounds: errno %u (fault %u)\n", e, __WASI_ERRNO_FAULT);

    /* Unopened descriptors. */
    printf("ok fd_read fd 99: errno %u (badf %u)\n", read_buf(99, b, 1, &n), __WASI_ERRNO_BADF);
    printf("ok fd_write fd 99: errno %u\n", write_str(99, "x", &n));
    printf("ok fd_seek fd 99: errno %u\n", __wasi_fd_seek(99, 0, __WASI_WHENCE_SET, &off));
    printf("ok fd_tell fd 99: errno %u\n", __wasi_fd_tell(99, &off));
    printf("ok fd_pread fd 99: errno %u\n", __wasi_fd_pread(99, &pv, 1, 0, &n));
    printf("ok fd_pwrite fd 99: errno %u\n", __wasi_fd_pwrite(99, &xv, 1, 0, &n));

    /* A directory's contents are not bytes. */
    printf("ok fd_read on a directory: errno %u (isdir %u)\n", read_buf(PRE, b, 10, &n),
           __WASI_ERRNO_ISDIR);
    printf("ok fd_write on a directory: errno %u\n", write_str(PRE, "x", &n));
    printf("ok fd_pread on a directory: errno %u\n", __wasi_fd_pread(PRE, &pv, 1, 0, &n));
    printf("ok fd_pwrite on a directory: errno %u\n", __wasi_fd_pwrite(PRE, &xv, 1, 0, &n));
    printf("ok fd_seek on a directory (no seek right): errno %u (notcapable %u)\n",
           __wasi_fd_seek(PRE, 0, __WASI_WHENCE_SET, &off), __WASI_ERRNO_NOTCAPABLE);

    /* A FIFO (opened read-write, so opening does not wait for a peer). */
    __wasi_fd_t ff = open_file("fifo", 0, RW | __WASI_RIGHTS_POLL_FD_READWRITE, &e);
    printf("ok path_open fifo: errno %u\n", e);
    printf("ok fd_pread on a FIFO: errno %u (spipe %u)\n", __wasi_fd_pread(ff, &pv, 1, 0, &n),
           __WASI_ERRNO_SPIPE);
    printf("ok fd_pwrite on a FIFO: errno %u\n", __wasi_fd_pwrite(ff, &xv, 1, 0, &n));
    printf("ok fd_seek on a FIFO: errno %u\n", __wasi_fd_seek(ff, 0, __WASI_WHENCE_SET, &off));
    printf("ok fd_tell on a FIFO: errno %u\n", __wasi_fd_tell(ff, &off));
    e = write_str(ff, "through the pipe", &n);
    printf("ok fd_write to a FIFO: errno %u, %zu bytes\n", e, n);
    memset(b, 0, sizeof b);
    __wasi_iovec_t fv[2] = {{(uint8_t *)b, 7}, {(uint8_t *)b + 7, 50}};
    e = __wasi_fd_read(ff, fv, 2, &n);
    printf("ok fd_read from a FIFO: errno %u, %zu bytes \"%s\"\n", e, n, b);
    printf("ok fd_close FIFO: errno %u\n", __wasi_fd_close(ff));

    /* Rights: a read-only descriptor cannot write, a tell-only one can only
     * ask where it is. */
    __wasi_fd_t ro = open_file("data.txt", 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_TELL, &e);
    printf("ok path_open read+tell only: errno %u\n", e);
    printf("ok fd_write without fd_write right: errno %u (notcapable %u)\n", write_str(ro, "x", &n),
           __WASI_ERRNO_NOTCAPABLE);
    printf("ok fd_pwrite without fd_write right: errno %u\n", __wasi_fd_pwrite(ro, &xv, 1, 0, &n));
    printf("ok fd_pread without fd_seek right: errno %u\n", __wasi_fd_pread(ro, &pv, 1, 0, &n));
    e = read_buf(ro, b, 4, &n);
    printf("ok fd_read with fd_read right: errno %u, %zu bytes\n", e, n);
    e = __wasi_fd_seek(ro, 0, __WASI_WHENCE_CUR, &off);
    printf("ok fd_seek CUR 0 with only fd_tell: errno %u, offset %llu\n", e, (unsigned long long)off);
    printf("ok fd_seek CUR 1 with only fd_tell: errno %u\n",
           __wasi_fd_seek(ro, 1, __WASI_WHENCE_CUR, &off));
    printf("ok fd_seek SET 0 with only fd_tell: errno %u\n",
           __wasi_fd_seek(ro, 0, __WASI_WHENCE_SET, &off));
    e = __wasi_fd_tell(ro, &off);
    printf("ok fd_tell with fd_tell: errno %u, offset %llu\n", e, (unsigned long long)off);
    __wasi_fd_t wo = open_file("data.txt", 0, __WASI_RIGHTS_FD_WRITE, &e);
    printf("ok path_open write only: errno %u\n", e);
    printf("ok fd_read without fd_read right: errno %u\n", read_buf(wo, b, 4, &n));
    printf("ok fd_tell without fd_tell or fd_seek: errno %u\n", __wasi_fd_tell(wo, &off));
    printf("ok fd_close all: %u %u %u\n", __wasi_fd_close(ro), __wasi_fd_close(wo),
           __wasi_fd_close(fd));
    printf("ok fd_read after fd_close: errno %u\n", read_buf(fd, b, 4, &n));
    return 0;
}
