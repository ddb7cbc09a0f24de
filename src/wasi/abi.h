/* The contract between wisp's generated WASI glue ($(BUILD)/gen/wasi_glue.c,
 * written by tools/witxgen from witx/) and the runtime around it: how the
 * interpreter calls a glue function, how the glue sees guest memory and the
 * trace switch, and the import-table entry an instantiator matches against. */
#ifndef WISP_WASI_ABI_H
#define WISP_WASI_ABI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* The implementation's state (fd table, arguments, clocks, exit request...).
 * Defined by the hand-written implementation in src/wasi/; the glue only
 * passes it on to the wasi_impl_<name> functions. */
struct wasi_ctx;

/* The guest's linear memory as seen during one call. The glue checks every
 * guest address against size in 64-bit arithmetic before it forms
 * base + addr, so an implementation may trust what the glue hands it.
 * base may be NULL when size is 0. */
struct wasi_guest_memory {
    uint8_t *base;
    uint64_t size;
};

/* The call trace (WISP_LOG=wasi=trace). With on false the glue pays one
 * predictable branch on entry and one on exit. out must be set when on. */
struct wasi_trace {
    FILE *out;
    bool on;
};

/* Every generated glue function has this type. args holds the wasm
 * arguments, one per slot: an i32 in the low 32 bits, an i64 as is, f32/f64
 * as their bit patterns. Returns the function's single wasm result (a
 * zero-extended i32 errno for preview1), or 0 when it has none. trace must
 * not be NULL.
 *
 * A noreturn function (proc_exit) does return here: its implementation
 * records the request in the ctx, and the runtime must then stop the guest
 * instead of resuming it. */
typedef uint64_t (*wasi_glue_fn)(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,
                                 const struct wasi_trace *trace, const uint64_t *args);

/* Wasm value types as their binary-format codes, so an instantiator can
 * compare an import's declared type with the table directly. */
enum wasi_valtype {
    WASI_VALTYPE_I32 = 0x7f,
    WASI_VALTYPE_I64 = 0x7e,
    WASI_VALTYPE_F32 = 0x7d,
    WASI_VALTYPE_F64 = 0x7c,
};

/* One function a module may import: the generated wasi_import_table
 * (wasi_glue.h) holds one per witx function. */
struct wasi_import {
    const char *module;              /* "wasi_snapshot_preview1" */
    const char *name;                /* "fd_write" */
    const uint8_t *params;           /* enum wasi_valtype codes */
    uint32_t nparams;
    const uint8_t *results;
    uint32_t nresults;
    wasi_glue_fn glue;
    bool noreturn;
    /* For messages and traces: */
    const char *signature;           /* "(i32 i32 i32 i32) -> (i32)" */
    const char *const *param_names;  /* per wasm param: "fd", "iovs", "iovs_len", ... */
    const char *doc;                 /* the witx doc comment, on one line */
};

/* A list or string stored inside a guest record: a guest address and an
 * element count. (No preview1 record has one; witx allows it.) */
struct wasi_guest_list {
    uint32_t ptr;
    uint32_t len;
};

/* Bounds on what the glue copies from the guest, so a guest-chosen count
 * never becomes an unbounded host allocation. Past the bound a list gives
 * errno inval, a string errno nametoolong. Both are far above what real
 * preview1 programs pass (IOV_MAX is 1024, PATH_MAX 4096). */
#define WASI_MAX_LIST_ELEMS 65536u
#define WASI_MAX_STRING_BYTES 65536u

enum wasi_guest_check {
    WASI_GUEST_OK,
    WASI_GUEST_OUT_OF_BOUNDS,  /* the glue reports errno fault */
    WASI_GUEST_MISALIGNED,     /* the glue reports errno inval */
};

/* Is [addr, addr + len) inside guest memory, and addr a multiple of align
 * (a power of two)? addr and len come from the guest; the sum cannot wrap in
 * 64 bits because both are below 2^63. */
static inline enum wasi_guest_check wasi_guest_check(const struct wasi_guest_memory *mem,
                                                     uint64_t addr, uint64_t len, uint32_t align)
{
    if (addr > mem->size || len > mem->size - addr)
        return WASI_GUEST_OUT_OF_BOUNDS;
    if (addr & (uint64_t)(align - 1))
        return WASI_GUEST_MISALIGNED;
    return WASI_GUEST_OK;
}

/* The host address of a checked guest address. */
static inline uint8_t *wasi_guest_ptr(const struct wasi_guest_memory *mem, uint64_t addr)
{
    return mem->base ? mem->base + addr : NULL;
}

/* Little-endian access to guest bytes, whatever the host's byte order and
 * alignment rules: guest memory is never cast to a host struct. */
static inline uint8_t wasi_le_load_u8(const uint8_t *p) { return p[0]; }
static inline uint16_t wasi_le_load_u16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (uint16_t)p[1] << 8);
}
static inline uint32_t wasi_le_load_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t wasi_le_load_u64(const uint8_t *p)
{
    return (uint64_t)wasi_le_load_u32(p) | (uint64_t)wasi_le_load_u32(p + 4) << 32;
}
static inline void wasi_le_store_u8(uint8_t *p, uint8_t v) { p[0] = v; }
static inline void wasi_le_store_u16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static inline void wasi_le_store_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}
static inline void wasi_le_store_u64(uint8_t *p, uint64_t v)
{
    wasi_le_store_u32(p, (uint32_t)v);
    wasi_le_store_u32(p + 4, (uint32_t)(v >> 32));
}

/* Floats travel as bit patterns, in wasm arguments and in guest memory. */
static inline float wasi_f32_from_bits(uint32_t b)
{
    float f;
    memcpy(&f, &b, sizeof f);
    return f;
}
static inline double wasi_f64_from_bits(uint64_t b)
{
    double f;
    memcpy(&f, &b, sizeof f);
    return f;
}
static inline uint32_t wasi_f32_bits(float f)
{
    uint32_t b;
    memcpy(&b, &f, sizeof b);
    return b;
}
static inline uint64_t wasi_f64_bits(double f)
{
    uint64_t b;
    memcpy(&b, &f, sizeof b);
    return b;
}
static inline float wasi_le_load_f32(const uint8_t *p) { return wasi_f32_from_bits(wasi_le_load_u32(p)); }
static inline double wasi_le_load_f64(const uint8_t *p) { return wasi_f64_from_bits(wasi_le_load_u64(p)); }
static inline void wasi_le_store_f32(uint8_t *p, float v) { wasi_le_store_u32(p, wasi_f32_bits(v)); }
static inline void wasi_le_store_f64(uint8_t *p, double v) { wasi_le_store_u64(p, wasi_f64_bits(v)); }

#endif
