// Large transfers: 64 MiB through one fd_write and one fd_read with a single
// iovec, the same with 4096 iovecs (more than the host's IOV_MAX of 1024 per
// call) in reversed order, and fd_pwrite/fd_pread/fd_seek/fd_tell at offsets
// past 4 GiB on a sparse file. Data is checked with a checksum.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

#define PRE 3
#define SIZE (64u << 20)
#define NIOV 4096u
#define CHUNK (SIZE / NIOV)
#define RIGHTS (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK | \
                __WASI_RIGHTS_FD_TELL | __WASI_RIGHTS_FD_FILESTAT_GET)

static uint64_t checksum(const uint8_t *p, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ull;
    const uint32_t *w = (const uint32_t *)p;
    for (size_t i = 0; i < len / 4; i++)
        h = (h ^ w[i]) * 0x100000001b3ull;
    return h;
}

static void fill(uint8_t *p, size_t len, uint32_t seed)
{
    uint32_t *w = (uint32_t *)p;
    for (size_t i = 0; i < len / 4; i++)
        w[i] = (uint32_t)i * 2654435761u ^ seed ^ (uint32_t)(i >> 9);
}

static __wasi_fd_t open_file(const char *path)
{
    __wasi_fd_t fd = 0;
    __wasi_errno_t e = __wasi_path_open(PRE, 0, path, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC,
                                        RIGHTS, 0, 0, &fd);
    printf("ok path_open %s: errno %u\n", path, e);
    return fd;
}

int main(void)
{
    uint8_t *buf = malloc(SIZE);
    __wasi_ciovec_t *cv = malloc(NIOV * sizeof *cv);
    __wasi_iovec_t *iv = malloc(NIOV * sizeof *iv);
    if (!buf || !cv || !iv)
        return 1;
    __wasi_errno_t e;
    __wasi_size_t n;
    __wasi_filesize_t off;
    __wasi_filestat_t st;

    /* One big iovec each way. */
    fill(buf, SIZE, 0x1234);
    uint64_t sum = checksum(buf, SIZE);
    __wasi_fd_t fd = open_file("big.bin");
    __wasi_ciovec_t one = {buf, SIZE};
    e = __wasi_fd_write(fd, &one, 1, &n);
    printf("ok fd_write 64 MiB in one iovec: errno %u, %zu bytes\n", e, n);
    e = __wasi_fd_filestat_get(fd, &st);
    printf("ok file size: %llu\n", (unsigned long long)st.size);
    memset(buf, 0, SIZE);
    e = __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &off);
    __wasi_iovec_t rone = {buf, SIZE};
    e = __wasi_fd_read(fd, &rone, 1, &n);
    printf("ok fd_read 64 MiB in one iovec: errno %u, %zu bytes, checksum matches %s\n", e, n,
           checksum(buf, SIZE) == sum ? "yes" : "NO");
    e = __wasi_fd_read(fd, &rone, 1, &n);
    printf("ok fd_read at the end: errno %u, %zu bytes\n", e, n);

    /* 4096 iovecs, pointing at the buffer's chunks last to first: the file
     * gets the chunks reversed, and reading back the same way restores them. */
    fill(buf, SIZE, 0xabcdef);
    uint64_t sum2 = checksum(buf, SIZE);
    for (uint32_t i = 0; i < NIOV; i++) {
        cv[i].buf = buf + (size_t)(NIOV - 1 - i) * CHUNK;
        cv[i].buf_len = CHUNK;
    }
    __wasi_fd_t fd2 = open_file("many.bin");
    e = __wasi_fd_write(fd2, cv, NIOV, &n);
    printf("ok fd_write 4096 iovecs of 16 KiB in one call: errno %u, %zu bytes\n", e, n);
    uint8_t first[16];
    __wasi_iovec_t fv = {first, sizeof first};
    e = __wasi_fd_pread(fd2, &fv, 1, 0, &n);
    printf("ok file starts with the last chunk: %s\n",
           e == 0 && memcmp(first, buf + (size_t)(NIOV - 1) * CHUNK, sizeof first) == 0 ? "yes"
                                                                                        : "NO");
    memset(buf, 0, SIZE);
    for (uint32_t i = 0; i < NIOV; i++) {
        iv[i].buf = buf + (size_t)(NIOV - 1 - i) * CHUNK;
        iv[i].buf_len = CHUNK;
    }
    e = __wasi_fd_seek(fd2, 0, __WASI_WHENCE_SET, &off);
    e = __wasi_fd_read(fd2, iv, NIOV, &n);
    printf("ok fd_read 4096 iovecs in one call: errno %u, %zu bytes, checksum matches %s\n", e, n,
           checksum(buf, SIZE) == sum2 ? "yes" : "NO");

    /* Mixed sizes with empty iovecs sprinkled in: 3000 iovecs, every third
     * empty, the rest 1..97 bytes. */
    __wasi_fd_t fd3 = open_file("mixed.bin");
    fill(buf, 1 << 20, 77);
    size_t pos = 0;
    for (uint32_t i = 0; i < 3000; i++) {
        uint32_t len = i % 3 == 0 ? 0 : 1 + i % 97;
        cv[i].buf = buf + pos;
        cv[i].buf_len = len;
        pos += len;
    }
    const uint64_t want = pos;
    e = __wasi_fd_write(fd3, cv, 3000, &n);
    printf("ok fd_write 3000 mixed iovecs: errno %u, all %s\n", e, n == want ? "yes" : "NO");
    uint8_t *back = buf + (1 << 20);
    memset(back, 0, pos);
    __wasi_iovec_t bv = {back, (__wasi_size_t)pos};
    e = __wasi_fd_pread(fd3, &bv, 1, 0, &n);
    printf("ok fd_pread them back: errno %u, same bytes %s\n", e,
           n == want && memcmp(back, buf, pos) == 0 ? "yes" : "NO");

    /* Past 4 GiB on a sparse file. */
    __wasi_fd_t fd4 = open_file("sparse.bin");
    const uint64_t far = (5ull << 30) + 123;
    const size_t piece = 1 << 20;
    fill(buf, piece, 99);
    uint64_t psum = checksum(buf, piece);
    __wasi_ciovec_t pc = {buf, piece};
    e = __wasi_fd_pwrite(fd4, &pc, 1, far, &n);
    printf("ok fd_pwrite 1 MiB at 5 GiB + 123: errno %u, %zu bytes\n", e, n);
    e = __wasi_fd_filestat_get(fd4, &st);
    printf("ok sparse size: %llu\n", (unsigned long long)st.size);
    e = __wasi_fd_tell(fd4, &off);
    printf("ok fd_tell unchanged: %llu\n", (unsigned long long)off);
    memset(buf, 0, piece);
    __wasi_iovec_t pr = {buf, piece};
    e = __wasi_fd_pread(fd4, &pr, 1, far, &n);
    printf("ok fd_pread it back: errno %u, %zu bytes, checksum matches %s\n", e, n,
           checksum(buf, piece) == psum ? "yes" : "NO");
    memset(buf, 0xff, 4096);
    pr.buf_len = 4096;
    e = __wasi_fd_pread(fd4, &pr, 1, 4ull << 30, &n);
    int zeros = 1;
    for (int i = 0; i < 4096; i++)
        zeros &= buf[i] == 0;
    printf("ok fd_pread in the hole at 4 GiB: errno %u, %zu bytes, zeros %s\n", e, n,
           zeros ? "yes" : "NO");
    /* A write straddling the 4 GiB mark, read back through seek + read. */
    __wasi_ciovec_t sv = {(const uint8_t *)"straddle", 8};
    e = __wasi_fd_pwrite(fd4, &sv, 1, (4ull << 30) - 4, &n);
    printf("ok fd_pwrite across 4 GiB: errno %u, %zu bytes\n", e, n);
    e = __wasi_fd_seek(fd4, (4ll << 30) - 4, __WASI_WHENCE_SET, &off);
    printf("ok fd_seek to 4 GiB - 4: errno %u, offset %llu\n", e, (unsigned long long)off);
    char sb[9] = {0};
    __wasi_iovec_t srv = {(uint8_t *)sb, 8};
    e = __wasi_fd_read(fd4, &srv, 1, &n);
    printf("ok fd_read across 4 GiB: errno %u, \"%s\"\n", e, sb);
    e = __wasi_fd_tell(fd4, &off);
    printf("ok fd_tell past 4 GiB: %llu\n", (unsigned long long)off);
    e = __wasi_fd_seek(fd4, -(int64_t)piece, __WASI_WHENCE_END, &off);
    printf("ok fd_seek END - 1 MiB: offset %llu\n", (unsigned long long)off);
    memset(buf, 0, piece);
    pr.buf_len = piece;
    e = __wasi_fd_read(fd4, &pr, 1, &n);
    printf("ok fd_read the last 1 MiB: errno %u, %zu bytes, checksum matches %s\n", e, n,
           checksum(buf, piece) == psum ? "yes" : "NO");

    /* Leave no 64 MiB files behind. */
    printf("ok cleanup: %u %u %u %u\n", __wasi_path_unlink_file(PRE, "big.bin"),
           __wasi_path_unlink_file(PRE, "many.bin"), __wasi_path_unlink_file(PRE, "mixed.bin"),
           __wasi_path_unlink_file(PRE, "sparse.bin"));
    return 0;
}
