/* The public running API (stores, instances, calls, host functions,
 * backtraces) on top of the runtime in src/runtime/runtime.h. This file only
 * converts between wisp_val and slots and checks what the runtime trusts
 * callers to get right: argument counts and types. */
#include <stdio.h>
#include <stdlib.h>

#include "api/api.h"

/* A host function's adapter: the runtime calls host_adapter with slots, the
 * user's function sees wisp_vals. */
struct api_host {
    wisp_host_func fn;
    void *env;
    const struct functype *type; /* the store's interned copy */
    char *name;                  /* "module.name", for messages */
};

/* Small calls convert on the C stack; larger ones allocate. Kept small
 * because host functions that call back into wasm nest these frames. */
#define SMALL_SLOTS 16
#define SMALL_ARGS 8
#define SMALL_RESULTS 4

static bool valtype_from_wisp(wisp_valtype t, valtype_t *out)
{
    switch (t) {
    case WISP_I32: *out = VT_I32; return true;
    case WISP_I64: *out = VT_I64; return true;
    case WISP_F32: *out = VT_F32; return true;
    case WISP_F64: *out = VT_F64; return true;
    case WISP_V128: *out = VT_V128; return true;
    case WISP_FUNCREF: *out = VT_FUNCREF; return true;
    case WISP_EXTERNREF: *out = VT_EXTERNREF; return true;
    case WISP_EXNREF: *out = VT_EXNREF; return true;
    }
    return false;
}

/* A reference type is the kind of its hierarchy: a typed function
 * reference (ref null? $t) is a WISP_FUNCREF, with what else its type
 * demands checked by val_fits. */
wisp_valtype valtype_to_wisp(valtype_t t)
{
    switch (t) {
    case VT_I64: return WISP_I64;
    case VT_F32: return WISP_F32;
    case VT_F64: return WISP_F64;
    case VT_V128: return WISP_V128;
    }
    if (valtype_is_ref(t))
        return vt_top(t) == HT_EXTERN ? WISP_EXTERNREF : vt_top(t) == HT_EXN ? WISP_EXNREF : WISP_FUNCREF;
    return WISP_I32;
}

/* Whether v, from the host, is a value of type t, a parameter or result of
 * the interned function type ft: the rule wisp_reftype_accepts states
 * (reftype.c), with ft's indices read in ft's own store. */
static bool val_fits(const struct functype *ft, valtype_t t, const wisp_val *v)
{
    return api_val_fits(rt_type_site(ft)->store, t, v);
}

static const char *wisp_valtype_name(wisp_valtype t)
{
    valtype_t vt;
    return valtype_from_wisp(t, &vt) ? valtype_name(vt) : "an unknown type";
}

/* Store v (of its own type) in slots; returns how many it took. */
static uint32_t val_to_slots(const wisp_val *v, union slot *s)
{
    s[0].i64 = 0;
    switch (v->type) {
    case WISP_I32: s[0].i32 = (uint32_t)v->of.i32; return 1;
    case WISP_I64: s[0].i64 = (uint64_t)v->of.i64; return 1;
    case WISP_F32: s[0].f32 = v->of.f32; return 1;
    case WISP_F64: s[0].f64 = v->of.f64; return 1;
    case WISP_V128: memcpy(s, v->of.v128, 16); return 2;
    case WISP_FUNCREF: s[0].ref = api_func(v->of.funcref); return 1;
    case WISP_EXTERNREF: s[0].ref = v->of.externref; return 1;
    case WISP_EXNREF: s[0].ref = v->of.exnref; return 1;
    }
    return 1;
}

/* Read a value of type t from slots into v; returns how many slots it took. */
static uint32_t slots_to_val(valtype_t t, const union slot *s, wisp_val *v)
{
    memset(v, 0, sizeof *v);
    v->type = valtype_to_wisp(t);
    switch (v->type) {
    case WISP_I32: v->of.i32 = (int32_t)s[0].i32; return 1;
    case WISP_I64: v->of.i64 = (int64_t)s[0].i64; return 1;
    case WISP_F32: v->of.f32 = s[0].f32; return 1;
    case WISP_F64: v->of.f64 = s[0].f64; return 1;
    case WISP_V128: memcpy(v->of.v128, s, 16); return 2;
    case WISP_FUNCREF: v->of.funcref = (wisp_func *)s[0].ref; return 1;
    case WISP_EXTERNREF: v->of.externref = s[0].ref; return 1;
    case WISP_EXNREF:
        /* The host holds it now: it lives as long as the store. */
        v->of.exnref = s[0].ref;
        if (v->of.exnref)
            ((struct rt_exception *)s[0].ref)->exposed = true;
        return 1;
    }
    return 1;
}

/* ---- Stores ---- */

wisp_store *wisp_store_new(wisp_engine *engine)
{
    wisp_store *s = xcalloc(1, sizeof *s);
    s->rt = rt_store_new();
    /* Fuel starts at 0 where it is metered: the embedder grants it. */
    s->rt->checks = engine->config.consume_fuel || engine->config.interruptible;
    s->rt->fuel_enabled = engine->config.consume_fuel;
    api_store_codegen(engine, s->rt);
    if (s->rt->fuel_enabled)
        s->rt->fuel = 0;
    return s;
}

void wisp_store_free(wisp_store *store)
{
    if (!store)
        return;
    rt_store_free(store->rt);
    for (uint32_t i = 0; i < store->nhosts; i++) {
        free(store->hosts[i]->name);
        free(store->hosts[i]);
    }
    free(store->hosts);
    if (store->wasi)
        store->wasi_free(store->wasi);
    free(store);
}

void wisp_store_set_max_call_depth(wisp_store *store, uint32_t depth)
{
    store->rt->max_call_depth = depth;
}

/* ---- Host functions ---- */

static bool host_adapter(struct rt_caller *rc, void *env, union slot *args_results)
{
    struct api_host *h = env;
    const struct functype *t = h->type;
    wisp_val small_args[SMALL_ARGS], small_results[SMALL_RESULTS];
    wisp_val *args = t->nparams <= SMALL_ARGS ? small_args : xmalloc(t->nparams * sizeof *args);
    wisp_val *results = t->nresults <= SMALL_RESULTS ? small_results : xmalloc(t->nresults * sizeof *results);

    const valtype_t *params = functype_params(t), *rtypes = functype_results(t);
    uint32_t pos = 0;
    for (uint32_t i = 0; i < t->nparams; i++)
        pos += slots_to_val(params[i], args_results + pos, &args[i]);
    /* Results start zeroed and typed, so a function that only sets the
     * payload is right. */
    for (uint32_t i = 0; i < t->nresults; i++) {
        memset(&results[i], 0, sizeof results[i]);
        results[i].type = valtype_to_wisp(rtypes[i]);
    }

    struct wisp_caller caller = {.rt = rc, .host = h, .trapped = false};
    bool ok = h->fn(&caller, h->env, args, results) && !caller.trapped;
    if (ok) {
        for (uint32_t i = 0; i < t->nresults; i++) {
            if (!val_fits(t, rtypes[i], &results[i])) {
                char msg[256];
                snprintf(msg, sizeof msg, "host function %s returned %s as result %u, expected %s",
                         h->name, wisp_valtype_name(results[i].type), i, valtype_name(rtypes[i]));
                ok = rt_host_trap(rc, msg);
                break;
            }
        }
    } else if (!caller.trapped) {
        /* The function failed without saying why; still trap, and name it. */
        char msg[256];
        snprintf(msg, sizeof msg, "host function %s failed", h->name);
        rt_host_trap(rc, msg);
    }
    if (ok) {
        pos = 0;
        for (uint32_t i = 0; i < t->nresults; i++)
            pos += val_to_slots(&results[i], args_results + pos);
    }
    if (args != small_args)
        free(args);
    if (results != small_results)
        free(results);
    return ok;
}

bool wisp_caller_trap(wisp_caller *caller, const char *message)
{
    caller->trapped = true;
    return rt_host_trap(caller->rt, message ? message : "host function trapped");
}

bool wisp_caller_exit(wisp_caller *caller, int32_t code)
{
    caller->trapped = true;
    return rt_host_exit(caller->rt, code);
}

uint8_t *wisp_caller_memory(wisp_caller *caller, size_t *size)
{
    struct rt_instance *inst = caller->rt->instance;
    if (!inst || inst->module->nmemories == 0) {
        if (size)
            *size = 0;
        return NULL;
    }
    struct rt_memory *m = inst->memories[0];
    if (size)
        *size = (size_t)m->size;
    return m->data;
}

bool wisp_store_define_func(wisp_store *store, const char *module, const char *name,
                            const wisp_valtype *params, size_t nparams,
                            const wisp_valtype *results, size_t nresults,
                            wisp_host_func fn, void *env, wisp_error *err)
{
    if (!module || !name || !fn)
        return err_set(err, WISP_ERR_LINK, -1, "define function: module, name and function must not be NULL");
    /* The binary format's own limit on a function type's length. */
    if (nparams > 1000 || nresults > 1000)
        return err_set(err, WISP_ERR_LINK, -1, "define function %s.%s: too many parameters or results",
                       module, name);
    struct functype ft = {.nparams = (uint32_t)nparams, .nresults = (uint32_t)nresults};
    ft.types = xmalloc((nparams + nresults + 1) * sizeof *ft.types);
    for (size_t i = 0; i < nparams + nresults; i++) {
        wisp_valtype w = i < nparams ? params[i] : results[i - nparams];
        if (!valtype_from_wisp(w, &ft.types[i])) {
            free(ft.types);
            return err_set(err, WISP_ERR_LINK, -1, "define function %s.%s: %s %zu has an unknown type (%d)",
                           module, name, i < nparams ? "parameter" : "result",
                           i < nparams ? i : i - nparams, (int)w);
        }
    }

    struct api_host *h = xcalloc(1, sizeof *h);
    h->fn = fn;
    h->env = env;
    size_t mlen = strlen(module), nlen = strlen(name);
    h->name = xmalloc(mlen + nlen + 2);
    memcpy(h->name, module, mlen);
    h->name[mlen] = '.';
    memcpy(h->name + mlen + 1, name, nlen + 1);
    VEC_GROW(store->hosts, store->nhosts, store->hosts_cap);
    store->hosts[store->nhosts++] = h;

    struct rt_func *f = rt_func_new_host(store->rt, &ft, host_adapter, h, h->name);
    free(ft.types);
    h->type = f->type;
    struct rt_extern ext = {.kind = EXT_FUNC, .u.func = f};
    rt_define(store->rt, module, (uint32_t)mlen, name, (uint32_t)nlen, &ext);
    return true;
}

void wisp_store_define_instance(wisp_store *store, const char *module, wisp_instance *instance)
{
    rt_define_instance(store->rt, module, (uint32_t)strlen(module), api_inst(instance));
}

/* ---- Instances ---- */

wisp_instance *wisp_instance_new(wisp_store *store, const wisp_module *module, wisp_error *err)
{
    const struct module *m = &module->m;
    struct rt_extern *imports = xcalloc(m->nimports, sizeof *imports);
    store->rt->ntrace = 0; /* a link error leaves no backtrace behind */
    struct rt_instance *inst = NULL;
    if (rt_resolve_imports(store->rt, m, imports, err))
        inst = rt_instantiate(store->rt, m, imports, NULL, err);
    free(imports);
    return (wisp_instance *)inst;
}

static bool find_export(const wisp_instance *instance, const char *name, uint8_t kind, struct rt_extern *ext)
{
    return instance && name && rt_instance_export(api_inst(instance), name, (uint32_t)strlen(name), ext) &&
           ext->kind == kind;
}

wisp_func *wisp_instance_func(const wisp_instance *instance, const char *name)
{
    struct rt_extern ext;
    return find_export(instance, name, EXT_FUNC, &ext) ? (wisp_func *)ext.u.func : NULL;
}

bool wisp_instance_global(const wisp_instance *instance, const char *name, wisp_val *value)
{
    struct rt_extern ext;
    if (!find_export(instance, name, EXT_GLOBAL, &ext))
        return false;
    slots_to_val(ext.u.global->type, ext.u.global->val, value);
    return true;
}

uint8_t *wisp_instance_memory(const wisp_instance *instance, const char *name, size_t *size)
{
    struct rt_extern ext;
    if (!find_export(instance, name, EXT_MEMORY, &ext)) {
        if (size)
            *size = 0;
        return NULL;
    }
    if (size)
        *size = (size_t)ext.u.memory->size;
    return ext.u.memory->data;
}

/* ---- Functions ---- */

size_t wisp_func_num_params(const wisp_func *func) { return api_func(func)->type->nparams; }
size_t wisp_func_num_results(const wisp_func *func) { return api_func(func)->type->nresults; }

wisp_valtype wisp_func_param(const wisp_func *func, size_t i)
{
    const struct functype *t = api_func(func)->type;
    return i < t->nparams ? valtype_to_wisp(functype_params(t)[i]) : WISP_I32;
}

wisp_valtype wisp_func_result(const wisp_func *func, size_t i)
{
    const struct functype *t = api_func(func)->type;
    return i < t->nresults ? valtype_to_wisp(functype_results(t)[i]) : WISP_I32;
}

bool wisp_func_call(wisp_store *store, wisp_func *func, const wisp_val *args, size_t nargs,
                    wisp_val *results, size_t nresults, wisp_error *err)
{
    if (!func)
        return err_set(err, WISP_ERR_LINK, -1, "call: null function");
    struct rt_func *f = api_func(func);
    /* A defined function knows its store; running it in another would mix
     * two stores' objects. */
    if (f->inst && f->inst->store != store->rt)
        return err_set(err, WISP_ERR_LINK, -1, "call: the function belongs to another store");
    const struct functype *t = f->type;
    char fname[128];
    if (nargs != t->nparams)
        return err_set(err, WISP_ERR_LINK, -1, "type mismatch: %s takes %u argument%s, %zu given",
                       rt_func_describe(f, fname, sizeof fname), t->nparams, t->nparams == 1 ? "" : "s", nargs);
    if (nresults != t->nresults)
        return err_set(err, WISP_ERR_LINK, -1, "type mismatch: %s returns %u result%s, room for %zu given",
                       rt_func_describe(f, fname, sizeof fname), t->nresults, t->nresults == 1 ? "" : "s",
                       nresults);
    const valtype_t *params = functype_params(t);
    for (size_t i = 0; i < nargs; i++) {
        if (!val_fits(t, params[i], &args[i]))
            return err_set(err, WISP_ERR_LINK, -1, "type mismatch: argument %zu of %s is %s, expected %s", i,
                           rt_func_describe(f, fname, sizeof fname), wisp_valtype_name(args[i].type),
                           valtype_name(params[i]));
    }

    size_t nslots = f->nparam_slots > f->nresult_slots ? f->nparam_slots : f->nresult_slots;
    union slot small[SMALL_SLOTS];
    union slot *slots = nslots <= SMALL_SLOTS ? small : xmalloc(nslots * sizeof *slots);
    uint32_t pos = 0;
    for (size_t i = 0; i < nargs; i++)
        pos += val_to_slots(&args[i], slots + pos);
    bool ok = rt_call(store->rt, f, slots, err);
    if (ok) {
        /* A host function may have handled an exception on the way: this
         * call did not end with one (wisp_store_exception). */
        store->rt->trap = TRAP_NONE;
        const valtype_t *rtypes = functype_results(t);
        pos = 0;
        for (size_t i = 0; i < nresults; i++)
            pos += slots_to_val(rtypes[i], slots + pos, &results[i]);
    }
    if (slots != small)
        free(slots);
    return ok;
}

/* ---- Exceptions ---- */

wisp_exn *wisp_store_exception(wisp_store *store)
{
    struct rt_store *s = store->rt;
    if (s->trap != TRAP_EXCEPTION || !s->exn)
        return NULL;
    s->exn->exposed = true;
    return (wisp_exn *)s->exn;
}

bool wisp_caller_throw(wisp_caller *caller, wisp_exn *exn)
{
    if (!exn)
        return wisp_caller_trap(caller, "wisp_caller_throw: no exception");
    caller->trapped = true;
    return rt_host_throw(caller->rt, (struct rt_exception *)exn);
}

wisp_exn *wisp_exn_new(wisp_store *store, const wisp_instance *instance, const char *tag_name,
                       const wisp_val *payload, size_t npayload, wisp_error *err)
{
    struct rt_extern ext;
    if (!find_export(instance, tag_name, EXT_TAG, &ext))
        return err_set(err, WISP_ERR_LINK, -1, "no tag exported as \"%s\"", tag_name ? tag_name : ""), NULL;
    const struct functype *t = ext.u.tag->type;
    if (npayload != t->nparams)
        return err_set(err, WISP_ERR_LINK, -1, "type mismatch: tag \"%s\" carries %u value%s, %zu given", tag_name,
                       t->nparams, t->nparams == 1 ? "" : "s", npayload), NULL;
    union slot small[SMALL_SLOTS];
    union slot *slots = ext.u.tag->nslots <= SMALL_SLOTS ? small : xmalloc(ext.u.tag->nslots * sizeof *slots);
    uint32_t pos = 0;
    bool ok = true;
    for (size_t i = 0; i < npayload && ok; i++) {
        if (!val_fits(t, functype_params(t)[i], &payload[i]))
            ok = err_set(err, WISP_ERR_LINK, -1, "type mismatch: payload value %zu of tag \"%s\" is %s, expected %s", i,
                         tag_name, wisp_valtype_name(payload[i].type), valtype_name(functype_params(t)[i]));
        else
            pos += val_to_slots(&payload[i], slots + pos);
    }
    struct rt_exception *e = ok ? rt_exception_new(store->rt, ext.u.tag, slots) : NULL;
    if (e)
        e->exposed = true;
    if (slots != small)
        free(slots);
    return (wisp_exn *)e;
}

bool wisp_exn_is(const wisp_exn *exn, const wisp_instance *instance, const char *tag_name)
{
    struct rt_extern ext;
    return exn && find_export(instance, tag_name, EXT_TAG, &ext) &&
           ((const struct rt_exception *)exn)->tag == ext.u.tag;
}

size_t wisp_exn_payload_len(const wisp_exn *exn) { return ((const struct rt_exception *)exn)->tag->type->nparams; }

bool wisp_exn_payload(const wisp_exn *exn, size_t i, wisp_val *value)
{
    const struct rt_exception *e = (const struct rt_exception *)exn;
    const struct functype *t = e->tag->type;
    if (i >= t->nparams)
        return false;
    slots_to_val(functype_params(t)[i], e->payload + rt_slot_count(functype_params(t), (uint32_t)i), value);
    return true;
}

/* ---- Backtraces ---- */

size_t wisp_store_backtrace_len(const wisp_store *store) { return store->rt->ntrace; }

bool wisp_store_backtrace_frame(const wisp_store *store, size_t i, wisp_frame *frame)
{
    if (i >= store->rt->ntrace)
        return false;
    const struct rt_trace_frame *tf = &store->rt->trace[i];
    const struct rt_func *f = tf->func;
    if (f->inst) {
        const struct name *n = module_func_name(f->inst->module, f->index);
        frame->func_index = f->index;
        frame->func_name = n ? n->str : NULL;
        frame->module_name = f->inst->name;
    } else {
        frame->func_index = UINT32_MAX;
        frame->func_name = f->host_name;
        frame->module_name = NULL;
    }
    frame->offset = tf->offset == UINT32_MAX ? -1 : (int64_t)tf->offset;
    return true;
}
