/* The .wast script parser: turns a spec test script into the command list of
 * script.h. Modules go through the text parser; a module that does not parse
 * is kept with its error (assert_malformed expects exactly that), so only a
 * syntax error in the script's own structure fails the whole script. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "text/wat.h"
#include "wast/script.h"

struct sp {
    struct lexer lx;
    struct wisp_error *err;
};

static bool sp_fail(struct sp *p, const struct token *t, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool sp_fail(struct sp *p, const struct token *t, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return lexer_error(&p->lx, t, p->err, "%s", msg);
}

static bool sp_unexpected(struct sp *p, const struct token *t)
{
    if (t->kind == TOK_EOF)
        return sp_fail(p, t, "unexpected end");
    if (t->kind == TOK_RESERVED)
        return sp_fail(p, t, "unknown operator");
    return sp_fail(p, t, "unexpected token");
}

static bool sp_next(struct sp *p, struct token *t) { return lexer_next(&p->lx, t, p->err); }
static bool sp_peek(struct sp *p, int n, struct token *t) { return lexer_peek(&p->lx, n, t, p->err); }

static bool sp_expect(struct sp *p, uint8_t kind, struct token *t)
{
    if (!sp_next(p, t))
        return false;
    return t->kind == kind || sp_unexpected(p, t);
}

static bool sp_rparen(struct sp *p)
{
    struct token t;
    return sp_expect(p, TOK_RPAREN, &t);
}

static bool sp_keyword(struct sp *p, const char *kw)
{
    struct token t;
    if (!sp_next(p, &t))
        return false;
    return tok_keyword_is(&t, kw) || sp_unexpected(p, &t);
}

/* A string token, decoded, as a NUL-terminated copy. */
static bool sp_string(struct sp *p, char **out, uint32_t *len)
{
    struct token t;
    struct buf b = {0};
    if (!sp_expect(p, TOK_STRING, &t))
        return false;
    if (!tok_string(&t, &b)) {
        buf_free(&b);
        return sp_fail(p, &t, "malformed string");
    }
    if (b.len > UINT32_MAX - 1) {
        buf_free(&b);
        return sp_fail(p, &t, "string too long");
    }
    buf_byte(&b, 0);
    *out = (char *)b.data;
    if (len)
        *len = (uint32_t)b.len - 1;
    return true;
}

/* An optional $id, copied. */
static bool sp_opt_id(struct sp *p, char **out)
{
    struct token t;
    *out = NULL;
    if (!sp_peek(p, 0, &t))
        return false;
    if (t.kind != TOK_ID)
        return true;
    sp_next(p, &t);
    *out = xstrndup(t.text, t.len);
    return true;
}


/* "(module" already consumed; line is the line of its "(". */
static bool parse_module(struct sp *p, struct wast_module *m, uint32_t line)
{
    struct token t0, t1;
    memset(m, 0, sizeof *m);
    m->line = line;
    if (!sp_peek(p, 0, &t0) || !sp_peek(p, 1, &t1))
        return false;
    const struct token *form = t0.kind == TOK_ID ? &t1 : &t0;
    m->form = tok_keyword_is(form, "binary") ? WM_BINARY : tok_keyword_is(form, "quote") ? WM_QUOTE : WM_TEXT;
    if (t0.kind == TOK_ID)
        m->id = xstrndup(t0.text, t0.len);
    struct lexer saved = p->lx;
    struct token id;
    m->parse_ok = wat_parse_module(&p->lx, &m->bytes, &id, &m->parse_error);
    if (m->parse_ok)
        return true;
    buf_free(&m->bytes);
    /* Resynchronise after the module; a lexical error here is the script's. */
    p->lx = saved;
    return lexer_skip_rest(&p->lx, p->err);
}

/* The value kinds of consts: returns false (no error) if the keyword is not
 * a const instruction. */
static bool parse_lane_pattern(struct sp *p, const struct token *t, bool is_f32, bool expected, uint8_t *nan,
                               uint64_t *bits)
{
    *nan = NAN_NONE;
    if (expected && tok_keyword_is(t, "nan:canonical")) {
        *nan = NAN_CANONICAL;
        *bits = 0;
        return true;
    }
    if (expected && tok_keyword_is(t, "nan:arithmetic")) {
        *nan = NAN_ARITHMETIC;
        *bits = 0;
        return true;
    }
    if (t->kind != TOK_NAT && t->kind != TOK_INT && t->kind != TOK_FLOAT)
        return sp_unexpected(p, t);
    bool ok;
    if (is_f32) {
        uint32_t b;
        ok = tok_f32(t, &b);
        *bits = b;
    } else {
        ok = tok_f64(t, bits);
    }
    return ok || sp_fail(p, t, "constant out of range");
}

static bool parse_v128(struct sp *p, struct wast_value *v, bool expected)
{
    struct token shape, t;
    if (!sp_next(p, &shape))
        return false;
    unsigned lanes, bits;
    bool is_float;
    if (!tok_v128_shape(&shape, &lanes, &bits, &is_float))
        return sp_unexpected(p, &shape);
    v->kind = WV_V128;
    bool any_nan = false;
    for (unsigned i = 0; i < lanes; i++) {
        uint64_t x;
        if (!sp_next(p, &t))
            return false;
        if (t.kind == TOK_RPAREN)
            return sp_fail(p, &t, "wrong number of lane literals");
        if (is_float) {
            uint8_t nan;
            if (!parse_lane_pattern(p, &t, bits == 32, expected, &nan, &x))
                return false;
            v->lane_nan[i] = nan;
            any_nan |= nan != NAN_NONE;
        } else {
            if (t.kind != TOK_NAT && t.kind != TOK_INT)
                return sp_unexpected(p, &t);
            if (!tok_int_bits(&t, bits, &x))
                return sp_fail(p, &t, "constant out of range");
        }
        for (unsigned k = 0; k < bits / 8; k++)
            v->u.v128[i * (bits / 8) + k] = (uint8_t)(x >> (8 * k));
    }
    if (any_nan)
        v->shape = (uint8_t)lanes;
    return true;
}

static bool parse_value(struct sp *p, struct wast_value *v, bool expected);

/* "(either" consumed: the alternatives, each one expected value. */
static bool parse_either(struct sp *p, struct wast_value *v)
{
    struct token t, kw;
    uint32_t cap = 0;
    v->kind = WV_EITHER;
    for (;;) {
        if (!sp_peek(p, 0, &t) || !sp_peek(p, 1, &kw))
            return false;
        if (t.kind != TOK_LPAREN)
            break;
        if (tok_keyword_is(&kw, "either")) /* (no nesting, so no deep recursion) */
            return sp_unexpected(p, &kw);
        VEC_GROW(v->u.either.values, v->u.either.n, cap);
        if (!parse_value(p, &v->u.either.values[v->u.either.n++], true))
            return false;
    }
    return v->u.either.n > 0 || sp_unexpected(p, &t);
}

/* One "(const ...)" value; expected enables the result-only patterns. */
static bool parse_value(struct sp *p, struct wast_value *v, bool expected)
{
    struct token kw, t;
    memset(v, 0, sizeof *v);
    if (!sp_expect(p, TOK_LPAREN, &t) || !sp_next(p, &kw))
        return false;
    bool is_i32 = tok_keyword_is(&kw, "i32.const"), is_i64 = tok_keyword_is(&kw, "i64.const");
    bool is_f32 = tok_keyword_is(&kw, "f32.const"), is_f64 = tok_keyword_is(&kw, "f64.const");
    if (is_i32 || is_i64) {
        if (!sp_next(p, &t))
            return false;
        if (t.kind != TOK_NAT && t.kind != TOK_INT)
            return sp_unexpected(p, &t);
        v->kind = is_i32 ? WV_I32 : WV_I64;
        if (!tok_int_bits(&t, is_i32 ? 32 : 64, &v->u.i64))
            return sp_fail(p, &t, "constant out of range");
    } else if (is_f32 || is_f64) {
        if (!sp_next(p, &t))
            return false;
        v->kind = is_f32 ? WV_F32 : WV_F64;
        if (!parse_lane_pattern(p, &t, is_f32, expected, &v->nan, &v->u.i64))
            return false;
    } else if (tok_keyword_is(&kw, "v128.const")) {
        if (!parse_v128(p, v, expected))
            return false;
    } else if (tok_keyword_is(&kw, "ref.null")) {
        if (!sp_next(p, &t))
            return false;
        v->kind = WV_REF_NULL;
        if (tok_keyword_is(&t, "func") || tok_keyword_is(&t, "funcref"))
            v->reftype = VT_FUNCREF;
        else if (tok_keyword_is(&t, "extern") || tok_keyword_is(&t, "externref"))
            v->reftype = VT_EXTERNREF;
        else
            return sp_unexpected(p, &t);
    } else if (tok_keyword_is(&kw, "ref.extern")) {
        if (!sp_peek(p, 0, &t))
            return false;
        if (t.kind == TOK_RPAREN && expected) {
            v->kind = WV_REF_EXTERN_ANY;
        } else {
            sp_next(p, &t);
            if (t.kind != TOK_NAT)
                return sp_unexpected(p, &t);
            if (!tok_u64(&t, &v->u.i64))
                return sp_fail(p, &t, "constant out of range");
            v->kind = WV_REF_EXTERN;
        }
    } else if (tok_keyword_is(&kw, "either") && expected) {
        if (!parse_either(p, v))
            return false;
    } else if (tok_keyword_is(&kw, "ref.func") && expected) {
        if (!sp_peek(p, 0, &t))
            return false;
        if (t.kind == TOK_ID || t.kind == TOK_NAT)
            sp_next(p, &t); /* which function is not checked */
        v->kind = WV_REF_FUNC;
    } else {
        return sp_unexpected(p, &kw);
    }
    return sp_rparen(p);
}

/* "(invoke ...)" or "(get ...)", the "(" consumed. */
static bool parse_action(struct sp *p, struct wast_action *a)
{
    struct token kw, t;
    memset(a, 0, sizeof *a);
    if (!sp_next(p, &kw))
        return false;
    if (tok_keyword_is(&kw, "invoke"))
        a->kind = WA_INVOKE;
    else if (tok_keyword_is(&kw, "get"))
        a->kind = WA_GET;
    else
        return sp_unexpected(p, &kw);
    if (!sp_opt_id(p, &a->module_id) || !sp_string(p, &a->field.str, &a->field.len))
        return false;
    uint32_t cap = 0;
    for (;;) {
        if (!sp_peek(p, 0, &t))
            return false;
        if (t.kind != TOK_LPAREN || a->kind == WA_GET)
            break;
        VEC_GROW(a->args, a->nargs, cap);
        if (!parse_value(p, &a->args[a->nargs++], false))
            return false;
    }
    return sp_rparen(p);
}

/* "(" action or "(module ...)" for assertions that accept either. */
static bool parse_action_or_module(struct sp *p, struct wast_command *c, bool module_ok)
{
    struct token t;
    struct token lp;
    if (!sp_expect(p, TOK_LPAREN, &lp) || !sp_peek(p, 0, &t))
        return false;
    if (tok_keyword_is(&t, "module")) {
        if (!module_ok)
            return sp_unexpected(p, &t);
        sp_next(p, &t);
        c->has_module = true;
        return parse_module(p, &c->module, lp.line);
    }
    c->has_action = true;
    return parse_action(p, &c->action);
}

static bool parse_module_arg(struct sp *p, struct wast_command *c)
{
    struct token t;
    if (!sp_expect(p, TOK_LPAREN, &t) || !sp_keyword(p, "module"))
        return false;
    c->has_module = true;
    return parse_module(p, &c->module, t.line);
}

static bool parse_command(struct sp *p, struct wast_command *c)
{
    struct token lp, kw, t;
    memset(c, 0, sizeof *c);
    if (!sp_expect(p, TOK_LPAREN, &lp))
        return false;
    c->line = lp.line;
    if (!sp_peek(p, 0, &kw))
        return false;
    if (tok_keyword_is(&kw, "module")) {
        sp_next(p, &kw);
        c->kind = WC_MODULE;
        c->has_module = true;
        return parse_module(p, &c->module, lp.line);
    }
    if (tok_keyword_is(&kw, "invoke") || tok_keyword_is(&kw, "get")) {
        c->kind = WC_ACTION;
        c->has_action = true;
        return parse_action(p, &c->action);
    }
    sp_next(p, &kw);
    if (tok_keyword_is(&kw, "register")) {
        c->kind = WC_REGISTER;
        return sp_string(p, &c->register_name, NULL) && sp_opt_id(p, &c->register_id) && sp_rparen(p);
    }
    if (tok_keyword_is(&kw, "assert_return")) {
        c->kind = WC_ASSERT_RETURN;
        if (!parse_action_or_module(p, c, false))
            return false;
        uint32_t cap = 0;
        for (;;) {
            if (!sp_peek(p, 0, &t))
                return false;
            if (t.kind != TOK_LPAREN)
                break;
            VEC_GROW(c->expected, c->nexpected, cap);
            if (!parse_value(p, &c->expected[c->nexpected++], true))
                return false;
        }
        return sp_rparen(p);
    }
    bool ok;
    if (tok_keyword_is(&kw, "assert_trap")) {
        c->kind = WC_ASSERT_TRAP;
        ok = parse_action_or_module(p, c, true);
        /* A module that traps while instantiating (the 2.0 spelling). */
        if (ok && c->has_module)
            c->kind = WC_ASSERT_UNINSTANTIABLE;
    } else if (tok_keyword_is(&kw, "assert_exhaustion")) {
        c->kind = WC_ASSERT_EXHAUSTION;
        ok = parse_action_or_module(p, c, false);
    } else if (tok_keyword_is(&kw, "assert_malformed")) {
        c->kind = WC_ASSERT_MALFORMED;
        ok = parse_module_arg(p, c);
    } else if (tok_keyword_is(&kw, "assert_invalid")) {
        c->kind = WC_ASSERT_INVALID;
        ok = parse_module_arg(p, c);
    } else if (tok_keyword_is(&kw, "assert_unlinkable")) {
        c->kind = WC_ASSERT_UNLINKABLE;
        ok = parse_module_arg(p, c);
    } else if (tok_keyword_is(&kw, "assert_uninstantiable")) {
        c->kind = WC_ASSERT_UNINSTANTIABLE;
        ok = parse_module_arg(p, c);
    } else {
        return sp_unexpected(p, &kw);
    }
    return ok && sp_string(p, &c->text, NULL) && sp_rparen(p);
}

static void free_action(struct wast_action *a)
{
    free(a->module_id);
    free(a->field.str);
    free(a->args);
}

static void free_command(struct wast_command *c)
{
    free(c->module.id);
    buf_free(&c->module.bytes);
    free_action(&c->action);
    for (uint32_t i = 0; i < c->nexpected; i++)
        if (c->expected[i].kind == WV_EITHER)
            free(c->expected[i].u.either.values);
    free(c->expected);
    free(c->text);
    free(c->register_name);
    free(c->register_id);
}

void wast_script_free(struct wast_script *s)
{
    for (uint32_t i = 0; i < s->ncommands; i++)
        free_command(&s->commands[i]);
    free(s->commands);
    memset(s, 0, sizeof *s);
}

static bool is_module_field(const struct token *t)
{
    static const char *const fields[] = {"type", "import", "func", "table", "memory",
                                         "global", "export", "start", "elem", "data"};
    for (size_t i = 0; i < ARRAY_LEN(fields); i++)
        if (tok_keyword_is(t, fields[i]))
            return true;
    return false;
}

bool wast_parse(const char *text, size_t len, const char *source, struct wast_script *out, struct wisp_error *err)
{
    struct sp p = {.err = err};
    lexer_init(&p.lx, text, len, source);
    memset(out, 0, sizeof *out);
    out->source = source;
    uint32_t cap = 0;
    struct token t, kw;
    /* A script may also be a bare module: its fields, no commands. */
    if (!sp_peek(&p, 0, &t) || !sp_peek(&p, 1, &kw))
        goto fail;
    if (t.kind == TOK_LPAREN && is_module_field(&kw)) {
        out->commands = xcalloc(1, sizeof *out->commands);
        out->ncommands = 1;
        struct wast_command *c = &out->commands[0];
        c->kind = WC_MODULE;
        c->line = t.line;
        c->has_module = true;
        c->module.form = WM_TEXT;
        c->module.line = t.line;
        c->module.parse_ok = wat_parse_module_text(&p.lx, &c->module.bytes, &c->module.parse_error);
        if (!c->module.parse_ok)
            buf_free(&c->module.bytes);
        return true;
    }
    for (;;) {
        if (!sp_peek(&p, 0, &t))
            goto fail;
        if (t.kind == TOK_EOF)
            return true;
        VEC_GROW(out->commands, out->ncommands, cap);
        struct wast_command *c = &out->commands[out->ncommands++];
        if (!parse_command(&p, c))
            goto fail;
    }
fail:
    wast_script_free(out);
    return false;
}
