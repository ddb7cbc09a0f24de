/* SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception */
/* wasm.h: the standard WebAssembly C API (the WebAssembly/wasm-c-api
 * project's interface, also offered by Wasmtime, WAMR, Wasmer and V8),
 * implemented by wisp. This text is wisp's own; it declares the same
 * types, functions and constants with the same layouts, so a program
 * written against another runtime's wasm.h compiles unchanged and links
 * with -lwisp (pkg-config --cflags --libs wisp). wisp's own API is in
 * wisp.h; the end of this file has the few wisp extensions that connect
 * the two (WASI, limits, error details).
 *
 * ---- Ownership ----
 * `own` marks what changes hands, read like `const`:
 * - a function result `own T*` belongs to the caller, who releases it with
 *   wasm_T_delete (a vector with wasm_T_vec_delete, which also deletes
 *   its elements);
 * - an `own` parameter is taken over by the callee (wasm_functype_new
 *   takes its two vectors: their data moves into the type and the
 *   vectors are left empty);
 * - an `own` out-parameter (named `out`) is filled with something the
 *   caller then owns;
 * - everything else is borrowed: the callee neither keeps nor frees it.
 * The wasm_X_as_Y conversions (func as extern, extern as func, X as
 * ref) return the same object seen as another type: nothing is
 * allocated, and only the original is deleted.
 *
 * ---- Objects and lifetimes ----
 * A function, global, table, memory or instance lives in a store. The
 * handle a function returns (wasm_func_new, wasm_instance_exports,
 * wasm_table_get, ...) is a reference to it: deleting the handle ends the
 * reference, not the object, which lives until its store is deleted.
 * Handles must not be used after their store is deleted. Two handles to
 * one object are wasm_X_same, and host info set through one is seen
 * through the other. A store keeps every module it instantiated alive, so
 * a module handle may be deleted while its instances run.
 * Modules belong to the engine: one module may be instantiated in any
 * store of its engine, and lives until its last handle (and the last store
 * that instantiated it) is gone. Traps and foreign objects live until
 * their last handle and the last table, global or value in a store that
 * holds them are gone.
 *
 * Finalizers (wasm_X_set_host_info_with_finalizer, wasm_func_new_with_env)
 * run once, with the host info or env, when the object dies: for store
 * objects when the store is deleted, for modules, traps and foreign
 * objects when their last reference is released. Replacing host info with
 * a new one does not run the old finalizer.
 *
 * ---- Threads ----
 * An engine may be used from any number of threads at once, and so may
 * wasm_module_validate, wasm_module_new with stores of one engine, and
 * module handles for reading (imports, exports, serialize,
 * wasm_module_share). A store, and every object and handle in it, is used
 * by one thread at a time. To use a module in another thread, share it
 * (wasm_module_share), hand the wasm_shared_module_t over, and obtain it
 * there in that thread's store (wasm_module_obtain); types, vectors and
 * names are plain data.
 *
 * ---- Values and types ----
 * References are passed as wasm_ref_t*: NULL is the null reference. A
 * funcref holds a wasm_func_t (seen as a ref); an externref may hold any
 * wasm_ref_t the host makes (a foreign object, a function, a trap, ...),
 * and the same object comes back out of wasm. v128 values cannot cross
 * this API (a wisp extension kind, WISP_WASM_V128, names their type in
 * module reflection); calling a function with a v128 parameter or result
 * from here traps, saying so.
 *
 * ---- Errors ----
 * Functions that fail return NULL or false; wisp_wasm_store_last_error
 * (below) says why the last one failed in a store. Traps carry their
 * message and the wasm frames of the backtrace, innermost first. */
#ifndef WASM_H
#define WASM_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifndef WASM_API_EXTERN
#define WASM_API_EXTERN
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define own

typedef char byte_t;
typedef float float32_t;
typedef double float64_t;

/* ---- The declaration patterns ----
 * WISP_WASM_OWN_(N): an opaque wasm_N_t released by wasm_N_delete.
 * WISP_WASM_VEC_(N, PTR): wasm_N_vec_t, {size, data}, whose elements are
 * wasm_N_t values (PTR empty) or pointers (PTR `*`), with its
 * constructors: empty, uninitialized (pointer elements start NULL), from
 * an array (the elements are taken over), deep copy, and delete (which
 * deletes the elements too). */
#define WISP_WASM_OWN_(N)                          \
    typedef struct wasm_##N##_t wasm_##N##_t;      \
    WASM_API_EXTERN void wasm_##N##_delete(own wasm_##N##_t *);

#define WISP_WASM_VEC_(N, PTR)                                                                        \
    typedef struct wasm_##N##_vec_t {                                                                  \
        size_t size;                                                                                   \
        wasm_##N##_t PTR *data;                                                                        \
    } wasm_##N##_vec_t;                                                                                \
    WASM_API_EXTERN void wasm_##N##_vec_new_empty(own wasm_##N##_vec_t *out);                          \
    WASM_API_EXTERN void wasm_##N##_vec_new_uninitialized(own wasm_##N##_vec_t *out, size_t size);     \
    WASM_API_EXTERN void wasm_##N##_vec_new(own wasm_##N##_vec_t *out, size_t size,                    \
                                            own wasm_##N##_t PTR const data[]);                        \
    WASM_API_EXTERN void wasm_##N##_vec_copy(own wasm_##N##_vec_t *out, const wasm_##N##_vec_t *src); \
    WASM_API_EXTERN void wasm_##N##_vec_delete(own wasm_##N##_vec_t *);

/* A type: owned, in pointer vectors, copyable. */
#define WISP_WASM_TYPE_(N)  \
    WISP_WASM_OWN_(N)       \
    WISP_WASM_VEC_(N, *)    \
    WASM_API_EXTERN own wasm_##N##_t *wasm_##N##_copy(const wasm_##N##_t *);

/* A reference: copyable (another handle to the same object), comparable,
 * with host info. */
#define WISP_WASM_REF_BASE_(N)                                                                \
    WISP_WASM_OWN_(N)                                                                         \
    WASM_API_EXTERN own wasm_##N##_t *wasm_##N##_copy(const wasm_##N##_t *);                  \
    WASM_API_EXTERN bool wasm_##N##_same(const wasm_##N##_t *, const wasm_##N##_t *);         \
    WASM_API_EXTERN void *wasm_##N##_get_host_info(const wasm_##N##_t *);                     \
    WASM_API_EXTERN void wasm_##N##_set_host_info(wasm_##N##_t *, void *);                    \
    WASM_API_EXTERN void wasm_##N##_set_host_info_with_finalizer(wasm_##N##_t *, void *,      \
                                                                 void (*)(void *));

#define WISP_WASM_REF_(N)                                                                 \
    WISP_WASM_REF_BASE_(N)                                                                \
    WASM_API_EXTERN wasm_ref_t *wasm_##N##_as_ref(wasm_##N##_t *);                        \
    WASM_API_EXTERN wasm_##N##_t *wasm_ref_as_##N(wasm_ref_t *);                          \
    WASM_API_EXTERN const wasm_ref_t *wasm_##N##_as_ref_const(const wasm_##N##_t *);      \
    WASM_API_EXTERN const wasm_##N##_t *wasm_ref_as_##N##_const(const wasm_ref_t *);

/* ---- Bytes and names ---- */
typedef byte_t wasm_byte_t;
WISP_WASM_VEC_(byte, )

/* A name is a byte vector, not necessarily NUL-terminated. */
typedef wasm_byte_vec_t wasm_name_t;
#define wasm_name wasm_byte_vec
#define wasm_name_new wasm_byte_vec_new
#define wasm_name_new_empty wasm_byte_vec_new_empty
#define wasm_name_new_uninitialized wasm_byte_vec_new_uninitialized
#define wasm_name_new_new_uninitialized wasm_byte_vec_new_uninitialized /* the spelling other headers have */
#define wasm_name_copy wasm_byte_vec_copy
#define wasm_name_delete wasm_byte_vec_delete

/* The bytes of s, without (from_string) or with (_nt) its NUL. */
static inline void wasm_name_new_from_string(own wasm_name_t *out, const char *s)
{
    wasm_name_new(out, strlen(s), s);
}
static inline void wasm_name_new_from_string_nt(own wasm_name_t *out, const char *s)
{
    wasm_name_new(out, strlen(s) + 1, s);
}

/* ---- Engine, configuration, store ----
 * A configuration is taken over by wasm_engine_new_with_config. Its
 * settings are wisp's (wisp_wasm_config below): the tier (default auto:
 * the interpreter first, hot code compiled), fuel, interrupts, the code
 * cache (off here), guard regions. */
WISP_WASM_OWN_(config)
WASM_API_EXTERN own wasm_config_t *wasm_config_new(void);

WISP_WASM_OWN_(engine)
WASM_API_EXTERN own wasm_engine_t *wasm_engine_new(void);
WASM_API_EXTERN own wasm_engine_t *wasm_engine_new_with_config(own wasm_config_t *);

/* The engine must outlive its stores. Deleting it waits for background
 * compilations still under way (wisp_engine_free). */
WISP_WASM_OWN_(store)
WASM_API_EXTERN own wasm_store_t *wasm_store_new(wasm_engine_t *);

/* ---- Types ---- */
typedef uint8_t wasm_mutability_t;
enum wasm_mutability_enum { WASM_CONST, WASM_VAR };

/* In pages (memories) or elements (tables); max wasm_limits_max_default
 * means no maximum. */
typedef struct wasm_limits_t {
    uint32_t min;
    uint32_t max;
} wasm_limits_t;
static const uint32_t wasm_limits_max_default = 0xffffffff;

WISP_WASM_TYPE_(valtype)

typedef uint8_t wasm_valkind_t;
enum wasm_valkind_enum {
    WASM_I32,
    WASM_I64,
    WASM_F32,
    WASM_F64,
    WASM_EXTERNREF = 128,
    WASM_FUNCREF,
};
/* wisp: the kind of v128 in types read from modules (never in values). */
#define WISP_WASM_V128 ((wasm_valkind_t)4)

WASM_API_EXTERN own wasm_valtype_t *wasm_valtype_new(wasm_valkind_t);
WASM_API_EXTERN wasm_valkind_t wasm_valtype_kind(const wasm_valtype_t *);

static inline bool wasm_valkind_is_num(wasm_valkind_t k) { return k < WASM_EXTERNREF; }
static inline bool wasm_valkind_is_ref(wasm_valkind_t k) { return k >= WASM_EXTERNREF; }
static inline bool wasm_valtype_is_num(const wasm_valtype_t *t) { return wasm_valkind_is_num(wasm_valtype_kind(t)); }
static inline bool wasm_valtype_is_ref(const wasm_valtype_t *t) { return wasm_valkind_is_ref(wasm_valtype_kind(t)); }

WISP_WASM_TYPE_(functype)
WASM_API_EXTERN own wasm_functype_t *wasm_functype_new(own wasm_valtype_vec_t *params,
                                                       own wasm_valtype_vec_t *results);
WASM_API_EXTERN const wasm_valtype_vec_t *wasm_functype_params(const wasm_functype_t *);
WASM_API_EXTERN const wasm_valtype_vec_t *wasm_functype_results(const wasm_functype_t *);

WISP_WASM_TYPE_(globaltype)
WASM_API_EXTERN own wasm_globaltype_t *wasm_globaltype_new(own wasm_valtype_t *, wasm_mutability_t);
WASM_API_EXTERN const wasm_valtype_t *wasm_globaltype_content(const wasm_globaltype_t *);
WASM_API_EXTERN wasm_mutability_t wasm_globaltype_mutability(const wasm_globaltype_t *);

WISP_WASM_TYPE_(tabletype)
WASM_API_EXTERN own wasm_tabletype_t *wasm_tabletype_new(own wasm_valtype_t *, const wasm_limits_t *);
WASM_API_EXTERN const wasm_valtype_t *wasm_tabletype_element(const wasm_tabletype_t *);
WASM_API_EXTERN const wasm_limits_t *wasm_tabletype_limits(const wasm_tabletype_t *);

WISP_WASM_TYPE_(memorytype)
WASM_API_EXTERN own wasm_memorytype_t *wasm_memorytype_new(const wasm_limits_t *);
WASM_API_EXTERN const wasm_limits_t *wasm_memorytype_limits(const wasm_memorytype_t *);

/* The type of an import or export: one of the four above. */
WISP_WASM_TYPE_(externtype)
typedef uint8_t wasm_externkind_t;
enum wasm_externkind_enum { WASM_EXTERN_FUNC, WASM_EXTERN_GLOBAL, WASM_EXTERN_TABLE, WASM_EXTERN_MEMORY };
WASM_API_EXTERN wasm_externkind_t wasm_externtype_kind(const wasm_externtype_t *);

/* Views, not copies; the as_functype (...) direction gives NULL for
 * another kind. */
WASM_API_EXTERN wasm_externtype_t *wasm_functype_as_externtype(wasm_functype_t *);
WASM_API_EXTERN wasm_externtype_t *wasm_globaltype_as_externtype(wasm_globaltype_t *);
WASM_API_EXTERN wasm_externtype_t *wasm_tabletype_as_externtype(wasm_tabletype_t *);
WASM_API_EXTERN wasm_externtype_t *wasm_memorytype_as_externtype(wasm_memorytype_t *);
WASM_API_EXTERN wasm_functype_t *wasm_externtype_as_functype(wasm_externtype_t *);
WASM_API_EXTERN wasm_globaltype_t *wasm_externtype_as_globaltype(wasm_externtype_t *);
WASM_API_EXTERN wasm_tabletype_t *wasm_externtype_as_tabletype(wasm_externtype_t *);
WASM_API_EXTERN wasm_memorytype_t *wasm_externtype_as_memorytype(wasm_externtype_t *);
WASM_API_EXTERN const wasm_externtype_t *wasm_functype_as_externtype_const(const wasm_functype_t *);
WASM_API_EXTERN const wasm_externtype_t *wasm_globaltype_as_externtype_const(const wasm_globaltype_t *);
WASM_API_EXTERN const wasm_externtype_t *wasm_tabletype_as_externtype_const(const wasm_tabletype_t *);
WASM_API_EXTERN const wasm_externtype_t *wasm_memorytype_as_externtype_const(const wasm_memorytype_t *);
WASM_API_EXTERN const wasm_functype_t *wasm_externtype_as_functype_const(const wasm_externtype_t *);
WASM_API_EXTERN const wasm_globaltype_t *wasm_externtype_as_globaltype_const(const wasm_externtype_t *);
WASM_API_EXTERN const wasm_tabletype_t *wasm_externtype_as_tabletype_const(const wasm_externtype_t *);
WASM_API_EXTERN const wasm_memorytype_t *wasm_externtype_as_memorytype_const(const wasm_externtype_t *);

WISP_WASM_TYPE_(importtype)
WASM_API_EXTERN own wasm_importtype_t *wasm_importtype_new(own wasm_name_t *module, own wasm_name_t *name,
                                                           own wasm_externtype_t *);
WASM_API_EXTERN const wasm_name_t *wasm_importtype_module(const wasm_importtype_t *);
WASM_API_EXTERN const wasm_name_t *wasm_importtype_name(const wasm_importtype_t *);
WASM_API_EXTERN const wasm_externtype_t *wasm_importtype_type(const wasm_importtype_t *);

WISP_WASM_TYPE_(exporttype)
WASM_API_EXTERN own wasm_exporttype_t *wasm_exporttype_new(own wasm_name_t *, own wasm_externtype_t *);
WASM_API_EXTERN const wasm_name_t *wasm_exporttype_name(const wasm_exporttype_t *);
WASM_API_EXTERN const wasm_externtype_t *wasm_exporttype_type(const wasm_exporttype_t *);

/* ---- Values ---- */
struct wasm_ref_t;

/* A value of a kind; a reference value owns its handle (of.ref, NULL for
 * the null reference). */
typedef struct wasm_val_t {
    wasm_valkind_t kind;
    union {
        int32_t i32;
        int64_t i64;
        float32_t f32;
        float64_t f64;
        struct wasm_ref_t *ref;
    } of;
} wasm_val_t;

WASM_API_EXTERN void wasm_val_delete(own wasm_val_t *v);
WASM_API_EXTERN void wasm_val_copy(own wasm_val_t *out, const wasm_val_t *);
WISP_WASM_VEC_(val, )

/* ---- References ---- */
WISP_WASM_REF_BASE_(ref)

/* ---- Frames: one wasm function activation of a trap's backtrace ---- */
WISP_WASM_OWN_(frame)
WISP_WASM_VEC_(frame, *)
WASM_API_EXTERN own wasm_frame_t *wasm_frame_copy(const wasm_frame_t *);
/* The frame's instance (borrowed: lives as long as the frame). */
WASM_API_EXTERN struct wasm_instance_t *wasm_frame_instance(const wasm_frame_t *);
/* The function's index in its module. */
WASM_API_EXTERN uint32_t wasm_frame_func_index(const wasm_frame_t *);
/* The instruction's byte offset from the start of the function's body
 * (its local declarations), and from the start of the module. */
WASM_API_EXTERN size_t wasm_frame_func_offset(const wasm_frame_t *);
WASM_API_EXTERN size_t wasm_frame_module_offset(const wasm_frame_t *);

/* ---- Traps ---- */
typedef wasm_name_t wasm_message_t; /* NUL-terminated: size counts the NUL */

WISP_WASM_REF_(trap)
/* A trap a host function returns to make its wasm caller trap: the
 * message comes back out of wasm_func_call's trap, whole. */
WASM_API_EXTERN own wasm_trap_t *wasm_trap_new(wasm_store_t *store, const wasm_message_t *);
WASM_API_EXTERN void wasm_trap_message(const wasm_trap_t *, own wasm_message_t *out);
/* The innermost wasm frame, or NULL when no wasm code was running. */
WASM_API_EXTERN own wasm_frame_t *wasm_trap_origin(const wasm_trap_t *);
WASM_API_EXTERN void wasm_trap_trace(const wasm_trap_t *, own wasm_frame_vec_t *out);

/* ---- Foreign objects: host values to pass as externrefs ---- */
WISP_WASM_REF_(foreign)
WASM_API_EXTERN own wasm_foreign_t *wasm_foreign_new(wasm_store_t *);

/* ---- Modules ---- */
WISP_WASM_REF_(module)
WISP_WASM_OWN_(shared_module)
WASM_API_EXTERN own wasm_shared_module_t *wasm_module_share(const wasm_module_t *);
WASM_API_EXTERN own wasm_module_t *wasm_module_obtain(wasm_store_t *, const wasm_shared_module_t *);

/* Decode and validate (NULL when the binary is malformed or invalid;
 * wisp_wasm_store_last_error says where). The bytes are copied. */
WASM_API_EXTERN own wasm_module_t *wasm_module_new(wasm_store_t *, const wasm_byte_vec_t *binary);
WASM_API_EXTERN bool wasm_module_validate(wasm_store_t *, const wasm_byte_vec_t *binary);
WASM_API_EXTERN void wasm_module_imports(const wasm_module_t *, own wasm_importtype_vec_t *out);
WASM_API_EXTERN void wasm_module_exports(const wasm_module_t *, own wasm_exporttype_vec_t *out);
/* With the compiled tier present, the module with its compiled code (as
 * `wisp compile` writes it); otherwise the module in a form that loads
 * without validating it again. Either way, serialized modules are trusted
 * input: deserialize only what this program serialized, or what you would
 * run as code of your own. A damaged or foreign one gives NULL, never a
 * crash. out is empty when serializing failed. */
WASM_API_EXTERN void wasm_module_serialize(const wasm_module_t *, own wasm_byte_vec_t *out);
WASM_API_EXTERN own wasm_module_t *wasm_module_deserialize(wasm_store_t *, const wasm_byte_vec_t *);

/* ---- Functions ---- */
WISP_WASM_REF_(func)

/* A host function. args holds the arguments; results arrives with one
 * value of the right kind per result, to overwrite. Return NULL, or a
 * trap (which wisp deletes) to make the call trap. Reference arguments
 * belong to wisp and are deleted after the call; reference results are
 * taken over. */
typedef own wasm_trap_t *(*wasm_func_callback_t)(const wasm_val_vec_t *args, own wasm_val_vec_t *results);
typedef own wasm_trap_t *(*wasm_func_callback_with_env_t)(void *env, const wasm_val_vec_t *args,
                                                          wasm_val_vec_t *results);

WASM_API_EXTERN own wasm_func_t *wasm_func_new(wasm_store_t *, const wasm_functype_t *, wasm_func_callback_t);
/* finalizer (may be NULL) runs with env when the store is deleted. */
WASM_API_EXTERN own wasm_func_t *wasm_func_new_with_env(wasm_store_t *, const wasm_functype_t *type,
                                                        wasm_func_callback_with_env_t, void *env,
                                                        void (*finalizer)(void *));
WASM_API_EXTERN own wasm_functype_t *wasm_func_type(const wasm_func_t *);
WASM_API_EXTERN size_t wasm_func_param_arity(const wasm_func_t *);
WASM_API_EXTERN size_t wasm_func_result_arity(const wasm_func_t *);
/* Call: args must match the parameters, and results must have room for
 * the results (it receives one value per result). Returns NULL, or the
 * trap (also for arguments that do not match, with a message saying so). */
WASM_API_EXTERN own wasm_trap_t *wasm_func_call(const wasm_func_t *, const wasm_val_vec_t *args,
                                                wasm_val_vec_t *results);

/* ---- Globals ---- */
WISP_WASM_REF_(global)
/* NULL when the value's kind is not the type's. */
WASM_API_EXTERN own wasm_global_t *wasm_global_new(wasm_store_t *, const wasm_globaltype_t *, const wasm_val_t *);
WASM_API_EXTERN own wasm_globaltype_t *wasm_global_type(const wasm_global_t *);
WASM_API_EXTERN void wasm_global_get(const wasm_global_t *, own wasm_val_t *out);
/* Ignored (wisp_wasm_store_last_error says why) for an immutable global
 * or a value of another kind. */
WASM_API_EXTERN void wasm_global_set(wasm_global_t *, const wasm_val_t *);

/* ---- Tables ---- */
WISP_WASM_REF_(table)
typedef uint32_t wasm_table_size_t;
/* init (borrowed, may be NULL) fills the table's initial elements. */
WASM_API_EXTERN own wasm_table_t *wasm_table_new(wasm_store_t *, const wasm_tabletype_t *, wasm_ref_t *init);
WASM_API_EXTERN own wasm_tabletype_t *wasm_table_type(const wasm_table_t *);
/* NULL for a null element and for an index out of bounds. */
WASM_API_EXTERN own wasm_ref_t *wasm_table_get(const wasm_table_t *, wasm_table_size_t index);
/* false out of bounds, or for a reference the table cannot hold (a
 * funcref table holds functions only). */
WASM_API_EXTERN bool wasm_table_set(wasm_table_t *, wasm_table_size_t index, wasm_ref_t *);
WASM_API_EXTERN wasm_table_size_t wasm_table_size(const wasm_table_t *);
WASM_API_EXTERN bool wasm_table_grow(wasm_table_t *, wasm_table_size_t delta, wasm_ref_t *init);

/* ---- Memories ---- */
WISP_WASM_REF_(memory)
typedef uint32_t wasm_memory_pages_t;
static const size_t MEMORY_PAGE_SIZE = 0x10000;
WASM_API_EXTERN own wasm_memory_t *wasm_memory_new(wasm_store_t *, const wasm_memorytype_t *);
WASM_API_EXTERN own wasm_memorytype_t *wasm_memory_type(const wasm_memory_t *);
/* The bytes stay where they are while the memory lives: growing never
 * moves them. */
WASM_API_EXTERN byte_t *wasm_memory_data(wasm_memory_t *);
WASM_API_EXTERN size_t wasm_memory_data_size(const wasm_memory_t *);
WASM_API_EXTERN wasm_memory_pages_t wasm_memory_size(const wasm_memory_t *);
WASM_API_EXTERN bool wasm_memory_grow(wasm_memory_t *, wasm_memory_pages_t delta);

/* ---- Externals: a function, global, table or memory ---- */
WISP_WASM_REF_(extern)
WISP_WASM_VEC_(extern, *)
WASM_API_EXTERN wasm_externkind_t wasm_extern_kind(const wasm_extern_t *);
WASM_API_EXTERN own wasm_externtype_t *wasm_extern_type(const wasm_extern_t *);

WASM_API_EXTERN wasm_extern_t *wasm_func_as_extern(wasm_func_t *);
WASM_API_EXTERN wasm_extern_t *wasm_global_as_extern(wasm_global_t *);
WASM_API_EXTERN wasm_extern_t *wasm_table_as_extern(wasm_table_t *);
WASM_API_EXTERN wasm_extern_t *wasm_memory_as_extern(wasm_memory_t *);
WASM_API_EXTERN wasm_func_t *wasm_extern_as_func(wasm_extern_t *);
WASM_API_EXTERN wasm_global_t *wasm_extern_as_global(wasm_extern_t *);
WASM_API_EXTERN wasm_table_t *wasm_extern_as_table(wasm_extern_t *);
WASM_API_EXTERN wasm_memory_t *wasm_extern_as_memory(wasm_extern_t *);
WASM_API_EXTERN const wasm_extern_t *wasm_func_as_extern_const(const wasm_func_t *);
WASM_API_EXTERN const wasm_extern_t *wasm_global_as_extern_const(const wasm_global_t *);
WASM_API_EXTERN const wasm_extern_t *wasm_table_as_extern_const(const wasm_table_t *);
WASM_API_EXTERN const wasm_extern_t *wasm_memory_as_extern_const(const wasm_memory_t *);
WASM_API_EXTERN const wasm_func_t *wasm_extern_as_func_const(const wasm_extern_t *);
WASM_API_EXTERN const wasm_global_t *wasm_extern_as_global_const(const wasm_extern_t *);
WASM_API_EXTERN const wasm_table_t *wasm_extern_as_table_const(const wasm_extern_t *);
WASM_API_EXTERN const wasm_memory_t *wasm_extern_as_memory_const(const wasm_extern_t *);

/* ---- Instances ---- */
WISP_WASM_REF_(instance)
/* imports: one external per import of the module, in its order (borrowed).
 * NULL when linking fails or the start function traps; then *trap (when
 * trap is not NULL) receives a trap saying why. */
WASM_API_EXTERN own wasm_instance_t *wasm_instance_new(wasm_store_t *, const wasm_module_t *,
                                                       const wasm_extern_vec_t *imports, own wasm_trap_t **trap);
/* One external per export of the module, in its order. */
WASM_API_EXTERN void wasm_instance_exports(const wasm_instance_t *, own wasm_extern_vec_t *out);

/* ---- Conveniences ---- */
#define WASM_EMPTY_VEC {0, NULL}
#define WASM_ARRAY_VEC(array) {sizeof(array) / sizeof(*(array)), array}

static inline own wasm_valtype_t *wasm_valtype_new_i32(void) { return wasm_valtype_new(WASM_I32); }
static inline own wasm_valtype_t *wasm_valtype_new_i64(void) { return wasm_valtype_new(WASM_I64); }
static inline own wasm_valtype_t *wasm_valtype_new_f32(void) { return wasm_valtype_new(WASM_F32); }
static inline own wasm_valtype_t *wasm_valtype_new_f64(void) { return wasm_valtype_new(WASM_F64); }
static inline own wasm_valtype_t *wasm_valtype_new_externref(void) { return wasm_valtype_new(WASM_EXTERNREF); }
static inline own wasm_valtype_t *wasm_valtype_new_funcref(void) { return wasm_valtype_new(WASM_FUNCREF); }

/* wasm_functype_new_P_R: P parameters and R results, taken over. */
static inline own wasm_functype_t *wisp_wasm_functype_of_(size_t np, wasm_valtype_t **p, size_t nr,
                                                          wasm_valtype_t **r)
{
    wasm_valtype_vec_t params, results;
    wasm_valtype_vec_new(&params, np, p);
    wasm_valtype_vec_new(&results, nr, r);
    return wasm_functype_new(&params, &results);
}
static inline own wasm_functype_t *wasm_functype_new_0_0(void)
{
    return wisp_wasm_functype_of_(0, NULL, 0, NULL);
}
static inline own wasm_functype_t *wasm_functype_new_1_0(own wasm_valtype_t *p)
{
    wasm_valtype_t *ps[1] = {p};
    return wisp_wasm_functype_of_(1, ps, 0, NULL);
}
static inline own wasm_functype_t *wasm_functype_new_2_0(own wasm_valtype_t *p1, own wasm_valtype_t *p2)
{
    wasm_valtype_t *ps[2] = {p1, p2};
    return wisp_wasm_functype_of_(2, ps, 0, NULL);
}
static inline own wasm_functype_t *wasm_functype_new_3_0(own wasm_valtype_t *p1, own wasm_valtype_t *p2,
                                                        own wasm_valtype_t *p3)
{
    wasm_valtype_t *ps[3] = {p1, p2, p3};
    return wisp_wasm_functype_of_(3, ps, 0, NULL);
}
static inline own wasm_functype_t *wasm_functype_new_0_1(own wasm_valtype_t *r)
{
    wasm_valtype_t *rs[1] = {r};
    return wisp_wasm_functype_of_(0, NULL, 1, rs);
}
static inline own wasm_functype_t *wasm_functype_new_1_1(own wasm_valtype_t *p, own wasm_valtype_t *r)
{
    wasm_valtype_t *ps[1] = {p}, *rs[1] = {r};
    return wisp_wasm_functype_of_(1, ps, 1, rs);
}
static inline own wasm_functype_t *wasm_functype_new_2_1(own wasm_valtype_t *p1, own wasm_valtype_t *p2,
                                                        own wasm_valtype_t *r)
{
    wasm_valtype_t *ps[2] = {p1, p2}, *rs[1] = {r};
    return wisp_wasm_functype_of_(2, ps, 1, rs);
}
static inline own wasm_functype_t *wasm_functype_new_3_1(own wasm_valtype_t *p1, own wasm_valtype_t *p2,
                                                        own wasm_valtype_t *p3, own wasm_valtype_t *r)
{
    wasm_valtype_t *ps[3] = {p1, p2, p3}, *rs[1] = {r};
    return wisp_wasm_functype_of_(3, ps, 1, rs);
}
static inline own wasm_functype_t *wasm_functype_new_0_2(own wasm_valtype_t *r1, own wasm_valtype_t *r2)
{
    wasm_valtype_t *rs[2] = {r1, r2};
    return wisp_wasm_functype_of_(0, NULL, 2, rs);
}
static inline own wasm_functype_t *wasm_functype_new_1_2(own wasm_valtype_t *p, own wasm_valtype_t *r1,
                                                        own wasm_valtype_t *r2)
{
    wasm_valtype_t *ps[1] = {p}, *rs[2] = {r1, r2};
    return wisp_wasm_functype_of_(1, ps, 2, rs);
}
static inline own wasm_functype_t *wasm_functype_new_2_2(own wasm_valtype_t *p1, own wasm_valtype_t *p2,
                                                        own wasm_valtype_t *r1, own wasm_valtype_t *r2)
{
    wasm_valtype_t *ps[2] = {p1, p2}, *rs[2] = {r1, r2};
    return wisp_wasm_functype_of_(2, ps, 2, rs);
}
static inline own wasm_functype_t *wasm_functype_new_3_2(own wasm_valtype_t *p1, own wasm_valtype_t *p2,
                                                        own wasm_valtype_t *p3, own wasm_valtype_t *r1,
                                                        own wasm_valtype_t *r2)
{
    wasm_valtype_t *ps[3] = {p1, p2, p3}, *rs[2] = {r1, r2};
    return wisp_wasm_functype_of_(3, ps, 2, rs);
}

/* A host pointer as an integer value of the pointer's width, and back. */
static inline void wasm_val_init_ptr(own wasm_val_t *out, void *p)
{
#if UINTPTR_MAX == UINT32_MAX
    out->kind = WASM_I32;
    out->of.i32 = (int32_t)(intptr_t)p;
#else
    out->kind = WASM_I64;
    out->of.i64 = (int64_t)(intptr_t)p;
#endif
}
static inline void *wasm_val_ptr(const wasm_val_t *val)
{
#if UINTPTR_MAX == UINT32_MAX
    return (void *)(intptr_t)val->of.i32;
#else
    return (void *)(intptr_t)val->of.i64;
#endif
}

#define WASM_I32_VAL(i) {.kind = WASM_I32, .of = {.i32 = i}}
#define WASM_I64_VAL(i) {.kind = WASM_I64, .of = {.i64 = i}}
#define WASM_F32_VAL(z) {.kind = WASM_F32, .of = {.f32 = z}}
#define WASM_F64_VAL(z) {.kind = WASM_F64, .of = {.f64 = z}}
#define WASM_REF_VAL(r) {.kind = WASM_EXTERNREF, .of = {.ref = r}}
#define WASM_INIT_VAL {.kind = WASM_EXTERNREF, .of = {.ref = NULL}}

/* ---- wisp extensions ----
 * What the standard API leaves to each runtime, through wisp.h's own
 * types (include wisp.h to call their functions). */
struct wisp_config;
struct wisp_store;
struct wisp_error;
struct wisp_wasi_config;

/* The wisp configuration inside a wasm_config_t (borrowed), for
 * wisp_config_tier, wisp_config_consume_fuel, wisp_config_interruptible,
 * wisp_config_cache and wisp_config_signals_based_traps. */
WASM_API_EXTERN struct wisp_config *wisp_wasm_config(wasm_config_t *);
/* The wisp store inside a wasm_store_t (borrowed), for fuel, limits,
 * interrupts, timeouts and the profiler (wisp_store_set_fuel, ...). */
WASM_API_EXTERN struct wisp_store *wisp_wasm_store(wasm_store_t *);
/* Why the last call that failed in this store failed (module decoding and
 * validation with the byte offset, linking, a refused set or grow), or
 * NULL when none has. Borrowed; valid until the next failing call. */
WASM_API_EXTERN const struct wisp_error *wisp_wasm_store_last_error(const wasm_store_t *);

/* WASI preview1 for wasm.h programs: wisp_wasm_store_add_wasi defines the
 * WASI functions (with a context built from config, which the caller
 * still owns) in the store, once; then wisp_wasm_store_import gives the
 * external for an import by its module and name, so imports can be
 * gathered in the module's order:
 *
 *     wasm_importtype_vec_t its;  wasm_module_imports(module, &its);
 *     for (size_t i = 0; i < its.size; i++)
 *         imports.data[i] = wisp_wasm_store_import(store, its.data[i]);
 *
 * and instantiated. It returns NULL (with the last error set) when the
 * store defines no such import; the result is owned. Defining WASI
 * makes a call to proc_exit end wasm_func_call with a trap, for which
 * wisp_wasm_trap_exit_code gives the status. */
WASM_API_EXTERN bool wisp_wasm_store_add_wasi(wasm_store_t *, const struct wisp_wasi_config *config,
                                              struct wisp_error *err);
WASM_API_EXTERN own wasm_extern_t *wisp_wasm_store_import(wasm_store_t *, const wasm_importtype_t *);
/* True, with *code, when the trap is the program asking to exit. */
WASM_API_EXTERN bool wisp_wasm_trap_exit_code(const wasm_trap_t *, int32_t *code);

#undef own

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WASM_H */
