;; Traps: in wasm code two calls deep, unreachable, from a host function,
;; out of stack.
(module
  (import "host" "fail" (func $fail (param i32)))
  ;; func 1: i32.div_s is at offset 5 of the body (after the local
  ;; declarations' count byte and two local.gets)
  (func $inner (param i32 i32) (result i32)
    local.get 0
    local.get 1
    i32.div_s)
  ;; func 2: the call is at offset 5 as well
  (func $divide (export "divide") (param i32 i32) (result i32)
    local.get 0
    local.get 1
    call $inner)
  ;; func 3
  (func (export "unreachable")
    unreachable)
  ;; func 4: the call is at offset 3
  (func (export "call_fail") (param i32)
    local.get 0
    call $fail)
  ;; func 5
  (func $recurse (export "recurse") (param i32) (result i32)
    (call $recurse (i32.add (local.get 0) (i32.const 1))))
  ;; func 6
  (func (export "v128_param") (param v128) (result i32) (i32.const 1))
)
