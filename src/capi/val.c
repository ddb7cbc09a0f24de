/* wasm.h values: their kinds against wisp's value types, copying and
 * deleting them, and converting them to and from the runtime's slots.
 * A funcref slot holds the struct rt_func itself; an externref slot holds
 * the store's anchor for the host's object (capi.h), so it comes back out
 * as a handle to the same object. */
#include "capi/capi.h"

/* A typed function reference is a WASM_FUNCREF: this version of the API
 * has no kinds for them (capi_ref_to_raw checks the rest). */
wasm_valkind_t capi_valkind(valtype_t t)
{
    switch (t) {
    case VT_I32: return WASM_I32;
    case VT_I64: return WASM_I64;
    case VT_F32: return WASM_F32;
    case VT_F64: return WASM_F64;
    case VT_V128: return WISP_WASM_V128;
    }
    return vt_top(t) == HT_EXTERN ? WASM_EXTERNREF : WASM_FUNCREF;
}

bool capi_valtype(wasm_valkind_t k, valtype_t *out)
{
    switch (k) {
    case WASM_I32: *out = VT_I32; return true;
    case WASM_I64: *out = VT_I64; return true;
    case WASM_F32: *out = VT_F32; return true;
    case WASM_F64: *out = VT_F64; return true;
    case WASM_FUNCREF: *out = VT_FUNCREF; return true;
    case WASM_EXTERNREF: *out = VT_EXTERNREF; return true;
    case WISP_WASM_V128: *out = VT_V128; return true;
    }
    return false;
}

void wasm_val_delete(wasm_val_t *v)
{
    if (v && wasm_valkind_is_ref(v->kind) && v->of.ref) {
        wasm_ref_delete(v->of.ref);
        v->of.ref = NULL;
    }
}

void wasm_val_copy(wasm_val_t *out, const wasm_val_t *v)
{
    *out = *v;
    if (wasm_valkind_is_ref(v->kind))
        out->of.ref = wasm_ref_copy(v->of.ref);
}

bool capi_ref_to_raw(wasm_store_t *store, valtype_t t, const wasm_ref_t *ref, void **out)
{
    const struct capi_ref *r = (const struct capi_ref *)ref;
    if (!r) {
        *out = NULL;
        if (!vt_nullable(t))
            return capi_failf(store, WISP_ERR_LINK, "type mismatch: null where %s is expected", valtype_name(t));
        return true;
    }
    if (vt_top(t) == HT_FUNC) {
        if (r->kind != CAPI_FUNC)
            return capi_failf(store, WISP_ERR_LINK, "type mismatch: a funcref must be a function");
        if (r->store != store)
            return capi_failf(store, WISP_ERR_LINK, "type mismatch: the function belongs to another store");
        if (!rt_ref_fits(store->store->rt, t, r->obj))
            return capi_failf(store, WISP_ERR_LINK, "type mismatch: the function is not of type %s",
                              valtype_name(t));
        *out = r->obj;
        return true;
    }
    if (vt_top(t) == HT_EXTERN && rt_ref_fits(store->store->rt, t, r)) {
        *out = capi_store_anchor(store, r);
        return true;
    }
    return capi_failf(store, WISP_ERR_LINK, "type mismatch: a reference where %s is expected", valtype_name(t));
}

wasm_ref_t *capi_raw_to_ref(wasm_store_t *store, valtype_t t, void *raw)
{
    if (!raw)
        return NULL;
    if (vt_top(t) == HT_FUNC)
        return (wasm_ref_t *)capi_ref_new(CAPI_FUNC, store, raw);
    const struct capi_anchor *a = raw;
    struct capi_ref r = {.kind = a->kind, .store = a->kind == CAPI_MODULE ? NULL : store, .obj = a->obj};
    return (wasm_ref_t *)capi_ref_dup(&r);
}

bool capi_val_to_slot(wasm_store_t *store, valtype_t t, const wasm_val_t *v, union slot *out)
{
    out->i64 = 0;
    if (t == VT_V128)
        return capi_failf(store, WISP_ERR_UNSUPPORTED, "v128 values cannot pass through wasm.h");
    if (v->kind != capi_valkind(t))
        return capi_failf(store, WISP_ERR_LINK, "type mismatch: a value of kind %u where %s is expected",
                          (unsigned)v->kind, valtype_name(t));
    switch (t) {
    case VT_I32: out->i32 = (uint32_t)v->of.i32; return true;
    case VT_I64: out->i64 = (uint64_t)v->of.i64; return true;
    case VT_F32: out->f32 = v->of.f32; return true;
    case VT_F64: out->f64 = v->of.f64; return true;
    default: return capi_ref_to_raw(store, t, v->of.ref, &out->ref);
    }
}

void capi_slot_to_val(wasm_store_t *store, valtype_t t, const union slot *s, wasm_val_t *out)
{
    memset(out, 0, sizeof *out);
    out->kind = capi_valkind(t);
    switch (t) {
    case VT_I32: out->of.i32 = (int32_t)s->i32; break;
    case VT_I64: out->of.i64 = (int64_t)s->i64; break;
    case VT_F32: out->of.f32 = s->f32; break;
    case VT_F64: out->of.f64 = s->f64; break;
    default:
        if (valtype_is_ref(t))
            out->of.ref = capi_raw_to_ref(store, t, s->ref);
        break;
    }
}
