/* Checks shared by the red-team WASI tests: every preview1 errno by name,
 * and one printed line per check ("ok WHAT: ERRNO" or a FAIL line), with a
 * count of failures the test turns into its exit status. */
#ifndef WISP_TESTS_WASI_CHECK_H
#define WISP_TESTS_WASI_CHECK_H
#include <stdint.h>
#include <stdio.h>

static int failures;

static const char *const errno_names[] = {
    "success", "2big", "acces", "addrinuse", "addrnotavail", "afnosupport", "again", "already",
    "badf", "badmsg", "busy", "canceled", "child", "connaborted", "connrefused", "connreset",
    "deadlk", "destaddrreq", "dom", "dquot", "exist", "fault", "fbig", "hostunreach", "idrm",
    "ilseq", "inprogress", "intr", "inval", "io", "isconn", "isdir", "loop", "mfile", "mlink",
    "msgsize", "multihop", "nametoolong", "netdown", "netreset", "netunreach", "nfile", "nobufs",
    "nodev", "noent", "noexec", "nolck", "nolink", "nomem", "nomsg", "noprotoopt", "nospc", "nosys",
    "notconn", "notdir", "notempty", "notrecoverable", "notsock", "notsup", "notty", "nxio",
    "overflow", "ownerdead", "perm", "pipe", "proto", "protonosupport", "prototype", "range", "rofs",
    "spipe", "srch", "stale", "timedout", "txtbsy", "xdev", "notcapable"};

static const char *ename(uint32_t e)
{
    static char buf[24];
    if (e < sizeof errno_names / sizeof *errno_names)
        return errno_names[e];
    snprintf(buf, sizeof buf, "errno %u", e);
    return buf;
}

static void expect(const char *what, uint32_t got, uint32_t want)
{
    if (got == want) {
        printf("ok %s: %s\n", what, ename(want));
    } else {
        printf("FAIL %s: got %s", what, ename(got));
        printf(", expected %s\n", ename(want));
        failures++;
    }
}

static void expect_true(const char *what, int cond)
{
    printf("%s %s\n", cond ? "ok" : "FAIL", what);
    failures += !cond;
}

#endif
