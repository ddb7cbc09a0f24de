/* Scalar WebAssembly numeric semantics that plain C does not give exactly:
 * wasm's NaN and signed-zero rules for min/max/rounding, trapping and
 * saturating float->int truncation, and bit-exact conversions. */
#ifndef WISP_EXEC_NUMERIC_H
#define WISP_EXEC_NUMERIC_H

#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h> /* num_f32_sqrt, num_f64_sqrt */
#endif

/* Results of the trapping truncations; the interpreter maps them to
 * TRAP_INT_OVERFLOW and TRAP_INVALID_CONV. */
enum { NUM_TRUNC_OK = 0, NUM_TRUNC_OVERFLOW = 1, NUM_TRUNC_INVALID = 2 };

#define NUM_F32_SIGN  0x80000000u
#define NUM_F32_EXP   0x7f800000u
#define NUM_F32_QUIET 0x00400000u
#define NUM_F64_SIGN  0x8000000000000000ull
#define NUM_F64_EXP   0x7ff0000000000000ull
#define NUM_F64_QUIET 0x0008000000000000ull

/* Bit views. Values travel as float/double only through SSE/NEON registers
 * on the supported hosts, which never alter a NaN's bits in a plain move. */
static inline uint32_t num_f32_bits(float x) { uint32_t u; memcpy(&u, &x, 4); return u; }
static inline uint64_t num_f64_bits(double x) { uint64_t u; memcpy(&u, &x, 8); return u; }
static inline float num_f32_from_bits(uint32_t u) { float x; memcpy(&x, &u, 4); return x; }
static inline double num_f64_from_bits(uint64_t u) { double x; memcpy(&x, &u, 8); return x; }

static inline int num_f32_isnan_bits(uint32_t u) { return (u & ~NUM_F32_SIGN) > NUM_F32_EXP; }
static inline int num_f64_isnan_bits(uint64_t u) { return (u & ~NUM_F64_SIGN) > NUM_F64_EXP; }

/* A NaN operand comes back quieted with its payload kept: canonical stays
 * canonical, anything else becomes an arithmetic NaN, as the spec allows. */
static inline float num_f32_quiet(uint32_t u) { return num_f32_from_bits(u | NUM_F32_QUIET); }
static inline double num_f64_quiet(uint64_t u) { return num_f64_from_bits(u | NUM_F64_QUIET); }

/* ---- sign operations: pure bit manipulation, NaN payloads untouched ---- */

static inline float num_f32_abs(float x) { return num_f32_from_bits(num_f32_bits(x) & ~NUM_F32_SIGN); }
static inline float num_f32_neg(float x) { return num_f32_from_bits(num_f32_bits(x) ^ NUM_F32_SIGN); }
static inline float num_f32_copysign(float x, float y)
{
    return num_f32_from_bits((num_f32_bits(x) & ~NUM_F32_SIGN) | (num_f32_bits(y) & NUM_F32_SIGN));
}
static inline double num_f64_abs(double x) { return num_f64_from_bits(num_f64_bits(x) & ~NUM_F64_SIGN); }
static inline double num_f64_neg(double x) { return num_f64_from_bits(num_f64_bits(x) ^ NUM_F64_SIGN); }
static inline double num_f64_copysign(double x, double y)
{
    return num_f64_from_bits((num_f64_bits(x) & ~NUM_F64_SIGN) | (num_f64_bits(y) & NUM_F64_SIGN));
}

/* ---- min / max: NaN wins, and -0 orders below +0 ---- */

static inline float num_f32_min(float a, float b)
{
    uint32_t ua = num_f32_bits(a), ub = num_f32_bits(b);
    if (num_f32_isnan_bits(ua)) return num_f32_quiet(ua);
    if (num_f32_isnan_bits(ub)) return num_f32_quiet(ub);
    if (a == b) return num_f32_from_bits(ua | ub); /* only differ for -0 vs +0 */
    return a < b ? a : b;
}
static inline float num_f32_max(float a, float b)
{
    uint32_t ua = num_f32_bits(a), ub = num_f32_bits(b);
    if (num_f32_isnan_bits(ua)) return num_f32_quiet(ua);
    if (num_f32_isnan_bits(ub)) return num_f32_quiet(ub);
    if (a == b) return num_f32_from_bits(ua & ub);
    return a > b ? a : b;
}
static inline double num_f64_min(double a, double b)
{
    uint64_t ua = num_f64_bits(a), ub = num_f64_bits(b);
    if (num_f64_isnan_bits(ua)) return num_f64_quiet(ua);
    if (num_f64_isnan_bits(ub)) return num_f64_quiet(ub);
    if (a == b) return num_f64_from_bits(ua | ub);
    return a < b ? a : b;
}
static inline double num_f64_max(double a, double b)
{
    uint64_t ua = num_f64_bits(a), ub = num_f64_bits(b);
    if (num_f64_isnan_bits(ua)) return num_f64_quiet(ua);
    if (num_f64_isnan_bits(ub)) return num_f64_quiet(ub);
    if (a == b) return num_f64_from_bits(ua & ub);
    return a > b ? a : b;
}

/* ---- rounding to integral ----
 * trunc clears fraction bits directly; ceil/floor/nearest then adjust by one
 * with arithmetic that is exact, so no result depends on the rounding mode
 * (rint/nearbyint would) and the sign of zero results comes out as the spec
 * wants: ceil(-0.5) = -0, nearest(-0.5) = -0. */

static inline float num_f32_trunc(float x)
{
    uint32_t u = num_f32_bits(x);
    int e = (int)((u >> 23) & 0xff) - 127;
    if (e >= 23) /* already integral, or inf/NaN */
        return num_f32_isnan_bits(u) ? num_f32_quiet(u) : x;
    if (e < 0)
        return num_f32_from_bits(u & NUM_F32_SIGN);
    return num_f32_from_bits(u & ~(0x007fffffu >> e));
}
static inline double num_f64_trunc(double x)
{
    uint64_t u = num_f64_bits(x);
    int e = (int)((u >> 52) & 0x7ff) - 1023;
    if (e >= 52)
        return num_f64_isnan_bits(u) ? num_f64_quiet(u) : x;
    if (e < 0)
        return num_f64_from_bits(u & NUM_F64_SIGN);
    return num_f64_from_bits(u & ~(0x000fffffffffffffull >> e));
}

/* After trunc, |t| < 2^23 (2^52) whenever x had a fraction, so t +- 1 is exact;
 * NaN compares false and passes through trunc's quieting. */
static inline float num_f32_ceil(float x)
{
    float t = num_f32_trunc(x);
    return x > t ? t + 1.0f : t;
}
static inline float num_f32_floor(float x)
{
    float t = num_f32_trunc(x);
    return x < t ? t - 1.0f : t;
}
static inline double num_f64_ceil(double x)
{
    double t = num_f64_trunc(x);
    return x > t ? t + 1.0 : t;
}
static inline double num_f64_floor(double x)
{
    double t = num_f64_trunc(x);
    return x < t ? t - 1.0 : t;
}

static inline float num_f32_nearest(float x)
{
    uint32_t u = num_f32_bits(x);
    if (((u >> 23) & 0xff) >= 127 + 23) /* integral, inf or NaN */
        return num_f32_isnan_bits(u) ? num_f32_quiet(u) : x;
    float t = num_f32_trunc(x);
    float d = x - t; /* exact: the fraction bits of x */
    int odd = (int32_t)t & 1;
    if (d > 0.5f || (d == 0.5f && odd))
        return t + 1.0f;
    if (d < -0.5f || (d == -0.5f && odd))
        return t - 1.0f;
    return t;
}
static inline double num_f64_nearest(double x)
{
    uint64_t u = num_f64_bits(x);
    if (((u >> 52) & 0x7ff) >= 1023 + 52)
        return num_f64_isnan_bits(u) ? num_f64_quiet(u) : x;
    double t = num_f64_trunc(x);
    double d = x - t;
    int odd = (int)((int64_t)t & 1);
    if (d > 0.5 || (d == 0.5 && odd))
        return t + 1.0;
    if (d < -0.5 || (d == -0.5 && odd))
        return t - 1.0;
    return t;
}

/* IEEE sqrt is correctly rounded in hardware; the invalid case yields the
 * host's default NaN, which is canonical on x86-64 and aarch64. On x86-64
 * the SSE instruction is named directly: __builtin_sqrt keeps a call to
 * libm's sqrt for negative inputs, only to set errno, and that call was all
 * wisp needed libm.so for, which the dynamic loader then mapped and
 * relocated at every start (0.2 ms on a small VM). */
#if defined(__SSE2__)
static inline float num_f32_sqrt(float x) { return _mm_cvtss_f32(_mm_sqrt_ss(_mm_set_ss(x))); }
static inline double num_f64_sqrt(double x)
{
    __m128d v = _mm_set_sd(x);
    return _mm_cvtsd_f64(_mm_sqrt_sd(v, v));
}
#else
static inline float num_f32_sqrt(float x) { return __builtin_sqrtf(x); }
static inline double num_f64_sqrt(double x) { return __builtin_sqrt(x); }
#endif

/* ---- trapping truncation float -> int ----
 * The range tests use bounds that are exactly representable in the source
 * type, so in-range values convert with C's truncating cast, which is then
 * fully defined. Open bounds cover values whose truncation still fits
 * (e.g. -2147483648.9 -> INT32_MIN, -0.9 -> 0 unsigned). */

#define NUM_TRUNC_BODY(lo_ok, hi_ok, type)                                    \
    if (x != x) return NUM_TRUNC_INVALID;                                     \
    if (!((lo_ok) && (hi_ok))) return NUM_TRUNC_OVERFLOW;                     \
    *out = (type)x;                                                           \
    return NUM_TRUNC_OK;

static inline int num_trunc_f32_i32_s(float x, int32_t *out)
{ NUM_TRUNC_BODY(x >= -2147483648.0f, x < 2147483648.0f, int32_t) }
static inline int num_trunc_f32_i32_u(float x, uint32_t *out)
{ NUM_TRUNC_BODY(x > -1.0f, x < 4294967296.0f, uint32_t) }
static inline int num_trunc_f64_i32_s(double x, int32_t *out)
{ NUM_TRUNC_BODY(x > -2147483649.0, x < 2147483648.0, int32_t) }
static inline int num_trunc_f64_i32_u(double x, uint32_t *out)
{ NUM_TRUNC_BODY(x > -1.0, x < 4294967296.0, uint32_t) }
static inline int num_trunc_f32_i64_s(float x, int64_t *out)
{ NUM_TRUNC_BODY(x >= -9223372036854775808.0f, x < 9223372036854775808.0f, int64_t) }
static inline int num_trunc_f32_i64_u(float x, uint64_t *out)
{ NUM_TRUNC_BODY(x > -1.0f, x < 18446744073709551616.0f, uint64_t) }
static inline int num_trunc_f64_i64_s(double x, int64_t *out)
{ NUM_TRUNC_BODY(x >= -9223372036854775808.0, x < 9223372036854775808.0, int64_t) }
static inline int num_trunc_f64_i64_u(double x, uint64_t *out)
{ NUM_TRUNC_BODY(x > -1.0, x < 18446744073709551616.0, uint64_t) }
#undef NUM_TRUNC_BODY

/* ---- saturating truncation: NaN -> 0, out of range clamps ---- */

#define NUM_TRUNC_SAT_BODY(lo_ok, hi_ok, lo, hi, type)                        \
    if (x != x) return 0;                                                     \
    if (!(lo_ok)) return lo;                                                  \
    if (!(hi_ok)) return hi;                                                  \
    return (type)x;

static inline int32_t num_trunc_sat_f32_i32_s(float x)
{ NUM_TRUNC_SAT_BODY(x >= -2147483648.0f, x < 2147483648.0f, INT32_MIN, INT32_MAX, int32_t) }
static inline uint32_t num_trunc_sat_f32_i32_u(float x)
{ NUM_TRUNC_SAT_BODY(x > -1.0f, x < 4294967296.0f, 0, UINT32_MAX, uint32_t) }
static inline int32_t num_trunc_sat_f64_i32_s(double x)
{ NUM_TRUNC_SAT_BODY(x > -2147483649.0, x < 2147483648.0, INT32_MIN, INT32_MAX, int32_t) }
static inline uint32_t num_trunc_sat_f64_i32_u(double x)
{ NUM_TRUNC_SAT_BODY(x > -1.0, x < 4294967296.0, 0, UINT32_MAX, uint32_t) }
static inline int64_t num_trunc_sat_f32_i64_s(float x)
{ NUM_TRUNC_SAT_BODY(x >= -9223372036854775808.0f, x < 9223372036854775808.0f, INT64_MIN, INT64_MAX, int64_t) }
static inline uint64_t num_trunc_sat_f32_i64_u(float x)
{ NUM_TRUNC_SAT_BODY(x > -1.0f, x < 18446744073709551616.0f, 0, UINT64_MAX, uint64_t) }
static inline int64_t num_trunc_sat_f64_i64_s(double x)
{ NUM_TRUNC_SAT_BODY(x >= -9223372036854775808.0, x < 9223372036854775808.0, INT64_MIN, INT64_MAX, int64_t) }
static inline uint64_t num_trunc_sat_f64_i64_u(double x)
{ NUM_TRUNC_SAT_BODY(x > -1.0, x < 18446744073709551616.0, 0, UINT64_MAX, uint64_t) }
#undef NUM_TRUNC_SAT_BODY

/* ---- int -> float ----
 * Each is a single C conversion straight from the integer type, which gcc and
 * clang compile to one correctly rounded instruction (cvtsi2ss/scvtf/ucvtf;
 * x86-64 u64 uses the halve-with-sticky-bit sequence, also exact). Going
 * through double first would round twice, which is why i64 -> f32 must never
 * be written as (float)(double)x. tests/unit/test_numeric.c pins the cases. */

static inline float num_f32_convert_i32_s(int32_t x) { return (float)x; }
static inline float num_f32_convert_i32_u(uint32_t x) { return (float)x; }
static inline float num_f32_convert_i64_s(int64_t x) { return (float)x; }
static inline float num_f32_convert_i64_u(uint64_t x) { return (float)x; }
static inline double num_f64_convert_i32_s(int32_t x) { return (double)x; }
static inline double num_f64_convert_i32_u(uint32_t x) { return (double)x; }
static inline double num_f64_convert_i64_s(int64_t x) { return (double)x; }
static inline double num_f64_convert_i64_u(uint64_t x) { return (double)x; }

/* ---- float <-> float ----
 * NaNs are rebuilt by hand (quiet bit set, top payload bits kept) so the
 * result does not depend on the host's NaN propagation rules. */

static inline float num_f32_demote_f64(double x)
{
    uint64_t u = num_f64_bits(x);
    if (num_f64_isnan_bits(u))
        return num_f32_from_bits(((uint32_t)(u >> 32) & NUM_F32_SIGN) | NUM_F32_EXP | NUM_F32_QUIET |
                                 (uint32_t)((u & 0x000fffffffffffffull) >> 29));
    return (float)x;
}
static inline double num_f64_promote_f32(float x)
{
    uint32_t u = num_f32_bits(x);
    if (num_f32_isnan_bits(u))
        return num_f64_from_bits(((uint64_t)(u & NUM_F32_SIGN) << 32) | NUM_F64_EXP | NUM_F64_QUIET |
                                 ((uint64_t)(u & 0x007fffffu) << 29));
    return (double)x;
}

/* ---- integer bit operations, defined for every input ---- */

static inline uint32_t num_rotl32(uint32_t x, uint32_t n) { n &= 31; return (x << n) | (x >> ((32 - n) & 31)); }
static inline uint32_t num_rotr32(uint32_t x, uint32_t n) { n &= 31; return (x >> n) | (x << ((32 - n) & 31)); }
static inline uint64_t num_rotl64(uint64_t x, uint64_t n) { n &= 63; return (x << n) | (x >> ((64 - n) & 63)); }
static inline uint64_t num_rotr64(uint64_t x, uint64_t n) { n &= 63; return (x >> n) | (x << ((64 - n) & 63)); }
static inline uint32_t num_clz32(uint32_t x) { return x ? (uint32_t)__builtin_clz(x) : 32; }
static inline uint32_t num_ctz32(uint32_t x) { return x ? (uint32_t)__builtin_ctz(x) : 32; }
static inline uint32_t num_popcnt32(uint32_t x) { return (uint32_t)__builtin_popcount(x); }
static inline uint64_t num_clz64(uint64_t x) { return x ? (uint64_t)__builtin_clzll(x) : 64; }
static inline uint64_t num_ctz64(uint64_t x) { return x ? (uint64_t)__builtin_ctzll(x) : 64; }
static inline uint64_t num_popcnt64(uint64_t x) { return (uint64_t)__builtin_popcountll(x); }

#endif
