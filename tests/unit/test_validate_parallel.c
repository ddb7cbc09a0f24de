/* Unit tests for the validation of large modules, whose function bodies
 * are checked on two threads (src/valid/validate.c): the error reported
 * must be the one the first invalid function gives, as when they are
 * checked in order, whichever half it is in. */
#include <stdlib.h>
#include <string.h>
#include "wisp.h"
#include "check.h"

#define NFUNCS 600u
#define BODY_OPS 800u /* i32.const 1, drop: 3 bytes each, 2.4 KB a body, 1.4 MB in all */

struct out {
    uint8_t *p;
    size_t n;
};

static void byte(struct out *o, uint8_t b) { o->p[o->n++] = b; }

static void leb(struct out *o, uint32_t v)
{
    do {
        uint8_t b = v & 0x7f;
        v >>= 7;
        byte(o, v ? b | 0x80 : b);
    } while (v);
}

/* A module of NFUNCS functions () -> () whose bodies push and drop; the
 * functions in bad[] end with an i64.add on nothing instead. */
static uint8_t *build(const uint32_t *bad, size_t nbad, size_t *len)
{
    size_t body = 1 + BODY_OPS * 3 + 2; /* no locals, the ops, i64.add or nop, end */
    struct out o = {malloc(64 + NFUNCS * (body + 8)), 0};
    static const uint8_t head[] = {0, 'a', 's', 'm', 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0};
    memcpy(o.p, head, sizeof head);
    o.n = sizeof head;
    byte(&o, 3); /* functions */
    struct out f = {malloc(8 + NFUNCS), 0};
    leb(&f, NFUNCS);
    for (uint32_t i = 0; i < NFUNCS; i++)
        byte(&f, 0);
    leb(&o, (uint32_t)f.n);
    memcpy(o.p + o.n, f.p, f.n);
    o.n += f.n;
    free(f.p);
    struct out c = {malloc(8 + NFUNCS * (body + 8)), 0};
    leb(&c, NFUNCS);
    for (uint32_t i = 0; i < NFUNCS; i++) {
        bool is_bad = false;
        for (size_t k = 0; k < nbad; k++)
            is_bad = is_bad || bad[k] == i;
        leb(&c, (uint32_t)body);
        byte(&c, 0);
        for (uint32_t k = 0; k < BODY_OPS; k++) {
            byte(&c, 0x41), byte(&c, 1), byte(&c, 0x1a);
        }
        byte(&c, is_bad ? 0x7c : 0x01);
        byte(&c, 0x0b);
    }
    byte(&o, 10);
    leb(&o, (uint32_t)c.n);
    memcpy(o.p + o.n, c.p, c.n);
    o.n += c.n;
    free(c.p);
    *len = o.n;
    return o.p;
}

static bool fails_in(wisp_engine *e, const uint32_t *bad, size_t nbad, int64_t want)
{
    size_t len;
    uint8_t *bytes = build(bad, nbad, &len);
    wisp_error err;
    wisp_module *m = wisp_module_new(e, bytes, len, "large.wasm", &err);
    free(bytes);
    if (m) {
        wisp_module_free(m);
        return want < 0;
    }
    if (want < 0)
        printf("unexpected: %s\n", err.message);
    return want >= 0 && err.func == want && err.kind == WISP_ERR_INVALID &&
           strstr(err.message, "type mismatch");
}

int main(void)
{
    wisp_engine *e = wisp_engine_new();
    CHECK("large module: valid", fails_in(e, NULL, 0, -1));
    uint32_t early[] = {17}, late[] = {555}, both[] = {555, 17}, first_two[] = {3, 4};
    CHECK("large module: an invalid function in the first half", fails_in(e, early, 1, 17));
    CHECK("large module: an invalid function in the second half", fails_in(e, late, 1, 555));
    CHECK("large module: one in each half reports the first", fails_in(e, both, 2, 17));
    CHECK("large module: two in the first half report the first", fails_in(e, first_two, 2, 3));
    wisp_engine_free(e);
    return check_failures != 0;
}
