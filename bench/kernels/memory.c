/* Bench kernel: memory-bound work over an 8 MiB array (SCALE 32-bit words):
 * build one random cycle through every slot (Sattolo's shuffle), follow it
 * all the way round, where each load depends on the one before, then make
 * strided passes that touch a new cache line on every access. */
#include "kernel.h"

#ifndef SCALE
#ifdef BENCH_QUICK
#define SCALE (1u << 16)
#else
#define SCALE (1u << 21)
#endif
#endif

static uint32_t next[SCALE];

uint64_t run(void)
{
    uint32_t n = SCALE + bench_zero();
    for (uint32_t i = 0; i < n; i++)
        next[i] = i;
    /* Sattolo: swapping only with an earlier slot yields a single cycle. */
    uint64_t s = 0x243f6a8885a308d3ull;
    for (uint32_t i = n - 1; i > 0; i--) {
        uint32_t j = (uint32_t)(((bench_rand(&s) >> 32) * i) >> 32);
        uint32_t t = next[i];
        next[i] = next[j];
        next[j] = t;
    }
    uint64_t h = 0;
    uint32_t p = 0;
    for (uint32_t k = 0; k < n; k++) {
        p = next[p];
        h += (uint64_t)p * (k | 1);
    }
    /* A full cycle ends where it started: anything else is a wrong answer. */
    if (p != 0)
        return 0;
    for (uint32_t stride = 16; stride <= 64; stride += 16)
        for (uint32_t off = 0; off < stride; off++)
            for (uint32_t i = off; i < n; i += stride)
                h = h * 31 + next[i];
    return BENCH_RESULT(bench_mix(h, n));
}
