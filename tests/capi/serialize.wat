;; A module to serialize: a recursive function and a host import.
(module
  (import "host" "report" (func $report (param i32)))
  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                     (call $fib (i32.sub (local.get $n) (i32.const 2)))))))
  (func (export "fib_report") (param $n i32)
    (call $report (call $fib (local.get $n))))
  (memory (export "memory") 1)
  (data (i32.const 8) "serialized")
)
