/* wisp: a WebAssembly runtime. This header is the whole public API; the wisp
 * command-line tool is built on it and nothing else.
 *
 * Conventions: functions that can fail take a wisp_error* (may be NULL) and
 * return false or NULL on failure. Objects are created by *_new and released
 * by *_free. Nothing here keeps global state: two engines in one process are
 * independent. */
#ifndef WISP_H
#define WISP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define WISP_VERSION "0.1.0"

enum wisp_error_kind {
    WISP_OK = 0,
    WISP_ERR_MALFORMED,   /* binary or text that does not parse */
    WISP_ERR_INVALID,     /* a module that parses but does not validate */
    WISP_ERR_LINK,        /* imports that do not resolve or do not match */
    WISP_ERR_TRAP,        /* a trap during execution */
    WISP_ERR_EXHAUSTION,  /* call stack exhausted */
    WISP_ERR_IO,          /* a file could not be read or written */
    WISP_ERR_UNSUPPORTED, /* a feature wisp does not implement yet */
};

typedef struct wisp_error {
    enum wisp_error_kind kind;
    char message[256];  /* the spec's wording first, e.g. "type mismatch", then detail */
    char source[256];   /* file name, or empty */
    int64_t offset;     /* byte offset in the binary module, or -1 */
    uint32_t line, column; /* position in text, or 0 */
    int64_t func;       /* function index, or -1 */
    char func_name[64]; /* function name from the name section, or empty */
} wisp_error;

/* One line: "source:line:col: message", or "source: byte 0x1f in function 3
 * ($name): message". Returns the length that would have been written. */
size_t wisp_error_format(const wisp_error *e, char *buf, size_t size);
const char *wisp_error_kind_name(enum wisp_error_kind kind);

/* Release memory that wisp allocated and handed to the caller. */
void wisp_free(void *p);

/* Read a whole file. */
bool wisp_read_file(const char *path, uint8_t **data, size_t *len, wisp_error *err);

/* True when data starts with the binary module magic "\0asm". */
bool wisp_is_binary(const uint8_t *data, size_t len);

/* Translate WebAssembly text (one module) to binary. *out is freed with
 * wisp_free. source names the text in errors. */
bool wisp_wat_to_wasm(const char *text, size_t len, const char *source,
                      uint8_t **out, size_t *out_len, wisp_error *err);

typedef struct wisp_engine wisp_engine;
typedef struct wisp_module wisp_module;

wisp_engine *wisp_engine_new(void);
void wisp_engine_free(wisp_engine *engine);

/* Decode and validate a binary module. The bytes are copied. source names
 * the module in errors (may be NULL). */
wisp_module *wisp_module_new(wisp_engine *engine, const uint8_t *bytes, size_t len,
                             const char *source, wisp_error *err);
/* Load a .wasm or .wat file (told apart by content). */
wisp_module *wisp_module_load_file(wisp_engine *engine, const char *path, wisp_error *err);
void wisp_module_free(wisp_module *module);

/* Imports and exports of a module. Names are byte strings (may hold NULs);
 * kind is "func", "table", "memory" or "global". */
typedef struct wisp_extern_info {
    const char *module; /* imports only */
    size_t module_len;
    const char *name;
    size_t name_len;
    const char *kind;
} wisp_extern_info;
uint32_t wisp_module_num_imports(const wisp_module *module);
uint32_t wisp_module_num_exports(const wisp_module *module);
bool wisp_module_import(const wisp_module *module, uint32_t index, wisp_extern_info *info);
bool wisp_module_export(const wisp_module *module, uint32_t index, wisp_extern_info *info);

/* .wast spec scripts. */
typedef struct wisp_wast_result {
    uint32_t passed, failed, skipped;
    char skip_reasons[256]; /* why commands were skipped, "; "-separated */
} wisp_wast_result;

typedef struct wisp_wast_options {
    FILE *log;     /* where failures (and, if verbose, every command) are reported */
    bool verbose;
} wisp_wast_options;

/* Run every command of a script. Returns false only when the script itself
 * cannot be read or parsed (then *err says where); failed assertions are
 * counted in *result and described on options->log. */
bool wisp_wast_run_file(wisp_engine *engine, const char *path, const wisp_wast_options *options,
                        wisp_wast_result *result, wisp_error *err);

#ifdef __cplusplus
}
#endif
#endif
