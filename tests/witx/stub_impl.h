/* The test-only struct wasi_ctx shared by stub_impl.c and glue_test.c: what
 * the stubs record so the tests can see whether and how they were called. */
#ifndef WISP_TEST_STUB_IMPL_H
#define WISP_TEST_STUB_IMPL_H

#include <stdint.h>

#include "wasi_impl.h"

struct wasi_ctx {
    unsigned calls;          /* implementation calls, sizes queries excluded */
    unsigned sizes_calls;    /* args_sizes_get / environ_sizes_get */
    const char *last;        /* the last function called */
    wasi_errno_t ret;        /* what most stubs return */
    const char *const *argv;
    uint32_t argc;
    const char *const *env;
    uint32_t envc;
    char written[256];       /* bytes fd_write/fd_pwrite/sock_send were given */
    uint32_t nwritten;
    char path[256];          /* the last path a path_* stub received */
    int path_terminated;     /* was it NUL-terminated at path_len? */
    uint64_t last_timeout;
    uint32_t nevents_claim;
    int exit_code;
};

#endif
