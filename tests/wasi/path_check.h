/* Helpers shared by the path_* and sandbox_* WASI tests: preview1 errno
 * names, one printed line per check, and small raw-call wrappers (the raw
 * calls show the errno and rights that libc would hide). */
#ifndef WISP_TESTS_WASI_PATH_CHECK_H
#define WISP_TESTS_WASI_PATH_CHECK_H
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

/* The first preopen; the default RUN line makes it /sandbox. */
#define SANDBOX 3

#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW
#define RIGHTS_RW                                                                          \
    (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK |              \
     __WASI_RIGHTS_FD_TELL | __WASI_RIGHTS_FD_FILESTAT_GET)
#define RIGHTS_RO (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_FILESTAT_GET)
/* What a directory fd opened for further path calls asks for. */
#define RIGHTS_DIR                                                                         \
    (__WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_PATH_FILESTAT_GET | \
     __WASI_RIGHTS_PATH_CREATE_FILE | __WASI_RIGHTS_PATH_CREATE_DIRECTORY |                \
     __WASI_RIGHTS_PATH_SYMLINK | __WASI_RIGHTS_PATH_READLINK |                            \
     __WASI_RIGHTS_PATH_UNLINK_FILE | __WASI_RIGHTS_PATH_FILESTAT_SET_SIZE |               \
     __WASI_RIGHTS_FD_FILESTAT_GET)

static int check_failures;

static inline const char *errno_name(__wasi_errno_t e)
{
    switch (e) {
    case __WASI_ERRNO_SUCCESS: return "success";
    case __WASI_ERRNO_ACCES: return "acces";
    case __WASI_ERRNO_BADF: return "badf";
    case __WASI_ERRNO_BUSY: return "busy";
    case __WASI_ERRNO_EXIST: return "exist";
    case __WASI_ERRNO_INVAL: return "inval";
    case __WASI_ERRNO_ISDIR: return "isdir";
    case __WASI_ERRNO_LOOP: return "loop";
    case __WASI_ERRNO_NAMETOOLONG: return "nametoolong";
    case __WASI_ERRNO_NOENT: return "noent";
    case __WASI_ERRNO_NOSYS: return "nosys";
    case __WASI_ERRNO_NOTDIR: return "notdir";
    case __WASI_ERRNO_NOTEMPTY: return "notempty";
    case __WASI_ERRNO_PERM: return "perm";
    case __WASI_ERRNO_XDEV: return "xdev";
    case __WASI_ERRNO_NOTCAPABLE: return "notcapable";
    default: {
        static char buf[24];
        snprintf(buf, sizeof buf, "errno %u", (unsigned)e);
        return buf;
    }
    }
}

/* One line: "ok WHAT: ERRNO" when got is want, a FAIL line otherwise. */
static inline void expect(const char *what, __wasi_errno_t got, __wasi_errno_t want)
{
    if (got == want) {
        printf("ok %s: %s\n", what, errno_name(want));
    } else {
        printf("FAIL %s: got %s", what, errno_name(got));
        printf(", expected %s\n", errno_name(want));
        check_failures++;
    }
}

/* One line for a fact that is not an errno. */
static inline void expect_true(const char *what, int cond)
{
    printf("%s %s\n", cond ? "ok" : "FAIL", what);
    if (!cond)
        check_failures++;
}

static inline __wasi_errno_t open_at(__wasi_fd_t dir, __wasi_lookupflags_t lf, const char *path,
                              __wasi_oflags_t of, __wasi_rights_t base, __wasi_fd_t *fd)
{
    return __wasi_path_open(dir, lf, path, of, base, 0, 0, fd);
}

/* Open, then close at once: just the errno. */
static inline __wasi_errno_t try_open(__wasi_fd_t dir, __wasi_lookupflags_t lf, const char *path,
                               __wasi_oflags_t of, __wasi_rights_t base)
{
    __wasi_fd_t fd;
    __wasi_errno_t e = open_at(dir, lf, path, of, base, &fd);
    if (e == 0 && __wasi_fd_close(fd) != 0)
        printf("FAIL fd_close after path_open\n");
    return e;
}

/* Create (or replace) a file holding text. */
static inline __wasi_errno_t put_file(__wasi_fd_t dir, const char *path, const char *text)
{
    __wasi_fd_t fd;
    __wasi_errno_t e = open_at(dir, 0, path, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC,
                               __WASI_RIGHTS_FD_WRITE, &fd);
    if (e)
        return e;
    __wasi_ciovec_t iov = {(const uint8_t *)text, strlen(text)};
    __wasi_size_t n;
    e = __wasi_fd_write(fd, &iov, 1, &n);
    if (__wasi_fd_close(fd) != 0 && e == 0)
        e = __WASI_ERRNO_IO;
    return e;
}

/* Read up to cap-1 bytes of a file into buf as a string. */
static inline __wasi_errno_t get_file(__wasi_fd_t dir, __wasi_lookupflags_t lf, const char *path,
                               char *buf, size_t cap)
{
    __wasi_fd_t fd;
    buf[0] = 0;
    __wasi_errno_t e = open_at(dir, lf, path, 0, __WASI_RIGHTS_FD_READ, &fd);
    if (e)
        return e;
    __wasi_iovec_t iov = {(uint8_t *)buf, cap - 1};
    __wasi_size_t n = 0;
    e = __wasi_fd_read(fd, &iov, 1, &n);
    buf[e ? 0 : n] = 0;
    if (__wasi_fd_close(fd) != 0)
        printf("FAIL fd_close after read\n");
    return e;
}

static inline __wasi_filetype_t type_of(__wasi_fd_t dir, __wasi_lookupflags_t lf, const char *path)
{
    __wasi_filestat_t st;
    if (__wasi_path_filestat_get(dir, lf, path, &st) != 0)
        return 255;
    return st.filetype;
}

static inline int exists(__wasi_fd_t dir, const char *path)
{
    __wasi_filestat_t st;
    return __wasi_path_filestat_get(dir, 0, path, &st) == 0;
}

static inline int finish(void) { return check_failures ? 1 : 0; }

#endif
