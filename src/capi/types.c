/* wasm.h's types: value, function, global, table, memory and external
 * types, import and export types, and building them from a module's. Each
 * of the four external types starts with a wasm_externtype_t, so viewing
 * one as an externtype is a cast. */
#include <stdlib.h>

#include "capi/capi.h"

struct wasm_valtype_t {
    wasm_valkind_t kind;
};

struct wasm_externtype_t {
    wasm_externkind_t kind;
};

struct wasm_functype_t {
    wasm_externtype_t ext;
    wasm_valtype_vec_t params, results;
};

struct wasm_globaltype_t {
    wasm_externtype_t ext;
    wasm_valtype_t *content;
    wasm_mutability_t mutability;
};

struct wasm_tabletype_t {
    wasm_externtype_t ext;
    wasm_valtype_t *element;
    wasm_limits_t limits;
};

struct wasm_memorytype_t {
    wasm_externtype_t ext;
    wasm_limits_t limits;
};

struct wasm_importtype_t {
    wasm_name_t module, name;
    wasm_externtype_t *type;
};

struct wasm_exporttype_t {
    wasm_name_t name;
    wasm_externtype_t *type;
};

/* ---- Value types ---- */

wasm_valtype_t *wasm_valtype_new(wasm_valkind_t kind)
{
    wasm_valtype_t *t = xmalloc(sizeof *t);
    t->kind = kind;
    return t;
}
void wasm_valtype_delete(wasm_valtype_t *t) { free(t); }
wasm_valtype_t *wasm_valtype_copy(const wasm_valtype_t *t) { return wasm_valtype_new(t->kind); }
wasm_valkind_t wasm_valtype_kind(const wasm_valtype_t *t) { return t->kind; }
wasm_valtype_t *capi_valtype_new(valtype_t t) { return wasm_valtype_new(capi_valkind(t)); }

/* ---- Function types ---- */

wasm_functype_t *wasm_functype_new(wasm_valtype_vec_t *params, wasm_valtype_vec_t *results)
{
    wasm_functype_t *t = xcalloc(1, sizeof *t);
    t->ext.kind = WASM_EXTERN_FUNC;
    /* The vectors' elements move into the type. */
    t->params = *params;
    t->results = *results;
    wasm_valtype_vec_new_empty(params);
    wasm_valtype_vec_new_empty(results);
    return t;
}

void wasm_functype_delete(wasm_functype_t *t)
{
    if (!t)
        return;
    wasm_valtype_vec_delete(&t->params);
    wasm_valtype_vec_delete(&t->results);
    free(t);
}

wasm_functype_t *wasm_functype_copy(const wasm_functype_t *t)
{
    wasm_valtype_vec_t p, r;
    wasm_valtype_vec_copy(&p, &t->params);
    wasm_valtype_vec_copy(&r, &t->results);
    return wasm_functype_new(&p, &r);
}

const wasm_valtype_vec_t *wasm_functype_params(const wasm_functype_t *t) { return &t->params; }
const wasm_valtype_vec_t *wasm_functype_results(const wasm_functype_t *t) { return &t->results; }

wasm_functype_t *capi_functype_new(const struct functype *ft)
{
    wasm_valtype_vec_t p, r;
    wasm_valtype_vec_new_uninitialized(&p, ft->nparams);
    wasm_valtype_vec_new_uninitialized(&r, ft->nresults);
    for (uint32_t i = 0; i < ft->nparams; i++)
        p.data[i] = capi_valtype_new(functype_params(ft)[i]);
    for (uint32_t i = 0; i < ft->nresults; i++)
        r.data[i] = capi_valtype_new(functype_results(ft)[i]);
    return wasm_functype_new(&p, &r);
}

bool capi_functype_to_rt(const wasm_functype_t *t, struct functype *out)
{
    size_t n = t->params.size + t->results.size;
    /* The binary format's own bound on a type's length. */
    if (t->params.size > 1000 || t->results.size > 1000)
        return false;
    /* A host function's type is final and alone in its group. */
    *out = (struct functype){.nparams = (uint32_t)t->params.size, .nresults = (uint32_t)t->results.size};
    out->types = xmalloc((n + 1) * sizeof *out->types);
    for (size_t i = 0; i < n; i++) {
        const wasm_valtype_t *v = i < t->params.size ? t->params.data[i] : t->results.data[i - t->params.size];
        if (!v || !capi_valtype(v->kind, &out->types[i])) {
            free(out->types);
            out->types = NULL;
            return false;
        }
    }
    return true;
}

/* ---- Global, table and memory types ---- */

wasm_globaltype_t *wasm_globaltype_new(wasm_valtype_t *content, wasm_mutability_t mutability)
{
    wasm_globaltype_t *t = xcalloc(1, sizeof *t);
    t->ext.kind = WASM_EXTERN_GLOBAL;
    t->content = content;
    t->mutability = mutability;
    return t;
}

void wasm_globaltype_delete(wasm_globaltype_t *t)
{
    if (!t)
        return;
    wasm_valtype_delete(t->content);
    free(t);
}

wasm_globaltype_t *wasm_globaltype_copy(const wasm_globaltype_t *t)
{
    return wasm_globaltype_new(wasm_valtype_copy(t->content), t->mutability);
}

const wasm_valtype_t *wasm_globaltype_content(const wasm_globaltype_t *t) { return t->content; }
wasm_mutability_t wasm_globaltype_mutability(const wasm_globaltype_t *t) { return t->mutability; }

wasm_globaltype_t *capi_globaltype_new(const struct globaltype *g)
{
    return wasm_globaltype_new(capi_valtype_new(g->type), g->mutable_ ? WASM_VAR : WASM_CONST);
}

wasm_tabletype_t *wasm_tabletype_new(wasm_valtype_t *element, const wasm_limits_t *limits)
{
    wasm_tabletype_t *t = xcalloc(1, sizeof *t);
    t->ext.kind = WASM_EXTERN_TABLE;
    t->element = element;
    t->limits = *limits;
    return t;
}

void wasm_tabletype_delete(wasm_tabletype_t *t)
{
    if (!t)
        return;
    wasm_valtype_delete(t->element);
    free(t);
}

wasm_tabletype_t *wasm_tabletype_copy(const wasm_tabletype_t *t)
{
    return wasm_tabletype_new(wasm_valtype_copy(t->element), &t->limits);
}

const wasm_valtype_t *wasm_tabletype_element(const wasm_tabletype_t *t) { return t->element; }
const wasm_limits_t *wasm_tabletype_limits(const wasm_tabletype_t *t) { return &t->limits; }

static wasm_limits_t limits_of(const struct limits *l)
{
    wasm_limits_t w = {
        .min = l->min > UINT32_MAX ? UINT32_MAX : (uint32_t)l->min,
        .max = l->has_max && l->max < UINT32_MAX ? (uint32_t)l->max : wasm_limits_max_default,
    };
    return w;
}

wasm_tabletype_t *capi_tabletype_new(const struct tabletype *t)
{
    wasm_limits_t l = limits_of(&t->limits);
    return wasm_tabletype_new(capi_valtype_new(t->elem), &l);
}

wasm_memorytype_t *wasm_memorytype_new(const wasm_limits_t *limits)
{
    wasm_memorytype_t *t = xcalloc(1, sizeof *t);
    t->ext.kind = WASM_EXTERN_MEMORY;
    t->limits = *limits;
    return t;
}

void wasm_memorytype_delete(wasm_memorytype_t *t) { free(t); }
wasm_memorytype_t *wasm_memorytype_copy(const wasm_memorytype_t *t) { return wasm_memorytype_new(&t->limits); }
const wasm_limits_t *wasm_memorytype_limits(const wasm_memorytype_t *t) { return &t->limits; }

wasm_memorytype_t *capi_memorytype_new(const struct memtype *t)
{
    wasm_limits_t l = limits_of(&t->limits);
    return wasm_memorytype_new(&l);
}

/* ---- External types ---- */

wasm_externkind_t wasm_externtype_kind(const wasm_externtype_t *t) { return t->kind; }

void wasm_externtype_delete(wasm_externtype_t *t)
{
    if (!t)
        return;
    switch (t->kind) {
    case WASM_EXTERN_FUNC: wasm_functype_delete((wasm_functype_t *)t); break;
    case WASM_EXTERN_GLOBAL: wasm_globaltype_delete((wasm_globaltype_t *)t); break;
    case WASM_EXTERN_TABLE: wasm_tabletype_delete((wasm_tabletype_t *)t); break;
    default: wasm_memorytype_delete((wasm_memorytype_t *)t); break;
    }
}

wasm_externtype_t *wasm_externtype_copy(const wasm_externtype_t *t)
{
    switch (t->kind) {
    case WASM_EXTERN_FUNC: return &wasm_functype_copy((const wasm_functype_t *)t)->ext;
    case WASM_EXTERN_GLOBAL: return &wasm_globaltype_copy((const wasm_globaltype_t *)t)->ext;
    case WASM_EXTERN_TABLE: return &wasm_tabletype_copy((const wasm_tabletype_t *)t)->ext;
    default: return &wasm_memorytype_copy((const wasm_memorytype_t *)t)->ext;
    }
}

/* The views between each external type and wasm_externtype_t. */
#define EXTERN_VIEWS(N, KIND)                                                                       \
    wasm_externtype_t *wasm_##N##_as_externtype(wasm_##N##_t *t) { return t ? &t->ext : NULL; }     \
    const wasm_externtype_t *wasm_##N##_as_externtype_const(const wasm_##N##_t *t)                  \
    {                                                                                               \
        return t ? &t->ext : NULL;                                                                  \
    }                                                                                               \
    wasm_##N##_t *wasm_externtype_as_##N(wasm_externtype_t *t)                                      \
    {                                                                                               \
        return t && t->kind == KIND ? (wasm_##N##_t *)t : NULL;                                     \
    }                                                                                               \
    const wasm_##N##_t *wasm_externtype_as_##N##_const(const wasm_externtype_t *t)                  \
    {                                                                                               \
        return t && t->kind == KIND ? (const wasm_##N##_t *)t : NULL;                               \
    }

EXTERN_VIEWS(functype, WASM_EXTERN_FUNC)
EXTERN_VIEWS(globaltype, WASM_EXTERN_GLOBAL)
EXTERN_VIEWS(tabletype, WASM_EXTERN_TABLE)
EXTERN_VIEWS(memorytype, WASM_EXTERN_MEMORY)

/* ---- Import and export types ---- */

wasm_importtype_t *wasm_importtype_new(wasm_name_t *module, wasm_name_t *name, wasm_externtype_t *type)
{
    wasm_importtype_t *t = xcalloc(1, sizeof *t);
    t->module = *module;
    t->name = *name;
    t->type = type;
    wasm_name_new_empty(module);
    wasm_name_new_empty(name);
    return t;
}

void wasm_importtype_delete(wasm_importtype_t *t)
{
    if (!t)
        return;
    wasm_name_delete(&t->module);
    wasm_name_delete(&t->name);
    wasm_externtype_delete(t->type);
    free(t);
}

wasm_importtype_t *wasm_importtype_copy(const wasm_importtype_t *t)
{
    wasm_name_t m, n;
    wasm_name_copy(&m, &t->module);
    wasm_name_copy(&n, &t->name);
    return wasm_importtype_new(&m, &n, wasm_externtype_copy(t->type));
}

const wasm_name_t *wasm_importtype_module(const wasm_importtype_t *t) { return &t->module; }
const wasm_name_t *wasm_importtype_name(const wasm_importtype_t *t) { return &t->name; }
const wasm_externtype_t *wasm_importtype_type(const wasm_importtype_t *t) { return t->type; }

wasm_exporttype_t *wasm_exporttype_new(wasm_name_t *name, wasm_externtype_t *type)
{
    wasm_exporttype_t *t = xcalloc(1, sizeof *t);
    t->name = *name;
    t->type = type;
    wasm_name_new_empty(name);
    return t;
}

void wasm_exporttype_delete(wasm_exporttype_t *t)
{
    if (!t)
        return;
    wasm_name_delete(&t->name);
    wasm_externtype_delete(t->type);
    free(t);
}

wasm_exporttype_t *wasm_exporttype_copy(const wasm_exporttype_t *t)
{
    wasm_name_t n;
    wasm_name_copy(&n, &t->name);
    return wasm_exporttype_new(&n, wasm_externtype_copy(t->type));
}

const wasm_name_t *wasm_exporttype_name(const wasm_exporttype_t *t) { return &t->name; }
const wasm_externtype_t *wasm_exporttype_type(const wasm_exporttype_t *t) { return t->type; }

/* ---- A module's ---- */

static wasm_externtype_t *externtype_of(const struct module *m, uint8_t kind, uint32_t index)
{
    switch (kind) {
    case EXT_FUNC: return &capi_functype_new(&m->types[m->func_types[index]])->ext;
    case EXT_TABLE: return &capi_tabletype_new(&m->tables[index])->ext;
    case EXT_MEMORY: return &capi_memorytype_new(&m->memories[index])->ext;
    default: return &capi_globaltype_new(&m->globals[index].type)->ext;
    }
}

wasm_externtype_t *capi_externtype_of_import(const struct module *m, const struct import *im)
{
    switch (im->kind) {
    case EXT_FUNC: return &capi_functype_new(&m->types[im->desc.func_type])->ext;
    case EXT_TABLE: return &capi_tabletype_new(&im->desc.table)->ext;
    case EXT_MEMORY: return &capi_memorytype_new(&im->desc.memory)->ext;
    default: return &capi_globaltype_new(&im->desc.global)->ext;
    }
}

wasm_externtype_t *capi_externtype_of_export(const struct module *m, const struct export *ex)
{
    return externtype_of(m, ex->kind, ex->index);
}
