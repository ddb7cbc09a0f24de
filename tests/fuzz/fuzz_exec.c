/* libFuzzer target: any bytes as a binary module, decoded, validated,
 * instantiated with a stub for every import (running the start function),
 * and every exported function called with zero arguments, under fuel, a
 * memory limit, a table limit and a small wasm stack (exec_harness.c).
 * Traps are normal outcomes; crashes, sanitizer reports, leaks and hangs
 * are findings. */
#include "exec_harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    harness_run(data, size, NULL, 0);
    return 0;
}
