/* The decoded module: what the binary decoder produces, the validator checks,
 * and the compiler and instantiator consume. It owns a copy of the module's
 * bytes; function bodies and constant expressions are byte ranges into it, so
 * nothing is decoded twice into a second representation. */
#ifndef WISP_MODULE_H
#define WISP_MODULE_H

#include "base/common.h"

/* Value types. A number or vector type is its one-byte binary encoding. A
 * reference type (ref null? ht) holds its heap type's code in the low byte,
 * VT_NONNULL when null is not a value of it, and, for a concrete heap type,
 * the type index from bit VT_INDEX_SHIFT up. So a nullable abstract
 * reference type is its one-byte shorthand: funcref is 0x70 as in 2.0. */
enum valtype {
    VT_I32 = 0x7F,
    VT_I64 = 0x7E,
    VT_F32 = 0x7D,
    VT_F64 = 0x7C,
    VT_V128 = 0x7B,
    VT_FUNCREF = 0x70,
    VT_EXTERNREF = 0x6F,
    VT_EXNREF = 0x69, /* exception handling: a caught exception */
};
typedef uint32_t valtype_t;

/* Heap types: the abstract ones by their binary encoding (0x69-0x74), and
 * HT_INDEX for a type index. */
enum heaptype {
    HT_INDEX = 0x01,
    HT_EXN = 0x69,
    HT_ARRAY = 0x6A,
    HT_STRUCT = 0x6B,
    HT_I31 = 0x6C,
    HT_EQ = 0x6D,
    HT_ANY = 0x6E,
    HT_EXTERN = 0x6F,
    HT_FUNC = 0x70,
    HT_NONE = 0x71,
    HT_NOEXTERN = 0x72,
    HT_NOFUNC = 0x73,
    HT_NOEXN = 0x74,
};
#define VT_NONNULL 0x100u
#define VT_INDEX_SHIFT 9
/* The largest type index a reference type can hold (above LIMIT_TYPES). */
#define VT_INDEX_MAX ((UINT32_MAX >> VT_INDEX_SHIFT) - 1)

static inline uint32_t vt_heap(valtype_t t) { return t & 0xFF; }
static inline bool vt_nullable(valtype_t t) { return !(t & VT_NONNULL); }
static inline bool vt_is_index(valtype_t t) { return vt_heap(t) == HT_INDEX; }
static inline uint32_t vt_index(valtype_t t) { return t >> VT_INDEX_SHIFT; }
static inline valtype_t vt_ref(uint32_t heap, bool nullable) { return heap | (nullable ? 0 : VT_NONNULL); }
static inline valtype_t vt_ref_index(uint32_t index, bool nullable)
{
    return HT_INDEX | (nullable ? 0 : VT_NONNULL) | index << VT_INDEX_SHIFT;
}
static inline bool valtype_is_ref(valtype_t t)
{
    uint32_t h = vt_heap(t);
    return (h >= HT_EXN && h <= HT_NOEXN) || h == HT_INDEX;
}
/* Whether a local or table element of type t starts as something: every
 * type but a reference type that null is not a value of. */
static inline bool valtype_defaultable(valtype_t t) { return !valtype_is_ref(t) || vt_nullable(t); }
/* The top of a reference type's hierarchy (HT_FUNC, HT_EXTERN, HT_ANY or
 * HT_EXN); a type index is in func's (function types are the only defined
 * types until GC). */
static inline uint32_t vt_top(valtype_t t)
{
    switch (vt_heap(t)) {
    case HT_INDEX: case HT_FUNC: case HT_NOFUNC: return HT_FUNC;
    case HT_EXTERN: case HT_NOEXTERN: return HT_EXTERN;
    case HT_EXN: case HT_NOEXN: return HT_EXN;
    default: return HT_ANY;
    }
}
/* "i32", "funcref", "(ref $3)", ...: a static string, or one of a few
 * per-thread buffers for types that hold an index. */
const char *valtype_name(valtype_t t);

/* The Wasm 3.0 proposals a module may use, as bits of module.features
 * (the same values as include/wisp.h's wisp_feature). A module decoded
 * without one is held to the rules of the spec before it. */
enum wasm_feature {
    FEAT_EXTENDED_CONST = 1u << 0, /* i32/i64 add, sub, mul and global.get of any
                                      earlier immutable global in constant expressions */
    FEAT_TAIL_CALL = 1u << 1,      /* return_call, return_call_indirect */
    FEAT_RELAXED_SIMD = 1u << 2,   /* the 20 relaxed SIMD instructions (0xFD 0x100-0x113) */
    FEAT_MULTI_MEMORY = 1u << 3,   /* several memories; memory indices on memory
                                      instructions and in memargs */
    FEAT_MEMORY64 = 1u << 4,       /* memories and tables addressed by i64 (limits flag 0x04) */
    FEAT_EXCEPTIONS = 1u << 5,     /* tags, throw, throw_ref, try_table, exnref, and the
                                      legacy try/catch/catch_all/delegate/rethrow */
    FEAT_FUNCTION_REFERENCES = 1u << 6, /* typed references (ref null? ht), call_ref,
                                           br_on_null/non_null, ref.as_non_null, rec
                                           groups and subtypes, table initializers */
};
#define FEAT_DEFAULT (FEAT_EXTENDED_CONST | FEAT_TAIL_CALL | FEAT_RELAXED_SIMD | FEAT_MULTI_MEMORY | \
                      FEAT_MEMORY64 | FEAT_EXCEPTIONS | FEAT_FUNCTION_REFERENCES)

/* External kinds, by their binary encoding. */
enum extern_kind { EXT_FUNC = 0, EXT_TABLE = 1, EXT_MEMORY = 2, EXT_GLOBAL = 3, EXT_TAG = 4 };

struct name {
    char *str;    /* NUL-terminated copy; may contain interior NULs */
    uint32_t len; /* length in bytes, excluding the terminator */
};

/* Whether n spells the C string s. */
static inline bool name_equals(const struct name *n, const char *s)
{
    return strlen(s) == n->len && memcmp(s, n->str, n->len) == 0;
}

/* A function type, with what the 3.0 type section says about it: its
 * declared supertype, whether it may have subtypes, and its recursion group
 * (a plain 2.0 type is a final type alone in its group). */
struct functype {
    uint32_t nparams, nresults;
    valtype_t *types; /* nparams params followed by nresults results */
    uint32_t super;   /* the declared supertype's index + 1, 0 for none */
    bool open;        /* declared `sub` without `final`: may have subtypes */
    uint32_t rec, rec_len; /* the group: its first type's index, its size */
    uint32_t offset;       /* byte offset of the entry, for errors */
};
static inline const valtype_t *functype_params(const struct functype *t) { return t->types; }
static inline const valtype_t *functype_results(const struct functype *t) { return t->types + t->nparams; }

/* A constant expression: bytes [offset, offset+len) of the module, ending with
 * the `end` opcode. Validated by the validator, evaluated at instantiation. */
struct expr { uint32_t offset, len; };

struct limits {
    uint64_t min, max;
    bool has_max;
    bool is64; /* memory64: the memory or table is addressed by i64 */
};
/* A table defined by the module may give its elements' initial value (3.0;
 * required when null is not a value of the element type); init.len == 0
 * means null. */
struct tabletype { valtype_t elem; struct limits limits; struct expr init; };
struct memtype { struct limits limits; }; /* in 64 KiB pages */
/* The address type of a memory or table: i32, or i64 with memory64. */
static inline valtype_t limits_addrtype(const struct limits *l) { return l->is64 ? VT_I64 : VT_I32; }
struct globaltype { valtype_t type; bool mutable_; };


struct import {
    struct name module, field;
    uint8_t kind; /* enum extern_kind */
    union {
        uint32_t func_type; /* type index */
        struct tabletype table;
        struct memtype memory;
        struct globaltype global;
        uint32_t tag_type; /* a tag's function type index */
    } desc;
    uint32_t offset; /* byte offset of the import entry, for errors */
};

struct export {
    struct name name;
    uint8_t kind;
    uint32_t index;
    uint32_t offset; /* byte offset of the export entry, for errors */
};

struct global {
    struct globaltype type;
    struct expr init;
    uint32_t offset; /* byte offset of the entry (or its import), for errors */
};

struct local_group { uint32_t count; valtype_t type; };

/* A defined function's code. */
struct code {
    uint32_t nlocals; /* declared locals, not counting params */
    uint32_t ngroups;
    struct local_group *groups;
    uint32_t body_offset; /* first instruction, after the local declarations */
    uint32_t body_len;    /* through the final `end` */
    uint32_t size_offset; /* offset of the entry (its size field), for errors */
};

enum segment_mode { SEG_ACTIVE, SEG_PASSIVE, SEG_DECLARATIVE };

struct elem {
    uint8_t mode;     /* enum segment_mode */
    valtype_t type;   /* funcref or externref */
    uint32_t table;   /* active only */
    struct expr offset; /* active only */
    uint32_t count;
    /* Exactly one of these is set: plain function indices (encodings 0-3), or
     * one constant expression per item (encodings 4-7). */
    uint32_t *funcs;
    struct expr *exprs;
    uint32_t byte_offset; /* of the segment, for errors */
};

struct data {
    uint8_t mode;       /* SEG_ACTIVE or SEG_PASSIVE */
    uint32_t memory;    /* active only */
    struct expr offset; /* active only */
    uint32_t init_offset, init_len; /* the bytes, a range of the module */
    uint32_t byte_offset;
};

struct custom_section {
    struct name name;
    uint32_t offset, len; /* payload after the name */
};

/* Sparse name maps from the "name" custom section. Absent names are NULL. */
struct name_assoc { uint32_t index; struct name name; };
struct local_names { uint32_t func; uint32_t count; struct name_assoc *names; };

struct module {
    uint8_t *bytes; /* owned copy of the binary */
    uint32_t len;
    uint32_t features; /* enum wasm_feature bits it was decoded and validated with */
    bool any64;        /* some memory or table is addressed by i64 (memory64) */

    uint32_t ntypes;
    struct functype *types;
    /* Filled by the validator: per type, the first index of a type
     * equivalent to it (the spec's iso-recursive equivalence), so two
     * indices name equivalent types exactly when their canon are equal. */
    uint32_t *canon;
    valtype_t *singles; /* valtype_single's lists for types with an index (2 per type) */

    uint32_t nimports;
    struct import *imports;

    /* Index spaces: imports first, then definitions. */
    uint32_t nfuncs, nfunc_imports;
    uint32_t *func_types; /* type index of every function, nfuncs entries */
    uint32_t ntables, ntable_imports;
    struct tabletype *tables;
    uint32_t nmemories, nmemory_imports;
    struct memtype *memories;
    uint32_t nglobals, nglobal_imports;
    struct global *globals; /* imported entries have init.len == 0 */
    uint32_t ntags, ntag_imports; /* exception handling */
    uint32_t *tag_types;  /* a function type index per tag (its params are the payload) */
    uint32_t *tag_offsets; /* byte offset of each tag's type (or its import), for errors */
    /* Byte offsets, for errors, of each function's type index (in the function
     * section), table type and memory type; an imported entry has its import's
     * offset. Parallel to func_types, tables and memories. */
    uint32_t *func_offsets, *table_offsets, *memory_offsets;

    struct code *codes; /* nfuncs - nfunc_imports entries */

    uint32_t nexports;
    struct export *exports;

    bool has_start;
    uint32_t start;
    uint32_t start_offset; /* of the function index in the start section, for errors */

    uint32_t nelems;
    struct elem *elems;

    uint32_t ndatas;
    struct data *datas;
    bool has_data_count;
    uint32_t data_count;

    uint32_t ncustoms;
    struct custom_section *customs;

    /* From the name section; missing entries stay empty. */
    struct name module_name;
    uint32_t nfunc_names;
    struct name_assoc *func_names;  /* sorted by index */
    uint32_t nlocal_names;
    struct local_names *local_names; /* sorted by function */

    /* Filled by the validator for the compiler: per defined function, the
     * largest operand stack height (in values) seen while checking it. */
    uint32_t *max_stack;
    /* Compiled code that came with the module (wisp_module_deserialize):
     * an object for the compiled tier, and the options it was compiled
     * with (RT_PRECOMPILED_* bits in src/runtime/tier.h). Owned. */
    uint8_t *precompiled;
    size_t precompiled_len;
    uint32_t precompiled_options;
};

/* Decode a binary module that may use the given features (enum
 * wasm_feature bits). The bytes are copied. On failure returns false with
 * a malformed-module error in *err (kind WISP_ERR_MALFORMED, byte offset set). */
bool module_decode(struct module *m, const uint8_t *bytes, size_t len, uint32_t features,
                   struct wisp_error *err);
/* The same for bytes in a malloc'd block, which the module takes whatever
 * the outcome (freed on failure): a file just read needs no second copy. */
bool module_decode_owned(struct module *m, uint8_t *bytes, size_t len, uint32_t features,
                         struct wisp_error *err);
/* Validate a decoded module (kind WISP_ERR_INVALID on failure). */
bool module_validate(struct module *m, struct wisp_error *err);
/* Its type section alone, and fill m->canon and m->singles: what a module
 * loaded without validation (a serialized validated form) still needs. */
bool module_validate_types(struct module *m, struct wisp_error *err);
void module_free(struct module *m);

/* Types (types.c). Whether defined type a is b or a declared subtype of
 * it, among types (an index space: a module's, whose canon says which
 * indices are equivalent, or a store's, where canon is NULL: equal ids
 * are equal types), and value type a a subtype of b there. */
bool types_sub(const struct functype *types, const uint32_t *canon, uint32_t a, uint32_t b);
bool valtype_sub_in(const struct functype *types, const uint32_t *canon, valtype_t a, valtype_t b);
/* The same in module m (validated types). */
bool module_valtype_sub(const struct module *m, valtype_t a, valtype_t b);
/* A recursion group seen from some index space: types[start, start+len),
 * whose references to types outside the group are mapped through map (an
 * index of the space -> an id of the common space), or kept when map is
 * NULL. Two groups are the same type group (iso-recursive equivalence) when
 * their types are the same with internal references taken relative to the
 * group and external ones mapped. */
struct rec_view {
    const struct functype *types;
    uint32_t start, len;
    const uint32_t *map;
};
uint32_t rec_group_hash(const struct rec_view *g);
bool rec_group_equal(const struct rec_view *a, const struct rec_view *b);
/* Fill m->canon and m->singles (validated type section). */
void module_canonicalize_types(struct module *m);
/* A one-element list holding t, at an address that lasts as long as m: a
 * block type [] -> [t] points at its results like any other. */
const valtype_t *valtype_single(const struct module *m, valtype_t t);

/* The function's name from the name section, or NULL. */
const struct name *module_func_name(const struct module *m, uint32_t func);

#endif
