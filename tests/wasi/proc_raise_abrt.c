// proc_raise with a signal whose default action ends a process ends the
// guest, not wisp: exit status 128 + SIGABRT (6), and nothing after it runs.
// STATUS: 134
#include <stdio.h>
#include <wasi/api.h>
#include "wasi_test.h"

int main(void)
{
    printf("before raise\n");
    fflush(stdout);
    test_proc_raise(TEST_SIGNAL_ABRT);
    printf("NOT REACHED\n");
    return 0;
}
