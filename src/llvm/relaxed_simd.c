/* Relaxed SIMD as inline IR, bit for bit the functions of
 * src/runtime/simd.h that the interpreter runs: each instruction is the
 * spec's deterministic-profile choice, and no result is left to LLVM or
 * the CPU. madd is a multiply then an add, two roundings (LLVM fuses them
 * only when told to: the target machine keeps the default FP-op fusion,
 * which fuses llvm.fmuladd alone); float results that are NaN become the
 * positive canonical NaN, so operand order and x86's default NaN cannot
 * show; the integer ones are exact. tests/wast/relaxed_simd.wast checks
 * the edges in every tier, and fuzz_tiers compares v128 results bit for
 * bit. */
#include <string.h>

#include "binary/instr.h"
#include "llvm/relaxed_simd.h"

struct ir {
    LLVMBuilderRef b;
    LLVMModuleRef mod;
    LLVMTypeRef i8, i16, i32, i64, f32, f64, v128;
};

static LLVMValueRef as(struct ir *c, LLVMValueRef v, LLVMTypeRef el, unsigned n)
{
    return LLVMBuildBitCast(c->b, v, LLVMVectorType(el, n), "");
}

static LLVMValueRef v128(struct ir *c, LLVMValueRef v) { return LLVMBuildBitCast(c->b, v, c->v128, ""); }

/* A constant vector: n lanes of el, lane i = first + i * step. */
static LLVMValueRef const_lanes(LLVMTypeRef el, unsigned n, uint64_t first, uint64_t step)
{
    LLVMValueRef lanes[16];
    for (unsigned i = 0; i < n; i++)
        lanes[i] = LLVMConstInt(el, first + i * step, 0);
    return LLVMConstVector(lanes, n);
}

static LLVMValueRef call(struct ir *c, const char *name, LLVMTypeRef *types, unsigned ntypes, LLVMValueRef *args,
                         unsigned nargs)
{
    unsigned id = LLVMLookupIntrinsicID(name, strlen(name));
    LLVMValueRef f = LLVMGetIntrinsicDeclaration(c->mod, id, types, ntypes);
    LLVMTypeRef fty = LLVMIntrinsicGetType(LLVMGetModuleContext(c->mod), id, types, ntypes);
    return LLVMBuildCall2(c->b, fty, f, args, nargs, "");
}

/* Lanes of the float vector r where nan is true become the positive
 * canonical NaN. */
static LLVMValueRef canonical(struct ir *c, LLVMValueRef r, LLVMValueRef nan, bool f64)
{
    LLVMTypeRef it = f64 ? c->i64 : c->i32;
    unsigned n = f64 ? 2 : 4;
    LLVMValueRef q = const_lanes(it, n, f64 ? 0x7ff8000000000000ull : 0x7fc00000u, 0);
    return v128(c, LLVMBuildSelect(c->b, nan, q, as(c, r, it, n), ""));
}

/* (-)a * b + c, unfused. */
static LLVMValueRef madd(struct ir *c, LLVMValueRef *args, bool f64, bool neg)
{
    LLVMTypeRef ft = f64 ? c->f64 : c->f32;
    unsigned n = f64 ? 2 : 4;
    LLVMValueRef x = as(c, args[0], ft, n), y = as(c, args[1], ft, n), z = as(c, args[2], ft, n);
    if (neg)
        x = LLVMBuildFNeg(c->b, x, "");
    LLVMValueRef r = LLVMBuildFAdd(c->b, LLVMBuildFMul(c->b, x, y, ""), z, "");
    return canonical(c, r, LLVMBuildFCmp(c->b, LLVMRealUNO, r, r, ""), f64);
}

/* numeric.h's min/max lane by lane (-0 below +0), a NaN operand giving
 * the canonical NaN. */
static LLVMValueRef minmax(struct ir *c, LLVMValueRef *args, bool f64, bool is_min)
{
    LLVMTypeRef ft = f64 ? c->f64 : c->f32, it = f64 ? c->i64 : c->i32;
    unsigned n = f64 ? 2 : 4;
    LLVMValueRef x = as(c, args[0], ft, n), y = as(c, args[1], ft, n);
    LLVMValueRef xi = as(c, args[0], it, n), yi = as(c, args[1], it, n);
    LLVMValueRef first = LLVMBuildFCmp(c->b, is_min ? LLVMRealOLT : LLVMRealOGT, x, y, "");
    LLVMValueRef r = LLVMBuildSelect(c->b, first, xi, yi, "");
    LLVMValueRef same = is_min ? LLVMBuildOr(c->b, xi, yi, "") : LLVMBuildAnd(c->b, xi, yi, "");
    r = LLVMBuildSelect(c->b, LLVMBuildFCmp(c->b, LLVMRealOEQ, x, y, ""), same, r, "");
    return canonical(c, r, LLVMBuildFCmp(c->b, LLVMRealUNO, x, y, ""), f64);
}

/* trunc_sat: NaN to 0, out of range to the nearest bound; the f64x2 forms
 * fill the top two lanes with zeros. */
static LLVMValueRef trunc_sat(struct ir *c, LLVMValueRef a, bool f64, bool sign)
{
    unsigned n = f64 ? 2 : 4;
    LLVMTypeRef types[2] = {LLVMVectorType(c->i32, n), LLVMVectorType(f64 ? c->f64 : c->f32, n)};
    LLVMValueRef x = as(c, a, f64 ? c->f64 : c->f32, n);
    LLVMValueRef r = call(c, sign ? "llvm.fptosi.sat" : "llvm.fptoui.sat", types, 2, &x, 1);
    if (f64)
        r = LLVMBuildShuffleVector(c->b, r, LLVMConstNull(types[0]), const_lanes(c->i32, 4, 0, 1), "");
    return v128(c, r);
}

/* (a * b + 2^14) >> 15, the one overflow (-32768 * -32768) saturated. */
static LLVMValueRef q15mulr(struct ir *c, LLVMValueRef *args)
{
    LLVMTypeRef wide = LLVMVectorType(c->i32, 8);
    LLVMValueRef x = LLVMBuildSExt(c->b, as(c, args[0], c->i16, 8), wide, "");
    LLVMValueRef y = LLVMBuildSExt(c->b, as(c, args[1], c->i16, 8), wide, "");
    LLVMValueRef p = LLVMBuildAdd(c->b, LLVMBuildMul(c->b, x, y, ""), const_lanes(c->i32, 8, 0x4000, 0), "");
    p = LLVMBuildAShr(c->b, p, const_lanes(c->i32, 8, 15, 0), "");
    LLVMValueRef max = const_lanes(c->i32, 8, 32767, 0);
    p = LLVMBuildSelect(c->b, LLVMBuildICmp(c->b, LLVMIntSGT, p, max, ""), max, p, "");
    return v128(c, LLVMBuildTrunc(c->b, p, LLVMVectorType(c->i16, 8), ""));
}

/* Lanes 0, 2, 4, ... (odd: 1, 3, 5, ...) of v, which has 2n. */
static LLVMValueRef half(struct ir *c, LLVMValueRef v, unsigned n, bool odd)
{
    return LLVMBuildShuffleVector(c->b, v, LLVMGetUndef(LLVMTypeOf(v)), const_lanes(c->i32, n, odd, 2), "");
}

/* Both operands' bytes signed, products summed in pairs with signed
 * saturation: <8 x i16>. */
static LLVMValueRef dot16(struct ir *c, LLVMValueRef *args)
{
    LLVMTypeRef wide = LLVMVectorType(c->i16, 16);
    LLVMValueRef x = LLVMBuildSExt(c->b, as(c, args[0], c->i8, 16), wide, "");
    LLVMValueRef y = LLVMBuildSExt(c->b, as(c, args[1], c->i8, 16), wide, "");
    LLVMValueRef p = LLVMBuildMul(c->b, x, y, ""); /* |p| <= 2^14: exact in i16 */
    LLVMValueRef pair[2] = {half(c, p, 8, false), half(c, p, 8, true)};
    LLVMTypeRef t8 = LLVMVectorType(c->i16, 8);
    return call(c, "llvm.sadd.sat", &t8, 1, pair, 2);
}

static LLVMValueRef dot_add(struct ir *c, LLVMValueRef *args)
{
    LLVMValueRef d = LLVMBuildSExt(c->b, dot16(c, args), LLVMVectorType(c->i32, 8), "");
    LLVMValueRef sum = LLVMBuildAdd(c->b, half(c, d, 4, false), half(c, d, 4, true), "");
    return v128(c, LLVMBuildAdd(c->b, sum, as(c, args[2], c->i32, 4), ""));
}

bool relaxed_simd_has_ir(uint16_t op)
{
    return op >= OP_i32x4_relaxed_trunc_f32x4_s && op <= OP_i32x4_relaxed_dot_i8x16_i7x16_add_s;
}

LLVMValueRef relaxed_simd_ir(LLVMBuilderRef b, LLVMModuleRef mod, uint16_t op, LLVMValueRef *args)
{
    _Static_assert(OP_i32x4_relaxed_dot_i8x16_i7x16_add_s - OP_i32x4_relaxed_trunc_f32x4_s == 18,
                   "relaxed_simd_has_ir takes the range after i8x16.relaxed_swizzle");
    LLVMContextRef ctx = LLVMGetModuleContext(mod);
    struct ir c = {b, mod, LLVMInt8TypeInContext(ctx), LLVMInt16TypeInContext(ctx), LLVMInt32TypeInContext(ctx),
                   LLVMInt64TypeInContext(ctx), LLVMFloatTypeInContext(ctx), LLVMDoubleTypeInContext(ctx),
                   LLVMVectorType(LLVMInt64TypeInContext(ctx), 2)};
    switch (op) {
    case OP_i32x4_relaxed_trunc_f32x4_s: return trunc_sat(&c, args[0], false, true);
    case OP_i32x4_relaxed_trunc_f32x4_u: return trunc_sat(&c, args[0], false, false);
    case OP_i32x4_relaxed_trunc_f64x2_s_zero: return trunc_sat(&c, args[0], true, true);
    case OP_i32x4_relaxed_trunc_f64x2_u_zero: return trunc_sat(&c, args[0], true, false);
    case OP_f32x4_relaxed_madd: return madd(&c, args, false, false);
    case OP_f32x4_relaxed_nmadd: return madd(&c, args, false, true);
    case OP_f64x2_relaxed_madd: return madd(&c, args, true, false);
    case OP_f64x2_relaxed_nmadd: return madd(&c, args, true, true);
    case OP_i8x16_relaxed_laneselect: case OP_i16x8_relaxed_laneselect:
    case OP_i32x4_relaxed_laneselect: case OP_i64x2_relaxed_laneselect: /* bitselect */
        return LLVMBuildOr(b, LLVMBuildAnd(b, args[0], args[2], ""),
                           LLVMBuildAnd(b, args[1], LLVMBuildNot(b, args[2], ""), ""), "");
    case OP_f32x4_relaxed_min: return minmax(&c, args, false, true);
    case OP_f32x4_relaxed_max: return minmax(&c, args, false, false);
    case OP_f64x2_relaxed_min: return minmax(&c, args, true, true);
    case OP_f64x2_relaxed_max: return minmax(&c, args, true, false);
    case OP_i16x8_relaxed_q15mulr_s: return q15mulr(&c, args);
    case OP_i16x8_relaxed_dot_i8x16_i7x16_s: return v128(&c, dot16(&c, args));
    default: return dot_add(&c, args); /* OP_i32x4_relaxed_dot_i8x16_i7x16_add_s */
    }
}
