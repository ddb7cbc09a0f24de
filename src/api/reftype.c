/* Reference types in the public API (include/wisp.h, "Reference types"):
 * what a value type of a module or a store says, as wisp_reftype and
 * wisp_functype handles, and the one rule that checks a host value against
 * it. A handle is a struct type_site: a module's types get theirs here, a
 * store's come with the type when it is interned (runtime/store.c). */
#include <stdlib.h>

#include "api/api.h"

/* wisp_functype is never defined: a handle is a const struct type_site *. */
static const struct type_site *site_of(const wisp_functype *t) { return (const struct type_site *)t; }
static const wisp_functype *handle(const struct type_site *s) { return (const wisp_functype *)s; }

/* The site of type index of module m, which is a wisp_module's. All of
 * them are made at once, on the first query; two threads asking first
 * both make them and one keeps its own. */
static const struct type_site *module_site(const struct module *m, uint32_t index)
{
    wisp_module *mod = (wisp_module *)m; /* m is the first member */
    struct type_site *sites = atomic_load_explicit(&mod->sites, memory_order_acquire);
    if (!sites) {
        struct type_site *made = xmalloc((m->ntypes ? m->ntypes : 1) * sizeof *made);
        for (uint32_t i = 0; i < m->ntypes; i++)
            made[i] = (struct type_site){.type = &m->types[i], .module = m, .index = i};
        if (atomic_compare_exchange_strong_explicit(&mod->sites, &sites, made, memory_order_acq_rel,
                                                    memory_order_acquire))
            sites = made;
        else
            free(made);
    }
    return &sites[index];
}

/* Type index x of the index space site belongs to. */
static const struct type_site *sibling(const struct type_site *site, uint32_t x)
{
    return site->module ? module_site(site->module, x) : rt_store_type_site(site->store, x);
}

static const wisp_heaptype heap_of_code[] = {
    [HT_FUNC] = WISP_HEAP_FUNC,         [HT_EXTERN] = WISP_HEAP_EXTERN, [HT_EXN] = WISP_HEAP_EXN,
    [HT_NOFUNC] = WISP_HEAP_NOFUNC,     [HT_NOEXTERN] = WISP_HEAP_NOEXTERN,
    [HT_NOEXN] = WISP_HEAP_NOEXN,       [HT_ANY] = WISP_HEAP_ANY,       [HT_EQ] = WISP_HEAP_EQ,
    [HT_I31] = WISP_HEAP_I31,           [HT_STRUCT] = WISP_HEAP_STRUCT, [HT_ARRAY] = WISP_HEAP_ARRAY,
    [HT_NONE] = WISP_HEAP_NONE,         [HT_INDEX] = WISP_HEAP_FUNCTYPE,
};

/* t, a value type of the index space of `space` (any site of it), as a
 * wisp_reftype; false for a number or vector type. */
static bool reftype_in(const struct type_site *space, valtype_t t, wisp_reftype *out)
{
    if (!valtype_is_ref(t))
        return false;
    out->nullable = vt_nullable(t);
    out->heap = heap_of_code[vt_heap(t)];
    out->functype = vt_is_index(t) ? handle(sibling(space, vt_index(t))) : NULL;
    out->reserved = NULL;
    return true;
}

/* The value kind of a heap type's hierarchy; false for the GC types, of
 * which wisp has no values. */
static bool heap_kind(wisp_heaptype h, wisp_valtype *kind)
{
    switch (h) {
    case WISP_HEAP_FUNC: case WISP_HEAP_NOFUNC: case WISP_HEAP_FUNCTYPE: *kind = WISP_FUNCREF; return true;
    case WISP_HEAP_EXTERN: case WISP_HEAP_NOEXTERN: *kind = WISP_EXTERNREF; return true;
    case WISP_HEAP_EXN: case WISP_HEAP_NOEXN: *kind = WISP_EXNREF; return true;
    default: return false;
    }
}

bool wisp_reftype_accepts(const wisp_reftype *type, const wisp_val *value)
{
    wisp_valtype kind;
    if (!type || !value || !heap_kind(type->heap, &kind) || value->type != kind)
        return false;
    const void *ref = kind == WISP_FUNCREF     ? (const void *)value->of.funcref
                      : kind == WISP_EXTERNREF ? value->of.externref
                                               : (const void *)value->of.exnref;
    if (!ref)
        return type->nullable;
    switch (type->heap) {
    case WISP_HEAP_FUNC: case WISP_HEAP_EXTERN: case WISP_HEAP_EXN: return true;
    case WISP_HEAP_FUNCTYPE: return wisp_functype_sub(wisp_func_type(value->of.funcref), type->functype);
    default: return false; /* a bottom type: null is its only value */
    }
}

bool api_val_fits(struct rt_store *s, valtype_t t, const wisp_val *v)
{
    struct type_site space = {.store = s};
    wisp_reftype r;
    if (reftype_in(&space, t, &r))
        return wisp_reftype_accepts(&r, v);
    return v->type == valtype_to_wisp(t);
}

/* ---- Function types ---- */

size_t wisp_functype_num_params(const wisp_functype *type) { return site_of(type)->type->nparams; }
size_t wisp_functype_num_results(const wisp_functype *type) { return site_of(type)->type->nresults; }

/* Value i of type's parameters (results: from nparams on), if there. */
static bool value_at(const wisp_functype *type, bool result, size_t i, valtype_t *t)
{
    const struct functype *ft = site_of(type)->type;
    if (i >= (result ? ft->nresults : ft->nparams))
        return false;
    *t = (result ? functype_results(ft) : functype_params(ft))[i];
    return true;
}

bool wisp_functype_param(const wisp_functype *type, size_t i, wisp_valtype *out)
{
    valtype_t t;
    return value_at(type, false, i, &t) && (*out = valtype_to_wisp(t), true);
}

bool wisp_functype_result(const wisp_functype *type, size_t i, wisp_valtype *out)
{
    valtype_t t;
    return value_at(type, true, i, &t) && (*out = valtype_to_wisp(t), true);
}

bool wisp_functype_param_reftype(const wisp_functype *type, size_t i, wisp_reftype *out)
{
    valtype_t t;
    return value_at(type, false, i, &t) && reftype_in(site_of(type), t, out);
}

bool wisp_functype_result_reftype(const wisp_functype *type, size_t i, wisp_reftype *out)
{
    valtype_t t;
    return value_at(type, true, i, &t) && reftype_in(site_of(type), t, out);
}

const wisp_functype *wisp_functype_super(const wisp_functype *type)
{
    const struct type_site *s = site_of(type);
    return s->type->super ? handle(sibling(s, s->type->super - 1)) : NULL;
}

bool wisp_functype_sub(const wisp_functype *sub, const wisp_functype *super)
{
    if (!sub || !super)
        return false;
    const struct type_site *a = site_of(sub), *b = site_of(super);
    if (a->module != b->module || a->store != b->store)
        return false;
    return a->module ? types_sub(a->module->types, a->module->canon, a->index, b->index)
                     : rt_store_type_sub(a->store, a->index, b->index);
}

/* ---- Where types come from ---- */

const wisp_functype *wisp_func_type(const wisp_func *func)
{
    return handle(rt_type_site(api_func(func)->type));
}

bool wisp_func_param_reftype(const wisp_func *func, size_t i, wisp_reftype *out)
{
    return wisp_functype_param_reftype(wisp_func_type(func), i, out);
}

bool wisp_func_result_reftype(const wisp_func *func, size_t i, wisp_reftype *out)
{
    return wisp_functype_result_reftype(wisp_func_type(func), i, out);
}

static bool instance_export(const wisp_instance *instance, const char *name, uint8_t kind, struct rt_extern *ext)
{
    return instance && name && rt_instance_export(api_inst(instance), name, (uint32_t)strlen(name), ext) &&
           ext->kind == kind;
}

bool wisp_instance_global_reftype(const wisp_instance *instance, const char *name, wisp_reftype *out)
{
    struct rt_extern ext;
    if (!instance_export(instance, name, EXT_GLOBAL, &ext))
        return false;
    /* A global's type is in its store's terms, the store of the instance
     * that exports it. */
    struct type_site space = {.store = api_inst(instance)->store};
    return reftype_in(&space, ext.u.global->type, out);
}

bool wisp_instance_tag_param_reftype(const wisp_instance *instance, const char *tag_name, size_t i,
                                     wisp_reftype *out)
{
    struct rt_extern ext;
    return instance_export(instance, tag_name, EXT_TAG, &ext) &&
           wisp_functype_param_reftype(handle(rt_type_site(ext.u.tag->type)), i, out);
}

uint32_t wisp_module_num_types(const wisp_module *module) { return module->m.ntypes; }

const wisp_functype *wisp_module_type(const wisp_module *module, uint32_t index)
{
    return index < module->m.ntypes ? handle(module_site(&module->m, index)) : NULL;
}

bool wisp_module_tag_param_reftype(const wisp_module *module, uint32_t index, size_t i, wisp_reftype *out)
{
    return index < module->m.ntags &&
           wisp_functype_param_reftype(wisp_module_type(module, module->m.tag_types[index]), i, out);
}
