;; One module for several threads: each calls its own host function.
(module
  (import "host" "next" (func $next (param i32) (result i32)))
  ;; calls next n times, threading a value through it, and adds up the
  ;; values it returns
  (func (export "run") (param $n i32) (param $x i32) (result i64)
    (local $sum i64)
    (block $done
      (loop $again
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $x (call $next (local.get $x)))
        (local.set $sum (i64.add (local.get $sum) (i64.extend_i32_u (local.get $x))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $again)))
    (local.get $sum))
)
