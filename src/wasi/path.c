/* WASI path_* functions: each checks the directory fd's rights, resolves the
 * guest path with the sandboxed walk (path_resolve.c) and then makes one
 * *at() call on the final name that never follows a symlink itself. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi/wasi.h"
#include "wasi_impl.h"

/* The directory fd for a path_* call. A descriptor that is not a directory
 * gives notdir whatever its rights, as POSIX *at() calls do. */
static wasi_errno_t dir_lookup(struct wasi_ctx *ctx, wasi_fd_t fd, wasi_rights_t need,
                               struct wasi_fd **out)
{
    struct wasi_fd *d;
    wasi_errno_t err = wasi_fd_lookup(ctx, fd, 0, &d);
    if (err)
        return err;
    if (d->type != WASI_FILETYPE_DIRECTORY)
        return WASI_ERRNO_NOTDIR;
    if ((d->base & need) != need)
        return WASI_ERRNO_NOTCAPABLE;
    *out = d;
    return WASI_ERRNO_SUCCESS;
}

static wasi_errno_t host_err(void) { return wasi_errno_from_host(errno); }

/* Resolve the path of an entry that is created, removed or renamed. POSIX
 * lets such a path end in '/' without following a final symlink: mkdir,
 * rmdir, unlink and rename act on the name itself (so "link/" is the link,
 * which is not a directory). The slashes are taken off before the walk and
 * reported in trailing_slash for the caller to apply. */
static wasi_errno_t resolve_entry(const struct wasi_fd *dir, const char *path,
                                  struct wasi_resolved *r)
{
    size_t n = strlen(path);
    bool slash = false;
    while (n > 1 && path[n - 1] == '/') {
        n--;
        slash = true;
    }
    char *copy = strndup(path, n);
    if (!copy)
        return WASI_ERRNO_NOMEM;
    wasi_errno_t err = wasi_path_resolve(dir, copy, false, r);
    free(copy);
    if (!err)
        r->trailing_slash = slash;
    return err;
}

/* The host errno a trailing slash gives when the entry, looked at without
 * following, is not a directory (0 when it is one). */
static int slash_needs_dir(const struct wasi_resolved *r)
{
    struct stat st;
    if (fstatat(r->dirfd, r->name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return errno;
    return S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
}

/* link and symlink create a non-directory: a trailing slash on the new name
 * gives exist when something is there and noent otherwise (as Linux). */
static wasi_errno_t slash_on_new_file(const struct wasi_resolved *r)
{
    struct stat st;
    return fstatat(r->dirfd, r->name, &st, AT_SYMLINK_NOFOLLOW) == 0 ? WASI_ERRNO_EXIST
                                                                     : WASI_ERRNO_NOENT;
}

wasi_errno_t wasi_impl_path_create_directory(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, const char *path, uint32_t path_len)
{
    (void)mem;
    (void)path_len;
    struct wasi_fd *d;
    struct wasi_resolved r;
    wasi_errno_t err = dir_lookup(ctx, fd, WASI_RIGHTS_PATH_CREATE_DIRECTORY, &d);
    if (err || (err = resolve_entry(d, path, &r)))
        return err;
    if (mkdirat(r.dirfd, r.name, 0777) != 0)
        err = host_err();
    wasi_resolved_free(&r);
    return err;
}

wasi_errno_t wasi_impl_path_filestat_get(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, wasi_lookupflags_t flags, const char *path, uint32_t path_len, wasi_filestat_t *stat)
{
    (void)mem;
    (void)path_len;
    struct wasi_fd *d;
    struct wasi_resolved r;
    wasi_errno_t err = dir_lookup(ctx, fd, WASI_RIGHTS_PATH_FILESTAT_GET, &d);
    if (err ||
        (err = wasi_path_resolve(d, path, flags & WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, &r)))
        return err;
    struct stat st;
    if (fstatat(r.dirfd, r.name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        err = host_err();
    else
        wasi_filestat_from_stat(&st, stat);
    wasi_resolved_free(&r);
    return err;
}

wasi_errno_t wasi_impl_path_filestat_set_times(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, wasi_lookupflags_t flags, const char *path, uint32_t path_len, wasi_timestamp_t atim, wasi_timestamp_t mtim, wasi_fstflags_t fst_flags)
{
    (void)mem;
    (void)path_len;
    struct wasi_fd *d;
    struct wasi_resolved r;
    wasi_errno_t err = dir_lookup(ctx, fd, WASI_RIGHTS_PATH_FILESTAT_SET_TIMES, &d);
    if (err)
        return err;
    struct timespec ts[2];
    if ((err = wasi_host_times(atim, mtim, fst_flags, ts)))
        return err;
    if ((err = wasi_path_resolve(d, path, flags & WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, &r)))
        return err;
    if (utimensat(r.dirfd, r.name, ts, AT_SYMLINK_NOFOLLOW) != 0)
        err = host_err();
    wasi_resolved_free(&r);
    return err;
}

wasi_errno_t wasi_impl_path_link(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t old_fd, wasi_lookupflags_t old_flags, const char *old_path, uint32_t old_path_len, wasi_fd_t new_fd, const char *new_path, uint32_t new_path_len)
{
    (void)mem;
    (void)old_path_len;
    (void)new_path_len;
    struct wasi_fd *od, *nd;
    struct wasi_resolved ro, rn;
    wasi_errno_t err = dir_lookup(ctx, old_fd, WASI_RIGHTS_PATH_LINK_SOURCE, &od);
    if (err || (err = dir_lookup(ctx, new_fd, WASI_RIGHTS_PATH_LINK_TARGET, &nd)))
        return err;
    /* Following happens in the walk; linkat itself never gets
     * AT_SYMLINK_FOLLOW, so it links whatever the final name is. */
    if ((err = wasi_path_resolve(od, old_path, old_flags & WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, &ro)))
        return err;
    if ((err = resolve_entry(nd, new_path, &rn))) {
        wasi_resolved_free(&ro);
        return err;
    }
    if (rn.trailing_slash)
        err = slash_on_new_file(&rn);
    else if (linkat(ro.dirfd, ro.name, rn.dirfd, rn.name, 0) != 0)
        err = host_err();
    wasi_resolved_free(&ro);
    wasi_resolved_free(&rn);
    return err;
}

/* The host's open flags for path_open's fdflags. */
static int open_fdflags(wasi_fdflags_t f)
{
    int o = 0;
    if (f & WASI_FDFLAGS_APPEND)
        o |= O_APPEND;
    if (f & WASI_FDFLAGS_DSYNC)
        o |= O_DSYNC;
    if (f & WASI_FDFLAGS_NONBLOCK)
        o |= O_NONBLOCK;
    if (f & WASI_FDFLAGS_RSYNC)
        o |= O_RSYNC;
    if (f & WASI_FDFLAGS_SYNC)
        o |= O_SYNC;
    return o;
}

wasi_errno_t wasi_impl_path_open(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, wasi_lookupflags_t dirflags, const char *path, uint32_t path_len, wasi_oflags_t oflags, wasi_rights_t fs_rights_base, wasi_rights_t fs_rights_inheriting, wasi_fdflags_t fdflags, wasi_fd_t *opened_fd)
{
    (void)mem;
    (void)path_len;
    /* Creating a directory is path_create_directory's job; hosts disagree
     * on what open does with both (Linux answers EINVAL since 6.4). */
    if ((oflags & WASI_OFLAGS_CREAT) && (oflags & WASI_OFLAGS_DIRECTORY))
        return WASI_ERRNO_INVAL;
    wasi_rights_t need = WASI_RIGHTS_PATH_OPEN;
    if (oflags & WASI_OFLAGS_CREAT)
        need |= WASI_RIGHTS_PATH_CREATE_FILE;
    if (oflags & WASI_OFLAGS_TRUNC)
        need |= WASI_RIGHTS_PATH_FILESTAT_SET_SIZE;
    struct wasi_fd *d;
    wasi_errno_t err = dir_lookup(ctx, fd, need, &d);
    if (err)
        return err;
    /* Everything the new fd could hold must be the directory's to hand
     * down, and a truncation also needs the right to write files at all: a
     * grant without fd_write must not be able to empty a file either. The
     * synchronized modes are rights of the new fd too, so they are looked
     * for among the inheriting rights, as every preview1 runtime that
     * enforces rights does: dsync needs fd_datasync, rsync and sync need
     * fd_sync (Linux's O_RSYNC is O_SYNC). */
    wasi_rights_t hand_down = fs_rights_base | fs_rights_inheriting;
    if (oflags & WASI_OFLAGS_TRUNC)
        hand_down |= WASI_RIGHTS_FD_WRITE;
    if (fdflags & WASI_FDFLAGS_DSYNC)
        hand_down |= WASI_RIGHTS_FD_DATASYNC;
    if (fdflags & (WASI_FDFLAGS_RSYNC | WASI_FDFLAGS_SYNC))
        hand_down |= WASI_RIGHTS_FD_SYNC;
    if ((d->inheriting & hand_down) != hand_down)
        return WASI_ERRNO_NOTCAPABLE;

    struct wasi_resolved r;
    if ((err = wasi_path_resolve(d, path, dirflags & WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, &r)))
        return err;

    /* The access mode follows fd_read and fd_write whatever the file turns
     * out to be. A directory opened with fd_write is then isdir from the
     * host, with or without oflags::directory, as openat(O_RDWR|O_DIRECTORY)
     * is; fd_read on a directory is simply dropped below, since reading a
     * directory's entries is fd_readdir's. */
    bool rd = fs_rights_base & WASI_RIGHTS_FD_READ;
    bool wr = fs_rights_base & WASI_RIGHTS_FD_WRITE;
    int how = O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | open_fdflags(fdflags);
    how |= rd && wr ? O_RDWR : wr ? O_WRONLY : O_RDONLY;
    if ((oflags & WASI_OFLAGS_DIRECTORY) || r.trailing_slash)
        how |= O_DIRECTORY;
    if (oflags & WASI_OFLAGS_CREAT)
        how |= O_CREAT;
    if (oflags & WASI_OFLAGS_EXCL)
        how |= O_EXCL;
    if (oflags & WASI_OFLAGS_TRUNC)
        how |= O_TRUNC;

    int host;
    if (r.trailing_slash && (oflags & WASI_OFLAGS_CREAT)) {
        /* "name/" can only be a directory, which open never creates; the
         * walk has already said notdir for an existing non-directory. */
        errno = EISDIR;
        host = -1;
    } else {
        /* O_NOFOLLOW even when following: the walk has expanded a final
         * symlink, so meeting one here means it was swapped in since, and
         * without following a symlink gives loop, as POSIX O_NOFOLLOW. */
        host = openat(r.dirfd, r.name, how, 0666);
    }
    int e = errno;
    wasi_resolved_free(&r);
    if (host < 0)
        return wasi_errno_from_host(e);

    struct wasi_fd entry = {0};
    entry.owned = true;
    entry.host = host;
    entry.type = wasi_filetype_of_fd(host);
    entry.base = fs_rights_base & wasi_rights_for_type(entry.type);
    /* A directory passes on what it was asked to (already within what its
     * parent could pass on); other files open nothing below them. */
    entry.inheriting = entry.type == WASI_FILETYPE_DIRECTORY ? fs_rights_inheriting & d->inheriting
                                                             : 0;
    entry.read_only = d->read_only;
    if ((err = wasi_fd_insert(ctx, &entry, opened_fd)) != 0)
        close(host);
    return err;
}

wasi_errno_t wasi_impl_path_readlink(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, const char *path, uint32_t path_len, uint8_t *buf, wasi_size_t buf_len, wasi_size_t *bufused)
{
    (void)mem;
    (void)path_len;
    struct wasi_fd *d;
    struct wasi_resolved r;
    wasi_errno_t err = dir_lookup(ctx, fd, WASI_RIGHTS_PATH_READLINK, &d);
    if (err || (err = wasi_path_resolve(d, path, false, &r)))
        return err;
    /* readlinkat refuses a zero-sized buffer; a one-byte scratch one still
     * tells a symlink from anything else. */
    char scratch[1];
    ssize_t n = buf_len ? readlinkat(r.dirfd, r.name, (char *)buf, buf_len)
                        : readlinkat(r.dirfd, r.name, scratch, sizeof scratch);
    if (n < 0)
        err = host_err();
    else
        *bufused = buf_len ? (wasi_size_t)n : 0;
    wasi_resolved_free(&r);
    return err;
}

wasi_errno_t wasi_impl_path_remove_directory(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, const char *path, uint32_t path_len)
{
    (void)mem;
    (void)path_len;
    struct wasi_fd *d;
    struct wasi_resolved r;
    wasi_errno_t err = dir_lookup(ctx, fd, WASI_RIGHTS_PATH_REMOVE_DIRECTORY, &d);
    if (err || (err = resolve_entry(d, path, &r)))
        return err;
    /* A trailing slash changes nothing: rmdir wants a directory anyway, and
     * on a symlink gives notdir. */
    if (unlinkat(r.dirfd, r.name, AT_REMOVEDIR) != 0)
        err = host_err();
    wasi_resolved_free(&r);
    return err;
}

wasi_errno_t wasi_impl_path_rename(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, const char *old_path, uint32_t old_path_len, wasi_fd_t new_fd, const char *new_path, uint32_t new_path_len)
{
    (void)mem;
    (void)old_path_len;
    (void)new_path_len;
    struct wasi_fd *od, *nd;
    struct wasi_resolved ro, rn;
    wasi_errno_t err = dir_lookup(ctx, fd, WASI_RIGHTS_PATH_RENAME_SOURCE, &od);
    if (err || (err = dir_lookup(ctx, new_fd, WASI_RIGHTS_PATH_RENAME_TARGET, &nd)))
        return err;
    if ((err = resolve_entry(od, old_path, &ro)))
        return err;
    if ((err = resolve_entry(nd, new_path, &rn))) {
        wasi_resolved_free(&ro);
        return err;
    }
    /* Trailing slashes on either side are for directories only. */
    int e = 0;
    /* POSIX: a final "." or ".." on either side is EINVAL (Linux says
     * EBUSY; the answer should not depend on the host). */
    if (strcmp(ro.name, ".") == 0 || strcmp(rn.name, ".") == 0)
        e = EINVAL;
    else if (ro.trailing_slash || rn.trailing_slash)
        e = slash_needs_dir(&ro);
    if (e == 0 && renameat(ro.dirfd, ro.name, rn.dirfd, rn.name) != 0)
        e = errno;
    err = wasi_errno_from_host(e);
    wasi_resolved_free(&ro);
    wasi_resolved_free(&rn);
    return err;
}

/* Would a symlink with this target, placed `depth` directories below the
 * fd it is created through, point above that fd? Judged on the text alone:
 * the walk re-checks every symlink when it is used, but a link that names
 * something outside should not be made in the first place (host programs
 * sharing the directory would follow it). */
static bool target_climbs_out(const char *target, uint32_t depth)
{
    uint64_t d = depth;
    const char *p = target;
    while (*p) {
        while (*p == '/')
            p++;
        const char *end = strchrnul(p, '/');
        size_t len = (size_t)(end - p);
        if (len == 2 && p[0] == '.' && p[1] == '.') {
            if (d == 0)
                return true;
            d--;
        } else if (len > 0 && !(len == 1 && p[0] == '.')) {
            d++;
        }
        p = end;
    }
    return false;
}

wasi_errno_t wasi_impl_path_symlink(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    const char *old_path, uint32_t old_path_len, wasi_fd_t fd, const char *new_path, uint32_t new_path_len)
{
    (void)mem;
    (void)old_path_len;
    (void)new_path_len;
    struct wasi_fd *d;
    struct wasi_resolved r;
    wasi_errno_t err = dir_lookup(ctx, fd, WASI_RIGHTS_PATH_SYMLINK, &d);
    if (err)
        return err;
    /* An absolute target names the host's root: notcapable, the answer an
     * absolute path gets everywhere else. */
    if (old_path[0] == '/')
        return WASI_ERRNO_NOTCAPABLE;
    if ((err = resolve_entry(d, new_path, &r)))
        return err;
    if (target_climbs_out(old_path, r.depth))
        err = WASI_ERRNO_NOTCAPABLE;
    else if (r.trailing_slash)
        err = slash_on_new_file(&r);
    else if (symlinkat(old_path, r.dirfd, r.name) != 0)
        err = host_err();
    wasi_resolved_free(&r);
    return err;
}

wasi_errno_t wasi_impl_path_unlink_file(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
    wasi_fd_t fd, const char *path, uint32_t path_len)
{
    (void)mem;
    (void)path_len;
    struct wasi_fd *d;
    struct wasi_resolved r;
    wasi_errno_t err = dir_lookup(ctx, fd, WASI_RIGHTS_PATH_UNLINK_FILE, &d);
    if (err || (err = resolve_entry(d, path, &r)))
        return err;
    int e = 0;
    if (r.trailing_slash) {
        /* "name/" never names a file: isdir for a directory (which unlink
         * would refuse anyway), notdir for anything else. */
        e = slash_needs_dir(&r);
        if (e == 0)
            e = EISDIR;
    } else if (unlinkat(r.dirfd, r.name, 0) != 0) {
        e = errno;
    }
    err = wasi_errno_from_host(e);
    wasi_resolved_free(&r);
    return err;
}
