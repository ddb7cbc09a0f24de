/* The WebAssembly text format, module level: module fields, index spaces and
 * their symbolic names, type uses, and the assembly of binary sections. Two
 * passes over the fields: the first assigns every index (so references may
 * point forward), the second emits bytes. Instructions live in wat_instr.c. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "text/wat.h"

/* ---- name tables ---- */

/* Hashes the name an id stands for, so that $a and $"a" meet. */
static uint32_t hash_id(const char *s, uint32_t n)
{
    struct buf scratch = {0};
    uint32_t len;
    const char *name = id_name(s, n, &scratch, &len);
    uint32_t h = 2166136261u;
    for (uint32_t i = 0; i < len; i++)
        h = (h ^ (uint8_t)name[i]) * 16777619u;
    buf_free(&scratch);
    return h;
}

static void names_grow(struct name_table *nt)
{
    uint32_t ncap = nt->cap ? nt->cap * 2 : 16;
    struct name_slot *slots = xcalloc(ncap, sizeof *slots);
    for (uint32_t i = 0; i < nt->cap; i++) {
        if (!nt->slots[i].s)
            continue;
        uint32_t j = nt->slots[i].hash & (ncap - 1);
        while (slots[j].s)
            j = (j + 1) & (ncap - 1);
        slots[j] = nt->slots[i];
    }
    free(nt->slots);
    nt->slots = slots;
    nt->cap = ncap;
}

/* The slot holding the id s, or the empty slot where it would go. */
static struct name_slot *names_slot(const struct name_table *nt, const char *s, uint32_t len, uint32_t hash)
{
    uint32_t j = hash & (nt->cap - 1);
    while (nt->slots[j].s &&
           !(nt->slots[j].hash == hash && ids_equal(nt->slots[j].s, nt->slots[j].len, s, len)))
        j = (j + 1) & (nt->cap - 1);
    return &nt->slots[j];
}

bool names_add(struct name_table *nt, const char *s, uint32_t len, uint32_t index)
{
    if ((nt->count + 1) * 2 > nt->cap)
        names_grow(nt);
    uint32_t hash = hash_id(s, len);
    struct name_slot *slot = names_slot(nt, s, len, hash);
    if (slot->s)
        return false;
    *slot = (struct name_slot){s, len, hash, index};
    nt->count++;
    return true;
}

bool names_find(const struct name_table *nt, const char *s, uint32_t len, uint32_t *index)
{
    if (!nt->cap)
        return false;
    const struct name_slot *slot = names_slot(nt, s, len, hash_id(s, len));
    if (!slot->s)
        return false;
    *index = slot->index;
    return true;
}

void names_free(struct name_table *nt)
{
    free(nt->slots);
    memset(nt, 0, sizeof *nt);
}

/* ---- errors and tokens ---- */

bool wat_fail(struct wat *w, const struct token *t, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return lexer_error(w->lx, t, w->err, "%s", msg);
}

/* Keywords of the text format (and of scripts) that are not instruction
 * names: finding one in the wrong place is a syntax error, not an unknown
 * operator. */
static const char *const known_keywords[] = {
    "module", "type", "func", "param", "result", "local", "import", "export", "table",
    "memory", "global", "start", "elem", "data", "offset", "item", "declare", "mut",
    "funcref", "externref", "i32", "i64", "f32", "f64", "v128", "then", "extern",
    "binary", "quote", "nan:canonical", "nan:arithmetic", "i8x16", "i16x8", "i32x4",
    "i64x2", "f32x4", "f64x2", "register", "invoke", "get", "assert_return", "assert_trap",
    "assert_exhaustion", "assert_malformed", "assert_invalid", "assert_unlinkable",
    "ref.extern", "exnref", "exn", "tag", "do", "catch_ref", "catch_all_ref",
};

static bool memarg_keyword_ok(const struct token *t)
{
    uint32_t skip = 0;
    if (t->len > 7 && memcmp(t->text, "offset=", 7) == 0)
        skip = 7;
    else if (t->len > 6 && memcmp(t->text, "align=", 6) == 0)
        skip = 6;
    return skip && lex_classify(t->text + skip, t->len - skip) == TOK_NAT;
}

bool wat_unexpected(struct wat *w, const struct token *t)
{
    if (t->kind == TOK_EOF)
        return wat_fail(w, t, "unexpected end");
    if (t->kind == TOK_RESERVED)
        return wat_fail(w, t, "unknown operator %.*s", (int)(t->len > 40 ? 40 : t->len), t->text);
    if (t->kind == TOK_KEYWORD) {
        bool known = memarg_keyword_ok(t) || wat_op_lookup(w, t->text, t->len) >= 0;
        for (size_t i = 0; !known && i < ARRAY_LEN(known_keywords); i++)
            known = tok_keyword_is(t, known_keywords[i]);
        if (!known)
            return wat_fail(w, t, "unknown operator %.*s", (int)(t->len > 40 ? 40 : t->len), t->text);
    }
    return wat_fail(w, t, "unexpected token");
}

bool wat_next(struct wat *w, struct token *t) { return lexer_next(w->lx, t, w->err); }
bool wat_peek(struct wat *w, int n, struct token *t) { return lexer_peek(w->lx, n, t, w->err); }

bool wat_expect(struct wat *w, uint8_t kind, struct token *t)
{
    if (!wat_next(w, t))
        return false;
    if (t->kind != kind)
        return wat_unexpected(w, t);
    return true;
}

bool wat_expect_rparen(struct wat *w)
{
    struct token t;
    return wat_expect(w, TOK_RPAREN, &t);
}

static bool expect_keyword(struct wat *w, const char *kw)
{
    struct token t;
    if (!wat_next(w, &t))
        return false;
    if (!tok_keyword_is(&t, kw))
        return wat_unexpected(w, &t);
    return true;
}

bool wat_peek_sexpr(struct wat *w, const char *kw, bool *yes)
{
    struct token t;
    *yes = false;
    if (!wat_peek(w, 0, &t))
        return false;
    if (t.kind != TOK_LPAREN)
        return true;
    if (!wat_peek(w, 1, &t))
        return false;
    *yes = tok_keyword_is(&t, kw);
    return true;
}

/* Consume "(" kw. */
static bool open_sexpr(struct wat *w, const char *kw)
{
    struct token t;
    return wat_expect(w, TOK_LPAREN, &t) && expect_keyword(w, kw);
}

static bool skip_sexpr_rest(struct wat *w) { return lexer_skip_rest(w->lx, w->err); }

bool wat_parse_u32(struct wat *w, uint32_t *out)
{
    struct token t;
    if (!wat_next(w, &t))
        return false;
    if (t.kind != TOK_NAT)
        return wat_unexpected(w, &t);
    if (!tok_u32(&t, out))
        return wat_fail(w, &t, "i32 constant out of range");
    return true;
}

bool wat_parse_name(struct wat *w, struct buf *out)
{
    struct token t;
    if (!wat_expect(w, TOK_STRING, &t))
        return false;
    size_t start = out->len;
    if (!tok_string(&t, out))
        return wat_fail(w, &t, "malformed string");
    if (out->len > start && !utf8_valid(out->data + start, out->len - start))
        return wat_fail(w, &t, "malformed UTF-8 encoding");
    return true;
}

/* A name, emitted as vec(byte). */
static bool emit_name(struct wat *w, struct buf *out)
{
    struct buf tmp = {0};
    bool ok = wat_parse_name(w, &tmp);
    if (ok) {
        buf_u32(out, (uint32_t)tmp.len);
        buf_bytes(out, tmp.data, tmp.len);
    }
    buf_free(&tmp);
    return ok;
}

/* ---- types ---- */

/* The keywords of abstract heap types, and of their nullable reference
 * types' shorthands, by heap type code. */
static const char *const heap_keywords[][2] = {
    {"exn", "exnref"},       {"array", "arrayref"}, {"struct", "structref"},
    {"i31", "i31ref"},       {"eq", "eqref"},       {"any", "anyref"},
    {"extern", "externref"}, {"func", "funcref"},   {"none", "nullref"},
    {"noextern", "nullexternref"}, {"nofunc", "nullfuncref"}, {"noexn", "nullexnref"},
};

static bool heap_keyword(const struct token *t, int form, valtype_t *out)
{
    if (t->kind != TOK_KEYWORD)
        return false;
    for (uint32_t h = HT_EXN; h <= HT_NOEXN; h++)
        if (tok_keyword_is(t, heap_keywords[h - HT_EXN][form])) {
            *out = h;
            return true;
        }
    return false;
}

bool wat_parse_heaptype(struct wat *w, valtype_t *out)
{
    struct token t;
    if (!wat_peek(w, 0, &t))
        return false;
    if (heap_keyword(&t, 0, out))
        return wat_next(w, &t);
    uint32_t index;
    if (t.kind != TOK_ID && t.kind != TOK_NAT)
        return wat_next(w, &t) && wat_unexpected(w, &t);
    if (!wat_parse_index(w, IS_TYPE, &index))
        return false;
    if (index > VT_INDEX_MAX)
        return wat_fail(w, &t, "unknown type %u", index);
    *out = vt_ref_index(index, true);
    return true;
}

/* (ref null? heaptype), its "(" read. */
static int ref_form(struct wat *w, valtype_t *out)
{
    struct token t;
    if (!wat_peek(w, 0, &t))
        return -1;
    if (!tok_keyword_is(&t, "ref"))
        return 0;
    wat_next(w, &t);
    if (!wat_peek(w, 0, &t))
        return -1;
    bool null = tok_keyword_is(&t, "null");
    if (null)
        wat_next(w, &t);
    if (!wat_parse_heaptype(w, out) || !wat_expect_rparen(w))
        return -1;
    if (!null)
        *out |= VT_NONNULL;
    return 1;
}

int wat_reftype_from(struct wat *w, const struct token *t, valtype_t *out)
{
    if (heap_keyword(t, 1, out))
        return 1;
    return t->kind == TOK_LPAREN ? ref_form(w, out) : 0;
}

int wat_valtype_from(struct wat *w, const struct token *t, valtype_t *out)
{
    static const struct { const char *kw; valtype_t t; } nums[] = {
        {"i32", VT_I32}, {"i64", VT_I64}, {"f32", VT_F32}, {"f64", VT_F64}, {"v128", VT_V128},
    };
    for (size_t i = 0; i < ARRAY_LEN(nums); i++)
        if (tok_keyword_is(t, nums[i].kw)) {
            *out = nums[i].t;
            return 1;
        }
    return wat_reftype_from(w, t, out);
}

bool wat_peek_reftype(struct wat *w, bool *yes)
{
    struct token t, kw;
    valtype_t vt;
    if (!wat_peek(w, 0, &t))
        return false;
    if (heap_keyword(&t, 1, &vt)) {
        *yes = true;
        return true;
    }
    if (t.kind != TOK_LPAREN) {
        *yes = false;
        return true;
    }
    if (!wat_peek(w, 1, &kw))
        return false;
    *yes = tok_keyword_is(&kw, "ref");
    return true;
}

bool wat_parse_valtype(struct wat *w, valtype_t *out)
{
    struct token t;
    if (!wat_next(w, &t))
        return false;
    int r = wat_valtype_from(w, &t, out);
    return r > 0 || (r == 0 && wat_unexpected(w, &t));
}

static bool parse_reftype(struct wat *w, valtype_t *out)
{
    struct token t;
    if (!wat_next(w, &t))
        return false;
    int r = wat_reftype_from(w, &t, out);
    return r > 0 || (r == 0 && wat_unexpected(w, &t));
}

void wat_emit_heaptype(struct buf *out, valtype_t t)
{
    if (vt_is_index(t))
        buf_s64(out, vt_index(t));
    else
        buf_byte(out, (uint8_t)vt_heap(t));
}

void wat_emit_valtype(struct buf *out, valtype_t t)
{
    if (!valtype_is_ref(t) || (vt_nullable(t) && !vt_is_index(t))) {
        buf_byte(out, (uint8_t)t);
        return;
    }
    buf_byte(out, vt_nullable(t) ? 0x63 : 0x64);
    wat_emit_heaptype(out, t);
}

static void sig_push(struct text_functype *sig, uint32_t *cap, valtype_t t, bool param)
{
    uint32_t n = sig->nparams + sig->nresults;
    if (n >= *cap) {
        *cap = *cap ? *cap * 2 : 4;
        sig->types = xrealloc(sig->types, *cap * sizeof *sig->types);
    }
    if (param) {
        memmove(sig->types + sig->nparams + 1, sig->types + sig->nparams, sig->nresults * sizeof *sig->types);
        sig->types[sig->nparams++] = t;
    } else {
        sig->types[n] = t;
        sig->nresults++;
    }
}

static bool sig_equal(const struct text_functype *a, const struct text_functype *b)
{
    uint32_t n = a->nparams + a->nresults;
    return a->nparams == b->nparams && a->nresults == b->nresults && (n == 0 || memcmp(a->types, b->types, n * sizeof *a->types) == 0);
}

/* (param ...)* (result ...)*: param ids are recorded when ids is non-NULL
 * and rejected when !allow_ids. */
static bool parse_params_results(struct wat *w, struct text_functype *sig, struct typeuse *ids, bool allow_ids)
{
    uint32_t cap = 0, cap_ids = 0;
    bool yes;
    for (;;) {
        if (!wat_peek_sexpr(w, "param", &yes))
            return false;
        if (!yes)
            break;
        if (!open_sexpr(w, "param"))
            return false;
        struct token t;
        if (!wat_peek(w, 0, &t))
            return false;
        if (t.kind == TOK_ID) {
            if (!allow_ids)
                return wat_unexpected(w, &t);
            valtype_t vt;
            if (!wat_next(w, &t) || !wat_parse_valtype(w, &vt) || !wat_expect_rparen(w))
                return false;
            sig_push(sig, &cap, vt, true);
            if (ids) {
                VEC_GROW(ids->param_ids, ids->nparam_ids, cap_ids);
                ids->param_ids[ids->nparam_ids++] = t;
            }
            continue;
        }
        for (;;) {
            if (!wat_next(w, &t))
                return false;
            if (t.kind == TOK_RPAREN)
                break;
            valtype_t vt;
            int r = wat_valtype_from(w, &t, &vt);
            if (r <= 0)
                return r == 0 && wat_unexpected(w, &t);
            sig_push(sig, &cap, vt, true);
            if (ids) {
                VEC_GROW(ids->param_ids, ids->nparam_ids, cap_ids);
                memset(&ids->param_ids[ids->nparam_ids++], 0, sizeof(struct token));
            }
        }
    }
    for (;;) {
        if (!wat_peek_sexpr(w, "result", &yes))
            return false;
        if (!yes)
            break;
        if (!open_sexpr(w, "result"))
            return false;
        struct token t;
        for (;;) {
            if (!wat_next(w, &t))
                return false;
            if (t.kind == TOK_RPAREN)
                break;
            valtype_t vt;
            int r = wat_valtype_from(w, &t, &vt);
            if (r <= 0)
                return r == 0 && wat_unexpected(w, &t);
            sig_push(sig, &cap, vt, false);
        }
    }
    /* Params after results are out of order, whatever follows. */
    if (!wat_peek_sexpr(w, "param", &yes))
        return false;
    if (yes) {
        struct token t;
        wat_peek(w, 1, &t);
        return wat_unexpected(w, &t);
    }
    return true;
}

bool wat_parse_typeuse(struct wat *w, struct typeuse *tu, bool allow_param_ids)
{
    memset(tu, 0, sizeof *tu);
    bool yes;
    if (!wat_peek_sexpr(w, "type", &yes))
        return false;
    if (yes) {
        if (!open_sexpr(w, "type") || !wat_peek(w, 0, &tu->index_tok))
            return false;
        if (!wat_parse_index(w, IS_TYPE, &tu->index) || !wat_expect_rparen(w))
            return false;
        tu->has_index = true;
    }
    if (!parse_params_results(w, &tu->sig, tu, allow_param_ids))
        return false;
    tu->has_inline = tu->sig.nparams + tu->sig.nresults > 0;
    return true;
}

void wat_typeuse_free(struct typeuse *tu)
{
    free(tu->sig.types);
    free(tu->param_ids);
    memset(tu, 0, sizeof *tu);
}

/* An implicit type is the first plain type (final, no supertype, alone in
 * its group) of the signature, or a new one. */
uint32_t wat_find_or_add_type(struct wat *w, const struct text_functype *sig)
{
    for (uint32_t i = 0; i < w->ntypes; i++)
        if (w->types[i].rec_len == 1 && !w->types[i].open && !w->types[i].super && sig_equal(&w->types[i], sig))
            return i;
    VEC_GROW(w->types, w->ntypes, w->cap_types);
    struct text_functype *t = &w->types[w->ntypes];
    *t = (struct text_functype){.rec_len = 1};
    t->nparams = sig->nparams;
    t->nresults = sig->nresults;
    t->types = xmalloc(((size_t)sig->nparams + sig->nresults + 1) * sizeof *t->types);
    if (sig->nparams + sig->nresults)
        memcpy(t->types, sig->types, ((size_t)sig->nparams + sig->nresults) * sizeof *t->types);
    return w->ntypes++;
}

const struct text_functype *wat_typeuse_sig(struct wat *w, const struct typeuse *tu)
{
    if (!tu->has_index)
        return &tu->sig;
    return tu->index < w->ntypes ? &w->types[tu->index] : NULL;
}

bool wat_typeuse_index(struct wat *w, const struct typeuse *tu, uint32_t *index)
{
    if (!tu->has_index) {
        *index = wat_find_or_add_type(w, &tu->sig);
        return true;
    }
    if (tu->has_inline) {
        if (tu->index >= w->ntypes)
            return wat_fail(w, &tu->index_tok, "unknown type");
        if (!sig_equal(&w->types[tu->index], &tu->sig))
            return wat_fail(w, &tu->index_tok, "inline function type");
    }
    *index = tu->index;
    return true;
}

/* ---- indices ---- */

static const char *const space_names[IS_COUNT] = {"type", "function", "table", "memory", "global", "elem", "data",
                                                  "tag"};

bool wat_peek_index(struct wat *w, bool *yes)
{
    struct token t;
    if (!wat_peek(w, 0, &t))
        return false;
    *yes = t.kind == TOK_ID || t.kind == TOK_NAT;
    return true;
}

bool wat_parse_index(struct wat *w, enum index_space space, uint32_t *out)
{
    struct token t;
    if (!wat_next(w, &t))
        return false;
    if (t.kind == TOK_NAT) {
        if (!tok_u32(&t, out))
            return wat_fail(w, &t, "constant out of range");
        return true;
    }
    if (t.kind != TOK_ID)
        return wat_unexpected(w, &t);
    if (!names_find(&w->names[space], t.text, t.len, out))
        return wat_fail(w, &t, "unknown %s %.*s", space_names[space], (int)(t.len > 40 ? 40 : t.len), t.text);
    return true;
}

/* An address type keyword before limits (memory64): i64 sets *is64. */
static bool parse_addrtype(struct wat *w, bool *is64)
{
    struct token t;
    *is64 = false;
    if (!wat_peek(w, 0, &t))
        return false;
    if (tok_keyword_is(&t, "i64") || tok_keyword_is(&t, "i32")) {
        *is64 = tok_keyword_is(&t, "i64");
        wat_next(w, &t);
    }
    return true;
}

/* ---- pass 1: index spaces ---- */

struct scan {
    /* The first definition (non-import) of a func, table, memory or global:
     * imports after it are malformed. */
    const char *first_def;
};

static bool add_name(struct wat *w, enum index_space space, const struct token *id)
{
    uint32_t index = w->counts[space]++;
    if (id && id->len && !names_add(&w->names[space], id->text, id->len, index))
        return wat_fail(w, id, "duplicate %s %.*s", space == IS_FUNC ? "func" : space_names[space],
                        (int)(id->len > 40 ? 40 : id->len), id->text);
    return true;
}

static bool peek_id(struct wat *w, struct token *id)
{
    memset(id, 0, sizeof *id);
    struct token t;
    if (!wat_peek(w, 0, &t))
        return false;
    if (t.kind == TOK_ID)
        return wat_next(w, id);
    return true;
}

static bool skip_inline_exports(struct wat *w)
{
    bool yes;
    for (;;) {
        if (!wat_peek_sexpr(w, "export", &yes))
            return false;
        if (!yes)
            return true;
        struct token t;
        if (!wat_next(w, &t) || !wat_next(w, &t) || !skip_sexpr_rest(w))
            return false;
    }
}

/* The next module field's keyword, its "(" read; *done at the end of the
 * fields instead (the closing ")", or EOF when top_level). */
static bool next_field(struct wat *w, bool top_level, struct token *kw, bool *done)
{
    struct token t;
    *done = false;
    if (!wat_peek(w, 0, &t))
        return false;
    if (t.kind == (top_level ? TOK_EOF : TOK_RPAREN)) {
        *done = true;
        return true;
    }
    if (t.kind != TOK_LPAREN)
        return wat_unexpected(w, &t);
    return wat_next(w, &t) && wat_next(w, kw);
}

/* Pass 0 gives type ids their indices, so that a type may name any type
 * (a later one inside its rec group): (type $id? ...) and (rec (type $id?
 * ...)*), the rest skipped. */
static bool name_types(struct wat *w, bool top_level)
{
    struct token t, kw, id;
    uint32_t n = 0;
    for (;;) {
        bool done;
        if (!next_field(w, top_level, &kw, &done))
            return false;
        if (done)
            return true;
        bool rec = tok_keyword_is(&kw, "rec");
        for (bool more = tok_keyword_is(&kw, "type") || rec; more;) {
            if (rec) {
                bool yes;
                if (!wat_peek_sexpr(w, "type", &yes))
                    return false;
                if (!yes)
                    break;
                wat_next(w, &t);
                wat_next(w, &t);
            }
            if (!peek_id(w, &id))
                return false;
            if (id.len && !names_add(&w->names[IS_TYPE], id.text, id.len, n))
                return wat_fail(w, &id, "duplicate type");
            n++;
            if (rec && !skip_sexpr_rest(w))
                return false;
            more = rec;
        }
        if (!skip_sexpr_rest(w))
            return false;
    }
}

/* (func ...), (sub final? x? (func ...)), or GC's struct and array. */
static bool parse_subtype(struct wat *w, struct text_functype *sig)
{
    struct token t;
    bool sub, yes;
    if (!wat_peek_sexpr(w, "sub", &sub))
        return false;
    if (sub) {
        wat_next(w, &t);
        wat_next(w, &t);
        if (!wat_peek(w, 0, &t))
            return false;
        sig->open = !tok_keyword_is(&t, "final");
        if (!sig->open)
            wat_next(w, &t);
        if (!wat_peek_index(w, &yes))
            return false;
        if (yes) {
            uint32_t super;
            if (!wat_parse_index(w, IS_TYPE, &super))
                return false;
            sig->super = super == UINT32_MAX ? UINT32_MAX : super + 1;
        }
    }
    if (!wat_expect(w, TOK_LPAREN, &t) || !wat_next(w, &t))
        return false;
    if (tok_keyword_is(&t, "struct") || tok_keyword_is(&t, "array"))
        return wat_fail(w, &t, "%s types need garbage collection (Wasm 3.0 GC), which wisp does not support",
                        tok_keyword_is(&t, "struct") ? "struct" : "array");
    if (!tok_keyword_is(&t, "func"))
        return wat_unexpected(w, &t);
    return parse_params_results(w, sig, NULL, true) && wat_expect_rparen(w) &&
           (!sub || wat_expect_rparen(w));
}

/* One (type $id? subtype), its "(type" read; rec_len is the group's size
 * on its first type. */
static bool scan_type(struct wat *w, uint32_t rec_len)
{
    struct token id;
    struct text_functype sig = {.rec_len = rec_len};
    if (!peek_id(w, &id) || !parse_subtype(w, &sig) || !wat_expect_rparen(w)) {
        free(sig.types);
        return false;
    }
    VEC_GROW(w->types, w->ntypes, w->cap_types);
    w->types[w->ntypes++] = sig;
    w->counts[IS_TYPE] = w->ntypes;
    return true;
}

/* (rec (type ...)*), its "(rec" read. */
static bool scan_rec(struct wat *w)
{
    /* How many types: look ahead on a copy of the lexer. */
    struct lexer save = *w->lx;
    uint32_t n = 0;
    bool yes;
    struct token t;
    for (;;) {
        if (!wat_peek_sexpr(w, "type", &yes))
            return false;
        if (!yes)
            break;
        if (!wat_next(w, &t) || !wat_next(w, &t) || !skip_sexpr_rest(w))
            return false;
        n++;
    }
    *w->lx = save;
    if (n == 0)
        w->empty_recs++;
    for (uint32_t i = 0; i < n; i++) {
        if (!wat_next(w, &t) || !wat_next(w, &t) || !scan_type(w, i == 0 ? n : 0))
            return false;
    }
    return wat_expect_rparen(w);
}

static enum index_space space_of(const struct token *kw)
{
    if (tok_keyword_is(kw, "func"))
        return IS_FUNC;
    if (tok_keyword_is(kw, "table"))
        return IS_TABLE;
    if (tok_keyword_is(kw, "memory"))
        return IS_MEMORY;
    if (tok_keyword_is(kw, "global"))
        return IS_GLOBAL;
    if (tok_keyword_is(kw, "tag"))
        return IS_TAG;
    return IS_COUNT;
}

static bool scan_import_order(struct wat *w, struct scan *sc, const struct token *at)
{
    if (sc->first_def)
        return wat_fail(w, at, "import after %s", sc->first_def);
    return true;
}

static bool scan_import(struct wat *w, struct scan *sc, const struct token *kw)
{
    struct token t;
    if (!scan_import_order(w, sc, kw))
        return false;
    if (!wat_expect(w, TOK_STRING, &t) || !wat_expect(w, TOK_STRING, &t) || !wat_expect(w, TOK_LPAREN, &t) ||
        !wat_next(w, &t))
        return false;
    enum index_space space = space_of(&t);
    if (space == IS_COUNT)
        return wat_unexpected(w, &t);
    struct token id;
    if (!peek_id(w, &id) || !add_name(w, space, &id))
        return false;
    return skip_sexpr_rest(w); /* the descriptor */
}

static bool scan_definition(struct wat *w, struct scan *sc, const struct token *kw, enum index_space space)
{
    struct token id;
    bool yes;
    if (!peek_id(w, &id) || !add_name(w, space, &id) || !skip_inline_exports(w))
        return false;
    if (!wat_peek_sexpr(w, "import", &yes))
        return false;
    if (yes)
        return scan_import_order(w, sc, kw);
    if (!sc->first_def)
        sc->first_def = space == IS_FUNC ? "function" : space_names[space];
    if (space == IS_TABLE) {
        valtype_t rt;
        bool is64;
        if (!parse_addrtype(w, &is64) || !wat_peek_reftype(w, &yes))
            return false;
        if (yes) {
            if (!parse_reftype(w, &rt) || !wat_peek_sexpr(w, "elem", &yes))
                return false;
            if (yes)
                w->counts[IS_ELEM]++;
        }
    } else if (space == IS_MEMORY) {
        if (!wat_peek_sexpr(w, "data", &yes))
            return false;
        if (yes)
            w->counts[IS_DATA]++;
    }
    return true;
}

/* Pass 1 over the fields: stops before the closing ")" (or at EOF when
 * top_level). */
static bool scan_fields(struct wat *w, bool top_level)
{
    struct scan sc = {0};
    struct token t, kw;
    for (;;) {
        bool done;
        if (!next_field(w, top_level, &kw, &done))
            return false;
        if (done)
            return true;
        enum index_space space = space_of(&kw);
        bool ok;
        if (tok_keyword_is(&kw, "type")) {
            ok = scan_type(w, 1);
            if (ok)
                continue;
        } else if (tok_keyword_is(&kw, "rec")) {
            ok = scan_rec(w);
            if (ok)
                continue;
        } else if (tok_keyword_is(&kw, "import")) {
            ok = scan_import(w, &sc, &kw);
        } else if (space != IS_COUNT) {
            ok = scan_definition(w, &sc, &kw, space);
        } else if (tok_keyword_is(&kw, "elem") || tok_keyword_is(&kw, "data")) {
            ok = peek_id(w, &t) && add_name(w, kw.text[0] == 'e' ? IS_ELEM : IS_DATA, &t);
        } else if (tok_keyword_is(&kw, "export") || tok_keyword_is(&kw, "start")) {
            ok = true;
        } else {
            return wat_unexpected(w, &kw);
        }
        if (!ok || !skip_sexpr_rest(w))
            return false;
    }
}

/* ---- pass 2: sections ---- */

struct sections {
    struct buf imports, funcs, tables, mems, tags, globals, exports, start, elems, codes, datas;
    uint32_t nimports, nfuncs, ntables, nmems, ntags, nglobals, nexports, nelems, ncodes, ndatas;
    bool has_start;
};

static void sections_free(struct sections *s)
{
    buf_free(&s->imports);
    buf_free(&s->funcs);
    buf_free(&s->tables);
    buf_free(&s->mems);
    buf_free(&s->tags);
    buf_free(&s->globals);
    buf_free(&s->exports);
    buf_free(&s->start);
    buf_free(&s->elems);
    buf_free(&s->codes);
    buf_free(&s->datas);
}

/* The "name" custom section's function and local name maps, built in pass 2.
 * Imports precede definitions in the text (pass 1 enforces it), so pass 2
 * meets functions in index order and the maps come out sorted. */
struct debug_names {
    bool enabled;
    struct buf funcs, locals; /* namemap and indirectnamemap bodies */
    uint32_t nfuncs, nlocal_funcs;
    struct buf cur; /* local names of the function being parsed */
    uint32_t ncur;
};

/* Per-space counters of pass 2, to give each field the index pass 1 gave. */
struct emit {
    struct wat *w;
    struct sections s;
    uint32_t next[IS_COUNT];
    struct debug_names names;
};

static void debug_names_free(struct debug_names *dn)
{
    buf_free(&dn->funcs);
    buf_free(&dn->locals);
    buf_free(&dn->cur);
}

/* An id token's name as vec(byte), without the "$". */
static void put_id_name(struct buf *out, const struct token *id)
{
    struct buf scratch = {0};
    uint32_t len;
    const char *name = id_name(id->text, id->len, &scratch, &len);
    buf_u32(out, len);
    buf_bytes(out, name, len);
    buf_free(&scratch);
}

/* Append (index, name) to a name map body being built, when names are on
 * and the item has an id. */
static void note_name(const struct debug_names *dn, struct buf *map, uint32_t *count, uint32_t index,
                      const struct token *id)
{
    if (!dn->enabled || !id->len)
        return;
    buf_u32(map, index);
    put_id_name(map, id);
    (*count)++;
}

static void note_func_name(struct emit *e, uint32_t func, const struct token *id)
{
    note_name(&e->names, &e->names.funcs, &e->names.nfuncs, func, id);
}

/* Local names must be noted in increasing index order. */
static void note_local_name(struct emit *e, uint32_t local, const struct token *id)
{
    note_name(&e->names, &e->names.cur, &e->names.ncur, local, id);
}

static void end_local_names(struct emit *e, uint32_t func)
{
    struct debug_names *dn = &e->names;
    if (!dn->ncur)
        return;
    buf_u32(&dn->locals, func);
    buf_u32(&dn->locals, dn->ncur);
    buf_bytes(&dn->locals, dn->cur.data, dn->cur.len);
    dn->nlocal_funcs++;
    dn->cur.len = 0;
    dn->ncur = 0;
}

/* The param ids of an imported function's type use. */
static void note_param_names(struct emit *e, const struct typeuse *tu)
{
    for (uint32_t i = 0; tu->has_inline && i < tu->nparam_ids; i++)
        note_local_name(e, i, &tu->param_ids[i]);
}

static bool parse_u64(struct wat *w, uint64_t *out)
{
    struct token t;
    if (!wat_next(w, &t))
        return false;
    if (t.kind != TOK_NAT)
        return wat_unexpected(w, &t);
    if (!tok_u64(&t, out))
        return wat_fail(w, &t, "i64 constant out of range");
    return true;
}

/* Limits after the address type: an i64 one sets the limits flag 0x04.
 * Bounds are u64 for either type, as in Wasm 3.0: the validator bounds
 * them (in 2.0 a bound past u32 is malformed when decoded). */
static bool parse_limits_of(struct wat *w, bool is64, struct buf *out)
{
    uint64_t min, max = 0;
    struct token t;
    if (!parse_u64(w, &min) || !wat_peek(w, 0, &t))
        return false;
    bool has_max = t.kind == TOK_NAT;
    if (has_max && !parse_u64(w, &max))
        return false;
    buf_byte(out, (has_max ? 1 : 0) | (is64 ? 4 : 0));
    buf_u64(out, min);
    if (has_max)
        buf_u64(out, max);
    return true;
}

static bool parse_limits(struct wat *w, struct buf *out)
{
    bool is64;
    return parse_addrtype(w, &is64) && parse_limits_of(w, is64, out);
}

static bool parse_tabletype(struct wat *w, struct buf *out)
{
    struct buf lim = {0};
    valtype_t rt = 0;
    bool ok = parse_limits(w, &lim) && parse_reftype(w, &rt);
    if (ok) {
        wat_emit_valtype(out, rt);
        buf_bytes(out, lim.data, lim.len);
    }
    buf_free(&lim);
    return ok;
}

static bool parse_globaltype(struct wat *w, struct buf *out)
{
    bool yes;
    valtype_t vt;
    if (!wat_peek_sexpr(w, "mut", &yes))
        return false;
    if (yes) {
        if (!open_sexpr(w, "mut") || !wat_parse_valtype(w, &vt) || !wat_expect_rparen(w))
            return false;
        wat_emit_valtype(out, vt);
        buf_byte(out, 1);
        return true;
    }
    if (!wat_parse_valtype(w, &vt))
        return false;
    wat_emit_valtype(out, vt);
    buf_byte(out, 0);
    return true;
}

static void add_export(struct emit *e, const struct buf *name, uint8_t kind, uint32_t index)
{
    buf_u32(&e->s.exports, (uint32_t)name->len);
    buf_bytes(&e->s.exports, name->data, name->len);
    buf_byte(&e->s.exports, kind);
    buf_u32(&e->s.exports, index);
    e->s.nexports++;
}

/* (export "name")* after a definition's id. */
static bool inline_exports(struct emit *e, uint8_t kind, uint32_t index)
{
    struct wat *w = e->w;
    bool yes;
    for (;;) {
        if (!wat_peek_sexpr(w, "export", &yes))
            return false;
        if (!yes)
            return true;
        struct buf name = {0};
        bool ok = open_sexpr(w, "export") && wat_parse_name(w, &name) && wat_expect_rparen(w);
        if (ok)
            add_export(e, &name, kind, index);
        buf_free(&name);
        if (!ok)
            return false;
    }
}

/* (import "m" "n"), emitting the names and the kind byte. */
static bool inline_import(struct emit *e, uint8_t kind, bool *yes)
{
    struct wat *w = e->w;
    if (!wat_peek_sexpr(w, "import", yes))
        return false;
    if (!*yes)
        return true;
    if (!open_sexpr(w, "import") || !emit_name(w, &e->s.imports) || !emit_name(w, &e->s.imports) ||
        !wat_expect_rparen(w))
        return false;
    buf_byte(&e->s.imports, kind);
    e->s.nimports++;
    return true;
}

static bool func_body(struct emit *e, struct func_ctx *f, const struct typeuse *tu, const struct text_functype *sig)
{
    struct wat *w = e->w;
    struct buf body = {0};
    uint32_t nparams = sig ? sig->nparams : 0;
    bool ok = true;
    for (uint32_t i = 0; i < nparams; i++) {
        VEC_GROW(f->local_types, f->nlocals, f->cap_local_types);
        f->local_types[f->nlocals] = sig->types[i];
        if (tu->has_inline && i < tu->nparam_ids && tu->param_ids[i].len) {
            const struct token *id = &tu->param_ids[i];
            if (!names_add(&f->local_names, id->text, id->len, f->nlocals)) {
                ok = wat_fail(w, id, "duplicate local");
                break;
            }
            note_local_name(e, f->nlocals, id);
        }
        f->nlocals++;
    }
    /* (local ...)* */
    bool yes;
    while (ok) {
        if (!wat_peek_sexpr(w, "local", &yes)) {
            ok = false;
            break;
        }
        if (!yes)
            break;
        struct token t;
        if (!open_sexpr(w, "local") || !wat_peek(w, 0, &t)) {
            ok = false;
            break;
        }
        if (t.kind == TOK_ID) {
            valtype_t vt;
            wat_next(w, &t);
            if (!names_add(&f->local_names, t.text, t.len, f->nlocals)) {
                ok = wat_fail(w, &t, "duplicate local");
                break;
            }
            note_local_name(e, f->nlocals, &t);
            if (!wat_parse_valtype(w, &vt) || !wat_expect_rparen(w)) {
                ok = false;
                break;
            }
            VEC_GROW(f->local_types, f->nlocals, f->cap_local_types);
            f->local_types[f->nlocals++] = vt;
            continue;
        }
        for (;;) {
            if (!wat_next(w, &t)) {
                ok = false;
                break;
            }
            if (t.kind == TOK_RPAREN)
                break;
            valtype_t vt;
            int r = wat_valtype_from(w, &t, &vt);
            if (r <= 0) {
                ok = r == 0 && wat_unexpected(w, &t);
                break;
            }
            VEC_GROW(f->local_types, f->nlocals, f->cap_local_types);
            f->local_types[f->nlocals++] = vt;
        }
    }
    if (ok) {
        /* Local declarations, run-length grouped. */
        uint32_t ngroups = 0;
        for (uint32_t i = nparams; i < f->nlocals; i++)
            if (i == nparams || f->local_types[i] != f->local_types[i - 1])
                ngroups++;
        buf_u32(&body, ngroups);
        for (uint32_t i = nparams; i < f->nlocals;) {
            uint32_t j = i;
            while (j < f->nlocals && f->local_types[j] == f->local_types[i])
                j++;
            buf_u32(&body, j - i);
            wat_emit_valtype(&body, f->local_types[i]);
            i = j;
        }
        ok = wat_parse_instrs(w, f, &body) && wat_expect_rparen(w);
    }
    if (ok) {
        buf_byte(&body, 0x0B);
        buf_u32(&e->s.codes, (uint32_t)body.len);
        buf_bytes(&e->s.codes, body.data, body.len);
        e->s.ncodes++;
    }
    buf_free(&body);
    return ok;
}

static bool field_func(struct emit *e)
{
    struct wat *w = e->w;
    struct token id;
    bool imported;
    uint32_t index = e->next[IS_FUNC]++;
    if (!peek_id(w, &id) || !inline_exports(e, EXT_FUNC, index) || !inline_import(e, EXT_FUNC, &imported))
        return false;
    struct typeuse tu;
    uint32_t type;
    bool ok = wat_parse_typeuse(w, &tu, true) && wat_typeuse_index(w, &tu, &type);
    note_func_name(e, index, &id);
    if (ok && imported) {
        buf_u32(&e->s.imports, type);
        note_param_names(e, &tu);
        ok = wat_expect_rparen(w);
    } else if (ok) {
        buf_u32(&e->s.funcs, type);
        e->s.nfuncs++;
        struct func_ctx f = {0};
        ok = func_body(e, &f, &tu, wat_typeuse_sig(w, &tu));
        func_ctx_free(&f);
    }
    end_local_names(e, index);
    wat_typeuse_free(&tu);
    return ok;
}

/* Elem segment items as parsed: each an expression, remembered so that a
 * segment of plain function references can use the compact encoding. */
struct elem_items {
    struct buf exprs;
    uint32_t count;
    uint32_t *funcs; /* function index, or UINT32_MAX if not a ref.func */
    uint32_t cap;
};

static void items_push_func(struct elem_items *it, uint32_t f)
{
    VEC_GROW(it->funcs, it->count, it->cap);
    it->funcs[it->count++] = f;
    buf_byte(&it->exprs, 0xD2);
    buf_u32(&it->exprs, f);
    buf_byte(&it->exprs, 0x0B);
}

/* Append an expression just emitted into it->exprs. Written as an
 * expression, an item stays one, even (ref.func f): the segment's type is
 * the one the text gives (funcref), not (ref func) as a segment of
 * function indices would be in 3.0. */
static void items_push_expr(struct elem_items *it)
{
    VEC_GROW(it->funcs, it->count, it->cap);
    it->funcs[it->count++] = UINT32_MAX;
}

static void items_free(struct elem_items *it)
{
    buf_free(&it->exprs);
    free(it->funcs);
}

static bool parse_funcidx_list(struct wat *w, struct elem_items *it)
{
    bool yes;
    for (;;) {
        if (!wat_peek_index(w, &yes))
            return false;
        if (!yes)
            return true;
        uint32_t f;
        if (!wat_parse_index(w, IS_FUNC, &f))
            return false;
        items_push_func(it, f);
    }
}

/* (item instr*) or a single folded instruction, repeated. */
static bool parse_elem_exprs(struct wat *w, struct elem_items *it)
{
    struct token t;
    for (;;) {
        if (!wat_peek(w, 0, &t))
            return false;
        if (t.kind != TOK_LPAREN)
            return true;
        bool item;
        if (!wat_peek_sexpr(w, "item", &item))
            return false;
        if (item) {
            if (!open_sexpr(w, "item") || !wat_parse_expr(w, &it->exprs) || !wat_expect_rparen(w))
                return false;
        } else {
            struct func_ctx f = {0};
            bool ok = wat_parse_folded(w, &f, &it->exprs);
            func_ctx_free(&f);
            if (!ok)
                return false;
            buf_byte(&it->exprs, 0x0B);
        }
        items_push_expr(it);
    }
}

/* Emit one element segment. mode: SEG_*; offset: the offset expression
 * (with its end) for active segments. */
static void emit_elem(struct emit *e, uint8_t mode, uint32_t table, const struct buf *offset, valtype_t type,
                      const struct elem_items *it)
{
    struct buf *out = &e->s.elems;
    bool indices = type == VT_FUNCREF;
    for (uint32_t i = 0; indices && i < it->count; i++)
        if (it->funcs[i] == UINT32_MAX)
            indices = false;
    uint32_t flags = mode == SEG_PASSIVE ? 1 : mode == SEG_DECLARATIVE ? 3 : (table == 0 && type == VT_FUNCREF) ? 0 : 2;
    if (!indices)
        flags |= 4;
    buf_u32(out, flags);
    if (flags & 2 && mode == SEG_ACTIVE)
        buf_u32(out, table);
    if (mode == SEG_ACTIVE)
        buf_bytes(out, offset->data, offset->len);
    if (flags & 3) {
        if (indices)
            buf_byte(out, 0x00);
        else
            wat_emit_valtype(out, type);
    }
    buf_u32(out, it->count);
    if (indices)
        for (uint32_t i = 0; i < it->count; i++)
            buf_u32(out, it->funcs[i]);
    else
        buf_bytes(out, it->exprs.data, it->exprs.len);
    e->s.nelems++;
}

static bool field_table(struct emit *e)
{
    struct wat *w = e->w;
    struct token id, t;
    bool imported;
    uint32_t index = e->next[IS_TABLE]++;
    if (!peek_id(w, &id) || !inline_exports(e, EXT_TABLE, index) || !inline_import(e, EXT_TABLE, &imported))
        return false;
    if (imported)
        return parse_tabletype(w, &e->s.imports) && wat_expect_rparen(w);
    valtype_t rt = 0;
    bool is64, yes;
    /* addrtype? then limits reftype and, 3.0, the elements' initial value
     * (an expression), or reftype (elem ...). */
    if (!parse_addrtype(w, &is64) || !wat_peek_reftype(w, &yes))
        return false;
    if (!yes) {
        struct buf lim = {0}, init = {0};
        bool ok = parse_limits_of(w, is64, &lim) && parse_reftype(w, &rt) && wat_peek(w, 0, &t);
        bool has_init = ok && t.kind != TOK_RPAREN;
        if (has_init)
            ok = wat_parse_expr(w, &init);
        ok = ok && wat_expect_rparen(w);
        if (ok) {
            if (has_init) {
                buf_byte(&e->s.tables, 0x40);
                buf_byte(&e->s.tables, 0x00);
            }
            wat_emit_valtype(&e->s.tables, rt);
            buf_bytes(&e->s.tables, lim.data, lim.len);
            buf_bytes(&e->s.tables, init.data, init.len);
            e->s.ntables++;
        }
        buf_free(&lim);
        buf_free(&init);
        return ok;
    }
    /* reftype (elem ...): a table exactly as large as its segment. */
    struct elem_items it = {0};
    bool ok = parse_reftype(w, &rt) && open_sexpr(w, "elem") && wat_peek(w, 0, &t);
    if (ok)
        ok = t.kind == TOK_LPAREN ? parse_elem_exprs(w, &it) : parse_funcidx_list(w, &it);
    ok = ok && wat_expect_rparen(w) && wat_expect_rparen(w);
    if (ok) {
        wat_emit_valtype(&e->s.tables, rt);
        buf_byte(&e->s.tables, is64 ? 5 : 1);
        buf_u32(&e->s.tables, it.count);
        buf_u32(&e->s.tables, it.count);
        e->s.ntables++;
        struct buf offset = {0};
        buf_byte(&offset, is64 ? 0x42 : 0x41);
        buf_byte(&offset, 0);
        buf_byte(&offset, 0x0B);
        emit_elem(e, SEG_ACTIVE, index, &offset, rt, &it);
        buf_free(&offset);
        e->next[IS_ELEM]++;
    }
    items_free(&it);
    return ok;
}

static void emit_data(struct emit *e, bool active, uint32_t memory, const struct buf *offset, const struct buf *bytes)
{
    struct buf *out = &e->s.datas;
    if (!active) {
        buf_u32(out, 1);
    } else if (memory == 0) {
        buf_u32(out, 0);
    } else {
        buf_u32(out, 2);
        buf_u32(out, memory);
    }
    if (active)
        buf_bytes(out, offset->data, offset->len);
    buf_u32(out, (uint32_t)bytes->len);
    buf_bytes(out, bytes->data, bytes->len);
    e->s.ndatas++;
}

/* "..."* as raw bytes. */
static bool parse_data_strings(struct wat *w, struct buf *out)
{
    struct token t;
    for (;;) {
        if (!wat_peek(w, 0, &t))
            return false;
        if (t.kind != TOK_STRING)
            return true;
        wat_next(w, &t);
        if (!tok_string(&t, out))
            return wat_fail(w, &t, "malformed string");
        if (out->len > UINT32_MAX)
            return wat_fail(w, &t, "data segment too large");
    }
}

static bool field_memory(struct emit *e)
{
    struct wat *w = e->w;
    struct token id;
    bool imported, yes;
    uint32_t index = e->next[IS_MEMORY]++;
    if (!peek_id(w, &id) || !inline_exports(e, EXT_MEMORY, index) || !inline_import(e, EXT_MEMORY, &imported))
        return false;
    if (imported)
        return parse_limits(w, &e->s.imports) && wat_expect_rparen(w);
    bool is64;
    if (!parse_addrtype(w, &is64) || !wat_peek_sexpr(w, "data", &yes))
        return false;
    if (!yes) {
        e->s.nmems++;
        return parse_limits_of(w, is64, &e->s.mems) && wat_expect_rparen(w);
    }
    struct buf bytes = {0};
    bool ok = open_sexpr(w, "data") && parse_data_strings(w, &bytes) && wat_expect_rparen(w) && wat_expect_rparen(w);
    if (ok) {
        uint64_t pages = ((uint64_t)bytes.len + 65535) / 65536;
        buf_byte(&e->s.mems, is64 ? 5 : 1);
        buf_u32(&e->s.mems, (uint32_t)pages);
        buf_u32(&e->s.mems, (uint32_t)pages);
        e->s.nmems++;
        struct buf offset = {0};
        buf_byte(&offset, is64 ? 0x42 : 0x41);
        buf_byte(&offset, 0);
        buf_byte(&offset, 0x0B);
        emit_data(e, true, index, &offset, &bytes);
        buf_free(&offset);
        e->next[IS_DATA]++;
    }
    buf_free(&bytes);
    return ok;
}

static bool field_global(struct emit *e)
{
    struct wat *w = e->w;
    struct token id;
    bool imported;
    uint32_t index = e->next[IS_GLOBAL]++;
    if (!peek_id(w, &id) || !inline_exports(e, EXT_GLOBAL, index) || !inline_import(e, EXT_GLOBAL, &imported))
        return false;
    if (imported)
        return parse_globaltype(w, &e->s.imports) && wat_expect_rparen(w);
    e->s.nglobals++;
    return parse_globaltype(w, &e->s.globals) && wat_parse_expr(w, &e->s.globals) && wat_expect_rparen(w);
}

/* A tag's type: the attribute byte (0, an exception) and a type use. */
static bool parse_tagtype(struct wat *w, struct buf *out)
{
    struct typeuse tu;
    uint32_t type;
    bool ok = wat_parse_typeuse(w, &tu, false) && wat_typeuse_index(w, &tu, &type);
    if (ok) {
        buf_byte(out, 0);
        buf_u32(out, type);
    }
    wat_typeuse_free(&tu);
    return ok;
}

/* (tag $id? (export "n")* (import "m" "n")? typeuse) */
static bool field_tag(struct emit *e)
{
    struct wat *w = e->w;
    struct token id;
    bool imported;
    uint32_t index = e->next[IS_TAG]++;
    if (!peek_id(w, &id) || !inline_exports(e, EXT_TAG, index) || !inline_import(e, EXT_TAG, &imported))
        return false;
    if (imported)
        return parse_tagtype(w, &e->s.imports) && wat_expect_rparen(w);
    e->s.ntags++;
    return parse_tagtype(w, &e->s.tags) && wat_expect_rparen(w);
}

static bool field_import(struct emit *e)
{
    struct wat *w = e->w;
    struct token t, id;
    if (!emit_name(w, &e->s.imports) || !emit_name(w, &e->s.imports) || !wat_expect(w, TOK_LPAREN, &t) ||
        !wat_next(w, &t))
        return false;
    enum index_space space = space_of(&t);
    if (space == IS_COUNT)
        return wat_unexpected(w, &t);
    uint32_t index = e->next[space]++;
    e->s.nimports++;
    if (!peek_id(w, &id))
        return false;
    bool ok;
    switch (space) {
    case IS_FUNC: {
        buf_byte(&e->s.imports, EXT_FUNC);
        struct typeuse tu;
        uint32_t type;
        ok = wat_parse_typeuse(w, &tu, true) && wat_typeuse_index(w, &tu, &type);
        if (ok) {
            buf_u32(&e->s.imports, type);
            note_func_name(e, index, &id);
            note_param_names(e, &tu);
            end_local_names(e, index);
        }
        wat_typeuse_free(&tu);
        break;
    }
    case IS_TABLE:
        buf_byte(&e->s.imports, EXT_TABLE);
        ok = parse_tabletype(w, &e->s.imports);
        break;
    case IS_MEMORY:
        buf_byte(&e->s.imports, EXT_MEMORY);
        ok = parse_limits(w, &e->s.imports);
        break;
    case IS_TAG:
        buf_byte(&e->s.imports, EXT_TAG);
        ok = parse_tagtype(w, &e->s.imports);
        break;
    default:
        buf_byte(&e->s.imports, EXT_GLOBAL);
        ok = parse_globaltype(w, &e->s.imports);
        break;
    }
    return ok && wat_expect_rparen(w) && wat_expect_rparen(w);
}

static bool field_export(struct emit *e)
{
    struct wat *w = e->w;
    struct buf name = {0};
    struct token t;
    bool ok = wat_parse_name(w, &name) && wat_expect(w, TOK_LPAREN, &t) && wat_next(w, &t);
    if (ok) {
        enum index_space space = space_of(&t);
        uint32_t index;
        if (space == IS_COUNT)
            ok = wat_unexpected(w, &t);
        else
            ok = wat_parse_index(w, space, &index) && wat_expect_rparen(w) && wat_expect_rparen(w);
        if (ok) {
            static const uint8_t kinds[] = {[IS_FUNC] = EXT_FUNC, [IS_TABLE] = EXT_TABLE,
                                            [IS_MEMORY] = EXT_MEMORY, [IS_GLOBAL] = EXT_GLOBAL,
                                            [IS_TAG] = EXT_TAG};
            add_export(e, &name, kinds[space], index);
        }
    }
    buf_free(&name);
    return ok;
}

static bool field_start(struct emit *e, const struct token *kw)
{
    struct wat *w = e->w;
    uint32_t f;
    if (e->s.has_start)
        return wat_fail(w, kw, "multiple start sections");
    if (!wat_parse_index(w, IS_FUNC, &f) || !wat_expect_rparen(w))
        return false;
    e->s.has_start = true;
    buf_u32(&e->s.start, f);
    return true;
}

/* An active segment's offset: (offset instr*) or one folded instruction. */
static bool parse_offset(struct wat *w, struct buf *out)
{
    bool yes;
    if (!wat_peek_sexpr(w, "offset", &yes))
        return false;
    if (yes)
        return open_sexpr(w, "offset") && wat_parse_expr(w, out) && wat_expect_rparen(w);
    struct func_ctx f = {0};
    bool ok = wat_parse_folded(w, &f, out);
    func_ctx_free(&f);
    if (ok)
        buf_byte(out, 0x0B);
    return ok;
}

static bool field_elem(struct emit *e)
{
    struct wat *w = e->w;
    struct token id, t;
    bool yes;
    e->next[IS_ELEM]++;
    if (!peek_id(w, &id) || !wat_peek(w, 0, &t))
        return false;
    uint8_t mode = SEG_PASSIVE;
    uint32_t table = 0;
    bool explicit_table = false;
    struct buf offset = {0};
    struct elem_items it = {0};
    bool ok = true;
    if (tok_keyword_is(&t, "declare")) {
        mode = SEG_DECLARATIVE;
        wat_next(w, &t);
    } else {
        ok = wat_peek_sexpr(w, "table", &yes);
        if (ok && yes) {
            explicit_table = true;
            ok = open_sexpr(w, "table") && wat_parse_index(w, IS_TABLE, &table) && wat_expect_rparen(w);
        }
        bool reftype = false;
        if (ok)
            ok = wat_peek(w, 0, &t) && wat_peek_reftype(w, &reftype);
        if (ok && ((t.kind == TOK_LPAREN && !reftype) || explicit_table)) {
            mode = SEG_ACTIVE;
            ok = parse_offset(w, &offset);
        }
    }
    valtype_t type = VT_FUNCREF;
    if (ok)
        ok = wat_peek(w, 0, &t);
    if (ok) {
        if (tok_keyword_is(&t, "func")) {
            wat_next(w, &t);
            ok = parse_funcidx_list(w, &it);
        } else if ((ok = wat_peek_reftype(w, &yes)) && yes) {
            ok = parse_reftype(w, &type) && parse_elem_exprs(w, &it);
        } else if (mode == SEG_ACTIVE && !explicit_table) {
            ok = parse_funcidx_list(w, &it); /* legacy: (elem (offset) funcidx*) */
        } else {
            ok = wat_unexpected(w, &t);
        }
    }
    ok = ok && wat_expect_rparen(w);
    if (ok)
        emit_elem(e, mode, table, &offset, type, &it);
    buf_free(&offset);
    items_free(&it);
    return ok;
}

static bool field_data(struct emit *e)
{
    struct wat *w = e->w;
    struct token id, t;
    bool yes;
    e->next[IS_DATA]++;
    if (!peek_id(w, &id) || !wat_peek_sexpr(w, "memory", &yes))
        return false;
    uint32_t memory = 0;
    bool active = false;
    struct buf offset = {0}, bytes = {0};
    bool ok = true;
    if (yes) {
        active = true;
        ok = open_sexpr(w, "memory") && wat_parse_index(w, IS_MEMORY, &memory) && wat_expect_rparen(w);
    }
    if (ok)
        ok = wat_peek(w, 0, &t);
    if (ok && (t.kind == TOK_LPAREN || active)) {
        active = true;
        ok = parse_offset(w, &offset);
    }
    ok = ok && parse_data_strings(w, &bytes) && wat_expect_rparen(w);
    if (ok)
        emit_data(e, active, memory, &offset, &bytes);
    buf_free(&offset);
    buf_free(&bytes);
    return ok;
}

static bool emit_fields(struct emit *e, bool top_level)
{
    struct wat *w = e->w;
    struct token t, kw;
    for (;;) {
        if (!wat_peek(w, 0, &t))
            return false;
        if (t.kind == (top_level ? TOK_EOF : TOK_RPAREN))
            return true;
        if (!wat_expect(w, TOK_LPAREN, &t) || !wat_next(w, &kw))
            return false;
        bool ok;
        if (tok_keyword_is(&kw, "type") || tok_keyword_is(&kw, "rec"))
            ok = skip_sexpr_rest(w); /* recorded in pass 1 */
        else if (tok_keyword_is(&kw, "import"))
            ok = field_import(e);
        else if (tok_keyword_is(&kw, "func"))
            ok = field_func(e);
        else if (tok_keyword_is(&kw, "table"))
            ok = field_table(e);
        else if (tok_keyword_is(&kw, "memory"))
            ok = field_memory(e);
        else if (tok_keyword_is(&kw, "global"))
            ok = field_global(e);
        else if (tok_keyword_is(&kw, "tag"))
            ok = field_tag(e);
        else if (tok_keyword_is(&kw, "export"))
            ok = field_export(e);
        else if (tok_keyword_is(&kw, "start"))
            ok = field_start(e, &kw);
        else if (tok_keyword_is(&kw, "elem"))
            ok = field_elem(e);
        else if (tok_keyword_is(&kw, "data"))
            ok = field_data(e);
        else
            ok = wat_unexpected(w, &kw);
        if (!ok)
            return false;
    }
}

static void put_section(struct buf *out, uint8_t id, uint32_t count, const struct buf *body, bool counted)
{
    struct buf tmp = {0};
    if (counted)
        buf_u32(&tmp, count);
    buf_bytes(&tmp, body->data, body->len);
    buf_byte(out, id);
    buf_u32(out, (uint32_t)tmp.len);
    buf_bytes(out, tmp.data, tmp.len);
    buf_free(&tmp);
}

static void put_subsection(struct buf *out, uint8_t id, const struct buf *body)
{
    buf_byte(out, id);
    buf_u32(out, (uint32_t)body->len);
    buf_bytes(out, body->data, body->len);
}

/* A name subsection holding a map of count entries (omitted when empty). */
static void put_map_subsection(struct buf *out, uint8_t id, uint32_t count, const struct buf *entries)
{
    if (!count)
        return;
    struct buf sub = {0};
    buf_u32(&sub, count);
    buf_bytes(&sub, entries->data, entries->len);
    put_subsection(out, id, &sub);
    buf_free(&sub);
}

/* The "name" custom section, last so that it names the finished module.
 * Left out when nothing has a name. */
static void put_name_section(struct buf *out, const struct token *module_id, const struct debug_names *dn)
{
    if (!module_id->len && !dn->nfuncs && !dn->nlocal_funcs)
        return;
    static const char name[] = "name";
    struct buf body = {0}, sub = {0};
    buf_u32(&body, sizeof name - 1);
    buf_bytes(&body, name, sizeof name - 1);
    if (module_id->len) {
        put_id_name(&sub, module_id);
        put_subsection(&body, 0, &sub);
    }
    put_map_subsection(&body, 1, dn->nfuncs, &dn->funcs);
    put_map_subsection(&body, 2, dn->nlocal_funcs, &dn->locals);
    put_section(out, 0, 0, &body, false);
    buf_free(&sub);
    buf_free(&body);
}

static void assemble(struct wat *w, struct sections *s, struct buf *out)
{
    static const uint8_t header[8] = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
    buf_bytes(out, header, sizeof header);
    if (w->ntypes || w->empty_recs) {
        struct buf types = {0};
        uint32_t ngroups = 0;
        for (uint32_t i = 0; i < w->ntypes; i++) {
            const struct text_functype *t = &w->types[i];
            if (t->rec_len != 1 || w->types[i].open || w->types[i].super) {
                /* rec and sub only where written: a plain type keeps 2.0's encoding */
                if (t->rec_len != 1 && t->rec_len) {
                    buf_byte(&types, 0x4E);
                    buf_u32(&types, t->rec_len);
                }
                if (t->open || t->super) {
                    buf_byte(&types, t->open ? 0x50 : 0x4F);
                    buf_u32(&types, t->super ? 1 : 0);
                    if (t->super)
                        buf_u32(&types, t->super - 1);
                }
            }
            ngroups += t->rec_len != 0;
            buf_byte(&types, 0x60);
            buf_u32(&types, t->nparams);
            for (uint32_t k = 0; k < t->nparams + t->nresults; k++) {
                if (k == t->nparams)
                    buf_u32(&types, t->nresults);
                wat_emit_valtype(&types, t->types[k]);
            }
            if (t->nresults == 0)
                buf_u32(&types, 0);
        }
        for (uint32_t i = 0; i < w->empty_recs; i++) {
            buf_byte(&types, 0x4E);
            buf_byte(&types, 0);
        }
        put_section(out, 1, ngroups + w->empty_recs, &types, true);
        buf_free(&types);
    }
    if (s->nimports)
        put_section(out, 2, s->nimports, &s->imports, true);
    if (s->nfuncs)
        put_section(out, 3, s->nfuncs, &s->funcs, true);
    if (s->ntables)
        put_section(out, 4, s->ntables, &s->tables, true);
    if (s->nmems)
        put_section(out, 5, s->nmems, &s->mems, true);
    if (s->ntags)
        put_section(out, 13, s->ntags, &s->tags, true);
    if (s->nglobals)
        put_section(out, 6, s->nglobals, &s->globals, true);
    if (s->nexports)
        put_section(out, 7, s->nexports, &s->exports, true);
    if (s->has_start)
        put_section(out, 8, 0, &s->start, false);
    if (s->nelems)
        put_section(out, 9, s->nelems, &s->elems, true);
    if (w->uses_data_count) {
        struct buf empty = {0};
        put_section(out, 12, s->ndatas, &empty, true);
    }
    if (s->ncodes)
        put_section(out, 10, s->ncodes, &s->codes, true);
    if (s->ndatas)
        put_section(out, 11, s->ndatas, &s->datas, true);
}

static void wat_free(struct wat *w)
{
    for (int i = 0; i < IS_COUNT; i++)
        names_free(&w->names[i]);
    for (uint32_t i = 0; i < w->ntypes; i++)
        free(w->types[i].types);
    free(w->types);
    free(w->op_slots);
}

/* Module fields up to the closing ")" (consumed) or, when top_level, EOF.
 * With debug_names, a "name" section follows the others (module_id: the
 * module's $id token, len 0 if none). */
static bool parse_fields(struct lexer *lx, struct buf *out, bool top_level, const struct token *module_id,
                         bool debug_names, struct wisp_error *err)
{
    struct wat w = {.lx = lx, .err = err};
    wat_op_table_build(&w);
    struct lexer start = *lx;
    bool ok = name_types(&w, top_level);
    *lx = start;
    ok = ok && scan_fields(&w, top_level);
    struct emit e = {.w = &w, .names.enabled = debug_names};
    if (ok) {
        *lx = start;
        ok = emit_fields(&e, top_level);
    } else if (err) {
        /* Report the first error in text order: pass 2 may find one (a bad
         * instruction) before the place where pass 1 stopped. */
        struct wisp_error first = *err, second;
        *lx = start;
        w.err = &second;
        if (!emit_fields(&e, top_level) &&
            (second.line < first.line || (second.line == first.line && second.column < first.column)))
            first = second;
        *err = first;
    }
    if (ok && !top_level)
        ok = wat_expect_rparen(&w);
    if (ok)
        assemble(&w, &e.s, out);
    if (ok && debug_names)
        put_name_section(out, module_id, &e.names);
    sections_free(&e.s);
    debug_names_free(&e.names);
    wat_free(&w);
    return ok;
}

static bool parse_module(struct lexer *lx, struct buf *out, struct token *id, bool debug_names,
                         struct wisp_error *err);

static bool parse_module_text(struct lexer *lx, struct buf *out, bool debug_names, struct wisp_error *err)
{
    static const struct token no_id;
    struct token t0, t1, id;
    if (!lexer_peek(lx, 0, &t0, err) || !lexer_peek(lx, 1, &t1, err))
        return false;
    if (t0.kind == TOK_LPAREN && tok_keyword_is(&t1, "module")) {
        lexer_next(lx, &t0, err);
        lexer_next(lx, &t1, err);
        if (!parse_module(lx, out, &id, debug_names, err))
            return false;
        if (!lexer_next(lx, &t0, err))
            return false;
        if (t0.kind != TOK_EOF)
            return lexer_error(lx, &t0, err, "unexpected token");
        return true;
    }
    return parse_fields(lx, out, true, &no_id, debug_names, err);
}

bool wat_parse_module_text(struct lexer *lx, struct buf *out, struct wisp_error *err)
{
    return parse_module_text(lx, out, false, err);
}

static bool parse_module(struct lexer *lx, struct buf *out, struct token *id, bool debug_names,
                         struct wisp_error *err)
{
    struct token t;
    memset(id, 0, sizeof *id);
    if (!lexer_peek(lx, 0, &t, err))
        return false;
    if (t.kind == TOK_ID) {
        lexer_next(lx, id, err);
        if (!lexer_peek(lx, 0, &t, err))
            return false;
    }
    bool binary = tok_keyword_is(&t, "binary"), quote = tok_keyword_is(&t, "quote");
    if (!binary && !quote)
        return parse_fields(lx, out, false, id, debug_names, err);
    lexer_next(lx, &t, err);
    struct buf bytes = {0};
    for (;;) {
        if (!lexer_next(lx, &t, err)) {
            buf_free(&bytes);
            return false;
        }
        if (t.kind == TOK_RPAREN)
            break;
        if (t.kind != TOK_STRING || !tok_string(&t, &bytes)) {
            buf_free(&bytes);
            return lexer_error(lx, &t, err, t.kind == TOK_RESERVED ? "unknown operator" : "unexpected token");
        }
    }
    if (binary) {
        buf_bytes(out, bytes.data, bytes.len);
        buf_free(&bytes);
        return true;
    }
    struct lexer inner;
    lexer_init(&inner, (const char *)bytes.data, bytes.len, lx->source_name);
    bool ok = parse_module_text(&inner, out, debug_names, err);
    buf_free(&bytes);
    return ok;
}

bool wat_parse_module(struct lexer *lx, struct buf *out, struct token *id, struct wisp_error *err)
{
    return parse_module(lx, out, id, false, err);
}

bool wisp_wat_to_wasm(const char *text, size_t len, const char *source, uint8_t **out, size_t *out_len,
                      wisp_error *err)
{
    struct lexer lx;
    struct buf b = {0};
    lexer_init(&lx, text, len, source);
    *out = NULL;
    *out_len = 0;
    if (!parse_module_text(&lx, &b, true, err)) {
        buf_free(&b);
        return false;
    }
    *out = b.data;
    *out_len = b.len;
    return true;
}
