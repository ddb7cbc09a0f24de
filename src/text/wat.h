/* Private to the text parser: the state of one module parse, shared by wat.c
 * (module fields, index spaces, sections) and wat_instr.c (instructions and
 * block structure), plus token-level helpers from lexer.c and literal.c. */
#ifndef WISP_TEXT_WAT_H
#define WISP_TEXT_WAT_H

#include "binary/instr.h"
#include "module.h"
#include "text/lexer.h"

/* Classify a run of idchars (lexer.c calls this; literal.c implements the
 * number grammar): TOK_ID, TOK_KEYWORD, TOK_NAT, TOK_INT, TOK_FLOAT or
 * TOK_RESERVED. */
uint8_t lex_classify(const char *s, uint32_t n);
/* An integer literal of `bits` bits (8 to 64): nat or +int up to 2^bits-1, or
 * -int down to -2^(bits-1); the result is the two's complement bits. */
bool tok_int_bits(const struct token *t, unsigned bits, uint64_t *out);

/* Nesting bound for folded instructions and blocks, so that hostile input
 * cannot exhaust the C stack through recursion. */
#define WAT_MAX_DEPTH 1000

/* Symbolic names of one index space: $id (as written, with the $) -> index.
 * Open addressing; the strings point into the source text. Keys are the
 * names ids stand for (id_name), so $a and $"a" are one key. */
struct name_table {
    struct name_slot {
        const char *s;
        uint32_t len;
        uint32_t hash;
        uint32_t index;
    } *slots;
    uint32_t count, cap; /* cap is 0 or a power of two */
};
/* Returns false if the name is already present. */
bool names_add(struct name_table *nt, const char *s, uint32_t len, uint32_t index);
bool names_find(const struct name_table *nt, const char *s, uint32_t len, uint32_t *index);
void names_free(struct name_table *nt);

/* A function type as written in text, with its place in a recursion
 * group and its declared supertype (3.0); an implicit type (a type use's)
 * is a final type alone in its group. */
struct text_functype {
    uint32_t nparams, nresults;
    valtype_t *types; /* params then results */
    uint32_t super;   /* supertype's index + 1, 0 for none */
    bool open;        /* `sub` without `final` */
    uint32_t rec_len; /* on a group's first type: the group's size; else 0 */
};

/* A type use: `(type x)? (param ...)* (result ...)*`. */
struct typeuse {
    bool has_index;       /* (type x) was written */
    struct token index_tok;
    uint32_t index;       /* resolved when has_index */
    bool index_known;     /* index refers to a type defined in the module */
    bool has_inline;      /* any (param) or (result) was written */
    struct text_functype sig; /* the inline params/results */
    uint32_t nparam_ids;
    struct token *param_ids; /* one per param (len 0 when unnamed), funcs only */
};

enum index_space { IS_TYPE, IS_FUNC, IS_TABLE, IS_MEMORY, IS_GLOBAL, IS_ELEM, IS_DATA, IS_TAG, IS_COUNT };

struct wat {
    struct lexer *lx;
    struct wisp_error *err;

    /* Instruction name -> opcode, built per parse (open addressing). */
    uint16_t *op_slots;
    uint32_t op_mask;

    struct name_table names[IS_COUNT];
    uint32_t counts[IS_COUNT];

    /* Every type: explicit definitions (pass 1), then the implicit ones that
     * type uses append (pass 2), in order of occurrence. */
    struct text_functype *types;
    uint32_t ntypes, cap_types;
    uint32_t empty_recs; /* (rec) with no types: groups of none */

    /* Set when an instruction needs the data count section. */
    bool uses_data_count;
};

/* Per-function state while parsing a body. */
struct func_ctx {
    struct name_table local_names;
    uint32_t nlocals; /* params included */
    valtype_t *local_types;
    uint32_t cap_local_types;
    /* Label names, innermost last (len 0 = unnamed). */
    struct token *labels;
    uint32_t nlabels, cap_labels;
    uint32_t depth; /* recursion depth of the instruction parser */
};

/* Error helpers: each sets w->err at the token and returns false. */
bool wat_fail(struct wat *w, const struct token *t, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* "unexpected token", or "unknown operator" for a reserved token or a
 * keyword the text format does not know, or "unexpected end" at EOF. */
bool wat_unexpected(struct wat *w, const struct token *t);

bool wat_next(struct wat *w, struct token *t);
bool wat_peek(struct wat *w, int n, struct token *t);
bool wat_expect(struct wat *w, uint8_t kind, struct token *t);
bool wat_expect_rparen(struct wat *w);
/* True when the next tokens are "(" and the keyword kw. */
bool wat_peek_sexpr(struct wat *w, const char *kw, bool *yes);

/* Value types and references. A value type is a keyword (i32, funcref,
 * ...) or the form (ref null? heaptype); wat_valtype_from takes its first
 * token, already read, and gives 1 when it is one (read through its ")"),
 * 0 when it is not (nothing more read), -1 on an error in it. */
bool wat_parse_valtype(struct wat *w, valtype_t *out);
int wat_valtype_from(struct wat *w, const struct token *t, valtype_t *out);
int wat_reftype_from(struct wat *w, const struct token *t, valtype_t *out);
/* Whether the next tokens start a reference type. */
bool wat_peek_reftype(struct wat *w, bool *yes);
/* A heap type: an abstract one's keyword or a type index; gives the
 * nullable reference type. */
bool wat_parse_heaptype(struct wat *w, valtype_t *out);
/* Binary encodings. */
void wat_emit_valtype(struct buf *out, valtype_t t);
void wat_emit_heaptype(struct buf *out, valtype_t t);

/* Index into an index space: $id or nat. Unknown ids fail with "unknown
 * <space>". */
bool wat_parse_index(struct wat *w, enum index_space space, uint32_t *out);
/* True when the next token can start an index ($id or nat). */
bool wat_peek_index(struct wat *w, bool *yes);

/* Type uses. allow_param_ids: named params are allowed (functions and
 * imports); blocks and call_indirect must use anonymous ones. */
bool wat_parse_typeuse(struct wat *w, struct typeuse *tu, bool allow_param_ids);
/* The type index a type use denotes, appending an implicit type when no
 * existing type matches. Checks "inline function type" consistency. */
bool wat_typeuse_index(struct wat *w, const struct typeuse *tu, uint32_t *index);
void wat_typeuse_free(struct typeuse *tu);
/* The signature a type use denotes (the inline one or the referenced type);
 * NULL when it names a type index that does not exist. */
const struct text_functype *wat_typeuse_sig(struct wat *w, const struct typeuse *tu);
uint32_t wat_find_or_add_type(struct wat *w, const struct text_functype *sig);

/* Instructions (wat_instr.c). */
void wat_op_table_build(struct wat *w);
/* The opcode (enum opcode) with this text name, or -1. */
int wat_op_lookup(const struct wat *w, const char *s, uint32_t len);
/* A sequence of instructions up to (not including) ")" / "end" / "else" or
 * a "(then"/"(else" at this level. */
bool wat_parse_instrs(struct wat *w, struct func_ctx *f, struct buf *code);
/* A constant expression: instructions then `end`. */
bool wat_parse_expr(struct wat *w, struct buf *code);
/* One folded instruction "(...)" (the "(" not yet consumed). */
bool wat_parse_folded(struct wat *w, struct func_ctx *f, struct buf *code);
void func_ctx_free(struct func_ctx *f);

/* A whole text: either "(module $id? field*)" or a bare field sequence (a
 * standalone .wat file, a quoted module, an inline-module script), to EOF.
 * No "name" section is emitted (as wabt does without --debug-names);
 * wisp_wat_to_wasm emits one. */
bool wat_parse_module_text(struct lexer *lx, struct buf *out, struct wisp_error *err);

/* Literal helpers shared by the module parser and the script parser. */
bool wat_parse_u32(struct wat *w, uint32_t *out);
/* A name string (must be valid UTF-8). */
bool wat_parse_name(struct wat *w, struct buf *out);

#endif
