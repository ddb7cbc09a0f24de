;; Tail calls (Wasm 3.0): return_call and return_call_indirect replace the
;; caller's frame, so chains far deeper than the call depth limit (10,000
;; by default) run; results, traps and cross-instance callees as for call.

(module $lib
  (func (export "twice") (param i64) (result i64 i64) (local.get 0) (local.get 0))
  (func (export "count") (param i32 i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0)) (then (local.get 1))
      (else (return_call 1 (i32.sub (local.get 0) (i32.const 1)) (i32.add (local.get 1) (i32.const 2))))))
)
(register "lib" $lib)

(module
  (import "spectest" "print_i32" (func $print (param i32)))
  (import "lib" "twice" (func $twice (param i64) (result i64 i64)))
  (import "lib" "count" (func $count (param i32 i32) (result i32)))
  (type $ii (func (param i64 i64) (result i64)))
  (type $v (func (param v128 i32) (result v128)))
  (table $t 4 funcref)
  (elem (table $t) (i32.const 0) func $even $odd $vsum)

  (func $even (export "even") (param i64 i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0)) (then (local.get 1))
      (else (return_call $odd (i64.sub (local.get 0) (i64.const 1)) (i64.add (local.get 1) (i64.const 1))))))
  (func $odd (param i64 i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0)) (then (i64.sub (i64.const 0) (local.get 1)))
      (else (return_call_indirect (type $ii)
              (i64.sub (local.get 0) (i64.const 1)) (i64.add (local.get 1) (i64.const 1)) (i32.const 0)))))

  ;; More parameters and locals than the caller, then fewer.
  (func $grow (export "grow") (param i32) (result i32)
    (return_call $wide (local.get 0) (i32.const 1) (i32.const 2) (i32.const 3) (i32.const 4) (i32.const 5)))
  (func $wide (param i32 i32 i32 i32 i32 i32) (result i32) (local i32 i32 i32)
    (local.set 6 (i32.add (local.get 1) (local.get 2)))
    (if (result i32) (i32.eqz (local.get 0)) (then (i32.add (local.get 6) (local.get 5)))
      (else (return_call $narrow (i32.sub (local.get 0) (i32.const 1))))))
  (func $narrow (param i32) (result i32) (return_call $grow (local.get 0)))

  ;; v128 arguments, through the table.
  (func $vsum (param v128 i32) (result v128)
    (if (result v128) (i32.eqz (local.get 1)) (then (local.get 0))
      (else (return_call_indirect (type $v)
              (i32x4.add (local.get 0) (v128.const i32x4 1 2 3 4)) (i32.sub (local.get 1) (i32.const 1))
              (i32.const 2)))))
  (func (export "vsum") (param i32) (result v128) (return_call $vsum (v128.const i32x4 0 0 0 0) (local.get 0)))

  ;; Callees in another instance and on the host.
  (func (export "twice") (param i64) (result i64 i64) (return_call $twice (local.get 0)))
  (func (export "count") (param i32) (result i32) (return_call $count (local.get 0) (i32.const 0)))
  (func (export "print") (param i32) (return_call $print (local.get 0)))

  ;; return_call_indirect checks the element as call_indirect does.
  (func (export "via") (param i32) (result i64)
    (return_call_indirect (type $ii) (i64.const 3) (i64.const 0) (local.get 0)))
)

(assert_return (invoke "even" (i64.const 0) (i64.const 0)) (i64.const 0))
(assert_return (invoke "even" (i64.const 1) (i64.const 0)) (i64.const -1))
(assert_return (invoke "even" (i64.const 1000000) (i64.const 0)) (i64.const 1000000))
(assert_return (invoke "even" (i64.const 1000001) (i64.const 0)) (i64.const -1000001))
(assert_return (invoke "grow" (i32.const 0)) (i32.const 8))
(assert_return (invoke "grow" (i32.const 300000)) (i32.const 8))
(assert_return (invoke "vsum" (i32.const 100000)) (v128.const i32x4 100000 200000 300000 400000))
(assert_return (invoke "twice" (i64.const 7)) (i64.const 7) (i64.const 7))
(assert_return (invoke "count" (i32.const 500000)) (i32.const 1000000))
(assert_return (invoke "print" (i32.const 42)))
(assert_return (invoke "via" (i32.const 0)) (i64.const -3))
(assert_trap (invoke "via" (i32.const 3)) "uninitialized element")
(assert_trap (invoke "via" (i32.const 4)) "undefined element")
(assert_trap (invoke "via" (i32.const 2)) "indirect call type mismatch")

;; A trap in a tail-called function.
(module
  (func $f (export "f") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0)) (then (unreachable))
      (else (return_call $f (i32.sub (local.get 0) (i32.const 1)))))))
(assert_trap (invoke "f" (i32.const 100000)) "unreachable")

(assert_invalid
  (module (func $f (result i64) (i64.const 0)) (func (result i32) (return_call $f)))
  "type mismatch")
(assert_invalid
  (module (func $f (result i32 i32) (i32.const 0) (i32.const 0)) (func (result i32) (return_call $f)))
  "type mismatch")
(assert_invalid
  (module (type $t (func (result i64))) (table 1 funcref)
    (func (result i32) (return_call_indirect (type $t) (i32.const 0))))
  "type mismatch")
(assert_invalid
  (module (func $f (param i32) (result i32) (local.get 0)) (func (result i32) (return_call $f)))
  "type mismatch")
(assert_invalid
  (module (func (result i32) (return_call 5)))
  "unknown function")
(assert_invalid
  (module (table 1 externref) (type $t (func)) (func (return_call_indirect (type $t) (i32.const 0))))
  "type mismatch")
