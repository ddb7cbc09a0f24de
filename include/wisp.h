/* SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception */
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
    WISP_ERR_TRAP,        /* a trap during execution (also "all fuel consumed", "interrupt") */
    WISP_ERR_EXHAUSTION,  /* call stack exhausted */
    WISP_ERR_IO,          /* a file could not be read or written */
    WISP_ERR_UNSUPPORTED, /* a feature wisp does not implement yet */
    WISP_ERR_EXIT,        /* the program asked to exit (WASI proc_exit): see exit_code */
    WISP_ERR_LIMIT,       /* the module passes an implementation limit (message names it) */
    WISP_ERR_EXCEPTION,   /* a wasm exception nothing caught: the message names its tag
                             and payload; wisp_store_exception gives it */
};

/* An error, whole: the message and the names in it are not cut short
 * (only text past 4095 bytes, which takes names of kilobytes, is, and
 * then ends in "..."). */
typedef struct wisp_error {
    enum wisp_error_kind kind;
    char message[4096]; /* the spec's wording first, e.g. "type mismatch", then detail */
    char source[4096];  /* file name (up to PATH_MAX), or empty */
    int64_t offset;     /* byte offset in the binary module, or -1 */
    uint32_t line, column; /* position in text, or 0 */
    int64_t func;       /* function index, or -1 */
    char func_name[256]; /* function name from the name section, or empty */
    int32_t exit_code;  /* WISP_ERR_EXIT: the program's exit status */
} wisp_error;

/* One line: "source:line:col: message", or "source: byte 0x1f in function 3
 * ($name): message". Returns the length that would have been written. */
size_t wisp_error_format(const wisp_error *e, char *buf, size_t size);
const char *wisp_error_kind_name(enum wisp_error_kind kind);

/* Release memory that wisp allocated and handed to the caller. */
void wisp_free(void *p);

/* Read a whole file into *data, NUL-terminated (*len excludes the NUL;
 * free with wisp_free). path "-" reads standard input ("<stdin>" in
 * errors). Every source (files, pipes, devices) is read in chunks and
 * refused past the module size limit, 1 GiB (1,073,741,824 bytes), with
 * WISP_ERR_LIMIT naming the file and the limit, so /dev/zero or an endless
 * pipe fails at once. WISP_ERR_IO when it cannot be opened or read. */
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
/* Free an engine after its stores. It first waits for background
 * compilations (the auto tier) still under way, also ones for stores
 * already freed, so that none is in LLVM when the program exits. */
void wisp_engine_free(wisp_engine *engine);

/* An engine's configuration: what the code compiled in its stores carries.
 * Off by default, and then execution costs exactly what it did without
 * them. With either on, every function entry and loop header gets a check
 * point (a few instructions; `make bench` shows the cost). */
typedef struct wisp_config wisp_config;
wisp_config *wisp_config_new(void);
void wisp_config_free(wisp_config *config);
/* Fuel: a deterministic budget that execution consumes (see
 * wisp_store_set_fuel). */
void wisp_config_consume_fuel(wisp_config *config, bool enable);
/* Interrupts and timeouts (wisp_store_interrupt, wisp_store_set_timeout). */
void wisp_config_interruptible(wisp_config *config, bool enable);
/* Which tier runs the code of the engine's stores. AUTO (the default)
 * starts every function in the interpreter; COMPILED compiles each
 * instance's functions to native code (LLVM) when it is instantiated, and
 * an instance the compiled tier cannot handle fails to instantiate, with
 * the function and the feature named: never a silent fallback. INTERP
 * never compiles. */
typedef enum wisp_tier { WISP_TIER_AUTO, WISP_TIER_INTERP, WISP_TIER_COMPILED } wisp_tier;
void wisp_config_tier(wisp_config *config, wisp_tier tier);
/* Keep compiled code on disk, in $XDG_CACHE_HOME/wisp (else
 * ~/.cache/wisp), keyed by the module, wisp's build, the options and the
 * CPU, so that the next instantiation of the same module, in any process,
 * skips compiling and does not load LLVM. Off by default here; `wisp run`
 * turns it on (-C cache=n turns it off). */
void wisp_config_cache(wisp_config *config, bool enable);
/* On by default (64-bit hosts): memories that compiled code may use are
 * reserved with guard regions (8 GiB of address space each, committed only
 * as the memory grows), so compiled loads and stores need no bounds check,
 * and an access out of bounds faults. wisp then installs, once per process
 * and before the first such code runs, a SIGSEGV and SIGBUS handler that
 * turns a fault in compiled wasm code into the trap "out of bounds memory
 * access", and passes every other fault to the handler installed before
 * it (or to the default action). An embedder that installs its own
 * handler later must likewise pass on the faults that are not its own.
 * Off: no handler, smaller reservations, explicit checks in compiled
 * code. The interpreter always checks explicitly. */
void wisp_config_signals_based_traps(wisp_config *config, bool enable);
/* On by default: each memory's reservation starts on a 2 MiB boundary and
 * is advised (madvise MADV_HUGEPAGE) to use transparent huge pages, so
 * that where the kernel allows them (Linux's `madvise` or `always` THP
 * mode) each 2 MiB of memory the guest touches can be one page: fewer TLB
 * misses for guests with large heaps, at the cost of committing memory
 * in 2 MiB steps rather than 4 KiB ones. Off: 4 KiB pages only. */
void wisp_config_memory_huge_pages(wisp_config *config, bool enable);
/* Wasm 3.0 proposals. Each one wisp implements is on by default; turning
 * one off makes modules of the engine follow the spec before it (the
 * Wasm 2.0 test suite runs with them all off). Values are bits; the names
 * are Wasmtime's -W keys. */
typedef enum wisp_feature {
    WISP_FEATURE_EXTENDED_CONST = 1u << 0, /* "extended-const": i32/i64 add, sub and mul in
                                              constant expressions, and global.get of any
                                              earlier immutable global, not only imports */
    WISP_FEATURE_TAIL_CALL = 1u << 1,      /* "tail-call": return_call and
                                              return_call_indirect, in constant stack space */
    WISP_FEATURE_RELAXED_SIMD = 1u << 2,   /* "relaxed-simd": the relaxed SIMD instructions,
                                              each with the spec's deterministic result */
    WISP_FEATURE_MULTI_MEMORY = 1u << 3,   /* "multi-memory": several memories per module,
                                              each instruction naming the one it uses */
    WISP_FEATURE_MEMORY64 = 1u << 4,       /* "memory64": memories and tables addressed by
                                              i64 */
    WISP_FEATURE_EXCEPTIONS = 1u << 5,     /* "exceptions": tags, throw, throw_ref, try_table
                                              and exnref, and the legacy try, catch,
                                              catch_all, delegate and rethrow */
    WISP_FEATURE_FUNCTION_REFERENCES = 1u << 6, /* "function-references": typed function
                                              references (ref null? $t), call_ref, br_on_null,
                                              br_on_non_null, ref.as_non_null, recursive
                                              type groups and subtypes, table initializers */
} wisp_feature;
void wisp_config_wasm_feature(wisp_config *config, wisp_feature feature, bool enable);
/* The feature Wasmtime's -W key `name` names ("extended-const", ...), or
 * false when wisp has none of that name. */
bool wisp_feature_by_name(const char *name, wisp_feature *feature);
/* Whether this wisp can compile: the compiled tier is a plugin
 * (libwisp-llvm.so, built when LLVM 19 is found) loaded on first use, and
 * this loads it. *description (may be NULL) says which LLVM and CPU, or
 * why the tier is absent. */
bool wisp_compiled_tier(const char **description);
/* Takes ownership of config (may be NULL for the defaults). */
wisp_engine *wisp_engine_new_with_config(wisp_config *config);

/* Decode and validate a binary module. The bytes are copied. source names
 * the module in errors (may be NULL). */
wisp_module *wisp_module_new(wisp_engine *engine, const uint8_t *bytes, size_t len,
                             const char *source, wisp_error *err);
/* Precompiled modules (`wisp compile`): the module with its code compiled
 * for this wisp, its options and this CPU. wisp_module_serialize compiles
 * (it needs the compiled tier) with the options of the engine's config;
 * *out is malloc'd. wisp_module_deserialize reads it back without LLVM:
 * its stores then use that code in the compiled and auto tiers, and a
 * store whose options differ (fuel, interrupts, signals-based traps)
 * fails to instantiate it, saying so. Precompiled code is trusted code:
 * deserialize only what you would run as a program of your own. A file
 * for another wisp or CPU, or a truncated one, is an error. */
bool wisp_module_serialize(wisp_engine *engine, const wisp_module *module, uint8_t **out, size_t *len,
                           wisp_error *err);
wisp_module *wisp_module_deserialize(wisp_engine *engine, const uint8_t *bytes, size_t len,
                                     const char *source, wisp_error *err);
/* A background compilation (the auto tier) is under way. exit() from the
 * main thread waits for it to end before any exit handler or static
 * destructor runs (LLVM's would pull the code generator from under it); a
 * program that wants to leave at once can check this, flush its output and
 * call _exit. One that exits from another thread should free its engines
 * first (wisp_engine_free waits for compilations). */
bool wisp_compiling(void);

/* bytes start like precompiled code. */
bool wisp_is_precompiled(const uint8_t *bytes, size_t len);

/* Load a module from a file; the name says its format: *.wasm (any case)
 * is binary, *.wat and *.wast are text. Other names and "-" (standard
 * input) are told apart by content: "\0asm" first means binary, else text.
 * So an empty x.wasm is a malformed binary ("unexpected end" at byte 0).
 * Reading is bounded as in wisp_read_file. */
wisp_module *wisp_module_load_file(wisp_engine *engine, const char *path, wisp_error *err);
void wisp_module_free(wisp_module *module);

/* Imports and exports of a module. Names are byte strings (may hold NULs);
 * kind is "func", "table", "memory", "global" or "tag". */
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

/* The type of a module's memory or table `index` (imports first, then
 * definitions): its limits (memories in 64 KiB pages, tables in
 * elements), whether it is addressed by i64 (memory64), and for a table
 * the element type ("funcref", "externref"). False past the last one. */
typedef struct wisp_limits {
    uint64_t min, max; /* max is meaningful only with has_max */
    bool has_max;
    bool is64;
    const char *elem;  /* tables only, else NULL */
} wisp_limits;
uint32_t wisp_module_num_memories(const wisp_module *module);
uint32_t wisp_module_num_tables(const wisp_module *module);
bool wisp_module_memory_type(const wisp_module *module, uint32_t index, wisp_limits *out);
bool wisp_module_table_type(const wisp_module *module, uint32_t index, wisp_limits *out);

/* ---- Running modules ----
 *
 * A store holds instances and everything they create, plus the definitions
 * that imports resolve against (host functions and registered instances). All
 * of it is freed with the store. A store is used by one thread at a time. */
typedef struct wisp_store wisp_store;
typedef struct wisp_instance wisp_instance;
typedef struct wisp_func wisp_func;
typedef struct wisp_caller wisp_caller;
typedef struct wisp_exn wisp_exn; /* a wasm exception (exception handling) */

typedef enum wisp_valtype {
    WISP_I32, WISP_I64, WISP_F32, WISP_F64, WISP_V128, WISP_FUNCREF, WISP_EXTERNREF, WISP_EXNREF
} wisp_valtype;

typedef struct wisp_val {
    wisp_valtype type;
    union {
        int32_t i32;
        int64_t i64;
        float f32;
        double f64;
        uint8_t v128[16];
        wisp_func *funcref;  /* NULL is ref.null func */
        void *externref;     /* NULL is ref.null extern */
        wisp_exn *exnref;    /* NULL is ref.null exn */
    } of;
} wisp_val;

/* ---- Reference types ----
 *
 * wisp_valtype names a reference type by its hierarchy only: every type of
 * functions is WISP_FUNCREF, Wasm 3.0's typed references (ref $t) and
 * (ref null $t) included. wisp_reftype says the rest: whether null is a
 * value of the type, and its heap type, abstract or a defined function
 * type (a wisp_functype). wisp_func_call, host function results,
 * wisp_exn_new and wisp_reftype_accepts all check values against exactly
 * this description. The queries are below, after the calls. */

/* A defined function type, with the index space it belongs to: one of a
 * module's types (from wisp_module_*) or one of a store's (functions,
 * instances' exports). Store types stand for a class of equivalent types
 * of the store's modules; a host function's type is one too. Owned by the
 * module or the store, and valid as long as it is. */
typedef struct wisp_functype wisp_functype;

/* A heap type. The values are fixed. Abstract heap types are the spec's;
 * wisp has values of FUNC (and FUNCTYPE), EXTERN and EXN, and the bottom
 * types NOFUNC, NOEXTERN and NOEXN have null as their only value. ANY to
 * NONE are the GC proposal's hierarchy, which wisp decodes but does not run
 * yet: no module it accepts has them. */
typedef enum wisp_heaptype {
    WISP_HEAP_FUNC = 0,      /* func: any function */
    WISP_HEAP_EXTERN = 1,    /* extern: any host reference */
    WISP_HEAP_EXN = 2,       /* exn: any exception */
    WISP_HEAP_NOFUNC = 3,    /* nofunc: no function (nullfuncref is (ref null nofunc)) */
    WISP_HEAP_NOEXTERN = 4,  /* noextern: nothing (nullexternref) */
    WISP_HEAP_NOEXN = 5,     /* noexn: nothing (nullexnref) */
    WISP_HEAP_ANY = 6,       /* GC: any */
    WISP_HEAP_EQ = 7,        /* GC: eq */
    WISP_HEAP_I31 = 8,       /* GC: i31 */
    WISP_HEAP_STRUCT = 9,    /* GC: struct */
    WISP_HEAP_ARRAY = 10,    /* GC: array */
    WISP_HEAP_NONE = 11,     /* GC: none */
    WISP_HEAP_FUNCTYPE = 12, /* a defined function type, $t: functions of it or of a
                                declared subtype of it; wisp_reftype.functype says which */
} wisp_heaptype;

/* A reference type, (ref null? heap). */
typedef struct wisp_reftype {
    bool nullable;                 /* null is a value of the type */
    wisp_heaptype heap;
    const wisp_functype *functype; /* WISP_HEAP_FUNCTYPE: the type, in the index space of
                                      the one the query was about; else NULL */
    const void *reserved;          /* NULL: room for GC's struct and array types, so that
                                      the struct keeps its size when they come */
} wisp_reftype;

/* The type of a module's tag `index` (imports first; exception handling):
 * the number of its payload values in *nparams, and the first `max` of
 * their types in params. False past the last one. */
uint32_t wisp_module_num_tags(const wisp_module *module);
bool wisp_module_tag_type(const wisp_module *module, uint32_t index, size_t *nparams, wisp_valtype *params,
                          size_t max);

wisp_store *wisp_store_new(wisp_engine *engine);
void wisp_store_free(wisp_store *store);
/* ---- Limits ----
 *
 * Each bounds what a guest may consume; each is per store and may be set
 * at any time, taking effect as described.
 *
 * Stack. Two limits, both enforced, each trapping with "call stack
 * exhausted" and a message naming the one that ran out:
 * - the call depth, the deepest wasm call nesting (default 10000);
 * - the wasm stack, the bytes of wisp's own value stack: every active wasm
 *   call holds its parameters, locals and operand stack there, 8 bytes a
 *   value (16 for v128) (default 8 MiB, 128 bytes to 64 GiB).
 * Whichever is reached first applies: raise both for deep recursion. wasm
 * calls never use the C stack; both stacks are reserved address space that
 * is committed as it is used. Both take effect at the next call made from
 * the host (not from inside a host function called by wasm). */
void wisp_store_set_max_call_depth(wisp_store *store, uint32_t depth);
bool wisp_store_set_max_wasm_stack(wisp_store *store, uint64_t bytes, wisp_error *err);
/* Memories and tables. A memory may not grow past `bytes` (rounded down to
 * 64 KiB pages) and a table past `elements`: memory.grow and table.grow
 * then return -1, as the spec allows. Instantiating a module whose memory
 * or table minimum is past the limit fails with WISP_ERR_LINK. Applies to
 * memories and tables created after the call. Default: only the types'
 * own maxima (and wisp's 10,000,000-element table bound). */
void wisp_store_set_max_memory_size(wisp_store *store, uint64_t bytes);
void wisp_store_set_max_table_elements(wisp_store *store, uint64_t elements);
/* Fuel (engines with wisp_config_consume_fuel; otherwise these fail with
 * WISP_ERR_UNSUPPORTED, and get returns false). A store starts with none.
 * Each function entry and loop header charges the number of instructions
 * from it to the next one in the body; when fuel would go below zero the
 * call traps with "all fuel consumed" and the fuel left is 0. The same
 * program with the same fuel always stops at the same place. */
bool wisp_store_set_fuel(wisp_store *store, uint64_t fuel, wisp_error *err);
bool wisp_store_add_fuel(wisp_store *store, uint64_t fuel, wisp_error *err);
bool wisp_store_get_fuel(const wisp_store *store, uint64_t *fuel);
/* Interrupt the store's running wasm code: it traps with "interrupt" at its
 * next function entry or loop header. Safe from any thread and from a
 * signal handler, while the store exists. When no wasm code is running,
 * the next call traps at its first check point. Returns false (and has no
 * effect on running code) unless the engine is interruptible. */
bool wisp_store_interrupt(wisp_store *store);
/* Each call from the host may run at most this long (0: no limit, the
 * default); then it traps with "interrupt: the time limit of ... was
 * reached". Needs an interruptible engine (else WISP_ERR_UNSUPPORTED). The
 * first timed call starts one watchdog thread for the store. */
bool wisp_store_set_timeout(wisp_store *store, uint64_t nanoseconds, wisp_error *err);

/* ---- Guest profiling ----
 * Samples the wasm call stack of the store's running code every interval
 * (both tiers), through the interrupt mechanism: needs an interruptible
 * engine (else WISP_ERR_UNSUPPORTED), costs nothing when not started, and
 * starts one sampling thread. Samples are taken at the guest's next
 * function entry or loop header, so a guest blocked in a host call is
 * sampled when it comes back. */
bool wisp_store_profile_start(wisp_store *store, uint64_t interval_ns, wisp_error *err);
typedef enum wisp_profile_format {
    /* JSON for the Firefox Profiler (https://profiler.firefox.com): its
     * import format ("Gecko profile"), one thread, one frame per function. */
    WISP_PROFILE_FIREFOX,
    /* A self-contained SVG flame graph: callers below, callees above, each
     * box as wide as its share of the samples, names from the name
     * section; open it in a browser (hover for counts). */
    WISP_PROFILE_FLAMEGRAPH,
} wisp_profile_format;
/* Stop sampling (if it runs) and write what was sampled to path. */
bool wisp_store_profile_write(wisp_store *store, wisp_profile_format format, const char *path, wisp_error *err);

/* A host function: read args, write results, return true. To trap, return
 * wisp_caller_trap(caller, "message"). */
typedef bool (*wisp_host_func)(wisp_caller *caller, void *env, const wisp_val *args, wisp_val *results);
bool wisp_caller_trap(wisp_caller *caller, const char *message);
/* End the program with an exit status (what WASI proc_exit does): the
 * outermost wisp_func_call fails with WISP_ERR_EXIT and err->exit_code set.
 * Return its result from the host function, like wisp_caller_trap. */
bool wisp_caller_exit(wisp_caller *caller, int32_t code);
/* The calling instance's memory 0, or NULL (size 0) when it has none. The
 * pointer stays valid until the memory grows. */
uint8_t *wisp_caller_memory(wisp_caller *caller, size_t *size);

/* Define a host function that imports named module.name resolve to. */
bool wisp_store_define_func(wisp_store *store, const char *module, const char *name,
                            const wisp_valtype *params, size_t nparams,
                            const wisp_valtype *results, size_t nresults,
                            wisp_host_func fn, void *env, wisp_error *err);
/* Make every export of instance importable as module.<export name>. */
void wisp_store_define_instance(wisp_store *store, const char *module, wisp_instance *instance);

/* Instantiate: resolve imports against the store's definitions, initialize
 * tables and memories, run the start function. Link errors are
 * WISP_ERR_LINK; a trap during initialization is WISP_ERR_TRAP. The module
 * must outlive the store. */
wisp_instance *wisp_instance_new(wisp_store *store, const wisp_module *module, wisp_error *err);

/* Exports by name; NULL/false when missing or of another kind. */
wisp_func *wisp_instance_func(const wisp_instance *instance, const char *name);
bool wisp_instance_global(const wisp_instance *instance, const char *name, wisp_val *value);
uint8_t *wisp_instance_memory(const wisp_instance *instance, const char *name, size_t *size);

/* A function's type. A reference type is named by its hierarchy
 * (WISP_FUNCREF also for (ref $t)); wisp_func_param_reftype and
 * wisp_func_result_reftype say which references exactly. Past the end:
 * WISP_I32. */
size_t wisp_func_num_params(const wisp_func *func);
size_t wisp_func_num_results(const wisp_func *func);
wisp_valtype wisp_func_param(const wisp_func *func, size_t i);
wisp_valtype wisp_func_result(const wisp_func *func, size_t i);

/* Call a function. The argument count and types must match its type (else
 * WISP_ERR_LINK "type mismatch"), a reference argument as
 * wisp_reftype_accepts says (null only where allowed, a function of the
 * type a typed reference names or a subtype of it). On a trap: WISP_ERR_TRAP with the reason
 * as the message ("integer divide by zero", ...), WISP_ERR_EXHAUSTION for
 * "call stack exhausted", WISP_ERR_EXIT when the program exited; the
 * backtrace is then available from wisp_store_backtrace. */
bool wisp_func_call(wisp_store *store, wisp_func *func, const wisp_val *args, size_t nargs,
                    wisp_val *results, size_t nresults, wisp_error *err);

/* ---- Reference types: the queries ----
 *
 * Each *_reftype query fills *out and returns true for a reference type,
 * and returns false (leaving *out alone) for a number or vector type or an
 * index past the end. A WISP_HEAP_FUNCTYPE in the answer is a type of the
 * same index space as the thing asked about: a store type for functions
 * and instances, a module type for wisp_module_*. */

/* A function's type: a store type (also for host functions, whose
 * references are abstract, (ref null? func) and so on). */
const wisp_functype *wisp_func_type(const wisp_func *func);
/* The reference type of a function's parameter i, result i. */
bool wisp_func_param_reftype(const wisp_func *func, size_t i, wisp_reftype *out);
bool wisp_func_result_reftype(const wisp_func *func, size_t i, wisp_reftype *out);
/* The reference type of the global that instance exports as name; false
 * also when there is no such global. */
bool wisp_instance_global_reftype(const wisp_instance *instance, const char *name, wisp_reftype *out);
/* The reference type of payload value i of the tag that instance exports
 * as tag_name (what wisp_exn_new checks); false also when there is no such
 * tag. */
bool wisp_instance_tag_param_reftype(const wisp_instance *instance, const char *tag_name, size_t i,
                                     wisp_reftype *out);
/* The same for a module's tag `index` (imports first), in the module's
 * index space. */
bool wisp_module_tag_param_reftype(const wisp_module *module, uint32_t index, size_t i, wisp_reftype *out);
/* A module's type section, imports' types included: the number of types
 * and type `index` (NULL past the last one). */
uint32_t wisp_module_num_types(const wisp_module *module);
const wisp_functype *wisp_module_type(const wisp_module *module, uint32_t index);

/* A function type's signature. wisp_functype_param and _result store the
 * kind of value i in *out, false past the end; the _reftype ones are the
 * queries above (false for non-references and past the end). */
size_t wisp_functype_num_params(const wisp_functype *type);
size_t wisp_functype_num_results(const wisp_functype *type);
bool wisp_functype_param(const wisp_functype *type, size_t i, wisp_valtype *out);
bool wisp_functype_result(const wisp_functype *type, size_t i, wisp_valtype *out);
bool wisp_functype_param_reftype(const wisp_functype *type, size_t i, wisp_reftype *out);
bool wisp_functype_result_reftype(const wisp_functype *type, size_t i, wisp_reftype *out);
/* The type's declared supertype (`sub $super`), or NULL. */
const wisp_functype *wisp_functype_super(const wisp_functype *type);
/* Whether sub matches super: the same type (equivalent, for two of a
 * module's types) or one declared below it, so a function of type sub is a
 * value of (ref super). Types of different index spaces (two stores, or a
 * module and a store) are never compared: false. */
bool wisp_functype_sub(const wisp_functype *sub, const wisp_functype *super);
/* Whether value is a value of reference type type: its kind is the
 * hierarchy's (WISP_FUNCREF for FUNC, NOFUNC and FUNCTYPE, WISP_EXTERNREF
 * for EXTERN and NOEXTERN, WISP_EXNREF for EXN and NOEXN; none for the GC
 * types), null only if nullable, and a non-null value not of a bottom
 * type; for a FUNCTYPE the function's type matches it (wisp_functype_sub:
 * so a type of a module, not a store, accepts null at most). The rule
 * wisp_func_call applies to arguments, and wisp to host function results
 * and wisp_exn_new's payload. */
bool wisp_reftype_accepts(const wisp_reftype *type, const wisp_val *value);

/* ---- Exceptions ----
 *
 * A wasm exception that no handler catches ends the call from the host with
 * WISP_ERR_EXCEPTION (the message names its tag and payload), and the
 * backtrace from where it was thrown. It crosses host functions: when a
 * host function called by wasm calls back into wasm and that call ends in
 * an exception, the host function may handle it (and return normally) or
 * pass it on with wisp_caller_throw(caller, wisp_store_exception(store)),
 * and then handlers in the wasm code that called the host function see it
 * as if the host function had thrown it. Exceptions belong to the store
 * and live as long as it does once the host has seen one. */
/* The exception the last call from the host ended with (WISP_ERR_EXCEPTION),
 * or NULL. */
wisp_exn *wisp_store_exception(wisp_store *store);
/* Throw exn from a host function: return its result from the function. */
bool wisp_caller_throw(wisp_caller *caller, wisp_exn *exn);
/* A new exception of the tag that instance exports as tag_name, with
 * npayload values of the tag's parameter types; NULL with err set (a
 * missing tag or a wrong payload is WISP_ERR_LINK). */
wisp_exn *wisp_exn_new(wisp_store *store, const wisp_instance *instance, const char *tag_name,
                       const wisp_val *payload, size_t npayload, wisp_error *err);
/* Whether exn's tag is the one instance exports as tag_name. */
bool wisp_exn_is(const wisp_exn *exn, const wisp_instance *instance, const char *tag_name);
/* The payload: its number of values, and value i. */
size_t wisp_exn_payload_len(const wisp_exn *exn);
bool wisp_exn_payload(const wisp_exn *exn, size_t i, wisp_val *value);

/* The backtrace of the last trap or uncaught exception, innermost frame first. */
typedef struct wisp_frame {
    uint32_t func_index;    /* index in its module; UINT32_MAX for host functions */
    const char *func_name;  /* from the name section (without "$"), host name, or NULL */
    const char *module_name;/* instance's name, or NULL */
    int64_t offset;         /* byte offset of the instruction in the module, or -1 */
} wisp_frame;
size_t wisp_store_backtrace_len(const wisp_store *store);
bool wisp_store_backtrace_frame(const wisp_store *store, size_t i, wisp_frame *frame);

/* ---- WASI preview1 ----
 *
 * A wisp_wasi_config collects what the program is granted; wisp_store_add_wasi
 * then defines every "wasi_snapshot_preview1" function (and wisp's
 * extensions, such as print_greeting) in a store, with a WASI context built
 * from the config. The guest sees only what the config grants: its own fd
 * table with stdio at 0-2, then each preopen in the order added. Paths never
 * resolve outside a preopened directory.
 *
 * A program that calls proc_exit makes wisp_func_call fail with WISP_ERR_EXIT
 * and err->exit_code set; one that raises a fatal signal exits with 128 + the
 * signal number and a message naming it. */
typedef struct wisp_wasi_config wisp_wasi_config;

wisp_wasi_config *wisp_wasi_config_new(void);
void wisp_wasi_config_free(wisp_wasi_config *config);
/* Program arguments, argv[0] (the program's name) first. Copied. */
bool wisp_wasi_config_push_arg(wisp_wasi_config *config, const char *arg);
/* One environment variable (none are inherited). A later value for the same
 * name replaces the earlier one. Fails on an empty name or one with '='. */
bool wisp_wasi_config_push_env(wisp_wasi_config *config, const char *name, const char *value,
                               wisp_error *err);
/* Grant the directory host_path to the guest under the name guest_path
 * (host_path when NULL). The directory is opened now, so a bad path is
 * reported here. read_only grants looking, not changing: no writes,
 * truncation, creation, removal, renames or links under it. */
bool wisp_wasi_config_preopen_dir(wisp_wasi_config *config, const char *host_path,
                                  const char *guest_path, bool read_only, wisp_error *err);
/* Hand an open host socket (listening or connected) to the guest; the
 * config keeps its own duplicate, so the caller may close host_fd. */
bool wisp_wasi_config_preopen_socket(wisp_wasi_config *config, int host_fd, wisp_error *err);
/* Host fds behind the guest's fds 0, 1 and 2 (default 0, 1, 2). They stay
 * the embedder's: the guest closing them only closes its own fd numbers. */
void wisp_wasi_config_set_stdio(wisp_wasi_config *config, int in, int out, int err);
/* Trace every WASI call, its arguments and results to out (NULL: off). */
void wisp_wasi_config_set_trace(wisp_wasi_config *config, FILE *out);
/* Build the WASI context from config (which the caller still owns and may
 * free) and define its functions in store. Once per store. */
bool wisp_store_add_wasi(wisp_store *store, const wisp_wasi_config *config, wisp_error *err);

/* .wast spec scripts. */
typedef struct wisp_wast_result {
    uint32_t passed, failed, skipped;
    char skip_reasons[256]; /* why commands were skipped, "; "-separated */
} wisp_wast_result;

typedef struct wisp_wast_options {
    FILE *log;     /* where failures (and, if verbose, every command) are reported */
    bool verbose;
} wisp_wast_options;

/* Run every command of a script. Returns false only when the file cannot
 * be read (then *err says why). Everything else is counted in *result and
 * described on options->log: failed assertions, commands that cannot be
 * read or are unknown (each fails, and the script goes on), and commands
 * whose module failed (each fails, saying why). Nothing is skipped now;
 * skipped and skip_reasons are for commands that would not be wisp's
 * failures. */
bool wisp_wast_run_file(wisp_engine *engine, const char *path, const wisp_wast_options *options,
                        wisp_wast_result *result, wisp_error *err);

#ifdef __cplusplus
}
#endif
#endif
