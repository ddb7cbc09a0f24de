;; The guest of examples/wasm_c_api.c: the same program as embed.c's, as a
;; file (wasm.h takes binary modules: `wisp wat2wasm wasm_c_api.wat -o
;; wasm_c_api.wasm`).
(module
  (import "env" "log_i32" (func $log_i32 (param i32)))
  (import "env" "print" (func $print (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello from wasm")
  (func $fact (export "fact") (param $n i32) (result i32)
    (if (result i32) (i32.le_s (local.get $n) (i32.const 1))
      (then (i32.const 1))
      (else (i32.mul (local.get $n)
                     (call $fact (i32.sub (local.get $n) (i32.const 1)))))))
  (func (export "log_facts") (param $n i32) (local $i i32)
    (call $print (i32.const 16) (i32.const 15))
    (loop $next
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (call $log_i32 (call $fact (local.get $i)))
      (br_if $next (i32.lt_s (local.get $i) (local.get $n)))))
  (func $divide (param $a i32) (param $b i32) (result i32)
    (i32.div_u (local.get $a) (local.get $b)))
  (func $average (export "average") (param $sum i32) (param $count i32) (result i32)
    (call $divide (local.get $sum) (local.get $count))))
