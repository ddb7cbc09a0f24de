/* Traps: from wasm code (integer divide by zero two calls deep,
 * unreachable, stack exhaustion), from a host function (wasm_trap_new
 * with a long message, an empty one), from calls whose arguments do not
 * match; messages, origins and backtraces with their frames; the trap
 * out-parameter of wasm_instance_new for a trapping start function and
 * for link errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wasm.h>

#include "common.h"

#define own

static wasm_byte_vec_t binary;
static wasm_module_t *module;
static wasm_instance_t *instance;
static wasm_extern_vec_t exports;
static char long_message[5001];

static wasm_func_t *divide_func, *unreachable_func;

/* fail(0): no trap; fail(1): the long message; fail(2): an empty one;
 * fail(3): the trap of a wasm call made from here, passed on; fail(4):
 * the same, swallowed. */
static own wasm_trap_t *fail(void *env, const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    wasm_store_t *store = env;
    wasm_message_t msg;
    (void)results;
    if (args->data[0].of.i32 == 0)
        return NULL;
    if (args->data[0].of.i32 == 3 || args->data[0].of.i32 == 4) {
        wasm_val_t as[2] = {WASM_I32_VAL(1), WASM_I32_VAL(0)};
        wasm_val_t rs[1] = {WASM_INIT_VAL};
        wasm_val_vec_t inner_args = WASM_ARRAY_VEC(as), inner_results = WASM_ARRAY_VEC(rs);
        own wasm_trap_t *inner = wasm_func_call(divide_func, &inner_args, &inner_results);
        printf("fail(%d): the inner call trapped: %d\n", (int)args->data[0].of.i32, inner != NULL);
        if (args->data[0].of.i32 == 3)
            return inner;
        if (inner)
            wasm_trap_delete(inner);
        wasm_val_vec_t none = WASM_EMPTY_VEC, no_results = WASM_EMPTY_VEC;
        inner = wasm_func_call(unreachable_func, &none, &no_results);
        printf("fail(4): and again: %d\n", inner != NULL);
        if (inner)
            wasm_trap_delete(inner);
        return NULL;
    }
    wasm_name_new_from_string_nt(&msg, args->data[0].of.i32 == 1 ? long_message : "");
    own wasm_trap_t *trap = wasm_trap_new(store, &msg);
    wasm_name_delete(&msg);
    return trap;
}

static int refuse_start;
static own wasm_trap_t *seen(void *env, const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    (void)results;
    printf("start function called the host with %d\n", (int)args->data[0].of.i32);
    if (refuse_start) {
        wasm_message_t msg;
        wasm_name_new_from_string_nt(&msg, "refused by the host");
        own wasm_trap_t *trap = wasm_trap_new(env, &msg);
        wasm_name_delete(&msg);
        return trap;
    }
    return NULL;
}

/* The message, checked to be NUL-terminated with the NUL counted; the
 * caller deletes it. */
static void message_of(const wasm_trap_t *trap, wasm_message_t *msg)
{
    wasm_trap_message(trap, msg);
    if (msg->size == 0 || msg->data[msg->size - 1] != '\0' || strlen(msg->data) + 1 != msg->size) {
        printf("a trap message is not NUL-terminated with the NUL counted (size %zu)\n", msg->size);
        wasm_byte_vec_delete(msg);
        wasm_name_new_from_string_nt(msg, "(bad message)");
    }
}

/* --functions: frames say which function and instance only. Compiled
 * code's backtraces name the same functions as the interpreter's, but
 * its offsets are those of the trapping instruction at most. */
static int functions_only;

static void print_frame(const char *what, const wasm_frame_t *frame)
{
    size_t mo = wasm_frame_module_offset(frame), fo = wasm_frame_func_offset(frame);
    if (functions_only) {
        printf("%s: func %u, instance %s\n", what, (unsigned)wasm_frame_func_index(frame),
               wasm_frame_instance(frame) == NULL                        ? "NULL"
               : wasm_instance_same(wasm_frame_instance(frame), instance) ? "the instance"
                                                                        : "another");
        return;
    }
    printf("%s: func %u, func offset %zu, module byte 0x%02x, body starts %s, instance %s\n", what,
           (unsigned)wasm_frame_func_index(frame), fo,
           mo < binary.size ? (unsigned char)binary.data[mo] : 0xfffu,
           fo <= mo && mo - fo < binary.size && binary.data[mo - fo] == 0 ? "with no locals" : "elsewhere",
           wasm_frame_instance(frame) == NULL                        ? "NULL"
           : wasm_instance_same(wasm_frame_instance(frame), instance) ? "the instance"
                                                                    : "another");
}

/* The trap's origin and trace, then delete it. */
static void print_trap_details(const char *what, own wasm_trap_t *trap)
{
    wasm_message_t msg;
    message_of(trap, &msg);
    if (msg.size > 100)
        printf("%s: trapped: a message of %zu bytes\n", what, msg.size - 1);
    else
        printf("%s: trapped: %s\n", what, msg.data);
    wasm_byte_vec_delete(&msg);

    own wasm_frame_t *origin = wasm_trap_origin(trap);
    if (origin) {
        print_frame("  origin", origin);
        own wasm_frame_t *copy = wasm_frame_copy(origin);
        printf("  origin's copy: func %u, offsets %s\n", (unsigned)wasm_frame_func_index(copy),
               wasm_frame_func_offset(copy) == wasm_frame_func_offset(origin) &&
                       wasm_frame_module_offset(copy) == wasm_frame_module_offset(origin)
                   ? "equal"
                   : "different");
        wasm_frame_delete(origin);
        print_frame("  copy, the original deleted", copy);
        wasm_frame_delete(copy);
    } else {
        printf("  no origin\n");
    }
    own wasm_frame_vec_t trace;
    wasm_trap_trace(trap, &trace);
    printf("  trace: %zu frames\n", trace.size);
    size_t i;
    for (i = 0; i < trace.size; i++) {
        char name[32];
        snprintf(name, sizeof name, "  frame %zu", i);
        print_frame(name, trace.data[i]);
    }
    wasm_frame_vec_delete(&trace);
    wasm_trap_delete(trap);
}

static own wasm_trap_t *call(const char *name, size_t nargs, wasm_val_t *as, size_t nresults, wasm_val_t *rs)
{
    wasm_val_vec_t args = {nargs, as}, results = {nresults, rs};
    return wasm_func_call(find_func(module, &exports, name), &args, &results);
}

static void divide(int32_t a, int32_t b)
{
    wasm_val_t as[2] = {WASM_I32_VAL(a), WASM_I32_VAL(b)};
    wasm_val_t rs[1] = {WASM_INIT_VAL};
    char what[40];
    snprintf(what, sizeof what, "divide(%d, %d)", (int)a, (int)b);
    own wasm_trap_t *trap = call("divide", 2, as, 1, rs);
    if (trap)
        print_trap_details(what, trap);
    else
        printf("%s = %d\n", what, (int)rs[0].of.i32);
}

/* Instantiate with these imports; say how it failed. */
static void try_instantiate(wasm_store_t *store, const char *what, const wasm_module_t *m,
                            const wasm_extern_vec_t *imports, int with_trap)
{
    own wasm_trap_t *trap = NULL;
    own wasm_instance_t *inst = wasm_instance_new(store, m, imports, with_trap ? &trap : NULL);
    if (inst) {
        printf("%s: instantiated\n", what);
        wasm_instance_delete(inst);
        return;
    }
    if (!with_trap) {
        printf("%s: NULL\n", what);
        return;
    }
    if (!trap) {
        printf("%s: NULL, no trap\n", what);
        return;
    }
    wasm_message_t msg;
    message_of(trap, &msg);
    printf("%s: NULL, a trap with a message: %d\n", what, msg.size > 1);
    wasm_byte_vec_delete(&msg);
    wasm_trap_delete(trap);
}

int main(int argc, char **argv)
{
    size_t i;
    /* Line by line: what was printed before a crash is still seen. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc == 4 && strcmp(argv[3], "--functions") == 0)
        functions_only = 1;
    else if (argc != 3)
        die("usage: trap TRAP.wasm TRAP_START.wasm [--functions]");
    for (i = 0; i < 5000; i++)
        long_message[i] = (char)('a' + i % 26);
    memcpy(long_message, "host says no: ", 14);
    memcpy(long_message + 4997, "END", 3);

    own wasm_engine_t *engine = wasm_engine_new();
    own wasm_store_t *store = wasm_store_new(engine);
    read_binary(argv[1], &binary);
    module = wasm_module_new(store, &binary);
    if (!module)
        die("wasm_module_new");

    own wasm_functype_t *fail_type = wasm_functype_new_1_0(wasm_valtype_new_i32());
    own wasm_func_t *fail_func = wasm_func_new_with_env(store, fail_type, fail, store, NULL);
    wasm_extern_t *externs[] = {wasm_func_as_extern(fail_func)};
    wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
    own wasm_trap_t *trap = NULL;
    instance = wasm_instance_new(store, module, &imports, &trap);
    if (!instance) {
        print_trap("instantiate", trap);
        die("wasm_instance_new");
    }
    wasm_instance_exports(instance, &exports);
    divide_func = find_func(module, &exports, "divide");
    unreachable_func = find_func(module, &exports, "unreachable");

    /* A trap in wasm code, two calls deep. */
    divide(7, 2);
    divide(1, 0);
    divide(-2147483647 - 1, -1);
    trap = call("unreachable", 0, NULL, 0, NULL);
    if (trap)
        print_trap_details("unreachable()", trap);
    else
        printf("unreachable(): no trap\n");

    /* From a host function: the message comes back whole. */
    {
        wasm_val_t as[1] = {WASM_I32_VAL(1)};
        trap = call("call_fail", 1, as, 0, NULL);
        if (!trap)
            die("call_fail(1) did not trap");
        wasm_message_t msg;
        message_of(trap, &msg);
        printf("call_fail(1): message of %zu bytes with its NUL, the host's whole: %d\n", msg.size,
               msg.size == 5001 && memcmp(msg.data, long_message, 5001) == 0);
        wasm_byte_vec_delete(&msg);
        print_trap_details("call_fail(1)", trap);
        as[0].of.i32 = 2;
        trap = call("call_fail", 1, as, 0, NULL);
        if (!trap)
            die("call_fail(2) did not trap");
        message_of(trap, &msg);
        printf("call_fail(2): an empty message, size %zu\n", msg.size);
        wasm_byte_vec_delete(&msg);
        wasm_trap_delete(trap);
        as[0].of.i32 = 0;
        print_trap("call_fail(0)", call("call_fail", 1, as, 0, NULL));
        /* A trap of wasm called by the host function, passed on or not. */
        as[0].of.i32 = 3;
        print_trap("call_fail(3)", call("call_fail", 1, as, 0, NULL));
        as[0].of.i32 = 4;
        print_trap("call_fail(4)", call("call_fail", 1, as, 0, NULL));
    }

    /* A trap the host makes and never throws: no frames. */
    {
        wasm_message_t msg;
        wasm_name_new_from_string_nt(&msg, "made by the host");
        trap = wasm_trap_new(store, &msg);
        wasm_name_delete(&msg);
        print_trap_details("wasm_trap_new", trap);
    }

    /* Out of stack. */
    {
        wasm_val_t as[1] = {WASM_I32_VAL(0)};
        wasm_val_t rs[1] = {WASM_INIT_VAL};
        trap = call("recurse", 1, as, 1, rs);
        if (!trap) {
            printf("recurse(0): no trap\n");
        } else {
            wasm_message_t msg;
            message_of(trap, &msg);
            own wasm_frame_t *origin = wasm_trap_origin(trap);
            own wasm_frame_vec_t trace;
            wasm_trap_trace(trap, &trace);
            printf("recurse(0): trapped, starting \"call stack exhausted\": %d, origin func %d, trace of "
                   "at least 10 frames: %d, all func 5: %d\n",
                   strncmp(msg.data, "call stack exhausted", 20) == 0,
                   origin ? (int)wasm_frame_func_index(origin) : -1, trace.size >= 10,
                   trace.size > 0 && wasm_frame_func_index(trace.data[0]) == 5 &&
                       wasm_frame_func_index(trace.data[trace.size - 1]) == 5);
            if (origin)
                wasm_frame_delete(origin);
            wasm_frame_vec_delete(&trace);
            wasm_byte_vec_delete(&msg);
            wasm_trap_delete(trap);
        }
    }

    /* Calls whose arguments do not match: a trap saying so. */
    {
        wasm_val_t as[3] = {WASM_I32_VAL(6), WASM_I32_VAL(3), WASM_I32_VAL(0)};
        wasm_val_t rs[1] = {WASM_INIT_VAL};
        trap = call("divide", 1, as, 1, rs);
        printf("divide with one argument traps: %d\n", trap != NULL);
        if (trap)
            wasm_trap_delete(trap);
        trap = call("divide", 3, as, 1, rs);
        printf("divide with three arguments traps: %d\n", trap != NULL);
        if (trap)
            wasm_trap_delete(trap);
        trap = call("divide", 2, as, 0, rs);
        printf("divide with no room for its result traps: %d\n", trap != NULL);
        if (trap)
            wasm_trap_delete(trap);
        as[0].kind = WASM_I64;
        as[0].of.i64 = 6;
        trap = call("divide", 2, as, 1, rs);
        printf("divide with an i64 argument traps: %d\n", trap != NULL);
        if (trap)
            wasm_trap_delete(trap);
        as[0].kind = WASM_EXTERNREF;
        as[0].of.ref = NULL;
        trap = call("divide", 2, as, 1, rs);
        printf("divide with an externref argument traps: %d\n", trap != NULL);
        if (trap)
            wasm_trap_delete(trap);
        as[0].kind = WASM_I32;
        as[0].of.i32 = 0;
        trap = call("v128_param", 1, as, 1, rs);
        if (trap) {
            wasm_message_t msg;
            message_of(trap, &msg);
            printf("v128_param traps, saying v128: %d\n", strstr(msg.data, "v128") != NULL);
            wasm_byte_vec_delete(&msg);
            wasm_trap_delete(trap);
        } else {
            printf("v128_param: no trap\n");
        }
    }
    /* The store works on after traps. */
    divide(9, 3);

    /* ---- wasm_instance_new's trap */
    wasm_byte_vec_t start_binary;
    read_binary(argv[2], &start_binary);
    own wasm_module_t *start_module = wasm_module_new(store, &start_binary);
    wasm_byte_vec_delete(&start_binary);
    if (!start_module)
        die("wasm_module_new (start)");
    own wasm_func_t *seen_func = wasm_func_new_with_env(store, fail_type, seen, store, NULL);
    wasm_extern_t *start_externs[] = {wasm_func_as_extern(seen_func)};
    wasm_extern_vec_t start_imports = WASM_ARRAY_VEC(start_externs);
    trap = NULL;
    own wasm_instance_t *start_instance = wasm_instance_new(store, start_module, &start_imports, &trap);
    printf("a start function that traps: instance %s\n", start_instance ? "made" : "NULL");
    if (start_instance)
        wasm_instance_delete(start_instance);
    if (trap) {
        own wasm_frame_t *origin = wasm_trap_origin(trap);
        printf("  its origin: func %d\n", origin ? (int)wasm_frame_func_index(origin) : -1);
        if (origin)
            wasm_frame_delete(origin);
        print_trap("  its trap", trap);
    } else {
        printf("  no trap\n");
    }
    refuse_start = 1;
    trap = NULL;
    start_instance = wasm_instance_new(store, start_module, &start_imports, &trap);
    printf("a start function whose host call traps: instance %s\n", start_instance ? "made" : "NULL");
    if (start_instance)
        wasm_instance_delete(start_instance);
    print_trap("  its trap", trap);

    /* Link errors. */
    wasm_extern_vec_t none = WASM_EMPTY_VEC;
    try_instantiate(store, "no imports for one", module, &none, 1);
    wasm_extern_t *two[] = {wasm_func_as_extern(fail_func), wasm_func_as_extern(seen_func)};
    wasm_extern_vec_t too_many = WASM_ARRAY_VEC(two);
    try_instantiate(store, "two imports for one", module, &too_many, 1);
    wasm_globaltype_t *gt = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_CONST);
    wasm_val_t zero = WASM_I32_VAL(0);
    own wasm_global_t *global = wasm_global_new(store, gt, &zero);
    wasm_extern_t *g[] = {wasm_global_as_extern(global)};
    wasm_extern_vec_t a_global = WASM_ARRAY_VEC(g);
    try_instantiate(store, "a global for a function", module, &a_global, 1);
    own wasm_functype_t *ii = wasm_functype_new_2_0(wasm_valtype_new_i32(), wasm_valtype_new_i32());
    own wasm_func_t *wrong_func = wasm_func_new_with_env(store, ii, fail, store, NULL);
    wasm_extern_t *w[] = {wasm_func_as_extern(wrong_func)};
    wasm_extern_vec_t wrong_sig = WASM_ARRAY_VEC(w);
    try_instantiate(store, "a function of another type", module, &wrong_sig, 1);
    try_instantiate(store, "a function of another type, no trap out-parameter", module, &wrong_sig, 0);
    {
        /* A function of the right type, from another store. */
        own wasm_store_t *other = wasm_store_new(engine);
        own wasm_func_t *foreign_func = wasm_func_new_with_env(other, fail_type, fail, other, NULL);
        wasm_extern_t *o[] = {wasm_func_as_extern(foreign_func)};
        wasm_extern_vec_t other_store = WASM_ARRAY_VEC(o);
        try_instantiate(store, "a function of another store", module, &other_store, 1);
        wasm_func_delete(foreign_func);
        wasm_store_delete(other);
    }
    try_instantiate(store, "the right function again", module, &imports, 1);

    /* A trap lives on its own: it outlives its store. */
    own wasm_trap_t *kept;
    {
        wasm_val_t as[2] = {WASM_I32_VAL(5), WASM_I32_VAL(0)};
        wasm_val_t rs[1] = {WASM_INIT_VAL};
        kept = call("divide", 2, as, 1, rs);
        if (!kept)
            die("divide(5, 0) did not trap");
    }

    wasm_func_delete(wrong_func);
    wasm_functype_delete(ii);
    wasm_global_delete(global);
    wasm_globaltype_delete(gt);
    wasm_func_delete(seen_func);
    wasm_module_delete(start_module);
    wasm_extern_vec_delete(&exports);
    wasm_instance_delete(instance);
    wasm_func_delete(fail_func);
    wasm_functype_delete(fail_type);
    wasm_module_delete(module);
    wasm_byte_vec_delete(&binary);
    wasm_store_delete(store);
    {
        wasm_message_t msg;
        message_of(kept, &msg);
        own wasm_frame_vec_t trace;
        wasm_trap_trace(kept, &trace);
        printf("a trap after its store is deleted: %s, %zu frames, innermost func %d\n", msg.data, trace.size,
               trace.size ? (int)wasm_frame_func_index(trace.data[0]) : -1);
        wasm_frame_vec_delete(&trace);
        wasm_byte_vec_delete(&msg);
        wasm_trap_delete(kept);
    }
    wasm_engine_delete(engine);
    printf("done\n");
    return 0;
}
