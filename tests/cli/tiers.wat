;; Exports for the tier tests (tests/cli/tiers.sh): arithmetic, traps deep in
;; a call chain, a loop that counts, host calls both ways, and recursion.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello from wasm\n")
  (table 2 funcref)
  (elem (i32.const 0) $add $inner)
  (func $add (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func $inner (param i32) (result i32) (i32.div_u (i32.const 100) (local.get 0)))
  (func $middle (param i32) (result i32) (call_indirect (param i32) (result i32) (local.get 0) (i32.const 1)))
  (func $outer (export "divide") (param i32) (result i32) (i32.add (call $middle (local.get 0)) (i32.const 1)))
  (func $count (export "count") (param i32) (result i32) (local i32)
    (loop $l
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
    (local.get 1))
  ;; count's loop asks first (its ordinary code is deferred), then its
  ;; second call asks for that code.
  (func (export "count_twice") (param i32) (result i32)
    (i32.add (call $count (local.get 0)) (call $count (local.get 0))))
  (func (export "oob") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "greet") (result i32)
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 16))
    (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
  (func $rec (export "rec") (param i32) (result i32)
    (i32.add (call $rec (local.get 0)) (i32.const 1)))
  (func (export "spin") (loop $l (br $l)))
  ;; Loops entered from the interpreter mid-way (on-stack replacement):
  ;; values on the operand stack below the loop, a loop with a parameter
  ;; and a result, a v128 local, and a trap inside the loop.
  (func (export "osr") (param $n i32) (result i64)
    (local $i i32) (local $acc i64) (local $v v128)
    (local.set $v (v128.const i32x4 1 2 3 4))
    (i64.const 1000)
    (i32.const 3)
    (loop $l (param i32) (result i32)
      (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (local.get $i))))
      (local.set $v (i32x4.add (local.get $v) (v128.const i32x4 1 1 1 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (i32.add (i32.const 1))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (i64.extend_i32_u)
    (i64.add)
    (i64.add (local.get $acc))
    (i64.add (i64.extend_i32_u (i32x4.extract_lane 3 (local.get $v)))))
  (func (export "osr_trap") (param $n i32) (result i32) (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (i32.div_u (i32.const 1) (i32.sub (local.get $i) (local.get $n))))
  (func (export "_start") (drop (call $outer (i32.const 5)))))
