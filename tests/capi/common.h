/* Helpers shared by the wasm.h test programs: what every embedder writes
 * once (read a file, find an export by name, report a trap). Each program
 * includes <wasm.h> first. */
#ifndef CAPI_TEST_COMMON_H
#define CAPI_TEST_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wasm.h>

/* Something that must not fail did: say what, and exit 1 (run.sh then
 * reports the program's status and its missing lines). */
static inline void die(const char *what)
{
    fprintf(stderr, "error: %s\n", what);
    fflush(stdout);
    exit(1);
}

/* The whole file into a byte vector the caller deletes. */
static inline void read_binary(const char *path, wasm_byte_vec_t *out)
{
    FILE *f = fopen(path, "rb");
    long size;
    if (!f)
        die(path);
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
        die("seeking in the module file");
    wasm_byte_vec_new_uninitialized(out, (size_t)size);
    if (fread(out->data, 1, (size_t)size, f) != (size_t)size)
        die("reading the module file");
    fclose(f);
}

/* A module from a file, or exit. */
static inline wasm_module_t *load_module(wasm_store_t *store, const char *path)
{
    wasm_byte_vec_t binary;
    wasm_module_t *module;
    read_binary(path, &binary);
    module = wasm_module_new(store, &binary);
    wasm_byte_vec_delete(&binary);
    if (!module)
        die("wasm_module_new failed");
    return module;
}

/* Whether a name (not NUL-terminated) is the string s. */
static inline int name_is(const wasm_name_t *name, const char *s)
{
    return name->size == strlen(s) && memcmp(name->data, s, name->size) == 0;
}

/* The export named name among an instance's exports (borrowed from
 * exports), or exit. */
static inline wasm_extern_t *find_export(const wasm_module_t *module, const wasm_extern_vec_t *exports,
                                         const char *name)
{
    wasm_exporttype_vec_t types;
    wasm_extern_t *found = NULL;
    size_t i;
    wasm_module_exports(module, &types);
    if (types.size != exports->size)
        die("wasm_module_exports and wasm_instance_exports disagree on the count");
    for (i = 0; i < types.size; i++)
        if (name_is(wasm_exporttype_name(types.data[i]), name))
            found = exports->data[i];
    wasm_exporttype_vec_delete(&types);
    if (!found) {
        fprintf(stderr, "error: no export %s\n", name);
        exit(1);
    }
    return found;
}

static inline wasm_func_t *find_func(const wasm_module_t *module, const wasm_extern_vec_t *exports,
                                     const char *name)
{
    wasm_func_t *f = wasm_extern_as_func(find_export(module, exports, name));
    if (!f)
        die("export is not a function");
    return f;
}

/* "trapped: MESSAGE" for a trap (deleted here), or "no trap". The message
 * must be NUL-terminated, its size counting the NUL. */
static inline void print_trap(const char *what, wasm_trap_t *trap)
{
    wasm_message_t message;
    if (!trap) {
        printf("%s: no trap\n", what);
        return;
    }
    wasm_trap_message(trap, &message);
    if (message.size == 0 || message.data[message.size - 1] != '\0' ||
        strlen(message.data) + 1 != message.size)
        printf("%s: trap message is not NUL-terminated with the NUL counted (size %zu)\n", what,
               message.size);
    else
        printf("%s: trapped: %s\n", what, message.data);
    wasm_byte_vec_delete(&message);
    wasm_trap_delete(trap);
}

#endif
