/* The .wast script parser: turns a spec test script into the command list of
 * script.h. Modules go through the text parser; a module that does not parse
 * is kept with its error (assert_malformed expects exactly that). A command
 * the parser cannot read or does not know is kept too, as a command that
 * fails when run, and parsing resumes after its closing parenthesis: one
 * bad command never costs the rest of the script. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "text/wat.h"
#include "wast/script.h"

struct sp {
    struct lexer lx;
    struct wisp_error *err;
    bool unknown; /* the error is that the command is not one we run */
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
    return sp_fail(p, t, "unexpected token %.*s", (int)(t->len > 40 ? 40 : t->len), t->text);
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

/* A module or instance name as the runner compares them: "$" and the name
 * the id stands for ($a and $"a" are one name), with "\" and bytes below
 * 0x20 escaped so that the copy is a C string naming exactly one id. */
static char *script_id(const struct token *t)
{
    struct buf scratch = {0}, out = {0};
    uint32_t len;
    const char *name = id_name(t->text, t->len, &scratch, &len);
    buf_byte(&out, '$');
    for (uint32_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)name[i];
        if (ch < 0x20 || ch == '\\') {
            char esc[4];
            snprintf(esc, sizeof esc, "\\%02x", ch);
            buf_bytes(&out, esc, 3);
        } else {
            buf_byte(&out, ch);
        }
    }
    buf_byte(&out, 0);
    buf_free(&scratch);
    return (char *)out.data;
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
    *out = script_id(&t);
    return true;
}

/* ---- modules ---- */

/* "(module" already consumed; line is the line of its "(". Reads
 * `definition? $id? (binary|quote)? ...` through the closing ")". */
static bool parse_module(struct sp *p, struct wast_module *m, uint32_t line)
{
    struct token t0, t1;
    memset(m, 0, sizeof *m);
    m->line = line;
    if (!sp_peek(p, 0, &t0))
        return false;
    if (tok_keyword_is(&t0, "instance"))
        return sp_fail(p, &t0, "a module instance is not a module an assertion can check");
    if (tok_keyword_is(&t0, "definition")) {
        sp_next(p, &t0);
        m->definition = true;
    }
    /* Look past the id only when there is one: "(module)" must not read
     * the next command's first token, whose lexical errors are its own. */
    if (!sp_peek(p, 0, &t0) || (t0.kind == TOK_ID && !sp_peek(p, 1, &t1)))
        return false;
    const struct token *form = t0.kind == TOK_ID ? &t1 : &t0;
    m->form = tok_keyword_is(form, "binary") ? WM_BINARY : tok_keyword_is(form, "quote") ? WM_QUOTE : WM_TEXT;
    if (t0.kind == TOK_ID)
        m->id = script_id(&t0);
    struct lexer saved = p->lx;
    struct token id;
    m->parse_ok = wat_parse_module(&p->lx, &m->bytes, &id, &m->parse_error);
    if (m->parse_ok)
        return true;
    buf_free(&m->bytes);
    /* Resynchronise after the module, whatever its text holds. */
    p->lx = saved;
    return lexer_skip_form(&p->lx, 1, p->err);
}

/* ---- values ---- */

static const char *const heap_names[] = {
    [WH_UNSPECIFIED] = "", [WH_FUNC] = "func", [WH_NOFUNC] = "nofunc", [WH_EXTERN] = "extern",
    [WH_NOEXTERN] = "noextern", [WH_ANY] = "any", [WH_EQ] = "eq", [WH_I31] = "i31",
    [WH_STRUCT] = "struct", [WH_ARRAY] = "array", [WH_NONE] = "none", [WH_EXN] = "exn",
    [WH_NOEXN] = "noexn",
};

const char *wast_heap_name(uint8_t heap) { return heap < ARRAY_LEN(heap_names) ? heap_names[heap] : "?"; }

/* An abstract heap type written as n bytes at s; false if it is none. */
static bool heap_of(const char *s, size_t n, uint8_t *heap)
{
    for (uint8_t h = WH_FUNC; h < ARRAY_LEN(heap_names); h++) {
        if (strlen(heap_names[h]) == n && memcmp(heap_names[h], s, n) == 0) {
            *heap = h;
            return true;
        }
    }
    return false;
}

/* Heap types that have non-null values, for the (ref.<heap>) patterns. */
static bool heap_has_values(uint8_t heap)
{
    return heap == WH_FUNC || heap == WH_EXTERN || heap == WH_ANY || heap == WH_EQ || heap == WH_I31 ||
           heap == WH_STRUCT || heap == WH_ARRAY || heap == WH_EXN;
}

/* A float lane or value, or in expected results a NaN pattern. */
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

/* "N" of ref.extern N and ref.host N. */
static bool parse_host_number(struct sp *p, struct wast_value *v)
{
    struct token t;
    if (!sp_next(p, &t))
        return false;
    if (t.kind != TOK_NAT)
        return sp_unexpected(p, &t);
    return tok_u64(&t, &v->u.i64) || sp_fail(p, &t, "constant out of range");
}

static bool parse_value(struct sp *p, struct wast_value *v, bool expected, bool either_ok);

/* Values up to the ")" that ends their list (not consumed), appended to
 * *vs. */
static bool parse_values(struct sp *p, struct wast_value **vs, uint32_t *n, bool expected, bool either_ok)
{
    struct token t;
    uint32_t cap = 0; /* the lists start empty */
    for (;;) {
        if (!sp_peek(p, 0, &t))
            return false;
        if (t.kind != TOK_LPAREN)
            return true;
        VEC_GROW(*vs, *n, cap);
        if (!parse_value(p, &(*vs)[(*n)++], expected, either_ok))
            return false;
    }
}

/* (either r ...), the keyword consumed: one or more alternatives. */
static bool parse_either(struct sp *p, struct wast_value *v, const struct token *kw)
{
    v->kind = WV_EITHER;
    if (!parse_values(p, &v->alts, &v->nalts, true, false))
        return false;
    return v->nalts > 0 || sp_fail(p, kw, "either without alternatives");
}

/* (ref.null heap?), (ref.extern N?), (ref.host N), (ref.<heap>), the
 * keyword consumed; all but ref.null <heap>, ref.extern N and ref.host N
 * are patterns, for expected results only. */
static bool parse_ref(struct sp *p, struct wast_value *v, const struct token *kw, bool expected)
{
    struct token t;
    if (!sp_peek(p, 0, &t))
        return false;
    bool bare = t.kind == TOK_RPAREN;
    if (tok_keyword_is(kw, "ref.null")) {
        v->kind = WV_REF_NULL;
        if (bare && expected)
            return true; /* (ref.null): a null of any type */
        sp_next(p, &t);
        if (t.kind != TOK_KEYWORD || !heap_of(t.text, t.len, &v->heap))
            return sp_unexpected(p, &t);
        return true;
    }
    if (tok_keyword_is(kw, "ref.host") || (tok_keyword_is(kw, "ref.extern") && !bare)) {
        v->kind = tok_keyword_is(kw, "ref.host") ? WV_REF_HOST : WV_REF_EXTERN;
        return parse_host_number(p, v);
    }
    if (!heap_of(kw->text + 4, kw->len - 4, &v->heap) || !heap_has_values(v->heap))
        return sp_unexpected(p, kw);
    if (!expected)
        return sp_fail(p, kw, "%.*s is a result pattern, not an argument", (int)kw->len, kw->text);
    v->kind = WV_REF;
    if (v->heap == WH_FUNC && (t.kind == TOK_ID || t.kind == TOK_NAT))
        sp_next(p, &t); /* (ref.func $f): which function is not checked */
    return true;
}

/* One "(const ...)" value; expected enables the result-only patterns. */
static bool parse_value(struct sp *p, struct wast_value *v, bool expected, bool either_ok)
{
    struct token kw, t;
    memset(v, 0, sizeof *v);
    if (!sp_expect(p, TOK_LPAREN, &t) || !sp_next(p, &kw))
        return false;
    bool is_i32 = tok_keyword_is(&kw, "i32.const"), is_i64 = tok_keyword_is(&kw, "i64.const");
    bool is_f32 = tok_keyword_is(&kw, "f32.const"), is_f64 = tok_keyword_is(&kw, "f64.const");
    bool ok;
    if (is_i32 || is_i64) {
        if (!sp_next(p, &t))
            return false;
        if (t.kind != TOK_NAT && t.kind != TOK_INT)
            return sp_unexpected(p, &t);
        v->kind = is_i32 ? WV_I32 : WV_I64;
        ok = tok_int_bits(&t, is_i32 ? 32 : 64, &v->u.i64) || sp_fail(p, &t, "constant out of range");
    } else if (is_f32 || is_f64) {
        v->kind = is_f32 ? WV_F32 : WV_F64;
        ok = sp_next(p, &t) && parse_lane_pattern(p, &t, is_f32, expected, &v->nan, &v->u.i64);
    } else if (tok_keyword_is(&kw, "v128.const")) {
        ok = parse_v128(p, v, expected);
    } else if (kw.kind == TOK_KEYWORD && kw.len > 4 && memcmp(kw.text, "ref.", 4) == 0) {
        ok = parse_ref(p, v, &kw, expected);
    } else if (tok_keyword_is(&kw, "either") && expected) {
        ok = either_ok ? parse_either(p, v, &kw) : sp_fail(p, &kw, "either inside either");
    } else {
        ok = sp_unexpected(p, &kw);
    }
    return ok && sp_rparen(p);
}

static void free_values(struct wast_value *v, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        free_values(v[i].alts, v[i].nalts);
    free(v);
}

/* ---- actions and commands ---- */

/* The rest of "(invoke ...)" or "(get ...)", its keyword kw consumed. */
static bool parse_action_rest(struct sp *p, struct wast_action *a, const struct token *kw)
{
    memset(a, 0, sizeof *a);
    if (tok_keyword_is(kw, "invoke"))
        a->kind = WA_INVOKE;
    else if (tok_keyword_is(kw, "get"))
        a->kind = WA_GET;
    else
        return sp_unexpected(p, kw);
    if (!sp_opt_id(p, &a->module_id) || !sp_string(p, &a->field.str, &a->field.len))
        return false;
    if (a->kind == WA_INVOKE && !parse_values(p, &a->args, &a->nargs, false, false))
        return false;
    return sp_rparen(p);
}

/* "(" action or "(module ...)" for assertions that accept either. */
static bool parse_action_or_module(struct sp *p, struct wast_command *c, bool module_ok)
{
    struct token lp, kw;
    if (!sp_expect(p, TOK_LPAREN, &lp) || !sp_next(p, &kw))
        return false;
    if (tok_keyword_is(&kw, "module")) {
        if (!module_ok)
            return sp_unexpected(p, &kw);
        c->has_module = true;
        return parse_module(p, &c->module, lp.line);
    }
    c->has_action = true;
    return parse_action_rest(p, &c->action, &kw);
}

static bool parse_module_arg(struct sp *p, struct wast_command *c)
{
    struct token t;
    if (!sp_expect(p, TOK_LPAREN, &t) || !sp_next(p, &t))
        return false;
    if (!tok_keyword_is(&t, "module"))
        return sp_unexpected(p, &t);
    c->has_module = true;
    return parse_module(p, &c->module, t.line);
}

/* Assertions of the form (keyword <module or action> "text"). */
static const struct {
    const char *name;
    uint8_t kind;
    bool action, module;
} assertions[] = {
    {"assert_trap", WC_ASSERT_TRAP, true, true},
    {"assert_exhaustion", WC_ASSERT_EXHAUSTION, true, false},
    {"assert_malformed", WC_ASSERT_MALFORMED, false, true},
    {"assert_invalid", WC_ASSERT_INVALID, false, true},
    {"assert_unlinkable", WC_ASSERT_UNLINKABLE, false, true},
    {"assert_uninstantiable", WC_ASSERT_UNINSTANTIABLE, false, true},
};

/* The command after its "(" and keyword kw. */
static bool parse_command_rest(struct sp *p, struct wast_command *c, const struct token *kw)
{
    struct token t;
    if (tok_keyword_is(kw, "module")) {
        if (!sp_peek(p, 0, &t))
            return false;
        if (tok_keyword_is(&t, "instance")) {
            sp_next(p, &t);
            c->kind = WC_MODULE_INSTANCE;
            return sp_opt_id(p, &c->instance_id) && sp_opt_id(p, &c->definition_id) && sp_rparen(p);
        }
        c->kind = WC_MODULE;
        c->has_module = true;
        return parse_module(p, &c->module, c->line);
    }
    if (tok_keyword_is(kw, "invoke") || tok_keyword_is(kw, "get")) {
        c->kind = WC_ACTION;
        c->has_action = true;
        return parse_action_rest(p, &c->action, kw);
    }
    if (tok_keyword_is(kw, "register")) {
        c->kind = WC_REGISTER;
        return sp_string(p, &c->register_name, NULL) && sp_opt_id(p, &c->instance_id) && sp_rparen(p);
    }
    if (tok_keyword_is(kw, "assert_return")) {
        c->kind = WC_ASSERT_RETURN;
        return parse_action_or_module(p, c, false) && parse_values(p, &c->expected, &c->nexpected, true, true) &&
               sp_rparen(p);
    }
    if (tok_keyword_is(kw, "assert_exception")) {
        c->kind = WC_ASSERT_EXCEPTION;
        return parse_action_or_module(p, c, false) && sp_rparen(p);
    }
    for (size_t i = 0; i < ARRAY_LEN(assertions); i++) {
        if (!tok_keyword_is(kw, assertions[i].name))
            continue;
        c->kind = assertions[i].kind;
        bool ok = assertions[i].action ? parse_action_or_module(p, c, assertions[i].module) : parse_module_arg(p, c);
        /* assert_trap on a module: it traps while instantiating. */
        if (ok && c->kind == WC_ASSERT_TRAP && c->has_module)
            c->kind = WC_ASSERT_UNINSTANTIABLE;
        return ok && sp_string(p, &c->text, NULL) && sp_rparen(p);
    }
    p->unknown = true;
    if (tok_keyword_is(kw, "script") || tok_keyword_is(kw, "input") || tok_keyword_is(kw, "output"))
        return sp_fail(p, kw, "meta command not supported");
    return sp_fail(p, kw, "unknown command");
}

static bool parse_command(struct sp *p, struct wast_command *c)
{
    struct token lp, kw;
    if (!sp_expect(p, TOK_LPAREN, &lp) || !sp_next(p, &kw))
        return false;
    if (kw.kind == TOK_KEYWORD)
        c->keyword = xstrndup(kw.text, kw.len);
    return parse_command_rest(p, c, &kw);
}

static void free_action(struct wast_action *a)
{
    free(a->module_id);
    free(a->field.str);
    free_values(a->args, a->nargs);
}

static void free_command(struct wast_command *c)
{
    free(c->module.id);
    buf_free(&c->module.bytes);
    free_action(&c->action);
    free_values(c->expected, c->nexpected);
    free(c->text);
    free(c->keyword);
    free(c->register_name);
    free(c->instance_id);
    free(c->definition_id);
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

/* "L:C: message" of a text error, as a C string. */
static char *where_and_why(const struct wisp_error *e, const char *prefix)
{
    char msg[sizeof e->message + 64];
    snprintf(msg, sizeof msg, "%s%u:%u: %s", prefix, e->line, e->column, e->message);
    return xstrndup(msg, strlen(msg));
}

/* Turn c, which failed to parse with *e, into a WC_BROKEN command. */
static void make_broken(struct wast_command *c, const struct wisp_error *e, bool unknown)
{
    char *keyword = c->keyword;
    uint32_t line = c->line ? c->line : e->line, col = c->line ? c->col : e->column;
    c->keyword = NULL;
    free_command(c);
    memset(c, 0, sizeof *c);
    c->kind = WC_BROKEN;
    c->line = line;
    c->col = col;
    c->keyword = keyword;
    /* An unknown command is its own reason; anything else is a place in it. */
    c->text = unknown ? xstrndup(e->message, strlen(e->message)) : where_and_why(e, "cannot read it: ");
}

void wast_parse(const char *text, size_t len, const char *source, struct wast_script *out)
{
    struct wisp_error err;
    struct sp p = {.err = &err};
    lexer_init(&p.lx, text, len, source);
    memset(out, 0, sizeof *out);
    out->source = source;
    uint32_t cap = 0;
    struct token t, kw;
    /* A script may also be a bare module: its fields, no commands. */
    if (sp_peek(&p, 0, &t) && sp_peek(&p, 1, &kw) && t.kind == TOK_LPAREN && is_module_field(&kw)) {
        out->commands = xcalloc(1, sizeof *out->commands);
        out->ncommands = 1;
        struct wast_command *c = &out->commands[0];
        c->kind = WC_MODULE;
        c->line = t.line;
        c->col = t.col;
        c->has_module = true;
        c->module.form = WM_TEXT;
        c->module.line = t.line;
        c->module.parse_ok = wat_parse_module_text(&p.lx, &c->module.bytes, &c->module.parse_error);
        if (!c->module.parse_ok)
            buf_free(&c->module.bytes);
        return;
    }
    for (;;) {
        struct lexer before = p.lx;
        bool ok = sp_peek(&p, 0, &t);
        if (ok && t.kind == TOK_EOF)
            return;
        VEC_GROW(out->commands, out->ncommands, cap);
        struct wast_command *c = &out->commands[out->ncommands++];
        memset(c, 0, sizeof *c);
        if (ok) {
            c->line = t.line;
            c->col = t.col;
            ok = t.kind == TOK_LPAREN ? parse_command(&p, c) : sp_fail(&p, &t, "a command must start with \"(\"");
        }
        if (ok)
            continue;
        make_broken(c, &err, p.unknown);
        p.unknown = false;
        /* Go on after the command, read again as text. */
        p.lx = before;
        if (!lexer_skip_form(&p.lx, 0, &err)) {
            free(c->text);
            c->text = where_and_why(&err, "the script cannot be read past here: ");
            return;
        }
    }
}
