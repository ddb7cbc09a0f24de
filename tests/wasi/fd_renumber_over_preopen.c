// Regression: fd_renumber of a file onto a preopen's number. The number must
// then mean the file and nothing of the directory: no prestat (badf), path
// operations on it fail instead of acting in the old directory, the old
// number is free, and the directory is really closed. Also renumbering one
// preopen onto another, and the argument errors.
// SETUP: mkdir scratch/a scratch/b && echo in-a > scratch/a/keep.txt && echo in-b > scratch/b/keep.txt
// RUN: --dir {scratch}/a::/a --dir {scratch}/b::/b
// CHECK: test ! -e scratch/a/made-through-3 && test ! -e scratch/b/made-through-3
// CHECK: test "$(ls scratch/a)" = keep.txt && test "$(cat scratch/a/keep.txt)" = in-a
// CHECK: test -e scratch/b/made-in-b
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

static void show_prestat(const char *what, __wasi_fd_t fd)
{
    __wasi_prestat_t ps;
    char name[32] = {0};
    __wasi_errno_t e = __wasi_fd_prestat_get(fd, &ps);
    if (e == 0)
        e = __wasi_fd_prestat_dir_name(fd, (uint8_t *)name, ps.u.dir.pr_name_len);
    printf("ok fd_prestat_get %s (fd %u): errno %u%s%s\n", what, fd, e, e == 0 ? ", name " : "",
           name);
}

int main(void)
{
    __wasi_errno_t e;
    __wasi_fd_t f, f2;
    show_prestat("a", 3);
    show_prestat("b", 4);

    /* A file opened under b, renumbered over a (fd 3). */
    e = __wasi_path_open(4, 0, "keep.txt", 0,
                         __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_FILESTAT_GET,
                         0, 0, &f);
    printf("ok path_open b/keep.txt: errno %u, fd %u\n", e, f);
    e = __wasi_fd_renumber(f, 3);
    printf("ok fd_renumber file onto preopen 3: errno %u\n", e);
    show_prestat("3 now a file", 3);
    __wasi_fdstat_t st;
    e = __wasi_fd_fdstat_get(3, &st);
    printf("ok fd_fdstat_get 3: errno %u, filetype %u (regular_file), path_open right %s\n", e,
           st.fs_filetype, st.fs_rights_base & __WASI_RIGHTS_PATH_OPEN ? "YES" : "no");
    char buf[16] = {0};
    __wasi_iovec_t v = {(uint8_t *)buf, sizeof buf - 1};
    __wasi_size_t n;
    e = __wasi_fd_read(3, &v, 1, &n);
    printf("ok fd_read 3 reads the file: errno %u, \"%.4s\"\n", e, buf);
    printf("ok fd_fdstat_get old number %u: errno %u (badf %u)\n", f, __wasi_fd_fdstat_get(f, &st),
           __WASI_ERRNO_BADF);
    printf("ok fd_close old number: errno %u\n", __wasi_fd_close(f));

    /* Path operations on 3 must not reach the old directory a. */
    e = __wasi_path_open(3, 0, "keep.txt", 0, __WASI_RIGHTS_FD_READ, 0, 0, &f2);
    printf("ok path_open through 3: errno %u (notdir %u, notcapable %u)\n", e, __WASI_ERRNO_NOTDIR,
           __WASI_ERRNO_NOTCAPABLE);
    e = __wasi_path_open(3, 0, "made-through-3", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, 0, 0,
                         &f2);
    printf("ok path_open creat through 3: errno %u\n", e);
    printf("ok path_create_directory through 3: errno %u\n",
           __wasi_path_create_directory(3, "made-through-3"));
    printf("ok path_unlink_file through 3: errno %u\n", __wasi_path_unlink_file(3, "keep.txt"));
    __wasi_filestat_t fs;
    printf("ok path_filestat_get through 3: errno %u\n",
           __wasi_path_filestat_get(3, 0, "keep.txt", &fs));
    printf("ok fd_readdir on 3: errno %u\n", __wasi_fd_readdir(3, (uint8_t *)buf, sizeof buf, 0, &n));

    /* The freed number is reused by the next open (lowest free). */
    e = __wasi_path_open(4, 0, "made-in-b", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, 0, 0, &f2);
    printf("ok path_open after renumber reuses fd %u: errno %u, got %u\n", f, e, f2);

    /* The other way round: a preopen moved onto a file keeps its name. */
    e = __wasi_fd_renumber(4, 3);
    printf("ok fd_renumber preopen b onto 3: errno %u\n", e);
    show_prestat("3 now b", 3);
    show_prestat("4 after the move", 4);
    e = __wasi_path_filestat_get(3, 0, "made-in-b", &fs);
    printf("ok path_filestat_get through 3 finds b's file: errno %u\n", e);

    /* Argument errors and the no-op. */
    printf("ok fd_renumber 3 onto itself: errno %u\n", __wasi_fd_renumber(3, 3));
    show_prestat("3 after self-renumber", 3);
    printf("ok fd_renumber onto unopened 99: errno %u\n", __wasi_fd_renumber(3, 99));
    printf("ok fd_renumber from unopened 99: errno %u\n", __wasi_fd_renumber(99, 3));
    printf("ok fd_renumber from a closed number 4: errno %u\n", __wasi_fd_renumber(4, 3));
    show_prestat("3 still b", 3);
    return 0;
}
