;; Extended constant expressions (Wasm 3.0): i32/i64 add, sub and mul, and
;; global.get of any earlier immutable global, in every constant expression.

(module
  (global $base i32 (i32.const 0x7fffffff))
  (global $wrap i32 (i32.add (global.get $base) (i32.const 1)))
  (global $mul i32 (i32.mul (i32.const 0x10001) (i32.const 0x10001)))
  (global $sub64 i64 (i64.sub (i64.const 0) (i64.const 1)))
  (global $mul64 i64 (i64.mul (i64.const 0x100000001) (i64.const 0x100000001)))
  (global $nested i32
    (i32.sub (i32.mul (i32.add (i32.const 2) (i32.const 3)) (global.get $mul)) (i32.const 7)))
  (global $v v128 (v128.const i32x4 1 2 3 4))
  (global $v2 v128 (global.get $v))
  (memory 1)
  (table 8 funcref)
  (func $f (result i32) (i32.const 42))
  (data (i32.add (i32.const 1) (i32.mul (i32.const 2) (i32.const 3))) "\2a")
  (elem (offset (i32.sub (i32.const 5) (i32.const 2))) func $f)
  (func (export "wrap") (result i32) (global.get $wrap))
  (func (export "mul") (result i32) (global.get $mul))
  (func (export "sub64") (result i64) (global.get $sub64))
  (func (export "mul64") (result i64) (global.get $mul64))
  (func (export "nested") (result i32) (global.get $nested))
  (func (export "v2") (result v128) (global.get $v2))
  (func (export "byte") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "call") (param i32) (result i32) (call_indirect (result i32) (local.get 0)))
)
(assert_return (invoke "wrap") (i32.const 0x80000000))
(assert_return (invoke "mul") (i32.const 0x20001))
(assert_return (invoke "sub64") (i64.const -1))
(assert_return (invoke "mul64") (i64.const 0x200000001))
(assert_return (invoke "nested") (i32.const 0x9fffe))
(assert_return (invoke "v2") (v128.const i32x4 1 2 3 4))
(assert_return (invoke "byte" (i32.const 7)) (i32.const 42))
(assert_return (invoke "byte" (i32.const 6)) (i32.const 0))
(assert_return (invoke "call" (i32.const 3)) (i32.const 42))
(assert_trap (invoke "call" (i32.const 2)) "uninitialized element")

;; An imported global feeds a data offset; a segment past the end traps.
(module
  (import "spectest" "global_i32" (global $g i32))
  (memory 1)
  (data (i32.sub (global.get $g) (i32.const 666)) "\01")
  (func (export "at") (param i32) (result i32) (i32.load8_u (local.get 0)))
)
(assert_return (invoke "at" (i32.const 0)) (i32.const 1))
(assert_trap
  (module (memory 1) (data (i32.mul (i32.const 0x10000) (i32.const 1)) "\01"))
  "out of bounds memory access")

(assert_invalid
  (module (global i32 (global.get 1)) (global i32 (i32.const 0)))
  "unknown global")
(assert_invalid
  (module (global $g i32 (i32.const 0)) (global i32 (global.get 1)))
  "unknown global")
(assert_invalid
  (module (global $m (mut i32) (i32.const 0)) (global i32 (global.get $m)))
  "constant expression required")
(assert_invalid
  (module (global i32 (i32.add (i32.const 1) (i64.const 2))))
  "type mismatch")
(assert_invalid
  (module (global i32 (i32.add (i32.const 1))))
  "type mismatch")
(assert_invalid
  (module (global i32 (i32.const 1) (i32.const 2) (i32.const 3) (i32.add)))
  "type mismatch")
(assert_invalid
  (module (global i32 (i32.div_s (i32.const 1) (i32.const 1))))
  "constant expression required")
(assert_invalid
  (module (global f32 (f32.add (f32.const 1) (f32.const 2))))
  "constant expression required")
(assert_invalid
  (module (memory 1) (data (i64.add (i64.const 0) (i64.const 0)) ""))
  "type mismatch")
(module (global i32 (i32.const 1) (i32.const 2) (i32.add)) (func (export "g") (result i32) (global.get 0)))
(assert_return (invoke "g") (i32.const 3))
