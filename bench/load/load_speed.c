/* Measures how fast wisp loads modules: decode + validate throughput in MB/s,
 * best and median of several runs, through the public API only. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "wisp.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    int runs = 15;
    if (argc < 2) {
        fprintf(stderr, "usage: load_speed FILE.wasm...\n");
        return 2;
    }
    wisp_engine *engine = wisp_engine_new();
    for (int f = 1; f < argc; f++) {
        uint8_t *data;
        size_t len;
        wisp_error err;
        if (!wisp_read_file(argv[f], &data, &len, &err)) {
            fprintf(stderr, "%s: %s\n", argv[f], err.message);
            return 2;
        }
        double t[64];
        for (int i = 0; i < runs; i++) {
            double t0 = now();
            wisp_module *m = wisp_module_new(engine, data, len, argv[f], &err);
            t[i] = now() - t0;
            if (!m) {
                char msg[512];
                wisp_error_format(&err, msg, sizeof msg);
                fprintf(stderr, "%s\n", msg);
                return 1;
            }
            wisp_module_free(m);
        }
        qsort(t, runs, sizeof t[0], cmp_double);
        double mb = len / 1e6;
        printf("%-40s %8.2f MB  best %7.1f MB/s  median %7.1f MB/s\n", argv[f], mb, mb / t[0], mb / t[runs / 2]);
        wisp_free(data);
    }
    wisp_engine_free(engine);
    return 0;
}
