/* libFuzzer target: the bytes drive wasm_gen.c, which builds a valid Wasm
 * 2.0 module from them; the module is then run as fuzz_exec runs its input
 * (exec_harness.c). A generated module that wisp refuses is a bug in the
 * generator or in the validator, so it aborts (and is reported). */
#include <stdio.h>
#include <stdlib.h>

#include "exec_harness.h"
#include "wasm_gen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t len;
    uint8_t *wasm = wasm_gen(data, size, &len);
    char msg[512];
    if (harness_run(wasm, len, msg, sizeof msg) == HARNESS_INVALID) {
        fprintf(stderr, "fuzz_gen: a generated module does not validate: %s\n", msg);
        FILE *f = fopen("fuzz_gen_invalid.wasm", "wb");
        if (f) {
            fwrite(wasm, 1, len, f);
            fclose(f);
            fprintf(stderr, "fuzz_gen: the module is in fuzz_gen_invalid.wasm\n");
        }
        abort();
    }
    free(wasm);
    return 0;
}
