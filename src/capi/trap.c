/* wasm.h's traps and frames. A trap keeps its whole message and the wasm
 * frames of the backtrace (innermost first), taken from the runtime store
 * when a call fails; a host callback's own trap passes through wasm with
 * its message intact (store->pending). */
#include <stdio.h>
#include <stdlib.h>

#include "capi/capi.h"

struct wasm_frame_t {
    struct capi_frame_data d;
    wasm_instance_t *instance; /* a handle owned by the frame, or NULL */
};

static void trap_free(struct capi_shared *s)
{
    struct capi_trap *t = (struct capi_trap *)s;
    free(t->message);
    free(t->frames);
    free(t);
}

static struct capi_trap *trap_alloc(wasm_store_t *store, const char *message, size_t len)
{
    struct capi_trap *t = xcalloc(1, sizeof *t);
    capi_shared_init(&t->base, CAPI_TRAP, trap_free);
    t->store = store;
    t->message = xmalloc(len + 1);
    memcpy(t->message, message, len);
    t->message[len] = 0;
    t->message_len = len;
    return t;
}

static wasm_trap_t *trap_handle(struct capi_trap *t)
{
    return (wasm_trap_t *)capi_ref_new(CAPI_TRAP, t->store, t);
}

wasm_trap_t *wasm_trap_new(wasm_store_t *store, const wasm_message_t *message)
{
    const char *text = message && message->data ? message->data : "";
    size_t len = message && message->data ? message->size : 0;
    /* The message is meant to end with its NUL; take it up to the first. */
    const char *nul = len ? memchr(text, 0, len) : NULL;
    if (nul)
        len = (size_t)(nul - text);
    return trap_handle(trap_alloc(store, text, len));
}

wasm_trap_t *capi_trap_from_text(wasm_store_t *store, const char *message)
{
    return trap_handle(trap_alloc(store, message, strlen(message)));
}

/* Where function f's body (its local declarations) starts in the module:
 * after the body's size field. */
static size_t body_start(const struct module *m, uint32_t index)
{
    const struct code *c = &m->codes[index - m->nfunc_imports];
    size_t p = c->size_offset;
    while (p < m->len && (m->bytes[p] & 0x80))
        p++;
    return p + 1;
}

wasm_trap_t *capi_trap_from_call(wasm_store_t *store, const wisp_error *err)
{
    struct rt_store *rt = capi_rt(store);
    struct capi_trap *pending = store->pending;
    store->pending = NULL;
    struct capi_trap *t;
    /* A host callback's trap, if the runtime's message is the start of its
     * own (the runtime keeps 255 bytes). */
    if (pending && rt->trap == TRAP_HOST &&
        strncmp(pending->message, rt->trap_message, sizeof rt->trap_message - 1) == 0) {
        t = trap_alloc(store, pending->message, pending->message_len);
    } else if (err->kind == WISP_ERR_EXIT) {
        char msg[64];
        snprintf(msg, sizeof msg, "the program exited with status %d", err->exit_code);
        t = trap_alloc(store, msg, strlen(msg));
    } else {
        t = trap_alloc(store, err->message, strlen(err->message));
    }
    if (pending)
        capi_shared_release(&pending->base);
    t->exited = err->kind == WISP_ERR_EXIT;
    t->exit_code = err->exit_code;
    if (rt->ntrace)
        t->frames = xcalloc(rt->ntrace, sizeof *t->frames);
    for (uint32_t i = 0; i < rt->ntrace; i++) {
        const struct rt_trace_frame *tf = &rt->trace[i];
        const struct rt_func *f = tf->func;
        if (!f->inst)
            continue; /* host functions have no wasm frame */
        struct capi_frame_data *d = &t->frames[t->nframes++];
        d->inst = f->inst;
        d->func_index = f->index;
        d->module_offset = tf->offset == UINT32_MAX ? 0 : tf->offset;
        size_t start = body_start(f->inst->module, f->index);
        d->func_offset = d->module_offset >= start ? d->module_offset - start : 0;
    }
    return trap_handle(t);
}

bool wisp_wasm_trap_exit_code(const wasm_trap_t *trap, int32_t *code)
{
    const struct capi_trap *t = trap ? ((const struct capi_ref *)trap)->obj : NULL;
    if (!t || !t->exited)
        return false;
    if (code)
        *code = t->exit_code;
    return true;
}

void wasm_trap_message(const wasm_trap_t *trap, wasm_message_t *out)
{
    const struct capi_trap *t = ((const struct capi_ref *)trap)->obj;
    wasm_byte_vec_new(out, t->message_len + 1, t->message);
}

/* ---- Frames ---- */

static wasm_frame_t *frame_new(wasm_store_t *store, const struct capi_frame_data *d)
{
    wasm_frame_t *f = xcalloc(1, sizeof *f);
    f->d = *d;
    if (d->inst)
        f->instance = (wasm_instance_t *)capi_ref_new(CAPI_INSTANCE, store, d->inst);
    return f;
}

wasm_frame_t *wasm_trap_origin(const wasm_trap_t *trap)
{
    const struct capi_trap *t = ((const struct capi_ref *)trap)->obj;
    return t->nframes ? frame_new(t->store, &t->frames[0]) : NULL;
}

void wasm_trap_trace(const wasm_trap_t *trap, wasm_frame_vec_t *out)
{
    const struct capi_trap *t = ((const struct capi_ref *)trap)->obj;
    wasm_frame_vec_new_uninitialized(out, t->nframes);
    for (uint32_t i = 0; i < t->nframes; i++)
        out->data[i] = frame_new(t->store, &t->frames[i]);
}

void wasm_frame_delete(wasm_frame_t *f)
{
    if (!f)
        return;
    wasm_instance_delete(f->instance);
    free(f);
}

wasm_frame_t *wasm_frame_copy(const wasm_frame_t *f)
{
    wasm_store_t *store = f->instance ? ((struct capi_ref *)f->instance)->store : NULL;
    return frame_new(store, &f->d);
}

wasm_instance_t *wasm_frame_instance(const wasm_frame_t *f) { return f->instance; }
uint32_t wasm_frame_func_index(const wasm_frame_t *f) { return f->d.func_index; }
size_t wasm_frame_func_offset(const wasm_frame_t *f) { return f->d.func_offset; }
size_t wasm_frame_module_offset(const wasm_frame_t *f) { return f->d.module_offset; }
