/* Embedding wisp through the standard WebAssembly C API (wasm.h), as a
 * program written for another runtime's wasm.h does: load a binary module,
 * give it host functions, call its exports, and handle a trap with its
 * frames. The guest is wasm_c_api.wat, converted to binary first:
 *
 *     wisp wat2wasm wasm_c_api.wat -o wasm_c_api.wasm
 *     cc wasm_c_api.c $(pkg-config --cflags --libs wisp) -o wasm_c_api
 *     ./wasm_c_api wasm_c_api.wasm
 */
#include <stdio.h>
#include <stdlib.h>

#include <wasm.h>

/* What the host functions share: a call counter, and the guest's memory,
 * which exists only once the instance does (imports come first). */
struct host {
    int calls;
    wasm_memory_t *memory;
};

static wasm_trap_t *log_i32(void *env, const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    (void)results;
    struct host *h = env;
    h->calls++;
    printf("log_i32: %d\n", (int)args->data[0].of.i32);
    return NULL;
}

/* Guest pointers are offsets into its memory, and the guest can pass
 * anything: check the range, and trap the guest rather than read past it. */
static wasm_trap_t *print(void *env, const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    (void)results;
    struct host *h = env;
    uint32_t ptr = (uint32_t)args->data[0].of.i32, len = (uint32_t)args->data[1].of.i32;
    size_t size = h->memory ? wasm_memory_data_size(h->memory) : 0;
    if (ptr > size || len > size - ptr) {
        wasm_message_t msg;
        wasm_name_new_from_string_nt(&msg, "print: the string is out of bounds");
        /* The store is not at hand here; a trap needs none to carry its message. */
        wasm_trap_t *trap = wasm_trap_new(NULL, &msg);
        wasm_byte_vec_delete(&msg);
        return trap;
    }
    printf("print: %.*s\n", (int)len, wasm_memory_data(h->memory) + ptr);
    return NULL;
}

static int read_file(const char *path, wasm_byte_vec_t *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    wasm_byte_vec_new_uninitialized(out, (size_t)size);
    int ok = size >= 0 && fread(out->data, 1, (size_t)size, f) == (size_t)size;
    fclose(f);
    return ok;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s wasm_c_api.wasm\n", argv[0]);
        return 2;
    }
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = wasm_store_new(engine);
    wasm_byte_vec_t binary;
    if (!read_file(argv[1], &binary)) {
        fprintf(stderr, "cannot read %s\n", argv[1]);
        return 1;
    }
    wasm_module_t *module = wasm_module_new(store, &binary);
    wasm_byte_vec_delete(&binary);
    if (!module) {
        fprintf(stderr, "%s is not a valid module\n", argv[1]);
        return 1;
    }

    /* Imports in the module's order: env.log_i32, env.print. */
    struct host host = {0, NULL};
    wasm_functype_t *log_type = wasm_functype_new_1_0(wasm_valtype_new_i32());
    wasm_functype_t *print_type = wasm_functype_new_2_0(wasm_valtype_new_i32(), wasm_valtype_new_i32());
    wasm_func_t *log_func = wasm_func_new_with_env(store, log_type, log_i32, &host, NULL);
    wasm_func_t *print_func = wasm_func_new_with_env(store, print_type, print, &host, NULL);
    wasm_functype_delete(log_type);
    wasm_functype_delete(print_type);
    wasm_extern_t *imports_list[] = {wasm_func_as_extern(log_func), wasm_func_as_extern(print_func)};
    wasm_extern_vec_t imports = WASM_ARRAY_VEC(imports_list);
    wasm_trap_t *trap = NULL;
    wasm_instance_t *instance = wasm_instance_new(store, module, &imports, &trap);
    if (!instance) {
        fprintf(stderr, "instantiation failed\n");
        return 1;
    }

    /* Exports in the module's order: memory, fact, log_facts, average. */
    wasm_extern_vec_t exports;
    wasm_instance_exports(instance, &exports);
    host.memory = wasm_extern_as_memory(exports.data[0]);
    const wasm_func_t *fact = wasm_extern_as_func(exports.data[1]);
    const wasm_func_t *log_facts = wasm_extern_as_func(exports.data[2]);
    const wasm_func_t *average = wasm_extern_as_func(exports.data[3]);

    wasm_val_t args1[1] = {WASM_I32_VAL(10)};
    wasm_val_t res1[1] = {WASM_INIT_VAL};
    wasm_val_vec_t args = WASM_ARRAY_VEC(args1), results = WASM_ARRAY_VEC(res1);
    if ((trap = wasm_func_call(fact, &args, &results)) != NULL)
        return 1;
    printf("fact(10) = %d\n", (int)res1[0].of.i32);

    wasm_val_t args2[1] = {WASM_I32_VAL(5)};
    wasm_val_vec_t args_n = WASM_ARRAY_VEC(args2), none = WASM_EMPTY_VEC;
    if ((trap = wasm_func_call(log_facts, &args_n, &none)) != NULL)
        return 1;
    printf("the host function was called %d times\n", host.calls);

    wasm_val_t args3[2] = {WASM_I32_VAL(10), WASM_I32_VAL(0)};
    wasm_val_vec_t args_avg = WASM_ARRAY_VEC(args3);
    trap = wasm_func_call(average, &args_avg, &results);
    if (trap) {
        wasm_message_t message;
        wasm_trap_message(trap, &message);
        printf("average(10, 0) trapped: %s\n", message.data);
        wasm_byte_vec_delete(&message);
        wasm_frame_vec_t frames;
        wasm_trap_trace(trap, &frames);
        for (size_t i = 0; i < frames.size; i++)
            printf("  %zu: func %u, byte 0x%zx of the module\n", i, wasm_frame_func_index(frames.data[i]),
                   wasm_frame_module_offset(frames.data[i]));
        wasm_frame_vec_delete(&frames);
        wasm_trap_delete(trap);
    }

    wasm_extern_vec_delete(&exports);
    wasm_instance_delete(instance);
    wasm_func_delete(log_func);
    wasm_func_delete(print_func);
    wasm_module_delete(module);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    return 0;
}
