/* Turns fuzz bytes into a valid Wasm 2.0 module (see wasm_gen.h).
 *
 * Each byte read answers one choice; when the bytes run out every choice
 * is 0, and choice 0 is always the one that ends soonest (a constant, no
 * more statements), so generation always terminates. Bodies are built as
 * trees: gen_expr(t) emits code that leaves exactly one value of type t,
 * gen_stmt() code that leaves nothing. Branches, `return` and `unreachable`
 * may appear anywhere a value is wanted: the code after them is dead but,
 * being well typed for a polymorphic stack, still valid.
 *
 * What a module holds: up to 9 function types (type 0 is [] -> []) with
 * i32/i64/f32/f64/v128 params and up to 3 results; imported functions, globals,
 * and sometimes the memory and table 0; up to 8 defined functions with
 * locals; a funcref table 0 (and sometimes an externref table 1); active,
 * passive and declarative element segments; one memory (sometimes none;
 * with wasm_gen_memories, more) with active and passive data segments; mutable and immutable globals; an
 * export for every function, global, the memory and the tables; sometimes a
 * start function. Loops count down a local, so most of them end; the fuel
 * limit of the harness ends the rest.
 *
 * Two kinds of code aim at the compiled tier's precise traps: store loops
 * (gen_store_loop: a fill, copy or read-modify-write at consecutive
 * addresses from a base that is mostly near the end of memory, so the loop
 * runs off the end and traps part-way, each iteration perhaps setting a
 * global and a table element first) and gen_effects_then_load (a global, a
 * table element and a store just below the end, then a load that may be
 * out of bounds). After such a trap every store before the faulting access
 * must be visible and none after it.
 *
 * SIMD: v128 is a value type like the others (locals, globals, params,
 * results, blocks, select), and every one of the 236 SIMD instructions of
 * Wasm 2.0 is generated: v128.const, loads (whole, extending, splat, zero,
 * lane) and stores (whole, lane), splats, lane extraction and replacement,
 * shuffles and swizzles, bitwise ops and bitselect, integer and float lane
 * arithmetic, comparisons, shifts, narrowing, extension, conversions, and
 * the tests and bitmasks that give an i32; so are the 20 relaxed SIMD
 * instructions of Wasm 3.0. With wasm_gen_canonical_nans, float lane
 * results with open NaN bits are canonicalized where they are made
 * (canon_v128), and scalar floats where they enter a v128; relaxed results
 * are not, since wisp makes each one exactly (NaNs +canonical).
 *
 * Wasm 3.0 options (wasm_gen.h): wasm_gen_exceptions adds tags, throw,
 * try_table, throw_ref, exnref and the legacy try/catch/delegate/rethrow,
 * wasm_gen_func_refs typed function references; their code is the section
 * "Wasm 3.0: typed function references and exception handling" (gen_ref_expr
 * makes values of reference types, gen_new_expr and gen_new_stmt the rest),
 * entered only when an option is on, so that off every choice is the one
 * taken before. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasm_gen.h"

enum { I32 = 0x7f, I64 = 0x7e, F32 = 0x7d, F64 = 0x7c, V128 = 0x7b, FUNCREF = 0x70, EXTERNREF = 0x6f, EXNREF = 0x69 };
static const uint8_t numtypes[4] = {I32, I64, F32, F64};

/* Typed function references (wasm_gen_func_refs) have one byte here too,
 * below every type code: (ref null $j) is j, (ref $j) is 0x20 + j, so that
 * arrays of types stay byte arrays compared with memcmp. put_valtype
 * writes their encodings (0x63 or 0x64 and the index). */
#define REF_NULL(j) ((uint8_t)(j))
#define REF_NONNULL(j) ((uint8_t)(0x20 + (j)))
static bool is_typed_ref(uint8_t t) { return t < 0x40; }
static bool is_ref(uint8_t t) { return is_typed_ref(t) || t == FUNCREF || t == EXTERNREF || t == EXNREF; }
static uint32_t ref_index(uint8_t t) { return t & 0x1f; }
/* Whether locals of type t need no setting before they are read. */
static bool defaultable(uint8_t t) { return !(is_typed_ref(t) && t >= 0x20); }

#define MAX_TYPES 9
#define MAX_ALL_TYPES 21 /* MAX_TYPES, and three per tag for its payloads */
#define MAX_TAGS 4
#define MAX_PARAMS 5
#define MAX_RESULTS 3
#define MAX_FUNCS 16
#define MAX_GLOBALS 10
#define MAX_LOCALS 64
#define MAX_LABELS 64
#define MAX_EXPR_DEPTH 10
#define MAX_ELEMS 6
#define MAX_DATAS 4
#define MODULE_BUDGET 6000 /* instructions per module, at most */

struct buf { uint8_t *p; size_t len, cap; };

static void put(struct buf *b, uint8_t v)
{
    if (b->len == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 256;
        b->p = realloc(b->p, b->cap);
        if (!b->p)
            abort();
    }
    b->p[b->len++] = v;
}
static void put_bytes(struct buf *b, const void *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        put(b, ((const uint8_t *)p)[i]);
}
static void put_u(struct buf *b, uint64_t v)
{
    do {
        uint8_t byte = v & 0x7f;
        v >>= 7;
        put(b, byte | (v ? 0x80 : 0));
    } while (v);
}
static void put_s(struct buf *b, int64_t v)
{
    for (;;) {
        uint8_t byte = v & 0x7f;
        v >>= 7; /* arithmetic shift */
        bool done = (v == 0 && !(byte & 0x40)) || (v == -1 && (byte & 0x40));
        put(b, byte | (done ? 0 : 0x80));
        if (done)
            return;
    }
}
static void put_name(struct buf *b, const char *s)
{
    size_t n = strlen(s);
    put_u(b, n);
    put_bytes(b, s, n);
}
static void put_section(struct buf *out, uint8_t id, struct buf *payload)
{
    put(out, id);
    put_u(out, payload->len);
    put_bytes(out, payload->p, payload->len);
    payload->len = 0;
}

struct ftype { uint8_t np, nr; uint8_t p[MAX_PARAMS], r[MAX_RESULTS + 1]; };
/* A label: its branch types, and the kind of construct (a catch is the
 * label of a legacy try while one of its handlers is built, which
 * `rethrow` may name); inits is which locals were set where it began
 * (a block's end or else forgets what was set inside). */
enum { L_BLOCK, L_LOOP, L_TRY, L_CATCH };
struct label { uint8_t n; uint8_t types[MAX_RESULTS + 1]; bool loop; uint8_t kind; uint64_t inits; };

struct gen {
    const uint8_t *data;
    size_t size, pos;

    uint32_t ntypes;
    struct ftype types[MAX_ALL_TYPES];
    uint32_t ntags;
    uint32_t tag_type[MAX_TAGS]; /* a type [params] -> [] */
    bool exnref_ok;              /* exnref values and the new instructions (not legacy only) */
    uint32_t nfuncs, nfunc_imports;
    uint32_t func_type[MAX_FUNCS];
    uint32_t nglobals, nglobal_imports;
    struct { uint8_t type; bool mut; } globals[MAX_GLOBALS];
    bool has_memory, memory_imported;
    uint32_t memory_min;
    uint32_t nmemories; /* memory 0 and, with wasm_gen_memories > 1, more */
    bool mem64;         /* every memory is addressed by i64 (wasm_gen_memory64) */
    bool table0_imported;
    uint32_t table_min[2];
    bool has_table1; /* externref */
    uint32_t nelems;
    struct { uint8_t type; uint32_t count; } elems[MAX_ELEMS];
    uint32_t ndatas;

    /* The function being built. */
    struct buf *code;
    uint32_t nlocals;
    uint8_t locals[MAX_LOCALS]; /* params first */
    uint64_t inits;             /* locals of non-null types set so far (bit per local) */
    uint32_t nlabels;
    struct label labels[MAX_LABELS];
    const struct ftype *fn;
    uint32_t budget;
    uint32_t depth;
};

/* ---- choices ---- */

static bool exhausted(const struct gen *g) { return g->pos >= g->size; }
static uint8_t byte(struct gen *g) { return g->pos < g->size ? g->data[g->pos++] : 0; }
/* 0..n-1 (n >= 1) */
static uint32_t choose(struct gen *g, uint32_t n)
{
    if (n <= 1)
        return 0;
    uint32_t v = byte(g);
    if (n > 256)
        v = v << 8 | byte(g);
    return v % n;
}
static bool chance(struct gen *g, uint32_t one_in) { return choose(g, one_in) == 1 % one_in; }
static uint8_t numtype(struct gen *g) { return numtypes[choose(g, 4)]; }
/* A number type or, one time in six, v128 (one byte either way). */
static uint8_t valtype(struct gen *g)
{
    uint32_t v = choose(g, 12);
    return v >= 10 ? V128 : numtypes[v % 4];
}

/* ---- constants ---- */

static void gen_v128_const(struct gen *g);

static void gen_const(struct gen *g, uint8_t t)
{
    if (t == V128) {
        gen_v128_const(g);
        return;
    }
    static const int64_t ints[] = {0, 1, -1, 2, 7, 8, 16, 31, 32, 63, 64, 255, 256, 65535, 65536,
                                   INT32_MAX, INT32_MIN, (int64_t)UINT32_MAX, INT64_MAX, INT64_MIN,
                                   0x7fff, -0x8000, 1000, 4096};
    static const double floats[] = {0.0, -0.0, 1.0, -1.0, 0.5, 1.5, 2.5, -2.5, 1e10, -1e10,
                                    2147483647.0, 2147483648.0, -2147483649.0, 4294967296.0,
                                    9.2233720368547758e18, 1.8446744073709552e19, 1e-40,
                                    3.4028234663852886e38, INFINITY, -INFINITY, NAN};
    uint32_t how = choose(g, 4);
    switch (t) {
    case I32:
    case I64: {
        int64_t v;
        if (how == 0)
            v = choose(g, 16);
        else if (how == 1 || how == 2)
            v = ints[choose(g, sizeof ints / sizeof ints[0])];
        else {
            uint64_t raw = 0;
            for (int i = 0; i < (t == I32 ? 4 : 8); i++)
                raw = raw << 8 | byte(g);
            v = (int64_t)raw;
        }
        if (t == I32) {
            put(g->code, 0x41);
            put_s(g->code, (int32_t)(uint32_t)v);
        } else {
            put(g->code, 0x42);
            put_s(g->code, v);
        }
        break;
    }
    case F32: {
        float f;
        if (how == 3) {
            uint8_t raw[4];
            for (int i = 0; i < 4; i++)
                raw[i] = byte(g);
            memcpy(&f, raw, 4);
        } else {
            f = (float)floats[choose(g, sizeof floats / sizeof floats[0])];
        }
        put(g->code, 0x43);
        put_bytes(g->code, &f, 4);
        break;
    }
    case F64: {
        double d;
        if (how == 3) {
            uint8_t raw[8];
            for (int i = 0; i < 8; i++)
                raw[i] = byte(g);
            memcpy(&d, raw, 8);
        } else {
            d = floats[choose(g, sizeof floats / sizeof floats[0])];
        }
        put(g->code, 0x44);
        put_bytes(g->code, &d, 8);
        break;
    }
    }
}

/* A random local of type t that may be read (one of a non-null type only
 * once it is set), or -1. */
static int find_local(struct gen *g, uint8_t t)
{
    uint32_t idx[MAX_LOCALS], n = 0;
    for (uint32_t i = 0; i < g->nlocals; i++)
        if (g->locals[i] == t && (defaultable(t) || (g->inits >> i & 1)))
            idx[n++] = i;
    return n ? (int)idx[choose(g, n)] : -1;
}
/* A random local of type t to set, or -1; setting it makes it readable
 * until the end of the current block (set_local). */
static int find_local_to_set(struct gen *g, uint8_t t)
{
    uint32_t idx[MAX_LOCALS], n = 0;
    for (uint32_t i = 0; i < g->nlocals; i++)
        if (g->locals[i] == t)
            idx[n++] = i;
    return n ? (int)idx[choose(g, n)] : -1;
}
/* local.set (0x21) or local.tee (0x22) of local l. */
static void set_local(struct gen *g, uint8_t op, int l)
{
    put(g->code, op);
    put_u(g->code, (uint32_t)l);
    if (l < 64)
        g->inits |= (uint64_t)1 << l;
}

/* A value type as the binary format writes it. */
static void put_valtype(struct buf *b, uint8_t t)
{
    if (!is_typed_ref(t)) {
        put(b, t);
        return;
    }
    put(b, t >= 0x20 ? 0x64 : 0x63);
    put_s(b, ref_index(t));
}
static int find_global(struct gen *g, uint8_t t, bool need_mut)
{
    uint32_t idx[MAX_GLOBALS], n = 0;
    for (uint32_t i = 0; i < g->nglobals; i++)
        if (g->globals[i].type == t && (!need_mut || g->globals[i].mut))
            idx[n++] = i;
    return n ? (int)idx[choose(g, n)] : -1;
}
/* A fresh local of type t, or an existing one when there is no room; -1
 * when neither. */
static int new_local(struct gen *g, uint8_t t)
{
    if (g->nlocals < MAX_LOCALS) {
        g->locals[g->nlocals] = t;
        return (int)g->nlocals++;
    }
    return find_local(g, t);
}

bool wasm_gen_canonical_nans;

/* With wasm_gen_canonical_nans, the float t on top of the stack becomes
 * the positive canonical NaN when it is a NaN:
 * (select (local.tee $l x) (tK.const nan) (tK.eq (local.get $l) (local.get $l))).
 * Without a local to hold it, the value is replaced by 0. */
static void canon_nan(struct gen *g, uint8_t t)
{
    if (!wasm_gen_canonical_nans || (t != F32 && t != F64))
        return;
    int l = new_local(g, t);
    if (l < 0) {
        put(g->code, 0x1a); /* drop */
        put(g->code, t == F32 ? 0x43 : 0x44);
        for (int i = 0; i < (t == F32 ? 4 : 8); i++)
            put(g->code, 0);
        return;
    }
    put(g->code, 0x22); /* local.tee */
    put_u(g->code, (uint32_t)l);
    static const uint8_t nan32[] = {0x43, 0x00, 0x00, 0xc0, 0x7f};
    static const uint8_t nan64[] = {0x44, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f};
    if (t == F32)
        put_bytes(g->code, nan32, sizeof nan32);
    else
        put_bytes(g->code, nan64, sizeof nan64);
    for (int i = 0; i < 2; i++) {
        put(g->code, 0x20); /* local.get */
        put_u(g->code, (uint32_t)l);
    }
    put(g->code, t == F32 ? 0x5b : 0x61); /* eq */
    put(g->code, 0x1b);                   /* select */
}

static void gen_expr(struct gen *g, uint8_t t);
static void gen_stmt(struct gen *g);
static void gen_stmts(struct gen *g, uint32_t max);
static void gen_cond_throw(struct gen *g);

static void gen_values(struct gen *g, const uint8_t *types, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        gen_expr(g, types[i]);
}
/* Pop values of these types (last on top): into locals or dropped. */
static void consume(struct gen *g, const uint8_t *types, uint32_t n)
{
    for (uint32_t i = n; i-- > 0;) {
        int l = chance(g, 2) ? find_local_to_set(g, types[i]) : -1;
        if (l >= 0)
            set_local(g, 0x21, l);
        else
            put(g->code, 0x1a);
    }
}

static bool same_types(const uint8_t *a, uint32_t na, const uint8_t *b, uint32_t nb)
{
    return na == nb && (na == 0 || memcmp(a, b, na) == 0); /* a or b may be NULL when empty */
}

/* ---- memory addresses and memargs ---- */

/* An i32 address; gen_addr turns it into one of the memory's type. */
static void gen_addr32(struct gen *g)
{
    switch (choose(g, 4)) {
    case 0: /* small */
        put(g->code, 0x41);
        put_s(g->code, (int32_t)choose(g, 256));
        break;
    case 1: /* anything, masked into the first 64 KiB */
        gen_expr(g, I32);
        put(g->code, 0x41);
        put_s(g->code, 0xffff);
        put(g->code, 0x71); /* i32.and */
        break;
    case 2:
        gen_expr(g, I32);
        break;
    default: /* near the end of the first pages */
        put(g->code, 0x41);
        put_s(g->code, (int32_t)(65536u * (1 + choose(g, 2)) - choose(g, 16)));
        break;
    }
}
uint32_t wasm_gen_memories = 1;
bool wasm_gen_tail_calls;
bool wasm_gen_memory64;

/* The i32 address or length on the stack as an operand of an i64 memory
 * (nothing for an i32 one): zero-extended mostly, sign-extended sometimes
 * (an address at 2^64 - 2^32 and up), or moved by 4 GiB, by the 16 and
 * 20 GiB of the compiled tier's guarded reservation, or by 2^63, with its
 * low 32 bits unchanged. */
static void addr_to_memory(struct gen *g)
{
    static const int64_t moves[] = {(int64_t)1 << 32, (int64_t)4 << 32, (int64_t)5 << 32, INT64_MIN};
    if (!g->mem64)
        return;
    uint32_t k = choose(g, 8);
    put(g->code, k == 0 ? 0xac : 0xad); /* i64.extend_i32_s, _u */
    if (k == 1) {
        put(g->code, 0x42);
        put_s(g->code, moves[choose(g, sizeof moves / sizeof moves[0])]);
        put(g->code, 0x7c); /* i64.add */
    }
}

static void gen_addr(struct gen *g)
{
    gen_addr32(g);
    addr_to_memory(g);
}

/* The memory an instruction uses: with one memory no choice is taken, so
 * inputs made for one memory build the same modules as before. */
static uint32_t pick_memory(struct gen *g)
{
    return g->nmemories > 1 ? choose(g, g->nmemories) : 0;
}

/* The memory index of memory.size, grow, fill, copy and init: 2.0's
 * zero byte for memory 0. */
static void put_memory_index(struct gen *g)
{
    put_u(g->code, pick_memory(g));
}

static void gen_memarg(struct gen *g, uint32_t natural)
{
    uint32_t align = choose(g, natural + 1), memory = pick_memory(g);
    /* A memory other than 0 sets bit 6 of the flags and follows them. */
    put_u(g->code, memory ? align | 0x40 : align);
    if (memory)
        put_u(g->code, memory);
    /* i64 memories also take offsets past 2^32: around the compiled tier's
     * 4 GiB guard, its 16 GiB span and 20 GiB reservation, and 2^64. */
    static const uint64_t offsets64[] = {
        (uint64_t)1 << 32, ((uint64_t)1 << 32) - 8, (uint64_t)4 << 32, ((uint64_t)5 << 32) - 8,
        (uint64_t)1 << 63, UINT64_MAX - 7, UINT64_MAX,
    };
    uint64_t off;
    switch (choose(g, 8)) {
    case 0: case 1: case 2: case 3: off = 0; break;
    case 4: case 5: off = choose(g, 64); break;
    case 6: off = 65536 - choose(g, 8); break;
    default:
        if (g->mem64 && chance(g, 2))
            off = offsets64[choose(g, sizeof offsets64 / sizeof offsets64[0])];
        else
            off = chance(g, 2) ? UINT32_MAX : 1u << 20;
        break;
    }
    put_u(g->code, off);
}

struct memop { uint8_t op, type, natural; };
static const struct memop loads[] = {
    {0x28, I32, 2}, {0x2c, I32, 0}, {0x2d, I32, 0}, {0x2e, I32, 1}, {0x2f, I32, 1},
    {0x29, I64, 3}, {0x30, I64, 0}, {0x31, I64, 0}, {0x32, I64, 1}, {0x33, I64, 1},
    {0x34, I64, 2}, {0x35, I64, 2}, {0x2a, F32, 2}, {0x2b, F64, 3},
};
static const struct memop stores[] = {
    {0x36, I32, 2}, {0x3a, I32, 0}, {0x3b, I32, 1}, {0x37, I64, 3}, {0x3c, I64, 0},
    {0x3d, I64, 1}, {0x3e, I64, 2}, {0x38, F32, 2}, {0x39, F64, 3},
};
static const struct memop *pick_memop(struct gen *g, const struct memop *ops, size_t n, uint8_t t)
{
    const struct memop *c[16];
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (ops[i].type == t)
            c[k++] = &ops[i];
    return c[choose(g, (uint32_t)k)];
}

/* ---- numeric operators ---- */

struct conv { uint16_t op; uint8_t from, to; }; /* op > 0xff: 0xfc prefix */
static const struct conv convs[] = {
    {0xa7, I64, I32}, {0xa8, F32, I32}, {0xa9, F32, I32}, {0xaa, F64, I32}, {0xab, F64, I32},
    {0xac, I32, I64}, {0xad, I32, I64}, {0xae, F32, I64}, {0xaf, F32, I64}, {0xb0, F64, I64},
    {0xb1, F64, I64}, {0xb2, I32, F32}, {0xb3, I32, F32}, {0xb4, I64, F32}, {0xb5, I64, F32},
    {0xb6, F64, F32}, {0xb7, I32, F64}, {0xb8, I32, F64}, {0xb9, I64, F64}, {0xba, I64, F64},
    {0xbb, F32, F64}, {0xbc, F32, I32}, {0xbd, F64, I64}, {0xbe, I32, F32}, {0xbf, I64, F64},
    {0xfc00, F32, I32}, {0xfc01, F32, I32}, {0xfc02, F64, I32}, {0xfc03, F64, I32},
    {0xfc04, F32, I64}, {0xfc05, F32, I64}, {0xfc06, F64, I64}, {0xfc07, F64, I64},
};
static void put_op(struct buf *b, uint16_t op)
{
    if (op > 0xff) {
        put(b, 0xfc);
        put_u(b, op & 0xff);
    } else {
        put(b, (uint8_t)op);
    }
}

static void gen_simd_unop(struct gen *g);
static void gen_simd_binop(struct gen *g);
static void gen_simd_from_scalar(struct gen *g);
static void gen_simd_to_scalar(struct gen *g, uint8_t t);

static void gen_unop(struct gen *g, uint8_t t)
{
    if (t == V128) {
        gen_simd_unop(g);
        return;
    }
    gen_expr(g, t);
    switch (t) {
    case I32: { static const uint8_t o[] = {0x67, 0x68, 0x69, 0xc0, 0xc1}; put(g->code, o[choose(g, 5)]); break; }
    case I64: { static const uint8_t o[] = {0x79, 0x7a, 0x7b, 0xc2, 0xc3, 0xc4}; put(g->code, o[choose(g, 6)]); break; }
    case F32: put(g->code, (uint8_t)(0x8b + choose(g, 7))); break;
    case F64: put(g->code, (uint8_t)(0x99 + choose(g, 7))); break;
    }
}
static void gen_binop(struct gen *g, uint8_t t)
{
    if (t == V128) {
        gen_simd_binop(g);
        return;
    }
    gen_expr(g, t);
    gen_expr(g, t);
    switch (t) {
    case I32: put(g->code, (uint8_t)(0x6a + choose(g, 15))); break;
    case I64: put(g->code, (uint8_t)(0x7c + choose(g, 15))); break;
    case F32: case F64: {
        uint8_t op = (uint8_t)((t == F32 ? 0x92 : 0xa0) + choose(g, 7));
        if (op == 0x98 || op == 0xa6) /* copysign: the sign operand */
            canon_nan(g, t);
        put(g->code, op);
        break;
    }
    }
}
static void gen_compare(struct gen *g) /* leaves an i32 */
{
    uint8_t u = numtype(g);
    gen_expr(g, u);
    if ((u == I32 || u == I64) && chance(g, 5)) {
        put(g->code, u == I32 ? 0x45 : 0x50); /* eqz */
        return;
    }
    gen_expr(g, u);
    switch (u) {
    case I32: put(g->code, (uint8_t)(0x46 + choose(g, 10))); break;
    case I64: put(g->code, (uint8_t)(0x51 + choose(g, 10))); break;
    case F32: put(g->code, (uint8_t)(0x5b + choose(g, 6))); break;
    case F64: put(g->code, (uint8_t)(0x61 + choose(g, 6))); break;
    }
}
static void gen_convert(struct gen *g, uint8_t t)
{
    if (t == V128) {
        gen_simd_from_scalar(g);
        return;
    }
    if (chance(g, 5)) {
        gen_simd_to_scalar(g, t);
        return;
    }
    const struct conv *c[16];
    uint32_t k = 0;
    for (size_t i = 0; i < sizeof convs / sizeof convs[0]; i++)
        if (convs[i].to == t)
            c[k++] = &convs[i];
    const struct conv *cv = c[choose(g, k)];
    gen_expr(g, cv->from);
    if (cv->op == 0xbc || cv->op == 0xbd) /* i32.reinterpret_f32, i64.reinterpret_f64 */
        canon_nan(g, cv->from);
    put_op(g->code, cv->op);
}

/* ---- SIMD ---- */

/* The lane shape of a result whose NaN bits the spec leaves open. */
enum { NAN_NONE, NAN_F32X4, NAN_F64X2 };

static void put_simd(struct buf *b, uint32_t code)
{
    put(b, 0xfd);
    put_u(b, code);
}
/* v128.const with every lane of `bytes` bytes equal to lane. */
static void put_v128_splat(struct gen *g, uint64_t lane, int bytes)
{
    put_simd(g->code, 12);
    for (int i = 0; i < 16; i++)
        put(g->code, (uint8_t)(lane >> (8 * (i % bytes))));
}

/* With wasm_gen_canonical_nans, the v128 on top of the stack, the result of
 * float lane arithmetic, gets its NaN lanes replaced: quiet NaNs by the
 * positive canonical NaN, signaling ones by a fixed signaling NaN (a
 * correct tier never makes one, so a tier that does still shows). In a v128
 * the NaN bits are observable everywhere (lanes, bitmasks, stores), so the
 * generator canonicalizes where they are made rather than where they are
 * observed, as canon_nan does for scalars:
 *   bitselect(x, ((x & Q) | S) ^ ((x >> 1) & Q/2), x == x)
 * with Q the quiet bit and S = the signaling NaN 0x7fa00000 (f32). Without a
 * local to hold x, the value is replaced by zeros. */
static void canon_v128(struct gen *g, int shape)
{
    if (!wasm_gen_canonical_nans || shape == NAN_NONE)
        return;
    int l = new_local(g, V128);
    if (l < 0) {
        put(g->code, 0x1a);
        put_v128_splat(g, 0, 1);
        return;
    }
    bool f32 = shape == NAN_F32X4;
    int w = f32 ? 4 : 8;
    uint64_t q = f32 ? 0x00400000u : 0x0008000000000000ull;
    uint64_t sig = f32 ? 0x7fa00000u : 0x7ff4000000000000ull;
    put(g->code, 0x22); /* local.tee */
    put_u(g->code, (uint32_t)l);
    put(g->code, 0x20);
    put_u(g->code, (uint32_t)l);
    put_v128_splat(g, q, w);
    put_simd(g->code, 78); /* v128.and */
    put_v128_splat(g, sig, w);
    put_simd(g->code, 80); /* v128.or */
    put(g->code, 0x20);
    put_u(g->code, (uint32_t)l);
    put(g->code, 0x41);
    put_s(g->code, 1);
    put_simd(g->code, f32 ? 173 : 205); /* i32x4.shr_u, i64x2.shr_u */
    put_v128_splat(g, q >> 1, w);
    put_simd(g->code, 78); /* v128.and */
    put_simd(g->code, 81); /* v128.xor */
    for (int i = 0; i < 2; i++) {
        put(g->code, 0x20);
        put_u(g->code, (uint32_t)l);
    }
    put_simd(g->code, f32 ? 65 : 71); /* f32x4.eq, f64x2.eq */
    put_simd(g->code, 82);             /* v128.bitselect */
}

static void gen_v128_const(struct gen *g)
{
    static const uint64_t ints[] = {0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000,
                                    0x7fffffff, 0x80000000u, 0xffffffffu, 0x7fffffffffffffffull,
                                    0x8000000000000000ull, 0xffffffffffffffffull, 0x0101010101010101ull};
    /* zeros, ones, infinities, quiet and signaling NaNs of both signs, a
     * subnormal, rounding and conversion edges */
    static const uint32_t f32s[] = {0, 0x80000000u, 0x3f800000u, 0xbf800000u, 0x7f800000u, 0xff800000u,
                                    0x7fc00000u, 0xffc00000u, 0x7fa00001u, 0xff800001u, 0x7fc12345u,
                                    0x00000001u, 0x807fffffu, 0x3f000000u, 0x3fc00000u, 0xc0200000u,
                                    0x4b800000u, 0x4f000000u, 0xcf000000u, 0x4f800000u, 0x7f7fffffu};
    static const uint64_t f64s[] = {0, 0x8000000000000000ull, 0x3ff0000000000000ull, 0xbff0000000000000ull,
                                    0x7ff0000000000000ull, 0xfff0000000000000ull, 0x7ff8000000000000ull,
                                    0xfff8000000000000ull, 0x7ff4000000000001ull, 0xfff0000000000001ull,
                                    0x7ff8000012345678ull, 1, 0x3fe0000000000000ull, 0x3ff8000000000000ull,
                                    0x41e0000000000000ull, 0xc1e0000000000000ull, 0x41f0000000000000ull,
                                    0x4330000000000000ull, 0x7fefffffffffffffull};
    uint8_t b[16] = {0};
    uint32_t how = choose(g, 6);
    int w = how == 2 ? (chance(g, 2) ? 1 : 2) : how == 3 || how == 4 ? 4 : 8;
    for (int i = 0; i < 16; i += w) {
        uint64_t v = 0;
        switch (how) {
        case 0: /* zeros */
            break;
        case 1: /* any bits */
            for (int k = 0; k < 8; k++)
                v = v << 8 | byte(g);
            break;
        case 2: case 3:
            v = ints[choose(g, sizeof ints / sizeof ints[0])];
            break;
        case 4:
            v = f32s[choose(g, sizeof f32s / sizeof f32s[0])];
            break;
        default:
            v = chance(g, 4) ? ints[choose(g, sizeof ints / sizeof ints[0])] : f64s[choose(g, sizeof f64s / sizeof f64s[0])];
            break;
        }
        for (int k = 0; k < w; k++)
            b[i + k] = (uint8_t)(v >> (8 * k));
    }
    put_simd(g->code, 12);
    put_bytes(g->code, b, 16);
}

/* Opcode ranges [lo, hi] after the 0xfd prefix. */
struct simd_range { uint16_t lo, hi; uint8_t nan; };
static const struct simd_range simd_unops[] = { /* v128 -> v128 */
    {77, 77, 0},           {94, 94, NAN_F32X4},   {95, 95, NAN_F64X2},   {96, 98, 0},
    {103, 106, NAN_F32X4}, {116, 117, NAN_F64X2}, {122, 122, NAN_F64X2}, {124, 129, 0},
    {135, 138, 0},         {148, 148, NAN_F64X2}, {160, 161, 0},         {167, 170, 0},
    {192, 193, 0},         {199, 202, 0},         {224, 225, 0},         {227, 227, NAN_F32X4},
    {236, 237, 0},         {239, 239, NAN_F64X2}, {248, 255, 0},         {0x101, 0x104, 0},
};
static const struct simd_range simd_binops[] = { /* v128 v128 -> v128 */
    {14, 14, 0},   {35, 76, 0},   {78, 81, 0},   {101, 102, 0}, {110, 115, 0},
    {118, 121, 0}, {123, 123, 0}, {130, 130, 0}, {133, 134, 0}, {142, 147, 0},
    {149, 153, 0}, {155, 159, 0}, {174, 174, 0}, {177, 177, 0}, {181, 186, 0},
    {188, 191, 0}, {206, 206, 0}, {209, 209, 0}, {213, 223, 0}, {228, 233, NAN_F32X4},
    {234, 235, 0}, {240, 245, NAN_F64X2}, {246, 247, 0}, {0x100, 0x100, 0}, {0x10d, 0x112, 0},
};
static const struct simd_range simd_ternops[] = { /* v128 v128 v128 -> v128 */
    {82, 82, 0}, {0x105, 0x10c, 0}, {0x113, 0x113, 0},
};
static const struct simd_range simd_shifts[] = { /* v128 i32 -> v128 */
    {107, 109, 0}, {139, 141, 0}, {171, 173, 0}, {203, 205, 0},
};
static const struct simd_range simd_tests[] = { /* v128 -> i32 */
    {83, 83, 0}, {99, 100, 0}, {131, 132, 0}, {163, 164, 0}, {195, 196, 0},
};
/* One opcode of the ranges; *nan its result's NaN shape. */
static uint32_t pick_simd(struct gen *g, const struct simd_range *r, size_t n, int *nan)
{
    uint32_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += r[i].hi - r[i].lo + 1u;
    uint32_t k = choose(g, total);
    for (size_t i = 0; i < n; i++) {
        uint32_t len = r[i].hi - r[i].lo + 1u;
        if (k < len) {
            *nan = r[i].nan;
            return r[i].lo + k;
        }
        k -= len;
    }
    *nan = r[0].nan;
    return r[0].lo;
}
#define PICK_SIMD(g, table, nan) pick_simd(g, table, sizeof table / sizeof table[0], nan)

/* Lane accesses: opcode, operand type, lanes. */
struct lane_op { uint8_t code, type, lanes; };
static const struct lane_op replace_lanes[] = {
    {23, I32, 16}, {26, I32, 8}, {28, I32, 4}, {30, I64, 2}, {32, F32, 4}, {34, F64, 2},
};
static const struct lane_op splats[] = { /* lanes unused */
    {15, I32, 16}, {16, I32, 8}, {17, I32, 4}, {18, I64, 2}, {19, F32, 4}, {20, F64, 2},
};
static const struct lane_op extract_lanes[] = {
    {21, I32, 16}, {22, I32, 16}, {24, I32, 8}, {25, I32, 8}, {27, I32, 4},
    {29, I64, 2},  {31, F32, 4},  {33, F64, 2},
};

/* A scalar made into a v128: a splat or a lane replaced. Float scalars
 * are canonicalized first (their NaN bits become v128 bits). */
static void gen_simd_from_scalar(struct gen *g)
{
    if (chance(g, 2)) {
        const struct lane_op *op = &splats[choose(g, sizeof splats / sizeof splats[0])];
        gen_expr(g, op->type);
        canon_nan(g, op->type);
        put_simd(g->code, op->code);
        return;
    }
    const struct lane_op *op = &replace_lanes[choose(g, sizeof replace_lanes / sizeof replace_lanes[0])];
    gen_expr(g, V128);
    gen_expr(g, op->type);
    canon_nan(g, op->type);
    put_simd(g->code, op->code);
    put(g->code, (uint8_t)choose(g, op->lanes));
}

/* A scalar of type t taken from a v128: a lane, or (i32) a test or mask. */
static void gen_simd_to_scalar(struct gen *g, uint8_t t)
{
    if (t == I32 && chance(g, 3)) {
        int nan;
        uint32_t op = PICK_SIMD(g, simd_tests, &nan);
        gen_expr(g, V128);
        put_simd(g->code, op);
        return;
    }
    const struct lane_op *c[8];
    uint32_t k = 0;
    for (size_t i = 0; i < sizeof extract_lanes / sizeof extract_lanes[0]; i++)
        if (extract_lanes[i].type == t)
            c[k++] = &extract_lanes[i];
    const struct lane_op *op = c[choose(g, k)];
    gen_expr(g, V128);
    put_simd(g->code, op->code);
    put(g->code, (uint8_t)choose(g, op->lanes));
}

static void gen_simd_unop(struct gen *g)
{
    int nan;
    uint32_t op = PICK_SIMD(g, simd_unops, &nan);
    gen_expr(g, V128);
    put_simd(g->code, op);
    canon_v128(g, nan);
}

static void gen_shuffle_lanes(struct gen *g)
{
    uint8_t lanes[16];
    uint32_t how = choose(g, 4);
    for (int i = 0; i < 16; i++)
        switch (how) {
        case 0: lanes[i] = (uint8_t)i; break;                   /* the first operand */
        case 1: lanes[i] = (uint8_t)(i ^ (1 + choose(g, 15))); break;
        case 2: lanes[i] = (uint8_t)(i / 2 + (i & 1) * 16); break; /* interleave */
        default: lanes[i] = (uint8_t)choose(g, 32); break;
        }
    put_bytes(g->code, lanes, 16);
}

/* Two or three v128 operands, or a shift. */
static void gen_simd_binop(struct gen *g)
{
    int nan = NAN_NONE;
    switch (choose(g, 10)) {
    case 6: { /* shift by any i32 */
        uint32_t op = PICK_SIMD(g, simd_shifts, &nan);
        gen_expr(g, V128);
        gen_expr(g, I32);
        put_simd(g->code, op);
        break;
    }
    case 7: { /* v128.bitselect and the relaxed ternaries */
        uint32_t op = PICK_SIMD(g, simd_ternops, &nan);
        gen_expr(g, V128);
        gen_expr(g, V128);
        gen_expr(g, V128);
        put_simd(g->code, op);
        break;
    }
    case 8: /* i8x16.shuffle */
        gen_expr(g, V128);
        gen_expr(g, V128);
        put_simd(g->code, 13);
        gen_shuffle_lanes(g);
        break;
    case 9:
        gen_simd_from_scalar(g);
        break;
    default: {
        uint32_t op = PICK_SIMD(g, simd_binops, &nan);
        gen_expr(g, V128);
        gen_expr(g, V128);
        put_simd(g->code, op);
        canon_v128(g, nan);
        break;
    }
    }
}

/* Loads of a whole v128 from one address: opcode, log2 of the natural
 * alignment. */
static const struct { uint8_t code, natural; } v128_loads[] = {
    {0, 4}, {1, 3}, {2, 3}, {3, 3}, {4, 3}, {5, 3}, {6, 3}, {7, 0}, {8, 1}, {9, 2}, {10, 3}, {92, 2}, {93, 3},
};
/* The lane loads and stores, by log2 of the lane size: 84 + n, 88 + n. */

/* A v128 load of any kind (the address is generated here). Needs memory. */
static void gen_simd_load(struct gen *g)
{
    if (chance(g, 4)) { /* v128.loadN_lane */
        uint32_t n = choose(g, 4);
        gen_addr(g);
        gen_expr(g, V128);
        put_simd(g->code, 84 + n);
        gen_memarg(g, n);
        put(g->code, (uint8_t)choose(g, 16u >> n));
        return;
    }
    uint32_t k = choose(g, sizeof v128_loads / sizeof v128_loads[0]);
    gen_addr(g);
    put_simd(g->code, v128_loads[k].code);
    gen_memarg(g, v128_loads[k].natural);
}

/* A statement: v128.store or v128.storeN_lane. Needs memory. */
static void gen_simd_store(struct gen *g)
{
    gen_addr(g);
    gen_expr(g, V128);
    if (chance(g, 2)) {
        put_simd(g->code, 11);
        gen_memarg(g, 4);
        return;
    }
    uint32_t n = choose(g, 4);
    put_simd(g->code, 88 + n);
    gen_memarg(g, n);
    put(g->code, (uint8_t)choose(g, 16u >> n));
}

/* ---- references ---- */

static void gen_ref(struct gen *g, uint8_t rt)
{
    uint32_t table = rt == FUNCREF ? 0 : 1;
    switch (choose(g, 4)) {
    case 1:
        if (rt == FUNCREF) {
            put(g->code, 0xd2); /* ref.func: every function is exported, so declared */
            put_u(g->code, choose(g, g->nfuncs));
            return;
        }
        break;
    case 2:
        if (g->depth < MAX_EXPR_DEPTH) {
            g->depth++;
            gen_expr(g, I32);
            g->depth--;
            put(g->code, 0x25); /* table.get */
            put_u(g->code, table);
            return;
        }
        break;
    case 3:
        if (g->depth < MAX_EXPR_DEPTH) {
            g->depth++;
            gen_ref(g, rt);
            gen_ref(g, rt);
            gen_expr(g, I32);
            g->depth--;
            put(g->code, 0x1c); /* typed select */
            put_u(g->code, 1);
            put(g->code, rt);
            return;
        }
        break;
    }
    put(g->code, 0xd0);
    put(g->code, rt);
}
/* A reference type whose table exists. */
static uint8_t reftype(struct gen *g) { return g->has_table1 && chance(g, 3) ? EXTERNREF : FUNCREF; }

/* ---- control ---- */

static void push_label(struct gen *g, const uint8_t *types, uint32_t n, bool loop)
{
    if (g->nlabels == MAX_LABELS)
        abort(); /* bounded by MAX_EXPR_DEPTH */
    struct label *l = &g->labels[g->nlabels++];
    l->n = (uint8_t)n;
    if (n)
        memcpy(l->types, types, n);
    l->loop = loop;
    l->kind = loop ? L_LOOP : L_BLOCK;
    l->inits = g->inits;
}
/* The end of the innermost block: the locals set inside it are unset again. */
static void pop_label(struct gen *g)
{
    g->inits = g->labels[--g->nlabels].inits;
}
/* else, or a legacy catch: the same block begins again. */
static void restart_label(struct gen *g)
{
    g->inits = g->labels[g->nlabels - 1].inits;
}

/* A type whose results are res and (when no_params) whose params are
 * empty; -1 when there is none. */
static int find_blocktype(struct gen *g, const uint8_t *res, uint32_t nres, bool no_params)
{
    uint32_t c[MAX_TYPES], k = 0;
    for (uint32_t i = 0; i < g->ntypes; i++)
        if (same_types(g->types[i].r, g->types[i].nr, res, nres) && (!no_params || g->types[i].np == 0))
            c[k++] = i;
    return k ? (int)c[choose(g, k)] : -1;
}
static void put_blocktype(struct gen *g, int type, const uint8_t *res, uint32_t nres)
{
    if (type >= 0)
        put_s(g->code, type);
    else if (nres == 0)
        put(g->code, 0x40);
    else
        put_valtype(g->code, res[0]);
}

/* block/if/loop producing res (nres <= 1 unless type >= 0). For a type
 * index with params, the params are generated before it. */
static void gen_structured(struct gen *g, uint8_t kind, int type, const uint8_t *res, uint32_t nres)
{
    const struct ftype *bt = type >= 0 ? &g->types[type] : NULL;
    uint32_t np = bt ? bt->np : 0;
    if (np)
        gen_values(g, bt->p, np);
    int counter = -1;
    if (kind == 0x03) /* loop: counts a fresh local down from a small number */
        counter = new_local(g, I32);
    if (counter >= 0) {
        put(g->code, 0x41);
        put_s(g->code, chance(g, 16) ? -1 : (int32_t)choose(g, 6));
        put(g->code, 0x21);
        put_u(g->code, (uint32_t)counter);
    }
    if (kind == 0x04)
        gen_expr(g, I32);
    put(g->code, kind);
    put_blocktype(g, type, res, nres);
    push_label(g, kind == 0x03 ? (bt ? bt->p : NULL) : res, kind == 0x03 ? np : nres, kind == 0x03);
    consume(g, bt ? bt->p : NULL, np);
    gen_stmts(g, 4);
    if (counter >= 0) {
        put(g->code, 0x20);
        put_u(g->code, (uint32_t)counter);
        put(g->code, 0x41);
        put_s(g->code, 1);
        put(g->code, 0x6b); /* i32.sub */
        put(g->code, 0x22);
        put_u(g->code, (uint32_t)counter);
        if (np == 0) {
            put(g->code, 0x0d); /* br_if back to the loop */
            put_u(g->code, 0);
        } else {
            put(g->code, 0x1a);
        }
    }
    gen_values(g, res, nres);
    if (kind == 0x04 && (nres || np || chance(g, 2))) {
        put(g->code, 0x05); /* else */
        restart_label(g);
        consume(g, bt ? bt->p : NULL, np);
        gen_stmts(g, 3);
        gen_values(g, res, nres);
    }
    put(g->code, 0x0b);
    pop_label(g);
}

/* A label to branch to (relative depth), loops mostly avoided. */
static uint32_t pick_label(struct gen *g)
{
    for (int tries = 0; tries < 4; tries++) {
        uint32_t l = choose(g, g->nlabels);
        if (!g->labels[l].loop || chance(g, 8))
            return g->nlabels - 1 - l;
    }
    return g->nlabels - 1; /* the function's own label */
}
static const struct label *label_at(struct gen *g, uint32_t depth)
{
    return &g->labels[g->nlabels - 1 - depth];
}

static int find_func(struct gen *g, const uint8_t *res, uint32_t nres);
static int find_type(struct gen *g, const uint8_t *res, uint32_t nres);
static void gen_call_indirect_tail(struct gen *g, uint32_t type, uint8_t op);
static void gen_call_ref(struct gen *g, uint32_t k, uint8_t op);
static void gen_throw(struct gen *g);
static void gen_ref_expr(struct gen *g, uint8_t t);
static void gen_new_expr(struct gen *g, uint8_t t);
static void gen_new_stmt(struct gen *g);
static bool new_features(void);

/* With wasm_gen_tail_calls: return_call of a function, or
 * return_call_indirect through a type, whose results are this function's;
 * false when there is none. */
static bool gen_tail_call(struct gen *g)
{
    if (wasm_gen_func_refs && chance(g, 3)) { /* return_call_ref */
        int k = find_type(g, g->fn->r, g->fn->nr);
        if (k >= 0) {
            gen_call_ref(g, (uint32_t)k, 0x15);
            return true;
        }
    }
    bool indirect = chance(g, 2);
    int x = indirect ? find_type(g, g->fn->r, g->fn->nr) : find_func(g, g->fn->r, g->fn->nr);
    if (x < 0)
        return false;
    if (indirect) {
        gen_call_indirect_tail(g, (uint32_t)x, 0x13);
        return true;
    }
    const struct ftype *ft = &g->types[g->func_type[x]];
    gen_values(g, ft->p, ft->np);
    put(g->code, 0x12);
    put_u(g->code, (uint32_t)x);
    return true;
}

/* Code that transfers control away: br, br_table, return, a tail call or
 * unreachable. */
static void gen_jump(struct gen *g)
{
    if (wasm_gen_exceptions && chance(g, 3)) {
        gen_throw(g);
        return;
    }
    if (wasm_gen_tail_calls && chance(g, 3) && gen_tail_call(g))
        return;
    switch (choose(g, 6)) {
    case 0:
        put(g->code, 0x00);
        break;
    case 1: case 2: {
        uint32_t d = pick_label(g);
        const struct label *l = label_at(g, d);
        gen_values(g, l->types, l->n);
        put(g->code, 0x0c);
        put_u(g->code, d);
        break;
    }
    case 3: case 4: {
        uint32_t d = pick_label(g);
        const struct label *l = label_at(g, d);
        uint32_t targets[8], n = choose(g, 8);
        uint32_t k = 0;
        for (uint32_t i = 0; i < n; i++) {
            uint32_t e = pick_label(g);
            const struct label *le = label_at(g, e);
            if (same_types(le->types, le->n, l->types, l->n))
                targets[k++] = e;
        }
        gen_values(g, l->types, l->n);
        gen_expr(g, I32);
        put(g->code, 0x0e);
        put_u(g->code, k);
        for (uint32_t i = 0; i < k; i++)
            put_u(g->code, targets[i]);
        put_u(g->code, d);
        break;
    }
    default:
        gen_values(g, g->fn->r, g->fn->nr);
        put(g->code, 0x0f);
        break;
    }
}

/* Functions whose results are exactly res. */
static int find_func(struct gen *g, const uint8_t *res, uint32_t nres)
{
    uint32_t c[MAX_FUNCS], k = 0;
    for (uint32_t i = 0; i < g->nfuncs; i++) {
        const struct ftype *ft = &g->types[g->func_type[i]];
        if (same_types(ft->r, ft->nr, res, nres))
            c[k++] = i;
    }
    return k ? (int)c[choose(g, k)] : -1;
}
static void gen_call(struct gen *g, uint32_t f)
{
    const struct ftype *ft = &g->types[g->func_type[f]];
    gen_values(g, ft->p, ft->np);
    put(g->code, 0x10);
    put_u(g->code, f);
}
static void gen_call_indirect(struct gen *g, uint32_t type)
{
    gen_call_indirect_tail(g, type, 0x11);
}
/* call_indirect (0x11) or return_call_indirect (0x13) through table 0. */
static void gen_call_indirect_tail(struct gen *g, uint32_t type, uint8_t op)
{
    const struct ftype *ft = &g->types[type];
    gen_values(g, ft->p, ft->np);
    if (chance(g, 4)) {
        gen_expr(g, I32);
    } else {
        put(g->code, 0x41);
        put_s(g->code, (int32_t)choose(g, g->table_min[0] + 1));
    }
    put(g->code, op);
    put_u(g->code, type);
    put_u(g->code, 0);
}
static int find_type(struct gen *g, const uint8_t *res, uint32_t nres)
{
    return find_blocktype(g, res, nres, false);
}

/* A small count or index for table and bulk memory operations. */
static void gen_small(struct gen *g, uint32_t limit)
{
    if (chance(g, 8)) {
        gen_expr(g, I32);
        return;
    }
    put(g->code, 0x41);
    put_s(g->code, (int32_t)choose(g, limit + 2));
}

/* ---- expressions ---- */

/* A br_if of a value of type t to a label (picked at random) that carries
 * exactly t; false, with nothing made, when the label carries something
 * else. */
static bool gen_br_if_value(struct gen *g, uint8_t t)
{
    uint8_t res[1] = {t};
    uint32_t d = pick_label(g);
    const struct label *l = label_at(g, d);
    if (!same_types(l->types, l->n, res, 1))
        return false;
    gen_expr(g, t);
    gen_expr(g, I32);
    put(g->code, 0x0d);
    put_u(g->code, d);
    return true;
}

static void gen_expr(struct gen *g, uint8_t t)
{
    if (is_ref(t)) {
        gen_ref_expr(g, t);
        return;
    }
    if (g->depth >= MAX_EXPR_DEPTH || g->budget == 0 || exhausted(g)) {
        int l = chance(g, 2) ? find_local(g, t) : -1;
        if (l >= 0) {
            put(g->code, 0x20);
            put_u(g->code, (uint32_t)l);
        } else {
            gen_const(g, t);
        }
        return;
    }
    g->budget--;
    g->depth++;
    uint8_t res[1] = {t};
    if (new_features() && chance(g, 6)) {
        gen_new_expr(g, t);
        g->depth--;
        return;
    }
    switch (choose(g, 30)) {
    case 0: case 1: case 2:
        gen_const(g, t);
        break;
    case 3: case 4: case 5: {
        int l = find_local(g, t);
        if (l < 0) {
            gen_const(g, t);
            break;
        }
        put(g->code, 0x20);
        put_u(g->code, (uint32_t)l);
        break;
    }
    case 6: {
        int l = find_local(g, t);
        if (l < 0) {
            gen_unop(g, t);
            break;
        }
        gen_expr(g, t);
        put(g->code, 0x22);
        put_u(g->code, (uint32_t)l);
        break;
    }
    case 7: {
        int gl = find_global(g, t, false);
        if (gl < 0) {
            gen_const(g, t);
            break;
        }
        put(g->code, 0x23);
        put_u(g->code, (uint32_t)gl);
        break;
    }
    case 8: case 9:
        gen_unop(g, t);
        break;
    case 10: case 11: case 12:
        gen_binop(g, t);
        break;
    case 13: case 14:
        if (t == I32)
            gen_compare(g);
        else
            gen_binop(g, t);
        break;
    case 15: case 16:
        gen_convert(g, t);
        break;
    case 17: case 18:
        if (g->has_memory && t == V128) {
            gen_simd_load(g);
        } else if (g->has_memory) {
            const struct memop *op = pick_memop(g, loads, sizeof loads / sizeof loads[0], t);
            gen_addr(g);
            put(g->code, op->op);
            gen_memarg(g, op->natural);
        } else {
            gen_convert(g, t);
        }
        break;
    case 19: /* memory.size, memory.grow, table.size, table.grow, ref.is_null */
        if (t != I32) {
            gen_unop(g, t);
            break;
        }
        switch (choose(g, 5)) {
        case 0:
            if (g->has_memory) {
                put(g->code, 0x3f);
                put_memory_index(g);
                if (g->mem64)
                    put(g->code, 0xa7); /* i32.wrap_i64 */
                break;
            }
            /* fall through */
        case 1:
            if (g->has_memory) {
                gen_small(g, 2);
                addr_to_memory(g);
                put(g->code, 0x40);
                put_memory_index(g);
                if (g->mem64)
                    put(g->code, 0xa7); /* i32.wrap_i64: -1 stays -1 */
                break;
            }
            /* fall through */
        case 2: {
            uint8_t rt = reftype(g);
            put(g->code, 0xfc);
            put_u(g->code, 16); /* table.size */
            put_u(g->code, rt == FUNCREF ? 0 : 1);
            break;
        }
        case 3: {
            uint8_t rt = reftype(g);
            gen_ref(g, rt);
            gen_small(g, 8);
            put(g->code, 0xfc);
            put_u(g->code, 15); /* table.grow */
            put_u(g->code, rt == FUNCREF ? 0 : 1);
            break;
        }
        default:
            gen_ref(g, reftype(g));
            put(g->code, 0xd1); /* ref.is_null */
            break;
        }
        break;
    case 20: /* select */
        gen_expr(g, t);
        gen_expr(g, t);
        gen_expr(g, I32);
        if (chance(g, 3)) {
            put(g->code, 0x1c);
            put_u(g->code, 1);
            put(g->code, t);
        } else {
            put(g->code, 0x1b);
        }
        break;
    case 21: { /* block (result t), or a type index with these results */
        int type = chance(g, 3) ? find_blocktype(g, res, 1, false) : -1;
        gen_structured(g, 0x02, type, res, 1);
        break;
    }
    case 22: {
        int type = chance(g, 3) ? find_blocktype(g, res, 1, false) : -1;
        gen_structured(g, 0x04, type, res, 1);
        break;
    }
    case 23: {
        int type = chance(g, 3) ? find_blocktype(g, res, 1, true) : -1;
        gen_structured(g, 0x03, type, res, 1);
        break;
    }
    case 24: case 25: {
        int f = find_func(g, res, 1);
        if (f < 0) {
            gen_binop(g, t);
            break;
        }
        gen_call(g, (uint32_t)f);
        break;
    }
    case 26: {
        int type = find_type(g, res, 1);
        if (type < 0) {
            gen_unop(g, t);
            break;
        }
        gen_call_indirect(g, (uint32_t)type);
        break;
    }
    case 27: /* br_if to a label that carries exactly t */
        if (!gen_br_if_value(g, t))
            gen_const(g, t);
        break;
    case 28: /* statements, then the value */
        gen_stmt(g);
        gen_expr(g, t);
        break;
    default:
        if (chance(g, 3))
            gen_jump(g); /* leaves a polymorphic stack: any t will do */
        else
            gen_const(g, t);
        break;
    }
    g->depth--;
}

/* ---- Wasm 3.0: typed function references and exception handling ---- */

bool wasm_gen_exceptions;
bool wasm_gen_legacy_exceptions_only;
bool wasm_gen_func_refs;

static bool new_features(void) { return wasm_gen_exceptions || wasm_gen_func_refs; }

/* A value type of any kind the options allow: valtype's, and with them
 * exnref, funcref and typed references to the types below limit. Without
 * the options exactly valtype (the same choices). */
static uint8_t anytype(struct gen *g, uint32_t limit)
{
    bool refs = wasm_gen_func_refs, exn = g->exnref_ok;
    if (!refs && !exn)
        return valtype(g);
    switch (choose(g, 10)) {
    case 6:
        if (exn)
            return EXNREF;
        break;
    case 7:
        if (refs)
            return FUNCREF;
        break;
    case 8:
        if (refs && limit)
            return REF_NULL(choose(g, limit));
        break;
    case 9:
        if (refs && limit) {
            uint32_t j = choose(g, limit);
            return chance(g, 2) ? REF_NONNULL(j) : REF_NULL(j);
        }
        break;
    }
    return valtype(g);
}

/* The nullable type of the same heap type. */
static uint8_t nullable_of(uint8_t t) { return is_typed_ref(t) ? REF_NULL(ref_index(t)) : t; }

/* A function (imports included) of type j, or -1. */
static int func_of_type(struct gen *g, uint32_t j)
{
    uint32_t c[MAX_FUNCS], k = 0;
    for (uint32_t i = 0; i < g->nfuncs; i++)
        if (g->func_type[i] == j)
            c[k++] = i;
    return k ? (int)c[choose(g, k)] : -1;
}

/* A reference of type t without subexpressions: ref.func of a function of
 * the type, ref.null, or (for a non-null type no function has) ref.null
 * made non-null, which traps. */
static void gen_ref_const(struct gen *g, uint8_t t)
{
    if (!is_typed_ref(t)) {
        if (t == FUNCREF && chance(g, 2)) {
            put(g->code, 0xd2);
            put_u(g->code, choose(g, g->nfuncs));
            return;
        }
        put(g->code, 0xd0);
        put(g->code, t == FUNCREF ? 0x70 : t == EXTERNREF ? 0x6f : 0x69);
        return;
    }
    uint32_t j = ref_index(t);
    int f = func_of_type(g, j);
    if (f >= 0 && (!defaultable(t) || !chance(g, 3))) {
        put(g->code, 0xd2); /* ref.func */
        put_u(g->code, (uint32_t)f);
        return;
    }
    put(g->code, 0xd0); /* ref.null $j */
    put_s(g->code, j);
    if (!defaultable(t))
        put(g->code, 0xd4); /* ref.as_non_null */
}

/* call_ref (0x14) or return_call_ref (0x15) of type k: the arguments, then
 * a reference to a function of the type (mostly one that cannot be null). */
static void gen_call_ref(struct gen *g, uint32_t k, uint8_t op)
{
    const struct ftype *ft = &g->types[k];
    gen_values(g, ft->p, ft->np);
    gen_expr(g, chance(g, 5) ? REF_NULL(k) : REF_NONNULL(k));
    put(g->code, op);
    put_u(g->code, k);
}

/* A label (absolute index) whose branch types are exactly types[0..n), or -1. */
static int find_label_with(struct gen *g, const uint8_t *types, uint32_t n)
{
    uint32_t c[MAX_LABELS], k = 0;
    for (uint32_t i = 0; i < g->nlabels; i++)
        if (same_types(g->labels[i].types, g->labels[i].n, types, n))
            c[k++] = i;
    return k ? (int)c[choose(g, k)] : -1;
}

/* Code that throws: `throw` of a tag with its payload, `rethrow` of the
 * exception a legacy catch around holds, or `throw_ref` (mostly of an
 * exnref local, which a catch_ref may have filled). */
static void gen_throw(struct gen *g)
{
    uint32_t k = choose(g, 5);
    if (k == 1) {
        uint32_t c[MAX_LABELS], n = 0;
        for (uint32_t i = 0; i < g->nlabels; i++)
            if (g->labels[i].kind == L_CATCH)
                c[n++] = g->nlabels - 1 - i;
        if (n) {
            put(g->code, 0x09); /* rethrow */
            put_u(g->code, c[choose(g, n)]);
            return;
        }
    }
    if (k == 2 && g->exnref_ok) {
        int l = find_local(g, EXNREF);
        if (l >= 0 && !chance(g, 4)) {
            put(g->code, 0x20);
            put_u(g->code, (uint32_t)l);
        } else {
            gen_expr(g, EXNREF);
        }
        put(g->code, 0x0a); /* throw_ref */
        return;
    }
    uint32_t tag = choose(g, g->ntags);
    const struct ftype *tt = &g->types[g->tag_type[tag]];
    gen_values(g, tt->p, tt->np);
    put(g->code, 0x08); /* throw */
    put_u(g->code, tag);
}

/* if (cond) throw ... end; the condition is mostly negated with eqz
 * (choice 0), so that a constant 0, where the input has run out, throws. */
static void gen_cond_throw(struct gen *g)
{
    gen_expr(g, I32);
    if (choose(g, 3) == 0)
        put(g->code, 0x45); /* i32.eqz */
    put(g->code, 0x04);
    put(g->code, 0x40);
    push_label(g, NULL, 0, false);
    gen_throw(g);
    put(g->code, 0x0b);
    pop_label(g);
}

/* The body of a try: statements, often a throw that may happen. */
static void gen_try_body(struct gen *g, const uint8_t *res, uint32_t nres)
{
    gen_stmts(g, 4);
    if (chance(g, 2))
        gen_cond_throw(g);
    if (chance(g, 3))
        gen_stmts(g, 2);
    gen_values(g, res, nres);
}

/* A try_table leaving res (nres <= 1) with 0-3 catch clauses, each to an
 * enclosing label of its payload's types or to a block made for it:
 *   block $out (res)
 *     block $w1 (payload 1) ... block $wk (payload k)
 *       try_table (res) (catch... $wi) (catch... $l) body end
 *       br $out
 *     end  consume payload k; res; br $out
 *     ...
 *   end  consume payload 1; res
 *   end */
static void gen_try_table(struct gen *g, const uint8_t *res, uint32_t nres)
{
    put(g->code, 0x02);
    put_blocktype(g, -1, res, nres);
    push_label(g, res, nres, false);
    uint32_t out = g->nlabels - 1;
    struct { uint8_t kind; uint32_t tag, label; } cl[3];
    uint32_t ncl = choose(g, 4), nwrap = 0;
    uint32_t wraps[3];
    for (uint32_t i = 0; i < ncl; i++) {
        uint8_t kind = (uint8_t)choose(g, 4), payload[MAX_RESULTS + 1];
        uint32_t tag = 0, n = 0;
        if (kind < 2) {
            tag = choose(g, g->ntags);
            const struct ftype *tt = &g->types[g->tag_type[tag]];
            memcpy(payload, tt->p, tt->np);
            n = tt->np;
        }
        if (kind & 1)
            payload[n++] = EXNREF;
        int label = chance(g, 3) ? find_label_with(g, payload, n) : -1;
        if (label < 0) {
            int type = n > 1 ? find_blocktype(g, payload, n, true) : -1;
            if ((n > 1 && type < 0) || g->nlabels + 4 > MAX_LABELS) {
                kind = 2; /* no block type for the payload: a catch_all instead */
                n = 0;
                type = -1;
                if (g->nlabels + 4 > MAX_LABELS) {
                    ncl = i;
                    break;
                }
            }
            put(g->code, 0x02);
            put_blocktype(g, type, payload, n);
            push_label(g, payload, n, false);
            label = (int)(g->nlabels - 1);
            wraps[nwrap++] = (uint32_t)label;
        }
        cl[i].kind = kind;
        cl[i].tag = tag;
        cl[i].label = (uint32_t)label;
    }
    put(g->code, 0x1f);
    put_blocktype(g, -1, res, nres);
    put_u(g->code, ncl);
    for (uint32_t i = 0; i < ncl; i++) {
        put(g->code, cl[i].kind);
        if (cl[i].kind < 2)
            put_u(g->code, cl[i].tag);
        put_u(g->code, g->nlabels - 1 - cl[i].label);
    }
    push_label(g, res, nres, false);
    g->labels[g->nlabels - 1].kind = L_TRY;
    gen_try_body(g, res, nres);
    put(g->code, 0x0b);
    pop_label(g);
    if (nwrap) {
        put(g->code, 0x0c); /* br $out */
        put_u(g->code, g->nlabels - 1 - out);
    }
    while (nwrap-- > 0) {
        struct label w = g->labels[wraps[nwrap]];
        put(g->code, 0x0b);
        pop_label(g);
        consume(g, w.types, w.n);
        if (chance(g, 3))
            gen_stmts(g, 2);
        gen_values(g, res, nres);
        if (nwrap) {
            put(g->code, 0x0c);
            put_u(g->code, g->nlabels - 1 - out);
        }
    }
    put(g->code, 0x0b);
    pop_label(g);
}

/* A legacy try leaving res (nres <= 1): its body, then `delegate` to any
 * enclosing label, or 0-2 `catch` handlers and perhaps a `catch_all`
 * (in which `rethrow` may name the try). */
static void gen_legacy_try(struct gen *g, const uint8_t *res, uint32_t nres)
{
    put(g->code, 0x06);
    put_blocktype(g, -1, res, nres);
    push_label(g, res, nres, false);
    struct label *l = &g->labels[g->nlabels - 1];
    l->kind = L_TRY;
    gen_try_body(g, res, nres);
    if (chance(g, 5)) {
        pop_label(g);
        put(g->code, 0x18); /* delegate */
        put_u(g->code, choose(g, g->nlabels));
        return;
    }
    uint32_t ncatch = choose(g, 3);
    bool all = chance(g, 2);
    for (uint32_t i = 0; i < ncatch + all; i++) {
        restart_label(g);
        l = &g->labels[g->nlabels - 1];
        l->kind = L_CATCH;
        if (i < ncatch) {
            uint32_t tag = choose(g, g->ntags);
            const struct ftype *tt = &g->types[g->tag_type[tag]];
            put(g->code, 0x07); /* catch */
            put_u(g->code, tag);
            consume(g, tt->p, tt->np);
        } else {
            put(g->code, 0x19); /* catch_all */
        }
        gen_stmts(g, 3);
        gen_values(g, res, nres);
    }
    put(g->code, 0x0b);
    pop_label(g);
}

/* An exnref that is mostly not null: what a catch_all_ref around a body
 * that may throw catches.
 *   block (result exnref) try_table (catch_all_ref 0) body end ref end */
static void gen_caught_exnref(struct gen *g)
{
    uint8_t t = EXNREF;
    put(g->code, 0x02);
    put(g->code, EXNREF);
    push_label(g, &t, 1, false);
    put(g->code, 0x1f);
    put(g->code, 0x40);
    put_u(g->code, 1);
    put(g->code, 0x03); /* catch_all_ref */
    put_u(g->code, 0);
    push_label(g, NULL, 0, false);
    g->labels[g->nlabels - 1].kind = L_TRY;
    gen_try_body(g, NULL, 0);
    put(g->code, 0x0b);
    pop_label(g);
    gen_expr(g, EXNREF);
    put(g->code, 0x0b);
    pop_label(g);
}

/* A value of a reference type t (gen_expr's counterpart for them). */
static void gen_ref_expr(struct gen *g, uint8_t t)
{
    uint8_t res[1] = {t};
    if (g->depth >= MAX_EXPR_DEPTH || g->budget == 0 || exhausted(g)) {
        int l = chance(g, 2) ? find_local(g, t) : -1;
        if (l >= 0) {
            put(g->code, 0x20);
            put_u(g->code, (uint32_t)l);
        } else {
            gen_ref_const(g, t);
        }
        return;
    }
    g->budget--;
    g->depth++;
    switch (choose(g, 17)) {
    case 0: case 1: case 2:
        gen_ref_const(g, t);
        break;
    case 3: case 4: {
        int l = find_local(g, t);
        if (l < 0) {
            gen_ref_const(g, t);
            break;
        }
        put(g->code, 0x20);
        put_u(g->code, (uint32_t)l);
        break;
    }
    case 5: {
        int l = find_local_to_set(g, t);
        gen_expr(g, t);
        if (l >= 0)
            set_local(g, 0x22, l);
        break;
    }
    case 6: {
        uint8_t kind = (uint8_t[]){0x02, 0x04, 0x03}[choose(g, 3)];
        gen_structured(g, kind, -1, res, 1);
        break;
    }
    case 7: {
        int f = find_func(g, res, 1);
        if (f < 0)
            gen_ref_const(g, t);
        else
            gen_call(g, (uint32_t)f);
        break;
    }
    case 8: {
        int k = find_type(g, res, 1);
        if (k < 0)
            gen_ref_const(g, t);
        else if (wasm_gen_func_refs && chance(g, 2))
            gen_call_ref(g, (uint32_t)k, 0x14);
        else
            gen_call_indirect(g, (uint32_t)k);
        break;
    }
    case 9: /* select with its type */
        gen_expr(g, t);
        gen_expr(g, t);
        gen_expr(g, I32);
        put(g->code, 0x1c);
        put_u(g->code, 1);
        put_valtype(g->code, t);
        break;
    case 10: /* br_if to a label that carries exactly t */
        if (!gen_br_if_value(g, t))
            gen_ref_const(g, t);
        break;
    case 11:
        gen_stmt(g);
        gen_expr(g, t);
        break;
    case 12:
        if (chance(g, 2))
            gen_jump(g);
        else
            gen_ref_const(g, t);
        break;
    case 13:
        if (wasm_gen_exceptions) {
            if (g->exnref_ok && chance(g, 2))
                gen_try_table(g, res, 1);
            else
                gen_legacy_try(g, res, 1);
            break;
        }
        /* fall through */
    default: /* what only references have */
        if (t == EXNREF) {
            gen_caught_exnref(g);
        } else if (!wasm_gen_func_refs) {
            gen_ref_const(g, t);
        } else if (chance(g, 3)) {
            /* block (result t) <nullable t> br_on_non_null 0 ... t end */
            put(g->code, 0x02);
            put_valtype(g->code, t);
            push_label(g, res, 1, false);
            gen_expr(g, nullable_of(t));
            put(g->code, 0xd6);
            put_u(g->code, 0);
            gen_stmts(g, 1);
            gen_expr(g, t);
            put(g->code, 0x0b);
            pop_label(g);
        } else if (is_typed_ref(t) && !defaultable(t)) {
            /* ref.as_non_null, or br_on_null to a label without values */
            int l = chance(g, 2) ? find_label_with(g, NULL, 0) : -1;
            gen_expr(g, REF_NULL(ref_index(t)));
            if (l >= 0) {
                put(g->code, 0xd5);
                put_u(g->code, g->nlabels - 1 - (uint32_t)l);
            } else {
                put(g->code, 0xd4);
            }
        } else if (is_typed_ref(t)) {
            gen_expr(g, REF_NONNULL(ref_index(t))); /* a subtype */
        } else if (t == FUNCREF && g->ntypes) {
            gen_expr(g, chance(g, 2) ? REF_NONNULL(choose(g, g->ntypes)) : REF_NULL(choose(g, g->ntypes)));
        } else {
            gen_ref_const(g, t);
        }
        break;
    }
    g->depth--;
}

/* gen_expr's share of the new features for a number or v128 t: a try
 * (either kind) leaving it, call_ref, ref.is_null of a new kind of
 * reference. */
static void gen_new_expr(struct gen *g, uint8_t t)
{
    uint8_t res[1] = {t};
    switch (choose(g, 6)) {
    case 0: case 1: case 2:
        if (wasm_gen_exceptions) {
            if (g->exnref_ok && chance(g, 2))
                gen_try_table(g, res, 1);
            else
                gen_legacy_try(g, res, 1);
            return;
        }
        break;
    case 3: case 4:
        if (wasm_gen_func_refs) {
            int k = find_type(g, res, 1);
            if (k >= 0) {
                gen_call_ref(g, (uint32_t)k, 0x14);
                return;
            }
        }
        break;
    default:
        if (t == I32 && (wasm_gen_func_refs || g->exnref_ok)) {
            uint8_t rt = anytype(g, g->ntypes);
            if (is_ref(rt)) {
                gen_expr(g, rt);
                put(g->code, 0xd1); /* ref.is_null */
                return;
            }
        }
        break;
    }
    gen_unop(g, t);
}

/* gen_stmt's share of the new features. */
static void gen_new_stmt(struct gen *g)
{
    switch (choose(g, 12)) {
    case 0: case 1:
        if (g->exnref_ok) {
            gen_try_table(g, NULL, 0);
            return;
        }
        /* fall through */
    case 2: case 3:
        if (wasm_gen_exceptions) {
            gen_legacy_try(g, NULL, 0);
            return;
        }
        break;
    case 4:
        if (wasm_gen_exceptions) {
            gen_cond_throw(g);
            return;
        }
        break;
    case 5: case 6:
        if (wasm_gen_func_refs) { /* call_ref of any type, the results consumed */
            uint32_t k = choose(g, g->ntypes);
            gen_call_ref(g, k, 0x14);
            consume(g, g->types[k].r, g->types[k].nr);
            return;
        }
        break;
    case 7:
        if (wasm_gen_func_refs) { /* br_on_null to any label; consume the reference, then the values */
            uint32_t d = pick_label(g);
            struct label l = *label_at(g, d);
            uint8_t rt = chance(g, 4) ? FUNCREF : g->exnref_ok && chance(g, 4) ? EXNREF : REF_NULL(choose(g, g->ntypes));
            uint8_t nn = is_typed_ref(rt) ? REF_NONNULL(ref_index(rt)) : rt;
            gen_values(g, l.types, l.n);
            gen_expr(g, rt);
            put(g->code, 0xd5);
            put_u(g->code, d);
            consume(g, &nn, 1);
            consume(g, l.types, l.n);
            return;
        }
        break;
    case 8:
        if (wasm_gen_func_refs) { /* br_on_non_null to a label whose last type is a reference */
            uint32_t d = pick_label(g);
            struct label l = *label_at(g, d);
            if (!l.n || !is_ref(l.types[l.n - 1]) || l.types[l.n - 1] == EXTERNREF)
                break;
            uint8_t last = l.types[l.n - 1], rt = nullable_of(last);
            if (last == FUNCREF && chance(g, 2))
                rt = REF_NULL(choose(g, g->ntypes));
            gen_values(g, l.types, l.n - 1u);
            gen_expr(g, rt);
            put(g->code, 0xd6);
            put_u(g->code, d);
            consume(g, l.types, l.n - 1u);
            return;
        }
        break;
    default:
        break;
    }
    /* a value of any type, into a local or dropped */
    uint8_t t = anytype(g, g->ntypes);
    gen_expr(g, t);
    consume(g, &t, 1);
}

/* ---- stores that run off the end of memory ---- */

/* The accesses of store loops: the store, the load of the same width and
 * type (for copies and read-modify-write), their natural alignment (log2),
 * the width in bytes and, for lane stores, the lane count. prefix 0xfd:
 * SIMD. */
struct loop_access { uint8_t prefix, store, load, type, natural, width, lanes; };
static const struct loop_access loop_accesses[] = {
    {0, 0x3a, 0x2d, I32, 0, 1, 0},  {0, 0x3b, 0x2e, I32, 1, 2, 0},  {0, 0x36, 0x28, I32, 2, 4, 0},
    {0, 0x3c, 0x30, I64, 0, 1, 0},  {0, 0x3d, 0x33, I64, 1, 2, 0},  {0, 0x3e, 0x35, I64, 2, 4, 0},
    {0, 0x37, 0x29, I64, 3, 8, 0},  {0, 0x38, 0x2a, F32, 2, 4, 0},  {0, 0x39, 0x2b, F64, 3, 8, 0},
    {0xfd, 11, 0, V128, 4, 16, 0},  {0xfd, 88, 84, V128, 0, 1, 16}, {0xfd, 89, 85, V128, 1, 2, 8},
    {0xfd, 90, 86, V128, 2, 4, 4},  {0xfd, 91, 87, V128, 3, 8, 2},
};

static void put_local(struct gen *g, uint8_t op, int l)
{
    put(g->code, op);
    put_u(g->code, (uint32_t)l);
}
static void put_i32(struct gen *g, int32_t v)
{
    put(g->code, 0x41);
    put_s(g->code, v);
}
/* A memarg for loop accesses: any alignment up to natural, offset 0 or small. */
static void gen_loop_memarg(struct gen *g, uint32_t natural, uint32_t offset)
{
    put_u(g->code, choose(g, natural + 1));
    put_u(g->code, offset);
}

/* A value of type t made from the i32 local n (distinct per iteration). */
static void gen_counter_value(struct gen *g, uint8_t t, int n)
{
    put_local(g, 0x20, n);
    switch (t) {
    case I32:
        if (chance(g, 2)) {
            put_i32(g, 0x01010101);
            put(g->code, 0x6c); /* i32.mul */
        }
        break;
    case I64:
        put(g->code, 0xad); /* i64.extend_i32_u */
        if (chance(g, 2)) {
            put(g->code, 0x42);
            put_s(g->code, 0x0101010101010101ll);
            put(g->code, 0x7e); /* i64.mul */
        }
        break;
    case F32: put(g->code, 0xb2); break; /* f32.convert_i32_s */
    case F64: put(g->code, 0xb7); break; /* f64.convert_i32_s */
    default: put_simd(g->code, 15 + choose(g, 3)); break; /* i8x16, i16x8, i32x4.splat */
    }
}

/* An i32 address near the end of memory as it is now: (memory.size << 16) - back. */
static void put_end_addr(struct gen *g, uint32_t back)
{
    put(g->code, 0x3f);
    put(g->code, 0x00);
    if (g->mem64)
        put(g->code, 0xa7); /* i32.wrap_i64 */
    put_i32(g, 16);
    put(g->code, 0x74); /* i32.shl */
    put_i32(g, (int32_t)back);
    put(g->code, 0x6b); /* i32.sub */
}

/* The load of access a at the address on the stack (for a v128 lane store,
 * a whole v128 of any kind). */
static void gen_loop_load(struct gen *g, const struct loop_access *a, uint32_t offset)
{
    if (a->prefix == 0) {
        put(g->code, a->load);
        gen_loop_memarg(g, a->natural, offset);
        return;
    }
    uint32_t k = choose(g, sizeof v128_loads / sizeof v128_loads[0]);
    put_simd(g->code, v128_loads[k].code);
    gen_loop_memarg(g, v128_loads[k].natural, offset);
}

/* Side effects that a trap must leave visible: a mutable global set to a
 * value of the counter, an element of a table set. */
static void gen_visible_effects(struct gen *g, int n)
{
    if (chance(g, 2)) {
        uint8_t t = valtype(g);
        int gl = find_global(g, t, true);
        if (gl >= 0) {
            if (n >= 0)
                gen_counter_value(g, t, n);
            else {
                gen_expr(g, t);
                canon_nan(g, t);
            }
            put(g->code, 0x24);
            put_u(g->code, (uint32_t)gl);
        }
    }
    if (chance(g, 3)) {
        uint32_t table = g->has_table1 && g->table_min[1] && chance(g, 3) ? 1 : 0;
        if (n >= 0) {
            put_local(g, 0x20, n);
            put_i32(g, (int32_t)g->table_min[table]);
            put(g->code, 0x70); /* i32.rem_u: in range */
        } else {
            put_i32(g, (int32_t)choose(g, g->table_min[table]));
        }
        if (table == 1 || chance(g, 4)) {
            put(g->code, 0xd0);
            put(g->code, table == 1 ? EXTERNREF : FUNCREF);
        } else {
            put(g->code, 0xd2);
            put_u(g->code, choose(g, g->nfuncs));
        }
        put(g->code, 0x26); /* table.set */
        put_u(g->code, table);
    }
}

/* A loop that stores (a fill, a copy, or a read-modify-write) at addresses
 * p, p + step, p + 2 step, ... for a count of iterations, from a base that
 * is mostly near the end of memory, so that it runs off the end part-way
 * and traps: every store before the faulting access must be in memory, and
 * none after it. Each iteration may first set a global and a table element.
 *   p = base; n = count
 *   loop: [global.set, table.set] store(p, value); p += step; br_if (n -= 1)
 * Needs memory. */
static void gen_store_loop(struct gen *g)
{
    const struct loop_access *a = &loop_accesses[choose(g, sizeof loop_accesses / sizeof loop_accesses[0])];
    int p = new_local(g, I32), n = new_local(g, I32);
    if (p < 0 || n < 0 || p == n)
        return;
    int32_t w = a->width, step;
    switch (choose(g, 8)) {
    case 5: step = 2 * w; break;
    case 6: step = -w; break;
    case 7: step = 1 + (int32_t)choose(g, 24); break; /* overlapping or sparse */
    default: step = w; break;
    }
    uint32_t count = 1 + (chance(g, 4) ? choose(g, 700) : choose(g, 48));
    uint32_t span = count * (uint32_t)(step < 0 ? -step : step) + 16;
    uint32_t offset = chance(g, 4) ? choose(g, 40) : 0;
    /* the base */
    switch (choose(g, 5)) {
    case 0: case 1: /* runs off the end part-way (or below 0 going down) */
        if (step > 0)
            put_end_addr(g, choose(g, span));
        else
            put_i32(g, (int32_t)choose(g, span));
        break;
    case 2: /* the same from the memory's initial size */
        put_i32(g, (int32_t)(65536u * (g->memory_min ? g->memory_min : 1) - choose(g, span)));
        break;
    case 3: /* well inside */
        put_i32(g, (int32_t)choose(g, 1024));
        break;
    default:
        gen_addr32(g);
        break;
    }
    put_local(g, 0x21, p);
    put_i32(g, (int32_t)count);
    put_local(g, 0x21, n);
    put(g->code, 0x03); /* loop */
    put(g->code, 0x40);
    push_label(g, NULL, 0, true);
    gen_visible_effects(g, n);
    if (chance(g, 8))
        gen_stmt(g);
    put_local(g, 0x20, p);
    addr_to_memory(g);
    switch (choose(g, 4)) {
    case 0: /* fill */
        gen_counter_value(g, a->type, n);
        break;
    case 1: { /* copy from p + delta: ahead (the load faults first), behind, or far */
        int32_t delta;
        switch (choose(g, 4)) {
        case 0: delta = w * (int32_t)(1 + choose(g, 4)); break;
        case 1: delta = -(int32_t)choose(g, 256); break;
        case 2: delta = (int32_t)choose(g, 64) - 32; break;
        default: delta = -(int32_t)(65536u * (1 + choose(g, 2))) + (int32_t)choose(g, 64); break;
        }
        put_local(g, 0x20, p);
        put_i32(g, delta);
        put(g->code, 0x6a); /* i32.add */
        addr_to_memory(g);
        gen_loop_load(g, a, offset);
        break;
    }
    case 2: /* read-modify-write: load p, combine with the counter */
        put_local(g, 0x20, p);
        addr_to_memory(g);
        gen_loop_load(g, a, offset);
        gen_counter_value(g, a->type, n);
        switch (a->type) {
        case I32: put(g->code, chance(g, 2) ? 0x6a : 0x73); break; /* add, xor */
        case I64: put(g->code, chance(g, 2) ? 0x7c : 0x85); break;
        case F32: put(g->code, 0x92); canon_nan(g, F32); break;    /* add */
        case F64: put(g->code, 0xa0); canon_nan(g, F64); break;
        default: put_simd(g->code, chance(g, 2) ? 110 : 81); break; /* i8x16.add, v128.xor */
        }
        break;
    default: /* any value */
        gen_expr(g, a->type);
        canon_nan(g, a->type);
        break;
    }
    if (a->prefix)
        put_simd(g->code, a->store);
    else
        put(g->code, a->store);
    gen_loop_memarg(g, a->natural, offset);
    if (a->lanes)
        put(g->code, (uint8_t)choose(g, a->lanes));
    put_local(g, 0x20, p);
    put_i32(g, step);
    put(g->code, 0x6a);
    put_local(g, 0x21, p);
    put_local(g, 0x20, n);
    put_i32(g, 1);
    put(g->code, 0x6b);
    put_local(g, 0x22, n);
    put(g->code, 0x0d); /* br_if 0 */
    put_u(g->code, 0);
    pop_label(g);
    put(g->code, 0x0b);
}

/* Stores to a global, a table and memory, then a load that may be out of
 * bounds: what the stores did must be visible after the trap. Needs memory. */
static void gen_effects_then_load(struct gen *g)
{
    gen_visible_effects(g, -1);
    const struct loop_access *a = &loop_accesses[choose(g, sizeof loop_accesses / sizeof loop_accesses[0])];
    if (chance(g, 2)) { /* a store just below the end */
        put_end_addr(g, choose(g, 64));
        addr_to_memory(g);
        gen_expr(g, a->type);
        canon_nan(g, a->type);
        if (a->prefix)
            put_simd(g->code, a->store);
        else
            put(g->code, a->store);
        gen_loop_memarg(g, a->natural, 0);
        if (a->lanes)
            put(g->code, (uint8_t)choose(g, a->lanes));
    }
    a = &loop_accesses[choose(g, sizeof loop_accesses / sizeof loop_accesses[0])];
    if (chance(g, 3)) {
        put_end_addr(g, choose(g, 2 * a->width + 2));
        addr_to_memory(g);
    } else {
        gen_addr(g);
    }
    gen_loop_load(g, a, chance(g, 4) ? choose(g, 24) : 0);
    if (a->type == V128 && a->lanes == 0 && chance(g, 3)) {
        /* and a lane of it */
        put_simd(g->code, 27);
        put(g->code, (uint8_t)choose(g, 4));
        consume(g, (const uint8_t[]){I32}, 1);
        return;
    }
    consume(g, &a->type, 1);
}

/* ---- statements ---- */

static void gen_stmt(struct gen *g)
{
    if (g->budget == 0 || exhausted(g) || g->depth >= MAX_EXPR_DEPTH) {
        put(g->code, 0x01); /* nop */
        return;
    }
    g->budget--;
    g->depth++;
    if (new_features() && chance(g, 5)) {
        gen_new_stmt(g);
        g->depth--;
        return;
    }
    switch (choose(g, 28)) {
    case 0:
        put(g->code, 0x01);
        break;
    case 24: case 25:
        if (g->has_memory)
            gen_store_loop(g);
        break;
    case 26:
        if (g->has_memory)
            gen_effects_then_load(g);
        break;
    case 27:
        if (g->has_memory)
            gen_simd_store(g);
        break;
    case 1: case 2:
        gen_expr(g, valtype(g));
        put(g->code, 0x1a);
        break;
    case 3: case 4: {
        uint8_t t = valtype(g);
        int l = find_local(g, t);
        gen_expr(g, t);
        if (l < 0) {
            put(g->code, 0x1a);
            break;
        }
        put(g->code, 0x21);
        put_u(g->code, (uint32_t)l);
        break;
    }
    case 5: {
        uint8_t t = valtype(g);
        int gl = find_global(g, t, true);
        gen_expr(g, t);
        if (gl < 0) {
            put(g->code, 0x1a);
            break;
        }
        put(g->code, 0x24);
        put_u(g->code, (uint32_t)gl);
        break;
    }
    case 6: case 7: {
        if (!g->has_memory)
            break;
        uint8_t t = numtype(g);
        const struct memop *op = pick_memop(g, stores, sizeof stores / sizeof stores[0], t);
        gen_addr(g);
        gen_expr(g, t);
        canon_nan(g, t);
        put(g->code, op->op);
        gen_memarg(g, op->natural);
        break;
    }
    case 8: /* bulk memory */
        if (!g->has_memory)
            break;
        switch (choose(g, 4)) {
        case 0: /* memory.fill */
            gen_addr(g);
            gen_expr(g, I32);
            gen_small(g, 300);
            addr_to_memory(g);
            put(g->code, 0xfc);
            put_u(g->code, 11);
            put_memory_index(g);
            break;
        case 1: /* memory.copy */
            gen_addr(g);
            gen_addr(g);
            gen_small(g, 300);
            addr_to_memory(g);
            put(g->code, 0xfc);
            put_u(g->code, 10);
            put_memory_index(g);
            put_memory_index(g);
            break;
        case 2: /* memory.init */
            if (!g->ndatas)
                break;
            gen_addr(g);
            gen_small(g, 8);
            gen_small(g, 8);
            put(g->code, 0xfc);
            put_u(g->code, 8);
            put_u(g->code, choose(g, g->ndatas));
            put_memory_index(g);
            break;
        default: /* data.drop */
            if (!g->ndatas)
                break;
            put(g->code, 0xfc);
            put_u(g->code, 9);
            put_u(g->code, choose(g, g->ndatas));
            break;
        }
        break;
    case 9: { /* table operations */
        uint8_t rt = reftype(g);
        uint32_t table = rt == FUNCREF ? 0 : 1;
        switch (choose(g, 5)) {
        case 0: /* table.set */
            gen_small(g, g->table_min[table]);
            gen_ref(g, rt);
            put(g->code, 0x26);
            put_u(g->code, table);
            break;
        case 1: /* table.fill */
            gen_small(g, g->table_min[table]);
            gen_ref(g, rt);
            gen_small(g, 4);
            put(g->code, 0xfc);
            put_u(g->code, 17);
            put_u(g->code, table);
            break;
        case 2: /* table.copy within the table */
            gen_small(g, g->table_min[table]);
            gen_small(g, g->table_min[table]);
            gen_small(g, 4);
            put(g->code, 0xfc);
            put_u(g->code, 14);
            put_u(g->code, table);
            put_u(g->code, table);
            break;
        default: { /* table.init or elem.drop of a segment of this type */
            uint32_t c[MAX_ELEMS], k = 0;
            for (uint32_t i = 0; i < g->nelems; i++)
                if (g->elems[i].type == rt)
                    c[k++] = i;
            if (!k)
                break;
            uint32_t seg = c[choose(g, k)];
            if (chance(g, 3)) {
                put(g->code, 0xfc);
                put_u(g->code, 13);
                put_u(g->code, seg);
                break;
            }
            gen_small(g, g->table_min[table]);
            gen_small(g, 4);
            gen_small(g, 4);
            put(g->code, 0xfc);
            put_u(g->code, 12);
            put_u(g->code, seg);
            put_u(g->code, table);
            break;
        }
        }
        break;
    }
    case 10: case 11: { /* a block of any type's results, then drop them */
        const struct ftype *ft;
        int type = (int)choose(g, g->ntypes);
        ft = &g->types[type];
        uint8_t kind = (uint8_t[]){0x02, 0x04, 0x03}[choose(g, 3)];
        if (kind == 0x03 && ft->np)
            kind = 0x02;
        if (ft->nr <= 1 && ft->np == 0 && chance(g, 2))
            type = -1; /* the short form */
        gen_structured(g, kind, type, ft->r, ft->nr);
        consume(g, ft->r, ft->nr);
        break;
    }
    case 12: case 13: { /* call anything, drop the results */
        uint32_t f = choose(g, g->nfuncs);
        gen_call(g, f);
        const struct ftype *ft = &g->types[g->func_type[f]];
        consume(g, ft->r, ft->nr);
        break;
    }
    case 14: {
        uint32_t type = choose(g, g->ntypes);
        gen_call_indirect(g, type);
        consume(g, g->types[type].r, g->types[type].nr);
        break;
    }
    case 15: case 16: { /* br_if to any label, then drop what it leaves */
        uint32_t d = pick_label(g);
        const struct label *l = label_at(g, d);
        struct label copy = *l;
        gen_values(g, copy.types, copy.n);
        gen_expr(g, I32);
        put(g->code, 0x0d);
        put_u(g->code, d);
        consume(g, copy.types, copy.n);
        break;
    }
    case 17:
        if (chance(g, 3))
            gen_jump(g);
        break;
    default:
        gen_stmts(g, 2);
        break;
    }
    g->depth--;
}

static void gen_stmts(struct gen *g, uint32_t max)
{
    uint32_t n = choose(g, max + 1);
    for (uint32_t i = 0; i < n && g->budget; i++)
        gen_stmt(g);
}

/* ---- the module ---- */

/* Type index: its typed references (wasm_gen_func_refs) name the types
 * before it. */
static void gen_type(struct gen *g, struct ftype *t, uint32_t index)
{
    t->np = (uint8_t)choose(g, MAX_PARAMS + 1);
    t->nr = (uint8_t)choose(g, MAX_RESULTS + 1);
    if (t->nr > 1 && chance(g, 2))
        t->nr = 1;
    for (uint32_t i = 0; i < t->np; i++)
        t->p[i] = anytype(g, index);
    for (uint32_t i = 0; i < t->nr; i++)
        t->r[i] = anytype(g, index);
}

/* Whether some function has type j (no choice taken). */
static bool has_func_of_type(const struct gen *g, uint32_t j)
{
    for (uint32_t i = 0; i < g->nfuncs; i++)
        if (g->func_type[i] == j)
            return true;
    return false;
}

static void const_expr(struct buf *b, struct gen *g, uint8_t t)
{
    struct buf *saved = g->code;
    g->code = b;
    gen_const(g, t);
    g->code = saved;
    put(b, 0x0b);
}

/* An offset expression: i32.const, or i64.const for an i64 memory. */
static void put_offset_expr(struct buf *b, uint32_t v, bool is64)
{
    put(b, is64 ? 0x42 : 0x41);
    put_s(b, is64 ? (int64_t)v : (int32_t)v);
    put(b, 0x0b);
}

static void gen_body(struct gen *g, struct buf *out, uint32_t func, uint32_t budget)
{
    const struct ftype *ft = &g->types[g->func_type[func]];
    struct buf body = {0};
    g->code = &body;
    g->fn = ft;
    g->nlocals = 0;
    for (uint32_t i = 0; i < ft->np; i++)
        g->locals[g->nlocals++] = ft->p[i];
    uint32_t extra = choose(g, 7);
    for (uint32_t i = 0; i < extra; i++) {
        uint8_t t = anytype(g, g->ntypes);
        if (!defaultable(t) && !has_func_of_type(g, ref_index(t)))
            t = nullable_of(t); /* would trap when set */
        g->locals[g->nlocals++] = t;
    }
    g->inits = ((uint64_t)1 << ft->np) - 1; /* params are set */
    g->nlabels = 0;
    push_label(g, ft->r, ft->nr, false);
    g->budget = budget;
    g->depth = 0;
    /* Locals of non-null types: most are set at the top, the others
     * perhaps in some block before a read there. */
    for (uint32_t i = ft->np; i < g->nlocals; i++)
        if (!defaultable(g->locals[i]) && !chance(g, 4)) {
            gen_expr(g, g->locals[i]);
            set_local(g, 0x21, (int)i);
        }
    gen_stmts(g, 8);
    /* With exception handling, one function in three may end by throwing:
     * to its callers' handlers, or out of the exported call. */
    if (wasm_gen_exceptions && chance(g, 3))
        gen_cond_throw(g);
    /* The function's results, or (with tail calls, half the time) a tail
     * call that makes them. */
    if (!(wasm_gen_tail_calls && chance(g, 2) && gen_tail_call(g)))
        gen_values(g, ft->r, ft->nr);
    put(&body, 0x0b);

    /* locals, run-length encoded, then the body */
    struct buf entry = {0};
    uint32_t groups = 0;
    for (uint32_t i = ft->np; i < g->nlocals; i++)
        if (i == ft->np || g->locals[i] != g->locals[i - 1])
            groups++;
    put_u(&entry, groups);
    for (uint32_t i = ft->np; i < g->nlocals;) {
        uint32_t j = i;
        while (j < g->nlocals && g->locals[j] == g->locals[i])
            j++;
        put_u(&entry, j - i);
        put_valtype(&entry, g->locals[i]);
        i = j;
    }
    put_bytes(&entry, body.p, body.len);
    put_u(out, entry.len);
    put_bytes(out, entry.p, entry.len);
    free(body.p);
    free(entry.p);
    g->code = NULL;
}

uint8_t *wasm_gen(const uint8_t *data, size_t size, size_t *len)
{
    struct gen *g = calloc(1, sizeof *g);
    if (!g)
        abort();
    g->data = data;
    g->size = size;
    struct buf out = {0}, sec = {0};
    put_bytes(&out, "\0asm\1\0\0\0", 8);

    g->exnref_ok = wasm_gen_exceptions && !wasm_gen_legacy_exceptions_only;
    /* Types: type 0 is [] -> [] (for the start function). */
    g->ntypes = 1 + choose(g, MAX_TYPES);
    for (uint32_t i = 1; i < g->ntypes; i++)
        gen_type(g, &g->types[i], i);
    /* Tags (exception handling): each has a type [params] -> [], and the
     * catch clauses' blocks the types [] -> [params] and [] -> [params
     * exnref] where those need a type index. */
    if (wasm_gen_exceptions) {
        g->ntags = 1 + choose(g, MAX_TAGS);
        for (uint32_t k = 0; k < g->ntags; k++) {
            struct ftype tt = {0};
            tt.np = (uint8_t)choose(g, 4);
            for (uint32_t i = 0; i < tt.np; i++)
                tt.p[i] = numtype(g);
            g->tag_type[k] = g->ntypes;
            g->types[g->ntypes++] = tt;
            struct ftype bt = {0};
            bt.nr = tt.np;
            memcpy(bt.r, tt.p, tt.np);
            if (bt.nr >= 2)
                g->types[g->ntypes++] = bt;
            bt.r[bt.nr++] = EXNREF;
            if (g->exnref_ok && bt.nr >= 2)
                g->types[g->ntypes++] = bt;
        }
    }
    put_u(&sec, g->ntypes);
    for (uint32_t i = 0; i < g->ntypes; i++) {
        const struct ftype *t = &g->types[i];
        put(&sec, 0x60);
        put_u(&sec, t->np);
        for (uint32_t k = 0; k < t->np; k++)
            put_valtype(&sec, t->p[k]);
        put_u(&sec, t->nr);
        for (uint32_t k = 0; k < t->nr; k++)
            put_valtype(&sec, t->r[k]);
    }
    put_section(&out, 1, &sec);

    /* What is imported and defined. */
    g->nfunc_imports = choose(g, 3);
    uint32_t ndefined = 1 + choose(g, 8);
    g->nfuncs = g->nfunc_imports + ndefined;
    for (uint32_t i = 0; i < g->nfuncs; i++)
        g->func_type[i] = choose(g, g->ntypes);
    if (wasm_gen_func_refs) {
        /* The harnesses' stubs for imports have the import's type with
         * abstract references (a host function's type names no type
         * index), so imports use types without typed references. */
        for (uint32_t i = 0; i < g->nfunc_imports; i++) {
            const struct ftype *ft = &g->types[g->func_type[i]];
            for (uint32_t k = 0; k < ft->np + ft->nr; k++)
                if (is_typed_ref(k < ft->np ? ft->p[k] : ft->r[k - ft->np]))
                    g->func_type[i] = 0;
        }
        /* A type that some type refers to as (ref $j) gets a function (a
         * defined one changes its type: one whose type other functions
         * have, else one of a type no (ref $k) names), so that ref.func
         * can make such references and they need not trap. */
        bool wanted[MAX_ALL_TYPES] = {0};
        for (uint32_t i = 0; i < g->ntypes; i++)
            for (uint32_t k = 0; k < g->types[i].np + g->types[i].nr; k++) {
                uint8_t t = k < g->types[i].np ? g->types[i].p[k] : g->types[i].r[k - g->types[i].np];
                if (is_typed_ref(t) && !defaultable(t))
                    wanted[ref_index(t)] = true;
            }
        for (uint32_t j = 0; j < g->ntypes; j++) {
            if (!wanted[j] || has_func_of_type(g, j))
                continue;
            int spare = -1;
            for (uint32_t d = g->nfuncs; d-- > g->nfunc_imports && spare < 0;) {
                uint32_t same = 0;
                for (uint32_t i = 0; i < g->nfuncs; i++)
                    same += g->func_type[i] == g->func_type[d];
                if (same > 1)
                    spare = (int)d;
            }
            for (uint32_t d = g->nfuncs; d-- > g->nfunc_imports && spare < 0;)
                if (!wanted[g->func_type[d]])
                    spare = (int)d;
            if (spare >= 0)
                g->func_type[spare] = j;
        }
    }
    g->nglobal_imports = choose(g, 3);
    g->nglobals = g->nglobal_imports + choose(g, MAX_GLOBALS - 2);
    for (uint32_t i = 0; i < g->nglobals; i++) {
        g->globals[i].type = valtype(g);
        g->globals[i].mut = chance(g, 2);
    }
    g->has_memory = !chance(g, 10);
    g->memory_imported = g->has_memory && chance(g, 5);
    g->mem64 = g->has_memory && wasm_gen_memory64 && !chance(g, 4);
    g->memory_min = choose(g, 3);
    g->nmemories = g->has_memory ? 1 + (wasm_gen_memories > 1 ? choose(g, wasm_gen_memories) : 0) : 0;
    bool memory_has_max = chance(g, 2);
    uint32_t memory_max = g->memory_min + choose(g, 4);
    g->table0_imported = chance(g, 6);
    g->table_min[0] = g->nfuncs + choose(g, 5);
    bool table0_has_max = chance(g, 3);
    g->has_table1 = chance(g, 3);
    g->table_min[1] = choose(g, 6);

    /* Imports. */
    uint32_t nimports = g->nfunc_imports + g->nglobal_imports + g->memory_imported + g->table0_imported;
    put_u(&sec, nimports);
    char name[32];
    for (uint32_t i = 0; i < g->nfunc_imports; i++) {
        put_name(&sec, "env");
        snprintf(name, sizeof name, "f%u", i);
        put_name(&sec, name);
        put(&sec, 0x00);
        put_u(&sec, g->func_type[i]);
    }
    if (g->table0_imported) {
        put_name(&sec, "env");
        put_name(&sec, "table");
        put(&sec, 0x01);
        put(&sec, FUNCREF);
        put(&sec, table0_has_max ? 1 : 0);
        put_u(&sec, g->table_min[0]);
        if (table0_has_max)
            put_u(&sec, g->table_min[0] + 10);
    }
    if (g->memory_imported) {
        put_name(&sec, "env");
        put_name(&sec, "memory");
        put(&sec, 0x02);
        put(&sec, (memory_has_max ? 1 : 0) | (g->mem64 ? 4 : 0));
        put_u(&sec, g->memory_min);
        if (memory_has_max)
            put_u(&sec, memory_max);
    }
    for (uint32_t i = 0; i < g->nglobal_imports; i++) {
        put_name(&sec, "env");
        snprintf(name, sizeof name, "g%u", i);
        put_name(&sec, name);
        put(&sec, 0x03);
        put(&sec, g->globals[i].type);
        put(&sec, g->globals[i].mut);
    }
    put_section(&out, 2, &sec);

    /* Functions. */
    put_u(&sec, ndefined);
    for (uint32_t i = g->nfunc_imports; i < g->nfuncs; i++)
        put_u(&sec, g->func_type[i]);
    put_section(&out, 3, &sec);

    /* Tables. */
    uint32_t ntables = !g->table0_imported + g->has_table1;
    if (ntables) {
        put_u(&sec, ntables);
        if (!g->table0_imported) {
            put(&sec, FUNCREF);
            put(&sec, table0_has_max ? 1 : 0);
            put_u(&sec, g->table_min[0]);
            if (table0_has_max)
                put_u(&sec, g->table_min[0] + choose(g, 20));
        }
        if (g->has_table1) {
            put(&sec, EXTERNREF);
            put(&sec, 0);
            put_u(&sec, g->table_min[1]);
        }
        put_section(&out, 4, &sec);
    }

    /* Memory. */
    if (g->nmemories > g->memory_imported) {
        put_u(&sec, g->nmemories - g->memory_imported);
        if (!g->memory_imported) {
            put(&sec, (memory_has_max ? 1 : 0) | (g->mem64 ? 4 : 0));
            put_u(&sec, g->memory_min);
            if (memory_has_max)
                put_u(&sec, memory_max);
        }
        /* Memories 1 and up (multi-memory): 0-2 pages, no maximum. */
        for (uint32_t i = 1; i < g->nmemories; i++) {
            put(&sec, g->mem64 ? 4 : 0);
            put_u(&sec, choose(g, 3));
        }
        put_section(&out, 5, &sec);
    }

    /* Tags. */
    if (g->ntags) {
        put_u(&sec, g->ntags);
        for (uint32_t k = 0; k < g->ntags; k++) {
            put(&sec, 0x00); /* an exception */
            put_u(&sec, g->tag_type[k]);
        }
        put_section(&out, 13, &sec);
    }

    /* Globals. */
    if (g->nglobals > g->nglobal_imports) {
        put_u(&sec, g->nglobals - g->nglobal_imports);
        for (uint32_t i = g->nglobal_imports; i < g->nglobals; i++) {
            put(&sec, g->globals[i].type);
            put(&sec, g->globals[i].mut);
            /* An imported immutable global of the type, sometimes. */
            int src = -1;
            for (uint32_t j = 0; j < g->nglobal_imports; j++)
                if (g->globals[j].type == g->globals[i].type && !g->globals[j].mut)
                    src = (int)j;
            if (src >= 0 && chance(g, 2)) {
                put(&sec, 0x23);
                put_u(&sec, (uint32_t)src);
                put(&sec, 0x0b);
            } else {
                const_expr(&sec, g, g->globals[i].type);
            }
        }
        put_section(&out, 6, &sec);
    }

    /* Exports: every function, global, the memory and the tables. */
    uint32_t nexports = g->nfuncs + g->nglobals + g->has_memory + 1 + g->has_table1 + g->ntags;
    put_u(&sec, nexports);
    for (uint32_t i = 0; i < g->nfuncs; i++) {
        snprintf(name, sizeof name, "f%u", i);
        put_name(&sec, name);
        put(&sec, 0x00);
        put_u(&sec, i);
    }
    for (uint32_t i = 0; i < g->nglobals; i++) {
        snprintf(name, sizeof name, "g%u", i);
        put_name(&sec, name);
        put(&sec, 0x03);
        put_u(&sec, i);
    }
    if (g->has_memory) {
        put_name(&sec, "memory");
        put(&sec, 0x02);
        put_u(&sec, 0);
    }
    put_name(&sec, "table");
    put(&sec, 0x01);
    put_u(&sec, 0);
    if (g->has_table1) {
        put_name(&sec, "externs");
        put(&sec, 0x01);
        put_u(&sec, 1);
    }
    for (uint32_t k = 0; k < g->ntags; k++) {
        snprintf(name, sizeof name, "t%u", k);
        put_name(&sec, name);
        put(&sec, 0x04);
        put_u(&sec, k);
    }
    put_section(&out, 7, &sec);

    /* Start: a [] -> [] function, sometimes. */
    if (chance(g, 3)) {
        int f = -1;
        for (uint32_t i = 0; i < g->nfuncs; i++)
            if (g->types[g->func_type[i]].np == 0 && g->types[g->func_type[i]].nr == 0)
                f = (int)i;
        if (f >= 0) {
            put_u(&sec, (uint32_t)f);
            put_section(&out, 8, &sec);
        }
    }

    /* Elements: an active segment into table 0, then passive and
     * declarative ones. */
    {
        uint32_t n = 0;
        struct buf segs = {0};
        /* active, encoding 0 (table 0, funcref, indices) */
        uint32_t count = choose(g, g->nfuncs + 1);
        uint32_t offset = chance(g, 24) ? g->table_min[0] : choose(g, g->table_min[0] - count + 1);
        put(&segs, 0x00);
        put_offset_expr(&segs, offset, false);
        put_u(&segs, count);
        for (uint32_t i = 0; i < count; i++)
            put_u(&segs, chance(g, 4) ? choose(g, g->nfuncs) : i);
        g->elems[n].type = FUNCREF;
        g->elems[n++].count = count;
        /* passive, encoding 1 (funcref, indices) */
        count = choose(g, 6);
        put(&segs, 0x01);
        put(&segs, 0x00);
        put_u(&segs, count);
        for (uint32_t i = 0; i < count; i++)
            put_u(&segs, choose(g, g->nfuncs));
        g->elems[n].type = FUNCREF;
        g->elems[n++].count = count;
        /* passive, encoding 5 (funcref expressions) */
        if (chance(g, 2)) {
            count = choose(g, 5);
            put(&segs, 0x05);
            put(&segs, FUNCREF);
            put_u(&segs, count);
            for (uint32_t i = 0; i < count; i++) {
                if (chance(g, 3)) {
                    put(&segs, 0xd0);
                    put(&segs, FUNCREF);
                } else {
                    put(&segs, 0xd2);
                    put_u(&segs, choose(g, g->nfuncs));
                }
                put(&segs, 0x0b);
            }
            g->elems[n].type = FUNCREF;
            g->elems[n++].count = count;
        }
        /* passive externref (encoding 5), for table 1 */
        if (g->has_table1) {
            count = choose(g, 4);
            put(&segs, 0x05);
            put(&segs, EXTERNREF);
            put_u(&segs, count);
            for (uint32_t i = 0; i < count; i++) {
                put(&segs, 0xd0);
                put(&segs, EXTERNREF);
                put(&segs, 0x0b);
            }
            g->elems[n].type = EXTERNREF;
            g->elems[n++].count = count;
        }
        /* declarative, encoding 3 */
        if (chance(g, 2)) {
            count = 1 + choose(g, 3);
            put(&segs, 0x03);
            put(&segs, 0x00);
            put_u(&segs, count);
            for (uint32_t i = 0; i < count; i++)
                put_u(&segs, choose(g, g->nfuncs));
            g->elems[n].type = FUNCREF;
            g->elems[n++].count = count;
        }
        /* with typed function references, one that declares every
         * function for ref.func (exporting them declares them too) */
        if (wasm_gen_func_refs) {
            put(&segs, 0x03);
            put(&segs, 0x00);
            put_u(&segs, g->nfuncs);
            for (uint32_t i = 0; i < g->nfuncs; i++)
                put_u(&segs, i);
            g->elems[n].type = FUNCREF;
            g->elems[n++].count = g->nfuncs;
        }
        g->nelems = n;
        put_u(&sec, n);
        put_bytes(&sec, segs.p, segs.len);
        free(segs.p);
        put_section(&out, 9, &sec);
    }

    /* Data count (for memory.init and data.drop), decided before the code. */
    g->ndatas = choose(g, MAX_DATAS + 1);
    put_u(&sec, g->ndatas);
    put_section(&out, 12, &sec);

    /* Code. */
    put_u(&sec, ndefined);
    uint32_t budget = MODULE_BUDGET / ndefined;
    if (size < 64)
        budget = budget < 40 ? budget : 40;
    for (uint32_t i = g->nfunc_imports; i < g->nfuncs; i++)
        gen_body(g, &sec, i, budget);
    put_section(&out, 10, &sec);

    /* Data: active segments into memory 0 (when there is one), passive ones. */
    put_u(&sec, g->ndatas);
    for (uint32_t i = 0; i < g->ndatas; i++) {
        uint32_t len = choose(g, 17);
        if (g->has_memory && chance(g, 2)) {
            put(&sec, 0x00);
            uint32_t limit = g->memory_min * 65536;
            uint32_t off = chance(g, 16) ? limit : (limit >= len ? choose(g, limit - len + 1 > 4096 ? 4096 : limit - len + 1) : 0);
            if (limit < len)
                off = 0; /* traps at instantiation: out of bounds */
            put_offset_expr(&sec, off, g->mem64);
        } else {
            put(&sec, 0x01);
        }
        put_u(&sec, len);
        for (uint32_t j = 0; j < len; j++)
            put(&sec, byte(g));
    }
    put_section(&out, 11, &sec);

    free(sec.p);
    free(g);
    *len = out.len;
    return out.p;
}
