/* The runtime's objects: store, instances, functions, tables, memories,
 * globals, and the linker that resolves imports by name. Everything a running
 * program touches hangs off one store, so two stores in one process are
 * independent. The interpreter (interp.c) and the lowering (src/interp/lower.c) see the
 * same structures; the public API in include/wisp.h wraps them. */
#ifndef WISP_EXEC_RUNTIME_H
#define WISP_EXEC_RUNTIME_H

#include <stdatomic.h>

#include "base/common.h"
#include "module.h"

/* One 8-byte value cell. i32/f32 live in the low 4 bytes (wisp assumes a
 * little-endian host); a v128 takes two consecutive slots; references are
 * pointers (funcref: struct rt_func *, externref: the host's pointer, NULL is
 * the null reference for both). */
union slot {
    uint32_t i32;
    uint64_t i64;
    float f32;
    double f64;
    void *ref;
};

/* How many slots values of these types take (v128 counts two). */
uint32_t rt_slot_count(const valtype_t *types, uint32_t n);

struct rt_store;
struct rt_instance;
struct rt_code; /* a compiled function body, private to src/interp */

/* Traps: the reason, worded as the spec test suite words it. */
enum rt_trap {
    TRAP_NONE,
    TRAP_UNREACHABLE,        /* "unreachable" */
    TRAP_DIV_ZERO,           /* "integer divide by zero" */
    TRAP_INT_OVERFLOW,       /* "integer overflow" */
    TRAP_INVALID_CONV,       /* "invalid conversion to integer" */
    TRAP_OOB_MEMORY,         /* "out of bounds memory access" */
    TRAP_OOB_TABLE,          /* "out of bounds table access" */
    TRAP_INDIRECT_MISMATCH,  /* "indirect call type mismatch" */
    TRAP_UNINIT_ELEM,        /* "uninitialized element" */
    TRAP_UNDEFINED_ELEM,     /* "undefined element" */
    TRAP_NULL_FUNC,          /* "null function reference" (call_ref) */
    TRAP_NULL_REF,           /* "null reference" (ref.as_non_null) */
    TRAP_STACK_EXHAUSTED,    /* "call stack exhausted" */
    TRAP_HOST,               /* a host function trapped: message in the store */
    TRAP_EXIT,               /* a host function asked to end the program (proc_exit) */
    TRAP_OOM,                /* "out of memory" (the host could not allocate) */
    TRAP_OUT_OF_FUEL,        /* "all fuel consumed" */
    TRAP_INTERRUPT,          /* "interrupt" (wisp_store_interrupt, or a timeout) */
    TRAP_EXCEPTION,          /* "uncaught exception": a wasm exception no handler took;
                                it travels the trap's exit path, s->exn is the exception */
    TRAP_NULL_EXNREF,        /* "null exception reference" (throw_ref of a null) */
};
const char *rt_trap_message(enum rt_trap t);

/* A host function. args_results holds the arguments as slots (in parameter
 * order, v128 in two slots) and receives the results the same way; it has
 * room for max(param slots, result slots). Return true on success; to trap,
 * call rt_host_trap or rt_host_exit and return false. */
struct rt_caller {
    struct rt_store *store;
    struct rt_instance *instance; /* the calling wasm instance, or NULL when
                                     the host function was called directly */
};
typedef bool (*rt_host_fn)(struct rt_caller *caller, void *env, union slot *args_results);
bool rt_host_trap(struct rt_caller *caller, const char *message);
bool rt_host_exit(struct rt_caller *caller, int32_t code);

struct rt_func {
    uint32_t type_id;            /* interned in the store: equal ids <=> equal types */
    const struct functype *type; /* the store's interned copy */
    uint32_t nparam_slots, nresult_slots;
    struct rt_instance *inst;    /* defining instance; NULL for host functions */
    uint32_t index;              /* function index in inst's module */
    struct rt_code *code;        /* compiled body (defined functions) */
    rt_host_fn host;             /* host functions */
    /* The compiled tier (src/runtime/tier.h): the native code, called with
     * inst as its context, and the entry that calls it with slots; NULL
     * while the function runs in the interpreter. */
    void *native;
    void (*native_entry)(void *native, struct rt_instance *inst, union slot *args_results);
    /* Tier-up (tier_up.c): a countdown of calls and loop iterations in the
     * interpreter, and the loops that can continue in native code. Written
     * by the compiling thread, read by the interpreter: each pointer is
     * published whole, after what it points to. */
    int32_t hot;
    struct rt_osr_entry {
        uint32_t loop;  /* the loop's byte offset in the module */
        void (*entry)(void *unused, struct rt_instance *inst, union slot *frame);
        struct rt_osr_entry *next;
    } *osr;
    void *env;
    char *host_name;             /* host functions: "module.name", for backtraces */
};

/* A table of references. elems has size entries. */
struct rt_table {
    valtype_t type;     /* VT_FUNCREF or VT_EXTERNREF */
    uint32_t size;
    uint64_t max;       /* the type's maximum; without one UINT32_MAX (UINT64_MAX if is64) */
    bool has_max;       /* the type declares a maximum (import matching) */
    bool is64;          /* memory64: indexed by i64 (import matching, the API) */
    uint32_t limit;     /* table.grow stops here: max, or the store's limit if lower */
    uint32_t cap;       /* entries allocated at elems (grows geometrically) */
    void **elems;
};

/* An exception tag: its type's params are the payload's types. Tags are
 * compared by identity: an imported tag is the exporter's object. */
struct rt_tag {
    uint32_t type_id;            /* interned in the store */
    const struct functype *type; /* the store's interned copy */
    uint32_t nslots;             /* payload slots (v128 counts two) */
    struct rt_instance *inst;    /* defining instance and index, for messages; */
    uint32_t index;              /* inst is NULL for a tag the host made */
};

/* An exception (exception.c): a tag and its payload. Owned by the store,
 * which frees it with itself, or as soon as a handler that exposes no
 * reference to it (catch, catch_all) has taken its payload. An exnref is a
 * pointer to one. */
struct rt_exception {
    struct rt_tag *tag;
    struct rt_exception *prev, *next; /* the store's list */
    bool exposed;        /* an exnref to it exists (catch_ref, catch_all_ref, a
                            legacy catch's rethrow slot, the embedder): kept */
    union slot payload[]; /* tag->nslots */
};

/* A linear memory. data is reserved once (up to the maximum, or 4 GiB) so it
 * never moves while the memory lives; size is the current size in bytes. */
struct rt_memory {
    uint8_t *data;
    uint64_t size;      /* bytes, a multiple of 65536 */
    uint64_t max_pages; /* the type's maximum, or 65536 (2^48 for an i64 memory) */
    bool has_max;       /* the type declares a maximum (import matching) */
    bool is64;          /* memory64: addressed by i64 */
    uint64_t limit_pages; /* memory.grow stops here: max_pages, or the store's limit if lower */
    size_t reserved;    /* bytes reserved at data */
    bool guarded;       /* reserved >= RT_GUARDED_RESERVE (i32) or
                           RT_MEM64_GUARDED_RESERVE (i64): compiled code
                           lets an access past size fault instead of
                           checking it (an i64 address is compared with
                           RT_MEM64_SPAN first) */
};

/* A guarded memory's reservation: any i32 address plus any u32 offset,
 * plus the widest access (16 bytes), rounded up to a wasm page. */
#define RT_GUARDED_RESERVE (((uint64_t)8 << 30) + 65536)
/* A guarded i64 memory's: RT_MEM64_SPAN bytes, past which it never grows
 * (store.c guards only such memories: all but those declaring a larger
 * minimum), then RT_MEM64_GUARD bytes of guard. Compiled code traps on an
 * address above RT_MEM64_SPAN, and for an offset plus access size up to
 * RT_MEM64_GUARD needs nothing else: the access lands in the reservation,
 * and past the memory's size it faults (llvm/address64.c). */
#define RT_MEM64_SPAN ((uint64_t)16 << 30)
#define RT_MEM64_GUARD ((uint64_t)4 << 30)
#define RT_MEM64_GUARDED_RESERVE (RT_MEM64_SPAN + RT_MEM64_GUARD)

struct rt_global {
    valtype_t type;
    bool mutable_;
    union slot val[2];  /* v128 uses both */
};

struct rt_extern {
    uint8_t kind; /* enum extern_kind */
    union {
        struct rt_func *func;
        struct rt_table *table;
        struct rt_memory *memory;
        struct rt_global *global;
        struct rt_tag *tag;
    } u;
};

/* A passive element segment at run time; count becomes 0 when dropped. */
struct rt_elem {
    uint32_t count;
    void **items;
};
/* A passive data segment; len becomes 0 when dropped. */
struct rt_data {
    uint32_t len;
    const uint8_t *bytes; /* into the module's bytes */
};

struct rt_instance {
    struct rt_store *store;
    const struct module *module; /* must outlive the instance */
    char *name;                  /* for backtraces: registered name, module name, or NULL */
    uint32_t *type_ids;          /* module type index -> store type id */
    struct rt_func **funcs;      /* module->nfuncs, imports first */
    struct rt_table **tables;
    struct rt_memory **memories;
    struct rt_global **globals;
    struct rt_tag **tags;        /* module->ntags, imports first */
    struct rt_elem *elems;       /* module->nelems */
    struct rt_data *datas;       /* module->ndatas */
    struct rt_code *codes;       /* compiled bodies, owned (src/interp/lower.c) */
    void *native;                /* the compiled tier's code for this instance */
};

/* A frame of the backtrace after a trap, innermost first. */
struct rt_trace_frame {
    struct rt_func *func;
    uint32_t offset; /* byte offset in the module of the instruction, or UINT32_MAX */
};

/* Execution state, owned by interp.c (fields are private to it). */
struct rt_exec {
    union slot *stack;      /* value stack: frames of slots (reserved, committed as touched) */
    size_t stack_slots;
    void *frames;           /* call frames (likewise), at the start of the one mapping */
    size_t map_bytes;       /* the mapping's size: frames, then the value stack */
    uint32_t max_depth;     /* call depth limit */
    uint32_t depth;         /* frames in use (nested calls from host functions stack up) */
    size_t top;             /* first free slot of the stack */
    uintptr_t c_stack_base; /* C stack position of the outermost rt_call, 0 when none */
    uint32_t halt[2];       /* the entry frame's return code */
};

struct rt_store {
    /* Interned function types: id = index. */
    uint32_t ntypes, types_cap;
    struct functype *types;
    /* Everything allocated in the store, freed with it. */
    uint32_t nobjects, objects_cap;
    struct rt_object { uint8_t kind; void *p; } *objects; /* kind: EXT_FUNC, EXT_TABLE, EXT_MEMORY,
                                                             EXT_GLOBAL, or 4 = instance, 5 = tag */
    /* Exceptions (exception.c): every live one, and the one in flight
     * (thrown and not yet caught, or the one that ended the last call). */
    struct rt_exception *exceptions;
    struct rt_exception *exn;
    /* The linker's definitions: (module, name) -> extern. */
    uint32_t ndefs, defs_cap;
    struct rt_def { char *module, *name; uint32_t module_len, name_len; struct rt_extern ext; } *defs;

    struct rt_exec exec;
    /* The compiled tier (tier.h): which tier runs code, and the state of
     * native code running on this thread. */
    uint8_t tier;               /* enum rt_tier */
    bool cache;                 /* compiled code goes through the on-disk cache */
    bool guard_pages;           /* reserve guarded memories (for compiled code), where the
                                   host allows it; when false, native code checks bounds */
    bool no_huge_pages;         /* memories are not advised to use transparent huge pages */
    void *native_jmp;           /* the innermost native entry's jump buffer */
    uintptr_t native_stack_limit; /* native code traps below this stack address */
    /* Limits (configurable through the public API). */
    uint32_t max_call_depth;  /* default RT_DEFAULT_CALL_DEPTH */
    size_t max_stack_slots;   /* default RT_DEFAULT_STACK_SLOTS */
    uint64_t max_memory_pages; /* per memory; RT_NO_LIMIT when unset */
    uint64_t max_table_elems;  /* per table; RT_NO_LIMIT when unset */
    /* Check points: code compiled while `checks` is set starts each function
     * and each loop with a check that charges fuel and looks for an
     * interrupt (see limits.c). */
    bool checks;
    void *lowering;            /* lower.c's compiler, kept for its scratch buffers */
    bool fuel_enabled;         /* fuel runs out; otherwise fuel stays huge */
    int64_t fuel;              /* left; a check point that would make it negative traps */
    _Atomic uint32_t interrupt; /* RT_INTERRUPT_*: set from any thread or signal handler */
    bool sample_due;           /* a check point saw RT_INTERRUPT_SAMPLE: take a sample there */
    struct rt_profile *profile; /* the guest profiler (profile.c), or NULL */
    uint64_t timeout_ns;       /* per outermost call; 0 = none */
    struct rt_watchdog *watchdog; /* the timeout's thread, started on first use */
    bool interrupted_by_timeout;  /* the last TRAP_INTERRUPT came from the timeout */
    enum rt_exhausted { EXH_DEPTH, EXH_STACK, EXH_HOST_NESTING, EXH_NATIVE } exhausted; /* which limit */

    /* The last trap: reason, host message, exit code, backtrace. */
    enum rt_trap trap;
    char trap_message[4096]; /* as long as a wisp_error's message */
    int32_t exit_code;
    uint32_t ntrace, trace_cap;
    struct rt_trace_frame *trace;
};

#define RT_TRACE_MAX 64u /* frames kept in a backtrace, innermost first */
#define RT_DEFAULT_CALL_DEPTH 10000u
#define RT_DEFAULT_STACK_SLOTS (1u << 20) /* 8 MiB of slots */
#define RT_NO_LIMIT UINT64_MAX
/* Fuel when metering is off: check points subtract from it all the same,
 * and it cannot run out in any real run (2^62 units). */
#define RT_FUEL_UNMETERED ((int64_t)1 << 62)
/* memory.fill/copy/init and table.fill/copy/init cost one fuel unit per
 * this many bytes on top of their own instruction (table entries count 8
 * bytes each), so fuel bounds them too. */
#define RT_BULK_BYTES_PER_FUEL 64
/* C stack that host -> wasm -> host call nesting may use. */
#define RT_NESTED_C_STACK ((uintptr_t)2 << 20)

struct rt_store *rt_store_new(void);
void rt_store_free(struct rt_store *s);

/* Intern a function type; returns its id. */
uint32_t rt_store_intern_type(struct rt_store *s, const struct functype *t);
/* Intern every type of m (validated), type_ids[i] its store id. */
void rt_store_intern_module_types(struct rt_store *s, const struct module *m, uint32_t *type_ids);
/* Whether store type a is b or declared below it; the same for value types
 * in store terms. */
bool rt_store_type_sub(const struct rt_store *s, uint32_t a, uint32_t b);
bool rt_store_valtype_sub(const struct rt_store *s, valtype_t a, valtype_t b);
/* Whether a reference from the host (an rt_func for the func hierarchy)
 * is a value of reference type t (in store terms): what the embedding
 * APIs check before a host value reaches wasm. */
bool rt_ref_fits(const struct rt_store *s, valtype_t t, const void *ref);
/* A module's value type in store terms (type indices as store ids). */
valtype_t rt_valtype_in_store(const uint32_t *type_ids, valtype_t t);
/* A function type and the index space it belongs to: one of a module's
 * types (module set, index its type index) or one of a store's (store set,
 * index its id). The store keeps one beside each type it interns, and a
 * module's are made by the API on demand: the public wisp_functype handle
 * (include/wisp.h) is one of these, which is how it knows where the
 * indices inside its value types point. */
struct type_site {
    const struct functype *type;
    const struct module *module;
    struct rt_store *store;
    uint32_t index;
};
/* The site of store type id, and of an interned type (rt_func.type,
 * rt_tag.type: never a module's own struct functype). */
const struct type_site *rt_store_type_site(struct rt_store *s, uint32_t id);
const struct type_site *rt_type_site(const struct functype *interned);

/* Objects created outside an instance (host functions, the spectest module's
 * table, memory and globals). Owned by the store. */
struct rt_func *rt_func_new_host(struct rt_store *s, const struct functype *type, rt_host_fn fn,
                                 void *env, const char *name);
/* Tables and memories respect the store's limits: one whose minimum is past
 * them is refused with WISP_ERR_LINK naming the limit. */
struct rt_table *rt_table_new(struct rt_store *s, const struct tabletype *type, void *init,
                              struct wisp_error *err);
struct rt_memory *rt_memory_new(struct rt_store *s, const struct memtype *type, struct wisp_error *err);
struct rt_global *rt_global_new(struct rt_store *s, const struct globaltype *type, const union slot *init);
struct rt_tag *rt_tag_new(struct rt_store *s, uint32_t type_id); /* an interned type */

/* Exceptions (exception.c). rt_exception_new makes one of tag with its
 * payload copied from tag->nslots slots. rt_exception_caught is called
 * when a handler has taken e's payload: without a reference exposed, e is
 * freed. rt_exception_describe writes "tag N of instance X, payload (...)"
 * for messages. rt_exceptions_free frees all of a store's. */
struct rt_exception *rt_exception_new(struct rt_store *s, struct rt_tag *tag, const union slot *payload);
void rt_exception_caught(struct rt_store *s, struct rt_exception *e);
void rt_exception_describe(const struct rt_store *s, const struct rt_exception *e, char *buf, size_t size);
void rt_exceptions_free(struct rt_store *s);
/* Make e the exception in flight and return false, for a host function
 * that throws (or passes on) a wasm exception. */
bool rt_host_throw(struct rt_caller *caller, struct rt_exception *e);

/* Grow by delta pages/entries. Returns the old size, or -1 (and leaves the
 * object unchanged) when the new size passes the maximum or cannot be
 * allocated. */
int64_t rt_memory_grow(struct rt_memory *m, uint64_t delta);

/* memory.fill/copy/init and table.fill/copy/init for both tiers (bulk.c):
 * bounds first, then fuel by the bytes moved, then the operation. Each
 * returns 0 or the trap reason. */
uint32_t rt_memory_fill(struct rt_store *s, struct rt_memory *m, uint64_t d, uint8_t val, uint64_t n);
uint32_t rt_memory_copy(struct rt_store *s, struct rt_memory *dst, const struct rt_memory *src, uint64_t d,
                        uint64_t from, uint64_t n);
uint32_t rt_memory_init(struct rt_store *s, struct rt_memory *m, const struct rt_data *seg, uint64_t d,
                        uint64_t from, uint64_t n);
uint32_t rt_table_fill(struct rt_store *s, struct rt_table *t, uint64_t i, void *v, uint64_t n);
uint32_t rt_table_copy(struct rt_store *s, struct rt_table *dst, const struct rt_table *src, uint64_t d,
                       uint64_t from, uint64_t n);
uint32_t rt_table_init(struct rt_store *s, struct rt_table *t, const struct rt_elem *seg, uint64_t d,
                       uint64_t from, uint64_t n);
int64_t rt_table_grow(struct rt_table *t, uint64_t delta, void *init);

/* The linker: definitions by (module, name). A later definition of the same
 * pair replaces the earlier one. */
void rt_define(struct rt_store *s, const char *module, uint32_t module_len, const char *name,
               uint32_t name_len, const struct rt_extern *ext);
/* Definitions made on demand: when an import from module `module` finds no
 * definition, fn(s, env, module, name) is asked to rt_define it (it
 * returns false when it has no such name). A host module with many
 * functions (WASI) then costs a program only the ones it imports. */
typedef bool (*rt_define_fn)(struct rt_store *s, void *env, const struct name *module, const struct name *name);
void rt_define_lazily(struct rt_store *s, const char *module, rt_define_fn fn, void *env);
/* The definition of module.field (asking a lazy definer as an import
 * would); false when there is none. */
bool rt_lookup(struct rt_store *s, const struct name *module, const struct name *field, struct rt_extern *out);
/* Define every export of inst under module name `module` (wast `register`). */
void rt_define_instance(struct rt_store *s, const char *module, uint32_t module_len,
                        struct rt_instance *inst);
/* Look up every import of m. Fails with WISP_ERR_LINK "unknown import" naming
 * the module and field. imports receives m->nimports entries. */
bool rt_resolve_imports(struct rt_store *s, const struct module *m, struct rt_extern *imports,
                        struct wisp_error *err);

/* Instantiate m with resolved imports (m->nimports entries): check import
 * types ("incompatible import type", WISP_ERR_LINK), create the module's
 * functions, tables, memories and globals, compile the bodies, run element
 * and data initialization in order with the 2.0 semantics (a trap leaves
 * earlier writes in place and fails with WISP_ERR_TRAP), then the start
 * function. m must outlive the instance. name may be NULL. */
struct rt_instance *rt_instantiate(struct rt_store *s, const struct module *m,
                                   const struct rt_extern *imports, const char *name,
                                   struct wisp_error *err);
/* Find an export by name; false when there is none. */
bool rt_instance_export(const struct rt_instance *inst, const char *name, uint32_t len,
                        struct rt_extern *out);

/* Call a function. args_results holds the arguments as slots and receives
 * the results; it must have room for max(nparam_slots, nresult_slots). On a
 * trap returns false with err set (WISP_ERR_TRAP with the reason as message,
 * WISP_ERR_EXHAUSTION for "call stack exhausted", WISP_ERR_EXIT after
 * rt_host_exit) and the backtrace in s->trace. */
bool rt_call(struct rt_store *s, struct rt_func *f, union slot *args_results, struct wisp_error *err);
/* Map the interpreter's stacks for s's current limits, unless they are
 * mapped for them already: rt_call does so first of all, false meaning
 * they cannot be mapped (src/interp/interp.c). */
bool rt_exec_reserve(struct rt_store *s);

/* Prepare inst's compiled bodies (src/interp/lower.c), empty: called by
 * rt_instantiate once inst->funcs and inst->type_ids are filled. Each
 * function is lowered on its first call (rt_lower_func). Frees with
 * rt_codes_free. */
void rt_codes_init(struct rt_instance *inst);
/* Lower a defined function that has no code yet; sets f->code. */
bool rt_lower_func(struct rt_func *f, struct wisp_error *err);
void rt_lowering_free(struct rt_store *s);
/* A lowered function got native code: make its interpreter code call that
 * (interp.c; safe while another thread runs the code). */
void rt_code_go_native(struct rt_code *c);
void rt_codes_free(struct rt_instance *inst);

/* Limits (limits.c). A check point's slow path, for code compiled with
 * checks: the interrupt word is set or fuel would fall below `cost`.
 * Charges the cost and returns true, or returns false with s->trap set
 * ("interrupt", "all fuel consumed"), clearing the interrupt it reports. */
bool rt_check_slow(struct rt_store *s, uint32_t cost);
/* Fuel for a bulk memory or table operation: one unit per
 * RT_BULK_BYTES_PER_FUEL bytes moved, charged before any byte moves, so
 * running out (false, s->trap set) leaves memory untouched. */
bool rt_charge_bulk(struct rt_store *s, uint64_t bytes);
/* Ask running code to stop at its next check point: any thread, or a
 * signal handler. Stays pending until a check point sees it. */
void rt_interrupt(struct rt_store *s);
/* Values of rt_store.interrupt: who asked. A sample request never
 * replaces another value, and another replaces it. */
enum { RT_INTERRUPT_NONE, RT_INTERRUPT_HOST, RT_INTERRUPT_TIMEOUT, RT_INTERRUPT_SAMPLE };

/* The guest profiler (profile.c). rt_profile_start starts a thread that
 * asks for a sample every interval through the interrupt word (so it
 * needs code compiled with check points); the check point that sees it
 * puts the wasm stack in s->trace from index base on and calls
 * rt_profile_take, which records it and truncates the trace back to
 * base. rt_profile_stop ends the sampling; the samples stay until
 * rt_profile_free (also called when the store is freed). */
bool rt_profile_start(struct rt_store *s, uint64_t interval_ns);
void rt_profile_stop(struct rt_store *s);
void rt_profile_take(struct rt_store *s, size_t base);
void rt_profile_free(struct rt_store *s);
/* Append the interpreter's frames below `depth` frame records (innermost
 * first, callers only) to s->trace (interp.c). */
void rt_interp_trace(struct rt_store *s, uint32_t depth);
/* Around each outermost call: arm and disarm the timeout's watchdog. Arming
 * fails only when its thread cannot be started. */
bool rt_timeout_arm(struct rt_store *s);
void rt_timeout_disarm(struct rt_store *s);
void rt_watchdog_free(struct rt_store *s);

/* The function's name for backtraces: "$name" from the name section, or the
 * host name, else "func[N]". Writes into buf. */
const char *rt_func_describe(const struct rt_func *f, char *buf, size_t size);

#endif
