/* Runs a parsed .wast script against the library with the spec interpreter's
 * conventions: one store per script with the spectest module defined, modules
 * instantiated in order, actions invoked and their results or traps compared
 * with the script's expectations. Malformed and invalid modules must fail with
 * the suite's wording. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "api/api.h"
#include "wast/script.h"
#include "wast/spectest.h"

/* A module definition the script can name ("$id", or none): the decoded,
 * validated module, or, when it is not one, why (owned). */
struct definition {
    const char *id;
    struct module *m;
    char *why;
};

/* A module instance the script can name: "$id" -> instance. inst is NULL when
 * the module failed, and then why (owned) says so: later commands naming it
 * fail with that reason, and are not run against some other module. */
struct binding {
    const char *id;
    struct rt_instance *inst;
    char *why;
};

/* A result as it came back, typed. */
struct value {
    valtype_t type;
    union slot s[2];
};

struct runner {
    wisp_engine *engine;
    const struct wisp_wast_options *opt;
    FILE *log;
    bool verbose;
    const char *source;
    wisp_wast_result *res;

    struct rt_store *store;
    struct spectest_out spectest;
    /* Every module decoded so far: instances point into them, and a failed
     * instantiation may have left its functions in an imported table. */
    uint32_t nmodules, modules_cap;
    struct module **modules;
    /* Definitions and instances in order; the last of each is the one a
     * command without a name means. */
    uint32_t ndefinitions, definitions_cap;
    struct definition *definitions;
    uint32_t nbindings, bindings_cap;
    struct binding *bindings;

    /* Scratch for calls, grown as needed. */
    union slot *slots;
    size_t slots_cap;
    struct value *results;
    uint32_t results_cap;
};

/* ---- reporting ---------------------------------------------------------- */

static void report(struct runner *r, const struct wast_command *c, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void report(struct runner *r, const struct wast_command *c, const char *fmt, ...)
{
    fprintf(r->log, "%s:%u: ", r->source, c->line);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(r->log, fmt, ap);
    va_end(ap);
    fputc('\n', r->log);
}

static void bprintf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void bprintf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    buf_reserve(b, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

static const char *bstr(struct buf *b)
{
    buf_reserve(b, 1);
    b->data[b->len] = 0;
    return (const char *)b->data;
}

/* A name from the script, quoted, with unprintable bytes escaped. */
static void put_name(struct buf *b, const char *s, size_t n)
{
    bprintf(b, "\"");
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch < 0x20 || ch == '"' || ch == '\\' || ch >= 0x7F)
            bprintf(b, "\\%02x", ch);
        else
            bprintf(b, "%c", ch);
    }
    bprintf(b, "\"");
}

static void put_action(struct buf *b, const struct wast_action *a)
{
    bprintf(b, "%s ", a->kind == WA_INVOKE ? "invoke" : "get");
    if (a->module_id)
        bprintf(b, "%s ", a->module_id);
    put_name(b, a->field.str, a->field.len);
}

static float f32_of(uint32_t bits)
{
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

static double f64_of(uint64_t bits)
{
    double d;
    memcpy(&d, &bits, 8);
    return d;
}

static void put_f32_bits(struct buf *b, uint32_t bits)
{
    bprintf(b, "f32:0x%08" PRIx32 " (%.9g)", bits, (double)f32_of(bits));
}

static void put_f64_bits(struct buf *b, uint64_t bits)
{
    bprintf(b, "f64:0x%016" PRIx64 " (%.17g)", bits, f64_of(bits));
}

static const char *nan_name(uint8_t nan) { return nan == NAN_CANONICAL ? "nan:canonical" : "nan:arithmetic"; }

static void put_v128_words(struct buf *b, const uint8_t *bytes)
{
    bprintf(b, "v128:i32x4");
    for (int i = 0; i < 4; i++) {
        uint32_t w;
        memcpy(&w, bytes + 4 * i, 4);
        bprintf(b, " 0x%08" PRIx32, w);
    }
}

static void put_value(struct buf *b, const struct value *v)
{
    switch (v->type) {
    case VT_I32: bprintf(b, "i32:0x%08" PRIx32 " (%" PRId32 ")", v->s[0].i32, (int32_t)v->s[0].i32); break;
    case VT_I64: bprintf(b, "i64:0x%016" PRIx64 " (%" PRId64 ")", v->s[0].i64, (int64_t)v->s[0].i64); break;
    case VT_F32: put_f32_bits(b, v->s[0].i32); break;
    case VT_F64: put_f64_bits(b, v->s[0].i64); break;
    case VT_V128: put_v128_words(b, (const uint8_t *)v->s); break;
    case VT_FUNCREF:
        if (!v->s[0].ref) {
            bprintf(b, "ref.null func");
        } else {
            char name[128];
            bprintf(b, "ref.func %s", rt_func_describe(v->s[0].ref, name, sizeof name));
        }
        break;
    case VT_EXTERNREF:
        if (!v->s[0].ref)
            bprintf(b, "ref.null extern");
        else
            bprintf(b, "ref.extern %" PRIuPTR, (uintptr_t)v->s[0].ref - 1);
        break;
    case VT_EXNREF: bprintf(b, v->s[0].ref ? "ref.exn" : "ref.null exn"); break;
    default: bprintf(b, "<%s>", valtype_name(v->type)); break;
    }
}

static void put_expected(struct buf *b, const struct wast_value *e)
{
    switch (e->kind) {
    case WV_I32:
        bprintf(b, "i32:0x%08" PRIx32 " (%" PRId32 ")", (uint32_t)e->u.i64, (int32_t)(uint32_t)e->u.i64);
        break;
    case WV_I64: bprintf(b, "i64:0x%016" PRIx64 " (%" PRId64 ")", e->u.i64, (int64_t)e->u.i64); break;
    case WV_F32:
        if (e->nan)
            bprintf(b, "f32:%s", nan_name(e->nan));
        else
            put_f32_bits(b, (uint32_t)e->u.i64);
        break;
    case WV_F64:
        if (e->nan)
            bprintf(b, "f64:%s", nan_name(e->nan));
        else
            put_f64_bits(b, e->u.i64);
        break;
    case WV_V128:
        if (!e->shape) {
            put_v128_words(b, e->u.v128);
            break;
        }
        bprintf(b, "v128:%s", e->shape == 4 ? "f32x4" : "f64x2");
        for (unsigned i = 0; i < e->shape; i++) {
            if (e->lane_nan[i]) {
                bprintf(b, " %s", nan_name(e->lane_nan[i]));
            } else if (e->shape == 4) {
                uint32_t w;
                memcpy(&w, e->u.v128 + 4 * i, 4);
                bprintf(b, " 0x%08" PRIx32, w);
            } else {
                uint64_t w;
                memcpy(&w, e->u.v128 + 8 * i, 8);
                bprintf(b, " 0x%016" PRIx64, w);
            }
        }
        break;
    case WV_REF_NULL: bprintf(b, "ref.null%s%s", e->heap ? " " : "", wast_heap_name(e->heap)); break;
    case WV_REF_EXTERN: bprintf(b, "ref.extern %" PRIu64, e->u.i64); break;
    case WV_REF_HOST: bprintf(b, "ref.host %" PRIu64, e->u.i64); break;
    case WV_REF: bprintf(b, "ref.%s (any)", wast_heap_name(e->heap)); break;
    case WV_EITHER:
        bprintf(b, "either(");
        for (uint32_t i = 0; i < e->nalts; i++) {
            if (i)
                bprintf(b, " | ");
            put_expected(b, &e->alts[i]);
        }
        bprintf(b, ")");
        break;
    default: bprintf(b, "<value kind %u>", e->kind); break;
    }
}

static void put_values(struct buf *b, const struct value *v, uint32_t n)
{
    bprintf(b, "(");
    for (uint32_t i = 0; i < n; i++) {
        if (i)
            bprintf(b, ", ");
        put_value(b, &v[i]);
    }
    bprintf(b, ")");
}

static void put_expecteds(struct buf *b, const struct wast_value *v, uint32_t n)
{
    bprintf(b, "(");
    for (uint32_t i = 0; i < n; i++) {
        if (i)
            bprintf(b, ", ");
        put_expected(b, &v[i]);
    }
    bprintf(b, ")");
}

/* "kind: message", and where in the text for a text error. */
static void put_error_text(struct buf *b, const struct wisp_error *e)
{
    bprintf(b, "%s: %s", wisp_error_kind_name(e->kind), e->message);
    if (e->line)
        bprintf(b, " (at %" PRIu32 ":%" PRIu32 ")", e->line, e->column);
}

/* The error message plus, for a trap, the backtrace the store recorded. */
static void put_error(struct runner *r, struct buf *b, const struct wisp_error *e)
{
    put_error_text(b, e);
    if (e->kind != WISP_ERR_TRAP && e->kind != WISP_ERR_EXHAUSTION)
        return;
    /* Runaway recursion leaves long runs of one frame: print each run once. */
    const uint32_t max_lines = 12;
    const struct rt_trace_frame *trace = r->store->trace;
    uint32_t ntrace = r->store->ntrace, lines = 0, i = 0;
    for (; i < ntrace && lines < max_lines; lines++) {
        const struct rt_trace_frame *fr = &trace[i];
        uint32_t run = 1;
        while (i + run < ntrace && trace[i + run].func == fr->func && trace[i + run].offset == fr->offset)
            run++;
        char name[128];
        bprintf(b, "\n    at %s", fr->func ? rt_func_describe(fr->func, name, sizeof name) : "?");
        if (fr->func && fr->func->inst && fr->func->inst->name)
            bprintf(b, " in %s", fr->func->inst->name);
        if (fr->offset != UINT32_MAX)
            bprintf(b, ", byte 0x%" PRIx32, fr->offset);
        if (run > 1)
            bprintf(b, " (%" PRIu32 " frames)", run);
        i += run;
    }
    if (i < ntrace)
        bprintf(b, "\n    ... %" PRIu32 " more frames", ntrace - i);
}

static const char *command_name(uint8_t kind)
{
    switch (kind) {
    case WC_MODULE: return "module";
    case WC_MODULE_INSTANCE: return "module instance";
    case WC_REGISTER: return "register";
    case WC_ACTION: return "action";
    case WC_ASSERT_RETURN: return "assert_return";
    case WC_ASSERT_TRAP: return "assert_trap";
    case WC_ASSERT_EXHAUSTION: return "assert_exhaustion";
    case WC_ASSERT_EXCEPTION: return "assert_exception";
    case WC_ASSERT_MALFORMED: return "assert_malformed";
    case WC_ASSERT_INVALID: return "assert_invalid";
    case WC_ASSERT_UNLINKABLE: return "assert_unlinkable";
    case WC_ASSERT_UNINSTANTIABLE: return "assert_trap";
    case WC_BROKEN: break;
    }
    return "command";
}

/* The command as written, for the verbose log and failure lines. */
static void put_command(struct buf *b, const struct wast_command *c)
{
    if (c->kind == WC_BROKEN) {
        bprintf(b, "%s at %" PRIu32 ":%" PRIu32, c->keyword ? c->keyword : "command", c->line, c->col);
        return;
    }
    bprintf(b, "%s", command_name(c->kind));
    if (c->kind == WC_MODULE && c->module.definition)
        bprintf(b, " definition");
    if (c->has_action) {
        bprintf(b, " ");
        put_action(b, &c->action);
    } else if (c->has_module && c->module.id) {
        bprintf(b, " %s", c->module.id);
    } else if (c->kind == WC_REGISTER) {
        bprintf(b, " ");
        put_name(b, c->register_name, strlen(c->register_name));
    }
    if ((c->kind == WC_REGISTER || c->kind == WC_MODULE_INSTANCE) && c->instance_id)
        bprintf(b, " %s", c->instance_id);
    if (c->kind == WC_MODULE_INSTANCE && c->definition_id)
        bprintf(b, " %s", c->definition_id);
}

static void pass(struct runner *r, const struct wast_command *c)
{
    r->res->passed++;
    if (r->verbose) {
        struct buf b = {0};
        put_command(&b, c);
        report(r, c, "ok %s", bstr(&b));
        buf_free(&b);
    }
}

/* A failure: the command, then what went wrong (detail), then the error. */
static void fail(struct runner *r, const struct wast_command *c, const char *detail, const struct wisp_error *e)
{
    struct buf b = {0};
    r->res->failed++;
    put_command(&b, c);
    if (detail)
        bprintf(&b, ": %s", detail);
    if (e) {
        bprintf(&b, ": ");
        put_error(r, &b, e);
    }
    report(r, c, "FAIL %s", bstr(&b));
    buf_free(&b);
}

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Does a runtime message match the script's expected text? The spec
 * interpreter's rule is a prefix match. Some texts append a detail wisp puts
 * elsewhere ("uninitialized element 2": wisp's reason is "uninitialized
 * element", any detail follows after ": "), so the reason followed by a space
 * and more text is accepted too. */
static bool message_matches(const char *msg, const char *text)
{
    if (starts_with(msg, text))
        return true;
    const char *sep = strstr(msg, ": ");
    size_t reason = sep ? (size_t)(sep - msg) : strlen(msg);
    return reason > 0 && strlen(text) > reason && strncmp(text, msg, reason) == 0 && text[reason] == ' ';
}

/* ---- modules ------------------------------------------------------------ */

/* Decode and validate a script module. */
static bool load(const struct runner *r, const struct wast_module *wm, struct module *m,
                 struct wisp_error *e)
{
    if (!wm->parse_ok) {
        *e = wm->parse_error;
        return false;
    }
    memset(m, 0, sizeof *m);
    if (!module_decode(m, wm->bytes.data, wm->bytes.len, api_features(r->engine), e) ||
        !module_validate(m, e)) {
        module_free(m);
        return false;
    }
    return true;
}

/* "what at line N did not <verb>: kind: message", owned: why the commands
 * that need it fail. */
static char *reason(const char *what, uint32_t line, const char *verb, const struct wisp_error *e)
{
    struct buf b = {0};
    bprintf(&b, "%s at line %" PRIu32 " did not %s: ", what, line, verb);
    put_error_text(&b, e);
    bstr(&b);
    return (char *)b.data;
}

/* Load a script module and record it as a definition, named by its $id:
 * the module, or why it is none. */
static struct definition *define(struct runner *r, const struct wast_module *wm, struct wisp_error *e)
{
    VEC_GROW(r->definitions, r->ndefinitions, r->definitions_cap);
    struct definition *d = &r->definitions[r->ndefinitions++];
    *d = (struct definition){.id = wm->id};
    struct module *m = xmalloc(sizeof *m);
    if (!load(r, wm, m, e)) {
        free(m);
        d->why = reason("module", wm->line, "load", e);
        return d;
    }
    VEC_GROW(r->modules, r->nmodules, r->modules_cap);
    r->modules[r->nmodules++] = m;
    d->m = m;
    return d;
}

/* Link and instantiate a loaded module; the instance is named name (NULL
 * for none) in backtraces. NULL with *e on failure. */
static struct rt_instance *instantiate(struct runner *r, struct module *m, const char *name, struct wisp_error *e)
{
    struct rt_extern *imports = xcalloc(m->nimports + 1, sizeof *imports);
    struct rt_instance *inst = NULL;
    r->store->ntrace = 0;
    if (rt_resolve_imports(r->store, m, imports, e))
        inst = rt_instantiate(r->store, m, imports, name ? name + 1 : NULL, e);
    free(imports);
    return inst;
}

enum stage { STAGE_LOAD, STAGE_LINK, STAGE_DONE };

/* Load, link and instantiate a module that is not kept as a definition.
 * Returns how far it got; *inst is set at STAGE_DONE, *e otherwise. */
static enum stage load_and_instantiate(struct runner *r, const struct wast_module *wm, struct rt_instance **inst,
                                       struct wisp_error *e)
{
    struct module *m = xmalloc(sizeof *m);
    *inst = NULL;
    if (!load(r, wm, m, e)) {
        free(m);
        return STAGE_LOAD;
    }
    /* Kept: a failed instantiation may have left its functions in an
     * imported table. */
    VEC_GROW(r->modules, r->nmodules, r->modules_cap);
    r->modules[r->nmodules++] = m;
    *inst = instantiate(r, m, wm->id, e);
    return *inst ? STAGE_DONE : STAGE_LINK;
}

/* The definition a command names ($id), or the latest one. NULL with why. */
static const struct definition *find_definition(struct runner *r, const char *id, const char **why)
{
    for (uint32_t i = r->ndefinitions; i-- > 0;)
        if (!id || (r->definitions[i].id && strcmp(r->definitions[i].id, id) == 0))
            return &r->definitions[i];
    *why = id ? "unknown module definition" : "no module defined yet";
    return NULL;
}

/* The instance a command names ($id), or the latest one. NULL with a reason
 * in *why: a name never defined, or why the module it names failed. */
static struct rt_instance *find_instance(struct runner *r, const char *id, const char **why)
{
    for (uint32_t i = r->nbindings; i-- > 0;) {
        const struct binding *b = &r->bindings[i];
        if (id && (!b->id || strcmp(b->id, id) != 0))
            continue;
        if (!b->inst)
            *why = b->why;
        return b->inst;
    }
    *why = id ? "unknown module instance" : "no module instantiated yet";
    return NULL;
}

/* The instance, or NULL and why (owned), becomes the latest, named id. */
static void bind(struct runner *r, const char *id, struct rt_instance *inst, char *why)
{
    VEC_GROW(r->bindings, r->nbindings, r->bindings_cap);
    r->bindings[r->nbindings++] = (struct binding){.id = id, .inst = inst, .why = why};
}

/* ---- actions ------------------------------------------------------------ */

/* The hierarchy a heap type belongs to, named by its top type. */
static uint8_t heap_top(uint8_t heap)
{
    switch (heap) {
    case WH_FUNC: case WH_NOFUNC: return WH_FUNC;
    case WH_EXTERN: case WH_NOEXTERN: return WH_EXTERN;
    case WH_EXN: case WH_NOEXN: return WH_EXN;
    case WH_UNSPECIFIED: return WH_UNSPECIFIED;
    default: return WH_ANY;
    }
}

/* The hierarchy of a value type's references, or WH_UNSPECIFIED for a
 * type that is no reference type. */
static uint8_t type_top(valtype_t t)
{
    if (!valtype_is_ref(t))
        return WH_UNSPECIFIED;
    switch (vt_top(t)) {
    case HT_FUNC: return WH_FUNC;
    case HT_EXTERN: return WH_EXTERN;
    case HT_EXN: return WH_EXN;
    default: return WH_ANY;
    }
}

/* Whether host references (ref.extern N) are values of type t. */
static bool holds_extern(valtype_t t)
{
    return valtype_is_ref(t) && vt_heap(t) == HT_EXTERN;
}

static bool arg_slots(const struct wast_value *v, valtype_t t, union slot *out)
{
    out[0].i64 = 0;
    switch (v->kind) {
    case WV_I32: out[0].i32 = (uint32_t)v->u.i64; return t == VT_I32;
    case WV_I64: out[0].i64 = v->u.i64; return t == VT_I64;
    case WV_F32: out[0].i32 = (uint32_t)v->u.i64; return t == VT_F32;
    case WV_F64: out[0].i64 = v->u.i64; return t == VT_F64;
    case WV_V128: memcpy(out, v->u.v128, 16); return t == VT_V128;
    case WV_REF_NULL:
        out[0].ref = NULL;
        return type_top(t) != WH_UNSPECIFIED && vt_nullable(t) &&
               (v->heap == WH_UNSPECIFIED || type_top(t) == heap_top(v->heap));
    /* Host references are small integers made non-null by adding one. */
    case WV_REF_EXTERN: out[0].ref = (void *)(uintptr_t)(v->u.i64 + 1); return holds_extern(t);
    /* ref.host: an anyref, which wisp does not have yet; patterns are
     * results only. */
    case WV_REF_HOST: case WV_REF: case WV_EITHER: return false;
    }
    return false;
}

enum outcome {
    OUT_OK,      /* results in r->results */
    OUT_ERROR,   /* the runtime failed: *e */
    OUT_BROKEN,  /* the action cannot be done (its module failed, no such
                    export, wrong args): *why */
};

static void reserve_scratch(struct runner *r, size_t slots, uint32_t results)
{
    if (slots > r->slots_cap) {
        r->slots_cap = slots < 16 ? 16 : slots;
        r->slots = xrealloc(r->slots, r->slots_cap * sizeof *r->slots);
    }
    if (results > r->results_cap) {
        r->results_cap = results < 8 ? 8 : results;
        r->results = xrealloc(r->results, r->results_cap * sizeof *r->results);
    }
}

static enum outcome run_action(struct runner *r, const struct wast_action *a, uint32_t *nresults,
                               struct wisp_error *e, const char **why, char *whybuf, size_t whysize)
{
    *nresults = 0;
    struct rt_instance *inst = find_instance(r, a->module_id, why);
    if (!inst)
        return OUT_BROKEN;
    struct rt_extern ext;
    if (!rt_instance_export(inst, a->field.str, a->field.len, &ext)) {
        *why = "no such export";
        return OUT_BROKEN;
    }
    if (a->kind == WA_GET) {
        if (ext.kind != EXT_GLOBAL) {
            *why = "the export is not a global";
            return OUT_BROKEN;
        }
        reserve_scratch(r, 2, 1);
        r->results[0].type = ext.u.global->type;
        memcpy(r->results[0].s, ext.u.global->val, sizeof r->results[0].s);
        *nresults = 1;
        return OUT_OK;
    }
    if (ext.kind != EXT_FUNC) {
        *why = "the export is not a function";
        return OUT_BROKEN;
    }
    struct rt_func *f = ext.u.func;
    const struct functype *ft = f->type;
    if (a->nargs != ft->nparams) {
        snprintf(whybuf, whysize, "%" PRIu32 " arguments given, the function takes %" PRIu32, a->nargs,
                 ft->nparams);
        *why = whybuf;
        return OUT_BROKEN;
    }
    size_t nslots = f->nparam_slots > f->nresult_slots ? f->nparam_slots : f->nresult_slots;
    reserve_scratch(r, nslots + 2, ft->nresults);
    const valtype_t *params = functype_params(ft);
    size_t at = 0;
    for (uint32_t i = 0; i < a->nargs; i++) {
        if (!arg_slots(&a->args[i], params[i], &r->slots[at])) {
            struct buf b = {0};
            put_expected(&b, &a->args[i]);
            snprintf(whybuf, whysize, "argument %" PRIu32 " (%s) does not match the parameter type %s", i,
                     bstr(&b), valtype_name(params[i]));
            buf_free(&b);
            *why = whybuf;
            return OUT_BROKEN;
        }
        at += params[i] == VT_V128 ? 2 : 1;
    }
    r->store->ntrace = 0;
    if (!rt_call(r->store, f, r->slots, e))
        return OUT_ERROR;
    const valtype_t *results = functype_results(ft);
    at = 0;
    for (uint32_t i = 0; i < ft->nresults; i++) {
        struct value *v = &r->results[i];
        v->type = results[i];
        v->s[0] = r->slots[at++];
        v->s[1].i64 = 0;
        if (results[i] == VT_V128)
            v->s[1] = r->slots[at++];
    }
    *nresults = ft->nresults;
    return OUT_OK;
}

static bool f32_nan_matches(uint32_t bits, uint8_t nan)
{
    if (nan == NAN_CANONICAL)
        return (bits & 0x7FFFFFFFu) == 0x7FC00000u;
    return (bits & 0x7FC00000u) == 0x7FC00000u;
}

static bool f64_nan_matches(uint64_t bits, uint8_t nan)
{
    if (nan == NAN_CANONICAL)
        return (bits & 0x7FFFFFFFFFFFFFFFull) == 0x7FF8000000000000ull;
    return (bits & 0x7FF8000000000000ull) == 0x7FF8000000000000ull;
}

static bool value_matches(const struct wast_value *e, const struct value *v)
{
    switch (e->kind) {
    case WV_I32: return v->type == VT_I32 && v->s[0].i32 == (uint32_t)e->u.i64;
    case WV_I64: return v->type == VT_I64 && v->s[0].i64 == e->u.i64;
    case WV_F32:
        if (v->type != VT_F32)
            return false;
        return e->nan ? f32_nan_matches(v->s[0].i32, e->nan) : v->s[0].i32 == (uint32_t)e->u.i64;
    case WV_F64:
        if (v->type != VT_F64)
            return false;
        return e->nan ? f64_nan_matches(v->s[0].i64, e->nan) : v->s[0].i64 == e->u.i64;
    case WV_V128: {
        if (v->type != VT_V128)
            return false;
        uint8_t got[16];
        memcpy(got, v->s, 16);
        if (!e->shape)
            return memcmp(got, e->u.v128, 16) == 0;
        unsigned width = 16 / e->shape;
        for (unsigned i = 0; i < e->shape; i++) {
            const uint8_t *g = got + i * width, *x = e->u.v128 + i * width;
            if (!e->lane_nan[i]) {
                if (memcmp(g, x, width) != 0)
                    return false;
            } else if (width == 4) {
                uint32_t bits;
                memcpy(&bits, g, 4);
                if (!f32_nan_matches(bits, e->lane_nan[i]))
                    return false;
            } else {
                uint64_t bits;
                memcpy(&bits, g, 8);
                if (!f64_nan_matches(bits, e->lane_nan[i]))
                    return false;
            }
        }
        return true;
    }
    case WV_REF_NULL:
        return type_top(v->type) != WH_UNSPECIFIED && !v->s[0].ref &&
               (e->heap == WH_UNSPECIFIED || heap_top(e->heap) == type_top(v->type));
    case WV_REF_EXTERN: return holds_extern(v->type) && (uintptr_t)v->s[0].ref == (uintptr_t)(e->u.i64 + 1);
    /* Values of the any hierarchy (host references in it, i31, structs,
     * arrays): wisp has no such types yet, so no result can be one. */
    case WV_REF_HOST: return false;
    case WV_REF: return v->s[0].ref && (e->heap == WH_FUNC || e->heap == WH_EXTERN || e->heap == WH_EXN) &&
                        type_top(v->type) == e->heap;
    case WV_EITHER:
        for (uint32_t i = 0; i < e->nalts; i++)
            if (value_matches(&e->alts[i], v))
                return true;
        return false;
    }
    return false;
}

/* ---- commands ----------------------------------------------------------- */

/* The action of c, with the common outcomes handled: returns true when the
 * caller should look at the outcome itself (OUT_OK or OUT_ERROR). */
static bool do_action(struct runner *r, const struct wast_command *c, enum outcome *out, uint32_t *nresults,
                      struct wisp_error *e)
{
    const char *why = NULL;
    char whybuf[320];
    *out = run_action(r, &c->action, nresults, e, &why, whybuf, sizeof whybuf);
    if (*out == OUT_BROKEN) {
        fail(r, c, why, NULL);
        return false;
    }
    return true;
}

/* (module ...): a definition, instantiated unless it is (module definition
 * ...); a plain module's instance takes the module's name too. */
static void cmd_module(struct runner *r, const struct wast_command *c)
{
    struct wisp_error e;
    const struct definition *d = define(r, &c->module, &e);
    if (!d->m) {
        fail(r, c, "module rejected", &e);
        if (!c->module.definition)
            bind(r, c->module.id, NULL, xstrndup(d->why, strlen(d->why)));
        return;
    }
    if (c->module.definition) {
        pass(r, c);
        return;
    }
    struct rt_instance *inst = instantiate(r, d->m, c->module.id, &e);
    bind(r, c->module.id, inst, inst ? NULL : reason("module", c->module.line, "instantiate", &e));
    if (inst)
        pass(r, c);
    else
        fail(r, c, "instantiation failed", &e);
}

/* (module instance $inst? $def?): a new instance of a definition. */
static void cmd_module_instance(struct runner *r, const struct wast_command *c)
{
    struct wisp_error e;
    const char *why = NULL;
    const struct definition *d = find_definition(r, c->definition_id, &why);
    if (!d || !d->m) {
        why = d ? d->why : why;
        fail(r, c, why, NULL);
        bind(r, c->instance_id, NULL, xstrndup(why, strlen(why)));
        return;
    }
    struct rt_instance *inst = instantiate(r, d->m, c->instance_id, &e);
    bind(r, c->instance_id, inst, inst ? NULL : reason("module instance", c->line, "instantiate", &e));
    if (inst)
        pass(r, c);
    else
        fail(r, c, "instantiation failed", &e);
}

static void cmd_register(struct runner *r, const struct wast_command *c)
{
    const char *why;
    struct rt_instance *inst = find_instance(r, c->instance_id, &why);
    if (!inst) {
        fail(r, c, why, NULL);
        return;
    }
    rt_define_instance(r->store, c->register_name, (uint32_t)strlen(c->register_name), inst);
    pass(r, c);
}

static void cmd_action(struct runner *r, const struct wast_command *c)
{
    struct wisp_error e;
    enum outcome out;
    uint32_t n;
    if (!do_action(r, c, &out, &n, &e))
        return;
    if (out == OUT_OK)
        pass(r, c);
    else
        fail(r, c, NULL, &e);
}

static void cmd_assert_return(struct runner *r, const struct wast_command *c)
{
    struct wisp_error e;
    enum outcome out;
    uint32_t n;
    if (!do_action(r, c, &out, &n, &e))
        return;
    struct buf b = {0};
    if (out == OUT_ERROR) {
        bprintf(&b, "expected ");
        put_expecteds(&b, c->expected, c->nexpected);
        fail(r, c, bstr(&b), &e);
        buf_free(&b);
        return;
    }
    bool ok = n == c->nexpected;
    for (uint32_t i = 0; ok && i < n; i++)
        ok = value_matches(&c->expected[i], &r->results[i]);
    if (ok) {
        pass(r, c);
        return;
    }
    bprintf(&b, "expected ");
    put_expecteds(&b, c->expected, c->nexpected);
    bprintf(&b, ", got ");
    put_values(&b, r->results, n);
    fail(r, c, bstr(&b), NULL);
    buf_free(&b);
}

/* What assert_trap, assert_exhaustion or assert_exception expects. */
static void put_expected_failure(struct buf *b, const struct wast_command *c, enum wisp_error_kind want)
{
    if (want == WISP_ERR_EXCEPTION)
        bprintf(b, "expected an uncaught exception");
    else
        bprintf(b, "expected %s \"%s\"", want == WISP_ERR_TRAP ? "trap" : "exhaustion", c->text);
}

/* assert_trap, assert_exhaustion and assert_exception on an action: it
 * must fail with the kind want (and for the first two, the message). */
static void cmd_assert_trap(struct runner *r, const struct wast_command *c, enum wisp_error_kind want)
{
    struct wisp_error e;
    enum outcome out;
    uint32_t n;
    if (!do_action(r, c, &out, &n, &e))
        return;
    struct buf b = {0};
    put_expected_failure(&b, c, want);
    if (out == OUT_OK) {
        bprintf(&b, ", got ");
        put_values(&b, r->results, n);
        fail(r, c, bstr(&b), NULL);
    } else if (e.kind == want && (!c->text || message_matches(e.message, c->text))) {
        if (r->verbose && c->text && !starts_with(e.message, c->text))
            report(r, c, "note: expected \"%s\", message was \"%s\"", c->text, e.message);
        pass(r, c);
    } else {
        fail(r, c, bstr(&b), &e);
    }
    buf_free(&b);
}

/* assert_unlinkable and assert_trap on a module: the module must be valid
 * and its instantiation must fail with the given kind and message. */
static void cmd_assert_module_fails(struct runner *r, const struct wast_command *c, enum wisp_error_kind want)
{
    struct wisp_error e;
    struct rt_instance *inst;
    char what[512];
    enum stage st = load_and_instantiate(r, &c->module, &inst, &e);
    const char *kind = want == WISP_ERR_LINK ? "link error" : "trap";
    if (st == STAGE_LOAD) {
        snprintf(what, sizeof what, "module rejected, expected %s \"%s\"", kind, c->text);
        fail(r, c, what, &e);
    } else if (st == STAGE_DONE) {
        snprintf(what, sizeof what, "module instantiated, expected %s \"%s\"", kind, c->text);
        fail(r, c, what, NULL);
    } else if (e.kind == want && message_matches(e.message, c->text)) {
        pass(r, c);
    } else {
        snprintf(what, sizeof what, "expected %s \"%s\"", kind, c->text);
        fail(r, c, what, &e);
    }
}

static void cmd_assert_malformed(struct runner *r, const struct wast_command *c)
{
    struct wisp_error e;
    struct module m;
    char what[512];
    if (!c->module.parse_ok) {
        /* Text that does not parse. The suite's text wordings are not
         * normative, so any parse error passes; a mismatch is noted. */
        if (r->verbose && !starts_with(c->module.parse_error.message, c->text))
            report(r, c, "note: assert_malformed expected \"%s\", text error was \"%s\"", c->text,
                   c->module.parse_error.message);
        pass(r, c);
        return;
    }
    memset(&m, 0, sizeof m);
    if (module_decode(&m, c->module.bytes.data, c->module.bytes.len, api_features(r->engine), &e)) {
        bool valid = module_validate(&m, &e);
        module_free(&m);
        snprintf(what, sizeof what, "module %s, expected malformed \"%s\"", valid ? "accepted" : "only invalid",
                 c->text);
        fail(r, c, what, valid ? NULL : &e);
        return;
    }
    if (c->module.form == WM_QUOTE || starts_with(e.message, c->text)) {
        pass(r, c);
        return;
    }
    snprintf(what, sizeof what, "expected \"%s\"", c->text);
    fail(r, c, what, &e);
}

static void cmd_assert_invalid(struct runner *r, const struct wast_command *c)
{
    struct wisp_error e;
    struct module m;
    char what[512];
    if (!c->module.parse_ok) {
        snprintf(what, sizeof what, "text did not parse, expected invalid \"%s\"", c->text);
        fail(r, c, what, &c->module.parse_error);
        return;
    }
    memset(&m, 0, sizeof m);
    if (!module_decode(&m, c->module.bytes.data, c->module.bytes.len, api_features(r->engine), &e)) {
        snprintf(what, sizeof what, "malformed, expected invalid \"%s\"", c->text);
        fail(r, c, what, &e);
        return;
    }
    if (module_validate(&m, &e)) {
        module_free(&m);
        snprintf(what, sizeof what, "module accepted, expected \"%s\"", c->text);
        fail(r, c, what, NULL);
        return;
    }
    module_free(&m);
    if (starts_with(e.message, c->text)) {
        pass(r, c);
        return;
    }
    snprintf(what, sizeof what, "expected \"%s\"", c->text);
    fail(r, c, what, &e);
}

static void run_command(struct runner *r, const struct wast_command *c)
{
    switch (c->kind) {
    case WC_MODULE: cmd_module(r, c); return;
    case WC_MODULE_INSTANCE: cmd_module_instance(r, c); return;
    case WC_REGISTER: cmd_register(r, c); return;
    case WC_ACTION: cmd_action(r, c); return;
    case WC_ASSERT_RETURN: cmd_assert_return(r, c); return;
    case WC_ASSERT_TRAP: cmd_assert_trap(r, c, WISP_ERR_TRAP); return;
    case WC_ASSERT_EXHAUSTION: cmd_assert_trap(r, c, WISP_ERR_EXHAUSTION); return;
    case WC_ASSERT_EXCEPTION: cmd_assert_trap(r, c, WISP_ERR_EXCEPTION); return;
    case WC_ASSERT_MALFORMED: cmd_assert_malformed(r, c); return;
    case WC_ASSERT_INVALID: cmd_assert_invalid(r, c); return;
    case WC_ASSERT_UNLINKABLE: cmd_assert_module_fails(r, c, WISP_ERR_LINK); return;
    case WC_ASSERT_UNINSTANTIABLE: cmd_assert_module_fails(r, c, WISP_ERR_TRAP); return;
    case WC_BROKEN: fail(r, c, c->text, NULL); return;
    }
    fail(r, c, "unknown command", NULL);
}

static void runner_free(struct runner *r)
{
    /* The store first: its instances point into the modules. */
    if (r->store)
        rt_store_free(r->store);
    for (uint32_t i = 0; i < r->nmodules; i++) {
        module_free(r->modules[i]);
        free(r->modules[i]);
    }
    free(r->modules);
    for (uint32_t i = 0; i < r->ndefinitions; i++)
        free(r->definitions[i].why);
    free(r->definitions);
    for (uint32_t i = 0; i < r->nbindings; i++)
        free(r->bindings[i].why);
    free(r->bindings);
    free(r->slots);
    free(r->results);
}

bool wisp_wast_run_file(wisp_engine *engine, const char *path, const wisp_wast_options *options,
                        wisp_wast_result *result, wisp_error *err)
{
    uint8_t *text;
    size_t len;
    memset(result, 0, sizeof *result);
    if (!wisp_read_file(path, &text, &len, err))
        return false;
    struct wast_script script;
    wast_parse((const char *)text, len, path, &script);
    struct runner r = {
        .engine = engine,
        .opt = options,
        .log = options && options->log ? options->log : stderr,
        .verbose = options && options->verbose,
        .source = path,
        .res = result,
    };
    r.spectest = (struct spectest_out){.log = r.log, .verbose = r.verbose};
    r.store = rt_store_new();
    api_store_codegen(engine, r.store);
    wisp_error e;
    if (!spectest_define(r.store, &r.spectest, &e)) {
        char msg[sizeof(wisp_error)];
        wisp_error_format(&e, msg, sizeof msg);
        fprintf(r.log, "%s: FAIL defining the spectest module: %s\n", path, msg);
        result->failed++;
    }
    for (uint32_t i = 0; i < script.ncommands; i++)
        run_command(&r, &script.commands[i]);
    runner_free(&r);
    wast_script_free(&script);
    free(text);
    return true;
}
