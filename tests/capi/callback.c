/* Host functions: wasm_func_new and wasm_func_new_with_env (with and
 * without a finalizer), called from wasm and from the host, with
 * arguments and results of every number type and several results. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wasm.h>

#include "common.h"

#define own

static int hello_calls;

static const char *kind_name(wasm_valkind_t k)
{
    switch (k) {
    case WASM_I32: return "i32";
    case WASM_I64: return "i64";
    case WASM_F32: return "f32";
    case WASM_F64: return "f64";
    case WASM_EXTERNREF: return "externref";
    case WASM_FUNCREF: return "funcref";
    }
    return "?";
}

static own wasm_trap_t *hello(const wasm_val_vec_t *args, own wasm_val_vec_t *results)
{
    hello_calls++;
    printf("hello from the host: call %d, %zu args, %zu results\n", hello_calls, args->size, results->size);
    return NULL;
}

static own wasm_trap_t *count(const wasm_val_vec_t *args, own wasm_val_vec_t *results)
{
    (void)args;
    printf("count: the result arrives as %s\n", kind_name(results->data[0].kind));
    results->data[0].kind = WASM_I32;
    results->data[0].of.i32 = hello_calls;
    return NULL;
}

struct mixer {
    const char *name;
    int calls;
    int finalized;
};

static own wasm_trap_t *mix(void *env, const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    struct mixer *m = env;
    m->calls++;
    printf("mix (%s, call %d): %zu args: %s %d, %s %" PRId64 ", %s %.3f, %s %.3f; result arrives as %s\n",
           m->name, m->calls, args->size, kind_name(args->data[0].kind), (int)args->data[0].of.i32,
           kind_name(args->data[1].kind), args->data[1].of.i64, kind_name(args->data[2].kind),
           (double)args->data[2].of.f32, kind_name(args->data[3].kind), args->data[3].of.f64,
           kind_name(results->data[0].kind));
    results->data[0].kind = WASM_F64;
    results->data[0].of.f64 = (double)args->data[0].of.i32 + (double)args->data[1].of.i64 +
                              (double)args->data[2].of.f32 + args->data[3].of.f64;
    return NULL;
}

static void mixer_finalize(void *env)
{
    struct mixer *m = env;
    m->finalized++;
}

/* (i32 a, i64 b) -> (i64 b, i32 a) */
static own wasm_trap_t *swap(void *env, const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    printf("swap: env %s, results arrive as %s %s\n", env ? "set" : "NULL", kind_name(results->data[0].kind),
           kind_name(results->data[1].kind));
    results->data[0].kind = WASM_I64;
    results->data[0].of.i64 = args->data[1].of.i64;
    results->data[1].kind = WASM_I32;
    results->data[1].of.i32 = args->data[0].of.i32;
    return NULL;
}

/* reenter(x) = 2 * square(x), square being the module's own export,
 * called from here while wasm is running: the env holds it. */
struct reentry {
    wasm_func_t *square;
    int depth;
};
static own wasm_trap_t *reenter(void *env, const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    struct reentry *r = env;
    wasm_val_t as[1] = {WASM_I32_VAL(args->data[0].of.i32)};
    wasm_val_t rs[1] = {WASM_INIT_VAL};
    wasm_val_vec_t inner_args = WASM_ARRAY_VEC(as), inner_results = WASM_ARRAY_VEC(rs);
    r->depth++;
    own wasm_trap_t *trap = wasm_func_call(r->square, &inner_args, &inner_results);
    printf("reenter(%d): square from inside a host function: %s %d\n", (int)args->data[0].of.i32,
           trap ? "trapped" : "returned", trap ? 0 : (int)rs[0].of.i32);
    r->depth--;
    if (trap)
        return trap;
    results->data[0].kind = WASM_I32;
    results->data[0].of.i32 = 2 * rs[0].of.i32;
    return NULL;
}

/* bounce(n): the module's bounce(n), called from here. */
static wasm_func_t *wasm_bounce;
static int deepest;
static own wasm_trap_t *bounce(const wasm_val_vec_t *args, own wasm_val_vec_t *results)
{
    wasm_val_t as[1] = {WASM_I32_VAL(args->data[0].of.i32)};
    wasm_val_t rs[1] = {WASM_INIT_VAL};
    wasm_val_vec_t inner_args = WASM_ARRAY_VEC(as), inner_results = WASM_ARRAY_VEC(rs);
    deepest++;
    own wasm_trap_t *trap = wasm_func_call(wasm_bounce, &inner_args, &inner_results);
    if (trap)
        return trap;
    results->data[0].kind = WASM_I32;
    results->data[0].of.i32 = rs[0].of.i32;
    return NULL;
}

/* wide: twelve arguments, the last ten back in reverse order. */
static own wasm_trap_t *wide(const wasm_val_vec_t *args, own wasm_val_vec_t *results)
{
    size_t k;
    if (args->size != 12 || results->size != 10)
        return NULL;
    for (k = 0; k < 10; k++)
        results->data[k] = args->data[11 - k];
    return NULL;
}

static void print_vals(const char *what, const wasm_val_t *v, size_t n)
{
    size_t i;
    printf("%s =", what);
    for (i = 0; i < n; i++) {
        switch (v[i].kind) {
        case WASM_I32: printf(" i32 %d", (int)v[i].of.i32); break;
        case WASM_I64: printf(" i64 %" PRId64, v[i].of.i64); break;
        case WASM_F32: printf(" f32 %.1f", (double)v[i].of.f32); break;
        case WASM_F64: printf(" f64 %.1f", v[i].of.f64); break;
        default: printf(" kind %d", (int)v[i].kind); break;
        }
    }
    printf("\n");
}

int main(int argc, char **argv)
{
    /* Line by line: what was printed before a crash is still seen. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc != 2)
        die("usage: callback MODULE.wasm");

    own wasm_engine_t *engine = wasm_engine_new();
    own wasm_store_t *store = wasm_store_new(engine);
    if (!engine || !store)
        die("engine or store");
    own wasm_module_t *module = load_module(store, argv[1]);

    /* The host functions, in the module's import order. */
    own wasm_functype_t *hello_type = wasm_functype_new_0_0();
    own wasm_func_t *hello_func = wasm_func_new(store, hello_type, hello);

    wasm_valtype_t *mix_ps[4] = {wasm_valtype_new_i32(), wasm_valtype_new_i64(), wasm_valtype_new_f32(),
                                 wasm_valtype_new_f64()};
    wasm_valtype_t *mix_rs[1] = {wasm_valtype_new_f64()};
    wasm_valtype_vec_t mix_params, mix_results;
    wasm_valtype_vec_new(&mix_params, 4, mix_ps);
    wasm_valtype_vec_new(&mix_results, 1, mix_rs);
    own wasm_functype_t *mix_type = wasm_functype_new(&mix_params, &mix_results);
    printf("wasm_functype_new leaves its vectors empty: %zu %zu\n", mix_params.size, mix_results.size);
    struct mixer mixer = {"mixer", 0, 0};
    own wasm_func_t *mix_func = wasm_func_new_with_env(store, mix_type, mix, &mixer, mixer_finalize);

    own wasm_functype_t *swap_type = wasm_functype_new_2_2(wasm_valtype_new_i32(), wasm_valtype_new_i64(),
                                                           wasm_valtype_new_i64(), wasm_valtype_new_i32());
    own wasm_func_t *swap_func = wasm_func_new_with_env(store, swap_type, swap, NULL, NULL);

    own wasm_functype_t *count_type = wasm_functype_new_0_1(wasm_valtype_new_i32());
    own wasm_func_t *count_func = wasm_func_new(store, count_type, count);

    own wasm_functype_t *reenter_type = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
    struct reentry reentry = {NULL, 0};
    own wasm_func_t *reenter_func = wasm_func_new_with_env(store, reenter_type, reenter, &reentry, NULL);
    own wasm_func_t *bounce_func = wasm_func_new(store, reenter_type, bounce);
    own wasm_valtype_vec_t wide_params, wide_results;
    {
        const wasm_valkind_t four[4] = {WASM_I32, WASM_I64, WASM_F32, WASM_F64};
        size_t k;
        wasm_valtype_vec_new_uninitialized(&wide_params, 12);
        wasm_valtype_vec_new_uninitialized(&wide_results, 10);
        for (k = 0; k < 12; k++)
            wide_params.data[k] = wasm_valtype_new(four[k % 4]);
        for (k = 0; k < 10; k++)
            wide_results.data[k] = wasm_valtype_new(four[(11 - k) % 4]);
    }
    own wasm_functype_t *wide_type = wasm_functype_new(&wide_params, &wide_results);
    own wasm_func_t *wide_func = wasm_func_new(store, wide_type, wide);

    /* A second function with env and finalizer that is never imported:
     * its finalizer runs at the store's end as well. */
    struct mixer spare = {"spare", 0, 0};
    own wasm_func_t *spare_func = wasm_func_new_with_env(store, mix_type, mix, &spare, mixer_finalize);
    if (!hello_func || !mix_func || !swap_func || !count_func || !spare_func || !reenter_func || !bounce_func || !wide_func)
        die("wasm_func_new");

    printf("arity: hello %zu/%zu, mix %zu/%zu, swap %zu/%zu, count %zu/%zu\n", wasm_func_param_arity(hello_func),
           wasm_func_result_arity(hello_func), wasm_func_param_arity(mix_func), wasm_func_result_arity(mix_func),
           wasm_func_param_arity(swap_func), wasm_func_result_arity(swap_func), wasm_func_param_arity(count_func),
           wasm_func_result_arity(count_func));

    wasm_extern_t *externs[] = {wasm_func_as_extern(hello_func), wasm_func_as_extern(mix_func),
                                wasm_func_as_extern(swap_func), wasm_func_as_extern(count_func),
                                wasm_func_as_extern(reenter_func), wasm_func_as_extern(bounce_func),
                                wasm_func_as_extern(wide_func)};
    wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
    own wasm_trap_t *trap = NULL;
    own wasm_instance_t *instance = wasm_instance_new(store, module, &imports, &trap);
    if (!instance) {
        print_trap("instantiate", trap);
        die("wasm_instance_new");
    }
    printf("instantiated, trap out-param still NULL: %d\n", trap == NULL);

    own wasm_extern_vec_t exports;
    wasm_instance_exports(instance, &exports);
    printf("exports: %zu\n", exports.size);
    wasm_func_t *greet = find_func(module, &exports, "greet");
    wasm_func_t *call_mix = find_func(module, &exports, "call_mix");
    wasm_func_t *call_swap = find_func(module, &exports, "call_swap");
    wasm_func_t *spread = find_func(module, &exports, "spread");
    wasm_func_t *call_reenter = find_func(module, &exports, "call_reenter");
    reentry.square = find_func(module, &exports, "square");
    wasm_bounce = find_func(module, &exports, "bounce");
    wasm_func_t *call_wide = find_func(module, &exports, "call_wide");
    /* The store keeps the module its instance needs: the handle may go. */
    wasm_module_delete(module);
    printf("arity: greet %zu/%zu, call_mix %zu/%zu, call_swap %zu/%zu, spread %zu/%zu\n",
           wasm_func_param_arity(greet), wasm_func_result_arity(greet), wasm_func_param_arity(call_mix),
           wasm_func_result_arity(call_mix), wasm_func_param_arity(call_swap), wasm_func_result_arity(call_swap),
           wasm_func_param_arity(spread), wasm_func_result_arity(spread));

    /* greet(3): hello three times, then count. */
    {
        wasm_val_t as[1] = {WASM_I32_VAL(3)};
        wasm_val_t rs[1] = {WASM_INIT_VAL};
        wasm_val_vec_t args = WASM_ARRAY_VEC(as), results = WASM_ARRAY_VEC(rs);
        trap = wasm_func_call(greet, &args, &results);
        if (trap)
            print_trap("greet", trap);
        else
            printf("greet(3) = %s %d\n", kind_name(rs[0].kind), (int)rs[0].of.i32);
    }

    /* call_mix: every number type into the host and back, times 2. */
    {
        wasm_val_t as[4] = {WASM_I32_VAL(7), WASM_I64_VAL(-8000000000LL), WASM_F32_VAL(1.5f),
                            WASM_F64_VAL(-2.25)};
        wasm_val_t rs[1] = {WASM_INIT_VAL};
        wasm_val_vec_t args = WASM_ARRAY_VEC(as), results = WASM_ARRAY_VEC(rs);
        trap = wasm_func_call(call_mix, &args, &results);
        if (trap)
            print_trap("call_mix", trap);
        else
            printf("call_mix = %s %.3f\n", kind_name(rs[0].kind), rs[0].of.f64);
    }

    /* Two results out of the host, two out of wasm. */
    {
        wasm_val_t as[2] = {WASM_I32_VAL(5), WASM_I64_VAL(77)};
        wasm_val_t rs[2] = {WASM_INIT_VAL, WASM_INIT_VAL};
        wasm_val_vec_t args = WASM_ARRAY_VEC(as), results = WASM_ARRAY_VEC(rs);
        trap = wasm_func_call(call_swap, &args, &results);
        if (trap)
            print_trap("call_swap", trap);
        else
            printf("call_swap(5, 77) = %s %" PRId64 ", %s %d\n", kind_name(rs[0].kind), rs[0].of.i64,
                   kind_name(rs[1].kind), (int)rs[1].of.i32);
    }

    /* Four results of four types out of wasm. */
    {
        wasm_val_t as[1] = {WASM_I32_VAL(-8)};
        wasm_val_t rs[4] = {WASM_INIT_VAL, WASM_INIT_VAL, WASM_INIT_VAL, WASM_INIT_VAL};
        wasm_val_vec_t args = WASM_ARRAY_VEC(as), results = WASM_ARRAY_VEC(rs);
        trap = wasm_func_call(spread, &args, &results);
        if (trap)
            print_trap("spread", trap);
        else
            printf("spread(-8) = %s %d, %s %" PRId64 ", %s %.3f, %s %.3f\n", kind_name(rs[0].kind),
                   (int)rs[0].of.i32, kind_name(rs[1].kind), rs[1].of.i64, kind_name(rs[2].kind),
                   (double)rs[2].of.f32, kind_name(rs[3].kind), rs[3].of.f64);
    }

    /* wasm calls the host, which calls wasm. */
    {
        wasm_val_t as[1] = {WASM_I32_VAL(7)};
        wasm_val_t rs[1] = {WASM_INIT_VAL};
        wasm_val_vec_t args = WASM_ARRAY_VEC(as), results = WASM_ARRAY_VEC(rs);
        trap = wasm_func_call(call_reenter, &args, &results);
        if (trap)
            print_trap("call_reenter", trap);
        else
            printf("call_reenter(7) = %d, depth back to %d\n", (int)rs[0].of.i32, reentry.depth);
    }

    /* wasm and the host calling each other, 40 times each way; then
     * without end, until the stack is exhausted: a trap, not a crash. */
    {
        wasm_val_t as[1] = {WASM_I32_VAL(40)};
        wasm_val_t rs[1] = {WASM_INIT_VAL};
        wasm_val_vec_t args = WASM_ARRAY_VEC(as), results = WASM_ARRAY_VEC(rs);
        trap = wasm_func_call(wasm_bounce, &args, &results);
        if (trap)
            print_trap("bounce(40)", trap);
        else
            printf("bounce(40) = %d, through %d host calls\n", (int)rs[0].of.i32, deepest);
        as[0].of.i32 = 100000000;
        deepest = 0;
        trap = wasm_func_call(wasm_bounce, &args, &results);
        if (trap) {
            wasm_message_t msg;
            wasm_trap_message(trap, &msg);
            printf("bounce(100000000): trapped, \"call stack exhausted\": %d, after more than 20 host calls: %d\n",
                   msg.size > 20 && strncmp(msg.data, "call stack exhausted", 20) == 0, deepest > 20);
            wasm_byte_vec_delete(&msg);
            wasm_trap_delete(trap);
        } else {
            printf("bounce(100000000) = %d\n", (int)rs[0].of.i32);
        }
        as[0].of.i32 = 5;
        trap = wasm_func_call(wasm_bounce, &args, &results);
        if (trap)
            print_trap("bounce(5)", trap);
        else
            printf("bounce(5) = %d afterwards\n", (int)rs[0].of.i32);
    }

    /* Twelve arguments and ten results, through wasm and directly. */
    {
        wasm_val_t as[12] = {WASM_I32_VAL(1), WASM_I64_VAL(2),  WASM_F32_VAL(3.0f),  WASM_F64_VAL(4.0),
                             WASM_I32_VAL(5), WASM_I64_VAL(6),  WASM_F32_VAL(7.0f),  WASM_F64_VAL(8.0),
                             WASM_I32_VAL(9), WASM_I64_VAL(10), WASM_F32_VAL(11.0f), WASM_F64_VAL(12.0)};
        wasm_val_t rs[10];
        wasm_val_vec_t args = WASM_ARRAY_VEC(as), results = WASM_ARRAY_VEC(rs);
        memset(rs, 0, sizeof rs);
        trap = wasm_func_call(call_wide, &args, &results);
        if (trap)
            print_trap("call_wide", trap);
        else
            print_vals("call_wide", rs, 10);
        memset(rs, 0, sizeof rs);
        trap = wasm_func_call(wide_func, &args, &results);
        if (trap)
            print_trap("wide from the host", trap);
        else
            print_vals("wide from the host", rs, 10);
        printf("arity: wide %zu/%zu\n", wasm_func_param_arity(wide_func), wasm_func_result_arity(wide_func));
    }

    /* Host functions called from the host. */
    {
        wasm_val_t as[4] = {WASM_I32_VAL(1), WASM_I64_VAL(2), WASM_F32_VAL(0.25f), WASM_F64_VAL(0.5)};
        wasm_val_t rs[1] = {WASM_INIT_VAL};
        wasm_val_vec_t args = WASM_ARRAY_VEC(as), results = WASM_ARRAY_VEC(rs);
        trap = wasm_func_call(spare_func, &args, &results);
        if (trap)
            print_trap("spare", trap);
        else
            printf("spare called from the host = %s %.3f\n", kind_name(rs[0].kind), rs[0].of.f64);
        wasm_val_vec_t none = WASM_EMPTY_VEC;
        wasm_val_vec_t no_results = WASM_EMPTY_VEC;
        trap = wasm_func_call(hello_func, &none, &no_results);
        print_trap("hello called from the host", trap);
    }
    printf("calls: hello %d, mixer %d, spare %d\n", hello_calls, mixer.calls, spare.calls);

    /* Handles go; the functions, and their env, stay until the store goes. */
    wasm_extern_vec_delete(&exports);
    wasm_instance_delete(instance);
    wasm_func_delete(hello_func);
    wasm_func_delete(mix_func);
    wasm_func_delete(swap_func);
    wasm_func_delete(count_func);
    wasm_func_delete(spare_func);
    wasm_func_delete(reenter_func);
    wasm_func_delete(bounce_func);
    wasm_func_delete(wide_func);
    wasm_functype_delete(wide_type);
    wasm_functype_delete(hello_type);
    wasm_functype_delete(mix_type);
    wasm_functype_delete(swap_type);
    wasm_functype_delete(count_type);
    wasm_functype_delete(reenter_type);
    printf("finalizers before the store is deleted: mixer %d, spare %d\n", mixer.finalized, spare.finalized);
    wasm_store_delete(store);
    printf("finalizers after the store is deleted: mixer %d, spare %d\n", mixer.finalized, spare.finalized);
    wasm_engine_delete(engine);
    printf("finalizers after the engine is deleted: mixer %d, spare %d\n", mixer.finalized, spare.finalized);
    return 0;
}
