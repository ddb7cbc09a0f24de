/* Test tool: writes the binary of every text module in a .wast script to
 * DIR/<line>.wasm, so the tests can compare wisp's text translation with
 * wabt's module by module. */
#include <stdio.h>
#include <stdlib.h>

#include "wast/script.h"

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: wast_modules SCRIPT.wast DIR\n");
        return 2;
    }
    wisp_error err;
    uint8_t *text;
    size_t len;
    if (!wisp_read_file(argv[1], &text, &len, &err)) {
        fprintf(stderr, "%s: %s\n", argv[1], err.message);
        return 2;
    }
    struct wast_script s;
    wast_parse((const char *)text, len, argv[1], &s);
    for (uint32_t i = 0; i < s.ncommands; i++) {
        const struct wast_command *c = &s.commands[i];
        if (c->kind == WC_BROKEN) {
            fprintf(stderr, "%s:%u:%u: %s\n", argv[1], c->line, c->col, c->text);
            return 1;
        }
        if (!c->has_module || c->module.form != WM_TEXT || !c->module.parse_ok)
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%u.wasm", argv[2], c->module.line);
        FILE *f = fopen(path, "wb");
        if (!f || fwrite(c->module.bytes.data, 1, c->module.bytes.len, f) != c->module.bytes.len) {
            fprintf(stderr, "%s: cannot write\n", path);
            return 2;
        }
        fclose(f);
    }
    wast_script_free(&s);
    free(text);
    return 0;
}
