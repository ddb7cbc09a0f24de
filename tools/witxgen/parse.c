/* Turns witx s-expressions into witxgen's model: loads files and what they
 * `use` (each once), registers typenames, resources and module forms, then
 * builds types and functions. Module forms with the same name merge, which
 * is how files in witx/ext/ add functions to wasi_snapshot_preview1. */
#include "witx.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FILE_BYTES (16u << 20)
#define MAX_USE_DEPTH 32
/* Far above any real witx (preview1: 47 types, 46 functions, 77 errno
 * cases); they keep the simple linear lookups fast on hostile input. */
#define MAX_FILES 256
#define MAX_TYPES 4096
#define MAX_FUNCS 4096
#define MAX_MEMBERS 4096
#define MAX_PARAMS 256

static struct type *new_type(struct witx *w, enum tkind kind, struct pos pos)
{
    struct type *t = arena_alloc(w->arena, sizeof *t);
    t->kind = kind;
    t->pos = pos;
    *ARENA_PUSH(w->arena, w->all, w->nall, w->cap_all) = t;
    return t;
}

struct named_type *witx_find_type(const struct witx *w, const char *name)
{
    for (uint32_t i = 0; i < w->ntypes; i++)
        if (strcmp(w->types[i]->name, name) == 0)
            return w->types[i];
    return NULL;
}

struct func *witx_find_func(const struct witx *w, const char *name)
{
    for (uint32_t m = 0; m < w->nmodules; m++)
        for (uint32_t i = 0; i < w->modules[m]->nfuncs; i++)
            if (strcmp(w->modules[m]->funcs[i]->name, name) == 0)
                return w->modules[m]->funcs[i];
    return NULL;
}

static bool has_resource(const struct witx *w, const char *name)
{
    for (uint32_t i = 0; i < w->nresources; i++)
        if (strcmp(w->resources[i], name) == 0)
            return true;
    return false;
}

const struct type *witx_resolve(const struct type *t)
{
    /* Layout rejects alias cycles, but a variant tag is resolved before
     * layout runs, so a cycle must end here rather than spin: NULL. */
    for (uint32_t steps = 0; t && t->kind == T_NAME; steps++) {
        if (steps > 100000)
            return NULL;
        t = t->ref->type;
    }
    return t;
}

/* ---- loading files ---- */

static bool read_whole_file(struct witx *w, const char *path, struct pos from, char **text,
                            size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return diag_at(w->diag, from, "cannot open %s: %s", path, strerror(errno));
    char *buf = NULL;
    size_t n = 0, cap = 0;
    bool bad = false;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 65536;
            char *p = cap > MAX_FILE_BYTES + 1 ? NULL : realloc(buf, cap);
            if (!p)
                break;   /* too large: reported below */
            buf = p;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            bad = ferror(f);
            break;
        }
    }
    bool too_large = !feof(f) && !bad;
    fclose(f);
    bool ok = false;
    if (bad)
        diag_at(w->diag, from, "cannot read %s", path);
    else if (too_large || n > MAX_FILE_BYTES)
        diag_at(w->diag, from, "%s is larger than %u bytes", path, MAX_FILE_BYTES);
    else if (n && memchr(buf, 0, n))
        diag_at(w->diag, from, "%s contains a NUL byte", path);
    else
        ok = true;
    if (ok) {
        *text = arena_strndup(w->arena, buf ? buf : "", n);
        *len = n;
    }
    free(buf);
    return ok;
}

static bool load_file(struct witx *w, const char *path, struct pos from);

static bool load_forms(struct witx *w, const char *path, struct sx **forms, uint32_t count)
{
    for (uint32_t i = 0; i < count; i++) {
        const struct sx *f = forms[i];
        if (f->kind != SX_LIST || f->count == 0 || f->items[0]->kind != SX_ATOM)
            return diag_at(w->diag, f->pos, "expected a top-level form such as (typename ...)");
        const char *head = f->items[0]->text;
        if (strcmp(head, "use") == 0) {
            if (f->count != 2 || f->items[1]->kind != SX_STRING)
                return diag_at(w->diag, f->pos, "expected (use \"file.witx\")");
            const char *name = f->items[1]->text;
            if (strlen(name) != f->items[1]->len || name[0] == 0)
                return diag_at(w->diag, f->items[1]->pos, "bad file name in use");
            /* Relative to the using file, like an #include. */
            const char *slash = strrchr(path, '/');
            const char *target = name[0] == '/' || !slash
                                     ? name
                                     : arena_printf(w->arena, "%.*s/%s", (int)(slash - path),
                                                    path, name);
            if (!load_file(w, target, f->items[1]->pos))
                return false;
        } else if (strcmp(head, "typename") == 0) {
            if (f->count != 3 || !sx_is_id(f->items[1]))
                return diag_at(w->diag, f->pos, "expected (typename $name type)");
            const char *name = f->items[1]->text + 1;
            struct named_type *old = witx_find_type(w, name);
            if (old)
                return diag_at(w->diag, f->items[1]->pos,
                               "type $%s is already defined at %s:%u:%u", name, old->pos.file,
                               old->pos.line, old->pos.col);
            if (w->ntypes >= MAX_TYPES)
                return diag_at(w->diag, f->pos, "more than %d typenames", MAX_TYPES);
            struct named_type *nt = arena_alloc(w->arena, sizeof *nt);
            nt->name = name;
            nt->doc = f->doc;
            nt->pos = f->items[1]->pos;
            nt->def = f->items[2];
            *ARENA_PUSH(w->arena, w->types, w->ntypes, w->cap_types) = nt;
        } else if (strcmp(head, "resource") == 0) {
            if (f->count != 2 || !sx_is_id(f->items[1]))
                return diag_at(w->diag, f->pos, "expected (resource $name)");
            if (has_resource(w, f->items[1]->text + 1))
                return diag_at(w->diag, f->items[1]->pos, "resource %s is already defined",
                               f->items[1]->text);
            *ARENA_PUSH(w->arena, w->resources, w->nresources, w->cap_resources) =
                f->items[1]->text + 1;
        } else if (strcmp(head, "module") == 0) {
            *ARENA_PUSH(w->arena, w->module_forms, w->nmodule_forms, w->cap_module_forms) = f;
        } else {
            return diag_at(w->diag, f->items[0]->pos, "unknown top-level form '%s'", head);
        }
    }
    return true;
}

static bool load_file(struct witx *w, const char *path, struct pos from)
{
    char canon[PATH_MAX];
    if (!realpath(path, canon))
        return diag_at(w->diag, from, "cannot open %s: %s", path, strerror(errno));
    /* Each file once: shared typenames are used by several files, and a use
     * cycle is then harmless. */
    for (uint32_t i = 0; i < w->nfiles; i++)
        if (strcmp(w->files[i], canon) == 0)
            return true;
    if (w->use_depth >= MAX_USE_DEPTH)
        return diag_at(w->diag, from, "use nested more than %d deep", MAX_USE_DEPTH);
    if (w->nfiles >= MAX_FILES)
        return diag_at(w->diag, from, "more than %d files", MAX_FILES);
    *ARENA_PUSH(w->arena, w->files, w->nfiles, w->cap_files) =
        arena_strndup(w->arena, canon, strlen(canon));
    char *text = NULL;
    size_t len = 0;
    if (!read_whole_file(w, path, from, &text, &len))
        return false;
    const char *file = arena_strndup(w->arena, path, strlen(path));
    struct sx **forms;
    uint32_t count;
    if (!sx_read(w->arena, file, text, len, &forms, &count, w->diag))
        return false;
    w->use_depth++;
    bool ok = load_forms(w, file, forms, count);
    w->use_depth--;
    return ok;
}

bool witx_load(struct witx *w, const char *path)
{
    struct pos cmdline = {path, 0, 0};
    char canon[PATH_MAX];
    if (!realpath(path, canon)) {
        /* "file:0:0:" would look like a position; say plainly what failed. */
        if (!w->diag->failed) {
            w->diag->failed = true;
            snprintf(w->diag->msg, sizeof w->diag->msg, "%s: cannot open: %s", path,
                     strerror(errno));
        }
        return false;
    }
    return load_file(w, path, cmdline);
}

/* ---- types ---- */

static bool build_named(struct witx *w, struct named_type *nt);
static struct type *build_type(struct witx *w, const struct sx *s);

static struct type *int_type(struct witx *w, const struct sx *s)
{
    static const struct { const char *name; uint32_t bits; bool is_signed; } ints[] = {
        {"u8", 8, false},  {"u16", 16, false}, {"u32", 32, false}, {"u64", 64, false},
        {"s8", 8, true},   {"s16", 16, true},  {"s32", 32, true},  {"s64", 64, true},
    };
    if (!s || s->kind != SX_ATOM)
        return NULL;
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        if (strcmp(s->text, ints[i].name) == 0) {
            struct type *t = new_type(w, T_INT, s->pos);
            t->bits = ints[i].bits;
            t->is_signed = ints[i].is_signed;
            return t;
        }
    }
    return NULL;
}

/* (@witx tag u8) / (@witx repr u16): an unsigned integer representation. */
static struct type *repr_type(struct witx *w, const struct sx *annot)
{
    if (annot->count != 3) {
        diag_at(w->diag, annot->pos, "expected (@witx %s uN)", annot->items[1]->text);
        return NULL;
    }
    struct type *t = int_type(w, annot->items[2]);
    if (!t || t->is_signed) {
        diag_at(w->diag, annot->items[2]->pos, "representation must be u8, u16, u32 or u64");
        return NULL;
    }
    return t;
}

/* The smallest unsigned type holding values 0..n-1 (enums, variant tags). */
static struct type *fitting_repr(struct witx *w, struct pos pos, uint64_t n)
{
    struct type *t = new_type(w, T_INT, pos);
    t->bits = n <= 0x100 ? 8 : n <= 0x10000 ? 16 : n <= 0x100000000ull ? 32 : 64;
    return t;
}

static bool check_new_member(struct witx *w, const struct member *ms, uint32_t n,
                             const struct sx *id, const char *what)
{
    if (n >= MAX_MEMBERS)
        return diag_at(w->diag, id->pos, "more than %d members", MAX_MEMBERS);
    if (!sx_is_id(id))
        return diag_at(w->diag, id->pos, "expected a $name for the %s", what);
    for (uint32_t i = 0; i < n; i++)
        if (strcmp(ms[i].name, id->text + 1) == 0)
            return diag_at(w->diag, id->pos, "duplicate %s %s", what, id->text);
    return true;
}

static struct type *build_enum_or_flags(struct witx *w, const struct sx *s, bool flags)
{
    struct type *t = new_type(w, flags ? T_FLAGS : T_ENUM, s->pos);
    uint32_t i = 1, cap = 0;
    const char *annot = flags ? "repr" : "tag";
    if (i < s->count && sx_annot_is(s->items[i], "witx", annot)) {
        if (!(t->repr = repr_type(w, s->items[i])))
            return NULL;
        i++;
    }
    for (; i < s->count; i++) {
        const struct sx *id = s->items[i];
        if (!check_new_member(w, t->members, t->nmembers, id, flags ? "flag" : "enum case"))
            return NULL;
        struct member *m = ARENA_PUSH(w->arena, t->members, t->nmembers, cap);
        m->name = id->text + 1;
        m->doc = id->doc;
        m->pos = id->pos;
        m->value = flags ? (uint64_t)1 << ((t->nmembers - 1) & 63) : t->nmembers - 1;
        if (flags && t->nmembers > 64)
            return diag_at(w->diag, id->pos, "more than 64 flags"), NULL;
    }
    if (t->nmembers == 0)
        return diag_at(w->diag, s->pos, "%s without any %s", flags ? "flags" : "enum",
                       flags ? "flag" : "case"), NULL;
    if (!t->repr) {
        if (flags) {
            t->repr = new_type(w, T_INT, s->pos);
            t->repr->bits = t->nmembers <= 8 ? 8 : t->nmembers <= 16 ? 16 :
                            t->nmembers <= 32 ? 32 : 64;
        } else {
            t->repr = fitting_repr(w, s->pos, t->nmembers);
        }
    }
    if (flags && t->nmembers > t->repr->bits)
        return diag_at(w->diag, s->pos, "%u flags do not fit in u%u", t->nmembers,
                       t->repr->bits), NULL;
    if (!flags && t->repr->bits < 64 && t->nmembers > ((uint64_t)1 << t->repr->bits))
        return diag_at(w->diag, s->pos, "%u cases do not fit in u%u", t->nmembers,
                       t->repr->bits), NULL;
    return t;
}

static struct type *build_record(struct witx *w, const struct sx *s)
{
    struct type *t = new_type(w, T_RECORD, s->pos);
    uint32_t cap = 0;
    for (uint32_t i = 1; i < s->count; i++) {
        const struct sx *f = s->items[i];
        if (!sx_head_is(f, "field") || f->count != 3)
            return diag_at(w->diag, f->pos, "expected (field $name type)"), NULL;
        if (!check_new_member(w, t->members, t->nmembers, f->items[1], "field"))
            return NULL;
        struct type *ft = build_type(w, f->items[2]);
        if (!ft)
            return NULL;
        struct member *m = ARENA_PUSH(w->arena, t->members, t->nmembers, cap);
        m->name = f->items[1]->text + 1;
        m->doc = f->doc;
        m->pos = f->pos;
        m->type = ft;
    }
    if (t->nmembers == 0)
        return diag_at(w->diag, s->pos, "record without fields"), NULL;
    return t;
}

static struct type *build_tuple(struct witx *w, const struct sx *s)
{
    struct type *t = new_type(w, T_RECORD, s->pos);
    t->is_tuple = true;
    uint32_t cap = 0;
    for (uint32_t i = 1; i < s->count; i++) {
        if (t->nmembers >= MAX_MEMBERS)
            return diag_at(w->diag, s->items[i]->pos, "more than %d members", MAX_MEMBERS), NULL;
        struct type *ft = build_type(w, s->items[i]);
        if (!ft)
            return NULL;
        struct member *m = ARENA_PUSH(w->arena, t->members, t->nmembers, cap);
        m->name = arena_printf(w->arena, "%u", i - 1);
        m->doc = s->items[i]->doc;
        m->pos = s->items[i]->pos;
        m->type = ft;
    }
    if (t->nmembers == 0)
        return diag_at(w->diag, s->pos, "empty tuple"), NULL;
    return t;
}

/* A variant's (@witx tag ...) names an unsigned int or an enum whose cases
 * name the variant's cases. */
static bool variant_tag(struct witx *w, struct type *t, const struct sx *annot)
{
    if (annot->count != 3)
        return diag_at(w->diag, annot->pos, "expected (@witx tag type)");
    const struct sx *tag = annot->items[2];
    if (sx_is_id(tag)) {
        struct named_type *nt = witx_find_type(w, tag->text + 1);
        if (!nt)
            return diag_at(w->diag, tag->pos, "unknown type %s", tag->text);
        if (!build_named(w, nt))
            return false;
        const struct type *r = witx_resolve(nt->type);
        if (!r || r->kind != T_ENUM)
            return diag_at(w->diag, tag->pos, "tag type %s is not an enum", tag->text);
        t->tag_enum = nt;
        t->repr = r->repr;
        return true;
    }
    if (!(t->repr = repr_type(w, annot)))
        return false;
    return true;
}

static struct type *build_variant(struct witx *w, const struct sx *s, bool is_union)
{
    struct type *t = new_type(w, T_VARIANT, s->pos);
    t->is_union = is_union;
    uint32_t i = 1, cap = 0;
    if (i < s->count && sx_annot_is(s->items[i], "witx", "tag")) {
        if (!variant_tag(w, t, s->items[i]))
            return NULL;
        i++;
    }
    const struct type *tag_enum = t->tag_enum ? witx_resolve(t->tag_enum->type) : NULL;
    for (; i < s->count; i++) {
        const struct sx *c = s->items[i];
        struct member m = {.doc = c->doc, .pos = c->pos, .value = t->nmembers};
        if (t->nmembers >= MAX_MEMBERS)
            return diag_at(w->diag, c->pos, "more than %d members", MAX_MEMBERS), NULL;
        if (is_union) {
            /* A union's cases are bare types, named by the tag enum's cases. */
            if (!(m.type = build_type(w, c)))
                return NULL;
            if (tag_enum && t->nmembers < tag_enum->nmembers)
                m.name = tag_enum->members[t->nmembers].name;
            else
                m.name = arena_printf(w->arena, "%u", t->nmembers);
        } else {
            if (!sx_head_is(c, "case") || c->count < 2 || c->count > 3)
                return diag_at(w->diag, c->pos, "expected (case $name type?)"), NULL;
            if (!check_new_member(w, t->members, t->nmembers, c->items[1], "case"))
                return NULL;
            m.name = c->items[1]->text + 1;
            if (c->count == 3 && !(m.type = build_type(w, c->items[2])))
                return NULL;
            if (tag_enum && (t->nmembers >= tag_enum->nmembers ||
                             strcmp(tag_enum->members[t->nmembers].name, m.name) != 0))
                return diag_at(w->diag, c->items[1]->pos,
                               "case %s does not match case %u of tag enum $%s",
                               c->items[1]->text, t->nmembers, t->tag_enum->name), NULL;
        }
        *ARENA_PUSH(w->arena, t->members, t->nmembers, cap) = m;
    }
    if (t->nmembers == 0)
        return diag_at(w->diag, s->pos, "%s without cases", is_union ? "union" : "variant"), NULL;
    if (tag_enum && tag_enum->nmembers != t->nmembers)
        return diag_at(w->diag, s->pos, "%s has %u cases but tag enum $%s has %u",
                       is_union ? "union" : "variant", t->nmembers, t->tag_enum->name,
                       tag_enum->nmembers), NULL;
    if (!t->repr)
        t->repr = fitting_repr(w, s->pos, t->nmembers);
    else if (t->repr->bits < 64 && t->nmembers > ((uint64_t)1 << t->repr->bits))
        return diag_at(w->diag, s->pos, "%u cases do not fit in u%u", t->nmembers,
                       t->repr->bits), NULL;
    return t;
}

static struct type *build_expected(struct witx *w, const struct sx *s)
{
    struct type *t = new_type(w, T_EXPECTED, s->pos);
    uint32_t i = 1;
    if (i < s->count && !sx_head_is(s->items[i], "error")) {
        if (!(t->ok = build_type(w, s->items[i])))
            return NULL;
        i++;
    }
    if (i >= s->count || !sx_head_is(s->items[i], "error") || s->items[i]->count != 2)
        return diag_at(w->diag, i < s->count ? s->items[i]->pos : s->pos,
                       "expected (error type) in expected"), NULL;
    if (!(t->err = build_type(w, s->items[i]->items[1])))
        return NULL;
    if (i + 1 != s->count)
        return diag_at(w->diag, s->items[i + 1]->pos, "unexpected item after (error ...)"), NULL;
    return t;
}

static struct type *build_witx_annot(struct witx *w, const struct sx *s)
{
    const char *what = s->items[1]->text;
    if (strcmp(what, "pointer") == 0 || strcmp(what, "const_pointer") == 0) {
        if (s->count != 3)
            return diag_at(w->diag, s->pos, "expected (@witx %s type)", what), NULL;
        struct type *t = new_type(w, what[0] == 'p' ? T_POINTER : T_CONST_POINTER, s->pos);
        if (!(t->elem = build_type(w, s->items[2])))
            return NULL;
        return t;
    }
    if ((strcmp(what, "usize") == 0 || strcmp(what, "char8") == 0) && s->count == 2)
        return new_type(w, what[0] == 'u' ? T_USIZE : T_CHAR8, s->pos);
    return diag_at(w->diag, s->items[1]->pos, "unknown type annotation (@witx %s ...)", what),
           NULL;
}

static struct type *build_type(struct witx *w, const struct sx *s)
{
    if (s->kind == SX_STRING)
        return diag_at(w->diag, s->pos, "expected a type, found a string"), NULL;
    if (s->kind == SX_ATOM) {
        struct type *t = int_type(w, s);
        if (t)
            return t;
        if (strcmp(s->text, "f32") == 0 || strcmp(s->text, "f64") == 0) {
            t = new_type(w, T_FLOAT, s->pos);
            t->bits = s->text[1] == '3' ? 32 : 64;
            return t;
        }
        if (strcmp(s->text, "char8") == 0)
            return new_type(w, T_CHAR8, s->pos);
        if (strcmp(s->text, "char") == 0)
            return new_type(w, T_CHAR, s->pos);
        if (strcmp(s->text, "usize") == 0)
            return new_type(w, T_USIZE, s->pos);
        if (strcmp(s->text, "string") == 0)
            return new_type(w, T_STRING, s->pos);
        if (sx_is_id(s)) {
            struct named_type *nt = witx_find_type(w, s->text + 1);
            if (!nt)
                return diag_at(w->diag, s->pos, "unknown type %s", s->text), NULL;
            t = new_type(w, T_NAME, s->pos);
            t->ref = nt;
            return t;
        }
        return diag_at(w->diag, s->pos, "unknown type '%s'", s->text), NULL;
    }
    if (s->count == 0 || s->items[0]->kind != SX_ATOM)
        return diag_at(w->diag, s->pos, "expected a type"), NULL;
    const char *head = s->items[0]->text;
    if (strcmp(head, "enum") == 0)
        return build_enum_or_flags(w, s, false);
    if (strcmp(head, "flags") == 0)
        return build_enum_or_flags(w, s, true);
    if (strcmp(head, "record") == 0)
        return build_record(w, s);
    if (strcmp(head, "tuple") == 0)
        return build_tuple(w, s);
    if (strcmp(head, "variant") == 0)
        return build_variant(w, s, false);
    if (strcmp(head, "union") == 0)
        return build_variant(w, s, true);
    if (strcmp(head, "expected") == 0)
        return build_expected(w, s);
    if (strcmp(head, "list") == 0) {
        if (s->count != 2)
            return diag_at(w->diag, s->pos, "expected (list type)"), NULL;
        struct type *t = new_type(w, T_LIST, s->pos);
        if (!(t->elem = build_type(w, s->items[1])))
            return NULL;
        return t;
    }
    if (strcmp(head, "handle") == 0) {
        struct type *t = new_type(w, T_HANDLE, s->pos);
        if (s->count == 2 && sx_is_id(s->items[1])) {
            if (!has_resource(w, s->items[1]->text + 1))
                return diag_at(w->diag, s->items[1]->pos, "unknown resource %s",
                               s->items[1]->text), NULL;
            t->resource = s->items[1]->text + 1;
        } else if (s->count != 1) {
            return diag_at(w->diag, s->pos, "expected (handle) or (handle $resource)"), NULL;
        }
        return t;
    }
    if (strcmp(head, "@witx") == 0 && s->count >= 2 && s->items[1]->kind == SX_ATOM)
        return build_witx_annot(w, s);
    return diag_at(w->diag, s->items[0]->pos, "unknown type constructor '%s'", head), NULL;
}

static bool build_named(struct witx *w, struct named_type *nt)
{
    if (nt->type)
        return true;
    if (!nt->def)   /* being built: only a variant tag can ask for that */
        return diag_at(w->diag, nt->pos, "type $%s is its own variant tag", nt->name);
    const struct sx *def = nt->def;
    nt->def = NULL;
    nt->type = build_type(w, def);
    return nt->type != NULL;
}

/* ---- layout ---- */

static uint32_t align_up(uint32_t v, uint32_t a)
{
    return (v + a - 1) & ~(a - 1);
}

/* Every later pass walks alias chains and by-value members recursively or
 * in loops; bounding their depth here keeps all of those bounded. */
#define MAX_TYPE_DEPTH 100

static bool note_depth(struct witx *w, struct type *t, const struct type *child)
{
    if (child && child->depth + 1 > t->depth)
        t->depth = child->depth + 1;
    if (t->depth > MAX_TYPE_DEPTH)
        return diag_at(w->diag, t->pos, "types nested more than %d deep", MAX_TYPE_DEPTH);
    return true;
}

static bool layout(struct witx *w, struct type *t)
{
    if (t->layout_state == 2)
        return true;
    if (t->layout_state == 1)
        return diag_at(w->diag, t->pos, "type contains itself (directly or through aliases)");
    t->layout_state = 1;
    switch (t->kind) {
    case T_INT:
    case T_FLOAT:
        t->size = t->align = t->bits / 8;
        break;
    case T_CHAR8:
        t->size = t->align = 1;
        break;
    case T_CHAR:
    case T_USIZE:
    case T_HANDLE:
    case T_POINTER:
    case T_CONST_POINTER:
        t->size = t->align = 4;
        break;
    case T_STRING:
    case T_LIST:
        /* (pointer, length); the elements live elsewhere, so a list of its
         * own container is fine and the element is not visited here. */
        t->size = 8;
        t->align = 4;
        break;
    case T_ENUM:
    case T_FLAGS:
        t->size = t->align = t->repr->bits / 8;
        break;
    case T_NAME:
        if (!layout(w, t->ref->type) || !note_depth(w, t, t->ref->type))
            return false;
        t->size = t->ref->type->size;
        t->align = t->ref->type->align;
        break;
    case T_RECORD: {
        uint32_t off = 0, align = 1;
        for (uint32_t i = 0; i < t->nmembers; i++) {
            struct type *ft = t->members[i].type;
            if (!layout(w, ft) || !note_depth(w, t, ft))
                return false;
            if (witx_resolve(ft)->kind == T_EXPECTED)
                return diag_at(w->diag, t->members[i].pos,
                               "expected is only allowed as a function result");
            off = align_up(off, ft->align);
            t->members[i].offset = off;
            if (ft->size > UINT32_MAX / 2 - off)
                return diag_at(w->diag, t->members[i].pos, "record too large");
            off += ft->size;
            if (ft->align > align)
                align = ft->align;
        }
        t->align = align;
        t->size = align_up(off, align);
        break;
    }
    case T_VARIANT:
    case T_EXPECTED: {
        struct type *payloads[2] = {t->ok, t->err};
        uint32_t n = t->kind == T_VARIANT ? t->nmembers : 2;
        uint32_t tag = t->kind == T_VARIANT ? t->repr->bits / 8 : 1;
        uint32_t psize = 0, palign = 1;
        for (uint32_t i = 0; i < n; i++) {
            struct type *pt = t->kind == T_VARIANT ? t->members[i].type : payloads[i];
            if (!pt)
                continue;
            if (!layout(w, pt) || !note_depth(w, t, pt))
                return false;
            if (pt->size > UINT32_MAX / 4)
                return diag_at(w->diag, pt->pos, "variant too large");
            if (pt->size > psize)
                psize = pt->size;
            if (pt->align > palign)
                palign = pt->align;
        }
        t->payload_offset = align_up(tag, palign);
        t->align = palign > tag ? palign : tag;
        t->size = align_up(t->payload_offset + psize, t->align);
        break;
    }
    }
    t->layout_state = 2;
    return true;
}

/* ---- modules and functions ---- */

static struct module *module_named(struct witx *w, const char *name, struct pos pos,
                                   const char *doc)
{
    for (uint32_t i = 0; i < w->nmodules; i++)
        if (strcmp(w->modules[i]->name, name) == 0)
            return w->modules[i];
    struct module *m = arena_alloc(w->arena, sizeof *m);
    m->name = name;
    m->pos = pos;
    m->doc = doc;
    *ARENA_PUSH(w->arena, w->modules, w->nmodules, w->cap_modules) = m;
    return m;
}

static bool check_new_param(struct witx *w, const struct func *f, const struct sx *id)
{
    if (f->nparams + f->nresults >= MAX_PARAMS)
        return diag_at(w->diag, id->pos, "more than %d parameters", MAX_PARAMS);
    if (!sx_is_id(id))
        return diag_at(w->diag, id->pos, "expected a $name");
    for (uint32_t i = 0; i < f->nparams; i++)
        if (strcmp(f->params[i].name, id->text + 1) == 0)
            return diag_at(w->diag, id->pos, "duplicate parameter %s", id->text);
    for (uint32_t i = 0; i < f->nresults; i++)
        if (strcmp(f->results[i].name, id->text + 1) == 0)
            return diag_at(w->diag, id->pos, "duplicate result %s", id->text);
    return true;
}

static bool build_func(struct witx *w, struct module *m, const struct sx *s)
{
    /* (@interface func (export "name") item*) */
    if (s->count < 3 || !sx_head_is(s->items[2], "export") || s->items[2]->count != 2 ||
        s->items[2]->items[1]->kind != SX_STRING)
        return diag_at(w->diag, s->pos, "expected (@interface func (export \"name\") ...)");
    const struct sx *ename = s->items[2]->items[1];
    if (ename->len == 0 || strlen(ename->text) != ename->len)
        return diag_at(w->diag, ename->pos, "bad function name");
    for (const char *c = ename->text; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
              (*c >= '0' && *c <= '9') || *c == '_'))
            return diag_at(w->diag, ename->pos,
                           "function name \"%s\" is not a C identifier", ename->text);
    uint32_t nfuncs = 0;
    for (uint32_t i = 0; i < w->nmodules; i++)
        nfuncs += w->modules[i]->nfuncs;
    if (nfuncs >= MAX_FUNCS)
        return diag_at(w->diag, s->pos, "more than %d functions", MAX_FUNCS);
    struct func *old = witx_find_func(w, ename->text);
    if (old)
        return diag_at(w->diag, ename->pos, "function %s is already defined at %s:%u:%u",
                       ename->text, old->pos.file, old->pos.line, old->pos.col);
    struct func *f = arena_alloc(w->arena, sizeof *f);
    f->name = ename->text;
    f->doc = s->doc;
    f->module = m;
    f->pos = ename->pos;
    bool seen_names = false;
    for (uint32_t i = 3; i < s->count; i++) {
        const struct sx *it = s->items[i];
        bool is_param = sx_head_is(it, "param");
        if (is_param || sx_head_is(it, "result")) {
            if (it->count != 3)
                return diag_at(w->diag, it->pos, "expected (%s $name type)",
                               is_param ? "param" : "result");
            if (!check_new_param(w, f, it->items[1]))
                return false;
            if (is_param && f->nresults)
                return diag_at(w->diag, it->pos, "param after result");
            struct type *t = build_type(w, it->items[2]);
            if (!t)
                return false;
            struct param *p = is_param ? ARENA_PUSH(w->arena, f->params, f->nparams, f->cap_params)
                                       : ARENA_PUSH(w->arena, f->results, f->nresults,
                                                    f->cap_results);
            p->name = it->items[1]->text + 1;
            p->doc = it->doc;
            p->type = t;
            p->pos = it->pos;
        } else if (sx_annot_is(it, "witx", "noreturn") && it->count == 2) {
            f->noreturn = true;
        } else if (sx_annot_is(it, "wisp", "result_names")) {
            if (seen_names)
                return diag_at(w->diag, it->pos, "result_names given twice");
            seen_names = true;
            uint32_t cap = 0;
            if (it->count > MAX_PARAMS)
                return diag_at(w->diag, it->pos, "more than %d result names", MAX_PARAMS);
            for (uint32_t k = 2; k < it->count; k++) {
                if (!sx_is_id(it->items[k]))
                    return diag_at(w->diag, it->items[k]->pos, "expected a $name");
                *ARENA_PUSH(w->arena, f->ok_names, f->nok_names, cap) = it->items[k]->text + 1;
            }
        } else if (it->kind == SX_LIST && it->count > 0 && it->items[0]->kind == SX_ATOM &&
                   it->items[0]->text[0] == '@' && strcmp(it->items[0]->text, "@witx") != 0 &&
                   strcmp(it->items[0]->text, "@wisp") != 0) {
            /* Annotations of other tools are theirs to interpret. */
        } else {
            return diag_at(w->diag, it->pos, "unexpected item in function %s", f->name);
        }
    }
    *ARENA_PUSH(w->arena, m->funcs, m->nfuncs, m->cap_funcs) = f;
    return true;
}

static bool build_module(struct witx *w, const struct sx *s)
{
    if (s->count < 2 || !sx_is_id(s->items[1]))
        return diag_at(w->diag, s->pos, "expected (module $name ...)");
    struct module *m = module_named(w, s->items[1]->text + 1, s->items[1]->pos, s->doc);
    for (uint32_t i = 2; i < s->count; i++) {
        const struct sx *it = s->items[i];
        if (sx_head_is(it, "import")) {
            if (it->count != 3 || it->items[1]->kind != SX_STRING ||
                strcmp(it->items[1]->text, "memory") != 0 || !sx_head_is(it->items[2], "memory") ||
                it->items[2]->count != 1)
                return diag_at(w->diag, it->pos, "only (import \"memory\" (memory)) is supported");
            m->imports_memory = true;
        } else if (sx_annot_is(it, "interface", "func")) {
            if (!build_func(w, m, it))
                return false;
        } else {
            return diag_at(w->diag, it->pos, "unexpected item in module $%s", m->name);
        }
    }
    return true;
}

/* ---- lowering to wasm signatures (the preview1 ABI) ---- */

bool witx_scalar_bits(const struct type *t, uint32_t *bits, bool *is_signed)
{
    t = witx_resolve(t);
    *is_signed = false;
    switch (t->kind) {
    case T_INT:
        *bits = t->bits;
        *is_signed = t->is_signed;
        return true;
    case T_CHAR8:
        *bits = 8;
        return true;
    case T_CHAR:
    case T_USIZE:
    case T_HANDLE:
    case T_POINTER:
    case T_CONST_POINTER:
        *bits = 32;
        return true;
    case T_ENUM:
    case T_FLAGS:
        *bits = t->repr->bits;
        return true;
    default:
        return false;
    }
}

static void add_wparam(struct witx *w, struct func *f, enum wasm_type wt, const char *name,
                       uint32_t *cap, uint32_t *cap_names)
{
    uint32_t n = f->nwparams;
    *ARENA_PUSH(w->arena, f->wparams, f->nwparams, *cap) = wt;
    *ARENA_PUSH(w->arena, f->wparam_names, n, *cap_names) = name;
}

static bool lower_scalar(const struct type *t, enum wasm_type *out)
{
    const struct type *r = witx_resolve(t);
    uint32_t bits;
    bool sgn;
    if (r->kind == T_FLOAT) {
        *out = r->bits == 32 ? WASM_F32 : WASM_F64;
        return true;
    }
    if (!witx_scalar_bits(r, &bits, &sgn))
        return false;
    *out = bits == 64 ? WASM_I64 : WASM_I32;
    return true;
}

static const char *kind_word(const struct type *t)
{
    switch (witx_resolve(t)->kind) {
    case T_RECORD: return witx_resolve(t)->is_tuple ? "tuple" : "record";
    case T_VARIANT: return "variant";
    case T_EXPECTED: return "expected";
    case T_LIST: return "list";
    case T_STRING: return "string";
    default: return "value";
    }
}

static bool lower_func(struct witx *w, struct func *f)
{
    uint32_t cap = 0, cap_names = 0, cap_res = 0;
    for (uint32_t i = 0; i < f->nparams; i++) {
        const struct param *p = &f->params[i];
        const struct type *r = witx_resolve(p->type);
        enum wasm_type wt;
        if (r->kind == T_STRING || r->kind == T_LIST) {
            add_wparam(w, f, WASM_I32, p->name, &cap, &cap_names);
            add_wparam(w, f, WASM_I32, arena_printf(w->arena, "%s_len", p->name), &cap,
                       &cap_names);
        } else if (lower_scalar(r, &wt)) {
            add_wparam(w, f, wt, p->name, &cap, &cap_names);
        } else {
            return diag_at(w->diag, p->pos, "parameter $%s: a %s cannot be passed by value",
                           p->name, kind_word(p->type));
        }
    }
    if (f->noreturn && f->nresults)
        return diag_at(w->diag, f->pos, "noreturn function %s has results", f->name);
    if (f->nresults > 1)
        return diag_at(w->diag, f->results[1].pos, "more than one result");
    if (f->nok_names && (f->nresults == 0 || witx_resolve(f->results[0].type)->kind != T_EXPECTED))
        return diag_at(w->diag, f->pos, "result_names needs an expected result");
    if (f->nresults == 0)
        return true;
    const struct param *res = &f->results[0];
    const struct type *r = witx_resolve(res->type);
    enum wasm_type wt;
    if (r->kind != T_EXPECTED) {
        if (!lower_scalar(r, &wt))
            return diag_at(w->diag, res->pos, "result $%s: a %s cannot be returned", res->name,
                           kind_word(res->type));
        f->plain_result = res->type;
        *ARENA_PUSH(w->arena, f->wresults, f->nwresults, cap_res) = wt;
        return true;
    }
    const struct type *err = witx_resolve(r->err);
    if ((err->kind != T_ENUM && err->kind != T_INT) || !lower_scalar(err, &wt))
        return diag_at(w->diag, r->err->pos, "the error type must be an enum or integer");
    f->err_type = r->err;
    *ARENA_PUSH(w->arena, f->wresults, f->nwresults, cap_res) = wt;
    uint32_t cap_outs = 0;
    if (r->ok) {
        const struct type *ok = witx_resolve(r->ok);
        uint32_t n = ok->kind == T_RECORD && ok->is_tuple ? ok->nmembers : 1;
        for (uint32_t i = 0; i < n; i++) {
            struct type *t = n == 1 && !(ok->kind == T_RECORD && ok->is_tuple)
                                 ? r->ok : ok->members[i].type;
            const struct type *tr = witx_resolve(t);
            if (tr->kind == T_LIST || tr->kind == T_STRING || tr->kind == T_EXPECTED)
                return diag_at(w->diag, t->pos, "a %s cannot be returned through a pointer",
                               kind_word(t));
            *ARENA_PUSH(w->arena, f->outs, f->nouts, cap_outs) = t;
        }
    }
    if (f->nok_names && f->nok_names != f->nouts)
        return diag_at(w->diag, f->pos, "result_names gives %u names for %u ok values",
                       f->nok_names, f->nouts);
    f->out_names = arena_alloc(w->arena, sizeof(char *) * (f->nouts ? f->nouts : 1));
    for (uint32_t i = 0; i < f->nouts; i++) {
        const char *name = f->nok_names ? f->ok_names[i]
                           : f->nouts == 1 ? "out" : arena_printf(w->arena, "out%u", i);
        for (uint32_t k = 0; k < f->nparams; k++) {
            if (strcmp(f->params[k].name, name) != 0)
                continue;
            if (f->nok_names)
                return diag_at(w->diag, f->pos, "result name $%s is also a parameter", name);
            /* A made-up name must not shadow a real one: extend it and recheck. */
            name = arena_printf(w->arena, "%s_", name);
            k = (uint32_t)-1;
        }
        f->out_names[i] = name;
        add_wparam(w, f, WASM_I32, name, &cap, &cap_names);
    }
    return true;
}

bool witx_finish(struct witx *w)
{
    for (uint32_t i = 0; i < w->ntypes; i++)
        if (!build_named(w, w->types[i]))
            return false;
    for (uint32_t i = 0; i < w->nmodule_forms; i++)
        if (!build_module(w, w->module_forms[i]))
            return false;
    /* Named types first so that a self-containing type is reported at its
     * own definition. The list grows while we walk it (not here: all types
     * are built above), so index rather than iterate. */
    for (uint32_t i = 0; i < w->ntypes; i++)
        if (!layout(w, w->types[i]->type))
            return false;
    for (uint32_t i = 0; i < w->nall; i++)
        if (!layout(w, w->all[i]))
            return false;
    for (uint32_t i = 0; i < w->nmodules; i++)
        for (uint32_t k = 0; k < w->modules[i]->nfuncs; k++)
            if (!lower_func(w, w->modules[i]->funcs[k]))
                return false;
    return true;
}
