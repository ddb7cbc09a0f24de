/* Generates wasi_trace.c/h: the call trace the glue prints when tracing is
 * on ("> fd_write(fd=1, iovs=*guest 0x1000/2)" then "< nwritten=13
 * errno=success (...)"), printers for every enum, flags, record and variant
 * typename, and name/doc lookups for enums (the errno docs come from witx). */
#include "gen.h"

#include <string.h>

struct tgen {
    const struct witx *w;
    struct arena *a;
    struct diag *d;
    bool used_guest, used_string, used_addr;
};

static bool is_error_enum(const struct witx *w, const struct named_type *nt)
{
    for (uint32_t m = 0; m < w->nmodules; m++)
        for (uint32_t i = 0; i < w->modules[m]->nfuncs; i++) {
            const struct type *e = w->modules[m]->funcs[i]->err_type;
            if (e && e->kind == T_NAME && e->ref == nt)
                return true;
        }
    return false;
}

/* Statements printing value expr of type t to FILE *f. */
static void emit_print(struct out *o, struct tgen *g, const char *ind, const struct type *t,
                       const char *expr)
{
    const struct type *r = witx_resolve(t);
    const struct named_type *nt = aggregate_name(t);
    switch (r->kind) {
    case T_ENUM:
    case T_FLAGS:
        if (nt)
            out_printf(o, "%swasi_print_%s(f, (uint64_t)(%s));\n", ind, c_ident(g->a, nt->name),
                       expr);
        else
            out_printf(o, "%sfprintf(f, \"%%\" PRIu64, (uint64_t)(%s));\n", ind, expr);
        return;
    case T_RECORD:
    case T_VARIANT:
        if (nt)
            out_printf(o, "%swasi_print_%s(f, &(%s));\n", ind, c_ident(g->a, nt->name), expr);
        else
            out_printf(o, "%sfputs(\"{...}\", f);\n", ind);
        return;
    case T_INT:
        if (r->is_signed)
            out_printf(o, "%sfprintf(f, \"%%\" PRId64, (int64_t)(%s));\n", ind, expr);
        else
            out_printf(o, "%sfprintf(f, \"%%\" PRIu64, (uint64_t)(%s));\n", ind, expr);
        return;
    case T_FLOAT:
        out_printf(o, "%sfprintf(f, \"%%g\", (double)(%s));\n", ind, expr);
        return;
    case T_POINTER:
    case T_CONST_POINTER:
        g->used_addr = true;
        out_printf(o, "%strace_addr(f, %s);\n", ind, expr);
        return;
    case T_LIST:
    case T_STRING:
        g->used_guest = true;
        out_printf(o, "%strace_guest(f, (%s).ptr, (%s).len);\n", ind, expr, expr);
        return;
    default:   /* handles, chars, usize */
        out_printf(o, "%sfprintf(f, \"%%\" PRIu64, (uint64_t)(%s));\n", ind, expr);
        return;
    }
}

static void emit_type_printer(struct out *h, struct out *c, struct tgen *g,
                              const struct named_type *nt)
{
    const struct type *t = nt->type;
    const char *id = c_ident(g->a, nt->name);
    if (t->kind == T_ENUM) {
        out_printf(h, "const char *wasi_%s_name(uint64_t v);  /* NULL when not a case */\n", id);
        out_printf(c, "\nconst char *wasi_%s_name(uint64_t v)\n{\n"
                      "    static const char *const names[] = {", id);
        for (uint32_t i = 0; i < t->nmembers; i++)
            out_printf(c, "%s\"%s\"", i == 0 ? "\n        " : i % 6 ? ", " : ",\n        ", t->members[i].name);
        out_printf(c, "\n    };\n    return v < %uu ? names[v] : NULL;\n}\n", t->nmembers);
        if (is_error_enum(g->w, nt)) {
            out_printf(h, "const char *wasi_%s_doc(uint64_t v);   /* its witx doc, or \"\" */\n", id);
            out_printf(c, "\nconst char *wasi_%s_doc(uint64_t v)\n{\n"
                          "    static const char *const docs[] = {\n", id);
            for (uint32_t i = 0; i < t->nmembers; i++) {
                out_printf(c, "        \"");
                out_c_string(c, t->members[i].doc ? t->members[i].doc : "");
                out_printf(c, "\",\n");
            }
            out_printf(c, "    };\n    return v < %uu ? docs[v] : \"\";\n}\n", t->nmembers);
        }
        out_printf(h, "void wasi_print_%s(FILE *f, uint64_t v);\n", id);
        out_printf(c, "\nvoid wasi_print_%s(FILE *f, uint64_t v)\n{\n"
                      "    const char *name = wasi_%s_name(v);\n"
                      "    if (name)\n        fputs(name, f);\n"
                      "    else\n        fprintf(f, \"<invalid %%\" PRIu64 \">\", v);\n}\n", id, id);
        return;
    }
    if (t->kind == T_FLAGS) {
        out_printf(h, "void wasi_print_%s(FILE *f, uint64_t v);\n", id);
        out_printf(c, "\nvoid wasi_print_%s(FILE *f, uint64_t v)\n{\n"
                      "    static const char *const names[] = {", id);
        for (uint32_t i = 0; i < t->nmembers; i++)
            out_printf(c, "%s\"%s\"", i == 0 ? "\n        " : i % 6 ? ", " : ",\n        ", t->members[i].name);
        out_printf(c, "\n    };\n    trace_flags(f, v, names, %uu);\n}\n", t->nmembers);
        return;
    }
    if (t->kind != T_RECORD && t->kind != T_VARIANT)
        return;
    out_printf(h, "void wasi_print_%s(FILE *f, const struct wasi_%s *v);\n", id, id);
    out_printf(c, "\nvoid wasi_print_%s(FILE *f, const struct wasi_%s *v)\n{\n", id, id);
    if (t->kind == T_RECORD) {
        for (uint32_t i = 0; i < t->nmembers; i++) {
            const struct member *m = &t->members[i];
            out_printf(c, "    fputs(\"%s%s=\", f);\n", i ? ", " : "{", m->name);
            emit_print(c, g, "    ", m->type, arena_printf(g->a, "v->%s", c_ident(g->a, m->name)));
        }
        out_printf(c, "    fputc('}', f);\n}\n");
        return;
    }
    out_printf(c, "    switch (v->tag) {\n");
    for (uint32_t i = 0; i < t->nmembers; i++) {
        const struct member *m = &t->members[i];
        out_printf(c, "    case %u:\n        fputs(\"{%s%s\", f);\n", i, m->name, m->type ? "=" : "");
        if (m->type)
            emit_print(c, g, "        ", m->type,
                       arena_printf(g->a, "v->u.%s", c_ident(g->a, m->name)));
        out_printf(c, "        fputc('}', f);\n        break;\n");
    }
    out_printf(c, "    default:\n        fprintf(f, \"{<invalid tag %%u>}\", (unsigned)v->tag);\n"
                  "        break;\n    }\n}\n");
}

/* The value of wasm argument arg, decoded as t, for printing. */
static const char *arg_value(struct tgen *g, const struct func *f, const struct type *t,
                             uint32_t arg)
{
    const struct type *r = witx_resolve(t);
    bool wide = f->wparams[arg] == WASM_I64 || f->wparams[arg] == WASM_F64;
    const char *raw = wide ? arena_printf(g->a, "args[%u]", arg)
                           : arena_printf(g->a, "(uint32_t)args[%u]", arg);
    if (r->kind == T_FLOAT)
        return arena_printf(g->a, "wasi_f%u_from_bits(%s)", r->bits, raw);
    if (r->kind == T_INT && r->is_signed)
        return wide ? arena_printf(g->a, "(int64_t)%s", raw)
                    : arena_printf(g->a, "(int32_t)%s", raw);
    return raw;
}

static bool emit_enter(struct out *h, struct out *c, struct tgen *g, const struct func *f)
{
    struct pplan *plans = arena_alloc(g->a, sizeof(struct pplan) * (f->nparams + 1));
    if (!plan_params(g->w, f, plans, g->d))
        return false;
    const char *id = c_ident(g->a, f->name);
    out_printf(h, "void wasi_trace_enter_%s(FILE *f, const struct wasi_guest_memory *mem, "
                  "const uint64_t *args);\n", id);
    out_printf(c, "\nvoid wasi_trace_enter_%s(FILE *f, const struct wasi_guest_memory *mem, "
                  "const uint64_t *args)\n{\n    (void)mem;\n    (void)args;\n", id);
    out_printf(c, "    fputs(\"> %s(\", f);\n", f->name);
    bool first = true;
    for (uint32_t i = 0; i < f->nparams; i++) {
        const struct pplan *pl = &plans[i];
        if (pl->is_len_of_buf)
            continue;   /* shown as the /len of its buffer */
        out_printf(c, "    fputs(\"%s%s=\", f);\n", first ? "" : ", ", pl->p->name);
        first = false;
        const char *count = pl->len_param >= 0
                                ? arg_value(g, f, f->params[pl->len_param].type,
                                            plans[pl->len_param].arg)
                                : NULL;
        switch (pl->kind) {
        case P_SCALAR:
            emit_print(c, g, "    ", pl->p->type, arg_value(g, f, pl->p->type, pl->arg));
            break;
        case P_STRING:
            g->used_string = true;
            out_printf(c, "    trace_string(f, mem, (uint32_t)args[%u], (uint32_t)args[%u]);\n",
                       pl->arg, pl->arg + 1);
            break;
        case P_LIST:
            g->used_guest = true;
            out_printf(c, "    trace_guest(f, (uint32_t)args[%u], (uint32_t)args[%u]);\n", pl->arg,
                       pl->arg + 1);
            break;
        default:
            if (count) {
                g->used_guest = true;
                out_printf(c, "    trace_guest(f, (uint32_t)args[%u], %s);\n", pl->arg, count);
            } else {
                g->used_addr = true;
                out_printf(c, "    trace_addr(f, (uint32_t)args[%u]);\n", pl->arg);
            }
        }
    }
    out_printf(c, "    fputs(\")\\n\", f);\n}\n");
    return true;
}

static void emit_exit(struct out *h, struct out *c, struct tgen *g, const struct func *f)
{
    const char *id = c_ident(g->a, f->name);
    if (f->plain_result) {
        const char *ct = c_type(g->a, f->plain_result);
        if (!ct) {
            uint32_t bits;
            bool sgn;
            witx_scalar_bits(f->plain_result, &bits, &sgn);
            ct = arena_printf(g->a, "uint%u_t", bits);
        }
        out_printf(h, "void wasi_trace_exit_%s(FILE *f, %s result);\n", id, ct);
        out_printf(c, "\nvoid wasi_trace_exit_%s(FILE *f, %s result)\n{\n"
                      "    fputs(\"< %s=\", f);\n", id, ct, f->results[0].name);
        emit_print(c, g, "    ", f->plain_result, "result");
        out_printf(c, "    fputc('\\n', f);\n}\n");
        return;
    }
    if (!f->err_type)
        return;
    const char *err_id = c_ident(g->a, f->err_type->ref->name);
    struct out sig = {0};
    out_printf(&sig, "void wasi_trace_exit_%s(FILE *f, wasi_%s_t err", id, err_id);
    for (uint32_t i = 0; i < f->nouts; i++) {
        const char *ct = c_type(g->a, f->outs[i]);
        if (!ct) {
            uint32_t bits;
            bool sgn;
            witx_scalar_bits(f->outs[i], &bits, &sgn);
            ct = arena_printf(g->a, "uint%u_t", bits);
        }
        out_printf(&sig, ", const %s *%s", ct, c_ident(g->a, f->out_names[i]));
    }
    out_printf(&sig, ")");
    out_printf(h, "%s;\n", sig.data);
    out_printf(c, "\n%s\n{\n    fputc('<', f);\n", sig.data);
    out_free(&sig);
    if (f->nouts) {
        out_printf(c, "    if (err == 0) {\n");
        for (uint32_t i = 0; i < f->nouts; i++) {
            out_printf(c, "        fputs(\" %s=\", f);\n", f->out_names[i]);
            emit_print(c, g, "        ", f->outs[i],
                       arena_printf(g->a, "*%s", c_ident(g->a, f->out_names[i])));
        }
        out_printf(c, "    }\n");
    }
    out_printf(c, "    const char *name = wasi_%s_name(err);\n", err_id);
    out_printf(c, "    if (name)\n        fprintf(f, \" %s=%%s (%%s)\\n\", name, wasi_%s_doc(err));\n"
                  "    else\n        fprintf(f, \" %s=<invalid %%u>\\n\", (unsigned)err);\n}\n",
               f->err_type->ref->name, err_id, f->err_type->ref->name);
}

static const char helpers_flags[] =
    "\n/* Flags as a|b|c, unknown bits as a trailing hex number, none as 0. */\n"
    "static void trace_flags(FILE *f, uint64_t v, const char *const *names, unsigned n)\n{\n"
    "    if (v == 0) {\n        fputc('0', f);\n        return;\n    }\n"
    "    const char *sep = \"\";\n"
    "    for (unsigned i = 0; i < n && i < 64; i++) {\n"
    "        if (v & ((uint64_t)1 << i)) {\n"
    "            fprintf(f, \"%s%s\", sep, names[i]);\n"
    "            sep = \"|\";\n            v &= ~((uint64_t)1 << i);\n        }\n    }\n"
    "    if (v)\n        fprintf(f, \"%s0x%\" PRIx64, sep, v);\n}\n";

static const char helper_guest[] =
    "\nstatic void trace_guest(FILE *f, uint64_t addr, uint64_t count)\n{\n"
    "    fprintf(f, \"*guest 0x%\" PRIx64 \"/%\" PRIu64, addr, count);\n}\n";

static const char helper_addr[] =
    "\nstatic void trace_addr(FILE *f, uint64_t addr)\n{\n"
    "    fprintf(f, \"*guest 0x%\" PRIx64, addr);\n}\n";

static const char helper_string[] =
    "\n/* A string argument shows its text when it is inside guest memory; the\n"
    " * trace runs before the glue's checks, so it checks for itself. */\n"
    "static void trace_string(FILE *f, const struct wasi_guest_memory *mem, uint32_t addr,\n"
    "                         uint32_t len)\n{\n"
    "    if (wasi_guest_check(mem, addr, len, 1) != WASI_GUEST_OK) {\n"
    "        fprintf(f, \"*guest 0x%\" PRIx32 \"/%\" PRIu32, addr, len);\n        return;\n    }\n"
    "    const uint8_t *s = wasi_guest_ptr(mem, addr);\n"
    "    uint32_t shown = len < 256 ? len : 256;\n"
    "    fputc('\"', f);\n"
    "    for (uint32_t i = 0; i < shown; i++) {\n"
    "        if (s[i] == '\"' || s[i] == '\\\\')\n            fprintf(f, \"\\\\%c\", s[i]);\n"
    "        else if (s[i] < 0x20 || s[i] >= 0x7f)\n            fprintf(f, \"\\\\x%02x\", s[i]);\n"
    "        else\n            fputc(s[i], f);\n    }\n"
    "    fputc('\"', f);\n    if (shown < len)\n        fputs(\"...\", f);\n}\n";

bool gen_trace(const struct witx *w, struct out *h, struct out *c, struct diag *d)
{
    struct tgen g = {.w = w, .a = w->arena, .d = d};
    struct out body = {0};
    out_banner(h, w, "The call trace, and printers and name lookups for witx types.");
    out_printf(h, "#ifndef WISP_GEN_WASI_TRACE_H\n#define WISP_GEN_WASI_TRACE_H\n\n"
                  "#include <stdio.h>\n\n#include \"wasi/abi.h\"\n#include \"wasi_types.h\"\n\n");
    bool any_flags = false;
    for (uint32_t i = 0; i < w->ntypes; i++) {
        emit_type_printer(h, &body, &g, w->types[i]);
        any_flags |= w->types[i]->type->kind == T_FLAGS;
    }
    out_printf(h, "\n");
    bool ok = true;
    for (uint32_t m = 0; m < w->nmodules && ok; m++)
        for (uint32_t i = 0; i < w->modules[m]->nfuncs && ok; i++) {
            const struct func *f = w->modules[m]->funcs[i];
            ok = emit_enter(h, &body, &g, f);
            if (ok)
                emit_exit(h, &body, &g, f);
        }
    if (ok) {
        out_printf(h, "\n#endif\n");
        out_banner(c, w, "Trace output: one line on entry, one on exit.");
        out_printf(c, "#include <inttypes.h>\n#include <stdio.h>\n\n#include \"wasi_trace.h\"\n");
        if (any_flags)
            out_printf(c, "%s", helpers_flags);
        if (g.used_guest)
            out_printf(c, "%s", helper_guest);
        if (g.used_addr)
            out_printf(c, "%s", helper_addr);
        if (g.used_string)
            out_printf(c, "%s", helper_string);
        out_printf(c, "%.*s", (int)body.len, body.data ? body.data : "");
    }
    out_free(&body);
    return ok;
}
