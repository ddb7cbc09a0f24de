/* Exceptions at run time, for every tier that throws: the objects (a tag
 * and a payload, owned by the store), how long they live, and how one is
 * named in a message. How a thrown exception finds its handler is the
 * interpreter's business (src/interp/handlers.c); an exception nothing
 * catches leaves a call like a trap, with TRAP_EXCEPTION and s->exn. */
#include <stdio.h>
#include <stdlib.h>

#include "runtime/runtime.h"

struct rt_exception *rt_exception_new(struct rt_store *s, struct rt_tag *tag, const union slot *payload)
{
    struct rt_exception *e = xmalloc(sizeof *e + (size_t)tag->nslots * sizeof(union slot));
    e->tag = tag;
    e->exposed = false;
    if (tag->nslots)
        memcpy(e->payload, payload, tag->nslots * sizeof(union slot));
    e->prev = NULL;
    e->next = s->exceptions;
    if (s->exceptions)
        s->exceptions->prev = e;
    s->exceptions = e;
    return e;
}

void rt_exception_caught(struct rt_store *s, struct rt_exception *e)
{
    if (e->exposed)
        return;
    if (e->prev)
        e->prev->next = e->next;
    else
        s->exceptions = e->next;
    if (e->next)
        e->next->prev = e->prev;
    if (s->exn == e)
        s->exn = NULL;
    free(e);
}

void rt_exceptions_free(struct rt_store *s)
{
    for (struct rt_exception *e = s->exceptions, *next; e; e = next) {
        next = e->next;
        free(e);
    }
    s->exceptions = NULL;
    s->exn = NULL;
}

/* One payload value as text; returns the slots it took. */
static uint32_t describe_value(valtype_t t, const union slot *v, char *buf, size_t size)
{
    switch (t) {
    case VT_I32: snprintf(buf, size, "i32 %d", (int32_t)v->i32); return 1;
    case VT_I64: snprintf(buf, size, "i64 %lld", (long long)v->i64); return 1;
    case VT_F32: snprintf(buf, size, "f32 %g", (double)v->f32); return 1;
    case VT_F64: snprintf(buf, size, "f64 %g", v->f64); return 1;
    case VT_V128:
        snprintf(buf, size, "v128 0x%016llx%016llx", (unsigned long long)v[1].i64, (unsigned long long)v[0].i64);
        return 2;
    default:
        snprintf(buf, size, "%s %s", valtype_name(t), v->ref ? "(non-null)" : "null");
        return 1;
    }
}

void rt_exception_describe(const struct rt_store *s, const struct rt_exception *e, char *buf, size_t size)
{
    (void)s;
    const struct rt_tag *tag = e->tag;
    size_t len;
    if (tag->inst && tag->inst->name)
        len = (size_t)snprintf(buf, size, "tag %u of instance \"%s\"", tag->index, tag->inst->name);
    else if (tag->inst)
        len = (size_t)snprintf(buf, size, "tag %u", tag->index);
    else
        len = (size_t)snprintf(buf, size, "a host tag");
    const struct functype *t = tag->type;
    if (!t->nparams || len >= size)
        return;
    len += (size_t)snprintf(buf + len, size - len, ", payload (");
    const union slot *v = e->payload;
    for (uint32_t i = 0; i < t->nparams && len < size; i++) {
        char one[64];
        v += describe_value(functype_params(t)[i], v, one, sizeof one);
        len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? ", " : "", one);
    }
    if (len < size)
        snprintf(buf + len, size - len, ")");
}

bool rt_host_throw(struct rt_caller *caller, struct rt_exception *e)
{
    struct rt_store *s = caller->store;
    s->exn = e;
    s->trap = TRAP_EXCEPTION;
    return false;
}
