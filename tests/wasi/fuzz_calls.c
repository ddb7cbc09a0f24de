// Fuzz: call every wasi_snapshot_preview1 import (proc_exit aside) with
// random arguments from a fixed seed, many thousands of times, in a preopen
// holding a few files, directories and links. wisp must answer each call
// with an errno and never crash, hang or corrupt anything: the run ends with
// a summary and a per-function count of the calls made, which depends on
// the seed alone. Pointers are random but land either in an arena at the
// very end of memory (so lengths run past the end too) or outside memory,
// never on the program's own data; iovec and subscription arrays are built
// in the arena with random contents. Random signals to proc_raise are the
// harmless ones, poll clocks are short, and disk use stays small.
// SETUP: ln -s /dev/null stdin
// SETUP: printf 'hello\n' > scratch/file.txt && mkdir -p scratch/dir/sub && printf 'in\n' > scratch/dir/inner && ln -s file.txt scratch/link && ln -s dir scratch/dirlink && ln -s .. scratch/dir/up && ln -s loop scratch/loop && ln -s ../outside/secret.txt scratch/escape
// CHECK: test "$(cat outside/secret.txt)" = secret && test "$(ls outside)" = secret.txt
// CHECK: test -z "$(ls -A | grep -vx -e outside -e scratch -e stdin -e stdout -e stderr -e setup.log -e check.log -e diff)"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

#define IMPORT(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))
typedef int32_t i32;
typedef int64_t i64;
IMPORT(args_get) i32 w_args_get(i32, i32);
IMPORT(args_sizes_get) i32 w_args_sizes_get(i32, i32);
IMPORT(environ_get) i32 w_environ_get(i32, i32);
IMPORT(environ_sizes_get) i32 w_environ_sizes_get(i32, i32);
IMPORT(clock_res_get) i32 w_clock_res_get(i32, i32);
IMPORT(clock_time_get) i32 w_clock_time_get(i32, i64, i32);
IMPORT(fd_advise) i32 w_fd_advise(i32, i64, i64, i32);
IMPORT(fd_allocate) i32 w_fd_allocate(i32, i64, i64);
IMPORT(fd_close) i32 w_fd_close(i32);
IMPORT(fd_datasync) i32 w_fd_datasync(i32);
IMPORT(fd_fdstat_get) i32 w_fd_fdstat_get(i32, i32);
IMPORT(fd_fdstat_set_flags) i32 w_fd_fdstat_set_flags(i32, i32);
IMPORT(fd_fdstat_set_rights) i32 w_fd_fdstat_set_rights(i32, i64, i64);
IMPORT(fd_filestat_get) i32 w_fd_filestat_get(i32, i32);
IMPORT(fd_filestat_set_size) i32 w_fd_filestat_set_size(i32, i64);
IMPORT(fd_filestat_set_times) i32 w_fd_filestat_set_times(i32, i64, i64, i32);
IMPORT(fd_pread) i32 w_fd_pread(i32, i32, i32, i64, i32);
IMPORT(fd_prestat_get) i32 w_fd_prestat_get(i32, i32);
IMPORT(fd_prestat_dir_name) i32 w_fd_prestat_dir_name(i32, i32, i32);
IMPORT(fd_pwrite) i32 w_fd_pwrite(i32, i32, i32, i64, i32);
IMPORT(fd_read) i32 w_fd_read(i32, i32, i32, i32);
IMPORT(fd_readdir) i32 w_fd_readdir(i32, i32, i32, i64, i32);
IMPORT(fd_renumber) i32 w_fd_renumber(i32, i32);
IMPORT(fd_seek) i32 w_fd_seek(i32, i64, i32, i32);
IMPORT(fd_sync) i32 w_fd_sync(i32);
IMPORT(fd_tell) i32 w_fd_tell(i32, i32);
IMPORT(fd_write) i32 w_fd_write(i32, i32, i32, i32);
IMPORT(path_create_directory) i32 w_path_create_directory(i32, i32, i32);
IMPORT(path_filestat_get) i32 w_path_filestat_get(i32, i32, i32, i32, i32);
IMPORT(path_filestat_set_times) i32 w_path_filestat_set_times(i32, i32, i32, i32, i64, i64, i32);
IMPORT(path_link) i32 w_path_link(i32, i32, i32, i32, i32, i32, i32);
IMPORT(path_open) i32 w_path_open(i32, i32, i32, i32, i32, i64, i64, i32, i32);
IMPORT(path_readlink) i32 w_path_readlink(i32, i32, i32, i32, i32, i32);
IMPORT(path_remove_directory) i32 w_path_remove_directory(i32, i32, i32);
IMPORT(path_rename) i32 w_path_rename(i32, i32, i32, i32, i32, i32);
IMPORT(path_symlink) i32 w_path_symlink(i32, i32, i32, i32, i32);
IMPORT(path_unlink_file) i32 w_path_unlink_file(i32, i32, i32);
IMPORT(poll_oneoff) i32 w_poll_oneoff(i32, i32, i32, i32);
IMPORT(proc_raise) i32 w_proc_raise(i32);
IMPORT(sched_yield) i32 w_sched_yield(void);
IMPORT(random_get) i32 w_random_get(i32, i32);
IMPORT(sock_accept) i32 w_sock_accept(i32, i32, i32);
IMPORT(sock_recv) i32 w_sock_recv(i32, i32, i32, i32, i32, i32);
IMPORT(sock_send) i32 w_sock_send(i32, i32, i32, i32, i32);
IMPORT(sock_shutdown) i32 w_sock_shutdown(i32, i32);
IMPORT(print_greeting) i32 w_print_greeting(void);

#define CALLS 30000

/* Two generators: one picks the function and nothing else, so the sequence
 * of functions (and the counts printed) depends on the seed alone; the
 * other makes arguments, and may be consumed differently when results
 * differ between hosts. */
static uint64_t pick_state = 0x9e3779b97f4a7c15ull, arg_state = 0x2545f4914f6cdd1dull;

static uint64_t next(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545f4914f6cdd1dull;
}

static uint32_t rnd(uint32_t n) { return n ? (uint32_t)(next(&arg_state) % n) : 0; }
static uint64_t rnd64(void) { return next(&arg_state); }

/* ---- Guest memory: the arena at the end ---- */

#define ARENA (2u * 1024 * 1024)
static uint32_t arena, mem_end;

static void setup_arena(void)
{
    int32_t old = __builtin_wasm_memory_grow(0, ARENA / 65536);
    if (old < 0) {
        printf("FAIL memory.grow\n");
        exit(1);
    }
    arena = (uint32_t)old * 65536u;
    mem_end = arena + ARENA;
}

static uint8_t *at(uint32_t addr) { return (uint8_t *)(uintptr_t)addr; }

/* A length: mostly small, sometimes the whole arena or absurd. */
static uint32_t pick_len(void)
{
    uint32_t r = rnd(100);
    if (r < 40)
        return rnd(17);
    if (r < 70)
        return rnd(257);
    if (r < 88)
        return rnd(4097);
    if (r < 92)
        return rnd(ARENA + 1);
    static const uint32_t odd[] = {0, 1, 0xffffffffu, 0x80000000u, 65536, 65537, 0x7fffffffu, ARENA};
    if (r < 97)
        return odd[rnd(sizeof odd / sizeof *odd)];
    return (uint32_t)rnd64();
}

/* A guest address for `len` bytes aligned to `align`: in the arena, ending
 * exactly at or just past the end of memory, or outside memory entirely.
 * Never an address of the program's own data. */
static uint32_t pick_ptr(uint32_t len, uint32_t align)
{
    uint32_t r = rnd(100), p;
    if (r < 75) {
        p = arena + rnd(ARENA);
        if (rnd(10) < 9)
            p &= ~(align - 1);
        if (p < arena)
            p = arena;
        return p;
    }
    if (r < 83)
        return len <= ARENA ? mem_end - len : arena;
    if (r < 88)
        return len <= ARENA ? mem_end - len + 1 : mem_end;
    if (r < 92)
        return mem_end;
    if (r < 95)
        return 0xffffffffu - rnd(16);
    return mem_end + rnd(0u - mem_end); /* anywhere past the end */
}

/* Mostly a good address (in the arena, room for len when there is), so
 * calls get past the argument checks; sometimes any of the above. */
static uint32_t pick_ptr_ok(uint32_t len, uint32_t align)
{
    if (rnd(100) >= 92 || len > ARENA)
        return pick_ptr(len, align);
    uint32_t p = (arena + rnd(ARENA - len + 1)) & ~(align - 1);
    return p < arena ? arena : p;
}

static int in_arena(uint32_t p, uint64_t len) { return p >= arena && p <= mem_end && len <= (uint64_t)(mem_end - p); }

/* ---- Descriptors ---- */

static uint32_t saved_stdout; /* the real stdout, parked here during the run */
static uint32_t opened[16];
static unsigned nopened;
static int late; /* the last stretch may close or clobber the preopen */

static uint32_t pick_fd(void)
{
    uint32_t r = rnd(100), fd;
    if (r < 15)
        fd = rnd(16);
    else if (r < 40 && nopened)
        fd = opened[rnd(nopened < 16 ? nopened : 16)];
    else if (r < 94)
        fd = 3;
    else if (r < 97)
        fd = (uint32_t)rnd64();
    else
        fd = 0xffffffffu - rnd(3);
    while (fd == 2 || fd == saved_stdout)
        fd = rnd(16);
    return fd;
}

/* An fd that may be closed, renumbered or narrowed: not the preopen until
 * the last stretch, or everything after would be badf, and never fd 1,
 * which must still be open at the end for the real stdout to come back. */
static uint32_t pick_victim_fd(void)
{
    uint32_t fd = pick_fd();
    while ((fd == 3 && !late) || fd == 1 || fd == 2 || fd == saved_stdout)
        fd = rnd(16);
    return fd;
}

static void note_opened(uint32_t p_out, i32 err)
{
    if (err == 0 && in_arena(p_out, 4)) {
        uint32_t fd;
        memcpy(&fd, at(p_out), 4);
        opened[nopened++ % 16] = fd;
    }
}

/* ---- Paths ---- */

static const char *const pieces[] = {
    "file.txt", "dir", "sub", "inner", "link", "dirlink", "up", "loop", "escape", "..", ".", "",
    "new", "n2", "made", "outside", "secret.txt", "...", "dir/up", "x", "caf\xc3\xa9", "/",
    "new", "n2", "dir", "sub", "file.txt",
};
/* Refused by the glue before any host call: rarely. */
static const char *const bad_pieces[] = {"\xff\xfe", "nul\0byte", "\xc0\xae\xc0\xae", "\xed\xa0\x80"};

/* A path written into the arena (or given as absurd pointer and length):
 * returns the pointer, sets the length. */
static uint32_t pick_path(uint32_t *len)
{
    static char buf[1200];
    size_t n = 0;
    unsigned parts = 1 + rnd(rnd(3) ? 3 : 8);
    if (rnd(20) == 0)
        buf[n++] = '/';
    for (unsigned i = 0; i < parts; i++) {
        uint32_t k = rnd(sizeof pieces / sizeof *pieces + 2);
        if (k == sizeof pieces / sizeof *pieces) {
            uint32_t l = rnd(4) ? rnd(12) : 254 + rnd(3);
            memset(buf + n, 'a' + (int)rnd(3), l);
            n += l;
        } else if (k > sizeof pieces / sizeof *pieces && rnd(4) == 0) {
            uint32_t b = rnd(sizeof bad_pieces / sizeof *bad_pieces);
            size_t l = b == 1 ? 8 : strlen(bad_pieces[b]); /* "nul\0byte" */
            memcpy(buf + n, bad_pieces[b], l);
            n += l;
        } else {
            const char *s = pieces[k % (sizeof pieces / sizeof *pieces)];
            size_t l = strlen(s);
            memcpy(buf + n, s, l);
            n += l;
        }
        if (i + 1 < parts) {
            buf[n++] = '/';
            if (rnd(10) == 0)
                buf[n++] = '/';
        }
    }
    if (rnd(10) == 0)
        buf[n++] = '/';
    uint32_t r = rnd(100);
    if (r < 3) {
        *len = pick_len();
        return pick_ptr(*len, 1);
    }
    *len = (uint32_t)n + (r < 6 ? 1 : 0); /* sometimes counting a NUL after it */
    uint32_t p = arena + rnd(ARENA - 1300);
    memcpy(at(p), buf, n);
    at(p)[n] = 0;
    return p;
}

/* ---- Arrays built in the arena ---- */

static uint32_t pick_count(void)
{
    uint32_t r = rnd(100);
    if (r < 70)
        return rnd(9);
    if (r < 85)
        return rnd(1100);
    static const uint32_t odd[] = {65536, 65537, 0xffffffffu, 0x20000000u, 0x10000000u, 1024, 1025};
    return odd[rnd(sizeof odd / sizeof *odd)];
}

/* An iovec array: its address (count set), each record a buffer in the
 * arena or outside memory. */
static uint32_t pick_iovs(uint32_t *count)
{
    uint32_t n = pick_count();
    uint32_t p = rnd(5) ? pick_ptr_ok(n <= 0x20000000u ? n * 8 : 0, 4) : pick_ptr(n <= 0x20000000u ? n * 8 : 0, 4);
    *count = n;
    if (in_arena(p, (uint64_t)n * 8)) {
        for (uint32_t i = 0; i < n; i++) {
            uint32_t l = rnd(4) ? rnd(65) : pick_len();
            if (l > 65536 && rnd(2))
                l = 65536; /* keep what is written to disk small */
            uint32_t b = rnd(8) ? pick_ptr_ok(l, 1) : pick_ptr(l, 1);
            memcpy(at(p + 8 * i), &b, 4);
            memcpy(at(p + 8 * i + 4), &l, 4);
        }
    }
    return p;
}

/* Subscriptions: clocks due within 100 us or already past, descriptors of
 * any kind (none here can block), and bad tags, clocks and flags. */
static uint32_t pick_subs(uint32_t *count)
{
    uint32_t n = pick_count();
    if (n > 4096 && n <= 65536 && rnd(2))
        n = 1 + rnd(64);
    uint32_t p = pick_ptr_ok(n <= 0x05000000u ? n * 48 : 0, 8);
    *count = n;
    if (in_arena(p, (uint64_t)n * 48)) {
        for (uint32_t i = 0; i < n; i++) {
            uint8_t *s = at(p + 48 * i);
            uint64_t ud = rnd64();
            memcpy(s, &ud, 8);
            uint32_t t = rnd(20);
            s[8] = t < 8 ? 0 : t < 13 ? 1 : t < 19 ? 2 : (uint8_t)rnd(256);
            if (s[8] == 0) {
                uint32_t id = rnd(12) ? rnd(4) : (uint32_t)rnd64();
                uint64_t timeout = rnd(100000);
                uint16_t flags = rnd(10) ? 0 : rnd(3) ? 1 : (uint16_t)rnd(65536);
                if (flags & 1)
                    timeout = rnd(2) ? 0 : rnd(1000000); /* absolute: long past */
                uint64_t precision = rnd64();
                memcpy(s + 16, &id, 4);
                memcpy(s + 24, &timeout, 8);
                memcpy(s + 32, &precision, 8);
                memcpy(s + 40, &flags, 2);
            } else {
                uint32_t fd = pick_fd();
                memcpy(s + 16, &fd, 4);
            }
        }
    }
    return p;
}

/* ---- The calls ---- */

static uint64_t pick_rights(void)
{
    uint32_t r = rnd(20);
    if (r < 12)
        return rnd64() & (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK |
                          __WASI_RIGHTS_FD_TELL | __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_FD_READDIR |
                          __WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_PATH_CREATE_FILE |
                          __WASI_RIGHTS_FD_FILESTAT_SET_SIZE | __WASI_RIGHTS_PATH_FILESTAT_GET |
                          __WASI_RIGHTS_PATH_CREATE_DIRECTORY | __WASI_RIGHTS_PATH_SYMLINK);
    if (r < 15)
        return rnd64() & 0x1fffffffull;
    if (r < 19)
        return r & 1 ? 0x1fffffffull : 0x0fffffffull;
    return rnd64();
}

static uint64_t pick_offset(void)
{
    uint32_t r = rnd(10);
    if (r < 6)
        return rnd(5000);
    if (r < 8)
        return rnd64() & ((1ull << 40) - 1); /* far, but sparse */
    return rnd64();
}

static uint32_t pick_lookup(void) { return rnd(12) ? rnd(2) : 2 + rnd(1000); }

static uint32_t pick_fdflags(void)
{
    /* The synchronized modes make every write a disk flush: rarely. */
    uint32_t f = rnd(32);
    if (rnd(20))
        f &= ~(uint32_t)(__WASI_FDFLAGS_DSYNC | __WASI_FDFLAGS_RSYNC | __WASI_FDFLAGS_SYNC);
    return rnd(40) ? f : (uint32_t)rnd64();
}

enum {
    F_args_get, F_args_sizes_get, F_environ_get, F_environ_sizes_get, F_clock_res_get,
    F_clock_time_get, F_fd_advise, F_fd_allocate, F_fd_close, F_fd_datasync, F_fd_fdstat_get,
    F_fd_fdstat_set_flags, F_fd_fdstat_set_rights, F_fd_filestat_get, F_fd_filestat_set_size,
    F_fd_filestat_set_times, F_fd_pread, F_fd_prestat_get, F_fd_prestat_dir_name, F_fd_pwrite,
    F_fd_read, F_fd_readdir, F_fd_renumber, F_fd_seek, F_fd_sync, F_fd_tell, F_fd_write,
    F_path_create_directory, F_path_filestat_get, F_path_filestat_set_times, F_path_link,
    F_path_open, F_path_readlink, F_path_remove_directory, F_path_rename, F_path_symlink,
    F_path_unlink_file, F_poll_oneoff, F_proc_raise, F_sched_yield, F_random_get, F_sock_accept,
    F_sock_recv, F_sock_send, F_sock_shutdown, F_print_greeting, NFUNCS
};

static const char *const names[NFUNCS] = {
    "args_get", "args_sizes_get", "environ_get", "environ_sizes_get", "clock_res_get",
    "clock_time_get", "fd_advise", "fd_allocate", "fd_close", "fd_datasync", "fd_fdstat_get",
    "fd_fdstat_set_flags", "fd_fdstat_set_rights", "fd_filestat_get", "fd_filestat_set_size",
    "fd_filestat_set_times", "fd_pread", "fd_prestat_get", "fd_prestat_dir_name", "fd_pwrite",
    "fd_read", "fd_readdir", "fd_renumber", "fd_seek", "fd_sync", "fd_tell", "fd_write",
    "path_create_directory", "path_filestat_get", "path_filestat_set_times", "path_link",
    "path_open", "path_readlink", "path_remove_directory", "path_rename", "path_symlink",
    "path_unlink_file", "poll_oneoff", "proc_raise", "sched_yield", "random_get", "sock_accept",
    "sock_recv", "sock_send", "sock_shutdown", "print_greeting",
};

/* How often each is picked, relative: the path and fd calls most, the
 * disk flushes least. */
static const uint8_t weight[NFUNCS] = {
    2, 2, 2, 2, 2, 2, 3, 3, 4, 1, 4, 3, 3, 4, 3, 3, 6, 3, 3, 6, 6, 6, 3, 4, 1, 3, 6,
    6, 8, 4, 6, 12, 5, 5, 6, 6, 5, 6, 2, 1, 3, 2, 3, 3, 2, 1,
};

static unsigned counts[NFUNCS];
/* Results by function and errno, for stderr only (they vary by host). */
static unsigned results[NFUNCS][__WASI_ERRNO_NOTCAPABLE + 2];

static int pick_func(void)
{
    static unsigned total;
    if (!total)
        for (int i = 0; i < NFUNCS; i++)
            total += weight[i];
    uint32_t r = (uint32_t)(next(&pick_state) % total);
    for (int i = 0; i < NFUNCS; i++) {
        if (r < weight[i])
            return i;
        r -= weight[i];
    }
    return F_sched_yield;
}

static i32 call(int f)
{
    uint32_t n, n2, l, l2, p, p2, o;
    switch (f) {
    case F_args_get: return w_args_get(pick_ptr_ok(pick_len(), 4), pick_ptr_ok(pick_len(), 1));
    case F_args_sizes_get: return w_args_sizes_get(pick_ptr_ok(4, 4), pick_ptr_ok(4, 4));
    case F_environ_get: return w_environ_get(pick_ptr_ok(pick_len(), 4), pick_ptr_ok(pick_len(), 1));
    case F_environ_sizes_get: return w_environ_sizes_get(pick_ptr_ok(4, 4), pick_ptr_ok(4, 4));
    case F_clock_res_get: return w_clock_res_get(rnd(6), pick_ptr_ok(8, 8));
    case F_clock_time_get: return w_clock_time_get(rnd(8) ? rnd(6) : (i32)rnd64(), (i64)rnd64(), pick_ptr_ok(8, 8));
    case F_fd_advise: return w_fd_advise(pick_fd(), (i64)pick_offset(), (i64)pick_offset(), rnd(8) ? rnd(6) : rnd(300));
    case F_fd_allocate: {
        /* Small ranges, or ones past 2^63 that are refused before the host
         * is asked: never a large real allocation. */
        uint64_t off = rnd(4) ? rnd(8192) : (1ull << 63) + rnd64() % 1000;
        uint64_t len = rnd(4) ? rnd(8192) : (uint64_t)INT64_MAX - rnd(100);
        if (off < (1ull << 62) && len > 65536)
            off = (uint64_t)INT64_MAX - rnd(10); /* sum past 2^63 */
        return w_fd_allocate(pick_fd(), (i64)off, (i64)len);
    }
    case F_fd_close: return w_fd_close(pick_victim_fd());
    case F_fd_datasync: return w_fd_datasync(pick_fd());
    case F_fd_fdstat_get: return w_fd_fdstat_get(pick_fd(), pick_ptr_ok(24, 8));
    case F_fd_fdstat_set_flags: return w_fd_fdstat_set_flags(pick_fd(), pick_fdflags());
    case F_fd_fdstat_set_rights: return w_fd_fdstat_set_rights(pick_victim_fd(), (i64)pick_rights(), (i64)pick_rights());
    case F_fd_filestat_get: return w_fd_filestat_get(pick_fd(), pick_ptr_ok(64, 8));
    case F_fd_filestat_set_size: return w_fd_filestat_set_size(pick_fd(), (i64)pick_offset());
    case F_fd_filestat_set_times:
        return w_fd_filestat_set_times(pick_fd(), (i64)rnd64(), (i64)rnd64(), rnd(8) ? rnd(16) : rnd(65536));
    case F_fd_pread: p = pick_iovs(&n); return w_fd_pread(pick_fd(), p, n, (i64)pick_offset(), pick_ptr_ok(4, 4));
    case F_fd_prestat_get: return w_fd_prestat_get(pick_fd(), pick_ptr_ok(8, 4));
    case F_fd_prestat_dir_name: l = pick_len(); return w_fd_prestat_dir_name(pick_fd(), pick_ptr_ok(l, 1), l);
    case F_fd_pwrite: p = pick_iovs(&n); return w_fd_pwrite(pick_fd(), p, n, (i64)pick_offset(), pick_ptr_ok(4, 4));
    case F_fd_read: p = pick_iovs(&n); return w_fd_read(pick_fd(), p, n, pick_ptr_ok(4, 4));
    case F_fd_readdir: {
        l = pick_len();
        uint64_t cookie = rnd(3) ? rnd(8) : rnd64() >> rnd(64);
        return w_fd_readdir(pick_fd(), pick_ptr_ok(l, 1), l, (i64)cookie, pick_ptr_ok(4, 4));
    }
    case F_fd_renumber: return w_fd_renumber(pick_victim_fd(), pick_victim_fd());
    case F_fd_seek: {
        uint64_t off = rnd(2) ? (uint64_t)(int64_t)((int32_t)rnd(20000) - 10000) : rnd64();
        return w_fd_seek(pick_fd(), (i64)off, rnd(8) ? rnd(3) : rnd(256), pick_ptr_ok(8, 8));
    }
    case F_fd_sync: return w_fd_sync(pick_fd());
    case F_fd_tell: return w_fd_tell(pick_fd(), pick_ptr_ok(8, 8));
    case F_fd_write: p = pick_iovs(&n); return w_fd_write(pick_fd(), p, n, pick_ptr_ok(4, 4));
    case F_path_create_directory: p = pick_path(&l); return w_path_create_directory(pick_fd(), p, l);
    case F_path_filestat_get: p = pick_path(&l); return w_path_filestat_get(pick_fd(), pick_lookup(), p, l, pick_ptr_ok(64, 8));
    case F_path_filestat_set_times:
        p = pick_path(&l);
        return w_path_filestat_set_times(pick_fd(), pick_lookup(), p, l, (i64)rnd64(), (i64)rnd64(), rnd(8) ? rnd(16) : rnd(65536));
    case F_path_link:
        p = pick_path(&l);
        p2 = pick_path(&l2);
        return w_path_link(pick_fd(), pick_lookup(), p, l, pick_fd(), p2, l2);
    case F_path_open: {
        p = pick_path(&l);
        o = pick_ptr_ok(4, 4);
        uint32_t oflags = rnd(20) ? rnd(16) : (uint32_t)rnd64();
        if ((oflags & 3) == 3 && rnd(4))
            oflags &= ~(uint32_t)(rnd(2) ? 1 : 2); /* creat|directory is inval: rarely */
        i32 e = w_path_open(pick_fd(), pick_lookup(), p, l, oflags, (i64)pick_rights(), (i64)pick_rights(),
                            pick_fdflags(), o);
        note_opened(o, e);
        return e;
    }
    case F_path_readlink: p = pick_path(&l); l2 = pick_len(); return w_path_readlink(pick_fd(), p, l, pick_ptr_ok(l2, 1), l2, pick_ptr_ok(4, 4));
    case F_path_remove_directory: p = pick_path(&l); return w_path_remove_directory(pick_fd(), p, l);
    case F_path_rename: p = pick_path(&l); p2 = pick_path(&l2); return w_path_rename(pick_fd(), p, l, pick_fd(), p2, l2);
    case F_path_symlink: p = pick_path(&l); p2 = pick_path(&l2); return w_path_symlink(p, l, pick_fd(), p2, l2);
    case F_path_unlink_file: p = pick_path(&l); return w_path_unlink_file(pick_fd(), p, l);
    case F_poll_oneoff: {
        p = pick_subs(&n);
        n2 = n <= 0x08000000u ? n : 0;
        return w_poll_oneoff(p, pick_ptr_ok(n2 * 32, 8), n, pick_ptr_ok(4, 4));
    }
    case F_proc_raise: {
        /* Only signals that do not end the guest, and invalid numbers. */
        static const uint8_t harmless[] = {0, 16, 17, 18, 19, 20, 21, 22, 27, 31, 32, 200, 255};
        return w_proc_raise(rnd(10) ? harmless[rnd(sizeof harmless)] : (i32)(rnd64() | 0x100));
    }
    case F_sched_yield: return w_sched_yield();
    case F_random_get: l = pick_len(); return w_random_get(pick_ptr_ok(l, 1), l);
    case F_sock_accept: return w_sock_accept(pick_fd(), rnd(4) ? rnd(32) : (i32)rnd64(), pick_ptr_ok(4, 4));
    case F_sock_recv: p = pick_iovs(&n); return w_sock_recv(pick_fd(), p, n, rnd(4) ? rnd(4) : (i32)rnd64(), pick_ptr_ok(4, 4), pick_ptr_ok(2, 2));
    case F_sock_send: p = pick_iovs(&n); return w_sock_send(pick_fd(), p, n, rnd(4) ? 0 : (i32)rnd64(), pick_ptr_ok(4, 4));
    case F_sock_shutdown: return w_sock_shutdown(pick_fd(), rnd(4) ? rnd(4) : (i32)rnd64());
    case F_print_greeting: return w_print_greeting();
    }
    return 0;
}

/* Arguments, for longer campaigns by hand: [seed [calls]]. */
int main(int argc, char **argv)
{
    unsigned calls = CALLS;
    if (argc > 1) {
        pick_state = strtoull(argv[1], NULL, 0) * 0x9e3779b97f4a7c15ull | 1;
        arg_state = pick_state ^ 0x2545f4914f6cdd1dull;
    }
    if (argc > 2)
        calls = (unsigned)strtoul(argv[2], NULL, 0);
    /* Park the real stdout on a number the fuzzing never picks, and give fd
     * 1 to a scratch file, so random writes and print_greeting land there. */
    printf("fuzz_calls: %u calls, seed %llx\n", calls, (unsigned long long)pick_state);
    fflush(stdout);
    __wasi_fd_t park, scratch1;
    if (__wasi_path_open(3, 0, "park", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, 0, 0, &park) != 0 ||
        __wasi_fd_renumber(1, park) != 0 ||
        __wasi_path_open(3, 0, "fd1", __WASI_OFLAGS_CREAT,
                         __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK |
                             __WASI_RIGHTS_FD_TELL | __WASI_RIGHTS_FD_FILESTAT_GET |
                             __WASI_RIGHTS_FD_FDSTAT_SET_FLAGS | __WASI_RIGHTS_POLL_FD_READWRITE,
                         0, 0, &scratch1) != 0 ||
        scratch1 != 1) {
        printf("FAIL setting up the parked stdout\n");
        return 1;
    }
    saved_stdout = park;
    setup_arena();
    for (uint32_t i = 0; i < ARENA; i += 4)
        memcpy(at(arena + i), &(uint32_t){(uint32_t)rnd64()}, 4);

    unsigned bad_errno = 0;
    for (unsigned i = 0; i < calls; i++) {
        late = i + 1000 >= calls;
        int f = pick_func();
        counts[f]++;
        i32 e = call(f);
        if ((uint32_t)e > __WASI_ERRNO_NOTCAPABLE) {
            bad_errno++;
            e = __WASI_ERRNO_NOTCAPABLE + 1;
        }
        results[f][e]++;
    }

    /* Bring the real stdout back: fd 1 was never closed or moved away. */
    if (__wasi_fd_renumber(park, 1) != 0) {
        fprintf(stderr, "FAIL could not restore stdout\n");
        return 1;
    }
    printf("ok %u calls, no crash, every errno a preview1 one: %s\n", calls, bad_errno ? "no" : "yes");
    for (int i = 0; i < NFUNCS; i++)
        printf("%s %u\n", names[i], counts[i]);
    /* What came back, to see the fuzzing reaches past the argument checks. */
    for (int i = 0; i < NFUNCS; i++) {
        fprintf(stderr, "%s:", names[i]);
        for (int e = 0; e <= __WASI_ERRNO_NOTCAPABLE + 1; e++)
            if (results[i][e])
                fprintf(stderr, " %d:%u", e, results[i][e]);
        fprintf(stderr, "\n");
    }
    return 0;
}
