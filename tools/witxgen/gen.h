/* witxgen's C code generators: wasi_types.h (types, layouts, load/store
 * helpers), wasi_impl.h (the prototypes the runtime implements), wasi_glue.c/h
 * (argument decoding, checks, the import table) and wasi_trace.c/h. */
#ifndef WITXGEN_GEN_H
#define WITXGEN_GEN_H

#include "witx.h"

/* Output text accumulates here and is written to disk only when every file
 * generated cleanly, so a failed run leaves no half-written outputs. */
struct out {
    char *data;
    size_t len, cap;
};
void out_printf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void out_free(struct out *o);

/* Naming shared by the generators. */
const char *c_ident(struct arena *a, const char *name);     /* safe C identifier */
const char *c_upper(struct arena *a, const char *name);     /* for macros */
/* The C type used for a value of type t in host structs and prototypes:
 * "uint32_t", "wasi_fd_t", "struct wasi_fdstat". NULL for lists/strings/
 * expected (which have no single C value). */
const char *c_type(struct arena *a, const struct type *t);
/* A doc comment as C comment lines with the given indent ("" or "    "). */
void out_doc(struct out *o, const char *doc, const char *indent);
/* A string literal body: escapes quotes, backslashes and control bytes;
 * newlines become spaces (traces print one line per call). */
void out_c_string(struct out *o, const char *s);

/* True when the named type gets load/store helpers (records and variants). */
bool is_aggregate(const struct type *t);
/* The typename whose load/store helpers serve t (t's alias chain end), or
 * NULL for an anonymous type. */
const struct named_type *aggregate_name(const struct type *t);

/* A C condition that is true when expr, an unsigned value `width` bits
 * wide, is not a valid t (enum case out of range, unknown flag bits,
 * integer too wide for t); NULL when every such value is valid. */
const char *invalid_cond(struct arena *a, const struct type *t, const char *expr,
                         uint32_t width);
/* Statements that load a t from byte pointer expression src into lvalue
 * dst, running statement `fail` when the bytes are not a valid t. */
bool emit_load(struct out *o, struct arena *a, const char *indent, const struct type *t,
               const char *src, const char *dst, const char *fail, struct diag *d);
/* Statements that store rvalue src, a t, at byte pointer expression dst. */
bool emit_store(struct out *o, struct arena *a, const char *indent, const struct type *t,
                const char *dst, const char *src, struct diag *d);
/* The files the output was generated from, for the header comment. */
void out_banner(struct out *o, const struct witx *w, const char *what);

bool gen_types(const struct witx *w, struct out *h, struct diag *d);
bool gen_impl_header(const struct witx *w, struct out *h, struct diag *d);
bool gen_glue(const struct witx *w, struct out *h, struct out *c, struct diag *d);
bool gen_trace(const struct witx *w, struct out *h, struct out *c, struct diag *d);
/* Test-only weak stubs of every wasi_impl_* function (witxgen --stubs). */
bool gen_stubs(const struct witx *w, struct out *c, struct diag *d);

/* How the glue hands each parameter to the implementation; shared by the
 * glue, the trace and the prototypes so they agree. See gen_glue.c. */
enum pkind {
    P_SCALAR,       /* ints, handles, enums, flags, floats: one value */
    P_STRING,       /* string: copied, NUL-terminated, UTF-8 checked */
    P_LIST,         /* list T: copied into a host array of decoded T */
    P_BUF,          /* pointer u8 + length: host pointer into guest memory */
    P_GUEST,        /* pointer whose extent the glue checked: guest address */
    P_ARRAY_IN,     /* const_pointer T x count: copied into a host array */
    P_ARRAY_OUT,    /* pointer T x count: host array, stored back on success */
};

struct pplan {
    const struct param *p;
    enum pkind kind;
    uint32_t arg;              /* index of its first wasm argument */
    const struct type *elem;   /* pointee / list element */
    int len_param;             /* param giving the element count, or -1 */
    const struct func *len_call; /* sizes function giving the count, or NULL */
    uint32_t len_call_out;     /* which of its ok values */
    int stored_count_out;      /* P_ARRAY_OUT: ok value limiting how many
                                  elements are stored back, or -1 for all */
    bool is_len_of_buf;        /* this param is the length of a P_BUF */
};

/* Plans every parameter of f; fails (with a witx position) when a pointer's
 * extent is unknown. plans has f->nparams entries. */
bool plan_params(const struct witx *w, const struct func *f, struct pplan *plans,
                 struct diag *d);

#endif
