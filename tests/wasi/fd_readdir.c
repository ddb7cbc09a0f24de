// fd_readdir over a directory of 200 files plus a subdirectory, a symlink
// and a 200-byte name: whole listings, small buffers that cut entries off
// (the buffer is filled completely; the guest resumes from the last whole
// entry's d_next), cookies from the middle and the end, d_type and d_ino,
// two interleaved listings on one fd, and the errors.
// SETUP: for i in $(seq 0 199); do : > scratch/f$i; done
// SETUP: mkdir scratch/sub && : > scratch/sub/inner && ln -s f1 scratch/link
// SETUP: : > scratch/$(printf 'L%.0s' $(seq 1 200))
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

#define PRE 3
#define MAXE 300
#define HDR 24

struct ent {
    char name[256];
    __wasi_dircookie_t next;
    __wasi_inode_t ino;
    __wasi_filetype_t type;
};

/* One listing in progress: cookie-driven, so several can run at once. */
struct lister {
    __wasi_fd_t fd;
    size_t bs;
    __wasi_dircookie_t cookie;
    struct ent *ents;
    int n, calls, grows;
    int full_fills; /* calls that did not reach the end and filled the buffer exactly */
    int done;
};

static uint8_t buf[70000];

/* One fd_readdir call; returns the errno. Grows the buffer (as wasi-libc
 * does) when not even one entry fits. */
static __wasi_errno_t step(struct lister *l)
{
    __wasi_size_t used = 0;
    __wasi_errno_t e = __wasi_fd_readdir(l->fd, buf, l->bs, l->cookie, &used);
    l->calls++;
    if (e)
        return e;
    size_t pos = 0;
    int got = 0;
    while (pos + HDR <= used) {
        __wasi_dirent_t d;
        memcpy(&d, buf + pos, HDR);
        if (pos + HDR + d.d_namlen > used)
            break; /* cut off: next time from l->cookie */
        if (l->n < MAXE && d.d_namlen < 256) {
            struct ent *x = &l->ents[l->n++];
            memcpy(x->name, buf + pos + HDR, d.d_namlen);
            x->name[d.d_namlen] = 0;
            x->next = d.d_next;
            x->ino = d.d_ino;
            x->type = d.d_type;
        }
        l->cookie = d.d_next;
        pos += HDR + d.d_namlen;
        got++;
    }
    if (used < l->bs) {
        l->done = 1;
        if (pos != used)
            printf("BAD: a short read ended inside an entry\n");
    } else {
        l->full_fills++;
        if (!got) {
            l->bs *= 2;
            l->grows++;
        }
    }
    return 0;
}

static __wasi_errno_t list_all(struct lister *l, __wasi_fd_t fd, size_t bs)
{
    memset(l, 0, sizeof *l);
    l->fd = fd;
    l->bs = bs;
    l->ents = calloc(MAXE, sizeof *l->ents);
    while (!l->done) {
        __wasi_errno_t e = step(l);
        if (e)
            return e;
    }
    return 0;
}

static const struct ent *find(const struct lister *l, const char *name, int *count)
{
    const struct ent *r = NULL;
    *count = 0;
    for (int i = 0; i < l->n; i++)
        if (strcmp(l->ents[i].name, name) == 0) {
            r = &l->ents[i];
            (*count)++;
        }
    return r;
}

/* Every expected name exactly once, nothing else. */
static const char *check_names(const struct lister *l, int extra_new)
{
    static char longname[201];
    memset(longname, 'L', 200);
    int c;
    for (int i = 0; i < 200; i++) {
        char nm[8];
        snprintf(nm, sizeof nm, "f%d", i);
        if (!find(l, nm, &c) || c != 1)
            return "MISSING OR DUPLICATE f*";
    }
    const char *others[] = {".", "..", "sub", "link", longname, "new"};
    for (int i = 0; i < 5 + extra_new; i++)
        if (!find(l, others[i], &c) || c != 1)
            return "MISSING OR DUPLICATE other";
    return l->n == 205 + extra_new ? "yes" : "WRONG COUNT";
}

int main(void)
{
    struct lister big, small, a, b;
    __wasi_errno_t e;
    int c;

    e = list_all(&big, PRE, 65536);
    printf("ok fd_readdir 64 KiB buffer: errno %u, %d entries in %d call(s), all names once: %s\n",
           e, big.n, big.calls, check_names(&big, 0));
    const struct ent *x = find(&big, "sub", &c);
    printf("ok d_type sub: %u (directory)\n", x ? x->type : 99);
    x = find(&big, "link", &c);
    printf("ok d_type link: %u (symbolic_link)\n", x ? x->type : 99);
    x = find(&big, "f7", &c);
    printf("ok d_type f7: %u (regular_file)\n", x ? x->type : 99);
    x = find(&big, ".", &c);
    printf("ok d_type .: %u, d_type ..: %u\n", x ? x->type : 99,
           find(&big, "..", &c) ? find(&big, "..", &c)->type : 99);
    __wasi_filestat_t st;
    e = __wasi_fd_filestat_get(PRE, &st);
    printf("ok d_ino of . is the directory's inode: %s\n", x && x->ino == st.ino ? "yes" : "NO");
    e = __wasi_path_filestat_get(PRE, 0, "f7", &st);
    x = find(&big, "f7", &c);
    printf("ok d_ino of f7 is its inode: %s\n", x && x->ino == st.ino ? "yes" : "NO");
    int distinct = 1;
    for (int i = 0; i + 1 < big.n; i++)
        for (int j = i + 1; j < big.n; j++)
            if (big.ents[i].next == big.ents[j].next)
                distinct = 0;
    printf("ok d_next cookies distinct and non-zero: %s\n",
           distinct && big.ents[0].next != 0 ? "yes" : "NO");

    /* 37 bytes: one short-named entry (24 + up to 4) and a cut-off piece. */
    e = list_all(&small, PRE, 37);
    printf("ok fd_readdir 37-byte buffer: errno %u, %d entries, all names once: %s, "
           "grew to %zu bytes for the long name, every non-final call filled the buffer: %s\n",
           e, small.n, check_names(&small, 0), small.bs,
           small.full_fills == small.calls - 1 ? "yes" : "NO");
    int same = small.n == big.n;
    for (int i = 0; same && i < big.n; i++)
        same = strcmp(small.ents[i].name, big.ents[i].name) == 0 &&
               small.ents[i].next == big.ents[i].next;
    printf("ok small-buffer listing equals the big one, order and cookies: %s\n",
           same ? "yes" : "NO");

    /* A header cut in the middle, and a header with no room for its name. */
    memset(buf, 0xee, 64);
    __wasi_size_t used = 0;
    e = __wasi_fd_readdir(PRE, buf, 10, 0, &used);
    printf("ok fd_readdir 10-byte buffer: errno %u, bufused %zu, untouched after: %s\n", e, used,
           buf[10] == 0xee ? "yes" : "NO");
    __wasi_dirent_t d;
    memset(buf, 0xee, 64);
    e = __wasi_fd_readdir(PRE, buf, HDR, 0, &used);
    memcpy(&d, buf, HDR);
    printf("ok fd_readdir header-sized buffer: errno %u, bufused %zu, header of the first entry: %s\n",
           e, used,
           d.d_namlen == strlen(big.ents[0].name) && d.d_next == big.ents[0].next ? "yes" : "NO");
    e = __wasi_fd_readdir(PRE, buf, 0, 0, &used);
    printf("ok fd_readdir zero-sized buffer: errno %u, bufused %zu\n", e, used);

    /* Cookies from the middle and the end. */
    e = __wasi_fd_readdir(PRE, buf, 65536, big.ents[99].next, &used);
    memcpy(&d, buf, HDR);
    printf("ok fd_readdir from entry 100's cookie: errno %u, first is entry 101: %s, "
           "%d more entries\n",
           e,
           d.d_namlen == strlen(big.ents[100].name) &&
                   memcmp(buf + HDR, big.ents[100].name, d.d_namlen) == 0
               ? "yes"
               : "NO",
           big.n - 100);
    e = __wasi_fd_readdir(PRE, buf, 65536, big.ents[big.n - 1].next, &used);
    printf("ok fd_readdir from the last entry's cookie: errno %u, bufused %zu\n", e, used);
    e = __wasi_fd_readdir(PRE, buf, 65536, 1ull << 63, &used);
    printf("ok fd_readdir cookie 2^63: errno %u (inval %u)\n", e, __WASI_ERRNO_INVAL);

    /* Two listings interleaved on one fd do not disturb each other. */
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    a.fd = b.fd = PRE;
    a.bs = 200;
    b.bs = 53;
    a.ents = calloc(MAXE, sizeof *a.ents);
    b.ents = calloc(MAXE, sizeof *b.ents);
    while (!a.done || !b.done) {
        if (!a.done && step(&a))
            break;
        if (!b.done && step(&b))
            break;
    }
    printf("ok interleaved listings: %d and %d entries, names: %s / %s\n", a.n, b.n,
           check_names(&a, 0), check_names(&b, 0));

    /* A new file shows up in a listing from cookie 0. */
    __wasi_fd_t nf;
    e = __wasi_path_open(PRE, 0, "new", __WASI_OFLAGS_CREAT, 0, 0, 0, &nf);
    e = list_all(&big, PRE, 4096);
    printf("ok fd_readdir after creating a file: errno %u, %d entries, names: %s\n", e, big.n,
           check_names(&big, 1));

    /* A subdirectory opened with path_open. */
    __wasi_fd_t sub;
    e = __wasi_path_open(PRE, 0, "sub", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR, 0, 0,
                         &sub);
    e = list_all(&small, sub, 100);
    printf("ok fd_readdir subdirectory: errno %u, %d entries, inner found: %s\n", e, small.n,
           find(&small, "inner", &c) ? "yes" : "NO");

    /* Errors. */
    printf("ok fd_readdir fd 99: errno %u (badf %u)\n", __wasi_fd_readdir(99, buf, 100, 0, &used),
           __WASI_ERRNO_BADF);
    printf("ok fd_readdir on a regular file: errno %u (notdir %u)\n",
           __wasi_fd_readdir(nf, buf, 100, 0, &used), __WASI_ERRNO_NOTDIR);
    printf("ok fd_readdir buffer out of bounds: errno %u\n",
           __wasi_fd_readdir(PRE, (uint8_t *)0xffffff00u, 0x1000, 0, &used));
    e = __wasi_fd_fdstat_set_rights(sub, 0, 0);
    printf("ok fd_readdir after dropping the right: errno %u (notcapable %u)\n",
           __wasi_fd_readdir(sub, buf, 100, 0, &used), __WASI_ERRNO_NOTCAPABLE);
    printf("ok fd_close subdirectory with a listing open: errno %u\n", __wasi_fd_close(sub));
    return 0;
}
