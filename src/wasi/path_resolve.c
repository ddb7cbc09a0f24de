/* The sandboxed path walk every path_* function goes through: a guest path is
 * resolved one component at a time below a directory fd, with symlinks
 * expanded by the walk itself, so no host call ever follows a guest-chosen
 * name out of the directory the guest was given. */
#define _GNU_SOURCE /* O_PATH */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi/wasi.h"

/* The directories the walk has entered. fds[0] is the starting directory
 * (the guest's fd, not ours to close); every other entry was opened by the
 * walk. `..` pops an entry instead of opening the host's "..": if a
 * directory we are inside is moved meanwhile (by another guest sharing the
 * tree, say), its physical parent may lie outside the sandbox, but the fd
 * we came through does not. */
struct walk {
    int *fds;
    uint32_t n, cap;
};

static int walk_top(const struct walk *w) { return w->fds[w->n - 1]; }

static int walk_push(struct walk *w, int fd)
{
    if (w->n == w->cap) {
        uint32_t cap = w->cap ? w->cap * 2 : 16;
        int *fds = realloc(w->fds, (size_t)cap * sizeof *fds);
        if (!fds)
            return ENOMEM;
        w->fds = fds;
        w->cap = cap;
    }
    w->fds[w->n++] = fd;
    return 0;
}

static void walk_free(struct walk *w)
{
    while (w->n > 1)
        close(w->fds[--w->n]);
    free(w->fds);
    w->fds = NULL;
}

/* Replace the walk's remaining path: the symlink's target followed by what
 * came after the link (starting at its '/', so a trailing slash survives). */
static int expand_link(char **buf, const char *target, size_t tlen, const char *rest)
{
    size_t rlen = strlen(rest);
    char *s = malloc(tlen + rlen + 1);
    if (!s)
        return ENOMEM;
    memcpy(s, target, tlen);
    memcpy(s + tlen, rest, rlen + 1);
    free(*buf);
    *buf = s;
    return 0;
}

/* Read the symlink `name` in dirfd and check its target may be walked. */
static int read_target(int dirfd, const char *name, char *target, size_t cap, size_t *len,
                       uint32_t *nlinks, wasi_errno_t *werr)
{
    ssize_t n = readlinkat(dirfd, name, target, cap);
    if (n < 0)
        return errno;
    if (++*nlinks > WASI_MAX_SYMLINKS)
        return ELOOP;
    if (n == 0)
        return ENOENT;
    if ((size_t)n >= cap)
        return ENAMETOOLONG;
    if (target[0] == '/') {
        /* An absolute target means the host's root, which the guest was
         * never given: the same answer as an absolute guest path. */
        *werr = WASI_ERRNO_NOTCAPABLE;
        return -1;
    }
    *len = (size_t)n;
    return 0;
}

wasi_errno_t wasi_path_resolve(const struct wasi_fd *dir, const char *path, bool follow,
                               struct wasi_resolved *out)
{
    out->dirfd = -1;
    out->name = NULL;
    out->trailing_slash = false;
    out->depth = 0;
    if (path[0] == 0)
        return WASI_ERRNO_NOENT;
    if (path[0] == '/')
        return WASI_ERRNO_NOTCAPABLE;

    struct walk w = {0};
    char *buf = strdup(path);
    if (!buf || walk_push(&w, dir->host) != 0) {
        free(buf);
        free(w.fds);
        return WASI_ERRNO_NOMEM;
    }

    char comp[NAME_MAX + 1];
    char target[PATH_MAX];
    uint32_t nlinks = 0;
    int err = 0;                         /* host errno, or -1 with werr set */
    wasi_errno_t werr = WASI_ERRNO_SUCCESS;
    bool slash = false;
    const char *p = buf;

    for (;;) {
        while (*p == '/')
            p++;
        if (*p == 0) { /* cannot happen: every remainder holds a component */
            strcpy(comp, ".");
            break;
        }
        const char *end = strchrnul(p, '/');
        size_t len = (size_t)(end - p);
        const char *after = end;
        while (*after == '/')
            after++;
        const bool last = *after == 0;
        slash = *end == '/';
        if (len > NAME_MAX) {
            err = ENAMETOOLONG;
            goto fail;
        }
        memcpy(comp, p, len);
        comp[len] = 0;

        if (strcmp(comp, ".") == 0) {
            if (last)
                break;
            p = after;
            continue;
        }
        if (strcmp(comp, "..") == 0) {
            if (w.n == 1) {
                werr = WASI_ERRNO_NOTCAPABLE;
                err = -1;
                goto fail;
            }
            close(w.fds[--w.n]);
            if (last) {
                /* Hand back "." in the parent rather than "..": the *at()
                 * call must not be the one to climb. */
                strcpy(comp, ".");
                break;
            }
            p = after;
            continue;
        }

        if (!last) {
            int fd = openat(walk_top(&w), comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (fd >= 0) {
                if ((err = walk_push(&w, fd)) != 0) {
                    close(fd);
                    goto fail;
                }
                p = after;
                continue;
            }
            err = errno;
            /* A symlink opened with O_NOFOLLOW shows up as ELOOP, or as
             * ENOTDIR once O_PATH makes it open the link itself. */
            if (err != ELOOP && err != ENOTDIR)
                goto fail;
            size_t tlen = 0;
            int e = read_target(walk_top(&w), comp, target, sizeof target, &tlen, &nlinks, &werr);
            if (e == EINVAL)  /* not a symlink after all: keep openat's answer */
                goto fail;
            if ((err = e) != 0 || (err = expand_link(&buf, target, tlen, end)) != 0)
                goto fail;
            p = buf;
            continue;
        }

        /* The final component: the caller acts on it by name unless it has
         * to be followed. */
        if (!follow && !slash)
            break;
        struct stat st;
        if (fstatat(walk_top(&w), comp, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            if (errno == ENOENT)
                break; /* may be about to be created */
            err = errno;
            goto fail;
        }
        if (S_ISLNK(st.st_mode)) {
            size_t tlen = 0;
            if ((err = read_target(walk_top(&w), comp, target, sizeof target, &tlen, &nlinks,
                                   &werr)) != 0 ||
                (err = expand_link(&buf, target, tlen, end)) != 0)
                goto fail;
            p = buf;
            continue;
        }
        if (slash && !S_ISDIR(st.st_mode)) {
            err = ENOTDIR;
            goto fail;
        }
        break;
    }

    out->name = strdup(comp);
    if (!out->name) {
        err = ENOMEM;
        goto fail;
    }
    out->depth = w.n - 1;
    if (w.n == 1) {
        out->dirfd = fcntl(dir->host, F_DUPFD_CLOEXEC, 0);
        if (out->dirfd < 0) {
            err = errno;
            free(out->name);
            out->name = NULL;
            goto fail;
        }
    } else {
        out->dirfd = w.fds[--w.n];
    }
    out->trailing_slash = slash;
    walk_free(&w);
    free(buf);
    return WASI_ERRNO_SUCCESS;

fail:
    walk_free(&w);
    free(buf);
    return err < 0 ? werr : wasi_errno_from_host(err);
}

void wasi_resolved_free(struct wasi_resolved *r)
{
    if (r->dirfd >= 0)
        close(r->dirfd);
    free(r->name);
    r->dirfd = -1;
    r->name = NULL;
}
