// path_filestat_set_times: explicit times, "now", leaving a time alone,
// following or not following a final symlink, and the flag and lookup errors.
// SETUP: printf 'x\n' > scratch/file.txt && printf 'y\n' > scratch/target && ln -s target scratch/link
// CHECK: test "$(stat -c %Y scratch/file.txt)" = 1000000000 && test "$(stat -c %X scratch/file.txt)" = 1500000000
#include "path_check.h"

#define S 1000000000ull

static __wasi_filestat_t stat_of(__wasi_lookupflags_t lf, const char *path)
{
    __wasi_filestat_t st = {0};
    if (__wasi_path_filestat_get(SANDBOX, lf, path, &st) != 0)
        printf("FAIL path_filestat_get %s\n", path);
    return st;
}

int main(void)
{
    __wasi_filestat_t st;
    expect("path_filestat_set_times atim and mtim",
           __wasi_path_filestat_set_times(SANDBOX, 0, "file.txt", 1500000000 * S + 123456789, 1000000000 * S,
                                          __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM), 0);
    st = stat_of(0, "file.txt");
    expect_true("path_filestat_set_times: both times as given, to the nanosecond",
                st.atim == 1500000000 * S + 123456789 && st.mtim == 1000000000 * S);
    expect("path_filestat_set_times mtim only",
           __wasi_path_filestat_set_times(SANDBOX, 0, "file.txt", 0, 1200000000 * S, __WASI_FSTFLAGS_MTIM), 0);
    st = stat_of(0, "file.txt");
    expect_true("path_filestat_set_times mtim only: atim unchanged",
                st.atim == 1500000000 * S + 123456789 && st.mtim == 1200000000 * S);
    expect("path_filestat_set_times mtim_now",
           __wasi_path_filestat_set_times(SANDBOX, 0, "file.txt", 0, 0, __WASI_FSTFLAGS_MTIM_NOW), 0);
    st = stat_of(0, "file.txt");
    expect_true("path_filestat_set_times mtim_now: mtim is recent (after 2020)", st.mtim > 1577836800 * S);
    expect("path_filestat_set_times no flags", __wasi_path_filestat_set_times(SANDBOX, 0, "file.txt", 0, 0, 0), 0);

    expect("path_filestat_set_times with follow",
           __wasi_path_filestat_set_times(SANDBOX, FOLLOW, "link", 0, 1100000000 * S, __WASI_FSTFLAGS_MTIM), 0);
    expect_true("path_filestat_set_times with follow: the target changed",
                stat_of(0, "target").mtim == 1100000000 * S);
    expect("path_filestat_set_times without follow",
           __wasi_path_filestat_set_times(SANDBOX, 0, "link", 0, 1300000000 * S, __WASI_FSTFLAGS_MTIM), 0);
    expect_true("path_filestat_set_times without follow: the link changed, the target did not",
                stat_of(0, "link").mtim == 1300000000 * S && stat_of(0, "target").mtim == 1100000000 * S);

    expect("path_filestat_set_times atim with atim_now",
           __wasi_path_filestat_set_times(SANDBOX, 0, "file.txt", 0, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW),
           __WASI_ERRNO_INVAL);
    expect("path_filestat_set_times mtim with mtim_now",
           __wasi_path_filestat_set_times(SANDBOX, 0, "file.txt", 0, 0, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW),
           __WASI_ERRNO_INVAL);
    expect("path_filestat_set_times fst_flags 0x10",
           __wasi_path_filestat_set_times(SANDBOX, 0, "file.txt", 0, 0, 0x10), __WASI_ERRNO_INVAL);
    expect("path_filestat_set_times lookupflags 2",
           __wasi_path_filestat_set_times(SANDBOX, 2, "file.txt", 0, 0, __WASI_FSTFLAGS_MTIM_NOW), __WASI_ERRNO_INVAL);
    expect("path_filestat_set_times missing",
           __wasi_path_filestat_set_times(SANDBOX, 0, "missing", 0, 0, __WASI_FSTFLAGS_MTIM_NOW), __WASI_ERRNO_NOENT);
    expect("path_filestat_set_times through a file",
           __wasi_path_filestat_set_times(SANDBOX, 0, "file.txt/x", 0, 0, __WASI_FSTFLAGS_MTIM_NOW),
           __WASI_ERRNO_NOTDIR);
    expect("path_filestat_set_times ..",
           __wasi_path_filestat_set_times(SANDBOX, 0, "../outside", 0, 0, __WASI_FSTFLAGS_MTIM_NOW),
           __WASI_ERRNO_NOTCAPABLE);
    expect("path_filestat_set_times bad fd",
           __wasi_path_filestat_set_times(12, 0, "file.txt", 0, 0, __WASI_FSTFLAGS_MTIM_NOW), __WASI_ERRNO_BADF);

    /* Put the times the CHECK line looks for back, then lose the right. */
    expect("path_filestat_set_times final times",
           __wasi_path_filestat_set_times(SANDBOX, 0, "file.txt", 1500000000 * S, 1000000000 * S,
                                          __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM), 0);
    expect("fd_fdstat_set_rights: drop path_filestat_set_times",
           __wasi_fd_fdstat_set_rights(SANDBOX, RIGHTS_DIR, RIGHTS_RW), 0);
    expect("path_filestat_set_times without path_filestat_set_times",
           __wasi_path_filestat_set_times(SANDBOX, 0, "file.txt", 0, 0, __WASI_FSTFLAGS_MTIM_NOW),
           __WASI_ERRNO_NOTCAPABLE);
    return finish();
}
