/* Types beyond their encoding: names for messages, subtyping, and the
 * spec's iso-recursive equivalence of defined types.
 *
 * Two defined types are equivalent when their recursion groups are the same
 * group, read with references inside the group relative to it and the
 * others by the identity of the type they name, and they sit at the same
 * place in it. The validator gives each module type the first index of an
 * equivalent type (module.canon), so that inside a module equivalence is
 * an integer compare; the store interns groups the same way across modules
 * (runtime/store.c), with the same two functions over a different index
 * space. */
#include "module.h"

#include <stdio.h>
#include <stdlib.h>

const char *valtype_name(valtype_t t)
{
    switch (t) {
    case VT_I32: return "i32";
    case VT_I64: return "i64";
    case VT_F32: return "f32";
    case VT_F64: return "f64";
    case VT_V128: return "v128";
    case VT_FUNCREF: return "funcref";
    case VT_EXTERNREF: return "externref";
    case HT_EXN: return "exnref";
    case HT_ANY: return "anyref";
    case HT_EQ: return "eqref";
    case HT_I31: return "i31ref";
    case HT_STRUCT: return "structref";
    case HT_ARRAY: return "arrayref";
    case HT_NONE: return "nullref";
    case HT_NOFUNC: return "nullfuncref";
    case HT_NOEXTERN: return "nullexternref";
    case HT_NOEXN: return "nullexnref";
    }
    if (!valtype_is_ref(t))
        return "<unknown type>";
    static const char *const heap[] = {
        [HT_EXN] = "exn", [HT_ARRAY] = "array", [HT_STRUCT] = "struct", [HT_I31] = "i31",
        [HT_EQ] = "eq", [HT_ANY] = "any", [HT_EXTERN] = "extern", [HT_FUNC] = "func",
        [HT_NONE] = "none", [HT_NOEXTERN] = "noextern", [HT_NOFUNC] = "nofunc", [HT_NOEXN] = "noexn",
    };
    static _Thread_local char bufs[4][40];
    static _Thread_local unsigned next;
    char *b = bufs[next++ % 4];
    const char *null = vt_nullable(t) ? "null " : "";
    if (vt_is_index(t))
        snprintf(b, sizeof bufs[0], "(ref %s%u)", null, vt_index(t));
    else
        snprintf(b, sizeof bufs[0], "(ref %s%s)", null, heap[vt_heap(t)]);
    return b;
}

/* ---- subtyping ---- */

static bool heap_sub(uint32_t a, uint32_t b)
{
    if (a == b)
        return true;
    switch (b) {
    case HT_FUNC: return a == HT_NOFUNC;
    case HT_EXTERN: return a == HT_NOEXTERN;
    case HT_EXN: return a == HT_NOEXN;
    case HT_ANY: return a == HT_EQ || a == HT_I31 || a == HT_STRUCT || a == HT_ARRAY || a == HT_NONE;
    case HT_EQ: return a == HT_I31 || a == HT_STRUCT || a == HT_ARRAY || a == HT_NONE;
    case HT_I31: case HT_STRUCT: case HT_ARRAY: return a == HT_NONE;
    default: return false;
    }
}

bool types_sub(const struct functype *types, const uint32_t *canon, uint32_t a, uint32_t b)
{
    /* Every supertype index is below its subtype's (validated), so the
     * chain ends. */
    for (;;) {
        if (canon ? canon[a] == canon[b] : a == b)
            return true;
        if (!types[a].super)
            return false;
        a = types[a].super - 1;
    }
}

bool valtype_sub_in(const struct functype *types, const uint32_t *canon, valtype_t a, valtype_t b)
{
    if (a == b)
        return true;
    if (!valtype_is_ref(a) || !valtype_is_ref(b))
        return false;
    if (vt_nullable(a) && !vt_nullable(b))
        return false;
    if (vt_is_index(a) && vt_is_index(b))
        return types_sub(types, canon, vt_index(a), vt_index(b));
    if (vt_is_index(a)) /* a function type: below func */
        return vt_heap(b) == HT_FUNC;
    if (vt_is_index(b)) /* only nofunc is below a function type */
        return vt_heap(a) == HT_NOFUNC;
    return heap_sub(vt_heap(a), vt_heap(b));
}

bool module_valtype_sub(const struct module *m, valtype_t a, valtype_t b)
{
    return valtype_sub_in(m->types, m->canon, a, b);
}

/* ---- recursion groups ---- */

/* A reference to type index x as the group sees it: relative to the group
 * (odd) or the mapped identity (even). */
static uint64_t ref_key(const struct rec_view *g, uint32_t x)
{
    if (x - g->start < g->len)
        return (uint64_t)(x - g->start) << 1 | 1;
    return (uint64_t)(g->map ? g->map[x] : x) << 1;
}

static uint64_t valtype_key(const struct rec_view *g, valtype_t t)
{
    if (!vt_is_index(t))
        return (uint64_t)t << 32;
    return (uint64_t)(t & (VT_NONNULL | 0xFF)) << 32 ^ ref_key(g, vt_index(t)) << 40 ^ ref_key(g, vt_index(t));
}

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    return h * 0xff51afd7ed558ccdull;
}

uint32_t rec_group_hash(const struct rec_view *g)
{
    uint64_t h = g->len;
    for (uint32_t i = 0; i < g->len; i++) {
        const struct functype *t = &g->types[g->start + i];
        h = mix(h, (uint64_t)t->nparams << 32 | t->nresults);
        h = mix(h, t->open | (t->super ? ref_key(g, t->super - 1) + 1 : 0) << 1);
        for (uint32_t k = 0; k < t->nparams + t->nresults; k++)
            h = mix(h, valtype_key(g, t->types[k]));
    }
    return (uint32_t)(h ^ h >> 32);
}

static bool same_ref(const struct rec_view *a, uint32_t x, const struct rec_view *b, uint32_t y)
{
    return ref_key(a, x) == ref_key(b, y);
}

static bool same_valtype(const struct rec_view *a, valtype_t s, const struct rec_view *b, valtype_t t)
{
    if (!vt_is_index(s) || !vt_is_index(t))
        return s == t;
    return (s & (VT_NONNULL | 0xFF)) == (t & (VT_NONNULL | 0xFF)) && same_ref(a, vt_index(s), b, vt_index(t));
}

bool rec_group_equal(const struct rec_view *a, const struct rec_view *b)
{
    if (a->len != b->len)
        return false;
    for (uint32_t i = 0; i < a->len; i++) {
        const struct functype *s = &a->types[a->start + i], *t = &b->types[b->start + i];
        if (s->nparams != t->nparams || s->nresults != t->nresults || s->open != t->open ||
            !s->super != !t->super || (s->super && !same_ref(a, s->super - 1, b, t->super - 1)))
            return false;
        for (uint32_t k = 0; k < s->nparams + s->nresults; k++)
            if (!same_valtype(a, s->types[k], b, t->types[k]))
                return false;
    }
    return true;
}

/* Every value type without an index, by its low 9 bits (the code and
 * VT_NONNULL): the one-element list of valtype_single, made by the
 * compiler (no initialization on the validator's path). */
#define SINGLE1(n) (n),
#define SINGLE2(n) SINGLE1(n) SINGLE1((n) + 1)
#define SINGLE8(n) SINGLE2(n) SINGLE2((n) + 2) SINGLE2((n) + 4) SINGLE2((n) + 6)
#define SINGLE64(n) SINGLE8(n) SINGLE8((n) + 8) SINGLE8((n) + 16) SINGLE8((n) + 24) \
    SINGLE8((n) + 32) SINGLE8((n) + 40) SINGLE8((n) + 48) SINGLE8((n) + 56)
static const valtype_t single_valtype[2 * 256] = {
    SINGLE64(0) SINGLE64(64) SINGLE64(128) SINGLE64(192) SINGLE64(256) SINGLE64(320) SINGLE64(384) SINGLE64(448)
};

const valtype_t *valtype_single(const struct module *m, valtype_t t)
{
    if (vt_is_index(t))
        return &m->singles[2 * vt_index(t) + !vt_nullable(t)];
    return &single_valtype[t & (VT_NONNULL | 0xFF)];
}

void module_canonicalize_types(struct module *m)
{
    free(m->canon);
    free(m->singles);
    m->canon = xmalloc((m->ntypes ? m->ntypes : 1) * sizeof *m->canon);
    m->singles = xmalloc((m->ntypes ? 2 * (size_t)m->ntypes : 1) * sizeof *m->singles);
    for (uint32_t i = 0; i < m->ntypes; i++) {
        m->singles[2 * i] = vt_ref_index(i, true);
        m->singles[2 * i + 1] = vt_ref_index(i, false);
    }
    /* Open addressing over group starts (+1, 0 = empty), twice the groups. */
    uint32_t cap = 16;
    while (cap < 2 * (uint64_t)m->ntypes)
        cap *= 2;
    uint32_t *slots = xcalloc(cap, sizeof *slots);
    for (uint32_t r = 0; r < m->ntypes; r += m->types[r].rec_len) {
        struct rec_view g = {m->types, r, m->types[r].rec_len, m->canon};
        uint32_t j = rec_group_hash(&g) & (cap - 1);
        for (; slots[j]; j = (j + 1) & (cap - 1)) {
            uint32_t h = slots[j] - 1;
            struct rec_view other = {m->types, h, m->types[h].rec_len, m->canon};
            if (rec_group_equal(&g, &other))
                break;
        }
        if (!slots[j])
            slots[j] = r + 1;
        for (uint32_t i = 0; i < g.len; i++)
            m->canon[r + i] = slots[j] - 1 + i;
    }
    free(slots);
}
