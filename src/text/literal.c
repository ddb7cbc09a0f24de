/* Numeric literals of the text format: the token grammar (which runs are
 * numbers at all) and the conversions to integers and to IEEE bits. Hex floats
 * are rounded exactly here; decimal floats go through strtof/strtod on a copy
 * without underscores, which the C library rounds correctly. */
#include <errno.h>
#include <stdlib.h>

#include "text/wat.h"

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
static uint32_t hexval(char c) { return is_digit(c) ? (uint32_t)(c - '0') : (uint32_t)((c | 0x20) - 'a' + 10); }

/* digit ('_'? digit)*, advancing *i; false if there is no digit at *i. */
static bool scan_digits(const char *s, uint32_t n, uint32_t *i, bool hex)
{
    bool (*ok)(char) = hex ? is_hex : is_digit;
    if (*i >= n || !ok(s[*i]))
        return false;
    (*i)++;
    while (*i < n) {
        if (ok(s[*i])) {
            (*i)++;
        } else if (s[*i] == '_' && *i + 1 < n && ok(s[*i + 1])) {
            *i += 2;
        } else {
            break;
        }
    }
    return true;
}

static bool span_is(const char *s, uint32_t n, const char *lit)
{
    size_t k = strlen(lit);
    return n == k && memcmp(s, lit, k) == 0;
}

/* The magnitude part of a float or integer literal (after the sign).
 * Returns 0 if it is not a number, TOK_NAT for integers, TOK_FLOAT otherwise. */
static uint8_t classify_magnitude(const char *s, uint32_t n)
{
    if (span_is(s, n, "inf") || span_is(s, n, "nan"))
        return TOK_FLOAT;
    if (n > 6 && memcmp(s, "nan:0x", 6) == 0) {
        uint32_t i = 6;
        return scan_digits(s, n, &i, true) && i == n ? TOK_FLOAT : 0;
    }
    bool hex = n >= 2 && s[0] == '0' && s[1] == 'x';
    uint32_t i = hex ? 2 : 0;
    if (!scan_digits(s, n, &i, hex))
        return 0;
    bool is_float = false;
    if (i < n && s[i] == '.') {
        i++;
        is_float = true;
        if (i < n && (hex ? is_hex(s[i]) : is_digit(s[i])))
            scan_digits(s, n, &i, hex);
    }
    if (i < n && (hex ? (s[i] == 'p' || s[i] == 'P') : (s[i] == 'e' || s[i] == 'E'))) {
        i++;
        is_float = true;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        if (!scan_digits(s, n, &i, false))
            return 0;
    }
    if (i != n)
        return 0;
    return is_float ? TOK_FLOAT : TOK_NAT;
}

uint8_t lex_classify(const char *s, uint32_t n)
{
    if (n == 0)
        return TOK_RESERVED;
    if (s[0] == '$')
        return n > 1 ? TOK_ID : TOK_RESERVED;
    bool sign = s[0] == '+' || s[0] == '-';
    uint8_t k = classify_magnitude(s + sign, n - sign);
    if (k)
        return k == TOK_NAT && sign ? TOK_INT : k;
    if (s[0] >= 'a' && s[0] <= 'z')
        return TOK_KEYWORD;
    return TOK_RESERVED;
}

/* Parse an unsigned integer magnitude (decimal or 0x hex, with
 * underscores). False on overflow of 64 bits or on a malformed literal. */
static bool parse_magnitude(const char *s, uint32_t n, uint64_t *out)
{
    bool hex = n > 2 && s[0] == '0' && s[1] == 'x';
    uint32_t i = hex ? 2 : 0;
    if (i >= n)
        return false;
    uint64_t v = 0;
    for (; i < n; i++) {
        char c = s[i];
        if (c == '_')
            continue;
        if (hex) {
            if (!is_hex(c) || v > UINT64_MAX / 16)
                return false;
            v = v * 16 + hexval(c);
        } else {
            if (!is_digit(c))
                return false;
            uint64_t d = (uint64_t)(c - '0');
            if (v > (UINT64_MAX - d) / 10)
                return false;
            v = v * 10 + d;
        }
    }
    *out = v;
    return true;
}

bool tok_u64(const struct token *t, uint64_t *out)
{
    return t->kind == TOK_NAT && parse_magnitude(t->text, t->len, out);
}

bool tok_u32(const struct token *t, uint32_t *out)
{
    uint64_t v;
    if (!tok_u64(t, &v) || v > UINT32_MAX)
        return false;
    *out = (uint32_t)v;
    return true;
}

/* An integer of `bits` bits, written unsigned (nat or +int, up to 2^bits-1)
 * or negative (down to -2^(bits-1)); the result is the two's complement. */
bool tok_int_bits(const struct token *t, unsigned bits, uint64_t *out)
{
    uint64_t umax = bits == 64 ? UINT64_MAX : ((uint64_t)1 << bits) - 1;
    uint64_t v;
    if (t->kind == TOK_NAT) {
        if (!parse_magnitude(t->text, t->len, &v) || v > umax)
            return false;
        *out = v;
        return true;
    }
    if (t->kind != TOK_INT || t->len < 2)
        return false;
    if (!parse_magnitude(t->text + 1, t->len - 1, &v))
        return false;
    if (t->text[0] == '+') {
        if (v > umax)
            return false;
        *out = v;
        return true;
    }
    if (v > ((uint64_t)1 << (bits - 1)))
        return false;
    *out = (0 - v) & umax;
    return true;
}

bool tok_i32(const struct token *t, uint32_t *out)
{
    uint64_t v;
    if (!tok_int_bits(t, 32, &v))
        return false;
    *out = (uint32_t)v;
    return true;
}

bool tok_i64(const struct token *t, uint64_t *out) { return tok_int_bits(t, 64, out); }

/* IEEE binary formats. */
struct fformat {
    unsigned mant_bits; /* stored fraction bits: 23 or 52 */
    unsigned exp_bits;  /* 8 or 11 */
};
static const struct fformat F32 = {23, 8}, F64 = {52, 11};

/* Round m * 2^exp2 (m != 0; sticky: nonzero bits below m were dropped) to
 * the format, nearest-even. False on overflow to infinity. */
static bool round_to_format(struct fformat f, bool neg, uint64_t m, int64_t exp2, bool sticky, uint64_t *bits)
{
    int lz = __builtin_clzll(m);
    m <<= lz;
    exp2 -= lz;
    /* Now the value is 1.f * 2^e with e = exp2 + 63. */
    int64_t bias = ((int64_t)1 << (f.exp_bits - 1)) - 1;
    int64_t e = exp2 + 63;
    int64_t emin = 1 - bias;
    uint64_t sign = (uint64_t)neg << (f.mant_bits + f.exp_bits);
    if (e > bias + 1)
        return false;
    unsigned shift;
    if (e >= emin) {
        shift = 63 - f.mant_bits; /* keep mant_bits + 1 bits */
    } else {
        int64_t s = (int64_t)(63 - f.mant_bits) + (emin - e);
        if (s > 64) {
            *bits = sign; /* below half the smallest subnormal */
            return true;
        }
        shift = (unsigned)s;
    }
    uint64_t q = shift >= 64 ? 0 : m >> shift;
    uint64_t rem = shift >= 64 ? m : m & (((uint64_t)1 << shift) - 1);
    uint64_t half = (uint64_t)1 << (shift - 1);
    if (rem > half || (rem == half && (sticky || (q & 1))))
        q++;
    uint64_t frac_mask = ((uint64_t)1 << f.mant_bits) - 1;
    if (e < emin) {
        /* Subnormal; a carry into bit mant_bits makes it the smallest normal,
         * which the plain encoding q expresses correctly. */
        *bits = sign | q;
        return true;
    }
    if (q >> (f.mant_bits + 1)) {
        q >>= 1;
        e++;
    }
    if (e > bias)
        return false;
    *bits = sign | ((uint64_t)(e + bias) << f.mant_bits) | (q & frac_mask);
    return true;
}

/* Hex float magnitude "0x" hexnum ["." hexnum?] [p sign? num]. */
static bool parse_hexfloat(struct fformat f, bool neg, const char *s, uint32_t n, uint64_t *bits)
{
    uint32_t i = 2;
    uint64_t m = 0;
    int64_t exp2 = 0;
    bool sticky = false, frac = false;
    for (; i < n; i++) {
        char c = s[i];
        if (c == '_')
            continue;
        if (c == '.') {
            frac = true;
            continue;
        }
        if (!is_hex(c))
            break;
        uint32_t d = hexval(c);
        if (m >> 60) {
            /* Out of precision: the digit only matters as a sticky bit. */
            if (d)
                sticky = true;
            if (!frac)
                exp2 += 4;
        } else {
            m = m * 16 + d;
            if (frac)
                exp2 -= 4;
        }
    }
    if (i < n) {
        if (s[i] != 'p' && s[i] != 'P')
            return false;
        i++;
        bool eneg = false;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            eneg = s[i++] == '-';
        int64_t e = 0;
        for (; i < n; i++) {
            if (s[i] == '_')
                continue;
            if (!is_digit(s[i]))
                return false;
            if (e < ((int64_t)1 << 40))
                e = e * 10 + (s[i] - '0');
        }
        exp2 += eneg ? -e : e;
    }
    if (m == 0) {
        *bits = (uint64_t)neg << (f.mant_bits + f.exp_bits);
        return true;
    }
    return round_to_format(f, neg, m, exp2, sticky, bits);
}

static bool parse_decimal_float(struct fformat f, const char *s, uint32_t n, uint64_t *bits)
{
    char small[128];
    char *copy = n < sizeof small ? small : xmalloc((size_t)n + 1);
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++)
        if (s[i] != '_')
            copy[k++] = s[i];
    copy[k] = 0;
    char *end;
    bool ok;
    errno = 0;
    if (f.mant_bits == 23) {
        float v = strtof(copy, &end);
        uint32_t b;
        memcpy(&b, &v, 4);
        ok = end == copy + k && (b & 0x7FFFFFFF) != 0x7F800000;
        *bits = b;
    } else {
        double v = strtod(copy, &end);
        uint64_t b;
        memcpy(&b, &v, 8);
        ok = end == copy + k && (b & 0x7FFFFFFFFFFFFFFF) != 0x7FF0000000000000;
        *bits = b;
    }
    if (copy != small)
        free(copy);
    return ok;
}

static bool tok_float(const struct token *t, struct fformat f, uint64_t *bits)
{
    if (t->kind != TOK_NAT && t->kind != TOK_INT && t->kind != TOK_FLOAT)
        return false;
    const char *s = t->text;
    uint32_t n = t->len;
    bool neg = false;
    if (n && (s[0] == '+' || s[0] == '-')) {
        neg = s[0] == '-';
        s++;
        n--;
    }
    uint64_t sign = (uint64_t)neg << (f.mant_bits + f.exp_bits);
    uint64_t exp_all = (((uint64_t)1 << f.exp_bits) - 1) << f.mant_bits;
    if (span_is(s, n, "inf")) {
        *bits = sign | exp_all;
        return true;
    }
    if (span_is(s, n, "nan")) {
        *bits = sign | exp_all | ((uint64_t)1 << (f.mant_bits - 1));
        return true;
    }
    if (n > 4 && memcmp(s, "nan:", 4) == 0) {
        uint64_t payload;
        if (!parse_magnitude(s + 4, n - 4, &payload) || payload == 0 || payload >> f.mant_bits)
            return false;
        *bits = sign | exp_all | payload;
        return true;
    }
    if (n > 2 && s[0] == '0' && s[1] == 'x')
        return parse_hexfloat(f, neg, s, n, bits);
    return parse_decimal_float(f, t->text, t->len, bits);
}

bool tok_f32(const struct token *t, uint32_t *bits)
{
    uint64_t b;
    if (!tok_float(t, F32, &b))
        return false;
    *bits = (uint32_t)b;
    return true;
}

bool tok_f64(const struct token *t, uint64_t *bits) { return tok_float(t, F64, bits); }

bool tok_v128_shape(const struct token *t, unsigned *lanes, unsigned *bits, bool *is_float)
{
    static const struct { const char *name; uint8_t lanes, bits, is_float; } shapes[] = {
        {"i8x16", 16, 8, 0}, {"i16x8", 8, 16, 0}, {"i32x4", 4, 32, 0},
        {"i64x2", 2, 64, 0}, {"f32x4", 4, 32, 1}, {"f64x2", 2, 64, 1},
    };
    for (size_t i = 0; i < ARRAY_LEN(shapes); i++) {
        if (tok_keyword_is(t, shapes[i].name)) {
            *lanes = shapes[i].lanes;
            *bits = shapes[i].bits;
            *is_float = shapes[i].is_float;
            return true;
        }
    }
    return false;
}
