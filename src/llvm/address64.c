/* memory64 in the compiled tier: see address64.h. The translator uses
 * these on the operands and results whose type is an address type; on
 * i32 ones they build nothing, so code for i32 memories and tables is
 * the same as before. */
#include "llvm/address64.h"

#include "runtime/runtime.h"

static LLVMTypeRef type_of(LLVMValueRef v) { return LLVMTypeOf(v); }

static LLVMTypeRef int_type(LLVMValueRef v, unsigned bits)
{
    return LLVMIntTypeInContext(LLVMGetTypeContext(type_of(v)), bits);
}

static int width(LLVMValueRef v) { return (int)LLVMGetIntTypeWidth(type_of(v)); }

LLVMValueRef addr64_narrow(LLVMBuilderRef b, LLVMValueRef v)
{
    if (width(v) != 64)
        return v;
    LLVMTypeRef i32 = int_type(v, 32);
    LLVMValueRef big = LLVMBuildICmp(b, LLVMIntUGT, v, LLVMConstInt(type_of(v), UINT32_MAX, 0), "");
    return LLVMBuildSelect(b, big, LLVMConstInt(i32, UINT32_MAX, 0), LLVMBuildTrunc(b, v, i32, ""), "");
}

LLVMValueRef addr64_widen(LLVMBuilderRef b, LLVMValueRef v)
{
    return width(v) == 64 ? v : LLVMBuildZExt(b, v, int_type(v, 64), "");
}

LLVMValueRef addr64_grow_result(LLVMBuilderRef b, LLVMValueRef r)
{
    LLVMTypeRef i64 = int_type(r, 64);
    LLVMValueRef failed = LLVMBuildICmp(b, LLVMIntEQ, r, LLVMConstInt(type_of(r), UINT32_MAX, 0), "");
    return LLVMBuildSelect(b, failed, LLVMConstInt(i64, UINT64_MAX, 0), LLVMBuildZExt(b, r, i64, ""), "");
}

LLVMValueRef addr64_out_of_bounds(LLVMBuilderRef b, LLVMValueRef addr, uint64_t offset, uint32_t n,
                                  LLVMValueRef size)
{
    LLVMTypeRef i128 = int_type(addr, 128);
    LLVMValueRef end = LLVMBuildAdd(b, LLVMBuildZExt(b, addr, i128, ""), LLVMConstInt(i128, offset, 0), "");
    end = LLVMBuildAdd(b, end, LLVMConstInt(i128, n, 0), "");
    return LLVMBuildICmp(b, LLVMIntUGT, end, LLVMBuildZExt(b, size, i128, ""), "");
}

/* Every address above RT_MEM64_SPAN is past any i64 memory's size, so the
 * compare never traps an access the explicit check allows. With offset + n
 * up to RT_MEM64_GUARD the bound is the span itself, the same for every
 * access, so LLVM can share one compare between the accesses to a base
 * address at different offsets; a larger offset takes the bound that ends
 * its access at the reservation's end, and one past the reservation traps
 * whatever the address. */
LLVMValueRef addr64_past_span(LLVMBuilderRef b, LLVMValueRef addr, uint64_t offset, uint32_t n)
{
    uint64_t reach = offset + n;
    if (reach < offset || reach > RT_MEM64_GUARDED_RESERVE)
        return LLVMConstInt(int_type(addr, 1), 1, 0);
    uint64_t bound = reach <= RT_MEM64_GUARD ? RT_MEM64_SPAN : RT_MEM64_GUARDED_RESERVE - reach;
    return LLVMBuildICmp(b, LLVMIntUGT, addr, LLVMConstInt(type_of(addr), bound, 0), "");
}
