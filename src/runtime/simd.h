/* The v128 value and every pure (non-memory) WebAssembly SIMD instruction,
 * relaxed SIMD included, as a static inline simd_<opcode id>.
 * src/runtime/simd_ops.def lists them by signature so the interpreter can
 * dispatch them with one X-macro each. */
#ifndef WISP_EXEC_SIMD_H
#define WISP_EXEC_SIMD_H

#include <stdint.h>
#include <string.h>

#include "runtime/numeric.h"

/* Lane 0 is the lowest-addressed bytes (wisp assumes a little-endian host).
 * Kept free of vector-typed members so the union stays 8-byte aligned and
 * can live in two consecutive value slots. */
typedef union v128 {
    uint8_t u8[16];
    int8_t i8[16];
    uint16_t u16[8];
    int16_t i16[8];
    uint32_t u32[4];
    int32_t i32[4];
    uint64_t u64[2];
    int64_t i64[2];
    float f32[4];
    double f64[2];
} v128_t;

/* GCC/clang vector types for the operations whose vector-extension semantics
 * are exactly wasm's (wrapping integer arithmetic on unsigned lanes, IEEE
 * lane arithmetic, all-ones/zero comparison masks). Lane order matches the
 * union on little-endian hosts. Everything else is written lane by lane. */
typedef uint8_t simd_vu8 __attribute__((vector_size(16)));
typedef int8_t simd_vi8 __attribute__((vector_size(16)));
typedef uint16_t simd_vu16 __attribute__((vector_size(16)));
typedef int16_t simd_vi16 __attribute__((vector_size(16)));
typedef uint32_t simd_vu32 __attribute__((vector_size(16)));
typedef int32_t simd_vi32 __attribute__((vector_size(16)));
typedef uint64_t simd_vu64 __attribute__((vector_size(16)));
typedef int64_t simd_vi64 __attribute__((vector_size(16)));
typedef float simd_vf32 __attribute__((vector_size(16)));
typedef double simd_vf64 __attribute__((vector_size(16)));

#define SIMD__IN(T, x) __extension__({ T v_; memcpy(&v_, &(x), 16); v_; })
#define SIMD__OUT(v) __extension__({ v128_t r_; memcpy(&r_, &(v), 16); r_; })

/* Generators. Lane loops bind x (and y) to lane i of a (and b) in field af
 * and store expr into lane i of field rf. */
#define SIMD__MAP1(name, n, rf, af, expr)                                     \
    static inline v128_t simd_##name(v128_t a)                                \
    {                                                                         \
        v128_t r;                                                             \
        for (int i = 0; i < (n); i++) {                                       \
            __typeof__(a.af[0]) x = a.af[i];                                  \
            r.rf[i] = (expr);                                                 \
        }                                                                     \
        return r;                                                             \
    }
#define SIMD__MAP2(name, n, rf, af, expr)                                     \
    static inline v128_t simd_##name(v128_t a, v128_t b)                      \
    {                                                                         \
        v128_t r;                                                             \
        for (int i = 0; i < (n); i++) {                                       \
            __typeof__(a.af[0]) x = a.af[i], y = b.af[i];                     \
            r.rf[i] = (expr);                                                 \
        }                                                                     \
        return r;                                                             \
    }
#define SIMD__VEC2(name, T, op)                                               \
    static inline v128_t simd_##name(v128_t a, v128_t b)                      \
    {                                                                         \
        T x = SIMD__IN(T, a), y = SIMD__IN(T, b);                             \
        T r = x op y;                                                         \
        return SIMD__OUT(r);                                                  \
    }
/* Vector comparisons yield -1 (all ones) or 0 per lane, as wasm wants; for
 * floats, != is true on unordered operands and the rest false. */
#define SIMD__CMP(name, T, op)                                                \
    static inline v128_t simd_##name(v128_t a, v128_t b)                      \
    {                                                                         \
        T x = SIMD__IN(T, a), y = SIMD__IN(T, b);                             \
        __typeof__(x op y) m = x op y;                                        \
        return SIMD__OUT(m);                                                  \
    }

/* ---- splat ---- */

static inline v128_t simd_i8x16_splat(uint32_t x) { v128_t r; memset(r.u8, (int)(x & 0xff), 16); return r; }
static inline v128_t simd_i16x8_splat(uint32_t x) { v128_t r; for (int i = 0; i < 8; i++) r.u16[i] = (uint16_t)x; return r; }
static inline v128_t simd_i32x4_splat(uint32_t x) { v128_t r; for (int i = 0; i < 4; i++) r.u32[i] = x; return r; }
static inline v128_t simd_i64x2_splat(uint64_t x) { v128_t r; r.u64[0] = r.u64[1] = x; return r; }
static inline v128_t simd_f32x4_splat(float x) { return simd_i32x4_splat(num_f32_bits(x)); }
static inline v128_t simd_f64x2_splat(double x) { return simd_i64x2_splat(num_f64_bits(x)); }

/* ---- lanes: the index is validated; masking only keeps a bad one in bounds ---- */

static inline uint32_t simd_i8x16_extract_lane_s(v128_t a, unsigned lane) { return (uint32_t)(int32_t)a.i8[lane & 15]; }
static inline uint32_t simd_i8x16_extract_lane_u(v128_t a, unsigned lane) { return a.u8[lane & 15]; }
static inline uint32_t simd_i16x8_extract_lane_s(v128_t a, unsigned lane) { return (uint32_t)(int32_t)a.i16[lane & 7]; }
static inline uint32_t simd_i16x8_extract_lane_u(v128_t a, unsigned lane) { return a.u16[lane & 7]; }
static inline uint32_t simd_i32x4_extract_lane(v128_t a, unsigned lane) { return a.u32[lane & 3]; }
static inline uint64_t simd_i64x2_extract_lane(v128_t a, unsigned lane) { return a.u64[lane & 1]; }
static inline float simd_f32x4_extract_lane(v128_t a, unsigned lane) { return num_f32_from_bits(a.u32[lane & 3]); }
static inline double simd_f64x2_extract_lane(v128_t a, unsigned lane) { return num_f64_from_bits(a.u64[lane & 1]); }

static inline v128_t simd_i8x16_replace_lane(v128_t a, uint32_t x, unsigned lane) { a.u8[lane & 15] = (uint8_t)x; return a; }
static inline v128_t simd_i16x8_replace_lane(v128_t a, uint32_t x, unsigned lane) { a.u16[lane & 7] = (uint16_t)x; return a; }
static inline v128_t simd_i32x4_replace_lane(v128_t a, uint32_t x, unsigned lane) { a.u32[lane & 3] = x; return a; }
static inline v128_t simd_i64x2_replace_lane(v128_t a, uint64_t x, unsigned lane) { a.u64[lane & 1] = x; return a; }
static inline v128_t simd_f32x4_replace_lane(v128_t a, float x, unsigned lane) { a.u32[lane & 3] = num_f32_bits(x); return a; }
static inline v128_t simd_f64x2_replace_lane(v128_t a, double x, unsigned lane) { a.u64[lane & 1] = num_f64_bits(x); return a; }

/* ---- shuffles ---- */

static inline v128_t simd_i8x16_swizzle(v128_t a, v128_t s)
{
    v128_t r;
    for (int i = 0; i < 16; i++)
        r.u8[i] = s.u8[i] < 16 ? a.u8[s.u8[i]] : 0;
    return r;
}
/* lanes[] are validated to be < 32: 0..15 pick from a, 16..31 from b. */
static inline v128_t simd_i8x16_shuffle(v128_t a, v128_t b, const uint8_t lanes[16])
{
    uint8_t both[32];
    memcpy(both, a.u8, 16);
    memcpy(both + 16, b.u8, 16);
    v128_t r;
    for (int i = 0; i < 16; i++)
        r.u8[i] = both[lanes[i] & 31];
    return r;
}

/* ---- integer comparisons ---- */

SIMD__CMP(i8x16_eq, simd_vi8, ==)
SIMD__CMP(i8x16_ne, simd_vi8, !=)
SIMD__CMP(i8x16_lt_s, simd_vi8, <)
SIMD__CMP(i8x16_lt_u, simd_vu8, <)
SIMD__CMP(i8x16_gt_s, simd_vi8, >)
SIMD__CMP(i8x16_gt_u, simd_vu8, >)
SIMD__CMP(i8x16_le_s, simd_vi8, <=)
SIMD__CMP(i8x16_le_u, simd_vu8, <=)
SIMD__CMP(i8x16_ge_s, simd_vi8, >=)
SIMD__CMP(i8x16_ge_u, simd_vu8, >=)
SIMD__CMP(i16x8_eq, simd_vi16, ==)
SIMD__CMP(i16x8_ne, simd_vi16, !=)
SIMD__CMP(i16x8_lt_s, simd_vi16, <)
SIMD__CMP(i16x8_lt_u, simd_vu16, <)
SIMD__CMP(i16x8_gt_s, simd_vi16, >)
SIMD__CMP(i16x8_gt_u, simd_vu16, >)
SIMD__CMP(i16x8_le_s, simd_vi16, <=)
SIMD__CMP(i16x8_le_u, simd_vu16, <=)
SIMD__CMP(i16x8_ge_s, simd_vi16, >=)
SIMD__CMP(i16x8_ge_u, simd_vu16, >=)
SIMD__CMP(i32x4_eq, simd_vi32, ==)
SIMD__CMP(i32x4_ne, simd_vi32, !=)
SIMD__CMP(i32x4_lt_s, simd_vi32, <)
SIMD__CMP(i32x4_lt_u, simd_vu32, <)
SIMD__CMP(i32x4_gt_s, simd_vi32, >)
SIMD__CMP(i32x4_gt_u, simd_vu32, >)
SIMD__CMP(i32x4_le_s, simd_vi32, <=)
SIMD__CMP(i32x4_le_u, simd_vu32, <=)
SIMD__CMP(i32x4_ge_s, simd_vi32, >=)
SIMD__CMP(i32x4_ge_u, simd_vu32, >=)
SIMD__CMP(i64x2_eq, simd_vi64, ==)
SIMD__CMP(i64x2_ne, simd_vi64, !=)
SIMD__CMP(i64x2_lt_s, simd_vi64, <)
SIMD__CMP(i64x2_gt_s, simd_vi64, >)
SIMD__CMP(i64x2_le_s, simd_vi64, <=)
SIMD__CMP(i64x2_ge_s, simd_vi64, >=)

/* ---- float comparisons ---- */

SIMD__CMP(f32x4_eq, simd_vf32, ==)
SIMD__CMP(f32x4_ne, simd_vf32, !=)
SIMD__CMP(f32x4_lt, simd_vf32, <)
SIMD__CMP(f32x4_gt, simd_vf32, >)
SIMD__CMP(f32x4_le, simd_vf32, <=)
SIMD__CMP(f32x4_ge, simd_vf32, >=)
SIMD__CMP(f64x2_eq, simd_vf64, ==)
SIMD__CMP(f64x2_ne, simd_vf64, !=)
SIMD__CMP(f64x2_lt, simd_vf64, <)
SIMD__CMP(f64x2_gt, simd_vf64, >)
SIMD__CMP(f64x2_le, simd_vf64, <=)
SIMD__CMP(f64x2_ge, simd_vf64, >=)

/* ---- v128 bitwise ---- */

static inline v128_t simd_v128_not(v128_t a) { a.u64[0] = ~a.u64[0]; a.u64[1] = ~a.u64[1]; return a; }
SIMD__VEC2(v128_and, simd_vu64, &)
SIMD__VEC2(v128_or, simd_vu64, |)
SIMD__VEC2(v128_xor, simd_vu64, ^)
SIMD__VEC2(v128_andnot, simd_vu64, &~)
static inline v128_t simd_v128_bitselect(v128_t a, v128_t b, v128_t mask)
{
    v128_t r;
    for (int i = 0; i < 2; i++)
        r.u64[i] = (a.u64[i] & mask.u64[i]) | (b.u64[i] & ~mask.u64[i]);
    return r;
}

/* ---- tests: any_true, all_true, bitmask ---- */

static inline uint32_t simd_v128_any_true(v128_t a) { return (a.u64[0] | a.u64[1]) != 0; }

#define SIMD__ALL_TRUE(name, n, f)                                            \
    static inline uint32_t simd_##name(v128_t a)                              \
    {                                                                         \
        uint32_t all = 1;                                                     \
        for (int i = 0; i < (n); i++)                                         \
            all &= a.f[i] != 0;                                               \
        return all;                                                           \
    }
#define SIMD__BITMASK(name, n, f, bits)                                       \
    static inline uint32_t simd_##name(v128_t a)                              \
    {                                                                         \
        uint32_t m = 0;                                                       \
        for (int i = 0; i < (n); i++)                                         \
            m |= (uint32_t)(a.f[i] >> ((bits) - 1)) << i;                     \
        return m;                                                             \
    }
SIMD__ALL_TRUE(i8x16_all_true, 16, u8)
SIMD__ALL_TRUE(i16x8_all_true, 8, u16)
SIMD__ALL_TRUE(i32x4_all_true, 4, u32)
SIMD__ALL_TRUE(i64x2_all_true, 2, u64)
SIMD__BITMASK(i8x16_bitmask, 16, u8, 8)
SIMD__BITMASK(i16x8_bitmask, 8, u16, 16)
SIMD__BITMASK(i32x4_bitmask, 4, u32, 32)
SIMD__BITMASK(i64x2_bitmask, 2, u64, 64)
#undef SIMD__ALL_TRUE
#undef SIMD__BITMASK

/* ---- integer unary: negation wraps, abs(MIN) stays MIN ---- */

SIMD__MAP1(i8x16_abs, 16, u8, i8, (uint8_t)(x < 0 ? 0u - (uint8_t)x : (uint8_t)x))
SIMD__MAP1(i16x8_abs, 8, u16, i16, (uint16_t)(x < 0 ? 0u - (uint16_t)x : (uint16_t)x))
SIMD__MAP1(i32x4_abs, 4, u32, i32, x < 0 ? 0u - (uint32_t)x : (uint32_t)x)
SIMD__MAP1(i64x2_abs, 2, u64, i64, x < 0 ? 0u - (uint64_t)x : (uint64_t)x)
SIMD__MAP1(i8x16_neg, 16, u8, u8, (uint8_t)(0u - x))
SIMD__MAP1(i16x8_neg, 8, u16, u16, (uint16_t)(0u - x))
SIMD__MAP1(i32x4_neg, 4, u32, u32, 0u - x)
SIMD__MAP1(i64x2_neg, 2, u64, u64, 0u - x)
SIMD__MAP1(i8x16_popcnt, 16, u8, u8, (uint8_t)__builtin_popcount(x))

/* ---- shifts: the count is taken modulo the lane width ---- */

#define SIMD__SHIFT(name, T, op, bits)                                        \
    static inline v128_t simd_##name(v128_t a, uint32_t count)                \
    {                                                                         \
        T x = SIMD__IN(T, a);                                                 \
        T r = x op (__typeof__(x[0]))(count & ((bits) - 1));                  \
        return SIMD__OUT(r);                                                  \
    }
SIMD__SHIFT(i8x16_shl, simd_vu8, <<, 8)
SIMD__SHIFT(i8x16_shr_s, simd_vi8, >>, 8)
SIMD__SHIFT(i8x16_shr_u, simd_vu8, >>, 8)
SIMD__SHIFT(i16x8_shl, simd_vu16, <<, 16)
SIMD__SHIFT(i16x8_shr_s, simd_vi16, >>, 16)
SIMD__SHIFT(i16x8_shr_u, simd_vu16, >>, 16)
SIMD__SHIFT(i32x4_shl, simd_vu32, <<, 32)
SIMD__SHIFT(i32x4_shr_s, simd_vi32, >>, 32)
SIMD__SHIFT(i32x4_shr_u, simd_vu32, >>, 32)
SIMD__SHIFT(i64x2_shl, simd_vu64, <<, 64)
SIMD__SHIFT(i64x2_shr_s, simd_vi64, >>, 64)
SIMD__SHIFT(i64x2_shr_u, simd_vu64, >>, 64)
#undef SIMD__SHIFT

/* ---- integer arithmetic (wrapping, on unsigned lanes) ---- */

SIMD__VEC2(i8x16_add, simd_vu8, +)
SIMD__VEC2(i8x16_sub, simd_vu8, -)
SIMD__VEC2(i16x8_add, simd_vu16, +)
SIMD__VEC2(i16x8_sub, simd_vu16, -)
SIMD__VEC2(i16x8_mul, simd_vu16, *)
SIMD__VEC2(i32x4_add, simd_vu32, +)
SIMD__VEC2(i32x4_sub, simd_vu32, -)
SIMD__VEC2(i32x4_mul, simd_vu32, *)
SIMD__VEC2(i64x2_add, simd_vu64, +)
SIMD__VEC2(i64x2_sub, simd_vu64, -)
SIMD__VEC2(i64x2_mul, simd_vu64, *)

/* Saturating arithmetic: lanes are promoted to int, so no operation wraps. */
static inline int simd__clamp(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }

SIMD__MAP2(i8x16_add_sat_s, 16, i8, i8, (int8_t)simd__clamp(x + y, INT8_MIN, INT8_MAX))
SIMD__MAP2(i8x16_add_sat_u, 16, u8, u8, (uint8_t)simd__clamp(x + y, 0, 0xff))
SIMD__MAP2(i8x16_sub_sat_s, 16, i8, i8, (int8_t)simd__clamp(x - y, INT8_MIN, INT8_MAX))
SIMD__MAP2(i8x16_sub_sat_u, 16, u8, u8, (uint8_t)simd__clamp(x - y, 0, 0xff))
SIMD__MAP2(i16x8_add_sat_s, 8, i16, i16, (int16_t)simd__clamp(x + y, INT16_MIN, INT16_MAX))
SIMD__MAP2(i16x8_add_sat_u, 8, u16, u16, (uint16_t)simd__clamp(x + y, 0, 0xffff))
SIMD__MAP2(i16x8_sub_sat_s, 8, i16, i16, (int16_t)simd__clamp(x - y, INT16_MIN, INT16_MAX))
SIMD__MAP2(i16x8_sub_sat_u, 8, u16, u16, (uint16_t)simd__clamp(x - y, 0, 0xffff))

SIMD__MAP2(i8x16_min_s, 16, i8, i8, x < y ? x : y)
SIMD__MAP2(i8x16_min_u, 16, u8, u8, x < y ? x : y)
SIMD__MAP2(i8x16_max_s, 16, i8, i8, x > y ? x : y)
SIMD__MAP2(i8x16_max_u, 16, u8, u8, x > y ? x : y)
SIMD__MAP2(i16x8_min_s, 8, i16, i16, x < y ? x : y)
SIMD__MAP2(i16x8_min_u, 8, u16, u16, x < y ? x : y)
SIMD__MAP2(i16x8_max_s, 8, i16, i16, x > y ? x : y)
SIMD__MAP2(i16x8_max_u, 8, u16, u16, x > y ? x : y)
SIMD__MAP2(i32x4_min_s, 4, i32, i32, x < y ? x : y)
SIMD__MAP2(i32x4_min_u, 4, u32, u32, x < y ? x : y)
SIMD__MAP2(i32x4_max_s, 4, i32, i32, x > y ? x : y)
SIMD__MAP2(i32x4_max_u, 4, u32, u32, x > y ? x : y)

SIMD__MAP2(i8x16_avgr_u, 16, u8, u8, (uint8_t)((x + y + 1) >> 1))
SIMD__MAP2(i16x8_avgr_u, 8, u16, u16, (uint16_t)((x + y + 1) >> 1))

/* (x*y + 2^14) >> 15; only -32768 * -32768 leaves the i16 range. */
SIMD__MAP2(i16x8_q15mulr_sat_s, 8, i16, i16, (int16_t)simd__clamp((x * y + 0x4000) >> 15, INT16_MIN, INT16_MAX))

/* Both products can be 2^30 (from -32768 * -32768); their sum wraps. */
static inline v128_t simd_i32x4_dot_i16x8_s(v128_t a, v128_t b)
{
    v128_t r;
    for (int i = 0; i < 4; i++) {
        int64_t s = (int64_t)(a.i16[2 * i] * b.i16[2 * i]) + a.i16[2 * i + 1] * b.i16[2 * i + 1];
        r.u32[i] = (uint32_t)s;
    }
    return r;
}

/* ---- narrowing (signed input lanes, saturated): a fills the low half ---- */

#define SIMD__NARROW(name, n, rf, af, lo, hi)                                 \
    static inline v128_t simd_##name(v128_t a, v128_t b)                      \
    {                                                                         \
        v128_t r;                                                             \
        for (int i = 0; i < (n); i++) {                                       \
            r.rf[i] = (__typeof__(r.rf[0]))(a.af[i] < (lo) ? (lo) : a.af[i] > (hi) ? (hi) : a.af[i]); \
            r.rf[i + (n)] = (__typeof__(r.rf[0]))(b.af[i] < (lo) ? (lo) : b.af[i] > (hi) ? (hi) : b.af[i]); \
        }                                                                     \
        return r;                                                             \
    }
SIMD__NARROW(i8x16_narrow_i16x8_s, 8, i8, i16, INT8_MIN, INT8_MAX)
SIMD__NARROW(i8x16_narrow_i16x8_u, 8, u8, i16, 0, 0xff)
SIMD__NARROW(i16x8_narrow_i32x4_s, 4, i16, i32, INT16_MIN, INT16_MAX)
SIMD__NARROW(i16x8_narrow_i32x4_u, 4, u16, i32, 0, 0xffff)
#undef SIMD__NARROW

/* ---- widening: extend, extadd_pairwise, extmul ---- */

#define SIMD__EXTEND(name, n, rf, af, off)                                    \
    static inline v128_t simd_##name(v128_t a)                                \
    {                                                                         \
        v128_t r;                                                             \
        for (int i = 0; i < (n); i++)                                         \
            r.rf[i] = a.af[i + (off)];                                        \
        return r;                                                             \
    }
SIMD__EXTEND(i16x8_extend_low_i8x16_s, 8, i16, i8, 0)
SIMD__EXTEND(i16x8_extend_high_i8x16_s, 8, i16, i8, 8)
SIMD__EXTEND(i16x8_extend_low_i8x16_u, 8, u16, u8, 0)
SIMD__EXTEND(i16x8_extend_high_i8x16_u, 8, u16, u8, 8)
SIMD__EXTEND(i32x4_extend_low_i16x8_s, 4, i32, i16, 0)
SIMD__EXTEND(i32x4_extend_high_i16x8_s, 4, i32, i16, 4)
SIMD__EXTEND(i32x4_extend_low_i16x8_u, 4, u32, u16, 0)
SIMD__EXTEND(i32x4_extend_high_i16x8_u, 4, u32, u16, 4)
SIMD__EXTEND(i64x2_extend_low_i32x4_s, 2, i64, i32, 0)
SIMD__EXTEND(i64x2_extend_high_i32x4_s, 2, i64, i32, 2)
SIMD__EXTEND(i64x2_extend_low_i32x4_u, 2, u64, u32, 0)
SIMD__EXTEND(i64x2_extend_high_i32x4_u, 2, u64, u32, 2)
#undef SIMD__EXTEND

#define SIMD__EXTADD(name, n, rf, af)                                         \
    static inline v128_t simd_##name(v128_t a)                                \
    {                                                                         \
        v128_t r;                                                             \
        for (int i = 0; i < (n); i++)                                         \
            r.rf[i] = (__typeof__(r.rf[0]))(a.af[2 * i] + a.af[2 * i + 1]);   \
        return r;                                                             \
    }
SIMD__EXTADD(i16x8_extadd_pairwise_i8x16_s, 8, i16, i8)
SIMD__EXTADD(i16x8_extadd_pairwise_i8x16_u, 8, u16, u8)
SIMD__EXTADD(i32x4_extadd_pairwise_i16x8_s, 4, i32, i16)
SIMD__EXTADD(i32x4_extadd_pairwise_i16x8_u, 4, u32, u16)
#undef SIMD__EXTADD

/* wt is the (wide enough) type the product is formed in. */
#define SIMD__EXTMUL(name, n, rf, af, wt, off)                                \
    static inline v128_t simd_##name(v128_t a, v128_t b)                      \
    {                                                                         \
        v128_t r;                                                             \
        for (int i = 0; i < (n); i++)                                         \
            r.rf[i] = (__typeof__(r.rf[0]))((wt)a.af[i + (off)] * (wt)b.af[i + (off)]); \
        return r;                                                             \
    }
SIMD__EXTMUL(i16x8_extmul_low_i8x16_s, 8, i16, i8, int32_t, 0)
SIMD__EXTMUL(i16x8_extmul_high_i8x16_s, 8, i16, i8, int32_t, 8)
SIMD__EXTMUL(i16x8_extmul_low_i8x16_u, 8, u16, u8, uint32_t, 0)
SIMD__EXTMUL(i16x8_extmul_high_i8x16_u, 8, u16, u8, uint32_t, 8)
SIMD__EXTMUL(i32x4_extmul_low_i16x8_s, 4, i32, i16, int32_t, 0)
SIMD__EXTMUL(i32x4_extmul_high_i16x8_s, 4, i32, i16, int32_t, 4)
SIMD__EXTMUL(i32x4_extmul_low_i16x8_u, 4, u32, u16, uint32_t, 0)
SIMD__EXTMUL(i32x4_extmul_high_i16x8_u, 4, u32, u16, uint32_t, 4)
SIMD__EXTMUL(i64x2_extmul_low_i32x4_s, 2, i64, i32, int64_t, 0)
SIMD__EXTMUL(i64x2_extmul_high_i32x4_s, 2, i64, i32, int64_t, 2)
SIMD__EXTMUL(i64x2_extmul_low_i32x4_u, 2, u64, u32, uint64_t, 0)
SIMD__EXTMUL(i64x2_extmul_high_i32x4_u, 2, u64, u32, uint64_t, 2)
#undef SIMD__EXTMUL

/* ---- float lanes ----
 * Sign operations and pmin/pmax move bit patterns (pmin/pmax return an
 * operand unchanged, NaN included); arithmetic is IEEE, whose NaN results are
 * canonical or arithmetic as the spec requires; min/max/rounding reuse the
 * scalar rules from numeric.h. */

SIMD__MAP1(f32x4_abs, 4, u32, u32, x & ~NUM_F32_SIGN)
SIMD__MAP1(f32x4_neg, 4, u32, u32, x ^ NUM_F32_SIGN)
SIMD__MAP1(f64x2_abs, 2, u64, u64, x & ~NUM_F64_SIGN)
SIMD__MAP1(f64x2_neg, 2, u64, u64, x ^ NUM_F64_SIGN)
SIMD__MAP1(f32x4_sqrt, 4, f32, f32, num_f32_sqrt(x))
SIMD__MAP1(f64x2_sqrt, 2, f64, f64, num_f64_sqrt(x))
SIMD__MAP1(f32x4_ceil, 4, f32, f32, num_f32_ceil(x))
SIMD__MAP1(f32x4_floor, 4, f32, f32, num_f32_floor(x))
SIMD__MAP1(f32x4_trunc, 4, f32, f32, num_f32_trunc(x))
SIMD__MAP1(f32x4_nearest, 4, f32, f32, num_f32_nearest(x))
SIMD__MAP1(f64x2_ceil, 2, f64, f64, num_f64_ceil(x))
SIMD__MAP1(f64x2_floor, 2, f64, f64, num_f64_floor(x))
SIMD__MAP1(f64x2_trunc, 2, f64, f64, num_f64_trunc(x))
SIMD__MAP1(f64x2_nearest, 2, f64, f64, num_f64_nearest(x))

SIMD__VEC2(f32x4_add, simd_vf32, +)
SIMD__VEC2(f32x4_sub, simd_vf32, -)
SIMD__VEC2(f32x4_mul, simd_vf32, *)
SIMD__VEC2(f32x4_div, simd_vf32, /)
SIMD__VEC2(f64x2_add, simd_vf64, +)
SIMD__VEC2(f64x2_sub, simd_vf64, -)
SIMD__VEC2(f64x2_mul, simd_vf64, *)
SIMD__VEC2(f64x2_div, simd_vf64, /)

SIMD__MAP2(f32x4_min, 4, f32, f32, num_f32_min(x, y))
SIMD__MAP2(f32x4_max, 4, f32, f32, num_f32_max(x, y))
SIMD__MAP2(f64x2_min, 2, f64, f64, num_f64_min(x, y))
SIMD__MAP2(f64x2_max, 2, f64, f64, num_f64_max(x, y))

#define SIMD__PMINMAX(name, n, uf, ff, cond)                                  \
    static inline v128_t simd_##name(v128_t a, v128_t b)                      \
    {                                                                         \
        v128_t r;                                                             \
        for (int i = 0; i < (n); i++)                                         \
            r.uf[i] = (cond) ? b.uf[i] : a.uf[i];                             \
        return r;                                                             \
    }
SIMD__PMINMAX(f32x4_pmin, 4, u32, f32, b.f32[i] < a.f32[i])
SIMD__PMINMAX(f32x4_pmax, 4, u32, f32, a.f32[i] < b.f32[i])
SIMD__PMINMAX(f64x2_pmin, 2, u64, f64, b.f64[i] < a.f64[i])
SIMD__PMINMAX(f64x2_pmax, 2, u64, f64, a.f64[i] < b.f64[i])
#undef SIMD__PMINMAX

/* ---- conversions ---- */

SIMD__MAP1(i32x4_trunc_sat_f32x4_s, 4, i32, f32, num_trunc_sat_f32_i32_s(x))
SIMD__MAP1(i32x4_trunc_sat_f32x4_u, 4, u32, f32, num_trunc_sat_f32_i32_u(x))
SIMD__MAP1(f32x4_convert_i32x4_s, 4, f32, i32, num_f32_convert_i32_s(x))
SIMD__MAP1(f32x4_convert_i32x4_u, 4, f32, u32, num_f32_convert_i32_u(x))

static inline v128_t simd_i32x4_trunc_sat_f64x2_s_zero(v128_t a)
{
    v128_t r = {{0}};
    r.i32[0] = num_trunc_sat_f64_i32_s(a.f64[0]);
    r.i32[1] = num_trunc_sat_f64_i32_s(a.f64[1]);
    return r;
}
static inline v128_t simd_i32x4_trunc_sat_f64x2_u_zero(v128_t a)
{
    v128_t r = {{0}};
    r.u32[0] = num_trunc_sat_f64_i32_u(a.f64[0]);
    r.u32[1] = num_trunc_sat_f64_i32_u(a.f64[1]);
    return r;
}
static inline v128_t simd_f64x2_convert_low_i32x4_s(v128_t a)
{
    v128_t r;
    r.f64[0] = a.i32[0];
    r.f64[1] = a.i32[1];
    return r;
}
static inline v128_t simd_f64x2_convert_low_i32x4_u(v128_t a)
{
    v128_t r;
    r.f64[0] = a.u32[0];
    r.f64[1] = a.u32[1];
    return r;
}
static inline v128_t simd_f32x4_demote_f64x2_zero(v128_t a)
{
    v128_t r = {{0}};
    r.u32[0] = num_f32_bits(num_f32_demote_f64(a.f64[0]));
    r.u32[1] = num_f32_bits(num_f32_demote_f64(a.f64[1]));
    return r;
}
static inline v128_t simd_f64x2_promote_low_f32x4(v128_t a)
{
    v128_t r;
    r.u64[0] = num_f64_bits(num_f64_promote_f32(a.f32[0]));
    r.u64[1] = num_f64_bits(num_f64_promote_f32(a.f32[1]));
    return r;
}

/* ---- relaxed SIMD (Wasm 3.0): the deterministic profile ----
 * The spec lets a relaxed instruction return one of a few results, the
 * choice fixed per implementation; wisp takes the one the spec's
 * deterministic profile prescribes (the first of each relaxed(R)[...]
 * list), and a NaN result is the positive canonical NaN, as that profile
 * makes every NaN. So the result depends on neither the host CPU nor the
 * tier, and most instructions are the 2.0 instruction they relax
 * (docs/architecture.md, "Relaxed SIMD"). */

static inline v128_t simd_i8x16_relaxed_swizzle(v128_t a, v128_t s) { return simd_i8x16_swizzle(a, s); }
static inline v128_t simd_i32x4_relaxed_trunc_f32x4_s(v128_t a) { return simd_i32x4_trunc_sat_f32x4_s(a); }
static inline v128_t simd_i32x4_relaxed_trunc_f32x4_u(v128_t a) { return simd_i32x4_trunc_sat_f32x4_u(a); }
static inline v128_t simd_i32x4_relaxed_trunc_f64x2_s_zero(v128_t a) { return simd_i32x4_trunc_sat_f64x2_s_zero(a); }
static inline v128_t simd_i32x4_relaxed_trunc_f64x2_u_zero(v128_t a) { return simd_i32x4_trunc_sat_f64x2_u_zero(a); }
static inline v128_t simd_i16x8_relaxed_q15mulr_s(v128_t a, v128_t b) { return simd_i16x8_q15mulr_sat_s(a, b); }

/* bitselect: the whole mask, not only each lane's top bit. */
static inline v128_t simd_i8x16_relaxed_laneselect(v128_t a, v128_t b, v128_t m) { return simd_v128_bitselect(a, b, m); }
static inline v128_t simd_i16x8_relaxed_laneselect(v128_t a, v128_t b, v128_t m) { return simd_v128_bitselect(a, b, m); }
static inline v128_t simd_i32x4_relaxed_laneselect(v128_t a, v128_t b, v128_t m) { return simd_v128_bitselect(a, b, m); }
static inline v128_t simd_i64x2_relaxed_laneselect(v128_t a, v128_t b, v128_t m) { return simd_v128_bitselect(a, b, m); }

/* Lanes holding any NaN become the positive canonical NaN. */
static inline v128_t simd__canon_f32x4(v128_t r)
{
    for (int i = 0; i < 4; i++)
        r.u32[i] = num_f32_isnan_bits(r.u32[i]) ? NUM_F32_EXP | NUM_F32_QUIET : r.u32[i];
    return r;
}
static inline v128_t simd__canon_f64x2(v128_t r)
{
    for (int i = 0; i < 2; i++)
        r.u64[i] = num_f64_isnan_bits(r.u64[i]) ? NUM_F64_EXP | NUM_F64_QUIET : r.u64[i];
    return r;
}

/* a * b + c unfused: the product is rounded, then the sum. The build's
 * -ffp-contract=off keeps the compiler from fusing the two into an FMA
 * where the target has one. nmadd negates a first (exactly). */
#define SIMD__MADD(name, T, canon, neg)                                       \
    static inline v128_t simd_##name(v128_t a, v128_t b, v128_t c)            \
    {                                                                         \
        T x = SIMD__IN(T, a), y = SIMD__IN(T, b), z = SIMD__IN(T, c);         \
        T p = (neg ? -x : x) * y;                                             \
        T r = p + z;                                                          \
        return canon(SIMD__OUT(r));                                           \
    }
SIMD__MADD(f32x4_relaxed_madd, simd_vf32, simd__canon_f32x4, 0)
SIMD__MADD(f32x4_relaxed_nmadd, simd_vf32, simd__canon_f32x4, 1)
SIMD__MADD(f64x2_relaxed_madd, simd_vf64, simd__canon_f64x2, 0)
SIMD__MADD(f64x2_relaxed_nmadd, simd_vf64, simd__canon_f64x2, 1)
#undef SIMD__MADD

static inline v128_t simd_f32x4_relaxed_min(v128_t a, v128_t b) { return simd__canon_f32x4(simd_f32x4_min(a, b)); }
static inline v128_t simd_f32x4_relaxed_max(v128_t a, v128_t b) { return simd__canon_f32x4(simd_f32x4_max(a, b)); }
static inline v128_t simd_f64x2_relaxed_min(v128_t a, v128_t b) { return simd__canon_f64x2(simd_f64x2_min(a, b)); }
static inline v128_t simd_f64x2_relaxed_max(v128_t a, v128_t b) { return simd__canon_f64x2(simd_f64x2_max(a, b)); }

/* Both operands' bytes signed (b's top bit is not ignored); each pair of
 * products is added with signed saturation, which only -128 * -128 twice
 * (32768) reaches. */
static inline v128_t simd_i16x8_relaxed_dot_i8x16_i7x16_s(v128_t a, v128_t b)
{
    v128_t r;
    for (int i = 0; i < 8; i++)
        r.i16[i] = (int16_t)simd__clamp(a.i8[2 * i] * b.i8[2 * i] + a.i8[2 * i + 1] * b.i8[2 * i + 1],
                                        INT16_MIN, INT16_MAX);
    return r;
}
/* The i16 dot above, its pairs added into i32 lanes, plus c (wrapping). */
static inline v128_t simd_i32x4_relaxed_dot_i8x16_i7x16_add_s(v128_t a, v128_t b, v128_t c)
{
    v128_t d = simd_i16x8_relaxed_dot_i8x16_i7x16_s(a, b), r;
    for (int i = 0; i < 4; i++)
        r.u32[i] = (uint32_t)(d.i16[2 * i] + d.i16[2 * i + 1]) + c.u32[i];
    return r;
}

/* ---- widening loads: the 8 loaded bytes as a little-endian integer ---- */

static inline v128_t simd_load8x8_s(uint64_t bytes)
{
    v128_t r;
    for (int i = 0; i < 8; i++)
        r.i16[i] = (int8_t)(uint8_t)(bytes >> (8 * i));
    return r;
}
static inline v128_t simd_load8x8_u(uint64_t bytes)
{
    v128_t r;
    for (int i = 0; i < 8; i++)
        r.u16[i] = (uint8_t)(bytes >> (8 * i));
    return r;
}
static inline v128_t simd_load16x4_s(uint64_t bytes)
{
    v128_t r;
    for (int i = 0; i < 4; i++)
        r.i32[i] = (int16_t)(uint16_t)(bytes >> (16 * i));
    return r;
}
static inline v128_t simd_load16x4_u(uint64_t bytes)
{
    v128_t r;
    for (int i = 0; i < 4; i++)
        r.u32[i] = (uint16_t)(bytes >> (16 * i));
    return r;
}
static inline v128_t simd_load32x2_s(uint64_t bytes)
{
    v128_t r;
    r.i64[0] = (int32_t)(uint32_t)bytes;
    r.i64[1] = (int32_t)(uint32_t)(bytes >> 32);
    return r;
}
static inline v128_t simd_load32x2_u(uint64_t bytes)
{
    v128_t r;
    r.u64[0] = (uint32_t)bytes;
    r.u64[1] = bytes >> 32;
    return r;
}

#undef SIMD__MAP1
#undef SIMD__MAP2
#undef SIMD__VEC2
#undef SIMD__CMP

#endif
