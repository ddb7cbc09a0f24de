/* The store: interned function types, the objects instances and the host
 * create (functions, tables, memories, globals), growing them, the linker's
 * (module, name) definitions, and the trap wording shared by every stage. */
#include "runtime/runtime.h"
#include "runtime/tier.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#define PAGE_SIZE 65536u
#define MAX_PAGES 65536u
#define MAX_PAGES64 ((uint64_t)1 << 48)
/* How far an i64 memory (memory64) may grow: 16 GiB (RT_MEM64_SPAN, the
 * most a guarded one holds), or its minimum up to 64 GiB. Address space,
 * not memory: pages are committed as it grows. */
#define MEM64_RESERVE RT_MEM64_SPAN
#define MEM64_RESERVE_MAX ((uint64_t)64 << 30)
/* Tables past this many entries are refused rather than allowed to exhaust
 * the host: no real program needs 80 MB of references. */
#define TABLE_ENTRY_LIMIT 10000000u

enum { OBJ_INSTANCE = 4, OBJ_TAG = 5 };

/* The store as allocated: the public part first, then the lookup tables for
 * interning and definitions, which no other file needs to see. Stores are
 * only ever made by rt_store_new, so the cast back is safe. */
struct store_impl {
    struct rt_store pub;
    uint32_t *type_slots; /* open addressing: type id + 1, 0 = empty */
    uint32_t type_slots_cap;
    uint32_t *def_slots;  /* def index + 1, 0 = empty */
    uint32_t def_slots_cap;
    /* s->types moves when it grows, but rt_func.type must not: each type also
     * has a copy of its header here that stays put (sharing the valtypes),
     * with its site, so that an interned type knows its store and id. */
    struct interned_type {
        struct functype type;
        struct type_site site;
    } **stable;
    uint32_t stable_cap;
    /* rt_define_lazily's providers. */
    struct lazy_defs {
        const char *module;
        rt_define_fn fn;
        void *env;
    } *lazy;
    uint32_t nlazy, lazy_cap;
};

static struct store_impl *impl(struct rt_store *s) { return (struct store_impl *)s; }

uint32_t rt_slot_count(const valtype_t *types, uint32_t n)
{
    uint32_t slots = 0;
    for (uint32_t i = 0; i < n; i++)
        slots += types[i] == VT_V128 ? 2 : 1;
    return slots;
}

static uint32_t hash_bytes(uint32_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 16777619u;
    return h;
}

static uint32_t hash_def(const char *module, uint32_t module_len, const char *name, uint32_t name_len)
{
    uint32_t h = 2166136261u;
    h = hash_bytes(h, module, module_len);
    h = hash_bytes(h, "\xff", 1); /* never inside UTF-8, so ("ab","c") != ("a","bc") */
    return hash_bytes(h, name, name_len);
}

struct rt_store *rt_store_new(void)
{
    struct store_impl *si = xcalloc(1, sizeof *si);
    si->pub.max_call_depth = RT_DEFAULT_CALL_DEPTH;
    si->pub.max_stack_slots = RT_DEFAULT_STACK_SLOTS;
    si->pub.max_memory_pages = RT_NO_LIMIT;
    si->pub.max_table_elems = RT_NO_LIMIT;
    si->pub.fuel = RT_FUEL_UNMETERED;
    atomic_init(&si->pub.interrupt, 0);
    return &si->pub;
}

/* Shared with instance.c, which records the instances and the objects it
 * creates; not in runtime.h because nothing else should add objects. */
void rt_store_record(struct rt_store *s, uint8_t kind, void *p);
void rt_store_record(struct rt_store *s, uint8_t kind, void *p)
{
    VEC_GROW(s->objects, s->nobjects, s->objects_cap);
    s->objects[s->nobjects++] = (struct rt_object){.kind = kind, .p = p};
}

static void instance_free(struct rt_instance *inst)
{
    const struct module *m = inst->module;
    if (inst->elems)
        for (uint32_t i = 0; i < m->nelems; i++)
            free(inst->elems[i].items);
    free(inst->elems);
    free(inst->datas);
    free(inst->type_ids);
    free(inst->funcs);
    free(inst->tables);
    free(inst->memories);
    free(inst->globals);
    free(inst->tags);
    free(inst->name);
    free(inst);
}

void rt_store_free(struct rt_store *s)
{
    if (!s)
        return;
    struct store_impl *si = impl(s);
    rt_watchdog_free(s);
    rt_profile_free(s);
    rt_lowering_free(s);
    /* Compiled code first, while every object it might look at still exists. */
    for (uint32_t i = 0; i < s->nobjects; i++)
        if (s->objects[i].kind == OBJ_INSTANCE) {
            rt_tier_release(s->objects[i].p); /* first: it waits for a compilation in flight */
            rt_codes_free(s->objects[i].p);
        }
    for (uint32_t i = 0; i < s->nobjects; i++) {
        void *p = s->objects[i].p;
        switch (s->objects[i].kind) {
        case EXT_FUNC:
            free(((struct rt_func *)p)->host_name);
            free(p);
            break;
        case EXT_TABLE:
            free(((struct rt_table *)p)->elems);
            free(p);
            break;
        case EXT_MEMORY: {
            struct rt_memory *mem = p;
            if (mem->reserved)
                munmap(mem->data, mem->reserved);
            free(p);
            break;
        }
        case EXT_GLOBAL:
        case OBJ_TAG:
            free(p);
            break;
        case OBJ_INSTANCE:
            instance_free(p);
            break;
        }
    }
    free(s->objects);
    rt_exceptions_free(s);
    for (uint32_t i = 0; i < s->ntypes; i++)
        free(s->types[i].types);
    free(s->types);
    for (uint32_t i = 0; i < s->ndefs; i++) {
        free(s->defs[i].module);
        free(s->defs[i].name);
    }
    free(s->defs);
    free(si->lazy);
    /* The interpreter maps both stacks at once, frames first (interp.c). */
    if (s->exec.frames)
        munmap(s->exec.frames, s->exec.map_bytes);
    free(s->trace);
    for (uint32_t i = 0; i < s->ntypes; i++)
        free(si->stable[i]);
    free(si->stable);
    free(si->type_slots);
    free(si->def_slots);
    free(si);
}

/* ---- Type interning ----
 *
 * Types are interned a recursion group at a time (binary/types.c says
 * when two groups are the same): a store type id stands for one class of
 * equivalent types, across all modules of the store, so that a function's
 * type is checked by comparing ids, and by walking declared supertypes
 * when they differ. A store type's references to other types hold store
 * ids. */

static struct rec_view store_group(const struct rt_store *s, uint32_t base)
{
    return (struct rec_view){s->types, base, s->types[base].rec_len, NULL};
}

static void rehash_types(struct store_impl *si)
{
    uint32_t cap = si->type_slots_cap ? si->type_slots_cap * 2 : 64;
    uint32_t *slots = xcalloc(cap, sizeof *slots);
    for (uint32_t id = 0; id < si->pub.ntypes; id += si->pub.types[id].rec_len) {
        struct rec_view g = store_group(&si->pub, id);
        uint32_t j = rec_group_hash(&g) & (cap - 1);
        while (slots[j])
            j = (j + 1) & (cap - 1);
        slots[j] = id + 1;
    }
    free(si->type_slots);
    si->type_slots = slots;
    si->type_slots_cap = cap;
}

/* Type index x of group g as a store id: one inside the group is base +
 * its place in it, the others are mapped. */
static uint32_t store_id(const struct rec_view *g, uint32_t base, uint32_t x)
{
    return x - g->start < g->len ? base + (x - g->start) : g->map ? g->map[x] : x;
}

/* A value type of group g in store terms. */
static valtype_t store_valtype(const struct rec_view *g, uint32_t base, valtype_t t)
{
    return vt_is_index(t) ? vt_ref_index(store_id(g, base, vt_index(t)), vt_nullable(t)) : t;
}

/* The store id of g's first type, g added when the store has no such
 * group; its other types follow it. */
static uint32_t intern_group(struct rt_store *s, const struct rec_view *g)
{
    struct store_impl *si = impl(s);
    while ((uint64_t)(s->ntypes + g->len + 1) * 2 > si->type_slots_cap)
        rehash_types(si);
    uint32_t mask = si->type_slots_cap - 1;
    uint32_t j = rec_group_hash(g) & mask;
    for (; si->type_slots[j]; j = (j + 1) & mask) {
        struct rec_view other = store_group(s, si->type_slots[j] - 1);
        if (rec_group_equal(g, &other))
            return si->type_slots[j] - 1;
    }
    uint32_t base = s->ntypes;
    for (uint32_t i = 0; i < g->len; i++) {
        const struct functype *t = &g->types[g->start + i];
        VEC_GROW(s->types, s->ntypes, s->types_cap);
        struct functype *copy = &s->types[s->ntypes++];
        size_t n = (size_t)t->nparams + t->nresults;
        *copy = (struct functype){.nparams = t->nparams, .nresults = t->nresults, .open = t->open,
                                  .rec = base, .rec_len = g->len, .offset = t->offset};
        copy->types = xmalloc((n ? n : 1) * sizeof *copy->types);
        for (size_t k = 0; k < n; k++)
            copy->types[k] = store_valtype(g, base, t->types[k]);
        if (t->super)
            copy->super = store_id(g, base, t->super - 1) + 1;
        if (s->types_cap > si->stable_cap) {
            si->stable = xrealloc(si->stable, s->types_cap * sizeof *si->stable);
            si->stable_cap = s->types_cap;
        }
        struct interned_type *it = si->stable[base + i] = xmalloc(sizeof **si->stable);
        it->type = *copy;
        it->site = (struct type_site){.type = &it->type, .store = s, .index = base + i};
    }
    si->type_slots[j] = base + 1;
    return base;
}

/* A host function's type: final, alone in its group, and its references
 * abstract (a host has no type indices; a type index given here, say a
 * module's, would name some unrelated store type, so it stands for the
 * abstract type above it). */
uint32_t rt_store_intern_type(struct rt_store *s, const struct functype *t)
{
    size_t n = (size_t)t->nparams + t->nresults;
    struct functype host = {.nparams = t->nparams, .nresults = t->nresults,
                            .types = xmalloc((n ? n : 1) * sizeof *host.types), .rec_len = 1};
    for (size_t k = 0; k < n; k++)
        host.types[k] = vt_is_index(t->types[k]) ? vt_ref(HT_FUNC, vt_nullable(t->types[k])) : t->types[k];
    struct rec_view g = {&host, 0, 1, NULL};
    uint32_t id = intern_group(s, &g);
    free(host.types);
    return id;
}

void rt_store_intern_module_types(struct rt_store *s, const struct module *m, uint32_t *type_ids)
{
    for (uint32_t r = 0; r < m->ntypes; r += m->types[r].rec_len) {
        struct rec_view g = {m->types, r, m->types[r].rec_len, type_ids};
        uint32_t base = intern_group(s, &g);
        for (uint32_t i = 0; i < g.len; i++)
            type_ids[r + i] = base + i;
    }
}

bool rt_store_type_sub(const struct rt_store *s, uint32_t a, uint32_t b)
{
    return types_sub(s->types, NULL, a, b);
}

bool rt_store_valtype_sub(const struct rt_store *s, valtype_t a, valtype_t b)
{
    return valtype_sub_in(s->types, NULL, a, b);
}

bool rt_ref_fits(const struct rt_store *s, valtype_t t, const void *ref)
{
    if (!ref)
        return vt_nullable(t);
    switch (vt_heap(t)) {
    case HT_INDEX: return rt_store_type_sub(s, ((const struct rt_func *)ref)->type_id, vt_index(t));
    case HT_FUNC: case HT_EXTERN: case HT_EXN: return true;
    default: return false; /* none of wisp's values are of the others */
    }
}

valtype_t rt_valtype_in_store(const uint32_t *type_ids, valtype_t t)
{
    return vt_is_index(t) ? vt_ref_index(type_ids[vt_index(t)], vt_nullable(t)) : t;
}

/* The interned type with this id, at an address that never changes.
 * instance.c declares this too; it is not part of runtime.h because only
 * object creation needs it (everyone else reads rt_func.type). */
const struct functype *rt_store_type(struct rt_store *s, uint32_t id);
const struct functype *rt_store_type(struct rt_store *s, uint32_t id)
{
    return &impl(s)->stable[id]->type;
}

const struct type_site *rt_store_type_site(struct rt_store *s, uint32_t id)
{
    return &impl(s)->stable[id]->site;
}

const struct type_site *rt_type_site(const struct functype *interned)
{
    const char *p = (const char *)interned - offsetof(struct interned_type, type);
    return &((const struct interned_type *)(const void *)p)->site;
}

/* ---- Objects ---- */

struct rt_func *rt_func_new_host(struct rt_store *s, const struct functype *type, rt_host_fn fn,
                                 void *env, const char *name)
{
    struct rt_func *f = xcalloc(1, sizeof *f);
    f->type_id = rt_store_intern_type(s, type);
    f->type = rt_store_type(s, f->type_id);
    f->nparam_slots = rt_slot_count(functype_params(type), type->nparams);
    f->nresult_slots = rt_slot_count(functype_results(type), type->nresults);
    f->host = fn;
    f->env = env;
    f->host_name = name ? xstrndup(name, strlen(name)) : NULL;
    rt_store_record(s, EXT_FUNC, f);
    return f;
}

struct rt_table *rt_table_new(struct rt_store *s, const struct tabletype *type, void *init,
                              struct wisp_error *err)
{
    uint64_t limit = s->max_table_elems < TABLE_ENTRY_LIMIT ? s->max_table_elems : TABLE_ENTRY_LIMIT;
    if (type->limits.min > limit) {
        err_set(err, WISP_ERR_LINK, -1,
                "table too large: its minimum of %llu elements is past the limit of %llu%s",
                (unsigned long long)type->limits.min, (unsigned long long)limit,
                limit == s->max_table_elems ? " (max-table-elements)" : "");
        return NULL;
    }
    struct rt_table *t = xcalloc(1, sizeof *t);
    t->type = type->elem;
    t->size = (uint32_t)type->limits.min;
    t->has_max = type->limits.has_max;
    t->is64 = type->limits.is64;
    t->max = type->limits.has_max ? type->limits.max : t->is64 ? UINT64_MAX : UINT32_MAX;
    /* limit is below 2^32-1 (TABLE_ENTRY_LIMIT), which lets the interpreter
     * clamp an i64 index to UINT32_MAX: still out of bounds. */
    t->limit = t->max < limit ? (uint32_t)t->max : (uint32_t)limit;
    t->cap = t->size ? t->size : 1;
    t->elems = xcalloc(t->cap, sizeof *t->elems);
    for (uint32_t i = 0; i < t->size; i++)
        t->elems[i] = init;
    rt_store_record(s, EXT_TABLE, t);
    return t;
}

/* Huge pages: a memory's accesses are the guest's heap, and with 4 KiB
 * pages a random access over a few MiB misses the TLB nearly every time.
 * A reservation of at least HUGE_PAGE is placed on a HUGE_PAGE boundary
 * and advised to use transparent huge pages, so that with the kernel's
 * `madvise` mode (Debian's default) each 2 MiB the guest touches can be one
 * page. Measured in docs/architecture.md ("Huge pages for memories"). */
#define HUGE_PAGE ((size_t)2 << 20)

/* Reserves len bytes of address space, inaccessible until committed. */
static void *reserve(uint64_t len64, bool huge)
{
    size_t len = (size_t)len64;
    if (!huge || len < HUGE_PAGE || len > SIZE_MAX - HUGE_PAGE)
        return mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    uint8_t *p = mmap(NULL, len + HUGE_PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return MAP_FAILED;
    size_t head = (size_t)(-(uintptr_t)p & (HUGE_PAGE - 1));
    if (head)
        munmap(p, head);
    munmap(p + head + len, HUGE_PAGE - head);
#ifdef MADV_HUGEPAGE
    madvise(p + head, len, MADV_HUGEPAGE); /* advice only: where THP is off it fails, harmlessly */
#endif
    return p + head;
}

struct rt_memory *rt_memory_new(struct rt_store *s, const struct memtype *type, struct wisp_error *err)
{
    bool is64 = type->limits.is64;
    uint64_t range = is64 ? MAX_PAGES64 : MAX_PAGES;
    uint64_t min = type->limits.min;
    uint64_t max = type->limits.has_max ? type->limits.max : range;
    if (min > range || (type->limits.has_max && type->limits.max > range)) {
        err_set(err, WISP_ERR_INVALID, -1, is64 ? "memory size must be at most 2^48 pages"
                                                : "memory size must be at most 65536 pages (4GiB)");
        return NULL;
    }
    if (min > max) {
        err_set(err, WISP_ERR_INVALID, -1, "size minimum must not be greater than maximum");
        return NULL;
    }
    if (min > s->max_memory_pages) {
        err_set(err, WISP_ERR_LINK, -1,
                "memory too large: its minimum of %llu bytes is past the limit of %llu bytes "
                "(max-memory-size)", (unsigned long long)(min * PAGE_SIZE),
                (unsigned long long)(s->max_memory_pages * PAGE_SIZE));
        return NULL;
    }
    if (is64 && min > MEM64_RESERVE_MAX / PAGE_SIZE) {
        err_set(err, WISP_ERR_LINK, -1,
                "memory too large: its minimum of %llu pages is past the %llu bytes wisp reserves "
                "at most for a memory", (unsigned long long)min, (unsigned long long)MEM64_RESERVE_MAX);
        return NULL;
    }
    struct rt_memory *mem = xcalloc(1, sizeof *mem);
    mem->max_pages = max;
    mem->has_max = type->limits.has_max;
    mem->is64 = is64;
    mem->limit_pages = max < s->max_memory_pages ? max : s->max_memory_pages;
    /* An i64 memory grows to at most MEM64_RESERVE (the declared minimum if
     * larger, up to MEM64_RESERVE_MAX): memory.grow past that returns -1
     * whatever the maximum says, guarded or not, so both tiers agree. */
    if (is64 && mem->limit_pages > MEM64_RESERVE / PAGE_SIZE)
        mem->limit_pages = min > MEM64_RESERVE / PAGE_SIZE ? min : MEM64_RESERVE / PAGE_SIZE;
    /* Reserve the whole range the memory may grow to once, so data never
     * moves. For compiled code, reserve the guarded size instead, so every
     * access past the end faults (native.c turns the fault into the trap):
     * for an i64 memory that grows no further than RT_MEM64_SPAN, every
     * address up to the span plus an offset up to RT_MEM64_GUARD (compiled
     * code checks the address against the span, a constant, instead of
     * loading the size).
     * When the address space will not give us that much, settle for less:
     * the limit, then the initial size (growing past it then fails like
     * any other refused grow). */
    size_t want = (size_t)(mem->limit_pages * PAGE_SIZE);
    size_t floor = (size_t)(min * PAGE_SIZE);
    bool huge = !s->no_huge_pages;
    void *p = MAP_FAILED;
    if (s->guard_pages && sizeof(void *) == 8 && (!is64 || mem->limit_pages <= RT_MEM64_SPAN / PAGE_SIZE)) {
        uint64_t guarded = is64 ? RT_MEM64_GUARDED_RESERVE : RT_GUARDED_RESERVE;
        p = reserve(guarded, huge);
        if (p != MAP_FAILED) {
            want = (size_t)guarded;
            mem->guarded = true;
        }
    }
    if (p == MAP_FAILED && want)
        p = reserve(want, huge);
    if (p == MAP_FAILED && floor) {
        want = floor;
        p = reserve(want, huge);
    }
    if (p != MAP_FAILED && floor && mprotect(p, floor, PROT_READ | PROT_WRITE) != 0) {
        munmap(p, want);
        p = MAP_FAILED;
        mem->guarded = false;
    }
    if (p == MAP_FAILED && floor) {
        free(mem);
        s->trap = TRAP_OOM;
        err_set(err, WISP_ERR_TRAP, -1, "%s: cannot map %zu bytes for a memory",
                rt_trap_message(TRAP_OOM), floor);
        return NULL;
    }
    if (p != MAP_FAILED) {
        mem->data = p;
        mem->reserved = want;
    }
    mem->size = floor;
    rt_store_record(s, EXT_MEMORY, mem);
    return mem;
}

struct rt_global *rt_global_new(struct rt_store *s, const struct globaltype *type, const union slot *init)
{
    struct rt_global *g = xcalloc(1, sizeof *g);
    g->type = type->type;
    g->mutable_ = type->mutable_;
    if (init) {
        g->val[0] = init[0];
        if (type->type == VT_V128)
            g->val[1] = init[1];
    }
    rt_store_record(s, EXT_GLOBAL, g);
    return g;
}

struct rt_tag *rt_tag_new(struct rt_store *s, uint32_t type_id)
{
    struct rt_tag *t = xcalloc(1, sizeof *t);
    t->type_id = type_id;
    t->type = rt_store_type(s, type_id);
    t->nslots = rt_slot_count(functype_params(t->type), t->type->nparams);
    rt_store_record(s, OBJ_TAG, t);
    return t;
}

int64_t rt_memory_grow(struct rt_memory *m, uint64_t delta)
{
    uint64_t old = m->size / PAGE_SIZE;
    if (delta > m->limit_pages) /* also keeps old + delta from wrapping */
        return -1;
    uint64_t pages = old + delta;
    if (pages > m->limit_pages)
        return -1;
    uint64_t bytes = pages * PAGE_SIZE;
    if (bytes > m->reserved)
        return -1;
    if (bytes > m->size &&
        mprotect(m->data + m->size, (size_t)(bytes - m->size), PROT_READ | PROT_WRITE) != 0)
        return -1;
    m->size = bytes;
    return (int64_t)old;
}

int64_t rt_table_grow(struct rt_table *t, uint64_t delta, void *init)
{
    uint64_t old = t->size;
    uint64_t size = old + delta;
    if (delta > UINT32_MAX || size > t->limit)
        return -1;
    if (size > t->cap) {
        /* Geometric growth: a guest growing one entry at a time must not
         * make every grow copy the whole table (found by fuzz_gen: seed
         * table_grow_realloc_timeout). */
        uint64_t cap = (uint64_t)t->cap * 2;
        if (cap < size)
            cap = size;
        if (cap > t->limit)
            cap = t->limit;
        void **elems = realloc(t->elems, (size_t)cap * sizeof *elems);
        if (!elems)
            return -1;
        t->elems = elems;
        t->cap = (uint32_t)cap;
    }
    for (uint64_t i = old; i < size; i++)
        t->elems[i] = init;
    t->size = (uint32_t)size;
    return (int64_t)old;
}

/* ---- The linker ---- */

static void rehash_defs(struct store_impl *si)
{
    uint32_t cap = si->def_slots_cap ? si->def_slots_cap * 2 : 64;
    uint32_t *slots = xcalloc(cap, sizeof *slots);
    for (uint32_t i = 0; i < si->pub.ndefs; i++) {
        const struct rt_def *d = &si->pub.defs[i];
        uint32_t j = hash_def(d->module, d->module_len, d->name, d->name_len) & (cap - 1);
        while (slots[j])
            j = (j + 1) & (cap - 1);
        slots[j] = i + 1;
    }
    free(si->def_slots);
    si->def_slots = slots;
    si->def_slots_cap = cap;
}

/* The slot where (module, name) is or would go. The table always has a free
 * slot, so the probe ends. */
static uint32_t *def_slot(struct store_impl *si, const char *module, uint32_t module_len,
                          const char *name, uint32_t name_len)
{
    uint32_t mask = si->def_slots_cap - 1;
    uint32_t j = hash_def(module, module_len, name, name_len) & mask;
    for (; si->def_slots[j]; j = (j + 1) & mask) {
        const struct rt_def *d = &si->pub.defs[si->def_slots[j] - 1];
        if (d->module_len == module_len && d->name_len == name_len &&
            memcmp(d->module, module, module_len) == 0 && memcmp(d->name, name, name_len) == 0)
            break;
    }
    return &si->def_slots[j];
}

void rt_define(struct rt_store *s, const char *module, uint32_t module_len, const char *name,
               uint32_t name_len, const struct rt_extern *ext)
{
    struct store_impl *si = impl(s);
    if ((uint64_t)(s->ndefs + 1) * 2 > si->def_slots_cap)
        rehash_defs(si);
    uint32_t *slot = def_slot(si, module, module_len, name, name_len);
    if (*slot) {
        s->defs[*slot - 1].ext = *ext;
        return;
    }
    VEC_GROW(s->defs, s->ndefs, s->defs_cap);
    struct rt_def *d = &s->defs[s->ndefs++];
    d->module = xstrndup(module, module_len);
    d->module_len = module_len;
    d->name = xstrndup(name, name_len);
    d->name_len = name_len;
    d->ext = *ext;
    *slot = s->ndefs;
}

void rt_define_instance(struct rt_store *s, const char *module, uint32_t module_len,
                        struct rt_instance *inst)
{
    const struct module *m = inst->module;
    for (uint32_t i = 0; i < m->nexports; i++) {
        const struct export *e = &m->exports[i];
        struct rt_extern ext;
        if (rt_instance_export(inst, e->name.str, e->name.len, &ext))
            rt_define(s, module, module_len, e->name.str, e->name.len, &ext);
    }
}

void rt_define_lazily(struct rt_store *s, const char *module, rt_define_fn fn, void *env)
{
    struct store_impl *si = impl(s);
    VEC_GROW(si->lazy, si->nlazy, si->lazy_cap);
    si->lazy[si->nlazy++] = (struct lazy_defs){module, fn, env};
}

/* The definition of (module, name), made by a provider if need be. */
static uint32_t *find_def(struct store_impl *si, const struct import *im)
{
    uint32_t *slot = si->def_slots_cap ? def_slot(si, im->module.str, im->module.len, im->field.str, im->field.len)
                                       : NULL;
    if (slot && *slot)
        return slot;
    for (uint32_t i = 0; i < si->nlazy; i++)
        if (name_equals(&im->module, si->lazy[i].module) &&
            si->lazy[i].fn(&si->pub, si->lazy[i].env, &im->module, &im->field))
            return def_slot(si, im->module.str, im->module.len, im->field.str, im->field.len);
    return slot;
}

bool rt_resolve_imports(struct rt_store *s, const struct module *m, struct rt_extern *imports,
                        struct wisp_error *err)
{
    struct store_impl *si = impl(s);
    for (uint32_t i = 0; i < m->nimports; i++) {
        const struct import *im = &m->imports[i];
        uint32_t *slot = find_def(si, im);
        if (!slot || !*slot)
            return err_set(err, WISP_ERR_LINK, im->offset, "unknown import: \"%.*s\" \"%.*s\"",
                           (int)im->module.len, im->module.str, (int)im->field.len, im->field.str);
        imports[i] = s->defs[*slot - 1].ext;
    }
    return true;
}

bool rt_lookup(struct rt_store *s, const struct name *module, const struct name *field, struct rt_extern *out)
{
    struct import im = {.module = *module, .field = *field};
    uint32_t *slot = find_def(impl(s), &im);
    if (!slot || !*slot)
        return false;
    *out = s->defs[*slot - 1].ext;
    return true;
}

/* ---- Traps and names ---- */

const char *rt_trap_message(enum rt_trap t)
{
    switch (t) {
    case TRAP_NONE: return "no trap";
    case TRAP_UNREACHABLE: return "unreachable";
    case TRAP_DIV_ZERO: return "integer divide by zero";
    case TRAP_INT_OVERFLOW: return "integer overflow";
    case TRAP_INVALID_CONV: return "invalid conversion to integer";
    case TRAP_OOB_MEMORY: return "out of bounds memory access";
    case TRAP_OOB_TABLE: return "out of bounds table access";
    case TRAP_INDIRECT_MISMATCH: return "indirect call type mismatch";
    case TRAP_UNINIT_ELEM: return "uninitialized element";
    case TRAP_UNDEFINED_ELEM: return "undefined element";
    case TRAP_NULL_FUNC: return "null function reference";
    case TRAP_NULL_REF: return "null reference";
    case TRAP_EXCEPTION: return "uncaught exception";
    case TRAP_NULL_EXNREF: return "null exception reference";
    case TRAP_STACK_EXHAUSTED: return "call stack exhausted";
    case TRAP_HOST: return "host trap";
    case TRAP_EXIT: return "exit";
    case TRAP_OOM: return "out of memory";
    case TRAP_OUT_OF_FUEL: return "all fuel consumed";
    case TRAP_INTERRUPT: return "interrupt";
    }
    return "trap";
}

bool rt_host_trap(struct rt_caller *caller, const char *message)
{
    struct rt_store *s = caller->store;
    s->trap = TRAP_HOST;
    snprintf(s->trap_message, sizeof s->trap_message, "%s", message ? message : "host trap");
    return false;
}

bool rt_host_exit(struct rt_caller *caller, int32_t code)
{
    struct rt_store *s = caller->store;
    s->trap = TRAP_EXIT;
    s->exit_code = code;
    s->trap_message[0] = 0; /* the caller may describe the exit here */
    return false;
}

const char *rt_func_describe(const struct rt_func *f, char *buf, size_t size)
{
    if (!size)
        return buf;
    const struct name *n = f->inst ? module_func_name(f->inst->module, f->index) : NULL;
    if (n && n->str)
        snprintf(buf, size, "$%s", n->str);
    else if (f->host_name)
        snprintf(buf, size, "%s", f->host_name);
    else
        snprintf(buf, size, "func[%u]", f->index);
    return buf;
}
