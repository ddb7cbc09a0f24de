;; A start function that traps: instantiation fails with the trap.
(module
  (func $boom (unreachable))
  (start $boom))
