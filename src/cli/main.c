/* The wisp command-line tool. Built only on the public API in wisp.h;
 * this file holds the dispatch and the small commands, run.c the runner. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/codegen_options.h"
#include "cli/wasm_options.h"

int usage_error(const char *cmd, const char *fmt, const char *arg)
{
    fputs("wisp: ", stderr);
    if (cmd)
        fprintf(stderr, "%s: ", cmd);
    fprintf(stderr, fmt, arg);
    if (cmd)
        fprintf(stderr, " (see 'wisp help %s')\n", cmd);
    else
        fputs(" (see 'wisp --help')\n", stderr);
    return EXIT_USAGE;
}

void print_error(const wisp_error *e)
{
    char msg[sizeof(wisp_error)];
    wisp_error_format(e, msg, sizeof msg);
    fprintf(stderr, "wisp: %s\n", msg);
}

const char *option_value(int argc, char **argv, int *i, const char *name, bool *missing)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) != 0)
        return NULL;
    if (a[n] == '=' && name[1] == '-')
        return a + n + 1;
    if (a[n] != 0)
        return NULL;
    if (*i + 1 >= argc) {
        *missing = true;
        return NULL;
    }
    return argv[++*i];
}

bool parse_yes_no(const char *v, bool *out)
{
    if (!v || !strcmp(v, "y") || !strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1"))
        return *out = true, true;
    if (!strcmp(v, "n") || !strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0"))
        return *out = false, true;
    return false;
}

int cmd_validate(int argc, char **argv)
{
    int nfiles = 0;
    for (int i = 0; i < argc; i++) {
        if (argv[i][0] == '-' && argv[i][1])
            return usage_error("validate", "unknown option '%s'", argv[i]);
        nfiles++;
    }
    if (!nfiles)
        return usage_error("validate", "%s", "no input files");
    wisp_engine *engine = wisp_engine_new();
    int status = 0;
    for (int i = 0; i < argc; i++) {
        wisp_error err;
        wisp_module *m = wisp_module_load_file(engine, argv[i], &err);
        if (!m) {
            print_error(&err);
            if (is_io_error(&err))
                status = EXIT_USAGE;
            else if (status == 0)
                status = 1;
            continue;
        }
        wisp_module_free(m);
    }
    wisp_engine_free(engine);
    return status;
}

int cmd_wat2wasm(int argc, char **argv)
{
    const char *in = NULL, *out = NULL;
    for (int i = 0; i < argc; i++) {
        bool missing = false;
        const char *o = strcmp(argv[i], "-o") == 0 ? option_value(argc, argv, &i, "-o", &missing)
                                                   : option_value(argc, argv, &i, "--output", &missing);
        if (missing)
            return usage_error("wat2wasm", "%s needs a file name", argv[i]);
        if (o) {
            out = o;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return usage_error("wat2wasm", "unknown option '%s'", argv[i]);
        } else if (in) {
            return usage_error("wat2wasm", "unexpected argument '%s'", argv[i]);
        } else {
            in = argv[i];
        }
    }
    if (!in || !out)
        return usage_error("wat2wasm", "%s", "expected IN.wat -o OUT.wasm");
    wisp_error err;
    uint8_t *text, *wasm;
    size_t len, wasm_len;
    if (!wisp_read_file(in, &text, &len, &err)) {
        print_error(&err);
        return EXIT_USAGE;
    }
    bool ok = wisp_wat_to_wasm((const char *)text, len, in, &wasm, &wasm_len, &err);
    wisp_free(text);
    if (!ok) {
        print_error(&err);
        return 1;
    }
    /* Only valid modules are written: the text format's meaning is the module. */
    wisp_engine *engine = wisp_engine_new();
    wisp_module *m = wisp_module_new(engine, wasm, wasm_len, in, &err);
    wisp_engine_free(engine);
    if (!m) {
        print_error(&err);
        wisp_free(wasm);
        return 1;
    }
    wisp_module_free(m);
    FILE *f = strcmp(out, "-") == 0 ? stdout : fopen(out, "wb");
    if (!f || fwrite(wasm, 1, wasm_len, f) != wasm_len || (f != stdout && fclose(f) != 0)) {
        fprintf(stderr, "wisp: %s: cannot write\n", out);
        wisp_free(wasm);
        return EXIT_USAGE;
    }
    wisp_free(wasm);
    return 0;
}

/* The value of option -X, also spelled --long: "-Xvalue", "-X value",
 * "--long value" or "--long=value"; "" when none follows, NULL when arg i
 * is another option. */
static const char *short_or_long(int argc, char **argv, int *i, const char *x, const char *lng)
{
    const char *a = argv[*i];
    bool missing = false;
    if (strncmp(a, x, 2) == 0 && a[2])
        return a + 2;
    const char *v = option_value(argc, argv, i, x, &missing);
    if (!v && !missing)
        v = option_value(argc, argv, i, lng, &missing);
    return v ? v : missing ? "" : NULL;
}

int cmd_wast(int argc, char **argv)
{
    wisp_wast_options opt = {.log = stdout, .verbose = false};
    struct codegen_options codegen = {0};
    struct wasm_options wasm = {0};
    char why[256];
    char **files = calloc((size_t)argc + 1, sizeof *files);
    int nfiles = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *v;
        if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
            opt.verbose = true;
        } else if ((v = short_or_long(argc, argv, &i, "-O", "--optimize"))) {
            if (!codegen_options_parse_opt(&codegen, v, why, sizeof why))
                goto usage;
        } else if ((v = short_or_long(argc, argv, &i, "-W", "--wasm"))) {
            if (!wasm_options_parse(&wasm, v, why, sizeof why))
                goto usage;
            if (wasm.has_fuel || wasm.timeout_ns || wasm.has_max_memory || wasm.has_max_table ||
                wasm.has_max_stack) {
                snprintf(why, sizeof why, "-W %s: wast takes only the Wasm features from -W", v);
                goto usage;
            }
        } else if ((v = short_or_long(argc, argv, &i, "-C", "--codegen"))) {
            if (!codegen_options_parse(&codegen, v, why, sizeof why))
                goto usage;
        } else if (a[0] == '-' && a[1]) {
            snprintf(why, sizeof why, "unknown option '%s'", a);
            goto usage;
        } else {
            files[nfiles++] = argv[i];
        }
    }
    if (!nfiles || !codegen_options_from_env(&codegen, why, sizeof why)) {
        if (!nfiles)
            snprintf(why, sizeof why, "no input files");
        goto usage;
    }
    wisp_config *config = wisp_config_new();
    codegen_options_configure(&codegen, config);
    wasm_options_configure(&wasm, config);
    wisp_engine *engine = wisp_engine_new_with_config(config);
    uint64_t passed = 0, failed = 0, skipped = 0;
    int status = 0;
    for (int i = 0; i < nfiles; i++) {
        wisp_wast_result r;
        wisp_error err;
        if (!wisp_wast_run_file(engine, files[i], &opt, &r, &err)) {
            print_error(&err);
            failed++;
            status = is_io_error(&err) ? EXIT_USAGE : (status ? status : 1);
            continue;
        }
        printf("%s: %u passed, %u failed, %u skipped", files[i], r.passed, r.failed, r.skipped);
        if (r.skipped)
            printf(" (skipped: %s)", r.skip_reasons);
        putchar('\n');
        passed += r.passed;
        failed += r.failed;
        skipped += r.skipped;
        if (r.failed && !status)
            status = 1;
    }
    wisp_engine_free(engine);
    free(files);
    printf("%llu passed, %llu failed, %llu skipped\n", (unsigned long long)passed,
           (unsigned long long)failed, (unsigned long long)skipped);
    return status;
usage:
    free(files);
    return usage_error("wast", "%s", why);
}

static void print_name(const char *s, size_t n)
{
    putchar('"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == '"' || c == '\\' || c == 0x7F)
            printf("\\%02x", c);
        else
            putchar(c);
    }
    putchar('"');
}

static void print_limits(const char *kind, uint32_t index, const wisp_limits *l)
{
    printf("%s %u: %s %llu..", kind, index, l->is64 ? "i64" : "i32", (unsigned long long)l->min);
    if (l->has_max)
        printf("%llu", (unsigned long long)l->max);
    printf("%s%s\n", l->elem ? " " : "", l->elem ? l->elem : "");
}

int cmd_info(int argc, char **argv)
{
    if (argc != 1 || (argv[0][0] == '-' && argv[0][1]))
        return usage_error("info", "%s", "usage: wisp info FILE");
    wisp_engine *engine = wisp_engine_new();
    wisp_error err;
    wisp_module *m = wisp_module_load_file(engine, argv[0], &err);
    if (!m) {
        print_error(&err);
        wisp_engine_free(engine);
        return is_io_error(&err) ? EXIT_USAGE : 1;
    }
    wisp_extern_info x;
    for (uint32_t i = 0; wisp_module_import(m, i, &x); i++) {
        printf("import %s ", x.kind);
        print_name(x.module, x.module_len);
        putchar(' ');
        print_name(x.name, x.name_len);
        putchar('\n');
    }
    for (uint32_t i = 0; wisp_module_export(m, i, &x); i++) {
        printf("export %s ", x.kind);
        print_name(x.name, x.name_len);
        putchar('\n');
    }
    /* Memories and tables with their limits, as the text format writes
     * them: "memory 0: i64 1..3", "table 1: i32 2.. funcref". */
    wisp_limits l;
    for (uint32_t i = 0; wisp_module_memory_type(m, i, &l); i++)
        print_limits("memory", i, &l);
    for (uint32_t i = 0; wisp_module_table_type(m, i, &l); i++)
        print_limits("table", i, &l);
    /* Tags with their payload types: "tag 0: (param i32 f64)". */
    size_t nparams;
    wisp_valtype params[16];
    for (uint32_t i = 0; wisp_module_tag_type(m, i, &nparams, params, 16); i++) {
        printf("tag %u: (%s", i, nparams ? "param" : "");
        for (size_t k = 0; k < nparams && k < 16; k++)
            printf(" %s", arg_type_name(params[k]));
        printf("%s)\n", nparams > 16 ? " ..." : "");
    }
    wisp_module_free(m);
    wisp_engine_free(engine);
    return 0;
}

static bool is_help_flag(const char *a) { return strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0; }

/* `wisp CMD --help` anywhere among CMD's options (before "--"). */
static bool asks_help(int argc, char **argv)
{
    for (int i = 0; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (is_help_flag(argv[i]))
            return true;
    return false;
}

/* The command is done. A background compilation still under way (the
 * auto tier) would make exit wait for it; the output is flushed and the
 * process leaves at once instead. */
static int finish(int status)
{
    if (wisp_compiling()) {
        fflush(NULL);
        _exit(status);
    }
    return status;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        help_overview(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (is_help_flag(cmd)) {
        help_overview(stdout);
        return 0;
    }
    if (strcmp(cmd, "help") == 0) {
        if (argc < 3) {
            help_overview(stdout);
            return 0;
        }
        if (!help_command(argv[2], stdout))
            return usage_error(NULL, "help: unknown command '%s'", argv[2]);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        const char *tier;
        bool compiled = wisp_compiled_tier(&tier);
        printf("wisp %s\ncompiled tier: %s%s\n", WISP_VERSION, compiled ? "" : "absent: ", tier);
        return 0;
    }
    static const struct { const char *name; int (*fn)(int, char **); } commands[] = {
        {"validate", cmd_validate}, {"wat2wasm", cmd_wat2wasm}, {"wast", cmd_wast},
        {"info", cmd_info},         {"run", cmd_run},           {"compile", cmd_compile},
    };
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(cmd, commands[i].name) != 0)
            continue;
        /* run reads its own options: words after FILE are the program's. */
        if (commands[i].fn != cmd_run && asks_help(argc - 2, argv + 2)) {
            help_command(cmd, stdout);
            return 0;
        }
        return finish(commands[i].fn(argc - 2, argv + 2));
    }
    /* As in Wasmtime, anything else is `wisp run`: `wisp prog.wasm ARGS`,
     * `wisp --dir=. prog.wasm`. A word that names no file and looks like a
     * mistyped command is reported as one. */
    if (cmd[0] != '-' && !strchr(cmd, '.') && !strchr(cmd, '/')) {
        FILE *f = fopen(cmd, "rb");
        if (!f)
            return usage_error(NULL, "unknown command '%s', and no such file", cmd);
        fclose(f);
    }
    return finish(cmd_run(argc - 1, argv + 1));
}
