/* The WebAssembly text format, instructions: plain and folded forms, block
 * structure with labels, and every immediate shape of the shared opcode
 * table (memargs, lanes, v128 constants, table and memory operands). */
#include <stdlib.h>

#include "text/wat.h"

/* ---- opcode names ---- */

static uint32_t op_hash(const char *s, uint32_t n)
{
    uint32_t h = 2166136261u;
    for (uint32_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)s[i]) * 16777619u;
    return h;
}

void wat_op_table_build(struct wat *w)
{
    uint32_t cap = 64;
    while (cap < 2 * (uint32_t)OP_COUNT)
        cap *= 2;
    w->op_slots = xcalloc(cap, sizeof *w->op_slots);
    w->op_mask = cap - 1;
    for (uint32_t op = 0; op < OP_COUNT; op++) {
        const char *name = opcode_table[op].name;
        uint32_t len = (uint32_t)strlen(name);
        uint32_t j = op_hash(name, len) & w->op_mask;
        bool dup = false;
        while (w->op_slots[j]) {
            if (strcmp(opcode_table[w->op_slots[j] - 1].name, name) == 0) {
                dup = true; /* select / select t: the first one stands for both */
                break;
            }
            j = (j + 1) & w->op_mask;
        }
        if (!dup)
            w->op_slots[j] = (uint16_t)(op + 1);
    }
}

int wat_op_lookup(const struct wat *w, const char *s, uint32_t len)
{
    if (!w->op_slots)
        return -1;
    uint32_t j = op_hash(s, len) & w->op_mask;
    while (w->op_slots[j]) {
        const char *name = opcode_table[w->op_slots[j] - 1].name;
        if (strlen(name) == len && memcmp(name, s, len) == 0)
            return w->op_slots[j] - 1;
        j = (j + 1) & w->op_mask;
    }
    return -1;
}

static void emit_op(struct buf *b, int op)
{
    const struct opcode_info *oi = &opcode_table[op];
    if (oi->prefix) {
        buf_byte(b, oi->prefix);
        buf_u32(b, oi->code);
    } else {
        buf_byte(b, (uint8_t)oi->code);
    }
}

void func_ctx_free(struct func_ctx *f)
{
    names_free(&f->local_names);
    free(f->local_types);
    free(f->labels);
    memset(f, 0, sizeof *f);
}

/* ---- labels ---- */

static void push_label(struct func_ctx *f, const struct token *label)
{
    VEC_GROW(f->labels, f->nlabels, f->cap_labels);
    f->labels[f->nlabels++] = *label;
}

static bool same_id(const struct token *a, const struct token *b)
{
    return ids_equal(a->text, a->len, b->text, b->len);
}

static bool parse_label_ref(struct wat *w, struct func_ctx *f, uint32_t *depth)
{
    struct token t;
    if (!wat_next(w, &t))
        return false;
    if (t.kind == TOK_NAT) {
        if (!tok_u32(&t, depth))
            return wat_fail(w, &t, "constant out of range");
        return true;
    }
    if (t.kind != TOK_ID)
        return wat_unexpected(w, &t);
    for (uint32_t i = f->nlabels; i-- > 0;) {
        if (f->labels[i].len && same_id(&f->labels[i], &t)) {
            *depth = f->nlabels - 1 - i;
            return true;
        }
    }
    return wat_fail(w, &t, "unknown label %.*s", (int)(t.len > 40 ? 40 : t.len), t.text);
}

/* An optional $label after block/loop/if. */
static bool opt_label(struct wat *w, struct token *label)
{
    struct token t;
    memset(label, 0, sizeof *label);
    if (!wat_peek(w, 0, &t))
        return false;
    if (t.kind == TOK_ID)
        return wat_next(w, label);
    return true;
}

/* An optional $id after end/else, which must repeat the block's label. */
static bool check_end_label(struct wat *w, const struct token *label)
{
    struct token t;
    if (!wat_peek(w, 0, &t))
        return false;
    if (t.kind != TOK_ID)
        return true;
    wat_next(w, &t);
    if (!label->len || !same_id(label, &t))
        return wat_fail(w, &t, "mismatching label");
    return true;
}

/* ---- immediates ---- */

static bool parse_blocktype(struct wat *w, struct buf *out)
{
    struct typeuse tu;
    bool ok = wat_parse_typeuse(w, &tu, false);
    if (ok) {
        const struct text_functype *sig = NULL;
        uint32_t index = 0;
        if (tu.has_index) {
            ok = wat_typeuse_index(w, &tu, &index);
            if (ok && index < w->ntypes)
                sig = &w->types[index];
        } else {
            sig = &tu.sig;
        }
        /* Types without params and with at most one result have a short
         * encoding, used whichever way the text wrote them. */
        if (ok && sig && sig->nparams == 0 && sig->nresults == 0) {
            buf_byte(out, 0x40);
        } else if (ok && sig && sig->nparams == 0 && sig->nresults == 1) {
            wat_emit_valtype(out, sig->types[0]);
        } else if (ok) {
            if (!tu.has_index)
                index = wat_find_or_add_type(w, &tu.sig);
            buf_s64(out, index);
        }
    }
    wat_typeuse_free(&tu);
    return ok;
}

static bool parse_local_index(struct wat *w, struct func_ctx *f, uint32_t *out)
{
    struct token t;
    if (!wat_next(w, &t))
        return false;
    if (t.kind == TOK_NAT) {
        if (!tok_u32(&t, out))
            return wat_fail(w, &t, "constant out of range");
        return true;
    }
    if (t.kind != TOK_ID)
        return wat_unexpected(w, &t);
    if (!names_find(&f->local_names, t.text, t.len, out))
        return wat_fail(w, &t, "unknown local %.*s", (int)(t.len > 40 ? 40 : t.len), t.text);
    return true;
}

/* An index that may be left out (defaulting to 0). */
static bool opt_index(struct wat *w, enum index_space space, uint32_t *out)
{
    bool yes;
    *out = 0;
    if (!wat_peek_index(w, &yes))
        return false;
    return !yes || wat_parse_index(w, space, out);
}

/* Two indices where the first may be left out: "x y" or "y". */
static bool one_or_two_indices(struct wat *w, enum index_space first, enum index_space second, uint32_t *a,
                               uint32_t *b)
{
    struct token t0, t1;
    *a = 0;
    if (!wat_peek(w, 0, &t0) || !wat_peek(w, 1, &t1))
        return false;
    bool two = (t0.kind == TOK_ID || t0.kind == TOK_NAT) && (t1.kind == TOK_ID || t1.kind == TOK_NAT);
    if (two && !wat_parse_index(w, first, a))
        return false;
    return wat_parse_index(w, second, b);
}

static bool memarg_number(struct wat *w, const struct token *t, uint32_t skip, uint64_t *out)
{
    struct token num = *t;
    num.text += skip;
    num.len -= skip;
    num.kind = lex_classify(num.text, num.len);
    if (num.kind != TOK_NAT)
        return wat_unexpected(w, t);
    if (!tok_u64(&num, out))
        return wat_fail(w, t, "i64 constant out of range");
    return true;
}

static bool keyword_prefix(const struct token *t, const char *prefix)
{
    size_t n = strlen(prefix);
    return t->kind == TOK_KEYWORD && t->len > n && memcmp(t->text, prefix, n) == 0;
}

static bool memarg_keyword(const struct token *t)
{
    return keyword_prefix(t, "offset=") || keyword_prefix(t, "align=");
}

/* memidx? offset=? align=?, encoded as a memarg: a memory other than 0
 * sets bit 6 of the alignment field and follows it (multi-memory). Before
 * a lane index, a number is the memory only when a number or a memarg
 * keyword follows it. */
static bool parse_memarg(struct wat *w, int op, struct buf *out)
{
    struct token t, t1;
    uint64_t offset = 0;
    uint32_t align_log2 = opcode_table[op].x, memory = 0;
    if (!wat_peek(w, 0, &t) || !wat_peek(w, 1, &t1))
        return false;
    bool lane = opcode_table[op].imm == IMM_MEMARG_LANE;
    if (t.kind == TOK_ID || (t.kind == TOK_NAT && (!lane || t1.kind == TOK_NAT || memarg_keyword(&t1)))) {
        if (!wat_parse_index(w, IS_MEMORY, &memory) || !wat_peek(w, 0, &t))
            return false;
    }
    if (keyword_prefix(&t, "offset=")) {
        wat_next(w, &t);
        if (!memarg_number(w, &t, 7, &offset) || !wat_peek(w, 0, &t))
            return false;
    }
    if (keyword_prefix(&t, "align=")) {
        uint64_t align;
        wat_next(w, &t);
        if (!memarg_number(w, &t, 6, &align))
            return false;
        if (align == 0 || (align & (align - 1)))
            return wat_fail(w, &t, "alignment must be a power of two");
        align_log2 = (uint32_t)__builtin_ctzll(align);
    }
    if (memory != 0) {
        buf_u32(out, align_log2 | 0x40);
        buf_u32(out, memory);
    } else {
        buf_u32(out, align_log2);
    }
    /* Past 2^32-1 only a memory of i64 addresses (memory64) takes it; the
     * decoder or the validator refuses it on any other. */
    buf_u64(out, offset);
    return true;
}

static bool parse_lane(struct wat *w, struct buf *out)
{
    struct token t;
    uint32_t lane;
    if (!wat_next(w, &t))
        return false;
    if (t.kind != TOK_NAT)
        return wat_unexpected(w, &t);
    if (!tok_u32(&t, &lane) || lane > 255)
        return wat_fail(w, &t, "malformed lane index");
    buf_byte(out, (uint8_t)lane);
    return true;
}

static bool is_numeric(const struct token *t)
{
    return t->kind == TOK_NAT || t->kind == TOK_INT || t->kind == TOK_FLOAT;
}

/* Up to max tokens that could be numeric literals (reserved ones included,
 * so that a malformed number is reported as such, not as a count). */
static bool collect_literals(struct wat *w, struct token *toks, uint32_t max, uint32_t *n, bool reserved_too)
{
    struct token t;
    *n = 0;
    while (*n < max) {
        if (!wat_peek(w, 0, &t))
            return false;
        bool malformed_number = t.kind == TOK_RESERVED || (t.kind == TOK_KEYWORD && t.len > 4 && memcmp(t.text, "nan:", 4) == 0);
        if (!is_numeric(&t) && !(reserved_too && malformed_number))
            break;
        wat_next(w, &toks[(*n)++]);
    }
    return true;
}

static void put_le(uint8_t *p, uint64_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static bool parse_v128_const(struct wat *w, struct buf *out)
{
    struct token shape;
    if (!wat_next(w, &shape))
        return false;
    unsigned lanes, bits;
    bool is_float;
    if (!tok_v128_shape(&shape, &lanes, &bits, &is_float))
        return wat_unexpected(w, &shape);
    struct token toks[17];
    uint32_t n;
    if (!collect_literals(w, toks, 17, &n, true))
        return false;
    if (n != lanes)
        return wat_fail(w, n ? &toks[n - 1] : &shape, "wrong number of lane literals");
    uint8_t bytes[16];
    for (unsigned i = 0; i < lanes; i++) {
        const struct token *t = &toks[i];
        uint64_t v;
        bool ok;
        if (!is_numeric(t) || (!is_float && t->kind == TOK_FLOAT))
            return wat_unexpected(w, t);
        if (is_float && bits == 32) {
            uint32_t b;
            ok = tok_f32(t, &b);
            v = b;
        } else if (is_float) {
            ok = tok_f64(t, &v);
        } else {
            ok = tok_int_bits(t, bits, &v);
        }
        if (!ok)
            return wat_fail(w, t, "constant out of range");
        put_le(bytes + i * (bits / 8), v, bits / 8);
    }
    buf_bytes(out, bytes, 16);
    return true;
}

static bool parse_shuffle(struct wat *w, const struct token *op_tok, struct buf *out)
{
    struct token toks[17];
    uint32_t n;
    if (!collect_literals(w, toks, 17, &n, false))
        return false;
    if (n != 16)
        return wat_fail(w, n ? &toks[n - 1] : op_tok, "invalid lane length");
    for (uint32_t i = 0; i < 16; i++) {
        uint32_t lane;
        if (toks[i].kind != TOK_NAT || !tok_u32(&toks[i], &lane) || lane > 255)
            return wat_fail(w, &toks[i], "malformed lane index");
        buf_byte(out, (uint8_t)lane);
    }
    return true;
}

static bool parse_select(struct wat *w, struct buf *out)
{
    bool yes, any = false;
    struct buf types = {0};
    uint32_t n = 0;
    for (;;) {
        if (!wat_peek_sexpr(w, "result", &yes))
            goto fail;
        if (!yes)
            break;
        any = true;
        struct token t;
        wat_next(w, &t);
        wat_next(w, &t);
        for (;;) {
            if (!wat_next(w, &t))
                goto fail;
            if (t.kind == TOK_RPAREN)
                break;
            valtype_t vt;
            int r = wat_valtype_from(w, &t, &vt);
            if (r <= 0) {
                if (r == 0)
                    wat_unexpected(w, &t);
                goto fail;
            }
            wat_emit_valtype(&types, vt);
            n++;
        }
    }
    if (any) {
        buf_byte(out, 0x1C);
        buf_u32(out, n);
        buf_bytes(out, types.data, types.len);
    } else {
        buf_byte(out, 0x1B);
    }
    buf_free(&types);
    return true;
fail:
    buf_free(&types);
    return false;
}

static bool parse_const_imm(struct wat *w, uint8_t imm, struct buf *out)
{
    struct token t;
    if (!wat_next(w, &t))
        return false;
    if (!is_numeric(&t) || ((imm == IMM_I32 || imm == IMM_I64) && t.kind == TOK_FLOAT))
        return wat_unexpected(w, &t);
    uint8_t bytes[8];
    switch (imm) {
    case IMM_I32: {
        uint32_t v;
        if (!tok_i32(&t, &v))
            return wat_fail(w, &t, "constant out of range");
        buf_s32(out, (int32_t)v);
        return true;
    }
    case IMM_I64: {
        uint64_t v;
        if (!tok_i64(&t, &v))
            return wat_fail(w, &t, "constant out of range");
        buf_s64(out, (int64_t)v);
        return true;
    }
    case IMM_F32: {
        uint32_t v;
        if (!tok_f32(&t, &v))
            return wat_fail(w, &t, "constant out of range");
        put_le(bytes, v, 4);
        buf_bytes(out, bytes, 4);
        return true;
    }
    default: {
        uint64_t v;
        if (!tok_f64(&t, &v))
            return wat_fail(w, &t, "constant out of range");
        put_le(bytes, v, 8);
        buf_bytes(out, bytes, 8);
        return true;
    }
    }
}

/* The immediates of op (not block structure, not select), into out. */
static bool parse_immediates(struct wat *w, struct func_ctx *f, int op, const struct token *op_tok,
                             struct buf *out)
{
    uint32_t a, b;
    struct token t;
    switch (opcode_table[op].imm) {
    case IMM_NONE:
        return true;
    case IMM_LABEL:
        if (!parse_label_ref(w, f, &a))
            return false;
        buf_u32(out, a);
        return true;
    case IMM_BR_TABLE: {
        uint32_t *labels = NULL, n = 0, cap = 0;
        bool yes;
        for (;;) {
            if (!wat_peek_index(w, &yes))
                goto br_fail;
            if (!yes)
                break;
            VEC_GROW(labels, n, cap);
            if (!parse_label_ref(w, f, &labels[n]))
                goto br_fail;
            n++;
        }
        if (n == 0) {
            if (wat_peek(w, 0, &t))
                wat_unexpected(w, &t);
            goto br_fail;
        }
        buf_u32(out, n - 1);
        for (uint32_t i = 0; i < n; i++)
            buf_u32(out, labels[i]);
        free(labels);
        return true;
    br_fail:
        free(labels);
        return false;
    }
    case IMM_CALL_INDIRECT: {
        struct typeuse tu;
        if (!opt_index(w, IS_TABLE, &b))
            return false;
        bool ok = wat_parse_typeuse(w, &tu, false) && wat_typeuse_index(w, &tu, &a);
        wat_typeuse_free(&tu);
        if (ok) {
            buf_u32(out, a);
            buf_u32(out, b);
        }
        return ok;
    }
    case IMM_LOCAL:
        if (!parse_local_index(w, f, &a))
            return false;
        buf_u32(out, a);
        return true;
    case IMM_TABLE:
        if (!opt_index(w, IS_TABLE, &a))
            return false;
        buf_u32(out, a);
        return true;
    case IMM_MEMARG:
        return parse_memarg(w, op, out);
    case IMM_MEM:
        if (!opt_index(w, IS_MEMORY, &a))
            return false;
        buf_u32(out, a);
        return true;
    case IMM_I32:
    case IMM_I64:
    case IMM_F32:
    case IMM_F64:
        return parse_const_imm(w, opcode_table[op].imm, out);
    case IMM_V128:
        return parse_v128_const(w, out);
    case IMM_LANE:
        return parse_lane(w, out);
    case IMM_MEMARG_LANE:
        return parse_memarg(w, op, out) && parse_lane(w, out);
    case IMM_SHUFFLE:
        return parse_shuffle(w, op_tok, out);
    case IMM_HEAPTYPE: {
        valtype_t ht;
        if (!wat_parse_heaptype(w, &ht))
            return false;
        wat_emit_heaptype(out, ht);
        return true;
    }
    case IMM_MEMORY_INIT:
        if (!one_or_two_indices(w, IS_MEMORY, IS_DATA, &a, &b))
            return false;
        buf_u32(out, b);
        buf_u32(out, a);
        w->uses_data_count = true;
        return true;
    case IMM_DATA:
        if (!wat_parse_index(w, IS_DATA, &a))
            return false;
        buf_u32(out, a);
        w->uses_data_count = true;
        return true;
    case IMM_MEMORY_COPY:
    case IMM_TABLE_COPY: {
        enum index_space space = opcode_table[op].imm == IMM_TABLE_COPY ? IS_TABLE : IS_MEMORY;
        bool yes;
        a = b = 0;
        if (!wat_peek_index(w, &yes))
            return false;
        if (yes && (!wat_parse_index(w, space, &a) || !wat_parse_index(w, space, &b)))
            return false;
        buf_u32(out, a);
        buf_u32(out, b);
        return true;
    }
    case IMM_TABLE_INIT:
        if (!one_or_two_indices(w, IS_TABLE, IS_ELEM, &a, &b))
            return false;
        buf_u32(out, b);
        buf_u32(out, a);
        return true;
    case IMM_FUNC:
    case IMM_GLOBAL:
    case IMM_TYPE:
    case IMM_ELEM:
    case IMM_TAG: {
        /* One index of the space the immediate names. */
        static const uint8_t space[] = {[IMM_FUNC] = IS_FUNC, [IMM_GLOBAL] = IS_GLOBAL, [IMM_TYPE] = IS_TYPE,
                                        [IMM_ELEM] = IS_ELEM, [IMM_TAG] = IS_TAG};
        if (!wat_parse_index(w, space[opcode_table[op].imm], &a))
            return false;
        buf_u32(out, a);
        return true;
    }
    default:
        return wat_fail(w, op_tok, "unexpected token");
    }
}

/* ---- instruction sequences ---- */

static bool is_block_op(int op) { return op == OP_block || op == OP_loop || op == OP_if_; }
/* The parts of a legacy try, which only its parser takes. */
static bool is_try_part(int op) { return op == OP_catch_ || op == OP_catch_all || op == OP_delegate; }
static bool is_select_op(int op) { return op == OP_select || op == OP_select_t; }

static bool enter(struct wat *w, struct func_ctx *f, const struct token *t)
{
    if (++f->depth > WAT_MAX_DEPTH)
        return wat_fail(w, t, "nesting too deep");
    return true;
}

/* block/loop/if ... end, the opcode keyword already consumed. */
static bool parse_block_plain(struct wat *w, struct func_ctx *f, struct buf *code, int op, const struct token *kw)
{
    struct token label, t;
    if (!enter(w, f, kw) || !opt_label(w, &label))
        return false;
    emit_op(code, op);
    if (!parse_blocktype(w, code))
        return false;
    push_label(f, &label);
    if (!wat_parse_instrs(w, f, code) || !wat_next(w, &t))
        return false;
    if (op == OP_if_ && tok_keyword_is(&t, "else")) {
        if (!check_end_label(w, &label))
            return false;
        buf_byte(code, 0x05);
        size_t mark = code->len;
        if (!wat_parse_instrs(w, f, code) || !wat_next(w, &t))
            return false;
        if (code->len == mark)
            code->len--; /* an empty else is no else (as other encoders write it) */
    }
    if (!tok_keyword_is(&t, "end"))
        return wat_unexpected(w, &t);
    if (!check_end_label(w, &label))
        return false;
    buf_byte(code, 0x0B);
    f->nlabels--;
    f->depth--;
    return true;
}

/* ---- exception handling ---- */

/* try_table's clauses: (catch x l) (catch_ref x l) (catch_all l)
 * (catch_all_ref l), their labels resolved outside the try_table. */
static bool parse_catch_clauses(struct wat *w, struct func_ctx *f, struct buf *out)
{
    static const char *const kinds[] = {[CATCH] = "catch", [CATCH_REF] = "catch_ref",
                                        [CATCH_ALL] = "catch_all", [CATCH_ALL_REF] = "catch_all_ref"};
    struct buf clauses = {0};
    uint32_t n = 0;
    bool ok = true;
    for (;;) {
        int kind = -1;
        bool yes = false;
        for (int k = 0; ok && k < 4 && kind < 0; k++) {
            ok = wat_peek_sexpr(w, kinds[k], &yes);
            if (yes)
                kind = k;
        }
        if (!ok || kind < 0)
            break;
        struct token t;
        uint32_t tag, label;
        ok = wat_next(w, &t) && wat_next(w, &t);
        buf_byte(&clauses, (uint8_t)kind);
        if (ok && (kind == CATCH || kind == CATCH_REF)) {
            ok = wat_parse_index(w, IS_TAG, &tag);
            buf_u32(&clauses, tag);
        }
        ok = ok && parse_label_ref(w, f, &label) && wat_expect_rparen(w);
        buf_u32(&clauses, label);
        n++;
    }
    if (ok) {
        buf_u32(out, n);
        buf_bytes(out, clauses.data, clauses.len);
    }
    buf_free(&clauses);
    return ok;
}

/* try_table label? blocktype catch* instr* (then `end label?` unless
 * folded), the keyword already consumed. */
static bool parse_try_table(struct wat *w, struct func_ctx *f, struct buf *code, bool folded)
{
    struct token label, t;
    if (!opt_label(w, &label))
        return false;
    emit_op(code, OP_try_table);
    if (!parse_blocktype(w, code) || !parse_catch_clauses(w, f, code))
        return false;
    push_label(f, &label);
    if (!wat_parse_instrs(w, f, code))
        return false;
    if (!folded && (!wat_next(w, &t) || !tok_keyword_is(&t, "end")))
        return wat_unexpected(w, &t);
    if (!folded && !check_end_label(w, &label))
        return false;
    buf_byte(code, 0x0B);
    f->nlabels--;
    return true;
}

/* try label? blocktype: opens the try's label. */
static bool try_head(struct wat *w, struct func_ctx *f, struct buf *code, struct token *label)
{
    if (!opt_label(w, label))
        return false;
    emit_op(code, OP_try_);
    if (!parse_blocktype(w, code))
        return false;
    push_label(f, label);
    return true;
}

/* catch x: the opcode and the tag. */
static bool emit_catch(struct wat *w, struct buf *code)
{
    uint32_t tag;
    emit_op(code, OP_catch_);
    if (!wat_parse_index(w, IS_TAG, &tag))
        return false;
    buf_u32(code, tag);
    return true;
}

/* delegate l: closes the try's label first, as l names one around it. */
static bool emit_delegate(struct wat *w, struct func_ctx *f, struct buf *code)
{
    uint32_t depth;
    f->nlabels--;
    emit_op(code, OP_delegate);
    if (!parse_label_ref(w, f, &depth))
        return false;
    buf_u32(code, depth);
    return true;
}

/* The rest of a legacy try after its body: catch x instr*, catch_all
 * instr*, then end; or delegate l. Plain: the keyword t was just read. */
static bool parse_try_plain_rest(struct wat *w, struct func_ctx *f, struct buf *code, const struct token *label,
                                 struct token *t)
{
    bool had_catch_all = false;
    for (;;) {
        if (tok_keyword_is(t, "catch") && !had_catch_all) {
            if (!emit_catch(w, code))
                return false;
        } else if (tok_keyword_is(t, "catch_all") && !had_catch_all) {
            emit_op(code, OP_catch_all);
            had_catch_all = true;
        } else {
            break;
        }
        if (!wat_parse_instrs(w, f, code) || !wat_next(w, t))
            return false;
    }
    if (tok_keyword_is(t, "end")) {
        buf_byte(code, 0x0B);
        f->nlabels--;
        return check_end_label(w, label);
    }
    if (tok_keyword_is(t, "delegate"))
        return emit_delegate(w, f, code);
    return wat_unexpected(w, t);
}

/* (try label? blocktype (do instr*) (catch x instr*)* (catch_all instr*)?)
 * or (try label? blocktype (do instr*) (delegate l)), after "(try". */
static bool parse_try_folded(struct wat *w, struct func_ctx *f, struct buf *code)
{
    struct token label, t;
    bool yes;
    if (!try_head(w, f, code, &label) || !wat_expect(w, TOK_LPAREN, &t) || !wat_next(w, &t))
        return false;
    if (!tok_keyword_is(&t, "do"))
        return wat_unexpected(w, &t);
    if (!wat_parse_instrs(w, f, code) || !wat_expect_rparen(w))
        return false;
    if (!wat_peek_sexpr(w, "delegate", &yes))
        return false;
    if (yes)
        return wat_next(w, &t) && wat_next(w, &t) && emit_delegate(w, f, code) && wat_expect_rparen(w);
    for (bool had_catch_all = false; !had_catch_all;) {
        bool is_catch, is_all;
        if (!wat_peek_sexpr(w, "catch", &is_catch) || !wat_peek_sexpr(w, "catch_all", &is_all))
            return false;
        if (!is_catch && !is_all)
            break;
        if (!wat_next(w, &t) || !wat_next(w, &t))
            return false;
        if (is_catch) {
            if (!emit_catch(w, code))
                return false;
        } else {
            emit_op(code, OP_catch_all);
            had_catch_all = true;
        }
        if (!wat_parse_instrs(w, f, code) || !wat_expect_rparen(w))
            return false;
    }
    buf_byte(code, 0x0B);
    f->nlabels--;
    return true;
}

static bool parse_plain(struct wat *w, struct func_ctx *f, struct buf *code)
{
    struct token t;
    if (!wat_next(w, &t))
        return false;
    int op = wat_op_lookup(w, t.text, t.len);
    if (op < 0 || op == OP_else_ || op == OP_end || is_try_part(op))
        return wat_unexpected(w, &t);
    if (is_block_op(op))
        return parse_block_plain(w, f, code, op, &t);
    if (op == OP_try_table || op == OP_try_) {
        struct token label;
        if (!enter(w, f, &t))
            return false;
        if (op == OP_try_table) {
            if (!parse_try_table(w, f, code, false))
                return false;
        } else if (!try_head(w, f, code, &label) || !wat_parse_instrs(w, f, code) || !wat_next(w, &t) ||
                   !parse_try_plain_rest(w, f, code, &label, &t)) {
            return false;
        }
        f->depth--;
        return true;
    }
    if (is_select_op(op))
        return parse_select(w, code);
    emit_op(code, op);
    return parse_immediates(w, f, op, &t, code);
}

/* foldedinstr* up to a ")" or a "(then". */
static bool parse_folded_operands(struct wat *w, struct func_ctx *f, struct buf *code)
{
    struct token t0, t1;
    for (;;) {
        if (!wat_peek(w, 0, &t0))
            return false;
        if (t0.kind != TOK_LPAREN)
            return true;
        if (!wat_peek(w, 1, &t1))
            return false;
        if (tok_keyword_is(&t1, "then"))
            return true;
        if (!wat_parse_folded(w, f, code))
            return false;
    }
}

static bool parse_folded_if(struct wat *w, struct func_ctx *f, struct buf *code, const struct token *label)
{
    struct buf bt = {0};
    struct token t;
    bool yes;
    bool ok = parse_blocktype(w, &bt) && parse_folded_operands(w, f, code);
    if (ok) {
        buf_byte(code, 0x04);
        buf_bytes(code, bt.data, bt.len);
        push_label(f, label);
        ok = wat_expect(w, TOK_LPAREN, &t) && wat_next(w, &t);
        if (ok && !tok_keyword_is(&t, "then"))
            ok = wat_unexpected(w, &t);
        ok = ok && wat_parse_instrs(w, f, code) && wat_expect_rparen(w) && wat_peek_sexpr(w, "else", &yes);
        if (ok && yes) {
            buf_byte(code, 0x05);
            size_t mark = code->len;
            ok = wat_next(w, &t) && wat_next(w, &t) && wat_parse_instrs(w, f, code) && wat_expect_rparen(w);
            if (code->len == mark)
                code->len--;
        }
        if (ok) {
            buf_byte(code, 0x0B);
            f->nlabels--;
        }
    }
    buf_free(&bt);
    return ok;
}

bool wat_parse_folded(struct wat *w, struct func_ctx *f, struct buf *code)
{
    struct token t;
    if (!wat_expect(w, TOK_LPAREN, &t) || !enter(w, f, &t) || !wat_next(w, &t))
        return false;
    if (t.kind != TOK_KEYWORD)
        return wat_unexpected(w, &t);
    int op = wat_op_lookup(w, t.text, t.len);
    if (op < 0 || op == OP_else_ || op == OP_end || is_try_part(op))
        return wat_unexpected(w, &t);
    bool ok;
    if (op == OP_try_table) {
        ok = parse_try_table(w, f, code, true);
    } else if (op == OP_try_) {
        ok = parse_try_folded(w, f, code);
    } else if (op == OP_block || op == OP_loop) {
        struct token label;
        ok = opt_label(w, &label);
        if (ok) {
            emit_op(code, op);
            ok = parse_blocktype(w, code);
        }
        if (ok) {
            push_label(f, &label);
            ok = wat_parse_instrs(w, f, code);
            f->nlabels--;
            buf_byte(code, 0x0B);
        }
    } else if (op == OP_if_) {
        struct token label;
        ok = opt_label(w, &label) && parse_folded_if(w, f, code, &label);
    } else {
        struct buf imm = {0};
        ok = is_select_op(op) ? parse_select(w, &imm) : parse_immediates(w, f, op, &t, &imm);
        ok = ok && parse_folded_operands(w, f, code);
        if (ok) {
            if (!is_select_op(op))
                emit_op(code, op);
            buf_bytes(code, imm.data, imm.len);
        }
        buf_free(&imm);
    }
    if (!ok || !wat_expect_rparen(w))
        return false;
    f->depth--;
    return true;
}

bool wat_parse_instrs(struct wat *w, struct func_ctx *f, struct buf *code)
{
    struct token t0, t1;
    for (;;) {
        if (!wat_peek(w, 0, &t0))
            return false;
        if (t0.kind == TOK_LPAREN) {
            if (!wat_peek(w, 1, &t1))
                return false;
            if (t1.kind != TOK_KEYWORD || tok_keyword_is(&t1, "then") || tok_keyword_is(&t1, "else"))
                return true;
            if (!wat_parse_folded(w, f, code))
                return false;
        } else if (t0.kind == TOK_KEYWORD) {
            if (tok_keyword_is(&t0, "end") || tok_keyword_is(&t0, "else") || tok_keyword_is(&t0, "catch") ||
                tok_keyword_is(&t0, "catch_all") || tok_keyword_is(&t0, "delegate"))
                return true;
            if (!parse_plain(w, f, code))
                return false;
        } else {
            return true;
        }
    }
}

bool wat_parse_expr(struct wat *w, struct buf *code)
{
    struct func_ctx f = {0};
    bool ok = wat_parse_instrs(w, &f, code);
    func_ctx_free(&f);
    if (ok)
        buf_byte(code, 0x0B);
    return ok;
}
