/* The interpreter's internal code: what lower.c lowers each function body
 * into and interp.c executes. An instruction is a handler word followed by
 * operand words (code_t, 32 bits each). Operands are frame slot indices,
 * immediates, or branch offsets relative to the instruction's first word, so
 * the loop never decodes LEB128 and never pushes or pops an operand stack.
 *
 * Internal opcodes ("xops") are the wasm opcodes (enum opcode) for the
 * instructions that lower one-to-one, followed by the extra operations below:
 * copies, constants, branches, calls, and fused pairs. */
#ifndef WISP_EXEC_CODE_H
#define WISP_EXEC_CODE_H

#include "binary/instr.h"
#include "runtime/runtime.h"

/* Direct threading (computed goto) where the compiler supports it; the
 * portable switch loop otherwise, or when built with -DWISP_SWITCH_DISPATCH. */
#if defined(__GNUC__) && !defined(WISP_SWITCH_DISPATCH)
#define WISP_THREADED 1
#else
#define WISP_THREADED 0
#endif

typedef uint32_t code_t;

/* Integer operations by name, with their meaning on operands a and b of
 * unsigned type UT, signed type ST and width W (set by each handler). The
 * interpreter builds every i32/i64 form from these lists (slot operands,
 * constant right operand, fused compare-and-branch); the compiler needs
 * only the names. Each also has a form with a constant right operand. */
#define INT_ARITH(X) X(add, a + b) X(sub, a - b) X(mul, a * b) X(and, a & b) X(or, a | b) \
    X(xor, a ^ b) X(shl, a << (b & (W - 1))) X(shr_s, (UT)((ST)a >> (b & (W - 1)))) \
    X(shr_u, a >> (b & (W - 1))) X(rotl, INT_ROTL(a, b)) X(rotr, INT_ROTR(a, b))
/* Comparisons; these also fuse with br_if/if. */
#define INT_CMPS(X) X(eq, a == b) X(ne, a != b) X(lt_s, (ST)a < (ST)b) X(lt_u, a < b) \
    X(gt_s, (ST)a > (ST)b) X(gt_u, a > b) X(le_s, (ST)a <= (ST)b) X(le_u, a <= b) \
    X(ge_s, (ST)a >= (ST)b) X(ge_u, a >= b)

/* Loads: X(op, bytes, memory type, slot field, slot type). Each also has
 * two fused forms whose address is a sum (a + b, or a + constant). */
#define LOADS(X)                                                                               \
    X(OP_i32_load, 4, uint32_t, i32, uint32_t) X(OP_i64_load, 8, uint64_t, i64, uint64_t)      \
    X(OP_f32_load, 4, uint32_t, i32, uint32_t) X(OP_f64_load, 8, uint64_t, i64, uint64_t)      \
    X(OP_i32_load8_s, 1, int8_t, i32, uint32_t) X(OP_i32_load8_u, 1, uint8_t, i32, uint32_t)   \
    X(OP_i32_load16_s, 2, int16_t, i32, uint32_t) X(OP_i32_load16_u, 2, uint16_t, i32, uint32_t) \
    X(OP_i64_load8_s, 1, int8_t, i64, uint64_t) X(OP_i64_load8_u, 1, uint8_t, i64, uint64_t)   \
    X(OP_i64_load16_s, 2, int16_t, i64, uint64_t) X(OP_i64_load16_u, 2, uint16_t, i64, uint64_t) \
    X(OP_i64_load32_s, 4, int32_t, i64, uint64_t) X(OP_i64_load32_u, 4, uint32_t, i64, uint64_t)

/* i32 binary operations whose right operand is a shift or rotate by a
 * constant, fused: X(op, shift) -> XOP_i32_<op>_<shift>: d a x k. */
#define XOP_SHIFT_FUSIONS(X) \
    X(add, rotl) X(add, shl) X(add, shr_u) X(xor, rotl) X(xor, shl) X(xor, shr_u) \
    X(or, rotl) X(or, shl) X(or, shr_u) X(and, rotl) X(and, shl) X(and, shr_u)
/* f64 arithmetic whose right operand is loaded from memory: d a addr off. */
#define XOP_LOAD_FUSIONS(X) X(add) X(sub) X(mul)

/* Slots zeroed unconditionally past the params on entry (frames are padded). */
#define RT_ZERO_PAD 2

enum xop {
    XOP_FIRST_EXTRA = OP_COUNT - 1,
    XOP_copy,      /* d s: one slot */
    XOP_copies,    /* n d1 s1 .. dn sn: one-slot copies in order */
    XOP_copy2,     /* d s: two slots (v128) */
    XOP_const32,   /* d imm */
    XOP_const64,   /* d lo hi */
    XOP_const128,  /* d w0 w1 w2 w3 */
    XOP_br,        /* rel */
    XOP_br_nz,     /* cond rel: branch when the i32 is not zero */
    XOP_br_z,      /* cond rel: branch when it is zero */
    XOP_br_null,   /* ref rel: branch when the reference is null */
    XOP_br_nonnull, /* ref rel: branch when it is not */
    XOP_br_table,  /* idx n rel0 .. rel(n-1) reldefault */
#define X(c, ...) XOP_br_i32_##c, XOP_br_i32_##c##_imm, XOP_br_i64_##c,
    INT_CMPS(X)    /* a b rel / a imm rel / a b rel */
#undef X
#define X(o, ...) XOP_i32_##o##_imm, XOP_i64_##o##_imm,
    INT_ARITH(X)   /* d a imm (i64: d a lo hi) */
    INT_CMPS(X)
#undef X
    XOP_ret,       /* results are already in place */
    XOP_ret1,      /* s: copy one slot to the result position, return */
    XOP_call,      /* func base */
    XOP_call_indirect, /* typeid table idx base */
    XOP_return_call,   /* func base: a tail call; a host or native callee is
                          called and returns to the return sequence after it */
    XOP_return_call_indirect, /* typeid table idx base: likewise */
    XOP_call_ref,        /* ref base: call the function the reference is (null traps) */
    XOP_return_call_ref, /* ref base: likewise, a tail call */
    XOP_halt,      /* leave the interpreter loop (the entry frame's return) */
    XOP_check,     /* cost: charge fuel, look for an interrupt (function entries
                      and loop headers, only in code compiled with checks) */
    XOP_hot,       /* loop: count toward tier-up (function entry: loop is
                      UINT32_MAX; loop headers: the loop's byte offset; only
                      in the auto tier, before any check point) */
    XOP_native,    /* replaces a function's first instruction once it has native
                      code: call that instead, with this frame */
    XOP_memory_use,  /* k: the instruction that follows accesses memory k (not 0) */
    XOP_memory_use0, /* memory 0 is the one accessed again (follows that instruction) */
    XOP_memory_copy_between, /* d s n dstmem srcmem wide: memory.copy between two memories,
                                or on an i64 one; wide bits 0-2 say d, s, n are i64 */
    /* memory64 (lower.c, compile_instr_64): */
    XOP_ea64,        /* a off_lo off_hi n: an access of n bytes at i64 address a +
                        u64 offset on the current memory, checked here (a sum past
                        2^64 is out of bounds); it then rebases the registers so
                        that the access that follows, lowered with offset 0, reads
                        its address's low 32 bits and finds exactly those n bytes */
    XOP_clamp64,     /* dst src: an i64 table index or count as u32, UINT32_MAX if
                        larger (tables never reach that size: still out of bounds) */
    XOP_fail64,      /* x: an i32 grow result 0xFFFFFFFF (failure) becomes i64 -1 */
    XOP_memory_fill64, /* d v n mem: memory.fill on an i64 memory */
    XOP_memory_init64, /* d s n data mem: memory.init into an i64 memory */
    /* exception handling (handlers.c finds where a throw lands): */
    XOP_throw,     /* tag base: a new exception of tag, its payload in the slots from base */
    XOP_throw_ref, /* s: throw the exception the exnref in slot s points at (null traps) */
    XOP_select2,   /* d a b cond: v128 */
    XOP_global_get2, XOP_global_set2, /* v128 globals */
#define X(op, ...) XOP_##op##_add, XOP_##op##_addi, /* d a b off / d a imm off */
    LOADS(X)
#undef X
#define X(op, sh) XOP_i32_##op##_##sh,
    XOP_SHIFT_FUSIONS(X)
#undef X
#define X(op) XOP_f64_##op##_load,
    XOP_LOAD_FUSIONS(X)
#undef X
    XOP_COUNT
};

/* Exception handlers, built by the lowering for a function with try_table
 * or try. A handler covers the code of one try body; a throw at code
 * position p (or a call at p that ends in an exception) looks in the
 * innermost handler covering p, then in its `outer` one, and so on, then
 * in the caller. A catch clause names the pad to continue at, which branches
 * to the clause's label with the values put where the pad expects them. */
struct rt_catch {
    uint32_t tag;      /* module tag index, or UINT32_MAX: any exception (catch_all) */
    uint32_t pad;      /* code position to continue at */
    uint32_t slot;     /* the payload goes to the slots from here */
    uint32_t ref_slot; /* the exnref goes here, or UINT32_MAX: none (catch, catch_all) */
    uint32_t handler;  /* the handler it belongs to */
    bool legacy;       /* a legacy catch: ref_slot is its rethrow slot */
};
struct rt_handler {
    uint32_t start, end;      /* code positions [start, end) of the body it covers */
    uint32_t outer;           /* where to look next: a handler index, or UINT32_MAX (the caller) */
    uint32_t first, ncatches; /* its catch clauses, catches[first..], in order */
};

/* A compiled function. */
struct rt_code {
    code_t *start;
    uint32_t len;           /* in code_t words */
    uint32_t nparam_slots;  /* params occupy slots [0, nparam_slots) */
    uint32_t nlocal_slots;  /* params + locals; locals are zeroed on entry */
    uint32_t frame_slots;   /* params + locals + the deepest operand stack */
    /* Code position -> byte offset in the module, for backtraces: pairs
     * sorted by position, one per instruction that can trap or call. */
    uint32_t npos;
    uint32_t (*pos)[2];
    /* Exception handlers in order of their start (none in a function
     * without try_table or try: nothing on any other path looks at them). */
    uint32_t nhandlers;
    struct rt_handler *handlers;
    struct rt_catch *catches;
};

/* The catch clause of c that takes exception e thrown at code position pc
 * (handlers.c), or NULL. */
const struct rt_catch *rt_code_find_catch(const struct rt_code *c, const struct rt_instance *inst, uint32_t pc,
                                          const struct rt_exception *e);

/* The word that starts an instruction with this xop: a handler address
 * offset (threaded) or the xop itself (switch). From interp.c. */
code_t rt_interp_handler(unsigned xop);

/* The module byte offset of the instruction containing code word `at`. */
uint32_t rt_code_offset(const struct rt_code *c, const code_t *at);

#endif
