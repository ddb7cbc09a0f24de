/* Host functions with more results than a tail call returns in registers,
 * called from compiled code through the per-type stub (results in memory,
 * src/llvm/translate.c): by call, by call_indirect, and by return_call and
 * return_call_indirect, in every tier. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wisp.h"
#include "check.h"

static const char wat[] =
    "(module\n"
    "  (type $t (func (param i32) (result i32 i64 i32 i64 i32)))\n"
    "  (import \"host\" \"five\" (func $five (type $t)))\n"
    "  (table funcref (elem $five))\n"
    "  (func (export \"call\") (type $t) (call $five (local.get 0)))\n"
    "  (func (export \"call_indirect\") (type $t) (call_indirect (type $t) (local.get 0) (i32.const 0)))\n"
    "  (func (export \"return_call\") (type $t) (return_call $five (local.get 0)))\n"
    "  (func (export \"return_call_indirect\") (type $t)\n"
    "    (return_call_indirect (type $t) (local.get 0) (i32.const 0)))\n"
    "  (func $sum (export \"sum\") (param i32) (result i64)\n"
    "    (local $a i32) (local $b i64) (local $c i32) (local $d i64) (local $e i32)\n"
    "    (call $five (local.get 0))\n"
    "    (local.set $e) (local.set $d) (local.set $c) (local.set $b) (local.set $a)\n"
    "    (i64.add (i64.add (i64.extend_i32_u (local.get $a)) (local.get $b))\n"
    "             (i64.add (i64.add (i64.extend_i32_u (local.get $c)) (local.get $d)) (i64.extend_i32_u (local.get $e))))))\n";

/* (x, 2x as i64, x + 1, -x as i64, 7) */
static bool five(wisp_caller *caller, void *env, const wisp_val *args, wisp_val *results)
{
    (void)caller, (void)env;
    int32_t x = args[0].of.i32;
    results[0] = (wisp_val){.type = WISP_I32, .of.i32 = x};
    results[1] = (wisp_val){.type = WISP_I64, .of.i64 = 2 * (int64_t)x};
    results[2] = (wisp_val){.type = WISP_I32, .of.i32 = x + 1};
    results[3] = (wisp_val){.type = WISP_I64, .of.i64 = -(int64_t)x};
    results[4] = (wisp_val){.type = WISP_I32, .of.i32 = 7};
    return true;
}

static void run(wisp_tier tier, const char *name)
{
    wisp_config *config = wisp_config_new();
    wisp_config_tier(config, tier);
    wisp_config_cache(config, false);
    wisp_engine *engine = wisp_engine_new_with_config(config);
    uint8_t *wasm;
    size_t len;
    wisp_error err;
    char what[128];
    if (!wisp_wat_to_wasm(wat, strlen(wat), "many_results.wat", &wasm, &len, &err)) {
        printf("FAIL wat: %s\n", err.message);
        check_failures++;
        wisp_engine_free(engine);
        return;
    }
    wisp_module *m = wisp_module_new(engine, wasm, len, "many_results.wat", &err);
    wisp_free(wasm);
    wisp_store *store = wisp_store_new(engine);
    static const wisp_valtype params[] = {WISP_I32};
    static const wisp_valtype results[] = {WISP_I32, WISP_I64, WISP_I32, WISP_I64, WISP_I32};
    bool ok = m && wisp_store_define_func(store, "host", "five", params, 1, results, 5, five, NULL, &err);
    wisp_instance *inst = ok ? wisp_instance_new(store, m, &err) : NULL;
    snprintf(what, sizeof what, "instantiate (%s)", name);
    CHECK(what, inst != NULL);
    static const char *const exports[] = {"call", "call_indirect", "return_call", "return_call_indirect"};
    for (size_t i = 0; inst && i < sizeof exports / sizeof exports[0]; i++) {
        wisp_val arg = {.type = WISP_I32, .of.i32 = 20}, r[5];
        memset(r, 0, sizeof r);
        bool called = wisp_func_call(store, wisp_instance_func(inst, exports[i]), &arg, 1, r, 5, &err);
        snprintf(what, sizeof what, "five results by %s (%s)", exports[i], name);
        CHECK(what, called && r[0].of.i32 == 20 && r[1].of.i64 == 40 && r[2].of.i32 == 21 && r[3].of.i64 == -20 &&
                        r[4].of.i32 == 7);
    }
    if (inst) {
        wisp_val arg = {.type = WISP_I32, .of.i32 = 5}, r = {0};
        bool called = wisp_func_call(store, wisp_instance_func(inst, "sum"), &arg, 1, &r, 1, &err);
        snprintf(what, sizeof what, "five results used by the caller (%s)", name);
        CHECK(what, called && r.of.i64 == 5 + 10 + 6 - 5 + 7);
    }
    wisp_store_free(store);
    wisp_module_free(m);
    wisp_engine_free(engine);
}

int main(void)
{
    setenv("WISP_TIER_UP_THRESHOLD", "1", 1);
    setenv("WISP_TIER_UP_SYNC", "1", 1);
    run(WISP_TIER_INTERP, "interp");
    const char *why;
    if (wisp_compiled_tier(&why)) {
        run(WISP_TIER_COMPILED, "compiled");
        run(WISP_TIER_AUTO, "auto");
    } else {
        printf("SKIP the compiled and auto tiers: %s\n", why);
    }
    return check_failures != 0;
}
