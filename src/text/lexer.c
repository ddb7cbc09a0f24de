/* The WebAssembly text lexer: splits source text into tokens, skipping white
 * space, line comments, nested block comments and annotations. Tokens point
 * into the source; numbers are classified here and converted by literal.c. */
#include <stdarg.h>
#include <stdio.h>

#include "text/wat.h"

void lexer_init(struct lexer *lx, const char *src, size_t len, const char *source_name)
{
    memset(lx, 0, sizeof *lx);
    if (!src) /* an empty text, e.g. (module quote) */
        src = "";
    lx->src = src;
    lx->p = src;
    lx->end = src + len;
    lx->source_name = source_name;
    lx->line = 1;
    lx->line_start = src;
}

static bool is_idchar(unsigned char c)
{
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return true;
    switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
    case '-': case '.': case '/': case ':': case '<': case '=': case '>': case '?':
    case '@': case '\\': case '^': case '_': case '`': case '|': case '~':
        return true;
    }
    return false;
}

/* Characters that are no token on their own but glue into a reserved token,
 * so that e.g. "a,b" is one malformed token rather than three. */
static bool is_reserved_punct(unsigned char c) { return c == ',' || c == '[' || c == ']' || c == '{' || c == '}'; }

static bool is_hexdigit(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static uint32_t col_of(const struct lexer *lx, const char *p) { return (uint32_t)(p - lx->line_start) + 1; }

static bool lex_error_at(const struct lexer *lx, const char *p, struct wisp_error *err, const char *msg)
{
    err_set(err, WISP_ERR_MALFORMED, -1, "%s", msg);
    err_set_pos(err, lx->line, col_of(lx, p));
    err_set_source(err, lx->source_name);
    return false;
}

bool lexer_error(const struct lexer *lx, const struct token *t, struct wisp_error *err, const char *fmt, ...)
{
    if (!err)
        return false;
    char msg[sizeof err->message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    err_set(err, WISP_ERR_MALFORMED, -1, "%s", msg);
    err_set_pos(err, t->line, t->col);
    err_set_source(err, lx->source_name);
    return false;
}

/* Advance over one newline character sequence at lx->p. */
static void newline(struct lexer *lx)
{
    if (lx->p[0] == '\r' && lx->p + 1 < lx->end && lx->p[1] == '\n')
        lx->p++;
    lx->p++;
    lx->line++;
    lx->line_start = lx->p;
}

/* Length of the well-formed UTF-8 sequence at p, or 0. */
static size_t utf8_seq_len(const char *p, const char *end)
{
    unsigned char c = (unsigned char)*p;
    size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if ((size_t)(end - p) < n || !utf8_valid((const uint8_t *)p, n))
        return 0;
    return n;
}

/* Scan a string starting at the opening quote; leaves lx->p after the
 * closing quote. Checks escapes and characters so tok_string cannot fail. */
static bool scan_string(struct lexer *lx, struct wisp_error *err)
{
    const char *start = lx->p;
    lx->p++;
    for (;;) {
        if (lx->p >= lx->end)
            return lex_error_at(lx, start, err, "unclosed string");
        unsigned char c = (unsigned char)*lx->p;
        if (c == '"') {
            lx->p++;
            return true;
        }
        if (c == '\n' || c == '\r')
            return lex_error_at(lx, start, err, "unclosed string");
        if (c < 0x20 || c == 0x7F)
            return lex_error_at(lx, lx->p, err, "illegal control character in string");
        if (c >= 0x80) {
            size_t n = utf8_seq_len(lx->p, lx->end);
            if (!n)
                return lex_error_at(lx, lx->p, err, "malformed UTF-8 encoding");
            lx->p += n;
            continue;
        }
        if (c != '\\') {
            lx->p++;
            continue;
        }
        const char *esc = lx->p;
        lx->p++;
        if (lx->p >= lx->end)
            return lex_error_at(lx, start, err, "unclosed string");
        c = (unsigned char)*lx->p;
        switch (c) {
        case 't': case 'n': case 'r': case '"': case '\'': case '\\':
            lx->p++;
            continue;
        case 'u': {
            lx->p++;
            if (lx->p >= lx->end || *lx->p != '{')
                return lex_error_at(lx, esc, err, "illegal escape");
            lx->p++;
            uint32_t cp = 0;
            bool any = false, prev_underscore = false;
            while (lx->p < lx->end && (is_hexdigit((unsigned char)*lx->p) || *lx->p == '_')) {
                if (*lx->p == '_') {
                    if (!any || prev_underscore)
                        return lex_error_at(lx, esc, err, "illegal escape");
                    prev_underscore = true;
                } else {
                    unsigned char h = (unsigned char)*lx->p;
                    uint32_t d = h <= '9' ? (uint32_t)(h - '0') : (uint32_t)((h | 0x20) - 'a' + 10);
                    if (cp <= 0x10FFFF)
                        cp = cp * 16 + d;
                    any = true;
                    prev_underscore = false;
                }
                lx->p++;
            }
            if (!any || prev_underscore || lx->p >= lx->end || *lx->p != '}')
                return lex_error_at(lx, esc, err, "illegal escape");
            lx->p++;
            if (cp >= 0x110000 || (cp >= 0xD800 && cp < 0xE000))
                return lex_error_at(lx, esc, err, "malformed UTF-8 encoding");
            continue;
        }
        default:
            if (is_hexdigit(c) && lx->p + 1 < lx->end && is_hexdigit((unsigned char)lx->p[1])) {
                lx->p += 2;
                continue;
            }
            return lex_error_at(lx, esc, err, "illegal escape");
        }
    }
}

/* Skip a block comment starting at "(;", nesting. */
static bool skip_block_comment(struct lexer *lx, struct wisp_error *err)
{
    const char *start = lx->p;
    uint32_t start_line = lx->line;
    const char *start_line_start = lx->line_start;
    uint64_t depth = 0;
    while (lx->p < lx->end) {
        if (lx->p[0] == '(' && lx->p + 1 < lx->end && lx->p[1] == ';') {
            depth++;
            lx->p += 2;
        } else if (lx->p[0] == ';' && lx->p + 1 < lx->end && lx->p[1] == ')') {
            lx->p += 2;
            if (--depth == 0)
                return true;
        } else if (lx->p[0] == '\n' || lx->p[0] == '\r') {
            newline(lx);
        } else {
            lx->p++;
        }
    }
    lx->line = start_line;
    lx->line_start = start_line_start;
    return lex_error_at(lx, start, err, "unclosed comment");
}

static bool skip_line_comment(struct lexer *lx)
{
    while (lx->p < lx->end && *lx->p != '\n' && *lx->p != '\r')
        lx->p++;
    return true;
}

static bool skip_space(struct lexer *lx, struct wisp_error *err, bool annotations);

/* A character no token may contain, outside strings and comments: the
 * wording the spec's reference interpreter uses for it. */
static bool illegal_char(const struct lexer *lx, const char *p, struct wisp_error *err)
{
    if ((unsigned char)*p >= 0x80 && !utf8_seq_len(p, lx->end))
        return lex_error_at(lx, p, err, "malformed UTF-8 encoding");
    return lex_error_at(lx, p, err, "illegal character");
}

/* What the string token str (its quotes included) names, as an id must
 * be: NAME_OK, or NAME_EMPTY or NAME_BAD_UTF8. */
enum string_name { NAME_OK, NAME_EMPTY, NAME_BAD_UTF8 };
static enum string_name string_name(const char *text, uint32_t len)
{
    struct buf name = {0};
    struct token str = {.kind = TOK_STRING, .text = text, .len = len};
    tok_string(&str, &name);
    enum string_name r = name.len == 0 ? NAME_EMPTY : utf8_valid(name.data, name.len) ? NAME_OK : NAME_BAD_UTF8;
    buf_free(&name);
    return r;
}

/* The id of an annotation, just after "(@": a run of idchars or a string
 * naming a non-empty, valid UTF-8 name (the text format's rule for ids). */
static bool scan_annotation_id(struct lexer *lx, struct wisp_error *err)
{
    const char *start = lx->p;
    if (lx->p < lx->end && *lx->p == '"') {
        struct wisp_error ignored;
        if (!scan_string(lx, &ignored)) /* "(@" and no string: no id at all */
            return lex_error_at(lx, start - 2, err, "empty annotation id");
        enum string_name r = string_name(start, (uint32_t)(lx->p - start));
        if (r == NAME_EMPTY)
            return lex_error_at(lx, start - 2, err, "empty annotation id");
        return r == NAME_OK || lex_error_at(lx, start, err, "malformed UTF-8 encoding");
    }
    while (lx->p < lx->end && is_idchar((unsigned char)*lx->p))
        lx->p++;
    return lx->p > start || lex_error_at(lx, start - 2, err, "empty annotation id");
}

/* Skip an annotation "(@id ...)": its tokens, with balanced parentheses;
 * strings and comments inside are skipped as such so their parentheses do
 * not count. */
static bool skip_annotation(struct lexer *lx, struct wisp_error *err)
{
    const char *start = lx->p;
    uint64_t depth = 1;
    lx->p += 2;
    if (!scan_annotation_id(lx, err))
        return false;
    while (depth) {
        /* Nested annotations are just parentheses here: no recursion. */
        if (!skip_space(lx, err, false))
            return false;
        if (lx->p >= lx->end)
            return lex_error_at(lx, start, err, "unclosed annotation");
        char c = *lx->p;
        if (c == '(') {
            depth++;
            lx->p++;
        } else if (c == ')') {
            depth--;
            lx->p++;
        } else if (c == '"') {
            if (!scan_string(lx, err))
                return false;
        } else if (is_idchar((unsigned char)c) || is_reserved_punct((unsigned char)c) || c == ';') {
            lx->p++;
        } else {
            return illegal_char(lx, lx->p, err);
        }
    }
    return true;
}

/* Skip white space, comments and (when asked) annotations. */
static bool skip_space(struct lexer *lx, struct wisp_error *err, bool annotations)
{
    while (lx->p < lx->end) {
        char c = *lx->p;
        char next = lx->p + 1 < lx->end ? lx->p[1] : 0;
        if (c == ' ' || c == '\t') {
            lx->p++;
        } else if (c == '\n' || c == '\r') {
            newline(lx);
        } else if (c == ';' && next == ';') {
            skip_line_comment(lx);
        } else if (c == '(' && next == ';') {
            if (!skip_block_comment(lx, err))
                return false;
        } else if (annotations && c == '(' && next == '@') {
            if (!skip_annotation(lx, err))
                return false;
        } else {
            break;
        }
    }
    return true;
}

/* $"...": an id written as a string, which must name a non-empty, valid
 * UTF-8 name. */
static bool quoted_id(const struct lexer *lx, struct token *t, struct wisp_error *err)
{
    enum string_name r = string_name(t->text + 1, t->len - 1);
    if (r == NAME_EMPTY)
        return lex_error_at(lx, t->text, err, "empty identifier");
    if (r == NAME_BAD_UTF8)
        return lex_error_at(lx, t->text, err, "malformed UTF-8 encoding");
    t->kind = TOK_ID;
    return true;
}

static bool lex_token(struct lexer *lx, struct token *t, struct wisp_error *err)
{
    if (!skip_space(lx, err, true))
        return false;
    memset(t, 0, sizeof *t);
    t->text = lx->p;
    t->line = lx->line;
    t->col = col_of(lx, lx->p);
    if (lx->p >= lx->end) {
        t->kind = TOK_EOF;
        return true;
    }
    unsigned char c = (unsigned char)*lx->p;
    if (c == '(' || c == ')') {
        t->kind = c == '(' ? TOK_LPAREN : TOK_RPAREN;
        t->len = 1;
        lx->p++;
        return true;
    }
    /* A maximal run of idchars and strings: one string, one idchar token, or
     * (anything glued together) a reserved token. */
    uint32_t nstrings = 0, nidchars = 0;
    bool reserved = false;
    while (lx->p < lx->end) {
        c = (unsigned char)*lx->p;
        if (c == '"') {
            /* "$" and no string after it: "$" alone, an empty id. */
            if (!scan_string(lx, err))
                return nidchars == 1 && *t->text == '$' ? lex_error_at(lx, t->text, err, "empty identifier") : false;
            nstrings++;
        } else if (is_idchar(c)) {
            lx->p++;
            nidchars++;
        } else if (is_reserved_punct(c) || (c == ';' && !(lx->p + 1 < lx->end && lx->p[1] == ';'))) {
            lx->p++;
            reserved = true;
        } else {
            break;
        }
    }
    if (lx->p == t->text) {
        return illegal_char(lx, lx->p, err);
    }
    if ((size_t)(lx->p - t->text) > UINT32_MAX)
        return lex_error_at(lx, t->text, err, "token too long");
    t->len = (uint32_t)(lx->p - t->text);
    if (!reserved && nstrings == 1 && nidchars == 1 && t->text[0] == '$' && t->text[1] == '"')
        return quoted_id(lx, t, err);
    if (reserved || (nstrings && nidchars) || nstrings > 1)
        t->kind = TOK_RESERVED;
    else if (nstrings)
        t->kind = TOK_STRING;
    else if (t->len == 1 && t->text[0] == '$')
        return lex_error_at(lx, t->text, err, "empty identifier");
    else
        t->kind = lex_classify(t->text, t->len);
    return true;
}

bool lexer_next(struct lexer *lx, struct token *t, struct wisp_error *err)
{
    if (lx->npeeked) {
        *t = lx->peeked[0];
        lx->peeked[0] = lx->peeked[1];
        lx->npeeked--;
        return true;
    }
    return lex_token(lx, t, err);
}

bool lexer_peek(struct lexer *lx, int n, struct token *t, struct wisp_error *err)
{
    if (n < 0 || n > 1)
        return err_set(err, WISP_ERR_MALFORMED, -1, "lexer lookahead out of range");
    while (lx->npeeked <= n) {
        if (!lex_token(lx, &lx->peeked[lx->npeeked], err))
            return false;
        lx->npeeked++;
    }
    *t = lx->peeked[n];
    return true;
}

bool tok_keyword_is(const struct token *t, const char *kw)
{
    size_t n = strlen(kw);
    return t->kind == TOK_KEYWORD && t->len == n && memcmp(t->text, kw, n) == 0;
}

static uint32_t hexval(unsigned char h) { return h <= '9' ? (uint32_t)(h - '0') : (uint32_t)((h | 0x20) - 'a' + 10); }

static void put_utf8(struct buf *out, uint32_t cp)
{
    if (cp < 0x80) {
        buf_byte(out, (uint8_t)cp);
    } else if (cp < 0x800) {
        buf_byte(out, (uint8_t)(0xC0 | (cp >> 6)));
        buf_byte(out, (uint8_t)(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        buf_byte(out, (uint8_t)(0xE0 | (cp >> 12)));
        buf_byte(out, (uint8_t)(0x80 | ((cp >> 6) & 0x3F)));
        buf_byte(out, (uint8_t)(0x80 | (cp & 0x3F)));
    } else {
        buf_byte(out, (uint8_t)(0xF0 | (cp >> 18)));
        buf_byte(out, (uint8_t)(0x80 | ((cp >> 12) & 0x3F)));
        buf_byte(out, (uint8_t)(0x80 | ((cp >> 6) & 0x3F)));
        buf_byte(out, (uint8_t)(0x80 | (cp & 0x3F)));
    }
}

bool tok_string(const struct token *t, struct buf *out)
{
    if (t->kind != TOK_STRING || t->len < 2)
        return false;
    const char *p = t->text + 1, *end = t->text + t->len - 1;
    while (p < end) {
        if (*p != '\\') {
            const char *q = p;
            while (q < end && *q != '\\')
                q++;
            buf_bytes(out, p, (size_t)(q - p));
            p = q;
            continue;
        }
        p++;
        if (p >= end)
            return false;
        char c = *p++;
        switch (c) {
        case 't': buf_byte(out, '\t'); break;
        case 'n': buf_byte(out, '\n'); break;
        case 'r': buf_byte(out, '\r'); break;
        case '"': buf_byte(out, '"'); break;
        case '\'': buf_byte(out, '\''); break;
        case '\\': buf_byte(out, '\\'); break;
        case 'u': {
            if (p >= end || *p != '{')
                return false;
            p++;
            uint32_t cp = 0;
            while (p < end && *p != '}') {
                if (*p != '_') {
                    if (!is_hexdigit((unsigned char)*p))
                        return false;
                    if (cp <= 0x10FFFF)
                        cp = cp * 16 + hexval((unsigned char)*p);
                }
                p++;
            }
            if (p >= end || cp >= 0x110000 || (cp >= 0xD800 && cp < 0xE000))
                return false;
            p++;
            put_utf8(out, cp);
            break;
        }
        default:
            if (!is_hexdigit((unsigned char)c) || p >= end || !is_hexdigit((unsigned char)*p))
                return false;
            buf_byte(out, (uint8_t)(hexval((unsigned char)c) * 16 + hexval((unsigned char)*p)));
            p++;
            break;
        }
    }
    return true;
}

const char *id_name(const char *s, uint32_t n, struct buf *scratch, uint32_t *len)
{
    if (n < 2 || s[1] != '"') {
        *len = n ? n - 1 : 0;
        return s + (n ? 1 : 0);
    }
    struct token str = {.kind = TOK_STRING, .text = s + 1, .len = n - 1};
    scratch->len = 0;
    tok_string(&str, scratch);
    buf_reserve(scratch, 1); /* data is never NULL, even for no bytes */
    *len = (uint32_t)scratch->len;
    return (const char *)scratch->data;
}

bool ids_equal(const char *a, uint32_t alen, const char *b, uint32_t blen)
{
    if ((alen < 2 || a[1] != '"') && (blen < 2 || b[1] != '"'))
        return alen == blen && memcmp(a, b, alen) == 0;
    struct buf sa = {0}, sb = {0};
    uint32_t na, nb;
    const char *x = id_name(a, alen, &sa, &na), *y = id_name(b, blen, &sb, &nb);
    bool same = na == nb && memcmp(x, y, na) == 0;
    buf_free(&sa);
    buf_free(&sb);
    return same;
}

bool lexer_skip_rest(struct lexer *lx, struct wisp_error *err)
{
    uint64_t depth = 1;
    struct token t;
    while (depth) {
        if (!lexer_next(lx, &t, err))
            return false;
        if (t.kind == TOK_LPAREN)
            depth++;
        else if (t.kind == TOK_RPAREN)
            depth--;
        else if (t.kind == TOK_EOF)
            return lexer_error(lx, &t, err, "unexpected end");
    }
    return true;
}

/* ---- recovery: skipping text that does not parse ---- */

/* A string as raw text, from its opening quote: to the closing quote, or
 * to the end of the line when it has none (the lexer's error, not ours). */
static void raw_skip_string(struct lexer *lx)
{
    lx->p++;
    while (lx->p < lx->end && *lx->p != '"' && *lx->p != '\n' && *lx->p != '\r')
        lx->p += *lx->p == '\\' && lx->p + 1 < lx->end && lx->p[1] != '\n' && lx->p[1] != '\r' ? 2 : 1;
    if (lx->p < lx->end && *lx->p == '"')
        lx->p++;
}

bool lexer_skip_form(struct lexer *lx, uint32_t depth, struct wisp_error *err)
{
    if (lx->npeeked) { /* read the looked-ahead tokens again, as text */
        const struct token *t = &lx->peeked[0];
        lx->p = t->text;
        lx->line = t->line;
        lx->line_start = t->text - (t->col - 1);
        lx->npeeked = 0;
    }
    /* Where the outermost form still open started, for the error. */
    const char *open = NULL;
    uint32_t open_line = 0;
    const char *open_line_start = NULL;
    do {
        if (!skip_space(lx, err, false))
            return false;
        if (lx->p >= lx->end) {
            if (open) {
                lx->line = open_line;
                lx->line_start = open_line_start;
            }
            return lex_error_at(lx, open ? open : lx->p, err,
                                open ? "unexpected end: this \"(\" is never closed" : "unexpected end");
        }
        char c = *lx->p;
        if (c == '(') {
            if (!depth++ && !open) {
                open = lx->p;
                open_line = lx->line;
                open_line_start = lx->line_start;
            }
            lx->p++;
        } else if (c == ')') {
            if (depth)
                depth--;
            lx->p++;
        } else if (c == '"') {
            raw_skip_string(lx);
        } else {
            /* An atom: up to space, a parenthesis, a string or a comment. */
            do
                lx->p++;
            while (lx->p < lx->end && !strchr(" \t\n\r()\";", *lx->p));
        }
    } while (depth);
    return true;
}

