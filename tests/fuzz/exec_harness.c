/* Runs a module as the execution fuzz targets do (see exec_harness.h).
 *
 * Loading, limits, fuel, instantiation and calls go through the public API
 * (include/wisp.h). The public API cannot tell an imported function's type
 * nor define imported tables, memories or globals, so the stubs for imports
 * are made with the runtime's own API (src/runtime/runtime.h), as the spectest
 * module in src/wast/spectest.c is. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wisp.h"
#include "api/api.h"
#include "exec_harness.h"

bool harness_verbose;

static void report(const char *what, const char *name, bool ok, const wisp_error *err)
{
    if (!harness_verbose)
        return;
    char msg[256] = "ok";
    if (!ok)
        wisp_error_format(err, msg, sizeof msg);
    fprintf(stderr, "%s %s: %s\n", what, name, msg);
}

static wisp_engine *engine(void)
{
    static wisp_engine *e;
    if (!e) {
        wisp_config *c = wisp_config_new();
        wisp_config_consume_fuel(c, true);
        e = wisp_engine_new_with_config(c);
    }
    return e;
}

/* Every imported function: results are zeros. env is the result slot count. */
static bool stub(struct rt_caller *caller, void *env, union slot *args_results)
{
    (void)caller;
    size_t nslots = (size_t)(uintptr_t)env;
    if (nslots)
        memset(args_results, 0, nslots * sizeof *args_results);
    return true;
}

/* Define something for each import, of exactly the imported type. An import
 * that cannot be made (a memory or table past the store's limits) is left
 * undefined, so instantiation fails with a link error. Imports of one name
 * with two kinds: the later definition wins and the other fails to link. */
void harness_define_imports(wisp_store *store, const struct module *m)
{
    struct rt_store *rs = store->rt;
    for (uint32_t i = 0; i < m->nimports; i++) {
        const struct import *im = &m->imports[i];
        struct rt_extern ext = {.kind = im->kind};
        wisp_error err;
        switch (im->kind) {
        case EXT_FUNC: {
            const struct functype *ft = &m->types[im->desc.func_type];
            uint32_t nres = rt_slot_count(functype_results(ft), ft->nresults);
            ext.u.func = rt_func_new_host(rs, ft, stub, (void *)(uintptr_t)nres, "fuzz.stub");
            break;
        }
        case EXT_TABLE:
            ext.u.table = rt_table_new(rs, &im->desc.table, NULL, &err);
            if (!ext.u.table)
                continue;
            break;
        case EXT_MEMORY:
            ext.u.memory = rt_memory_new(rs, &im->desc.memory, &err);
            if (!ext.u.memory)
                continue;
            break;
        case EXT_GLOBAL: {
            union slot zero[2] = {{0}, {0}};
            ext.u.global = rt_global_new(rs, &im->desc.global, zero);
            break;
        }
        default:
            continue;
        }
        rt_define(rs, im->module.str, im->module.len, im->field.str, im->field.len, &ext);
    }
}

static void check_fuel(wisp_store *store)
{
    wisp_error err;
    if (!wisp_store_set_fuel(store, HARNESS_FUEL, &err)) {
        fprintf(stderr, "exec_harness: wisp_store_set_fuel failed\n");
        abort();
    }
}

/* Call one exported function with zero arguments of its type. */
static void call_export(wisp_store *store, wisp_func *f, const char *name)
{
    size_t np = wisp_func_num_params(f), nr = wisp_func_num_results(f);
    wisp_val *args = calloc(np + 1, sizeof *args);
    wisp_val *results = calloc(nr + 1, sizeof *results);
    for (size_t i = 0; i < np; i++)
        args[i].type = wisp_func_param(f, i);
    check_fuel(store);
    wisp_error err;
    bool ok = wisp_func_call(store, f, args, np, results, nr, &err);
    report("call", name, ok, &err);
    free(args);
    free(results);
}

enum harness_result harness_run(const uint8_t *data, size_t size, char *err_out, size_t err_size)
{
    wisp_error err;
    wisp_module *mod = wisp_module_new(engine(), data, size, "fuzz", &err);
    if (!mod) {
        if (err_out)
            wisp_error_format(&err, err_out, err_size);
        return HARNESS_INVALID;
    }
    wisp_store *store = wisp_store_new(engine());
    wisp_store_set_max_memory_size(store, HARNESS_MAX_MEMORY);
    wisp_store_set_max_table_elements(store, HARNESS_MAX_TABLE);
    if (!wisp_store_set_max_wasm_stack(store, HARNESS_MAX_STACK, &err)) {
        fprintf(stderr, "exec_harness: wisp_store_set_max_wasm_stack failed\n");
        abort();
    }
    wisp_store_set_max_call_depth(store, HARNESS_MAX_DEPTH);
    harness_define_imports(store, &mod->m);
    check_fuel(store); /* the start function runs on it */

    enum harness_result res = HARNESS_LINK;
    wisp_instance *inst = wisp_instance_new(store, mod, &err);
    report("instantiate", "module", inst != NULL, &err);
    if (inst || err.kind == WISP_ERR_TRAP || err.kind == WISP_ERR_EXHAUSTION)
        res = HARNESS_RAN;
    if (inst) {
        /* Every exported function, in export order. The function is found
         * through the runtime when its name holds a NUL (the public lookup
         * takes a C string). */
        uint32_t nexports = wisp_module_num_exports(mod), ncalls = 0;
        for (uint32_t i = 0; i < nexports && ncalls < HARNESS_MAX_CALLS; i++) {
            wisp_extern_info info;
            if (!wisp_module_export(mod, i, &info) || strcmp(info.kind, "func") != 0)
                continue;
            wisp_func *f;
            if (strlen(info.name) == info.name_len) {
                f = wisp_instance_func(inst, info.name);
            } else {
                struct rt_extern ext;
                f = rt_instance_export(api_inst(inst), info.name, (uint32_t)info.name_len, &ext)
                        ? (wisp_func *)ext.u.func : NULL;
            }
            if (!f) {
                fprintf(stderr, "exec_harness: export %u is a function but cannot be found\n", i);
                abort();
            }
            call_export(store, f, info.name);
            ncalls++;
        }
    }
    wisp_store_free(store);
    wisp_module_free(mod);
    return res;
}
