/* Small services on a decoded module: releasing it, looking up function
 * names, and the value-type and function-type helpers everything shares. */
#include "module.h"

#include <stdlib.h>

void module_free(struct module *m)
{
    if (!m)
        return;
    free(m->precompiled);
    for (uint32_t i = 0; i < m->ntypes; i++)
        free(m->types[i].types);
    free(m->types);
    free(m->canon);
    free(m->singles);
    for (uint32_t i = 0; i < m->nimports; i++) {
        free(m->imports[i].module.str);
        free(m->imports[i].field.str);
    }
    free(m->imports);
    free(m->func_types);
    free(m->func_offsets);
    free(m->tables);
    free(m->table_offsets);
    free(m->memories);
    free(m->memory_offsets);
    free(m->globals);
    free(m->tag_types);
    free(m->tag_offsets);
    if (m->codes) {
        for (uint32_t i = 0; i < m->nfuncs - m->nfunc_imports; i++)
            free(m->codes[i].groups);
        free(m->codes);
    }
    for (uint32_t i = 0; i < m->nexports; i++)
        free(m->exports[i].name.str);
    free(m->exports);
    for (uint32_t i = 0; i < m->nelems; i++) {
        free(m->elems[i].funcs);
        free(m->elems[i].exprs);
    }
    free(m->elems);
    free(m->datas);
    for (uint32_t i = 0; i < m->ncustoms; i++)
        free(m->customs[i].name.str);
    free(m->customs);
    free(m->module_name.str);
    for (uint32_t i = 0; i < m->nfunc_names; i++)
        free(m->func_names[i].name.str);
    free(m->func_names);
    for (uint32_t i = 0; i < m->nlocal_names; i++) {
        for (uint32_t j = 0; j < m->local_names[i].count; j++)
            free(m->local_names[i].names[j].name.str);
        free(m->local_names[i].names);
    }
    free(m->local_names);
    free(m->max_stack);
    free(m->bytes);
    memset(m, 0, sizeof *m);
}

const struct name *module_func_name(const struct module *m, uint32_t func)
{
    uint32_t lo = 0, hi = m->nfunc_names;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        uint32_t index = m->func_names[mid].index;
        if (index == func)
            return &m->func_names[mid].name;
        if (index < func)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

