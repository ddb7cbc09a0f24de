/* The wisp command-line tool. Built only on the public API in wisp.h. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/wasm_options.h"
#include "wisp.h"

#define EXIT_USAGE 2
#define EXIT_TRAP 134 /* what a shell reports for SIGABRT, the usual "crashed" status */

static const char usage[] =
    "usage: wisp <command> [options] [files]\n"
    "\n"
    "commands:\n"
    "  validate FILE...            decode and validate .wasm/.wat files; exit 1 if any is invalid\n"
    "  wat2wasm IN.wat -o OUT.wasm translate WebAssembly text to binary\n"
    "  wast [-v] FILE...           run .wast spec scripts; prints N passed, N failed, N skipped\n"
    "  info FILE                   list a module's imports and exports\n"
    "  run [OPTIONS] FILE [--invoke NAME] [ARGS...]\n"
    "                              run a .wasm/.wat module with WASI preview1: call\n"
    "                              _start with ARGS as the program's arguments, or call\n"
    "                              export NAME with ARGS and print its results\n"
    "\n"
    "run options (before FILE; --invoke NAME may also directly follow FILE):\n"
    "  --invoke NAME               the export to call\n"
    "  --max-call-depth N          deepest wasm call nesting before \"call stack exhausted\"\n"
    "                              (default 10000)\n"
    "  --dir HOST[::GUEST]         let the program use directory HOST, named GUEST\n"
    "                              (default: HOST); repeatable. Nothing else of the\n"
    "                              host file system is reachable.\n"
    "  --dir-ro HOST[::GUEST]      the same, read-only: no writes, truncation, creation,\n"
    "                              removal, renames or links under it\n"
    "  --env NAME=VALUE            set an environment variable for the program (none\n"
    "                              is inherited); --env NAME passes wisp's own NAME\n"
    "  --tcplisten ADDR:PORT       listen on a TCP socket and hand it to the program\n"
    "                              as its next fd (after stdio and the --dirs)\n"
    "  --trace-wasi                print every WASI call and its result on stderr\n"
    "                              (also WISP_LOG=wasi=trace)\n"
    "  -W KEY=VALUE[,KEY=VALUE]    resource limits, as Wasmtime spells them (repeatable):\n"
    "     fuel=N                   run at most N fuel units (about N instructions), then\n"
    "                              trap with \"all fuel consumed\"\n"
    "     timeout=DURATION         trap with \"interrupt\" after DURATION (500ms, 2s, 1m)\n"
    "     max-memory-size=BYTES    a memory may not grow past BYTES (K, M, G suffixes);\n"
    "                              memory.grow returns -1\n"
    "     max-table-elements=N     a table may not grow past N elements\n"
    "     max-wasm-stack=BYTES     wisp's value stack for wasm calls (default 8M); with\n"
    "                              --max-call-depth, the first reached traps with\n"
    "                              \"call stack exhausted\"\n"
    "                              Long forms: --fuel N, --timeout D, --max-memory-size B,\n"
    "                              --max-table-elements N, --max-wasm-stack B.\n"
    "  --                          end of options\n"
    "run arguments: i32/i64 as decimal or 0x hex; f32/f64 as decimal, hex float,\n"
    "inf, -inf, nan or nan:0xPAYLOAD; v128 as 0x and 32 hex digits (one 128-bit\n"
    "number, lane 0 rightmost); references as ref.null. Results print one per line\n"
    "in the same forms (integers signed). A trap prints \"wisp: trap: REASON\" and a\n"
    "backtrace, innermost frame first, on stderr.\n"
    "\n"
    "options:\n"
    "  -h, --help                  show this help\n"
    "  --version                   show the version\n"
    "\n"
    "exit status:\n"
    "  0        success\n"
    "  1        invalid module, failed tests, a module that does not load or link,\n"
    "           or a program that exited with a status outside 0-125 (reported)\n"
    "  2        usage error (unknown option, missing file, bad argument, unknown export)\n"
    "  0-125    wisp run: the status the program passed to proc_exit\n"
    "  134      wisp run: the program trapped (including \"all fuel consumed\",\n"
    "           \"interrupt\" and \"call stack exhausted\")\n"
    "  128+N    wisp run: the program raised fatal signal N (proc_raise; reported)\n";

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

/* ---- wisp run ---- */

static const char *valtype_name(wisp_valtype t)
{
    switch (t) {
    case WISP_I32: return "i32";
    case WISP_I64: return "i64";
    case WISP_F32: return "f32";
    case WISP_F64: return "f64";
    case WISP_V128: return "v128";
    case WISP_FUNCREF: return "funcref";
    case WISP_EXTERNREF: return "externref";
    }
    return "?";
}

/* Decimal or 0x hex, optionally signed, in the signed or the unsigned range
 * of the width: "-1" and "0xffffffff" are the same i32. No octal: a leading
 * 0 is just a 0. */
static bool parse_int(const char *s, unsigned bits, uint64_t *out)
{
    const char *p = s;
    bool neg = *p == '-';
    if (*p == '-' || *p == '+')
        p++;
    int base = 10;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    }
    /* strtoull would accept spaces and a second sign here. */
    if (!(base == 16 ? isxdigit((unsigned char)*p) : isdigit((unsigned char)*p)))
        return false;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(p, &end, base);
    if (errno || *end)
        return false;
    uint64_t max_pos = bits == 64 ? UINT64_MAX : UINT32_MAX;
    uint64_t max_neg = (uint64_t)1 << (bits - 1);
    if (neg ? v > max_neg : v > max_pos)
        return false;
    *out = neg ? (uint64_t)0 - v : v;
    return true;
}

/* "nan:0xPAYLOAD" (optionally signed): the form NaNs with a non-default
 * payload are printed in, so results can be passed back in. */
static bool parse_nan_payload(const char *s, unsigned mant_bits, uint64_t *bits_out)
{
    const char *p = s;
    bool neg = *p == '-';
    if (*p == '-' || *p == '+')
        p++;
    if (strncmp(p, "nan:0x", 6) != 0 || !isxdigit((unsigned char)p[6]))
        return false;
    errno = 0;
    char *end;
    unsigned long long payload = strtoull(p + 6, &end, 16);
    if (errno || *end || payload == 0 || payload >> mant_bits)
        return false;
    uint64_t exp_all = mant_bits == 52 ? 0x7FFull << 52 : 0xFFull << 23;
    *bits_out = (neg ? (uint64_t)1 << (mant_bits == 52 ? 63 : 31) : 0) | exp_all | payload;
    return true;
}

/* strtod/strtof syntax (decimal, hex float, inf, nan), the whole string, and
 * not so large that it only rounds to infinity. */
static bool parse_f64(const char *s, double *out)
{
    uint64_t bits;
    if (parse_nan_payload(s, 52, &bits)) {
        memcpy(out, &bits, sizeof bits);
        return true;
    }
    if (!*s || isspace((unsigned char)*s))
        return false;
    errno = 0;
    char *end;
    double d = strtod(s, &end);
    if (*end || (errno == ERANGE && isinf(d)))
        return false;
    *out = d;
    return true;
}

static bool parse_f32(const char *s, float *out)
{
    uint64_t bits;
    if (parse_nan_payload(s, 23, &bits)) {
        uint32_t b32 = (uint32_t)bits;
        memcpy(out, &b32, sizeof b32);
        return true;
    }
    if (!*s || isspace((unsigned char)*s))
        return false;
    errno = 0;
    char *end;
    float f = strtof(s, &end); /* not via double: that would round twice */
    if (*end || (errno == ERANGE && isinf(f)))
        return false;
    *out = f;
    return true;
}

/* 0x and exactly 32 hex digits: one 128-bit number, most significant byte
 * first, so byte (and lane) 0 is at the right. */
static bool parse_v128(const char *s, uint8_t v[16])
{
    if (strncmp(s, "0x", 2) != 0 && strncmp(s, "0X", 2) != 0)
        return false;
    s += 2;
    if (strlen(s) != 32)
        return false;
    for (int i = 0; i < 16; i++) {
        unsigned hi = (unsigned char)s[2 * i], lo = (unsigned char)s[2 * i + 1];
        if (!isxdigit(hi) || !isxdigit(lo))
            return false;
        char byte[3] = {(char)hi, (char)lo, 0};
        v[15 - i] = (uint8_t)strtoul(byte, NULL, 16);
    }
    return true;
}

static bool parse_arg(const char *s, wisp_valtype type, wisp_val *v)
{
    memset(v, 0, sizeof *v);
    v->type = type;
    uint64_t u;
    switch (type) {
    case WISP_I32:
        if (!parse_int(s, 32, &u))
            return false;
        v->of.i32 = (int32_t)(uint32_t)u;
        return true;
    case WISP_I64:
        if (!parse_int(s, 64, &u))
            return false;
        v->of.i64 = (int64_t)u;
        return true;
    case WISP_F32: return parse_f32(s, &v->of.f32);
    case WISP_F64: return parse_f64(s, &v->of.f64);
    case WISP_V128: return parse_v128(s, v->of.v128);
    case WISP_FUNCREF:
    case WISP_EXTERNREF:
        /* Only the null reference can be written on a command line. */
        return strcmp(s, "ref.null") == 0 || strcmp(s, "null") == 0;
    }
    return false;
}

/* NaNs print as "nan" or "-nan" with ":0x<payload>" when the payload is not
 * the default quiet one, so every bit pattern reads back the same. */
static void print_nan(bool neg, uint64_t payload, uint64_t quiet)
{
    printf("%snan", neg ? "-" : "");
    if (payload != quiet)
        printf(":0x%" PRIx64, payload);
    putchar('\n');
}

static void print_val(const wisp_val *v)
{
    switch (v->type) {
    case WISP_I32: printf("%" PRId32 "\n", v->of.i32); break;
    case WISP_I64: printf("%" PRId64 "\n", v->of.i64); break;
    case WISP_F32: {
        uint32_t bits;
        memcpy(&bits, &v->of.f32, sizeof bits);
        if (isnan(v->of.f32))
            print_nan(bits >> 31, bits & 0x7FFFFF, 0x400000);
        else if (isinf(v->of.f32))
            puts(v->of.f32 < 0 ? "-inf" : "inf");
        else
            printf("%.9g\n", (double)v->of.f32);
        break;
    }
    case WISP_F64: {
        uint64_t bits;
        memcpy(&bits, &v->of.f64, sizeof bits);
        if (isnan(v->of.f64))
            print_nan(bits >> 63, bits & 0xFFFFFFFFFFFFFull, 0x8000000000000ull);
        else if (isinf(v->of.f64))
            puts(v->of.f64 < 0 ? "-inf" : "inf");
        else
            printf("%.17g\n", v->of.f64);
        break;
    }
    case WISP_V128:
        fputs("0x", stdout);
        for (int i = 15; i >= 0; i--)
            printf("%02x", v->of.v128[i]);
        putchar('\n');
        break;
    case WISP_FUNCREF: puts(v->of.funcref ? "ref.func" : "ref.null"); break;
    case WISP_EXTERNREF: puts(v->of.externref ? "ref.extern" : "ref.null"); break;
    }
}

static bool same_frame(const wisp_frame *a, const wisp_frame *b)
{
    return a->func_index == b->func_index && a->offset == b->offset &&
           (a->func_name == b->func_name || (a->func_name && b->func_name && !strcmp(a->func_name, b->func_name)));
}

static void print_frame(size_t i, const wisp_frame *f)
{
    fprintf(stderr, "  %zu: ", i);
    if (f->func_index == UINT32_MAX)
        fprintf(stderr, "%s (host function)", f->func_name ? f->func_name : "?");
    else if (f->func_name)
        fprintf(stderr, "$%s (func %" PRIu32 ")", f->func_name, f->func_index);
    else
        fprintf(stderr, "func[%" PRIu32 "]", f->func_index);
    if (f->offset >= 0)
        fprintf(stderr, " at byte 0x%" PRIx64, (uint64_t)f->offset);
    fputc('\n', stderr);
}

/* A trap: the reason, then the backtrace innermost first. A run of identical
 * frames (deep recursion) prints once with its count. */
static void print_trap(const wisp_store *store, const wisp_error *err)
{
    fprintf(stderr, "wisp: trap: %s\n", err->message);
    size_t n = wisp_store_backtrace_len(store);
    wisp_frame prev;
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        wisp_frame f;
        if (!wisp_store_backtrace_frame(store, i, &f))
            break;
        if (run && same_frame(&f, &prev)) {
            run++;
            continue;
        }
        if (run > 1)
            fprintf(stderr, "  ... the frame above %zu more times\n", run - 1);
        print_frame(i, &f);
        prev = f;
        run = 1;
    }
    if (run > 1)
        fprintf(stderr, "  ... the frame above %zu more times\n", run - 1);
}

/* The exit status for a failed instantiation or call. Link errors come
 * without a file name; file names the module in them. */
static int run_failure(const wisp_store *store, wisp_error *err, const char *file)
{
    if (!err->source[0])
        snprintf(err->source, sizeof err->source, "%s", file);
    switch (err->kind) {
    case WISP_ERR_TRAP:
    case WISP_ERR_EXHAUSTION:
        print_trap(store, err);
        return EXIT_TRAP;
    case WISP_ERR_EXIT:
        /* A plain exit is the program's business; an exit by signal says so. */
        if (strcmp(err->message, "exit") != 0) {
            fprintf(stderr, "wisp: %s\n", err->message);
            return err->exit_code;
        }
        /* Statuses past 125 would read as a shell's "not executable", "not
         * found" or "killed by a signal" (a trap is 134), and past 255 would
         * be cut to 8 bits: 256 would look like success. */
        if (err->exit_code < 0 || err->exit_code > 125) {
            fprintf(stderr, "wisp: %s: the program exited with status %d, outside the portable "
                    "range 0-125; wisp exits with status 1\n", file, (int)err->exit_code);
            return 1;
        }
        return err->exit_code;
    default:
        print_error(err);
        return is_io_error(err) ? EXIT_USAGE : 1;
    }
}

static bool has_export(const wisp_module *m, const char *name, const char **kind)
{
    wisp_extern_info x;
    size_t len = strlen(name);
    for (uint32_t i = 0; wisp_module_export(m, i, &x); i++) {
        if (x.name_len == len && memcmp(x.name, name, len) == 0) {
            *kind = x.kind;
            return true;
        }
    }
    return false;
}

/* Call the export and print its results. Returns the exit status. */
static int run_invoke(wisp_store *store, const wisp_module *m, wisp_instance *inst, const char *file,
                      const char *name, bool explicit_name, int nargs, char **argv)
{
    wisp_func *f = wisp_instance_func(inst, name);
    if (!f) {
        const char *kind;
        if (!explicit_name)
            fprintf(stderr, "wisp: no _start export; use --invoke NAME\n");
        else if (has_export(m, name, &kind))
            fprintf(stderr, "wisp: run: export \"%s\" is a %s, not a function\n", name, kind);
        else
            fprintf(stderr, "wisp: run: unknown export \"%s\" (see 'wisp info')\n", name);
        return EXIT_USAGE;
    }
    size_t np = wisp_func_num_params(f), nr = wisp_func_num_results(f);
    if (!explicit_name) {
        /* _start's arguments are the program's (WASI), not the function's. */
        nargs = 0;
        if (np) {
            fprintf(stderr, "wisp: run: _start takes %zu parameter%s; use --invoke to pass them\n", np,
                    np == 1 ? "" : "s");
            return EXIT_USAGE;
        }
    } else if ((size_t)nargs != np) {
        fprintf(stderr, "wisp: run: %s takes %zu argument%s (", name, np, np == 1 ? "" : "s");
        for (size_t i = 0; i < np; i++)
            fprintf(stderr, "%s%s", i ? " " : "", valtype_name(wisp_func_param(f, i)));
        fprintf(stderr, "), %d given\n", nargs);
        return EXIT_USAGE;
    }
    wisp_val *args = calloc(np + 1, sizeof *args), *results = calloc(nr + 1, sizeof *results);
    if (!args || !results) {
        free(args);
        free(results);
        fprintf(stderr, "wisp: out of memory\n");
        return 1;
    }
    int status = 0;
    for (size_t i = 0; i < np; i++) {
        wisp_valtype t = wisp_func_param(f, i);
        if (!parse_arg(argv[i], t, &args[i])) {
            fprintf(stderr, "wisp: run: argument %zu of %s: '%s' is not a valid %s\n", i + 1, name, argv[i],
                    valtype_name(t));
            status = EXIT_USAGE;
            goto out;
        }
    }
    wisp_error err;
    if (!wisp_func_call(store, f, args, np, results, nr, &err)) {
        status = run_failure(store, &err, file);
        goto out;
    }
    for (size_t i = 0; i < nr; i++)
        print_val(&results[i]);
out:
    free(args);
    free(results);
    return status;
}

/* WISP_LOG holds comma-separated TARGET=LEVEL items; wasi=trace is the
 * one wisp knows today. */
static bool log_wants_wasi_trace(const char *spec)
{
    if (!spec)
        return false;
    const char *p = spec;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == 10 && memcmp(p, "wasi=trace", 10) == 0)
            return true;
        p += len + (end ? 1 : 0);
    }
    return false;
}

/* "HOST[::GUEST]": split at the first "::". */
static bool add_dir(wisp_wasi_config *cfg, const char *spec, bool read_only)
{
    const char *sep = strstr(spec, "::");
    char *host = sep ? strndup(spec, (size_t)(sep - spec)) : strdup(spec);
    const char *guest = sep ? sep + 2 : spec;
    wisp_error err;
    bool ok = host && wisp_wasi_config_preopen_dir(cfg, host, guest, read_only, &err);
    if (!ok && host)
        fprintf(stderr, "wisp: run: %s %s: %s\n", read_only ? "--dir-ro" : "--dir", spec, err.message);
    free(host);
    return ok;
}

static bool add_env(wisp_wasi_config *cfg, const char *spec)
{
    const char *eq = strchr(spec, '=');
    char *name = eq ? strndup(spec, (size_t)(eq - spec)) : strdup(spec);
    const char *value = eq ? eq + 1 : getenv(spec);
    wisp_error err;
    bool ok = name && value && wisp_wasi_config_push_env(cfg, name, value, &err);
    if (!ok && name)
        fprintf(stderr, "wisp: run: --env %s: %s\n", spec,
                value ? err.message : "not set in wisp's environment");
    free(name);
    return ok;
}

/* --tcplisten ADDR:PORT: a listening socket the program accepts on. */
static bool add_tcplisten(wisp_wasi_config *cfg, const char *spec)
{
    const char *colon = strrchr(spec, ':');
    if (!colon || colon == spec || !colon[1]) {
        fprintf(stderr, "wisp: run: --tcplisten %s: expected ADDR:PORT\n", spec);
        return false;
    }
    char *host = strndup(spec, (size_t)(colon - spec));
    if (host && host[0] == '[' && host[strlen(host) - 1] == ']') { /* [::1]:8080 */
        memmove(host, host + 1, strlen(host));
        host[strlen(host) - 1] = 0;
    }
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
    struct addrinfo *res = NULL;
    int rc = host ? getaddrinfo(host, colon + 1, &hints, &res) : EAI_MEMORY;
    free(host);
    if (rc != 0) {
        fprintf(stderr, "wisp: run: --tcplisten %s: %s\n", spec, gai_strerror(rc));
        return false;
    }
    int fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC, res->ai_protocol);
    int one = 1;
    bool ok = fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0 &&
              bind(fd, res->ai_addr, res->ai_addrlen) == 0 && listen(fd, 128) == 0;
    freeaddrinfo(res);
    wisp_error err;
    if (ok && !wisp_wasi_config_preopen_socket(cfg, fd, &err)) {
        fprintf(stderr, "wisp: run: --tcplisten %s: %s\n", spec, err.message);
        close(fd);
        return false;
    }
    if (!ok)
        fprintf(stderr, "wisp: run: --tcplisten %s: %s\n", spec, strerror(errno));
    if (fd >= 0)
        close(fd);
    return ok;
}

static int cmd_run(int argc, char **argv)
{
    const char *invoke = NULL;
    bool trace = log_wants_wasi_trace(getenv("WISP_LOG"));
    wisp_wasi_config *cfg = wisp_wasi_config_new();
    int status = EXIT_USAGE;
    uint32_t max_depth = 0;
    bool set_depth = false;
    struct wasm_options limits = {0};
    char why[256];
/* A usage error while cfg is held: report, then release it once, below. */
#define RUN_USAGE(fmt, arg)                \
    do {                                   \
        status = usage_error(fmt, arg);    \
        goto done_options;                 \
    } while (0)
    int i = 0;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        } else if (strcmp(a, "--invoke") == 0) {
            if (i + 1 >= argc)
                RUN_USAGE("run: %s", "--invoke needs an export name");
            invoke = argv[++i];
        } else if (strcmp(a, "--max-call-depth") == 0) {
            if (i + 1 >= argc)
                RUN_USAGE("run: %s", "--max-call-depth needs a number");
            const char *n = argv[++i];
            char *end;
            errno = 0;
            unsigned long long v = isdigit((unsigned char)n[0]) ? strtoull(n, &end, 10) : 0;
            if (!isdigit((unsigned char)n[0]) || errno || *end || v == 0 || v > UINT32_MAX)
                RUN_USAGE("run: --max-call-depth: '%s' is not a number from 1 to 4294967295", n);
            max_depth = (uint32_t)v;
            set_depth = true;
        } else if (strcmp(a, "--dir") == 0 || strcmp(a, "--dir-ro") == 0 || strcmp(a, "--env") == 0 ||
                   strcmp(a, "--tcplisten") == 0) {
            if (i + 1 >= argc)
                RUN_USAGE("run: %s needs an argument", a);
            const char *v = argv[++i];
            bool ok = a[2] == 'd' ? add_dir(cfg, v, a[5] == '-')
                    : a[2] == 'e' ? add_env(cfg, v)
                                  : add_tcplisten(cfg, v);
            if (!ok)
                goto done_options; /* the add_* function said why */
        } else if (strcmp(a, "-W") == 0 || strcmp(a, "--wasm") == 0) {
            if (i + 1 >= argc)
                RUN_USAGE("run: %s needs KEY=VALUE[,KEY=VALUE...]", a);
            if (!wasm_options_parse(&limits, argv[++i], why, sizeof why))
                RUN_USAGE("run: %s", why);
        } else if (strncmp(a, "-W", 2) == 0 || strncmp(a, "--wasm=", 7) == 0) {
            if (!wasm_options_parse(&limits, a + (a[1] == 'W' ? 2 : 7), why, sizeof why))
                RUN_USAGE("run: %s", why);
        } else if (strcmp(a, "--fuel") == 0 || strcmp(a, "--timeout") == 0 ||
                   strcmp(a, "--max-memory-size") == 0 || strcmp(a, "--max-table-elements") == 0 ||
                   strcmp(a, "--max-wasm-stack") == 0) {
            if (i + 1 >= argc)
                RUN_USAGE("run: %s needs a value", a);
            if (!wasm_option_set(&limits, a + 2, argv[++i], why, sizeof why))
                RUN_USAGE("run: %s", why);
        } else if (strcmp(a, "--trace-wasi") == 0) {
            trace = true;
        } else if (a[0] == '-' && a[1]) {
            RUN_USAGE("run: unknown option '%s'", a);
        } else {
            break;
        }
    }
    if (i >= argc)
        RUN_USAGE("run: %s", "no input file; usage: wisp run [OPTIONS] FILE [--invoke NAME] [ARGS...]");
    const char *file = argv[i++];
    /* The synopsis puts --invoke after FILE; accept it there too, but only
     * right after FILE: later words are the program's. */
    if (!invoke && i < argc && strcmp(argv[i], "--invoke") == 0) {
        if (i + 1 >= argc)
            RUN_USAGE("run: %s", "--invoke needs an export name");
        invoke = argv[i + 1];
        i += 2;
    }
#undef RUN_USAGE
    /* The program's argv: its own name, then the words after FILE (when
     * they are not --invoke's typed arguments). */
    wisp_wasi_config_push_arg(cfg, file);
    if (!invoke)
        for (int k = i; k < argc; k++)
            wisp_wasi_config_push_arg(cfg, argv[k]);
    if (trace)
        wisp_wasi_config_set_trace(cfg, stderr);

    wisp_engine *engine = wasm_options_engine(&limits);
    wisp_error err;
    wisp_module *m = wisp_module_load_file(engine, file, &err);
    if (!m) {
        print_error(&err);
        status = is_io_error(&err) ? EXIT_USAGE : 1;
        wisp_engine_free(engine);
        goto done_options;
    }
    wisp_store *store = wisp_store_new(engine);
    if (set_depth)
        wisp_store_set_max_call_depth(store, max_depth);
    wisp_instance *inst = NULL;
    bool limits_ok = wasm_options_apply(&limits, store, &err);
    if (!limits_ok) {
        fprintf(stderr, "wisp: run: %s\n", err.message);
        status = EXIT_USAGE;
    } else if (wisp_store_add_wasi(store, cfg, &err)) {
        inst = wisp_instance_new(store, m, &err);
    }
    if (!inst && limits_ok)
        status = run_failure(store, &err, file);
    else if (inst)
        status = run_invoke(store, m, inst, file, invoke ? invoke : "_start", invoke != NULL, argc - i, argv + i);
    wisp_store_free(store);
    wisp_module_free(m);
    wisp_engine_free(engine);
done_options:
    wisp_wasi_config_free(cfg);
    return status;
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
    if (strcmp(cmd, "run") == 0)
        return cmd_run(argc - 2, argv + 2);
    if (cmd[0] == '-')
        return usage_error("unknown option '%s'", cmd);
    return usage_error("unknown command '%s'", cmd);
}
