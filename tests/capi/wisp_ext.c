/* The wisp extensions of wasm.h: wisp's configuration inside a
 * wasm_config_t (fuel), wisp's store inside a wasm_store_t (fuel that runs
 * out), why the last call failed (with the byte offset of a malformed or
 * invalid module), and WASI for a wasm.h program: imports gathered with
 * wisp_wasm_store_import, proc_exit's status from the trap. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wasm.h>
#include <wisp.h>

#include "common.h"

#define own

/* Whether the store has a last error, with its kind when that is one the
 * header names (decoding, validation, linking), and a message. */
static void print_last_error(const char *what, const wasm_store_t *store, bool show_kind)
{
    const wisp_error *e = wisp_wasm_store_last_error(store);
    if (!e) {
        printf("%s: no last error\n", what);
        return;
    }
    if (show_kind)
        printf("%s: last error %s, with a message %d\n", what, wisp_error_kind_name(e->kind), e->message[0] != 0);
    else
        printf("%s: a last error, with a message %d\n", what, e->message[0] != 0);
}

/* name(n) of a module with one i32 parameter and result, or its trap. */
static void call_i32(const wasm_module_t *m, const wasm_extern_vec_t *exports, const char *name, int32_t n)
{
    wasm_val_t as[1] = {WASM_I32_VAL(n)};
    wasm_val_t rs[1] = {WASM_INIT_VAL};
    wasm_val_vec_t args = WASM_ARRAY_VEC(as), results = WASM_ARRAY_VEC(rs);
    char what[40];
    snprintf(what, sizeof what, "%s(%d)", name, (int)n);
    own wasm_trap_t *trap = wasm_func_call(find_func(m, exports, name), &args, &results);
    if (trap) {
        int32_t code = -1;
        printf("%s: an exit: %d\n", what, wisp_wasm_trap_exit_code(trap, &code));
        print_trap(what, trap);
    } else {
        printf("%s = %d\n", what, (int)rs[0].of.i32);
    }
}

int main(int argc, char **argv)
{
    wisp_error err;
    /* Line by line: what was printed before a crash is still seen. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    uint64_t fuel = 0;
    if (argc != 3)
        die("usage: wisp_ext FUEL.wasm WASI.wasm");

    /* ---- A configuration not handed to an engine is deleted by its owner. */
    {
        own wasm_config_t *unused = wasm_config_new();
        wisp_config_tier(wisp_wasm_config(unused), WISP_TIER_INTERP);
        wisp_config_consume_fuel(wisp_wasm_config(unused), true);
        wasm_config_delete(unused);
    }

    /* ---- Fuel */
    own wasm_config_t *config = wasm_config_new();
    wisp_config *wc = wisp_wasm_config(config);
    if (!wc)
        die("wisp_wasm_config");
    wisp_config_consume_fuel(wc, true);
    own wasm_engine_t *engine = wasm_engine_new_with_config(config);
    own wasm_store_t *store = wasm_store_new(engine);
    if (!engine || !store)
        die("engine or store");
    print_last_error("a new store", store, false);
    wisp_store *ws = wisp_wasm_store(store);
    printf("wisp_wasm_store: %s\n", ws ? "a store" : "NULL");
    fuel = 12345;
    bool got = wisp_store_get_fuel(ws, &fuel);
    printf("get fuel at first: %d, %" PRIu64 "\n", got, fuel);
    own wasm_module_t *module = load_module(store, argv[1]);
    wasm_extern_vec_t none = WASM_EMPTY_VEC;
    own wasm_instance_t *instance = wasm_instance_new(store, module, &none, NULL);
    if (!instance)
        die("wasm_instance_new (fuel)");
    own wasm_extern_vec_t exports;
    wasm_instance_exports(instance, &exports);

    call_i32(module, &exports, "sum", 10);
    printf("set fuel 100000: %d\n", wisp_store_set_fuel(ws, 100000, &err));
    call_i32(module, &exports, "sum", 100);
    wisp_store_get_fuel(ws, &fuel);
    printf("fuel left after sum(100): some used %d, some left %d\n", fuel < 100000, fuel > 0);
    printf("set fuel 5000: %d\n", wisp_store_set_fuel(ws, 5000, &err));
    {
        wasm_val_vec_t args = WASM_EMPTY_VEC, results = WASM_EMPTY_VEC;
        own wasm_trap_t *trap = wasm_func_call(find_func(module, &exports, "forever"), &args, &results);
        int32_t code = -1;
        if (trap)
            printf("forever(): an exit: %d\n", wisp_wasm_trap_exit_code(trap, &code));
        print_trap("forever()", trap);
    }
    fuel = 12345;
    got = wisp_store_get_fuel(ws, &fuel);
    printf("fuel after running out: %d, %" PRIu64 "\n", got, fuel);
    printf("add fuel 1000: %d\n", wisp_store_add_fuel(ws, 1000, &err));
    call_i32(module, &exports, "sum", 10);
    wasm_extern_vec_delete(&exports);
    wasm_instance_delete(instance);
    wasm_module_delete(module);

    /* ---- Why things failed */
    own wasm_engine_t *plain_engine = wasm_engine_new();
    own wasm_store_t *store2 = wasm_store_new(plain_engine);
    err.kind = WISP_OK;
    got = wisp_store_set_fuel(wisp_wasm_store(store2), 10, &err);
    printf("set fuel without consume_fuel: %d, %s\n", got, wisp_error_kind_name(err.kind));
    {
        /* A function type whose form byte (at 0xb) is 0x61, not 0x60. */
        static const char malformed[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
                                         0x01, 0x05, 0x01, 0x61, 0x00, 0x01, 0x7f};
        /* A function of type [] -> [i32] whose body is only its end (at 0x18). */
        static const char invalid[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01,
                                       0x60, 0x00, 0x01, 0x7f, 0x03, 0x02, 0x01, 0x00, 0x0a, 0x04, 0x01,
                                       0x02, 0x00, 0x0b};
        wasm_byte_vec_t bytes;
        const wisp_error *e;
        wasm_byte_vec_new(&bytes, sizeof malformed, malformed);
        own wasm_module_t *m = wasm_module_new(store2, &bytes);
        wasm_byte_vec_delete(&bytes);
        e = wisp_wasm_store_last_error(store2);
        printf("a malformed module: %s, last error %s\n", m ? "a module" : "NULL", e ? "set" : "NULL");
        if (e)
            printf("  kind %s, offset 0x%" PRIx64 ", message starts \"malformed function type\": %d\n",
                   wisp_error_kind_name(e->kind), e->offset,
                   strncmp(e->message, "malformed function type", 23) == 0);
        if (e) {
            char line[600];
            wisp_error_format(e, line, sizeof line);
            printf("  formatted, with the offset: %d\n", strstr(line, "0xb") != NULL);
        }
        if (m)
            wasm_module_delete(m);
        wasm_byte_vec_new(&bytes, sizeof invalid, invalid);
        m = wasm_module_new(store2, &bytes);
        wasm_byte_vec_delete(&bytes);
        e = wisp_wasm_store_last_error(store2);
        printf("an invalid module: %s, last error %s\n", m ? "a module" : "NULL", e ? "set" : "NULL");
        if (e)
            printf("  kind %s, offset 0x%" PRIx64 ", message starts \"type mismatch\": %d\n",
                   wisp_error_kind_name(e->kind), e->offset, strncmp(e->message, "type mismatch", 13) == 0);
        if (m)
            wasm_module_delete(m);
    }
    {
        /* A refused set and a refused growth. */
        own wasm_globaltype_t *gt = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_CONST);
        wasm_val_t one = WASM_I32_VAL(1), two = WASM_I32_VAL(2);
        own wasm_global_t *g = wasm_global_new(store2, gt, &one);
        own wasm_store_t *store3 = wasm_store_new(plain_engine);
        own wasm_global_t *g3 = wasm_global_new(store3, gt, &one);
        print_last_error("before a set of a const global", store3, false);
        wasm_global_set(g3, &two);
        print_last_error("after it", store3, false);
        wasm_limits_t l = {1, 1};
        own wasm_memorytype_t *mt = wasm_memorytype_new(&l);
        own wasm_memory_t *mem = wasm_memory_new(store2, mt);
        own wasm_store_t *store4 = wasm_store_new(plain_engine);
        own wasm_memory_t *mem4 = wasm_memory_new(store4, mt);
        print_last_error("before a refused memory growth", store4, false);
        printf("grow: %d\n", wasm_memory_grow(mem4, 1));
        print_last_error("after it", store4, false);
        /* Linking: a module importing a function, given a global. */
        own wasm_module_t *wasi_module = load_module(store4, argv[2]);
        wasm_extern_t *ext[] = {wasm_global_as_extern(g), wasm_memory_as_extern(mem)};
        wasm_extern_vec_t bad = WASM_ARRAY_VEC(ext);
        own wasm_trap_t *trap = NULL;
        own wasm_instance_t *inst = wasm_instance_new(store2, wasi_module, &bad, &trap);
        printf("linking a global to a function import: %s\n", inst ? "an instance" : "NULL");
        print_last_error("after it", store2, true);
        if (trap)
            wasm_trap_delete(trap);
        if (inst)
            wasm_instance_delete(inst);
        wasm_module_delete(wasi_module);
        wasm_memory_delete(mem);
        wasm_memory_delete(mem4);
        wasm_memorytype_delete(mt);
        wasm_global_delete(g);
        wasm_global_delete(g3);
        wasm_globaltype_delete(gt);
        wasm_store_delete(store3);
        wasm_store_delete(store4);
    }

    /* ---- WASI */
    {
        own wasm_store_t *wstore = wasm_store_new(plain_engine);
        wisp_wasi_config *wasi = wisp_wasi_config_new();
        wisp_wasi_config_push_arg(wasi, "capi-wasi");
        printf("wisp_wasm_store_add_wasi: %d\n", wisp_wasm_store_add_wasi(wstore, wasi, &err));
        wisp_wasi_config_free(wasi); /* the store has what it needs */
        own wasm_module_t *m = load_module(wstore, argv[2]);
        own wasm_importtype_vec_t its;
        own wasm_extern_vec_t imports;
        size_t i;
        wasm_module_imports(m, &its);
        wasm_extern_vec_new_uninitialized(&imports, its.size);
        for (i = 0; i < its.size; i++) {
            imports.data[i] = wisp_wasm_store_import(wstore, its.data[i]);
            printf("import %.*s.%.*s: %s\n", (int)wasm_importtype_module(its.data[i])->size,
                   wasm_importtype_module(its.data[i])->data, (int)wasm_importtype_name(its.data[i])->size,
                   wasm_importtype_name(its.data[i])->data,
                   !imports.data[i]                                        ? "NULL"
                   : wasm_extern_kind(imports.data[i]) == WASM_EXTERN_FUNC ? "a function"
                                                                           : "another kind");
        }
        wasm_importtype_vec_delete(&its);

        /* An import the store does not define. */
        {
            own wasm_name_t mod, name;
            wasm_name_new_from_string(&mod, "wasi_snapshot_preview1");
            wasm_name_new_from_string(&name, "no_such_function");
            own wasm_importtype_t *it = wasm_importtype_new(&mod, &name, wasm_functype_as_externtype(wasm_functype_new_0_0()));
            own wasm_extern_t *x = wisp_wasm_store_import(wstore, it);
            printf("an import the store does not define: %s\n", x ? "an external" : "NULL");
            print_last_error("after it", wstore, false);
            if (x)
                wasm_extern_delete(x);
            wasm_importtype_delete(it);
        }

        own wasm_trap_t *trap = NULL;
        own wasm_instance_t *inst = wasm_instance_new(wstore, m, &imports, &trap);
        if (!inst) {
            print_trap("instantiate (WASI)", trap);
            die("wasm_instance_new (WASI)");
        }
        own wasm_extern_vec_t exps;
        wasm_instance_exports(inst, &exps);
        wasm_val_vec_t args = WASM_EMPTY_VEC, results = WASM_EMPTY_VEC;
        printf("calling _start\n");
        fflush(stdout); /* the guest writes to fd 1 itself */
        trap = wasm_func_call(find_func(m, &exps, "_start"), &args, &results);
        printf("_start: %s\n", trap ? "a trap" : "no trap");
        if (trap) {
            int32_t code = -1;
            bool is_exit = wisp_wasm_trap_exit_code(trap, &code);
            printf("an exit: %d, status %d\n", is_exit, (int)code);
            wasm_trap_delete(trap);
        }
        wasm_extern_vec_delete(&exps);
        wasm_instance_delete(inst);
        wasm_extern_vec_delete(&imports);
        wasm_module_delete(m);
        wasm_store_delete(wstore);
    }

    wasm_store_delete(store2);
    wasm_store_delete(store);
    wasm_engine_delete(plain_engine);
    wasm_engine_delete(engine);
    printf("done\n");
    return 0;
}
