/* Instructions in the binary format: the opcode table built from
 * opcodes.def, lookup by encoding, and read_instr, the one place that decodes
 * an instruction's immediates (the decoder, validator and compiler share it). */
#include "binary/instr.h"

#include "binary/limits.h"
#include "binary/reader.h"

const struct opcode_info opcode_table[OP_COUNT] = {
#define OP(id, name_, prefix_, code_, imm_, sig_, x_) \
    [OP_##id] = {.name = name_, .sig = sig_, .code = code_, .prefix = prefix_, .imm = IMM_##imm_, .x = x_},
#include "binary/opcodes.def"
#undef OP
};
/* Each name and signature fits its array with the terminating NUL (C would
 * silently drop the NUL of a string exactly as long as the array). */
#define OP(id, name_, prefix_, code_, imm_, sig_, x_)                           \
    _Static_assert(sizeof(name_) <= sizeof opcode_table[0].name &&             \
                   sizeof(sig_) <= sizeof opcode_table[0].sig,                 \
                   "opcodes.def: the name or signature of " #id " is too long");
#include "binary/opcodes.def"
#undef OP

/* Encoding -> (opcode + 1) | fast-path kind << 12 (see instr.h), one row per
 * prefix and 256 codes (0xFD has two rows: relaxed SIMD starts at 0x100).
 * A code past the rows or a repeated encoding in opcodes.def fails to
 * compile (array bounds, -Woverride-init), which keeps the table honest. */
#define PREFIX_ROW(prefix, code) ((prefix) == 0 ? 0 : (prefix) == 0xFC ? 1 : 2 + (code) / 256)
#define FAST_KIND(prefix, imm)                                                              \
    ((prefix) != 0 ? 0                                                                      \
     : (imm) == IMM_NONE ? 1                                                                \
     : (imm) == IMM_LOCAL || (imm) == IMM_LABEL || (imm) == IMM_GLOBAL || (imm) == IMM_FUNC || \
       (imm) == IMM_TAG \
         ? 2                                                                                \
     : (imm) == IMM_I32    ? 3                                                              \
     : (imm) == IMM_MEMARG ? 4 : 0)
const uint16_t opcode_encodings[ENCODING_ROWS][256] = {
#define OP(id, name, prefix, code, imm, sig, x) \
    [PREFIX_ROW(prefix, code)][(code) % 256] = (OP_##id + 1) | FAST_KIND(prefix, IMM_##imm) << 12,
#include "binary/opcodes.def"
#undef OP
};
_Static_assert(OP_COUNT < 0x3FF, "opcode_encodings packs opcodes in 10 bits");
#define OPCODE_OF(entry) ((unsigned)((entry) & 0x3FF))

/* opcode + 1 for a prefix of 0, 0xFC or 0xFD and the code after it; 0 for
 * none. */
static unsigned encoding_of(uint8_t prefix, uint32_t code)
{
    if (code > 255 && (prefix != 0xFD || code / 256 >= ENCODING_ROWS - 2))
        return 0;
    return OPCODE_OF(opcode_encodings[PREFIX_ROW(prefix, code)][code % 256]);
}

int opcode_lookup(uint8_t prefix, uint32_t code)
{
    if (prefix != 0 && prefix != 0xFC && prefix != 0xFD)
        return -1;
    return (int)encoding_of(prefix, code) - 1;
}

static bool illegal_opcode(const struct reader *r, const uint8_t *at, struct wisp_error *err)
{
    return RD_ERR(err, WISP_ERR_MALFORMED, rd_offset(r, at), "illegal opcode %02x", *at);
}

static bool illegal_prefixed(const struct reader *r, const uint8_t *at, uint32_t code,
                             struct wisp_error *err)
{
    return RD_ERR(err, WISP_ERR_MALFORMED, rd_offset(r, at), "illegal opcode %02x %u", *at,
                   code);
}

/* The memory index of memory.size, memory.grow, memory.fill, memory.init
 * and memory.copy: a u32 with multi-memory, a single reserved 0x00 byte in
 * 2.0 (not a LEB128: 0x80 0x00 is malformed there). */
static inline bool read_memory_index(struct reader *r, uint32_t *out, struct wisp_error *err)
{
    if (r->multi_memory)
        return rd_u32(r, out, err);
    uint8_t b;
    if (!rd_byte(r, &b, err))
        return false;
    if (UNLIKELY(b != 0))
        return rd_fail(r, r->p - 1, err, "zero byte expected");
    *out = 0;
    return true;
}

static inline bool read_memarg(struct reader *r, struct instr *in, struct wisp_error *err)
{
    const uint8_t *at = r->p;
    uint32_t align, memory = 0;
    uint64_t offset;
    if (!rd_u32(r, &align, err))
        return false;
    /* 2.0: alignments from 32 up cannot be a shift count; the suite calls
     * them malformed (below 32 the validator rejects what exceeds the
     * natural alignment). Multi-memory: bit 6 says a memory index follows,
     * and from bit 7 up the flags are malformed; an alignment of 32-63
     * is left to the validator. */
    if (r->multi_memory && align < 128) {
        if (align >= 64) {
            align -= 64;
            if (!rd_u32(r, &memory, err))
                return false;
        }
    } else if (UNLIKELY(align >= 32)) {
        return rd_fail(r, at, err, "malformed memop flags");
    }
    if (r->memory64) {
        if (!rd_uleb_slow(r, 64, &offset, err))
            return false;
    } else {
        uint32_t o32;
        if (!rd_u32(r, &o32, err))
            return false;
        offset = o32;
    }
    in->memarg.align = align;
    in->memarg.memory = memory;
    in->memarg.offset = offset;
    return true;
}

/* blocktype: 0x40, a one-byte value type, or a non-negative s33 type index. */
static __attribute__((noinline)) bool read_blocktype_slow(struct reader *r, struct instr *in,
                                                          struct wisp_error *err)
{
    if (UNLIKELY(r->p >= r->end))
        return rd_eof(r, err);
    uint8_t b = *r->p;
    if ((b & 0xC0) == 0x40) {
        in->block.kind = BT_VALTYPE;
        return rd_valtype(r, &in->block.valtype, err);
    }
    const uint8_t *at = r->p;
    int64_t index;
    if (!rd_s33(r, &index, err))
        return false;
    if (index < 0)
        return rd_fail(r, at, err, "malformed block type");
    in->block.kind = BT_TYPEINDEX;
    in->block.index = (uint32_t)index;
    return true;
}

static inline bool read_blocktype(struct reader *r, struct instr *in, struct wisp_error *err)
{
    if (LIKELY(r->p < r->end && *r->p == 0x40)) {
        r->p++;
        in->block.kind = BT_EMPTY;
        return true;
    }
    return read_blocktype_slow(r, in, err);
}

static __attribute__((noinline)) bool read_br_table(struct reader *r, struct instr *in,
                                                    struct wisp_error *err)
{
    uint32_t count, label;
    const uint8_t *at = r->p;
    if (!rd_len(r, &count, err))
        return false;
    if (UNLIKELY(count > LIMIT_BR_TABLE_TARGETS))
        return RD_ERR(err, WISP_ERR_LIMIT, rd_offset(r, at),
                      "too many br_table targets: %u declared, the limit is %u", count,
                      LIMIT_BR_TABLE_TARGETS);
    in->br_table.count = count;
    in->br_table.labels = r->p;
    for (uint32_t i = 0; i < count; i++)
        if (!rd_u32(r, &label, err))
            return false;
    return rd_u32(r, &in->br_table.default_label, err);
}

/* try_table: a block type and a vector of catch clauses, kept in place
 * (catch_next reads them again) like br_table's labels. */
static __attribute__((noinline)) bool read_try_table(struct reader *r, struct instr *in,
                                                     struct wisp_error *err)
{
    uint32_t count, index;
    if (!read_blocktype(r, in, err) || !rd_len(r, &count, err))
        return false;
    in->catches.count = count;
    in->catches.p = r->p;
    for (uint32_t i = 0; i < count; i++) {
        const uint8_t *at = r->p;
        uint8_t kind;
        if (!rd_byte(r, &kind, err))
            return false;
        if (kind > CATCH_ALL_REF)
            return RD_ERR(err, WISP_ERR_MALFORMED, rd_offset(r, at), "malformed catch clause: 0x%02x", kind);
        if ((kind == CATCH || kind == CATCH_REF) && !rd_u32(r, &index, err))
            return false;
        if (!rd_u32(r, &index, err))
            return false;
    }
    return true;
}

/* select t*: 2.0 allows exactly one type, but the count is kept (in a) so
 * the validator can report the arity rather than the decoder. */
static __attribute__((noinline)) bool read_select_types(struct reader *r, struct instr *in,
                                                        struct wisp_error *err)
{
    uint32_t count;
    if (!rd_len(r, &count, err))
        return false;
    in->a = count;
    in->valtype = 0;
    for (uint32_t i = 0; i < count; i++) {
        valtype_t t;
        if (!rd_valtype(r, &t, err))
            return false;
        if (i == 0)
            in->valtype = t;
    }
    return true;
}

static inline bool read_fixed(struct reader *r, void *out, size_t n, struct wisp_error *err)
{
    if (UNLIKELY((size_t)(r->end - r->p) < n))
        return rd_eof(r, err);
    memcpy(out, r->p, n);
    r->p += n;
    return true;
}

/* Immediates of the less common shapes, out of line so that read_instr
 * itself stays small. */
static __attribute__((noinline)) bool read_rare_immediates(struct reader *r, struct instr *in,
                                                           unsigned imm, struct wisp_error *err)
{
    switch (imm) {
    case IMM_BR_TABLE:
        return read_br_table(r, in, err);
    case IMM_CALL_INDIRECT:
    case IMM_TABLE_INIT:
    case IMM_TABLE_COPY:
        return rd_u32(r, &in->a, err) && rd_u32(r, &in->b, err);
    case IMM_MEM:
        return read_memory_index(r, &in->a, err);
    case IMM_I64:
        return rd_s64(r, &in->imm.i64, err);
    case IMM_V128:
    case IMM_SHUFFLE:
        return read_fixed(r, in->imm.v128, 16, err);
    case IMM_LANE:
        return rd_byte(r, &in->lane, err);
    case IMM_MEMARG_LANE:
        return read_memarg(r, in, err) && rd_byte(r, &in->lane, err);
    case IMM_SELECT_T:
        return read_select_types(r, in, err);
    case IMM_HEAPTYPE:
        return r->typed_refs ? rd_heaptype(r, &in->valtype, err) : rd_reftype(r, &in->valtype, err);
    case IMM_TYPE:
        return rd_u32(r, &in->a, err);
    case IMM_MEMORY_INIT:
        return rd_u32(r, &in->a, err) && read_memory_index(r, &in->b, err);
    case IMM_MEMORY_COPY:
        return read_memory_index(r, &in->a, err) && read_memory_index(r, &in->b, err);
    case IMM_TRY_TABLE:
        return read_try_table(r, in, err);
    }
    return illegal_opcode(r, r->start + in->offset, err);
}

/* The immediate shape of each opcode, packed small. */
static const uint8_t imm_of[OP_COUNT] = {
#define OP(id, name, prefix, code, imm, sig, x) [OP_##id] = IMM_##imm,
#include "binary/opcodes.def"
#undef OP
};

static inline bool read_immediates(struct reader *r, struct instr *in, struct wisp_error *err)
{
    unsigned imm = imm_of[in->op];
    switch (imm) {
    case IMM_NONE:
        return true;
    case IMM_BLOCK:
        return read_blocktype(r, in, err);
    case IMM_LABEL:
    case IMM_FUNC:
    case IMM_LOCAL:
    case IMM_GLOBAL:
    case IMM_TABLE:
    case IMM_DATA:
    case IMM_ELEM:
    case IMM_TAG:
        return rd_u32(r, &in->a, err);
    case IMM_MEMARG:
        return read_memarg(r, in, err);
    case IMM_I32:
        return rd_s32(r, &in->imm.i32, err);
    case IMM_F32:
        if (UNLIKELY(r->end - r->p < 4))
            return rd_eof(r, err);
        in->imm.f32 = rd_le32(r->p);
        r->p += 4;
        return true;
    case IMM_F64:
        if (UNLIKELY(r->end - r->p < 8))
            return rd_eof(r, err);
        in->imm.f64 = rd_le64(r->p);
        r->p += 8;
        return true;
    }
    return read_rare_immediates(r, in, imm, err);
}

/* Prefixed (0xFC, 0xFD) and unassigned opcodes. */
static __attribute__((noinline)) bool read_prefixed(struct reader *r, struct instr *in,
                                                    struct wisp_error *err)
{
    const uint8_t *at = r->p;
    uint8_t b = *r->p++;
    if (b < 0xFC || b > 0xFD)
        return illegal_opcode(r, at, err);
    uint32_t code;
    if (!rd_u32(r, &code, err))
        return false;
    unsigned op = encoding_of(b, code);
    _Static_assert(OP_i32x4_relaxed_dot_i8x16_i7x16_add_s - OP_i8x16_relaxed_swizzle == 19,
                   "the relaxed SIMD opcodes are one range of enum opcode");
    if (!op)
        return illegal_prefixed(r, at, code, err);
    if (UNLIKELY(r->no_relaxed_simd && op - 1 - OP_i8x16_relaxed_swizzle < 20))
        return RD_ERR(err, WISP_ERR_MALFORMED, rd_offset(r, at), "illegal opcode %02x %u (%s: relaxed-simd is off)",
                      b, code, opcode_table[op - 1].name);
    in->op = (uint16_t)(op - 1);
    return read_immediates(r, in, err);
}

bool read_instr(struct reader *r, struct instr *in, struct wisp_error *err)
{
    const uint8_t *p = r->p;
    if (UNLIKELY(p >= r->end))
        return rd_eof(r, err);
    in->offset = (uint32_t)(p - r->start);
    unsigned op = OPCODE_OF(opcode_encodings[0][*p]);
    if (UNLIKELY(!op))
        return read_prefixed(r, in, err);
    in->op = (uint16_t)(op - 1);
    r->p = p + 1;
    return read_immediates(r, in, err);
}
