;; Shapes that once miscompiled in the slot compiler (src/interp/lower.c).
(module
  ;; A br_if to an outer block from inside a loop: its target must be the
  ;; outer block's end, not the loop's (fixups are per label).
  (func (export "outer-branch-from-loop") (param i32) (result i32) (local i32)
    (block $out
      (loop $l
        (br_if $out (i32.ge_u (local.get 1) (local.get 0)))
        (local.set 1 (i32.add (local.get 1) (i32.const 1)))
        (br $l))
      (local.set 1 (i32.const 1000)))  ;; skipped by the branch
    (local.get 1))

  ;; br_table landing pads for the same label: a constant carried to the
  ;; function's result must be written on every path, not just the first.
  (func (export "br_table-pads-to-return") (param i32) (result i32)
    (block $a (result i32)
      (br_table 1 1 $a 1 (i32.const 4) (local.get 0)))
    (drop)
    (i32.const 2))

  ;; A conditional return must not leave the fall-through path believing a
  ;; constant was already stored in its slot.
  (func (export "conditional-return-keeps-stack") (param i32) (result i32)
    (i32.const 10)
    (br_if 0 (local.get 0))
    (i32.const 1)
    (i32.add))

  ;; A value read from a local stays the old value after the local is set.
  (func (export "local-read-before-set") (param i32) (result i32)
    (local.get 0)
    (local.set 0 (i32.const 5))
    (local.get 0)
    (i32.sub))

  ;; local.tee retargets the producer; the stack keeps the value.
  (func (export "tee-retarget") (param i32) (result i32) (local i32)
    (i32.add (local.tee 1 (i32.mul (local.get 0) (i32.const 3))) (local.get 1)))

  ;; Rotating locals (runs of copies become one instruction): order matters.
  (func (export "rotate") (param i32) (result i32) (local i32 i32 i32)
    (local.set 1 (i32.const 1)) (local.set 2 (i32.const 2)) (local.set 3 (i32.const 3))
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get 0)))
        (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
        (i32.add (local.get 1) (i32.const 0))
        (local.set 1 (local.get 2))
        (local.set 2 (local.get 3))
        (local.set 3)
        (br $l)))
    (i32.add (i32.mul (local.get 1) (i32.const 100))
             (i32.add (i32.mul (local.get 2) (i32.const 10)) (local.get 3))))

  ;; Locals start at zero even when the frame's slots held other values.
  (func $dirty (param i64 i64 i64 i64 i64) (result i64)
    (i64.add (local.get 0) (local.get 4)))
  (func $clean (result i64) (local i64 i64 i64 i64 i64)
    (i64.add (i64.add (local.get 0) (local.get 1))
             (i64.add (local.get 2) (i64.add (local.get 3) (local.get 4)))))
  (func (export "locals-zeroed") (result i64)
    (drop (call $dirty (i64.const 1) (i64.const 2) (i64.const 3) (i64.const 4) (i64.const 5)))
    (call $clean))
)
(assert_return (invoke "outer-branch-from-loop" (i32.const 3)) (i32.const 3))
(assert_return (invoke "br_table-pads-to-return" (i32.const 0)) (i32.const 4))
(assert_return (invoke "br_table-pads-to-return" (i32.const 1)) (i32.const 4))
(assert_return (invoke "br_table-pads-to-return" (i32.const 2)) (i32.const 2))
(assert_return (invoke "br_table-pads-to-return" (i32.const 9)) (i32.const 4))
(assert_return (invoke "conditional-return-keeps-stack" (i32.const 1)) (i32.const 10))
(assert_return (invoke "conditional-return-keeps-stack" (i32.const 0)) (i32.const 11))
(assert_return (invoke "local-read-before-set" (i32.const 8)) (i32.const 3))
(assert_return (invoke "tee-retarget" (i32.const 4)) (i32.const 24))
(assert_return (invoke "rotate" (i32.const 0)) (i32.const 123))
(assert_return (invoke "rotate" (i32.const 1)) (i32.const 231))
(assert_return (invoke "rotate" (i32.const 2)) (i32.const 312))
(assert_return (invoke "locals-zeroed") (i64.const 0))

;; A load whose address is a sum computes the sum modulo 2^32 first, as the
;; separate i32.add would; only then is the offset added (no wrap).
(module
  (memory 1)
  (data (i32.const 0) "\2a\00\00\00")
  (func (export "sum-wraps") (param i32 i32) (result i32)
    (i32.load (i32.add (local.get 0) (local.get 1))))
  (func (export "imm-wraps") (param i32) (result i32)
    (i32.load (i32.add (local.get 0) (i32.const 4))))
  (func (export "offset-does-not-wrap") (param i32) (result i32)
    (i32.load offset=4 (i32.add (local.get 0) (i32.const 0))))
  (func (export "last-word") (param i32) (result i32)
    (i32.load offset=65532 (i32.add (local.get 0) (i32.const 0))))
)
(assert_return (invoke "sum-wraps" (i32.const 0xFFFFFFF0) (i32.const 0x10)) (i32.const 42))
(assert_return (invoke "imm-wraps" (i32.const 0xFFFFFFFC)) (i32.const 42))
(assert_trap (invoke "offset-does-not-wrap" (i32.const 0xFFFFFFFC)) "out of bounds memory access")
(assert_return (invoke "last-word" (i32.const 0)) (i32.const 0))
(assert_trap (invoke "last-word" (i32.const 1)) "out of bounds memory access")

;; Fused pairs: an i32 operation on a shifted/rotated value, and f64
;; arithmetic on a loaded value (the load's bounds check still applies).
(module
  (memory 1)
  (data (i32.const 8) "\00\00\00\00\00\00\08\40") ;; 3.0
  (func (export "xor-rotl") (param i32 i32) (result i32)
    (i32.xor (local.get 1) (i32.rotl (local.get 0) (i32.const 5))))
  (func (export "add-rotl") (param i32 i32) (result i32)
    (i32.add (local.get 1) (i32.rotl (local.get 0) (i32.const 13))))
  (func (export "and-shr_u") (param i32 i32) (result i32)
    (i32.and (local.get 1) (i32.shr_u (local.get 0) (i32.const 36))))  ;; count mod 32
  (func (export "or-shl") (param i32 i32) (result i32)
    (i32.or (local.get 1) (i32.shl (local.get 0) (i32.const 8))))
  (func (export "mul-load") (param f64 i32) (result f64)
    (f64.mul (local.get 0) (f64.load (local.get 1))))
  (func (export "sub-load") (param f64 i32) (result f64)
    (f64.sub (local.get 0) (f64.load offset=8 (local.get 1))))
)
(assert_return (invoke "xor-rotl" (i32.const 0x12345678) (i32.const 0xF0F0F0F0)) (i32.const 0xb67a3ff2))
(assert_return (invoke "add-rotl" (i32.const 0x12345678) (i32.const 0x11111111)) (i32.const 0x9be01357))
(assert_return (invoke "and-shr_u" (i32.const 0x12345678) (i32.const 0x0000FFFF)) (i32.const 0x4567))
(assert_return (invoke "or-shl" (i32.const 0x12345678) (i32.const 0x80000000)) (i32.const 0xb4567800))
(assert_return (invoke "mul-load" (f64.const 2.5) (i32.const 8)) (f64.const 7.5))
(assert_return (invoke "sub-load" (f64.const 2.5) (i32.const 0)) (f64.const -0.5))
(assert_trap (invoke "mul-load" (f64.const 1) (i32.const 65529)) "out of bounds memory access")
(assert_trap (invoke "sub-load" (f64.const 1) (i32.const -8)) "out of bounds memory access")

;; x - C compiles as x + (-C): same results, and the sum still wraps before
;; the load adds its offset.
(module
  (memory 1)
  (data (i32.const 0) "\2a\00\00\00")
  (func (export "load-sub") (param i32) (result i32)
    (i32.load (i32.sub (local.get 0) (i32.const 4))))
  (func (export "i64-sub") (param i64) (result i64)
    (i64.sub (local.get 0) (i64.const 0x8000000000000000)))
  (func (export "i32-sub-min") (param i32) (result i32)
    (i32.sub (local.get 0) (i32.const 0x80000000)))
)
(assert_return (invoke "load-sub" (i32.const 4)) (i32.const 42))
(assert_trap (invoke "load-sub" (i32.const 0)) "out of bounds memory access")
(assert_return (invoke "i64-sub" (i64.const 1)) (i64.const 0x8000000000000001))
(assert_return (invoke "i32-sub-min" (i32.const 5)) (i32.const 0x80000005))
