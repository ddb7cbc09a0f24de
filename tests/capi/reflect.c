/* Reflection: a module's imports and exports with their full types, of
 * every kind; the externals of an instance and their types; every type
 * constructor, accessor, copy and delete; the externtype views. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wasm.h>

#include "common.h"

#define own

static const char *valkind(wasm_valkind_t k)
{
    switch (k) {
    case WASM_I32: return "i32";
    case WASM_I64: return "i64";
    case WASM_F32: return "f32";
    case WASM_F64: return "f64";
    case WISP_WASM_V128: return "v128";
    case WASM_EXTERNREF: return "externref";
    case WASM_FUNCREF: return "funcref";
    }
    return "?";
}

static void append(char *buf, size_t size, const char *s)
{
    size_t n = strlen(buf);
    snprintf(buf + n, size - n, "%s", s);
}

static void valtypes(char *buf, size_t size, const wasm_valtype_vec_t *v)
{
    size_t i;
    append(buf, size, "(");
    for (i = 0; i < v->size; i++) {
        if (i)
            append(buf, size, " ");
        append(buf, size, valkind(wasm_valtype_kind(v->data[i])));
    }
    append(buf, size, ")");
}

static void limits(char *buf, size_t size, const wasm_limits_t *l)
{
    char s[40];
    if (l->max == wasm_limits_max_default)
        snprintf(s, sizeof s, "%u..", (unsigned)l->min);
    else
        snprintf(s, sizeof s, "%u..%u", (unsigned)l->min, (unsigned)l->max);
    append(buf, size, s);
}

/* One line for a type, through the const views. */
static void describe(char *buf, size_t size, const wasm_externtype_t *t)
{
    buf[0] = 0;
    switch (wasm_externtype_kind(t)) {
    case WASM_EXTERN_FUNC: {
        const wasm_functype_t *f = wasm_externtype_as_functype_const(t);
        append(buf, size, "func ");
        valtypes(buf, size, wasm_functype_params(f));
        append(buf, size, " -> ");
        valtypes(buf, size, wasm_functype_results(f));
        break;
    }
    case WASM_EXTERN_GLOBAL: {
        const wasm_globaltype_t *g = wasm_externtype_as_globaltype_const(t);
        append(buf, size, wasm_globaltype_mutability(g) == WASM_VAR ? "global var " : "global const ");
        append(buf, size, valkind(wasm_valtype_kind(wasm_globaltype_content(g))));
        break;
    }
    case WASM_EXTERN_TABLE: {
        const wasm_tabletype_t *tt = wasm_externtype_as_tabletype_const(t);
        append(buf, size, "table ");
        append(buf, size, valkind(wasm_valtype_kind(wasm_tabletype_element(tt))));
        append(buf, size, " ");
        limits(buf, size, wasm_tabletype_limits(tt));
        break;
    }
    case WASM_EXTERN_MEMORY:
        append(buf, size, "memory ");
        limits(buf, size, wasm_memorytype_limits(wasm_externtype_as_memorytype_const(t)));
        break;
    default:
        append(buf, size, "unknown kind");
    }
}

/* Quoted, bytes outside printable ASCII as \xx, and its size. */
static void print_name(const wasm_name_t *n)
{
    size_t i;
    printf("\"");
    for (i = 0; i < n->size; i++) {
        unsigned char c = (unsigned char)n->data[i];
        if (c < 0x20 || c >= 0x7f)
            printf("\\%02x", c);
        else
            printf("%c", c);
    }
    printf("\"(%zu)", n->size);
}

static own wasm_trap_t *host_f(const wasm_val_vec_t *args, own wasm_val_vec_t *results)
{
    (void)args;
    results->data[0].of.f32 = 1;
    results->data[1].of.f64 = 2;
    return NULL;
}

int main(int argc, char **argv)
{
    char buf[200], buf2[200];
    size_t i;
    /* Line by line: what was printed before a crash is still seen. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc != 2)
        die("usage: reflect MODULE.wasm");
    own wasm_engine_t *engine = wasm_engine_new();
    own wasm_store_t *store = wasm_store_new(engine);
    own wasm_module_t *module = load_module(store, argv[1]);

    /* ---- The module's imports and exports */
    own wasm_importtype_vec_t imports;
    wasm_module_imports(module, &imports);
    printf("%zu imports\n", imports.size);
    for (i = 0; i < imports.size; i++) {
        printf("import %zu: ", i);
        print_name(wasm_importtype_module(imports.data[i]));
        printf(" ");
        print_name(wasm_importtype_name(imports.data[i]));
        describe(buf, sizeof buf, wasm_importtype_type(imports.data[i]));
        printf(" %s\n", buf);
    }
    own wasm_exporttype_vec_t exports;
    wasm_module_exports(module, &exports);
    printf("%zu exports\n", exports.size);
    for (i = 0; i < exports.size; i++) {
        printf("export %zu: ", i);
        print_name(wasm_exporttype_name(exports.data[i]));
        describe(buf, sizeof buf, wasm_exporttype_type(exports.data[i]));
        printf(" %s\n", buf);
    }

    /* ---- An instance's externals: the same types, from the objects */
    own wasm_functype_t *ftype = wasm_functype_new_2_2(wasm_valtype_new_i32(), wasm_valtype_new_i64(),
                                                       wasm_valtype_new_f32(), wasm_valtype_new_f64());
    own wasm_func_t *f = wasm_func_new(store, ftype, host_f);
    own wasm_globaltype_t *gtype = wasm_globaltype_new(wasm_valtype_new_f64(), WASM_VAR);
    wasm_val_t gval = WASM_F64_VAL(1.5);
    own wasm_global_t *g = wasm_global_new(store, gtype, &gval);
    wasm_limits_t tl = {1, 5}, ml = {1, wasm_limits_max_default};
    own wasm_tabletype_t *ttype = wasm_tabletype_new(wasm_valtype_new_funcref(), &tl);
    own wasm_table_t *t = wasm_table_new(store, ttype, NULL);
    own wasm_memorytype_t *mtype = wasm_memorytype_new(&ml);
    own wasm_memory_t *m = wasm_memory_new(store, mtype);
    own wasm_globaltype_t *etype = wasm_globaltype_new(wasm_valtype_new_externref(), WASM_CONST);
    wasm_val_t eval = WASM_REF_VAL(NULL);
    own wasm_global_t *e = wasm_global_new(store, etype, &eval);
    if (!f || !g || !t || !m || !e)
        die("the imports");
    wasm_extern_t *ext[] = {wasm_func_as_extern(f), wasm_global_as_extern(g), wasm_table_as_extern(t),
                            wasm_memory_as_extern(m), wasm_global_as_extern(e)};
    const char *kinds[] = {"func", "global", "table", "memory"};
    for (i = 0; i < 5; i++) {
        own wasm_externtype_t *et = wasm_extern_type(ext[i]);
        describe(buf, sizeof buf, et);
        describe(buf2, sizeof buf2, wasm_importtype_type(imports.data[i]));
        printf("host extern %zu: kind %s, type %s, the import's: %d\n", i, kinds[wasm_extern_kind(ext[i])], buf,
               strcmp(buf, buf2) == 0);
        wasm_externtype_delete(et);
    }
    wasm_extern_vec_t import_vec = {5, ext};
    own wasm_trap_t *trap = NULL;
    own wasm_instance_t *instance = wasm_instance_new(store, module, &import_vec, &trap);
    if (!instance) {
        print_trap("instantiate", trap);
        die("wasm_instance_new");
    }
    own wasm_extern_vec_t externs;
    wasm_instance_exports(instance, &externs);
    printf("%zu externals\n", externs.size);
    for (i = 0; i < externs.size && i < exports.size; i++) {
        own wasm_externtype_t *et = wasm_extern_type(externs.data[i]);
        describe(buf, sizeof buf, et);
        describe(buf2, sizeof buf2, wasm_exporttype_type(exports.data[i]));
        printf("external %zu: kind %s, type %s, the export's: %d\n", i, kinds[wasm_extern_kind(externs.data[i])],
               buf, strcmp(buf, buf2) == 0);
        wasm_externtype_delete(et);
    }
    /* Functions: their types and arities. */
    for (i = 0; i < externs.size; i++) {
        const wasm_func_t *fn = wasm_extern_as_func_const(externs.data[i]);
        if (!fn)
            continue;
        own wasm_functype_t *ft = wasm_func_type(fn);
        describe(buf, sizeof buf, wasm_functype_as_externtype_const(ft));
        printf("wasm_func_type of external %zu: %s, arity %zu/%zu\n", i, buf, wasm_func_param_arity(fn),
               wasm_func_result_arity(fn));
        wasm_functype_delete(ft);
    }
    printf("re-exported imports are the host's: func %d table %d memory %d\n",
           wasm_func_same(wasm_extern_as_func(externs.data[8]), f),
           wasm_table_same(wasm_extern_as_table(externs.data[7]), t),
           wasm_memory_same(wasm_extern_as_memory(externs.data[6]), m));
    printf("externals of another kind are NULL: %d %d %d %d %d %d %d %d\n",
           wasm_extern_as_global(externs.data[0]) == NULL, wasm_extern_as_table(externs.data[3]) == NULL,
           wasm_extern_as_memory(externs.data[5]) == NULL, wasm_extern_as_func(externs.data[6]) == NULL,
           wasm_extern_as_global_const(externs.data[1]) == NULL, wasm_extern_as_table_const(externs.data[4]) == NULL,
           wasm_extern_as_memory_const(externs.data[0]) == NULL, wasm_extern_as_func_const(externs.data[5]) == NULL);
    printf("const views of externals: %d %d %d %d\n",
           wasm_global_same(wasm_extern_as_global_const(externs.data[3]), wasm_extern_as_global(externs.data[3])),
           wasm_table_same(wasm_extern_as_table_const(externs.data[5]), wasm_extern_as_table(externs.data[5])),
           wasm_memory_same(wasm_extern_as_memory_const(externs.data[6]), m),
           wasm_func_same(wasm_extern_as_func_const(externs.data[8]), f));
    printf("const extern views: %d %d %d %d\n",
           wasm_extern_same(wasm_func_as_extern_const(f), ext[0]),
           wasm_extern_same(wasm_global_as_extern_const(g), ext[1]),
           wasm_extern_same(wasm_table_as_extern_const(t), ext[2]),
           wasm_extern_same(wasm_memory_as_extern_const(m), ext[3]));
    wasm_extern_vec_delete(&externs);
    wasm_instance_delete(instance);

    /* ---- Types made by the host */
    {
        wasm_valkind_t ks[] = {WASM_I32, WASM_I64, WASM_F32, WASM_F64, WASM_EXTERNREF, WASM_FUNCREF};
        printf("valtypes:");
        for (i = 0; i < 6; i++) {
            own wasm_valtype_t *v = wasm_valtype_new(ks[i]);
            own wasm_valtype_t *c = wasm_valtype_copy(v);
            printf(" %s/%s num %d ref %d kind-num %d kind-ref %d;", valkind(wasm_valtype_kind(v)),
                   valkind(wasm_valtype_kind(c)), wasm_valtype_is_num(c), wasm_valtype_is_ref(c),
                   wasm_valkind_is_num(ks[i]), wasm_valkind_is_ref(ks[i]));
            wasm_valtype_delete(v);
            wasm_valtype_delete(c);
        }
        printf("\n");
        own wasm_valtype_t *shorthand[6] = {wasm_valtype_new_i32(), wasm_valtype_new_i64(), wasm_valtype_new_f32(),
                                            wasm_valtype_new_f64(), wasm_valtype_new_externref(),
                                            wasm_valtype_new_funcref()};
        printf("valtype shorthands:");
        for (i = 0; i < 6; i++) {
            printf(" %s", valkind(wasm_valtype_kind(shorthand[i])));
            wasm_valtype_delete(shorthand[i]);
        }
        printf("\n");
    }
    {
        own wasm_functype_t *fts[12];
        fts[0] = wasm_functype_new_0_0();
        fts[1] = wasm_functype_new_1_0(wasm_valtype_new_i32());
        fts[2] = wasm_functype_new_2_0(wasm_valtype_new_i32(), wasm_valtype_new_i64());
        fts[3] = wasm_functype_new_3_0(wasm_valtype_new_i32(), wasm_valtype_new_i64(), wasm_valtype_new_f32());
        fts[4] = wasm_functype_new_0_1(wasm_valtype_new_f64());
        fts[5] = wasm_functype_new_1_1(wasm_valtype_new_externref(), wasm_valtype_new_funcref());
        fts[6] = wasm_functype_new_2_1(wasm_valtype_new_f32(), wasm_valtype_new_f64(), wasm_valtype_new_i32());
        fts[7] = wasm_functype_new_3_1(wasm_valtype_new_i64(), wasm_valtype_new_i64(), wasm_valtype_new_i64(),
                                       wasm_valtype_new_i64());
        fts[8] = wasm_functype_new_0_2(wasm_valtype_new_i32(), wasm_valtype_new_f32());
        fts[9] = wasm_functype_new_1_2(wasm_valtype_new_f64(), wasm_valtype_new_i32(), wasm_valtype_new_i64());
        fts[10] = wasm_functype_new_2_2(wasm_valtype_new_funcref(), wasm_valtype_new_externref(),
                                        wasm_valtype_new_externref(), wasm_valtype_new_funcref());
        fts[11] = wasm_functype_new_3_2(wasm_valtype_new_i32(), wasm_valtype_new_f32(), wasm_valtype_new_f64(),
                                        wasm_valtype_new_f64(), wasm_valtype_new_i64());
        for (i = 0; i < 12; i++) {
            own wasm_functype_t *c = wasm_functype_copy(fts[i]);
            wasm_functype_delete(fts[i]);
            describe(buf, sizeof buf, wasm_functype_as_externtype(c));
            printf("functype %zu (a copy): %s, %zu/%zu\n", i, buf, wasm_functype_params(c)->size,
                   wasm_functype_results(c)->size);
            wasm_functype_delete(c);
        }
    }
    {
        own wasm_globaltype_t *gt = wasm_globaltype_new(wasm_valtype_new_i64(), WASM_VAR);
        own wasm_globaltype_t *gc = wasm_globaltype_copy(gt);
        wasm_globaltype_delete(gt);
        printf("globaltype copy: %s %s\n", wasm_globaltype_mutability(gc) == WASM_VAR ? "var" : "const",
               valkind(wasm_valtype_kind(wasm_globaltype_content(gc))));
        wasm_externtype_t *et = wasm_globaltype_as_externtype(gc);
        printf("globaltype as externtype: kind %s, back %d, not func %d table %d memory %d\n",
               kinds[wasm_externtype_kind(et)], wasm_externtype_as_globaltype(et) == gc,
               wasm_externtype_as_functype(et) == NULL, wasm_externtype_as_tabletype(et) == NULL,
               wasm_externtype_as_memorytype(et) == NULL);
        const wasm_externtype_t *cet = wasm_globaltype_as_externtype_const(gc);
        printf("const: kind %s, back %d, not func %d table %d memory %d\n", kinds[wasm_externtype_kind(cet)],
               wasm_externtype_as_globaltype_const(cet) == gc, wasm_externtype_as_functype_const(cet) == NULL,
               wasm_externtype_as_tabletype_const(cet) == NULL, wasm_externtype_as_memorytype_const(cet) == NULL);
        own wasm_externtype_t *ec = wasm_externtype_copy(et);
        describe(buf, sizeof buf, ec);
        printf("externtype copy: %s, a new object %d\n", buf, ec != et);
        wasm_externtype_delete(ec);
        wasm_globaltype_delete(gc);
    }
    {
        wasm_limits_t l = {3, 7};
        own wasm_tabletype_t *tt = wasm_tabletype_new(wasm_valtype_new_externref(), &l);
        own wasm_tabletype_t *tc = wasm_tabletype_copy(tt);
        wasm_tabletype_delete(tt);
        describe(buf, sizeof buf, wasm_tabletype_as_externtype_const(tc));
        printf("tabletype copy: %s\n", buf);
        wasm_externtype_t *et = wasm_tabletype_as_externtype(tc);
        printf("tabletype as externtype: kind %s, back %d %d, not func %d global %d memory %d\n",
               kinds[wasm_externtype_kind(et)], wasm_externtype_as_tabletype(et) == tc,
               wasm_externtype_as_tabletype_const(et) == tc, wasm_externtype_as_functype(et) == NULL,
               wasm_externtype_as_globaltype_const(et) == NULL, wasm_externtype_as_memorytype(et) == NULL);
        wasm_tabletype_delete(tc);
    }
    {
        wasm_limits_t l = {0, 65536};
        own wasm_memorytype_t *mt = wasm_memorytype_new(&l);
        own wasm_memorytype_t *mc = wasm_memorytype_copy(mt);
        wasm_memorytype_delete(mt);
        describe(buf, sizeof buf, wasm_memorytype_as_externtype_const(mc));
        printf("memorytype copy: %s\n", buf);
        wasm_externtype_t *et = wasm_memorytype_as_externtype(mc);
        printf("memorytype as externtype: kind %s, back %d %d, not func %d global %d table %d\n",
               kinds[wasm_externtype_kind(et)], wasm_externtype_as_memorytype(et) == mc,
               wasm_externtype_as_memorytype_const(et) == mc, wasm_externtype_as_functype_const(et) == NULL,
               wasm_externtype_as_globaltype(et) == NULL, wasm_externtype_as_tabletype_const(et) == NULL);
        wasm_memorytype_delete(mc);
    }
    {
        own wasm_functype_t *ft = wasm_functype_new_1_0(wasm_valtype_new_f32());
        wasm_externtype_t *et = wasm_functype_as_externtype(ft);
        printf("functype as externtype: kind %s, back %d %d, not global %d table %d memory %d\n",
               kinds[wasm_externtype_kind(et)], wasm_externtype_as_functype(et) == ft,
               wasm_externtype_as_functype_const(et) == ft, wasm_externtype_as_globaltype(et) == NULL,
               wasm_externtype_as_tabletype(et) == NULL, wasm_externtype_as_memorytype_const(et) == NULL);
        /* An importtype and an exporttype take over their names and type. */
        own wasm_name_t mod, name, ename;
        wasm_name_new_from_string(&mod, "wasi");
        wasm_name_new_from_string(&name, "clock");
        own wasm_importtype_t *it = wasm_importtype_new(&mod, &name, wasm_functype_as_externtype(ft));
        own wasm_importtype_t *ic = wasm_importtype_copy(it);
        wasm_importtype_delete(it);
        describe(buf, sizeof buf, wasm_importtype_type(ic));
        printf("importtype copy: ");
        print_name(wasm_importtype_module(ic));
        printf(" ");
        print_name(wasm_importtype_name(ic));
        printf(" %s\n", buf);
        wasm_importtype_delete(ic);

        own wasm_memorytype_t *mt = wasm_memorytype_new(&ml);
        wasm_name_new_from_string(&ename, "mem");
        own wasm_exporttype_t *xt = wasm_exporttype_new(&ename, wasm_memorytype_as_externtype(mt));
        own wasm_exporttype_t *xc = wasm_exporttype_copy(xt);
        wasm_exporttype_delete(xt);
        describe(buf, sizeof buf, wasm_exporttype_type(xc));
        printf("exporttype copy: ");
        print_name(wasm_exporttype_name(xc));
        printf(" %s\n", buf);
        wasm_exporttype_delete(xc);
    }

    wasm_importtype_vec_delete(&imports);
    wasm_exporttype_vec_delete(&exports);
    wasm_func_delete(f);
    wasm_global_delete(g);
    wasm_global_delete(e);
    wasm_table_delete(t);
    wasm_memory_delete(m);
    wasm_functype_delete(ftype);
    wasm_globaltype_delete(gtype);
    wasm_globaltype_delete(etype);
    wasm_tabletype_delete(ttype);
    wasm_memorytype_delete(mtype);
    wasm_module_delete(module);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    printf("done\n");
    return 0;
}
