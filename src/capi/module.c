/* wasm.h's modules: creating and validating them, their imports and
 * exports with full types, sharing them between threads, and serializing
 * them.
 *
 * Serialized modules come in two forms. With the compiled tier present,
 * the precompiled form of src/api/serialize.c (`wisp compile`): the module
 * and its native code. Without it, the validated form, which loads without
 * validating again:
 *
 *   0   8   magic "\0wisp-vm"
 *   8   4   format version (1)
 *   12  4   0
 *   16  8   target: wisp's version, structures and CPU (rt_tier_target_id)
 *   24  8   length of the module's wasm bytes
 *   32  8   number of defined functions
 *   40  16  a hash of everything after the header (rt_hash128)
 *   56      the wasm bytes, then each defined function's operand stack
 *           height (u32), which the validator would compute
 *
 * Both are trusted input, as the header says; the hash turns a damaged
 * file into an error rather than a module that was never validated. */
#include <stdlib.h>

#include "capi/capi.h"
#include "runtime/code_cache.h"
#include "runtime/tier.h"

#define VM_MAGIC "\0wisp-vm"
#define VM_VERSION 1u
#define VM_HEADER 56u

static void module_free_shared(struct capi_shared *s)
{
    struct capi_module *m = (struct capi_module *)s;
    wisp_module_free(m->module);
    free(m);
}

static wasm_module_t *module_handle(wasm_store_t *store, wisp_module *wm)
{
    struct capi_module *m = xcalloc(1, sizeof *m);
    capi_shared_init(&m->base, CAPI_MODULE, module_free_shared);
    m->module = wm;
    m->engine = store->engine;
    return (wasm_module_t *)capi_ref_new(CAPI_MODULE, NULL, m);
}

struct capi_module *capi_module_of(const wasm_module_t *module)
{
    return (struct capi_module *)((const struct capi_ref *)module)->obj;
}

/* wasm.h has no extern kind for tags and no value kind for exnref: a
 * module with either is refused here (WISP_ERR_UNSUPPORTED) rather than
 * shown to the embedder as something else. */
static bool is_exn(valtype_t t) { return valtype_is_ref(t) && vt_top(t) == HT_EXN; }

static bool expressible(const struct module *m, wisp_error *err)
{
    bool exnref = false;
    for (uint32_t i = 0; i < m->ntypes && !exnref; i++)
        for (uint32_t k = 0; k < m->types[i].nparams + m->types[i].nresults && !exnref; k++)
            exnref = is_exn(m->types[i].types[k]);
    for (uint32_t i = 0; i < m->nglobals && !exnref; i++)
        exnref = is_exn(m->globals[i].type.type);
    for (uint32_t i = 0; i < m->ntables && !exnref; i++)
        exnref = is_exn(m->tables[i].elem);
    if (m->ntags || exnref)
        return err_set(err, WISP_ERR_UNSUPPORTED, -1,
                       "the standard C API (wasm.h) cannot express %s: use wisp.h for exception handling",
                       m->ntags ? "tags" : "exnref");
    return true;
}

static wisp_module *new_module(wasm_store_t *store, const wasm_byte_vec_t *binary, wisp_error *err)
{
    wisp_module *wm = wisp_module_new(capi_engine(store->engine), (const uint8_t *)binary->data, binary->size,
                                      NULL, err);
    if (wm && !expressible(&wm->m, err)) {
        wisp_module_free(wm);
        return NULL;
    }
    return wm;
}

wasm_module_t *wasm_module_new(wasm_store_t *store, const wasm_byte_vec_t *binary)
{
    if (!store || !binary)
        return NULL;
    wisp_error err;
    wisp_module *wm = new_module(store, binary, &err);
    if (!wm) {
        capi_fail(store, &err);
        return NULL;
    }
    return module_handle(store, wm);
}

bool wasm_module_validate(wasm_store_t *store, const wasm_byte_vec_t *binary)
{
    if (!store || !binary)
        return false;
    wisp_error err;
    wisp_module *wm = new_module(store, binary, &err);
    if (!wm)
        return capi_fail(store, &err);
    wisp_module_free(wm);
    return true;
}

static void name_of(wasm_name_t *out, const struct name *n)
{
    wasm_name_new(out, n->len, n->str);
}

void wasm_module_imports(const wasm_module_t *module, wasm_importtype_vec_t *out)
{
    const struct module *m = &capi_module_of(module)->module->m;
    wasm_importtype_vec_new_uninitialized(out, m->nimports);
    for (uint32_t i = 0; i < m->nimports; i++) {
        const struct import *im = &m->imports[i];
        wasm_name_t mod, name;
        name_of(&mod, &im->module);
        name_of(&name, &im->field);
        out->data[i] = wasm_importtype_new(&mod, &name, capi_externtype_of_import(m, im));
    }
}

void wasm_module_exports(const wasm_module_t *module, wasm_exporttype_vec_t *out)
{
    const struct module *m = &capi_module_of(module)->module->m;
    wasm_exporttype_vec_new_uninitialized(out, m->nexports);
    for (uint32_t i = 0; i < m->nexports; i++) {
        wasm_name_t name;
        name_of(&name, &m->exports[i].name);
        out->data[i] = wasm_exporttype_new(&name, capi_externtype_of_export(m, &m->exports[i]));
    }
}

/* ---- Sharing between threads ---- */

wasm_shared_module_t *wasm_module_share(const wasm_module_t *module)
{
    struct capi_module *m = capi_module_of(module);
    capi_shared_retain(&m->base);
    return (wasm_shared_module_t *)m;
}

void wasm_shared_module_delete(wasm_shared_module_t *shared)
{
    if (shared)
        capi_shared_release(&((struct capi_module *)shared)->base);
}

wasm_module_t *wasm_module_obtain(wasm_store_t *store, const wasm_shared_module_t *shared)
{
    if (!store || !shared)
        return NULL;
    struct capi_module *m = (struct capi_module *)shared;
    capi_shared_retain(&m->base);
    return (wasm_module_t *)capi_ref_new(CAPI_MODULE, NULL, m);
}

/* ---- Serialization ---- */

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }
static uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t get64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

static void serialize_validated(const struct module *m, wasm_byte_vec_t *out)
{
    uint64_t ndefined = m->nfuncs - m->nfunc_imports;
    size_t len = VM_HEADER + (size_t)m->len + (size_t)ndefined * 4;
    wasm_byte_vec_new_uninitialized(out, len);
    uint8_t *p = (uint8_t *)out->data;
    memcpy(p, VM_MAGIC, 8);
    put32(p + 8, VM_VERSION);
    put32(p + 12, m->features);
    put64(p + 16, rt_tier_target_id());
    put64(p + 24, m->len);
    put64(p + 32, ndefined);
    memcpy(p + VM_HEADER, m->bytes, m->len);
    for (uint64_t i = 0; i < ndefined; i++)
        put32(p + VM_HEADER + m->len + 4 * i, m->max_stack[i]);
    uint64_t h[2];
    rt_hash128(p + VM_HEADER, len - VM_HEADER, VM_VERSION, h);
    put64(p + 40, h[0]);
    put64(p + 48, h[1]);
}

void wasm_module_serialize(const wasm_module_t *module, wasm_byte_vec_t *out)
{
    struct capi_module *cm = capi_module_of(module);
    wasm_byte_vec_new_empty(out);
    if (wisp_compiled_tier(NULL)) {
        uint8_t *bytes;
        size_t len;
        if (wisp_module_serialize(capi_engine(cm->engine), cm->module, &bytes, &len, NULL)) {
            /* Moved into the vector's own allocation (freed with free()). */
            out->data = (wasm_byte_t *)bytes;
            out->size = len;
            return;
        }
    }
    serialize_validated(&cm->module->m, out);
}

static wisp_module *deserialize_validated(wasm_store_t *store, const uint8_t *p, size_t len)
{
    const char *why = NULL;
    uint64_t wasm_len = 0, ndefined = 0;
    if (len < VM_HEADER)
        why = "it is truncated";
    else if (get32(p + 8) != VM_VERSION)
        why = "it is in another version of the format";
    else if (get64(p + 16) != rt_tier_target_id())
        why = "it was serialized by another build of wisp or on another CPU";
    else {
        wasm_len = get64(p + 24);
        ndefined = get64(p + 32);
        if (wasm_len > len - VM_HEADER || ndefined > (len - VM_HEADER - wasm_len) / 4 ||
            len - VM_HEADER - wasm_len != ndefined * 4)
            why = "it is truncated or damaged: its lengths do not match";
    }
    if (!why) {
        uint64_t h[2];
        rt_hash128(p + VM_HEADER, len - VM_HEADER, VM_VERSION, h);
        if (h[0] != get64(p + 40) || h[1] != get64(p + 48))
            why = "it is damaged: its hash does not match";
    }
    uint32_t features = len >= VM_HEADER ? get32(p + 12) : 0;
    if (!why && (features & ~api_features(capi_engine(store->engine))))
        why = "it was validated with Wasm features this engine has turned off";
    if (why) {
        capi_failf(store, WISP_ERR_MALFORMED, "serialized module cannot be used: %s", why);
        return NULL;
    }
    wisp_module *wm = xcalloc(1, sizeof *wm);
    wisp_error err;
    if (!module_decode(&wm->m, p + VM_HEADER, (size_t)wasm_len, features, &err) || !expressible(&wm->m, &err)) {
        capi_fail(store, &err);
        module_free(&wm->m);
        free(wm);
        return NULL;
    }
    /* What validation computes about types is not stored: it is checked
     * and made again. */
    if (wm->m.nfuncs - wm->m.nfunc_imports != ndefined || !module_validate_types(&wm->m, &err)) {
        capi_failf(store, WISP_ERR_MALFORMED, "serialized module cannot be used: it is damaged");
        module_free(&wm->m);
        free(wm);
        return NULL;
    }
    wm->m.max_stack = xcalloc((size_t)ndefined + 1, sizeof *wm->m.max_stack);
    for (uint64_t i = 0; i < ndefined; i++)
        wm->m.max_stack[i] = get32(p + VM_HEADER + wasm_len + 4 * i);
    return wm;
}

wasm_module_t *wasm_module_deserialize(wasm_store_t *store, const wasm_byte_vec_t *bytes)
{
    if (!store || !bytes)
        return NULL;
    const uint8_t *p = (const uint8_t *)bytes->data;
    size_t len = bytes->size;
    wisp_module *wm = NULL;
    if (len >= 8 && memcmp(p, VM_MAGIC, 8) == 0) {
        wm = deserialize_validated(store, p, len);
    } else if (wisp_is_precompiled(p, len)) {
        wisp_error err;
        wm = wisp_module_deserialize(capi_engine(store->engine), p, len, NULL, &err);
        if (!wm)
            capi_fail(store, &err);
    } else {
        capi_failf(store, WISP_ERR_MALFORMED, "not a serialized module (use wasm_module_serialize)");
    }
    return wm ? module_handle(store, wm) : NULL;
}
