// path_filestat_get: what fstatat reports in preview1 terms, with and
// without following a final symlink, and the lookup errors.
// SETUP: mkdir scratch/dir && printf 'hello\n' > scratch/file.txt && ln -s file.txt scratch/link && ln -s nowhere scratch/dangling && ln -s dir scratch/dirlink
#include <errno.h>
#include <sys/stat.h>

#include "path_check.h"

int main(void)
{
    __wasi_filestat_t st, st2;
    expect("path_filestat_get file", __wasi_path_filestat_get(SANDBOX, 0, "file.txt", &st), 0);
    expect_true("path_filestat_get file: regular, 6 bytes, 1 link",
                st.filetype == __WASI_FILETYPE_REGULAR_FILE && st.size == 6 && st.nlink == 1);
    expect_true("path_filestat_get file: times are set", st.mtim != 0 && st.atim != 0 && st.ctim != 0);
    expect("path_filestat_get directory", __wasi_path_filestat_get(SANDBOX, 0, "dir", &st), 0);
    expect_true("path_filestat_get directory: type directory", st.filetype == __WASI_FILETYPE_DIRECTORY);
    expect("path_filestat_get .", __wasi_path_filestat_get(SANDBOX, 0, ".", &st2), 0);
    expect("path_filestat_get dir/..", __wasi_path_filestat_get(SANDBOX, 0, "dir/..", &st), 0);
    expect_true("path_filestat_get dir/.. is .", st.ino == st2.ino && st.dev == st2.dev);

    expect("path_filestat_get symlink without follow", __wasi_path_filestat_get(SANDBOX, 0, "link", &st), 0);
    expect_true("path_filestat_get symlink without follow: the link itself, size is the target's length",
                st.filetype == __WASI_FILETYPE_SYMBOLIC_LINK && st.size == 8);
    expect("path_filestat_get symlink with follow", __wasi_path_filestat_get(SANDBOX, FOLLOW, "link", &st), 0);
    expect("path_filestat_get the target", __wasi_path_filestat_get(SANDBOX, 0, "file.txt", &st2), 0);
    expect_true("path_filestat_get symlink with follow: the target",
                st.filetype == __WASI_FILETYPE_REGULAR_FILE && st.ino == st2.ino);
    expect("path_filestat_get dangling symlink without follow",
           __wasi_path_filestat_get(SANDBOX, 0, "dangling", &st), 0);
    expect("path_filestat_get dangling symlink with follow",
           __wasi_path_filestat_get(SANDBOX, FOLLOW, "dangling", &st), __WASI_ERRNO_NOENT);
    expect("path_filestat_get symlink to a directory with a trailing slash",
           __wasi_path_filestat_get(SANDBOX, 0, "dirlink/", &st), 0);
    expect_true("path_filestat_get symlink with a trailing slash: followed",
                st.filetype == __WASI_FILETYPE_DIRECTORY);

    expect("path_filestat_get missing", __wasi_path_filestat_get(SANDBOX, 0, "missing", &st), __WASI_ERRNO_NOENT);
    expect("path_filestat_get missing in a missing directory",
           __wasi_path_filestat_get(SANDBOX, 0, "a/b/c", &st), __WASI_ERRNO_NOENT);
    expect("path_filestat_get through a file", __wasi_path_filestat_get(SANDBOX, 0, "file.txt/x", &st),
           __WASI_ERRNO_NOTDIR);
    expect("path_filestat_get file with a trailing slash",
           __wasi_path_filestat_get(SANDBOX, 0, "file.txt/", &st), __WASI_ERRNO_NOTDIR);
    expect("path_filestat_get empty path", __wasi_path_filestat_get(SANDBOX, 0, "", &st), __WASI_ERRNO_NOENT);
    expect("path_filestat_get ..", __wasi_path_filestat_get(SANDBOX, 0, "..", &st), __WASI_ERRNO_NOTCAPABLE);
    expect("path_filestat_get absolute", __wasi_path_filestat_get(SANDBOX, 0, "/", &st), __WASI_ERRNO_NOTCAPABLE);
    expect("path_filestat_get lookupflags 2", __wasi_path_filestat_get(SANDBOX, 2, "file.txt", &st),
           __WASI_ERRNO_INVAL);
    expect("path_filestat_get bad fd", __wasi_path_filestat_get(9, 0, "file.txt", &st), __WASI_ERRNO_BADF);
    expect("fd_fdstat_set_rights: drop path_filestat_get on the preopen",
           __wasi_fd_fdstat_set_rights(SANDBOX, RIGHTS_DIR & ~__WASI_RIGHTS_PATH_FILESTAT_GET, RIGHTS_RW), 0);
    expect("path_filestat_get without path_filestat_get",
           __wasi_path_filestat_get(SANDBOX, 0, "file.txt", &st), __WASI_ERRNO_NOTCAPABLE);
    return finish();
}
