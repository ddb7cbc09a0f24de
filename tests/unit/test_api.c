/* Unit tests for the running half of the public API (include/wisp.h): host
 * functions of every value type, traps and exits from the host, call type
 * checks, backtraces, linking between instances, independent stores, and
 * instances with several memories. */
#include <math.h>
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

static wisp_val i32v(int32_t v) { wisp_val x = {.type = WISP_I32, .of.i32 = v}; return x; }

/* ---- A host function of every type ---- */

/* Takes (i32 i64 f32 f64 v128 externref) and returns each changed in a
 * recognizable way, so both directions of every conversion are checked. */
static bool every_type(wisp_caller *caller, void *env, const wisp_val *a, wisp_val *r)
{
    int *calls = env;
    ++*calls;
    size_t size;
    /* Called from wasm: the caller's memory is visible. */
    uint8_t *mem = wisp_caller_memory(caller, &size);
    if (!mem || size != 65536 || mem[0] != 'W')
        return wisp_caller_trap(caller, "caller memory not visible");
    r[0].of.i32 = (int32_t)((uint32_t)a[0].of.i32 + 1u); /* wraps, as i32.add would */
    r[1].of.i64 = a[1].of.i64 * 2;
    r[2].of.f32 = -a[2].of.f32;
    r[3].of.f64 = a[3].of.f64 / 4;
    for (int i = 0; i < 16; i++)
        r[4].of.v128[i] = a[4].of.v128[15 - i];
    r[5].of.externref = a[5].of.externref;
    return true;
}

static const char every_type_wat[] =
    "(module\n"
    "  (type $t (func (param i32 i64 f32 f64 v128 externref)\n"
    "                 (result i32 i64 f32 f64 v128 externref)))\n"
    "  (import \"host\" \"every\" (func $every (type $t)))\n"
    "  (memory 1) (data (i32.const 0) \"W\")\n"
    "  (export \"every\" (func $every))\n"
    "  (func (export \"through\") (type $t)\n"
    "    (call $every (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4) (local.get 5)))\n"
    "  (func (export \"consts\") (result i32 i64 f32 f64 v128 externref)\n"
    "    (call $every (i32.const -5) (i64.const 0x100000000) (f32.const 1.5) (f64.const 10)\n"
    "      (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15) (ref.null extern))))\n";

static void test_every_type(wisp_engine *engine)
{
    wisp_module *m = load(engine, every_type_wat);
    if (!m)
        return;
    wisp_store *s = wisp_store_new(engine);
    wisp_error err;
    int calls = 0;
    const wisp_valtype types[] = {WISP_I32, WISP_I64, WISP_F32, WISP_F64, WISP_V128, WISP_EXTERNREF};
    CHECK("define a host function of every type",
          wisp_store_define_func(s, "host", "every", types, 6, types, 6, every_type, &calls, &err));
    wisp_instance *inst = wisp_instance_new(s, m, &err);
    CHECK("instantiate with the host import", inst != NULL);
    if (!inst)
        printf("  (%s)\n", err.message);
    wisp_func *consts = inst ? wisp_instance_func(inst, "consts") : NULL;
    wisp_val r[6];
    memset(r, 0, sizeof r);
    bool ok = consts && wisp_func_call(s, consts, NULL, 0, r, 6, &err);
    CHECK("wasm calls the host function with constants", ok && calls == 1);
    if (!ok && consts)
        printf("  (%s)\n", err.message);
    CHECK("host result i32", ok && r[0].type == WISP_I32 && r[0].of.i32 == -4);
    CHECK("host result i64", ok && r[1].type == WISP_I64 && r[1].of.i64 == 0x200000000LL);
    CHECK("host result f32", ok && r[2].type == WISP_F32 && r[2].of.f32 == -1.5f);
    CHECK("host result f64", ok && r[3].type == WISP_F64 && r[3].of.f64 == 2.5);
    CHECK("host result v128", ok && r[4].type == WISP_V128 && r[4].of.v128[0] == 15 && r[4].of.v128[15] == 0);
    CHECK("host result externref null", ok && r[5].type == WISP_EXTERNREF && r[5].of.externref == NULL);

    /* Arguments from C, through wasm, to the host and back. */
    wisp_func *through = inst ? wisp_instance_func(inst, "through") : NULL;
    int token;
    wisp_val a[6] = {
        {.type = WISP_I32, .of.i32 = INT32_MAX},
        {.type = WISP_I64, .of.i64 = -3},
        {.type = WISP_F32, .of.f32 = -0.0f},
        {.type = WISP_F64, .of.f64 = INFINITY},
        {.type = WISP_V128},
        {.type = WISP_EXTERNREF, .of.externref = &token},
    };
    for (int i = 0; i < 16; i++)
        a[4].of.v128[i] = (uint8_t)(0xA0 + i);
    ok = through && wisp_func_call(s, through, a, 6, r, 6, &err);
    CHECK("arguments of every type reach the host", ok && calls == 2);
    CHECK("i32 wraps", ok && r[0].of.i32 == INT32_MIN);
    CHECK("i64 negative", ok && r[1].of.i64 == -6);
    CHECK("f32 sign of zero", ok && r[2].of.f32 == 0.0f && !signbit(r[2].of.f32));
    CHECK("f64 infinity", ok && isinf(r[3].of.f64) && r[3].of.f64 > 0);
    CHECK("v128 all lanes", ok && r[4].of.v128[0] == 0xAF && r[4].of.v128[15] == 0xA0 && r[4].of.v128[7] == 0xA8);
    CHECK("externref keeps the host pointer", ok && r[5].of.externref == &token);

    /* The re-exported import is the host function itself; called directly
     * there is no calling instance, so no memory. */
    wisp_func *direct = inst ? wisp_instance_func(inst, "every") : NULL;
    CHECK("type queries on a host function", direct && wisp_func_num_params(direct) == 6 &&
          wisp_func_num_results(direct) == 6 && wisp_func_param(direct, 4) == WISP_V128 &&
          wisp_func_result(direct, 5) == WISP_EXTERNREF);
    ok = direct && wisp_func_call(s, direct, a, 6, r, 6, &err);
    CHECK("a host function called directly has no caller memory",
          !ok && err.kind == WISP_ERR_TRAP && strstr(err.message, "caller memory not visible"));
    wisp_store_free(s);
    wisp_module_free(m);
}

/* ---- Traps and exits from the host ---- */

static bool fail_with_code(wisp_caller *caller, void *env, const wisp_val *a, wisp_val *r)
{
    (void)env;
    (void)r;
    char msg[64];
    snprintf(msg, sizeof msg, "no such file: %d", (int)a[0].of.i32);
    return wisp_caller_trap(caller, msg);
}

static bool bare_false(wisp_caller *caller, void *env, const wisp_val *a, wisp_val *r)
{
    (void)caller, (void)env, (void)a, (void)r;
    return false;
}

static bool wrong_result_type(wisp_caller *caller, void *env, const wisp_val *a, wisp_val *r)
{
    (void)caller, (void)env, (void)a;
    r[0].type = WISP_F64;
    r[0].of.f64 = 1;
    return true;
}

static bool exit_now(wisp_caller *caller, void *env, const wisp_val *a, wisp_val *r)
{
    (void)env, (void)r;
    return wisp_caller_exit(caller, a[0].of.i32);
}

static const char host_trap_wat[] =
    "(module\n"
    "  (import \"env\" \"fail\" (func $fail (param i32)))\n"
    "  (import \"env\" \"bare\" (func $bare))\n"
    "  (import \"env\" \"wrong\" (func $wrong (result i32)))\n"
    "  (import \"env\" \"exit\" (func $exit (param i32)))\n"
    "  (func $open (export \"open\") (call $fail (i32.const 42)))\n"
    "  (func (export \"bare\") (call $bare))\n"
    "  (func (export \"wrong\") (result i32) (call $wrong))\n"
    "  (func $quit (export \"quit\") (param i32) (call $exit (local.get 0)) (unreachable)))\n";

static void test_host_traps(wisp_engine *engine)
{
    wisp_module *m = load(engine, host_trap_wat);
    if (!m)
        return;
    wisp_store *s = wisp_store_new(engine);
    wisp_error err;
    const wisp_valtype i32[] = {WISP_I32};
    wisp_store_define_func(s, "env", "fail", i32, 1, NULL, 0, fail_with_code, NULL, &err);
    wisp_store_define_func(s, "env", "bare", NULL, 0, NULL, 0, bare_false, NULL, &err);
    wisp_store_define_func(s, "env", "wrong", NULL, 0, i32, 1, wrong_result_type, NULL, &err);
    wisp_store_define_func(s, "env", "exit", i32, 1, NULL, 0, exit_now, NULL, &err);
    wisp_instance *inst = wisp_instance_new(s, m, &err);
    CHECK("instantiate host-trap module", inst != NULL);
    if (!inst) {
        printf("  (%s)\n", err.message);
        goto out;
    }

    bool ok = wisp_func_call(s, wisp_instance_func(inst, "open"), NULL, 0, NULL, 0, &err);
    CHECK("host trap: WISP_ERR_TRAP with the host's message",
          !ok && err.kind == WISP_ERR_TRAP && strstr(err.message, "no such file: 42"));
    if (ok || err.kind != WISP_ERR_TRAP)
        printf("  (kind %d: %s)\n", (int)err.kind, err.message);
    wisp_frame f0 = {0}, f1 = {0};
    bool have = wisp_store_backtrace_len(s) == 2 && wisp_store_backtrace_frame(s, 0, &f0) &&
                wisp_store_backtrace_frame(s, 1, &f1);
    CHECK("host trap backtrace: host frame first, then the wasm caller", have &&
          f0.func_index == UINT32_MAX && f0.func_name && strcmp(f0.func_name, "env.fail") == 0 &&
          f1.func_index == 4 && f1.func_name && strcmp(f1.func_name, "open") == 0);
    CHECK("backtrace frame past the end", !wisp_store_backtrace_frame(s, 2, &f0));

    ok = wisp_func_call(s, wisp_instance_func(inst, "bare"), NULL, 0, NULL, 0, &err);
    CHECK("host returning false without a message still traps, naming it",
          !ok && err.kind == WISP_ERR_TRAP && strstr(err.message, "env.bare"));

    wisp_val r;
    ok = wisp_func_call(s, wisp_instance_func(inst, "wrong"), NULL, 0, &r, 1, &err);
    CHECK("host result of the wrong type traps",
          !ok && err.kind == WISP_ERR_TRAP && strstr(err.message, "env.wrong"));

    wisp_val code = i32v(7);
    ok = wisp_func_call(s, wisp_instance_func(inst, "quit"), &code, 1, NULL, 0, &err);
    CHECK("host exit: WISP_ERR_EXIT with the code", !ok && err.kind == WISP_ERR_EXIT && err.exit_code == 7);

    /* The store is still usable after traps. */
    ok = wisp_func_call(s, wisp_instance_func(inst, "open"), NULL, 0, NULL, 0, &err);
    CHECK("a store keeps working after a trap", !ok && err.kind == WISP_ERR_TRAP && strstr(err.message, "42"));
out:
    wisp_store_free(s);
    wisp_module_free(m);
}

/* ---- Type checks on wisp_func_call ---- */

static const char arith_wat[] =
    "(module\n"
    "  (global $count (export \"count\") (mut i32) (i32.const 0))\n"
    "  (global (export \"pi\") f64 (f64.const 3.25))\n"
    "  (memory (export \"mem\") 2)\n"
    "  (func $add (export \"add\") (param i32 i64) (result i64)\n"
    "    (global.set $count (i32.add (global.get $count) (i32.const 1)))\n"
    "    (i64.add (i64.extend_i32_s (local.get 0)) (local.get 1)))\n"
    "  (func (export \"self\") (result funcref) (ref.func $add))\n"
    "  (func $down (export \"down\") (param i32) (result i32)\n"
    "    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))\n"
    "      (else (call $down (i32.sub (local.get 0) (i32.const 1)))))))\n";

static void test_type_checks(wisp_engine *engine)
{
    wisp_module *m = load(engine, arith_wat);
    if (!m)
        return;
    wisp_store *s = wisp_store_new(engine);
    wisp_error err;
    wisp_instance *inst = wisp_instance_new(s, m, &err);
    CHECK("instantiate arith", inst != NULL);
    if (!inst)
        goto out;
    wisp_func *add = wisp_instance_func(inst, "add");
    CHECK("type queries", add && wisp_func_num_params(add) == 2 && wisp_func_num_results(add) == 1 &&
          wisp_func_param(add, 0) == WISP_I32 && wisp_func_param(add, 1) == WISP_I64 &&
          wisp_func_result(add, 0) == WISP_I64);
    CHECK("missing export is NULL", !wisp_instance_func(inst, "nope") && !wisp_instance_func(inst, "count"));

    wisp_val args[2] = {i32v(-1), {.type = WISP_I64, .of.i64 = 10}}, r;
    bool ok = wisp_func_call(s, add, args, 2, &r, 1, &err);
    CHECK("a well-typed call", ok && r.type == WISP_I64 && r.of.i64 == 9);

    ok = wisp_func_call(s, add, args, 1, &r, 1, &err);
    CHECK("too few arguments: link error, type mismatch",
          !ok && err.kind == WISP_ERR_LINK && strncmp(err.message, "type mismatch", 13) == 0);
    ok = wisp_func_call(s, add, args, 2, &r, 0, &err);
    CHECK("wrong result count: type mismatch",
          !ok && err.kind == WISP_ERR_LINK && strncmp(err.message, "type mismatch", 13) == 0);
    wisp_val bad[2] = {i32v(1), i32v(2)};
    ok = wisp_func_call(s, add, bad, 2, &r, 1, &err);
    CHECK("wrong argument type: type mismatch naming both types",
          !ok && err.kind == WISP_ERR_LINK && strncmp(err.message, "type mismatch", 13) == 0 &&
          strstr(err.message, "i32") && strstr(err.message, "i64"));
    wisp_val g;
    CHECK("a rejected call does not run", wisp_instance_global(inst, "count", &g) && g.type == WISP_I32 &&
          g.of.i32 == 1);
    CHECK("immutable f64 global", wisp_instance_global(inst, "pi", &g) && g.type == WISP_F64 && g.of.f64 == 3.25);
    CHECK("global lookup of a non-global", !wisp_instance_global(inst, "add", &g));
    size_t size = 0;
    uint8_t *mem = wisp_instance_memory(inst, "mem", &size);
    CHECK("exported memory", mem != NULL && size == 2 * 65536 && mem[size - 1] == 0);

    /* A funcref result is a wisp_func that can be called. */
    ok = wisp_func_call(s, wisp_instance_func(inst, "self"), NULL, 0, &r, 1, &err);
    CHECK("funcref result", ok && r.type == WISP_FUNCREF && r.of.funcref == add);
    ok = ok && wisp_func_call(s, r.of.funcref, args, 2, &r, 1, &err);
    CHECK("calling through a returned funcref", ok && r.of.i64 == 9);

    /* The call depth limit is the store's. */
    wisp_func *down = wisp_instance_func(inst, "down");
    wisp_val n = i32v(200);
    ok = wisp_func_call(s, down, &n, 1, &r, 1, &err);
    CHECK("200-deep recursion within the default limit", ok && r.of.i32 == 0);
    wisp_store *s2 = wisp_store_new(engine);
    wisp_store_set_max_call_depth(s2, 50);
    wisp_instance *i2 = wisp_instance_new(s2, m, &err);
    ok = i2 && wisp_func_call(s2, wisp_instance_func(i2, "down"), &n, 1, &r, 1, &err);
    CHECK("max call depth: exhaustion, naming the limit", !ok && err.kind == WISP_ERR_EXHAUSTION &&
          strncmp(err.message, "call stack exhausted: ", 22) == 0);
    CHECK("exhaustion has a backtrace", wisp_store_backtrace_len(s2) > 0);
    n = i32v(40);
    ok = i2 && wisp_func_call(s2, wisp_instance_func(i2, "down"), &n, 1, &r, 1, &err);
    CHECK("below the lowered limit", ok && r.of.i32 == 0);
    wisp_store_free(s2);
out:
    wisp_store_free(s);
    wisp_module_free(m);
}

/* ---- Stores are independent; instances link through a store ---- */

static bool add_env(wisp_caller *caller, void *env, const wisp_val *a, wisp_val *r)
{
    (void)caller;
    r[0].of.i32 = a[0].of.i32 + *(int *)env;
    return true;
}

static const char user_wat[] =
    "(module\n"
    "  (import \"env\" \"f\" (func $f (param i32) (result i32)))\n"
    "  (import \"lib\" \"add\" (func $add (param i32 i64) (result i64)))\n"
    "  (func (export \"run\") (param i32) (result i32) (call $f (local.get 0)))\n"
    "  (func (export \"lib_add\") (result i64) (call $add (i32.const 2) (i64.const 3))))\n";

static void test_two_stores(wisp_engine *engine)
{
    wisp_module *lib = load(engine, arith_wat), *user = load(engine, user_wat);
    if (!lib || !user) {
        wisp_module_free(lib);
        wisp_module_free(user);
        return;
    }
    wisp_error err;
    wisp_store *a = wisp_store_new(engine), *b = wisp_store_new(engine);
    wisp_instance *la = wisp_instance_new(a, lib, &err), *lb = wisp_instance_new(b, lib, &err);
    CHECK("one module in two stores", la && lb);
    if (!la || !lb)
        goto out;
    wisp_val args[2] = {i32v(1), {.type = WISP_I64, .of.i64 = 1}}, r, g;
    for (int i = 0; i < 3; i++)
        wisp_func_call(a, wisp_instance_func(la, "add"), args, 2, &r, 1, &err);
    wisp_func_call(b, wisp_instance_func(lb, "add"), args, 2, &r, 1, &err);
    int32_t ca = -1, cb = -1;
    if (wisp_instance_global(la, "count", &g))
        ca = g.of.i32;
    if (wisp_instance_global(lb, "count", &g))
        cb = g.of.i32;
    CHECK("globals of the two instances are separate", ca == 3 && cb == 1);
    uint8_t *ma = wisp_instance_memory(la, "mem", NULL), *mb = wisp_instance_memory(lb, "mem", NULL);
    if (ma)
        ma[100] = 0x5A;
    CHECK("memories are separate", ma && mb && ma != mb && mb[100] == 0);

    bool ok = wisp_func_call(b, wisp_instance_func(la, "add"), args, 2, &r, 1, &err);
    CHECK("calling a function in another store is refused", !ok && err.kind == WISP_ERR_LINK);

    /* Definitions are per store: the same names resolve differently. */
    int ten = 10, hundred = 100;
    const wisp_valtype i32[] = {WISP_I32};
    wisp_store_define_func(a, "env", "f", i32, 1, i32, 1, add_env, &ten, &err);
    wisp_store_define_func(b, "env", "f", i32, 1, i32, 1, add_env, &hundred, &err);
    wisp_instance *ua = wisp_instance_new(a, user, &err);
    CHECK("unregistered instance: unknown import",
          !ua && err.kind == WISP_ERR_LINK && strstr(err.message, "unknown import"));
    wisp_store_define_instance(a, "lib", la);
    wisp_store_define_instance(b, "lib", lb);
    ua = wisp_instance_new(a, user, &err);
    wisp_instance *ub = wisp_instance_new(b, user, &err);
    CHECK("instances link through registered names", ua && ub);
    if (!ua || !ub)
        goto out;
    wisp_val x = i32v(1);
    int32_t ra = 0, rb = 0;
    if (wisp_func_call(a, wisp_instance_func(ua, "run"), &x, 1, &r, 1, &err))
        ra = r.of.i32;
    if (wisp_func_call(b, wisp_instance_func(ub, "run"), &x, 1, &r, 1, &err))
        rb = r.of.i32;
    CHECK("each store's host definition is its own", ra == 11 && rb == 101);
    ok = wisp_func_call(a, wisp_instance_func(ua, "lib_add"), NULL, 0, &r, 1, &err);
    CHECK("a call into a registered instance", ok && r.of.i64 == 5);
    if (wisp_instance_global(la, "count", &g))
        ca = g.of.i32;
    CHECK("...runs in that instance", ca == 4);

    /* Freeing one store leaves the other intact. */
    wisp_store_free(a);
    a = NULL;
    ok = wisp_func_call(b, wisp_instance_func(ub, "run"), &x, 1, &r, 1, &err);
    CHECK("a store survives freeing the other", ok && r.of.i32 == 101);
out:
    wisp_store_free(a);
    wisp_store_free(b);
    wisp_module_free(lib);
    wisp_module_free(user);
}

/* ---- Host functions that call back into wasm ---- */

struct reentry {
    wisp_store *store;
    wisp_instance *inst;
};

/* f(n) = n == 0 ? 0 : 1 + f(n - 1), with every step going wasm -> host -> wasm. */
static bool call_back(wisp_caller *caller, void *env, const wisp_val *a, wisp_val *r)
{
    struct reentry *x = env;
    if (a[0].of.i32 <= 0)
        return true;
    wisp_val n = i32v(a[0].of.i32 - 1), out;
    wisp_error err;
    if (!wisp_func_call(x->store, wisp_instance_func(x->inst, "f"), &n, 1, &out, 1, &err))
        return wisp_caller_trap(caller, err.message);
    r[0].of.i32 = out.of.i32 + 1;
    return true;
}

static void test_reentry(wisp_engine *engine)
{
    wisp_module *m = load(engine,
                          "(module (import \"env\" \"back\" (func $back (param i32) (result i32)))\n"
                          "  (func (export \"f\") (param i32) (result i32) (call $back (local.get 0))))\n");
    if (!m)
        return;
    struct reentry x = {wisp_store_new(engine), NULL};
    wisp_error err;
    const wisp_valtype i32[] = {WISP_I32};
    wisp_store_define_func(x.store, "env", "back", i32, 1, i32, 1, call_back, &x, &err);
    x.inst = wisp_instance_new(x.store, m, &err);
    wisp_val n = i32v(20), r;
    bool ok = x.inst && wisp_func_call(x.store, wisp_instance_func(x.inst, "f"), &n, 1, &r, 1, &err);
    CHECK("host function calls back into wasm, 20 levels", ok && r.of.i32 == 20);
    /* Each level nests C frames; it must end in a trap, not a crash. */
    n = i32v(1000000);
    ok = x.inst && wisp_func_call(x.store, wisp_instance_func(x.inst, "f"), &n, 1, &r, 1, &err);
    CHECK("unbounded host/wasm recursion: call stack exhausted",
          !ok && strncmp(err.message, "call stack exhausted: ", 22) == 0);
    n = i32v(5);
    ok = x.inst && wisp_func_call(x.store, wisp_instance_func(x.inst, "f"), &n, 1, &r, 1, &err);
    CHECK("the store works after that", ok && r.of.i32 == 5);
    wisp_store_free(x.store);
    wisp_module_free(m);
}

/* ---- Several memories (multi-memory) ---- */

static const char memories_wat[] =
    "(module (memory (export \"a\") 1) (memory $b (export \"b\") 2 4)\n"
    "  (data (i32.const 0) \"A\") (data (memory $b) (i32.const 0) \"B\")\n"
    "  (func (export \"grow b\") (result i32) (memory.grow $b (i32.const 1))))\n";

static void test_memories(wisp_engine *engine)
{
    wisp_module *m = load(engine, memories_wat);
    if (!m)
        return;
    wisp_store *s = wisp_store_new(engine);
    wisp_error err;
    wisp_instance *inst = wisp_instance_new(s, m, &err);
    size_t na = 0, nb = 0;
    uint8_t *a = inst ? wisp_instance_memory(inst, "a", &na) : NULL;
    uint8_t *b = inst ? wisp_instance_memory(inst, "b", &nb) : NULL;
    CHECK("wisp_instance_memory finds memory 0 by name", a && na == 65536 && a[0] == 'A');
    CHECK("...and memory 1, with its own size and data", b && b != a && nb == 131072 && b[0] == 'B');
    wisp_val r;
    bool ok = inst && wisp_func_call(s, wisp_instance_func(inst, "grow b"), NULL, 0, &r, 1, &err);
    b = inst ? wisp_instance_memory(inst, "b", &nb) : NULL;
    a = inst ? wisp_instance_memory(inst, "a", &na) : NULL;
    CHECK("growing memory 1 shows in its size alone", ok && r.of.i32 == 2 && nb == 196608 && na == 65536);
    wisp_store_free(s);
    wisp_module_free(m);

    /* With the feature off, the module is Wasm 2.0's to judge: the decoder
     * finds memory.grow's memory index where 2.0 has a zero byte. */
    wisp_config *config = wisp_config_new();
    wisp_config_wasm_feature(config, WISP_FEATURE_MULTI_MEMORY, false);
    wisp_engine *e2 = wisp_engine_new_with_config(config);
    uint8_t *wasm;
    size_t len;
    wisp_module *m2 = NULL;
    if (wisp_wat_to_wasm(memories_wat, strlen(memories_wat), "test.wat", &wasm, &len, &err)) {
        m2 = wisp_module_new(e2, wasm, len, "test.wat", &err);
        wisp_free(wasm);
    }
    CHECK("multi-memory off: memory.grow of memory 1 is malformed", !m2 && err.kind == WISP_ERR_MALFORMED &&
          strstr(err.message, "zero byte expected") != NULL);
    wisp_module_free(m2);
    wisp_engine_free(e2);
}

/* ---- memory64: a memory past 4 GiB through the API ---- */

static const char memory64_wat[] =
    "(module (memory (export \"big\") i64 65537) (table i64 3 10 funcref)\n"
    "  (func (export \"put\") (i64.store (i64.const 0x1_0000_fff0) (i64.const 0x0102030405060708))))\n";

static void test_memory64(wisp_engine *engine)
{
    wisp_module *m = load(engine, memory64_wat);
    if (!m)
        return;
    wisp_limits l;
    CHECK("wisp_module_memory_type of an i64 memory",
          wisp_module_memory_type(m, 0, &l) && l.is64 && l.min == 65537 && !l.has_max && !l.elem &&
              !wisp_module_memory_type(m, 1, &l));
    CHECK("wisp_module_table_type of an i64 table",
          wisp_module_table_type(m, 0, &l) && l.is64 && l.min == 3 && l.has_max && l.max == 10 &&
              l.elem && strcmp(l.elem, "funcref") == 0);
    wisp_store *s = wisp_store_new(engine);
    wisp_error err;
    wisp_instance *inst = wisp_instance_new(s, m, &err);
    if (!inst && strstr(err.message, "cannot map")) {
        printf("SKIP a 4 GiB + 64 KiB memory through the API: %s\n", err.message);
    } else {
        wisp_val r;
        bool ok = inst && wisp_func_call(s, wisp_instance_func(inst, "put"), NULL, 0, &r, 0, &err);
        size_t size = 0;
        uint8_t *mem = inst ? wisp_instance_memory(inst, "big", &size) : NULL;
        CHECK("wisp_instance_memory of a memory past 4 GiB: its size and a store past 4 GiB",
              ok && mem && size == 65537ull * 65536 && mem[0x10000fff0ull] == 8 && mem[0x10000fff7ull] == 1);
    }
    wisp_store_free(s);
    wisp_module_free(m);
}

static void test_define_errors(wisp_engine *engine)
{
    wisp_store *s = wisp_store_new(engine);
    wisp_error err;
    const wisp_valtype bad[] = {(wisp_valtype)99};
    CHECK("define with an unknown value type fails",
          !wisp_store_define_func(s, "env", "f", bad, 1, NULL, 0, add_env, NULL, &err) && err.kind == WISP_ERR_LINK);
    CHECK("define without a function fails",
          !wisp_store_define_func(s, "env", "f", NULL, 0, NULL, 0, NULL, NULL, &err));
    wisp_store_free(s);
    wisp_store_free(NULL);
}

/* ---- Typed function references at the API boundary ---- */

/* A host value reaching a typed reference must be of its type: a function
 * of another type, or null where null is not a value, would let call_ref
 * call through the wrong signature. */
static const char typed_wat[] =
    "(module\n"
    "  (type $ii (func (param i32) (result i32)))\n"
    "  (type $l (func (param i64) (result i64)))\n"
    "  (func $inc (export \"inc\") (type $ii) (i32.add (local.get 0) (i32.const 1)))\n"
    "  (func (export \"wide\") (type $l) (local.get 0))\n"
    "  (func (export \"apply\") (param (ref $ii) i32) (result i32)\n"
    "    (call_ref $ii (local.get 1) (local.get 0)))\n"
    "  (func (export \"apply-null\") (param (ref null $ii) i32) (result i32)\n"
    "    (call_ref $ii (local.get 1) (local.get 0)))\n"
    "  (func (export \"get\") (result (ref $ii)) (ref.func $inc)))\n";

static void test_typed_refs(wisp_engine *engine)
{
    wisp_module *m = load(engine, typed_wat);
    if (!m)
        return;
    wisp_store *s = wisp_store_new(engine);
    wisp_error err;
    wisp_instance *inst = wisp_instance_new(s, m, &err);
    CHECK("instantiate typed", inst != NULL);
    if (!inst)
        goto out;
    wisp_func *apply = wisp_instance_func(inst, "apply"), *apply_null = wisp_instance_func(inst, "apply-null");
    CHECK("a typed reference parameter is a funcref", wisp_func_param(apply, 0) == WISP_FUNCREF);
    wisp_val r, args[2] = {{.type = WISP_FUNCREF, .of.funcref = wisp_instance_func(inst, "inc")}, i32v(41)};
    bool ok = wisp_func_call(s, apply, args, 2, &r, 1, &err);
    CHECK("a function of the type", ok && r.of.i32 == 42);
    args[0].of.funcref = wisp_instance_func(inst, "wide");
    ok = wisp_func_call(s, apply, args, 2, &r, 1, &err);
    CHECK("a function of another type is refused", !ok && err.kind == WISP_ERR_LINK &&
          strncmp(err.message, "type mismatch", 13) == 0);
    ok = wisp_func_call(s, apply_null, args, 2, &r, 1, &err);
    CHECK("... also where null is allowed", !ok && err.kind == WISP_ERR_LINK);
    args[0].of.funcref = NULL;
    ok = wisp_func_call(s, apply, args, 2, &r, 1, &err);
    CHECK("null where it is not a value is refused", !ok && err.kind == WISP_ERR_LINK &&
          strncmp(err.message, "type mismatch", 13) == 0);
    ok = wisp_func_call(s, apply_null, args, 2, &r, 1, &err);
    CHECK("null where it is a value: the call traps", !ok && err.kind == WISP_ERR_TRAP &&
          strstr(err.message, "null function reference"));
    ok = wisp_func_call(s, wisp_instance_func(inst, "get"), NULL, 0, &r, 1, &err);
    CHECK("a typed reference result", ok && r.type == WISP_FUNCREF && r.of.funcref == wisp_instance_func(inst, "inc"));
out:
    wisp_store_free(s);
    wisp_module_free(m);
}

int main(void)
{
    wisp_engine *engine = wisp_engine_new();
    test_every_type(engine);
    test_host_traps(engine);
    test_type_checks(engine);
    test_two_stores(engine);
    test_reentry(engine);
    test_memories(engine);
    test_memory64(engine);
    test_define_errors(engine);
    test_typed_refs(engine);
    wisp_engine_free(engine);
    return check_failures != 0;
}
