/* Memories: a module's exported memory read and written through
 * wasm_memory_data, its size in pages and bytes, growth (and a refused
 * growth past the maximum), accesses out of bounds that trap; a memory
 * the host creates, imported by a second module; a module with two
 * memories (multi-memory), each exported and reflected. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wasm.h>

#include "common.h"

#define own

static wasm_module_t *module;
static wasm_extern_vec_t exports;

/* name(args...) -> i32 or nothing, printed, or its trap. */
static void call(const char *name, int nargs, int32_t a, int32_t b)
{
    wasm_func_t *f = find_func(module, &exports, name);
    wasm_val_t as[2] = {WASM_I32_VAL(a), WASM_I32_VAL(b)};
    wasm_val_t rs[1] = {WASM_INIT_VAL};
    wasm_val_vec_t args = {(size_t)nargs, as}, results = {wasm_func_result_arity(f), rs};
    char what[80];
    if (nargs == 0)
        snprintf(what, sizeof what, "%s()", name);
    else if (nargs == 1)
        snprintf(what, sizeof what, "%s(0x%x)", name, (unsigned)a);
    else
        snprintf(what, sizeof what, "%s(0x%x, 0x%x)", name, (unsigned)a, (unsigned)b);
    wasm_trap_t *trap = wasm_func_call(f, &args, &results);
    if (trap)
        print_trap(what, trap);
    else if (results.size)
        printf("%s = %d\n", what, (int)rs[0].of.i32);
    else
        printf("%s done\n", what);
}

static void print_memory(const char *what, const wasm_memory_t *m)
{
    printf("%s: %u pages, %zu bytes\n", what, (unsigned)wasm_memory_size(m), wasm_memory_data_size(m));
}

static void print_memorytype(const char *what, const wasm_memory_t *m)
{
    own wasm_memorytype_t *t = wasm_memory_type(m);
    const wasm_limits_t *l = wasm_memorytype_limits(t);
    if (l->max == wasm_limits_max_default)
        printf("type of %s: min %u, no max\n", what, (unsigned)l->min);
    else
        printf("type of %s: min %u, max %u\n", what, (unsigned)l->min, (unsigned)l->max);
    wasm_memorytype_delete(t);
}

static wasm_instance_t *instantiate(wasm_store_t *store, const wasm_extern_vec_t *imports)
{
    own wasm_trap_t *trap = NULL;
    own wasm_instance_t *instance = wasm_instance_new(store, module, imports, &trap);
    if (!instance) {
        print_trap("instantiate", trap);
        die("wasm_instance_new");
    }
    return instance;
}

int main(int argc, char **argv)
{
    /* Line by line: what was printed before a crash is still seen. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc != 4)
        die("usage: memory MEMORY.wasm MEMORY_IMPORT.wasm MEMORIES.wasm");
    own wasm_engine_t *engine = wasm_engine_new();
    own wasm_store_t *store = wasm_store_new(engine);

    /* ---- The module's own memory */
    module = load_module(store, argv[1]);
    wasm_extern_vec_t no_imports = WASM_EMPTY_VEC;
    own wasm_instance_t *instance = instantiate(store, &no_imports);
    wasm_instance_exports(instance, &exports);
    wasm_memory_t *memory = wasm_extern_as_memory(find_export(module, &exports, "memory"));
    if (!memory)
        die("export memory is not a memory");
    print_memorytype("the exported memory", memory);
    print_memory("the exported memory", memory);
    byte_t *data = wasm_memory_data(memory);
    printf("data segment seen by the host: %d %d %d %d\n", data[0x1000], data[0x1001], data[0x1002], data[0x1003]);
    printf("last byte readable: %d\n", data[2 * 65536 - 1]);

    data[0x2000] = 0x7f;
    data[0x2001] = (byte_t)0x80;
    call("load8", 1, 0x2000, 0);
    call("load8", 1, 0x2001, 0);
    call("store32", 2, 0x2004, 0x12345678);
    printf("bytes wasm stored, seen by the host: %02x %02x %02x %02x\n", (unsigned char)data[0x2004],
           (unsigned char)data[0x2005], (unsigned char)data[0x2006], (unsigned char)data[0x2007]);
    data[0x1fffc] = 0x11;
    data[0x1fffd] = 0x22;
    data[0x1fffe] = 0x33;
    data[0x1ffff] = 0x44;
    call("load32", 1, 0x1fffc, 0);

    /* Out of bounds: past the end, straddling it, far away. */
    call("load8", 1, 0x20000, 0);
    call("load32", 1, 0x1fffd, 0);
    call("store32", 2, 0x1fffe, 1);
    call("load32", 1, -4, 0);
    printf("bytes after the refused store: %02x %02x\n", (unsigned char)data[0x1fffe], (unsigned char)data[0x1ffff]);

    /* Growth from the host: the data stays where it is. */
    printf("grow by 1: %d\n", wasm_memory_grow(memory, 1));
    print_memory("after growing", memory);
    printf("the data did not move: %d\n", wasm_memory_data(memory) == data);
    printf("the new page is zero: %d %d\n", data[0x20000], data[0x2ffff]);
    call("size", 0, 0, 0);
    call("load8", 1, 0x20000, 0);
    call("store32", 2, 0x2fffc, -1);
    printf("the host sees wasm's store in the new page: %02x\n", (unsigned char)data[0x2ffff]);
    call("grow", 1, 1, 0);
    print_memory("after wasm grew it", memory);
    printf("grow past the maximum: %d\n", wasm_memory_grow(memory, 1));
    print_memory("after the refused growth", memory);
    call("grow", 1, 1, 0);
    printf("grow by 0: %d\n", wasm_memory_grow(memory, 0));
    print_memory("after growing by 0", memory);
    call("load8", 1, 0x40000, 0);
    wasm_extern_vec_delete(&exports);
    wasm_instance_delete(instance);
    wasm_module_delete(module);

    /* ---- A memory the host creates: 1 page, at most 3 */
    module = load_module(store, argv[2]);
    wasm_limits_t limits = {1, 3};
    own wasm_memorytype_t *mtype = wasm_memorytype_new(&limits);
    own wasm_memory_t *host_memory = wasm_memory_new(store, mtype);
    if (!host_memory)
        die("wasm_memory_new");
    print_memorytype("the host's memory", host_memory);
    print_memory("the host's memory", host_memory);
    byte_t *hdata = wasm_memory_data(host_memory);
    printf("a new memory is zero: %d %d\n", hdata[0], hdata[65535]);
    hdata[100] = 42;
    wasm_extern_t *externs[] = {wasm_memory_as_extern(host_memory)};
    wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
    instance = instantiate(store, &imports);
    wasm_instance_exports(instance, &exports);
    wasm_memory_t *reexported = wasm_extern_as_memory(find_export(module, &exports, "mem"));
    printf("the re-exported memory is the host's: %d\n", reexported && wasm_memory_same(reexported, host_memory));
    call("load8", 1, 100, 0);
    call("store8", 2, 200, 0x99);
    printf("the host reads wasm's store: %02x\n", (unsigned char)hdata[200]);
    call("load8", 1, 0x10000, 0);
    printf("grow the host's memory by 2: %d\n", wasm_memory_grow(host_memory, 2));
    call("size", 0, 0, 0);
    call("store8", 2, 0x2ffff, 7);
    printf("the host reads it: %d\n", hdata[0x2ffff]);
    printf("grow past its maximum: %d\n", wasm_memory_grow(host_memory, 1));
    print_memory("the host's memory", host_memory);
    wasm_extern_vec_delete(&exports);
    wasm_instance_delete(instance);

    /* ---- An empty memory with no maximum */
    wasm_limits_t open = {0, wasm_limits_max_default};
    own wasm_memorytype_t *otype = wasm_memorytype_new(&open);
    own wasm_memory_t *empty = wasm_memory_new(store, otype);
    if (!empty)
        die("wasm_memory_new (empty)");
    print_memorytype("the empty memory", empty);
    print_memory("the empty memory", empty);
    printf("grow the empty memory by 2: %d\n", wasm_memory_grow(empty, 2));
    print_memory("the empty memory", empty);
    byte_t *edata = wasm_memory_data(empty);
    edata[0] = 1;
    edata[2 * 65536 - 1] = 2;
    printf("its bytes: %d %d\n", edata[0], edata[2 * 65536 - 1]);
    printf("growing it past 65536 pages: %d\n", wasm_memory_grow(empty, 65535));
    printf("growing it by 0xffffffff pages: %d\n", wasm_memory_grow(empty, 0xffffffffu));
    print_memory("the empty memory", empty);

    /* Memory types the host cannot have: more than 65536 pages, min above max. */
    wasm_limits_t huge = {65537, wasm_limits_max_default};
    own wasm_memorytype_t *htype = wasm_memorytype_new(&huge);
    own wasm_memory_t *hmem = wasm_memory_new(store, htype);
    printf("wasm_memory_new with min 65537: %s\n", hmem ? "a memory" : "NULL");
    if (hmem)
        wasm_memory_delete(hmem);
    wasm_memorytype_delete(htype);
    wasm_limits_t bad = {2, 1};
    own wasm_memorytype_t *btype = wasm_memorytype_new(&bad);
    own wasm_memory_t *none = wasm_memory_new(store, btype);
    printf("wasm_memory_new with min 2, max 1: %s\n", none ? "a memory" : "NULL");
    if (none)
        wasm_memory_delete(none);

    wasm_memory_delete(empty);
    wasm_memory_delete(host_memory);
    wasm_memorytype_delete(mtype);
    wasm_memorytype_delete(otype);
    wasm_memorytype_delete(btype);
    wasm_module_delete(module);

    /* ---- Two memories, both exported */
    module = load_module(store, argv[3]);
    own wasm_exporttype_vec_t types;
    wasm_module_exports(module, &types);
    for (size_t i = 0; i < types.size; i++) {
        const wasm_externtype_t *t = wasm_exporttype_type(types.data[i]);
        const wasm_memorytype_t *mt = wasm_externtype_as_memorytype_const(t);
        if (mt) {
            const wasm_name_t *name = wasm_exporttype_name(types.data[i]);
            printf("export %.*s: a memory of min %u\n", (int)name->size, name->data,
                   (unsigned)wasm_memorytype_limits(mt)->min);
        }
    }
    wasm_exporttype_vec_delete(&types);
    instance = instantiate(store, &no_imports);
    wasm_instance_exports(instance, &exports);
    size_t nmemories = 0;
    for (size_t i = 0; i < exports.size; i++)
        nmemories += wasm_extern_kind(exports.data[i]) == WASM_EXTERN_MEMORY;
    printf("memories among the instance's exports: %zu\n", nmemories);
    wasm_memory_t *a = wasm_extern_as_memory(find_export(module, &exports, "a"));
    wasm_memory_t *b = wasm_extern_as_memory(find_export(module, &exports, "b"));
    if (!a || !b)
        die("exports a and b are not memories");
    print_memory("memory a", a);
    print_memory("memory b", b);
    printf("their own data: %d %d, not the same memory: %d\n", wasm_memory_data(a)[0], wasm_memory_data(b)[0],
           !wasm_memory_same(a, b));
    call("store8", 2, 0x1ffff, 0x5b);
    printf("wasm's store to memory 1, seen by the host: b %02x, a %02x\n",
           (unsigned char)wasm_memory_data(b)[0x1ffff], (unsigned char)wasm_memory_data(a)[0xffff]);
    printf("grow b by 1: %d\n", wasm_memory_grow(b, 1));
    call("size", 0, 0, 0);
    call("grow", 1, 1, 0);
    print_memory("memory a", a);
    print_memory("memory b", b);
    wasm_extern_vec_delete(&exports);
    wasm_instance_delete(instance);
    wasm_module_delete(module);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    printf("done\n");
    return 0;
}
