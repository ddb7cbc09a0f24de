/* The public engine and module objects: wrap decode + validate behind the API
 * in include/wisp.h, and read files. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "api/api.h"

wisp_engine *wisp_engine_new(void)
{
    wisp_engine *e = xcalloc(1, sizeof *e);
    return e;
}

void wisp_engine_free(wisp_engine *engine) { free(engine); }

bool wisp_is_binary(const uint8_t *data, size_t len)
{
    return len >= 4 && memcmp(data, "\0asm", 4) == 0;
}

bool wisp_read_file(const char *path, uint8_t **data, size_t *len, wisp_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        err_set(err, WISP_ERR_IO, -1, "cannot open: %s", strerror(errno));
        err_set_source(err, path);
        return false;
    }
    struct buf b = {0};
    for (;;) {
        buf_reserve(&b, 1 << 16);
        size_t n = fread(b.data + b.len, 1, b.cap - b.len, f);
        b.len += n;
        if (n == 0)
            break;
    }
    bool bad = ferror(f);
    int saved = errno;
    fclose(f);
    if (bad) {
        buf_free(&b);
        err_set(err, WISP_ERR_IO, -1, "cannot read: %s", strerror(saved));
        err_set_source(err, path);
        return false;
    }
    buf_byte(&b, 0); /* keep text NUL-terminated for convenience */
    *data = b.data;
    *len = b.len - 1;
    return true;
}

wisp_module *wisp_module_new(wisp_engine *engine, const uint8_t *bytes, size_t len,
                             const char *source, wisp_error *err)
{
    (void)engine;
    wisp_module *mod = xcalloc(1, sizeof *mod);
    if (!module_decode(&mod->m, bytes, len, err) || !module_validate(&mod->m, err)) {
        err_set_source(err, source);
        module_free(&mod->m);
        free(mod);
        return NULL;
    }
    return mod;
}

wisp_module *wisp_module_load_file(wisp_engine *engine, const char *path, wisp_error *err)
{
    uint8_t *data;
    size_t len;
    if (!wisp_read_file(path, &data, &len, err))
        return NULL;
    wisp_module *mod;
    if (wisp_is_binary(data, len)) {
        mod = wisp_module_new(engine, data, len, path, err);
    } else {
        uint8_t *wasm;
        size_t wasm_len;
        if (!wisp_wat_to_wasm((const char *)data, len, path, &wasm, &wasm_len, err)) {
            free(data);
            return NULL;
        }
        mod = wisp_module_new(engine, wasm, wasm_len, path, err);
        free(wasm);
    }
    free(data);
    return mod;
}

void wisp_module_free(wisp_module *module)
{
    if (!module)
        return;
    module_free(&module->m);
    free(module);
}

static const char *extern_kind_name(uint8_t kind)
{
    static const char *names[] = {"func", "table", "memory", "global"};
    return kind < 4 ? names[kind] : "?";
}

uint32_t wisp_module_num_imports(const wisp_module *module) { return module->m.nimports; }
uint32_t wisp_module_num_exports(const wisp_module *module) { return module->m.nexports; }

bool wisp_module_import(const wisp_module *module, uint32_t i, wisp_extern_info *info)
{
    if (i >= module->m.nimports)
        return false;
    const struct import *im = &module->m.imports[i];
    info->module = im->module.str;
    info->module_len = im->module.len;
    info->name = im->field.str;
    info->name_len = im->field.len;
    info->kind = extern_kind_name(im->kind);
    return true;
}

bool wisp_module_export(const wisp_module *module, uint32_t i, wisp_extern_info *info)
{
    if (i >= module->m.nexports)
        return false;
    const struct export *ex = &module->m.exports[i];
    info->module = NULL;
    info->module_len = 0;
    info->name = ex->name.str;
    info->name_len = ex->name.len;
    info->kind = extern_kind_name(ex->kind);
    return true;
}
