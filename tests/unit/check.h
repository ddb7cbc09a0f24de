/* A minimal test harness: each CHECK prints "PASS name" or "FAIL name: ..."
 * for tests/run.sh to count. */
#ifndef WISP_TESTS_CHECK_H
#define WISP_TESTS_CHECK_H
#include <stdio.h>

static int check_failures;
#define CHECK(name, cond)                                                     \
    do {                                                                      \
        if (cond) {                                                           \
            printf("PASS %s\n", name);                                        \
        } else {                                                              \
            printf("FAIL %s: %s:%d: %s\n", name, __FILE__, __LINE__, #cond);  \
            check_failures++;                                                 \
        }                                                                     \
    } while (0)
#endif
