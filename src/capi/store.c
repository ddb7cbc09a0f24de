/* wasm.h's configuration, engine and store, and what a store keeps for the
 * API: host info of its objects, externref anchors, the modules its
 * instances run, host functions, and the last error. Also the wisp
 * extensions that reach through to wisp.h (limits, WASI). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "capi/capi.h"

/* ---- Configuration and engine ---- */

wasm_config_t *wasm_config_new(void) { return (wasm_config_t *)wisp_config_new(); }
void wasm_config_delete(wasm_config_t *config) { wisp_config_free((wisp_config *)config); }
struct wisp_config *wisp_wasm_config(wasm_config_t *config) { return (wisp_config *)config; }

wasm_engine_t *wasm_engine_new(void) { return (wasm_engine_t *)wisp_engine_new(); }
wasm_engine_t *wasm_engine_new_with_config(wasm_config_t *config)
{
    return (wasm_engine_t *)wisp_engine_new_with_config((wisp_config *)config);
}
void wasm_engine_delete(wasm_engine_t *engine) { wisp_engine_free(capi_engine(engine)); }

/* ---- Stores ---- */

wasm_store_t *wasm_store_new(wasm_engine_t *engine)
{
    if (!engine)
        return NULL;
    wasm_store_t *s = xcalloc(1, sizeof *s);
    s->engine = engine;
    s->store = wisp_store_new(capi_engine(engine));
    return s;
}

void wasm_store_delete(wasm_store_t *s)
{
    if (!s)
        return;
    /* The objects die with the runtime store; then their finalizers run. */
    wisp_store_free(s->store);
    for (uint32_t i = 0; i < s->info_cap; i++) {
        struct capi_info *in = &s->infos[i].info;
        if (s->infos[i].obj && in->finalizer)
            in->finalizer(in->info);
    }
    free(s->infos);
    for (uint32_t i = 0; i < s->nhosts; i++) {
        if (s->hosts[i]->finalizer)
            s->hosts[i]->finalizer(s->hosts[i]->env);
        free(s->hosts[i]);
    }
    free(s->hosts);
    for (uint32_t i = 0; i < s->anchors_cap; i++) {
        struct capi_anchor *a = s->anchors[i];
        if (!a)
            continue;
        if (a->kind == CAPI_MODULE || a->kind == CAPI_TRAP || a->kind == CAPI_FOREIGN)
            capi_shared_release(a->obj);
        free(a);
    }
    free(s->anchors);
    for (uint32_t i = 0; i < s->nmodules; i++)
        capi_shared_release(&s->modules[i]->base);
    free(s->modules);
    if (s->pending)
        capi_shared_release(&s->pending->base);
    free(s);
}

/* ---- Tables by object pointer (open addressing, never shrinking) ---- */

static uint32_t hash_ptr(const void *p, uint32_t cap)
{
    uint64_t h = (uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15ull;
    return (uint32_t)(h >> 32) & (cap - 1);
}

struct capi_info *capi_store_info(wasm_store_t *s, void *obj, bool create)
{
    if (!s)
        return NULL;
    if (s->info_cap) {
        for (uint32_t i = hash_ptr(obj, s->info_cap);; i = (i + 1) & (s->info_cap - 1)) {
            if (s->infos[i].obj == obj)
                return &s->infos[i].info;
            if (!s->infos[i].obj)
                break;
        }
    }
    if (!create)
        return NULL;
    if (2 * (s->ninfo + 1) > s->info_cap) {
        uint32_t old_cap = s->info_cap, cap = old_cap ? 2 * old_cap : 16;
        struct capi_info_slot *old = s->infos;
        s->infos = xcalloc(cap, sizeof *s->infos);
        s->info_cap = cap;
        for (uint32_t j = 0; j < old_cap; j++) {
            if (!old[j].obj)
                continue;
            uint32_t i = hash_ptr(old[j].obj, cap);
            while (s->infos[i].obj)
                i = (i + 1) & (cap - 1);
            s->infos[i] = old[j];
        }
        free(old);
    }
    uint32_t i = hash_ptr(obj, s->info_cap);
    while (s->infos[i].obj)
        i = (i + 1) & (s->info_cap - 1);
    s->infos[i].obj = obj;
    s->ninfo++;
    return &s->infos[i].info;
}

struct capi_anchor *capi_store_anchor(wasm_store_t *s, const struct capi_ref *r)
{
    if (s->anchors_cap) {
        for (uint32_t i = hash_ptr(r->obj, s->anchors_cap);; i = (i + 1) & (s->anchors_cap - 1)) {
            if (!s->anchors[i])
                break;
            if (s->anchors[i]->obj == r->obj)
                return s->anchors[i];
        }
    }
    if (2 * (s->nanchors + 1) > s->anchors_cap) {
        uint32_t old_cap = s->anchors_cap, cap = old_cap ? 2 * old_cap : 16;
        struct capi_anchor **old = s->anchors;
        s->anchors = xcalloc(cap, sizeof *s->anchors);
        s->anchors_cap = cap;
        for (uint32_t j = 0; j < old_cap; j++) {
            if (!old[j])
                continue;
            uint32_t i = hash_ptr(old[j]->obj, cap);
            while (s->anchors[i])
                i = (i + 1) & (cap - 1);
            s->anchors[i] = old[j];
        }
        free(old);
    }
    struct capi_anchor *a = xmalloc(sizeof *a);
    a->kind = r->kind;
    a->obj = r->obj;
    if (a->kind == CAPI_MODULE || a->kind == CAPI_TRAP || a->kind == CAPI_FOREIGN)
        capi_shared_retain(a->obj);
    uint32_t i = hash_ptr(a->obj, s->anchors_cap);
    while (s->anchors[i])
        i = (i + 1) & (s->anchors_cap - 1);
    s->anchors[i] = a;
    s->nanchors++;
    return a;
}

void capi_store_keep_module(wasm_store_t *s, struct capi_module *m)
{
    for (uint32_t i = 0; i < s->nmodules; i++)
        if (s->modules[i] == m)
            return;
    capi_shared_retain(&m->base);
    VEC_GROW(s->modules, s->nmodules, s->modules_cap);
    s->modules[s->nmodules++] = m;
}

/* ---- Errors ---- */

char *capi_format(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = xmalloc(n > 0 ? (size_t)n + 1 : 1);
    va_start(ap, fmt);
    vsnprintf(s, n > 0 ? (size_t)n + 1 : 1, fmt, ap);
    va_end(ap);
    return s;
}

bool capi_fail(wasm_store_t *s, const wisp_error *err)
{
    if (s && err) {
        s->last_error = *err;
        s->has_error = true;
    }
    return false;
}

bool capi_failf(wasm_store_t *s, enum wisp_error_kind kind, const char *fmt, ...)
{
    if (!s)
        return false;
    wisp_error e = {.kind = kind, .offset = -1, .func = -1};
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e.message, sizeof e.message, fmt, ap);
    va_end(ap);
    return capi_fail(s, &e);
}

const struct wisp_error *wisp_wasm_store_last_error(const wasm_store_t *s)
{
    return s && s->has_error ? &s->last_error : NULL;
}

/* ---- Through to wisp.h ---- */

struct wisp_store *wisp_wasm_store(wasm_store_t *s) { return s ? s->store : NULL; }

bool wisp_wasm_store_add_wasi(wasm_store_t *s, const struct wisp_wasi_config *config, struct wisp_error *err)
{
    if (!s || !config)
        return err_set(err, WISP_ERR_LINK, -1, "add WASI: the store and the configuration must not be NULL");
    return wisp_store_add_wasi(s->store, config, err);
}

wasm_extern_t *wisp_wasm_store_import(wasm_store_t *s, const wasm_importtype_t *import)
{
    if (!s || !import)
        return NULL;
    const wasm_name_t *mn = wasm_importtype_module(import), *fn = wasm_importtype_name(import);
    if (mn->size > UINT32_MAX || fn->size > UINT32_MAX)
        return NULL;
    /* NUL-terminated copies: the definitions' names are. */
    struct name module = {.str = xmalloc(mn->size + 1), .len = (uint32_t)mn->size};
    struct name field = {.str = xmalloc(fn->size + 1), .len = (uint32_t)fn->size};
    if (mn->size)
        memcpy(module.str, mn->data, mn->size);
    if (fn->size)
        memcpy(field.str, fn->data, fn->size);
    module.str[module.len] = field.str[field.len] = 0;
    struct rt_extern ext;
    wasm_extern_t *e = NULL;
    if (rt_lookup(capi_rt(s), &module, &field, &ext))
        e = capi_extern_new(s, &ext);
    else
        capi_failf(s, WISP_ERR_LINK, "unknown import: \"%.*s\" \"%.*s\"", (int)module.len, module.str,
                   (int)field.len, field.str);
    free(module.str);
    free(field.str);
    return e;
}
