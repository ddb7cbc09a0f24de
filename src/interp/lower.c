/* Lowers each validated function body into the interpreter's slot code
 * (code.h). The compiler replays the validator's stack discipline on an
 * abstract stack whose entries say where a value lives: in its own frame
 * slot, still in a local (local.get emits nothing), or still a constant (an
 * immediate for the instruction that consumes it). Values are materialized
 * into their canonical slots only where control flow or calls need them
 * there. local.set retargets the producing instruction, and integer compares
 * fuse with the br_if/if that consumes them. */
#include <stdlib.h>

#include "interp/code.h"
#include "runtime/tier.h"

enum { E_SLOT, E_LOCAL, E_CONST };

struct ent {
    uint8_t kind;
    valtype_t type;
    uint32_t slot;  /* canonical slot of this stack position */
    uint32_t src;   /* E_LOCAL: the local's slot */
    uint64_t c[2];  /* E_CONST: the value (v128 in both) */
};

struct fixup { uint32_t instr, word, label; }; /* label: index in ctls */

struct ctl {
    uint16_t kind;        /* OP_block, OP_loop, OP_if_, or OP_COUNT for the function */
    uint32_t height;      /* abstract stack entries below the block's params */
    uint32_t nparams, nresults;
    const valtype_t *params, *results;
    valtype_t one;        /* storage for a single-valtype block result */
    uint32_t target;      /* loop: code position of the loop start */
    uint32_t else_instr, else_word; /* if: the branch to patch at else/end */
    bool has_else_fix;
    uint32_t fix_start;   /* this block's fixups start here in c->fixups */
    bool unreachable;
    /* Exception handling: a try_table's or a legacy try's handler (index
     * in c->handlers), open while its body is being lowered; a legacy try's
     * rethrow slot (an index among the hidden slots past the frame). */
    bool handler_open, legacy;
    bool rethrown; /* a legacy try some rethrow names */
    uint32_t handler;
    uint32_t exn;
};

struct compiler {
    struct rt_instance *inst;
    const struct module *m;
    uint32_t func;               /* function index */
    struct rt_code *out;
    struct wisp_error *err;

    code_t *code;
    uint32_t len, cap;
    uint32_t (*pos)[2];
    uint32_t npos, pos_cap;

    uint32_t *local_slot;        /* per local index */
    valtype_t *local_type;
    uint32_t nlocals;
    uint32_t base;               /* first operand-stack slot */
    uint32_t max_slot;

    struct ent *ents;
    uint32_t nents, ents_cap;
    struct ctl *ctls;
    uint32_t nctls, ctls_cap;
    struct fixup *fixups;
    uint32_t nfixups, fixups_cap;
    uint32_t dead_depth;         /* nested blocks inside unreachable code */

    /* The last emitted instruction, for retargeting and fusion. */
    uint32_t barrier;            /* no fusion across a branch target at this position */
    uint32_t last_instr;         /* start of the last instruction */
    unsigned last_xop;           /* its xop */
    uint32_t last_dst;           /* its destination word, or UINT32_MAX */
    uint32_t last_height;        /* stack height after the entry it produced */
    uint32_t cur_offset;         /* module offset of the wasm instruction being lowered */

    /* Exception handlers of the function (code.h), and the hidden slots
     * that hold a legacy catch's exception for rethrow: nexn are in use by
     * open trys, max_exn at most; their slot numbers are known only at the
     * end, so the code words and clauses naming one are patched then. */
    struct rt_handler *handlers;
    uint32_t nhandlers, handlers_cap;
    struct rt_catch *catches;
    uint32_t ncatches, catches_cap;
    uint32_t nexn, max_exn;
    uint32_t *exn_words;
    uint32_t nexn_words, exn_words_cap;

    /* Check points (limits): whether to emit them, the cost word of the
     * open one, and the instructions counted into it so far. */
    bool checks;
    bool hot;      /* count toward tier-up (XOP_hot) */
    uint32_t cost_word;
    uint32_t cost;
};

#define NONE32 UINT32_MAX

static uint32_t vt_slots(valtype_t t) { return t == VT_V128 ? 2 : 1; }

static void emit_word(struct compiler *c, code_t w)
{
    if (c->len == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 256;
        c->code = xrealloc(c->code, c->cap * sizeof *c->code);
    }
    c->code[c->len++] = w;
}

/* Start an instruction; records its position for backtraces. */
static uint32_t emit_op(struct compiler *c, unsigned xop)
{
    uint32_t at = c->len;
    if (c->npos == 0 || c->pos[c->npos - 1][1] != c->cur_offset) {
        VEC_GROW(c->pos, c->npos, c->pos_cap);
        c->pos[c->npos][0] = at;
        c->pos[c->npos][1] = c->cur_offset;
        c->npos++;
    }
    emit_word(c, rt_interp_handler(xop));
    c->last_instr = at;
    c->last_xop = xop;
    c->last_dst = NONE32;
    return at;
}

/* Remove the last instruction (to fuse it into the next one). */
static void unemit_last(struct compiler *c)
{
    c->len = c->last_instr;
    while (c->npos > 0 && c->pos[c->npos - 1][0] >= c->len)
        c->npos--;
    c->last_dst = NONE32;
}

static void set_barrier(struct compiler *c)
{
    c->barrier = c->len;
    c->last_dst = NONE32;
}

/* ---- the abstract stack ---- */

static uint32_t slot_at(struct compiler *c, uint32_t height)
{
    if (height == 0)
        return c->base;
    const struct ent *e = &c->ents[height - 1];
    return e->slot + vt_slots(e->type);
}

static struct ent *push(struct compiler *c, uint8_t kind, valtype_t type)
{
    uint32_t slot = slot_at(c, c->nents);
    VEC_GROW(c->ents, c->nents, c->ents_cap);
    struct ent *e = &c->ents[c->nents++];
    *e = (struct ent){.kind = kind, .type = type, .slot = slot};
    if (slot + vt_slots(type) > c->max_slot)
        c->max_slot = slot + vt_slots(type);
    return e;
}

static void emit_const_to(struct compiler *c, const struct ent *e, uint32_t dst)
{
    if (e->type == VT_V128) {
        emit_op(c, XOP_const128);
        emit_word(c, dst);
        for (int i = 0; i < 2; i++) {
            emit_word(c, (code_t)e->c[i]);
            emit_word(c, (code_t)(e->c[i] >> 32));
        }
    } else if (e->type == VT_I32 || e->type == VT_F32) {
        emit_op(c, XOP_const32);
        emit_word(c, dst);
        emit_word(c, (code_t)e->c[0]);
    } else {
        emit_op(c, XOP_const64);
        emit_word(c, dst);
        emit_word(c, (code_t)e->c[0]);
        emit_word(c, (code_t)(e->c[0] >> 32));
    }
}

static void emit_copy(struct compiler *c, valtype_t type, uint32_t dst, uint32_t src)
{
    /* Runs of one-slot copies (register shuffles at loop ends, call
     * arguments) become one instruction. */
    if (type != VT_V128 && c->len > c->barrier && c->last_instr >= c->barrier &&
        (c->last_xop == XOP_copy || c->last_xop == XOP_copies)) {
        if (c->last_xop == XOP_copy) {
            code_t d0 = c->code[c->last_instr + 1], s0 = c->code[c->last_instr + 2];
            c->len = c->last_instr;
            emit_word(c, rt_interp_handler(XOP_copies));
            emit_word(c, 1);
            emit_word(c, d0);
            emit_word(c, s0);
            c->last_xop = XOP_copies;
        }
        c->code[c->last_instr + 1]++;
        emit_word(c, dst);
        emit_word(c, src);
        return;
    }
    emit_op(c, type == VT_V128 ? XOP_copy2 : XOP_copy);
    emit_word(c, dst);
    emit_word(c, src);
}

/* Put the value of e into slot dst (without changing e). */
static void emit_value_to(struct compiler *c, const struct ent *e, uint32_t dst)
{
    switch (e->kind) {
    case E_SLOT:
        if (e->slot != dst)
            emit_copy(c, e->type, dst, e->slot);
        break;
    case E_LOCAL:
        emit_copy(c, e->type, dst, e->src);
        break;
    case E_CONST:
        emit_const_to(c, e, dst);
        break;
    }
}

static void materialize(struct compiler *c, struct ent *e)
{
    if (e->kind == E_SLOT)
        return;
    emit_value_to(c, e, e->slot);
    e->kind = E_SLOT;
}

static void materialize_from(struct compiler *c, uint32_t height)
{
    for (uint32_t i = height; i < c->nents; i++)
        materialize(c, &c->ents[i]);
}

/* The slot an operand can be read from, materializing constants. */
static uint32_t operand_slot(struct compiler *c, struct ent *e)
{
    if (e->kind == E_LOCAL)
        return e->src;
    if (e->kind == E_CONST)
        materialize(c, e);
    return e->slot;
}

/* Before a local is written, entries still reading it must take a copy. */
static void protect_local(struct compiler *c, uint32_t slot, uint32_t below)
{
    for (uint32_t i = 0; i < below; i++)
        if (c->ents[i].kind == E_LOCAL && c->ents[i].src == slot)
            materialize(c, &c->ents[i]);
}

/* Push a result produced by the instruction just emitted, whose destination
 * word is at dst_word. */
static void push_result(struct compiler *c, valtype_t type, uint32_t dst_word)
{
    struct ent *e = push(c, E_SLOT, type);
    c->code[dst_word] = e->slot;
    c->last_dst = dst_word;
    c->last_height = c->nents;
}

/* True when the top entry was produced by the last instruction, whose
 * destination can still be changed. */
static bool top_is_last_result(struct compiler *c)
{
    if (c->nents == 0 || c->last_dst == NONE32 || c->last_instr < c->barrier)
        return false;
    const struct ent *e = &c->ents[c->nents - 1];
    return e->kind == E_SLOT && c->last_height == c->nents && c->code[c->last_dst] == e->slot;
}

/* ---- control ---- */

static struct ctl *push_ctl(struct compiler *c, uint16_t kind, const struct instr *in)
{
    VEC_GROW(c->ctls, c->nctls, c->ctls_cap);
    struct ctl *k = &c->ctls[c->nctls++];
    *k = (struct ctl){.kind = kind, .fix_start = c->nfixups};
    if (in->block.kind == BT_VALTYPE) {
        k->one = in->block.valtype; /* results stays NULL: the array may move */
        k->nresults = 1;
    } else if (in->block.kind == BT_TYPEINDEX) {
        const struct functype *t = &c->m->types[in->block.index];
        k->params = functype_params(t);
        k->nparams = t->nparams;
        k->results = functype_results(t);
        k->nresults = t->nresults;
    }
    k->height = c->nents - k->nparams;
    return k;
}

/* The label's arity and its first slot. */
static uint32_t label_arity(const struct ctl *k) { return k->kind == OP_loop ? k->nparams : k->nresults; }
static uint32_t label_base(struct compiler *c, const struct ctl *k) { return slot_at(c, k->height); }

/* Point branch word `word` of instruction `instr` at label k. */
static void target_label(struct compiler *c, struct ctl *k, uint32_t instr, uint32_t word)
{
    if (k->kind == OP_loop) {
        c->code[word] = (code_t)(int32_t)(k->target - instr);
    } else {
        VEC_GROW(c->fixups, c->nfixups, c->fixups_cap);
        c->fixups[c->nfixups++] = (struct fixup){instr, word, (uint32_t)(k - c->ctls)};
    }
}

static void patch_here(struct compiler *c, uint32_t instr, uint32_t word)
{
    c->code[word] = (code_t)(int32_t)(c->len - instr);
}

/* Whether carrying the top values to label k needs copies. */
static bool carry_needed(struct compiler *c, struct ctl *k)
{
    uint32_t n = label_arity(k), dst = label_base(c, k);
    for (uint32_t i = c->nents - n; i < c->nents; i++) {
        const struct ent *e = &c->ents[i];
        if (e->kind != E_SLOT || e->slot != dst)
            return true;
        dst += vt_slots(e->type);
    }
    return false;
}

/* Copy the top values into label k's slots (ascending: destinations never
 * pass their sources, so nothing is overwritten before it is read). */
static void emit_carry(struct compiler *c, struct ctl *k)
{
    uint32_t n = label_arity(k), dst = label_base(c, k);
    for (uint32_t i = c->nents - n; i < c->nents; i++) {
        emit_value_to(c, &c->ents[i], dst);
        dst += vt_slots(c->ents[i].type);
    }
}

/* Return: results go to slots 0.. of the frame. Like every branch, this
 * leaves the abstract stack as it was: a conditional return's fall-through
 * path must not believe values were materialized on the taken path. */
static void emit_return(struct compiler *c)
{
    const struct functype *t = c->inst->funcs[c->func]->type;
    uint32_t n = t->nresults;
    if (n == 1 && functype_results(t)[0] != VT_V128) {
        struct ent e = c->ents[c->nents - 1];
        uint32_t s = operand_slot(c, &e);
        emit_op(c, XOP_ret1);
        emit_word(c, s);
        return;
    }
    /* Through the canonical slots: a local may be both a source and a
     * destination, canonical slots never are. */
    for (uint32_t i = c->nents - n; i < c->nents; i++)
        if (c->ents[i].kind != E_SLOT)
            emit_value_to(c, &c->ents[i], c->ents[i].slot);
    uint32_t dst = 0;
    for (uint32_t i = c->nents - n; i < c->nents; i++) {
        if (c->ents[i].slot != dst)
            emit_copy(c, c->ents[i].type, dst, c->ents[i].slot);
        dst += vt_slots(c->ents[i].type);
    }
    emit_op(c, XOP_ret);
}

/* An unconditional branch to the label at `depth`. */
static void emit_br(struct compiler *c, uint32_t depth)
{
    struct ctl *k = &c->ctls[c->nctls - 1 - depth];
    if (k->kind == OP_COUNT) {
        emit_return(c);
        return;
    }
    emit_carry(c, k);
    uint32_t at = emit_op(c, XOP_br);
    emit_word(c, 0);
    target_label(c, k, at, at + 1);
}

static void mark_unreachable(struct compiler *c)
{
    struct ctl *k = &c->ctls[c->nctls - 1];
    k->unreachable = true;
    c->nents = k->height; /* the rest of the block pushes nothing real */
    set_barrier(c);
}

/* After a tail call: the return its host or native callee comes back to
 * (a wasm callee in the interpreter replaces the frame and never does). */
static void emit_tail_return(struct compiler *c)
{
    emit_return(c);
    mark_unreachable(c);
}

/* The negation of a fused integer compare, for branching when it is false. */
static unsigned negate_cmp(unsigned x)
{
    static const struct { unsigned a, b; } pairs[] = {
#define P(w, a, b) {XOP_br_##w##_##a, XOP_br_##w##_##b}, {XOP_br_##w##_##b, XOP_br_##w##_##a},
        P(i32, eq, ne) P(i32, lt_s, ge_s) P(i32, lt_u, ge_u) P(i32, gt_s, le_s) P(i32, gt_u, le_u)
        P(i64, eq, ne) P(i64, lt_s, ge_s) P(i64, lt_u, ge_u) P(i64, gt_s, le_s) P(i64, gt_u, le_u)
        P(i32, eq_imm, ne_imm) P(i32, lt_s_imm, ge_s_imm) P(i32, lt_u_imm, ge_u_imm)
        P(i32, gt_s_imm, le_s_imm) P(i32, gt_u_imm, le_u_imm)
#undef P
    };
    for (size_t i = 0; i < ARRAY_LEN(pairs); i++)
        if (pairs[i].a == x)
            return pairs[i].b;
    return 0;
}

/* The fused branch for a compare xop (the wasm opcode or an _imm xop). */
static unsigned fused_branch(unsigned op)
{
    switch (op) {
#define X(cc, ...) case OP_i32_##cc: return XOP_br_i32_##cc; case XOP_i32_##cc##_imm: return XOP_br_i32_##cc##_imm; \
                   case OP_i64_##cc: return XOP_br_i64_##cc;
    INT_CMPS(X)
#undef X
    }
    return 0;
}

/* A conditional branch: taken when the i32 on top is nonzero (or zero when
 * `when_zero`). Returns the instruction and its target word to patch. The top
 * entry is consumed. If the condition came from an integer compare emitted
 * just before, the compare is fused into the branch. Whatever else must be
 * emitted before the branch (materialize_height and beyond) is emitted after
 * the fusion check, which is safe: those copies write slots below the
 * condition, and a compare's operands are at or above it or are locals. */
static void emit_cond_branch(struct compiler *c, bool when_zero, uint32_t materialize_height,
                             uint32_t *instr, uint32_t *word)
{
    unsigned fuse = 0;
    code_t ops[3] = {0, 0, 0};
    bool eqz = false;
    if (top_is_last_result(c)) {
        unsigned xop = c->last_xop;
        if (xop == OP_i32_eqz) {
            eqz = true;
            ops[0] = c->code[c->last_instr + 2];
        } else if ((fuse = fused_branch(xop)) != 0) {
            ops[0] = c->code[c->last_instr + 2];
            ops[1] = c->code[c->last_instr + 3];
            if (when_zero)
                fuse = negate_cmp(fuse);
        }
        if (eqz || fuse)
            unemit_last(c);
    }
    struct ent cond = c->ents[--c->nents];
    materialize_from(c, materialize_height);
    uint32_t at;
    if (fuse) {
        at = emit_op(c, fuse);
        emit_word(c, ops[0]);
        emit_word(c, ops[1]);
        emit_word(c, 0);
        *word = at + 3;
    } else {
        uint32_t s = eqz ? ops[0] : operand_slot(c, &cond);
        at = emit_op(c, (when_zero != eqz) ? XOP_br_z : XOP_br_nz);
        emit_word(c, s);
        emit_word(c, 0);
        *word = at + 2;
    }
    *instr = at;
}

/* ---- straight-line instructions ---- */

static unsigned imm_binop(unsigned op)
{
    switch (op) {
#define X(o, ...) case OP_i32_##o: return XOP_i32_##o##_imm; case OP_i64_##o: return XOP_i64_##o##_imm;
    INT_ARITH(X)
    INT_CMPS(X)
#undef X
    }
    return 0;
}

static valtype_t sig_type(char ch)
{
    switch (ch) {
    case 'i': return VT_I32;
    case 'l': return VT_I64;
    case 'f': return VT_F32;
    case 'd': return VT_F64;
    case 'v': return VT_V128;
    }
    return 0;
}

/* Immediate words after the operands, by immediate kind. */
static void emit_imms(struct compiler *c, const struct instr *in)
{
    switch (opcode_table[in->op].imm) {
    case IMM_MEMARG: emit_word(c, (code_t)in->memarg.offset); break;
    case IMM_MEMARG_LANE: emit_word(c, (code_t)in->memarg.offset); emit_word(c, in->lane); break;
    case IMM_LANE: emit_word(c, in->lane); break;
    case IMM_SHUFFLE:
        for (int i = 0; i < 4; i++) {
            code_t w;
            memcpy(&w, in->imm.v128 + 4 * i, 4);
            emit_word(c, w);
        }
        break;
    case IMM_TABLE: case IMM_DATA: case IMM_ELEM: case IMM_MEMORY_INIT:
        emit_word(c, in->a);
        break;
    case IMM_TABLE_INIT: case IMM_TABLE_COPY:
        emit_word(c, in->a);
        emit_word(c, in->b);
        break;
    default: break;
    }
}

/* Fold away the instruction just emitted, whose result is the top entry:
 * pop that entry and hand back the producer's two operand words. Safe
 * because its result slot was read by nothing but the instruction that now
 * takes its place. */
static void take_last(struct compiler *c, code_t *x, code_t *y)
{
    *x = c->code[c->last_instr + 2];
    *y = c->code[c->last_instr + 3];
    unemit_last(c);
    c->nents--;
}

/* [xop] [dst] w1 w2 w3, pushing its result. */
static void emit_result3(struct compiler *c, unsigned xop, valtype_t result, code_t w1, code_t w2, code_t w3)
{
    uint32_t at = emit_op(c, xop);
    emit_word(c, 0);
    emit_word(c, w1);
    emit_word(c, w2);
    emit_word(c, w3);
    push_result(c, result, at + 1);
}

/* The fused forms of a load whose address is a sum, or 0. */
static unsigned load_add_form(unsigned op, bool imm)
{
    switch (op) {
#define X(o, ...) case o: return imm ? XOP_##o##_addi : XOP_##o##_add;
    LOADS(X)
#undef X
    }
    return 0;
}

/* An instruction typed by its signature: [xop] [dst] operands... imms... */
static void emit_plain(struct compiler *c, const struct instr *in, unsigned xop, uint32_t nparams,
                       valtype_t result)
{
    unsigned fused;
    if (nparams == 1 && top_is_last_result(c) &&
        (c->last_xop == OP_i32_add || c->last_xop == XOP_i32_add_imm) &&
        (fused = load_add_form(xop, c->last_xop == XOP_i32_add_imm)) != 0) {
        /* The address was computed by the instruction just emitted: compute
         * it inside the load instead (same wrap-around, one dispatch). */
        code_t a, b;
        take_last(c, &a, &b);
        emit_result3(c, fused, result, a, b, (code_t)in->memarg.offset);
        return;
    }
    uint32_t slots[3];
    /* Collect operand slots first: materializing a constant emits code. */
    for (uint32_t i = 0; i < nparams; i++)
        slots[i] = operand_slot(c, &c->ents[c->nents - nparams + i]);
    c->nents -= nparams;
    uint32_t at = emit_op(c, xop);
    if (result)
        emit_word(c, 0);
    for (uint32_t i = 0; i < nparams; i++)
        emit_word(c, slots[i]);
    emit_imms(c, in);
    if (result)
        push_result(c, result, at + 1);
}

/* Fused forms of a binary operation whose right operand the instruction
 * just emitted produced (see XOP_SHIFT_FUSIONS, XOP_LOAD_FUSIONS), or 0. */
static unsigned fused_with_last(struct compiler *c, unsigned op)
{
#define X(o, sh) if (op == OP_i32_##o && c->last_xop == XOP_i32_##sh##_imm) return XOP_i32_##o##_##sh;
    XOP_SHIFT_FUSIONS(X)
#undef X
#define X(o) if (op == OP_f64_##o && c->last_xop == OP_f64_load) return XOP_f64_##o##_load;
    XOP_LOAD_FUSIONS(X)
#undef X
    return 0;
}

/* The number of operands a signature-typed instruction takes. */
static uint32_t sig_params(unsigned op)
{
    const char *sig = opcode_table[op].sig;
    uint32_t n = 0;
    while (sig[n] && sig[n] != ':')
        n++;
    return n;
}

static void emit_sig(struct compiler *c, const struct instr *in)
{
    const char *sig = opcode_table[in->op].sig;
    uint32_t nparams = sig_params(in->op);
    valtype_t result = sig[nparams] == ':' ? sig_type(sig[nparams + 1]) : 0;

    unsigned imm, fused;
    if (nparams == 2 && top_is_last_result(c) && (fused = fused_with_last(c, in->op)) != 0) {
        /* The right operand's producer folds in: its operands (x, k) or
         * (addr, offset) become this instruction's last two words. */
        code_t x, k;
        take_last(c, &x, &k);
        uint32_t a = operand_slot(c, &c->ents[c->nents - 1]);
        c->nents--;
        emit_result3(c, fused, result, a, x, k);
        return;
    }
    if (nparams == 2 && c->ents[c->nents - 1].kind == E_CONST && (imm = imm_binop(in->op)) != 0) {
        struct ent k = c->ents[--c->nents];
        uint32_t a = operand_slot(c, &c->ents[c->nents - 1]);
        c->nents--;
        /* x - C is x + (-C) modulo 2^n: one form, so address arithmetic
         * like `p - 48` also fuses into the load that uses it. */
        if (in->op == OP_i32_sub || in->op == OP_i64_sub) {
            imm = in->op == OP_i32_sub ? XOP_i32_add_imm : XOP_i64_add_imm;
            k.c[0] = 0 - k.c[0];
        }
        uint32_t at = emit_op(c, imm);
        emit_word(c, 0);
        emit_word(c, a);
        emit_word(c, (code_t)k.c[0]);
        if (sig[0] == 'l')
            emit_word(c, (code_t)(k.c[0] >> 32));
        push_result(c, result, at + 1);
        return;
    }
    emit_plain(c, in, in->op, nparams, result);
}

static void push_const(struct compiler *c, valtype_t type, uint64_t lo, uint64_t hi)
{
    struct ent *e = push(c, E_CONST, type);
    e->c[0] = lo;
    e->c[1] = hi;
}

static bool no_refs_below(struct compiler *c, uint32_t slot)
{
    for (uint32_t i = 0; i + 1 < c->nents; i++)
        if (c->ents[i].kind == E_LOCAL && c->ents[i].src == slot)
            return false;
    return true;
}

static void emit_call(struct compiler *c, struct rt_func *f, unsigned xop, const uint32_t *pre, uint32_t npre)
{
    const struct functype *t = f->type;
    uint32_t h = c->nents - t->nparams;
    materialize_from(c, h);
    uint32_t argbase = slot_at(c, h);
    uint32_t at = emit_op(c, xop);
    (void)at;
    for (uint32_t i = 0; i < npre; i++)
        emit_word(c, pre[i]);
    emit_word(c, argbase);
    uint32_t room = f->nparam_slots > f->nresult_slots ? f->nparam_slots : f->nresult_slots;
    if (argbase + room > c->max_slot)
        c->max_slot = argbase + room;
    c->nents = h;
    for (uint32_t i = 0; i < t->nresults; i++)
        push(c, E_SLOT, functype_results(t)[i]);
    c->last_dst = NONE32;
}

static void do_else(struct compiler *c, struct ctl *k)
{
    if (!k->unreachable) {
        materialize_from(c, k->height);
        uint32_t at = emit_op(c, XOP_br);
        emit_word(c, 0);
        target_label(c, k, at, at + 1);
    }
    if (k->has_else_fix) {
        patch_here(c, k->else_instr, k->else_word);
        k->has_else_fix = false;
    }
    set_barrier(c);
    c->nents = k->height;
    for (uint32_t i = 0; i < k->nparams; i++)
        push(c, E_SLOT, k->params[i]);
    k->unreachable = false;
}

static void close_handler(struct compiler *c, struct ctl *k);

/* A legacy try's end: its rethrow slot is free again, and when nothing
 * rethrows from its catches they keep no reference to the exception (so
 * one no reference exposed is freed when caught, as with try_table's
 * catch). */
static void end_legacy_try(struct compiler *c, struct ctl *k)
{
    c->nexn--;
    if (k->rethrown)
        return;
    for (uint32_t i = 0; i < c->ncatches; i++)
        if (c->catches[i].handler == k->handler && c->catches[i].legacy) {
            c->catches[i].legacy = false;
            c->catches[i].ref_slot = NONE32;
        }
}

static void do_end(struct compiler *c, struct ctl *k)
{
    if (!k->unreachable)
        materialize_from(c, k->height);
    if (UNLIKELY(k->handler_open))
        close_handler(c, k);
    if (UNLIKELY(k->legacy))
        end_legacy_try(c, k);
    if (k->has_else_fix)
        patch_here(c, k->else_instr, k->else_word);
    /* Branches to this label were recorded after fix_start; branches to
     * outer labels recorded since then stay pending. */
    uint32_t label = (uint32_t)(k - c->ctls), keep = k->fix_start;
    for (uint32_t i = k->fix_start; i < c->nfixups; i++) {
        if (c->fixups[i].label == label)
            patch_here(c, c->fixups[i].instr, c->fixups[i].word);
        else
            c->fixups[keep++] = c->fixups[i];
    }
    c->nfixups = keep;
    set_barrier(c);
    c->nents = k->height;
    for (uint32_t i = 0; i < k->nresults; i++)
        push(c, E_SLOT, k->results ? k->results[i] : k->one);
    c->nctls--;
}

static void do_br_if(struct compiler *c, uint32_t depth)
{
    struct ctl *k = &c->ctls[c->nctls - 1 - depth];
    uint32_t instr, word;
    if (k->kind != OP_COUNT) {
        /* Does the taken branch need copies? (Ignoring the condition.) */
        c->nents--;
        bool copies = carry_needed(c, k);
        c->nents++;
        if (!copies) {
            emit_cond_branch(c, false, c->nents, &instr, &word);
            target_label(c, k, instr, word);
            return;
        }
    }
    emit_cond_branch(c, true, c->nents, &instr, &word);
    emit_br(c, depth);
    patch_here(c, instr, word);
    set_barrier(c);
}

/* br_on_null and br_on_non_null: a branch on whether the reference on
 * top is null. br_on_null's is taken with the values below it and leaves
 * it (not null) on the way through; br_on_non_null's is taken with them
 * and it, and drops it on the way through. */
static void do_br_on_null(struct compiler *c, uint32_t depth, bool on_null)
{
    struct ctl *k = &c->ctls[c->nctls - 1 - depth];
    uint32_t ref = operand_slot(c, &c->ents[c->nents - 1]);
    if (on_null)
        c->nents--; /* the label's values are the ones below */
    bool copies = k->kind == OP_COUNT || carry_needed(c, k);
    uint32_t at = emit_op(c, copies == on_null ? XOP_br_nonnull : XOP_br_null);
    emit_word(c, ref);
    emit_word(c, 0);
    if (copies) {
        emit_br(c, depth);
        patch_here(c, at, at + 2);
        set_barrier(c);
    } else {
        target_label(c, k, at, at + 2);
    }
    if (on_null) {
        c->nents++;
        c->ents[c->nents - 1].type |= VT_NONNULL;
    } else {
        c->nents--;
    }
}

static void do_br_table(struct compiler *c, const struct instr *in)
{
    struct ent idx = c->ents[--c->nents];
    uint32_t s = operand_slot(c, &idx);
    uint32_t n = in->br_table.count;
    uint32_t at = emit_op(c, XOP_br_table);
    emit_word(c, s);
    emit_word(c, n);
    uint32_t first = c->len;
    const uint8_t *p = in->br_table.labels;
    uint32_t *depths = xmalloc((n + 1) * sizeof *depths);
    for (uint32_t i = 0; i < n; i++)
        depths[i] = br_table_next(&p);
    depths[n] = in->br_table.default_label;
    for (uint32_t i = 0; i <= n; i++)
        emit_word(c, 0);
    for (uint32_t i = 0; i <= n; i++) {
        struct ctl *k = &c->ctls[c->nctls - 1 - depths[i]];
        if (k->kind != OP_COUNT && !carry_needed(c, k)) {
            target_label(c, k, at, first + i);
            continue;
        }
        /* A landing pad that moves the values, then branches. */
        patch_here(c, at, first + i);
        set_barrier(c);
        emit_br(c, depths[i]);
    }
    free(depths);
}

static uint32_t pop_slot(struct compiler *c)
{
    struct ent e = c->ents[--c->nents];
    return operand_slot(c, &e);
}

/* Start a check point here: its cost is every instruction of the body, in
 * order, from here to the next check point (fuel is charged per region,
 * the same rule in every tier). The open region's count is closed first;
 * `carry` instructions already counted (the `loop` itself) move to the new
 * one, so a loop iteration always costs at least 1. */
static void open_check(struct compiler *c, uint32_t carry)
{
    if (c->cost_word != NONE32)
        c->code[c->cost_word] = c->cost - carry;
    emit_op(c, XOP_check);
    c->cost_word = c->len;
    emit_word(c, 0);
    c->cost = carry;
    set_barrier(c);
}

static bool mem_is64(const struct compiler *c, uint32_t k);
static void emit_copy_between(struct compiler *c, const struct instr *in);

/* ---- exception handling ----
 * A try body is a range of code covered by a handler (code.h). A throw
 * finds the innermost handler covering it and tries its catch clauses in
 * order; a clause's pad, lowered next to the try, receives the payload in
 * the canonical slots of the try's height (and the exnref after it, or in
 * the legacy try's rethrow slot) and then branches as `br` would. The pads
 * of a try_table come before its body, jumped over; a legacy catch's pad is
 * the start of its code. Nothing is emitted into the body itself. */

/* The innermost open handler around the code being lowered, looking no
 * further out than control entry `upto`. */
static uint32_t open_handler_within(const struct compiler *c, uint32_t upto)
{
    for (uint32_t i = upto + 1; i-- > 0;)
        if (c->ctls[i].handler_open)
            return c->ctls[i].handler;
    return NONE32;
}

static void open_handler(struct compiler *c, struct ctl *k)
{
    set_barrier(c);
    VEC_GROW(c->handlers, c->nhandlers, c->handlers_cap);
    c->handlers[c->nhandlers] = (struct rt_handler){.start = c->len, .end = c->len,
                                                    .outer = open_handler_within(c, c->nctls - 1)};
    k->handler = c->nhandlers++;
    k->handler_open = true;
}

static void close_handler(struct compiler *c, struct ctl *k)
{
    c->handlers[k->handler].end = c->len;
    k->handler_open = false;
    set_barrier(c);
}

static void add_catch(struct compiler *c, uint32_t handler, uint32_t tag, uint32_t slot, uint32_t ref_slot,
                      bool legacy)
{
    VEC_GROW(c->catches, c->ncatches, c->catches_cap);
    c->catches[c->ncatches++] = (struct rt_catch){.tag = tag, .pad = c->len, .slot = slot, .ref_slot = ref_slot,
                                                  .handler = handler, .legacy = legacy};
}

static const struct functype *tag_functype(const struct compiler *c, uint32_t tag)
{
    return &c->m->types[c->m->tag_types[tag]];
}

/* Push a tag's payload as values in their canonical slots. */
static void push_payload(struct compiler *c, uint32_t tag)
{
    const struct functype *t = tag_functype(c, tag);
    for (uint32_t i = 0; i < t->nparams; i++)
        push(c, E_SLOT, functype_params(t)[i]);
}

/* try_table: the pads first (skipped over), then the body as a block. */
static void lower_try_table(struct compiler *c, const struct instr *in)
{
    materialize_from(c, 0);
    uint32_t nparams = in->block.kind == BT_TYPEINDEX ? c->m->types[in->block.index].nparams : 0;
    uint32_t h = c->nents - nparams, skip = NONE32;
    /* The try_table's params stay on the abstract stack for the body; each
     * pad sees height h and the payload above it instead. */
    struct ent *saved = NULL;
    if (nparams) {
        saved = xmalloc(nparams * sizeof *saved);
        memcpy(saved, c->ents + h, nparams * sizeof *saved);
    }
    if (in->catches.count) {
        skip = emit_op(c, XOP_br);
        emit_word(c, 0);
    }
    uint32_t first = c->ncatches;
    const uint8_t *p = in->catches.p;
    for (uint32_t i = 0; i < in->catches.count; i++) {
        struct catch_clause cc = catch_next(&p);
        bool with_tag = cc.kind == CATCH || cc.kind == CATCH_REF;
        bool ref = cc.kind == CATCH_REF || cc.kind == CATCH_ALL_REF;
        set_barrier(c);
        c->nents = h;
        uint32_t slot = slot_at(c, h);
        if (with_tag)
            push_payload(c, cc.tag);
        uint32_t ref_slot = ref ? slot_at(c, c->nents) : NONE32;
        if (ref)
            push(c, E_SLOT, VT_EXNREF);
        add_catch(c, NONE32, with_tag ? cc.tag : NONE32, slot, ref_slot, false);
        emit_br(c, cc.label);
    }
    c->nents = h;
    for (uint32_t i = 0; i < nparams; i++)
        *push(c, saved[i].kind, saved[i].type) = saved[i];
    free(saved);
    if (skip != NONE32)
        patch_here(c, skip, skip + 1);
    struct ctl *k = push_ctl(c, OP_block, in);
    open_handler(c, k);
    for (uint32_t i = first; i < c->ncatches; i++)
        c->catches[i].handler = k->handler;
}

/* A legacy catch or catch_all: the end of the try body (or of the
 * previous catch), then the pad, which is where the catch's code starts. */
static void lower_legacy_catch(struct compiler *c, struct ctl *k, const struct instr *in)
{
    if (!k->unreachable) {
        materialize_from(c, k->height);
        uint32_t at = emit_op(c, XOP_br);
        emit_word(c, 0);
        target_label(c, k, at, at + 1);
    }
    if (k->handler_open)
        close_handler(c, k);
    set_barrier(c);
    c->nents = k->height;
    k->unreachable = false;
    uint32_t slot = slot_at(c, k->height);
    add_catch(c, k->handler, in->op == OP_catch_ ? in->a : NONE32, slot, k->exn, true);
    if (in->op == OP_catch_)
        push_payload(c, in->a);
}

/* Emit a word naming hidden slot `exn`, patched when the frame is known. */
static void emit_exn_word(struct compiler *c, uint32_t exn)
{
    VEC_GROW(c->exn_words, c->nexn_words, c->exn_words_cap);
    c->exn_words[c->nexn_words++] = c->len;
    emit_word(c, exn);
}

static bool compile_exceptions(struct compiler *c, const struct instr *in)
{
    struct ctl *k = &c->ctls[c->nctls - 1];
    switch (in->op) {
    case OP_try_table:
        lower_try_table(c, in);
        return true;
    case OP_try_:
        materialize_from(c, 0);
        k = push_ctl(c, OP_block, in);
        k->legacy = true;
        k->exn = c->nexn++;
        if (c->nexn > c->max_exn)
            c->max_exn = c->nexn;
        open_handler(c, k);
        return true;
    case OP_catch_:
    case OP_catch_all:
        lower_legacy_catch(c, k, in);
        return true;
    case OP_delegate:
        /* Uncaught here, the exception goes on from the label's position:
         * the innermost handler still open around the label (the label's
         * own, when it is a try body). */
        if (k->handler_open) {
            c->handlers[k->handler].outer = open_handler_within(c, c->nctls - 2 - in->a);
            close_handler(c, k);
        }
        do_end(c, k);
        return true;
    case OP_throw_: {
        const struct functype *t = tag_functype(c, in->a);
        uint32_t h = c->nents - t->nparams;
        materialize_from(c, h);
        emit_op(c, XOP_throw);
        emit_word(c, in->a);
        emit_word(c, slot_at(c, h));
        mark_unreachable(c);
        return true;
    }
    case OP_throw_ref: {
        uint32_t s = pop_slot(c);
        emit_op(c, XOP_throw_ref);
        emit_word(c, s);
        mark_unreachable(c);
        return true;
    }
    case OP_rethrow:
        c->ctls[c->nctls - 1 - in->a].rethrown = true;
        emit_op(c, XOP_throw_ref);
        emit_exn_word(c, c->ctls[c->nctls - 1 - in->a].exn);
        mark_unreachable(c);
        return true;
    }
    return err_set(c->err, WISP_ERR_UNSUPPORTED, in->offset, "compiler: unhandled instruction %s",
                   opcode_table[in->op].name);
}

/* At the end of a function: the hidden slots go past the deepest operand
 * stack, and each handler's clauses are put together (a legacy try's come
 * between those of the trys inside it). */
static void finish_handlers(struct compiler *c, struct rt_code *out)
{
    uint32_t hidden = c->max_slot;
    c->max_slot += c->max_exn;
    for (uint32_t i = 0; i < c->nexn_words; i++)
        c->code[c->exn_words[i]] += hidden;
    struct rt_catch *sorted = xmalloc((c->ncatches ? c->ncatches : 1) * sizeof *sorted);
    uint32_t n = 0;
    for (uint32_t h = 0; h < c->nhandlers; h++) {
        c->handlers[h].first = n;
        for (uint32_t i = 0; i < c->ncatches; i++) {
            if (c->catches[i].handler != h)
                continue;
            sorted[n] = c->catches[i];
            if (sorted[n].legacy)
                sorted[n].ref_slot += hidden;
            n++;
        }
        c->handlers[h].ncatches = n - c->handlers[h].first;
    }
    out->nhandlers = c->nhandlers;
    out->handlers = c->handlers;
    out->catches = sorted;
    c->handlers = NULL;
    c->nhandlers = c->handlers_cap = 0;
}

static bool compile_instr(struct compiler *c, const struct instr *in)
{
    struct ctl *k = &c->ctls[c->nctls - 1];
    switch (in->op) {
    case OP_unreachable:
        emit_op(c, OP_unreachable);
        mark_unreachable(c);
        return true;
    case OP_nop:
        return true;
    case OP_block:
        materialize_from(c, 0);
        push_ctl(c, OP_block, in);
        return true;
    case OP_loop:
        materialize_from(c, 0);
        k = push_ctl(c, OP_loop, in);
        set_barrier(c);
        k->target = c->len;
        if (c->hot) {
            emit_op(c, XOP_hot);
            emit_word(c, in->offset);
        }
        if (c->checks)
            open_check(c, 1);
        return true;
    case OP_if_: {
        uint32_t instr, word;
        emit_cond_branch(c, true, 0, &instr, &word);
        k = push_ctl(c, OP_if_, in);
        k->else_instr = instr;
        k->else_word = word;
        k->has_else_fix = true;
        return true;
    }
    case OP_else_:
        do_else(c, k);
        return true;
    case OP_end:
        if (k->kind == OP_COUNT) {
            if (!k->unreachable)
                emit_return(c);
            c->nctls--;
            return true;
        }
        do_end(c, k);
        return true;
    case OP_br:
        emit_br(c, in->a);
        mark_unreachable(c);
        return true;
    case OP_br_if:
        do_br_if(c, in->a);
        return true;
    case OP_br_table:
        do_br_table(c, in);
        mark_unreachable(c);
        return true;
    case OP_return_:
        emit_return(c);
        mark_unreachable(c);
        return true;
    case OP_call: {
        struct rt_func *f = c->inst->funcs[in->a];
        uint32_t idx = in->a;
        emit_call(c, f, XOP_call, &idx, 1);
        return true;
    }
    case OP_call_indirect:
    case OP_return_call_indirect: {
        const struct functype *t = &c->m->types[in->a];
        uint32_t pre[3];
        pre[0] = c->inst->type_ids[in->a];
        pre[1] = in->b;
        pre[2] = pop_slot(c);
        /* A stand-in function for the frame arithmetic. */
        struct rt_func shape = {.type = t, .nparam_slots = rt_slot_count(functype_params(t), t->nparams),
                                .nresult_slots = rt_slot_count(functype_results(t), t->nresults)};
        bool tail = in->op == OP_return_call_indirect;
        emit_call(c, &shape, tail ? XOP_return_call_indirect : XOP_call_indirect, pre, 3);
        if (tail)
            emit_tail_return(c);
        return true;
    }
    case OP_return_call: {
        uint32_t idx = in->a;
        emit_call(c, c->inst->funcs[idx], XOP_return_call, &idx, 1);
        emit_tail_return(c);
        return true;
    }
    case OP_call_ref:
    case OP_return_call_ref: {
        const struct functype *t = &c->m->types[in->a];
        uint32_t ref = pop_slot(c);
        struct rt_func shape = {.type = t, .nparam_slots = rt_slot_count(functype_params(t), t->nparams),
                                .nresult_slots = rt_slot_count(functype_results(t), t->nresults)};
        bool tail = in->op == OP_return_call_ref;
        emit_call(c, &shape, tail ? XOP_return_call_ref : XOP_call_ref, &ref, 1);
        if (tail)
            emit_tail_return(c);
        return true;
    }
    case OP_br_on_null:
    case OP_br_on_non_null:
        do_br_on_null(c, in->a, in->op == OP_br_on_null);
        return true;
    case OP_ref_as_non_null: {
        valtype_t t = c->ents[c->nents - 1].type | VT_NONNULL;
        emit_plain(c, in, OP_ref_as_non_null, 1, t);
        return true;
    }
    case OP_try_table: case OP_try_: case OP_catch_: case OP_catch_all: case OP_delegate:
    case OP_throw_: case OP_throw_ref: case OP_rethrow:
        return compile_exceptions(c, in);
    case OP_drop:
        c->nents--;
        return true;
    case OP_select:
    case OP_select_t: {
        valtype_t t = in->op == OP_select_t ? in->valtype : c->ents[c->nents - 2].type;
        uint32_t s[3];
        for (int i = 0; i < 3; i++)
            s[i] = operand_slot(c, &c->ents[c->nents - 3 + i]);
        c->nents -= 3;
        uint32_t at = emit_op(c, t == VT_V128 ? XOP_select2 : OP_select);
        emit_word(c, 0);
        for (int i = 0; i < 3; i++)
            emit_word(c, s[i]);
        push_result(c, t, at + 1);
        return true;
    }
    case OP_local_get: {
        struct ent *e = push(c, E_LOCAL, c->local_type[in->a]);
        e->src = c->local_slot[in->a];
        return true;
    }
    case OP_local_set:
    case OP_local_tee: {
        uint32_t slot = c->local_slot[in->a];
        struct ent *top = &c->ents[c->nents - 1];
        if (top_is_last_result(c) && no_refs_below(c, slot)) {
            c->code[c->last_dst] = slot;
            c->last_dst = NONE32;
            if (in->op == OP_local_set) {
                c->nents--;
            } else {
                top->kind = E_LOCAL;
                top->src = slot;
            }
            return true;
        }
        if (top->kind == E_LOCAL && top->src == slot) {
            if (in->op == OP_local_set)
                c->nents--;
            return true;
        }
        protect_local(c, slot, c->nents - 1);
        emit_value_to(c, top, slot);
        if (in->op == OP_local_set)
            c->nents--;
        return true;
    }
    case OP_global_get: {
        valtype_t t = c->m->globals[in->a].type.type;
        uint32_t at = emit_op(c, t == VT_V128 ? XOP_global_get2 : OP_global_get);
        emit_word(c, 0);
        emit_word(c, in->a);
        push_result(c, t, at + 1);
        return true;
    }
    case OP_global_set: {
        valtype_t t = c->m->globals[in->a].type.type;
        uint32_t s = pop_slot(c);
        emit_op(c, t == VT_V128 ? XOP_global_set2 : OP_global_set);
        emit_word(c, s);
        emit_word(c, in->a);
        return true;
    }
    case OP_table_get:
        emit_plain(c, in, OP_table_get, 1, c->m->tables[in->a].elem);
        return true;
    case OP_table_set:
        emit_plain(c, in, OP_table_set, 2, 0);
        return true;
    case OP_table_grow:
        emit_plain(c, in, OP_table_grow, 2, VT_I32);
        return true;
    case OP_table_fill:
        emit_plain(c, in, OP_table_fill, 3, 0);
        return true;
    case OP_memory_size:
        emit_plain(c, in, OP_memory_size, 0, VT_I32);
        return true;
    case OP_memory_grow:
        emit_plain(c, in, OP_memory_grow, 1, VT_I32);
        return true;
    case OP_memory_copy:
        if (in->a == in->b && !mem_is64(c, in->a))
            emit_plain(c, in, OP_memory_copy, 3, 0);
        else
            emit_copy_between(c, in);
        return true;
    case OP_ref_is_null:
        emit_plain(c, in, OP_ref_is_null, 1, VT_I32);
        return true;
    case OP_i32_const:
        push_const(c, VT_I32, (uint32_t)in->imm.i32, 0);
        return true;
    case OP_i64_const:
        push_const(c, VT_I64, (uint64_t)in->imm.i64, 0);
        return true;
    case OP_f32_const:
        push_const(c, VT_F32, in->imm.f32, 0);
        return true;
    case OP_f64_const:
        push_const(c, VT_F64, in->imm.f64, 0);
        return true;
    case OP_v128_const: {
        uint64_t lo, hi;
        memcpy(&lo, in->imm.v128, 8);
        memcpy(&hi, in->imm.v128 + 8, 8);
        push_const(c, VT_V128, lo, hi);
        return true;
    }
    case OP_ref_null:
        push_const(c, in->valtype, 0, 0);
        return true;
    case OP_ref_func:
        push_const(c, VT_FUNCREF, (uint64_t)(uintptr_t)c->inst->funcs[in->a], 0);
        return true;
    default:
        if (!opcode_table[in->op].sig[0])
            return err_set(c->err, WISP_ERR_UNSUPPORTED, in->offset, "compiler: unhandled instruction %s",
                           opcode_table[in->op].name);
        emit_sig(c, in);
        return true;
    }
}

/* The memory an instruction accesses, when that is not memory 0 (else 0).
 * memory.copy between two memories has an xop of its own instead. */
static uint32_t other_memory(const struct instr *in)
{
    switch (opcode_table[in->op].imm) {
    case IMM_MEMARG: case IMM_MEMARG_LANE: return in->memarg.memory;
    case IMM_MEM: return in->a;
    case IMM_MEMORY_INIT: return in->b;
    case IMM_MEMORY_COPY: return in->a == in->b ? in->a : 0;
    }
    return 0;
}

/* ---- memory64 ----
 * Instructions on an i64 memory or table are lowered to the i32 forms
 * around a few xops of their own (code.h), so the i32 handlers, memory 0's
 * above all, are unchanged: an access is XOP_ea64 (the whole check) then
 * the ordinary load or store with offset 0, then XOP_memory_use0; an i64
 * table index or count is clamped to u32 first (XOP_clamp64), a grow's
 * failure widened after (XOP_fail64); memory.fill/copy/init have 64-bit
 * xops. */

static bool mem_is64(const struct compiler *c, uint32_t k) { return c->m->memories[k].limits.is64; }
static bool table_is64(const struct compiler *c, uint32_t k) { return c->m->tables[k].limits.is64; }

/* Clamp the operand `depth` entries below the top into its own slot. */
static void clamp_operand(struct compiler *c, uint32_t depth)
{
    struct ent *e = &c->ents[c->nents - 1 - depth];
    uint32_t src = operand_slot(c, e);
    emit_op(c, XOP_clamp64);
    emit_word(c, e->slot);
    emit_word(c, src);
    e->kind = E_SLOT;
}

static void widen_top(struct compiler *c) { c->ents[c->nents - 1].type = VT_I64; }

static void widen_grow_result(struct compiler *c)
{
    emit_op(c, XOP_fail64);
    emit_word(c, c->ents[c->nents - 1].slot);
    widen_top(c);
}

/* Select memory k (not 0) for the instructions that follow. */
static void emit_memory_use(struct compiler *c, uint32_t k)
{
    emit_op(c, XOP_memory_use);
    emit_word(c, k);
}

/* in, then memory 0 selected again; a local.set may still take in's result
 * directly. */
static bool compile_then_memory0(struct compiler *c, const struct instr *in)
{
    if (!compile_instr(c, in))
        return false;
    uint32_t dst = c->last_dst;
    emit_op(c, XOP_memory_use0);
    c->last_dst = dst;
    return true;
}

/* An instruction on memory k, between XOP_memory_use k and
 * XOP_memory_use0 unless k is 0 (multi-memory): memory 0's handlers stay
 * as they are, and the access fuses with nothing. */
static bool compile_bracketed(struct compiler *c, const struct instr *in, uint32_t k)
{
    if (LIKELY(k == 0))
        return compile_instr(c, in);
    emit_memory_use(c, k);
    return compile_then_memory0(c, in);
}

/* A load or store on i64 memory k: XOP_ea64 rebases the registers, which
 * XOP_memory_use0 puts back after the access. */
static bool compile_access64(struct compiler *c, const struct instr *in, uint32_t k)
{
    if (k != 0)
        emit_memory_use(c, k);
    struct ent *a = &c->ents[c->nents - sig_params(in->op)];
    uint32_t src = operand_slot(c, a);
    emit_op(c, XOP_ea64);
    emit_word(c, src);
    emit_word(c, (code_t)in->memarg.offset);
    emit_word(c, (code_t)(in->memarg.offset >> 32));
    emit_word(c, 1u << opcode_table[in->op].x);
    struct instr at0 = *in;
    at0.memarg.offset = 0;
    return compile_then_memory0(c, &at0);
}

/* Operand words of a bulk instruction: pop n entries, then the xop. */
static void emit_bulk64(struct compiler *c, unsigned xop, const code_t *imms, uint32_t nimms)
{
    uint32_t slots[3];
    for (uint32_t i = 0; i < 3; i++)
        slots[i] = operand_slot(c, &c->ents[c->nents - 3 + i]);
    c->nents -= 3;
    emit_op(c, xop);
    for (uint32_t i = 0; i < 3; i++)
        emit_word(c, slots[i]);
    for (uint32_t i = 0; i < nimms; i++)
        emit_word(c, imms[i]);
}

/* memory.copy between two memories, or on an i64 one: the memories and
 * which operands are i64 follow the operands. */
static void emit_copy_between(struct compiler *c, const struct instr *in)
{
    bool d64 = mem_is64(c, in->a), s64 = mem_is64(c, in->b);
    code_t imms[3] = {in->a, in->b, (code_t)(d64 | s64 << 1 | (d64 && s64) << 2)};
    emit_bulk64(c, XOP_memory_copy_between, imms, 3);
}

/* Instructions on i64 memories and tables; *done is false for the rest. */
static bool compile_instr_64(struct compiler *c, const struct instr *in, bool *done)
{
    *done = true;
    switch (opcode_table[in->op].imm) {
    case IMM_MEMARG: case IMM_MEMARG_LANE:
        if (mem_is64(c, in->memarg.memory))
            return compile_access64(c, in, in->memarg.memory);
        break;
    case IMM_MEM:
        if (!mem_is64(c, in->a))
            break;
        if (in->op == OP_memory_fill) {
            code_t k = in->a;
            emit_bulk64(c, XOP_memory_fill64, &k, 1);
            return true;
        }
        if (in->op == OP_memory_grow)
            clamp_operand(c, 0);
        if (!compile_bracketed(c, in, in->a))
            return false;
        if (in->op == OP_memory_grow)
            widen_grow_result(c);
        else
            widen_top(c);
        return true;
    case IMM_MEMORY_COPY:
        if (!mem_is64(c, in->a) && !mem_is64(c, in->b))
            break;
        emit_copy_between(c, in);
        return true;
    case IMM_MEMORY_INIT:
        if (mem_is64(c, in->b)) {
            code_t imms[2] = {in->a, in->b};
            emit_bulk64(c, XOP_memory_init64, imms, 2);
            return true;
        }
        break;
    case IMM_TABLE:
        if (!table_is64(c, in->a))
            break;
        switch (in->op) {
        case OP_table_get: clamp_operand(c, 0); break;
        case OP_table_set: clamp_operand(c, 1); break;
        case OP_table_grow: clamp_operand(c, 0); break;
        case OP_table_fill: clamp_operand(c, 0); clamp_operand(c, 2); break;
        default: break;
        }
        if (!compile_instr(c, in))
            return false;
        if (in->op == OP_table_size)
            widen_top(c);
        else if (in->op == OP_table_grow)
            widen_grow_result(c);
        return true;
    case IMM_TABLE_COPY: {
        bool d64 = table_is64(c, in->a), s64 = table_is64(c, in->b);
        if (d64 && s64)
            clamp_operand(c, 0);
        if (s64)
            clamp_operand(c, 1);
        if (d64)
            clamp_operand(c, 2);
        break;
    }
    case IMM_TABLE_INIT:
        if (table_is64(c, in->b))
            clamp_operand(c, 2);
        break;
    case IMM_CALL_INDIRECT:
        if (table_is64(c, in->b))
            clamp_operand(c, 0);
        break;
    }
    *done = false;
    return true;
}

static bool compile_instr_on_memory(struct compiler *c, const struct instr *in)
{
    if (UNLIKELY(c->m->any64)) {
        bool done;
        if (!compile_instr_64(c, in, &done))
            return false;
        if (done)
            return true;
    }
    return compile_bracketed(c, in, c->m->nmemories > 1 ? other_memory(in) : 0);
}

static bool compile_func(struct compiler *c, uint32_t func, struct rt_code *out)
{
    const struct module *m = c->m;
    const struct code *code = &m->codes[func - m->nfunc_imports];
    struct rt_func *f = c->inst->funcs[func];
    const struct functype *t = f->type;

    c->func = func;
    c->out = out;
    c->len = c->npos = c->nents = c->nctls = c->nfixups = c->dead_depth = 0;
    c->nhandlers = c->ncatches = c->nexn = c->max_exn = c->nexn_words = 0;
    c->barrier = 0;
    c->last_dst = NONE32;
    c->pos = NULL;
    c->pos_cap = 0;
    c->code = NULL;
    c->cap = 0;

    /* The decoder bounds locals; this keeps the arithmetic below safe even
     * for a module that did not come through it. */
    if ((uint64_t)t->nparams + code->nlocals > UINT32_MAX / 4)
        return err_set(c->err, WISP_ERR_LIMIT, (int64_t)code->size_offset,
                       "too many locals: %llu", (unsigned long long)t->nparams + code->nlocals);
    c->nlocals = t->nparams + code->nlocals;
    c->local_slot = xmalloc((c->nlocals + 1) * sizeof *c->local_slot);
    c->local_type = xmalloc(((size_t)c->nlocals + 1) * sizeof *c->local_type);
    uint32_t slot = 0, n = 0;
    for (uint32_t i = 0; i < t->nparams; i++, n++) {
        c->local_type[n] = functype_params(t)[i];
        c->local_slot[n] = slot;
        slot += vt_slots(c->local_type[n]);
    }
    out->nparam_slots = slot;
    for (uint32_t g = 0; g < code->ngroups; g++)
        for (uint32_t i = 0; i < code->groups[g].count; i++, n++) {
            c->local_type[n] = code->groups[g].type;
            c->local_slot[n] = slot;
            slot += vt_slots(c->local_type[n]);
        }
    out->nlocal_slots = slot;
    c->base = slot;
    c->max_slot = slot > f->nresult_slots ? slot : f->nresult_slots;

    VEC_GROW(c->ctls, c->nctls, c->ctls_cap);
    c->ctls[c->nctls++] = (struct ctl){.kind = OP_COUNT, .results = functype_results(t), .nresults = t->nresults};

    struct reader r = body_reader(m, code);
    c->cost_word = NONE32;
    c->cost = 0;
    c->cur_offset = code->body_offset;
    /* The first instruction is what tier-up replaces with XOP_native. */
    if (c->hot) {
        emit_op(c, XOP_hot);
        emit_word(c, NONE32);
    }
    if (c->checks)
        open_check(c, 0);
    bool ok = true;
    while (ok && r.p < r.end && c->nctls > 0) {
        struct instr in;
        if (!read_instr_inline(&r, &in, c->err)) {
            ok = false;
            break;
        }
        c->cost++;
        c->cur_offset = in.offset;
        struct ctl *k = &c->ctls[c->nctls - 1];
        if (k->unreachable && instr_skip_dead(&in, &c->dead_depth))
            continue;
        ok = compile_instr_on_memory(c, &in);
    }
    if (c->cost_word != NONE32)
        c->code[c->cost_word] = c->cost;
    free(c->local_slot);
    free(c->local_type);
    if (!ok) {
        free(c->code);
        free(c->pos);
        return false;
    }
    if (c->nhandlers)
        finish_handlers(c, out);
    out->start = c->code;
    out->len = c->len;
    out->pos = c->pos;
    out->npos = c->npos;
    /* Room for the unconditional zeroing on entry (see RT_ZERO_PAD). */
    if (c->max_slot < out->nparam_slots + RT_ZERO_PAD)
        c->max_slot = out->nparam_slots + RT_ZERO_PAD;
    out->frame_slots = c->max_slot;
    return true;
}

static void compiler_free(struct compiler *c)
{
    free(c->ents);
    free(c->ctls);
    free(c->fixups);
    free(c->handlers);
    free(c->catches);
    free(c->exn_words);
}

void rt_codes_init(struct rt_instance *inst)
{
    const struct module *m = inst->module;
    uint32_t ndefined = m->nfuncs - m->nfunc_imports;
    /* Nothing is lowered here: a function is lowered on its first call
     * (rt_lower_func), so a large module whose functions mostly never run
     * is ready without lowering them. */
    inst->codes = xcalloc(ndefined ? ndefined : 1, sizeof *inst->codes);
}

bool rt_lower_func(struct rt_func *f, struct wisp_error *err)
{
    /* One compiler per store, kept for its scratch stacks: allocating them
     * afresh for each of 12,000 functions cost 2% of a large program's run. */
    struct rt_store *s = f->inst->store;
    if (!s->lowering)
        s->lowering = xcalloc(1, sizeof(struct compiler));
    struct compiler *c = s->lowering;
    const struct module *m = f->inst->module;
    c->inst = f->inst;
    c->m = m;
    c->err = err;
    c->checks = s->checks;
    c->hot = rt_tier_up_enabled(s);
    struct rt_code *out = &f->inst->codes[f->index - m->nfunc_imports];
    if (!compile_func(c, f->index, out)) {
        const struct name *nm = module_func_name(m, f->index);
        err_set_func(err, f->index, nm ? nm->str : NULL);
        return false;
    }
    f->hot = c->hot ? rt_tier_up_threshold() : 0;
    /* Compiled meanwhile (tier_up.c installs native code from another
     * thread, and redirects only code that exists): go native at once. */
    __atomic_store_n(&f->code, out, __ATOMIC_SEQ_CST);
    if (c->hot && __atomic_load_n(&f->native_entry, __ATOMIC_SEQ_CST))
        rt_code_go_native(out);
    return true;
}

void rt_lowering_free(struct rt_store *s)
{
    if (s->lowering)
        compiler_free(s->lowering);
    free(s->lowering);
    s->lowering = NULL;
}

void rt_codes_free(struct rt_instance *inst)
{
    if (!inst->codes)
        return;
    uint32_t ndefined = inst->module->nfuncs - inst->module->nfunc_imports;
    for (uint32_t i = 0; i < ndefined; i++) {
        free(inst->codes[i].start);
        free(inst->codes[i].pos);
        free(inst->codes[i].handlers);
        free(inst->codes[i].catches);
    }
    free(inst->codes);
    inst->codes = NULL;
}

uint32_t rt_code_offset(const struct rt_code *c, const code_t *at)
{
    if (!c || !c->npos || at < c->start)
        return UINT32_MAX;
    uint32_t p = (uint32_t)(at - c->start), lo = 0, hi = c->npos;
    while (hi - lo > 1) {
        uint32_t mid = (lo + hi) / 2;
        if (c->pos[mid][0] <= p)
            lo = mid;
        else
            hi = mid;
    }
    return c->pos[lo][1];
}
