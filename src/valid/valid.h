/* Private to the validator: the state shared by the module-level checks
 * (validate.c), the function body type checker (code.c) and the constant
 * expression checker (const_expr.c). */
#ifndef WISP_VALID_VALID_H
#define WISP_VALID_VALID_H

#include "base/common.h"
#include "binary/instr.h"
#include "module.h"

/* The spec appendix's Unknown operand type: what pop yields below the
 * polymorphic base of an unreachable block. No real value type encodes as 0. */
#define VT_UNKNOWN ((valtype_t)0)

/* One entry of the appendix's control stack. */
struct ctrl_frame {
    uint16_t opcode; /* OP_block, OP_loop, OP_if_ or OP_else_; the function body is a block.
                        Exception handling: OP_try_table, and a legacy try's parts:
                        OP_try_ (its body), OP_catch_ and OP_catch_all (a handler) */
    const valtype_t *start_types;
    const valtype_t *end_types;
    uint32_t nstart, nend;
    uint32_t height;  /* operand stack height when the frame was entered */
    uint32_t inits;   /* height of the stack of initialized locals then */
    bool unreachable; /* the rest of the block is stack-polymorphic */
};

/* An instruction's signature from opcode_table, decoded once per module so
 * the per-instruction work is a table lookup rather than string parsing. */
struct op_sig {
    bool plain; /* typed by the signature alone, no immediate to check */
    uint8_t nparams, nresults;
    valtype_t types[4]; /* params, then results */
};

struct validator {
    struct module *m;
    struct wisp_error *err;

    /* C.refs: functions that may be named by ref.func inside a body, one bit
     * per function index. */
    uint64_t *refs;

    /* The appendix's two stacks, reused from function to function. */
    valtype_t *vals;
    uint32_t nvals, vals_cap;
    struct ctrl_frame *ctrls;
    uint32_t nctrls, ctrls_cap;
    uint32_t max_height; /* largest nvals seen in the current function */

    /* br_table keeps the values it pops for one label to push them back. */
    valtype_t *scratch;
    uint32_t scratch_cap;

    /* The current function's locals. The first nflat types (parameters,
     * then declared locals) are spelled out in local_types; nflat is bounded
     * by the body's size so a huge declaration in a tiny body costs nothing.
     * Beyond it a local is found by binary search over group_ends, the
     * running count of declared locals through each declaration group. */
    const struct code *code;
    uint32_t nparams;
    valtype_t *local_types;
    uint32_t nflat, local_types_cap;
    uint32_t *group_ends;
    uint32_t group_ends_cap;
    uint64_t nlocals; /* parameters plus declared locals */
    /* Locals whose type has no default value (non-null references) must be
     * set before they are read, and count as set until the end of the
     * block that set them: a bit per local, and the stack of those set,
     * which each block's end unwinds to where it began. */
    bool any_nondefaultable;
    uint64_t *init_bits;
    uint32_t init_words;
    uint32_t *inits;
    uint32_t ninits, inits_cap;


    struct op_sig sigs[OP_COUNT];

    uint32_t defined; /* the defined function being checked */
    /* The instruction being checked, for error messages. */
    uint16_t op;
    uint32_t offset;
};

static inline bool func_is_declared(const struct validator *v, uint32_t func)
{
    return (v->refs[func / 64] >> (func % 64)) & 1;
}

/* const_expr.c */
/* Mark every function named by ref.func in e as declared (C.refs). Only a
 * scan: an expression that is not constant is reported when validated. */
void const_expr_collect_refs(struct validator *v, const struct expr *e);
/* Check e is a constant expression producing exactly one value of type
 * expected. In Wasm 2.0, global.get may only name an immutable import (see
 * const_expr.c for extended constants). The
 * use and the index of its global or segment go into error messages. */
enum const_expr_use {
    CONST_EXPR_GLOBAL,
    CONST_EXPR_ELEM_OFFSET,
    CONST_EXPR_ELEM_ITEM,
    CONST_EXPR_DATA_OFFSET,
    CONST_EXPR_TABLE_INIT,
};
bool validate_const_expr(struct validator *v, const struct expr *e, valtype_t expected,
                         enum const_expr_use use, uint32_t index);

/* validate.c: a value type's type index, if any, names a type. */
bool validate_valtype(struct validator *v, valtype_t t, int64_t offset);

/* code.c */
/* Type-check the body of defined function `defined` (0 = first non-imported)
 * and record its maximum operand stack height in m->max_stack. */
bool validate_code(struct validator *v, uint32_t defined);
void validator_init_sigs(struct validator *v);
void validator_free_stacks(struct validator *v);

#endif
