;; A start function that traps: instantiation fails with its trap.
(module
  (import "host" "seen" (func $seen (param i32)))
  (global $g (mut i32) (i32.const 0))
  (func $start
    (call $seen (i32.const 1))
    unreachable)
  (start $start)
)
