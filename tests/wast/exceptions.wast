;; Exception handling (try_table, throw, throw_ref, exnref): what the spec
;; suite's scripts do not cover. The legacy instructions are in
;; exceptions_legacy.wast.

(module $a
  (tag $shared (export "shared") (param i32))
  (func (export "throw-shared") (param i32) (throw $shared (local.get 0))))
(register "a")

(module
  (tag $shared (import "a" "shared") (param i32))
  (func $throw-shared (import "a" "throw-shared") (param i32))
  (tag $local (param i32))
  (tag $e0)
  (tag $i64 (param i64))
  (tag $all (param i32 i64 f32 f64 v128 funcref externref))
  (tag $exn (param exnref))
  (type $v (func))
  (table funcref (elem $thrower $nothrow))

  (func $thrower (throw $e0))
  (func $nothrow)

  ;; The inner handler does not match, the outer one does.
  (func (export "nested") (param i32) (result i32)
    (block $outer (result i32)
      (block $inner (result i64)
        (try_table (catch $i64 $inner) (catch $local $outer)
          (if (local.get 0) (then (throw $local (i32.const 7))) (else (throw $i64 (i64.const 9)))))
        (return (i32.const -1)))
      (i32.wrap_i64)))

  ;; An imported tag is the exporter's: the same tag caught by identity;
  ;; a tag of the same type defined here is another tag.
  (func (export "imported-identity") (result i32)
    (block $h (result i32)
      (try_table (catch $shared $h) (call $throw-shared (i32.const 41)))
      (i32.const -1))
    (i32.const 1) (i32.add))
  (func (export "same-type-other-tag") (result i32)
    (block $h (result i32)
      (try_table (catch $local $h) (call $throw-shared (i32.const 41)))
      (i32.const -1)))

  ;; Through call_indirect.
  (func (export "indirect") (param i32) (result i32)
    (block $h
      (try_table (catch $e0 $h) (call_indirect (type $v) (local.get 0)))
      (return (i32.const 0)))
    (i32.const 1))

  ;; Through many frames: a recursion 500 deep throws at the bottom.
  (func $deep (param i32) (result i32)
    (if (i32.eqz (local.get 0)) (then (throw $local (i32.const 500))))
    (i32.add (call $deep (i32.sub (local.get 0) (i32.const 1))) (i32.const 1)))
  (func (export "many-frames") (result i32)
    (block $h (result i32)
      (try_table (catch $local $h) (drop (call $deep (i32.const 500))))
      (i32.const -1)))

  ;; A payload of every value type comes back whole.
  (func (export "payload-all") (param externref) (result i32 i64 f32 f64 v128 externref i32)
    (local $f funcref)
    (block $h (result i32 i64 f32 f64 v128 funcref externref)
      (try_table (catch $all $h)
        (throw $all (i32.const -5) (i64.const 0x123456789abcdef0) (f32.const 1.5) (f64.const -2.25)
          (v128.const i32x4 1 2 3 0xffffffff) (ref.func $thrower) (local.get 0)))
      (unreachable))
    ;; funcref: compare to null (it is $thrower)
    (local.set 0)
    (local.set $f)
    (local.get 0)
    (ref.is_null (local.get $f)))

  ;; An exnref as a payload: caught, carried, rethrown, caught again by tag.
  (func (export "exn-payload") (result i32)
    (local $x exnref)
    (block $h2 (result i32)
      (try_table (catch $local $h2)
        (block $h1 (result exnref)
          (try_table (catch $exn $h1)
            (block $h0 (result i32 exnref)
              (try_table (catch_ref $local $h0) (throw $local (i32.const 77)))
              (unreachable))
            (local.set $x)
            (drop)
            (throw $exn (local.get $x)))
          (unreachable))
        (throw_ref))
      (unreachable)))

  ;; catch_all_ref keeps the exception: rethrown, its tag and payload are
  ;; the original's.
  (func (export "catch-all-ref-identity") (result i32)
    (block $h (result i32)
      (try_table (catch $local $h)
        (block $a (result exnref)
          (try_table (catch_all_ref $a) (throw $local (i32.const 12)))
          (unreachable))
        (throw_ref))
      (unreachable)))

  ;; Catching inside a loop, many times over.
  (func (export "loop-catch") (param i32) (result i32)
    (local $sum i32)
    (loop $l
      (block $h (result i32)
        (try_table (catch $local $h) (throw $local (local.get 0)))
        (unreachable))
      (local.set $sum (i32.add (local.get $sum)))
      (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))
      (br_if $l))
    (local.get $sum))

  ;; A try_table with params, and catch_all.
  (func (export "params") (param i32) (result i32)
    (block $h
      (local.get 0)
      (try_table (param i32) (result i32) (catch_all $h)
        (if (i32.eq (i32.const 3)) (then (throw $e0)))
        (i32.const 10))
      (return))
    (i32.const 20))

  ;; A handler left by br no longer covers what comes after.
  (func (export "left-by-br") (result i32)
    (block $h
      (block $out
        (try_table (catch_all $h) (br $out)))
      (throw $local (i32.const 5)))
    (i32.const 0))

  ;; exnref in locals; ref.is_null; throw_ref of null traps.
  (func (export "exnref-local") (result i32)
    (local $x exnref)
    (local.set $x
      (block $h (result exnref)
        (try_table (catch_all_ref $h) (throw $e0))
        (unreachable)))
    (ref.is_null (local.get $x)))
  (func (export "throw-null") (throw_ref (ref.null exn)))

  ;; The catch's label is the function: its results are the payload.
  (func (export "to-function") (result i32)
    (try_table (catch $local 0) (throw $local (i32.const 33)))
    (i32.const -1))
)

(assert_return (invoke "nested" (i32.const 1)) (i32.const 7))
(assert_return (invoke "nested" (i32.const 0)) (i32.const 9))
(assert_return (invoke "imported-identity") (i32.const 42))
(assert_exception (invoke "same-type-other-tag"))
(assert_return (invoke "indirect" (i32.const 0)) (i32.const 1))
(assert_return (invoke "indirect" (i32.const 1)) (i32.const 0))
(assert_return (invoke "many-frames") (i32.const 500))
(assert_return (invoke "payload-all" (ref.extern 5))
  (i32.const -5) (i64.const 0x123456789abcdef0) (f32.const 1.5) (f64.const -2.25)
  (v128.const i32x4 1 2 3 0xffffffff) (ref.extern 5) (i32.const 0))
(assert_return (invoke "exn-payload") (i32.const 77))
(assert_return (invoke "catch-all-ref-identity") (i32.const 12))
(assert_return (invoke "loop-catch" (i32.const 1000)) (i32.const 500500))
(assert_return (invoke "params" (i32.const 3)) (i32.const 20))
(assert_return (invoke "params" (i32.const 4)) (i32.const 10))
(assert_exception (invoke "left-by-br"))
(assert_return (invoke "exnref-local") (i32.const 0))
(assert_trap (invoke "throw-null") "null exception reference")
(assert_return (invoke "to-function") (i32.const 33))

;; A start function may throw and catch; one that lets an exception out
;; fails instantiation (tests/cli/features.sh shows the report).
(module
  (tag $e (param i32))
  (global $g (mut i32) (i32.const 0))
  (func $start
    (block $h (result i32)
      (try_table (catch $e $h) (throw $e (i32.const 99)))
      (unreachable))
    (global.set $g))
  (start $start)
  (func (export "g") (result i32) (global.get $g)))
(assert_return (invoke "g") (i32.const 99))

;; Validation and binary errors.
(assert_invalid (module (func (throw 0))) "unknown tag")
(assert_invalid (module (func (result exnref) (try_table (catch 0 0)) (unreachable))) "unknown tag")
(assert_invalid (module (tag) (func (try_table (catch 0 1)))) "unknown label")
(assert_invalid (module (tag (param i32)) (func (result i64) (try_table (catch 0 0)) (unreachable))) "type mismatch")
(assert_invalid (module (func (throw_ref (ref.null extern)))) "type mismatch")
(assert_invalid (module (export "t" (tag 0))) "unknown tag")
(assert_invalid (module (type (func (result i32))) (tag (type 0))) "non-empty tag result type")
(assert_malformed (module binary "\00asm\01\00\00\00" "\0d\02\01\01\00") "malformed tag attribute")
(assert_malformed (module binary "\00asm\01\00\00\00" "\06\01\00" "\0d\01\00") "unexpected content after last section")
(assert_malformed (module binary "\00asm\01\00\00\00" "\0d\05\ff\ff\ff\ff\0f") "length out of bounds")
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\01\04\01\60\00\00" "\03\02\01\00"
    "\0a\08\01\06\00\1f\40\01\07\0b")
  "malformed catch clause")

;; exnref values through the script: arguments and results.
(module
  (tag $t (param i32))
  (func (export "make") (result exnref)
    (block $h (result exnref)
      (try_table (catch_all_ref $h) (throw $t (i32.const 1)))
      (unreachable)))
  (func (export "id") (param exnref) (result exnref) (local.get 0)))
(assert_return (invoke "make") (ref.exn))
(assert_return (invoke "id" (ref.null exn)) (ref.null exn))
(assert_return (invoke "id" (ref.null exn)) (ref.null))
