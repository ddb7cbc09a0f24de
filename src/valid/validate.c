/* Module validation (spec section 3.4): every index in range, limits, the
 * start function, unique export names, constant expressions and segments,
 * then each function body through code.c. Entry point: module_validate. */
#include "valid/valid.h"

#include <pthread.h>
#include <stdlib.h>

#define MAX_MEMORY_PAGES 65536u
#define MAX_MEMORY64_PAGES ((uint64_t)1 << 48)
#define MAX_TABLE_SIZE 0xFFFFFFFFu

static bool invalid(struct validator *v, int64_t offset, const char *message, uint32_t index)
{
    return err_set(v->err, WISP_ERR_INVALID, offset, "%s %u", message, index);
}

/* A name for a message: quoted, with quotes, backslashes and unprintable
 * bytes escaped (names are arbitrary UTF-8, possibly with NULs), and cut
 * short so the spec wording and the rest of the message still fit. */
#define QUOTED_NAME_MAX 80
static const char *quote_name(const struct name *n, char out[QUOTED_NAME_MAX])
{
    static const char hex[] = "0123456789abcdef";
    size_t k = 0;
    out[k++] = '"';
    for (uint32_t i = 0; i < n->len; i++) {
        uint8_t c = (uint8_t)n->str[i];
        if (k + 4 + 5 > QUOTED_NAME_MAX) { /* room for this byte escaped, `..."` and NUL */
            memcpy(out + k, "...", 3);
            k += 3;
            break;
        }
        if (c == '"' || c == '\\') {
            out[k++] = '\\';
            out[k++] = (char)c;
        } else if (c < 0x20 || c == 0x7F) {
            out[k++] = '\\';
            out[k++] = hex[c >> 4];
            out[k++] = hex[c & 15];
        } else {
            out[k++] = (char)c;
        }
    }
    out[k++] = '"';
    out[k] = 0;
    return out;
}

/* ---- Types of the index spaces ------------------------------------------ */

static bool check_limits(struct validator *v, const struct limits *limits, uint64_t range,
                         const char *range_message, int64_t offset)
{
    if (limits->min > range || (limits->has_max && limits->max > range))
        return err_set(v->err, WISP_ERR_INVALID, offset, "%s", range_message);
    if (limits->has_max && limits->min > limits->max)
        return err_set(v->err, WISP_ERR_INVALID, offset,
                       "size minimum must not be greater than maximum: %llu > %llu",
                       (unsigned long long)limits->min, (unsigned long long)limits->max);
    return true;
}

/* memory64: an i64 table's bounds are any u64; an i64 memory's are at
 * most 2^48 pages (2^64 bytes). */
static bool check_table_type(struct validator *v, const struct tabletype *t, int64_t offset)
{
    if (t->limits.is64)
        return check_limits(v, &t->limits, UINT64_MAX, "table size", offset);
    return check_limits(v, &t->limits, MAX_TABLE_SIZE, "table size must be at most 2^32-1",
                        offset);
}

static bool check_memory_type(struct validator *v, const struct memtype *t, int64_t offset)
{
    if (t->limits.is64)
        return check_limits(v, &t->limits, MAX_MEMORY64_PAGES,
                            "memory size must be at most 2^48 pages (2^64 bytes)", offset);
    return check_limits(v, &t->limits, MAX_MEMORY_PAGES,
                        "memory size must be at most 65536 pages (4GiB)", offset);
}

static bool check_type_index(struct validator *v, uint32_t type, int64_t offset)
{
    return type < v->m->ntypes || invalid(v, offset, "unknown type", type);
}

/* A reference type's type index must name a type; inside the type section
 * one of its own group or before (bound). */
static bool check_valtype_below(struct validator *v, valtype_t t, uint32_t bound, int64_t offset)
{
    return !vt_is_index(t) || vt_index(t) < bound || invalid(v, offset, "unknown type", vt_index(t));
}

bool validate_valtype(struct validator *v, valtype_t t, int64_t offset)
{
    return check_valtype_below(v, t, v->m->ntypes, offset);
}

/* The type section: references in range, then equivalence classes
 * (module.canon), then each declared supertype: defined before its
 * subtype, not final, and matched (parameters contravariant, results
 * covariant). */
static bool check_types(struct validator *v)
{
    struct module *m = v->m;
    for (uint32_t i = 0; i < m->ntypes; i++) {
        const struct functype *t = &m->types[i];
        for (uint32_t k = 0; k < t->nparams + t->nresults; k++)
            if (!check_valtype_below(v, t->types[k], t->rec + t->rec_len, t->offset))
                return false;
        if (t->super && t->super - 1 >= i)
            return err_set(v->err, WISP_ERR_INVALID, t->offset, "%s %u: type %u's supertype %u %s",
                           t->super - 1 < m->ntypes ? "sub type" : "unknown type", t->super - 1, i,
                           t->super - 1, "is not defined before it");
    }
    module_canonicalize_types(m);
    for (uint32_t i = 0; i < m->ntypes; i++) {
        const struct functype *t = &m->types[i];
        if (!t->super)
            continue;
        const struct functype *s = &m->types[t->super - 1];
        if (!s->open)
            return err_set(v->err, WISP_ERR_INVALID, t->offset,
                           "sub type %u does not match super type %u: it is final", i, t->super - 1);
        bool ok = s->nparams == t->nparams && s->nresults == t->nresults;
        for (uint32_t k = 0; ok && k < t->nparams; k++)
            ok = module_valtype_sub(m, functype_params(s)[k], functype_params(t)[k]);
        for (uint32_t k = 0; ok && k < t->nresults; k++)
            ok = module_valtype_sub(m, functype_results(t)[k], functype_results(s)[k]);
        if (!ok)
            return err_set(v->err, WISP_ERR_INVALID, t->offset,
                           "sub type %u does not match super type %u", i, t->super - 1);
    }
    return true;
}

/* A table's element type, and its initializer when it has one (defined
 * tables): a table whose elements cannot be null must have one. */
static bool check_table_elem(struct validator *v, const struct tabletype *t, uint32_t index, int64_t offset)
{
    if (!validate_valtype(v, t->elem, offset))
        return false;
    if (t->init.len)
        return validate_const_expr(v, &t->init, t->elem, CONST_EXPR_TABLE_INIT, index);
    if (!valtype_defaultable(t->elem) && index >= v->m->ntable_imports)
        return err_set(v->err, WISP_ERR_INVALID, offset,
                       "type mismatch: table %u of %s needs an initial value (null is not one)", index,
                       valtype_name(t->elem));
    return true;
}

/* A tag's type: a function type whose params are the payload; it must
 * have no results. */
static bool check_tag_type(struct validator *v, uint32_t type, int64_t offset)
{
    if (!check_type_index(v, type, offset))
        return false;
    if (v->m->types[type].nresults != 0)
        return err_set(v->err, WISP_ERR_INVALID, offset,
                       "non-empty tag result type: type %u has %u result(s)", type,
                       v->m->types[type].nresults);
    return true;
}

static bool check_imports(struct validator *v)
{
    const struct module *m = v->m;
    for (uint32_t i = 0; i < m->nimports; i++) {
        const struct import *im = &m->imports[i];
        bool ok = true;
        switch (im->kind) {
        case EXT_FUNC: ok = check_type_index(v, im->desc.func_type, im->offset); break;
        case EXT_TABLE:
            ok = check_table_type(v, &im->desc.table, im->offset) &&
                 validate_valtype(v, im->desc.table.elem, im->offset);
            break;
        case EXT_MEMORY: ok = check_memory_type(v, &im->desc.memory, im->offset); break;
        case EXT_GLOBAL: ok = validate_valtype(v, im->desc.global.type, im->offset); break;
        case EXT_TAG: ok = check_tag_type(v, im->desc.tag_type, im->offset); break;
        default: break;
        }
        if (!ok)
            return false;
    }
    return true;
}

/* Imported tables and memories were checked with their import. Every
 * function's type is checked again here because the body checker relies on
 * it. */
static bool check_definitions(struct validator *v)
{
    const struct module *m = v->m;
    for (uint32_t f = 0; f < m->nfuncs; f++)
        if (!check_type_index(v, m->func_types[f], m->func_offsets[f]))
            return false;
    for (uint32_t t = m->ntable_imports; t < m->ntables; t++)
        if (!check_table_type(v, &m->tables[t], m->table_offsets[t]) ||
            !check_table_elem(v, &m->tables[t], t, m->table_offsets[t]))
            return false;
    if (m->nmemories > 1 && !(m->features & FEAT_MULTI_MEMORY))
        return err_set(v->err, WISP_ERR_INVALID, m->memory_offsets[1],
                       "multiple memories: Wasm 2.0 allows one, the module has %u",
                       m->nmemories);
    for (uint32_t i = m->nmemory_imports; i < m->nmemories; i++)
        if (!check_memory_type(v, &m->memories[i], m->memory_offsets[i]))
            return false;
    for (uint32_t t = m->ntag_imports; t < m->ntags; t++)
        if (!check_tag_type(v, m->tag_types[t], m->tag_offsets[t]))
            return false;
    for (uint32_t g = m->nglobal_imports; g < m->nglobals; g++)
        if (!validate_valtype(v, m->globals[g].type.type, m->globals[g].offset) ||
            !validate_const_expr(v, &m->globals[g].init, m->globals[g].type.type,
                                 CONST_EXPR_GLOBAL, g))
            return false;
    return true;
}

/* ---- C.refs ------------------------------------------------------------- */

static void declare_func(struct validator *v, uint32_t func)
{
    if (func < v->m->nfuncs)
        v->refs[func / 64] |= (uint64_t)1 << (func % 64);
}

/* Functions named anywhere outside function bodies (and the start section)
 * may be referenced by ref.func in a body. */
static void collect_refs(struct validator *v)
{
    const struct module *m = v->m;
    for (uint32_t g = m->nglobal_imports; g < m->nglobals; g++)
        const_expr_collect_refs(v, &m->globals[g].init);
    for (uint32_t t = m->ntable_imports; t < m->ntables; t++)
        if (m->tables[t].init.len)
            const_expr_collect_refs(v, &m->tables[t].init);
    for (uint32_t e = 0; e < m->nelems; e++) {
        const struct elem *el = &m->elems[e];
        for (uint32_t i = 0; i < el->count; i++) {
            if (el->funcs)
                declare_func(v, el->funcs[i]);
            else
                const_expr_collect_refs(v, &el->exprs[i]);
        }
    }
    for (uint32_t x = 0; x < m->nexports; x++)
        if (m->exports[x].kind == EXT_FUNC)
            declare_func(v, m->exports[x].index);
}

/* ---- Segments ----------------------------------------------------------- */

static bool check_elems(struct validator *v)
{
    const struct module *m = v->m;
    for (uint32_t e = 0; e < m->nelems; e++) {
        const struct elem *el = &m->elems[e];
        if (!validate_valtype(v, el->type, el->byte_offset))
            return false;
        for (uint32_t i = 0; i < el->count; i++) {
            if (el->funcs) {
                if (el->funcs[i] >= m->nfuncs)
                    return err_set(v->err, WISP_ERR_INVALID, el->byte_offset,
                                   "unknown function %u in element segment %u",
                                   el->funcs[i], e);
            } else if (!validate_const_expr(v, &el->exprs[i], el->type,
                                            CONST_EXPR_ELEM_ITEM, e)) {
                return false;
            }
        }
        if (el->mode != SEG_ACTIVE)
            continue;
        if (el->table >= m->ntables)
            return err_set(v->err, WISP_ERR_INVALID, el->byte_offset,
                           "unknown table %u in element segment %u", el->table, e);
        if (!module_valtype_sub(m, el->type, m->tables[el->table].elem))
            return err_set(v->err, WISP_ERR_INVALID, el->byte_offset,
                           "type mismatch: element segment %u of %s for table %u of %s", e,
                           valtype_name(el->type), el->table,
                           valtype_name(m->tables[el->table].elem));
        if (!validate_const_expr(v, &el->offset, limits_addrtype(&m->tables[el->table].limits),
                                 CONST_EXPR_ELEM_OFFSET, e))
            return false;
    }
    return true;
}

static bool check_datas(struct validator *v)
{
    const struct module *m = v->m;
    for (uint32_t d = 0; d < m->ndatas; d++) {
        const struct data *data = &m->datas[d];
        if (data->mode != SEG_ACTIVE)
            continue;
        if (data->memory >= m->nmemories)
            return err_set(v->err, WISP_ERR_INVALID, data->byte_offset,
                           "unknown memory %u in data segment %u", data->memory, d);
        if (!validate_const_expr(v, &data->offset, limits_addrtype(&m->memories[data->memory].limits),
                                 CONST_EXPR_DATA_OFFSET, d))
            return false;
    }
    return true;
}

/* ---- Start and exports -------------------------------------------------- */

static bool check_start(struct validator *v)
{
    const struct module *m = v->m;
    if (!m->has_start)
        return true;
    if (m->start >= m->nfuncs)
        return err_set(v->err, WISP_ERR_INVALID, m->start_offset,
                       "unknown function %u in the start section", m->start);
    const struct functype *type = &m->types[m->func_types[m->start]];
    if (type->nparams != 0 || type->nresults != 0)
        return err_set(v->err, WISP_ERR_INVALID, m->start_offset,
                       "start function: function %u must take and return nothing, not %u "
                       "param(s) and %u result(s)",
                       m->start, type->nparams, type->nresults);
    return true;
}

static bool check_export_index(struct validator *v, const struct export *ex)
{
    const struct module *m = v->m;
    const char *message;
    switch (ex->kind) {
    case EXT_FUNC:
        if (ex->index < m->nfuncs)
            return true;
        message = "unknown function";
        break;
    case EXT_TABLE:
        if (ex->index < m->ntables)
            return true;
        message = "unknown table";
        break;
    case EXT_MEMORY:
        if (ex->index < m->nmemories)
            return true;
        message = "unknown memory";
        break;
    case EXT_TAG:
        if (ex->index < m->ntags)
            return true;
        message = "unknown tag";
        break;
    default:
        if (ex->index < m->nglobals)
            return true;
        message = "unknown global";
        break;
    }
    char quoted[QUOTED_NAME_MAX];
    return err_set(v->err, WISP_ERR_INVALID, ex->offset, "%s %u in export %s", message,
                   ex->index, quote_name(&ex->name, quoted));
}

static uint32_t name_hash(const struct name *n)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (uint32_t i = 0; i < n->len; i++)
        h = (h ^ (uint8_t)n->str[i]) * 16777619u;
    return h;
}

static bool check_exports(struct validator *v)
{
    const struct module *m = v->m;
    for (uint32_t x = 0; x < m->nexports; x++)
        if (!check_export_index(v, &m->exports[x]))
            return false;

    /* Names must be unique: an open-addressing set of export indices + 1. */
    size_t cap = 16;
    while (cap < (size_t)m->nexports * 2)
        cap *= 2;
    uint32_t *slots = xcalloc(cap, sizeof *slots);
    bool ok = true;
    for (uint32_t x = 0; x < m->nexports && ok; x++) {
        const struct name *name = &m->exports[x].name;
        size_t s = name_hash(name) & (cap - 1);
        for (; slots[s]; s = (s + 1) & (cap - 1)) {
            const struct name *other = &m->exports[slots[s] - 1].name;
            if (other->len == name->len && memcmp(other->str, name->str, name->len) == 0) {
                char quoted[QUOTED_NAME_MAX];
                ok = err_set(v->err, WISP_ERR_INVALID, m->exports[x].offset,
                             "duplicate export name: %s (exports %u and %u)",
                             quote_name(name, quoted), slots[s] - 1, x);
                break;
            }
        }
        slots[s] = x + 1;
    }
    free(slots);
    return ok;
}

/* ---- The module --------------------------------------------------------- */

/* Function bodies of a large module are checked on two threads, split
 * where half the code bytes lie on each side; each thread has its own
 * stacks and error, and writes only its own functions' max_stack. The
 * error reported is the first function's that fails, as when checked in
 * order: the first half's if it fails, else the second's. */
#define PARALLEL_CODE_BYTES (1u << 20)

struct code_range {
    struct validator v;
    uint32_t from, to;
    bool ok;
    struct wisp_error err;
};

static void *check_range(void *arg)
{
    struct code_range *r = arg;
    r->ok = true;
    for (uint32_t i = r->from; r->ok && i < r->to; i++)
        r->ok = validate_code(&r->v, i);
    return NULL;
}

static bool check_codes(struct validator *v)
{
    const struct module *m = v->m;
    uint32_t ndefined = m->nfuncs - m->nfunc_imports, half = ndefined;
    uint64_t total = 0, sum = 0;
    for (uint32_t i = 0; i < ndefined; i++)
        total += m->codes[i].body_len;
    if (total >= PARALLEL_CODE_BYTES && ndefined >= 2)
        for (half = 0; half < ndefined - 1 && sum < total / 2; half++)
            sum += m->codes[half].body_len;
    struct code_range *second = NULL;
    pthread_t t;
    if (half < ndefined) {
        /* A validator of its own: the module-wide state shared, read only,
         * and empty stacks. */
        second = xcalloc(1, sizeof *second);
        second->v = (struct validator){.m = v->m, .err = &second->err, .refs = v->refs};
        memcpy(second->v.sigs, v->sigs, sizeof v->sigs);
        second->from = half;
        second->to = ndefined;
        if (pthread_create(&t, NULL, check_range, second) != 0) {
            free(second);
            second = NULL;
            half = ndefined; /* no thread: all of it here */
        }
    }
    bool ok = true;
    for (uint32_t i = 0; ok && i < half; i++)
        ok = validate_code(v, i);
    if (second) {
        pthread_join(t, NULL);
        if (ok && !second->ok) {
            *v->err = second->err;
            ok = false;
        }
        validator_free_stacks(&second->v);
        free(second);
    }
    return ok;
}

bool module_validate_types(struct module *m, struct wisp_error *err)
{
    struct validator v = {.m = m, .err = err};
    return check_types(&v);
}

bool module_validate(struct module *m, struct wisp_error *err)
{
    struct validator v = {.m = m, .err = err};
    v.refs = xcalloc(m->nfuncs / 64 + 1, sizeof *v.refs);
    free(m->max_stack);
    m->max_stack = xcalloc((size_t)(m->nfuncs - m->nfunc_imports) + 1, sizeof *m->max_stack);

    validator_init_sigs(&v);
    collect_refs(&v);
    bool ok = check_types(&v) && check_imports(&v) && check_definitions(&v) && check_elems(&v) &&
              check_datas(&v) && check_start(&v) && check_exports(&v) && check_codes(&v);

    free(v.refs);
    validator_free_stacks(&v);
    return ok;
}
