/* Unit tests for src/runtime/numeric.h: hand-computed vectors at the edges the
 * spec cares about (truncation bounds, signed zeros, NaN bits, ties, and
 * integer->float rounding that double rounding would get wrong). */
#include <stdbool.h>
#include <stdint.h>

#include "check.h"
#include "runtime/numeric.h"

static float f32b(uint32_t u) { return num_f32_from_bits(u); }
static double f64b(uint64_t u) { return num_f64_from_bits(u); }
static bool is32(float x, uint32_t bits) { return num_f32_bits(x) == bits; }
static bool is64(double x, uint64_t bits) { return num_f64_bits(x) == bits; }

/* Trapping truncation: the code and, on success, the value. */
#define TRUNC_OK(fn, type, x, want) ({ type o_ = 0; fn(x, &o_) == NUM_TRUNC_OK && o_ == (want); })
#define TRUNC_CODE(fn, type, x) ({ type o_ = 0; fn(x, &o_); })

static void test_trunc(void)
{
    float nan32 = f32b(0x7fc00000), snan32 = f32b(0xffa00000), inf32 = f32b(0x7f800000);
    double nan64 = f64b(0x7ff8000000000000ull), inf64 = f64b(0x7ff0000000000000ull);

    CHECK("trunc f32->i32_s -2^31 ok", TRUNC_OK(num_trunc_f32_i32_s, int32_t, -2147483648.0f, INT32_MIN));
    CHECK("trunc f32->i32_s below -2^31 overflows",
          TRUNC_CODE(num_trunc_f32_i32_s, int32_t, f32b(0xcf000001)) == NUM_TRUNC_OVERFLOW);
    CHECK("trunc f32->i32_s largest below 2^31", TRUNC_OK(num_trunc_f32_i32_s, int32_t, 2147483520.0f, 2147483520));
    CHECK("trunc f32->i32_s 2^31 overflows", TRUNC_CODE(num_trunc_f32_i32_s, int32_t, 2147483648.0f) == NUM_TRUNC_OVERFLOW);
    CHECK("trunc f32->i32_s -1.9 -> -1", TRUNC_OK(num_trunc_f32_i32_s, int32_t, -1.9f, -1));
    CHECK("trunc f32->i32_s NaN invalid", TRUNC_CODE(num_trunc_f32_i32_s, int32_t, nan32) == NUM_TRUNC_INVALID);
    CHECK("trunc f32->i32_s -sNaN invalid", TRUNC_CODE(num_trunc_f32_i32_s, int32_t, snan32) == NUM_TRUNC_INVALID);
    CHECK("trunc f32->i32_s inf overflows", TRUNC_CODE(num_trunc_f32_i32_s, int32_t, inf32) == NUM_TRUNC_OVERFLOW);

    CHECK("trunc f64->i32_s -2147483648.9 ok", TRUNC_OK(num_trunc_f64_i32_s, int32_t, -2147483648.9, INT32_MIN));
    CHECK("trunc f64->i32_s -2147483649 overflows",
          TRUNC_CODE(num_trunc_f64_i32_s, int32_t, -2147483649.0) == NUM_TRUNC_OVERFLOW);
    CHECK("trunc f64->i32_s 2147483647.9 ok", TRUNC_OK(num_trunc_f64_i32_s, int32_t, 2147483647.9, INT32_MAX));
    CHECK("trunc f64->i32_s 2^31 overflows", TRUNC_CODE(num_trunc_f64_i32_s, int32_t, 2147483648.0) == NUM_TRUNC_OVERFLOW);
    CHECK("trunc f64->i32_s NaN invalid", TRUNC_CODE(num_trunc_f64_i32_s, int32_t, nan64) == NUM_TRUNC_INVALID);

    CHECK("trunc f32->i32_u -0.99 -> 0", TRUNC_OK(num_trunc_f32_i32_u, uint32_t, -0.99f, 0));
    CHECK("trunc f32->i32_u -1 overflows", TRUNC_CODE(num_trunc_f32_i32_u, uint32_t, -1.0f) == NUM_TRUNC_OVERFLOW);
    CHECK("trunc f32->i32_u largest below 2^32", TRUNC_OK(num_trunc_f32_i32_u, uint32_t, 4294967040.0f, 4294967040u));
    CHECK("trunc f32->i32_u 2^32 overflows", TRUNC_CODE(num_trunc_f32_i32_u, uint32_t, 4294967296.0f) == NUM_TRUNC_OVERFLOW);
    CHECK("trunc f64->i32_u 4294967295.9 ok", TRUNC_OK(num_trunc_f64_i32_u, uint32_t, 4294967295.9, UINT32_MAX));
    CHECK("trunc f64->i32_u 2^32 overflows", TRUNC_CODE(num_trunc_f64_i32_u, uint32_t, 4294967296.0) == NUM_TRUNC_OVERFLOW);
    CHECK("trunc f64->i32_u -0.9999 -> 0", TRUNC_OK(num_trunc_f64_i32_u, uint32_t, -0.9999, 0));
    CHECK("trunc f64->i32_u -1 overflows", TRUNC_CODE(num_trunc_f64_i32_u, uint32_t, -1.0) == NUM_TRUNC_OVERFLOW);
    CHECK("trunc f64->i32_u NaN invalid", TRUNC_CODE(num_trunc_f64_i32_u, uint32_t, nan64) == NUM_TRUNC_INVALID);

    CHECK("trunc f32->i64_s -2^63 ok", TRUNC_OK(num_trunc_f32_i64_s, int64_t, -9223372036854775808.0f, INT64_MIN));
    CHECK("trunc f32->i64_s largest below 2^63",
          TRUNC_OK(num_trunc_f32_i64_s, int64_t, 9223371487098961920.0f, 9223371487098961920ll));
    CHECK("trunc f32->i64_s 2^63 overflows",
          TRUNC_CODE(num_trunc_f32_i64_s, int64_t, 9223372036854775808.0f) == NUM_TRUNC_OVERFLOW);
    CHECK("trunc f32->i64_s below -2^63 overflows",
          TRUNC_CODE(num_trunc_f32_i64_s, int64_t, f32b(0xdf000001)) == NUM_TRUNC_OVERFLOW);
    CHECK("trunc f64->i64_s largest below 2^63",
          TRUNC_OK(num_trunc_f64_i64_s, int64_t, 9223372036854774784.0, 9223372036854774784ll));
    CHECK("trunc f64->i64_s 2^63 overflows",
          TRUNC_CODE(num_trunc_f64_i64_s, int64_t, 9223372036854775808.0) == NUM_TRUNC_OVERFLOW);
    CHECK("trunc f64->i64_s -2^63 ok", TRUNC_OK(num_trunc_f64_i64_s, int64_t, -9223372036854775808.0, INT64_MIN));
    CHECK("trunc f64->i64_s below -2^63 overflows",
          TRUNC_CODE(num_trunc_f64_i64_s, int64_t, -9223372036854777856.0) == NUM_TRUNC_OVERFLOW);
    CHECK("trunc f64->i64_s -inf overflows", TRUNC_CODE(num_trunc_f64_i64_s, int64_t, -inf64) == NUM_TRUNC_OVERFLOW);

    CHECK("trunc f32->i64_u largest below 2^64",
          TRUNC_OK(num_trunc_f32_i64_u, uint64_t, 18446742974197923840.0f, 18446742974197923840ull));
    CHECK("trunc f32->i64_u 2^64 overflows",
          TRUNC_CODE(num_trunc_f32_i64_u, uint64_t, 18446744073709551616.0f) == NUM_TRUNC_OVERFLOW);
    CHECK("trunc f32->i64_u -0.9 -> 0", TRUNC_OK(num_trunc_f32_i64_u, uint64_t, -0.9f, 0));
    CHECK("trunc f32->i64_u 2^63 ok (top bit)",
          TRUNC_OK(num_trunc_f32_i64_u, uint64_t, 9223372036854775808.0f, 0x8000000000000000ull));
    CHECK("trunc f64->i64_u largest below 2^64",
          TRUNC_OK(num_trunc_f64_i64_u, uint64_t, 18446744073709549568.0, 18446744073709549568ull));
    CHECK("trunc f64->i64_u 2^64 overflows",
          TRUNC_CODE(num_trunc_f64_i64_u, uint64_t, 18446744073709551616.0) == NUM_TRUNC_OVERFLOW);
    CHECK("trunc f64->i64_u -1 overflows", TRUNC_CODE(num_trunc_f64_i64_u, uint64_t, -1.0) == NUM_TRUNC_OVERFLOW);
    CHECK("trunc f64->i64_u NaN invalid", TRUNC_CODE(num_trunc_f64_i64_u, uint64_t, nan64) == NUM_TRUNC_INVALID);
}

static void test_trunc_sat(void)
{
    float nan32 = f32b(0x7fc00000), inf32 = f32b(0x7f800000);
    double nan64 = f64b(0xfff8000000000001ull), inf64 = f64b(0x7ff0000000000000ull);

    CHECK("sat f32->i32_s NaN -> 0", num_trunc_sat_f32_i32_s(nan32) == 0);
    CHECK("sat f32->i32_s 2^31 -> max", num_trunc_sat_f32_i32_s(2147483648.0f) == INT32_MAX);
    CHECK("sat f32->i32_s -inf -> min", num_trunc_sat_f32_i32_s(-inf32) == INT32_MIN);
    CHECK("sat f32->i32_s below -2^31 -> min", num_trunc_sat_f32_i32_s(f32b(0xcf000001)) == INT32_MIN);
    CHECK("sat f32->i32_s -2^31 exact", num_trunc_sat_f32_i32_s(-2147483648.0f) == INT32_MIN);
    CHECK("sat f32->i32_s 2147483520", num_trunc_sat_f32_i32_s(2147483520.0f) == 2147483520);
    CHECK("sat f32->i32_u -1 -> 0", num_trunc_sat_f32_i32_u(-1.0f) == 0);
    CHECK("sat f32->i32_u -0.9 -> 0", num_trunc_sat_f32_i32_u(-0.9f) == 0);
    CHECK("sat f32->i32_u inf -> max", num_trunc_sat_f32_i32_u(inf32) == UINT32_MAX);
    CHECK("sat f32->i32_u 4294967040", num_trunc_sat_f32_i32_u(4294967040.0f) == 4294967040u);
    CHECK("sat f64->i32_s -2147483648.9 -> min", num_trunc_sat_f64_i32_s(-2147483648.9) == INT32_MIN);
    CHECK("sat f64->i32_s 2147483647.9 -> max", num_trunc_sat_f64_i32_s(2147483647.9) == INT32_MAX);
    CHECK("sat f64->i32_s 1e10 -> max", num_trunc_sat_f64_i32_s(1e10) == INT32_MAX);
    CHECK("sat f64->i32_s -NaN -> 0", num_trunc_sat_f64_i32_s(nan64) == 0);
    CHECK("sat f64->i32_u 4294967295.9", num_trunc_sat_f64_i32_u(4294967295.9) == UINT32_MAX);
    CHECK("sat f64->i32_u 4294967296 -> max", num_trunc_sat_f64_i32_u(4294967296.0) == UINT32_MAX);
    CHECK("sat f64->i32_u -inf -> 0", num_trunc_sat_f64_i32_u(-inf64) == 0);
    CHECK("sat f32->i64_s 2^63 -> max", num_trunc_sat_f32_i64_s(9223372036854775808.0f) == INT64_MAX);
    CHECK("sat f32->i64_s -2^63 exact", num_trunc_sat_f32_i64_s(-9223372036854775808.0f) == INT64_MIN);
    CHECK("sat f32->i64_s -inf -> min", num_trunc_sat_f32_i64_s(-inf32) == INT64_MIN);
    CHECK("sat f32->i64_u 1e30 -> max", num_trunc_sat_f32_i64_u(1e30f) == UINT64_MAX);
    CHECK("sat f32->i64_u NaN -> 0", num_trunc_sat_f32_i64_u(nan32) == 0);
    CHECK("sat f64->i64_s largest below 2^63", num_trunc_sat_f64_i64_s(9223372036854774784.0) == 9223372036854774784ll);
    CHECK("sat f64->i64_s 2^63 -> max", num_trunc_sat_f64_i64_s(9223372036854775808.0) == INT64_MAX);
    CHECK("sat f64->i64_s -1e300 -> min", num_trunc_sat_f64_i64_s(-1e300) == INT64_MIN);
    CHECK("sat f64->i64_u 2^64 -> max", num_trunc_sat_f64_i64_u(18446744073709551616.0) == UINT64_MAX);
    CHECK("sat f64->i64_u largest below 2^64",
          num_trunc_sat_f64_i64_u(18446744073709549568.0) == 18446744073709549568ull);
    CHECK("sat f64->i64_u -5 -> 0", num_trunc_sat_f64_i64_u(-5.0) == 0);
}

static void test_minmax(void)
{
    float pz = 0.0f, nz = f32b(0x80000000);
    CHECK("f32 min(-0,+0) = -0", is32(num_f32_min(nz, pz), 0x80000000));
    CHECK("f32 min(+0,-0) = -0", is32(num_f32_min(pz, nz), 0x80000000));
    CHECK("f32 max(-0,+0) = +0", is32(num_f32_max(nz, pz), 0));
    CHECK("f32 max(+0,-0) = +0", is32(num_f32_max(pz, nz), 0));
    CHECK("f32 min(1,2)", num_f32_min(1.0f, 2.0f) == 1.0f);
    CHECK("f32 max(-1,-2)", num_f32_max(-1.0f, -2.0f) == -1.0f);
    CHECK("f32 min(-inf,x)", is32(num_f32_min(f32b(0xff800000), 3.0f), 0xff800000));
    CHECK("f32 min(canonical NaN, 1) canonical", is32(num_f32_min(f32b(0x7fc00000), 1.0f), 0x7fc00000));
    CHECK("f32 max(1, -canonical NaN) keeps it", is32(num_f32_max(1.0f, f32b(0xffc00000)), 0xffc00000));
    CHECK("f32 min(sNaN, 1) quiet arithmetic", is32(num_f32_min(f32b(0x7f800001), 1.0f), 0x7fc00001));
    CHECK("f32 max(0, sNaN) quiet arithmetic", is32(num_f32_max(0.0f, f32b(0xffa00000)), 0xffe00000));

    double pz64 = 0.0, nz64 = f64b(0x8000000000000000ull);
    CHECK("f64 min(+0,-0) = -0", is64(num_f64_min(pz64, nz64), 0x8000000000000000ull));
    CHECK("f64 max(-0,+0) = +0", is64(num_f64_max(nz64, pz64), 0));
    CHECK("f64 min(-0,-0) = -0", is64(num_f64_min(nz64, nz64), 0x8000000000000000ull));
    CHECK("f64 max(2,1)", num_f64_max(2.0, 1.0) == 2.0);
    CHECK("f64 min(x, canonical NaN)", is64(num_f64_min(5.0, f64b(0x7ff8000000000000ull)), 0x7ff8000000000000ull));
    CHECK("f64 max(sNaN, 1) quiet", is64(num_f64_max(f64b(0x7ff0000000000001ull), 1.0), 0x7ff8000000000001ull));
}

static void test_rounding(void)
{
    CHECK("f32 nearest 0.5 -> +0", is32(num_f32_nearest(0.5f), 0));
    CHECK("f32 nearest -0.5 -> -0", is32(num_f32_nearest(-0.5f), 0x80000000));
    CHECK("f32 nearest 1.5 -> 2", num_f32_nearest(1.5f) == 2.0f);
    CHECK("f32 nearest 2.5 -> 2", num_f32_nearest(2.5f) == 2.0f);
    CHECK("f32 nearest -2.5 -> -2", num_f32_nearest(-2.5f) == -2.0f);
    CHECK("f32 nearest -3.5 -> -4", num_f32_nearest(-3.5f) == -4.0f);
    CHECK("f32 nearest 0.49999997 -> 0", is32(num_f32_nearest(0.49999997f), 0));
    CHECK("f32 nearest -0.49999997 -> -0", is32(num_f32_nearest(-0.49999997f), 0x80000000));
    CHECK("f32 nearest 2^22+0.5 -> even", num_f32_nearest(4194304.5f) == 4194304.0f);
    CHECK("f32 nearest 2^22+1.5 -> even", num_f32_nearest(4194305.5f) == 4194306.0f);
    CHECK("f32 nearest 2^23+1 unchanged", num_f32_nearest(8388609.0f) == 8388609.0f);
    CHECK("f32 nearest 1e30 unchanged", num_f32_nearest(1e30f) == 1e30f);
    CHECK("f32 nearest -inf unchanged", is32(num_f32_nearest(f32b(0xff800000)), 0xff800000));
    CHECK("f32 nearest sNaN quieted", is32(num_f32_nearest(f32b(0x7f800001)), 0x7fc00001));
    CHECK("f64 nearest 2^52-0.5 -> 2^52", num_f64_nearest(4503599627370495.5) == 4503599627370496.0);
    CHECK("f64 nearest 2^52-1.5 -> even", num_f64_nearest(4503599627370494.5) == 4503599627370494.0);
    CHECK("f64 nearest -0.5 -> -0", is64(num_f64_nearest(-0.5), 0x8000000000000000ull));
    CHECK("f64 nearest 0.5000000000000001 -> 1", num_f64_nearest(0.5000000000000001) == 1.0);
    CHECK("f64 nearest -1.5 -> -2", num_f64_nearest(-1.5) == -2.0);
    CHECK("f64 nearest 2^53+2 unchanged", num_f64_nearest(9007199254740994.0) == 9007199254740994.0);

    CHECK("f32 ceil -0.5 -> -0", is32(num_f32_ceil(-0.5f), 0x80000000));
    CHECK("f32 ceil 0.5 -> 1", num_f32_ceil(0.5f) == 1.0f);
    CHECK("f32 ceil 1e-45 -> 1", num_f32_ceil(f32b(1)) == 1.0f);
    CHECK("f32 ceil -1.5 -> -1", num_f32_ceil(-1.5f) == -1.0f);
    CHECK("f32 floor -0.5 -> -1", num_f32_floor(-0.5f) == -1.0f);
    CHECK("f32 floor 0.5 -> +0", is32(num_f32_floor(0.5f), 0));
    CHECK("f32 floor -0 -> -0", is32(num_f32_floor(f32b(0x80000000)), 0x80000000));
    CHECK("f32 floor 8388607.5 -> 8388607", num_f32_floor(8388607.5f) == 8388607.0f);
    CHECK("f32 trunc -1.7 -> -1", num_f32_trunc(-1.7f) == -1.0f);
    CHECK("f32 trunc -0.3 -> -0", is32(num_f32_trunc(-0.3f), 0x80000000));
    CHECK("f32 trunc NaN quieted", is32(num_f32_trunc(f32b(0xff800123)), 0xffc00123));
    CHECK("f64 ceil -0.9 -> -0", is64(num_f64_ceil(-0.9), 0x8000000000000000ull));
    CHECK("f64 ceil 4503599627370495.5", num_f64_ceil(4503599627370495.5) == 4503599627370496.0);
    CHECK("f64 floor -4503599627370495.5", num_f64_floor(-4503599627370495.5) == -4503599627370496.0);
    CHECK("f64 floor 1e-300 -> +0", is64(num_f64_floor(1e-300), 0));
    CHECK("f64 trunc 123.999", num_f64_trunc(123.999) == 123.0);
    CHECK("f64 trunc -inf", is64(num_f64_trunc(f64b(0xfff0000000000000ull)), 0xfff0000000000000ull));
}

static void test_sign_sqrt(void)
{
    CHECK("f32 neg keeps sNaN payload", is32(num_f32_neg(f32b(0x7fa00001)), 0xffa00001));
    CHECK("f32 abs keeps sNaN payload", is32(num_f32_abs(f32b(0xff800001)), 0x7f800001));
    CHECK("f32 copysign NaN sign", is32(num_f32_copysign(f32b(0x7f800001), -1.0f), 0xff800001));
    CHECK("f32 copysign to +0", is32(num_f32_copysign(-2.0f, 0.0f), 0x40000000));
    CHECK("f64 neg -0 -> +0", is64(num_f64_neg(f64b(0x8000000000000000ull)), 0));
    CHECK("f64 abs keeps NaN payload", is64(num_f64_abs(f64b(0xfff0000000000001ull)), 0x7ff0000000000001ull));
    CHECK("f64 copysign -NaN source", is64(num_f64_copysign(1.0, f64b(0xfff8000000000000ull)), 0xbff0000000000000ull));
    CHECK("f32 sqrt 2", is32(num_f32_sqrt(2.0f), 0x3fb504f3));
    CHECK("f32 sqrt -0 -> -0", is32(num_f32_sqrt(f32b(0x80000000)), 0x80000000));
    CHECK("f32 sqrt -1 -> canonical NaN", (num_f32_bits(num_f32_sqrt(-1.0f)) & 0x7fffffff) == 0x7fc00000);
    CHECK("f64 sqrt 2", is64(num_f64_sqrt(2.0), 0x3ff6a09e667f3bcdull));
    CHECK("f64 sqrt -inf -> canonical NaN",
          (num_f64_bits(num_f64_sqrt(f64b(0xfff0000000000000ull))) & ~NUM_F64_SIGN) == 0x7ff8000000000000ull);
}

static void test_convert(void)
{
    /* 2^63 + 2^39 + 1: just above the f32 halfway point; via double it would
     * first round to the exact tie and then to even (down). */
    CHECK("u64->f32 0x8000008000000001 rounds up", is32(num_f32_convert_i64_u(0x8000008000000001ull), 0x5f000001));
    CHECK("u64->f32 0x8000008000000000 tie to even", is32(num_f32_convert_i64_u(0x8000008000000000ull), 0x5f000000));
    CHECK("u64->f32 0x8000018000000000 tie to even up", is32(num_f32_convert_i64_u(0x8000018000000000ull), 0x5f000002));
    CHECK("u64->f32 max -> 2^64", is32(num_f32_convert_i64_u(UINT64_MAX), 0x5f800000));
    CHECK("u64->f32 small", num_f32_convert_i64_u(12345) == 12345.0f);
    CHECK("i64->f32 9007199791611905 no double rounding",
          num_f32_convert_i64_s(9007199791611905ll) == 9007200328482816.0f);
    CHECK("i64->f32 -9007199791611905", num_f32_convert_i64_s(-9007199791611905ll) == -9007200328482816.0f);
    CHECK("i64->f32 min", is32(num_f32_convert_i64_s(INT64_MIN), 0xdf000000));
    CHECK("i64->f32 0x7fffff4000000001 rounds up", is32(num_f32_convert_i64_s(0x7fffff4000000001ll), 0x5effffff));
    CHECK("i64->f32 0x7fffff4000000000 tie to even", is32(num_f32_convert_i64_s(0x7fffff4000000000ll), 0x5efffffe));
    CHECK("u64->f64 0x8000000000000401 rounds up", is64(num_f64_convert_i64_u(0x8000000000000401ull), 0x43e0000000000001ull));
    CHECK("u64->f64 0x8000000000000400 tie to even", is64(num_f64_convert_i64_u(0x8000000000000400ull), 0x43e0000000000000ull));
    CHECK("u64->f64 max -> 2^64", is64(num_f64_convert_i64_u(UINT64_MAX), 0x43f0000000000000ull));
    CHECK("i64->f64 2^53+1 tie to even", num_f64_convert_i64_s(9007199254740993ll) == 9007199254740992.0);
    CHECK("i64->f64 -(2^53+3) tie to even", num_f64_convert_i64_s(-9007199254740995ll) == -9007199254740996.0);
    CHECK("i32->f32 16777217 -> 16777216", num_f32_convert_i32_s(16777217) == 16777216.0f);
    CHECK("i32->f32 min", is32(num_f32_convert_i32_s(INT32_MIN), 0xcf000000));
    CHECK("u32->f32 max -> 2^32", is32(num_f32_convert_i32_u(UINT32_MAX), 0x4f800000));
    CHECK("u32->f32 0x80000081 rounds up", is32(num_f32_convert_i32_u(0x80000081u), 0x4f000001));
    CHECK("u32->f64 max exact", num_f64_convert_i32_u(UINT32_MAX) == 4294967295.0);
    CHECK("i32->f64 min exact", num_f64_convert_i32_s(INT32_MIN) == -2147483648.0);

    CHECK("demote 1+2^-24 tie to even", is32(num_f32_demote_f64(f64b(0x3ff0000010000000ull)), 0x3f800000));
    CHECK("demote 1+2^-24+tiny rounds up", is32(num_f32_demote_f64(f64b(0x3ff0000010000001ull)), 0x3f800001));
    CHECK("demote DBL_MAX -> inf", is32(num_f32_demote_f64(f64b(0x7fefffffffffffffull)), 0x7f800000));
    CHECK("demote -0", is32(num_f32_demote_f64(f64b(0x8000000000000000ull)), 0x80000000));
    CHECK("demote smallest subnormal f32", is32(num_f32_demote_f64(f64b(0x36a0000000000000ull)), 0x00000001));
    CHECK("demote canonical NaN", is32(num_f32_demote_f64(f64b(0x7ff8000000000000ull)), 0x7fc00000));
    CHECK("demote -canonical NaN", is32(num_f32_demote_f64(f64b(0xfff8000000000000ull)), 0xffc00000));
    CHECK("demote sNaN -> quiet, top payload kept",
          is32(num_f32_demote_f64(f64b(0x7ff4000000000000ull)), 0x7fe00000));
    CHECK("demote sNaN low payload -> quiet", is32(num_f32_demote_f64(f64b(0x7ff0000000000001ull)), 0x7fc00000));
    CHECK("promote 0.1f exact", num_f64_promote_f32(0.1f) == (double)0.1f);
    CHECK("promote canonical NaN", is64(num_f64_promote_f32(f32b(0x7fc00000)), 0x7ff8000000000000ull));
    CHECK("promote sNaN -> quiet", is64(num_f64_promote_f32(f32b(0xffa00000)), 0xfffc000000000000ull));
    CHECK("promote subnormal", num_f64_promote_f32(f32b(1)) == 1.401298464324817e-45);
}

static void test_int(void)
{
    CHECK("rotl32 by 1", num_rotl32(0x80000001u, 1) == 3);
    CHECK("rotl32 by 32 is identity", num_rotl32(0x12345678u, 32) == 0x12345678u);
    CHECK("rotl32 by 36 = by 4", num_rotl32(0x12345678u, 36) == 0x23456781u);
    CHECK("rotr32 by 0", num_rotr32(0xdeadbeefu, 0) == 0xdeadbeefu);
    CHECK("rotr32 by 4", num_rotr32(0x12345678u, 4) == 0x81234567u);
    CHECK("rotl64 by 65 = by 1", num_rotl64(0x8000000000000000ull, 65) == 1);
    CHECK("rotr64 by 1", num_rotr64(1, 1) == 0x8000000000000000ull);
    CHECK("rotr64 by 64 is identity", num_rotr64(0xabcdef0123456789ull, 64) == 0xabcdef0123456789ull);
    CHECK("clz32 0 = 32", num_clz32(0) == 32);
    CHECK("clz32 1 = 31", num_clz32(1) == 31);
    CHECK("clz32 top bit = 0", num_clz32(0x80000000u) == 0);
    CHECK("ctz32 0 = 32", num_ctz32(0) == 32);
    CHECK("ctz32 0x80000000 = 31", num_ctz32(0x80000000u) == 31);
    CHECK("clz64 0 = 64", num_clz64(0) == 64);
    CHECK("clz64 1 = 63", num_clz64(1) == 63);
    CHECK("ctz64 0 = 64", num_ctz64(0) == 64);
    CHECK("ctz64 2^40 = 40", num_ctz64(1ull << 40) == 40);
    CHECK("popcnt32 all ones", num_popcnt32(UINT32_MAX) == 32);
    CHECK("popcnt32 0", num_popcnt32(0) == 0);
    CHECK("popcnt64 all ones", num_popcnt64(UINT64_MAX) == 64);
    CHECK("popcnt64 0x8000000000000001", num_popcnt64(0x8000000000000001ull) == 2);
}

int main(void)
{
    test_trunc();
    test_trunc_sat();
    test_minmax();
    test_rounding();
    test_sign_sqrt();
    test_convert();
    test_int();
    return check_failures ? 1 : 0;
}
