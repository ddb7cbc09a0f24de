/* Unit tests for wisp.h's reference type queries (include/wisp.h,
 * "Reference types"): typed parameters and results, (ref $t) and
 * (ref null $t), abstract and bottom heap types, recursive and declared
 * subtypes, globals, tags, host functions, a module's own types, indices
 * past the end and non-reference types; and that wisp_reftype_accepts is
 * the rule wisp_func_call and wisp_exn_new apply. */
#include <stdio.h>
#include <string.h>

#include "wisp.h"
#include "check.h"

static wisp_module *load(wisp_engine *engine, const char *wat)
{
    uint8_t *wasm;
    size_t len;
    wisp_error err;
    if (!wisp_wat_to_wasm(wat, strlen(wat), "test.wat", &wasm, &len, &err)) {
        printf("FAIL wat: %s\n", err.message);
        return NULL;
    }
    wisp_module *m = wisp_module_new(engine, wasm, len, "test.wat", &err);
    wisp_free(wasm);
    if (!m)
        printf("FAIL module: %s\n", err.message);
    return m;
}

static const char typed_wat[] =
    "(module\n"
    "  (type $ii (func (param i32) (result i32)))\n"                         /* 0 */
    "  (type $l (func (param i64) (result i64)))\n"                          /* 1 */
    "  (rec (type $node (func (param (ref null $node)) (result (ref $ii)))))\n" /* 2 */
    "  (type $base (sub (func (result i32))))\n"                             /* 3 */
    "  (type $derived (sub $base (func (result i32))))\n"                    /* 4 */
    "  (import \"host\" \"ii\" (func $host (type $ii)))\n"
    "  (import \"host\" \"any\" (func $host_any (param funcref externref) (result exnref)))\n"
    "  (tag $e (export \"e\") (param (ref $ii) i32 (ref null $l)))\n"
    "  (global (export \"g\") (ref $ii) (ref.func $inc))\n"
    "  (global (export \"gn\") (mut (ref null $l)) (ref.null $l))\n"
    "  (global (export \"gi\") i32 (i32.const 7))\n"
    "  (global (export \"gx\") externref (ref.null extern))\n"
    "  (global (export \"gnx\") (ref null noextern) (ref.null noextern))\n"
    "  (elem declare func $inc $d)\n"
    "  (export \"host\" (func $host))\n"
    "  (export \"host-any\" (func $host_any))\n"
    "  (func $inc (export \"inc\") (type $ii) (i32.add (local.get 0) (i32.const 1)))\n"
    "  (func (export \"wide\") (type $l) (local.get 0))\n"
    "  (func (export \"apply\") (param (ref $ii) i32) (result i32)\n"
    "    (call_ref $ii (local.get 1) (local.get 0)))\n"
    "  (func (export \"apply-null\") (param (ref null $ii) i32) (result i32)\n"
    "    (call_ref $ii (local.get 1) (local.get 0)))\n"
    "  (func (export \"kinds\") (param (ref func) funcref externref (ref extern) (ref null nofunc)\n"
    "                                (ref null noextern) exnref (ref null noexn) i64 v128)\n"
    "    (result (ref $ii) (ref null nofunc) f32)\n"
    "    (ref.func $inc) (ref.null nofunc) (f32.const 0))\n"
    "  (func $d (export \"d\") (type $derived) (i32.const 5))\n"
    "  (func (export \"take-base\") (param (ref $base)) (result i32) (call_ref $base (local.get 0)))\n"
    "  (func (export \"node\") (type $node) (ref.func $inc)))\n";

static bool host_ii(wisp_caller *caller, void *env, const wisp_val *a, wisp_val *r)
{
    (void)caller, (void)env;
    r[0].of.i32 = a[0].of.i32 * 2;
    return true;
}

static bool host_any(wisp_caller *caller, void *env, const wisp_val *a, wisp_val *r)
{
    (void)caller, (void)env, (void)a;
    r[0].of.exnref = NULL;
    return true;
}

static bool is_ref(const wisp_reftype *r, bool nullable, wisp_heaptype heap, const wisp_functype *ft)
{
    return r->nullable == nullable && r->heap == heap && r->functype == ft;
}

static wisp_val funcv(wisp_func *f) { wisp_val v = {.type = WISP_FUNCREF, .of.funcref = f}; return v; }

/* A module's own types, without a store. */
static void test_module_types(const wisp_module *m)
{
    CHECK("a module's types are counted, imports' and implicit ones included", wisp_module_num_types(m) > 5);
    const wisp_functype *ii = wisp_module_type(m, 0), *l = wisp_module_type(m, 1), *node = wisp_module_type(m, 2),
                        *base = wisp_module_type(m, 3), *derived = wisp_module_type(m, 4);
    CHECK("a module's type past the last one is NULL", wisp_module_type(m, wisp_module_num_types(m)) == NULL);
    CHECK("a module's type handle is the same each time", ii && wisp_module_type(m, 0) == ii);
    wisp_valtype vt = WISP_F64;
    CHECK("a module type's signature", wisp_functype_num_params(ii) == 1 && wisp_functype_num_results(ii) == 1 &&
          wisp_functype_param(ii, 0, &vt) && vt == WISP_I32 && wisp_functype_result(l, 0, &vt) && vt == WISP_I64);
    vt = WISP_F64;
    CHECK("a module type's value past the end", !wisp_functype_param(ii, 1, &vt) && !wisp_functype_result(ii, 1, &vt) &&
          vt == WISP_F64);
    wisp_reftype r = {.nullable = true, .heap = WISP_HEAP_NONE, .functype = NULL}, keep = r;
    CHECK("a number type is not a reference (module type)", !wisp_functype_param_reftype(ii, 0, &r) &&
          is_ref(&r, keep.nullable, keep.heap, keep.functype));
    CHECK("a recursive type names itself: (ref null $node)",
          wisp_functype_param_reftype(node, 0, &r) && is_ref(&r, true, WISP_HEAP_FUNCTYPE, node));
    CHECK("... and returns (ref $ii)", wisp_functype_result_reftype(node, 0, &r) && is_ref(&r, false, WISP_HEAP_FUNCTYPE, ii));
    CHECK("a declared supertype", wisp_functype_super(derived) == base && wisp_functype_super(base) == NULL &&
          wisp_functype_super(ii) == NULL);
    CHECK("subtyping among a module's types", wisp_functype_sub(derived, base) && !wisp_functype_sub(base, derived) &&
          wisp_functype_sub(ii, ii) && !wisp_functype_sub(ii, l) && !wisp_functype_sub(NULL, ii));

    CHECK("a module's tag, typed payload: (ref $ii)",
          wisp_module_tag_param_reftype(m, 0, 0, &r) && is_ref(&r, false, WISP_HEAP_FUNCTYPE, ii));
    keep = r;
    CHECK("a module's tag, i32 payload is no reference", !wisp_module_tag_param_reftype(m, 0, 1, &r) &&
          is_ref(&r, keep.nullable, keep.heap, keep.functype));
    CHECK("a module's tag, (ref null $l)", wisp_module_tag_param_reftype(m, 0, 2, &r) &&
          is_ref(&r, true, WISP_HEAP_FUNCTYPE, l));
    CHECK("a module's tag, payload value past the end", !wisp_module_tag_param_reftype(m, 0, 3, &r));
    CHECK("a module's tag past the last one", !wisp_module_tag_param_reftype(m, 1, 0, &r));
    size_t n = 0;
    wisp_valtype kinds[4];
    CHECK("wisp_module_tag_type still says funcref for typed references",
          wisp_module_tag_type(m, 0, &n, kinds, 4) && n == 3 && kinds[0] == WISP_FUNCREF && kinds[2] == WISP_FUNCREF);
}

static void test_typed(wisp_engine *engine)
{
    wisp_module *m = load(engine, typed_wat);
    if (!m)
        return;
    test_module_types(m);
    wisp_store *s = wisp_store_new(engine), *s2 = wisp_store_new(engine);
    wisp_error err;
    const wisp_valtype i32[] = {WISP_I32}, any_params[] = {WISP_FUNCREF, WISP_EXTERNREF}, any_results[] = {WISP_EXNREF};
    bool ok = true;
    for (int k = 0; k < 2; k++) {
        wisp_store *st = k ? s2 : s;
        ok = ok && wisp_store_define_func(st, "host", "ii", i32, 1, i32, 1, host_ii, NULL, &err) &&
             wisp_store_define_func(st, "host", "any", any_params, 2, any_results, 1, host_any, NULL, &err);
    }
    wisp_instance *inst = ok ? wisp_instance_new(s, m, &err) : NULL, *inst2 = inst ? wisp_instance_new(s2, m, &err) : NULL;
    CHECK("instantiate the typed module in two stores", inst && inst2);
    if (!inst || !inst2) {
        printf("  (%s)\n", err.message);
        goto out;
    }
    wisp_func *inc = wisp_instance_func(inst, "inc"), *wide = wisp_instance_func(inst, "wide"),
              *apply = wisp_instance_func(inst, "apply"), *apply_null = wisp_instance_func(inst, "apply-null"),
              *kinds = wisp_instance_func(inst, "kinds"), *d = wisp_instance_func(inst, "d"),
              *take_base = wisp_instance_func(inst, "take-base"), *node = wisp_instance_func(inst, "node"),
              *host = wisp_instance_func(inst, "host"), *host_any_f = wisp_instance_func(inst, "host-any");
    const wisp_functype *ii = wisp_func_type(inc), *l = wisp_func_type(wide);

    /* (ref $ii), (ref null $ii) */
    wisp_reftype r, keep;
    CHECK("wisp_func_param still says funcref", wisp_func_param(apply, 0) == WISP_FUNCREF);
    CHECK("(ref $ii) parameter: non-null, the function type of inc",
          wisp_func_param_reftype(apply, 0, &r) && is_ref(&r, false, WISP_HEAP_FUNCTYPE, ii));
    wisp_valtype vt = WISP_F64;
    CHECK("its signature", wisp_functype_num_params(r.functype) == 1 && wisp_functype_num_results(r.functype) == 1 &&
          wisp_functype_param(r.functype, 0, &vt) && vt == WISP_I32 && wisp_functype_result(r.functype, 0, &vt) &&
          vt == WISP_I32);
    CHECK("(ref null $ii) parameter", wisp_func_param_reftype(apply_null, 0, &r) &&
          is_ref(&r, true, WISP_HEAP_FUNCTYPE, ii));
    keep = r;
    CHECK("an i32 parameter is no reference, *out untouched", !wisp_func_param_reftype(apply, 1, &r) &&
          is_ref(&r, keep.nullable, keep.heap, keep.functype));
    CHECK("an i32 result is no reference", !wisp_func_result_reftype(apply, 0, &r));
    CHECK("a parameter past the end", !wisp_func_param_reftype(apply, 2, &r) && !wisp_func_param_reftype(apply, 99, &r));
    CHECK("a result past the end", !wisp_func_result_reftype(apply, 1, &r) && !wisp_func_result_reftype(inc, 1, &r));

    /* Every abstract and bottom heap type wisp has. */
    static const struct { bool nullable; wisp_heaptype heap; wisp_valtype kind; const char *name; } want[] = {
        {false, WISP_HEAP_FUNC, WISP_FUNCREF, "(ref func)"},
        {true, WISP_HEAP_FUNC, WISP_FUNCREF, "funcref"},
        {true, WISP_HEAP_EXTERN, WISP_EXTERNREF, "externref"},
        {false, WISP_HEAP_EXTERN, WISP_EXTERNREF, "(ref extern)"},
        {true, WISP_HEAP_NOFUNC, WISP_FUNCREF, "(ref null nofunc)"},
        {true, WISP_HEAP_NOEXTERN, WISP_EXTERNREF, "(ref null noextern)"},
        {true, WISP_HEAP_EXN, WISP_EXNREF, "exnref"},
        {true, WISP_HEAP_NOEXN, WISP_EXNREF, "(ref null noexn)"},
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        char name[96];
        snprintf(name, sizeof name, "parameter %s", want[i].name);
        CHECK(name, wisp_func_param_reftype(kinds, i, &r) && is_ref(&r, want[i].nullable, want[i].heap, NULL) &&
              wisp_func_param(kinds, i) == want[i].kind);
    }
    CHECK("i64 and v128 parameters are no references", !wisp_func_param_reftype(kinds, 8, &r) &&
          !wisp_func_param_reftype(kinds, 9, &r) && !wisp_func_param_reftype(kinds, 10, &r));
    CHECK("result (ref $ii)", wisp_func_result_reftype(kinds, 0, &r) && is_ref(&r, false, WISP_HEAP_FUNCTYPE, ii));
    CHECK("result (ref null nofunc)", wisp_func_result_reftype(kinds, 1, &r) && is_ref(&r, true, WISP_HEAP_NOFUNC, NULL));
    CHECK("an f32 result is no reference", !wisp_func_result_reftype(kinds, 2, &r));

    /* Recursion and subtypes, in store terms. */
    CHECK("a recursive function type: (ref null $node) is the function's own type",
          wisp_func_param_reftype(node, 0, &r) && is_ref(&r, true, WISP_HEAP_FUNCTYPE, wisp_func_type(node)));
    CHECK("... returning (ref $ii)", wisp_func_result_reftype(node, 0, &r) && is_ref(&r, false, WISP_HEAP_FUNCTYPE, ii));
    CHECK("(ref $base) parameter", wisp_func_param_reftype(take_base, 0, &r) && r.heap == WISP_HEAP_FUNCTYPE &&
          wisp_functype_super(wisp_func_type(d)) == r.functype && wisp_functype_super(r.functype) == NULL);
    CHECK("a declared subtype matches, not the other way", wisp_functype_sub(wisp_func_type(d), r.functype) &&
          !wisp_functype_sub(r.functype, wisp_func_type(d)) && !wisp_functype_sub(ii, r.functype));

    /* A store type and a module type are not compared; nor two stores'. */
    const wisp_functype *ii2 = wisp_func_type(wisp_instance_func(inst2, "inc"));
    CHECK("types of two stores are not compared", ii2 != ii && !wisp_functype_sub(ii, ii2));
    CHECK("a module type and a store type are not compared", !wisp_functype_sub(ii, wisp_module_type(m, 0)) &&
          !wisp_functype_sub(wisp_module_type(m, 0), ii));

    /* Host functions: their types are store types too. */
    CHECK("a host function's type is the store's type equivalent to it", wisp_func_type(host) == ii);
    CHECK("a host function's reference parameters are abstract and nullable",
          wisp_func_param_reftype(host_any_f, 0, &r) && is_ref(&r, true, WISP_HEAP_FUNC, NULL) &&
          wisp_func_param_reftype(host_any_f, 1, &r) && is_ref(&r, true, WISP_HEAP_EXTERN, NULL) &&
          wisp_func_result_reftype(host_any_f, 0, &r) && is_ref(&r, true, WISP_HEAP_EXN, NULL));
    CHECK("a host function's i32 parameter is no reference", !wisp_func_param_reftype(host, 0, &r));
    CHECK("a host function's type has no supertype", wisp_functype_super(wisp_func_type(host)) == NULL);

    /* Globals. */
    CHECK("global (ref $ii)", wisp_instance_global_reftype(inst, "g", &r) && is_ref(&r, false, WISP_HEAP_FUNCTYPE, ii));
    CHECK("global (mut (ref null $l))", wisp_instance_global_reftype(inst, "gn", &r) &&
          is_ref(&r, true, WISP_HEAP_FUNCTYPE, l));
    CHECK("global externref", wisp_instance_global_reftype(inst, "gx", &r) && is_ref(&r, true, WISP_HEAP_EXTERN, NULL));
    CHECK("global (ref null noextern), nullexternref",
          wisp_instance_global_reftype(inst, "gnx", &r) && is_ref(&r, true, WISP_HEAP_NOEXTERN, NULL));
    keep = r;
    CHECK("an i32 global is no reference", !wisp_instance_global_reftype(inst, "gi", &r) &&
          is_ref(&r, keep.nullable, keep.heap, keep.functype));
    CHECK("no such global", !wisp_instance_global_reftype(inst, "nope", &r) &&
          !wisp_instance_global_reftype(inst, "inc", &r) && !wisp_instance_global_reftype(inst, NULL, &r));

    /* Tags. */
    CHECK("tag payload (ref $ii)", wisp_instance_tag_param_reftype(inst, "e", 0, &r) &&
          is_ref(&r, false, WISP_HEAP_FUNCTYPE, ii));
    CHECK("tag payload i32 is no reference", !wisp_instance_tag_param_reftype(inst, "e", 1, &r));
    CHECK("tag payload (ref null $l)", wisp_instance_tag_param_reftype(inst, "e", 2, &r) &&
          is_ref(&r, true, WISP_HEAP_FUNCTYPE, l));
    CHECK("tag payload past the end, no such tag", !wisp_instance_tag_param_reftype(inst, "e", 3, &r) &&
          !wisp_instance_tag_param_reftype(inst, "nope", 0, &r) && !wisp_instance_tag_param_reftype(inst, "g", 0, &r));

    /* wisp_reftype_accepts, against what the calls do with the same values. */
    int x = 0;
    wisp_val exn_null = {.type = WISP_EXNREF, .of.exnref = NULL}, ext = {.type = WISP_EXTERNREF, .of.externref = &x},
             ext_null = {.type = WISP_EXTERNREF, .of.externref = NULL}, i32v = {.type = WISP_I32, .of.i32 = 1};
    wisp_reftype t_ii, t_ii_null, t_base;
    wisp_func_param_reftype(apply, 0, &t_ii);
    wisp_func_param_reftype(apply_null, 0, &t_ii_null);
    wisp_func_param_reftype(take_base, 0, &t_base);
    CHECK("accepts: a function of the type, of another type, null",
          wisp_reftype_accepts(&t_ii, &(wisp_val){funcv(inc).type, {.funcref = inc}}) &&
          !wisp_reftype_accepts(&t_ii, &(wisp_val){WISP_FUNCREF, {.funcref = wide}}) &&
          !wisp_reftype_accepts(&t_ii, &(wisp_val){WISP_FUNCREF, {.funcref = NULL}}) &&
          wisp_reftype_accepts(&t_ii_null, &(wisp_val){WISP_FUNCREF, {.funcref = NULL}}) &&
          !wisp_reftype_accepts(&t_ii_null, &(wisp_val){WISP_FUNCREF, {.funcref = wide}}));
    CHECK("accepts: a host function of the type", wisp_reftype_accepts(&t_ii, &(wisp_val){WISP_FUNCREF, {.funcref = host}}));
    CHECK("accepts: a value of another kind", !wisp_reftype_accepts(&t_ii_null, &ext_null) &&
          !wisp_reftype_accepts(&t_ii_null, &i32v) && !wisp_reftype_accepts(&t_ii_null, &exn_null));
    CHECK("accepts: another store's function of the equivalent type",
          !wisp_reftype_accepts(&t_ii, &(wisp_val){WISP_FUNCREF, {.funcref = wisp_instance_func(inst2, "inc")}}));
    wisp_reftype t;
    wisp_func_param_reftype(kinds, 0, &t); /* (ref func) */
    CHECK("accepts: (ref func) takes any function, not null",
          wisp_reftype_accepts(&t, &(wisp_val){WISP_FUNCREF, {.funcref = wide}}) &&
          !wisp_reftype_accepts(&t, &(wisp_val){WISP_FUNCREF, {.funcref = NULL}}));
    wisp_func_param_reftype(kinds, 4, &t); /* (ref null nofunc) */
    CHECK("accepts: nullfuncref takes null only", wisp_reftype_accepts(&t, &(wisp_val){WISP_FUNCREF, {.funcref = NULL}}) &&
          !wisp_reftype_accepts(&t, &(wisp_val){WISP_FUNCREF, {.funcref = inc}}));
    wisp_func_param_reftype(kinds, 5, &t); /* (ref null noextern) */
    CHECK("accepts: nullexternref takes null only", wisp_reftype_accepts(&t, &ext_null) && !wisp_reftype_accepts(&t, &ext));
    wisp_func_param_reftype(kinds, 3, &t); /* (ref extern) */
    CHECK("accepts: (ref extern)", wisp_reftype_accepts(&t, &ext) && !wisp_reftype_accepts(&t, &ext_null));
    wisp_func_param_reftype(kinds, 7, &t); /* (ref null noexn) */
    CHECK("accepts: nullexnref takes null", wisp_reftype_accepts(&t, &exn_null));
    wisp_reftype gc = {.nullable = true, .heap = WISP_HEAP_ANY, .functype = NULL};
    CHECK("accepts: nothing is a value of a GC type yet", !wisp_reftype_accepts(&gc, &ext_null) &&
          !wisp_reftype_accepts(&gc, &(wisp_val){WISP_FUNCREF, {.funcref = NULL}}));
    wisp_reftype modular = {.nullable = true, .heap = WISP_HEAP_FUNCTYPE, .functype = wisp_module_type(m, 0)};
    CHECK("accepts: a module's type takes null, no store's function",
          wisp_reftype_accepts(&modular, &(wisp_val){WISP_FUNCREF, {.funcref = NULL}}) &&
          !wisp_reftype_accepts(&modular, &(wisp_val){WISP_FUNCREF, {.funcref = inc}}));

    /* The same rule as the call's: for each parameter and candidate, the
     * call fails with a link error exactly when accepts says no. */
    wisp_func *targets[] = {apply, apply_null, take_base};
    wisp_func *values[] = {NULL, inc, wide, d, host, node, wisp_instance_func(inst2, "inc")};
    bool same = true;
    for (size_t a = 0; a < 3; a++) {
        wisp_reftype pt;
        wisp_func_param_reftype(targets[a], 0, &pt);
        for (size_t v = 0; v < sizeof values / sizeof *values; v++) {
            wisp_val args[2] = {funcv(values[v]), i32v}, res;
            bool accepted = wisp_reftype_accepts(&pt, &args[0]);
            bool called = wisp_func_call(s, targets[a], args, wisp_func_num_params(targets[a]), &res, 1, &err);
            bool link_error = !called && err.kind == WISP_ERR_LINK;
            if (accepted == link_error) {
                printf("  target %zu, value %zu: accepts %d, call %d (%s)\n", a, v, accepted, called,
                       called ? "" : err.message);
                same = false;
            }
        }
    }
    CHECK("wisp_func_call refuses exactly what wisp_reftype_accepts refuses", same);
    wisp_val res, args[2] = {funcv(d), i32v};
    CHECK("a declared subtype where its supertype is due", wisp_func_call(s, take_base, args, 1, &res, 1, &err) &&
          res.of.i32 == 5);
    args[0] = funcv(host);
    args[1].of.i32 = 21;
    CHECK("a host function where (ref $ii) is due", wisp_func_call(s, apply, args, 2, &res, 1, &err) &&
          res.of.i32 == 42);

    /* wisp_exn_new's payload check is the same rule. */
    wisp_reftype p0, p2;
    wisp_instance_tag_param_reftype(inst, "e", 0, &p0);
    wisp_instance_tag_param_reftype(inst, "e", 2, &p2);
    wisp_val payload[3] = {funcv(wide), i32v, {.type = WISP_FUNCREF, .of.funcref = NULL}};
    CHECK("exn payload: accepts refuses a function of another type, and so does wisp_exn_new",
          !wisp_reftype_accepts(&p0, &payload[0]) && !wisp_exn_new(s, inst, "e", payload, 3, &err) &&
          err.kind == WISP_ERR_LINK);
    payload[0] = funcv(inc);
    CHECK("exn payload: a function of the type and null where allowed",
          wisp_reftype_accepts(&p0, &payload[0]) && wisp_reftype_accepts(&p2, &payload[2]) &&
          wisp_exn_new(s, inst, "e", payload, 3, &err) != NULL);
    payload[2] = funcv(inc);
    CHECK("exn payload: (ref null $l) refuses inc, and so does wisp_exn_new",
          !wisp_reftype_accepts(&p2, &payload[2]) && !wisp_exn_new(s, inst, "e", payload, 3, &err));
    CHECK("accepts: NULL arguments", !wisp_reftype_accepts(NULL, &i32v) && !wisp_reftype_accepts(&p0, NULL));
out:
    wisp_store_free(s);
    wisp_store_free(s2);
    wisp_module_free(m);
}

/* Host function results go through the same check: a host function
 * declared to return funcref that hands back an externref traps, naming
 * both. */
static bool return_func(wisp_caller *caller, void *env, const wisp_val *a, wisp_val *r)
{
    (void)caller, (void)a;
    if (env)
        r[0] = (wisp_val){.type = WISP_EXTERNREF, .of.externref = env};
    else
        r[0].of.funcref = NULL;
    return true;
}

static void test_host_results(wisp_engine *engine)
{
    wisp_module *m = load(engine, "(module (import \"h\" \"null\" (func $n (result funcref)))\n"
                                  "  (import \"h\" \"bad\" (func $b (result funcref)))\n"
                                  "  (func (export \"null\") (result funcref) (call $n))\n"
                                  "  (func (export \"bad\") (result funcref) (call $b)))\n");
    if (!m)
        return;
    wisp_store *s = wisp_store_new(engine);
    wisp_error err;
    const wisp_valtype fr[] = {WISP_FUNCREF};
    static int cookie;
    bool ok = wisp_store_define_func(s, "h", "null", NULL, 0, fr, 1, return_func, NULL, &err) &&
              wisp_store_define_func(s, "h", "bad", NULL, 0, fr, 1, return_func, &cookie, &err);
    wisp_instance *inst = ok ? wisp_instance_new(s, m, &err) : NULL;
    CHECK("instantiate with funcref host functions", inst != NULL);
    if (inst) {
        wisp_reftype r;
        wisp_func *null_f = wisp_instance_func(inst, "null"), *bad = wisp_instance_func(inst, "bad");
        CHECK("funcref result", wisp_func_result_reftype(null_f, 0, &r) && is_ref(&r, true, WISP_HEAP_FUNC, NULL));
        wisp_val res;
        CHECK("a host function's null funcref result passes",
              wisp_func_call(s, null_f, NULL, 0, &res, 1, &err) && res.type == WISP_FUNCREF && res.of.funcref == NULL);
        CHECK("a host function's externref for a funcref result traps",
              !wisp_func_call(s, bad, NULL, 0, &res, 1, &err) && err.kind == WISP_ERR_TRAP &&
              strstr(err.message, "host function h.bad returned externref as result 0, expected funcref"));
    }
    wisp_store_free(s);
    wisp_module_free(m);
}

int main(void)
{
    wisp_engine *engine = wisp_engine_new();
    test_typed(engine);
    test_host_results(engine);
    wisp_engine_free(engine);
    return check_failures != 0;
}
