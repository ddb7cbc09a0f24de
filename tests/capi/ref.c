/* References: foreign objects passed into wasm as externrefs, through
 * parameters, results, a table, globals and a host function, and coming
 * back as the same object; funcrefs both ways; host info and finalizers
 * on every kind of reference; copy, same, and every as_ref/ref_as
 * conversion, including ref_as_X of another kind. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wasm.h>

#include "common.h"

#define own

static wasm_module_t *module;
static wasm_extern_vec_t exports;
static wasm_ref_t *expected_in_echo;

/* Host info that counts its finalizer's runs. */
struct info {
    const char *name;
    int finalized;
};
static void finalize(void *p)
{
    ((struct info *)p)->finalized++;
}
/* Its finalizer runs when the store is deleted. */
static struct info kept_info = {"kept", 0};

/* Call an export; the results (up to two) are returned, owned. */
static int call(const char *name, size_t nargs, wasm_val_t *as, wasm_val_t *rs)
{
    wasm_func_t *f = find_func(module, &exports, name);
    wasm_val_vec_t args = {nargs, as}, results = {wasm_func_result_arity(f), rs};
    wasm_trap_t *trap = wasm_func_call(f, &args, &results);
    if (trap) {
        char what[64];
        snprintf(what, sizeof what, "%s", name);
        print_trap(what, trap);
        return 0;
    }
    return 1;
}

static wasm_val_t externref(wasm_ref_t *r)
{
    wasm_val_t v = WASM_REF_VAL(r);
    return v;
}

static wasm_val_t funcref(wasm_ref_t *r)
{
    wasm_val_t v = {.kind = WASM_FUNCREF, .of = {.ref = r}};
    return v;
}

/* echo: (externref) -> (externref), the argument back. Arguments are
 * wisp's, so the result is a copy. */
static own wasm_trap_t *echo(const wasm_val_vec_t *args, own wasm_val_vec_t *results)
{
    wasm_ref_t *r = args->data[0].of.ref;
    printf("echo: argument kind %s, the expected object: %d\n",
           args->data[0].kind == WASM_EXTERNREF ? "externref" : "other",
           r && expected_in_echo && wasm_ref_same(r, expected_in_echo));
    results->data[0].kind = WASM_EXTERNREF;
    results->data[0].of.ref = r ? wasm_ref_copy(r) : NULL;
    return NULL;
}

/* make: () -> (externref), a new foreign object with host info; the
 * result is taken over. */
static wasm_store_t *the_store;
static struct info made_info = {"made", 0};
static own wasm_trap_t *make(const wasm_val_vec_t *args, own wasm_val_vec_t *results)
{
    (void)args;
    own wasm_foreign_t *f = wasm_foreign_new(the_store);
    wasm_foreign_set_host_info_with_finalizer(f, &made_info, finalize);
    results->data[0].kind = WASM_EXTERNREF;
    results->data[0].of.ref = wasm_foreign_as_ref(f);
    return NULL;
}

/* call_it: (funcref) -> (i32), calls the function it is given. */
static own wasm_trap_t *call_it(const wasm_val_vec_t *args, own wasm_val_vec_t *results)
{
    const wasm_func_t *f = args->data[0].of.ref ? wasm_ref_as_func_const(args->data[0].of.ref) : NULL;
    wasm_val_t rs[1] = {WASM_INIT_VAL};
    wasm_val_vec_t none = WASM_EMPTY_VEC, inner = WASM_ARRAY_VEC(rs);
    printf("call_it: argument kind %s, a function %d\n", args->data[0].kind == WASM_FUNCREF ? "funcref" : "other",
           f != NULL);
    if (!f)
        return NULL;
    own wasm_trap_t *trap = wasm_func_call(f, &none, &inner);
    if (trap)
        return trap;
    results->data[0].kind = WASM_I32;
    results->data[0].of.i32 = rs[0].of.i32;
    return NULL;
}

static own wasm_trap_t *seven(const wasm_val_vec_t *args, own wasm_val_vec_t *results)
{
    (void)args;
    results->data[0].kind = WASM_I32;
    results->data[0].of.i32 = 7;
    return NULL;
}

/* Whether a result (deleted here) is the object r. */
static int result_is(wasm_val_t *v, const wasm_ref_t *r)
{
    int same = v->of.ref && r && wasm_ref_same(v->of.ref, r);
    wasm_val_delete(v);
    return same;
}

static int call_func_ref(const wasm_func_t *f)
{
    wasm_val_t rs[1] = {WASM_INIT_VAL};
    wasm_val_vec_t args = WASM_EMPTY_VEC, results = WASM_ARRAY_VEC(rs);
    wasm_trap_t *trap = wasm_func_call(f, &args, &results);
    if (trap) {
        print_trap("calling a funcref", trap);
        return -1;
    }
    return rs[0].of.i32;
}

int main(int argc, char **argv)
{
    /* Line by line: what was printed before a crash is still seen. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc != 2)
        die("usage: ref MODULE.wasm");
    own wasm_engine_t *engine = wasm_engine_new();
    own wasm_store_t *store = wasm_store_new(engine);
    the_store = store;
    module = load_module(store, argv[1]);

    struct info foreign_info = {"foreign", 0}, foreign2_info = {"foreign2", 0};
    own wasm_foreign_t *foreign = wasm_foreign_new(store);
    own wasm_foreign_t *foreign2 = wasm_foreign_new(store);
    own wasm_foreign_t *foreign3 = wasm_foreign_new(store);
    if (!foreign || !foreign2 || !foreign3)
        die("wasm_foreign_new");
    wasm_foreign_set_host_info(foreign, &foreign_info);
    wasm_foreign_set_host_info(foreign2, &foreign2_info);
    wasm_ref_t *fref = wasm_foreign_as_ref(foreign);
    wasm_ref_t *fref2 = wasm_foreign_as_ref(foreign2);
    printf("host info through the foreign and its ref: %d %d\n", wasm_foreign_get_host_info(foreign) == &foreign_info,
           wasm_ref_get_host_info(fref) == &foreign_info);

    /* The imports: an externref global holding foreign3, and echo. */
    own wasm_globaltype_t *gtype = wasm_globaltype_new(wasm_valtype_new_externref(), WASM_VAR);
    wasm_val_t init = externref(wasm_foreign_as_ref(foreign3));
    own wasm_global_t *eglobal = wasm_global_new(store, gtype, &init);
    own wasm_functype_t *echo_type = wasm_functype_new_1_1(wasm_valtype_new_externref(), wasm_valtype_new_externref());
    own wasm_func_t *echo_func = wasm_func_new(store, echo_type, echo);
    own wasm_functype_t *seven_type = wasm_functype_new_0_1(wasm_valtype_new_i32());
    own wasm_func_t *seven_func = wasm_func_new(store, seven_type, seven);
    own wasm_functype_t *make_type = wasm_functype_new_0_1(wasm_valtype_new_externref());
    own wasm_func_t *make_func = wasm_func_new(store, make_type, make);
    own wasm_functype_t *call_it_type = wasm_functype_new_1_1(wasm_valtype_new_funcref(), wasm_valtype_new_i32());
    own wasm_func_t *call_it_func = wasm_func_new(store, call_it_type, call_it);
    if (!eglobal || !echo_func || !seven_func || !make_func || !call_it_func)
        die("imports");
    wasm_extern_t *externs[] = {wasm_global_as_extern(eglobal), wasm_func_as_extern(echo_func),
                                wasm_func_as_extern(make_func), wasm_func_as_extern(call_it_func)};
    wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
    own wasm_trap_t *trap = NULL;
    own wasm_instance_t *instance = wasm_instance_new(store, module, &imports, &trap);
    if (!instance) {
        print_trap("instantiate", trap);
        die("wasm_instance_new");
    }
    wasm_instance_exports(instance, &exports);
    wasm_table_t *table = wasm_extern_as_table(find_export(module, &exports, "table"));
    wasm_table_t *ftable = wasm_extern_as_table(find_export(module, &exports, "ftable"));
    wasm_global_t *global = wasm_extern_as_global(find_export(module, &exports, "global"));
    wasm_global_t *fglobal = wasm_extern_as_global(find_export(module, &exports, "fglobal"));
    wasm_func_t *f42 = find_func(module, &exports, "f42");
    if (!table || !ftable || !global || !fglobal)
        die("exports of the wrong kind");

    /* ---- externrefs */
    wasm_val_t as[2], rs[2];
    as[0] = externref(fref);
    if (call("identity", 1, as, rs)) {
        printf("identity(foreign): kind %s\n", rs[0].kind == WASM_EXTERNREF ? "externref" : "other");
        printf("identity(foreign) is a foreign object: %d\n", rs[0].of.ref && wasm_ref_as_foreign(rs[0].of.ref) != NULL);
        printf("identity(foreign) has its host info: %d\n",
               rs[0].of.ref && wasm_ref_get_host_info(rs[0].of.ref) == &foreign_info);
        printf("identity(foreign) is wasm_foreign_same: %d\n",
               rs[0].of.ref && wasm_ref_as_foreign(rs[0].of.ref) &&
                   wasm_foreign_same(wasm_ref_as_foreign(rs[0].of.ref), foreign));
        printf("identity(foreign) is the foreign object: %d\n", result_is(&rs[0], fref));
    }
    as[0] = externref(NULL);
    if (call("identity", 1, as, rs))
        printf("identity(null) = %s\n", rs[0].of.ref ? "a reference" : "null");
    if (call("is_null", 1, as, rs))
        printf("is_null(null) = %d\n", (int)rs[0].of.i32);
    as[0] = externref(fref);
    if (call("is_null", 1, as, rs))
        printf("is_null(foreign) = %d\n", (int)rs[0].of.i32);

    /* Through the exported table, both ways. */
    as[0].kind = WASM_I32;
    as[0].of.i32 = 0;
    as[1] = externref(fref);
    call("store", 2, as, rs);
    {
        own wasm_ref_t *r = wasm_table_get(table, 0);
        printf("the table holds what wasm stored: %d\n", r && wasm_ref_same(r, fref));
        if (r)
            wasm_ref_delete(r);
    }
    printf("host sets table[1] = foreign2: %d\n", wasm_table_set(table, 1, fref2));
    as[0].kind = WASM_I32;
    as[0].of.i32 = 1;
    if (call("load", 1, as, rs))
        printf("wasm loads table[1], foreign2: %d\n", result_is(&rs[0], fref2));
    as[0].of.i32 = 2;
    if (call("load", 1, as, rs))
        printf("wasm loads table[2]: %s\n", rs[0].of.ref ? "a reference" : "null");

    /* Through the exported global, both ways. */
    as[0] = externref(fref);
    call("set_global", 1, as, rs);
    {
        wasm_val_t v;
        wasm_global_get(global, &v);
        printf("the global holds what wasm set: %d\n", result_is(&v, fref));
    }
    wasm_val_t v2 = externref(fref2);
    wasm_global_set(global, &v2);
    if (call("get_global", 0, as, rs))
        printf("wasm reads what the host set, foreign2: %d\n", result_is(&rs[0], fref2));

    /* The host's global: made holding foreign3, then set by wasm. */
    if (call("get_eglobal", 0, as, rs))
        printf("wasm reads the host global's initial value, foreign3: %d\n",
               result_is(&rs[0], wasm_foreign_as_ref(foreign3)));
    as[0] = externref(fref);
    call("set_eglobal", 1, as, rs);
    {
        wasm_val_t v;
        wasm_global_get(eglobal, &v);
        printf("the host global holds what wasm set: %d\n", result_is(&v, fref));
    }

    /* Through a host function. */
    expected_in_echo = fref;
    as[0] = externref(fref);
    if (call("through_host", 1, as, rs))
        printf("through_host(foreign) is the foreign object: %d\n", result_is(&rs[0], fref));
    expected_in_echo = NULL;
    as[0] = externref(NULL);
    if (call("through_host", 1, as, rs))
        printf("through_host(null) = %s\n", rs[0].of.ref ? "a reference" : "null");

    /* An externref may hold a function or a trap as well. */
    as[0] = externref(wasm_func_as_ref(f42));
    if (call("identity", 1, as, rs)) {
        wasm_func_t *back = rs[0].of.ref ? wasm_ref_as_func(rs[0].of.ref) : NULL;
        printf("identity(f42 as externref) is f42: %d, calling it: %d\n", back && wasm_func_same(back, f42),
               back ? call_func_ref(back) : -1);
        wasm_val_delete(&rs[0]);
    }
    {
        wasm_message_t msg;
        wasm_name_new_from_string_nt(&msg, "a trap as a value");
        own wasm_trap_t *t = wasm_trap_new(store, &msg);
        wasm_name_delete(&msg);
        as[0] = externref(wasm_trap_as_ref(t));
        if (call("identity", 1, as, rs)) {
            wasm_trap_t *back = rs[0].of.ref ? wasm_ref_as_trap(rs[0].of.ref) : NULL;
            printf("identity(trap as externref) is the trap: %d\n", back && wasm_trap_same(back, t));
            if (back)
                print_trap("its message", wasm_trap_copy(back));
            wasm_val_delete(&rs[0]);
        }
        wasm_trap_delete(t);
    }

    /* The foreign object outlives its handle while the table holds it. */
    {
        own wasm_foreign_t *kept = wasm_foreign_new(store);
        wasm_foreign_set_host_info_with_finalizer(kept, &kept_info, finalize);
        printf("host sets table[3] = kept: %d\n", wasm_table_set(table, 3, wasm_foreign_as_ref(kept)));
        wasm_foreign_delete(kept);
        printf("kept's finalizer after its handle is deleted: %d\n", kept_info.finalized);
        as[0].kind = WASM_I32;
        as[0].of.i32 = 3;
        if (call("load", 1, as, rs)) {
            printf("wasm loads table[3], with kept's host info: %d\n",
                   rs[0].of.ref && wasm_ref_get_host_info(rs[0].of.ref) == &kept_info);
            wasm_val_delete(&rs[0]);
        }
    }

    /* A foreign object made inside a host function, returned through wasm. */
    if (call("made", 0, as, rs)) {
        printf("made(): a foreign object %d, with the host info it got %d\n",
               rs[0].of.ref && wasm_ref_as_foreign(rs[0].of.ref) != NULL,
               rs[0].of.ref && wasm_ref_get_host_info(rs[0].of.ref) == &made_info);
        printf("made's finalizer while a value holds it: %d\n", made_info.finalized);
        wasm_val_delete(&rs[0]);
    }

    /* ---- funcrefs */
    if (call("f42_via_host", 0, as, rs))
        printf("f42_via_host() = %d\n", (int)rs[0].of.i32);
    as[0] = funcref(wasm_func_as_ref(f42));
    if (call("func_identity", 1, as, rs)) {
        wasm_func_t *back = rs[0].of.ref ? wasm_ref_as_func(rs[0].of.ref) : NULL;
        printf("func_identity(f42): kind %s, is f42: %d, calling it: %d\n",
               rs[0].kind == WASM_FUNCREF ? "funcref" : "other", back && wasm_func_same(back, f42),
               back ? call_func_ref(back) : -1);
        wasm_val_delete(&rs[0]);
    }
    if (call("f42_ref", 0, as, rs)) {
        wasm_func_t *back = rs[0].of.ref ? wasm_ref_as_func(rs[0].of.ref) : NULL;
        printf("f42_ref() is the export f42: %d\n", back && wasm_func_same(back, f42));
        wasm_val_delete(&rs[0]);
    }
    as[0] = funcref(NULL);
    if (call("func_identity", 1, as, rs))
        printf("func_identity(null) = %s\n", rs[0].of.ref ? "a reference" : "null");
    as[0] = funcref(fref);
    {
        wasm_func_t *f = find_func(module, &exports, "func_identity");
        wasm_val_vec_t args = {1, as}, results = {1, rs};
        own wasm_trap_t *t = wasm_func_call(f, &args, &results);
        printf("func_identity(a foreign object as a funcref) traps: %d\n", t != NULL);
        if (t)
            wasm_trap_delete(t);
        else
            wasm_val_delete(&rs[0]);
    }
    /* A host function as a funcref, called through a table by wasm. */
    as[0].kind = WASM_I32;
    as[0].of.i32 = 0;
    as[1] = funcref(wasm_func_as_ref(seven_func));
    call("set_ft", 2, as, rs);
    as[0].of.i32 = 0;
    if (call("call_ft", 1, as, rs))
        printf("call_ft(0), the host function seven: %d\n", (int)rs[0].of.i32);
    {
        own wasm_ref_t *r = wasm_table_get(ftable, 0);
        printf("ftable[0] is seven: %d\n", r && wasm_ref_as_func(r) && wasm_func_same(wasm_ref_as_func(r), seven_func));
        if (r)
            wasm_ref_delete(r);
    }
    printf("host sets ftable[1] = f42: %d\n", wasm_table_set(ftable, 1, wasm_func_as_ref(f42)));
    as[0].of.i32 = 1;
    if (call("call_ft", 1, as, rs))
        printf("call_ft(1): %d\n", (int)rs[0].of.i32);
    {
        wasm_val_t v;
        wasm_global_get(fglobal, &v);
        printf("fglobal at first: kind %s, %s\n", v.kind == WASM_FUNCREF ? "funcref" : "other",
               v.of.ref ? "a reference" : "null");
        wasm_val_delete(&v);
        own wasm_ref_t *r = wasm_table_get(table, 2);
        printf("table[2] from the host: %s\n", r ? "a reference" : "NULL");
        if (r)
            wasm_ref_delete(r);
    }
    as[0] = funcref(wasm_func_as_ref(seven_func));
    call("set_fglobal", 1, as, rs);
    {
        wasm_val_t v;
        wasm_global_get(fglobal, &v);
        printf("fglobal holds seven: kind %s, %d\n", v.kind == WASM_FUNCREF ? "funcref" : "other",
               v.of.ref && wasm_ref_as_func(v.of.ref) && wasm_func_same(wasm_ref_as_func(v.of.ref), seven_func));
        wasm_val_delete(&v);
    }
    wasm_val_t fv = funcref(wasm_func_as_ref(f42));
    wasm_global_set(fglobal, &fv);
    if (call("call_fglobal", 0, as, rs))
        printf("call_fglobal() after the host set f42: %d\n", (int)rs[0].of.i32);
    /* Sets to ignore: a foreign object in a funcref global, a funcref in
     * an externref global. */
    wasm_val_t not_a_func = funcref(fref);
    wasm_global_set(fglobal, &not_a_func);
    if (call("call_fglobal", 0, as, rs))
        printf("call_fglobal() after a set with a foreign object: %d\n", (int)rs[0].of.i32);
    wasm_val_t a_func = funcref(wasm_func_as_ref(f42));
    wasm_global_set(global, &a_func);
    if (call("get_global", 0, as, rs))
        printf("the externref global after a set with a funcref value, still foreign2: %d\n",
               result_is(&rs[0], fref2));

    /* ---- copy and same, for every kind of reference */
    wasm_limits_t mlimits = {1, 1};
    own wasm_memorytype_t *mtype = wasm_memorytype_new(&mlimits);
    own wasm_memory_t *memory = wasm_memory_new(store, mtype);
    own wasm_memory_t *memory2 = wasm_memory_new(store, mtype);
    own wasm_module_t *module2 = load_module(store, argv[1]);
    own wasm_module_t *module3 = load_module(store, argv[1]);
    wasm_message_t tmsg;
    wasm_name_new_from_string_nt(&tmsg, "trap one");
    own wasm_trap_t *trap1 = wasm_trap_new(store, &tmsg);
    own wasm_trap_t *trap2 = wasm_trap_new(store, &tmsg);
    wasm_name_delete(&tmsg);
    own wasm_instance_t *instance2 = wasm_instance_new(store, module, &imports, NULL);
    if (!memory || !memory2 || !trap1 || !trap2 || !instance2)
        die("objects for copy and same");
    {
        /* The same export of two instances: two functions. One instance's
         * function in the other's table. */
        own wasm_extern_vec_t exports2;
        wasm_instance_exports(instance2, &exports2);
        wasm_func_t *f42_2 = find_func(module, &exports2, "f42");
        printf("f42 of two instances: the same %d\n", wasm_func_same(f42_2, f42));
        printf("host sets ftable[1] = the other instance's f42: %d\n", wasm_table_set(ftable, 1, wasm_func_as_ref(f42_2)));
        as[0].kind = WASM_I32;
        as[0].of.i32 = 1;
        if (call("call_ft", 1, as, rs))
            printf("call_ft(1): %d\n", (int)rs[0].of.i32);
        own wasm_ref_t *r = wasm_table_get(ftable, 1);
        printf("ftable[1] is the other instance's f42: %d, not this one's: %d\n",
               r && wasm_ref_as_func(r) && wasm_func_same(wasm_ref_as_func(r), f42_2),
               r && wasm_ref_as_func(r) && !wasm_func_same(wasm_ref_as_func(r), f42));
        if (r)
            wasm_ref_delete(r);
        wasm_extern_vec_delete(&exports2);
    }
    {
        own wasm_func_t *c = wasm_func_copy(f42);
        printf("func: copy same %d, other %d\n", wasm_func_same(c, f42), wasm_func_same(c, seven_func));
        wasm_func_delete(c);
    }
    {
        own wasm_global_t *c = wasm_global_copy(global);
        printf("global: copy same %d, other %d\n", wasm_global_same(c, global), wasm_global_same(c, fglobal));
        wasm_global_delete(c);
    }
    {
        own wasm_table_t *c = wasm_table_copy(table);
        printf("table: copy same %d, other %d\n", wasm_table_same(c, table), wasm_table_same(c, ftable));
        wasm_table_delete(c);
    }
    {
        own wasm_memory_t *c = wasm_memory_copy(memory);
        printf("memory: copy same %d, other %d\n", wasm_memory_same(c, memory), wasm_memory_same(c, memory2));
        wasm_memory_delete(c);
    }
    {
        own wasm_instance_t *c = wasm_instance_copy(instance);
        printf("instance: copy same %d, other %d\n", wasm_instance_same(c, instance),
               wasm_instance_same(c, instance2));
        wasm_instance_delete(c);
    }
    {
        own wasm_module_t *c = wasm_module_copy(module);
        printf("module: copy same %d, other %d\n", wasm_module_same(c, module), wasm_module_same(c, module2));
        wasm_module_delete(c);
    }
    {
        own wasm_trap_t *c = wasm_trap_copy(trap1);
        printf("trap: copy same %d, other %d\n", wasm_trap_same(c, trap1), wasm_trap_same(c, trap2));
        wasm_trap_delete(c);
    }
    {
        own wasm_foreign_t *c = wasm_foreign_copy(foreign);
        printf("foreign: copy same %d, other %d\n", wasm_foreign_same(c, foreign), wasm_foreign_same(c, foreign2));
        wasm_foreign_delete(c);
    }
    {
        own wasm_ref_t *c = wasm_ref_copy(fref);
        printf("ref: copy same %d, other %d\n", wasm_ref_same(c, fref), wasm_ref_same(c, fref2));
        wasm_ref_delete(c);
    }
    {
        wasm_extern_t *e = wasm_func_as_extern(f42);
        own wasm_extern_t *c = wasm_extern_copy(e);
        printf("extern: copy same %d, other %d\n", wasm_extern_same(c, e),
               wasm_extern_same(c, wasm_func_as_extern(seven_func)));
        printf("extern: the export and f42 seen as an extern are the same: %d\n",
               wasm_extern_same(find_export(module, &exports, "f42"), e));
        wasm_extern_delete(c);
    }
    {
        /* Two export vectors of one instance: handles to the same objects. */
        own wasm_extern_vec_t again;
        wasm_instance_exports(instance, &again);
        size_t i, same = 0;
        for (i = 0; i < again.size && i < exports.size; i++)
            same += wasm_extern_same(again.data[i], exports.data[i]);
        printf("wasm_instance_exports twice: %zu of %zu the same\n", same, exports.size);
        wasm_extern_vec_delete(&again);
    }

    /* ---- as_ref and ref_as, both ways, const and not; another kind gives NULL */
    {
        wasm_extern_t *fext = wasm_func_as_extern(f42);
        wasm_ref_t *r_func = wasm_func_as_ref(f42), *r_global = wasm_global_as_ref(global),
                   *r_table = wasm_table_as_ref(table), *r_memory = wasm_memory_as_ref(memory),
                   *r_instance = wasm_instance_as_ref(instance), *r_module = wasm_module_as_ref(module),
                   *r_trap = wasm_trap_as_ref(trap1), *r_foreign = wasm_foreign_as_ref(foreign),
                   *r_extern = wasm_extern_as_ref(fext);
        const wasm_ref_t *c_func = wasm_func_as_ref_const(f42), *c_global = wasm_global_as_ref_const(global),
                         *c_table = wasm_table_as_ref_const(table), *c_memory = wasm_memory_as_ref_const(memory),
                         *c_instance = wasm_instance_as_ref_const(instance),
                         *c_module = wasm_module_as_ref_const(module), *c_trap = wasm_trap_as_ref_const(trap1),
                         *c_foreign = wasm_foreign_as_ref_const(foreign), *c_extern = wasm_extern_as_ref_const(fext);
        printf("as_ref: all non-NULL %d\n", r_func && r_global && r_table && r_memory && r_instance && r_module &&
                                                r_trap && r_foreign && r_extern);
        printf("as_ref_const: all non-NULL %d\n", c_func && c_global && c_table && c_memory && c_instance &&
                                                      c_module && c_trap && c_foreign && c_extern);
        printf("ref_as, back: func %d global %d table %d memory %d instance %d module %d trap %d foreign %d "
               "extern %d\n",
               wasm_func_same(wasm_ref_as_func(r_func), f42), wasm_global_same(wasm_ref_as_global(r_global), global),
               wasm_table_same(wasm_ref_as_table(r_table), table),
               wasm_memory_same(wasm_ref_as_memory(r_memory), memory),
               wasm_instance_same(wasm_ref_as_instance(r_instance), instance),
               wasm_module_same(wasm_ref_as_module(r_module), module), wasm_trap_same(wasm_ref_as_trap(r_trap), trap1),
               wasm_foreign_same(wasm_ref_as_foreign(r_foreign), foreign),
               wasm_extern_same(wasm_ref_as_extern(r_extern), fext));
        printf("ref_as_const, back: func %d global %d table %d memory %d instance %d module %d trap %d "
               "foreign %d extern %d\n",
               wasm_func_same(wasm_ref_as_func_const(c_func), f42),
               wasm_global_same(wasm_ref_as_global_const(c_global), global),
               wasm_table_same(wasm_ref_as_table_const(c_table), table),
               wasm_memory_same(wasm_ref_as_memory_const(c_memory), memory),
               wasm_instance_same(wasm_ref_as_instance_const(c_instance), instance),
               wasm_module_same(wasm_ref_as_module_const(c_module), module),
               wasm_trap_same(wasm_ref_as_trap_const(c_trap), trap1),
               wasm_foreign_same(wasm_ref_as_foreign_const(c_foreign), foreign),
               wasm_extern_same(wasm_ref_as_extern_const(c_extern), fext));
        printf("a ref as another kind is NULL: func %d global %d table %d memory %d instance %d module %d "
               "trap %d foreign %d extern %d\n",
               wasm_ref_as_func(r_foreign) == NULL, wasm_ref_as_global(r_func) == NULL,
               wasm_ref_as_table(r_memory) == NULL, wasm_ref_as_memory(r_table) == NULL,
               wasm_ref_as_instance(r_module) == NULL, wasm_ref_as_module(r_instance) == NULL,
               wasm_ref_as_trap(r_foreign) == NULL, wasm_ref_as_foreign(r_trap) == NULL,
               wasm_ref_as_extern(r_foreign) == NULL);
        printf("a const ref as another kind is NULL: func %d global %d table %d memory %d instance %d "
               "module %d trap %d foreign %d extern %d\n",
               wasm_ref_as_func_const(c_global) == NULL, wasm_ref_as_global_const(c_table) == NULL,
               wasm_ref_as_table_const(c_func) == NULL, wasm_ref_as_memory_const(c_instance) == NULL,
               wasm_ref_as_instance_const(c_trap) == NULL, wasm_ref_as_module_const(c_foreign) == NULL,
               wasm_ref_as_trap_const(c_module) == NULL, wasm_ref_as_foreign_const(c_func) == NULL,
               wasm_ref_as_extern_const(c_trap) == NULL);
        printf("more refs of another kind: extern of a module %d, of an instance %d; trap of a func %d\n",
               wasm_ref_as_extern(r_module) == NULL, wasm_ref_as_extern_const(c_instance) == NULL,
               wasm_ref_as_trap(r_func) == NULL);
        printf("f42 as an extern as a ref is f42: %d, is not a global: %d\n",
               wasm_ref_as_func(r_extern) != NULL && wasm_func_same(wasm_ref_as_func(r_extern), f42),
               wasm_ref_as_global(r_extern) == NULL);
        printf("ref_same across views: f42's ref and its extern's ref %d, foreign's ref and foreign2's %d\n",
               wasm_ref_same(r_func, r_extern), wasm_ref_same(r_foreign, fref2));
    }

    /* ---- host info and finalizers */
    struct info func_old = {"func old", 0}, func_new = {"func new", 0}, global_i = {"global", 0},
                table_i = {"table", 0}, memory_i = {"memory", 0}, instance_i = {"instance", 0},
                module_i = {"module", 0}, module2_i = {"module2", 0}, module3_i = {"module3", 0}, trap_i = {"trap", 0},
                foreign_i = {"foreign", 0}, ref_i = {"ref", 0}, extern_i = {"extern", 0};
    struct info plain = {"plain", 0};

    wasm_func_set_host_info_with_finalizer(seven_func, &func_old, finalize);
    wasm_func_set_host_info_with_finalizer(seven_func, &func_new, finalize);
    printf("func host info replaced: %d\n", wasm_func_get_host_info(seven_func) == &func_new);
    wasm_global_set_host_info_with_finalizer(global, &global_i, finalize);
    wasm_table_set_host_info_with_finalizer(table, &table_i, finalize);
    wasm_memory_set_host_info_with_finalizer(memory, &memory_i, finalize);
    wasm_instance_set_host_info_with_finalizer(instance, &instance_i, finalize);
    wasm_module_set_host_info_with_finalizer(module, &module_i, finalize);
    wasm_module_set_host_info_with_finalizer(module2, &module2_i, finalize);
    wasm_module_set_host_info_with_finalizer(module3, &module3_i, finalize);
    wasm_trap_set_host_info_with_finalizer(trap1, &trap_i, finalize);
    wasm_extern_set_host_info_with_finalizer(wasm_func_as_extern(echo_func), &extern_i, finalize);
    {
        own wasm_foreign_t *f = wasm_foreign_new(store);
        wasm_foreign_set_host_info_with_finalizer(f, &foreign_i, finalize);
        own wasm_foreign_t *f2 = wasm_foreign_new(store);
        wasm_ref_set_host_info_with_finalizer(wasm_foreign_as_ref(f2), &ref_i, finalize);
        printf("host info set through a ref, seen through the foreign: %d\n", wasm_foreign_get_host_info(f2) == &ref_i);
        wasm_foreign_delete(f);
        wasm_foreign_delete(f2);
        printf("finalizers of foreign objects without another reference, at once: %d %d\n", foreign_i.finalized,
               ref_i.finalized);
    }
    /* Without a finalizer: kept and given back, nothing runs. */
    wasm_global_set_host_info(fglobal, &plain);
    wasm_table_set_host_info(ftable, &plain);
    wasm_memory_set_host_info(memory2, &plain);
    wasm_instance_set_host_info(instance2, &plain);
    wasm_module_set_host_info(module2, &plain);
    wasm_trap_set_host_info(trap2, &plain);
    wasm_func_set_host_info(f42, &plain);
    wasm_extern_set_host_info(wasm_global_as_extern(eglobal), &plain);
    wasm_ref_set_host_info(fref2, &plain);
    printf("host info without finalizer: global %d table %d memory %d instance %d module %d trap %d func %d "
           "extern %d ref %d\n",
           wasm_global_get_host_info(fglobal) == &plain, wasm_table_get_host_info(ftable) == &plain,
           wasm_memory_get_host_info(memory2) == &plain, wasm_instance_get_host_info(instance2) == &plain,
           wasm_module_get_host_info(module2) == &plain, wasm_trap_get_host_info(trap2) == &plain,
           wasm_func_get_host_info(f42) == &plain, wasm_global_get_host_info(eglobal) == &plain,
           wasm_foreign_get_host_info(foreign2) == &plain);
    printf("module2's finalizer after its host info was replaced: %d\n", module2_i.finalized);
    {
        /* Through other handles to the same objects. */
        own wasm_extern_vec_t again;
        wasm_instance_exports(instance, &again);
        wasm_table_t *t = NULL;
        wasm_global_t *g = NULL;
        size_t i;
        for (i = 0; i < again.size; i++) {
            if (wasm_extern_as_table(again.data[i]) && wasm_table_same(wasm_extern_as_table(again.data[i]), table))
                t = wasm_extern_as_table(again.data[i]);
            if (wasm_extern_as_global(again.data[i]) &&
                wasm_global_same(wasm_extern_as_global(again.data[i]), global))
                g = wasm_extern_as_global(again.data[i]);
        }
        own wasm_instance_t *ic = wasm_instance_copy(instance);
        own wasm_trap_t *tc = wasm_trap_copy(trap1);
        own wasm_module_t *mc = wasm_module_copy(module);
        printf("host info through other handles: table %d global %d instance %d trap %d module %d "
               "func via extern %d\n",
               t && wasm_table_get_host_info(t) == &table_i, g && wasm_global_get_host_info(g) == &global_i,
               wasm_instance_get_host_info(ic) == &instance_i, wasm_trap_get_host_info(tc) == &trap_i,
               wasm_module_get_host_info(mc) == &module_i,
               wasm_extern_get_host_info(wasm_func_as_extern(seven_func)) == &func_new);
        printf("host info set on echo as an extern, seen on the function: %d\n",
               wasm_func_get_host_info(echo_func) == &extern_i);
        wasm_instance_delete(ic);
        wasm_module_delete(mc);
        wasm_extern_vec_delete(&again);
        /* The trap lives while a handle does. */
        wasm_trap_delete(trap1);
        printf("trap finalizer after deleting one of two handles: %d\n", trap_i.finalized);
        wasm_trap_delete(tc);
        printf("trap finalizer after deleting the last handle: %d\n", trap_i.finalized);
    }
    /* A module never instantiated dies with its last handle. */
    {
        own wasm_module_t *copy = wasm_module_copy(module3);
        wasm_module_delete(module3);
        printf("module3 finalizer (never instantiated) after deleting one of two handles: %d\n",
               module3_i.finalized);
        wasm_module_delete(copy);
        printf("module3 finalizer after deleting its last handle: %d\n", module3_i.finalized);
    }
    wasm_module_delete(module2);
    printf("module2 finalizer (replaced by host info without one) after its handle is deleted: %d\n",
           module2_i.finalized);
    /* Handles to store objects go; the objects stay until the store does. */
    wasm_extern_vec_delete(&exports);
    wasm_instance_delete(instance);
    wasm_instance_delete(instance2);
    wasm_memory_delete(memory);
    wasm_memory_delete(memory2);
    wasm_module_delete(module);
    printf("kept's finalizer before the store is deleted: %d\n", kept_info.finalized);
    printf("before the store is deleted: module %d func %d/%d global %d table %d memory %d instance %d "
           "extern %d\n",
           module_i.finalized, func_old.finalized, func_new.finalized, global_i.finalized, table_i.finalized,
           memory_i.finalized, instance_i.finalized, extern_i.finalized);
    wasm_trap_delete(trap2);
    wasm_func_delete(echo_func);
    wasm_func_delete(seven_func);
    wasm_global_delete(eglobal);
    wasm_foreign_delete(foreign);
    wasm_foreign_delete(foreign2);
    wasm_foreign_delete(foreign3);
    wasm_memorytype_delete(mtype);
    wasm_globaltype_delete(gtype);
    wasm_functype_delete(echo_type);
    wasm_functype_delete(seven_type);
    wasm_func_delete(make_func);
    wasm_func_delete(call_it_func);
    wasm_functype_delete(make_type);
    wasm_functype_delete(call_it_type);
    wasm_store_delete(store);
    printf("after the store is deleted: module %d func %d/%d global %d table %d memory %d instance %d "
           "extern %d\n",
           module_i.finalized, func_old.finalized, func_new.finalized, global_i.finalized, table_i.finalized,
           memory_i.finalized, instance_i.finalized, extern_i.finalized);
    printf("kept's finalizer after the store is deleted: %d\n", kept_info.finalized);
    printf("made's finalizer, once only: %d\n", made_info.finalized);
    printf("and once only: foreign %d ref %d trap %d module2 %d module3 %d; never with other host info: %d\n",
           foreign_i.finalized, ref_i.finalized, trap_i.finalized, module2_i.finalized, module3_i.finalized,
           plain.finalized);
    wasm_engine_delete(engine);
    printf("done\n");
    return 0;
}
