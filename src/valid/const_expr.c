/* Constant expressions: global initializers, segment offsets and element
 * items. Wasm 2.0 allows only t.const, ref.null, ref.func and global.get of
 * an immutable imported global; the result must be exactly one value. */
#include "valid/valid.h"

#include <stdio.h>

static struct reader expr_reader(const struct module *m, const struct expr *e)
{
    return (struct reader){
        .start = m->bytes,
        .p = m->bytes + e->offset,
        .end = m->bytes + e->offset + e->len,
    };
}

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

static bool check_const_expr(struct validator *v, const struct expr *e, valtype_t expected)
{
    const struct module *m = v->m;
    struct reader r = expr_reader(m, e);
    struct instr in;
    uint32_t nvals = 0;       /* every constant instruction pushes one value */
    valtype_t top = VT_UNKNOWN; /* the last one pushed */

    for (;;) {
        if (r.p >= r.end)
            return err_set(v->err, WISP_ERR_INVALID, e->offset,
                           "internal error: constant expression without end");
        if (!read_instr(&r, &in, v->err))
            return false; /* the decoder already read these bytes */
        switch (in.op) {
        case OP_i32_const: top = VT_I32; break;
        case OP_i64_const: top = VT_I64; break;
        case OP_f32_const: top = VT_F32; break;
        case OP_f64_const: top = VT_F64; break;
        case OP_v128_const: top = VT_V128; break;
        case OP_ref_null: top = in.valtype; break;
        case OP_ref_func:
            /* Every ref.func outside function bodies is in C.refs by definition. */
            if (in.a >= m->nfuncs)
                return fail_at(v, in.offset, "unknown function", in.a);
            top = VT_FUNCREF;
            break;
        case OP_global_get:
            /* Only imported globals are in scope: defined globals are not yet
             * initialized when constant expressions run. */
            if (in.a >= m->nglobal_imports)
                return fail_at(v, in.offset, "unknown global", in.a);
            if (m->globals[in.a].type.mutable_)
                return err_set(v->err, WISP_ERR_INVALID, in.offset,
                               "constant expression required: global %u is mutable", in.a);
            top = m->globals[in.a].type.type;
            break;
        case OP_end:
            if (nvals != 1 || top != expected)
                return err_set(v->err, WISP_ERR_INVALID, in.offset,
                               "type mismatch: constant expression must produce one %s, "
                               "got %u value(s)%s%s",
                               valtype_name(expected), nvals, nvals ? ", the last " : "",
                               nvals ? valtype_name(top) : "");
            return true;
        default:
            return err_set(v->err, WISP_ERR_INVALID, in.offset,
                           "constant expression required: %s is not constant",
                           opcode_table[in.op].name);
        }
        nvals++;
    }
}

static const char *const use_names[] = {
    [CONST_EXPR_GLOBAL] = "the initializer of global",
    [CONST_EXPR_ELEM_OFFSET] = "the offset of element segment",
    [CONST_EXPR_ELEM_ITEM] = "an item of element segment",
    [CONST_EXPR_DATA_OFFSET] = "the offset of data segment",
};

bool validate_const_expr(struct validator *v, const struct expr *e, valtype_t expected,
                         enum const_expr_use use, uint32_t index)
{
    if (check_const_expr(v, e, expected))
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
