/* Bench kernel: naive recursive Fibonacci. Measures call/return overhead and
 * small-integer arithmetic; SCALE is n. */
#include "kernel.h"

#ifndef SCALE
#ifdef BENCH_QUICK
#define SCALE 27
#else
#define SCALE 37
#endif
#endif

static uint32_t fib(uint32_t n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

uint64_t run(void)
{
    uint32_t n = SCALE + bench_zero();
    return BENCH_RESULT(bench_mix(n, fib(n)));
}
