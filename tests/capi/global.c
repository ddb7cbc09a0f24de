/* Globals: created by the host (const and var) and imported, defined by
 * the module and exported, read and written from both sides; their
 * types; sets that must be ignored. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wasm.h>

#include "common.h"

#define own

static wasm_module_t *module;
static wasm_extern_vec_t exports;

static wasm_global_t *global_export(const char *name)
{
    wasm_global_t *g = wasm_extern_as_global(find_export(module, &exports, name));
    if (!g)
        die("export is not a global");
    return g;
}

/* Call an export with at most one argument and one result. */
static wasm_val_t call(const char *name, const wasm_val_t *arg)
{
    wasm_func_t *f = find_func(module, &exports, name);
    wasm_val_t rs[1] = {WASM_INIT_VAL};
    wasm_val_vec_t args = {arg ? 1 : 0, (wasm_val_t *)arg};
    wasm_val_vec_t results = {wasm_func_result_arity(f), rs};
    wasm_trap_t *trap = wasm_func_call(f, &args, &results);
    if (trap) {
        print_trap(name, trap);
        die("unexpected trap");
    }
    return rs[0];
}

static void print_val(const char *what, wasm_val_t v)
{
    switch (v.kind) {
    case WASM_I32: printf("%s = i32 %d\n", what, (int)v.of.i32); break;
    case WASM_I64: printf("%s = i64 %" PRId64 "\n", what, v.of.i64); break;
    case WASM_F32: printf("%s = f32 %.4f\n", what, (double)v.of.f32); break;
    case WASM_F64: printf("%s = f64 %.4f\n", what, v.of.f64); break;
    default: printf("%s = kind %d\n", what, (int)v.kind); break;
    }
}

static void print_global(const char *what, const wasm_global_t *g)
{
    wasm_val_t v;
    wasm_global_get(g, &v);
    print_val(what, v);
}

static void print_type(const char *what, const wasm_global_t *g)
{
    own wasm_globaltype_t *t = wasm_global_type(g);
    const char *kinds[] = {"i32", "i64", "f32", "f64"};
    wasm_valkind_t k = wasm_valtype_kind(wasm_globaltype_content(t));
    printf("type of %s: %s %s\n", what, wasm_globaltype_mutability(t) == WASM_VAR ? "var" : "const",
           k < 4 ? kinds[k] : "other");
    wasm_globaltype_delete(t);
}

int main(int argc, char **argv)
{
    /* Line by line: what was printed before a crash is still seen. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc != 2)
        die("usage: global MODULE.wasm");
    own wasm_engine_t *engine = wasm_engine_new();
    own wasm_store_t *store = wasm_store_new(engine);
    module = load_module(store, argv[1]);

    /* The host's globals. */
    own wasm_globaltype_t *const_i32_type = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_CONST);
    own wasm_globaltype_t *var_i64_type = wasm_globaltype_new(wasm_valtype_new_i64(), WASM_VAR);
    own wasm_globaltype_t *const_f32_type = wasm_globaltype_new(wasm_valtype_new_f32(), WASM_CONST);
    own wasm_globaltype_t *var_f64_type = wasm_globaltype_new(wasm_valtype_new_f64(), WASM_VAR);
    wasm_val_t v_i32 = WASM_I32_VAL(1000), v_i64 = WASM_I64_VAL(-5000000000LL), v_f32 = WASM_F32_VAL(3.5f),
               v_f64 = WASM_F64_VAL(-0.0625);

    /* A value of another kind than the type's: no global. */
    own wasm_global_t *wrong = wasm_global_new(store, const_i32_type, &v_i64);
    printf("wasm_global_new with an i64 value for an i32 type: %s\n", wrong ? "a global" : "NULL");
    if (wrong)
        wasm_global_delete(wrong);

    own wasm_global_t *const_i32 = wasm_global_new(store, const_i32_type, &v_i32);
    own wasm_global_t *var_i64 = wasm_global_new(store, var_i64_type, &v_i64);
    own wasm_global_t *const_f32 = wasm_global_new(store, const_f32_type, &v_f32);
    own wasm_global_t *var_f64 = wasm_global_new(store, var_f64_type, &v_f64);
    if (!const_i32 || !var_i64 || !const_f32 || !var_f64)
        die("wasm_global_new");
    print_type("host const_i32", const_i32);
    print_type("host var_i64", var_i64);
    print_type("host const_f32", const_f32);
    print_type("host var_f64", var_f64);

    wasm_extern_t *externs[] = {wasm_global_as_extern(const_i32), wasm_global_as_extern(var_i64),
                                wasm_global_as_extern(const_f32), wasm_global_as_extern(var_f64)};
    wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
    own wasm_trap_t *trap = NULL;
    own wasm_instance_t *instance = wasm_instance_new(store, module, &imports, &trap);
    if (!instance) {
        print_trap("instantiate", trap);
        die("wasm_instance_new");
    }
    wasm_instance_exports(instance, &exports);
    /* The instance lives in the store: its exports work on without the handle. */
    wasm_instance_delete(instance);

    /* Imported globals, read by wasm. */
    print_val("wasm reads const_i32", call("get_const_i32", NULL));
    print_val("wasm reads var_i64", call("get_var_i64", NULL));
    print_val("wasm reads const_f32", call("get_const_f32", NULL));
    print_val("wasm reads var_f64", call("get_var_f64", NULL));

    /* The host sets, wasm sees; wasm sets, the host sees. */
    wasm_val_t nv = WASM_I64_VAL(123456789012LL);
    wasm_global_set(var_i64, &nv);
    print_val("after the host sets var_i64, wasm reads", call("get_var_i64", NULL));
    wasm_val_t arg = WASM_I64_VAL(-77);
    call("set_var_i64", &arg);
    print_global("after wasm sets var_i64, the host reads", var_i64);
    wasm_val_t fa = WASM_F64_VAL(2.75);
    call("set_var_f64", &fa);
    print_global("after wasm sets var_f64, the host reads", var_f64);

    /* The re-exported import is the host's global. */
    wasm_global_t *reexp = global_export("reexp_var_i64");
    printf("re-exported var_i64 is the host's global: %d\n", wasm_global_same(reexp, var_i64));
    printf("...and not another: %d\n", wasm_global_same(reexp, var_f64));
    print_global("re-exported var_i64", reexp);
    print_type("re-exported var_i64", reexp);

    /* The module's own globals. */
    wasm_global_t *exp_const = global_export("exp_const_i32");
    wasm_global_t *exp_var = global_export("exp_var_i32");
    wasm_global_t *exp_f32 = global_export("exp_var_f32");
    print_type("exp_const_i32", exp_const);
    print_type("exp_var_i32", exp_var);
    print_type("exp_var_f32", exp_f32);
    print_global("exp_const_i32", exp_const);
    print_global("exp_var_i32", exp_var);
    print_global("exp_var_f32", exp_f32);
    wasm_val_t seven_hundred = WASM_I32_VAL(700);
    wasm_global_set(exp_var, &seven_hundred);
    print_val("after the host sets exp_var_i32, wasm reads", call("get_exp_var_i32", NULL));
    wasm_val_t minus_three = WASM_I32_VAL(-3);
    call("set_exp_var_i32", &minus_three);
    print_global("after wasm sets exp_var_i32, the host reads", exp_var);
    wasm_val_t quarter = WASM_F32_VAL(0.25f);
    wasm_global_set(exp_f32, &quarter);
    print_val("after the host sets exp_var_f32, wasm reads", call("get_exp_var_f32", NULL));

    /* Sets to ignore: an immutable global, a value of another kind. */
    wasm_val_t bad_i32 = WASM_I32_VAL(-1);
    wasm_val_t bad_f64 = WASM_F64_VAL(99.0);
    wasm_val_t bad_f32 = WASM_F32_VAL(99.0f);
    wasm_global_set(const_i32, &bad_i32);
    print_global("host const_i32 after a set", const_i32);
    print_val("wasm reads const_i32 after a set", call("get_const_i32", NULL));
    wasm_global_set(exp_const, &bad_i32);
    print_global("exp_const_i32 after a set", exp_const);
    print_val("wasm reads exp_const_i32 after a set", call("get_exp_const_i32", NULL));
    wasm_global_set(const_f32, &bad_f32);
    print_global("host const_f32 after a set", const_f32);
    wasm_global_set(var_i64, &bad_i32);
    print_global("var_i64 after a set with an i32", var_i64);
    wasm_global_set(exp_var, &bad_f64);
    print_global("exp_var_i32 after a set with an f64", exp_var);
    print_val("wasm reads exp_var_i32 after a set with an f64", call("get_exp_var_i32", NULL));
    wasm_global_set(var_f64, &bad_f32);
    print_global("var_f64 after a set with an f32", var_f64);

    /* A second handle to the same global, through the extern. */
    own wasm_global_t *copy = wasm_global_copy(exp_var);
    wasm_val_t v9 = WASM_I32_VAL(9);
    wasm_global_set(copy, &v9);
    print_global("exp_var_i32 after a set through a copy of its handle", exp_var);
    wasm_global_delete(copy);

    wasm_extern_vec_delete(&exports);
    wasm_global_delete(const_i32);
    wasm_global_delete(var_i64);
    wasm_global_delete(const_f32);
    wasm_global_delete(var_f64);
    wasm_globaltype_delete(const_i32_type);
    wasm_globaltype_delete(var_i64_type);
    wasm_globaltype_delete(const_f32_type);
    wasm_globaltype_delete(var_f64_type);
    wasm_module_delete(module);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    printf("done\n");
    return 0;
}
