/* The "name" custom section: module name, function names and local names,
 * for error messages and backtraces. It is advisory, so anything wrong in it
 * drops the names instead of rejecting the module. */
#include "binary/reader.h"

#include <stdlib.h>

static void free_name_assocs(struct name_assoc *a, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        free(a[i].name.str);
    free(a);
}

static void drop_names(struct module *m)
{
    free(m->module_name.str);
    m->module_name.str = NULL;
    m->module_name.len = 0;
    free_name_assocs(m->func_names, m->nfunc_names);
    m->func_names = NULL;
    m->nfunc_names = 0;
    for (uint32_t i = 0; i < m->nlocal_names; i++)
        free_name_assocs(m->local_names[i].names, m->local_names[i].count);
    free(m->local_names);
    m->local_names = NULL;
    m->nlocal_names = 0;
}

static bool read_name(struct reader *r, struct name *out)
{
    const uint8_t *bytes;
    uint32_t len;
    if (!rd_name_bytes(r, &bytes, &len, NULL))
        return false;
    out->str = xstrndup((const char *)bytes, len);
    out->len = len;
    return true;
}

/* A vector count, when each item takes at least min_bytes of what is left. */
static bool read_count(struct reader *r, uint32_t *n, size_t min_bytes)
{
    return rd_u32(r, n, NULL) && *n <= (size_t)(r->end - r->p) / min_bytes;
}

/* namemap: (index, name) pairs with strictly increasing indices, which is
 * what lets lookups binary-search it. *count is kept up to date so a partial
 * map can be freed. */
static bool read_name_map(struct reader *r, struct name_assoc **out, uint32_t *count)
{
    uint32_t n;
    if (!read_count(r, &n, 2))
        return false;
    *out = n ? xcalloc(n, sizeof **out) : NULL;
    *count = 0;
    for (uint32_t i = 0; i < n; i++) {
        struct name_assoc *a = &(*out)[i];
        if (!rd_u32(r, &a->index, NULL))
            return false;
        if (i > 0 && a->index <= (*out)[i - 1].index)
            return false;
        if (!read_name(r, &a->name))
            return false;
        (*count)++;
    }
    return true;
}

static bool read_local_names(struct reader *r, struct module *m)
{
    uint32_t n;
    if (!read_count(r, &n, 2))
        return false;
    m->local_names = n ? xcalloc(n, sizeof *m->local_names) : NULL;
    for (uint32_t i = 0; i < n; i++) {
        struct local_names *ln = &m->local_names[i];
        if (!rd_u32(r, &ln->func, NULL))
            return false;
        m->nlocal_names++;
        if (i > 0 && ln->func <= m->local_names[i - 1].func)
            return false;
        if (!read_name_map(r, &ln->names, &ln->count))
            return false;
    }
    return true;
}

static bool read_subsections(struct reader *r, struct module *m)
{
    int last_id = -1;
    while (r->p < r->end) {
        uint8_t id;
        uint32_t size;
        if (!rd_byte(r, &id, NULL) || !rd_u32(r, &size, NULL))
            return false;
        if ((int)id <= last_id || size > (size_t)(r->end - r->p))
            return false;
        last_id = id;
        struct reader sub = {.start = r->start, .p = r->p, .end = r->p + size};
        r->p += size;
        bool ok = true;
        switch (id) {
        case 0: ok = read_name(&sub, &m->module_name); break;
        case 1: ok = read_name_map(&sub, &m->func_names, &m->nfunc_names); break;
        case 2: ok = read_local_names(&sub, m); break;
        default: sub.p = sub.end; break; /* later proposals' subsections */
        }
        if (!ok || sub.p != sub.end)
            return false;
    }
    return true;
}

void decode_name_section(struct module *m, uint32_t offset, uint32_t len)
{
    struct reader r = {.start = m->bytes, .p = m->bytes + offset, .end = m->bytes + offset + len};
    drop_names(m);
    if (!read_subsections(&r, m))
        drop_names(m);
}
