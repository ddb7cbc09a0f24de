// Red team: a hostile guest trying to reach outside/secret.txt, or to write
// anything outside the preopen, through paths: symlinks it plants itself and
// then uses from other calls, renamed directories whose relative links now
// point higher, odd spellings (., .., //, trailing dots, empty components),
// very long paths, long symlink chains, embedded NUL and non-UTF-8 bytes.
// Raw imports are used so the guest controls every pointer and length.
// SETUP: printf 'hello\n' > scratch/file.txt && mkdir scratch/sub
// CHECK: test "$(cat outside/secret.txt)" = secret && test "$(ls outside)" = secret.txt
// CHECK: test ! -e secret2.txt && test ! -e made && test ! -e hard && test ! -e ../made
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

#define IMPORT(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))
IMPORT(path_open) int32_t raw_path_open(int32_t fd, int32_t dirflags, int32_t path, int32_t len, int32_t oflags,
                                        int64_t base, int64_t inh, int32_t fdflags, int32_t out);
IMPORT(path_filestat_get) int32_t raw_path_filestat_get(int32_t fd, int32_t flags, int32_t path, int32_t len,
                                                        int32_t out);
IMPORT(path_symlink) int32_t raw_path_symlink(int32_t old, int32_t old_len, int32_t fd, int32_t path, int32_t len);
IMPORT(path_create_directory) int32_t raw_path_create_directory(int32_t fd, int32_t path, int32_t len);

#define SANDBOX 3
#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW

#include "check.h"

/* Open and read a file; the errno, and the content in buf. */
static __wasi_errno_t slurp(__wasi_fd_t dir, __wasi_lookupflags_t lf, const char *path, char *buf, size_t cap)
{
    __wasi_fd_t fd;
    buf[0] = 0;
    __wasi_errno_t e = __wasi_path_open(dir, lf, path, 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd);
    if (e)
        return e;
    __wasi_iovec_t iov = {(uint8_t *)buf, cap - 1};
    __wasi_size_t n = 0;
    e = __wasi_fd_read(fd, &iov, 1, &n);
    buf[e ? 0 : n] = 0;
    (void)!__wasi_fd_close(fd);
    return e;
}

/* Every way of opening or inspecting `path` must fail with `want`, and
 * nothing may be read. */
static void no_way2(const char *path, __wasi_errno_t want, __wasi_errno_t want_nofollow)
{
    char what[200], buf[64];
    __wasi_filestat_t st;
    __wasi_fd_t fd;
    snprintf(what, sizeof what, "path_open %s", path);
    expect(what, slurp(SANDBOX, 0, path, buf, sizeof buf), want_nofollow);
    if (strstr(buf, "secret"))
        printf("FAIL %s: the secret was read\n", what);
    snprintf(what, sizeof what, "path_open %s with follow", path);
    expect(what, slurp(SANDBOX, FOLLOW, path, buf, sizeof buf), want);
    if (strstr(buf, "secret"))
        printf("FAIL %s: the secret was read\n", what);
    snprintf(what, sizeof what, "path_filestat_get %s with follow", path);
    expect(what, __wasi_path_filestat_get(SANDBOX, FOLLOW, path, &st), want);
    snprintf(what, sizeof what, "path_open %s as a directory with follow", path);
    __wasi_errno_t e = __wasi_path_open(SANDBOX, FOLLOW, path, __WASI_OFLAGS_DIRECTORY,
                                        __WASI_RIGHTS_FD_READDIR, 0, 0, &fd);
    if (e == 0)
        (void)!__wasi_fd_close(fd);
    expect(what, e == __WASI_ERRNO_NOTDIR ? want : e, want);
    snprintf(what, sizeof what, "path_link %s with follow", path);
    expect(what, __wasi_path_link(SANDBOX, FOLLOW, path, SANDBOX, "hard"), want);
    snprintf(what, sizeof what, "path_filestat_set_times %s with follow", path);
    expect(what, __wasi_path_filestat_set_times(SANDBOX, FOLLOW, path, 0, 0, __WASI_FSTFLAGS_MTIM_NOW), want);
}

static void no_way(const char *path, __wasi_errno_t want) { no_way2(path, want, want); }

/* A symlink whose use must be refused: without follow, opening it is a
 * loop (O_NOFOLLOW on the link itself). */
static void no_way_link(const char *path) { no_way2(path, __WASI_ERRNO_NOTCAPABLE, __WASI_ERRNO_LOOP); }

/* Listing a directory fd: does it hold `name`? */
static int lists(__wasi_fd_t dir, const char *name)
{
    static uint8_t buf[4096];
    __wasi_size_t used = 0;
    if (__wasi_fd_readdir(dir, buf, sizeof buf, 0, &used) != 0)
        return -1;
    for (size_t at = 0; at + sizeof(__wasi_dirent_t) <= used;) {
        __wasi_dirent_t de;
        memcpy(&de, buf + at, sizeof de);
        at += sizeof de;
        if (de.d_namlen == strlen(name) && at + de.d_namlen <= used && memcmp(buf + at, name, de.d_namlen) == 0)
            return 1;
        at += de.d_namlen;
    }
    return 0;
}

int main(void)
{
    char buf[64];
    __wasi_fd_t fd;
    __wasi_filestat_t st;

    /* Links the guest plants itself, then uses from other calls. */
    expect("path_symlink up -> .. at the top", __wasi_path_symlink("..", SANDBOX, "up"), __WASI_ERRNO_NOTCAPABLE);
    expect("path_symlink sub/up -> .. (the preopen itself)", __wasi_path_symlink("..", SANDBOX, "sub/up"), 0);
    no_way("sub/up/../outside/secret.txt", __WASI_ERRNO_NOTCAPABLE);
    no_way("sub/up/..", __WASI_ERRNO_NOTCAPABLE);
    expect("path_open sub/up/file.txt (back inside) reads", slurp(SANDBOX, 0, "sub/up/file.txt", buf, sizeof buf), 0);
    expect_true("path_open sub/up/file.txt content", strcmp(buf, "hello\n") == 0);

    /* A relative link made deep down, whose directory is then moved up:
     * the same text now climbs out, and every use of it must be refused. */
    expect("path_create_directory a", __wasi_path_create_directory(SANDBOX, "a"), 0);
    expect("path_create_directory a/b", __wasi_path_create_directory(SANDBOX, "a/b"), 0);
    expect("path_symlink a/b/l -> ../../file.txt", __wasi_path_symlink("../../file.txt", SANDBOX, "a/b/l"), 0);
    expect("path_symlink a/b/dd -> ../..", __wasi_path_symlink("../..", SANDBOX, "a/b/dd"), 0);
    expect("path_symlink a/b/s -> ../../../outside/secret.txt refused",
           __wasi_path_symlink("../../../outside/secret.txt", SANDBOX, "a/b/s"), __WASI_ERRNO_NOTCAPABLE);
    expect("path_open a/b/l with follow before the move", slurp(SANDBOX, FOLLOW, "a/b/l", buf, sizeof buf), 0);
    expect("path_rename a/b -> b (links now point one level higher)", __wasi_path_rename(SANDBOX, "a/b", SANDBOX, "b"), 0);
    no_way_link("b/l");
    no_way("b/dd/outside/secret.txt", __WASI_ERRNO_NOTCAPABLE);
    no_way_link("b/dd");
    expect("path_open b/dd as a directory without follow",
           __wasi_path_open(SANDBOX, 0, "b/dd", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR, 0, 0, &fd),
           __WASI_ERRNO_NOTDIR);
    expect("path_create_directory b/dd/made", __wasi_path_create_directory(SANDBOX, "b/dd/made"), __WASI_ERRNO_NOTCAPABLE);
    expect("path_open creat b/dd/made", __wasi_path_open(SANDBOX, 0, "b/dd/made", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, 0, 0, &fd),
           __WASI_ERRNO_NOTCAPABLE);
    expect("path_symlink b/dd/made -> x", __wasi_path_symlink("x", SANDBOX, "b/dd/made"), __WASI_ERRNO_NOTCAPABLE);
    expect("path_rename file.txt -> b/dd/made", __wasi_path_rename(SANDBOX, "file.txt", SANDBOX, "b/dd/made"),
           __WASI_ERRNO_NOTCAPABLE);
    expect("path_link file.txt -> b/dd/made", __wasi_path_link(SANDBOX, 0, "file.txt", SANDBOX, "b/dd/made"),
           __WASI_ERRNO_NOTCAPABLE);
    expect("path_unlink_file b/dd/outside/secret.txt",
           __wasi_path_unlink_file(SANDBOX, "b/dd/outside/secret.txt"), __WASI_ERRNO_NOTCAPABLE);
    expect("path_readlink b/dd/outside (through the link)", __wasi_path_readlink(SANDBOX, "b/dd/outside", (uint8_t *)buf, sizeof buf, &(__wasi_size_t){0}),
           __WASI_ERRNO_NOTCAPABLE);
    expect("path_readlink b/dd itself is fine", __wasi_path_readlink(SANDBOX, "b/dd", (uint8_t *)buf, sizeof buf, &(__wasi_size_t){0}), 0);
    /* A directory fd opened below, then the link used from there. */
    expect("path_open b as a directory", __wasi_path_open(SANDBOX, 0, "b", __WASI_OFLAGS_DIRECTORY,
                                                          __WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_PATH_FILESTAT_GET,
                                                          __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_READDIR, 0, &fd), 0);
    expect("from fd b: path_open dd/outside/secret.txt", slurp(fd, 0, "dd/outside/secret.txt", buf, sizeof buf), __WASI_ERRNO_NOTCAPABLE);
    expect("from fd b: path_open l with follow", slurp(fd, FOLLOW, "l", buf, sizeof buf), __WASI_ERRNO_NOTCAPABLE);
    expect("from fd b: path_open ../file.txt (above the fd)", slurp(fd, 0, "../file.txt", buf, sizeof buf), __WASI_ERRNO_NOTCAPABLE);
    expect_true("from fd b: fd_readdir lists dd but not the outside", lists(fd, "dd") == 1 && lists(fd, "secret.txt") == 0);
    (void)!__wasi_fd_close(fd);

    /* A link through a link: sub/d -> .. is the preopen, so d/../x climbs
     * out although the text alone looks harmless. Whether it can be made
     * is a host-side question (see the report); wisp must refuse every use. */
    expect("path_symlink sub/d -> ..", __wasi_path_symlink("..", SANDBOX, "sub/d"), 0);
    (void)!__wasi_path_symlink("d/../outside/secret.txt", SANDBOX, "sub/via");
    no_way_link("sub/via");
    no_way("sub/d/../outside/secret.txt", __WASI_ERRNO_NOTCAPABLE);
    expect("path_symlink sub/ok -> d/sub/../file.txt (stays inside) allowed",
           __wasi_path_symlink("d/sub/../file.txt", SANDBOX, "sub/ok"), 0);
    expect("path_open sub/ok with follow", slurp(SANDBOX, FOLLOW, "sub/ok", buf, sizeof buf), 0);

    /* Spellings. */
    no_way("..", __WASI_ERRNO_NOTCAPABLE);
    no_way("./..", __WASI_ERRNO_NOTCAPABLE);
    no_way("sub/../..", __WASI_ERRNO_NOTCAPABLE);
    no_way("sub/../../outside/secret.txt", __WASI_ERRNO_NOTCAPABLE);
    no_way("sub//..//..//outside//secret.txt", __WASI_ERRNO_NOTCAPABLE);
    no_way("sub/./.././../outside/./secret.txt", __WASI_ERRNO_NOTCAPABLE);
    no_way("../", __WASI_ERRNO_NOTCAPABLE);
    no_way("..//", __WASI_ERRNO_NOTCAPABLE);
    no_way("/", __WASI_ERRNO_NOTCAPABLE);
    no_way("//outside/secret.txt", __WASI_ERRNO_NOTCAPABLE);
    no_way("", __WASI_ERRNO_NOENT);
    expect("path_filestat_get .", __wasi_path_filestat_get(SANDBOX, 0, ".", &st), 0);
    expect("path_filestat_get ./././.", __wasi_path_filestat_get(SANDBOX, 0, "./././.", &st), 0);
    expect("path_filestat_get file.txt/.", __wasi_path_filestat_get(SANDBOX, 0, "file.txt/.", &st), __WASI_ERRNO_NOTDIR);
    expect("path_filestat_get file.txt/..", __wasi_path_filestat_get(SANDBOX, 0, "file.txt/..", &st), __WASI_ERRNO_NOTDIR);
    expect("path_filestat_get sub/.", __wasi_path_filestat_get(SANDBOX, 0, "sub/.", &st), 0);
    expect("path_filestat_get sub//", __wasi_path_filestat_get(SANDBOX, 0, "sub//", &st), 0);
    expect("path_filestat_get file.txt/", __wasi_path_filestat_get(SANDBOX, 0, "file.txt/", &st), __WASI_ERRNO_NOTDIR);
    expect("path_filestat_get ...", __wasi_path_filestat_get(SANDBOX, 0, "...", &st), __WASI_ERRNO_NOENT);
    expect("path_create_directory ..", __wasi_path_create_directory(SANDBOX, ".."), __WASI_ERRNO_NOTCAPABLE);
    expect("path_create_directory ../made", __wasi_path_create_directory(SANDBOX, "../made"), __WASI_ERRNO_NOTCAPABLE);
    expect("path_create_directory sub/../../made", __wasi_path_create_directory(SANDBOX, "sub/../../made"), __WASI_ERRNO_NOTCAPABLE);
    expect("path_remove_directory .", __wasi_path_remove_directory(SANDBOX, "."), __WASI_ERRNO_INVAL);
    expect("path_remove_directory sub/..", __wasi_path_remove_directory(SANDBOX, "sub/.."), __WASI_ERRNO_INVAL);
    expect("path_rename . -> sub/x", __wasi_path_rename(SANDBOX, ".", SANDBOX, "sub/x"), __WASI_ERRNO_INVAL);
    expect("path_rename sub/.. -> sub/x", __wasi_path_rename(SANDBOX, "sub/..", SANDBOX, "sub/x"), __WASI_ERRNO_INVAL);
    expect("path_rename file.txt -> ../made", __wasi_path_rename(SANDBOX, "file.txt", SANDBOX, "../made"), __WASI_ERRNO_NOTCAPABLE);
    expect("path_link file.txt -> ../made", __wasi_path_link(SANDBOX, 0, "file.txt", SANDBOX, "../made"), __WASI_ERRNO_NOTCAPABLE);
    expect("path_symlink ../made -> file.txt", __wasi_path_symlink("file.txt", SANDBOX, "../made"), __WASI_ERRNO_NOTCAPABLE);
    expect("path_unlink_file ../outside/secret.txt", __wasi_path_unlink_file(SANDBOX, "../outside/secret.txt"), __WASI_ERRNO_NOTCAPABLE);
    expect("path_unlink_file .", __wasi_path_unlink_file(SANDBOX, "."), __WASI_ERRNO_ISDIR);
    expect("path_open creat .", __wasi_path_open(SANDBOX, 0, ".", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, 0, 0, &fd), __WASI_ERRNO_ISDIR);
    expect("path_open creat|excl sub/..", __wasi_path_open(SANDBOX, 0, "sub/..", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, __WASI_RIGHTS_FD_WRITE, 0, 0, &fd),
           __WASI_ERRNO_EXIST);

    /* Long paths: far past PATH_MAX but within the glue's bound, made of
     * harmless components, and one just past the bound. */
    static char longp[65537];
    size_t n = 0;
    while (n + 2 <= 60000) {
        longp[n++] = '.';
        longp[n++] = '/';
    }
    memcpy(longp + n, "file.txt", 9);
    expect("path_filestat_get ./././... (60000 bytes) file.txt", __wasi_path_filestat_get(SANDBOX, 0, longp, &st), 0);
    n = 0;
    while (n + 7 <= 60000) {
        memcpy(longp + n, "sub/../", 7);
        n += 7;
    }
    memcpy(longp + n, "file.txt", 9);
    expect("path_filestat_get sub/../sub/../... (60000 bytes) file.txt", __wasi_path_filestat_get(SANDBOX, 0, longp, &st), 0);
    memcpy(longp + n, "../outside/secret.txt", 22);
    expect("path_open sub/../... then ../outside/secret.txt", slurp(SANDBOX, 0, longp, buf, sizeof buf), __WASI_ERRNO_NOTCAPABLE);
    memset(longp, 'x', 300);
    longp[300] = 0;
    expect("path_filestat_get of a 300-byte component", __wasi_path_filestat_get(SANDBOX, 0, longp, &st), __WASI_ERRNO_NAMETOOLONG);
    expect("path_open creat of a 300-byte component",
           __wasi_path_open(SANDBOX, 0, longp, __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, 0, 0, &fd), __WASI_ERRNO_NAMETOOLONG);
    memset(longp, '/', 65536);
    expect("path_filestat_get 65536 bytes (the bound)", raw_path_filestat_get(SANDBOX, 0, (int32_t)longp, 65536, (int32_t)&st),
           __WASI_ERRNO_NOTCAPABLE);
    expect("path_filestat_get 65537 bytes (past the bound)", raw_path_filestat_get(SANDBOX, 0, (int32_t)longp, 65537, (int32_t)&st),
           __WASI_ERRNO_NAMETOOLONG);
    /* A 4000-byte target of "./" repeats, used through many times. */
    n = 0;
    while (n + 2 <= 4000) {
        longp[n++] = '.';
        longp[n++] = '/';
    }
    longp[n++] = '.';
    longp[n] = 0;
    expect("path_symlink fat -> ./././... (4000 bytes)", __wasi_path_symlink(longp, SANDBOX, "fat"), 0);
    n = 0;
    for (int i = 0; i < 41; i++) {
        memcpy(longp + n, "fat/", 4);
        n += 4;
    }
    memcpy(longp + n, "file.txt", 9);
    expect("path_filestat_get through the fat link 41 times", __wasi_path_filestat_get(SANDBOX, 0, longp, &st), __WASI_ERRNO_LOOP);
    memmove(longp, longp + 4, strlen(longp + 4) + 1);
    expect("path_filestat_get through the fat link 40 times", __wasi_path_filestat_get(SANDBOX, 0, longp, &st), 0);
    /* A target longer than PATH_MAX cannot be made by the host either. */
    memset(longp, 'a', 5000);
    longp[5000] = 0;
    __wasi_errno_t e = __wasi_path_symlink(longp, SANDBOX, "toolong");
    expect("path_symlink with a 5000-byte target", e, __WASI_ERRNO_NAMETOOLONG);

    /* Symlink chains: 40 links are followed, 41 are a loop. */
    for (int i = 0; i < 41; i++) {
        char name[16], target[16];
        snprintf(name, sizeof name, "c%d", i);
        if (i == 40)
            snprintf(target, sizeof target, "file.txt");
        else
            snprintf(target, sizeof target, "c%d", i + 1);
        if (__wasi_path_symlink(target, SANDBOX, name) != 0)
            printf("FAIL path_symlink %s\n", name);
    }
    expect("path_open c1 with follow (40 links)", slurp(SANDBOX, FOLLOW, "c1", buf, sizeof buf), 0);
    expect("path_open c0 with follow (41 links)", slurp(SANDBOX, FOLLOW, "c0", buf, sizeof buf), __WASI_ERRNO_LOOP);
    expect("path_filestat_get c0/ (41 links, trailing slash)", __wasi_path_filestat_get(SANDBOX, 0, "c0/", &st), __WASI_ERRNO_LOOP);
    expect("path_symlink self -> self", __wasi_path_symlink("self", SANDBOX, "self"), 0);
    expect("path_open self with follow", slurp(SANDBOX, FOLLOW, "self", buf, sizeof buf), __WASI_ERRNO_LOOP);
    expect("path_open self/x", slurp(SANDBOX, 0, "self/x", buf, sizeof buf), __WASI_ERRNO_LOOP);
    expect("path_open creat self with follow", __wasi_path_open(SANDBOX, FOLLOW, "self", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, 0, 0, &fd),
           __WASI_ERRNO_LOOP);
    expect("path_symlink ping -> pong/x", __wasi_path_symlink("pong/x", SANDBOX, "ping"), 0);
    expect("path_symlink pong -> ping/x", __wasi_path_symlink("ping/x", SANDBOX, "pong"), 0);
    expect("path_filestat_get ping/y with follow", __wasi_path_filestat_get(SANDBOX, FOLLOW, "ping/y", &st), __WASI_ERRNO_LOOP);
    /* Dangling link, then creating through it: lands inside. */
    expect("path_symlink dangling -> sub/newfile", __wasi_path_symlink("sub/newfile", SANDBOX, "dangling"), 0);
    expect("path_open creat dangling with follow creates sub/newfile",
           __wasi_path_open(SANDBOX, FOLLOW, "dangling", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, 0, 0, &fd), 0);
    (void)!__wasi_fd_close(fd);
    expect("path_filestat_get sub/newfile", __wasi_path_filestat_get(SANDBOX, 0, "sub/newfile", &st), 0);
    expect("path_open creat dangling without follow", __wasi_path_open(SANDBOX, 0, "dangling", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, 0, 0, &fd),
           __WASI_ERRNO_LOOP);

    /* Bytes the glue must refuse before any host call. */
    static const char nul_path[] = "file.txt\0../../outside/secret.txt";
    expect("path_open with an embedded NUL", raw_path_open(SANDBOX, 0, (int32_t)nul_path, sizeof nul_path - 1, 0,
                                                           __WASI_RIGHTS_FD_READ, 0, 0, (int32_t)&fd), __WASI_ERRNO_INVAL);
    expect("path_open with a trailing NUL counted", raw_path_open(SANDBOX, 0, (int32_t)nul_path, 9, 0,
                                                                  __WASI_RIGHTS_FD_READ, 0, 0, (int32_t)&fd), __WASI_ERRNO_INVAL);
    expect("path_open with the length stopping before the NUL", raw_path_open(SANDBOX, 0, (int32_t)nul_path, 8, 0,
                                                                              __WASI_RIGHTS_FD_READ, 0, 0, (int32_t)&fd), 0);
    (void)!__wasi_fd_close(fd);
    static const char nul_target[] = "file.txt\0/etc/passwd";
    expect("path_symlink target with an embedded NUL", raw_path_symlink((int32_t)nul_target, sizeof nul_target - 1, SANDBOX,
                                                                        (int32_t)"nul", 3), __WASI_ERRNO_INVAL);
    static const char bad_utf8[] = "caf\xc3";
    expect("path_create_directory with a cut UTF-8 sequence", raw_path_create_directory(SANDBOX, (int32_t)bad_utf8, 4),
           __WASI_ERRNO_ILSEQ);
    static const char overlong[] = "\xc0\xae\xc0\xae/outside"; /* an overlong "..": must not become .. */
    expect("path_create_directory with overlong-encoded ..", raw_path_create_directory(SANDBOX, (int32_t)overlong, sizeof overlong - 1),
           __WASI_ERRNO_ILSEQ);
    static const char surrogate[] = "\xed\xa0\x80";
    expect("path_create_directory with a UTF-8 surrogate", raw_path_create_directory(SANDBOX, (int32_t)surrogate, 3),
           __WASI_ERRNO_ILSEQ);
    expect("path_create_directory with valid UTF-8 (é)", raw_path_create_directory(SANDBOX, (int32_t)"caf\xc3\xa9", 5), 0);
    return failures ? 1 : 0;
}
