/* A parsed .wast script: the list of commands the spec test suite uses. The
 * parser (script.c) turns text into these; the runner (run.c) executes them. */
#ifndef WISP_WAST_SCRIPT_H
#define WISP_WAST_SCRIPT_H

#include "base/common.h"
#include "module.h"

enum wast_value_kind {
    WV_I32, WV_I64, WV_F32, WV_F64, /* bits in u.i64 (low 32 bits for i32/f32) */
    WV_V128,          /* u.v128, or per-lane patterns when shape is f32x4/f64x2 */
    WV_REF_NULL,      /* ref.null func|extern: type in reftype */
    WV_REF_EXTERN,    /* ref.extern N: u.i64 = N */
    WV_REF_FUNC,      /* ref.func (expected results only: any non-null funcref) */
    WV_REF_EXTERN_ANY,/* ref.extern with no number (expected results only) */
    WV_EITHER,        /* (either v...) (expected results only): matches when
                         one of u.either.values does; they are not eithers */
};

enum wast_nan { NAN_NONE, NAN_CANONICAL, NAN_ARITHMETIC };

struct wast_value {
    uint8_t kind;      /* enum wast_value_kind */
    uint8_t nan;       /* for WV_F32/WV_F64 expected results: enum wast_nan */
    valtype_t reftype; /* for WV_REF_NULL */
    /* For WV_V128 expected results given as f32x4/f64x2 with nan patterns:
     * shape is 4 or 2 and lane_nan[i] holds a pattern per lane (NAN_NONE means
     * compare that lane's bits exactly). shape 0 means compare all 16 bytes. */
    uint8_t shape;
    uint8_t lane_nan[4];
    union {
        uint64_t i64;
        uint8_t v128[16];
        struct { uint32_t n; struct wast_value *values; } either;
    } u;
};

enum wast_module_form { WM_TEXT, WM_BINARY, WM_QUOTE };

/* A module as written in the script, already turned into binary bytes when
 * that succeeded. For assert_malformed, parse errors are kept, not fatal. */
struct wast_module {
    uint8_t form;        /* enum wast_module_form */
    uint32_t line;       /* line of the module's "(module" */
    char *id;            /* "$name" or NULL */
    struct buf bytes;    /* the binary module, when parse_ok */
    bool parse_ok;
    struct wisp_error parse_error; /* when !parse_ok (text that does not parse) */
};

enum wast_action_kind { WA_INVOKE, WA_GET };

struct wast_action {
    uint8_t kind;
    char *module_id;     /* "$name" or NULL for the latest module */
    struct name field;
    uint32_t nargs;
    struct wast_value *args;
};

enum wast_command_kind {
    WC_MODULE,               /* module */
    WC_REGISTER,             /* register "name" $id? */
    WC_ACTION,               /* a bare invoke or get */
    WC_ASSERT_RETURN,        /* action + expected */
    WC_ASSERT_TRAP,          /* action + text, or module + text */
    WC_ASSERT_EXHAUSTION,    /* action + text */
    WC_ASSERT_MALFORMED,     /* module + text */
    WC_ASSERT_INVALID,       /* module + text */
    WC_ASSERT_UNLINKABLE,    /* module + text */
    WC_ASSERT_UNINSTANTIABLE,/* module + text (2.0 assert_trap on a module too) */
};

struct wast_command {
    uint8_t kind;          /* enum wast_command_kind */
    uint32_t line;         /* line of the command's "(" */
    bool has_module;
    struct wast_module module;
    bool has_action;
    struct wast_action action;
    uint32_t nexpected;
    struct wast_value *expected; /* assert_return results (WV_EITHER for alternatives) */
    char *text;            /* expected failure message */
    char *register_name;   /* WC_REGISTER: the name, module id in module_id */
    char *register_id;
};

struct wast_script {
    const char *source;
    uint32_t ncommands;
    struct wast_command *commands;
};

/* Parse a whole script. Fails only on a syntax error in the script itself
 * (not in a module under assert_malformed), with line and column. */
bool wast_parse(const char *text, size_t len, const char *source,
                struct wast_script *out, struct wisp_error *err);
void wast_script_free(struct wast_script *s);

#endif
