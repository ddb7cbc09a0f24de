// Red team: a hostile guest exhausting the host. Opening descriptors until
// the host runs out must give mfile (or nfile) and leave wisp working; while
// exhausted, every call that needs a host descriptor (the path walk, a
// directory stream) must fail cleanly; failing walks repeated many times
// with almost no descriptors to spare must not leak any; and a directory tree
// 600 levels deep must still resolve.
// SETUP: mkdir -p scratch/sub/a/b/c/d/e/f/g/h && printf 'x' > scratch/sub/file && ln -s self scratch/sub/self && ln -s ../.. scratch/sub/up
// CHECK: test "$(cat outside/secret.txt)" = secret
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

#define SANDBOX 3

#include "check.h"

static __wasi_fd_t fds[70000];

static __wasi_errno_t open_file(__wasi_fd_t *fd)
{
    return __wasi_path_open(SANDBOX, 0, "sub/file", 0, __WASI_RIGHTS_FD_READ, 0, 0, fd);
}

int main(void)
{
    __wasi_filestat_t st;
    __wasi_size_t used;
    static uint8_t buf[4096];
    unsigned n = 0;
    __wasi_errno_t e;

    /* Open until the host says no. */
    while (n < sizeof fds / sizeof *fds && (e = open_file(&fds[n])) == 0)
        n++;
    expect_true("path_open until exhausted: more than 1000 opened", n > 1000);
    expect_true("path_open until exhausted: ends with mfile or nfile", e == __WASI_ERRNO_MFILE || e == __WASI_ERRNO_NFILE);
    /* While exhausted. Output is only printed after some are closed: the
     * guest's stdout needs no new host descriptor, but be safe. */
    __wasi_errno_t e_open = open_file(&(__wasi_fd_t){0});
    __wasi_errno_t e_stat0 = __wasi_path_filestat_get(SANDBOX, 0, "sub", &st);
    __wasi_errno_t e_stat3 = __wasi_path_filestat_get(SANDBOX, 0, "sub/a/b/c", &st);
    __wasi_errno_t e_rd = __wasi_fd_readdir(SANDBOX, buf, sizeof buf, 0, &used);
    __wasi_errno_t e_mk = __wasi_path_create_directory(SANDBOX, "sub/made");
    __wasi_errno_t e_fst = __wasi_fd_filestat_get(SANDBOX, &st);
    __wasi_errno_t e_stat0b = __wasi_path_filestat_get(SANDBOX, 0, "sub", &st);
    __wasi_errno_t e_rn = __wasi_fd_renumber(fds[0], fds[1]);
    for (unsigned i = 1; i < n; i++)
        (void)!__wasi_fd_close(fds[i]);
    expect("exhausted: path_open", e_open, e);
    /* The failed path_open gave back the one descriptor its walk held. */
    expect("exhausted but one: path_filestat_get sub (a walk needing one descriptor)", e_stat0, 0);
    /* Where the host allows more descriptors than wisp's table (65536),
     * the table fills first and the host-side checks have nothing to test. */
    const int host_ran_out = n + 8 < 65536;
    expect_true("exhausted but one: path_filestat_get sub/a/b/c (needing four): the same errno",
                !host_ran_out || e_stat3 == e);
    expect("exhausted but one: fd_readdir on the preopen (its stream takes the last one)", e_rd, 0);
    expect_true("exhausted: path_create_directory: the same errno", !host_ran_out || e_mk == e);
    expect_true("exhausted: path_filestat_get sub (none left now): the same errno", !host_ran_out || e_stat0b == e);
    expect("exhausted: fd_filestat_get (needs none)", e_fst, 0);
    expect("exhausted: fd_renumber (needs none)", e_rn, 0);
    expect("after closing: path_open", open_file(&fds[1]), 0);
    expect("after closing: fd_readdir on the preopen", __wasi_fd_readdir(SANDBOX, buf, sizeof buf, 0, &used), 0);
    expect("after closing: path_filestat_get sub/a/b/c/d/e/f/g/h", __wasi_path_filestat_get(SANDBOX, 0, "sub/a/b/c/d/e/f/g/h", &st), 0);
    expect("closed numbers: fd_close again", __wasi_fd_close(fds[2]), __WASI_ERRNO_BADF);
    (void)!__wasi_fd_close(fds[1]);

    /* Nearly exhausted: room for a few descriptors only, then a walk that
     * needs more. */
    n = 0;
    while (n < sizeof fds / sizeof *fds && open_file(&fds[n]) == 0)
        n++;
    for (unsigned i = 0; i < 4 && n > 0; i++)
        (void)!__wasi_fd_close(fds[--n]);
    e = __wasi_path_filestat_get(SANDBOX, 0, "sub/a/b/c/d/e/f/g/h", &st);
    __wasi_errno_t e2 = __wasi_path_filestat_get(SANDBOX, 0, "sub/a", &st);
    for (unsigned i = 0; i < n; i++)
        (void)!__wasi_fd_close(fds[i]);
    expect_true("4 descriptors left: a 9-deep walk gives mfile or nfile",
                !host_ran_out || e == __WASI_ERRNO_MFILE || e == __WASI_ERRNO_NFILE);
    expect("4 descriptors left: a 2-deep walk works", e2, 0);

    /* Failing walks with only four host descriptors to spare, 500 of each
     * kind: one leaked per call would turn the errno into mfile within four
     * calls. */
    n = 0;
    while (n < sizeof fds / sizeof *fds && open_file(&fds[n]) == 0)
        n++;
    for (unsigned i = 0; i < 4 && n > 0; i++)
        (void)!__wasi_fd_close(fds[--n]);
    static const struct {
        const char *path;
        __wasi_lookupflags_t follow;
        __wasi_errno_t want;
    } fails[] = {
        {"sub/self/x", 0, __WASI_ERRNO_LOOP},
        {"sub/self", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, __WASI_ERRNO_LOOP},
        {"sub/a/b/../../../../x", 0, __WASI_ERRNO_NOTCAPABLE},
        {"sub/up/outside", 0, __WASI_ERRNO_NOTCAPABLE},
        {"sub/a/b/c/nothing/x", 0, __WASI_ERRNO_NOENT},
        {"sub/file/x", 0, __WASI_ERRNO_NOTDIR},
        {"sub/a/b/", 0, 0},
    };
    int bad[sizeof fails / sizeof *fails] = {0};
    for (unsigned k = 0; k < sizeof fails / sizeof *fails; k++)
        for (unsigned i = 0; i < 500; i++)
            bad[k] += __wasi_path_filestat_get(SANDBOX, fails[k].follow, fails[k].path, &st) != fails[k].want;
    int bad2 = 0;
    for (unsigned i = 0; i < 500; i++) {
        __wasi_fd_t fd;
        bad2 += __wasi_path_open(SANDBOX, 0, "sub/a/b", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_READ, 0, 0, &fd) != __WASI_ERRNO_ISDIR;
        bad2 += __wasi_path_open(SANDBOX, 0, "sub/up/x", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_READ, 0, 0, &fd) != __WASI_ERRNO_NOTCAPABLE;
        bad2 += __wasi_path_rename(SANDBOX, "sub/a/b", SANDBOX, "sub/up/x") != __WASI_ERRNO_NOTCAPABLE;
        bad2 += __wasi_path_link(SANDBOX, 0, "sub/file", SANDBOX, "sub/self/x") != __WASI_ERRNO_LOOP;
        bad2 += __wasi_path_symlink("../../..", SANDBOX, "sub/a/x") != __WASI_ERRNO_NOTCAPABLE;
        bad2 += __wasi_path_readlink(SANDBOX, "sub/self/x", buf, 64, &used) != __WASI_ERRNO_LOOP;
        bad2 += __wasi_fd_readdir(SANDBOX, buf, 64, 0, &used) != 0;
    }
    for (unsigned i = 0; i < n; i++)
        (void)!__wasi_fd_close(fds[i]);
    for (unsigned k = 0; k < sizeof fails / sizeof *fails; k++) {
        char what[120];
        snprintf(what, sizeof what, "4 descriptors spare: path_filestat_get %s 500 times: %s every time", fails[k].path,
                 ename(fails[k].want));
        expect_true(what, bad[k] == 0);
    }
    expect_true("4 descriptors spare: path_open, path_rename, path_link, path_symlink, path_readlink, fd_readdir "
                "failing 500 times each: no leak", bad2 == 0);
    expect("after the failing walks: path_open", open_file(&fds[0]), 0);
    (void)!__wasi_fd_close(fds[0]);

    /* A deep tree: the walk holds one descriptor per level (a tree deeper
     * than the host's limit gives mfile, as in the 9-deep walk above, which
     * is quicker to set up than 20000 levels). */
    enum { DEPTH = 600 };
    __wasi_fd_t cur;
    expect("path_create_directory deep", __wasi_path_create_directory(SANDBOX, "deep"), 0);
    e = __wasi_path_open(SANDBOX, 0, "deep", __WASI_OFLAGS_DIRECTORY,
                         __WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_PATH_CREATE_DIRECTORY,
                         __WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_PATH_CREATE_DIRECTORY, 0, &cur);
    int made = 0;
    for (unsigned i = 0; e == 0 && i < DEPTH; i++) {
        __wasi_fd_t next;
        if ((e = __wasi_path_create_directory(cur, "d")) != 0)
            break;
        e = __wasi_path_open(cur, 0, "d", __WASI_OFLAGS_DIRECTORY,
                             __WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_PATH_CREATE_DIRECTORY,
                             __WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_PATH_CREATE_DIRECTORY, 0, &next);
        (void)!__wasi_fd_close(cur);
        cur = next;
        made++;
    }
    if (e == 0)
        (void)!__wasi_fd_close(cur);
    expect_true("600 nested directories made one level at a time", made == DEPTH);
    static char path[5 + 2 * DEPTH + 1];
    memcpy(path, "deep/", 5);
    for (unsigned i = 0; i < DEPTH; i++)
        memcpy(path + 5 + 2 * i, "d/", 2);
    path[5 + 2 * DEPTH - 1] = 0;
    e = __wasi_path_filestat_get(SANDBOX, 0, path, &st);
    expect("path_filestat_get 600 levels deep", e, 0);
    path[5 + 2 * DEPTH - 1] = '/';
    path[5 + 2 * DEPTH] = 0;
    memcpy(path + 5 + 2 * (DEPTH - 300), "../", 3); /* d/../d: still 599 deep */
    expect("path_filestat_get 600 levels deep with a .. in the middle", __wasi_path_filestat_get(SANDBOX, 0, path, &st), 0);
    memcpy(path + 5 + 2 * 300, "x", 2);
    expect("path_filestat_get 300 levels deep", __wasi_path_filestat_get(SANDBOX, 0, path, &st), __WASI_ERRNO_NOENT);
    expect("after the deep walk: path_open", open_file(&fds[0]), 0);
    return failures ? 1 : 0;
}
