/* The public engine and module objects: wrap decode + validate behind the API
 * in include/wisp.h, and read files. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/api.h"
#include "binary/limits.h"
#include "runtime/tier.h"

wisp_engine *wisp_engine_new(void)
{
    wisp_engine *e = xcalloc(1, sizeof *e);
    return e;
}

/* A compilation left running by a freed store would otherwise still be in
 * LLVM when the program returns from main (see rt_tier_up_at_exit). */
void wisp_engine_free(wisp_engine *engine)
{
    if (!engine)
        return;
    rt_tier_up_wait();
    free(engine);
}

bool wisp_is_binary(const uint8_t *data, size_t len)
{
    return len >= 4 && memcmp(data, "\0asm", 4) == 0;
}

/* Reading is bounded by the module size limit whatever the source: a
 * regular file's size is only a hint (it may grow while read, and devices,
 * pipes and /proc files report 0 or nothing), so the bytes are read in
 * chunks and reading stops as soon as there is one byte too many. */
#define READ_LIMIT ((size_t)LIMIT_MODULE_SIZE)
#define READ_CHUNK ((size_t)1 << 16)

/* size: the input's size when known, else 0 (reading went past the limit). */
static bool too_large(wisp_error *err, const char *source, uint64_t size)
{
    if (size)
        err_set(err, WISP_ERR_LIMIT, -1,
                "input too large: %llu bytes, past the module size limit of %zu bytes (1 GiB)",
                (unsigned long long)size, READ_LIMIT);
    else
        err_set(err, WISP_ERR_LIMIT, -1,
                "input too large: read past the module size limit of %zu bytes (1 GiB)", READ_LIMIT);
    err_set_source(err, source);
    return false;
}

static bool read_failed(wisp_error *err, const char *source, int e)
{
    err_set(err, WISP_ERR_IO, -1, "cannot read: %s", strerror(e));
    err_set_source(err, source);
    return false;
}

/* Large read buffers ask for transparent huge pages: filling 1 GiB one
 * 4 KiB page fault at a time takes seconds on some hosts (3 s here, against
 * under 1 s with huge pages), and reading /dev/zero should fail at once. */
static void want_huge_pages(uint8_t *p, size_t cap)
{
#ifdef MADV_HUGEPAGE
    const uintptr_t huge = (uintptr_t)2 << 20;
    uintptr_t from = ((uintptr_t)p + huge - 1) & ~(huge - 1), to = ((uintptr_t)p + cap) & ~(huge - 1);
    if (to > from)
        (void)madvise((void *)from, to - from, MADV_HUGEPAGE);
#else
    (void)p, (void)cap;
#endif
}

/* Read fd to its end into a NUL-terminated buffer of at most READ_LIMIT
 * bytes. size_hint (a regular file's size, or 0) sizes the first buffer,
 * which then doubles (realloc moves large blocks by remapping, not
 * copying). At most READ_LIMIT + 1 bytes are ever held: that many means
 * the input is too large. */
static bool read_fd(int fd, size_t size_hint, const char *source, uint8_t **data, size_t *len,
                    wisp_error *err)
{
    size_t cap = size_hint ? size_hint + 1 : READ_CHUNK, total = 0;
    uint8_t *buf = xmalloc(cap);
    want_huge_pages(buf, cap);
    for (;;) {
        if (total == cap) {
            if (cap == READ_LIMIT + 1) {
                free(buf);
                return too_large(err, source, 0);
            }
            cap = cap > (READ_LIMIT + 1) / 2 ? READ_LIMIT + 1 : cap * 2;
            buf = xrealloc(buf, cap);
            want_huge_pages(buf, cap);
        }
        size_t room = cap - total;
        ssize_t got = read(fd, buf + total, room < ((size_t)1 << 30) ? room : (size_t)1 << 30);
        if (got > 0) {
            total += (size_t)got;
            continue;
        }
        if (got == 0)
            break;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            /* A non-blocking stdin: wait for data rather than fail. */
            struct pollfd p = {.fd = fd, .events = POLLIN};
            if (poll(&p, 1, -1) >= 0 || errno == EINTR)
                continue;
        }
        free(buf);
        return read_failed(err, source, errno);
    }
    /* The loop grows the buffer before it is full, so there is room. */
    buf[total] = 0; /* keep text NUL-terminated for convenience */
    /* The buffer may become a module's bytes: give back what the last
     * doubling left unused (shrinking splits a heap block or remaps a
     * mapped one; nothing is copied). A regular file's has none. */
    if (total + 1 < cap)
        buf = xrealloc(buf, total + 1);
    *data = buf;
    *len = total;
    return true;
}

bool wisp_read_file(const char *path, uint8_t **data, size_t *len, wisp_error *err)
{
    bool from_stdin = strcmp(path, "-") == 0;
    const char *source = from_stdin ? "<stdin>" : path;
    int fd = from_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        err_set(err, WISP_ERR_IO, -1, "cannot open: %s", strerror(errno));
        err_set_source(err, source);
        return false;
    }
    size_t hint = 0;
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
        /* A regular file already past the limit is refused without reading
         * it; a smaller one may still grow, which the read loop bounds. */
        if ((uint64_t)st.st_size > READ_LIMIT) {
            if (!from_stdin)
                close(fd);
            return too_large(err, source, (uint64_t)st.st_size);
        }
        hint = (size_t)st.st_size;
    }
    bool ok = read_fd(fd, hint, source, data, len, err);
    if (!from_stdin)
        close(fd);
    return ok;
}

/* Validates mod once decoded; else frees it, naming source in *err. */
static wisp_module *module_checked(wisp_module *mod, bool decoded, const char *source, wisp_error *err)
{
    if (!decoded || !module_validate(&mod->m, err)) {
        err_set_source(err, source);
        module_free(&mod->m);
        free(mod);
        return NULL;
    }
    return mod;
}

/* Precompiled code is not a module: say what to do with it. */
static bool not_precompiled(const uint8_t *bytes, size_t len, const char *source, wisp_error *err)
{
    if (!wisp_is_precompiled(bytes, len))
        return true;
    err_set(err, WISP_ERR_MALFORMED, 0, "this is precompiled code (wisp compile), not a module: run it with "
            "wisp run --allow-precompiled");
    err_set_source(err, source);
    return false;
}

wisp_module *wisp_module_new(wisp_engine *engine, const uint8_t *bytes, size_t len,
                             const char *source, wisp_error *err)
{
    if (!not_precompiled(bytes, len, source, err))
        return NULL;
    wisp_module *mod = xcalloc(1, sizeof *mod);
    return module_checked(mod, module_decode(&mod->m, bytes, len, api_features(engine), err), source, err);
}

/* wisp_module_new for a malloc'd buffer, which the module takes over. */
static wisp_module *module_new_owned(const wisp_engine *engine, uint8_t *bytes, size_t len,
                                     const char *source, wisp_error *err)
{
    if (!not_precompiled(bytes, len, source, err)) {
        free(bytes);
        return NULL;
    }
    wisp_module *mod = xcalloc(1, sizeof *mod);
    return module_checked(mod, module_decode_owned(&mod->m, bytes, len, api_features(engine), err),
                          source, err);
}

/* What a file name says its content is: a binary module (*.wasm), text
 * (*.wat, *.wast), or nothing (any other name, and standard input). */
enum file_kind { KIND_SNIFF, KIND_BINARY, KIND_TEXT };

/* suffix is lowercase ASCII; path's end matches it in either case. Compared
 * by hand: strcasecmp would fault in its locale tables for this alone. */
static bool has_suffix(const char *path, const char *suffix)
{
    size_t n = strlen(path), k = strlen(suffix);
    if (n < k)
        return false;
    for (const char *p = path + n - k; *suffix; p++, suffix++)
        if ((*p >= 'A' && *p <= 'Z' ? *p + ('a' - 'A') : *p) != *suffix)
            return false;
    return true;
}

static enum file_kind kind_of_name(const char *path)
{
    if (has_suffix(path, ".wasm"))
        return KIND_BINARY;
    if (has_suffix(path, ".wat") || has_suffix(path, ".wast"))
        return KIND_TEXT;
    return KIND_SNIFF;
}

wisp_module *wisp_module_load_file(wisp_engine *engine, const char *path, wisp_error *err)
{
    uint8_t *data;
    size_t len;
    if (!wisp_read_file(path, &data, &len, err))
        return NULL;
    const char *source = strcmp(path, "-") == 0 ? "<stdin>" : path;
    enum file_kind kind = kind_of_name(path);
    if (kind == KIND_SNIFF)
        kind = wisp_is_binary(data, len) || wisp_is_precompiled(data, len) ? KIND_BINARY : KIND_TEXT;
    /* The buffers just made become the module's bytes, not copies of them. */
    if (kind == KIND_BINARY)
        return module_new_owned(engine, data, len, source, err);
    uint8_t *wasm;
    size_t wasm_len;
    bool ok = wisp_wat_to_wasm((const char *)data, len, source, &wasm, &wasm_len, err);
    free(data);
    return ok ? module_new_owned(engine, wasm, wasm_len, source, err) : NULL;
}

void wisp_module_free(wisp_module *module)
{
    if (!module)
        return;
    module_free(&module->m);
    free(atomic_load(&module->sites));
    free(module);
}

static const char *extern_kind_name(uint8_t kind)
{
    static const char *names[] = {"func", "table", "memory", "global", "tag"};
    return kind < 5 ? names[kind] : "?";
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

uint32_t wisp_module_num_tags(const wisp_module *module) { return module->m.ntags; }

bool wisp_module_tag_type(const wisp_module *module, uint32_t index, size_t *nparams, wisp_valtype *params,
                          size_t max)
{
    if (index >= module->m.ntags)
        return false;
    const struct functype *t = &module->m.types[module->m.tag_types[index]];
    *nparams = t->nparams;
    for (size_t i = 0; i < t->nparams && i < max; i++)
        params[i] = valtype_to_wisp(functype_params(t)[i]);
    return true;
}

uint32_t wisp_module_num_memories(const wisp_module *module) { return module->m.nmemories; }
uint32_t wisp_module_num_tables(const wisp_module *module) { return module->m.ntables; }

static void limits_out(const struct limits *l, const char *elem, wisp_limits *out)
{
    *out = (wisp_limits){.min = l->min, .max = l->max, .has_max = l->has_max, .is64 = l->is64, .elem = elem};
}

bool wisp_module_memory_type(const wisp_module *module, uint32_t index, wisp_limits *out)
{
    if (index >= module->m.nmemories)
        return false;
    limits_out(&module->m.memories[index].limits, NULL, out);
    return true;
}

bool wisp_module_table_type(const wisp_module *module, uint32_t index, wisp_limits *out)
{
    if (index >= module->m.ntables)
        return false;
    const struct tabletype *t = &module->m.tables[index];
    limits_out(&t->limits, valtype_name(t->elem), out);
    return true;
}
