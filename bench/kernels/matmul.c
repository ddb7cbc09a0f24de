/* Bench kernel: dense double-precision matrix multiply, SCALE x SCALE, a few
 * times over with each product feeding the next, so every pass depends on the
 * one before. The checksum hashes the raw bits of every result element; the
 * loops fix the order of every addition, so the bits match on any IEEE target. */
#include "kernel.h"

#ifndef SCALE
#ifdef BENCH_QUICK
#define SCALE 80
#else
#define SCALE 320
#endif
#endif
#define N SCALE
#define ITERS 4

static double A[N * N], B[N * N], C[N * N];

uint64_t run(void)
{
    uint64_t s = 0x1234567u + bench_zero();
    for (int i = 0; i < N * N; i++) {
        /* Uniform in [-0.5, 0.5): 53 random bits scaled exactly. */
        A[i] = (double)(bench_rand(&s) >> 11) * 0x1p-53 - 0.5;
        B[i] = (double)(bench_rand(&s) >> 11) * 0x1p-53 - 0.5;
    }
    uint64_t h = 0;
    for (int it = 0; it < ITERS; it++) {
        for (int i = 0; i < N; i++) {
            double *c = &C[i * N];
            for (int j = 0; j < N; j++)
                c[j] = 0.0;
            for (int k = 0; k < N; k++) {
                double a = A[i * N + k];
                const double *b = &B[k * N];
                for (int j = 0; j < N; j++)
                    c[j] += a * b[j];
            }
        }
        /* Scaling by a power of two keeps the values in range without
         * rounding, and makes the next pass depend on this one. */
        for (int i = 0; i < N * N; i++) {
            h = bench_mix(h, bench_f64_bits(C[i]));
            A[i] = C[i] * 0.0625;
        }
    }
    return BENCH_RESULT(h);
}
