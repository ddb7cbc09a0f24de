/* wasm function bodies to LLVM IR. One pass over each validated body, with
 * an operand stack of LLVM values: locals are allocas (LLVM's SROA turns
 * them into registers), block results and loop parameters are phi nodes,
 * code after an unconditional branch is skipped. Traps call wisp_rt_trap
 * with the function, the reason and the instruction's byte offset; the
 * semantics that need care (division, float min/max, trapping conversions)
 * follow src/runtime/numeric.h bit for bit, and most SIMD operations call
 * the interpreter's own functions (src/runtime/native.c). */
#include <stddef.h>
#include <stdlib.h>

#include "binary/instr.h"
#include "llvm/address64.h"
#include "llvm/relaxed_simd.h"
#include "llvm/translate.h"

struct val {
    LLVMValueRef v;
    valtype_t t;
};

struct ctl {
    uint16_t kind;              /* OP_block, OP_loop, OP_if_, or OP_COUNT for the function */
    uint32_t height;            /* operand stack height below the params */
    uint32_t nparams, nresults;
    const valtype_t *params, *results;
    LLVMBasicBlockRef target;   /* where a branch to this label goes */
    LLVMBasicBlockRef end;      /* where control continues after `end` */
    LLVMBasicBlockRef else_bb;  /* if: the false arm */
    LLVMValueRef *target_phis;  /* at target: one per label value */
    LLVMValueRef *end_phis;     /* at end: one per result */
    LLVMValueRef *if_params;    /* if: the params, for a missing else */
    bool unreachable, has_else;
    /* Exception handling. handler: the handler in force inside this block
     * (a ctl index, NO_HANDLER for the caller's): a try_table's or legacy
     * try's own in its body, else the one around it. outer: the one around
     * it. A try's handler is a landing pad (made on first use), then a
     * chain of clause tests starting at dispatch with the exception in
     * exn; test is where the next clause's test goes (legacy try), NULL
     * after a catch_all. */
    uint32_t handler, outer;
    LLVMBasicBlockRef lpad, dispatch, test;
    LLVMValueRef exn;
    /* A legacy try's catches: the calls that free the exception, made
     * marks that keep it instead when some rethrow names the try. */
    LLVMValueRef *drops;
    uint32_t ndrops;
    bool rethrown;
};

#define NO_HANDLER UINT32_MAX

/* The runtime helpers, by their names in native.c. */
enum helper {
    H_TRAP, H_CHECK, H_CALL_SLOTS, H_MEMORY_GROW, H_MEMORY_FILL, H_MEMORY_COPY, H_MEMORY_INIT,
    H_DATA_DROP, H_ELEM_DROP, H_TABLE_GROW, H_TABLE_FILL, H_TABLE_COPY, H_TABLE_INIT, H_TYPE_SUB,
    H_THROW, H_THROW_REF, H_CAUGHT, H_EXN_DROP, H_COUNT
};

struct tr {
    LLVMContextRef ctx;
    LLVMModuleRef mod;
    LLVMBuilderRef b;
    const struct module *m;
    const struct tr_options *opt;
    struct wisp_error *err;

    LLVMTypeRef i1, i8, i16, i32, i64, f32, f64, v128, ptr, vd;
    LLVMTypeRef *fn_types;       /* per module type: the native signature */
    LLVMValueRef *funcs;         /* per function index: defined functions only */
    LLVMValueRef *stubs;         /* per module type: the call-through-runtime stub */
    LLVMValueRef helpers[H_COUNT];
    LLVMTypeRef helper_types[H_COUNT];
    LLVMValueRef simd_helpers[OP_COUNT];
    LLVMTypeRef simd_type;
    LLVMValueRef personality;
    unsigned tbaa_kind;
    LLVMValueRef tbaa_mem, tbaa_rt;

    /* The function being translated. */
    uint32_t func;
    /* Recursion unrolling (see unroll_depth): where the body's calls to
     * itself go, and how many frames of it the stack check covers; NULL
     * and 0 in a copy, which has no check of its own. */
    LLVMValueRef self;
    uint32_t frames;
    LLVMValueRef fn, inst_v;
    const struct functype *fn_type;
    LLVMValueRef out;            /* where the results go, when they are in memory; else NULL */
    LLVMValueRef *locals;
    valtype_t *local_types;
    uint32_t nlocals;
    LLVMValueRef simd_tmp[4];
    struct val *stack;
    uint32_t nstack, stack_cap;
    struct ctl *ctls;
    uint32_t nctls, ctls_cap;
    uint32_t handler;            /* the innermost handler in force (a ctl index), or NO_HANDLER */
    uint32_t dead_depth;
    uint32_t offset;             /* byte offset of the current instruction */
    /* The open check point: its cost operands, patched when it closes. */
    LLVMValueRef cost_sub, cost_call;
    uint32_t cost;
};

#define OFF(type, field) ((uint64_t)offsetof(type, field))

/* The function's name from the name section (sorted by index), or NULL. */
static const struct name *func_name(const struct module *m, uint32_t func)
{
    uint32_t lo = 0, hi = m->nfunc_names;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (m->func_names[mid].index == func)
            return m->func_names[mid].name.str ? &m->func_names[mid].name : NULL;
        if (m->func_names[mid].index < func)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static uint32_t slots_of(const valtype_t *types, uint32_t n)
{
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++)
        k += types[i] == VT_V128 ? 2 : 1;
    return k;
}

static bool fail(struct tr *t, const char *feature)
{
    const struct name *n = func_name(t->m, t->func);
    return err_set(t->err, WISP_ERR_LINK, (int64_t)t->offset,
                   "the compiled tier cannot compile function %u%s%.*s%s: %s", t->func,
                   n ? " ($" : "", n ? (int)n->len : 0, n ? n->str : "", n ? ")" : "", feature);
}

/* ---- types and constants ---- */

static LLVMTypeRef ty(struct tr *t, valtype_t v)
{
    switch (v) {
    case VT_I32: return t->i32;
    case VT_I64: return t->i64;
    case VT_F32: return t->f32;
    case VT_F64: return t->f64;
    case VT_V128: return t->v128;
    default: return t->ptr;
    }
}

/* Results in memory: more of them than a guaranteed tail call can return
 * in registers. LLVM returns such results through a hidden pointer into
 * the caller's frame, which a tail call cannot pass on ("failed to
 * perform tail call elimination on a call site marked musttail", an
 * abort, for return_call_indirect and return_call_ref of a type with four
 * i32 results; found by the fuzz generator). x86-64 tailcc, measured with
 * llc-19: 3 integer or pointer results, and 5 floating-point or vector
 * ones, return in registers; past that (and with more than 4 of the
 * latter, to keep a margin) a function takes a pointer to room for its
 * results as its last parameter and returns nothing, and a tail call
 * passes its own such pointer on. */
static bool results_in_memory(const struct functype *ft)
{
    uint32_t ints = 0, fps = 0;
    for (uint32_t i = 0; i < ft->nresults; i++) {
        valtype_t v = functype_results(ft)[i];
        if (v == VT_F32 || v == VT_F64 || v == VT_V128)
            fps++;
        else
            ints++;
    }
    return ints > 3 || fps > 4;
}

/* The results as one struct (several results, or results in memory). */
static LLVMTypeRef results_struct(struct tr *t, const struct functype *ft)
{
    LLVMTypeRef *el = xmalloc((ft->nresults + 1) * sizeof *el);
    for (uint32_t i = 0; i < ft->nresults; i++)
        el[i] = ty(t, functype_results(ft)[i]);
    LLVMTypeRef r = LLVMStructTypeInContext(t->ctx, el, ft->nresults, 0);
    free(el);
    return r;
}

static LLVMTypeRef result_type(struct tr *t, const struct functype *ft)
{
    if (ft->nresults == 0 || results_in_memory(ft))
        return t->vd;
    if (ft->nresults == 1)
        return ty(t, functype_results(ft)[0]);
    return results_struct(t, ft);
}

/* The native signature: (inst, params...) or, for stubs, (callee, caller,
 * params...), then with results in memory the pointer to their room. */
static LLVMTypeRef sig_type(struct tr *t, const struct functype *ft, unsigned lead)
{
    unsigned n = lead + ft->nparams;
    LLVMTypeRef *ps = xmalloc((n + 1) * sizeof *ps);
    for (unsigned i = 0; i < lead; i++)
        ps[i] = t->ptr;
    for (uint32_t i = 0; i < ft->nparams; i++)
        ps[lead + i] = ty(t, functype_params(ft)[i]);
    if (results_in_memory(ft))
        ps[n++] = t->ptr;
    LLVMTypeRef r = LLVMFunctionType(result_type(t, ft), ps, n, 0);
    free(ps);
    return r;
}

/* Results in memory: store vals (one per result) at out. */
static void store_results(struct tr *t, const struct functype *ft, LLVMValueRef out, const struct val *vals)
{
    LLVMTypeRef st = results_struct(t, ft);
    for (uint32_t i = 0; i < ft->nresults; i++)
        LLVMBuildStore(t->b, vals[i].v, LLVMBuildStructGEP2(t->b, st, out, i, ""));
}

/* Results in memory: load result i from out, whose type st is
 * results_struct's. */
static LLVMValueRef load_result(struct tr *t, LLVMTypeRef st, LLVMValueRef out, uint32_t i)
{
    return LLVMBuildLoad2(t->b, LLVMStructGetTypeAtIndex(st, i), LLVMBuildStructGEP2(t->b, st, out, i, ""), "");
}

static LLVMValueRef c32(struct tr *t, uint64_t v) { return LLVMConstInt(t->i32, v, 0); }
static LLVMValueRef c64(struct tr *t, uint64_t v) { return LLVMConstInt(t->i64, v, 0); }

static LLVMValueRef zero_of(struct tr *t, valtype_t v)
{
    return LLVMConstNull(ty(t, v));
}

/* ---- IR helpers ---- */

static void set_attr(struct tr *t, LLVMValueRef fn, LLVMAttributeIndex idx, const char *name)
{
    unsigned kind = LLVMGetEnumAttributeKindForName(name, strlen(name));
    LLVMAddAttributeAtIndex(fn, idx, LLVMCreateEnumAttribute(t->ctx, kind, 0));
}

static void set_str_attr(struct tr *t, LLVMValueRef fn, const char *k, const char *v)
{
    LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex,
                            LLVMCreateStringAttribute(t->ctx, k, (unsigned)strlen(k), v, (unsigned)strlen(v)));
}

static LLVMValueRef intrinsic(struct tr *t, const char *name, LLVMTypeRef *types, size_t n, LLVMTypeRef *fty)
{
    unsigned id = LLVMLookupIntrinsicID(name, strlen(name));
    *fty = LLVMIntrinsicGetType(t->ctx, id, types, n);
    return LLVMGetIntrinsicDeclaration(t->mod, id, types, n);
}

static LLVMValueRef call_intr(struct tr *t, const char *name, LLVMTypeRef over, LLVMValueRef *args, unsigned n)
{
    LLVMTypeRef fty;
    LLVMValueRef f = intrinsic(t, name, &over, over ? 1 : 0, &fty);
    return LLVMBuildCall2(t->b, fty, f, args, n, "");
}

/* An intrinsic overloaded on two types (result, operand). */
static LLVMValueRef call_intr2(struct tr *t, const char *name, LLVMTypeRef a, LLVMTypeRef b, LLVMValueRef x)
{
    LLVMTypeRef fty, types[2] = {a, b};
    LLVMValueRef f = intrinsic(t, name, types, 2, &fty);
    return LLVMBuildCall2(t->b, fty, f, &x, 1, "");
}

static LLVMValueRef frame_address(struct tr *t)
{
    LLVMTypeRef fty;
    LLVMValueRef f = intrinsic(t, "llvm.frameaddress", &t->ptr, 1, &fty);
    LLVMValueRef zero = c32(t, 0);
    return LLVMBuildCall2(t->b, fty, f, &zero, 1, "");
}

static void tbaa(struct tr *t, LLVMValueRef inst, LLVMValueRef tag)
{
    LLVMSetMetadata(inst, t->tbaa_kind, tag);
}

/* With guard regions a load or store that faults is the bounds check,
 * and a trap must leave memory, globals and tables exactly as the
 * interpreter does: every store before the faulting access done, none
 * after it. LLVM assumes loads and stores never fault, so it would delete
 * a load whose value is unused, hoist a load above a store, sink a store
 * below a load, merge neighbouring stores or widen a loop's stores into
 * vectors (a loop writing up to the end of memory then traps with some of
 * its last stores missing). Volatile accesses are kept, in order, one for
 * one; every other store a trap leaves visible (globals, tables, fuel) is
 * volatile too, since LLVM may move an ordinary store across a volatile
 * access. With explicit checks the trap is a call that may read
 * everything, so nothing needs marking. */
static LLVMValueRef ordered(struct tr *t, LLVMValueRef access)
{
    if (t->opt->guarded)
        LLVMSetVolatile(access, 1);
    return access;
}

/* A load of a runtime field at byte offset off from p. */
static LLVMValueRef load_at(struct tr *t, LLVMTypeRef type, LLVMValueRef p, uint64_t off)
{
    LLVMValueRef idx = c64(t, off);
    LLVMValueRef a = off ? LLVMBuildGEP2(t->b, t->i8, p, &idx, 1, "") : p;
    LLVMValueRef v = LLVMBuildLoad2(t->b, type, a, "");
    tbaa(t, v, t->tbaa_rt);
    return v;
}

static LLVMValueRef gep8(struct tr *t, LLVMValueRef p, LLVMValueRef off)
{
    return LLVMBuildGEP2(t->b, t->i8, p, &off, 1, "");
}

/* inst->field[i], a pointer array of the instance. */
static LLVMValueRef inst_elem(struct tr *t, uint64_t field_off, uint32_t i)
{
    LLVMValueRef arr = load_at(t, t->ptr, t->inst_v, field_off);
    return load_at(t, t->ptr, arr, (uint64_t)i * sizeof(void *));
}

static LLVMBasicBlockRef new_bb(struct tr *t, const char *name)
{
    return LLVMAppendBasicBlockInContext(t->ctx, t->fn, name);
}

/* ---- the operand stack ---- */

static void push(struct tr *t, LLVMValueRef v, valtype_t type)
{
    VEC_GROW(t->stack, t->nstack, t->stack_cap);
    t->stack[t->nstack++] = (struct val){v, type};
}

static LLVMValueRef pop(struct tr *t)
{
    return t->stack[--t->nstack].v;
}

static LLVMValueRef top(struct tr *t, uint32_t i) /* i = 0 is the top */
{
    return t->stack[t->nstack - 1 - i].v;
}

static LLVMValueRef helper(struct tr *t, enum helper h, LLVMValueRef *args, unsigned n)
{
    return LLVMBuildCall2(t->b, t->helper_types[h], t->helpers[h], args, n, "");
}

/* ---- traps ---- */

static void trap_here(struct tr *t, enum rt_trap kind)
{
    LLVMValueRef args[] = {t->inst_v, c32(t, t->func), c32(t, kind), c32(t, t->offset), frame_address(t)};
    LLVMValueRef c = LLVMBuildCall2(t->b, t->helper_types[H_TRAP], t->helpers[H_TRAP], args, 5, "");
    (void)c;
    LLVMBuildUnreachable(t->b);
}

/* Trap when cond (i1) holds; continues in a fresh block. */
static void trap_if(struct tr *t, LLVMValueRef cond, enum rt_trap kind)
{
    LLVMBasicBlockRef bad = new_bb(t, "trap"), ok = new_bb(t, "ok");
    LLVMBuildCondBr(t->b, cond, bad, ok);
    LLVMPositionBuilderAtEnd(t->b, bad);
    trap_here(t, kind);
    LLVMPositionBuilderAtEnd(t->b, ok);
}

/* ---- check points (fuel and interrupts) ---- */

static void close_check(struct tr *t, uint32_t carry)
{
    if (!t->cost_sub)
        return;
    LLVMSetOperand(t->cost_sub, 1, c64(t, t->cost - carry));
    LLVMSetOperand(t->cost_call, 2, c32(t, t->cost - carry));
}

/* Open a check point here; its cost is patched in by close_check. The
 * rule is the interpreter's (src/interp/lower.c): every instruction of the
 * body, in order, up to the next check point. */
static void open_check(struct tr *t, uint32_t carry)
{
    close_check(t, carry);
    LLVMValueRef store = load_at(t, t->ptr, t->inst_v, OFF(struct rt_instance, store));
    LLVMValueRef fuel_p = gep8(t, store, c64(t, OFF(struct rt_store, fuel)));
    LLVMValueRef fuel = LLVMBuildLoad2(t->b, t->i64, fuel_p, "");
    tbaa(t, fuel, t->tbaa_rt);
    LLVMValueRef left = LLVMBuildSub(t->b, fuel, c64(t, 0), "");
    LLVMValueRef irq = LLVMBuildLoad2(t->b, t->i32, gep8(t, store, c64(t, OFF(struct rt_store, interrupt))), "");
    LLVMSetOrdering(irq, LLVMAtomicOrderingMonotonic);
    LLVMSetAlignment(irq, 4);
    LLVMValueRef bad = LLVMBuildOr(t->b, LLVMBuildICmp(t->b, LLVMIntSLT, left, c64(t, 0), ""),
                                   LLVMBuildICmp(t->b, LLVMIntNE, irq, c32(t, 0), ""), "");
    LLVMBasicBlockRef slow = new_bb(t, "check.slow"), fast = new_bb(t, "check.fast"),
                      done = new_bb(t, "check.done");
    LLVMBuildCondBr(t->b, bad, slow, fast);
    LLVMPositionBuilderAtEnd(t->b, slow);
    LLVMValueRef args[] = {t->inst_v, c32(t, t->func), c32(t, 0), c32(t, t->offset), frame_address(t)};
    LLVMValueRef call = LLVMBuildCall2(t->b, t->helper_types[H_CHECK], t->helpers[H_CHECK], args, 5, "");
    LLVMBuildBr(t->b, done);
    LLVMPositionBuilderAtEnd(t->b, fast);
    LLVMValueRef st = ordered(t, LLVMBuildStore(t->b, left, fuel_p));
    tbaa(t, st, t->tbaa_rt);
    LLVMBuildBr(t->b, done);
    LLVMPositionBuilderAtEnd(t->b, done);
    t->cost_sub = left;
    t->cost_call = call;
    t->cost = carry;
}

/* ---- control ---- */

static LLVMValueRef *make_phis(struct tr *t, LLVMBasicBlockRef bb, const valtype_t *types, uint32_t n)
{
    if (n == 0)
        return NULL;
    LLVMValueRef *phis = xmalloc(n * sizeof *phis);
    LLVMBasicBlockRef here = LLVMGetInsertBlock(t->b);
    LLVMPositionBuilderAtEnd(t->b, bb);
    for (uint32_t i = 0; i < n; i++)
        phis[i] = LLVMBuildPhi(t->b, ty(t, types[i]), "");
    LLVMPositionBuilderAtEnd(t->b, here);
    return phis;
}

/* Add the top n stack values as incoming from the current block. */
static void add_incoming(struct tr *t, LLVMValueRef *phis, uint32_t n)
{
    LLVMBasicBlockRef from = LLVMGetInsertBlock(t->b);
    for (uint32_t i = 0; i < n; i++) {
        LLVMValueRef v = t->stack[t->nstack - n + i].v;
        LLVMAddIncoming(phis[i], &v, &from, 1);
    }
}

static void build_return(struct tr *t, uint32_t n)
{
    if (t->out) {
        store_results(t, t->fn_type, t->out, &t->stack[t->nstack - n]);
        LLVMBuildRetVoid(t->b);
    } else if (n == 0) {
        LLVMBuildRetVoid(t->b);
    } else if (n == 1) {
        LLVMBuildRet(t->b, top(t, 0));
    } else {
        LLVMValueRef *vs = xmalloc(n * sizeof *vs);
        for (uint32_t i = 0; i < n; i++)
            vs[i] = t->stack[t->nstack - n + i].v;
        LLVMBuildAggregateRet(t->b, vs, n);
        free(vs);
    }
}

static uint32_t label_arity(const struct ctl *k) { return k->kind == OP_loop ? k->nparams : k->nresults; }

/* Branch to label depth with the top values (the current block ends). */
static void branch_to(struct tr *t, uint32_t depth)
{
    struct ctl *k = &t->ctls[t->nctls - 1 - depth];
    if (k->kind == OP_COUNT) {
        build_return(t, k->nresults);
        return;
    }
    add_incoming(t, k->target_phis, label_arity(k));
    LLVMBuildBr(t->b, k->target);
}

static void mark_unreachable(struct tr *t)
{
    struct ctl *k = &t->ctls[t->nctls - 1];
    k->unreachable = true;
    t->nstack = k->height + 0;
}

static void block_type(struct tr *t, const struct instr *in, struct ctl *k)
{
    k->nparams = k->nresults = 0;
    if (in->block.kind == BT_VALTYPE) {
        k->results = valtype_single(t->m, in->block.valtype);
        k->nresults = 1;
    } else if (in->block.kind == BT_TYPEINDEX) {
        const struct functype *ft = &t->m->types[in->block.index];
        k->params = functype_params(ft);
        k->nparams = ft->nparams;
        k->results = functype_results(ft);
        k->nresults = ft->nresults;
    }
}

static struct ctl *push_ctl(struct tr *t, uint16_t kind, const struct instr *in)
{
    VEC_GROW(t->ctls, t->nctls, t->ctls_cap);
    struct ctl *k = &t->ctls[t->nctls++];
    memset(k, 0, sizeof *k);
    k->kind = kind;
    block_type(t, in, k);
    k->height = t->nstack - k->nparams;
    k->handler = k->outer = t->handler;
    return k;
}

/* A label at the end (block, try_table, legacy try). */
static struct ctl *push_block(struct tr *t, uint16_t kind, const struct instr *in)
{
    struct ctl *k = push_ctl(t, kind, in);
    k->end = k->target = new_bb(t, "block.end");
    k->end_phis = k->target_phis = make_phis(t, k->end, k->results, k->nresults);
    return k;
}

static void do_block(struct tr *t, const struct instr *in) { push_block(t, OP_block, in); }

static void do_loop(struct tr *t, const struct instr *in)
{
    struct ctl *k = push_ctl(t, OP_loop, in);
    k->target = new_bb(t, "loop");
    k->end = new_bb(t, "loop.end");
    k->target_phis = make_phis(t, k->target, k->params, k->nparams);
    k->end_phis = make_phis(t, k->end, k->results, k->nresults);
    add_incoming(t, k->target_phis, k->nparams);
    LLVMBuildBr(t->b, k->target);
    LLVMPositionBuilderAtEnd(t->b, k->target);
    t->nstack = k->height;
    for (uint32_t i = 0; i < k->nparams; i++)
        push(t, k->target_phis[i], k->params[i]);
    if (t->opt->checks)
        open_check(t, 1);
}

static void do_if(struct tr *t, const struct instr *in)
{
    LLVMValueRef cond = LLVMBuildICmp(t->b, LLVMIntNE, pop(t), c32(t, 0), "");
    struct ctl *k = push_ctl(t, OP_if_, in);
    LLVMBasicBlockRef then = new_bb(t, "then");
    k->else_bb = new_bb(t, "else");
    k->end = k->target = new_bb(t, "if.end");
    k->end_phis = k->target_phis = make_phis(t, k->end, k->results, k->nresults);
    if (k->nparams) {
        k->if_params = xmalloc(k->nparams * sizeof *k->if_params);
        for (uint32_t i = 0; i < k->nparams; i++)
            k->if_params[i] = t->stack[k->height + i].v;
    }
    LLVMBuildCondBr(t->b, cond, then, k->else_bb);
    LLVMPositionBuilderAtEnd(t->b, then);
}

/* The part of a block that ends here (the whole block, an if's then, a
 * try's body or catch) goes to the end with its results, if reachable. */
static void end_part(struct tr *t, struct ctl *k)
{
    if (!k->unreachable) {
        add_incoming(t, k->end_phis, k->nresults);
        LLVMBuildBr(t->b, k->end);
    }
}

static void do_else(struct tr *t, struct ctl *k)
{
    end_part(t, k);
    k->unreachable = false;
    k->has_else = true;
    t->nstack = k->height;
    for (uint32_t i = 0; i < k->nparams; i++)
        push(t, k->if_params[i], k->params[i]);
    LLVMPositionBuilderAtEnd(t->b, k->else_bb);
}

static void close_handler(struct tr *t, struct ctl *k, uint32_t to);

/* Returns false when the function's own end was reached. */
static bool do_end(struct tr *t)
{
    struct ctl *k = &t->ctls[t->nctls - 1];
    if (k->kind == OP_COUNT) {
        if (!k->unreachable)
            build_return(t, k->nresults);
        t->nctls--;
        return false;
    }
    end_part(t, k);
    if (k->kind == OP_try_table || k->kind == OP_try_)
        close_handler(t, k, k->outer);
    if (k->kind == OP_if_ && !k->has_else) {
        /* The missing else passes the params through as the results. */
        LLVMPositionBuilderAtEnd(t->b, k->else_bb);
        t->nstack = k->height;
        for (uint32_t i = 0; i < k->nparams; i++)
            push(t, k->if_params[i], k->params[i]);
        add_incoming(t, k->end_phis, k->nresults);
        LLVMBuildBr(t->b, k->end);
    }
    LLVMPositionBuilderAtEnd(t->b, k->end);
    t->nstack = k->height;
    for (uint32_t i = 0; i < k->nresults; i++)
        push(t, k->end_phis[i], k->results[i]);
    if (k->target_phis != k->end_phis)
        free(k->target_phis);
    free(k->end_phis);
    free(k->if_params);
    t->nctls--;
    return true;
}

static void do_br_if(struct tr *t, uint32_t depth)
{
    LLVMValueRef cond = LLVMBuildICmp(t->b, LLVMIntNE, pop(t), c32(t, 0), "");
    LLVMBasicBlockRef taken = new_bb(t, "br_if"), next = new_bb(t, "br_if.no");
    LLVMBuildCondBr(t->b, cond, taken, next);
    LLVMPositionBuilderAtEnd(t->b, taken);
    branch_to(t, depth);
    LLVMPositionBuilderAtEnd(t->b, next);
}

static void do_br_table(struct tr *t, const struct instr *in)
{
    LLVMValueRef idx = pop(t);
    uint32_t n = in->br_table.count;
    /* One block per distinct target, so each phi sees each edge once. */
    uint32_t ndepth = t->nctls;
    LLVMBasicBlockRef *via = xcalloc(ndepth, sizeof *via);
    LLVMBasicBlockRef here = LLVMGetInsertBlock(t->b);
    const uint8_t *p = in->br_table.labels;
    uint32_t *labels = xmalloc((n + 1) * sizeof *labels);
    for (uint32_t i = 0; i < n; i++)
        labels[i] = br_table_next(&p);
    labels[n] = in->br_table.default_label;
    for (uint32_t i = 0; i <= n; i++) {
        uint32_t d = labels[i];
        if (!via[d]) {
            via[d] = new_bb(t, "br_table.to");
            LLVMPositionBuilderAtEnd(t->b, via[d]);
            branch_to(t, d);
        }
    }
    LLVMPositionBuilderAtEnd(t->b, here);
    LLVMValueRef sw = LLVMBuildSwitch(t->b, idx, via[labels[n]], n);
    for (uint32_t i = 0; i < n; i++)
        LLVMAddCase(sw, c32(t, i), via[labels[i]]);
    free(labels);
    free(via);
}

/* ---- exception handling: landing pads and handlers ----
 *
 * Zero cost where nothing throws: a call inside a try_table's or legacy
 * try's body is an invoke whose unwind edge goes to the handler's landing
 * pad; everything else is an ordinary call. Each landing pad catches
 * everything; the clauses are tests in the code after it, against the
 * exception that wisp_rt_caught hands over (the dispatch), and an
 * exception no clause takes goes on to the next handler out, or out of
 * the function.
 *
 * A throw does not unwind by itself: the helper makes the exception, and
 * the code branches to the dispatch of the handler in force, or leaves the
 * function by `resume`. Where LLVM inlines the function into an invoke,
 * that resume becomes a branch to the caller's landing pad, so a throw
 * caught in the same function after inlining is a branch. Elsewhere the
 * resume becomes a call of the runtime's wisp_rt_resume: that, and an
 * exception coming back from a call through
 * the runtime (a host function, the interpreter), unwind with the system
 * unwinder, guided by the .eh_frame and .gcc_except_table LLVM emits, to
 * the innermost landing pad (wisp_rt_personality,
 * src/runtime/native_eh.c). */

static LLVMValueRef load_slot(struct tr *t, LLVMValueRef slots, uint32_t *slot, valtype_t vt);
static void store_slot(struct tr *t, LLVMValueRef slots, uint32_t *slot, valtype_t vt, LLVMValueRef v);

/* An alloca in the entry block (so that LLVM promotes it), from anywhere. */
static LLVMValueRef entry_alloca(struct tr *t, LLVMTypeRef type)
{
    LLVMBasicBlockRef here = LLVMGetInsertBlock(t->b), entry = LLVMGetEntryBasicBlock(t->fn);
    LLVMValueRef first = LLVMGetFirstInstruction(entry);
    if (first)
        LLVMPositionBuilderBefore(t->b, first);
    else
        LLVMPositionBuilderAtEnd(t->b, entry);
    LLVMValueRef a = LLVMBuildAlloca(t->b, type, "");
    LLVMSetAlignment(a, 16);
    LLVMPositionBuilderAtEnd(t->b, here);
    return a;
}

/* What a landing pad gives and resume takes: {exception object, selector}. */
static LLVMTypeRef exn_pair_type(struct tr *t)
{
    LLVMTypeRef fields[2] = {t->ptr, t->i32};
    return LLVMStructTypeInContext(t->ctx, fields, 2, 0);
}

/* The landing pad of handler h, made on first use: it takes the exception
 * and goes to the handler's clause tests. */
static LLVMBasicBlockRef landing_pad(struct tr *t, uint32_t h)
{
    struct ctl *k = &t->ctls[h];
    if (k->lpad)
        return k->lpad;
    LLVMBasicBlockRef here = LLVMGetInsertBlock(t->b);
    if (!LLVMHasPersonalityFn(t->fn))
        LLVMSetPersonalityFn(t->fn, t->personality);
    k->lpad = new_bb(t, "lpad");
    LLVMPositionBuilderAtEnd(t->b, k->lpad);
    LLVMValueRef lp = LLVMBuildLandingPad(t->b, exn_pair_type(t), t->personality, 1, "");
    LLVMAddClause(lp, LLVMConstNull(t->ptr));
    LLVMValueRef e = helper(t, H_CAUGHT, &t->inst_v, 1);
    LLVMAddIncoming(k->exn, &e, &k->lpad, 1);
    LLVMBuildBr(t->b, k->dispatch);
    LLVMPositionBuilderAtEnd(t->b, here);
    return k->lpad;
}

/* A call that may throw: an invoke inside a handler's range (continuing
 * in a new block), else a call. */
static LLVMValueRef call_may_throw(struct tr *t, LLVMTypeRef fty, LLVMValueRef fn, LLVMValueRef *args, unsigned n)
{
    if (t->handler == NO_HANDLER)
        return LLVMBuildCall2(t->b, fty, fn, args, n, "");
    LLVMBasicBlockRef pad = landing_pad(t, t->handler), cont = new_bb(t, "invoke.cont");
    LLVMValueRef r = LLVMBuildInvoke2(t->b, fty, fn, args, n, cont, pad, "");
    LLVMPositionBuilderAtEnd(t->b, cont);
    return r;
}

/* Exception e (a pointer value, maybe null: that traps) is thrown here:
 * the helper makes it the store's pending exception and records where it
 * was thrown, for the backtrace if nothing catches it. */
static LLVMValueRef throw_site(struct tr *t, LLVMValueRef e)
{
    LLVMValueRef args[] = {t->inst_v, e, c32(t, t->func), c32(t, t->offset), frame_address(t)};
    return helper(t, H_THROW_REF, args, 5);
}

/* The pending exception e leaves the function: by `resume`, which LLVM's
 * inliner turns into a branch to the caller's landing pad where the call
 * was an invoke. One that is left after optimization becomes a call of the
 * runtime's wisp_rt_resume, which unwinds (tr_lower_resumes: the code
 * generator would delete a resume that no cleanup landing pad reaches).
 * The block ends. */
static void resume(struct tr *t, LLVMValueRef e)
{
    if (!LLVMHasPersonalityFn(t->fn))
        LLVMSetPersonalityFn(t->fn, t->personality);
    LLVMValueRef v = LLVMGetUndef(exn_pair_type(t));
    v = LLVMBuildInsertValue(t->b, v, e, 0, "");
    v = LLVMBuildInsertValue(t->b, v, c32(t, 0), 1, "");
    LLVMBuildResume(t->b, v);
}

/* Pass exception e, which no clause of this handler took, on to handler
 * `to`, or out of the function (NO_HANDLER). The block ends. */
static void pass_on(struct tr *t, uint32_t to, LLVMValueRef e)
{
    if (to == NO_HANDLER) {
        resume(t, throw_site(t, e));
        return;
    }
    LLVMBasicBlockRef from = LLVMGetInsertBlock(t->b);
    LLVMAddIncoming(t->ctls[to].exn, &e, &from, 1);
    LLVMBuildBr(t->b, t->ctls[to].dispatch);
}

/* Throw the pending exception e from here: a branch to the handler in
 * force in this function, else out of it. No unwinding either way. */
static void throw_exn(struct tr *t, LLVMValueRef e)
{
    if (t->handler != NO_HANDLER)
        pass_on(t, t->handler, e);
    else
        resume(t, e);
}

/* Mark exception e exposed: a reference to it may outlive the handler. */
static void mark_exposed(struct tr *t, LLVMValueRef e)
{
    LLVMBuildStore(t->b, LLVMConstInt(t->i8, 1, 0), gep8(t, e, c64(t, OFF(struct rt_exception, exposed))));
}

/* Make the ctl at index h (just pushed) a handler for the code that
 * follows. */
static void open_handler(struct tr *t, uint32_t h)
{
    struct ctl *k = &t->ctls[h];
    LLVMBasicBlockRef here = LLVMGetInsertBlock(t->b);
    k->dispatch = k->test = new_bb(t, "catch.test");
    LLVMPositionBuilderAtEnd(t->b, k->dispatch);
    k->exn = LLVMBuildPhi(t->b, t->ptr, "exn");
    LLVMPositionBuilderAtEnd(t->b, here);
    k->handler = t->handler = h;
}

/* The test for one clause at k->test: the builder ends in the block where
 * the clause takes the exception, with the payload (catch, catch_ref) and
 * the exnref (the _ref kinds) pushed; k->test is the next test's block,
 * NULL after a catch_all. Returns how many values were pushed. A clause
 * without a reference frees the exception (its call kept in k->drops, for
 * a legacy catch some rethrow may name); one with a reference marks it
 * exposed. */
static uint32_t take_clause(struct tr *t, struct ctl *k, uint8_t kind, uint32_t tag)
{
    LLVMPositionBuilderAtEnd(t->b, k->test);
    uint32_t pushed = 0;
    if (kind == CATCH || kind == CATCH_REF) {
        LLVMValueRef have = load_at(t, t->ptr, k->exn, OFF(struct rt_exception, tag));
        LLVMValueRef want = inst_elem(t, OFF(struct rt_instance, tags), tag);
        LLVMBasicBlockRef take = new_bb(t, "catch"), next = new_bb(t, "catch.test");
        LLVMBuildCondBr(t->b, LLVMBuildICmp(t->b, LLVMIntEQ, have, want, ""), take, next);
        LLVMPositionBuilderAtEnd(t->b, take);
        k->test = next;
        const struct functype *ft = &t->m->types[t->m->tag_types[tag]];
        LLVMValueRef payload = gep8(t, k->exn, c64(t, OFF(struct rt_exception, payload)));
        uint32_t slot = 0;
        for (uint32_t i = 0; i < ft->nparams; i++) {
            valtype_t vt = functype_params(ft)[i];
            push(t, load_slot(t, payload, &slot, vt), vt);
        }
        pushed = ft->nparams;
    } else {
        LLVMBasicBlockRef take = new_bb(t, "catch_all");
        LLVMBuildBr(t->b, take);
        LLVMPositionBuilderAtEnd(t->b, take);
        k->test = NULL;
    }
    if (kind == CATCH_REF || kind == CATCH_ALL_REF) {
        mark_exposed(t, k->exn);
        push(t, k->exn, VT_EXNREF | VT_NONNULL);
        pushed++;
    } else {
        LLVMValueRef args[2] = {t->inst_v, k->exn};
        LLVMValueRef drop = helper(t, H_EXN_DROP, args, 2);
        k->drops = xrealloc(k->drops, (k->ndrops + 1) * sizeof *k->drops);
        k->drops[k->ndrops++] = drop;
    }
    return pushed;
}

/* The handler of ctl k is done: an exception no clause took goes on to
 * the handler `to`; a rethrown legacy try's exception is kept instead of
 * freed; a handler nothing reached loses its (empty) phi. The builder
 * stays where it was. */
static void close_handler(struct tr *t, struct ctl *k, uint32_t to)
{
    LLVMBasicBlockRef here = LLVMGetInsertBlock(t->b);
    if (k->test) {
        LLVMPositionBuilderAtEnd(t->b, k->test);
        pass_on(t, to, k->exn);
        k->test = NULL;
    }
    for (uint32_t i = 0; k->rethrown && i < k->ndrops; i++) {
        LLVMPositionBuilderBefore(t->b, k->drops[i]);
        mark_exposed(t, k->exn);
        LLVMInstructionEraseFromParent(k->drops[i]);
    }
    free(k->drops);
    k->drops = NULL;
    k->ndrops = 0;
    if (k->exn && LLVMCountIncoming(k->exn) == 0) {
        LLVMReplaceAllUsesWith(k->exn, LLVMConstNull(t->ptr));
        LLVMInstructionEraseFromParent(k->exn);
        k->exn = NULL;
    }
    LLVMPositionBuilderAtEnd(t->b, here);
    t->handler = k->outer;
}

/* try_table: a block whose body the handler covers; its clauses, tested
 * in order, branch to their labels (outside the try_table) with the
 * payload and the exnref. */
static void do_try_table(struct tr *t, const struct instr *in)
{
    struct ctl *k = push_block(t, OP_try_table, in);
    open_handler(t, t->nctls - 1);
    LLVMBasicBlockRef here = LLVMGetInsertBlock(t->b);
    const uint8_t *p = in->catches.p;
    for (uint32_t i = 0; i < in->catches.count && k->test; i++) {
        struct catch_clause c = catch_next(&p);
        uint32_t n = take_clause(t, k, c.kind, c.tag);
        branch_to(t, c.label + 1);
        t->nstack -= n;
    }
    LLVMPositionBuilderAtEnd(t->b, here);
}

/* Legacy try: a block whose body the handler covers. */
static void do_try(struct tr *t, const struct instr *in)
{
    push_block(t, OP_try_, in);
    open_handler(t, t->nctls - 1);
}

/* Legacy catch and catch_all: the part before ends (as at else); the
 * handler's next test leads here, with the payload as the operands. The
 * try's own handler no longer covers what follows. */
static void do_legacy_catch(struct tr *t, struct ctl *k, const struct instr *in)
{
    end_part(t, k);
    k->unreachable = false;
    t->handler = k->handler = k->outer;
    t->nstack = k->height;
    take_clause(t, k, in->op == OP_catch_ ? CATCH : CATCH_ALL, in->a);
}

/* delegate l: the try ends; what its body throws goes on from label l,
 * to the handler in force there (the label's own when it is a try body). */
static void do_delegate(struct tr *t, uint32_t label)
{
    struct ctl *k = &t->ctls[t->nctls - 1];
    close_handler(t, k, t->ctls[t->nctls - 2 - label].handler);
    do_end(t);
}

static void do_throw(struct tr *t, uint32_t tag)
{
    const struct functype *ft = &t->m->types[t->m->tag_types[tag]];
    uint32_t n = slots_of(functype_params(ft), ft->nparams);
    LLVMValueRef slots = entry_alloca(t, LLVMArrayType(t->i64, n ? n : 1));
    uint32_t slot = 0;
    for (uint32_t i = 0; i < ft->nparams; i++)
        store_slot(t, slots, &slot, functype_params(ft)[i], t->stack[t->nstack - ft->nparams + i].v);
    t->nstack -= ft->nparams;
    LLVMValueRef args[] = {t->inst_v, c32(t, tag), slots, c32(t, t->func), c32(t, t->offset), frame_address(t)};
    throw_exn(t, helper(t, H_THROW, args, 6));
    mark_unreachable(t);
}

/* ---- calls ---- */

/* Native wasm functions, their stubs, entries and OSR variants use LLVM's
 * tailcc (CallingConv::Tail, which LLVM-C's enum does not name): fastcc's
 * registers, plus tail calls that are guaranteed when marked musttail,
 * whatever the two prototypes, so that return_call runs in constant
 * stack space. */
#define WASM_CC 18u

/* Call a native function value (WASM_CC) with (lead..., args popped,
 * out when the results are in memory). */
static LLVMValueRef build_wasm_call(struct tr *t, LLVMTypeRef fty, LLVMValueRef fn, LLVMValueRef *lead,
                                    unsigned nlead, const struct functype *ft, LLVMTailCallKind kind,
                                    LLVMValueRef out)
{
    unsigned n = nlead + ft->nparams;
    LLVMValueRef *args = xmalloc((n + 1) * sizeof *args);
    for (unsigned i = 0; i < nlead; i++)
        args[i] = lead[i];
    for (uint32_t i = 0; i < ft->nparams; i++)
        args[nlead + i] = t->stack[t->nstack - ft->nparams + i].v;
    if (out)
        args[n++] = out;
    LLVMValueRef r;
    if (kind == LLVMTailCallKindMustTail) {
        /* A tail call leaves this function's handlers behind. */
        r = LLVMBuildCall2(t->b, fty, fn, args, n, "");
        LLVMSetTailCallKind(r, kind);
    } else {
        r = call_may_throw(t, fty, fn, args, n);
        if (LLVMIsACallInst(r))
            LLVMSetTailCallKind(r, kind);
    }
    LLVMSetInstructionCallConv(r, WASM_CC);
    free(args);
    t->nstack -= ft->nparams;
    return r;
}

/* A call, its results pushed. */
static void emit_native_call(struct tr *t, LLVMTypeRef fty, LLVMValueRef fn, LLVMValueRef *lead, unsigned nlead,
                             const struct functype *ft)
{
    /* Every wasm call is a real call: turning recursion into a loop would
     * make a runaway recursion loop forever instead of exhausting the
     * stack (tail-call elimination skips notail calls). */
    LLVMTypeRef st = results_in_memory(ft) ? results_struct(t, ft) : NULL;
    LLVMValueRef out = st ? entry_alloca(t, st) : NULL;
    LLVMValueRef r = build_wasm_call(t, fty, fn, lead, nlead, ft, LLVMTailCallKindNoTail, out);
    if (out)
        for (uint32_t i = 0; i < ft->nresults; i++)
            push(t, load_result(t, st, out, i), functype_results(ft)[i]);
    else if (ft->nresults == 1)
        push(t, r, functype_results(ft)[0]);
    else
        for (uint32_t i = 0; i < ft->nresults; i++)
            push(t, LLVMBuildExtractValue(t->b, r, i, ""), functype_results(ft)[i]);
}

/* A tail call (return_call*): the call, guaranteed to reuse this frame,
 * then the return of its results, which are this function's. */
static void emit_tail_call(struct tr *t, LLVMTypeRef fty, LLVMValueRef fn, LLVMValueRef *lead, unsigned nlead,
                           const struct functype *ft)
{
    /* The results are this function's: results in memory go to our own
     * caller's room. */
    LLVMValueRef r = build_wasm_call(t, fty, fn, lead, nlead, ft, LLVMTailCallKindMustTail, t->out);
    if (ft->nresults == 0 || t->out)
        LLVMBuildRetVoid(t->b);
    else
        LLVMBuildRet(t->b, r);
}

/* return_call of rt_func f (a pointer value): to its native code or to
 * the stub, each a tail call. */
static void tail_call_func_value(struct tr *t, LLVMValueRef f, uint32_t type)
{
    const struct functype *ft = &t->m->types[type];
    LLVMValueRef native = load_at(t, t->ptr, f, OFF(struct rt_func, native));
    LLVMValueRef has = LLVMBuildICmp(t->b, LLVMIntNE, native, LLVMConstNull(t->ptr), "");
    LLVMBasicBlockRef direct = new_bb(t, "tail.native"), stub = new_bb(t, "tail.stub");
    LLVMBuildCondBr(t->b, has, direct, stub);
    uint32_t base = t->nstack;
    LLVMPositionBuilderAtEnd(t->b, direct);
    LLVMValueRef callee_inst = load_at(t, t->ptr, f, OFF(struct rt_func, inst));
    emit_tail_call(t, t->fn_types[type], native, &callee_inst, 1, ft);
    t->nstack = base; /* the arguments are still there for the second call */
    LLVMPositionBuilderAtEnd(t->b, stub);
    LLVMValueRef lead[2] = {f, t->inst_v};
    emit_tail_call(t, LLVMGlobalGetValueType(t->stubs[type]), t->stubs[type], lead, 2, ft);
}

/* Call rt_func f (a pointer value) of module type `type`: its native code
 * when it has some, else through the stub and the runtime. */
static void call_func_value(struct tr *t, LLVMValueRef f, uint32_t type)
{
    const struct functype *ft = &t->m->types[type];
    LLVMValueRef native = load_at(t, t->ptr, f, OFF(struct rt_func, native));
    LLVMValueRef has = LLVMBuildICmp(t->b, LLVMIntNE, native, LLVMConstNull(t->ptr), "");
    LLVMBasicBlockRef direct = new_bb(t, "call.native"), stub = new_bb(t, "call.stub"), join = new_bb(t, "call.done");
    LLVMBuildCondBr(t->b, has, direct, stub);

    /* Both calls take the same arguments: keep them for the second. */
    uint32_t base = t->nstack;
    struct val *args = xmalloc((ft->nparams + 1) * sizeof *args);
    if (ft->nparams)
        memcpy(args, t->stack + base - ft->nparams, ft->nparams * sizeof *args);
    LLVMValueRef r1[16], r2[16];
    LLVMValueRef *res1 = ft->nresults <= 16 ? r1 : xmalloc(ft->nresults * sizeof *res1);
    LLVMValueRef *res2 = ft->nresults <= 16 ? r2 : xmalloc(ft->nresults * sizeof *res2);

    LLVMPositionBuilderAtEnd(t->b, direct);
    LLVMValueRef callee_inst = load_at(t, t->ptr, f, OFF(struct rt_func, inst));
    emit_native_call(t, t->fn_types[type], native, &callee_inst, 1, ft);
    for (uint32_t i = 0; i < ft->nresults; i++)
        res1[i] = t->stack[t->nstack - ft->nresults + i].v;
    LLVMBasicBlockRef from1 = LLVMGetInsertBlock(t->b);
    LLVMBuildBr(t->b, join);

    t->nstack = base - ft->nparams;
    for (uint32_t i = 0; i < ft->nparams; i++)
        push(t, args[i].v, args[i].t);
    free(args);
    LLVMPositionBuilderAtEnd(t->b, stub);
    LLVMValueRef lead[2] = {f, t->inst_v};
    emit_native_call(t, LLVMGlobalGetValueType(t->stubs[type]), t->stubs[type], lead, 2, ft);
    for (uint32_t i = 0; i < ft->nresults; i++)
        res2[i] = t->stack[t->nstack - ft->nresults + i].v;
    LLVMBasicBlockRef from2 = LLVMGetInsertBlock(t->b);
    LLVMBuildBr(t->b, join);

    LLVMPositionBuilderAtEnd(t->b, join);
    t->nstack -= ft->nresults;
    for (uint32_t i = 0; i < ft->nresults; i++) {
        valtype_t vt = functype_results(ft)[i];
        LLVMValueRef phi = LLVMBuildPhi(t->b, ty(t, vt), "");
        LLVMAddIncoming(phi, &res1[i], &from1, 1);
        LLVMAddIncoming(phi, &res2[i], &from2, 1);
        push(t, phi, vt);
    }
    if (res1 != r1) {
        free(res1);
        free(res2);
    }
}

/* Function fidx's native code when this module defines it here (itself
 * included), else NULL: called through its rt_func then. */
static LLVMValueRef direct_callee(struct tr *t, uint32_t fidx)
{
    if (fidx == t->func && t->self)
        return t->self;
    return fidx >= t->m->nfunc_imports ? t->funcs[fidx] : NULL;
}

static void do_call(struct tr *t, uint32_t fidx)
{
    const struct module *m = t->m;
    uint32_t type = m->func_types[fidx];
    LLVMValueRef fn = direct_callee(t, fidx);
    if (fn)
        emit_native_call(t, t->fn_types[type], fn, &t->inst_v, 1, &m->types[type]);
    else
        call_func_value(t, inst_elem(t, OFF(struct rt_instance, funcs), fidx), type);
}

static void do_return_call(struct tr *t, uint32_t fidx)
{
    const struct module *m = t->m;
    uint32_t type = m->func_types[fidx];
    LLVMValueRef fn = direct_callee(t, fidx);
    if (fn)
        emit_tail_call(t, t->fn_types[type], fn, &t->inst_v, 1, &m->types[type]);
    else
        tail_call_func_value(t, inst_elem(t, OFF(struct rt_instance, funcs), fidx), type);
    mark_unreachable(t);
}

/* The callee of call_indirect / return_call_indirect, checked. */
static LLVMValueRef indirect_callee(struct tr *t, uint32_t type, uint32_t table)
{
    LLVMValueRef i = addr64_narrow(t->b, pop(t));
    LLVMValueRef tab = inst_elem(t, OFF(struct rt_instance, tables), table);
    LLVMValueRef size = load_at(t, t->i32, tab, OFF(struct rt_table, size));
    trap_if(t, LLVMBuildICmp(t->b, LLVMIntUGE, i, size, ""), TRAP_UNDEFINED_ELEM);
    LLVMValueRef elems = load_at(t, t->ptr, tab, OFF(struct rt_table, elems));
    LLVMValueRef slot = LLVMBuildGEP2(t->b, t->ptr, elems, &i, 1, "");
    LLVMValueRef f = LLVMBuildLoad2(t->b, t->ptr, slot, "");
    tbaa(t, f, t->tbaa_rt);
    trap_if(t, LLVMBuildICmp(t->b, LLVMIntEQ, f, LLVMConstNull(t->ptr), ""), TRAP_UNINIT_ELEM);
    LLVMValueRef want = load_at(t, t->i32, load_at(t, t->ptr, t->inst_v, OFF(struct rt_instance, type_ids)),
                                (uint64_t)type * 4);
    LLVMValueRef have = load_at(t, t->i32, f, OFF(struct rt_func, type_id));
    /* Another type may still be a declared subtype: the runtime says. */
    LLVMBasicBlockRef sub = new_bb(t, "indirect.sub"), ok = new_bb(t, "indirect.ok");
    LLVMBuildCondBr(t->b, LLVMBuildICmp(t->b, LLVMIntNE, want, have, ""), sub, ok);
    LLVMPositionBuilderAtEnd(t->b, sub);
    LLVMValueRef args[] = {t->inst_v, have, want};
    trap_if(t, LLVMBuildICmp(t->b, LLVMIntEQ, helper(t, H_TYPE_SUB, args, 3), c32(t, 0), ""),
            TRAP_INDIRECT_MISMATCH);
    LLVMBuildBr(t->b, ok);
    LLVMPositionBuilderAtEnd(t->b, ok);
    return f;
}

/* The callee of call_ref / return_call_ref: the reference, not null. */
static LLVMValueRef ref_callee(struct tr *t)
{
    LLVMValueRef f = pop(t);
    trap_if(t, LLVMBuildICmp(t->b, LLVMIntEQ, f, LLVMConstNull(t->ptr), ""), TRAP_NULL_FUNC);
    return f;
}

/* br_on_null (on_null) and br_on_non_null: see the validator. */
static void do_br_on_null(struct tr *t, uint32_t depth, bool on_null)
{
    struct val ref = t->stack[t->nstack - 1];
    LLVMValueRef cond = LLVMBuildICmp(t->b, on_null ? LLVMIntEQ : LLVMIntNE, ref.v, LLVMConstNull(t->ptr), "");
    LLVMBasicBlockRef taken = new_bb(t, "br_on_null"), next = new_bb(t, "br_on_null.no");
    if (on_null)
        t->nstack--; /* taken without it */
    LLVMBuildCondBr(t->b, cond, taken, next);
    LLVMPositionBuilderAtEnd(t->b, taken);
    branch_to(t, depth);
    LLVMPositionBuilderAtEnd(t->b, next);
    if (on_null)
        push(t, ref.v, ref.t | VT_NONNULL);
    else
        t->nstack--;
}

static void do_call_indirect(struct tr *t, uint32_t type, uint32_t table)
{
    call_func_value(t, indirect_callee(t, type, table), type);
}

/* ---- memory ---- */

/* The address of an access of n bytes at (i32 address + offset) in memory
 * mem. A guarded memory needs no check: the address lands in its
 * reservation, and past the memory's size the access faults (the fault
 * handler in native.c makes that the trap). Otherwise an explicit check. */
static LLVMValueRef mem_addr(struct tr *t, uint32_t mem, LLVMValueRef addr, uint64_t offset, uint32_t n)
{
    LLVMValueRef mo = inst_elem(t, OFF(struct rt_instance, memories), mem);
    bool wide = t->m->memories[mem].limits.is64;
    LLVMValueRef ea = LLVMBuildAdd(t->b, addr64_widen(t->b, addr), c64(t, offset), "");
    if (!t->opt->guarded) {
        LLVMValueRef size = load_at(t, t->i64, mo, OFF(struct rt_memory, size));
        LLVMValueRef oob = wide ? addr64_out_of_bounds(t->b, addr, offset, n, size)
                                : LLVMBuildICmp(t->b, LLVMIntUGT, LLVMBuildAdd(t->b, ea, c64(t, n), ""), size, "");
        trap_if(t, oob, TRAP_OOB_MEMORY);
    } else if (wide) {
        /* A guarded i64 memory: one compare with a constant keeps the
         * access inside the reservation (address64.c). */
        trap_if(t, addr64_past_span(t->b, addr, offset, n), TRAP_OOB_MEMORY);
    }
    LLVMValueRef base = load_at(t, t->ptr, mo, OFF(struct rt_memory, data));
    return gep8(t, base, ea);
}

static LLVMValueRef mem_load(struct tr *t, LLVMTypeRef type, LLVMValueRef p)
{
    LLVMValueRef v = ordered(t, LLVMBuildLoad2(t->b, type, p, ""));
    LLVMSetAlignment(v, 1);
    tbaa(t, v, t->tbaa_mem);
    return v;
}

static void mem_store(struct tr *t, LLVMValueRef v, LLVMValueRef p)
{
    LLVMValueRef s = ordered(t, LLVMBuildStore(t->b, v, p));
    LLVMSetAlignment(s, 1);
    tbaa(t, s, t->tbaa_mem);
}

static bool do_load(struct tr *t, const struct instr *in)
{
    struct { uint16_t op; uint8_t bytes; bool sign; valtype_t res; } const loads[] = {
        {OP_i32_load, 4, 0, VT_I32}, {OP_i64_load, 8, 0, VT_I64}, {OP_f32_load, 4, 0, VT_F32},
        {OP_f64_load, 8, 0, VT_F64}, {OP_i32_load8_s, 1, 1, VT_I32}, {OP_i32_load8_u, 1, 0, VT_I32},
        {OP_i32_load16_s, 2, 1, VT_I32}, {OP_i32_load16_u, 2, 0, VT_I32}, {OP_i64_load8_s, 1, 1, VT_I64},
        {OP_i64_load8_u, 1, 0, VT_I64}, {OP_i64_load16_s, 2, 1, VT_I64}, {OP_i64_load16_u, 2, 0, VT_I64},
        {OP_i64_load32_s, 4, 1, VT_I64}, {OP_i64_load32_u, 4, 0, VT_I64},
    };
    for (size_t i = 0; i < ARRAY_LEN(loads); i++) {
        if (loads[i].op != in->op)
            continue;
        LLVMValueRef p = mem_addr(t, in->memarg.memory, pop(t), in->memarg.offset, loads[i].bytes);
        LLVMTypeRef rt = ty(t, loads[i].res);
        LLVMTypeRef mt = loads[i].res == VT_F32 || loads[i].res == VT_F64 ? rt
                         : LLVMIntTypeInContext(t->ctx, loads[i].bytes * 8);
        LLVMValueRef v = mem_load(t, mt, p);
        if (mt != rt)
            v = loads[i].sign ? LLVMBuildSExt(t->b, v, rt, "") : LLVMBuildZExt(t->b, v, rt, "");
        push(t, v, loads[i].res);
        return true;
    }
    return false;
}

static bool do_store(struct tr *t, const struct instr *in)
{
    struct { uint16_t op; uint8_t bytes; } const stores[] = {
        {OP_i32_store, 4}, {OP_i64_store, 8}, {OP_f32_store, 4}, {OP_f64_store, 8}, {OP_i32_store8, 1},
        {OP_i32_store16, 2}, {OP_i64_store8, 1}, {OP_i64_store16, 2}, {OP_i64_store32, 4},
    };
    for (size_t i = 0; i < ARRAY_LEN(stores); i++) {
        if (stores[i].op != in->op)
            continue;
        LLVMValueRef v = pop(t);
        LLVMValueRef p = mem_addr(t, in->memarg.memory, pop(t), in->memarg.offset, stores[i].bytes);
        LLVMTypeRef vt = LLVMTypeOf(v);
        if (LLVMGetTypeKind(vt) == LLVMIntegerTypeKind && LLVMGetIntTypeWidth(vt) != stores[i].bytes * 8u)
            v = LLVMBuildTrunc(t->b, v, LLVMIntTypeInContext(t->ctx, stores[i].bytes * 8), "");
        mem_store(t, v, p);
        return true;
    }
    return false;
}

/* ---- numeric ---- */

static LLVMValueRef bool32(struct tr *t, LLVMValueRef b) { return LLVMBuildZExt(t->b, b, t->i32, ""); }

static LLVMValueRef fbits(struct tr *t, LLVMValueRef v)
{
    LLVMTypeRef ft = LLVMTypeOf(v);
    return LLVMBuildBitCast(t->b, v, ft == t->f32 ? t->i32 : t->i64, "");
}

static LLVMValueRef from_bits(struct tr *t, LLVMValueRef v, LLVMTypeRef ft)
{
    return LLVMBuildBitCast(t->b, v, ft, "");
}

/* A float value LLVM cannot see through (an empty asm that returns its
 * operand in the same register). LLVM folds x * 1.0, x - 0.0, -0.0 - x,
 * x / -1.0, demote(promote(x)) and their kin to x or -x, which assumes a
 * signaling NaN need not come out quieted; wasm requires it to. So no
 * float is ever a constant to LLVM: every float value that does not come
 * from float arithmetic or memory (constants, the zero of a new local,
 * conversions and reinterpretations of integers, which LLVM folds when
 * the integer is constant) passes through here where it is made, and so
 * does the operand of a demote. Hiding operands of the arithmetic instead
 * cost 2x on nbody and matmul; this costs nothing measurable. */
static LLVMValueRef opaque(struct tr *t, LLVMValueRef v)
{
    LLVMTypeRef type = LLVMTypeOf(v);
    LLVMTypeRef fty = LLVMFunctionType(type, &type, 1, 0);
    const char *cons = t->opt->fp_constraint;
    LLVMValueRef asm_ = LLVMGetInlineAsm(fty, "", 0, cons, strlen(cons), 0, 0, LLVMInlineAsmDialectATT, 0);
    return LLVMBuildCall2(t->b, fty, asm_, &v, 1, "");
}

/* wasm min/max exactly as numeric.h computes them: the first NaN operand
 * quieted, -0 below +0. */
static LLVMValueRef fminmax(struct tr *t, LLVMValueRef a, LLVMValueRef b, bool is_min)
{
    LLVMTypeRef ft = LLVMTypeOf(a);
    bool f32 = ft == t->f32;
    LLVMValueRef quiet = f32 ? c32(t, 0x00400000) : c64(t, 0x0008000000000000ull);
    LLVMValueRef ua = fbits(t, a), ub = fbits(t, b);
    LLVMValueRef nan_a = LLVMBuildFCmp(t->b, LLVMRealUNO, a, a, "");
    LLVMValueRef nan_b = LLVMBuildFCmp(t->b, LLVMRealUNO, b, b, "");
    LLVMValueRef qa = from_bits(t, LLVMBuildOr(t->b, ua, quiet, ""), ft);
    LLVMValueRef qb = from_bits(t, LLVMBuildOr(t->b, ub, quiet, ""), ft);
    LLVMValueRef eq = LLVMBuildFCmp(t->b, LLVMRealOEQ, a, b, "");
    LLVMValueRef same = from_bits(t, is_min ? LLVMBuildOr(t->b, ua, ub, "") : LLVMBuildAnd(t->b, ua, ub, ""), ft);
    LLVMValueRef lt = LLVMBuildFCmp(t->b, is_min ? LLVMRealOLT : LLVMRealOGT, a, b, "");
    LLVMValueRef r = LLVMBuildSelect(t->b, lt, a, b, "");
    r = LLVMBuildSelect(t->b, eq, same, r, "");
    r = LLVMBuildSelect(t->b, nan_b, qb, r, "");
    return LLVMBuildSelect(t->b, nan_a, qa, r, "");
}

/* Trapping float-to-int conversions: NaN is an invalid conversion, a
 * value outside (lo, hi) an overflow. */
static void do_trunc(struct tr *t, valtype_t to, bool sign, double lo, bool lo_inclusive, double hi)
{
    LLVMValueRef x = pop(t);
    LLVMTypeRef ft = LLVMTypeOf(x);
    trap_if(t, LLVMBuildFCmp(t->b, LLVMRealUNO, x, x, ""), TRAP_INVALID_CONV);
    LLVMValueRef above = LLVMBuildFCmp(t->b, lo_inclusive ? LLVMRealOGE : LLVMRealOGT, x, LLVMConstReal(ft, lo), "");
    LLVMValueRef below = LLVMBuildFCmp(t->b, LLVMRealOLT, x, LLVMConstReal(ft, hi), "");
    trap_if(t, LLVMBuildNot(t->b, LLVMBuildAnd(t->b, above, below, ""), ""), TRAP_INT_OVERFLOW);
    LLVMTypeRef it = ty(t, to);
    push(t, sign ? LLVMBuildFPToSI(t->b, x, it, "") : LLVMBuildFPToUI(t->b, x, it, ""), to);
}

static void do_divrem(struct tr *t, uint16_t op, valtype_t vt)
{
    LLVMValueRef b = pop(t), a = pop(t);
    LLVMTypeRef it = ty(t, vt);
    LLVMValueRef zero = LLVMConstNull(it), minus1 = LLVMConstAllOnes(it);
    trap_if(t, LLVMBuildICmp(t->b, LLVMIntEQ, b, zero, ""), TRAP_DIV_ZERO);
    bool is32 = vt == VT_I32;
    LLVMValueRef min = is32 ? c32(t, 0x80000000u) : c64(t, 0x8000000000000000ull);
    LLVMValueRef r;
    switch (op) {
    case OP_i32_div_s: case OP_i64_div_s:
        trap_if(t, LLVMBuildAnd(t->b, LLVMBuildICmp(t->b, LLVMIntEQ, a, min, ""),
                                LLVMBuildICmp(t->b, LLVMIntEQ, b, minus1, ""), ""), TRAP_INT_OVERFLOW);
        r = LLVMBuildSDiv(t->b, a, b, "");
        break;
    case OP_i32_div_u: case OP_i64_div_u:
        r = LLVMBuildUDiv(t->b, a, b, "");
        break;
    case OP_i32_rem_s: case OP_i64_rem_s: {
        /* x rem -1 is 0; LLVM's srem of INT_MIN by -1 is undefined. */
        LLVMValueRef safe = LLVMBuildSelect(t->b, LLVMBuildICmp(t->b, LLVMIntEQ, b, minus1, ""),
                                            LLVMConstInt(it, 1, 0), b, "");
        r = LLVMBuildSRem(t->b, a, safe, "");
        break;
    }
    default:
        r = LLVMBuildURem(t->b, a, b, "");
        break;
    }
    push(t, r, vt);
}

static LLVMValueRef shift_count(struct tr *t, LLVMValueRef c)
{
    LLVMTypeRef it = LLVMTypeOf(c);
    return LLVMBuildAnd(t->b, c, LLVMConstInt(it, LLVMGetIntTypeWidth(it) - 1, 0), "");
}

/* Integer and float operations with a plain LLVM counterpart. Returns
 * false for anything else. */
static bool do_numeric(struct tr *t, uint16_t op)
{
    LLVMBuilderRef b = t->b;
#define BIN(o, vt, expr) case o: { LLVMValueRef y = pop(t), x = pop(t); push(t, (expr), vt); return true; }
#define CMP(o, expr) case o: { LLVMValueRef y = pop(t), x = pop(t); (void)y; push(t, bool32(t, (expr)), VT_I32); return true; }
#define UN(o, vt, expr) case o: { LLVMValueRef x = pop(t); push(t, (expr), vt); return true; }
#define INT_OPS(W, VT)                                                                             \
    BIN(OP_i##W##_add, VT, LLVMBuildAdd(b, x, y, ""))                                              \
    BIN(OP_i##W##_sub, VT, LLVMBuildSub(b, x, y, ""))                                              \
    BIN(OP_i##W##_mul, VT, LLVMBuildMul(b, x, y, ""))                                              \
    BIN(OP_i##W##_and, VT, LLVMBuildAnd(b, x, y, ""))                                              \
    BIN(OP_i##W##_or, VT, LLVMBuildOr(b, x, y, ""))                                                \
    BIN(OP_i##W##_xor, VT, LLVMBuildXor(b, x, y, ""))                                              \
    BIN(OP_i##W##_shl, VT, LLVMBuildShl(b, x, shift_count(t, y), ""))                              \
    BIN(OP_i##W##_shr_s, VT, LLVMBuildAShr(b, x, shift_count(t, y), ""))                           \
    BIN(OP_i##W##_shr_u, VT, LLVMBuildLShr(b, x, shift_count(t, y), ""))                           \
    BIN(OP_i##W##_rotl, VT, call_intr(t, "llvm.fshl", LLVMTypeOf(x), (LLVMValueRef[]){x, x, y}, 3)) \
    BIN(OP_i##W##_rotr, VT, call_intr(t, "llvm.fshr", LLVMTypeOf(x), (LLVMValueRef[]){x, x, y}, 3)) \
    CMP(OP_i##W##_eq, LLVMBuildICmp(b, LLVMIntEQ, x, y, ""))                                       \
    CMP(OP_i##W##_ne, LLVMBuildICmp(b, LLVMIntNE, x, y, ""))                                       \
    CMP(OP_i##W##_lt_s, LLVMBuildICmp(b, LLVMIntSLT, x, y, ""))                                    \
    CMP(OP_i##W##_lt_u, LLVMBuildICmp(b, LLVMIntULT, x, y, ""))                                    \
    CMP(OP_i##W##_gt_s, LLVMBuildICmp(b, LLVMIntSGT, x, y, ""))                                    \
    CMP(OP_i##W##_gt_u, LLVMBuildICmp(b, LLVMIntUGT, x, y, ""))                                    \
    CMP(OP_i##W##_le_s, LLVMBuildICmp(b, LLVMIntSLE, x, y, ""))                                    \
    CMP(OP_i##W##_le_u, LLVMBuildICmp(b, LLVMIntULE, x, y, ""))                                    \
    CMP(OP_i##W##_ge_s, LLVMBuildICmp(b, LLVMIntSGE, x, y, ""))                                    \
    CMP(OP_i##W##_ge_u, LLVMBuildICmp(b, LLVMIntUGE, x, y, ""))                                    \
    UN(OP_i##W##_eqz, VT_I32, bool32(t, LLVMBuildICmp(b, LLVMIntEQ, x, LLVMConstNull(LLVMTypeOf(x)), ""))) \
    UN(OP_i##W##_clz, VT, call_intr(t, "llvm.ctlz", LLVMTypeOf(x), (LLVMValueRef[]){x, LLVMConstInt(t->i1, 0, 0)}, 2)) \
    UN(OP_i##W##_ctz, VT, call_intr(t, "llvm.cttz", LLVMTypeOf(x), (LLVMValueRef[]){x, LLVMConstInt(t->i1, 0, 0)}, 2)) \
    UN(OP_i##W##_popcnt, VT, call_intr(t, "llvm.ctpop", LLVMTypeOf(x), &x, 1))
#define FLOAT_OPS(W, VT)                                                                           \
    BIN(OP_f##W##_add, VT, LLVMBuildFAdd(b, x, y, ""))                                             \
    BIN(OP_f##W##_sub, VT, LLVMBuildFSub(b, x, y, ""))                                             \
    BIN(OP_f##W##_mul, VT, LLVMBuildFMul(b, x, y, ""))                                             \
    BIN(OP_f##W##_div, VT, LLVMBuildFDiv(b, x, y, ""))                                             \
    BIN(OP_f##W##_min, VT, fminmax(t, x, y, true))                                                 \
    BIN(OP_f##W##_max, VT, fminmax(t, x, y, false))                                                \
    BIN(OP_f##W##_copysign, VT, call_intr(t, "llvm.copysign", LLVMTypeOf(x), (LLVMValueRef[]){x, y}, 2)) \
    CMP(OP_f##W##_eq, LLVMBuildFCmp(b, LLVMRealOEQ, x, y, ""))                                     \
    CMP(OP_f##W##_ne, LLVMBuildFCmp(b, LLVMRealUNE, x, y, ""))                                     \
    CMP(OP_f##W##_lt, LLVMBuildFCmp(b, LLVMRealOLT, x, y, ""))                                     \
    CMP(OP_f##W##_gt, LLVMBuildFCmp(b, LLVMRealOGT, x, y, ""))                                     \
    CMP(OP_f##W##_le, LLVMBuildFCmp(b, LLVMRealOLE, x, y, ""))                                     \
    CMP(OP_f##W##_ge, LLVMBuildFCmp(b, LLVMRealOGE, x, y, ""))                                     \
    UN(OP_f##W##_abs, VT, call_intr(t, "llvm.fabs", LLVMTypeOf(x), &x, 1))                         \
    UN(OP_f##W##_neg, VT, LLVMBuildFNeg(b, x, ""))                                                 \
    UN(OP_f##W##_ceil, VT, call_intr(t, "llvm.ceil", LLVMTypeOf(x), &x, 1))                        \
    UN(OP_f##W##_floor, VT, call_intr(t, "llvm.floor", LLVMTypeOf(x), &x, 1))                      \
    UN(OP_f##W##_trunc, VT, call_intr(t, "llvm.trunc", LLVMTypeOf(x), &x, 1))                      \
    UN(OP_f##W##_nearest, VT, call_intr(t, "llvm.roundeven", LLVMTypeOf(x), &x, 1))                \
    UN(OP_f##W##_sqrt, VT, call_intr(t, "llvm.sqrt", LLVMTypeOf(x), &x, 1))
    switch (op) {
    INT_OPS(32, VT_I32)
    INT_OPS(64, VT_I64)
    FLOAT_OPS(32, VT_F32)
    FLOAT_OPS(64, VT_F64)
    UN(OP_i32_wrap_i64, VT_I32, LLVMBuildTrunc(b, x, t->i32, ""))
    UN(OP_i64_extend_i32_s, VT_I64, LLVMBuildSExt(b, x, t->i64, ""))
    UN(OP_i64_extend_i32_u, VT_I64, LLVMBuildZExt(b, x, t->i64, ""))
    UN(OP_f32_convert_i32_s, VT_F32, opaque(t, LLVMBuildSIToFP(b, x, t->f32, "")))
    UN(OP_f32_convert_i32_u, VT_F32, opaque(t, LLVMBuildUIToFP(b, x, t->f32, "")))
    UN(OP_f32_convert_i64_s, VT_F32, opaque(t, LLVMBuildSIToFP(b, x, t->f32, "")))
    UN(OP_f32_convert_i64_u, VT_F32, opaque(t, LLVMBuildUIToFP(b, x, t->f32, "")))
    UN(OP_f64_convert_i32_s, VT_F64, opaque(t, LLVMBuildSIToFP(b, x, t->f64, "")))
    UN(OP_f64_convert_i32_u, VT_F64, opaque(t, LLVMBuildUIToFP(b, x, t->f64, "")))
    UN(OP_f64_convert_i64_s, VT_F64, opaque(t, LLVMBuildSIToFP(b, x, t->f64, "")))
    UN(OP_f64_convert_i64_u, VT_F64, opaque(t, LLVMBuildUIToFP(b, x, t->f64, "")))
    UN(OP_f32_demote_f64, VT_F32, LLVMBuildFPTrunc(b, opaque(t, x), t->f32, ""))
    UN(OP_f64_promote_f32, VT_F64, LLVMBuildFPExt(b, x, t->f64, ""))
    UN(OP_i32_reinterpret_f32, VT_I32, LLVMBuildBitCast(b, x, t->i32, ""))
    UN(OP_i64_reinterpret_f64, VT_I64, LLVMBuildBitCast(b, x, t->i64, ""))
    UN(OP_f32_reinterpret_i32, VT_F32, opaque(t, LLVMBuildBitCast(b, x, t->f32, "")))
    UN(OP_f64_reinterpret_i64, VT_F64, opaque(t, LLVMBuildBitCast(b, x, t->f64, "")))
    UN(OP_i32_extend8_s, VT_I32, LLVMBuildSExt(b, LLVMBuildTrunc(b, x, t->i8, ""), t->i32, ""))
    UN(OP_i32_extend16_s, VT_I32, LLVMBuildSExt(b, LLVMBuildTrunc(b, x, t->i16, ""), t->i32, ""))
    UN(OP_i64_extend8_s, VT_I64, LLVMBuildSExt(b, LLVMBuildTrunc(b, x, t->i8, ""), t->i64, ""))
    UN(OP_i64_extend16_s, VT_I64, LLVMBuildSExt(b, LLVMBuildTrunc(b, x, t->i16, ""), t->i64, ""))
    UN(OP_i64_extend32_s, VT_I64, LLVMBuildSExt(b, LLVMBuildTrunc(b, x, t->i32, ""), t->i64, ""))
#define SAT(o, name, to, VT) UN(o, VT, call_intr2(t, name, to, LLVMTypeOf(x), x))
    SAT(OP_i32_trunc_sat_f32_s, "llvm.fptosi.sat", t->i32, VT_I32)
    SAT(OP_i32_trunc_sat_f32_u, "llvm.fptoui.sat", t->i32, VT_I32)
    SAT(OP_i32_trunc_sat_f64_s, "llvm.fptosi.sat", t->i32, VT_I32)
    SAT(OP_i32_trunc_sat_f64_u, "llvm.fptoui.sat", t->i32, VT_I32)
    SAT(OP_i64_trunc_sat_f32_s, "llvm.fptosi.sat", t->i64, VT_I64)
    SAT(OP_i64_trunc_sat_f32_u, "llvm.fptoui.sat", t->i64, VT_I64)
    SAT(OP_i64_trunc_sat_f64_s, "llvm.fptosi.sat", t->i64, VT_I64)
    SAT(OP_i64_trunc_sat_f64_u, "llvm.fptoui.sat", t->i64, VT_I64)
    default:
        return false;
    }
#undef BIN
#undef CMP
#undef UN
#undef SAT
}

/* ---- SIMD ---- */

enum { SK_NONE, SK_UN, SK_BIN, SK_TER, SK_SHIFT, SK_TEST };

static const struct simd_helper {
    uint16_t op;
    uint8_t kind;
    const char *name;
} simd_helpers[] = {
#define SIMD_UN(id) {OP_##id, SK_UN, "wisp_simd_" #id},
#define SIMD_BIN(id) {OP_##id, SK_BIN, "wisp_simd_" #id},
#define SIMD_TER(id) {OP_##id, SK_TER, "wisp_simd_" #id},
#define SIMD_SHIFT(id) {OP_##id, SK_SHIFT, "wisp_simd_" #id},
#define SIMD_TEST(id) {OP_##id, SK_TEST, "wisp_simd_" #id},
#include "runtime/simd_ops.def"
};

static const struct simd_helper *simd_helper_of(uint16_t op)
{
    for (size_t i = 0; i < ARRAY_LEN(simd_helpers); i++)
        if (simd_helpers[i].op == op)
            return &simd_helpers[i];
    return NULL;
}

/* A pure SIMD operation through the interpreter's function for it. */
static void simd_call(struct tr *t, const struct simd_helper *h)
{
    unsigned nin = h->kind == SK_TER ? 3 : h->kind == SK_BIN || h->kind == SK_SHIFT ? 2 : 1;
    for (unsigned i = nin; i > 0; i--) {
        LLVMValueRef v = pop(t);
        LLVMValueRef st = LLVMBuildStore(t->b, v, t->simd_tmp[i]);
        LLVMSetAlignment(st, 16);
    }
    LLVMValueRef f = t->simd_helpers[h->op];
    if (!f) {
        f = t->simd_helpers[h->op] = LLVMAddFunction(t->mod, h->name, t->simd_type);
        set_attr(t, f, LLVMAttributeFunctionIndex, "nounwind");
    }
    LLVMBuildCall2(t->b, t->simd_type, f, t->simd_tmp, 4, "");
    if (h->kind == SK_TEST) {
        push(t, LLVMBuildLoad2(t->b, t->i32, t->simd_tmp[0], ""), VT_I32);
    } else {
        LLVMValueRef r = LLVMBuildLoad2(t->b, t->v128, t->simd_tmp[0], "");
        LLVMSetAlignment(r, 16);
        push(t, r, VT_V128);
    }
}

static LLVMTypeRef vec(struct tr *t, LLVMTypeRef el, unsigned n)
{
    (void)t;
    return LLVMVectorType(el, n);
}

/* The lane shape of i8x16 ... f64x2 instructions. */
static void lane_shape(struct tr *t, uint16_t op, LLVMTypeRef *el, unsigned *n, valtype_t *scalar)
{
    const char *name = opcode_table[op].name;
    if (!strncmp(name, "i8x16", 5)) { *el = t->i8; *n = 16; *scalar = VT_I32; }
    else if (!strncmp(name, "i16x8", 5)) { *el = t->i16; *n = 8; *scalar = VT_I32; }
    else if (!strncmp(name, "i32x4", 5)) { *el = t->i32; *n = 4; *scalar = VT_I32; }
    else if (!strncmp(name, "i64x2", 5)) { *el = t->i64; *n = 2; *scalar = VT_I64; }
    else if (!strncmp(name, "f32x4", 5)) { *el = t->f32; *n = 4; *scalar = VT_F32; }
    else { *el = t->f64; *n = 2; *scalar = VT_F64; }
}

static LLVMValueRef as_v128(struct tr *t, LLVMValueRef v) { return LLVMBuildBitCast(t->b, v, t->v128, ""); }

static LLVMValueRef splat(struct tr *t, LLVMValueRef x, LLVMTypeRef el, unsigned n)
{
    LLVMTypeRef vt = vec(t, el, n);
    LLVMValueRef v = LLVMBuildInsertElement(t->b, LLVMGetUndef(vt), x, c32(t, 0), "");
    LLVMValueRef mask = LLVMConstNull(vec(t, t->i32, n));
    return LLVMBuildShuffleVector(t->b, v, LLVMGetUndef(vt), mask, "");
}

static bool do_simd_lanes(struct tr *t, const struct instr *in)
{
    LLVMTypeRef el;
    unsigned n;
    valtype_t scalar;
    uint16_t op = in->op;
    const char *name = opcode_table[op].name;
    bool is_splat = strstr(name, ".splat") != NULL;
    bool is_extract = strstr(name, ".extract_lane") != NULL;
    bool is_replace = strstr(name, ".replace_lane") != NULL;
    if (!is_splat && !is_extract && !is_replace)
        return false;
    lane_shape(t, op, &el, &n, &scalar);
    LLVMTypeRef vt = vec(t, el, n);
    bool narrow = el == t->i8 || el == t->i16;
    if (is_splat) {
        LLVMValueRef x = pop(t);
        if (narrow)
            x = LLVMBuildTrunc(t->b, x, el, "");
        push(t, as_v128(t, splat(t, x, el, n)), VT_V128);
    } else if (is_extract) {
        LLVMValueRef v = LLVMBuildBitCast(t->b, pop(t), vt, "");
        LLVMValueRef x = LLVMBuildExtractElement(t->b, v, c32(t, in->lane), "");
        if (narrow)
            x = name[strlen(name) - 1] == 's' ? LLVMBuildSExt(t->b, x, t->i32, "") : LLVMBuildZExt(t->b, x, t->i32, "");
        push(t, x, scalar);
    } else {
        LLVMValueRef x = pop(t);
        LLVMValueRef v = LLVMBuildBitCast(t->b, pop(t), vt, "");
        if (narrow)
            x = LLVMBuildTrunc(t->b, x, el, "");
        push(t, as_v128(t, LLVMBuildInsertElement(t->b, v, x, c32(t, in->lane), "")), VT_V128);
    }
    return true;
}

static bool do_simd_memory(struct tr *t, const struct instr *in)
{
    uint32_t mem = in->memarg.memory;
    uint64_t off = in->memarg.offset;
    switch (in->op) {
    case OP_v128_load: {
        LLVMValueRef p = mem_addr(t, mem, pop(t), off, 16);
        push(t, mem_load(t, t->v128, p), VT_V128);
        return true;
    }
    case OP_v128_store: {
        LLVMValueRef v = pop(t);
        mem_store(t, v, mem_addr(t, mem, pop(t), off, 16));
        return true;
    }
#define LOADX(o, from, to, nl, sext)                                                          \
    case o: {                                                                                 \
        LLVMValueRef p = mem_addr(t, mem, pop(t), off, 8);                                    \
        LLVMValueRef v = mem_load(t, vec(t, from, nl), p);                                    \
        v = sext ? LLVMBuildSExt(t->b, v, vec(t, to, nl), "") : LLVMBuildZExt(t->b, v, vec(t, to, nl), ""); \
        push(t, as_v128(t, v), VT_V128);                                                      \
        return true;                                                                          \
    }
    LOADX(OP_v128_load8x8_s, t->i8, t->i16, 8, 1)
    LOADX(OP_v128_load8x8_u, t->i8, t->i16, 8, 0)
    LOADX(OP_v128_load16x4_s, t->i16, t->i32, 4, 1)
    LOADX(OP_v128_load16x4_u, t->i16, t->i32, 4, 0)
    LOADX(OP_v128_load32x2_s, t->i32, t->i64, 2, 1)
    LOADX(OP_v128_load32x2_u, t->i32, t->i64, 2, 0)
#undef LOADX
#define LOADSPLAT(o, el, nl, bytes)                                                            \
    case o: {                                                                                  \
        LLVMValueRef p = mem_addr(t, mem, pop(t), off, bytes);                                 \
        push(t, as_v128(t, splat(t, mem_load(t, el, p), el, nl)), VT_V128);                    \
        return true;                                                                           \
    }
    LOADSPLAT(OP_v128_load8_splat, t->i8, 16, 1)
    LOADSPLAT(OP_v128_load16_splat, t->i16, 8, 2)
    LOADSPLAT(OP_v128_load32_splat, t->i32, 4, 4)
    LOADSPLAT(OP_v128_load64_splat, t->i64, 2, 8)
#undef LOADSPLAT
    case OP_v128_load32_zero: case OP_v128_load64_zero: {
        bool w64 = in->op == OP_v128_load64_zero;
        LLVMTypeRef el = w64 ? t->i64 : t->i32;
        LLVMValueRef p = mem_addr(t, mem, pop(t), off, w64 ? 8 : 4);
        LLVMValueRef v = LLVMBuildInsertElement(t->b, LLVMConstNull(vec(t, el, w64 ? 2 : 4)),
                                                mem_load(t, el, p), c32(t, 0), "");
        push(t, as_v128(t, v), VT_V128);
        return true;
    }
#define LANE(lo, so, el, nl, bytes)                                                            \
    case lo: {                                                                                 \
        LLVMValueRef v = LLVMBuildBitCast(t->b, pop(t), vec(t, el, nl), "");                   \
        LLVMValueRef p = mem_addr(t, mem, pop(t), off, bytes);                                 \
        v = LLVMBuildInsertElement(t->b, v, mem_load(t, el, p), c32(t, in->lane), "");         \
        push(t, as_v128(t, v), VT_V128);                                                       \
        return true;                                                                           \
    }                                                                                          \
    case so: {                                                                                 \
        LLVMValueRef v = LLVMBuildBitCast(t->b, pop(t), vec(t, el, nl), "");                   \
        LLVMValueRef p = mem_addr(t, mem, pop(t), off, bytes);                                 \
        mem_store(t, LLVMBuildExtractElement(t->b, v, c32(t, in->lane), ""), p);               \
        return true;                                                                           \
    }
    LANE(OP_v128_load8_lane, OP_v128_store8_lane, t->i8, 16, 1)
    LANE(OP_v128_load16_lane, OP_v128_store16_lane, t->i16, 8, 2)
    LANE(OP_v128_load32_lane, OP_v128_store32_lane, t->i32, 4, 4)
    LANE(OP_v128_load64_lane, OP_v128_store64_lane, t->i64, 2, 8)
#undef LANE
    default:
        return false;
    }
}

/* Vector operations LLVM expresses directly (the hot ones in real code). */
static bool do_simd_inline(struct tr *t, uint16_t op)
{
    LLVMTypeRef el;
    unsigned n;
    valtype_t scalar;
    LLVMBuilderRef b = t->b;
    switch (op) {
    case OP_v128_and: case OP_v128_or: case OP_v128_xor: case OP_v128_andnot: {
        LLVMValueRef y = pop(t), x = pop(t);
        LLVMValueRef r = op == OP_v128_and ? LLVMBuildAnd(b, x, y, "")
                         : op == OP_v128_or ? LLVMBuildOr(b, x, y, "")
                         : op == OP_v128_xor ? LLVMBuildXor(b, x, y, "")
                                             : LLVMBuildAnd(b, x, LLVMBuildNot(b, y, ""), "");
        push(t, r, VT_V128);
        return true;
    }
    case OP_v128_not:
        push(t, LLVMBuildNot(b, pop(t), ""), VT_V128);
        return true;
    case OP_i8x16_add: case OP_i16x8_add: case OP_i32x4_add: case OP_i64x2_add:
    case OP_i8x16_sub: case OP_i16x8_sub: case OP_i32x4_sub: case OP_i64x2_sub:
    case OP_i16x8_mul: case OP_i32x4_mul: case OP_i64x2_mul:
    case OP_f32x4_add: case OP_f64x2_add: case OP_f32x4_sub: case OP_f64x2_sub:
    case OP_f32x4_mul: case OP_f64x2_mul: case OP_f32x4_div: case OP_f64x2_div: {
        lane_shape(t, op, &el, &n, &scalar);
        LLVMTypeRef vt = vec(t, el, n);
        LLVMValueRef y = LLVMBuildBitCast(b, pop(t), vt, ""), x = LLVMBuildBitCast(b, pop(t), vt, "");
        const char *name = opcode_table[op].name + 6;
        bool fl = el == t->f32 || el == t->f64;
        LLVMValueRef r;
        if (!strcmp(name, "add")) r = fl ? LLVMBuildFAdd(b, x, y, "") : LLVMBuildAdd(b, x, y, "");
        else if (!strcmp(name, "sub")) r = fl ? LLVMBuildFSub(b, x, y, "") : LLVMBuildSub(b, x, y, "");
        else if (!strcmp(name, "mul")) r = fl ? LLVMBuildFMul(b, x, y, "") : LLVMBuildMul(b, x, y, "");
        else r = LLVMBuildFDiv(b, x, y, "");
        push(t, as_v128(t, r), VT_V128);
        return true;
    }
    default:
        return false;
    }
}

/* Relaxed SIMD but relaxed_swizzle: inline (relaxed_simd.c). */
static bool do_simd_relaxed(struct tr *t, uint16_t op)
{
    if (!relaxed_simd_has_ir(op))
        return false;
    LLVMValueRef args[3];
    for (size_t i = strcspn(opcode_table[op].sig, ":"); i > 0; i--)
        args[i - 1] = pop(t);
    push(t, relaxed_simd_ir(t->b, t->mod, op, args), VT_V128);
    return true;
}

/* ---- everything else ---- */

/* Call a helper that returns a trap reason, and trap with it when it is
 * not 0. */
static void helper_checked(struct tr *t, enum helper h, LLVMValueRef *args, unsigned n)
{
    LLVMValueRef kind = LLVMBuildCall2(t->b, t->helper_types[h], t->helpers[h], args, n, "");
    LLVMBasicBlockRef bad = new_bb(t, "trap"), ok = new_bb(t, "ok");
    LLVMBuildCondBr(t->b, LLVMBuildICmp(t->b, LLVMIntNE, kind, c32(t, 0), ""), bad, ok);
    LLVMPositionBuilderAtEnd(t->b, bad);
    LLVMValueRef targs[] = {t->inst_v, c32(t, t->func), kind, c32(t, t->offset), frame_address(t)};
    LLVMBuildCall2(t->b, t->helper_types[H_TRAP], t->helpers[H_TRAP], targs, 5, "");
    LLVMBuildUnreachable(t->b);
    LLVMPositionBuilderAtEnd(t->b, ok);
}


static LLVMValueRef global_ptr(struct tr *t, uint32_t idx)
{
    LLVMValueRef g = inst_elem(t, OFF(struct rt_instance, globals), idx);
    return gep8(t, g, c64(t, OFF(struct rt_global, val)));
}

static bool translate_instr(struct tr *t, const struct instr *in)
{
    const struct module *m = t->m;
    struct ctl *k = &t->ctls[t->nctls - 1];
    switch (in->op) {
    case OP_unreachable:
        trap_here(t, TRAP_UNREACHABLE);
        mark_unreachable(t);
        return true;
    case OP_nop:
        return true;
    case OP_block: do_block(t, in); return true;
    case OP_loop: do_loop(t, in); return true;
    case OP_if_: do_if(t, in); return true;
    case OP_else_: do_else(t, k); return true;
    case OP_end: do_end(t); return true;
    case OP_try_table: do_try_table(t, in); return true;
    case OP_try_: do_try(t, in); return true;
    case OP_catch_: case OP_catch_all: do_legacy_catch(t, k, in); return true;
    case OP_delegate: do_delegate(t, in->a); return true;
    case OP_throw_: do_throw(t, in->a); return true;
    case OP_throw_ref:
        throw_exn(t, throw_site(t, pop(t)));
        mark_unreachable(t);
        return true;
    case OP_rethrow: {
        struct ctl *c = &t->ctls[t->nctls - 1 - in->a];
        c->rethrown = true;
        throw_exn(t, throw_site(t, c->exn));
        mark_unreachable(t);
        return true;
    }
    case OP_br:
        branch_to(t, in->a);
        mark_unreachable(t);
        return true;
    case OP_br_if: do_br_if(t, in->a); return true;
    case OP_br_table:
        do_br_table(t, in);
        mark_unreachable(t);
        return true;
    case OP_return_:
        build_return(t, t->ctls[0].nresults);
        mark_unreachable(t);
        return true;
    case OP_call: do_call(t, in->a); return true;
    case OP_call_indirect: do_call_indirect(t, in->a, in->b); return true;
    case OP_return_call: do_return_call(t, in->a); return true;
    case OP_return_call_indirect:
        tail_call_func_value(t, indirect_callee(t, in->a, in->b), in->a);
        mark_unreachable(t);
        return true;
    case OP_call_ref: call_func_value(t, ref_callee(t), in->a); return true;
    case OP_return_call_ref:
        tail_call_func_value(t, ref_callee(t), in->a);
        mark_unreachable(t);
        return true;
    case OP_br_on_null: do_br_on_null(t, in->a, true); return true;
    case OP_br_on_non_null: do_br_on_null(t, in->a, false); return true;
    case OP_ref_as_non_null:
        trap_if(t, LLVMBuildICmp(t->b, LLVMIntEQ, top(t, 0), LLVMConstNull(t->ptr), ""), TRAP_NULL_REF);
        t->stack[t->nstack - 1].t |= VT_NONNULL;
        return true;
    case OP_drop: t->nstack--; return true;
    case OP_select: case OP_select_t: {
        LLVMValueRef c = pop(t), y = pop(t), x = pop(t);
        valtype_t vt = t->stack[t->nstack].t;
        push(t, LLVMBuildSelect(t->b, LLVMBuildICmp(t->b, LLVMIntNE, c, c32(t, 0), ""), x, y, ""), vt);
        return true;
    }
    case OP_local_get:
        push(t, LLVMBuildLoad2(t->b, ty(t, t->local_types[in->a]), t->locals[in->a], ""), t->local_types[in->a]);
        return true;
    case OP_local_set:
        LLVMBuildStore(t->b, pop(t), t->locals[in->a]);
        return true;
    case OP_local_tee:
        LLVMBuildStore(t->b, top(t, 0), t->locals[in->a]);
        return true;
    case OP_global_get: {
        valtype_t vt = m->globals[in->a].type.type;
        LLVMValueRef v = LLVMBuildLoad2(t->b, ty(t, vt), global_ptr(t, in->a), "");
        LLVMSetAlignment(v, 8);
        tbaa(t, v, t->tbaa_rt);
        push(t, v, vt);
        return true;
    }
    case OP_global_set: {
        LLVMValueRef v = pop(t);
        LLVMValueRef st = ordered(t, LLVMBuildStore(t->b, v, global_ptr(t, in->a)));
        LLVMSetAlignment(st, 8);
        tbaa(t, st, t->tbaa_rt);
        return true;
    }
    case OP_table_get: case OP_table_set: {
        LLVMValueRef v = in->op == OP_table_set ? pop(t) : NULL;
        LLVMValueRef i = addr64_narrow(t->b, pop(t));
        LLVMValueRef tab = inst_elem(t, OFF(struct rt_instance, tables), in->a);
        LLVMValueRef size = load_at(t, t->i32, tab, OFF(struct rt_table, size));
        trap_if(t, LLVMBuildICmp(t->b, LLVMIntUGE, i, size, ""), TRAP_OOB_TABLE);
        LLVMValueRef elems = load_at(t, t->ptr, tab, OFF(struct rt_table, elems));
        LLVMValueRef p = LLVMBuildGEP2(t->b, t->ptr, elems, &i, 1, "");
        if (v) {
            tbaa(t, ordered(t, LLVMBuildStore(t->b, v, p)), t->tbaa_rt);
        } else {
            LLVMValueRef r = LLVMBuildLoad2(t->b, t->ptr, p, "");
            tbaa(t, r, t->tbaa_rt);
            push(t, r, m->tables[in->a].elem);
        }
        return true;
    }
    case OP_table_size: {
        LLVMValueRef tab = inst_elem(t, OFF(struct rt_instance, tables), in->a);
        LLVMValueRef size = load_at(t, t->i32, tab, OFF(struct rt_table, size));
        if (m->tables[in->a].limits.is64)
            push(t, addr64_widen(t->b, size), VT_I64);
        else
            push(t, size, VT_I32);
        return true;
    }
    case OP_table_grow: {
        LLVMValueRef delta = addr64_narrow(t->b, pop(t)), init = pop(t);
        LLVMValueRef args[] = {t->inst_v, c32(t, in->a), init, delta};
        LLVMValueRef r = helper(t, H_TABLE_GROW, args, 4);
        if (m->tables[in->a].limits.is64)
            push(t, addr64_grow_result(t->b, r), VT_I64);
        else
            push(t, r, VT_I32);
        return true;
    }
    case OP_table_fill: {
        LLVMValueRef n = addr64_narrow(t->b, pop(t)), v = pop(t), i = addr64_narrow(t->b, pop(t));
        LLVMValueRef args[] = {t->inst_v, c32(t, in->a), i, v, n};
        helper_checked(t, H_TABLE_FILL, args, 5);
        return true;
    }
    case OP_table_copy: {
        LLVMValueRef n = addr64_narrow(t->b, pop(t)), s = addr64_narrow(t->b, pop(t));
        LLVMValueRef d = addr64_narrow(t->b, pop(t));
        LLVMValueRef args[] = {t->inst_v, c32(t, in->a), c32(t, in->b), d, s, n};
        helper_checked(t, H_TABLE_COPY, args, 6);
        return true;
    }
    case OP_table_init: {
        LLVMValueRef n = pop(t), s = pop(t), d = addr64_narrow(t->b, pop(t));
        LLVMValueRef args[] = {t->inst_v, c32(t, in->a), c32(t, in->b), d, s, n};
        helper_checked(t, H_TABLE_INIT, args, 6);
        return true;
    }
    case OP_elem_drop: {
        LLVMValueRef args[] = {t->inst_v, c32(t, in->a)};
        helper(t, H_ELEM_DROP, args, 2);
        return true;
    }
    case OP_memory_size: {
        LLVMValueRef mo = inst_elem(t, OFF(struct rt_instance, memories), in->a);
        LLVMValueRef size = load_at(t, t->i64, mo, OFF(struct rt_memory, size));
        LLVMValueRef pages = LLVMBuildLShr(t->b, size, c64(t, 16), "");
        if (m->memories[in->a].limits.is64)
            push(t, pages, VT_I64);
        else
            push(t, LLVMBuildTrunc(t->b, pages, t->i32, ""), VT_I32);
        return true;
    }
    case OP_memory_grow: {
        LLVMValueRef args[] = {t->inst_v, c32(t, in->a), addr64_narrow(t->b, pop(t))};
        LLVMValueRef r = helper(t, H_MEMORY_GROW, args, 3);
        if (m->memories[in->a].limits.is64)
            push(t, addr64_grow_result(t->b, r), VT_I64);
        else
            push(t, r, VT_I32);
        return true;
    }
    case OP_memory_fill: {
        LLVMValueRef n = addr64_widen(t->b, pop(t)), v = pop(t), d = addr64_widen(t->b, pop(t));
        LLVMValueRef args[] = {t->inst_v, c32(t, in->a), d, v, n};
        helper_checked(t, H_MEMORY_FILL, args, 5);
        return true;
    }
    case OP_memory_copy: {
        LLVMValueRef n = addr64_widen(t->b, pop(t)), s = addr64_widen(t->b, pop(t));
        LLVMValueRef d = addr64_widen(t->b, pop(t));
        LLVMValueRef args[] = {t->inst_v, c32(t, in->a), c32(t, in->b), d, s, n};
        helper_checked(t, H_MEMORY_COPY, args, 6);
        return true;
    }
    case OP_memory_init: {
        LLVMValueRef n = pop(t), s = pop(t), d = addr64_widen(t->b, pop(t));
        LLVMValueRef args[] = {t->inst_v, c32(t, in->b), c32(t, in->a), d, s, n};
        helper_checked(t, H_MEMORY_INIT, args, 6);
        return true;
    }
    case OP_data_drop: {
        LLVMValueRef args[] = {t->inst_v, c32(t, in->a)};
        helper(t, H_DATA_DROP, args, 2);
        return true;
    }
    case OP_i32_const: push(t, c32(t, (uint32_t)in->imm.i32), VT_I32); return true;
    case OP_i64_const: push(t, c64(t, (uint64_t)in->imm.i64), VT_I64); return true;
    case OP_f32_const: push(t, opaque(t, LLVMConstBitCast(c32(t, in->imm.f32), t->f32)), VT_F32); return true;
    case OP_f64_const: push(t, opaque(t, LLVMConstBitCast(c64(t, in->imm.f64), t->f64)), VT_F64); return true;
    case OP_v128_const: {
        uint64_t lo, hi;
        memcpy(&lo, in->imm.v128, 8);
        memcpy(&hi, in->imm.v128 + 8, 8);
        LLVMValueRef el[2] = {c64(t, lo), c64(t, hi)};
        push(t, opaque(t, LLVMConstVector(el, 2)), VT_V128);
        return true;
    }
    case OP_i8x16_shuffle: {
        LLVMTypeRef vt = vec(t, t->i8, 16);
        LLVMValueRef y = LLVMBuildBitCast(t->b, pop(t), vt, ""), x = LLVMBuildBitCast(t->b, pop(t), vt, "");
        LLVMValueRef mask[16];
        for (int i = 0; i < 16; i++)
            mask[i] = c32(t, in->imm.v128[i]);
        push(t, as_v128(t, LLVMBuildShuffleVector(t->b, x, y, LLVMConstVector(mask, 16), "")), VT_V128);
        return true;
    }
    case OP_ref_null: push(t, LLVMConstNull(t->ptr), in->valtype); return true;
    case OP_ref_is_null:
        push(t, bool32(t, LLVMBuildICmp(t->b, LLVMIntEQ, pop(t), LLVMConstNull(t->ptr), "")), VT_I32);
        return true;
    case OP_ref_func: push(t, inst_elem(t, OFF(struct rt_instance, funcs), in->a), VT_FUNCREF); return true;
    case OP_i32_div_s: case OP_i32_div_u: case OP_i32_rem_s: case OP_i32_rem_u:
        do_divrem(t, in->op, VT_I32);
        return true;
    case OP_i64_div_s: case OP_i64_div_u: case OP_i64_rem_s: case OP_i64_rem_u:
        do_divrem(t, in->op, VT_I64);
        return true;
    case OP_i32_trunc_f32_s: do_trunc(t, VT_I32, true, -2147483648.0, true, 2147483648.0); return true;
    case OP_i32_trunc_f32_u: do_trunc(t, VT_I32, false, -1.0, false, 4294967296.0); return true;
    case OP_i32_trunc_f64_s: do_trunc(t, VT_I32, true, -2147483649.0, false, 2147483648.0); return true;
    case OP_i32_trunc_f64_u: do_trunc(t, VT_I32, false, -1.0, false, 4294967296.0); return true;
    case OP_i64_trunc_f32_s: case OP_i64_trunc_f64_s:
        do_trunc(t, VT_I64, true, -9223372036854775808.0, true, 9223372036854775808.0);
        return true;
    case OP_i64_trunc_f32_u: case OP_i64_trunc_f64_u:
        do_trunc(t, VT_I64, false, -1.0, false, 18446744073709551616.0);
        return true;
    default:
        break;
    }
    if (do_numeric(t, in->op) || do_load(t, in) || do_store(t, in) || do_simd_memory(t, in) ||
        do_simd_lanes(t, in) || do_simd_inline(t, in->op) || do_simd_relaxed(t, in->op))
        return true;
    const struct simd_helper *h = simd_helper_of(in->op);
    if (h) {
        simd_call(t, h);
        return true;
    }
    char what[96];
    snprintf(what, sizeof what, "instruction %s is not supported", opcode_table[in->op].name);
    return fail(t, what);
}

/* ---- functions ---- */

static LLVMValueRef new_function(struct tr *t, const char *name, LLVMTypeRef fty, bool internal)
{
    LLVMValueRef f = LLVMAddFunction(t->mod, name, fty);
    if (internal)
        LLVMSetLinkage(f, LLVMInternalLinkage);
    set_str_attr(t, f, "frame-pointer", "all");
    /* Not nounwind: exceptions unwind through every wasm frame (LLVM
     * infers nounwind where nothing called can throw). */
    return f;
}

/* A value of type vt in the slots at *slot (8 bytes each, v128 two), and
 * *slot moved past it. Stores write whole slots, zero-extended, as the
 * interpreter does. */
static LLVMValueRef load_slot(struct tr *t, LLVMValueRef slots, uint32_t *slot, valtype_t vt)
{
    LLVMValueRef v = LLVMBuildLoad2(t->b, ty(t, vt), gep8(t, slots, c64(t, *slot * 8ull)), "");
    LLVMSetAlignment(v, 8);
    *slot += vt == VT_V128 ? 2 : 1;
    return v;
}

static void store_slot(struct tr *t, LLVMValueRef slots, uint32_t *slot, valtype_t vt, LLVMValueRef v)
{
    if (vt == VT_I32 || vt == VT_F32)
        v = LLVMBuildZExt(t->b, vt == VT_F32 ? LLVMBuildBitCast(t->b, v, t->i32, "") : v, t->i64, "");
    LLVMValueRef st = LLVMBuildStore(t->b, v, gep8(t, slots, c64(t, *slot * 8ull)));
    LLVMSetAlignment(st, 8);
    *slot += vt == VT_V128 ? 2 : 1;
}

/* At an OSR loop: a case of the variant's entry switch loads the frame's
 * locals and operand stack, which join the ordinary path's values at the
 * loop (the ordinary path is dead in a variant). */
static void osr_join(struct tr *t, LLVMValueRef osr_switch, uint32_t loop)
{
    LLVMBasicBlockRef normal = LLVMGetInsertBlock(t->b), join = new_bb(t, "osr.join");
    LLVMBasicBlockRef in = new_bb(t, "osr.case");
    LLVMAddCase(osr_switch, c32(t, loop), in);
    LLVMBuildBr(t->b, join);
    LLVMPositionBuilderAtEnd(t->b, in);
    LLVMValueRef fp = LLVMGetParam(t->fn, 1);
    uint32_t slot = 0;
    for (uint32_t i = 0; i < t->nlocals; i++)
        LLVMBuildStore(t->b, load_slot(t, fp, &slot, t->local_types[i]), t->locals[i]);
    LLVMValueRef *loaded = xmalloc((t->nstack + 1) * sizeof *loaded);
    for (uint32_t i = 0; i < t->nstack; i++)
        loaded[i] = load_slot(t, fp, &slot, t->stack[i].t);
    LLVMBuildBr(t->b, join);
    LLVMPositionBuilderAtEnd(t->b, join);
    for (uint32_t i = 0; i < t->nstack; i++) {
        LLVMValueRef phi = LLVMBuildPhi(t->b, ty(t, t->stack[i].t), "");
        LLVMAddIncoming(phi, &t->stack[i].v, &normal, 1);
        LLVMAddIncoming(phi, &loaded[i], &in, 1);
        t->stack[i].v = phi;
    }
    free(loaded);
}

static bool is_osr_loop(const uint32_t *loops, uint32_t n, uint32_t offset)
{
    for (uint32_t i = 0; i < n; i++)
        if (loops[i] == offset)
            return true;
    return false;
}

/* Translate function fidx into t->fn; with nosr loops, its OSR variant
 * fn(inst, frame, loop), which starts at the loop at byte offset `loop`
 * (one of loops[]) with the interpreter's frame, and returns the
 * function's results. */
static bool translate_func(struct tr *t, uint32_t fidx, const uint32_t *osr_loops, uint32_t nosr)
{
    const struct module *m = t->m;
    const struct code *code = &m->codes[fidx - m->nfunc_imports];
    const struct functype *ft = &m->types[m->func_types[fidx]];
    t->func = fidx;
    t->fn_type = ft;
    t->out = results_in_memory(ft) ? LLVMGetParam(t->fn, LLVMCountParams(t->fn) - 1) : NULL;
    t->offset = code->body_offset;
    t->nstack = t->nctls = t->dead_depth = 0;
    t->handler = NO_HANDLER;
    t->cost_sub = t->cost_call = NULL;
    t->cost = 0;

    LLVMBasicBlockRef entry = new_bb(t, "entry");
    LLVMPositionBuilderAtEnd(t->b, entry);
    t->inst_v = LLVMGetParam(t->fn, 0);
    t->nlocals = ft->nparams + code->nlocals;
    t->locals = xmalloc((t->nlocals + 1) * sizeof *t->locals);
    t->local_types = xmalloc(((size_t)t->nlocals + 1) * sizeof *t->local_types);
    uint32_t n = 0;
    bool osr = nosr > 0;
    for (uint32_t i = 0; i < ft->nparams; i++, n++) {
        t->local_types[n] = functype_params(ft)[i];
        t->locals[n] = LLVMBuildAlloca(t->b, ty(t, t->local_types[n]), "");
        if (!osr)
            LLVMBuildStore(t->b, LLVMGetParam(t->fn, 1 + i), t->locals[n]);
    }
    for (uint32_t g = 0; g < code->ngroups; g++)
        for (uint32_t i = 0; i < code->groups[g].count; i++, n++) {
            t->local_types[n] = code->groups[g].type;
            t->locals[n] = LLVMBuildAlloca(t->b, ty(t, t->local_types[n]), "");
            valtype_t lt = t->local_types[n];
            LLVMValueRef zero = zero_of(t, lt);
            if (lt == VT_F32 || lt == VT_F64 || lt == VT_V128)
                zero = opaque(t, zero);
            LLVMBuildStore(t->b, zero, t->locals[n]);
        }
    for (int i = 0; i < 4; i++) {
        t->simd_tmp[i] = LLVMBuildAlloca(t->b, t->v128, "");
        LLVMSetAlignment(t->simd_tmp[i], 16);
    }

    /* The stack check: this frame must fit above the store's native stack
     * limit (an estimate of its size, generous for spills). */
    if (t->frames) {
        uint64_t frame_bytes = 16 * ((uint64_t)t->nlocals + m->max_stack[fidx - m->nfunc_imports]) * t->frames + 1024;
        LLVMValueRef store = load_at(t, t->ptr, t->inst_v, OFF(struct rt_instance, store));
        LLVMValueRef limit = load_at(t, t->i64, store, OFF(struct rt_store, native_stack_limit));
        LLVMValueRef fa = LLVMBuildPtrToInt(t->b, frame_address(t), t->i64, "");
        trap_if(t, LLVMBuildICmp(t->b, LLVMIntULT, fa, LLVMBuildAdd(t->b, limit, c64(t, frame_bytes), ""), ""),
                TRAP_STACK_EXHAUSTED);
    }
    /* An OSR variant enters at one of its loops, by a switch on the
     * loop's offset; the ordinary path from here on is dead code that LLVM
     * removes. A loop in dead code gets no case: the interpreter never
     * reaches it either. */
    LLVMValueRef osr_switch = NULL;
    if (osr) {
        LLVMBasicBlockRef osr_bb = new_bb(t, "osr.entry"), none = new_bb(t, "osr.none");
        LLVMBasicBlockRef body = new_bb(t, "body");
        LLVMBuildCondBr(t->b, LLVMConstInt(t->i1, 1, 0), osr_bb, body);
        LLVMPositionBuilderAtEnd(t->b, none);
        LLVMBuildUnreachable(t->b);
        LLVMPositionBuilderAtEnd(t->b, osr_bb);
        osr_switch = LLVMBuildSwitch(t->b, LLVMGetParam(t->fn, 2), none, nosr);
        LLVMPositionBuilderAtEnd(t->b, body);
    }
    if (t->opt->checks)
        open_check(t, 0);

    VEC_GROW(t->ctls, t->nctls, t->ctls_cap);
    t->ctls[t->nctls++] = (struct ctl){.kind = OP_COUNT, .results = functype_results(ft), .nresults = ft->nresults,
                                       .handler = NO_HANDLER, .outer = NO_HANDLER};

    struct reader r = body_reader(m, code);
    bool ok = true;
    while (ok && r.p < r.end && t->nctls > 0) {
        struct instr in;
        if (!read_instr_inline(&r, &in, t->err)) {
            ok = false;
            break;
        }
        t->cost++;
        t->offset = in.offset;
        struct ctl *k = &t->ctls[t->nctls - 1];
        if (k->unreachable && instr_skip_dead(&in, &t->dead_depth))
            continue;
        if (osr_switch && in.op == OP_loop && is_osr_loop(osr_loops, nosr, in.offset))
            osr_join(t, osr_switch, in.offset);
        ok = translate_instr(t, &in);
    }
    close_check(t, 0);
    /* Blocks left open by a failure: free their phi arrays. */
    while (t->nctls > 0) {
        struct ctl *k = &t->ctls[--t->nctls];
        if (k->target_phis != k->end_phis)
            free(k->target_phis);
        free(k->end_phis);
        free(k->if_params);
        free(k->drops);
    }
    free(t->locals);
    free(t->local_types);
    return ok;
}

/* Recursion unrolling. gcc inlines a small self-recursive function into
 * itself a few levels deep, so a recursive walk (fib, a tree) makes a
 * fraction of the calls; LLVM's inliner does not inline recursion. So a
 * small function that calls itself directly is translated d + 1 times:
 * f<i>, whose calls to itself go to copy 1, copy 1's to copy 2, ...,
 * copy d's back to f<i>. The copies are internal and always inlined, so
 * each call of f<i> runs d + 1 levels of the recursion in one frame, and
 * they disappear from the object. They have no stack check of their own:
 * f<i>'s check covers the frames they stand for. Returns d: 0 for a
 * function that does not call itself, else as deep as keeps the inlined
 * code (c + c^2 + ... + c^d copies of the body, c its calls to itself)
 * under UNROLL_BUDGET bytes of wasm, at most UNROLL_MAX_DEPTH (fib, full size,
 * run() alone: 2.4x native with d = 0, 1.55x with 3, 1.4x with 4, 1.45x
 * with 5). */
#define UNROLL_BUDGET 1024u
#define UNROLL_PREFIX "u"
#define UNROLL_MAX_DEPTH 4u

static uint32_t unroll_depth(struct tr *t, uint32_t fidx)
{
    const struct module *m = t->m;
    const struct code *code = &m->codes[fidx - m->nfunc_imports];
    if (code->body_len > UNROLL_BUDGET / 2)
        return 0;
    struct reader r = body_reader(m, code);
    uint64_t calls = 0;
    struct wisp_error ignored = {0};
    while (r.p < r.end) {
        struct instr in;
        if (!read_instr_inline(&r, &in, &ignored))
            return 0;
        calls += in.op == OP_call && in.a == fidx;
        /* Always-inlined copies must not hold musttail calls. */
        if (in.op == OP_return_call || in.op == OP_return_call_indirect || in.op == OP_return_call_ref)
            return 0;
    }
    uint32_t d = 0;
    for (uint64_t copies = calls, level = calls; calls && d < UNROLL_MAX_DEPTH; level *= calls) {
        if (copies * code->body_len > UNROLL_BUDGET)
            break;
        d++;
        copies += level * calls;
    }
    return d;
}

/* void entry(ptr fn, ptr inst, ptr slots): slots -> args, call, results -> slots. */
/* With osr_fn, the entry of an OSR variant at one loop: osr_fn(inst,
 * slots, loop), whose frame is the slots. */
static LLVMValueRef build_entry(struct tr *t, const struct functype *ft, LLVMTypeRef fty, const char *name,
                                LLVMValueRef osr_fn, uint32_t loop)
{
    LLVMTypeRef ps[3] = {t->ptr, t->ptr, t->ptr};
    LLVMValueRef f = new_function(t, name, LLVMFunctionType(t->vd, ps, 3, 0), true);
    LLVMPositionBuilderAtEnd(t->b, LLVMAppendBasicBlockInContext(t->ctx, f, ""));
    LLVMValueRef slots = LLVMGetParam(f, 2);
    LLVMValueRef *args = xmalloc((ft->nparams + 4) * sizeof *args);
    args[0] = LLVMGetParam(f, 1);
    uint32_t slot = 0, nargs = 1 + ft->nparams;
    if (osr_fn) {
        args[1] = slots;
        args[2] = c32(t, loop);
        nargs = 3;
    } else {
        for (uint32_t i = 0; i < ft->nparams; i++)
            args[1 + i] = load_slot(t, slots, &slot, functype_params(ft)[i]);
    }
    LLVMValueRef out = NULL;
    LLVMTypeRef st = results_in_memory(ft) ? results_struct(t, ft) : NULL;
    if (st)
        args[nargs++] = out = LLVMBuildAlloca(t->b, st, "");
    LLVMValueRef r = LLVMBuildCall2(t->b, fty, osr_fn ? osr_fn : LLVMGetParam(f, 0), args, nargs, "");
    LLVMSetInstructionCallConv(r, WASM_CC);
    free(args);
    slot = 0;
    for (uint32_t i = 0; i < ft->nresults; i++)
        store_slot(t, slots, &slot, functype_results(ft)[i],
                   out ? load_result(t, st, out, i)
                   : ft->nresults == 1 ? r : LLVMBuildExtractValue(t->b, r, i, ""));
    LLVMBuildRetVoid(t->b);
    return f;
}

/* fastcc ret stub(ptr callee, ptr caller, params...): the call through the
 * runtime, for callees without native code. */
static LLVMValueRef build_stub(struct tr *t, const struct functype *ft, const char *name)
{
    LLVMValueRef f = new_function(t, name, sig_type(t, ft, 2), true);
    LLVMSetFunctionCallConv(f, WASM_CC);
    LLVMPositionBuilderAtEnd(t->b, LLVMAppendBasicBlockInContext(t->ctx, f, ""));
    uint32_t np = slots_of(functype_params(ft), ft->nparams);
    uint32_t nr = slots_of(functype_results(ft), ft->nresults);
    uint32_t room = np > nr ? np : nr;
    LLVMValueRef slots = LLVMBuildAlloca(t->b, LLVMArrayType(t->i64, room ? room : 1), "");
    LLVMSetAlignment(slots, 16);
    uint32_t slot = 0;
    for (uint32_t i = 0; i < ft->nparams; i++)
        store_slot(t, slots, &slot, functype_params(ft)[i], LLVMGetParam(f, 2 + i));
    LLVMValueRef args[] = {LLVMGetParam(f, 0), LLVMGetParam(f, 1), slots, frame_address(t)};
    LLVMBuildCall2(t->b, t->helper_types[H_CALL_SLOTS], t->helpers[H_CALL_SLOTS], args, 4, "");
    slot = 0;
    if (results_in_memory(ft)) {
        struct val *vals = xmalloc(ft->nresults * sizeof *vals);
        for (uint32_t i = 0; i < ft->nresults; i++)
            vals[i].v = load_slot(t, slots, &slot, functype_results(ft)[i]);
        store_results(t, ft, LLVMGetParam(f, 2 + ft->nparams), vals);
        free(vals);
        LLVMBuildRetVoid(t->b);
        return f;
    }
    LLVMTypeRef rt = result_type(t, ft);
    LLVMValueRef agg = ft->nresults > 1 ? LLVMGetUndef(rt) : NULL, one = NULL;
    for (uint32_t i = 0; i < ft->nresults; i++) {
        LLVMValueRef v = load_slot(t, slots, &slot, functype_results(ft)[i]);
        if (agg)
            agg = LLVMBuildInsertValue(t->b, agg, v, i, "");
        else
            one = v;
    }
    if (ft->nresults == 0)
        LLVMBuildRetVoid(t->b);
    else
        LLVMBuildRet(t->b, agg ? agg : one);
    return f;
}

static void declare_helpers(struct tr *t)
{
    LLVMTypeRef p = t->ptr, i = t->i32, l = t->i64, v = t->vd;
    struct { const char *name; LLVMTypeRef ret; LLVMTypeRef params[6]; unsigned n; } const hs[H_COUNT] = {
        [H_TRAP] = {"wisp_rt_trap", v, {p, i, i, i, p}, 5},
        [H_CHECK] = {"wisp_rt_check", v, {p, i, i, i, p}, 5},
        [H_CALL_SLOTS] = {"wisp_rt_call_slots", v, {p, p, p, p}, 4},
        [H_MEMORY_GROW] = {"wisp_rt_memory_grow", i, {p, i, i}, 3},
        /* Memory addresses and lengths are i64 (memory64; i32 ones zero-extended). */
        [H_MEMORY_FILL] = {"wisp_rt_memory_fill", i, {p, i, l, i, l}, 5},
        [H_MEMORY_COPY] = {"wisp_rt_memory_copy", i, {p, i, i, l, l, l}, 6},
        [H_MEMORY_INIT] = {"wisp_rt_memory_init", i, {p, i, i, l, i, i}, 6},
        [H_DATA_DROP] = {"wisp_rt_data_drop", v, {p, i}, 2},
        [H_ELEM_DROP] = {"wisp_rt_elem_drop", v, {p, i}, 2},
        [H_TABLE_GROW] = {"wisp_rt_table_grow", i, {p, i, p, i}, 4},
        [H_TABLE_FILL] = {"wisp_rt_table_fill", i, {p, i, i, p, i}, 5},
        [H_TABLE_COPY] = {"wisp_rt_table_copy", i, {p, i, i, i, i, i}, 6},
        [H_TABLE_INIT] = {"wisp_rt_table_init", i, {p, i, i, i, i, i}, 6},
        [H_TYPE_SUB] = {"wisp_rt_type_sub", i, {p, i, i}, 3},
        [H_THROW] = {"wisp_rt_throw", p, {p, i, p, i, i, p}, 6},
        [H_THROW_REF] = {"wisp_rt_throw_ref", p, {p, p, i, i, p}, 5},
        [H_CAUGHT] = {"wisp_rt_caught", p, {p}, 1},
        [H_EXN_DROP] = {"wisp_rt_exn_drop", v, {p, p}, 2},
    };
    for (int h = 0; h < H_COUNT; h++) {
        t->helper_types[h] = LLVMFunctionType(hs[h].ret, (LLVMTypeRef *)hs[h].params, hs[h].n, 0);
        t->helpers[h] = LLVMAddFunction(t->mod, hs[h].name, t->helper_types[h]);
    }
    set_attr(t, t->helpers[H_TRAP], LLVMAttributeFunctionIndex, "noreturn");
    set_attr(t, t->helpers[H_TRAP], LLVMAttributeFunctionIndex, "cold");
    set_attr(t, t->helpers[H_CHECK], LLVMAttributeFunctionIndex, "cold");
    for (int h = H_THROW; h <= H_THROW_REF; h++)
        set_attr(t, t->helpers[h], LLVMAttributeFunctionIndex, "cold");
    /* The rest return normally or trap (a longjmp, not an unwind); a call
     * through the runtime may throw. */
    for (int h = 0; h < H_COUNT; h++)
        if (h != H_CALL_SLOTS)
            set_attr(t, t->helpers[h], LLVMAttributeFunctionIndex, "nounwind");
    t->personality = LLVMAddFunction(t->mod, "wisp_rt_personality", LLVMFunctionType(t->i32, NULL, 0, 1));
    LLVMTypeRef sp[4] = {p, p, p, p};
    t->simd_type = LLVMFunctionType(v, sp, 4, 0);
}

static void make_tbaa(struct tr *t)
{
    t->tbaa_kind = LLVMGetMDKindIDInContext(t->ctx, "tbaa", 4);
    LLVMMetadataRef root_name = LLVMMDStringInContext2(t->ctx, "wisp", 4);
    LLVMMetadataRef root = LLVMMDNodeInContext2(t->ctx, &root_name, 1);
    LLVMMetadataRef zero = LLVMValueAsMetadata(c64(t, 0));
    const char *names[2] = {"wasm memory", "wisp runtime"};
    LLVMValueRef *tags[2] = {&t->tbaa_mem, &t->tbaa_rt};
    for (int i = 0; i < 2; i++) {
        LLVMMetadataRef type_ops[3] = {LLVMMDStringInContext2(t->ctx, names[i], strlen(names[i])), root, zero};
        LLVMMetadataRef type = LLVMMDNodeInContext2(t->ctx, type_ops, 3);
        LLVMMetadataRef tag_ops[3] = {type, type, zero};
        *tags[i] = LLVMMetadataAsValue(t->ctx, LLVMMDNodeInContext2(t->ctx, tag_ops, 3));
    }
}

static LLVMValueRef ptr_table(struct tr *t, const char *name, const LLVMValueRef *items, uint32_t n)
{
    LLVMTypeRef at = LLVMArrayType(t->ptr, n ? n : 1);
    LLVMValueRef g = LLVMAddGlobal(t->mod, at, name);
    LLVMValueRef null = LLVMConstNull(t->ptr);
    LLVMSetInitializer(g, LLVMConstArray(t->ptr, n ? (LLVMValueRef *)items : &null, n ? n : 1));
    LLVMSetGlobalConstant(g, 1);
    return g;
}

/* The x86 back end folds a load that is an operand of a select into the
 * select itself, volatile or not: into a conditional move, which its cmov
 * conversion then turns into a branch around the load, or on AVX-512 into
 * a masked move, whose masked-off lanes do not fault. Either way an
 * out-of-bounds wasm load on the arm not taken no longer traps (found by
 * fuzz_tiers: seed oob_load_under_select). So after optimization, a wasm
 * load (volatile: guarded memories only) that a select takes, directly or
 * through one cast, reaches it through an empty asm that returns it in a
 * register: the load then happens, unconditionally, and the select moves
 * registers. Only such selects pay (an asm on every load cost 30-170% on
 * the bench kernels). */
static LLVMValueRef via_register(LLVMBuilderRef b, LLVMValueRef v, const char *fp_constraint)
{
    LLVMTypeRef type = LLVMTypeOf(v);
    LLVMTypeKind k = LLVMGetTypeKind(type);
    const char *cons = k == LLVMIntegerTypeKind || k == LLVMPointerTypeKind ? "=r,0" : fp_constraint;
    LLVMTypeRef fty = LLVMFunctionType(type, &type, 1, 0);
    LLVMValueRef asm_ = LLVMGetInlineAsm(fty, "", 0, cons, strlen(cons), 0, 0, LLVMInlineAsmDialectATT, 0);
    return LLVMBuildCall2(b, fty, asm_, &v, 1, "");
}

static bool is_wasm_load(LLVMValueRef v)
{
    return v && LLVMIsALoadInst(v) && LLVMGetVolatile(v);
}

void tr_protect_selects(LLVMModuleRef mod, const char *fp_constraint)
{
    LLVMBuilderRef b = LLVMCreateBuilderInContext(LLVMGetModuleContext(mod));
    for (LLVMValueRef fn = LLVMGetFirstFunction(mod); fn; fn = LLVMGetNextFunction(fn))
        for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb; bb = LLVMGetNextBasicBlock(bb))
            for (LLVMValueRef in = LLVMGetFirstInstruction(bb); in; in = LLVMGetNextInstruction(in)) {
                if (!LLVMIsASelectInst(in))
                    continue;
                for (unsigned op = 1; op <= 2; op++) {
                    LLVMValueRef v = LLVMGetOperand(in, op), load = v;
                    if (LLVMIsACastInst(v))
                        load = LLVMGetOperand(v, 0);
                    if (!is_wasm_load(load))
                        continue;
                    LLVMTypeRef lt = LLVMTypeOf(load);
                    if (LLVMGetTypeKind(lt) == LLVMVectorTypeKind) {
                        LLVMTypeRef el = LLVMGetElementType(lt);
                        unsigned bits = LLVMGetTypeKind(el) == LLVMIntegerTypeKind ? LLVMGetIntTypeWidth(el)
                                        : LLVMGetTypeKind(el) == LLVMFloatTypeKind ? 32 : 64;
                        if (LLVMGetVectorSize(lt) * bits != 128)
                            continue; /* narrow SIMD loads are extended before any select */
                    }
                    /* Right after the load, and every use of it through
                     * the register. */
                    LLVMValueRef next = LLVMGetNextInstruction(load);
                    LLVMPositionBuilderBefore(b, next);
                    LLVMValueRef r = via_register(b, load, fp_constraint);
                    LLVMReplaceAllUsesWith(load, r);
                    LLVMSetOperand(r, 0, load);
                }
            }
    LLVMDisposeBuilder(b);
}

void tr_lower_resumes(LLVMModuleRef mod)
{
    LLVMContextRef ctx = LLVMGetModuleContext(mod);
    LLVMBuilderRef b = LLVMCreateBuilderInContext(ctx);
    LLVMTypeRef ptr = LLVMPointerTypeInContext(ctx, 0), i32 = LLVMInt32TypeInContext(ctx);
    LLVMTypeRef ps[2] = {ptr, ptr};
    LLVMTypeRef fty = LLVMFunctionType(LLVMVoidTypeInContext(ctx), ps, 2, 0);
    const char *fa_name = "llvm.frameaddress";
    LLVMValueRef fa = LLVMGetIntrinsicDeclaration(mod, LLVMLookupIntrinsicID(fa_name, strlen(fa_name)), &ptr, 1);
    LLVMTypeRef fa_type = LLVMFunctionType(ptr, &i32, 1, 0);
    LLVMValueRef resume_fn = NULL;
    for (LLVMValueRef fn = LLVMGetFirstFunction(mod); fn; fn = LLVMGetNextFunction(fn))
        for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb; bb = LLVMGetNextBasicBlock(bb)) {
            LLVMValueRef term = LLVMGetBasicBlockTerminator(bb);
            if (!term || LLVMGetInstructionOpcode(term) != LLVMResume)
                continue;
            if (!resume_fn) {
                resume_fn = LLVMAddFunction(mod, "wisp_rt_resume", fty);
                const char *attrs[] = {"noreturn", "cold"};
                for (int i = 0; i < 2; i++)
                    LLVMAddAttributeAtIndex(resume_fn, LLVMAttributeFunctionIndex,
                                               LLVMCreateEnumAttribute(ctx, LLVMGetEnumAttributeKindForName(
                                                                                attrs[i], strlen(attrs[i])), 0));
            }
            LLVMPositionBuilderBefore(b, term);
            LLVMValueRef zero = LLVMConstInt(i32, 0, 0);
            LLVMValueRef args[2] = {LLVMBuildExtractValue(b, LLVMGetOperand(term, 0), 0, ""),
                                    LLVMBuildCall2(b, fa_type, fa, &zero, 1, "")};
            LLVMBuildCall2(b, fty, resume_fn, args, 2, "");
            LLVMBuildUnreachable(b);
            LLVMInstructionEraseFromParent(term);
        }
    LLVMDisposeBuilder(b);
}

bool tr_check_optimized(LLVMModuleRef mod, struct wisp_error *err)
{
    for (LLVMValueRef f = LLVMGetFirstFunction(mod); f; f = LLVMGetNextFunction(f))
        if (LLVMCountBasicBlocks(f) && !strncmp(LLVMGetValueName(f), UNROLL_PREFIX, strlen(UNROLL_PREFIX)))
            return err_set(err, WISP_ERR_LINK, -1, "the compiled tier: %s was not inlined (an internal error)",
                           LLVMGetValueName(f));
    return true;
}

LLVMModuleRef tr_module(LLVMContextRef ctx, const struct module *m, const struct tr_options *opt,
                        struct wisp_error *err)
{
    struct tr tr = {.ctx = ctx, .m = m, .opt = opt, .err = err}, *t = &tr;
    t->mod = LLVMModuleCreateWithNameInContext("wisp", ctx);
    t->b = LLVMCreateBuilderInContext(ctx);
    t->i1 = LLVMInt1TypeInContext(ctx);
    t->i8 = LLVMInt8TypeInContext(ctx);
    t->i16 = LLVMInt16TypeInContext(ctx);
    t->i32 = LLVMInt32TypeInContext(ctx);
    t->i64 = LLVMInt64TypeInContext(ctx);
    t->f32 = LLVMFloatTypeInContext(ctx);
    t->f64 = LLVMDoubleTypeInContext(ctx);
    t->v128 = LLVMVectorType(t->i64, 2);
    t->ptr = LLVMPointerTypeInContext(ctx, 0);
    t->vd = LLVMVoidTypeInContext(ctx);
    make_tbaa(t);
    declare_helpers(t);

    char name[96];
    uint32_t ndef = m->nfuncs - m->nfunc_imports, ncomp = 0;
    t->fn_types = xcalloc(m->ntypes ? m->ntypes : 1, sizeof *t->fn_types);
    t->stubs = xcalloc(m->ntypes ? m->ntypes : 1, sizeof *t->stubs);
    t->funcs = xcalloc(m->nfuncs ? m->nfuncs : 1, sizeof *t->funcs);
    for (uint32_t i = 0; i < m->ntypes; i++)
        t->fn_types[i] = sig_type(t, &m->types[i], 1);
    /* The functions compiled here, in index order. */
    LLVMValueRef *comp = xcalloc(ndef ? ndef : 1, sizeof *comp);
    uint32_t *comp_index = xcalloc(ndef ? ndef : 1, sizeof *comp_index);
    /* Per compiled function: its unrolling depth, and itself then its copies. */
    uint32_t *comp_depth = xcalloc(ndef ? ndef : 1, sizeof *comp_depth);
    LLVMValueRef **comp_copies = xcalloc(ndef ? ndef : 1, sizeof *comp_copies);
    for (uint32_t i = m->nfunc_imports; i < m->nfuncs; i++) {
        if (opt->define && !opt->define[i - m->nfunc_imports])
            continue;
        snprintf(name, sizeof name, "f%u", i);
        t->funcs[i] = new_function(t, name, t->fn_types[m->func_types[i]], true);
        LLVMSetFunctionCallConv(t->funcs[i], WASM_CC);
        comp_index[ncomp] = i;
        comp_depth[ncomp] = unroll_depth(t, i);
        comp_copies[ncomp] = xcalloc(comp_depth[ncomp] + 1, sizeof *comp_copies[ncomp]);
        comp_copies[ncomp][0] = t->funcs[i];
        for (uint32_t k = 1; k <= comp_depth[ncomp]; k++) {
            snprintf(name, sizeof name, UNROLL_PREFIX "%u.%u", i, k);
            LLVMValueRef c = new_function(t, name, t->fn_types[m->func_types[i]], true);
            LLVMSetFunctionCallConv(c, WASM_CC);
            set_attr(t, c, LLVMAttributeFunctionIndex, "alwaysinline");
            comp_copies[ncomp][k] = c;
        }
        comp[ncomp++] = t->funcs[i];
    }
    /* One OSR variant per function, entered at any of the loops asked for
     * it: osr_group[i] is pair i's variant, the first pair of each
     * function making it. */
    LLVMValueRef *osr_fns = xcalloc(opt->nosr ? opt->nosr : 1, sizeof *osr_fns);
    LLVMTypeRef *osr_types = xcalloc(opt->nosr ? opt->nosr : 1, sizeof *osr_types);
    uint32_t *osr_group = xcalloc(opt->nosr ? opt->nosr : 1, sizeof *osr_group);
    uint32_t *osr_loops = xcalloc(opt->nosr ? opt->nosr : 1, sizeof *osr_loops);
    for (uint32_t i = 0; i < opt->nosr; i++) {
        uint32_t g = 0;
        while (g < i && opt->osr[g].func != opt->osr[i].func)
            g++;
        osr_group[i] = g;
        if (g < i) {
            osr_fns[i] = osr_fns[g];
            osr_types[i] = osr_types[g];
            continue;
        }
        const struct functype *ft = &m->types[m->func_types[opt->osr[i].func]];
        LLVMTypeRef ps[4] = {t->ptr, t->ptr, t->i32, t->ptr};
        osr_types[i] = LLVMFunctionType(result_type(t, ft), ps, results_in_memory(ft) ? 4 : 3, 0);
        snprintf(name, sizeof name, "osr%u", i);
        osr_fns[i] = new_function(t, name, osr_types[i], true);
        LLVMSetFunctionCallConv(osr_fns[i], WASM_CC);
    }
    for (uint32_t i = 0; i < m->ntypes; i++) {
        snprintf(name, sizeof name, "stub%u", i);
        t->stubs[i] = build_stub(t, &m->types[i], name);
    }
    bool ok = true;
    for (uint32_t i = 0; ok && i < ncomp; i++) {
        uint32_t d = comp_depth[i];
        for (uint32_t k = 0; ok && k <= d; k++) {
            t->fn = comp_copies[i][k];
            t->self = d ? comp_copies[i][k < d ? k + 1 : 0] : NULL;
            t->frames = k == 0 ? d + 1 : 0;
            ok = translate_func(t, comp_index[i], NULL, 0);
        }
    }
    t->self = NULL;
    t->frames = 1;
    for (uint32_t i = 0; ok && i < opt->nosr; i++) {
        uint32_t f = opt->osr[i].func;
        if (f < m->nfunc_imports || f >= m->nfuncs) {
            ok = err_set(err, WISP_ERR_LINK, -1, "OSR entry for function %u, which the module does not define", f);
            break;
        }
        if (osr_group[i] != i)
            continue;
        uint32_t n = 0;
        for (uint32_t k = i; k < opt->nosr; k++)
            if (osr_group[k] == i)
                osr_loops[n++] = opt->osr[k].loop;
        t->fn = osr_fns[i];
        ok = translate_func(t, f, osr_loops, n);
    }
    LLVMModuleRef result = NULL;
    if (ok) {
        /* The marker after the last wasm function (the stubs come before
         * them), then the entries. */
        snprintf(name, sizeof name, "end");
        LLVMValueRef end = new_function(t, name, LLVMFunctionType(t->vd, NULL, 0, 0), false);
        LLVMPositionBuilderAtEnd(t->b, LLVMAppendBasicBlockInContext(ctx, end, ""));
        LLVMBuildRetVoid(t->b);
        LLVMValueRef *entries = xcalloc(ncomp ? ncomp : 1, sizeof *entries);
        LLVMValueRef *by_type = xcalloc(m->ntypes ? m->ntypes : 1, sizeof *by_type);
        for (uint32_t i = 0; i < ncomp; i++) {
            uint32_t type = m->func_types[comp_index[i]];
            if (!by_type[type]) {
                snprintf(name, sizeof name, "entry%u", type);
                by_type[type] = build_entry(t, &m->types[type], t->fn_types[type], name, NULL, 0);
            }
            entries[i] = by_type[type];
        }
        ptr_table(t, "funcs", comp, ncomp);
        ptr_table(t, "entries", entries, ncomp);
        LLVMValueRef *osr_entries = xcalloc(opt->nosr ? opt->nosr : 1, sizeof *osr_entries);
        for (uint32_t i = 0; i < opt->nosr; i++) {
            snprintf(name, sizeof name, "osr_entry%u", i);
            osr_entries[i] = build_entry(t, &m->types[m->func_types[opt->osr[i].func]], osr_types[i], name,
                                         osr_fns[i], opt->osr[i].loop);
        }
        ptr_table(t, "osr_funcs", osr_fns, opt->nosr);
        ptr_table(t, "osr_entries", osr_entries, opt->nosr);
        free(osr_entries);
        free(entries);
        free(by_type);
        result = t->mod;
    } else {
        LLVMDisposeModule(t->mod);
    }
    for (uint32_t i = 0; i < ncomp; i++)
        free(comp_copies[i]);
    free(comp_copies);
    free(comp_depth);
    free(comp);
    free(comp_index);
    free(osr_fns);
    free(osr_types);
    free(osr_group);
    free(osr_loops);
    LLVMDisposeBuilder(t->b);
    free(t->fn_types);
    free(t->stubs);
    free(t->funcs);
    free(t->stack);
    free(t->ctls);
    return result;
}
