/* WASI fd_* functions: reading and writing straight between host descriptors
 * and guest memory, offsets, flags and rights, file attributes, directory
 * listing with resumable cookies, and moving or closing table entries. */
#define _GNU_SOURCE /* IOV_MAX */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "wasi/wasi.h"
#include "wasi_impl.h"

/* ---- Guest buffers as host iovecs ---- */

/* Where a transfer is in the guest's buffer list (exactly one of r, w). */
struct iov_cursor {
    const wasi_iovec_t *r;
    const wasi_ciovec_t *w;
    uint32_t n, pos;
};

/* Fill out[] (room for IOV_MAX) from the guest buffers at cur->pos onwards:
 * empty buffers are skipped so they never look like end of file, and the
 * byte total stays within budget so the count fits the guest's 32-bit size.
 * A buffer cut by the budget is not consumed. Returns the byte total. */
static size_t gather(const struct wasi_guest_memory *mem, struct iov_cursor *cur,
                     uint64_t budget, struct iovec *out, int *nout)
{
    size_t total = 0;
    int k = 0;
    while (cur->pos < cur->n && k < IOV_MAX && total < budget) {
        uint32_t buf = cur->r ? cur->r[cur->pos].buf : cur->w[cur->pos].buf;
        uint32_t len = cur->r ? cur->r[cur->pos].buf_len : cur->w[cur->pos].buf_len;
        if (len == 0) {
            cur->pos++;
            continue;
        }
        uint64_t take = len < budget - total ? len : budget - total;
        out[k].iov_base = wasi_guest_ptr(mem, buf);
        out[k].iov_len = (size_t)take;
        k++;
        total += (size_t)take;
        if (take < len)
            break;
        cur->pos++;
    }
    *nout = k;
    return total;
}

/* Writing to a pipe whose reader is gone raises SIGPIPE, whose default
 * action would end wisp itself rather than report to the guest. Block it
 * for the call and swallow the one our write caused, so the guest sees
 * errno pipe; a SIGPIPE that was already pending stays pending. */
static ssize_t writev_nosigpipe(int fd, const struct iovec *v, int n)
{
    sigset_t pipe_set, old, pending;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
    sigpending(&pending);
    bool was_pending = sigismember(&pending, SIGPIPE);
    ssize_t r = writev(fd, v, n);
    int saved = errno;
    if (r < 0 && saved == EPIPE && !was_pending) {
        const struct timespec zero = {0, 0};
        while (sigtimedwait(&pipe_set, NULL, &zero) < 0 && errno == EINTR)
            ;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    errno = saved;
    return r;
}

enum xfer { XFER_READ, XFER_WRITE, XFER_PREAD, XFER_PWRITE };

/* Move bytes between f and the guest buffers, one host call per IOV_MAX
 * buffers. Regular files and block devices go on to the next batch while
 * each one completes; anything else stops after one call, because a second
 * read of a pipe or socket could block although data was already there.
 * An error after some bytes moved ends the call with the short count; the
 * guest's next call sees the error. */
static wasi_errno_t transfer(const struct wasi_guest_memory *mem, struct wasi_fd *f,
                             struct iov_cursor *cur, enum xfer kind, uint64_t offset,
                             wasi_size_t *result)
{
    struct iovec v[IOV_MAX];
    const bool batches = f->type == WASI_FILETYPE_REGULAR_FILE ||
                         f->type == WASI_FILETYPE_BLOCK_DEVICE;
    uint64_t done = 0;
    for (;;) {
        int k;
        size_t want = gather(mem, cur, UINT32_MAX - done, v, &k);
        if (k == 0)
            break;
        if ((kind == XFER_PREAD || kind == XFER_PWRITE) && offset + done > INT64_MAX) {
            if (done)
                break;
            return WASI_ERRNO_INVAL;
        }
        const off_t at = (off_t)(offset + done);
        ssize_t got;
        do {
            switch (kind) {
            case XFER_READ:
                got = readv(f->host, v, k);
                break;
            case XFER_PREAD:
                got = preadv(f->host, v, k, at);
                break;
            case XFER_PWRITE:
                got = pwritev(f->host, v, k, at);
                break;
            default:
                if (wasi_is_socket(f->type)) {
                    struct msghdr msg = {.msg_iov = v, .msg_iovlen = (size_t)k};
                    got = sendmsg(f->host, &msg, MSG_NOSIGNAL);
                } else if (f->type == WASI_FILETYPE_UNKNOWN) {
                    got = writev_nosigpipe(f->host, v, k); /* FIFOs have no type */
                } else {
                    got = writev(f->host, v, k);
                }
                break;
            }
        } while (got < 0 && errno == EINTR);
        if (got < 0) {
            if (done)
                break;
            return wasi_errno_from_host(errno);
        }
        done += (uint64_t)got;
        if ((size_t)got < want || !batches)
            break;
    }
    *result = (wasi_size_t)done;
    return WASI_ERRNO_SUCCESS;
}

/* ---- Rights helpers ---- */

/* Reading or writing a directory's contents cannot work whatever its
 * rights, so that is reported as isdir before rights are looked at. */
static wasi_errno_t lookup_contents(struct wasi_ctx *ctx, wasi_fd_t fd, wasi_rights_t need,
                                    struct wasi_fd **out)
{
    struct wasi_fd *f;
    wasi_errno_t err = wasi_fd_lookup(ctx, fd, 0, &f);
    if (err)
        return err;
    if (f->type == WASI_FILETYPE_DIRECTORY)
        return WASI_ERRNO_ISDIR;
    if ((f->base & need) != need)
        return WASI_ERRNO_NOTCAPABLE;
    *out = f;
    return WASI_ERRNO_SUCCESS;
}

/* A descriptor without the seek right: spipe when the host cannot seek it
 * anyway (pipes, sockets, terminals), which is the more useful answer,
 * notcapable otherwise. */
static wasi_errno_t no_seek_right(const struct wasi_fd *f)
{
    if (lseek(f->host, 0, SEEK_CUR) < 0 && errno == ESPIPE)
        return WASI_ERRNO_SPIPE;
    return WASI_ERRNO_NOTCAPABLE;
}

/* ---- Reading and writing ---- */

wasi_errno_t wasi_impl_fd_read(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, const wasi_iovec_t *iovs, uint32_t iovs_len, wasi_size_t *nread)
{
    struct wasi_fd *f;
    wasi_errno_t err = lookup_contents(ctx, fd, WASI_RIGHTS_FD_READ, &f);
    if (err)
        return err;
    struct iov_cursor cur = {.r = iovs, .n = iovs_len};
    return transfer(mem, f, &cur, XFER_READ, 0, nread);
}

wasi_errno_t wasi_impl_fd_write(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, const wasi_ciovec_t *iovs, uint32_t iovs_len, wasi_size_t *nwritten)
{
    struct wasi_fd *f;
    wasi_errno_t err = lookup_contents(ctx, fd, WASI_RIGHTS_FD_WRITE, &f);
    if (err)
        return err;
    struct iov_cursor cur = {.w = iovs, .n = iovs_len};
    return transfer(mem, f, &cur, XFER_WRITE, 0, nwritten);
}

/* pread and pwrite: the transfer right plus fd_seek, at an offset. */
static wasi_errno_t positioned(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem, wasi_fd_t fd,
                               wasi_rights_t right, struct iov_cursor *cur, enum xfer kind,
                               wasi_filesize_t offset, wasi_size_t *done)
{
    struct wasi_fd *f;
    wasi_errno_t err = lookup_contents(ctx, fd, right, &f);
    if (err)
        return err;
    if (!(f->base & WASI_RIGHTS_FD_SEEK))
        return no_seek_right(f);
    if (offset > INT64_MAX)
        return WASI_ERRNO_INVAL;
    return transfer(mem, f, cur, kind, offset, done);
}

wasi_errno_t wasi_impl_fd_pread(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, const wasi_iovec_t *iovs, uint32_t iovs_len, wasi_filesize_t offset, wasi_size_t *nread)
{
    struct iov_cursor cur = {.r = iovs, .n = iovs_len};
    return positioned(ctx, mem, fd, WASI_RIGHTS_FD_READ, &cur, XFER_PREAD, offset, nread);
}

/* Linux ignores the offset of pwrite on an O_APPEND descriptor and appends;
 * preview1 inherits that (pwritev2's RWF_NOAPPEND is too new to rely on). */
wasi_errno_t wasi_impl_fd_pwrite(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, const wasi_ciovec_t *iovs, uint32_t iovs_len, wasi_filesize_t offset, wasi_size_t *nwritten)
{
    struct iov_cursor cur = {.w = iovs, .n = iovs_len};
    return positioned(ctx, mem, fd, WASI_RIGHTS_FD_WRITE, &cur, XFER_PWRITE, offset, nwritten);
}

/* ---- Offsets ---- */

wasi_errno_t wasi_impl_fd_seek(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, wasi_filedelta_t offset, wasi_whence_t whence, wasi_filesize_t *newoffset)
{
    (void)mem;
    struct wasi_fd *f;
    wasi_errno_t err = wasi_fd_lookup(ctx, fd, 0, &f);
    if (err)
        return err;
    /* A seek that leaves the offset alone is a tell, which fd_tell allows. */
    const bool tell_only = offset == 0 && whence == WASI_WHENCE_CUR;
    if (!(f->base & WASI_RIGHTS_FD_SEEK) && !(tell_only && (f->base & WASI_RIGHTS_FD_TELL)))
        return no_seek_right(f);
    int host_whence = whence == WASI_WHENCE_SET ? SEEK_SET
                    : whence == WASI_WHENCE_CUR ? SEEK_CUR : SEEK_END;
    off_t r = lseek(f->host, (off_t)offset, host_whence);
    if (r < 0)
        return wasi_errno_from_host(errno); /* a negative result is EINVAL */
    *newoffset = (wasi_filesize_t)r;
    return WASI_ERRNO_SUCCESS;
}

wasi_errno_t wasi_impl_fd_tell(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, wasi_filesize_t *offset)
{
    (void)mem;
    struct wasi_fd *f;
    wasi_errno_t err = wasi_fd_lookup(ctx, fd, 0, &f);
    if (err)
        return err;
    if (!(f->base & (WASI_RIGHTS_FD_TELL | WASI_RIGHTS_FD_SEEK)))
        return no_seek_right(f);
    off_t r = lseek(f->host, 0, SEEK_CUR);
    if (r < 0)
        return wasi_errno_from_host(errno);
    *offset = (wasi_filesize_t)r;
    return WASI_ERRNO_SUCCESS;
}

/* ---- Hints, space, durability ---- */

wasi_errno_t wasi_impl_fd_advise(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, wasi_filesize_t offset, wasi_filesize_t len, wasi_advice_t advice)
{
    (void)mem;
    struct wasi_fd *f;
    /* A directory has no fd_advise right: notcapable (Linux would accept
     * the call, POSIX names no error for it). */
    wasi_errno_t err = wasi_fd_lookup(ctx, fd, WASI_RIGHTS_FD_ADVISE, &f);
    if (err)
        return err;
    if (offset > INT64_MAX || len > INT64_MAX)
        return WASI_ERRNO_INVAL;
    static const int host_advice[WASI_ADVICE__COUNT] = {
        POSIX_FADV_NORMAL, POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
        POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE,
    };
    /* Returns the error number itself rather than setting errno. */
    int e = posix_fadvise(f->host, (off_t)offset, (off_t)len, host_advice[advice]);
    return wasi_errno_from_host(e);
}

wasi_errno_t wasi_impl_fd_allocate(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, wasi_filesize_t offset, wasi_filesize_t len)
{
    (void)mem;
    struct wasi_fd *f;
    wasi_errno_t err = lookup_contents(ctx, fd, WASI_RIGHTS_FD_ALLOCATE, &f);
    if (err)
        return err;
    if (offset > INT64_MAX || len > INT64_MAX - offset)
        return WASI_ERRNO_FBIG;
    int e;
    do /* returns the error number itself rather than setting errno */
        e = posix_fallocate(f->host, (off_t)offset, (off_t)len);
    while (e == EINTR);
    return wasi_errno_from_host(e);
}

wasi_errno_t wasi_impl_fd_datasync(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd)
{
    (void)mem;
    struct wasi_fd *f;
    wasi_errno_t err = wasi_fd_lookup(ctx, fd, WASI_RIGHTS_FD_DATASYNC, &f);
    if (err)
        return err;
    return fdatasync(f->host) == 0 ? WASI_ERRNO_SUCCESS : wasi_errno_from_host(errno);
}

wasi_errno_t wasi_impl_fd_sync(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd)
{
    (void)mem;
    struct wasi_fd *f;
    wasi_errno_t err = wasi_fd_lookup(ctx, fd, WASI_RIGHTS_FD_SYNC, &f);
    if (err)
        return err;
    return fsync(f->host) == 0 ? WASI_ERRNO_SUCCESS : wasi_errno_from_host(errno);
}

/* ---- Flags and rights ---- */

/* Linux has O_SYNC include O_DSYNC's bit and O_RSYNC equal O_SYNC, so the
 * host can tell three states apart: none, data sync, full sync. Full sync
 * is reported as sync alone, data sync as dsync; rsync is never reported
 * because the host does not know it. */
static wasi_fdflags_t sync_flags_from_host(int fl)
{
    if ((fl & O_SYNC) == O_SYNC)
        return WASI_FDFLAGS_SYNC;
    if (fl & O_DSYNC)
        return WASI_FDFLAGS_DSYNC;
    return 0;
}

/* The host state a set of preview1 sync flags asks for (see above). */
static wasi_fdflags_t sync_state_wanted(wasi_fdflags_t flags)
{
    if (flags & (WASI_FDFLAGS_SYNC | WASI_FDFLAGS_RSYNC))
        return WASI_FDFLAGS_SYNC;
    return flags & WASI_FDFLAGS_DSYNC;
}

wasi_errno_t wasi_impl_fd_fdstat_get(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, wasi_fdstat_t *stat)
{
    (void)mem;
    struct wasi_fd *f;
    wasi_errno_t err = wasi_fd_lookup(ctx, fd, 0, &f);
    if (err)
        return err;
    int fl = fcntl(f->host, F_GETFL);
    if (fl < 0)
        return wasi_errno_from_host(errno);
    memset(stat, 0, sizeof *stat);
    stat->fs_filetype = f->type;
    stat->fs_flags = sync_flags_from_host(fl);
    if (fl & O_APPEND)
        stat->fs_flags |= WASI_FDFLAGS_APPEND;
    if (fl & O_NONBLOCK)
        stat->fs_flags |= WASI_FDFLAGS_NONBLOCK;
    stat->fs_rights_base = f->base;
    stat->fs_rights_inheriting = f->inheriting;
    return WASI_ERRNO_SUCCESS;
}

/* Linux cannot change O_SYNC/O_DSYNC after open (F_SETFL ignores them), so
 * asking for a different sync state gives notsup instead of pretending;
 * repeating the current one is fine, as fd_fdstat_get's flags come back. */
wasi_errno_t wasi_impl_fd_fdstat_set_flags(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, wasi_fdflags_t flags)
{
    (void)mem;
    struct wasi_fd *f;
    wasi_errno_t err = wasi_fd_lookup(ctx, fd, WASI_RIGHTS_FD_FDSTAT_SET_FLAGS, &f);
    if (err)
        return err;
    int fl = fcntl(f->host, F_GETFL);
    if (fl < 0)
        return wasi_errno_from_host(errno);
    if (sync_state_wanted(flags) != sync_flags_from_host(fl))
        return WASI_ERRNO_NOTSUP;
    int want = fl & ~(O_APPEND | O_NONBLOCK);
    if (flags & WASI_FDFLAGS_APPEND)
        want |= O_APPEND;
    if (flags & WASI_FDFLAGS_NONBLOCK)
        want |= O_NONBLOCK;
    if (want != fl && fcntl(f->host, F_SETFL, want) != 0)
        return wasi_errno_from_host(errno);
    return WASI_ERRNO_SUCCESS;
}

wasi_errno_t wasi_impl_fd_fdstat_set_rights(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, wasi_rights_t fs_rights_base, wasi_rights_t fs_rights_inheriting)
{
    (void)mem;
    struct wasi_fd *f;
    wasi_errno_t err = wasi_fd_lookup(ctx, fd, 0, &f);
    if (err)
        return err;
    /* Rights only ever shrink: nothing the guest does can win one back. */
    if ((fs_rights_base & ~f->base) || (fs_rights_inheriting & ~f->inheriting))
        return WASI_ERRNO_NOTCAPABLE;
    f->base = fs_rights_base;
    f->inheriting = fs_rights_inheriting;
    return WASI_ERRNO_SUCCESS;
}

/* ---- Attributes ---- */

wasi_errno_t wasi_impl_fd_filestat_get(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, wasi_filestat_t *stat)
{
    (void)mem;
    struct wasi_fd *f;
    wasi_errno_t err = wasi_fd_lookup(ctx, fd, WASI_RIGHTS_FD_FILESTAT_GET, &f);
    if (err)
        return err;
    struct stat st;
    if (fstat(f->host, &st) != 0)
        return wasi_errno_from_host(errno);
    wasi_filestat_from_stat(&st, stat);
    /* The mode cannot tell a datagram socket from a stream one; the entry
     * knows (fd_fdstat_get agrees). */
    if (wasi_is_socket(f->type))
        stat->filetype = f->type;
    return WASI_ERRNO_SUCCESS;
}

wasi_errno_t wasi_impl_fd_filestat_set_size(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, wasi_filesize_t size)
{
    (void)mem;
    struct wasi_fd *f;
    wasi_errno_t err = lookup_contents(ctx, fd, WASI_RIGHTS_FD_FILESTAT_SET_SIZE, &f);
    if (err)
        return err;
    if (size > INT64_MAX)
        return WASI_ERRNO_FBIG;
    int r;
    do
        r = ftruncate(f->host, (off_t)size);
    while (r != 0 && errno == EINTR);
    return r == 0 ? WASI_ERRNO_SUCCESS : wasi_errno_from_host(errno);
}

wasi_errno_t wasi_impl_fd_filestat_set_times(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, wasi_timestamp_t atim, wasi_timestamp_t mtim, wasi_fstflags_t fst_flags)
{
    (void)mem;
    struct wasi_fd *f;
    wasi_errno_t err = wasi_fd_lookup(ctx, fd, WASI_RIGHTS_FD_FILESTAT_SET_TIMES, &f);
    if (err)
        return err;
    struct timespec ts[2];
    if ((err = wasi_host_times(atim, mtim, fst_flags, ts)))
        return err;
    return futimens(f->host, ts) == 0 ? WASI_ERRNO_SUCCESS : wasi_errno_from_host(errno);
}

/* ---- The table itself ---- */

wasi_errno_t wasi_impl_fd_close(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd)
{
    (void)mem;
    struct wasi_fd *f;
    wasi_errno_t err = wasi_fd_lookup(ctx, fd, 0, &f);
    if (err)
        return err;
    /* Preopens and stdio may be closed too; the number becomes free. The
     * host close's own errors are not reported: the descriptor is gone
     * either way on Linux, and retrying would be wrong. */
    wasi_fd_release(f);
    return WASI_ERRNO_SUCCESS;
}

wasi_errno_t wasi_impl_fd_renumber(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, wasi_fd_t to)
{
    (void)mem;
    struct wasi_fd *from, *target;
    wasi_errno_t err = wasi_fd_lookup(ctx, fd, 0, &from);
    if (err)
        return err;
    if ((err = wasi_fd_lookup(ctx, to, 0, &target)))
        return err;
    if (fd == to)
        return WASI_ERRNO_SUCCESS;
    /* The whole entry moves, preopen name, rights and directory stream
     * included, so the number `to` afterwards means exactly what `fd` did
     * and nothing of what `to` was (a preopen's name must not stay behind
     * on a file). */
    wasi_fd_release(target);
    *target = *from;
    memset(from, 0, sizeof *from);
    from->host = -1;
    return WASI_ERRNO_SUCCESS;
}

wasi_errno_t wasi_impl_fd_prestat_get(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, wasi_prestat_t *prestat)
{
    (void)mem;
    struct wasi_fd *f;
    wasi_errno_t err = wasi_fd_lookup(ctx, fd, 0, &f);
    if (err)
        return err;
    if (!f->preopen)
        return WASI_ERRNO_BADF; /* wasi-libc's preopen scan stops at the first badf */
    memset(prestat, 0, sizeof *prestat);
    prestat->tag = WASI_PREOPENTYPE_DIR;
    prestat->u.dir.pr_name_len = f->preopen_len;
    return WASI_ERRNO_SUCCESS;
}

/* The name is copied without a terminator (pr_name_len bytes, what
 * wasi-libc asks for); a buffer too small for it gives nametoolong rather
 * than a silently cut name. */
wasi_errno_t wasi_impl_fd_prestat_dir_name(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, uint8_t *path, wasi_size_t path_len)
{
    (void)mem;
    struct wasi_fd *f;
    wasi_errno_t err = wasi_fd_lookup(ctx, fd, 0, &f);
    if (err)
        return err;
    if (!f->preopen)
        return WASI_ERRNO_BADF;
    if (path_len < f->preopen_len)
        return WASI_ERRNO_NAMETOOLONG;
    if (f->preopen_len)
        memcpy(path, f->preopen, f->preopen_len);
    return WASI_ERRNO_SUCCESS;
}

/* ---- Directory listing ---- */

static wasi_filetype_t filetype_from_dirent(DIR *d, const struct dirent *de)
{
    switch (de->d_type) {
    case DT_REG: return WASI_FILETYPE_REGULAR_FILE;
    case DT_DIR: return WASI_FILETYPE_DIRECTORY;
    case DT_LNK: return WASI_FILETYPE_SYMBOLIC_LINK;
    case DT_CHR: return WASI_FILETYPE_CHARACTER_DEVICE;
    case DT_BLK: return WASI_FILETYPE_BLOCK_DEVICE;
    case DT_SOCK: return WASI_FILETYPE_SOCKET_STREAM;
    case DT_UNKNOWN: {
        /* Some file systems leave the type to a stat of the entry. */
        struct stat st;
        if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            return WASI_FILETYPE_UNKNOWN;
        return wasi_filetype_from_mode(st.st_mode);
    }
    default: return WASI_FILETYPE_UNKNOWN; /* FIFOs and others */
    }
}

/* Cookies are the host's telldir() positions: 0 is the start, and each
 * entry's d_next is the position after it, so a guest resumes after the
 * last whole entry it got by passing that entry's d_next back. The stream
 * lives over its own open file description (a fresh openat of "."), so its
 * position is independent of the guest's fd offset. */
wasi_errno_t wasi_impl_fd_readdir(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, uint8_t *buf, wasi_size_t buf_len, wasi_dircookie_t cookie, wasi_size_t *bufused)
{
    (void)mem;
    struct wasi_fd *f;
    wasi_errno_t err = wasi_fd_lookup(ctx, fd, 0, &f);
    if (err)
        return err;
    if (f->type != WASI_FILETYPE_DIRECTORY)
        return WASI_ERRNO_NOTDIR; /* whatever its rights, as for fd_read on a directory */
    if (!(f->base & WASI_RIGHTS_FD_READDIR))
        return WASI_ERRNO_NOTCAPABLE;
    if (cookie > LONG_MAX)
        return WASI_ERRNO_INVAL; /* never a position telldir() gave out */
    if (!f->dir) {
        int dfd = openat(f->host, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0)
            return wasi_errno_from_host(errno);
        f->dir = fdopendir(dfd);
        if (!f->dir) {
            int e = errno;
            close(dfd);
            return wasi_errno_from_host(e);
        }
    }
    if (cookie == 0)
        rewinddir(f->dir);
    else
        seekdir(f->dir, (long)cookie);

    uint32_t used = 0;
    while (used < buf_len) {
        errno = 0;
        struct dirent *de = readdir(f->dir);
        if (!de) {
            if (errno && used == 0)
                return wasi_errno_from_host(errno);
            break; /* the end, or an error the next call will report */
        }
        size_t namlen = strlen(de->d_name);
        struct wasi_dirent h = {
            .d_next = (wasi_dircookie_t)telldir(f->dir),
            .d_ino = (wasi_inode_t)de->d_ino,
            .d_namlen = (wasi_dirnamlen_t)namlen,
            .d_type = filetype_from_dirent(f->dir, de),
        };
        /* The header goes through a temporary because the buffer may end
         * inside it. */
        uint8_t hdr[WASI_DIRENT_SIZE];
        wasi_dirent_store(hdr, &h);
        uint32_t n = buf_len - used < WASI_DIRENT_SIZE ? buf_len - used : WASI_DIRENT_SIZE;
        memcpy(buf + used, hdr, n);
        used += n;
        n = buf_len - used < namlen ? buf_len - used : (uint32_t)namlen;
        memcpy(buf + used, de->d_name, n);
        used += n;
    }
    *bufused = used;
    return WASI_ERRNO_SUCCESS;
}
