/* Handles (struct capi_ref, see capi.h) and what every reference type of
 * wasm.h has: delete, copy, same, host info, and the conversions to and
 * from wasm_ref_t. Foreign objects are here too, being nothing else. */
#include <stdlib.h>

#include "capi/capi.h"

static bool kind_is_shared(uint8_t kind)
{
    return kind == CAPI_MODULE || kind == CAPI_TRAP || kind == CAPI_FOREIGN;
}

void capi_shared_init(struct capi_shared *s, uint8_t kind, void (*free_fn)(struct capi_shared *))
{
    atomic_init(&s->refs, 1);
    s->kind = kind;
    s->free = free_fn;
}

void capi_shared_retain(struct capi_shared *s)
{
    atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
}

void capi_shared_release(struct capi_shared *s)
{
    if (!s || atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) != 1)
        return;
    if (s->info.finalizer)
        s->info.finalizer(s->info.info);
    s->free(s);
}

struct capi_ref *capi_ref_new(uint8_t kind, wasm_store_t *store, void *obj)
{
    struct capi_ref *r = xmalloc(sizeof *r);
    r->kind = kind;
    r->store = store;
    r->obj = obj;
    return r;
}

struct capi_ref *capi_ref_dup(const struct capi_ref *r)
{
    if (!r)
        return NULL;
    if (kind_is_shared(r->kind))
        capi_shared_retain(r->obj);
    return capi_ref_new(r->kind, r->store, r->obj);
}

static void ref_delete(struct capi_ref *r)
{
    if (!r)
        return;
    if (kind_is_shared(r->kind))
        capi_shared_release(r->obj);
    free(r);
}

static struct capi_info *ref_info(const struct capi_ref *r, bool create)
{
    if (!r)
        return NULL;
    if (kind_is_shared(r->kind))
        return &((struct capi_shared *)r->obj)->info;
    return capi_store_info(r->store, r->obj, create);
}

static void *get_info(const struct capi_ref *r)
{
    struct capi_info *i = ref_info(r, false);
    return i ? i->info : NULL;
}

static void set_info(struct capi_ref *r, void *info, void (*finalizer)(void *))
{
    struct capi_info *i = ref_info(r, true);
    if (i) {
        i->info = info;
        i->finalizer = finalizer;
    }
}

static bool same(const struct capi_ref *a, const struct capi_ref *b)
{
    if (!a || !b)
        return a == b;
    return a->obj == b->obj;
}

/* The functions every reference type has, named wasm_N_*; N_t is its
 * handle type. */
#define REF_BASE(N)                                                                                           \
    void wasm_##N##_delete(wasm_##N##_t *h) { ref_delete((struct capi_ref *)h); }                              \
    wasm_##N##_t *wasm_##N##_copy(const wasm_##N##_t *h)                                                      \
    {                                                                                                         \
        return (wasm_##N##_t *)capi_ref_dup((const struct capi_ref *)h);                                      \
    }                                                                                                         \
    bool wasm_##N##_same(const wasm_##N##_t *a, const wasm_##N##_t *b)                                        \
    {                                                                                                         \
        return same((const struct capi_ref *)a, (const struct capi_ref *)b);                                  \
    }                                                                                                         \
    void *wasm_##N##_get_host_info(const wasm_##N##_t *h) { return get_info((const struct capi_ref *)h); }    \
    void wasm_##N##_set_host_info(wasm_##N##_t *h, void *info) { set_info((struct capi_ref *)h, info, NULL); } \
    void wasm_##N##_set_host_info_with_finalizer(wasm_##N##_t *h, void *info, void (*fin)(void *))           \
    {                                                                                                         \
        set_info((struct capi_ref *)h, info, fin);                                                            \
    }

/* ... and the conversions of the ones that are not wasm_ref_t itself;
 * IS(kind) says whether a handle of that kind is an N. */
#define REF(N, IS)                                                                                  \
    REF_BASE(N)                                                                                     \
    wasm_ref_t *wasm_##N##_as_ref(wasm_##N##_t *h) { return (wasm_ref_t *)h; }                      \
    const wasm_ref_t *wasm_##N##_as_ref_const(const wasm_##N##_t *h) { return (const wasm_ref_t *)h; } \
    wasm_##N##_t *wasm_ref_as_##N(wasm_ref_t *r)                                                    \
    {                                                                                               \
        return r && IS(((struct capi_ref *)r)->kind) ? (wasm_##N##_t *)r : NULL;                    \
    }                                                                                               \
    const wasm_##N##_t *wasm_ref_as_##N##_const(const wasm_ref_t *r)                                \
    {                                                                                               \
        return r && IS(((const struct capi_ref *)r)->kind) ? (const wasm_##N##_t *)r : NULL;        \
    }

#define IS_FUNC(k) ((k) == CAPI_FUNC)
#define IS_GLOBAL(k) ((k) == CAPI_GLOBAL)
#define IS_TABLE(k) ((k) == CAPI_TABLE)
#define IS_MEMORY(k) ((k) == CAPI_MEMORY)
#define IS_EXTERN(k) ((k) <= CAPI_MEMORY)
#define IS_INSTANCE(k) ((k) == CAPI_INSTANCE)
#define IS_MODULE(k) ((k) == CAPI_MODULE)
#define IS_TRAP(k) ((k) == CAPI_TRAP)
#define IS_FOREIGN(k) ((k) == CAPI_FOREIGN)

REF_BASE(ref)
REF(func, IS_FUNC)
REF(global, IS_GLOBAL)
REF(table, IS_TABLE)
REF(memory, IS_MEMORY)
REF(extern, IS_EXTERN)
REF(instance, IS_INSTANCE)
REF(module, IS_MODULE)
REF(trap, IS_TRAP)
REF(foreign, IS_FOREIGN)

/* ---- Foreign objects ---- */

static void foreign_free(struct capi_shared *s) { free(s); }

wasm_foreign_t *wasm_foreign_new(wasm_store_t *store)
{
    struct capi_foreign *f = xcalloc(1, sizeof *f);
    capi_shared_init(&f->base, CAPI_FOREIGN, foreign_free);
    return (wasm_foreign_t *)capi_ref_new(CAPI_FOREIGN, store, f);
}
