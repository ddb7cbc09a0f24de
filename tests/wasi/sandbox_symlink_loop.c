// Regression: symlink loops and long chains. The walk expands symlinks
// itself, so it must stop: a -> b -> a and self -> self give loop wherever
// they are met, a chain of 40 links (WASI_MAX_SYMLINKS) still resolves and
// one more gives loop, and a link chain that doubles the path at each step
// cannot make the walk blow up.
// SETUP: ln -s b scratch/a && ln -s a scratch/b && ln -s self scratch/self && ln -s loopdir/x scratch/loopdir && printf 'end\n' > scratch/target
// SETUP: cd scratch && ln -s target c40 && i=39; while [ $i -ge 1 ]; do ln -s c$((i+1)) c$i; i=$((i-1)); done
// SETUP: cd scratch && mkdir d && ln -s . d/dot && ln -s d/dot/dot/dot/dot/dot/dot/dot/dot/dot/dot/dot/dot/dot/dot/dot/dot/dot/dot/dot/dot/dot/dot/dot/dot/dot/dot/dot/dot/dot/dot/dot/dot/dot/dot/dot/dot/dot/dot/dot/dot/dot/dot/dot/x deep
// SETUP: cd scratch && ln -s w1/w1 w0 && ln -s w2/w2 w1 && ln -s w3/w3 w2 && ln -s w4/w4 w3 && ln -s w5/w5 w4 && ln -s w6/w6 w5 && ln -s w7/w7 w6 && ln -s w8/w8 w7 && ln -s w9/w9 w8 && ln -s w10/w10 w9 && ln -s . w10
// CHECK: test "$(cat scratch/target)" = end && test "$(ls outside)" = secret.txt
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "path_check.h"

int main(void)
{
    char buf[16];
    __wasi_filestat_t st;
    expect("a -> b -> a: path_open with follow", get_file(SANDBOX, FOLLOW, "a", buf, sizeof buf), __WASI_ERRNO_LOOP);
    expect("a -> b -> a: path_open in the middle", get_file(SANDBOX, 0, "a/x", buf, sizeof buf), __WASI_ERRNO_LOOP);
    expect("a -> b -> a: path_filestat_get with follow", __wasi_path_filestat_get(SANDBOX, FOLLOW, "a", &st),
           __WASI_ERRNO_LOOP);
    expect("a -> b -> a: path_filestat_get without follow is the link",
           __wasi_path_filestat_get(SANDBOX, 0, "a", &st), 0);
    expect("a -> b -> a: path_open without follow", get_file(SANDBOX, 0, "a", buf, sizeof buf), __WASI_ERRNO_LOOP);
    expect("a -> b -> a: trailing slash", __wasi_path_filestat_get(SANDBOX, 0, "a/", &st), __WASI_ERRNO_LOOP);
    expect("a -> b -> a: path_create_directory below it", __wasi_path_create_directory(SANDBOX, "a/new"),
           __WASI_ERRNO_LOOP);
    expect("a -> b -> a: path_open creat with follow",
           try_open(SANDBOX, FOLLOW, "a", __WASI_OFLAGS_CREAT, RIGHTS_RW), __WASI_ERRNO_LOOP);
    expect("self -> self: path_filestat_get with follow", __wasi_path_filestat_get(SANDBOX, FOLLOW, "self", &st),
           __WASI_ERRNO_LOOP);
    expect("loopdir -> loopdir/x: path_filestat_get with follow",
           __wasi_path_filestat_get(SANDBOX, FOLLOW, "loopdir", &st), __WASI_ERRNO_LOOP);
    errno = 0;
    expect_true("open(2) via libc a loop: ELOOP", open("/sandbox/b", O_RDONLY) < 0 && errno == ELOOP);
    expect("a -> b -> a: path_unlink_file removes the link itself", __wasi_path_unlink_file(SANDBOX, "a"), 0);

    expect("chain of 40 links: path_open with follow", get_file(SANDBOX, FOLLOW, "c1", buf, sizeof buf), 0);
    expect_true("chain of 40 links: reaches the target", strcmp(buf, "end\n") == 0);
    expect("chain of 40 links: path_filestat_get with follow", __wasi_path_filestat_get(SANDBOX, FOLLOW, "c1", &st), 0);
    expect("chain of 41 links: one more link", __wasi_path_symlink("c1", SANDBOX, "c0"), 0);
    expect("chain of 41 links: path_open with follow", get_file(SANDBOX, FOLLOW, "c0", buf, sizeof buf),
           __WASI_ERRNO_LOOP);
    expect("chain of 41 links: path_filestat_get with follow",
           __wasi_path_filestat_get(SANDBOX, FOLLOW, "c0", &st), __WASI_ERRNO_LOOP);
    expect("chain of 40 links with a trailing slash: ends at a file", __wasi_path_filestat_get(SANDBOX, 0, "c1/", &st),
           __WASI_ERRNO_NOTDIR);
    expect("43 links to . in one target", __wasi_path_filestat_get(SANDBOX, FOLLOW, "deep", &st), __WASI_ERRNO_LOOP);
    expect("w0 doubling at each of 11 levels", __wasi_path_filestat_get(SANDBOX, FOLLOW, "w0", &st),
           __WASI_ERRNO_LOOP);
    return finish();
}
