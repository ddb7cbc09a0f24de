/* Where an exception thrown in interpreted code lands within one function:
 * the lowering's handler table (code.h) searched from the innermost handler
 * covering the throwing position outwards. Only a throw pays for this; code
 * that throws nothing never looks at the table. */
#include "interp/code.h"

/* The innermost handler covering pc: handlers are in order of their start
 * and nest (a delegate's target is named by `outer`, not by nesting), so it
 * is the last one that starts at or before pc and ends after it. */
static uint32_t innermost(const struct rt_code *c, uint32_t pc)
{
    uint32_t found = UINT32_MAX;
    for (uint32_t i = 0; i < c->nhandlers && c->handlers[i].start <= pc; i++)
        if (pc < c->handlers[i].end)
            found = i;
    return found;
}

const struct rt_catch *rt_code_find_catch(const struct rt_code *c, const struct rt_instance *inst, uint32_t pc,
                                          const struct rt_exception *e)
{
    /* Each step goes to an enclosing handler, which starts earlier (or is
     * listed earlier): a chain of at most nhandlers steps. */
    uint32_t steps = 0;
    for (uint32_t h = innermost(c, pc); h != UINT32_MAX && steps++ < c->nhandlers; h = c->handlers[h].outer) {
        const struct rt_handler *hd = &c->handlers[h];
        for (uint32_t i = 0; i < hd->ncatches; i++) {
            const struct rt_catch *k = &c->catches[hd->first + i];
            if (k->tag == UINT32_MAX || inst->tags[k->tag] == e->tag)
                return k;
        }
    }
    return NULL;
}
