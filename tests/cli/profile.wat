;; tests/cli/profile.sh: $hot does ten times the work of $cold per
;; call of $main, so it must dominate a profile in every tier (the loops
;; are recurrences LLVM cannot reduce to a closed form).
(module
  (func $hot (param i32) (result i32) (local i32)
    (loop $l
      (local.set 1 (i32.add (i32.mul (local.get 1) (i32.const 1103515245)) (local.get 0)))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br_if $l (local.get 0)))
    (local.get 1))
  (func $cold (param i32) (result i32) (local i32)
    (loop $l
      (local.set 1 (i32.add (i32.mul (local.get 1) (i32.const 1103515245)) (local.get 0)))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br_if $l (local.get 0)))
    (local.get 1))
  (func $main (export "main") (param i32) (result i32) (local i32 i32)
    (loop $l
      (local.set 2 (i32.add (local.get 2) (call $hot (i32.const 20000))))
      (local.set 2 (i32.add (local.get 2) (call $cold (i32.const 2000))))
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
    (local.get 2)))
