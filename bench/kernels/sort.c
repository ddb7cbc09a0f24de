/* Bench kernel: quicksort (median of three, insertion sort for short runs)
 * of SCALE pseudo-random 32-bit ints, then a check that the result is sorted.
 * Branchy compare-and-swap code over a multi-MB array. */
#include "kernel.h"

#ifndef SCALE
#ifdef BENCH_QUICK
#define SCALE 50000
#else
#define SCALE 1000000
#endif
#endif

static int32_t a[SCALE];

static void insertion(int32_t *v, int32_t n)
{
    for (int32_t i = 1; i < n; i++) {
        int32_t x = v[i], j = i;
        while (j > 0 && v[j - 1] > x) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
}

static inline void swap(int32_t *v, int32_t i, int32_t j)
{
    int32_t t = v[i];
    v[i] = v[j];
    v[j] = t;
}

/* Recurses into the smaller side and loops on the larger, so the depth stays
 * logarithmic even on bad inputs. */
static void quicksort(int32_t *v, int32_t n)
{
    while (n > 16) {
        int32_t mid = n / 2, last = n - 1;
        if (v[mid] < v[0]) swap(v, mid, 0);
        if (v[last] < v[0]) swap(v, last, 0);
        if (v[last] < v[mid]) swap(v, last, mid);
        int32_t pivot = v[mid];
        int32_t i = 0, j = last;
        for (;;) {
            while (v[i] < pivot) i++;
            while (v[j] > pivot) j--;
            if (i >= j) break;
            swap(v, i, j);
            i++;
            j--;
        }
        int32_t left = j + 1;
        if (left < n - left) {
            quicksort(v, left);
            v += left;
            n -= left;
        } else {
            quicksort(v + left, n - left);
            n = left;
        }
    }
    insertion(v, n);
}

uint64_t run(void)
{
    uint64_t s = 0xdeadbeefcafef00dull + bench_zero();
    for (int32_t i = 0; i < SCALE; i++)
        a[i] = (int32_t)(uint32_t)(bench_rand(&s) >> 32);
    quicksort(a, SCALE);
    uint64_t h = 0;
    for (int32_t i = 0; i < SCALE; i++) {
        if (i > 0 && a[i - 1] > a[i])
            return 0;   /* not sorted: a checksum no correct run produces */
        h = h * 0x100000001b3ull + (uint32_t)a[i];
    }
    return BENCH_RESULT(bench_mix(h, SCALE));
}
