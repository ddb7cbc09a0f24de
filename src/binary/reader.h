/* Private to src/binary: reading the binary format's primitive values (LEB128
 * integers, bytes, lengths, names) from a struct reader, with the spec test
 * suite's wording for every way they can be malformed. */
#ifndef WISP_BINARY_READER_H
#define WISP_BINARY_READER_H

#include "binary/instr.h"

/* err_set, but false as far as the compiler can see, so that outputs are
 * known to be written whenever a reader returns true. */
#define RD_ERR(...) (err_set(__VA_ARGS__), false)

/* Offsets in errors are relative to the module's first byte. */
static inline int64_t rd_offset(const struct reader *r, const uint8_t *at)
{
    return (int64_t)(at - r->start);
}

/* The reference interpreter words running off the end this way everywhere
 * except in the header; the suite's shorter "unexpected end" is a prefix. */
static inline bool rd_eof(const struct reader *r, struct wisp_error *err)
{
    return RD_ERR(err, WISP_ERR_MALFORMED, rd_offset(r, r->end),
                   "unexpected end of section or function");
}

static inline bool rd_fail(const struct reader *r, const uint8_t *at, struct wisp_error *err,
                           const char *msg)
{
    return RD_ERR(err, WISP_ERR_MALFORMED, rd_offset(r, at), "%s", msg);
}

static inline bool rd_byte(struct reader *r, uint8_t *out, struct wisp_error *err)
{
    if (UNLIKELY(r->p >= r->end))
        return rd_eof(r, err);
    *out = *r->p++;
    return true;
}

static inline bool rd_bytes(struct reader *r, size_t n, struct wisp_error *err)
{
    if (UNLIKELY((size_t)(r->end - r->p) < n))
        return rd_eof(r, err);
    r->p += n;
    return true;
}

/* Unsigned LEB128 of at most `bits` bits. The checks follow the spec: a byte
 * whose payload exceeds the bits left is "integer too large"; a byte beyond
 * the last one the width allows is "integer representation too long". */
static __attribute__((unused, noinline)) bool
rd_uleb_slow(struct reader *r, unsigned bits, uint64_t *out, struct wisp_error *err)
{
    uint64_t v = 0;
    unsigned shift = 0;
    int left = (int)bits;
    for (;;) {
        if (left <= 0)
            return rd_fail(r, r->p, err, "integer representation too long");
        if (r->p >= r->end)
            return rd_eof(r, err);
        uint8_t b = *r->p;
        if (left < 7 && (b & 0x7F) >= (1u << left))
            return rd_fail(r, r->p, err, "integer too large");
        r->p++;
        v |= (uint64_t)(b & 0x7F) << shift;
        if (!(b & 0x80))
            break;
        shift += 7;
        left -= 7;
    }
    *out = v;
    return true;
}

/* Signed LEB128 of at most `bits` bits: in the last byte the unused payload
 * bits must all equal the sign bit. */
static __attribute__((unused, noinline)) bool
rd_sleb_slow(struct reader *r, unsigned bits, int64_t *out, struct wisp_error *err)
{
    uint64_t v = 0;
    unsigned shift = 0;
    int left = (int)bits;
    for (;;) {
        if (left <= 0)
            return rd_fail(r, r->p, err, "integer representation too long");
        if (r->p >= r->end)
            return rd_eof(r, err);
        uint8_t b = *r->p;
        if (left < 7) {
            uint8_t mask = (uint8_t)((0xFFu << (left - 1)) & 0x7F);
            if ((b & mask) != 0 && (b & mask) != mask)
                return rd_fail(r, r->p, err, "integer too large");
        }
        r->p++;
        v |= (uint64_t)(b & 0x7F) << shift;
        shift += 7;
        if (!(b & 0x80)) {
            if (shift < 64 && (b & 0x40))
                v |= ~(uint64_t)0 << shift;
            break;
        }
        left -= 7;
    }
    *out = (int64_t)v;
    return true;
}

/* Multi-byte LEB128s when the longest encoding fits in what is left: no end
 * check per byte. Anything unusual (too long, too large) is left to the
 * checking loops above, which report it. */
static __attribute__((unused, noinline)) bool
rd_u32_long(struct reader *r, uint32_t *out, struct wisp_error *err)
{
    const uint8_t *p = r->p;
    if (LIKELY(r->end - p >= 5)) {
        uint32_t v = 0;
        for (int i = 0; i < 4; i++) {
            v |= (uint32_t)(p[i] & 0x7F) << (7 * i);
            if (!(p[i] & 0x80)) {
                r->p = p + i + 1;
                *out = v;
                return true;
            }
        }
        if (p[4] < 0x10) {
            r->p = p + 5;
            *out = v | (uint32_t)p[4] << 28;
            return true;
        }
    }
    uint64_t v;
    if (!rd_uleb_slow(r, 32, &v, err))
        return false;
    *out = (uint32_t)v;
    return true;
}

static __attribute__((unused, noinline)) bool
rd_s32_long(struct reader *r, int32_t *out, struct wisp_error *err)
{
    const uint8_t *p = r->p;
    if (LIKELY(r->end - p >= 5)) {
        uint32_t v = 0;
        for (int i = 0; i < 4; i++) {
            v |= (uint32_t)(p[i] & 0x7F) << (7 * i);
            if (!(p[i] & 0x80)) {
                if (p[i] & 0x40)
                    v |= ~(uint32_t)0 << (7 * (i + 1));
                r->p = p + i + 1;
                *out = (int32_t)v;
                return true;
            }
        }
        if ((p[4] & 0xF8) == 0 || (p[4] & 0xF8) == 0x78) {
            r->p = p + 5;
            *out = (int32_t)(v | (uint32_t)p[4] << 28);
            return true;
        }
    }
    int64_t v;
    if (!rd_sleb_slow(r, 32, &v, err))
        return false;
    *out = (int32_t)v;
    return true;
}

static __attribute__((unused, noinline)) bool
rd_s64_long(struct reader *r, int64_t *out, struct wisp_error *err)
{
    const uint8_t *p = r->p;
    if (LIKELY(r->end - p >= 10)) {
        uint64_t v = 0;
        for (int i = 0; i < 9; i++) {
            v |= (uint64_t)(p[i] & 0x7F) << (7 * i);
            if (!(p[i] & 0x80)) {
                if (p[i] & 0x40)
                    v |= ~(uint64_t)0 << (7 * (i + 1));
                r->p = p + i + 1;
                *out = (int64_t)v;
                return true;
            }
        }
        if (p[9] == 0 || p[9] == 0x7F) {
            r->p = p + 10;
            *out = (int64_t)(v | (uint64_t)p[9] << 63);
            return true;
        }
    }
    return rd_sleb_slow(r, 64, out, err);
}

static inline bool rd_u32(struct reader *r, uint32_t *out, struct wisp_error *err)
{
    if (LIKELY(r->p < r->end && *r->p < 0x80)) {
        *out = *r->p++;
        return true;
    }
    return rd_u32_long(r, out, err);
}

/* A 1-bit LEB128, as the spec reads limits flags: 2 is "integer too large",
 * 0x81 0x00 is "integer representation too long". */
static inline bool rd_u1(struct reader *r, uint8_t *out, struct wisp_error *err)
{
    uint64_t v;
    if (!rd_uleb_slow(r, 1, &v, err))
        return false;
    *out = (uint8_t)v;
    return true;
}

static inline bool rd_s32(struct reader *r, int32_t *out, struct wisp_error *err)
{
    if (LIKELY(r->p < r->end && *r->p < 0x80)) {
        uint8_t b = *r->p++;
        *out = (int32_t)(b & 0x3F) - (int32_t)(b & 0x40);
        return true;
    }
    return rd_s32_long(r, out, err);
}

static inline bool rd_s64(struct reader *r, int64_t *out, struct wisp_error *err)
{
    if (LIKELY(r->p < r->end && *r->p < 0x80)) {
        uint8_t b = *r->p++;
        *out = (int64_t)(b & 0x3F) - (int64_t)(b & 0x40);
        return true;
    }
    return rd_s64_long(r, out, err);
}

static inline bool rd_s33(struct reader *r, int64_t *out, struct wisp_error *err)
{
    return rd_sleb_slow(r, 33, out, err);
}

/* A length or vector count. Like the reference interpreter, it is checked
 * against the bytes left counted from the length's own first byte, so a
 * count too large for the input is "length out of bounds" before anything is
 * allocated for it; a length that only just passes fails later as
 * "unexpected end". */
static inline bool rd_len(struct reader *r, uint32_t *out, struct wisp_error *err)
{
    const uint8_t *at = r->p;
    if (!rd_u32(r, out, err))
        return false;
    if (UNLIKELY(*out > (size_t)(r->end - at)))
        return RD_ERR(err, WISP_ERR_MALFORMED, rd_offset(r, at),
                       "length out of bounds: %u bytes or items, %zu bytes left",
                       *out, (size_t)(r->end - at));
    return true;
}

static inline uint32_t rd_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t rd_le64(const uint8_t *p)
{
    return (uint64_t)rd_le32(p) | (uint64_t)rd_le32(p + 4) << 32;
}

/* A name: a length-prefixed byte string that must be valid UTF-8. On success
 * *bytes points at it (inside the reader's buffer). */
static inline bool rd_name_bytes(struct reader *r, const uint8_t **bytes, uint32_t *len,
                                 struct wisp_error *err)
{
    const uint8_t *at = r->p;
    if (!rd_len(r, len, err))
        return false;
    *bytes = r->p;
    if (!rd_bytes(r, *len, err))
        return false;
    if (!utf8_valid(*bytes, *len))
        return rd_fail(r, at, err, "malformed UTF-8 encoding");
    return true;
}

/* Whether abstract heap type code b (0x69-0x74) is one this reader's
 * features have: func and extern always, exn with exception handling
 * (exnref), the others (and noexn) with typed references. In (ref ht),
 * which needs typed references, only exn and noexn ask for more. */
static inline bool rd_abstract_ok(const struct reader *r, uint8_t b)
{
    if (b < HT_EXN || b > HT_NOEXN)
        return false;
    if (b == HT_FUNC || b == HT_EXTERN)
        return true;
    if (b == HT_EXN)
        return r->exceptions;
    return r->typed_refs && (b != HT_NOEXN || r->exceptions);
}

/* A heap type: an abstract type's one-byte code, or a type index as a
 * non-negative s33. Gives the nullable reference type. An index past any
 * module's types is kept as VT_INDEX_MAX, for the validator to call
 * unknown. */
static inline bool rd_heaptype(struct reader *r, valtype_t *out, struct wisp_error *err)
{
    const uint8_t *at = r->p;
    if (UNLIKELY(r->p >= r->end))
        return rd_eof(r, err);
    uint8_t b = *r->p;
    if (rd_abstract_ok(r, b)) {
        r->p++;
        *out = b;
        return true;
    }
    int64_t index;
    if (!rd_s33(r, &index, err))
        return false;
    if (index < 0)
        return RD_ERR(err, WISP_ERR_MALFORMED, rd_offset(r, at), "malformed heap type: 0x%02x", b);
    *out = vt_ref_index(index > VT_INDEX_MAX ? VT_INDEX_MAX : (uint32_t)index, true);
    return true;
}

/* A reference type whose first byte b was just read: 1 with it in *out, 0
 * when b starts none (nothing more read), -1 on an error in it: an
 * abstract shorthand, or with typed references (ref null? ht). */
static inline int rd_reftype_from(struct reader *r, uint8_t b, valtype_t *out, struct wisp_error *err)
{
    if (rd_abstract_ok(r, b)) {
        *out = b;
        return 1;
    }
    if (!r->typed_refs || (b != 0x63 && b != 0x64))
        return 0;
    if (!rd_heaptype(r, out, err))
        return -1;
    if (b == 0x64)
        *out |= VT_NONNULL;
    return 1;
}

/* Value and reference types are one byte in 2.0. The reference interpreter
 * reads them as a 7-bit signed LEB128, so a continuation bit is a too-long
 * integer; other bad bytes get its wording for the type class they fall in. */
static inline bool rd_valtype(struct reader *r, valtype_t *out, struct wisp_error *err)
{
    const uint8_t *at = r->p;
    uint8_t b;
    if (!rd_byte(r, &b, err))
        return false;
    switch (b) {
    case VT_I32: case VT_I64: case VT_F32: case VT_F64: case VT_V128:
        *out = b;
        return true;
    }
    int k = rd_reftype_from(r, b, out, err);
    if (k)
        return k > 0;
    if (b & 0x80)
        return rd_fail(r, r->p, err, "integer representation too long");
    return RD_ERR(err, WISP_ERR_MALFORMED, rd_offset(r, at),
                   "%s: 0x%02x is not a value type",
                   b > 0x70 ? "malformed vector type" : "malformed reference type", b);
}

static inline bool rd_reftype(struct reader *r, valtype_t *out, struct wisp_error *err)
{
    const uint8_t *at = r->p;
    uint8_t b;
    if (!rd_byte(r, &b, err))
        return false;
    int k = rd_reftype_from(r, b, out, err);
    if (k)
        return k > 0;
    if (b & 0x80)
        return rd_fail(r, r->p, err, "integer representation too long");
    return RD_ERR(err, WISP_ERR_MALFORMED, rd_offset(r, at),
                   "malformed reference type: 0x%02x", b);
}

/* The "name" custom section (names.c). Fills the module's name maps from the
 * payload [offset, offset+len) of m->bytes; a malformed name section leaves
 * them empty and is not an error. */
struct module;
void decode_name_section(struct module *m, uint32_t offset, uint32_t len);

#endif
