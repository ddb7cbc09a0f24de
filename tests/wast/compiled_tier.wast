;; Shapes the compiled tier once got wrong, and semantics LLVM would change
;; if let: tests/wast/run.sh runs every file here in each tier.

;; A load whose value is overwritten before use must still trap when out of
;; bounds (LLVM deletes unused loads, and with guard regions the access is
;; the bounds check). Found by the V8 differential test (wasm-opt -ttf).
(module
  (memory 1)
  (func (export "dead_load") (param i32) (result i32)
    (local i32)
    (local.set 1 (i32.load8_u offset=3 (local.get 0)))
    (local.set 1 (i32.const 7))
    (local.get 1))
  (func (export "dropped_load") (param i32)
    (drop (i64.load (local.get 0))))
  (func (export "dead_v128_load") (param i32)
    (drop (v128.load (local.get 0))))
  (func (export "dead_load_then_unreachable") (param i32)
    (drop (i32.load (local.get 0)))
    (unreachable)))
(assert_return (invoke "dead_load" (i32.const 0)) (i32.const 7))
(assert_trap (invoke "dead_load" (i32.const 65533)) "out of bounds memory access")
(assert_trap (invoke "dead_load" (i32.const -1)) "out of bounds memory access")
(assert_trap (invoke "dropped_load" (i32.const 65529)) "out of bounds memory access")
(assert_trap (invoke "dead_v128_load" (i32.const 65521)) "out of bounds memory access")
(assert_trap (invoke "dead_load_then_unreachable" (i32.const 65536)) "out of bounds memory access")
(assert_trap (invoke "dead_load_then_unreachable" (i32.const 0)) "unreachable")

;; Signaling NaNs come out quiet: LLVM folds x*1, x-0, -0-x, x/-1 and
;; demote(promote(x)) away unless the constant is hidden from it.
(module
  (func (export "mul1") (param f32) (result i32) (i32.reinterpret_f32 (f32.mul (local.get 0) (f32.const 1))))
  (func (export "sub0") (param f64) (result i64) (i64.reinterpret_f64 (f64.sub (local.get 0) (f64.const 0))))
  (func (export "neg0sub") (param f32) (result i32) (i32.and (i32.reinterpret_f32 (f32.sub (f32.const -0) (local.get 0))) (i32.const 0x7fc00000)))
  (func (export "roundtrip") (param f32) (result i32) (i32.reinterpret_f32 (f32.demote_f64 (f64.promote_f32 (local.get 0))))))
(assert_return (invoke "mul1" (f32.const nan:0x200000)) (i32.const 0x7fe00000))
(assert_return (invoke "sub0" (f64.const nan:0x4000000000000)) (i64.const 0x7ffc000000000000))
(assert_return (invoke "neg0sub" (f32.const nan:0x200000)) (i32.const 0x7fc00000))
(assert_return (invoke "roundtrip" (f32.const nan:0x200000)) (i32.const 0x7fe00000))

;; The same when the constant only appears after optimization: a new
;; local's zero, an argument after inlining, a converted integer (found by
;; the differential fuzzer, fuzz_tiers).
(module
  (func $sub (param f32 f32) (result f32) (f32.sub (local.get 0) (local.get 1)))
  (func (export "zero_local") (param f32) (result i32) (local f32)
    (i32.reinterpret_f32 (f32.sub (local.get 0) (local.get 1))))
  (func (export "inlined") (param f32) (result i32)
    (i32.reinterpret_f32 (call $sub (local.get 0) (f32.const 0))))
  (func (export "converted") (param f64) (result i64)
    (i64.reinterpret_f64 (f64.mul (local.get 0) (f64.convert_i32_s (i32.const 1)))))
  (func (export "reinterpreted") (param f32) (result i32)
    (i32.reinterpret_f32 (f32.div (local.get 0) (f32.reinterpret_i32 (i32.const 0x3f800000))))))
(assert_return (invoke "zero_local" (f32.const nan:0x200000)) (i32.const 0x7fe00000))
(assert_return (invoke "inlined" (f32.const nan:0x200000)) (i32.const 0x7fe00000))
(assert_return (invoke "converted" (f64.const nan:0x4000000000000)) (i64.const 0x7ffc000000000000))
(assert_return (invoke "reinterpreted" (f32.const nan:0x200000)) (i32.const 0x7fe00000))

;; Recursion stays recursion (tail-call elimination would loop forever).
(module
  (func $forever (export "forever") (param i32) (result i32)
    (call $forever (i32.add (local.get 0) (i32.const 1))))
  (func $fac (export "fac") (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 1))
      (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1))))))))
(assert_exhaustion (invoke "forever" (i32.const 0)) "call stack exhausted")
(assert_return (invoke "fac" (i64.const 20)) (i64.const 2432902008176640000))
(assert_exhaustion (invoke "fac" (i64.const 100000000)) "call stack exhausted")

;; Values on the stack below a loop, and a loop parameter, across
;; on-stack replacement (the auto tier moving at once takes the loop's
;; entry at its second iteration).
(module
  (func (export "osr") (param $n i32) (result i32)
    (local $i i32)
    (i32.const 100)
    (i32.const 1)
    (loop $l (param i32) (result i32)
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (i32.add (i32.const 2))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (i32.add)))
(assert_return (invoke "osr" (i32.const 10)) (i32.const 121))
(assert_return (invoke "osr" (i32.const 1000)) (i32.const 2101))

;; A trap leaves memory, globals and tables as the interpreter would: every
;; store before the faulting access made, none after it. LLVM assumes
;; accesses never fault, so with guard regions it would widen the fill and
;; copy loops into vector stores (the last ones, crossing the end, fault
;; whole) and move stores across the faulting load.
(module
  (memory (export "mem") 1)
  (global $g (export "g") (mut i32) (i32.const 0))
  (table $t (export "t") 2 funcref)
  (func $f)
  (elem declare func $f)
  (func (export "fill") (param $p i32) (param $n i32)
    (local $i i32)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (i32.store8 (i32.add (local.get $p) (local.get $i)) (i32.const 7))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l))))
  (func (export "copy") (param $d i32) (param $s i32) (param $n i32)
    (local $i i32)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (i32.store8 (i32.add (local.get $d) (local.get $i))
                  (i32.load8_u (i32.add (local.get $s) (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l))))
  (func (export "store_then_load") (param $a i32)
    (i32.store (i32.const 1000) (i32.const 0x11223344))
    (global.set $g (i32.const 5))
    (table.set $t (i32.const 1) (ref.func $f))
    (i32.store (i32.const 1004) (i32.load (local.get $a)))
    (i32.store (i32.const 1000) (i32.const 0)))
  (func (export "is_set") (result i32) (ref.is_null (table.get $t (i32.const 1))))
  (func (export "peek") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "peek32") (param i32) (result i32) (i32.load (local.get 0))))
(assert_trap (invoke "fill" (i32.const 65000) (i32.const 1000)) "out of bounds memory access")
(assert_return (invoke "peek" (i32.const 65535)) (i32.const 7))
(assert_return (invoke "peek" (i32.const 65000)) (i32.const 7))
(assert_trap (invoke "copy" (i32.const 0) (i32.const 65000) (i32.const 1000)) "out of bounds memory access")
(assert_return (invoke "peek" (i32.const 535)) (i32.const 7))
(assert_return (invoke "peek" (i32.const 536)) (i32.const 0))
(assert_trap (invoke "store_then_load" (i32.const 65534)) "out of bounds memory access")
(assert_return (invoke "peek32" (i32.const 1000)) (i32.const 0x11223344))
(assert_return (invoke "peek32" (i32.const 1004)) (i32.const 0))
(assert_return (get "g") (i32.const 5))
(assert_return (invoke "is_set") (i32.const 0))

;; A signaling NaN stored as an integer and loaded back as a float: with
;; explicit bounds checks LLVM could forward the stored constant to the
;; load and fold x * 1.0 to x, leaving it signaling.
(module
  (memory 1)
  (func (export "forwarded") (result i32)
    (i32.store (i32.const 8) (i32.const 0x7fa00000))
    (i32.reinterpret_f32 (f32.mul (f32.load (i32.const 8)) (f32.const 1))))
  (func (export "forwarded64") (result i64)
    (i64.store (i32.const 16) (i64.const 0x7ff4000000000000))
    (i64.reinterpret_f64 (f64.sub (f64.load (i32.const 16)) (f64.const 0)))))
(assert_return (invoke "forwarded") (i32.const 0x7fe00000))
(assert_return (invoke "forwarded64") (i64.const 0x7ffc000000000000))

;; The compiled tier with guard regions skips an out-of-bounds load whose
;; value only one arm of a select (or of an if/else) uses: the load is
;; volatile, but LLVM's x86 back end folds it into the conditional move
;; (CMOV32rm/CMOV64rm, which the x86 cmov-conversion pass then turns into a
;; branch around the load) or, for f32/f64 on AVX-512, into a masked move
;; (vmovss mem, %xmm0{%k1}), whose masked-off lanes suppress the fault.
;; The interpreter (and the compiled tier with explicit checks) traps.
;; Found by fuzz_tiers (seed oob_load_under_select).
(module
  (memory 1)
  (func (export "i32") (param i32) (result i32)
    (select (i32.const 5) (i32.load (i32.const 0x20000)) (local.get 0)))
  (func (export "i32_first") (param i32) (result i32)
    (select (i32.load (i32.const 0x20000)) (i32.const 5) (local.get 0)))
  (func (export "i64") (param i32) (result i64)
    (select (i64.const 5) (i64.load (i32.const 0x20000)) (local.get 0)))
  (func (export "f32") (param i32) (result f32)
    (select (f32.const 1) (f32.load (i32.const 0x20000)) (local.get 0)))
  (func (export "f64") (param i32) (result f64)
    (select (f64.const 5) (f64.load (i32.const 0x20000)) (local.get 0)))
  (func (export "if_else") (param i32) (result i32) (local i32)
    (local.set 1 (i32.load (i32.const 0x20000)))
    (if (result i32) (local.get 0) (then (i32.const 5)) (else (local.get 1))))
  ;; as the fuzzer found it: the f32 is truncated, and a constant select drops it
  (func (export "found") (param i32) (result i64)
    (select (i64.const -32768)
            (i64.trunc_f32_s (select (f32.ceil (f32.const 1))
                                     (f32.load offset=55 (i32.const 0xffff8000))
                                     (local.get 0)))
            (i32.const 1905022047))))
(assert_trap (invoke "i32" (i32.const 1)) "out of bounds memory access")
(assert_trap (invoke "i32_first" (i32.const 0)) "out of bounds memory access")
(assert_trap (invoke "i64" (i32.const 1)) "out of bounds memory access")
(assert_trap (invoke "f32" (i32.const 1)) "out of bounds memory access")
(assert_trap (invoke "f64" (i32.const 1)) "out of bounds memory access")
(assert_trap (invoke "if_else" (i32.const 1)) "out of bounds memory access")
(assert_trap (invoke "found" (i32.const 0xe7c23d62)) "out of bounds memory access")

;; The same for a v128 load under a select.
(module
  (memory 1)
  (func (export "v128") (param i32) (result i32)
    (i32x4.extract_lane 0 (select (v128.const i32x4 1 2 3 4) (v128.load (i32.const 0x20000)) (local.get 0))))
  (func (export "v128_first") (param i32) (result i32)
    (i32x4.extract_lane 0 (select (v128.load (i32.const 0x20000)) (v128.const i32x4 1 2 3 4) (local.get 0)))))
(assert_trap (invoke "v128" (i32.const 1)) "out of bounds memory access")
(assert_trap (invoke "v128_first" (i32.const 0)) "out of bounds memory access")
