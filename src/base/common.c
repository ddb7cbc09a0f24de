/* Allocation, error records and the byte buffer shared by every stage. */
#include "base/common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static void out_of_memory(size_t n)
{
    fprintf(stderr, "wisp: out of memory allocating %zu bytes\n", n);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        out_of_memory(n);
    return p;
}

void *xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        out_of_memory(count * size);
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        out_of_memory(n);
    return q;
}

char *xstrndup(const char *s, size_t n)
{
    char *d = xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

void wisp_free(void *p) { free(p); }

bool err_set(struct wisp_error *e, enum wisp_error_kind kind, int64_t offset, const char *fmt, ...)
{
    if (!e)
        return false;
    memset(e, 0, sizeof *e);
    e->kind = kind;
    e->offset = offset;
    e->func = -1;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof e->message) /* say so, rather than cut silently */
        memcpy(e->message + sizeof e->message - 4, "...", 4);
    return false;
}

void err_set_func(struct wisp_error *e, int64_t func, const char *name)
{
    if (!e)
        return;
    e->func = func;
    snprintf(e->func_name, sizeof e->func_name, "%s", name ? name : "");
}

void err_set_pos(struct wisp_error *e, uint32_t line, uint32_t col)
{
    if (!e)
        return;
    e->line = line;
    e->column = col;
}

void err_set_source(struct wisp_error *e, const char *source)
{
    if (!e || !source)
        return;
    snprintf(e->source, sizeof e->source, "%s", source);
}

const char *wisp_error_kind_name(enum wisp_error_kind kind)
{
    switch (kind) {
    case WISP_OK: return "ok";
    case WISP_ERR_MALFORMED: return "malformed";
    case WISP_ERR_INVALID: return "invalid";
    case WISP_ERR_LINK: return "link error";
    case WISP_ERR_TRAP: return "trap";
    case WISP_ERR_EXHAUSTION: return "exhaustion";
    case WISP_ERR_IO: return "i/o error";
    case WISP_ERR_UNSUPPORTED: return "unsupported";
    case WISP_ERR_EXIT: return "exit";
    case WISP_ERR_LIMIT: return "limit";
    case WISP_ERR_EXCEPTION: return "uncaught exception";
    }
    return "error";
}

size_t wisp_error_format(const wisp_error *e, char *buf, size_t size)
{
    char where[sizeof e->source + sizeof e->func_name + 128] = "";
    size_t n = 0;
#define PUT(...) n += (size_t)snprintf(where + n, n < sizeof where ? sizeof where - n : 0, __VA_ARGS__)
    if (e->source[0])
        PUT("%s:", e->source);
    if (e->line)
        PUT("%u:%u:", e->line, e->column);
    if (e->offset >= 0)
        PUT(" byte 0x%llx:", (unsigned long long)e->offset);
    if (e->func >= 0) {
        if (e->func_name[0])
            PUT(" in function %lld ($%s):", (long long)e->func, e->func_name);
        else
            PUT(" in function %lld:", (long long)e->func);
    }
#undef PUT
    if (n >= sizeof where)
        n = sizeof where - 1;
    const char *sep = n ? " " : "";
    const char *w = where[0] == ' ' ? where + 1 : where;
    return (size_t)snprintf(buf, size, "%s%s%s", w, sep, e->message);
}

void buf_reserve(struct buf *b, size_t extra)
{
    if (b->len + extra <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra)
        cap *= 2;
    b->data = xrealloc(b->data, cap);
    b->cap = cap;
}

void buf_byte(struct buf *b, uint8_t v)
{
    buf_reserve(b, 1);
    b->data[b->len++] = v;
}

void buf_bytes(struct buf *b, const void *p, size_t n)
{
    if (!n)
        return;
    buf_reserve(b, n);
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

void buf_u64(struct buf *b, uint64_t v)
{
    do {
        uint8_t byte = v & 0x7F;
        v >>= 7;
        buf_byte(b, byte | (v ? 0x80 : 0));
    } while (v);
}

void buf_u32(struct buf *b, uint32_t v) { buf_u64(b, v); }

void buf_s64(struct buf *b, int64_t v)
{
    for (;;) {
        uint8_t byte = v & 0x7F;
        v >>= 7; /* arithmetic shift: gcc and clang define it */
        bool done = (v == 0 && !(byte & 0x40)) || (v == -1 && (byte & 0x40));
        buf_byte(b, byte | (done ? 0 : 0x80));
        if (done)
            return;
    }
}

void buf_s32(struct buf *b, int32_t v) { buf_s64(b, v); }

void buf_u32_fixed5(struct buf *b, uint32_t v)
{
    buf_reserve(b, 5);
    b->len += 5;
    buf_patch_u32_fixed5(b, b->len - 5, v);
}

void buf_patch_u32_fixed5(struct buf *b, size_t at, uint32_t v)
{
    for (int i = 0; i < 5; i++) {
        b->data[at + i] = (uint8_t)((v & 0x7F) | (i < 4 ? 0x80 : 0));
        v >>= 7;
    }
}

void buf_free(struct buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

bool utf8_valid(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        uint32_t cp;
        size_t need;
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (n - i <= need)
            return false;
        for (size_t k = 1; k <= need; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((need == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
            return false;
        i += need + 1;
    }
    return true;
}
