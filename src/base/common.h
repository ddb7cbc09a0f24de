/* Shared basics for the whole library: allocation that fails loudly, growable
 * arrays, and the error-reporting helpers every stage uses. Nothing here keeps
 * global mutable state. */
#ifndef WISP_BASE_COMMON_H
#define WISP_BASE_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "wisp.h"

#define LIKELY(x)   __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation. Sizes that come from untrusted input are checked against the
 * input's length before they reach here, so running out of memory means the
 * host is exhausted: these print a message and abort rather than return NULL. */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrndup(const char *s, size_t n);

/* Growable array: T *items; uint32_t count, cap. VEC_GROW makes room for
 * items[count] (zeroed). */
#define VEC_GROW(items, count, cap)                                          \
    do {                                                                     \
        if ((count) >= (cap)) {                                              \
            size_t vec_ncap_ = (cap) ? (size_t)(cap) * 2 : 8;                \
            (items) = xrealloc((items), vec_ncap_ * sizeof(*(items)));       \
            memset((items) + (cap), 0, (vec_ncap_ - (cap)) * sizeof(*(items))); \
            (cap) = vec_ncap_;                                               \
        }                                                                    \
    } while (0)

/* Errors. err_set fills *e (which may be NULL) and returns false so callers can
 * write `return err_set(...)`. offset is a byte offset, or -1 when none. The
 * message starts with the spec's wording; detail follows after ": ". */
bool err_set(struct wisp_error *e, enum wisp_error_kind kind, int64_t offset,
             const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Attach function context (index, and name if known) to an error. */
void err_set_func(struct wisp_error *e, int64_t func, const char *name);
/* Attach a text position. */
void err_set_pos(struct wisp_error *e, uint32_t line, uint32_t col);
void err_set_source(struct wisp_error *e, const char *source);

/* Growable byte buffer, used by the text parser to emit wasm bytes. */
struct buf {
    uint8_t *data;
    size_t len, cap;
};
void buf_reserve(struct buf *b, size_t extra);
void buf_byte(struct buf *b, uint8_t v);
void buf_bytes(struct buf *b, const void *p, size_t n);
void buf_u32(struct buf *b, uint32_t v);   /* unsigned LEB128 */
void buf_u64(struct buf *b, uint64_t v);   /* unsigned LEB128 */
void buf_s32(struct buf *b, int32_t v);    /* signed LEB128 */
void buf_s64(struct buf *b, int64_t v);    /* signed LEB128 */
void buf_u32_fixed5(struct buf *b, uint32_t v); /* 5-byte padded LEB128, for back-patching sizes */
void buf_patch_u32_fixed5(struct buf *b, size_t at, uint32_t v);
void buf_free(struct buf *b);

/* UTF-8: true when [s, s+n) is well-formed UTF-8 (no surrogates, no overlongs). */
bool utf8_valid(const uint8_t *s, size_t n);

#endif
