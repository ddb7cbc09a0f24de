/* libFuzzer target: differential testing of the two tiers. The bytes drive
 * wasm_gen.c, which builds a valid module; the module is instantiated in two
 * stores, one running the interpreter (RT_TIER_INTERP) and one compiling
 * everything to native code (RT_TIER_COMPILED, no code cache), under the
 * same fuel and limits as the other execution targets (exec_harness.h). Every
 * exported function is called in both with the same arguments, and after
 * instantiation and after each call the two must agree on: success or trap,
 * the trap reason, every result, the fuel left, every byte of every memory,
 * every global and every table entry (funcrefs by function index). Any
 * difference prints both sides, writes the module to fuzz_tiers_diff.wasm
 * and traps.
 *
 * The sign and payload of a NaN are left open by the spec, and the tiers
 * do differ there (LLVM folds 0/0 to +NaN where x86 computes -NaN), so the
 * generator runs with wasm_gen_canonical_nans: wherever a program could
 * turn NaN bits into other values (copysign's sign, reinterpret, float
 * stores) it canonicalizes the NaN first.
 *
 * What is not a difference:
 * - NaN bits: arithmetic NaNs may legitimately differ, so a NaN compares
 *   equal to any NaN (results, globals, and memory bytes that lie inside a
 *   window holding a NaN on both sides); each such case is printed as a
 *   "NaN-bits" note instead.
 * - Stack exhaustion: the interpreter counts call depth and slots of its own
 *   value stack, native code bytes of the C stack, so the two run out at
 *   different depths. Once either side reports "call stack exhausted" the
 *   rest of the module is not compared.
 * - A resource limit (WISP_ERR_LIMIT) that only the compiled tier hits.
 *
 * The compiled tier is the plugin libwisp-llvm.so: $WISP_LLVM_PLUGIN, else
 * ../libwisp-llvm.so from this executable (build/fuzz/fuzz_tiers and
 * $BUILD/tests/replay_tiers both find $BUILD/libwisp-llvm.so so). Without it
 * the target prints SKIP and exits. FUZZ_TIERS_MEMORIES=N builds modules
 * with up to N memories (multi-memory; the inputs then mean other modules
 * than the seeds were made for), and FUZZ_TIERS_TAIL_CALLS=1 with tail
 * calls (likewise), and FUZZ_TIERS_MEMORY64=1 with i64 memories (likewise).
 * FUZZ_TIERS_VERBOSE=1 prints every
 * outcome; FUZZ_TIERS_RAW=1 takes each input as a .wasm module instead
 * (to check a reduced module: replay_tiers x.wasm). An input that starts
 * with the module header "\0asm\1\0\0\0" is always taken as a module
 * (so a seed can keep a module made by an earlier version of the
 * generator), and one that does not validate is skipped, not reported.
 * The arguments of the calls come from a hash of the input; a module may
 * fix them with a custom section "fuzz_tiers.seed" holding the 8-byte
 * hash (little-endian) of the generator input it was made from, so that it
 * runs with the same arguments as that input did.
 *
 * The compiled tier runs with guard regions (signals-based traps: an access
 * out of bounds faults) for three inputs in four and with explicit bounds
 * checks for the fourth (chosen by a hash of the input; FUZZ_TIERS_CHECKS=1
 * or 0 forces one), since the two keep stores before a trap in different
 * ways.
 *
 * Wasm 3.0 in the mix: one generator input in four builds a module with
 * exception handling (wasm_gen_exceptions) and, independently, one in four
 * with typed function references (wasm_gen_func_refs), chosen by the hash
 * of the input; FUZZ_TIERS_EXCEPTIONS=1 or 0 and FUZZ_TIERS_FUNC_REFS=1 or 0
 * force them on or off. One module in eight is compared against the auto
 * tier instead (every function moved to native code at its first call and
 * every loop at its first iteration, WISP_TIER_UP_THRESHOLD=1 and
 * WISP_TIER_UP_SYNC=1 unless set otherwise, so that exceptions cross
 * interpreted and native frames). FUZZ_TIERS_TIER=compiled or auto forces
 * the other side's tier for every module. An uncaught exception is an
 * outcome like a trap: both sides must end with one, of the same tag
 * (index) and payload (compared as results are, exnrefs by their tag and
 * payload in turn). Exported functions whose params are non-null typed
 * references get a function of the instance of that type (each side its
 * own), nullable ones one half the time. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wisp.h"
#include "api/api.h"
#include "runtime/tier.h"
#include "exec_harness.h"
#include "wasm_gen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { OBJ_INSTANCE = 4 }; /* rt_store.objects kind of an instance (store.c) */
enum { INTERP, COMPILED };
static const char *const side_name[2] = {"interp", "compiled"};

/* The interpreter, the compiled tier with guard regions, and the compiled
 * tier with explicit bounds checks; then the auto tier with guard regions
 * and with explicit checks. */
enum { ENGINE_CHECKS = 2, ENGINE_AUTO = 3, ENGINE_AUTO_CHECKS = 4, NENGINES = 5 };
static wisp_engine *engines[NENGINES];
static bool verbose;
static bool raw_modules; /* FUZZ_TIERS_RAW=1: inputs are .wasm modules, not generator input */
static int force_checks = -1; /* FUZZ_TIERS_CHECKS=1 or 0: always or never explicit bounds checks */
static int force_exceptions = -1, force_func_refs = -1; /* FUZZ_TIERS_EXCEPTIONS, FUZZ_TIERS_FUNC_REFS */
static int force_auto = -1; /* FUZZ_TIERS_TIER=auto (1) or compiled (0) */
static unsigned long nan_notes;
/* Statistics, printed at powers of two: modules, those that instantiated in
 * both, calls compared, modules cut short by stack exhaustion. */
static unsigned long n_modules, n_instantiated, n_calls, n_stopped;

struct side {
    wisp_module *mod;
    wisp_store *store;
    struct rt_instance *inst; /* from the store's objects, even when instantiation failed */
    bool ok;
    wisp_error err;
};

/* The state of one module's comparison. */
struct run {
    const uint8_t *wasm;
    size_t len;
    bool raw;            /* the input was a module: an invalid one is skipped */
    bool checks;         /* the compiled side uses explicit bounds checks */
    bool autotier;       /* the compiled side is the auto tier moving at once */
    uint64_t seed;       /* the hash of the input */
    struct side s[2];
    bool differs;
    char where[160];
};

static void init(void)
{
    static bool done;
    if (done)
        return;
    done = true;
    verbose = getenv("FUZZ_TIERS_VERBOSE") != NULL;
    raw_modules = getenv("FUZZ_TIERS_RAW") != NULL;
    if (getenv("FUZZ_TIERS_CHECKS"))
        force_checks = atoi(getenv("FUZZ_TIERS_CHECKS")) != 0;
    if (getenv("FUZZ_TIERS_EXCEPTIONS"))
        force_exceptions = atoi(getenv("FUZZ_TIERS_EXCEPTIONS")) != 0;
    if (getenv("FUZZ_TIERS_FUNC_REFS"))
        force_func_refs = atoi(getenv("FUZZ_TIERS_FUNC_REFS")) != 0;
    if (getenv("FUZZ_TIERS_TIER"))
        force_auto = strcmp(getenv("FUZZ_TIERS_TIER"), "auto") == 0;
    /* The auto tier moves every function and loop at once, on this thread
     * (read once, when the first store asks). */
    setenv("WISP_TIER_UP_THRESHOLD", "1", 0);
    setenv("WISP_TIER_UP_SYNC", "1", 0);
    wasm_gen_canonical_nans = true;
    if (getenv("FUZZ_TIERS_MEMORIES"))
        wasm_gen_memories = (uint32_t)atoi(getenv("FUZZ_TIERS_MEMORIES"));
    wasm_gen_tail_calls = getenv("FUZZ_TIERS_TAIL_CALLS") != NULL;
    wasm_gen_memory64 = getenv("FUZZ_TIERS_MEMORY64") != NULL;
    if (!getenv("WISP_LLVM_PLUGIN")) {
        char path[4096];
        ssize_t n = readlink("/proc/self/exe", path, sizeof path - 32);
        if (n > 0) {
            path[n] = '\0';
            char *slash = strrchr(path, '/');
            if (slash) {
                strcpy(slash, "/../libwisp-llvm.so");
                if (access(path, R_OK) == 0)
                    setenv("WISP_LLVM_PLUGIN", path, 1);
            }
        }
    }
    for (int i = 0; i < NENGINES; i++) {
        wisp_config *c = wisp_config_new();
        wisp_config_consume_fuel(c, true);
        wisp_config_tier(c, i == INTERP ? WISP_TIER_INTERP : i >= ENGINE_AUTO ? WISP_TIER_AUTO : WISP_TIER_COMPILED);
        wisp_config_cache(c, false);
        if (i == ENGINE_CHECKS || i == ENGINE_AUTO_CHECKS)
            wisp_config_signals_based_traps(c, false);
        engines[i] = wisp_engine_new_with_config(c);
    }
    const char *desc = "";
    if (!wisp_compiled_tier(&desc)) {
        printf("SKIP fuzz_tiers: the compiled tier is unavailable: %s\n", desc);
        fflush(stdout);
        _exit(0);
    }
    if (verbose)
        fprintf(stderr, "fuzz_tiers: compiled tier: %s\n", desc);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    init();
    return 0;
}

/* ---- reporting ---- */

static void diff(struct run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void diff(struct run *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "fuzz_tiers: DIFF (%s tier with %s) at %s: ", r->autotier ? "auto" : "compiled",
            r->checks ? "explicit bounds checks" : "guard regions", r->where);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    r->differs = true;
}

static void note_nan(struct run *r, const char *what, uint64_t a, uint64_t b)
{
    nan_notes++;
    if (verbose || nan_notes <= 10 || nan_notes % 1000 == 0)
        fprintf(stderr, "fuzz_tiers: NaN-bits note #%lu at %s: %s interp 0x%llx compiled 0x%llx\n", nan_notes,
                r->where, what, (unsigned long long)a, (unsigned long long)b);
}

static void finish(struct run *r)
{
    if (!r->differs)
        return;
    FILE *f = fopen("fuzz_tiers_diff.wasm", "wb");
    if (f) {
        fwrite(r->wasm, 1, r->len, f);
        fclose(f);
        fprintf(stderr, "fuzz_tiers: the module is in fuzz_tiers_diff.wasm\n");
    }
    __builtin_trap();
}

/* ---- values ---- */

static bool nan32(uint32_t u) { return (u & 0x7fffffffu) > 0x7f800000u; }
static bool nan64(uint64_t u) { return (u & ~(1ull << 63)) > 0x7ff0000000000000ull; }

/* A reference's function index in inst (imports first), -1 for null, -2
 * when it is no function of inst. */
static int64_t func_index(const struct rt_instance *inst, const void *ref)
{
    if (!ref)
        return -1;
    for (uint32_t i = 0; i < inst->module->nfuncs; i++)
        if (inst->funcs[i] == ref)
            return i;
    return -2;
}

static void compare_value(struct run *r, valtype_t t, const union slot *a, const union slot *b, const char *what);

/* Tag idx of the side's instance, -1 for a tag of another instance. */
static int64_t tag_index(const struct rt_instance *inst, const struct rt_tag *tag)
{
    return tag->inst == inst ? (int64_t)tag->index : -1;
}

/* Compare two exceptions (exnrefs, or what two calls ended with): both
 * null or neither, the same tag, the same payload. */
static void compare_exn(struct run *r, const struct rt_exception *a, const struct rt_exception *b, const char *what,
                        int depth)
{
    if (!a || !b) {
        if (a != b)
            diff(r, "%s (exnref): interp %s, compiled %s", what, a ? "an exception" : "null",
                 b ? "an exception" : "null");
        return;
    }
    int64_t ta = tag_index(r->s[INTERP].inst, a->tag), tb = tag_index(r->s[COMPILED].inst, b->tag);
    if (ta != tb || ta < 0) {
        diff(r, "%s: interp tag %lld, compiled tag %lld", what, (long long)ta, (long long)tb);
        return;
    }
    if (depth > 4)
        return;
    const struct functype *t = a->tag->type;
    uint32_t pos = 0;
    for (uint32_t i = 0; i < t->nparams && !r->differs; i++) {
        valtype_t pt = functype_params(t)[i];
        char w[96];
        snprintf(w, sizeof w, "%s payload %u", what, i);
        if (valtype_is_ref(pt) && vt_top(pt) == HT_EXN)
            compare_exn(r, a->payload[pos].ref, b->payload[pos].ref, w, depth + 1);
        else
            compare_value(r, pt, a->payload + pos, b->payload + pos, w);
        pos += rt_slot_count(&pt, 1);
    }
}

/* Compare one value of type t held in slots a (interp) and b (compiled). */
static void compare_value(struct run *r, valtype_t t, const union slot *a, const union slot *b, const char *what)
{
    if (valtype_is_ref(t)) /* typed references and the other hierarchies by their top type */
        t = vt_top(t) == HT_FUNC ? VT_FUNCREF : vt_top(t) == HT_EXN ? VT_EXNREF : vt_top(t) == HT_EXTERN ? VT_EXTERNREF : t;
    switch (t) {
    case VT_I32:
        if (a[0].i32 != b[0].i32)
            diff(r, "%s (i32): interp %d (0x%x), compiled %d (0x%x)", what, (int32_t)a[0].i32, a[0].i32,
                 (int32_t)b[0].i32, b[0].i32);
        break;
    case VT_I64:
        if (a[0].i64 != b[0].i64)
            diff(r, "%s (i64): interp %lld (0x%llx), compiled %lld (0x%llx)", what, (long long)a[0].i64,
                 (unsigned long long)a[0].i64, (long long)b[0].i64, (unsigned long long)b[0].i64);
        break;
    case VT_F32:
        if (a[0].i32 == b[0].i32)
            break;
        if (nan32(a[0].i32) && nan32(b[0].i32) && ((a[0].i32 ^ b[0].i32) & 0x00400000u) == 0)
            note_nan(r, what, a[0].i32, b[0].i32);
        else
            diff(r, "%s (f32): interp %a (0x%08x), compiled %a (0x%08x)", what, (double)a[0].f32, a[0].i32,
                 (double)b[0].f32, b[0].i32);
        break;
    case VT_F64:
        if (a[0].i64 == b[0].i64)
            break;
        if (nan64(a[0].i64) && nan64(b[0].i64) && ((a[0].i64 ^ b[0].i64) & 0x0008000000000000ull) == 0)
            note_nan(r, what, a[0].i64, b[0].i64);
        else
            diff(r, "%s (f64): interp %a (0x%016llx), compiled %a (0x%016llx)", what, a[0].f64,
                 (unsigned long long)a[0].i64, b[0].f64, (unsigned long long)b[0].i64);
        break;
    case VT_V128:
        if (memcmp(a, b, 16) != 0)
            diff(r, "%s (v128): interp %016llx%016llx, compiled %016llx%016llx", what,
                 (unsigned long long)a[1].i64, (unsigned long long)a[0].i64, (unsigned long long)b[1].i64,
                 (unsigned long long)b[0].i64);
        break;
    case VT_FUNCREF: {
        int64_t x = func_index(r->s[INTERP].inst, a[0].ref), y = func_index(r->s[COMPILED].inst, b[0].ref);
        if (x != y || x == -2)
            diff(r, "%s (funcref): interp func %lld (%p), compiled func %lld (%p)", what, (long long)x, a[0].ref,
                 (long long)y, b[0].ref);
        break;
    }
    case VT_EXTERNREF:
        if (a[0].ref != b[0].ref)
            diff(r, "%s (externref): interp %p, compiled %p", what, a[0].ref, b[0].ref);
        break;
    case VT_EXNREF:
        compare_exn(r, a[0].ref, b[0].ref, what, 0);
        break;
    default:
        diff(r, "%s: unknown type 0x%x", what, t);
    }
}

/* ---- state ---- */

/* Whether byte i lies in a 4- or 8-byte window that holds a NaN on both
 * sides (a NaN stored to memory). */
static bool in_nan_window(const uint8_t *a, const uint8_t *b, uint64_t size, uint64_t i)
{
    for (uint64_t w = 4; w <= 8; w += 4)
        for (uint64_t j = i >= w - 1 ? i - (w - 1) : 0; j <= i && j + w <= size; j++) {
            if (w == 4) {
                uint32_t x, y;
                memcpy(&x, a + j, 4);
                memcpy(&y, b + j, 4);
                if (nan32(x) && nan32(y))
                    return true;
            } else {
                uint64_t x, y;
                memcpy(&x, a + j, 8);
                memcpy(&y, b + j, 8);
                if (nan64(x) && nan64(y))
                    return true;
            }
        }
    return false;
}

static void compare_memory(struct run *r, uint32_t idx, const struct rt_memory *ma, const struct rt_memory *mb)
{
    if (ma->size != mb->size) {
        diff(r, "memory %u size: interp %llu pages, compiled %llu pages", idx,
             (unsigned long long)(ma->size / 65536), (unsigned long long)(mb->size / 65536));
        return;
    }
    if (ma->size == 0 || memcmp(ma->data, mb->data, ma->size) == 0)
        return;
    uint64_t ndiff = 0, nnan = 0, first = UINT64_MAX;
    for (uint64_t i = 0; i < ma->size; i++) {
        if (ma->data[i] == mb->data[i])
            continue;
        if (in_nan_window(ma->data, mb->data, ma->size, i)) {
            nnan++;
            continue;
        }
        if (ndiff++ == 0)
            first = i;
    }
    char what[64];
    snprintf(what, sizeof what, "memory %u bytes", idx);
    if (!ndiff) {
        note_nan(r, what, nnan, nnan);
        return;
    }
    diff(r, "memory %u: %llu bytes differ (and %llu more inside NaNs), the first at 0x%llx:", idx,
         (unsigned long long)ndiff, (unsigned long long)nnan, (unsigned long long)first);
    uint64_t from = first & ~(uint64_t)15, to = from + 32 < ma->size ? from + 32 : ma->size;
    for (int k = 0; k < 2; k++) {
        const struct rt_memory *m = k ? mb : ma;
        fprintf(stderr, "  %-8s 0x%06llx:", side_name[k], (unsigned long long)from);
        for (uint64_t i = from; i < to; i++)
            fprintf(stderr, " %02x", m->data[i]);
        fputc('\n', stderr);
    }
}

static void compare_state(struct run *r)
{
    const struct rt_instance *a = r->s[INTERP].inst, *b = r->s[COMPILED].inst;
    const struct module *m = a->module;
    int64_t fa = r->s[INTERP].store->rt->fuel, fb = r->s[COMPILED].store->rt->fuel;
    if (fa != fb)
        diff(r, "fuel left: interp %lld, compiled %lld (consumed %lld vs %lld)", (long long)fa, (long long)fb,
             (long long)(HARNESS_FUEL - fa), (long long)(HARNESS_FUEL - fb));
    for (uint32_t i = 0; i < m->nmemories; i++)
        compare_memory(r, i, a->memories[i], b->memories[i]);
    char what[64];
    for (uint32_t i = 0; i < m->nglobals; i++) {
        snprintf(what, sizeof what, "global %u", i);
        compare_value(r, a->globals[i]->type, a->globals[i]->val, b->globals[i]->val, what);
    }
    for (uint32_t i = 0; i < m->ntables; i++) {
        const struct rt_table *ta = a->tables[i], *tb = b->tables[i];
        if (ta->size != tb->size) {
            diff(r, "table %u size: interp %u, compiled %u", i, ta->size, tb->size);
            continue;
        }
        for (uint32_t j = 0; j < ta->size && !r->differs; j++) {
            snprintf(what, sizeof what, "table %u[%u]", i, j);
            compare_value(r, ta->type, (const union slot *)&ta->elems[j], (const union slot *)&tb->elems[j], what);
        }
    }
}

/* ---- outcomes ---- */

static void describe(const struct side *s, char *buf, size_t size)
{
    if (s->ok) {
        snprintf(buf, size, "ok");
        return;
    }
    char msg[400];
    wisp_error_format(&s->err, msg, sizeof msg);
    snprintf(buf, size, "%s (trap %d): %s", wisp_error_kind_name(s->err.kind), (int)s->store->rt->trap, msg);
}

enum verdict { SAME, STOP, DIFFERENT };

/* Compare the two outcomes of one step. STOP when the rest of the module
 * cannot be compared (stack exhaustion on either side). */
static enum verdict compare_outcome(struct run *r)
{
    const struct side *a = &r->s[INTERP], *b = &r->s[COMPILED];
    char da[512], db[512];
    describe(a, da, sizeof da);
    describe(b, db, sizeof db);
    if (verbose)
        fprintf(stderr, "fuzz_tiers: %s: interp %s | %s%s %s\n", r->where, da, r->autotier ? "auto" : "compiled",
                r->checks ? " (checks)" : "", db);
    bool exh_a = !a->ok && a->store->rt->trap == TRAP_STACK_EXHAUSTED;
    bool exh_b = !b->ok && b->store->rt->trap == TRAP_STACK_EXHAUSTED;
    if (exh_a || exh_b) {
        n_stopped++;
        return STOP;
    }
    if (!b->ok && b->err.kind == WISP_ERR_LIMIT && (a->ok || a->err.kind != WISP_ERR_LIMIT))
        return STOP;
    bool same = a->ok == b->ok;
    if (same && !a->ok && a->err.kind == WISP_ERR_EXCEPTION && b->err.kind == WISP_ERR_EXCEPTION) {
        /* the message prints floats with %g: compare the exceptions */
        compare_exn(r, a->store->rt->exn, b->store->rt->exn, "uncaught exception", 0);
        return r->differs ? DIFFERENT : SAME;
    }
    if (same && !a->ok) {
        same = a->err.kind == b->err.kind;
        if (same && a->err.kind == WISP_ERR_TRAP)
            same = a->store->rt->trap == b->store->rt->trap &&
                   (a->store->rt->trap != TRAP_HOST ||
                    strcmp(a->store->rt->trap_message, b->store->rt->trap_message) == 0);
        else if (same)
            same = strcmp(a->err.message, b->err.message) == 0;
    }
    if (!same) {
        diff(r, "outcome: interp %s | compiled %s", da, db);
        return DIFFERENT;
    }
    return SAME;
}

/* Whether the step left every object of the instance in place (success or
 * a trap; a link error may leave the instance half built). */
static bool state_exists(const struct side *s)
{
    return s->inst && (s->ok || s->err.kind == WISP_ERR_TRAP || s->err.kind == WISP_ERR_EXHAUSTION ||
                       s->err.kind == WISP_ERR_EXCEPTION);
}

/* ---- arguments ---- */

static uint64_t rng_state;
static uint64_t rng(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void make_arg(wisp_val *v, wisp_valtype t, bool zeros)
{
    static const uint32_t i32s[] = {0, 1, 2, 7, 31, 32, 0xff, 0xffff, 0x10000, 0x7fffffff, 0x80000000u,
                                    0xffffffffu, 0xfffffffeu, 65536 * 16 - 1};
    static const uint64_t i64s[] = {0, 1, 63, 64, 0x7fffffffffffffffull, 0x8000000000000000ull,
                                    0xffffffffffffffffull, 0x100000000ull, 0xffffffffull};
    static const uint32_t f32s[] = {0, 0x80000000u, 0x3f800000u, 0xbf800000u, 0x7f800000u, 0xff800000u,
                                    0x7fc00000u, 0xffc00000u, 0x7fa00001u, 0x00000001u, 0x4f000000u,
                                    0xcf000000u, 0x5f000000u, 0x3effffffu, 0x7f7fffffu};
    static const uint64_t f64s[] = {0, 0x8000000000000000ull, 0x3ff0000000000000ull, 0xbff0000000000000ull,
                                    0x7ff0000000000000ull, 0xfff0000000000000ull, 0x7ff8000000000000ull,
                                    0xfff8000000000000ull, 0x7ff4000000000001ull, 1, 0x41e0000000000000ull,
                                    0xc1e0000000000000ull, 0x43e0000000000000ull, 0x3fdfffffffffffffull};
    /* NaNs of both signs, quiet and signaling, with payloads: how each
     * tier quiets and propagates them is where the two most easily part. */
    static const uint32_t nan32s[] = {0x7fa00001u, 0xff800001u, 0x7fc00000u, 0xffc00000u, 0x7fc12345u};
    static const uint64_t nan64s[] = {0x7ff4000000000001ull, 0xfff0000000000001ull, 0x7ff8000000000000ull,
                                      0xfff8000000000000ull, 0x7ff8000012345678ull};
#define PICK(arr) (arr)[rng() % (sizeof(arr) / sizeof(arr)[0])]
    memset(v, 0, sizeof *v);
    v->type = t;
    /* 0: zero, 1: random bits, 2: an interesting value, 3: a NaN (floats) */
    uint64_t k = zeros ? 0 : rng() % 4;
    switch (t) {
    case WISP_I32: { uint32_t x = k == 0 ? 0 : k == 1 ? (uint32_t)rng() : PICK(i32s); v->of.i32 = (int32_t)x; break; }
    case WISP_I64: { uint64_t x = k == 0 ? 0 : k == 1 ? rng() : PICK(i64s); v->of.i64 = (int64_t)x; break; }
    case WISP_F32: {
        uint32_t x = k == 0 ? 0 : k == 1 ? (uint32_t)rng() : k == 2 ? PICK(f32s) : PICK(nan32s);
        memcpy(&v->of.f32, &x, 4);
        break;
    }
    case WISP_F64: {
        uint64_t x = k == 0 ? 0 : k == 1 ? rng() : k == 2 ? PICK(f64s) : PICK(nan64s);
        memcpy(&v->of.f64, &x, 8);
        break;
    }
    case WISP_V128:
        for (int i = 0; i < 16 && !zeros; i++)
            v->of.v128[i] = (uint8_t)rng();
        break;
    default: break; /* references: null */
    }
#undef PICK
}

static valtype_t from_wisp(wisp_valtype t)
{
    static const valtype_t map[] = {VT_I32, VT_I64, VT_F32, VT_F64, VT_V128, VT_FUNCREF, VT_EXTERNREF, VT_EXNREF};
    return map[t];
}

static void val_slots(const wisp_val *v, union slot *s)
{
    memset(s, 0, 2 * sizeof *s);
    switch (v->type) {
    case WISP_I32: s[0].i32 = (uint32_t)v->of.i32; break;
    case WISP_I64: s[0].i64 = (uint64_t)v->of.i64; break;
    case WISP_F32: s[0].f32 = v->of.f32; break;
    case WISP_F64: s[0].f64 = v->of.f64; break;
    case WISP_V128: memcpy(s, v->of.v128, 16); break;
    case WISP_FUNCREF: s[0].ref = v->of.funcref; break;
    case WISP_EXTERNREF: s[0].ref = v->of.externref; break;
    case WISP_EXNREF: s[0].ref = v->of.exnref; break;
    }
}

/* ---- one module ---- */

static struct rt_instance *last_instance(wisp_store *store)
{
    const struct rt_store *s = store->rt;
    for (uint32_t i = s->nobjects; i-- > 0;)
        if (s->objects[i].kind == OBJ_INSTANCE)
            return s->objects[i].p;
    return NULL;
}

static void set_fuel(wisp_store *store)
{
    if (!wisp_store_set_fuel(store, HARNESS_FUEL, NULL)) {
        fprintf(stderr, "fuzz_tiers: wisp_store_set_fuel failed\n");
        abort();
    }
}

/* A function of inst whose type is type index ti of m (or equivalent to it), or NULL. */
static void *func_of_type(const struct rt_instance *inst, const struct module *m, uint32_t ti, uint64_t pick)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < m->nfuncs; i++)
        n += m->canon[m->func_types[i]] == m->canon[ti];
    if (!n)
        return NULL;
    pick %= n;
    for (uint32_t i = 0; i < m->nfuncs; i++)
        if (m->canon[m->func_types[i]] == m->canon[ti] && pick-- == 0)
            return inst->funcs[i];
    return NULL;
}

static void run_module(struct run *r, uint64_t seed)
{
    for (int k = 0; k < 2; k++) {
        struct side *s = &r->s[k];
        wisp_engine *engine = engines[INTERP];
        if (k == COMPILED) {
            r->autotier = force_auto >= 0 ? force_auto == 1 : (seed >> 48) % 8 == 0;
            engine = engines[r->autotier ? (r->checks ? ENGINE_AUTO_CHECKS : ENGINE_AUTO)
                                         : (r->checks ? ENGINE_CHECKS : COMPILED)];
        }
        s->mod = wisp_module_new(engine, r->wasm, r->len, "fuzz", &s->err);
        if (!s->mod && r->raw)
            return;
        if (!s->mod) {
            char msg[512];
            wisp_error_format(&s->err, msg, sizeof msg);
            fprintf(stderr, "fuzz_tiers: a generated module does not validate: %s\n", msg);
            snprintf(r->where, sizeof r->where, "validation");
            r->differs = true;
            return;
        }
        s->store = wisp_store_new(engine);
        wisp_store_set_max_memory_size(s->store, HARNESS_MAX_MEMORY);
        wisp_store_set_max_table_elements(s->store, HARNESS_MAX_TABLE);
        if (!wisp_store_set_max_wasm_stack(s->store, HARNESS_MAX_STACK, NULL))
            abort();
        wisp_store_set_max_call_depth(s->store, HARNESS_MAX_DEPTH);
        harness_define_imports(s->store, &s->mod->m);
        set_fuel(s->store);
        wisp_instance *inst = wisp_instance_new(s->store, s->mod, &s->err);
        s->ok = inst != NULL;
        s->inst = last_instance(s->store);
    }
    snprintf(r->where, sizeof r->where, "instantiation");
    enum verdict v = compare_outcome(r);
    if (v == STOP)
        return;
    if (state_exists(&r->s[INTERP]) && state_exists(&r->s[COMPILED]))
        compare_state(r);
    if (r->differs || !r->s[INTERP].ok || !r->s[COMPILED].ok)
        return;
    n_instantiated++;

    /* Every exported function, in export order, with the same arguments. */
    rng_state = seed;
    bool zeros = rng() % 4 == 0;
    const struct module *m = &r->s[INTERP].mod->m;
    uint32_t ncalls = 0;
    for (uint32_t e = 0; e < m->nexports && ncalls < HARNESS_MAX_CALLS; e++) {
        if (m->exports[e].kind != EXT_FUNC)
            continue;
        ncalls++;
        uint32_t fidx = m->exports[e].index;
        wisp_func *fn[2] = {(wisp_func *)r->s[INTERP].inst->funcs[fidx],
                            (wisp_func *)r->s[COMPILED].inst->funcs[fidx]};
        size_t np = wisp_func_num_params(fn[0]), nr = wisp_func_num_results(fn[0]);
        wisp_val *args = calloc(np + 1, sizeof *args);
        wisp_val *res[2] = {calloc(nr + 1, sizeof(wisp_val)), calloc(nr + 1, sizeof(wisp_val))};
        int len = snprintf(r->where, sizeof r->where, "call export %u (func %u) args (", e, fidx);
        const struct functype *ft = &m->types[m->func_types[fidx]];
        wisp_val *cargs = calloc(np + 1, sizeof *cargs); /* the compiled side's: its own functions */
        for (size_t i = 0; i < np; i++) {
            make_arg(&args[i], wisp_func_param(fn[0], i), zeros);
            cargs[i] = args[i];
            valtype_t pt = functype_params(ft)[i];
            if (valtype_is_ref(pt) && vt_is_index(pt) && (!vt_nullable(pt) || rng() % 2)) {
                uint64_t pick = rng();
                args[i].of.funcref = func_of_type(r->s[INTERP].inst, m, vt_index(pt), pick);
                cargs[i].of.funcref = func_of_type(r->s[COMPILED].inst, m, vt_index(pt), pick);
            }
            union slot s[2];
            val_slots(&args[i], s);
            if (len < (int)sizeof r->where - 24)
                len += snprintf(r->where + len, sizeof r->where - (size_t)len, "%s0x%llx", i ? " " : "",
                                (unsigned long long)s[0].i64);
        }
        if (len < (int)sizeof r->where - 2)
            snprintf(r->where + len, sizeof r->where - (size_t)len, ")");
        for (int k = 0; k < 2; k++) {
            struct side *s = &r->s[k];
            set_fuel(s->store);
            s->ok = wisp_func_call(s->store, fn[k], k == COMPILED ? cargs : args, np, res[k], nr, &s->err);
        }
        v = compare_outcome(r);
        n_calls++;
        if (v == SAME && r->s[INTERP].ok) {
            for (size_t i = 0; i < nr; i++) {
                union slot a[2], b[2];
                val_slots(&res[0][i], a);
                val_slots(&res[1][i], b);
                char what[32];
                snprintf(what, sizeof what, "result %zu", i);
                compare_value(r, from_wisp(wisp_func_result(fn[0], i)), a, b, what);
            }
        }
        if (v != STOP)
            compare_state(r);
        free(args);
        free(cargs);
        free(res[0]);
        free(res[1]);
        if (v == STOP || r->differs)
            return;
    }
}

/* The value of a custom section "fuzz_tiers.seed" of 8 bytes in a module,
 * if there is one. */
static uint64_t leb_u(const uint8_t *p, size_t size, size_t *pos, bool *ok)
{
    uint64_t v = 0;
    for (int shift = 0; *pos < size && shift < 64; shift += 7) {
        uint8_t b = p[(*pos)++];
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            return v;
    }
    *ok = false;
    return 0;
}
static bool module_seed(const uint8_t *p, size_t size, uint64_t *seed)
{
    static const char name[] = "fuzz_tiers.seed";
    bool ok = true;
    for (size_t pos = 8; pos < size && ok;) {
        uint8_t id = p[pos++];
        uint64_t len = leb_u(p, size, &pos, &ok);
        if (!ok || len > size - pos)
            return false;
        size_t end = pos + (size_t)len;
        if (id == 0) {
            size_t q = pos;
            uint64_t nlen = leb_u(p, end, &q, &ok);
            if (ok && nlen == sizeof name - 1 && end - q >= nlen + 8 && memcmp(p + q, name, nlen) == 0) {
                memcpy(seed, p + q + nlen, 8); /* little-endian hosts only, as wisp itself */
                return true;
            }
        }
        pos = end;
    }
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    init();
    struct run r = {0};
    if (raw_modules || (size >= 8 && memcmp(data, "\0asm\1\0\0\0", 8) == 0)) {
        /* triage, or a seed that keeps a module: the input is the module itself */
        uint8_t *copy = malloc(size + 1);
        memcpy(copy, data, size);
        r.wasm = copy;
        r.len = size;
        r.raw = true;
    }
    uint64_t seed = 0xcbf29ce484222325ull; /* FNV-1a of the input: the arguments */
    for (size_t i = 0; i < size; i++)
        seed = (seed ^ data[i]) * 0x100000001b3ull;
    if (r.raw)
        module_seed(data, size, &seed);
    else {
        wasm_gen_exceptions = force_exceptions >= 0 ? force_exceptions == 1 : (seed >> 32) % 4 == 0;
        wasm_gen_func_refs = force_func_refs >= 0 ? force_func_refs == 1 : (seed >> 40) % 4 == 0;
        r.wasm = wasm_gen(data, size, &r.len);
    }
    r.checks = force_checks >= 0 ? force_checks == 1 : (seed & 3) == 0;
    run_module(&r, seed);
    finish(&r);
    if (++n_modules >= 256 && !(n_modules & (n_modules - 1)))
        fprintf(stderr, "fuzz_tiers: %lu modules, %lu instantiated, %lu calls compared, %lu cut short by stack "
                "exhaustion, %lu NaN-bits notes\n", n_modules, n_instantiated, n_calls, n_stopped, nan_notes);
    for (int k = 0; k < 2; k++) {
        wisp_store_free(r.s[k].store);
        wisp_module_free(r.s[k].mod);
    }
    free((void *)r.wasm);
    return 0;
}
