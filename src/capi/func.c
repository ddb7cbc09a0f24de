/* wasm.h's functions: host functions (wasm_func_new, wasm_func_new_with_env)
 * as runtime host functions whose adapter converts slots to wasm_val_t and
 * back, and calls into wasm (wasm_func_call), whose failures become traps. */
#include <stdlib.h>

#include "capi/capi.h"

/* Conversions of up to this many values use the C stack. */
#define SMALL 8

static bool has_v128(const valtype_t *types, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (types[i] == VT_V128)
            return true;
    return false;
}

static uint32_t slots_of(valtype_t t) { return t == VT_V128 ? 2 : 1; }

/* A host function's result of the wrong kind traps its caller. Out of
 * line: the message's buffer stays off the stack of the usual path. */
static __attribute__((noinline)) bool result_trap(struct rt_caller *rc, uint32_t i, const char *why)
{
    char *msg = capi_format("host function result %u: %s", i, why);
    rt_host_trap(rc, msg);
    free(msg);
    return false;
}

/* The runtime calls this for every wasm.h host function. */
static bool host_call(struct rt_caller *rc, void *env, union slot *args_results)
{
    struct capi_host *h = env;
    wasm_store_t *store = h->store;
    const struct functype *t = h->type;
    const valtype_t *ptypes = functype_params(t), *rtypes = functype_results(t);
    wasm_val_t small_args[SMALL], small_results[SMALL];
    wasm_val_vec_t args = {t->nparams, t->nparams <= SMALL ? small_args : xmalloc(t->nparams * sizeof(wasm_val_t))};
    wasm_val_vec_t results = {t->nresults,
                              t->nresults <= SMALL ? small_results : xmalloc(t->nresults * sizeof(wasm_val_t))};
    uint32_t pos = 0;
    for (uint32_t i = 0; i < t->nparams; i++) {
        capi_slot_to_val(store, ptypes[i], args_results + pos, &args.data[i]);
        pos += slots_of(ptypes[i]);
    }
    /* Results arrive typed and zero, for the function to overwrite. */
    for (uint32_t i = 0; i < t->nresults; i++) {
        memset(&results.data[i], 0, sizeof results.data[i]);
        results.data[i].kind = capi_valkind(rtypes[i]);
    }

    wasm_trap_t *trap = h->callback_env ? h->callback_env(h->env, &args, &results)
                                        : h->callback(&args, &results);
    bool ok = true;
    if (trap) {
        /* Kept whole for wasm_func_call; the runtime's copy of the message
         * is only for its own error. */
        struct capi_trap *ct = ((struct capi_ref *)trap)->obj;
        capi_shared_retain(&ct->base);
        if (store->pending)
            capi_shared_release(&store->pending->base);
        store->pending = ct;
        rt_host_trap(rc, ct->message);
        wasm_trap_delete(trap);
        ok = false;
    } else {
        pos = 0;
        for (uint32_t i = 0; i < t->nresults && ok; i++) {
            if (!capi_val_to_slot(store, rtypes[i], &results.data[i], args_results + pos))
                ok = result_trap(rc, i, store->last_error.message);
            pos += slots_of(rtypes[i]);
        }
    }
    for (uint32_t i = 0; i < t->nparams; i++)
        wasm_val_delete(&args.data[i]);
    for (uint32_t i = 0; i < t->nresults; i++)
        wasm_val_delete(&results.data[i]);
    if (args.data != small_args)
        free(args.data);
    if (results.data != small_results)
        free(results.data);
    return ok;
}

static wasm_func_t *host_new(wasm_store_t *store, const wasm_functype_t *type, wasm_func_callback_t cb,
                             wasm_func_callback_with_env_t cb_env, void *env, void (*finalizer)(void *))
{
    if (!store || !type || (!cb && !cb_env))
        return NULL;
    struct functype ft;
    if (!capi_functype_to_rt(type, &ft)) {
        capi_failf(store, WISP_ERR_LINK, "host function: its type has an unknown value kind or too many values");
        return NULL;
    }
    if (has_v128(ft.types, ft.nparams + ft.nresults)) {
        free(ft.types);
        capi_failf(store, WISP_ERR_UNSUPPORTED, "host function: v128 values cannot pass through wasm.h");
        return NULL;
    }
    struct capi_host *h = xcalloc(1, sizeof *h);
    h->store = store;
    h->callback = cb;
    h->callback_env = cb_env;
    h->env = env;
    h->finalizer = finalizer;
    VEC_GROW(store->hosts, store->nhosts, store->hosts_cap);
    store->hosts[store->nhosts++] = h;
    struct rt_func *f = rt_func_new_host(capi_rt(store), &ft, host_call, h, "host");
    free(ft.types);
    h->type = f->type;
    return (wasm_func_t *)capi_ref_new(CAPI_FUNC, store, f);
}

wasm_func_t *wasm_func_new(wasm_store_t *store, const wasm_functype_t *type, wasm_func_callback_t callback)
{
    return host_new(store, type, callback, NULL, NULL, NULL);
}

wasm_func_t *wasm_func_new_with_env(wasm_store_t *store, const wasm_functype_t *type,
                                    wasm_func_callback_with_env_t callback, void *env, void (*finalizer)(void *))
{
    return host_new(store, type, NULL, callback, env, finalizer);
}

static struct rt_func *rt_func_of(const wasm_func_t *func)
{
    return ((const struct capi_ref *)func)->obj;
}

wasm_functype_t *wasm_func_type(const wasm_func_t *func) { return capi_functype_new(rt_func_of(func)->type); }
size_t wasm_func_param_arity(const wasm_func_t *func) { return rt_func_of(func)->type->nparams; }
size_t wasm_func_result_arity(const wasm_func_t *func) { return rt_func_of(func)->type->nresults; }

wasm_trap_t *wasm_func_call(const wasm_func_t *func, const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    const struct capi_ref *r = (const struct capi_ref *)func;
    wasm_store_t *store = r->store;
    struct rt_func *f = r->obj;
    const struct functype *t = f->type;
    size_t nargs = args ? args->size : 0, room = results ? results->size : 0;
    char msg[300];
    if (nargs != t->nparams || (t->nparams && !args->data)) {
        snprintf(msg, sizeof msg, "type mismatch: the function takes %u argument%s, %zu given", t->nparams,
                 t->nparams == 1 ? "" : "s", nargs);
        return capi_trap_from_text(store, msg);
    }
    if (room < t->nresults || (t->nresults && !results->data)) {
        snprintf(msg, sizeof msg, "type mismatch: the function returns %u result%s, room for %zu given",
                 t->nresults, t->nresults == 1 ? "" : "s", room);
        return capi_trap_from_text(store, msg);
    }
    if (has_v128(t->types, t->nparams + t->nresults))
        return capi_trap_from_text(store, "v128 values cannot pass through wasm.h");

    size_t nslots = f->nparam_slots > f->nresult_slots ? f->nparam_slots : f->nresult_slots;
    union slot small[SMALL];
    union slot *slots = nslots <= SMALL ? small : xmalloc(nslots * sizeof *slots);
    wasm_trap_t *trap = NULL;
    for (uint32_t i = 0; i < t->nparams; i++) {
        if (!capi_val_to_slot(store, functype_params(t)[i], &args->data[i], &slots[i])) {
            char *text = capi_format("argument %u: %s", i, store->last_error.message);
            trap = capi_trap_from_text(store, text);
            free(text);
            break;
        }
    }
    if (!trap) {
        wisp_error err;
        if (rt_call(capi_rt(store), f, slots, &err)) {
            for (uint32_t i = 0; i < t->nresults; i++)
                capi_slot_to_val(store, functype_results(t)[i], &slots[i], &results->data[i]);
        } else {
            trap = capi_trap_from_call(store, &err);
        }
    }
    if (slots != small)
        free(slots);
    return trap;
}
