/* Runs every exported function of a module with zero arguments and prints
 * what happens, one line per event, in a form node can print too
 * (exec_diff.mjs): "log i32 5", "call NAME", "result f64 1.5", "trap".
 * Imports are binaryen's fuzzing-support.log-* functions. Used by
 * exec_diff.sh to compare wisp with V8 on random modules from wasm-opt -ttf. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wisp.h"

/* Numbers print as the bits of their value as a double, which node can
 * reproduce without knowing the wasm type; NaN payloads may differ between
 * engines, so any NaN prints as "nan". i64 prints as an integer. */
static void print_num(const char *what, double d)
{
    uint64_t bits;
    memcpy(&bits, &d, 8);
    if (isnan(d))
        printf("%s nan\n", what);
    else
        printf("%s 0x%016" PRIx64 "\n", what, bits);
}

static void print_val(const char *what, const wisp_val *v)
{
    switch (v->type) {
    case WISP_I32: print_num(what, v->of.i32); break;
    case WISP_I64: printf("%s i64 %" PRId64 "\n", what, v->of.i64); break;
    case WISP_F32: print_num(what, v->of.f32); break;
    case WISP_F64: print_num(what, v->of.f64); break;
    default: printf("%s other\n", what); break;
    }
}

static bool log_value(wisp_caller *caller, void *env, const wisp_val *args, wisp_val *results)
{
    (void)caller; (void)env; (void)results;
    print_val("log", &args[0]);
    return true;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: exec_diff FILE.wasm\n");
        return 2;
    }
    wisp_error err;
    /* EXEC_DIFF_TIER=interp|compiled|auto picks the tier. */
    wisp_config *config = wisp_config_new();
    const char *tier = getenv("EXEC_DIFF_TIER");
    if (tier && strcmp(tier, "compiled") == 0)
        wisp_config_tier(config, WISP_TIER_COMPILED);
    else if (tier && strcmp(tier, "interp") == 0)
        wisp_config_tier(config, WISP_TIER_INTERP);
    wisp_engine *engine = wisp_engine_new_with_config(config);
    wisp_module *module = wisp_module_load_file(engine, argv[1], &err);
    if (!module) {
        char msg[512];
        wisp_error_format(&err, msg, sizeof msg);
        printf("load error %s\n", msg);
        return 1;
    }
    wisp_store *store = wisp_store_new(engine);
    static const wisp_valtype types[] = {WISP_I32, WISP_I64, WISP_F32, WISP_F64};
    static const char *names[] = {"log-i32", "log-i64", "log-f32", "log-f64"};
    for (int i = 0; i < 4; i++)
        wisp_store_define_func(store, "fuzzing-support", names[i], &types[i], 1, NULL, 0, log_value, NULL, NULL);
    wisp_instance *inst = wisp_instance_new(store, module, &err);
    if (!inst)
        printf("instantiate %s\n", err.kind == WISP_ERR_TRAP ? "trap" : "error");
    for (uint32_t i = 0; inst && i < wisp_module_num_exports(module); i++) {
        wisp_extern_info info;
        wisp_module_export(module, i, &info);
        if (strcmp(info.kind, "func") != 0)
            continue;
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)info.name_len, info.name);
        wisp_func *f = wisp_instance_func(inst, name);
        size_t np = wisp_func_num_params(f), nr = wisp_func_num_results(f);
        wisp_val args[16] = {0}, results[16];
        bool simple = np <= 16 && nr <= 16;
        for (size_t k = 0; simple && k < np; k++) {
            args[k].type = wisp_func_param(f, k);
            simple = args[k].type <= WISP_F64;
        }
        for (size_t k = 0; simple && k < nr; k++)
            simple = wisp_func_result(f, k) <= WISP_F64;
        printf("call %s\n", name);
        if (!simple || np > 0) { /* node cannot pass typed zeros for these */
            printf("skip\n");
            continue;
        }
        if (!wisp_func_call(store, f, args, np, results, nr, &err)) {
            printf("trap\n");
            continue;
        }
        for (size_t k = 0; k < nr; k++)
            print_val("result", &results[k]);
    }
    wisp_store_free(store);
    wisp_module_free(module);
    wisp_engine_free(engine);
    return 0;
}
