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
 * native.c first finds the frame to land in itself, up the frame-pointer
 * chain of compiled code, asking rt_native_has_landing_pad of each return
 * address, and only then unwinds, by force, to that frame
 * (rt_native_unwind_to); without one it leaves by the trap path (longjmp
 * to the entry), where the tier that entered native code goes on
 * searching. The unwinder walks the frames once; the search costs a
 * lookup per frame. */
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
/* The frame that has the landing pad, by its stack pointer at the call
 * (_Unwind_GetCFA's value for it), found before unwinding. */
static __thread uintptr_t raise_target;

/* ---- the LSDA ---- */

/* DWARF pointer encodings (the low nibble: format; the high: how it
 * applies). */
enum {
    PE_ABSPTR = 0x00, PE_ULEB128 = 0x01, PE_UDATA2 = 0x02, PE_UDATA4 = 0x03, PE_UDATA8 = 0x04,
    PE_SLEB128 = 0x09, PE_SDATA2 = 0x0a, PE_SDATA4 = 0x0b, PE_SDATA8 = 0x0c, PE_OMIT = 0xff,
};

/* A LEB128 at *p, moved past; sign-extended when is_signed. (The unwind
 * tables come from wisp's own code generator: no bounds to check.) */
static uint64_t leb(const uint8_t **p, bool is_signed)
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
    if (is_signed && shift < 64 && (b & 0x40))
        v |= ~(uint64_t)0 << shift;
    return v;
}

static uint64_t uleb(const uint8_t **p) { return leb(p, false); }

/* An encoded value's format part (offsets and lengths in the call-site
 * table and the FDE; read_pointer adds the application). False for a
 * format the code generator does not emit. */
static bool read_value(const uint8_t **p, uint8_t enc, uint64_t *out)
{
    const uint8_t *q = *p;
    switch (enc & 0x0f) {
    case PE_ULEB128: *out = uleb(p); return true;
    case PE_SLEB128: *out = leb(p, true); return true;
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
            return pad ? start + pad : 0;
    }
    return 0;
}

/* ---- the FDE: where a function's LSDA is ---- */

/* libgcc's lookup of the FDE that covers pc among the registered unwind
 * tables and the loaded objects' (declared in its unwind-dw2-fde.h);
 * bases->func is where the function starts. */
struct dwarf_eh_bases {
    void *tbase, *dbase, *func;
};
extern const void *_Unwind_Find_FDE(void *pc, struct dwarf_eh_bases *bases);

/* An encoded pointer at *p, moved past, with its application (pc-relative,
 * indirect) done. False for one LLVM does not emit. */
static bool read_pointer(const uint8_t **p, uint8_t enc, uintptr_t *out)
{
    const uint8_t *at = *p;
    uint64_t v;
    if (!read_value(p, enc, &v))
        return false;
    if ((enc & 0x70) == 0x10)
        v += (uintptr_t)at;
    else if ((enc & 0x70) != 0)
        return false;
    if (enc & 0x80)
        memcpy(&v, (const void *)(uintptr_t)v, sizeof v);
    *out = (uintptr_t)v;
    return true;
}

/* The LSDA of the function whose code holds pc, and in *start its first
 * instruction; NULL for a function without one (or with unwind tables of
 * a shape LLVM does not make). The CIE says which augmentations follow
 * ("zPLR": their length, the personality, the LSDA's and the FDE's
 * encodings); the FDE, after its code range, the LSDA pointer. */
static const uint8_t *lsda_at(uintptr_t pc, uintptr_t *start)
{
    struct dwarf_eh_bases bases;
    const uint8_t *fde = _Unwind_Find_FDE((void *)pc, &bases);
    if (!fde)
        return NULL;
    *start = (uintptr_t)bases.func;
    uint32_t length, cie_off;
    memcpy(&length, fde, 4);
    memcpy(&cie_off, fde + 4, 4);
    if (length == 0xffffffff)
        return NULL; /* 64-bit DWARF: not for code this size */
    const uint8_t *p = fde + 4 - cie_off + 8; /* past the CIE's length and id */
    uint8_t version = *p++;
    const char *aug = (const char *)p;
    p += strlen(aug) + 1;
    if (aug[0] != 'z')
        return NULL;
    (void)uleb(&p); /* code alignment */
    (void)leb(&p, true); /* data alignment */
    if (version == 1)
        p++; /* the return address register */
    else
        (void)uleb(&p);
    (void)uleb(&p); /* the augmentation data's length */
    uint8_t lsda_enc = PE_OMIT, fde_enc = PE_ABSPTR;
    for (const char *a = aug + 1; *a; a++) {
        uint64_t skipped;
        if (*a == 'L') {
            lsda_enc = *p++;
        } else if (*a == 'R') {
            fde_enc = *p++;
        } else if (*a == 'P') {
            uint8_t enc = *p++;
            if (!read_value(&p, enc, &skipped))
                return NULL;
        } else if (*a != 'S') {
            return NULL;
        }
    }
    if (lsda_enc == PE_OMIT)
        return NULL;
    const uint8_t *q = fde + 8;
    uint64_t skipped;
    uintptr_t lsda;
    if (!read_value(&q, fde_enc, &skipped) || !read_value(&q, fde_enc, &skipped))
        return NULL; /* the code's start and length */
    (void)uleb(&q);
    if (!read_pointer(&q, lsda_enc, &lsda))
        return NULL;
    return (const uint8_t *)lsda;
}

bool rt_native_has_landing_pad(uintptr_t ret)
{
    uintptr_t start;
    const uint8_t *lsda = lsda_at(ret - 1, &start);
    return lsda && find_landing_pad(lsda, start, ret) != 0;
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
    /* wisp's exceptions are unwound by force to a frame found beforehand
     * (one walk, not a search and then an unwind), never searched for. */
    if (actions & _UA_SEARCH_PHASE)
        return _URC_FATAL_PHASE1_ERROR;
    if (_Unwind_GetCFA(ctx) != raise_target)
        return _URC_CONTINUE_UNWIND;
    _Unwind_SetGR(ctx, __builtin_eh_return_data_regno(0), (uintptr_t)ue);
    _Unwind_SetGR(ctx, __builtin_eh_return_data_regno(1), 1);
    _Unwind_SetIP(ctx, pad);
    return _URC_INSTALL_CONTEXT;
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

void rt_native_unwind_to(uintptr_t sp, uintptr_t bound)
{
    if (sp > bound)
        return;
    raise_target = sp;
    memset(&thrown, 0, sizeof thrown);
    thrown.exception_class = WISP_EXCEPTION_CLASS;
#ifdef WISP_ASAN
    __asan_handle_no_return();
#endif
    _Unwind_ForcedUnwind(&thrown, stop_frame, NULL);
    /* Returns only if the unwind failed after all (before it changed
     * anything): the caller traps. */
}
