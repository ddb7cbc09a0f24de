;; Relaxed SIMD gives one result in wisp, the spec's deterministic profile:
;; each instruction as the 2.0 instruction it relaxes (madd unfused), and
;; every NaN result the positive canonical NaN. Every expected value here is
;; exact bits (no either, no nan patterns), on the inputs where hosts and
;; the spec's other choices differ, and tests/wast/run.sh runs the file in
;; every tier, so the tiers agree bit for bit.

(module
  (func (export "swizzle") (param v128 v128) (result v128)
    (i8x16.relaxed_swizzle (local.get 0) (local.get 1)))
  (func (export "trunc_f32x4_s") (param v128) (result v128) (i32x4.relaxed_trunc_f32x4_s (local.get 0)))
  (func (export "trunc_f32x4_u") (param v128) (result v128) (i32x4.relaxed_trunc_f32x4_u (local.get 0)))
  (func (export "trunc_f64x2_s_zero") (param v128) (result v128) (i32x4.relaxed_trunc_f64x2_s_zero (local.get 0)))
  (func (export "trunc_f64x2_u_zero") (param v128) (result v128) (i32x4.relaxed_trunc_f64x2_u_zero (local.get 0)))
  (func (export "f32x4.madd") (param v128 v128 v128) (result v128)
    (f32x4.relaxed_madd (local.get 0) (local.get 1) (local.get 2)))
  (func (export "f32x4.nmadd") (param v128 v128 v128) (result v128)
    (f32x4.relaxed_nmadd (local.get 0) (local.get 1) (local.get 2)))
  (func (export "f64x2.madd") (param v128 v128 v128) (result v128)
    (f64x2.relaxed_madd (local.get 0) (local.get 1) (local.get 2)))
  (func (export "f64x2.nmadd") (param v128 v128 v128) (result v128)
    (f64x2.relaxed_nmadd (local.get 0) (local.get 1) (local.get 2)))
  ;; The same operation on constants, which a compiler may fold.
  (func (export "f32x4.madd-const") (result v128)
    (f32x4.relaxed_madd
      (v128.const f32x4 0x1.000004p+0 0x1.fffffep+127 0 inf)
      (v128.const f32x4 0x1.0002p+0 2 1 0)
      (v128.const f32x4 -0x1.000204p+0 -0x1.fffffep+127 -0 1)))
  (func (export "i8x16.laneselect") (param v128 v128 v128) (result v128)
    (i8x16.relaxed_laneselect (local.get 0) (local.get 1) (local.get 2)))
  (func (export "i16x8.laneselect") (param v128 v128 v128) (result v128)
    (i16x8.relaxed_laneselect (local.get 0) (local.get 1) (local.get 2)))
  (func (export "i32x4.laneselect") (param v128 v128 v128) (result v128)
    (i32x4.relaxed_laneselect (local.get 0) (local.get 1) (local.get 2)))
  (func (export "i64x2.laneselect") (param v128 v128 v128) (result v128)
    (i64x2.relaxed_laneselect (local.get 0) (local.get 1) (local.get 2)))
  (func (export "f32x4.min") (param v128 v128) (result v128) (f32x4.relaxed_min (local.get 0) (local.get 1)))
  (func (export "f32x4.max") (param v128 v128) (result v128) (f32x4.relaxed_max (local.get 0) (local.get 1)))
  (func (export "f64x2.min") (param v128 v128) (result v128) (f64x2.relaxed_min (local.get 0) (local.get 1)))
  (func (export "f64x2.max") (param v128 v128) (result v128) (f64x2.relaxed_max (local.get 0) (local.get 1)))
  (func (export "q15mulr") (param v128 v128) (result v128) (i16x8.relaxed_q15mulr_s (local.get 0) (local.get 1)))
  (func (export "dot") (param v128 v128) (result v128)
    (i16x8.relaxed_dot_i8x16_i7x16_s (local.get 0) (local.get 1)))
  (func (export "dot_add") (param v128 v128 v128) (result v128)
    (i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get 0) (local.get 1) (local.get 2)))
)

;; swizzle: an index from 16 to 127 gives 0 (the other choice: lane j mod 16).
(assert_return (invoke "swizzle"
                 (v128.const i8x16 0x10 0x11 0x12 0x13 0x14 0x15 0x16 0x17 0x18 0x19 0x1a 0x1b 0x1c 0x1d 0x1e 0x1f)
                 (v128.const i8x16 0 15 16 17 31 32 0x7f 0x80 0x81 0xff 0xf0 8 0x8f 3 0x10 1))
               (v128.const i8x16 0x10 0x1f 0 0 0 0 0 0 0 0 0 0x18 0 0x13 0 0x11))

;; truncation saturates and NaN gives 0 (the other choice: INT_MIN / UINT_MAX).
(assert_return (invoke "trunc_f32x4_s" (v128.const f32x4 nan -nan:0x444444 2147483648 -2147483904))
               (v128.const i32x4 0 0 0x7fffffff 0x80000000))
(assert_return (invoke "trunc_f32x4_s" (v128.const f32x4 -0 1.9 -2147483648 inf))
               (v128.const i32x4 0 1 0x80000000 0x7fffffff))
(assert_return (invoke "trunc_f32x4_u" (v128.const f32x4 nan -1 4294967296 -inf))
               (v128.const i32x4 0 0 0xffffffff 0))
(assert_return (invoke "trunc_f32x4_u" (v128.const f32x4 4294967040 0.9 -0.9 inf))
               (v128.const i32x4 0xffffff00 0 0 0xffffffff))
(assert_return (invoke "trunc_f64x2_s_zero" (v128.const f64x2 nan -2147483649))
               (v128.const i32x4 0 0x80000000 0 0))
(assert_return (invoke "trunc_f64x2_s_zero" (v128.const f64x2 2147483647.9 -inf))
               (v128.const i32x4 0x7fffffff 0x80000000 0 0))
(assert_return (invoke "trunc_f64x2_u_zero" (v128.const f64x2 4294967296 -nan))
               (v128.const i32x4 0xffffffff 0 0 0))
(assert_return (invoke "trunc_f64x2_u_zero" (v128.const f64x2 -0.9 4294967295.5))
               (v128.const i32x4 0 0xffffffff 0 0))

;; madd: the product rounded, then the sum (fused: 0x1p-37 and FLT_MAX in
;; the first two lanes); signed zeros as fmul and fadd give them.
(assert_return (invoke "f32x4.madd"
                 (v128.const f32x4 0x1.000004p+0 0x1.fffffep+127 0 -0)
                 (v128.const f32x4 0x1.0002p+0 2 1 1)
                 (v128.const f32x4 -0x1.000204p+0 -0x1.fffffep+127 -0 -0))
               (v128.const i32x4 0 0x7f800000 0 0x80000000))
(assert_return (invoke "f32x4.madd-const") (v128.const i32x4 0 0x7f800000 0 0x7fc00000))
;; NaN results are +canonical whatever the inputs' NaNs (x86 makes a
;; negative NaN for inf * 0).
(assert_return (invoke "f32x4.madd"
                 (v128.const f32x4 nan:0x200001 1 inf inf)
                 (v128.const f32x4 1 1 0 1)
                 (v128.const f32x4 1 -nan 1 -inf))
               (v128.const i32x4 0x7fc00000 0x7fc00000 0x7fc00000 0x7fc00000))
(assert_return (invoke "f32x4.nmadd"
                 (v128.const f32x4 -0x1.000004p+0 0 1 -nan:0x1)
                 (v128.const f32x4 0x1.0002p+0 1 2 1)
                 (v128.const f32x4 -0x1.000204p+0 -0 0.5 1))
               (v128.const i32x4 0 0x80000000 0xbfc00000 0x7fc00000))
(assert_return (invoke "f64x2.madd"
                 (v128.const f64x2 0x1.00000004p+0 -inf)
                 (v128.const f64x2 0x1.000002p+0 0)
                 (v128.const f64x2 -0x1.00000204p+0 1))
               (v128.const i64x2 0 0x7ff8000000000000))
(assert_return (invoke "f64x2.nmadd"
                 (v128.const f64x2 -0x1.fffffffffffffp+1023 nan:0x4000000000001)
                 (v128.const f64x2 2 1)
                 (v128.const f64x2 -0x1.fffffffffffffp+1023 1))
               (v128.const i64x2 0x7ff0000000000000 0x7ff8000000000000))

;; laneselect is bitselect for any mask (the other choice: each lane's top
;; bit decides, which would give all ones in the high i64 lane here).
(assert_return (invoke "i8x16.laneselect"
                 (v128.const i64x2 0x0123456789abcdef 0xffffffffffffffff)
                 (v128.const i64x2 0xfedcba9876543210 0)
                 (v128.const i64x2 0x00ff00ff7f0080ff 0x8000000000000001))
               (v128.const i64x2 0xfe23ba670954b2ef 0x8000000000000001))
(assert_return (invoke "i16x8.laneselect"
                 (v128.const i64x2 0x0123456789abcdef 0xffffffffffffffff)
                 (v128.const i64x2 0xfedcba9876543210 0)
                 (v128.const i64x2 0x00ff00ff7f0080ff 0x8000000000000001))
               (v128.const i64x2 0xfe23ba670954b2ef 0x8000000000000001))
(assert_return (invoke "i32x4.laneselect"
                 (v128.const i64x2 0x0123456789abcdef 0xffffffffffffffff)
                 (v128.const i64x2 0xfedcba9876543210 0)
                 (v128.const i64x2 0x00ff00ff7f0080ff 0x8000000000000001))
               (v128.const i64x2 0xfe23ba670954b2ef 0x8000000000000001))
(assert_return (invoke "i64x2.laneselect"
                 (v128.const i64x2 0x0123456789abcdef 0xffffffffffffffff)
                 (v128.const i64x2 0xfedcba9876543210 0)
                 (v128.const i64x2 0x00ff00ff7f0080ff 0x8000000000000001))
               (v128.const i64x2 0xfe23ba670954b2ef 0x8000000000000001))

;; min and max: -0 below +0 both ways, a NaN operand gives +canonical.
(assert_return (invoke "f32x4.min"
                 (v128.const f32x4 -nan:0x444444 0 -0 1)
                 (v128.const f32x4 1 -0 0 nan:0x1))
               (v128.const i32x4 0x7fc00000 0x80000000 0x80000000 0x7fc00000))
(assert_return (invoke "f32x4.max"
                 (v128.const f32x4 -nan:0x444444 0 -0 1)
                 (v128.const f32x4 1 -0 0 nan:0x1))
               (v128.const i32x4 0x7fc00000 0 0 0x7fc00000))
(assert_return (invoke "f64x2.min" (v128.const f64x2 -inf -nan:0x1) (v128.const f64x2 -0 1))
               (v128.const i64x2 0xfff0000000000000 0x7ff8000000000000))
(assert_return (invoke "f64x2.max" (v128.const f64x2 -inf 0) (v128.const f64x2 -0 -nan))
               (v128.const i64x2 0x8000000000000000 0x7ff8000000000000))

;; q15mulr saturates -32768 * -32768 (the other choice: -32768).
(assert_return (invoke "q15mulr"
                 (v128.const i16x8 -32768 -32768 16384 -16384 1 -1 32767 3)
                 (v128.const i16x8 -32768 32767 16384 16384 16384 16384 32767 -16384))
               (v128.const i16x8 32767 -32767 8192 -8192 1 0 32766 -1))

;; dot: the second operand's bytes are signed too (the other choice reads
;; them unsigned when >= 0x80), and each pair's sum saturates to i16.
(assert_return (invoke "dot"
                 (v128.const i8x16 1 1 -128 -128 -128 -128 127 127 2 3 0 0 -1 -1 100 -100)
                 (v128.const i8x16 0x80 0x7f 0x80 0x80 0x81 0x81 0x80 0x80 0xff 0x7f 0 0 0x80 0x80 0xc8 0x38))
               (v128.const i16x8 -1 32767 32512 -32512 379 0 256 -11200))
(assert_return (invoke "dot_add"
                 (v128.const i8x16 1 1 -128 -128 -128 -128 127 127 2 3 0 0 -1 -1 100 -100)
                 (v128.const i8x16 0x80 0x7f 0x80 0x80 0x81 0x81 0x80 0x80 0xff 0x7f 0 0 0x80 0x80 0xc8 0x38)
                 (v128.const i32x4 1 -1 0x7fffffff 0))
               (v128.const i32x4 32767 -1 -2147483270 -10944))
(assert_return (invoke "dot_add"
                 (v128.const i8x16 -128 -128 -128 -128 -128 -128 -128 -128 -128 -128 -128 -128 -128 -128 -128 -128)
                 (v128.const i8x16 0x80 0x80 0x80 0x80 0x80 0x80 0x80 0x80 0x80 0x80 0x80 0x80 0x80 0x80 0x80 0x80)
                 (v128.const i32x4 0 2 -65534 0x7fffffff))
               (v128.const i32x4 65534 65536 0 -2147418115))

;; The binary encoding: a code of 0x100 and up after 0xfd, in any LEB128
;; length; 0x114 is not an instruction.
(module binary
  "\00asm\01\00\00\00"
  "\01\07\01\60\02\7b\7b\01\7b"        ;; type 0: [v128 v128] -> [v128]
  "\03\02\01\00"                         ;; func 0: type 0
  "\07\05\01\01s\00\00"                  ;; export "s"
  "\0a\0c\01\0a\00\20\00\20\01\fd\80\82\00\0b") ;; i8x16.relaxed_swizzle as 0xfd 0x80 0x82 0x00
(assert_return (invoke "s"
                 (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15)
                 (v128.const i8x16 15 14 13 12 11 10 9 8 7 6 5 4 3 2 1 0x10))
               (v128.const i8x16 15 14 13 12 11 10 9 8 7 6 5 4 3 2 1 0))
(assert_malformed
  (module binary
    "\00asm\01\00\00\00"
    "\01\07\01\60\02\7b\7b\01\7b"
    "\03\02\01\00"
    "\0a\0b\01\09\00\20\00\20\01\fd\94\02\0b")
  "illegal opcode")
(assert_invalid
  (module (func (result v128)
    (f32x4.relaxed_madd (v128.const i64x2 0 0) (v128.const i64x2 0 0))))
  "type mismatch")
(assert_invalid
  (module (func (result v128)
    (i32x4.relaxed_dot_i8x16_i7x16_add_s (v128.const i64x2 0 0) (v128.const i64x2 0 0) (i32.const 0))))
  "type mismatch")
