;; Every relaxed SIMD instruction on 20,000 triples of pseudo-random
;; operands whose 32-bit lanes are random bits or edges (NaNs of both signs
;; with payloads, signed zeros, infinities, f32/f64 truncation bounds,
;; subnormals, bytes 0x80-0xff, i16 extremes), every result folded into one
;; i64. The expected value comes from tests/tools/relaxed_simd_model.py, a
;; model of the documented semantics written apart from src/runtime/simd.h
;; (python3 tests/tools/relaxed_simd_model.py 20000), and tests/wast/run.sh
;; runs this file in every tier: each tier must give every result bit.
(module
  (memory 1)
  (data (i32.const 0)  ;; EDGES of tests/tools/relaxed_simd_model.py
    "\00\00\00\00\00\00\00\80\00\00\80\3f\00\00\80\bf"
    "\00\00\80\7f\00\00\80\ff\00\00\c0\7f\00\00\c0\ff"
    "\01\00\a0\7f\44\44\c4\ff\ff\ff\7f\7f\ff\ff\7f\ff"
    "\00\00\00\4f\00\00\00\cf\01\00\00\cf\00\00\80\4f"
    "\ff\ff\7f\4f\00\00\00\3f\00\00\c0\3f\01\00\00\00"
    "\01\00\00\80\ff\ff\7f\00\00\00\f8\7f\00\00\f0\ff"
    "\00\00\f0\7f\00\00\e0\41\00\00\e0\c1\ff\ff\ef\41"
    "\00\00\f0\41\01\00\e0\c1\00\00\f0\3f\00\00\30\43"
    "\80\80\80\80\7f\7f\7f\7f\00\80\00\80\ff\7f\ff\7f"
    "\83\82\81\80\40\30\20\10\80\ff\10\0f\ff\ff\ff\ff")
  (global $s (mut i64) (i64.const 0x9e3779b97f4a7c15))
  (func $next (result i64) (local $x i64)
    (local.set $x (global.get $s))
    (local.set $x (i64.xor (local.get $x) (i64.shl (local.get $x) (i64.const 13))))
    (local.set $x (i64.xor (local.get $x) (i64.shr_u (local.get $x) (i64.const 7))))
    (local.set $x (i64.xor (local.get $x) (i64.shl (local.get $x) (i64.const 17))))
    (global.set $s (local.get $x))
    (local.get $x))
  (func $lane (result i32) (local $r i64)
    (local.set $r (call $next))
    (if (result i32) (i64.eqz (i64.and (local.get $r) (i64.const 3)))
      (then (i32.wrap_i64 (i64.shr_u (local.get $r) (i64.const 32))))
      (else (i32.load (i32.shl (i32.wrap_i64 (i64.rem_u (i64.shr_u (local.get $r) (i64.const 8)) (i64.const 40)))
                                (i32.const 2))))))
  (func $v (result v128)
    (i32x4.replace_lane 3
      (i32x4.replace_lane 2
        (i32x4.replace_lane 1 (i32x4.splat (call $lane)) (call $lane))
        (call $lane))
      (call $lane)))
  (func $mix (param $h v128) (param $r v128) (result v128)
    (i64x2.mul
      (v128.xor (v128.or (i64x2.shl (local.get $h) (i32.const 5)) (i64x2.shr_u (local.get $h) (i32.const 59)))
                (local.get $r))
      (v128.const i64x2 0x9e3779b97f4a7c15 0xff51afd7ed558ccd)))
  (func (export "run") (param $n i32) (result i64)
    (local $a v128) (local $b v128) (local $c v128) (local $h v128)
    (global.set $s (i64.const 0x9e3779b97f4a7c15))
    (loop $l
      (local.set $a (call $v))
      (local.set $b (call $v))
      (local.set $c (call $v))
      (local.set $h (call $mix (local.get $h) (i8x16.relaxed_swizzle (local.get $a) (local.get $b))))
      (local.set $h (call $mix (local.get $h) (i32x4.relaxed_trunc_f32x4_s (local.get $a))))
      (local.set $h (call $mix (local.get $h) (i32x4.relaxed_trunc_f32x4_u (local.get $a))))
      (local.set $h (call $mix (local.get $h) (i32x4.relaxed_trunc_f64x2_s_zero (local.get $a))))
      (local.set $h (call $mix (local.get $h) (i32x4.relaxed_trunc_f64x2_u_zero (local.get $a))))
      (local.set $h (call $mix (local.get $h) (f32x4.relaxed_madd (local.get $a) (local.get $b) (local.get $c))))
      (local.set $h (call $mix (local.get $h) (f32x4.relaxed_nmadd (local.get $a) (local.get $b) (local.get $c))))
      (local.set $h (call $mix (local.get $h) (f64x2.relaxed_madd (local.get $a) (local.get $b) (local.get $c))))
      (local.set $h (call $mix (local.get $h) (f64x2.relaxed_nmadd (local.get $a) (local.get $b) (local.get $c))))
      (local.set $h (call $mix (local.get $h) (i8x16.relaxed_laneselect (local.get $a) (local.get $b) (local.get $c))))
      (local.set $h (call $mix (local.get $h) (i16x8.relaxed_laneselect (local.get $a) (local.get $b) (local.get $c))))
      (local.set $h (call $mix (local.get $h) (i32x4.relaxed_laneselect (local.get $a) (local.get $b) (local.get $c))))
      (local.set $h (call $mix (local.get $h) (i64x2.relaxed_laneselect (local.get $a) (local.get $b) (local.get $c))))
      (local.set $h (call $mix (local.get $h) (f32x4.relaxed_min (local.get $a) (local.get $b))))
      (local.set $h (call $mix (local.get $h) (f32x4.relaxed_max (local.get $a) (local.get $b))))
      (local.set $h (call $mix (local.get $h) (f64x2.relaxed_min (local.get $a) (local.get $b))))
      (local.set $h (call $mix (local.get $h) (f64x2.relaxed_max (local.get $a) (local.get $b))))
      (local.set $h (call $mix (local.get $h) (i16x8.relaxed_q15mulr_s (local.get $a) (local.get $b))))
      (local.set $h (call $mix (local.get $h) (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $a) (local.get $b))))
      (local.set $h (call $mix (local.get $h) (i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get $a) (local.get $b) (local.get $c))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i64.xor (i64x2.extract_lane 0 (local.get $h)) (i64x2.extract_lane 1 (local.get $h))))
)

(assert_return (invoke "run" (i32.const 1)) (i64.const 8152955963283575965))
(assert_return (invoke "run" (i32.const 20000)) (i64.const -689740483082671344))
