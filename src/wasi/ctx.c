/* The WASI context: the guest's fd table (its own numbers, never raw host
 * fds), arguments and environment, plus the translations from host facts
 * (errno, stat, file types) to preview1 values that every function shares. */
#include "wasi/wasi.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Far more than any real guest keeps open; the host's RLIMIT_NOFILE usually
 * bites first. It bounds the table a guest can make wisp allocate. */
#define WASI_DEFAULT_MAX_FDS 65536u

static char **copy_strings(const char *const *src, uint32_t n, uint64_t *bytes)
{
    char **out = calloc(n ? n : 1, sizeof *out);
    if (!out)
        return NULL;
    *bytes = 0;
    for (uint32_t i = 0; i < n; i++) {
        out[i] = strdup(src[i]);
        if (!out[i]) {
            for (uint32_t j = 0; j < i; j++)
                free(out[j]);
            free(out);
            return NULL;
        }
        *bytes += strlen(src[i]) + 1;
    }
    return out;
}

static void free_strings(char **s, uint32_t n)
{
    if (!s)
        return;
    for (uint32_t i = 0; i < n; i++)
        free(s[i]);
    free(s);
}

wasi_filetype_t wasi_filetype_from_mode(mode_t mode)
{
    switch (mode & S_IFMT) {
    case S_IFREG: return WASI_FILETYPE_REGULAR_FILE;
    case S_IFDIR: return WASI_FILETYPE_DIRECTORY;
    case S_IFLNK: return WASI_FILETYPE_SYMBOLIC_LINK;
    case S_IFCHR: return WASI_FILETYPE_CHARACTER_DEVICE;
    case S_IFBLK: return WASI_FILETYPE_BLOCK_DEVICE;
    case S_IFSOCK: return WASI_FILETYPE_SOCKET_STREAM;
    default: return WASI_FILETYPE_UNKNOWN; /* FIFOs have no preview1 type */
    }
}

wasi_filetype_t wasi_filetype_of_fd(int host)
{
    struct stat st;
    if (fstat(host, &st) != 0)
        return WASI_FILETYPE_UNKNOWN;
    if (S_ISSOCK(st.st_mode)) {
        int type = 0;
        socklen_t len = sizeof type;
        if (getsockopt(host, SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_DGRAM)
            return WASI_FILETYPE_SOCKET_DGRAM;
        return WASI_FILETYPE_SOCKET_STREAM;
    }
    return wasi_filetype_from_mode(st.st_mode);
}

void wasi_filestat_from_stat(const struct stat *st, wasi_filestat_t *out)
{
    memset(out, 0, sizeof *out);
    out->dev = (wasi_device_t)st->st_dev;
    out->ino = (wasi_inode_t)st->st_ino;
    out->filetype = wasi_filetype_from_mode(st->st_mode);
    out->nlink = (wasi_linkcount_t)st->st_nlink;
    out->size = (wasi_filesize_t)st->st_size;
    out->atim = wasi_timestamp_from(st->st_atim);
    out->mtim = wasi_timestamp_from(st->st_mtim);
    out->ctim = wasi_timestamp_from(st->st_ctim);
}

static struct timespec host_time(wasi_timestamp_t t, bool given, bool now)
{
    struct timespec ts = {0, UTIME_OMIT};
    if (now) {
        ts.tv_nsec = UTIME_NOW;
    } else if (given) {
        ts.tv_sec = (time_t)(t / 1000000000u);
        ts.tv_nsec = (long)(t % 1000000000u);
    }
    return ts;
}

wasi_errno_t wasi_host_times(wasi_timestamp_t atim, wasi_timestamp_t mtim, wasi_fstflags_t fst_flags,
                             struct timespec ts[2])
{
    if (((fst_flags & WASI_FSTFLAGS_ATIM) && (fst_flags & WASI_FSTFLAGS_ATIM_NOW)) ||
        ((fst_flags & WASI_FSTFLAGS_MTIM) && (fst_flags & WASI_FSTFLAGS_MTIM_NOW)))
        return WASI_ERRNO_INVAL;
    ts[0] = host_time(atim, fst_flags & WASI_FSTFLAGS_ATIM, fst_flags & WASI_FSTFLAGS_ATIM_NOW);
    ts[1] = host_time(mtim, fst_flags & WASI_FSTFLAGS_MTIM, fst_flags & WASI_FSTFLAGS_MTIM_NOW);
    return WASI_ERRNO_SUCCESS;
}

wasi_rights_t wasi_rights_for_type(wasi_filetype_t type)
{
    switch (type) {
    case WASI_FILETYPE_DIRECTORY:
        return WASI_RIGHTS_DIR_BASE;
    case WASI_FILETYPE_REGULAR_FILE:
    case WASI_FILETYPE_BLOCK_DEVICE:
        return WASI_RIGHTS_FILE_BASE;
    case WASI_FILETYPE_SOCKET_STREAM:
    case WASI_FILETYPE_SOCKET_DGRAM:
        return WASI_RIGHTS_SOCKET_BASE;
    default:
        return WASI_RIGHTS_STREAM_BASE;
    }
}

wasi_errno_t wasi_errno_from_host(int e)
{
    switch (e) {
    case 0: return WASI_ERRNO_SUCCESS;
    case E2BIG: return WASI_ERRNO_2BIG;
    case EACCES: return WASI_ERRNO_ACCES;
    case EADDRINUSE: return WASI_ERRNO_ADDRINUSE;
    case EADDRNOTAVAIL: return WASI_ERRNO_ADDRNOTAVAIL;
    case EAFNOSUPPORT: return WASI_ERRNO_AFNOSUPPORT;
    case EAGAIN: return WASI_ERRNO_AGAIN;
    case EALREADY: return WASI_ERRNO_ALREADY;
    case EBADF: return WASI_ERRNO_BADF;
    case EBADMSG: return WASI_ERRNO_BADMSG;
    case EBUSY: return WASI_ERRNO_BUSY;
    case ECANCELED: return WASI_ERRNO_CANCELED;
    case ECHILD: return WASI_ERRNO_CHILD;
    case ECONNABORTED: return WASI_ERRNO_CONNABORTED;
    case ECONNREFUSED: return WASI_ERRNO_CONNREFUSED;
    case ECONNRESET: return WASI_ERRNO_CONNRESET;
    case EDEADLK: return WASI_ERRNO_DEADLK;
    case EDESTADDRREQ: return WASI_ERRNO_DESTADDRREQ;
    case EDOM: return WASI_ERRNO_DOM;
    case EDQUOT: return WASI_ERRNO_DQUOT;
    case EEXIST: return WASI_ERRNO_EXIST;
    case EFAULT: return WASI_ERRNO_FAULT;
    case EFBIG: return WASI_ERRNO_FBIG;
    case EHOSTUNREACH: return WASI_ERRNO_HOSTUNREACH;
    case EIDRM: return WASI_ERRNO_IDRM;
    case EILSEQ: return WASI_ERRNO_ILSEQ;
    case EINPROGRESS: return WASI_ERRNO_INPROGRESS;
    case EINTR: return WASI_ERRNO_INTR;
    case EINVAL: return WASI_ERRNO_INVAL;
    case EIO: return WASI_ERRNO_IO;
    case EISCONN: return WASI_ERRNO_ISCONN;
    case EISDIR: return WASI_ERRNO_ISDIR;
    case ELOOP: return WASI_ERRNO_LOOP;
    case EMFILE: return WASI_ERRNO_MFILE;
    case EMLINK: return WASI_ERRNO_MLINK;
    case EMSGSIZE: return WASI_ERRNO_MSGSIZE;
    case EMULTIHOP: return WASI_ERRNO_MULTIHOP;
    case ENAMETOOLONG: return WASI_ERRNO_NAMETOOLONG;
    case ENETDOWN: return WASI_ERRNO_NETDOWN;
    case ENETRESET: return WASI_ERRNO_NETRESET;
    case ENETUNREACH: return WASI_ERRNO_NETUNREACH;
    case ENFILE: return WASI_ERRNO_NFILE;
    case ENOBUFS: return WASI_ERRNO_NOBUFS;
    case ENODEV: return WASI_ERRNO_NODEV;
    case ENOENT: return WASI_ERRNO_NOENT;
    case ENOEXEC: return WASI_ERRNO_NOEXEC;
    case ENOLCK: return WASI_ERRNO_NOLCK;
    case ENOLINK: return WASI_ERRNO_NOLINK;
    case ENOMEM: return WASI_ERRNO_NOMEM;
    case ENOMSG: return WASI_ERRNO_NOMSG;
    case ENOPROTOOPT: return WASI_ERRNO_NOPROTOOPT;
    case ENOSPC: return WASI_ERRNO_NOSPC;
    case ENOSYS: return WASI_ERRNO_NOSYS;
    case ENOTCONN: return WASI_ERRNO_NOTCONN;
    case ENOTDIR: return WASI_ERRNO_NOTDIR;
    case ENOTEMPTY: return WASI_ERRNO_NOTEMPTY;
    case ENOTRECOVERABLE: return WASI_ERRNO_NOTRECOVERABLE;
    case ENOTSOCK: return WASI_ERRNO_NOTSOCK;
    case ENOTSUP: return WASI_ERRNO_NOTSUP; /* == EOPNOTSUPP on Linux */
    case ENOTTY: return WASI_ERRNO_NOTTY;
    case ENXIO: return WASI_ERRNO_NXIO;
    case EOVERFLOW: return WASI_ERRNO_OVERFLOW;
    case EOWNERDEAD: return WASI_ERRNO_OWNERDEAD;
    case EPERM: return WASI_ERRNO_PERM;
    case EPIPE: return WASI_ERRNO_PIPE;
    case EPROTO: return WASI_ERRNO_PROTO;
    case EPROTONOSUPPORT: return WASI_ERRNO_PROTONOSUPPORT;
    case EPROTOTYPE: return WASI_ERRNO_PROTOTYPE;
    case ERANGE: return WASI_ERRNO_RANGE;
    case EROFS: return WASI_ERRNO_ROFS;
    case ESPIPE: return WASI_ERRNO_SPIPE;
    case ESRCH: return WASI_ERRNO_SRCH;
    case ESTALE: return WASI_ERRNO_STALE;
    case ETIMEDOUT: return WASI_ERRNO_TIMEDOUT;
    case ETXTBSY: return WASI_ERRNO_TXTBSY;
    case EXDEV: return WASI_ERRNO_XDEV;
    default: return WASI_ERRNO_IO; /* a host error preview1 has no name for */
    }
}

/* Rights for an fd inherited from the host (stdio): by type, minus the
 * direction its access mode (fl, from F_GETFL, or -1) rules out. */
static wasi_rights_t inherited_rights(int fl, wasi_filetype_t type)
{
    wasi_rights_t r = wasi_rights_for_type(type);
    if (type == WASI_FILETYPE_DIRECTORY)
        return r;
    if (fl >= 0) {
        if ((fl & O_ACCMODE) == O_RDONLY)
            r &= ~(wasi_rights_t)(WASI_RIGHTS_FD_WRITE | WASI_RIGHTS_FD_ALLOCATE |
                                  WASI_RIGHTS_FD_FILESTAT_SET_SIZE | WASI_RIGHTS_FD_DATASYNC |
                                  WASI_RIGHTS_FD_SYNC);
        else if ((fl & O_ACCMODE) == O_WRONLY)
            r &= ~(wasi_rights_t)WASI_RIGHTS_FD_READ;
    }
    return r;
}

static bool grow(struct wasi_ctx *ctx, uint32_t need)
{
    if (need <= ctx->cap)
        return true;
    uint32_t cap = ctx->cap ? ctx->cap : 8;
    while (cap < need)
        cap *= 2;
    struct wasi_fd *fds = realloc(ctx->fds, (size_t)cap * sizeof *fds);
    if (!fds)
        return false;
    memset(fds + ctx->cap, 0, (size_t)(cap - ctx->cap) * sizeof *fds);
    ctx->fds = fds;
    ctx->cap = cap;
    return true;
}

struct wasi_ctx *wasi_ctx_new(int stdio_in, int stdio_out, int stdio_err,
                              const char *const *args, uint32_t argc,
                              const char *const *env, uint32_t envc,
                              const struct wasi_preopen *preopens, uint32_t npreopens)
{
    struct wasi_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx)
        return NULL;
    ctx->max_fds = WASI_DEFAULT_MAX_FDS;
    ctx->args = copy_strings(args, argc, &ctx->args_bytes);
    ctx->argc = argc;
    ctx->env = copy_strings(env, envc, &ctx->env_bytes);
    ctx->envc = envc;
    if (!ctx->args || !ctx->env || !grow(ctx, 3 + npreopens))
        goto fail;

    const int stdio[3] = {stdio_in, stdio_out, stdio_err};
    for (int i = 0; i < 3; i++) {
        struct wasi_fd *f = &ctx->fds[i];
        f->used = true;
        f->owned = false;
        f->host = stdio[i];
        f->host_flags = fcntl(stdio[i], F_GETFL);
        f->restore_flags = f->host_flags >= 0;
        f->type = wasi_filetype_of_fd(stdio[i]);
        f->base = inherited_rights(f->host_flags, f->type);
        f->inheriting = 0;
    }
    ctx->nfds = 3;
    for (uint32_t i = 0; i < npreopens; i++) {
        const struct wasi_preopen *p = &preopens[i];
        struct wasi_fd *f = &ctx->fds[ctx->nfds];
        int host = fcntl(p->host, F_DUPFD_CLOEXEC, 0);
        if (host < 0)
            goto fail;
        f->used = true;
        f->owned = true;
        f->host = host;
        ctx->nfds++;
        if (p->guest) {
            f->type = WASI_FILETYPE_DIRECTORY;
            f->read_only = p->read_only;
            f->base = p->read_only ? WASI_RIGHTS_DIR_RO_BASE : WASI_RIGHTS_DIR_BASE;
            f->inheriting = p->read_only ? WASI_RIGHTS_DIR_RO_INHERITING : WASI_RIGHTS_DIR_INHERITING;
            f->preopen = strdup(p->guest);
            if (!f->preopen)
                goto fail;
            f->preopen_len = (uint32_t)strlen(p->guest);
        } else {
            f->type = wasi_filetype_of_fd(host);
            f->base = inherited_rights(fcntl(host, F_GETFL), f->type);
            f->inheriting = 0;
        }
    }
    return ctx;
fail:
    wasi_ctx_free(ctx);
    return NULL;
}

void wasi_fd_release(struct wasi_fd *f)
{
    if (!f->used)
        return;
    if (f->dir)
        closedir(f->dir);
    if (f->owned && f->host >= 0)
        close(f->host);
    else if (f->restore_flags)
        fcntl(f->host, F_SETFL, f->host_flags);
    free(f->preopen);
    memset(f, 0, sizeof *f);
    f->host = -1;
}

void wasi_ctx_free(struct wasi_ctx *ctx)
{
    if (!ctx)
        return;
    for (uint32_t i = 0; i < ctx->nfds; i++)
        wasi_fd_release(&ctx->fds[i]);
    free(ctx->fds);
    free_strings(ctx->args, ctx->argc);
    free_strings(ctx->env, ctx->envc);
    free(ctx);
}

wasi_errno_t wasi_fd_lookup(struct wasi_ctx *ctx, wasi_fd_t fd, wasi_rights_t need,
                            struct wasi_fd **out)
{
    if (fd >= ctx->nfds || !ctx->fds[fd].used)
        return WASI_ERRNO_BADF;
    struct wasi_fd *f = &ctx->fds[fd];
    if ((f->base & need) != need)
        return WASI_ERRNO_NOTCAPABLE;
    *out = f;
    return WASI_ERRNO_SUCCESS;
}

wasi_errno_t wasi_fd_insert(struct wasi_ctx *ctx, const struct wasi_fd *entry, wasi_fd_t *out)
{
    uint32_t i = 0;
    while (i < ctx->nfds && ctx->fds[i].used)
        i++;
    if (i >= ctx->max_fds)
        return WASI_ERRNO_MFILE;
    if (i == ctx->nfds) {
        if (!grow(ctx, i + 1))
            return WASI_ERRNO_NOMEM;
        ctx->nfds++;
    }
    ctx->fds[i] = *entry;
    ctx->fds[i].used = true;
    *out = i;
    return WASI_ERRNO_SUCCESS;
}
