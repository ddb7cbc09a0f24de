/* wasm.h's globals, tables, memories, the externals that stand for any of
 * them and for functions, and instances, which take externals as imports
 * and give them as exports. Each is a handle on the runtime's object
 * (capi.h); creating one creates the runtime object in the store. */
#include <stdlib.h>

#include "capi/capi.h"

/* The capi kinds of the four externals have wasm_externkind_t's values. */
_Static_assert((int)CAPI_FUNC == WASM_EXTERN_FUNC && (int)CAPI_GLOBAL == WASM_EXTERN_GLOBAL &&
                   (int)CAPI_TABLE == WASM_EXTERN_TABLE && (int)CAPI_MEMORY == WASM_EXTERN_MEMORY,
               "extern kinds agree");

static const struct capi_ref *ref_of(const void *h) { return h; }
static wasm_store_t *store_of(const void *h) { return ref_of(h)->store; }

/* ---- Externals ---- */

wasm_extern_t *capi_extern_new(wasm_store_t *store, const struct rt_extern *ext)
{
    switch (ext->kind) {
    case EXT_FUNC: return (wasm_extern_t *)capi_ref_new(CAPI_FUNC, store, ext->u.func);
    case EXT_TABLE: return (wasm_extern_t *)capi_ref_new(CAPI_TABLE, store, ext->u.table);
    case EXT_MEMORY: return (wasm_extern_t *)capi_ref_new(CAPI_MEMORY, store, ext->u.memory);
    default: return (wasm_extern_t *)capi_ref_new(CAPI_GLOBAL, store, ext->u.global);
    }
}

bool capi_extern_to_rt(const wasm_extern_t *e, struct rt_extern *out)
{
    const struct capi_ref *r = ref_of(e);
    switch (r->kind) {
    case CAPI_FUNC: out->kind = EXT_FUNC; out->u.func = r->obj; return true;
    case CAPI_GLOBAL: out->kind = EXT_GLOBAL; out->u.global = r->obj; return true;
    case CAPI_TABLE: out->kind = EXT_TABLE; out->u.table = r->obj; return true;
    case CAPI_MEMORY: out->kind = EXT_MEMORY; out->u.memory = r->obj; return true;
    default: return false;
    }
}

wasm_externkind_t wasm_extern_kind(const wasm_extern_t *e) { return ref_of(e)->kind; }

static wasm_limits_t limits_now(uint64_t size, bool has_max, uint64_t max)
{
    wasm_limits_t l = {.min = size > UINT32_MAX ? UINT32_MAX : (uint32_t)size,
                       .max = has_max && max < UINT32_MAX ? (uint32_t)max : wasm_limits_max_default};
    return l;
}

wasm_globaltype_t *wasm_global_type(const wasm_global_t *global)
{
    const struct rt_global *g = ref_of(global)->obj;
    struct globaltype gt = {.type = g->type, .mutable_ = g->mutable_};
    return capi_globaltype_new(&gt);
}

wasm_tabletype_t *wasm_table_type(const wasm_table_t *table)
{
    const struct rt_table *t = ref_of(table)->obj;
    wasm_limits_t l = limits_now(t->size, t->has_max, t->max);
    return wasm_tabletype_new(capi_valtype_new(t->type), &l);
}

wasm_memorytype_t *wasm_memory_type(const wasm_memory_t *memory)
{
    const struct rt_memory *m = ref_of(memory)->obj;
    wasm_limits_t l = limits_now(m->size / 65536, m->has_max, m->max_pages);
    return wasm_memorytype_new(&l);
}

wasm_externtype_t *wasm_extern_type(const wasm_extern_t *e)
{
    switch (ref_of(e)->kind) {
    case CAPI_FUNC: return wasm_functype_as_externtype(wasm_func_type((const wasm_func_t *)e));
    case CAPI_GLOBAL: return wasm_globaltype_as_externtype(wasm_global_type((const wasm_global_t *)e));
    case CAPI_TABLE: return wasm_tabletype_as_externtype(wasm_table_type((const wasm_table_t *)e));
    default: return wasm_memorytype_as_externtype(wasm_memory_type((const wasm_memory_t *)e));
    }
}

/* The views between each external and wasm_extern_t. */
#define EXTERN_VIEWS(N, KIND)                                                                      \
    wasm_extern_t *wasm_##N##_as_extern(wasm_##N##_t *h) { return (wasm_extern_t *)h; }            \
    const wasm_extern_t *wasm_##N##_as_extern_const(const wasm_##N##_t *h)                         \
    {                                                                                              \
        return (const wasm_extern_t *)h;                                                           \
    }                                                                                              \
    wasm_##N##_t *wasm_extern_as_##N(wasm_extern_t *e)                                             \
    {                                                                                              \
        return e && ref_of(e)->kind == KIND ? (wasm_##N##_t *)e : NULL;                            \
    }                                                                                              \
    const wasm_##N##_t *wasm_extern_as_##N##_const(const wasm_extern_t *e)                         \
    {                                                                                              \
        return e && ref_of(e)->kind == KIND ? (const wasm_##N##_t *)e : NULL;                      \
    }

EXTERN_VIEWS(func, CAPI_FUNC)
EXTERN_VIEWS(global, CAPI_GLOBAL)
EXTERN_VIEWS(table, CAPI_TABLE)
EXTERN_VIEWS(memory, CAPI_MEMORY)

/* ---- Globals ---- */

wasm_global_t *wasm_global_new(wasm_store_t *store, const wasm_globaltype_t *type, const wasm_val_t *val)
{
    if (!store || !type || !val)
        return NULL;
    struct globaltype gt = {.mutable_ = wasm_globaltype_mutability(type) == WASM_VAR};
    if (!capi_valtype(wasm_valtype_kind(wasm_globaltype_content(type)), &gt.type) || gt.type == VT_V128) {
        capi_failf(store, WISP_ERR_LINK, "global: unknown value kind %u",
                   (unsigned)wasm_valtype_kind(wasm_globaltype_content(type)));
        return NULL;
    }
    union slot init[2] = {{0}, {0}};
    if (!capi_val_to_slot(store, gt.type, val, init))
        return NULL;
    return (wasm_global_t *)capi_ref_new(CAPI_GLOBAL, store, rt_global_new(capi_rt(store), &gt, init));
}

void wasm_global_get(const wasm_global_t *global, wasm_val_t *out)
{
    const struct rt_global *g = ref_of(global)->obj;
    capi_slot_to_val(store_of(global), g->type, g->val, out);
}

void wasm_global_set(wasm_global_t *global, const wasm_val_t *val)
{
    struct rt_global *g = (struct rt_global *)ref_of(global)->obj;
    wasm_store_t *store = store_of(global);
    if (!g->mutable_) {
        capi_failf(store, WISP_ERR_LINK, "global.set: the global is immutable");
        return;
    }
    union slot v;
    if (val && capi_val_to_slot(store, g->type, val, &v))
        g->val[0] = v;
}

/* ---- Tables ---- */

wasm_table_t *wasm_table_new(wasm_store_t *store, const wasm_tabletype_t *type, wasm_ref_t *init)
{
    if (!store || !type)
        return NULL;
    const wasm_limits_t *l = wasm_tabletype_limits(type);
    struct tabletype tt = {.limits = {.min = l->min, .max = l->max, .has_max = l->max != wasm_limits_max_default}};
    if (!capi_valtype(wasm_valtype_kind(wasm_tabletype_element(type)), &tt.elem) ||
        (tt.elem != VT_FUNCREF && tt.elem != VT_EXTERNREF)) {
        capi_failf(store, WISP_ERR_LINK, "table: its elements must be references");
        return NULL;
    }
    if (tt.limits.has_max && tt.limits.max < tt.limits.min) {
        capi_failf(store, WISP_ERR_LINK, "table: size minimum must not be greater than maximum");
        return NULL;
    }
    void *raw;
    if (!capi_ref_to_raw(store, tt.elem, init, &raw))
        return NULL;
    wisp_error err;
    struct rt_table *t = rt_table_new(capi_rt(store), &tt, raw, &err);
    if (!t) {
        capi_fail(store, &err);
        return NULL;
    }
    return (wasm_table_t *)capi_ref_new(CAPI_TABLE, store, t);
}

wasm_ref_t *wasm_table_get(const wasm_table_t *table, wasm_table_size_t index)
{
    const struct rt_table *t = ref_of(table)->obj;
    if (index >= t->size)
        return NULL;
    return capi_raw_to_ref(store_of(table), t->type, t->elems[index]);
}

bool wasm_table_set(wasm_table_t *table, wasm_table_size_t index, wasm_ref_t *ref)
{
    struct rt_table *t = (struct rt_table *)ref_of(table)->obj;
    wasm_store_t *store = store_of(table);
    if (index >= t->size)
        return capi_failf(store, WISP_ERR_TRAP, "out of bounds table access: index %u, size %u", index, t->size);
    void *raw;
    if (!capi_ref_to_raw(store, t->type, ref, &raw))
        return false;
    t->elems[index] = raw;
    return true;
}

wasm_table_size_t wasm_table_size(const wasm_table_t *table) { return ((const struct rt_table *)ref_of(table)->obj)->size; }

bool wasm_table_grow(wasm_table_t *table, wasm_table_size_t delta, wasm_ref_t *init)
{
    struct rt_table *t = (struct rt_table *)ref_of(table)->obj;
    wasm_store_t *store = store_of(table);
    void *raw;
    if (!capi_ref_to_raw(store, t->type, init, &raw))
        return false;
    if (rt_table_grow(t, delta, raw) < 0)
        return capi_failf(store, WISP_ERR_LINK, "table.grow: %u more elements are past the table's maximum", delta);
    return true;
}

/* ---- Memories ---- */

wasm_memory_t *wasm_memory_new(wasm_store_t *store, const wasm_memorytype_t *type)
{
    if (!store || !type)
        return NULL;
    const wasm_limits_t *l = wasm_memorytype_limits(type);
    struct memtype mt = {.limits = {.min = l->min, .max = l->max, .has_max = l->max != wasm_limits_max_default}};
    if (mt.limits.min > 65536 || (mt.limits.has_max && mt.limits.max > 65536)) {
        capi_failf(store, WISP_ERR_LINK, "memory size must be at most 65536 pages (4GiB)");
        return NULL;
    }
    if (mt.limits.has_max && mt.limits.max < mt.limits.min) {
        capi_failf(store, WISP_ERR_LINK, "memory: size minimum must not be greater than maximum");
        return NULL;
    }
    wisp_error err;
    struct rt_memory *m = rt_memory_new(capi_rt(store), &mt, &err);
    if (!m) {
        capi_fail(store, &err);
        return NULL;
    }
    return (wasm_memory_t *)capi_ref_new(CAPI_MEMORY, store, m);
}

byte_t *wasm_memory_data(wasm_memory_t *memory) { return (byte_t *)((struct rt_memory *)ref_of(memory)->obj)->data; }
size_t wasm_memory_data_size(const wasm_memory_t *memory)
{
    return (size_t)((const struct rt_memory *)ref_of(memory)->obj)->size;
}
wasm_memory_pages_t wasm_memory_size(const wasm_memory_t *memory)
{
    return (wasm_memory_pages_t)(((const struct rt_memory *)ref_of(memory)->obj)->size / 65536);
}

bool wasm_memory_grow(wasm_memory_t *memory, wasm_memory_pages_t delta)
{
    if (rt_memory_grow((struct rt_memory *)ref_of(memory)->obj, delta) >= 0)
        return true;
    return capi_failf(store_of(memory), WISP_ERR_LINK, "memory.grow: %u more pages are past the memory's maximum",
                      delta);
}

/* ---- Instances ---- */

static bool gather_imports(wasm_store_t *store, const struct module *m, const wasm_extern_vec_t *imports,
                           struct rt_extern *out)
{
    size_t given = imports ? imports->size : 0;
    if (given != m->nimports)
        return capi_failf(store, WISP_ERR_LINK, "%s: the module has %u imports, %zu given",
                          given < m->nimports ? "unknown import" : "incompatible import type", m->nimports, given);
    for (uint32_t i = 0; i < m->nimports; i++) {
        const struct import *im = &m->imports[i];
        const wasm_extern_t *e = imports->data ? imports->data[i] : NULL;
        if (!e || !capi_extern_to_rt(e, &out[i]))
            return capi_failf(store, WISP_ERR_LINK, "unknown import: import %u (\"%.*s\" \"%.*s\") is missing", i,
                              (int)im->module.len, im->module.str, (int)im->field.len, im->field.str);
        if (ref_of(e)->store != store)
            return capi_failf(store, WISP_ERR_LINK, "incompatible import type: import %u (\"%.*s\" \"%.*s\") "
                              "belongs to another store", i, (int)im->module.len, im->module.str,
                              (int)im->field.len, im->field.str);
    }
    return true;
}

wasm_instance_t *wasm_instance_new(wasm_store_t *store, const wasm_module_t *module,
                                   const wasm_extern_vec_t *imports, wasm_trap_t **trap)
{
    if (trap)
        *trap = NULL;
    if (!store || !module)
        return NULL;
    struct capi_module *cm = capi_module_of(module);
    const struct module *m = &cm->module->m;
    struct rt_extern *exts = xcalloc(m->nimports + 1, sizeof *exts);
    struct rt_instance *inst = NULL;
    wisp_error err;
    if (gather_imports(store, m, imports, exts)) {
        /* Kept from here on: a failed instantiation may leave its
         * functions in imported tables. */
        capi_store_keep_module(store, cm);
        capi_rt(store)->ntrace = 0;
        inst = rt_instantiate(capi_rt(store), m, exts, NULL, &err);
        if (!inst) {
            capi_fail(store, &err);
            if (trap)
                *trap = err.kind == WISP_ERR_TRAP || err.kind == WISP_ERR_EXHAUSTION || err.kind == WISP_ERR_EXIT
                            ? capi_trap_from_call(store, &err) : capi_trap_from_text(store, err.message);
        }
    } else if (trap) {
        *trap = capi_trap_from_text(store, store->last_error.message);
    }
    free(exts);
    return inst ? (wasm_instance_t *)capi_ref_new(CAPI_INSTANCE, store, inst) : NULL;
}

void wasm_instance_exports(const wasm_instance_t *instance, wasm_extern_vec_t *out)
{
    const struct rt_instance *inst = ref_of(instance)->obj;
    const struct module *m = inst->module;
    wasm_extern_vec_new_uninitialized(out, m->nexports);
    for (uint32_t i = 0; i < m->nexports; i++) {
        const struct export *ex = &m->exports[i];
        struct rt_extern e = {.kind = ex->kind};
        switch (ex->kind) {
        case EXT_FUNC: e.u.func = inst->funcs[ex->index]; break;
        case EXT_TABLE: e.u.table = inst->tables[ex->index]; break;
        case EXT_MEMORY: e.u.memory = inst->memories[ex->index]; break;
        default: e.u.global = inst->globals[ex->index]; break;
        }
        out->data[i] = capi_extern_new(store_of(instance), &e);
    }
}
