// path_open with fdflags sync, dsync or rsync: the right each flag needs is
// looked for among the directory's inheriting rights (the rights it may hand
// down to the new fd), not its base rights, as in every preview1 runtime
// that enforces rights. dsync needs fd_datasync; rsync and sync need fd_sync.
// The directory fds below come from path_open "." with chosen rights.
// SETUP: printf 'data\n' > scratch/f.txt
#include "path_check.h"

#define SYNCS (__WASI_RIGHTS_FD_SYNC | __WASI_RIGHTS_FD_DATASYNC)

static __wasi_fd_t dir_with(const char *what, __wasi_rights_t base, __wasi_rights_t inh)
{
    __wasi_fd_t d = 0;
    char line[160];
    snprintf(line, sizeof line, "path_open . as %s", what);
    expect(line, __wasi_path_open(SANDBOX, 0, ".", __WASI_OFLAGS_DIRECTORY, base, inh, 0, &d), 0);
    return d;
}

/* Open f.txt through dir with fdflags; closes it again; just the errno. */
static __wasi_errno_t open_sync(__wasi_fd_t dir, __wasi_rights_t base, __wasi_fdflags_t ff)
{
    __wasi_fd_t fd;
    __wasi_errno_t e = __wasi_path_open(dir, 0, "f.txt", 0, base, 0, ff, &fd);
    if (e == 0 && __wasi_fd_close(fd) != 0)
        printf("FAIL fd_close after path_open\n");
    return e;
}

int main(void)
{
    const __wasi_errno_t NC = __WASI_ERRNO_NOTCAPABLE;

    /* The preopen holds both rights in base and inheriting: all allowed. */
    expect("preopen: sync", open_sync(SANDBOX, RIGHTS_RW, __WASI_FDFLAGS_SYNC), 0);
    expect("preopen: dsync", open_sync(SANDBOX, RIGHTS_RW, __WASI_FDFLAGS_DSYNC), 0);
    expect("preopen: rsync", open_sync(SANDBOX, RIGHTS_RO, __WASI_FDFLAGS_RSYNC), 0);
    expect("preopen: sync|dsync|rsync",
           open_sync(SANDBOX, RIGHTS_RW,
                     __WASI_FDFLAGS_SYNC | __WASI_FDFLAGS_DSYNC | __WASI_FDFLAGS_RSYNC), 0);

    /* Inheriting holds them, base does not: allowed (wisp used to refuse). */
    __wasi_fd_t a = dir_with("inheriting fd_sync|fd_datasync, base without", RIGHTS_DIR, RIGHTS_RW | SYNCS);
    expect("inheriting both: sync", open_sync(a, RIGHTS_RW, __WASI_FDFLAGS_SYNC), 0);
    expect("inheriting both: dsync", open_sync(a, RIGHTS_RW, __WASI_FDFLAGS_DSYNC), 0);
    expect("inheriting both: rsync", open_sync(a, RIGHTS_RO, __WASI_FDFLAGS_RSYNC), 0);
    {
        /* The flag does not give the new fd the right itself. */
        __wasi_fd_t fd;
        __wasi_fdstat_t st;
        expect("inheriting both: sync, kept open",
               __wasi_path_open(a, 0, "f.txt", 0, RIGHTS_RW, 0, __WASI_FDFLAGS_SYNC, &fd), 0);
        expect("inheriting both: fd_fdstat_get", __wasi_fd_fdstat_get(fd, &st), 0);
        expect_true("inheriting both: the new fd's base rights are the ones asked for",
                    st.fs_rights_base == RIGHTS_RW);
        expect_true("inheriting both: the new fd reports sync", (st.fs_flags & __WASI_FDFLAGS_SYNC) != 0);
        expect("inheriting both: fd_sync on it is notcapable", __wasi_fd_sync(fd), NC);
        expect("inheriting both: close", __wasi_fd_close(fd), 0);
    }
    expect("close the directory fd", __wasi_fd_close(a), 0);

    /* Base holds them, inheriting does not: refused (wisp used to allow). */
    __wasi_fd_t b = dir_with("base fd_sync|fd_datasync, inheriting without", RIGHTS_DIR | SYNCS, RIGHTS_RW);
    expect("base only: sync", open_sync(b, RIGHTS_RW, __WASI_FDFLAGS_SYNC), NC);
    expect("base only: dsync", open_sync(b, RIGHTS_RW, __WASI_FDFLAGS_DSYNC), NC);
    expect("base only: rsync", open_sync(b, RIGHTS_RO, __WASI_FDFLAGS_RSYNC), NC);
    expect("base only: no sync flag still opens", open_sync(b, RIGHTS_RW, 0), 0);
    expect("close the directory fd", __wasi_fd_close(b), 0);

    /* Which right each flag needs. */
    __wasi_fd_t c = dir_with("inheriting fd_datasync only", RIGHTS_DIR, RIGHTS_RW | __WASI_RIGHTS_FD_DATASYNC);
    expect("fd_datasync only: dsync", open_sync(c, RIGHTS_RW, __WASI_FDFLAGS_DSYNC), 0);
    expect("fd_datasync only: sync", open_sync(c, RIGHTS_RW, __WASI_FDFLAGS_SYNC), NC);
    expect("fd_datasync only: rsync", open_sync(c, RIGHTS_RO, __WASI_FDFLAGS_RSYNC), NC);
    expect("fd_datasync only: dsync|rsync", open_sync(c, RIGHTS_RO, __WASI_FDFLAGS_DSYNC | __WASI_FDFLAGS_RSYNC), NC);
    expect("close the directory fd", __wasi_fd_close(c), 0);

    __wasi_fd_t s = dir_with("inheriting fd_sync only", RIGHTS_DIR, RIGHTS_RW | __WASI_RIGHTS_FD_SYNC);
    expect("fd_sync only: sync", open_sync(s, RIGHTS_RW, __WASI_FDFLAGS_SYNC), 0);
    expect("fd_sync only: rsync", open_sync(s, RIGHTS_RO, __WASI_FDFLAGS_RSYNC), 0);
    expect("fd_sync only: rsync|sync", open_sync(s, RIGHTS_RW, __WASI_FDFLAGS_RSYNC | __WASI_FDFLAGS_SYNC), 0);
    expect("fd_sync only: dsync", open_sync(s, RIGHTS_RW, __WASI_FDFLAGS_DSYNC), NC);
    expect("close the directory fd", __wasi_fd_close(s), 0);

    /* Neither: refused, and the right asked for as a base right of the new
     * fd is refused the same way. */
    __wasi_fd_t n = dir_with("inheriting neither", RIGHTS_DIR | SYNCS, RIGHTS_RW);
    expect("neither: fd_sync asked for as a base right",
           open_sync(n, RIGHTS_RW | __WASI_RIGHTS_FD_SYNC, 0), NC);
    expect("close the directory fd", __wasi_fd_close(n), 0);
    return finish();
}
