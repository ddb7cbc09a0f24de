/* Function body type checking: the validation algorithm of the spec's
 * appendix (an operand stack with an Unknown type, a control stack of frames
 * with start types, end types, height and an unreachable flag), one case per
 * instruction. Names follow the appendix so the two can be read side by side. */
#include "valid/valid.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* An implementation limit the spec permits: beyond it the operand stack of
 * a valid but pathological body (say, millions of calls each leaving a
 * thousand results) would exhaust memory here and in the compiler's frames. */
#define MAX_OPERAND_STACK (1u << 24)

/* ---- Errors ------------------------------------------------------------ */

static bool fail(struct validator *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fail(struct validator *v, const char *fmt, ...)
{
    char message[sizeof v->err->message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    return err_set(v->err, WISP_ERR_INVALID, v->offset, "%s", message);
}

static const char *operand_name(valtype_t t)
{
    return t == VT_UNKNOWN ? "a value" : valtype_name(t);
}

static bool mismatch(struct validator *v, valtype_t expect, valtype_t actual)
{
    return fail(v, "type mismatch: expected %s, got %s in %s", operand_name(expect),
                valtype_name(actual), opcode_table[v->op].name);
}

static bool underflow(struct validator *v, valtype_t expect)
{
    return fail(v, "type mismatch: expected %s, got nothing in %s", operand_name(expect),
                opcode_table[v->op].name);
}

/* ---- The operand and control stacks ------------------------------------ */

static void reserve_vals(struct validator *v, uint32_t n)
{
    if ((uint64_t)v->nvals + n > v->vals_cap) {
        uint64_t cap = v->vals_cap ? v->vals_cap : 64;
        while (cap < (uint64_t)v->nvals + n)
            cap *= 2;
        v->vals = xrealloc(v->vals, cap * sizeof *v->vals);
        v->vals_cap = (uint32_t)cap;
    }
}

/* Every instruction pops before it pushes, and push_val is only ever its last
 * step, so the body loop updates max_height after each instruction instead. */
static inline void push_val(struct validator *v, valtype_t type)
{
    if (UNLIKELY(v->nvals == v->vals_cap))
        reserve_vals(v, 1);
    v->vals[v->nvals++] = type;
}

static inline void push_vals(struct validator *v, const valtype_t *types, uint32_t n)
{
    if (n == 0)
        return; /* types may be NULL */
    reserve_vals(v, n);
    memcpy(v->vals + v->nvals, types, n * sizeof *types);
    v->nvals += n;
    if (v->nvals > v->max_height)
        v->max_height = v->nvals;
}

/* pop_val() with the popped type in *actual: Unknown below the base of an
 * unreachable frame, an error below the base of a reachable one. */
static inline bool pop_val(struct validator *v, valtype_t *actual)
{
    const struct ctrl_frame *top = &v->ctrls[v->nctrls - 1];
    if (UNLIKELY(v->nvals == top->height)) {
        *actual = VT_UNKNOWN;
        return top->unreachable || underflow(v, VT_UNKNOWN);
    }
    *actual = v->vals[--v->nvals];
    return true;
}

/* A value of another type than expected: a subtype (typed references), or
 * an error. Out of line: the common case is equality. */
static __attribute__((noinline)) bool subtype_or_mismatch(struct validator *v, valtype_t expect, valtype_t actual)
{
    return module_valtype_sub(v->m, actual, expect) || mismatch(v, expect, actual);
}

/* pop_val(expect), also handing back what was popped. */
static inline bool pop_expect_actual(struct validator *v, valtype_t expect, valtype_t *actual)
{
    const struct ctrl_frame *top = &v->ctrls[v->nctrls - 1];
    if (UNLIKELY(v->nvals == top->height)) {
        *actual = VT_UNKNOWN;
        return top->unreachable || underflow(v, expect);
    }
    *actual = v->vals[--v->nvals];
    if (LIKELY(*actual == expect) || *actual == VT_UNKNOWN || expect == VT_UNKNOWN)
        return true;
    return subtype_or_mismatch(v, expect, *actual);
}

static inline bool pop_expect(struct validator *v, valtype_t expect)
{
    valtype_t actual;
    return pop_expect_actual(v, expect, &actual);
}

static bool pop_vals(struct validator *v, const valtype_t *types, uint32_t n)
{
    for (uint32_t i = n; i-- > 0;)
        if (!pop_expect(v, types[i]))
            return false;
    return true;
}

static void push_ctrl(struct validator *v, uint16_t opcode, const valtype_t *start_types,
                      uint32_t nstart, const valtype_t *end_types, uint32_t nend)
{
    VEC_GROW(v->ctrls, v->nctrls, v->ctrls_cap);
    v->ctrls[v->nctrls++] = (struct ctrl_frame){
        .opcode = opcode,
        .start_types = start_types,
        .end_types = end_types,
        .nstart = nstart,
        .nend = nend,
        .height = v->nvals,
        .inits = v->ninits,
        .unreachable = false,
    };
    push_vals(v, start_types, nstart);
}

/* Locals set inside a block count as unset again after it. */
static void reset_inits(struct validator *v, uint32_t height)
{
    while (v->ninits > height) {
        uint32_t x = v->inits[--v->ninits];
        v->init_bits[x / 64] &= ~((uint64_t)1 << (x % 64));
    }
}

static bool pop_ctrl(struct validator *v, struct ctrl_frame *frame)
{
    *frame = v->ctrls[v->nctrls - 1];
    if (!pop_vals(v, frame->end_types, frame->nend))
        return false;
    if (v->nvals != frame->height)
        return fail(v, "type mismatch: %u value(s) left on the stack at the end of the block",
                    v->nvals - frame->height);
    reset_inits(v, frame->inits);
    v->nctrls--;
    return true;
}

static inline const valtype_t *label_types(const struct ctrl_frame *frame)
{
    return frame->opcode == OP_loop ? frame->start_types : frame->end_types;
}

static inline uint32_t label_arity(const struct ctrl_frame *frame)
{
    return frame->opcode == OP_loop ? frame->nstart : frame->nend;
}

static void unreachable(struct validator *v)
{
    struct ctrl_frame *top = &v->ctrls[v->nctrls - 1];
    v->nvals = top->height;
    top->unreachable = true;
}

/* ---- Immediates --------------------------------------------------------- */

struct blocktype {
    const valtype_t *start_types, *end_types;
    uint32_t nstart, nend;
};

static bool block_type(struct validator *v, const struct instr *in, struct blocktype *bt)
{
    *bt = (struct blocktype){0};
    switch (in->block.kind) {
    case BT_EMPTY:
        return true;
    case BT_VALTYPE:
        if (!validate_valtype(v, in->block.valtype, in->offset))
            return false;
        bt->end_types = valtype_single(v->m, in->block.valtype);
        bt->nend = 1;
        return true;
    default: {
        if (in->block.index >= v->m->ntypes)
            return fail(v, "unknown type %u", in->block.index);
        const struct functype *type = &v->m->types[in->block.index];
        bt->start_types = functype_params(type);
        bt->nstart = type->nparams;
        bt->end_types = functype_results(type);
        bt->nend = type->nresults;
        return true;
    }
    }
}

static bool label(struct validator *v, uint32_t depth, const struct ctrl_frame **frame)
{
    if (depth >= v->nctrls)
        return fail(v, "unknown label %u", depth);
    *frame = &v->ctrls[v->nctrls - 1 - depth];
    return true;
}

static bool local_type_slow(struct validator *v, uint32_t index, valtype_t *type)
{
    if (index >= v->nlocals)
        return fail(v, "unknown local %u", index);
    /* The first group whose running count exceeds the local's position. */
    uint32_t pos = index - v->nparams, lo = 0, hi = v->code->ngroups - 1;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (v->group_ends[mid] > pos)
            hi = mid;
        else
            lo = mid + 1;
    }
    *type = v->code->groups[lo].type;
    return true;
}

static inline bool local_type(struct validator *v, uint32_t index, valtype_t *type)
{
    if (LIKELY(index < v->nflat)) {
        *type = v->local_types[index];
        return true;
    }
    return local_type_slow(v, index, type);
}

static bool check_func(struct validator *v, uint32_t func)
{
    return func < v->m->nfuncs || fail(v, "unknown function %u", func);
}

static bool check_table(struct validator *v, uint32_t table)
{
    return table < v->m->ntables || fail(v, "unknown table %u", table);
}

static bool check_memory(struct validator *v, uint32_t memory)
{
    return memory < v->m->nmemories || fail(v, "unknown memory %u", memory);
}

static bool check_global(struct validator *v, uint32_t global)
{
    return global < v->m->nglobals || fail(v, "unknown global %u", global);
}

static bool check_elem(struct validator *v, uint32_t elem)
{
    return elem < v->m->nelems || fail(v, "unknown elem segment %u", elem);
}

/* Data indices in code are what forces the data count section to exist, so
 * that a single pass can validate them before the data section is seen. */
static bool check_data(struct validator *v, uint32_t data)
{
    if (!v->m->has_data_count)
        return err_set(v->err, WISP_ERR_MALFORMED, v->offset,
                       "data count section required: %s names a data segment",
                       opcode_table[v->op].name);
    return data < v->m->ndatas || fail(v, "unknown data segment %u", data);
}

static bool check_memarg(struct validator *v, const struct instr *in, uint32_t natural_align)
{
    if (!check_memory(v, in->memarg.memory))
        return false;
    if (in->memarg.align > natural_align)
        return fail(v, "alignment must not be larger than natural: 2^%u > %u bytes in %s",
                    in->memarg.align, 1u << natural_align, opcode_table[v->op].name);
    if (in->memarg.offset > UINT32_MAX && !v->m->memories[in->memarg.memory].limits.is64)
        return fail(v, "offset out of range: %llu on a memory of i32 addresses in %s",
                    (unsigned long long)in->memarg.offset, opcode_table[v->op].name);
    return true;
}

/* The address types (memory64) of memory and table k, once checked. */
static valtype_t mem_at(const struct validator *v, uint32_t k)
{
    return limits_addrtype(&v->m->memories[k].limits);
}
static valtype_t table_at(const struct validator *v, uint32_t k)
{
    return limits_addrtype(&v->m->tables[k].limits);
}
/* A copy's length: i64 only when both sides are. */
static valtype_t min_at(valtype_t a, valtype_t b) { return a == VT_I64 && b == VT_I64 ? VT_I64 : VT_I32; }

static bool check_lane(struct validator *v, uint32_t lane, uint32_t nlanes)
{
    if (lane >= nlanes)
        return fail(v, "invalid lane index: %u, %s has %u lanes", lane,
                    opcode_table[v->op].name, nlanes);
    return true;
}

static bool check_table_types(struct validator *v, valtype_t dst, valtype_t src)
{
    if (!module_valtype_sub(v->m, src, dst))
        return fail(v, "type mismatch: %s into a table of %s in %s", valtype_name(src),
                    valtype_name(dst), opcode_table[v->op].name);
    return true;
}

/* ---- Instructions ------------------------------------------------------- */

static valtype_t sig_type(char c)
{
    switch (c) {
    case 'i': return VT_I32;
    case 'l': return VT_I64;
    case 'f': return VT_F32;
    case 'd': return VT_F64;
    default: return VT_V128;
    }
}

void validator_init_sigs(struct validator *v)
{
    for (int op = 0; op < OP_COUNT; op++) {
        const struct opcode_info *info = &opcode_table[op];
        struct op_sig *sig = &v->sigs[op];
        *sig = (struct op_sig){0};
        const char *s = info->sig;
        if (!*s)
            continue;
        /* The longest in opcodes.def is "vvv:v"; types[] holds four. */
        for (; *s != ':'; s++)
            if (sig->nparams < 3)
                sig->types[sig->nparams++] = sig_type(*s);
        for (s++; *s; s++)
            if (sig->nparams + sig->nresults < 4)
                sig->types[sig->nparams + sig->nresults++] = sig_type(*s);
        switch (info->imm) {
        case IMM_NONE: case IMM_I32: case IMM_I64: case IMM_F32: case IMM_F64: case IMM_V128:
            sig->plain = true;
            break;
        default:
            break;
        }
    }
}

/* The simple instructions: pop the signature's params, push its results. */
static inline bool check_sig(struct validator *v, const struct op_sig *sig)
{
    for (uint32_t i = sig->nparams; i-- > 0;)
        if (!pop_expect(v, sig->types[i]))
            return false;
    for (uint32_t i = 0; i < sig->nresults; i++)
        push_val(v, sig->types[sig->nparams + i]);
    return true;
}

static bool check_br_table(struct validator *v, const struct instr *in)
{
    const struct ctrl_frame *frame = NULL;
    if (!pop_expect(v, VT_I32) || !label(v, in->br_table.default_label, &frame))
        return false;
    uint32_t arity = label_arity(frame);
    const uint8_t *p = in->br_table.labels;
    for (uint32_t i = 0; i < in->br_table.count; i++) {
        if (!label(v, br_table_next(&p), &frame))
            return false;
        if (label_arity(frame) != arity)
            return fail(v, "type mismatch: br_table targets have %u and %u values",
                        label_arity(frame), arity);
        /* push_vals(pop_vals(label_types)): keeps what the stack really holds,
         * which in unreachable code may differ from one label to the next. */
        if (arity > v->scratch_cap) {
            v->scratch = xrealloc(v->scratch, arity * sizeof *v->scratch);
            v->scratch_cap = arity;
        }
        const valtype_t *types = label_types(frame);
        for (uint32_t j = arity; j-- > 0;)
            if (!pop_expect_actual(v, types[j], &v->scratch[j]))
                return false;
        push_vals(v, v->scratch, arity);
    }
    if (!label(v, in->br_table.default_label, &frame) ||
        !pop_vals(v, label_types(frame), label_arity(frame)))
        return false;
    unreachable(v);
    return true;
}

static bool is_num(valtype_t t)
{
    return t == VT_I32 || t == VT_I64 || t == VT_F32 || t == VT_F64 || t == VT_UNKNOWN;
}

static bool is_vec(valtype_t t) { return t == VT_V128 || t == VT_UNKNOWN; }

static bool check_select(struct validator *v)
{
    valtype_t t1, t2;
    if (!pop_expect(v, VT_I32) || !pop_val(v, &t1) || !pop_val(v, &t2))
        return false;
    if (!((is_num(t1) && is_num(t2)) || (is_vec(t1) && is_vec(t2))))
        return fail(v, "type mismatch: select without a type needs numeric or vector "
                       "operands, got %s and %s", operand_name(t2), operand_name(t1));
    if (t1 != t2 && t1 != VT_UNKNOWN && t2 != VT_UNKNOWN)
        return mismatch(v, t1, t2);
    push_val(v, t1 == VT_UNKNOWN ? t2 : t1);
    return true;
}

/* select t*: the binary holds a vector of types and Wasm 2.0 allows exactly
 * one; the instruction reader leaves the vector's length in a. */
static bool check_select_t(struct validator *v, const struct instr *in)
{
    if (in->a != 1)
        return fail(v, "invalid result arity: select has %u result types", in->a);
    valtype_t t = in->valtype;
    if (!validate_valtype(v, t, in->offset) || !pop_expect(v, VT_I32) || !pop_expect(v, t) ||
        !pop_expect(v, t))
        return false;
    push_val(v, t);
    return true;
}

/* call_indirect and return_call_indirect: check the table and the type,
 * pop the index, and give the type (NULL on failure). */
static const struct functype *indirect_type(struct validator *v, const struct instr *in)
{
    const struct module *m = v->m;
    if (!check_table(v, in->b))
        return NULL;
    if (in->a >= m->ntypes)
        return fail(v, "unknown type %u", in->a), NULL;
    if (!module_valtype_sub(m, m->tables[in->b].elem, VT_FUNCREF))
        return fail(v, "type mismatch: %s through table %u of %s", opcode_table[in->op].name, in->b,
                    valtype_name(m->tables[in->b].elem)), NULL;
    return pop_expect(v, table_at(v, in->b)) ? &m->types[in->a] : NULL;
}

/* call_ref and return_call_ref: the type, and the reference popped. */
static const struct functype *ref_type(struct validator *v, const struct instr *in)
{
    const struct module *m = v->m;
    if (!(m->features & FEAT_FUNCTION_REFERENCES))
        return fail(v, "%s needs the function-references feature (Wasm 3.0)", opcode_table[in->op].name), NULL;
    if (in->a >= m->ntypes)
        return fail(v, "unknown type %u", in->a), NULL;
    return pop_expect(v, vt_ref_index(in->a, true)) ? &m->types[in->a] : NULL;
}

/* return_call, return_call_indirect and return_call_ref (tail calls): a
 * call whose results must be the caller's own (or subtypes of them), then,
 * like return, the rest is unreachable. */
static bool check_return_call(struct validator *v, const struct instr *in)
{
    const struct module *m = v->m;
    const struct functype *type;
    if (!(m->features & FEAT_TAIL_CALL))
        return fail(v, "%s needs the tail-call feature (Wasm 3.0)", opcode_table[in->op].name);
    if (in->op == OP_return_call) {
        if (!check_func(v, in->a))
            return false;
        type = &m->types[m->func_types[in->a]];
    } else if (!(type = in->op == OP_return_call_ref ? ref_type(v, in) : indirect_type(v, in))) {
        return false;
    }
    const struct ctrl_frame *fn = &v->ctrls[0];
    bool ok = type->nresults == fn->nend;
    for (uint32_t i = 0; ok && i < type->nresults; i++)
        ok = module_valtype_sub(m, functype_results(type)[i], fn->end_types[i]);
    if (!ok)
        return fail(v, "type mismatch: %s: the callee's results are not the function's", opcode_table[in->op].name);
    if (!pop_vals(v, functype_params(type), type->nparams))
        return false;
    unreachable(v);
    return true;
}

/* A reference operand (or Unknown), for the instructions that take any. */
static bool pop_ref(struct validator *v, valtype_t *t)
{
    if (!pop_val(v, t))
        return false;
    if (!valtype_is_ref(*t) && *t != VT_UNKNOWN)
        return fail(v, "type mismatch: expected a reference, got %s in %s", valtype_name(*t),
                    opcode_table[v->op].name);
    return true;
}

static bool typed_refs(struct validator *v)
{
    return (v->m->features & FEAT_FUNCTION_REFERENCES) ||
           fail(v, "%s needs the function-references feature (Wasm 3.0)", opcode_table[v->op].name);
}

/* br_on_null l: [t* (ref null ht)] -> [t* (ref ht)], branching with t* on
 * null. br_on_non_null l: [t* (ref null ht)] -> [t*], branching with
 * t* (ref ht) otherwise; the label's last type must take that. */
static bool check_br_on_null(struct validator *v, const struct instr *in)
{
    const struct ctrl_frame *target = NULL;
    valtype_t t;
    if (!typed_refs(v) || !label(v, in->a, &target) || !pop_ref(v, &t))
        return false;
    const valtype_t *types = label_types(target);
    uint32_t arity = label_arity(target);
    if (in->op == OP_br_on_non_null) {
        if (arity == 0 || (!valtype_is_ref(types[arity - 1])))
            return fail(v, "type mismatch: br_on_non_null's label must take a reference last, it takes %u value(s)%s%s",
                        arity, arity ? " ending with " : "", arity ? valtype_name(types[arity - 1]) : "");
        if (t != VT_UNKNOWN && !module_valtype_sub(v->m, t | VT_NONNULL, types[arity - 1]))
            return mismatch(v, types[arity - 1], t | VT_NONNULL);
        arity--;
    }
    if (!pop_vals(v, types, arity))
        return false;
    push_vals(v, types, arity);
    if (in->op == OP_br_on_null)
        push_val(v, t == VT_UNKNOWN ? VT_UNKNOWN : t | VT_NONNULL);
    return true;
}

/* Whether local x's type has no default value and it is not set yet. */
static bool local_unset(struct validator *v, uint32_t x, valtype_t t)
{
    return !valtype_defaultable(t) && x >= v->nparams &&
           !((v->init_bits[x / 64] >> (x % 64)) & 1);
}

static void local_init(struct validator *v, uint32_t x, valtype_t t)
{
    if (!local_unset(v, x, t))
        return;
    v->init_bits[x / 64] |= (uint64_t)1 << (x % 64);
    VEC_GROW(v->inits, v->ninits, v->inits_cap);
    v->inits[v->ninits++] = x;
}

/* ---- Exception handling ----------------------------------------------- */

static bool internal_error_op(struct validator *v)
{
    return err_set(v->err, WISP_ERR_INVALID, v->offset, "internal error: %s has no typing rule",
                   opcode_table[v->op].name);
}

static bool check_tag(struct validator *v, uint32_t tag)
{
    return tag < v->m->ntags || fail(v, "unknown tag %u", tag);
}

static const struct functype *tag_type(const struct validator *v, uint32_t tag)
{
    return &v->m->types[v->m->tag_types[tag]];
}

/* "type mismatch: <what> requires [t*] but stack has [t*]", the reference
 * interpreter's wording, which the exception handling scripts expect: the
 * stack is what the innermost block holds. */
static bool mismatch_described(struct validator *v, const char *what, const valtype_t *types, uint32_t n)
{
    char need[256] = "", have[256] = "";
    size_t len = 0;
    for (uint32_t i = 0; i < n && len < sizeof need - 16; i++)
        len += (size_t)snprintf(need + len, sizeof need - len, "%s%s", i ? " " : "", valtype_name(types[i]));
    uint32_t from = v->ctrls[v->nctrls - 1].height;
    len = 0;
    for (uint32_t i = from; i < v->nvals && len < sizeof have - 16; i++)
        len += (size_t)snprintf(have + len, sizeof have - len, "%s%s", i > from ? " " : "",
                                valtype_name(v->vals[i]));
    return fail(v, "type mismatch: %s requires [%s] but stack has [%s]", what, need, have);
}

/* pop_vals with the reference's wording on failure (the stack is left as
 * it was before, for the message). */
static bool pop_vals_described(struct validator *v, const char *what, const valtype_t *types, uint32_t n)
{
    const struct ctrl_frame *top = &v->ctrls[v->nctrls - 1];
    uint32_t avail = v->nvals - top->height;
    bool ok = avail >= n || top->unreachable;
    for (uint32_t i = 0; ok && i < n && i < avail; i++) {
        valtype_t t = v->vals[v->nvals - 1 - i], want = types[n - 1 - i];
        ok = t == want || t == VT_UNKNOWN || module_valtype_sub(v->m, t, want);
    }
    if (!ok)
        return mismatch_described(v, what, types, n);
    return pop_vals(v, types, n);
}

/* pop_ctrl for a legacy try's parts, with the reference's wording. */
static bool pop_try_part(struct validator *v, struct ctrl_frame *frame)
{
    *frame = v->ctrls[v->nctrls - 1];
    if (!pop_vals_described(v, "instruction", frame->end_types, frame->nend))
        return false;
    if (v->nvals != frame->height) {
        v->nvals += frame->nend; /* show the whole stack */
        return mismatch_described(v, "block", frame->end_types, frame->nend);
    }
    v->nctrls--;
    return true;
}

/* Whether a catch clause can branch to `target` with `types` (the tag's
 * params, then a (ref exn) for the _ref kinds): each a subtype of the
 * label's. */
static bool catch_label_matches(const struct validator *v, const struct ctrl_frame *target, const valtype_t *types,
                                uint32_t n, bool ref)
{
    if (label_arity(target) != n + ref)
        return false;
    const valtype_t *want = label_types(target);
    for (uint32_t i = 0; i < n; i++)
        if (!module_valtype_sub(v->m, types[i], want[i]))
            return false;
    return !ref || module_valtype_sub(v->m, vt_ref(HT_EXN, false), want[n]);
}

static bool check_try_table(struct validator *v, const struct instr *in)
{
    struct blocktype bt;
    if (!block_type(v, in, &bt))
        return false;
    const uint8_t *p = in->catches.p;
    for (uint32_t i = 0; i < in->catches.count; i++) {
        struct catch_clause cc = catch_next(&p);
        const struct ctrl_frame *target = NULL;
        const valtype_t *types = NULL;
        uint32_t n = 0;
        if (cc.kind == CATCH || cc.kind == CATCH_REF) {
            if (!check_tag(v, cc.tag))
                return false;
            types = functype_params(tag_type(v, cc.tag));
            n = tag_type(v, cc.tag)->nparams;
        }
        if (!label(v, cc.label, &target))
            return false;
        if (!catch_label_matches(v, target, types, n, cc.kind == CATCH_REF || cc.kind == CATCH_ALL_REF))
            return fail(v, "type mismatch: catch clause %u of try_table does not match label %u", i,
                        cc.label);
    }
    if (!pop_vals(v, bt.start_types, bt.nstart))
        return false;
    push_ctrl(v, OP_try_table, bt.start_types, bt.nstart, bt.end_types, bt.nend);
    return true;
}

/* throw, throw_ref, and the legacy try, catch, catch_all, delegate and
 * rethrow. */
static bool check_exceptions(struct validator *v, const struct instr *in)
{
    struct blocktype bt;
    struct ctrl_frame frame;
    const struct ctrl_frame *target = NULL;
    uint16_t top = v->ctrls[v->nctrls - 1].opcode;
    if (!(v->m->features & FEAT_EXCEPTIONS))
        return fail(v, "%s needs the exceptions feature (Wasm 3.0)", opcode_table[in->op].name);
    switch (in->op) {
    case OP_try_table:
        return check_try_table(v, in);
    case OP_throw_: {
        if (!check_tag(v, in->a))
            return false;
        const struct functype *t = tag_type(v, in->a);
        if (!pop_vals_described(v, "instruction", functype_params(t), t->nparams))
            return false;
        unreachable(v);
        return true;
    }
    case OP_throw_ref:
        if (!pop_expect(v, VT_EXNREF))
            return false;
        unreachable(v);
        return true;
    case OP_try_:
        if (!block_type(v, in, &bt) || !pop_vals(v, bt.start_types, bt.nstart))
            return false;
        push_ctrl(v, OP_try_, bt.start_types, bt.nstart, bt.end_types, bt.nend);
        return true;
    case OP_catch_:
    case OP_catch_all:
        if (top != OP_try_ && top != OP_catch_)
            return fail(v, "%s without a matching try", opcode_table[in->op].name);
        if (in->op == OP_catch_ && !check_tag(v, in->a))
            return false;
        if (!pop_try_part(v, &frame))
            return false;
        push_ctrl(v, in->op, frame.start_types, 0, frame.end_types, frame.nend);
        v->ctrls[v->nctrls - 1].start_types = frame.start_types;
        if (in->op == OP_catch_)
            push_vals(v, functype_params(tag_type(v, in->a)), tag_type(v, in->a)->nparams);
        return true;
    case OP_delegate:
        if (top != OP_try_)
            return fail(v, "delegate without a matching try");
        if (!pop_try_part(v, &frame))
            return false;
        if (!label(v, in->a, &target)) /* in the context around the try */
            return false;
        push_vals(v, frame.end_types, frame.nend);
        return true;
    case OP_rethrow:
        if (!label(v, in->a, &target))
            return false;
        if (target->opcode != OP_catch_ && target->opcode != OP_catch_all)
            return fail(v, "invalid rethrow label %u: not a catch", in->a);
        unreachable(v);
        return true;
    }
    return internal_error_op(v);
}

static bool check_instr(struct validator *v, const struct instr *in)
{
    const struct module *m = v->m;
    struct blocktype bt;
    struct ctrl_frame frame;
    const struct ctrl_frame *target = NULL;
    const struct functype *type;
    valtype_t t = VT_UNKNOWN;

    if (LIKELY(v->sigs[in->op].plain))
        return check_sig(v, &v->sigs[in->op]);
    switch (in->op) {
    case OP_unreachable:
        unreachable(v);
        return true;
    case OP_block:
    case OP_loop:
        if (!block_type(v, in, &bt) || !pop_vals(v, bt.start_types, bt.nstart))
            return false;
        push_ctrl(v, in->op, bt.start_types, bt.nstart, bt.end_types, bt.nend);
        return true;
    case OP_if_:
        if (!block_type(v, in, &bt) || !pop_expect(v, VT_I32) ||
            !pop_vals(v, bt.start_types, bt.nstart))
            return false;
        push_ctrl(v, OP_if_, bt.start_types, bt.nstart, bt.end_types, bt.nend);
        return true;
    case OP_else_:
        if (v->ctrls[v->nctrls - 1].opcode != OP_if_)
            return fail(v, "else without a matching if");
        if (!pop_ctrl(v, &frame))
            return false;
        push_ctrl(v, OP_else_, frame.start_types, frame.nstart, frame.end_types, frame.nend);
        return true;
    case OP_end:
        if (UNLIKELY(v->ctrls[v->nctrls - 1].opcode == OP_try_ || v->ctrls[v->nctrls - 1].opcode == OP_catch_ ||
                     v->ctrls[v->nctrls - 1].opcode == OP_catch_all)) {
            if (!pop_try_part(v, &frame))
                return false;
        } else if (!pop_ctrl(v, &frame)) {
            return false;
        }
        if (frame.opcode == OP_if_) {
            /* `if bt ... end` means `if bt ... else end`: the empty else
             * branch must turn the block's params into its results. */
            push_ctrl(v, OP_else_, frame.start_types, frame.nstart, frame.end_types, frame.nend);
            if (!pop_ctrl(v, &frame))
                return false;
        }
        push_vals(v, frame.end_types, frame.nend);
        return true;
    case OP_br:
        if (!label(v, in->a, &target) || !pop_vals(v, label_types(target), label_arity(target)))
            return false;
        unreachable(v);
        return true;
    case OP_br_if:
        if (!label(v, in->a, &target) || !pop_expect(v, VT_I32) ||
            !pop_vals(v, label_types(target), label_arity(target)))
            return false;
        push_vals(v, label_types(target), label_arity(target));
        return true;
    case OP_br_table:
        return check_br_table(v, in);
    case OP_return_:
        if (!pop_vals(v, v->ctrls[0].end_types, v->ctrls[0].nend))
            return false;
        unreachable(v);
        return true;
    case OP_call:
        if (!check_func(v, in->a))
            return false;
        type = &m->types[m->func_types[in->a]];
        if (!pop_vals(v, functype_params(type), type->nparams))
            return false;
        push_vals(v, functype_results(type), type->nresults);
        return true;
    case OP_call_indirect:
        if (!(type = indirect_type(v, in)) || !pop_vals(v, functype_params(type), type->nparams))
            return false;
        push_vals(v, functype_results(type), type->nresults);
        return true;
    case OP_return_call:
    case OP_return_call_indirect:
    case OP_return_call_ref:
        return check_return_call(v, in);
    case OP_call_ref:
        if (!(type = ref_type(v, in)) || !pop_vals(v, functype_params(type), type->nparams))
            return false;
        push_vals(v, functype_results(type), type->nresults);
        return true;
    case OP_ref_as_non_null:
        if (!typed_refs(v) || !pop_ref(v, &t))
            return false;
        push_val(v, t == VT_UNKNOWN ? VT_UNKNOWN : t | VT_NONNULL);
        return true;
    case OP_br_on_null:
    case OP_br_on_non_null:
        return check_br_on_null(v, in);
    case OP_try_: case OP_catch_: case OP_catch_all: case OP_delegate: case OP_rethrow:
    case OP_throw_: case OP_throw_ref: case OP_try_table:
        return check_exceptions(v, in);

    case OP_drop:
        return pop_val(v, &t);
    case OP_select:
        return check_select(v);
    case OP_select_t:
        return check_select_t(v, in);

    case OP_local_get:
        if (!local_type(v, in->a, &t))
            return false;
        if (UNLIKELY(v->any_nondefaultable) && local_unset(v, in->a, t))
            return fail(v, "uninitialized local %u: its type %s has no default value", in->a, valtype_name(t));
        push_val(v, t);
        return true;
    case OP_local_set:
        if (!local_type(v, in->a, &t) || !pop_expect(v, t))
            return false;
        if (UNLIKELY(v->any_nondefaultable))
            local_init(v, in->a, t);
        return true;
    case OP_local_tee:
        if (!local_type(v, in->a, &t) || !pop_expect(v, t))
            return false;
        if (UNLIKELY(v->any_nondefaultable))
            local_init(v, in->a, t);
        push_val(v, t);
        return true;
    case OP_global_get:
        if (!check_global(v, in->a))
            return false;
        push_val(v, m->globals[in->a].type.type);
        return true;
    case OP_global_set:
        if (!check_global(v, in->a))
            return false;
        if (!m->globals[in->a].type.mutable_)
            /* The 3.0 suite words it the other way round. */
            return fail(v, m->features & FEAT_FUNCTION_REFERENCES ? "immutable global: global.set of global %u"
                                                                  : "global is immutable: global.set of global %u",
                        in->a);
        return pop_expect(v, m->globals[in->a].type.type);

    case OP_table_get:
        if (!check_table(v, in->a) || !pop_expect(v, table_at(v, in->a)))
            return false;
        push_val(v, m->tables[in->a].elem);
        return true;
    case OP_table_set:
        return check_table(v, in->a) && pop_expect(v, m->tables[in->a].elem) &&
               pop_expect(v, table_at(v, in->a));
    case OP_table_grow:
        if (!check_table(v, in->a) || !pop_expect(v, table_at(v, in->a)) ||
            !pop_expect(v, m->tables[in->a].elem))
            return false;
        push_val(v, table_at(v, in->a));
        return true;
    case OP_table_fill:
        return check_table(v, in->a) && pop_expect(v, table_at(v, in->a)) &&
               pop_expect(v, m->tables[in->a].elem) && pop_expect(v, table_at(v, in->a));

    case OP_memory_size:
        if (!check_memory(v, in->a))
            return false;
        push_val(v, mem_at(v, in->a));
        return true;
    case OP_memory_grow:
        if (!check_memory(v, in->a) || !pop_expect(v, mem_at(v, in->a)))
            return false;
        push_val(v, mem_at(v, in->a));
        return true;

    case OP_ref_null:
        if (!validate_valtype(v, in->valtype, in->offset))
            return false;
        push_val(v, in->valtype);
        return true;
    case OP_ref_is_null:
        if (!pop_ref(v, &t))
            return false;
        push_val(v, VT_I32);
        return true;
    case OP_ref_func:
        if (!check_func(v, in->a))
            return false;
        if (!func_is_declared(v, in->a))
            return fail(v, "undeclared function reference: function %u is not named by any "
                           "element segment, export or global", in->a);
        push_val(v, m->features & FEAT_FUNCTION_REFERENCES ? vt_ref_index(m->func_types[in->a], false)
                                                           : VT_FUNCREF);
        return true;
    default:
        break;
    }

    /* The rest are typed by their signature once their immediates check out,
     * with the address types of the memories and tables they name (memory64)
     * in place of the signature's i32s. */
    const struct opcode_info *info = &opcode_table[in->op];
    struct op_sig sig = v->sigs[in->op];
    switch (info->imm) {
    case IMM_MEMARG:
        if (!check_memarg(v, in, info->x))
            return false;
        sig.types[0] = mem_at(v, in->memarg.memory);
        break;
    case IMM_MEMARG_LANE:
        if (!check_memarg(v, in, info->x) || !check_lane(v, in->lane, 16u >> info->x))
            return false;
        sig.types[0] = mem_at(v, in->memarg.memory);
        break;
    case IMM_LANE:
        if (!check_lane(v, in->lane, info->x))
            return false;
        break;
    case IMM_SHUFFLE:
        for (int i = 0; i < 16; i++)
            if (!check_lane(v, in->imm.v128[i], 32))
                return false;
        break;
    case IMM_MEM: /* memory.fill: d, val, n */
        if (!check_memory(v, in->a))
            return false;
        sig.types[0] = sig.types[2] = mem_at(v, in->a);
        break;
    case IMM_MEMORY_COPY:
        if (!check_memory(v, in->a) || !check_memory(v, in->b))
            return false;
        sig.types[0] = mem_at(v, in->a);
        sig.types[1] = mem_at(v, in->b);
        sig.types[2] = min_at(sig.types[0], sig.types[1]);
        break;
    case IMM_MEMORY_INIT:
        if (!check_memory(v, in->b) || !check_data(v, in->a))
            return false;
        sig.types[0] = mem_at(v, in->b);
        break;
    case IMM_DATA:
        if (!check_data(v, in->a))
            return false;
        break;
    case IMM_TABLE: /* table.size */
        if (!check_table(v, in->a))
            return false;
        if (in->op == OP_table_size)
            sig.types[sig.nparams] = table_at(v, in->a);
        break;
    case IMM_TABLE_COPY:
        if (!check_table(v, in->a) || !check_table(v, in->b) ||
            !check_table_types(v, m->tables[in->a].elem, m->tables[in->b].elem))
            return false;
        sig.types[0] = table_at(v, in->a);
        sig.types[1] = table_at(v, in->b);
        sig.types[2] = min_at(sig.types[0], sig.types[1]);
        break;
    case IMM_TABLE_INIT:
        if (!check_table(v, in->b) || !check_elem(v, in->a) ||
            !check_table_types(v, m->tables[in->b].elem, m->elems[in->a].type))
            return false;
        sig.types[0] = table_at(v, in->b);
        break;
    case IMM_ELEM:
        if (!check_elem(v, in->a))
            return false;
        break;
    default:
        break;
    }
    return check_sig(v, &sig);
}

/* ---- Function bodies ---------------------------------------------------- */

static void setup_locals(struct validator *v, const struct functype *type, const struct code *code)
{
    v->code = code;
    v->nparams = type->nparams;
    if (code->ngroups > v->group_ends_cap) {
        v->group_ends = xrealloc(v->group_ends, (size_t)code->ngroups * sizeof *v->group_ends);
        v->group_ends_cap = code->ngroups;
    }
    uint64_t declared = 0;
    v->any_nondefaultable = false;
    for (uint32_t g = 0; g < code->ngroups; g++) {
        if (!valtype_defaultable(code->groups[g].type) && code->groups[g].count)
            v->any_nondefaultable = true;
        declared += code->groups[g].count;
        /* The decoder bounds the total; saturate rather than wrap regardless. */
        v->group_ends[g] = declared > UINT32_MAX ? UINT32_MAX : (uint32_t)declared;
    }
    v->nlocals = type->nparams + declared;
    if (v->any_nondefaultable && v->nlocals / 64 + 1 > v->init_words) {
        /* Bounded by LIMIT_LOCALS; the bits are all clear between functions
         * (each block's end clears what it set). */
        uint32_t words = (uint32_t)(v->nlocals / 64 + 1);
        v->init_bits = xrealloc(v->init_bits, words * sizeof *v->init_bits);
        memset(v->init_bits + v->init_words, 0, (words - v->init_words) * sizeof *v->init_bits);
        v->init_words = words;
    }

    /* Each local.get/set/tee takes at least two bytes of the body. */
    uint64_t nflat = v->nlocals < (uint64_t)code->body_len / 2 + type->nparams
                         ? v->nlocals
                         : (uint64_t)code->body_len / 2 + type->nparams;
    v->nflat = nflat > UINT32_MAX ? UINT32_MAX : (uint32_t)nflat;
    if (v->nflat > v->local_types_cap) {
        v->local_types = xrealloc(v->local_types, (size_t)v->nflat * sizeof *v->local_types);
        v->local_types_cap = v->nflat;
    }
    uint32_t n = v->nflat < type->nparams ? v->nflat : type->nparams;
    if (n)
        memcpy(v->local_types, functype_params(type), n * sizeof *v->local_types);
    for (uint32_t g = 0; g < code->ngroups && n < v->nflat; g++)
        for (uint32_t i = 0; i < code->groups[g].count && n < v->nflat; i++)
            v->local_types[n++] = code->groups[g].type;
}

static bool internal_error(struct validator *v, const char *what)
{
    return err_set(v->err, WISP_ERR_INVALID, v->offset, "internal error: %s", what);
}

static bool check_body(struct validator *v, const struct code *code, const struct functype *type)
{
    struct module *m = v->m;
    struct reader r = body_reader(m, code);
    struct instr in;

    v->nvals = 0;
    v->nctrls = 0;
    v->max_height = 0;
    v->offset = code->body_offset;
    push_ctrl(v, OP_block, NULL, 0, functype_results(type), type->nresults);
    while (v->nctrls > 0) {
        if (r.p >= r.end)
            return internal_error(v, "function body ends inside a block");
        if (!read_instr_inline(&r, &in, v->err))
            return false; /* the decoder already read these bytes: cannot happen */
        v->op = in.op;
        v->offset = in.offset;
        if (!check_instr(v, &in))
            return false;
        if (v->nvals > v->max_height) {
            v->max_height = v->nvals;
            if (UNLIKELY(v->max_height > MAX_OPERAND_STACK))
                return err_set(v->err, WISP_ERR_UNSUPPORTED, v->offset,
                               "operand stack deeper than %u values (implementation limit)",
                               MAX_OPERAND_STACK);
        }
    }
    if (r.p != r.end)
        return internal_error(v, "instructions after the function's final end");
    return true;
}

bool validate_code(struct validator *v, uint32_t defined)
{
    struct module *m = v->m;
    uint32_t func = m->nfunc_imports + defined;
    const struct functype *type = &m->types[m->func_types[func]];
    const struct code *code = &m->codes[defined];

    setup_locals(v, type, code);
    v->defined = defined;
    bool ok = true;
    for (uint32_t g = 0; ok && g < code->ngroups; g++)
        ok = validate_valtype(v, code->groups[g].type, code->size_offset);
    if (!ok || !check_body(v, code, type)) {
        const struct name *name = module_func_name(m, func);
        err_set_func(v->err, func, name ? name->str : NULL);
        return false;
    }
    m->max_stack[defined] = v->max_height;
    return true;
}

void validator_free_stacks(struct validator *v)
{
    free(v->vals);
    free(v->ctrls);
    free(v->scratch);
    free(v->group_ends);
    free(v->local_types);
    free(v->init_bits);
    free(v->inits);
    v->init_bits = NULL;
    v->inits = NULL;
    v->init_words = v->ninits = v->inits_cap = 0;
    v->local_types = NULL;
    v->vals = NULL;
    v->ctrls = NULL;
    v->scratch = NULL;
    v->group_ends = NULL;
    v->vals_cap = v->ctrls_cap = v->scratch_cap = v->group_ends_cap = v->local_types_cap = 0;
}
