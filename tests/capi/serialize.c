/* Serialization: wasm_module_serialize, then wasm_module_deserialize in
 * this store and in another, instantiate and run the result; damaged
 * input gives NULL; wasm_module_validate and wasm_module_new on valid and
 * invalid bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wasm.h>

#include "common.h"

#define own

static int reported;
static own wasm_trap_t *report(const wasm_val_vec_t *args, own wasm_val_vec_t *results)
{
    (void)results;
    reported = args->data[0].of.i32;
    return NULL;
}

/* Instantiate m in store, call fib(n) and fib_report(n), read the data. */
static void run(const char *what, wasm_store_t *store, const wasm_module_t *m)
{
    own wasm_functype_t *type = wasm_functype_new_1_0(wasm_valtype_new_i32());
    own wasm_func_t *report_func = wasm_func_new(store, type, report);
    wasm_extern_t *externs[] = {wasm_func_as_extern(report_func)};
    wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
    own wasm_trap_t *trap = NULL;
    own wasm_instance_t *instance = wasm_instance_new(store, m, &imports, &trap);
    if (!instance) {
        print_trap(what, trap);
        wasm_func_delete(report_func);
        wasm_functype_delete(type);
        return;
    }
    own wasm_extern_vec_t exports;
    wasm_instance_exports(instance, &exports);
    wasm_val_t as[1] = {WASM_I32_VAL(20)};
    wasm_val_t rs[1] = {WASM_INIT_VAL};
    wasm_val_vec_t args = WASM_ARRAY_VEC(as), results = WASM_ARRAY_VEC(rs), none = WASM_EMPTY_VEC;
    trap = wasm_func_call(find_func(m, &exports, "fib"), &args, &results);
    if (trap)
        print_trap(what, trap);
    else
        printf("%s: fib(20) = %d\n", what, (int)rs[0].of.i32);
    reported = 0;
    as[0].of.i32 = 12;
    trap = wasm_func_call(find_func(m, &exports, "fib_report"), &args, &none);
    if (trap)
        print_trap(what, trap);
    else
        printf("%s: fib_report(12) reported %d\n", what, reported);
    wasm_memory_t *memory = wasm_extern_as_memory(find_export(m, &exports, "memory"));
    printf("%s: memory holds \"%.10s\"\n", what, memory ? wasm_memory_data(memory) + 8 : "(no memory)");
    wasm_extern_vec_delete(&exports);
    wasm_instance_delete(instance);
    wasm_func_delete(report_func);
    wasm_functype_delete(type);
}

static void print_shape(const char *what, const wasm_module_t *m)
{
    own wasm_importtype_vec_t imports;
    own wasm_exporttype_vec_t exports;
    size_t i;
    wasm_module_imports(m, &imports);
    wasm_module_exports(m, &exports);
    printf("%s: %zu imports, %zu exports:", what, imports.size, exports.size);
    for (i = 0; i < exports.size; i++) {
        const wasm_name_t *n = wasm_exporttype_name(exports.data[i]);
        printf(" %.*s", (int)n->size, n->data);
    }
    printf("\n");
    wasm_importtype_vec_delete(&imports);
    wasm_exporttype_vec_delete(&exports);
}

static void try_deserialize(const char *what, wasm_store_t *store, const char *bytes, size_t size)
{
    wasm_byte_vec_t v;
    wasm_byte_vec_new(&v, size, bytes);
    own wasm_module_t *m = wasm_module_deserialize(store, &v);
    printf("deserialize %s: %s\n", what, m ? "a module" : "NULL");
    if (m)
        wasm_module_delete(m);
    wasm_byte_vec_delete(&v);
}

static void try_bytes(const char *what, wasm_store_t *store, const char *bytes, size_t size)
{
    wasm_byte_vec_t v;
    wasm_byte_vec_new(&v, size, bytes);
    own wasm_module_t *m = wasm_module_new(store, &v);
    printf("%s: validate %d, wasm_module_new %s\n", what, wasm_module_validate(store, &v), m ? "a module" : "NULL");
    if (m)
        wasm_module_delete(m);
    wasm_byte_vec_delete(&v);
}

int main(int argc, char **argv)
{
    /* Line by line: what was printed before a crash is still seen. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc != 2)
        die("usage: serialize MODULE.wasm");
    own wasm_engine_t *engine = wasm_engine_new();
    own wasm_store_t *store = wasm_store_new(engine);
    own wasm_byte_vec_t binary;
    read_binary(argv[1], &binary);

    /* ---- Validation */
    printf("validate the module: %d\n", wasm_module_validate(store, &binary));
    {
        /* A function declared to return an i32 whose body is empty:
         * well-formed, not valid. */
        static const char invalid[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01,
                                       0x60, 0x00, 0x01, 0x7f, 0x03, 0x02, 0x01, 0x00, 0x0a, 0x04, 0x01,
                                       0x02, 0x00, 0x0b};
        static const char empty_module[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
        static const char wrong_version[] = {0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00};
        static const char garbage[] = "this is not a module";
        /* A type (i32, (ref null exn)) -> (): valid, but wasm.h has no
         * kind for exception references, so it is refused. */
        static const char exn_param[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
                                         0x01, 0x07, 0x01, 0x60, 0x02, 0x7f, 0x63, 0x69, 0x00};
        try_bytes("a type error", store, invalid, sizeof invalid);
        try_bytes("an exception reference parameter", store, exn_param, sizeof exn_param);
        try_bytes("the smallest module", store, empty_module, sizeof empty_module);
        try_bytes("version 2", store, wrong_version, sizeof wrong_version);
        try_bytes("text", store, garbage, sizeof garbage - 1);
        try_bytes("nothing", store, "", 0);
        try_bytes("the module cut short", store, binary.data, binary.size - 3);
        try_bytes("the module's first half", store, binary.data, binary.size / 2);
    }

    /* ---- Serialize, deserialize, run */
    own wasm_module_t *module = wasm_module_new(store, &binary);
    if (!module)
        die("wasm_module_new");
    print_shape("the original", module);
    run("the original", store, module);
    /* A module belongs to the engine: any of its stores may instantiate it. */
    own wasm_store_t *store2 = wasm_store_new(engine);
    run("the original in another store", store2, module);

    own wasm_byte_vec_t serialized;
    wasm_module_serialize(module, &serialized);
    printf("serialized: %s\n", serialized.size > 0 ? "some bytes" : "nothing");
    if (serialized.size == 0)
        die("wasm_module_serialize gave nothing");
    /* The original may go: the serialized form stands alone. */
    wasm_module_delete(module);

    own wasm_module_t *back = wasm_module_deserialize(store, &serialized);
    if (!back)
        die("wasm_module_deserialize");
    print_shape("deserialized", back);
    run("deserialized", store, back);
    {
        own wasm_byte_vec_t again;
        wasm_module_serialize(back, &again);
        printf("serialized again: %s\n", again.size > 0 ? "some bytes" : "nothing");
        wasm_byte_vec_delete(&again);
    }

    /* In another store of the engine. */
    own wasm_module_t *back2 = wasm_module_deserialize(store2, &serialized);
    if (!back2)
        die("wasm_module_deserialize in another store");
    run("deserialized in another store", store2, back2);
    /* The same module instantiated twice. */
    run("deserialized in another store, again", store2, back2);

    /* ---- Damaged input */
    {
        char *junk = malloc(4096);
        size_t i;
        if (!junk)
            die("malloc");
        for (i = 0; i < 4096; i++)
            junk[i] = (char)(i * 131 + 7);
        try_deserialize("garbage", store, junk, 4096);
        try_deserialize("nothing", store, "", 0);
        try_deserialize("one byte", store, serialized.data, 1);
        try_deserialize("the first 16 bytes", store, serialized.data, serialized.size < 16 ? 1 : 16);
        try_deserialize("the first half", store, serialized.data, serialized.size / 2);
        try_deserialize("all but the last byte", store, serialized.data, serialized.size - 1);
        memcpy(junk, serialized.data, serialized.size < 4096 ? serialized.size : 4096);
        junk[0] = (char)(junk[0] ^ 0x55);
        try_deserialize("with its first byte changed", store, junk, serialized.size < 4096 ? serialized.size : 4096);
        free(junk);
    }
    /* The store still works after all that. */
    run("deserialized, after the damaged ones", store, back);

    wasm_module_delete(back);
    wasm_module_delete(back2);
    wasm_byte_vec_delete(&serialized);
    wasm_byte_vec_delete(&binary);
    wasm_store_delete(store2);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    printf("done\n");
    return 0;
}
