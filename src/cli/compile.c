/* `wisp compile FILE [-o OUT]`: compile a module ahead of time into a
 * precompiled file (the module and its native code) that `wisp run
 * --allow-precompiled` runs without compiling. The code is compiled for
 * the options it will run with: -W fuel/timeout (check points) and -O
 * signals-based-traps must be given here as they will be given to run. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/codegen_options.h"
#include "cli/wasm_options.h"

/* FILE with its extension replaced by .cwasm (Wasmtime's default). */
static char *default_output(const char *in)
{
    const char *slash = strrchr(in, '/'), *dot = strrchr(in, '.');
    size_t stem = dot && (!slash || dot > slash) ? (size_t)(dot - in) : strlen(in);
    char *out = malloc(stem + 7);
    if (out) {
        memcpy(out, in, stem);
        memcpy(out + stem, ".cwasm", 7);
    }
    return out;
}

int cmd_compile(int argc, char **argv)
{
    const char *in = NULL, *out = NULL;
    struct wasm_options limits = {0};
    struct codegen_options codegen = {0};
    char why[256];
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        bool missing = false;
        const char *v;
        if ((v = option_value(argc, argv, &i, "-o", &missing)) || (v = option_value(argc, argv, &i, "--output", &missing))) {
            out = v;
        } else if (missing) {
            return usage_error("compile", "%s needs a file name", a);
        } else if (strncmp(a, "-W", 2) == 0) {
            v = a[2] ? a + 2 : (i + 1 < argc ? argv[++i] : "");
            if (!wasm_options_parse(&limits, v, why, sizeof why))
                return usage_error("compile", "%s", why);
        } else if (strncmp(a, "-O", 2) == 0) {
            v = a[2] ? a + 2 : (i + 1 < argc ? argv[++i] : "");
            if (!codegen_options_parse_opt(&codegen, v, why, sizeof why))
                return usage_error("compile", "%s", why);
        } else if (a[0] == '-' && a[1]) {
            return usage_error("compile", "unknown option '%s'", a);
        } else if (in) {
            return usage_error("compile", "unexpected argument '%s'", a);
        } else {
            in = a;
        }
    }
    if (!in)
        return usage_error("compile", "%s", "no input file; usage: wisp compile FILE [-o OUT.cwasm]");
    wisp_config *config = wisp_config_new();
    wasm_options_configure(&limits, config);
    codegen_options_configure(&codegen, config);
    wisp_engine *engine = wisp_engine_new_with_config(config);
    wisp_error err;
    wisp_module *m = wisp_module_load_file(engine, in, &err);
    int status = 0;
    uint8_t *bytes = NULL;
    size_t len = 0;
    if (!m) {
        print_error(&err);
        status = is_io_error(&err) ? EXIT_USAGE : 1;
    } else if (!wisp_module_serialize(engine, m, &bytes, &len, &err)) {
        print_error(&err);
        status = 1;
    }
    if (status == 0) {
        char *def = out ? NULL : default_output(in);
        const char *path = out ? out : def;
        FILE *f = path ? fopen(path, "wb") : NULL;
        if (!f || fwrite(bytes, 1, len, f) != len || fclose(f) != 0) {
            fprintf(stderr, "wisp: %s: cannot write\n", path ? path : in);
            status = EXIT_USAGE;
        }
        free(def);
    }
    free(bytes);
    wisp_module_free(m);
    wisp_engine_free(engine);
    return status;
}
