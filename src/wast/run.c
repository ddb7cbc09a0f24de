/* Runs a parsed .wast script against the library: modules are decoded and
 * validated, malformed and invalid modules must fail with the suite's wording.
 * Commands that need execution are counted as skipped, with the reason, until
 * the interpreter exists. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "api/api.h"
#include "wast/script.h"

struct runner {
    wisp_engine *engine;
    const struct wisp_wast_options *opt;
    const char *source;
    wisp_wast_result *res;
    /* Skip reasons, counted, so the summary says why. */
    const char *skip_reason[8];
    uint32_t skip_count[8];
};

static void report(struct runner *r, const struct wast_command *c, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void report(struct runner *r, const struct wast_command *c, const char *fmt, ...)
{
    FILE *log = r->opt && r->opt->log ? r->opt->log : stderr;
    fprintf(log, "%s:%u: ", r->source, c->line);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(log, fmt, ap);
    va_end(ap);
    fputc('\n', log);
}

static void pass(struct runner *r) { r->res->passed++; }

static void fail(struct runner *r, const struct wast_command *c, const char *what, const struct wisp_error *e)
{
    r->res->failed++;
    if (e) {
        char msg[1024];
        wisp_error_format(e, msg, sizeof msg);
        report(r, c, "FAIL %s: %s", what, msg);
    } else {
        report(r, c, "FAIL %s", what);
    }
}

static void skip(struct runner *r, const struct wast_command *c, const char *why)
{
    r->res->skipped++;
    for (size_t i = 0; i < ARRAY_LEN(r->skip_reason); i++) {
        if (!r->skip_reason[i] || strcmp(r->skip_reason[i], why) == 0) {
            r->skip_reason[i] = why;
            r->skip_count[i]++;
            break;
        }
    }
    if (r->opt && r->opt->verbose)
        report(r, c, "skip: %s", why);
}

static const char *command_name(uint8_t kind)
{
    switch (kind) {
    case WC_MODULE: return "module";
    case WC_REGISTER: return "register";
    case WC_ACTION: return "action";
    case WC_ASSERT_RETURN: return "assert_return";
    case WC_ASSERT_TRAP: return "assert_trap";
    case WC_ASSERT_EXHAUSTION: return "assert_exhaustion";
    case WC_ASSERT_MALFORMED: return "assert_malformed";
    case WC_ASSERT_INVALID: return "assert_invalid";
    case WC_ASSERT_UNLINKABLE: return "assert_unlinkable";
    case WC_ASSERT_UNINSTANTIABLE: return "assert_uninstantiable";
    }
    return "command";
}

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Decode and validate a script module. */
static bool load(struct runner *r, const struct wast_module *wm, struct module *m, struct wisp_error *e)
{
    (void)r;
    if (!wm->parse_ok) {
        *e = wm->parse_error;
        return false;
    }
    memset(m, 0, sizeof *m);
    if (!module_decode(m, wm->bytes.data, wm->bytes.len, e) || !module_validate(m, e)) {
        module_free(m);
        return false;
    }
    return true;
}

static const char *NEEDS_EXEC = "needs the interpreter (not built yet)";

static void run_command(struct runner *r, const struct wast_command *c)
{
    struct wisp_error e;
    struct module m;
    char what[512];

    switch (c->kind) {
    case WC_MODULE:
        if (!load(r, &c->module, &m, &e)) {
            fail(r, c, "module rejected", &e);
            return;
        }
        module_free(&m);
        pass(r);
        return;

    case WC_ASSERT_MALFORMED:
        if (!c->module.parse_ok) {
            /* Text that does not parse. The suite's text wordings are not
             * normative, so any parse error passes; a mismatch is noted. */
            if (r->opt && r->opt->verbose && !starts_with(c->module.parse_error.message, c->text))
                report(r, c, "note: assert_malformed expected \"%s\", text error was \"%s\"", c->text,
                       c->module.parse_error.message);
            pass(r);
            return;
        }
        memset(&m, 0, sizeof m);
        if (module_decode(&m, c->module.bytes.data, c->module.bytes.len, &e)) {
            bool valid = module_validate(&m, &e);
            module_free(&m);
            snprintf(what, sizeof what, "assert_malformed: module %s, expected malformed \"%s\"",
                     valid ? "accepted" : "only invalid", c->text);
            fail(r, c, what, valid ? NULL : &e);
            return;
        }
        if (c->module.form == WM_QUOTE || starts_with(e.message, c->text)) {
            pass(r);
            return;
        }
        snprintf(what, sizeof what, "assert_malformed: expected \"%s\"", c->text);
        fail(r, c, what, &e);
        return;

    case WC_ASSERT_INVALID:
        if (!c->module.parse_ok) {
            snprintf(what, sizeof what, "assert_invalid: text did not parse, expected invalid \"%s\"", c->text);
            fail(r, c, what, &c->module.parse_error);
            return;
        }
        memset(&m, 0, sizeof m);
        if (!module_decode(&m, c->module.bytes.data, c->module.bytes.len, &e)) {
            snprintf(what, sizeof what, "assert_invalid: malformed, expected invalid \"%s\"", c->text);
            fail(r, c, what, &e);
            return;
        }
        if (module_validate(&m, &e)) {
            module_free(&m);
            snprintf(what, sizeof what, "assert_invalid: module accepted, expected \"%s\"", c->text);
            fail(r, c, what, NULL);
            return;
        }
        module_free(&m);
        if (starts_with(e.message, c->text)) {
            pass(r);
            return;
        }
        snprintf(what, sizeof what, "assert_invalid: expected \"%s\"", c->text);
        fail(r, c, what, &e);
        return;

    case WC_ASSERT_UNLINKABLE:
    case WC_ASSERT_UNINSTANTIABLE:
    case WC_ASSERT_TRAP:
        if (c->has_module) {
            /* The module itself must be valid; linking and running it needs
             * the interpreter. */
            if (!load(r, &c->module, &m, &e)) {
                snprintf(what, sizeof what, "%s: module rejected", command_name(c->kind));
                fail(r, c, what, &e);
                return;
            }
            module_free(&m);
        }
        skip(r, c, NEEDS_EXEC);
        return;

    case WC_REGISTER:
    case WC_ACTION:
    case WC_ASSERT_RETURN:
    case WC_ASSERT_EXHAUSTION:
        skip(r, c, NEEDS_EXEC);
        return;
    }
    fail(r, c, "unknown command", NULL);
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
    if (!wast_parse((const char *)text, len, path, &script, err)) {
        err_set_source(err, path);
        free(text);
        return false;
    }
    struct runner r = {.engine = engine, .opt = options, .source = path, .res = result};
    for (uint32_t i = 0; i < script.ncommands; i++)
        run_command(&r, &script.commands[i]);
    size_t n = 0;
    for (size_t i = 0; i < ARRAY_LEN(r.skip_reason) && r.skip_reason[i]; i++) {
        n += (size_t)snprintf(result->skip_reasons + n, n < sizeof result->skip_reasons ? sizeof result->skip_reasons - n : 0,
                              "%s%u %s", i ? "; " : "", r.skip_count[i], r.skip_reason[i]);
        if (n >= sizeof result->skip_reasons)
            break;
    }
    wast_script_free(&script);
    free(text);
    return true;
}
