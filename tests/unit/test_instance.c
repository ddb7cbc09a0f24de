/* Unit tests for the runtime's objects and instantiation (src/runtime/store.c
 * and instance.c): import resolution and matching, constant expressions,
 * segment initialization and its traps, growing, exports and type interning.
 * No test calls a wasm function, so none needs the interpreter. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "runtime/runtime.h"

static struct module *load(const char *wat)
{
    uint8_t *bytes;
    size_t len;
    wisp_error err;
    if (!wisp_wat_to_wasm(wat, strlen(wat), "test", &bytes, &len, &err)) {
        printf("FAIL wat: %s\n  in: %s\n", err.message, wat);
        exit(1);
    }
    struct module *m = calloc(1, sizeof *m);
    if (!module_decode(m, bytes, len, FEAT_DEFAULT, &err) || !module_validate(m, &err)) {
        printf("FAIL load: %s\n  in: %s\n", err.message, wat);
        exit(1);
    }
    wisp_free(bytes);
    return m;
}

/* Modules live until the end of the test, after the stores that use them. */
static struct module *modules[256];
static int nmodules;
static struct module *keep(const char *wat)
{
    struct module *m = load(wat);
    modules[nmodules++] = m;
    return m;
}

/* Resolve and instantiate; NULL on failure with *err set. */
static struct rt_instance *inst_new(struct rt_store *s, const char *wat, wisp_error *err)
{
    struct module *m = keep(wat);
    struct rt_extern imports[16];
    if (!rt_resolve_imports(s, m, imports, err))
        return NULL;
    return rt_instantiate(s, m, imports, NULL, err);
}

static bool starts_with(const char *s, const char *prefix) { return strncmp(s, prefix, strlen(prefix)) == 0; }

static bool noop_host(struct rt_caller *c, void *env, union slot *args)
{
    (void)c, (void)env, (void)args;
    return true;
}

static void define(struct rt_store *s, const char *module, const char *name, struct rt_extern ext)
{
    rt_define(s, module, (uint32_t)strlen(module), name, (uint32_t)strlen(name), &ext);
}

static struct rt_extern get_export(struct rt_instance *inst, const char *name)
{
    struct rt_extern e = {.kind = 0xFF};
    rt_instance_export(inst, name, (uint32_t)strlen(name), &e);
    return e;
}

/* A store with a host function, table, memory and globals like spectest's. */
static struct rt_store *host_store(void)
{
    struct rt_store *s = rt_store_new();
    valtype_t i32_i32[] = {VT_I32, VT_I32};
    struct functype ft = {1, 1, i32_i32};
    define(s, "env", "f", (struct rt_extern){EXT_FUNC, .u.func = rt_func_new_host(s, &ft, noop_host, NULL, "env.f")});
    struct tabletype tt = {VT_FUNCREF, {10, 20, true}};
    define(s, "env", "table", (struct rt_extern){EXT_TABLE, .u.table = rt_table_new(s, &tt, NULL, NULL)});
    struct tabletype tinf = {VT_FUNCREF, {10, 0, false}};
    define(s, "env", "table-inf", (struct rt_extern){EXT_TABLE, .u.table = rt_table_new(s, &tinf, NULL, NULL)});
    struct memtype mt = {{1, 2, true}};
    define(s, "env", "memory", (struct rt_extern){EXT_MEMORY, .u.memory = rt_memory_new(s, &mt, NULL)});
    struct memtype minf = {{2, 0, false}};
    define(s, "env", "memory-inf", (struct rt_extern){EXT_MEMORY, .u.memory = rt_memory_new(s, &minf, NULL)});
    union slot v[2] = {{.i32 = 666}, {0}};
    struct globaltype gi = {VT_I32, false};
    define(s, "env", "g", (struct rt_extern){EXT_GLOBAL, .u.global = rt_global_new(s, &gi, v)});
    struct globaltype gm = {VT_I32, true};
    define(s, "env", "gmut", (struct rt_extern){EXT_GLOBAL, .u.global = rt_global_new(s, &gm, v)});
    return s;
}

static bool links(struct rt_store *s, const char *wat)
{
    wisp_error err;
    return inst_new(s, wat, &err) != NULL;
}

static bool incompatible(struct rt_store *s, const char *wat)
{
    wisp_error err;
    return !inst_new(s, wat, &err) && err.kind == WISP_ERR_LINK &&
           starts_with(err.message, "incompatible import type");
}

static void test_imports(void)
{
    struct rt_store *s = host_store();
    wisp_error err;

    struct module *m = keep("(module (import \"env\" \"nope\" (func)))");
    struct rt_extern imports[4];
    CHECK("unknown import fails", !rt_resolve_imports(s, m, imports, &err));
    CHECK("unknown import kind and wording",
          err.kind == WISP_ERR_LINK && strcmp(err.message, "unknown import: \"env\" \"nope\"") == 0);
    CHECK("unknown import has the import's offset", err.offset == m->imports[0].offset);
    m = keep("(module (import \"other\" \"f\" (func)))");
    CHECK("unknown module fails", !rt_resolve_imports(s, m, imports, &err) &&
                                      starts_with(err.message, "unknown import"));

    CHECK("func import matches", links(s, "(module (import \"env\" \"f\" (func (param i32) (result i32))))"));
    CHECK("func import wrong params", incompatible(s, "(module (import \"env\" \"f\" (func (param i64) (result i32))))"));
    CHECK("func import wrong results", incompatible(s, "(module (import \"env\" \"f\" (func (param i32))))"));
    inst_new(s, "(module (import \"env\" \"f\" (func (param i64) (result i32))))", &err);
    CHECK("incompatible message names import and types",
          strstr(err.message, "\"env\" \"f\"") && strstr(err.message, "(i64) -> (i32)") &&
              strstr(err.message, "(i32) -> (i32)"));
    CHECK("func import of a memory", incompatible(s, "(module (import \"env\" \"memory\" (func)))"));

    CHECK("table import exact", links(s, "(module (import \"env\" \"table\" (table 10 20 funcref)))"));
    CHECK("table import looser", links(s, "(module (import \"env\" \"table\" (table 5 25 funcref)))"));
    CHECK("table import no max", links(s, "(module (import \"env\" \"table\" (table 10 funcref)))"));
    CHECK("table import min too big", incompatible(s, "(module (import \"env\" \"table\" (table 12 funcref)))"));
    CHECK("table import max too small", incompatible(s, "(module (import \"env\" \"table\" (table 10 18 funcref)))"));
    CHECK("table import needs max", incompatible(s, "(module (import \"env\" \"table-inf\" (table 10 20 funcref)))"));
    CHECK("table import elem type", incompatible(s, "(module (import \"env\" \"table\" (table 10 externref)))"));
    CHECK("table import of a global", incompatible(s, "(module (import \"env\" \"g\" (table 1 funcref)))"));

    CHECK("memory import exact", links(s, "(module (import \"env\" \"memory\" (memory 1 2)))"));
    CHECK("memory import looser", links(s, "(module (import \"env\" \"memory\" (memory 0 3)))"));
    CHECK("memory import min too big", incompatible(s, "(module (import \"env\" \"memory\" (memory 2)))"));
    CHECK("memory import max too small", incompatible(s, "(module (import \"env\" \"memory\" (memory 1 1)))"));
    CHECK("memory import needs max", incompatible(s, "(module (import \"env\" \"memory-inf\" (memory 2 3)))"));
    CHECK("memory import no max", links(s, "(module (import \"env\" \"memory-inf\" (memory 2)))"));
    CHECK("memory import of a table", incompatible(s, "(module (import \"env\" \"table\" (memory 1)))"));

    CHECK("global import matches", links(s, "(module (import \"env\" \"g\" (global i32)))"));
    CHECK("global import mut matches", links(s, "(module (import \"env\" \"gmut\" (global (mut i32))))"));
    CHECK("global import type", incompatible(s, "(module (import \"env\" \"g\" (global i64)))"));
    CHECK("global import wants mut", incompatible(s, "(module (import \"env\" \"g\" (global (mut i32))))"));
    CHECK("global import wants immutable", incompatible(s, "(module (import \"env\" \"gmut\" (global i32)))"));

    /* A later definition replaces an earlier one. */
    struct rt_extern old = {.kind = 0xFF}, now = {.kind = 0xFF};
    m = keep("(module (import \"env\" \"g\" (global i32)))");
    rt_resolve_imports(s, m, &old, NULL);
    struct globaltype gt = {VT_I64, false};
    define(s, "env", "g", (struct rt_extern){EXT_GLOBAL, .u.global = rt_global_new(s, &gt, NULL)});
    rt_resolve_imports(s, m, &now, NULL);
    CHECK("rt_define replaces", now.kind == EXT_GLOBAL && now.u.global != old.u.global &&
                                    now.u.global->type == VT_I64);
    CHECK("definition count unchanged on replace", s->ndefs == 7);
    CHECK("names compared with their lengths",
          !rt_resolve_imports(s, keep("(module (import \"env\" \"g\\00\" (global i32)))"), &now, NULL));
    rt_store_free(s);
}

static void test_globals(void)
{
    struct rt_store *s = host_store();
    wisp_error err;
    struct rt_instance *inst = inst_new(s,
        "(module (import \"env\" \"g\" (global $g i32)) (import \"env\" \"f\" (func $f (param i32) (result i32)))"
        " (func $h)"
        " (global (export \"a\") i32 (i32.const -5))"
        " (global (export \"b\") i64 (i64.const 0x123456789abcdef0))"
        " (global (export \"c\") f32 (f32.const 1.5))"
        " (global (export \"d\") (mut f64) (f64.const -2.25))"
        " (global (export \"e\") v128 (v128.const i32x4 1 2 3 4))"
        " (global (export \"f\") i32 (global.get $g))"
        " (global (export \"g\") funcref (ref.null func))"
        " (global (export \"h\") funcref (ref.func $h))"
        " (global (export \"i\") funcref (ref.func $f))"
        " (global (export \"j\") externref (ref.null extern)))", &err);
    CHECK("globals instantiate", inst != NULL);
    if (!inst) {
        printf("  %s\n", err.message);
        rt_store_free(s);
        return;
    }
    CHECK("i32.const", get_export(inst, "a").u.global->val[0].i32 == (uint32_t)-5);
    CHECK("i64.const", get_export(inst, "b").u.global->val[0].i64 == 0x123456789abcdef0ull);
    CHECK("f32.const", get_export(inst, "c").u.global->val[0].f32 == 1.5f);
    CHECK("f32 upper half zero", get_export(inst, "c").u.global->val[0].i64 >> 32 == 0);
    struct rt_global *d = get_export(inst, "d").u.global;
    CHECK("f64.const and mutability", d->val[0].f64 == -2.25 && d->mutable_ && d->type == VT_F64);
    struct rt_global *e = get_export(inst, "e").u.global;
    CHECK("v128.const in two slots", e->val[0].i64 == 0x0000000200000001ull && e->val[1].i64 == 0x0000000400000003ull);
    CHECK("global.get of an import", get_export(inst, "f").u.global->val[0].i32 == 666);
    CHECK("ref.null", get_export(inst, "g").u.global->val[0].ref == NULL);
    CHECK("ref.func of a defined function", get_export(inst, "h").u.global->val[0].ref == inst->funcs[1]);
    struct rt_extern hf[2] = {{0}};
    rt_resolve_imports(s, inst->module, hf, NULL);
    CHECK("ref.func of an imported function is the host function",
          get_export(inst, "i").u.global->val[0].ref == inst->funcs[0] && inst->funcs[0] == hf[1].u.func);
    CHECK("externref null", get_export(inst, "j").u.global->val[0].ref == NULL &&
                                get_export(inst, "j").u.global->type == VT_EXTERNREF);
    rt_store_free(s);
}

static void test_exports_and_funcs(void)
{
    struct rt_store *s = rt_store_new();
    wisp_error err;
    struct rt_instance *inst = inst_new(s,
        "(module $mod (func $first (export \"one\") (param i32 v128 f64) (result v128 i64)"
        "   (v128.const i64x2 0 0) (i64.const 0))"
        " (func (export \"two\"))"
        " (table (export \"tab\") 3 funcref) (memory (export \"mem\") 1)"
        " (global (export \"glob\") i32 (i32.const 7)) (export \"one again\" (func 0)))", &err);
    CHECK("exports module instantiates", inst != NULL);
    if (!inst) {
        rt_store_free(s);
        return;
    }
    CHECK("instance name from the name section", inst->name && strcmp(inst->name, "mod") == 0);
    struct rt_extern e = get_export(inst, "one");
    CHECK("func export", e.kind == EXT_FUNC && e.u.func == inst->funcs[0]);
    CHECK("func fields", e.u.func->inst == inst && e.u.func->index == 0 && e.u.func->host == NULL &&
                             e.u.func->nparam_slots == 4 && e.u.func->nresult_slots == 3 &&
                             e.u.func->type->nparams == 3 && e.u.func->type->nresults == 2);
    CHECK("two exports of one function", get_export(inst, "one again").u.func == e.u.func);
    CHECK("table export", get_export(inst, "tab").kind == EXT_TABLE && get_export(inst, "tab").u.table->size == 3 &&
                              get_export(inst, "tab").u.table->elems[2] == NULL);
    struct rt_memory *mem = get_export(inst, "mem").u.memory;
    CHECK("memory export", mem == inst->memories[0] && mem->size == 65536 && mem->max_pages == 65536);
    CHECK("memory is zeroed and writable", mem->data[65535] == 0 && (mem->data[65535] = 1));
    CHECK("global export", get_export(inst, "glob").u.global->val[0].i32 == 7);
    struct rt_extern none;
    CHECK("missing export", !rt_instance_export(inst, "on", 2, &none) && !rt_instance_export(inst, "one ", 4, &none));
    CHECK("export found by length", rt_instance_export(inst, "one again", 3, &none) && none.u.func == e.u.func);

    char buf[64];
    CHECK("describe by name", strcmp(rt_func_describe(inst->funcs[0], buf, sizeof buf), "$first") == 0);
    CHECK("describe by index", strcmp(rt_func_describe(inst->funcs[1], buf, sizeof buf), "func[1]") == 0);
    valtype_t none_types[1];
    struct functype ft = {0, 0, none_types};
    struct rt_func *h = rt_func_new_host(s, &ft, noop_host, NULL, "env.print");
    CHECK("describe host", strcmp(rt_func_describe(h, buf, sizeof buf), "env.print") == 0);
    CHECK("host func fields", h->inst == NULL && h->host == noop_host && h->type_id == inst->funcs[1]->type_id);

    /* Registering the instance makes its exports importable. */
    rt_define_instance(s, "M", 1, inst);
    struct rt_instance *user = inst_new(s,
        "(module (import \"M\" \"two\" (func)) (import \"M\" \"mem\" (memory 1))"
        " (import \"M\" \"tab\" (table 3 funcref)) (import \"M\" \"glob\" (global i32)))", &err);
    CHECK("registered exports resolve", user && user->funcs[0] == inst->funcs[1] &&
                                            user->memories[0] == mem && user->tables[0] == inst->tables[0] &&
                                            user->globals[0] == inst->globals[0]);
    CHECK("instance without a name", user && user->name == NULL);
    rt_store_free(s);
}

static void test_segments(void)
{
    struct rt_store *s = host_store();
    wisp_error err;
    struct rt_extern mem_ext, tab_ext;
    rt_resolve_imports(s, keep("(module (import \"env\" \"memory\" (memory 1)))"), &mem_ext, NULL);
    rt_resolve_imports(s, keep("(module (import \"env\" \"table\" (table 1 funcref)))"), &tab_ext, NULL);
    struct rt_memory *mem = mem_ext.u.memory;
    struct rt_table *tab = tab_ext.u.table;

    /* Active data lands, passive data is kept, active segments are dropped. */
    struct rt_instance *inst = inst_new(s,
        "(module (import \"env\" \"memory\" (memory 1)) (data (i32.const 10) \"abc\")"
        " (data \"passive\") (data (i32.const 65533) \"xyz\") (data (i32.const 65536) \"\"))", &err);
    CHECK("data instantiates", inst != NULL);
    CHECK("active data written", memcmp(mem->data + 10, "abc", 3) == 0 && memcmp(mem->data + 65533, "xyz", 3) == 0);
    CHECK("active data dropped, passive kept",
          inst && inst->datas[0].len == 0 && inst->datas[1].len == 7 &&
              memcmp(inst->datas[1].bytes, "passive", 7) == 0 && inst->datas[2].len == 0);

    /* The first segment that does not fit traps; earlier ones stay written. */
    inst = inst_new(s,
        "(module (import \"env\" \"memory\" (memory 1)) (data (i32.const 100) \"hello\")"
        " (data (i32.const 65534) \"abc\") (data (i32.const 200) \"never\"))", &err);
    CHECK("out of bounds data traps", inst == NULL && err.kind == WISP_ERR_TRAP &&
                                          strcmp(err.message, "out of bounds memory access") == 0 &&
                                          s->trap == TRAP_OOB_MEMORY);
    CHECK("data before the trap stays written", memcmp(mem->data + 100, "hello", 5) == 0);
    CHECK("data after the trap not written", mem->data[200] == 0);
    inst = inst_new(s, "(module (import \"env\" \"memory\" (memory 1)) (data (i32.const 65537) \"\"))", &err);
    CHECK("empty data past the end traps", inst == NULL && s->trap == TRAP_OOB_MEMORY);
    inst = inst_new(s, "(module (import \"env\" \"memory\" (memory 1)) (data (i32.const -1) \"a\"))", &err);
    CHECK("data offset is unsigned", inst == NULL && s->trap == TRAP_OOB_MEMORY);

    /* Elements, the same way, with an imported table of 10 entries. */
    s->trap = TRAP_NONE;
    inst = inst_new(s,
        "(module (import \"env\" \"table\" (table 10 funcref)) (func $a) (func $b)"
        " (elem (i32.const 1) $a $b) (elem funcref (ref.func $b) (ref.null func))"
        " (elem declare func $a) (elem (i32.const 8) funcref (ref.func $b) (ref.func $a))"
        " (elem (i32.const 10) func))", &err);
    CHECK("elems instantiate", inst != NULL && s->trap == TRAP_NONE);
    if (inst) {
        CHECK("active elems written", tab->elems[0] == NULL && tab->elems[1] == inst->funcs[0] &&
                                          tab->elems[2] == inst->funcs[1] && tab->elems[8] == inst->funcs[1] &&
                                          tab->elems[9] == inst->funcs[0]);
        CHECK("passive elem kept", inst->elems[1].count == 2 && inst->elems[1].items[0] == inst->funcs[1] &&
                                       inst->elems[1].items[1] == NULL);
        CHECK("active and declarative elems dropped",
              inst->elems[0].count == 0 && inst->elems[2].count == 0 && inst->elems[3].count == 0);
    }
    struct rt_instance *prev = inst;
    inst = inst_new(s,
        "(module (import \"env\" \"table\" (table 10 funcref)) (func $c)"
        " (elem (i32.const 3) $c) (elem (i32.const 9) $c $c) (elem (i32.const 4) $c))", &err);
    CHECK("out of bounds elem traps", inst == NULL && err.kind == WISP_ERR_TRAP &&
                                          strcmp(err.message, "out of bounds table access") == 0 &&
                                          s->trap == TRAP_OOB_TABLE);
    CHECK("elem before the trap stays written", tab->elems[3] != NULL && tab->elems[3] != (void *)prev->funcs[0] &&
                                                    ((struct rt_func *)tab->elems[3])->index == 0);
    CHECK("elem after the trap not written", tab->elems[4] == NULL && tab->elems[9] == prev->funcs[0]);
    /* The failed instance's function stays alive in the table: the store
     * still owns it (ASan checks that it is freed exactly once). */
    CHECK("failed instance's function usable", ((struct rt_func *)tab->elems[3])->inst->module != NULL);

    inst = inst_new(s,
        "(module (import \"env\" \"table\" (table 10 funcref)) (import \"env\" \"memory\" (memory 1))"
        " (elem (i32.const 11)) (data (i32.const 300) \"x\"))", &err);
    CHECK("an elem trap comes before any data", inst == NULL && s->trap == TRAP_OOB_TABLE && mem->data[300] == 0);

    /* externref elements from an imported global. */
    s->trap = TRAP_NONE;
    inst = inst_new(s, "(module (table 2 externref) (elem (i32.const 0) externref (ref.null extern)))", &err);
    CHECK("externref elems", inst && inst->tables[0]->type == VT_EXTERNREF && inst->tables[0]->elems[0] == NULL);
    rt_store_free(s);
}

static void test_grow(void)
{
    struct rt_store *s = rt_store_new();
    wisp_error err;
    struct memtype mt = {{1, 3, true}};
    struct rt_memory *m = rt_memory_new(s, &mt, &err);
    CHECK("memory new", m && m->size == 65536 && m->max_pages == 3 && m->reserved >= 3 * 65536u);
    uint8_t *data = m->data;
    CHECK("grow 1", rt_memory_grow(m, 1) == 1 && m->size == 2 * 65536u);
    CHECK("grow 0", rt_memory_grow(m, 0) == 2);
    CHECK("grow past max", rt_memory_grow(m, 2) == -1 && m->size == 2 * 65536u);
    CHECK("grow to max", rt_memory_grow(m, 1) == 2 && m->size == 3 * 65536u);
    CHECK("data does not move", m->data == data);
    m->data[3 * 65536 - 1] = 42;
    CHECK("grown memory writable", m->data[3 * 65536 - 1] == 42 && m->data[2 * 65536] == 0);
    CHECK("grow huge", rt_memory_grow(m, UINT64_MAX) == -1);

    struct memtype minf = {{0, 0, false}};
    m = rt_memory_new(s, &minf, &err);
    CHECK("memory without max", m && m->size == 0 && m->max_pages == 65536);
    CHECK("grow past 4 GiB", rt_memory_grow(m, 65537) == -1);
    CHECK("grow unlimited memory", rt_memory_grow(m, 10) == 0 && rt_memory_grow(m, 0) == 10);
    m->data[10 * 65536 - 1] = 1;

    struct memtype mzero = {{0, 0, true}};
    m = rt_memory_new(s, &mzero, &err);
    CHECK("memory of max 0", m && m->size == 0 && rt_memory_grow(m, 0) == 0 && rt_memory_grow(m, 1) == -1);

    struct memtype mbad = {{3, 2, true}};
    CHECK("memory min over max refused", rt_memory_new(s, &mbad, &err) == NULL);

    int token;
    struct tabletype tt = {VT_EXTERNREF, {2, 4, true}};
    struct rt_table *t = rt_table_new(s, &tt, &token, NULL);
    CHECK("table new", t && t->size == 2 && t->max == 4 && t->elems[1] == &token);
    CHECK("table grow", rt_table_grow(t, 2, NULL) == 2 && t->size == 4 && t->elems[3] == NULL && t->elems[1] == &token);
    CHECK("table grow past max", rt_table_grow(t, 1, NULL) == -1 && t->size == 4);
    CHECK("table grow 0 at max", rt_table_grow(t, 0, NULL) == 4);
    struct tabletype tinf = {VT_FUNCREF, {0, 0, false}};
    t = rt_table_new(s, &tinf, NULL, NULL);
    CHECK("table without max", t && t->size == 0 && t->max == UINT32_MAX);
    CHECK("table grow absurd", rt_table_grow(t, 20000000, NULL) == -1 && t->size == 0);
    CHECK("table grow huge", rt_table_grow(t, UINT64_MAX, NULL) == -1 && t->size == 0);
    CHECK("table grow from 0", rt_table_grow(t, 5, &token) == 0 && t->size == 5 && t->elems[4] == &token);

    /* Instantiated memories the same way. */
    struct rt_instance *inst = inst_new(s, "(module (memory 0 0) (table 0 funcref))", &err);
    CHECK("empty memory and table instantiate", inst && inst->memories[0]->size == 0 && inst->tables[0]->size == 0);
    rt_store_free(s);
}

static bool same_type_id(struct rt_instance *a, struct rt_instance *b) { return a->funcs[0]->type_id == b->funcs[0]->type_id; }

static void test_interning(void)
{
    struct rt_store *s = rt_store_new();
    wisp_error err;
    struct rt_instance *a = inst_new(s, "(module (type (func)) (func (param i32 f64) (result i64) (i64.const 0)))", &err);
    struct rt_instance *b = inst_new(s, "(module (func (param i32 f64) (result i64) (i64.const 0)))", &err);
    struct rt_instance *c = inst_new(s, "(module (func (param i32 f64) (result i32) (i32.const 0)))", &err);
    struct rt_instance *d = inst_new(s, "(module (func (param i32) (result f64 i64) (f64.const 0) (i64.const 0)))", &err);
    CHECK("instances for interning", a && b && c && d);
    if (!(a && b && c && d)) {
        rt_store_free(s);
        return;
    }
    CHECK("same type, same id", same_type_id(a, b) && a->funcs[0]->type == b->funcs[0]->type);
    CHECK("different results, different id", !same_type_id(a, c));
    CHECK("same types split differently, different id", !same_type_id(a, d));
    CHECK("type_ids per module type", a->type_ids[1] == a->funcs[0]->type_id && a->type_ids[0] != a->type_ids[1]);
    const struct functype *before = a->funcs[0]->type;
    /* Enough new types to move the store's arrays. */
    valtype_t types[12];
    for (int i = 0; i < 12; i++)
        types[i] = VT_I32;
    uint32_t first = 0, again = 0;
    for (uint32_t n = 0; n < 3000; n++) {
        types[0] = (valtype_t[]){VT_I32, VT_I64, VT_F32, VT_F64, VT_V128, VT_FUNCREF}[n % 6];
        struct functype ft = {n / 6 % 10, 2, types};
        uint32_t id = rt_store_intern_type(s, &ft);
        if (n == 0)
            first = id;
        if (n == 60)
            again = id;
    }
    CHECK("interning repeats give the same id", first == again);
    CHECK("type pointers stay valid", a->funcs[0]->type == before && before->nparams == 2 &&
                                          before->types[2] == VT_I64);
    struct rt_instance *e = inst_new(s, "(module (func (param i32 f64) (result i64) (i64.const 0)))", &err);
    CHECK("same id after growth", e && same_type_id(a, e) && e->funcs[0]->type == before);
    rt_store_free(s);
}

/* The start function runs last, after the segments, and its trap fails the
 * instantiation. (Needs the interpreter.) */
static void test_start(void)
{
    struct rt_store *s = host_store();
    wisp_error err;
    struct rt_extern mem_ext;
    rt_resolve_imports(s, keep("(module (import \"env\" \"memory\" (memory 1)))"), &mem_ext, NULL);
    uint8_t *data = mem_ext.u.memory->data;
    struct rt_instance *inst = inst_new(s,
        "(module (import \"env\" \"memory\" (memory 1)) (data (i32.const 500) \"\\05\")"
        " (func $start (i32.store8 (i32.const 501) (i32.add (i32.load8_u (i32.const 500)) (i32.const 1))))"
        " (start $start))", &err);
    CHECK("start runs after data", inst && data[501] == 6);
    inst = inst_new(s,
        "(module (import \"env\" \"memory\" (memory 1)) (data (i32.const 502) \"\\07\")"
        " (func $start unreachable) (start $start))", &err);
    CHECK("start trap fails instantiation", !inst && err.kind == WISP_ERR_TRAP &&
                                                starts_with(err.message, "unreachable") && data[502] == 7);
    rt_store_free(s);
}

static void test_misc(void)
{
    valtype_t types[] = {VT_I32, VT_V128, VT_F64, VT_FUNCREF, VT_V128};
    CHECK("slot count", rt_slot_count(types, 5) == 7 && rt_slot_count(types, 0) == 0);
    CHECK("trap messages", strcmp(rt_trap_message(TRAP_UNREACHABLE), "unreachable") == 0 &&
                               strcmp(rt_trap_message(TRAP_DIV_ZERO), "integer divide by zero") == 0 &&
                               strcmp(rt_trap_message(TRAP_INT_OVERFLOW), "integer overflow") == 0 &&
                               strcmp(rt_trap_message(TRAP_INVALID_CONV), "invalid conversion to integer") == 0 &&
                               strcmp(rt_trap_message(TRAP_OOB_MEMORY), "out of bounds memory access") == 0 &&
                               strcmp(rt_trap_message(TRAP_OOB_TABLE), "out of bounds table access") == 0 &&
                               strcmp(rt_trap_message(TRAP_INDIRECT_MISMATCH), "indirect call type mismatch") == 0 &&
                               strcmp(rt_trap_message(TRAP_UNINIT_ELEM), "uninitialized element") == 0 &&
                               strcmp(rt_trap_message(TRAP_UNDEFINED_ELEM), "undefined element") == 0 &&
                               strcmp(rt_trap_message(TRAP_STACK_EXHAUSTED), "call stack exhausted") == 0 &&
                               strcmp(rt_trap_message(TRAP_HOST), "host trap") == 0 &&
                               strcmp(rt_trap_message(TRAP_EXIT), "exit") == 0 &&
                               strcmp(rt_trap_message(TRAP_OOM), "out of memory") == 0);
    struct rt_store *s = rt_store_new();
    CHECK("store defaults", s->max_call_depth == RT_DEFAULT_CALL_DEPTH &&
                                s->max_stack_slots == RT_DEFAULT_STACK_SLOTS && s->trap == TRAP_NONE);
    struct rt_caller caller = {s, NULL};
    CHECK("host trap", !rt_host_trap(&caller, "bad thing") && s->trap == TRAP_HOST &&
                           strcmp(s->trap_message, "bad thing") == 0);
    CHECK("host exit", !rt_host_exit(&caller, 3) && s->trap == TRAP_EXIT && s->exit_code == 3);
    rt_store_free(s);
    rt_store_free(NULL);
}

int main(void)
{
    test_imports();
    test_globals();
    test_exports_and_funcs();
    test_segments();
    test_grow();
    test_interning();
    test_start();
    test_misc();
    for (int i = 0; i < nmodules; i++) {
        module_free(modules[i]);
        free(modules[i]);
    }
    return check_failures ? 1 : 0;
}
