/* Test-only implementations of wasi_impl_* functions, so the generated glue
 * can be linked and exercised without src/wasi/. The ones here do enough
 * real work to check the glue's decoding and result stores; every other
 * function declared in the witx gets a weak stub generated from it
 * (`witxgen --stubs`, linked by test_codegen.sh and test_glue.sh), so a new
 * witx function needs nothing here. Every implementation, stub or not,
 * counts its calls in the ctx: the glue tests check that a rejected call
 * never reaches the implementation. */
#include <string.h>

#include "stub_impl.h"

#define CALLED(name) (ctx->calls++, ctx->last = (name))

/* What the generated stubs call: count the call, return ctx->ret. */
uint64_t wasi_stub_called(struct wasi_ctx *ctx, const char *module, const char *name);
uint64_t wasi_stub_called(struct wasi_ctx *ctx, const char *module, const char *name)
{
    (void)module;
    CALLED(name);
    return ctx->ret;
}

static wasi_errno_t sizes(const char *const *strs, uint32_t n, wasi_size_t *count, wasi_size_t *bytes)
{
    *count = n;
    *bytes = 0;
    for (uint32_t i = 0; i < n; i++)
        *bytes += (wasi_size_t)strlen(strs[i]) + 1;
    return WASI_ERRNO_SUCCESS;
}

/* argv-style output through guest addresses the glue checked against the
 * sizes the matching *_sizes_get reports. */
static void put_strings(const struct wasi_guest_memory *mem, const char *const *strs, uint32_t n,
                        uint32_t ptrs, uint32_t buf)
{
    for (uint32_t i = 0; i < n; i++) {
        size_t len = strlen(strs[i]) + 1;
        wasi_le_store_u32(wasi_guest_ptr(mem, ptrs + 4 * (uint64_t)i), buf);
        memcpy(wasi_guest_ptr(mem, buf), strs[i], len);
        buf += (uint32_t)len;
    }
}

wasi_errno_t wasi_impl_args_get(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    uint32_t argv, uint32_t argv_buf)
{
    CALLED("args_get");
    put_strings(mem, ctx->argv, ctx->argc, argv, argv_buf);
    return WASI_ERRNO_SUCCESS;
}

wasi_errno_t wasi_impl_args_sizes_get(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_size_t *argc, wasi_size_t *argv_buf_size)
{
    (void)mem;
    ctx->sizes_calls++;
    return sizes(ctx->argv, ctx->argc, argc, argv_buf_size);
}

wasi_errno_t wasi_impl_environ_get(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    uint32_t environ, uint32_t environ_buf)
{
    CALLED("environ_get");
    put_strings(mem, ctx->env, ctx->envc, environ, environ_buf);
    return WASI_ERRNO_SUCCESS;
}

wasi_errno_t wasi_impl_environ_sizes_get(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_size_t *environc, wasi_size_t *environ_buf_size)
{
    (void)mem;
    ctx->sizes_calls++;
    return sizes(ctx->env, ctx->envc, environc, environ_buf_size);
}

wasi_errno_t wasi_impl_clock_res_get(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_clockid_t id, wasi_timestamp_t *resolution)
{
    (void)mem;
    (void)id;
    CALLED("clock_res_get");
    *resolution = 1000;
    return ctx->ret;
}

wasi_errno_t wasi_impl_clock_time_get(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_clockid_t id, wasi_timestamp_t precision, wasi_timestamp_t *time)
{
    (void)mem;
    (void)precision;
    CALLED("clock_time_get");
    *time = 0x0102030405060708ull + id;
    return ctx->ret;
}

wasi_errno_t wasi_impl_fd_fdstat_get(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, wasi_fdstat_t *stat)
{
    (void)mem;
    CALLED("fd_fdstat_get");
    stat->fs_filetype = fd == 3 ? WASI_FILETYPE_DIRECTORY : WASI_FILETYPE_REGULAR_FILE;
    stat->fs_flags = WASI_FDFLAGS_APPEND | WASI_FDFLAGS_NONBLOCK;
    stat->fs_rights_base = WASI_RIGHTS_FD_READ | WASI_RIGHTS_SOCK_ACCEPT;
    stat->fs_rights_inheriting = WASI_RIGHTS__ALL;
    return ctx->ret;
}

static void fill_filestat(wasi_filestat_t *stat)
{
    stat->dev = 1;
    stat->ino = 2;
    stat->filetype = WASI_FILETYPE_SYMBOLIC_LINK;
    stat->nlink = 3;
    stat->size = 4;
    stat->atim = 5;
    stat->mtim = 6;
    stat->ctim = 0x1122334455667788ull;
}

wasi_errno_t wasi_impl_fd_filestat_get(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, wasi_filestat_t *stat)
{
    (void)mem;
    (void)fd;
    CALLED("fd_filestat_get");
    fill_filestat(stat);
    return ctx->ret;
}

/* Reads fill every buffer with 'r'; the glue promised each is in bounds. */
static wasi_size_t fill_iovs(const struct wasi_guest_memory *mem, const wasi_iovec_t *iovs,
                             uint32_t n)
{
    wasi_size_t total = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (iovs[i].buf_len)
            memset(wasi_guest_ptr(mem, iovs[i].buf), 'r', iovs[i].buf_len);
        total += iovs[i].buf_len;
    }
    return total;
}

/* Writes append the bytes to ctx->written, reading them where the glue
 * promised they are. */
static wasi_size_t take_ciovs(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
                              const wasi_ciovec_t *iovs, uint32_t n)
{
    wasi_size_t total = 0;
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *p = wasi_guest_ptr(mem, iovs[i].buf);
        for (uint32_t k = 0; k < iovs[i].buf_len; k++)
            if (ctx->nwritten < sizeof ctx->written)
                ctx->written[ctx->nwritten++] = (char)p[k];
        total += iovs[i].buf_len;
    }
    return total;
}

wasi_errno_t wasi_impl_fd_pread(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, const wasi_iovec_t *iovs, uint32_t iovs_len, wasi_filesize_t offset,
    wasi_size_t *nread)
{
    (void)fd;
    (void)offset;
    CALLED("fd_pread");
    *nread = fill_iovs(mem, iovs, iovs_len);
    return ctx->ret;
}

wasi_errno_t wasi_impl_fd_prestat_get(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, wasi_prestat_t *prestat)
{
    (void)mem;
    (void)fd;
    CALLED("fd_prestat_get");
    prestat->tag = WASI_PREOPENTYPE_DIR;
    prestat->u.dir.pr_name_len = 7;
    return ctx->ret;
}

wasi_errno_t wasi_impl_fd_prestat_dir_name(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, uint8_t *path, wasi_size_t path_len)
{
    (void)mem;
    (void)fd;
    CALLED("fd_prestat_dir_name");
    memset(path, 'p', path_len);
    return ctx->ret;
}

wasi_errno_t wasi_impl_fd_pwrite(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, const wasi_ciovec_t *iovs, uint32_t iovs_len, wasi_filesize_t offset,
    wasi_size_t *nwritten)
{
    (void)fd;
    (void)offset;
    CALLED("fd_pwrite");
    *nwritten = take_ciovs(ctx, mem, iovs, iovs_len);
    return ctx->ret;
}

wasi_errno_t wasi_impl_fd_read(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, const wasi_iovec_t *iovs, uint32_t iovs_len, wasi_size_t *nread)
{
    (void)fd;
    CALLED("fd_read");
    *nread = fill_iovs(mem, iovs, iovs_len);
    return ctx->ret;
}

wasi_errno_t wasi_impl_fd_readdir(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, uint8_t *buf, wasi_size_t buf_len, wasi_dircookie_t cookie, wasi_size_t *bufused)
{
    (void)mem;
    (void)fd;
    (void)cookie;
    CALLED("fd_readdir");
    /* One entry named "a", through the generated store helper. */
    wasi_dirent_t d = {.d_next = 1, .d_ino = 42, .d_namlen = 1, .d_type = WASI_FILETYPE_REGULAR_FILE};
    *bufused = 0;
    if (buf_len >= WASI_DIRENT_SIZE + 1) {
        wasi_dirent_store(buf, &d);
        buf[WASI_DIRENT_SIZE] = 'a';
        *bufused = WASI_DIRENT_SIZE + 1;
    }
    return ctx->ret;
}

wasi_errno_t wasi_impl_fd_seek(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, wasi_filedelta_t offset, wasi_whence_t whence, wasi_filesize_t *newoffset)
{
    (void)mem;
    (void)fd;
    CALLED("fd_seek");
    *newoffset = (wasi_filesize_t)(offset + 100 * whence);
    return ctx->ret;
}

wasi_errno_t wasi_impl_fd_tell(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, wasi_filesize_t *offset)
{
    (void)mem;
    (void)fd;
    CALLED("fd_tell");
    *offset = 77;
    return ctx->ret;
}

wasi_errno_t wasi_impl_fd_write(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, const wasi_ciovec_t *iovs, uint32_t iovs_len, wasi_size_t *nwritten)
{
    (void)fd;
    CALLED("fd_write");
    *nwritten = take_ciovs(ctx, mem, iovs, iovs_len);
    return ctx->ret;
}

static void keep_path(struct wasi_ctx *ctx, const char *path, uint32_t path_len)
{
    size_t n = path_len < sizeof ctx->path - 1 ? path_len : sizeof ctx->path - 1;
    memcpy(ctx->path, path, n);
    ctx->path[n] = 0;
    ctx->path_terminated = path[path_len] == 0;
}

wasi_errno_t wasi_impl_path_create_directory(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, const char *path, uint32_t path_len)
{
    (void)mem;
    (void)fd;
    CALLED("path_create_directory");
    keep_path(ctx, path, path_len);
    return ctx->ret;
}

wasi_errno_t wasi_impl_path_filestat_get(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, wasi_lookupflags_t flags, const char *path, uint32_t path_len, wasi_filestat_t *stat)
{
    (void)mem;
    (void)fd;
    (void)flags;
    CALLED("path_filestat_get");
    keep_path(ctx, path, path_len);
    fill_filestat(stat);
    return ctx->ret;
}

wasi_errno_t wasi_impl_path_filestat_set_times(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, wasi_lookupflags_t flags, const char *path, uint32_t path_len,
    wasi_timestamp_t atim, wasi_timestamp_t mtim, wasi_fstflags_t fst_flags)
{
    (void)mem;
    (void)fd;
    (void)flags;
    (void)atim;
    (void)mtim;
    (void)fst_flags;
    CALLED("path_filestat_set_times");
    keep_path(ctx, path, path_len);
    return ctx->ret;
}

wasi_errno_t wasi_impl_path_link(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t old_fd, wasi_lookupflags_t old_flags, const char *old_path, uint32_t old_path_len,
    wasi_fd_t new_fd, const char *new_path, uint32_t new_path_len)
{
    (void)mem;
    (void)old_fd;
    (void)old_flags;
    (void)new_fd;
    (void)new_path;
    (void)new_path_len;
    CALLED("path_link");
    keep_path(ctx, old_path, old_path_len);
    return ctx->ret;
}

wasi_errno_t wasi_impl_path_open(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, wasi_lookupflags_t dirflags, const char *path, uint32_t path_len,
    wasi_oflags_t oflags, wasi_rights_t fs_rights_base, wasi_rights_t fs_rights_inheriting,
    wasi_fdflags_t fdflags, wasi_fd_t *opened_fd)
{
    (void)mem;
    (void)fd;
    (void)dirflags;
    (void)oflags;
    (void)fs_rights_base;
    (void)fs_rights_inheriting;
    (void)fdflags;
    CALLED("path_open");
    keep_path(ctx, path, path_len);
    *opened_fd = 9;
    return ctx->ret;
}

wasi_errno_t wasi_impl_path_readlink(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, const char *path, uint32_t path_len, uint8_t *buf, wasi_size_t buf_len,
    wasi_size_t *bufused)
{
    (void)mem;
    (void)fd;
    CALLED("path_readlink");
    keep_path(ctx, path, path_len);
    *bufused = buf_len < 3 ? buf_len : 3;
    memcpy(buf, "abc", *bufused);
    return ctx->ret;
}

wasi_errno_t wasi_impl_path_remove_directory(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, const char *path, uint32_t path_len)
{
    (void)mem;
    (void)fd;
    CALLED("path_remove_directory");
    keep_path(ctx, path, path_len);
    return ctx->ret;
}

wasi_errno_t wasi_impl_path_rename(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, const char *old_path, uint32_t old_path_len, wasi_fd_t new_fd,
    const char *new_path, uint32_t new_path_len)
{
    (void)mem;
    (void)fd;
    (void)new_fd;
    (void)new_path;
    (void)new_path_len;
    CALLED("path_rename");
    keep_path(ctx, old_path, old_path_len);
    return ctx->ret;
}

wasi_errno_t wasi_impl_path_symlink(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    const char *old_path, uint32_t old_path_len, wasi_fd_t fd, const char *new_path,
    uint32_t new_path_len)
{
    (void)mem;
    (void)fd;
    (void)new_path;
    (void)new_path_len;
    CALLED("path_symlink");
    keep_path(ctx, old_path, old_path_len);
    return ctx->ret;
}

wasi_errno_t wasi_impl_path_unlink_file(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, const char *path, uint32_t path_len)
{
    (void)mem;
    (void)fd;
    CALLED("path_unlink_file");
    keep_path(ctx, path, path_len);
    return ctx->ret;
}

/* Every subscription fires at once; ctx->nevents_claim, when set, makes the
 * stub claim more events than there is room for. */
wasi_errno_t wasi_impl_poll_oneoff(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    const wasi_subscription_t *in, wasi_event_t *out, wasi_size_t nsubscriptions,
    wasi_size_t *nevents)
{
    (void)mem;
    CALLED("poll_oneoff");
    if (nsubscriptions == 0)
        return WASI_ERRNO_INVAL;
    for (uint32_t i = 0; i < nsubscriptions; i++) {
        out[i].userdata = in[i].userdata;
        out[i].error = WASI_ERRNO_SUCCESS;
        out[i].type = in[i].u.tag;
        if (in[i].u.tag == WASI_EVENTTYPE_CLOCK) {
            ctx->last_timeout = in[i].u.u.clock.timeout;
        } else {
            out[i].fd_readwrite.nbytes = in[i].u.u.fd_read.file_descriptor;
            out[i].fd_readwrite.flags = WASI_EVENTRWFLAGS_FD_READWRITE_HANGUP;
        }
    }
    *nevents = ctx->nevents_claim ? ctx->nevents_claim : nsubscriptions;
    return ctx->ret;
}

void wasi_impl_proc_exit(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_exitcode_t rval)
{
    (void)mem;
    CALLED("proc_exit");
    ctx->exit_code = (int)rval;
}

wasi_errno_t wasi_impl_random_get(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    uint8_t *buf, wasi_size_t buf_len)
{
    (void)mem;
    CALLED("random_get");
    if (buf_len)
        memset(buf, 0xab, buf_len);
    return ctx->ret;
}

wasi_errno_t wasi_impl_sock_accept(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, wasi_fdflags_t flags, wasi_fd_t *new_fd)
{
    (void)mem;
    (void)flags;
    CALLED("sock_accept");
    *new_fd = fd + 1;
    return ctx->ret;
}

wasi_errno_t wasi_impl_sock_recv(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, const wasi_iovec_t *ri_data, uint32_t ri_data_len, wasi_riflags_t ri_flags,
    wasi_size_t *ro_datalen, wasi_roflags_t *ro_flags)
{
    (void)fd;
    (void)ri_flags;
    CALLED("sock_recv");
    *ro_datalen = fill_iovs(mem, ri_data, ri_data_len);
    *ro_flags = WASI_ROFLAGS_RECV_DATA_TRUNCATED;
    return ctx->ret;
}

wasi_errno_t wasi_impl_sock_send(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, const wasi_ciovec_t *si_data, uint32_t si_data_len, wasi_siflags_t si_flags,
    wasi_size_t *so_datalen)
{
    (void)fd;
    (void)si_flags;
    CALLED("sock_send");
    *so_datalen = take_ciovs(ctx, mem, si_data, si_data_len);
    return ctx->ret;
}

