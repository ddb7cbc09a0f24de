/* wisp's WASI preview1 implementation, inside the library: the context every
 * wasi_impl_* function receives (the guest's own fd table, arguments,
 * environment, exit request), the fd-table and rights helpers, host errno
 * translation, and the sandboxed path walk the path_* functions share.
 * The generated glue (wasi_glue.c) decodes and checks arguments before any
 * of this runs; see wasi/abi.h for what it guarantees. */
#ifndef WISP_WASI_WASI_H
#define WISP_WASI_WASI_H

#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>

#include "wasi/abi.h"
#include "wasi_types.h"

/* ---- Rights ----
 * What each kind of descriptor can do at most. An fd's rights are the
 * intersection of what was asked for, what its parent directory may hand
 * down (its inheriting rights), and what makes sense for its file type. */
#define WASI_RIGHTS_FILE_BASE                                                               \
    (WASI_RIGHTS_FD_DATASYNC | WASI_RIGHTS_FD_READ | WASI_RIGHTS_FD_SEEK |                  \
     WASI_RIGHTS_FD_FDSTAT_SET_FLAGS | WASI_RIGHTS_FD_SYNC | WASI_RIGHTS_FD_TELL |          \
     WASI_RIGHTS_FD_WRITE | WASI_RIGHTS_FD_ADVISE | WASI_RIGHTS_FD_ALLOCATE |               \
     WASI_RIGHTS_FD_FILESTAT_GET | WASI_RIGHTS_FD_FILESTAT_SET_SIZE |                       \
     WASI_RIGHTS_FD_FILESTAT_SET_TIMES | WASI_RIGHTS_POLL_FD_READWRITE)
#define WASI_RIGHTS_DIR_BASE                                                                \
    (WASI_RIGHTS_FD_FDSTAT_SET_FLAGS | WASI_RIGHTS_FD_SYNC | WASI_RIGHTS_FD_DATASYNC |      \
     WASI_RIGHTS_PATH_CREATE_DIRECTORY | WASI_RIGHTS_PATH_CREATE_FILE |                     \
     WASI_RIGHTS_PATH_LINK_SOURCE | WASI_RIGHTS_PATH_LINK_TARGET | WASI_RIGHTS_PATH_OPEN |  \
     WASI_RIGHTS_FD_READDIR | WASI_RIGHTS_PATH_READLINK | WASI_RIGHTS_PATH_RENAME_SOURCE |  \
     WASI_RIGHTS_PATH_RENAME_TARGET | WASI_RIGHTS_PATH_FILESTAT_GET |                       \
     WASI_RIGHTS_PATH_FILESTAT_SET_SIZE | WASI_RIGHTS_PATH_FILESTAT_SET_TIMES |             \
     WASI_RIGHTS_FD_FILESTAT_GET | WASI_RIGHTS_FD_FILESTAT_SET_TIMES |                      \
     WASI_RIGHTS_PATH_SYMLINK | WASI_RIGHTS_PATH_REMOVE_DIRECTORY |                         \
     WASI_RIGHTS_PATH_UNLINK_FILE)
#define WASI_RIGHTS_DIR_INHERITING (WASI_RIGHTS_DIR_BASE | WASI_RIGHTS_FILE_BASE)
/* A read-only preopen (--dir-ro): it may look but not change anything. */
#define WASI_RIGHTS_DIR_RO_BASE                                                             \
    (WASI_RIGHTS_FD_FDSTAT_SET_FLAGS | WASI_RIGHTS_PATH_OPEN | WASI_RIGHTS_FD_READDIR |     \
     WASI_RIGHTS_PATH_READLINK | WASI_RIGHTS_PATH_FILESTAT_GET |                            \
     WASI_RIGHTS_FD_FILESTAT_GET)
#define WASI_RIGHTS_FILE_RO_BASE                                                            \
    (WASI_RIGHTS_FD_READ | WASI_RIGHTS_FD_SEEK | WASI_RIGHTS_FD_FDSTAT_SET_FLAGS |          \
     WASI_RIGHTS_FD_TELL | WASI_RIGHTS_FD_ADVISE | WASI_RIGHTS_FD_FILESTAT_GET |            \
     WASI_RIGHTS_POLL_FD_READWRITE)
#define WASI_RIGHTS_DIR_RO_INHERITING (WASI_RIGHTS_DIR_RO_BASE | WASI_RIGHTS_FILE_RO_BASE)
/* Terminals, pipes and character devices: no seeking, no sizes. */
#define WASI_RIGHTS_STREAM_BASE                                                             \
    (WASI_RIGHTS_FD_READ | WASI_RIGHTS_FD_WRITE | WASI_RIGHTS_FD_FDSTAT_SET_FLAGS |         \
     WASI_RIGHTS_FD_FILESTAT_GET | WASI_RIGHTS_POLL_FD_READWRITE)
#define WASI_RIGHTS_SOCKET_BASE                                                             \
    (WASI_RIGHTS_STREAM_BASE | WASI_RIGHTS_SOCK_SHUTDOWN | WASI_RIGHTS_SOCK_ACCEPT)

/* ---- The fd table ---- */

struct wasi_fd {
    bool used;
    bool owned;               /* close host when the guest closes this fd
                                 (false for the inherited stdio) */
    int host;                 /* the host descriptor; the guest never sees it */
    /* For host fds wisp does not own (stdio): their status flags when wisp
     * took them, put back on release. O_NONBLOCK or O_APPEND set by the
     * guest must not outlive it in the shell that shares the description. */
    bool restore_flags;
    int host_flags;
    wasi_filetype_t type;
    wasi_rights_t base, inheriting;
    char *preopen;            /* guest name of a preopened directory, or NULL */
    uint32_t preopen_len;
    bool read_only;           /* a --dir-ro preopen or something opened under one */
    /* fd_readdir's stream, opened on first use over a duplicate of host. */
    DIR *dir;
};

/* A preopen or socket the embedder hands in, in fd order after stdio. */
struct wasi_preopen {
    int host;                 /* owned by the ctx */
    char *guest;              /* NULL for a socket */
    bool read_only;
};

struct wasi_ctx {
    struct wasi_fd *fds;
    uint32_t nfds, cap;       /* entries [0, nfds) exist; used says which are open */
    uint32_t max_fds;         /* guest fds above this give errno mfile */

    char **args;              /* owned, NUL-terminated strings */
    uint32_t argc;
    uint64_t args_bytes;      /* sum of strlen + 1 */
    char **env;               /* "NAME=VALUE" */
    uint32_t envc;
    uint64_t env_bytes;

    /* Set by proc_exit / proc_raise; the runtime stops the guest after the
     * glue returns. */
    bool exit_requested;
    uint32_t exit_code;
    int raised_signal;        /* 0, or the host signal number that ends the guest */
};

/* Create a context with stdio at fds 0-2 (the given host fds, not owned) and
 * the preopens at 3, 4, ... (their host fds are duplicated). args and env are
 * copied. Returns NULL (with errno set) on failure. */
struct wasi_ctx *wasi_ctx_new(int stdio_in, int stdio_out, int stdio_err,
                              const char *const *args, uint32_t argc,
                              const char *const *env, uint32_t envc,
                              const struct wasi_preopen *preopens, uint32_t npreopens);
void wasi_ctx_free(struct wasi_ctx *ctx);

/* The open fd with every right in `need` (base rights), or an errno:
 * badf when fd is not open, notcapable when a right is missing. */
wasi_errno_t wasi_fd_lookup(struct wasi_ctx *ctx, wasi_fd_t fd, wasi_rights_t need,
                            struct wasi_fd **out);
/* Install entry at the lowest free number. mfile when the table is full;
 * the entry's host fd is then left to the caller to close. */
wasi_errno_t wasi_fd_insert(struct wasi_ctx *ctx, const struct wasi_fd *entry, wasi_fd_t *out);
/* Release an entry: close its host fd if owned, its DIR stream, its name. */
void wasi_fd_release(struct wasi_fd *entry);

/* Host facts in preview1 terms. */
wasi_errno_t wasi_errno_from_host(int host_errno);
wasi_filetype_t wasi_filetype_from_mode(mode_t mode);
/* The filetype of an open host fd (socket kinds distinguished). */
wasi_filetype_t wasi_filetype_of_fd(int host);
void wasi_filestat_from_stat(const struct stat *st, wasi_filestat_t *out);
/* A host time as preview1 nanoseconds (host times are never negative here:
 * clocks since boot or the epoch, file times). */
static inline wasi_timestamp_t wasi_timestamp_from(struct timespec t)
{
    return (wasi_timestamp_t)t.tv_sec * 1000000000u + (wasi_timestamp_t)t.tv_nsec;
}
/* The two timestamps for futimens/utimensat from preview1's fst_flags: a
 * given time, now, or left alone. A given time and "now" for the same stamp
 * contradict each other: inval. */
wasi_errno_t wasi_host_times(wasi_timestamp_t atim, wasi_timestamp_t mtim, wasi_fstflags_t fst_flags,
                             struct timespec ts[2]);
static inline bool wasi_is_socket(wasi_filetype_t t)
{
    return t == WASI_FILETYPE_SOCKET_STREAM || t == WASI_FILETYPE_SOCKET_DGRAM;
}
/* The largest set of base rights an fd of this type can hold. */
wasi_rights_t wasi_rights_for_type(wasi_filetype_t type);

/* ---- Sandboxed paths (src/wasi/path_resolve.c) ----
 * Resolve a guest path relative to a directory fd without ever leaving it:
 * the walk goes component by component with openat(O_NOFOLLOW), `..` never
 * climbs above the starting directory, symlinks are expanded by the walk
 * itself (at most WASI_MAX_SYMLINKS of them), and absolute paths or symlink
 * targets give notcapable. The result is a host directory fd plus the last
 * component's name, for the *at() calls. */
#define WASI_MAX_SYMLINKS 40

struct wasi_resolved {
    int dirfd;                /* owned: close with wasi_resolved_free */
    char *name;               /* final component: never empty, no '/', may be "." */
    bool trailing_slash;      /* the guest path ended in '/' */
    uint32_t depth;           /* how deep dirfd is below the starting directory */
};

/* follow: expand a symlink in the final component too. A trailing slash
 * always follows (POSIX: "a/" names the directory a resolves to). */
wasi_errno_t wasi_path_resolve(const struct wasi_fd *dir, const char *path, bool follow,
                               struct wasi_resolved *out);
void wasi_resolved_free(struct wasi_resolved *r);

#endif
