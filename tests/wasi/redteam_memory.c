// Red team: a hostile guest passing bad memory to every kind of argument:
// pointers at and one past the end of memory, 0xffffffff, lengths whose sums
// wrap 32 bits, 65536-entry iovec and subscription arrays, buffers summing to
// more than 4 GiB, overlapping buffers, and out-pointers placed on top of the
// inputs they come from. Each must give an errno (fault, inval...) or work;
// none may crash wisp or touch memory outside the guest's.
// SETUP: ln -s /dev/null stdin
// SETUP: printf 'abcdefghij' > scratch/ten && mkdir scratch/dir && touch scratch/dir/a scratch/dir/b && ln -s ten scratch/link
// CHECK: test "$(cat scratch/ten)" = abcdefghij && test "$(cat outside/secret.txt)" = secret
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

#define IMPORT(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))
IMPORT(fd_read) int32_t raw_fd_read(int32_t fd, int32_t iovs, int32_t n, int32_t out);
IMPORT(fd_write) int32_t raw_fd_write(int32_t fd, int32_t iovs, int32_t n, int32_t out);
IMPORT(fd_pread) int32_t raw_fd_pread(int32_t fd, int32_t iovs, int32_t n, int64_t off, int32_t out);
IMPORT(fd_pwrite) int32_t raw_fd_pwrite(int32_t fd, int32_t iovs, int32_t n, int64_t off, int32_t out);
IMPORT(fd_readdir) int32_t raw_fd_readdir(int32_t fd, int32_t buf, int32_t len, int64_t cookie, int32_t out);
IMPORT(poll_oneoff) int32_t raw_poll_oneoff(int32_t in, int32_t out, int32_t n, int32_t nout);
IMPORT(args_get) int32_t raw_args_get(int32_t argv, int32_t buf);
IMPORT(args_sizes_get) int32_t raw_args_sizes_get(int32_t argc, int32_t size);
IMPORT(environ_get) int32_t raw_environ_get(int32_t env, int32_t buf);
IMPORT(random_get) int32_t raw_random_get(int32_t buf, int32_t len);
IMPORT(clock_time_get) int32_t raw_clock_time_get(int32_t id, int64_t prec, int32_t out);
IMPORT(fd_prestat_dir_name) int32_t raw_fd_prestat_dir_name(int32_t fd, int32_t buf, int32_t len);
IMPORT(fd_filestat_get) int32_t raw_fd_filestat_get(int32_t fd, int32_t out);
IMPORT(fd_fdstat_get) int32_t raw_fd_fdstat_get(int32_t fd, int32_t out);
IMPORT(path_open) int32_t raw_path_open(int32_t fd, int32_t dirflags, int32_t path, int32_t len, int32_t oflags,
                                        int64_t base, int64_t inh, int32_t fdflags, int32_t out);
IMPORT(path_filestat_get) int32_t raw_path_filestat_get(int32_t fd, int32_t flags, int32_t path, int32_t len,
                                                        int32_t out);
IMPORT(path_readlink) int32_t raw_path_readlink(int32_t fd, int32_t path, int32_t len, int32_t buf, int32_t buf_len,
                                                int32_t out);
IMPORT(path_symlink) int32_t raw_path_symlink(int32_t old, int32_t old_len, int32_t fd, int32_t path, int32_t len);
IMPORT(path_rename) int32_t raw_path_rename(int32_t fd, int32_t old, int32_t old_len, int32_t nfd, int32_t path,
                                            int32_t len);

#define SANDBOX 3

#include "check.h"

#define P(x) ((int32_t)(uintptr_t)(x))
#define MB (1024u * 1024u)

/* A fresh region at the very end of memory, grown for the test (malloc
 * grows memory further up if it needs to, so this stays ours until it
 * does; every use below is done before the next grow). */
static uint32_t end_region(uint32_t bytes, uint8_t **base)
{
    uint32_t pages = (bytes + 65535) / 65536;
    int32_t old = __builtin_wasm_memory_grow(0, pages);
    if (old < 0) {
        printf("FAIL memory.grow %u pages\n", pages);
        exit(1);
    }
    *base = (uint8_t *)(uintptr_t)((uint32_t)old * 65536u);
    return (uint32_t)__builtin_wasm_memory_size(0) * 65536u; /* the end */
}

static __wasi_fd_t open_ro(const char *path)
{
    __wasi_fd_t fd = 0;
    if (__wasi_path_open(SANDBOX, 0, path, 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_READDIR |
                                                  __WASI_RIGHTS_FD_FILESTAT_GET,
                         0, 0, &fd) != 0)
        printf("FAIL path_open %s\n", path);
    return fd;
}

static __wasi_fd_t open_rw(const char *path)
{
    __wasi_fd_t fd = 0;
    if (__wasi_path_open(SANDBOX, 0, path, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC,
                         __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK |
                             __WASI_RIGHTS_FD_FILESTAT_GET, 0, 0, &fd) != 0)
        printf("FAIL path_open %s\n", path);
    return fd;
}

int main(void)
{
    __wasi_fd_t ten = open_ro("ten");
    __wasi_fd_t out = open_rw("out");
    uint8_t *r;
    uint32_t end = end_region(1 * MB, &r);
    uint32_t n32;

    /* ---- iovec arrays ---- */
    uint8_t *iov = r; /* scratch for iovec records, built by hand */
#define SET_IOV(i, b, l) (memcpy(iov + 8 * (i), &(uint32_t){(b)}, 4), memcpy(iov + 8 * (i) + 4, &(uint32_t){(l)}, 4))
    uint32_t nread = 0;
    expect("fd_read iovs at 0xffffffff", raw_fd_read(ten, (int32_t)0xffffffff, 1, P(&nread)), __WASI_ERRNO_FAULT);
    expect("fd_read iovs at 0xfffffff8, 1 entry (ends at 2^32)", raw_fd_read(ten, (int32_t)0xfffffff8, 1, P(&nread)), __WASI_ERRNO_FAULT);
    expect("fd_read 0x20000000 iovecs (8*n wraps 32 bits)", raw_fd_read(ten, P(iov), 0x20000000, P(&nread)), __WASI_ERRNO_FAULT);
    expect("fd_read 0xffffffff iovecs", raw_fd_read(ten, P(iov), -1, P(&nread)), __WASI_ERRNO_FAULT);
    expect("fd_read iovs misaligned", raw_fd_read(ten, P(iov) + 2, 1, P(&nread)), __WASI_ERRNO_INVAL);
    expect("fd_read iovs one record ending exactly at the end", raw_fd_read(ten, (int32_t)(end - 8), 0, P(&nread)), 0);
    memset(r + (end - P(r)) - 8, 0, 8);
    expect("fd_read iovs record at end-8 (empty buffer)", raw_fd_read(ten, (int32_t)(end - 8), 1, P(&nread)), 0);
    expect("fd_read iovs record at end-4 (half outside)", raw_fd_read(ten, (int32_t)(end - 4), 1, P(&nread)), __WASI_ERRNO_FAULT);
    expect("fd_read iovs at the end, 0 entries", raw_fd_read(ten, (int32_t)end, 0, P(&nread)), 0);
    expect("fd_read iovs one past the end, 0 entries", raw_fd_read(ten, (int32_t)end + 1, 0, P(&nread)), __WASI_ERRNO_FAULT);
    /* Buffers at the edge. */
    SET_IOV(0, end - 4, 4);
    expect("fd_pread into a buffer ending exactly at the end", raw_fd_pread(ten, P(iov), 1, 0, P(&nread)), 0);
    expect_true("fd_pread: 4 bytes, at the last 4 bytes of memory", nread == 4 && memcmp(r + (end - P(r)) - 4, "abcd", 4) == 0);
    SET_IOV(0, end - 3, 4);
    expect("fd_pread into a buffer one byte past the end", raw_fd_pread(ten, P(iov), 1, 0, P(&nread)), __WASI_ERRNO_FAULT);
    SET_IOV(0, 0xffffffff, 1);
    expect("fd_pread into a buffer at 0xffffffff", raw_fd_pread(ten, P(iov), 1, 0, P(&nread)), __WASI_ERRNO_FAULT);
    SET_IOV(0, 0xfffffff0, 0x20);
    expect("fd_pread into a buffer whose end wraps 2^32", raw_fd_pread(ten, P(iov), 1, 0, P(&nread)), __WASI_ERRNO_FAULT);
    SET_IOV(0, 16, 0xfffffff8);
    expect("fd_pread into a buffer of 0xfffffff8 bytes", raw_fd_pread(ten, P(iov), 1, 0, P(&nread)), __WASI_ERRNO_FAULT);
    SET_IOV(0, end, 0);
    expect("fd_pread into an empty buffer at the end", raw_fd_pread(ten, P(iov), 1, 0, P(&nread)), 0);
    SET_IOV(0, end + 1, 0);
    expect("fd_pread into an empty buffer one past the end", raw_fd_pread(ten, P(iov), 1, 0, P(&nread)), __WASI_ERRNO_FAULT);
    SET_IOV(0, 0xffffffff, 0);
    expect("fd_pread into an empty buffer at 0xffffffff", raw_fd_pread(ten, P(iov), 1, 0, P(&nread)), __WASI_ERRNO_FAULT);
    SET_IOV(0, P(r) + 4096, 1);
    SET_IOV(1, end - 1, 2);
    expect("fd_pwrite with a good buffer then a bad one writes nothing", raw_fd_pwrite(out, P(iov), 2, 0, P(&nread)), __WASI_ERRNO_FAULT);
    __wasi_filestat_t st;
    expect_true("fd_pwrite with a bad buffer: the file is still empty", __wasi_fd_filestat_get(out, &st) == 0 && st.size == 0);
    /* Out-pointers. */
    SET_IOV(0, P(r) + 4096, 4);
    expect("fd_pread nread at end-4", raw_fd_pread(ten, P(iov), 1, 0, (int32_t)(end - 4)), 0);
    expect("fd_pread nread at end-3", raw_fd_pread(ten, P(iov), 1, 0, (int32_t)(end - 3)), __WASI_ERRNO_FAULT);
    expect("fd_pread nread at end-2 (misaligned and outside)", raw_fd_pread(ten, P(iov), 1, 0, (int32_t)(end - 2)), __WASI_ERRNO_FAULT);
    expect("fd_pread nread misaligned", raw_fd_pread(ten, P(iov), 1, 0, P(r) + 4097), __WASI_ERRNO_INVAL);
    expect("fd_pread nread at 0", raw_fd_pread(ten, P(iov), 1, 0, 0), 0);
    expect("fd_pread nread at 0xfffffffc", raw_fd_pread(ten, P(iov), 1, 0, (int32_t)0xfffffffc), __WASI_ERRNO_FAULT);
    /* The out-pointer on the iovec array, and the buffer on the array too:
     * the glue has its own copy of the records. */
    SET_IOV(0, P(iov), 8);
    expect("fd_pread into its own iovec record, nread on the record", raw_fd_pread(ten, P(iov), 1, 0, P(iov) + 4), 0);
    expect_true("fd_pread onto itself: data then count", memcmp(iov, "abcd", 4) == 0 && memcmp(iov + 4, &(uint32_t){8}, 4) == 0);
    /* Overlapping buffers, each the same bytes. */
    for (int i = 0; i < 4; i++)
        SET_IOV(i, P(r) + 4096 + (uint32_t)i, 5);
    expect("fd_pread into 4 overlapping buffers", raw_fd_pread(ten, P(iov), 4, 0, P(&nread)), 0);
    expect_true("fd_pread overlapping: 10 bytes", nread == 10 && memcmp(r + 4096, "afghij", 6) == 0);
    /* 65536 records: all empty, then all one byte, then one too many. */
    memset(iov, 0, 65537 * 8);
    expect("fd_write 65536 empty buffers", raw_fd_write(out, P(iov), 65536, P(&nread)), 0);
    expect_true("fd_write 65536 empty buffers wrote 0", nread == 0);
    for (uint32_t i = 0; i < 65536; i++)
        SET_IOV(i, P(r) + 600000 + (i & 7), 1);
    memcpy(r + 600000, "01234567", 8);
    expect("fd_write 65536 one-byte buffers", raw_fd_write(out, P(iov), 65536, P(&nread)), 0);
    expect_true("fd_write 65536 one-byte buffers wrote 65536", nread == 65536);
    expect("fd_read 65536 one-byte buffers", raw_fd_pread(ten, P(iov), 65536, 0, P(&nread)), 0);
    expect_true("fd_pread 65536 one-byte buffers read 10", nread == 10);
    expect("fd_write 65537 buffers", raw_fd_write(out, P(iov), 65537, P(&nread)), __WASI_ERRNO_INVAL);
    (void)!__wasi_fd_close(out);

    /* More than 4 GiB asked for in total: 128 views of one 64 MiB region. */
    uint8_t *big;
    uint32_t bigend = end_region(64 * MB + 65536, &big);
    for (int i = 0; i < 128; i++)
        SET_IOV(i, P(big), 64 * MB);
    expect("fd_pread 128 x 64 MiB overlapping buffers (8 GiB asked)", raw_fd_pread(ten, P(iov), 128, 0, P(&nread)), 0);
    expect_true("fd_pread 8 GiB asked: 10 read", nread == 10 && memcmp(big, "abcdefghij", 10) == 0);
    expect("fd_read 128 x 64 MiB overlapping buffers", raw_fd_read(ten, P(iov), 128, P(&nread)), 0);
    expect("fd_pread at offset 2^63", raw_fd_pread(ten, P(iov), 1, INT64_MIN, P(&nread)), __WASI_ERRNO_INVAL);
    expect("fd_pread at offset 2^63-1 (offset + length overflows)", raw_fd_pread(ten, P(iov), 1, INT64_MAX, P(&nread)),
           __WASI_ERRNO_INVAL);
    SET_IOV(0, P(big), 1);
    expect("fd_pread 1 byte at offset 2^63-2", raw_fd_pread(ten, P(iov), 1, INT64_MAX - 1, P(&nread)), 0);
    expect_true("fd_pread at offset 2^63-2 reads nothing", nread == 0);
    expect("fd_pread at offset 2^64-1", raw_fd_pread(ten, P(iov), 1, -1, P(&nread)), __WASI_ERRNO_INVAL);

    /* random_get over the whole 64 MiB region, at its very end, past it. */
    expect("random_get 64 MiB ending at the end", raw_random_get((int32_t)(bigend - 64 * MB), 64 * MB), 0);
    expect("random_get one byte past the end", raw_random_get((int32_t)(bigend - 64 * MB), 64 * MB + 1), __WASI_ERRNO_FAULT);
    expect("random_get 0 bytes at the end", raw_random_get((int32_t)bigend, 0), 0);
    expect("random_get 0 bytes past the end", raw_random_get((int32_t)bigend + 1, 0), __WASI_ERRNO_FAULT);
    expect("random_get at 0xffffffff, 2 bytes", raw_random_get((int32_t)0xffffffff, 2), __WASI_ERRNO_FAULT);

    /* fd_readdir with a 64 MiB buffer, one reaching past the end, and
     * cookies no telldir gave out. */
    __wasi_fd_t dir = 0;
    expect("path_open dir", __wasi_path_open(SANDBOX, 0, "dir", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR, 0, 0, &dir), 0);
    uint8_t *rd = (uint8_t *)(uintptr_t)(bigend - 64 * MB);
    expect("fd_readdir into 64 MiB ending at the end", raw_fd_readdir(dir, P(rd), 64 * MB, 0, P(&nread)), 0);
    expect_true("fd_readdir 64 MiB: 4 entries", nread == 4 * 24 + 1 + 2 + 1 + 1);
    expect("fd_readdir one byte past the end", raw_fd_readdir(dir, P(rd), 64 * MB + 1, 0, P(&nread)), __WASI_ERRNO_FAULT);
    expect("fd_readdir bufused on top of the buffer", raw_fd_readdir(dir, P(rd), 64 * MB, 0, P(rd) + 8), 0);
    expect("fd_readdir at 0xffffffff", raw_fd_readdir(dir, (int32_t)0xffffffff, 1, 0, P(&nread)), __WASI_ERRNO_FAULT);
    for (int i = 1; i <= 3; i++)
        expect("fd_readdir 1-byte buffer", raw_fd_readdir(dir, P(rd), i, 0, P(&nread)), 0);
    expect("fd_readdir cookie 2^63", raw_fd_readdir(dir, P(rd), 4096, INT64_MIN, P(&nread)), __WASI_ERRNO_INVAL);
    expect("fd_readdir cookie 2^64-1", raw_fd_readdir(dir, P(rd), 4096, -1, P(&nread)), __WASI_ERRNO_INVAL);
    static const int64_t cookies[] = {1, 2, 3, 12345, 0x7fffffff, 0x100000000ll, INT64_MAX, INT64_MAX - 1};
    int bad = 0;
    for (unsigned i = 0; i < sizeof cookies / sizeof *cookies; i++) {
        int32_t e = raw_fd_readdir(dir, P(rd), 4096, cookies[i], P(&nread));
        bad += e != 0 && e != __WASI_ERRNO_INVAL && e != __WASI_ERRNO_NOENT;
    }
    expect_true("fd_readdir with made-up cookies: an answer, no crash", bad == 0);
    expect("fd_readdir from the start again", raw_fd_readdir(dir, P(rd), 4096, 0, P(&nread)), 0);
    expect_true("fd_readdir from the start again: 4 entries", nread == 4 * 24 + 1 + 2 + 1 + 1);
    (void)!__wasi_fd_close(dir);

    /* ---- poll_oneoff ---- */
    uint8_t *subs = big; /* 65537 * 48 bytes, then the events */
    uint8_t *evs = big + 65537 * 48 + 16;
    uint32_t nev = 0;
    memset(subs, 0, 65537 * 48);
    for (uint32_t i = 0; i < 65537; i++) {
        uint64_t ud = i;
        memcpy(subs + 48 * i, &ud, 8);
        subs[48 * i + 8] = __WASI_EVENTTYPE_CLOCK;
        uint32_t id = __WASI_CLOCKID_MONOTONIC;
        memcpy(subs + 48 * i + 16, &id, 4); /* timeout 0: due at once */
    }
    evs = (uint8_t *)(((uintptr_t)evs + 7) & ~(uintptr_t)7);
    expect("poll_oneoff 65536 clocks due at once", raw_poll_oneoff(P(subs), P(evs), 65536, P(&nev)), 0);
    expect_true("poll_oneoff 65536 clocks: 65536 events", nev == 65536);
    expect("poll_oneoff 65537 subscriptions", raw_poll_oneoff(P(subs), P(evs), 65537, P(&nev)), __WASI_ERRNO_INVAL);
    expect("poll_oneoff 0 subscriptions", raw_poll_oneoff(P(subs), P(evs), 0, P(&nev)), __WASI_ERRNO_INVAL);
    expect("poll_oneoff 0x10000000 subscriptions", raw_poll_oneoff(P(subs), P(evs), 0x10000000, P(&nev)), __WASI_ERRNO_FAULT);
    expect("poll_oneoff 0x80000000 subscriptions", raw_poll_oneoff(P(subs), P(evs), (int32_t)0x80000000, P(&nev)), __WASI_ERRNO_FAULT);
    expect("poll_oneoff in at 0xfffffff8", raw_poll_oneoff((int32_t)0xfffffff8, P(evs), 1, P(&nev)), __WASI_ERRNO_FAULT);
    expect("poll_oneoff out at 0xfffffff8", raw_poll_oneoff(P(subs), (int32_t)0xfffffff8, 1, P(&nev)), __WASI_ERRNO_FAULT);
    expect("poll_oneoff out ending exactly at the end", raw_poll_oneoff(P(subs), (int32_t)(bigend - 32), 1, P(&nev)), 0);
    expect("poll_oneoff out one record past the end", raw_poll_oneoff(P(subs), (int32_t)(bigend - 32), 2, P(&nev)), __WASI_ERRNO_FAULT);
    expect("poll_oneoff in misaligned", raw_poll_oneoff(P(subs) + 4, P(evs), 1, P(&nev)), __WASI_ERRNO_INVAL);
    /* Events written over the subscriptions they come from, nevents on top. */
    expect("poll_oneoff out == in, nevents inside both", raw_poll_oneoff(P(subs), P(subs), 1000, P(subs) + 40), 0);
    memcpy(&nev, subs + 40, 4);
    expect_true("poll_oneoff out == in: 1000 events", nev == 1000);
    /* 65536 subscriptions on one descriptor (stdin, /dev/null: readable). */
    for (uint32_t i = 0; i < 65536; i++) {
        memset(subs + 48 * i, 0, 48);
        memcpy(subs + 48 * i, &(uint64_t){i}, 8);
        subs[48 * i + 8] = (i & 1) ? __WASI_EVENTTYPE_FD_READ : __WASI_EVENTTYPE_FD_WRITE;
        memcpy(subs + 48 * i + 16, &(uint32_t){(i & 1) ? 0u : 1u}, 4);
    }
    int32_t pe = raw_poll_oneoff(P(subs), P(evs), 65536, P(&nev));
    expect("poll_oneoff 65536 fd subscriptions on stdin and stdout", pe, 0);
    expect_true("poll_oneoff 65536 fd subscriptions: 65536 events", pe == 0 && nev == 65536);
    /* A subscription with a bad tag or clock id, and an unknown flag. */
    memset(subs, 0, 48);
    subs[8] = 3;
    expect("poll_oneoff tag 3", raw_poll_oneoff(P(subs), P(evs), 1, P(&nev)), __WASI_ERRNO_INVAL);
    subs[8] = 0;
    memcpy(subs + 16, &(uint32_t){4}, 4);
    expect("poll_oneoff clock id 4", raw_poll_oneoff(P(subs), P(evs), 1, P(&nev)), __WASI_ERRNO_INVAL);
    memcpy(subs + 16, &(uint32_t){__WASI_CLOCKID_PROCESS_CPUTIME_ID}, 4);
    expect("poll_oneoff cputime clock (cannot advance while waiting)", raw_poll_oneoff(P(subs), P(evs), 1, P(&nev)), 0);
    memcpy(subs + 16, &(uint32_t){__WASI_CLOCKID_REALTIME}, 4);
    memcpy(subs + 40, &(uint16_t){2}, 2);
    expect("poll_oneoff clock flag bit 1", raw_poll_oneoff(P(subs), P(evs), 1, P(&nev)), __WASI_ERRNO_INVAL);
    memcpy(subs + 40, &(uint16_t){1}, 2); /* abstime 0: long past */
    expect("poll_oneoff realtime abstime 0", raw_poll_oneoff(P(subs), P(evs), 1, P(&nev)), 0);
    memcpy(subs + 40, &(uint16_t){0}, 2);
    memcpy(subs + 24, &(uint64_t){UINT64_MAX}, 8);
    memset(subs + 48, 0, 48);
    subs[48 + 8] = 0;
    memcpy(subs + 48 + 16, &(uint32_t){__WASI_CLOCKID_MONOTONIC}, 4);
    memcpy(subs + 48 + 24, &(uint64_t){1000}, 8);
    expect("poll_oneoff a clock 2^64-1 ns away beside one 1 us away", raw_poll_oneoff(P(subs), P(evs), 2, P(&nev)), 0);
    expect_true("poll_oneoff: only the near clock fired", nev == 1);

    /* ---- Strings out, args and environment ---- */
    uint32_t argc = 0, argsz = 0;
    expect("args_sizes_get both outs at one address", raw_args_sizes_get(P(&argc), P(&argc)), 0);
    expect("args_sizes_get", raw_args_sizes_get(P(&argc), P(&argsz)), 0);
    expect("args_get argv at end-4*argc+1", raw_args_get((int32_t)(bigend - 4 * argc + 1), P(big)), __WASI_ERRNO_FAULT);
    expect("args_get argv ending exactly at the end", raw_args_get((int32_t)(bigend - 4 * argc), P(big)), 0);
    expect("args_get argv_buf one past", raw_args_get(P(big), (int32_t)(bigend - argsz + 1)), __WASI_ERRNO_FAULT);
    expect("args_get argv and argv_buf the same bytes", raw_args_get(P(big), P(big)), 0);
    expect("args_get at 0xfffffffc", raw_args_get((int32_t)0xfffffffc, P(big)), __WASI_ERRNO_FAULT);
    expect("environ_get at 0xfffffffc", raw_environ_get((int32_t)0xfffffffc, (int32_t)0xfffffffc), __WASI_ERRNO_FAULT);
    expect("clock_time_get out misaligned", raw_clock_time_get(0, 0, P(big) + 4), __WASI_ERRNO_INVAL);
    expect("clock_time_get out at end-8", raw_clock_time_get(0, 0, (int32_t)(bigend - 8)), 0);
    expect("clock_time_get out at 0xfffffff8", raw_clock_time_get(0, 0, (int32_t)0xfffffff8), __WASI_ERRNO_FAULT);
    expect("clock_time_get clock 4", raw_clock_time_get(4, 0, P(big)), __WASI_ERRNO_INVAL);
    expect("fd_prestat_dir_name into 0 bytes", raw_fd_prestat_dir_name(SANDBOX, P(big), 0), __WASI_ERRNO_NAMETOOLONG);
    expect("fd_prestat_dir_name past the end", raw_fd_prestat_dir_name(SANDBOX, (int32_t)(bigend - 3), 8), __WASI_ERRNO_FAULT);
    expect("fd_prestat_dir_name ending at the end", raw_fd_prestat_dir_name(SANDBOX, (int32_t)(bigend - 8), 8), 0);
    expect("fd_filestat_get out at end-63", raw_fd_filestat_get(ten, (int32_t)(bigend - 56)), __WASI_ERRNO_FAULT);
    expect("fd_filestat_get out at end-64", raw_fd_filestat_get(ten, (int32_t)(bigend - 64)), 0);
    expect("fd_fdstat_get out at end-24", raw_fd_fdstat_get(ten, (int32_t)(bigend - 24)), 0);
    expect("fd_fdstat_get out at end-16", raw_fd_fdstat_get(ten, (int32_t)(bigend - 16)), __WASI_ERRNO_FAULT);

    /* ---- Paths ---- */
    __wasi_fd_t fd;
    expect("path_open path at 0xffffffff", raw_path_open(SANDBOX, 0, (int32_t)0xffffffff, 1, 0, 0, 0, 0, P(&fd)), __WASI_ERRNO_FAULT);
    expect("path_open path length 0xffffffff", raw_path_open(SANDBOX, 0, P(big), -1, 0, 0, 0, 0, P(&fd)), __WASI_ERRNO_FAULT);
    expect("path_open path at the end, length 0", raw_path_open(SANDBOX, 0, (int32_t)bigend, 0, 0, 0, 0, 0, P(&fd)), __WASI_ERRNO_NOENT);
    expect("path_open path one past the end, length 0", raw_path_open(SANDBOX, 0, (int32_t)bigend + 1, 0, 0, 0, 0, 0, P(&fd)), __WASI_ERRNO_FAULT);
    memcpy(big + (bigend - P(big)) - 3, "ten", 3);
    expect("path_open path ending exactly at the end", raw_path_open(SANDBOX, 0, (int32_t)(bigend - 3), 3, 0, __WASI_RIGHTS_FD_READ, 0, 0, P(&fd)), 0);
    (void)!__wasi_fd_close(fd);
    expect("path_open path running one past the end", raw_path_open(SANDBOX, 0, (int32_t)(bigend - 3), 4, 0, 0, 0, 0, P(&fd)), __WASI_ERRNO_FAULT);
    /* The opened fd written over the path it was opened by. */
    memcpy(big, "ten\0", 4);
    expect("path_open opened_fd on top of the path", raw_path_open(SANDBOX, 0, P(big), 3, 0, __WASI_RIGHTS_FD_READ, 0, 0, P(big)), 0);
    memcpy(&fd, big, 4);
    expect("path_open opened_fd on top of the path: the fd works", __wasi_fd_close(fd), 0);
    expect("path_open opened_fd at 0xfffffffc", raw_path_open(SANDBOX, 0, P(big), 3, 0, __WASI_RIGHTS_FD_READ, 0, 0, (int32_t)0xfffffffc),
           __WASI_ERRNO_FAULT);
    expect_true("path_open with a bad out-pointer opened nothing", __wasi_fd_close(fd) == __WASI_ERRNO_BADF);
    memcpy(big, "ten\0", 4);
    expect("path_filestat_get out on top of the path", raw_path_filestat_get(SANDBOX, 0, P(big), 3, P(big)), 0);
    memcpy(big, "link", 4);
    expect("path_readlink buf on top of the path, bufused too", raw_path_readlink(SANDBOX, P(big), 4, P(big), 64, P(big) + 4), 0);
    expect_true("path_readlink onto its own path", memcmp(big, "ten", 3) == 0 && memcmp(big + 4, &(uint32_t){3}, 4) == 0);
    memcpy(big, "link", 4);
    expect("path_readlink into 0 bytes", raw_path_readlink(SANDBOX, P(big), 4, P(big) + 8, 0, P(&n32)), 0);
    expect_true("path_readlink into 0 bytes: bufused 0", n32 == 0);
    expect("path_readlink buf ending at the end", raw_path_readlink(SANDBOX, P(big), 4, (int32_t)(bigend - 3), 3, P(&n32)), 0);
    expect("path_readlink buf past the end", raw_path_readlink(SANDBOX, P(big), 4, (int32_t)(bigend - 3), 4, P(&n32)), __WASI_ERRNO_FAULT);
    expect("path_symlink old path past the end", raw_path_symlink((int32_t)(bigend - 2), 3, SANDBOX, P("x"), 1), __WASI_ERRNO_FAULT);
    expect("path_rename new path at 0xffffffff", raw_path_rename(SANDBOX, P("ten"), 3, SANDBOX, (int32_t)0xffffffff, 2), __WASI_ERRNO_FAULT);
    expect_true("path_rename with a bad new path moved nothing", __wasi_path_filestat_get(SANDBOX, 0, "ten", &st) == 0);
    (void)!__wasi_fd_close(ten);
    return failures ? 1 : 0;
}
