/* Regression tests for the decoder's implementation limits (src/binary/
 * limits.h): for each limit, a generated module just past it is rejected with
 * WISP_ERR_LIMIT, a message naming the limit and the offset of the count, and
 * one at the limit gets past the check. Modules whose count is large are
 * padded with 0xFF bytes, which make the first item malformed: that keeps
 * them small in memory and quick while proving the count itself passed. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "wisp.h"
#include "check.h"
#include "module.h"
#include "binary/limits.h"

/* ---- Building modules ---- */

/* struct buf and its LEB128 writers are the library's (base/common.h). */
static void put_fill(struct buf *b, uint8_t v, size_t n)
{
    buf_reserve(b, n);
    memset(b->data + b->len, v, n);
    b->len += n;
}

#define BYTES(b, ...) \
    buf_bytes((b), (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__}))

static struct buf header(void)
{
    struct buf b = {0};
    BYTES(&b, 0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00);
    return b;
}

/* A section: id, size, then content. */
static void put_section(struct buf *b, uint8_t id, const struct buf *content)
{
    buf_byte(b, id);
    buf_u32(b, (uint32_t)content->len);
    buf_bytes(b, content->data, content->len);
}

/* A module ending in section `id` whose content is `prefix`, a count and
 * `pad` bytes of 0xFF (enough for rd_len to take the count). *count_at gets
 * the count's byte offset. The section's size covers all of it. */
static struct buf count_module(const struct buf *before, uint8_t id, const struct buf *prefix,
                               uint32_t count, size_t pad, int64_t *count_at)
{
    struct buf b = header();
    if (before)
        buf_bytes(&b, before->data, before->len);
    struct buf content = {0};
    if (prefix)
        buf_bytes(&content, prefix->data, prefix->len);
    size_t at = content.len;
    buf_u32(&content, count);
    put_fill(&content, 0xFF, pad);
    buf_byte(&b, id);
    buf_u32(&b, (uint32_t)content.len);
    *count_at = (int64_t)(b.len + at);
    buf_bytes(&b, content.data, content.len);
    buf_free(&content);
    return b;
}

/* ---- Checking results ---- */

static bool decode(const struct buf *b, struct wisp_error *err)
{
    struct module m;
    memset(err, 0, sizeof *err);
    bool ok = module_decode(&m, b->data, b->len, FEAT_DEFAULT, err);
    if (ok)
        module_free(&m);
    return ok;
}

static bool decode_validate(const struct buf *b, struct wisp_error *err)
{
    struct module m;
    memset(err, 0, sizeof *err);
    if (!module_decode(&m, b->data, b->len, FEAT_DEFAULT, err))
        return false;
    bool ok = module_validate(&m, err);
    module_free(&m);
    return ok;
}

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Rejected for the limit, with this message and offset. */
static void check_limit(const char *name, const struct buf *b, const char *message, int64_t offset)
{
    struct wisp_error err;
    bool ok = decode(b, &err);
    bool good = !ok && err.kind == WISP_ERR_LIMIT && strcmp(err.message, message) == 0 &&
                (offset < 0 || err.offset == offset);
    if (!good)
        printf("note %s: ok=%d kind=%d offset=%lld (want %lld) message \"%s\"\n", name, ok,
               err.kind, (long long)err.offset, (long long)offset, err.message);
    CHECK(name, good);
}

/* Not rejected for a limit: the count got past it (what fails after it, if
 * anything, is the 0xFF padding). */
static void check_not_limit(const char *name, const struct buf *b)
{
    struct wisp_error err;
    bool ok = decode(b, &err);
    if (!ok && err.kind == WISP_ERR_LIMIT)
        printf("note %s: %s\n", name, err.message);
    CHECK(name, ok || err.kind == WISP_ERR_MALFORMED);
}

/* A count in section `id` after `prefix`, where `before` (sections ahead
 * of it) already declared `already` of the same: one past the limit in all
 * is rejected naming `what`, the limit itself passes. */
static void check_count_limit(const char *name, const struct buf *before, uint32_t already,
                              uint8_t id, const struct buf *prefix, uint32_t limit,
                              const char *what)
{
    char test[160], message[256];
    int64_t at;
    uint32_t count = limit - already;
    struct buf b = count_module(before, id, prefix, count + 1, (size_t)count + 1, &at);
    snprintf(test, sizeof test, "%s: %u is past the limit", name, limit + 1);
    snprintf(message, sizeof message, "too many %s: %u declared, the limit is %u", what,
             limit + 1, limit);
    check_limit(test, &b, message, at);
    buf_free(&b);
    b = count_module(before, id, prefix, count, count, &at);
    snprintf(test, sizeof test, "%s: %u is within the limit", name, limit);
    check_not_limit(test, &b);
    buf_free(&b);
}

/* ---- Function bodies ---- */

/* type () -> () or (i32 i32) -> (), one function, and a code section whose
 * one body is `body` (locals and instructions, without its size). */
static struct buf func_module(uint32_t nparams, const struct buf *body)
{
    struct buf b = header(), s = {0};
    BYTES(&s, 0x01, 0x60);
    buf_u32(&s, nparams);
    put_fill(&s, 0x7F, nparams);
    buf_byte(&s, 0x00);
    put_section(&b, 1, &s);
    s.len = 0;
    BYTES(&s, 0x01, 0x00);
    put_section(&b, 3, &s);
    s.len = 0;
    buf_byte(&s, 0x01);
    buf_u32(&s, (uint32_t)body->len);
    buf_bytes(&s, body->data, body->len);
    put_section(&b, 10, &s);
    buf_free(&s);
    return b;
}

/* A body declaring `locals` i32 locals in one group, then `end`. */
static struct buf locals_module(uint32_t nparams, uint32_t locals)
{
    struct buf body = {0};
    buf_byte(&body, 0x01);
    buf_u32(&body, locals);
    BYTES(&body, 0x7F, 0x0B);
    struct buf b = func_module(nparams, &body);
    buf_free(&body);
    return b;
}

static void test_locals(void)
{
    struct wisp_error err;
    struct buf b = locals_module(0, LIMIT_LOCALS);
    CHECK("locals: 50000 declared is valid", decode_validate(&b, &err));
    buf_free(&b);

    b = locals_module(0, LIMIT_LOCALS + 1);
    check_limit("locals: 50001 declared is past the limit", &b,
                "too many locals: 50001 declared, the limit is 50000", 22);
    buf_free(&b);

    /* The parameters count: (param i32 i32) and 49,998 locals is the limit. */
    b = locals_module(2, LIMIT_LOCALS - 2);
    CHECK("locals: 49998 declared and 2 parameters is valid", decode_validate(&b, &err));
    buf_free(&b);
    b = locals_module(2, LIMIT_LOCALS - 1);
    check_limit("locals: 49999 declared and 2 parameters is past the limit", &b,
                "too many locals: 49999 declared and 2 parameters, the limit is 50000", -1);
    buf_free(&b);

    /* More than 2^32-1 in all stays malformed, with the spec suite's words. */
    struct buf body = {0};
    BYTES(&body, 0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x7F, 0x02, 0x7E, 0x0B);
    b = func_module(0, &body);
    bool ok = decode(&b, &err);
    CHECK("locals: 2^32+1 declared is malformed \"too many locals\"",
          !ok && err.kind == WISP_ERR_MALFORMED && starts_with(err.message, "too many locals"));
    buf_free(&b);
    buf_free(&body);
}

/* The two findings of issue 9, also kept as fuzz seeds: a 40-byte module
 * whose function declares 0xffffffff locals passed `wisp validate` and then
 * overflowed the heap in the compiler; one declaring 100,000,000 locals took
 * 490 MB before it trapped. Both are now refused at decode time, through the
 * public API as `wisp validate` and `wisp run` load them. */
static void test_finding(const char *name, const char *path, const char *message)
{
    wisp_error err;
    uint8_t *data;
    size_t len;
    if (!wisp_read_file(path, &data, &len, &err)) {
        printf("FAIL %s: cannot read %s\n", name, path);
        check_failures++;
        return;
    }
    wisp_engine *engine = wisp_engine_new();
    wisp_module *m = wisp_module_new(engine, data, len, path, &err);
    bool good = !m && err.kind == WISP_ERR_LIMIT && strcmp(err.message, message) == 0;
    if (!good)
        printf("note %s: kind %d, \"%s\"\n", name, err.kind, m ? "(accepted)" : err.message);
    CHECK(name, good);
    if (m)
        wisp_module_free(m);
    wisp_engine_free(engine);
    wisp_free(data);
}

static void test_body_size(void)
{
    int64_t at;
    struct buf b = count_module(NULL, 10, &(struct buf){(uint8_t[]){0x01}, 1, 1},
                                LIMIT_BODY_SIZE + 1, LIMIT_BODY_SIZE + 1, &at);
    check_limit("function body size: 7654322 bytes is past the limit", &b,
                "function body too large: 7654322 bytes, the limit is 7654321", at);
    buf_free(&b);
    b = count_module(NULL, 10, &(struct buf){(uint8_t[]){0x01}, 1, 1}, LIMIT_BODY_SIZE,
                     LIMIT_BODY_SIZE, &at);
    check_not_limit("function body size: 7654321 bytes is within the limit", &b);
    buf_free(&b);
}

/* block (i32.const 0) br_table 0 0 ... 0 end end, with `targets` labels
 * before the default. */
static struct buf br_table_module(uint32_t targets)
{
    struct buf body = {0};
    BYTES(&body, 0x00, 0x02, 0x40, 0x41, 0x00, 0x0E);
    buf_u32(&body, targets);
    put_fill(&body, 0x00, (size_t)targets + 1);
    BYTES(&body, 0x0B, 0x0B);
    struct buf b = func_module(0, &body);
    buf_free(&body);
    return b;
}

static void test_br_table(void)
{
    struct wisp_error err;
    struct buf b = br_table_module(LIMIT_BR_TABLE_TARGETS);
    CHECK("br_table: 65520 targets is valid", decode_validate(&b, &err));
    buf_free(&b);
    b = br_table_module(LIMIT_BR_TABLE_TARGETS + 1);
    check_limit("br_table: 65521 targets is past the limit", &b,
                "too many br_table targets: 65521 declared, the limit is 65520", 32);
    buf_free(&b);
}

/* Block nesting has no limit of its own; the body size bounds it. Deep
 * nesting decodes and validates without trouble. */
static void test_nesting(void)
{
    struct wisp_error err;
    uint32_t depth = 100000;
    struct buf body = {0};
    buf_byte(&body, 0x00);
    for (uint32_t i = 0; i < depth; i++)
        BYTES(&body, 0x02, 0x40);
    put_fill(&body, 0x0B, (size_t)depth + 1);
    struct buf b = func_module(0, &body);
    CHECK("block nesting: 100000 levels is valid", decode_validate(&b, &err));
    buf_free(&b);
    buf_free(&body);
}

/* ---- Counts in sections ---- */

static void test_types(void)
{
    check_count_limit("types", NULL, 0, 1, NULL, LIMIT_TYPES, "types");
    check_count_limit("parameters", NULL, 0, 1, &(struct buf){(uint8_t[]){0x01, 0x60}, 2, 2},
                      LIMIT_PARAMS, "parameters");
    check_count_limit("results", NULL, 0, 1, &(struct buf){(uint8_t[]){0x01, 0x60, 0x00}, 3, 3},
                      LIMIT_RESULTS, "results");
}

static void test_index_spaces(void)
{
    check_count_limit("imports", NULL, 0, 2, NULL, LIMIT_IMPORTS, "imports");
    check_count_limit("functions", NULL, 0, 3, NULL, LIMIT_FUNCTIONS,
                      "functions (imported and defined)");
    check_count_limit("tables", NULL, 0, 4, NULL, LIMIT_TABLES, "tables (imported and defined)");
    check_count_limit("memories", NULL, 0, 5, NULL, LIMIT_MEMORIES,
                      "memories (imported and defined)");
    check_count_limit("globals", NULL, 0, 6, NULL, LIMIT_GLOBALS, "globals (imported and defined)");
    check_count_limit("exports", NULL, 0, 7, NULL, LIMIT_EXPORTS, "exports");
    check_count_limit("element segments", NULL, 0, 9, NULL, LIMIT_ELEM_SEGMENTS,
                      "element segments");
    check_count_limit("function bodies", NULL, 0, 10, NULL, LIMIT_FUNCTIONS, "function bodies");
    check_count_limit("data segments", NULL, 0, 11, NULL, LIMIT_DATA_SEGMENTS, "data segments");

    /* Imports count towards the limits of their index spaces: one imported
     * function and 1,000,000 defined ones are too many. */
    struct buf imports = {0}, s = {0};
    BYTES(&s, 0x01, 0x01, 'm', 0x01, 'f', 0x00, 0x00);
    put_section(&imports, 2, &s);
    check_count_limit("functions with one imported", &imports, 1, 3, NULL, LIMIT_FUNCTIONS,
                      "functions (imported and defined)");
    imports.len = s.len = 0;
    BYTES(&s, 0x01, 0x01, 'm', 0x01, 'm', 0x02, 0x00, 0x00);
    put_section(&imports, 2, &s);
    check_count_limit("memories with one imported", &imports, 1, 5, NULL, LIMIT_MEMORIES,
                      "memories (imported and defined)");

    /* 100,001 imported tables: the last import is the one refused. */
    struct buf b = header();
    s.len = 0;
    buf_u32(&s, LIMIT_TABLES + 1);
    int64_t last = 0;
    for (uint32_t i = 0; i <= LIMIT_TABLES; i++) {
        last = (int64_t)s.len;
        BYTES(&s, 0x00, 0x00, 0x01, 0x70, 0x00, 0x00);
    }
    buf_byte(&b, 2);
    buf_u32(&b, (uint32_t)s.len);
    last += (int64_t)b.len;
    buf_bytes(&b, s.data, s.len);
    check_limit("tables: 100001 imported is past the limit", &b,
                "too many tables (imported and defined): 100001 declared, the limit is 100000",
                last);
    buf_free(&b);
    buf_free(&s);
    buf_free(&imports);

    /* The data count section's value is a number of data segments too. */
    s = (struct buf){0};
    buf_u32(&s, LIMIT_DATA_SEGMENTS + 1);
    b = header();
    put_section(&b, 12, &s);
    check_limit("data count: 100001 is past the limit", &b,
                "too many data segments: 100001 declared, the limit is 100000", 10);
    buf_free(&b);
    buf_free(&s);
}

static void test_elem_items(void)
{
    /* An active segment at offset (i32.const 0) for table 0, then the count
     * of its function indices. */
    struct buf prefix = {0};
    BYTES(&prefix, 0x01, 0x00, 0x41, 0x00, 0x0B);
    check_count_limit("elements in a segment", NULL, 0, 9, &prefix, LIMIT_ELEM_ITEMS,
                      "elements in a segment");
    prefix.len = 0;
    /* Expressions (flags 5, passive with a reftype) are counted the same. */
    BYTES(&prefix, 0x01, 0x05, 0x70);
    check_count_limit("element expressions in a segment", NULL, 0, 9, &prefix, LIMIT_ELEM_ITEMS,
                      "elements in a segment");
    buf_free(&prefix);
}

/* ---- Table sizes ---- */

static struct buf table_module(bool imported, uint8_t flag, uint32_t min, uint32_t max)
{
    struct buf b = header(), s = {0};
    buf_byte(&s, 0x01);
    if (imported)
        BYTES(&s, 0x01, 'm', 0x01, 't', 0x01);
    BYTES(&s, 0x70, flag);
    buf_u32(&s, min);
    if (flag)
        buf_u32(&s, max);
    put_section(&b, imported ? 2 : 4, &s);
    buf_free(&s);
    return b;
}

static void test_tables(void)
{
    struct wisp_error err;
    struct buf b = table_module(false, 0, LIMIT_TABLE_MIN, 0);
    CHECK("table: initial size 10000000 is valid", decode_validate(&b, &err));
    buf_free(&b);
    /* Larger ones are valid modules: instantiation refuses them
     * (tests/wast/implementation_limits.wast). */
    b = table_module(false, 0, 0xFFFFFFFF, 0);
    CHECK("table: initial size 0xffffffff is a valid declaration", decode_validate(&b, &err));
    buf_free(&b);
    b = table_module(true, 1, LIMIT_TABLE_MIN + 1, 0xFFFFFFFF);
    CHECK("table: imported with initial size 10000001 is a valid declaration", decode_validate(&b, &err));
    buf_free(&b);
    /* Maximums are not limited: (table 0 0xffff_ffff funcref) is valid. */
    b = table_module(false, 1, 0, 0xFFFFFFFF);
    CHECK("table: maximum 0xffffffff is valid", decode_validate(&b, &err));
    buf_free(&b);
    /* A minimum above the maximum is the validator's, with the spec's words. */
    b = table_module(false, 1, 0xFFFFFFFF, 0);
    bool ok = decode_validate(&b, &err);
    CHECK("table: (table 0xffff_ffff 0) is invalid, not past a limit",
          !ok && err.kind == WISP_ERR_INVALID &&
              starts_with(err.message, "size minimum must not be greater than maximum"));
    buf_free(&b);
}

/* ---- Module size ---- */

static void test_module_size(void)
{
    /* Untouched anonymous pages: the length is refused before any is read. */
    size_t len = (size_t)LIMIT_MODULE_SIZE + 1;
    void *p = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        printf("SKIP module size: cannot map 1 GiB of address space\n");
        return;
    }
    struct buf b = {p, len, len};
    check_limit("module size: 1 GiB + 1 byte is past the limit", &b,
                "module too large: 1073741825 bytes, the limit is 1073741824", LIMIT_MODULE_SIZE);
    munmap(p, len);
}

int main(void)
{
    test_locals();
    test_finding("finding: locals_0xffffffff.wasm (40 bytes, heap overflow) is refused",
                 "tests/fuzz/seeds/decode/locals_0xffffffff.wasm",
                 "too many locals: 4294967295 declared, the limit is 50000");
    test_finding("finding: locals_100M.wasm (490 MB before it trapped) is refused",
                 "tests/fuzz/seeds/decode/locals_100M.wasm",
                 "too many locals: 100000000 declared, the limit is 50000");
    test_body_size();
    test_br_table();
    test_nesting();
    test_types();
    test_index_spaces();
    test_elem_items();
    test_tables();
    test_module_size();
    return check_failures ? 1 : 0;
}
