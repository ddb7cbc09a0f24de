/* Pieces every generator shares: the output buffer, witx-name-to-C naming,
 * C types for witx types, and the parameter plan that decides how the glue
 * hands each parameter to the implementation (including the table of
 * pointers whose length is implied by something other than a `_len` param). */
#include "gen.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void out_printf(struct out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n <= 0)
        return;
    if (o->len + (size_t)n + 1 > o->cap) {
        size_t cap = o->cap ? o->cap : 4096;
        while (cap < o->len + (size_t)n + 1)
            cap *= 2;
        char *p = realloc(o->data, cap);
        if (!p) {
            fputs("witxgen: out of memory\n", stderr);
            abort();
        }
        o->data = p;
        o->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(o->data + o->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    o->len += (size_t)n;
}

void out_free(struct out *o)
{
    free(o->data);
    o->data = NULL;
    o->len = o->cap = 0;
}

static const char *const reserved[] = {
    "auto", "bool", "break", "case", "char", "const", "continue", "default", "do", "double",
    "else", "enum", "extern", "false", "float", "for", "goto", "if", "inline", "int", "long",
    "register", "restrict", "return", "short", "signed", "sizeof", "static", "struct",
    "switch", "true", "typedef", "union", "unsigned", "void", "volatile", "while",
    /* the glue's and prototypes' own parameter names */
    "ctx", "mem", "trace", "args",
};

const char *c_ident(struct arena *a, const char *name)
{
    size_t n = strlen(name);
    char *s = arena_alloc(a, n + 3);
    size_t k = 0;
    if (n == 0 || isdigit((unsigned char)name[0]))
        s[k++] = '_';
    for (size_t i = 0; i < n; i++)
        s[k++] = isalnum((unsigned char)name[i]) ? name[i] : '_';
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
        if (strcmp(s, reserved[i]) == 0)
            s[k++] = '_';
    return s;
}

const char *c_upper(struct arena *a, const char *name)
{
    size_t n = strlen(name);
    char *s = arena_alloc(a, n + 1);
    for (size_t i = 0; i < n; i++)
        s[i] = isalnum((unsigned char)name[i]) ? (char)toupper((unsigned char)name[i]) : '_';
    return s;
}

const char *c_type(struct arena *a, const struct type *t)
{
    if (t->kind == T_NAME) {
        const struct type *r = witx_resolve(t);
        if (r->kind == T_LIST || r->kind == T_STRING)
            return "struct wasi_guest_list";
        if (r->kind == T_EXPECTED)
            return NULL;
        return arena_printf(a, "wasi_%s_t", c_ident(a, t->ref->name));
    }
    switch (t->kind) {
    case T_INT: return arena_printf(a, "%sint%u_t", t->is_signed ? "" : "u", t->bits);
    case T_FLOAT: return t->bits == 32 ? "float" : "double";
    case T_CHAR8: return "uint8_t";
    case T_CHAR:
    case T_USIZE:
    case T_HANDLE:
    case T_POINTER:
    case T_CONST_POINTER:
        return "uint32_t";
    case T_LIST:
    case T_STRING:
        return "struct wasi_guest_list";
    default:
        return NULL;   /* an anonymous enum, flags, record or variant */
    }
}

bool is_aggregate(const struct type *t)
{
    const struct type *r = witx_resolve(t);
    return r->kind == T_RECORD || r->kind == T_VARIANT;
}

void out_doc(struct out *o, const char *doc, const char *indent)
{
    if (!doc)
        return;
    out_printf(o, "%s/* ", indent);
    for (const char *c = doc; *c; c++) {
        if (*c == '\n')
            out_printf(o, "\n%s * ", indent);
        else if (c[0] == '*' && c[1] == '/')
            out_printf(o, "* ");   /* never end the comment early */
        else
            out_printf(o, "%c", *c);
    }
    out_printf(o, " */\n");
}

void out_c_string(struct out *o, const char *s)
{
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '\n')
            out_printf(o, " ");
        else if (*c == '"' || *c == '\\')
            out_printf(o, "\\%c", *c);
        else if (*c == '?')
            out_printf(o, "\\?");   /* no trigraphs */
        else if (*c < 0x20 || *c == 0x7f)
            out_printf(o, "\\%03o", *c);
        else
            out_printf(o, "%c", *c);
    }
}

/* ---- parameter plans ---- */

/* Pointer parameters whose extent is not given by a `<name>_len` parameter.
 * A pointer to pointers (argv) needs guest addresses, so the implementation
 * sees it as one; arrays of records are copied in or out. */
static const struct implied_extent {
    const char *func, *param;
    enum pkind kind;
    const char *count_param;   /* element count is this parameter... */
    const char *count_call;    /* ...or ok value count_out of this sizes function */
    uint32_t count_out;
    int stored_count_out;      /* P_ARRAY_OUT: ok value saying how many were filled */
} implied_extents[] = {
    {"args_get", "argv", P_GUEST, NULL, "args_sizes_get", 0, -1},
    {"args_get", "argv_buf", P_GUEST, NULL, "args_sizes_get", 1, -1},
    {"environ_get", "environ", P_GUEST, NULL, "environ_sizes_get", 0, -1},
    {"environ_get", "environ_buf", P_GUEST, NULL, "environ_sizes_get", 1, -1},
    {"poll_oneoff", "in", P_ARRAY_IN, "nsubscriptions", NULL, 0, -1},
    {"poll_oneoff", "out", P_ARRAY_OUT, "nsubscriptions", NULL, 0, 0},
};

static bool is_byte(const struct type *t)
{
    const struct type *r = witx_resolve(t);
    return r->kind == T_CHAR8 || (r->kind == T_INT && r->bits == 8);
}

static bool is_count(const struct type *t)
{
    uint32_t bits;
    bool sgn;
    const struct type *r = witx_resolve(t);
    return (r->kind == T_INT || r->kind == T_USIZE) && witx_scalar_bits(r, &bits, &sgn) &&
           !sgn && bits <= 32;
}

static int find_param(const struct func *f, const char *name)
{
    for (uint32_t i = 0; i < f->nparams; i++)
        if (strcmp(f->params[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* The element type a copied list/array must have a C form for. */
static bool check_elem(struct arena *a, const struct param *p, const struct type *elem,
                       struct diag *d)
{
    if (!c_type(a, elem))
        return diag_at(d, p->pos, "parameter $%s: element type needs a typename", p->name);
    const struct type *r = witx_resolve(elem);
    if (r->kind == T_LIST || r->kind == T_STRING || r->kind == T_EXPECTED)
        return diag_at(d, p->pos, "parameter $%s: nested lists are not supported", p->name);
    return true;
}

bool plan_params(const struct witx *w, const struct func *f, struct pplan *plans,
                 struct diag *d)
{
    uint32_t arg = 0;
    for (uint32_t i = 0; i < f->nparams; i++) {
        struct pplan *pl = &plans[i];
        const struct param *p = &f->params[i];
        const struct type *r = witx_resolve(p->type);
        *pl = (struct pplan){.p = p, .arg = arg, .len_param = -1, .stored_count_out = -1};
        arg += r->kind == T_LIST || r->kind == T_STRING ? 2 : 1;
        if (r->kind == T_STRING) {
            pl->kind = P_STRING;
            continue;
        }
        if (r->kind == T_LIST) {
            pl->kind = P_LIST;
            pl->elem = r->elem;
            if (!check_elem(w->arena, p, r->elem, d))
                return false;
            continue;
        }
        if (r->kind != T_POINTER && r->kind != T_CONST_POINTER) {
            pl->kind = P_SCALAR;
            continue;
        }
        pl->elem = r->elem;
        const struct implied_extent *ie = NULL;
        for (size_t k = 0; k < sizeof implied_extents / sizeof implied_extents[0]; k++)
            if (strcmp(implied_extents[k].func, f->name) == 0 &&
                strcmp(implied_extents[k].param, p->name) == 0)
                ie = &implied_extents[k];
        if (ie) {
            pl->kind = ie->kind;
            pl->stored_count_out = ie->stored_count_out;
            if (ie->count_param) {
                pl->len_param = find_param(f, ie->count_param);
                if (pl->len_param < 0 || !is_count(f->params[pl->len_param].type))
                    return diag_at(d, p->pos, "parameter $%s: its count parameter $%s is "
                                   "missing or not an unsigned integer", p->name,
                                   ie->count_param);
            } else {
                const struct func *sizes = witx_find_func(w, ie->count_call);
                if (!sizes || sizes->nparams || !sizes->err_type ||
                    ie->count_out >= sizes->nouts || !is_count(sizes->outs[ie->count_out]))
                    return diag_at(d, p->pos, "parameter $%s: its sizes function %s is "
                                   "missing or does not return a count", p->name,
                                   ie->count_call);
                pl->len_call = sizes;
                pl->len_call_out = ie->count_out;
            }
            if (pl->stored_count_out >= 0 &&
                ((uint32_t)pl->stored_count_out >= f->nouts ||
                 !is_count(f->outs[pl->stored_count_out])))
                return diag_at(d, p->pos, "parameter $%s: no count result to bound it", p->name);
            if ((pl->kind == P_ARRAY_IN || pl->kind == P_ARRAY_OUT) &&
                !check_elem(w->arena, p, pl->elem, d))
                return false;
            if (pl->kind == P_ARRAY_OUT && r->kind == T_CONST_POINTER)
                return diag_at(d, p->pos, "parameter $%s: output through a const_pointer",
                               p->name);
            continue;
        }
        /* The rule: a pointer followed by `<name>_len` is a buffer of that
         * many elements. Bytes are handed over as a host pointer; anything
         * else as a checked guest address. */
        const char *len_name = arena_printf(w->arena, "%s_len", p->name);
        int len = find_param(f, len_name);
        if (len < 0 || !is_count(f->params[len].type))
            return diag_at(d, p->pos,
                           "parameter $%s of %s: pointer with no known length (add a $%s "
                           "parameter, or an entry in implied_extents in %s)",
                           p->name, f->name, len_name, __FILE__);
        pl->kind = is_byte(r->elem) ? P_BUF : P_GUEST;
        pl->len_param = len;
    }
    for (uint32_t i = 0; i < f->nparams; i++)
        if (plans[i].kind == P_BUF)
            plans[plans[i].len_param].is_len_of_buf = true;
    return true;
}
