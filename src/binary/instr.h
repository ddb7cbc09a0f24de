/* Reading one instruction: opcode plus decoded immediates. The decoder uses it
 * to check every body is well-formed; the validator and the compiler read the
 * same bytes again through it, so immediates are decoded by one piece of code. */
#ifndef WISP_BINARY_INSTR_H
#define WISP_BINARY_INSTR_H

#include "base/common.h"
#include "module.h"

enum opcode {
#define OP(id, name, prefix, code, imm, sig, x) OP_##id,
#include "binary/opcodes.def"
#undef OP
    OP_COUNT
};

enum imm_kind {
    IMM_NONE,
    IMM_BLOCK,         /* blocktype */
    IMM_LABEL,         /* a = label depth */
    IMM_BR_TABLE,      /* br_table: see instr.br_table */
    IMM_FUNC,          /* a = function index */
    IMM_CALL_INDIRECT, /* a = type index, b = table index */
    IMM_LOCAL,         /* a = local index */
    IMM_GLOBAL,        /* a = global index */
    IMM_TABLE,         /* a = table index */
    IMM_MEMARG,        /* memarg */
    IMM_MEM,           /* a = memory index (a reserved 0x00 byte in 2.0) */
    IMM_I32, IMM_I64, IMM_F32, IMM_F64, IMM_V128, /* imm */
    IMM_LANE,          /* lane */
    IMM_MEMARG_LANE,   /* memarg + lane */
    IMM_SHUFFLE,       /* imm.v128 holds the 16 lane indices */
    IMM_SELECT_T,      /* valtype = the first type, a = how many (2.0 allows 1) */
    IMM_HEAPTYPE,      /* valtype (funcref/externref) */
    IMM_MEMORY_INIT,   /* a = data index, b = memory index */
    IMM_DATA,          /* a = data index */
    IMM_MEMORY_COPY,   /* a = destination memory, b = source memory */
    IMM_TABLE_INIT,    /* a = element index, b = table index */
    IMM_ELEM,          /* a = element index */
    IMM_TABLE_COPY,    /* a = destination table, b = source table */
    IMM_TYPE,          /* a = type index */
    IMM_TAG,           /* a = tag index */
    IMM_TRY_TABLE,     /* blocktype, then catch clauses: see instr.catches */
};

/* A try_table's catch clause kinds, by their binary encoding. */
enum catch_kind { CATCH = 0, CATCH_REF = 1, CATCH_ALL = 2, CATCH_ALL_REF = 3 };
struct catch_clause { uint8_t kind; uint32_t tag, label; }; /* tag: CATCH and CATCH_REF only */

/* The strings are held inline: a table of pointers would be relocated, its
 * pages written, each time a position-independent wisp starts. */
struct opcode_info {
    char name[40];    /* text format name */
    char sig[8];      /* "params:results" (i l f d v), "" = typed by hand */
    uint32_t code;
    uint8_t prefix;   /* 0, 0xFC or 0xFD */
    uint8_t imm;      /* enum imm_kind */
    uint8_t x;        /* natural alignment log2, or lane count */
};
extern const struct opcode_info opcode_table[OP_COUNT];

/* Opcode lookup from its encoding; returns -1 for unknown encodings. */
int opcode_lookup(uint8_t prefix, uint32_t code);

enum blocktype_kind { BT_EMPTY, BT_VALTYPE, BT_TYPEINDEX };

struct instr {
    uint16_t op;     /* enum opcode */
    uint32_t offset; /* byte offset of the opcode (its prefix byte, if any) */
    uint32_t a, b;   /* index immediates, per enum imm_kind */
    struct { uint8_t kind; valtype_t valtype; uint32_t index; } block;
    struct { uint32_t align; uint32_t memory; uint64_t offset; } memarg; /* align is the log2 exponent */
    uint8_t lane;
    valtype_t valtype; /* select t / ref.null */
    struct {
        uint32_t count;         /* labels before the default */
        const uint8_t *labels;  /* first label's LEB; read with br_table_next */
        uint32_t default_label;
    } br_table;
    struct {
        uint32_t count;      /* try_table's catch clauses */
        const uint8_t *p;    /* the first one; read with catch_next */
    } catches;
    union {
        int32_t i32;
        int64_t i64;
        uint32_t f32; /* raw bits */
        uint64_t f64; /* raw bits */
        uint8_t v128[16];
    } imm;
};

struct reader {
    const uint8_t *start; /* module start: offsets are relative to it */
    const uint8_t *p, *end;
    bool no_relaxed_simd; /* the decoder's, without FEAT_RELAXED_SIMD: its 20 opcodes are
                             illegal, as in 2.0 (the other readers see only decoded code) */
    bool multi_memory;    /* memory indices in memargs and on memory.*
                             (FEAT_MULTI_MEMORY); else 2.0's reserved bytes */
    bool memory64;        /* memarg offsets are u64 (FEAT_MEMORY64); the validator
                             bounds them by the memory's address type */
    bool typed_refs;      /* (ref null? ht) value types (FEAT_FUNCTION_REFERENCES) */
    bool exceptions;      /* exnref is a value type (FEAT_EXCEPTIONS) */
};

/* A reader over the body of one function of m. */
static inline struct reader body_reader(const struct module *m, const struct code *code)
{
    return (struct reader){.start = m->bytes, .p = m->bytes + code->body_offset,
                           .end = m->bytes + code->body_offset + code->body_len,
                           .multi_memory = (m->features & FEAT_MULTI_MEMORY) != 0,
                           .memory64 = (m->features & FEAT_MEMORY64) != 0,
                           .typed_refs = (m->features & FEAT_FUNCTION_REFERENCES) != 0,
                           .exceptions = (m->features & FEAT_EXCEPTIONS) != 0};
}

/* A reader over a constant expression of m. */
static inline struct reader expr_reader(const struct module *m, const struct expr *e)
{
    return (struct reader){.start = m->bytes, .p = m->bytes + e->offset, .end = m->bytes + e->offset + e->len,
                           .typed_refs = (m->features & FEAT_FUNCTION_REFERENCES) != 0,
                           .exceptions = (m->features & FEAT_EXCEPTIONS) != 0};
}

/* Read the instruction at r->p and advance. On malformed input returns false
 * with a WISP_ERR_MALFORMED error carrying the byte offset. */
bool read_instr(struct reader *r, struct instr *in, struct wisp_error *err);

/* The hot path of read_instr, for loops that read every instruction of a
 * body (decoder, validator, compiler): one-byte opcodes with no immediate, a
 * one-byte index or i32 constant, or a one-byte-each memarg are handled
 * inline, everything else goes to read_instr. Same results and errors.
 * opcode_encodings[row][code % 256], row 0 = one-byte, 1 = 0xFC, 2 = 0xFD
 * 0-255, 3 = 0xFD 256-511:
 * (opcode + 1) | kind << 12, 0 = no such instruction; kind (row 0 only):
 * 0 = take read_instr, 1 = no immediate, 2 = one u32 index (in a),
 * 3 = i32.const, 4 = memarg. */
#define ENCODING_ROWS 4
extern const uint16_t opcode_encodings[ENCODING_ROWS][256];

static inline bool read_instr_inline(struct reader *r, struct instr *in, struct wisp_error *err)
{
    const uint8_t *p = r->p;
    if (__builtin_expect(r->end - p >= 3, 1)) {
        unsigned e = opcode_encodings[0][p[0]], kind = e >> 12;
        in->op = (uint16_t)((e & 0x3FF) - 1);
        in->offset = (uint32_t)(p - r->start);
        if (kind == 1) {
            r->p = p + 1;
            return true;
        }
        uint8_t b = p[1];
        if (b < 0x80) {
            if (kind == 2) {
                in->a = b;
                r->p = p + 2;
                return true;
            }
            if (kind == 3) {
                in->imm.i32 = (int32_t)(b & 0x3F) - (int32_t)(b & 0x40);
                r->p = p + 2;
                return true;
            }
            if (kind == 4 && b < 32 && p[2] < 0x80) {
                in->memarg.align = b;
                in->memarg.memory = 0;
                in->memarg.offset = p[2];
                r->p = p + 3;
                return true;
            }
        }
    }
    return read_instr(r, in, err);
}

/* In code after an unconditional branch (validated, and never run): true
 * when `in` is to be skipped, false for the `else` or `end` that closes
 * the unreachable stretch. dead_depth counts the blocks opened inside it.
 * The lowering and the compiled tier walk bodies the same way. */
static inline bool instr_skip_dead(const struct instr *in, uint32_t *dead_depth)
{
    if (in->op == OP_block || in->op == OP_loop || in->op == OP_if_ || in->op == OP_try_ ||
        in->op == OP_try_table) {
        ++*dead_depth;
        return true;
    }
    if (*dead_depth) {
        if (in->op == OP_end || in->op == OP_delegate)
            --*dead_depth;
        return true;
    }
    /* What ends an unreachable stretch: the end of its block, or the next
     * part of an if or a (legacy) try. */
    return in->op != OP_end && in->op != OP_else_ && in->op != OP_catch_ && in->op != OP_catch_all &&
           in->op != OP_delegate;
}



/* Read the next br_table label from an instruction already checked by
 * read_instr (no bounds or overflow checks). */
static inline uint32_t br_table_next(const uint8_t **p)
{
    uint32_t v = 0;
    unsigned shift = 0;
    uint8_t byte;
    do {
        byte = *(*p)++;
        v |= (uint32_t)(byte & 0x7F) << shift;
        shift += 7;
    } while (byte & 0x80);
    return v;
}

/* Whether op is one of the exception-handling instructions. */
static inline bool op_is_eh(unsigned op)
{
    return op == OP_try_ || op == OP_catch_ || op == OP_throw_ || op == OP_rethrow || op == OP_throw_ref ||
           op == OP_delegate || op == OP_catch_all || op == OP_try_table;
}

/* Read the next catch clause of a try_table already checked by read_instr. */
static inline struct catch_clause catch_next(const uint8_t **p)
{
    struct catch_clause c = {.kind = *(*p)++};
    if (c.kind == CATCH || c.kind == CATCH_REF)
        c.tag = br_table_next(p);
    c.label = br_table_next(p);
    return c;
}

#endif
