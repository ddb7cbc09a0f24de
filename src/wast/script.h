/* A parsed .wast script: the list of commands the spec test suite uses. The
 * parser (script.c) turns text into these; the runner (run.c) executes them. */
#ifndef WISP_WAST_SCRIPT_H
#define WISP_WAST_SCRIPT_H

#include "base/common.h"
#include "module.h"

/* The abstract heap types a script names in reference values and patterns. */
enum wast_heap {
    WH_UNSPECIFIED, /* (ref.null) with no type: any null */
    WH_FUNC, WH_NOFUNC, WH_EXTERN, WH_NOEXTERN,
    WH_ANY, WH_EQ, WH_I31, WH_STRUCT, WH_ARRAY, WH_NONE,
    WH_EXN, WH_NOEXN,
};

enum wast_value_kind {
    WV_I32, WV_I64, WV_F32, WV_F64, /* bits in u.i64 (low 32 bits for i32/f32) */
    WV_V128,          /* u.v128, or per-lane patterns when shape is f32x4/f64x2 */
    WV_REF_NULL,      /* ref.null <heap>: a null of heap's hierarchy */
    WV_REF_EXTERN,    /* ref.extern N: host reference N as an externref; u.i64 = N */
    WV_REF_HOST,      /* ref.host N: host reference N in the any hierarchy; u.i64 = N */
    WV_REF,           /* (ref.func), (ref.extern), (ref.struct), ...: any non-null
                         reference of heap (expected results only) */
    WV_EITHER,        /* (either r...): any of alts (expected results only) */
};

enum wast_nan { NAN_NONE, NAN_CANONICAL, NAN_ARITHMETIC };

struct wast_value {
    uint8_t kind;      /* enum wast_value_kind */
    uint8_t nan;       /* for WV_F32/WV_F64 expected results: enum wast_nan */
    uint8_t heap;      /* for WV_REF_NULL and WV_REF: enum wast_heap */
    /* For WV_V128 expected results given as f32x4/f64x2 with nan patterns:
     * shape is 4 or 2 and lane_nan[i] holds a pattern per lane (NAN_NONE means
     * compare that lane's bits exactly). shape 0 means compare all 16 bytes. */
    uint8_t shape;
    uint8_t lane_nan[4];
    uint32_t nalts;            /* WV_EITHER */
    struct wast_value *alts;   /* WV_EITHER: the alternatives (no either among them) */
    union {
        uint64_t i64;
        uint8_t v128[16];
    } u;
};

/* The text format's name for a heap type ("func", "noextern", ...). */
const char *wast_heap_name(uint8_t heap);

enum wast_module_form { WM_TEXT, WM_BINARY, WM_QUOTE };

/* A module as written in the script, already turned into binary bytes when
 * that succeeded. For assert_malformed, parse errors are kept, not fatal. */
struct wast_module {
    uint8_t form;        /* enum wast_module_form */
    bool definition;     /* (module definition ...): compiled, not instantiated */
    uint32_t line;       /* line of the module's "(module" */
    char *id;            /* "$name" or NULL */
    struct buf bytes;    /* the binary module, when parse_ok */
    bool parse_ok;
    struct wisp_error parse_error; /* when !parse_ok (text that does not parse) */
};

enum wast_action_kind { WA_INVOKE, WA_GET };

struct wast_action {
    uint8_t kind;
    char *module_id;     /* "$name" of an instance, or NULL for the latest */
    struct name field;
    uint32_t nargs;
    struct wast_value *args;
};

enum wast_command_kind {
    WC_MODULE,               /* module, or module definition (module.definition) */
    WC_MODULE_INSTANCE,      /* module instance $inst? $def? */
    WC_REGISTER,             /* register "name" $inst? */
    WC_ACTION,               /* a bare invoke or get */
    WC_ASSERT_RETURN,        /* action + expected */
    WC_ASSERT_TRAP,          /* action + text */
    WC_ASSERT_EXHAUSTION,    /* action + text */
    WC_ASSERT_EXCEPTION,     /* action: must end with an uncaught exception */
    WC_ASSERT_MALFORMED,     /* module + text */
    WC_ASSERT_INVALID,       /* module + text */
    WC_ASSERT_UNLINKABLE,    /* module + text */
    WC_ASSERT_UNINSTANTIABLE,/* module + text (assert_trap on a module) */
    WC_BROKEN,               /* a command the parser could not read or does not
                                know: fails when run, saying why (text) */
};

struct wast_command {
    uint8_t kind;          /* enum wast_command_kind */
    uint32_t line, col;    /* position of the command's "(" */
    bool has_module;
    struct wast_module module;
    bool has_action;
    struct wast_action action;
    uint32_t nexpected;
    struct wast_value *expected; /* assert_return results */
    char *text;            /* expected failure message; WC_BROKEN: why it failed */
    char *keyword;         /* WC_BROKEN: the command's first word as written, or NULL */
    char *register_name;   /* WC_REGISTER: the name */
    char *instance_id;     /* WC_REGISTER: the instance (NULL = latest);
                              WC_MODULE_INSTANCE: the new instance's name */
    char *definition_id;   /* WC_MODULE_INSTANCE: the definition (NULL = latest) */
};

struct wast_script {
    const char *source;
    uint32_t ncommands;
    struct wast_command *commands;
};

/* Parse a whole script. Never fails as a whole: a command that cannot be
 * read, or that the parser does not know, becomes a WC_BROKEN command that
 * says why, and parsing goes on after it. Only text that cannot be read to
 * its end (a form or comment never closed) stops the parse, and that too is
 * a WC_BROKEN command, the last one. */
void wast_parse(const char *text, size_t len, const char *source, struct wast_script *out);
void wast_script_free(struct wast_script *s);

#endif
