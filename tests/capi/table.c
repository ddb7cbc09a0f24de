/* Tables: host-created funcref and externref tables imported by a module,
 * the module's own table exported; get, set, size and grow from the host,
 * out of bounds, call_indirect through an element the host set, types. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wasm.h>

#include "common.h"

#define own

static wasm_module_t *module;
static wasm_extern_vec_t exports;

static own wasm_trap_t *triple(const wasm_val_vec_t *args, own wasm_val_vec_t *results)
{
    results->data[0].kind = WASM_I32;
    results->data[0].of.i32 = args->data[0].of.i32 * 3;
    return NULL;
}

static own wasm_trap_t *add(const wasm_val_vec_t *args, own wasm_val_vec_t *results)
{
    results->data[0].kind = WASM_I32;
    results->data[0].of.i32 = args->data[0].of.i32 + args->data[1].of.i32;
    return NULL;
}

/* name(a[, b]) -> i32, printed; a trap is printed instead. */
static void call2(const char *name, int32_t a, int32_t b, int nargs)
{
    wasm_func_t *f = find_func(module, &exports, name);
    wasm_val_t as[2] = {WASM_I32_VAL(a), WASM_I32_VAL(b)};
    wasm_val_t rs[1] = {WASM_INIT_VAL};
    wasm_val_vec_t args = {(size_t)nargs, as}, results = WASM_ARRAY_VEC(rs);
    char what[64];
    if (nargs == 2)
        snprintf(what, sizeof what, "%s(%d, %d)", name, (int)a, (int)b);
    else if (nargs == 1)
        snprintf(what, sizeof what, "%s(%d)", name, (int)a);
    else
        snprintf(what, sizeof what, "%s()", name);
    wasm_trap_t *trap = wasm_func_call(f, &args, &results);
    if (trap)
        print_trap(what, trap);
    else
        printf("%s = %d\n", what, (int)rs[0].of.i32);
}

static void print_tabletype(const char *what, const wasm_table_t *t)
{
    own wasm_tabletype_t *tt = wasm_table_type(t);
    const wasm_limits_t *l = wasm_tabletype_limits(tt);
    wasm_valkind_t k = wasm_valtype_kind(wasm_tabletype_element(tt));
    printf("type of %s: %s, min %u, max %s%u\n", what,
           k == WASM_FUNCREF ? "funcref" : k == WASM_EXTERNREF ? "externref" : "other", (unsigned)l->min,
           l->max == wasm_limits_max_default ? "none " : "", l->max == wasm_limits_max_default ? 0u : (unsigned)l->max);
    wasm_tabletype_delete(tt);
}

/* Element i of a funcref table: null, out of bounds (also NULL), or which
 * of the given functions it is. */
static void print_element(const char *what, const wasm_table_t *t, wasm_table_size_t i, wasm_func_t **funcs,
                          const char **names, int n)
{
    own wasm_ref_t *r = wasm_table_get(t, i);
    int j;
    if (!r) {
        printf("%s[%u]: NULL\n", what, (unsigned)i);
        return;
    }
    const wasm_func_t *f = wasm_ref_as_func_const(r);
    for (j = 0; j < n; j++)
        if (f && wasm_func_same(f, funcs[j]))
            break;
    printf("%s[%u]: %s\n", what, (unsigned)i, !f ? "not a function" : j < n ? names[j] : "another function");
    wasm_ref_delete(r);
}

int main(int argc, char **argv)
{
    /* Line by line: what was printed before a crash is still seen. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc != 2)
        die("usage: table MODULE.wasm");
    own wasm_engine_t *engine = wasm_engine_new();
    own wasm_store_t *store = wasm_store_new(engine);
    module = load_module(store, argv[1]);

    own wasm_functype_t *i2i = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
    own wasm_functype_t *ii2i =
        wasm_functype_new_2_1(wasm_valtype_new_i32(), wasm_valtype_new_i32(), wasm_valtype_new_i32());
    own wasm_func_t *triple_func = wasm_func_new(store, i2i, triple);
    own wasm_func_t *add_func = wasm_func_new(store, ii2i, add);

    /* funcref 2..10, empty; externref 1.., empty. */
    wasm_limits_t flimits = {2, 10}, elimits = {1, wasm_limits_max_default};
    own wasm_tabletype_t *ftype = wasm_tabletype_new(wasm_valtype_new_funcref(), &flimits);
    own wasm_tabletype_t *etype = wasm_tabletype_new(wasm_valtype_new_externref(), &elimits);
    own wasm_table_t *ftab = wasm_table_new(store, ftype, NULL);
    own wasm_table_t *etab = wasm_table_new(store, etype, NULL);
    if (!ftab || !etab)
        die("wasm_table_new");
    print_tabletype("host funcref table", ftab);
    print_tabletype("host externref table", etab);
    printf("sizes: funcref %u, externref %u\n", (unsigned)wasm_table_size(ftab), (unsigned)wasm_table_size(etab));

    wasm_func_t *known[5] = {triple_func, add_func, NULL, NULL, NULL};
    const char *names[5] = {"triple", "add", "double", "negate", ""};

    /* A table made with an initial element: every element is it. */
    wasm_limits_t ilimits = {3, 3};
    own wasm_tabletype_t *itype = wasm_tabletype_new(wasm_valtype_new_funcref(), &ilimits);
    own wasm_table_t *itab = wasm_table_new(store, itype, wasm_func_as_ref(triple_func));
    print_element("initialized", itab, 0, known, names, 2);
    print_element("initialized", itab, 2, known, names, 2);
    print_element("initialized", itab, 3, known, names, 2);
    print_tabletype("initialized", itab);

    /* The host fills element 1 before instantiating. */
    printf("set ftab[1] = triple: %d\n", wasm_table_set(ftab, 1, wasm_func_as_ref(triple_func)));

    wasm_extern_t *externs[] = {wasm_table_as_extern(ftab), wasm_table_as_extern(etab)};
    wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
    own wasm_trap_t *trap = NULL;
    own wasm_instance_t *instance = wasm_instance_new(store, module, &imports, &trap);
    if (!instance) {
        print_trap("instantiate", trap);
        die("wasm_instance_new");
    }
    wasm_instance_exports(instance, &exports);
    known[2] = find_func(module, &exports, "double");
    known[3] = find_func(module, &exports, "negate");
    wasm_table_t *own_tab = wasm_extern_as_table(find_export(module, &exports, "own"));
    if (!own_tab)
        die("export own is not a table");
    print_tabletype("exported table", own_tab);

    /* call_indirect through what the host put there. */
    call2("call_ft", 1, 5, 2);
    call2("call_ft", 0, 5, 2);
    printf("set ftab[0] = double (a wasm function): %d\n", wasm_table_set(ftab, 0, wasm_func_as_ref(known[2])));
    call2("call_ft", 0, 5, 2);
    call2("call_ft", 2, 5, 2);
    call2("ft_size", 0, 0, 0);

    /* Grow from the host, with an element of another type. */
    printf("grow ftab by 1 with add: %d\n", wasm_table_grow(ftab, 1, wasm_func_as_ref(add_func)));
    printf("ftab size %u\n", (unsigned)wasm_table_size(ftab));
    call2("ft_size", 0, 0, 0);
    print_element("ftab", ftab, 2, known, names, 4);
    call2("call_ft", 2, 5, 2);
    printf("grow ftab by 7 with null: %d\n", wasm_table_grow(ftab, 7, NULL));
    printf("grow ftab past its maximum by 1: %d\n", wasm_table_grow(ftab, 1, NULL));
    printf("ftab size %u\n", (unsigned)wasm_table_size(ftab));
    print_element("ftab", ftab, 9, known, names, 4);
    print_element("ftab", ftab, 10, known, names, 4);
    printf("grow ftab by 0: %d, size %u\n", wasm_table_grow(ftab, 0, NULL), (unsigned)wasm_table_size(ftab));
    printf("grow etab by 0xffffffff: %d, size %u\n", wasm_table_grow(etab, 0xffffffffu, NULL),
           (unsigned)wasm_table_size(etab));

    /* Out of bounds, and what a funcref table cannot hold. */
    printf("set ftab[10] (out of bounds): %d\n", wasm_table_set(ftab, 10, wasm_func_as_ref(triple_func)));
    printf("set ftab[0xffffffff] (out of bounds): %d\n",
           wasm_table_set(ftab, 0xffffffffu, wasm_func_as_ref(triple_func)));
    own wasm_foreign_t *foreign = wasm_foreign_new(store);
    printf("set ftab[3] = a foreign object: %d\n", wasm_table_set(ftab, 3, wasm_foreign_as_ref(foreign)));
    print_element("ftab", ftab, 3, known, names, 4);
    printf("set ftab[1] = null: %d\n", wasm_table_set(ftab, 1, NULL));
    print_element("ftab", ftab, 1, known, names, 4);
    call2("call_ft", 1, 5, 2);

    /* The externref table holds anything the host makes. */
    call2("et_is_null", 0, 0, 1);
    printf("set etab[0] = foreign: %d\n", wasm_table_set(etab, 0, wasm_foreign_as_ref(foreign)));
    call2("et_is_null", 0, 0, 1);
    {
        own wasm_ref_t *r = wasm_table_get(etab, 0);
        printf("etab[0] is the foreign object: %d\n", r && wasm_ref_same(r, wasm_foreign_as_ref(foreign)));
        if (r)
            wasm_ref_delete(r);
    }
    printf("grow etab by 2 with foreign: %d\n", wasm_table_grow(etab, 2, wasm_foreign_as_ref(foreign)));
    call2("et_size", 0, 0, 0);
    call2("et_is_null", 2, 0, 1);
    call2("et_is_null", 3, 0, 1);
    printf("set etab[2] = triple (a function in an externref table): %d\n",
           wasm_table_set(etab, 2, wasm_func_as_ref(triple_func)));
    {
        own wasm_ref_t *r = wasm_table_get(etab, 2);
        printf("etab[2] is triple: %d\n", r && wasm_ref_as_func(r) && wasm_func_same(wasm_ref_as_func(r), triple_func));
        if (r)
            wasm_ref_delete(r);
    }
    printf("etab[3] out of bounds: %s\n", wasm_table_get(etab, 3) ? "a reference" : "NULL");
    printf("set etab[3] out of bounds: %d\n", wasm_table_set(etab, 3, NULL));

    /* The module's own table, as the elem segment filled it. */
    print_element("own", own_tab, 0, known, names, 4);
    print_element("own", own_tab, 1, known, names, 4);
    print_element("own", own_tab, 2, known, names, 4);
    call2("call_own", 0, 21, 2);
    call2("call_own", 1, 21, 2);
    call2("call_own", 2, 21, 2);
    printf("set own[2] = triple: %d\n", wasm_table_set(own_tab, 2, wasm_func_as_ref(triple_func)));
    call2("call_own", 2, 21, 2);
    call2("call_own", 3, 21, 2);
    call2("own_grow", 1, 0, 1);
    printf("own size after wasm grew it: %u\n", (unsigned)wasm_table_size(own_tab));
    printf("host grows own by 1 with negate: %d\n", wasm_table_grow(own_tab, 1, wasm_func_as_ref(known[3])));
    call2("own_size", 0, 0, 0);
    call2("call_own", 4, 21, 2);
    call2("own_grow", 1, 0, 1);
    printf("host grows own past its maximum: %d\n", wasm_table_grow(own_tab, 1, NULL));
    call2("own_size", 0, 0, 0);

    wasm_foreign_delete(foreign);
    wasm_extern_vec_delete(&exports);
    wasm_instance_delete(instance);
    wasm_table_delete(ftab);
    wasm_table_delete(etab);
    wasm_table_delete(itab);
    wasm_tabletype_delete(ftype);
    wasm_tabletype_delete(etype);
    wasm_tabletype_delete(itype);
    wasm_func_delete(triple_func);
    wasm_func_delete(add_func);
    wasm_functype_delete(i2i);
    wasm_functype_delete(ii2i);
    wasm_module_delete(module);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    printf("done\n");
    return 0;
}
