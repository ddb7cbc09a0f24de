/* Exceptions through native code, with the system's unwinder (libgcc's
 * _Unwind_* functions): nothing runs for exception handling unless
 * something throws.
 *
 * The code generator makes every call inside a try body an invoke, so the
 * object's .gcc_except_table (the LSDA: a call-site table per function)
 * gives, for each such call, a landing pad that catches everything, and
 * its .eh_frame names wisp_rt_personality; the loader registers the
 * .eh_frame (native_image.c). The clauses are tested by the code at the
 * landing pad, so the personality only finds landing pads.
 *
 * A throw must never leave the native code of the innermost entry
 * (enter() in native.c): the C frames beyond it (the interpreter, host
 * functions, the embedder) are not built to be unwound, and their frames
 * may even have a C++ catch (...) that would take a foreign exception. So
 * before raising, rt_native_raise walks the frames itself
 * (_Unwind_Backtrace) up to the entry's stack address and raises only if
 * one of them has a landing pad at its call; otherwise it returns and the
 * caller leaves by the trap path (longjmp to the entry), where the tier
 * that entered native code goes on searching. The personality checks the
 * same bound in its search phase. */
#include <stdbool.h>
#include <string.h>

#include "runtime/native_eh.h"

/* Frames unwound by force leave AddressSanitizer's marks of their locals
 * behind unless told (it intercepts _Unwind_RaiseException, not this). */
#if defined(__SANITIZE_ADDRESS__)
#define WISP_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WISP_ASAN 1
#endif
#endif
#ifdef WISP_ASAN
void __asan_handle_no_return(void);
#endif

/* "WISP" "WASM": what our exception objects carry as their class. */
#define WISP_EXCEPTION_CLASS 0x574953505741534dull

/* The exception being raised on this thread: one at a time (a landing pad
 * runs before anything can throw again), so one object. */
static __thread struct _Unwind_Exception thrown;
/* The frame that has the landing pad (its CFA, found before unwinding),
 * and the innermost entry's stack address: frames whose CFA is above it
 * belong to someone else. */
static __thread uintptr_t raise_target, raise_bound;

/* ---- the LSDA ---- */

/* DWARF pointer encodings (the low nibble: format; the high: how it
 * applies). */
enum {
    PE_ABSPTR = 0x00, PE_ULEB128 = 0x01, PE_UDATA2 = 0x02, PE_UDATA4 = 0x03, PE_UDATA8 = 0x04,
    PE_SLEB128 = 0x09, PE_SDATA2 = 0x0a, PE_SDATA4 = 0x0b, PE_SDATA8 = 0x0c, PE_OMIT = 0xff,
};

static uint64_t uleb(const uint8_t **p)
{
    uint64_t v = 0;
    unsigned shift = 0;
    uint8_t b;
    do {
        b = *(*p)++;
        if (shift < 64)
            v |= (uint64_t)(b & 0x7f) << shift;
        shift += 7;
    } while (b & 0x80);
    return v;
}

static int64_t sleb(const uint8_t **p)
{
    int64_t v = 0;
    unsigned shift = 0;
    uint8_t b;
    do {
        b = *(*p)++;
        if (shift < 64)
            v |= (int64_t)((uint64_t)(b & 0x7f) << shift);
        shift += 7;
    } while (b & 0x80);
    if (shift < 64 && (b & 0x40))
        v |= -((int64_t)1 << shift);
    return v;
}

/* A value of the call-site table (offsets and lengths: no application
 * part). False for a format the code generator does not emit. */
static bool read_value(const uint8_t **p, uint8_t enc, uint64_t *out)
{
    const uint8_t *q = *p;
    switch (enc & 0x0f) {
    case PE_ULEB128: *out = uleb(p); return true;
    case PE_SLEB128: *out = (uint64_t)sleb(p); return true;
    case PE_UDATA2: case PE_SDATA2: { uint16_t v; memcpy(&v, q, 2); *out = enc & 8 ? (uint64_t)(int16_t)v : v; *p += 2; return true; }
    case PE_UDATA4: case PE_SDATA4: { uint32_t v; memcpy(&v, q, 4); *out = enc & 8 ? (uint64_t)(int32_t)v : v; *p += 4; return true; }
    case PE_ABSPTR: case PE_UDATA8: case PE_SDATA8: memcpy(out, q, 8); *p += 8; return true;
    default: return false;
    }
}

/* The landing pad for the call that returns to ip (the instruction after
 * it) in the function that starts at start, from its LSDA; 0 when the call
 * has none. */
static uintptr_t find_landing_pad(const uint8_t *lsda, uintptr_t start, uintptr_t ip)
{
    const uint8_t *p = lsda;
    uint8_t lp_enc = *p++;
    uintptr_t lp_base = start;
    if (lp_enc != PE_OMIT)
        return 0; /* LLVM leaves the landing pads relative to the function */
    uint8_t ttype_enc = *p++;
    if (ttype_enc != PE_OMIT)
        (void)uleb(&p);
    uint8_t cs_enc = *p++;
    uint64_t cs_len = uleb(&p);
    const uint8_t *end = p + cs_len;
    uint64_t at = ip - 1 - start; /* inside the call */
    while (p < end) {
        uint64_t cs_start, cs_len1, pad;
        if (!read_value(&p, cs_enc, &cs_start) || !read_value(&p, cs_enc, &cs_len1) || !read_value(&p, cs_enc, &pad))
            return 0;
        (void)uleb(&p); /* the action: every landing pad catches everything */
        if (at < cs_start)
            return 0; /* the table is sorted */
        if (at < cs_start + cs_len1)
            return pad ? lp_base + pad : 0;
    }
    return 0;
}

/* The landing pad for the frame's current call, 0 if none. */
static uintptr_t frame_landing_pad(struct _Unwind_Context *ctx)
{
    const uint8_t *lsda = _Unwind_GetLanguageSpecificData(ctx);
    if (!lsda)
        return 0;
    int before = 0;
    uintptr_t ip = _Unwind_GetIPInfo(ctx, &before);
    /* A frame interrupted before its instruction (a signal frame) has no
     * call to look up. */
    return before ? 0 : find_landing_pad(lsda, _Unwind_GetRegionStart(ctx), ip);
}

/* ---- raising ---- */

_Unwind_Reason_Code rt_native_personality(int version, _Unwind_Action actions, uint64_t cls,
                                          struct _Unwind_Exception *ue, struct _Unwind_Context *ctx)
{
    /* Someone else's exception (a C++ one from a host function) passes
     * through: wasm code has nothing to run for it. */
    if (version != 1 || cls != WISP_EXCEPTION_CLASS)
        return _URC_CONTINUE_UNWIND;
    uintptr_t pad = frame_landing_pad(ctx);
    if (!pad)
        return _URC_CONTINUE_UNWIND;
    if (actions & _UA_SEARCH_PHASE)
        return _Unwind_GetCFA(ctx) > raise_bound ? _URC_FATAL_PHASE1_ERROR : _URC_HANDLER_FOUND;
    /* rt_native_raise unwinds by force (one walk, not a search and then
     * an unwind) to the frame it found. */
    if (!(actions & _UA_HANDLER_FRAME) && _Unwind_GetCFA(ctx) != raise_target)
        return _URC_CONTINUE_UNWIND;
    _Unwind_SetGR(ctx, __builtin_eh_return_data_regno(0), (uintptr_t)ue);
    _Unwind_SetGR(ctx, __builtin_eh_return_data_regno(1), 1);
    _Unwind_SetIP(ctx, pad);
    return _URC_INSTALL_CONTEXT;
}

struct probe {
    uintptr_t bound;
    uintptr_t found; /* the CFA of the frame with the landing pad */
};

static _Unwind_Reason_Code probe_frame(struct _Unwind_Context *ctx, void *arg)
{
    struct probe *p = arg;
    uintptr_t cfa = _Unwind_GetCFA(ctx);
    if (cfa > p->bound)
        return _URC_END_OF_STACK;
    if (frame_landing_pad(ctx)) {
        p->found = cfa;
        return _URC_END_OF_STACK;
    }
    return _URC_NO_REASON;
}

/* The forced unwind's guard: never past the frame found. */
static _Unwind_Reason_Code stop_frame(int version, _Unwind_Action actions, uint64_t cls,
                                      struct _Unwind_Exception *ue, struct _Unwind_Context *ctx, void *arg)
{
    (void)version, (void)cls, (void)ue, (void)arg;
    if ((actions & _UA_END_OF_STACK) || _Unwind_GetCFA(ctx) > raise_target)
        return _URC_FATAL_PHASE2_ERROR;
    return _URC_NO_REASON;
}

void rt_native_raise(uintptr_t bound)
{
    struct probe p = {bound, 0};
    _Unwind_Backtrace(probe_frame, &p);
    if (!p.found)
        return;
    raise_bound = bound;
    raise_target = p.found;
    memset(&thrown, 0, sizeof thrown);
    thrown.exception_class = WISP_EXCEPTION_CLASS;
#ifdef WISP_ASAN
    __asan_handle_no_return();
#endif
    _Unwind_ForcedUnwind(&thrown, stop_frame, NULL);
    /* Returns only if the unwind failed after all (before it changed
     * anything): the caller traps. */
}

