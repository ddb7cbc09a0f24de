/* Unit tests for src/runtime/simd.h: simd_ops.def must cover exactly the pure
 * SIMD opcodes of opcodes.def with the right signatures, plus hand-computed
 * vectors for the lane operations that are easy to get subtly wrong. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "binary/instr.h"
#include "check.h"
#include "runtime/simd.h"

/* ---- coverage of opcodes.def by simd_ops.def ---- */

static const struct {
    const char *name;
    uint8_t prefix, imm;
    const char *sig;
} ops[OP_COUNT] = {
#define OP(id, name, prefix, code, imm, sig, x) [OP_##id] = {name, prefix, IMM_##imm, sig},
#include "binary/opcodes.def"
#undef OP
};

/* The signature string each category must have in opcodes.def; '?' is the
 * scalar type, given by the entry's ctype. */
static char ctype_char(int is_float, size_t size)
{
    return is_float ? (size == 4 ? 'f' : 'd') : (size == 4 ? 'i' : 'l');
}

/* Every entry's C signature is checked at compile time, so a mismatch between
 * simd_ops.def and simd.h fails the build rather than a run. */
#define SIG_IS(fn, type) _Static_assert(__builtin_types_compatible_p(__typeof__(&fn), type), #fn " has the wrong type")
#define CT(ctype) ctype_char((ctype)0.5 != 0, sizeof(ctype))

static void check_coverage(void)
{
    int seen[OP_COUNT] = {0};
    char want_sig[OP_COUNT][8] = {{0}};
    int want_lane[OP_COUNT] = {0}; /* 1: needs a LANE immediate, -1: must have none */

#define NOTE(id, s, lane) (seen[OP_##id]++, strcpy(want_sig[OP_##id], s), want_lane[OP_##id] = (lane))
#define SIMD_UN(id) SIG_IS(simd_##id, v128_t (*)(v128_t)); NOTE(id, "v:v", -1);
#define SIMD_BIN(id) SIG_IS(simd_##id, v128_t (*)(v128_t, v128_t)); NOTE(id, "vv:v", -1);
#define SIMD_TER(id) SIG_IS(simd_##id, v128_t (*)(v128_t, v128_t, v128_t)); NOTE(id, "vvv:v", -1);
#define SIMD_SHIFT(id) SIG_IS(simd_##id, v128_t (*)(v128_t, uint32_t)); NOTE(id, "vi:v", -1);
#define SIMD_TEST(id) SIG_IS(simd_##id, uint32_t (*)(v128_t)); NOTE(id, "v:i", -1);
#define SIMD_SPLAT(id, ctype)                                                 \
    SIG_IS(simd_##id, v128_t (*)(ctype));                                     \
    NOTE(id, ((char[]){CT(ctype), ':', 'v', 0}), -1);
#define SIMD_EXTRACT(id, ctype)                                               \
    SIG_IS(simd_##id, ctype (*)(v128_t, unsigned));                           \
    NOTE(id, ((char[]){'v', ':', CT(ctype), 0}), 1);
#define SIMD_REPLACE(id, ctype)                                               \
    SIG_IS(simd_##id, v128_t (*)(v128_t, ctype, unsigned));                   \
    NOTE(id, ((char[]){'v', CT(ctype), ':', 'v', 0}), 1);
#include "runtime/simd_ops.def"
#undef NOTE
    SIG_IS(simd_i8x16_shuffle, v128_t (*)(v128_t, v128_t, const uint8_t *));

    int qualifying = 0, missing = 0, extra = 0, twice = 0, badsig = 0;
    for (int op = 0; op < OP_COUNT; op++) {
        bool pure = ops[op].prefix == 0xFD && ops[op].imm != IMM_MEMARG && ops[op].imm != IMM_MEMARG_LANE &&
                    op != OP_v128_const && op != OP_i8x16_shuffle;
        qualifying += pure;
        if (pure && !seen[op]) {
            printf("  not in simd_ops.def: %s\n", ops[op].name);
            missing++;
        } else if (!pure && seen[op]) {
            printf("  in simd_ops.def but not a pure SIMD op: %s\n", ops[op].name);
            extra++;
        }
        if (seen[op] > 1) {
            printf("  listed %d times: %s\n", seen[op], ops[op].name);
            twice++;
        }
        if (seen[op] && (strcmp(want_sig[op], ops[op].sig) != 0 ||
                         (want_lane[op] == 1) != (ops[op].imm == IMM_LANE))) {
            printf("  category does not match opcodes.def: %s is \"%s\"\n", ops[op].name, ops[op].sig);
            badsig++;
        }
    }
    CHECK("simd_ops.def covers every pure 0xFD opcode", missing == 0 && qualifying > 220);
    CHECK("simd_ops.def lists nothing else", extra == 0);
    CHECK("simd_ops.def lists each opcode once", twice == 0);
    CHECK("simd_ops.def categories match opcodes.def signatures", badsig == 0);
    CHECK("i8x16.shuffle stays out of simd_ops.def", !seen[OP_i8x16_shuffle] && !seen[OP_v128_const]);
}

/* ---- vectors ---- */

static bool veq(v128_t a, v128_t b) { return memcmp(&a, &b, 16) == 0; }
#define V8(...) ((v128_t){.i8 = {__VA_ARGS__}})
#define VU8(...) ((v128_t){.u8 = {__VA_ARGS__}})
#define V16(...) ((v128_t){.i16 = {__VA_ARGS__}})
#define VU16(...) ((v128_t){.u16 = {__VA_ARGS__}})
#define V32(...) ((v128_t){.i32 = {__VA_ARGS__}})
#define VU32(...) ((v128_t){.u32 = {__VA_ARGS__}})
#define V64(...) ((v128_t){.i64 = {__VA_ARGS__}})
#define VU64(...) ((v128_t){.u64 = {__VA_ARGS__}})
#define VF32(...) ((v128_t){.f32 = {__VA_ARGS__}})
#define VF64(...) ((v128_t){.f64 = {__VA_ARGS__}})

static void test_lanes(void)
{
    v128_t seq = VU8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    CHECK("i8x16.splat truncates", veq(simd_i8x16_splat(0x1ff), VU8(255, 255, 255, 255, 255, 255, 255, 255, 255,
                                                                   255, 255, 255, 255, 255, 255, 255)));
    CHECK("i16x8.splat truncates", veq(simd_i16x8_splat(0x12345678), VU16(0x5678, 0x5678, 0x5678, 0x5678, 0x5678,
                                                                          0x5678, 0x5678, 0x5678)));
    CHECK("i64x2.splat", veq(simd_i64x2_splat(0x0123456789abcdefull), VU64(0x0123456789abcdefull, 0x0123456789abcdefull)));
    CHECK("f32x4.splat keeps NaN bits", veq(simd_f32x4_splat(num_f32_from_bits(0x7fa00001)),
                                            VU32(0x7fa00001, 0x7fa00001, 0x7fa00001, 0x7fa00001)));
    CHECK("lane 0 is the lowest byte", simd_i32x4_extract_lane(seq, 0) == 0x03020100u);
    CHECK("i8x16.extract_lane_s sign-extends", simd_i8x16_extract_lane_s(VU8(0, 0, 0x80), 2) == 0xffffff80u);
    CHECK("i8x16.extract_lane_u zero-extends", simd_i8x16_extract_lane_u(VU8(0, 0, 0x80), 2) == 0x80u);
    CHECK("i16x8.extract_lane_s sign-extends", simd_i16x8_extract_lane_s(VU16(0, 0, 0, 0, 0, 0, 0, 0xfffe), 7) == 0xfffffffeu);
    CHECK("i16x8.extract_lane_u zero-extends", simd_i16x8_extract_lane_u(VU16(0, 0, 0, 0, 0, 0, 0, 0xfffe), 7) == 0xfffeu);
    CHECK("i64x2.extract_lane 1", simd_i64x2_extract_lane(seq, 1) == 0x0f0e0d0c0b0a0908ull);
    CHECK("f64x2.extract_lane", simd_f64x2_extract_lane(VF64(1.5, -2.25), 1) == -2.25);
    CHECK("i8x16.replace_lane truncates", veq(simd_i8x16_replace_lane(seq, 0x1ab, 15),
                                              VU8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 0xab)));
    CHECK("i16x8.replace_lane", veq(simd_i16x8_replace_lane(V16(0), 0xffff8000u, 3), V16(0, 0, 0, -32768)));
    CHECK("f32x4.replace_lane", veq(simd_f32x4_replace_lane(VF32(1, 2, 3, 4), -0.0f, 2), VF32(1, 2, -0.0f, 4)));
    CHECK("i64x2.replace_lane", veq(simd_i64x2_replace_lane(V64(1, 2), UINT64_MAX, 0), V64(-1, 2)));

    v128_t idx = VU8(15, 16, 0, 0x80, 255, 31, 1, 17, 14, 2, 3, 4, 200, 5, 6, 7);
    CHECK("i8x16.swizzle out-of-range indices give 0",
          veq(simd_i8x16_swizzle(seq, idx), VU8(15, 0, 0, 0, 0, 0, 1, 0, 14, 2, 3, 4, 0, 5, 6, 7)));
    static const uint8_t sh[16] = {0, 16, 1, 17, 15, 31, 2, 30, 8, 24, 3, 3, 16, 16, 7, 23};
    v128_t other = VU8(100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115);
    CHECK("i8x16.shuffle picks from both",
          veq(simd_i8x16_shuffle(seq, other, sh), VU8(0, 100, 1, 101, 15, 115, 2, 114, 8, 108, 3, 3, 100, 100, 7, 107)));
}

static void test_bits_tests(void)
{
    v128_t a = VU64(0xff00ff00f0f0f0f0ull, 0x0123456789abcdefull);
    v128_t b = VU64(0x0ff00ff00ff00ff0ull, 0xffffffff00000000ull);
    CHECK("v128.andnot is a & ~b", veq(simd_v128_andnot(a, b), VU64(0xf000f000f000f000ull, 0x0000000089abcdefull)) &&
                                       veq(simd_v128_andnot(a, b), simd_v128_and(a, simd_v128_not(b))));
    CHECK("v128.bitselect takes a where mask is 1",
          veq(simd_v128_bitselect(VU64(UINT64_MAX, 0), VU64(0, UINT64_MAX), VU64(0x00ff00ff00ff00ffull, 0xf0ull)),
              VU64(0x00ff00ff00ff00ffull, ~0xf0ull)));
    CHECK("v128.xor", veq(simd_v128_xor(a, a), V64(0, 0)));
    CHECK("v128.any_true single high bit", simd_v128_any_true(VU64(0, 1ull << 63)) == 1);
    CHECK("v128.any_true zero", simd_v128_any_true(V64(0, 0)) == 0);
    CHECK("i8x16.all_true one zero lane", simd_i8x16_all_true(VU8(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0)) == 0);
    CHECK("i8x16.all_true all nonzero", simd_i8x16_all_true(simd_i8x16_splat(0x80)) == 1);
    CHECK("i16x8.all_true sees 0x0100 as true", simd_i16x8_all_true(simd_i16x8_splat(0x100)) == 1);
    CHECK("i32x4.all_true one zero lane", simd_i32x4_all_true(VU32(1, 2, 0, 4)) == 0);
    CHECK("i64x2.all_true low half zero in a lane still true", simd_i64x2_all_true(VU64(1ull << 32, 1)) == 1);
    CHECK("i8x16.bitmask", simd_i8x16_bitmask(V8(-1, 0, -128, 127, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -5)) == 0x8005);
    CHECK("i16x8.bitmask", simd_i16x8_bitmask(V16(0, -1, 0, 0x7fff, 0, 0, -32768, 0)) == 0x42);
    CHECK("i32x4.bitmask", simd_i32x4_bitmask(V32(-1, 1, INT32_MIN, 0)) == 0x5);
    CHECK("i64x2.bitmask", simd_i64x2_bitmask(V64(1, INT64_MIN)) == 0x2);
}

static void test_shifts(void)
{
    v128_t a = V8(1, -128, 0x40, -1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, -2);
    CHECK("i8x16.shl by 8 is by 0", veq(simd_i8x16_shl(a, 8), a));
    CHECK("i8x16.shl by 9 is by 1", veq(simd_i8x16_shl(a, 9), V8(2, 0, -128, -2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, -4)));
    CHECK("i8x16.shr_s by 15 is by 7", veq(simd_i8x16_shr_s(a, 15), V8(0, -1, 0, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1)));
    CHECK("i8x16.shr_u by 7", veq(simd_i8x16_shr_u(a, 7), V8(0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)));
    CHECK("i16x8.shl by 16 is by 0", veq(simd_i16x8_shl(V16(1, -1), 16), V16(1, -1)));
    CHECK("i16x8.shr_s by 17 is by 1", veq(simd_i16x8_shr_s(V16(-32768, 3, -3), 17), V16(-16384, 1, -2)));
    CHECK("i16x8.shr_u by 1", veq(simd_i16x8_shr_u(V16(-32768, 3), 1), V16(0x4000, 1)));
    CHECK("i32x4.shl by 33 is by 1", veq(simd_i32x4_shl(VU32(0x80000001u, 1, 2, 3), 33), VU32(2, 2, 4, 6)));
    CHECK("i32x4.shr_s by 31", veq(simd_i32x4_shr_s(V32(INT32_MIN, 5, -1, INT32_MAX), 31), V32(-1, 0, -1, 0)));
    CHECK("i32x4.shr_u by 0xffffffff is by 31", veq(simd_i32x4_shr_u(V32(INT32_MIN, 5, -1, 0), 0xffffffffu), V32(1, 0, 1, 0)));
    CHECK("i64x2.shl by 64 is by 0", veq(simd_i64x2_shl(V64(3, -3), 64), V64(3, -3)));
    CHECK("i64x2.shl by 127 is by 63", veq(simd_i64x2_shl(V64(3, 2), 127), VU64(1ull << 63, 0)));
    CHECK("i64x2.shr_s by 65 is by 1", veq(simd_i64x2_shr_s(V64(INT64_MIN, -3), 65), V64(INT64_MIN / 2, -2)));
    CHECK("i64x2.shr_u by 63", veq(simd_i64x2_shr_u(V64(INT64_MIN, INT64_MAX), 63), V64(1, 0)));
}

static void test_int_arith(void)
{
    CHECK("i8x16.abs -128 stays -128", veq(simd_i8x16_abs(V8(-128, -1, 127, 0, -5)), V8(-128, 1, 127, 0, 5)));
    CHECK("i16x8.abs", veq(simd_i16x8_abs(V16(-32768, -32767, 5)), V16(-32768, 32767, 5)));
    CHECK("i32x4.abs", veq(simd_i32x4_abs(V32(INT32_MIN, -7, 7, 0)), V32(INT32_MIN, 7, 7, 0)));
    CHECK("i8x16.neg wraps", veq(simd_i8x16_neg(V8(-128, 1, 0, 127)), V8(-128, -1, 0, -127)));
    CHECK("i8x16.popcnt", veq(simd_i8x16_popcnt(VU8(0, 1, 0xff, 0x80, 0x55, 0x0f)), VU8(0, 1, 8, 1, 4, 4)));
    CHECK("i8x16.add wraps", veq(simd_i8x16_add(V8(127, -128, 1), V8(1, -1, 2)), V8(-128, 127, 3)));
    CHECK("i8x16.add_sat_s", veq(simd_i8x16_add_sat_s(V8(127, -128, 100, -100), V8(1, -1, -50, -50)), V8(127, -128, 50, -128)));
    CHECK("i8x16.add_sat_u", veq(simd_i8x16_add_sat_u(VU8(255, 200, 1), VU8(1, 56, 2)), VU8(255, 255, 3)));
    CHECK("i8x16.sub_sat_s", veq(simd_i8x16_sub_sat_s(V8(-128, 127, 0), V8(1, -1, -128)), V8(-128, 127, 127)));
    CHECK("i8x16.sub_sat_u", veq(simd_i8x16_sub_sat_u(VU8(0, 5, 255), VU8(1, 3, 255)), VU8(0, 2, 0)));
    CHECK("i16x8.add_sat_s", veq(simd_i16x8_add_sat_s(V16(32767, -32768), V16(1, -1)), V16(32767, -32768)));
    CHECK("i16x8.sub_sat_u", veq(simd_i16x8_sub_sat_u(VU16(1, 65535), VU16(2, 1)), VU16(0, 65534)));
    CHECK("i16x8.mul wraps", veq(simd_i16x8_mul(VU16(0xffff, 0x100, 300), VU16(0xffff, 0x100, 300)), VU16(1, 0, 24464)));
    CHECK("i32x4.mul wraps", veq(simd_i32x4_mul(VU32(0xffffffffu, 0x10000u, 3), VU32(0xffffffffu, 0x10000u, 5)), VU32(1, 0, 15)));
    CHECK("i8x16.min_s/min_u differ", simd_i8x16_min_s(V8(-1), V8(1)).i8[0] == -1 && simd_i8x16_min_u(V8(-1), V8(1)).i8[0] == 1);
    CHECK("i32x4.max_u", veq(simd_i32x4_max_u(VU32(0xffffffffu, 0, 5, 7), VU32(1, 0, 6, 7)), VU32(0xffffffffu, 0, 6, 7)));
    CHECK("i32x4.max_s", veq(simd_i32x4_max_s(V32(-1, INT32_MIN, 5, 7), V32(1, 0, 6, 7)), V32(1, 0, 6, 7)));
    CHECK("i8x16.avgr_u rounds up, no overflow", veq(simd_i8x16_avgr_u(VU8(255, 0, 1, 2), VU8(255, 1, 2, 2)), VU8(255, 1, 2, 2)));
    CHECK("i16x8.avgr_u", veq(simd_i16x8_avgr_u(VU16(65535, 0, 3), VU16(65534, 1, 6)), VU16(65535, 1, 5)));
    CHECK("i16x8.q15mulr_sat_s",
          veq(simd_i16x8_q15mulr_sat_s(V16(-32768, -32768, 16384, -16384, 1, -1, 32767, 3),
                                       V16(-32768, 32767, 16384, 16384, 16384, 16384, 32767, -16384)),
              V16(32767, -32767, 8192, -8192, 1, 0, 32766, -1)));
    CHECK("i32x4.dot_i16x8_s wraps at -32768^2 * 2",
          veq(simd_i32x4_dot_i16x8_s(V16(-32768, -32768, 1, 2, -3, 4, 32767, 32767),
                                     V16(-32768, -32768, 3, 4, 5, 6, 32767, 32767)),
              V32(INT32_MIN, 11, 9, 2147352578)));
}

static void test_i64x2(void)
{
    CHECK("i64x2.add wraps", veq(simd_i64x2_add(V64(INT64_MAX, 1), V64(1, -2)), V64(INT64_MIN, -1)));
    CHECK("i64x2.sub wraps", veq(simd_i64x2_sub(V64(INT64_MIN, 5), V64(1, 7)), V64(INT64_MAX, -2)));
    CHECK("i64x2.mul low 64 bits", veq(simd_i64x2_mul(VU64(0x100000001ull, UINT64_MAX), VU64(0x100000001ull, UINT64_MAX)),
                                       VU64(0x200000001ull, 1)));
    CHECK("i64x2.abs min stays", veq(simd_i64x2_abs(V64(INT64_MIN, -9)), V64(INT64_MIN, 9)));
    CHECK("i64x2.neg", veq(simd_i64x2_neg(V64(INT64_MIN, 9)), V64(INT64_MIN, -9)));
    CHECK("i64x2.lt_s signed", veq(simd_i64x2_lt_s(V64(-1, 5), V64(1, 5)), V64(-1, 0)));
    CHECK("i64x2.gt_s across 2^32", veq(simd_i64x2_gt_s(V64(0x100000000ll, -0x100000000ll), V64(0xffffffffll, -1)), V64(-1, 0)));
    CHECK("i64x2.le_s / ge_s", veq(simd_i64x2_le_s(V64(INT64_MIN, 3), V64(INT64_MAX, 3)), V64(-1, -1)) &&
                                   veq(simd_i64x2_ge_s(V64(INT64_MIN, 4), V64(INT64_MAX, 3)), V64(0, -1)));
    CHECK("i64x2.eq / ne", veq(simd_i64x2_eq(V64(1, 2), V64(1, 3)), V64(-1, 0)) &&
                               veq(simd_i64x2_ne(V64(1, 2), V64(1, 3)), V64(0, -1)));
    CHECK("i64x2.extmul_low_i32x4_s", veq(simd_i64x2_extmul_low_i32x4_s(V32(INT32_MIN, -1, 9, 9), V32(INT32_MIN, 5, 9, 9)),
                                          V64(0x4000000000000000ll, -5)));
    CHECK("i64x2.extmul_high_i32x4_u", veq(simd_i64x2_extmul_high_i32x4_u(VU32(0, 0, 0xffffffffu, 2), VU32(0, 0, 0xffffffffu, 3)),
                                           VU64(0xfffffffe00000001ull, 6)));
    CHECK("i64x2.extend_high_i32x4_s", veq(simd_i64x2_extend_high_i32x4_s(V32(1, 2, -3, INT32_MIN)), V64(-3, INT32_MIN)));
    CHECK("i64x2.extend_low_i32x4_u", veq(simd_i64x2_extend_low_i32x4_u(V32(-1, 2, -3, 4)), V64(0xffffffffll, 2)));
}

static void test_narrow_widen(void)
{
    CHECK("i8x16.narrow_i16x8_s saturates",
          veq(simd_i8x16_narrow_i16x8_s(V16(128, -129, 127, -128, 32767, -32768, 0, -1), V16(1, 2, 3, 4, 5, 6, 7, 300)),
              V8(127, -128, 127, -128, 127, -128, 0, -1, 1, 2, 3, 4, 5, 6, 7, 127)));
    CHECK("i8x16.narrow_i16x8_u treats input as signed",
          veq(simd_i8x16_narrow_i16x8_u(V16(256, -1, 255, -32768, 128, 0, 1, 32767), V16(0)),
              VU8(255, 0, 255, 0, 128, 0, 1, 255, 0, 0, 0, 0, 0, 0, 0, 0)));
    CHECK("i16x8.narrow_i32x4_s saturates",
          veq(simd_i16x8_narrow_i32x4_s(V32(32768, -32769, INT32_MAX, INT32_MIN), V32(-1, 1, 32767, -32768)),
              V16(32767, -32768, 32767, -32768, -1, 1, 32767, -32768)));
    CHECK("i16x8.narrow_i32x4_u treats input as signed",
          veq(simd_i16x8_narrow_i32x4_u(V32(65536, -1, 65535, INT32_MIN), V32(1, 2, 3, 4)),
              VU16(65535, 0, 65535, 0, 1, 2, 3, 4)));
    v128_t b = V8(-1, 2, -128, 127, 5, 6, 7, 8, -9, 10, 11, 12, 13, 14, 15, -16);
    CHECK("i16x8.extend_low_i8x16_s", veq(simd_i16x8_extend_low_i8x16_s(b), V16(-1, 2, -128, 127, 5, 6, 7, 8)));
    CHECK("i16x8.extend_high_i8x16_u", veq(simd_i16x8_extend_high_i8x16_u(b), V16(247, 10, 11, 12, 13, 14, 15, 240)));
    CHECK("i32x4.extend_high_i16x8_s", veq(simd_i32x4_extend_high_i16x8_s(V16(0, 0, 0, 0, -1, 2, -32768, 4)), V32(-1, 2, -32768, 4)));
    CHECK("i32x4.extend_low_i16x8_u", veq(simd_i32x4_extend_low_i16x8_u(V16(-1, 2, -32768, 4)), V32(65535, 2, 32768, 4)));
    CHECK("i16x8.extadd_pairwise_i8x16_s", veq(simd_i16x8_extadd_pairwise_i8x16_s(b), V16(1, -1, 11, 15, 1, 23, 27, -1)));
    CHECK("i16x8.extadd_pairwise_i8x16_u",
          veq(simd_i16x8_extadd_pairwise_i8x16_u(simd_i8x16_splat(0xff)), simd_i16x8_splat(510)));
    CHECK("i32x4.extadd_pairwise_i16x8_s",
          veq(simd_i32x4_extadd_pairwise_i16x8_s(V16(-32768, -32768, 32767, 32767, -1, 1, 5, -6)), V32(-65536, 65534, 0, -1)));
    CHECK("i32x4.extadd_pairwise_i16x8_u",
          veq(simd_i32x4_extadd_pairwise_i16x8_u(simd_i16x8_splat(0xffff)), simd_i32x4_splat(131070)));
    CHECK("i16x8.extmul_low_i8x16_s", veq(simd_i16x8_extmul_low_i8x16_s(V8(-128, -128, 127, -1), V8(-128, 127, 127, 1)),
                                          V16(16384, -16256, 16129, -1)));
    CHECK("i16x8.extmul_high_i8x16_u",
          veq(simd_i16x8_extmul_high_i8x16_u(simd_i8x16_splat(0xff), simd_i8x16_splat(0xff)), simd_i16x8_splat(65025)));
    CHECK("i32x4.extmul_low_i16x8_u 65535^2",
          veq(simd_i32x4_extmul_low_i16x8_u(simd_i16x8_splat(0xffff), simd_i16x8_splat(0xffff)), simd_i32x4_splat(0xfffe0001u)));
    CHECK("i32x4.extmul_high_i16x8_s",
          veq(simd_i32x4_extmul_high_i16x8_s(V16(0, 0, 0, 0, -32768, -32768, 3, -3), V16(0, 0, 0, 0, -32768, 32767, 5, 5)),
              V32(1073741824, -1073709056, 15, -15)));
    CHECK("load8x8_s", veq(simd_load8x8_s(0x807f01ff00000000ull), V16(0, 0, 0, 0, -1, 1, 127, -128)));
    CHECK("load8x8_u", veq(simd_load8x8_u(0x807f01ff00000000ull), V16(0, 0, 0, 0, 255, 1, 127, 128)));
    CHECK("load16x4_s", veq(simd_load16x4_s(0x8000ffff00017fffull), V32(32767, 1, -1, -32768)));
    CHECK("load16x4_u", veq(simd_load16x4_u(0x8000ffff00017fffull), V32(32767, 1, 65535, 32768)));
    CHECK("load32x2_s", veq(simd_load32x2_s(0x80000000ffffffffull), V64(-1, INT32_MIN)));
    CHECK("load32x2_u", veq(simd_load32x2_u(0x80000000ffffffffull), V64(0xffffffffll, 0x80000000ll)));
}

static bool canon32(uint32_t u) { return (u & 0x7fffffff) == 0x7fc00000; }

static void test_float(void)
{
    float nz = num_f32_from_bits(0x80000000), nan = num_f32_from_bits(0x7fc00000);
    float snan = num_f32_from_bits(0x7fa00000);
    v128_t r = simd_f32x4_min(VF32(nz, 0.0f, nan, 1.0f), VF32(0.0f, nz, 1.0f, snan));
    CHECK("f32x4.min: -0 < +0 both ways, NaN propagates quiet",
          r.u32[0] == 0x80000000 && r.u32[1] == 0x80000000 && r.u32[2] == 0x7fc00000 && r.u32[3] == 0x7fe00000);
    r = simd_f32x4_max(VF32(nz, 0.0f, 2.0f, -1.0f), VF32(0.0f, nz, 1.0f, -2.0f));
    CHECK("f32x4.max", veq(r, VF32(0.0f, 0.0f, 2.0f, -1.0f)));
    r = simd_f32x4_pmin(VF32(nz, 0.0f, snan, 1.0f), VF32(0.0f, nz, 1.0f, snan));
    CHECK("f32x4.pmin returns an operand unchanged",
          r.u32[0] == 0x80000000 && r.u32[1] == 0 && r.u32[2] == 0x7fa00000 && r.u32[3] == 0x3f800000);
    r = simd_f32x4_pmax(VF32(nz, 0.0f, snan, 1.0f), VF32(0.0f, nz, 1.0f, 2.0f));
    CHECK("f32x4.pmax returns an operand unchanged",
          r.u32[0] == 0x80000000 && r.u32[1] == 0 && r.u32[2] == 0x7fa00000 && r.u32[3] == 0x40000000);
    v128_t d = simd_f64x2_pmin(VF64(2.0, num_f64_from_bits(0x7ff0000000000001ull)), VF64(1.0, 0.0));
    CHECK("f64x2.pmin", d.f64[0] == 1.0 && d.u64[1] == 0x7ff0000000000001ull);
    d = simd_f64x2_min(VF64(0.0, 1.0), VF64(num_f64_from_bits(0x8000000000000000ull), num_f64_from_bits(0xfff8000000000000ull)));
    CHECK("f64x2.min", d.u64[0] == 0x8000000000000000ull && d.u64[1] == 0xfff8000000000000ull);

    CHECK("f32x4.abs/neg keep NaN payload",
          simd_f32x4_abs(VU32(0xffa00001, 0x80000000)).u32[0] == 0x7fa00001 &&
              simd_f32x4_neg(VU32(0xffa00001, 0x80000000)).u32[1] == 0);
    CHECK("f64x2.neg", veq(simd_f64x2_neg(VF64(1.0, 0.0)), VF64(-1.0, num_f64_from_bits(0x8000000000000000ull))));
    r = simd_f32x4_nearest(VF32(2.5f, -0.5f, 3.5f, -8388607.5f));
    CHECK("f32x4.nearest ties to even", r.f32[0] == 2.0f && r.u32[1] == 0x80000000 && r.f32[2] == 4.0f &&
                                            r.f32[3] == -8388608.0f);
    r = simd_f32x4_ceil(VF32(-0.5f, 0.5f, -1.5f, 1e30f));
    CHECK("f32x4.ceil", r.u32[0] == 0x80000000 && r.f32[1] == 1.0f && r.f32[2] == -1.0f && r.f32[3] == 1e30f);
    r = simd_f32x4_floor(VF32(-0.5f, 0.5f, -1.5f, nz));
    CHECK("f32x4.floor", r.f32[0] == -1.0f && r.u32[1] == 0 && r.f32[2] == -2.0f && r.u32[3] == 0x80000000);
    r = simd_f32x4_trunc(VF32(-0.5f, 1.9f, -1.9f, snan));
    CHECK("f32x4.trunc", r.u32[0] == 0x80000000 && r.f32[1] == 1.0f && r.f32[2] == -1.0f && r.u32[3] == 0x7fe00000);
    d = simd_f64x2_nearest(VF64(-2.5, 4503599627370495.5));
    CHECK("f64x2.nearest", d.f64[0] == -2.0 && d.f64[1] == 4503599627370496.0);
    d = simd_f64x2_floor(VF64(-0.1, 0.1));
    CHECK("f64x2.floor", d.f64[0] == -1.0 && d.u64[1] == 0);

    r = simd_f32x4_add(VF32(1.0f, num_f32_from_bits(0x7f800000), 0.1f, 3.0f),
                       VF32(2.0f, num_f32_from_bits(0xff800000), 0.2f, -3.0f));
    CHECK("f32x4.add, inf-inf canonical NaN", r.f32[0] == 3.0f && canon32(r.u32[1]) && r.f32[2] == 0.1f + 0.2f &&
                                                  r.u32[3] == 0);
    r = simd_f32x4_div(VF32(1.0f, 0.0f, -1.0f, 1.0f), VF32(0.0f, 0.0f, 0.0f, 3.0f));
    CHECK("f32x4.div by zero", r.u32[0] == 0x7f800000 && canon32(r.u32[1]) && r.u32[2] == 0xff800000 &&
                                   r.f32[3] == 1.0f / 3.0f);
    r = simd_f32x4_sqrt(VF32(4.0f, -1.0f, nz, 2.0f));
    CHECK("f32x4.sqrt", r.f32[0] == 2.0f && canon32(r.u32[1]) && r.u32[2] == 0x80000000 && r.u32[3] == 0x3fb504f3);
    d = simd_f64x2_mul(VF64(1e308, -0.0), VF64(10.0, 5.0));
    CHECK("f64x2.mul overflow and -0", d.u64[0] == 0x7ff0000000000000ull && d.u64[1] == 0x8000000000000000ull);

    v128_t x = VF32(1.0f, nan, nz, 2.0f), y = VF32(1.0f, nan, 0.0f, 1.0f);
    CHECK("f32x4.eq: NaN unequal, -0 == +0", veq(simd_f32x4_eq(x, y), V32(-1, 0, -1, 0)));
    CHECK("f32x4.ne: NaN unequal", veq(simd_f32x4_ne(x, y), V32(0, -1, 0, -1)));
    CHECK("f32x4.lt/le/gt/ge with NaN", veq(simd_f32x4_lt(x, y), V32(0, 0, 0, 0)) && veq(simd_f32x4_le(x, y), V32(-1, 0, -1, 0)) &&
                                            veq(simd_f32x4_gt(x, y), V32(0, 0, 0, -1)) && veq(simd_f32x4_ge(x, y), V32(-1, 0, -1, -1)));
    v128_t xd = VF64(num_f64_from_bits(0x7ff8000000000000ull), -1.0), yd = VF64(0.0, 1.0);
    CHECK("f64x2.ne/lt with NaN", veq(simd_f64x2_ne(xd, yd), V64(-1, -1)) && veq(simd_f64x2_lt(xd, yd), V64(0, -1)));
}

static void test_convert(void)
{
    float nan = num_f32_from_bits(0x7fc00000);
    CHECK("i32x4.trunc_sat_f32x4_s", veq(simd_i32x4_trunc_sat_f32x4_s(VF32(nan, 3e9f, -3e9f, -1.9f)), V32(0, INT32_MAX, INT32_MIN, -1)));
    CHECK("i32x4.trunc_sat_f32x4_u", veq(simd_i32x4_trunc_sat_f32x4_u(VF32(nan, 5e9f, -0.9f, 4294967040.0f)),
                                         VU32(0, UINT32_MAX, 0, 4294967040u)));
    CHECK("i32x4.trunc_sat_f64x2_s_zero zeroes the top",
          veq(simd_i32x4_trunc_sat_f64x2_s_zero(VF64(-2147483648.9, 2147483647.9)), V32(INT32_MIN, INT32_MAX, 0, 0)));
    CHECK("i32x4.trunc_sat_f64x2_u_zero zeroes the top",
          veq(simd_i32x4_trunc_sat_f64x2_u_zero(VF64(-1.0, 4294967296.0)), VU32(0, UINT32_MAX, 0, 0)));
    v128_t r = simd_f32x4_convert_i32x4_u(VU32(0xffffffffu, 0x80000081u, 16777217u, 0));
    CHECK("f32x4.convert_i32x4_u rounds", r.u32[0] == 0x4f800000 && r.u32[1] == 0x4f000001 && r.f32[2] == 16777216.0f &&
                                              r.u32[3] == 0);
    r = simd_f32x4_convert_i32x4_s(V32(INT32_MIN, -16777217, 1, -1));
    CHECK("f32x4.convert_i32x4_s", r.u32[0] == 0xcf000000 && r.f32[1] == -16777216.0f && r.f32[2] == 1.0f && r.f32[3] == -1.0f);
    CHECK("f64x2.convert_low_i32x4_u", veq(simd_f64x2_convert_low_i32x4_u(VU32(0xffffffffu, 1, 7, 7)), VF64(4294967295.0, 1.0)));
    CHECK("f64x2.convert_low_i32x4_s", veq(simd_f64x2_convert_low_i32x4_s(V32(INT32_MIN, -1, 7, 7)), VF64(-2147483648.0, -1.0)));
    r = simd_f32x4_demote_f64x2_zero(VU64(0x3ff0000010000001ull, 0x7ff4000000000000ull));
    CHECK("f32x4.demote_f64x2_zero", r.u32[0] == 0x3f800001 && r.u32[1] == 0x7fe00000 && r.u32[2] == 0 && r.u32[3] == 0);
    r = simd_f64x2_promote_low_f32x4(VU32(0x3dcccccd, 0xffc00000, 0x3f800000, 0x3f800000));
    CHECK("f64x2.promote_low_f32x4", r.f64[0] == (double)0.1f && r.u64[1] == 0xfff8000000000000ull);
}

/* Relaxed SIMD: the deterministic profile's choice, NaN results the
 * positive canonical NaN. */
static void test_relaxed(void)
{
    v128_t seq = VU8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    v128_t idx = VU8(15, 16, 0, 0x80, 255, 31, 1, 17, 14, 0x7f, 3, 4, 200, 5, 6, 0x10);
    CHECK("i8x16.relaxed_swizzle: indices >= 16 give 0, as swizzle",
          veq(simd_i8x16_relaxed_swizzle(seq, idx), VU8(15, 0, 0, 0, 0, 0, 1, 0, 14, 0, 3, 4, 0, 5, 6, 0)));

    float nan = num_f32_from_bits(0x7fc00000), nnan = num_f32_from_bits(0xffa00001);
    CHECK("i32x4.relaxed_trunc_f32x4_s saturates, NaN is 0",
          veq(simd_i32x4_relaxed_trunc_f32x4_s(VF32(nan, 3e9f, -3e9f, nnan)), V32(0, INT32_MAX, INT32_MIN, 0)));
    CHECK("i32x4.relaxed_trunc_f32x4_u saturates, NaN is 0",
          veq(simd_i32x4_relaxed_trunc_f32x4_u(VF32(-1.0f, 5e9f, nnan, 4294967040.0f)), VU32(0, UINT32_MAX, 0, 4294967040u)));
    CHECK("i32x4.relaxed_trunc_f64x2_s_zero",
          veq(simd_i32x4_relaxed_trunc_f64x2_s_zero(VF64(-2147483649.0, num_f64_from_bits(0xfff8000000000001ull))),
              V32(INT32_MIN, 0, 0, 0)));
    CHECK("i32x4.relaxed_trunc_f64x2_u_zero",
          veq(simd_i32x4_relaxed_trunc_f64x2_u_zero(VF64(4294967296.0, 4294967295.9)), VU32(UINT32_MAX, UINT32_MAX, 0, 0)));

    /* (1 + 2^-22)(1 + 2^-15) - (1 + 2^-15 + 2^-22): 2^-37 fused, 0 rounded twice */
    v128_t x = VF32(0x1.000004p+0f, 0x1.fffffep+127f, 0.0f, 1.0f), y = VF32(0x1.0002p+0f, 2.0f, 1.0f, 2.0f);
    v128_t z = VF32(-0x1.000204p+0f, -0x1.fffffep+127f, -0.0f, 0.5f);
    CHECK("f32x4.relaxed_madd is unfused: one rounding for the product, one for the sum",
          veq(simd_f32x4_relaxed_madd(x, y, z), VU32(0, 0x7f800000, 0, 0x40200000)));
    CHECK("f32x4.relaxed_nmadd is (-a) * b + c",
          veq(simd_f32x4_relaxed_nmadd(simd_f32x4_neg(x), y, z), VU32(0, 0x7f800000, 0, 0x40200000)) &&
              simd_f32x4_relaxed_nmadd(x, y, z).u32[2] == 0x80000000); /* -(0 * 1) + -0 */
    v128_t inf = simd_f32x4_splat(num_f32_from_bits(0x7f800000));
    CHECK("f32x4.relaxed_madd NaNs are +canonical",
          veq(simd_f32x4_relaxed_madd(VF32(nnan, 1.0f, 0.0f, 1.0f), VF32(1.0f, nnan, 1.0f, 1.0f),
                                      VF32(1.0f, 1.0f, -nan, 1.0f)),
              VU32(0x7fc00000, 0x7fc00000, 0x7fc00000, 0x40000000)) &&
              veq(simd_f32x4_relaxed_nmadd(inf, VF32(0.0f, 1.0f, -1.0f, 1.0f), VF32(1.0f, inf.f32[0], 1.0f, 1.0f)),
                  VU32(0x7fc00000, 0x7fc00000, 0x7f800000, 0xff800000)));
    v128_t xd = VF64(0x1.00000004p+0, num_f64_from_bits(0xfff4000000000001ull)), yd = VF64(0x1.000002p+0, 1.0);
    v128_t zd = VF64(-0x1.00000204p+0, 1.0);
    CHECK("f64x2.relaxed_madd unfused, NaN +canonical",
          veq(simd_f64x2_relaxed_madd(xd, yd, zd), VU64(0, 0x7ff8000000000000ull)));
    CHECK("f64x2.relaxed_nmadd", veq(simd_f64x2_relaxed_nmadd(VF64(-0x1.00000004p+0, 3.0), yd, VF64(-0x1.00000204p+0, 1.0)),
                                     VF64(0.0, -2.0)));

    v128_t a = VU64(0x0123456789abcdefull, UINT64_MAX), b = VU64(0xfedcba9876543210ull, 0);
    v128_t m = VU64(0x00ff00ff7f0080ffull, 0x8000000000000001ull);
    v128_t want = simd_v128_bitselect(a, b, m);
    CHECK("relaxed_laneselect is bitselect for masks that are not all-ones or zeros",
          veq(simd_i8x16_relaxed_laneselect(a, b, m), want) && veq(simd_i16x8_relaxed_laneselect(a, b, m), want) &&
              veq(simd_i32x4_relaxed_laneselect(a, b, m), want) && veq(simd_i64x2_relaxed_laneselect(a, b, m), want) &&
              want.u64[1] == 0x8000000000000001ull);

    float nz = num_f32_from_bits(0x80000000);
    CHECK("f32x4.relaxed_min: min, NaNs +canonical",
          veq(simd_f32x4_relaxed_min(VF32(nnan, 1.0f, nz, 0.0f), VF32(1.0f, -nan, 0.0f, -2.0f)),
              VU32(0x7fc00000, 0x7fc00000, 0x80000000, 0xc0000000)));
    CHECK("f32x4.relaxed_max: max, NaNs +canonical",
          veq(simd_f32x4_relaxed_max(VF32(nnan, 1.0f, nz, 0.0f), VF32(1.0f, -nan, 0.0f, -2.0f)),
              VU32(0x7fc00000, 0x7fc00000, 0, 0)));
    v128_t dn = VU64(0xfff0000000000001ull, 0x8000000000000000ull);
    CHECK("f64x2.relaxed_min/max", veq(simd_f64x2_relaxed_min(dn, VF64(1.0, 0.0)), VU64(0x7ff8000000000000ull, 0x8000000000000000ull)) &&
                                       veq(simd_f64x2_relaxed_max(dn, VF64(1.0, 0.0)), VU64(0x7ff8000000000000ull, 0)));

    CHECK("i16x8.relaxed_q15mulr_s saturates -32768^2",
          veq(simd_i16x8_relaxed_q15mulr_s(V16(-32768, 16384, -1), V16(-32768, 16384, 16384)), V16(32767, 8192, 0)));
    v128_t ones = simd_i8x16_splat(0x80);
    CHECK("i16x8.relaxed_dot_i8x16_i7x16_s: bytes signed, pair sums saturate",
          veq(simd_i16x8_relaxed_dot_i8x16_i7x16_s(ones, ones), simd_i16x8_splat(32767)) &&
              veq(simd_i16x8_relaxed_dot_i8x16_i7x16_s(V8(1, 1, -128, -128, 127, 127, 2, 3),
                                                        V8(-128, 0x7f, -127, -127, -128, -128, -1, 0x7f)),
                  V16(-1, 32512, -32512, 379)));
    CHECK("i32x4.relaxed_dot_i8x16_i7x16_add_s: saturated i16 pairs, then a wrapping add",
          veq(simd_i32x4_relaxed_dot_i8x16_i7x16_add_s(ones, ones, V32(INT32_MAX, 2, -65534, 0)),
              V32(INT32_MIN + 65533, 65536, 0, 65534)));
}

int main(void)
{
    check_coverage();
    test_lanes();
    test_bits_tests();
    test_shifts();
    test_int_arith();
    test_i64x2();
    test_narrow_widen();
    test_float();
    test_convert();
    test_relaxed();
    return check_failures ? 1 : 0;
}
