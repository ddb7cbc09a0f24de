/* witxgen --dump: a canonical, line-oriented description of a witx document
 * set. Each line names the type or function it belongs to, so two dumps can
 * be sorted and compared with diff; doc comments are optional (--docs) and
 * always on lines of their own that start with ";;;". */
#include "witx.h"

#include <inttypes.h>
#include <string.h>

const char *wasm_type_name(enum wasm_type t)
{
    switch (t) {
    case WASM_I32: return "i32";
    case WASM_I64: return "i64";
    case WASM_F32: return "f32";
    case WASM_F64: return "f64";
    }
    return "?";
}

const char *witx_type_text(struct arena *a, const struct type *t)
{
    switch (t->kind) {
    case T_INT: return arena_printf(a, "%c%u", t->is_signed ? 's' : 'u', t->bits);
    case T_FLOAT: return t->bits == 32 ? "f32" : "f64";
    case T_CHAR8: return "char8";
    case T_CHAR: return "char";
    case T_USIZE: return "(@witx usize)";
    case T_STRING: return "string";
    case T_LIST: return arena_printf(a, "(list %s)", witx_type_text(a, t->elem));
    case T_POINTER: return arena_printf(a, "(@witx pointer %s)", witx_type_text(a, t->elem));
    case T_CONST_POINTER:
        return arena_printf(a, "(@witx const_pointer %s)", witx_type_text(a, t->elem));
    case T_HANDLE: return t->resource ? arena_printf(a, "(handle $%s)", t->resource) : "(handle)";
    case T_NAME: return arena_printf(a, "$%s", t->ref->name);
    case T_EXPECTED:
        return arena_printf(a, "(expected %s%s(error %s))", t->ok ? witx_type_text(a, t->ok) : "",
                            t->ok ? " " : "", witx_type_text(a, t->err));
    case T_ENUM:
    case T_FLAGS: {
        const char *s = arena_printf(a, "(%s u%u", t->kind == T_ENUM ? "enum" : "flags",
                                     t->repr->bits);
        for (uint32_t i = 0; i < t->nmembers; i++)
            s = arena_printf(a, "%s $%s", s, t->members[i].name);
        return arena_printf(a, "%s)", s);
    }
    case T_RECORD: {
        const char *s = t->is_tuple ? "(tuple" : "(record";
        for (uint32_t i = 0; i < t->nmembers; i++)
            s = t->is_tuple ? arena_printf(a, "%s %s", s, witx_type_text(a, t->members[i].type))
                            : arena_printf(a, "%s (field $%s %s)", s, t->members[i].name,
                                           witx_type_text(a, t->members[i].type));
        return arena_printf(a, "%s)", s);
    }
    case T_VARIANT: {
        /* Unions print as the variants they are, so both spellings compare equal. */
        const char *s = t->tag_enum ? arena_printf(a, "(variant (@witx tag $%s)", t->tag_enum->name)
                                    : arena_printf(a, "(variant (@witx tag u%u)", t->repr->bits);
        for (uint32_t i = 0; i < t->nmembers; i++) {
            const struct member *m = &t->members[i];
            s = m->type ? arena_printf(a, "%s (case $%s %s)", s, m->name,
                                       witx_type_text(a, m->type))
                        : arena_printf(a, "%s (case $%s)", s, m->name);
        }
        return arena_printf(a, "%s)", s);
    }
    }
    return "?";
}

static void dump_doc(FILE *out, bool with_docs, const char *doc)
{
    if (!with_docs || !doc)
        return;
    fputs(";;; ", out);
    for (const char *c = doc; *c; c++) {
        if (*c == '\n')
            fputs("\n;;; ", out);
        else
            fputc(*c, out);
    }
    fputc('\n', out);
}

static void dump_type(struct arena *a, const struct named_type *nt, FILE *out, bool with_docs)
{
    const struct type *t = nt->type;
    const char *name = nt->name;
    switch (t->kind) {
    case T_ENUM:
    case T_FLAGS:
        fprintf(out, "type $%s = %s u%u size=%u align=%u\n", name,
                t->kind == T_ENUM ? "enum" : "flags", t->repr->bits, t->size, t->align);
        dump_doc(out, with_docs, nt->doc);
        for (uint32_t i = 0; i < t->nmembers; i++) {
            if (t->kind == T_ENUM)
                fprintf(out, "type $%s.%s = %" PRIu64 "\n", name, t->members[i].name,
                        t->members[i].value);
            else
                fprintf(out, "type $%s.%s = 0x%" PRIx64 "\n", name, t->members[i].name,
                        t->members[i].value);
            dump_doc(out, with_docs, t->members[i].doc);
        }
        return;
    case T_RECORD:
        fprintf(out, "type $%s = %s size=%u align=%u\n", name, t->is_tuple ? "tuple" : "record",
                t->size, t->align);
        dump_doc(out, with_docs, nt->doc);
        for (uint32_t i = 0; i < t->nmembers; i++) {
            const struct member *m = &t->members[i];
            fprintf(out, "type $%s.%s @%u : %s size=%u align=%u\n", name, m->name, m->offset,
                    witx_type_text(a, m->type), m->type->size, m->type->align);
            dump_doc(out, with_docs, m->doc);
        }
        return;
    case T_VARIANT:
        if (t->tag_enum)
            fprintf(out, "type $%s = variant tag=$%s(u%u) size=%u align=%u payload@%u\n", name,
                    t->tag_enum->name, t->repr->bits, t->size, t->align, t->payload_offset);
        else
            fprintf(out, "type $%s = variant tag=u%u size=%u align=%u payload@%u\n", name,
                    t->repr->bits, t->size, t->align, t->payload_offset);
        dump_doc(out, with_docs, nt->doc);
        for (uint32_t i = 0; i < t->nmembers; i++) {
            const struct member *m = &t->members[i];
            fprintf(out, "type $%s.%s = %" PRIu64 " : %s\n", name, m->name, m->value,
                    m->type ? witx_type_text(a, m->type) : "-");
            dump_doc(out, with_docs, m->doc);
        }
        return;
    default:
        fprintf(out, "type $%s = %s size=%u align=%u\n", name, witx_type_text(a, t), t->size,
                t->align);
        dump_doc(out, with_docs, nt->doc);
        return;
    }
}

static void dump_func(struct arena *a, const struct func *f, FILE *out, bool with_docs)
{
    const char *id = arena_printf(a, "$%s.%s", f->module->name, f->name);
    fprintf(out, "func %s (", id);
    for (uint32_t i = 0; i < f->nwparams; i++)
        fprintf(out, "%s%s", i ? " " : "", wasm_type_name(f->wparams[i]));
    fputs(") -> (", out);
    for (uint32_t i = 0; i < f->nwresults; i++)
        fprintf(out, "%s%s", i ? " " : "", wasm_type_name(f->wresults[i]));
    fprintf(out, ")%s\n", f->noreturn ? " noreturn" : "");
    dump_doc(out, with_docs, f->doc);
    for (uint32_t i = 0; i < f->nparams; i++) {
        fprintf(out, "func %s param $%s : %s\n", id, f->params[i].name,
                witx_type_text(a, f->params[i].type));
        dump_doc(out, with_docs, f->params[i].doc);
    }
    for (uint32_t i = 0; i < f->nresults; i++) {
        fprintf(out, "func %s result $%s : %s\n", id, f->results[i].name,
                witx_type_text(a, f->results[i].type));
        dump_doc(out, with_docs, f->results[i].doc);
    }
}

void witx_dump(const struct witx *w, FILE *out, bool with_docs)
{
    for (uint32_t i = 0; i < w->ntypes; i++)
        dump_type(w->arena, w->types[i], out, with_docs);
    for (uint32_t i = 0; i < w->nresources; i++)
        fprintf(out, "resource $%s\n", w->resources[i]);
    for (uint32_t i = 0; i < w->nmodules; i++) {
        const struct module *m = w->modules[i];
        fprintf(out, "module $%s%s\n", m->name, m->imports_memory ? " imports memory" : "");
        dump_doc(out, with_docs, m->doc);
        for (uint32_t k = 0; k < m->nfuncs; k++)
            dump_func(w->arena, m->funcs[k], out, with_docs);
    }
}
