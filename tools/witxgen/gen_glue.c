/* Generates wasi_impl.h (one prototype per witx function, and no bodies:
 * a missing implementation is a link error naming wasi_impl_<name>) and
 * wasi_glue.c/h: per function, decode the raw wasm arguments, validate enums
 * and flags, check every guest pointer (out-pointers first, so nothing
 * happens when one is bad), copy lists into host memory once, call the
 * implementation, store its results; plus the import table. */
#include "gen.h"

#include <string.h>

struct fgen {
    const struct witx *w;
    struct arena *a;
    struct diag *d;
    const struct func *f;
    struct pplan *plans;
    const char *id;           /* C name of the function */
    const char *err_ct;       /* C type of the error, or NULL */
    const char *err_id;       /* C name of the error typename */
    bool used_goto;
    bool used_check;          /* calls check_<errno> */
};

static const char *scalar_ctype(struct arena *a, const struct type *t)
{
    const char *ct = c_type(a, t);
    if (ct)
        return ct;
    /* An anonymous enum or flags written inline in a parameter. */
    uint32_t bits;
    bool sgn;
    if (witx_scalar_bits(t, &bits, &sgn))
        return arena_printf(a, "uint%u_t", bits);
    return NULL;
}

/* The error enum's constant for an errno the glue itself produces; falls
 * back to `inval` for the optional ones. */
static const char *err_const(struct fgen *g, const char *name)
{
    const struct type *e = witx_resolve(g->f->err_type);
    const char *fallback = strcmp(name, "fault") == 0 ? NULL : "inval";
    for (int pass = 0; pass < 2; pass++) {
        const char *want = pass == 0 ? name : fallback;
        if (!want)
            break;
        for (uint32_t i = 0; e->kind == T_ENUM && i < e->nmembers; i++)
            if (strcmp(e->members[i].name, want) == 0)
                return arena_printf(g->a, "WASI_%s_%s", c_upper(g->a, g->err_id),
                                    c_upper(g->a, want));
    }
    diag_at(g->d, g->f->pos, "function %s: its error type has no '%s' case for the glue's checks",
            g->f->name, name);
    return NULL;
}

static bool needs_checks(const struct fgen *g)
{
    if (g->f->nouts)
        return true;
    for (uint32_t i = 0; i < g->f->nparams; i++) {
        const struct pplan *pl = &g->plans[i];
        if (pl->kind != P_SCALAR)
            return true;
        enum wasm_type wt = g->f->wparams[pl->arg];
        if (invalid_cond(g->a, pl->p->type, "x", wt == WASM_I64 ? 64 : 32))
            return true;
    }
    return false;
}

static bool setup(struct fgen *g, const struct witx *w, const struct func *f, struct diag *d)
{
    *g = (struct fgen){.w = w, .a = w->arena, .d = d, .f = f};
    g->plans = arena_alloc(w->arena, sizeof(struct pplan) * (f->nparams + 1));
    g->id = c_ident(w->arena, f->name);
    if (!plan_params(w, f, g->plans, d))
        return false;
    if (f->err_type) {
        if (f->err_type->kind != T_NAME || witx_resolve(f->err_type)->kind != T_ENUM)
            return diag_at(d, f->err_type->pos, "function %s: the error type must be a named enum",
                           f->name);
        g->err_ct = c_type(w->arena, f->err_type);
        g->err_id = f->err_type->ref->name;
    } else if (needs_checks(g)) {
        return diag_at(d, f->pos, "function %s checks its arguments but has no expected result "
                       "to report a bad one", f->name);
    }
    return true;
}

/* ---- prototypes ---- */

static const char *elem_ctype(struct fgen *g, const struct pplan *pl)
{
    return scalar_ctype(g->a, pl->elem) ? scalar_ctype(g->a, pl->elem) : c_type(g->a, pl->elem);
}

static const char *count_text(struct fgen *g, const struct pplan *pl)
{
    if (pl->len_param >= 0)
        return arena_printf(g->a, "`%s` elements", g->f->params[pl->len_param].name);
    if (pl->len_call)
        return arena_printf(g->a, "as many elements as %s's `%s`", pl->len_call->name,
                            pl->len_call->out_names[pl->len_call_out]);
    return "its elements";
}

/* A record with a `x` pointer + `x_len` field pair, checked by the glue. */
static bool has_buffer_fields(const struct type *t)
{
    const struct type *r = witx_resolve(t);
    if (r->kind != T_RECORD)
        return false;
    for (uint32_t i = 0; i + 1 < r->nmembers; i++) {
        const struct type *m = witx_resolve(r->members[i].type);
        size_t n = strlen(r->members[i].name);
        if ((m->kind == T_POINTER || m->kind == T_CONST_POINTER) &&
            strncmp(r->members[i + 1].name, r->members[i].name, n) == 0 &&
            strcmp(r->members[i + 1].name + n, "_len") == 0)
            return true;
    }
    return false;
}

static void emit_param_note(struct out *o, struct fgen *g, const struct pplan *pl)
{
    const char *name = pl->p->name;
    switch (pl->kind) {
    case P_STRING:
        out_printf(o, " * %s: a NUL-terminated host copy (%s_len bytes, valid UTF-8, no NUL).\n",
                   name, name);
        break;
    case P_LIST:
        out_printf(o, " * %s: a decoded host copy of %s_len elements%s.\n", name, name,
                   has_buffer_fields(pl->elem) ? "; each one's buffer is inside guest memory"
                                               : "");
        break;
    case P_BUF:
        out_printf(o, " * %s: points into guest memory; %s checked.\n", name, count_text(g, pl));
        break;
    case P_GUEST:
        out_printf(o, " * %s: a guest address; %s in bounds and aligned.\n", name,
                   count_text(g, pl));
        break;
    case P_ARRAY_IN:
        out_printf(o, " * %s: a decoded host copy of %s.\n", name, count_text(g, pl));
        break;
    case P_ARRAY_OUT:
        out_printf(o, " * %s: zeroed host room for %s, stored to the guest on success%s.\n", name,
                   count_text(g, pl), pl->stored_count_out >= 0 ? " (as many as the count result says)" : "");
        break;
    default:
        break;
    }
}

/* The prototype of wasi_impl_<name>, followed by end: ";\n" for a
 * declaration, "\n" before a body. */
static bool emit_prototype(struct out *o, struct fgen *g, bool docs, const char *end)
{
    const struct func *f = g->f;
    if (docs) {
        out_printf(o, "\n");
        out_doc(o, f->doc, "");
        bool any = false;
        for (uint32_t i = 0; i < f->nparams; i++)
            any |= g->plans[i].kind != P_SCALAR;
        if (any) {
            out_printf(o, "/* What the glue guarantees:\n");
            for (uint32_t i = 0; i < f->nparams; i++)
                emit_param_note(o, g, &g->plans[i]);
            out_printf(o, " */\n");
        }
    }
    if (docs && f->noreturn)
        out_printf(o, "/* noreturn: record the request (exit code...) in ctx and return; the\n"
                      " * runtime stops the guest once the glue returns. */\n");
    const char *ret = f->err_type ? g->err_ct
                      : f->plain_result ? scalar_ctype(g->a, f->plain_result) : "void";
    if (!ret)
        return diag_at(g->d, f->pos, "function %s: result type has no C form", f->name);
    out_printf(o, "%s wasi_impl_%s(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem", ret,
               g->id);
    /* The witx parameters go on a line of their own after (ctx, mem). */
    const char *sep = ",\n    ";
    for (uint32_t i = 0; i < f->nparams; i++, sep = ", ") {
        const struct pplan *pl = &g->plans[i];
        const char *pid = c_ident(g->a, pl->p->name);
        const char *ct;
        switch (pl->kind) {
        case P_SCALAR:
            if (!(ct = scalar_ctype(g->a, pl->p->type)))
                return diag_at(g->d, pl->p->pos, "parameter $%s has no C form", pl->p->name);
            out_printf(o, "%s%s %s", sep, ct, pid);
            break;
        case P_STRING:
            out_printf(o, "%sconst char *%s, uint32_t %s_len", sep, pid, pid);
            break;
        case P_LIST:
            out_printf(o, "%sconst %s *%s, uint32_t %s_len", sep, elem_ctype(g, pl), pid, pid);
            break;
        case P_BUF:
            out_printf(o, "%s%suint8_t *%s", sep,
                       witx_resolve(pl->p->type)->kind == T_CONST_POINTER ? "const " : "", pid);
            break;
        case P_GUEST:
            out_printf(o, "%suint32_t %s", sep, pid);
            break;
        case P_ARRAY_IN:
            out_printf(o, "%sconst %s *%s", sep, elem_ctype(g, pl), pid);
            break;
        case P_ARRAY_OUT:
            out_printf(o, "%s%s *%s", sep, elem_ctype(g, pl), pid);
            break;
        }
    }
    for (uint32_t i = 0; i < f->nouts; i++, sep = ", ") {
        const char *ct = scalar_ctype(g->a, f->outs[i]);
        if (!ct)
            return diag_at(g->d, f->outs[i]->pos, "function %s: result needs a typename", f->name);
        out_printf(o, "%s%s *%s", sep, ct, c_ident(g->a, f->out_names[i]));
    }
    out_printf(o, ")%s", end);
    return true;
}

bool gen_impl_header(const struct witx *w, struct out *o, struct diag *d)
{
    out_banner(o, w, "One prototype per witx function. The runtime (src/wasi/) provides every\n"
                     " * body; there is deliberately no default, so a function left out is a link\n"
                     " * error that names it. An error value of 0 means success.");
    out_printf(o, "#ifndef WISP_GEN_WASI_IMPL_H\n#define WISP_GEN_WASI_IMPL_H\n\n"
                  "#include \"wasi/abi.h\"\n#include \"wasi_types.h\"\n");
    for (uint32_t m = 0; m < w->nmodules; m++) {
        out_printf(o, "\n/* ---- module %s ---- */\n", w->modules[m]->name);
        for (uint32_t i = 0; i < w->modules[m]->nfuncs; i++) {
            struct fgen g;
            if (!setup(&g, w, w->modules[m]->funcs[i], d) || !emit_prototype(o, &g, true, ";\n"))
                return false;
        }
    }
    out_printf(o, "\n#endif\n");
    return true;
}

/* witxgen --stubs FILE: a weak stand-in for every wasi_impl_* function, for
 * tests that link the generated glue without src/wasi/. Never part of the
 * library, which must keep failing to link when a body is missing. */
bool gen_stubs(const struct witx *w, struct out *o, struct diag *d)
{
    out_banner(o, w, "Test stubs (witxgen --stubs): a weak definition of every wasi_impl_*\n"
                     " * function, so that a test links the generated glue with only the\n"
                     " * implementations it cares about; its own definitions replace these. Each\n"
                     " * stub reports the call to wasi_stub_called(), which the test defines, and\n"
                     " * returns what that returns. -DWASI_STUB_OMIT_<NAME> leaves one out.");
    out_printf(o, "#include \"wasi_impl.h\"\n\n"
                  "#if defined(__GNUC__)\n"
                  "#pragma GCC diagnostic ignored \"-Wunused-parameter\"\n"
                  "#endif\n\n"
                  "uint64_t wasi_stub_called(struct wasi_ctx *ctx, const char *module, "
                  "const char *name);\n");
    for (uint32_t m = 0; m < w->nmodules; m++) {
        const struct module *mod = w->modules[m];
        for (uint32_t i = 0; i < mod->nfuncs; i++) {
            struct fgen g;
            if (!setup(&g, w, mod->funcs[i], d))
                return false;
            const struct func *f = g.f;
            const char *ret = f->err_type ? g.err_ct
                              : f->plain_result ? scalar_ctype(g.a, f->plain_result) : NULL;
            out_printf(o, "\n#ifndef WASI_STUB_OMIT_%s\n__attribute__((weak))\n",
                       c_upper(g.a, f->name));
            if (!emit_prototype(o, &g, false, "\n"))
                return false;
            out_printf(o, "{\n    ");
            if (ret)
                out_printf(o, "return (%s)", ret);
            out_printf(o, "wasi_stub_called(ctx, \"");
            out_c_string(o, mod->name);
            out_printf(o, "\", \"");
            out_c_string(o, f->name);
            out_printf(o, "\");\n}\n#endif\n");
        }
    }
    return true;
}

/* ---- glue bodies ---- */

static const char *raw_arg(struct fgen *g, uint32_t arg)
{
    return g->f->wparams[arg] == WASM_I32 || g->f->wparams[arg] == WASM_F32
               ? arena_printf(g->a, "(uint32_t)args[%u]", arg)
               : arena_printf(g->a, "args[%u]", arg);
}

static const char *decoded_arg(struct fgen *g, const struct type *t, uint32_t arg)
{
    const struct type *r = witx_resolve(t);
    const char *ct = scalar_ctype(g->a, t);
    if (r->kind == T_FLOAT)
        return arena_printf(g->a, "wasi_f%u_from_bits(%s)", r->bits, raw_arg(g, arg));
    if (strcmp(ct, "uint32_t") == 0 && g->f->wparams[arg] == WASM_I32)
        return raw_arg(g, arg);
    return arena_printf(g->a, "(%s)%s", ct, raw_arg(g, arg));
}

static const char *fail_with(struct fgen *g, const char *errconst)
{
    g->used_goto = true;
    return arena_printf(g->a, "{ err = %s; goto done; }", errconst);
}

static void emit_check(struct out *o, struct fgen *g, const char *ind, const char *addr,
                       const char *len, uint32_t align)
{
    g->used_goto = true;
    g->used_check = true;
    out_printf(o, "%sif ((err = check_%s(mem, %s, %s, %u)) != 0)\n%s    goto done;\n", ind,
               c_ident(g->a, g->err_id), addr, len, align, ind);
}

/* A record field pair `x` (pointer) + `x_len` (count) is a buffer the
 * implementation will touch (iovec, ciovec): check it once here. */
static void emit_buffer_checks(struct out *o, struct fgen *g, const char *ind,
                               const struct type *t, const char *lv, int depth)
{
    const struct type *r = witx_resolve(t);
    if (r->kind != T_RECORD || depth > 8)
        return;
    for (uint32_t i = 0; i < r->nmembers; i++) {
        const struct member *m = &r->members[i];
        const struct type *mr = witx_resolve(m->type);
        const char *mlv = arena_printf(g->a, "%s.%s", lv, c_ident(g->a, m->name));
        if (mr->kind == T_RECORD) {
            emit_buffer_checks(o, g, ind, m->type, mlv, depth + 1);
            continue;
        }
        if (mr->kind != T_POINTER && mr->kind != T_CONST_POINTER)
            continue;
        const char *len_name = arena_printf(g->a, "%s_len", m->name);
        for (uint32_t k = 0; k < r->nmembers; k++) {
            uint32_t bits;
            bool sgn;
            if (strcmp(r->members[k].name, len_name) != 0 ||
                !witx_scalar_bits(r->members[k].type, &bits, &sgn) || sgn || bits > 32 ||
                witx_resolve(r->members[k].type)->kind != T_INT)
                continue;
            emit_check(o, g, ind, mlv,
                       arena_printf(g->a, "(uint64_t)%s.%s * %u", lv, c_ident(g->a, len_name),
                                    mr->elem->size),
                       mr->elem->align);
        }
    }
}

static const char *count_expr(struct fgen *g, const struct pplan *pl)
{
    if (pl->len_param >= 0)
        return arena_printf(g->a, "p_%s", c_ident(g->a, g->f->params[pl->len_param].name));
    return arena_printf(g->a, "s_%s_%u", c_ident(g->a, pl->len_call->name), pl->len_call_out);
}

/* Copy count elements from guest g_<name> into a fresh host array p_<name>,
 * decoding (and validating) each. */
static bool emit_copy_in(struct out *o, struct fgen *g, const struct pplan *pl, const char *count)
{
    const char *pid = c_ident(g->a, pl->p->name);
    const char *inval = err_const(g, "inval"), *nomem = err_const(g, "nomem");
    if (!inval || !nomem)
        return false;
    out_printf(o, "    if (%s != 0) {\n", count);
    out_printf(o, "        p_%s = malloc((size_t)%s * sizeof *p_%s);\n", pid, count, pid);
    out_printf(o, "        if (!p_%s)\n            %s\n", pid, fail_with(g, nomem));
    uint32_t bits;
    bool sgn;
    if (witx_scalar_bits(pl->elem, &bits, &sgn) && bits == 8 &&
        !invalid_cond(g->a, pl->elem, "x", 8)) {
        /* Bytes need no decoding. */
        out_printf(o, "        memcpy(p_%s, wasi_guest_ptr(mem, g_%s), %s);\n    }\n", pid, pid,
                   count);
        return true;
    }
    out_printf(o, "        for (uint32_t i = 0; i < %s; i++) {\n", count);
    const char *src = arena_printf(g->a, "wasi_guest_ptr(mem, g_%s + (uint64_t)i * %u)", pid,
                                   pl->elem->size);
    const char *dst = arena_printf(g->a, "p_%s[i]", pid);
    if (!emit_load(o, g->a, "            ", pl->elem, src, dst, fail_with(g, inval), g->d))
        return false;
    emit_buffer_checks(o, g, "            ", pl->elem, dst, 0);
    out_printf(o, "        }\n    }\n");
    return true;
}

static bool emit_array_checks(struct out *o, struct fgen *g, const struct pplan *pl,
                              const char *count)
{
    const char *pid = c_ident(g->a, pl->p->name);
    const char *inval = err_const(g, "inval");
    if (!inval)
        return false;
    emit_check(o, g, "    ", arena_printf(g->a, "g_%s", pid),
               arena_printf(g->a, "(uint64_t)%s * %u", count, pl->elem->size), pl->elem->align);
    out_printf(o, "    if (%s > WASI_MAX_LIST_ELEMS)\n        %s\n", count, fail_with(g, inval));
    return true;
}

static bool emit_pointer_param(struct out *o, struct fgen *g, const struct pplan *pl)
{
    const char *pid = c_ident(g->a, pl->p->name);
    switch (pl->kind) {
    case P_STRING: {
        const char *toolong = err_const(g, "nametoolong"), *ilseq = err_const(g, "ilseq");
        const char *inval = err_const(g, "inval"), *nomem = err_const(g, "nomem");
        if (!toolong || !ilseq || !inval || !nomem)
            return false;
        emit_check(o, g, "    ", arena_printf(g->a, "g_%s", pid), arena_printf(g->a, "n_%s", pid),
                   1);
        out_printf(o, "    if (n_%s > WASI_MAX_STRING_BYTES)\n        %s\n", pid,
                   fail_with(g, toolong));
        out_printf(o, "    p_%s = malloc((size_t)n_%s + 1);\n", pid, pid);
        out_printf(o, "    if (!p_%s)\n        %s\n", pid, fail_with(g, nomem));
        out_printf(o, "    if (n_%s != 0)\n        memcpy(p_%s, wasi_guest_ptr(mem, g_%s), n_%s);\n",
                   pid, pid, pid, pid);
        out_printf(o, "    p_%s[n_%s] = 0;\n", pid, pid);
        out_printf(o, "    if (memchr(p_%s, 0, n_%s))\n        %s\n", pid, pid, fail_with(g, inval));
        out_printf(o, "    if (!utf8_valid((const uint8_t *)p_%s, n_%s))\n        %s\n", pid, pid,
                   fail_with(g, ilseq));
        return true;
    }
    case P_LIST: {
        const char *count = arena_printf(g->a, "n_%s", pid);
        return emit_array_checks(o, g, pl, count) && emit_copy_in(o, g, pl, count);
    }
    case P_BUF:
        emit_check(o, g, "    ", arena_printf(g->a, "g_%s", pid),
                   arena_printf(g->a, "(uint64_t)%s * %u", count_expr(g, pl), pl->elem->size),
                   pl->elem->align);
        out_printf(o, "    p_%s = wasi_guest_ptr(mem, g_%s);\n", pid, pid);
        return true;
    case P_GUEST:
        emit_check(o, g, "    ", arena_printf(g->a, "p_%s", pid),
                   arena_printf(g->a, "(uint64_t)%s * %u", count_expr(g, pl), pl->elem->size),
                   pl->elem->align);
        return true;
    case P_ARRAY_IN:
        return emit_array_checks(o, g, pl, count_expr(g, pl)) &&
               emit_copy_in(o, g, pl, count_expr(g, pl));
    case P_ARRAY_OUT: {
        const char *count = count_expr(g, pl);
        const char *nomem = err_const(g, "nomem");
        if (!nomem || !emit_array_checks(o, g, pl, count))
            return false;
        out_printf(o, "    if (%s != 0) {\n", count);
        out_printf(o, "        p_%s = calloc(%s, sizeof *p_%s);\n", pid, count, pid);
        out_printf(o, "        if (!p_%s)\n            %s\n    }\n", pid, fail_with(g, nomem));
        return true;
    }
    case P_SCALAR:
        return true;
    }
    return true;
}

static void emit_decls(struct out *o, struct fgen *g)
{
    const struct func *f = g->f;
    if (f->err_type)
        out_printf(o, "    %s err = 0;\n", g->err_ct);
    for (uint32_t i = 0; i < f->nparams; i++) {
        const struct pplan *pl = &g->plans[i];
        const char *pid = c_ident(g->a, pl->p->name);
        switch (pl->kind) {
        case P_SCALAR:
            out_printf(o, "    const %s p_%s = %s;\n", scalar_ctype(g->a, pl->p->type), pid,
                       decoded_arg(g, pl->p->type, pl->arg));
            break;
        case P_STRING:
        case P_LIST:
            out_printf(o, "    const uint32_t g_%s = (uint32_t)args[%u];\n", pid, pl->arg);
            out_printf(o, "    const uint32_t n_%s = (uint32_t)args[%u];\n", pid, pl->arg + 1);
            out_printf(o, "    %s *p_%s = NULL;\n", pl->kind == P_STRING ? "char" : elem_ctype(g, pl),
                       pid);
            break;
        case P_BUF:
            out_printf(o, "    const uint32_t g_%s = (uint32_t)args[%u];\n", pid, pl->arg);
            out_printf(o, "    uint8_t *p_%s = NULL;\n", pid);
            break;
        case P_GUEST:
            out_printf(o, "    const uint32_t p_%s = (uint32_t)args[%u];\n", pid, pl->arg);
            break;
        case P_ARRAY_IN:
        case P_ARRAY_OUT:
            out_printf(o, "    const uint32_t g_%s = (uint32_t)args[%u];\n", pid, pl->arg);
            out_printf(o, "    %s *p_%s = NULL;\n", elem_ctype(g, pl), pid);
            break;
        }
    }
    uint32_t first_out = f->nwparams - f->nouts;
    for (uint32_t i = 0; i < f->nouts; i++) {
        const char *rid = c_ident(g->a, f->out_names[i]);
        out_printf(o, "    const uint32_t o_%s = (uint32_t)args[%u];\n", rid, first_out + i);
    }
    /* Counts from a sizes function (args_sizes_get for args_get...). */
    for (uint32_t i = 0; i < f->nparams; i++) {
        const struct pplan *pl = &g->plans[i];
        if (!pl->len_call)
            continue;
        bool first = true;
        for (uint32_t k = 0; k < i; k++)
            first &= g->plans[k].len_call != pl->len_call;
        if (!first)
            continue;
        for (uint32_t k = 0; k < pl->len_call->nouts; k++)
            out_printf(o, "    %s s_%s_%u = 0;\n", scalar_ctype(g->a, pl->len_call->outs[k]),
                       c_ident(g->a, pl->len_call->name), k);
    }
    if (f->nwparams == 0)
        out_printf(o, "    (void)args;\n");
}

/* The glue proper: run_<name> does the work and hands its results back
 * through r_* (for the trace); wasi_glue_<name> calls it once traced and
 * once plain, so with tracing off the trace costs one predictable branch. */
static bool emit_run(struct out *o, struct fgen *g)
{
    const struct func *f = g->f;
    out_printf(o, "\nstatic inline uint64_t run_%s(struct wasi_ctx *ctx, "
                  "const struct wasi_guest_memory *mem,\n    const uint64_t *args", g->id);
    for (uint32_t i = 0; i < f->nouts; i++)
        out_printf(o, ", %s *r_%s", scalar_ctype(g->a, f->outs[i]), c_ident(g->a, f->out_names[i]));
    if (f->plain_result)
        out_printf(o, ", %s *result", scalar_ctype(g->a, f->plain_result));
    out_printf(o, ")\n{\n");
    emit_decls(o, g);
    out_printf(o, "\n");
    /* Enum, flag and narrow-integer arguments. */
    for (uint32_t i = 0; i < f->nparams; i++) {
        const struct pplan *pl = &g->plans[i];
        if (pl->kind != P_SCALAR)
            continue;
        enum wasm_type wt = f->wparams[pl->arg];
        const char *bad = invalid_cond(g->a, pl->p->type, raw_arg(g, pl->arg),
                                       wt == WASM_I64 ? 64 : 32);
        if (!bad)
            continue;
        const char *inval = err_const(g, "inval");
        if (!inval)
            return false;
        out_printf(o, "    if (%s)\n        %s\n", bad, fail_with(g, inval));
    }
    /* Out-pointers before anything that could have an effect. */
    for (uint32_t i = 0; i < f->nouts; i++)
        emit_check(o, g, "    ", arena_printf(g->a, "o_%s", c_ident(g->a, f->out_names[i])),
                   arena_printf(g->a, "%u", f->outs[i]->size), f->outs[i]->align);
    for (uint32_t i = 0; i < f->nparams; i++) {
        const struct pplan *pl = &g->plans[i];
        if (!pl->len_call)
            continue;
        bool first = true;
        for (uint32_t k = 0; k < i; k++)
            first &= g->plans[k].len_call != pl->len_call;
        if (!first)
            continue;
        const char *cid = c_ident(g->a, pl->len_call->name);
        out_printf(o, "    err = wasi_impl_%s(ctx, mem", cid);
        for (uint32_t k = 0; k < pl->len_call->nouts; k++)
            out_printf(o, ", &s_%s_%u", cid, k);
        g->used_goto = true;
        out_printf(o, ");\n    if (err != 0)\n        goto done;\n");
    }
    for (uint32_t i = 0; i < f->nparams; i++)
        if (!emit_pointer_param(o, g, &g->plans[i]))
            return false;

    /* The call. */
    out_printf(o, "\n    ");
    if (f->err_type)
        out_printf(o, "err = ");
    else if (f->plain_result)
        out_printf(o, "*result = ");
    out_printf(o, "wasi_impl_%s(ctx, mem", g->id);
    for (uint32_t i = 0; i < f->nparams; i++) {
        const struct pplan *pl = &g->plans[i];
        const char *pid = c_ident(g->a, pl->p->name);
        if (pl->kind == P_STRING || pl->kind == P_LIST)
            out_printf(o, ", p_%s, n_%s", pid, pid);
        else
            out_printf(o, ", p_%s", pid);
    }
    for (uint32_t i = 0; i < f->nouts; i++)
        out_printf(o, ", r_%s", c_ident(g->a, f->out_names[i]));
    out_printf(o, ");\n");

    /* Results, only on success; every address was checked above. */
    bool any_store = f->nouts != 0;
    for (uint32_t i = 0; i < f->nparams; i++)
        any_store |= g->plans[i].kind == P_ARRAY_OUT;
    if (f->err_type && any_store) {
        out_printf(o, "    if (err == 0) {\n");
        for (uint32_t i = 0; i < f->nparams; i++) {
            const struct pplan *pl = &g->plans[i];
            if (pl->kind != P_ARRAY_OUT)
                continue;
            const char *pid = c_ident(g->a, pl->p->name);
            const char *count = count_expr(g, pl);
            if (pl->stored_count_out >= 0) {
                /* Never report (or store) more elements than there is room for. */
                const char *rc = c_ident(g->a, f->out_names[pl->stored_count_out]);
                out_printf(o, "        if (*r_%s > %s)\n            *r_%s = %s;\n", rc, count, rc,
                           count);
                count = arena_printf(g->a, "*r_%s", rc);
            }
            out_printf(o, "        for (uint32_t i = 0; i < %s; i++) {\n", count);
            if (!emit_store(o, g->a, "            ", pl->elem,
                            arena_printf(g->a, "wasi_guest_ptr(mem, g_%s + (uint64_t)i * %u)", pid,
                                         pl->elem->size),
                            arena_printf(g->a, "p_%s[i]", pid), g->d))
                return false;
            out_printf(o, "        }\n");
        }
        for (uint32_t i = 0; i < f->nouts; i++) {
            const char *rid = c_ident(g->a, f->out_names[i]);
            if (!emit_store(o, g->a, "        ", f->outs[i],
                            arena_printf(g->a, "wasi_guest_ptr(mem, o_%s)", rid),
                            arena_printf(g->a, "*r_%s", rid), g->d))
                return false;
        }
        out_printf(o, "    }\n");
    }
    if (g->used_goto)
        out_printf(o, "done:\n");
    for (uint32_t i = 0; i < f->nparams; i++) {
        enum pkind k = g->plans[i].kind;
        if (k == P_STRING || k == P_LIST || k == P_ARRAY_IN || k == P_ARRAY_OUT)
            out_printf(o, "    free(p_%s);\n", c_ident(g->a, g->plans[i].p->name));
    }
    if (f->err_type) {
        out_printf(o, "    return (uint64_t)err;\n}\n");
    } else if (f->plain_result) {
        enum wasm_type wt = f->wresults[0];
        if (wt == WASM_F32)
            out_printf(o, "    return wasi_f32_bits(*result);\n}\n");
        else if (wt == WASM_F64)
            out_printf(o, "    return wasi_f64_bits(*result);\n}\n");
        else if (wt == WASM_I32)
            out_printf(o, "    return (uint64_t)(uint32_t)*result;\n}\n");
        else
            out_printf(o, "    return (uint64_t)*result;\n}\n");
    } else {
        out_printf(o, "    return 0;\n}\n");
    }
    return true;
}

static bool emit_glue(struct out *o, struct fgen *g)
{
    const struct func *f = g->f;
    if (!emit_run(o, g))
        return false;
    struct out call = {0};
    out_printf(&call, "run_%s(ctx, mem, args", g->id);
    for (uint32_t i = 0; i < f->nouts; i++)
        out_printf(&call, ", &r_%s", c_ident(g->a, f->out_names[i]));
    if (f->plain_result)
        out_printf(&call, ", &result");
    out_printf(&call, ")");

    out_printf(o, "\nuint64_t wasi_glue_%s(struct wasi_ctx *ctx, const struct wasi_guest_memory *mem,\n"
                  "    const struct wasi_trace *trace, const uint64_t *args)\n{\n", g->id);
    for (uint32_t i = 0; i < f->nouts; i++) {
        const char *rid = c_ident(g->a, f->out_names[i]);
        out_printf(o, "    %s r_%s;\n    memset(&r_%s, 0, sizeof r_%s);\n",
                   scalar_ctype(g->a, f->outs[i]), rid, rid, rid);
    }
    if (f->plain_result)
        out_printf(o, "    %s result = 0;\n", scalar_ctype(g->a, f->plain_result));
    out_printf(o, "    if (__builtin_expect(trace->on, 0)) {\n"
                  "        wasi_trace_enter_%s(trace->out, mem, args);\n"
                  "        const uint64_t ret = %s;\n", g->id, call.data);
    if (f->err_type) {
        out_printf(o, "        wasi_trace_exit_%s(trace->out, (%s)ret", g->id, g->err_ct);
        for (uint32_t i = 0; i < f->nouts; i++)
            out_printf(o, ", &r_%s", c_ident(g->a, f->out_names[i]));
        out_printf(o, ");\n");
    } else if (f->plain_result) {
        out_printf(o, "        wasi_trace_exit_%s(trace->out, result);\n", g->id);
    }
    out_printf(o, "        return ret;\n    }\n    return %s;\n}\n", call.data);
    out_free(&call);
    return true;
}

static uint8_t valtype_code(enum wasm_type t)
{
    switch (t) {
    case WASM_I32: return 0x7f;
    case WASM_I64: return 0x7e;
    case WASM_F32: return 0x7d;
    case WASM_F64: return 0x7c;
    }
    return 0;
}

static void emit_import_entry(struct out *o, struct fgen *g)
{
    const struct func *f = g->f;
    const char *id = g->id;
    out_printf(o, "    {\n        .module = \"%s\",\n        .name = \"%s\",\n", f->module->name,
               f->name);
    if (f->nwparams)
        out_printf(o, "        .params = params_%s,\n        .nparams = %u,\n", id, f->nwparams);
    if (f->nwresults)
        out_printf(o, "        .results = results_%s,\n        .nresults = %u,\n", id,
                   f->nwresults);
    out_printf(o, "        .glue = wasi_glue_%s,\n", id);
    if (f->noreturn)
        out_printf(o, "        .noreturn = true,\n");
    out_printf(o, "        .signature = \"(");
    for (uint32_t i = 0; i < f->nwparams; i++)
        out_printf(o, "%s%s", i ? " " : "", wasm_type_name(f->wparams[i]));
    out_printf(o, ") -> (");
    for (uint32_t i = 0; i < f->nwresults; i++)
        out_printf(o, "%s%s", i ? " " : "", wasm_type_name(f->wresults[i]));
    out_printf(o, ")\",\n");
    if (f->nwparams)
        out_printf(o, "        .param_names = names_%s,\n", id);
    out_printf(o, "        .doc = \"");
    out_c_string(o, f->doc ? f->doc : "");
    out_printf(o, "\",\n    },\n");
}

static void emit_check_helper(struct out *o, struct arena *a, const char *err_id)
{
    const char *id = c_ident(a, err_id), *up = c_upper(a, err_id);
    out_printf(o, "\n/* The errno for a guest range: fault when outside memory, inval when\n"
                  " * misaligned. */\n");
    out_printf(o, "static wasi_%s_t check_%s(const struct wasi_guest_memory *mem, uint64_t addr,\n"
                  "    uint64_t len, uint32_t align)\n{\n", id, id);
    out_printf(o, "    switch (wasi_guest_check(mem, addr, len, align)) {\n"
                  "    case WASI_GUEST_OK:\n        return 0;\n"
                  "    case WASI_GUEST_MISALIGNED:\n        return WASI_%s_INVAL;\n"
                  "    default:\n        return WASI_%s_FAULT;\n    }\n}\n", up, up);
}

bool gen_glue(const struct witx *w, struct out *h, struct out *c, struct diag *d)
{
    uint32_t nfuncs = 0;
    for (uint32_t m = 0; m < w->nmodules; m++)
        nfuncs += w->modules[m]->nfuncs;

    out_banner(h, w, "The glue between the interpreter and the wasi_impl_* functions, and the\n"
                     " * import table an instantiator matches a module's imports against.");
    out_printf(h, "#ifndef WISP_GEN_WASI_GLUE_H\n#define WISP_GEN_WASI_GLUE_H\n\n"
                  "#include \"wasi/abi.h\"\n\n");
    /* The most wasm parameters plus results of any function, so callers can
     * size argument arrays without guessing. */
    uint32_t max_values = 1;
    for (uint32_t m = 0; m < w->nmodules; m++)
        for (uint32_t i = 0; i < w->modules[m]->nfuncs; i++) {
            const struct func *f = w->modules[m]->funcs[i];
            if (f->nwparams + f->nwresults > max_values)
                max_values = f->nwparams + f->nwresults;
        }
    out_printf(h, "#define WASI_IMPORT_COUNT %uu\nextern const struct wasi_import "
                  "wasi_import_table[WASI_IMPORT_COUNT];\n", nfuncs);
    out_printf(h, "/* No import has more wasm parameters plus results than this. */\n"
                  "#define WASI_IMPORT_MAX_VALUES %uu\n\n", max_values);
    out_printf(h, "/* The entry for module.name, or NULL. */\nconst struct wasi_import "
                  "*wasi_import_find(const char *module, const char *name);\n\n");

    struct out body = {0}, table = {0};
    /* Error types whose check_<errno> helper the bodies call. */
    const char **err_ids = arena_alloc(w->arena, sizeof(char *) * (nfuncs + 1));
    uint32_t nerr = 0;
    bool ok = true;
    for (uint32_t m = 0; m < w->nmodules && ok; m++) {
        for (uint32_t i = 0; i < w->modules[m]->nfuncs && ok; i++) {
            struct fgen g;
            const struct func *f = w->modules[m]->funcs[i];
            if (!setup(&g, w, f, d) || !emit_glue(&body, &g)) {
                ok = false;
                break;
            }
            out_printf(h, "uint64_t wasi_glue_%s(struct wasi_ctx *ctx, const struct "
                          "wasi_guest_memory *mem,\n    const struct wasi_trace *trace, const "
                          "uint64_t *args);\n", g.id);
            if (g.used_check && f->err_type) {
                bool seen = false;
                for (uint32_t k = 0; k < nerr; k++)
                    seen |= strcmp(err_ids[k], g.err_id) == 0;
                if (!seen && (!err_const(&g, "fault") || !err_const(&g, "inval")))
                    ok = false;
                if (!seen)
                    err_ids[nerr++] = g.err_id;
            }
            if (f->nwparams) {
                out_printf(&table, "static const uint8_t params_%s[] = {", g.id);
                for (uint32_t k = 0; k < f->nwparams; k++)
                    out_printf(&table, "%s0x%02x", k ? ", " : "", valtype_code(f->wparams[k]));
                out_printf(&table, "};\nstatic const char *const names_%s[] = {", g.id);
                for (uint32_t k = 0; k < f->nwparams; k++)
                    out_printf(&table, "%s\"%s\"", k ? ", " : "", f->wparam_names[k]);
                out_printf(&table, "};\n");
            }
            if (f->nwresults) {
                out_printf(&table, "static const uint8_t results_%s[] = {", g.id);
                for (uint32_t k = 0; k < f->nwresults; k++)
                    out_printf(&table, "%s0x%02x", k ? ", " : "", valtype_code(f->wresults[k]));
                out_printf(&table, "};\n");
            }
        }
    }
    if (ok) {
        out_printf(&table, "\nconst struct wasi_import wasi_import_table[WASI_IMPORT_COUNT] = {\n");
        for (uint32_t m = 0; m < w->nmodules && ok; m++) {
            for (uint32_t i = 0; i < w->modules[m]->nfuncs; i++) {
                struct fgen g;
                if (!setup(&g, w, w->modules[m]->funcs[i], d)) {
                    ok = false;
                    break;
                }
                emit_import_entry(&table, &g);
            }
        }
        out_printf(&table, "};\n\nconst struct wasi_import *wasi_import_find(const char *module, "
                           "const char *name)\n{\n");
        if (nfuncs)
            out_printf(&table, "    for (uint32_t i = 0; i < WASI_IMPORT_COUNT; i++)\n"
                               "        if (strcmp(wasi_import_table[i].module, module) == 0 &&\n"
                               "            strcmp(wasi_import_table[i].name, name) == 0)\n"
                               "            return &wasi_import_table[i];\n");
        else
            out_printf(&table, "    (void)module;\n    (void)name;\n");
        out_printf(&table, "    return NULL;\n}\n");
    }
    if (ok) {
        out_printf(h, "\n#endif\n");
        out_banner(c, w, "Per function: decode the wasm arguments, validate, check guest\n"
                         " * pointers, copy lists in, call wasi_impl_<name>, store results.");
        out_printf(c, "#include <stdlib.h>\n#include <string.h>\n\n"
                      "#include \"base/common.h\"\n#include \"wasi_glue.h\"\n"
                      "#include \"wasi_impl.h\"\n#include \"wasi_trace.h\"\n");
        for (uint32_t k = 0; k < nerr; k++)
            emit_check_helper(c, w->arena, err_ids[k]);
        out_printf(c, "%.*s\n/* ---- the import table ---- */\n\n%.*s", (int)body.len,
                   body.data ? body.data : "", (int)table.len, table.data ? table.data : "");
    }
    out_free(&body);
    out_free(&table);
    return ok;
}
