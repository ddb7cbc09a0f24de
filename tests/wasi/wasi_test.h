/* Imports the tests need that Debian's wasi-libc <wasi/api.h> does not
 * declare: proc_raise (dropped from newer wasi-libc headers) and wisp's
 * print_greeting extension (witx/ext/greeting.witx). */
#ifndef WISP_TESTS_WASI_TEST_H
#define WISP_TESTS_WASI_TEST_H
#include <stdint.h>

/* preview1 signal numbers (witx `signal`), used with test_proc_raise. */
enum { TEST_SIGNAL_NONE = 0, TEST_SIGNAL_ABRT = 6, TEST_SIGNAL_TERM = 15, TEST_SIGNAL_CHLD = 16,
       TEST_SIGNAL_STOP = 18 };

__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise")))
uint16_t test_proc_raise(uint8_t sig);

__attribute__((import_module("wasi_snapshot_preview1"), import_name("print_greeting")))
uint16_t test_print_greeting(void);

#endif
