/* `wisp run`: options (Wasmtime's spellings, --name=value forms
 * included), the WASI configuration, preloaded modules, the call of _start
 * or of an export with typed arguments, and how traps and exits become
 * messages and exit statuses. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/codegen_options.h"
#include "cli/wasm_options.h"

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

/* A trap or an uncaught exception: the reason, then the backtrace innermost first. A run of identical
 * frames (deep recursion) prints once with its count. */
static void print_trap(const wisp_store *store, const wisp_error *err)
{
    /* An uncaught exception's message says so itself, with its tag. */
    fprintf(stderr, "wisp: %s%s\n", err->kind == WISP_ERR_EXCEPTION ? "" : "trap: ", err->message);
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
    case WISP_ERR_EXCEPTION:
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
    if (!f && !explicit_name) {
        /* No _start: a library-like module. Its start function ran when it
         * was instantiated; _initialize, if exported, is its constructor. */
        wisp_func *init = wisp_instance_func(inst, "_initialize");
        wisp_error err;
        if (init && wisp_func_num_params(init) == 0 && wisp_func_num_results(init) == 0 &&
            !wisp_func_call(store, init, NULL, 0, NULL, 0, &err))
            return run_failure(store, &err, file);
        return 0;
    }
    if (!f) {
        const char *kind;
        if (has_export(m, name, &kind))
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
            fprintf(stderr, "%s%s", i ? " " : "", arg_type_name(wisp_func_param(f, i)));
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
                    arg_type_name(t));
            status = EXIT_USAGE;
            goto out;
        }
    }
    wisp_error err;
    /* WISP_INVOKE_TIME=1: how long the call took, on stderr (make bench
     * times native code and node the same way, the call alone). */
    const char *timing = getenv("WISP_INVOKE_TIME");
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    bool ok = wisp_func_call(store, f, args, np, results, nr, &err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (timing && *timing && strcmp(timing, "0") != 0)
        fprintf(stderr, "wisp: %s took %.6f s\n", name,
                (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    if (!ok) {
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

/* --env NAME=VALUE, or --env NAME for wisp's own value (skipped, with a
 * warning, when wisp has none: the program sees it unset, as it would be). */
static bool add_env(wisp_wasi_config *cfg, const char *spec)
{
    const char *eq = strchr(spec, '=');
    char *name = eq ? strndup(spec, (size_t)(eq - spec)) : strdup(spec);
    const char *value = eq ? eq + 1 : getenv(spec);
    if (name && !value) {
        fprintf(stderr, "wisp: warning: --env %s: not set in wisp's environment; skipped\n", spec);
        free(name);
        return true;
    }
    wisp_error err;
    bool ok = name && wisp_wasi_config_push_env(cfg, name, value, &err);
    if (!ok && name)
        fprintf(stderr, "wisp: run: --env %s: %s\n", spec, err.message);
    free(name);
    return ok;
}

/* -S inherit-env: every variable of wisp's environment. */
static bool inherit_env(wisp_wasi_config *cfg)
{
    extern char **environ;
    for (char **e = environ; *e; e++)
        if (strchr(*e, '=') != *e && !add_env(cfg, *e))
            return false;
    return true;
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

/* What the options say, gathered before anything is loaded. */
struct run_options {
    const char *invoke, *argv0;
    bool trace, inherit_env, set_depth;
    bool allow_precompiled;
    bool inherit_stdio[3];
    uint32_t max_depth;
    struct wasm_options limits;
    struct codegen_options codegen;
    int nenvs, npreloads;
    const char **envs;      /* --env specs, applied after -S inherit-env */
    const char **preloads;  /* NAME=PATH */
    /* --profile=guest|flamegraph[,PATH[,INTERVAL]] */
    bool profile;
    wisp_profile_format profile_format;
    char profile_path[1024];
    uint64_t profile_interval_ns;
};

/* --profile's value: the kind (guest, Wasmtime's name for the Firefox
 * Profiler file, or flamegraph), then optionally the output path and the
 * sampling interval (default 10ms, as Wasmtime's). */
static bool profile_option(struct run_options *o, const char *v, char *why, size_t size)
{
    char kind[32];
    size_t n = strcspn(v, ",");
    snprintf(kind, sizeof kind, "%.*s", (int)(n < sizeof kind ? n : sizeof kind - 1), v);
    if (strcmp(kind, "guest") == 0) {
        o->profile_format = WISP_PROFILE_FIREFOX;
        snprintf(o->profile_path, sizeof o->profile_path, "wisp-guest-profile.json");
    } else if (strcmp(kind, "flamegraph") == 0) {
        o->profile_format = WISP_PROFILE_FLAMEGRAPH;
        snprintf(o->profile_path, sizeof o->profile_path, "wisp-flamegraph.svg");
    } else {
        return snprintf(why, size, "--profile=%s: expected guest[,PATH[,INTERVAL]] or "
                        "flamegraph[,PATH[,INTERVAL]]", v), false;
    }
    o->profile = true;
    o->profile_interval_ns = 10000000u;
    if (!v[n])
        return true;
    const char *path = v + n + 1, *comma = strrchr(path, ',');
    uint64_t ns;
    /* A last field that reads as a duration is the interval (a path may
     * hold commas). */
    if (comma && parse_duration(comma + 1, &ns)) {
        o->profile_interval_ns = ns;
    } else if (comma && comma[1] && isdigit((unsigned char)comma[1])) {
        return snprintf(why, size, "--profile: '%s' is not an interval such as 10ms or 500us", comma + 1), false;
    } else {
        comma = path + strlen(path);
    }
    if (comma > path) {
        if ((size_t)(comma - path) >= sizeof o->profile_path)
            return snprintf(why, size, "--profile: the path is too long"), false;
        snprintf(o->profile_path, sizeof o->profile_path, "%.*s", (int)(comma - path), path);
    }
    return true;
}

/* One -S KEY[=VALUE]; false with *why set when it is not understood. */
static bool wasi_option(struct run_options *o, wisp_wasi_config *cfg, char *item, char *why, size_t size)
{
    char *eq = strchr(item, '=');
    const char *value = eq ? eq + 1 : NULL;
    if (eq)
        *eq = 0;
    static const char *const stdio_keys[3] = {"inherit-stdin", "inherit-stdout", "inherit-stderr"};
    for (int k = 0; k < 3; k++) {
        if (strcmp(item, stdio_keys[k]) == 0) {
            if (!parse_yes_no(value, &o->inherit_stdio[k]))
                return snprintf(why, size, "-S %s=%s: expected y or n", item, value), false;
            return true;
        }
    }
    if (strcmp(item, "inherit-env") == 0) {
        if (!parse_yes_no(value, &o->inherit_env))
            return snprintf(why, size, "-S inherit-env=%s: expected y or n", value), false;
        return true;
    }
    if (strcmp(item, "cli") == 0) {
        bool on;
        if (!parse_yes_no(value, &on) || !on)
            return snprintf(why, size, "-S cli=%s: the WASI command-line interface is always on",
                            value ? value : ""), false;
        return true;
    }
    if (strcmp(item, "tcplisten") == 0) {
        if (!value)
            return snprintf(why, size, "-S tcplisten needs =ADDR:PORT"), false;
        if (!add_tcplisten(cfg, value))
            return snprintf(why, size, "-S tcplisten=%s: see above", value), false;
        return true;
    }
    snprintf(why, size, "-S %s: unknown option; wisp knows inherit-env, inherit-stdin, "
             "inherit-stdout, inherit-stderr, tcplisten and cli", item);
    return false;
}

static bool wasi_options(struct run_options *o, wisp_wasi_config *cfg, const char *list, char *why,
                         size_t size)
{
    char *copy = strdup(list);
    bool ok = copy && *copy;
    if (!ok)
        snprintf(why, size, "-S: expected KEY[=VALUE]");
    char *save = NULL;
    for (char *item = ok ? strtok_r(copy, ",", &save) : NULL; ok && item; item = strtok_r(NULL, ",", &save))
        ok = wasi_option(o, cfg, item, why, size);
    free(copy);
    return ok;
}

static bool parse_depth(const char *n, uint32_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = isdigit((unsigned char)n[0]) ? strtoull(n, &end, 10) : 0;
    if (!isdigit((unsigned char)n[0]) || errno || *end || v == 0 || v > UINT32_MAX)
        return false;
    *out = (uint32_t)v;
    return true;
}

/* Parses options up to FILE; returns FILE's index, or -1 after reporting a
 * usage error (*status set), or argc when help was printed (*status 0). */
static int parse_run_options(int argc, char **argv, struct run_options *o, wisp_wasi_config *cfg,
                             int *status)
{
    char why[512];
    *status = EXIT_USAGE;
#define USAGE(fmt, arg) return usage_error("run", fmt, arg), -1
    int i = 0;
    for (; i < argc; i++) {
        const char *a = argv[i], *v;
        bool missing = false;
#define VALUE(name) ((v = option_value(argc, argv, &i, name, &missing)) != NULL || missing)
        if (strcmp(a, "--") == 0)
            return i + 1;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            help_command("run", stdout);
            *status = 0;
            return argc;
        }
        if (strcmp(a, "--allow-precompiled") == 0) {
            o->allow_precompiled = true;
            continue;
        }
        if (strcmp(a, "--trace-wasi") == 0) {
            o->trace = true;
            continue;
        }
        if (a[0] != '-' || !a[1])
            return i; /* FILE */
        if (strncmp(a, "-W", 2) == 0 && a[2]) {
            if (!wasm_options_parse(&o->limits, a + 2, why, sizeof why))
                USAGE("%s", why);
        } else if (strncmp(a, "-C", 2) == 0 && a[2]) {
            if (!codegen_options_parse(&o->codegen, a + 2, why, sizeof why))
                USAGE("%s", why);
        } else if (strncmp(a, "-S", 2) == 0 && a[2]) {
            if (!wasi_options(o, cfg, a + 2, why, sizeof why))
                USAGE("%s", why);
        } else if (VALUE("-W") || VALUE("--wasm")) {
            if (missing)
                USAGE("%s needs KEY=VALUE[,KEY=VALUE...]", a);
            if (!wasm_options_parse(&o->limits, v, why, sizeof why))
                USAGE("%s", why);
        } else if (strncmp(a, "-O", 2) == 0 && a[2]) {
            if (!codegen_options_parse_opt(&o->codegen, a + 2, why, sizeof why))
                USAGE("%s", why);
        } else if (VALUE("-O") || VALUE("--optimize")) {
            if (missing)
                USAGE("%s needs KEY=VALUE", a);
            if (!codegen_options_parse_opt(&o->codegen, v, why, sizeof why))
                USAGE("%s", why);
        } else if (VALUE("-C") || VALUE("--codegen")) {
            if (missing)
                USAGE("%s needs KEY=VALUE[,KEY=VALUE...]", a);
            if (!codegen_options_parse(&o->codegen, v, why, sizeof why))
                USAGE("%s", why);
        } else if (VALUE("-S") || VALUE("--wasi")) {
            if (missing)
                USAGE("%s needs KEY[=VALUE][,...]", a);
            if (!wasi_options(o, cfg, v, why, sizeof why))
                USAGE("%s", why);
        } else if (VALUE("--invoke")) {
            if (missing)
                USAGE("%s", "--invoke needs an export name");
            o->invoke = v;
        } else if (VALUE("--argv0")) {
            if (missing)
                USAGE("%s", "--argv0 needs a name");
            o->argv0 = v;
        } else if (VALUE("--max-call-depth")) {
            if (missing)
                USAGE("%s", "--max-call-depth needs a number");
            if (!parse_depth(v, &o->max_depth))
                USAGE("--max-call-depth: '%s' is not a number from 1 to 4294967295", v);
            o->set_depth = true;
        } else if (VALUE("--dir-ro") || VALUE("--dir")) {
            if (missing)
                USAGE("%s needs HOST[::GUEST]", a);
            if (!add_dir(cfg, v, a[5] == '-'))
                return -1; /* add_dir said why */
        } else if (VALUE("--env")) {
            if (missing)
                USAGE("%s", "--env needs NAME=VALUE or NAME");
            o->envs[o->nenvs++] = v;
        } else if (VALUE("--tcplisten")) {
            if (missing)
                USAGE("%s", "--tcplisten needs ADDR:PORT");
            if (!add_tcplisten(cfg, v))
                return -1;
        } else if (VALUE("--profile")) {
            if (missing)
                USAGE("%s", "--profile needs guest or flamegraph");
            if (!profile_option(o, v, why, sizeof why))
                USAGE("%s", why);
        } else if (VALUE("--preload")) {
            if (missing || !strchr(v, '=') || v[0] == '=')
                USAGE("%s needs NAME=PATH", "--preload");
            o->preloads[o->npreloads++] = v;
        } else if (VALUE("--fuel") || VALUE("--timeout") || VALUE("--max-memory-size") ||
                   VALUE("--max-table-elements") || VALUE("--max-wasm-stack")) {
            char key[32];
            size_t n = strcspn(a + 2, "=");
            snprintf(key, sizeof key, "%.*s", (int)n, a + 2);
            if (missing)
                USAGE("--%s needs a value", key);
            if (!wasm_option_set(&o->limits, key, v, why, sizeof why))
                USAGE("%s", why);
        } else {
            USAGE("unknown option '%s'", a);
        }
#undef VALUE
    }
    return i;
#undef USAGE
}

/* The guest's stdio: wisp's own, or /dev/null for a stream not inherited. */
static bool set_stdio(const struct run_options *o, wisp_wasi_config *cfg, int fds[3])
{
    for (int k = 0; k < 3; k++) {
        fds[k] = k;
        if (!o->inherit_stdio[k]) {
            fds[k] = open("/dev/null", (k == 0 ? O_RDONLY : O_WRONLY) | O_CLOEXEC);
            if (fds[k] < 0) {
                fprintf(stderr, "wisp: run: /dev/null: %s\n", strerror(errno));
                return false;
            }
        }
    }
    wisp_wasi_config_set_stdio(cfg, fds[0], fds[1], fds[2]);
    return true;
}

/* --preload NAME=PATH: instantiate PATH in the store and make its exports
 * importable from module NAME. The module is kept in *out (it must outlive
 * the store). */
static bool preload(wisp_engine *engine, wisp_store *store, const char *spec, wisp_module **out, int *status)
{
    const char *eq = strchr(spec, '=');
    char *name = strndup(spec, (size_t)(eq - spec));
    const char *path = eq + 1;
    wisp_error err;
    wisp_module *m = wisp_module_load_file(engine, path, &err);
    wisp_instance *inst = m ? wisp_instance_new(store, m, &err) : NULL;
    if (!inst) {
        fprintf(stderr, "wisp: run: --preload %s: ", spec);
        if (!err.source[0])
            snprintf(err.source, sizeof err.source, "%s", path);
        print_error(&err);
        *status = is_io_error(&err) ? EXIT_USAGE : 1;
        free(name);
        *out = m;
        return false;
    }
    wisp_store_define_instance(store, name, inst);
    free(name);
    *out = m;
    return true;
}

/* The module, or precompiled code when the file starts like that and
 * --allow-precompiled vouches for it. */
static wisp_module *load_module(wisp_engine *engine, const char *file, bool allow, wisp_error *err)
{
    uint8_t head[8];
    FILE *f = strcmp(file, "-") != 0 ? fopen(file, "rb") : NULL;
    bool precompiled = f && fread(head, 1, 8, f) == 8 && wisp_is_precompiled(head, 8);
    if (f)
        fclose(f);
    if (!precompiled)
        return wisp_module_load_file(engine, file, err);
    if (!allow) {
        memset(err, 0, sizeof *err);
        err->kind = WISP_ERR_LINK;
        err->offset = -1;
        err->func = -1;
        snprintf(err->source, sizeof err->source, "%s", file);
        snprintf(err->message, sizeof err->message, "this is precompiled code (wisp compile); precompiled code is "
                 "trusted code, so wisp runs it only with --allow-precompiled");
        return NULL;
    }
    uint8_t *data;
    size_t len;
    if (!wisp_read_file(file, &data, &len, err))
        return NULL;
    wisp_module *m = wisp_module_deserialize(engine, data, len, file, err);
    wisp_free(data);
    return m;
}

int cmd_run(int argc, char **argv)
{
    struct run_options o = {
        .trace = log_wants_wasi_trace(getenv("WISP_LOG")),
        .inherit_stdio = {true, true, true},
        .envs = calloc((size_t)argc + 1, sizeof(char *)),
        .preloads = calloc((size_t)argc + 1, sizeof(char *)),
    };
    wisp_wasi_config *cfg = wisp_wasi_config_new();
    int stdio[3] = {0, 1, 2};
    int status;
    int i = parse_run_options(argc, argv, &o, cfg, &status);
    if (i < 0 || i == argc) {
        if (i == argc && status != 0)
            status = usage_error("run", "%s", "no input file; usage: wisp run [OPTIONS] FILE [ARGS...]");
        goto done_options;
    }
    const char *file = argv[i++];
    /* The synopsis puts --invoke after FILE; accept it there too, but only
     * right after FILE: later words are the program's. */
    if (!o.invoke && i < argc && (strcmp(argv[i], "--invoke") == 0 || strncmp(argv[i], "--invoke=", 9) == 0)) {
        bool missing = false;
        o.invoke = option_value(argc, argv, &i, "--invoke", &missing);
        if (missing) {
            status = usage_error("run", "%s", "--invoke needs an export name");
            goto done_options;
        }
        i++;
    }
    /* The environment: all of wisp's with -S inherit-env, then each --env
     * in order (a later value for a name replaces an earlier one). */
    if (o.inherit_env && !inherit_env(cfg))
        goto done_options;
    for (int k = 0; k < o.nenvs; k++)
        if (!add_env(cfg, o.envs[k]))
            goto done_options;
    if (!set_stdio(&o, cfg, stdio))
        goto done_options;
    /* The program's argv: its name, then the words after FILE (when they
     * are not --invoke's typed arguments). */
    wisp_wasi_config_push_arg(cfg, o.argv0 ? o.argv0 : file);
    if (!o.invoke)
        for (int k = i; k < argc; k++)
            wisp_wasi_config_push_arg(cfg, argv[k]);
    if (o.trace)
        wisp_wasi_config_set_trace(cfg, stderr);

    char why[256];
    if (!codegen_options_from_env(&o.codegen, why, sizeof why)) {
        status = usage_error("run", "%s", why);
        goto done_options;
    }
    wisp_config *config = wisp_config_new();
    wasm_options_configure(&o.limits, config);
    codegen_options_configure(&o.codegen, config);
    if (o.profile)
        wisp_config_interruptible(config, true);
    wisp_engine *engine = wisp_engine_new_with_config(config);
    wisp_error err;
    wisp_module *m = load_module(engine, file, o.allow_precompiled, &err);
    if (!m) {
        print_error(&err);
        status = is_io_error(&err) ? EXIT_USAGE : 1;
        wisp_engine_free(engine);
        goto done_options;
    }
    wisp_store *store = wisp_store_new(engine);
    wisp_module **preloaded = calloc((size_t)o.npreloads + 1, sizeof *preloaded);
    if (o.set_depth)
        wisp_store_set_max_call_depth(store, o.max_depth);
    wisp_instance *inst = NULL;
    bool ready = wasm_options_apply(&o.limits, store, &err);
    if (!ready) {
        fprintf(stderr, "wisp: run: %s\n", err.message);
        status = EXIT_USAGE;
    } else if (!(ready = wisp_store_add_wasi(store, cfg, &err))) {
        status = run_failure(store, &err, file);
    }
    if (ready && o.profile && !(ready = wisp_store_profile_start(store, o.profile_interval_ns, &err))) {
        fprintf(stderr, "wisp: run: --profile: %s\n", err.message);
        status = 1;
    }
    for (int k = 0; ready && k < o.npreloads; k++)
        ready = preload(engine, store, o.preloads[k], &preloaded[k], &status);
    if (ready) {
        inst = wisp_instance_new(store, m, &err);
        status = inst ? run_invoke(store, m, inst, file, o.invoke ? o.invoke : "_start", o.invoke != NULL,
                                   argc - i, argv + i)
                      : run_failure(store, &err, file);
    }
    /* The profile covers the run whatever its end: a result, a trap or an
     * exit. */
    if (ready && o.profile && !wisp_store_profile_write(store, o.profile_format, o.profile_path, &err)) {
        fprintf(stderr, "wisp: run: --profile: %s\n", err.message);
        if (status == 0)
            status = 1;
    }
    wisp_store_free(store);
    for (int k = 0; k < o.npreloads; k++)
        wisp_module_free(preloaded[k]);
    free(preloaded);
    wisp_module_free(m);
    wisp_engine_free(engine);
done_options:
    for (int k = 0; k < 3; k++)
        if (stdio[k] > 2)
            close(stdio[k]);
    wisp_wasi_config_free(cfg);
    free(o.envs);
    free(o.preloads);
    return status;
}
