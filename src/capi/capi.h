/* The standard C API (include/wasm.h) inside the library: what its opaque
 * types are, and the helpers its files share. It sits on wisp's own API
 * (src/api/api.h) and the runtime (src/runtime/runtime.h).
 *
 * Handles. Every reference type of wasm.h (wasm_ref_t, wasm_func_t,
 * wasm_global_t, wasm_table_t, wasm_memory_t, wasm_extern_t,
 * wasm_instance_t, wasm_module_t, wasm_trap_t, wasm_foreign_t) is one
 * struct capi_ref: a small heap handle naming a kind and an object. The
 * typed pointers are casts of it, so wasm_func_as_extern and friends
 * allocate nothing. Deleting a handle frees the handle only: store objects
 * (functions, globals, tables, memories, instances) live in the runtime
 * store until the wasm_store_t is deleted; modules, traps and foreign
 * objects (struct capi_shared) are reference-counted, each handle and each
 * store that holds one counting.
 *
 * Host info belongs to the object, not to the handle: for shared objects
 * it is in the object, for store objects in a table in the store keyed by
 * the runtime object. */
#ifndef WISP_CAPI_CAPI_H
#define WISP_CAPI_CAPI_H

#include <stdatomic.h>

#include "wasm.h"
#include "api/api.h"

enum capi_kind {
    CAPI_FUNC,
    CAPI_GLOBAL,
    CAPI_TABLE,
    CAPI_MEMORY,
    CAPI_INSTANCE,
    CAPI_MODULE,
    CAPI_TRAP,
    CAPI_FOREIGN,
};

struct capi_ref {
    uint8_t kind;        /* enum capi_kind */
    wasm_store_t *store; /* NULL for modules */
    void *obj;           /* struct rt_func/rt_global/rt_table/rt_memory/rt_instance *, or struct capi_shared * */
};

/* Host info and its finalizer. */
struct capi_info {
    void *info;
    void (*finalizer)(void *);
};

/* A reference-counted object: a module, a trap or a foreign object. */
struct capi_shared {
    _Atomic uint32_t refs;
    uint8_t kind;
    struct capi_info info;
    void (*free)(struct capi_shared *); /* the kind's own teardown, then free */
};

struct capi_module {
    struct capi_shared base;
    wisp_module *module;
    wasm_engine_t *engine;
};

struct capi_frame_data {
    struct rt_instance *inst; /* NULL: a frame without an instance (wasm_trap_new) */
    uint32_t func_index;
    size_t func_offset, module_offset;
};

struct capi_trap {
    struct capi_shared base;
    wasm_store_t *store;
    char *message; /* NUL-terminated */
    size_t message_len;
    bool exited;
    int32_t exit_code;
    uint32_t nframes;
    struct capi_frame_data *frames; /* innermost first */
};

struct capi_foreign {
    struct capi_shared base;
};

/* A wasm_config_t is a wisp_config and a wasm_engine_t a wisp_engine,
 * cast at the boundary. */
static inline wisp_engine *capi_engine(wasm_engine_t *e) { return (wisp_engine *)e; }

/* What an externref in wasm holds: one anchor per object, so the same
 * object always is the same wasm value (ref.eq-style identity) and comes
 * back out as a handle to itself. Anchors of shared objects keep a
 * reference until the store is deleted. */
struct capi_anchor {
    uint8_t kind;
    void *obj;
};

/* A host function made with wasm_func_new(_with_env). */
struct capi_host {
    wasm_store_t *store;
    wasm_func_callback_t callback;
    wasm_func_callback_with_env_t callback_env;
    void *env;
    void (*finalizer)(void *);
    const struct functype *type; /* the runtime store's interned copy */
};

struct wasm_store_t {
    wasm_engine_t *engine;
    wisp_store *store;
    /* Host info of store objects, by runtime object (open addressing). */
    uint32_t ninfo, info_cap;
    struct capi_info_slot { void *obj; struct capi_info info; } *infos;
    /* Externref anchors, by object (open addressing). */
    uint32_t nanchors, anchors_cap;
    struct capi_anchor **anchors;
    /* Modules instantiated here, kept alive with the store. */
    uint32_t nmodules, modules_cap;
    struct capi_module **modules;
    uint32_t nhosts, hosts_cap;
    struct capi_host **hosts;
    /* A host callback's trap, whole, while it unwinds through wasm. */
    struct capi_trap *pending;
    wisp_error last_error;
    bool has_error;
};

/* ---- Handles (ref.c) ---- */
struct capi_ref *capi_ref_new(uint8_t kind, wasm_store_t *store, void *obj);
/* Another handle to r's object (NULL for NULL). */
struct capi_ref *capi_ref_dup(const struct capi_ref *r);
void capi_shared_retain(struct capi_shared *s);
void capi_shared_release(struct capi_shared *s);
void capi_shared_init(struct capi_shared *s, uint8_t kind, void (*free_fn)(struct capi_shared *));

/* A malloc'd formatted string (store.c). */
char *capi_format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- Stores (store.c) ---- */
/* The store's host info slot for a store object (created when `create`). */
struct capi_info *capi_store_info(wasm_store_t *store, void *obj, bool create);
/* The anchor an externref holds for r's object (created on first use). */
struct capi_anchor *capi_store_anchor(wasm_store_t *store, const struct capi_ref *r);
void capi_store_keep_module(wasm_store_t *store, struct capi_module *m);
/* Record why a call failed (wisp_wasm_store_last_error); returns false. */
bool capi_fail(wasm_store_t *store, const wisp_error *err);
bool capi_failf(wasm_store_t *store, enum wisp_error_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static inline struct rt_store *capi_rt(wasm_store_t *store) { return store->store->rt; }

/* ---- Modules (module.c) ---- */
struct capi_module *capi_module_of(const wasm_module_t *module);

/* ---- Values (val.c) ---- */
/* wasm.h's value kind for a wisp value type, and back (false: no such). */
wasm_valkind_t capi_valkind(valtype_t t);
bool capi_valtype(wasm_valkind_t k, valtype_t *out);
/* v (of type t) into slots: false (last error set) when its kind is not
 * t's or it is a reference that type cannot hold. */
bool capi_val_to_slot(wasm_store_t *store, valtype_t t, const wasm_val_t *v, union slot *out);
/* A slot of type t into an owned value. */
void capi_slot_to_val(wasm_store_t *store, valtype_t t, const union slot *s, wasm_val_t *out);
/* A reference for a funcref or externref slot or table element. */
bool capi_ref_to_raw(wasm_store_t *store, valtype_t t, const wasm_ref_t *r, void **out);
wasm_ref_t *capi_raw_to_ref(wasm_store_t *store, valtype_t t, void *raw);

/* ---- Types (types.c) ---- */
wasm_valtype_t *capi_valtype_new(valtype_t t);
wasm_functype_t *capi_functype_new(const struct functype *t);
/* The runtime form of a wasm.h function type (types malloc'd), or false
 * when it names a kind wisp has no type for. */
bool capi_functype_to_rt(const wasm_functype_t *t, struct functype *out);
wasm_globaltype_t *capi_globaltype_new(const struct globaltype *t);
wasm_tabletype_t *capi_tabletype_new(const struct tabletype *t);
wasm_memorytype_t *capi_memorytype_new(const struct memtype *t);
/* The type of an import or export of m. */
wasm_externtype_t *capi_externtype_of_import(const struct module *m, const struct import *im);
wasm_externtype_t *capi_externtype_of_export(const struct module *m, const struct export *ex);

/* ---- Traps (trap.c) ---- */
/* A trap from a failed runtime call: err's message (or the pending host
 * trap's), the exit status, and the backtrace in the store. */
wasm_trap_t *capi_trap_from_call(wasm_store_t *store, const wisp_error *err);
wasm_trap_t *capi_trap_from_text(wasm_store_t *store, const char *message);

/* ---- Externals (extern.c) ---- */
wasm_extern_t *capi_extern_new(wasm_store_t *store, const struct rt_extern *ext);
bool capi_extern_to_rt(const wasm_extern_t *e, struct rt_extern *out);

#endif
