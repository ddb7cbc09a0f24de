/* Constant expressions: global initializers, segment offsets and element
 * items. Wasm 2.0 allows only t.const, ref.null, ref.func and global.get of
 * an immutable imported global; with extended constants (Wasm 3.0),
 * i32/i64 add, sub and mul too, and global.get of any immutable global
 * defined before (for a global's initializer) or at all (elsewhere). The
 * result must be exactly one value. */
#include "valid/valid.h"

#include <stdio.h>
#include <stdlib.h>

void const_expr_collect_refs(struct validator *v, const struct expr *e)
{
    const struct module *m = v->m;
    struct reader r = expr_reader(m, e);
    struct instr in;
    while (r.p < r.end && read_instr(&r, &in, NULL)) {
        if (in.op == OP_ref_func && in.a < m->nfuncs)
            v->refs[in.a / 64] |= (uint64_t)1 << (in.a % 64);
    }
}

static bool fail_at(struct validator *v, uint32_t offset, const char *message, uint32_t index)
{
    return err_set(v->err, WISP_ERR_INVALID, offset, "%s %u", message, index);
}

/* The instruction's operand and result type when it is one of extended
 * constant expressions' arithmetic instructions, else 0. */
static valtype_t arith_type(uint16_t op)
{
    switch (op) {
    case OP_i32_add: case OP_i32_sub: case OP_i32_mul: return VT_I32;
    case OP_i64_add: case OP_i64_sub: case OP_i64_mul: return VT_I64;
    default: return 0;
    }
}

/* nglobals: how many globals (from index 0) the expression may read. */
static bool check_const_expr(struct validator *v, const struct expr *e, valtype_t expected,
                             uint32_t nglobals)
{
    const struct module *m = v->m;
    struct reader r = expr_reader(m, e);
    struct instr in;
    bool extended = (m->features & FEAT_EXTENDED_CONST) != 0;
    /* The operand stack: each instruction is at least one byte, so the
     * expression's length bounds its height. */
    valtype_t small[16], *stack = e->len <= 16 ? small : xmalloc(e->len * sizeof *stack);
    uint32_t n = 0;
    bool ok = false;

    for (;;) {
        if (r.p >= r.end) {
            err_set(v->err, WISP_ERR_INVALID, e->offset, "internal error: constant expression without end");
            break;
        }
        if (!read_instr(&r, &in, v->err))
            break; /* the decoder already read these bytes */
        valtype_t push = 0, arith = extended ? arith_type(in.op) : 0;
        switch (in.op) {
        case OP_i32_const: push = VT_I32; break;
        case OP_i64_const: push = VT_I64; break;
        case OP_f32_const: push = VT_F32; break;
        case OP_f64_const: push = VT_F64; break;
        case OP_v128_const: push = VT_V128; break;
        case OP_ref_null:
            if (!validate_valtype(v, in.valtype, in.offset))
                goto done;
            push = in.valtype;
            break;
        case OP_ref_func:
            /* Every ref.func outside function bodies is in C.refs by definition. */
            if (in.a >= m->nfuncs) {
                fail_at(v, in.offset, "unknown function", in.a);
                goto done;
            }
            /* With typed references, the function's own type, not null. */
            push = m->features & FEAT_FUNCTION_REFERENCES ? vt_ref_index(m->func_types[in.a], false)
                                                          : VT_FUNCREF;
            break;
        case OP_global_get:
            /* Defined globals are initialized in order, so only those
             * before (imports alone, without extended constants) are in
             * scope. */
            if (in.a >= nglobals) {
                fail_at(v, in.offset, "unknown global", in.a);
                goto done;
            }
            if (m->globals[in.a].type.mutable_) {
                err_set(v->err, WISP_ERR_INVALID, in.offset,
                        "constant expression required: global %u is mutable", in.a);
                goto done;
            }
            push = m->globals[in.a].type.type;
            break;
        case OP_end:
            if (n != 1 || !module_valtype_sub(m, stack[0], expected)) {
                err_set(v->err, WISP_ERR_INVALID, in.offset,
                        "type mismatch: constant expression must produce one %s, got %u value(s)%s%s",
                        valtype_name(expected), n, n ? ", the last " : "", n ? valtype_name(stack[n - 1]) : "");
                goto done;
            }
            ok = true;
            goto done;
        default:
            if (!arith) {
                err_set(v->err, WISP_ERR_INVALID, in.offset, "constant expression required: %s is not constant",
                        opcode_table[in.op].name);
                goto done;
            }
            if (n < 2 || stack[n - 1] != arith || stack[n - 2] != arith) {
                err_set(v->err, WISP_ERR_INVALID, in.offset,
                        "type mismatch: %s needs two %s operands in a constant expression",
                        opcode_table[in.op].name, valtype_name(arith));
                goto done;
            }
            n -= 2;
            push = arith;
            break;
        }
        stack[n++] = push;
    }
done:
    if (stack != small)
        free(stack);
    return ok;
}

static const char *const use_names[] = {
    [CONST_EXPR_GLOBAL] = "the initializer of global",
    [CONST_EXPR_ELEM_OFFSET] = "the offset of element segment",
    [CONST_EXPR_ELEM_ITEM] = "an item of element segment",
    [CONST_EXPR_DATA_OFFSET] = "the offset of data segment",
    [CONST_EXPR_TABLE_INIT] = "the initial value of table",
};

bool validate_const_expr(struct validator *v, const struct expr *e, valtype_t expected,
                         enum const_expr_use use, uint32_t index)
{
    const struct module *m = v->m;
    uint32_t nglobals = m->nglobal_imports;
    if (m->features & FEAT_EXTENDED_CONST)
        nglobals = use == CONST_EXPR_GLOBAL ? index : m->nglobals;
    /* Tables are made before the module's own globals. */
    if (use == CONST_EXPR_TABLE_INIT)
        nglobals = m->nglobal_imports;
    if (check_const_expr(v, e, expected, nglobals))
        return true;
    /* The offset names the instruction; say which expression it is in. Only
     * on failure, so the common path formats nothing. */
    if (v->err) {
        size_t len = strlen(v->err->message);
        snprintf(v->err->message + len, sizeof v->err->message - len, " (in %s %u)",
                 use_names[use], index);
    }
    return false;
}
