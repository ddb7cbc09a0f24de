/* Vectors: new_empty, new_uninitialized, new, copy and delete for every
 * kind of vector; names; values with references (wasm_val_copy,
 * wasm_val_delete) and the lifetime of what they hold. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wasm.h>

#include "common.h"

#define own

static int finalized;
static void finalize(void *p)
{
    (void)p;
    finalized++;
}

static void finalize_survivor(void *p)
{
    ++*(int *)p;
}

static int all_null(void **data, size_t size)
{
    size_t i;
    for (i = 0; i < size; i++)
        if (data[i])
            return 0;
    return 1;
}

int main(int argc, char **argv)
{
    size_t i;
    /* Line by line: what was printed before a crash is still seen. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc != 2)
        die("usage: vec MODULE.wasm");
    own wasm_engine_t *engine = wasm_engine_new();
    own wasm_store_t *store = wasm_store_new(engine);
    own wasm_module_t *module = load_module(store, argv[1]);

    /* ---- bytes and names */
    {
        own wasm_byte_vec_t e, u, n, c;
        wasm_byte_vec_new(&e, 0, NULL); /* nothing from nowhere */
        wasm_byte_vec_delete(&e);
        wasm_byte_vec_new_uninitialized(&e, 0);
        wasm_byte_vec_delete(&e);
        wasm_byte_vec_new_empty(&e);
        wasm_byte_vec_new_uninitialized(&u, 4);
        memcpy(u.data, "wxyz", 4);
        wasm_byte_vec_new(&n, 5, "hello");
        wasm_byte_vec_copy(&c, &n);
        printf("byte vec: empty %zu, uninitialized %zu \"%.4s\", new %zu \"%.5s\", copy %zu \"%.5s\" at a new place %d\n",
               e.size, u.size, u.data, n.size, n.data, c.size, c.data, c.data != n.data);
        wasm_byte_vec_delete(&e);
        wasm_byte_vec_delete(&u);
        wasm_byte_vec_delete(&n);
        printf("the copy outlives the original: \"%.5s\"\n", c.data);
        wasm_byte_vec_delete(&c);

        own wasm_name_t s, snt, ne, nu, nn, nc;
        wasm_name_new_from_string(&s, "module");
        wasm_name_new_from_string_nt(&snt, "module");
        wasm_name_new_empty(&ne);
        wasm_name_new_uninitialized(&nu, 2);
        nu.data[0] = 'o';
        nu.data[1] = 'k';
        wasm_name_new(&nn, 3, "abc");
        wasm_name_copy(&nc, &snt);
        printf("names: from_string %zu, from_string_nt %zu ending in NUL %d, empty %zu, uninitialized %zu \"%.2s\", "
               "new %zu \"%.3s\", copy %zu \"%s\"\n",
               s.size, snt.size, snt.data[6] == '\0', ne.size, nu.size, nu.data, nn.size, nn.data, nc.size, nc.data);
        wasm_name_delete(&s);
        wasm_name_delete(&snt);
        wasm_name_delete(&ne);
        wasm_name_delete(&nu);
        wasm_name_delete(&nn);
        wasm_name_delete(&nc);
    }

    /* ---- values */
    {
        own wasm_foreign_t *foreign = wasm_foreign_new(store);
        wasm_foreign_set_host_info_with_finalizer(foreign, &finalized, finalize);
        wasm_val_t v = WASM_REF_VAL(wasm_ref_copy(wasm_foreign_as_ref(foreign)));
        wasm_val_t n = WASM_I64_VAL(-1234567890123LL), f = WASM_F32_VAL(-0.5f), d = WASM_F64_VAL(1e100),
                   i32 = WASM_I32_VAL(-7), null = WASM_REF_VAL(NULL);
        own wasm_val_t vc, nc, fc, dc, ic, zc;
        wasm_val_copy(&vc, &v);
        wasm_val_copy(&nc, &n);
        wasm_val_copy(&fc, &f);
        wasm_val_copy(&dc, &d);
        wasm_val_copy(&ic, &i32);
        wasm_val_copy(&zc, &null);
        printf("wasm_val_copy: ref %d (a new handle %d), i64 %d, f32 %d, f64 %d, i32 %d, null ref %d\n",
               vc.kind == WASM_EXTERNREF && vc.of.ref && wasm_ref_same(vc.of.ref, v.of.ref), vc.of.ref != v.of.ref,
               nc.kind == WASM_I64 && nc.of.i64 == n.of.i64, fc.kind == WASM_F32 && fc.of.f32 == -0.5f,
               dc.kind == WASM_F64 && dc.of.f64 == 1e100, ic.kind == WASM_I32 && ic.of.i32 == -7,
               zc.kind == WASM_EXTERNREF && zc.of.ref == NULL);
        wasm_val_delete(&nc);
        wasm_val_delete(&fc);
        wasm_val_delete(&dc);
        wasm_val_delete(&ic);
        wasm_val_delete(&zc);

        /* The foreign object lives while a value holds it. */
        wasm_foreign_delete(foreign);
        printf("finalizer after the foreign handle is deleted: %d\n", finalized);
        wasm_val_delete(&v);
        printf("after one of two values holding it is deleted: %d, the other still has its host info: %d\n",
               finalized, wasm_ref_get_host_info(vc.of.ref) == &finalized);

        /* Values in vectors: copies of references are handles too. */
        wasm_val_t vals[3] = {WASM_I32_VAL(1), WASM_F64_VAL(2.5), vc};
        own wasm_val_vec_t vv, vcopy, ve, vu;
        wasm_val_vec_new(&vv, 3, vals);
        wasm_val_vec_copy(&vcopy, &vv);
        wasm_val_vec_new_empty(&ve);
        wasm_val_vec_new_uninitialized(&vu, 2);
        vu.data[0].kind = WASM_I32;
        vu.data[0].of.i32 = 5;
        wasm_val_copy(&vu.data[1], &vcopy.data[2]);
        printf("val vec: new %zu, copy %zu (%d %.1f, ref the same %d), empty %zu, uninitialized %zu\n", vv.size,
               vcopy.size, (int)vcopy.data[0].of.i32, vcopy.data[1].of.f64,
               vcopy.data[2].of.ref && wasm_ref_same(vcopy.data[2].of.ref, vv.data[2].of.ref), ve.size, vu.size);
        wasm_val_vec_delete(&vv);
        wasm_val_vec_delete(&ve);
        printf("after deleting the vector that took the value over: %d\n", finalized);
        wasm_val_vec_delete(&vcopy);
        printf("after deleting its copy: %d\n", finalized);
        wasm_val_vec_delete(&vu);
        printf("after deleting the last value that held it: %d\n", finalized);

        wasm_val_t p, q;
        wasm_val_init_ptr(&p, &finalized);
        wasm_val_copy(&q, &p);
        printf("a pointer as a value: kind %s, back %d\n", q.kind == WASM_I64 ? "i64" : q.kind == WASM_I32 ? "i32" : "?",
               wasm_val_ptr(&q) == (void *)&finalized);
    }

    /* ---- externals: from an instance */
    own wasm_globaltype_t *seed_type = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_CONST);
    wasm_val_t seed_val = WASM_I32_VAL(3);
    own wasm_global_t *seed = wasm_global_new(store, seed_type, &seed_val);
    wasm_extern_t *import_list[] = {wasm_global_as_extern(seed)};
    wasm_extern_vec_t imports = WASM_ARRAY_VEC(import_list);
    own wasm_instance_t *instance = wasm_instance_new(store, module, &imports, NULL);
    if (!instance)
        die("wasm_instance_new");
    {
        own wasm_extern_vec_t ex, copy, empty, un, made;
        wasm_instance_exports(instance, &ex);
        wasm_extern_vec_copy(&copy, &ex);
        size_t same = 0;
        for (i = 0; i < ex.size && i < copy.size; i++)
            same += wasm_extern_same(ex.data[i], copy.data[i]);
        wasm_extern_vec_new_empty(&empty);
        wasm_extern_vec_new_uninitialized(&un, 3);
        printf("extern vec: exports %zu, copy %zu with %zu the same, empty %zu, uninitialized %zu all NULL %d\n",
               ex.size, copy.size, same, empty.size, un.size, all_null((void **)un.data, un.size));
        wasm_extern_vec_delete(&un);
        wasm_extern_t *two[2] = {wasm_extern_copy(ex.data[1]), wasm_extern_copy(ex.data[3])};
        wasm_extern_vec_new(&made, 2, two);
        wasm_extern_vec_delete(&ex);
        printf("made from copies: %zu, kinds %d %d, still the exports %d %d\n", made.size,
               (int)wasm_extern_kind(made.data[0]), (int)wasm_extern_kind(made.data[1]),
               wasm_extern_same(made.data[0], copy.data[1]), wasm_extern_same(made.data[1], copy.data[3]));
        wasm_extern_vec_delete(&made);
        wasm_extern_vec_delete(&empty);

        /* ---- frames: from a trap two calls deep */
        wasm_val_vec_t none = WASM_EMPTY_VEC, no_results = WASM_EMPTY_VEC;
        own wasm_trap_t *trap = wasm_func_call(wasm_extern_as_func(copy.data[0]), &none, &no_results);
        wasm_extern_vec_delete(&copy);
        if (!trap)
            die("boom did not trap");
        own wasm_frame_vec_t trace, fcopy, fempty, fun, fmade;
        wasm_trap_trace(trap, &trace);
        wasm_trap_delete(trap);
        wasm_frame_vec_copy(&fcopy, &trace);
        wasm_frame_vec_new_empty(&fempty);
        wasm_frame_vec_new_uninitialized(&fun, 2);
        printf("frame vec: trace %zu (funcs %u %u), copy %zu (funcs %u %u), empty %zu, uninitialized %zu all NULL %d\n",
               trace.size, trace.size > 0 ? (unsigned)wasm_frame_func_index(trace.data[0]) : 99u,
               trace.size > 1 ? (unsigned)wasm_frame_func_index(trace.data[1]) : 99u, fcopy.size,
               fcopy.size > 0 ? (unsigned)wasm_frame_func_index(fcopy.data[0]) : 99u,
               fcopy.size > 1 ? (unsigned)wasm_frame_func_index(fcopy.data[1]) : 99u, fempty.size, fun.size,
               all_null((void **)fun.data, fun.size));
        for (i = 0; i < fun.size && i < trace.size; i++)
            fun.data[i] = wasm_frame_copy(trace.data[trace.size - 1 - i]);
        wasm_frame_vec_delete(&trace);
        wasm_frame_t *one[1] = {fun.size > 0 && fun.data[0] ? wasm_frame_copy(fun.data[0]) : NULL};
        wasm_frame_vec_new(&fmade, 1, one);
        printf("frames filled in reverse: funcs %u %u; made from a copy: func %u, instance the same %d\n",
               fun.data[0] ? (unsigned)wasm_frame_func_index(fun.data[0]) : 99u,
               fun.data[1] ? (unsigned)wasm_frame_func_index(fun.data[1]) : 99u,
               fmade.data[0] ? (unsigned)wasm_frame_func_index(fmade.data[0]) : 99u,
               fmade.data[0] && wasm_instance_same(wasm_frame_instance(fmade.data[0]), instance));
        wasm_frame_vec_delete(&fcopy);
        wasm_frame_vec_delete(&fempty);
        wasm_frame_vec_delete(&fun);
        wasm_frame_vec_delete(&fmade);
    }

    /* ---- types */
    {
        own wasm_valtype_vec_t e, u, n, c;
        wasm_valtype_t *vs[3] = {wasm_valtype_new_i32(), wasm_valtype_new_funcref(), wasm_valtype_new_f64()};
        wasm_valtype_vec_new_empty(&e);
        wasm_valtype_vec_new_uninitialized(&u, 2);
        int un = all_null((void **)u.data, u.size);
        u.data[0] = wasm_valtype_new_i64();
        wasm_valtype_vec_new(&n, 3, vs);
        wasm_valtype_vec_copy(&c, &n);
        printf("valtype vec: empty %zu, uninitialized %zu all NULL %d, new %zu, copy %zu: kinds %d %d %d, "
               "new objects %d\n",
               e.size, u.size, un, n.size, c.size, (int)wasm_valtype_kind(c.data[0]), (int)wasm_valtype_kind(c.data[1]),
               (int)wasm_valtype_kind(c.data[2]), c.data[0] != n.data[0]);
        wasm_valtype_vec_delete(&e);
        wasm_valtype_vec_delete(&u); /* one element set, one NULL */
        wasm_valtype_vec_delete(&n);
        wasm_valtype_vec_delete(&c);
    }
    {
        own wasm_functype_vec_t e, u, n, c;
        wasm_functype_t *fs[2] = {wasm_functype_new_0_0(),
                                  wasm_functype_new_1_2(wasm_valtype_new_i32(), wasm_valtype_new_i64(),
                                                        wasm_valtype_new_f32())};
        wasm_functype_vec_new_empty(&e);
        wasm_functype_vec_new_uninitialized(&u, 2);
        int un = all_null((void **)u.data, u.size);
        wasm_functype_vec_new(&n, 2, fs);
        wasm_functype_vec_copy(&c, &n);
        printf("functype vec: empty %zu, uninitialized %zu all NULL %d, new %zu, copy %zu: arities %zu/%zu %zu/%zu, "
               "new objects %d\n",
               e.size, u.size, un, n.size, c.size, wasm_functype_params(c.data[0])->size,
               wasm_functype_results(c.data[0])->size, wasm_functype_params(c.data[1])->size,
               wasm_functype_results(c.data[1])->size, c.data[1] != n.data[1]);
        wasm_functype_vec_delete(&e);
        wasm_functype_vec_delete(&u);
        wasm_functype_vec_delete(&n);
        wasm_functype_vec_delete(&c);
    }
    {
        own wasm_globaltype_vec_t e, u, n, c;
        wasm_globaltype_t *gs[2] = {wasm_globaltype_new(wasm_valtype_new_f32(), WASM_VAR),
                                    wasm_globaltype_new(wasm_valtype_new_externref(), WASM_CONST)};
        wasm_globaltype_vec_new_empty(&e);
        wasm_globaltype_vec_new_uninitialized(&u, 1);
        int un = all_null((void **)u.data, u.size);
        wasm_globaltype_vec_new(&n, 2, gs);
        wasm_globaltype_vec_copy(&c, &n);
        printf("globaltype vec: empty %zu, uninitialized %zu all NULL %d, new %zu, copy %zu: %d/%d %d/%d, "
               "new objects %d\n",
               e.size, u.size, un, n.size, c.size, (int)wasm_valtype_kind(wasm_globaltype_content(c.data[0])),
               (int)wasm_globaltype_mutability(c.data[0]), (int)wasm_valtype_kind(wasm_globaltype_content(c.data[1])),
               (int)wasm_globaltype_mutability(c.data[1]), c.data[0] != n.data[0]);
        wasm_globaltype_vec_delete(&e);
        wasm_globaltype_vec_delete(&u);
        wasm_globaltype_vec_delete(&n);
        wasm_globaltype_vec_delete(&c);
    }
    {
        own wasm_tabletype_vec_t e, u, n, c;
        wasm_limits_t l1 = {0, 8}, l2 = {4, wasm_limits_max_default};
        wasm_tabletype_t *ts[2] = {wasm_tabletype_new(wasm_valtype_new_funcref(), &l1),
                                   wasm_tabletype_new(wasm_valtype_new_externref(), &l2)};
        wasm_tabletype_vec_new_empty(&e);
        wasm_tabletype_vec_new_uninitialized(&u, 3);
        int un = all_null((void **)u.data, u.size);
        wasm_tabletype_vec_new(&n, 2, ts);
        wasm_tabletype_vec_copy(&c, &n);
        printf("tabletype vec: empty %zu, uninitialized %zu all NULL %d, new %zu, copy %zu: %u..%u %u..%s, "
               "new objects %d\n",
               e.size, u.size, un, n.size, c.size, (unsigned)wasm_tabletype_limits(c.data[0])->min,
               (unsigned)wasm_tabletype_limits(c.data[0])->max, (unsigned)wasm_tabletype_limits(c.data[1])->min,
               wasm_tabletype_limits(c.data[1])->max == wasm_limits_max_default ? "" : "?", c.data[0] != n.data[0]);
        wasm_tabletype_vec_delete(&e);
        wasm_tabletype_vec_delete(&u);
        wasm_tabletype_vec_delete(&n);
        wasm_tabletype_vec_delete(&c);
    }
    {
        own wasm_memorytype_vec_t e, u, n, c;
        wasm_limits_t l1 = {1, 2}, l2 = {3, 4};
        wasm_memorytype_t *ms[2] = {wasm_memorytype_new(&l1), wasm_memorytype_new(&l2)};
        wasm_memorytype_vec_new_empty(&e);
        wasm_memorytype_vec_new_uninitialized(&u, 1);
        int un = all_null((void **)u.data, u.size);
        wasm_memorytype_vec_new(&n, 2, ms);
        wasm_memorytype_vec_copy(&c, &n);
        printf("memorytype vec: empty %zu, uninitialized %zu all NULL %d, new %zu, copy %zu: %u..%u %u..%u, "
               "new objects %d\n",
               e.size, u.size, un, n.size, c.size, (unsigned)wasm_memorytype_limits(c.data[0])->min,
               (unsigned)wasm_memorytype_limits(c.data[0])->max, (unsigned)wasm_memorytype_limits(c.data[1])->min,
               (unsigned)wasm_memorytype_limits(c.data[1])->max, c.data[1] != n.data[1]);
        wasm_memorytype_vec_delete(&e);
        wasm_memorytype_vec_delete(&u);
        wasm_memorytype_vec_delete(&n);
        wasm_memorytype_vec_delete(&c);
    }
    {
        own wasm_externtype_vec_t e, u, n, c;
        wasm_limits_t l = {1, 1};
        wasm_externtype_t *xs[4] = {wasm_functype_as_externtype(wasm_functype_new_0_0()),
                                    wasm_globaltype_as_externtype(wasm_globaltype_new(wasm_valtype_new_i32(), WASM_VAR)),
                                    wasm_tabletype_as_externtype(wasm_tabletype_new(wasm_valtype_new_funcref(), &l)),
                                    wasm_memorytype_as_externtype(wasm_memorytype_new(&l))};
        wasm_externtype_vec_new_empty(&e);
        wasm_externtype_vec_new_uninitialized(&u, 4);
        int un = all_null((void **)u.data, u.size);
        wasm_externtype_vec_new(&n, 4, xs);
        wasm_externtype_vec_copy(&c, &n);
        printf("externtype vec: empty %zu, uninitialized %zu all NULL %d, new %zu, copy %zu: kinds %d %d %d %d, "
               "new objects %d\n",
               e.size, u.size, un, n.size, c.size, (int)wasm_externtype_kind(c.data[0]),
               (int)wasm_externtype_kind(c.data[1]), (int)wasm_externtype_kind(c.data[2]),
               (int)wasm_externtype_kind(c.data[3]), c.data[2] != n.data[2]);
        wasm_externtype_vec_delete(&e);
        wasm_externtype_vec_delete(&u);
        wasm_externtype_vec_delete(&n);
        wasm_externtype_vec_delete(&c);
    }
    {
        own wasm_importtype_vec_t e, u, n, c, m;
        own wasm_name_t mod, name;
        wasm_name_new_from_string(&mod, "env");
        wasm_name_new_from_string(&name, "f");
        wasm_importtype_t *is[1] = {wasm_importtype_new(&mod, &name, wasm_functype_as_externtype(wasm_functype_new_0_0()))};
        wasm_importtype_vec_new_empty(&e);
        wasm_importtype_vec_new_uninitialized(&u, 2);
        int un = all_null((void **)u.data, u.size);
        wasm_importtype_vec_new(&n, 1, is);
        wasm_importtype_vec_copy(&c, &n);
        wasm_module_imports(module, &m);
        printf("importtype vec: empty %zu, uninitialized %zu all NULL %d, new %zu, copy %zu: %.*s.%.*s, "
               "new objects %d; the module's %zu: %.*s.%.*s\n",
               e.size, u.size, un, n.size, c.size, (int)wasm_importtype_module(c.data[0])->size,
               wasm_importtype_module(c.data[0])->data, (int)wasm_importtype_name(c.data[0])->size,
               wasm_importtype_name(c.data[0])->data, c.data[0] != n.data[0], m.size,
               (int)wasm_importtype_module(m.data[0])->size, wasm_importtype_module(m.data[0])->data,
               (int)wasm_importtype_name(m.data[0])->size, wasm_importtype_name(m.data[0])->data);
        wasm_importtype_vec_delete(&e);
        wasm_importtype_vec_delete(&u);
        wasm_importtype_vec_delete(&n);
        wasm_importtype_vec_delete(&c);
        wasm_importtype_vec_delete(&m);
    }
    {
        own wasm_exporttype_vec_t e, u, n, c, m, mc;
        own wasm_name_t name;
        wasm_name_new_from_string(&name, "x");
        wasm_exporttype_t *xs[1] = {
            wasm_exporttype_new(&name, wasm_globaltype_as_externtype(wasm_globaltype_new(wasm_valtype_new_i32(), WASM_CONST)))};
        wasm_exporttype_vec_new_empty(&e);
        wasm_exporttype_vec_new_uninitialized(&u, 2);
        int un = all_null((void **)u.data, u.size);
        wasm_exporttype_vec_new(&n, 1, xs);
        wasm_exporttype_vec_copy(&c, &n);
        wasm_module_exports(module, &m);
        wasm_exporttype_vec_copy(&mc, &m);
        wasm_exporttype_vec_delete(&m);
        printf("exporttype vec: empty %zu, uninitialized %zu all NULL %d, new %zu, copy %zu: %.*s kind %d, "
               "new objects %d; a copy of the module's %zu:",
               e.size, u.size, un, n.size, c.size, (int)wasm_exporttype_name(c.data[0])->size,
               wasm_exporttype_name(c.data[0])->data, (int)wasm_externtype_kind(wasm_exporttype_type(c.data[0])),
               c.data[0] != n.data[0], mc.size);
        for (i = 0; i < mc.size; i++)
            printf(" %.*s", (int)wasm_exporttype_name(mc.data[i])->size, wasm_exporttype_name(mc.data[i])->data);
        printf("\n");
        wasm_exporttype_vec_delete(&e);
        wasm_exporttype_vec_delete(&u);
        wasm_exporttype_vec_delete(&n);
        wasm_exporttype_vec_delete(&c);
        wasm_exporttype_vec_delete(&mc);
    }

    /* A foreign object lives on its own: it outlives its store. */
    static int survivor_finalized;
    own wasm_foreign_t *survivor = wasm_foreign_new(store);
    wasm_foreign_set_host_info_with_finalizer(survivor, &survivor_finalized, finalize_survivor);

    wasm_instance_delete(instance);
    wasm_global_delete(seed);
    wasm_globaltype_delete(seed_type);
    wasm_store_delete(store);
    printf("a foreign object after its store is deleted: host info %d, finalized %d\n",
           wasm_foreign_get_host_info(survivor) == &survivor_finalized, survivor_finalized);
    wasm_foreign_delete(survivor);
    printf("after its last handle is deleted: finalized %d\n", survivor_finalized);
    /* So does a module: it belongs to the engine. */
    {
        own wasm_exporttype_vec_t ex;
        wasm_module_exports(module, &ex);
        printf("a module after the store that made it is deleted: %zu exports\n", ex.size);
        wasm_exporttype_vec_delete(&ex);
        own wasm_store_t *store2 = wasm_store_new(engine);
        own wasm_globaltype_t *t = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_CONST);
        wasm_val_t v = WASM_I32_VAL(1);
        own wasm_global_t *g = wasm_global_new(store2, t, &v);
        wasm_extern_t *list[] = {wasm_global_as_extern(g)};
        wasm_extern_vec_t imp = WASM_ARRAY_VEC(list);
        own wasm_instance_t *inst = wasm_instance_new(store2, module, &imp, NULL);
        printf("...instantiated in a new store: %s\n", inst ? "an instance" : "NULL");
        if (inst)
            wasm_instance_delete(inst);
        wasm_global_delete(g);
        wasm_globaltype_delete(t);
        wasm_store_delete(store2);
    }
    wasm_module_delete(module);
    wasm_engine_delete(engine);
    printf("done\n");
    return 0;
}
