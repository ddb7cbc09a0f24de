/* Checks the generated WASI code: type sizes, offsets and constants against
 * the preview1 ABI, load/store byte order, the glue's checks (a bad pointer,
 * enum or flag gives fault/inval without calling the implementation or
 * touching guest memory), result stores, the import table and the trace.
 * Prints one "PASS name" / "FAIL name: why" line per check; exits 1 on any
 * failure. Built with stub_impl.c and the stubs and function list generated
 * from the witx (lib.sh: generate_test_support); run under ASan so that a stray guest
 * access past the (exactly sized) memory is caught too. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stub_impl.h"
#include "wasi_glue.h"
#include "wasi_trace.h"
#include "wasi_types.h"

static int failures;

static void check(int ok, const char *name, const char *why)
{
    if (ok) {
        printf("PASS %s\n", name);
    } else {
        printf("FAIL %s: %s\n", name, why);
        failures++;
    }
}

#define CHECK_EQ(name, got, want)                                                         \
    do {                                                                                  \
        unsigned long long g_ = (unsigned long long)(got), w_ = (unsigned long long)(want); \
        char why_[160];                                                                   \
        snprintf(why_, sizeof why_, "%s is %llu, want %llu", #got, g_, w_);               \
        check(g_ == w_, name, why_);                                                      \
    } while (0)

/* ---- layouts and constants ---- */

static void test_layouts(void)
{
    CHECK_EQ("layout_iovec_size", WASI_IOVEC_SIZE, 8);
    CHECK_EQ("layout_iovec_align", WASI_IOVEC_ALIGN, 4);
    CHECK_EQ("layout_ciovec_buf_len_offset", WASI_CIOVEC_BUF_LEN_OFFSET, 4);
    CHECK_EQ("layout_filestat_size", WASI_FILESTAT_SIZE, 64);
    CHECK_EQ("layout_filestat_filetype_offset", WASI_FILESTAT_FILETYPE_OFFSET, 16);
    CHECK_EQ("layout_filestat_ctim_offset", WASI_FILESTAT_CTIM_OFFSET, 56);
    CHECK_EQ("layout_event_size", WASI_EVENT_SIZE, 32);
    CHECK_EQ("layout_event_type_offset", WASI_EVENT_TYPE_OFFSET, 10);
    CHECK_EQ("layout_event_fd_readwrite_offset", WASI_EVENT_FD_READWRITE_OFFSET, 16);
    CHECK_EQ("layout_subscription_size", WASI_SUBSCRIPTION_SIZE, 48);
    CHECK_EQ("layout_subscription_u_offset", WASI_SUBSCRIPTION_U_OFFSET, 8);
    CHECK_EQ("layout_subscription_u_payload", WASI_SUBSCRIPTION_U_PAYLOAD_OFFSET, 8);
    CHECK_EQ("layout_subscription_clock_flags", WASI_SUBSCRIPTION_CLOCK_FLAGS_OFFSET, 24);
    CHECK_EQ("layout_prestat_size", WASI_PRESTAT_SIZE, 8);
    CHECK_EQ("layout_prestat_payload", WASI_PRESTAT_PAYLOAD_OFFSET, 4);
    CHECK_EQ("layout_fdstat_size", WASI_FDSTAT_SIZE, 24);
    CHECK_EQ("layout_fdstat_fs_flags_offset", WASI_FDSTAT_FS_FLAGS_OFFSET, 2);
    CHECK_EQ("layout_fdstat_rights_base_offset", WASI_FDSTAT_FS_RIGHTS_BASE_OFFSET, 8);
    CHECK_EQ("layout_dirent_size", WASI_DIRENT_SIZE, 24);
    CHECK_EQ("layout_dirent_d_type_offset", WASI_DIRENT_D_TYPE_OFFSET, 20);
    CHECK_EQ("const_errno_count", WASI_ERRNO__COUNT, 77);
    CHECK_EQ("const_errno_notcapable", WASI_ERRNO_NOTCAPABLE, 76);
    CHECK_EQ("const_errno_fault", WASI_ERRNO_FAULT, 21);
    CHECK_EQ("const_rights_sock_accept", WASI_RIGHTS_SOCK_ACCEPT, 0x20000000);
    CHECK_EQ("const_rights_all", WASI_RIGHTS__ALL, 0x3fffffff);
    CHECK_EQ("const_signal_sys", WASI_SIGNAL_SYS, 30);
    CHECK_EQ("const_fdflags_sync", WASI_FDFLAGS_SYNC, 16);
    CHECK_EQ("const_errno_width", sizeof(wasi_errno_t), 2);
    CHECK_EQ("const_rights_width", sizeof(wasi_rights_t), 8);
}

static void test_load_store(void)
{
    uint8_t buf[WASI_FILESTAT_SIZE + 8];
    memset(buf, 0xee, sizeof buf);
    wasi_filestat_t st = {.dev = 0x0102030405060708ull, .ino = 9, .filetype = 4, .nlink = 1,
                          .size = 0xffull << 40, .atim = 2, .mtim = 3, .ctim = 4};
    wasi_filestat_store(buf, &st);
    check(buf[0] == 8 && buf[7] == 1, "store_little_endian", "dev bytes not little-endian");
    check(buf[17] == 0 && buf[23] == 0, "store_zeroes_padding", "padding after filetype not zeroed");
    check(buf[WASI_FILESTAT_SIZE] == 0xee, "store_stays_in_size", "wrote past the record");
    wasi_filestat_t back;
    check(wasi_filestat_load(buf, &back) && memcmp(&back.size, &st.size, 8) == 0 &&
              back.ctim == 4 && back.filetype == 4,
          "load_round_trip", "loaded filestat differs");
    buf[WASI_FILESTAT_FILETYPE_OFFSET] = 8;   /* not a filetype */
    check(!wasi_filestat_load(buf, &back), "load_rejects_bad_enum", "filetype 8 accepted");

    uint8_t sub[WASI_SUBSCRIPTION_SIZE] = {0};
    sub[WASI_SUBSCRIPTION_U_OFFSET] = 3;   /* no eventtype 3 */
    wasi_subscription_t s;
    check(!wasi_subscription_load(sub, &s), "load_rejects_bad_tag", "variant tag 3 accepted");
    sub[WASI_SUBSCRIPTION_U_OFFSET] = 0;
    sub[WASI_SUBSCRIPTION_U_OFFSET + 8 + WASI_SUBSCRIPTION_CLOCK_FLAGS_OFFSET] = 2;
    check(!wasi_subscription_load(sub, &s), "load_rejects_bad_flags", "subclockflags 2 accepted");
    sub[WASI_SUBSCRIPTION_U_OFFSET + 8 + WASI_SUBSCRIPTION_CLOCK_FLAGS_OFFSET] = 1;
    check(wasi_subscription_load(sub, &s) && s.u.tag == WASI_EVENTTYPE_CLOCK &&
              s.u.u.clock.flags == WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME,
          "load_variant", "clock subscription not decoded");

    uint8_t pre[WASI_PRESTAT_SIZE];
    memset(pre, 0xee, sizeof pre);
    wasi_prestat_t p = {.tag = WASI_PREOPENTYPE_DIR, .u.dir.pr_name_len = 0x01020304};
    wasi_prestat_store(pre, &p);
    check(pre[0] == 0 && pre[1] == 0 && pre[3] == 0 && pre[4] == 4 && pre[7] == 1,
          "store_variant", "prestat bytes wrong");
}

/* ---- the glue ---- */

struct guest {
    struct wasi_guest_memory mem;
    uint8_t *copy;   /* memory before the call, to prove it was not touched */
};

static struct guest guest_new(uint64_t size)
{
    struct guest g;
    g.mem.size = size;
    g.mem.base = size ? malloc(size) : NULL;
    g.copy = size ? malloc(size) : NULL;
    for (uint64_t i = 0; i < size; i++)
        g.mem.base[i] = (uint8_t)(i * 7 + 3);
    return g;
}

static void guest_free(struct guest *g)
{
    free(g->mem.base);
    free(g->copy);
}

static void snapshot(struct guest *g)
{
    if (g->mem.size)
        memcpy(g->copy, g->mem.base, g->mem.size);
}

static int untouched(const struct guest *g)
{
    return g->mem.size == 0 || memcmp(g->copy, g->mem.base, g->mem.size) == 0;
}

static void put32(struct guest *g, uint32_t addr, uint32_t v) { wasi_le_store_u32(g->mem.base + addr, v); }
static uint32_t get32(const struct guest *g, uint32_t addr) { return wasi_le_load_u32(g->mem.base + addr); }

static const struct wasi_trace trace_off = {NULL, false};

static uint64_t call(struct wasi_ctx *ctx, struct guest *g, const char *name, const uint64_t *args)
{
    const struct wasi_import *imp = wasi_import_find("wasi_snapshot_preview1", name);
    if (!imp) {
        printf("FAIL import_%s: not in the table\n", name);
        failures++;
        return 0xdead;
    }
    return imp->glue(ctx, &g->mem, &trace_off, args);
}

/* A call the glue must reject: errno want, no implementation call, no
 * change to guest memory. */
static void expect_reject(struct guest *g, const char *test, const char *func,
                          const uint64_t *args, wasi_errno_t want)
{
    struct wasi_ctx ctx = {0};
    snapshot(g);
    uint64_t got = call(&ctx, g, func, args);
    char why[200];
    snprintf(why, sizeof why, "errno %llu (%s), want %u (%s); impl calls %u; memory %s",
             (unsigned long long)got, wasi_errno_name(got) ? wasi_errno_name(got) : "?",
             (unsigned)want, wasi_errno_name(want), ctx.calls, untouched(g) ? "untouched" : "CHANGED");
    check(got == want && ctx.calls == 0 && untouched(g), test, why);
}

static void test_fd_write(void)
{
    struct guest g = guest_new(65536);
    struct wasi_ctx ctx = {0};
    memcpy(g.mem.base + 0x1000, "hello", 5);
    memcpy(g.mem.base + 0x2000, " world!\n", 8);
    put32(&g, 0x100, 0x1000);
    put32(&g, 0x104, 5);
    put32(&g, 0x108, 0x2000);
    put32(&g, 0x10c, 8);
    uint64_t ok_args[] = {1, 0x100, 2, 0x200};
    uint64_t r = call(&ctx, &g, "fd_write", ok_args);
    check(r == 0 && get32(&g, 0x200) == 13 && ctx.calls == 1 && ctx.nwritten == 13 &&
              memcmp(ctx.written, "hello world!\n", 13) == 0,
          "glue_fd_write_ok", "wrong errno, count or bytes");

    expect_reject(&g, "glue_out_pointer_out_of_bounds", "fd_write",
                  (uint64_t[]){1, 0x100, 2, 0xfffffffc}, WASI_ERRNO_FAULT);
    expect_reject(&g, "glue_out_pointer_straddles_end", "fd_write",
                  (uint64_t[]){1, 0x100, 2, 65534}, WASI_ERRNO_FAULT);
    expect_reject(&g, "glue_out_pointer_misaligned", "fd_write",
                  (uint64_t[]){1, 0x100, 2, 0x201}, WASI_ERRNO_INVAL);
    expect_reject(&g, "glue_list_out_of_bounds", "fd_write",
                  (uint64_t[]){1, 65528, 2, 0x200}, WASI_ERRNO_FAULT);
    expect_reject(&g, "glue_list_count_absurd", "fd_write",
                  (uint64_t[]){1, 0x100, 0xffffffff, 0x200}, WASI_ERRNO_FAULT);
    expect_reject(&g, "glue_list_misaligned", "fd_write",
                  (uint64_t[]){1, 0x102, 2, 0x200}, WASI_ERRNO_INVAL);
    put32(&g, 0x300, 0xfff0);   /* an iovec whose buffer runs off the end */
    put32(&g, 0x304, 0x100);
    expect_reject(&g, "glue_iovec_buffer_out_of_bounds", "fd_write",
                  (uint64_t[]){1, 0x300, 1, 0x200}, WASI_ERRNO_FAULT);
    put32(&g, 0x304, 0x10);
    struct wasi_ctx c2 = {0};
    check(call(&c2, &g, "fd_write", (uint64_t[]){1, 0x300, 1, 0x200}) == 0 && c2.nwritten == 16,
          "glue_iovec_buffer_at_end", "a buffer ending exactly at the end was refused");
    guest_free(&g);

    /* A count below the memory bound but above the copy limit. */
    struct guest big = guest_new(1u << 20);
    expect_reject(&big, "glue_list_over_copy_limit", "fd_write",
                  (uint64_t[]){1, 0, WASI_MAX_LIST_ELEMS + 1, 0x10}, WASI_ERRNO_INVAL);
    guest_free(&big);

    /* No memory at all: every pointer is out of bounds, even address 0. */
    struct guest none = guest_new(0);
    expect_reject(&none, "glue_no_memory", "fd_write", (uint64_t[]){1, 0, 0, 0}, WASI_ERRNO_FAULT);
    guest_free(&none);
}

static void test_enums_and_flags(void)
{
    struct guest g = guest_new(4096);
    expect_reject(&g, "glue_enum_out_of_range", "fd_seek", (uint64_t[]){3, 0, 3, 0x10},
                  WASI_ERRNO_INVAL);
    expect_reject(&g, "glue_enum_high_bits", "fd_seek", (uint64_t[]){3, 0, 0x100, 0x10},
                  WASI_ERRNO_INVAL);
    expect_reject(&g, "glue_flags_unknown_bit", "fd_fdstat_set_flags", (uint64_t[]){3, 0x20},
                  WASI_ERRNO_INVAL);
    expect_reject(&g, "glue_flags64_unknown_bit", "fd_fdstat_set_rights",
                  (uint64_t[]){3, 1ull << 30, 0}, WASI_ERRNO_INVAL);
    expect_reject(&g, "glue_narrow_int_too_wide", "sock_send",
                  (uint64_t[]){3, 0, 0, 0x10000, 0x10}, WASI_ERRNO_INVAL);
    expect_reject(&g, "glue_clockid_invalid", "clock_time_get", (uint64_t[]){4, 0, 0x10},
                  WASI_ERRNO_INVAL);

    struct wasi_ctx ctx = {0};
    uint64_t r = call(&ctx, &g, "fd_seek", (uint64_t[]){3, (uint64_t)-5, 2, 0x10});
    check(r == 0 && wasi_le_load_u64(g.mem.base + 0x10) == 195, "glue_fd_seek_ok",
          "signed offset or whence decoded wrongly");
    r = call(&ctx, &g, "fd_fdstat_set_rights", (uint64_t[]){3, WASI_RIGHTS__ALL, 0});
    check(r == 0, "glue_flags64_all_known", "all known rights refused");
    r = call(&ctx, &g, "clock_time_get", (uint64_t[]){1, 0, 0x20});
    check(r == 0 && wasi_le_load_u64(g.mem.base + 0x20) == 0x0102030405060709ull,
          "glue_u64_result", "timestamp stored wrongly");
    guest_free(&g);
}

static void test_records(void)
{
    struct guest g = guest_new(4096);
    struct wasi_ctx ctx = {0};
    uint64_t r = call(&ctx, &g, "fd_fdstat_get", (uint64_t[]){3, 0x40});
    wasi_fdstat_t st;
    check(r == 0 && wasi_fdstat_load(g.mem.base + 0x40, &st) &&
              st.fs_filetype == WASI_FILETYPE_DIRECTORY && st.fs_flags == 5 &&
              st.fs_rights_base == (WASI_RIGHTS_FD_READ | WASI_RIGHTS_SOCK_ACCEPT) &&
              g.mem.base[0x41] == 0,
          "glue_record_result", "fdstat stored wrongly");
    expect_reject(&g, "glue_record_out_misaligned", "fd_fdstat_get", (uint64_t[]){3, 0x44},
                  WASI_ERRNO_INVAL);
    expect_reject(&g, "glue_record_out_straddles_end", "fd_filestat_get", (uint64_t[]){3, 4040},
                  WASI_ERRNO_FAULT);
    r = call(&ctx, &g, "fd_prestat_get", (uint64_t[]){3, 0x80});
    check(r == 0 && g.mem.base[0x80] == 0 && get32(&g, 0x84) == 7, "glue_variant_result",
          "prestat stored wrongly");
    r = call(&ctx, &g, "sock_recv", (uint64_t[]){4, 0, 0, 0, 0x90, 0x94});
    check(r == 0 && get32(&g, 0x90) == 0 && wasi_le_load_u16(g.mem.base + 0x94) == 1,
          "glue_tuple_results", "sock_recv results stored wrongly");
    ctx.ret = WASI_ERRNO_BADF;
    snapshot(&g);
    r = call(&ctx, &g, "fd_tell", (uint64_t[]){3, 0x100});
    check(r == WASI_ERRNO_BADF && untouched(&g), "glue_no_store_on_error",
          "results stored although the implementation failed");
    guest_free(&g);
}

static void test_strings(void)
{
    struct guest g = guest_new(4096);
    struct wasi_ctx ctx = {0};
    memcpy(g.mem.base + 0x100, "dir/file.txt", 12);
    uint64_t r = call(&ctx, &g, "path_open",
                      (uint64_t[]){3, 1, 0x100, 12, WASI_OFLAGS_CREAT, 0, 0, 0, 0x40});
    check(r == 0 && strcmp(ctx.path, "dir/file.txt") == 0 && ctx.path_terminated &&
              get32(&g, 0x40) == 9,
          "glue_string_ok", "path not passed NUL-terminated or fd not stored");
    memcpy(g.mem.base + 0x200, "bad\xff", 4);
    expect_reject(&g, "glue_string_bad_utf8", "path_unlink_file", (uint64_t[]){3, 0x200, 4},
                  WASI_ERRNO_ILSEQ);
    memcpy(g.mem.base + 0x200, "a\0b", 3);
    expect_reject(&g, "glue_string_embedded_nul", "path_unlink_file", (uint64_t[]){3, 0x200, 3},
                  WASI_ERRNO_INVAL);
    expect_reject(&g, "glue_string_out_of_bounds", "path_unlink_file",
                  (uint64_t[]){3, 4000, 100}, WASI_ERRNO_FAULT);
    expect_reject(&g, "glue_lookupflags_unknown_bit", "path_open",
                  (uint64_t[]){3, 2, 0x100, 12, 0, 0, 0, 0, 0x40}, WASI_ERRNO_INVAL);
    expect_reject(&g, "glue_oflags_unknown_bit", "path_open",
                  (uint64_t[]){3, 0, 0x100, 12, 0x10, 0, 0, 0, 0x40}, WASI_ERRNO_INVAL);
    guest_free(&g);

    struct guest big = guest_new(1u << 20);
    memset(big.mem.base, 'a', big.mem.size);
    expect_reject(&big, "glue_string_over_copy_limit", "path_unlink_file",
                  (uint64_t[]){3, 0, WASI_MAX_STRING_BYTES + 1}, WASI_ERRNO_NAMETOOLONG);
    guest_free(&big);
}

static void test_implied_lengths(void)
{
    struct guest g = guest_new(4096);
    static const char *const argv[] = {"prog", "hello"};
    struct wasi_ctx ctx = {.argv = argv, .argc = 2};
    uint64_t r = call(&ctx, &g, "args_get", (uint64_t[]){0x300, 0x400});
    check(r == 0 && get32(&g, 0x300) == 0x400 && get32(&g, 0x304) == 0x405 &&
              memcmp(g.mem.base + 0x400, "prog\0hello\0", 11) == 0,
          "glue_args_get_ok", "argv not written as expected");
    /* 11 bytes of strings do not fit before the end of memory. */
    struct wasi_ctx c2 = {.argv = argv, .argc = 2};
    snapshot(&g);
    r = call(&c2, &g, "args_get", (uint64_t[]){0x300, 4090});
    check(r == WASI_ERRNO_FAULT && c2.calls == 0 && untouched(&g), "glue_args_buf_too_small",
          "argv_buf extent not checked against args_sizes_get");
    snapshot(&g);
    r = call(&c2, &g, "args_get", (uint64_t[]){0x302, 0x400});
    check(r == WASI_ERRNO_INVAL && c2.calls == 0 && untouched(&g), "glue_argv_misaligned",
          "misaligned argv accepted");
    static const char *const env[] = {"A=1"};
    struct wasi_ctx c3 = {.env = env, .envc = 1};
    r = call(&c3, &g, "environ_get", (uint64_t[]){0x500, 0x600});
    check(r == 0 && get32(&g, 0x500) == 0x600 && memcmp(g.mem.base + 0x600, "A=1", 4) == 0,
          "glue_environ_get_ok", "environ not written");

    r = call(&ctx, &g, "random_get", (uint64_t[]){0x700, 16});
    check(r == 0 && g.mem.base[0x700] == 0xab && g.mem.base[0x70f] == 0xab &&
              g.mem.base[0x710] != 0xab,
          "glue_random_get_ok", "random_get did not fill exactly buf_len bytes");
    expect_reject(&g, "glue_buffer_out_of_bounds", "random_get", (uint64_t[]){4000, 100},
                  WASI_ERRNO_FAULT);
    expect_reject(&g, "glue_buffer_wraps", "fd_prestat_dir_name",
                  (uint64_t[]){3, 0xffffffff, 2}, WASI_ERRNO_FAULT);
    memcpy(g.mem.base + 0x100, "link", 4);
    r = call(&ctx, &g, "path_readlink", (uint64_t[]){3, 0x100, 4, 0x800, 2, 0x20});
    check(r == 0 && memcmp(g.mem.base + 0x800, "ab", 2) == 0 && get32(&g, 0x20) == 2,
          "glue_readlink_ok", "readlink buffer or count wrong");
    r = call(&ctx, &g, "fd_readdir", (uint64_t[]){3, 0x900, 64, 0, 0x24});
    check(r == 0 && get32(&g, 0x24) == 25 && wasi_le_load_u64(g.mem.base + 0x908) == 42 &&
              g.mem.base[0x900 + 24] == 'a',
          "glue_readdir_ok", "dirent not in the buffer");
    guest_free(&g);
}

static void put_subscription(struct guest *g, uint32_t at, uint64_t userdata, uint8_t tag,
                             uint32_t fd_or_clock, uint64_t timeout)
{
    wasi_subscription_t s;
    memset(&s, 0, sizeof s);
    s.userdata = userdata;
    s.u.tag = tag;
    if (tag == WASI_EVENTTYPE_CLOCK) {
        s.u.u.clock.id = fd_or_clock;
        s.u.u.clock.timeout = timeout;
    } else {
        s.u.u.fd_read.file_descriptor = fd_or_clock;
    }
    wasi_subscription_store(g->mem.base + at, &s);
}

static void test_poll(void)
{
    struct guest g = guest_new(4096);
    struct wasi_ctx ctx = {0};
    put_subscription(&g, 0x100, 11, WASI_EVENTTYPE_CLOCK, WASI_CLOCKID_MONOTONIC, 5000);
    put_subscription(&g, 0x130, 22, WASI_EVENTTYPE_FD_READ, 7, 0);
    uint64_t r = call(&ctx, &g, "poll_oneoff", (uint64_t[]){0x100, 0x200, 2, 0x10});
    wasi_event_t ev[2];
    check(r == 0 && get32(&g, 0x10) == 2 && wasi_event_load(g.mem.base + 0x200, &ev[0]) &&
              wasi_event_load(g.mem.base + 0x220, &ev[1]) && ev[0].userdata == 11 &&
              ev[0].type == WASI_EVENTTYPE_CLOCK && ev[1].userdata == 22 &&
              ev[1].fd_readwrite.nbytes == 7 && ctx.last_timeout == 5000,
          "glue_poll_ok", "events or count wrong");

    /* An implementation claiming more events than there is room for. */
    struct wasi_ctx liar = {.nevents_claim = 100};
    memset(g.mem.base + 0x200, 0x5a, 0x100);
    r = call(&liar, &g, "poll_oneoff", (uint64_t[]){0x100, 0x200, 2, 0x10});
    check(r == 0 && get32(&g, 0x10) == 2 && g.mem.base[0x240] == 0x5a, "glue_poll_count_clamped",
          "stored more events than subscriptions");

    expect_reject(&g, "glue_poll_in_misaligned", "poll_oneoff",
                  (uint64_t[]){0x104, 0x200, 2, 0x10}, WASI_ERRNO_INVAL);
    expect_reject(&g, "glue_poll_out_out_of_bounds", "poll_oneoff",
                  (uint64_t[]){0x100, 4064, 2, 0x10}, WASI_ERRNO_FAULT);
    g.mem.base[0x130 + 8] = 7;   /* not an eventtype */
    expect_reject(&g, "glue_poll_bad_tag", "poll_oneoff", (uint64_t[]){0x100, 0x200, 2, 0x10},
                  WASI_ERRNO_INVAL);
    put_subscription(&g, 0x130, 22, WASI_EVENTTYPE_CLOCK, 9, 0);   /* no clock 9 */
    expect_reject(&g, "glue_poll_bad_clockid", "poll_oneoff", (uint64_t[]){0x100, 0x200, 2, 0x10},
                  WASI_ERRNO_INVAL);
    guest_free(&g);
}

/* Every function the witx declares, with its wasm signature, read from
 * witxgen --dump by test_glue.sh (lib.sh: generate_test_support). */
static const struct {
    const char *module, *name, *signature;
} witx_funcs[] = {
#include "witx_funcs.inc"
};

static void test_import_table(void)
{
    const size_t nfuncs = sizeof witx_funcs / sizeof witx_funcs[0];
    CHECK_EQ("imports_count_is_the_witx_count", WASI_IMPORT_COUNT, nfuncs);
    size_t found = 0;
    for (size_t i = 0; i < nfuncs; i++) {
        const struct wasi_import *imp = wasi_import_find(witx_funcs[i].module, witx_funcs[i].name);
        if (imp && strcmp(imp->signature, witx_funcs[i].signature) == 0) {
            found++;
        } else {
            printf("FAIL imports_every_witx_function: %s.%s %s\n", witx_funcs[i].module,
                   witx_funcs[i].name, imp ? imp->signature : "not in the table");
            failures++;
        }
    }
    if (found == nfuncs)
        printf("PASS imports_every_witx_function\n");
    const struct wasi_import *w = wasi_import_find("wasi_snapshot_preview1", "fd_write");
    static const uint8_t i32x4[] = {0x7f, 0x7f, 0x7f, 0x7f};
    check(w && w->nparams == 4 && memcmp(w->params, i32x4, 4) == 0 && w->nresults == 1 &&
              w->results[0] == WASI_VALTYPE_I32 && strcmp(w->signature, "(i32 i32 i32 i32) -> (i32)") == 0 &&
              strcmp(w->param_names[3], "nwritten") == 0,
          "imports_fd_write_signature", "wrong signature");
    const struct wasi_import *s = wasi_import_find("wasi_snapshot_preview1", "fd_seek");
    check(s && s->nparams == 4 && s->params[1] == WASI_VALTYPE_I64 && s->params[2] == WASI_VALTYPE_I32,
          "imports_fd_seek_signature", "fd_seek offset should be i64");
    const struct wasi_import *e = wasi_import_find("wasi_snapshot_preview1", "proc_exit");
    check(e && e->noreturn && e->nresults == 0 && e->nparams == 1, "imports_proc_exit_noreturn",
          "proc_exit should be (i32) -> () and noreturn");
    const struct wasi_import *y = wasi_import_find("wasi_snapshot_preview1", "sched_yield");
    check(y && y->nparams == 0 && y->params == NULL && y->nresults == 1, "imports_no_params",
          "sched_yield should be () -> (i32)");
    check(wasi_import_find("wasi_snapshot_preview1", "print_greeting") != NULL,
          "imports_ext_greeting", "print_greeting missing");
    check(wasi_import_find("wasi_snapshot_preview1", "no_such") == NULL &&
              wasi_import_find("env", "fd_write") == NULL,
          "imports_find_unknown", "found something that does not exist");

    struct guest g = guest_new(64);
    struct wasi_ctx ctx = {0};
    uint64_t r = e->glue(&ctx, &g.mem, &trace_off, (uint64_t[]){3});
    check(r == 0 && ctx.exit_code == 3 && ctx.calls == 1, "glue_proc_exit", "exit code not passed");
    guest_free(&g);
}

/* ---- the trace ---- */

static char *traced(struct wasi_ctx *ctx, struct guest *g, const char *func, const uint64_t *args,
                    bool on)
{
    FILE *f = tmpfile();
    if (!f)
        return NULL;
    struct wasi_trace tr = {f, on};
    wasi_import_find("wasi_snapshot_preview1", func)->glue(ctx, &g->mem, &tr, args);
    long n = ftell(f);
    char *s = calloc(1, (size_t)(n > 0 ? n : 0) + 1);
    rewind(f);
    if (n > 0 && fread(s, 1, (size_t)n, f) != (size_t)n)
        s[0] = 0;
    fclose(f);
    return s;
}

static void expect_trace(const char *test, const char *got, const char *want)
{
    char why[600];
    snprintf(why, sizeof why, "got \"%s\"", got ? got : "(null)");
    check(got && strcmp(got, want) == 0, test, why);
}

static void test_trace(void)
{
    struct guest g = guest_new(65536);
    struct wasi_ctx ctx = {0};
    memcpy(g.mem.base + 0x1000, "hello world!\n", 13);
    put32(&g, 0x100, 0x1000);
    put32(&g, 0x104, 5);
    put32(&g, 0x108, 0x1005);
    put32(&g, 0x10c, 8);
    char *s = traced(&ctx, &g, "fd_write", (uint64_t[]){1, 0x100, 2, 0x200}, true);
    expect_trace("trace_fd_write", s,
                 "> fd_write(fd=1, iovs=*guest 0x100/2)\n"
                 "< nwritten=13 errno=success (No error occurred; the call completed successfully.)\n");
    free(s);
    s = traced(&ctx, &g, "fd_write", (uint64_t[]){1, 0x100, 2, 0x200}, false);
    expect_trace("trace_off_is_silent", s, "");
    free(s);
    s = traced(&ctx, &g, "fd_seek", (uint64_t[]){3, (uint64_t)-5, 7, 0x10}, true);
    expect_trace("trace_invalid_enum", s,
                 "> fd_seek(fd=3, offset=-5, whence=<invalid 7>)\n"
                 "< errno=inval (An argument is not valid.)\n");
    free(s);
    memcpy(g.mem.base + 0x300, "a/\"b\"", 5);
    s = traced(&ctx, &g, "path_open",
               (uint64_t[]){3, 1, 0x300, 5, WASI_OFLAGS_CREAT | WASI_OFLAGS_TRUNC,
                            WASI_RIGHTS_FD_READ | WASI_RIGHTS_FD_WRITE, 0, 0x40, 0x20},
               true);
    expect_trace("trace_path_open", s,
                 "> path_open(fd=3, dirflags=symlink_follow, path=\"a/\\\"b\\\"\", oflags=creat|trunc, "
                 "fs_rights_base=fd_read|fd_write, fs_rights_inheriting=0, fdflags=0x40)\n"
                 "< errno=inval (An argument is not valid.)\n");
    free(s);
    s = traced(&ctx, &g, "fd_fdstat_get", (uint64_t[]){4, 0x20}, true);
    expect_trace("trace_record_result", s,
                 "> fd_fdstat_get(fd=4)\n"
                 "< stat={fs_filetype=regular_file, fs_flags=append|nonblock, "
                 "fs_rights_base=fd_read|sock_accept, fs_rights_inheriting=fd_datasync|fd_read|"
                 "fd_seek|fd_fdstat_set_flags|fd_sync|fd_tell|fd_write|fd_advise|fd_allocate|"
                 "path_create_directory|path_create_file|path_link_source|path_link_target|"
                 "path_open|fd_readdir|path_readlink|path_rename_source|path_rename_target|"
                 "path_filestat_get|path_filestat_set_size|path_filestat_set_times|"
                 "fd_filestat_get|fd_filestat_set_size|fd_filestat_set_times|path_symlink|"
                 "path_remove_directory|path_unlink_file|poll_fd_readwrite|sock_shutdown|"
                 "sock_accept} errno=success (No error occurred; the call completed successfully.)\n");
    free(s);
    s = traced(&ctx, &g, "random_get", (uint64_t[]){0xfff0, 0x20}, true);
    expect_trace("trace_bad_buffer", s,
                 "> random_get(buf=*guest 0xfff0/32)\n"
                 "< errno=fault (A pointer argument points outside the guest's memory.)\n");
    free(s);
    guest_free(&g);
}

int main(void)
{
    test_layouts();
    test_load_store();
    test_fd_write();
    test_enums_and_flags();
    test_records();
    test_strings();
    test_implied_lengths();
    test_poll();
    test_import_table();
    test_trace();
    return failures ? 1 : 0;
}
