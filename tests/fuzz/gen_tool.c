/* Writes modules from the generator to files, to check them with other
 * tools (wisp validate, wabt's wasm-validate):
 *   gen_tool IN OUT.wasm        the module fuzz_gen builds from file IN
 *   gen_tool -c IN OUT.wasm     the module fuzz_tiers builds from it (with
 *                               wasm_gen_canonical_nans)
 *   gen_tool -n N DIR [SEED]    N modules from pseudo-random inputs of
 *                               1..8192 bytes, as DIR/gen_NNNN.wasm
 *   gen_tool -m M ...           any of these with up to M memories
 *                               (wasm_gen_memories, multi-memory)
 *   gen_tool -t ...             any of these with tail calls
 *                               (wasm_gen_tail_calls)
 *   gen_tool -6 ...             any of these with i64 memories
 *                               (wasm_gen_memory64)
 *   gen_tool -e ...             any of these with exception handling
 *                               (wasm_gen_exceptions)
 *   gen_tool -E ...             the same with the legacy instructions only
 *                               (wasm_gen_legacy_exceptions_only, for wabt)
 *   gen_tool -r ...             any of these with typed function references
 *                               (wasm_gen_func_refs)
 * The switches come in this order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasm_gen.h"

static int write_file(const char *path, const uint8_t *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
        perror(path);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "-m") == 0) {
        wasm_gen_memories = (uint32_t)atoi(argv[2]);
        argv += 2;
        argc -= 2;
    }
    if (argc >= 2 && strcmp(argv[1], "-t") == 0) {
        wasm_gen_tail_calls = true;
        argv++;
        argc--;
    }
    if (argc >= 2 && strcmp(argv[1], "-6") == 0) {
        wasm_gen_memory64 = true;
        argv++;
        argc--;
    }
    if (argc >= 2 && (strcmp(argv[1], "-e") == 0 || strcmp(argv[1], "-E") == 0)) {
        wasm_gen_exceptions = true;
        wasm_gen_legacy_exceptions_only = argv[1][1] == 'E';
        argv++;
        argc--;
    }
    if (argc >= 2 && strcmp(argv[1], "-r") == 0) {
        wasm_gen_func_refs = true;
        argv++;
        argc--;
    }
    if (argc >= 4 && strcmp(argv[1], "-n") == 0) {
        int n = atoi(argv[2]);
        srand(argc > 4 ? (unsigned)atoi(argv[4]) : 1u);
        for (int i = 0; i < n; i++) {
            size_t size = 1 + (size_t)rand() % 8192;
            uint8_t *in = malloc(size);
            for (size_t j = 0; j < size; j++)
                in[j] = (uint8_t)rand();
            size_t len;
            uint8_t *wasm = wasm_gen(in, size, &len);
            char path[4096];
            snprintf(path, sizeof path, "%s/gen_%04d.wasm", argv[3], i);
            if (write_file(path, wasm, len))
                return 1;
            free(in);
            free(wasm);
        }
        return 0;
    }
    if (argc == 4 && strcmp(argv[1], "-c") == 0) {
        wasm_gen_canonical_nans = true;
        argv++;
        argc--;
    }
    if (argc != 3) {
        fprintf(stderr, "usage: gen_tool [-m M] [-t] [-6] [-e|-E] [-r] [-c] IN OUT.wasm | gen_tool [-m M] [-t] [-6] [-e|-E] [-r] -n N DIR [SEED]\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    size_t cap = 1 << 16, size = 0;
    uint8_t *in = malloc(cap);
    size_t got;
    while ((got = fread(in + size, 1, cap - size, f)) > 0) {
        size += got;
        if (size == cap)
            in = realloc(in, cap *= 2);
    }
    fclose(f);
    size_t len;
    uint8_t *wasm = wasm_gen(in, size, &len);
    int status = write_file(argv[2], wasm, len);
    free(in);
    free(wasm);
    return status;
}
