/* The argument and result forms of `wisp run --invoke`: integers in decimal
 * or hex, floats with NaN payloads, v128 as one hex number, references as
 * ref.null; results print in the same forms so they read back exactly. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

const char *arg_type_name(wisp_valtype t)
{
    switch (t) {
    case WISP_I32: return "i32";
    case WISP_I64: return "i64";
    case WISP_F32: return "f32";
    case WISP_F64: return "f64";
    case WISP_V128: return "v128";
    case WISP_FUNCREF: return "funcref";
    case WISP_EXTERNREF: return "externref";
    case WISP_EXNREF: return "exnref";
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

bool parse_arg(const char *s, wisp_valtype type, wisp_val *v)
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
    case WISP_EXNREF:
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

void print_val(const wisp_val *v)
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
    case WISP_EXNREF: puts(v->of.exnref ? "ref.exn" : "ref.null"); break;
    }
}
