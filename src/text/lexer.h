/* Tokens of the WebAssembly text format (and of .wast scripts, which share
 * it). Tokens point into the source text; numbers are converted on demand by
 * the literal functions so that one token can serve several types. */
#ifndef WISP_TEXT_LEXER_H
#define WISP_TEXT_LEXER_H

#include "base/common.h"

enum tok_kind {
    TOK_EOF,
    TOK_LPAREN,
    TOK_RPAREN,
    TOK_KEYWORD,  /* starts with a lowercase letter: module, i32.add, offset=4 */
    TOK_ID,       /* $name (text includes the $) */
    TOK_NAT,      /* unsigned integer literal */
    TOK_INT,      /* signed integer literal (+ or - sign) */
    TOK_FLOAT,    /* float literal, inf, nan, nan:0x... (with optional sign) */
    TOK_STRING,   /* "..." (text includes the quotes; see tok_string) */
    TOK_RESERVED, /* any other idchar run: an error wherever it appears */
};

struct token {
    uint8_t kind;
    const char *text; /* into the source */
    uint32_t len;
    uint32_t line, col; /* 1-based */
};

struct lexer {
    const char *src, *p, *end;
    const char *source_name; /* file name for errors */
    uint32_t line;
    const char *line_start;
    struct token peeked[2];
    int npeeked;
};

void lexer_init(struct lexer *lx, const char *src, size_t len, const char *source_name);
/* Next token, skipping white space, comments and annotations. Returns false on
 * a lexical error (unterminated string or comment, bad character), with a
 * WISP_ERR_MALFORMED error carrying line and column. */
bool lexer_next(struct lexer *lx, struct token *t, struct wisp_error *err);
/* Look ahead without consuming: n = 0 is the next token, 1 the one after. */
bool lexer_peek(struct lexer *lx, int n, struct token *t, struct wisp_error *err);
/* Set *err to a text error at the token's position (returns false). */
bool lexer_error(const struct lexer *lx, const struct token *t, struct wisp_error *err,
                 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Skip to the ")" closing an S-expression whose "(" is already consumed,
 * without recursion. */
bool lexer_skip_rest(struct lexer *lx, struct wisp_error *err);
/* Recovery after text that does not parse: skip raw text, so lexical
 * errors inside do not stop it (a string ends at its line's end at the
 * latest). Tokens looked ahead are read again. With depth 0, skips white
 * space and comments and then one item: an S-expression with balanced
 * parentheses, a string, a stray ")" or an atom; with depth > 0, skips to
 * the ")" closing `depth` S-expressions already open. Fails only at the end
 * of the text (a form never closed, a comment never closed). */
bool lexer_skip_form(struct lexer *lx, uint32_t depth, struct wisp_error *err);

/* Literals. Each returns false if the token is not a well-formed literal of
 * that type or is out of range (the caller reports the error). */
bool tok_u32(const struct token *t, uint32_t *out);        /* nat only */
bool tok_u64(const struct token *t, uint64_t *out);        /* nat only */
bool tok_i32(const struct token *t, uint32_t *out);        /* nat or int, signed or unsigned range */
bool tok_i64(const struct token *t, uint64_t *out);
bool tok_f32(const struct token *t, uint32_t *bits);       /* nat, int or float; exact rounding */
bool tok_f64(const struct token *t, uint64_t *bits);
bool tok_keyword_is(const struct token *t, const char *kw);
/* A v128 literal shape keyword (i8x16 ... f64x2): lane count and width. */
bool tok_v128_shape(const struct token *t, unsigned *lanes, unsigned *bits, bool *is_float);
/* Decode a string token's escapes into out (raw bytes, may contain NULs). */
bool tok_string(const struct token *t, struct buf *out);
/* The name an id stands for, given the id token's text s (n bytes, "$"
 * included): the characters after "$", or for a quoted id $"..." the
 * decoded string, written to *scratch (emptied first). $a and $"a" are one
 * id. Returns the bytes and sets *len. */
const char *id_name(const char *s, uint32_t n, struct buf *scratch, uint32_t *len);
/* Whether two id tokens' texts name the same id. */
bool ids_equal(const char *a, uint32_t alen, const char *b, uint32_t blen);

/* Parse a module starting just after "(module" (an optional $id may follow)
 * through its closing ")", producing the binary module. Handles the text form
 * and the `binary` and `quote` script forms (`quote` is parsed as text here).
 * *id receives the module's $id token if present (id->len == 0 otherwise).
 * Emits no "name" section, so that the bytes match wat2wasm's defaults. */
bool wat_parse_module(struct lexer *lx, struct buf *out, struct token *id, struct wisp_error *err);

#endif
