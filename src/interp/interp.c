/* The interpreter loop: executes the slot code from lower.c. Dispatch is
 * direct-threaded (each instruction's first word is its handler's offset from
 * a base label) with a switch fallback. Calls push a frame record on wisp's
 * own frame array, never on the C stack, so deep recursion ends in the
 * "call stack exhausted" trap at the configured depth or stack size. A trap
 * leaves through one exit path that records the reason and the backtrace. */
#include <math.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "interp/code.h"
#include "runtime/numeric.h"
#include "runtime/tier.h"
#include "runtime/simd.h"

struct frame {
    const code_t *ip;     /* where the caller continues */
    union slot *fp;       /* the caller's frame */
    struct rt_func *func; /* the caller */
};

/* Zero a function's declared locals. An opaque zero keeps the compiler
 * from turning this short loop into a memset call, whose register spills
 * cost more than the few stores a typical function needs. */
static inline void zero_locals(union slot *fp, uint32_t from, uint32_t to)
{
    uint64_t z = 0;
    __asm__("" : "+r"(z));
    /* Frames have RT_ZERO_PAD slots of room past the locals (lower.c), so
     * the common case is straight-line stores with no loop. */
    fp[from].i64 = z;
    fp[from + 1].i64 = z;
    for (uint32_t i = from + 2; i < to; i++)
        fp[i].i64 = z;
}

/* Results are stored as whole 8-byte slots, zero-extended. A 4-byte store
 * followed by the 8-byte load that copies, returns or passes the slot cannot
 * be store-forwarded by the CPU and stalls for many cycles. */
static inline void put_f32(union slot *s, float f)
{
    uint32_t b;
    memcpy(&b, &f, 4);
    s->i64 = b;
}
#define SET_i32(s, v) ((s).i64 = (uint32_t)(v))
#define SET_f32(s, v) put_f32(&(s), (v))
#define SET_i64(s, v) ((s).i64 = (v))
#define SET_f64(s, v) ((s).f64 = (v))

static inline v128_t ldv(const union slot *s)
{
    v128_t v;
    memcpy(&v, s, 16);
    return v;
}
static inline void stv(union slot *s, v128_t v) { memcpy(s, &v, 16); }

/* ---- the handler lists (threaded dispatch builds its table from them) ---- */

/* The integer operations' types per width, for INT_ARITH and INT_CMPS. */
#define INT_TYPES_32 typedef uint32_t UT; typedef int32_t ST __attribute__((unused)); enum { W = 32 };
#define INT_TYPES_64 typedef uint64_t UT; typedef int64_t ST __attribute__((unused)); enum { W = 64 };
#define INT_ROTL(a, b) (W == 32 ? num_rotl32((uint32_t)(a), (uint32_t)(b)) : num_rotl64((a), (b)))
#define INT_ROTR(a, b) (W == 32 ? num_rotr32((uint32_t)(a), (uint32_t)(b)) : num_rotr64((a), (b)))
/* A constant operand: one word for i32, two for i64. */
#define IMM_32(k) ip[k]
#define IMM_64(k) (ip[k] | (uint64_t)ip[(k) + 1] << 32)

/* Unary operations: X(op, dst field, src type, src field, expr of a). */
#define UNOPS(X)                                                                               \
    X(OP_i32_eqz, i32, uint32_t, i32, a == 0) X(OP_i64_eqz, i32, uint64_t, i64, a == 0)        \
    X(OP_i32_clz, i32, uint32_t, i32, num_clz32(a)) X(OP_i32_ctz, i32, uint32_t, i32, num_ctz32(a))    \
    X(OP_i32_popcnt, i32, uint32_t, i32, num_popcnt32(a))                      \
    X(OP_i64_clz, i64, uint64_t, i64, num_clz64(a)) X(OP_i64_ctz, i64, uint64_t, i64, num_ctz64(a))    \
    X(OP_i64_popcnt, i64, uint64_t, i64, num_popcnt64(a))                    \
    X(OP_f32_abs, i32, uint32_t, i32, a & 0x7FFFFFFFu) X(OP_f32_neg, i32, uint32_t, i32, a ^ 0x80000000u) \
    X(OP_f64_abs, i64, uint64_t, i64, a & 0x7FFFFFFFFFFFFFFFull)                               \
    X(OP_f64_neg, i64, uint64_t, i64, a ^ 0x8000000000000000ull)                               \
    X(OP_f32_ceil, f32, float, f32, num_f32_ceil(a)) X(OP_f32_floor, f32, float, f32, num_f32_floor(a))      \
    X(OP_f32_trunc, f32, float, f32, num_f32_trunc(a)) X(OP_f32_nearest, f32, float, f32, num_f32_nearest(a)) \
    X(OP_f32_sqrt, f32, float, f32, num_f32_sqrt(a))                                                  \
    X(OP_f64_ceil, f64, double, f64, num_f64_ceil(a)) X(OP_f64_floor, f64, double, f64, num_f64_floor(a))      \
    X(OP_f64_trunc, f64, double, f64, num_f64_trunc(a)) X(OP_f64_nearest, f64, double, f64, num_f64_nearest(a)) \
    X(OP_f64_sqrt, f64, double, f64, num_f64_sqrt(a))                                                  \
    X(OP_i32_wrap_i64, i32, uint64_t, i64, (uint32_t)a)                                        \
    X(OP_i64_extend_i32_s, i64, uint32_t, i32, (uint64_t)(int64_t)(int32_t)a)                  \
    X(OP_i64_extend_i32_u, i64, uint32_t, i32, (uint64_t)a)                                    \
    X(OP_f32_convert_i32_s, f32, uint32_t, i32, (float)(int32_t)a)                             \
    X(OP_f32_convert_i32_u, f32, uint32_t, i32, (float)a)                                      \
    X(OP_f32_convert_i64_s, f32, uint64_t, i64, (float)(int64_t)a)                             \
    X(OP_f32_convert_i64_u, f32, uint64_t, i64, num_f32_convert_i64_u(a))                             \
    X(OP_f32_demote_f64, f32, double, f64, (float)a)                                           \
    X(OP_f64_convert_i32_s, f64, uint32_t, i32, (double)(int32_t)a)                            \
    X(OP_f64_convert_i32_u, f64, uint32_t, i32, (double)a)                                     \
    X(OP_f64_convert_i64_s, f64, uint64_t, i64, (double)(int64_t)a)                            \
    X(OP_f64_convert_i64_u, f64, uint64_t, i64, num_f64_convert_i64_u(a))                             \
    X(OP_f64_promote_f32, f64, float, f32, (double)a)                                          \
    X(OP_i32_reinterpret_f32, i32, uint32_t, i32, a) X(OP_i64_reinterpret_f64, i64, uint64_t, i64, a) \
    X(OP_f32_reinterpret_i32, i32, uint32_t, i32, a) X(OP_f64_reinterpret_i64, i64, uint64_t, i64, a) \
    X(OP_i32_extend8_s, i32, uint32_t, i32, (uint32_t)(int32_t)(int8_t)a)                      \
    X(OP_i32_extend16_s, i32, uint32_t, i32, (uint32_t)(int32_t)(int16_t)a)                    \
    X(OP_i64_extend8_s, i64, uint64_t, i64, (uint64_t)(int64_t)(int8_t)a)                      \
    X(OP_i64_extend16_s, i64, uint64_t, i64, (uint64_t)(int64_t)(int16_t)a)                    \
    X(OP_i64_extend32_s, i64, uint64_t, i64, (uint64_t)(int64_t)(int32_t)a)                    \
    X(OP_i32_trunc_sat_f32_s, i32, float, f32, (uint32_t)num_trunc_sat_f32_i32_s(a))           \
    X(OP_i32_trunc_sat_f32_u, i32, float, f32, (uint32_t)num_trunc_sat_f32_i32_u(a))           \
    X(OP_i32_trunc_sat_f64_s, i32, double, f64, (uint32_t)num_trunc_sat_f64_i32_s(a))          \
    X(OP_i32_trunc_sat_f64_u, i32, double, f64, (uint32_t)num_trunc_sat_f64_i32_u(a))          \
    X(OP_i64_trunc_sat_f32_s, i64, float, f32, (uint64_t)num_trunc_sat_f32_i64_s(a))           \
    X(OP_i64_trunc_sat_f32_u, i64, float, f32, (uint64_t)num_trunc_sat_f32_i64_u(a))           \
    X(OP_i64_trunc_sat_f64_s, i64, double, f64, (uint64_t)num_trunc_sat_f64_i64_s(a))          \
    X(OP_i64_trunc_sat_f64_u, i64, double, f64, (uint64_t)num_trunc_sat_f64_i64_u(a))

/* Float binary operations: X(op, type, field, result field, expr). */
#define FBINOPS(X)                                                                             \
    X(OP_f32_add, float, f32, f32, a + b) X(OP_f32_sub, float, f32, f32, a - b)                \
    X(OP_f32_mul, float, f32, f32, a * b) X(OP_f32_div, float, f32, f32, a / b)                \
    X(OP_f32_min, float, f32, f32, num_f32_min(a, b)) X(OP_f32_max, float, f32, f32, num_f32_max(a, b)) \
    X(OP_f64_add, double, f64, f64, a + b) X(OP_f64_sub, double, f64, f64, a - b)              \
    X(OP_f64_mul, double, f64, f64, a * b) X(OP_f64_div, double, f64, f64, a / b)              \
    X(OP_f64_min, double, f64, f64, num_f64_min(a, b)) X(OP_f64_max, double, f64, f64, num_f64_max(a, b)) \
    X(OP_f32_eq, float, f32, i32, a == b) X(OP_f32_ne, float, f32, i32, a != b)                \
    X(OP_f32_lt, float, f32, i32, a < b) X(OP_f32_gt, float, f32, i32, a > b)                  \
    X(OP_f32_le, float, f32, i32, a <= b) X(OP_f32_ge, float, f32, i32, a >= b)                \
    X(OP_f64_eq, double, f64, i32, a == b) X(OP_f64_ne, double, f64, i32, a != b)              \
    X(OP_f64_lt, double, f64, i32, a < b) X(OP_f64_gt, double, f64, i32, a > b)                \
    X(OP_f64_le, double, f64, i32, a <= b) X(OP_f64_ge, double, f64, i32, a >= b)

/* Stores: X(op, bytes, memory type, slot field). */
/* LOADS(X) lives in code.h: the compiler fuses address arithmetic into them. */
#define STORES(X)                                                                              \
    X(OP_i32_store, 4, uint32_t, i32) X(OP_i64_store, 8, uint64_t, i64)                        \
    X(OP_f32_store, 4, uint32_t, i32) X(OP_f64_store, 8, uint64_t, i64)                        \
    X(OP_i32_store8, 1, uint8_t, i32) X(OP_i32_store16, 2, uint16_t, i32)                      \
    X(OP_i64_store8, 1, uint8_t, i64) X(OP_i64_store16, 2, uint16_t, i64)                      \
    X(OP_i64_store32, 4, uint32_t, i64)

/* Everything else, written out by hand below. */
#define MISC_OPS(X)                                                                            \
    X(OP_unreachable) X(XOP_copy) X(XOP_copies) X(XOP_copy2) X(XOP_const32) X(XOP_const64) X(XOP_const128)  \
    X(XOP_br) X(XOP_br_nz) X(XOP_br_z) X(XOP_br_table) X(XOP_ret) X(XOP_ret1) X(XOP_call)     \
    X(XOP_call_indirect) X(XOP_return_call) X(XOP_return_call_indirect) X(XOP_call_ref)       \
    X(XOP_return_call_ref) X(XOP_br_null) X(XOP_br_nonnull) X(OP_ref_as_non_null) X(XOP_halt) X(XOP_check) X(XOP_hot) X(XOP_native) X(OP_select) X(XOP_select2) X(OP_global_get)             \
    X(OP_global_set) X(XOP_global_get2) X(XOP_global_set2) X(OP_table_get) X(OP_table_set)    \
    X(OP_table_size) X(OP_table_grow) X(OP_table_fill) X(OP_table_copy) X(OP_table_init)      \
    X(OP_elem_drop) X(OP_memory_size) X(OP_memory_grow) X(OP_memory_fill) X(OP_memory_copy)   \
    X(OP_memory_init) X(OP_data_drop) X(OP_ref_is_null)                                       \
    X(XOP_memory_use) X(XOP_memory_use0) X(XOP_memory_copy_between)                           \
    X(XOP_ea64) X(XOP_clamp64) X(XOP_fail64) X(XOP_memory_fill64)                               \
    X(XOP_memory_init64) X(XOP_throw) X(XOP_throw_ref)                                         \
    X(OP_i32_div_s) X(OP_i32_div_u) X(OP_i32_rem_s) X(OP_i32_rem_u)                           \
    X(OP_i64_div_s) X(OP_i64_div_u) X(OP_i64_rem_s) X(OP_i64_rem_u)                           \
    X(OP_f32_copysign) X(OP_f64_copysign)                                                     \
    X(OP_i32_trunc_f32_s) X(OP_i32_trunc_f32_u) X(OP_i32_trunc_f64_s) X(OP_i32_trunc_f64_u)   \
    X(OP_i64_trunc_f32_s) X(OP_i64_trunc_f32_u) X(OP_i64_trunc_f64_s) X(OP_i64_trunc_f64_u)   \
    X(OP_v128_load) X(OP_v128_store) X(OP_v128_load8x8_s) X(OP_v128_load8x8_u)                \
    X(OP_v128_load16x4_s) X(OP_v128_load16x4_u) X(OP_v128_load32x2_s) X(OP_v128_load32x2_u)   \
    X(OP_v128_load8_splat) X(OP_v128_load16_splat) X(OP_v128_load32_splat)                    \
    X(OP_v128_load64_splat) X(OP_v128_load32_zero) X(OP_v128_load64_zero)                     \
    X(OP_v128_load8_lane) X(OP_v128_load16_lane) X(OP_v128_load32_lane) X(OP_v128_load64_lane) \
    X(OP_v128_store8_lane) X(OP_v128_store16_lane) X(OP_v128_store32_lane)                    \
    X(OP_v128_store64_lane) X(OP_i8x16_shuffle)

#if WISP_THREADED
#define CASE(x) L_##x:
#define DISPATCH() goto *(const void *)(base + (int32_t)*ip)
#else
#define CASE(x) case x:
#define DISPATCH() goto dispatch
#endif
#define NEXT(n) do { ip += (n); DISPATCH(); } while (0)
#define S(i) fp[ip[i]]
#define TRAP(k) do { trap = (k); goto trap_exit; } while (0)
/* A bulk memory or table operation (runtime/bulk.c): 0 or a trap reason. */
#define BULK(call) \
    do { uint32_t bulk_trap_ = (call); if (UNLIKELY(bulk_trap_)) TRAP(bulk_trap_); } while (0)
/* Effective address of an access of n bytes: address slot, offset word. */
#define EA(ea, aslot, offw, n)                                                 \
    uint64_t ea = (uint64_t)S(aslot).i32 + ip[offw];                           \
    if (UNLIKELY(ea + (n) > mem_size)) TRAP(TRAP_OOB_MEMORY)

/* Switch the per-instance registers when control enters another instance. */
#define LOAD_INSTANCE(i)                                                         \
    do {                                                                         \
        inst = (i);                                                              \
        memobj = inst->module->nmemories ? inst->memories[0] : &no_memory;      \
        mem = memobj->data;                                                      \
        mem_size = memobj->size;                                                 \
    } while (0)

static void trace_host(struct rt_store *s, struct rt_func *f);

/* ---- exceptions: the search across frames (handlers.c searches one) ---- */

/* Where a caught exception continues: the frame, and the clause. */
struct catch_point {
    struct frame *frp;    /* the frame records still in use */
    union slot *fp;
    struct rt_func *func;
    const struct rt_catch *k;
};

/* Look for a handler of s->exn from code position `at` of func's frame fp
 * outwards through the callers, down to this activation's entry frame
 * (frames0); skip_first skips func's own handlers (the exception came out
 * of native code running for func, or of a host function that func
 * tail-called). Nothing is changed: on failure the trap path records the
 * frames as they are. Out of line and cold: only a throw comes here. */
static __attribute__((noinline, cold)) bool find_catch(struct rt_store *s, struct frame *frames0, struct frame *frp,
                                                       struct rt_func *func, union slot *fp, const code_t *at,
                                                       bool skip_first, struct catch_point *out)
{
    for (;;) {
        const struct rt_code *c = func->code;
        if (!skip_first && c && c->nhandlers) {
            const struct rt_catch *k = rt_code_find_catch(c, func->inst, (uint32_t)(at - c->start), s->exn);
            if (k) {
                *out = (struct catch_point){frp, fp, func, k};
                return true;
            }
        }
        skip_first = false;
        /* frp[-1] records how func was called; the entry record returns to
         * the host, where the search ends. Calls on the frame array are
         * never tail calls (those replace the frame), so every caller's
         * handlers count. */
        struct frame *fr = frp - 1;
        if (fr == frames0)
            return false;
        frp = fr;
        at = fr->ip - 1;
        fp = fr->fp;
        func = fr->func;
    }
}

/* Hand the exception to clause k in frame fp: the payload into its slots,
 * the exnref where it goes; an exception no reference can reach any more
 * is freed. */
static __attribute__((noinline, cold)) void deliver(struct rt_store *s, union slot *fp, const struct rt_catch *k)
{
    struct rt_exception *e = s->exn;
    if (k->tag != UINT32_MAX) /* catch_all takes no payload, and has no room for one */
        memcpy(fp + k->slot, e->payload, e->tag->nslots * sizeof *fp);
    s->exn = NULL;
    s->trap = TRAP_NONE;
    if (k->ref_slot != UINT32_MAX) {
        fp[k->ref_slot].ref = e;
        e->exposed = true;
    } else {
        rt_exception_caught(s, e);
    }
}

/* Whether the instruction at ip is a tail call (its callee's exception
 * does not pass through this function's handlers). */
static bool is_tail_call(const code_t *ip)
{
    return *ip == rt_interp_handler(XOP_return_call) || *ip == rt_interp_handler(XOP_return_call_indirect) ||
           *ip == rt_interp_handler(XOP_return_call_ref);
}

/* Lower a function on its first call; false with the reason in the store
 * (lowering a validated function fails only on a limit or out of memory). */
static __attribute__((noinline)) bool lower_on_call(struct rt_store *s, struct rt_func *f)
{
    struct wisp_error err;
    if (rt_lower_func(f, &err))
        return true;
    s->trap = TRAP_HOST;
    snprintf(s->trap_message, sizeof s->trap_message, "%s", err.message);
    return false;
}

void rt_interp_trace(struct rt_store *s, uint32_t depth)
{
    const struct frame *frames = s->exec.frames;
    for (uint32_t k = depth; k-- > 0 && s->ntrace < RT_TRACE_MAX;) {
        /* An entry record (it returns to halt) stands for no caller. */
        if (frames[k].ip == (const code_t *)s->exec.halt)
            continue;
        VEC_GROW(s->trace, s->ntrace, s->trace_cap);
        s->trace[s->ntrace++] = (struct rt_trace_frame){frames[k].func,
                                                        rt_code_offset(frames[k].func->code, frames[k].ip - 1)};
    }
}

/* The profiler's sample at a check point: func at ip, then the frames
 * below (depth records in use). Out of line: it is rare. */
static __attribute__((noinline, cold)) void sample(struct rt_store *s, struct rt_func *func, const code_t *ip,
                                                    uint32_t depth)
{
    s->sample_due = false;
    size_t base = s->ntrace;
    VEC_GROW(s->trace, s->ntrace, s->trace_cap);
    s->trace[s->ntrace++] = (struct rt_trace_frame){func, rt_code_offset(func->code, ip)};
    rt_interp_trace(s, depth);
    rt_profile_take(s, base);
}

/* Runs f, whose arguments are in fp, until it returns (true) or traps
 * (false, with s->trap and the backtrace set). With word_out set, only
 * reports the handler word for xop `query` instead. */
static bool interp(struct rt_store *s, struct rt_func *f, union slot *fp, unsigned query, code_t *word_out)
{
#if WISP_THREADED
    /* Each handler as its distance from L_invalid, as the code words hold
     * it (0, L_invalid itself, for the xops without one). Distances, unlike
     * addresses, need no relocation when a position-independent wisp starts. */
#define LABEL_OF(x, ...) [x] = &&L_##x - &&L_invalid,
    static const int32_t labels[XOP_COUNT] = {
#define LABEL_OF_ARITH(n, ...) LABEL_OF(OP_i32_##n) LABEL_OF(OP_i64_##n) LABEL_OF(XOP_i32_##n##_imm) \
                               LABEL_OF(XOP_i64_##n##_imm)
#define LABEL_OF_CMP(n, ...) LABEL_OF_ARITH(n) LABEL_OF(XOP_br_i32_##n) LABEL_OF(XOP_br_i32_##n##_imm) \
                             LABEL_OF(XOP_br_i64_##n)
        INT_ARITH(LABEL_OF_ARITH) INT_CMPS(LABEL_OF_CMP)
#undef LABEL_OF_CMP
#undef LABEL_OF_ARITH
        UNOPS(LABEL_OF) FBINOPS(LABEL_OF) LOADS(LABEL_OF) STORES(LABEL_OF)
        MISC_OPS(LABEL_OF)
#define LABEL_OF_LOADA(x, ...) LABEL_OF(XOP_##x##_add) LABEL_OF(XOP_##x##_addi)
        LOADS(LABEL_OF_LOADA)
#undef LABEL_OF_LOADA
#define LABEL_OF_SHIFT(o, sh) LABEL_OF(XOP_i32_##o##_##sh)
        XOP_SHIFT_FUSIONS(LABEL_OF_SHIFT)
#undef LABEL_OF_SHIFT
#define LABEL_OF_FLOAD(o) LABEL_OF(XOP_f64_##o##_load)
        XOP_LOAD_FUSIONS(LABEL_OF_FLOAD)
#undef LABEL_OF_FLOAD
#define SIMD_UN(id) LABEL_OF(OP_##id)
#define SIMD_BIN SIMD_UN
#define SIMD_TER SIMD_UN
#define SIMD_SHIFT SIMD_UN
#define SIMD_TEST SIMD_UN
#define SIMD_SPLAT(id, t) SIMD_UN(id)
#define SIMD_EXTRACT(id, t) SIMD_UN(id)
#define SIMD_REPLACE(id, t) SIMD_UN(id)
#include "runtime/simd_ops.def"
#undef SIMD_UN
#undef SIMD_BIN
#undef SIMD_TER
#undef SIMD_SHIFT
#undef SIMD_TEST
#undef SIMD_SPLAT
#undef SIMD_EXTRACT
#undef SIMD_REPLACE
    };
#undef LABEL_OF
    const char *base = (const char *)&&L_invalid;
    if (word_out) {
        *word_out = (code_t)(query < XOP_COUNT ? labels[query] : 0);
        return true;
    }
#else
    if (word_out) {
        *word_out = query;
        return true;
    }
#endif

    /* Stands in for the memory of instances that have none, so reloading
     * the size after a call needs no test. Never written. */
    struct rt_memory no_memory = {0};
    struct frame *frames = s->exec.frames;
    /* frp is the next free frame record; frames0 is this call's entry. */
    struct frame *const frames0 = frames + s->exec.depth;
    struct frame *const frames_end = frames + s->exec.max_depth;
    struct frame *frp = frames0;
    union slot *const stack_end = s->exec.stack + s->exec.stack_slots;
    struct rt_instance *inst;
    const struct rt_memory *memobj;
    uint8_t *mem;
    uint64_t mem_size;
    struct rt_func *func = f, *callee;
    union slot *nfp;
    const code_t *ip, *ret_ip;
    void (*native_entry)(void *, struct rt_instance *, union slot *);
    enum rt_trap trap = TRAP_NONE;
    bool skip_first, native_here; /* where an exception's search starts (throw_search) */

    LOAD_INSTANCE(f->inst);
    /* The entry frame returns to the halt instruction. */
    *frp++ = (struct frame){(const code_t *)s->exec.halt, fp, f};
    zero_locals(fp, f->code->nparam_slots, f->code->nlocal_slots);
    ip = f->code->start;

#if WISP_THREADED
    DISPATCH();
#else
dispatch:
    switch (*ip) {
#endif

/* Integer operations for width w: slot operands, constant right operand,
 * and (comparisons) compare-and-branch. */
#define DO_ARITH(w, n, expr)                                                              \
    CASE(OP_i##w##_##n) { INT_TYPES_##w UT a = S(2).i##w, b = S(3).i##w; SET_i##w(S(1), expr); NEXT(4); } \
    CASE(XOP_i##w##_##n##_imm) { INT_TYPES_##w UT a = S(2).i##w, b = IMM_##w(3); SET_i##w(S(1), expr); \
                                 NEXT(3 + W / 32); }
#define DO_CMP(w, n, expr)                                                                \
    CASE(OP_i##w##_##n) { INT_TYPES_##w UT a = S(2).i##w, b = S(3).i##w; SET_i32(S(1), expr); NEXT(4); } \
    CASE(XOP_i##w##_##n##_imm) { INT_TYPES_##w UT a = S(2).i##w, b = IMM_##w(3); SET_i32(S(1), expr); \
                                 NEXT(3 + W / 32); }                                       \
    CASE(XOP_br_i##w##_##n) { INT_TYPES_##w UT a = S(1).i##w, b = S(2).i##w;               \
                              if (expr) { ip += (int32_t)ip[3]; DISPATCH(); } NEXT(4); }
#define DO_ARITH32(n, expr) DO_ARITH(32, n, expr)
#define DO_ARITH64(n, expr) DO_ARITH(64, n, expr)
#define DO_CMP32(n, expr) DO_CMP(32, n, expr)                                             \
    CASE(XOP_br_i32_##n##_imm) { INT_TYPES_32 UT a = S(1).i32, b = ip[2];                  \
                                 if (expr) { ip += (int32_t)ip[3]; DISPATCH(); } NEXT(4); }
#define DO_CMP64(n, expr) DO_CMP(64, n, expr)
#define DO_UN(op, dfield, T, sfield, expr) CASE(op) { T a = S(2).sfield; SET_##dfield(S(1), expr); NEXT(3); }
#define DO_FBIN(op, T, field, rfield, expr) CASE(op) { T a = S(2).field, b = S(3).field; SET_##rfield(S(1), expr); NEXT(4); }
#define DO_LOAD(op, n, MT, field, ST) CASE(op) { EA(ea, 2, 3, n); MT v; memcpy(&v, mem + ea, n); SET_##field(S(1), (ST)v); NEXT(4); }
#define DO_STORE(op, n, MT, field) CASE(op) { EA(ea, 1, 3, n); MT v = (MT)S(2).field; memcpy(mem + ea, &v, n); NEXT(4); }

    INT_ARITH(DO_ARITH32)
    INT_ARITH(DO_ARITH64)
    INT_CMPS(DO_CMP32)
    INT_CMPS(DO_CMP64)
    UNOPS(DO_UN)
    FBINOPS(DO_FBIN)
    LOADS(DO_LOAD)
    STORES(DO_STORE)
    /* Loads whose address is a sum: (a + b) or (a + imm), wrapped to 32 bits
     * as the separate i32.add would, then the offset added in 64 bits. */
#define DO_LOADA(op, n, MT, field, ST) CASE(XOP_##op##_add) {                   \
        uint64_t ea = (uint64_t)(uint32_t)(S(2).i32 + S(3).i32) + ip[4];           \
        if (UNLIKELY(ea + (n) > mem_size)) TRAP(TRAP_OOB_MEMORY);                 \
        MT v; memcpy(&v, mem + ea, n); SET_##field(S(1), (ST)v); NEXT(5); }             \
    CASE(XOP_##op##_addi) {                                                        \
        uint64_t ea = (uint64_t)(uint32_t)(S(2).i32 + ip[3]) + ip[4];              \
        if (UNLIKELY(ea + (n) > mem_size)) TRAP(TRAP_OOB_MEMORY);                 \
        MT v; memcpy(&v, mem + ea, n); SET_##field(S(1), (ST)v); NEXT(5); }
    LOADS(DO_LOADA)
    /* An operation on a shifted or rotated value, and f64 arithmetic on a
     * loaded value: two wasm instructions, one dispatch. */
#define SHIFT_rotl(x, k) num_rotl32(x, k)
#define SHIFT_shl(x, k) ((x) << ((k) & 31))
#define SHIFT_shr_u(x, k) ((x) >> ((k) & 31))
#define BINOP_add(a, b) ((a) + (b))
#define BINOP_xor(a, b) ((a) ^ (b))
#define BINOP_or(a, b) ((a) | (b))
#define BINOP_and(a, b) ((a) & (b))
#define DO_SHIFTF(o, sh) CASE(XOP_i32_##o##_##sh) {                                 \
        uint32_t a = S(2).i32, x = S(3).i32;                                        \
        SET_i32(S(1), BINOP_##o(a, SHIFT_##sh(x, ip[4])));                          \
        NEXT(5); }
    XOP_SHIFT_FUSIONS(DO_SHIFTF)
#define FOP_add(a, b) ((a) + (b))
#define FOP_sub(a, b) ((a) - (b))
#define FOP_mul(a, b) ((a) * (b))
#define DO_FLOAD(o) CASE(XOP_f64_##o##_load) {                                      \
        EA(ea, 3, 4, 8);                                                            \
        double a = S(2).f64, b;                                                     \
        memcpy(&b, mem + ea, 8);                                                    \
        S(1).f64 = FOP_##o(a, b);                                                   \
        NEXT(5); }
    XOP_LOAD_FUSIONS(DO_FLOAD)
    CASE(XOP_copies) {
        const code_t *p = ip + 2, *e = p + 2 * ip[1];
        for (; p < e; p += 2)
            fp[p[0]] = fp[p[1]];
        ip = e;
        DISPATCH();
    }

    /* SIMD: pure operations from simd.h. */
#define SIMD_UN(id) CASE(OP_##id) { stv(&S(1), simd_##id(ldv(&S(2)))); NEXT(3); }
#define SIMD_BIN(id) CASE(OP_##id) { stv(&S(1), simd_##id(ldv(&S(2)), ldv(&S(3)))); NEXT(4); }
#define SIMD_TER(id) CASE(OP_##id) { stv(&S(1), simd_##id(ldv(&S(2)), ldv(&S(3)), ldv(&S(4)))); NEXT(5); }
#define SIMD_SHIFT(id) CASE(OP_##id) { stv(&S(1), simd_##id(ldv(&S(2)), S(3).i32)); NEXT(4); }
#define SIMD_TEST(id) CASE(OP_##id) { SET_i32(S(1), simd_##id(ldv(&S(2)))); NEXT(3); }
#define SIMD_SPLAT(id, T) CASE(OP_##id) { T x; memcpy(&x, &S(2), sizeof x); stv(&S(1), simd_##id(x)); NEXT(3); }
#define SIMD_EXTRACT(id, T) CASE(OP_##id) { T r = simd_##id(ldv(&S(2)), ip[3]); union slot o = {.i64 = 0}; memcpy(&o, &r, sizeof r); S(1) = o; NEXT(4); }
#define SIMD_REPLACE(id, T) CASE(OP_##id) { T x; memcpy(&x, &S(3), sizeof x); stv(&S(1), simd_##id(ldv(&S(2)), x, ip[4])); NEXT(5); }
#include "runtime/simd_ops.def"

    CASE(OP_v128_load) { EA(ea, 2, 3, 16); v128_t v; memcpy(&v, mem + ea, 16); stv(&S(1), v); NEXT(4); }
    CASE(OP_v128_store) { EA(ea, 1, 3, 16); memcpy(mem + ea, &S(2), 16); NEXT(4); }
#define DO_LOADX(op, fn) CASE(op) { EA(ea, 2, 3, 8); uint64_t v; memcpy(&v, mem + ea, 8); stv(&S(1), fn(v)); NEXT(4); }
    DO_LOADX(OP_v128_load8x8_s, simd_load8x8_s)
    DO_LOADX(OP_v128_load8x8_u, simd_load8x8_u)
    DO_LOADX(OP_v128_load16x4_s, simd_load16x4_s)
    DO_LOADX(OP_v128_load16x4_u, simd_load16x4_u)
    DO_LOADX(OP_v128_load32x2_s, simd_load32x2_s)
    DO_LOADX(OP_v128_load32x2_u, simd_load32x2_u)
#define DO_SPLATLOAD(op, n, MT, CT, fn) CASE(op) { EA(ea, 2, 3, n); MT v; memcpy(&v, mem + ea, n); stv(&S(1), fn((CT)v)); NEXT(4); }
    DO_SPLATLOAD(OP_v128_load8_splat, 1, uint8_t, uint32_t, simd_i8x16_splat)
    DO_SPLATLOAD(OP_v128_load16_splat, 2, uint16_t, uint32_t, simd_i16x8_splat)
    DO_SPLATLOAD(OP_v128_load32_splat, 4, uint32_t, uint32_t, simd_i32x4_splat)
    DO_SPLATLOAD(OP_v128_load64_splat, 8, uint64_t, uint64_t, simd_i64x2_splat)
#define DO_LOADZERO(op, n) CASE(op) { EA(ea, 2, 3, n); v128_t v; memset(&v, 0, 16); memcpy(&v, mem + ea, n); stv(&S(1), v); NEXT(4); }
    DO_LOADZERO(OP_v128_load32_zero, 4)
    DO_LOADZERO(OP_v128_load64_zero, 8)
#define DO_LOADLANE(op, n) CASE(op) { EA(ea, 2, 4, n); v128_t v = ldv(&S(3)); memcpy(&v.u8[ip[5] * n], mem + ea, n); stv(&S(1), v); NEXT(6); }
    DO_LOADLANE(OP_v128_load8_lane, 1)
    DO_LOADLANE(OP_v128_load16_lane, 2)
    DO_LOADLANE(OP_v128_load32_lane, 4)
    DO_LOADLANE(OP_v128_load64_lane, 8)
#define DO_STORELANE(op, n) CASE(op) { EA(ea, 1, 3, n); v128_t v = ldv(&S(2)); memcpy(mem + ea, &v.u8[ip[4] * n], n); NEXT(5); }
    DO_STORELANE(OP_v128_store8_lane, 1)
    DO_STORELANE(OP_v128_store16_lane, 2)
    DO_STORELANE(OP_v128_store32_lane, 4)
    DO_STORELANE(OP_v128_store64_lane, 8)
    CASE(OP_i8x16_shuffle) {
        uint8_t lanes[16];
        memcpy(lanes, ip + 4, 16);
        stv(&S(1), simd_i8x16_shuffle(ldv(&S(2)), ldv(&S(3)), lanes));
        NEXT(8);
    }

    /* Integer division and float bits. */
    CASE(OP_i32_div_s) {
        int32_t a = (int32_t)S(2).i32, b = (int32_t)S(3).i32;
        if (UNLIKELY(b == 0)) TRAP(TRAP_DIV_ZERO);
        if (UNLIKELY(a == INT32_MIN && b == -1)) TRAP(TRAP_INT_OVERFLOW);
        SET_i32(S(1), (uint32_t)(a / b));
        NEXT(4);
    }
    CASE(OP_i32_div_u) {
        uint32_t a = S(2).i32, b = S(3).i32;
        if (UNLIKELY(b == 0)) TRAP(TRAP_DIV_ZERO);
        SET_i32(S(1), a / b);
        NEXT(4);
    }
    CASE(OP_i32_rem_s) {
        int32_t a = (int32_t)S(2).i32, b = (int32_t)S(3).i32;
        if (UNLIKELY(b == 0)) TRAP(TRAP_DIV_ZERO);
        SET_i32(S(1), b == -1 ? 0 : (uint32_t)(a % b));
        NEXT(4);
    }
    CASE(OP_i32_rem_u) {
        uint32_t a = S(2).i32, b = S(3).i32;
        if (UNLIKELY(b == 0)) TRAP(TRAP_DIV_ZERO);
        SET_i32(S(1), a % b);
        NEXT(4);
    }
    CASE(OP_i64_div_s) {
        int64_t a = (int64_t)S(2).i64, b = (int64_t)S(3).i64;
        if (UNLIKELY(b == 0)) TRAP(TRAP_DIV_ZERO);
        if (UNLIKELY(a == INT64_MIN && b == -1)) TRAP(TRAP_INT_OVERFLOW);
        S(1).i64 = (uint64_t)(a / b);
        NEXT(4);
    }
    CASE(OP_i64_div_u) {
        uint64_t a = S(2).i64, b = S(3).i64;
        if (UNLIKELY(b == 0)) TRAP(TRAP_DIV_ZERO);
        S(1).i64 = a / b;
        NEXT(4);
    }
    CASE(OP_i64_rem_s) {
        int64_t a = (int64_t)S(2).i64, b = (int64_t)S(3).i64;
        if (UNLIKELY(b == 0)) TRAP(TRAP_DIV_ZERO);
        S(1).i64 = b == -1 ? 0 : (uint64_t)(a % b);
        NEXT(4);
    }
    CASE(OP_i64_rem_u) {
        uint64_t a = S(2).i64, b = S(3).i64;
        if (UNLIKELY(b == 0)) TRAP(TRAP_DIV_ZERO);
        S(1).i64 = a % b;
        NEXT(4);
    }
    CASE(OP_f32_copysign) { SET_i32(S(1), (S(2).i32 & 0x7FFFFFFFu) | (S(3).i32 & 0x80000000u)); NEXT(4); }
    CASE(OP_f64_copysign) {
        S(1).i64 = (S(2).i64 & 0x7FFFFFFFFFFFFFFFull) | (S(3).i64 & 0x8000000000000000ull);
        NEXT(4);
    }
#define DO_TRUNC(op, FT, ffield, IT, ifield, fn)                              \
    CASE(op) {                                                                \
        IT r;                                                                 \
        int st = fn(S(2).ffield, &r);                                         \
        if (UNLIKELY(st)) TRAP(st == 1 ? TRAP_INT_OVERFLOW : TRAP_INVALID_CONV); \
        SET_##ifield(S(1), r);                                                      \
        NEXT(3);                                                              \
    }
    DO_TRUNC(OP_i32_trunc_f32_s, float, f32, int32_t, i32, num_trunc_f32_i32_s)
    DO_TRUNC(OP_i32_trunc_f32_u, float, f32, uint32_t, i32, num_trunc_f32_i32_u)
    DO_TRUNC(OP_i32_trunc_f64_s, double, f64, int32_t, i32, num_trunc_f64_i32_s)
    DO_TRUNC(OP_i32_trunc_f64_u, double, f64, uint32_t, i32, num_trunc_f64_i32_u)
    DO_TRUNC(OP_i64_trunc_f32_s, float, f32, int64_t, i64, num_trunc_f32_i64_s)
    DO_TRUNC(OP_i64_trunc_f32_u, float, f32, uint64_t, i64, num_trunc_f32_i64_u)
    DO_TRUNC(OP_i64_trunc_f64_s, double, f64, int64_t, i64, num_trunc_f64_i64_s)
    DO_TRUNC(OP_i64_trunc_f64_u, double, f64, uint64_t, i64, num_trunc_f64_i64_u)

    /* Moves and constants. */
    CASE(XOP_copy) { S(1) = S(2); NEXT(3); }
    CASE(XOP_copy2) { union slot a = S(2), b = fp[ip[2] + 1]; S(1) = a; fp[ip[1] + 1] = b; NEXT(3); }
    CASE(XOP_const32) { SET_i32(S(1), ip[2]); NEXT(3); }
    CASE(XOP_const64) { S(1).i64 = ip[2] | (uint64_t)ip[3] << 32; NEXT(4); }
    CASE(XOP_const128) {
        S(1).i64 = ip[2] | (uint64_t)ip[3] << 32;
        fp[ip[1] + 1].i64 = ip[4] | (uint64_t)ip[5] << 32;
        NEXT(6);
    }
    CASE(OP_select) { S(1) = S(4).i32 ? S(2) : S(3); NEXT(5); }
    CASE(XOP_select2) {
        uint32_t src = S(4).i32 ? ip[2] : ip[3];
        union slot a = fp[src], b = fp[src + 1];
        S(1) = a;
        fp[ip[1] + 1] = b;
        NEXT(5);
    }
    CASE(OP_global_get) { S(1) = inst->globals[ip[2]]->val[0]; NEXT(3); }
    CASE(OP_global_set) { inst->globals[ip[2]]->val[0] = S(1); NEXT(3); }
    CASE(XOP_global_get2) {
        struct rt_global *g = inst->globals[ip[2]];
        S(1) = g->val[0];
        fp[ip[1] + 1] = g->val[1];
        NEXT(3);
    }
    CASE(XOP_global_set2) {
        struct rt_global *g = inst->globals[ip[2]];
        g->val[0] = S(1);
        g->val[1] = fp[ip[1] + 1];
        NEXT(3);
    }
    CASE(OP_ref_is_null) { SET_i32(S(1), S(2).ref == NULL); NEXT(3); }
    CASE(OP_ref_as_non_null) {
        if (UNLIKELY(!S(2).ref)) TRAP(TRAP_NULL_REF);
        S(1) = S(2);
        NEXT(3);
    }

    /* Branches. */
    CASE(XOP_br) { ip += (int32_t)ip[1]; DISPATCH(); }
    CASE(XOP_br_nz) { if (S(1).i32) { ip += (int32_t)ip[2]; DISPATCH(); } NEXT(3); }
    CASE(XOP_br_z) { if (!S(1).i32) { ip += (int32_t)ip[2]; DISPATCH(); } NEXT(3); }
    CASE(XOP_br_null) { if (!S(1).ref) { ip += (int32_t)ip[2]; DISPATCH(); } NEXT(3); }
    CASE(XOP_br_nonnull) { if (S(1).ref) { ip += (int32_t)ip[2]; DISPATCH(); } NEXT(3); }
    CASE(XOP_br_table) {
        uint32_t i = S(1).i32, n = ip[2];
        ip += (int32_t)ip[3 + (i < n ? i : n)];
        DISPATCH();
    }

    /* Calls and returns. */
    CASE(XOP_call) {
        callee = inst->funcs[ip[1]];
        nfp = fp + ip[2];
        ret_ip = ip + 3;
        goto do_call;
    }
    /* typeid table idx base: the checked callee, its frame and return. */
#define INDIRECT_CALLEE()                                                          \
    do {                                                                           \
        struct rt_table *t_ = inst->tables[ip[2]];                                 \
        uint32_t i_ = S(3).i32;                                                    \
        if (UNLIKELY(i_ >= t_->size)) TRAP(TRAP_UNDEFINED_ELEM);                   \
        callee = t_->elems[i_];                                                    \
        if (UNLIKELY(!callee)) TRAP(TRAP_UNINIT_ELEM);                             \
        if (UNLIKELY(callee->type_id != ip[1]) &&                                  \
            !rt_store_type_sub(s, callee->type_id, ip[1]))                         \
            TRAP(TRAP_INDIRECT_MISMATCH);                                          \
        nfp = fp + ip[4];                                                          \
        ret_ip = ip + 5;                                                           \
    } while (0)
    CASE(XOP_call_indirect) {
        INDIRECT_CALLEE();
        goto do_call;
    }
    CASE(XOP_return_call) {
        callee = inst->funcs[ip[1]];
        nfp = fp + ip[2];
        ret_ip = ip + 3;
        goto do_tail_call;
    }
    CASE(XOP_return_call_indirect) {
        INDIRECT_CALLEE();
        goto do_tail_call;
    }
#undef INDIRECT_CALLEE
    /* ref base: the function the reference is (null traps). */
#define REF_CALLEE()                                                               \
    do {                                                                           \
        callee = S(1).ref;                                                         \
        if (UNLIKELY(!callee)) TRAP(TRAP_NULL_FUNC);                               \
        nfp = fp + ip[2];                                                          \
        ret_ip = ip + 3;                                                           \
    } while (0)
    CASE(XOP_call_ref) {
        REF_CALLEE();
        goto do_call;
    }
    CASE(XOP_return_call_ref) {
        REF_CALLEE();
        goto do_tail_call;
    }
#undef REF_CALLEE
    CASE(XOP_ret1) { fp[0] = S(1); goto do_return; }
    CASE(XOP_ret) {
    do_return: {
        struct frame *fr = --frp;
        ip = fr->ip;
        fp = fr->fp;
        if (UNLIKELY(fr->func->inst != inst))
            LOAD_INSTANCE(fr->func->inst);
        func = fr->func;
        mem_size = memobj->size; /* the callee may have grown it */
        DISPATCH();
    }
    }
    CASE(XOP_halt) {
        return true;
    }

    /* Tables. */
    CASE(OP_table_get) {
        struct rt_table *t = inst->tables[ip[3]];
        uint32_t i = S(2).i32;
        if (UNLIKELY(i >= t->size)) TRAP(TRAP_OOB_TABLE);
        S(1).ref = t->elems[i];
        NEXT(4);
    }
    CASE(OP_table_set) {
        struct rt_table *t = inst->tables[ip[3]];
        uint32_t i = S(1).i32;
        if (UNLIKELY(i >= t->size)) TRAP(TRAP_OOB_TABLE);
        t->elems[i] = S(2).ref;
        NEXT(4);
    }
    CASE(OP_table_size) { SET_i32(S(1), inst->tables[ip[2]]->size); NEXT(3); }
    CASE(OP_table_grow) {
        int64_t r = rt_table_grow(inst->tables[ip[4]], S(3).i32, S(2).ref);
        SET_i32(S(1), (uint32_t)r);
        NEXT(5);
    }
    CASE(OP_table_fill) {
        BULK(rt_table_fill(s, inst->tables[ip[4]], S(1).i32, S(2).ref, S(3).i32));
        NEXT(5);
    }
    CASE(OP_table_copy) {
        BULK(rt_table_copy(s, inst->tables[ip[4]], inst->tables[ip[5]], S(1).i32, S(2).i32, S(3).i32));
        NEXT(6);
    }
    CASE(OP_table_init) {
        BULK(rt_table_init(s, inst->tables[ip[5]], &inst->elems[ip[4]], S(1).i32, S(2).i32, S(3).i32));
        NEXT(6);
    }
    CASE(OP_elem_drop) { inst->elems[ip[1]].count = 0; NEXT(2); }

    /* Memory. */
    CASE(OP_memory_size) { SET_i32(S(1), (uint32_t)(mem_size >> 16)); NEXT(2); }
    CASE(OP_memory_grow) {
        /* Validation guarantees a real memory here, never no_memory. */
        int64_t r = rt_memory_grow((struct rt_memory *)memobj, S(2).i32);
        SET_i32(S(1), (uint32_t)r);
        mem = memobj->data;
        mem_size = memobj->size;
        NEXT(3);
    }
    /* Memory 0 is the only one; validation guarantees a real memory. */
    CASE(OP_memory_fill) {
        BULK(rt_memory_fill(s, (struct rt_memory *)memobj, S(1).i32, (uint8_t)S(2).i32, S(3).i32));
        NEXT(4);
    }
    CASE(OP_memory_copy) {
        BULK(rt_memory_copy(s, (struct rt_memory *)memobj, memobj, S(1).i32, S(2).i32, S(3).i32));
        NEXT(4);
    }
    CASE(OP_memory_init) {
        BULK(rt_memory_init(s, (struct rt_memory *)memobj, &inst->datas[ip[4]], S(1).i32, S(2).i32, S(3).i32));
        NEXT(5);
    }
    CASE(OP_data_drop) { inst->datas[ip[1]].len = 0; NEXT(2); }
    /* Memories other than 0 (multi-memory): the lowering brackets an
     * instruction on memory k with these two, so every memory handler
     * above works on any memory and memory 0's cost nothing more. No
     * call, branch or check point comes between them. */
    CASE(XOP_memory_use) {
        memobj = inst->memories[ip[1]];
        mem = memobj->data;
        mem_size = memobj->size;
        NEXT(2);
    }
    CASE(XOP_memory_use0) {
        memobj = inst->memories[0];
        mem = memobj->data;
        mem_size = memobj->size;
        NEXT(1);
    }
    /* memory64: see code.h. After XOP_ea64 the registers describe n bytes
     * at the effective address as if they sat at the address's low 32 bits
     * in a memory of that size; the XOP_memory_use0 that follows the access
     * puts memory 0 back. */
    CASE(XOP_ea64) {
        uint64_t a = S(1).i64, off = (uint64_t)ip[2] | (uint64_t)ip[3] << 32, ea;
        if (UNLIKELY(__builtin_add_overflow(a, off, &ea) || ea > mem_size || mem_size - ea < ip[4]))
            TRAP(TRAP_OOB_MEMORY);
        uint32_t lo = (uint32_t)a;
        mem = (uint8_t *)((uintptr_t)memobj->data + (uintptr_t)ea - lo);
        mem_size = (uint64_t)lo + ip[4];
        NEXT(5);
    }
    CASE(XOP_clamp64) {
        uint64_t x = S(2).i64;
        S(1).i64 = x > UINT32_MAX ? UINT32_MAX : x;
        NEXT(3);
    }
    CASE(XOP_fail64) {
        if (S(1).i64 == UINT32_MAX)
            S(1).i64 = UINT64_MAX;
        NEXT(2);
    }
    CASE(XOP_memory_fill64) {
        BULK(rt_memory_fill(s, inst->memories[ip[4]], S(1).i64, (uint8_t)S(2).i32, S(3).i64));
        NEXT(5);
    }
    CASE(XOP_memory_init64) {
        BULK(rt_memory_init(s, inst->memories[ip[5]], &inst->datas[ip[4]], S(1).i64, S(2).i32, S(3).i32));
        NEXT(6);
    }
    CASE(XOP_memory_copy_between) {
        uint32_t w = ip[6];
        BULK(rt_memory_copy(s, inst->memories[ip[4]], inst->memories[ip[5]], w & 1 ? S(1).i64 : S(1).i32,
                            w & 2 ? S(2).i64 : S(2).i32, w & 4 ? S(3).i64 : S(3).i32));
        NEXT(7);
    }

    CASE(OP_unreachable) { TRAP(TRAP_UNREACHABLE); }

    /* Exceptions: a new one, or one an exnref points at (throw_ref, and
     * rethrow through its hidden slot). */
    CASE(XOP_throw) {
        s->exn = rt_exception_new(s, inst->tags[ip[1]], fp + ip[2]);
        goto throw_here;
    }
    CASE(XOP_throw_ref) {
        struct rt_exception *e = S(1).ref;
        if (UNLIKELY(!e))
            TRAP(TRAP_NULL_EXNREF);
        s->exn = e;
        goto throw_here;
    }

    /* A check point. Fuel is counted even when it is not metered (it then
     * starts at 2^62), so one compare covers fuel and interrupts. The fast
     * path is inline; everything else, the trap reason included, goes
     * through rt_check_slow and s->trap. (Raising the
     * trap here with a variable reason changed the register allocation of
     * the whole loop: loads and stores took 1-3% more instructions even in
     * code without check points. Measured with callgrind.) */
    CASE(XOP_check) {
        int64_t left = s->fuel - (int64_t)ip[1];
        if (UNLIKELY(left < 0 || atomic_load_explicit(&s->interrupt, memory_order_relaxed))) {
            if (!rt_check_slow(s, ip[1]))
                goto check_trap;
            if (s->sample_due)
                sample(s, func, ip, (uint32_t)(frp - frames));
            NEXT(2);
        }
        s->fuel = left;
        NEXT(2);
    }

    /* Tier-up. A countdown per function; at zero, tier_up.c requests
     * native code, and at a loop header hands back the loop's OSR entry
     * once it exists: the rest of this call then runs natively on this
     * frame, and its results come back in the frame's first slots. */
    CASE(XOP_hot) {
        if (LIKELY(--func->hot >= 0))
            NEXT(2);
        void (*entry)(void *, struct rt_instance *, union slot *) = rt_tier_hot(s, func, ip[1]);
        if (!entry)
            NEXT(2);
        native_entry = entry;
        goto run_native;
    }
    /* This function has native code now: run it with this frame. */
    CASE(XOP_native) {
        native_entry = NULL;
    run_native: {
        s->exec.top = (size_t)(fp + func->code->frame_slots - s->exec.stack);
        s->exec.depth = (uint32_t)(frp - frames);
        bool ok = native_entry ? rt_native_osr(s, func, native_entry, fp) : rt_native_call(s, func, fp);
        s->exec.depth = (uint32_t)(frames0 - frames);
        if (!ok) {
            /* The native frames, this function's among them, are in the
             * trace: continue with the caller's. An exception goes on to
             * the callers' handlers (native code has none). */
            trap = s->trap;
            if (trap == TRAP_EXCEPTION) {
                skip_first = native_here = true;
                goto throw_search;
            }
            goto trap_unwind_callers;
        }
        goto do_return;
    }
    }

#if WISP_THREADED
L_invalid:
#else
    default:
    }
#endif
    /* An instruction the compiler never emits. */
    TRAP(TRAP_UNREACHABLE);

do_call:
    /* Code tiered up after its function was lowered starts with
     * XOP_native, so this test covers the common case alone. */
    if (LIKELY(callee->code)) {
        const struct rt_code *code = callee->code;
        if (UNLIKELY(frp >= frames_end || nfp + code->frame_slots > stack_end)) {
            s->exhausted = frp >= frames_end ? EXH_DEPTH : EXH_STACK;
            TRAP(TRAP_STACK_EXHAUSTED);
        }
        *frp++ = (struct frame){ret_ip, fp, func};
        fp = nfp;
    enter_callee: /* fp is the callee's frame, its arguments in place */
        func = callee;
        zero_locals(fp, callee->code->nparam_slots, callee->code->nlocal_slots);
        if (UNLIKELY(callee->inst != inst))
            LOAD_INSTANCE(callee->inst);
        ip = callee->code->start;
        DISPATCH();
    }
    if (!callee->host && !callee->native_entry) {
        /* A wasm function's first call: lower it, then call it. */
        if (UNLIKELY(!lower_on_call(s, callee)))
            goto check_trap;
        goto do_call;
    }
    {
        /* A host function or compiled code: it runs on the C stack and may
         * call back into wasm above this frame. */
        uint32_t room = callee->nparam_slots > callee->nresult_slots ? callee->nparam_slots : callee->nresult_slots;
        if (UNLIKELY(frp >= frames_end || nfp + room > stack_end)) {
            s->exhausted = frp >= frames_end ? EXH_DEPTH : EXH_STACK;
            TRAP(TRAP_STACK_EXHAUSTED);
        }
        s->exec.top = (size_t)(nfp + room - s->exec.stack);
        s->exec.depth = (uint32_t)(frp - frames);
        bool ok;
        if (callee->native_entry) {
            ok = rt_native_call(s, callee, nfp);
        } else {
            struct rt_caller caller = {s, inst};
            s->trap = TRAP_NONE;
            ok = callee->host(&caller, callee->env, nfp);
        }
        s->exec.depth = (uint32_t)(frames0 - frames);
        if (!ok) {
            /* Native code has put its frames in the trace already. */
            trap = s->trap != TRAP_NONE ? s->trap : TRAP_HOST;
            if (trap == TRAP_EXCEPTION) {
                /* Passed on from the callee: the trace so far stays, and
                 * the search starts at this call. */
                if (!callee->native_entry && s->ntrace < RT_TRACE_MAX) {
                    VEC_GROW(s->trace, s->ntrace, s->trace_cap);
                    s->trace[s->ntrace++] = (struct rt_trace_frame){callee, UINT32_MAX};
                }
                skip_first = is_tail_call(ip);
                native_here = false;
                goto throw_search;
            }
            if (!callee->native_entry)
                trace_host(s, callee);
            goto trap_unwind;
        }
        mem = memobj->data; /* memory.grow never moves a memory, but cheap to be sure */
        mem_size = memobj->size;
        ip = ret_ip;
        DISPATCH();
    }

do_tail_call:
    /* A wasm callee takes this frame over: its arguments move down to slot
     * 0 and no frame is pushed, so a chain of tail calls runs in constant
     * space, and it returns to this function's caller. A host function or
     * native code without interpreter code is called as usual and comes
     * back to the return sequence after the instruction. */
    if (callee->host || (!callee->code && callee->native_entry))
        goto do_call;
    if (UNLIKELY(!callee->code)) {
        if (UNLIKELY(!lower_on_call(s, callee)))
            goto check_trap;
        goto do_tail_call;
    }
    {
        const struct rt_code *code = callee->code;
        if (UNLIKELY(fp + code->frame_slots > stack_end)) {
            s->exhausted = EXH_STACK;
            TRAP(TRAP_STACK_EXHAUSTED);
        }
        memmove(fp, nfp, code->nparam_slots * sizeof *fp);
        goto enter_callee;
    }

throw_here:
    /* A new throw: its backtrace starts here. */
    s->ntrace = 0;
    skip_first = native_here = false;
throw_search: {
    struct catch_point cp;
    if (find_catch(s, frames0, frp, func, fp, ip, skip_first, &cp)) {
        frp = cp.frp;
        fp = cp.fp;
        func = cp.func;
        if (func->inst != inst)
            LOAD_INSTANCE(func->inst);
        mem = memobj->data;
        mem_size = memobj->size; /* a callee may have grown it */
        deliver(s, fp, cp.k);
        ip = func->code->start + cp.k->pad;
        DISPATCH();
    }
    trap = TRAP_EXCEPTION;
    if (native_here)
        goto trap_unwind_callers; /* native code recorded this function */
    goto trap_unwind;
}

check_trap:
    trap = s->trap;
trap_exit:
    s->ntrace = 0;
trap_unwind:
    VEC_GROW(s->trace, s->ntrace, s->trace_cap);
    s->trace[s->ntrace++] = (struct rt_trace_frame){func, rt_code_offset(func->code, ip)};
trap_unwind_callers:
    /* Innermost frames only: a runaway recursion would list thousands. */
    for (struct frame *fr = frp; fr-- > frames0 + 1 && s->ntrace < RT_TRACE_MAX;) {
        struct rt_func *fn = fr->func;
        VEC_GROW(s->trace, s->ntrace, s->trace_cap);
        s->trace[s->ntrace++] = (struct rt_trace_frame){fn, rt_code_offset(fn->code, fr->ip - 1)};
    }
    s->trap = trap;
    return false;
}

void rt_code_go_native(struct rt_code *c)
{
    __atomic_store_n(&c->start[0], rt_interp_handler(XOP_native), __ATOMIC_SEQ_CST);
}

code_t rt_interp_handler(unsigned xop)
{
    code_t w;
    interp(NULL, NULL, NULL, xop, &w);
    return w;
}

static bool trap_error(struct rt_store *s, struct wisp_error *err)
{
    enum wisp_error_kind kind = WISP_ERR_TRAP;
    if (s->trap == TRAP_STACK_EXHAUSTED)
        kind = WISP_ERR_EXHAUSTION;
    else if (s->trap == TRAP_EXIT)
        kind = WISP_ERR_EXIT;
    else if (s->trap == TRAP_EXCEPTION)
        kind = WISP_ERR_EXCEPTION;
    const char *msg = s->trap == TRAP_HOST || (s->trap == TRAP_EXIT && s->trap_message[0])
                          ? s->trap_message : rt_trap_message(s->trap);
    if (s->trap == TRAP_STACK_EXHAUSTED) {
        /* Say which limit ran out, so raising the right one is obvious. */
        if (s->exhausted == EXH_DEPTH)
            err_set(err, kind, -1, "%s: call depth limit of %u reached (max call depth)", msg,
                    s->exec.max_depth);
        else if (s->exhausted == EXH_STACK)
            err_set(err, kind, -1, "%s: wasm stack limit of %zu bytes reached (max-wasm-stack)",
                    msg, s->exec.stack_slots * sizeof(union slot));
        else if (s->exhausted == EXH_NATIVE)
            err_set(err, kind, -1, "%s: native stack limit of %zu bytes reached (max-wasm-stack)",
                    msg, s->max_stack_slots * sizeof(union slot));
        else
            err_set(err, kind, -1, "%s: host functions calling wasm nest too deeply", msg);
    } else if (s->trap == TRAP_EXCEPTION && s->exn) {
        char what[512];
        rt_exception_describe(s, s->exn, what, sizeof what);
        err_set(err, kind, -1, "%s: %s", msg, what);
    } else if (s->trap == TRAP_INTERRUPT && s->interrupted_by_timeout) {
        err_set(err, kind, -1, "%s: the time limit of %.3f s was reached", msg,
                (double)s->timeout_ns / 1e9);
    } else {
        err_set(err, kind, -1, "%s", msg);
    }
    if (err)
        err->exit_code = s->exit_code;
    if (s->ntrace && err) {
        struct rt_trace_frame *t = &s->trace[0];
        err->offset = t->offset == UINT32_MAX ? -1 : (int64_t)t->offset;
        char name[64];
        err_set_func(err, t->func->inst ? (int64_t)t->func->index : -1, rt_func_describe(t->func, name, sizeof name));
    }
    return false;
}

/* The backtrace of a host function that trapped: that function alone. */
static void trace_host(struct rt_store *s, struct rt_func *f)
{
    s->ntrace = 0;
    VEC_GROW(s->trace, s->ntrace, s->trace_cap);
    s->trace[s->ntrace++] = (struct rt_trace_frame){f, UINT32_MAX};
}

static void *map_stack(size_t bytes)
{
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static void release_stacks(struct rt_exec *x)
{
    if (x->frames)
        munmap(x->frames, x->map_bytes);
    x->stack = NULL;
    x->frames = NULL;
}

bool rt_exec_reserve(struct rt_store *s)
{
    struct rt_exec *x = &s->exec;
    /* (Re)sized only between outermost calls, so that limits set on the
     * store after earlier calls take effect. */
    if (x->stack && (x->depth != 0 || (x->max_depth == s->max_call_depth &&
                                       x->stack_slots == s->max_stack_slots)))
        return true;
    release_stacks(x);
    /* Reserved, not allocated: the kernel commits pages as the stacks reach
     * them, so a generous limit costs nothing until it is used. One
     * reservation holds both, the frames first: the first pages of the two,
     * all that a short run touches, then mostly share a page table, and it
     * takes one mmap and one munmap. (On some virtual machines a fresh page
     * table costs several times what the page itself does.) */
    size_t frames_bytes = ((size_t)s->max_call_depth + 2) * sizeof(struct frame);
    frames_bytes = (frames_bytes + 63) & ~(size_t)63;
    x->map_bytes = frames_bytes + s->max_stack_slots * sizeof *x->stack;
    x->frames = map_stack(x->map_bytes);
    if (!x->frames)
        return false;
    x->stack = (union slot *)((char *)x->frames + frames_bytes);
    x->stack_slots = s->max_stack_slots;
    x->max_depth = s->max_call_depth;
    x->halt[0] = rt_interp_handler(XOP_halt);
    x->top = 0;
    x->depth = 0;
    return true;
}

static bool call(struct rt_store *s, struct rt_func *f, union slot *args_results, struct wisp_error *err)
{
    struct rt_exec *x = &s->exec;
    if (!rt_exec_reserve(s)) {
        s->trap = TRAP_OOM;
        return trap_error(s, err);
    }
    if (f->native_entry) {
        if (rt_native_call(s, f, args_results))
            return true;
        return trap_error(s, err);
    }
    if (!f->code && !f->host && !lower_on_call(s, f)) {
        s->ntrace = 0;
        return trap_error(s, err);
    }
    if (!f->code) {
        struct rt_caller caller = {s, NULL};
        if (f->host(&caller, f->env, args_results))
            return true;
        if (s->trap == TRAP_NONE)
            s->trap = TRAP_HOST;
        trace_host(s, f);
        return trap_error(s, err);
    }
    size_t top = x->top;
    if (x->depth + 1 >= x->max_depth || top + f->code->frame_slots > x->stack_slots) {
        s->trap = TRAP_STACK_EXHAUSTED;
        s->exhausted = x->depth + 1 >= x->max_depth ? EXH_DEPTH : EXH_STACK;
        return trap_error(s, err);
    }
    union slot *fp = x->stack + top;
    memcpy(fp, args_results, f->nparam_slots * sizeof *fp);
    bool ok = interp(s, f, fp, 0, NULL);
    x->top = top;
    if (!ok)
        return trap_error(s, err);
    memcpy(args_results, fp, f->nresult_slots * sizeof *fp);
    return true;
}

bool rt_call(struct rt_store *s, struct rt_func *f, union slot *args_results, struct wisp_error *err)
{
    struct rt_exec *x = &s->exec;
    s->trap = TRAP_NONE;
    s->ntrace = 0;
    /* wasm calls never use the C stack, but a host function calling back
     * into wasm nests C frames: measure them from the outermost call and
     * refuse to nest past RT_NESTED_C_STACK. */
    uintptr_t here = (uintptr_t)__builtin_frame_address(0);
    bool outermost = x->c_stack_base == 0;
    if (outermost) {
        x->c_stack_base = here;
    } else if ((x->c_stack_base > here ? x->c_stack_base - here : here - x->c_stack_base) > RT_NESTED_C_STACK) {
        s->trap = TRAP_STACK_EXHAUSTED;
        s->exhausted = EXH_HOST_NESTING;
        return trap_error(s, err);
    }
    if (outermost && s->timeout_ns && !rt_timeout_arm(s)) {
        x->c_stack_base = 0;
        s->trap = TRAP_OOM;
        return trap_error(s, err);
    }
    bool ok = call(s, f, args_results, err);
    if (outermost) {
        if (s->timeout_ns)
            rt_timeout_disarm(s);
        x->c_stack_base = 0;
    }
    return ok;
}
