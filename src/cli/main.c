/* The wisp command-line tool. Built only on the public API in wisp.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wisp.h"

#define EXIT_USAGE 2

static const char usage[] =
    "usage: wisp <command> [options] [files]\n"
    "\n"
    "commands:\n"
    "  validate FILE...            decode and validate .wasm/.wat files; exit 1 if any is invalid\n"
    "  wat2wasm IN.wat -o OUT.wasm translate WebAssembly text to binary\n"
    "  wast [-v] FILE...           run .wast spec scripts; prints N passed, N failed, N skipped\n"
    "  info FILE                   list a module's imports and exports\n"
    "\n"
    "options:\n"
    "  -h, --help                  show this help\n"
    "  --version                   show the version\n";

static int usage_error(const char *fmt, const char *arg)
{
    fputs("wisp: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs(" (see 'wisp --help')\n", stderr);
    return EXIT_USAGE;
}

static void print_error(const wisp_error *e)
{
    char msg[1024];
    wisp_error_format(e, msg, sizeof msg);
    fprintf(stderr, "wisp: %s\n", msg);
}

/* Exit 2 when a file is missing or unreadable; that is a usage problem, not
 * an invalid module. */
static bool is_io_error(const wisp_error *e) { return e->kind == WISP_ERR_IO; }

static int cmd_validate(int argc, char **argv)
{
    int nfiles = 0;
    for (int i = 0; i < argc; i++) {
        if (argv[i][0] == '-' && argv[i][1])
            return usage_error("validate: unknown option '%s'", argv[i]);
        nfiles++;
    }
    if (!nfiles)
        return usage_error("validate: %s", "no input files");
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

static int cmd_wat2wasm(int argc, char **argv)
{
    const char *in = NULL, *out = NULL;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0) {
            if (i + 1 >= argc)
                return usage_error("wat2wasm: %s", "-o needs a file name");
            out = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return usage_error("wat2wasm: unknown option '%s'", argv[i]);
        } else if (in) {
            return usage_error("wat2wasm: unexpected argument '%s'", argv[i]);
        } else {
            in = argv[i];
        }
    }
    if (!in || !out)
        return usage_error("wat2wasm: %s", "usage: wisp wat2wasm IN.wat -o OUT.wasm");
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

static int cmd_wast(int argc, char **argv)
{
    wisp_wast_options opt = {.log = stdout, .verbose = false};
    int nfiles = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "-v") == 0 || strcmp(argv[i], "--verbose") == 0)
            opt.verbose = true;
        else if (argv[i][0] == '-' && argv[i][1])
            return usage_error("wast: unknown option '%s'", argv[i]);
        else
            nfiles++;
    }
    if (!nfiles)
        return usage_error("wast: %s", "no input files");
    wisp_engine *engine = wisp_engine_new();
    uint64_t passed = 0, failed = 0, skipped = 0;
    int status = 0;
    for (int i = 0; i < argc; i++) {
        if (argv[i][0] == '-' && argv[i][1])
            continue;
        wisp_wast_result r;
        wisp_error err;
        if (!wisp_wast_run_file(engine, argv[i], &opt, &r, &err)) {
            print_error(&err);
            failed++;
            status = is_io_error(&err) ? EXIT_USAGE : (status ? status : 1);
            continue;
        }
        printf("%s: %u passed, %u failed, %u skipped", argv[i], r.passed, r.failed, r.skipped);
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
    printf("%llu passed, %llu failed, %llu skipped\n", (unsigned long long)passed,
           (unsigned long long)failed, (unsigned long long)skipped);
    return status;
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

static int cmd_info(int argc, char **argv)
{
    if (argc != 1 || (argv[0][0] == '-' && argv[0][1]))
        return usage_error("info: %s", "usage: wisp info FILE");
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
    wisp_module_free(m);
    wisp_engine_free(engine);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("wisp %s\n", WISP_VERSION);
        return 0;
    }
    if (strcmp(cmd, "validate") == 0)
        return cmd_validate(argc - 2, argv + 2);
    if (strcmp(cmd, "wat2wasm") == 0)
        return cmd_wat2wasm(argc - 2, argv + 2);
    if (strcmp(cmd, "wast") == 0)
        return cmd_wast(argc - 2, argv + 2);
    if (strcmp(cmd, "info") == 0)
        return cmd_info(argc - 2, argv + 2);
    if (cmd[0] == '-')
        return usage_error("unknown option '%s'", cmd);
    return usage_error("unknown command '%s'", cmd);
}
