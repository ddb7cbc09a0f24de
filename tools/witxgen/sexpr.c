/* Reads witx text into s-expression trees. The grammar is the WebAssembly
 * text format's token level: parens, atoms, strings, `;;` line comments and
 * nested `(; ;)` block comments; `;;;` lines are kept as doc comments. */
#include "sexpr.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Deep nesting is never legitimate witx; the bound keeps recursion (here and
 * in every later pass over the tree) far from the C stack's limit. */
#define MAX_DEPTH 64

struct arena_block {
    struct arena_block *next;
    size_t used, cap;
    max_align_t data[];
};

void *arena_alloc(struct arena *a, size_t n)
{
    n = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
    struct arena_block *b = a->blocks;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > 65536 ? n : 65536;
        b = malloc(sizeof(*b) + cap);
        if (!b) {
            fputs("witxgen: out of memory\n", stderr);
            abort();
        }
        b->next = a->blocks;
        b->used = 0;
        b->cap = cap;
        a->blocks = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    memset(p, 0, n);
    return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    char *p = arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void arena_grow(struct arena *a, void **items, uint32_t *cap, size_t elem, uint32_t count)
{
    uint32_t ncap = *cap ? *cap * 2 : 8;
    void *p = arena_alloc(a, elem * ncap);
    if (count)
        memcpy(p, *items, elem * count);
    *items = p;
    *cap = ncap;
}

void arena_free(struct arena *a)
{
    struct arena_block *b = a->blocks;
    while (b) {
        struct arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->blocks = NULL;
}

bool diag_at(struct diag *d, struct pos at, const char *fmt, ...)
{
    if (d->failed)
        return false;
    d->failed = true;
    int n = snprintf(d->msg, sizeof d->msg, "%s:%u:%u: ", at.file ? at.file : "<input>",
                     at.line, at.col);
    if (n < 0 || (size_t)n >= sizeof d->msg)
        return false;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->msg + n, sizeof d->msg - (size_t)n, fmt, ap);
    va_end(ap);
    return false;
}

struct reader {
    struct arena *arena;
    struct diag *diag;
    const char *file;
    const char *p, *end;
    uint32_t line, col;
    char *doc;          /* pending doc comment, or NULL */
    size_t doc_len;
};

static struct pos here(const struct reader *r)
{
    return (struct pos){r->file, r->line, r->col};
}

static void advance(struct reader *r)
{
    if (*r->p == '\n') {
        r->line++;
        r->col = 1;
    } else {
        r->col++;
    }
    r->p++;
}

static void doc_append(struct reader *r, const char *s, size_t n)
{
    size_t old = r->doc ? r->doc_len + 1 : 0;   /* +1 for the joining newline */
    char *doc = arena_alloc(r->arena, old + n + 1);
    if (r->doc) {
        memcpy(doc, r->doc, r->doc_len);
        doc[r->doc_len] = '\n';
    }
    memcpy(doc + old, s, n);
    r->doc = doc;
    r->doc_len = old + n;
}

/* A `;;;` line: strip the marker and one space, and drop trailing blanks. */
static void read_doc_line(struct reader *r)
{
    for (int i = 0; i < 3; i++)
        advance(r);
    if (r->p < r->end && *r->p == ' ')
        advance(r);
    const char *start = r->p;
    while (r->p < r->end && *r->p != '\n')
        advance(r);
    const char *stop = r->p;
    while (stop > start && (stop[-1] == ' ' || stop[-1] == '\t' || stop[-1] == '\r'))
        stop--;
    doc_append(r, start, (size_t)(stop - start));
}

static bool skip_block_comment(struct reader *r)
{
    struct pos start = here(r);
    uint32_t depth = 0;
    while (r->p < r->end) {
        if (r->p + 1 < r->end && r->p[0] == '(' && r->p[1] == ';') {
            depth++;
            advance(r);
            advance(r);
        } else if (r->p + 1 < r->end && r->p[0] == ';' && r->p[1] == ')') {
            advance(r);
            advance(r);
            if (--depth == 0)
                return true;
        } else {
            advance(r);
        }
    }
    return diag_at(r->diag, start, "unterminated block comment");
}

static bool skip_space(struct reader *r)
{
    while (r->p < r->end) {
        char c = *r->p;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            advance(r);
        } else if (c == ';' && r->p + 1 < r->end && r->p[1] == ';') {
            if (r->p + 2 < r->end && r->p[2] == ';') {
                read_doc_line(r);
            } else {
                while (r->p < r->end && *r->p != '\n')
                    advance(r);
            }
        } else if (c == '(' && r->p + 1 < r->end && r->p[1] == ';') {
            if (!skip_block_comment(r))
                return false;
        } else {
            return true;
        }
    }
    return true;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool read_string(struct reader *r, struct sx *s)
{
    struct pos start = here(r);
    advance(r);   /* the opening quote */
    /* Decoded text is never longer than the source text. */
    size_t cap = (size_t)(r->end - r->p);
    char *out = arena_alloc(r->arena, cap + 1);
    size_t n = 0;
    for (;;) {
        if (r->p >= r->end || *r->p == '\n')
            return diag_at(r->diag, start, "unterminated string");
        char c = *r->p;
        if (c == '"') {
            advance(r);
            break;
        }
        if ((unsigned char)c < 0x20 || c == 0x7f)
            return diag_at(r->diag, here(r), "control character in string");
        if (c != '\\') {
            out[n++] = c;
            advance(r);
            continue;
        }
        struct pos esc = here(r);
        advance(r);
        if (r->p >= r->end)
            return diag_at(r->diag, start, "unterminated string");
        c = *r->p;
        switch (c) {
        case 'n': out[n++] = '\n'; advance(r); break;
        case 't': out[n++] = '\t'; advance(r); break;
        case 'r': out[n++] = '\r'; advance(r); break;
        case '\\': out[n++] = '\\'; advance(r); break;
        case '"': out[n++] = '"'; advance(r); break;
        case '\'': out[n++] = '\''; advance(r); break;
        default: {
            int hi = hex_digit(c);
            int lo = r->p + 1 < r->end ? hex_digit(r->p[1]) : -1;
            if (hi < 0 || lo < 0)
                return diag_at(r->diag, esc, "unknown escape in string");
            out[n++] = (char)(hi * 16 + lo);
            advance(r);
            advance(r);
        }
        }
    }
    out[n] = 0;
    s->kind = SX_STRING;
    s->text = out;
    s->len = (uint32_t)n;
    return true;
}

static bool is_atom_char(char c)
{
    return c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '(' && c != ')' &&
           c != '"' && c != ';';
}

static struct sx *read_node(struct reader *r, uint32_t depth);

static bool read_list(struct reader *r, struct sx *s, uint32_t depth)
{
    struct pos open = here(r);
    if (depth >= MAX_DEPTH)
        return diag_at(r->diag, open, "parentheses nested too deeply");
    advance(r);
    s->kind = SX_LIST;
    uint32_t cap = 0;
    for (;;) {
        if (!skip_space(r))
            return false;
        if (r->p >= r->end)
            return diag_at(r->diag, open, "unclosed '('");
        if (*r->p == ')') {
            r->doc = NULL;   /* a doc comment with nothing after it documents nothing */
            advance(r);
            return true;
        }
        struct sx *item = read_node(r, depth + 1);
        if (!item)
            return false;
        *ARENA_PUSH(r->arena, s->items, s->count, cap) = item;
    }
}

static struct sx *read_node(struct reader *r, uint32_t depth)
{
    struct sx *s = arena_alloc(r->arena, sizeof *s);
    s->pos = here(r);
    if (r->doc) {
        s->doc = r->doc;
        r->doc = NULL;
    }
    char c = *r->p;
    if (c == '(') {
        if (!read_list(r, s, depth))
            return NULL;
    } else if (c == ')') {
        diag_at(r->diag, s->pos, "unexpected ')'");
        return NULL;
    } else if (c == '"') {
        if (!read_string(r, s))
            return NULL;
    } else {
        const char *start = r->p;
        while (r->p < r->end && is_atom_char(*r->p)) {
            if ((unsigned char)*r->p < 0x20 || *r->p == 0x7f) {
                diag_at(r->diag, here(r), "unexpected control character");
                return NULL;
            }
            advance(r);
        }
        if (r->p == start) {   /* a lone ';' */
            diag_at(r->diag, s->pos, "unexpected character '%c'", c);
            return NULL;
        }
        s->kind = SX_ATOM;
        s->len = (uint32_t)(r->p - start);
        s->text = arena_strndup(r->arena, start, s->len);
    }
    return s;
}

bool sx_read(struct arena *a, const char *file, const char *text, size_t len,
             struct sx ***forms, uint32_t *count, struct diag *d)
{
    struct reader r = {.arena = a, .diag = d, .file = file, .p = text, .end = text + len,
                       .line = 1, .col = 1};
    uint32_t cap = 0;
    *forms = NULL;
    *count = 0;
    for (;;) {
        if (!skip_space(&r))
            return false;
        if (r.p >= r.end)
            return true;
        struct sx *s = read_node(&r, 0);
        if (!s)
            return false;
        *ARENA_PUSH(a, *forms, *count, cap) = s;
    }
}

bool sx_is_atom(const struct sx *s, const char *text)
{
    return s && s->kind == SX_ATOM && strcmp(s->text, text) == 0;
}

bool sx_is_id(const struct sx *s)
{
    return s && s->kind == SX_ATOM && s->len > 1 && s->text[0] == '$';
}

bool sx_head_is(const struct sx *s, const char *head)
{
    return s && s->kind == SX_LIST && s->count > 0 && sx_is_atom(s->items[0], head);
}

bool sx_annot_is(const struct sx *s, const char *ns, const char *name)
{
    return s && s->kind == SX_LIST && s->count > 1 && s->items[0]->kind == SX_ATOM &&
           s->items[0]->text[0] == '@' && strcmp(s->items[0]->text + 1, ns) == 0 &&
           sx_is_atom(s->items[1], name);
}
