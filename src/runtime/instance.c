/* Instantiation, following the Wasm 2.0 algorithm step by step: match the
 * supplied imports against the module's import types, allocate the module's
 * objects, evaluate constant expressions, compile, apply element and data
 * segments in order, and run the start function. Also export lookup. */
#include "runtime/runtime.h"
#include "runtime/tier.h"

#include <stdio.h>
#include <stdlib.h>

#include "binary/instr.h"

/* store.c's internals, shared with this file only (see there). */
const struct functype *rt_store_type(struct rt_store *s, uint32_t id);
void rt_store_record(struct rt_store *s, uint8_t kind, void *p);
enum { OBJ_INSTANCE = 4 };

#define PAGE_SIZE 65536u

/* ---- Import matching ---- */

static const char *const kind_names[] = {"func", "table", "memory", "global", "tag"};

static const char *kind_name(uint8_t kind) { return kind < 5 ? kind_names[kind] : "unknown"; }

static void append(char *buf, size_t size, size_t *len, const char *text)
{
    if (*len < size)
        *len += (size_t)snprintf(buf + *len, size - *len, "%s", text);
}

/* "(i32 i64) -> (f32)", truncated to fit. */
static void format_functype(const struct functype *t, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = 0;
    append(buf, size, &len, "(");
    for (uint32_t i = 0; i < t->nparams + t->nresults; i++) {
        if (i == t->nparams)
            append(buf, size, &len, ") -> (");
        else if (i)
            append(buf, size, &len, " ");
        append(buf, size, &len, valtype_name(t->types[i]));
    }
    if (!t->nresults)
        append(buf, size, &len, ") -> (");
    append(buf, size, &len, ")");
}

static void format_limits(uint64_t min, bool has_max, uint64_t max, char *buf, size_t size)
{
    if (has_max)
        snprintf(buf, size, "%llu..%llu", (unsigned long long)min, (unsigned long long)max);
    else
        snprintf(buf, size, "%llu..", (unsigned long long)min);
}

/* Limits subtyping: the supplied object must be at least as large as
 * required, and promise at most the required maximum. */
static bool limits_match(uint64_t min, bool has_max, uint64_t max, const struct limits *want)
{
    if (min < want->min)
        return false;
    if (want->has_max && (!has_max || max > want->max))
        return false;
    return true;
}

static void describe_table(valtype_t elem, uint64_t min, bool has_max, uint64_t max, char *buf,
                           size_t size)
{
    char limits[48];
    format_limits(min, has_max, max, limits, sizeof limits);
    snprintf(buf, size, "table %s %s", limits, valtype_name(elem));
}

static void describe_global(valtype_t type, bool mutable_, char *buf, size_t size)
{
    snprintf(buf, size, "global %s%s", mutable_ ? "mut " : "", valtype_name(type));
}

/* What the import asks for, in the words of the error message. */
static void describe_import(struct rt_store *s, const uint32_t *type_ids, const struct import *im,
                            char *buf, size_t size)
{
    char limits[48];
    switch (im->kind) {
    case EXT_FUNC:
        snprintf(buf, size, "func ");
        format_functype(rt_store_type(s, type_ids[im->desc.func_type]), buf + 5, size - 5);
        return;
    case EXT_TABLE:
        describe_table(im->desc.table.elem, im->desc.table.limits.min, im->desc.table.limits.has_max,
                       im->desc.table.limits.max, buf, size);
        return;
    case EXT_MEMORY:
        format_limits(im->desc.memory.limits.min, im->desc.memory.limits.has_max,
                      im->desc.memory.limits.max, limits, sizeof limits);
        snprintf(buf, size, "memory %s", limits);
        return;
    case EXT_GLOBAL:
        describe_global(im->desc.global.type, im->desc.global.mutable_, buf, size);
        return;
    case EXT_TAG:
        snprintf(buf, size, "tag ");
        format_functype(rt_store_type(s, type_ids[im->desc.tag_type]), buf + 4, size - 4);
        return;
    }
    snprintf(buf, size, "%s", kind_name(im->kind));
}

/* What was supplied, the same way. */
static void describe_extern(const struct rt_extern *ext, char *buf, size_t size)
{
    char limits[48];
    switch (ext->kind) {
    case EXT_FUNC:
        snprintf(buf, size, "func ");
        format_functype(ext->u.func->type, buf + 5, size - 5);
        return;
    case EXT_TABLE: {
        const struct rt_table *t = ext->u.table;
        describe_table(t->type, t->size, t->has_max, t->max, buf, size);
        return;
    }
    case EXT_MEMORY:
        format_limits(ext->u.memory->size / PAGE_SIZE, ext->u.memory->has_max, ext->u.memory->max_pages, limits,
                      sizeof limits);
        snprintf(buf, size, "memory %s", limits);
        return;
    case EXT_GLOBAL:
        describe_global(ext->u.global->type, ext->u.global->mutable_, buf, size);
        return;
    case EXT_TAG:
        snprintf(buf, size, "tag ");
        format_functype(ext->u.tag->type, buf + 4, size - 4);
        return;
    }
    snprintf(buf, size, "%s", kind_name(ext->kind));
}

/* Functions and immutable globals may be of a subtype of what the import
 * says; tables and mutable globals, which can be written on either side,
 * must be of the same type. */
static bool import_matches(const struct rt_store *s, const uint32_t *type_ids, const struct import *im,
                           const struct rt_extern *ext)
{
    if (ext->kind != im->kind)
        return false;
    switch (im->kind) {
    case EXT_FUNC:
        return rt_store_type_sub(s, ext->u.func->type_id, type_ids[im->desc.func_type]);
    case EXT_TABLE: {
        const struct rt_table *t = ext->u.table;
        return t->type == rt_valtype_in_store(type_ids, im->desc.table.elem) &&
               t->is64 == im->desc.table.limits.is64 &&
               limits_match(t->size, t->has_max, t->max, &im->desc.table.limits);
    }
    case EXT_MEMORY: {
        const struct rt_memory *mem = ext->u.memory;
        return mem->is64 == im->desc.memory.limits.is64 &&
               limits_match(mem->size / PAGE_SIZE, mem->has_max, mem->max_pages, &im->desc.memory.limits);
    }
    case EXT_GLOBAL: {
        valtype_t want = rt_valtype_in_store(type_ids, im->desc.global.type), have = ext->u.global->type;
        return ext->u.global->mutable_ == im->desc.global.mutable_ &&
               (im->desc.global.mutable_ ? have == want : rt_store_valtype_sub(s, have, want));
    }
    case EXT_TAG:
        return ext->u.tag->type_id == type_ids[im->desc.tag_type];
    }
    return false;
}

static bool check_import(struct rt_store *s, const uint32_t *type_ids, const struct import *im,
                         const struct rt_extern *ext, struct wisp_error *err)
{
    if (import_matches(s, type_ids, im, ext))
        return true;
    char want[112] = "", got[112] = "";
    describe_import(s, type_ids, im, want, sizeof want);
    describe_extern(ext, got, sizeof got);
    return err_set(err, WISP_ERR_LINK, im->offset,
                   "incompatible import type: \"%.*s\" \"%.*s\": the module imports %s, but it is defined as %s",
                   (int)im->module.len, im->module.str, (int)im->field.len, im->field.str, want, got);
}

/* ---- Constant expressions ---- */

/* Evaluate a validated constant expression into out[0] (and out[1] for a
 * v128): a stack machine whose height the expression's length bounds
 * (every instruction is at least one byte). */
static bool eval_const(const struct rt_instance *inst, const struct expr *e, union slot out[2],
                       struct wisp_error *err)
{
    const struct module *m = inst->module;
    struct reader r = expr_reader(m, e);
    struct instr in;
    struct cval { union slot v[2]; } small[8], *st = e->len <= 8 ? small : xmalloc(e->len * sizeof *st);
    uint32_t n = 0;
    bool ok = false;
    while (r.p < r.end) {
        if (!read_instr(&r, &in, err))
            goto done;
        struct cval v = {{{.i64 = 0}, {.i64 = 0}}};
        switch (in.op) {
        case OP_i32_const: v.v[0].i32 = (uint32_t)in.imm.i32; break;
        case OP_i64_const: v.v[0].i64 = (uint64_t)in.imm.i64; break;
        case OP_f32_const: v.v[0].i32 = in.imm.f32; break;
        case OP_f64_const: v.v[0].i64 = in.imm.f64; break;
        case OP_v128_const:
            memcpy(&v.v[0].i64, in.imm.v128, 8);
            memcpy(&v.v[1].i64, in.imm.v128 + 8, 8);
            break;
        case OP_ref_null: v.v[0].ref = NULL; break;
        case OP_ref_func:
            if (in.a >= m->nfuncs)
                goto bad;
            v.v[0].ref = inst->funcs[in.a];
            break;
        case OP_global_get:
            /* Globals are created in order, so any earlier one is ready. */
            if (in.a >= m->nglobals || !inst->globals[in.a])
                goto bad;
            v.v[0] = inst->globals[in.a]->val[0];
            v.v[1] = inst->globals[in.a]->val[1];
            break;
        case OP_i32_add: case OP_i32_sub: case OP_i32_mul:
        case OP_i64_add: case OP_i64_sub: case OP_i64_mul: {
            if (n < 2)
                goto bad;
            uint64_t a = st[n - 2].v[0].i64, b = st[n - 1].v[0].i64;
            n -= 2;
            uint64_t x = in.op == OP_i32_add || in.op == OP_i64_add   ? a + b
                         : in.op == OP_i32_sub || in.op == OP_i64_sub ? a - b
                                                                      : a * b;
            if (in.op == OP_i32_add || in.op == OP_i32_sub || in.op == OP_i32_mul)
                v.v[0].i32 = (uint32_t)x; /* wraps at 32 bits; the upper half stays 0 */
            else
                v.v[0].i64 = x;
            break;
        }
        case OP_end:
            if (n != 1)
                goto bad;
            out[0] = st[0].v[0];
            out[1] = st[0].v[1];
            ok = true;
            goto done;
        default:
            goto bad;
        }
        st[n++] = v;
    }
bad:
    err_set(err, WISP_ERR_INVALID, e->offset, "constant expression required: the module was not validated");
done:
    if (st != small)
        free(st);
    return ok;
}

/* ---- Instantiation ---- */

static struct rt_func *func_new(struct rt_store *s, struct rt_instance *inst, uint32_t index)
{
    const struct module *m = inst->module;
    struct rt_func *f = xcalloc(1, sizeof *f);
    f->inst = inst;
    f->index = index;
    f->type_id = inst->type_ids[m->func_types[index]];
    f->type = rt_store_type(s, f->type_id);
    f->nparam_slots = rt_slot_count(functype_params(f->type), f->type->nparams);
    f->nresult_slots = rt_slot_count(functype_results(f->type), f->type->nresults);
    rt_store_record(s, EXT_FUNC, f);
    return f;
}

static bool trap(struct rt_store *s, enum rt_trap t, int64_t offset, struct wisp_error *err)
{
    s->trap = t;
    s->trap_message[0] = 0;
    s->ntrace = 0;
    return err_set(err, WISP_ERR_TRAP, offset, "%s", rt_trap_message(t));
}

/* Objects and constant values: step 2 of the spec's algorithm. */
static bool allocate(struct rt_store *s, struct rt_instance *inst, const struct rt_extern *imports,
                     struct wisp_error *err)
{
    const struct module *m = inst->module;
    uint32_t nf = 0, nt = 0, nm = 0, ng = 0, nx = 0;
    for (uint32_t i = 0; i < m->nimports; i++) {
        switch (imports[i].kind) {
        case EXT_FUNC: inst->funcs[nf++] = imports[i].u.func; break;
        case EXT_TABLE: inst->tables[nt++] = imports[i].u.table; break;
        case EXT_MEMORY: inst->memories[nm++] = imports[i].u.memory; break;
        case EXT_GLOBAL: inst->globals[ng++] = imports[i].u.global; break;
        case EXT_TAG: inst->tags[nx++] = imports[i].u.tag; break;
        }
    }
    for (uint32_t i = m->ntag_imports; i < m->ntags; i++) {
        inst->tags[i] = rt_tag_new(s, inst->type_ids[m->tag_types[i]]);
        inst->tags[i]->inst = inst;
        inst->tags[i]->index = i;
    }
    for (uint32_t i = m->nfunc_imports; i < m->nfuncs; i++)
        inst->funcs[i] = func_new(s, inst, i);
    for (uint32_t i = m->ntable_imports; i < m->ntables; i++) {
        struct tabletype type = m->tables[i];
        union slot init[2] = {{0}};
        if (type.init.len && !eval_const(inst, &type.init, init, err))
            return false;
        type.elem = rt_valtype_in_store(inst->type_ids, type.elem);
        inst->tables[i] = rt_table_new(s, &type, init[0].ref, err);
        if (!inst->tables[i]) {
            if (err)
                err->offset = m->table_offsets ? (int64_t)m->table_offsets[i] : -1;
            return false;
        }
    }
    for (uint32_t i = m->nmemory_imports; i < m->nmemories; i++) {
        inst->memories[i] = rt_memory_new(s, &m->memories[i], err);
        if (!inst->memories[i]) {
            if (err && err->offset < 0 && m->memory_offsets)
                err->offset = (int64_t)m->memory_offsets[i];
            return false;
        }
    }
    for (uint32_t i = m->nglobal_imports; i < m->nglobals; i++) {
        union slot v[2];
        if (!eval_const(inst, &m->globals[i].init, v, err))
            return false;
        struct globaltype type = m->globals[i].type;
        type.type = rt_valtype_in_store(inst->type_ids, type.type);
        inst->globals[i] = rt_global_new(s, &type, v);
    }

    /* Segment contents. The spec evaluates element items before any segment
     * is applied; nothing here can trap, so doing it now is equivalent. */
    for (uint32_t i = 0; i < m->nelems; i++) {
        const struct elem *el = &m->elems[i];
        struct rt_elem *re = &inst->elems[i];
        re->items = xmalloc((el->count ? el->count : 1) * sizeof *re->items);
        for (uint32_t j = 0; j < el->count; j++) {
            if (el->funcs) {
                re->items[j] = inst->funcs[el->funcs[j]];
            } else {
                union slot v[2];
                if (!eval_const(inst, &el->exprs[j], v, err))
                    return false;
                re->items[j] = v[0].ref;
            }
        }
        re->count = el->count;
    }
    for (uint32_t i = 0; i < m->ndatas; i++) {
        inst->datas[i].len = m->datas[i].init_len;
        inst->datas[i].bytes = m->bytes + m->datas[i].init_offset;
    }
    return true;
}

/* Steps 4 and 5: active segments in order, each as table.init/memory.init
 * followed by a drop; the first that does not fit traps, and what earlier
 * segments wrote stays written. */
static bool apply_segments(struct rt_store *s, struct rt_instance *inst, struct wisp_error *err)
{
    const struct module *m = inst->module;
    for (uint32_t i = 0; i < m->nelems; i++) {
        const struct elem *el = &m->elems[i];
        struct rt_elem *re = &inst->elems[i];
        if (el->mode == SEG_PASSIVE)
            continue;
        if (el->mode == SEG_ACTIVE) {
            union slot off[2];
            if (!eval_const(inst, &el->offset, off, err))
                return false;
            struct rt_table *t = inst->tables[el->table];
            uint64_t at = t->is64 ? off[0].i64 : off[0].i32;
            if (at > t->size || re->count > t->size - at)
                return trap(s, TRAP_OOB_TABLE, el->byte_offset, err);
            if (re->count)
                memcpy(t->elems + at, re->items, re->count * sizeof *re->items);
        }
        re->count = 0;
    }
    for (uint32_t i = 0; i < m->ndatas; i++) {
        const struct data *d = &m->datas[i];
        struct rt_data *rd = &inst->datas[i];
        if (d->mode != SEG_ACTIVE)
            continue;
        union slot off[2];
        if (!eval_const(inst, &d->offset, off, err))
            return false;
        struct rt_memory *mem = inst->memories[d->memory];
        uint64_t at = mem->is64 ? off[0].i64 : off[0].i32;
        if (at > mem->size || rd->len > mem->size - at)
            return trap(s, TRAP_OOB_MEMORY, d->byte_offset, err);
        if (rd->len)
            memcpy(mem->data + at, rd->bytes, rd->len);
        rd->len = 0;
    }
    return true;
}

struct rt_instance *rt_instantiate(struct rt_store *s, const struct module *m,
                                   const struct rt_extern *imports, const char *name,
                                   struct wisp_error *err)
{
    uint32_t *type_ids = xmalloc((m->ntypes ? m->ntypes : 1) * sizeof *type_ids);
    rt_store_intern_module_types(s, m, type_ids);

    /* Step 1: the supplied externs must match the import types. */
    for (uint32_t i = 0; i < m->nimports; i++) {
        if (!check_import(s, type_ids, &m->imports[i], &imports[i], err)) {
            free(type_ids);
            return NULL;
        }
    }

    /* Step 2. From here on the instance belongs to the store even if a later
     * step fails: its objects may already sit in other instances' tables. */
    struct rt_instance *inst = xcalloc(1, sizeof *inst);
    inst->store = s;
    inst->module = m;
    if (name)
        inst->name = xstrndup(name, strlen(name));
    else if (m->module_name.str)
        inst->name = xstrndup(m->module_name.str, m->module_name.len);
    inst->type_ids = type_ids;
    inst->funcs = xcalloc(m->nfuncs ? m->nfuncs : 1, sizeof *inst->funcs);
    inst->tables = xcalloc(m->ntables ? m->ntables : 1, sizeof *inst->tables);
    inst->memories = xcalloc(m->nmemories ? m->nmemories : 1, sizeof *inst->memories);
    inst->globals = xcalloc(m->nglobals ? m->nglobals : 1, sizeof *inst->globals);
    inst->tags = xcalloc(m->ntags ? m->ntags : 1, sizeof *inst->tags);
    inst->elems = xcalloc(m->nelems ? m->nelems : 1, sizeof *inst->elems);
    inst->datas = xcalloc(m->ndatas ? m->ndatas : 1, sizeof *inst->datas);
    rt_store_record(s, OBJ_INSTANCE, inst);
    /* The stacks every call needs, mapped now if not yet rather than at the
     * first call: before the memories, they are placed nearer the program's
     * other mappings, whose upper page tables they can share, whereas the
     * huge reservations of the memories cross into fresh ones. The first
     * call maps them after all if this fails. */
    (void)rt_exec_reserve(s);
    if (!allocate(s, inst, imports, err))
        return NULL;

    /* Step 3: bodies are lowered on their first call, or compiled now. */
    rt_codes_init(inst);
    if (s->tier == RT_TIER_COMPILED && !rt_tier_compile_instance(inst, err))
        return NULL;
    if (s->tier == RT_TIER_AUTO)
        rt_tier_up_instance(inst);

    /* Steps 4 and 5. */
    if (!apply_segments(s, inst, err))
        return NULL;

    /* Step 6. The start function takes and returns nothing. */
    if (m->has_start) {
        union slot slots[2] = {{0}};
        if (!rt_call(s, inst->funcs[m->start], slots, err))
            return NULL;
    }
    return inst;
}

bool rt_instance_export(const struct rt_instance *inst, const char *name, uint32_t len,
                        struct rt_extern *out)
{
    const struct module *m = inst->module;
    for (uint32_t i = 0; i < m->nexports; i++) {
        const struct export *e = &m->exports[i];
        if (e->name.len != len || memcmp(e->name.str, name, len) != 0)
            continue;
        out->kind = e->kind;
        switch (e->kind) {
        case EXT_FUNC: out->u.func = inst->funcs[e->index]; break;
        case EXT_TABLE: out->u.table = inst->tables[e->index]; break;
        case EXT_MEMORY: out->u.memory = inst->memories[e->index]; break;
        case EXT_GLOBAL: out->u.global = inst->globals[e->index]; break;
        case EXT_TAG: out->u.tag = inst->tags[e->index]; break;
        default: return false;
        }
        return true;
    }
    return false;
}
