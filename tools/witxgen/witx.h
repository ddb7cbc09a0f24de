/* witxgen's model of a witx document set: named types, modules and their
 * functions, with C-like layouts and preview1 lowered wasm signatures
 * computed once after loading. Every later pass (dump, code generation)
 * reads this model and never the s-expressions. */
#ifndef WITXGEN_WITX_H
#define WITXGEN_WITX_H

#include <stdio.h>

#include "sexpr.h"

enum tkind {
    T_INT,            /* u8..u64, s8..s64 */
    T_FLOAT,          /* f32, f64 */
    T_CHAR8,          /* a UTF-8 code unit */
    T_CHAR,           /* a Unicode scalar value, 32 bits */
    T_USIZE,          /* (@witx usize): 32 bits on wasm32 */
    T_STRING,         /* list of char8 that must be UTF-8 */
    T_LIST,
    T_POINTER,
    T_CONST_POINTER,
    T_HANDLE,
    T_ENUM,
    T_FLAGS,
    T_RECORD,         /* also tuples (fields named 0, 1, ...) */
    T_VARIANT,        /* also unions */
    T_EXPECTED,
    T_NAME,           /* a reference to a typename */
};

struct type;
struct named_type;

/* An enum case, flag, record field or variant case. */
struct member {
    const char *name;
    const char *doc;
    struct type *type;      /* field type or case payload (NULL: none) */
    uint64_t value;         /* enum/variant: case number; flags: bit mask */
    uint32_t offset;        /* record fields */
    struct pos pos;
};

struct type {
    enum tkind kind;
    struct pos pos;
    uint32_t bits;          /* T_INT, T_FLOAT */
    bool is_signed;         /* T_INT */
    struct type *elem;      /* T_LIST, T_POINTER, T_CONST_POINTER */
    struct named_type *ref; /* T_NAME */
    const char *resource;   /* T_HANDLE: resource name, or NULL */
    /* T_ENUM/T_FLAGS: representation; T_VARIANT: tag integer type. */
    struct type *repr;
    struct named_type *tag_enum;   /* T_VARIANT tagged by an enum, or NULL */
    struct member *members;
    uint32_t nmembers;
    bool is_tuple, is_union;
    struct type *ok, *err;  /* T_EXPECTED; ok may be NULL */

    /* Layout, filled by witx_layout. */
    uint32_t size, align;
    uint32_t payload_offset; /* T_VARIANT */
    uint8_t layout_state;    /* 0 none, 1 in progress, 2 done */
    uint32_t depth;          /* longest chain of names and by-value members */
};

struct named_type {
    const char *name;        /* without '$' */
    const char *doc;
    struct type *type;
    struct pos pos;
    const struct sx *def;    /* the type expression, until built */
};

struct param {
    const char *name;
    const char *doc;
    struct type *type;
    struct pos pos;
};

enum wasm_type { WASM_I32, WASM_I64, WASM_F32, WASM_F64 };

struct func {
    const char *name;
    const char *doc;
    struct module *module;
    struct pos pos;
    struct param *params;
    uint32_t nparams, cap_params;
    struct param *results;
    uint32_t nresults, cap_results;
    bool noreturn;
    /* (@wisp result_names ...): names of an expected result's ok values. */
    const char **ok_names;
    uint32_t nok_names;

    /* Lowered wasm signature, filled by witx_lower. */
    enum wasm_type *wparams;
    const char **wparam_names;
    uint32_t nwparams;
    enum wasm_type *wresults;
    uint32_t nwresults;
    /* Ok values of an expected result, each stored through one out-pointer
     * (the last nouts wasm params). */
    struct type **outs;
    const char **out_names;
    uint32_t nouts;
    struct type *err_type;   /* the expected's error type, or NULL */
    struct type *plain_result; /* a non-expected single result, or NULL */
};

struct module {
    const char *name;
    const char *doc;
    struct pos pos;
    bool imports_memory;
    struct func **funcs;
    uint32_t nfuncs, cap_funcs;
};

struct witx {
    struct arena *arena;
    struct diag *diag;
    struct named_type **types;
    uint32_t ntypes, cap_types;
    const char **resources;
    uint32_t nresources, cap_resources;
    struct module **modules;
    uint32_t nmodules, cap_modules;
    const char **files;      /* canonical paths already loaded */
    uint32_t nfiles, cap_files;
    /* Module forms are built after every file's types are known, so a
     * function may use a type defined in a later file. */
    const struct sx **module_forms;
    uint32_t nmodule_forms, cap_module_forms;
    /* Every type object built, so layout can visit each exactly once without
     * recursing through pointers (which may point back at their owner). */
    struct type **all;
    uint32_t nall, cap_all;
    uint32_t use_depth;
};

/* Loads a witx file (and what it `use`s) into w. Call once per file named on
 * the command line, then witx_finish. */
bool witx_load(struct witx *w, const char *path);
/* Builds every type and module, computes layouts and lowered signatures. */
bool witx_finish(struct witx *w);

/* The type a name chain ends at (never T_NAME). */
const struct type *witx_resolve(const struct type *t);
struct named_type *witx_find_type(const struct witx *w, const char *name);
struct func *witx_find_func(const struct witx *w, const char *name);

/* Integer-like types stored in one scalar: ints, chars, usize, handles,
 * pointers, enums, flags. Gives the width in bits and signedness. */
bool witx_scalar_bits(const struct type *t, uint32_t *bits, bool *is_signed);

/* The canonical text of a type expression (named types by name), as the
 * dump prints it. */
const char *witx_type_text(struct arena *a, const struct type *t);
const char *wasm_type_name(enum wasm_type t);

/* The dump: a canonical, line-oriented description of everything loaded.
 * Each line names its type or function so the dump can be sorted and
 * compared line by line. */
void witx_dump(const struct witx *w, FILE *out, bool with_docs);

#endif
