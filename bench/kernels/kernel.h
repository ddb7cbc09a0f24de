/* Shared by the CPU bench kernels: the one entry point, the size switch, and
 * helpers that keep checksums identical on every platform (native and wasm
 * both use IEEE doubles and two's-complement integers). */
#ifndef BENCH_KERNEL_H
#define BENCH_KERNEL_H

#include <stdint.h>

uint64_t run(void);

/* The compiler cannot see that this is zero, so inputs derived from it can't
 * be constant-folded and a whole kernel can't be evaluated at compile time. */
static volatile uint32_t bench_zero_v;
static inline uint32_t bench_zero(void) { return bench_zero_v; }

/* A 64-bit mixing step (multiply-xorshift) for folding results into a checksum. */
static inline uint64_t bench_mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    h *= 0xbf58476d1ce4e5b9ull;
    return h ^ (h >> 31);
}

static inline uint64_t bench_f64_bits(double d)
{
    uint64_t u;
    __builtin_memcpy(&u, &d, sizeof u);
    return u;
}

/* xorshift64: deterministic input data without libc's rand(). */
static inline uint64_t bench_rand(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

/* Checksums keep the top bit clear so they read the same whether a runner
 * prints an i64 as signed or unsigned. */
#define BENCH_RESULT(h) ((uint64_t)(h) & 0x7fffffffffffffffull)

#endif
