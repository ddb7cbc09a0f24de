;; Exceptions that leave functions which are not inlined (called through
;; tables): in the compiled tier these unwind with the system unwinder to
;; a landing pad (src/runtime/native_eh.c), where the caller's values that
;; lived across the call must be intact. Frames without handlers, handlers
;; that do not match, rethrows, delegate to the caller and handlers at
;; every hundredth frame of a deep recursion, each in every tier.

(module
  (tag $e (param i32))
  (tag $f (param i64 f64))
  (type $i (func (param i32) (result i32)))
  (table funcref (elem $thrower $pass $nomatch $legacy_mid $delegator))
  (global $seen (mut i32) (i32.const 0))

  ;; Throws its argument when it is odd.
  (func $thrower (param i32) (result i32)
    (if (i32.and (local.get 0) (i32.const 1)) (then (throw $e (local.get 0))))
    (local.get 0))
  ;; A frame without handlers.
  (func $pass (param i32) (result i32)
    (i32.add (call_indirect (type $i) (local.get 0) (i32.const 0)) (i32.const 1000)))
  ;; A handler for $f only: $e goes on through it.
  (func $nomatch (param i32) (result i32)
    (block $h (result i64 f64)
      (return (try_table (result i32) (catch $f $h)
        (call_indirect (type $i) (local.get 0) (i32.const 1)))))
    (drop) (drop) (i32.const -1))

  ;; Values computed before each throwing call and used after it.
  (func (export "live") (param $n i32) (result i64)
    (local $i i32) (local $a i64) (local $b i64) (local $c i64) (local $got i32) (local $caught i32)
    (loop $l
      (local.set $a (i64.add (local.get $a) (i64.extend_i32_u (i32.mul (local.get $i) (i32.const 3)))))
      (local.set $b (i64.xor (local.get $b) (i64.shl (i64.extend_i32_u (local.get $i)) (i64.const 5))))
      (local.set $c (i64.add (i64.mul (local.get $c) (i64.const 31)) (i64.extend_i32_u (local.get $i))))
      (block $done
        (block $h (result i32)
          (local.set $got (try_table (result i32) (catch $e $h)
            (call_indirect (type $i) (local.get $i) (i32.const 2))))
          (br $done))
        (local.set $got)
        (local.set $caught (i32.add (local.get $caught) (i32.const 1))))
      (local.set $a (i64.add (local.get $a) (i64.extend_i32_s (local.get $got))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (i64.add (i64.add (local.get $a) (local.get $b))
             (i64.add (local.get $c) (i64.extend_i32_u (local.get $caught)))))

  ;; Legacy: a catch in a frame of its own that counts and rethrows.
  (func $legacy_mid (param i32) (result i32)
    (try (result i32)
      (do (call_indirect (type $i) (local.get 0) (i32.const 0)))
      (catch $e
        (global.set $seen (i32.add (global.get $seen) (i32.const 1)))
        (drop)
        (rethrow 0))))
  (func (export "legacy-rethrow") (param i32) (result i32)
    (try (result i32)
      (do (call_indirect (type $i) (local.get 0) (i32.const 3)))
      (catch $e (i32.add (i32.const 7)))))
  (func (export "seen") (result i32) (global.get $seen))

  ;; delegate 1 from the inner try: past the outer try's catch_all, to the
  ;; caller.
  (func $delegator (param i32) (result i32)
    (try (result i32)
      (do (try (result i32)
            (do (call_indirect (type $i) (local.get 0) (i32.const 0)))
            (delegate 1)))
      (catch_all (i32.const -1))))
  (func (export "delegate-out") (param i32) (result i32)
    (try (result i32)
      (do (call_indirect (type $i) (local.get 0) (i32.const 4)))
      (catch $e (i32.add (i32.const 99)))))

  ;; A recursion that throws at the bottom; every hundredth frame catches
  ;; the exception with its reference, counts and throws it on.
  (global $hops (mut i32) (i32.const 0))
  (func $rec (param $d i32) (result i32)
    (if (i32.eqz (local.get $d)) (then (throw $e (i32.const 0))))
    (if (i32.eqz (i32.rem_u (local.get $d) (i32.const 100)))
      (then
        (block $h (result i32 exnref)
          (return (try_table (result i32) (catch_ref $e $h)
            (call $rec (i32.sub (local.get $d) (i32.const 1))))))
        (global.set $hops (i32.add (global.get $hops) (i32.const 1)))
        (throw_ref)))
    (i32.add (call $rec (i32.sub (local.get $d) (i32.const 1))) (i32.const 1)))
  (func (export "rec-hops") (param i32) (result i32)
    (global.set $hops (i32.const 0))
    (block $h (result i32)
      (try_table (catch $e $h) (drop (call $rec (local.get 0))))
      (unreachable))
    (drop)
    (global.get $hops))
)
(assert_return (invoke "live" (i32.const 1)) (i64.const 1000))
(assert_return (invoke "live" (i32.const 2)) (i64.const 1038))
(assert_return (invoke "live" (i32.const 10)) (i64.const 910698101862))
(assert_return (invoke "live" (i32.const 1000)) (i64.const -8024092402741454408))
(assert_return (invoke "legacy-rethrow" (i32.const 4)) (i32.const 4))
(assert_return (invoke "legacy-rethrow" (i32.const 5)) (i32.const 12))
(assert_return (invoke "seen") (i32.const 1))
(assert_return (invoke "delegate-out" (i32.const 6)) (i32.const 6))
(assert_return (invoke "delegate-out" (i32.const 3)) (i32.const 102))
(assert_return (invoke "rec-hops" (i32.const 99)) (i32.const 0))
(assert_return (invoke "rec-hops" (i32.const 5000)) (i32.const 50))

;; A loop inside a try body that the auto tier enters natively in the
;; middle (on-stack replacement), then a throw from a callee it catches.
(module
  (tag $e (param i32))
  (type $v (func (param i32)))
  (table funcref (elem $maybe))
  (func $maybe (param i32) (if (i32.eq (local.get 0) (i32.const 5000)) (then (throw $e (local.get 0)))))
  (func (export "osr-catch") (result i32)
    (local $i i32) (local $s i32)
    (block $h (result i32)
      (try_table (catch $e $h)
        (loop $l
          (local.set $s (i32.add (local.get $s) (local.get $i)))
          (call_indirect (type $v) (local.get $i) (i32.const 0))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $l)))
      (i32.const -1))
    (i32.add (local.get $s))))
(assert_return (invoke "osr-catch") (i32.const 12507500))
