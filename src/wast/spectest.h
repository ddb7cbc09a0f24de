/* The "spectest" host module that the spec test scripts import from: print
 * functions, a table, a memory and constant globals, defined in a store's
 * linker before a script runs. */
#ifndef WISP_WAST_SPECTEST_H
#define WISP_WAST_SPECTEST_H

#include <stdio.h>

#include "runtime/runtime.h"

/* Where the print functions write. log NULL or verbose false makes them
 * silent; the struct must outlive the store. */
struct spectest_out {
    FILE *log;
    bool verbose;
};

/* Define the spectest module in s. Fails only when the memory cannot be
 * allocated. */
bool spectest_define(struct rt_store *s, struct spectest_out *out, struct wisp_error *err);

#endif
