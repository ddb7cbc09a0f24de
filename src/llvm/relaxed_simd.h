/* Relaxed SIMD instructions as inline LLVM IR (relaxed_simd.c), computing
 * bit for bit what src/runtime/simd.h computes for the interpreter: the
 * spec's deterministic profile, NaN results the positive canonical NaN. */
#ifndef WISP_LLVM_RELAXED_SIMD_H
#define WISP_LLVM_RELAXED_SIMD_H

#include <stdbool.h>
#include <stdint.h>

#include <llvm-c/Core.h>

/* Whether op is a relaxed instruction built here. i8x16.relaxed_swizzle is
 * not (nor is i8x16.swizzle): it has no target-independent IR, so it calls
 * simd.h's function like the other SIMD helpers. */
bool relaxed_simd_has_ir(uint16_t op);

/* The result (a <2 x i64>) of relaxed instruction op on its operands, each
 * a <2 x i64>, as many as opcode_table[op].sig has, built at b's position
 * in module mod. */
LLVMValueRef relaxed_simd_ir(LLVMBuilderRef b, LLVMModuleRef mod, uint16_t op, LLVMValueRef *args);

#endif
