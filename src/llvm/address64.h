/* memory64 in the compiled tier (address64.c): an i64 address is checked
 * explicitly against the memory's size, or, in a guarded memory, against
 * a constant that keeps the access inside the reservation, whose guard
 * region catches the rest; i64 table indices and counts are narrowed for
 * the i32 code paths, and grow results widened, so that every trap is the
 * interpreter's. */
#ifndef WISP_LLVM_ADDRESS64_H
#define WISP_LLVM_ADDRESS64_H

#include <stdint.h>

#include <llvm-c/Core.h>

/* An i64 table index or count as i32: UINT32_MAX when larger, which no
 * table reaches (TABLE_ENTRY_LIMIT), so it is still out of bounds. An
 * i32 is returned as it is. */
LLVMValueRef addr64_narrow(LLVMBuilderRef b, LLVMValueRef v);

/* An i32 address or length zero-extended to i64; an i64 as it is. */
LLVMValueRef addr64_widen(LLVMBuilderRef b, LLVMValueRef v);

/* A grow's i32 result as i64: the failure 0xFFFFFFFF becomes -1. */
LLVMValueRef addr64_grow_result(LLVMBuilderRef b, LLVMValueRef r);

/* Whether an access of n bytes at i64 address addr plus offset runs past
 * size (an i64 of bytes), computed in 128 bits: a sum past 2^64 is out of
 * bounds, never a wrapped address. */
LLVMValueRef addr64_out_of_bounds(LLVMBuilderRef b, LLVMValueRef addr, uint64_t offset, uint32_t n,
                                  LLVMValueRef size);

/* For a guarded i64 memory (RT_MEM64_GUARDED_RESERVE reserved, RT_MEM64_SPAN
 * at most in use): whether an access of n bytes at addr plus offset must
 * trap before it is made. Otherwise it lands inside the reservation, and
 * faults there when it runs past the memory's size. */
LLVMValueRef addr64_past_span(LLVMBuilderRef b, LLVMValueRef addr, uint64_t offset, uint32_t n);

#endif
