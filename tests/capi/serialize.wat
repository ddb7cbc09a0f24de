;; A module to serialize: a recursive function and a host import, and a
;; typed function reference (what validation computes about types must
;; come back with a deserialized module: a block's result type names one).
(module
  (type $ft (func (param i32) (result i32)))
  (elem declare func $fib)
  (import "host" "report" (func $report (param i32)))
  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                     (call $fib (i32.sub (local.get $n) (i32.const 2)))))))
  (func (export "fib_report") (param $n i32)
    (call $report (call_ref $ft (local.get $n) (block (result (ref $ft)) (ref.func $fib)))))
  (memory (export "memory") 1)
  (data (i32.const 8) "serialized")
)
