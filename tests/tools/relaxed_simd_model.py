#!/usr/bin/env python3
"""A model of wisp's relaxed SIMD semantics (the spec's deterministic
profile, NaN results +canonical), written apart from src/runtime/simd.h, that
computes the hash tests/wast/relaxed_simd_random.wast expects:
`python3 tests/tools/relaxed_simd_model.py 20000` prints it. It repeats that
module's generator (xorshift64, lanes from random bits or EDGES) and its mix.
f32 arithmetic is done in doubles and rounded once: a product of two f32 is
exact in a double, and a double sum rounded to f32 is the correctly rounded
f32 sum (53 >= 2 * 24 + 2 bits)."""
import math
import struct
import sys

M64 = (1 << 64) - 1
C32, C64 = 0x7fc00000, 0x7ff8000000000000  # the positive canonical NaNs
EDGES = [0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000,
         0x7fa00001, 0xffc44444, 0x7f7fffff, 0xff7fffff, 0x4f000000, 0xcf000000, 0xcf000001, 0x4f800000,
         0x4f7fffff, 0x3f000000, 0x3fc00000, 0x00000001, 0x80000001, 0x007fffff,
         0x7ff80000, 0xfff00000, 0x7ff00000, 0x41e00000, 0xc1e00000, 0x41efffff, 0x41f00000, 0xc1e00001,
         0x3ff00000, 0x43300000,
         0x80808080, 0x7f7f7f7f, 0x80008000, 0x7fff7fff, 0x80818283, 0x10203040, 0x0f10ff80, 0xffffffff]


class Rng:
    def __init__(self):
        self.s = 0x9e3779b97f4a7c15

    def next(self):
        x = self.s
        x ^= (x << 13) & M64
        x ^= x >> 7
        x ^= (x << 17) & M64
        self.s = x
        return x

    def lane(self):
        r = self.next()
        return r >> 32 if r & 3 == 0 else EDGES[(r >> 8) % len(EDGES)]

    def v128(self):  # one i32x4.splat and three replace_lanes, in this order
        return [self.lane() for _ in range(4)]


# A v128 is four u32 lanes; views as other lanes.
def to_bytes(v): return b''.join(x.to_bytes(4, 'little') for x in v)
def from_bytes(b): return [int.from_bytes(b[4 * i:4 * i + 4], 'little') for i in range(4)]
def s8(v): return [x - 256 if x >= 128 else x for x in to_bytes(v)]
def s16(v): return [int.from_bytes(to_bytes(v)[2 * i:2 * i + 2], 'little', signed=True) for i in range(8)]
def u64(v): return [int.from_bytes(to_bytes(v)[8 * i:8 * i + 8], 'little') for i in range(2)]
def of16(xs): return from_bytes(b''.join((x & 0xffff).to_bytes(2, 'little') for x in xs))
def of64(xs): return from_bytes(b''.join((x & M64).to_bytes(8, 'little') for x in xs))
def f32(u): return struct.unpack('<f', struct.pack('<I', u))[0]
def f64(u): return struct.unpack('<d', struct.pack('<Q', u))[0]
def b64(x): return struct.unpack('<Q', struct.pack('<d', x))[0]


def b32(x):  # a double rounded to f32 bits
    try:
        return struct.unpack('<I', struct.pack('<f', x))[0]
    except OverflowError:
        return 0x7f800000 if x > 0 else 0xff800000


def swizzle(a, s):
    b = to_bytes(a)
    return from_bytes(bytes(b[j] if j < 16 else 0 for j in to_bytes(s)))


def trunc_sat(x, lo, hi):
    return 0 if math.isnan(x) else lo if x <= lo else hi if x >= hi else int(x)


def trunc_f32(a, signed):
    lo, hi = (-2**31, 2**31 - 1) if signed else (0, 2**32 - 1)
    return [trunc_sat(f32(x), lo, hi) & 0xffffffff for x in a]


def trunc_f64_zero(a, signed):
    lo, hi = (-2**31, 2**31 - 1) if signed else (0, 2**32 - 1)
    return [trunc_sat(f64(x), lo, hi) & 0xffffffff for x in u64(a)] + [0, 0]


def fadd(p, z):  # IEEE addition of doubles, a NaN result None
    if math.isnan(p) or math.isnan(z) or (math.isinf(p) and math.isinf(z) and p != z):
        return None
    return p + z  # Python keeps IEEE signed zeros: -0 + -0 = -0, else +0


def madd_f32(a, b, c, neg):
    out = []
    for x, y, z in zip(a, b, c):
        p = (-f32(x) if neg else f32(x)) * f32(y)  # exact; NaN for inf * 0
        r = None if math.isnan(p) else fadd(f32(b32(p)), f32(z))
        out.append(C32 if r is None or math.isnan(r) else b32(r))
    return out


def madd_f64(a, b, c, neg):
    out = []
    for x, y, z in zip(u64(a), u64(b), u64(c)):
        p = (-f64(x) if neg else f64(x)) * f64(y)
        r = None if math.isnan(p) else fadd(p, f64(z))
        out.append(C64 if r is None else b64(r))
    return of64(out)


def min_max(xs, ys, is_min, to_float, canon):
    out = []
    for x, y in zip(xs, ys):
        fx, fy = to_float(x), to_float(y)
        if math.isnan(fx) or math.isnan(fy):
            out.append(canon)
        elif fx == fy:  # -0 below +0
            out.append(x | y if is_min else x & y)
        else:
            out.append(x if (fx < fy if is_min else fx > fy) else y)
    return out


def laneselect(a, b, m): return [(x & k) | (y & ~k & 0xffffffff) for x, y, k in zip(a, b, m)]
def q15mulr(a, b): return of16([min(32767, (x * y + 0x4000) >> 15) for x, y in zip(s16(a), s16(b))])


def dot(a, b):  # both operands' bytes signed, pairs saturated to i16
    x, y = s8(a), s8(b)
    return [max(-32768, min(32767, x[2 * i] * y[2 * i] + x[2 * i + 1] * y[2 * i + 1])) for i in range(8)]


def dot_add(a, b, c):
    d = dot(a, b)
    return [(d[2 * i] + d[2 * i + 1] + c[i]) & 0xffffffff for i in range(4)]


def mix(h, r):  # i64x2.mul(rotl(h, 5) ^ r, K)
    k = [0x9e3779b97f4a7c15, 0xff51afd7ed558ccd]
    return of64([((((x << 5) & M64) | (x >> 59)) ^ y) * m & M64 for x, y, m in zip(u64(h), u64(r), k)])


def run(n):
    rng, h = Rng(), [0, 0, 0, 0]
    for _ in range(n):
        a, b, c = rng.v128(), rng.v128(), rng.v128()
        for r in (swizzle(a, b), trunc_f32(a, True), trunc_f32(a, False), trunc_f64_zero(a, True),
                  trunc_f64_zero(a, False), madd_f32(a, b, c, False), madd_f32(a, b, c, True),
                  madd_f64(a, b, c, False), madd_f64(a, b, c, True),
                  laneselect(a, b, c), laneselect(a, b, c), laneselect(a, b, c), laneselect(a, b, c),
                  min_max(a, b, True, f32, C32), min_max(a, b, False, f32, C32),
                  of64(min_max(u64(a), u64(b), True, f64, C64)), of64(min_max(u64(a), u64(b), False, f64, C64)),
                  q15mulr(a, b), of16(dot(a, b)), dot_add(a, b, c)):
            h = mix(h, r)
    x = u64(h)[0] ^ u64(h)[1]
    return x - (1 << 64) if x >= 1 << 63 else x


if __name__ == '__main__':
    print(run(int(sys.argv[1]) if len(sys.argv) > 1 else 20000))
