/* Runs a fuzz target once over each file named on the command line, so the
 * seed corpus is checked by every `make test` (under SAN=1 too) without
 * libFuzzer. Prints one PASS line per file. */
#include <stdio.h>
#include <stdlib.h>

#include "wisp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        uint8_t *data;
        size_t len;
        wisp_error err;
        if (!wisp_read_file(argv[i], &data, &len, &err)) {
            printf("FAIL fuzz seed %s: cannot read\n", argv[i]);
            continue;
        }
        LLVMFuzzerTestOneInput(data, len);
        wisp_free(data);
        printf("PASS fuzz seed %s\n", argv[i]);
    }
    return 0;
}
