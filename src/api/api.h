/* What the public handles in include/wisp.h are, inside the library. */
#ifndef WISP_API_API_H
#define WISP_API_API_H

#include "base/common.h"
#include "runtime/runtime.h"
#include "module.h"

/* What an engine's configuration fixes for the code its stores compile
 * (src/api/limits.c). All false by default: no check points, no cost. */
struct wisp_config {
    bool consume_fuel;
    bool interruptible;
    uint8_t tier; /* wisp_tier, the same values as enum rt_tier */
    bool cache;   /* the on-disk code cache */
    bool no_signals_based_traps; /* compiled code checks bounds itself */
    bool no_huge_pages;          /* memories are not advised to use huge pages */
    uint32_t disabled_features;  /* wisp_feature bits turned off */
    uint32_t enabled_features;   /* wisp_feature bits turned on (those off by default) */
};

struct wisp_engine {
    struct wisp_config config;
};

/* What a new runtime store takes from its engine for compiling code: the
 * tier, the cache, guard regions (src/api/limits.c). */
void api_store_codegen(const struct wisp_engine *engine, struct rt_store *s);

/* The enum wasm_feature bits modules of this engine may use. */
static inline uint32_t api_features(const struct wisp_engine *engine)
{
    return (FEAT_DEFAULT | engine->config.enabled_features) & ~engine->config.disabled_features;
}

struct wisp_module {
    struct module m; /* first: a module's types know their wisp_module by it */
    /* One site per type, the wisp_functype handles of its types: made on
     * the first query, by whichever thread asks first (reftype.c). */
    _Atomic(struct type_site *) sites;
};

/* wisp_instance and wisp_func are never defined: a wisp_instance * is a
 * struct rt_instance * and a wisp_func * is a struct rt_func *, cast at the
 * API boundary. That way a funcref coming out of wasm is already a wisp_func
 * and needs no allocation or lookup. */
static inline struct rt_instance *api_inst(const wisp_instance *i) { return (struct rt_instance *)i; }
static inline struct rt_func *api_func(const wisp_func *f) { return (struct rt_func *)f; }

/* The public name of a value type (instance.c). */
wisp_valtype valtype_to_wisp(valtype_t t);

/* Whether v, from the host, is a value of type t, a type of store s (its
 * indices store ids): the kind, and for a reference what
 * wisp_reftype_accepts says of t's wisp_reftype (reftype.c). */
bool api_val_fits(struct rt_store *s, valtype_t t, const wisp_val *v);

struct api_host; /* a host function's adapter between slots and wisp_val */

struct wisp_store {
    struct rt_store *rt;
    /* Adapters handed to rt_func_new_host as env; the store owns them. */
    uint32_t nhosts, hosts_cap;
    struct api_host **hosts;
    /* WASI, once wisp_store_add_wasi ran (src/api/wasi.c); freed with the
     * store, after the runtime. */
    struct api_wasi *wasi;
    void (*wasi_free)(struct api_wasi *);
};

/* What a host function sees as its caller: the runtime's caller plus whether
 * the function already recorded a trap (so a bare `return false` still
 * traps with a message). */
struct wisp_caller {
    struct rt_caller *rt;
    const struct api_host *host;
    bool trapped;
};

#endif
