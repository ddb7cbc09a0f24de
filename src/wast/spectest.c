/* The "spectest" module the spec test suite imports from: printing functions
 * that only talk in verbose mode, a funcref table (10..20), a memory (1..2
 * pages) and immutable globals holding 666 in each number type. */
#include <inttypes.h>

#include "wast/spectest.h"

struct print_fn {
    const char *name; /* "spectest.print_i32": the host name in backtraces */
    uint8_t nparams;
    valtype_t params[2];
    rt_host_fn fn;
};

static void print_value(FILE *f, valtype_t t, union slot v)
{
    switch (t) {
    case VT_I32: fprintf(f, "%" PRId32 " : i32", (int32_t)v.i32); break;
    case VT_I64: fprintf(f, "%" PRId64 " : i64", (int64_t)v.i64); break;
    case VT_F32: fprintf(f, "%.9g : f32", (double)v.f32); break;
    case VT_F64: fprintf(f, "%.17g : f64", v.f64); break;
    default: fprintf(f, "? : %s", valtype_name(t)); break;
    }
}

static void print_call(const struct print_fn *p, const struct spectest_out *out, const union slot *args)
{
    if (!out || !out->verbose || !out->log)
        return;
    fprintf(out->log, "%s(", p->name);
    for (uint8_t i = 0; i < p->nparams; i++) {
        if (i)
            fputs(", ", out->log);
        print_value(out->log, p->params[i], args[i]);
    }
    fputs(")\n", out->log);
}

/* A host function has a single env, and the spectest_out is what it needs
 * at run time, so each print function is its own C function that knows its
 * own descriptor. */
static const struct print_fn print_fns[7];
#define PRINT_HOST(idx, cname)                                                       \
    static bool cname(struct rt_caller *caller, void *env, union slot *args)         \
    {                                                                                \
        (void)caller;                                                                \
        print_call(&print_fns[idx], env, args);                                      \
        return true;                                                                 \
    }
PRINT_HOST(0, host_print)
PRINT_HOST(1, host_print_i32)
PRINT_HOST(2, host_print_i64)
PRINT_HOST(3, host_print_f32)
PRINT_HOST(4, host_print_f64)
PRINT_HOST(5, host_print_i32_f32)
PRINT_HOST(6, host_print_f64_f64)

static const struct print_fn print_fns[7] = {
    {"spectest.print", 0, {0, 0}, host_print},
    {"spectest.print_i32", 1, {VT_I32, 0}, host_print_i32},
    {"spectest.print_i64", 1, {VT_I64, 0}, host_print_i64},
    {"spectest.print_f32", 1, {VT_F32, 0}, host_print_f32},
    {"spectest.print_f64", 1, {VT_F64, 0}, host_print_f64},
    {"spectest.print_i32_f32", 2, {VT_I32, VT_F32}, host_print_i32_f32},
    {"spectest.print_f64_f64", 2, {VT_F64, VT_F64}, host_print_f64_f64},
};

static void define(struct rt_store *s, const char *name, const struct rt_extern *ext)
{
    rt_define(s, "spectest", 8, name, (uint32_t)strlen(name), ext);
}

static void define_global(struct rt_store *s, const char *name, valtype_t type, union slot v)
{
    struct globaltype gt = {.type = type, .mutable_ = false};
    union slot init[2] = {v, {0}};
    struct rt_extern ext = {.kind = EXT_GLOBAL, .u.global = rt_global_new(s, &gt, init)};
    define(s, name, &ext);
}

bool spectest_define(struct rt_store *s, struct spectest_out *out, struct wisp_error *err)
{
    for (size_t i = 0; i < ARRAY_LEN(print_fns); i++) {
        const struct print_fn *p = &print_fns[i];
        valtype_t types[2] = {p->params[0], p->params[1]};
        struct functype ft = {.nparams = p->nparams, .nresults = 0, .types = types};
        struct rt_extern ext = {.kind = EXT_FUNC, .u.func = rt_func_new_host(s, &ft, p->fn, out, p->name)};
        define(s, p->name + strlen("spectest."), &ext);
    }

    /* The suite imports these with the exact limits (imports.wast checks
     * both the accepted and the refused subtypings). */
    struct tabletype tt = {.elem = VT_FUNCREF, .limits = {.min = 10, .max = 20, .has_max = true}};
    struct rt_extern table = {.kind = EXT_TABLE, .u.table = rt_table_new(s, &tt, NULL, NULL)};
    define(s, "table", &table);
    /* 3.0's (memory64) twin, addressed by i64. */
    struct tabletype tt64 = {.elem = VT_FUNCREF, .limits = {.min = 10, .max = 20, .has_max = true, .is64 = true}};
    struct rt_extern table64 = {.kind = EXT_TABLE, .u.table = rt_table_new(s, &tt64, NULL, NULL)};
    define(s, "table64", &table64);

    struct memtype mt = {.limits = {.min = 1, .max = 2, .has_max = true}};
    struct rt_extern mem = {.kind = EXT_MEMORY, .u.memory = rt_memory_new(s, &mt, err)};
    if (!mem.u.memory)
        return false;
    define(s, "memory", &mem);

    define_global(s, "global_i32", VT_I32, (union slot){.i64 = 666});
    define_global(s, "global_i64", VT_I64, (union slot){.i64 = 666});
    union slot f32 = {.i64 = 0};
    f32.f32 = 666.6f;
    define_global(s, "global_f32", VT_F32, f32);
    define_global(s, "global_f64", VT_F64, (union slot){.f64 = 666.6});
    return true;
}
