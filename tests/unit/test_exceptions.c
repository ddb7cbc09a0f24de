/* Wasm exceptions through the public API (include/wisp.h): an exception
 * that crosses a host function (wasm -> host -> wasm that throws), passed
 * on, handled or replaced by the host; one that reaches the embedder,
 * with its tag, payload and backtrace; exnref values in and out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wisp.h"
#include "check.h"

static const char wat[] =
    "(module\n"
    "  (import \"host\" \"call_back\" (func $host (param i32) (result i32)))\n"
    "  (tag $e (export \"e\") (param i32))\n"
    "  (tag $other (export \"other\") (param i32))\n"
    "  (func $inner (export \"inner\") (param i32) (result i32)\n"
    "    (if (local.get 0) (then (throw $e (local.get 0))))\n"
    "    (i32.const 5))\n"
    "  (func (export \"outer\") (param i32) (result i32)\n"
    "    (block $h (result i32)\n"
    "      (try_table (catch $e $h) (return (call $host (local.get 0))))\n"
    "      (unreachable))\n"
    "    (i32.add (i32.const 100)))\n"
    "  (func $bare (export \"outer_nohandler\") (param i32) (result i32) (call $host (local.get 0)))\n"
    "  (func (export \"get_exn\") (result exnref)\n"
    "    (block $h (result exnref)\n"
    "      (try_table (catch_all_ref $h) (throw $e (i32.const 11)))\n"
    "      (unreachable)))\n"
    "  (func (export \"rethrow\") (param exnref) (throw_ref (local.get 0)))\n"
    /* A tail call of the host function from inside a handler replaces
     * the frame, handler and all: what the host passes on goes to the
     * caller, by return_call and by return_call_ref alike. */
    "  (type $hi (func (param i32) (result i32)))\n"
    "  (elem declare func $host)\n"
    "  (func $tail (param i32) (result i32)\n"
    "    (block $h (result i32)\n"
    "      (try_table (catch $e $h) (return_call $host (local.get 0)))\n"
    "      (unreachable))\n"
    "    (i32.add (i32.const 1000)))\n"
    "  (func $tail_ref (param i32) (result i32)\n"
    "    (block $h (result i32)\n"
    "      (try_table (catch $e $h) (return_call_ref $hi (local.get 0) (ref.func $host)))\n"
    "      (unreachable))\n"
    "    (i32.add (i32.const 1000)))\n"
    "  (func (export \"tail_outer\") (param i32 i32) (result i32)\n"
    "    (block $h (result i32)\n"
    "      (try_table (catch $e $h)\n"
    "        (return (if (result i32) (local.get 1) (then (call $tail_ref (local.get 0)))\n"
    "                  (else (call $tail (local.get 0))))))\n"
    "      (unreachable))\n"
    "    (i32.add (i32.const 100)))\n"
    /* A typed payload: wisp_exn_new holds it to the tag's type. */
    "  (tag $typed (export \"typed\") (param (ref $hi)))\n"
    "  (func (export \"wide\") (param i64) (result i64) (local.get 0)))\n";

enum mode { PASS_ON, HANDLE, REPLACE };

struct env {
    wisp_store *store;
    wisp_instance *inst;
    enum mode mode;
    int saw_exception;  /* the callback ended with WISP_ERR_EXCEPTION */
    int32_t saw_payload;
};

/* Calls the instance's "inner" with its argument; what it does with an
 * exception depends on the mode. */
static bool call_back(wisp_caller *caller, void *env_, const wisp_val *args, wisp_val *results)
{
    struct env *env = env_;
    wisp_func *inner = wisp_instance_func(env->inst, "inner");
    wisp_val r;
    wisp_error err;
    if (wisp_func_call(env->store, inner, args, 1, &r, 1, &err)) {
        results[0] = r;
        return true;
    }
    if (err.kind != WISP_ERR_EXCEPTION)
        return wisp_caller_trap(caller, "the callback failed otherwise");
    wisp_exn *exn = wisp_store_exception(env->store);
    wisp_val p;
    env->saw_exception++;
    if (exn && wisp_exn_is(exn, env->inst, "e") && wisp_exn_payload_len(exn) == 1 && wisp_exn_payload(exn, 0, &p))
        env->saw_payload = p.of.i32;
    switch (env->mode) {
    case PASS_ON:
        return wisp_caller_throw(caller, exn);
    case HANDLE:
        results[0].of.i32 = 77;
        return true;
    case REPLACE: {
        wisp_val nine = {.type = WISP_I32, .of.i32 = 9};
        return wisp_caller_throw(caller, wisp_exn_new(env->store, env->inst, "e", &nine, 1, &err));
    }
    }
    return false;
}

static wisp_module *load(wisp_engine *engine)
{
    uint8_t *wasm;
    size_t len;
    wisp_error err;
    if (!wisp_wat_to_wasm(wat, strlen(wat), "exceptions.wat", &wasm, &len, &err)) {
        printf("FAIL wat: %s\n", err.message);
        return NULL;
    }
    wisp_module *m = wisp_module_new(engine, wasm, len, "exceptions.wat", &err);
    wisp_free(wasm);
    if (!m)
        printf("FAIL module: %s\n", err.message);
    return m;
}

static int32_t call_i32(struct env *env, const char *name, int32_t arg, wisp_error *err, bool *ok)
{
    wisp_val a = {.type = WISP_I32, .of.i32 = arg}, r = {0};
    *ok = wisp_func_call(env->store, wisp_instance_func(env->inst, name), &a, 1, &r, 1, err);
    return r.of.i32;
}

static void run_tests(wisp_engine *engine, const char *tier)
{
    char name[160];
#define NAMED(text) (snprintf(name, sizeof name, "%s (%s)", text, tier), name)
    wisp_module *m = load(engine);
    if (!m)
        return;
    struct env env = {.store = wisp_store_new(engine)};
    wisp_error err;
    wisp_valtype i32 = WISP_I32;
    CHECK(NAMED("define the host function"),
          wisp_store_define_func(env.store, "host", "call_back", &i32, 1, &i32, 1, call_back, &env, &err));
    env.inst = wisp_instance_new(env.store, m, &err);
    CHECK(NAMED("instantiate"), env.inst != NULL);
    if (!env.inst)
        goto done;
    bool ok;
    int32_t v = call_i32(&env, "outer", 0, &err, &ok);
    CHECK(NAMED("wasm -> host -> wasm without an exception"), ok && v == 5 && env.saw_exception == 0);

    env.mode = PASS_ON;
    v = call_i32(&env, "outer", 3, &err, &ok);
    CHECK(NAMED("the host sees the callback's exception, its tag and payload"),
          env.saw_exception == 1 && env.saw_payload == 3);
    CHECK(NAMED("passed on by the host, it reaches the wasm handler around the host call"), ok && v == 103);

    env.mode = HANDLE;
    v = call_i32(&env, "outer", 4, &err, &ok);
    CHECK(NAMED("handled by the host, the call returns normally"), ok && v == 77 && env.saw_payload == 4);
    CHECK(NAMED("handled by the host: the call did not end with an exception"),
          wisp_store_exception(env.store) == NULL);

    env.mode = REPLACE;
    v = call_i32(&env, "outer", 6, &err, &ok);
    CHECK(NAMED("a new exception thrown by the host reaches the wasm handler"), ok && v == 109);

    env.mode = PASS_ON;
    call_i32(&env, "outer_nohandler", 8, &err, &ok);
    wisp_exn *exn = wisp_store_exception(env.store);
    wisp_val p = {0};
    CHECK(NAMED("uncaught through the host: WISP_ERR_EXCEPTION naming tag and payload"),
          !ok && err.kind == WISP_ERR_EXCEPTION &&
              strcmp(err.message, "uncaught exception: tag 0, payload (i32 8)") == 0);
    CHECK(NAMED("uncaught: the embedder gets the exception"),
          exn && wisp_exn_is(exn, env.inst, "e") && !wisp_exn_is(exn, env.inst, "other") &&
              wisp_exn_payload(exn, 0, &p) && p.type == WISP_I32 && p.of.i32 == 8 &&
              !wisp_exn_payload(exn, 1, &p));
    wisp_frame f0, f1, f2;
    CHECK(NAMED("uncaught: the backtrace runs from the throw through the host function"),
          wisp_store_backtrace_len(env.store) == 3 && wisp_store_backtrace_frame(env.store, 0, &f0) &&
              wisp_store_backtrace_frame(env.store, 1, &f1) && wisp_store_backtrace_frame(env.store, 2, &f2) &&
              f0.func_name && strcmp(f0.func_name, "inner") == 0 && f1.func_index == UINT32_MAX &&
              f2.func_name && strcmp(f2.func_name, "bare") == 0);

    wisp_val r = {0};
    ok = wisp_func_call(env.store, wisp_instance_func(env.inst, "get_exn"), NULL, 0, &r, 1, &err);
    CHECK(NAMED("an exnref result"), ok && r.type == WISP_EXNREF && r.of.exnref &&
                                         wisp_exn_payload(r.of.exnref, 0, &p) && p.of.i32 == 11);
    ok = wisp_func_call(env.store, wisp_instance_func(env.inst, "rethrow"), &r, 1, NULL, 0, &err);
    CHECK(NAMED("an exnref argument, thrown: the same exception"),
          !ok && err.kind == WISP_ERR_EXCEPTION && wisp_store_exception(env.store) == r.of.exnref);
    env.mode = PASS_ON;
    for (int32_t by_ref = 0; by_ref <= 1; by_ref++) {
        wisp_val a2[2] = {{.type = WISP_I32, .of.i32 = 3}, {.type = WISP_I32, .of.i32 = by_ref}};
        ok = wisp_func_call(env.store, wisp_instance_func(env.inst, "tail_outer"), a2, 2, &r, 1, &err);
        CHECK(NAMED(by_ref ? "return_call_ref of a host function leaves the handler behind"
                           : "return_call of a host function leaves the handler behind"),
              ok && r.of.i32 == 103);
    }
    wisp_val typed[1] = {{.type = WISP_FUNCREF, .of.funcref = wisp_instance_func(env.inst, "wide")}};
    CHECK(NAMED("wisp_exn_new: a function of another type for a typed reference is refused"),
          !wisp_exn_new(env.store, env.inst, "typed", typed, 1, &err) && err.kind == WISP_ERR_LINK);
    typed[0].of.funcref = NULL;
    CHECK(NAMED("wisp_exn_new: null where the type has none is refused"),
          !wisp_exn_new(env.store, env.inst, "typed", typed, 1, &err) && err.kind == WISP_ERR_LINK);
    wisp_val bad = {.type = WISP_F32};
    CHECK(NAMED("wisp_exn_new checks the payload's types"),
          !wisp_exn_new(env.store, env.inst, "e", &bad, 1, &err) && err.kind == WISP_ERR_LINK &&
              !wisp_exn_new(env.store, env.inst, "nope", NULL, 0, &err));
done:
    wisp_store_free(env.store);
    wisp_module_free(m);
#undef NAMED
}

int main(void)
{
    /* The auto tier below moves every function at once (read on first use). */
    setenv("WISP_TIER_UP_THRESHOLD", "1", 1);
    setenv("WISP_TIER_UP_SYNC", "1", 1);
    wisp_config *interp = wisp_config_new();
    wisp_config_tier(interp, WISP_TIER_INTERP);
    wisp_engine *engine = wisp_engine_new_with_config(interp);
    run_tests(engine, "interp");
    wisp_engine_free(engine);
    const char *why;
    if (wisp_compiled_tier(&why)) {
        /* Native code throughout; then everything moving to native code
         * at its first call, so that interpreted and native frames mix. */
        static const struct { enum wisp_tier tier; const char *name; } tiers[] = {
            {WISP_TIER_COMPILED, "compiled"},
            {WISP_TIER_AUTO, "auto"},
        };
        for (size_t i = 0; i < sizeof tiers / sizeof tiers[0]; i++) {
            wisp_config *config = wisp_config_new();
            wisp_config_tier(config, tiers[i].tier);
            wisp_config_cache(config, false);
            engine = wisp_engine_new_with_config(config);
            run_tests(engine, tiers[i].name);
            wisp_engine_free(engine);
        }
    } else {
        printf("SKIP the compiled and auto tiers: %s\n", why);
    }
    return check_failures != 0;
}
