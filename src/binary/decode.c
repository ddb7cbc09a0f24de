/* The binary decoder: module bytes -> struct module. Every section is read,
 * every function body and constant expression is walked instruction by
 * instruction, so anything malformed is caught here and the validator only
 * ever sees well-formed code.
 *
 * Like the spec's reference interpreter, reading is bounded by the end of the
 * module rather than of the current section or function; sizes are checked
 * when the section or function is done. That is what makes a missing `end`
 * or a wrong count come out with the same error as in the spec test suite. */
#include "binary/instr.h"
#include "binary/limits.h"
#include "binary/reader.h"

#include <stdlib.h>

struct decoder {
    struct module *m;
    struct reader r;
    struct wisp_error *err;
    /* Capacities of the module's growable arrays. */
    uint32_t funcs_cap, tables_cap, memories_cap, globals_cap, customs_cap;
    uint32_t func_offsets_cap, table_offsets_cap, memory_offsets_cap;
    uint32_t tags_cap, tag_offsets_cap;
    uint32_t ncodes; /* entries in the code section (checked against nfuncs at the end) */
    /* Open blocks while walking an expression: 1 = `if` still without
     * `else`, 2 = a legacy `try` (catch, catch_all or delegate may come),
     * 3 = one after its catch_all (only end may). */
    uint8_t *open;
    uint32_t open_cap;
    /* First memory.init or data.drop in a body, which needs a data count. */
    bool uses_data_count;
    bool have_names;
};

#define FAIL_AT(d, at, ...) \
    RD_ERR((d)->err, WISP_ERR_MALFORMED, rd_offset(&(d)->r, (at)), __VA_ARGS__)
#define LIMIT_AT(d, at, ...) \
    RD_ERR((d)->err, WISP_ERR_LIMIT, rd_offset(&(d)->r, (at)), __VA_ARGS__)

/* An implementation limit (limits.h) on a count, checked after the count
 * has passed rd_len, so that a count too large for the input keeps the spec
 * suite's "length out of bounds" or "unexpected end". `n` is 64 bits so a
 * count added to what imports already declared cannot wrap. */
static bool check_count(struct decoder *d, const uint8_t *at, uint64_t n, uint32_t limit,
                        const char *what)
{
    if (LIKELY(n <= limit))
        return true;
    return LIMIT_AT(d, at, "too many %s: %llu declared, the limit is %u", what,
                    (unsigned long long)n, limit);
}

/* Make room for item `index` of a growing array, zeroing new slots. */
static void *grow(void *items, uint32_t *cap, uint32_t index, size_t item_size)
{
    if (LIKELY(index < *cap))
        return items;
    size_t ncap = *cap ? (size_t)*cap * 2 : 8;
    if (ncap <= index)
        ncap = (size_t)index + 1;
    items = xrealloc(items, ncap * item_size);
    memset((char *)items + (size_t)*cap * item_size, 0, (ncap - *cap) * item_size);
    *cap = (uint32_t)ncap;
    return items;
}
#define GROW(items, cap, index) ((items) = grow((items), &(cap), (index), sizeof *(items)))

/* First allocation for a vector whose count was only checked against the
 * bytes left: each item takes at least min_bytes, so more than left/min_bytes
 * items cannot all be read and the array grows on demand instead. */
static uint32_t initial_cap(const struct decoder *d, uint32_t count, size_t min_bytes)
{
    size_t left = (size_t)(d->r.end - d->r.p) / min_bytes;
    return count < left ? count : (uint32_t)left;
}

static void *alloc_items(uint32_t *cap, uint32_t count, size_t item_size)
{
    *cap = count;
    return count ? xcalloc(count, item_size) : NULL;
}

/* Byte offset of the next unread byte, recorded with entries for errors. */
static uint32_t here(const struct decoder *d)
{
    return (uint32_t)(d->r.p - d->r.start);
}

static bool read_name(struct decoder *d, struct name *out)
{
    const uint8_t *bytes;
    uint32_t len;
    if (!rd_name_bytes(&d->r, &bytes, &len, d->err))
        return false;
    out->str = xstrndup((const char *)bytes, len);
    out->len = len;
    return true;
}

/* ---- Expressions ---- */

/* Walk instructions up to the `end` that closes the expression, checking
 * block structure: `else` only directly inside an `if`, one per `if`.
 * track_data_ops notes memory.init and data.drop, which only matter in
 * bodies of a module without a data count section. */
static inline __attribute__((always_inline)) bool read_expr_with(struct decoder *d,
                                                                 bool track_data_ops)
{
    _Static_assert(OP_block < OP_end && OP_loop < OP_end && OP_if_ < OP_end &&
                   OP_else_ < OP_end && OP_data_drop == OP_memory_init + 1,
                   "read_expr relies on the order of enum opcode");
    struct reader r = d->r; /* a local copy stays in registers */
    struct instr in;
    uint32_t depth = 0;
    for (;;) {
        if (!read_instr_inline(&r, &in, d->err))
            return false;
        /* One well-predicted test keeps ordinary instructions cheap: the
         * structured ones are the lowest opcodes, and the two that need the
         * data count are neighbours. */
        if (LIKELY(in.op > OP_end)) {
            if (track_data_ops && (unsigned)(in.op - OP_memory_init) < 2)
                d->uses_data_count = true;
            continue;
        }
        if (UNLIKELY(op_is_eh(in.op)) && !(d->m->features & FEAT_EXCEPTIONS))
            return RD_ERR(d->err, WISP_ERR_MALFORMED, in.offset,
                          "illegal opcode %02x (%s: exceptions are off)", d->r.start[in.offset],
                          opcode_table[in.op].name);
        switch (in.op) {
        case OP_block:
        case OP_loop:
        case OP_if_:
        case OP_try_:
        case OP_try_table:
            if (UNLIKELY(depth >= d->open_cap)) {
                d->open_cap = d->open_cap ? d->open_cap * 2 : 64;
                d->open = xrealloc(d->open, d->open_cap);
            }
            d->open[depth++] = in.op == OP_if_ ? 1 : in.op == OP_try_ ? 2 : 0;
            break;
        case OP_catch_:
        case OP_catch_all:
            if (depth == 0 || d->open[depth - 1] != 2)
                return RD_ERR(d->err, WISP_ERR_MALFORMED, in.offset, "END opcode expected: %s outside a try",
                              opcode_table[in.op].name);
            if (in.op == OP_catch_all)
                d->open[depth - 1] = 3;
            break;
        case OP_delegate:
            if (depth == 0 || d->open[depth - 1] != 2)
                return RD_ERR(d->err, WISP_ERR_MALFORMED, in.offset, "END opcode expected: delegate outside a try");
            depth--;
            break;
        case OP_else_:
            if (depth == 0 || d->open[depth - 1] != 1)
                return RD_ERR(d->err, WISP_ERR_MALFORMED, in.offset,
                              "END opcode expected: else outside an if");
            d->open[depth - 1] = 0;
            break;
        case OP_end:
            if (depth == 0) {
                d->r.p = r.p;
                return true;
            }
            depth--;
            break;
        }
    }
}

static bool read_expr(struct decoder *d, bool is_body)
{
    if (is_body && !d->m->has_data_count)
        return read_expr_with(d, true);
    return read_expr_with(d, false);
}

static bool read_const_expr(struct decoder *d, struct expr *out)
{
    const uint8_t *start = d->r.p;
    if (!read_expr(d, false))
        return false;
    out->offset = (uint32_t)(start - d->r.start);
    out->len = (uint32_t)(d->r.p - start);
    return true;
}

/* ---- Types ---- */

/* 2.0: a 1-bit LEB128 flag (has a maximum) and u32 bounds. memory64 (as
 * Wasm 3.0 reads limits): a flags byte, bit 0 a maximum, bit 2 the i64
 * address type (bit 1, shared, belongs to threads: malformed here, as is
 * any other), and u64 bounds whatever the address type, which the
 * validator then bounds ("memory size", "table size"). */
static bool read_limits(struct decoder *d, struct limits *out)
{
    uint8_t flag;
    const uint8_t *at = d->r.p;
    if (d->r.memory64) {
        uint64_t min, max = 0;
        if (!rd_byte(&d->r, &flag, d->err))
            return false;
        if (flag & ~5u)
            return FAIL_AT(d, at, "malformed limits flags");
        if (!rd_uleb_slow(&d->r, 64, &min, d->err) ||
            ((flag & 1) && !rd_uleb_slow(&d->r, 64, &max, d->err)))
            return false;
        *out = (struct limits){.min = min, .max = max, .has_max = flag & 1, .is64 = (flag & 4) != 0};
        d->m->any64 |= out->is64;
        return true;
    }
    uint32_t min, max = 0;
    if (!rd_u1(&d->r, &flag, d->err) || !rd_u32(&d->r, &min, d->err))
        return false;
    if (flag && !rd_u32(&d->r, &max, d->err))
        return false;
    *out = (struct limits){.min = min, .max = max, .has_max = flag};
    return true;
}

/* Sizes are not limited here: a table's elements are allocated when it is
 * instantiated, which refuses one past the limit (runtime/store.c); a
 * module may declare one, as 3.0's table.wast does. A minimum above the
 * maximum is left to the validator, which words it as the spec suite
 * expects ("size minimum must not be greater than maximum"). */
static bool read_tabletype(struct decoder *d, struct tabletype *out)
{
    return rd_reftype(&d->r, &out->elem, d->err) && read_limits(d, &out->limits);
}

static bool read_globaltype(struct decoder *d, struct globaltype *out)
{
    uint8_t mut;
    if (!rd_valtype(&d->r, &out->type, d->err) || !rd_byte(&d->r, &mut, d->err))
        return false;
    if (mut > 1)
        return FAIL_AT(d, d->r.p - 1, "malformed mutability: 0x%02x", mut);
    out->mutable_ = mut;
    return true;
}

/* A vector of value types, appended to *types after its first `have`. */
static bool read_valtypes(struct decoder *d, uint32_t *count, valtype_t **types, uint32_t have, uint32_t limit,
                          const char *what)
{
    const uint8_t *at = d->r.p;
    if (!rd_len(&d->r, count, d->err) || !check_count(d, at, *count, limit, what))
        return false;
    /* Each takes a byte at least: the count is bounded by what is left. */
    if (*count > (size_t)(d->r.end - d->r.p))
        return rd_eof(&d->r, d->err);
    *types = xrealloc(*types, ((size_t)have + *count + 1) * sizeof **types);
    for (uint32_t i = 0; i < *count; i++)
        if (!rd_valtype(&d->r, &(*types)[have + i], d->err))
            return false;
    return true;
}

/* func params results, after its 0x60; the type owns t->types whatever
 * the outcome. */
static bool read_functype(struct decoder *d, struct functype *t)
{
    return read_valtypes(d, &t->nparams, &t->types, 0, LIMIT_PARAMS, "parameters") &&
           read_valtypes(d, &t->nresults, &t->types, t->nparams, LIMIT_RESULTS, "results");
}

/* One subtype: `func`, or 3.0's `sub`/`sub final` with at most one
 * supertype (several are for a later GC version and invalid). Struct and
 * array types are GC, which wisp does not have yet. */
static bool read_subtype(struct decoder *d, struct functype *t)
{
    const uint8_t *at = d->r.p;
    uint8_t tag;
    if (!rd_byte(&d->r, &tag, d->err))
        return false;
    if (d->r.typed_refs && (tag == 0x50 || tag == 0x4F)) {
        uint32_t nsupers;
        const uint8_t *at_count = d->r.p;
        if (!rd_len(&d->r, &nsupers, d->err))
            return false;
        if (nsupers > 1)
            return FAIL_AT(d, at_count, "malformed sub type: %u supertypes, at most 1", nsupers);
        if (nsupers == 1) {
            uint32_t super;
            if (!rd_u32(&d->r, &super, d->err))
                return false;
            t->super = super < UINT32_MAX ? super + 1 : UINT32_MAX;
        }
        t->open = tag == 0x50;
        at = d->r.p;
        if (!rd_byte(&d->r, &tag, d->err))
            return false;
    }
    if (tag == 0x60)
        return read_functype(d, t);
    if (tag & 0x80)
        return FAIL_AT(d, d->r.p, "integer representation too long");
    if (d->r.typed_refs && (tag == 0x5F || tag == 0x5E))
        return RD_ERR(d->err, WISP_ERR_UNSUPPORTED, rd_offset(&d->r, at),
                      "%s types need garbage collection (Wasm 3.0 GC), which wisp does not support",
                      tag == 0x5F ? "struct" : "array");
    return FAIL_AT(d, at, "malformed function type: 0x%02x", tag);
}

/* The type section: recursion groups (`rec`, 3.0) of subtypes; a type
 * outside any `rec` is a group of one. Its count is of groups; the types
 * of all of them are bounded together. */
static bool read_type_section(struct decoder *d)
{
    struct module *m = d->m;
    uint32_t count, cap;
    const uint8_t *at_count = d->r.p;
    if (!rd_len(&d->r, &count, d->err) || !check_count(d, at_count, count, LIMIT_TYPES, "types"))
        return false;
    m->types = alloc_items(&cap, initial_cap(d, count, 3), sizeof *m->types);
    for (uint32_t i = 0; i < count; i++) {
        uint32_t n = 1;
        if (d->r.typed_refs && d->r.p < d->r.end && *d->r.p == 0x4E) {
            d->r.p++;
            const uint8_t *at = d->r.p;
            if (!rd_len(&d->r, &n, d->err))
                return false;
            if (!check_count(d, at, (uint64_t)m->ntypes + n, LIMIT_TYPES, "types"))
                return false;
        }
        uint32_t rec = m->ntypes;
        for (uint32_t k = 0; k < n; k++) {
            GROW(m->types, cap, m->ntypes);
            struct functype *t = &m->types[m->ntypes];
            *t = (struct functype){.rec = rec, .rec_len = n, .offset = here(d)};
            /* Counted even when it fails, so module_free frees its types. */
            m->ntypes++;
            if (!read_subtype(d, t))
                return false;
        }
    }
    return true;
}

/* ---- Imports and definitions ---- */

/* Each adds an entry to an index space, with the byte offset that errors
 * about it will point at. */
static void add_func(struct decoder *d, uint32_t type, uint32_t offset)
{
    struct module *m = d->m;
    GROW(m->func_types, d->funcs_cap, m->nfuncs);
    GROW(m->func_offsets, d->func_offsets_cap, m->nfuncs);
    m->func_offsets[m->nfuncs] = offset;
    m->func_types[m->nfuncs++] = type;
}

static void add_tag(struct decoder *d, uint32_t type, uint32_t offset)
{
    struct module *m = d->m;
    GROW(m->tag_types, d->tags_cap, m->ntags);
    GROW(m->tag_offsets, d->tag_offsets_cap, m->ntags);
    m->tag_offsets[m->ntags] = offset;
    m->tag_types[m->ntags++] = type;
}

/* A tag type: an attribute byte (0, an exception) and a function type index. */
static bool read_tagtype(struct decoder *d, uint32_t *type)
{
    uint8_t attribute;
    const uint8_t *at = d->r.p;
    if (!rd_byte(&d->r, &attribute, d->err))
        return false;
    if (attribute != 0)
        return FAIL_AT(d, at, "malformed tag attribute: 0x%02x", attribute);
    return rd_u32(&d->r, type, d->err);
}

static void add_table(struct decoder *d, const struct tabletype *t, uint32_t offset)
{
    struct module *m = d->m;
    GROW(m->tables, d->tables_cap, m->ntables);
    GROW(m->table_offsets, d->table_offsets_cap, m->ntables);
    m->table_offsets[m->ntables] = offset;
    m->tables[m->ntables++] = *t;
}

static void add_memory(struct decoder *d, const struct memtype *t, uint32_t offset)
{
    struct module *m = d->m;
    GROW(m->memories, d->memories_cap, m->nmemories);
    GROW(m->memory_offsets, d->memory_offsets_cap, m->nmemories);
    m->memory_offsets[m->nmemories] = offset;
    m->memories[m->nmemories++] = *t;
}

static void add_global(struct decoder *d, const struct global *g)
{
    GROW(d->m->globals, d->globals_cap, d->m->nglobals);
    d->m->globals[d->m->nglobals++] = *g;
}

static bool read_import_section(struct decoder *d)
{
    struct module *m = d->m;
    uint32_t count, cap;
    const uint8_t *at_count = d->r.p;
    if (!rd_len(&d->r, &count, d->err) ||
        !check_count(d, at_count, count, LIMIT_IMPORTS, "imports"))
        return false;
    m->imports = alloc_items(&cap, initial_cap(d, count, 4), sizeof *m->imports);
    for (uint32_t i = 0; i < count; i++) {
        GROW(m->imports, cap, i);
        struct import *im = &m->imports[m->nimports++];
        im->offset = here(d);
        if (!read_name(d, &im->module) || !read_name(d, &im->field))
            return false;
        if (!rd_byte(&d->r, &im->kind, d->err))
            return false;
        /* Imports count towards their index space's limit one by one. */
        const uint8_t *at = d->r.start + im->offset;
        switch (im->kind) {
        case EXT_FUNC:
            if (!rd_u32(&d->r, &im->desc.func_type, d->err) ||
                !check_count(d, at, (uint64_t)m->nfuncs + 1, LIMIT_FUNCTIONS,
                             "functions (imported and defined)"))
                return false;
            add_func(d, im->desc.func_type, im->offset);
            m->nfunc_imports++;
            break;
        case EXT_TABLE:
            if (!read_tabletype(d, &im->desc.table) ||
                !check_count(d, at, (uint64_t)m->ntables + 1, LIMIT_TABLES,
                             "tables (imported and defined)"))
                return false;
            add_table(d, &im->desc.table, im->offset);
            m->ntable_imports++;
            break;
        case EXT_MEMORY:
            if (!read_limits(d, &im->desc.memory.limits) ||
                !check_count(d, at, (uint64_t)m->nmemories + 1, LIMIT_MEMORIES,
                             "memories (imported and defined)"))
                return false;
            add_memory(d, &im->desc.memory, im->offset);
            m->nmemory_imports++;
            break;
        case EXT_GLOBAL:
            if (!read_globaltype(d, &im->desc.global) ||
                !check_count(d, at, (uint64_t)m->nglobals + 1, LIMIT_GLOBALS,
                             "globals (imported and defined)"))
                return false;
            add_global(d, &(struct global){.type = im->desc.global, .offset = im->offset});
            m->nglobal_imports++;
            break;
        case EXT_TAG:
            if (!(m->features & FEAT_EXCEPTIONS))
                return FAIL_AT(d, d->r.p - 1, "malformed import kind: 0x%02x (a tag: exceptions are off)",
                               im->kind);
            if (!read_tagtype(d, &im->desc.tag_type) ||
                !check_count(d, at, (uint64_t)m->ntags + 1, LIMIT_TAGS, "tags (imported and defined)"))
                return false;
            add_tag(d, im->desc.tag_type, im->offset);
            m->ntag_imports++;
            break;
        default:
            return FAIL_AT(d, d->r.p - 1, "malformed import kind: 0x%02x", im->kind);
        }
    }
    return true;
}

static bool read_function_section(struct decoder *d)
{
    uint32_t count;
    const uint8_t *at = d->r.p;
    if (!rd_len(&d->r, &count, d->err) ||
        !check_count(d, at, (uint64_t)d->m->nfuncs + count, LIMIT_FUNCTIONS,
                     "functions (imported and defined)"))
        return false;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t type, offset = here(d);
        if (!rd_u32(&d->r, &type, d->err))
            return false;
        add_func(d, type, offset);
    }
    return true;
}

static bool read_table_section(struct decoder *d)
{
    uint32_t count;
    const uint8_t *at = d->r.p;
    if (!rd_len(&d->r, &count, d->err) ||
        !check_count(d, at, (uint64_t)d->m->ntables + count, LIMIT_TABLES,
                     "tables (imported and defined)"))
        return false;
    for (uint32_t i = 0; i < count; i++) {
        struct tabletype t = {0};
        uint32_t offset = here(d);
        /* 3.0: 0x40 0x00, then the table type and its elements' initial value. */
        bool has_init = d->r.typed_refs && d->r.p < d->r.end && *d->r.p == 0x40;
        if (has_init) {
            uint8_t zero;
            d->r.p++;
            if (!rd_byte(&d->r, &zero, d->err))
                return false;
            if (zero != 0)
                return FAIL_AT(d, d->r.p - 1, "malformed table: 0x40 0x%02x", zero);
        }
        if (!read_tabletype(d, &t) || (has_init && !read_const_expr(d, &t.init)))
            return false;
        add_table(d, &t, offset);
    }
    return true;
}

static bool read_memory_section(struct decoder *d)
{
    uint32_t count;
    const uint8_t *at = d->r.p;
    if (!rd_len(&d->r, &count, d->err) ||
        !check_count(d, at, (uint64_t)d->m->nmemories + count, LIMIT_MEMORIES,
                     "memories (imported and defined)"))
        return false;
    for (uint32_t i = 0; i < count; i++) {
        struct memtype t;
        uint32_t offset = here(d);
        if (!read_limits(d, &t.limits))
            return false;
        add_memory(d, &t, offset);
    }
    return true;
}

static bool read_tag_section(struct decoder *d)
{
    uint32_t count;
    const uint8_t *at = d->r.p;
    if (!rd_len(&d->r, &count, d->err) ||
        !check_count(d, at, (uint64_t)d->m->ntags + count, LIMIT_TAGS, "tags (imported and defined)"))
        return false;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t type, offset = here(d);
        if (!read_tagtype(d, &type))
            return false;
        add_tag(d, type, offset);
    }
    return true;
}

static bool read_global_section(struct decoder *d)
{
    uint32_t count;
    const uint8_t *at = d->r.p;
    if (!rd_len(&d->r, &count, d->err) ||
        !check_count(d, at, (uint64_t)d->m->nglobals + count, LIMIT_GLOBALS,
                     "globals (imported and defined)"))
        return false;
    for (uint32_t i = 0; i < count; i++) {
        struct global g = {.offset = here(d)};
        if (!read_globaltype(d, &g.type) || !read_const_expr(d, &g.init))
            return false;
        add_global(d, &g);
    }
    return true;
}

static bool read_export_section(struct decoder *d)
{
    struct module *m = d->m;
    uint32_t count, cap;
    const uint8_t *at = d->r.p;
    if (!rd_len(&d->r, &count, d->err) || !check_count(d, at, count, LIMIT_EXPORTS, "exports"))
        return false;
    m->exports = alloc_items(&cap, initial_cap(d, count, 3), sizeof *m->exports);
    for (uint32_t i = 0; i < count; i++) {
        GROW(m->exports, cap, i);
        struct export *ex = &m->exports[m->nexports++];
        ex->offset = here(d);
        if (!read_name(d, &ex->name) || !rd_byte(&d->r, &ex->kind, d->err))
            return false;
        if (ex->kind > (m->features & FEAT_EXCEPTIONS ? EXT_TAG : EXT_GLOBAL))
            return FAIL_AT(d, d->r.p - 1, "malformed export kind: 0x%02x", ex->kind);
        if (!rd_u32(&d->r, &ex->index, d->err))
            return false;
    }
    return true;
}

static bool read_start_section(struct decoder *d)
{
    d->m->has_start = true;
    d->m->start_offset = here(d);
    return rd_u32(&d->r, &d->m->start, d->err);
}

/* ---- Element and data segments ---- */

static bool read_elemkind(struct decoder *d, valtype_t *out)
{
    uint8_t b;
    if (!rd_byte(&d->r, &b, d->err))
        return false;
    if (b != 0x00)
        return FAIL_AT(d, d->r.p - 1, "malformed element kind: 0x%02x", b);
    /* 3.0 types a segment of function indices (ref func): none is null. */
    *out = d->r.typed_refs ? vt_ref(HT_FUNC, false) : VT_FUNCREF;
    return true;
}

/* Encodings by flag bits: bit 0 = passive or declarative (bit 1 then picks
 * declarative), else active, with an explicit table index if bit 1; bit 2 =
 * items are expressions (with a reftype) rather than function indices (with
 * an elemkind, absent when both other bits are clear). */
static bool read_elem(struct decoder *d, struct elem *e)
{
    const uint8_t *at = d->r.p;
    uint32_t flags;
    e->byte_offset = here(d);
    if (!rd_u32(&d->r, &flags, d->err))
        return false;
    if (flags > 7)
        return FAIL_AT(d, at, "malformed elements segment kind: %u", flags);
    bool passive_or_declarative = flags & 1, explicit_table = flags & 2, exprs = flags & 4;
    e->type = !exprs && d->r.typed_refs ? vt_ref(HT_FUNC, false) : VT_FUNCREF;
    e->table = 0;
    if (passive_or_declarative) {
        e->mode = explicit_table ? SEG_DECLARATIVE : SEG_PASSIVE;
    } else {
        e->mode = SEG_ACTIVE;
        if (explicit_table && !rd_u32(&d->r, &e->table, d->err))
            return false;
        if (!read_const_expr(d, &e->offset))
            return false;
    }
    if (flags & 3) {
        if (exprs ? !rd_reftype(&d->r, &e->type, d->err) : !read_elemkind(d, &e->type))
            return false;
    }
    uint32_t count;
    const uint8_t *at_count = d->r.p;
    if (!rd_len(&d->r, &count, d->err) ||
        !check_count(d, at_count, count, LIMIT_ELEM_ITEMS, "elements in a segment"))
        return false;
    if (exprs) {
        uint32_t cap = initial_cap(d, count, 1);
        e->exprs = alloc_items(&cap, cap, sizeof *e->exprs);
        for (uint32_t i = 0; i < count; i++) {
            GROW(e->exprs, cap, i);
            if (!read_const_expr(d, &e->exprs[i]))
                return false;
            e->count++;
        }
        if (!e->exprs)
            e->exprs = xmalloc(sizeof *e->exprs); /* keeps "exactly one is set" for count 0 */
    } else {
        uint32_t cap;
        e->funcs = alloc_items(&cap, count, sizeof *e->funcs);
        for (uint32_t i = 0; i < count; i++) {
            if (!rd_u32(&d->r, &e->funcs[i], d->err))
                return false;
            e->count++;
        }
        if (!e->funcs)
            e->funcs = xmalloc(sizeof *e->funcs); /* keeps "exactly one is set" for count 0 */
    }
    return true;
}

static bool read_elem_section(struct decoder *d)
{
    struct module *m = d->m;
    uint32_t count, cap;
    const uint8_t *at = d->r.p;
    if (!rd_len(&d->r, &count, d->err) ||
        !check_count(d, at, count, LIMIT_ELEM_SEGMENTS, "element segments"))
        return false;
    m->elems = alloc_items(&cap, initial_cap(d, count, 3), sizeof *m->elems);
    for (uint32_t i = 0; i < count; i++) {
        GROW(m->elems, cap, i);
        if (!read_elem(d, &m->elems[m->nelems++]))
            return false;
    }
    return true;
}

static bool read_data(struct decoder *d, struct data *seg)
{
    const uint8_t *at = d->r.p;
    uint32_t flags, len;
    seg->byte_offset = here(d);
    if (!rd_u32(&d->r, &flags, d->err))
        return false;
    seg->memory = 0;
    switch (flags) {
    case 0:
        seg->mode = SEG_ACTIVE;
        if (!read_const_expr(d, &seg->offset))
            return false;
        break;
    case 1:
        seg->mode = SEG_PASSIVE;
        break;
    case 2:
        seg->mode = SEG_ACTIVE;
        if (!rd_u32(&d->r, &seg->memory, d->err) || !read_const_expr(d, &seg->offset))
            return false;
        break;
    default:
        return FAIL_AT(d, at, "malformed data segment kind: %u", flags);
    }
    if (!rd_len(&d->r, &len, d->err))
        return false;
    seg->init_offset = here(d);
    seg->init_len = len;
    return rd_bytes(&d->r, len, d->err);
}

static bool read_data_section(struct decoder *d)
{
    struct module *m = d->m;
    uint32_t count, cap;
    const uint8_t *at = d->r.p;
    if (!rd_len(&d->r, &count, d->err) ||
        !check_count(d, at, count, LIMIT_DATA_SEGMENTS, "data segments"))
        return false;
    m->datas = alloc_items(&cap, initial_cap(d, count, 2), sizeof *m->datas);
    for (uint32_t i = 0; i < count; i++) {
        GROW(m->datas, cap, i);
        if (!read_data(d, &m->datas[m->ndatas++]))
            return false;
    }
    return true;
}

static bool read_data_count_section(struct decoder *d)
{
    const uint8_t *at = d->r.p;
    d->m->has_data_count = true;
    return rd_u32(&d->r, &d->m->data_count, d->err) &&
           check_count(d, at, d->m->data_count, LIMIT_DATA_SEGMENTS, "data segments");
}

/* ---- Code ---- */

/* nparams: the function's parameters, which count towards LIMIT_LOCALS. */
static bool read_locals(struct decoder *d, struct code *c, uint32_t nparams)
{
    const uint8_t *at = d->r.p;
    uint32_t ngroups;
    if (!rd_len(&d->r, &ngroups, d->err))
        return false;
    /* Each group is at least two bytes, so ngroups is bounded by the input;
     * locals themselves are never allocated one by one. */
    c->groups = ngroups ? xmalloc((size_t)ngroups * sizeof *c->groups) : NULL;
    uint64_t total = 0;
    for (uint32_t i = 0; i < ngroups; i++) {
        struct local_group *g = &c->groups[i];
        if (!rd_u32(&d->r, &g->count, d->err) || !rd_valtype(&d->r, &g->type, d->err))
            return false;
        c->ngroups++;
        total += g->count;
    }
    /* More than 2^32-1 is malformed by the spec (its suite says "too many
     * locals"); past LIMIT_LOCALS, parameters included, it is ours. */
    if (total > UINT32_MAX)
        return FAIL_AT(d, at, "too many locals: %llu declared, more than 2^32-1",
                       (unsigned long long)total);
    if (total + nparams > LIMIT_LOCALS) {
        if (nparams)
            return LIMIT_AT(d, at, "too many locals: %llu declared and %u parameters, "
                            "the limit is %u", (unsigned long long)total, nparams, LIMIT_LOCALS);
        return LIMIT_AT(d, at, "too many locals: %llu declared, the limit is %u",
                        (unsigned long long)total, LIMIT_LOCALS);
    }
    c->nlocals = (uint32_t)total;
    return true;
}

static bool read_code_entry(struct decoder *d, struct code *c, uint32_t i)
{
    uint32_t size;
    const uint8_t *at = d->r.p;
    c->size_offset = here(d);
    if (!rd_len(&d->r, &size, d->err))
        return false;
    if (size > LIMIT_BODY_SIZE)
        return LIMIT_AT(d, at, "function body too large: %u bytes, the limit is %u", size,
                        LIMIT_BODY_SIZE);
    /* The parameters count as locals. A function or type index out of range
     * is the validator's to report; it then has none here. */
    const struct module *m = d->m;
    uint64_t func = (uint64_t)m->nfunc_imports + i;
    uint32_t nparams = 0;
    if (func < m->nfuncs && m->func_types[func] < m->ntypes)
        nparams = m->types[m->func_types[func]].nparams;
    const uint8_t *start = d->r.p;
    if (!read_locals(d, c, nparams))
        return false;
    const uint8_t *body = d->r.p;
    if (!read_expr(d, true))
        return false;
    if ((size_t)(d->r.p - start) != size)
        return FAIL_AT(d, start, "section size mismatch: function body %u is %zu bytes, "
                       "its size says %u", i, (size_t)(d->r.p - start), size);
    c->body_offset = (uint32_t)(body - d->r.start);
    c->body_len = (uint32_t)(d->r.p - body);
    return true;
}

static bool read_code_section(struct decoder *d)
{
    struct module *m = d->m;
    uint32_t count, cap;
    const uint8_t *at = d->r.p;
    if (!rd_len(&d->r, &count, d->err) ||
        !check_count(d, at, count, LIMIT_FUNCTIONS, "function bodies"))
        return false;
    m->codes = alloc_items(&cap, initial_cap(d, count, 3), sizeof *m->codes);
    for (uint32_t i = 0; i < count; i++) {
        GROW(m->codes, cap, i);
        if (!read_code_entry(d, &m->codes[d->ncodes++], i)) {
            err_set_func(d->err, (int64_t)m->nfunc_imports + i, NULL);
            return false;
        }
    }
    return true;
}

/* ---- Custom sections ---- */

static bool read_custom_section(struct decoder *d, const uint8_t *content, uint32_t size)
{
    struct module *m = d->m;
    const uint8_t *name;
    uint32_t name_len;
    if (!rd_name_bytes(&d->r, &name, &name_len, d->err))
        return false;
    size_t used = (size_t)(d->r.p - content);
    if (used > size || size > (size_t)(d->r.end - content))
        return FAIL_AT(d, d->r.p, "unexpected end of section or function: custom section "
                       "needs %u bytes", size);
    GROW(m->customs, d->customs_cap, m->ncustoms);
    struct custom_section *cs = &m->customs[m->ncustoms++];
    cs->name.str = xstrndup((const char *)name, name_len);
    cs->name.len = name_len;
    cs->offset = here(d);
    cs->len = (uint32_t)(size - used);
    d->r.p = content + size;
    if (!d->have_names && name_len == 4 && memcmp(name, "name", 4) == 0) {
        d->have_names = true;
        decode_name_section(m, cs->offset, cs->len);
    }
    return true;
}

/* ---- The module ---- */

/* Position of each section id in the required order (data count, id 12,
 * comes between element and code; tag, id 13, between memory and global). */
static const uint8_t section_rank[14] = {
    [1] = 1, [2] = 2, [3] = 3, [4] = 4, [5] = 5, [13] = 6, [6] = 7, [7] = 8,
    [8] = 9, [9] = 10, [12] = 11, [10] = 12, [11] = 13,
};

static bool read_section(struct decoder *d, uint8_t id)
{
    switch (id) {
    case 1: return read_type_section(d);
    case 2: return read_import_section(d);
    case 3: return read_function_section(d);
    case 4: return read_table_section(d);
    case 5: return read_memory_section(d);
    case 6: return read_global_section(d);
    case 7: return read_export_section(d);
    case 8: return read_start_section(d);
    case 9: return read_elem_section(d);
    case 10: return read_code_section(d);
    case 11: return read_data_section(d);
    case 12: return read_data_count_section(d);
    case 13: return read_tag_section(d);
    }
    return false;
}

static bool read_header(struct decoder *d)
{
    static const uint8_t magic[4] = {0x00, 0x61, 0x73, 0x6D};
    struct reader *r = &d->r;
    size_t len = (size_t)(r->end - r->start);
    if (len < 4)
        return FAIL_AT(d, r->end, "unexpected end: no magic header");
    if (memcmp(r->start, magic, 4) != 0)
        return FAIL_AT(d, r->start, "magic header not detected");
    if (len < 8)
        return FAIL_AT(d, r->end, "unexpected end: no binary version");
    if (rd_le32(r->start + 4) != 1)
        return FAIL_AT(d, r->start + 4, "unknown binary version: %u", rd_le32(r->start + 4));
    r->p = r->start + 8;
    return true;
}

static bool read_module(struct decoder *d)
{
    struct module *m = d->m;
    struct reader *r = &d->r;
    if (!read_header(d))
        return false;
    uint8_t last_rank = 0;
    while (r->p < r->end) {
        const uint8_t *at = r->p;
        uint8_t id = *r->p++;
        if (id == 13 && !(m->features & FEAT_EXCEPTIONS))
            return FAIL_AT(d, at, "malformed section id: 13 (the tag section: exceptions are off)");
        if (id > 13)
            return FAIL_AT(d, at, "malformed section id: %u", id);
        if (id != 0) {
            if (section_rank[id] <= last_rank)
                return FAIL_AT(d, at, "unexpected content after last section: "
                               "section %u is out of order or repeated", id);
            last_rank = section_rank[id];
        }
        uint32_t size;
        if (!rd_len(r, &size, d->err))
            return false;
        const uint8_t *content = r->p;
        if (id == 0) {
            if (!read_custom_section(d, content, size))
                return false;
            continue;
        }
        if (!read_section(d, id))
            return false;
        if ((size_t)(r->p - content) != size)
            return FAIL_AT(d, content, "section size mismatch: section %u is %zu bytes, "
                           "its size says %u", id, (size_t)(r->p - content), size);
    }
    if (m->nfuncs - m->nfunc_imports != d->ncodes)
        return FAIL_AT(d, r->end, "function and code section have inconsistent lengths: "
                       "%u functions, %u bodies", m->nfuncs - m->nfunc_imports, d->ncodes);
    if (m->has_data_count && m->data_count != m->ndatas)
        return FAIL_AT(d, r->end, "data count and data section have inconsistent lengths: "
                       "%u and %u", m->data_count, m->ndatas);
    if (d->uses_data_count && !m->has_data_count)
        return FAIL_AT(d, r->end, "data count section required: memory.init or data.drop "
                       "is used");
    return true;
}

bool module_decode_owned(struct module *m, uint8_t *bytes, size_t len, uint32_t features,
                         struct wisp_error *err)
{
    memset(m, 0, sizeof *m);
    m->features = features;
    if (len > LIMIT_MODULE_SIZE) {
        free(bytes);
        return err_set(err, WISP_ERR_LIMIT, LIMIT_MODULE_SIZE,
                       "module too large: %zu bytes, the limit is %u", len, LIMIT_MODULE_SIZE);
    }
    m->bytes = bytes;
    m->len = (uint32_t)len;
    struct decoder d = {
        .m = m,
        .r = {.start = m->bytes, .p = m->bytes, .end = m->bytes + len,
              .no_relaxed_simd = !(features & FEAT_RELAXED_SIMD),
              .multi_memory = (features & FEAT_MULTI_MEMORY) != 0,
              .memory64 = (features & FEAT_MEMORY64) != 0,
              .typed_refs = (features & FEAT_FUNCTION_REFERENCES) != 0,
              .exceptions = (features & FEAT_EXCEPTIONS) != 0},
        .err = err,
    };
    bool ok = read_module(&d);
    free(d.open);
    /* The code section may hold more bodies than the function section
     * declared; module_free only knows the declared number. */
    if (!ok) {
        for (uint32_t i = 0; i < d.ncodes; i++)
            free(m->codes[i].groups);
        free(m->codes);
        m->codes = NULL;
        module_free(m);
    }
    return ok;
}

bool module_decode(struct module *m, const uint8_t *bytes, size_t len, uint32_t features,
                   struct wisp_error *err)
{
    if (len > LIMIT_MODULE_SIZE)
        return module_decode_owned(m, NULL, len, features, err);
    uint8_t *copy = xmalloc(len);
    if (len)
        memcpy(copy, bytes, len);
    return module_decode_owned(m, copy, len, features, err);
}
