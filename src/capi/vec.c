/* wasm.h's vectors: {size, data} of values (bytes, wasm_val_t) or of owned
 * pointers (types, frames, externals). new takes the elements over, copy
 * copies them deeply, delete deletes them. */
#include <stdlib.h>

#include "capi/capi.h"

static void *vec_alloc(size_t n, size_t elem)
{
    return n ? xcalloc(n, elem) : NULL;
}

/* The functions of wasm_N_vec_t. COPY(dst, src) copies one element into
 * place, DELETE(p) deletes the element at p. */
#define VEC(N, T, COPY, DELETE)                                                        \
    void wasm_##N##_vec_new_empty(wasm_##N##_vec_t *out)                               \
    {                                                                                  \
        out->size = 0;                                                                 \
        out->data = NULL;                                                              \
    }                                                                                  \
    void wasm_##N##_vec_new_uninitialized(wasm_##N##_vec_t *out, size_t size)          \
    {                                                                                  \
        out->data = vec_alloc(size, sizeof(T));                                        \
        out->size = size;                                                              \
    }                                                                                  \
    void wasm_##N##_vec_new(wasm_##N##_vec_t *out, size_t size, T const data[])        \
    {                                                                                  \
        wasm_##N##_vec_new_uninitialized(out, size);                                   \
        if (size)                                                                      \
            memcpy(out->data, data, size * sizeof(T));                                 \
    }                                                                                  \
    void wasm_##N##_vec_copy(wasm_##N##_vec_t *out, const wasm_##N##_vec_t *src)       \
    {                                                                                  \
        wasm_##N##_vec_new_uninitialized(out, src->size);                              \
        for (size_t i = 0; i < src->size; i++)                                         \
            COPY(out->data[i], src->data[i]);                                          \
    }                                                                                  \
    void wasm_##N##_vec_delete(wasm_##N##_vec_t *v)                                    \
    {                                                                                  \
        if (!v)                                                                        \
            return;                                                                    \
        for (size_t i = 0; i < v->size && v->data; i++)                                \
            DELETE(&v->data[i]);                                                       \
        free(v->data);                                                                 \
        v->size = 0;                                                                   \
        v->data = NULL;                                                                \
    }

#define PLAIN_COPY(d, s) ((d) = (s))
#define PLAIN_DELETE(p) ((void)(p))
#define VAL_COPY(d, s) wasm_val_copy(&(d), &(s))
/* Vectors of pointers: a NULL element stays NULL. */
#define PTR_VEC(N)                                                         \
    static void delete_##N(wasm_##N##_t **p)                               \
    {                                                                      \
        wasm_##N##_delete(*p);                                             \
        *p = NULL;                                                         \
    }                                                                      \
    VEC(N, wasm_##N##_t *, N##_COPY, delete_##N)

#define valtype_COPY(d, s) ((d) = (s) ? wasm_valtype_copy(s) : NULL)
#define functype_COPY(d, s) ((d) = (s) ? wasm_functype_copy(s) : NULL)
#define globaltype_COPY(d, s) ((d) = (s) ? wasm_globaltype_copy(s) : NULL)
#define tabletype_COPY(d, s) ((d) = (s) ? wasm_tabletype_copy(s) : NULL)
#define memorytype_COPY(d, s) ((d) = (s) ? wasm_memorytype_copy(s) : NULL)
#define externtype_COPY(d, s) ((d) = (s) ? wasm_externtype_copy(s) : NULL)
#define importtype_COPY(d, s) ((d) = (s) ? wasm_importtype_copy(s) : NULL)
#define exporttype_COPY(d, s) ((d) = (s) ? wasm_exporttype_copy(s) : NULL)
#define frame_COPY(d, s) ((d) = (s) ? wasm_frame_copy(s) : NULL)
#define extern_COPY(d, s) ((d) = (s) ? wasm_extern_copy(s) : NULL)

VEC(byte, wasm_byte_t, PLAIN_COPY, PLAIN_DELETE)
VEC(val, wasm_val_t, VAL_COPY, wasm_val_delete)
PTR_VEC(valtype)
PTR_VEC(functype)
PTR_VEC(globaltype)
PTR_VEC(tabletype)
PTR_VEC(memorytype)
PTR_VEC(externtype)
PTR_VEC(importtype)
PTR_VEC(exporttype)
PTR_VEC(frame)
PTR_VEC(extern)
