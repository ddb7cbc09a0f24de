/* Unit tests for src/base: LEB128 encoding, UTF-8 checking, error format. */
#include <string.h>

#include "base/common.h"
#include "check.h"

static bool encodes(void (*put)(struct buf *, int64_t), int64_t v, const char *hex)
{
    struct buf b = {0};
    put(&b, v);
    char got[64] = "";
    for (size_t i = 0; i < b.len; i++)
        sprintf(got + 2 * i, "%02x", b.data[i]);
    buf_free(&b);
    return strcmp(got, hex) == 0;
}
static void put_u64(struct buf *b, int64_t v) { buf_u64(b, (uint64_t)v); }
static void put_s64(struct buf *b, int64_t v) { buf_s64(b, v); }

int main(void)
{
    CHECK("leb u64 0", encodes(put_u64, 0, "00"));
    CHECK("leb u64 127", encodes(put_u64, 127, "7f"));
    CHECK("leb u64 128", encodes(put_u64, 128, "8001"));
    CHECK("leb u64 624485", encodes(put_u64, 624485, "e58e26"));
    CHECK("leb u64 max", encodes(put_u64, -1, "ffffffffffffffffff01"));
    CHECK("leb s64 -1", encodes(put_s64, -1, "7f"));
    CHECK("leb s64 63", encodes(put_s64, 63, "3f"));
    CHECK("leb s64 64 needs two bytes", encodes(put_s64, 64, "c000"));
    CHECK("leb s64 -64", encodes(put_s64, -64, "40"));
    CHECK("leb s64 -65", encodes(put_s64, -65, "bf7f"));
    CHECK("leb s64 -123456", encodes(put_s64, -123456, "c0bb78"));
    CHECK("leb s64 min", encodes(put_s64, INT64_MIN, "8080808080808080807f"));

    struct buf b = {0};
    buf_u32_fixed5(&b, 3);
    buf_patch_u32_fixed5(&b, 0, 300);
    CHECK("fixed5 patch", b.len == 5 && b.data[0] == 0xAC && b.data[1] == 0x82 && b.data[4] == 0x00);
    buf_free(&b);

    CHECK("utf8 ascii", utf8_valid((const uint8_t *)"abc", 3));
    CHECK("utf8 2-byte", utf8_valid((const uint8_t *)"\xc3\xa9", 2));
    CHECK("utf8 4-byte", utf8_valid((const uint8_t *)"\xf0\x9f\x98\x80", 4));
    CHECK("utf8 overlong rejected", !utf8_valid((const uint8_t *)"\xc0\x80", 2));
    CHECK("utf8 overlong 3-byte rejected", !utf8_valid((const uint8_t *)"\xe0\x80\x80", 3));
    CHECK("utf8 surrogate rejected", !utf8_valid((const uint8_t *)"\xed\xa0\x80", 3));
    CHECK("utf8 above U+10FFFF rejected", !utf8_valid((const uint8_t *)"\xf4\x90\x80\x80", 4));
    CHECK("utf8 truncated rejected", !utf8_valid((const uint8_t *)"\xe2\x82", 2));
    CHECK("utf8 stray continuation rejected", !utf8_valid((const uint8_t *)"\x80", 1));

    wisp_error e;
    char msg[256];
    err_set(&e, WISP_ERR_INVALID, 0x1f, "type mismatch: expected %s", "i32");
    err_set_source(&e, "m.wasm");
    err_set_func(&e, 3, "fib");
    wisp_error_format(&e, msg, sizeof msg);
    CHECK("error format with offset and function",
          strcmp(msg, "m.wasm: byte 0x1f: in function 3 ($fib): type mismatch: expected i32") == 0);
    err_set(&e, WISP_ERR_MALFORMED, -1, "unexpected token");
    err_set_source(&e, "m.wat");
    err_set_pos(&e, 4, 12);
    wisp_error_format(&e, msg, sizeof msg);
    CHECK("error format with line and column", strcmp(msg, "m.wat:4:12: unexpected token") == 0);
    return check_failures ? 1 : 0;
}
